"""No licence key is ever set on the user's behalf; without one the remote engine says so in Chinese."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src" / "xl_jixiao"


def test_remote_engine_without_a_key_explains_and_sets_nothing(tmp_path):
    script = textwrap.dedent("""
        import os
        from xl_jixiao.errors import UserError
        from xl_jixiao.excel import remote
        payload = remote.payload_from_sheets("某单位.xlsx", [("单位信息", [["单位名称", "测试"]])])
        try:
            remote.book_from_payload(payload)
        except UserError as exc:
            print("MESSAGE", exc)
        print("KEY", os.environ.get("XLWINGS_LICENSE_KEY"))
    """)
    env = {k: v for k, v in os.environ.items() if k != "XLWINGS_LICENSE_KEY"}
    env["HOME"] = str(tmp_path)  # no ~/.xlwings/xlwings.conf with a key either
    res = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=300, check=False)
    assert res.returncode == 0, res.stderr
    assert "KEY None" in res.stdout
    message = next(line for line in res.stdout.splitlines() if line.startswith("MESSAGE"))
    assert "许可证密钥" in message and "本程序不会替您设置" in message
    assert "xlwings Lite 都不需要密钥" in message


def test_no_code_sets_the_licence_variable():
    for path in SRC.rglob("*.py"):
        text = path.read_text("utf-8")
        assert "environ.setdefault(LICENSE_ENV" not in text and 'environ["XLWINGS_LICENSE_KEY"] =' not in text, path
        assert "setdefault(\"XLWINGS_LICENSE_KEY\"" not in text, path
