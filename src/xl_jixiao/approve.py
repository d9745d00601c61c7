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
from collections.abc import Collection
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from xl_jixiao import printing
from xl_jixiao.cellref import column_letter
from xl_jixiao.config import Config
from xl_jixiao.errors import ReadError
from xl_jixiao.model import DeptBudget, Indicator, Project, Submission
from xl_jixiao.money import convert
from xl_jixiao.pipeline import OUTCOME_LABELS, FileResult, read_and_check

__all__ = ["approval_workbook", "write_approval", "load_for_approval", "load_results", "results_from_summary",
           "ApprovalBook", "Page"]

log = logging.getLogger(__name__)

SHOW_UNIT = "万元"
AMOUNT_FORMAT = printing.MONEY_FORMAT
WIDTHS = {"A": 13, "B": 15, "C": 16, "D": 36, "E": 18, "F": 16}
ONE_PAGE_ROWS = 40
"""Indicator rows that still print legibly when a project is shrunk onto one A4 page."""
NCOLS = 6
NOT_PASSED = "未通过审核"
NOT_PASSED_COLOR = "FF0000"

SUMMARY_SHEETS = ("项目明细", "指标明细")
_INVALID_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")

# ------------------------------------------------------------------ styles
# A cell's look is a font, an alignment and a number format, boxed (thin black borders) or not.  The few
# looks a 批复表 uses are numbered once per workbook (:class:`_Styles`); a cell carries only that number.
PLAIN, BOLD, TITLE, TITLE_NOT_PASSED = range(4)  # fonts
WRAP = '<alignment vertical="center" wrapText="1"/>'
CENTER = '<alignment horizontal="center" vertical="center" wrapText="1"/>'
LEFT_TOP = '<alignment horizontal="left" vertical="top" wrapText="1"/>'
RIGHT = '<alignment horizontal="right" vertical="center"/>'
_MONEY_FMT = 164
_BOXED = 1  # borderId of the thin black box


class _Styles:
    """The workbook's cell formats: each distinct (font, alignment, number format, boxed) once, in first-use order."""

    def __init__(self) -> None:
        self.index: dict[tuple, int] = {(PLAIN, None, 0, False): 0}

    def __call__(self, look: tuple | None, boxed: bool) -> int:
        key = (*(look or (PLAIN, None, 0)), boxed)
        n = self.index.get(key)
        if n is None:
            n = self.index[key] = len(self.index)
        return n

    def xml(self) -> str:
        from xl_jixiao.consolidate.xlsx import font_xml, stylesheet, xml_attr

        fonts = [font_xml(), font_xml(bold=True), font_xml(16, heading=True),
                 font_xml(16, heading=True, bold=True, color=NOT_PASSED_COLOR)]
        side = '<{0} style="thin"><color rgb="FF000000"/></{0}>'
        borders = ('<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border><border>'
                   + "".join(side.format(s) for s in ("left", "right", "top", "bottom")) + "<diagonal/></border></borders>")
        xfs = []
        for font, align, fmt, boxed in self.index:
            attrs = (' applyNumberFormat="1"' if fmt else "") + (' applyFont="1"' if font else "") \
                + (' applyBorder="1"' if boxed else "") + (' applyAlignment="1"' if align else "")
            xfs.append(f'<xf numFmtId="{fmt}" fontId="{font}" fillId="0" borderId="{_BOXED if boxed else 0}" xfId="0"'
                       + (f"{attrs}>{align}</xf>" if align else f"{attrs}/>"))
        return stylesheet(fonts, xfs, borders=borders, num_fmts=f'<numFmts count="1"><numFmt numFmtId="{_MONEY_FMT}" '
                                                                 f'formatCode={xml_attr(AMOUNT_FORMAT)}/></numFmts>')


# ------------------------------------------------------------------ cells
class Page:
    """One 批复表 sheet as laid out: values and looks by ``(row, column)`` (1-based, ``NCOLS`` columns), row
    heights, merged ranges, boxed row spans and how it prints.  :meth:`ApprovalBook.save` writes it."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.values: dict[tuple[int, int], object] = {}
        self.looks: dict[tuple[int, int], tuple] = {}
        self.heights: dict[int, float] = {}
        self.merges: list[str] = []
        self.boxes: list[tuple[int, int]] = []
        self.setup: printing.PageSetup | None = None
        self.not_passed = False

    def value(self, ref: str):
        return self.values.get(_pos(ref))

    @property
    def last_row(self) -> int:
        return max([r for r, _ in self.values] + [b for _, b in self.boxes] + list(self.heights), default=0)


def _pos(ref: str) -> tuple[int, int]:
    return int(ref[1:]), ord(ref[0]) - 64  # columns A–F only


def put(ws: Page, ref: str, value, *, bold: bool = False, align: str = WRAP, number_format: str | None = None,
        font: int | None = None) -> None:
    """Write a cell; text is always stored as text (never a formula)."""
    pos = _pos(ref)
    ws.values[pos] = value
    ws.looks[pos] = (font if font is not None else BOLD if bold else PLAIN, align,
                     _MONEY_FMT if number_format == AMOUNT_FORMAT else 0)


def amount(ws: Page, ref: str, value, invalid=None) -> None:
    """An amount cell: the figure in 万元 (two decimals shown), or the form's text when it was not a number."""
    if invalid is not None:
        put(ws, ref, str(invalid), align=RIGHT)
    else:
        put(ws, ref, value if value is not None else "", number_format=AMOUNT_FORMAT, align=RIGHT)


def merge(ws: Page, rng: str) -> None:
    """Merge a range: its first cell shows for all, the others are emptied (their borders come from a box)."""
    if ":" in rng:
        a, b = rng.split(":")
        if a != b:
            (r1, c1), (r2, c2) = _pos(a), _pos(b)
            for r in range(r1, r2 + 1):
                for c in range(c1, c2 + 1):
                    if (r, c) != (r1, c1):
                        ws.values.pop((r, c), None)
                        ws.looks.pop((r, c), None)
            ws.merges.append(rng)


def box(ws: Page, first_row: int, last_row: int) -> None:
    """Thin black borders round every cell of these rows (all ``NCOLS`` columns)."""
    ws.boxes.append((first_row, last_row))


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


def _setup_page(ws: Page, last_row: int, title: str, header_row: int, indicators: int) -> None:
    ws.setup = printing.PageSetup(
        title=title, landscape=False, fit_height=indicators <= ONE_PAGE_ROWS,
        title_rows=(header_row, header_row), area=f"A1:{column_letter(NCOLS)}{last_row}",
        margins=(0.5, 0.5, 0.7, 0.6),
        header_right=NOT_PASSED if ws.not_passed else "", header_right_color=NOT_PASSED_COLOR if ws.not_passed else None)


def _title(ws: Page, text: str) -> None:
    if ws.not_passed:
        put(ws, "A1", f"【{NOT_PASSED}】{text}", align=CENTER, font=TITLE_NOT_PASSED)
    else:
        put(ws, "A1", text, align=CENTER, font=TITLE)
    merge(ws, "A1:F1")
    ws.heights[1] = 32
    put(ws, "A2", f"单位：{SHOW_UNIT}", align=RIGHT)
    merge(ws, "A2:F2")


def _indicator_table(ws: Page, start: int, indicators: list[Indicator]) -> int:
    """Header at ``start``; returns the last row written."""
    put(ws, f"A{start}", "绩效指标", bold=True, align=CENTER)
    for col, text in zip("BCDEF", ("一级指标", "二级指标", "三级指标", "指标值", "说明")):
        put(ws, f"{col}{start}", text, bold=True, align=CENTER)
    r = start
    for ind in indicators:
        r += 1
        value = ind.value_text()
        put(ws, f"B{r}", ind.level1 or "", align=CENTER)
        put(ws, f"C{r}", ind.level2 or "", align=CENTER)
        put(ws, f"D{r}", ind.name or "")
        put(ws, f"E{r}", value or "", align=CENTER)
        put(ws, f"F{r}", ind.note or "")
        lines = max(printing.lines_needed(ind.name, WIDTHS["D"]), printing.lines_needed(ind.note, WIDTHS["F"]),
                    printing.lines_needed(value, WIDTHS["E"]), printing.lines_needed(ind.level2, WIDTHS["C"]))
        ws.heights[r] = printing.row_height(lines, 18.0)
    last = r
    if last > start:
        merge(ws, f"A{start}:A{last}")
        _merge_runs(ws, "B", start + 1, last, [(i.level1 or "",) for i in indicators])
        _merge_runs(ws, "C", start + 1, last, [(i.level1 or "", i.level2 or "") for i in indicators])
    box(ws, start, last)
    return last


def _merge_runs(ws: Page, col: str, first: int, last: int, keys: list[tuple]) -> None:
    i = 0
    n = len(keys)
    while i < n:
        j = i
        while j + 1 < n and keys[j + 1] == keys[i] and keys[i][-1]:
            j += 1
        if j > i:
            merge(ws, f"{col}{first + i}:{col}{first + j}")
        i = j + 1


def project_sheet(ws: Page, p: Project, sub: Submission, title: str) -> None:
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
    ws.heights[8] = max(h or 30, 30)
    for r in range(3, 8):
        ws.heights[r] = printing.row_height(max(
            printing.lines_needed(ws.value(f"B{r}"), WIDTHS["B"] + WIDTHS["C"]),
            printing.lines_needed(ws.value(f"E{r}"), WIDTHS["E"] + WIDTHS["F"])), 20.0)
    box(ws, 3, 8)
    last = _indicator_table(ws, 9, p.indicators)
    _setup_page(ws, last, title, 9, len(p.indicators))


def dept_sheet(ws: Page, d: DeptBudget, sub: Submission, title: str) -> None:
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
        ws.heights[r] = _height(d.functions, sum(WIDTHS[c] for c in "BCDEF")) or 30
        r += 1
    put(ws, f"A{r}", "总体目标", bold=True, align=CENTER)
    put(ws, f"B{r}", d.goal or "", align=LEFT_TOP)
    merge(ws, f"B{r}:F{r}")
    ws.heights[r] = max(_height(d.goal, sum(WIDTHS[c] for c in "BCDEF")) or 30, 30)
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
    pages: list[Page] = field(default_factory=list)
    units: list[str] = field(default_factory=list)

    @property
    def sheets(self) -> list[str]:
        return [p.name for p in self.pages]

    def save(self, path) -> Path:
        """Write the workbook atomically (a temporary file beside ``path``, then a rename); returns the path."""
        from xl_jixiao.template.io import write_file_atomic

        return write_file_atomic(path, self._write, ".xlsx")

    def _write(self, path: str) -> None:
        from xl_jixiao.consolidate.xlsx import Column, XlsxWriter

        styles = _Styles()
        book = XlsxWriter(path, kind="approval", title="绩效目标批复表")  # never counted as a unit in an inbox
        try:
            for page in self.pages:
                sheet = book.add_sheet(page.name, [Column("", w) for w in WIDTHS.values()] if page.setup else None)
                sheet.page = page.setup
                sheet.grid_lines = page.setup is None
                sheet.tab_color = NOT_PASSED_COLOR if page.not_passed else None
                boxed: set[int] = set()
                for a, b in page.boxes:
                    boxed.update(range(a, b + 1))
                values, looks, heights = page.values, page.looks, page.heights
                cols = range(1, NCOLS + 1)
                for r in range(1, page.last_row + 1):
                    inbox = r in boxed
                    sheet.append([values.get((r, c)) for c in cols],
                                 [styles(looks.get((r, c)), inbox) for c in cols], height=heights.get(r))
                sheet.merges.extend(page.merges)
            book.styles = styles.xml()
        except BaseException:
            for s in book.sheets:
                s.close()
            raise
        book.close()


def approval_workbook(subs: Submission | list[Submission], region: str | None = None,
                      not_passed: Collection[Submission] = ()) -> ApprovalBook:
    """The 批复表 sheets: per unit, 部门整体 (when present) then each project.  Every sheet of a unit in
    ``not_passed`` (one that has not passed review) says so in red: title, sheet tab and page header."""
    if isinstance(subs, Submission):
        subs = [subs]
    marked = {id(s) for s in not_passed}
    used: set[str] = set()
    out = ApprovalBook()
    many = len(subs) > 1
    for n, sub in enumerate(subs, start=1):
        reg = region_for(sub, region)
        year = f"{sub.budget_year}年" if sub.budget_year else ""
        prefix = f"{n}-" if many else ""
        out.units.append(sub.unit_name or "")
        if sub.dept is not None and not sub.dept.is_empty():
            ws = Page(sheet_title(prefix + "部门整体", used))
            ws.not_passed = id(sub) in marked
            dept_sheet(ws, sub.dept, sub, f"{reg}{year}部门整体支出绩效目标批复表")
            out.pages.append(ws)
        for p in sub.projects:
            ws = Page(sheet_title(prefix + (p.name or "项目"), used))
            ws.not_passed = id(sub) in marked
            project_sheet(ws, p, sub, f"{reg}{year}项目支出绩效目标批复表")
            out.pages.append(ws)
    if not out.pages:
        ws = Page("批复表")
        put(ws, "A1", "没有可批复的项目")
        out.pages.append(ws)
    return out


def write_approval(subs: Submission | list[Submission], path, region: str | None = None,
                   not_passed: Collection[Submission] = ()) -> Path:
    """Write the 批复表 workbook atomically; returns the path."""
    return approval_workbook(subs, region, not_passed).save(path)


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
    found: list[FileResult | None] = []
    to_read: list[tuple[int, str, str | None, Path]] = []  # (place in found, display, SHA-256 listed, source)
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
                res.display = display  # (files of the same content share one stored result)
            except Exception:  # noqa: BLE001 - a damaged entry: read the source instead
                res = None
        if res is None:
            target = links.get(f"{column_letter(c_file + 1)}{n}")
            src = _link_path(target, p.parent) if target else None
            if src is None or not src.is_file():
                missing.append(display)
                continue
            to_read.append((len(found), display, sha, src))
        found.append(res)
    if missing:
        shown = "、".join(missing[:5]) + (f"等 {len(missing)} 个文件" if len(missing) > 5 else "")
        raise ReadError(f"汇总表引用的源文件找不到：{shown}。请在汇总表原来的位置使用，或直接对源文件夹生成批复表",
                        file=str(p), sheet="文件清单")
    if to_read:  # the sources whose results the cache does not hold, read in parallel (supervised processes)
        from xl_jixiao.api import read_supervised
        from xl_jixiao.config import default_config

        for (i, display, sha, _), res in zip(to_read, read_supervised([t[3] for t in to_read],
                                                                        config or default_config())):
            res.display = display
            if sha and res.sha256 != sha:
                log.warning("%s 在汇总之后有改动，批复表按文件的当前内容生成", display)
            found[i] = res
    return [res for res in found if res is not None and res.usable]


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
    snap = None
    if p.suffix.lower() in (".xlsx", ".xlsm"):
        from xl_jixiao.config import default_config
        from xl_jixiao.inbox import guard

        snap = guard(p, (config or default_config()).limits)  # bounded: nothing unsafe reaches a parser
        if is_summary(dict.fromkeys(_sheet_names(snap.data))):
            return results_from_summary(p, config), "summary"
    res = read_and_check(p, config, snapshot=snap)  # the bytes read once, the sheets parsed once
    if not res.usable:
        raise ReadError(res.reason, file=str(p))
    return [res], res.reader or "template"


def _sheet_names(data: bytes) -> list[str]:
    """A workbook's sheet names (its cells are not parsed); none when it cannot be read."""
    import io

    import python_calamine as pc

    try:
        return list(pc.CalamineWorkbook.from_filelike(io.BytesIO(data)).sheet_names)
    except Exception:  # noqa: BLE001 - read_and_check reports why the file cannot be read
        return []


def load_for_approval(path: str | Path, config: Config | None = None) -> tuple[list[Submission], str]:
    """The submissions in ``path`` and how it was read (``summary``, ``folder``, ``template`` or ``legacy``)."""
    results, how = load_results(path, config)
    return [r.submission for r in results if r.submission is not None], how
