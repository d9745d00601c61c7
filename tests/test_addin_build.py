"""The built .xlsm/.xlam: packaging, reproducibility, olevba and LibreOffice read-back."""

from __future__ import annotations

import io
import re
import struct
import subprocess
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import olefile
import pytest
from openpyxl import Workbook

from xl_jixiao import addin
from xl_jixiao.addin import ovba, package, udfwrappers, vbaproject
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
    # The 2006 part Excel 2007 and WPS read: same ribbon, 2006 namespace, its own relationship type.
    ui12 = [r for r in rels if r.get("Target") == "customUI/customUI.xml"]
    assert len(ui12) == 1 and ui12[0].get("Type") == package.REL_CUSTOMUI12
    old_ui = ET.fromstring(parts["customUI/customUI.xml"])
    new_ui = ET.fromstring(parts["customUI/customUI14.xml"])
    assert old_ui.tag == "{http://schemas.microsoft.com/office/2006/01/customui}customUI"
    assert [(e.tag.split("}")[1], sorted(e.attrib.items())) for e in old_ui.iter()] == \
        [(e.tag.split("}")[1], sorted(e.attrib.items())) for e in new_ui.iter()]
    assert b'codeName="ThisWorkbook"' in parts["xl/workbook.xml"]
    assert b"2025-01-01T00:00:00Z" in parts["docProps/core.xml"]


def test_vba_project_streams(built):
    data = _parts(built["xlsm"])["xl/vbaProject.bin"]
    ole = olefile.OleFileIO(io.BytesIO(data))
    streams = {"/".join(p) for p in ole.listdir()}
    assert {"PROJECT", "PROJECTwm", "VBA/_VBA_PROJECT", "VBA/dir", "VBA/ThisWorkbook", "VBA/Sheet1",
            "VBA/Sheet2", "VBA/JixiaoButtons", "VBA/JixiaoXlwings", "VBA/JixiaoFunctions"} <= streams
    head = ole.openstream("VBA/_VBA_PROJECT").read()
    assert head == bytes.fromhex("CC61FFFF000100")  # version 0xFFFF, no performance cache, as Excel writes it
    dir_stream = ovba.decompress(ole.openstream("VBA/dir").read())
    at = dir_stream.index(struct.pack("<HI", 0x0009, 4))
    major, minor = struct.unpack_from("<IH", dir_stream, at + 6)
    # Excel stores a large build-dependent major number (files saved by Excel: 1.6e9-1.8e9), not 1.0.
    assert 1_600_000_000 <= major < 1_800_000_000 and 2 <= minor <= 8
    # xlwings is reached late-bound (Application.Run): no reference to its project, only OLE Automation and Office.
    assert b"xlwings.xlam" not in dir_stream.lower()
    assert b"stdole" in dir_stream and b"Office" in dir_stream
    project = ole.openstream("PROJECT").read().decode("gbk")
    assert 'Name="JixiaoTemplate"' in project
    assert "Module=JixiaoButtons" in project and "Document=ThisWorkbook/&H00000000" in project

    pid = re.search(r'ID="(\{[0-9A-F-]+\})"', project).group(1)
    for prop, value in (("CMG", b"\x00\x00\x00\x00"), ("DPB", b"\x00"), ("GC", b"\xff")):
        enc = re.search(rf'{prop}="([0-9A-F]+)"', project).group(1)
        assert ovba.decrypt_data(enc) == (ovba.project_key(pid), value)
    wm = ole.openstream("PROJECTwm").read()
    assert b"JixiaoButtons\x00" + "JixiaoButtons".encode("utf-16-le") + b"\x00\x00" in wm
    # module streams hold the compressed source at offset 0
    src = ole.openstream("VBA/JixiaoButtons").read()
    assert ovba.decompress(src).startswith(b'Attribute VB_Name = "JixiaoButtons"')
    # literal Chinese, stored in the project's code page 936
    bridge = ovba.decompress(ole.openstream("VBA/JixiaoXlwings").read())
    assert "WPS 表格".encode("gbk") in bridge


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


def _wrappers(code: str) -> dict[str, list[tuple[str, bool]]]:
    """VBA function name → [(argument, optional)] of every Public Function in ``code``."""
    out = {}
    for name, params in re.findall(r"^Public Function (\w+)\(([^)]*)\)", code, re.MULTILINE):
        args = []
        for p in filter(None, (x.strip() for x in params.split(","))):
            args.append((p.split()[-1], p.startswith("Optional ")))
        out[name] = args
    return out


def _xlwings_signatures() -> dict[str, list[tuple[str, bool]]]:
    """The arguments xlwings' @xw.func recorded for each UDF (``__xlfunc__``).  On Linux the
    decorators record them in xlwings' server mode, which needs a licence key (set here, for the test)."""
    import json
    import os
    import sys

    code = ("import json, xl_jixiao.excel.udfs as u; print(json.dumps({n: [(a['name'], 'optional' in a) "
            "for a in f.__xlfunc__['args']] for n, f in vars(u).items() if hasattr(f, '__xlfunc__')}))")
    env = dict(os.environ, XLWINGS_ON_SERVER="true", XLWINGS_LICENSE_KEY="noncommercial")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120, check=True)
    return {k: [tuple(a) for a in v] for k, v in json.loads(out.stdout).items()}


@pytest.mark.parametrize("kind", ["xlam", "xlsm"])
def test_every_udf_has_a_wrapper_with_its_arguments(built, kind):
    """Read back from the built project: each @xw.func has a VBA function with xlwings'
    own view of its arguments (names, order, optional), calling it through the bridge."""
    code = _olevba_modules(built[kind])[udfwrappers.MODULE_NAME]
    wrappers = _wrappers(code)
    funcs = _xlwings_signatures()
    assert set(funcs) == {"JX_VALUE", "JX_CHECK", "JX_TOTAL", "JX_LEVEL2"}
    assert set(wrappers) == set(funcs)
    for name, expected in funcs.items():
        assert wrappers[name] == expected, name
        args = ", ".join(a for a, _ in expected)
        assert f'{name} = JixiaoCallUDF("{name}", Array({args}))' in code
    bridge = _olevba_modules(built[kind])["JixiaoXlwings"]
    assert 'py.CallUDF(UDF_MODULE, FunctionName, Args, ThisWorkbook, Application.Caller)' in bridge
    assert 'UDF_MODULE As String = "xl_jixiao.excel.udfs"' in bridge


def test_xlam_tells_a_non_excel_host_on_open(built):
    modules = _olevba_modules(built["xlam"])
    assert re.search(r"Private Sub Workbook_Open\(\)\s+JixiaoHostNotice\s+End Sub", modules["ThisWorkbook"])
    assert "Workbook_Open" not in _olevba_modules(built["xlsm"])["ThisWorkbook"]


@pytest.mark.parametrize("kind", ["xlsm", "xlam"])
def test_olevba_finds_no_obfuscation(built, kind):
    """No hex-built, Base64-looking or Chr()-assembled strings.  The only hex strings olevba
    reports are the class ids in the document modules' VB_Base attributes, which every
    workbook saved by Excel carries too (xlwings' quickstart.xlsm, made by Excel, shows them)."""
    from oletools.olevba import VBA_Parser

    parser = VBA_Parser(str(built[kind]))
    try:
        results = parser.analyze_macros()
    finally:
        parser.close()
    allowed_hex = set(re.findall(r"[0-9A-F]{8,}", vbaproject.WORKBOOK_BASE + vbaproject.WORKSHEET_BASE))
    for kw_type, keyword, _description in results:
        assert kw_type not in ("Base64 String", "Dridex string", "VBA string"), (kw_type, keyword)
        assert keyword.lower() not in ("chr", "chrw", "chrb", "strreverse", "xor", "base64 strings",
                                       "dridex strings", "vba obfuscated strings"), keyword
        if kw_type == "Hex String":
            assert keyword in {bytes.fromhex(h).decode("latin-1") for h in allowed_hex}, keyword


def test_olevba_command_line(built):
    out = subprocess.run(["olevba", "--code", str(built["xlsm"])], capture_output=True, text=True, timeout=120,
                         check=False)
    for m in addin.load_sources().modules:
        assert f"VBA MACRO {m.name}.bas" in out.stdout
    assert 'RunPython "import xl_jixiao.excel.macros as m; m.validate()"' in out.stdout


@pytest.mark.libreoffice
@pytest.mark.parametrize("kind", ["xlsm", "xlam"])
def test_libreoffice_loads_the_modules(built, soffice, tmp_path, kind):
    """LibreOffice reads every module of both files (the add-in through the xlsm import filter,
    as it does not pick a filter for .xlam by itself), Chinese text included."""
    src = tmp_path / f"in.{kind}"
    src.write_bytes(built[kind].read_bytes())
    profile = tmp_path / "profile"
    subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless",
                    "--infilter=Calc MS Excel 2007 VBA XML", "--convert-to", "ods",
                    "--outdir", str(tmp_path), str(src)], capture_output=True, timeout=180, check=True)
    ods = tmp_path / "in.ods"
    assert ods.exists()
    library = f"Basic/{addin.PROJECT_NAMES[kind]}/"
    with zipfile.ZipFile(ods) as zf:
        names = zf.namelist()
        basic = {n.rsplit("/", 1)[-1][:-4]: zf.read(n).decode("utf-8") for n in names
                 if n.startswith(library) and n.endswith(".xml") and "script-" not in n}
        content = zf.read("content.xml").decode("utf-8")
    built_modules = set(_olevba_modules(built[kind]))
    assert built_modules == set(basic)
    assert {"JixiaoButtons", "JixiaoXlwings", "JixiaoFunctions", "ThisWorkbook", "Sheet1"} <= set(basic)
    assert "Public Sub JX_Validate(control As IRibbonControl)" in basic["JixiaoButtons"]
    assert "m.clear_marks()" in basic["JixiaoButtons"]
    assert "WPS 表格" in basic["JixiaoXlwings"]  # code page 936 read back as Chinese
    assert "Public Function JX_CHECK(" in basic["JixiaoFunctions"]
    if kind == "xlsm":
        assert "单位信息" in content and "绩效指标" in content  # the sheets came through too
    else:
        assert "JixiaoHostNotice" in basic["ThisWorkbook"]
        assert "绩效目标工具" in content


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
