"""The ribbon macros on xlwings' remote engine (``xw.Book(json=…)``), with real sample workbooks."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")

from xl_jixiao.cellref import column_letter, parse_a1
from xl_jixiao.excel import macros, remote

COLORS = {macros.SEVERITY_COLORS[s].lower() for s in macros.SEVERITY_COLORS}


@pytest.fixture(scope="module")
def samples(tmp_path_factory) -> tuple[Path, dict]:
    from xl_jixiao.template import generate_samples

    d = tmp_path_factory.mktemp("samples")
    generate_samples(d, units=4, seed=11, defect_rate=0.4)
    manifest = json.loads((d / "manifest.json").read_text("utf-8"))
    return d, manifest


def run(macro, payload, **kw):
    book = remote.book_from_payload(payload)
    result = macro(book, **kw)
    actions = book.json()
    json.dumps(actions)  # what the server sends back must be JSON
    return result, actions, remote.replay(payload, actions)


def marked(state) -> dict[tuple[str, str], str]:
    return {k: v for k, v in state.colored().items() if k[0] not in macros.OWN_SHEETS}


@pytest.mark.parametrize("client", ["VBA", "Office.js"])
def test_validate_colours_exactly_the_injected_defects(samples, client):
    d, manifest = samples
    assert manifest
    for name, defects in manifest.items():
        payload = remote.payload_from_file(d / name, client=client)
        result, actions, state = run(macros.validate, payload)
        expected = {(x["sheet"], x["cell"]) for x in defects}
        got = marked(state)
        assert set(got) == expected, name
        assert set(v.lower() for v in got.values()) <= COLORS
        for x in defects:  # the finding behind each mark carries the injected code
            codes = {f.code for f in result.findings if (f.sheet, f.cell) == (x["sheet"], x["cell"])}
            assert x["code"] in codes, (name, x)
        assert state.unknown_actions == []


def test_validate_writes_the_result_sheet_in_one_bulk_write(samples):
    d, manifest = samples
    name = max(manifest, key=lambda n: len(manifest[n]))
    payload = remote.payload_from_file(d / name)
    result, actions, state = run(macros.validate, payload)
    funcs = [a["func"] for a in actions["actions"]]
    assert funcs.count("setValues") == 1
    assert "setRangeColors" not in funcs  # only the fill action every client replays
    assert funcs.count("setRangeColor") <= len(result.marked) + 8
    assert macros.RESULT_SHEET in state.names()
    rows = state.sheet(macros.RESULT_SHEET).rows()
    counts = result.counts()
    assert rows[0][0].startswith("校验完成")
    assert f"错误 {counts[macros.Severity.ERROR]} 项" in rows[0][0]
    header = rows[macros.RESULT_HEADER_ROW - 1]
    assert header[:len(macros.RESULT_HEADER)] == list(macros.RESULT_HEADER)
    assert macros.MARKS_HEADER in header
    body = rows[macros.RESULT_HEADER_ROW:macros.RESULT_HEADER_ROW + len(result.findings)]
    link_col = macros.RESULT_HEADER.index("跳转")
    explain_col = macros.RESULT_HEADER.index("规则说明")
    for f, row in zip(result.findings, body):
        assert row[2] == f.code
        assert row[explain_col], f.code  # the rule's explanation is there
        if f.sheet and f.cell:
            assert row[link_col] == f"=HYPERLINK(\"#'{f.sheet}'!{f.cell}\",\"跳转\")"
    marks_col = header.index(macros.MARKS_HEADER)
    listed = {r[marks_col] for r in rows[macros.RESULT_HEADER_ROW:] if len(r) > marks_col and r[marks_col]}
    assert listed == {f"{s}!{c}" for (s, c) in marked(state)}
    # severity column coloured, header grey
    fmts = state.sheet(macros.RESULT_SHEET).number_formats
    assert fmts[(macros.RESULT_HEADER_ROW + 1, 8)] == "@"  # 当前值 stays text
    assert (macros.RESULT_HEADER_ROW + 1, link_col + 1) not in fmts  # the link stays a formula
    colors = state.sheet(macros.RESULT_SHEET).colored()
    assert colors["A4"].lower() == macros.HEADER_COLOR.lower()
    assert colors[f"B{macros.RESULT_HEADER_ROW + 1}"].lower() in COLORS


def _set(payload, sheet, a1, value):
    r, c = parse_a1(a1)
    values = next(s for s in payload["sheets"] if s["name"] == sheet)["values"]
    while len(values) < r:
        values.append([""] * len(values[0]))
    for row in values:
        while len(row) < c:
            row.append("")
    values[r - 1][c - 1] = value


def test_revalidate_resets_stale_marks_and_clear_marks(samples):
    d, manifest = samples
    name = next(n for n, x in manifest.items() if x)
    payload = remote.payload_from_file(d / name)
    _, _, state = run(macros.validate, payload)
    before = marked(state)
    assert before

    # The client sends the book again, 校验结果 included.  Pretend an earlier run also
    # marked 绩效指标!A1 (no finding there now): the new run must reset exactly that cell.
    nxt = state.to_payload()
    rows = next(s for s in nxt["sheets"] if s["name"] == macros.RESULT_SHEET)["values"]
    marks_col = rows[macros.RESULT_HEADER_ROW - 1].index(macros.MARKS_HEADER)
    last = max(i for i, r in enumerate(rows) if len(r) > marks_col and r[marks_col])
    _set(nxt, macros.RESULT_SHEET, f"{column_letter(marks_col + 1)}{last + 2}", "绩效指标!A1")
    result2, actions2, state2 = run(macros.validate, nxt)
    assert result2.cleared == 1
    replayed = remote.replay(nxt, actions2)
    assert replayed.sheet("绩效指标").colors[(1, 1)] is None
    assert marked(state2) == before

    # 清除标记 resets every remembered cell and empties the list
    third = state2.to_payload()
    res, actions3, state3 = run(macros.clear_marks, third)
    assert res.cleared == len(before)
    replayed = remote.replay(third, actions3)
    for (sheet, a1) in before:
        assert replayed.sheet(sheet).colors[parse_a1(a1)] is None
    assert state3.sheet(macros.RESULT_SHEET).rows()[0][0].startswith("已清除")
    # a second 清除标记 has nothing left to do
    res4, _, _ = run(macros.clear_marks, state3.to_payload())
    assert res4.cleared == 0


def test_text_from_the_workbook_never_becomes_a_formula(samples):
    d, manifest = samples
    name = next(iter(manifest))
    payload = remote.payload_from_file(d / name)
    ind = next(s for s in payload["sheets"] if s["name"] == "绩效指标")["values"]
    header_row = next(i for i, r in enumerate(ind) if "指标值" in r)
    col = ind[header_row].index("指标值")
    ind[header_row + 1][col] = "=SUM(1,2)"
    result, actions, state = run(macros.validate, payload)
    values = [a for a in actions["actions"] if a["func"] == "setValues"][0]["values"]
    for row in values:
        for v in row:
            if isinstance(v, str) and v.startswith("="):
                assert v.startswith("=HYPERLINK(\"#'"), v


def test_totals(samples):
    d, manifest = samples
    name = next(iter(manifest))
    payload = remote.payload_from_file(d / name)
    proj = next(s for s in payload["sheets"] if s["name"] == "项目信息")["values"]
    header_row = next(i for i, r in enumerate(proj) if "年度资金总额" in r)
    total_col = proj[header_row].index("年度资金总额")
    proj[header_row + 1][total_col] = 99999.0  # break the first project's fund check
    result, actions, state = run(macros.totals, payload)
    assert result.projects >= 1 and result.mismatches >= 1
    rows = state.sheet(macros.TOTALS_SHEET).rows()
    assert rows[0][0].startswith("合计（金额单位：")
    assert rows[2][:9] == ["序号", "项目名称", "年度资金总额", "财政拨款", "上年结转", "其他资金", "来源合计", "差额", "核对"]
    first = rows[3]
    assert first[2] == 99999.0 and first[8] == "不一致"
    assert abs(first[7] - (first[2] - first[6])) < 1e-6
    total_row = rows[3 + result.projects]
    assert total_row[0] == "合计"
    assert abs(total_row[2] - sum(r[2] for r in rows[3:3 + result.projects] if isinstance(r[2], float))) < 1e-6
    colors = state.sheet(macros.TOTALS_SHEET).colored()
    assert colors["I4"].lower() == macros.SEVERITY_COLORS[macros.Severity.ERROR].lower()
    fmts = state.sheet(macros.TOTALS_SHEET).number_formats
    assert fmts[(4, 3)] == macros.MONEY_FORMAT
    funcs = [a["func"] for a in actions["actions"]]
    assert funcs.count("setValues") == 1


def test_not_a_template_book_is_reported_not_raised():
    payload = remote.payload_from_sheets("随便.xlsx", [("Sheet1", [["hello", 1]])])
    result, actions, state = run(macros.validate, payload)
    assert result.error
    assert state.sheet(macros.RESULT_SHEET).rows()[0][0].startswith("无法校验")
    result, actions, state = run(macros.totals, payload)
    assert state.sheet(macros.TOTALS_SHEET).rows()[0][0].startswith("无法计算合计")


def test_consolidate_the_folder_named_in_the_book(samples, tmp_path):
    d, manifest = samples
    inbox = tmp_path / "收件箱"
    inbox.mkdir()
    for name in manifest:
        (inbox / name).write_bytes((d / name).read_bytes())
    payload = remote.payload_from_sheets("汇总.xlsm", [("单位信息", [["汇总文件夹", str(inbox)]])])
    result, actions, state = run(macros.consolidate, payload)
    assert result.ok, result.status
    out = Path(result.output)
    assert out.exists() and out.parent == tmp_path
    rows = state.sheet(macros.LOG_SHEET).rows()
    assert rows[0][0].startswith("汇总完成") and str(out) in rows[0][0]
    assert ["单位", len(manifest)] in [r[:2] for r in rows]
    review = tmp_path / "收件箱_审核"
    assert ["审核结果", str(review)] in [r[:2] for r in rows]
    assert (review / "审核总览.xlsx").exists() and "第1轮" in rows[0][0]


def test_consolidate_without_a_folder_explains_what_to_do():
    payload = remote.payload_from_sheets("汇总.xlsm", [("单位信息", [["单位名称", "某局"]])])
    result, _, state = run(macros.consolidate, payload)
    assert not result.ok and "汇总文件夹" in result.status
    assert state.sheet(macros.LOG_SHEET).rows()[0][0] == result.status


def test_approve(samples, tmp_path):
    d, manifest = samples
    name = next(iter(manifest))
    payload = remote.payload_from_file(d / name)
    result, _, _ = run(macros.approve, payload)  # no folder on a remote client
    assert not result.ok and "保存" in result.status
    out = tmp_path / "批复表.xlsx"
    result, _, state = run(macros.approve, payload, out=str(out))
    assert result.ok, result.status
    assert out.exists()
    assert state.sheet(macros.LOG_SHEET).rows()[0][0].startswith("已生成批复表")


def test_fills_are_merged_into_rectangles():
    payload = remote.payload_from_sheets("大.xlsx", [("S", [[""]])])
    book = remote.book_from_payload(payload)
    sheet = book.sheets[0]
    cells = {(4, c): "#D9D9D9" for c in range(1, 13)}                 # a header row
    cells.update({(r, 2): "#FFC7CE" for r in range(5, 400)})          # a severity column
    cells.update({(r, 7): "#FFEB9C" for r in range(5, 3000, 3)})      # scattered marks
    cells.update({(r, c): None for r in range(10, 20) for c in (9, 10)})  # a block to reset
    n = macros.fill_cells(sheet, cells)
    acts = book.json()["actions"]
    assert len(acts) == n == 1 + 1 + len(range(5, 3000, 3)) + 1
    assert {a["func"] for a in acts} == {"setRangeColor"}
    state = remote.replay(payload, book.json())
    got = {rc: (v.lower() if v else None) for rc, v in state.sheet("S").colors.items()}
    assert got == {rc: (c.lower() if c else None) for rc, c in cells.items()}


def test_run_macro_by_name(samples):
    d, manifest = samples
    name = next(iter(manifest))
    payload = remote.payload_from_file(d / name)
    actions = remote.run_macro("validate", payload)
    assert remote.colored_cells(payload, actions)
    with pytest.raises(ValueError):
        remote.run_macro("os.system", payload)


def test_validate_with_a_configuration(samples, tmp_path):
    d, manifest = samples
    name = next(n for n, x in manifest.items() if x)
    codes = sorted({x["code"] for x in manifest[name]})
    cfg = tmp_path / "cfg.toml"
    cfg.write_text("[check]\nignore = [" + ", ".join(f'"{c}"' for c in codes) + "]\n", encoding="utf-8")
    payload = remote.payload_from_file(d / name)
    result, _, state = run(macros.validate, payload, config=str(cfg))
    assert not {f.code for f in result.findings} & set(codes)
    bad = tmp_path / "bad.toml"
    bad.write_text("[nonsense\n", encoding="utf-8")
    result, _, state = run(macros.validate, payload, config=str(bad))
    assert result.error and state.sheet(macros.RESULT_SHEET).rows()[0][0].startswith("无法校验")


def test_a_sheet_that_refuses_fills_is_reported(samples, monkeypatch):
    d, manifest = samples
    name = next(n for n, x in manifest.items() if any(y["sheet"] == "绩效指标" for y in x))
    payload = remote.payload_from_file(d / name)
    real = macros.fill_cells

    def refuse(sheet, cells):
        if sheet.name == "绩效指标":
            raise RuntimeError("protected")
        return real(sheet, cells)

    monkeypatch.setattr(macros, "fill_cells", refuse)
    result, _, state = run(macros.validate, payload)
    assert "受保护" in result.status
    assert all(s != "绩效指标" for (s, _a) in result.marked)
