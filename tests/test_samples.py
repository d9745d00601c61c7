"""Sample unit workbooks: deterministic, realistic, clean unless defects are asked for."""

from __future__ import annotations

import json
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from xl_jixiao import layout as L
from xl_jixiao.cli import main
from xl_jixiao.schemes import get_scheme
from xl_jixiao.template import generate_samples
from xl_jixiao.template.compare import workbook_content
from xl_jixiao.template.samples import DEFECT_CODES, MIN_INDICATORS, sample_submission

YEAR = 2025


@pytest.fixture(scope="module")
def clean_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("clean")
    generate_samples(out, 4, seed=7)
    return out


@pytest.fixture(scope="module")
def defect_dir(tmp_path_factory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("defects")
    manifest = generate_samples(out, 4, seed=8, defect_rate=1.0)
    return out, manifest


def test_same_seed_same_content(clean_dir, tmp_path):
    again = generate_samples(tmp_path, 2, seed=7)
    for name in again:
        assert workbook_content(clean_dir / name) == workbook_content(tmp_path / name)
    assert json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8")) == again
    other = sample_submission(0, seed=99)
    assert other != sample_submission(0, seed=7)


def test_realistic_and_consistent():
    subs = [sample_submission(i, seed=3) for i in range(6)]
    assert {s.money_unit for s in subs} == {"万元", "元"}
    assert {s.scheme for s in subs} == {"2021", "legacy"}
    assert any(s.dept is not None for s in subs) and any(s.dept is None for s in subs)
    assert len({s.unit_name for s in subs}) == len({s.unit_code for s in subs}) == 6
    codes = [p.code for s in subs for p in s.projects]
    assert len(codes) == len(set(codes))
    for s in subs:
        scheme = get_scheme(s.scheme)
        assert 5 <= len(s.projects) <= 15
        assert len({p.name for p in s.projects}) == len(s.projects)
        pairs = Counter()
        for p in s.projects:
            f = p.funding
            assert f.total == f.sources_sum() and f.total > 0
            plan = [pt.percent for pt in p.spending_plan]
            assert plan == sorted(plan) and plan[-1] == 100
            assert MIN_INDICATORS <= len(p.indicators) <= 20
            names = [i.name for i in p.indicators]
            assert len(names) == len(set(names))
            assert set(scheme.required) <= {i.level1 for i in p.indicators}
            assert {"数量指标", "质量指标", "时效指标"} <= {i.level2 for i in p.indicators}
            costs = Decimal(0)
            for i in p.indicators:
                assert scheme.match_level2(i.level1, i.level2).exact
                assert i.basis in L.BASIS_CATEGORIES
                pairs[(i.name, i.value)] += 1
                if i.unit == "%":
                    assert Decimal(i.value) <= 100
                if scheme.role(i.level1, i.level2) == "cost":
                    assert i.op == "≤" and i.unit == s.money_unit
                    costs += Decimal(i.value)
                if i.op is None:
                    assert i.value.startswith(f"{YEAR}年") and i.value.endswith("日前")
                else:
                    assert i.unit
            assert costs <= f.total
            assert any(i.name in p.annual_goal for i in p.indicators)
        assert max(pairs.values()) == 1  # nothing pasted across projects
        if s.dept:
            d = s.dept
            assert d.personnel + d.public == d.basic
            assert d.basic + d.projects == d.expense_total == d.income_total
            assert d.fiscal + d.carryover + d.other == d.income_total
            assert d.projects == s.project_total()


def test_fixed_counts():
    s = sample_submission(1, seed=0, projects=10, indicators=15)
    assert len(s.projects) == 10 and all(len(p.indicators) == 15 for p in s.projects)
    s = sample_submission(2, seed=0, projects=20, indicators=MIN_INDICATORS)
    assert len({p.name for p in s.projects}) == 20


def test_files_follow_template(clean_dir):
    manifest = json.loads((clean_dir / "manifest.json").read_text(encoding="utf-8"))
    assert sorted(manifest) == sorted(p.name for p in clean_dir.glob("*.xlsx"))
    assert all(v == [] for v in manifest.values())
    name = sorted(manifest)[0]
    wb = load_workbook(clean_dir / name)
    assert wb.sheetnames == list(L.TEMPLATE_SHEETS)
    ws = wb[L.SHEET_PROJECTS]
    assert ws["C3"].value.startswith(f"{YEAR}年")
    unit = wb[L.SHEET_UNIT]
    assert unit["B4"].value in name  # 单位名称 is part of the file name


def test_defects_are_where_the_manifest_says(defect_dir):
    out, manifest = defect_dir
    entries = [(f, e) for f, v in manifest.items() for e in v]
    assert len(entries) >= 20
    books = {f: load_workbook(out / f) for f in manifest}
    for f, e in entries:
        assert e["code"] in DEFECT_CODES
        ws = books[f][e["sheet"]]
        value = ws[e["cell"]].value
        row = ws[e["cell"]].row
        code = e["code"]
        if code == "JX301":
            assert e["sheet"] == L.SHEET_PROJECTS and ws[e["cell"]].column == L.PROJECTS.index("total")
            sources = [L.PROJECTS.index(k) for k in ("fiscal", "carryover", "other")]
            assert Decimal(str(value)) != sum(Decimal(str(ws.cell(row, c).value or 0)) for c in sources)
        elif code == "JX306":
            p2, p3 = L.PROJECTS.index("plan_2"), L.PROJECTS.index("plan_3")
            assert ws.cell(row, p3).value < ws.cell(row, p2).value
        elif code == "JX402":
            assert value == "（分级填报）"
        elif code == "JX102":
            assert ws[f"C{row}"].value == "产出指标" and value == "社会效益指标"
        elif code == "JX106":
            assert value is None and ws[f"E{row}"].value
        elif code == "JX203":
            assert ws[f"H{row}"].value is None and value.isdigit()
        elif code == "JX204":
            assert value == "不断提升"
        elif code == "JX208":
            assert value.startswith(f"{YEAR - 10}年")
        elif code == "JX215":
            assert value == "905" and ws[f"H{row}"].value == "%"
        elif code == "JX209":
            assert value == "100" and ws[f"H{row}"].value == "%"
        elif code == "JX202":
            assert value.endswith("＝100%")
        elif code == "JX403":
            assert value == "省市文件"


def _findings(path: Path):
    from xl_jixiao.readers import read_submission
    from xl_jixiao.rules.engine import check_submission

    return [f for f in check_submission(read_submission(path)) if f.severity.value in ("error", "warning")]


def test_validator_agrees_with_manifest(clean_dir, defect_dir):
    """Clean samples pass the validator; each injected defect gives exactly its code at its cell."""
    for f in sorted(clean_dir.glob("*.xlsx")):
        assert [(x.code, x.cell, x.message) for x in _findings(f)] == [], f.name
    out, manifest = defect_dir
    for name, entries in manifest.items():
        got = sorted((x.sheet, x.cell, x.code) for x in _findings(out / name))
        assert got == sorted((e["sheet"], e["cell"], e["code"]) for e in entries), name


def test_every_defect_code_is_exercised(tmp_path):
    import random

    from xl_jixiao.template.samples import inject_defects

    seen = set()
    for i in range(12):
        sub = sample_submission(i, seed=21)
        seen |= {e["code"] for e in inject_defects(sub, 1.0, random.Random(i))}
    assert seen == set(DEFECT_CODES)


def test_sample_command(tmp_path, capsys):
    assert main(["sample", "--units", "2", "--out", str(tmp_path), "--seed", "4", "--defect-rate", "0.5",
                 "--projects", "5", "--indicators", "8"]) == 0
    assert "已生成 2 个单位工作簿" in capsys.readouterr().out
    manifest = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    assert len(manifest) == 2
    with pytest.raises(SystemExit) as exc:
        main(["sample", "--units", "1", "--out", str(tmp_path), "--defect-rate", "2"])
    assert exc.value.code == 2
    assert main(["sample", "--units", "1", "--out", str(tmp_path), "--indicators", "3"]) == 2
