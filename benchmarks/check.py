"""Time reading and checking one large unit workbook (60 projects × 15 indicators = 900 indicators).

Run: ``python benchmarks/check.py [--projects 60] [--indicators 15] [--repeat 5]``.
Prints the time of each stage (python-calamine read, model build, rules) — best and median of the runs.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path


def main() -> None:
    ap = argparse.ArgumentParser(description="校验性能：读取并校验一个大工作簿")
    ap.add_argument("--projects", type=int, default=60)
    ap.add_argument("--indicators", type=int, default=15)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--defect-rate", type=float, default=0.3)
    args = ap.parse_args()

    from xl_jixiao.readers import load_sheets, submission_from_sheets
    from xl_jixiao.rules import check_submission
    from xl_jixiao.template import generate_samples

    with tempfile.TemporaryDirectory() as tmp:
        manifest = generate_samples(tmp, 1, seed=1, defect_rate=args.defect_rate,
                                    projects=args.projects, indicators=args.indicators)
        path = Path(tmp) / next(iter(manifest))
        stages: dict[str, list[float]] = {"读取（calamine）": [], "建模型": [], "规则校验": [], "合计": []}
        cpu: list[float] = []
        for i in range(args.repeat + 1):
            c0 = time.process_time()
            t0 = time.perf_counter()
            sheets = load_sheets(path)
            t1 = time.perf_counter()
            sub = submission_from_sheets(sheets, file=str(path))
            t2 = time.perf_counter()
            findings = check_submission(sub)
            t3 = time.perf_counter()
            c1 = time.process_time()
            if i == 0:
                continue  # warm-up: imports, scheme files, parser caches
            for k, v in zip(stages, (t1 - t0, t2 - t1, t3 - t2, t3 - t0)):
                stages[k].append(v)
            cpu.append(c1 - c0)
        n_ind = sum(len(p.indicators) for p in sub.projects)
        print(f"工作簿：{len(sub.projects)} 个项目，{n_ind} 个指标，发现 {len(findings)} 个问题（{path.stat().st_size // 1024} KB）")
        for k, v in stages.items():
            print(f"  {k:<10} 最快 {min(v) * 1000:7.1f} ms   中位 {statistics.median(v) * 1000:7.1f} ms")
        print(f"  CPU 时间     最快 {min(cpu) * 1000:7.1f} ms   中位 {statistics.median(cpu) * 1000:7.1f} ms"
              f"（机器负载 {os.getloadavg()[0]:.1f}）")


if __name__ == "__main__":
    main()
