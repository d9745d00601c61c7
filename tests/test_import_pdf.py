"""Published forms as PDFs: workbooks written here, printed to PDF by headless LibreOffice, imported back."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest

from xl_jixiao.errors import ReadError
from xl_jixiao.readers.legacy import import_legacy

D = Decimal


# ------------------------------------------------------------------ the forms
@dataclass
class Form:
    """What a generated form holds, and on which workbook row each indicator sits."""

    name: str
    total: Decimal
    money_unit: str
    indicators: list[tuple[str, str, str, str]]  # level1, level2, name, value
    first_row: int  # workbook row of the first indicator
    header_row: int  # workbook row of the indicator header (printed again on every page)


def _indicators(prefix: str, n_quantity: int) -> list[tuple[str, str, str, str]]:
    rows = [("产出指标", "数量指标", f"{prefix}数量{i + 1}", f"≥{i + 1}所") for i in range(n_quantity)]
    rows += [("产出指标", "质量指标", f"{prefix}验收合格率{i + 1}", "=100%") for i in range(8)]
    rows += [("产出指标", "时效指标", f"{prefix}完成时间", "2025年12月31日前")]
    rows += [("成本指标", "经济成本指标", f"{prefix}单位成本", "≤12.5万元")]
    rows += [("效益指标", "社会效益指标", f"{prefix}受益学生{i + 1}", f"≥{1000 + i}人") for i in range(12)]
    rows += [("满意度指标", "服务对象满意度指标", f"{prefix}家长满意度", "≥90%")]
    return rows


def _write_table(ws, top: int, header: tuple[str, ...], rows: list[tuple], merge_cols: int = 2) -> int:
    """The indicator table at row ``top``: header, rows, runs of equal 一级/二级 merged; returns the next row."""
    for j, h in enumerate(header):
        ws.cell(top, j + 1, h)
    first = top + 1
    for i, row in enumerate(rows):
        for j, v in enumerate(row):
            c = ws.cell(first + i, j + 1, v)
            if isinstance(v, str) and v.startswith("="):
                c.data_type = "s"  # a value such as =100% is text, never a formula
    end = first + len(rows)
    for col in range(1, merge_cols + 1):
        r = first
        while r < end:
            e = r
            while e + 1 < end and rows[e + 1 - first][col - 1] == rows[r - first][col - 1] \
                    and (col == 1 or rows[e + 1 - first][0] == rows[r - first][0]):
                e += 1
            if e > r:
                for x in range(r + 1, e + 1):
                    ws.cell(x, col).value = None
                ws.merge_cells(start_row=r, start_column=col, end_row=e, end_column=col)
            r = e + 1
    return end


def _finish(ws, ruled_from: int, ruled_to: int, widths: tuple[int, ...], header_row: int, ruled: bool = True) -> None:
    from openpyxl.styles import Alignment, Border, Side

    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for r in range(ruled_from, ruled_to + 1):
        ws.row_dimensions[r].height = 22
    for row in ws.iter_rows(min_row=ruled_from, max_row=ruled_to, max_col=len(widths)):
        for c in row:
            if ruled:
                c.border = border
            c.alignment = Alignment(vertical="center", wrap_text=True)
    for i, w in enumerate(widths):
        ws.column_dimensions[chr(65 + i)].width = w
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.page_setup.paperSize = ws.PAPERSIZE_A4


def form_beside(path: Path) -> Form:
    """Values beside their labels, two label/value pairs on a row, the money unit in the 填报单位 line."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "项目支出"
    ws["A1"] = "某县2025年项目支出绩效目标表"
    ws.merge_cells("A1:E1")
    ws["A2"] = "填报单位：某县教育局"
    ws["E2"] = "单位：万元"
    name = "义务教育薄弱环节改善与能力提升"
    header = [
        ("项目名称", name, None, None, None),
        ("主管部门", "某县教育局", None, "实施单位", "某县第一中学"),
        ("年度资金总额", 1234.56, None, "财政拨款", 1000),
        ("上年结转", 234.56, None, "其他资金", 0),
        ("年度绩效目标", "改善薄弱学校办学条件，提升义务教育质量。", None, None, None),
    ]
    for i, row in enumerate(header, start=3):
        for j, v in enumerate(row):
            if v is not None:
                ws.cell(i, j + 1, v)
    for rng in ("B3:E3", "B4:C4", "B5:C5", "B6:C6", "B7:E7"):
        ws.merge_cells(rng)
    for ref in ("B5", "E5", "B6", "E6"):
        ws[ref].number_format = "#,##0.00"
    inds = _indicators("校舍", 30)
    end = _write_table(ws, 8, ("一级指标", "二级指标", "三级指标", "指标值", "指标值说明"), inds)
    ws.cell(end + 1, 1, "填表人：张三")
    ws.cell(end + 1, 4, "联系电话：0854-8221234")
    _finish(ws, 3, end - 1, (14, 18, 30, 16, 16), 8)
    wb.save(path)
    return Form(name, D("1234.56"), "万元", inds, first_row=9, header_row=8)


def form_unruled(path: Path) -> Form:
    """No ruling at all (read by text alignment); merged 一级/二级 cells print their text centred."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = "某区2024年项目支出绩效目标表"
    ws.merge_cells("A1:E1")
    ws["A2"] = "单位：万元"
    name = "社区养老服务补助"
    for i, row in enumerate([("项目名称", name, None, None, None),
                             ("主管部门", "某区民政局", None, "实施单位", "某区养老服务中心"),
                             ("年度资金总额", 86.5, None, "财政拨款", 86.5)], start=3):
        for j, v in enumerate(row):
            if v is not None:
                ws.cell(i, j + 1, v)
    ws["B5"].number_format = ws["E5"].number_format = "0.00"
    inds = [("产出指标", "数量指标", f"服务老人人次{i + 1}", f"≥{100 * (i + 1)}人次") for i in range(4)]
    inds += [("产出指标", "质量指标", f"服务合格率{i + 1}", "≥95%") for i in range(3)]
    inds += [("产出指标", "时效指标", "补助发放时间", "2024年12月31日前")]
    inds += [("效益指标", "社会效益指标", f"老人生活质量{i + 1}", "持续改善") for i in range(2)]
    inds += [("满意度指标", "服务对象满意度指标", "老人满意度", "≥90%")]
    end = _write_table(ws, 6, ("一级指标", "二级指标", "三级指标", "指标值", "指标值说明"), inds)
    _finish(ws, 3, end - 1, (14, 18, 30, 16, 16), 6, ruled=False)
    wb.save(path)
    return Form(name, D("86.5"), "万元", inds, first_row=7, header_row=6)


def form_below(path: Path) -> list[Form]:
    """Amounts and the goal below their labels (on the second sheet the name and units too), amounts
    in 元; two projects on two sheets (two forms in one PDF, each starting on a new page under the
    same title)."""
    import openpyxl

    wb = openpyxl.Workbook()
    forms = []
    for k, (name, total, fiscal, n) in enumerate((("农村公路日常养护", 1972000, 1500000, 28),
                                                  ("乡村客运补贴", 300000, 300000, 3))):
        ws = wb.active if k == 0 else wb.create_sheet()
        ws.title = name[:6]
        ws["A1"] = "项目支出绩效目标申报表（2025年度）"
        ws.merge_cells("A1:E1")
        ws["A2"] = "单位：元"
        if k == 0:  # name and supervisor beside their labels
            rows = [("项目名称", name, None, None, None), ("主管部门", "某县交通运输局", None, None, None)]
            merged = ["B3:E3", "B4:E4"]
        else:  # three labels on a row, their values on the row below
            rows = [("项目名称", None, "主管部门", None, "实施单位"), (name, None, "某县交通运输局", None, "某县运输站")]
            merged = ["A3:B3", "C3:D3", "A4:B4", "C4:D4"]
        rows += [
            ("年度资金总额", "财政拨款", "上年结转", "其他资金", None),
            (total, fiscal, total - fiscal, 0, None),
            ("年度绩效目标", None, None, None, None),
            (f"{name}全年任务按期完成。", None, None, None, None),
        ]
        for i, row in enumerate(rows, start=3):
            for j, v in enumerate(row):
                if v is not None:
                    c = ws.cell(i, j + 1, v)
                    if isinstance(v, int):
                        c.number_format = "#,##0.00"
        for rng in (*merged, "D5:E5", "D6:E6", "A7:E7", "A8:E8"):
            ws.merge_cells(rng)
        inds = _indicators(name[:2], n)
        end = _write_table(ws, 9, ("一级指标", "二级指标", "三级指标", "指标值", "绩效标准"), inds)
        _finish(ws, 3, end - 1, (16, 18, 30, 16, 16), 9)
        forms.append(Form(name, D(total), "元", inds, first_row=10, header_row=9))
    wb.save(path)
    return forms


# ------------------------------------------------------------------ printing them
def _cjk_font() -> None:
    """LibreOffice prints Chinese only with a Chinese font installed (.ci/run installs one)."""
    fc = shutil.which("fc-list")
    found = fc is not None and subprocess.run([fc, ":lang=zh", "family"], capture_output=True, text=True,
                                              timeout=60, check=False).stdout.strip()
    if not found:
        if os.environ.get("XL_JIXIAO_REQUIRE_SOFFICE"):
            pytest.fail("需要中文字体（如 fonts-wqy-zenhei）才能把中文表格打印为 PDF，但未找到")
        pytest.skip("未安装中文字体，LibreOffice 无法打印中文 PDF")


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory, soffice):
    """Every form of this module printed to PDF by one LibreOffice run."""
    _cjk_font()
    work = tmp_path_factory.mktemp("pdf")
    forms = {"beside": [form_beside(work / "beside.xlsx")], "below": form_below(work / "below.xlsx"),
             "unruled": [form_unruled(work / "unruled.xlsx")]}
    profile = (work / "lo-profile").resolve().as_uri()
    cmd = [soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore", "--convert-to", "pdf",
           "--outdir", str(work / "pdf"), *(str(work / f"{k}.xlsx") for k in forms)]
    subprocess.run(cmd, check=True, capture_output=True, timeout=300)
    out = {}
    for k, fs in forms.items():
        path = work / "pdf" / f"{k}.pdf"
        assert path.exists(), f"LibreOffice 未生成 {path}"
        out[k] = (path, fs)
    return out


def _page_line(ref) -> tuple[int, int]:
    assert ref.sheet.startswith("第") and ref.sheet.endswith("页"), ref
    return int(ref.sheet[1:-1]), ref.row


def _assert_form(project, form: Form) -> None:
    """Name, money and every indicator recovered; each indicator located on its page and line."""
    assert project.name == form.name
    assert project.funding.total == form.total and isinstance(project.funding.total, Decimal)
    got = [(i.level1, i.level2, i.name, i.value) for i in project.indicators]
    assert got == form.indicators
    pages: dict[int, list[int]] = {}
    for k, ind in enumerate(project.indicators):
        ref = ind.cells["value"]
        page, line = _page_line(ref)
        assert ref.cell == f"第{line}行第4列"
        assert ind.cells["name"].cell == f"第{line}行第3列"
        pages.setdefault(page, []).append((k, line))
    first_page, *later = sorted(pages)
    assert later, "the indicator table should break across pages"
    for k, line in pages[first_page]:  # the first page prints the workbook's rows one per line
        assert line == form.first_row + k
    for page in later:  # a continuation page: the repeated header is line 1, then the rows in order
        assert [line for _, line in pages[page]] == list(range(2, 2 + len(pages[page])))


# ------------------------------------------------------------------ tests
pdf_forms = pytest.mark.libreoffice


@pdf_forms
def test_values_beside_labels(pdfs):
    path, (form,) = pdfs["beside"]
    sub, report = import_legacy(path)
    assert report.unplaced == [] and report.notes == []
    assert sub.unit_name == "某县教育局"  # from 填报单位：… in the line that also holds 单位：万元
    assert sub.money_unit == "万元" and sub.budget_year == 2025
    (project,) = sub.projects
    f = project.funding
    assert (f.fiscal, f.carryover, f.other) == (D("1000"), D("234.56"), D("0"))
    assert (project.supervisor, project.implementer) == ("某县教育局", "某县第一中学")  # two pairs on a row
    assert project.annual_goal == "改善薄弱学校办学条件，提升义务教育质量。"
    assert project.cells["total"].sheet == "第1页" and project.cells["total"].cell == "第5行第2列"
    _assert_form(project, form)


@pdf_forms
def test_table_joined_across_the_page_break(pdfs):
    from xl_jixiao.readers.grid import load_grids

    path, _ = pdfs["beside"]
    (grid,) = load_grids(path)
    assert grid.kind == "pdf"
    texts = [c.text for r in range(len(grid.rows)) for c in grid.distinct(r)]
    assert texts.count("一级指标") == 1  # the header printed again on page 2 is dropped
    page2 = [row for row in grid.rows if row[0].sheet == "第2页"]
    first = page2[0]
    assert first[0].line == 2 and first[2].text.startswith("校舍")  # line 1 is the repeated header
    # the merged 一级 cell cut by the page break continues from page 1
    level1 = first[0]
    assert level1.merged_copy and level1.text == "产出指标"
    origin = grid.rows[level1.origin[0]][level1.origin[1]]
    assert origin.sheet == "第1页" and origin.text == "产出指标"
    assert grid.where(first[3]) == "第2页第2行第4列"


@pdf_forms
def test_values_below_labels_two_forms_in_元(pdfs):
    path, forms = pdfs["below"]
    sub, report = import_legacy(path)
    assert report.unplaced == [] and report.notes == []
    assert sub.money_unit == "元" and sub.budget_year == 2025
    assert [p.name for p in sub.projects] == [f.name for f in forms]
    first, second = sub.projects
    assert (first.funding.fiscal, first.funding.carryover) == (D("1500000"), D("472000"))
    assert first.annual_goal == "农村公路日常养护全年任务按期完成。"  # the goal below its label
    _assert_form(first, forms[0])
    # the second sheet starts a page of its own under the same title: a new form, not a continuation
    assert second.funding.total == forms[1].total
    assert (second.supervisor, second.implementer) == ("某县交通运输局", "某县运输站")  # values below labels
    name_page, _ = _page_line(second.cells["name"])
    assert name_page > _page_line(first.indicators[-1].cells["value"])[0]
    assert second.cells["name"].cell == "第4行第1列"  # title, 单位：元, the label row, then the name
    assert [(i.level1, i.level2, i.name, i.value) for i in second.indicators] == forms[1].indicators


@pdf_forms
def test_unruled_page_read_by_text_alignment(pdfs):
    """A page without ruling: columns from the text's alignment, centred merged levels given their rows."""
    path, (form,) = pdfs["unruled"]
    sub, report = import_legacy(path)
    assert report.unplaced == [] and report.notes == []
    (project,) = sub.projects
    assert project.name == form.name and project.implementer == "某区养老服务中心"
    assert project.funding.total == D("86.50") and project.funding.fiscal == D("86.50")
    assert [(i.level1, i.level2, i.name, i.value) for i in project.indicators] == form.indicators
    lines = [ind.cells["value"].row for ind in project.indicators]
    assert {ind.cells["value"].sheet for ind in project.indicators} == {"第1页"}
    # every printed line counts: a centred level printed between two rows is a line of its own
    assert lines[0] == form.first_row and lines == sorted(set(lines))


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "xl_jixiao", *args], capture_output=True, text=True, timeout=300,
                          check=False)


@pdf_forms
def test_cli_import_check_and_consolidate(pdfs, tmp_path):
    path, (form,) = pdfs["beside"]
    out = tmp_path / "导入.xlsx"
    r = _cli("import", str(path), "-o", str(out))
    assert r.returncode == 0, r.stderr
    assert form.name in r.stdout and "所有单元格均已识别" in r.stdout and out.exists()

    r = _cli("check", str(path), "--format", "json")
    assert r.returncode in (0, 1), r.stderr
    findings = json.loads(r.stdout)["findings"]
    sub, _ = import_legacy(path)
    where = {i.name: i.cells["value"] for i in sub.projects[0].indicators}
    odd = [f for f in findings if f["code"] == "JX213"]  # =100% written with an ASCII sign
    assert odd and {f["sheet"] for f in odd} >= {"第1页", "第2页"}
    for f in odd:
        ref = next(ref for name, ref in where.items() if f"「{name}」" in f["message"])
        assert (f["sheet"], f["cell"]) == (ref.sheet, ref.cell)
    text = _cli("check", str(path)).stdout
    assert f"{odd[-1]['sheet']}{odd[-1]['cell']}" in text  # 第2页第3行第4列

    inbox = tmp_path / "收件箱"
    inbox.mkdir()
    shutil.copy(path, inbox / "教育局.pdf")
    shutil.copy(pdfs["below"][0], inbox / "交通局.pdf")
    summary = tmp_path / "汇总表.xlsx"
    r = _cli("consolidate", str(inbox), "-o", str(summary), "--jobs", "1")
    assert r.returncode in (0, 1), r.stderr
    assert "failed=0" in r.stdout and "legacy=2" in r.stdout

    from openpyxl import load_workbook

    rows = list(load_workbook(summary, read_only=True)["项目明细"].iter_rows(values_only=True))
    names = {v for row in rows[1:] for v in row}
    assert form.name in names and "乡村客运补贴" in names


# ------------------------------------------------------------------ unusable PDFs
def _minimal_pdf(encrypt: bool = False) -> bytes:
    """A one-page PDF with a text layer; with ``encrypt``, protected by an (unknown) open password."""
    stream = b"BT /F1 12 Tf 20 100 Td (hello) Tj ET"
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R "
             b"/Resources << /Font << /F1 5 0 R >> >> >>"),
            b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    if encrypt:
        objs.append(b"<< /Filter /Standard /V 1 /R 2 /Length 40 /P -44 /O <" + b"ab" * 32 + b"> /U <"
                    + b"cd" * 32 + b"> >>")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, obj in enumerate(objs, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    trailer = b"<< /Size %d /Root 1 0 R" % (len(objs) + 1)
    if encrypt:
        trailer += b" /Encrypt %d 0 R /ID [<%s> <%s>]" % (len(objs), b"0f" * 16, b"0f" * 16)
    out += b"trailer\n" + trailer + b" >>\nstartxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


@pytest.fixture
def scanned(tmp_path) -> Path:
    """An image-only PDF, as a scanner writes it."""
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (600, 800), "white")
    draw = ImageDraw.Draw(img)
    for y in range(100, 700, 40):
        draw.line((50, y, 550, y), fill="black")
    path = tmp_path / "扫描件.pdf"
    img.save(path, "PDF", resolution=72)
    return path


def test_scanned_pdf_is_refused_in_chinese(scanned, tmp_path):
    with pytest.raises(ReadError) as err:
        import_legacy(scanned)
    assert "扫描图像" in err.value.reason and "文字层" in err.value.reason
    assert "OCR" in err.value.reason and "Excel" in err.value.reason
    for args in (("import", str(scanned), "-o", str(tmp_path / "x.xlsx")), ("check", str(scanned))):
        r = _cli(*args)
        assert r.returncode == 2, r
        assert "扫描图像" in r.stdout + r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "x.xlsx").exists()


def test_encrypted_and_corrupt_pdfs_have_their_own_messages(tmp_path):
    locked = tmp_path / "加密.pdf"
    locked.write_bytes(_minimal_pdf(encrypt=True))
    broken = tmp_path / "损坏.pdf"
    broken.write_bytes(_minimal_pdf()[:300])
    renamed = tmp_path / "不是PDF.pdf"
    renamed.write_bytes(b"PK\x03\x04" + os.urandom(500))
    with pytest.raises(ReadError) as err:
        import_legacy(locked)
    assert "密码" in err.value.reason and "扫描" not in err.value.reason
    for path in (broken, renamed):
        with pytest.raises(ReadError) as err:
            import_legacy(path)
        assert "已损坏" in err.value.reason, path
    for path, words in ((locked, "密码"), (broken, "已损坏")):
        r = _cli("import", str(path), "-o", str(tmp_path / "x.xlsx"))
        assert r.returncode == 2 and words in r.stdout + r.stderr and "Traceback" not in r.stderr


def test_a_readable_pdf_without_forms(tmp_path):
    """A text PDF that holds no form reads as text; the importer says it found no project."""
    path = tmp_path / "通知.pdf"
    path.write_bytes(_minimal_pdf())
    sub, report = import_legacy(path)
    assert not sub.projects and "没有识别出任何项目或部门整体表" in report.notes
    assert [u.text for u in report.unplaced] == ["hello"] and report.unplaced[0].where == "第1页第1行第1列"
