"""Reports of findings: plain text grouped by file and project, JSON, and an annotated workbook copy."""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path

from xl_jixiao.errors import UserError
from xl_jixiao.inbox import shown as shown_name
from xl_jixiao.model import Finding, Severity

RESULT_SHEET = "校验结果"
FILLS = {Severity.ERROR: "FFC7CE", Severity.WARNING: "FFEB9C", Severity.INFO: "DDEBF7"}
"""Cell fill per severity: error red, warning yellow, info light blue."""

_UNIT_GROUP = "（单位）"


# ------------------------------------------------------------------ counting


def count(findings: Iterable[Finding]) -> dict[str, int]:
    """Counts of active findings by severity value, plus ``suppressed``."""
    c: Counter = Counter()
    for f in findings:
        if f.suppressed:
            c["suppressed"] += 1
        else:
            c[f.severity.value] += 1
    return {k: c.get(k, 0) for k in ("error", "warning", "info", "suppressed")}


def _summary(c: dict[str, int]) -> str:
    text = f"错误 {c['error']} 个，警告 {c['warning']} 个，提示 {c['info']} 个"
    if c["suppressed"]:
        text += f"（另有已忽略 {c['suppressed']} 个）"
    return text


def _col_key(cell: str | None) -> tuple[int, int]:
    if not cell:
        return (0, 0)
    if not cell[:1].isascii():  # an imported form's 第12行第3列: row, then column
        nums = [int(n) for n in re.findall(r"\d+", cell)] + [0, 0]
        return (nums[0], nums[1])
    letters = "".join(ch for ch in cell if ch.isalpha())
    digits = "".join(ch for ch in cell if ch.isdigit())
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return (int(digits) if digits else 0, n)


def _group(findings: list[Finding]) -> list[tuple[str, list[Finding]]]:
    """Findings per project, unit-level first, projects in order of appearance."""
    order: dict[str, int] = {}
    groups: dict[str, list[Finding]] = {}
    for f in findings:
        key = f.project or _UNIT_GROUP
        if key not in order:
            order[key] = len(order)
        groups.setdefault(key, []).append(f)

    def gkey(k: str) -> tuple:
        if k == _UNIT_GROUP:
            return (0, 0)
        if k == "部门整体":
            return (1, 0)
        return (2, order[k])

    out = []
    for k in sorted(groups, key=gkey):
        items = sorted(groups[k], key=lambda f: (f.sheet or "", _col_key(f.cell), f.severity.rank, f.code))
        out.append((k, items))
    return out


def where(f: Finding) -> str:
    """``绩效指标!G12``; for imported forms whatever location the importer kept (``第12行 第3格``)."""
    if f.sheet and f.cell:
        # A1 references as Excel writes them; an imported form's page/table and row/column run on (第2页第3行第4列)
        return f"{f.sheet}!{f.cell}" if f.cell[:1].isascii() else f"{f.sheet}{f.cell}"
    if f.sheet and f.row:
        return f"{f.sheet} 第{f.row}行"
    parts = [p for p in (f.sheet, f"第{f.row}行" if f.row else None, f.cell) if p]
    return " ".join(parts)


# ------------------------------------------------------------------ text


def render_text(findings_by_file: Mapping[str, list[Finding]] | Iterable[Finding], *, show_suppressed: bool = True,
                statuses: Mapping[str, str] | None = None) -> str:
    """A plain-text report: a summary line, then per file and per project every finding with its fix.

    ``statuses`` (file → its fate in a sentence, e.g. ``跳过：…``) adds that line under each file.
    """
    if not isinstance(findings_by_file, Mapping):
        grouped: dict[str, list[Finding]] = {}
        for f in findings_by_file:
            grouped.setdefault(f.file or "（未命名）", []).append(f)
        findings_by_file = grouped
    all_f = [f for fs in findings_by_file.values() for f in fs]
    total = count(all_f)
    lines = [f"校验结果：{len(findings_by_file)} 个文件，{_summary(total)}。"]
    for file, fs in findings_by_file.items():
        c = count(fs)
        lines.append("")
        lines.append(f"== {shown_name(file)} ==")
        if statuses and file in statuses:
            lines.append(f"  结果：{statuses[file]}")
            if statuses[file].startswith("跳过"):
                continue
        shown = [f for f in fs if show_suppressed or not f.suppressed]
        if not shown:
            lines.append("  没有发现问题。" if not fs else f"  没有需要处理的问题（已忽略 {c['suppressed']} 个）。")
            continue
        lines.append(f"  {_summary(c)}")
        for group, items in _group(shown):
            title = "单位信息" if group == _UNIT_GROUP else ("部门整体" if group == "部门整体" else f"项目：{group}")
            lines.append(f"  【{title}】")
            for f in items:
                mark = "（已忽略）" if f.suppressed else ""
                loc = where(f)
                lines.append(f"    {f.severity.label} {f.code} {loc}{'  ' if loc else ''}{f.message}{mark}")
                if f.suggestion:
                    lines.append(f"        建议：{f.suggestion}")
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------ JSON

JSON_FIELDS = ("file", "sheet", "cell", "row", "project", "code", "severity", "message", "value", "suggestion",
               "suppressed")


def findings_to_json(findings: Iterable[Finding]) -> list[dict]:
    return [{k: f.to_json().get(k) for k in JSON_FIELDS} for f in findings]


def render_json(findings: Iterable[Finding] | Mapping[str, list[Finding]], files: list[dict] | None = None) -> str:
    """A JSON list of findings: ``file, sheet, cell, row, project, code, severity, message, value, suggestion``
    (and ``suppressed``).  With ``files`` (one dict per input: its fate), an object
    ``{"files": [...], "findings": [...]}`` that accounts for every input."""
    if isinstance(findings, Mapping):
        findings = [f for fs in findings.values() for f in fs]
    data: object = findings_to_json(findings)
    if files is not None:
        data = {"files": files, "findings": data}
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


# ------------------------------------------------------------------ annotated copy


def _put(ws, row: int, column: int, value):
    """Write a value; text is always stored as text (``=…`` never becomes a formula)."""
    cell = ws.cell(row=row, column=column)
    cell.value = value
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"
    return cell


def _quote_sheet(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return a.resolve() == b.resolve()


def annotate(src_path, findings: Iterable[Finding], out_path) -> Path:
    """Write a copy of ``src_path`` to ``out_path`` with offending cells filled and a 校验结果 sheet.

    Fills: error red, warning yellow, info light blue (the most severe finding of
    a cell wins; suppressed findings are listed but not filled).  Each cell also
    gets a note with its findings.  The 校验结果 sheet lists every finding with a
    hyperlink to its cell and the rule's explanation.  The source is never
    modified; the copy is written atomically.
    """
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Border, PatternFill, Side
    from openpyxl.worksheet.hyperlink import Hyperlink

    from xl_jixiao import printing
    from xl_jixiao.rules.registry import get_rule
    from xl_jixiao.template.build import refresh_print_areas
    from xl_jixiao.template.io import load_workbook_quietly, register_existing_formulas, save_atomic

    src = Path(src_path)
    out = Path(out_path)
    if src.suffix.lower() not in (".xlsx", ".xlsm"):
        raise UserError(f"只能为 .xlsx/.xlsm 工作簿生成标注副本：{src}")
    if out.suffix.lower() not in (".xlsx", ".xlsm"):
        out = out.with_suffix(src.suffix.lower())
    if os.path.lexists(out) and _same_file(out, src):
        raise UserError(f"标注副本不能覆盖源文件：{out}")
    try:
        # macros are kept only in an .xlsm copy: an .xlsx holding vbaProject.bin is refused by Excel
        keep_vba = src.suffix.lower() == ".xlsm" and out.suffix.lower() == ".xlsm"
        wb = load_workbook_quietly(src, keep_vba=keep_vba)
    except Exception as exc:
        raise UserError(f"无法打开工作簿 {src}：{exc}") from exc
    findings = list(findings)
    fills = {sev: PatternFill("solid", start_color=color, end_color=color) for sev, color in FILLS.items()}

    # ---- mark cells
    per_cell: dict[tuple[str, str], list[Finding]] = {}
    for f in findings:
        if f.sheet and f.cell and f.sheet in wb.sheetnames and not f.suppressed:
            per_cell.setdefault((f.sheet, f.cell), []).append(f)
    for (sheet, ref), fs in per_cell.items():
        ws = wb[sheet]
        try:
            cell = ws[ref]
        except (ValueError, KeyError):
            continue
        if isinstance(cell, tuple):
            continue
        worst = min(fs, key=lambda f: f.severity.rank).severity
        printing.style(cell, fill=fills[worst])
        text = "\n".join(f"{f.code} {f.severity.label}：{f.message}" + (f"\n建议：{f.suggestion}" if f.suggestion else "")
                         for f in fs)
        try:
            cell.comment = Comment(text[:30000], "xl-jixiao", width=360, height=160)
        except AttributeError:  # merged cells cannot hold a note
            pass

    # ---- 校验结果 sheet
    if RESULT_SHEET in wb.sheetnames:
        del wb[RESULT_SHEET]
    ws = wb.create_sheet(RESULT_SHEET, 0)
    c = count(findings)
    _put(ws, 1, 1, f"校验结果：{src.name}（{_summary(c)}）")
    ws.cell(row=1, column=1).font = printing.font(heading=True, size=14)
    heads = ("序号", "严重程度", "规则", "工作表", "单元格", "项目", "问题", "原值", "建议", "规则说明", "状态")
    widths = (6, 9, 8, 12, 9, 22, 50, 18, 40, 50, 8)
    thin = Side(style="thin", color="808080")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    body_font = printing.font()
    for i, (h, w) in enumerate(zip(heads, widths), start=1):
        cell = _put(ws, 3, i, h)
        cell.font = printing.font(bold=True)
        cell.fill = PatternFill("solid", start_color="D9D9D9", end_color="D9D9D9")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = border
        ws.column_dimensions[cell.column_letter].width = w
    explanations: dict[str, str] = {}
    ordered = [f for _, fs in _group(findings) for f in fs]
    wrap = Alignment(wrap_text=True, vertical="top")
    for n, f in enumerate(ordered, start=1):
        r = 3 + n
        if f.code not in explanations:
            try:
                explanations[f.code] = get_rule(f.code).explanation()
            except KeyError:
                explanations[f.code] = ""
        values = (n, f.severity.label, f.code, f.sheet or "", f.cell or "", f.project or "", f.message,
                  f.value or "", f.suggestion or "", explanations[f.code], "已忽略" if f.suppressed else "")
        for col, v in enumerate(values, start=1):
            printing.style(_put(ws, r, col, v), alignment=wrap, font=body_font, border=border)
        ws.row_dimensions[r].height = printing.row_height(
            max(printing.lines_needed(v, w) for v, w in zip(values, widths)))
        sev_cell = ws.cell(row=r, column=2)
        if not f.suppressed:
            printing.style(sev_cell, fill=fills[f.severity])
        if f.sheet and f.cell and f.sheet in wb.sheetnames:
            link = ws.cell(row=r, column=5)
            # internal link: the location part of ``#'工作表'!G12``
            link.hyperlink = Hyperlink(ref=link.coordinate, location=f"{_quote_sheet(f.sheet)}!{f.cell}",
                                       tooltip=f"转到 {f.sheet}!{f.cell}")
            link.font = printing.font(color="0563C1", underline="single")
            link.alignment = wrap
    if not ordered:
        _put(ws, 4, 1, "没有发现问题。")
    ws.freeze_panes = "A4"
    if ordered:
        ws.auto_filter.ref = f"A3:K{3 + len(ordered)}"
    last_row = 3 + max(1, len(ordered))
    printing.apply(ws, printing.PageSetup(title=f"校验结果：{src.name}", title_rows=(3, 3),
                                          area=f"A1:K{last_row}"))
    wb.active = 0
    for other in wb.worksheets[1:]:
        other.sheet_view.tabSelected = False
    refresh_print_areas(wb)  # static ranges: the source's formula print areas do not survive openpyxl
    register_existing_formulas(wb)  # filled-down formula columns stay shared: the copy stays compact

    from xl_jixiao.inbox import mark_workbook

    mark_workbook(wb, "annotated")  # never counted as a unit when left in an inbox
    save_atomic(wb, out)
    return out
