"""Consolidation end to end: a messy inbox folder → one summary workbook, every file accounted for."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from xl_jixiao.cli import main
from xl_jixiao.consolidate import cache_path_for, consolidate
from xl_jixiao.model import Funding, Indicator, Project, Submission

INJECTION = '=HYPERLINK("http://example.invalid","点我")'


# ------------------------------------------------------------------ building inputs


def make_submission(i: int, n_projects: int = 3, n_indicators: int = 4, money_unit: str = "万元",
                    unit_name: str | None = None, unit_code: str | None = "auto") -> Submission:
    projects = []
    for p in range(n_projects):
        if money_unit == "元":
            total = Decimal(123457 + 1000 * i + 10 * p) + Decimal("0.89")
            fiscal, carry, other = total - Decimal("3000.50"), Decimal("3000.50"), None
        else:
            total = Decimal("12.345") + i + p
            fiscal, carry, other = total - Decimal("1.005"), Decimal(0), Decimal("1.005")
        inds = [Indicator(project=f"项目{i}-{p}", level1=l1, level2=l2, name=f"{name}{k}", op=op, value=v, unit=u,
                          basis="计划标准")
                for k, (l1, l2, name, op, v, u) in enumerate([
                    ("产出指标", "数量指标", "培训人次", "≥", "100", "人次"),
                    ("产出指标", "质量指标", "合格率", "≥", "95", "%"),
                    ("产出指标", "时效指标", "完成时间", "≤", "2025年12月31日", ""),
                    ("满意度指标", "服务对象满意度指标", "满意度", "≥", "90", "%"),
                ][:n_indicators])]
        projects.append(Project(
            code=f"P{i:04d}{p:03d}", name=f"项目{i}-{p}", category="特定目标类", implementer=f"实施单位{i}",
            period="2025", funding=Funding(money_unit=money_unit, total=total, fiscal=fiscal, carryover=carry,
                                           other=other),
            annual_goal="按计划完成年度培训任务，提高服务质量", indicators=inds))
    return Submission(budget_year=2025, unit_name=unit_name or f"测试单位{i}",
                      unit_code=f"{1000 + i}" if unit_code == "auto" else unit_code,
                      money_unit=money_unit, scheme="2021", projects=projects)


@pytest.fixture(scope="session")
def base_books(tmp_path_factory) -> dict[str, Path]:
    """A few template workbooks written once per session."""
    from xl_jixiao.template import write_submission

    d = tmp_path_factory.mktemp("books")
    books = {
        "a": make_submission(1),
        "b": make_submission(2, money_unit="元"),
        "c": make_submission(3, n_projects=2),
        "inject": make_submission(4, unit_name=INJECTION, n_projects=1),
        "noncode": make_submission(5, unit_code=None, n_projects=1),
    }
    out = {}
    for key, sub in books.items():
        path = d / f"{key}.xlsx"
        write_submission(sub, path)
        out[key] = path
    return out


def make_inbox(root: Path, books: dict[str, Path]) -> Path:
    """A realistic inbox: good books, a nested folder, a copy, junk and traps."""
    inbox = root / "收件箱"
    (inbox / "二级单位" / "县区").mkdir(parents=True)
    shutil.copy(books["a"], inbox / "甲单位.xlsx")
    shutil.copy(books["b"], inbox / "乙单位（元）.xlsx")
    shutil.copy(books["c"], inbox / "二级单位" / "县区" / "丙单位.xlsx")
    shutil.copy(books["inject"], inbox / "二级单位" / "注入.xlsx")
    shutil.copy(books["a"], inbox / "甲单位 - 副本.xlsx")  # the same unit twice: JX501 + JX502
    (inbox / "损坏.xlsx").write_bytes(os.urandom(4096))
    (inbox / "空文件.xlsx").write_bytes(b"")
    (inbox / "~$甲单位.xlsx").write_bytes(b"\x00" * 165)
    (inbox / "说明.txt").write_text("请各单位于月底前报送", encoding="utf-8")
    (inbox / "通知.pdf").write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n")
    (inbox / "Thumbs.db").write_bytes(b"\x00" * 10)
    (inbox / ".DS_Store").write_bytes(b"\x00" * 10)
    _encrypted_copy(books["a"], inbox / "加密.xlsx")
    return inbox


def _encrypted_copy(src: Path, dst: Path) -> None:
    try:
        from msoffcrypto.format.ooxml import OOXMLFile
    except ImportError:  # pragma: no cover - oletools brings msoffcrypto-tool
        import olefile  # noqa: F401

        dst.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 4088)
        return
    with open(src, "rb") as f, open(dst, "wb") as out:
        OOXMLFile(f).encrypt("密码123", out)


def all_files(root: Path) -> list[str]:
    out = []
    for dirpath, _, names in os.walk(root):
        for n in names:
            out.append(os.path.relpath(os.path.join(dirpath, n), root).replace(os.sep, "/"))
    return sorted(out)


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def rows(ws) -> list[tuple]:
    return [r for r in ws.iter_rows(values_only=True)]


def table(ws) -> list[dict]:
    """Rows below the table's header (the first row with several filled cells: 汇总 has a title above it)."""
    data = rows(ws)
    h = next(i for i, r in enumerate(data) if sum(v not in (None, "") for v in r) >= 4)
    head = data[h]
    return [dict(zip(head, r)) for r in data[h + 1:]]


def parse_summary_line(out: str) -> dict[str, str]:
    line = [ln for ln in out.splitlines() if ln.startswith("SUMMARY ")][-1]
    return dict(kv.split("=", 1) for kv in line.split()[1:])


def independent_totals(path: Path) -> tuple[Decimal, Decimal, Decimal, Decimal]:
    """The input's project amounts in 万元, read with openpyxl without our reader."""
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    unit = "万元"
    for r in wb["单位信息"].iter_rows(values_only=True):
        if r and r[0] == "金额单位":
            unit = r[1]
    factor = Decimal(1) if unit == "万元" else Decimal("0.0001")
    ws = wb["项目信息"]
    sums = [Decimal(0)] * 4
    header = None
    for r in ws.iter_rows(values_only=True):
        if header is None:
            if r and "年度资金总额" in r:
                header = list(r)
            continue
        if not r or not r[header.index("项目名称")]:
            continue
        for i, h in enumerate(("年度资金总额", "财政拨款", "上年结转", "其他资金")):
            v = r[header.index(h)]
            if v not in (None, ""):
                sums[i] += Decimal(repr(v)) * factor
    wb.close()
    return tuple(sums)  # type: ignore[return-value]


# ------------------------------------------------------------------ the big one


@pytest.fixture(autouse=True)
def pinned_code_version(monkeypatch):
    """The cache's version covers the package sources; pin it so edits elsewhere do not empty it mid-test."""
    from xl_jixiao.consolidate import engine

    monkeypatch.setattr(engine, "code_fingerprint", lambda config=None: "pinned-" + str(config))


@pytest.fixture()
def inbox(tmp_path, base_books) -> Path:
    return make_inbox(tmp_path, base_books)


def run_cli(capsys, *argv) -> tuple[int, dict[str, str], str]:
    code = main(["consolidate", *map(str, argv)])
    cap = capsys.readouterr()
    return code, parse_summary_line(cap.out), cap.err


def test_every_file_is_accounted_for(tmp_path, inbox, capsys):
    out = tmp_path / "汇总" / "汇总表.xlsx"
    before = {p: sha(inbox / p) for p in all_files(inbox)}
    code, summary, err = run_cli(capsys, inbox, "-o", out, "--jobs", "1")

    assert code == 1  # duplicates and unreadable files are errors
    assert out.exists()
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["汇总", "项目明细", "指标明细", "问题清单", "文件清单", "统计"]

    files = {r["文件"]: r for r in table(wb["文件清单"])}
    assert sorted(files) == all_files(inbox)  # every file, nothing more
    outcome = {k: v["结果"] for k, v in files.items()}
    for name in ("甲单位.xlsx", "乙单位（元）.xlsx", "二级单位/县区/丙单位.xlsx", "二级单位/注入.xlsx",
                 "甲单位 - 副本.xlsx"):
        assert outcome[name] == "已汇总", name
    for name in ("~$甲单位.xlsx", "Thumbs.db", ".DS_Store"):
        assert outcome[name] == "跳过", name
    for name in ("损坏.xlsx", "空文件.xlsx", "说明.txt", "通知.pdf", "加密.xlsx"):
        assert outcome[name] == "无法读取", name
        assert files[name]["原因 / 说明"], name
    assert "加密" in files["加密.xlsx"]["原因 / 说明"]
    assert "空文件" in files["空文件.xlsx"]["原因 / 说明"]
    assert "不支持" in files["说明.txt"]["原因 / 说明"]

    assert summary["files"] == str(len(before))
    assert summary["skipped"] == "3" and summary["failed"] == "5"
    assert summary["read"] == "10" and summary["cached"] == "0" and summary["units"] == "5"
    assert int(summary["errors"]) >= 5 + 2  # five JX504 and the duplicated unit
    assert float(summary["seconds"]) >= 0

    findings = table(wb["问题清单"])
    codes = {(f["文件"], f["规则"]) for f in findings}
    for name in ("损坏.xlsx", "空文件.xlsx", "说明.txt", "通知.pdf", "加密.xlsx"):
        assert (name, "JX504") in codes
    assert ("甲单位.xlsx", "JX501") in codes and ("甲单位 - 副本.xlsx", "JX501") in codes
    assert ("甲单位.xlsx", "JX502") in codes and ("甲单位 - 副本.xlsx", "JX502") in codes
    assert not any(f["文件"].startswith("~$") for f in findings)

    summary_rows = table(wb["汇总"])
    status = {r["文件"]: r["状态"] for r in summary_rows if r["序号"] != "合计"}
    assert status["甲单位.xlsx"] == "退回修改" and status["甲单位 - 副本.xlsx"] == "退回修改"

    # inputs are never modified
    after = {p: sha(inbox / p) for p in all_files(inbox)}
    assert after == before


def test_totals_reconcile_with_the_inputs(tmp_path, inbox, capsys):
    out = tmp_path / "汇总表.xlsx"
    run_cli(capsys, inbox, "-o", out, "--jobs", "1")
    wb = openpyxl.load_workbook(out)  # formulas kept: compare stored values via calamine below
    data = table(wb["汇总"])
    units = [r for r in data if r["序号"] != "合计"]
    total_row = data[-1]
    assert total_row["序号"] == "合计"

    from python_calamine import CalamineWorkbook

    cal = CalamineWorkbook.from_path(str(out)).get_sheet_by_name("汇总").to_python()
    head = next(r for r in cal if "序号" in r)  # below the title and the 编制单位 line
    cols = [h for h in head if "（万元）" in h]
    assert len(cols) == 4
    expect_all = [Decimal(0)] * 4
    for r in units:
        path = inbox / r["文件"]
        expect = independent_totals(path)
        got = tuple(Decimal(repr(r[c])) for c in cols)
        assert got == expect, r["文件"]
        expect_all = [a + b for a, b in zip(expect_all, expect)]
    cached_totals = [Decimal(repr(cal[-1][head.index(c)])) for c in cols]
    assert cached_totals == expect_all
    # the stored totals are SUM formulas over the unit rows, with the exact value cached
    assert str(total_row[cols[0]]).startswith("=SUM(")
    # the 元 workbook was converted exactly: 123457+2000+0.89 元 → 12.545789 万元 …
    yuan = next(r for r in units if r["文件"] == "乙单位（元）.xlsx")
    assert Decimal(repr(yuan[cols[0]])) == sum(
        (Decimal(123457 + 2000 + 10 * p) + Decimal("0.89")) / 10000 for p in range(3))
    # project detail sums agree with the unit rows
    proj = table(wb["项目明细"])
    assert len(proj) == sum(r["项目数"] for r in units)
    assert sum(Decimal(repr(p[cols[0]])) for p in proj) == expect_all[0]
    ind = table(wb["指标明细"])
    assert len(ind) == sum(r["指标数"] for r in units)


def test_findings_link_to_the_source_cell(tmp_path, inbox, capsys):
    out = tmp_path / "汇总表.xlsx"
    run_cli(capsys, inbox, "-o", out, "--jobs", "1")
    wb = openpyxl.load_workbook(out)
    ws = wb["问题清单"]
    head = [c.value for c in ws[1]]
    link_col = head.index("打开") + 1
    targets = [ws.cell(r, link_col).hyperlink.target for r in range(2, ws.max_row + 1)
               if ws.cell(r, link_col).hyperlink]
    assert len(targets) == ws.max_row - 1  # every finding has a link
    cell_links = [t for t in targets if "#" in t]
    assert cell_links, targets
    assert any(re.search(r"甲单位\.xlsx#'项目信息'!B\d+$", t) for t in cell_links), cell_links
    # relative links resolve from the summary's folder to the real file
    for t in cell_links:
        assert (out.parent / t.split("#", 1)[0]).exists(), t

    out2 = tmp_path / "abs.xlsx"
    run_cli(capsys, inbox, "-o", out2, "--jobs", "1", "--absolute-links")
    ws2 = openpyxl.load_workbook(out2)["问题清单"]
    t2 = [ws2.cell(r, link_col).hyperlink.target for r in range(2, ws2.max_row + 1)]
    assert all(t.startswith("file:///") for t in t2)
    assert any(t.endswith("'!B3") and "甲单位.xlsx#'项目信息'" in t for t in t2)


def test_text_from_submissions_never_becomes_a_formula(tmp_path, inbox, capsys):
    out = tmp_path / "汇总表.xlsx"
    run_cli(capsys, inbox, "-o", out, "--jobs", "1")
    wb = openpyxl.load_workbook(out)
    found = 0
    for ws in wb:
        for r in ws.iter_rows():
            for c in r:
                if c.value == INJECTION:
                    assert c.data_type == "s"
                    found += 1
                elif isinstance(c.value, str) and c.value.startswith("="):
                    assert c.value.startswith("=SUM("), (ws.title, c.coordinate, c.value)
    assert found >= 3  # 汇总, 项目明细, 指标明细 rows of that unit
    with zipfile.ZipFile(out) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/sheet"):
                xml = z.read(name).decode("utf-8")
                assert "<f>HYPERLINK" not in xml and "<f>=" not in xml


def test_cache_hits_rereads_changes_and_survives_corruption(tmp_path, inbox, base_books, capsys):
    out = tmp_path / "汇总表.xlsx"
    code1, s1, _ = run_cli(capsys, inbox, "-o", out, "--jobs", "1")
    assert s1["read"] == "10" and s1["cached"] == "0"
    cache = cache_path_for(out)
    assert cache.exists()
    first = openpyxl.load_workbook(out)
    rows1 = {ws.title: rows(ws) for ws in first}

    code2, s2, _ = run_cli(capsys, inbox, "-o", out, "--jobs", "1")
    assert s2["read"] == "0" and s2["cached"] == "10"
    assert code2 == code1
    second = openpyxl.load_workbook(out)
    for ws in second:
        if ws.title == "文件清单":
            continue  # its 来源 column says 缓存 now
        if ws.title == "汇总":  # so does its last column (读取方式)
            assert [r[:-1] for r in rows(ws)] == [r[:-1] for r in rows1[ws.title]]
            continue
        assert rows(ws) == rows1[ws.title], ws.title

    # touching a file without changing it: hashed, found identical, not re-read
    os.utime(inbox / "甲单位.xlsx", ns=(1_600_000_000_000_000_000, 1_600_000_000_000_000_000))
    _, s3, _ = run_cli(capsys, inbox, "-o", out, "--jobs", "1")
    assert s3["read"] == "0" and s3["cached"] == "10"

    # one file really changed: only it is read again
    shutil.copy(base_books["c"], inbox / "甲单位 - 副本.xlsx")
    _, s4, _ = run_cli(capsys, inbox, "-o", out, "--jobs", "1")
    assert s4["read"] == "1" and s4["cached"] == "9"
    units = [r["单位名称"] for r in table(openpyxl.load_workbook(out)["汇总"]) if r["序号"] != "合计"]
    assert units.count("测试单位3") == 2 and units.count("测试单位1") == 1

    # a corrupt cache is rebuilt, never fatal
    cache.write_bytes(os.urandom(5000))
    code5, s5, err5 = run_cli(capsys, inbox, "-o", out, "--jobs", "1")
    assert code5 == 1 and s5["read"] == "10"
    assert "缓存" in err5
    con = sqlite3.connect(cache)
    assert con.execute("SELECT count(*) FROM files").fetchone()[0] == 10
    con.close()
    _, s6, _ = run_cli(capsys, inbox, "-o", out, "--jobs", "1")
    assert s6["cached"] == "10"

    # a damaged entry is only a miss
    con = sqlite3.connect(cache)
    con.execute("UPDATE files SET record = ? WHERE path LIKE ?", (b"garbage", "%甲单位.xlsx"))
    con.commit()
    con.close()
    _, s7, _ = run_cli(capsys, inbox, "-o", out, "--jobs", "1")
    assert s7["read"] == "1" and s7["cached"] == "9"

    # --no-cache reads everything and leaves the cache alone
    mtime = cache.stat().st_mtime_ns
    _, s8, _ = run_cli(capsys, inbox, "-o", out, "--jobs", "1", "--no-cache")
    assert s8["read"] == "10" and s8["cached"] == "0"
    assert cache.stat().st_mtime_ns == mtime


def test_cache_is_rebuilt_when_the_configuration_changes(tmp_path, inbox, capsys):
    from xl_jixiao.consolidate.cache import Cache, code_fingerprint

    out = tmp_path / "汇总表.xlsx"
    run_cli(capsys, inbox, "-o", out, "--jobs", "1")
    c = Cache(cache_path_for(out), code_fingerprint(None) + "-other", log=lambda m: None)
    assert c.rebuilt and not c.index
    c.close()


def test_parallel_run_matches_in_process_run(tmp_path, inbox):
    out1 = tmp_path / "one.xlsx"
    out2 = tmp_path / "two.xlsx"
    r1 = subprocess.run([sys.executable, "-m", "xl_jixiao", "consolidate", str(inbox), "-o", str(out1),
                         "--jobs", "1", "--no-cache"], capture_output=True, text=True, timeout=300)
    r2 = subprocess.run([sys.executable, "-m", "xl_jixiao", "consolidate", str(inbox), "-o", str(out2),
                         "--jobs", "2", "--no-cache"], capture_output=True, text=True, timeout=300)
    assert r1.returncode == r2.returncode == 1, r2.stderr
    s1, s2 = parse_summary_line(r1.stdout), parse_summary_line(r2.stdout)
    s1.pop("seconds"), s2.pop("seconds")
    assert s1 == s2
    # progress goes to stderr as plain lines when not a terminal
    assert "已处理" in r2.stderr and "\r" not in r2.stderr
    wb1, wb2 = openpyxl.load_workbook(out1), openpyxl.load_workbook(out2)
    for name in ("汇总", "项目明细", "指标明细", "问题清单"):
        assert rows(wb1[name]) == rows(wb2[name]), name


def test_results_are_made_and_stored_only_when_they_are_kept(tmp_path, base_books):
    from xl_jixiao.consolidate import worker
    from xl_jixiao.pipeline import FileResult

    path = str(base_books["a"])
    try:
        worker.init_worker(None, results=False)
        kind, blob, rec = worker.process((path, "甲.xlsx", None))
        assert kind == "result" and blob == b""
        worker.init_worker(None, results=True)
        kind, blob2, rec2 = worker.process((path, "甲.xlsx", None))
    finally:
        worker.init_worker(None)
    rec2.seconds = rec.seconds
    assert rec2 == rec  # the summary's record does not depend on it
    assert FileResult.from_bytes(blob2).submission.unit_name == rec.unit_name

    # without a cache the caller's kept results still come back whole, in any number of reading processes
    inbox = tmp_path / "in"
    inbox.mkdir()
    for key in ("a", "b", "c"):
        shutil.copy(base_books[key], inbox / f"{key}.xlsx")
    for jobs in (1, 2):
        res = consolidate([inbox], tmp_path / f"out{jobs}.xlsx", jobs=jobs, use_cache=False, progress=False,
                          keep_results=True)
        kept = res.file_results()
        assert [r.submission.unit_name for r in kept] == [make_submission(i).unit_name for i in (1, 2, 3)]
        assert all(r.findings is not None and r.sha256 for r in kept)

    # with a cache: a run that does not keep them stores the records alone; one that keeps them reads the files
    # whose results are not stored (in the reading processes), stores them, and the next one takes them from it
    from xl_jixiao.consolidate import engine
    from xl_jixiao.consolidate.cache import Cache, cache_path_for, stored_results

    out = tmp_path / "汇总表.xlsx"

    def stored() -> dict[str, bytes]:
        return stored_results(cache_path_for(out), engine.code_fingerprint(None))

    res = consolidate([inbox], out, jobs=2, progress=False)
    assert res.stats.read == 3 and res.results == [] and stored() == {}
    for jobs in (2, 1):
        res = consolidate([inbox], out, jobs=jobs, progress=False, keep_results=True)
        assert (res.stats.read, res.stats.cached) == ((3, 0) if jobs == 2 else (0, 3))
        kept = res.file_results()
        assert [r.submission.unit_name for r in kept] == [make_submission(i).unit_name for i in (1, 2, 3)]
        assert sorted(stored()) == sorted(r.sha256 for r in kept)
    # a file that changes loses its stored result with the next run that reads it, kept or not
    shutil.copy(base_books["a"], inbox / "c.xlsx")
    res = consolidate([inbox], out, jobs=1, progress=False)
    assert (res.stats.read, res.stats.cached) == (1, 2)
    cache = Cache(cache_path_for(out), engine.code_fingerprint(None))
    try:
        assert not Cache.has_result(cache.result_paths(), str(inbox / "c.xlsx"))
        assert Cache.has_result(cache.result_paths(), str(inbox / "b.xlsx"))
    finally:
        cache.close()
    assert len(stored()) == 2


def test_detail_is_split_past_the_row_limit(tmp_path, inbox):
    out = tmp_path / "汇总表.xlsx"
    res = consolidate([inbox], out, jobs=1, use_cache=False, progress=False, max_rows=7)
    wb = openpyxl.load_workbook(out)
    parts = [n for n in wb.sheetnames if n.startswith("指标明细")]
    assert parts[:3] == ["指标明细", "指标明细2", "指标明细3"]
    total = 0
    for n in parts:
        ws = wb[n]
        assert ws.max_row <= 7
        assert ws["A1"].value == "单位名称"
        total += ws.max_row - 1
    assert total == res.stats.indicators
    finding_parts = [n for n in wb.sheetnames if n.startswith("问题清单")]
    assert sum(wb[n].max_row - 1 for n in finding_parts) == sum(
        1 for n in finding_parts for r in range(2, wb[n].max_row + 1))
    # order: 汇总, project parts, indicator parts, finding parts, 文件清单, 统计
    assert wb.sheetnames[0] == "汇总" and wb.sheetnames[-2:] == ["文件清单", "统计"]


def test_output_is_atomic(tmp_path, inbox, monkeypatch):
    from xl_jixiao.consolidate import summary

    out = tmp_path / "汇总表.xlsx"
    out.write_bytes(b"previous summary")

    def boom(self):
        raise KeyboardInterrupt

    monkeypatch.setattr(summary.SummaryWriter, "finish", boom)
    with pytest.raises(KeyboardInterrupt):
        consolidate([inbox], out, jobs=1, progress=False)
    assert out.read_bytes() == b"previous summary"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".~xl-jixiao-")]


def test_exit_codes(tmp_path, capsys, base_books):
    junk = tmp_path / "junk"
    junk.mkdir()
    (junk / "a.txt").write_text("x")
    (junk / "~$b.xlsx").write_bytes(b"x")
    out = tmp_path / "out.xlsx"
    code, s, err = run_cli(capsys, junk, "-o", out)
    assert code == 2 and s["units"] == "0" and s["failed"] == "1" and s["skipped"] == "1"
    assert out.exists()  # the file list still says what happened

    assert main(["consolidate", str(tmp_path / "missing"), "-o", str(out)]) == 2
    assert "找不到" in capsys.readouterr().err
    assert main(["consolidate", str(junk), "-o", str(tmp_path / "out.csv")]) == 2
    assert main(["consolidate", str(junk), "-o", str(out), "--jobs", "0"]) == 2
    with pytest.raises(SystemExit) as exc:
        main(["consolidate", str(junk)])  # -o is required
    assert exc.value.code == 2

    good = tmp_path / "good"
    good.mkdir()
    shutil.copy(base_books["c"], good / "c.xlsx")
    code, s, _ = run_cli(capsys, good, "-o", tmp_path / "g.xlsx", "--jobs", "1")
    expected = 1 if int(s["errors"]) else 0
    assert code == expected and s["units"] == "1"


def test_the_summary_is_not_read_back_as_an_input(tmp_path, base_books, capsys):
    d = tmp_path / "in"
    d.mkdir()
    shutil.copy(base_books["a"], d / "a.xlsx")
    out = d / "汇总表.xlsx"
    run_cli(capsys, d, "-o", out, "--jobs", "1")
    _, s, _ = run_cli(capsys, d, "-o", out, "--jobs", "1")
    assert s["units"] == "1" and s["failed"] == "0"
    files = {r["文件"]: r for r in table(openpyxl.load_workbook(out)["文件清单"])}
    assert files["汇总表.xlsx"]["结果"] == "跳过"
    assert files["汇总表.xlsx.jxcache.sqlite"]["结果"] == "跳过"


def test_a_fully_cached_run_loads_neither_readers_nor_rules(tmp_path, base_books):
    """Nothing to read (and no unit twice): the cached records and the rule titles the cache remembers make
    the whole summary."""
    inbox = tmp_path / "收件箱"
    inbox.mkdir()
    for key in ("a", "b", "c", "inject"):
        shutil.copy(base_books[key], inbox / f"{key}.xlsx")
    out = tmp_path / "汇总表.xlsx"
    script = ("import json, sys\nfrom xl_jixiao.consolidate import consolidate\n"
              f"r = consolidate([{str(inbox)!r}], {str(out)!r}, jobs=2, progress=False)\n"
              "print(json.dumps([r.stats.cached, sorted(m for m in sys.modules if m.startswith(("
              "'xl_jixiao.readers', 'xl_jixiao.rules', 'xl_jixiao.model', 'multiprocessing')))]))")

    def run() -> tuple[int, list[str]]:
        p = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
        assert p.returncode == 0, p.stderr
        return tuple(json.loads(p.stdout.splitlines()[-1]))

    cached, loaded = run()
    assert cached == 0 and "xl_jixiao.rules.registry" in loaded
    first = rows(openpyxl.load_workbook(out)["统计"])
    assert any(isinstance(r[0], str) and r[0].startswith("JX") and " " in r[0] for r in first)
    cached, loaded = run()
    assert cached == 4 and loaded == []
    assert rows(openpyxl.load_workbook(out)["统计"]) == first


def test_statistics_sheet_has_native_charts(tmp_path, inbox):
    out = tmp_path / "汇总表.xlsx"
    consolidate([inbox], out, jobs=1, use_cache=False, progress=False)
    with zipfile.ZipFile(out) as z:
        charts = [n for n in z.namelist() if n.startswith("xl/charts/chart")]
        assert len(charts) == 3
        xml = " ".join(z.read(n).decode("utf-8") for n in charts)
    assert "barChart" in xml and "各单位资金来源" in xml and "各类指标数量" in xml and "各规则发现的问题数" in xml
    wb = openpyxl.load_workbook(out)
    ws = wb["统计"]
    assert len(ws._charts) == 3
    labels = [r[0] for r in rows(ws)]
    assert "项目" in labels and "一级指标" in labels and "规则" in labels
    # rule names beside codes; projects' and 部门整体's categories in two series
    rule_labels = [v for v in labels if isinstance(v, str) and v.startswith("JX")]
    assert rule_labels and all(len(v.split(" ", 1)) == 2 for v in rule_labels), rule_labels
    head = next(r for r in rows(ws) if r[0] == "一级指标")
    assert head[1:3] == ("项目指标数", "部门整体指标数")
    assert 'tickLblSkip val="1"' in xml  # every unit and rule labelled
    # each chart starts and ends within one printed section (page breaks between sections)
    breaks = [b.id for b in ws.row_breaks.brk]
    assert len(breaks) == 3
    for chart in ws._charts:
        top, bottom = chart.anchor._from.row, chart.anchor.to.row
        assert not any(top < b < bottom for b in breaks)
    for name in ("项目明细", "指标明细", "问题清单", "文件清单"):
        assert wb[name].freeze_panes == "A2" and wb[name].auto_filter.ref, name
    summary = wb["汇总"]
    assert summary.freeze_panes == "A4" and summary.auto_filter.ref.startswith("A3:")
    assert summary["A1"].value.endswith("预算绩效目标汇总表")
    assert summary["A2"].value.startswith("编制单位：") and "编制日期：" in summary["K2"].value
    money = summary["G4"]
    assert money.number_format == "#,##0.00"
    for sheet in wb.worksheets:  # every sheet prints deliberately
        assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.fitToWidth == 1, sheet.title
        assert "第 &P 页 共 &N 页" in sheet.oddFooter.center.text, sheet.title
    assert summary.print_title_rows == "$3:$3"


def test_same_unit_name_without_code_is_a_duplicate(tmp_path, base_books, capsys):
    from xl_jixiao.template import write_submission

    d = tmp_path / "in"
    d.mkdir()
    shutil.copy(base_books["noncode"], d / "x.xlsx")
    write_submission(make_submission(9, unit_name="测试单位5", unit_code=None, n_projects=1), d / "y.xlsx")
    write_submission(make_submission(8, unit_name="测试单位5", unit_code="9999", n_projects=1), d / "z.xlsx")
    out = tmp_path / "o.xlsx"
    run_cli(capsys, d, "-o", out, "--jobs", "1")
    dup = {(f["文件"], f["规则"]) for f in table(openpyxl.load_workbook(out)["问题清单"])}
    assert ("x.xlsx", "JX501") in dup and ("y.xlsx", "JX501") in dup and ("z.xlsx", "JX501") in dup


def test_non_template_workbook_goes_through_the_importer_or_is_explained(tmp_path, base_books, capsys):
    d = tmp_path / "in"
    d.mkdir()
    shutil.copy(base_books["a"], d / "a.xlsx")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["这是一张普通的表格"])
    ws.append(["姓名", "电话"])
    ws.append(["张三", "123"])
    wb.save(d / "普通表格.xlsx")
    out = tmp_path / "o.xlsx"
    run_cli(capsys, d, "-o", out, "--jobs", "1")
    files = {r["文件"]: r for r in table(openpyxl.load_workbook(out)["文件清单"])}
    row = files["普通表格.xlsx"]
    assert row["结果"] in ("已导入（非模板）", "无法读取")
    assert row["原因 / 说明"]
    codes = {(f["文件"], f["规则"]) for f in table(openpyxl.load_workbook(out)["问题清单"])}
    assert ("普通表格.xlsx", "JX503") in codes or ("普通表格.xlsx", "JX504") in codes


def test_configuration_applies_to_cross_file_and_file_findings(tmp_path, inbox, capsys):
    cfg = tmp_path / "地区配置.toml"
    cfg.write_text('[check]\nignore = ["JX502"]\n\n[severity]\nJX501 = "warning"\n', encoding="utf-8")
    out = tmp_path / "汇总表.xlsx"
    code, s, _ = run_cli(capsys, inbox, "-o", out, "--jobs", "1", "--config", cfg)
    findings = table(openpyxl.load_workbook(out)["问题清单"])
    assert not [f for f in findings if f["规则"] == "JX502"]
    dup = [f for f in findings if f["规则"] == "JX501"]
    assert dup and all(f["严重程度"] == "警告" for f in dup)
    assert [f for f in findings if f["规则"] == "JX504"]
    assert main(["consolidate", str(inbox), "-o", str(out), "--config", str(tmp_path / "无.toml")]) == 2


def _press_ctrl_c(*_args, **_kwargs):
    import signal

    os.kill(os.getpid(), signal.SIGINT)


def test_ctrl_c_while_the_summary_is_written_leaves_none(tmp_path, base_books, monkeypatch, capsys):
    from xl_jixiao.consolidate.summary import SummaryWriter

    out = tmp_path / "汇总表.xlsx"
    monkeypatch.setattr(SummaryWriter, "finish", _press_ctrl_c)
    assert main(["consolidate", str(base_books["a"]), str(base_books["c"]), "-o", str(out), "--jobs", "1"]) == 130
    assert "已中断" in capsys.readouterr().err
    assert not out.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".~xl-jixiao-")]


def test_ctrl_c_once_the_summary_is_in_place_still_finishes_the_run(tmp_path, base_books, monkeypatch, capsys):
    import signal

    from xl_jixiao.consolidate.cache import Cache

    out = tmp_path / "汇总表.xlsx"
    monkeypatch.setattr(Cache, "forget_missing", _press_ctrl_c)
    code = main(["consolidate", str(base_books["a"]), str(base_books["c"]), "-o", str(out), "--jobs", "1"])
    err = capsys.readouterr().err
    assert code != 130 and "已中断" not in err and "汇总表" in err
    assert openpyxl.load_workbook(out).sheetnames[0] == "汇总"
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # Ctrl-C works again afterwards


@pytest.mark.slow
def test_ctrl_c_leaves_no_half_written_summary(tmp_path, base_books):
    import signal
    import time

    d = tmp_path / "many"
    d.mkdir()
    # enough files that the interrupt lands while they are read, however fast reading gets
    for i in range(400):
        shutil.copy(base_books["a" if i % 2 else "c"], d / f"{i:03d}.xlsx")
    out = tmp_path / "汇总表.xlsx"
    proc = subprocess.Popen([sys.executable, "-m", "xl_jixiao", "consolidate", str(d), "-o", str(out),
                             "--jobs", "2"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 60
    while time.time() < deadline and not (tmp_path / "汇总表.xlsx.jxcache.sqlite").exists():
        time.sleep(0.05)
    time.sleep(0.3)
    proc.send_signal(signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=60)
    # 130, or killed by SIGINT (-2) — the same exit status 130 in a shell: CPython ends a process with
    # SIGINT itself when the interrupt landed in exec()'d source (dataclass creation while a module is
    # imported), even though the command caught it, said so and cleaned up
    if proc.returncode in (130, -signal.SIGINT):
        assert "已中断" in stderr
        assert not out.exists()
    else:  # it finished first: then it must be complete
        assert proc.returncode == 1 and openpyxl.load_workbook(out).sheetnames[0] == "汇总"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".~xl-jixiao-")]
    assert not [p for p in d.iterdir() if not p.name.endswith(".xlsx")]  # inputs untouched, nothing added
