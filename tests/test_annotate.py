"""Annotated copy: source untouched, cells filled by severity, 校验结果 sheet with links, no formulas from text."""

from __future__ import annotations

import hashlib

import openpyxl
import pytest

from xl_jixiao.cli import main
from xl_jixiao.errors import UserError
from xl_jixiao.model import Finding, Severity
from xl_jixiao.report import FILLS, RESULT_SHEET, annotate


def _digest(p) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


@pytest.fixture()
def book(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "绩效指标"
    ws["G12"] = "不断提升"
    ws["G13"] = "=1+1 不是公式"
    ws["G13"].data_type = "s"
    ws["D5"] = "社会效益指标"
    wb.create_sheet("项目's 表")["B2"] = 1
    p = tmp_path / "src.xlsx"
    wb.save(p)
    return p


def findings():
    return [
        Finding(code="JX204", severity=Severity.WARNING, message="=笼统", sheet="绩效指标", cell="G12", row=12,
                project="甲", value="=不断提升", suggestion="=≥95%"),
        Finding(code="JX202", severity=Severity.ERROR, message="多个值", sheet="绩效指标", cell="G12", row=12, project="甲"),
        Finding(code="JX213", severity=Severity.INFO, message="写法", sheet="绩效指标", cell="D5", row=5, project="甲"),
        Finding(code="JX301", severity=Severity.ERROR, message="不等", sheet="项目's 表", cell="B2", row=2, project="乙"),
        Finding(code="JX212", severity=Severity.WARNING, message="已接受", sheet="绩效指标", cell="G13", row=13,
                project="甲", suppressed=True),
        Finding(code="JX401", severity=Severity.ERROR, message="单位名称未填写", sheet="单位信息"),
    ]


def test_annotate_marks_cells_and_lists_findings(book, tmp_path):
    before = _digest(book)
    out = annotate(book, findings(), tmp_path / "out.xlsx")
    assert _digest(book) == before
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[0] == RESULT_SHEET and wb.active.title == RESULT_SHEET
    ws = wb["绩效指标"]
    assert ws["G12"].fill.start_color.rgb.endswith(FILLS[Severity.ERROR])  # the worst finding wins
    assert ws["D5"].fill.start_color.rgb.endswith(FILLS[Severity.INFO])
    assert ws["G13"].fill.fill_type is None  # suppressed: listed, not filled
    assert "JX204" in ws["G12"].comment.text and "JX202" in ws["G12"].comment.text
    assert wb["项目's 表"]["B2"].fill.start_color.rgb.endswith(FILLS[Severity.ERROR])
    assert ws["G13"].value == "=1+1 不是公式" and ws["G13"].data_type == "s"

    res = wb[RESULT_SHEET]
    rows = list(res.iter_rows(min_row=4, values_only=True))
    rows = [r for r in rows if r[0] is not None]
    assert len(rows) == 6
    codes = [r[2] for r in rows]
    assert set(codes) == {"JX204", "JX202", "JX213", "JX301", "JX212", "JX401"}
    links = {}
    for r in range(4, 4 + len(rows)):
        c = res.cell(row=r, column=5)
        if c.hyperlink is not None:
            links[res.cell(row=r, column=3).value] = c.hyperlink.location
    assert links["JX204"] == "'绩效指标'!G12"
    assert links["JX301"] == "'项目''s 表'!B2"
    assert "JX401" not in links
    assert any("已忽略" == (r[10] or "") for r in rows)
    assert all(r[9] for r in rows)  # the rule's explanation
    # text that starts with "=" stays text
    for row in res.iter_rows(min_row=4):
        for c in row:
            if isinstance(c.value, str) and c.value.startswith("="):
                assert c.data_type == "s"


def test_annotate_never_overwrites_source(book):
    with pytest.raises(UserError):
        annotate(book, findings(), book)


def test_annotate_rejects_xls(tmp_path):
    p = tmp_path / "a.xls"
    p.write_bytes(b"x")
    with pytest.raises(UserError):
        annotate(p, [], tmp_path / "b.xlsx")


def test_check_annotate_cli(tmp_path, capsys):
    from xl_jixiao.template import generate_samples

    manifest = generate_samples(tmp_path / "s", 2, seed=21, defect_rate=1.0)
    name = next(n for n, e in manifest.items() if e)
    src = tmp_path / "s" / name
    before = _digest(src)
    out = tmp_path / "标注.xlsx"
    rc = main(["check", str(src), "--annotate", str(out)])
    assert rc == 1 and _digest(src) == before
    wb = openpyxl.load_workbook(out)
    for e in manifest[name]:
        cell = wb[e["sheet"]][e["cell"]]
        assert cell.fill.fill_type == "solid", e
        assert e["code"] in cell.comment.text
    res = wb[RESULT_SHEET]
    assert any(c.value in {e["code"] for e in manifest[name]} for c in res["C"])
    # several files: a folder of copies
    folder = tmp_path / "标注"
    main(["check", str(tmp_path / "s"), "--annotate", str(folder)])
    assert len(list(folder.glob("*_校验标注.xlsx"))) == 2
    capsys.readouterr()


def test_annotated_template_stays_compact_and_prints(tmp_path):
    """A filled template's copy keeps its filled-down formulas shared (size within 1.5× of the source,
    every formula the same), prints its rows in use, and its 校验结果 sheet has page setup."""
    from xl_jixiao.commands.check import check_files
    from xl_jixiao.config import load_config
    from xl_jixiao.template import write_submission
    from xl_jixiao.template.compare import plain_value
    from xl_jixiao.template.io import load_workbook_quietly
    from xl_jixiao.template.samples import sample_submission

    src = write_submission(sample_submission(0, seed=3, projects=4, indicators=8), tmp_path / "单位.xlsx")
    by_file, _, _ = check_files([src], load_config(None))
    out = annotate(src, by_file[str(src)], tmp_path / "标注.xlsx")
    assert out.stat().st_size <= 1.5 * src.stat().st_size, (out.stat().st_size, src.stat().st_size)
    a, b = load_workbook_quietly(src), load_workbook_quietly(out)
    formulas = [(ws.title, c.coordinate, plain_value(c.value)) for ws in a.worksheets for row in ws.iter_rows()
                for c in row if c.data_type == "f"]
    assert len(formulas) > 200
    assert all(plain_value(b[s][ref].value) == v for s, ref, v in formulas)
    ws = b[RESULT_SHEET]
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
    assert ws.print_title_rows == "$3:$3" and "第 &P 页 共 &N 页" in ws.oddFooter.center.text
    assert str(b["项目信息"].print_area).endswith("$6")  # title, header and four projects
