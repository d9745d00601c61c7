"""``xl-jixiao value``: one 指标值 through the command line."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from xl_jixiao import __version__
from xl_jixiao.cli import main
from xl_jixiao.values import FLAG_LABELS


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "xl_jixiao", *args], capture_output=True, encoding="utf-8")


def test_json_through_a_subprocess():
    r = _run("value", "≥95百分比", "--json")
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    assert d["kind"] == "quantitative"
    assert d["op"] == "≥"
    assert d["number"] == "95"
    assert d["unit"] == "%"
    assert d["text"] == "≥95%"
    assert d["flags"] == ["percent_word"]
    assert d["raw"] == "≥95百分比"
    assert d["parts"] == [] and d["date"] is None and d["end"] is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("> 365天", {"kind": "quantitative", "op": "＞", "number": "365", "unit": "天", "text": "＞365天",
                     "flags": ["nonstandard_symbol", "extra_spaces"]}),
        ("< 1972000.00元", {"kind": "quantitative", "op": "＜", "number": "1972000.00", "unit": "元",
                           "text": "＜1972000.00元", "flags": ["nonstandard_symbol", "extra_spaces"]}),
        ("2023年6月至2024年5", {"kind": "period", "op": None, "number": None, "unit": None,
                              "text": "2023年6月至2024年5月", "flags": ["truncated_date"],
                              "date": "2023-06-01", "end": "2024-05-31"}),
        ("不断提升", {"kind": "qualitative", "op": None, "number": None, "unit": None, "text": "不断提升", "flags": []}),
        ("", {"kind": "empty", "text": "", "flags": []}),
    ],
)
def test_json_through_main(capsys, text, expected):
    assert main(["value", text, "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    for key, value in expected.items():
        assert d[key] == value, key


def test_merged_value_lists_its_parts(capsys):
    assert main(["value", "≤ 0.5万元 = 100%", "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["kind"] == "invalid" and "merged_values" in d["flags"]
    assert [p["text"] for p in d["parts"]] == ["≤0.5万元", "＝100%"]
    assert main(["value", "≤ 0.5万元 = 100%"]) == 0
    out = capsys.readouterr().out
    assert "无法识别" in out and "拆分为：≤0.5万元（定量）；＝100%（定量）" in out


def test_plain_table(capsys):
    assert main(["value", "≥95百分比"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].split() == ["原文", "类别", "符号", "数值", "单位", "规范写法", "说明"]
    row = lines[2].split()
    assert row[:5] == ["≥95百分比", "定量", "≥", "95", "%"]
    assert row[5] == "≥95%"
    assert lines[2].endswith(FLAG_LABELS["percent_word"])


def test_plain_table_shows_dates(capsys):
    assert main(["value", "2024年12月31日前"]) == 0
    out = capsys.readouterr().out
    assert "日期" in out and "2024年12月31日前" in out and "日期：2024-12-31" in out


def test_version():
    exe = shutil.which("xl-jixiao")
    cmd = [exe, "--version"] if exe else [sys.executable, "-m", "xl_jixiao", "--version"]
    r = subprocess.run(cmd, capture_output=True, encoding="utf-8")
    assert r.returncode == 0
    assert r.stdout.strip() == f"xl-jixiao {__version__}"


def test_missing_argument_is_explained_in_chinese(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["value"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "错误" in err and "缺少必需的参数" in err and "TEXT" in err
    r = _run("value")
    assert r.returncode == 2
    assert "缺少必需的参数" in r.stderr and r.stdout == ""
