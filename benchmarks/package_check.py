"""Per-file CPU time of the pre-parse package check, beside a bare python-calamine read of the same bytes.

Run: ``python benchmarks/package_check.py [--dir FOLDER | --files 200] [--rounds 4] [--compare-src OTHER/src]``.

For each workbook (read into memory once): CPU time (``time.process_time``) of
:func:`xl_jixiao.inbox.inspect_package`, and of python-calamine opening the same bytes and reading every
cell of every sheet (the read it guards; the baseline, measured in the same process).  Each round runs in a
fresh process and makes ``--repeat`` passes; the figure is the mean over the files of each file's lowest
time in any pass, in CPU-ms per file.  ``--compare-src OTHER/src`` alternates rounds of another source tree
(say the code before a change) with this one, so both see the same machine load.  Wall time is printed
beside CPU time for each round.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

CHILD = r"""
import glob, io, json, sys, time
args = json.loads(sys.argv[1])
from python_calamine import CalamineWorkbook
from xl_jixiao.config import default_config
from xl_jixiao.inbox import inspect_package

limits = default_config().limits
files = sorted(glob.glob(args["dir"] + "/*.xls[xm]"))[:args["files"]]
datas = [(f, open(f, "rb").read()) for f in files]

def bare(data):
    wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
    for name in wb.sheet_names:
        wb.get_sheet_by_name(name).to_python()

pt = time.process_time
best = [[1e9, 1e9] for _ in datas]
for _ in range(args["repeat"]):
    for (f, d), low in zip(datas, best):
        t0 = pt()
        inspect_package(d, f, limits)
        t1 = pt()
        bare(d)
        t2 = pt()
        low[0] = min(low[0], t1 - t0)
        low[1] = min(low[1], t2 - t1)
print(json.dumps({"inspect": sum(b[0] for b in best) / len(datas) * 1000,
                  "bare read": sum(b[1] for b in best) / len(datas) * 1000, "files": len(datas)}))
"""


def run_round(src: Path, folder: Path, files: int, repeat: int) -> tuple[dict[str, float], float]:
    env = dict(os.environ, PYTHONPATH=str(src))
    start = time.perf_counter()
    r = subprocess.run([sys.executable, "-c", CHILD, json.dumps({"dir": str(folder), "files": files,
                                                                  "repeat": repeat})],
                       capture_output=True, text=True, env=env, check=False)
    if r.returncode != 0:
        raise SystemExit(f"round with {src} failed:\n{r.stderr}")
    return json.loads(r.stdout.strip().splitlines()[-1]), time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dir", type=Path, help="workbooks to measure (default: generated light samples)")
    ap.add_argument("--files", type=int, default=200)
    ap.add_argument("--rounds", type=int, default=4)
    ap.add_argument("--repeat", type=int, default=5, help="passes over all files per round (lowest time kept)")
    ap.add_argument("--compare-src", metavar="DIR", type=Path, help="another source tree, alternated with this one")
    a = ap.parse_args(argv)
    this = HERE.parent / "src"
    trees = [("this", this)] + ([("other", a.compare_src.resolve())] if a.compare_src else [])
    results: dict[str, list[dict[str, float]]] = {name: [] for name, _ in trees}
    with tempfile.TemporaryDirectory() as tmp:
        folder = a.dir or Path(tmp)
        if a.dir is None:
            sys.path.insert(0, str(this))
            from xl_jixiao.template import generate_samples

            generate_samples(folder, a.files, seed=1, defect_rate=0.3)
        order = [trees[::-1] if i % 2 else trees for i in range(a.rounds)]  # alternate which tree goes first
        for i, (name, src) in ((i, t) for i, pair in enumerate(order) for t in pair):
            res, wall = run_round(src, folder, a.files, a.repeat)
            results[name].append(res)
            print(f"round {i + 1} {name:5s} inspect {res['inspect']:.3f}  bare read {res['bare read']:.3f} "
                  f"CPU-ms/file ({res['files']:.0f} files; round wall {wall:.1f} s)", flush=True)
    print("\nmedian CPU-ms per file (range over rounds)")
    for name, src in trees:
        cells = []
        for k in ("inspect", "bare read"):
            vals = [r[k] for r in results[name]]
            cells.append(f"{k} {statistics.median(vals):.3f} ({min(vals):.3f}–{max(vals):.3f})")
        share = statistics.median(r["inspect"] / r["bare read"] for r in results[name])
        print(f"{name:5s} {src}: " + "   ".join(cells) + f"   inspect / bare read {share:.0%}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
