"""``xl-jixiao approve INPUT -o OUT.xlsx``: print-ready 批复表."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from xl_jixiao.model import Submission

from xl_jixiao.commands import _pdf

NAME = "approve"
ORDER = 70
HELP = "生成项目支出绩效目标批复表（每个项目一页，A4 打印）"
DESCRIPTION = (
    "从填好的模板工作簿、单位工作簿所在的文件夹、汇总工作簿（按单位分组，数据取自汇总表「文件清单」列出的源文件）"
    "或旧表生成批复表："
    "标题、单位: 万元、项目信息与资金情况、年度总体目标、绩效指标表（一级/二级指标合并单元格），"
    "每个项目一个工作表，有部门整体时另加一页；A4 纸宽度适配。"
)


def register(p) -> None:
    p.add_argument("input", metavar="INPUT", help="模板工作簿、文件夹、汇总工作簿或旧表文件")
    p.add_argument("-o", "--output", required=True, metavar="OUT.xlsx", help="输出的批复表工作簿")
    p.add_argument("--region", default=None, help="标题中的地区，如「黔南州」（默认由主管部门/单位名称推断）")
    p.add_argument("--split", action="store_true",
                   help="汇总工作簿含多个单位时，每个单位单独一个文件（写到 OUT 所在文件夹）")
    p.add_argument("--force", action="store_true",
                   help="单位的工作簿仍有错误（未通过审核）时也生成批复表，并在这些页面上醒目标明「未通过审核」")
    _pdf.add_option(p)


def run(args) -> int:
    from xl_jixiao.approve import load_results
    from xl_jixiao.errors import UserError
    from xl_jixiao.review.round import current_results

    out = Path(args.output)
    if out.suffix.lower() != ".xlsx":
        raise UserError(f"输出文件应为 .xlsx：{out}")
    from xl_jixiao.inbox import refuse_input_overwrite

    refuse_input_overwrite(out, [args.input], "批复表")
    results, how = load_results(args.input)
    results, superseded = current_results(results)
    for old, new in superseded:
        print(f"跳过：{old.name}（同一单位有较新的版本 {new.name}，以新版本为准）")
    failing = [r for r in results if r.errors]
    if failing and not args.force:
        print("错误：以下单位的工作簿仍有错误，未通过审核，不能生成批复表（修改后重新报送，"
              "或用 --force 生成并标明「未通过审核」）：", file=sys.stderr)
        for r in failing:
            print(f"  {_unit_label(r)}（{r.name}）：{_errors_text(r)}", file=sys.stderr)
        return 1
    subs = [r.submission for r in results if r.submission is not None]
    unapproved = {id(r.submission) for r in failing}
    if not any(s.projects or (s.dept is not None and not s.dept.is_empty()) for s in subs):
        print(f"错误：{args.input} 中没有可批复的项目或部门整体表，未写入输出文件。", file=sys.stderr)
        return 1
    how_label = {"summary": "汇总工作簿", "folder": "文件夹", "template": "模板工作簿", "legacy": "旧表（导入识别）",
                 "live": "工作簿"}[how]
    print(f"读取：{args.input}（{how_label}），单位 {len(subs)} 个")
    written: list[tuple[Submission | None, Path]] = []
    if args.split and len(subs) > 1:
        for n, sub in enumerate(subs, start=1):
            name = _safe(sub.unit_name or f"单位{n}")
            written.append((sub, _write([sub], out.parent / f"{out.stem}_{name}.xlsx", args.region, unapproved)))
    else:
        written.append((None, _write(subs, out, args.region, unapproved)))
    for sub in subs:
        n_dept = 1 if sub.dept is not None and not sub.dept.is_empty() else 0
        print(f"  {sub.unit_name or '（未识别单位）'}：项目 {len(sub.projects)} 个"
              + ("，含部门整体" if n_dept else "") + ("（未通过审核，已在页面上标明）" if id(sub) in unapproved else ""))
    for _, path in written:
        print(f"已写入：{path}")
    if args.pdf:
        _pdf.export(path for _, path in written)
    return 0


def _unit_label(res) -> str:
    sub = res.submission
    return (sub.unit_name if sub else None) or "（未识别单位）"


def _errors_text(res, limit: int = 5) -> str:
    errs = [f for f in res.findings if f.severity.value == "error" and not f.suppressed]
    shown = "；".join(f"{f.code} {f.message}" for f in errs[:limit])
    return f"错误 {len(errs)} 个：{shown}" + ("……" if len(errs) > limit else "")


def _write(subs, path, region, unapproved: set[int]):
    """The 批复表 workbook; every sheet of a unit that has not passed review says so in red."""
    from xl_jixiao.approve import write_approval

    return write_approval(subs, path, region, not_passed=[s for s in subs if id(s) in unapproved])


def _safe(name: str) -> str:
    import re

    return re.sub(r'[\\/:*?"<>|\s]+', "_", name).strip("_") or "单位"


DEMO_ORDER = 70


def demo_step(ctx) -> None:
    from xl_jixiao.approve import load_for_approval, write_approval
    from xl_jixiao.data import seed_files
    from xl_jixiao.readers.legacy import read_legacy

    ctx.heading("批复表：为三份真实表生成打印用批复表")
    folder = ctx.out / "批复表"
    for seed in seed_files():
        imported = ctx.out / "导入" / f"{seed.stem}.xlsx"
        if imported.exists():
            subs, _ = load_for_approval(imported)
        else:
            subs = [read_legacy(seed)]
        path = write_approval(subs, folder / f"{seed.stem}_批复表.xlsx")
        n = sum(len(s.projects) for s in subs)
        dept = "，含部门整体" if any(s.dept is not None and not s.dept.is_empty() for s in subs) else ""
        print(f"  {seed.name} → {path}（{n} 个项目{dept}）")
        ctx.artifact(f"批复表（{subs[0].unit_name or seed.stem}）", path)
    summary = ctx.out / "汇总" / "汇总表.xlsx"
    if summary.exists():
        subs, how = load_for_approval(summary)
        if how == "summary" and subs:
            path = write_approval(subs, folder / "汇总_批复表.xlsx")
            n = sum(len(s.projects) for s in subs)
            print(f"  {summary} → {path}（按单位分组：{len(subs)} 个单位，{n} 个项目）")
            ctx.artifact("批复表（汇总表，按单位分组）", path)
