"""xlwings' remote engine: payloads from workbook files, and what a macro did.

The remote engine (``xw.Book(json=payload)``) is what xlwings Server, its VBA
remote client and xlwings Lite hand to Python: the client sends the workbook
as JSON (name, active sheet, names, and per sheet its values anchored at A1),
Python works on an ``xw.Book``, and ``book.json()`` returns the actions for the
client to replay (``setValues``, ``setRangeColor(s)``, ``addSheet``, …).

:func:`payload_from_file` builds the payload a client would send for a
workbook on disk; :func:`replay` applies returned actions to a simple model of
the workbook, so tests (and the demo) can see which cells were coloured, what
was written and which sheets exist.

The remote engine is part of xlwings PRO (dual-licensed: PolyForm
Noncommercial, or a commercial licence).  It runs only when its user has set a
licence key (``XLWINGS_LICENSE_KEY`` or ``xlwings license update -k …``);
this module never sets one on the user's behalf.  Desktop Excel's buttons and
worksheet functions (open-source xlwings) and xlwings Lite need no key.
"""

from __future__ import annotations

import datetime as _dt
import os
from dataclasses import dataclass, field
from pathlib import Path

from xl_jixiao.cellref import a1, parse_a1
from xl_jixiao.errors import UserError

LICENSE_ENV = "XLWINGS_LICENSE_KEY"


class RemoteEngineUnavailable(UserError):
    """xlwings' remote engine is not available (no licence key, or no xlwings)."""


LICENSE_MESSAGE = (
    "xlwings 的远程引擎（xlwings Server 及其 VBA 远程客户端所用）属于 xlwings PRO，需要许可证密钥，"
    "本程序不会替您设置。请按您的使用情况选择许可证（非商业用途可用 PolyForm Noncommercial 许可，"
    "其余需要商业许可），然后设置环境变量 XLWINGS_LICENSE_KEY 或运行 xlwings license update -k 密钥。"
    "桌面 Excel 的按钮和工作表函数、xlwings Lite 都不需要密钥。"
)


def _xlwings():
    """xlwings, imported as it is: the licence key (if any) is the user's own setting."""
    try:
        import xlwings
    except ImportError as exc:
        raise RemoteEngineUnavailable("没有安装 xlwings：请运行 pip install xlwings。") from exc
    return xlwings


def _json_value(v: object) -> object:
    if v is None:
        return ""
    if isinstance(v, _dt.datetime):
        return v.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    if isinstance(v, _dt.date):
        return _dt.datetime(v.year, v.month, v.day).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    if isinstance(v, _dt.time):
        return v.isoformat()
    if isinstance(v, bool):
        return v
    if isinstance(v, (int, float, str)):
        return v
    return str(v)


def sheets_from_file(path: str | os.PathLike) -> list[tuple[str, list[list[object]]]]:
    """Every worksheet's values from A1, as Excel would report them (cached formula results)."""
    from xl_jixiao.template.io import load_workbook_quietly as load_workbook

    wb = load_workbook(path, data_only=True, read_only=False)
    out = []
    for ws in wb.worksheets:
        rows = [[_json_value(c) for c in row] for row in ws.iter_rows(values_only=True)]
        # Trim trailing empty rows/columns like Excel's used range.
        while rows and all(v == "" for v in rows[-1]):
            rows.pop()
        width = max((max((i + 1 for i, v in enumerate(r) if v != ""), default=0) for r in rows), default=0)
        rows = [r[:width] + [""] * (width - len(r[:width])) for r in rows]
        out.append((ws.title, rows or [[]]))
    return out


def payload_from_sheets(name: str, sheets: list[tuple[str, list[list[object]]]], client: str = "VBA",
                        active: int = 0) -> dict:
    xlwings = _xlwings()
    payload = {
        "client": client,
        "version": xlwings.__version__,
        "book": {"name": name, "active_sheet_index": active, "selection": "A1"},
        "names": [],
        "sheets": [],
    }
    for sheet_name, values in sheets:
        entry: dict[str, object] = {"name": sheet_name, "values": values or [[]], "pictures": [], "tables": []}
        if client == "Office.js":
            entry.update({"visibility": "Visible", "shapes": [], "charts": [], "notes": [],
                          "show_gridlines": True, "pivot_tables": [], "print_area": None})
        payload["sheets"].append(entry)
    return payload


def payload_from_file(path: str | os.PathLike, client: str = "VBA") -> dict:
    """The JSON payload an xlwings remote client sends for the workbook at ``path``."""
    p = Path(path)
    return payload_from_sheets(p.name, sheets_from_file(p), client=client)


def book_from_payload(payload: dict):
    """An ``xw.Book`` on the remote engine; :class:`RemoteEngineUnavailable` without a licence key."""
    import copy

    xw = _xlwings()
    try:
        return xw.Book(json=copy.deepcopy(payload))  # the engine edits its payload in place
    except xw.LicenseError as exc:
        raise RemoteEngineUnavailable(LICENSE_MESSAGE) from exc


def book_from_file(path: str | os.PathLike, client: str = "VBA"):
    return book_from_payload(payload_from_file(path, client=client))


# ---------------------------------------------------------------- replaying actions

@dataclass
class SheetState:
    name: str
    values: dict[tuple[int, int], object] = field(default_factory=dict)  # 1-based
    colors: dict[tuple[int, int], str | None] = field(default_factory=dict)
    number_formats: dict[tuple[int, int], str] = field(default_factory=dict)
    hyperlinks: dict[tuple[int, int], str] = field(default_factory=dict)

    def value(self, ref: str) -> object:
        return self.values.get(cell_rc(ref))

    def rows(self) -> list[list[object]]:
        if not self.values:
            return [[]]
        nr = max(r for r, _ in self.values)
        nc = max(c for _, c in self.values)
        out: list[list[object]] = [["" for _ in range(nc)] for _ in range(nr)]
        for (r, c), v in self.values.items():
            out[r - 1][c - 1] = "" if v is None else v
        return out

    def colored(self) -> dict[str, str]:
        """A1 address → fill colour of every cell whose fill was set to a colour."""
        return {a1(r, c): v for (r, c), v in sorted(self.colors.items()) if v}


def cell_rc(ref: str) -> tuple[int, int]:
    """1-based (row, column) of a cell reference the client sent (always a valid one)."""
    rc = parse_a1(ref)
    if rc is None:
        raise ValueError(f"not a cell reference: {ref!r}")
    return rc


@dataclass
class BookState:
    name: str
    sheets: list[SheetState]
    active: int = 0
    unknown_actions: list[str] = field(default_factory=list)

    def sheet(self, name: str) -> SheetState:
        for s in self.sheets:
            if s.name == name:
                return s
        raise KeyError(name)

    def names(self) -> list[str]:
        return [s.name for s in self.sheets]

    def colored(self) -> dict[tuple[str, str], str]:
        out = {}
        for s in self.sheets:
            for a, color in s.colored().items():
                out[(s.name, a)] = color
        return out

    def to_payload(self, client: str = "VBA") -> dict:
        """The payload the client would send next time (values only: colours are not sent)."""
        return payload_from_sheets(self.name, [(s.name, s.rows()) for s in self.sheets], client=client,
                                   active=self.active)


def state_from_payload(payload: dict) -> BookState:
    sheets = []
    for s in payload["sheets"]:
        st = SheetState(s["name"])
        for r, row in enumerate(s.get("values") or [], start=1):
            for c, v in enumerate(row, start=1):
                if v not in ("", None):
                    st.values[(r, c)] = v
        sheets.append(st)
    return BookState(payload["book"]["name"], sheets, payload["book"].get("active_sheet_index", 0))


def _cells(action):
    r0, c0 = action["start_row"] + 1, action["start_column"] + 1
    for i in range(action["row_count"]):
        for j in range(action["column_count"]):
            yield i, j, (r0 + i, c0 + j)


def replay(payload: dict, actions: dict | list) -> BookState:
    """Apply the actions returned by ``book.json()`` to the workbook in ``payload``."""
    state = state_from_payload(payload)
    if isinstance(actions, dict):
        actions = actions.get("actions", [])
    for a in actions:
        func = a["func"]
        args = a.get("args") or []
        pos = a.get("sheet_position")
        if func == "addSheet":
            ix, name = args[0], args[1]
            state.sheets.insert(ix, SheetState(name))
            state.active = ix
            continue
        if func == "activateSheet":
            state.active = args[0]
            continue
        if pos is None or not 0 <= pos < len(state.sheets):  # every other action names its sheet
            state.unknown_actions.append(func)
            continue
        sheet = state.sheets[pos]
        if func == "setValues":
            for i, j, rc in _cells(a):
                v = a["values"][i][j]
                if v in ("", None):
                    sheet.values.pop(rc, None)
                else:
                    sheet.values[rc] = v
        elif func == "setRangeColor":
            for _i, _j, rc in _cells(a):
                sheet.colors[rc] = args[0]
        elif func == "setRangeColors":
            matrix = args[0]
            for i, j, rc in _cells(a):
                if matrix[i][j] != "keep":
                    sheet.colors[rc] = matrix[i][j]
        elif func == "setNumberFormat":
            for _i, _j, rc in _cells(a):
                sheet.number_formats[rc] = args[0]
        elif func == "addHyperlink":
            for _i, _j, rc in _cells(a):
                sheet.hyperlinks[rc] = args[0]
        elif func in ("rangeClearContents",):
            for _i, _j, rc in _cells(a):
                sheet.values.pop(rc, None)
        elif func == "rangeClear":
            for _i, _j, rc in _cells(a):
                sheet.values.pop(rc, None)
                sheet.colors.pop(rc, None)
                sheet.number_formats.pop(rc, None)
                sheet.hyperlinks.pop(rc, None)
        elif func == "rangeClearFormats":
            for _i, _j, rc in _cells(a):
                sheet.colors.pop(rc, None)
                sheet.number_formats.pop(rc, None)
        elif func == "setSheetName":
            sheet.name = args[0]
        elif func == "sheetDelete":
            state.sheets.remove(sheet)
        elif func == "sheetClear":
            sheet.values.clear()
            sheet.colors.clear()
            sheet.number_formats.clear()
            sheet.hyperlinks.clear()
        elif func == "sheetClearContents":
            sheet.values.clear()
        elif func == "sheetClearFormats":
            sheet.colors.clear()
            sheet.number_formats.clear()
        else:
            state.unknown_actions.append(func)
    return state


def colored_cells(payload: dict, actions: dict | list) -> dict[tuple[str, str], str]:
    """(sheet, A1) → colour of every cell a macro filled."""
    return replay(payload, actions).colored()


MACROS = ("validate", "totals", "clear_marks", "consolidate", "approve")
"""The ribbon macros a remote client may call by name."""


def run_macro(name: str, payload: dict) -> dict:
    """Run one ribbon macro on a client's payload and return the actions to replay.

    This is all an xlwings Server endpoint needs, e.g. with FastAPI::

        @app.post("/xl-jixiao/{name}")
        def endpoint(name: str, payload: dict = Body(...)):
            return run_macro(name, payload)
    """
    if name not in MACROS:
        raise ValueError(f"未知的宏：{name}（可用：{'、'.join(MACROS)}）")
    from xl_jixiao.excel import macros

    book = book_from_payload(payload)
    getattr(macros, name)(book)
    return book.json()
