"""A live book whose used ranges do not start at A1 (as desktop Excel reports them):
cell references, and so the marks, must stay exact."""

from __future__ import annotations

import json
import os

import pytest

os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")

from xl_jixiao.cellref import column_letter, parse_a1
from xl_jixiao.excel import live, macros, remote


def _shift(values: list[list], rows: int, cols: int) -> list[list]:
    width = max(len(r) for r in values) + cols
    out = [[""] * width for _ in range(rows)]
    out += [[""] * cols + list(r) + [""] * (width - cols - len(r)) for r in values]
    return out


def _shift_cell(a1: str, rows: int, cols: int) -> str:
    r, c = parse_a1(a1)
    return f"{column_letter(c + cols)}{r + rows}"


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    from xl_jixiao.template import generate_samples

    d = tmp_path_factory.mktemp("live")
    generate_samples(d, units=3, seed=5, defect_rate=0.5)
    manifest = json.loads((d / "manifest.json").read_text("utf-8"))
    name = max(manifest, key=lambda n: len(manifest[n]))
    return d / name, manifest[name]


def test_used_ranges_away_from_a1(sample):
    path, defects = sample
    payload = remote.payload_from_file(path)
    shift = {"绩效指标": (2, 1), "项目信息": (1, 2)}
    for s in payload["sheets"]:
        if s["name"] in shift:
            dr, dc = shift[s["name"]]
            s["values"] = _shift(s["values"], dr, dc)
            nrows, ncols = len(s["values"]), len(s["values"][0])
            # the client reports the used range; values stay anchored at A1
            s["used_range_address"] = f"{column_letter(dc + 1)}{dr + 1}:{column_letter(ncols)}{nrows}"
    book = remote.book_from_payload(payload)
    read = live.read_sheets(book)
    assert read.origins["绩效指标"] == (2, 1)
    assert read.origins["项目信息"] == (1, 2)
    assert read.origins["单位信息"] == (0, 0)

    macros.validate(book)
    state = remote.replay(payload, book.json())
    marked = {k for k in state.colored() if k[0] not in macros.OWN_SHEETS}
    expected = {(x["sheet"], _shift_cell(x["cell"], *shift.get(x["sheet"], (0, 0)))) for x in defects}
    assert marked == expected
