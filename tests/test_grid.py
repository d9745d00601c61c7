"""Grids: every source becomes rows of cells with their source location; merges expanded."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from xl_jixiao.errors import ReadError
from xl_jixiao.readers.grid import (
    detect_text_format,
    grid_from_docx,
    grid_from_text,
    grids_from_xlsx,
    load_grids,
    number_text,
)


def test_tsv_rows_and_locations():
    g = grid_from_text("标题\n\n一级项目名称\t专项\t\t二级项目名称\t项目甲\t\n\t\t\t调研\t> 43次\t\n", "x.txt")
    assert g.kind == "tsv"
    assert [c.text for c in g.distinct(1)] == ["一级项目名称", "专项", "二级项目名称", "项目甲"]
    cell = g.distinct(2)[1]
    assert (cell.text, cell.col, cell.line) == ("> 43次", 4, 4)
    assert g.where(cell) == "第4行第5格"
    assert g.ref(cell).row == 4 and g.ref(cell).file == "x.txt"


def test_cell_per_line_dump():
    text = "附件\n单位整体支出绩效目标表\n\t单位名称\n\t某单位\n\n\t总体目标\n\t第一段\n第二段\n\n\t\n\t\n\t名称\n\t=100%\n"
    assert detect_text_format(text) == "cells"
    g = grid_from_text(text)
    rows = [[c.text for c in r if c.text] for r in g.rows]
    assert rows[:2] == [["附件"], ["单位整体支出绩效目标表"]]
    assert rows[2] == ["单位名称", "某单位"]
    assert rows[3] == ["总体目标", "第一段\n第二段"]  # a cell's second paragraph stays in the cell
    last = g.rows[4]
    assert [c.text for c in last[:4]] == ["", "", "名称", "=100%"]  # bare tab lines are empty (merged) cells
    assert last[3].line == 13


def test_markdown_tables():
    text = ("# 项目支出绩效目标表\n\n(2023年度)\n\n|  |  |\n|--|--|\n| 项目名称 | 甲 |\n"
            "| <b>一级指标</b> | 值 |\n\n|   |   |\n|---|---|\n| 效益指标 | $\\geq 90\\%$ |\n")
    assert detect_text_format(text) == "markdown"
    g = grid_from_text(text)
    texts = [[c.text for c in r if c.text] for r in g.rows]
    assert texts[0] == ["项目支出绩效目标表"]
    assert ["项目名称", "甲"] in texts
    assert ["<b>一级指标</b>", "值"] in texts  # markup is kept in the grid; labels are cleaned by the recogniser
    assert ["效益指标", "$\\geq 90\\%$"] in texts
    assert all(not set(t) <= {"-", ":"} for r in texts for t in r)  # separator lines are dropped


def _merged_workbook(path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "表一"
    ws["A1"] = "产出指标"
    ws.merge_cells("A1:A3")
    ws["B1"] = "数量指标"
    ws["C1"] = 0.95
    ws["C1"].number_format = "0%"
    ws["D1"] = 1150.0
    ws["B2"] = "项目名称"
    ws["C2"] = "甲"
    ws.merge_cells("C2:D2")
    hidden = wb.create_sheet("隐藏")
    hidden["A1"] = "x"
    hidden.sheet_state = "hidden"
    wb.save(path)
    return path


def test_xlsx_merges_expanded(tmp_path):
    grids = grids_from_xlsx(_merged_workbook(tmp_path / "m.xlsx"))
    assert [g.sheet for g in grids] == ["表一"]  # hidden sheets are not forms
    g = grids[0]
    a2 = g.rows[1][0]
    assert a2.text == "产出指标" and a2.origin == (0, 0) and a2.merged_copy and a2.cell == "A2"
    assert g.rows[0][2].text == "95%"
    assert g.rows[0][3].text == "1150" and g.rows[0][3].value == 1150.0
    # a label merged across columns is seen once per row
    assert [c.text for c in g.distinct(1)] == ["产出指标", "项目名称", "甲"]
    assert g.where(g.rows[1][2]) == "工作表「表一」C2"


@pytest.mark.skipif(not (shutil.which("soffice") or shutil.which("libreoffice")), reason="需要 LibreOffice")
def test_xls_workbook(tmp_path):
    src = _merged_workbook(tmp_path / "m.xlsx")
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    subprocess.run([exe, "--headless", "--convert-to", "xls", "--outdir", str(tmp_path), str(src)],
                   check=True, capture_output=True, timeout=180)
    grids = load_grids(tmp_path / "m.xls")
    g = next(g for g in grids if g.sheet == "表一")
    assert g.kind == "xls"
    assert g.rows[2][0].text == "产出指标" and g.rows[2][0].origin == (0, 0)
    assert g.rows[1][1].text == "项目名称"
    assert g.rows[0][2].text == "95%" and g.rows[0][3].text == "1150"


def test_docx_merges(tmp_path):
    import docx

    d = docx.Document()
    d.add_paragraph("标题")
    t = d.add_table(rows=3, cols=3)
    t.cell(0, 0).text = "产出指标"
    t.cell(0, 0).merge(t.cell(2, 0))
    t.cell(0, 1).text = "项目名称"
    t.cell(0, 2).text = "x"
    t.cell(1, 1).text = "合并"
    t.cell(1, 1).merge(t.cell(1, 2))
    d.save(tmp_path / "t.docx")
    g = grid_from_docx(tmp_path / "t.docx")
    assert g.kind == "docx"
    assert g.rows[0][0].text == "标题" and g.rows[0][0].cell == "段落1"
    assert [c.text for c in g.rows[3]] == ["产出指标", "", ""]
    assert g.rows[3][0].origin == (1, 0)
    assert [c.text for c in g.distinct(2)] == ["产出指标", "合并"]
    assert g.where(g.rows[2][1]) == "表1第2行第2列"


def test_unsupported_and_missing(tmp_path):
    with pytest.raises(ReadError, match="不存在"):
        load_grids(tmp_path / "无.xlsx")
    doc = tmp_path / "旧.doc"
    doc.write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(ReadError, match=".docx"):
        load_grids(doc)


def test_gbk_text(tmp_path):
    p = tmp_path / "gbk.txt"
    p.write_bytes("项目名称\t甲\n".encode("gb18030"))
    g = load_grids(p)[0]
    assert [c.text for c in g.distinct(0)] == ["项目名称", "甲"]


def test_number_text():
    import datetime as dt
    from decimal import Decimal

    assert number_text(0.1 + 0.2) == "0.3"
    assert number_text(37.107) == "37.107"
    assert number_text(1, "0%") == "100%"
    assert number_text(dt.datetime(2024, 12, 31)) == "2024年12月31日"
    assert number_text(Decimal("1150.00")) == "1150"


def test_docx_text_where_word_keeps_it(tmp_path):
    """Content controls, tracked changes, line breaks, short rows, old-style hMerge and nested tables."""
    import copy

    import docx
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    d = docx.Document()
    t = d.add_table(rows=3, cols=3)
    t.cell(0, 0).text = "项目名称"
    t.cell(0, 1).text = "x"
    t.cell(1, 0).text = "  　指标值　 "
    t.cell(1, 1).paragraphs[0]._p.append(parse_xml(
        f'<w:sdt {nsdecls("w")}><w:sdtContent><w:r><w:t>≥95%</w:t></w:r></w:sdtContent></w:sdt>'))
    p = t.cell(1, 2).paragraphs[0]._p
    p.append(parse_xml(f'<w:del {nsdecls("w")} w:id="1" w:author="a"><w:r><w:delText>旧值</w:delText></w:r></w:del>'))
    p.append(parse_xml(f'<w:ins {nsdecls("w")} w:id="2" w:author="a"><w:r><w:t>新值</w:t></w:r></w:ins>'))
    t.cell(2, 0).text = "绩效指标"
    inner = t.cell(2, 1).merge(t.cell(2, 2)).add_table(rows=2, cols=2)
    inner.cell(0, 0).text = "一级指标"
    inner.cell(0, 1).text = "二级指标"
    inner.cell(1, 0).add_paragraph("产出")  # a cell typed on two lines: an empty first paragraph, then the text
    inner.cell(1, 1).paragraphs[0].add_run("数量").add_break()
    inner.cell(1, 1).paragraphs[0].add_run("指标")
    # row 1 as an old-style horizontal merge (hMerge) of its last two cells
    tr = t.rows[0]._tr
    tcs = tr.tc_lst
    tcs[1].get_or_add_tcPr().append(parse_xml(f'<w:hMerge {nsdecls("w")} w:val="restart"/>'))
    tcs[2].get_or_add_tcPr().append(parse_xml(f'<w:hMerge {nsdecls("w")}/>'))
    # the whole table inside a content control
    body = d.element.body
    tbl = t._tbl
    sdt = parse_xml(f'<w:sdt {nsdecls("w")}><w:sdtContent/></w:sdt>')
    body.replace(tbl, sdt)
    sdt[0].append(copy.deepcopy(tbl))
    d.save(tmp_path / "w.docx")
    g = grid_from_docx(tmp_path / "w.docx")
    texts = g.texts()
    assert texts[0] == ["项目名称", "x", "x"] and g.rows[0][2].origin == (0, 1)
    assert texts[1] == ["指标值", "≥95%", "新值"]
    assert texts[2] == ["绩效指标", "", ""]
    assert texts[3] == ["绩效指标", "一级指标", "二级指标"] and g.rows[3][0].merged_copy
    assert texts[4] == ["绩效指标", "产出", "数量\n指标"]
    assert "内嵌表" in g.where(g.rows[4][1])
