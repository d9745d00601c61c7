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

import logging
import os
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Side
from openpyxl.utils import get_column_letter

from xl_jixiao import printing
from xl_jixiao.cellref import column_letter
from xl_jixiao.config import Config
from xl_jixiao.errors import ReadError
from xl_jixiao.model import DeptBudget, Indicator, Project, Submission
from xl_jixiao.money import convert
from xl_jixiao.pipeline import OUTCOME_LABELS, FileResult, read_and_check

__all__ = ["approval_workbook", "write_approval", "load_for_approval", "load_results", "results_from_summary",
           "ApprovalBook"]

log = logging.getLogger(__name__)

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
    pairs = (("一级项目名称", p.category, "二级项目名称", p.name),
             ("主管部门", p.supervisor or sub.supervisor, "实施单位", p.implementer),
             ("项目编码", p.code, "实施期", p.period))
    for r, (left, left_value, right, right_value) in enumerate(pairs, start=3):
        put(ws, f"A{r}", left, bold=True, align=CENTER)
        put(ws, f"B{r}", left_value or "")
        merge(ws, f"B{r}:C{r}")
        put(ws, f"D{r}", right, bold=True, align=CENTER)
        put(ws, f"E{r}", right_value or "")
        merge(ws, f"E{r}:F{r}")
    # 资金情况: two label/amount pairs a row, so the block has no empty half
    put(ws, "A6", "资金情况", bold=True, align=CENTER)
    merge(ws, "A6:A7")
    f = p.funding
    amounts = (("B6", "C6", "年度资金总额", "total"), ("D6", "E6", "其中：财政拨款", "fiscal"),
               ("B7", "C7", "上年结转", "carryover"), ("D7", "E7", "其他资金", "other"))
    for label_ref, value_ref, label, key in amounts:
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
    from xl_jixiao.inbox import mark_workbook

    mark_workbook(wb, "approval")  # never counted as a unit when left in an inbox
    return out


def write_approval(subs: Submission | list[Submission], path, region: str | None = None) -> Path:
    """Write the 批复表 workbook atomically; returns the path."""
    from xl_jixiao.template.io import save_atomic

    book = approval_workbook(subs, region)
    return save_atomic(book.workbook, path)


# ------------------------------------------------------------------ inputs
#
# The 批复表 is written from :class:`~xl_jixiao.pipeline.FileResult`s.  A summary
# workbook is not parsed back into data: its 文件清单 names every source file
# (link and SHA-256); each one's result comes from the cache beside the summary
# when the content is unchanged, otherwise the source is read again through
# :func:`~xl_jixiao.pipeline.read_and_check`.

_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_NS_PKG = "{http://schemas.openxmlformats.org/package/2006/relationships}"


def is_summary(sheets: dict) -> bool:
    return "文件清单" in sheets and all(
        any(name == s or (name.startswith(s) and name[len(s):].isdigit()) for name in sheets) for s in SUMMARY_SHEETS)


def sheet_links(path: str | Path, sheet: str) -> dict[str, str]:
    """``{A1 reference: hyperlink target}`` of one sheet of an .xlsx file (read from the package itself)."""
    import posixpath
    import zipfile
    from xml.etree import ElementTree as ET

    with zipfile.ZipFile(path) as zf:
        book = ET.fromstring(zf.read("xl/workbook.xml"))
        rid = next((el.get(f"{_NS_REL}id") for el in book.iter(f"{_NS_MAIN}sheet") if el.get("name") == sheet), None)
        if rid is None:
            return {}
        rels = ET.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
        target = next((el.get("Target") for el in rels.iter(f"{_NS_PKG}Relationship") if el.get("Id") == rid), None)
        if not target:
            return {}
        part = posixpath.normpath(target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target))
        rels_part = posixpath.join(posixpath.dirname(part), "_rels", posixpath.basename(part) + ".rels")
        if rels_part not in zf.namelist():
            return {}
        targets = {el.get("Id"): el.get("Target") or "" for el in
                   ET.fromstring(zf.read(rels_part)).iter(f"{_NS_PKG}Relationship")}
        ws = ET.fromstring(zf.read(part))
        return {el.get("ref") or "": targets.get(el.get(f"{_NS_REL}id"), "") for el in ws.iter(f"{_NS_MAIN}hyperlink")
                if el.get(f"{_NS_REL}id") in targets}


def _link_path(target: str, base: Path) -> Path:
    from urllib.parse import unquote, urlparse

    target = target.split("#", 1)[0]
    if target.startswith("file:"):
        return Path(unquote(urlparse(target).path, errors="surrogateescape"))
    return (base / unquote(target, errors="surrogateescape")).resolve()


def results_from_summary(path: str | Path, config: Config | None = None) -> list[FileResult]:
    """The results of the usable files a summary workbook lists, in its order (see the note above)."""
    from xl_jixiao.consolidate.cache import cache_path_for, code_fingerprint, stored_results
    from xl_jixiao.readers import load_sheets
    from xl_jixiao.readers.template import cell_text

    p = Path(path).resolve()
    rows = load_sheets(p).get("文件清单") or []
    if not rows:
        raise ReadError("汇总表中没有「文件清单」，无法找到源文件", file=str(p), sheet="文件清单")
    header = [cell_text(v) or "" for v in rows[0]]
    try:
        c_file, c_result, c_sha = header.index("文件"), header.index("结果"), header.index("SHA-256")
    except ValueError:
        raise ReadError("「文件清单」的表头不是本工具生成的格式", file=str(p), sheet="文件清单") from None
    links = sheet_links(p, "文件清单")
    cached = stored_results(cache_path_for(p), code_fingerprint(config))
    out: list[FileResult] = []
    missing: list[str] = []
    for n, r in enumerate(rows[1:], start=2):
        r = list(r) + [None] * (len(header) - len(r))
        display, outcome, sha = cell_text(r[c_file]), cell_text(r[c_result]), cell_text(r[c_sha])
        if not display or outcome not in (OUTCOME_LABELS["template"], OUTCOME_LABELS["legacy"]):
            continue
        res = None
        if sha and sha in cached:
            try:
                res = FileResult.from_bytes(cached[sha])
            except Exception:  # noqa: BLE001 - a damaged entry: read the source instead
                res = None
        if res is None:
            target = links.get(f"{column_letter(c_file + 1)}{n}")
            src = _link_path(target, p.parent) if target else None
            if src is None or not src.is_file():
                missing.append(display)
                continue
            res = read_and_check(src, config, display=display)
            if sha and res.sha256 != sha:
                log.warning("%s 在汇总之后有改动，批复表按文件的当前内容生成", display)
        if res.usable:
            out.append(res)
    if missing:
        shown = "、".join(missing[:5]) + (f"等 {len(missing)} 个文件" if len(missing) > 5 else "")
        raise ReadError(f"汇总表引用的源文件找不到：{shown}。请在汇总表原来的位置使用，或直接对源文件夹生成批复表",
                        file=str(p), sheet="文件清单")
    return out


def load_results(path: str | Path, config: Config | None = None) -> tuple[list[FileResult], str]:
    """The results behind ``path`` and what it was: ``summary`` (a summary workbook), ``folder``,
    ``template`` or ``legacy``.  Raises :class:`ReadError` when nothing usable is there."""
    p = Path(path)
    if not os.path.lexists(p):
        raise ReadError("文件不存在", file=str(p))
    if p.is_dir():
        from xl_jixiao.api import check

        results = [r for r in check([p], config).results if r.usable]
        return results, "folder"
    if p.suffix.lower() in (".xlsx", ".xlsm"):
        from xl_jixiao.config import default_config
        from xl_jixiao.inbox import guard
        from xl_jixiao.readers import load_sheets

        snap = guard(p, (config or default_config()).limits)  # bounded: nothing unsafe reaches a parser
        try:
            names = dict.fromkeys(load_sheets(p, snap.data))
        except ReadError:
            names = {}
        if is_summary(names):
            return results_from_summary(p, config), "summary"
    res = read_and_check(p, config)
    if not res.usable:
        raise ReadError(res.reason, file=str(p))
    return [res], res.reader or "template"


def load_for_approval(path: str | Path, config: Config | None = None) -> tuple[list[Submission], str]:
    """The submissions in ``path`` and how it was read (``summary``, ``folder``, ``template`` or ``legacy``)."""
    results, how = load_results(path, config)
    return [r.submission for r in results if r.submission is not None], how
