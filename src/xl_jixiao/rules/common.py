"""Small helpers shared by the rules: name cleaning, word classes, parsed-value accessors."""

from __future__ import annotations

import re
from decimal import Decimal

from xl_jixiao.memo import by_text
from xl_jixiao.money import plain_number
from xl_jixiao.values import ParsedValue

MONEY_UNITS = ("万元", "元")
PERCENT = "%"

# "产出数量指标1-" / "社会效益指标2-" / "1." / "（1）" numbering before an indicator name
_PREFIX_RE = re.compile(r"^(?:[（(]?\d+[)）.、．]|[\u4e00-\u9fff]{2,8}指标\d*\s*[-—－_:：]+)\s*")
_SUFFIX_RE = re.compile(r"\s*[（(][^（）()]{0,6}[)）]\s*$")
_TAG_RE = re.compile(r"<[^>]+>")
_SPACE_RE = re.compile(r"[\s\u3000]+")
_COMPACT_RE = re.compile(r"[\s\u3000，,。.；;：:、“”\"'（）()]+")


@by_text
def clean_indicator_name(name: str | None) -> str:
    """An indicator name without numbering prefixes, unit suffixes (``（%）``), spaces or markup."""
    if not name:
        return ""
    t = _TAG_RE.sub("", str(name))
    t = _SPACE_RE.sub("", t)
    for _ in range(2):
        t2 = _PREFIX_RE.sub("", t)
        t2 = _SUFFIX_RE.sub("", t2)
        if t2 == t:
            break
        t = t2
    return t


@by_text
def compact(text: str | None) -> str:
    """Text for equality tests: no spaces, markup or punctuation differences."""
    if not text:
        return ""
    t = _TAG_RE.sub("", str(text))
    t = _COMPACT_RE.sub("", t)
    return t


@by_text
def name_key(name: str | None) -> str:
    """An indicator name as compared for sameness (duplicates, copies, a value repeating it):
    :func:`compact` of :func:`clean_indicator_name`."""
    return compact(clean_indicator_name(name))


_RATE_RE = re.compile(r"率|满意度|占比|比例|比率|百分比|覆盖面|达标度")
_GROWTH_RE = re.compile(r"增长|增幅|增速|增加|增量|提高|提升|下降|降低|变动|变化|同比|环比")
_SATISFACTION_RE = re.compile(r"满意(度|率)$")
_GOAL_VERBS_RE = re.compile(r"提升|提高|增强|改善|促进|增加|切实|畅通|减轻|营造|推动|实现")
_TIMELY_NAME_RE = re.compile(r"(及时|准时|按时|按期|时效)(率|性|度)?")
TIME_UNITS = ("天", "日", "月", "年", "小时", "个小时", "分钟", "秒", "工作日", "周", "星期", "个星期", "个月", "个工作日", "季度", "个季度")
_TIMELY_WORDS_RE = re.compile(
    r"及时|准时|按时|按期|如期|限期|时效|时限|时间|期限|节点|进度|周期|工期|响应|时长|天内|日内|小时|前完成|之前"
    r"|年底|年末|月底|季度|年内|当年|年度内"
)


@by_text
def is_rate_name(name: str | None) -> bool:
    return bool(name) and bool(_RATE_RE.search(name or ""))


@by_text
def is_growth_name(name: str | None) -> bool:
    return bool(name) and bool(_GROWTH_RE.search(name or ""))


SATISFACTION_NAME_MAX = 16
"""A satisfaction measure has a short name (``群众满意度``); long sentences that end in 满意度 describe work."""


@by_text
def is_satisfaction_name(name: str | None) -> bool:
    """The indicator *is* a satisfaction measure (``群众满意度``), not a goal or task mentioning it."""
    t = clean_indicator_name(name)
    return (bool(_SATISFACTION_RE.search(t)) and len(t) <= SATISFACTION_NAME_MAX
            and not _GOAL_VERBS_RE.search(t) and not re.search(r"[，,；;。]", t))


@by_text
def is_timeliness_name(name: str | None) -> bool:
    t = clean_indicator_name(name)
    return bool(_TIMELY_NAME_RE.search(t))


@by_text
def mentions_time(text: str | None) -> bool:
    return bool(text) and bool(_TIMELY_WORDS_RE.search(text or ""))


# ------------------------------------------------------------------ parsed values


# Accessors of a parsed value (``None``, no value, reads as empty): the rules ask them row after row.


def flags(pv: ParsedValue | None) -> set[str]:
    return set(pv.flags) if pv is not None else set()


def kind(pv: ParsedValue | None) -> str:
    return pv.kind if pv is not None else ""


def unit(pv: ParsedValue | None) -> str:
    return (pv.unit or "") if pv is not None else ""


def number(pv: ParsedValue | None) -> Decimal | None:
    return pv.number if pv is not None else None


def is_quantitative(pv: ParsedValue | None) -> bool:
    return pv is not None and pv.kind == "quantitative"


_MONEY_ALIASES = {"万元": "万元", "元": "元", "万": "万元"}  # ``不超过30万`` in a cost indicator is 30万元


def money_unit_of(pv) -> str | None:
    """The money unit of a value (``万元/年`` → 万元), or ``None`` when it is not an amount."""
    return _MONEY_ALIASES.get(unit(pv).split("/")[0])


def is_time_value(pv) -> bool:
    """A date, a period, or a duration such as ``=18月`` / ``< 3秒``."""
    if kind(pv) in ("date", "period"):
        return True
    if "duration" in flags(pv):
        return True
    return is_quantitative(pv) and unit(pv).split("/")[0] in TIME_UNITS


def op(pv: ParsedValue | None) -> str | None:
    return (pv.op or None) if pv is not None else None


def normalized(pv: ParsedValue | None, fallback: str = "") -> str:
    return (pv.text or fallback) if pv is not None else fallback


def year_of(d) -> int | None:
    if d is None:
        return None
    y = getattr(d, "year", None)
    if isinstance(y, int):
        return y
    if isinstance(d, int):
        return d
    m = re.search(r"(19|20|21)\d{2}", str(d))
    return int(m.group(0)) if m else None


def fmt_number(n: Decimal | None) -> str:
    """A number as written digits (``95``, ``0.5``, ``1972000``), never with an exponent."""
    if n is None:
        return ""
    return plain_number(n)
