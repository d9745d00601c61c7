"""What starting a command loads: the command line, the model and ``check`` stay on the standard library.

pydantic (for data that comes from outside), openpyxl, pandas, lxml, pdfplumber and the consolidation engine
are loaded by the commands that need them, not by every start.  These tests look at which modules a fresh
process has loaded; they do not time anything.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

HEAVY = ("pydantic", "pydantic_core", "openpyxl", "pandas", "numpy", "pyarrow", "lxml", "pdfplumber", "xlwings")
CONSOLIDATION = ("xl_jixiao.consolidate.engine", "xl_jixiao.consolidate.cache", "xl_jixiao.consolidate.summary",
                 "xl_jixiao.consolidate.records", "xl_jixiao.consolidate.xlsx")


def loaded(code: str) -> list[str]:
    """The heavy packages and consolidation modules a fresh interpreter has loaded after running ``code``."""
    script = code + textwrap.dedent(f"""
        import json as _json, sys as _sys
        _heavy = {HEAVY!r}
        _cons = {CONSOLIDATION!r}
        print("LOADED", _json.dumps(sorted(m for m in _sys.modules if m.split(".")[0] in _heavy or m in _cons)))
    """)
    r = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    line = next(ln for ln in r.stdout.splitlines() if ln.startswith("LOADED "))
    return json.loads(line.removeprefix("LOADED "))


def test_the_command_line_and_the_model_load_no_heavy_package():
    assert loaded("import xl_jixiao.cli, xl_jixiao.model, xl_jixiao.pipeline, xl_jixiao.config\n") == []
    assert loaded("import xl_jixiao.cli as c\nc.build_parser()\n") == []


def test_the_default_configuration_needs_no_validation_library():
    assert loaded("from xl_jixiao.config import default_config\ndefault_config().fingerprint()\n") == []


@pytest.fixture(scope="module")
def workbook(tmp_path_factory) -> Path:
    from xl_jixiao.template import generate_samples

    d = tmp_path_factory.mktemp("graph")
    return d / next(iter(generate_samples(d, 1, seed=3, defect_rate=0.5)))


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_check_of_a_workbook_loads_no_heavy_package(workbook, fmt):
    """``check`` reads the workbook in a supervised reading process and reports from this one: neither the
    validation library nor the consolidation engine is loaded here for it, and the findings are all there."""
    code = textwrap.dedent(f"""
        import contextlib, io
        from xl_jixiao.cli import main
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            code = main(["check", {str(workbook)!r}, "--format", {fmt!r}])
        assert code == 1, code
        assert "JX" in out.getvalue()
    """)
    assert loaded(code) == []


def test_a_user_configuration_file_is_validated_when_given(workbook, tmp_path):
    cfg = tmp_path / "c.toml"
    cfg.write_text('[check]\nignore = ["JX2"]\n', encoding="utf-8")
    code = f"from xl_jixiao.config import load_config\nload_config({str(cfg)!r})\n"
    assert "pydantic" in loaded(code)
