"""``xl-jixiao template``: write the fill-in template workbook."""

from __future__ import annotations

from pathlib import Path

from xl_jixiao.commands import _pdf

NAME = "template"
ORDER = 20
HELP = "生成绩效目标表填报模板（.xlsx）"
DESCRIPTION = ("生成带级联下拉、自动合计、检查列和表内标色的绩效目标表填报模板。"
               "可选择指标体系（2021 或 legacy）、预算年度和金额单位。")


def register(p) -> None:
    p.add_argument("-o", "--output", metavar="FILE.xlsx", help="输出文件（默认 绩效目标表模板_<指标体系>.xlsx）")
    p.add_argument("--scheme", default="2021", help="项目指标体系：2021（默认）或 legacy，也可写中文名称")
    p.add_argument("--dept-scheme", default=None,
                   help="部门整体指标体系（默认与项目相同；如 dept_mgmt：部门管理/履职效果/能力建设）")
    p.add_argument("--year", type=int, default=None, help="预算年度，如 2025（默认留空由单位填写）")
    p.add_argument("--money-unit", default="万元", choices=("万元", "元"), help="金额单位（默认 万元）")
    _pdf.add_option(p)


def default_name(scheme_id: str) -> str:
    return f"绩效目标表模板_{scheme_id}.xlsx"


def run(args) -> int:
    from xl_jixiao.template.io import import_openpyxl_without_numpy

    import_openpyxl_without_numpy()
    from xl_jixiao.template import write_template
    from xl_jixiao.template.build import resolve_scheme

    scheme = resolve_scheme(args.scheme, kind="project")
    out = Path(args.output or default_name(scheme.id))
    if out.suffix.lower() != ".xlsx":
        from xl_jixiao.errors import UserError

        raise UserError(f"输出文件应以 .xlsx 结尾：{out}")
    write_template(out, scheme, args.year, args.money_unit, args.dept_scheme)
    print(f"已生成模板：{out}（指标体系：{scheme.name}；金额单位：{args.money_unit}）")
    if args.pdf:
        _pdf.export([out])
    return 0


DEMO_ORDER = 20


def demo_step(ctx) -> None:
    from xl_jixiao.template import write_template

    ctx.heading("填报模板")
    for scheme in ("2021", "legacy"):
        path = ctx.out / "模板" / default_name(scheme)
        write_template(path, scheme)
        print(f"已生成 {path}")
        ctx.artifact(f"填报模板（{scheme}）", path)
