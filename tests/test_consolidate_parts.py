"""Consolidation building blocks: the XLSX writer, discovery, cross-file rules, records, progress, demo."""

from __future__ import annotations

import io
import pickle
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from xl_jixiao.consolidate import xlsx
from xl_jixiao.consolidate.crossfile import CrossFileIndex
from xl_jixiao.consolidate.discovery import discover, skip_reason
from xl_jixiao.consolidate.progress import Progress
from xl_jixiao.consolidate.records import FileRecord, dumps, loads
from xl_jixiao.errors import UserError


def test_writer_keeps_text_as_text_and_numbers_exact(tmp_path):
    path = tmp_path / "t.xlsx"
    book = xlsx.XlsxWriter(path)
    sh = book.add_sheet("表", [xlsx.Column("a"), xlsx.Column("b", style=xlsx.S_MONEY), xlsx.Column("c")],
                        freeze_rows=1, autofilter=True)
    sh.append_header()
    sh.append(["=1+1", Decimal("0.1234567"), "控制\x01字符\x1f"])
    sh.append(["_x0041_ & <b>", Decimal("1E+3"), " 前后空格 "])
    sh.append([None, 3, True])
    frag = xlsx.compress_rows([xlsx.row(["片段", Decimal("2.50")], [0, xlsx.S_MONEY])] * 2)
    first = sh.append_fragment(frag, 2)
    assert first == 5
    sh.append(["合计", xlsx.Formula("SUM(B2:B6)", Decimal("1005.6234567"))])
    sh.add_hyperlink(2, 1, "a b/甲.xlsx#'表 1'!C3", "打开")
    book.close()

    wb = openpyxl.load_workbook(path)
    ws = wb["表"]
    assert ws["A2"].value == "=1+1" and ws["A2"].data_type == "s"
    assert ws["B2"].value == pytest.approx(0.1234567)
    assert ws["C2"].value == "控制字符"
    assert ws["C3"].value == " 前后空格 "
    assert ws["B3"].value == 1000
    assert ws["A4"].value is None and ws["B4"].value == 3 and ws["C4"].value is True
    assert ws["A5"].value == ws["A6"].value == "片段"
    assert ws["B7"].value == "=SUM(B2:B6)"
    assert ws["A2"].hyperlink.target == "a b/甲.xlsx#'表 1'!C3"
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:C7"
    assert ws["B2"].number_format == xlsx.MONEY_FORMAT

    from python_calamine import CalamineWorkbook

    cal = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("表").to_python()
    assert cal[2][0] == "_x0041_ & <b>"  # Excel's _xHHHH_ escape is itself escaped
    assert cal[6][1] == pytest.approx(1005.6234567)  # the cached value of the formula
    with zipfile.ZipFile(path) as z:
        xml = z.read("xl/worksheets/sheet1.xml").decode()
    assert "<v>0.1234567</v>" in xml and "<v>1000</v>" in xml  # Decimal written exactly, no exponent


def test_rows_of_a_table_render_as_single_rows_do():
    """The renderer a file's detail uses writes every row exactly as ``row`` does, whatever the values."""
    styles = [xlsx.S_CELL, xlsx.S_MONEY, xlsx.S_INT, xlsx.S_WRAP, xlsx.S_LINK, xlsx.S_DEFAULT]
    values = ["甲", "", None, " 前后空格 ", "_x0041_ & <b>", "控制\x01字符", "=1+1", "bad-\udcff-名", 0, 1, -7,
              True, False, 1.0, 2.5, float("nan"), Decimal("1"), Decimal("1.50"), Decimal("1E+3"), Decimal("NaN"),
              "1", "True", xlsx.Formula("SUM(A1:A2)", 3), "\u3000全角空格", "行\u2028分隔", "\xa0", "a>b", "x" * 40000,
              Decimal("-0"), Decimal("1E-7"), 5, 12, "尾空格 "]
    render = xlsx.RowRenderer(styles)
    rows = [[values[(i * 7 + j * 3) % len(values)] for j in range(len(styles))] for i in range(200)]
    rows += [[["not", "a", "key"], "甲", 1, None, "乙", 2], ("甲", "甲", "甲"), ["甲"] * 9]
    for r in rows:
        assert render.table([r]) == xlsx.row(r, styles).encode()
    assert render.table(rows * 2) == "".join(xlsx.row(r, styles) for r in rows * 2).encode()  # texts seen before
    assert xlsx.split_fragment(xlsx.compress_table(render.table(rows))) == [xlsx.row(r, styles) for r in rows]
    forgetful = xlsx.RowRenderer(styles, remember=3)  # starts again every few texts: the same bytes
    assert forgetful.table(rows * 2) == render.table(rows * 2)
    with pytest.raises(ValueError):
        xlsx.RowRenderer([64])


def test_writer_sheet_order_and_split(tmp_path):
    book = xlsx.XlsxWriter(tmp_path / "o.xlsx")
    for name in ("c", "a", "b"):
        book.add_sheet(name).append([name])
    book.order(["a", "b"])
    book.close()
    assert openpyxl.load_workbook(tmp_path / "o.xlsx").sheetnames == ["a", "b", "c"]
    rows = [xlsx.row([i]) for i in range(5)]
    assert xlsx.split_fragment(xlsx.compress_rows(rows)) == rows


def test_rows_rendered_elsewhere_are_copied_into_a_valid_workbook(tmp_path):
    """Pieces from several places (fragments, rows appended here, rows spooled past a chunk) make one sheet:
    every member's checksum holds and the rows come back in order."""
    book = xlsx.XlsxWriter(tmp_path / "p.xlsx")
    sh = book.add_sheet("表", [xlsx.Column("a"), xlsx.Column("b")])
    sh.CHUNK_ROWS = 3
    expected = []
    for i in range(4):
        sh.append([f"本行{i}", i])
        expected.append((f"本行{i}", i))
        rows = [[f"片段{i}-{j}", j] for j in range(i)]
        sh.append_fragment(xlsx.compress_rows([xlsx.row(r) for r in rows]), len(rows))
        expected += [tuple(r) for r in rows]
    book.add_sheet("空")
    book.close()
    with zipfile.ZipFile(tmp_path / "p.xlsx") as z:
        assert z.testzip() is None  # every member's CRC-32 and size as announced
    ws = openpyxl.load_workbook(tmp_path / "p.xlsx")["表"]
    assert [tuple(r) for r in ws.iter_rows(values_only=True)] == expected


def test_zip64_fields_where_sizes_and_offsets_need_them(tmp_path, monkeypatch):
    """Members and a directory past 4 GiB take zip64 fields; written here for every size (the threshold
    lowered), so the workbook still opens and every checksum holds."""
    monkeypatch.setattr(xlsx, "_ZIP64_AT", 1)
    book = xlsx.XlsxWriter(tmp_path / "z.xlsx")
    sh = book.add_sheet("表", [xlsx.Column("a")])
    sh.append(["甲"])
    sh.append_fragment(xlsx.compress_rows([xlsx.row(["乙"])]), 1)
    book.close()
    with zipfile.ZipFile(tmp_path / "z.xlsx") as z:
        assert z.testzip() is None
        assert all(i.extra for i in z.infolist())
    assert [r[0] for r in openpyxl.load_workbook(tmp_path / "z.xlsx")["表"].iter_rows(values_only=True)] == ["甲", "乙"]


def test_crc_of_pieces_one_after_the_other():
    import os
    import zlib

    for a, b in ((b"", b"x"), (b"abc", b""), (os.urandom(3_000_000), os.urandom(1_500_001))):
        assert xlsx.crc32_combine(zlib.crc32(a), zlib.crc32(b), len(b)) == zlib.crc32(a + b)


def test_a_damaged_stored_fragment_is_a_cache_miss(tmp_path):
    from xl_jixiao.consolidate.cache import Cache

    frag = xlsx.compress_rows([xlsx.row(["甲", 1])] * 50)
    assert xlsx.fragment_intact(frag) and xlsx.fragment_intact(b"")
    cache = Cache(tmp_path / "c.sqlite", "v", log=lambda m: None)
    good = FileRecord(path="/a.xlsx", display="a.xlsx", sha256="1", projects_frag=frag, projects_n=50)
    bad = FileRecord(path="/b.xlsx", display="b.xlsx", sha256="2", projects_frag=frag[:20] + bytes([frag[20] ^ 0xFF]) + frag[21:],
                     projects_n=50)
    cache.put(good, b"r")
    cache.put(bad, b"r")
    assert cache.record("/a.xlsx") == good
    assert cache.record("/b.xlsx") is None
    cache.close()


def test_skip_reasons():
    assert "锁定" in skip_reason("~$甲.xlsx")
    assert skip_reason("Thumbs.db") and skip_reason("desktop.ini") and skip_reason(".hidden")
    assert skip_reason("甲.xlsx") is None and skip_reason("说明.txt") is None


def test_discovery_walks_folders_and_lists_hidden_ones_once(tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / ".git" / "objects").mkdir(parents=True)
    (tmp_path / ".git" / "objects" / "x").write_text("x")
    (tmp_path / "a" / "b" / "甲.xlsx").write_text("x")
    (tmp_path / "a" / "~$甲.xlsx").write_text("x")
    (tmp_path / "top.xls").write_text("x")
    entries = discover([tmp_path], exclude={str(tmp_path / "top.xls"): "输出"})
    got = {e.display: e.skip_reason for e in entries}
    assert got == {".git": "隐藏文件夹（未进入）", "a/b/甲.xlsx": None,
                   "a/~$甲.xlsx": "Excel 锁定文件（有人正打开该工作簿时留下的临时文件）", "top.xls": "输出"}
    # files given one by one, from two folders: shown relative to their common folder
    entries = discover([tmp_path / "a" / "b" / "甲.xlsx", tmp_path / "top.xls"])
    assert [e.display for e in entries] == ["a/b/甲.xlsx", "top.xls"]
    with pytest.raises(UserError):
        discover([tmp_path / "不存在"])


def test_cross_file_rules():
    idx = CrossFileIndex()
    idx.add(0, "a.xlsx", "甲", "001", [["P1", "项目1", "项目信息", "B3"]])
    idx.add(1, "b.xlsx", "甲", "001", [["P1", "项目1", "项目信息", "B3"]])
    idx.add(2, "c.xlsx", "乙", None, [["P2", "项目2", "项目信息", "B3"]])
    idx.add(3, "d.xlsx", " 乙 ", None, [["p2", "项目2", "项目信息", "B4"]])
    idx.add(4, "e.xlsx", "丙", "003", [["P3", "x", "项目信息", "B3"], ["P3", "y", "项目信息", "B4"]])
    idx.add(5, "f.xlsx", "丙", "004", [])  # same name, different codes: two units
    got = [(i, f.code, f.cell) for i, f in idx.findings()]
    assert (0, "JX501", None) in got and (1, "JX501", None) in got
    assert (2, "JX501", None) in got and (3, "JX501", None) in got
    assert (0, "JX502", "B3") in got and (1, "JX502", "B3") in got
    assert (2, "JX502", "B3") in got and (3, "JX502", "B4") in got
    assert not any(i in (4, 5) for i, _, _ in got)  # one file repeating a code is not a cross-file issue


def _jx502(idx):
    return sorted((i, f.cell, f.project, f.value, f.message) for i, f in idx.findings() if f.code == "JX502")


def test_cross_file_codes_among_many_unique_ones():
    idx = CrossFileIndex()
    for i in range(300):
        codes = [[f"U{i}-{j}", f"项目{j}", "项目信息", f"B{j + 3}"] for j in range(10)]
        if i == 17:
            codes.append(["  dup - 9 ", "甲项目", "项目信息", "B20"])  # spacing and case as the key allows
        if i == 250:
            codes.append(["DUP-9", "乙项目", "项目表", "C7"])
        idx.add(i, f"单位{i}.xlsx", f"单位{i}", f"C{i}", codes)
    got = _jx502(idx)
    assert [(i, cell, project, value) for i, cell, project, value, _ in got] == [
        (17, "B20", "甲项目", "dup - 9"), (250, "C7", "乙项目", "DUP-9")]
    assert "另见文件 单位250.xlsx" in got[0][4] and "另见文件 单位17.xlsx" in got[1][4]
    idx.close()


def test_cross_file_codes_sharing_a_hash_are_told_apart(monkeypatch):
    from xl_jixiao.consolidate import crossfile

    monkeypatch.setattr(crossfile, "_key_hash", lambda key: 7)  # every code collides
    idx = CrossFileIndex()
    idx.add(0, "a.xlsx", "甲", "001", [["P1", "项目1", "项目信息", "B3"], ["Q1", "项目2", "项目信息", "B4"]])
    idx.add(1, "b.xlsx", "乙", "002", [["P2", "项目3", "项目信息", "B3"]])
    idx.add(2, "c.xlsx", "丙", "003", [["q 1", "项目4", "项目信息", "B5"], ["P3", "项目5", "项目信息", "B6"]])
    idx.add(3, "d.xlsx", "丁", "004", [["P3", "项目6", "项目信息", "B3"], ["P3", "项目6", "项目信息", "B9"]])
    got = [(i, cell, value) for i, cell, _, value, _ in _jx502(idx)]
    assert got == [(0, "B4", "Q1"), (2, "B5", "q 1"), (2, "B6", "P3"), (3, "B3", "P3"), (3, "B9", "P3")]
    idx.close()


def test_records_round_trip_and_refuse_objects():
    rec = FileRecord(path="/x.xlsx", display="x.xlsx", total="1.5", level1_counts={"产出指标": 3},
                     projects_frag=b"abc", finding_links=[["表", "A1"], None])
    assert loads(dumps(rec)) == rec
    evil = pickle.dumps((3, {"path": Path("/x")}))
    with pytest.raises(pickle.UnpicklingError):
        loads(evil)
    with pytest.raises(ValueError):
        loads(pickle.dumps((0, {})))


def test_progress_plain_text_when_not_a_terminal():
    buf = io.StringIO()
    p = Progress(20, stream=buf)
    for i in range(1, 21):
        p.update(i, cached=i // 2, failed=1)
    p.close()
    lines = buf.getvalue().splitlines()
    assert 1 <= len(lines) <= 11 and "20/20" in lines[-1] and "\r" not in buf.getvalue()

    class Tty(io.StringIO):
        def isatty(self):
            return True

    t = Tty()
    p = Progress(3, stream=t)
    for i in range(1, 4):
        p.update(i)
    p.close()
    assert "\r" in t.getvalue() and "3/3" in t.getvalue()


def test_demo_step_consolidates_the_samples(tmp_path, capsys):
    from xl_jixiao.commands import consolidate as cmd
    from xl_jixiao.commands.demo import DemoContext
    from xl_jixiao.template import generate_samples

    generate_samples(tmp_path / "样例", 2, seed=3)
    ctx = DemoContext(tmp_path)
    cmd.demo_step(ctx)
    out = tmp_path / "汇总" / "汇总表.xlsx"
    assert ("汇总表", out) in ctx.artifacts and out.exists()
    text = capsys.readouterr().out
    assert "SUMMARY files=2 " in text
    files = [r[1] for r in openpyxl.load_workbook(out)["文件清单"].iter_rows(min_row=2, values_only=True)]
    assert len(files) == 2 and all(f.endswith(".xlsx") for f in files)  # manifest.json is not an input
    assert cmd.DEMO_ORDER == 50
