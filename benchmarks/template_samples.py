"""How long the template and the sample workbooks take to generate.

    python benchmarks/template_samples.py [--units 100] [--workers N]

Prints figures; it is not a test.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from xl_jixiao.template import build_template, generate_samples, write_template


def _timed(fn, repeat: int = 3) -> list[float]:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return times


def main() -> None:
    ap = argparse.ArgumentParser(description="模板与样例生成耗时")
    ap.add_argument("--units", type=int, default=100)
    ap.add_argument("--workers", type=int, default=None, help="进程数（默认每个 CPU 一个）")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        build = _timed(lambda: build_template("2021", 2025))
        write = _timed(lambda: write_template(out / "t.xlsx", "2021", 2025))
        size = (out / "t.xlsx").stat().st_size
        print(f"模板：构建 {statistics.median(build) * 1000:.0f} ms，构建并保存 {statistics.median(write) * 1000:.0f} ms，"
              f"文件 {size / 1024:.0f} KB")
        for workers in (1, args.workers or os.cpu_count() or 1):
            d = out / f"samples-{workers}"
            t, cpu = time.perf_counter(), time.process_time()
            manifest = generate_samples(d, args.units, seed=0, defect_rate=0.1, workers=workers)
            dt, cpu = time.perf_counter() - t, time.process_time() - cpu
            files = sorted(d.glob("*.xlsx"))
            total = sum(f.stat().st_size for f in files)
            defects = sum(len(v) for v in manifest.values())
            print(f"样例：{args.units} 个单位，{workers} 个进程，{dt:.1f} s（每个 {dt / max(1, args.units) * 1000:.0f} ms），"
                  f"共 {total / 1024 / 1024:.1f} MB，注入缺陷 {defects} 处"
                  + (f"；本进程 CPU {cpu / max(1, args.units) * 1000:.0f} ms/个" if workers == 1 else ""))
            if workers == (args.workers or os.cpu_count() or 1):
                break
        d = out / "bench-10x15"
        t = time.perf_counter()
        generate_samples(d, 10, seed=1, projects=10, indicators=15, workers=1)
        dt = time.perf_counter() - t
        print(f"汇总基准用样例（10 项目 × 15 指标）：10 个单位 {dt:.1f} s（单进程）")


if __name__ == "__main__":
    main()
