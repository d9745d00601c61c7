"""The README's first command: the demo runs end to end on built-in data."""

import subprocess
import sys
from pathlib import Path

import pytest


@pytest.mark.slow
def test_demo_runs_end_to_end(tmp_path):
    out = tmp_path / "demo-out"
    r = subprocess.run([sys.executable, "-m", "xl_jixiao", "demo", "--out", str(out)],
                       capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    assert "演示完成" in r.stdout
    listed = [line.split("：", 1)[1].strip() for line in r.stdout.split("演示完成", 1)[1].splitlines()[1:] if "：" in line]
    assert listed, r.stdout
    for path in listed:
        assert Path(path).exists(), path
