"""Benchmark: ``xl-jixiao consolidate`` against a naive pandas script and a bare python-calamine read.

    python benchmarks/consolidate.py                 # 200 files (a few minutes on 2 cores)
    python benchmarks/consolidate.py --files 1000    # the reference size; generating the inputs takes a while
    python benchmarks/consolidate.py --files 1000 --workdir /data/bench --skip-naive
    python benchmarks/consolidate.py --files 1000 --copies 10 --workdir /data/bench --skip-naive   # 10,000 files
    python benchmarks/consolidate.py --workdir /data/bench --compare-src ../main/src --rounds 3   # old vs new code

The floor is what the targets define: a bare python-calamine read of every sheet of every file (the same number
of processes) plus the project's own summary writer (``consolidate/xlsx.py``) rendering and writing a summary of
the same size (the rows of the cold run's summary), both measured in the same run; the bare read alone is reported
beside it.  The bare read and the cold run are measured in alternating rounds (``--rounds``, default 3): the round
whose ratio is the median is reported, every round's ratio beside it.

See benchmarks/README.md for what is measured and the targets.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RUNNER = r"""
import json, resource, sys, time
t0 = time.perf_counter()
from xl_jixiao.consolidate import consolidate
args = json.loads(sys.argv[1])
r = consolidate(args["inputs"], args["output"], jobs=args["jobs"], use_cache=args["cache"], progress=False)
def hwm_kb():
    # VmHWM starts afresh at exec; ru_maxrss would include the parent's size before exec
    try:
        for line in open("/proc/self/status"):
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
self_kb = hwm_kb()
child_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
s = r.stats
print(json.dumps({"seconds": time.perf_counter() - t0, "engine_seconds": r.seconds, "read_seconds": r.read_seconds,
                  "main_cpu": me.ru_utime + me.ru_stime, "workers_cpu": kids.ru_utime + kids.ru_stime,
                  "main_rss_mib": self_kb / 1024, "worker_rss_mib": child_kb / 1024,
                  "line": r.summary_line(), "indicators": s.indicators, "projects": s.projects,
                  "rows": s.files + s.projects + s.indicators + s.errors + s.warnings + s.infos}))
"""


# ------------------------------------------------------------------ inputs


def _generate_one(job: tuple) -> str:
    index, seed, projects, indicators, out_dir = job
    from xl_jixiao.schemes import get_scheme
    from xl_jixiao.template import write_submission
    from xl_jixiao.template.samples import sample_file_name, sample_submission

    sub = sample_submission(index, seed, projects, indicators)
    name = sample_file_name(index, sub)
    write_submission(sub, Path(out_dir) / name, scheme=get_scheme(sub.scheme))
    return name


def _stamp(out_dir: Path) -> Path:
    return out_dir.parent / f"{out_dir.name}.params.json"  # beside, not inside: it is not an input


def _made_before(out_dir: Path, params: dict, count: int) -> list[Path] | None:
    """The workbooks an earlier run made in ``out_dir`` with the same ``params``; else ``None``, and ``out_dir``
    is emptied for a new set."""
    stamp = _stamp(out_dir)
    if stamp.exists() and json.loads(stamp.read_text()) == params:
        found = sorted(out_dir.glob("*.xlsx"))
        if len(found) == count:
            print(f"复用已生成的 {count} 个工作簿：{out_dir}", flush=True)
            return found
    if out_dir.exists():
        shutil.rmtree(out_dir)
    out_dir.mkdir(parents=True)
    return None


def generate(out_dir: Path, files: int, projects: int, indicators: int, jobs: int, seed: int = 0) -> list[Path]:
    params = {"files": files, "projects": projects, "indicators": indicators, "seed": seed}
    found = _made_before(out_dir, params, files)
    if found is not None:
        return found
    print(f"生成 {files} 个样例工作簿（每个 {projects} 个项目 × {indicators} 个指标）…", flush=True)
    start = time.perf_counter()
    try:
        import xl_jixiao.template.samples as samples  # noqa: F401
        from xl_jixiao.template.samples import sample_submission  # noqa: F401

        tasks = [(i, seed, projects, indicators, str(out_dir)) for i in range(files)]
        if jobs > 1:
            import multiprocessing

            with multiprocessing.Pool(jobs) as pool:
                for n, _ in enumerate(pool.imap_unordered(_generate_one, tasks, chunksize=4), start=1):
                    if n % 50 == 0:
                        print(f"  {n}/{files}", flush=True)
        else:
            for t in tasks:
                _generate_one(t)
    except ImportError:
        from xl_jixiao.template import generate_samples

        generate_samples(out_dir, files, seed=seed, projects=projects, indicators=indicators)
        (out_dir / "manifest.json").unlink(missing_ok=True)
    _stamp(out_dir).write_text(json.dumps(params))
    print(f"  用时 {time.perf_counter() - start:.1f} 秒", flush=True)
    return sorted(out_dir.glob("*.xlsx"))


def multiply(paths: list[Path], out_dir: Path, copies: int) -> list[Path]:
    """``copies`` distinct copies of every sample in ``paths`` (copy k: unit code ``6k…`` and project codes with
    it, unit name + k), in ``out_dir``: many files quickly, without the cross-file findings that identical copies
    would raise.  The sheets' XML is edited as the sample writer spells text (characters, or ``&#N;``)."""
    import zipfile

    params = {"copies": copies, "of": [p.name for p in paths]}
    found = _made_before(out_dir, params, copies * len(paths))
    if found is not None:
        return found
    from xl_jixiao.readers import read_source

    print(f"由 {len(paths)} 个样例各复制 {copies} 份（单位编码、名称各不相同）…", flush=True)
    start = time.perf_counter()

    def spellings(text: str) -> list[bytes]:
        return [text.encode(), "".join(c if ord(c) < 128 else f"&#{ord(c)};" for c in text).encode()]

    for p in paths:
        sub = read_source(p).submission
        code, name = sub.unit_code or "", sub.unit_name or ""
        with zipfile.ZipFile(p) as zin:
            parts = [(i.filename, zin.read(i)) for i in zin.infolist()]
        for k in range(copies):
            edits = list(zip(spellings(code), spellings(f"6{k}{code[2:]}"))) if len(code) > 2 else []
            edits += list(zip(spellings(name), spellings(f"{name}{k}"))) if name else []
            with zipfile.ZipFile(out_dir / f"{k}_{p.name}", "w", zipfile.ZIP_DEFLATED) as z:
                for fn, data in parts:
                    if fn.startswith("xl/worksheets/"):
                        for old, new in edits:
                            data = data.replace(old, new)
                    z.writestr(fn, data)
    _stamp(out_dir).write_text(json.dumps(params))
    print(f"  用时 {time.perf_counter() - start:.1f} 秒", flush=True)
    return sorted(out_dir.glob("*.xlsx"))


# ------------------------------------------------------------------ contenders


def naive(paths: list[Path], out: Path) -> dict:
    """What a finance office would script: pandas + openpyxl, every sheet of every file, concat, to_excel."""
    import pandas as pd

    start = time.perf_counter()
    cpu = time.process_time()
    per_sheet: dict[str, list] = {}
    for p in paths:
        frames = pd.read_excel(p, sheet_name=None, engine="openpyxl")
        for name, df in frames.items():
            df.insert(0, "文件", p.name)
            per_sheet.setdefault(name, []).append(df)
    with pd.ExcelWriter(out, engine="openpyxl") as xw:
        for name, frames in per_sheet.items():
            pd.concat(frames, ignore_index=True).to_excel(xw, sheet_name=name[:31], index=False)
    return {"wall": time.perf_counter() - start, "cpu": time.process_time() - cpu}


FLOOR = r"""
import json, multiprocessing, sys

def read(path):
    from python_calamine import CalamineWorkbook
    wb = CalamineWorkbook.from_path(path)
    cells = 0
    for name in wb.sheet_names:
        cells += sum(len(r) for r in wb.get_sheet_by_name(name).to_python(skip_empty_area=False))
    return cells

if __name__ == "__main__":
    import resource
    args = json.loads(sys.argv[1])
    with open(args["paths_file"], encoding="utf-8") as f:  # a file: 10,000 paths do not fit on a command line
        args["paths"] = json.load(f)
    if args["jobs"] > 1:
        with multiprocessing.get_context("fork").Pool(args["jobs"]) as pool:
            cells = sum(pool.imap(read, args["paths"], chunksize=8))
            pool.close()
            pool.join()
        rss_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    else:
        cells = sum(map(read, args["paths"]))
        rss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"cells": cells, "worker_rss_mib": rss_kb / 1024}))
"""


WRITER = r"""
import json, sys, time
from python_calamine import CalamineWorkbook
from xl_jixiao.consolidate.xlsx import XlsxWriter, compress_rows, row
args = json.loads(sys.argv[1])
wb = CalamineWorkbook.from_path(args["summary"])
sheets = [(name, wb.get_sheet_by_name(name).to_python(skip_empty_area=False)) for name in wb.sheet_names]
rows = sum(len(r) for _, r in sheets)
cpu, start = time.process_time(), time.perf_counter()
book = XlsxWriter(args["output"])
for name, values in sheets:
    sheet = book.add_sheet(name)
    for i in range(0, len(values), 200):  # rendered and compressed in batches, as the summary's detail rows are
        batch = values[i:i + 200]
        sheet.append_fragment(compress_rows([row([None if v == "" else v for v in r]) for r in batch]), len(batch))
book.close()
print(json.dumps({"writer_cpu": time.process_time() - cpu, "writer_wall": time.perf_counter() - start, "rows": rows}))
"""


def _timed(argv: list[str], what: str, env: dict[str, str] | None = None) -> dict:
    """Run ``argv`` in a child process: its last stdout line (JSON) plus wall and CPU seconds.

    CPU is user + system time of the child and every process it waited for (the pool workers),
    from ``getrusage(RUSAGE_CHILDREN)`` around the run — on a shared machine the figure that does
    not grow with other people's load."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    r = subprocess.run(argv, capture_output=True, text=True, env=env)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if r.returncode != 0:
        raise SystemExit(f"{what} 失败：\n{r.stderr[-3000:]}")
    got = json.loads(r.stdout.strip().splitlines()[-1])
    got["wall"] = wall
    got["cpu"] = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return got


def bare_calamine(paths: list[Path], jobs: int) -> dict:
    """The read floor: python-calamine reads every cell of every sheet of every file, nothing else —
    a child process with the same number of worker processes as the consolidation."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", encoding="utf-8", delete=False) as f:
        json.dump([str(p) for p in paths], f, ensure_ascii=False)
    try:
        return _timed([sys.executable, "-c", FLOOR, json.dumps({"paths_file": f.name, "jobs": jobs})],
                      "calamine 裸读取")
    finally:
        os.unlink(f.name)


def summary_writer(summary: Path, output: Path) -> dict:
    """The writer's share of the floor: the project's own summary writer (``consolidate/xlsx.py``) rendering and
    writing every row of ``summary`` (the cold run's summary workbook: the same size), timed without loading it."""
    r = subprocess.run([sys.executable, "-c", WRITER, json.dumps({"summary": str(summary), "output": str(output)})],
                       capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"汇总写出器失败：\n{r.stderr[-3000:]}")
    output.unlink(missing_ok=True)
    return json.loads(r.stdout.strip().splitlines()[-1])


def floor(bare: dict, writer: dict) -> dict:
    """The floor as the targets define it: the bare read (``bare``, all processes) plus the project's summary
    writer writing a summary of the same size (``writer``)."""
    return {"cpu": bare["cpu"] + writer["writer_cpu"], "wall": bare["wall"] + writer["writer_wall"],
            "rows": writer["rows"]}


def run_consolidate(inputs: Path, output: Path, jobs: int, cache: bool = True, src: str | None = None) -> dict:
    """``consolidate()`` in a child process; ``src``: the source tree to import the package from instead."""
    args = json.dumps({"inputs": [str(inputs)], "output": str(output), "jobs": jobs, "cache": cache})
    env = None
    if src is not None:
        env = dict(os.environ, PYTHONPATH=os.pathsep.join([src, *filter(None, [os.environ.get("PYTHONPATH")])]))
    return _timed([sys.executable, "-c", RUNNER, args], "consolidate", env)


def _into_page_cache(paths: list[Path]) -> None:
    """Read every input once, so every measurement reads the files from the page cache, the first one too."""
    for p in paths:
        p.read_bytes()


def compare(paths: list[Path], inputs: Path, out_dir: Path, jobs: int, src: str, rounds: int) -> None:
    """This code against the package in ``src`` on the same files, alternating (a shared machine drifts):
    each round the bare read, the floor (bare read + summary writer), a cold run of this code and one of the
    other, the same number of processes.  A cold run is the headline's: the first run, building its cache
    (each round writes a new summary beside a new cache)."""
    import statistics

    n = len(paths)
    rows: list[tuple[float, float, float, float]] = []
    print(f"\n交替测量 {rounds} 轮：裸读取 / 下限（裸读取 + 汇总写出器）/ 本代码冷启动 / 对照代码（{src}）冷启动，"
          f"各 {jobs} 个进程", flush=True)
    _into_page_cache(paths)
    for i in range(rounds):
        cal = bare_calamine(paths, jobs)
        new = run_consolidate(inputs, out_dir / f"new-{i}.xlsx", jobs)
        low = floor(cal, summary_writer(out_dir / f"new-{i}.xlsx", out_dir / f"writer-{i}.xlsx"))
        old = run_consolidate(inputs, out_dir / f"old-{i}.xlsx", jobs, src=src)
        row = (cal["cpu"] / n * 1000, low["cpu"] / n * 1000, new["cpu"] / n * 1000, old["cpu"] / n * 1000)
        rows.append(row)
        share = "，".join(f"{k} 主进程 {t['main_cpu'] / n * 1000:.1f} + 读取进程 {t['workers_cpu'] / n * 1000:.1f}"
                          for k, t in (("本代码", new), ("对照", old)) if "main_cpu" in t)
        print(f"  第 {i + 1} 轮（每个文件 CPU-ms）：裸读取 {row[0]:.1f}，下限 {row[1]:.1f}，"
              f"本代码 {row[2]:.1f}（下限的 {row[2] / row[1]:.2f} 倍，裸读取的 {row[2] / row[0]:.2f} 倍），"
              f"对照 {row[3]:.1f}（{row[3] / row[1]:.2f} / {row[3] / row[0]:.2f} 倍）；{share}；"
              f"墙钟 秒 {cal['wall']:.1f} / {low['wall']:.1f} / {new['wall']:.1f} / {old['wall']:.1f}；"
              f"峰值内存 工作进程 {new['worker_rss_mib']:.0f} / {old['worker_rss_mib']:.0f} MiB，"
              f"裸读取 {cal['worker_rss_mib']:.0f} MiB", flush=True)
    med = [statistics.median(r[k] for r in rows) for k in range(4)]

    def spread(values: list[float]) -> str:
        return f"{statistics.median(values):.2f}（{min(values):.2f}–{max(values):.2f}）"

    print(f"  中位数（每个文件 CPU-ms）：裸读取 {med[0]:.1f}，下限 {med[1]:.1f}，本代码 {med[2]:.1f}，对照 {med[3]:.1f}；"
          f"冷启动 / 下限 本代码 {spread([r[2] / r[1] for r in rows])}，对照 {spread([r[3] / r[1] for r in rows])}；"
          f"冷启动 / 裸读取 本代码 {spread([r[2] / r[0] for r in rows])}，对照 {spread([r[3] / r[0] for r in rows])}")


SYNTHETIC = r"""
import json, resource, sys, time, dataclasses
from pathlib import Path
from xl_jixiao.consolidate import worker
from xl_jixiao.consolidate.crossfile import CrossFileIndex
from xl_jixiao.consolidate.summary import SummaryWriter
args = json.loads(sys.argv[1])
worker.init_worker(None)
proto = worker.process((args["sample"], "样例.xlsx", None))[2]  # ("result", FileResult bytes, FileRecord)
def hwm_kb():
    try:
        for line in open("/proc/self/status"):
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
base_kb = hwm_kb()
t0 = time.perf_counter()
out = Path(args["output"])
w = SummaryWriter(out, out)
cross = CrossFileIndex()
for i in range(args["n"]):
    rec = dataclasses.replace(proto, path=f"{args['sample']}.{i}", display=f"单位{i:05d}.xlsx",
                              unit_code=f"U{i:05d}", project_codes=[[f"{c[0]}-{i}", *c[1:]] for c in proto.project_codes])
    w.add(rec, "缓存")
    cross.add(len(w.files) - 1, rec.display, rec.unit_name, rec.unit_code, rec.project_codes)
for index, f in cross.findings():
    w.add_finding(index, f)
st = w.finish()
print(json.dumps({"seconds": time.perf_counter() - t0, "rss_mib": hwm_kb() / 1024,
                  "base_rss_mib": base_kb / 1024, "indicators": st.indicators, "size_mib": out.stat().st_size / 2**20,
                  "sheets": [s.name for s in w.book.sheets]}))
"""


def synthetic(sample: Path, n: int, work: Path) -> dict:
    """The main process's share at scale: ``n`` cached records (clones of one real file) → one summary."""
    out = work / f"synthetic-{n}.xlsx"
    r = subprocess.run([sys.executable, "-c", SYNTHETIC, json.dumps({"sample": str(sample), "n": n,
                                                                     "output": str(out)})],
                       capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"合成测试失败：\n{r.stderr[-3000:]}")
    out.unlink(missing_ok=True)
    return json.loads(r.stdout.strip().splitlines()[-1])


# ------------------------------------------------------------------ main


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="汇总性能基准")
    ap.add_argument("--files", type=int, default=200, help="样例工作簿个数（默认 200）")
    ap.add_argument("--projects", type=int, default=10)
    ap.add_argument("--indicators", type=int, default=15, help="每个项目的指标数")
    ap.add_argument("--jobs", type=int, default=None, help="汇总的并行进程数（默认全部核）")
    ap.add_argument("--workdir", help="工作目录（保留生成的样例，下次复用）；默认临时目录，结束后删除")
    ap.add_argument("--copies", type=int, default=1, metavar="K",
                    help="把 --files 个样例各复制 K 份（单位编码、名称各不相同），如 --files 1000 --copies 10 得到 "
                         "10,000 个文件，比逐个生成快得多")
    ap.add_argument("--skip-naive", action="store_true", help="不运行 pandas 朴素脚本（大规模时很慢）")
    ap.add_argument("--json", help="把结果另存为 JSON 文件")
    ap.add_argument("--compare-src", metavar="DIR",
                    help="只做对照：与 DIR 中的另一份源码（如 main 分支的 src）交替测冷启动，每轮同时测裸读取")
    ap.add_argument("--rounds", type=int, default=3,
                    help="裸读取与冷启动交替测量的轮数，报告比值居中的一轮（默认 3）；--compare-src 时为对照的轮数")
    ap.add_argument("--synthetic", type=int, metavar="N",
                    help="另测主进程在 N 个文件规模下的内存和写出用时（用 1 个真实文件的记录复制 N 份，如 10000）")
    ap.add_argument("--no-bytecode-cache", action="store_true",
                    help="子进程不用字节码缓存（环境设置了 PYTHONDONTWRITEBYTECODE 时，每次运行都重新编译源码）")
    a = ap.parse_args(argv)
    pycache = None
    if not a.no_bytecode_cache:
        # children run as an installed package does: with byte-code caches (in a folder of their own, so the
        # source tree is untouched, even where PYTHONDONTWRITEBYTECODE is set), as benchmarks/check.py does
        pycache = tempfile.mkdtemp(prefix="xl-jixiao-pycache-")
        os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
        os.environ["PYTHONPYCACHEPREFIX"] = pycache

    from xl_jixiao.consolidate import default_jobs

    jobs = a.jobs or default_jobs()
    tmp = None
    if a.workdir:
        work = Path(a.workdir).resolve()
        work.mkdir(parents=True, exist_ok=True)
    else:
        tmp = tempfile.mkdtemp(prefix="xl-jixiao-bench-")
        work = Path(tmp)
    try:
        inputs = work / "inputs"
        paths = generate(inputs, a.files, a.projects, a.indicators, jobs)
        if a.copies > 1:
            inputs = work / f"inputs-x{a.copies}"
            paths = multiply(paths, inputs, a.copies)
        spare = generate(work / "spare", 1, a.projects, a.indicators, 1, seed=99)[0]
        # the "one file changed" step replaces paths[0]; keep its original so every run starts the same
        original = work / ("original-0.xlsx" if a.copies <= 1 else f"original-0-x{a.copies}.xlsx")
        if not original.exists() or original.read_bytes() == spare.read_bytes():
            shutil.copy(paths[0], original)
        if paths[0].read_bytes() != original.read_bytes():
            shutil.copy(original, paths[0])
        out_dir = work / "out"
        if out_dir.exists():
            shutil.rmtree(out_dir)
        out_dir.mkdir()
        results: dict[str, float | dict] = {}

        print(f"\n{len(paths)} 个文件，{a.projects} 项目 × {a.indicators} 指标；并行 {jobs} 个进程；"
              f"CPU {os.cpu_count()} 核", flush=True)
        if a.compare_src:
            compare(paths, inputs, out_dir, jobs, a.compare_src, a.rounds)
            return 0
        if not a.skip_naive:
            print("朴素脚本（pandas.read_excel + openpyxl, concat, to_excel）…", flush=True)
            results["naive"] = naive(paths, out_dir / "naive.xlsx")
        # the headline pair (bare read, cold run) measured in alternating rounds: a shared machine drifts, and
        # one pair can land on either side of a target; each cold run builds a new cache, the last one the
        # summary the warm runs below reuse
        summary = out_dir / "汇总表.xlsx"
        rounds = max(1, a.rounds)
        _into_page_cache(paths)
        pairs = []
        for i in range(rounds):
            print(f"第 {i + 1}/{rounds} 轮：python-calamine 裸读取（{jobs} 个进程）…", flush=True)
            cal = bare_calamine(paths, jobs)
            print(f"第 {i + 1}/{rounds} 轮：xl-jixiao consolidate 冷启动…", flush=True)
            out = summary if i == rounds - 1 else out_dir / f"cold-{i}.xlsx"
            pairs.append((cal, run_consolidate(inputs, out, jobs)))
            if out != summary:
                for left in out_dir.glob(f"{out.name}*"):  # (its cache too: at 10,000 files a few hundred MB)
                    left.unlink()
        print("本项目的汇总写出器写出同样大小的汇总表（下限的写出部分）…", flush=True)
        results["writer"] = summary_writer(summary, out_dir / "writer.xlsx")
        ratios = [cold["cpu"] / floor(cal, results["writer"])["cpu"] for cal, cold in pairs]
        middle = sorted(range(rounds), key=ratios.__getitem__)[(rounds - 1) // 2]  # the round with the median ratio
        results["calamine"], results["cold"] = pairs[middle]
        results["rounds"] = {"ratios": ratios, "median_round": middle}
        print("xl-jixiao consolidate：有缓存、无变化…", flush=True)
        results["warm"] = run_consolidate(inputs, summary, jobs)
        # one file changes: its content is replaced by another unit's workbook
        shutil.copy(spare, paths[0])
        print("xl-jixiao consolidate：有缓存、1 个文件有变化…", flush=True)
        results["warm1"] = run_consolidate(inputs, summary, jobs)
        print("xl-jixiao consolidate --jobs 1（单进程，不用缓存）…", flush=True)
        results["single"] = run_consolidate(inputs, out_dir / "single.xlsx", 1, cache=False)
        print("python-calamine 裸读取（1 个进程）…", flush=True)
        results["calamine1"] = bare_calamine(paths, 1)

        if a.synthetic:
            print(f"合成规模测试：{a.synthetic} 个文件的记录写成汇总表…", flush=True)
            results["synthetic"] = synthetic(paths[1], a.synthetic, out_dir)

        report(results, len(paths), a, jobs)
        if a.json:
            Path(a.json).write_text(json.dumps(results, ensure_ascii=False, indent=1))
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)
        if pycache:
            shutil.rmtree(pycache, ignore_errors=True)
    return 0


def report(r: dict, files: int, a, jobs: int) -> None:
    naive = r.get("naive")
    cal, cal1 = r["calamine"], r["calamine1"]
    low, low1 = floor(cal, r["writer"]), floor(cal1, r["writer"])
    cold, warm, warm1, single = r["cold"], r["warm"], r["warm1"], r["single"]

    def times(label: str, t: dict) -> None:
        vs = f"{naive['cpu'] / t['cpu']:7.1f}×" if naive else "      —"
        print(f"  {label:<36}{t['cpu']:9.2f}{t['wall']:9.2f}  {vs}")

    load = os.getloadavg()
    print("\n结果（CPU 秒 = 用户态 + 内核态，含全部工作进程；墙钟秒随机器负载波动；倍数 = 朴素脚本 CPU / 该项 CPU）")
    print(f"  文件 {files} 个，项目 {cold['projects']}，指标 {cold['indicators']}，并行 {jobs}，"
          f"CPU {os.cpu_count()} 核，机器负载 {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}（1/5/15 分钟）")
    print("  子进程" + ("不用字节码缓存（每次运行都重新编译源码）" if a.no_bytecode_cache
                     else "带字节码缓存运行，与安装好的软件包相同（第一次运行时编译）"))
    print(f"  {'':<36}{'CPU':>9}{'墙钟':>8}")
    if naive:
        times("朴素脚本 pandas+openpyxl（单进程）", naive)
    times(f"python-calamine 裸读取（{jobs} 个进程）", cal)
    times("汇总写出器写出同样大小的汇总表（1 个进程）", {"cpu": r["writer"]["writer_cpu"],
                                                    "wall": r["writer"]["writer_wall"]})
    times(f"下限：裸读取（{jobs} 个进程）+ 汇总写出器", low)
    times("consolidate 冷启动（端到端）", cold)
    times("consolidate 有缓存、无变化", warm)
    times("consolidate 有缓存、1 个文件变化", warm1)
    times("python-calamine 裸读取（1 个进程）", cal1)
    times("下限：裸读取（1 个进程）+ 汇总写出器", low1)
    times("consolidate --jobs 1 无缓存", single)
    print(f"  下限（问题单的定义）= 裸读取 + 本项目的汇总写出器写出同样大小的汇总表（冷启动的汇总表，{low['rows']} 行）")
    ratios = r["rounds"]["ratios"]
    print(f"  冷启动 / 下限（CPU，同为 {jobs} 个进程）：{cold['cpu'] / low['cpu']:.2f}（目标 ≤ 1.5）；"
          f"墙钟 {cold['wall'] / low['wall']:.2f}"
          + (f"；交替 {len(ratios)} 轮取中：各轮 {'、'.join(f'{x:.2f}' for x in ratios)}" if len(ratios) > 1 else ""))
    print(f"  冷启动 / 裸读取（CPU，同为 {jobs} 个进程，不含写出）：{cold['cpu'] / cal['cpu']:.2f}；"
          f"墙钟 {cold['wall'] / cal['wall']:.2f}")
    print(f"  --jobs 1 / 单进程下限（CPU）：{single['cpu'] / low1['cpu']:.2f}；"
          f"/ 单进程裸读取：{single['cpu'] / cal1['cpu']:.2f}")
    print(f"  每个文件：裸读取 {cal['cpu'] / files * 1000:.1f} CPU-ms，下限 {low['cpu'] / files * 1000:.1f} CPU-ms，"
          f"冷启动 {cold['cpu'] / files * 1000:.1f} CPU-ms"
          f"（主进程 {cold['main_cpu'] / files * 1000:.1f}，读取进程 {cold['workers_cpu'] / files * 1000:.1f}）")
    print(f"  冷启动 / 1 个文件变化后的重跑（CPU）：{cold['cpu'] / warm1['cpu']:.1f}×（目标 ≥ 20）；"
          f"墙钟 {cold['wall'] / warm1['wall']:.1f}×")
    if naive:
        print(f"  朴素脚本 / 冷启动：CPU {naive['cpu'] / cold['cpu']:.1f}×，墙钟 {naive['wall'] / cold['wall']:.1f}×"
              f"（目标 ≥ 20）")
    print(f"  峰值内存：主进程 {cold['main_rss_mib']:.0f} MiB，最大的工作进程 {cold['worker_rss_mib']:.0f} MiB"
          f"（有缓存重跑时主进程 {warm1['main_rss_mib']:.0f} MiB；裸读取的工作进程 {cal['worker_rss_mib']:.0f} MiB）")
    syn = r.get("synthetic")
    if syn:
        print(f"  合成规模：{a.synthetic} 个文件（{syn['indicators']} 行指标），主进程写出 {syn['seconds']:.1f} 秒，"
              f"峰值内存 {syn['rss_mib']:.0f} MiB（读入样例后 {syn['base_rss_mib']:.0f} MiB），"
              f"汇总表 {syn['size_mib']:.0f} MiB，工作表：{'、'.join(syn['sheets'])}")
    print(f"  {cold['line']}")
    print(f"  {warm1['line']}")


if __name__ == "__main__":
    raise SystemExit(main())
