"""A :class:`~xl_jixiao.model.Submission` written into the template.

Rows are written in model order: project *i* (0-based) on 项目信息 row
``first_data_row(PROJECTS) + i``; indicators project by project (then the
unassigned ones) on 绩效指标 from ``first_data_row(INDICATORS)``; 部门整体
indicators on 部门整体 from ``first_data_row(DEPT_INDICATORS)``.  Money is written
in ``submission.money_unit``.  Text never becomes a live formula.
"""

from __future__ import annotations

from copy import copy
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from xl_jixiao import layout as L
from xl_jixiao import printing
from xl_jixiao.model import DeptBudget, Indicator, Project, Submission
from xl_jixiao.money import convert
from xl_jixiao.schemes import Scheme, get_scheme
from xl_jixiao.template.build import (
    BORDER,
    DEPT_TEXT_KEYS,
    MONEY_FORMAT,
    PERCENT_FORMAT,
    UNLOCKED,
    WRAP,
    build_template,
    built_rows,
    dept_row,
    difference_formula,
    display_formula,
    indicator_check_formula,
    list_names,
    project_check_formula,
    set_print_area,
    sources_sum_formula,
    unit_row,
)
from xl_jixiao.template.io import save_atomic

_PLAN_KEYS = {cp: f"plan_{i}" for i, cp in enumerate(L.PLAN_CHECKPOINTS, start=1)}
_TEXT_FORMAT_KEYS = ("code", "period", "op", "value", "unit")


def _scheme_or_none(ref: str | Scheme | None) -> Scheme | None:
    if ref is None or isinstance(ref, Scheme):
        return ref
    try:
        return get_scheme(ref)
    except KeyError:
        return None


def put(ws, row: int, column: int, value, number_format: str | None = None, *, unlock: bool = True,
        styles: dict | None = None):
    """Write one input cell: text stays text (even ``=…``), the cell stays editable.

    With ``styles`` (column → style, shared by the calls for one table) a table cell gets
    the look of its column: wrapped text, the column's number format, unlocked.
    """
    if value is None:
        return None
    cell = ws.cell(row, column)
    cell.value = value
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"
    if styles is not None and column in styles:
        cell._style = copy(styles[column])
        return cell
    if number_format:
        cell.number_format = number_format
    if unlock:
        cell.protection = UNLOCKED
    if styles is not None:
        cell.alignment = WRAP
        cell.border = BORDER
        styles[column] = copy(cell._style)
    return cell


def _amount(value: Decimal | None, from_unit: str, to_unit: str) -> Decimal | None:
    return convert(value, from_unit, to_unit) if value is not None else None


def _format(field: L.Field) -> str | None:
    if field.money:
        return MONEY_FORMAT
    if field.percent:
        return PERCENT_FORMAT
    if field.key in _TEXT_FORMAT_KEYS:
        return "@"
    return None


def fill_workbook(wb: Workbook, sub: Submission) -> Workbook:
    """Write ``sub`` into a template workbook built by :func:`build_template`."""
    _fill_unit(wb[L.SHEET_UNIT], sub)
    if sub.dept is not None and not sub.dept.is_empty():
        _fill_dept(wb[L.SHEET_DEPT], sub.dept, sub.money_unit)
    _fill_projects(wb[L.SHEET_PROJECTS], sub.projects, sub.money_unit)
    rows: list[tuple[str | None, Indicator]] = []
    for p in sub.projects:
        rows.extend((p.name or ind.project, ind) for ind in p.indicators)
    rows.extend((ind.project, ind) for ind in sub.unassigned_indicators)
    _fill_indicators(L.INDICATORS, wb[L.SHEET_INDICATORS], rows)
    for table, n in filled_rows(sub).items():
        set_print_area(wb[table.sheet], table, n)
    return wb


def filled_rows(sub: Submission) -> dict[L.Table, int]:
    """Data rows :func:`fill_workbook` writes for ``sub``, by table."""
    indicators = sum(len(p.indicators) for p in sub.projects) + len(sub.unassigned_indicators)
    dept = len(sub.dept.indicators) if sub.dept is not None else 0
    return {L.PROJECTS: len(sub.projects), L.INDICATORS: indicators, L.DEPT_INDICATORS: dept}


def fit_row_height(ws, table: L.Table, row: int, values: dict) -> None:
    """Make a data row tall enough for its wrapped text (Excel does not grow rows it opens)."""
    lines = 1
    for f in table.columns:
        v = values.get(f.key)
        if isinstance(v, str) and v:
            width = ws.column_dimensions[get_column_letter(table.index(f.key))].width or f.width
            lines = max(lines, printing.lines_needed(v, width))
    if lines > 1:
        ws.row_dimensions[row].height = printing.row_height(lines)


def write_submission(submission: Submission, path, scheme: str | Scheme | None = None) -> Path:
    """Write ``submission`` as a filled template workbook at ``path`` (atomically).

    ``scheme`` overrides ``submission.scheme`` (the dropdowns and checks follow it);
    without either the 2021 scheme is used.
    """
    s = _scheme_or_none(scheme) or _scheme_or_none(submission.scheme) or get_scheme("2021")
    d = _scheme_or_none(submission.dept_scheme) or s
    filled = {t.sheet: n for t, n in filled_rows(submission).items()}
    wb = build_template(s, submission.budget_year, submission.money_unit, d, filled=filled)
    fill_workbook(wb, submission)
    return save_atomic(wb, path)


# ------------------------------------------------------------------ sheets
def _fill_unit(ws, sub: Submission) -> None:
    for f in L.UNIT_FIELDS:
        value = getattr(sub, f.key)
        if f.key in ("scheme", "dept_scheme"):
            s = _scheme_or_none(value)
            if s is None and value is None:
                continue  # keep the template's default
            value = s.name if s is not None else value
        if value is None:
            continue
        put(ws, unit_row(f.key), 2, value, "0" if f.key == "budget_year" else "@")


def _fill_dept(ws, dept: DeptBudget, money_unit: str) -> None:
    for f in L.DEPT_FIELDS:
        r = dept_row(f.key)
        if f.key in DEPT_TEXT_KEYS:
            put(ws, r, 2, getattr(dept, f.key))
            continue
        raw = dept.invalid.get(f.key)
        value = _amount(getattr(dept, f.key), dept.money_unit, money_unit)
        if raw is not None and value is None:
            put(ws, r, 2, str(raw))
        elif value is not None:
            # A total given by the form replaces the template's formula, so the form's own
            # (possibly inconsistent) figures are what the checks see.
            put(ws, r, 2, value, MONEY_FORMAT)
    _fill_indicators(L.DEPT_INDICATORS, ws, [(None, i) for i in dept.indicators])


def _fill_projects(ws, projects: list[Project], money_unit: str) -> None:
    t = L.PROJECTS
    rows = built_rows(ws.parent, t)
    first, last = rows.first, rows.formulas
    idx = {f.key: t.index(f.key) for f in t.columns}
    styles: dict = {}
    for i, p in enumerate(projects):
        r = first + i
        fu = p.funding
        values: dict[str, object] = {
            "seq": i + 1, "code": p.code, "name": p.name, "category": p.category,
            "project_type": p.project_type, "is_new": p.is_new, "allocation": p.allocation,
            "implementer": p.implementer, "period": p.period, "purpose": p.purpose,
            "policy_basis": p.policy_basis, "calc_basis": p.calc_basis,
            "annual_goal": p.annual_goal, "period_goal": p.period_goal, "remark": p.remark,
        }
        for money_key in ("total", "fiscal", "carryover", "other", "period_total"):
            amount = _amount(getattr(fu, money_key), fu.money_unit, money_unit)
            values[money_key] = amount if amount is not None else fu.invalid.get(money_key)
        extra: list[str] = []
        for point in p.spending_plan:
            key = _PLAN_KEYS.get(point.label.strip())
            shown: Decimal | str | None = point.percent / 100 if point.percent is not None else point.raw
            if key is None:
                if shown is not None:
                    extra.append(f"{point.label} {point.percent if point.percent is not None else point.raw}%")
                continue
            values[key] = shown
        if extra:
            note = "资金支出计划：" + "，".join(extra)
            values["remark"] = f"{values['remark']}；{note}" if values.get("remark") else note
        for f in t.columns:
            if f.formula:
                continue
            put(ws, r, idx[f.key], values.get(f.key), _format(f), styles=styles)
        fit_row_height(ws, t, r, values)
        if r > last:  # beyond the formula rows (a template built for fewer rows): carry the formulas along
            ws.cell(r, idx["sources_sum"], sources_sum_formula(r))
            ws.cell(r, idx["difference"], difference_formula(r))
            ws.cell(r, idx["check"], project_check_formula(r))


def _fill_indicators(t: L.Table, ws, rows: list[tuple[str | None, Indicator]]) -> None:
    built = built_rows(ws.parent, t)
    first, last = built.first, built.formulas
    idx = {f.key: t.index(f.key) for f in t.columns}
    styles: dict = {}
    names = list_names(t)
    for n, (project, ind) in enumerate(rows):
        r = first + n
        values = {"seq": n + 1, "project": project, "level1": ind.level1, "level2": ind.level2,
                  "name": ind.name, "op": ind.op, "value": ind.value, "unit": ind.unit,
                  "note": ind.note, "basis": ind.basis, "remark": ind.remark}
        for f in t.columns:
            if f.formula:
                continue
            put(ws, r, idx[f.key], values.get(f.key), _format(f), styles=styles)
        fit_row_height(ws, t, r, values)
        if r > last:
            ws.cell(r, idx["display"], display_formula(t, r))
            ws.cell(r, idx["check"], indicator_check_formula(t, r, names))
