"""Reader for template workbooks: 2-D cell values → :class:`~xl_jixiao.model.Submission`.

Everything here works on plain value arrays (``{sheet: [[value, …], …]}``), so a
workbook read with python-calamine and a live book's ``used_range.value`` take
the same path.  Columns are found by header text (:attr:`layout.Field.labels`),
label/value blocks by label anywhere on the sheet; every value keeps its cell.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from dataclasses import fields as dataclass_fields
from decimal import Decimal
from math import isfinite
from operator import itemgetter
from pathlib import Path
from typing import Any

from xl_jixiao import layout, vocab
from xl_jixiao.cellref import column_letter
from xl_jixiao.dates import date_text
from xl_jixiao.errors import ReadError
from xl_jixiao.layout import Field, Table
from xl_jixiao.memo import TEXT_MEMO_SIZE, by_text, memo_of
from xl_jixiao.model import (
    CellRef,
    DeptBudget,
    Funding,
    Indicator,
    PlanPoint,
    Project,
    RowCells,
    SourceInfo,
    Submission,
)
from xl_jixiao.money import convert, float_to_decimal, normalize_money_unit, parse_amount, plain_number

Sheets = dict[str, list[list[object]]]
SheetMap = Mapping[str, Any]
"""Sheet name → its values: a :data:`Sheets` dict, or a workbook whose sheets are parsed on first use."""
Origins = dict[str, tuple[int, int]]

SUPPORTED_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")
TOTAL_ROW_NAMES = frozenset({"合计", "总计", "小计", "合 计"})
_NO_ORIGIN = (0, 0)

# ------------------------------------------------------------------ cell helpers


def is_blank(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    return False


def cell_text(value: object) -> str | None:
    """A cell value as the text a person sees (``None`` when blank)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, str):
        t = value.strip()
        return t or None
    if type(value) is float:
        return _number_cell(repr(value))[1] if isfinite(value) else None
    if isinstance(value, float):
        try:
            d = float_to_decimal(value)
        except ValueError:
            return None
        return plain_number(d)
    if isinstance(value, (int, Decimal)):
        return plain_number(Decimal(value))
    if isinstance(value, _dt.date):
        return date_text(value)
    if isinstance(value, _dt.timedelta):
        return str(value)
    t = str(value).strip()
    return t or None


@by_text
def _number_cell(r: str) -> tuple[Decimal, str]:
    """A finite number cell, by the ``repr`` of its float: the Decimal a person sees and its digits
    (numbers repeat across rows and files: 0.2, 100, 2025)."""
    d = float_to_decimal(float(r))
    return d, plain_number(d)


def norm_label(value: object) -> str:
    """Header/label text for matching (see :func:`xl_jixiao.vocab.norm_label`)."""
    return vocab.norm_label(value) if isinstance(value, str) else ""


def header_unit(value: object) -> str | None:
    """The money unit a header names in brackets (``年度资金总额（元）`` → ``元``)."""
    return vocab.label_unit(value) if isinstance(value, str) else None


_INDEXES: dict[int, tuple[object, dict[str, Field]]] = {}


def _label_index(fields: Iterable[Field]) -> dict[str, Field]:
    """Normalised label → field, made once per tuple of fields (tables and field lists are module constants;
    the entry keeps its tuple alive, so its id is not reused)."""
    hit = _INDEXES.get(id(fields))
    if hit is not None and hit[0] is fields:
        return hit[1]
    idx: dict[str, Field] = {}
    for f in fields:
        for lab in f.labels:
            idx.setdefault(vocab.label_key(lab), f)
    if isinstance(fields, tuple):
        _INDEXES[id(fields)] = (fields, idx)
    return idx


_NAMED: dict[int, tuple[dict[str, Field], dict[str, Any]]] = {}
"""Per label index: cell text → (the field it labels (``vocab.find``), the money unit it names if the field
is an amount), or ``None``."""
_UNKNOWN = object()
_VALUE_LABELS: dict[int, tuple[dict[str, Field], frozenset[str]]] = {}


def _value_labels(index: dict[str, Field]) -> frozenset[str]:
    """The texts that, found right of a label, are another label rather than its value: ``index``'s
    keys and every label of the vocabulary (made once per index)."""
    hit = _VALUE_LABELS.get(id(index))
    if hit is None or hit[0] is not index:
        hit = _VALUE_LABELS[id(index)] = (index, frozenset(index) | _ALL_LABELS)
    return hit[1]


# ------------------------------------------------------------------ header search

_PLAN_RE = re.compile(r"(\d{1,2})月(?:底|末)")


class HeaderMap:
    """Where a table's columns are: field key → 0-based column, plus 资金支出计划 columns."""

    def __init__(self, row: int, columns: dict[str, int], plan: list[tuple[str, int]], units: dict[str, str]):
        self.row = row
        self.columns = columns
        self.plan = plan
        self.units = units  # field key → money unit named in its header

    def __contains__(self, key: str) -> bool:
        return key in self.columns


_HeaderCell = tuple[Field | None, str | None, str | None]
_NOT_A_LABEL: _HeaderCell = (None, None, None)
_HEADER_CELLS: dict[int, tuple[dict[str, Field], dict[str, _HeaderCell]]] = {}


def _header_cell(text: str, index: dict[str, Field], memo: dict[str, _HeaderCell]) -> _HeaderCell:
    """What a header cell's text says under ``index``: (the column's field, unless it is a formula or
    checkpoint column; the money unit it names; the 资金支出计划 checkpoint it names).  Worked out once
    per text and index, into ``memo`` (:func:`~xl_jixiao.memo.memo_of` ``_HEADER_CELLS``)."""
    lt = vocab.parse_label(text)  # its label (norm_label), field (vocab.find) and unit
    lab = lt.base
    if not lab:
        cell = _NOT_A_LABEL
    else:
        f = None
        for k in lt.keys:
            f = index.get(k)
            if f is not None:
                break
        if f is not None and (f.formula or f.key.startswith("plan_")):
            f = None  # checkpoint columns: handled by the generic checkpoint match
        m = _PLAN_RE.search(lab) if len(lab) <= 16 and "月" in lab else None
        cell = _NOT_A_LABEL if f is None and m is None else (
            f, lt.unit, f"{int(m.group(1))}月底" if m else None)
    memo[text] = cell
    return cell


_RowMatch = tuple[dict[str, int], list[tuple[str, int]], dict[str, str]]


def _match_header_row(cells: Sequence[object], index: dict[str, Field], plan_ok: bool,
                      memo: dict[str, _HeaderCell]) -> _RowMatch:
    columns: dict[str, int] = {}
    plan: list[tuple[str, int]] = []
    units: dict[str, str] = {}
    get = memo.get
    for c, v in enumerate(cells):
        if not v or not isinstance(v, str):  # (most cells are blank)
            continue
        cell = get(v) or _header_cell(v, index, memo)
        if cell is _NOT_A_LABEL:
            continue
        f, unit, checkpoint = cell
        if f is not None and f.key not in columns:
            columns[f.key] = c
            if unit:
                units[f.key] = unit
            continue
        if plan_ok and checkpoint:
            plan.append((checkpoint, c))
    return columns, plan, units


def find_header(rows: list[list[object]], table: Table, required: Sequence[str], search_rows: int | None,
                plan_ok: bool = False) -> HeaderMap | None:
    """The header row of ``table``: the row among the top ``search_rows`` matching most labels.

    A row qualifies when it holds every ``required`` column.  A group header in
    the row above (e.g. ``资金来源`` over ``财政拨款``) contributes the columns the
    main row leaves blank.
    """
    index = _label_index(table.columns)
    memo = memo_of(_HEADER_CELLS, index)
    limit = len(rows) if search_rows is None else min(len(rows), search_rows)
    matched: dict[int, _RowMatch] = {}  # the rows matched, once (the merge below looks at two again)
    best: HeaderMap | None = None
    best_score = 0
    for r in range(limit):
        row = rows[r]
        # a row scores at most one per text cell: one with no more of them than the best cannot beat it
        # (the data rows under a header), so its texts are not looked up
        if best_score and (len(row) - row.count(None) - row.count("") <= best_score
                           or sum(1 for v in row if isinstance(v, str) and v) <= best_score):
            continue
        columns, plan, units = matched[r] = _match_header_row(row, index, plan_ok, memo)
        if not all(k in columns for k in required):
            continue
        score = len(columns) + len(plan)
        if score > best_score:
            best_score = score
            best = HeaderMap(r, columns, plan, units)  # its row's match is not looked at again
    if best is None:
        return None
    # merge a two-row header: labels in the row below (sub-headers) or above (group headers)
    for other in (best.row + 1, best.row - 1):
        if 0 <= other < len(rows):
            match = matched.get(other)
            columns, plan, units = match if match is not None else _match_header_row(
                rows[other], index, plan_ok, memo)
            used = set(best.columns.values()) | {c for _, c in best.plan}
            if other == best.row + 1 and len(columns) + len(plan) < 2:
                continue  # a data row that happens to hold one label-like text
            for k, c in columns.items():
                if k not in best.columns and c not in used:
                    best.columns[k] = c
                    if k in units:
                        best.units[k] = units[k]
            for lab, c in plan:
                if c not in used and all(lab != x for x, _ in best.plan):
                    best.plan.append((lab, c))
            if other == best.row + 1 and (columns or plan):
                best.row = other  # data start below the second header row
    best.plan.sort(key=lambda p: p[1])
    return best


# ------------------------------------------------------------------ tables as read
# What the reader accepts is wider than what the template writes: a system export links its
# indicator rows to projects by 项目编码 and may carry the unit on every project row.
READ_INDICATORS = Table(
    sheet=layout.SHEET_INDICATORS, title=layout.INDICATORS.title,
    columns=(*layout.INDICATOR_COLUMNS, layout._v("indicator", "project_code", "项目编码")),
    key_columns=layout.INDICATORS.key_columns)
READ_PROJECTS = Table(
    sheet=layout.SHEET_PROJECTS, title=layout.PROJECTS.title,
    columns=(*layout.PROJECT_COLUMNS, layout._v("unit", "unit_name", "单位名称")),
    key_columns=layout.PROJECTS.key_columns)
_PROJECT_EVIDENCE = ("code", "total", "annual_goal", "implementer", "fiscal", "category")


@dataclass(frozen=True)
class TableSheets:
    """Where a workbook keeps its project and indicator tables."""

    projects: str | None
    indicators: str | None
    export: bool = False  # found by header on sheets of other names (a system's flat export)
    project_header: HeaderMap | None = field(default=None, compare=False, repr=False)
    indicator_header: HeaderMap | None = field(default=None, compare=False, repr=False)
    """The tables' headers as found on the template's named sheets (the reader does not search again)."""


def find_tables(sheets: SheetMap) -> TableSheets | None:
    """The template's named sheets, else any pair of sheets holding a project table and an indicator
    table linked by 项目编码 or 项目名称 (the 预算管理一体化 system's flat export); ``None`` otherwise."""
    named_p = _sheet_key(sheets, layout.SHEET_PROJECTS)
    named_i = _sheet_key(sheets, layout.SHEET_INDICATORS)
    # the searches the reader makes (with 资金支出计划 columns: which rows qualify does not depend on them)
    head_p = None if named_p is None else find_header(
        _rows(sheets[named_p]), READ_PROJECTS, ("name",), layout.HEADER_SEARCH_ROWS, plan_ok=True)
    head_i = None if named_i is None else find_header(
        _rows(sheets[named_i]), READ_INDICATORS, ("name", "value"), layout.HEADER_SEARCH_ROWS)
    proj = named_p if head_p is not None else None
    ind = named_i if head_i is not None else None
    if proj is not None and ind is not None:
        return TableSheets(proj, ind, project_header=head_p, indicator_header=head_i)
    found_p, found_i = proj, ind
    for name, data in sheets.items():
        if name in (found_p, found_i):
            continue
        rows = _rows(data)
        if found_i is None:
            h = find_header(rows, READ_INDICATORS, ("name", "value", "level1"), layout.HEADER_SEARCH_ROWS)
            if h is not None and ("project_code" in h or "project" in h):
                found_i = name
                continue
        if found_p is None:
            h = find_header(rows, READ_PROJECTS, ("name",), layout.HEADER_SEARCH_ROWS)
            if h is not None and sum(k in h for k in _PROJECT_EVIDENCE) >= 2:
                found_p = name
    if found_p is not None and found_i is not None:
        return TableSheets(found_p, found_i, export=True)
    if proj is not None or ind is not None:  # a template workbook missing one of its tables
        return TableSheets(proj, ind, project_header=head_p, indicator_header=head_i)
    return None


# ------------------------------------------------------------------ the reader


class _Trimmed(Mapping[str, list[list[object]]]):
    """The sheets as the reader sees them (see :func:`_trimmed`), each made on first use: a sheet the
    reader never looks at is never parsed (:class:`WorkbookSheets`) nor trimmed."""

    def __init__(self, sheets: SheetMap):
        self._sheets = sheets
        self._done: dict[str, list[list[object]]] = {}

    def __getitem__(self, name: str) -> list[list[object]]:
        rows = self._done.get(name)
        if rows is None:
            rows = self._done[name] = _trimmed(_rows(self._sheets[name]))
        return rows

    def __iter__(self) -> Iterator[str]:
        return iter(self._sheets)

    def __len__(self) -> int:
        return len(self._sheets)

    def __contains__(self, name: object) -> bool:
        return name in self._sheets

    def read_already(self) -> list[str]:
        """The sheets looked at so far, in workbook order."""
        return [name for name in self._sheets if name in self._done]


_VERSION_FIRST = layout.TEMPLATE_VERSION_LABEL[0]


def _stated_version(rows: list[list[object]], labelled_only: bool) -> str | None:
    """The template version a sheet states in its top 40 rows: the text right of a 模板版本 label (the first
    non-blank cell), or (unless ``labelled_only``) a version code standing alone (``JX-…``)."""
    for r in range(min(len(rows), 40)):
        row = rows[r]
        for c, v in enumerate(row):
            if not isinstance(v, str):
                continue
            # (normalising a label only removes characters: a text without the label's first one is not it)
            if _VERSION_FIRST in v and norm_label(v) == layout.TEMPLATE_VERSION_LABEL:
                for w in row[c + 1:]:
                    if not is_blank(w):
                        return cell_text(w)
            if not labelled_only and v.strip().startswith("JX-") and len(v.strip()) < 20:
                return v.strip()
    return None


class _Reader:
    def __init__(self, sheets: SheetMap, file: str | None, origins: Origins | None, tables: TableSheets):
        self.sheets = _Trimmed(sheets)
        self.file = file
        self.origins = origins or {}
        self.tables = tables

    # -- cell references -------------------------------------------------
    def ref(self, sheet: str, r: int, c: int) -> CellRef:
        r0, c0 = self.origins.get(sheet, _NO_ORIGIN)
        row = r + r0 + 1
        return CellRef(self.file, sheet, f"{column_letter(c + c0 + 1)}{row}", row)  # positional: cheaper

    def sheet(self, name: str) -> list[list[object]] | None:
        actual = _sheet_key(self.sheets, name)
        return None if actual is None else self.sheets[actual]

    def sheet_name(self, name: str) -> str:
        return _sheet_key(self.sheets, name) or name

    # -- label/value blocks ----------------------------------------------
    def label_values(self, sheet: str, fields: Sequence[Field], stop_row: int | None = None
                     ) -> dict[str, tuple[object, CellRef]]:
        """Find each field's label anywhere on the sheet; its value is the cell to its right.

        Only the adjacent cell counts: the template keeps help text and check
        formulas further right, and a blank value must stay blank (JX401 points
        at it).  Forms with other layouts go through the importer.
        """
        rows = self.sheet(sheet)
        if rows is None:
            return {}
        name = self.sheet_name(sheet)
        index = _label_index(fields)
        named = memo_of(_NAMED, index)
        all_labels = _value_labels(index)
        found: dict[str, tuple[object, CellRef]] = {}
        limit = len(rows) if stop_row is None else min(stop_row, len(rows))
        for r in range(limit):
            row = rows[r]
            for c, v in enumerate(row):
                if not v or not isinstance(v, str):  # (most cells are blank)
                    continue
                label = named.get(v, _UNKNOWN)
                if label is _UNKNOWN:  # the field this text labels and the money unit it names, once per text
                    f = vocab.find(v, index)
                    label = named[v] = None if f is None else (f, header_unit(v) if f.money else None)
                if label is None:
                    continue
                f, unit = label
                key = f.key
                if key in found and not is_blank(found[key][0]):
                    continue
                vc = c + 1
                value = row[vc] if vc < len(row) else None
                if is_blank(value) or norm_label(value) in all_labels:
                    value = None
                found[key] = (value, self.ref(name, r, vc))
                if unit:
                    found["_unit_" + key] = (unit, self.ref(name, r, c))
        return found

    # -- unit information ------------------------------------------------
    def read_unit(self, sub: Submission) -> None:
        sheet = layout.SHEET_UNIT
        values = self.label_values(sheet, layout.UNIT_FIELDS)
        if not values:
            # Some books put the unit block on another sheet; look everywhere.
            for name in self.sheets:
                values = self.label_values(name, layout.UNIT_FIELDS)
                if "unit_name" in values:
                    break
        for key, (raw, ref) in values.items():
            if key.startswith("_"):
                continue
            sub.cells[key] = ref
            text = cell_text(raw)
            if key == "budget_year":
                sub.budget_year = parse_year(raw)
            elif key == "money_unit":
                sub.money_unit = normalize_money_unit(text, "万元")  # type: ignore[assignment]
            elif key in ("scheme", "dept_scheme"):
                setattr(sub, key, resolve_scheme_id(text))
            else:
                setattr(sub, key, text)
        if self.tables.export:
            if sub.budget_year is None:
                sub.budget_year = self.title_year()
            return  # an export has no 单位信息 sheet: nothing there was left blank
        if "unit_name" not in sub.cells:
            sub.cells["unit_name"] = CellRef(file=self.file, sheet=self.sheet_name(sheet))
        if "budget_year" not in sub.cells:
            sub.cells["budget_year"] = CellRef(file=self.file, sheet=self.sheet_name(sheet))
        version = self.find_version()
        if sub.source is not None:
            sub.source.template_version = version

    def title_year(self) -> int | None:
        """The budget year a table's title line states (``2023年项目支出绩效目标``)."""
        for name in (self.tables.projects, self.tables.indicators):
            for row in self.sheets.get(name or "", [])[:3]:
                for v in row:
                    if isinstance(v, str) and re.search(r"绩效|预算", v):
                        m = re.search(r"(20\d{2})\s*年", v)
                        if m:
                            return int(m.group(1))
        return None

    def find_version(self) -> str | None:
        # the template states its version beside a 模板版本 label on 单位信息 as well as on 填表说明: the
        # sheets read already are searched for the label first, so the instructions are parsed only without it
        for name in self.sheets.read_already():
            version = _stated_version(self.sheets[name], labelled_only=True)
            if version is not None:
                return version
        for rows in self.sheets.values():
            version = _stated_version(rows, labelled_only=False)
            if version is not None:
                return version
        return None

    # -- money -----------------------------------------------------------
    def money(self, raw: object, column_unit: str, target_unit: str, key: str, invalid: dict[str, str]
              ) -> Decimal | None:
        if raw is None or raw == "":
            return None  # blank (what parse_amount says of it)
        if type(raw) is float and isfinite(raw):  # a number cell: in the column's unit (parse_amount, inline)
            d = float_to_decimal(raw)
            return d if column_unit == target_unit else convert(d, column_unit, target_unit)
        amt = parse_amount(raw)
        if not amt.ok:
            invalid[key] = amt.text.strip() if isinstance(amt.text, str) else str(raw)
            return None
        v = amt.in_unit(column_unit)
        if v is None:
            return None
        if column_unit != target_unit:
            v = convert(v, column_unit, target_unit)
        return v

    # -- 部门整体 ----------------------------------------------------------
    def read_dept(self, sub: Submission) -> DeptBudget | None:
        rows = self.sheet(layout.SHEET_DEPT)
        if rows is None:
            return None
        name = self.sheet_name(layout.SHEET_DEPT)
        header = find_header(rows, layout.DEPT_INDICATORS, ("name", "value"), None)
        stop = header.row if header else None
        values = self.label_values(name, layout.DEPT_FIELDS, stop_row=stop)
        dept = DeptBudget(money_unit=sub.money_unit)
        for key, (raw, ref) in values.items():
            if key.startswith("_"):
                continue
            f = _DEPT_FIELDS[key]
            dept.cells[key] = ref
            if f.money:
                col_unit = values.get("_unit_" + key, (sub.money_unit, None))[0]
                setattr(dept, key, self.money(raw, str(col_unit), sub.money_unit, key, dept.invalid))
            else:
                setattr(dept, key, cell_text(raw))
        if header is not None:
            dept.indicators = self.read_indicator_rows(rows, name, header, layout.DEPT_INDICATORS,
                                                       default_project=layout.DEPT_PROJECT_NAME)
        if dept.is_empty() and not dept.invalid:
            return None
        return dept

    # -- projects ---------------------------------------------------------
    def read_projects(self, sub: Submission) -> list[Project]:
        if self.tables.projects is None:
            return []
        name = self.tables.projects
        rows = self.sheets[name]
        header = self.tables.project_header or find_header(rows, READ_PROJECTS, ("name",),
                                                           layout.HEADER_SEARCH_ROWS, plan_ok=True)
        if header is None:
            raise ReadError("找不到项目表的表头（需要「项目名称」列）", self.file, name)
        cols = header.columns
        key_cols = [cols[k] for k in layout.PROJECTS.key_columns if k in cols]
        projects: list[Project] = []
        units: list[tuple[str | None, CellRef]] = []
        file = self.file
        money_unit = sub.money_unit
        r0, c0 = self.origins.get(name, _NO_ORIGIN)
        # each column's letters once, shared by the rows' cells (RowCells: references made when asked for)
        letter = {c: column_letter(c + c0 + 1) for c in (*cols.values(), *(c for _, c in header.plan))}
        columns = {key: letter[c] for key, c in cols.items()}
        columns.update((f"plan:{label}", letter[c]) for label, c in header.plan)
        # what each column fills, once for the table: texts and the 项目编码 go to the project, amounts to its
        # funding (in column order: invalid amounts are listed in it)
        texts: list[tuple[str, int]] = []
        amounts: list[tuple[str, int, str]] = []
        others: list[tuple[str, int]] = []  # a text column that is not a Project field (set as before)
        for key, c in cols.items():
            if key in ("seq", "code", "unit_name"):
                continue
            if key in _PROJECT_AMOUNTS:
                amounts.append((key, c, header.units.get(key, money_unit)))
            else:
                (texts if key in _PROJECT_FIELDS else others).append((key, c))
        text_keys = [key for key, _ in texts]
        text_idx = [c for _, c in texts]
        code_col = cols.get("code")
        unit_col = cols.get("unit_name")
        plan_cols = [c for _, c in header.plan]
        plan_labels = [label for label, _ in header.plan]
        name_col = cols["name"]
        for r, row in _started_rows(rows, header.row + 1, key_cols):
            n = len(row)
            number = r + 1 + r0
            name_text = cell_text(row[name_col] if name_col < n else None)
            if name_text:
                label = norm_label(name_text)
                if label in TOTAL_ROW_NAMES or label in _PROJECT_LABELS:
                    continue  # a 合计 row, or a repeated header row
            invalid: dict[str, str] = {}
            funding = Funding(money_unit=money_unit, invalid=invalid, **{
                key: self.money(row[c] if c < n else None, col_unit, money_unit, key, invalid)
                for key, c, col_unit in amounts})
            # cell_text, with the common cases (blank, text) inline
            text: dict[str, Any] = {
                key: None if v is None or v == "" else (v.strip() or None) if type(v) is str else cell_text(v)
                for key, v in zip(text_keys, [row[c] if c < n else None for c in text_idx])}
            p = Project(row=number, funding=funding, cells=RowCells(file, name, number, columns), **text)
            for key, c in others:
                setattr(p, key, cell_text(row[c] if c < n else None))
            if code_col is not None:
                p.code = _code_text(row[code_col] if code_col < n else None)
            if unit_col is not None:
                units.append((cell_text(row[unit_col] if unit_col < n else None),
                              CellRef(file, name, f"{letter[unit_col]}{number}", number)))
            if plan_cols:
                p.spending_plan = _plan_points(plan_labels, [row[c] if c < n else None for c in plan_cols])
            if p.supervisor is None and sub.supervisor:
                p.supervisor = sub.supervisor
            projects.append(p)
        named = {u for u, _ in units if u}
        if len(named) == 1 and not sub.unit_name:  # a unit column with one unit: the submitting unit
            sub.unit_name, sub.cells["unit_name"] = next((u, ref) for u, ref in units if u)
        elif len(named) > 1:
            for p, (u, _) in zip(projects, units):
                p.implementer = p.implementer or u
        return projects

    # -- indicators -------------------------------------------------------
    def read_indicator_rows(self, rows: list[list[object]], sheet: str, header: HeaderMap, table: Table,
                            default_project: str | None = None) -> list[Indicator]:
        cols = header.columns
        key_cols = [cols[k] for k in table.key_columns if k in cols]
        cell_cols = [(k, c) for k, c in cols.items() if k in _INDICATOR_FIELDS]
        out: list[Indicator] = []
        prev: Indicator | None = None
        r0, c0 = self.origins.get(sheet, _NO_ORIGIN)
        # each column's letters once, shared by the rows' cells (RowCells: references made when asked for)
        columns = {k: column_letter(c + c0 + 1) for k, c in cell_cols}
        # where each text field's cell is in a row (-1: the table has no such column), in Indicator's field order
        at = [cols.get(k, -1) for k in _INDICATOR_TEXTS]
        file = self.file
        label_of = vocab.parse_label  # (norm_label of a text)
        # a row long enough to hold every column (calamine's rows are all as wide as the sheet's data) has its
        # cells taken in one call; the fields the table has no column for are blanks put in their places
        present = [c for c in at if c >= 0]
        width = max(present, default=0) + 1
        cells_of = itemgetter(*present) if len(present) > 1 else None
        absent = [i for i, c in enumerate(at) if c < 0]
        fixed_project = default_project if default_project is not None and "project" not in cols else None
        project_column = "project" in cols
        shared = _SHARED
        if len(shared) > TEXT_MEMO_SIZE:
            shared.clear()
        for r, row in _started_rows(rows, header.row + 1, key_cols):
            n = len(row)
            # cell_text of each (blank without a column), the common cases (text, blank) inline; the fields as
            # plain names, so a row makes no dict of its texts
            if n >= width and cells_of is not None:
                texts = [(v.strip() or None) if type(v) is str else None if v is None or v == "" else cell_text(v)
                         for v in cells_of(row)]
                for i in absent:
                    texts.insert(i, None)
            else:
                texts = [None if c < 0 or c >= n or (v := row[c]) is None or v == ""
                         else (v.strip() or None) if type(v) is str else cell_text(v) for c in at]
            # the texts rows repeat (project, levels, symbol, unit, basis, common values) as one object each:
            # hashed once for every lookup by text, and stored once in a result
            for i in _REPEATED:
                if (t := texts[i]) is not None:
                    texts[i] = shared.setdefault(t, t)
            project, project_code, level1, level2, name, op, value, unit, note, basis, remark = texts
            # a repeated header row: its value cell is a label too (looked at first: names are many, values
            # repeat; a plain number is none of them)
            if name and value and not (value.isascii() and _NO_ASCII_INDICATOR_LABEL) and \
                    label_of(value).base in _INDICATOR_LABELS and label_of(name).base in _INDICATOR_LABELS:
                continue
            if not value and any(isinstance(v, str) and norm_label(v) in TOTAL_ROW_NAMES for v in row):
                continue  # a 合计 row under the table (weights, scores)
            if fixed_project is not None:
                project = fixed_project
            # merged cells leave the level and project columns blank below their first row
            if prev is not None:
                if project is None and project_column:
                    project = prev.project
                if level1 is None and project == prev.project and project_code == prev.project_code:
                    level1 = prev.level1
                    if level2 is None:
                        level2 = prev.level2
            number = r + 1 + r0
            prev = Indicator(project, project_code, level1, level2, name, op, value, unit, note, basis, remark, number,
                             RowCells(file, sheet, number, columns))  # (positional: half the cost of keywords)
            out.append(prev)
        return out

    def read_indicators(self) -> list[Indicator]:
        if self.tables.indicators is None:
            return []
        name = self.tables.indicators
        rows = self.sheets[name]
        header = self.tables.indicator_header or find_header(rows, READ_INDICATORS, ("name", "value"),
                                                             layout.HEADER_SEARCH_ROWS)
        if header is None:
            raise ReadError("找不到绩效指标表的表头（需要「三级指标」和「指标值」列）", self.file, name)
        return self.read_indicator_rows(rows, name, header, READ_INDICATORS)

    # -- everything -------------------------------------------------------
    def read(self) -> Submission:
        sub = Submission(source=SourceInfo(path=self.file or "", kind="export" if self.tables.export else "template"))
        self.read_unit(sub)
        sub.dept = self.read_dept(sub)
        sub.projects = self.read_projects(sub)
        indicators = self.read_indicators()
        by_name: dict[str, Project] = {}
        by_code: dict[str, Project] = {}
        for p in sub.projects:
            if p.name:
                by_name.setdefault(p.name, p)
                by_name.setdefault(_name_key(p.name), p)
            if p.code:
                by_code.setdefault(_name_key(p.code), p)
        not_applicable = vocab.is_not_applicable
        for ind in indicators:
            code = ind.project_code
            proj = by_code.get(_name_key(code)) if code else None
            if proj is None:
                project = ind.project or ""
                proj = by_name.get(project) or by_name.get(_name_key(project))
            if proj is None:
                sub.unassigned_indicators.append(ind)
                continue
            if ind.project != proj.name:
                ind.project = proj.name
            name = ind.name
            if name and not not_applicable(name):  # declares_na's first test, inline: most rows name something
                proj.indicators.append(ind)
            elif declares_na(ind):
                proj.not_applicable.append(ind)
            else:
                proj.indicators.append(ind)
        if sub.dept is not None:
            na = [i for i in sub.dept.indicators if declares_na(i)]
            if na:
                sub.dept.indicators = [i for i in sub.dept.indicators if not declares_na(i)]
                sub.dept.not_applicable.extend(na)
        return sub


def declares_na(ind: Indicator) -> bool:
    """A row that declares its category not applicable (``不适用`` as name, and as value or no value)."""
    if ind.name:
        return vocab.is_not_applicable(ind.name) and (not ind.value or vocab.is_not_applicable(ind.value))
    return bool(ind.value) and vocab.is_not_applicable(ind.value)


_DEPT_FIELDS = {f.key: f for f in layout.DEPT_FIELDS}
_PROJECT_FIELDS = frozenset(f.name for f in dataclass_fields(Project))
_PROJECT_AMOUNTS = frozenset(key for key in {f.key for f in READ_PROJECTS.columns} if READ_PROJECTS.column(key).money)

_INDICATOR_TEXTS = ("project", "project_code", "level1", "level2", "name", "op", "value", "unit", "note", "basis",
                    "remark")
"""The text fields of an indicator row, in Indicator's order."""
_INDICATOR_FIELDS = frozenset(_INDICATOR_TEXTS)
_REPEATED = tuple(_INDICATOR_TEXTS.index(k) for k in ("project", "level1", "level2", "op", "value", "unit", "basis"))
"""The text fields indicator rows repeat, by position in :data:`_INDICATOR_TEXTS`."""
_SHARED: dict[str, str] = {}
"""One object for each text indicator rows repeat (bounded: emptied past ``TEXT_MEMO_SIZE`` between tables)."""
if tuple(f.name for f in dataclass_fields(Indicator)) != (*_INDICATOR_TEXTS, "row", "cells"):  # pragma: no cover
    raise RuntimeError("Indicator's fields are not the order read_indicator_rows passes them in")


def _sheet_key(sheets, name: str) -> str | None:
    """The workbook's sheet for template sheet ``name``: exact, then ignoring spaces, then a renamed copy
    that starts with it (``绩效指标 (2)``, ``绩效指标表``)."""
    if name in sheets:
        return name
    want = norm_label(name)
    keys = list(sheets)
    for k in keys:
        if norm_label(k) == want:
            return k
    for k in keys:
        if norm_label(k).startswith(want):
            return k
    return None


_NAME_SPACE = re.compile(r"[\s\u3000]+")


@by_text
def _name_key(name: str) -> str:
    return _NAME_SPACE.sub("", name).replace("（", "(").replace("）", ")")


def _started_rows(rows: list[list[object]], start: int, key_cols: list[int]) -> Iterator[tuple[int, list[object]]]:
    """The rows of a table from ``start`` (0-based, with their index) that hold something in a key column."""
    for r in range(start, len(rows)):
        row = rows[r]
        n = len(row)
        for c in key_cols:  # is_blank, inline
            v = row[c] if c < n else None
            if v is not None and (not isinstance(v, str) or v.strip()):
                yield r, row
                break


_ONLY_LISTS = frozenset({list})


def _rows(data) -> list[list[object]]:
    """Normalise a value array: tuples → lists, a single row/value → a 2-D list (lists are kept, not copied)."""
    if data is None:
        return []
    if not isinstance(data, (list, tuple)):
        return [[data]]
    if data and not isinstance(data[0], (list, tuple)):
        return [list(data)]
    if isinstance(data, list) and _ONLY_LISTS.issuperset(map(type, data)):  # every row a list
        return data
    return [r if type(r) is list else list(r) if isinstance(r, (list, tuple)) else [r] for r in data]


def _blank_row(row: list[object]) -> bool:
    """Nothing but empty cells (``None`` or ``''``: calamine's value of an empty formula result)."""
    return not any(row) and row.count(None) + row.count("") == len(row)


def _trimmed(rows: list[list[object]]) -> list[list[object]]:
    """``rows`` without the blank rows at the end (a template's prepared formula rows read as ``''``)."""
    n = len(rows)
    while n and _blank_row(rows[n - 1]):
        n -= 1
    return rows if n == len(rows) else rows[:n]


def _code_text(raw: object) -> str | None:
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return cell_text(raw)


def _percent(raw: object) -> Decimal | None:
    """A spending-plan cell as a percent number (``'25%'`` → 25, ``25`` → 25); ``None`` if unreadable."""
    if is_blank(raw):
        return None
    if isinstance(raw, bool):
        return None
    if isinstance(raw, (int, float, Decimal)):
        try:
            return float_to_decimal(raw) if isinstance(raw, float) else Decimal(raw)
        except ValueError:
            return None
    t = str(raw).strip().replace(" ", "").replace("％", "%").replace("百分比", "%")
    m = re.fullmatch(r"(-?\d+(?:\.\d+)?)%?", t)
    if not m:
        return None
    return Decimal(m.group(1))


def _plan_point(label: str, raw: object) -> PlanPoint:
    """A 资金支出计划 cell: its text (:func:`cell_text`) and percent (:func:`_percent`); a number is read once."""
    if type(raw) is float:
        if not isfinite(raw):
            return PlanPoint(label=label, percent=None, raw=None)
        d, text = _number_cell(repr(raw))
        return PlanPoint(label=label, percent=d, raw=text)
    return PlanPoint(label=label, percent=_percent(raw), raw=cell_text(raw))


def _plan_points(labels: list[str], raws: list[object]) -> list[PlanPoint]:
    """A project row's 资金支出计划 points: each cell's text and percent, fractions scaled (:func:`_fraction_plan`).
    Rows of number and text cells repeat across projects and files (0.2, 0.5, 0.75, 1): their points' values
    are worked out once per row of values.  (A zero is left out of the memo: 0.0 and -0.0 are one key but
    two Decimals; so are cells of other types that compare equal, 1 and 1.0.)"""
    if _PLAN_MEMO_TYPES.issuperset(map(type, raws)) and 0.0 not in raws:
        values = _plan_values(tuple(raws))
    else:
        values = _plan_values_of(tuple(raws))
    return [PlanPoint(label=label, percent=percent, raw=text) for label, (percent, text) in zip(labels, values)]


_PLAN_MEMO_TYPES = frozenset({float, str, type(None)})


def _plan_values_of(raws: tuple[object, ...]) -> tuple[tuple[Decimal | None, str | None], ...]:
    """(percent, text) of each 资金支出计划 cell of a row (see :func:`_plan_points`)."""
    points = [_plan_point("", raw) for raw in raws]
    _fraction_plan(points, list(raws))
    return tuple((pt.percent, pt.raw) for pt in points)


_plan_values = by_text(_plan_values_of)


def _fraction_plan(plan: list[PlanPoint], raws: list[object]) -> None:
    """Cells formatted as percent arrive as fractions (0.25 for 25%): scale them when all are ≤ 1."""
    numeric = [pt for pt, raw in zip(plan, raws)
               if pt.percent is not None and isinstance(raw, (int, float, Decimal)) and not isinstance(raw, bool)]
    if not numeric or any(pt.percent > 1 or pt.percent < 0 for pt in numeric):  # type: ignore[operator]
        return
    if all(pt.percent == 0 for pt in numeric):
        return
    if len(numeric) < len(plan):  # percents typed as text: any above 1 means the numbers are percents too
        ids = {id(pt) for pt in numeric}
        if any(pt.percent > 1 for pt in plan if pt.percent is not None and id(pt) not in ids):
            return
    for pt in numeric:
        pt.percent, pt.raw = _fraction_percent(str(pt.percent))


@by_text
def _fraction_percent(fraction: str) -> tuple[Decimal, str]:
    """A fraction (a Decimal's exact text) as a percent, and that percent as the cell displays it."""
    v = (Decimal(fraction) * 100).normalize()
    percent = v.quantize(Decimal(1)) if v == v.to_integral_value() else v
    return percent, f"{plain_number(percent)}%"


def parse_year(raw: object) -> int | None:
    if raw is None or isinstance(raw, bool):
        return None
    if isinstance(raw, (int, float)) and 1900 <= raw <= 2200:
        return int(raw)
    if isinstance(raw, (_dt.date, _dt.datetime)):
        return raw.year
    m = re.search(r"(19|20|21)\d{2}", str(raw))
    return int(m.group(0)) if m else None


def resolve_scheme_id(text: str | None) -> str | None:
    if not text:
        return None
    from xl_jixiao.schemes import get_scheme

    try:
        return get_scheme(text).id
    except KeyError:
        return text


_ALL_LABELS = {norm_label(lab) for sec in vocab.SECTIONS for labs in vocab.fields(sec).values() for lab in labs}
_PROJECT_LABELS = {norm_label(lab) for f in layout.PROJECT_COLUMNS for lab in f.labels}
_INDICATOR_LABELS = {norm_label(lab) for f in layout.INDICATOR_COLUMNS for lab in f.labels}
_NO_ASCII_INDICATOR_LABEL = not any(lab.isascii() for lab in _INDICATOR_LABELS)
"""No indicator column label is ASCII only, so neither is a text that normalises to one (normalising only
removes characters or turns full-width punctuation into ASCII)."""


# ------------------------------------------------------------------ public API


def is_template(sheets: SheetMap) -> bool:
    """True when the sheets hold the template's tables, or a system export's project and indicator tables."""
    return find_tables(sheets) is not None


def submission_from_sheets(sheets: SheetMap, file: str | None = None, origins: Origins | None = None, *,
                           tables: TableSheets | None = None) -> Submission:
    """Build a submission from the value arrays of a template workbook (or a flat system export).

    ``sheets`` maps sheet name → rows of cell values (``None``/``''`` for blank).
    ``origins`` (optional) gives, per sheet, the 0-based (row, column) of the
    array's top-left cell when it does not start at A1 (e.g. a live book's used
    range), so cell references stay exact.  Raises :class:`ReadError` when the
    sheets are not a template workbook.  ``tables`` is what :func:`find_tables` found on these sheets,
    when the caller asked it already (the header search then runs once).
    """
    tables = tables or find_tables(sheets)
    if tables is None:
        raise ReadError(
            f"不是绩效目标模板工作簿：找不到「{layout.SHEET_PROJECTS}」或「{layout.SHEET_INDICATORS}」工作表及其表头",
            file)
    return _Reader(sheets, file, origins, tables).read()


class WorkbookSheets(Mapping[str, list[list[object]]]):
    """A workbook's sheets by name, in workbook order; each sheet's cells are parsed when it is first used
    (python-calamine parses a sheet when asked for it), so the sheets a reader does not need —
    the instructions, the hidden list sheet — cost nothing.  Open one with :func:`open_sheets`."""

    def __init__(self, book: object):
        self._book = book
        self._names: list[str] = list(book.sheet_names)  # type: ignore[attr-defined]
        self._known = frozenset(self._names)
        self._parsed: dict[str, list[list[object]]] = {}

    def __getitem__(self, name: str) -> list[list[object]]:
        rows = self._parsed.get(name)
        if rows is None:
            if name not in self._known:
                raise KeyError(name)
            try:
                rows = self._book.get_sheet_by_name(name).to_python(skip_empty_area=False)  # type: ignore[attr-defined]
                if type(rows) is not list or not _ONLY_LISTS.issuperset(map(type, rows)):
                    rows = [list(r) for r in rows]
            except Exception:  # noqa: BLE001 - chart sheets and the like hold no cells
                rows = []
            self._parsed[name] = rows
        return rows

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)

    def __contains__(self, name: object) -> bool:
        return name in self._known


def open_sheets(path: str | Path, data: bytes | None = None) -> WorkbookSheets:
    """A workbook's sheets, read with python-calamine (.xlsx/.xlsm/.xls/.xlsb/.ods), each parsed on first use.

    ``data``: the file's bytes when the caller read them already (they are parsed instead of the file).
    """
    p = Path(path)
    if data is None and not p.exists():
        raise ReadError("文件不存在", str(p))
    if data is None and p.is_dir():
        raise ReadError("这是一个文件夹，不是工作簿", str(p))
    if p.suffix.lower() not in SUPPORTED_SUFFIXES:
        raise ReadError(f"不支持的文件类型「{p.suffix or '无扩展名'}」（支持 .xlsx、.xlsm、.xls）", str(p))
    try:
        import io

        import python_calamine as pc

        wb = (pc.CalamineWorkbook.from_filelike(io.BytesIO(data)) if data is not None
              else pc.CalamineWorkbook.from_path(str(p)))
        return WorkbookSheets(wb)
    except Exception as exc:
        text = str(exc)
        if "password" in text.lower() or "encrypt" in text.lower() or type(exc).__name__ == "PasswordError":
            reason = "工作簿有密码保护，无法读取：请去掉密码后再提交"
        else:
            reason = f"无法读取工作簿（文件损坏或格式不受支持）：{text[:200]}"
        raise ReadError(reason, str(p)) from exc


def load_sheets(path: str | Path, data: bytes | None = None) -> Sheets:
    """Every sheet's cell values from A1, read with python-calamine (.xlsx/.xlsm/.xls/.xlsb/.ods).

    ``data``: the file's bytes when the caller read them already (they are parsed instead of the file).
    """
    return dict(open_sheets(path, data))


def read_template(path: str | Path) -> Submission:
    """Read a template workbook from disk."""
    sheets = load_sheets(path)
    sub = submission_from_sheets(sheets, file=str(path))
    return sub
