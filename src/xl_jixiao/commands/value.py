"""``xl-jixiao value TEXT [--json]``: parse one 指标值 with the value grammar."""

from __future__ import annotations

import json

NAME = "value"
ORDER = 10
HELP = "解析一个指标值（符号、数值、单位、日期或定性描述）"
DESCRIPTION = "按指标值语法解析一段文字，显示类别、计算符号、数值、计量单位、规范写法和发现的问题。"

SAMPLE_VALUES = (
    "≥95%", "> 365天", "＞50万次", "<=200万元", "$\\geq 90\\%$", "≥95百分比", "= 100%",
    "2024年12月31日", "2023年6月至2024年5月", "=18月", "< 1972000.00元", "不断提升",
    "≤ 0.5万元 = 100%", "≥90良好", "905", "≥95", "2次", "约20余人", "",
)


def register(p) -> None:
    p.add_argument("text", metavar="TEXT", help="指标值文字，如 \"≥95%%\"、\"2024年12月31日\"")  # argparse: %% is a literal %
    p.add_argument("--json", action="store_true", help="输出一个 JSON 对象")


def run(args) -> int:
    from xl_jixiao.values import parse_value

    pv = parse_value(args.text)
    if args.json:
        print(json.dumps(pv.to_json(), ensure_ascii=False))
    else:
        print(render_table([pv]))
        for line in detail_lines(pv):
            print(line)
    return 0


def detail_lines(pv) -> list[str]:
    """What the one-row table cannot show: dates of a period, the parts of a merged cell."""
    lines = []
    if pv.date is not None and pv.end is not None:
        lines.append(f"期间：{pv.date.isoformat()} 至 {pv.end.isoformat()}")
    elif pv.date is not None:
        lines.append(f"日期：{pv.date.isoformat()}")
    if pv.parts:
        lines.append("拆分为：" + "；".join(f"{p.text}（{p.kind_label}）" for p in pv.parts))
    return lines


def _cell(v: object) -> str:
    return "" if v is None or v == "" else str(v)


def _width(s: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def _pad(s: str, w: int) -> str:
    return s + " " * max(0, w - _width(s))


def render_table(values) -> str:
    """A plain-text table of parsed values, aligned for Chinese text."""
    head = ["原文", "类别", "符号", "数值", "单位", "规范写法", "说明"]
    rows = [head]
    for pv in values:
        rows.append([
            _cell(pv.raw) or "（空）", pv.kind_label, _cell(pv.op), _cell(pv.number), _cell(pv.unit),
            _cell(pv.text), "；".join(pv.flag_labels()),
        ])
    widths = [max(_width(r[i]) for r in rows) for i in range(len(head))]
    lines = []
    for n, r in enumerate(rows):
        lines.append("  ".join(_pad(c, widths[i]) for i, c in enumerate(r)).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


DEMO_ORDER = 10


def demo_step(ctx) -> None:
    from xl_jixiao.values import parse_value

    ctx.heading("指标值语法：样例解析")
    table = render_table([parse_value(v) for v in SAMPLE_VALUES])
    print(table)
    path = ctx.out / "指标值解析样例.txt"
    ctx.write_text(path, table + "\n")
    ctx.artifact("指标值解析样例", path)
