"""The review round: roster, resubmissions, 审核意见 per project, send-back packages, rounds, criteria tables."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest

from xl_jixiao.errors import UserError
from xl_jixiao.model import Finding, Severity, Submission
from xl_jixiao.pipeline import FileResult, read_and_check
from xl_jixiao.review import run_review
from xl_jixiao.review.criteria import apply_criteria, load_criteria, manual_items
from xl_jixiao.review.opinions import DIMENSIONS, default_opinions, opinion_text, review_result
from xl_jixiao.review.round import STATE_NAME, fill_date, submitted_when
from xl_jixiao.rules.registry import all_rules
from xl_jixiao.template.samples import generate_samples

DATA = Path(__file__).parent / "data"
CRITERIA = DATA / "审核口径_example.xlsx"
REAL = DATA / "real"


@pytest.fixture(scope="module")
def samples(tmp_path_factory) -> dict[str, list[Path]]:
    base = tmp_path_factory.mktemp("samples")
    generate_samples(base / "good", 4, seed=7, defect_rate=0.0)
    generate_samples(base / "bad", 4, seed=7, defect_rate=1.0)
    return {k: sorted((base / k).glob("*.xlsx")) for k in ("good", "bad")}


def _unit(path: Path) -> tuple[str, str]:
    sub = read_and_check(path).submission
    assert sub is not None
    return sub.unit_name or "", sub.unit_code or ""


def _copy(src: Path, dst: Path, mtime: float) -> Path:
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(src, dst)
    os.utime(dst, (mtime, mtime))
    return dst


def _statuses(rnd) -> dict[str, str]:
    return {u.label: u.status for u in rnd.units}


def test_two_rounds(samples, tmp_path):
    good, bad = samples["good"], samples["bad"]
    (a, _), (b, _), (c, _), (d, _) = (_unit(p) for p in good)
    roster = tmp_path / "名单.csv"
    rows = [_unit(p) for p in good[:3]]  # the fourth unit is not expected
    roster.write_text("单位编码,单位名称,主管部门\n" + "".join(f"{code},{name},黔南州财政局\n" for name, code in rows),
                      encoding="utf-8-sig")
    inbox1, inbox2, out = tmp_path / "来件1", tmp_path / "来件2", tmp_path / "审核"
    _copy(good[0], inbox1 / "甲.xlsx", 1_700_000_000)
    _copy(good[1], inbox1 / "乙_初稿.xlsx", 1_700_000_000)  # B twice: the older copy is superseded …
    _copy(bad[1], inbox1 / "乙.xlsx", 1_700_100_000)  # … by the newer one, which has errors
    _copy(good[3], inbox1 / "丁.xlsx", 1_700_000_000)  # not on the roster; C never submits

    one = run_review(inbox1, out, roster=roster, pdf=False)
    assert _statuses(one.round) == {a: "通过", b: "退回修改", c: "未提交", d: "通过"}
    assert [u.label for u in one.round.unexpected] == [d]
    unit_b = next(u for u in one.round.units if u.label == b)
    assert unit_b.current is not None and Path(unit_b.current.path).name == "乙.xlsx"
    assert [Path(s.path).name for s in unit_b.superseded] == ["乙_初稿.xlsx"]
    roles = {Path(r.result.path).name: r.role for r in one.round.received}
    assert roles == {"甲.xlsx": "有效（本轮审核）", "乙.xlsx": "有效（本轮审核）", "乙_初稿.xlsx": "已被替代",
                     "丁.xlsx": "有效（本轮审核）"}
    assert not one.round.complete

    # B's send-back package: annotated copy, 审核意见, notice; nothing for units that passed
    package = out / "第1轮" / "退回" / b
    names = sorted(p.name for p in package.iterdir())
    assert names == ["乙_校验标注.xlsx", f"{b}_审核意见.xlsx", f"{b}_退回通知.xlsx"]
    assert sorted(p.name for p in (out / "第1轮" / "退回").iterdir()) == [b]
    notice = openpyxl.load_workbook(package / f"{b}_退回通知.xlsx")["退回通知"]
    text = "\n".join(str(v) for row in notice.iter_rows(values_only=True) for v in row if v)
    assert f"{b}：" in text and "退回修改" in text and "一、" in text

    # 审核意见: one row per project, each project of each reviewed unit exactly once
    ws = openpyxl.load_workbook(out / "第1轮" / "审核意见.xlsx")["项目审核意见"]
    rows = [r for r in ws.iter_rows(min_row=4, values_only=True) if r[0] is not None]
    per_unit = {}
    for r in rows:
        per_unit.setdefault(r[1], []).append(r[3])
    for name, path in ((a, good[0]), (b, bad[1]), (d, good[3])):
        sub = read_and_check(path).submission
        assert sub is not None
        assert sorted(per_unit[name]) == sorted(p.name for p in sub.projects)
    assert c not in per_unit
    assert {r[5] for r in rows if r[1] == b} >= {"退回修改"}

    # round 2: B resubmits a corrected form; A and D stay as they were; C still missing
    _copy(good[1], inbox2 / "乙_修改后.xlsx", 1_700_200_000)
    two = run_review(inbox2, out, roster=roster, pdf=False)
    assert two.round.number == 2
    assert _statuses(two.round) == {a: "通过", b: "通过", c: "未提交", d: "通过"}
    hist = {u.label: u.history for u in two.round.units}
    assert hist[b] == ["退回修改", "通过"]
    assert hist[a] == ["通过", "通过"] and hist[c] == ["未提交", "未提交"]
    assert len([u for u in two.round.units if u.label == b]) == 1
    assert not (out / "第2轮" / "退回").exists()
    state = json.loads((out / STATE_NAME).read_text(encoding="utf-8"))
    assert [r["round"] for r in state["rounds"]] == [1, 2]
    assert not any(p.name == STATE_NAME for p in inbox1.rglob("*")) and not any(inbox2.rglob(STATE_NAME))
    overview = openpyxl.load_workbook(out / "审核总览.xlsx")["单位状态"]
    by_unit = {r[1]: r for r in overview.iter_rows(min_row=4, values_only=True) if r[0] is not None}
    assert by_unit[b][5:8] == ("通过", "退回修改", "通过")
    assert by_unit[d][4] == "否（名单外）"


def test_round_complete_exit_code(samples, tmp_path):
    inbox = tmp_path / "来件"
    _copy(samples["good"][0], inbox / "甲.xlsx", 1_700_000_000)
    out = tmp_path / "审核"
    r = subprocess.run([sys.executable, "-m", "xl_jixiao", "review", str(inbox), "-o", str(out), "--no-pdf"],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert "全部单位已通过" in r.stdout
    r = subprocess.run([sys.executable, "-m", "xl_jixiao", "review", str(inbox), "-o", str(inbox / "审核")],
                       capture_output=True, text=True)
    assert r.returncode == 2 and "收件箱" in r.stderr and "Traceback" not in r.stderr


def test_newest_by_fill_date_then_file_time():
    def res(fill, mtime):
        return FileResult(path="x.xlsx", outcome="template", mtime_ns=mtime,
                          submission=Submission(unit_name="甲", fill_date=fill))

    assert fill_date("2024年3月5日") == fill_date("2024-03-05") is not None
    old_file_new_form = res("2025年1月10日", 1)
    new_file_old_form = res("2024年12月1日", 10**18)
    assert max([new_file_old_form, old_file_new_form], key=submitted_when) is old_file_new_form
    assert max([res(None, 5), res(None, 9)], key=submitted_when).mtime_ns == 9


def test_every_rule_code_has_a_dimension_and_an_opinion():
    table = default_opinions()
    for rule in all_rules():
        assert rule.code in table, f"{rule.code} 没有审核意见"
        entry = table[rule.code]
        assert entry.dimension in DIMENSIONS
        assert "请" in entry.opinion or "无需" in entry.opinion, f"{rule.code} 的意见没有写改法"


def test_opinion_reads_like_a_reviewer():
    f = Finding(code="JX203", severity=Severity.ERROR, project="甲项目",
                message="项目「甲项目」的指标「开展活动场次」的指标值「≥21」没有计量单位",
                suggestion="在数值后写上计量单位，如「≥21次」")
    text = opinion_text(f, default_opinions()["JX203"])
    assert text.startswith("指标值缺少计量单位（") and "甲项目" not in text and "≥21次" in text
    assert text.endswith("。") and "{" not in text


def test_review_of_a_clean_project_passes(samples):
    res = read_and_check(samples["good"][0])
    reviews = review_result(res)
    assert reviews and all(r.conclusion == "通过" for r in reviews)
    assert "审核通过" in reviews[0].text()


def test_example_criteria_load():
    crit = load_criteria(CRITERIA)
    assert len(crit) == 26
    assert [c.code for c in crit][:3] == ["JX900", "JX901", "JX902"]
    manual = [c for c in crit if not c.automatic]
    assert {c.item for c in manual} == {"绩效指标归类不正确", "绩效指标重复", "指标值数量单位未填写单位",
                                         "绩效指标与年度目标不相关", "绩效目标与项目资金量不匹配"}
    long_names = next(c for c in crit if c.obj == "三级指标")
    assert long_names.bad_when_matched and long_names.automatic
    policy = next(c for c in crit if c.obj == "政策依据")
    assert not policy.bad_when_matched and policy.dimension == "完整性"


def test_criteria_fire_on_real_forms_and_manual_items_are_listed():
    crit = load_criteria(CRITERIA)
    res = read_and_check(REAL / "shenzhen_songgang_2023_03.xlsx")
    found = apply_criteria(res, crit)
    by_code = {}
    for f in found:
        by_code.setdefault(f.code, []).append(f)
    # 三级指标 of 15 characters or more: the long names of this workbook
    long_name = by_code.get("JX921", [])
    assert long_name and all(len(f.value or "") >= 15 for f in long_name)
    sub = res.submission
    assert sub is not None
    long_in_form = {i.name for p in sub.projects for i in p.indicators if len(i.name or "") >= 15}
    assert {f.value for f in long_name} == long_in_form
    # 指标值 that is neither a number nor a date: 「及时」 is flagged, 「≥95%」 is not
    vague = by_code.get("JX923", [])
    assert vague and all(not any(ch.isdigit() for ch in (f.value or "")) for f in vague)
    # 政策依据 must cite a document in 《》 (the table's own expression): flagged exactly where the text has none
    cited = next(c for c in crit if c.obj == "政策依据").pattern
    assert cited is not None
    policy = {f.project for f in by_code.get("JX900", [])}
    assert policy == {p.name for p in sub.projects if p.policy_basis and not cited.search(p.policy_basis)}
    assert policy and policy != {p.name for p in sub.projects}
    reviews = review_result(replace(res, findings=[*res.findings, *found]),
                            manual=manual_items(crit))
    text = "\n".join(r.text() for r in reviews)
    assert "表述冗长" in text
    assert all(any("绩效指标与年度目标不相关" in m for m in r.manual) for r in reviews)


def _criteria_table(path: Path, rows: list[list[str]]) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["编码", "审核对象", "模式", "审核要点", "二级要点", "审核细项", "审核意见表述（问题+建议）", "正则表达式"])
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def test_broken_criteria_name_the_row(tmp_path, samples):
    bad_regex = _criteria_table(tmp_path / "坏表达式.xlsx", [
        ["0", "政策依据", "正则匹配", "完整性", "/", "政策依据不规范", "请写明文件", "《.{5,}》"],
        ["1", "测算依据", "正则匹配", "完整性", "/", "测算依据不规范", "请写明测算", "([0-9]+"],
    ])
    with pytest.raises(UserError, match="第 3 行.*正则表达式"):
        load_criteria(bad_regex)
    unknown = _criteria_table(tmp_path / "坏对象.xlsx", [
        ["0", "项目负责人电话", "正则匹配", "完整性", "/", "电话", "请写电话", "\\d+"],
    ])
    with pytest.raises(UserError, match="第 2 行.*未知的审核对象「项目负责人电话」"):
        load_criteria(unknown)
    inbox = tmp_path / "来件"
    _copy(samples["good"][0], inbox / "甲.xlsx", 1_700_000_000)
    r = subprocess.run([sys.executable, "-m", "xl_jixiao", "review", str(inbox), "-o", str(tmp_path / "out"),
                        "--criteria", str(bad_regex)], capture_output=True, text=True)
    assert r.returncode == 2 and "第 3 行" in r.stderr and "Traceback" not in r.stderr


def test_roster_errors(tmp_path, samples):
    from xl_jixiao.review.roster import load_roster

    p = tmp_path / "名单.csv"
    p.write_text("编号,备注\n1,x\n", encoding="utf-8")
    with pytest.raises(UserError, match="表头"):
        load_roster(p)
    p.write_text("单位编码,单位名称\n001,甲\n001,甲局\n", encoding="utf-8")
    with pytest.raises(UserError, match="第 3 行与第 2 行"):
        load_roster(p)
    p.write_text("单位编码,单位名称\n001,甲\n", encoding="gbk")
    assert load_roster(p)[0].name == "甲"


def test_approve_follows_review(samples, tmp_path, capsys):
    from xl_jixiao.cli import main

    inbox = tmp_path / "来件"
    _copy(samples["good"][0], inbox / "甲.xlsx", 1_700_000_000)
    _copy(samples["bad"][1], inbox / "乙_初稿.xlsx", 1_700_000_000)
    _copy(samples["good"][1], inbox / "乙_修改后.xlsx", 1_700_100_000)  # the corrected version counts
    out = tmp_path / "批复表.xlsx"
    assert main(["approve", str(inbox), "-o", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "乙_初稿.xlsx（同一单位有较新的版本" in printed and "乙_修改后.xlsx" in printed
    wb = openpyxl.load_workbook(out)
    good_projects = sum(len(read_and_check(p).submission.projects) for p in samples["good"][:2])  # type: ignore[union-attr]
    assert len(wb.sheetnames) >= good_projects  # each project once (plus 部门整体 pages)
    titles = [str(ws["A1"].value) for ws in wb.worksheets]
    assert not any("未通过审核" in t for t in titles)

    bad = tmp_path / "有错"
    _copy(samples["bad"][2], bad / "丙.xlsx", 1_700_000_000)
    unit, _ = _unit(samples["bad"][2])
    assert main(["approve", str(bad), "-o", str(tmp_path / "x.xlsx")]) == 1
    err = capsys.readouterr().err
    assert unit in err and "JX" in err and "--force" in err
    assert not (tmp_path / "x.xlsx").exists()
    assert main(["approve", str(bad), "-o", str(tmp_path / "x.xlsx"), "--force"]) == 0
    forced = openpyxl.load_workbook(tmp_path / "x.xlsx")
    for ws in forced.worksheets:
        assert str(ws["A1"].value).startswith("【未通过审核】")
        assert ws.sheet_properties.tabColor is not None
        assert "未通过审核" in (ws.oddHeader.right.text or "")


def test_running_again_on_the_same_inbox_is_the_same_round(samples, tmp_path):
    inbox, out = tmp_path / "来件", tmp_path / "审核"
    _copy(samples["bad"][0], inbox / "甲.xlsx", 1_700_000_000)
    first = run_review(inbox, out, pdf=False)
    again = run_review(inbox, out, pdf=False)
    assert first.round.number == again.round.number == 1
    assert [u.history for u in again.round.units] == [["退回修改"]]
    state = json.loads((out / STATE_NAME).read_text(encoding="utf-8"))
    assert len(state["rounds"]) == 1


def test_year_over_year():
    from decimal import Decimal

    from xl_jixiao.config import default_config
    from xl_jixiao.model import Funding, Indicator, Project
    from xl_jixiao.review.yoy import compare_years

    def form(projects):
        return FileResult(path="x.xlsx", outcome="template", submission=Submission(unit_name="甲局", projects=projects))

    def project(code, name, total, values):
        return Project(code=code, name=name, funding=Funding(total=Decimal(total)),
                       indicators=[Indicator(level1="产出指标", level2=l2, name=n, value=v) for l2, n, v in values])

    same = [("数量指标", "巡查次数", "≥12次"), ("质量指标", "整改率", "≥95%")]
    last = form([project("P1", "巡查经费", "100", [("数量指标", "巡查次数", "≥12次"), ("质量指标", "整改率", "≥95%"),
                                              ("成本指标", "单次成本", "≤2万元")]),
                 project("P2", "宣传经费", "50", same),
                 project(None, "培训经费", "20", same)])
    this = form([project("P1", "巡查经费", "100", [("数量指标", "巡查次数", "≥12次"), ("质量指标", "整改率", "≥90%"),
                                              ("成本指标", "单次成本", "≤3万元")]),
                 project("P2", "宣传经费", "80", same),
                 project("P9", "培训经费", "20", same),
                 project("P5", "新项目", "10", same)])
    found = compare_years([this], [last], default_config())
    got = {(f.project_name, f.kind, f.matched_by) for f in found}
    assert got == {("巡查经费", "目标降低", "项目编码"), ("宣传经费", "指标照搬上年", "项目编码"),
                   ("宣传经费", "资金变化而指标未变", "项目编码"), ("培训经费", "指标照搬上年", "项目名称")}
    lowered = sorted(f.detail for f in found if f.kind == "目标降低")
    assert len(lowered) == 2 and "≥95%" in lowered[1] + lowered[0] and "放宽" in " ".join(lowered)


def test_notice_as_pdf(samples, tmp_path, soffice):
    inbox, out = tmp_path / "来件", tmp_path / "审核"
    _copy(samples["bad"][2], inbox / "丙.xlsx", 1_700_000_000)
    unit, _ = _unit(samples["bad"][2])
    outcome = run_review(inbox, out, pdf=True)
    pdf = out / "第1轮" / "退回" / unit / f"{unit}_退回通知.pdf"
    assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF")
    assert ("退回通知 PDF", pdf) in outcome.written
