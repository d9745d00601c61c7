"""批复表: print-ready approval tables, one sheet per project (plus 部门整体).

The layout is the standard 批复表 (as the 黔南州 form shows it): title
``<地区><年度>年项目支出绩效目标批复表``, ``单位：万元``, a header block (一级项目名称 /
二级项目名称 / 主管部门 / 实施单位 / 项目编码 / 实施期 / 资金情况 in two columns / 年度总体目标)
and the indicator table 一级指标 / 二级指标 / 三级指标 / 指标值 / 说明 with merged 一级/二级
cells, borders, 宋体 with a 黑体 title.  Each project prints on one A4 page (a very long
indicator table continues on further pages with its header repeated).  Amounts are
shown in 万元 with two decimals; cells keep the exact amount.

Inputs: a submission (from a template workbook or a legacy form) or a
consolidated summary workbook (项目明细 / 指标明细 sheets), grouped per unit.
The 批复表 is itself a form: the legacy importer reads it back to the same model.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Side
from openpyxl.utils import get_column_letter

from xl_jixiao import printing
from xl_jixiao.errors import ReadError
from xl_jixiao.model import DeptBudget, Funding, Indicator, Project, Submission
from xl_jixiao.money import convert, parse_amount

__all__ = ["approval_workbook", "write_approval", "load_for_approval", "submissions_from_summary", "ApprovalBook"]

SHOW_UNIT = "万元"
AMOUNT_FORMAT = printing.MONEY_FORMAT
WIDTHS = {"A": 13, "B": 15, "C": 16, "D": 36, "E": 18, "F": 16}
ONE_PAGE_ROWS = 40
"""Indicator rows that still print legibly when a project is shrunk onto one A4 page."""
NCOLS = 6

_THIN = Side(style="thin", color="000000")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
WRAP = Alignment(wrap_text=True, vertical="center")
CENTER = Alignment(wrap_text=True, vertical="center", horizontal="center")
LEFT_TOP = Alignment(wrap_text=True, vertical="top", horizontal="left")
BOLD = printing.font(bold=True)
TITLE_FONT = printing.font(heading=True, size=16)

SUMMARY_SHEETS = ("项目明细", "指标明细")
_INVALID_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


# ------------------------------------------------------------------ cells
def put(ws, ref: str, value, *, bold: bool = False, align: Alignment = WRAP, number_format: str | None = None):
    """Write a cell; text is always stored as text (never a formula)."""
    cell = ws[ref]
    if isinstance(value, str):
        cell.value = value
        cell.data_type = "s"  # a text beginning with '=' stays text
    else:
        cell.value = value
    if number_format:
        cell.number_format = number_format
    cell.alignment = align
    if bold:
        cell.font = BOLD
    return cell


def amount(ws, ref: str, value, invalid=None) -> None:
    """An amount cell: the figure in 万元 (two decimals shown), or the form's text when it was not a number."""
    right = Alignment(horizontal="right", vertical="center")
    if invalid is not None:
        put(ws, ref, str(invalid), align=right)
    else:
        put(ws, ref, value if value is not None else "", number_format=AMOUNT_FORMAT, align=right)


def merge(ws, rng: str) -> None:
    if ":" in rng:
        a, b = rng.split(":")
        if a != b:
            ws.merge_cells(rng)


def box(ws, first_row: int, last_row: int, ncols: int = NCOLS) -> None:
    for row in ws.iter_rows(min_row=first_row, max_row=last_row, min_col=1, max_col=ncols):
        for c in row:
            c.border = BORDER


def _height(text: str | None, chars_per_line: float) -> float | None:
    if not text:
        return None
    return max(18.0, printing.row_height(printing.lines_needed(text, chars_per_line)))


def amount_wan(value: Decimal | None, unit: str) -> Decimal | None:
    return convert(value, unit, SHOW_UNIT) if value is not None else None


def region_for(sub: Submission, region: str | None = None) -> str:
    if region:
        return region
    from xl_jixiao.readers.recognise import region_from_unit

    for name in (sub.supervisor, sub.unit_name):
        if name:
            r = region_from_unit(re.sub(r"^\s*[0-9A-Za-z]+\s*[-－—]\s*", "", name))
            if r:
                return r
    return ""


def sheet_title(text: str, used: set[str]) -> str:
    base = _INVALID_SHEET_CHARS.sub("", (text or "项目").strip()).strip("'") or "项目"
    base = base[:31]
    name, n = base, 2
    while name.lower() in used:
        suffix = f"({n})"
        name = base[: 31 - len(suffix)] + suffix
        n += 1
    used.add(name.lower())
    return name


def _setup_page(ws, last_row: int, title: str, header_row: int, indicators: int) -> None:
    for col, w in WIDTHS.items():
        ws.column_dimensions[col].width = w
    printing.apply(ws, printing.PageSetup(
        title=title, landscape=False, fit_height=indicators <= ONE_PAGE_ROWS,
        title_rows=(header_row, header_row), area=f"A1:{get_column_letter(NCOLS)}{last_row}",
        margins=(0.5, 0.5, 0.7, 0.6)))
    ws.sheet_view.showGridLines = False


def _title(ws, text: str) -> None:
    put(ws, "A1", text, align=CENTER)
    ws["A1"].font = TITLE_FONT
    merge(ws, "A1:F1")
    ws.row_dimensions[1].height = 32
    put(ws, "A2", f"单位：{SHOW_UNIT}", align=Alignment(horizontal="right", vertical="center"))
    merge(ws, "A2:F2")


def _indicator_table(ws, start: int, indicators: list[Indicator]) -> int:
    """Header at ``start``; returns the last row written."""
    put(ws, f"A{start}", "绩效指标", bold=True, align=CENTER)
    for col, text in zip("BCDEF", ("一级指标", "二级指标", "三级指标", "指标值", "说明")):
        put(ws, f"{col}{start}", text, bold=True, align=CENTER)
    r = start
    for ind in indicators:
        r += 1
        put(ws, f"B{r}", ind.level1 or "", align=CENTER)
        put(ws, f"C{r}", ind.level2 or "", align=CENTER)
        put(ws, f"D{r}", ind.name or "")
        put(ws, f"E{r}", ind.value_text() or "", align=CENTER)
        put(ws, f"F{r}", ind.note or "")
        lines = max(printing.lines_needed(ind.name, WIDTHS["D"]), printing.lines_needed(ind.note, WIDTHS["F"]),
                    printing.lines_needed(ind.value_text(), WIDTHS["E"]), printing.lines_needed(ind.level2, WIDTHS["C"]))
        ws.row_dimensions[r].height = printing.row_height(lines, 18.0)
    last = r
    if last > start:
        merge(ws, f"A{start}:A{last}")
        _merge_runs(ws, "B", start + 1, last, [(i.level1 or "",) for i in indicators])
        _merge_runs(ws, "C", start + 1, last, [(i.level1 or "", i.level2 or "") for i in indicators])
    box(ws, start, last)
    return last


def _merge_runs(ws, col: str, first: int, last: int, keys: list[tuple]) -> None:
    i = 0
    n = len(keys)
    while i < n:
        j = i
        while j + 1 < n and keys[j + 1] == keys[i] and keys[i][-1]:
            j += 1
        if j > i:
            for r in range(first + i + 1, first + j + 1):
                ws[f"{col}{r}"].value = None
            merge(ws, f"{col}{first + i}:{col}{first + j}")
        i = j + 1


def project_sheet(ws, p: Project, sub: Submission, title: str) -> None:
    unit = p.funding.money_unit or sub.money_unit
    _title(ws, title)
    put(ws, "A3", "一级项目名称", bold=True, align=CENTER)
    put(ws, "B3", p.category or "")
    merge(ws, "B3:C3")
    put(ws, "D3", "二级项目名称", bold=True, align=CENTER)
    put(ws, "E3", p.name or "")
    merge(ws, "E3:F3")
    put(ws, "A4", "主管部门", bold=True, align=CENTER)
    put(ws, "B4", p.supervisor or sub.supervisor or "")
    merge(ws, "B4:C4")
    put(ws, "D4", "实施单位", bold=True, align=CENTER)
    put(ws, "E4", p.implementer or "")
    merge(ws, "E4:F4")
    put(ws, "A5", "项目编码", bold=True, align=CENTER)
    put(ws, "B5", p.code or "")
    merge(ws, "B5:C5")
    put(ws, "D5", "实施期", bold=True, align=CENTER)
    put(ws, "E5", p.period or "")
    merge(ws, "E5:F5")
    # 资金情况: two label/amount pairs a row, so the block has no empty half
    put(ws, "A6", "资金情况", bold=True, align=CENTER)
    merge(ws, "A6:A7")
    f = p.funding
    pairs = (("B6", "C6", "年度资金总额", "total"), ("D6", "E6", "其中：财政拨款", "fiscal"),
             ("B7", "C7", "上年结转", "carryover"), ("D7", "E7", "其他资金", "other"))
    for label_ref, value_ref, label, key in pairs:
        put(ws, label_ref, label)
        amount(ws, value_ref, amount_wan(getattr(f, key), unit), f.invalid.get(key))
    merge(ws, "E6:F6")
    merge(ws, "E7:F7")
    put(ws, "A8", "年度总体目标", bold=True, align=CENTER)
    put(ws, "B8", p.annual_goal or "", align=LEFT_TOP)
    merge(ws, "B8:F8")
    h = _height(p.annual_goal, sum(WIDTHS[c] for c in "BCDEF"))
    ws.row_dimensions[8].height = max(h or 30, 30)
    for r in range(3, 8):
        ws.row_dimensions[r].height = printing.row_height(max(
            printing.lines_needed(ws[f"B{r}"].value, WIDTHS["B"] + WIDTHS["C"]),
            printing.lines_needed(ws[f"E{r}"].value, WIDTHS["E"] + WIDTHS["F"])), 20.0)
    box(ws, 3, 8)
    last = _indicator_table(ws, 9, p.indicators)
    _setup_page(ws, last, title, 9, len(p.indicators))


def dept_sheet(ws, d: DeptBudget, sub: Submission, title: str) -> None:
    unit = d.money_unit or sub.money_unit
    _title(ws, title)
    put(ws, "A3", "单位名称", bold=True, align=CENTER)
    put(ws, "B3", sub.unit_name or "")
    merge(ws, "B3:F3")
    r = 4
    if d.functions:
        put(ws, f"A{r}", "部门职能", bold=True, align=CENTER)
        put(ws, f"B{r}", d.functions, align=LEFT_TOP)
        merge(ws, f"B{r}:F{r}")
        ws.row_dimensions[r].height = _height(d.functions, sum(WIDTHS[c] for c in "BCDEF")) or 30
        r += 1
    put(ws, f"A{r}", "总体目标", bold=True, align=CENTER)
    put(ws, f"B{r}", d.goal or "", align=LEFT_TOP)
    merge(ws, f"B{r}:F{r}")
    ws.row_dimensions[r].height = max(_height(d.goal, sum(WIDTHS[c] for c in "BCDEF")) or 30, 30)
    r += 1
    budget_first = r
    left = (("人员经费", d.personnel, "personnel"), ("公用经费", d.public, "public"), ("基本支出", d.basic, "basic"),
            ("项目支出", d.projects, "projects"), ("支出预算合计", d.expense_total, "expense_total"))
    right = (("当年财政拨款", d.fiscal, "fiscal"), ("上年结转", d.carryover, "carryover"), ("其他资金", d.other, "other"),
             ("收入预算合计", d.income_total, "income_total"), None)
    for (llabel, lval, lkey), rr in zip(left, right):
        put(ws, f"B{r}", llabel)
        amount(ws, f"C{r}", amount_wan(lval, unit), d.invalid.get(lkey))
        if rr is not None:
            rlabel, rval, rkey = rr
            put(ws, f"D{r}", rlabel)
            amount(ws, f"E{r}", amount_wan(rval, unit), d.invalid.get(rkey))
        merge(ws, f"E{r}:F{r}")
        r += 1
    put(ws, f"A{budget_first}", "预算情况", bold=True, align=CENTER)
    merge(ws, f"A{budget_first}:A{r - 1}")
    box(ws, 3, r - 1)
    last = _indicator_table(ws, r, d.indicators)
    _setup_page(ws, last, title, r, len(d.indicators))


# ------------------------------------------------------------------ workbook
@dataclass
class ApprovalBook:
    workbook: Workbook
    sheets: list[str] = field(default_factory=list)
    units: list[str] = field(default_factory=list)


def approval_workbook(subs: Submission | list[Submission], region: str | None = None) -> ApprovalBook:
    """A workbook of 批复表 sheets: per unit, 部门整体 (when present) then each project."""
    if isinstance(subs, Submission):
        subs = [subs]
    wb = Workbook()
    printing.use_house_fonts(wb)
    wb.remove(wb.active)
    used: set[str] = set()
    out = ApprovalBook(wb)
    many = len(subs) > 1
    for n, sub in enumerate(subs, start=1):
        reg = region_for(sub, region)
        year = f"{sub.budget_year}年" if sub.budget_year else ""
        prefix = f"{n}-" if many else ""
        out.units.append(sub.unit_name or "")
        if sub.dept is not None and not sub.dept.is_empty():
            ws = wb.create_sheet(sheet_title(prefix + "部门整体", used))
            dept_sheet(ws, sub.dept, sub, f"{reg}{year}部门整体支出绩效目标批复表")
            out.sheets.append(ws.title)
        for p in sub.projects:
            ws = wb.create_sheet(sheet_title(prefix + (p.name or "项目"), used))
            project_sheet(ws, p, sub, f"{reg}{year}项目支出绩效目标批复表")
            out.sheets.append(ws.title)
    if not wb.worksheets:
        ws = wb.create_sheet("批复表")
        put(ws, "A1", "没有可批复的项目")
        out.sheets.append(ws.title)
    return out


def write_approval(subs: Submission | list[Submission], path, region: str | None = None) -> Path:
    """Write the 批复表 workbook atomically; returns the path."""
    from xl_jixiao.template.io import save_atomic

    book = approval_workbook(subs, region)
    return save_atomic(book.workbook, path)


# ------------------------------------------------------------------ inputs
def is_summary(sheets: dict) -> bool:
    return all(any(name == s or (name.startswith(s) and name[len(s):].isdigit()) for name in sheets)
               for s in SUMMARY_SHEETS)


def _header_index(header: list, *names: str) -> int | None:
    texts = [re.sub(r"[（(].*?[)）]", "", str(h or "")).strip() for h in header]
    for n in names:
        if n in texts:
            return texts.index(n)
    return None


def _rows(sheets: dict, base: str) -> tuple[list, list[list]]:
    names = [n for n in sheets if n == base or (n.startswith(base) and n[len(base):].isdigit())]
    names.sort(key=lambda n: int(n[len(base):] or 1))
    header: list = []
    rows: list[list] = []
    for n in names:
        data = sheets[n]
        if not data:
            continue
        hi = next((i for i, r in enumerate(data[:10]) if "单位名称" in [str(c).strip() for c in r]), None)
        if hi is None:
            continue
        header = header or list(data[hi])
        rows.extend(data[hi + 1:])
    return header, rows


def _text(row: list, i: int | None) -> str | None:
    if i is None or i >= len(row):
        return None
    v = row[i]
    if v is None or v == "":
        return None
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return str(v).strip() or None


def _money(row: list, i: int | None) -> Decimal | None:
    if i is None or i >= len(row) or row[i] in (None, ""):
        return None
    a = parse_amount(row[i])
    return a.value if a.ok else None


def submissions_from_summary(sheets: dict, file: str | None = None) -> list[Submission]:
    """Rebuild per-unit submissions from a consolidated summary's 项目明细 / 指标明细 sheets."""
    ph, prows = _rows(sheets, "项目明细")
    ih, irows = _rows(sheets, "指标明细")
    if not ph:
        raise ReadError("汇总表中找不到「项目明细」的表头（单位名称…）", file=file, sheet="项目明细")
    money_unit = "万元"
    for h in ph:
        m = re.search(r"[（(](万元|元)[)）]", str(h or ""))
        if m:
            money_unit = m.group(1)
            break
    P = {k: _header_index(ph, *names) for k, names in {
        "unit": ("单位名称",), "unit_code": ("单位编码",), "code": ("项目编码",), "name": ("项目名称",),
        "category": ("项目类别",), "implementer": ("实施单位",), "period": ("实施期",),
        "total": ("年度资金总额",), "fiscal": ("财政拨款",), "carryover": ("上年结转",), "other": ("其他资金",),
        "purpose": ("资金用途",), "goal": ("年度绩效目标",), "supervisor": ("主管部门",), "year": ("预算年度",),
    }.items()}
    I = {k: _header_index(ih, *names) for k, names in {
        "unit": ("单位名称",), "unit_code": ("单位编码",), "code": ("项目编码",), "project": ("项目名称",),
        "level1": ("一级指标",), "level2": ("二级指标",), "name": ("三级指标",), "op": ("计算符号",),
        "value": ("指标值",), "unit_of_measure": ("计量单位",), "note": ("指标值说明",), "basis": ("取值依据",),
        "remark": ("备注",),
    }.items()} if ih else {}
    years: dict[str, int] = {}
    if "汇总" in sheets:
        data = sheets["汇总"]
        hi = next((i for i, r in enumerate(data[:10]) if "单位名称" in [str(c).strip() for c in r]), None)
        if hi is not None:
            uh = _header_index(data[hi], "单位名称")
            yh = _header_index(data[hi], "预算年度")
            for r in data[hi + 1:]:
                u, y = _text(r, uh), _text(r, yh)
                if u and y and y.isdigit():
                    years[u] = int(y)
    units: "OrderedDict[tuple, Submission]" = OrderedDict()
    projects: dict[tuple, Project] = {}
    for r in prows:
        unit = _text(r, P["unit"])
        name = _text(r, P["name"])
        if not unit and not name:
            continue
        key = (unit, _text(r, P["unit_code"]))
        sub = units.get(key)
        if sub is None:
            sub = Submission(unit_name=unit, unit_code=key[1], money_unit=money_unit,  # type: ignore[arg-type]
                             budget_year=years.get(unit or ""))
            units[key] = sub
        p = Project(code=_text(r, P["code"]), name=name, category=_text(r, P["category"]),
                    implementer=_text(r, P["implementer"]), period=_text(r, P["period"]),
                    purpose=_text(r, P["purpose"]), annual_goal=_text(r, P["goal"]),
                    supervisor=_text(r, P["supervisor"]),
                    funding=Funding(money_unit=money_unit, total=_money(r, P["total"]),  # type: ignore[arg-type]
                                    fiscal=_money(r, P["fiscal"]), carryover=_money(r, P["carryover"]),
                                    other=_money(r, P["other"])))
        sub.projects.append(p)
        projects.setdefault((key, p.code, p.name), p)
        projects.setdefault((key, None, p.name), p)
    for r in irows:
        if not I:
            break
        unit = _text(r, I["unit"])
        key = (unit, _text(r, I["unit_code"]))
        pname = _text(r, I["project"])
        if not (unit or pname):
            continue
        ind = Indicator(project=pname, level1=_text(r, I["level1"]), level2=_text(r, I["level2"]),
                        name=_text(r, I["name"]), op=_text(r, I["op"]), value=_text(r, I["value"]),
                        unit=_text(r, I["unit_of_measure"]), note=_text(r, I["note"]),
                        basis=_text(r, I["basis"]), remark=_text(r, I["remark"]))
        sub = units.get(key)
        if sub is None:
            sub = Submission(unit_name=unit, unit_code=key[1], money_unit=money_unit,  # type: ignore[arg-type]
                             budget_year=years.get(unit or ""))
            units[key] = sub
        if pname == "部门整体" and not _text(r, I["code"]):
            if sub.dept is None:
                sub.dept = DeptBudget(money_unit=money_unit)  # type: ignore[arg-type]
            sub.dept.indicators.append(ind)
            continue
        p = projects.get((key, _text(r, I["code"]), pname)) or projects.get((key, None, pname))
        if p is None:
            sub.unassigned_indicators.append(ind)
        else:
            p.indicators.append(ind)
    return list(units.values())


def load_for_approval(path) -> tuple[list[Submission], str]:
    """The submissions in ``path`` and how it was read (``summary``, ``template`` or ``legacy``)."""
    p = Path(path)
    if not p.exists():
        raise ReadError("文件不存在", file=str(p))
    if p.suffix.lower() in (".xlsx", ".xlsm", ".xls"):
        from xl_jixiao.readers import is_template, load_sheets, submission_from_sheets

        sheets = load_sheets(p)
        if is_summary(sheets):
            return submissions_from_summary(sheets, file=str(p)), "summary"
        if is_template(sheets):
            return [submission_from_sheets(sheets, file=str(p))], "template"
    from xl_jixiao.readers.legacy import read_legacy

    return [read_legacy(p)], "legacy"
