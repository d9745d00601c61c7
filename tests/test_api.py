"""The single data path and the public Python API.

The same workbooks go through ``check``, ``consolidate``, ``approve`` and the 合计/校验 macros;
every one of them must see the same findings and the same totals.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

import xl_jixiao
from xl_jixiao.model import DeptBudget, Funding, Indicator, PlanPoint, Project, Submission

os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")

INDICATORS = [
    ("产出指标", "数量指标", "培训人次", "≥", "100", "人次"),
    ("产出指标", "质量指标", "合格率", "≥", "95", "%"),
    ("产出指标", "时效指标", "完成时间", "≤", "2025年12月31日", ""),
    ("成本指标", "经济成本指标", "培训成本", "≤", "5", "万元"),
    ("效益指标", "社会效益指标", "服务覆盖面", "≥", "90", "%"),
    ("满意度指标", "服务对象满意度指标", "满意度", "≥", "90", "%"),
]


def submission(i: int, money_unit: str = "万元", fiscal_gap: Decimal = Decimal(0)) -> Submission:
    """A unit with a 部门整体 block, two projects with spending plans; ``fiscal_gap`` unbalances project 1."""
    projects = []
    for p in range(2):
        total = Decimal("120.50") + i + p if money_unit == "万元" else Decimal(1205000 + 10000 * i + 1000 * p)
        fiscal = total - (fiscal_gap if p == 0 else 0)
        inds = [Indicator(project=f"项目{i}-{p}", level1=a, level2=b, name=n, op=op, value=v, unit=u, basis="计划标准")
                for a, b, n, op, v, u in INDICATORS]
        projects.append(Project(
            code=f"P{i:03d}{p:02d}", name=f"项目{i}-{p}", category="特定目标类", implementer=f"实施单位{i}",
            supervisor=f"10{i}-主管部门{i}", period="2025", purpose="培训",
            funding=Funding(money_unit=money_unit, total=total, fiscal=fiscal),
            spending_plan=[PlanPoint(label=lb, percent=Decimal(v)) for lb, v in
                           (("3月底", 25), ("6月底", 50), ("9月底", 75), ("12月底", 100))],
            annual_goal="完成年度培训任务，培训人次不少于100人次，合格率95%以上，服务对象满意度90%以上",
            indicators=inds))
    total = sum((pr.funding.total for pr in projects if pr.funding.total is not None), Decimal(0))
    personnel, public = (Decimal(300), Decimal(100)) if money_unit == "万元" else (Decimal(3000000), Decimal(1000000))
    dept = DeptBudget(money_unit=money_unit, personnel=personnel, public=public, basic=personnel + public,
                      projects=total, expense_total=personnel + public + total, fiscal=personnel + public + total,
                      income_total=personnel + public + total, functions="负责本单位职能",
                      goal="完成年度工作任务，保障单位正常运转",
                      indicators=[Indicator(project="部门整体", level1=a, level2=b, name=n, op=op, value=v, unit=u,
                                            basis="计划标准") for a, b, n, op, v, u in INDICATORS])
    return Submission(budget_year=2025, unit_name=f"测试单位{i}", unit_code=f"{500 + i}",
                      supervisor=f"10{i}-主管部门{i}", money_unit=money_unit, scheme="2021", dept=dept,
                      projects=projects)


@pytest.fixture(scope="module")
def inbox(tmp_path_factory) -> Path:
    from xl_jixiao.template import write_submission

    d = tmp_path_factory.mktemp("api") / "收件箱"
    d.mkdir()
    write_submission(submission(1), d / "甲单位.xlsx")
    write_submission(submission(2, money_unit="元", fiscal_gap=Decimal(10)), d / "乙单位（元，差10元）.xlsx")
    write_submission(submission(3, money_unit="元", fiscal_gap=Decimal(1000)), d / "丙单位（元，差1000元）.xlsx")
    return d


def keyed(findings) -> list[tuple]:
    return sorted((Path(f.file or "").name, f.code, f.sheet, f.cell, f.message) for f in findings)


def test_check_consolidate_and_approve_see_the_same_data(inbox, tmp_path):
    from xl_jixiao.approve import load_results

    report = xl_jixiao.check([inbox])
    assert len(report) == 3 and not report.failed
    cons = xl_jixiao.consolidate([inbox], tmp_path / "汇总表.xlsx", jobs=1)
    assert [r.name for r in cons.results] == sorted(p.name for p in inbox.iterdir())
    by_name = {Path(r.path).name: r for r in report}
    for r in cons.results:
        mine = by_name[Path(r.path).name]
        assert keyed(r.findings) == keyed(mine.findings)
        assert r.submission == replace(mine.submission, source=r.submission.source)
        assert r.sha256 == mine.sha256 and r.outcome == mine.outcome == "template"

    # the 批复表 from the summary reads the sources' results: nothing is lost on the way
    results, how = load_results(tmp_path / "汇总表.xlsx")
    assert how == "summary" and len(results) == 3
    for r in results:
        sub, mine = r.submission, by_name[Path(r.path).name].submission
        assert sub.supervisor == mine.supervisor and sub.supervisor
        assert sub.dept == mine.dept and sub.dept.personnel is not None
        assert [p.spending_plan for p in sub.projects] == [p.spending_plan for p in mine.projects]
        assert keyed(r.findings) == keyed(by_name[Path(r.path).name].findings)


def test_approve_from_a_summary_without_cache_reads_the_sources(inbox, tmp_path, capsys):
    from xl_jixiao.cli import main

    summary = tmp_path / "汇总表.xlsx"
    xl_jixiao.consolidate([inbox], summary, jobs=1, use_cache=False)
    out = tmp_path / "批复表.xlsx"
    assert main(["approve", str(summary), "-o", str(out), "--force"]) == 0
    wb = openpyxl.load_workbook(out)
    texts = {str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None}
    assert {"101-主管部门1", "102-主管部门2", "103-主管部门3"} <= texts  # 主管部门 comes through
    assert "人员经费" in texts and 400 in {c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row}

    moved = tmp_path / "别处"
    moved.mkdir()
    (summary).rename(moved / "汇总表.xlsx")
    capsys.readouterr()
    assert main(["approve", str(moved / "汇总表.xlsx"), "-o", str(tmp_path / "x.xlsx")]) == 2
    assert "源文件找不到" in capsys.readouterr().err


def test_frames_add_up_to_the_summary_totals(inbox, tmp_path):
    out = tmp_path / "汇总表.xlsx"
    cons = xl_jixiao.consolidate([inbox], out, jobs=1)
    frames = cons.to_dataframes()
    assert set(frames) == {"projects", "indicators", "findings", "files"}
    ws = openpyxl.load_workbook(out)["汇总"]
    rows = list(ws.iter_rows(values_only=True))
    header = list(next(r for r in rows if "序号" in r))  # below the title and the 编制单位 line
    totals = next(r for r in rows if r[0] == "合计")
    units = [r for r in rows[1:] if isinstance(r[0], int)]
    for key, label in (("total", "年度资金总额"), ("fiscal", "财政拨款")):
        col = next(i for i, h in enumerate(header) if str(h).startswith(label))
        from_units = sum(Decimal(str(r[col])) for r in units)
        assert frames["projects"][key].sum() == from_units
        assert abs(float(frames["projects"][key].sum()) - float(Decimal(str(from_units)))) < 1e-9
        assert totals[col] is not None
    assert len(frames["indicators"]) == cons.stats.indicators
    assert len(frames["projects"]) == cons.stats.projects
    active = frames["findings"][~frames["findings"]["suppressed"]]
    assert (active["severity"] == "error").sum() == cons.stats.errors

    written = cons.to_parquet(tmp_path / "数据")
    import pandas as pd

    back = pd.read_parquet(written["projects"])
    assert len(back) == len(frames["projects"])
    assert Decimal(str(back["total"].sum())) == frames["projects"]["total"].sum()


def test_report_dataframe_and_exit_code(inbox):
    report = xl_jixiao.check([inbox / "丙单位（元，差1000元）.xlsx"])
    df = report.to_dataframe()
    assert "JX301" in set(df["code"])
    assert report.exit_code == 1
    assert xl_jixiao.check([inbox / "没有这个文件.xlsx"]).exit_code == 2


def test_a_check_for_findings_only_leaves_the_data_behind(inbox):
    full = xl_jixiao.check([inbox])
    light = xl_jixiao.check([inbox], submissions=False)
    assert [r.submission for r in light] == [None] * len(full) and all(r.submission for r in full)
    assert [(r.path, r.outcome, r.usable, r.status, r.status_reason) for r in light] == \
        [(r.path, r.outcome, r.usable, r.status, r.status_reason) for r in full]
    assert keyed(light.findings) == keyed(full.findings) and light.exit_code == full.exit_code == 1


def test_the_totals_macro_uses_the_rules_tolerance(inbox):
    """A 元 form 10 元 off is within the rules' tolerance (0.005 万元): the button agrees with check."""
    from xl_jixiao.excel import macros, remote

    for name, off in (("乙单位（元，差10元）.xlsx", False), ("丙单位（元，差1000元）.xlsx", True)):
        path = inbox / name
        checked = xl_jixiao.check([path])
        flagged = any(f.code == "JX301" for f in checked.findings)
        book = remote.book_from_payload(remote.payload_from_file(path))
        totals = macros.totals(book)
        assert flagged is off, name
        assert (totals.mismatches > 0) is off, name
        # and the 校验 button gives the findings of check
        book = remote.book_from_payload(remote.payload_from_file(path))
        validated = macros.validate(book)
        assert sorted((f.code, f.sheet, f.cell) for f in validated.findings) == \
            sorted((f.code, f.sheet, f.cell) for f in checked.findings)


def test_a_rule_that_raises_is_isolated(inbox, monkeypatch):
    from xl_jixiao.rules.money_rules import MoneySourcesMismatch

    def broken(self, ctx, target):
        raise ZeroDivisionError("boom")

    before = xl_jixiao.check([inbox])
    monkeypatch.setattr(MoneySourcesMismatch, "check", broken)
    report = xl_jixiao.check([inbox])
    assert len(report) == 3 and not report.failed
    for res, old in zip(report, before):
        internal = [f for f in res.findings if f.code == "JX505"]
        assert len(internal) == 1, res.name  # once per file, however many projects
        assert "JX301" in internal[0].message and internal[0].file == res.path
        assert internal[0].value == "JX301"
        rest = [f for f in res.findings if f.code != "JX505"]
        assert keyed(rest) == keyed(f for f in old.findings if f.code != "JX301")


def test_the_cache_holds_typed_results(inbox, tmp_path):
    from xl_jixiao.consolidate.cache import Cache, cache_path_for, code_fingerprint
    from xl_jixiao.pipeline import FileResult, read_and_check

    out = tmp_path / "汇总表.xlsx"
    xl_jixiao.consolidate([inbox], out, jobs=1)
    cache = Cache(cache_path_for(out), code_fingerprint(None))
    path = str((inbox / "甲单位.xlsx").resolve())
    stored = cache.result(path)
    cache.close()
    assert isinstance(stored, FileResult)
    fresh = read_and_check(path)
    assert stored.submission == fresh.submission and keyed(stored.findings) == keyed(fresh.findings)
    again = xl_jixiao.consolidate([inbox], out, jobs=1)
    assert again.stats.cached == 3
    assert [keyed(r.findings) for r in again.results] == [keyed(r.findings) for r in xl_jixiao.check([inbox])]


def test_unknown_configuration_key_is_named(tmp_path):
    from xl_jixiao.errors import UserError

    cfg = tmp_path / "配置.toml"
    cfg.write_text("[money]\ntolerence = 0.01\n", encoding="utf-8")
    with pytest.raises(UserError, match="tolerence"):
        xl_jixiao.load_config(cfg)
    with pytest.raises(UserError, match="tolerence"):
        xl_jixiao.check([tmp_path], cfg)


def test_base_install_needs_no_extras(inbox, tmp_path):
    """check and consolidate run with pandas, pyarrow and xlwings unimportable."""
    script = textwrap.dedent(f"""
        import sys
        class Block:
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] in ("pandas", "pyarrow", "xlwings"):
                    raise ImportError("blocked: " + name)
        sys.meta_path.insert(0, Block())
        from xl_jixiao.cli import main
        a = main(["check", {str(inbox)!r}])
        b = main(["consolidate", {str(inbox)!r}, "-o", {str(tmp_path / 's.xlsx')!r}, "--jobs", "1", "-q"])
        print("CODES", a, b)
        assert not [m for m in sys.modules if m.split(".")[0] in ("pandas", "pyarrow", "xlwings")]
    """)
    r = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert "CODES 1 1" in r.stdout
