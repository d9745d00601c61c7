"""``xl-jixiao import FILE... -o OUT.xlsx``: legacy forms → a filled template workbook."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from xl_jixiao.commands import _pdf

NAME = "import"
ORDER = 60
HELP = "导入旧格式的绩效目标表（xlsx/xls/docx/PDF/文本），生成填好的模板工作簿"
DESCRIPTION = (
    "读取一个单位的旧表：Excel 工作表（每表一个项目或多个项目上下排列）、Word 表格、"
    "带文字层的 PDF（跨页的表格接续读取；扫描件需先做文字识别）、"
    "以及这类表格的文本导出（制表符分隔、Word 逐格导出、OCR 的 Markdown 表格），"
    "识别单位、金额单位、部门整体和各项目的资金与绩效指标，写成填好的模板工作簿。"
    "指标值和文字原样照录；无法确定位置的单元格会逐个列出（文件、工作表/行、单元格、原文）。"
)


def register(p) -> None:
    p.add_argument("files", nargs="+", metavar="FILE", help="一个单位的旧表文件（可多个）")
    p.add_argument("-o", "--output", required=True, metavar="OUT.xlsx", help="输出的模板工作簿")
    p.add_argument("--scheme", default=None, help="模板使用的指标体系（默认按表中内容自动判断）")
    p.add_argument("--json", action="store_true", help="以 JSON 输出识别结果")
    _pdf.add_option(p)


def run(args) -> int:
    from xl_jixiao.config import default_config
    from xl_jixiao.errors import ReadError, UserError
    from xl_jixiao.inbox import guard, refuse_input_overwrite
    from xl_jixiao.readers.legacy import import_legacy
    from xl_jixiao.template.io import import_openpyxl_without_numpy

    import_openpyxl_without_numpy()
    from xl_jixiao.template import write_submission

    out = Path(args.output)
    if out.suffix.lower() not in (".xlsx", ".xlsm"):
        raise UserError(f"输出文件应为 .xlsx：{out}")
    refuse_input_overwrite(out, args.files, "输出文件")
    for f in args.files:  # bounded reads: special files, bombs and unusable files stop here, in a sentence
        try:
            guard(f, default_config().limits)
        except ReadError as exc:
            raise ReadError(exc.reason, f) from None
    sub, report = import_legacy(args.files)
    if not sub.projects and sub.dept is None:
        if args.json:
            print(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
        else:
            print(report.render())
        print("没有识别出任何项目或部门整体表，未写入输出文件。", file=sys.stderr)
        return 2  # unusable input
    path = write_submission(sub, out, scheme=args.scheme)
    if args.json:
        data = report.to_json()
        data["output"] = str(path)
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        print(report.render())
        print(f"已写入：{path}")
    if args.pdf:
        _pdf.export([path])
    return 0


DEMO_ORDER = 60


def demo_step(ctx) -> None:
    from xl_jixiao.data import seed_files
    from xl_jixiao.readers.legacy import import_legacy
    from xl_jixiao.template import write_submission

    ctx.heading("导入旧表：内置的三份真实绩效目标表")
    folder = ctx.out / "导入"
    for seed in seed_files():
        sub, report = import_legacy(seed)
        path = write_submission(sub, folder / f"{seed.stem}.xlsx")
        print(f"\n-- {seed.name}")
        print(report.render())
        print(f"已写入：{path}")
        ctx.artifact(f"导入结果（{sub.unit_name or seed.stem}）", path)
