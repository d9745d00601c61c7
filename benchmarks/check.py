"""Single-workbook figures: start-up, ``check`` of a large workbook, ``import`` and ``approve`` of a seed form.

Run: ``python benchmarks/check.py [--projects 60] [--indicators 15] [--repeat 5] [--compare OTHER/src]``.

Every figure is CPU seconds (user + system, what a shared machine does not inflate) beside wall seconds,
best and median of ``--repeat`` runs:

- importing the CLI and the model (``python -c "import xl_jixiao.cli, xl_jixiao.model"``, a fresh process each
  time, minus an empty ``python -c pass``), and the ``python -X importtime`` list of the slowest modules;
- ``xl-jixiao check`` of one 60-project workbook end to end (a fresh process, as a user runs it);
- ``xl-jixiao import`` and ``xl-jixiao approve`` of a seed form (``xl_jixiao/data/seeds``) end to end;
- in one process, the stages of reading and checking the workbook (calamine read, model build, rules) and of
  ``approve`` (reading and checking the seed form, laying out the 批复表, writing it);
- each figure against its target (the CPU median; Python's own start-up is part of an end-to-end figure).

``--compare OTHER/src`` runs every fresh-process item alternately with another source tree (say the code
before a change) and with this one, so both see the same machine load, and prints the two side by side.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SEED_NAME = "qiannan_2024_pifu.txt"

TARGETS = {  # label → CPU seconds (median)
    "import": 0.100,
    "check": 0.250,
    "import-seed": 0.500,
    "approve": 0.500,
}


ENV = dict(os.environ)
"""Children run as an installed package does: with byte-code caches (written to a folder of their own, so
the source tree is untouched, even where ``PYTHONDONTWRITEBYTECODE`` is set)."""


def timed(argv: list[str], src: str | None = None) -> tuple[float, float]:
    """(CPU, wall) seconds of a child process (its own and its children's CPU); ``src``: the source tree it
    imports xl_jixiao from (default: the one this script runs with)."""
    env = ENV if src is None else {**ENV, "PYTHONPATH": src}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    r = subprocess.run(argv, capture_output=True, text=True, env=env)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if r.returncode not in (0, 1):  # check exits 1 when it finds errors
        raise SystemExit(f"{' '.join(argv)} 失败（{r.returncode}）：\n{r.stderr[-2000:]}")
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), wall


Runs = tuple[list[float], list[float]]  # CPU seconds, wall seconds


def repeat(argv: list[str], n: int, src: str | None = None) -> Runs:
    timed(argv, src)  # warm the page cache and .pyc files
    cpu, wall = [], []
    for _ in range(n):
        c, w = timed(argv, src)
        cpu.append(c)
        wall.append(w)
    return cpu, wall


def alternate(argv: list[str], n: int, other: str) -> tuple[Runs, Runs]:
    """``argv`` run with ``other`` and with this source tree in turn: (other's runs, this tree's runs)."""
    timed(argv, other)
    timed(argv)
    a: Runs = ([], [])
    b: Runs = ([], [])
    for _ in range(n):
        for src, out in ((other, a), (None, b)):
            c, w = timed(argv, src)
            out[0].append(c)
            out[1].append(w)
    return a, b


def line(label: str, cpu: list[float], wall: list[float], base: Runs | None = None, target: float | None = None
         ) -> float:
    """Print one figure; returns its CPU median (seconds)."""
    if base is not None:  # subtract the bare interpreter's start-up, run for run
        cpu = [c - min(base[0]) for c in cpu]
        wall = [w - min(base[1]) for w in wall]
    median = statistics.median(cpu)
    goal = ""
    if target is not None:
        goal = f"   目标 {target * 1000:.0f} ms {'达到' if median <= target else '未达到'}"
    print(f"  {label:<34} CPU 最快 {min(cpu) * 1000:7.1f} 中位 {median * 1000:7.1f} ms   "
          f"墙钟 最快 {min(wall) * 1000:7.1f} 中位 {statistics.median(wall) * 1000:7.1f} ms{goal}")
    return median


def measure(label: str, argv: list[str], n: int, other: str | None, base: Runs | None = None,
            target: float | None = None) -> float:
    """One fresh-process item (alternating with ``other`` when given); returns this tree's CPU median."""
    if other is None:
        return line(label, *repeat(argv, n), base=base, target=target)
    before, after = alternate(argv, n, other)
    old = line(f"{label}（对比）", *before, base=base)
    new = line(label, *after, base=base, target=target)
    print(f"  {'':<34} CPU 中位之比 {new / old:.2f}" if old > 0 else "")
    return new


def importtime(modules: str, top: int = 8) -> list[tuple[int, str]]:
    r = subprocess.run([sys.executable, "-X", "importtime", "-c", f"import {modules}"], capture_output=True, text=True,
                       env=ENV)
    rows = []
    for ln in r.stderr.splitlines():
        parts = ln.split("|")
        if len(parts) == 3 and parts[1].strip().isdigit():
            rows.append((int(parts[1]), parts[2].rstrip()))
    top_level = [(us, name) for us, name in rows if not name.startswith("  ")]
    return sorted(top_level, reverse=True)[:top]


def stages(path: Path, n: int) -> None:
    from xl_jixiao.readers import load_sheets, submission_from_sheets
    from xl_jixiao.rules import check_submission

    names = ("读取（calamine）", "建模型", "规则校验", "合计")
    wall: dict[str, list[float]] = {k: [] for k in names}
    cpu: dict[str, list[float]] = {k: [] for k in names}
    for i in range(n + 1):
        c0, t0 = time.process_time(), time.perf_counter()
        sheets = load_sheets(path)
        c1, t1 = time.process_time(), time.perf_counter()
        sub = submission_from_sheets(sheets, file=str(path))
        c2, t2 = time.process_time(), time.perf_counter()
        findings = check_submission(sub)
        c3, t3 = time.process_time(), time.perf_counter()
        if i == 0:
            continue  # warm-up: imports, scheme files, parser caches
        for k, c, t in zip(names, (c1 - c0, c2 - c1, c3 - c2, c3 - c0), (t1 - t0, t2 - t1, t3 - t2, t3 - t0)):
            cpu[k].append(c)
            wall[k].append(t)
    n_ind = sum(len(p.indicators) for p in sub.projects)
    print(f"\n同一进程内的分解：{len(sub.projects)} 个项目，{n_ind} 个指标，发现 {len(findings)} 个问题")
    for k in names:
        line(k, cpu[k], wall[k])


def approve_stages(seed: Path, out: Path, n: int) -> None:
    """``approve`` of the seed form in one process: read and check it, lay out the 批复表, write it."""
    from xl_jixiao.approve import approval_workbook, load_results

    names = ("读取并校验种子表", "排版批复表", "写出 xlsx", "合计")
    wall: dict[str, list[float]] = {k: [] for k in names}
    cpu: dict[str, list[float]] = {k: [] for k in names}
    for i in range(n + 1):
        c0, t0 = time.process_time(), time.perf_counter()
        results, _ = load_results(seed)
        c1, t1 = time.process_time(), time.perf_counter()
        book = approval_workbook([r.submission for r in results if r.submission is not None])
        c2, t2 = time.process_time(), time.perf_counter()
        book.save(out)
        c3, t3 = time.process_time(), time.perf_counter()
        if i == 0:
            first = (c1 - c0, c2 - c1, c3 - c2)
            continue  # warm-up: imports, scheme files, regexes
        for k, c, t in zip(names, (c1 - c0, c2 - c1, c3 - c2, c3 - c0), (t1 - t0, t2 - t1, t3 - t2, t3 - t0)):
            cpu[k].append(c)
            wall[k].append(t)
    print(f"\n同一进程内 approve 的分解：{len(book.sheets)} 个工作表（首次运行含导入：读取 {first[0] * 1000:.0f}、"
          f"排版 {first[1] * 1000:.0f}、写出 {first[2] * 1000:.0f} CPU-ms）")
    for k in names:
        line(k, cpu[k], wall[k])


def main() -> None:
    ap = argparse.ArgumentParser(description="单个工作簿的性能：启动、check、import、approve")
    ap.add_argument("--projects", type=int, default=60)
    ap.add_argument("--indicators", type=int, default=15)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--defect-rate", type=float, default=0.3)
    ap.add_argument("--compare", metavar="OTHER/src", default=None,
                    help="另一份源码（如改动前的 src 目录）：每个新进程项与本源码交替运行，并列给出")
    args = ap.parse_args()
    other = str(Path(args.compare).resolve()) if args.compare else None

    import xl_jixiao.data
    from xl_jixiao.template import generate_samples

    seed = Path(xl_jixiao.data.__file__).parent / "seeds" / SEED_NAME

    py = sys.executable
    cli = [py, "-m", "xl_jixiao"]
    n = args.repeat
    with tempfile.TemporaryDirectory() as tmp:
        ENV.pop("PYTHONDONTWRITEBYTECODE", None)
        ENV["PYTHONPYCACHEPREFIX"] = str(Path(tmp) / "pycache")
        manifest = generate_samples(tmp, 1, seed=1, defect_rate=args.defect_rate,
                                    projects=args.projects, indicators=args.indicators)
        path = Path(tmp) / next(iter(manifest))
        load = os.getloadavg()
        print(f"工作簿 {path.name}：{path.stat().st_size // 1024} KB；机器负载 {load[0]:.1f} / {load[1]:.1f} / "
              f"{load[2]:.1f}（1/5/15 分钟），CPU {os.cpu_count()} 核；每项 {n} 次")
        if other:
            print(f"对比源码：{other}（每项交替运行，先对比后本源码）")
        bare = repeat([py, "-c", "pass"], n)
        line("Python 启动（空程序）", *bare)
        got = {
            "import": measure("导入 CLI 与模型（减去启动）", [py, "-c", "import xl_jixiao.cli, xl_jixiao.model"], n,
                              other, base=bare, target=TARGETS["import"]),
        }
        measure("导入 CLI 并建好命令解析", [py, "-c", "import xl_jixiao.cli as c; c.build_parser()"], n, other,
                base=bare)
        got["check"] = measure(f"check（{args.projects} 个项目，端到端）", [*cli, "check", str(path)], n, other,
                               target=TARGETS["check"])
        got["import-seed"] = measure("import 种子表（端到端）",
                                     [*cli, "import", str(seed), "-o", str(Path(tmp) / "导入.xlsx")], n, other,
                                     target=TARGETS["import-seed"])
        got["approve"] = measure("approve 种子表（端到端）",
                                 [*cli, "approve", str(seed), "-o", str(Path(tmp) / "批复.xlsx"), "--force"], n,
                                 other, target=TARGETS["approve"])
        print("\n导入最慢的模块（python -X importtime，累计微秒）：")
        for us, name in importtime("xl_jixiao.cli, xl_jixiao.model"):
            print(f"  {us:>8}  {name.strip()}")
        stages(path, n)
        approve_stages(seed, Path(tmp) / "批复_同一进程.xlsx", n)
        missed = [k for k, v in got.items() if v > TARGETS[k]]
        print(f"\n目标（CPU 中位数）：{len(got) - len(missed)}/{len(got)} 项达到"
              + (f"；未达到：{'、'.join(missed)}" if missed else ""))


if __name__ == "__main__":
    main()
