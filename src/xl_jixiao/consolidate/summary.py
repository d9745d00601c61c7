"""The summary workbook: 汇总, 项目明细, 指标明细, 问题清单, 文件清单, 统计.

Detail rows are streamed as they arrive (one file at a time); only one compact
row per file is kept for the 汇总 and 文件清单 sheets, which are written at the
end together with the cross-file findings and the statistics.
"""

from __future__ import annotations

import datetime as _dt
import os
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from xl_jixiao import printing
from xl_jixiao.cellref import column_letter
from xl_jixiao.consolidate.chart import bar_chart
from xl_jixiao.consolidate.records import (
    DEPT_LEVEL1_PREFIX,
    FAILED,
    FINDING_COLUMNS,
    FINDING_LINK_COL,
    INDICATOR_COLUMNS,
    LEGACY,
    MONEY_UNIT,
    OUTCOME_LABELS,
    PROJECT_COLUMNS,
    SEVERITY_LABELS,
    SKIPPED,
    USABLE,
    FileRecord,
    finding_cells,
)
from xl_jixiao.consolidate.xlsx import (
    EXCEL_MAX_HYPERLINKS,
    EXCEL_MAX_ROWS,
    S_BAD,
    S_CELL,
    S_GOOD,
    S_HEADER,
    S_HEADING,
    S_INT,
    S_LINK,
    S_MONEY,
    S_NOTE,
    S_NOTE_RIGHT,
    S_TITLE,
    S_TOTAL,
    S_TOTAL_INT,
    S_TOTAL_MONEY,
    S_WRAP,
    S_WRAP_LINK,
    Column,
    Formula,
    Sheet,
    XlsxWriter,
    compress_rows,
    quote_sheet,
    split_fragment,
)
from xl_jixiao.dates import date_text

SHEET_SUMMARY = "汇总"
SHEET_PROJECTS = "项目明细"
SHEET_INDICATORS = "指标明细"
SHEET_FINDINGS = "问题清单"
SHEET_FILES = "文件清单"
SHEET_STATS = "统计"

STATUS_PASS = "通过"
STATUS_RETURN = "退回修改"

SUMMARY_COLUMNS = [
    Column("序号", 6, S_INT), Column("单位名称", 28), Column("单位编码", 12), Column("预算年度", 9),
    Column("文件", 30, S_WRAP_LINK), Column("项目数", 8, S_INT),
    Column(f"年度资金总额（{MONEY_UNIT}）", 15, S_MONEY), Column(f"财政拨款（{MONEY_UNIT}）", 14, S_MONEY),
    Column(f"上年结转（{MONEY_UNIT}）", 14, S_MONEY), Column(f"其他资金（{MONEY_UNIT}）", 14, S_MONEY),
    Column("指标数", 8, S_INT), Column("错误", 7, S_INT), Column("警告", 7, S_INT), Column("状态", 10),
    Column("读取方式", 12),
]

FILE_COLUMNS = [
    Column("序号", 6, S_INT), Column("文件", 40, S_LINK), Column("结果", 16), Column("原因 / 说明", 50),
    Column("单位名称", 24), Column("大小（字节）", 12, S_INT), Column("修改时间", 19), Column("来源", 10),
    Column("SHA-256", 20),
]

if TYPE_CHECKING:
    from xl_jixiao.model import Finding

OUTCOMES = {o: o for o in (*USABLE, SKIPPED, FAILED)}
"""A file's outcome as one shared string (a record's own copy is not kept once per file)."""

TOP_UNITS_IN_CHART = 30

STATS_LABEL_WIDTH = 34

SUMMARY_HEADER_ROW = 3
"""汇总: title in row 1, 编制单位 / 金额单位 / 编制日期 in row 2, the table's header in row 3."""

PAGE_ROWS = 44
"""Rows of default height on one landscape A4 page of 统计 (one page wide): a section with its chart
never runs past it, so no chart is cut by a page break."""


def page(title: str, header_row: int = 1) -> printing.PageSetup:
    """A listing sheet of the summary: landscape, one page wide, its header row on every page."""
    return printing.PageSetup(title=title, title_rows=(header_row, header_row))


@dataclass(slots=True)
class UnitRow:
    """What 汇总 and 统计 need of one usable file (its amounts kept as their Decimal text)."""

    file: FileRow
    budget_year: int | None
    n_projects: int
    money: str  # total, fiscal, carryover and other as Decimal text, tab-separated
    n_indicators: int
    errors: int
    warnings: int

    @property
    def amounts(self) -> tuple[Decimal, Decimal, Decimal, Decimal]:
        total, fiscal, carryover, other = self.money.split("\t")
        return Decimal(total), Decimal(fiscal), Decimal(carryover), Decimal(other)

    @property
    def path(self) -> str:
        return self.file.path

    @property
    def display(self) -> str:
        return self.file.display

    @property
    def unit_name(self) -> str | None:
        return self.file.unit_name

    @property
    def unit_code(self) -> str | None:
        return self.file.unit_code

    @property
    def outcome(self) -> str:
        return self.file.outcome

    @property
    def source(self) -> str:
        return self.file.source


@dataclass(slots=True)
class FileRow:
    """What 文件清单 needs of one file (and its unit's row, for a usable one)."""

    path: str
    display: str
    outcome: str
    reason: str
    unit_name: str | None
    size: int | None
    mtime_ns: int | None
    source: str
    sha256: str | None
    unit_code: str | None = None
    unit: UnitRow | None = None


@dataclass
class Stats:
    files: int = 0
    read: int = 0
    cached: int = 0
    skipped: int = 0
    failed: int = 0
    legacy: int = 0
    units: int = 0
    projects: int = 0
    indicators: int = 0
    errors: int = 0
    warnings: int = 0
    infos: int = 0
    passed: int = 0
    returned: int = 0
    total: Decimal = Decimal(0)
    fiscal: Decimal = Decimal(0)
    carryover: Decimal = Decimal(0)
    other: Decimal = Decimal(0)
    level1: dict = field(default_factory=dict)
    rules: dict = field(default_factory=dict)


class PartedSheet:
    """A detail sheet that continues on 指标明细2, 指标明细3 … past ``max_rows``."""

    def __init__(self, book: XlsxWriter, name: str, columns: list[Column], max_rows: int):
        if max_rows < 2:
            raise ValueError("max_rows must leave room for the header and one row")
        self.book = book
        self.name = name
        self.columns = columns
        self.max_rows = max_rows
        self.parts: list[Sheet] = []
        self._new_part()

    def _new_part(self) -> Sheet:
        name = self.name if not self.parts else f"{self.name}{len(self.parts) + 1}"
        sheet = self.book.add_sheet(name, self.columns, freeze_rows=1, autofilter=True)
        sheet.page = page(name)
        sheet.append_header()
        self.parts.append(sheet)
        return sheet

    @property
    def current(self) -> Sheet:
        return self.parts[-1]

    @property
    def names(self) -> list[str]:
        return [p.name for p in self.parts]

    def add(self, frag: bytes, n: int) -> list[tuple[Sheet, int, int]]:
        """Append a fragment of ``n`` rows; returns where they went: ``[(sheet, first_row, count), …]``."""
        if not n:
            return []
        room = self.max_rows - self.current.nrows
        if n <= room:
            return [(self.current, self.current.append_fragment(frag, n), n)]
        if n <= self.max_rows - 1:
            sheet = self._new_part()
            return [(sheet, sheet.append_fragment(frag, n), n)]
        rows = split_fragment(frag)
        out = []
        i = 0
        while i < len(rows):
            room = self.max_rows - self.current.nrows
            if room <= 0:
                self._new_part()
                continue
            piece = rows[i:i + room]
            out.append((self.current, self.current.append_fragment(compress_rows(piece), len(piece)), len(piece)))
            i += len(piece)
        return out

    def append(self, values) -> tuple[Sheet, int]:
        if self.current.nrows >= self.max_rows:
            self._new_part()
        return self.current, self.current.append(values)


_LINK_UNSAFE = re.compile("[%#\\:?\x00-\x1f\x7f\ud800-\udfff]")


def _escape_link(text: str) -> str:
    r"""A path as a link target: characters that would change what the link means (``%``, ``#``, ``\\``,
    ``:``, ``?``, control characters) and the bytes of a name that is not UTF-8 percent-encoded, so a file
    named ``javascript:…``, ``file:…`` or ``\\host\share\…`` is a file in the folder, never a scheme or a share."""
    def enc(m: re.Match) -> str:
        return "".join(f"%{b:02X}" for b in m.group(0).encode("utf-8", "surrogateescape"))

    return _LINK_UNSAFE.sub(enc, text)


def _file_url(path: str) -> str:
    p = Path(path).resolve()
    text = p.as_posix()
    if not text.startswith("/"):
        drive, rest = text[:2], text[2:]
        if drive[1:] == ":":  # C:/… keeps its drive colon
            return "file:///" + drive + _escape_link(rest)
        text = "/" + text
    return "file://" + _escape_link(text)


def _in_sheet(target: str, sheet: str | None, cell: str | None) -> str:
    """A link to a file, to ``cell`` (``A1`` when none) on ``sheet`` when there is one."""
    return target + "#" + quote_sheet(sheet) + "!" + (cell or "A1") if sheet else target


class SummaryWriter:
    """Writes the summary workbook to ``tmp_path``; links are made relative to ``output``'s folder."""

    def __init__(self, tmp_path: str | os.PathLike, output: str | os.PathLike,
                 max_rows: int = EXCEL_MAX_ROWS, absolute_links: bool = False, issuer: str | None = None,
                 date: _dt.date | None = None):
        self.output = Path(output).resolve()
        self.out_dir = self.output.parent
        self.absolute_links = absolute_links
        self.issuer = issuer
        self.date = date or _dt.date.today()
        self.book = XlsxWriter(tmp_path)
        self.summary = self.book.add_sheet(SHEET_SUMMARY, SUMMARY_COLUMNS, freeze_rows=SUMMARY_HEADER_ROW,
                                           autofilter=True, header_row=SUMMARY_HEADER_ROW)
        self.projects = PartedSheet(self.book, SHEET_PROJECTS, PROJECT_COLUMNS, max_rows)
        self.indicators = PartedSheet(self.book, SHEET_INDICATORS, INDICATOR_COLUMNS, max_rows)
        # one hyperlink per finding: keep each part within Excel's hyperlinks-per-sheet limit
        self.findings = PartedSheet(self.book, SHEET_FINDINGS, FINDING_COLUMNS,
                                    min(max_rows, EXCEL_MAX_HYPERLINKS))
        self.max_rows = max_rows
        self.units: list[UnitRow] = []
        self.files: list[FileRow] = []
        self.stats = Stats()
        self._folders: dict[str, str] = {}  # a folder → its link target relative to the output's folder
        self.rule_titles: dict[str, str] | None = None
        """Each rule code's title, when the caller knows them (else they come from the rule catalogue)."""

    # -- links
    def file_link(self, path: str, sheet: str | None = None, cell: str | None = None) -> str:
        return _in_sheet(self._file_target(path), sheet, cell)

    def _file_target(self, path: str) -> str:
        if self.absolute_links:
            return _file_url(path)
        # built from the path this run resolved itself, never from text inside a file; the folder's part is
        # worked out once per folder (a run's files live in a few folders)
        folder, name = os.path.split(path)
        rel = self._folders.get(folder)
        if rel is None:
            try:
                rel = os.path.relpath(folder, self.out_dir).replace(os.sep, "/")
            except ValueError:  # another drive
                return _file_url(path)
            rel = "" if rel == "." else _escape_link(rel) + "/"
            if len(self._folders) < 4096:
                self._folders[folder] = rel
        return rel + _escape_link(name)

    # -- streaming input
    def add_skipped(self, path: str, display: str, reason: str) -> None:
        self.stats.files += 1
        self.stats.skipped += 1
        self.files.append(FileRow(path, display, SKIPPED, reason, None, _size(path), _mtime(path), "—", None))

    def add(self, rec: FileRecord, source: str) -> None:
        """Add one file's record; ``source`` is ``本次读取`` or ``缓存``."""
        st = self.stats
        st.files += 1
        if source == "缓存":
            st.cached += 1
        else:
            st.read += 1
        row = FileRow(rec.path, rec.display, OUTCOMES.get(rec.outcome, rec.outcome), rec.reason,
                      rec.unit_name, rec.size, rec.mtime_ns, source, rec.sha256)
        self.files.append(row)
        if rec.usable:
            if rec.outcome == LEGACY:
                st.legacy += 1
            self.projects.add(rec.projects_frag, rec.projects_n)
            self.indicators.add(rec.indicators_frag, rec.indicators_n)
            row.unit_code = rec.unit_code
            row.unit = UnitRow(row, rec.budget_year, rec.n_projects, "\t".join((rec.total, rec.fiscal, rec.carryover, rec.other)),
                               rec.n_indicators, rec.errors, rec.warnings)
            self.units.append(row.unit)
            st.projects += rec.n_projects
            st.indicators += rec.n_indicators
            for k, v in rec.level1_counts.items():
                st.level1[k] = st.level1.get(k, 0) + v
        elif rec.outcome == SKIPPED:  # one of this tool's own outputs, recognised when read
            st.skipped += 1
        else:
            st.failed += 1
        st.errors += rec.errors
        st.warnings += rec.warnings
        st.infos += rec.infos
        for k, v in rec.rule_counts.items():
            st.rules[k] = st.rules.get(k, 0) + v
        placed = self.findings.add(rec.findings_frag, rec.findings_n)
        links = iter(rec.finding_links)
        file_target = self._file_target(rec.path) if placed else ""
        for sheet, first, count in placed:
            for r in range(first, first + count):
                link = next(links, None)
                target = _in_sheet(file_target, *(link or (None, None)))
                sheet.add_hyperlink(r, FINDING_LINK_COL, target, "打开源工作簿中的这个单元格" if link else "打开源文件")

    def add_finding(self, index: int, f: Finding) -> None:
        """A finding made here (cross-file rules) for the file at ``index`` in arrival order."""
        fr = self.files[index]
        unit = fr.unit
        sev = f.severity.value
        sheet, r = self.findings.append(finding_cells(fr.unit_name, fr.display, f))
        sheet.add_hyperlink(r, FINDING_LINK_COL, self.file_link(fr.path, f.sheet, f.cell),
                            "打开源工作簿中的这个单元格" if f.sheet else "打开源文件")
        key = f"{f.code}|{sev}"
        self.stats.rules[key] = self.stats.rules.get(key, 0) + 1
        if sev == "error":
            self.stats.errors += 1
            if unit:
                unit.errors += 1
        elif sev == "warning":
            self.stats.warnings += 1
            if unit:
                unit.warnings += 1

    # -- the end
    def finish(self) -> Stats:
        st = self.stats
        self._write_summary()
        self._write_files()
        titles = self.rule_titles if self.rule_titles is not None else catalogue_titles(self.rule_codes())
        self._write_stats(titles)
        order = [SHEET_SUMMARY, *self.projects.names, *self.indicators.names, *self.findings.names,
                 SHEET_FILES, SHEET_STATS]
        self.book.order(order)
        self.book.close()
        st.units = len(self.units)
        return st

    def abort(self) -> None:
        for s in self.book.sheets:
            s.close()

    def title(self) -> str:
        years = [u.budget_year for u in self.units if u.budget_year]
        year = max(set(years), key=years.count) if years else None
        return f"{year}年预算绩效目标汇总表" if year else "预算绩效目标汇总表"

    def _write_summary(self) -> None:
        sh = self.summary
        st = self.stats
        ncols = len(SUMMARY_COLUMNS)
        title = self.title()
        sh.append([title], [S_HEADING], height=30)
        sh.merge(1, 1, 1, ncols)
        note: list[object] = [None] * ncols
        note[0] = f"编制单位：{self.issuer or ''}"
        note[6] = f"金额单位：{MONEY_UNIT}"
        note[10] = f"编制日期：{date_text(self.date)}"
        sh.append(note, [S_NOTE] * 10 + [S_NOTE_RIGHT] * (ncols - 10), height=20)
        sh.merge(2, 1, 2, 6)
        sh.merge(2, 7, 2, 10)
        sh.merge(2, 11, 2, ncols)
        sh.append_header()
        sh.page = page(title, SUMMARY_HEADER_ROW)
        styles = [c.style for c in SUMMARY_COLUMNS]
        widths = {1: SUMMARY_COLUMNS[1].width, 4: SUMMARY_COLUMNS[4].width}
        for n, u in enumerate(self.units, start=1):
            status = STATUS_PASS if u.errors == 0 else STATUS_RETURN
            if status == STATUS_PASS:
                st.passed += 1
            else:
                st.returned += 1
            note_text = "旧表导入" if u.outcome == LEGACY else ""
            source = u.source + ("，" + note_text if note_text else "")
            amounts = u.amounts
            values = [n, u.unit_name, u.unit_code, u.budget_year, u.display, u.n_projects, *amounts,
                      u.n_indicators, u.errors, u.warnings, status, source]
            lines = max(printing.lines_needed(values[i], w) for i, w in widths.items())
            r = sh.append(values, styles[:13] + [S_GOOD if status == STATUS_PASS else S_BAD, S_CELL],
                          height=printing.row_height(lines) if lines > 1 else None)
            sh.add_hyperlink(r, 5, self.file_link(u.path), "打开单位工作簿")
            st.total += amounts[0]
            st.fiscal += amounts[1]
            st.carryover += amounts[2]
            st.other += amounts[3]
        last = sh.nrows
        first = SUMMARY_HEADER_ROW + 1

        def total(col: int, value):
            letter = column_letter(col)
            if last < first:
                return value
            return Formula(f"SUM({letter}{first}:{letter}{last})", value)

        sh.append(["合计", f"{len(self.units)} 个单位", None, None, None,
                   total(6, st.projects), total(7, st.total), total(8, st.fiscal), total(9, st.carryover),
                   total(10, st.other), total(11, st.indicators), total(12, sum(u.errors for u in self.units)),
                   total(13, sum(u.warnings for u in self.units)),
                   f"通过 {st.passed} / 退回 {st.returned}", None],
                  [S_TOTAL, S_TOTAL, S_TOTAL, S_TOTAL, S_TOTAL, S_TOTAL_INT, S_TOTAL_MONEY, S_TOTAL_MONEY,
                   S_TOTAL_MONEY, S_TOTAL_MONEY, S_TOTAL_INT, S_TOTAL_INT, S_TOTAL_INT, S_TOTAL, S_TOTAL])
        sh.filter_last_row = max(last, SUMMARY_HEADER_ROW)  # the filter stops above the totals row

    def _write_files(self) -> None:
        sh = self.book.add_sheet(SHEET_FILES, FILE_COLUMNS, freeze_rows=1, autofilter=True)
        sh.page = page(SHEET_FILES)
        sh.append_header()
        for n, f in enumerate(self.files, start=1):
            when = (_dt.datetime.fromtimestamp(f.mtime_ns / 1e9).strftime("%Y-%m-%d %H:%M:%S")
                    if f.mtime_ns else None)
            r = sh.append([n, f.display, OUTCOME_LABELS.get(f.outcome, f.outcome), f.reason or None, f.unit_name,
                           f.size, when, f.source, f.sha256])
            sh.add_hyperlink(r, 2, self.file_link(f.path), "打开文件")

    def rule_codes(self) -> set[str]:
        """The codes of the rules whose findings are counted so far."""
        return {key.split("|", 1)[0] for key in self.stats.rules}

    def _write_stats(self, rule_titles: dict[str, str]) -> None:
        """Sections one below the other, each a table on the left (A–E) and its chart on the right
        (G–Q) starting on the same row; a page break after each section, so no chart is cut."""
        st = self.stats
        sh = self.book.add_sheet(SHEET_STATS, [Column("项目", STATS_LABEL_WIDTH), Column("数值", 16), Column("", 14),
                                               Column("", 14), Column("", 14)])
        breaks: list[int] = []

        def section(title: str, head: list[str], rows: list[tuple[list, list[int]]],
                    chart=None, chart_rows: int = 0) -> None:
            """``chart(first_data_row, last_data_row) -> xml`` is drawn beside the table."""
            if sh.nrows:
                breaks.append(sh.nrows)
            top = sh.nrows  # 0-based row of the section's title
            sh.append([title], [S_TITLE], height=22)
            widths = [c.width for c in sh.columns]
            lines = max(printing.lines_needed(text, w) for text, w in zip(head, widths))
            h = sh.append(head, [S_HEADER] * len(head), height=printing.row_height(lines) if lines > 1 else None)
            for values, styles in rows:
                lines = printing.lines_needed(values[0], STATS_LABEL_WIDTH)
                sh.append(values, [S_WRAP, *styles[1:]], height=printing.row_height(lines) if lines > 1 else None)
            if chart is not None and rows:
                height = min(PAGE_ROWS - 1, max(chart_rows, 16))
                sh.add_chart(chart(h + 1, h + len(rows)), (6, top, 17, top + height))
                while sh.nrows < top + height + 1:
                    sh.append([])

        overview = [
            ("文件数", st.files, S_INT), ("汇总的单位数", len(self.units), S_INT),
            ("其中：旧表导入", st.legacy, S_INT), ("跳过的文件", st.skipped, S_INT),
            ("无法读取的文件", st.failed, S_INT), ("项目数", st.projects, S_INT), ("指标数", st.indicators, S_INT),
            (f"年度资金总额（{MONEY_UNIT}）", st.total, S_MONEY), (f"财政拨款（{MONEY_UNIT}）", st.fiscal, S_MONEY),
            (f"上年结转（{MONEY_UNIT}）", st.carryover, S_MONEY), (f"其他资金（{MONEY_UNIT}）", st.other, S_MONEY),
            ("错误", st.errors, S_INT), ("警告", st.warnings, S_INT),
            ("通过的单位", st.passed, S_INT), ("退回修改的单位", st.returned, S_INT),
        ]
        section("绩效目标汇总统计", ["项目", "数值"], [([label, value], [S_CELL, style]) for label, value, style in overview])

        # funds by unit (largest first), stacked by source
        units = sorted(self.units, key=lambda u: (-u.amounts[0], u.unit_name or ""))
        shown = units[:TOP_UNITS_IN_CHART]
        title = "按单位资金" + (f"（资金最多的前 {len(shown)} 个单位）" if len(units) > len(shown) else "")
        section(title, ["单位", f"年度资金总额（{MONEY_UNIT}）", f"财政拨款（{MONEY_UNIT}）",
                        f"上年结转（{MONEY_UNIT}）", f"其他资金（{MONEY_UNIT}）"],
                [([u.unit_name or u.display, *u.amounts], [S_CELL, S_MONEY, S_MONEY, S_MONEY, S_MONEY]) for u in shown],
                lambda a, b: bar_chart(f"各单位资金来源（{MONEY_UNIT}）", SHEET_STATS, "A", a, b,
                                       [("C", "C"), ("D", "D"), ("E", "E")], horizontal=True, stacked=True,
                                       value_axis_title=MONEY_UNIT),
                len(shown) + 10)

        # indicators by 一级指标: projects' and 部门整体's categories apart (two series)
        project_counts: dict[str, int] = {}
        dept_counts: dict[str, int] = {}
        for key, v in st.level1.items():
            if key.startswith(DEPT_LEVEL1_PREFIX):
                name = key[len(DEPT_LEVEL1_PREFIX):]
                dept_counts[name] = dept_counts.get(name, 0) + v
            else:
                project_counts[key] = project_counts.get(key, 0) + v
        cats = sorted(project_counts, key=lambda k: (-project_counts[k], k))
        cats += sorted((k for k in dept_counts if k not in project_counts), key=lambda k: (-dept_counts[k], k))
        section("按一级指标统计指标数（项目与部门整体分列）", ["一级指标", "项目指标数", "部门整体指标数"],
                [([k, project_counts.get(k, 0), dept_counts.get(k, 0)], [S_CELL, S_INT, S_INT]) for k in cats],
                lambda a, b: bar_chart("各类指标数量", SHEET_STATS, "A", a, b, [("B", "B"), ("C", "C")],
                                       horizontal=True, stacked=True),
                len(cats) + 10)

        # findings by rule: code and name
        by_rule = []
        for key, v in st.rules.items():
            code, sev = key.split("|", 1)
            name = rule_titles.get(code, "")
            by_rule.append((f"{code} {name}".strip(), v, SEVERITY_LABELS.get(sev, sev)))
        by_rule.sort(key=lambda t: (t[0], t[2]))
        section("按规则统计问题数（不含已忽略）", ["规则", "问题数", "严重程度"],
                [([label, v, sev], [S_CELL, S_INT, S_CELL]) for label, v, sev in by_rule],
                lambda a, b: bar_chart("各规则发现的问题数", SHEET_STATS, "A", a, b, [("B", "B")], horizontal=True),
                len(by_rule) + 10)
        sh.page = printing.PageSetup(title="绩效目标汇总统计", row_breaks=tuple(breaks))


def catalogue_titles(codes: set[str]) -> dict[str, str]:
    """Each rule code's title in the rule catalogue (``""`` for a code it does not know)."""
    from xl_jixiao.rules.registry import get_rule

    out = {}
    for code in codes:
        try:
            out[code] = get_rule(code).title
        except KeyError:
            out[code] = ""
    return out


def _size(path: str) -> int | None:
    try:
        return os.path.getsize(path)
    except OSError:
        return None


def _mtime(path: str) -> int | None:
    try:
        return os.stat(path).st_mtime_ns
    except OSError:
        return None
