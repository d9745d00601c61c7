"""``xl-jixiao sample``: write realistic filled unit workbooks, optionally with known defects."""

from __future__ import annotations

from pathlib import Path

NAME = "sample"
ORDER = 25
HELP = "生成已填写的样例单位工作簿（可注入已知缺陷）"
DESCRIPTION = ("按模板格式生成 N 个已填写的单位工作簿（中文单位与项目名称、合理金额、两种金额单位、"
               "2021 与 legacy 指标体系）。同一随机种子生成的内容完全相同。"
               "--defect-rate 按比例向项目注入已知规则编号的缺陷，并在 manifest.json 中列出其单元格。")


def _rate(text: str) -> float:
    import argparse

    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"应为 0 到 1 之间的小数：{text}") from None
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"应为 0 到 1 之间的小数：{text}")
    return value


def register(p) -> None:
    p.add_argument("--units", type=int, required=True, metavar="N", help="单位（工作簿）数量")
    p.add_argument("--out", required=True, metavar="DIR", help="输出目录")
    p.add_argument("--seed", type=int, default=0, help="随机种子（默认 0）")
    p.add_argument("--defect-rate", type=_rate, default=0.0, metavar="R",
                   help="每个项目被注入一处缺陷的概率，0—1（默认 0：全部正确）")
    p.add_argument("--projects", type=int, default=None, help="每个单位的项目数（默认 5—15 随机）")
    p.add_argument("--indicators", type=int, default=None, help="每个项目的指标数（默认 8—20 随机，至少 8）")
    p.add_argument("--year", type=int, default=None, help="预算年度（默认 2025）")


def run(args) -> int:
    from xl_jixiao.template.io import import_openpyxl_without_numpy

    import_openpyxl_without_numpy()
    from xl_jixiao.template.samples import DEFAULT_YEAR, generate_samples

    out = Path(args.out)
    manifest = generate_samples(out, args.units, seed=args.seed, defect_rate=args.defect_rate,
                                projects=args.projects, indicators=args.indicators,
                                year=args.year or DEFAULT_YEAR)
    defects = sum(len(v) for v in manifest.values())
    print(f"已生成 {len(manifest)} 个单位工作簿到 {out}，注入缺陷 {defects} 处（清单见 {out / 'manifest.json'}）")
    return 0


DEMO_ORDER = 30


def demo_step(ctx) -> None:
    from xl_jixiao.template.samples import generate_samples

    ctx.heading("样例单位工作簿")
    out = ctx.out / "样例"
    manifest = generate_samples(out, 6, seed=0, defect_rate=0.3)
    defects = sum(len(v) for v in manifest.values())
    print(f"已生成 {len(manifest)} 个单位工作簿到 {out}，其中注入缺陷 {defects} 处（见 manifest.json）")
    ctx.samples_dir = out
    ctx.artifact("样例单位工作簿", out)
    ctx.artifact("样例缺陷清单", out / "manifest.json")
