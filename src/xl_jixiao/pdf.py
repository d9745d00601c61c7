"""Workbooks to PDF through headless LibreOffice, for the ``--pdf`` option of the commands.

The PDF is what a finance bureau prints, stamps and e-mails.  LibreOffice runs with a
profile of its own (so an open LibreOffice window does not interfere), converts into a
temporary folder, and each PDF is then moved beside its workbook atomically: a reader
never sees half a PDF.  Without LibreOffice a :class:`~xl_jixiao.errors.UserError` says
what to install; the workbooks are unaffected.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from pathlib import Path

from xl_jixiao.errors import UserError
from xl_jixiao.template.io import copy_atomic

log = logging.getLogger(__name__)

ENV_SOFFICE = "XL_JIXIAO_SOFFICE"
"""Environment variable naming the soffice program when it is not on PATH."""

TIMEOUT = 600

_WELL_KNOWN = (
    r"C:\Program Files\LibreOffice\program\soffice.exe",
    r"C:\Program Files (x86)\LibreOffice\program\soffice.exe",
    "/Applications/LibreOffice.app/Contents/MacOS/soffice",
    "/usr/bin/soffice",
    "/usr/lib/libreoffice/program/soffice",
    "/opt/libreoffice/program/soffice",
)

NO_SOFFICE = ("未找到 LibreOffice（soffice），无法生成 PDF。请安装 LibreOffice（免费，https://www.libreoffice.org/），"
              f"或设置环境变量 {ENV_SOFFICE} 指向 soffice 程序；也可以在 Excel 或 WPS 中打开工作簿，用「另存为 PDF」。")


def find_soffice() -> str | None:
    """The LibreOffice program: ``$XL_JIXIAO_SOFFICE``, then PATH, then the usual install folders."""
    configured = os.environ.get(ENV_SOFFICE)
    if configured:
        return configured if Path(configured).is_file() else None
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    return next((p for p in _WELL_KNOWN if Path(p).is_file()), None)


def pdf_path(workbook: str | os.PathLike) -> Path:
    return Path(workbook).with_suffix(".pdf")


def to_pdf(workbooks: Iterable[str | os.PathLike], timeout: float = TIMEOUT) -> list[Path]:
    """Convert each workbook to a PDF beside it (``x.xlsx`` → ``x.pdf``); returns the PDFs.

    One LibreOffice run converts them all (a run per group when two share a file name).
    Raises :class:`UserError` when LibreOffice is missing or a conversion fails.
    """
    paths = [Path(w).resolve() for w in workbooks]
    if not paths:
        return []
    soffice = find_soffice()
    if soffice is None:
        raise UserError(NO_SOFFICE)
    for p in paths:
        if not p.is_file():
            raise UserError(f"无法生成 PDF：文件不存在：{p}")
    groups: list[list[Path]] = []
    for p in paths:  # LibreOffice names its output by the input's name: one run per distinct name
        group = next((g for g in groups if all(q.stem != p.stem for q in g)), None)
        if group is None:
            groups.append([p])
        else:
            group.append(p)
    out: list[Path] = []
    for group in groups:
        out += _convert(soffice, group, timeout)
    return out


def _convert(soffice: str, paths: list[Path], timeout: float) -> list[Path]:
    with tempfile.TemporaryDirectory(prefix="xl-jixiao-pdf-") as tmp:
        work = Path(tmp)
        outdir = work / "out"
        cmd = [soffice, f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless", "--norestore",
               "--nolockcheck", "--convert-to", "pdf", "--outdir", str(outdir), *map(str, paths)]
        log.info("LibreOffice: %s", " ".join(cmd))
        try:
            done = subprocess.run(cmd, capture_output=True, timeout=timeout, stdin=subprocess.DEVNULL, check=False)
        except subprocess.TimeoutExpired:
            raise UserError(f"LibreOffice 转换 PDF 超过 {timeout:.0f} 秒仍未完成，已停止：{paths[0]}") from None
        except OSError as exc:
            raise UserError(f"无法运行 LibreOffice（{soffice}）：{exc.strerror or exc}") from None
        results = []
        for p in paths:
            produced = outdir / f"{p.stem}.pdf"
            if not produced.is_file():
                detail = (done.stderr or done.stdout or b"").decode("utf-8", "replace").strip().splitlines()
                raise UserError(f"LibreOffice 未能把 {p} 转成 PDF" + (f"：{detail[-1]}" if detail else ""))
            results.append(copy_atomic(produced, pdf_path(p)))
        return results
