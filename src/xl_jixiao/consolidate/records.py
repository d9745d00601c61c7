"""What consolidation keeps of one input file: a compact, cacheable record.

A worker turns a file into a :class:`FileRecord`: the unit's totals and counts,
and its detail rows (项目明细, 指标明细, 问题清单) already rendered as
compressed SpreadsheetML fragments.  The main process never needs the
:class:`~xl_jixiao.model.Submission` itself, so memory stays flat however many
files there are, and a cached record is copied into the summary without being
rebuilt.

Records are stored in the cache as plain data (strings, numbers, bytes, lists,
dicts); :func:`dumps`/:func:`loads` refuse anything else when loading, so a
tampered cache cannot run code.
"""

from __future__ import annotations

import io
import pickle
from dataclasses import asdict, dataclass, field, fields
from decimal import Decimal

from xl_jixiao.consolidate.xlsx import (
    S_DEFAULT, S_INT, S_LINK, S_MONEY, S_WRAP, Column, compress_rows, row,
)

RECORD_FORMAT = 4
"""Bumped whenever the record or the rendered columns change; old cache entries are then ignored."""

MONEY_UNIT = "万元"

DEPT_LEVEL1_PREFIX = "部门整体|"
"""Key prefix of 部门整体 indicators in ``FileRecord.level1_counts``: their categories are not projects'."""

# outcomes of one file
OK = "template"  # 已汇总
LEGACY = "legacy"  # 已导入（非模板）
SKIPPED = "skipped"  # 跳过
FAILED = "failed"  # 无法读取

OUTCOME_LABELS = {OK: "已汇总", LEGACY: "已导入（非模板）", SKIPPED: "跳过", FAILED: "无法读取"}

# ------------------------------------------------------------------ sheet columns

PROJECT_COLUMNS = [
    Column("单位名称", 24), Column("单位编码", 12), Column("项目编码", 24), Column("项目名称", 30),
    Column("项目类别", 18), Column("实施单位", 20), Column("实施期", 10),
    Column(f"年度资金总额（{MONEY_UNIT}）", 14, S_MONEY), Column(f"财政拨款（{MONEY_UNIT}）", 13, S_MONEY),
    Column(f"上年结转（{MONEY_UNIT}）", 13, S_MONEY), Column(f"其他资金（{MONEY_UNIT}）", 13, S_MONEY),
    Column("原金额单位", 8), Column("资金用途", 24), Column("年度绩效目标", 40), Column("指标数", 8, S_INT),
    Column("文件", 30), Column("工作表", 10), Column("行", 6, S_INT),
]
PROJECT_MONEY_COLS = (7, 8, 9, 10)  # 0-based

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

SEVERITY_LABELS = {"error": "错误", "warning": "警告", "info": "提示"}


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
        return self.outcome in (OK, LEGACY)

    def amounts(self) -> tuple[Decimal, Decimal, Decimal, Decimal]:
        return Decimal(self.total), Decimal(self.fiscal), Decimal(self.carryover), Decimal(self.other)


_RECORD_FIELDS = tuple(f.name for f in fields(FileRecord))


# ------------------------------------------------------------------ safe (de)serialisation


class _PlainUnpickler(pickle.Unpickler):
    def find_class(self, module, name):  # noqa: D401 - pickle API
        raise pickle.UnpicklingError(f"缓存记录中出现了不允许的对象：{module}.{name}")


def dumps(rec: FileRecord) -> bytes:
    state = asdict(rec)
    return pickle.dumps((RECORD_FORMAT, state), protocol=pickle.HIGHEST_PROTOCOL)


def loads(blob: bytes) -> FileRecord:
    version, state = _PlainUnpickler(io.BytesIO(blob)).load()
    if version != RECORD_FORMAT or not isinstance(state, dict) or set(state) != set(_RECORD_FIELDS):
        raise ValueError("缓存记录格式已过期")
    return FileRecord(**state)


# ------------------------------------------------------------------ rendering


def render_findings(rec: FileRecord, findings: list[dict]) -> None:
    """Render finding dicts (keys as :meth:`Finding.to_json`) into the record."""
    rows_xml = []
    links = []
    styles = [c.style for c in FINDING_COLUMNS]
    rule_counts: dict[str, int] = dict(rec.rule_counts)
    for f in findings:
        sev = f.get("severity") or "error"
        cell_ref = f.get("cell")
        sheet = f.get("sheet")
        rows_xml.append(row([
            rec.unit_name, rec.display, sheet, cell_ref, f.get("project"), f.get("code"),
            SEVERITY_LABELS.get(sev, sev), f.get("message"), f.get("value"), f.get("suggestion"),
            "是" if f.get("suppressed") else None, f"打开 {cell_ref}" if cell_ref else "打开文件",
        ], styles))
        links.append([sheet, cell_ref] if sheet else None)
        if f.get("suppressed"):
            rec.suppressed += 1
        else:
            if sev == "error":
                rec.errors += 1
            elif sev == "warning":
                rec.warnings += 1
            else:
                rec.infos += 1
            key = f"{f.get('code')}|{sev}"
            rule_counts[key] = rule_counts.get(key, 0) + 1
    rec.rule_counts = rule_counts
    rec.findings_frag = compress_rows(rows_xml) if rows_xml else b""
    rec.findings_n = len(rows_xml)
    rec.finding_links = links


__all__ = [
    "FileRecord", "dumps", "loads", "render_findings", "RECORD_FORMAT", "MONEY_UNIT",
    "OK", "LEGACY", "SKIPPED", "FAILED", "OUTCOME_LABELS",
    "PROJECT_COLUMNS", "INDICATOR_COLUMNS", "FINDING_COLUMNS", "FINDING_LINK_COL", "PROJECT_MONEY_COLS",
    "SEVERITY_LABELS", "S_DEFAULT",
]
