"""``xl-jixiao consolidate DIR_OR_FILES... -o SUMMARY.xlsx``: validate and consolidate many workbooks."""

from __future__ import annotations

import sys
from pathlib import Path

from xl_jixiao.commands import _pdf

NAME = "consolidate"
ORDER = 50
HELP = "汇总多个单位的工作簿：逐一校验，生成汇总表（汇总、明细、问题清单、文件清单、统计图）"
DESCRIPTION = """\
汇总一个或多个文件夹（含子文件夹）里的单位工作簿：逐一读取并校验，把结果写入一个汇总表。

每个文件都有交代（见汇总表的「文件清单」）：模板工作簿（.xlsx/.xlsm/.xls）读取并校验；
Excel 锁定文件 ~$*、隐藏文件和系统文件跳过；非模板工作簿和 PDF 绩效目标表按旧表导入（JX503）；
无法使用的文件（损坏、加密、空文件、不支持的类型）列出原因（JX504）。
跨文件检查：同一单位重复提交（JX501）、同一项目编码出现在多个提交中（JX502）。

汇总表旁边会保存缓存（<汇总表>.jxcache.sqlite），再次运行时只重新读取有变化的文件；
缓存可以随时删除。

结束时在标准输出打印一行机器可读的结果，例如：
  SUMMARY files=120 read=117 cached=0 skipped=2 failed=1 legacy=0 units=117 errors=35 warnings=80 seconds=3.21
files 文件总数；read 本次读取；cached 取自缓存；skipped 跳过；failed 无法读取；legacy 按旧表导入；
units 汇总的单位数；errors/warnings 未忽略的错误/警告数；seconds 用时（秒）。

退出码：0 没有错误；1 发现错误；2 没有可用的工作簿，或参数有误。"""


def register(p) -> None:
    import argparse

    p.formatter_class = argparse.RawDescriptionHelpFormatter
    p.add_argument("inputs", nargs="+", metavar="文件夹或文件", help="要汇总的文件夹（递归）或工作簿")
    p.add_argument("-o", "--output", required=True, metavar="汇总表.xlsx", help="输出的汇总表")
    p.add_argument("--jobs", "-j", type=int, default=None, metavar="N",
                   help="并行读取的进程数（默认：全部 CPU 核）；每个文件都在受监管的读取进程中解析")
    p.add_argument("--config", metavar="配置.toml", help="校验配置文件（规则严重程度、指标体系等）")
    p.add_argument("--no-cache", action="store_true", help="不使用也不更新缓存，所有文件重新读取")
    p.add_argument("--absolute-links", action="store_true",
                   help="问题清单中的链接使用绝对路径 file:///…（默认使用相对汇总表的路径，整个文件夹移动后仍可用）")
    p.add_argument("--issuer", metavar="名称", help="编制单位，印在汇总表标题下（如「黔南州财政局」；默认留空，可手写）")
    p.add_argument("-q", "--quiet", action="store_true", help="不显示进度")
    _pdf.add_option(p)


def run(args) -> int:
    from xl_jixiao.consolidate import consolidate
    from xl_jixiao.errors import UserError
    from xl_jixiao.interrupts import held_back

    if args.jobs is not None and args.jobs < 1:
        raise UserError("--jobs 必须是正整数")
    result = consolidate(args.inputs, args.output, jobs=args.jobs, config=args.config,
                         use_cache=not args.no_cache, progress=not args.quiet,
                         absolute_links=args.absolute_links, issuer=args.issuer)
    with held_back():  # the summary is in place: the run is reported as finished
        if not args.quiet:
            print(_describe(result), file=sys.stderr)
    if args.pdf and result.output:
        _pdf.export([result.output])
    with held_back():
        print(result.summary_line(), flush=True)
    return result.exit_code


def _describe(result) -> str:
    s = result.stats
    lines = [f"汇总表：{result.output}",
             f"文件 {s.files} 个：汇总 {s.units} 个单位（其中旧表导入 {s.legacy}），跳过 {s.skipped}，无法读取 {s.failed}；"
             f"本次读取 {s.read}，取自缓存 {s.cached}。",
             f"项目 {s.projects} 个，指标 {s.indicators} 个；错误 {s.errors}，警告 {s.warnings}；"
             f"通过 {s.passed} 个单位，退回修改 {s.returned} 个。用时 {result.seconds:.2f} 秒。"]
    if s.units == 0:
        lines.append("没有可以汇总的工作簿（详见汇总表的「文件清单」）。")
    return "\n".join(lines)


# ------------------------------------------------------------------ demo

DEMO_ORDER = 50


def _sample_dirs(ctx) -> list[Path]:
    """Folders of sample unit workbooks written by earlier demo steps (they hold a manifest.json)."""
    dirs = []
    known = getattr(ctx, "samples_dir", None)
    if known and Path(known).is_dir():
        dirs.append(Path(known))
    for manifest in sorted(ctx.out.rglob("manifest.json")):
        d = manifest.parent
        if "汇总" in d.parts or d in dirs:
            continue
        if any(d.glob("*.xlsx")):
            dirs.append(d)
    return dirs


def demo_step(ctx) -> None:
    from xl_jixiao.consolidate import consolidate

    ctx.heading("汇总：多个单位工作簿 → 汇总表")
    dirs = _sample_dirs(ctx)
    if not dirs:
        from xl_jixiao.template import generate_samples

        target = ctx.out / "汇总样例单位"
        generate_samples(target, 8, seed=7, defect_rate=0.2)
        dirs = [target]
    # the workbooks themselves: the generator's manifest.json is not a submission
    inputs = sorted(str(p) for d in dirs for p in d.rglob("*") if p.suffix.lower() in (".xlsx", ".xlsm", ".xls"))
    out = ctx.out / "汇总" / "汇总表.xlsx"
    print("输入：" + "、".join(str(d) for d in dirs) + f"（{len(inputs)} 个工作簿）")
    result = consolidate(inputs, out, progress=False)
    print(_describe(result))
    print(result.summary_line())
    ctx.artifact("汇总表", out)
