"""Measure the reader and the checker on hand-labelled real forms.

For each labelled workbook this runs the product exactly as ``xl-jixiao check`` does (default
configuration) and compares with the labels (``tests/data/real/labels.json`` by default):

* projects: labelled projects, and how many of them the product read with the exact annual total;
* indicators: labelled indicator rows (不适用 rows excluded), and how many the product recovered
  with the same name and value (whitespace ignored);
* sure defects: labelled defects, and how many the product reported (same code and cell or row,
  or same code in the same project when it points elsewhere);
* findings: everything the product reported, and how many are wrong — a finding is wrong when it
  matches a must-stay-silent entry, or matches neither a sure defect nor a tolerated entry.

The budget year comes from the labels (``budget_year``), as a consolidator passes it with ``--year``:
these forms do not state it.

    python benchmarks/real_forms.py                      # the workbooks in tests/data/real
    python benchmarks/real_forms.py --json               # machine-readable figures
    python benchmarks/real_forms.py --labels L.json --dir FOLDER   # another labelled folder
    python benchmarks/real_forms.py --list-wrong         # print each wrong finding and each missed defect

The label format is described in benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
import unicodedata
from collections import Counter
from dataclasses import asdict, dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DIR = REPO / "tests" / "data" / "real"
DEFAULT_LABELS = DEFAULT_DIR / "labels.json"
_CELL = re.compile(r"^\$?([A-Z]{1,3})\$?(\d+)$")
_SPACE = re.compile(r"\s+")
REVIEW_CODES = frozenset({"JX406", "JX407", "JX408", "JX409", "JX410", "JX411", "JX412"})
"""The reviewers' rules (政策依据, 测算依据, 年度目标 …) judge wording against a bureau's criteria; the labels
do not grade them, so they count as tolerated (neither found nor wrong) unless a label names them."""


def norm(text) -> str:
    return _SPACE.sub("", str(text or ""))


def cell_row(cell: str | None) -> int | None:
    m = _CELL.match(cell or "")
    return int(m.group(2)) if m else None


# ------------------------------------------------------------------ running the product


def product_config(budget_year: int | None):
    """The default configuration, with the budget year set the way ``xl-jixiao check --year`` sets it."""
    from xl_jixiao.config import load_config

    return load_config().with_overrides(budget_year=budget_year)


def run_product(path: Path, config):
    """(submission or None, findings) for one workbook, the way ``xl-jixiao check`` produces them."""
    import inspect

    import xl_jixiao

    read_and_check = getattr(xl_jixiao, "read_and_check", None)
    if read_and_check is not None:
        params = inspect.signature(read_and_check).parameters
        res = read_and_check(path, config=config) if "config" in params else read_and_check(path)
        sub = getattr(res, "submission", None)
        findings = getattr(res, "findings", None)
        if findings is not None:
            return sub, list(findings)
    from xl_jixiao.commands.check import check_files

    by_file, subs, _failed = check_files([path], config)
    return subs.get(str(path)), by_file.get(str(path), [])


def _sheet_of(project) -> str | None:
    for ref in (project.cells or {}).values():
        if ref is not None and ref.sheet:
            return ref.sheet
    for ind in project.indicators:
        for ref in (ind.cells or {}).values():
            if ref is not None and ref.sheet:
                return ref.sheet
    return None


def _value_text(ind) -> str:
    vt = getattr(ind, "value_text", None)
    return vt() if callable(vt) else (ind.value or "")


# ------------------------------------------------------------------ matching findings to labels


@dataclass
class Finding:
    code: str
    sheet: str | None
    cell: str | None
    row: int | None
    project: str | None
    value: str | None
    message: str

    @classmethod
    def of(cls, f) -> Finding:
        row = getattr(f, "row", None) or cell_row(getattr(f, "cell", None))
        return cls(f.code, f.sheet, f.cell, row, f.project, f.value, f.message or "")


class Matcher:
    def __init__(self, aliases: dict[str, list[str]]):
        self.aliases = aliases

    def _text(self, f: Finding, project_label: dict | None) -> str:
        text = f"{f.value or ''} {f.message}"
        if project_label is not None:
            for s in (project_label.get("name"), project_label.get("sheet")):
                if s:
                    text = text.replace(s, "")
        if f.project:
            text = text.replace(f.project, "")
        return text

    def located(self, e: dict, f: Finding, project_label: dict | None) -> bool:
        """Does the entry's location (cell, row(s), category) fit the finding?  Entries without one fit any."""
        if "category" in e:
            names = self.aliases.get(e["category"], [e["category"]])
            text = self._text(f, project_label)
            if not any(n in text for n in names):
                return False
        if "cell" in e or "row" in e or "rows" in e:
            rows = set(e.get("rows", ()))
            if "row" in e:
                rows.add(e["row"])
            if "cell" in e and f.cell == e["cell"]:
                return True
            return f.row is not None and f.row in rows
        return True

    @staticmethod
    def codes(e: dict) -> list[str]:
        return e["codes"] if "codes" in e else [e["code"]]

    def first(self, entries, f: Finding, project_label, located=True):
        for i, e in enumerate(entries):
            if f.code in self.codes(e) and (not located or self.located(e, f, project_label)):
                return i, e
        return None


@dataclass
class FileFigures:
    file: str
    projects: int = 0
    projects_read: int = 0
    exact_totals: int = 0
    indicators: int = 0
    indicators_recovered: int = 0
    sure_defects: int = 0
    defects_found: int = 0
    findings: int = 0
    wrong: int = 0
    tolerated: int = 0
    error: str | None = None
    wrong_list: list = field(default_factory=list)
    missed_list: list = field(default_factory=list)
    wrong_by_code: dict = field(default_factory=dict)
    found_by_code: dict = field(default_factory=dict)
    sure_by_code: dict = field(default_factory=dict)


def measure_file(label_file: dict, folder: Path, matcher: Matcher, config) -> FileFigures:
    fig = FileFigures(label_file["file"])
    projects = label_file["projects"]
    fig.projects = len(projects)
    fig.indicators = sum(len(p["indicators"]) for p in projects)
    fig.sure_defects = sum(len(p["defects"]) for p in projects)
    sure = Counter(d["code"] for p in projects for d in p["defects"])
    fig.sure_by_code = dict(sure)
    path = folder / label_file["file"]
    try:
        sub, raw_findings = run_product(path, config)
    except Exception as exc:  # noqa: BLE001 - a crash is a figure, not the end of the measurement
        fig.error = f"{type(exc).__name__}: {exc}"
        fig.missed_list = [(p["sheet"], d["code"], d.get("cell"), d["reason"]) for p in projects for d in p["defects"]]
        return fig

    # ---- projects and indicators
    by_sheet: dict[str, object] = {}
    by_code: dict[str, list] = {}
    for prod in (sub.projects if sub is not None else []):
        sheet = _sheet_of(prod)
        if sheet is not None:
            by_sheet.setdefault(sheet, prod)
        if prod.code:
            by_code.setdefault(norm(prod.code), []).append(prod)
    for p in projects:
        prod = by_sheet.get(p["sheet"])
        if prod is None:
            same = by_code.get(norm(p["code"]), [])
            prod = same[0] if len(same) == 1 else None
        if prod is None:
            continue
        fig.projects_read += 1
        total = getattr(getattr(prod, "funding", None), "total", None)
        try:
            if total is not None and Decimal(str(total)) == Decimal(p["total"]):
                fig.exact_totals += 1
        except InvalidOperation:
            pass
        got = Counter((norm(i.name), norm(_value_text(i))) for i in prod.indicators)
        for ind in p["indicators"]:
            key = (norm(ind["name"]), norm(ind["value"]))
            if got[key] > 0:
                got[key] -= 1
                fig.indicators_recovered += 1

    # ---- findings
    sheets = {p["sheet"]: p for p in projects}
    names = Counter(p["name"] for p in projects)
    file_silent = label_file.get("silent", [])
    file_tol = label_file.get("tolerated", [])
    found: set[tuple[int, int]] = set()
    wrong_codes: Counter = Counter()
    for raw in raw_findings:
        if getattr(raw, "suppressed", False):
            continue
        f = Finding.of(raw)
        fig.findings += 1
        idx = None
        if f.sheet in sheets:
            idx = projects.index(sheets[f.sheet])
        elif f.project and names[f.project] == 1:
            idx = next(i for i, p in enumerate(projects) if p["name"] == f.project)
        p = projects[idx] if idx is not None else None
        silent = (p["silent"] if p else []) + file_silent
        tol = (p["tolerated"] if p else []) + file_tol
        hit = matcher.first(silent, f, p)
        if hit:
            fig.wrong += 1
            wrong_codes[f.code] += 1
            fig.wrong_list.append((f.sheet, f.cell, f.code, f.message, "应保持沉默：" + hit[1]["reason"]))
            continue
        if p is not None:
            hit = matcher.first(p["defects"], f, p)
            if hit:
                found.add((idx, hit[0]))
                continue
        if matcher.first(tol, f, p) or f.code in REVIEW_CODES:
            fig.tolerated += 1
            continue
        if p is not None:
            hit = matcher.first(p["defects"], f, p, located=False)
            if hit:
                found.add((idx, hit[0]))
                continue
        fig.wrong += 1
        wrong_codes[f.code] += 1
        fig.wrong_list.append((f.sheet, f.cell, f.code, f.message, "没有对应的确定问题或可容忍项"))
    fig.defects_found = len(found)
    fig.wrong_by_code = dict(wrong_codes)
    fig.found_by_code = dict(Counter(projects[i]["defects"][j]["code"] for i, j in found))
    for i, p in enumerate(projects):
        for j, d in enumerate(p["defects"]):
            if (i, j) not in found:
                fig.missed_list.append((p["sheet"], d["code"], d.get("cell"), d["reason"]))
    return fig


def measure(labels_path: Path, folder: Path) -> tuple[list[FileFigures], float]:
    labels = json.loads(labels_path.read_text(encoding="utf-8"))
    matcher = Matcher(labels.get("category_aliases", {}))
    config = product_config(labels.get("budget_year"))
    start = time.perf_counter()
    figs = [measure_file(lf, folder, matcher, config) for lf in labels["files"]]
    return figs, time.perf_counter() - start


def totals(figs: list[FileFigures]) -> dict:
    keys = ("projects", "projects_read", "exact_totals", "indicators", "indicators_recovered", "sure_defects",
            "defects_found", "findings", "wrong", "tolerated")
    t = {k: sum(getattr(f, k) for f in figs) for k in keys}

    def pct(a, b):
        return round(100.0 * a / b, 1) if b else None

    t["exact_totals_pct"] = pct(t["exact_totals"], t["projects"])
    t["indicators_pct"] = pct(t["indicators_recovered"], t["indicators"])
    t["defects_found_pct"] = pct(t["defects_found"], t["sure_defects"])
    t["wrong_pct"] = pct(t["wrong"], t["findings"]) if t["findings"] else 0.0
    for name in ("sure_by_code", "found_by_code", "wrong_by_code"):
        c: Counter = Counter()
        for f in figs:
            c.update(getattr(f, name))
        t[name] = dict(sorted(c.items()))
    return t


def _fmt_pct(v) -> str:
    return "—" if v is None else f"{v:.1f}%"


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _row(cells: list[str], widths: list[int]) -> str:
    out = []
    for i, (c, w) in enumerate(zip(cells, widths)):
        pad = " " * max(w - _width(c), 0)
        out.append(c + pad if i == 0 else pad + c)
    return "  ".join(out)


WIDTHS = [34, 5, 9, 15, 15, 13]
HEAD = ["文件", "项目", "金额准确", "指标 应有/读出", "确定问题/查出", "报告/错报"]


def _cells(name, projects, exact, ind, ind_ok, sure, found, findings, wrong) -> list[str]:
    return [name, str(projects), str(exact), f"{ind}/{ind_ok}", f"{sure}/{found}", f"{findings}/{wrong}"]


def render(figs: list[FileFigures], seconds: float, list_wrong: bool = False) -> str:
    lines = [_row(HEAD, WIDTHS), "-" * (sum(WIDTHS) + 2 * (len(WIDTHS) - 1))]
    for f in figs:
        line = _row(_cells(f.file, f.projects, f.exact_totals, f.indicators, f.indicators_recovered, f.sure_defects,
                           f.defects_found, f.findings, f.wrong), WIDTHS)
        lines.append(line + (f"  读取失败：{f.error}" if f.error else ""))
    t = totals(figs)
    lines.append(lines[1])
    lines.append(_row(_cells("合计", t["projects"], t["exact_totals"], t["indicators"], t["indicators_recovered"],
                             t["sure_defects"], t["defects_found"], t["findings"], t["wrong"]), WIDTHS))
    lines.append("")
    lines.append(f"金额准确的项目  {_fmt_pct(t['exact_totals_pct'])}（{t['exact_totals']}/{t['projects']}）")
    lines.append(f"读出的指标行    {_fmt_pct(t['indicators_pct'])}（{t['indicators_recovered']}/{t['indicators']}）")
    lines.append(f"查出的确定问题  {_fmt_pct(t['defects_found_pct'])}（{t['defects_found']}/{t['sure_defects']}）")
    lines.append(f"错报            {_fmt_pct(t['wrong_pct'])}（{t['wrong']}/{t['findings']}，另有可容忍 {t['tolerated']}）")
    lines.append("按代码  确定问题 查出/应有："
                 + "  ".join(f"{c} {t['found_by_code'].get(c, 0)}/{n}" for c, n in t["sure_by_code"].items()))
    if t["wrong_by_code"]:
        lines.append("按代码  错报：" + "  ".join(f"{c} {n}" for c, n in t["wrong_by_code"].items()))
    lines.append(f"用时 {seconds:.1f} 秒")
    if list_wrong:
        for f in figs:
            for sheet, cell, code, msg, why in f.wrong_list:
                lines.append(f"错报  {f.file} | {sheet} | {cell} | {code} | {msg} —— {why}")
            for sheet, code, cell, reason in f.missed_list:
                lines.append(f"漏报  {f.file} | {sheet} | {cell} | {code} | {reason}")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="用人工标注的真实表格衡量读取与校验的准确度")
    ap.add_argument("--labels", type=Path, default=None, help="标注文件（默认 tests/data/real/labels.json）")
    ap.add_argument("--dir", type=Path, default=None, help="工作簿所在文件夹（默认为标注文件所在文件夹）")
    ap.add_argument("--json", action="store_true", help="输出 JSON")
    ap.add_argument("--list-wrong", action="store_true", help="逐条列出错报和漏报")
    args = ap.parse_args(argv)
    labels = args.labels or DEFAULT_LABELS
    folder = args.dir or labels.parent
    if not labels.exists():
        print(f"找不到标注文件：{labels}", file=sys.stderr)
        return 2
    figs, seconds = measure(labels, folder)
    if args.json:
        out = {"labels": str(labels), "dir": str(folder), "seconds": round(seconds, 2), "totals": totals(figs),
               "files": [{k: v for k, v in asdict(f).items() if k not in ("wrong_list", "missed_list")}
                         | ({"wrong_list": f.wrong_list, "missed_list": f.missed_list} if args.list_wrong else {})
                         for f in figs]}
        sys.stdout.write(json.dumps(out, ensure_ascii=False, indent=1) + "\n")
    else:
        sys.stdout.write(render(figs, seconds, args.list_wrong))
    return 0


if __name__ == "__main__":
    sys.exit(main())
