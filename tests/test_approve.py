"""批复表: layout, print setup, text safety, inputs, and the round trip approve → import."""

from __future__ import annotations

import zipfile
from decimal import Decimal

import openpyxl
import pytest

from xl_jixiao.approve import approval_workbook, load_for_approval, write_approval
from xl_jixiao.model import Funding, Indicator, Project, Submission
from xl_jixiao.money import convert
from xl_jixiao.readers.legacy import import_legacy, read_legacy

D = Decimal


def wan(v, unit):
    return None if v is None else convert(v, unit, "万元")


def same_model(a: Submission, b: Submission) -> None:
    """b (read back from a 批复表) describes the same projects, amounts and indicators as a."""
    assert [p.name for p in b.projects] == [p.name for p in a.projects]
    for p, q in zip(a.projects, b.projects):
        assert q.category == p.category
        assert q.implementer == p.implementer
        for k in ("total", "fiscal", "carryover", "other"):
            assert wan(getattr(q.funding, k), q.funding.money_unit) == wan(getattr(p.funding, k), p.funding.money_unit), (p.name, k)
        assert [(i.level1, i.level2, i.name, i.value_text() or None) for i in q.indicators] == \
               [(i.level1, i.level2, i.name, i.value_text() or None) for i in p.indicators], p.name
    assert (a.dept is None) == (b.dept is None or b.dept.is_empty())
    if a.dept is not None and not a.dept.is_empty():
        for k in ("personnel", "public", "basic", "projects", "expense_total", "fiscal", "carryover", "other",
                  "income_total"):
            assert wan(getattr(b.dept, k), b.dept.money_unit) == wan(getattr(a.dept, k), a.dept.money_unit), k
        assert [(i.level1, i.level2, i.name, i.value_text() or None) for i in b.dept.indicators] == \
               [(i.level1, i.level2, i.name, i.value_text() or None) for i in a.dept.indicators]
    assert b.budget_year == a.budget_year


@pytest.mark.parametrize("fixture", ["seed_qiannan", "seed_gansu", "seed_qingyunpu"])
def test_seed_round_trip(fixture, request, tmp_path):
    """seed → model → 批复表 → import → the same model."""
    original = read_legacy(request.getfixturevalue(fixture))
    out = write_approval(original, tmp_path / "批复表.xlsx")
    back, report = import_legacy(out)
    same_model(original, back)
    assert back.unit_name == original.unit_name


@pytest.mark.parametrize("fixture", ["seed_qiannan", "seed_gansu", "seed_qingyunpu"])
def test_seed_via_template_round_trip(fixture, request, tmp_path):
    """seed → import → template workbook → approve (template input) → import → the same model."""
    from xl_jixiao.cli import main

    src = request.getfixturevalue(fixture)
    original = read_legacy(src)
    template = tmp_path / "导入.xlsx"
    assert main(["import", str(src), "-o", str(template)]) == 0
    subs, how = load_for_approval(template)
    assert how == "template" and len(subs) == 1
    out = tmp_path / "批复表.xlsx"
    assert main(["approve", str(template), "-o", str(out), "--force"]) == 0
    same_model(original, read_legacy(out))


def test_samples_round_trip(tmp_path):
    from xl_jixiao.readers import read_submission
    from xl_jixiao.template import generate_samples

    manifest = generate_samples(tmp_path / "样例", units=3, seed=7, defect_rate=0.0)
    assert manifest
    for name in manifest:
        sub = read_submission(tmp_path / "样例" / name)
        out = write_approval(sub, tmp_path / f"批复_{name}")
        back, report = import_legacy(out)
        same_model(sub, back)


def test_layout_and_print_setup(seed_qiannan, tmp_path):
    sub = read_legacy(seed_qiannan)
    path = write_approval(sub, tmp_path / "批复表.xlsx")
    wb = openpyxl.load_workbook(path)
    assert len(wb.sheetnames) == 6
    ws = wb[wb.sheetnames[0]]
    assert ws["A1"].value == "黔南州2024年项目支出绩效目标批复表"
    assert ws["A2"].value == "单位：万元"  # full-width colon, as printed forms write it
    assert (ws["A3"].value, ws["B3"].value, ws["D3"].value, ws["E3"].value) == (
        "一级项目名称", "特定目标-单位发展专项", "二级项目名称", "平安黔南工作专项资金")
    assert (ws["A4"].value, ws["D4"].value) == ("主管部门", "实施单位")
    assert (ws["A5"].value, ws["D5"].value) == ("项目编码", "实施期")
    # 资金情况: two pairs a row, no empty half
    assert ws["A6"].value == "资金情况" and ws["B6"].value == "年度资金总额" and ws["C6"].value == 328
    assert ws["D6"].value == "其中：财政拨款" and ws["B7"].value == "上年结转" and ws["D7"].value == "其他资金"
    assert ws["A8"].value == "年度总体目标"
    assert [ws.cell(9, c).value for c in range(2, 7)] == ["一级指标", "二级指标", "三级指标", "指标值", "说明"]
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert "A1:F1" in merged and "A6:A7" in merged
    assert "B10:B33" in merged  # 产出指标 over 24 rows (数量 10, 质量, 时效, 成本 12)
    assert "C10:C19" in merged  # 数量指标
    assert int(ws.page_setup.paperSize) == 9  # A4
    assert ws.page_setup.orientation == "portrait"
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
    assert ws.page_setup.fitToHeight == 1  # one project, one page
    assert ws.print_title_rows == "$9:$9"
    assert "第 &P 页 共 &N 页" in ws.oddFooter.center.text
    assert ws["D10"].border.left.style == "thin"
    assert ws["C6"].number_format == "#,##0.00"
    assert ws["A1"].font.name == "黑体" and ws["D10"].font.name == "宋体"


def test_text_never_becomes_a_formula(tmp_path):
    p = Project(name="=HYPERLINK(\"x\")", category="=1+1", implementer="单位", annual_goal="=SUM(A1)",
                funding=Funding(total=D("1.5"), fiscal=D("1.5")),
                indicators=[Indicator(level1="产出指标", level2="数量指标", name="=A1", value="= 100%")])
    sub = Submission(budget_year=2025, unit_name="某单位", projects=[p])
    path = write_approval(sub, tmp_path / "批复表.xlsx")
    with zipfile.ZipFile(path) as z:
        xml = "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.startswith("xl/worksheets/"))
    assert "<f>" not in xml
    back = read_legacy(path)
    assert back.projects[0].indicators[0].value == "= 100%"
    assert back.projects[0].name == "=HYPERLINK(\"x\")"


def test_amounts_shown_in_wan_and_atomic(tmp_path):
    p = Project(name="项目甲", implementer="某单位", funding=Funding(money_unit="元", total=D(1972000), fiscal=D(1972000)),
                indicators=[Indicator(level1="产出指标", level2="数量指标", name="次数", value="≥2次")])
    sub = Submission(budget_year=2025, unit_name="某单位", money_unit="元", projects=[p])
    path = write_approval(sub, tmp_path / "批复表.xlsx", region="某县")
    ws = openpyxl.load_workbook(path).active
    assert ws["A1"].value == "某县2025年项目支出绩效目标批复表"
    assert D(str(ws["C6"].value)) == D("197.2")
    assert sorted(x.name for x in tmp_path.iterdir()) == ["批复表.xlsx"]  # no temporary file left behind
    back = read_legacy(path)
    assert back.money_unit == "万元" and back.projects[0].funding.total == D("197.2")


def test_dept_sheet(seed_gansu, tmp_path):
    sub = read_legacy(seed_gansu)
    book = approval_workbook(sub)
    assert book.sheets[0] == "部门整体" and len(book.sheets) == 6
    ws = openpyxl.load_workbook(book.save(tmp_path / "批复表.xlsx"))["部门整体"]
    assert ws["A1"].value == "甘肃省2024年部门整体支出绩效目标批复表"
    labels = {ws.cell(r, c).value for r in range(1, 15) for c in (2, 4)}
    assert {"人员经费", "公用经费", "基本支出", "项目支出", "支出预算合计", "当年财政拨款", "上年结转", "其他资金",
            "收入预算合计"} <= labels


def test_summary_input_grouped_per_unit(seed_qiannan, seed_gansu, tmp_path, capsys):
    from xl_jixiao.cli import main
    from xl_jixiao.consolidate import consolidate

    inbox = tmp_path / "收件箱"
    inbox.mkdir()
    originals = {}
    for seed in (seed_qiannan, seed_gansu):
        out = inbox / f"{seed.stem}.xlsx"
        assert main(["import", str(seed), "-o", str(out)]) == 0
        originals[read_legacy(seed).unit_name] = read_legacy(seed)
    capsys.readouterr()
    summary = tmp_path / "汇总表.xlsx"
    consolidate([str(inbox)], str(summary), jobs=1, use_cache=False)
    subs, how = load_for_approval(summary)
    assert how == "summary"
    assert sorted(s.unit_name for s in subs) == sorted(originals)
    for s in subs:
        o = originals[s.unit_name]
        assert [p.name for p in s.projects] == [p.name for p in o.projects]
        assert [len(p.indicators) for p in s.projects] == [len(p.indicators) for p in o.projects]
        assert [p.funding.total for p in s.projects] == [p.funding.total for p in o.projects]
        assert (s.dept is not None) == (o.dept is not None)
        if s.dept is not None:
            assert len(s.dept.indicators) == len(o.dept.indicators)
    out = tmp_path / "批复表.xlsx"
    assert main(["approve", str(summary), "-o", str(out), "--force"]) == 0
    assert "汇总工作簿" in capsys.readouterr().out
    wb = openpyxl.load_workbook(out)
    assert len(wb.sheetnames) == 6 + 1 + 5
    assert main(["approve", str(summary), "-o", str(out), "--split", "--force"]) == 0
    split = sorted(x.name for x in tmp_path.glob("批复表_*.xlsx"))
    assert len(split) == 2


def test_summary_input_uses_stored_results_else_reads_the_sources(seed_qiannan, seed_gansu, tmp_path, capsys):
    """A summary's results come from its cache when a run stored them (what was consolidated, even if a source
    changed since), else from the source files it lists, read in parallel; in the summary's order either way."""
    import shutil

    from xl_jixiao.approve import results_from_summary
    from xl_jixiao.cli import main
    from xl_jixiao.consolidate import consolidate

    inbox = tmp_path / "收件箱"
    inbox.mkdir()
    for name, seed in (("甲.xlsx", seed_qiannan), ("乙.xlsx", seed_gansu)):
        assert main(["import", str(seed), "-o", str(inbox / name)]) == 0
    capsys.readouterr()
    units = {"甲.xlsx": read_legacy(seed_qiannan).unit_name, "乙.xlsx": read_legacy(seed_gansu).unit_name}
    summary = tmp_path / "汇总表.xlsx"

    consolidate([str(inbox)], str(summary), jobs=2)  # the records are cached, the results are not made
    got = results_from_summary(summary)
    assert [(r.display, r.submission.unit_name) for r in got] == [(d, units[d]) for d in ("乙.xlsx", "甲.xlsx")]

    consolidate([str(inbox)], str(summary), jobs=2, keep_results=True)  # now they are stored
    shutil.copy(inbox / "乙.xlsx", inbox / "甲.xlsx")  # a source changes after the consolidation
    got = results_from_summary(summary)
    assert [(r.display, r.submission.unit_name) for r in got] == [(d, units[d]) for d in ("乙.xlsx", "甲.xlsx")]

    consolidate([str(inbox)], str(summary), jobs=2)  # reads the changed file: its stored result is dropped
    got = results_from_summary(summary)
    assert [(r.display, r.submission.unit_name) for r in got] == [("乙.xlsx", units["乙.xlsx"]),
                                                                  ("甲.xlsx", units["乙.xlsx"])]


def test_approve_from_legacy_form_directly(seed_qingyunpu, tmp_path, capsys):
    from xl_jixiao.cli import main

    out = tmp_path / "批复表.xlsx"
    assert main(["approve", str(seed_qingyunpu), "-o", str(out), "--force"]) == 0
    assert "项目 9 个" in capsys.readouterr().out
    assert openpyxl.load_workbook(out)[openpyxl.load_workbook(out).sheetnames[0]]["A1"].value == \
        "【未通过审核】南昌市青云谱区2023年项目支出绩效目标批复表"  # the form has errors: forced, and marked


def test_approve_rejects_bad_output(seed_qiannan, tmp_path, capsys):
    from xl_jixiao.cli import main

    assert main(["approve", str(seed_qiannan), "-o", str(tmp_path / "x.pdf")]) == 2
    assert "xlsx" in capsys.readouterr().err


def test_region_from_unit_names():
    from xl_jixiao.readers.recognise import region_from_unit

    assert region_from_unit("中共黔南州委政法委员会") == "黔南州"
    assert region_from_unit("中共南昌市青云谱区委政法委员会") == "南昌市青云谱区"
    assert region_from_unit("三都县教育局") == "三都县"
    assert region_from_unit("政法委") is None
