"""``xl-jixiao check`` and ``xl-jixiao rules``: reports, exit codes, samples with and without defects."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from xl_jixiao.cli import main
from xl_jixiao.readers import read_submission
from xl_jixiao.rules import all_rules, check_submission

JSON_KEYS = {"file", "sheet", "cell", "row", "project", "code", "severity", "message", "value", "suggestion"}


@pytest.fixture(scope="module")
def clean_dir(tmp_path_factory) -> tuple[Path, dict]:
    from xl_jixiao.template import generate_samples

    d = tmp_path_factory.mktemp("clean")
    return d, generate_samples(d, 4, seed=5, defect_rate=0.0)


@pytest.fixture(scope="module")
def defect_dir(tmp_path_factory) -> tuple[Path, dict]:
    from xl_jixiao.template import generate_samples

    d = tmp_path_factory.mktemp("defects")
    return d, generate_samples(d, 6, seed=9, defect_rate=0.7)


def test_clean_samples_have_no_errors_or_warnings(clean_dir):
    d, manifest = clean_dir
    for name in manifest:
        found = check_submission(read_submission(d / name))
        bad = [f"{f.code} {f.sheet}!{f.cell} {f.message}" for f in found if f.severity.value != "info"]
        assert bad == [], name


def test_injected_defects_found_at_their_cells(defect_dir):
    d, manifest = defect_dir
    assert sum(len(v) for v in manifest.values()) >= 10
    for name, entries in manifest.items():
        found = check_submission(read_submission(d / name))
        got = {(f.sheet, f.cell, f.code) for f in found}
        for e in entries:
            assert (e["sheet"], e["cell"], e["code"]) in got, (name, e)
            at = {f.code for f in found if (f.sheet, f.cell) == (e["sheet"], e["cell"]) and f.severity.value != "info"}
            assert at == {e["code"]}, (name, e, at)  # one defect, one finding
        # nothing else is an error or warning
        injected = {(e["sheet"], e["cell"]) for e in entries}
        stray = [f"{f.code} {f.sheet}!{f.cell} {f.message}" for f in found
                 if f.severity.value != "info" and (f.sheet, f.cell) not in injected]
        assert stray == [], name


def test_defect_samples_cover_every_injected_code(defect_dir):
    from xl_jixiao.template.samples import DEFECT_CODES

    _, manifest = defect_dir
    assert {e["code"] for entries in manifest.values() for e in entries} == set(DEFECT_CODES)


def test_check_text_report_and_exit_codes(clean_dir, defect_dir, capsys):
    d, manifest = clean_dir
    assert main(["check", str(d / next(iter(manifest)))]) == 0
    out = capsys.readouterr().out
    assert "校验结果：1 个文件" in out and "错误 0 个" in out

    d, manifest = defect_dir
    name = next(n for n, e in manifest.items() if e)
    assert main(["check", str(d / name)]) == 1
    out = capsys.readouterr().out
    code = manifest[name][0]["code"]
    assert code in out and "建议：" in out and "【项目：" in out


def test_check_json_output_to_file(defect_dir, tmp_path, capsys):
    d, manifest = defect_dir
    out = tmp_path / "r.json"
    rc = main(["check", str(d), "--format", "json", "-o", str(out)])
    assert rc == 1
    report = json.loads(out.read_text(encoding="utf-8"))
    data = report["findings"]
    assert {Path(x["file"]).name for x in report["files"]} == {p.name for p in d.iterdir()}  # every input
    assert data and all(JSON_KEYS <= set(x) for x in data)
    files = {Path(x["file"]).name for x in data}
    assert {n for n, e in manifest.items() if e} <= files
    assert {x["severity"] for x in data} <= {"error", "warning", "info"}


def test_check_select_and_ignore(defect_dir, capsys):
    d, manifest = defect_dir
    main(["check", str(d), "--format", "json", "--select", "JX3"])
    data = json.loads(capsys.readouterr().out)["findings"]
    assert data and all(x["code"].startswith("JX3") for x in data)
    main(["check", str(d), "--format", "json", "--ignore", "JX2,JX213", "--ignore", "JX4"])
    data = json.loads(capsys.readouterr().out)["findings"]
    assert not any(x["code"].startswith(("JX2", "JX4")) for x in data)


def test_unusable_input_exit_2_names_file(tmp_path, clean_dir, capsys):
    d, manifest = clean_dir
    bad = tmp_path / "损坏.xlsx"
    bad.write_bytes(b"PK\x03\x04 broken")
    rc = main(["check", str(bad), str(d / next(iter(manifest))), str(tmp_path / "不存在.xlsx")])
    assert rc == 2
    cap = capsys.readouterr()
    assert "损坏.xlsx" in cap.err and "不存在.xlsx" in cap.err
    assert "JX504" in cap.out


def test_not_a_template_is_unusable_without_importer(tmp_path, capsys):
    import openpyxl

    p = tmp_path / "随便.xlsx"
    wb = openpyxl.Workbook()
    wb.active["A1"] = "hello"
    wb.save(p)
    assert main(["check", str(p)]) == 2
    assert "随便.xlsx" in capsys.readouterr().err


def test_config_and_suppression_via_cli(tmp_path, capsys):
    from xl_jixiao.model import Funding, Indicator, Project, Submission
    from xl_jixiao.template import write_submission

    inds = [Indicator(level1=a, level2=b, name=n, value=v, remark=r) for a, b, n, v, r in (
        ("成本指标", "经济成本指标", "活动成本", "≤10万元", None),
        ("产出指标", "数量指标", "活动次数", "≥4次", None),
        ("产出指标", "质量指标", "合格率", "≥95%", None),
        ("产出指标", "时效指标", "完成时间", "2024年12月31日前", None),
        ("效益指标", "社会效益指标", "群众安全感", "不断提升", "忽略：JX204"),
        ("满意度指标", "服务对象满意度指标", "群众满意度", "≥90%", None))]
    sub = Submission(budget_year=2024, unit_name="某局", projects=[Project(
        name="活动项目", implementer="某局", annual_goal="开展活动，提高群众安全感", indicators=inds,
        funding=Funding(total=Decimal(20), fiscal=Decimal(20)))])
    path = tmp_path / "某局.xlsx"
    write_submission(sub, path)
    assert main(["check", str(path), "--format", "json"]) == 0
    [f] = [x for x in json.loads(capsys.readouterr().out)["findings"] if x["code"] == "JX204"]
    assert f["suppressed"] is True and f["sheet"] == "绩效指标" and f["cell"].startswith("G")
    cfg = tmp_path / "c.toml"
    cfg.write_text('[severity]\nJX204 = "error"\n', encoding="utf-8")
    assert main(["check", str(path), "--config", str(cfg)]) == 0  # suppressed errors do not fail the check
    capsys.readouterr()


def test_bad_config_is_exit_2(tmp_path, clean_dir, capsys):
    d, manifest = clean_dir
    cfg = tmp_path / "c.toml"
    cfg.write_text("[check\n", encoding="utf-8")
    assert main(["check", str(d / next(iter(manifest))), "--config", str(cfg)]) == 2
    assert "c.toml" in capsys.readouterr().err


def test_rules_command_lists_catalogue(capsys):
    assert main(["rules"]) == 0
    out = capsys.readouterr().out
    for r in all_rules():
        assert r.code in out
    assert "反例" in out and "正确做法" in out
    assert main(["rules", "JX30", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [d["code"] for d in data] == [f"JX30{i}" for i in range(1, 9)]
    assert main(["rules", "--format", "markdown"]) == 0
    assert capsys.readouterr().out.startswith("| 编码")


def test_render_text_groups_by_file_and_project():
    from xl_jixiao.model import Finding, Severity
    from xl_jixiao.report import render_text

    fs = [Finding(code="JX301", severity=Severity.ERROR, message="m1", file="a.xlsx", sheet="项目信息", cell="G3",
                  project="甲", suggestion="s1"),
          Finding(code="JX401", severity=Severity.ERROR, message="m2", file="a.xlsx", sheet="单位信息", cell="B3"),
          Finding(code="JX204", severity=Severity.WARNING, message="m3", file="a.xlsx", project="甲", suppressed=True)]
    text = render_text({"a.xlsx": fs, "b.xlsx": []})
    assert text.index("【单位信息】") < text.index("【项目：甲】")
    assert "项目信息!G3" in text and "建议：s1" in text and "（已忽略）" in text
    assert "b.xlsx" in text and "没有发现问题" in text
    assert "错误 2 个" in text and "另有已忽略 1 个" in text


def test_check_imported_form_via_cli(seed_qingyunpu, capsys):
    try:
        import xl_jixiao.readers.legacy  # noqa: F401
    except ImportError:
        pytest.skip("旧表导入模块不可用")
    assert main(["check", str(seed_qingyunpu), "--format", "json", "--ignore", "JX213"]) == 1
    data = json.loads(capsys.readouterr().out)["findings"]
    codes = [x["code"] for x in data]
    assert codes[0] == "JX503" and "JX301" in codes
    [f] = [x for x in data if x["code"] == "JX301"]
    assert f["project"] == "青云谱区综治中心提档升级采购项目" and f["severity"] == "error"
