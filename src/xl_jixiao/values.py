"""The value grammar: one 指标值 cell → one :class:`ParsedValue`.

A target value is officially *symbol + number + unit* (``≥95%``), a date or a
period (``2024年12月31日``, ``2023年6月至2024年5月``), or a qualitative grade
(``良好``).  Real forms write one free-text cell, so the parser normalises the
notation (ASCII, full-width, LaTeX and HTML forms of the symbols, ``百分比``,
spaces, thousands separators) and explains everything it noticed with stable
flag codes (:data:`FLAG_LABELS`).

:func:`parse_value` never raises.  Results are cached: the same text written in
thousands of cells is parsed once.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import fields as dataclass_fields
from decimal import Decimal, InvalidOperation

from xl_jixiao.lazyre import lazy
from xl_jixiao.memo import by_text

__all__ = [
    "FLAG_LABELS",
    "KIND_LABELS",
    "OPS",
    "ParsedValue",
    "parse_value",
]

OPS = ("≥", "＞", "＝", "＜", "≤")
"""The canonical comparison symbols, positive first."""

POSITIVE_OPS = frozenset("≥＞＝")
NEGATIVE_OPS = frozenset("＜≤")

KIND_LABELS: dict[str, str] = {
    "quantitative": "定量",
    "date": "日期",
    "period": "期间",
    "qualitative": "定性",
    "empty": "空",
    "invalid": "无法识别",
}

FLAG_LABELS: dict[str, str] = {
    "nonstandard_symbol": "计算符号写法不规范（如 >=、=、≧、“不低于”），已规范为 ≥ ＞ ＝ ＜ ≤",
    "latex": "含 LaTeX 排版符号（如 $\\geq$），已去除",
    "markup": "含网页标记（如 <br>、<b>），已去除",
    "extra_spaces": "含多余的空格，已去除",
    "fullwidth": "含全角数字或标点（如 ９５％），已转为半角",
    "stray_punctuation": "首尾有多余的标点，已去除",
    "thousands_separator": "数字含千位分隔符，已去除",
    "percent_word": "单位写作“百分比”或“百分之”，已规范为 %",
    "missing_unit": "数值没有计量单位",
    "missing_symbol": "数值前没有计算符号（≥ ＞ ＝ ＜ ≤）",
    "text_around": "数值前后夹有文字（如“提升30%”），规范写法只保留符号、数值和单位",
    "duration": "时长（年、月、季度），按期间理解",
    "partial_date": "日期只写到月份或“年底/月底”，按该月最后一天理解",
    "truncated_date": "日期不完整（如“2024年5”缺“月”），已按最可能的日期理解",
    "missing_year": "日期没有写年份，无法核对是否在预算年度内",
    "before_date": "写作“…前”，表示在该日期之前完成",
    "bad_date": "日期不存在（如13月、2月30日）或期间起止颠倒",
    "merged_values": "一个单元格里写了多个值，应拆成多个指标",
    "approximate": "含“约、余、多、左右”等约数，不是确定的目标值",
    "range": "写成了数值区间（如“3-5次”），应只写一个目标值",
    "multiple_numbers": "含多个数字，无法读成“符号+数值+单位”",
    "contains_number": "定性描述中含有数字，请确认它不是定量目标",
    "missing_number": "有计算符号但没有数值",
    "placeholder": "只填了占位符号（如“/”“—”），按空值处理",
    "bad_number": "数值无法读取（非有限数）",
    "unreadable": "内容无法解析",
}

_FLAG_ORDER = {code: i for i, code in enumerate(FLAG_LABELS)}


@dataclass(frozen=True, slots=True)
class ParsedValue:
    """One parsed 指标值.

    ``kind`` is ``quantitative``, ``date``, ``period``, ``qualitative``,
    ``empty`` or ``invalid``.  ``number`` keeps the digits as written
    (``Decimal("1972000.00")``).  ``text`` is the normalised notation; for
    ``invalid`` values it is the cleaned original.  ``date`` is the date of a
    ``date`` value, or the first day of a ``period``; ``end`` the last day of a
    period.  A date written without a year (``12月31日前``) is a ``date`` whose
    ``date`` is ``None`` (flag ``missing_year``); a duration (``＝18月``) is a
    ``period`` with ``number`` and ``unit`` and no dates.  ``parts`` holds the
    separate values of a merged cell.
    """

    raw: str
    kind: str
    op: str | None = None
    number: Decimal | None = None
    unit: str | None = None
    text: str = ""
    flags: tuple[str, ...] = ()
    date: _dt.date | None = None
    end: _dt.date | None = None
    parts: tuple[ParsedValue, ...] = ()

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)

    @property
    def direction(self) -> str | None:
        """``positive`` for ≥ ＞ ＝, ``negative`` for ＜ ≤, ``None`` without a symbol."""
        if self.op in POSITIVE_OPS:
            return "positive"
        if self.op in NEGATIVE_OPS:
            return "negative"
        return None

    @property
    def is_percent(self) -> bool:
        return self.unit == "%"

    @property
    def ok(self) -> bool:
        """Readable as one value (not empty, not invalid)."""
        return self.kind not in ("empty", "invalid")

    def has(self, flag: str) -> bool:
        return flag in self.flags

    def flag_labels(self) -> list[str]:
        return [FLAG_LABELS.get(f, f) for f in self.flags]

    def to_json(self) -> dict:
        return {
            "raw": self.raw,
            "kind": self.kind,
            "kind_label": self.kind_label,
            "op": self.op,
            "number": None if self.number is None else _fmt_decimal(self.number),
            "unit": self.unit,
            "text": self.text,
            "flags": list(self.flags),
            "date": None if self.date is None else self.date.isoformat(),
            "end": None if self.end is None else self.end.isoformat(),
            "parts": [p.to_json() for p in self.parts],
        }


def _fmt_decimal(d: Decimal) -> str:
    return format(d, "f")


# ---------------------------------------------------------------------------
# Vocabulary

_OPCHARS = "≥＞＝＜≤"

# Every spelling of a comparison symbol → canonical symbol.  Matched longest first.
_SYMBOL_SPELLINGS = {
    ">=": "≥", "=>": "≥", "≥=": "≥", "＞＝": "≥", "＞=": "≥", ">＝": "≥", "≧": "≥", "⩾": "≥", "≥": "≥",
    "<=": "≤", "=<": "≤", "≤=": "≤", "＜＝": "≤", "＜=": "≤", "<＝": "≤", "≦": "≤", "⩽": "≤", "≤": "≤",
    ">": "＞", "＞": "＞", "﹥": "＞",
    "<": "＜", "＜": "＜", "﹤": "＜",
    "==": "＝", "＝＝": "＝", "=": "＝", "＝": "＝", "﹦": "＝",
}
_SYMBOL_RE = lazy("|".join(re.escape(k) for k in sorted(_SYMBOL_SPELLINGS, key=len, reverse=True)))

# Chinese comparison words written before the number.
_WORD_OPS = {
    "大于或等于": "≥", "大于等于": "≥", "不少于": "≥", "不低于": "≥", "不小于": "≥", "至少": "≥", "达到": "≥",
    "达": "≥",
    "小于或等于": "≤", "小于等于": "≤", "不高于": "≤", "不超过": "≤", "不超": "≤", "不大于": "≤", "不多于": "≤",
    "最多": "≤",
    "控制在": "≤",
    "大于": "＞", "高于": "＞", "超过": "＞", "多于": "＞",
    "小于": "＜", "低于": "＜", "少于": "＜",
    "等于": "＝",
}
# ... and after it.
_SUFFIX_OPS = {"及以上": "≥", "以上": "≥", "及以下": "≤", "以下": "≤", "以内": "≤", "之内": "≤", "内": "≤"}


_PERCENT_WORDS = ("百分比",)

_MAGNITUDE = "万亿千百"
_BASE_UNITS = (
    # counts
    "人次", "户次", "车次", "架次", "班次", "批次", "台次", "台套", "个", "人", "次", "件", "户", "家", "所", "套", "台",
    "辆", "条", "处", "层", "册", "本", "份", "篇", "期", "场", "项", "座", "间", "张", "部", "批", "起", "例",
    "名", "位", "只", "头", "株", "棵", "床", "门", "类", "种", "组", "支", "队", "村", "镇", "乡", "乡镇",
    "社区", "校", "片", "块", "根", "箱", "包", "盒", "袋", "瓶", "枚", "副", "把", "双", "对", "幅", "卷",
    "册次", "节", "集", "首", "部次", "宗", "笔", "单", "点", "段", "道", "眼", "口", "座次", "个次", "课时",
    "学时", "课", "轮", "届", "级", "分", "星", "章", "款", "栋", "幢", "网点", "站", "所次", "单位", "元",
    "个百分点", "百分点", "倍", "成",
    # time
    "个工作日", "工作日", "个小时", "小时", "分钟", "秒钟", "秒", "天", "日", "个星期", "星期", "周", "个季度", "季度",
    "个月", "月", "年", "年度",
    # measures
    "平方公里", "平方千米", "平方米", "立方米", "公里", "千米", "厘米", "毫米", "米", "公顷", "亩", "吨",
    "千克", "公斤", "克", "斤", "千瓦时", "千瓦", "瓦", "度", "升", "毫升", "兆", "字节",
    "km²", "km2", "m²", "m2", "m³", "m3", "㎡", "km", "kg", "kW", "kWh", "GB", "TB", "MB", "Mbps", "Gbps", "M",
    "G", "T", "t", "m", "h",
)
_BASE_ALT = "|".join(re.escape(u) for u in sorted(_BASE_UNITS, key=len, reverse=True))
_ONE_UNIT = rf"(?:[{_MAGNITUDE}]?(?:{_BASE_ALT})|万|亿)"
_UNIT_ALT = rf"(?:百分比|%|‰|{_ONE_UNIT}(?:/{_ONE_UNIT})?)"

_DURATION_UNITS = frozenset(("年", "月", "个月", "季度", "个季度", "年度"))
_TIME_UNITS = frozenset(("个工作日", "工作日", "个小时", "小时", "分钟", "秒钟", "秒", "天", "日", "个星期", "星期", "周",
                         *_DURATION_UNITS))

# Words that are grades or statements, never units (``≥90良好`` is two values).
_GRADE_WORDS = frozenset((
    "良好", "优秀", "优良", "合格", "达标", "稳定", "提升", "提高", "满意", "较好", "好", "显著", "明显", "有效",
    "及时", "规范", "完成", "改善", "增强", "增加", "减少", "降低", "持续", "基本", "完善", "健全", "完备",
    "正常", "安全", "中等", "较高", "高", "低", "优", "良", "中", "差", "是", "否", "有", "无", "前", "后",
    "以前", "之前", "以后", "完好", "到位", "合规", "准确", "畅通", "可控", "达到", "全覆盖", "覆盖",
))

# ---------------------------------------------------------------------------
# Cleaning

_FULLWIDTH = {
    **{0xFF10 + i: 0x30 + i for i in range(10)},
    0xFF0E: ord("."), 0xFF05: ord("%"), 0xFE6A: ord("%"), 0xFF0D: ord("-"), 0xFF0F: ord("/"), 0xFF5E: ord("~"),
    0xFF04: ord("$"), 0xFF3C: ord("\\"),
}
_FULLWIDTH_RE = lazy("[０-９．％﹪－／～＄＼]")
_SPACE_TABLE = {0x3000: " ", 0xA0: " ", 0x2002: " ", 0x2003: " ", 0x2009: " ", 0x200B: "", 0xFEFF: ""}
_SPACE_TRANS = str.maketrans(_SPACE_TABLE)
_FW_TRANS = str.maketrans(_FULLWIDTH)

_TAG_RE = lazy(r"<\s*/?\s*[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?\s*>")
_ENTITY_RE = lazy(r"&(nbsp|gt|lt|ge|le|amp|quot);?", re.I)
_ENTITIES = {"nbsp": " ", "gt": ">", "lt": "<", "ge": "≥", "le": "≤", "amp": "&", "quot": '"'}
_LATEX_DOLLAR_RE = lazy(r"\$[^$]*\$")
_LATEX_WORD_RE = lazy(r"\\[A-Za-z]+\s*")
_LATEX_CMD_RE = lazy(r"\\(geqslant|geq|ge|leqslant|leq|le|gt|lt|%|[,;:! ]|[A-Za-z]+)\s*")
_LATEX_SYMBOLS = {"geqslant": "≥", "geq": "≥", "ge": "≥", "leqslant": "≤", "leq": "≤", "le": "≤", "gt": ">",
                  "lt": "<", "%": "%", "times": "×", "cdot": "·", "sim": "~"}
_LATEX_LEFTOVER = str.maketrans("", "", "${}\\")
_WS_RE = lazy(r"\s+")
_SPACE_NEAR_WIDE_RE = lazy(r" (?=[^\x00-\x7f])|(?<=[^\x00-\x7f]) ")
_PLACEHOLDER_RE = lazy(r"^[/\\\-—–_~.。·*＊、…－]+$")
_EDGE_PUNCT_RE = lazy(r"^[;；,，。、:：.·\s]+|[;；,，。、:：.·\s]+$")
_DIGIT_RE = lazy(r"\d")
_DIGIT_RE_ASCII = lazy(r"[0-9]")


def _clean(t: str, flags: set[str]) -> str:
    """Markup, LaTeX, full-width forms and symbol spellings → canonical; returns the stripped text
    with single spaces (the caller removes spaces where they are noise)."""
    if "<" in t or "&" in t:
        t2 = _TAG_RE.sub(" ", t)
        t2 = _ENTITY_RE.sub(lambda m: _ENTITIES[m.group(1).lower()], t2)
        if t2 != t:
            flags.add("markup")
            t = t2
    if _FULLWIDTH_RE.search(t):
        flags.add("fullwidth")
        t = t.translate(_FW_TRANS)
    if "$" in t or "\\" in t:
        def latex_sub(m: re.Match) -> str:
            name = m.group(1)
            if name in ("geqslant", "geq", "ge", "leqslant", "leq", "le", "gt", "lt"):
                flags.add("nonstandard_symbol")
            return _LATEX_SYMBOLS.get(name, " " if name in (",", ";", ":", "!", " ") or name.startswith("q")
                                      else "")
        t2 = _LATEX_CMD_RE.sub(latex_sub, t).translate(_LATEX_LEFTOVER)
        if t2 != t:
            flags.add("latex")
            t = t2
    return t


def _canon_symbols(t: str, flags: set[str]) -> str:
    def sub(m: re.Match) -> str:
        s = m.group(0)
        c = _SYMBOL_SPELLINGS[s]
        if s != c:
            flags.add("nonstandard_symbol")
        return c
    return _SYMBOL_RE.sub(sub, t)


# ---------------------------------------------------------------------------
# Dates and periods

_ISO_DAY_RE = lazy(r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?!\d)日?")
_CN_DAY_RE = lazy(r"(\d{4})年(\d{1,2})月(\d{1,2})[日号]")
_CN_DAY_TRUNC_RE = lazy(r"(\d{4})年(\d{1,2})月(\d{1,2})(?![\d日号])")
_CN_MONTH_END_RE = lazy(r"(\d{4})年(\d{1,2})月份?[底末]")
_CN_MONTH_RE = lazy(r"(\d{4})年(\d{1,2})月份?")
_CN_YEAR_END_RE = lazy(r"(\d{4})年[年度]?[底末]")
_CN_MONTH_TRUNC_RE = lazy(r"(\d{4})年(\d{1,2})(?![\d月])")
_ISO_MONTH_RE = lazy(r"(\d{4})([-/.])(\d{1,2})(?![\d])")
_CN_YEAR_RE = lazy(r"(\d{4})年度?")
_MD_DAY_RE = lazy(r"(\d{1,2})月(\d{1,2})[日号]")
_MD_END_RE = lazy(r"(\d{1,2})月份?[底末]")
_MD_MONTH_RE = lazy(r"(\d{1,2})月份?")
_PERIOD_SEP_RE = lazy(r"(?:至|到|[-~—–])+")
_DATE_LEAD_RE = lazy(
    r"^(?P<text>.*?)(?P<word>截止到|截至到|截至|截止|不晚于|不迟于|早于|于|在)?(?P<op>[≥＞＝＜≤])?$", re.S)
_BEFORE_RE = lazy(r"^(?:之前|以前|前)")


@dataclass(slots=True)
class _Point:
    y: int | None
    m: int | None
    d: int | None
    end_pos: int
    precision: str  # "day" | "month" | "year"
    truncated: bool = False
    eom: bool = False      # 月底/年底: stands for the last day
    sep: str = ""          # separator of a numeric form ("." "-" "/")


def _scan_point(s: str, pos: int, yearless: bool) -> _Point | None:
    m = _ISO_DAY_RE.match(s, pos)
    if m:
        return _Point(int(m[1]), int(m[3]), int(m[4]), m.end(), "day", sep=m[2])
    m = _CN_DAY_RE.match(s, pos)
    if m:
        return _Point(int(m[1]), int(m[2]), int(m[3]), m.end(), "day")
    m = _CN_DAY_TRUNC_RE.match(s, pos)
    if m:
        return _Point(int(m[1]), int(m[2]), int(m[3]), m.end(), "day", truncated=True)
    m = _CN_MONTH_END_RE.match(s, pos)
    if m:
        return _Point(int(m[1]), int(m[2]), None, m.end(), "month", eom=True)
    m = _CN_MONTH_RE.match(s, pos)
    if m:
        return _Point(int(m[1]), int(m[2]), None, m.end(), "month")
    m = _CN_YEAR_END_RE.match(s, pos)
    if m:
        return _Point(int(m[1]), 12, None, m.end(), "month", eom=True)
    m = _CN_MONTH_TRUNC_RE.match(s, pos)
    if m:
        return _Point(int(m[1]), int(m[2]), None, m.end(), "month", truncated=True)
    m = _ISO_MONTH_RE.match(s, pos)
    if m:
        return _Point(int(m[1]), int(m[3]), None, m.end(), "month", sep=m[2])
    m = _CN_YEAR_RE.match(s, pos)
    if m:
        return _Point(int(m[1]), None, None, m.end(), "year")
    if yearless:
        m = _MD_DAY_RE.match(s, pos)
        if m:
            return _Point(None, int(m[1]), int(m[2]), m.end(), "day")
        m = _MD_END_RE.match(s, pos)
        if m:
            return _Point(None, int(m[1]), None, m.end(), "month", eom=True)
        m = _MD_MONTH_RE.match(s, pos)
        if m:
            return _Point(None, int(m[1]), None, m.end(), "month")
    return None


def _month_days(year: int, month: int) -> int:
    """Days in ``month`` of ``year`` (``calendar.monthrange(year, month)[1]``, without importing calendar)."""
    return (_dt.date(year + month // 12, month % 12 + 1, 1) - _dt.date(year, month, 1)).days


def _valid_point(p: _Point) -> bool:
    if p.y is not None and not 1900 <= p.y <= 2199:
        return False
    if p.m is not None and not 1 <= p.m <= 12:
        return False
    if p.d is not None:
        year = p.y if p.y is not None else 2000  # a leap year: 2月29日 is possible without a year
        if p.m is None or not 1 <= p.d <= _month_days(year, p.m):
            return False
    return True


def _first_day(p: _Point) -> _dt.date:
    return _dt.date(p.y, p.m or 1, p.d or 1)  # type: ignore[arg-type]


def _last_day(p: _Point) -> _dt.date:
    if p.m is None:
        return _dt.date(p.y, 12, 31)  # type: ignore[arg-type]
    if p.d is not None:
        return _dt.date(p.y, p.m, p.d)  # type: ignore[arg-type]
    return _dt.date(p.y, p.m, _month_days(p.y, p.m))  # type: ignore[arg-type]


def _fmt_point(p: _Point) -> str:
    y = f"{p.y}年" if p.y is not None else ""
    if p.precision == "year":
        return y
    if p.precision == "month":
        return f"{y}{p.m}月"
    return f"{y}{p.m}月{p.d}日"


def _try_date(s: str, raw: str, display: str, flags: set[str]) -> ParsedValue | None:
    """``s`` is compact text whose first digit starts a date; ``None`` when it is not a date or period."""
    i = _DIGIT_RE.search(s)
    if i is None:
        return None
    start = i.start()
    p1 = _scan_point(s, start, yearless=True)
    if p1 is None:
        return None
    if p1.y is None and p1.precision == "month" and not p1.eom and not _BEFORE_RE.match(s[p1.end_pos:]) \
            and not s[start:p1.end_pos].endswith("月份"):
        return None  # "18月" is a duration, not a date ("11月前" and "11月份" are dates)
    lead = _DATE_LEAD_RE.match(s, 0, start)
    assert lead is not None  # the pattern accepts any text
    op = lead["op"]
    word = lead["word"]
    before = word in ("不晚于", "不迟于", "早于")
    around = bool(lead["text"]) or (word is not None and not before)
    pos = p1.end_pos
    # a period: point SEP point
    sep = _PERIOD_SEP_RE.match(s, pos)
    if sep and p1.y is not None:
        p2 = _scan_point(s, sep.end(), yearless=True)
        if p2 is not None and not _DIGIT_RE.search(s, p2.end_pos):
            if p2.y is None:
                p2.y = p1.y
                if p1.truncated and p1.precision == "month" and p2.precision == "month":
                    p1.truncated = False  # 2024年1-12月
            rest = s[p2.end_pos:]
            return _make_period(raw, display, flags, op, p1, p2, around or bool(rest))
        return None
    if _DIGIT_RE.search(s, pos):
        return None
    if p1.sep == "." and p1.precision == "month":
        return None  # 2024.12 alone is a number
    rest = s[pos:]
    b = _BEFORE_RE.match(rest)
    if b:
        before = True
        rest = rest[b.end():]
    if rest:
        around = True
    if not _valid_point(p1):
        flags.add("bad_date")
        return _invalid(raw, display, flags)
    if p1.truncated:
        flags.add("truncated_date")
    if around:
        flags.add("text_around")
    if before:
        flags.add("before_date")
    opt = op or ""
    if p1.precision == "year":
        return _pv(raw, "period", flags, op=op, text=f"{opt}{p1.y}年", date=_first_day(p1), end=_last_day(p1))
    if p1.precision == "month":
        flags.add("partial_date")
    if p1.y is None:
        flags.add("missing_year")
        if p1.precision == "month":
            text = f"{p1.m}月底"
        else:
            text = _fmt_point(p1)
        return _pv(raw, "date", flags, op=op, text=f"{opt}{text}{'前' if before else ''}")
    day = _last_day(p1)
    text = f"{opt}{day.year}年{day.month}月{day.day}日{'前' if before else ''}"
    return _pv(raw, "date", flags, op=op, text=text, date=day)


def _make_period(raw, display, flags, op, p1: _Point, p2: _Point, around: bool) -> ParsedValue:
    if not (_valid_point(p1) and _valid_point(p2)):
        flags.add("bad_date")
        return _invalid(raw, display, flags)
    start, end = _first_day(p1), _last_day(p2)
    if end < start:
        flags.add("bad_date")
        return _invalid(raw, display, flags)
    if p1.truncated or p2.truncated:
        flags.add("truncated_date")
    if around:
        flags.add("text_around")
    text = f"{op or ''}{_fmt_point(p1)}至{_fmt_point(p2)}"
    return _pv(raw, "period", flags, op=op, text=text, date=start, end=end)


# ---------------------------------------------------------------------------
# Numbers

_NUM_RE = lazy(r"(?:(?<![\d.])-)?(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)")
_WORD_ALT = "|".join(sorted(_WORD_OPS, key=len, reverse=True))
_LEAD_RE = lazy(
    rf"^(?P<text>.*?)(?P<word>{_WORD_ALT})?(?P<op>[≥＞＝＜≤])?(?P<approx>大约|大概|约|近)?(?P<pct>百分之)?$", re.S)
_SUFFIX_ALT = "|".join(sorted(_SUFFIX_OPS, key=len, reverse=True))
_TAIL_RE = lazy(
    rf"(?P<approx1>余|多)?(?P<unit>{_UNIT_ALT})?(?:(?:每|一)(?P<per>{_ONE_UNIT}))?(?P<approx2>余|多|左右|上下)?"
    rf"(?P<suffix>{_SUFFIX_ALT})?(?P<rest>.*)$",
    re.S)
_NOT_UNITS = _GRADE_WORDS | frozenset(_SUFFIX_OPS) | frozenset(_WORD_OPS) | frozenset(("余", "多", "左右", "上下", "以", "之"))
_TAIL_WORDS = (*_SUFFIX_OPS, "余", "多", "左右", "上下")
"""What the tail of a number reads as a symbol or an approximation: a unit starting with one of them would read
differently when the value is written out again (``0内内年`` is not ≤0 of a unit 内年)."""
_CLASSIFIERS = frozenset(("个", "家", "所", "条", "处", "座", "项", "名", "户", "间", "张", "台", "辆", "批", "场", "期",
                          "次", "人次", "件", "宗", "起", "套", "份", "本", "篇"))
_NOUN_RE = lazy(r"[\u4e00-\u9fff]{1,6}")
_SHORT_UNIT_RE = lazy(r"^(?:[\u4e00-\u9fff]{1,2}|[A-Za-z]{1,4})$")
_SPLIT_RE = lazy(r"[;；,，、|]+|(?<=[^;；,，、|≥＞＝＜≤])(?=[≥＞＝＜≤])")
_RANGE_RE = lazy(
    rf"^[≥＞＝＜≤]?-?[\d.,]+(?:{_UNIT_ALT})?(?:至|到|[-~—–])+[≥＞＝＜≤]?-?[\d.,]+(?:{_UNIT_ALT})?$")
_DIGIT_GAP_RE = lazy(r"(?<=\d) (?=\d)(\d{3}(?!\d))?")


def _digit_gap(m: re.Match, flags: set[str]) -> str:
    """A space between digits: a thousands gap (``1 000 000``) or two numbers (``90 95``)."""
    if m.group(1):
        flags.add("thousands_separator")
        return m.group(1)
    return ";"


_CJK_RE = lazy(r"[\u4e00-\u9fff]")


def _canon_number(numstr: str, flags: set[str]) -> tuple[str, Decimal]:
    if "," in numstr:
        flags.add("thousands_separator")
        numstr = numstr.replace(",", "")
    neg = numstr.startswith("-")
    if neg:
        numstr = numstr[1:]
    if numstr.startswith("."):
        numstr = "0" + numstr
    intpart, dot, frac = numstr.partition(".")
    intpart = intpart.lstrip("0") or "0"
    numstr = intpart + dot + frac
    if neg and numstr.strip("0.") != "":
        numstr = "-" + numstr
    return numstr, Decimal(numstr)


def _parse_numeric(s: str, raw: str, display: str, flags: set[str]) -> ParsedValue:
    nums = list(_NUM_RE.finditer(s))
    if len(nums) > 1:
        return _parse_multi(s, raw, display, flags, nums)
    m = nums[0]
    lead = _LEAD_RE.match(s, 0, m.start())
    tail = _TAIL_RE.match(s, m.end())
    assert lead is not None and tail is not None  # both patterns accept any text
    numstr, number = _canon_number(m.group(0), flags)

    op = lead["op"]
    word = lead["word"]
    if word:
        flags.add("nonstandard_symbol")
        if op is None:
            op = _WORD_OPS[word]
    suffix = tail["suffix"]
    if suffix:
        flags.add("nonstandard_symbol")
        if op is None:
            op = _SUFFIX_OPS[suffix]
    unit = tail["unit"]
    if unit and tail["per"]:
        unit = f"{unit}/{tail['per']}"  # 30万一年 → 30万/年
    if word in ("达到", "达") and not lead["op"] and unit in ("%", "百分比") and number == 100 and not tail["suffix"]:
        op = "＝"  # 达到100%: the whole, not "at least" the whole
    if unit == "百分比":
        flags.add("percent_word")
        unit = "%"
    if lead["pct"]:
        flags.add("percent_word")
        if unit is None:
            unit = "%"
    rest = tail["rest"]
    approx = bool(lead["approx"] or tail["approx1"] or tail["approx2"])
    lead_text = lead["text"]
    if rest and unit is None and not approx and _SHORT_UNIT_RE.match(rest) and rest not in _NOT_UNITS \
            and not rest.startswith(_TAIL_WORDS):
        unit, rest = rest, ""
    if approx:
        flags.add("approximate")
        if rest or lead_text:
            flags.add("text_around")
        return _invalid(raw, display, flags, op=op, number=number, unit=unit)
    if rest:
        if lead_text:
            flags.add("contains_number")
            return _pv(raw, "qualitative", flags, text=display)
        if unit in _CLASSIFIERS and _NOUN_RE.fullmatch(rest) and rest not in _NOT_UNITS and not approx:
            flags.add("text_around")  # 12个城中村: a count of something named after the classifier
            if op is None:
                flags.add("missing_symbol")
            return _pv(raw, "quantitative", flags, op=op, number=number, unit=unit, text=f"{op or ''}{numstr}{unit}")
        if op or unit or rest in _GRADE_WORDS:
            flags.add("merged_values")
            head = s[: len(s) - len(rest)]
            return _invalid(raw, display, flags, parts=(_parse_piece(head), _parse_piece(rest)))
        flags.add("contains_number")
        return _pv(raw, "qualitative", flags, text=display)
    if lead_text:
        if op is None and unit is None:
            flags.add("contains_number")
            return _pv(raw, "qualitative", flags, text=display)
        flags.add("text_around")
    if op is None:
        flags.add("missing_symbol")
    if unit is None:
        flags.add("missing_unit")
    text = f"{op or ''}{numstr}{unit or ''}"
    if unit in _DURATION_UNITS:
        if unit == "年" and "." not in numstr and 1900 <= number <= 2199 and not numstr.startswith("-"):
            flags.discard("missing_symbol")  # a calendar year (reached only with text around it)
            year = int(number)
            return _pv(raw, "period", flags, op=op, text=f"{op or ''}{year}年",
                       date=_dt.date(year, 1, 1), end=_dt.date(year, 12, 31))
        flags.add("duration")
        return _pv(raw, "period", flags, op=op, number=number, unit=unit, text=text)
    return _pv(raw, "quantitative", flags, op=op, number=number, unit=unit, text=text)


_YEAR_LEAD_RE = lazy(r"^(?:19|20)\d{2}年度?(?=[^\d月])")


def _parse_multi(s: str, raw: str, display: str, flags: set[str], nums: list) -> ParsedValue:
    year = _YEAR_LEAD_RE.match(s)
    if year and len(nums) == 2:
        # ``2023年支付成本不超过300万元``: the year says when, the value is what follows
        inner = _parse_clean1(s[year.end():], raw, display, set(flags))
        if inner.kind == "quantitative" and inner.op:
            return _pv(raw, inner.kind, set(inner.flags) | {"text_around"}, op=inner.op, number=inner.number,
                       unit=inner.unit, text=inner.text)
    pieces = [p for p in _SPLIT_RE.split(s) if p]
    if len(pieces) >= 2:
        flags.add("merged_values")
        return _invalid(raw, display, flags, parts=tuple(_parse_piece(p) for p in pieces))
    if _RANGE_RE.match(s):
        flags.add("range")
        return _invalid(raw, display, flags)
    if len(_CJK_RE.findall(s)) >= 6:
        flags.add("contains_number")
        return _pv(raw, "qualitative", flags, text=display)
    flags.add("multiple_numbers")
    return _invalid(raw, display, flags)


# ---------------------------------------------------------------------------
# Assembling results


def _constructor() -> Callable[..., ParsedValue]:
    """``ParsedValue(raw, kind, op, number, unit, text, flags, date, end, parts)`` without the frozen class's
    ``__init__`` (which sets each field through ``object.__setattr__``): the fields' slots set directly, about
    twice as fast, for the parser's own results (every new value text of every form makes one)."""
    names = tuple(f.name for f in dataclass_fields(ParsedValue))
    if names != ("raw", "kind", "op", "number", "unit", "text", "flags", "date", "end", "parts"):  # pragma: no cover
        raise RuntimeError("ParsedValue's fields are not the ones _constructor sets")
    set_raw, set_kind, set_op, set_number, set_unit, set_text, set_flags, set_date, set_end, set_parts = (
        ParsedValue.__dict__[name].__set__ for name in names)
    new = object.__new__

    def make(raw, kind, op, number, unit, text, flags, date, end, parts) -> ParsedValue:
        pv = new(ParsedValue)
        set_raw(pv, raw)
        set_kind(pv, kind)
        set_op(pv, op)
        set_number(pv, number)
        set_unit(pv, unit)
        set_text(pv, text)
        set_flags(pv, flags)
        set_date(pv, date)
        set_end(pv, end)
        set_parts(pv, parts)
        return pv

    return make


_new_pv = _constructor()


def _pv(raw: str, kind: str, flags: set[str], *, op=None, number=None, unit=None, text="", date=None, end=None,
        parts=()) -> ParsedValue:
    ordered = tuple(sorted(flags, key=_FLAG_ORDER.__getitem__)) if flags else ()
    return _new_pv(raw, kind, op, number, unit, text, ordered, date, end, parts)


def _invalid(raw: str, display: str, flags: set[str], **kw) -> ParsedValue:
    return _pv(raw, "invalid", flags, text=display, **kw)


def _parse_piece(piece: str) -> ParsedValue:
    """A part of a merged cell (already cleaned and compact)."""
    return _parse_clean(piece, piece, piece, set())


def _parse_clean(s: str, raw: str, display: str, flags: set[str]) -> ParsedValue:
    """``s``: compact canonical text (no spaces); ``display``: the cleaned text with single spaces."""
    pv = _parse_clean1(s, raw, display, flags)
    if pv.kind in ("invalid", "qualitative"):
        timed = _time_then_deed(s, raw, display, flags)
        if timed is not None:
            return timed
    return pv


_DEED_RE = lazy(r"[\u4e00-\u9fff]{1,8}$")


def _time_then_deed(s: str, raw: str, display: str, flags: set[str]) -> ParsedValue | None:
    """``11月前完成``, ``3个月内归档``, ``30分钟内进行应答``, ``11月份完成验收``: a date or a time limit
    followed by what is to happen by then.  The value is the date or the limit; the words are text around it."""
    m = _DEED_RE.search(s)
    if m is None:
        return None
    for k in range(len(s) - 1, m.start() - 1, -1):  # the longest head that is a date or a time limit
        head = s[:k]
        if not head or not _DIGIT_RE.search(head):
            continue
        trial: set[str] = set(flags) - {"merged_values", "contains_number"}
        inner = _parse_clean1(head, raw, display, trial)
        if inner.kind == "period" and inner.unit == "月" and inner.number is not None and 1 <= inner.number <= 12 \
                and not inner.op:
            inner = _parse_clean1(head + "底前", raw, display,  # 11月完成验收: by the end of November
                                  set(flags) - {"merged_values", "contains_number"})
        if inner.kind in ("date", "period") or (inner.kind == "quantitative" and inner.op in (None, *NEGATIVE_OPS)
                                                 and (inner.unit or "") in _TIME_UNITS):
            if "merged_values" in inner.flags or "bad_date" in inner.flags:
                return None
            trial = set(inner.flags) | {"text_around"}
            return _pv(raw, inner.kind, trial, op=inner.op, number=inner.number, unit=inner.unit,
                       text=inner.text, date=inner.date, end=inner.end)
    return None


def _parse_clean1(s: str, raw: str, display: str, flags: set[str]) -> ParsedValue:
    if not s:
        return _pv(raw, "empty", flags)
    if not _DIGIT_RE.search(s):
        op = s[0] if s[0] in _OPCHARS else None
        body = display.lstrip(_OPCHARS + " ") if op else display
        if not body:
            flags.add("missing_number")
            return _invalid(raw, display, flags, op=op)
        return _pv(raw, "qualitative", flags, op=op, text=(op or "") + body)
    if not _DIGIT_RE_ASCII.search(s):
        # digits of other scripts (Arabic-Indic …): not a number this grammar reads
        return _pv(raw, "qualitative", flags, text=display)
    d = _try_date(s, raw, display, flags)
    if d is not None:
        return d
    return _parse_numeric(s, raw, display, flags)


def _from_number(value: object) -> tuple[str, str | None]:
    """(raw, text to parse) for an int/float/Decimal cell; text None when not finite."""
    raw = str(value)
    try:
        d = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)  # type: ignore[arg-type]
    except (InvalidOperation, ValueError, TypeError):
        return raw, None
    if not d.is_finite():
        return raw, None
    return raw, format(d, "f")


_FAST_RE = lazy(rf"\s*(>=|<=|[≥≤＞＜＝><=])?(\s*)([0-9]+(?:\.[0-9]+)?)(\s*)({_UNIT_ALT})?\s*")


def _parse_fast(raw: str) -> ParsedValue | None:
    """The common shapes (``≥95%``, ``> 365天``, ``=100%``, ``905``) without the general machinery;
    ``None`` for anything else.  Gives exactly what :func:`_parse_slow` gives."""
    m = _FAST_RE.fullmatch(raw)
    if m is None:
        return None
    spelled, sp1, numstr, sp2, unit = m.groups()
    if unit in _DURATION_UNITS:
        return None
    flags: set[str] = set()
    op = None
    if spelled is not None:
        op = _SYMBOL_SPELLINGS[spelled]
        if op != spelled:
            flags.add("nonstandard_symbol")
    else:
        flags.add("missing_symbol")
    if (sp1 and spelled is not None) or (sp2 and unit is not None):
        flags.add("extra_spaces")
    if unit is None:
        flags.add("missing_unit")
    elif unit == "百分比":
        flags.add("percent_word")
        unit = "%"
    if numstr[0] == "0":  # a leading zero is dropped (the pattern has no sign, comma or leading point)
        numstr, number = _canon_number(numstr, flags)
    else:
        number = Decimal(numstr)
    return _pv(raw, "quantitative", flags, op=op, number=number, unit=unit, text=f"{op or ''}{numstr}{unit or ''}")


@by_text
def _parse_str(raw: str) -> ParsedValue:
    return _parse_fast(raw) or _parse_slow(raw)


_LINE_BETWEEN_DIGITS_RE = lazy(r"(?<=\d)[ \t]*[\r\n]+\s*(?=\d)")


def _parse_slow(raw: str) -> ParsedValue:
    flags: set[str] = set()
    t = _LINE_BETWEEN_DIGITS_RE.sub(";", raw.strip())  # two numbers on two lines are two values
    t = t.translate(_SPACE_TRANS).strip()
    if not t:
        return _pv(raw, "empty", flags)
    inner = _LATEX_DOLLAR_RE.sub("", t) if "$" in t else t
    if "\\" in inner:
        inner = _LATEX_WORD_RE.sub("", inner)  # "\\geq 90": the space ends the command
    if _WS_RE.search(inner.strip()):
        flags.add("extra_spaces")
    t = _clean(t, flags)
    display = t
    for _ in range(8):  # symbols and spaces until nothing changes (">  =" → "＞＝" → "≥")
        before = display
        display = _canon_symbols(display, flags)
        display = _SPACE_NEAR_WIDE_RE.sub("", _WS_RE.sub(" ", display).strip())
        if display == before:
            break
    if _PLACEHOLDER_RE.match(display):
        flags.add("placeholder")
        return _pv(raw, "empty", flags)
    stripped = _EDGE_PUNCT_RE.sub("", display).strip()
    if stripped != display:
        flags.add("stray_punctuation")
        display = stripped
        if _PLACEHOLDER_RE.match(display):
            flags.add("placeholder")
            return _pv(raw, "empty", flags)
    if " " in display and _DIGIT_GAP_RE.search(display):
        s = _DIGIT_GAP_RE.sub(lambda m: _digit_gap(m, flags), display).replace(" ", "")
    else:
        s = display.replace(" ", "")
    if not s:
        return _pv(raw, "empty", flags)
    return _parse_clean(s, raw, display, flags)


def parse_value(text: object) -> ParsedValue:
    """Parse one 指标值.  Never raises: unreadable input gives ``kind == "invalid"``."""
    try:
        if text is None:
            return _parse_str("")
        if isinstance(text, str):
            return _parse_str(text)
        if isinstance(text, (int, float, Decimal)) and not isinstance(text, bool):
            raw, body = _from_number(text)
            if body is None:
                return ParsedValue(raw=raw, kind="invalid", text=raw, flags=("bad_number",))
            pv = _parse_str(body)
            return pv if raw == body else _replace_raw(pv, raw)
        return _parse_str(str(text))
    except Exception:  # noqa: BLE001 - the grammar must never break a whole run
        try:
            raw = "" if text is None else str(text)
        except Exception:  # noqa: BLE001
            raw = ""
        return ParsedValue(raw=raw, kind="invalid", text=raw.strip(), flags=("unreadable",))


def _replace_raw(pv: ParsedValue, raw: str) -> ParsedValue:
    return ParsedValue(raw=raw, kind=pv.kind, op=pv.op, number=pv.number, unit=pv.unit, text=pv.text,
                       flags=pv.flags, date=pv.date, end=pv.end, parts=pv.parts)
