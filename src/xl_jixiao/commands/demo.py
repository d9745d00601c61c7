"""``xl-jixiao demo``: run every capability end to end on built-in sample data."""

from __future__ import annotations

import sys
import time
from pathlib import Path

NAME = "demo"
ORDER = 1
HELP = "用内置样例数据完整演示一遍（输出到 demo-out/）"
DESCRIPTION = "生成模板和样例工作簿、校验、汇总、导入旧表并生成批复表，结果写入输出目录，最后列出可以打开的文件。"


def register(p) -> None:
    p.add_argument("--out", default="demo-out", help="输出目录（默认 demo-out）")


class DemoContext:
    def __init__(self, out: Path):
        self.out = out
        self.artifacts: list[tuple[str, Path]] = []

    def heading(self, text: str) -> None:
        print(f"\n== {text} ==", flush=True)

    def artifact(self, label: str, path: Path) -> None:
        self.artifacts.append((label, Path(path)))

    @staticmethod
    def write_text(path: Path, text: str) -> None:
        """Write a text file atomically."""
        from xl_jixiao.template.io import write_text_atomic

        write_text_atomic(path, text)


def steps():
    from xl_jixiao.cli import command_modules

    found = [m for m in command_modules() if hasattr(m, "demo_step")]
    return sorted(found, key=lambda m: getattr(m, "DEMO_ORDER", 100))


def run(args) -> int:
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    ctx = DemoContext(out)
    start = time.perf_counter()
    for mod in steps():
        mod.demo_step(ctx)
    print(f"\n演示完成，用时 {time.perf_counter() - start:.1f} 秒。可以打开：", flush=True)
    for label, path in ctx.artifacts:
        print(f"  {label}：{path}")
    sys.stdout.flush()
    return 0
