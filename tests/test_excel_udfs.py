"""UDFs: called directly, and through xlwings' custom-function machinery (metadata + call)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

from xl_jixiao.excel import udfs


def test_jx_value_single_and_range():
    assert udfs.JX_VALUE(">=95百分比") == "≥95%"
    assert udfs.JX_VALUE([[">=95百分比"]]) == "≥95%"
    out = udfs.JX_VALUE([["> 365天", None], ["$\\geq 90\\%$", "= 100%"]])
    assert out == [["＞365天", ""], ["≥90%", "＝100%"]]
    assert udfs.JX_VALUE(None) == ""


def test_jx_total_money_units():
    assert udfs.JX_TOTAL([["12.8万", 1.2], ["197200元", None]]) == 12.8 + 1.2 + 19.72
    assert udfs.JX_TOTAL([["12.8万", "1,000元"]], "元") == 129000
    assert udfs.JX_TOTAL([[1, 2], [3, 4]], "万元", "元", "row") == [[0.0003], [0.0007]]
    assert udfs.JX_TOTAL([[1, 2], [3, 4]], "元", None, "column") == [[4, 6]]
    assert udfs.JX_TOTAL([[1, 2], [3, 4]], "元", "万元", "column") == [[40000, 60000]]
    assert udfs.JX_TOTAL(5) == 5
    assert "不是金额" in udfs.JX_TOTAL([["约10"]])


def test_jx_level2():
    assert udfs.JX_LEVEL2("产出指标") == [["数量指标", "质量指标", "时效指标"]]
    legacy = udfs.JX_LEVEL2([["产出指标"], ["满意度"]], "legacy")
    assert "成本指标" in legacy[0]
    assert legacy[1][0] in ("服务对象满意度指标", "社会公众或服务对象满意度指标") or legacy[1][0].startswith("（")
    assert len({len(r) for r in legacy}) == 1  # rectangular
    assert udfs.JX_LEVEL2([["效益类"]])[0][0].startswith("（")
    assert "社会效益指标" in udfs.JX_LEVEL2([["效益"]])[0]  # the short name is the category


def test_jx_check_rows():
    level1 = [["产出指标"], ["产出指标"], ["效益指标"], ["满意度指标"]]
    level2 = [["数量指标"], ["社会效益指标"], ["社会效益指标"], ["服务对象满意度指标"]]
    name = [["培训人次"], ["宣传覆盖率"], ["群众安全感"], ["群众满意度"]]
    value = [["≥95"], ["≥90%"], ["不断提升"], ["≥90%"]]
    out = udfs.JX_CHECK(level1, level2, name, value)
    assert len(out) == 4 and all(len(r) == 1 for r in out)
    assert "JX203" in out[0][0]          # no unit
    assert "JX102" in out[1][0]          # 社会效益指标 under 产出指标
    assert "JX204" in out[2][0]          # vague value
    assert out[3][0] == ""               # fine
    single = udfs.JX_CHECK("产出指标", "数量指标", "培训人次", "≥95")
    assert isinstance(single, str) and "JX203" in single


def test_through_xlwings_custom_functions(tmp_path):
    """As xlwings Server / Lite register and call them (needs the remote engine's licence key)."""
    script = textwrap.dedent("""
        import asyncio, json
        import xlwings
        from xlwings import server
        import xl_jixiao.excel.udfs as udfs

        meta = server.custom_functions_meta(udfs)
        try:  # the JavaScript glue is not shipped in every xlwings build
            code = server.custom_functions_code(udfs)
        except FileNotFoundError:
            code = None

        async def call(name, *args):
            data = {"func_name": name, "args": list(args), "version": xlwings.__version__,
                    "client": "Office.js", "caller_address": "Sheet1!A1", "formula_name": name,
                    "runtime": "1.16", "culture_info_name": "zh-CN", "date_format": "yyyy/m/d"}
            return await server.custom_functions_call(data, udfs)

        async def main():
            return {
                "value": await call("JX_VALUE", [[">=95百分比"], ["= 100%"]]),
                "value1": await call("JX_VALUE", [[">=95百分比"]]),
                "total": await call("JX_TOTAL", [["12.8万", 1.2]], [["万元"]]),
                "level2": await call("JX_LEVEL2", [["产出指标"]]),
                "check": await call("JX_CHECK", [["产出指标"]], [["数量指标"]], [["培训人次"]], [["≥95"]]),
            }

        out = asyncio.run(main())
        print(json.dumps({"meta": meta, "code": code, "out": out}, ensure_ascii=False))
    """)
    env = dict(os.environ, XLWINGS_ON_SERVER="true", XLWINGS_LICENSE_KEY="noncommercial")
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    res = json.loads(proc.stdout.strip().splitlines()[-1])
    names = {f["name"] for f in res["meta"]["functions"]}
    assert {"JX_VALUE", "JX_CHECK", "JX_TOTAL", "JX_LEVEL2"} <= names
    for f in res["meta"]["functions"]:
        assert f["result"]["dimensionality"] == "matrix"
        assert all(p["dimensionality"] == "matrix" for p in f["parameters"])
        assert f["description"]
    check = next(f for f in res["meta"]["functions"] if f["name"] == "JX_CHECK")
    assert [p.get("optional", False) for p in check["parameters"]] == [False] * 4 + [True] * 3
    if res["code"] is not None:
        assert 'CustomFunctions.associate("JX_TOTAL"' in res["code"]
    out = res["out"]
    assert out["value"] == [["≥95%"], ["＝100%"]]
    assert out["value1"] == [["≥95%"]]
    assert abs(out["total"][0][0] - 14.0) < 1e-9
    assert out["level2"] == [["数量指标", "质量指标", "时效指标"]]
    assert "JX203" in out["check"][0][0]


def test_nothing_but_the_excel_layer_needs_xlwings():
    """The core and the CLI import without xlwings; the excel package imports it lazily."""
    script = textwrap.dedent("""
        import sys
        sys.modules["xlwings"] = None  # any 'import xlwings' now raises ImportError
        import importlib, pkgutil
        import xl_jixiao
        for info in pkgutil.walk_packages(xl_jixiao.__path__, "xl_jixiao."):
            if info.name.endswith("__main__") or info.name.startswith("xl_jixiao.excel.udfs"):
                continue
            importlib.import_module(info.name)
        import xl_jixiao.excel.macros, xl_jixiao.excel.live, xl_jixiao.excel.remote, xl_jixiao.excel.udfs
        from xl_jixiao.excel import udfs
        assert udfs.JX_VALUE(">=95%") == "≥95%"
        from xl_jixiao.cli import build_parser
        build_parser()
        print("ok")
    """)
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().endswith("ok")


def test_classic_xlwings_registration_wrapper():
    """Desktop Excel (Windows): xlwings' Import Functions writes a VBA wrapper from the
    classic decorators' metadata.  COM modules are stubbed: only the text is generated."""
    script = textwrap.dedent("""
        import io, sys, types
        for name in ("pythoncom", "pywintypes", "win32com", "win32com.client"):
            sys.modules[name] = types.ModuleType(name)
        sys.modules["win32com.client"].Dispatch = None
        sys.modules["pythoncom"].CoInitialize = lambda: None
        import xlwings
        import xlwings.udfs as classic
        xlwings.func, xlwings.arg = classic.xlfunc, classic.xlarg
        import xl_jixiao.excel.udfs as udfs
        f = io.StringIO()
        classic.generate_vba_wrapper("xl_jixiao.excel.udfs", udfs, f, types.SimpleNamespace(Name="绩效目标表模板.xlsm"))
        print(f.getvalue())
    """)
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    vba = proc.stdout
    assert "Function JX_VALUE(text)" in vba
    assert "Function JX_CHECK(level1, level2, name, value, Optional unit, Optional scheme, Optional year)" in vba
    assert "Function JX_TOTAL(amounts, Optional money_unit, Optional amounts_unit, Optional by)" in vba
    assert "Function JX_LEVEL2(level1, Optional scheme)" in vba
    assert 'XLPy.CallUDF("xl_jixiao.excel.udfs", "JX_TOTAL"' in vba


def test_scripts_for_xlwings_lite_and_server(tmp_path):
    from xl_jixiao.template import generate_samples

    generate_samples(tmp_path, units=1, seed=3, defect_rate=0.5)
    sample = sorted(tmp_path.glob("*.xlsx"))[0]
    script = textwrap.dedent(f"""
        import asyncio, json
        import xlwings as xw
        from xlwings import server
        import xl_jixiao.excel.scripts as scripts
        from xl_jixiao.excel import remote

        meta = server.custom_scripts_meta(scripts)
        book = xw.Book(json=remote.payload_from_file({str(sample)!r}))
        asyncio.run(server.custom_scripts_call(scripts, "jx_validate", typehint_to_value={{xw.Book: book}}))
        funcs = [a["func"] for a in book.json()["actions"]]
        print(json.dumps({{"meta": meta, "funcs": funcs}}, ensure_ascii=False))
    """)
    env = dict(os.environ, XLWINGS_ON_SERVER="true", XLWINGS_LICENSE_KEY="noncommercial")
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    res = json.loads(proc.stdout.strip().splitlines()[-1])
    names = {m["function_name"]: m.get("name") for m in res["meta"]}
    assert names == {"jx_validate": "校验", "jx_totals": "合计", "jx_clear_marks": "清除标记",
                     "jx_consolidate": "汇总", "jx_approve": "生成批复表"}
    assert "setValues" in res["funcs"] and "addSheet" in res["funcs"]
