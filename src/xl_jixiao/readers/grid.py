"""Every legacy source becomes a :class:`Grid`: rows of :class:`GridCell`.

One representation for workbooks (xlsx/xlsm via openpyxl, xls via python-calamine),
Word tables (.docx via python-docx), PDFs with a text layer
(:mod:`xl_jixiao.readers.pdf`) and text dumps of such tables.  The
recogniser (:mod:`xl_jixiao.readers.recognise`) only ever sees grids.

Merged cells are expanded: every cell of a merged range carries the text of the
range's top-left cell and remembers that origin (``GridCell.origin``), so a
merged 一级指标 is present on every row it spans while a label merged across
columns is still seen once (:meth:`Grid.distinct`).

Text dumps are recognised by content, not by file name:

* ``tsv``      – one table row per line, cells separated by tabs;
* ``cells``    – a Word table dump: each cell on its own line starting with a tab,
  rows separated by blank lines, empty (merged) cells as bare tab lines;
* ``markdown`` – Markdown pipe tables (OCR output), separator lines ignored.

Lines outside tables (titles, ``单位: 万元``) become one-cell rows.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from xl_jixiao.cellref import a1
from xl_jixiao.dates import date_text
from xl_jixiao.errors import ReadError
from xl_jixiao.model import CellRef
from xl_jixiao.money import float_to_decimal, plain_number

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xltx", ".xltm")
XLS_SUFFIXES = (".xls",)
DOCX_SUFFIXES = (".docx",)
PDF_SUFFIXES = (".pdf",)


@dataclass(frozen=True, slots=True)
class GridCell:
    """One cell: its text as shown, its position in the grid and in the source."""

    text: str
    row: int  # 0-based row index in the grid
    col: int  # 0-based column index in the grid
    sheet: str | None = None  # worksheet name, or 表N for a Word table
    cell: str | None = None  # A1 reference, or 第r行第c列 for Word / text sources
    line: int | None = None  # 1-based worksheet row or text line
    origin: tuple[int, int] | None = None  # top-left (row, col) of the merged range holding this cell
    value: object = None  # typed value (number, date) when the source had one

    @property
    def key(self) -> tuple[int, int]:
        """Identity of the visible cell: the merge origin, or the cell itself."""
        return self.origin or (self.row, self.col)

    @property
    def merged_copy(self) -> bool:
        return self.origin is not None and self.origin != (self.row, self.col)


@dataclass
class Grid:
    """A table-shaped view of one sheet, one Word document or one text dump."""

    source: str  # file path (as given)
    kind: str  # xlsx, xls, docx, tsv, cells, markdown
    sheet: str | None = None
    rows: list[list[GridCell]] = field(default_factory=list)

    def ref(self, cell: GridCell) -> CellRef:
        return CellRef(file=self.source, sheet=cell.sheet, cell=cell.cell, row=cell.line)

    def where(self, cell: GridCell) -> str:
        """Human location of a cell: sheet + A1, line number, or table/row/column."""
        if self.kind in ("xlsx", "xls"):
            return f"工作表「{cell.sheet}」{cell.cell}"
        if self.kind in ("docx", "pdf"):
            return f"{cell.sheet or ''}{cell.cell or ''}"
        return f"第{cell.line}行" + (f"第{cell.col + 1}格" if cell.col else "")

    def distinct(self, r: int) -> list[GridCell]:
        """Non-empty cells of row ``r``, each merged range once (at its first column in the row)."""
        out: list[GridCell] = []
        seen: set[tuple[int, int]] = set()
        for c in self.rows[r]:
            if not c.text.strip():
                continue
            k = c.key
            if c.origin is not None and k in seen:
                continue
            # a horizontal merge repeats along the row: keep the first occurrence only
            if c.origin is not None and out and out[-1].key == k:
                continue
            seen.add(k)
            out.append(c)
        return out

    def at(self, r: int, c: int) -> GridCell | None:
        if 0 <= r < len(self.rows):
            row = self.rows[r]
            if 0 <= c < len(row):
                return row[c]
        return None

    def texts(self) -> list[list[str]]:
        return [[c.text for c in row] for row in self.rows]


# ------------------------------------------------------------------ helpers
def number_text(value: object, number_format: str | None = None) -> str:
    """A typed cell value as the text a person sees (no binary float noise)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, _dt.date):
        return date_text(value)
    if isinstance(value, (int, float, Decimal)):
        try:
            d = value if isinstance(value, Decimal) else (Decimal(value) if isinstance(value, int) else float_to_decimal(value))
        except ValueError:
            return str(value)
        if number_format and "%" in number_format:
            d = d * 100
            return plain_number(d) + "%"
        return plain_number(d)
    return str(value)


# ------------------------------------------------------------------ workbooks
def _source(path: str | Path, data: bytes | None):
    """What a library should open: the bytes already read, else the file."""
    import io

    return io.BytesIO(data) if data is not None else str(path)


def grids_from_xlsx(path: str | Path, data: bytes | None = None) -> list[Grid]:
    """One grid per worksheet, merged ranges expanded, numbers shown as formatted."""
    from xl_jixiao.template.io import load_workbook_quietly

    try:
        wb = load_workbook_quietly(_source(path, data), data_only=True)
    except Exception as exc:
        raise ReadError(f"无法打开工作簿（{exc.__class__.__name__}: {exc}）", file=str(path)) from exc
    grids = []
    for ws in wb.worksheets:
        if getattr(ws, "sheet_state", "visible") != "visible":
            continue
        nrows, ncols = ws.max_row or 0, ws.max_column or 0
        if nrows == 0 or ncols == 0:
            continue
        origin: dict[tuple[int, int], tuple[int, int]] = {}
        for rng in ws.merged_cells.ranges:
            top, left = rng.min_row - 1, rng.min_col - 1
            for r in range(rng.min_row - 1, rng.max_row):
                for c in range(rng.min_col - 1, rng.max_col):
                    origin[(r, c)] = (top, left)
        values: list[list[tuple[object, str]]] = []
        for row in ws.iter_rows(min_row=1, max_row=nrows, max_col=ncols):
            vals: list[tuple[object, str]] = []
            for c in row:
                v = c.value
                if isinstance(v, str):
                    vals.append((v, v.strip()))
                else:
                    vals.append((v, number_text(v, c.number_format)))
            values.append(vals)
        grids.append(_grid_from_matrix(str(path), "xlsx", ws.title, values, origin))
    return grids


def grids_from_xls(path: str | Path, data: bytes | None = None) -> list[Grid]:
    """Old binary workbooks: xlrd (merged ranges and number formats), python-calamine as fallback."""
    try:
        return _grids_from_xls_xlrd(path, data)
    except ImportError:
        pass
    except Exception:  # noqa: BLE001 - xlrd rejects some files calamine can still read
        pass
    return _grids_from_xls_calamine(path, data)


def _grids_from_xls_xlrd(path: str | Path, data: bytes | None = None) -> list[Grid]:
    import xlrd

    book = (xlrd.open_workbook(file_contents=data, formatting_info=True) if data is not None
            else xlrd.open_workbook(str(path), formatting_info=True))
    grids = []
    for sheet in book.sheets():
        if getattr(sheet, "visibility", 0):
            continue
        origin: dict[tuple[int, int], tuple[int, int]] = {}
        nrows, ncols = sheet.nrows, sheet.ncols
        for rlo, rhi, clo, chi in sheet.merged_cells:
            nrows, ncols = max(nrows, rhi), max(ncols, chi)
            for r in range(rlo, rhi):
                for c in range(clo, chi):
                    origin[(r, c)] = (rlo, clo)
        values: list[list[tuple[object, str]]] = []
        for r in range(nrows):
            row: list[tuple[object, str]] = []
            for c in range(ncols):
                if r >= sheet.nrows or c >= sheet.ncols:
                    row.append((None, ""))
                    continue
                cell = sheet.cell(r, c)
                if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                    row.append((None, ""))
                elif cell.ctype == xlrd.XL_CELL_TEXT:
                    row.append((cell.value, cell.value.strip()))
                elif cell.ctype == xlrd.XL_CELL_DATE:
                    try:
                        v = xlrd.xldate.xldate_as_datetime(cell.value, book.datemode)
                    except Exception:  # noqa: BLE001
                        v = cell.value
                    row.append((v, number_text(v)))
                elif cell.ctype == xlrd.XL_CELL_NUMBER:
                    fmt = None
                    try:
                        xf = book.xf_list[cell.xf_index]
                        fmt = book.format_map[xf.format_key].format_str
                    except Exception:  # noqa: BLE001
                        fmt = None
                    v = int(cell.value) if float(cell.value).is_integer() else cell.value
                    row.append((v, number_text(v, fmt)))
                elif cell.ctype == xlrd.XL_CELL_BOOLEAN:
                    row.append((bool(cell.value), number_text(bool(cell.value))))
                else:
                    row.append((None, ""))
            values.append(row)
        if values:
            grids.append(_grid_from_matrix(str(path), "xls", sheet.name, values, origin))
    return grids


def _grids_from_xls_calamine(path: str | Path, data: bytes | None = None) -> list[Grid]:
    from python_calamine import CalamineWorkbook

    try:
        src = _source(path, data)
        wb = CalamineWorkbook.from_path(src) if isinstance(src, str) else CalamineWorkbook.from_filelike(src)
    except Exception as exc:
        raise ReadError(f"无法打开工作簿（{exc.__class__.__name__}: {exc}）", file=str(path)) from exc
    grids = []
    for name in wb.sheet_names:
        sheet = wb.get_sheet_by_name(name)
        rows = sheet.to_python(skip_empty_area=False)
        origin: dict[tuple[int, int], tuple[int, int]] = {}
        try:
            ranges = sheet.merged_cell_ranges or []
        except Exception:  # noqa: BLE001 - not every format reports merges
            ranges = []
        for (r0, c0), (r1, c1) in ranges:
            for r in range(r0, r1 + 1):
                for c in range(c0, c1 + 1):
                    origin[(r, c)] = (r0, c0)
        height = max([len(rows)] + [r + 1 for r, _ in origin])
        rows = [list(r) for r in rows] + [[] for _ in range(height - len(rows))]
        width = max([len(r) for r in rows] + [c + 1 for _, c in origin] + [0])
        rows = [r + [""] * (width - len(r)) for r in rows]
        values = [[(v, v.strip() if isinstance(v, str) else number_text(v if v != "" else None)) for v in row]
                  for row in rows]
        if values:
            grids.append(_grid_from_matrix(str(path), "xls", name, values, origin))
    return grids


def _grid_from_matrix(source: str, kind: str, sheet: str, values, origin) -> Grid:
    width = max((len(r) for r in values), default=0)
    grid = Grid(source=source, kind=kind, sheet=sheet)
    for r, row in enumerate(values):
        cells = []
        for c in range(width):
            raw, text = row[c] if c < len(row) else (None, "")
            o = origin.get((r, c))
            if o is not None and o != (r, c):
                # a merged range shows its top-left cell everywhere
                oraw, otext = values[o[0]][o[1]] if o[1] < len(values[o[0]]) else (None, "")
                raw, text = oraw, otext
            cells.append(GridCell(text=text, row=r, col=c, sheet=sheet, cell=a1(r + 1, c + 1), line=r + 1,
                                  origin=o, value=raw if not isinstance(raw, str) else None))
        grid.rows.append(cells)
    return grid


# ------------------------------------------------------------------ Word
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# elements whose content is shown in place: content controls, custom XML, tracked insertions/moves
_W_WRAPPERS = {_W + t for t in ("sdt", "sdtContent", "customXml", "ins", "moveTo", "smartTag", "hyperlink",
                               "fldSimple", "r", "dir", "bdo")}
# elements whose text is not shown as cell text: deletions, field codes, properties, drawings/text boxes
_W_HIDDEN = {_W + t for t in ("del", "moveFrom", "pPr", "rPr", "sdtPr", "sdtEndPr", "instrText", "delText",
                              "drawing", "pict", "object", "customXmlPr")}
_MC_ALTERNATE = "{http://schemas.openxmlformats.org/markup-compatibility/2006}AlternateContent"


def _w_children(parent, wanted: tuple[str, ...]):
    """The ``wanted`` children of a body, cell, table or row, looking through content controls and custom XML."""
    for ch in parent.iterchildren():
        tag = ch.tag
        if not isinstance(tag, str):
            continue
        if tag in wanted:
            yield ch
        elif tag in (_W + "sdt", _W + "sdtContent", _W + "customXml", _W + "ins", _W + "moveTo"):
            yield from _w_children(ch, wanted)


def _w_val(el, path: str) -> str | None:
    found = el.find(path)
    return None if found is None else found.get(_W + "val")


def _paragraph_text(p) -> str:
    """The text a paragraph shows: runs wherever they sit (content controls, tracked insertions,
    hyperlinks, fields), tabs and line breaks; not deleted text, field codes or text boxes."""
    parts: list[str] = []

    def walk(el) -> None:
        for ch in el.iterchildren():
            tag = ch.tag
            if not isinstance(tag, str) or tag in _W_HIDDEN or tag == _MC_ALTERNATE:
                continue
            if tag == _W + "t":
                parts.append(ch.text or "")
            elif tag == _W + "tab":
                parts.append("\t")
            elif tag in (_W + "br", _W + "cr"):
                if ch.get(_W + "type") in (None, "textWrapping"):
                    parts.append("\n")
            elif tag == _W + "noBreakHyphen":
                parts.append("-")
            elif tag in _W_WRAPPERS:
                walk(ch)

    walk(p)
    return "".join(parts)


def _cell_text(tc) -> str:
    """A table cell's own paragraphs (not those of tables nested in it), one line each, each line trimmed:
    the spaces people type in Word to indent or centre a line are layout, not content."""
    lines = [_paragraph_text(p).strip() for p in _w_children(tc, (_W + "p",))]
    return "\n".join(lines).strip()


@dataclass
class _WordCell:
    text: str
    origin: tuple[int, int] | None  # (row, col) in the table's matrix of the merged range holding the cell
    ref: str  # 第r行第c列, with the enclosing cell for a nested table


def _word_matrix(tbl, where: str = "") -> list[list[_WordCell]]:
    """A Word table as a matrix of layout-grid cells.

    ``w:gridSpan`` repeats a cell along its row, ``w:vMerge`` continues the cell above,
    ``w:gridBefore``/``w:gridAfter`` pad a row that starts or ends short of the grid.
    A table nested in a cell follows the row holding that cell: its rows come next,
    its columns from the holding cell's column on, and the row's other cells are
    repeated beside it as merged copies (a label such as 绩效指标 beside the nested
    indicator table then reads like a label merged down the rows of that table).
    """
    out: list[list[_WordCell]] = []
    texts: dict[tuple[int, int], str] = {}
    above: dict[int, tuple[int, int]] = {}  # grid column → origin of the previous row's cell there
    for ti, tr in enumerate(_w_children(tbl, (_W + "tr",))):
        r = len(out)
        ref = f"{where}第{ti + 1}行"
        row: list[_WordCell] = []

        def pad(n: int, row=row, ref=ref) -> None:
            for _ in range(n):
                row.append(_WordCell("", None, f"{ref}第{len(row) + 1}列"))

        pad(_int_or_zero(_w_val(tr, f"{_W}trPr/{_W}gridBefore")))
        nested: list[tuple[int, int, list]] = []
        keys: dict[int, tuple[int, int]] = {}
        for tc in _w_children(tr, (_W + "tc",)):
            c = len(row)
            span = max(1, _int_or_zero(_w_val(tc, f"{_W}tcPr/{_W}gridSpan")))
            vmerge = _merge_state(tc, "vMerge")
            hmerge = _merge_state(tc, "hMerge")  # the older horizontal merge: continuation cells of their own
            if hmerge == "continue" and c - 1 in keys:
                key = keys[c - 1]
                text = texts[key]
            elif vmerge == "continue" and c in above:
                key = above[c]
                text = texts[key]
            else:
                key = (r, c)
                text = texts[key] = _cell_text(tc)
                inner = list(_w_children(tc, (_W + "tbl",)))
                if inner:
                    nested.append((c, span, inner))
            merged = span > 1 or vmerge is not None or hmerge is not None
            for k in range(span):
                row.append(_WordCell(text, key if merged else None, f"{ref}第{c + k + 1}列"))
                keys[c + k] = key
        pad(_int_or_zero(_w_val(tr, f"{_W}trPr/{_W}gridAfter")))
        above = keys
        out.append(row)
        for c, span, inner in nested:
            for n, sub_tbl in enumerate(inner, start=1):
                base = len(out)
                label = f"{row[c].ref}内嵌表{n}" if len(inner) > 1 else f"{row[c].ref}内嵌表"
                for sub_row in _word_matrix(sub_tbl, label):
                    new = [_WordCell(x.text, x.origin or (r, j), x.ref) for j, x in enumerate(row[:c])]
                    new += [_WordCell(x.text, None if x.origin is None else (x.origin[0] + base, x.origin[1] + c), x.ref)
                            for x in sub_row]
                    new += [_WordCell(x.text, x.origin or (r, c + span + j), x.ref)
                            for j, x in enumerate(row[c + span:])]
                    out.append(new)
                for j in list(range(c)) + list(range(c + span, len(row))):  # the holding row's cells are merged now
                    if row[j].origin is None:
                        row[j] = _WordCell(row[j].text, (r, j), row[j].ref)
    return out


def _merge_state(tc, what: str) -> str | None:
    """``restart``, ``continue`` or None for a cell's w:vMerge / w:hMerge (no value means continue)."""
    el = tc.find(f"{_W}tcPr/{_W}{what}")
    return None if el is None else (el.get(_W + "val") or "continue")


def _int_or_zero(text: str | None) -> int:
    try:
        return int(text) if text else 0
    except ValueError:
        return 0


def _shifted_origin(origin: tuple[int, int] | None, first_row: int,
                    counts: dict[tuple[int, int], int]) -> tuple[int, int] | None:
    """A table's merge origin in the document's grid; cells that are not part of any merge need none."""
    if origin is None or counts.get(origin, 0) < 2:
        return None
    return (origin[0] + first_row, origin[1])


def grid_from_docx(path: str | Path, data: bytes | None = None) -> Grid:
    """Paragraphs and tables of a .docx in document order, in one grid."""
    import docx

    try:
        doc = docx.Document(_source(path, data))
    except Exception as exc:
        raise ReadError(f"无法打开 Word 文档（{exc.__class__.__name__}: {exc}）", file=str(path)) from exc
    grid = Grid(source=str(path), kind="docx")
    n_table = n_par = 0
    for child in _w_children(doc.element.body, (_W + "p", _W + "tbl")):
        if child.tag == _W + "p":
            n_par += 1
            text = _paragraph_text(child).strip()
            if text:
                r = len(grid.rows)
                grid.rows.append([GridCell(text=text, row=r, col=0, sheet=None, cell=f"段落{n_par}", line=r + 1)])
            continue
        n_table += 1
        sheet = f"表{n_table}"
        first_row = len(grid.rows)
        matrix = _word_matrix(child)
        counts: dict[tuple[int, int], int] = {}
        for row in matrix:
            for c in row:
                if c.origin is not None:
                    counts[c.origin] = counts.get(c.origin, 0) + 1
        for i, row in enumerate(matrix):
            r = first_row + i
            grid.rows.append([
                GridCell(text=c.text, row=r, col=j, sheet=sheet, cell=c.ref, line=r + 1,
                         origin=_shifted_origin(c.origin, first_row, counts))
                for j, c in enumerate(row)
            ])
    _pad(grid)
    return grid


def _replace(c: GridCell, **kw) -> GridCell:
    d = {s: getattr(c, s) for s in GridCell.__slots__}
    d.update(kw)
    return GridCell(**d)


def _pad(grid: Grid) -> None:
    width = max((len(r) for r in grid.rows), default=0)
    for r, row in enumerate(grid.rows):
        while len(row) < width:
            c = len(row)
            row.append(GridCell("", r, c, row[0].sheet if row else None, None, r + 1))


# ------------------------------------------------------------------ text dumps
_MD_SEPARATOR = re.compile(r"^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")


def detect_text_format(text: str) -> str:
    """``markdown``, ``cells`` or ``tsv`` by the shape of the lines."""
    lines = [ln for ln in text.splitlines() if ln.strip()]
    if not lines:
        return "tsv"
    md = sum(1 for ln in lines if ln.lstrip().startswith("|") and ln.rstrip().endswith("|"))
    cell_lines = sum(1 for ln in lines if ln.startswith("\t") and "\t" not in ln[1:])
    multi_tab = sum(1 for ln in lines if "\t" in ln.strip("\n") and not (ln.startswith("\t") and "\t" not in ln[1:]))
    best = max((md, "markdown"), (cell_lines, "cells"), (multi_tab, "tsv"))
    return best[1] if best[0] else "tsv"


def grid_from_text(text: str, source: str = "<text>") -> Grid:
    fmt = detect_text_format(text)
    if fmt == "markdown":
        return _grid_markdown(text, source)
    if fmt == "cells":
        return _grid_cells(text, source)
    return _grid_tsv(text, source)


def _text_row(grid: Grid, texts: list[str], line: int) -> None:
    r = len(grid.rows)
    grid.rows.append([GridCell(text=t.strip(), row=r, col=c, cell=f"第{c + 1}格", line=line) for c, t in enumerate(texts)])


def _grid_tsv(text: str, source: str) -> Grid:
    grid = Grid(source=source, kind="tsv")
    for n, ln in enumerate(text.splitlines(), start=1):
        if not ln.strip():
            continue
        _text_row(grid, ln.split("\t"), n)
    _pad(grid)
    return grid


def _grid_markdown(text: str, source: str) -> Grid:
    grid = Grid(source=source, kind="markdown")
    for n, ln in enumerate(text.splitlines(), start=1):
        s = ln.strip()
        if not s:
            continue
        if s.startswith("|"):
            if _MD_SEPARATOR.match(s):
                continue
            inner = s[1:-1] if s.endswith("|") and len(s) > 1 else s[1:]
            parts = re.split(r"(?<!\\)\|", inner)
            _text_row(grid, [p.replace("\\|", "|") for p in parts], n)
        else:
            _text_row(grid, [s.lstrip("#").strip()], n)
    _pad(grid)
    return grid


def _grid_cells(text: str, source: str) -> Grid:
    """Cell-per-line dumps: a tab starts a cell, a blank line ends a row."""
    grid = Grid(source=source, kind="cells")
    cur: list[tuple[str, int]] = []

    def flush():
        nonlocal cur
        if cur:
            r = len(grid.rows)
            grid.rows.append([GridCell(text=t.strip(), row=r, col=c, cell=f"第{c + 1}格", line=ln)
                              for c, (t, ln) in enumerate(cur)])
            cur = []

    for n, ln in enumerate(text.splitlines(), start=1):
        if not ln.strip() and not ln.startswith("\t"):
            flush()
            continue
        if ln.startswith("\t"):
            cur.append((ln[1:], n))
        elif cur:
            t, first = cur[-1]  # a cell's second paragraph
            cur[-1] = (t + "\n" + ln, first)
        else:
            _text_row(grid, [ln], n)
    flush()
    _pad(grid)
    return grid


def read_text_file(path: str | Path, data: bytes | None = None) -> str:
    if data is None:
        data = Path(path).read_bytes()
    for enc in ("utf-8-sig", "gb18030", "utf-16"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise ReadError("无法识别文本编码（支持 UTF-8、GBK/GB18030、UTF-16）", file=str(path))


# ------------------------------------------------------------------ dispatch
def load_grids(path: str | Path, data: bytes | None = None) -> list[Grid]:
    """Every grid of a legacy form file (one per worksheet; one for Word or text).

    ``data``: the file's bytes when the caller read them already (they are parsed instead of the file).
    """
    p = Path(path)
    if data is None and not p.exists():
        raise ReadError("文件不存在", file=str(path))
    suffix = p.suffix.lower()
    if suffix in WORKBOOK_SUFFIXES:
        return grids_from_xlsx(p, data)
    if suffix in XLS_SUFFIXES:
        return grids_from_xls(p, data)
    if suffix in DOCX_SUFFIXES:
        return [grid_from_docx(p, data)]
    if suffix in PDF_SUFFIXES:
        from xl_jixiao.readers.pdf import grids_from_pdf

        return grids_from_pdf(p, data)
    if suffix in (".doc", ".wps", ".et"):
        raise ReadError(f"不支持的文件格式 {suffix}：请另存为 .docx / .xlsx，或导出为文本后再导入", file=str(path))
    if data is None:
        data = p.read_bytes()
    if data[:8].startswith(b"PK\x03\x04"):
        raise ReadError("文件是压缩包格式（可能是改了扩展名的 xlsx/docx），请恢复正确的扩展名", file=str(path))
    return [grid_from_text(read_text_file(p, data), source=str(path))]
