"""The rule engine: run every enabled rule over a submission and collect findings."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from decimal import Decimal
from itertools import chain
from operator import attrgetter
from typing import Any

from xl_jixiao import layout
from xl_jixiao.config import Config, default_config
from xl_jixiao.errors import UserError
from xl_jixiao.memo import by_text, memo_of
from xl_jixiao.model import CellRef, Cells, Finding, Indicator, Project, Submission, value_text
from xl_jixiao.rules.registry import Rule, all_rules
from xl_jixiao.schemes import Scheme, all_schemes, detect_scheme, fit_score, get_scheme

log = logging.getLogger(__name__)

INTERNAL_ERROR_CODE = "JX505"

SUPPRESS_RE = re.compile(r"忽略\s*[:：]\s*((?:JX\d{3}[\s,，、;；/]*)+)", re.IGNORECASE)


def suppressed_codes(text: str | None) -> set[str]:
    """Codes a reviewer accepted in a 备注 cell: ``忽略:JX204`` or ``忽略：JX204,JX212``."""
    if not text:
        return set()
    out: set[str] = set()
    for m in SUPPRESS_RE.finditer(text):
        out.update(c.upper() for c in re.findall(r"JX\d{3}", m.group(1), re.IGNORECASE))
    return out


_LAZY: list[Any] = []


@by_text
def value_facts(text: str) -> tuple[Any, frozenset[str], str, bool, str, Decimal | None, str | None, str | None]:
    """What the rules ask of one value text, worked out once per distinct text (rows of a submission, and
    submissions read by one process, repeat the same values): (parsed value, its flags, its kind, readable,
    unit, number, symbol, money unit) — see :class:`Item`."""
    if not _LAZY:  # imported on first use, not by every importer of the rules
        from xl_jixiao.rules.common import money_unit_of
        from xl_jixiao.values import parse_value

        _LAZY.extend((parse_value, money_unit_of))
    parse_value, money_unit_of = _LAZY
    pv = parse_value(text)
    flags = frozenset(pv.flags)
    kind = pv.kind
    readable = kind not in ("empty", "invalid") and "merged_values" not in flags and bool(text.strip())
    number = pv.number
    money = money_unit_of(pv) if kind == "quantitative" and number is not None else None
    return pv, flags, kind, readable, pv.unit or "", number, pv.op or None, money


@by_text
def _row_facts(op: str | None, value: str | None, unit: str | None) -> tuple[Any, ...]:
    """(value text, *:func:`value_facts`) of a row's symbol, value and unit cells."""
    text = value_text(op, value, unit)
    return (text, *value_facts(text))


class Item:
    """One indicator row with what the rules need to know about it (built once per row by
    :func:`build_items`; plain slots, so the rules read attributes, not computed properties)."""

    __slots__ = ("ind", "project", "project_name", "dept", "scheme", "level1", "level2", "role",
                 "text", "pv", "flags", "kind", "readable", "unit", "number", "symbol", "money")

    ind: Indicator
    project: Project | None
    project_name: str | None
    dept: bool
    scheme: Scheme
    level1: str | None  # canonical 一级, None when it does not match the scheme
    level2: str | None  # canonical 二级, None when it does not match under level1
    role: str | None
    text: str  # the value as one text (Indicator.value_text)
    pv: Any  # its parsed value (xl_jixiao.values.ParsedValue)
    flags: frozenset[str]
    kind: str
    readable: bool
    """A non-empty value that is neither merged nor unreadable (the value rules apply to it)."""
    unit: str
    """The parsed value's unit (``%``, ``万元``, ``次`` …), ``""`` when it has none."""
    number: Decimal | None
    """The parsed value's number."""
    symbol: str | None
    """The parsed value's symbol (≥ ＞ ＝ ＜ ≤), ``None`` when it has none."""
    money: str | None
    """The money unit (万元 or 元) of a quantitative value that is an amount (``≤50万元``), else ``None``."""

    def __init__(self, ind: Indicator, project: Project | None, project_name: str | None, dept: bool,
                 scheme: Scheme, level1: str | None = None, level2: str | None = None, role: str | None = None):
        self.ind = ind
        self.project = project
        self.project_name = project_name
        self.dept = dept
        self.scheme = scheme
        self.level1 = level1
        self.level2 = level2
        self.role = role
        (self.text, self.pv, self.flags, self.kind, self.readable, self.unit, self.number, self.symbol,
         self.money) = _row_facts(ind.op, ind.value, ind.unit)

    def __repr__(self) -> str:
        return f"Item(row={self.ind.row!r}, project={self.project_name!r}, name={self.ind.name!r})"

    @property
    def name(self) -> str:
        return (self.ind.name or "").strip()

    def ref(self, field_name: str = "value") -> CellRef | None:
        return self.ind.cells.get(field_name) or self.ind.location(field_name)


class Context:
    """What every rule sees: the submission, the configuration, the schemes and a finding factory."""

    def __init__(self, sub: Submission, config: Config):
        self.sub: Submission = sub
        self.config: Config = config
        self.file: str | None = sub.source.path if sub.source and sub.source.path else None
        self.money_unit: str = sub.money_unit
        self.budget_year: int | None = config.budget_year or sub.budget_year
        self.scheme: Scheme = self._project_scheme()
        self.dept_scheme: Scheme = self._dept_scheme()
        self.items: list[Item] = build_items(sub, self.project_scheme, self.dept_scheme)
        """Every indicator row, classified under its scheme (部门整体 first, then projects, then unassigned)."""
        self.rows: list[tuple[int, Item]] = list(enumerate(self.items))
        """Every row as ``(row index, item)``: what the selections are made of."""
        self._group()
        self._selections: dict[object, list[tuple[int, Item]]] = {}
        self._enabled: dict[str, bool] = {}
        self.memo: dict[Any, Any] = {}
        """What a rule works out once per submission (by a key naming it), not once per project or row."""
        self.rule: type[Rule] | None = None
        """The rule being run (the engine sets it): its code and severity are the defaults of :meth:`finding`."""

    def _group(self) -> None:
        """The groups most selections start from, in one pass over the rows."""
        self._groups: dict[int, list[Item]] = {}
        self._by_role: dict[str | None, list[tuple[int, Item]]] = {}
        self._readable: dict[str, list[tuple[int, Item]]] = {}
        self._flagged: list[tuple[int, Item]] = []
        self._unreadable: list[tuple[int, Item]] = []
        self._unclassified: list[tuple[int, Item]] = []
        groups, by_role, readable = self._groups, self._by_role, self._readable
        flagged, unreadable, unclassified = self._flagged, self._unreadable, self._unclassified
        last: object = None
        group: list[Item] = []
        for row in self.rows:
            it = row[1]
            if it.dept or it.project is not None:  # a project's rows are consecutive
                key = 0 if it.dept else id(it.project)
                if key != last:
                    group = groups.setdefault(key, [])
                    last = key
                group.append(it)
            got = by_role.get(it.role)
            if got is None:
                by_role[it.role] = [row]
            else:
                got.append(row)
            if it.readable:
                got = readable.get(it.kind)
                if got is None:
                    readable[it.kind] = [row]
                else:
                    got.append(row)
            else:
                unreadable.append(row)
            if it.flags:
                flagged.append(row)
            if it.level2 is None:
                unclassified.append(row)

    def items_of(self, project: Project | None) -> list[Item]:
        """The indicator rows of ``project``; ``None`` gives 部门整体's."""
        return self._groups.get(0 if project is None else id(project), [])

    # ------------------------------------------------------------ row selections
    def select(self, key: object, pred: Callable[[Item], bool],
               among: list[tuple[int, Item]] | None = None) -> list[tuple[int, Item]]:
        """The rows for which ``pred`` holds, as ``(row index, item)`` in row order, worked out once per
        submission for each ``key`` (rules that look at the same rows share it: see :meth:`Rule.rows`).
        ``among``: a selection (in row order) that holds every such row, to look through instead of all rows."""
        hit = self._selections.get(key)
        if hit is None:
            hit = self._selections[key] = [row for row in (self.rows if among is None else among) if pred(row[1])]
        return hit

    def select_text(self, key: object, field_name: str, pred: Callable[[str], bool]) -> list[tuple[int, Item]]:
        """The rows whose indicator text ``field_name`` (``basis``, ``name`` …) is not empty and satisfies ``pred``,
        like :meth:`select`, with ``pred`` worked out once per distinct text (forms repeat these texts)."""
        hit = self._selections.get(key)
        if hit is None:
            hit = self._selections[key] = []
            verdict: dict[str, bool] = {}
            text_of = attrgetter(field_name)
            for row in self.rows:
                text = text_of(row[1].ind)
                if text:
                    ok = verdict.get(text)
                    if ok is None:
                        ok = verdict[text] = pred(text)
                    if ok:
                        hit.append(row)
        return hit

    def rows_with_role(self, role: str) -> list[tuple[int, Item]]:
        """The rows whose category plays ``role`` (``cost``, ``timeliness`` …)."""
        return self._by_role.get(role, [])

    def readable_rows(self, *kinds: str) -> list[tuple[int, Item]]:
        """The rows with a readable value (:attr:`Item.readable`) of one of the value ``kinds``, in row order."""
        if len(kinds) == 1:
            return self._readable.get(kinds[0], [])
        return self.union(("readable", kinds), *(self._readable.get(k, []) for k in kinds))

    def union(self, key: object, *selections: list[tuple[int, Item]]) -> list[tuple[int, Item]]:
        """The rows in any of ``selections``, once each, in row order (worked out once per ``key``)."""
        hit = self._selections.get(key)
        if hit is None:
            rows = {row[0]: row for row in chain.from_iterable(selections)}
            hit = self._selections[key] = [rows[i] for i in sorted(rows)]
        return hit

    def unreadable_rows(self) -> list[tuple[int, Item]]:
        """The rows whose value is not readable (empty, merged, invalid)."""
        return self._unreadable

    def flagged_rows(self) -> list[tuple[int, Item]]:
        """The rows whose value has flags (:attr:`Item.flags`: merged, written in a nonstandard way …)."""
        return self._flagged

    def unclassified_rows(self) -> list[tuple[int, Item]]:
        """The rows whose 二级 (and perhaps 一级) does not match the scheme (:attr:`Item.level2` is ``None``)."""
        return self._unclassified

    def _project_scheme(self) -> Scheme:
        cfg = self.config.scheme
        if cfg and cfg != "auto":
            try:
                return get_scheme(cfg)
            except KeyError as exc:
                raise UserError(str(exc.args[0])) from None
        if self.sub.scheme:
            try:
                return get_scheme(self.sub.scheme)
            except KeyError:
                pass
        pairs = [(i.level1, i.level2) for p in self.sub.projects for i in p.indicators]
        pairs += [(i.level1, i.level2) for i in self.sub.unassigned_indicators]
        return detect_scheme(pairs, kind="project")

    def _dept_scheme(self) -> Scheme:
        cfg = self.config.dept_scheme
        if cfg and cfg != "auto":
            try:
                return get_scheme(cfg)
            except KeyError as exc:
                raise UserError(str(exc.args[0])) from None
        if self.sub.dept_scheme:
            try:
                return get_scheme(self.sub.dept_scheme)
            except KeyError:
                pass
        pairs = [(i.level1, i.level2) for i in (self.sub.dept.indicators if self.sub.dept else [])]
        if not pairs:
            return self.scheme
        best, best_score = self.scheme, fit_score(self.scheme, pairs)
        for s in all_schemes().values():
            if s.kind == "dept":
                score = fit_score(s, pairs)
                if score > best_score:
                    best, best_score = s, score
        return best

    def project_scheme(self, p: Project) -> Scheme:
        """The scheme a project is judged against: the configured or declared one, else the one its own
        categories fit best (a file may hold projects from forms of different schemes)."""
        from_template = self.sub.source is None or self.sub.source.kind == "template"
        declared = (self.config.scheme and self.config.scheme != "auto") or (self.sub.scheme and from_template)
        if declared or not p.indicators:
            return self.scheme
        pairs = [(i.level1, i.level2) for i in p.indicators]
        best, best_score = self.scheme, fit_score(self.scheme, pairs)
        for s in all_schemes().values():
            if s.kind == "project" and s.id != self.scheme.id:
                score = fit_score(s, pairs)
                if score > best_score:
                    best, best_score = s, score
        return best

    def enabled(self, code: str) -> bool:
        """Whether rule ``code`` runs; a rule defers to a more specific one only when that one runs."""
        hit = self._enabled.get(code)
        if hit is None:  # asked for row after row: the configuration's answer once per code
            hit = self._enabled[code] = self.config.enabled(code)
        return hit

    # ------------------------------------------------------------ findings
    def finding(self, message: str, ref: CellRef | None = None, *, project: str | None = None,
                value: str | None = None, suggestion: str | None = None, code: str | None = None,
                row: int | None = None) -> Finding:
        rule = self.rule
        code = code or (rule.code if rule else "")
        if rule is not None and rule.code == code:
            default = rule.severity
        else:
            from xl_jixiao.rules.registry import get_rule

            default = get_rule(code).severity
        f = Finding(
            code=code,
            severity=self.config.severity_for(code, default),
            message=message,
            file=(ref.file if ref and ref.file else self.file),
            sheet=ref.sheet if ref else None,
            cell=ref.cell if ref else None,
            row=(ref.row if ref and ref.row else row),
            project=project,
            value=value,
            suggestion=suggestion,
        )
        return f

    def unit_ref(self, key: str) -> CellRef | None:
        ref = self.sub.cells.get(key)
        if ref is None:
            return CellRef(file=self.file, sheet=layout.SHEET_UNIT)
        return ref


def _classify(scheme: Scheme, l1: str | None, l2: str | None) -> tuple[str | None, str | None, str | None]:
    """(canonical 一级, canonical 二级, role) of a written pair under ``scheme``."""
    level1 = level2 = None
    m1 = scheme.match_level1(l1) if l1 else None
    if m1 is not None:
        level1 = m1.canonical
        m2 = scheme.match_level2(m1.canonical, l2) if l2 else None
        if m2 is not None:
            level2 = m2.canonical
    role = scheme.role(l1, l2) if (l1 or l2) else None
    if level1 is not None and l2 and level2 is None:
        # a 二级 that does not belong under its 一级 (JX102) says nothing reliable about the role
        role = scheme.role(l1)
    return level1, level2, role


_CLASSIFIED: dict[int, tuple[Any, dict[Any, Any]]] = {}
"""Per scheme (:func:`~xl_jixiao.memo.memo_of`): :func:`_classify` of each written (一级, 二级) pair, remembered
across submissions (a form's few pairs repeat row after row, file after file)."""


def build_items(sub: Submission, scheme_of: Callable[[Project], Scheme], dept_scheme: Scheme) -> list[Item]:
    """Classify every indicator row; ``scheme_of`` gives the scheme each project is judged against."""
    groups: list[tuple[list[Indicator], Project | None, str | None, bool, Scheme]] = []
    if sub.dept:
        groups.append((sub.dept.indicators, None, layout.DEPT_PROJECT_NAME, True, dept_scheme))
    for p in sub.projects:
        groups.append((p.indicators, p, p.name, False, scheme_of(p)))
    if sub.unassigned_indicators:  # each row names its own (unknown) project
        unassigned = scheme_of(Project())
        for ind in sub.unassigned_indicators:
            groups.append(([ind], None, ind.project, False, unassigned))
    items: list[Item] = []
    append = items.append
    for inds, project, name, dept, scheme in groups:
        known = memo_of(_CLASSIFIED, scheme)
        for ind in inds:
            l1, l2 = ind.level1, ind.level2
            cls = known.get((l1, l2))
            if cls is None:
                cls = known[(l1, l2)] = _classify(scheme, l1, l2)
            append(Item(ind, project, name, dept, scheme, *cls))
    return items


def _suppressions(sub: Submission) -> dict[tuple[str | None, int | None], set[str]]:
    out: dict[tuple[str | None, int | None], set[str]] = {}

    def add(remark: str | None, cells: Cells, row: int | None):
        codes = suppressed_codes(remark)
        if not codes:
            return
        ref = cells.get("remark") or next(iter(cells.values()), None)
        sheet = ref.sheet if ref else None
        r = ref.row if ref and ref.row else row
        out.setdefault((sheet, r), set()).update(codes)

    for p in sub.projects:
        if p.remark:  # (no remark, nothing accepted)
            add(p.remark, p.cells, p.row)
    for ind in sub.all_indicators():
        if ind.remark:
            add(ind.remark, ind.cells, ind.row)
    return out


_PLANS: dict[tuple, dict[str, list[Rule]]] = {}


def _plan(config: Config) -> dict[str, list[Rule]]:
    """The enabled rules by scope, in code order: ``row`` (the ``value`` rules, then the ``indicator`` rules),
    ``project`` and ``unit`` — worked out once per catalogue and select/ignore choice (a configuration is
    immutable; rules keep no state, so one instance of each serves every submission)."""
    catalogue = tuple(all_rules())
    key = (config.select, config.ignore, catalogue)
    plan = _PLANS.get(key)
    if plan is None:
        if len(_PLANS) > 16:
            _PLANS.clear()
        by_scope: dict[str, list[Rule]] = {"value": [], "indicator": [], "project": [], "unit": [], "files": []}
        for r in catalogue:
            if config.enabled(r.code):
                by_scope[r.scope].append(r())
        plan = _PLANS[key] = {"row": by_scope["value"] + by_scope["indicator"], "project": by_scope["project"],
                              "unit": by_scope["unit"]}
    return plan


def check_submission(sub: Submission, config: Config | None = None) -> list[Finding]:
    """Every finding of the enabled rules on ``sub``; accepted ones come back with ``suppressed=True``."""
    config = config or default_config()
    ctx = Context(sub, config)
    by_scope = _plan(config)
    out: list[Finding] = []

    # The per-row rules: each rule once over all rows (Rule.check_items), their findings kept in the order
    # of a row-by-row run (row by row, rules in code order within a row).
    items = ctx.items
    per_row: dict[int, list[Finding]] = {}  # the rows with findings (most rows have none)
    for rule in by_scope["row"]:
        ctx.rule = type(rule)
        try:
            found = rule.check_items(ctx, items)
        except Exception:  # noqa: BLE001 - row by row, to report the row it fails on as before
            _row_by_row(rule, ctx, items, per_row)
            continue
        for i, res in found:
            per_row.setdefault(i, []).extend(res)
    for i in sorted(per_row):
        out.extend(per_row[i])

    # Project and unit rules: a rule that raises keeps what it found before and leaves one JX505.
    projects, dept = sub.projects, sub.dept
    for rule in by_scope["project"]:
        ctx.rule = type(rule)
        try:
            check = rule.check
            for p in projects:
                res = check(ctx, p)
                if res:
                    out.extend(res)
            if dept is not None:
                res = rule.check_dept(ctx, sub)
                if res:
                    out.extend(res)
        except Exception as exc:  # noqa: BLE001 - logged with its traceback by _failure
            out.append(_failure(rule, exc, ctx))
    for rule in by_scope["unit"]:
        ctx.rule = type(rule)
        try:
            res = rule.check(ctx, sub)
            if res:
                out.extend(res)
        except Exception as exc:  # noqa: BLE001 - logged with its traceback by _failure
            out.append(_failure(rule, exc, ctx))
    ctx.rule = None

    sup = _suppressions(sub)
    if sup:
        for f in out:
            codes = sup.get((f.sheet, f.row))
            if codes and f.code in codes:
                f.suppressed = True
    out = [f for f in out if ctx.enabled(f.code)]
    uncertain = {p.name for p in sub.projects if p.uncertain}
    if uncertain:  # a layout not understood: one JX506 instead of findings about the wrong cells
        out = [f for f in out if f.code == "JX506" or f.project not in uncertain]
    seen: set[tuple] = set()
    unique: list[Finding] = []
    for f in out:
        key = (f.code, f.sheet, f.cell, f.row, f.project, f.message)
        if key in seen:
            continue
        seen.add(key)
        unique.append(f)
    return unique


def _failure(rule: Rule, exc: BaseException, ctx: Context) -> Finding:
    """The JX505 of a rule that raised (logged with its traceback for the developer)."""
    log.debug("rule %s raised on %s", rule.code, ctx.file, exc_info=True)
    return internal_error(rule.code, exc, ctx)


def _row_by_row(rule: Rule, ctx: Context, items: list[Item], per_row: dict[int, list[Finding]]) -> None:
    """:meth:`Rule.check` row by row: findings up to the row it raises on, then one JX505 there."""
    for i, it in enumerate(items):
        try:
            res = rule.check(ctx, it)
        except Exception as exc:  # noqa: BLE001 - logged with its traceback by _failure
            per_row.setdefault(i, []).append(_failure(rule, exc, ctx))
            return
        if res:
            per_row.setdefault(i, []).extend(res)


def internal_error(code: str, exc: BaseException, ctx: Context) -> Finding:
    """The one finding a rule that raised leaves behind: which rule, which file, what went wrong."""
    from xl_jixiao.rules.registry import get_rule

    rule = get_rule(INTERNAL_ERROR_CODE)
    where = f"文件 {ctx.file}" if ctx.file else "本工作簿"
    return Finding(
        code=INTERNAL_ERROR_CODE, severity=ctx.config.severity_for(INTERNAL_ERROR_CODE, rule.severity),
        message=f"规则 {code} 检查{where}时出现程序内部错误（{type(exc).__name__}：{str(exc)[:120]}），"
                f"该规则的结果不完整，其余规则照常检查",
        file=ctx.file, value=code, suggestion=rule.best_practice)


def iter_amounts(values: Iterable[Decimal | None]) -> list[Decimal]:
    return [v for v in values if v is not None]
