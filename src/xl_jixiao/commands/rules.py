"""``xl-jixiao rules [CODE…] [--format text|json|markdown]``: the rule catalogue."""

from __future__ import annotations

import json
import textwrap

NAME = "rules"
ORDER = 21
HELP = "列出校验规则目录（编码、严重程度、范围、反例和正确做法）"
DESCRIPTION = "列出全部校验规则，或只列出指定编码/前缀的规则（如 JX3）。严重程度为内置默认值，可用配置文件按地区调整。"


def register(p) -> None:
    p.add_argument("codes", nargs="*", metavar="CODE", help="只显示这些规则（编码或前缀，如 JX301、JX2）")
    p.add_argument("--format", choices=("text", "json", "markdown"), default="text", help="输出格式")
    p.add_argument("--config", metavar="F", help="配置文件：显示按它调整后的严重程度")


def _selected(codes: list[str]):
    from xl_jixiao.rules import all_rules

    rules = all_rules()
    if not codes:
        return rules
    want = [c.strip().upper() for item in codes for c in item.replace("，", ",").split(",") if c.strip()]
    return [r for r in rules if any(r.code.startswith(w.rstrip("*X")) for w in want)]


def render_catalogue(rules, config=None) -> str:
    from xl_jixiao.rules import SCOPE_LABELS

    lines = [f"校验规则目录（共 {len(rules)} 条）", ""]
    for r in rules:
        sev = config.severity_for(r.code, r.severity) if config else r.severity
        lines.append(f"{r.code}  [{sev.label}]  {r.title}    （范围：{SCOPE_LABELS.get(r.scope, r.scope)}）")
        for para in r.description().splitlines():
            lines.extend(textwrap.wrap(para, 60, initial_indent="    ", subsequent_indent="    ") or [""])
        if r.anti_pattern:
            lines.append(f"    反例：{r.anti_pattern}")
        if r.best_practice:
            lines.append(f"    正确做法：{r.best_practice}")
        lines.append("")
    return "\n".join(lines)


def render_markdown(rules, config=None) -> str:
    lines = ["| 编码 | 严重程度 | 范围 | 检查内容 | 反例 | 正确做法 |", "|---|---|---|---|---|---|"]
    from xl_jixiao.rules import SCOPE_LABELS

    for r in rules:
        sev = config.severity_for(r.code, r.severity) if config else r.severity
        cells = [r.code, sev.label, SCOPE_LABELS.get(r.scope, r.scope), r.title, r.anti_pattern, r.best_practice]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines) + "\n"


def run(args) -> int:
    from xl_jixiao.config import load_config
    from xl_jixiao.errors import UserError

    config = load_config(args.config) if args.config else None
    rules = _selected(args.codes)
    if not rules:
        raise UserError(f"没有编码为 {'、'.join(args.codes)} 的规则（运行 xl-jixiao rules 查看全部）")
    if args.format == "json":
        data = [r.to_json() for r in rules]
        if config:
            for d, r in zip(data, rules):
                d["severity"] = config.severity_for(r.code, r.severity).value
        print(json.dumps(data, ensure_ascii=False, indent=2))
    elif args.format == "markdown":
        print(render_markdown(rules, config), end="")
    else:
        print(render_catalogue(rules, config), end="")
    return 0
