"""Real forms: the hand-made labels of tests/data/real and the product measured against them.

The labels (labels.json) were drafted by a script independent of xl_jixiao and checked by reading
the sheets; see benchmarks/README.md for the format.  The first group of tests keeps the labels
themselves consistent with the workbooks; the second asserts the product's accuracy on them with
benchmarks/real_forms.py.
"""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from collections import Counter
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from xl_jixiao.rules import known_codes

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "tests" / "data" / "real"
LABELS = DATA / "labels.json"
A1 = re.compile(r"^[A-Z]{1,3}[1-9]\d*$")

# accuracy the product must reach on these workbooks (benchmarks/real_forms.py prints the figures)
MIN_EXACT_TOTALS_PCT = 95.0
MIN_INDICATORS_PCT = 95.0
MIN_DEFECTS_FOUND_PCT = 80.0
MAX_WRONG_PCT = 5.0


@pytest.fixture(scope="module")
def labels() -> dict:
    return json.loads(LABELS.read_text(encoding="utf-8"))


def _projects(labels):
    return [p for f in labels["files"] for p in f["projects"]]


_ROWS: dict = {}


def _cell_text(file, sheet, cell) -> str:
    m = re.match(r"([A-Z]+)(\d+)", cell)
    col = 0
    for ch in m.group(1):
        col = col * 26 + ord(ch) - 64
    key = (file, sheet)
    if key not in _ROWS:
        wb = CalamineWorkbook.from_path(DATA / file)
        _ROWS[key] = wb.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    rows = _ROWS[key]
    r = int(m.group(2)) - 1
    v = rows[r][col - 1] if r < len(rows) and col - 1 < len(rows[r]) else ""
    if isinstance(v, float):
        return str(Decimal(repr(v)).normalize()) if v != int(v) else str(int(v))
    return str(v)


# ------------------------------------------------------------------ the labels themselves


def test_labels_cover_every_sheet_of_every_workbook(labels):
    files = {f["file"] for f in labels["files"]}
    assert files == {p.name for p in DATA.glob("*.xlsx")}
    for f in labels["files"]:
        wb = CalamineWorkbook.from_path(DATA / f["file"])
        assert [p["sheet"] for p in f["projects"]] == wb.sheet_names, f["file"]
    assert len(_projects(labels)) == 231


def test_every_total_is_a_decimal_string_as_the_cell_holds_it(labels):
    for f in labels["files"]:
        for p in f["projects"]:
            for key in ("total", "multi_year_total"):
                try:
                    value = Decimal(p[key])
                except InvalidOperation:
                    pytest.fail(f"{f['file']} / {p['sheet']}: {key} {p[key]!r} 不是数字")
                assert A1.match(p[key + "_cell"]), p[key + "_cell"]
                assert Decimal(_cell_text(f["file"], p["sheet"], p[key + "_cell"])) == value, (f["file"], p["sheet"], key)
            assert p["money_unit"] in ("万元", "元")


def test_indicator_rows_point_at_their_value_cells(labels):
    for f in labels["files"]:
        for p in f["projects"]:
            rows = set()
            for ind in p["indicators"]:
                assert ind["name"] and ind["value"], (p["sheet"], ind)
                assert ind["value"] != "不适用" and ind["name"] != "不适用"
                assert _cell_text(f["file"], p["sheet"], ind["cell"]).strip() == ind["value"], (p["sheet"], ind["cell"])
                rows.add(int(ind["cell"][1:]))
            na_rows = {x["row"] for x in p["not_applicable"]}
            assert not rows & na_rows, p["sheet"]


def test_counts_add_up(labels):
    projects = _projects(labels)
    assert sum(len(f["projects"]) for f in labels["files"]) == len(projects) == 231
    assert sum(len(p["indicators"]) for p in projects) > 1000
    assert sum(len(p["not_applicable"]) for p in projects) > 800
    codes = Counter(d["code"] for p in projects for d in p["defects"])
    assert codes["JX304"] > 100  # amounts labelled 万元 that hold 元
    assert sum(codes.values()) > 300


def test_label_codes_are_rule_codes(labels):
    known = known_codes()
    for f in labels["files"]:
        entries = f["silent"] + f["tolerated"]
        for p in f["projects"]:
            entries = entries + p["silent"] + p["tolerated"]
            for d in p["defects"]:
                assert d["code"] in known, d
                assert d["reason"]
        for e in entries:
            assert set(e["codes"]) <= known, e
            assert e["reason"]


def test_no_cell_is_both_a_defect_and_silent_for_the_same_code(labels):
    for p in _projects(labels):
        for d in p["defects"]:
            row = d.get("row")
            for s in p["silent"]:
                if d["code"] in s["codes"] and row is not None and row in s.get("rows", ()):
                    pytest.fail(f"{p['sheet']}: {d['code']} 第 {row} 行既是确定问题又应保持沉默")


# ------------------------------------------------------------------ the product against the labels


def _load_benchmark():
    spec = importlib.util.spec_from_file_location("real_forms", REPO / "benchmarks" / "real_forms.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod  # dataclasses look their module up while the class is built
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def figures() -> dict:
    bench = _load_benchmark()
    figs, _seconds = bench.measure(LABELS, DATA)
    for f in figs:
        assert f.error is None, f"{f.file}: {f.error}"
    return bench.totals(figs)


def test_every_labelled_project_is_read(figures):
    assert figures["projects_read"] == figures["projects"]


def test_annual_totals_are_read_exactly(figures):
    assert figures["exact_totals_pct"] >= MIN_EXACT_TOTALS_PCT, figures


def test_indicator_rows_are_recovered(figures):
    assert figures["indicators_pct"] >= MIN_INDICATORS_PCT, figures


def test_sure_defects_are_found(figures):
    assert figures["defects_found_pct"] >= MIN_DEFECTS_FOUND_PCT, figures


def test_few_findings_are_wrong(figures):
    assert figures["wrong_pct"] <= MAX_WRONG_PCT, figures
