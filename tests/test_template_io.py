"""Saved workbooks store filled-down formula columns as shared formulas, readable everywhere."""

import zipfile
from decimal import Decimal

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from xl_jixiao import layout as L
from xl_jixiao.template import build_template, write_submission, write_template
from xl_jixiao.template.build import col, table_rows
from xl_jixiao.template.io import share_formulas


def test_share_formulas_rewrites_only_matching_contiguous_runs():
    cells = "".join(f'<c r="L{r}" s="2"><f>A{r}&amp;B{r}</f><v></v></c>' for r in range(3, 7))
    cells += '<c r="L7" s="2"><f>SUM(A1:A2)</f><v></v></c>'  # changed by hand: stays as it is
    cells += '<c r="L8" s="2"><f>A8&amp;B8</f><v></v></c>'  # a run of one: ordinary formula
    xml = share_formulas(cells, [("L", 3, 100, "=A#R#&B#R#")])
    assert '<c r="L3" s="2"><f t="shared" ref="L3:L6" si="0">A3&amp;B3</f>' in xml
    for r in (4, 5, 6):
        assert f'<c r="L{r}" s="2"><f t="shared" si="0"/>' in xml
    assert '<f>SUM(A1:A2)</f>' in xml and '<f>A8&amp;B8</f>' in xml


def test_template_formula_columns_are_shared_and_read_back_in_full(tmp_path):
    path = write_template(tmp_path / "t.xlsx")
    rows = table_rows(L.INDICATORS)
    with zipfile.ZipFile(path) as z:
        part = next(n for n in z.namelist() if n.startswith("xl/worksheets/") and
                    f'<f t="shared" ref="L3:L{rows.formulas}"' in z.read(n).decode("utf-8"))
        xml = z.read(part).decode("utf-8")
    assert xml.count('t="shared"') >= 2 * (rows.formulas - rows.first + 1)
    assert len(xml) < 200_000  # formula rows for a unit's load, not for the whole capacity

    fresh = build_template()[L.SHEET_INDICATORS]
    ws = openpyxl.load_workbook(path)[L.SHEET_INDICATORS]
    for key in ("display", "check"):
        c = col(L.INDICATORS, key)
        for r in (rows.first, 77, rows.formulas):
            assert ws[f"{c}{r}"].value == fresh[f"{c}{r}"].value
    # value readers see an empty (not yet calculated) cell, as before
    rows_read = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(L.SHEET_INDICATORS).to_python()
    assert len(rows_read) <= 2


@pytest.mark.libreoffice
def test_libreoffice_calculates_shared_formulas(tmp_path, soffice):
    import subprocess

    from xl_jixiao.model import Funding, Indicator, Project, Submission
    from xl_jixiao.template import write_submission

    inds = [Indicator(level1="产出指标", level2="数量指标", name=f"培训{i}", op="≥", value=str(i + 1), unit="次")
            for i in range(3)]
    sub = Submission(unit_name="测试单位", budget_year=2025, projects=[
        Project(name="甲项目", implementer="测试单位", annual_goal="开展培训", indicators=inds,
                funding=Funding(total=Decimal(10), fiscal=Decimal(10)))])
    src = write_submission(sub, tmp_path / "in.xlsx")
    out = tmp_path / "out"
    subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path}/profile", "--headless",
                    "--convert-to", "xlsx", "--outdir", str(out), str(src)], check=True, capture_output=True, timeout=180)
    ws = openpyxl.load_workbook(out / "in.xlsx", data_only=True)[L.SHEET_INDICATORS]
    disp = col(L.INDICATORS, "display")
    assert [ws[f"{disp}{r}"].value for r in (3, 4, 5)] == ["≥1次", "≥2次", "≥3次"]


def test_user_workbooks_open_without_library_warnings(tmp_path, capfd):
    """A blank template (formula print areas) is checked and annotated without openpyxl's warnings."""
    from xl_jixiao.cli import main

    src = write_template(tmp_path / "空白模板.xlsx")
    assert main(["check", str(src), "--annotate", str(tmp_path / "标注.xlsx")]) == 1  # 单位名称 etc. are empty
    err = capfd.readouterr().err
    assert "UserWarning" not in err and "Print area" not in err
    assert (tmp_path / "标注.xlsx").exists()


def test_heavy_workbooks_of_the_earlier_template_read_the_same(tmp_path, monkeypatch):
    """Workbooks from the earlier template carry formula rows for the whole capacity (5,000 on
    绩效指标): they read and check exactly as the light ones do."""
    import random

    from xl_jixiao.pipeline import read_and_check
    from xl_jixiao.template import build
    from xl_jixiao.template.fill import filled_rows
    from xl_jixiao.template.samples import inject_defects, sample_submission

    sub = sample_submission(2, seed=3, projects=6, indicators=10)
    inject_defects(sub, 1.0, random.Random(7))
    path = tmp_path / "单位.xlsx"

    def written(margin: dict[str, int]) -> tuple[object, int]:
        monkeypatch.setattr(build, "FORMULA_MARGIN", margin)
        write_submission(sub, path)
        with zipfile.ZipFile(path) as z:
            cells = sum(z.read(n).count(b"<f") for n in z.namelist() if n.startswith("xl/worksheets/"))
        return read_and_check(path), cells

    light, light_formulas = written(dict(build.FORMULA_MARGIN))
    # the earlier template: formula rows for the whole capacity whatever the rows filled
    heavy, heavy_formulas = written({t.sheet: build.max_rows(t) - n for t, n in filled_rows(sub).items()})
    assert heavy_formulas > 2 * L.MAX_INDICATOR_ROWS > 10 * light_formulas
    assert heavy.usable and heavy.findings
    assert light.submission.source.sha256 != heavy.submission.source.sha256  # two different files …
    light.submission.source = heavy.submission.source
    assert light.submission == heavy.submission  # … with the same content
    assert light.findings == heavy.findings
