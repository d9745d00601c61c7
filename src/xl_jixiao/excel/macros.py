"""The macros behind the 绩效目标 ribbon, written once against ``xw.Book``.

Each macro takes an optional ``book``: by default the workbook that called it
(``xw.Book.caller()`` through ``RunPython`` on desktop Excel); xlwings
Server, its VBA remote client and xlwings Lite pass the ``xw.Book(json=…)``
they built.  Only operations every client replays are used: reading values,
writing values, fill colour, number format, adding/clearing sheets and
activating one.  Hyperlinks are written as ``HYPERLINK`` formulas inside the
one bulk value write, so they work on every client and cost nothing extra.

Large books stay fast: one ``.value`` read per sheet, one 2-D write per
result sheet, fills merged into as few rectangles as possible.

Fill colours cannot be read back portably, so 校验 remembers which cells it
coloured: their addresses are listed under 「已标记单元格」 in the 校验结果
sheet, and the next 校验 or 清除标记 resets exactly those cells (to no fill).
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from xl_jixiao.cellref import a1, parse_a1
from xl_jixiao.excel.live import book_folder, read_sheets
from xl_jixiao.model import Finding, Severity

RESULT_SHEET = "校验结果"
TOTALS_SHEET = "合计"
LOG_SHEET = "运行记录"
OWN_SHEETS = (RESULT_SHEET, TOTALS_SHEET, LOG_SHEET)

SEVERITY_COLORS = {
    Severity.ERROR: "#FFC7CE",
    Severity.WARNING: "#FFEB9C",
    Severity.INFO: "#DDEBF7",
}
HEADER_COLOR = "#D9D9D9"
OK_COLOR = "#C6EFCE"
MONEY_FORMAT = "#,##0.00"

RESULT_HEADER = ("序号", "严重程度", "规则", "工作表", "单元格", "项目", "问题", "当前值", "建议", "规则说明", "状态", "跳转")
MARKS_HEADER = "已标记单元格"
"""Header of the bookkeeping column that lists every cell 校验 coloured."""
MARKS_COLUMN = len(RESULT_HEADER) + 2  # one blank column after the table
RESULT_HEADER_ROW = 4
FOLDER_LABELS = ("汇总文件夹", "汇总目录")


def _caller(book):
    """``book``, or the workbook that called the macro; either way nothing is
    imported from its folder afterwards (see :mod:`.safety`)."""
    from xl_jixiao.excel.safety import drop_workbook_paths

    if book is None:
        import xlwings as xw

        book = xw.Book.caller()
    drop_workbook_paths(book)
    return book


# ---------------------------------------------------------------- small helpers

class Formula(str):
    """A formula this module writes on purpose (never escaped)."""


def _text(v: object) -> object:
    """A value safe to write: text never becomes a formula."""
    if isinstance(v, Formula):
        return str(v)
    if isinstance(v, str) and v[:1] in ("=", "+", "-", "@") and not _is_number(v):
        return "'" + v
    if isinstance(v, Decimal):
        return float(v)
    return v


def _is_number(s: str) -> bool:
    try:
        float(s)
        return True
    except ValueError:
        return False


def _hyperlink(sheet: str, cell: str, label: str = "跳转") -> Formula:
    """A link to ``sheet!cell`` that works in every Excel client (a HYPERLINK formula)."""
    target = "#'" + sheet.replace("'", "''") + "'!" + cell
    return Formula(f'=HYPERLINK("{target.replace(chr(34), chr(34) * 2)}","{label.replace(chr(34), chr(34) * 2)}")')


def _pad(rows: list[list[object]]) -> list[list[object]]:
    width = max((len(r) for r in rows), default=1)
    return [list(r) + [None] * (width - len(r)) for r in rows]


def _sheet(book, name: str):
    for s in book.sheets:
        if s.name == name:
            return s
    return None


def _fresh_sheet(book, name: str):
    """``name`` emptied (values, fills, formats), or added after the last sheet."""
    sheet = _sheet(book, name)
    if sheet is not None:
        sheet.clear()
        return sheet
    return book.sheets.add(name=name, after=book.sheets[len(book.sheets) - 1])


def _write(sheet, top_left: tuple[int, int], rows: list[list[object]]) -> None:
    if rows:
        sheet.range(top_left).value = _pad([[_text(v) for v in r] for r in rows])


def fill_rectangles(cells: dict[tuple[int, int], str | None]) -> list[tuple[int, int, int, int, str | None]]:
    """Cover ``cells`` with few rectangles of one fill each: (row1, col1, row2, col2, colour).

    Horizontal runs of equal colour in a row are merged first, then equal runs in
    consecutive rows, so a header row, a severity column or a block of marked
    cells each become one rectangle.
    """
    by_color: dict[str | None, dict[int, list[int]]] = {}
    for (r, c), color in cells.items():
        by_color.setdefault(color, {}).setdefault(r, []).append(c)
    rects: list[tuple[int, int, int, int, str | None]] = []
    for color in sorted(by_color, key=lambda x: x or ""):
        open_runs: dict[tuple[int, int], list[int]] = {}  # (c0, c1) -> [row0, row1]
        for r in sorted(by_color[color]):
            cols = sorted(set(by_color[color][r]))
            segments = []
            start = prev = cols[0]
            for c in cols[1:]:
                if c != prev + 1:
                    segments.append((start, prev))
                    start = c
                prev = c
            segments.append((start, prev))
            for seg in segments:
                run = open_runs.get(seg)
                if run is not None and run[1] == r - 1:
                    run[1] = r
                else:
                    if run is not None:
                        rects.append((run[0], seg[0], run[1], seg[1], color))
                    open_runs[seg] = [r, r]
        for (c0, c1), (r0, r1) in open_runs.items():
            rects.append((r0, c0, r1, c1, color))
    return sorted(rects, key=lambda t: (t[0], t[1], t[4] or ""))


def fill_cells(sheet, cells: dict[tuple[int, int], str | None]) -> int:
    """Set the fill of ``cells`` ((row, col) → ``#RRGGBB``, or ``None`` for no fill).

    Uses ``Range.color`` on a few rectangles: the one fill operation every
    xlwings client replays (desktop Excel, xlwings Server's VBA, Office.js and
    Google Apps Script clients, xlwings Lite).  Returns the number of ranges.
    """
    rects = fill_rectangles(cells)
    for r0, c0, r1, c1, color in rects:
        sheet.range((r0, c0), (r1, c1)).color = color
    return len(rects)


def _try_fill(sheet, cells) -> bool:
    """Fill ``cells``; False when the client refuses (desktop Excel: a protected sheet
    that does not allow formatting).  Remote clients report such errors themselves."""
    try:
        fill_cells(sheet, cells)
        return True
    except Exception:  # noqa: BLE001 - COM raises its own error types
        return False


def severity_of_color(color: str | None) -> str:
    for sev, c in SEVERITY_COLORS.items():
        if color and c.lower() == str(color).lower():
            return sev.label
    return ""


# ---------------------------------------------------------------- bookkeeping of marks

def _previous_marks(book) -> dict[str, set[tuple[int, int]]]:
    """Cells coloured by the last 校验, read from the 校验结果 sheet (one read)."""
    sheet = _sheet(book, RESULT_SHEET)
    if sheet is None:
        return {}
    rows = sheet.used_range.options(ndim=2).value or []
    header_at = None
    for i, row in enumerate(rows):
        for j, v in enumerate(row):
            if v == MARKS_HEADER:
                header_at = (i, j)
                break
        if header_at:
            break
    marks: dict[str, set[tuple[int, int]]] = {}
    if header_at is None:
        return marks
    i0, j = header_at
    for row in rows[i0 + 1:]:
        v = row[j] if j < len(row) else None
        if not isinstance(v, str) or "!" not in v:
            if v in (None, ""):
                break
            continue
        sheet_name, cell = v.rsplit("!", 1)
        rc = parse_a1(cell)
        if rc:
            marks.setdefault(sheet_name, set()).add(rc)
    return marks


# ---------------------------------------------------------------- 校验

@dataclass
class ValidationResult:
    findings: list[Finding]
    marked: dict[tuple[str, str], Severity] = field(default_factory=dict)  # (sheet, A1) → severity
    cleared: int = 0
    status: str = ""
    error: str | None = None

    def counts(self) -> dict[Severity, int]:
        out = {s: 0 for s in Severity}
        for f in self.findings:
            if not f.suppressed:
                out[f.severity] += 1
        return out


def _explanations() -> dict[str, str]:
    try:
        from xl_jixiao.rules import all_rules
    except ImportError:
        return {}
    return {r.code: r.explanation() for r in all_rules()}


CONFIG_FILE = "xl_jixiao.toml"
"""A region's rule configuration placed beside the workbook is used by 校验."""


def _config_for(book, config):
    """``config`` as a Config: a path is loaded; by default ``xl_jixiao.toml`` beside the book."""
    from xl_jixiao.config import load_config

    if config is None:
        folder = book_folder(book)
        if folder is not None and (folder / CONFIG_FILE).is_file():
            return load_config(folder / CONFIG_FILE)
        return None
    if isinstance(config, (str, Path)):
        return load_config(config)
    return config


def _status_line(counts: dict[Severity, int], suppressed: int, marked: int) -> str:
    parts = "，".join(f"{s.label} {counts[s]} 项" for s in (Severity.ERROR, Severity.WARNING, Severity.INFO))
    extra = f"（另有已忽略 {suppressed} 项）" if suppressed else ""
    if not any(counts.values()):
        return f"校验通过：没有发现问题{extra}。"
    return f"校验完成：{parts}{extra}；已标记 {marked} 个单元格。"


def _status_color(counts: dict[Severity, int]) -> str:
    if counts[Severity.ERROR]:
        return SEVERITY_COLORS[Severity.ERROR]
    if counts[Severity.WARNING]:
        return SEVERITY_COLORS[Severity.WARNING]
    return OK_COLOR


def validate(book=None, config=None) -> ValidationResult:
    """校验: check the workbook, colour offending cells, (re)write the 校验结果 sheet.

    ``config`` is a :class:`~xl_jixiao.config.Config` or the path of a TOML file;
    by default ``xl_jixiao.toml`` beside the workbook when there is one.
    """
    from xl_jixiao.errors import UserError
    from xl_jixiao.pipeline import LiveSource, read_and_check

    book = _caller(book)
    previous = _previous_marks(book)
    live = read_sheets(book, skip=OWN_SHEETS)
    try:
        config = _config_for(book, config)
        checked = read_and_check(LiveSource(book.name, live.values, live.origins), config)
    except UserError as exc:
        result = ValidationResult([], status=f"无法校验：配置文件有误：{exc}", error=str(exc))
        _write_result_sheet(book, result, {})
        return result
    if not checked.usable:
        cleared = _reset_marks(book, previous)
        result = ValidationResult([], cleared=cleared, status=f"无法校验：{checked.reason}", error=checked.reason)
        _write_result_sheet(book, result, {})
        return result
    findings = sorted(checked.findings, key=lambda f: (f.severity.rank, f.sort_key()))

    sheet_names = set(live.values)
    worst: dict[tuple[str, tuple[int, int]], Severity] = {}
    for f in findings:
        if f.suppressed or not f.sheet or not f.cell or f.sheet not in sheet_names:
            continue
        rc = parse_a1(f.cell.split(":")[0])
        if rc is None:
            continue
        key = (f.sheet, rc)
        if key not in worst or f.severity.rank < worst[key].rank:
            worst[key] = f.severity

    fills: dict[str, dict[tuple[int, int], str | None]] = {}
    cleared = 0
    for sheet_name, cells in previous.items():
        if sheet_name not in sheet_names:
            continue
        for rc in cells:
            if (sheet_name, rc) not in worst:
                fills.setdefault(sheet_name, {})[rc] = None
                cleared += 1
    for (sheet_name, rc), sev in worst.items():
        fills.setdefault(sheet_name, {})[rc] = SEVERITY_COLORS[sev]
    refused: list[str] = []
    for sheet_name, sheet_fills in fills.items():
        if not _try_fill(_sheet(book, sheet_name), sheet_fills):
            refused.append(sheet_name)
    if refused:  # keep the list honest: nothing was coloured there
        worst = {k: v for k, v in worst.items() if k[0] not in refused}

    result = ValidationResult(
        findings,
        marked={(s, a1(*rc)): sev for (s, rc), sev in worst.items()},
        cleared=cleared,
    )
    counts = result.counts()
    suppressed = sum(1 for f in findings if f.suppressed)
    result.status = _status_line(counts, suppressed, len(worst))
    if refused:
        result.status += "（工作表「" + "」「".join(refused) + "」受保护且不允许设置单元格格式，未能着色）"
    _write_result_sheet(book, result, _explanations())
    return result


def _write_result_sheet(book, result: ValidationResult, explanations: dict[str, str]) -> None:
    sheet = _fresh_sheet(book, RESULT_SHEET)
    now = _dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    rows: list[list[object]] = [
        [result.status],
        [f"工作簿：{book.name}　校验时间：{now}　点击「跳转」列的链接定位到单元格；改正后再点「校验」刷新，点「清除标记」去掉底色。"],
        [],
        list(RESULT_HEADER) + [None, MARKS_HEADER],
    ]
    body: list[list[object]] = []
    for i, f in enumerate(result.findings, start=1):
        link = _hyperlink(f.sheet, f.cell.split(":")[0]) if f.sheet and f.cell else None
        body.append([
            i, f.severity.label, f.code, f.sheet, f.cell, f.project, f.message, f.value, f.suggestion,
            explanations.get(f.code, ""), "已忽略" if f.suppressed else "待处理", link,
        ])
    marks = [f"{s}!{a}" for (s, a) in sorted(result.marked, key=lambda k: (k[0], parse_a1(k[1])))]
    for k in range(max(len(body), len(marks))):
        row = body[k] if k < len(body) else [None] * len(RESULT_HEADER)
        rows.append(row + [None, marks[k] if k < len(marks) else None])
    if body:
        # Text columns stay text: Excel would turn a written "1/2" into a date, "00123" into 123.
        first, last = RESULT_HEADER_ROW + 1, RESULT_HEADER_ROW + len(body)
        sheet.range((first, 2), (last, RESULT_HEADER.index("跳转"))).number_format = "@"
    _write(sheet, (1, 1), rows)

    fills: dict[tuple[int, int], str | None] = {}
    for c in range(1, len(RESULT_HEADER) + 1):
        fills[(RESULT_HEADER_ROW, c)] = HEADER_COLOR
    fills[(RESULT_HEADER_ROW, MARKS_COLUMN)] = HEADER_COLOR
    counts = result.counts()
    fills[(1, 1)] = SEVERITY_COLORS[Severity.ERROR] if result.error else _status_color(counts)
    for i, f in enumerate(result.findings):
        if not f.suppressed:
            fills[(RESULT_HEADER_ROW + 1 + i, 2)] = SEVERITY_COLORS[f.severity]
    fill_cells(sheet, fills)
    sheet.activate()


# ---------------------------------------------------------------- 清除标记

def _reset_marks(book, marks: dict[str, set[tuple[int, int]]]) -> int:
    n = 0
    for sheet_name, cells in marks.items():
        sheet = _sheet(book, sheet_name)
        if sheet is None or not cells:
            continue
        if _try_fill(sheet, {rc: None for rc in cells}):
            n += len(cells)
    return n


@dataclass
class ClearResult:
    cleared: int
    status: str


def clear_marks(book=None) -> ClearResult:
    """清除标记: reset the fill of every cell the last 校验 coloured, empty the 校验结果 list."""
    book = _caller(book)
    marks = _previous_marks(book)
    n = _reset_marks(book, marks)
    status = f"已清除 {n} 个单元格的校验标记。" if n else "没有需要清除的校验标记。"
    if _sheet(book, RESULT_SHEET) is not None:
        sheet = _fresh_sheet(book, RESULT_SHEET)
        _write(sheet, (1, 1), [[status], ["再次点「校验」可重新检查。"]])
    return ClearResult(n, status)


# ---------------------------------------------------------------- 合计

@dataclass
class TotalsResult:
    projects: int
    total: Decimal
    mismatches: int
    dept_mismatches: int
    status: str
    rows: list[list[object]] = field(default_factory=list)


def _sum(values) -> Decimal:
    return sum((v for v in values if v is not None), Decimal(0))


def totals(book=None) -> TotalsResult:
    """合计: per-project funding totals and the fund check, the unit's budget balance,
    written to the 合计 sheet (one write) with money formats and check colours."""
    from xl_jixiao.config import default_config
    from xl_jixiao.errors import ReadError, UserError
    from xl_jixiao.readers import submission_from_sheets
    from xl_jixiao.rules.money_rules import DEPT_EQUATIONS, DEPT_LABELS, amount_tolerance

    book = _caller(book)
    live = read_sheets(book, skip=OWN_SHEETS)
    try:
        cfg = _config_for(book, None) or default_config()
        sub = submission_from_sheets(live.values, file=book.name, origins=live.origins)
    except (ReadError, UserError) as exc:
        sheet = _fresh_sheet(book, TOTALS_SHEET)
        status = f"无法计算合计：{getattr(exc, 'reason', exc)}"
        _write(sheet, (1, 1), [[status]])
        fill_cells(sheet, {(1, 1): SEVERITY_COLORS[Severity.ERROR]})
        return TotalsResult(0, Decimal(0), 0, 0, status)

    unit = sub.money_unit

    def tolerance(values: list[Decimal | None]) -> Decimal:  # the rules' tolerance (JX301/JX305/JX307)
        return amount_tolerance(cfg, unit, values)

    header: list[object] = ["序号", "项目名称", "年度资金总额", "财政拨款", "上年结转", "其他资金", "来源合计", "差额", "核对", "位置"]
    body: list[list[object]] = []
    checks: list[bool | None] = []
    for i, p in enumerate(sub.projects, start=1):
        f = p.funding
        sources = f.sources_sum()
        diff = None
        ok = None
        if f.total is not None:
            diff = f.total - sources
            ok = abs(diff) <= tolerance([f.total, f.fiscal, f.carryover, f.other])
        checks.append(ok)
        loc = p.location("total") or p.location()
        link = _hyperlink(loc.sheet, loc.cell, loc.cell) if loc and loc.sheet and loc.cell else None
        body.append([i, p.name, f.total, f.fiscal, f.carryover, f.other, sources, diff,
                     {True: "一致", False: "不一致", None: "缺少年度资金总额"}[ok], link])
    grand = [_sum(p.funding.total for p in sub.projects), _sum(p.funding.fiscal for p in sub.projects),
             _sum(p.funding.carryover for p in sub.projects), _sum(p.funding.other for p in sub.projects)]
    grand_sources = grand[1] + grand[2] + grand[3]
    body.append(["合计", f"{len(sub.projects)} 个项目", *grand, grand_sources, grand[0] - grand_sources, None, None])

    dept_rows: list[list[object]] = []
    dept_ok: list[bool] = []
    d = sub.dept
    if d is not None and not d.is_empty():
        def check(label, left_parts, right):
            if right is None or all(v is None for v in left_parts):
                return
            left = _sum(left_parts)
            diff = left - right
            ok = abs(diff) <= tolerance([*left_parts, right])
            dept_ok.append(ok)
            dept_rows.append([label, left, right, diff, "一致" if ok else "不一致"])

        for result_key, parts in DEPT_EQUATIONS:
            check(" + ".join(DEPT_LABELS[k] for k in parts) + f" = {DEPT_LABELS[result_key]}",
                  [getattr(d, k) for k in parts], getattr(d, result_key))
        check("收入预算合计 = 支出预算合计", [d.income_total], d.expense_total)
        if sub.projects and d.projects is not None:
            check("各项目年度资金总额之和 = 项目支出", [grand[0]], d.projects)

    mismatches = sum(1 for ok in checks if ok is False)
    dept_mismatches = sum(1 for ok in dept_ok if not ok)
    status = (f"合计（金额单位：{unit}）：{len(sub.projects)} 个项目，年度资金总额合计 {grand[0]:,.2f}；"
              f"资金来源核对不一致 {mismatches} 个项目")
    if dept_rows:
        status += f"；部门整体预算核对不一致 {dept_mismatches} 项"
    status += "。"

    rows: list[list[object]] = [[status], [], header, *body]
    dept_start = None
    if dept_rows:
        rows += [[], ["部门整体预算核对"], ["核对项目", "左边", "右边", "差额", "核对"]]
        dept_start = len(rows) + 1
        rows += dept_rows
    sheet = _fresh_sheet(book, TOTALS_SHEET)
    _write(sheet, (1, 1), rows)

    first, last = 4, 3 + len(body)
    sheet.range((first, 3), (last, 8)).number_format = MONEY_FORMAT
    fills: dict[tuple[int, int], str | None] = {(3, c): HEADER_COLOR for c in range(1, len(header) + 1)}
    fills[(1, 1)] = OK_COLOR if not (mismatches or dept_mismatches) else SEVERITY_COLORS[Severity.ERROR]
    for i, ok in enumerate(checks):
        if ok is not None:
            fills[(first + i, 9)] = OK_COLOR if ok else SEVERITY_COLORS[Severity.ERROR]
    for c in range(1, len(header) + 1):
        fills[(last, c)] = HEADER_COLOR
    if dept_start:
        sheet.range((dept_start, 2), (dept_start + len(dept_rows) - 1, 4)).number_format = MONEY_FORMAT
        for c in range(1, 6):
            fills[(dept_start - 1, c)] = HEADER_COLOR
        for i, ok in enumerate(dept_ok):
            fills[(dept_start + i, 5)] = OK_COLOR if ok else SEVERITY_COLORS[Severity.ERROR]
    fill_cells(sheet, fills)
    sheet.activate()
    return TotalsResult(len(sub.projects), grand[0], mismatches, dept_mismatches, status, rows)


# ---------------------------------------------------------------- 汇总 and 生成批复表

@dataclass
class RunResult:
    ok: bool
    status: str
    output: str | None = None
    details: list[list[object]] = field(default_factory=list)


def _setting(book, labels: tuple[str, ...]) -> str | None:
    """The value written right of (or below) a label such as 汇总文件夹, on any sheet."""
    live = read_sheets(book, skip=OWN_SHEETS)
    for rows in live.values.values():
        for i, row in enumerate(rows):
            for j, v in enumerate(row):
                if isinstance(v, str) and v.strip().rstrip("：:") in labels:
                    for cand in row[j + 1:]:
                        if isinstance(cand, str) and cand.strip():
                            return cand.strip()
                    if i + 1 < len(rows) and j < len(rows[i + 1]):
                        below = rows[i + 1][j]
                        if isinstance(below, str) and below.strip():
                            return below.strip()
    return None


def _log(book, title: str, result: RunResult) -> RunResult:
    sheet = _fresh_sheet(book, LOG_SHEET)
    now = _dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    rows: list[list[object]] = [[result.status], [f"{title}　{now}"]]
    if result.output:
        rows.append(["输出文件：", result.output])
    if result.details:
        rows.append([])
        rows += result.details
    _write(sheet, (1, 1), rows)
    fill_cells(sheet, {(1, 1): OK_COLOR if result.ok else SEVERITY_COLORS[Severity.ERROR]})
    sheet.activate()
    return result


def consolidate(book=None, folder: str | None = None, out: str | None = None) -> RunResult:
    """汇总: consolidate the folder named in the book (label 「汇总文件夹」; default: the
    book's own folder) into a summary workbook; reports where it went in 运行记录."""
    book = _caller(book)
    target = folder or _setting(book, FOLDER_LABELS)
    path = Path(target) if target else book_folder(book)
    if path is None:
        return _log(book, "汇总", RunResult(False, "无法汇总：不知道要汇总哪个文件夹。请在「单位信息」等工作表中写上"
                                           "「汇总文件夹」和文件夹路径，或把本工作簿保存到要汇总的文件夹中。"))
    if not path.is_dir():
        return _log(book, "汇总", RunResult(False, f"无法汇总：文件夹不存在：{path}"))
    try:
        from xl_jixiao import consolidate as cons
    except ImportError:
        return _log(book, "汇总", RunResult(False, "无法汇总：本机安装的 xl_jixiao 不含汇总功能，请升级。"))
    try:
        summary = _run_consolidation(cons, path, out)
    except Exception as exc:  # noqa: BLE001 - reported to the user in the workbook
        return _log(book, "汇总", RunResult(False, f"汇总失败：{exc}"))
    return _log(book, "汇总", summary)


def summary_path_for(folder: Path) -> Path:
    """Where the summary of ``folder`` goes: beside it, never inside it."""
    return folder.parent / f"{folder.name}_汇总表.xlsx"


def _run_consolidation(cons, folder: Path, out: str | None) -> RunResult:
    output = Path(out) if out else summary_path_for(folder)
    res = cons.consolidate([str(folder)], str(output), progress=False, log=lambda _msg: None)
    s = res.stats
    details: list[list[object]] = [["项目", "数量"]]
    for label, attr in (("文件", "files"), ("读取", "read"), ("缓存命中", "cached"), ("跳过", "skipped"),
                        ("无法读取", "failed"), ("旧表导入", "legacy"), ("单位", "units"),
                        ("错误", "errors"), ("警告", "warnings")):
        v = getattr(s, attr, None)
        if v is not None:
            details.append([label, v])
    ok = res.exit_code != 2
    status = (f"汇总完成：{folder} 中 {getattr(s, 'units', 0)} 个单位，错误 {getattr(s, 'errors', 0)} 项，"
              f"警告 {getattr(s, 'warnings', 0)} 项；汇总表：{res.output}") if ok else \
        f"汇总完成，但文件夹中没有可用的填报工作簿：{folder}；清单见 {res.output}"
    if ok:  # the same review round as `xl-jixiao review`, beside the summary
        from xl_jixiao.review import run_review

        review_dir = output.parent / f"{folder.name}_审核"
        rv = run_review(folder, review_dir, pdf=False)
        status += f"；{rv.round.summary()}审核结果：{review_dir}"
        details.append(["审核结果", str(review_dir)])
    return RunResult(ok, status, str(res.output), details)


def approve(book=None, out: str | None = None) -> RunResult:
    """生成批复表: the approval tables of this workbook's projects, saved beside it."""
    book = _caller(book)
    try:
        from xl_jixiao import approve as appr
    except ImportError:
        return _log(book, "生成批复表", RunResult(False, "无法生成批复表：本机安装的 xl_jixiao 不含批复表功能，请升级。"))
    from xl_jixiao.errors import UserError
    from xl_jixiao.pipeline import LiveSource, read_and_check

    live = read_sheets(book, skip=OWN_SHEETS)
    try:
        checked = read_and_check(LiveSource(book.name, live.values, live.origins), _config_for(book, None))
    except UserError as exc:
        return _log(book, "生成批复表", RunResult(False, f"无法生成批复表：配置文件有误：{exc}"))
    if checked.submission is None or not checked.usable:
        return _log(book, "生成批复表", RunResult(False, f"无法生成批复表：{checked.reason}"))
    sub = checked.submission
    folder = book_folder(book)
    if out is None:
        if folder is None:
            return _log(book, "生成批复表", RunResult(False, "无法生成批复表：请先把工作簿保存到磁盘（批复表保存在工作簿旁边）。"))
        out = str(folder / f"{Path(book.name).stem}_批复表.xlsx")
    try:
        res = appr.write_approval(sub, out)
    except Exception as exc:  # noqa: BLE001 - reported to the user in the workbook
        return _log(book, "生成批复表", RunResult(False, f"生成批复表失败：{exc}"))
    output = str(res) if isinstance(res, (str, Path)) else out
    return _log(book, "生成批复表", RunResult(True, f"已生成批复表：{output}（{len(sub.projects)} 个项目）", output))
