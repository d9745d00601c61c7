"""A region's own review criteria (审核口径) as data: a table loaded as extra rules (codes JX9xx).

The table has one row per criterion: 编码, 审核对象 (a field, an indicator category, or
``二级指标==数量``), 模式 (正则匹配 = automatic, 人工 = manual), 审核要点 (the dimension),
审核细项, 审核意见表述 and 正则表达式.  Real tables are not consistent, so this is what
the loader assumes, and the summary it prints says how each row was understood:

* ``空`` or ``^\\s*$`` as the expression: the criterion fires when the object is empty;
* otherwise the expression describes what is *good* and the criterion fires when the
  text does not match — except when the item says the text is too long, repeated or
  unreasonable (冗长, 过长, 重复, 不合理), where the expression describes what is *bad*;
  an optional column 触发 (``匹配`` / ``不匹配``) says it explicitly;
* 人工 rows are not applied: they are listed in the 审核意见 for the reviewer to tick.

A broken expression or an unknown object is a :class:`~xl_jixiao.errors.UserError`
naming the row (exit 2).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

from xl_jixiao.errors import UserError
from xl_jixiao.model import Finding, Indicator, Project, Severity, Submission
from xl_jixiao.pipeline import FileResult
from xl_jixiao.review.opinions import DIMENSIONS, OpinionRule
from xl_jixiao.review.roster import _text

CODE_BASE = 900
CODE_MAX = 999

PROJECT_FIELDS = {
    "政策依据": "policy_basis", "立项依据": "policy_basis",
    "测算依据": "calc_basis", "资金测算依据": "calc_basis",
    "年度目标": "annual_goal", "年度绩效目标": "annual_goal", "年度总体目标": "annual_goal",
    "实施期目标": "period_goal", "长期目标": "period_goal",
    "资金用途": "purpose", "项目名称": "name",
}
INDICATOR_FIELDS = {"三级指标": "name", "指标名称": "name", "指标值": "value", "指标解释": "note", "指标说明": "note",
                    "绩效指标描述": "note", "指标值说明": "note", "绩效指标": "value"}
CATEGORY_ROLES = {"数量": "quantity", "质量": "quality", "时效": "timeliness", "成本": "cost",
                  "社会": "social", "经济": "economic", "生态": "ecological", "可持续": "sustainable",
                  "满意度": "satisfaction"}
WHOLE_FORM = ("绩效目标表",)
BAD_WHEN_MATCHED = ("冗长", "过长", "重复", "不合理")
EMPTY_MARKS = ("空", "^\\s*$", "^$", "^\\s*$\\s*")

HEADERS = {
    "code": ("编码", "序号", "编号"), "object": ("审核对象", "对象"), "mode": ("模式", "审核方式"),
    "dimension": ("审核要点", "审核维度", "维度"), "point": ("二级要点",), "item": ("审核细项", "细项", "审核内容"),
    "opinion": ("审核意见表述（问题+建议）", "审核意见表述", "审核意见", "意见表述"),
    "regex": ("正则表达式", "表达式", "正则"), "trigger": ("触发", "触发条件"),
}


@dataclass(frozen=True)
class Criterion:
    row: int
    code: str
    obj: str
    automatic: bool
    dimension: str
    item: str
    opinion: str
    pattern: re.Pattern | None
    empty: bool
    bad_when_matched: bool
    target: tuple[str, str, str | None]
    """(kind, field, role): ``project`` field, ``indicator`` field (role filter or None), ``category`` role, ``form``."""

    def describe(self) -> str:
        if not self.automatic:
            return f"{self.code} 人工审核事项：{self.item}"
        how = "为空时" if self.empty else ("符合表达式时" if self.bad_when_matched else "不符合表达式时")
        return f"{self.code} 自动：{self.obj}{how}提出「{self.item}」"

    def manual_text(self) -> str:
        return f"□ {self.item}（{self.dimension}）：{self.opinion}"


def _dimension(text: str) -> str:
    for d in DIMENSIONS:
        if d in text:
            return d
    if "测" in text or "量化" in text:
        return "可测性"
    if "可行" in text or "匹配" in text or "时限" in text:
        return "可行性"
    return "完整性"


def _target(obj: str, where: str) -> tuple[str, str, str | None]:
    o = obj.replace(" ", "")
    m = re.fullmatch(r"(?:二级指标|指标类别)\s*={1,2}\s*(.+)", o)
    if m:
        cat = m.group(1).replace("指标", "")
        role = next((r for k, r in CATEGORY_ROLES.items() if cat.startswith(k)), None)
        if role is None:
            raise UserError(f"{where}：审核对象「{obj}」中的指标类别「{m.group(1)}」无法识别"
                            f"（可用：{'、'.join(CATEGORY_ROLES)}）")
        return ("indicator", "name", role)
    if o in PROJECT_FIELDS:
        return ("project", PROJECT_FIELDS[o], None)
    if o in INDICATOR_FIELDS:
        return ("indicator", INDICATOR_FIELDS[o], None)
    if o in WHOLE_FORM:
        return ("form", "indicators", None)
    cat = o.replace("指标", "").replace("效益", "")
    role = next((r for k, r in CATEGORY_ROLES.items() if cat == k), None)
    if role is not None:
        return ("category", "name", role)
    known = list(PROJECT_FIELDS) + list(INDICATOR_FIELDS) + list(WHOLE_FORM) + list(CATEGORY_ROLES) + ["二级指标==数量"]
    raise UserError(f"{where}：未知的审核对象「{obj}」（可用：{'、'.join(dict.fromkeys(known))}）")




def load_criteria(path: str | Path) -> list[Criterion]:
    """The criteria of a table such as ``审核口径_example.xlsx``; errors name the file and row."""
    from xl_jixiao.errors import ReadError
    from xl_jixiao.readers import load_sheets

    p = Path(path)
    if not p.is_file():
        raise UserError(f"找不到审核口径文件：{p}")
    try:
        sheets = load_sheets(p)
    except ReadError as exc:
        raise UserError(f"审核口径文件 {p} 无法读取：{exc.reason}") from None
    for sheet, rows in sheets.items():
        for hr, row in enumerate(rows[:10]):
            cells = [_text(c) for c in row]
            cols = {k: next((cells.index(lab) for lab in labs if lab in cells), -1) for k, labs in HEADERS.items()}
            if cols["object"] >= 0 and cols["regex"] >= 0 and cols["opinion"] >= 0:
                return _parse(p, sheet, rows[hr + 1:], hr + 2, cols)
    raise UserError(f"审核口径文件 {p} 中找不到表头：需要「审核对象」「审核意见表述」「正则表达式」列"
                    f"（可另有编码、模式、审核要点、审核细项、触发）")


def _parse(p: Path, sheet: str, rows: list, first: int, cols: dict[str, int]) -> list[Criterion]:
    out: list[Criterion] = []
    used: set[str] = set()
    for line, row in enumerate(rows, start=first):
        cells = [_text(c) for c in row]

        def at(key: str, cells: list[str] = cells) -> str:
            i = cols[key]
            return cells[i] if 0 <= i < len(cells) else ""

        obj = at("object")
        if not obj:
            continue
        where = f"审核口径文件 {p.name} 工作表「{sheet}」第 {line} 行"
        mode = at("mode")
        automatic = "人工" not in mode
        code = _code(at("code"), used, len(out), where)
        used.add(code)
        expr = at("regex")
        item = at("item") or obj
        opinion = at("opinion")
        if not opinion:
            raise UserError(f"{where}：缺少审核意见表述")
        target = _target(obj, where)
        empty = expr in EMPTY_MARKS
        pattern = None
        if automatic and not empty:
            if not expr or expr == "无":
                raise UserError(f"{where}：模式为「{mode or '正则匹配'}」，但没有正则表达式（人工审核请在「模式」列写「人工」）")
            try:
                pattern = re.compile(expr)
            except re.error as exc:
                raise UserError(f"{where}：正则表达式「{expr}」有误（{exc}）") from None
        trigger = at("trigger")
        if trigger:
            bad = trigger.startswith("匹配") or trigger in ("符合", "符合即问题")
        else:
            bad = any(w in item for w in BAD_WHEN_MATCHED)
        out.append(Criterion(line, code, obj, automatic, _dimension(at("dimension") + at("point")), item, opinion,
                             pattern, empty, bad, target))
    if not out:
        raise UserError(f"审核口径文件 {p} 中没有审核口径")
    return out


def _code(text: str, used: set[str], n: int, where: str) -> str:
    if re.fullmatch(r"\d{1,2}", text):
        code = f"JX{CODE_BASE + int(text)}"
    elif re.fullmatch(r"JX9\d\d", text.upper()):
        code = text.upper()
    else:
        code = f"JX{CODE_BASE + n}"
    while code in used:
        num = int(code[2:]) + 1
        if num > CODE_MAX:
            raise UserError(f"{where}：审核口径超过 100 条，JX900–JX999 已用完")
        code = f"JX{num}"
    return code


def opinion_table(criteria: list[Criterion]) -> dict[str, OpinionRule]:
    """The criteria's own dimension and wording, for :func:`~xl_jixiao.review.opinions.review_result`."""
    return {c.code: OpinionRule(c.dimension, c.opinion + "（{说明}）") for c in criteria if c.automatic}


def manual_items(criteria: list[Criterion]) -> list[str]:
    return [c.manual_text() for c in criteria if not c.automatic]


# ------------------------------------------------------------------ applying the automatic ones


def _fires(c: Criterion, text: str) -> bool:
    if c.empty:
        return not text.strip()
    if not text.strip() or c.pattern is None:
        return False  # an empty field is the 空 rows' business (and JX401's)
    hit = c.pattern.search(text) is not None
    return hit if c.bad_when_matched else not hit


def _not_applicable(ind: Indicator) -> bool:
    from xl_jixiao.rules.review_rules import not_applicable

    return not_applicable(ind)


def _finding(c: Criterion, res: FileResult, message: str, *, project: str | None, sheet: str | None = None,
             cell: str | None = None, row: int | None = None, value: str = "") -> Finding:
    return Finding(code=c.code, severity=Severity.WARNING, message=message, file=res.path, sheet=sheet, cell=cell,
                   row=row, project=project, value=value[:200], suggestion=c.item)


def apply_criteria(res: FileResult, criteria: list[Criterion]) -> list[Finding]:
    """The automatic criteria's findings on one result (the result itself is not changed)."""
    sub = res.submission
    if sub is None:
        return []
    from xl_jixiao.rules.engine import Context

    ctx = Context(sub, _config())
    out: list[Finding] = []
    for c in criteria:
        if not c.automatic:
            continue
        kind, fld, role = c.target
        for p in sub.projects:
            items = [it for it in ctx.items_of(p) if not _not_applicable(it.ind)]
            if kind == "project":
                if fld not in p.cells and getattr(p, fld, None) is None:
                    continue  # the form has no such field
                text = str(getattr(p, fld, None) or "")
                if _fires(c, text):
                    ref = p.cells.get(fld)
                    out.append(_finding(c, res, f"{c.obj}：「{_short(text) or '（空）'}」", project=p.name,
                                        sheet=ref.sheet if ref else None, cell=ref.cell if ref else None,
                                        row=ref.row if ref else None, value=text))
            elif kind == "form":
                text = "".join((i.name or "") + (i.value or "") for i in p.indicators)
                if _fires(c, text):
                    out.append(_finding(c, res, f"{c.obj}未填写", project=p.name))
            elif kind == "category":
                names = "".join(it.ind.name or "" for it in items if it.role == role)
                if _fires(c, names):
                    out.append(_finding(c, res, f"没有{c.obj}指标", project=p.name))
            else:
                for it in items:
                    if role is not None and it.role != role:
                        continue
                    if fld == "note" and "note" not in it.ind.cells:
                        continue  # the form has no such column
                    text = it.text if fld == "value" else str(getattr(it.ind, fld, None) or "")
                    if _fires(c, text):
                        ref = it.ind.cells.get(fld) or it.ind.location(fld)
                        out.append(_finding(c, res, f"指标「{it.ind.name or ''}」的{c.obj}：「{_short(text) or '（空）'}」",
                                            project=p.name, sheet=ref.sheet if ref else None,
                                            cell=ref.cell if ref else None, row=ref.row if ref else None, value=text))
    return out


def _short(text: str, n: int = 40) -> str:
    text = re.sub(r"\s+", " ", text or "").strip()
    return text if len(text) <= n else text[:n] + "…"


def _config():
    from xl_jixiao.config import default_config

    return default_config()


def with_criteria(res: FileResult, criteria: list[Criterion]) -> FileResult:
    """A copy of ``res`` whose findings include the automatic criteria's."""
    extra = apply_criteria(res, criteria)
    if not extra:
        return res
    return replace(res, findings=[*res.findings, *extra])


__all__ = ["Criterion", "load_criteria", "apply_criteria", "with_criteria", "opinion_table", "manual_items",
           "Submission", "Project"]
