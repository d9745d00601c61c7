from decimal import Decimal

import pytest

from xl_jixiao.model import CellRef, Finding, Funding, Indicator, Project, Severity, Submission, validated


def test_indicator_value_text_joins_columns():
    assert Indicator(op="≥", value="95", unit="%").value_text() == "≥95%"
    assert Indicator(op="定性", value="良好").value_text() == "良好"
    assert Indicator(value="≥95%").value_text() == "≥95%"
    assert Indicator(value="95%", unit="%").value_text() == "95%"
    assert Indicator().value_text() == ""


def test_money_is_decimal_and_validated_at_the_boundary():
    f = validated(Funding, {"total": "192.8", "fiscal": 120})
    assert f.total == Decimal("192.8") and isinstance(f.fiscal, Decimal)
    assert f.sources_sum() == Decimal("120")
    assert validated(Funding, '{"total": "1.5", "money_unit": "元"}') == Funding(total=Decimal("1.5"), money_unit="元")
    with pytest.raises(ValueError):
        validated(Funding, {"total": "约10"})
    with pytest.raises(ValueError):
        validated(Funding, {"money_unit": "千元"})
    with pytest.raises(ValueError):  # a key the model does not have
        validated(Funding, {"totle": "1"})


def test_nested_data_from_outside_is_validated_and_typed():
    sub = validated(Submission, {"unit_name": "某单位", "projects": [
        {"name": "甲", "funding": {"total": "10"}, "cells": {"name": {"sheet": "项目信息", "cell": "B5", "row": 5}}}]})
    p = sub.projects[0]
    assert isinstance(p, Project) and p.funding.total == Decimal("10") and p.location().cell == "B5"
    f = validated(Finding, {"code": "JX301", "severity": "warning", "message": "资金不平衡"})
    assert f.severity is Severity.WARNING
    with pytest.raises(ValueError):
        validated(Submission, {"projects": [{"indicators": [{"name": "x", "level4": "y"}]}]})


def test_cells_carry_locations():
    ind = Indicator(name="完成时间", value="2014年12月31日",
                    cells={"value": CellRef(file="a.xlsx", sheet="绩效指标", cell="G12", row=12)})
    assert ind.location().cell == "G12"
    assert ind.location("value").label() == "a.xlsx / 绩效指标 / G12"


def test_submission_totals_and_listing():
    p1 = Project(name="甲", funding=Funding(total=Decimal("1.50")), indicators=[Indicator(name="x", value="1个")])
    p2 = Project(name="乙", funding=Funding(total=Decimal("2.25")))
    sub = Submission(unit_name="某单位", projects=[p1, p2], unassigned_indicators=[Indicator(name="y")])
    assert sub.project_total() == Decimal("3.75")
    assert [i.name for i in sub.all_indicators()] == ["x", "y"]


def test_finding_json_and_severity():
    f = Finding(code="JX301", severity=Severity.parse("E"), message="资金不平衡", sheet="项目信息", cell="H5", row=5)
    d = f.to_json()
    assert d["severity"] == "error" and d["code"] == "JX301" and d["cell"] == "H5"
    assert Severity.WARNING.label == "警告"
    assert Severity.parse("提示") is Severity.INFO
    with pytest.raises(ValueError):
        Severity.parse("fatal")


def test_cell_references():
    from xl_jixiao.cellref import a1, column_letter

    assert [column_letter(n) for n in (1, 26, 27, 52, 53, 702, 703, 16384)] == \
        ["A", "Z", "AA", "AZ", "BA", "ZZ", "AAA", "XFD"]
    assert a1(12, 7) == "G12"
    with pytest.raises(ValueError):
        column_letter(0)


def test_a_result_crosses_processes_pickled_unchanged():
    import pickle

    from xl_jixiao.pipeline import FileResult, Timings

    sub = Submission(unit_name="某单位", projects=[Project(
        name="甲", funding=Funding(total=Decimal("1.50")), cells={"name": CellRef(file="a.xlsx", sheet="项目信息",
                                                                                   cell="B5", row=5)},
        indicators=[Indicator(name="x", value="≥95%", cells={"value": CellRef(sheet="绩效指标", cell="G3", row=3)})])])
    res = FileResult(path="a.xlsx", outcome="template", reader="template", submission=sub, timings=Timings(total=0.1),
                     findings=[Finding(code="JX301", severity=Severity.ERROR, message="资金不平衡", cell="H5")])
    back = pickle.loads(pickle.dumps(res, pickle.HIGHEST_PROTOCOL))
    assert back == res and back.status == "退回修改"
    assert back.submission.projects[0].indicators[0].location() == CellRef(sheet="绩效指标", cell="G3", row=3)
    assert FileResult.from_bytes(res.to_bytes()) == res  # and as the JSON the cache stores


def test_a_table_rows_cells_behave_as_a_dict_of_references():
    import pickle

    from xl_jixiao.model import RowCells

    columns = {"name": "E", "value": "G"}
    cells = RowCells("a.xlsx", "绩效指标", 7, columns)
    plain = {"name": CellRef("a.xlsx", "绩效指标", "E7", 7), "value": CellRef("a.xlsx", "绩效指标", "G7", 7)}
    assert cells == plain and plain == cells and dict(cells) == plain
    assert list(cells) == ["name", "value"] and len(cells) == 2 and "value" in cells and "note" not in cells
    assert cells["value"] == plain["value"] and cells.get("note") is None and cells.get("note", 1) == 1
    assert Indicator(name="x", cells=cells).location("unit") == plain["name"]
    assert pickle.loads(pickle.dumps(cells)) == plain
    cells["note"] = CellRef("a.xlsx", "绩效指标", "K7", 7)  # a change stays with this row
    del cells["name"]
    assert list(cells) == ["value", "note"] and columns == {"name": "E", "value": "G"}
    assert RowCells("a.xlsx", "绩效指标", 8, columns)["name"].cell == "E8"
    assert pickle.loads(pickle.dumps(cells)) == cells and repr(cells).startswith("{'value': CellRef(")
