"""Per-file CPU time of reading and checking one workbook, stage by stage, in one process.

Run: ``python benchmarks/stages.py [--files 60] [--rounds 3] [--compare-src OTHER/src]``.

Sample workbooks (``generate_samples``, light, 30 % of them with injected defects) are read into memory once;
then, for each file, CPU time (``time.process_time``) of:

- ``sheet parse``: python-calamine parsing the sheets the reader asks for (the floor of this stage);
- ``model``: the rest of :func:`xl_jixiao.readers.read_source` (opening the workbook, finding the tables,
  building the submission with its cell references);
- ``rules``: :func:`xl_jixiao.rules.check_submission`.

Each round runs in a fresh process and makes ``--repeat`` passes over all files; the figure per round is the
mean over the files of each file's lowest CPU time in any pass (what other processes on a shared machine add
is mostly left out), in CPU-ms per file.  ``--compare-src OTHER/src`` alternates rounds of another source tree (say the code
before a change) with this one, so both see the same machine load, and prints both.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
STAGES = ("sheet parse", "model", "rules")

CHILD = r"""
import glob, json, sys, time
args = json.loads(sys.argv[1])
from xl_jixiao.config import default_config
from xl_jixiao.inbox import read_once
from xl_jixiao.readers import read_source
from xl_jixiao.readers import template as tmpl
from xl_jixiao.rules import check_submission

pt = time.process_time
parse = [0.0]
orig = tmpl.WorkbookSheets.__getitem__

def timed(self, name):
    t = pt()
    try:
        return orig(self, name)
    finally:
        parse[0] += pt() - t

tmpl.WorkbookSheets.__getitem__ = timed
cfg = default_config()
datas = [(f, read_once(f, cfg.limits).data) for f in sorted(glob.glob(args["dir"] + "/*.xlsx"))]
for f, d in datas[:3]:
    check_submission(read_source(f, data=d).submission, cfg)
best = [dict.fromkeys(("sheet parse", "model", "rules"), 1e9) for _ in datas]
for _ in range(args["repeat"]):
    for (f, d), low in zip(datas, best):
        parse[0] = 0.0
        t0 = pt()
        got = read_source(f, data=d)
        t1 = pt()
        check_submission(got.submission, cfg)
        t2 = pt()
        for k, v in (("sheet parse", parse[0]), ("model", t1 - t0 - parse[0]), ("rules", t2 - t1)):
            low[k] = min(low[k], v)
print(json.dumps({k: sum(low[k] for low in best) / len(datas) * 1000 for k in best[0]}))
"""


def run_round(src: Path, sample_dir: Path, repeat: int) -> dict[str, float]:
    env = dict(os.environ, PYTHONPATH=str(src))
    r = subprocess.run([sys.executable, "-c", CHILD, json.dumps({"dir": str(sample_dir), "repeat": repeat})],
                       capture_output=True, text=True, env=env, check=False)
    if r.returncode != 0:
        raise SystemExit(f"round with {src} failed:\n{r.stderr}")
    return json.loads(r.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--files", type=int, default=60)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--repeat", type=int, default=5, help="passes over all files per round (each file's lowest time is kept)")
    ap.add_argument("--compare-src", metavar="DIR", type=Path, help="another source tree, alternated with this one")
    ap.add_argument("--workdir", type=Path, help="where the samples go (default: a temporary folder)")
    a = ap.parse_args(argv)
    this = HERE.parent / "src"
    trees = [("this", this)] + ([("other", a.compare_src.resolve())] if a.compare_src else [])
    with tempfile.TemporaryDirectory() as tmp:
        sample_dir = (a.workdir or Path(tmp)) / f"stages-{a.files}"
        if not any(sample_dir.glob("*.xlsx")):
            sample_dir.mkdir(parents=True, exist_ok=True)
            code = ("import sys; from xl_jixiao.template import generate_samples; "
                    "generate_samples(sys.argv[1], int(sys.argv[2]), seed=1, defect_rate=0.3)")
            subprocess.run([sys.executable, "-c", code, str(sample_dir), str(a.files)], check=True,
                           env=dict(os.environ, PYTHONPATH=str(this)))
        results: dict[str, list[dict[str, float]]] = {name: [] for name, _ in trees}
        for i in range(a.rounds):
            for name, src in (trees if i % 2 == 0 else trees[::-1]):
                res = run_round(src, sample_dir, a.repeat)
                results[name].append(res)
                print(f"round {i + 1} {name:5s} " + "  ".join(f"{k} {res[k]:.2f}" for k in STAGES)
                      + f"  total {sum(res.values()):.2f} CPU-ms/file", flush=True)
    print("\nmedian CPU-ms per file (range over rounds)")
    print(f"{'stage':12s}" + "".join(f"{name + ' (' + str(src) + ')':>40s}" for name, src in trees))
    for k in (*STAGES, "total"):
        cells = []
        for name, _ in trees:
            vals = [sum(r.values()) if k == "total" else r[k] for r in results[name]]
            cells.append(f"{statistics.median(vals):.2f} ({min(vals):.2f}–{max(vals):.2f})")
        print(f"{k:12s}" + "".join(f"{c:>40s}" for c in cells))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
