"""Every kind of output as it prints: rendered through headless LibreOffice to PDF, pages counted.

One LibreOffice run converts all the workbooks of this module (rendering is the slow part).
A page's first text line is its page header, the sheet's title, which tells the pages of
one sheet from the next.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from xl_jixiao import layout as L
from xl_jixiao.approve import write_approval
from xl_jixiao.cli import main
from xl_jixiao.consolidate import consolidate
from xl_jixiao.model import Finding, Severity
from xl_jixiao.pdf import to_pdf
from xl_jixiao.readers import read_submission
from xl_jixiao.report import annotate
from xl_jixiao.template import generate_samples, write_submission, write_template
from xl_jixiao.template.samples import sample_submission

pdfplumber = pytest.importorskip("pdfplumber")

A4 = {(595, 842), (842, 595)}


class Rendered:
    def __init__(self, pdf: Path):
        self.path = pdf
        with pdfplumber.open(pdf) as doc:
            self.sizes = [(round(p.width), round(p.height)) for p in doc.pages]
            self.texts = [p.extract_text() or "" for p in doc.pages]

    @property
    def headers(self) -> list[str]:
        return [t.splitlines()[0].strip() if t.strip() else "" for t in self.texts]

    def pages_per_header(self) -> Counter:
        return Counter(self.headers)


def _realistic_submission():
    """A 元 form: amounts in the tens of millions, long project names and goals."""
    sub = sample_submission(2, seed=9, projects=6, indicators=10)
    assert sub.money_unit == "元"
    for i, p in enumerate(sub.projects):
        p.name = f"黔南布依族苗族自治州{p.name}（2025—2027年中央财政衔接推进乡村振兴补助资金配套）"
        p.period = "2025—2027年"
        scale = Decimal(10 ** 7 if i % 2 else 3 * 10 ** 7)
        f = p.funding
        f.money_unit = "元"
        f.fiscal = scale + Decimal("0.45")
        f.carryover = Decimal("1234567.89")
        f.other = Decimal(0)
        f.total = f.fiscal + f.carryover
    return sub


@pytest.fixture(scope="module")
def rendered(tmp_path_factory, soffice) -> dict[str, Rendered]:
    work = tmp_path_factory.mktemp("print")
    files: dict[str, Path] = {}
    files["empty"] = write_template(work / "空模板.xlsx", "2021", None, "元")
    files["filled"] = write_submission(_realistic_submission(), work / "填报.xlsx")

    units = work / "单位"
    generate_samples(units, 6, seed=4, defect_rate=0.2, projects=4, indicators=8)
    consolidate([units], work / "汇总表.xlsx", jobs=1, use_cache=False, progress=False, issuer="某州财政局")
    files["summary"] = work / "汇总表.xlsx"

    one = min(units.glob("*.xlsx"))
    sub = read_submission(one)
    files["approval"] = write_approval(sub, work / "批复表.xlsx")

    findings = [Finding(code="JX204", severity=Severity.WARNING, sheet=L.SHEET_INDICATORS, cell=f"G{3 + i}",
                        row=3 + i, project=sub.projects[0].name, message="指标值用语笼统，年底无法判断是否达到",
                        value="不断提升", suggestion="写成可衡量的值，如 ≥95%") for i in range(10)]
    files["annotated"] = annotate(one, findings, work / "标注副本.xlsx")
    pdfs = to_pdf(files.values())
    assert [p.name for p in pdfs] == [f.with_suffix(".pdf").name for f in files.values()]
    out = {key: Rendered(pdf) for key, pdf in zip(files, pdfs)}
    out["_subs"] = sub  # type: ignore[assignment]
    out["_sizes"] = {k: f.stat().st_size for k, f in files.items()}  # type: ignore[assignment]
    out["_source_size"] = one.stat().st_size  # type: ignore[assignment]
    return out


pytestmark = pytest.mark.libreoffice


def test_every_page_is_a4_with_page_numbers(rendered):
    for key in ("empty", "filled", "summary", "approval", "annotated"):
        r = rendered[key]
        assert set(r.sizes) <= A4, (key, set(r.sizes))
        n = len(r.texts)
        assert all(f"共 {n} 页" in t for t in r.texts), key


def test_no_hash_marks_anywhere(rendered):
    """Numbers that do not fit their column print as ###: none in any output."""
    for key in ("empty", "filled", "summary", "approval", "annotated"):
        for i, text in enumerate(rendered[key].texts, start=1):
            assert "###" not in text, (key, i)


def test_empty_template_prints_a_few_pages_per_sheet(rendered):
    pages = rendered["empty"].pages_per_header()
    assert set(pages) == {"预算绩效目标表填报说明", "单位信息", "部门整体支出绩效目标", "项目信息", "绩效指标"}
    assert max(pages.values()) <= 3, pages


def test_filled_template_prints_its_rows(rendered):
    r = rendered["filled"]
    pages = r.pages_per_header()
    assert pages["项目信息"] == 2 and pages["单位信息"] == 1, pages  # two pages across, names on both
    assert pages["绩效指标"] <= 6, pages  # 60 indicator rows, not 5,000 prepared ones
    text = "\n".join(r.texts)
    assert "2025—2027年" in text
    second = [t for h, t in zip(r.headers, r.texts) if h == "项目信息"][1]
    assert "项目名称" in second and "年度绩效目标" in second


def test_summary_is_one_page_wide_and_charts_stay_whole(rendered):
    r = rendered["summary"]
    pages = r.pages_per_header()
    title = next(h for h in pages if h.endswith("预算绩效目标汇总表"))
    assert pages[title] == 1  # six units: the whole 汇总 on one landscape page
    first = r.texts[r.headers.index(title)]
    assert "编制单位：某州财政局" in first and "编制日期：" in first and "合计" in first
    assert pages["绩效目标汇总统计"] == 4  # four sections, one page each: no chart cut across pages
    assert len(r.texts) < 30


def test_each_approval_project_on_one_page(rendered):
    sub = rendered["_subs"]
    r = rendered["approval"]
    sheets = len(sub.projects) + (1 if sub.dept is not None and not sub.dept.is_empty() else 0)
    assert len(r.texts) == sheets
    assert set(r.sizes) == {(595, 842)}  # portrait A4
    for p in sub.projects:
        assert sum(p.name in t for t in r.texts) == 1, p.name


def test_ten_findings_on_one_page_and_copy_stays_compact(rendered):
    r = rendered["annotated"]
    result_pages = [h for h in r.headers if h.startswith("校验结果：")]
    assert len(result_pages) == 1
    assert rendered["_sizes"]["annotated"] <= 1.5 * rendered["_source_size"]


def test_pdf_option_writes_a_pdf_beside_the_workbook(tmp_path, soffice, capsys):
    out = tmp_path / "模板.xlsx"
    assert main(["template", "-o", str(out), "--pdf"]) == 0
    pdf = out.with_suffix(".pdf")
    assert pdf.is_file() and pdf.read_bytes().startswith(b"%PDF")
    assert "已生成 PDF" in capsys.readouterr().err
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".tmp-")]
