"""The VBA text in vba/: ribbon XML, callbacks, the xlwings bridge, and the copy shipped in the package."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from xl_jixiao.addin import load_sources

REPO = Path(__file__).resolve().parent.parent
VBA = REPO / "vba"
PACKAGED = REPO / "src" / "xl_jixiao" / "addin" / "vba"
NS = "{http://schemas.microsoft.com/office/2009/07/customui}"
EXPECTED_LABELS = {"校验", "合计", "清除标记", "汇总", "生成批复表"}
RIBBON_NS = "urn:xl-jixiao:ribbon"

# Built-in Excel control ids used as button icons, as listed in Microsoft's
# "Office Fluent User Interface Control Identifiers" for Excel (ExcelControls).
# Ids of other Office applications (Word's TableInsert, Outlook's
# AcceptInvitation) show no icon in Excel.
EXCEL_CONTROL_IDS = {"DataValidation", "AutoSum", "ClearFormats", "TableInsertExcel", "FilePrint"}


def _ribbon():
    return ET.fromstring((VBA / "customUI14.xml").read_bytes())


def test_ribbon_xml_parses_and_has_the_tab():
    root = _ribbon()
    assert root.tag == f"{NS}customUI"
    tabs = root.findall(f".//{NS}tab")
    assert [t.get("label") for t in tabs] == ["绩效目标"]
    buttons = root.findall(f".//{NS}button")
    assert {b.get("label") for b in buttons} == EXPECTED_LABELS
    for b in buttons:
        assert b.get("imageMso") in EXCEL_CONTROL_IDS, b.get("idQ")  # built-in Excel icons only
        assert b.get("onAction")
    ids = [e.get("idQ") for e in root.iter() if e.get("idQ")]
    assert len(ids) == len(set(ids))


def test_template_and_addin_share_one_tab():
    """Tab, groups and buttons carry qualified ids in one namespace, so the template
    and the add-in open together show one 绩效目标 tab, not two."""
    raw = (VBA / "customUI14.xml").read_text("utf-8")
    assert f'xmlns:jx="{RIBBON_NS}"' in raw
    root = _ribbon()
    for tag in ("tab", "group", "button"):
        elements = root.findall(f".//{NS}{tag}")
        assert elements
        for e in elements:
            assert e.get("id") is None and e.get("idQ", "").startswith("jx:"), (tag, e.attrib)


def test_every_callback_exists_with_the_ribbon_signature():
    sources = load_sources(VBA)
    code = "\n".join(m.code for m in sources.modules)
    for b in _ribbon().findall(f".//{NS}button"):
        name = b.get("onAction")
        assert re.search(rf"^\s*Public Sub {name}\(control As IRibbonControl\)\s*$", code, re.MULTILINE), name
        assert name in sources.callbacks()


def test_callbacks_only_call_runpython():
    sources = load_sources(VBA)
    ribbon = next(m for m in sources.modules if m.name == "JixiaoButtons")
    bodies = re.findall(r"Public Sub (\w+)\(control As IRibbonControl\)\n(.*?)\nEnd Sub", ribbon.code, re.DOTALL)
    assert len(bodies) == 5
    for name, body in bodies:
        lines = [ln.strip() for ln in body.splitlines() if ln.strip()]
        assert len(lines) == 1, name
        m = re.fullmatch(r'RunPython "import xl_jixiao\.excel\.macros as m; m\.(\w+)\(\)"', lines[0])
        assert m, lines[0]
        from xl_jixiao.excel import macros

        assert callable(getattr(macros, m.group(1)))


def test_module_sources_hold_literal_chinese_in_the_project_code_page():
    from xl_jixiao.addin.vbaproject import CODEPAGE

    for path in [*VBA.glob("*.bas"), *VBA.glob("*.cls")]:
        text = path.read_bytes().decode("utf-8")
        text.encode(f"cp{CODEPAGE}")  # stored as GBK (code page 936) in the project
        # No strings assembled from code points: olevba reads those as obfuscation.
        assert not re.search(r"\bChrW?\$?\s*\(|&H[0-9A-F]{2}", text, re.IGNORECASE), path.name
        if path.suffix == ".bas":
            assert text.startswith(f'Attribute VB_Name = "{path.stem}"')
    bridge = (VBA / "JixiaoXlwings.bas").read_text("utf-8")
    assert "WPS 表格" in bridge and "xl-jixiao check" in bridge


def test_bridge_reaches_xlwings_late_bound_through_existing_procedures():
    """Every Application.Run target names a public procedure of the xlwings add-in's modules."""
    from importlib.util import find_spec

    bridge = (VBA / "JixiaoXlwings.bas").read_text("utf-8")
    targets = set(re.findall(r'Application\.Run\(XLWINGS & "(\w+)\.(\w+)"', bridge))
    assert targets == {("Main", "RunPython"), ("Main", "XLPy"), ("Config", "GetConfig")}
    addin_src = Path(find_spec("xlwings").submodule_search_locations[0]) / "addin"
    for module, proc in targets:
        text = (addin_src / f"{module}.bas").read_text("utf-8", errors="replace")
        assert "Option Private Module" not in text
        assert re.search(rf"^(Public )?Function {proc}\(", text, re.MULTILINE), (module, proc)
    assert 'Const XLWINGS As String = "\'xlwings.xlam\'!"' in bridge


def test_package_copy_is_identical():
    repo = {p.name: p.read_bytes() for p in VBA.iterdir() if p.is_file()}
    packaged = {p.name: p.read_bytes() for p in PACKAGED.iterdir() if p.is_file()}
    assert repo == packaged, "src/xl_jixiao/addin/vba/ must be a copy of vba/ (cp vba/* src/xl_jixiao/addin/vba/)"
