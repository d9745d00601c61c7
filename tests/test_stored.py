"""The stored form of a result (what the consolidation cache keeps): compact, exact, validated when read back."""

from __future__ import annotations

import pickle
import zlib
from decimal import Decimal

import pytest

from xl_jixiao.model import (
    CellRef,
    DeptBudget,
    Finding,
    Funding,
    Indicator,
    PlanPoint,
    Project,
    RowCells,
    Severity,
    SourceInfo,
    Submission,
)
from xl_jixiao.pipeline import FileResult, Timings, failed_result, read_and_check, skipped_result
from xl_jixiao.version import RESULT_FORMAT

PATH = "/data/收件箱/01_某单位.xlsx"


def _result(path: str = PATH) -> FileResult:
    row = {k: CellRef(file=path, sheet="绩效指标", cell=f"{c}7", row=7) for k, c in (("name", "E"), ("value", "G"))}
    mixed = {"name": CellRef(file=path, sheet="项目信息", cell="B5", row=5),
             "total": CellRef(file=path, sheet="项目信息", cell="D6", row=6),
             "code": CellRef(file="/data/别的文件.xlsx", sheet="文件清单", cell="A2", row=2),
             "period": CellRef(sheet="项目信息", cell="C5", row=5),
             "remark": CellRef(file=path, sheet=None, cell=None, row=None)}
    columns = {"name": "E", "value": "G", "note": "AB"}  # a table's column letters, shared by its rows
    edited = RowCells(path, "绩效指标", 14, columns)
    edited["value"] = CellRef(file=path, sheet="绩效指标", cell="H15", row=15)  # changed after reading
    sub = Submission(
        budget_year=2025, unit_name="某单位", unit_code="001", money_unit="元", scheme="2021",
        dept=DeptBudget(personnel=Decimal("1.50"), public=Decimal("1E+2"), invalid={"basic": "待定"},
                        indicators=[Indicator(level1="产出指标", name="覆盖率", value="≥95%", row=7, cells=row)],
                        cells={"personnel": CellRef(file=path, sheet="部门整体", cell="C4", row=4)}),
        projects=[Project(code="P01", name="甲项目", funding=Funding(money_unit="元", total=Decimal("-0.000"),
                                                                    fiscal=Decimal("12345678901234567890.123")),
                          spending_plan=[PlanPoint(label="6月底", percent=Decimal("50"), raw="50%")],
                          indicators=[Indicator(name="x", value="1", row=7, cells=dict(row)),
                                      Indicator(name="y", cells={"value": CellRef(file=path, sheet="绩效指标",
                                                                                  cell="G8", row=8),
                                                                 "name": CellRef(file=path, sheet="绩效指标",
                                                                                 cell="E9", row=9)})],
                          not_applicable=[Indicator(level1="效益指标", level2="生态效益指标", value="不适用")],
                          row=5, cells=mixed)],
        unassigned_indicators=[Indicator(project="不存在", cells={}),
                               Indicator(name="z", row=11, cells=RowCells(path, "绩效指标", 11, columns)),
                               Indicator(name="w", row=12, cells=RowCells(path, "绩效指标", 12, columns)),
                               Indicator(name="v", row=13, cells=RowCells("/data/别的文件.xlsx", "绩效指标", 13, columns)),
                               Indicator(name="u", row=14, cells=edited)],
        source=SourceInfo(path=path, kind="template", sha256="ab" * 32))
    return FileResult(path=path, display="01_某单位.xlsx", size=10, mtime_ns=2**62, sha256="ab" * 32,
                      outcome="template", reader="template", import_notes=["注意"], submission=sub,
                      findings=[Finding(code="JX301", severity=Severity.ERROR, message="资金不平衡", file=path,
                                        sheet="项目信息", cell="D6", row=6, project="甲项目", value="1.50"),
                                Finding(code="JX402", severity=Severity.INFO, message="提示", suppressed=True)],
                      timings=Timings(read=0.25, check=1e-9, total=0.3))


@pytest.mark.parametrize("path", [PATH, "bad-\udcff-name.xlsx", ""])
def test_a_stored_result_reads_back_exactly(path):
    res = _result(path)
    back = FileResult.from_bytes(res.to_bytes())
    assert back == res
    proj = back.submission.projects[0]
    assert proj.cells["code"].file == "/data/别的文件.xlsx"  # a reference to another file keeps its file
    assert proj.cells["period"].file is None
    assert str(proj.funding.total) == "-0.000" and str(back.submission.dept.public) == "1E+2"
    assert back.findings[0].severity is Severity.ERROR
    z, w, v, u = back.submission.unassigned_indicators[1:]
    assert z.cells["note"] == CellRef(file=path, sheet="绩效指标", cell="AB11", row=11)
    assert w.location("value") == CellRef(file=path, sheet="绩效指标", cell="G12", row=12)
    assert v.cells["name"].file == "/data/别的文件.xlsx"
    assert u.cells["value"].cell == "H15" and u.cells["name"].cell == "E14"


def test_results_of_every_kind_read_back_exactly(tmp_path, seed_qiannan):
    from xl_jixiao.config import default_config
    from xl_jixiao.pipeline import LiveSource
    from xl_jixiao.schemes import get_scheme
    from xl_jixiao.template import write_submission
    from xl_jixiao.template.samples import sample_submission

    sub = sample_submission(3, 0, 4, 8)
    book = tmp_path / "样例.xlsx"
    write_submission(sub, book, scheme=get_scheme(sub.scheme))
    results = [read_and_check(book), read_and_check(seed_qiannan),
               read_and_check(LiveSource("打开的.xlsx", {"单位信息": [["单位名称", "某单位"]]})),
               failed_result(str(book), "坏了", default_config(), sheet="绩效指标", cell="A1"),
               skipped_result(str(book), "汇总表", display="x")]
    assert results[0].usable and results[1].usable and len(results[0].submission.all_indicators()) >= 32
    for res in results:
        assert FileResult.from_bytes(res.to_bytes()) == res


def test_the_stored_form_names_the_file_once():
    res = _result()
    raw = zlib.decompress(res.to_bytes())
    assert raw.count("01_某单位.xlsx".encode()) <= 3  # path, display, source; not once per cell reference
    assert len(res.to_bytes()) < 1000


def _stored(data) -> bytes:
    return zlib.compress(pickle.dumps(data, pickle.HIGHEST_PROTOCOL))


def test_a_damaged_or_tampered_result_is_refused():
    from xl_jixiao.stored import encode

    good = encode(_result(), PATH)
    assert FileResult.from_bytes(_stored((RESULT_FORMAT, good))) == _result()

    def changed(fn):
        import copy

        data = copy.deepcopy(good)
        fn(data)
        return _stored((RESULT_FORMAT, data))

    bad = [
        b"not zlib", zlib.compress(b"not a pickle"), _stored((RESULT_FORMAT - 1, good)), _stored(good),
        _stored((RESULT_FORMAT, good[:-1])),  # a field missing
        _stored((RESULT_FORMAT, [*good, None])),  # a field too many
        zlib.compress(pickle.dumps((RESULT_FORMAT, Decimal(1)))),  # an object: refused before anything runs
        changed(lambda d: d.__setitem__(_names().index("outcome"), "deleted")),  # an outcome that does not exist
    ]
    sub_at = _names().index("submission")
    bad += [
        changed(lambda d: d.__setitem__(sub_at, "not a submission")),
        changed(lambda d: d[sub_at].__setitem__(0, "二〇二五")),  # budget_year that is not a number
        changed(lambda d: d[sub_at][-1].__setitem__("x", ("sheet", "A1"))),  # a cell reference of another shape
        changed(lambda d: d[_names().index("findings")][0].__setitem__(1, "fatal")),  # an unknown severity
    ]
    for blob in bad:
        with pytest.raises(ValueError):
            FileResult.from_bytes(blob)


def _names() -> list[str]:
    import dataclasses

    return [f.name for f in dataclasses.fields(FileResult)]
