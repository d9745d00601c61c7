"""Year over year: this year's targets against last year's, project by project.

Projects are matched by 项目编码, else by normalised name.  Reported: targets
lowered (≥95% → ≥90%, or a cost ceiling raised), indicators copied unchanged from
last year, and amounts that changed by more than a configured share while the
indicators stayed the same.  Last year comes from its summary workbook (through the
sources it lists), a folder of forms or one form — always as FileResults.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from xl_jixiao.config import Config
from xl_jixiao.errors import ReadError, UserError
from xl_jixiao.model import Indicator, Project
from xl_jixiao.money import convert
from xl_jixiao.pipeline import FileResult
from xl_jixiao.rules import common as c
from xl_jixiao.units import unit_key

POSITIVE = ("≥", "＞", "＝")
NEGATIVE = ("≤", "＜")


@dataclass
class YearFinding:
    unit: str
    project_code: str
    project_name: str
    matched_by: str
    kind: str  # 目标降低 / 指标照搬上年 / 资金变化而指标未变
    detail: str


def _key(ind: Indicator) -> str:
    return c.compact(c.clean_indicator_name(ind.name))


def _parsed(ind: Indicator):
    from xl_jixiao.values import parse_value

    return parse_value(ind.value_text())


def _lowered(old: Indicator, new: Indicator) -> str | None:
    po, pn = _parsed(old), _parsed(new)
    if c.kind(po) != "quantitative" or c.kind(pn) != "quantitative":
        return None
    no, nn, oo, on = c.number(po), c.number(pn), c.op(po), c.op(pn)
    if no is None or nn is None or c.unit(po) != c.unit(pn):
        return None
    if oo in POSITIVE and on in POSITIVE and nn < no:
        return f"指标「{new.name}」由「{old.value_text()}」降为「{new.value_text()}」"
    if oo in NEGATIVE and on in NEGATIVE and nn > no:
        return f"指标「{new.name}」的上限由「{old.value_text()}」放宽为「{new.value_text()}」"
    return None


def _wan(p: Project) -> Decimal | None:
    t = p.funding.total
    return convert(t, p.funding.money_unit, "万元") if t is not None else None


def _signature(p: Project) -> frozenset[tuple[str, str]]:
    return frozenset((_key(i), c.compact(i.value_text())) for i in p.indicators if _key(i))


def load_last_year(path: str | Path, config: Config | None = None) -> list[FileResult]:
    from xl_jixiao.approve import load_results

    try:
        results, _ = load_results(path, config)
    except ReadError as exc:
        raise UserError(f"上年资料 {path} 无法使用：{exc.reason}") from None
    return results


def compare_years(this_year: list[FileResult], last_year: str | Path | list[FileResult],
                  config: Config) -> list[YearFinding]:
    last = last_year if isinstance(last_year, list) else load_last_year(last_year, config)
    by_code: dict[str, Project] = {}
    by_name: dict[str, Project] = {}
    for res in last:
        for p in res.submission.projects if res.submission else []:
            if unit_key(p.code):
                by_code.setdefault(unit_key(p.code), p)
            if unit_key(p.name):
                by_name.setdefault(c.compact(p.name), p)
    share = Decimal(str(config.review.amount_change_share))
    out: list[YearFinding] = []
    for res in this_year:
        sub = res.submission
        if sub is None:
            continue
        unit = sub.unit_name or res.name
        for p in sub.projects:
            old, how = None, ""
            if unit_key(p.code) and unit_key(p.code) in by_code:
                old, how = by_code[unit_key(p.code)], "项目编码"
            elif c.compact(p.name) in by_name:
                old, how = by_name[c.compact(p.name)], "项目名称"
            if old is None:
                continue

            def add(kind: str, detail: str, p: Project = p, how: str = how, unit: str = unit) -> None:
                out.append(YearFinding(unit, p.code or "", p.name or "", how, kind, detail))

            olds = {_key(i): i for i in old.indicators if _key(i)}
            for ind in p.indicators:
                prev = olds.get(_key(ind))
                if prev is not None:
                    why = _lowered(prev, ind)
                    if why:
                        add("目标降低", why)
            same = _signature(p) == _signature(old) and bool(_signature(p))
            if same:
                add("指标照搬上年", f"{len(p.indicators)} 个绩效指标（名称和指标值）与上年完全相同")
                a, b = _wan(old), _wan(p)
                if a is not None and b is not None and a > 0 and abs(b - a) / a > share:
                    add("资金变化而指标未变", f"年度资金由 {c.fmt_number(a)} 万元变为 {c.fmt_number(b)} 万元"
                                            f"（变化 {c.fmt_number((b - a) / a * 100)}%），绩效指标却与上年相同")
    return out


def yoy_table(found: list[YearFinding]) -> list[list]:
    return [[f.unit, f.project_code, f.project_name, f.matched_by, f.kind, f.detail] for f in found]
