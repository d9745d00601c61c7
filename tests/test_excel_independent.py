"""Independent check: a defective workbook → remote book → 校验 → marked cells == injected defects.

Shares nothing with xl_jixiao.excel.remote: the payload is built here from
python-calamine values and the returned actions are interpreted here.
"""

from __future__ import annotations

import datetime as dt
import json
import os

import pytest

os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")


def _payload(path) -> dict:
    import python_calamine
    import xlwings

    wb = python_calamine.CalamineWorkbook.from_path(str(path))
    sheets = []
    for name in wb.sheet_names:
        rows = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
        clean = [[(v.isoformat() if isinstance(v, (dt.date, dt.datetime)) else v) for v in r] for r in rows]
        sheets.append({"name": name, "values": clean or [[]], "pictures": [], "tables": []})
    return {"client": "VBA", "version": xlwings.__version__,
            "book": {"name": path.name, "active_sheet_index": 0, "selection": "A1"},
            "names": [], "sheets": sheets}


def _letters(n: int) -> str:
    s = ""
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def _filled(payload: dict, actions: list[dict]) -> dict[tuple[str, str], str | None]:
    names = [s["name"] for s in payload["sheets"]]
    out: dict[tuple[str, str], str | None] = {}
    for a in actions:
        if a["func"] == "addSheet":
            names.insert(a["args"][0], a["args"][1])
            continue
        if a["func"] not in ("setRangeColor", "setRangeColors"):
            continue
        sheet = names[a["sheet_position"]]
        for i in range(a["row_count"]):
            for j in range(a["column_count"]):
                color = a["args"][0] if a["func"] == "setRangeColor" else a["args"][0][i][j]
                if color != "keep":
                    out[(sheet, f"{_letters(a['start_column'] + 1 + j)}{a['start_row'] + 1 + i}")] = color
    return out


@pytest.fixture(scope="module")
def defective(tmp_path_factory):
    from xl_jixiao.template import generate_samples

    d = tmp_path_factory.mktemp("defective")
    generate_samples(d, units=5, seed=2024, defect_rate=0.5)
    return d, json.loads((d / "manifest.json").read_text("utf-8"))


def test_marked_cells_are_the_manifest_defects(defective):
    import xlwings as xw

    from xl_jixiao.excel.macros import OWN_SHEETS, validate

    d, manifest = defective
    total = 0
    for name, defects in manifest.items():
        payload = _payload(d / name)
        book = xw.Book(json=json.loads(json.dumps(payload)))
        validate(book)
        actions = json.loads(json.dumps(book.json()))["actions"]
        filled = _filled(payload, actions)
        marked = {k for k, v in filled.items() if v and k[0] not in OWN_SHEETS}
        assert marked == {(x["sheet"], x["cell"]) for x in defects}, name
        total += len(defects)
    assert total > 0
