"""Label-anchored recognition of 绩效目标表 forms in a :class:`~xl_jixiao.readers.grid.Grid`.

The recogniser does not know any particular layout.  It walks the rows of one
or more grids and:

* finds labels (项目名称, 主管部门, 年度资金总额, 年度总体目标, 人员经费 …) wherever
  they sit and takes the value beside them (to the right, else below);
* starts a new form at a title (…绩效目标表 / …批复表) or when a second project
  header appears (several projects stacked on one sheet);
* reads the indicator table after its header row (一级指标/二级指标/三级指标/指标值
  and any extra columns), carrying merged 一级/二级 cells down, and keeps
  reading across page breaks until the next form starts;
* places each indicator row by where its value is and by matching level names
  against the indicator schemes (tolerantly), not by column position alone.

Whatever cannot be placed with confidence is kept (verbatim) and listed as an
:class:`Unplaced` item for the import report.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from xl_jixiao import vocab
from xl_jixiao.model import CellRef, DeptBudget, Funding, Indicator, PlanPoint, Project, Submission
from xl_jixiao.money import convert, parse_amount
from xl_jixiao.readers.grid import Grid, GridCell, _replace
from xl_jixiao.schemes import Scheme, all_schemes

# ------------------------------------------------------------------ text cleaning
_TAG = re.compile(r"<\s*/?\s*[a-zA-Z][^>]*>")
_BR = re.compile(r"<\s*br\s*/?\s*>", re.I)
_UNIT_PAREN = re.compile(r"[（(]\s*(?:单位\s*[:：]?\s*)?(万元|元)\s*[)）]")


def strip_markup(text: str) -> str:
    """``<br>`` → line break, other HTML tags removed (for names and free text)."""
    t = _BR.sub("\n", text)
    t = _TAG.sub("", t)
    return t.strip()


_LINE_BREAK = re.compile(r"[ \t\u3000]*\n\s*")


def one_line(text: str) -> str:
    """A name, code or short field typed on two lines in a narrow cell (Enter pressed, a line break,
    ``<br>``) as the one line it is: Chinese text joins without a space, other text with one."""
    def join(m: re.Match[str]) -> str:
        before = m.string[m.start() - 1] if m.start() else ""
        after = m.string[m.end()] if m.end() < len(m.string) else ""
        return "" if _wide(before) or _wide(after) else " "

    return _LINE_BREAK.sub(join, strip_markup(text))


def _wide(ch: str) -> bool:
    return bool(ch) and ord(ch) >= 0x2E80  # CJK characters and full-width punctuation


def clean_label(text: str) -> str:
    """A label as a key: no markup, no spaces, no 其中 prefix, no trailing colon."""
    t = _BR.sub("", text)
    t = _TAG.sub("", t)
    t = re.sub(r"[\s\u3000]+", "", t)
    t = t.strip(":：")
    t = re.sub(r"^其中[:：]?", "", t)
    t = re.sub(r"^[（(]?[一二三四五六七八九十\d]+[)）、.．]", "", t)
    return t.strip(":：")


def label_unit(text: str) -> str | None:
    """The money unit a label carries: ``项目资金(万元)`` → 万元."""
    return vocab.label_unit(_TAG.sub("", _BR.sub("", text)))


# ------------------------------------------------------------------ vocabulary
# Field keys of the label rows, from the shared vocabulary (data/labels.json).  Project and
# 部门整体 goals share the key ``goal``; the form they sit in decides which one it is.
_FORM_SECTIONS = ("project", "form", "dept", "unit")
_UNIT_KEYS = {"budget_year", "unit_name", "unit_code", "supervisor"}
_RENAME = {"annual_goal": "goal"}


def _form_key(section: str, key: str) -> str | None:
    if section == "unit" and key not in _UNIT_KEYS:
        return None  # money unit and footer labels have their own handling
    if section == "form" and key in ("section", "footer_other"):
        return None  # headings and footer words are not fields
    return _RENAME.get(key, key)


MONEY_KEYS = {"total", "period_total", "fiscal", "carryover", "other", "superior", "personnel", "public", "basic",
              "projects", "income_total", "expense_total", "subtotal"}
TEXT_BELOW_KEYS = {"goal", "period_goal", "purpose", "functions", "policy_basis", "calc_basis"}
NEW_FORM_KEYS = {"name", "code", "category"}
_INLINE_STRONG = {"name", "code", "category", "supervisor", "implementer", "unit_name", "total", "budget_year"}

SECTION_LABELS = set(vocab.labels("form", "section"))
"""Headings inside a form (资金情况, 按来源类型分 …): neither a field nor a value."""
FOOTER_LABELS: dict[str, str | None] = {
    **{lab: key for key in ("filler", "phone", "fill_date", "head") for lab in vocab.labels("unit", key)},
    **{lab: None for lab in vocab.labels("form", "footer_other")},
}
"""The footer's labels (填表人, 联系电话 …) → the submission field they fill (``None``: kept out)."""
_FOOTER_RE = re.compile(
    "(" + "|".join(re.escape(lab).replace(r"\(", "[（(]?").replace(r"\)", "[)）]?")
                   for lab in sorted(FOOTER_LABELS, key=len, reverse=True)) + r")\s*[:：]?\s*")

_SECTION_INDEX = {clean_label(s) for s in SECTION_LABELS}


_CHECKPOINT = re.compile(r"^(?:截[至止])?(\d{1,2})月(?:底|末)(?:前)?(?:累计)?(?:支出)?(?:进度|比例)?(?:[(（]%[)）])?$")
_TITLE = re.compile(r"(绩效目标|绩效指标|批复)[^，,。；;：:]*表$")
_NOTE_ROW = re.compile(r"^\s*(注|说明|填表说明|附注|备注)\s*[0-9一二三四五六七八九十]*\s*[:：.、]")
_YEAR_ROW = re.compile(r"^[（(]?\s*(20\d{2})\s*年度?\s*[)）]?$")
_YEAR_IN = re.compile(r"(20\d{2})\s*年")
_MONEY_UNIT_CELL = re.compile(r"^[（(]?(?:金额|资金|货币)?单位\s*[:：]?\s*(万元|元)[)）]?$")


def label_of(text: str) -> str | None:
    """The label key of a cell, or None (``年度资金总额（元）`` is 年度资金总额 with a unit)."""
    hit = vocab.lookup(text, *_FORM_SECTIONS)
    if hit is None:
        return None
    return _form_key(*hit)


_INLINE = re.compile(r"^\s*([^:：]{2,16}?)\s*[:：]\s*(\S.*)$", re.S)


_UNIT_IN_TEXT = re.compile(r"(?:金额|资金|货币)?单位\s*[:：]\s*(万元|元)(?![\u4e00-\u9fff])")
_SEGMENT_SPLIT = re.compile(
    r"(?:\s{2,}|[\t\u3000]+|\s(?=(?:金额|资金)?单位\s*[:：]))(?=[^\s:：]{1,12}\s*[:：])")


def unit_in_text(text: str) -> str | None:
    """The money unit a title or a 填报单位 line states (``…表（单位：元）``, ``单位：万元``)."""
    m = _UNIT_IN_TEXT.search(_TAG.sub("", text))
    return m.group(1) if m else (vocab.label_unit(text) if "单位" in text else None)


def segments(text: str) -> list[str]:
    """Several ``label：value`` pairs typed into one cell (``填报单位：某局    单位：万元``), split apart."""
    parts = [p.strip() for p in _SEGMENT_SPLIT.split(text) if p.strip()]
    if len(parts) < 2:
        return [text]
    if all(money_unit_cell(p) or split_inline(p) or is_footer(p) for p in parts):
        return parts
    return [text]


def _split_cell(c: GridCell) -> list[GridCell]:
    segs = segments(c.text)
    return [c] if len(segs) == 1 else [_replace(c, text=t, value=None) for t in segs]


def split_inline(text: str) -> tuple[str, str, str] | None:
    """``项目名称：某项目`` → (key, label, value) when the part before the colon is a label."""
    m = _INLINE.match(text)
    if not m:
        return None
    key = label_of(m.group(1))
    if key is None or key in ("subtotal", "plan"):
        return None
    return key, m.group(1), m.group(2).strip()


def is_title(text: str) -> bool:
    """A form's title: ``…项目支出绩效目标表``, ``…批复表``, optionally followed by ``（2024年度）``."""
    t = clean_label(text)
    if not t or len(t) > 40 or label_of(text):
        return False
    t = re.sub(r"[（(][^（()）]*[)）]$", "", t)
    return bool(_TITLE.search(t))


def is_section(text: str) -> bool:
    c = clean_label(text)
    c2 = _UNIT_PAREN.sub("", c)
    return c in _SECTION_INDEX or c2 in _SECTION_INDEX


def money_unit_cell(text: str) -> str | None:
    t = re.sub(r"[\s\u3000]+", "", _TAG.sub("", text))
    m = _MONEY_UNIT_CELL.match(t)
    return m.group(1) if m else None


def is_footer(text: str) -> bool:
    return bool(_FOOTER_RE.match(clean_label(text) or ""))


def _footer_key(label: str) -> str | None:
    if label.startswith("单位负责人"):
        return "head"
    return FOOTER_LABELS.get(label, FOOTER_LABELS.get(re.sub(r"[（(）)]", "", label)))


def checkpoint_of(text: str) -> str | None:
    m = _CHECKPOINT.match(clean_label(text))
    return f"{int(m.group(1))}月底" if m else None


def header_key(text: str) -> str | None:
    hit = vocab.lookup(text, "indicator")
    return hit[1] if hit else None


def is_indicator_header(cells: list[GridCell]) -> dict[str, int] | None:
    keys: dict[str, int] = {}
    for c in cells:
        k = header_key(c.text)
        if k and k not in keys:
            keys[k] = c.col
    if "level1" in keys and ("level2" in keys or "name" in keys):
        return keys
    return None


_VALUE_START = re.compile(r"^\s*(\$|\\|[≥≤＞＜＝≧≦<>=]|大于|小于|等于|不低于|不高于|不少于|不超过|达到|\d)")


def looks_like_value(text: str) -> bool:
    t = text.strip()
    if _VALUE_START.match(t):
        return True
    return len(t) <= 8 and not re.search(r"指标|率$", t)


# ------------------------------------------------------------------ results
@dataclass
class Unplaced:
    """A cell (or row) the recogniser could not place with confidence."""

    file: str
    where: str
    text: str
    reason: str
    ref: CellRef | None = None
    project: str | None = None


@dataclass
class HeaderMap:
    cols: dict[str, int]
    extra: frozenset[int] = frozenset()
    """Columns whose heading is not an indicator field (分值, 权重, 指标性质, or unknown): their cells are not read."""

    def ignored(self, col: int) -> bool:
        """A cell of a column the table has but the model does not take, right of the value column."""
        v = self.value
        return v is not None and col > v and (col in self.extra or self.key_at(col) in _NOT_READ)

    @property
    def value(self) -> int | None:
        return self.cols.get("value")

    @property
    def name(self) -> int | None:
        if "name" in self.cols:
            return self.cols["name"]
        if "level2" in self.cols:
            return self.cols["level2"] + 1
        return None

    def key_at(self, col: int) -> str | None:
        for k, c in self.cols.items():
            if c == col:
                return k
        return None


@dataclass
class RawRow:
    grid: Grid
    r: int
    cells: list[GridCell]
    header: HeaderMap


@dataclass
class Form:
    grid: Grid
    kind: str | None = None  # "project" | "dept"
    title: str | None = None
    money_unit: str | None = None
    texts: dict[str, tuple[str, GridCell]] = field(default_factory=dict)
    amounts: dict[str, tuple[object, GridCell, str | None]] = field(default_factory=dict)
    plan: list[tuple[str, str, GridCell]] = field(default_factory=list)
    blank: dict[str, GridCell] = field(default_factory=dict)  # labels found with no value: key → label cell
    rows: list[RawRow] = field(default_factory=list)
    header_seen: bool = False
    first_line: int | None = None
    basic_pending: bool = False

    def has_content(self) -> bool:
        return bool(self.texts or self.amounts or self.rows or self.plan or self.header_seen)


@dataclass
class Recognised:
    """Everything found in the grids of one import."""

    forms: list[Form] = field(default_factory=list)
    unplaced: list[Unplaced] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    year: int | None = None
    region: str | None = None
    unit_name: tuple[str, GridCell, Grid] | None = None
    unit_code: tuple[str, GridCell, Grid] | None = None
    footer: dict[str, tuple[str, GridCell, Grid]] = field(default_factory=dict)
    file_units: list[str] = field(default_factory=list)


# ------------------------------------------------------------------ the walk
class _Walker:
    def __init__(self, out: Recognised):
        self.out = out
        self.form: Form | None = None
        self.indicator_mode = False
        self.header: HeaderMap | None = None
        self.last_unit: str | None = None
        self.consumed: set[tuple[int, int]] = set()
        self.pending_text: tuple[Form, str, GridCell] | None = None

    # -- forms
    def new_form(self, grid: Grid, line: int | None, kind: str | None = None) -> Form:
        self.finish()
        self.form = Form(grid=grid, kind=kind, money_unit=None, first_line=line)
        self.indicator_mode = False
        self.header = None
        self.pending_text = None
        return self.form

    def finish(self) -> None:
        if self.form is not None and self.form.has_content():
            if self.form.money_unit is None:
                self.form.money_unit = self.last_unit
            self.out.forms.append(self.form)
        self.form = None

    def ensure(self, grid: Grid, line: int | None) -> Form:
        if self.form is None or self.form.grid is not grid:
            self.new_form(grid, line)
        return self.form  # type: ignore[return-value]

    def unplaced(self, grid: Grid, cell: GridCell, reason: str) -> None:
        self.out.unplaced.append(Unplaced(grid.source, grid.where(cell), cell.text, reason, grid.ref(cell),
                                          self._project_name()))

    def _project_name(self) -> str | None:
        if self.form and "name" in self.form.texts:
            return one_line(self.form.texts["name"][0])
        return None

    # -- grid
    def walk(self, grid: Grid) -> None:
        self.consumed = set()
        self.last_unit = None
        for r in range(len(grid.rows)):
            cells = [c for c in grid.distinct(r) if (c.row, c.col) not in self.consumed
                     and not self._spent_copy(c, r)]
            if not cells:
                continue
            if any(":" in c.text or "：" in c.text for c in cells):
                cells = [part for c in cells for part in _split_cell(c)]
            self.row(grid, r, cells)
        self.finish()

    def _spent_copy(self, c: GridCell, r: int) -> bool:
        """A cell merged down from a row above that was already used (a value, a label, a title)."""
        if not c.merged_copy or c.origin is None or c.origin[0] >= r:
            return c.key in self.consumed and not c.merged_copy
        return c.key in self.consumed or bool(label_of(c.text)) or is_section(c.text) or is_title(c.text)

    def row(self, grid: Grid, r: int, cells: list[GridCell]) -> None:
        line = cells[0].line
        first = cells[0].text
        # title of a form
        title_cell = cells[0] if is_title(cells[0].text) and all(
            money_unit_cell(c.text) or label_of(c.text) or split_inline(c.text) or _YEAR_ROW.match(clean_label(c.text))
            for c in cells[1:]) else None
        if title_cell is not None:
            t = clean_label(title_cell.text)
            kind = "dept" if re.search(r"部门整体|单位整体|整体支出", t) else "project"
            form = self.new_form(grid, line, kind)
            form.title = t
            self._year_region(t)
            u = unit_in_text(title_cell.text)
            if u:
                self._set_unit(grid, line, u)
            self.consumed.add(title_cell.key)
            rest = [c for c in cells if c is not title_cell]
            if rest:
                self.labels(grid, r, rest)
            return
        if len(cells) == 1 and _YEAR_ROW.match(clean_label(first)):
            self.out.year = self.out.year or int(_YEAR_ROW.match(clean_label(first)).group(1))  # type: ignore[union-attr]
            return
        hdr = is_indicator_header(cells)
        if hdr is not None:
            # titles merged down a two-row header (序号, 指标值) were passed over as copies: still columns
            for c in grid.distinct(r):
                k = header_key(c.text)
                if k and k not in hdr:
                    hdr[k] = c.col
            form = self.ensure(grid, line)
            form.header_seen = True
            extra = [c for c in cells if not header_key(c.text) and not is_section(c.text)]
            self.header = HeaderMap(hdr, frozenset(c.col for c in extra))
            self.indicator_mode = True
            self.pending_text = None
            for c in extra:
                self.unplaced(grid, c, "指标表头中未识别的列（该列未导入）")
            return
        if self.indicator_mode and _header_lead(cells) and not self._is_label_row(cells):
            return  # the first row of a two-row header repeated in the table (after a page break)
        if self.indicator_mode and len(cells) == 1 and _NOTE_ROW.match(cells[0].text):
            self.indicator_mode = False
            self.unplaced(grid, cells[0], "表格下方的说明文字（未导入）")
            return
        if not self.indicator_mode and self.form is not None and self.form.grid is grid \
                and (self.form.texts or self.form.amounts) and not self._is_label_row(cells):
            implied = _implied_header(cells)
            if implied is not None:  # an indicator table without its header row
                self.header = implied
                self.indicator_mode = True
                self.form.header_seen = True
        if self.indicator_mode and not self._is_label_row(cells):
            form = self.ensure(grid, line)
            form.rows.append(RawRow(grid, r, cells, self.header or HeaderMap({})))
            return
        self.indicator_mode = False if self._is_label_row(cells) else self.indicator_mode
        self.labels(grid, r, cells)

    def _is_label_row(self, cells: list[GridCell]) -> bool:
        if self.indicator_mode and self.header is not None and len(cells) > 1:
            # inside an indicator table a label row starts with its label: a 指标解释 that happens to read
            # 「预算数」 does not end the table
            cells = cells[:1]
        for c in cells:
            if label_of(c.text) or money_unit_cell(c.text) or is_footer(c.text):
                return True
            inline = split_inline(c.text) if len(cells) <= 3 else None
            if inline is not None and inline[0] in _INLINE_STRONG:
                return True
        return False

    def _year_region(self, title: str) -> None:
        m = _YEAR_IN.search(title)
        if m:
            self.out.year = self.out.year or int(m.group(1))
            region = re.sub(r"^附件\s*[\d一二三四五六七八九十]*\s*[:：]?", "", title[: m.start()]).strip()
            if region and not self.out.region and len(region) <= 20 and not re.search(r"表|绩效|[（(]", region):
                self.out.region = region
        else:
            m = re.search(r"[（(]\s*(20\d{2})\s*年度?\s*[)）]", title)
            if m:
                self.out.year = self.out.year or int(m.group(1))

    # -- label rows
    def labels(self, grid: Grid, r: int, cells: list[GridCell]) -> None:
        line = cells[0].line
        i = 0
        # a text label with its value on the next row (年度绩效目标 / text below)
        if self.pending_text is not None:
            pform, pkey, lab = self.pending_text
            self.pending_text = None
            c0 = cells[0]
            if not (label_of(c0.text) or is_section(c0.text) or money_unit_cell(c0.text) or is_footer(c0.text)
                    or is_indicator_header(cells)):
                pform.texts.setdefault(pkey, (c0.text, c0))
                self.consumed.add(c0.key)
                i = 1
            else:
                pform.blank.setdefault(pkey, lab)  # the label's value was left blank
        while i < len(cells):
            c = cells[i]
            text = c.text
            i += 1
            if (c.row, c.col) in self.consumed and c.row != r:
                continue
            mu = money_unit_cell(text)
            if mu:
                self._set_unit(grid, line, mu)
                continue
            if is_footer(text):
                i = self._footer(grid, cells, i - 1)
                continue
            cp = checkpoint_of(text)
            if cp:
                i = self._plan_point(grid, r, cells, i - 1, cp)
                continue
            key = label_of(text)
            if key is None:
                if is_section(text):
                    u = label_unit(text)
                    if u:
                        self._set_unit(grid, line, u, form_only=True)
                    continue
                u = label_unit(text)
                if u and re.sub(r"[（(].*", "", clean_label(text)) in _SECTION_INDEX | {"项目资金", "资金情况"}:
                    self._set_unit(grid, line, u, form_only=True)
                    continue
                if header_key(text):
                    continue  # an indicator-table heading on a row of its own (two-row headers)
                inline = split_inline(text)
                if inline is not None:
                    ikey, ilabel, ivalue = inline
                    pair = [_replace(c, text=ilabel), _replace(c, text=ivalue, value=None)]
                    self._label(grid, r, pair, 0, ikey)
                    continue
                self.unplaced(grid, c, "未识别的内容")
                continue
            i = self._label(grid, r, cells, i - 1, key)

    def _set_unit(self, grid: Grid, line: int | None, unit: str, form_only: bool = False) -> None:
        form = self.ensure(grid, line)
        if form.money_unit is None or not form.rows:
            form.money_unit = unit
        if not form_only:
            self.last_unit = unit
        self.out.file_units.append(unit)

    def _value_right(self, cells: list[GridCell], idx: int) -> GridCell | None:
        if idx + 1 < len(cells):
            nxt = cells[idx + 1]
            if label_of(nxt.text) or is_section(nxt.text) or money_unit_cell(nxt.text) or checkpoint_of(nxt.text) \
                    or is_footer(nxt.text):
                return None
            return nxt
        return None

    def _below(self, grid: Grid, r: int, col: int) -> GridCell | None:
        for r2 in range(r + 1, min(r + 3, len(grid.rows))):
            c = grid.at(r2, col)
            if c is not None and c.text.strip():
                if label_of(c.text) or is_section(c.text):
                    return None
                return c
            if any(x.text.strip() for x in grid.rows[r2]):
                return None
        return None

    def _label(self, grid: Grid, r: int, cells: list[GridCell], idx: int, key: str) -> int:
        lab = cells[idx]
        line = lab.line
        form = self.ensure(grid, line)
        if key in NEW_FORM_KEYS and (form.kind == "dept" or key in form.texts or form.rows or form.header_seen):
            form = self.new_form(grid, line, "project")  # the next project (stacked forms, no title between)
        if key == "name" and form.kind is None:
            form.kind = "project"
        if key in ("personnel", "public", "basic", "projects", "income_total", "expense_total") and form.kind is None:
            form.kind = "dept"
        unit = label_unit(lab.text)
        val = self._value_right(cells, idx)
        used = idx + 1
        if key == "unit_name" and val is not None and money_unit_cell(val.text):
            return used
        if key in MONEY_KEYS:
            if val is not None and not parse_amount(val.value if val.value is not None else val.text).ok \
                    and (label_of(val.text) or len(val.text) > 30):
                val = None
            if val is not None:
                used = idx + 2
            elif not any(is_section(x.text) for x in cells if x is not lab):
                # the amount below its label (not below a column heading: 按支出类型分 | 预算金额 | 按来源类型分)
                below = self._below(grid, r, lab.col)
                if below is not None and parse_amount(below.value if below.value is not None else below.text).ok:
                    val = below
                    self.consumed.add((below.row, below.col))
            if key == "basic" and val is None:
                form.basic_pending = True
                return used
            if key == "subtotal":
                if form.basic_pending and val is not None:
                    key = "basic"
                    form.basic_pending = False
                else:
                    if val is not None:
                        self.unplaced(grid, val, "「合计」不属于可识别的预算块")
                    return used
            if val is None:
                form.blank.setdefault(key, lab)
                return used
            form.amounts.setdefault(key, (val.value if val.value is not None else val.text, val, unit))
            self.consumed.add(val.key)
            return used
        if key == "plan":
            return used
        after = idx + 2
        if val is None:  # the value below its label (a row of labels above a row of values)
            below = self._below(grid, r, lab.col)
            if below is not None and not (money_unit_cell(below.text) or is_footer(below.text)
                                          or header_key(below.text) or checkpoint_of(below.text)
                                          or is_title(below.text)):
                val = below
                self.consumed.add((below.row, below.col))
                after = idx + 1  # the next cell on this row is the next label
            elif key in TEXT_BELOW_KEYS:
                self.pending_text = (form, key, lab)
                return used
        if val is None:
            form.blank.setdefault(key, lab)
            return used
        self.consumed.add(val.key)
        if key == "unit_name":
            if self.out.unit_name is None:
                self.out.unit_name = (val.text, val, grid)
            form.texts.setdefault(key, (val.text, val))
            return after
        if key == "budget_year":
            m = re.search(r"(20\d{2})", val.text)
            if m:
                self.out.year = self.out.year or int(m.group(1))
            return after
        if key == "unit_code":
            if self.out.unit_code is None:
                self.out.unit_code = (val.text, val, grid)
            return after
        if key in form.texts and key in NEW_FORM_KEYS:
            self.unplaced(grid, val, f"重复的「{clean_label(lab.text)}」")
            return after
        form.texts.setdefault(key, (val.text, val))
        return after

    def _footer(self, grid: Grid, cells: list[GridCell], idx: int) -> int:
        """填表人/联系电话/填报日期/单位负责人: inline (``填表人：张三``) or with the value beside."""
        c = cells[idx]
        text = c.text.strip()
        parts = list(_FOOTER_RE.finditer(text))
        found_inline = False
        for n, m in enumerate(parts):
            end = parts[n + 1].start() if n + 1 < len(parts) else len(text)
            value = text[m.end():end].strip(" \t:：")
            key = _footer_key(m.group(1))
            if value:
                found_inline = True
                if key:
                    self.out.footer.setdefault(key, (value, c, grid))
        if not found_inline and len(parts) == 1:
            nxt = self._value_right(cells, idx)
            if nxt is not None:
                key = _footer_key(parts[0].group(1))
                if key:
                    self.out.footer.setdefault(key, (nxt.text.strip(), nxt, grid))
                self.consumed.add(nxt.key)
                return idx + 2
        return idx + 1

    def _plan_point(self, grid: Grid, r: int, cells: list[GridCell], idx: int, label: str) -> int:
        c = cells[idx]
        form = self.ensure(grid, c.line)
        nxt = cells[idx + 1] if idx + 1 < len(cells) else None
        if nxt is not None and checkpoint_of(nxt.text) is None and not label_of(nxt.text) and nxt.col == c.col + 1:
            form.plan.append((label, nxt.text, nxt))
            self.consumed.add(nxt.key)
            return idx + 2
        below = self._below(grid, r, c.col)
        if below is not None:
            form.plan.append((label, below.text, below))
            self.consumed.add((below.row, below.col))
        else:
            form.plan.append((label, "", c))
        return idx + 1


def _header_lead(cells: list[GridCell]) -> bool:
    """The first row of a two-row indicator header (绩效指标 over the level columns, 指标值 …): column
    titles without the level titles; no indicator row holds two column titles."""
    titled = sum(1 for c in cells if header_key(c.text))
    return titled >= 2 or (titled == 1 and all(header_key(c.text) or is_section(c.text) for c in cells))


def _implied_header(cells: list[GridCell]) -> HeaderMap | None:
    """Columns of an indicator row that starts with a 一级 and its 二级 (``产出指标 | 数量指标 | 名称 | 值``)."""
    if len(cells) < 4:
        return None
    for s in all_schemes().values():
        for i in range(len(cells) - 3):
            m1 = s.match_level1(cells[i].text)
            if m1 is not None and m1.how == "exact" and s.match_level2(m1.canonical, cells[i + 1].text) is not None:
                return HeaderMap({"level1": cells[i].col, "level2": cells[i + 1].col, "name": cells[i + 2].col,
                                  "value": cells[i + 3].col})
    return None


def walk(grids: list[Grid]) -> Recognised:
    """Recognise every form in ``grids`` (in order)."""
    out = Recognised()
    w = _Walker(out)
    for g in grids:
        w.walk(g)
    return out


# ------------------------------------------------------------------ indicator rows
@dataclass
class Placed:
    indicator: Indicator
    issues: list[tuple[GridCell, str]] = field(default_factory=list)
    fit: int = 0
    na: bool = False  # a row declaring its category not applicable (不适用), not an indicator
    raw_r: int = -1  # the grid row it was read from (the last one, for a name broken over two rows)


def _declares_na(name: GridCell | None, value: GridCell | None) -> bool:
    """``不适用`` (or ``无``, ``—`` …) where the indicator's name is, and nothing but that as its value."""
    if name is None:
        return value is not None and vocab.is_not_applicable(value.text)
    return vocab.is_not_applicable(name.text) and (value is None or vocab.is_not_applicable(value.text))


def _match_l2_any(scheme: Scheme, text: str) -> str | None:
    """The 一级 under which ``text`` is a 二级, when unique."""
    hits = scheme.level1_for_level2(text)
    return hits[0] if len(hits) == 1 else None


def place_rows(rows: list[RawRow], scheme: Scheme, project: str | None) -> tuple[list[Placed], int]:
    """Turn raw indicator rows into indicators under ``scheme``; returns them and a fit score."""
    placed: list[Placed] = []
    l1: tuple[str, GridCell] | None = None
    l2: tuple[str, GridCell] | None = None
    score = 0
    for raw in rows:
        grid, hdr = raw.grid, raw.header
        cells = [c for c in raw.cells if not is_section(c.text)]
        if not cells:
            continue
        vc, nc = hdr.value, hdr.name
        issues: list[tuple[GridCell, str]] = []
        extras: dict[str, GridCell] = {}
        rest: list[GridCell] = []
        for c in cells:
            k = hdr.key_at(c.col)
            if k == "seq" and re.fullmatch(r"[\d.、()（）]+", c.text.strip()):
                continue  # a row number
            if k == "nature" and _OP_WORD.fullmatch(c.text.strip()):
                extras.setdefault("op", c)  # 指标性质 holding the comparison (≥, 大于等于, 定性)
                continue
            if hdr.ignored(c.col):
                continue  # 分值, 权重 … : a column of the table the model does not take
            if k == "project":
                extras.setdefault("project", c)
                continue
            if k in ("note", "basis", "remark", "unit") and vc is not None and c.col != vc and (
                    c.col > vc or nc is None or c.col > nc):
                extras.setdefault(k, c)  # the column the header names (说明 may stand before the value)
            elif k == "op" and vc is not None and c.col != vc:
                extras.setdefault(k, c)
            else:
                rest.append(c)
        own = [c for c in rest if not c.merged_copy]
        if (placed and not placed[-1].na and placed[-1].raw_r == raw.r - 1 and not extras and len(own) == 1
                and nc is not None and own[0].col == nc and placed[-1].indicator.value is not None):
            # a cell broken over two lines: the name goes on in the row below, nothing else is there
            prev = placed[-1]
            prev.indicator.name = (prev.indicator.name or "") + strip_markup(own[0].text)
            prev.issues.append((own[0], "三级指标名称的续行，已并入上一行的名称"))
            prev.raw_r = raw.r
            continue

        # level cells: only to the left of the 三级 column
        def level_candidate(c: GridCell, nc: int | None = nc) -> bool:
            return nc is None or c.col < nc

        value: GridCell | None = None
        if vc is not None:
            value = next((c for c in rest if c.col == vc), None)
        if value is None:
            nonlevel = [c for c in rest if not (level_candidate(c) and _is_level(scheme, c.text))]
            if nonlevel:
                cand = nonlevel[-1]
                only = len(nonlevel) == 1
                if only and nc is not None and cand.col <= nc and not looks_like_value(cand.text) and "value" not in extras:
                    value = None  # a name without a value
                else:
                    value = cand
        if value is not None:
            rest = [c for c in rest if c is not value]
        right = [c for c in rest if value is not None and c.col > value.col]
        left = [c for c in rest if value is None or c.col < value.col]
        row_l1 = row_l2 = None
        names: list[GridCell] = []
        for pos, c in enumerate(left):
            later = pos + 1 < len(left)  # a name still follows this cell
            if level_candidate(c) and not names:
                m2 = None
                cur1 = row_l1[0] if row_l1 else (l1[0] if l1 else None)
                m1 = scheme.match_level1(cur1) if cur1 else None
                cur1c = m1.canonical if m1 is not None else None
                if row_l2 is None and cur1c:
                    m2 = scheme.match_level2(cur1c, c.text)
                if m2 is not None and row_l2 is None:
                    row_l2 = (c.text, c)
                    score += 1
                    continue
                m1 = scheme.match_level1(c.text)
                if m1 is not None and row_l1 is None and row_l2 is None:
                    row_l1 = (c.text, c)
                    score += 1
                    continue
                if row_l2 is None and _match_l2_any(scheme, c.text):
                    row_l2 = (c.text, c)  # a 二级 under another 一级: kept as written, the validator judges
                    continue
                if row_l1 and clean_label(row_l1[0]) == clean_label(c.text):
                    continue
                if row_l2 and clean_label(row_l2[0]) == clean_label(c.text):
                    continue
                # not a name of the scheme, but in the 一级/二级 column with the name still to come:
                # a level written differently (``效益``); kept as written for the validator
                if later and row_l1 is None and row_l2 is None and hdr.cols.get("level1") == c.col:
                    row_l1 = (c.text, c)
                    continue
                if later and row_l2 is None and hdr.cols.get("level2") == c.col:
                    row_l2 = (c.text, c)
                    continue
            names.append(c)
        if row_l1 is not None:
            same = l1 is not None and clean_label(l1[0]) == clean_label(row_l1[0])
            l1 = row_l1
            if not same:  # a merged 一级 repeated on every row keeps its 二级 carried
                l2 = None
        if row_l2 is not None:
            l2 = row_l2
        if value is None and (row_l1 or row_l2) and (
                not names or (len(names) == 1 and _is_level(scheme, names[0].text))):
            continue  # a row holding only level names (merged layout, or a blank form's category rows)
        for c in right:
            issues.append((c, "指标值右侧未识别的单元格"))
        name_cell = names[0] if names else None
        if _declares_na(name_cell, value) and not any(c for c in names[1:] if not vocab.is_not_applicable(c.text)):
            ind = _with_levels(Indicator(project=project, name=name_cell.text if name_cell else None,
                                         value=value.text if value else None,
                                         row=(name_cell or value or cells[0]).line), grid, l1, l2)
            for key, found in (("name", name_cell), ("value", value)):
                if found is not None:
                    ind.cells[key] = grid.ref(found)
            placed.append(Placed(ind, [], 0, na=True, raw_r=raw.r))
            continue
        note_parts = []
        if len(names) > 1:
            for c in names[1:]:
                issues.append((c, "一行中有多个指标名称候选，已并入说明"))
                note_parts.append(c.text)
        if name_cell is None:
            issues.append((value or cells[0], "缺少三级指标名称"))
        if value is None:
            issues.append((name_cell or cells[0], "缺少指标值"))
        if name_cell is not None and nc is not None and name_cell.col != nc and not row_l1 and not row_l2 \
                and (name_cell.col < (hdr.cols.get("level2", nc))):
            issues.append((name_cell, "名称位于一级/二级指标列，按三级指标名称导入（合并单元格错位）"))
        ind = _with_levels(Indicator(project=project), grid, l1, l2)
        if name_cell is not None:
            ind.name = strip_markup(name_cell.text)
            ind.cells["name"] = grid.ref(name_cell)
        if value is not None:
            ind.value = value.text
            ind.cells["value"] = grid.ref(value)
        for k, c in extras.items():
            if k == "project":
                continue  # the row's project column; the indicator belongs to the form it sits in
            setattr(ind, k, strip_markup(c.text))
            ind.cells[k] = grid.ref(c)
        if note_parts:
            ind.note = "；".join([*(filter(None, [ind.note])), *note_parts])
        first = name_cell or value or cells[0]
        ind.row = first.line
        fit = 0
        if ind.level1 and scheme.match_level1(ind.level1):
            fit += 1
            if ind.level2 and scheme.match_level2(scheme.match_level1(ind.level1).canonical, ind.level2):  # type: ignore[union-attr]
                fit += 1
        elif ind.level1:
            fit -= 1
        if ind.level2 and not ind.level1:
            fit -= 1
        score += fit
        placed.append(Placed(ind, issues, fit, raw_r=raw.r))
    return placed, score


def _with_levels(ind: Indicator, grid: Grid, l1: tuple[str, GridCell] | None,
                 l2: tuple[str, GridCell] | None) -> Indicator:
    """The 一级 and 二级 in force for a row (carried down from merged cells), with their cells."""
    for key, level in (("level1", l1), ("level2", l2)):
        if level is not None:
            setattr(ind, key, strip_markup(level[0]))
            ind.cells[key] = grid.ref(level[1])
    return ind


def _is_level(scheme: Scheme, text: str) -> bool:
    if scheme.match_level1(text) is not None:
        return True
    return bool(scheme.level1_for_level2(text))


def choose_scheme(rows: list[RawRow], kind: str, project: str | None = None) -> tuple[Scheme, list[Placed]]:
    """The scheme under which the rows fit best (ties: the 2021 scheme, then project schemes)."""
    schemes = list(all_schemes().values())
    if kind == "dept":
        order = sorted(schemes, key=lambda s: (s.kind != "dept", s.id != "dept_mgmt", s.id))
    else:
        order = sorted([s for s in schemes if s.kind == "project"] or schemes, key=lambda s: (s.id != "2021", s.id))
    best = None
    for s in order:
        placed, score = place_rows(rows, s, project)
        if best is None or score > best[0]:
            best = (score, s, placed)
    assert best is not None
    return best[1], best[2]


# ------------------------------------------------------------------ building the model
def _amount(form: Form, key: str, unit: str):
    """(value in ``unit``, its cell, the text when it is not an amount)."""
    if key not in form.amounts:
        return None, None, None
    raw, cell, label_u = form.amounts[key]
    a = parse_amount(raw)
    if not a.ok:
        return None, cell, a.text
    column_unit = label_u or form.money_unit or unit
    value = a.in_unit(column_unit)
    if column_unit != unit:
        value = convert(value, column_unit, unit)
    return value, cell, None


def _percent(text: str) -> Decimal | None:
    t = text.strip().replace("％", "%").replace(" ", "")
    m = re.match(r"^(\d+(?:\.\d+)?)%?$", t)
    if not m:
        return None
    try:
        return Decimal(m.group(1))
    except InvalidOperation:  # pragma: no cover
        return None


def build_project(form: Form, unit: str, placed: list[Placed]) -> Project:
    g = form.grid
    p = Project()
    for key in ("name", "code", "category", "project_type", "is_new", "allocation", "supervisor", "implementer",
                "period", "purpose", "policy_basis", "calc_basis", "remark"):
        if key in form.texts:
            text, cell = form.texts[key]
            setattr(p, key, strip_markup(text) if key in TEXT_BELOW_KEYS or key == "remark" else one_line(text))
            p.cells[key] = g.ref(cell)
    if "goal" in form.texts:
        text, cell = form.texts["goal"]
        p.annual_goal = strip_markup(text)
        p.cells["annual_goal"] = g.ref(cell)
    if "period_goal" in form.texts:
        text, cell = form.texts["period_goal"]
        p.period_goal = strip_markup(text)
        p.cells["period_goal"] = g.ref(cell)
    f = Funding(money_unit=unit)  # type: ignore[arg-type]
    for key in ("total", "fiscal", "carryover", "other", "period_total", "superior"):
        value, cell, bad = _amount(form, key, unit)
        if cell is None:
            continue
        if key == "superior":
            if bad is not None:
                f.invalid["上级资金"] = bad
            else:
                p.remark = "；".join(filter(None, [p.remark, f"上级资金：{form.amounts[key][0]}"]))
            p.cells["superior"] = g.ref(cell)
            continue
        p.cells[key] = g.ref(cell)
        if bad is not None:
            f.invalid[key] = bad
        else:
            setattr(f, key, value)
    p.funding = f
    for label, raw, cell in form.plan:
        p.spending_plan.append(PlanPoint(label=label, percent=_percent(raw), raw=raw or None))
        p.cells[f"plan_{len(p.spending_plan)}"] = g.ref(cell)
    for key, lab in form.blank.items():  # a label whose value was left blank: point at the label
        attr = {"goal": "annual_goal"}.get(key, key)
        p.cells.setdefault(attr, g.ref(lab))
    p.indicators = [pl.indicator for pl in placed if not pl.na]
    p.not_applicable = [pl.indicator for pl in placed if pl.na]
    p.row = form.first_line
    return p


def build_dept(form: Form, unit: str, placed: list[Placed]) -> DeptBudget:
    g = form.grid
    d = DeptBudget(money_unit=unit)  # type: ignore[arg-type]
    for key in ("personnel", "public", "basic", "projects", "expense_total", "fiscal", "carryover", "other",
                "income_total"):
        value, cell, bad = _amount(form, key, unit)
        if cell is None:
            continue
        d.cells[key] = g.ref(cell)
        if bad is not None:
            d.invalid[key] = bad
        else:
            setattr(d, key, value)
    if "goal" in form.texts:
        d.goal = strip_markup(form.texts["goal"][0])
        d.cells["goal"] = g.ref(form.texts["goal"][1])
    if "functions" in form.texts:
        d.functions = strip_markup(form.texts["functions"][0])
        d.cells["functions"] = g.ref(form.texts["functions"][1])
    d.indicators = [pl.indicator for pl in placed if not pl.na]
    d.not_applicable = [pl.indicator for pl in placed if pl.na]
    return d


_CODE_PREFIX = re.compile(r"^\s*[0-9A-Za-z]+\s*[-－—_ ]\s*")


def unit_from_supervisor(text: str | None) -> str | None:
    if not text:
        return None
    return _CODE_PREFIX.sub("", text).strip() or None


def region_from_unit(name: str | None) -> str | None:
    """A region for titles from a unit name: 中共黔南州委政法委员会 → 黔南州."""
    if not name:
        return None
    t = re.sub(r"^(中共|中国共产党)", "", name.strip())
    m = re.match(r"^(.{1,8}?(?:省|自治区|市|州|盟|地区|县|旗|区))(.{1,8}?(?:区|县|旗|市))?", t)
    if not m:
        return None
    head = m.group(1)
    tail = m.group(2) or ""
    if tail and not re.search(r"委|局|厅|办|院|会", tail):
        return head + tail
    return head


def to_submission(rec: Recognised) -> tuple[Submission, list[Unplaced], list[str], dict]:
    """Build the submission; returns it, the unplaced items, notes and per-form scheme info."""
    notes = list(rec.notes)
    unplaced = list(rec.unplaced)
    units = [f.money_unit for f in rec.forms if f.money_unit]
    unit_counts = Counter(units)
    if not units:
        sub_unit = "万元"
        if rec.forms:
            notes.append("未找到金额单位（如「单位：万元」），按万元导入")
    elif len(unit_counts) == 1:
        sub_unit = units[0]
    else:
        sub_unit = "万元"
        notes.append("各表金额单位不一致（" + "、".join(f"{u} {n} 张" for u, n in unit_counts.items())
                     + "），金额已统一换算为万元")
    sub = Submission(money_unit=sub_unit)  # type: ignore[arg-type]
    sub.budget_year = rec.year
    project_forms = [f for f in rec.forms if f.kind != "dept"]
    dept_forms = [f for f in rec.forms if f.kind == "dept"]
    info: dict = {"scheme": None, "dept_scheme": None}
    all_rows = [r for f in project_forms for r in f.rows]
    scheme = None
    if all_rows:
        scheme, _ = choose_scheme(all_rows, "project")
        sub.scheme = scheme.id
        info["scheme"] = scheme
    for f in project_forms:
        if not (f.texts or f.amounts or f.rows):
            continue
        name = one_line(f.texts["name"][0]) if "name" in f.texts else None
        placed = _place_form(f.rows, scheme, name) if (scheme and f.rows) else []
        p = build_project(f, sub_unit, placed)
        p.funding.money_unit = sub_unit  # type: ignore[assignment]
        p.uncertain = uncertain_layout(f, placed)
        sub.projects.append(p)
        _collect(f, placed, unplaced, name)
        if name is None:
            loc = f.grid.source + (f"（{f.grid.sheet}）" if f.grid.sheet else "")
            notes.append(f"{loc} 第{f.first_line or '?'}行起的表格没有找到项目名称")
    if dept_forms:
        f = dept_forms[0]
        ds, placed = choose_scheme(f.rows, "dept") if f.rows else (None, [])
        if ds is not None:
            sub.dept_scheme = ds.id
            info["dept_scheme"] = ds
        sub.dept = build_dept(f, sub_unit, placed)
        _collect(f, placed, unplaced, "部门整体")
        for extra in dept_forms[1:]:
            notes.append(f"发现多张部门整体表，只导入第一张；{extra.grid.source} 第{extra.first_line}行起的表未导入")
    # unit information
    supervisors = [p.supervisor for p in sub.projects if p.supervisor]
    implementers = [p.implementer for p in sub.projects if p.implementer]
    if supervisors:
        sub.supervisor = Counter(supervisors).most_common(1)[0][0]
    if rec.unit_name:
        text, cell, grid = rec.unit_name
        sub.unit_name = one_line(text)
        sub.cells["unit_name"] = grid.ref(cell)
    elif implementers:
        sub.unit_name = Counter(implementers).most_common(1)[0][0]
    elif supervisors:
        sub.unit_name = unit_from_supervisor(sub.supervisor)
    if rec.unit_code:
        sub.unit_code = one_line(rec.unit_code[0])
    for key, attr in (("filler", "filler"), ("phone", "phone"), ("fill_date", "fill_date"), ("head", "head")):
        if key in rec.footer:
            text, cell, grid = rec.footer[key]
            setattr(sub, attr, text)
            sub.cells[attr] = grid.ref(cell)
    return sub, unplaced, notes, info


_NOT_READ = frozenset({"weight", "nature", "project_code"})
_OP_WORD = re.compile(r"[≥≤＞＜＝<>=]=?|[≧≦]|大于等于|小于等于|大于|小于|等于|不低于|不高于|不少于|不超过|定性")
"""Indicator-table columns real forms have and the model does not take."""
_DOUBTFUL = ("缺少三级指标名称", "指标值右侧未识别的单元格", "一行中有多个指标名称候选，已并入说明")
UNCERTAIN_MIN_ROWS = 4
"""Below this many indicator rows a layout is not judged uncertain (too little to tell)."""


def uncertain_layout(form: Form, placed: list[Placed]) -> str | None:
    """Where the recogniser stopped understanding a form's indicator table, when most rows are doubtful.

    A row is doubtful when its 一级 is not a category of any scheme, it has no name, or cells are left over
    beside its value: the columns were not understood, so judging the values would judge the wrong cells.
    A row that only lacks its value is not doubtful (that is the unit's omission, JX106)."""
    rows = [pl for pl in placed if not pl.na]
    if len(rows) < UNCERTAIN_MIN_ROWS:
        return None
    doubtful = [pl for pl in rows if pl.fit < 0 or any(reason in _DOUBTFUL for _, reason in pl.issues)]
    if len(doubtful) * 2 <= len(rows):
        return None
    first = doubtful[0]
    cell = next((c for c, _ in first.issues), None)
    where = form.grid.where(cell) if cell is not None else f"第{first.indicator.row}行"
    return (f"指标表有 {len(doubtful)}/{len(rows)} 行无法按「一级指标、二级指标、三级指标、指标值」读出，"
            f"从{where}起版式无法可靠识别")


def _place_form(rows: list[RawRow], scheme: Scheme, project: str | None) -> list[Placed]:
    """Place one form's rows under the file's scheme, unless another scheme fits this form strictly better."""
    placed, score = place_rows(rows, scheme, project)
    for other in all_schemes().values():
        if other.id == scheme.id or other.kind != scheme.kind:
            continue
        alt, alt_score = place_rows(rows, other, project)
        if alt_score > score:
            placed, score = alt, alt_score
    return placed


def _collect(form: Form, placed: list[Placed], unplaced: list[Unplaced], project: str | None) -> None:
    for pl in placed:
        for cell, reason in pl.issues:
            unplaced.append(Unplaced(form.grid.source, form.grid.where(cell), cell.text, reason,
                                     form.grid.ref(cell), project))
