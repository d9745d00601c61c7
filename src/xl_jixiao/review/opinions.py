"""审核意见: findings turned into a reviewer's numbered opinions, project by project.

Which review dimension a rule belongs to and how its opinion is worded is data
(``data/review_opinions.toml``; a region may override entries with its own file).
A criteria table loaded with ``--criteria`` brings its own dimension and wording
for its JX9xx codes.  Everything here reads :class:`~xl_jixiao.pipeline.FileResult`s.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from xl_jixiao import layout
from xl_jixiao.errors import UserError
from xl_jixiao.model import Finding, Project, Severity, Submission
from xl_jixiao.money import convert
from xl_jixiao.pipeline import FileResult

DIMENSIONS = ("完整性", "可测性", "可行性", "相关性")
OPINIONS_PATH = Path(__file__).resolve().parent.parent / "data" / "review_opinions.toml"
PASS = "通过"
RETURN = "退回修改"
UNIT_LEVEL = "（单位信息）"
_CHINESE_NUMBERS = "一二三四五六七八九十"
_PLACEHOLDER = re.compile(r"\{(说明|建议|指标|值|项目)\}")


@dataclass(frozen=True)
class OpinionRule:
    dimension: str
    opinion: str


def _validate(table: dict, where: str) -> dict[str, OpinionRule]:
    out: dict[str, OpinionRule] = {}
    for code, entry in table.items():
        if not isinstance(entry, dict):
            raise UserError(f"审核意见文件 {where}：[{code}] 应是一个配置节")
        dim = str(entry.get("dimension", "")).strip()
        text = str(entry.get("opinion", "")).strip()
        unknown = set(entry) - {"dimension", "opinion"}
        if unknown:
            raise UserError(f"审核意见文件 {where}：[{code}] 中未知的配置项「{'、'.join(sorted(unknown))}」"
                            f"（可用：dimension、opinion）")
        if dim not in DIMENSIONS:
            raise UserError(f"审核意见文件 {where}：[{code}] 的 dimension「{dim}」不是审核维度"
                            f"（可用：{'、'.join(DIMENSIONS)}）")
        if not text:
            raise UserError(f"审核意见文件 {where}：[{code}] 缺少 opinion（意见表述）")
        out[str(code).upper()] = OpinionRule(dim, text)
    return out


@lru_cache(maxsize=1)
def default_opinions() -> dict[str, OpinionRule]:
    """Rule code → (dimension, opinion wording), as shipped."""
    with open(OPINIONS_PATH, "rb") as f:
        return _validate(tomllib.load(f), str(OPINIONS_PATH))


def load_opinions(path: str | Path | None = None) -> dict[str, OpinionRule]:
    """The shipped table, overlaid with a region's file (only the codes it names)."""
    table = dict(default_opinions())
    if path is None:
        return table
    p = Path(path)
    try:
        with open(p, "rb") as f:
            data = tomllib.load(f)
    except FileNotFoundError:
        raise UserError(f"找不到审核意见文件：{p}") from None
    except (tomllib.TOMLDecodeError, OSError) as exc:
        raise UserError(f"审核意见文件 {p} 无法读取：{exc}") from None
    table.update(_validate(data, str(p)))
    return table


# ------------------------------------------------------------------ one opinion


@dataclass
class Opinion:
    code: str
    dimension: str
    text: str
    severity: Severity
    sheet: str | None = None
    cell: str | None = None


def _clean(text: str) -> str:
    text = re.sub(r"\s+", " ", text or "").strip()
    return text.rstrip("。；;，, ")


def _indicator_name(sub: Submission | None, f: Finding) -> str:
    if sub is None or not f.sheet or f.row is None:
        return ""
    for ind in sub.all_indicators():
        for ref in ind.cells.values():
            if ref.sheet == f.sheet and ref.row == f.row:
                return ind.name or ""
    return ""


def opinion_text(f: Finding, rule: OpinionRule, sub: Submission | None = None) -> str:
    """The opinion sentence of one finding: the rule's wording with the finding's particulars filled in."""
    message = _clean(f.message)
    if f.project:
        message = message.replace(f"项目「{f.project}」的", "").replace(f"项目「{f.project}」", "本项目")
    values = {"说明": message, "建议": _clean(f.suggestion or "") or "按要求修改", "指标": _indicator_name(sub, f),
              "值": _clean(f.value or ""), "项目": f.project or ""}
    label = re.match(r"([^（(，,：:]{2,12}?)(?:不规范|表述过于简单|过于简单|未填写|填写不规范|不完整)", rule.opinion)
    if label:  # 「政策依据不规范（政策依据没有引用…）」 → 「政策依据不规范（没有引用…）」
        field_name = label.group(1)
        if values["说明"].startswith(field_name) and len(values["说明"]) > len(field_name):
            values["说明"] = values["说明"][len(field_name):].lstrip("的：: ")
    text = _PLACEHOLDER.sub(lambda m: values[m.group(1)], rule.opinion)
    text = re.sub(r"（）|\(\)", "", text)
    text = re.sub(r"，{2,}", "，", text).replace("，。", "。").replace("请请", "请")
    return text if text.endswith(("。", "！", "？")) else text + "。"


def fallback_rule(f: Finding) -> OpinionRule:
    return OpinionRule("完整性", "{说明}，请{建议}。")


# ------------------------------------------------------------------ per project


@dataclass
class ProjectReview:
    """One row of the 审核意见 workbook."""

    unit: str
    unit_code: str
    file: str
    project_code: str
    project_name: str
    total_wan: Decimal | None
    opinions: list[Opinion] = field(default_factory=list)
    manual: list[str] = field(default_factory=list)
    conclusion: str = PASS

    def by_dimension(self) -> dict[str, list[tuple[int, Opinion]]]:
        """Opinions numbered 1, 2, … in dimension order (完整性, 可测性, 可行性, 相关性)."""
        out: dict[str, list[tuple[int, Opinion]]] = {d: [] for d in DIMENSIONS}
        n = 0
        for d in DIMENSIONS:
            for o in self.opinions:
                if o.dimension == d:
                    n += 1
                    out[d].append((n, o))
        return out

    def text(self) -> str:
        """The whole opinion as a reviewer writes it: numbered, grouped under each dimension."""
        if not self.opinions:
            return "经审核，该项目绩效目标完整、可衡量，与资金和工作内容相符，审核通过。"
        lines = []
        k = 0
        for d, items in self.by_dimension().items():
            if not items:
                continue
            lines.append(f"{_CHINESE_NUMBERS[k]}、{d}")
            k += 1
            lines.extend(f"{n}. {o.text}" for n, o in items)
        return "\n".join(lines)

    def dimension_text(self, dimension: str) -> str:
        return "\n".join(f"{n}. {o.text}" for n, o in self.by_dimension()[dimension])


def _total_wan(p: Project) -> Decimal | None:
    t = p.funding.total
    return convert(t, p.funding.money_unit, "万元") if t is not None else None


def returns(f: Finding, return_on: str) -> bool:
    """Whether a finding sends its project back (errors; warnings too when ``return_on`` is ``warning``)."""
    if f.suppressed:
        return False
    if f.severity == Severity.ERROR:
        return True
    return return_on == "warning" and f.severity == Severity.WARNING


def review_result(res: FileResult, table: dict[str, OpinionRule] | None = None, *, return_on: str = "error",
                  manual: list[str] | None = None) -> list[ProjectReview]:
    """One :class:`ProjectReview` per project of ``res`` (部门整体 and unit-level items first when there are any).

    Suppressed findings and 提示 (normalised notation) give no opinion.  ``manual`` are the
    items a reviewer ticks by hand (a criteria table's 人工 rows), listed on every project.
    """
    table = table if table is not None else default_opinions()
    sub = res.submission
    unit = (sub.unit_name if sub else None) or "（未识别单位）"
    code = (sub.unit_code if sub else None) or ""
    rows: dict[str, ProjectReview] = {}
    order: list[str] = []

    def row(key: str, project_code: str, name: str, total: Decimal | None) -> ProjectReview:
        if key not in rows:
            rows[key] = ProjectReview(unit, code, res.name, project_code, name, total, manual=list(manual or []))
            order.append(key)
        return rows[key]

    projects = list(sub.projects) if sub else []
    names = {p.name for p in projects if p.name}
    for f in res.findings:
        if f.suppressed or f.severity == Severity.INFO:
            continue
        if f.project and f.project in names:
            continue
        key = layout.DEPT_PROJECT_NAME if f.project == layout.DEPT_PROJECT_NAME else UNIT_LEVEL
        row(key, "", key, None)
    for p in projects:
        row(f"p:{id(p)}", p.code or "", p.name or "（未命名项目）", _total_wan(p))
    by_name: dict[str, list[str]] = {}
    for p in projects:
        by_name.setdefault(p.name or "", []).append(f"p:{id(p)}")
    for f in res.findings:
        if f.suppressed or f.severity == Severity.INFO:
            continue
        keys = by_name.get(f.project or "") if f.project else None
        if keys:
            key = keys[0]
        else:
            key = layout.DEPT_PROJECT_NAME if f.project == layout.DEPT_PROJECT_NAME else UNIT_LEVEL
        r = rows[key]
        rule = table.get(f.code) or fallback_rule(f)
        r.opinions.append(Opinion(f.code, rule.dimension, opinion_text(f, rule, sub), f.severity, f.sheet, f.cell))
        if returns(f, return_on):
            r.conclusion = RETURN
    return [rows[k] for k in order]


def unit_conclusion(res: FileResult, reviews: list[ProjectReview]) -> str:
    if not res.usable:
        return RETURN
    return RETURN if any(r.conclusion == RETURN for r in reviews) else PASS
