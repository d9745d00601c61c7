"""``xl-jixiao addin -o FILE.xlsm|.xlam``: build the macro-enabled template or the add-in."""

from __future__ import annotations

import sys
from pathlib import Path

NAME = "addin"
ORDER = 80
HELP = "生成带「绩效目标」功能区按钮的宏模板（.xlsm）或加载项（.xlam）"
DESCRIPTION = (
    "从 vba/ 中的功能区定义和 VBA 模块文本生成宏模板或 Excel 加载项（含按 Python 函数签名生成的 JX_ 工作表函数），任何操作系统上均可运行，"
    "同样的输入总是得到完全相同的文件。按钮通过 xlwings 调用 Python：校验、合计、清除标记、汇总、生成批复表。"
)


def register(p) -> None:
    p.add_argument("-o", "--output", action="append", metavar="FILE",
                   help="输出文件，.xlsm（宏模板）或 .xlam（加载项）；可重复")
    p.add_argument("--from", dest="source", metavar="XLSX",
                   help="以这个 .xlsx 工作簿为底（默认：内置模板；.xlam 默认为一页说明）")
    p.add_argument("--scheme", metavar="ID", help="内置模板的指标体系（默认 2021；见 xl-jixiao template -h）")
    p.add_argument("--year", type=int, metavar="YYYY", help="内置模板预填的预算年度（默认不填）")
    p.add_argument("--money-unit", choices=("万元", "元"), help="内置模板的金额单位（默认 万元）")
    p.add_argument("--vba", metavar="DIR", help="VBA 源文件目录（默认：仓库中的 vba/ 或随包安装的副本）")
    p.add_argument("--workbooks", metavar="DIR", nargs="?", const="workbooks",
                   help="重新生成仓库 workbooks/ 中的两个默认文件（模板 .xlsm 与加载项 .xlam）")


def run(args) -> int:
    from xl_jixiao import addin
    from xl_jixiao.errors import UserError

    outputs = [Path(o) for o in (args.output or [])]
    if args.workbooks:
        outputs += [Path(args.workbooks) / name for name in addin.DEFAULT_OUTPUTS]
    if not outputs:
        raise UserError("请用 -o 指定输出文件（.xlsm 或 .xlam），或用 --workbooks 重新生成默认文件")
    for out in outputs:
        addin.kind_of(out)  # validate every suffix before writing anything
    for out in outputs:
        workbook = None
        if args.source:
            src = Path(args.source)
            if not src.is_file():
                raise UserError(f"找不到工作簿：{src}")
            from xl_jixiao.template.io import load_workbook_quietly as load_workbook

            workbook = load_workbook(src)
        elif out.suffix.lower() == ".xlsm" and (args.scheme or args.year or args.money_unit):
            from xl_jixiao.template import build_template

            workbook = build_template(args.scheme or "2021", args.year, args.money_unit or "万元")
        path = addin.build(out, workbook=workbook, vba_dir=args.vba)
        kind = "宏模板" if path.suffix.lower() == ".xlsm" else "加载项"
        print(f"已生成{kind}：{path}（{path.stat().st_size:,} 字节）")
    return 0


DEMO_ORDER = 80


def demo_step(ctx) -> None:
    """Build the .xlsm into the demo folder and run 校验 through xlwings' remote engine on one sample."""
    from xl_jixiao import addin

    ctx.heading("Excel 宏模板与功能区按钮")
    xlsm = addin.build(ctx.out / addin.DEFAULT_OUTPUTS[0])
    xlam = addin.build(ctx.out / addin.DEFAULT_OUTPUTS[1])
    print(f"已生成宏模板：{xlsm}")
    print(f"已生成加载项：{xlam}")
    ctx.artifact("宏模板（.xlsm）", xlsm)
    ctx.artifact("Excel 加载项（.xlam）", xlam)

    sample = _demo_sample(ctx.out)
    if sample is None:
        print("（没有可用的样例工作簿，跳过远程引擎校验演示）")
        return
    try:
        from xl_jixiao.excel import macros, remote

        payload = remote.payload_from_file(sample)
        book = remote.book_from_payload(payload)
    except Exception as exc:  # noqa: BLE001 - the demo must go on without xlwings' remote engine
        print(f"（xlwings 远程引擎不可用，跳过「校验」演示：{exc}）")
        return
    result = macros.validate(book)
    marks = remote.colored_cells(payload, book.json())
    print(f"对样例 {sample.name} 运行「校验」（xlwings 远程引擎）：{result.status}")
    shown = 0
    for (sheet, cell), color in sorted(marks.items()):
        if sheet == macros.RESULT_SHEET:
            continue
        if shown < 12:
            print(f"  已标记 {sheet}!{cell}  {macros.severity_of_color(color)}")
        shown += 1
    if shown > 12:
        print(f"  ……共标记 {shown} 个单元格")
    manifest = sample.parent / "manifest.json"
    if manifest.is_file():
        import json

        expected = {(d["sheet"], d["cell"]) for d in json.loads(manifest.read_text("utf-8")).get(sample.name, [])}
        got = {k for k in marks if k[0] != macros.RESULT_SHEET}
        if expected:
            found = len(expected & got)
            print(f"  缺陷清单中的 {len(expected)} 个单元格已标记 {found} 个")
    sys.stdout.flush()


def _demo_sample(out: Path) -> Path | None:
    """A defective sample workbook: one written by an earlier demo step, or a fresh one."""
    for folder in (out / "样例", out / "samples", out):
        if folder.is_dir():
            found = sorted(p for p in folder.glob("*.xlsx") if not p.name.startswith(("~$", ".")))
            if found:
                return found[0]
    try:
        from xl_jixiao.template import generate_samples
    except ImportError:
        return None
    target = out / "addin-sample"
    generate_samples(target, units=1, seed=7, defect_rate=0.3)
    found = sorted(target.glob("*.xlsx"))
    return found[0] if found else None
