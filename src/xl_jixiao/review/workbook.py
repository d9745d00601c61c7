"""The review round's workbooks: 审核意见 (per project and per unit), the 退回通知 a unit is sent,
and the round's 审核总览.  All are written from the round's data (FileResults reviewed), atomically."""

from __future__ import annotations

import datetime as _dt
import functools
from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

from xl_jixiao import printing
from xl_jixiao.review.opinions import DIMENSIONS, PASS, RETURN, ProjectReview
from xl_jixiao.review.round import Round, UnitRound, history_text

_THIN = Side(style="thin", color="000000")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
WRAP = Alignment(wrap_text=True, vertical="top")
CENTER = Alignment(wrap_text=True, vertical="center", horizontal="center")
HEAD_FILL = PatternFill("solid", start_color="D9D9D9", end_color="D9D9D9")
RETURN_FILL = PatternFill("solid", start_color="F4CCCC", end_color="F4CCCC")
PASS_FILL = PatternFill("solid", start_color="D9EAD3", end_color="D9EAD3")
MONEY_FORMAT = printing.MONEY_FORMAT


@functools.cache
def _font(bold: bool = False, size: float = printing.FONT_SIZE, heading: bool = False) -> Font:
    return printing.font(bold=bold, size=size, heading=heading)  # shared: openpyxl never changes a cell's font in place


def _workbook() -> Workbook:
    wb = Workbook()
    printing.use_house_fonts(wb)
    return wb


def _put(ws, row: int, col: int, value, *, bold: bool = False, align: Alignment = WRAP, fill=None, border=True):
    cell = ws.cell(row=row, column=col)
    if isinstance(value, str):
        cell.value = value
        cell.data_type = "s"  # text from a submission never becomes a formula
    else:
        cell.value = value
    printing.style(cell, font=_font(bold), alignment=align, fill=fill, border=BORDER if border else None)
    return cell


def _page(ws, *, landscape: bool, title_rows: str | None = None, last_col: str = "A", last_row: int = 1,
          title: str = "") -> None:
    rows = tuple(int(x) for x in title_rows.split(":")) if title_rows else None
    printing.apply(ws, printing.PageSetup(title=title, landscape=landscape, title_rows=rows,  # type: ignore[arg-type]
                                          area=f"A1:{last_col}{max(last_row, 1)}"))


def _table(ws, top: int, heads: Sequence[tuple[str, float]], rows: list[list], *, conclusion_col: int | None = None) -> int:
    for i, (h, w) in enumerate(heads, start=1):
        _put(ws, top, i, h, bold=True, align=CENTER, fill=HEAD_FILL)
        ws.column_dimensions[ws.cell(row=top, column=i).column_letter].width = w
    r = top
    for values in rows:
        r += 1
        for i, v in enumerate(values, start=1):
            cell = _put(ws, r, i, v)
            if isinstance(v, (int, float)) or (v is not None and type(v).__name__ == "Decimal"):
                cell.number_format = MONEY_FORMAT if type(v).__name__ == "Decimal" else "0"
        if conclusion_col is not None:
            v = values[conclusion_col - 1]
            ws.cell(row=r, column=conclusion_col).fill = RETURN_FILL if str(v).startswith(RETURN) else PASS_FILL
    ws.freeze_panes = ws.cell(row=top + 1, column=1)
    if rows:
        ws.auto_filter.ref = f"A{top}:{ws.cell(row=top, column=len(heads)).column_letter}{r}"
    return r


def _title(ws, text: str, ncols: int) -> None:
    c = ws.cell(row=1, column=1, value=text)
    c.font = _font(True, 16, heading=True)
    c.alignment = CENTER
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=ncols)
    ws.row_dimensions[1].height = 30


PROJECT_HEADS = [("序号", 6), ("单位", 24), ("项目编码", 22), ("项目名称", 28), ("年度资金（万元）", 13), ("结论", 10),
                 ("审核意见", 70), *[(d, 40) for d in DIMENSIONS], ("意见条数", 8), ("人工审核事项", 40)]


def project_rows(reviews: list[ProjectReview]) -> list[list]:
    rows = []
    for n, r in enumerate(reviews, start=1):
        rows.append([n, r.unit, r.project_code, r.project_name, r.total_wan, r.conclusion, r.text(),
                     *[r.dimension_text(d) for d in DIMENSIONS], len(r.opinions), "\n".join(r.manual)])
    return rows


def opinions_workbook(units: list[UnitRound], title: str) -> Workbook:
    """审核意见: one row per project (项目审核意见) and one per unit (单位审核意见)."""
    wb = _workbook()
    ws = wb.active
    ws.title = "项目审核意见"
    _title(ws, title, len(PROJECT_HEADS))
    reviews = [r for u in units for r in u.reviews]
    last = _table(ws, 3, PROJECT_HEADS, project_rows(reviews), conclusion_col=6)
    _page(ws, landscape=True, title_rows="3:3", last_col=ws.cell(row=3, column=len(PROJECT_HEADS)).column_letter,
          last_row=last)

    ws2 = wb.create_sheet("单位审核意见")
    heads = [("序号", 6), ("单位", 28), ("单位编码", 14), ("报送文件", 30), ("项目数", 8), ("退回项目数", 10),
             ("结论", 12), *[(f"{d}意见", 10) for d in DIMENSIONS], ("单位层面意见", 60), ("审核轮次", 30)]
    rows = []
    for n, u in enumerate(units, start=1):
        counts = {d: sum(len(r.by_dimension()[d]) for r in u.reviews) for d in DIMENSIONS}
        unit_level = "\n".join(r.text() for r in u.reviews if r.project_name.startswith("（") and r.opinions)
        rows.append([n, u.label, u.code, u.current.name if u.current else "", sum(1 for r in u.reviews
                     if not r.project_name.startswith("（")), u.returned_projects, u.status,
                     *[counts[d] for d in DIMENSIONS], unit_level, history_text(u)])
    _title(ws2, title.replace("项目", "单位"), len(heads))
    last = _table(ws2, 3, heads, rows, conclusion_col=7)
    _page(ws2, landscape=True, title_rows="3:3", last_col=ws2.cell(row=3, column=len(heads)).column_letter,
          last_row=last)
    return wb


def notice_workbook(u: UnitRound, rnd: Round, reviewer: str = "") -> Workbook:
    """退回通知: what a unit is sent back with — the opinions of each project to be revised, ready to print."""
    wb = _workbook()
    ws = wb.active
    ws.title = "退回通知"
    for col, w in zip("ABCD", (6, 30, 12, 70)):
        ws.column_dimensions[col].width = w
    _title(ws, "预算绩效目标审核意见通知", 4)
    today = _dt.date.today()
    lines = [
        f"{u.label}：",
        f"    你单位报送的预算绩效目标（{Path(u.current.name).name if u.current else ''}）已经第{rnd.number}轮审核。"
        f"共 {sum(1 for r in u.reviews if not r.project_name.startswith('（'))} 个项目，"
        f"其中 {u.returned_projects} 个项目需修改后重新报送，审核意见如下。请按意见逐条修改，"
        f"修改后的工作簿以原文件名（可加日期）重新报送；各问题在附件标注副本中已标出所在单元格。",
    ]
    r = 2
    for text in lines:
        r += 1
        c = ws.cell(row=r, column=1, value=text)
        c.data_type = "s"
        c.alignment = WRAP
        c.font = _font(size=12)
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=4)
        ws.row_dimensions[r].height = 18 if len(text) < 60 else 18 * (len(text) // 55 + 1)
    r += 2
    top = r
    for i, h in enumerate(("序号", "项目名称", "结论", "审核意见"), start=1):
        _put(ws, top, i, h, bold=True, align=CENTER, fill=HEAD_FILL)
    n = 0
    for rev in u.reviews:
        if not rev.opinions and rev.conclusion == PASS and rev.project_name.startswith("（"):
            continue
        n += 1
        r += 1
        text = rev.text()
        _put(ws, r, 1, n, align=CENTER)
        _put(ws, r, 2, rev.project_name)
        _put(ws, r, 3, rev.conclusion, align=CENTER, fill=RETURN_FILL if rev.conclusion == RETURN else PASS_FILL)
        _put(ws, r, 4, text)
        ws.row_dimensions[r].height = max(30, 15 * sum(max(1, len(x) // 38 + 1) for x in text.split("\n")))
    r += 2
    for text in (f"审核单位：{reviewer or '（财政局预算绩效管理科）'}", f"日期：{today.year}年{today.month}月{today.day}日"):
        c = ws.cell(row=r, column=4, value=text)
        c.alignment = Alignment(horizontal="right")
        c.font = _font(size=12)
        r += 1
    _page(ws, landscape=False, title_rows=f"{top}:{top}", last_col="D", last_row=r)
    return wb


def overview_workbook(rnd: Round, yoy_rows: list[list] | None = None) -> Workbook:
    """审核总览: status of every unit over the rounds, and what became of every file received."""
    wb = _workbook()
    ws = wb.active
    ws.title = "单位状态"
    rounds = max((len(u.history) for u in rnd.units), default=rnd.number)
    heads = [("序号", 6), ("单位", 28), ("单位编码", 14), ("主管部门", 20), ("在名单中", 8), ("本轮状态", 16),
             *[(f"第{k}轮", 12) for k in range(1, rounds + 1)], ("有效文件", 30), ("被替代的旧文件", 30),
             ("退回项目数", 10)]
    rows = []
    order = {RETURN: 0, "退回修改（未重新报送）": 1, "无法使用": 2, "未提交": 3, PASS: 4}
    for n, u in enumerate(sorted(rnd.units, key=lambda u: (order.get(u.status, 5), u.label)), start=1):
        hist = list(u.history) + [""] * (rounds - len(u.history))
        rows.append([n, u.label, u.code, u.supervisor, "是" if u.on_roster else "否（名单外）", u.status, *hist,
                     u.current.name if u.current else "", "、".join(s.name for s in u.superseded),
                     u.returned_projects])
    _title(ws, f"绩效目标审核总览（第{rnd.number}轮，{rnd.time}）", len(heads))
    c = ws.cell(row=2, column=1, value=rnd.summary())
    c.data_type = "s"
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(heads))
    last = _table(ws, 3, heads, rows, conclusion_col=6)
    _page(ws, landscape=True, title_rows="3:3", last_col=ws.cell(row=3, column=len(heads)).column_letter,
          last_row=last)

    ws2 = wb.create_sheet("来件清单")
    heads2 = [("序号", 6), ("文件", 40), ("单位", 28), ("处理", 16), ("说明", 40), ("填报日期", 14), ("错误", 8),
              ("警告", 8)]
    rows2 = []
    for n, rec in enumerate(rnd.received, start=1):
        res = rec.result
        sub = res.submission
        rows2.append([n, res.name, rec.unit, rec.role, rec.note, (sub.fill_date or "") if sub else "", res.errors,
                      res.warnings])
    _title(ws2, "本轮来件清单", len(heads2))
    last = _table(ws2, 3, heads2, rows2)
    _page(ws2, landscape=True, title_rows="3:3", last_col="H", last_row=last)

    if yoy_rows is not None:
        ws3 = wb.create_sheet("跨年度比较")
        heads3 = [("序号", 6), ("单位", 24), ("项目编码", 22), ("项目名称", 28), ("匹配方式", 10), ("发现", 16),
                  ("说明", 70)]
        _title(ws3, "与上年绩效目标比较", len(heads3))
        last = _table(ws3, 3, heads3, [[n, *r] for n, r in enumerate(yoy_rows, start=1)])
        _page(ws3, landscape=True, title_rows="3:3", last_col="G", last_row=last)
    return wb


def save(wb: Workbook, path: Path) -> Path:
    from xl_jixiao.inbox import mark_workbook
    from xl_jixiao.template.io import save_atomic

    mark_workbook(wb, "review")  # never counted as a unit when left in an inbox
    return save_atomic(wb, path)


__all__ = ["opinions_workbook", "notice_workbook", "overview_workbook", "project_rows", "save", "PROJECT_HEADS"]
