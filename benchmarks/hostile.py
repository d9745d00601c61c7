"""What hostile inbox files cost: wall time and peak memory of ``xl-jixiao check`` on each.

Each case runs in its own subprocess under an address-space limit (default 3 GiB), so a
regression cannot take the machine down; the figure printed is the child's peak RSS
(``getrusage(RUSAGE_CHILDREN)``).  Not a test: figures only.

    python3 benchmarks/hostile.py [--memory-gib 3]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path


def _rewrite(src: Path, dst: Path, part: str, old: bytes, new: bytes, extra: dict[str, bytes] | None = None) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == part:
                data = data.replace(old, new, 1)
            zout.writestr(info.filename, data)
        for name, data in (extra or {}).items():
            zout.writestr(name, data)
    return dst


def cases(unit: Path, d: Path) -> dict[str, Path]:
    sheet = "xl/worksheets/sheet1.xml"
    out = {"正常单位工作簿": unit}
    out["维度炸弹（XFD1048576 一个单元格）"] = _rewrite(unit, d / "dim.xlsx", sheet, b"</sheetData>",
                                                   b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>')
    out["16384 列的工作表"] = _rewrite(unit, d / "wide.xlsx", sheet, b"</sheetData>",
                                   b'<row r="2000"><c r="XFD2000"><v>1</v></c></row></sheetData>')
    bomb = d / "zipbomb.xlsx"
    shutil.copy(unit, bomb)
    with zipfile.ZipFile(bomb, "a", zipfile.ZIP_DEFLATED, compresslevel=9) as zf, \
            zf.open("xl/media/image1.bin", "w", force_zip64=True) as part:
        for _ in range(300):
            part.write(bytes(1 << 20))
    out["压缩炸弹（300 MB 零字节）"] = bomb
    sst = (b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/'
           b'main" count="1" uniqueCount="1"><si><t>' + b"A" * (2 << 20) + b"</t></si></sst>")
    out["2 MB 的共享字符串"] = _rewrite(unit, d / "sst.xlsx", "[Content_Types].xml", b"</Types>",
                                   b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.'
                                   b'openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
                                   {"xl/sharedStrings.xml": sst})
    fifo = d / "pipe.xlsx"
    os.mkfifo(fifo)
    out["命名管道 *.xlsx"] = fifo
    zero = d / "zero.xlsx"
    os.symlink("/dev/zero", zero)
    out["指向 /dev/zero 的链接"] = zero
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--memory-gib", type=float, default=3.0)
    args = ap.parse_args()
    limit = int(args.memory_gib * (1 << 30))
    from xl_jixiao.template import generate_samples

    with tempfile.TemporaryDirectory(prefix="xl-jixiao-hostile-") as tmp:
        d = Path(tmp)
        generate_samples(d / "units", 1, seed=3, workers=1)
        unit = next((d / "units").glob("*.xlsx"))
        from xl_jixiao.config import default_config
        from xl_jixiao.errors import ReadError
        from xl_jixiao.inbox import guard

        limits = default_config().limits
        print(f"{'文件':<28}{'检查(毫秒)':>10}{'退出码':>6}{'命令用时(秒)':>12}{'峰值内存(MiB)':>14}  原因")
        for label, path in cases(unit, d).items():
            t = time.perf_counter()
            try:  # the pre-parse checks alone, in this process: they never parse
                guard(path, limits)
            except ReadError:
                pass
            check_ms = (time.perf_counter() - t) * 1000
            before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
            t = time.perf_counter()
            cp = subprocess.run([sys.executable, "-m", "xl_jixiao", "check", str(path), "--format", "json"],
                                capture_output=True, timeout=600,
                                preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_AS, (limit, limit)))
            seconds = time.perf_counter() - t
            peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
            why = ""
            for line in cp.stdout.decode("utf-8", "replace").splitlines():
                if '"reason"' in line and len(line.split(":", 1)[1].strip()) > 4:
                    why = line.split(":", 1)[1].strip().strip('",')[:60]
                    break
            mem = f"{peak / 1024:.0f}" if peak > before else f"≤{before / 1024:.0f}"
            print(f"{label:<28}{check_ms:>10.1f}{cp.returncode:>6}{seconds:>12.2f}{mem:>14}  {why}")


if __name__ == "__main__":
    main()
