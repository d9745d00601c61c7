"""``xl-jixiao check FILE... [--format text|json] [-o OUT] [--config F] [--select …] [--ignore …] [--annotate OUT]``."""

from __future__ import annotations

import sys
from pathlib import Path

from xl_jixiao.commands import _pdf

NAME = "check"
ORDER = 20
HELP = "校验工作簿：列出每个问题、所在单元格和改法"
DESCRIPTION = (
    "按规则目录（xl-jixiao rules）校验一个或多个工作簿（也可以给文件夹）。"
    "退出码：0 = 没有错误，1 = 发现错误，2 = 有文件无法使用（原因会写明文件名）。"
)


def register(p) -> None:
    p.add_argument("files", nargs="+", metavar="FILE", help="工作簿、PDF 或文件夹（文件夹中的 .xlsx/.xlsm/.xls/.pdf 都会校验）")
    p.add_argument("--format", choices=("text", "json"), default="text", help="报告格式：text（默认）或 json")
    p.add_argument("-o", "--output", metavar="OUT", help="把报告写入文件（默认输出到屏幕）")
    p.add_argument("--config", metavar="F", help="配置文件（TOML，见内置 default_config.toml）")
    p.add_argument("--select", action="append", metavar="CODES", help="只检查这些规则，如 JX301,JX2（可重复）")
    p.add_argument("--ignore", action="append", metavar="CODES", help="不检查这些规则，如 JX213（可重复）")
    p.add_argument("--scheme", metavar="ID", help="指标体系（2021、legacy …），默认用工作簿中填写的")
    p.add_argument("--year", type=int, metavar="YYYY", help="预算年度，默认用工作簿中填写的")
    p.add_argument("--annotate", metavar="OUT.xlsx",
                   help="生成标注副本：问题单元格着色，并加一张「校验结果」表（多个文件时给文件夹）")
    p.add_argument("--hide-suppressed", action="store_true", help="文字报告中不列出已忽略的问题")
    p.add_argument("--pdf", action="store_true", help="同时为每个标注副本生成 PDF（需与 --annotate 一起使用；用无界面 LibreOffice 转换）")


def check_files(paths: list[Path], config) -> tuple[dict[str, list], dict[str, object], list[tuple[str, str]]]:
    """Read and check each file: (findings by file, submissions by file, unusable files with reasons)."""
    from xl_jixiao.pipeline import read_and_check

    return _split([read_and_check(p, config) for p in paths])


def _split(results) -> tuple[dict[str, list], dict[str, object], list[tuple[str, str]]]:
    by_file: dict[str, list] = {}
    subs: dict[str, object] = {}
    failed: list[tuple[str, str]] = []
    for res in results:
        by_file[res.path] = res.findings
        if res.usable:
            subs[res.path] = res.submission
        elif res.outcome != "skipped":
            failed.append((res.path, f"文件 {res.path}：{res.reason}"))
    return by_file, subs, failed


def report_paths(report) -> list[str]:
    """Every file the report read (inputs named directly and those found in folders)."""
    return [r.path for r in report.results if r.outcome != "skipped"]


def _write(path: str, text: str) -> None:
    from xl_jixiao.commands.demo import DemoContext

    DemoContext.write_text(Path(path), text)


def run(args) -> int:
    from xl_jixiao.api import check
    from xl_jixiao.config import load_config
    from xl_jixiao.errors import UserError
    from xl_jixiao.inbox import refuse_input_overwrite
    from xl_jixiao.report import annotate, render_json, render_text

    if args.pdf and not args.annotate:
        raise UserError("--pdf 需要与 --annotate 一起使用：PDF 由标注副本生成")
    if args.output:
        refuse_input_overwrite(args.output, args.files, "报告文件")
    config = load_config(args.config).with_overrides(select=args.select, ignore=args.ignore,
                                                     scheme=args.scheme, budget_year=args.year)
    report = check(args.files, config, submissions=False)  # the report needs the findings, not the data
    by_file, subs, failed = _split(report.results)
    # every input is accounted for: its fate (通过 / 退回修改 / 无法使用 / 跳过) with the reason
    statuses = {r.path: f"{r.status}（{r.status_reason}）" if r.usable else r.status_reason for r in report.results}
    files = [{"file": r.path, "status": r.status, "outcome": r.outcome, "reason": r.reason,
              "errors": r.errors, "warnings": r.warnings} for r in report.results]

    text = (render_json(by_file, files) if args.format == "json"
            else render_text(by_file, show_suppressed=not args.hide_suppressed, statuses=statuses))
    if args.output:
        _write(args.output, text)
        print(f"报告已写入：{args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
        sys.stdout.flush()

    if args.annotate:
        targets = [k for k in subs if Path(k).suffix.lower() in (".xlsx", ".xlsm")]
        target = Path(args.annotate)
        if not targets:
            outs = {}
            print("没有可以生成标注副本的工作簿（只支持能读取的 .xlsx/.xlsm）", file=sys.stderr)
        elif target.suffix.lower() in (".xlsx", ".xlsm"):
            if len(targets) > 1:
                raise UserError("校验多个工作簿时，--annotate 应给一个文件夹")
            outs = {targets[0]: target}
        else:
            outs = {k: target / f"{Path(k).stem}_校验标注{Path(k).suffix.lower()}" for k in targets}
        annotated = []
        if outs:
            from xl_jixiao.template.io import import_openpyxl_without_numpy

            import_openpyxl_without_numpy()  # the copies are written with openpyxl, never from numpy values
        for src, out in outs.items():
            refuse_input_overwrite(out, [*args.files, *report_paths(report)], "标注副本")
            written = annotate(src, by_file[src], out)
            annotated.append(written)
            print(f"标注副本已写入：{written}", file=sys.stderr)
        if args.pdf and annotated:
            _pdf.export(annotated)
        skipped = [k for k in subs if k not in outs]
        for k in skipped:
            print(f"（{k} 不是 .xlsx/.xlsm 工作簿，未生成标注副本）", file=sys.stderr)

    for _, reason in failed:
        print(f"无法使用：{reason}", file=sys.stderr)
    return report.exit_code


# ------------------------------------------------------------------ demo

DEMO_ORDER = 40


def _demo_inputs(out: Path) -> list[Path]:
    from xl_jixiao.readers import is_template, load_sheets

    found = []
    for p in sorted(out.rglob("*.xlsx")):
        if p.name.startswith(("~$", ".")) or "校验" in p.name or any(part in ("汇总", "批复表", "校验") for part in p.parts):
            continue
        if not (p.parent / "manifest.json").exists():
            continue
        try:
            if is_template(load_sheets(p)):
                found.append(p)
        except Exception:  # noqa: BLE001
            continue
    return found


def demo_step(ctx) -> None:
    from xl_jixiao.config import load_config
    from xl_jixiao.report import annotate, count, render_json, render_text

    ctx.heading("校验：样例工作簿 → 问题清单和标注副本")
    inputs = _demo_inputs(ctx.out)
    if not inputs:
        from xl_jixiao.template import generate_samples

        target = ctx.out / "校验样例单位"
        generate_samples(target, 3, seed=11, defect_rate=0.4)
        inputs = sorted(target.glob("*.xlsx"))
    config = load_config(None)
    by_file, subs, failed = check_files(inputs, config)
    folder = ctx.out / "校验"
    text = render_text(by_file)
    report = folder / "校验报告.txt"
    ctx.write_text(report, text)
    ctx.write_text(folder / "校验报告.json", render_json(by_file))
    lines = text.splitlines()
    print("\n".join(lines[:40]))
    if len(lines) > 40:
        print(f"……（共 {len(lines)} 行，完整报告见 {report}）")
    ctx.artifact("校验报告", report)
    ctx.artifact("校验报告（JSON）", folder / "校验报告.json")
    candidates = [k for k in subs if Path(k).suffix.lower() in (".xlsx", ".xlsm")]
    if candidates:
        worst = max(candidates, key=lambda k: (count(by_file[k])["error"], count(by_file[k])["warning"]))
        out = annotate(worst, by_file[worst], folder / f"{Path(worst).stem}_校验标注.xlsx")
        print(f"标注副本：{out}")
        ctx.artifact("校验标注副本", out)
    for _, reason in failed:
        print(f"无法使用：{reason}")
