"""The summary's view of one :class:`~xl_jixiao.pipeline.FileResult`.

The data of a file is its ``FileResult``.  Its rows in the summary workbook are
*derived* from it, once, by the functions here: :func:`project_rows`,
:func:`indicator_rows` and :func:`finding_rows` give one dict per row (English
keys; the same rows become the DataFrames of the Python API), and
:func:`summarise` renders them into a :class:`FileRecord`: the unit's totals and
counts and the detail rows (项目明细, 指标明细, 问题清单) as compressed
SpreadsheetML fragments.  The main process copies fragments into the summary
without holding submissions, so memory stays flat however many files there
are; the cache stores the ``FileResult`` and, beside it, the record.

Records are stored as plain data (strings, numbers, bytes, lists, dicts);
:func:`dumps`/:func:`loads` refuse anything else when loading, so a tampered
cache cannot run code.
"""

from __future__ import annotations

import io
import operator
import pickle
from collections import Counter
from dataclasses import dataclass, field, fields
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from xl_jixiao.consolidate.xlsx import (
    S_DEFAULT,
    S_INT,
    S_LINK,
    S_MONEY,
    S_WRAP,
    Column,
    RowRenderer,
    compress_table,
)
from xl_jixiao.severity import SEVERITY_LABELS, Severity

if TYPE_CHECKING:  # records are loaded in the main process without the model (a warm run stays light)
    from xl_jixiao.model import Finding, Indicator, Project, RowCells
    from xl_jixiao.pipeline import FileResult

RECORD_FORMAT = 5
"""Bumped whenever the record or the rendered columns change; old cache entries are then ignored."""

MONEY_UNIT = "万元"

DEPT_LEVEL1_PREFIX = "部门整体|"
"""Key prefix of 部门整体 indicators in ``FileRecord.level1_counts``: their categories are not projects'."""

# outcomes of one file (FileResult.outcome)
OK = "template"  # 已汇总
LEGACY = "legacy"  # 已导入（非模板）
SKIPPED = "skipped"  # 跳过
FAILED = "failed"  # 无法读取
USABLE = ("template", "legacy", "live")

OUTCOME_LABELS = {OK: "已汇总", LEGACY: "已导入（非模板）", SKIPPED: "跳过", FAILED: "无法读取"}

# ------------------------------------------------------------------ sheet columns

PROJECT_COLUMNS = [
    Column("单位名称", 24), Column("单位编码", 12), Column("项目编码", 24), Column("项目名称", 30),
    Column("项目类别", 18), Column("项目类型", 12), Column("是否新增", 8), Column("分配方式", 12),
    Column("实施单位", 20), Column("实施期", 10),
    Column(f"年度资金总额（{MONEY_UNIT}）", 14, S_MONEY), Column(f"财政拨款（{MONEY_UNIT}）", 13, S_MONEY),
    Column(f"上年结转（{MONEY_UNIT}）", 13, S_MONEY), Column(f"其他资金（{MONEY_UNIT}）", 13, S_MONEY),
    Column(f"实施期资金总额（{MONEY_UNIT}）", 14, S_MONEY),
    Column("原金额单位", 8), Column("资金用途", 24), Column("政策依据", 30), Column("测算依据", 30),
    Column("年度绩效目标", 40), Column("实施期目标", 30), Column("指标数", 8, S_INT), Column("声明不适用的类别", 24),
    Column("文件", 30), Column("工作表", 10), Column("行", 6, S_INT),
]
PROJECT_MONEY_COLS = (10, 11, 12, 13, 14)  # 0-based

INDICATOR_COLUMNS = [
    Column("单位名称", 24), Column("单位编码", 12), Column("项目编码", 24), Column("项目名称", 30),
    Column("一级指标", 12), Column("二级指标", 16), Column("三级指标", 30), Column("计算符号", 8),
    Column("指标值", 14), Column("计量单位", 8), Column("指标值说明", 24), Column("取值依据", 12),
    Column("备注", 14), Column("文件", 30), Column("工作表", 10), Column("行", 6, S_INT),
]

FINDING_COLUMNS = [
    Column("单位名称", 24), Column("文件", 30), Column("工作表", 10), Column("单元格", 8), Column("项目", 24),
    Column("规则", 8), Column("严重程度", 8), Column("问题说明", 60, S_WRAP), Column("原值", 20),
    Column("建议", 30), Column("已忽略", 7), Column("打开", 10, S_LINK),
]
FINDING_LINK_COL = len(FINDING_COLUMNS)  # 1-based column of the 打开 link
# one renderer per detail sheet for the life of a (reading) process: files share their texts' cells
_PROJECTS = RowRenderer([c.style for c in PROJECT_COLUMNS], remember=2048)
_INDICATORS = RowRenderer([c.style for c in INDICATOR_COLUMNS], remember=2048)
_FINDINGS = RowRenderer([c.style for c in FINDING_COLUMNS], remember=2048)

# the keys of the rows below, in the order of the sheets' columns
PROJECT_KEYS = (
    "unit_name", "unit_code", "project_code", "project_name", "category", "project_type", "is_new", "allocation",
    "implementer", "period", "total", "fiscal", "carryover", "other", "period_total", "money_unit", "purpose",
    "policy_basis", "calc_basis", "annual_goal", "period_goal", "n_indicators", "not_applicable",
    "file", "sheet", "row",
)
INDICATOR_KEYS = (
    "unit_name", "unit_code", "project_code", "project_name", "level1", "level2", "name", "op",
    "value", "unit", "note", "basis", "remark", "file", "sheet", "row",
)
_TOTALS = PROJECT_KEYS.index("total")  # total, fiscal, carryover, other follow each other
_LEVEL1 = INDICATOR_KEYS.index("level1")
_LEVEL1_OF = operator.itemgetter(_LEVEL1)

FINDING_KEYS = (
    "unit_name", "file", "sheet", "cell", "project", "code", "severity", "message", "value", "suggestion",
    "suppressed",
)


@dataclass
class FileRecord:
    """One input file, as consolidation keeps it (and the cache stores it)."""

    path: str  # absolute path
    display: str  # path shown in the summary (relative to the inputs' common folder)
    size: int = 0
    mtime_ns: int = 0
    sha256: str | None = None
    outcome: str = FAILED
    reason: str = ""
    # unit (template / legacy)
    unit_name: str | None = None
    unit_code: str | None = None
    budget_year: int | None = None
    money_unit: str | None = None  # as written in the workbook
    n_projects: int = 0
    n_indicators: int = 0
    total: str = "0"  # Decimal text, in MONEY_UNIT
    fiscal: str = "0"
    carryover: str = "0"
    other: str = "0"
    errors: int = 0
    warnings: int = 0
    infos: int = 0
    suppressed: int = 0
    # rendered detail
    projects_frag: bytes = b""
    projects_n: int = 0
    indicators_frag: bytes = b""
    indicators_n: int = 0
    findings_frag: bytes = b""
    findings_n: int = 0
    finding_links: list = field(default_factory=list)  # per finding row: [sheet, cell] or None
    level1_counts: dict = field(default_factory=dict)  # 一级指标 → count (部门整体 ones prefixed, see below)
    rule_counts: dict = field(default_factory=dict)  # "JX301|error" → count
    project_codes: list = field(default_factory=list)  # [code, project name, sheet, cell]
    seconds: float = 0.0

    @property
    def usable(self) -> bool:
        return self.outcome in USABLE

    def amounts(self) -> tuple[Decimal, Decimal, Decimal, Decimal]:
        return Decimal(self.total), Decimal(self.fiscal), Decimal(self.carryover), Decimal(self.other)


_RECORD_FIELDS = tuple(f.name for f in fields(FileRecord))


# ------------------------------------------------------------------ safe (de)serialisation


class _PlainUnpickler(pickle.Unpickler):
    def find_class(self, module, name):
        raise pickle.UnpicklingError(f"缓存记录中出现了不允许的对象：{module}.{name}")


def dumps(rec: FileRecord) -> bytes:
    state = {name: getattr(rec, name) for name in _RECORD_FIELDS}  # plain data already: no deep copy needed
    return pickle.dumps((RECORD_FORMAT, state), protocol=pickle.HIGHEST_PROTOCOL)


def loads(blob: bytes) -> FileRecord:
    version, state = _PlainUnpickler(io.BytesIO(blob)).load()
    if version != RECORD_FORMAT or not isinstance(state, dict) or set(state) != set(_RECORD_FIELDS):
        raise ValueError("缓存记录格式已过期")
    return FileRecord(**state)


# ------------------------------------------------------------------ rows of one result


def _sheet(obj: Indicator | Project, field: str, other: str, row_cells: type[RowCells]) -> str | None:
    """The sheet of ``obj``'s cell ``field`` (else ``other``, else any of its cells): for a table row read as
    one (a ``row_cells``, :class:`~xl_jixiao.model.RowCells`) every cell is on its sheet, and no reference is
    made to say so."""
    cells = obj.cells
    if type(cells) is row_cells and cells._dict is None:
        return cells.sheet if cells.columns else None
    ref = obj.location(field) or obj.location(other)
    return ref.sheet if ref else None


def _project_values(res: FileResult) -> list[tuple[Any, ...]]:
    """One tuple per project, in the order of :data:`PROJECT_KEYS`; amounts in :data:`MONEY_UNIT`."""
    from xl_jixiao.model import RowCells
    from xl_jixiao.money import convert

    sub = res.submission
    if sub is None:
        return []
    out = []
    name = res.name
    for p in sub.projects:
        fu = p.funding
        unit = fu.money_unit
        out.append((
            sub.unit_name, sub.unit_code, p.code, p.name, p.category, p.project_type, p.is_new, p.allocation,
            p.implementer, p.period,
            convert(fu.total, unit, MONEY_UNIT), convert(fu.fiscal, unit, MONEY_UNIT),
            convert(fu.carryover, unit, MONEY_UNIT), convert(fu.other, unit, MONEY_UNIT),
            convert(fu.period_total, unit, MONEY_UNIT),
            unit, p.purpose, p.policy_basis, p.calc_basis, p.annual_goal, p.period_goal, len(p.indicators),
            "、".join(dict.fromkeys("/".join(x for x in (i.level1, i.level2) if x) for i in p.not_applicable)) or None,
            name, _sheet(p, "name", "name", RowCells), p.row,
        ))
    return out


def _indicator_values(res: FileResult) -> list[tuple[Any, ...]]:
    """One tuple per indicator, in the order of :data:`INDICATOR_KEYS`: 部门整体 first, then each project's,
    then rows matching no project."""
    from xl_jixiao.model import RowCells

    sub = res.submission
    if sub is None:
        return []
    out: list[tuple[Any, ...]] = []
    add = out.append
    unit_name, unit_code, name = sub.unit_name, sub.unit_code, res.name

    def rows(indicators: list[Indicator], project_code: str | None, project_name: str | None, dept: bool) -> None:
        for ind in indicators:
            sheet = _sheet(ind, "value", "name", RowCells)
            add((unit_name, unit_code, project_code, ind.project or "部门整体" if dept else project_name,
                 ind.level1, ind.level2, ind.name, ind.op, ind.value, ind.unit, ind.note, ind.basis, ind.remark,
                 name, sheet, ind.row))

    if sub.dept is not None:
        rows(sub.dept.indicators, None, None, True)
    for p in sub.projects:
        rows(p.indicators, p.code, p.name, False)
    for ind in sub.unassigned_indicators:
        rows([ind], None, f"{ind.project or ''}（未匹配项目）", False)
    return out


def project_rows(res: FileResult) -> list[dict[str, Any]]:
    """One row per project; amounts converted to ``MONEY_UNIT``, ``money_unit`` as written."""
    return [dict(zip(PROJECT_KEYS, v)) for v in _project_values(res)]


def indicator_rows(res: FileResult) -> list[dict[str, Any]]:
    """One row per indicator: 部门整体 first, then each project's, then rows matching no project."""
    return [dict(zip(INDICATOR_KEYS, v)) for v in _indicator_values(res)]


def finding_row(res: FileResult, f: Finding) -> dict[str, Any]:
    return {"unit_name": res.submission.unit_name if res.submission else None, "file": res.name,
            "sheet": f.sheet, "cell": f.cell, "project": f.project, "code": f.code, "severity": f.severity.value,
            "message": f.message, "value": f.value, "suggestion": f.suggestion, "suppressed": f.suppressed}


def finding_rows(res: FileResult) -> list[dict[str, Any]]:
    return [finding_row(res, f) for f in res.findings]


def summarise(res: FileResult) -> FileRecord:
    """The summary's record of one result (rendered rows, totals, counts, cross-file keys)."""
    rec = FileRecord(path=res.path, display=res.name, size=res.size or 0, mtime_ns=res.mtime_ns or 0,
                     sha256=res.sha256, outcome=res.outcome, reason=res.reason, seconds=res.timings.total)
    sub = res.submission
    if sub is not None and res.usable:
        rec.unit_name, rec.unit_code = sub.unit_name, sub.unit_code
        rec.budget_year, rec.money_unit = sub.budget_year, sub.money_unit
        rec.n_projects = len(sub.projects)
        prows = _project_values(res)
        irows = _indicator_values(res)
        totals = [Decimal(0)] * 4
        for r in prows:
            for i, v in enumerate(r[_TOTALS:_TOTALS + 4]):
                if v is not None:
                    totals[i] += v
        rec.total, rec.fiscal, rec.carryover, rec.other = (format(v, "f") for v in totals)
        level1: dict[str, int] = {}
        n_dept = len(sub.dept.indicators) if sub.dept is not None else 0  # indicator rows list them first
        for r in irows[:n_dept]:
            key = DEPT_LEVEL1_PREFIX + (r[_LEVEL1] or "（未填）")
            level1[key] = level1.get(key, 0) + 1
        # the other rows counted in C, by their 一级指标 as they are; then blank ones (None, "") under one key,
        # in the order of first appearance like every key
        for key, count in Counter(map(_LEVEL1_OF, irows[n_dept:])).items():
            key = key or "（未填）"
            level1[key] = level1.get(key, 0) + count
        rec.n_indicators = len(irows)
        rec.projects_frag = compress_table(_PROJECTS.table(prows)) if prows else b""
        rec.projects_n = len(prows)
        rec.indicators_frag = compress_table(_INDICATORS.table(irows)) if irows else b""
        rec.indicators_n = len(irows)
        rec.level1_counts = level1
        for p in sub.projects:
            if p.code:
                cref = p.location("code")
                rec.project_codes.append([p.code, p.name, cref.sheet if cref else None, cref.cell if cref else None])
    render_findings(rec, res.findings)
    return rec


# ------------------------------------------------------------------ rendering


def finding_cells(unit_name: str | None, display: str, f: Finding) -> list[object]:
    """The 问题清单 cells of one finding (the summary writer's cross-file findings use it too)."""
    return [unit_name, display, f.sheet, f.cell, f.project, f.code, f.severity.label, f.message, f.value,
            f.suggestion, "是" if f.suppressed else None, f"打开 {f.cell}" if f.cell else "打开文件"]


def render_findings(rec: FileRecord, findings: list[Finding]) -> None:
    """Render findings into the record (rows, links, counts by severity and by rule)."""
    rows = []
    links = []
    rule_counts: dict[str, int] = dict(rec.rule_counts)
    for f in findings:
        rows.append(finding_cells(rec.unit_name, rec.display, f))
        links.append([f.sheet, f.cell] if f.sheet else None)
        if f.suppressed:
            rec.suppressed += 1
        else:
            if f.severity == Severity.ERROR:
                rec.errors += 1
            elif f.severity == Severity.WARNING:
                rec.warnings += 1
            else:
                rec.infos += 1
            key = f"{f.code}|{f.severity.value}"
            rule_counts[key] = rule_counts.get(key, 0) + 1
    rec.rule_counts = rule_counts
    rec.findings_frag = compress_table(_FINDINGS.table(rows)) if rows else b""
    rec.findings_n = len(rows)
    rec.finding_links = links


__all__ = [
    "FileRecord", "dumps", "loads", "render_findings", "summarise", "project_rows", "indicator_rows",
    "finding_rows", "finding_row", "finding_cells", "PROJECT_KEYS", "INDICATOR_KEYS", "FINDING_KEYS", "RECORD_FORMAT", "MONEY_UNIT",
    "OK", "LEGACY", "SKIPPED", "FAILED", "OUTCOME_LABELS",
    "PROJECT_COLUMNS", "INDICATOR_COLUMNS", "FINDING_COLUMNS", "FINDING_LINK_COL", "PROJECT_MONEY_COLS",
    "SEVERITY_LABELS", "S_DEFAULT",
]
