"""A hostile module beside a workbook is never imported when a button runs.

The button's command is taken from the VBA sources exactly as the ribbon passes
it to xlwings (the bridge's SAFE_PATH prefix + the callback's command).  It
runs on xlwings' remote engine (``xw.Book(json=…)`` set as the mock caller) in
a fresh ``python -c`` process whose current folder is the inbox and whose
``sys.path`` was prepared by xlwings' own ``prepare_sys_path`` (with
ADD_WORKBOOK_TO_PYTHONPATH on and off), as desktop Excel's RunPython does.
Every module the macro imports gets a hostile twin in the inbox that records
its import.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")  # the remote engine used by this test

from xl_jixiao.excel import remote

REPO = Path(__file__).resolve().parent.parent
VBA = REPO / "vba"

HARNESS = r"""
import json, os, sys
import xlwings as xw
import xlwings.utils
args = json.loads(sys.argv[1])
book = xw.Book(json=json.load(open(args["payload"], encoding="utf-8")))
book.set_mock_caller()
os.chdir(args["cwd"])
xlwings.utils.prepare_sys_path(args["pythonpath"])
before = set(sys.modules)
exec(args["command"], {})
imported = sorted({m.split(".")[0] for m in set(sys.modules) - before})
with open(args["out"], "w", encoding="utf-8") as f:
    json.dump({"actions": book.json(), "imported": imported}, f)
"""

HOSTILE = """import os
with open(os.environ["XL_JIXIAO_HOSTILE_MARKER"], "a", encoding="utf-8") as f:
    f.write(__name__ + "\\n")
raise ImportError("hostile module " + __name__ + " was imported")
"""


def vba_string_constant(text: str, name: str) -> str:
    """The value of ``Const NAME As String = "…" & _ "…"`` in VBA source."""
    m = re.search(rf"Const {name} As String = (.*?)(?<! _)\n", text, re.DOTALL)
    assert m, name
    return "".join(s.replace('""', '"') for s in re.findall(r'"((?:[^"]|"")*)"', m.group(1)))


def button_command(macro: str) -> str:
    bridge = (VBA / "JixiaoXlwings.bas").read_text("utf-8")
    buttons = (VBA / "JixiaoButtons.bas").read_text("utf-8")
    commands = re.findall(r'RunPython "([^"]+)"', buttons)
    command = next(c for c in commands if c.endswith(f"m.{macro}()"))
    return vba_string_constant(bridge, "SAFE_PATH") + command


@pytest.fixture(scope="module")
def inbox(tmp_path_factory):
    from xl_jixiao.template import generate_samples

    d = tmp_path_factory.mktemp("inbox") / "收件箱"
    generate_samples(d, units=2, seed=5, defect_rate=0.5)
    manifest = json.loads((d / "manifest.json").read_text("utf-8"))
    (d / "manifest.json").unlink()
    return d, manifest


def run_button(inbox_dir: Path, workbook: Path, command: str, add_workbook: str, tmp: Path,
               hostile: set[str] = frozenset()) -> tuple[dict, list[str]]:
    for name in hostile:
        (inbox_dir / f"{name}.py").write_text(HOSTILE, encoding="utf-8")
    marker = tmp / "hostile-imports.txt"
    marker.unlink(missing_ok=True)
    payload = remote.payload_from_file(workbook)
    payload["book"]["name"] = str(workbook)  # desktop Excel knows where the book is
    (tmp / "payload.json").write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
    args = {
        "payload": str(tmp / "payload.json"),
        "cwd": str(inbox_dir),
        "pythonpath": f"{add_workbook};{workbook};{workbook};;;;",  # what RunPython hands over
        "command": command,
        "out": str(tmp / "out.json"),
    }
    env = dict(os.environ, XL_JIXIAO_HOSTILE_MARKER=str(marker))
    res = subprocess.run(
        [sys.executable, "-B", "-c", HARNESS, json.dumps(args), f"--wb={workbook.name}", "--from_xl=1"],
        cwd=tmp, env=env, capture_output=True, text=True, timeout=600, check=False,
    )
    for name in hostile:
        (inbox_dir / f"{name}.py").unlink()
    hits = marker.read_text("utf-8").split() if marker.exists() else []
    if res.returncode != 0:
        return {"error": res.stderr}, hits
    return json.loads((tmp / "out.json").read_text("utf-8")), hits


def measure_imports(inbox, tmp: Path, macro: str) -> set[str]:
    """Top-level modules a button imports after Python starts (measured, not listed by hand)."""
    d, manifest = inbox
    out, _ = run_button(d, d / min(manifest), button_command(macro), "false", tmp)
    assert "error" not in out, out.get("error")
    assert "xl_jixiao" in out["imported"]
    return set(out["imported"]) | {"xl_jixiao", "pandas", "numpy", "openpyxl"}


@pytest.fixture(scope="module")
def imported_by_validate(inbox, tmp_path_factory):
    return measure_imports(inbox, tmp_path_factory.mktemp("measure"), "validate")


@pytest.mark.parametrize("add_workbook", ["true", "false"])
def test_validate_imports_nothing_from_the_workbook_folder(inbox, imported_by_validate, tmp_path, add_workbook):
    d, manifest = inbox
    name = min(manifest)
    out, hits = run_button(d, d / name, button_command("validate"), add_workbook, tmp_path,
                           hostile=imported_by_validate)
    assert hits == [], f"imported from the workbook's folder: {hits}"
    assert "error" not in out, out.get("error")
    state = remote.replay(remote.payload_from_file(d / name), out["actions"])
    marked = {k for k in state.colored() if k[0] not in ("校验结果", "合计", "运行记录")}
    assert marked == {(x["sheet"], x["cell"]) for x in manifest[name]}


def test_without_the_safe_path_prefix_the_hostile_module_would_run(inbox, tmp_path):
    """Control: the planted module is on the import path RunPython prepares by default."""
    d, manifest = inbox
    plain = button_command("validate").split("; import xl_jixiao", 1)[1]
    out, hits = run_button(d, d / min(manifest), "import xl_jixiao" + plain, "true", tmp_path,
                           hostile={"xl_jixiao"})
    assert hits == ["xl_jixiao"]
    assert "hostile module xl_jixiao" in out.get("error", "")


def test_consolidate_imports_nothing_from_the_folder(inbox, tmp_path):
    d, manifest = inbox
    (tmp_path / "measure").mkdir()
    hostile = measure_imports(inbox, tmp_path / "measure", "consolidate")
    assert {"openpyxl", "sqlite3"} <= hostile  # reads workbooks, keeps a cache
    (d.parent / f"{d.name}_汇总表.xlsx").unlink()
    out, hits = run_button(d, d / min(manifest), button_command("consolidate"), "true", tmp_path, hostile=hostile)
    assert hits == []
    assert "error" not in out, out.get("error")
    assert (d.parent / f"{d.name}_汇总表.xlsx").is_file()


def test_drop_workbook_paths_keeps_installed_locations(tmp_path, monkeypatch):
    from xl_jixiao.excel.safety import drop_workbook_paths

    folder = tmp_path / "收件箱"
    folder.mkdir()
    wb = folder / "某单位.xlsx"
    wb.write_bytes(b"")

    class Book:
        name = wb.name
        fullname = str(wb)

    kept = [p for p in sys.path if p not in ("", ".")]
    monkeypatch.setattr(sys, "path", ["", str(folder), str(wb.with_suffix(".zip")), ".", *kept])
    removed = drop_workbook_paths(Book())
    assert removed == ["", str(folder), str(wb.with_suffix(".zip")), "."]
    assert sys.path == kept
