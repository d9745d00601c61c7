"""Build the macro-enabled template (``.xlsm``) and the add-in (``.xlam``).

Both are built from text, on any operating system, reproducibly:

* ``vba/customUI14.xml`` – the 绩效目标 ribbon tab (2009 schema); the 2006
  ``customUI.xml`` that Excel 2007 and WPS read is derived from it;
* ``vba/*.bas`` – VBA modules (ribbon callbacks that only call ``RunPython``,
  and the bridge to xlwings in ``JixiaoXlwings.bas``);
* ``vba/ThisWorkbook-addin.cls`` – the add-in's ``ThisWorkbook`` code (tells a
  WPS user at once that Python macros cannot run there);
* the worksheet-function wrappers, generated from the ``@xw.func`` signatures
  of :mod:`xl_jixiao.excel.udfs` (:mod:`.udfwrappers`);
* the template workbook from :func:`xl_jixiao.template.build_template` (for
  ``.xlsm``) or a one-sheet notice workbook (for ``.xlam``).

The VBA project is generated from the module text (:mod:`.vbaproject`: MS-OVBA
compression, ``dir``/``PROJECT``/``PROJECTwm`` streams, compound file), so no
Excel is needed and the same input always gives the same bytes.

Where the VBA text comes from: the repository's ``vba/`` folder when running
from a checkout (so edits there take effect at once), otherwise the copy
shipped inside the package (``xl_jixiao/addin/vba``, kept identical to
``vba/`` by a test).
"""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from xl_jixiao.addin.package import Kind, macro_enable
from xl_jixiao.addin.udfwrappers import wrapper_module
from xl_jixiao.addin.vbaproject import (
    WORKBOOK_BASE,
    WORKSHEET_BASE,
    Module,
    build_vba_project,
    document_module,
    parse_bas,
)
from xl_jixiao.template.io import share_formulas_in_package

__all__ = [
    "AddinSources",
    "kind_of",
    "build",
    "build_bytes",
    "build_vba_project",
    "find_vba_dir",
    "load_sources",
    "DEFAULT_OUTPUTS",
]

_PACKAGE_VBA = Path(__file__).parent / "vba"
_REPO_VBA = Path(__file__).resolve().parents[3] / "vba"
CUSTOM_UI_FILE = "customUI14.xml"
ADDIN_WORKBOOK_FILE = "ThisWorkbook-addin.cls"
CUSTOMUI_2009_NS = b"http://schemas.microsoft.com/office/2009/07/customui"
CUSTOMUI_2006_NS = b"http://schemas.microsoft.com/office/2006/01/customui"

PROJECT_NAMES = {"xlsm": "JixiaoTemplate", "xlam": "JixiaoAddin"}

DEFAULT_OUTPUTS = ("绩效目标表模板.xlsm", "绩效目标工具.xlam")
"""File names of the built workbooks committed in ``workbooks/``."""


def find_vba_dir(explicit: str | os.PathLike | None = None) -> Path:
    """The folder holding ``customUI14.xml`` and the ``.bas`` modules."""
    candidates = [Path(explicit)] if explicit else [_REPO_VBA, _PACKAGE_VBA]
    for c in candidates:
        if (c / CUSTOM_UI_FILE).is_file():
            return c
    from xl_jixiao.errors import UserError

    raise UserError(f"找不到 VBA 源文件目录（需要含有 {CUSTOM_UI_FILE}）：" + "、".join(str(c) for c in candidates))


@dataclass(frozen=True)
class AddinSources:
    custom_ui: bytes
    modules: tuple[Module, ...]
    addin_workbook_code: str = "Option Explicit\n"

    def custom_ui_2006(self) -> bytes:
        """The same ribbon in the 2006 schema (it uses nothing the 2006 schema lacks)."""
        if CUSTOMUI_2009_NS not in self.custom_ui:
            raise ValueError(f"{CUSTOM_UI_FILE} is not in the 2009 customUI namespace")
        return self.custom_ui.replace(CUSTOMUI_2009_NS, CUSTOMUI_2006_NS)

    def callbacks(self) -> set[str]:
        """Names of the public Subs in the standard modules."""
        import re

        found = set()
        for m in self.modules:
            for line in m.code.splitlines():
                hit = re.match(r"\s*(?:Public\s+)?Sub\s+([A-Za-z_][A-Za-z0-9_]*)\s*\(", line, re.IGNORECASE)
                if hit:
                    found.add(hit.group(1))
        return found


def load_sources(vba_dir: str | os.PathLike | None = None) -> AddinSources:
    """Read the ribbon XML and every ``.bas`` module (sorted by file name)."""
    d = find_vba_dir(vba_dir)
    modules = []
    for path in sorted(d.glob("*.bas")):
        text = path.read_bytes().decode("utf-8")
        modules.append(parse_bas(text, default_name=path.stem))
    # Line ends are normalised so a checkout with CRLF conversion builds the same bytes.
    custom_ui = (d / CUSTOM_UI_FILE).read_bytes().replace(b"\r\n", b"\n")
    addin_code = d / ADDIN_WORKBOOK_FILE
    workbook_code = addin_code.read_bytes().decode("utf-8").replace("\r\n", "\n") if addin_code.is_file() else None
    return AddinSources(custom_ui=custom_ui, modules=tuple(modules),
                        addin_workbook_code=workbook_code or "Option Explicit\n")


def _template_workbook():
    """The template workbook (openpyxl) the ``.xlsm`` is made from."""
    from xl_jixiao.template import build_template

    return build_template()


def _addin_workbook():
    """The single visible-to-nobody sheet of the add-in: a short notice."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "说明"
    ws["A1"] = "绩效目标工具（xl_jixiao 加载项）"
    ws["A2"] = "安装后 Excel 功能区出现「绩效目标」选项卡，按钮作用于当前活动工作簿；任何工作簿中都可以使用 JX_VALUE、JX_CHECK、JX_TOTAL、JX_LEVEL2 函数。"
    ws["A3"] = "需要 Python、xl_jixiao 和 xlwings 加载项：pip install \"xl_jixiao[excel]\"，xlwings addin install，xl-jixiao doctor --fix。"
    ws["A4"] = "WPS 表格不能运行 Python 宏：请使用模板自带的检查，或在装有 Python 的电脑上用命令行 xl-jixiao。"
    ws.column_dimensions["A"].width = 90
    return wb


def _xlsx_bytes(wb) -> tuple[bytes, list[str]]:
    """Save ``wb`` with VBA code names set; returns the bytes and the sheet code names."""
    wb.code_name = "ThisWorkbook"
    code_names = []
    for i, ws in enumerate(wb.worksheets, start=1):
        ws.sheet_properties.codeName = f"Sheet{i}"
        code_names.append(f"Sheet{i}")
    buf = io.BytesIO()
    wb.save(buf)
    return share_formulas_in_package(wb, buf.getvalue()), code_names


def build_bytes(
    kind: Kind,
    workbook=None,
    vba_dir: str | os.PathLike | None = None,
) -> bytes:
    """The bytes of the macro-enabled workbook of ``kind`` (``xlsm``/``xlam``).

    ``workbook`` is an openpyxl workbook to start from; by default the template
    (``xlsm``) or the add-in notice workbook (``xlam``).
    """
    sources = load_sources(vba_dir)
    if workbook is None:
        workbook = _template_workbook() if kind == "xlsm" else _addin_workbook()
    xlsx, code_names = _xlsx_bytes(workbook)
    workbook_code = sources.addin_workbook_code if kind == "xlam" else "Option Explicit\n"
    modules = [document_module("ThisWorkbook", WORKBOOK_BASE, workbook_code)]
    modules += [document_module(n, WORKSHEET_BASE) for n in code_names]
    modules += list(sources.modules)
    modules.append(wrapper_module())
    vba = build_vba_project(modules, project_name=PROJECT_NAMES[kind])
    return macro_enable(xlsx, kind, vba, sources.custom_ui, sources.custom_ui_2006())


def kind_of(path: str | os.PathLike) -> Kind:
    suffix = Path(path).suffix.lower()
    if suffix == ".xlsm":
        return "xlsm"
    if suffix == ".xlam":
        return "xlam"
    from xl_jixiao.errors import UserError

    raise UserError(f"输出文件必须以 .xlsm（宏模板）或 .xlam（加载项）结尾：{path}")


def build(
    path: str | os.PathLike,
    workbook=None,
    vba_dir: str | os.PathLike | None = None,
    workbook_factory: Callable[[], object] | None = None,
) -> Path:
    """Build ``path`` (kind from its suffix) atomically; returns the path."""
    path = Path(path)
    kind = kind_of(path)
    if workbook is None and workbook_factory is not None:
        workbook = workbook_factory()
    data = build_bytes(kind, workbook=workbook, vba_dir=vba_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp creates 0600; give the usual permissions
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return path
