"""The built .xlsm/.xlam: packaging, reproducibility, olevba and LibreOffice read-back."""

from __future__ import annotations

import io
import re
import subprocess
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import olefile
import pytest
from openpyxl import Workbook

from xl_jixiao import addin
from xl_jixiao.addin import package, vbaproject
from xl_jixiao.cli import main

REPO = Path(__file__).resolve().parent.parent
WORKBOOKS = REPO / "workbooks"


def _small_workbook():
    wb = Workbook()
    wb.active.title = "单位信息"
    wb.create_sheet("绩效指标")["A1"] = "三级指标"
    return wb


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("addin")
    return {
        "xlsm": addin.build(d / "t.xlsm", workbook=_small_workbook()),
        "xlam": addin.build(d / "t.xlam"),
    }


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def test_byte_identical_rebuilds():
    a = addin.build_bytes("xlsm", workbook=_small_workbook())
    b = addin.build_bytes("xlsm", workbook=_small_workbook())
    assert a == b
    assert addin.build_bytes("xlam") == addin.build_bytes("xlam")


def test_zip_members_have_fixed_metadata(built):
    with zipfile.ZipFile(built["xlsm"]) as zf:
        infos = zf.infolist()
    assert infos[0].filename == "[Content_Types].xml"
    assert all(i.date_time == (1980, 1, 1, 0, 0, 0) for i in infos)


@pytest.mark.parametrize("kind", ["xlsm", "xlam"])
def test_package_parts(built, kind):
    parts = _parts(built[kind])
    ct = parts["[Content_Types].xml"].decode()
    main_type = package.CONTENT_TYPES[kind]
    assert re.search(rf'PartName="/xl/workbook.xml" ContentType="{re.escape(main_type)}"', ct)
    assert 'PartName="/xl/vbaProject.bin" ContentType="application/vnd.ms-office.vbaProject"' in ct
    rels = ET.fromstring(parts["_rels/.rels"])
    ui = [r for r in rels if r.get("Target") == "customUI/customUI14.xml"]
    assert len(ui) == 1 and ui[0].get("Type") == package.REL_CUSTOMUI14
    wb_rels = ET.fromstring(parts["xl/_rels/workbook.xml.rels"])
    vba = [r for r in wb_rels if r.get("Type") == package.REL_VBA]
    assert len(vba) == 1 and vba[0].get("Target") == "vbaProject.bin"
    assert parts["customUI/customUI14.xml"] == (REPO / "vba" / "customUI14.xml").read_bytes().replace(b"\r\n", b"\n")
    assert b'codeName="ThisWorkbook"' in parts["xl/workbook.xml"]
    assert b"2025-01-01T00:00:00Z" in parts["docProps/core.xml"]


def test_vba_project_streams(built):
    data = _parts(built["xlsm"])["xl/vbaProject.bin"]
    ole = olefile.OleFileIO(io.BytesIO(data))
    streams = {"/".join(p) for p in ole.listdir()}
    assert {"PROJECT", "PROJECTwm", "VBA/_VBA_PROJECT", "VBA/dir", "VBA/ThisWorkbook", "VBA/Sheet1",
            "VBA/Sheet2", "VBA/JixiaoRibbon", "VBA/JixiaoPython"} <= streams
    head = ole.openstream("VBA/_VBA_PROJECT").read()
    assert head == bytes.fromhex("CC61FFFF000300")  # version 0xFFFF, no performance cache
    project = ole.openstream("PROJECT").read().decode("gbk")
    assert 'Name="JixiaoTemplate"' in project
    assert "Module=JixiaoRibbon" in project and "Document=ThisWorkbook/&H00000000" in project
    from xl_jixiao.addin import ovba

    pid = re.search(r'ID="(\{[0-9A-F-]+\})"', project).group(1)
    for prop, value in (("CMG", b"\x00\x00\x00\x00"), ("DPB", b"\x00"), ("GC", b"\xff")):
        enc = re.search(rf'{prop}="([0-9A-F]+)"', project).group(1)
        assert ovba.decrypt_data(enc) == (ovba.project_key(pid), value)
    wm = ole.openstream("PROJECTwm").read()
    assert b"JixiaoRibbon\x00" + "JixiaoRibbon".encode("utf-16-le") + b"\x00\x00" in wm
    # module streams hold the compressed source at offset 0
    src = ole.openstream("VBA/JixiaoRibbon").read()
    assert ovba.decompress(src).startswith(b'Attribute VB_Name = "JixiaoRibbon"')


def _olevba_modules(path: Path) -> dict[str, str]:
    from oletools.olevba import VBA_Parser

    parser = VBA_Parser(str(path))
    try:
        return {name.rsplit(".", 1)[0]: code for _f, _s, name, code in parser.extract_macros()}
    finally:
        parser.close()


def _strip_attributes(code: str) -> str:
    lines = code.replace("\r\n", "\n").split("\n")
    return "\n".join(ln for ln in lines if not ln.startswith("Attribute VB_")).strip("\n")


@pytest.mark.parametrize("kind", ["xlsm", "xlam"])
def test_olevba_reads_back_every_module_exactly(built, kind):
    modules = _olevba_modules(built[kind])
    sources = addin.load_sources()
    for m in sources.modules:
        assert m.name in modules
        assert modules[m.name].replace("\r\n", "\n") == vbaproject.Module(m.name, m.code).stored_source().replace(
            "\r\n", "\n")
        assert _strip_attributes(modules[m.name]) == m.code.strip("\n")
    assert "ThisWorkbook" in modules


def test_olevba_command_line(built):
    out = subprocess.run(["olevba", "--code", str(built["xlsm"])], capture_output=True, text=True, timeout=120)
    for m in addin.load_sources().modules:
        assert f"VBA MACRO {m.name}.bas" in out.stdout
    assert 'RunPython "import xl_jixiao.excel.macros as m; m.validate()"' in out.stdout


@pytest.mark.libreoffice
def test_libreoffice_loads_the_modules(built, soffice, tmp_path):
    src = tmp_path / "in.xlsm"
    src.write_bytes(built["xlsm"].read_bytes())
    profile = tmp_path / "profile"
    subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "ods",
                    "--outdir", str(tmp_path), str(src)], capture_output=True, timeout=180, check=True)
    ods = tmp_path / "in.ods"
    assert ods.exists()
    with zipfile.ZipFile(ods) as zf:
        names = zf.namelist()
        basic = {n.rsplit("/", 1)[-1][:-4]: zf.read(n).decode("utf-8") for n in names
                 if n.startswith("Basic/JixiaoTemplate/") and n.endswith(".xml") and "script-" not in n}
        content = zf.read("content.xml").decode("utf-8")
    assert {"JixiaoRibbon", "JixiaoPython", "ThisWorkbook", "Sheet1", "Sheet2"} <= set(basic)
    assert "Public Sub JX_Validate(control As IRibbonControl)" in basic["JixiaoRibbon"]
    assert "m.clear_marks()" in basic["JixiaoRibbon"]
    assert "单位信息" in content and "绩效指标" in content  # the sheets came through too


def test_committed_workbooks_match_a_fresh_build():
    for name in addin.DEFAULT_OUTPUTS:
        committed = WORKBOOKS / name
        assert committed.exists(), f"缺少 {committed}：运行 xl-jixiao addin --workbooks"
        kind = addin.kind_of(committed)
        fresh = addin.build_bytes(kind)
        a, b = _parts(committed), package.read_parts(fresh)
        assert list(a) == list(b)
        for part in a:
            assert a[part] == b[part], f"{name}: {part} 与重新生成的不同；运行 xl-jixiao addin --workbooks 更新"


def test_command_line(tmp_path, capsys):
    assert main(["addin", "-o", str(tmp_path / "a.xlsm"), "-o", str(tmp_path / "b.xlam")]) == 0
    out = capsys.readouterr().out
    assert "a.xlsm" in out and "b.xlam" in out
    assert zipfile.is_zipfile(tmp_path / "a.xlsm")
    assert main(["addin", "-o", str(tmp_path / "c.xlsx")]) == 2
    assert "xlsm" in capsys.readouterr().err


def test_command_line_from_existing_workbook(tmp_path):
    src = tmp_path / "src.xlsx"
    _small_workbook().save(src)
    assert main(["addin", "--from", str(src), "-o", str(tmp_path / "x.xlsm")]) == 0
    parts = _parts(tmp_path / "x.xlsm")
    assert "xl/vbaProject.bin" in parts and "xl/worksheets/sheet2.xml" in parts


def test_command_line_template_options(tmp_path):
    out = tmp_path / "legacy.xlsm"
    assert main(["addin", "-o", str(out), "--scheme", "legacy", "--year", "2025", "--money-unit", "元"]) == 0
    parts = _parts(out)
    assert "xl/vbaProject.bin" in parts
    assert "单位信息" in parts["xl/workbook.xml"].decode("utf-8")  # built from the template
