"""The VBA text in vba/: ribbon XML, callbacks, and the copy shipped in the package."""

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
        assert b.get("imageMso"), b.get("id")  # built-in icons only
        assert b.get("onAction")
    ids = [e.get("id") for e in root.iter() if e.get("id")]
    assert len(ids) == len(set(ids))


def test_every_callback_exists_with_the_ribbon_signature():
    sources = load_sources(VBA)
    code = "\n".join(m.code for m in sources.modules)
    for b in _ribbon().findall(f".//{NS}button"):
        name = b.get("onAction")
        assert re.search(rf"^\s*Public Sub {name}\(control As IRibbonControl\)\s*$", code, re.M), name
        assert name in sources.callbacks()


def test_callbacks_only_call_runpython():
    sources = load_sources(VBA)
    ribbon = next(m for m in sources.modules if m.name == "JixiaoRibbon")
    bodies = re.findall(r"Public Sub (\w+)\(control As IRibbonControl\)\n(.*?)\nEnd Sub", ribbon.code, re.S)
    assert len(bodies) == 5
    for name, body in bodies:
        lines = [ln.strip() for ln in body.splitlines() if ln.strip()]
        assert len(lines) == 1, name
        m = re.fullmatch(r'RunPython "import xl_jixiao\.excel\.macros as m; m\.(\w+)\(\)"', lines[0])
        assert m, lines[0]
        import xl_jixiao.excel.macros as macros

        assert callable(getattr(macros, m.group(1)))


def test_module_sources_are_ascii_with_a_vb_name():
    for path in VBA.glob("*.bas"):
        raw = path.read_bytes()
        raw.decode("ascii")  # code-page independent: Chinese text is built from code points
        assert raw.startswith(f'Attribute VB_Name = "{path.stem}"'.encode())


def test_package_copy_is_identical():
    repo = {p.name: p.read_bytes() for p in VBA.iterdir() if p.is_file()}
    packaged = {p.name: p.read_bytes() for p in PACKAGED.iterdir() if p.is_file()}
    assert repo == packaged, "src/xl_jixiao/addin/vba/ must be a copy of vba/ (cp vba/* src/xl_jixiao/addin/vba/)"
