"""A small streaming XLSX writer for large summary workbooks.

openpyxl's write-only mode renders roughly 7,000 rows a second; a province's
summary has hundreds of thousands of indicator rows.  This writer renders rows
straight to SpreadsheetML text (inline strings, a fixed set of styles) and lets
callers append *pre-rendered* row fragments, so rows rendered once by a worker
process (and kept in the cache) are copied, not rebuilt.

Rows are written without ``r`` attributes (allowed by ECMA-376: rows and cells
follow one another), so a fragment does not depend on where it lands; every
cell, blank ones included, is written so columns stay aligned.

Rows are kept as *pieces*: raw DEFLATE data that ends on a byte boundary without
closing the stream (``Z_SYNC_FLUSH``), headed by the CRC-32 and length of the text.
Pieces compressed independently can follow one another in one zip member, so a
worksheet part is its pieces copied one after the other, never decompressed and
compressed again; the member's CRC-32 is folded from the pieces' own.

Text is always written as an inline string: nothing read from a submission can
become a formula.  Formulas are only written when a caller passes a
:class:`Formula` (with its cached value).
"""

from __future__ import annotations

import hashlib
import math
import os
import re
import struct
import tempfile
import time
import zlib
from dataclasses import dataclass
from decimal import Decimal

from xl_jixiao import deflate, printing
from xl_jixiao.cellref import column_letter
from xl_jixiao.inbox import custom_xml, shown

# ------------------------------------------------------------------ styles
# Index into cellXfs written by _styles_xml(); keep in sync.
S_DEFAULT = 0
S_HEADER = 1
S_MONEY = 2
S_INT = 3
S_LINK = 4
S_TOTAL = 5
S_TOTAL_MONEY = 6
S_TOTAL_INT = 7
S_WRAP = 8
S_TITLE = 9
S_BAD = 10  # red text (status 退回修改 / errors)
S_GOOD = 11  # green text (status 通过)
S_HEADING = 12  # a sheet's title above its table: 黑体, centred over the merged title row
S_NOTE = 13  # a line under the title (编制单位, 金额单位), no border
S_NOTE_RIGHT = 14  # the same, right-aligned (编制日期)
S_WRAP_LINK = 15  # a link in a column whose text wraps
S_CELL = 16  # a table's text cell (bordered); S_DEFAULT stays plain: it is every empty cell's format

MONEY_FORMAT = printing.MONEY_FORMAT
"""Two decimals as people read money; the cell keeps the exact amount (元 → 万元 conversions stay exact)."""

MAX_CELL_CHARS = 32767
EXCEL_MAX_ROWS = 1_048_576
EXCEL_MAX_HYPERLINKS = 65_530
"""Excel's limit of hyperlinks on one worksheet; sheets with a link per row are split before it."""

_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ESCAPED_CODE = re.compile(r"_(x[0-9A-Fa-f]{4}_)")
_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True, slots=True)
class Formula:
    """A formula written on purpose, with the value it evaluates to (stored as the cached value)."""

    text: str  # without the leading '='
    value: object = None


def xml_text(value: str, codes: bool = True) -> str:
    """Text safe for an XML text node and for Excel (no control characters, no ``_xHHHH_`` decoding).

    ``codes=False`` for names (sheet names, defined names), which readers take as written."""
    s = value
    if len(s) > MAX_CELL_CHARS:
        s = s[:MAX_CELL_CHARS]
    if not s.isprintable():
        if _ILLEGAL.search(s):
            s = _ILLEGAL.sub("", s)
        if _SURROGATE.search(s):  # a file name that is not valid UTF-8: its bytes shown as \xNN
            s = shown(s)
    if codes and "_x" in s:
        s = _ESCAPED_CODE.sub(r"_x005F_\1", s)
    if "&" in s:
        s = s.replace("&", "&amp;")
    if "<" in s:
        s = s.replace("<", "&lt;")
    if ">" in s:
        s = s.replace(">", "&gt;")
    return s


def xml_attr(value: str, codes: bool = True) -> str:
    """A double-quoted XML attribute value (``codes``: see :func:`xml_text`)."""
    s = xml_text(value, codes).replace('"', "&quot;")
    if "\n" in s or "\t" in s or "\r" in s:
        s = s.replace("\n", "&#10;").replace("\t", "&#9;").replace("\r", "&#13;")
    return f'"{s}"'


def _number(value) -> str | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            return None
        return format(value, "f")
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        return repr(value)
    return None


def _str_cell(value: str, s_attr: str) -> str:
    t = xml_text(value)
    if t[:1].isspace() or t[-1:].isspace():
        return f'<c{s_attr} t="inlineStr"><is><t xml:space="preserve">{t}</t></is></c>'
    return f'<c{s_attr} t="inlineStr"><is><t>{t}</t></is></c>'


_S_ATTR = [f' s="{i}"' if i else "" for i in range(64)]
_EMPTY = [f"<c{a}/>" for a in _S_ATTR]


def cell(value, style: int = 0) -> str:
    """One ``<c>`` element. ``None`` → an empty (possibly styled) cell; ``str`` → inline text, never a formula."""
    s_attr = _S_ATTR[style] if style < 64 else f' s="{style}"'
    if value is None or value == "":
        return f"<c{s_attr}/>"
    if isinstance(value, str):
        return _str_cell(value, s_attr)
    if isinstance(value, bool):
        return f'<c{s_attr} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, Formula):
        f = xml_text(value.text)
        num = _number(value.value)
        if num is not None:
            return f"<c{s_attr}><f>{f}</f><v>{num}</v></c>"
        if value.value is None:
            return f"<c{s_attr}><f>{f}</f></c>"
        return f'<c{s_attr} t="str"><f>{f}</f><v>{xml_text(str(value.value))}</v></c>'
    num = _number(value)
    if num is not None:
        return f"<c{s_attr}><v>{num}</v></c>"
    return _str_cell(str(value), s_attr)


def row(values, styles=None, texts: dict[tuple[str, int], str] | None = None) -> str:
    """One ``<row>``; ``styles`` is a sequence parallel to ``values`` (or None).

    ``texts``: text cells already rendered, by (text, style), shared by the rows of one batch (a unit's
    name, its file and the categories repeat on every row of its detail).
    """
    out = ["<row>"]
    add = out.append
    if styles is None:
        styles = _ZEROS
    if texts is None:
        texts = {}
    for v, st in zip(values, styles):
        t = type(v)
        if st >= 64:
            add(cell(v, st))
        elif t is str:
            if not v:
                add(_EMPTY[st])
                continue
            done = texts.get((v, st))
            if done is None:
                done = texts[v, st] = _str_cell(v, _S_ATTR[st])
            add(done)
        elif v is None:
            add(_EMPTY[st])
        elif t is int:
            add(f"<c{_S_ATTR[st]}><v>{v}</v></c>")
        else:
            add(cell(v, st))
    out.append("</row>")
    return "".join(out)


_ZEROS = (0,) * 16384


class RowRenderer:
    """Rows of one table rendered as :func:`row` renders them, as UTF-8 (byte for byte the same), faster:
    each column remembers its text and whole-number cells (a file's detail repeats its unit, file, categories
    and units on every row, files share categories, units and common values, and row numbers repeat from
    file to file), so a cell seen before costs one lookup, and the rows are joined once.  Only text, ``None``
    and ints are remembered; a remembered int stands for that int only (``True``, ``1.0`` and ``Decimal(1)``
    are equal keys but different cells: in a column holding remembered ints they are rendered again by
    :func:`row`'s rules, like any other value).  A column remembering more than ``remember`` cells starts
    again (memory stays bounded however many files one renderer serves).  Styles are below 64 (the fixed
    style sheet's)."""

    __slots__ = ("_styles", "_known", "_empty", "_remember", "_numbers")

    def __init__(self, styles: list[int], remember: int = 4096):
        for st in styles:
            if not 0 <= st < 64:
                raise ValueError(f"style {st} is not one of the fixed style sheet's")
        self._styles = styles
        self._empty = [_EMPTY[st].encode() for st in styles]
        self._known: list[dict[object, bytes]] = [{None: e, "": e} for e in self._empty]
        self._remember = remember + 2
        self._numbers: list[int] = []  # the columns whose remembered cells include ints

    def table(self, rows) -> bytes:
        """``rows`` (each a sequence of values in the order of the styles) one after the other."""
        known = self._known
        styles = self._styles
        numbers = self._numbers
        out: list[bytes] = []
        add = out.append
        extend = out.extend
        for values in rows:
            try:
                cells: list[bytes | None] = list(map(dict.get, known, values))
            except TypeError:  # a value that cannot be a key (never one of the model's)
                add(row(values, styles).encode("utf-8", "replace"))
                continue
            for n in numbers:  # a value equal to a remembered int but not an int is rendered again
                if n < len(cells) and (t := type(values[n])) is not int and t is not str and t is not _NONE:
                    cells[n] = None
            missing = cells.count(None)
            n = 0
            while missing:  # cells not seen before
                missing -= 1
                n = cells.index(None, n)
                v = values[n]
                st = styles[n]
                t = type(v)
                if t is str or t is int:
                    seen = known[n]
                    if len(seen) >= self._remember:
                        seen.clear()
                        seen[None] = seen[""] = self._empty[n]
                    if t is not str:
                        if n not in numbers:
                            numbers.append(n)
                        cells[n] = seen[v] = f"<c{_S_ATTR[st]}><v>{v}</v></c>".encode()
                    elif len(v) <= MAX_CELL_CHARS and v.isprintable() and v[0] != " " and v[-1] != " " \
                            and "&" not in v and "<" not in v and ">" not in v and "_x" not in v:
                        # nothing for xml_text to change (printable: no control characters, surrogates or
                        # other spaces) and no space at either end: the text as it is
                        cells[n] = seen[v] = f'<c{_S_ATTR[st]} t="inlineStr"><is><t>{v}</t></is></c>'.encode()
                    else:
                        cells[n] = seen[v] = _str_cell(v, _S_ATTR[st]).encode("utf-8", "replace")
                elif t is Decimal and v.is_finite():  # as cell() writes it
                    cells[n] = f"<c{_S_ATTR[st]}><v>{v:f}</v></c>".encode()
                else:
                    cells[n] = cell(v, st).encode("utf-8", "replace")
            add(b"<row>")
            extend(cells)  # type: ignore[arg-type]  # every cell is filled in
            add(b"</row>")
        return b"".join(out)


_NONE = type(None)


def quote_sheet(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


# ------------------------------------------------------------------ sheets


@dataclass
class Column:
    header: str
    width: float = 12
    style: int = S_CELL


@dataclass
class _Chart:
    xml: bytes
    anchor: tuple[int, int, int, int]  # from col, from row, to col, to row (0-based)


class Sheet:
    """A worksheet being streamed. Rows go to a temporary file as compressed chunks."""

    CHUNK_ROWS = 2000
    CHUNK_CHARS = 1 << 17
    """Rows are packed every ``CHUNK_ROWS`` rows or, for long rows, every ``CHUNK_CHARS`` characters (the rows
    waiting to be packed stay small whatever the sheet)."""

    def __init__(self, book: XlsxWriter, name: str, columns: list[Column] | None = None,
                 freeze_rows: int = 0, autofilter: bool = False, header_row: int = 1):
        self.book = book
        self.name = name
        self.columns = columns or []
        self.freeze_rows = freeze_rows
        self.autofilter = autofilter
        self.header_row = header_row
        self.nrows = 0
        self.filter_last_row: int | None = None  # autofilter stops here (e.g. above a totals row)
        # external links are rendered as they are added and kept packed: their <hyperlink> elements and,
        # one per distinct target, their relationships (numbered rId1, rId2, … in order of first use)
        self.n_hyperlinks = 0
        self._links = _Packed()
        self._link_rels = _Packed()
        self._targets: dict[bytes, int] = {}  # a target's digest → its relationship number
        self.internal_links: list[tuple[str, str]] = []  # (ref, location)
        self.charts: list[_Chart] = []
        self.merges: list[str] = []  # A1 ranges
        self.page: printing.PageSetup | None = None  # how the sheet prints
        self.grid_lines = True  # shown on screen
        self.tab_color: str | None = None  # RRGGBB
        self._pending: list[str] = []
        self._pending_chars = 0
        self.text_bytes = 0  # the rows' text and its compressed size, over every piece spooled so far
        self.packed_bytes = 0
        self._spool_file = None  # created when rows outgrow memory: a workbook of many small sheets opens none
        self._styles = [c.style for c in self.columns] if self.columns else None

    # -- rows
    def append(self, values, styles=None, height: float | None = None) -> int:
        """Append one row (``height`` in points, for wrapped text); returns its 1-based row number."""
        if styles is None:
            styles = self._styles
        text = row(values, styles)
        if height is not None:
            text = f'<row ht="{height:g}" customHeight="1">' + text[len("<row>"):]
        self._pending.append(text)
        self._pending_chars += len(text)
        self.nrows += 1
        if len(self._pending) >= self.CHUNK_ROWS or self._pending_chars >= self.CHUNK_CHARS:
            self._flush()
        return self.nrows

    def append_header(self) -> None:
        """The columns' headers, the row tall enough for the longest one to wrap into."""
        lines = max((printing.lines_needed(c.header, c.width) for c in self.columns), default=1)
        self.append([c.header for c in self.columns], [S_HEADER] * len(self.columns),
                    height=printing.row_height(lines) if lines > 1 else None)

    def append_fragment(self, piece: bytes, nrows: int) -> int:
        """Append rows rendered elsewhere (a piece, see :func:`compress_rows`); returns the first row number."""
        self._flush()
        first = self.nrows + 1
        if nrows:
            self._add_piece(piece)
            self.nrows += nrows
        return first

    def add_hyperlink(self, row_no: int, col: int, target: str, tooltip: str | None = None) -> None:
        if self.n_hyperlinks >= EXCEL_MAX_HYPERLINKS:
            return  # Excel would refuse the sheet; the text stays, the link is dropped
        self.n_hyperlinks += 1
        key = hashlib.blake2b(target.encode("utf-8", "surrogatepass"), digest_size=16).digest()
        n = self._targets.get(key)
        if n is None:
            n = self._targets[key] = len(self._targets) + 1
            self._link_rels.add(f'<Relationship Id="rId{n}" Type="http://schemas.openxmlformats.org/officeDocument/'
                                f'2006/relationships/hyperlink" Target={xml_attr(target)} TargetMode="External"/>',
                                self.book.compresslevel)
        tip_attr = f" tooltip={xml_attr(tooltip)}" if tooltip else ""
        self._links.add(f'<hyperlink ref="{column_letter(col)}{row_no}" r:id="rId{n}"{tip_attr}/>',
                        self.book.compresslevel)

    def add_internal_link(self, row_no: int, col: int, location: str) -> None:
        self.internal_links.append((f"{column_letter(col)}{row_no}", location))

    def add_chart(self, chart_xml: bytes, anchor: tuple[int, int, int, int]) -> None:
        self.charts.append(_Chart(chart_xml, anchor))

    def merge(self, first_row: int, first_col: int, last_row: int, last_col: int) -> None:
        self.merges.append(f"{column_letter(first_col)}{first_row}:{column_letter(last_col)}{last_row}")

    @property
    def _spool(self):
        if self._spool_file is None:
            self._spool_file = tempfile.TemporaryFile(dir=self.book.tmp_dir)
        return self._spool_file

    def _add_piece(self, piece: bytes) -> None:
        text_len, packed_len = piece_sizes(piece)
        self._spool.write(_LEN.pack(len(piece)))
        self._spool.write(piece)
        self.text_bytes += text_len
        self.packed_bytes += packed_len

    def _flush(self) -> None:
        if self._pending:
            self._add_piece(compress_rows(self._pending, self.book.compresslevel))
            self._pending.clear()
            self._pending_chars = 0

    def _pieces(self):
        """The sheet's rows as pieces, in order (read back from the spool one at a time)."""
        self._flush()
        if self._spool_file is None:
            return
        spool = self._spool
        spool.seek(0)
        while True:
            head = spool.read(_LEN.size)
            if not head:
                break
            yield spool.read(_LEN.unpack(head)[0])

    def close(self) -> None:
        if self._spool_file is not None:
            self._spool_file.close()

    # -- xml
    def _head(self, rels: dict[tuple[str, ...], str]) -> bytes:
        parts = [
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">',
            printing.sheet_properties_xml(self.page, self.tab_color),
        ]
        if self.columns and self.nrows:
            parts.append(f'<dimension ref="A1:{column_letter(len(self.columns))}{self.nrows}"/>')
        parts.append('<sheetViews><sheetView workbookViewId="0"')
        if not self.grid_lines:
            parts.append(' showGridLines="0"')
        if self.book.active_sheet is self:
            parts.append(' tabSelected="1"')
        if self.freeze_rows:
            top = f"A{self.freeze_rows + 1}"
            parts.append(f'><pane ySplit="{self.freeze_rows}" topLeftCell="{top}" activePane="bottomLeft" '
                         f'state="frozen"/><selection pane="bottomLeft" activeCell="{top}" sqref="{top}"/>'
                         "</sheetView></sheetViews>")
        else:
            parts.append("/></sheetViews>")
        parts.append('<sheetFormatPr defaultRowHeight="14.25"/>')
        if self.columns:
            parts.append("<cols>")
            for i, c in enumerate(self.columns, start=1):
                parts.append(f'<col min="{i}" max="{i}" width="{c.width}" customWidth="1"/>')
            parts.append("</cols>")
        parts.append("<sheetData>")
        return "".join(parts).encode("utf-8")

    def _tail(self, rels: dict[tuple[str, ...], str]) -> list[bytes]:
        """The end of the sheet as pieces (its external links' relationships are the sheet's own, see
        :meth:`_rel_pieces`; a drawing's is added to ``rels``)."""
        level = self.book.compresslevel
        parts = ["</sheetData>"]
        if self.autofilter and self.columns and self.nrows >= self.header_row:
            parts.append(f'<autoFilter ref="{self.filter_ref()}"/>')
        if self.merges:
            parts.append(f'<mergeCells count="{len(self.merges)}">'
                         + "".join(f'<mergeCell ref="{m}"/>' for m in self.merges) + "</mergeCells>")
        pieces = []
        if self.n_hyperlinks or self.internal_links:
            parts.append("<hyperlinks>")
            pieces.append(_deflate("".join(parts).encode("utf-8"), level))
            pieces.extend(self._links.pieces(level))
            parts = [f"<hyperlink ref=\"{ref}\" location={xml_attr(location)} display={xml_attr(location)}/>"
                     for ref, location in self.internal_links]
            parts.append("</hyperlinks>")
        parts.append(printing.worksheet_xml(self.page))
        if self.charts:
            rid = rels.setdefault(("drawing",), f"rId{len(self._targets) + len(rels) + 1}")
            parts.append(f'<drawing r:id="{rid}"/>')
        parts.append("</worksheet>")
        pieces.append(_deflate("".join(parts).encode("utf-8"), level))
        return pieces

    def _rel_pieces(self) -> list[bytes]:
        """The relationships of the sheet's external links, as pieces."""
        return self._link_rels.pieces(self.book.compresslevel)

    def filter_ref(self) -> str:
        last = self.filter_last_row or max(self.nrows, self.header_row)
        return f"A{self.header_row}:{column_letter(len(self.columns))}{last}"


# ------------------------------------------------------------------ workbook


class XlsxWriter:
    """Streams a workbook to ``path``.  Call :meth:`close` to write it; nothing is written before."""

    def __init__(self, path: str | os.PathLike, compresslevel: int = 1, kind: str = "summary",
                 styles: str | None = None, title: str = "绩效目标汇总表"):
        self.path = os.fspath(path)
        self.kind = kind  # the marker this tool's outputs carry (xl_jixiao.inbox.OUTPUT_KINDS)
        self.styles = styles  # styles.xml (see :func:`stylesheet`); None: the summary's styles (S_* indexes)
        self.title = title  # the document's title property
        self.tmp_dir = os.path.dirname(os.path.abspath(self.path)) or "."
        self.sheets: list[Sheet] = []
        self.active_sheet: Sheet | None = None
        self.compresslevel = compresslevel
        self.defined_names: list[tuple[str, int, str]] = []  # (name, local sheet index, ref)

    def add_sheet(self, name: str, columns: list[Column] | None = None, **kw) -> Sheet:
        sheet = Sheet(self, name, columns, **kw)
        self.sheets.append(sheet)
        if self.active_sheet is None:
            self.active_sheet = sheet
        return sheet

    def order(self, names: list[str]) -> None:
        """Reorder sheets: those named first (in that order), the rest after in creation order."""
        rank = {n: i for i, n in enumerate(names)}
        pos = {id(s): i for i, s in enumerate(self.sheets)}
        self.sheets.sort(key=lambda s: rank.get(s.name, len(rank) + pos[id(s)]))

    def close(self) -> None:
        try:
            self._write()
        finally:
            for s in self.sheets:
                s.close()

    def _write(self) -> None:
        chart_no = 0
        drawing_no = 0
        overrides: list[tuple[str, str]] = []
        level = self.compresslevel
        with _ZipOut(self.path, level) as zf:
            for idx, sheet in enumerate(self.sheets, start=1):
                rels: dict = {}
                part = f"xl/worksheets/sheet{idx}.xml"
                # Relationship ids are assigned while the tail is rendered; render it first.
                tail = sheet._tail(rels)
                sheet._flush()
                head_piece = _deflate(sheet._head(rels), level)
                zf.write_pieces(part, [head_piece, sheet._pieces(), tail],
                                _span([head_piece, *tail], sheet.text_bytes, sheet.packed_bytes))
                overrides.append((f"/{part}", "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"))
                rel_xml = []
                for key, rid in rels.items():
                    if key[0] == "drawing":
                        drawing_no += 1
                        rel_xml.append(
                            f'<Relationship Id="{rid}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                            f'relationships/drawing" Target="../drawings/drawing{drawing_no}.xml"/>')
                        chart_no = self._write_drawing(zf, sheet, drawing_no, chart_no, overrides)
                link_rels = sheet._rel_pieces()
                if rel_xml or link_rels:
                    head_piece = _deflate(_RELS_HEAD.encode("utf-8"), level)
                    tail_piece = _deflate(("".join(rel_xml) + _RELS_TAIL).encode("utf-8"), level)
                    zf.write_pieces(f"xl/worksheets/_rels/sheet{idx}.xml.rels", [head_piece, link_rels, tail_piece],
                                    _span([head_piece, *link_rels, tail_piece], 0, 0))
            zf.writestr("xl/workbook.xml", self._workbook_xml())
            zf.writestr("xl/_rels/workbook.xml.rels", _rels(
                [f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                 f'relationships/worksheet" Target="worksheets/sheet{i}.xml"/>' for i in range(1, len(self.sheets) + 1)]
                + [f'<Relationship Id="rId{len(self.sheets) + 1}" Type="http://schemas.openxmlformats.org/'
                   f'officeDocument/2006/relationships/styles" Target="styles.xml"/>']))
            zf.writestr("xl/styles.xml", self.styles or _styles_xml())
            zf.writestr("_rels/.rels", _rels([
                '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
                'officeDocument" Target="xl/workbook.xml"/>',
                '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/'
                'metadata/core-properties" Target="docProps/core.xml"/>',
                '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
                'extended-properties" Target="docProps/app.xml"/>',
                '<Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
                'custom-properties" Target="docProps/custom.xml"/>',
            ]))
            zf.writestr("docProps/core.xml", _core_xml(self.title))
            zf.writestr("docProps/app.xml", _app_xml(self.sheets))
            # the marker that keeps a summary left in an inbox from being consolidated as a unit
            zf.writestr("docProps/custom.xml", custom_xml(self.kind))
            overrides += [
                ("/xl/workbook.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"),
                ("/xl/styles.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"),
                ("/docProps/core.xml", "application/vnd.openxmlformats-package.core-properties+xml"),
                ("/docProps/app.xml", "application/vnd.openxmlformats-officedocument.extended-properties+xml"),
                ("/docProps/custom.xml", "application/vnd.openxmlformats-officedocument.custom-properties+xml"),
            ]
            zf.writestr("[Content_Types].xml", _content_types(overrides))

    def _write_drawing(self, zf, sheet: Sheet, drawing_no: int, chart_no: int, overrides) -> int:
        anchors = []
        rels = []
        for i, chart in enumerate(sheet.charts, start=1):
            chart_no += 1
            zf.writestr(f"xl/charts/chart{chart_no}.xml", chart.xml)
            overrides.append((f"/xl/charts/chart{chart_no}.xml",
                              "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"))
            rels.append(f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                        f'relationships/chart" Target="../charts/chart{chart_no}.xml"/>')
            c1, r1, c2, r2 = chart.anchor
            anchors.append(
                f'<xdr:twoCellAnchor editAs="oneCell">'
                f"<xdr:from><xdr:col>{c1}</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>{r1}</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from>"
                f"<xdr:to><xdr:col>{c2}</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>{r2}</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:to>"
                f'<xdr:graphicFrame macro=""><xdr:nvGraphicFramePr><xdr:cNvPr id="{i + 1}" name="图表 {i}"/>'
                f"<xdr:cNvGraphicFramePr/></xdr:nvGraphicFramePr>"
                f'<xdr:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/></xdr:xfrm>'
                f'<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/chart">'
                f'<c:chart xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart" r:id="rId{i}"/>'
                f"</a:graphicData></a:graphic></xdr:graphicFrame><xdr:clientData/></xdr:twoCellAnchor>")
        zf.writestr(f"xl/drawings/drawing{drawing_no}.xml",
                    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                    '<xdr:wsDr xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing" '
                    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
                    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
                    + "".join(anchors) + "</xdr:wsDr>")
        zf.writestr(f"xl/drawings/_rels/drawing{drawing_no}.xml.rels", _rels(rels))
        overrides.append((f"/xl/drawings/drawing{drawing_no}.xml",
                          "application/vnd.openxmlformats-officedocument.drawing+xml"))
        return chart_no

    def _workbook_xml(self) -> str:
        active = self.sheets.index(self.active_sheet) if self.active_sheet in self.sheets else 0
        sheets = "".join(
            f"<sheet name={xml_attr(s.name, codes=False)} sheetId=\"{i}\" r:id=\"rId{i}\"/>"
            for i, s in enumerate(self.sheets, start=1))
        names = []
        for i, s in enumerate(self.sheets):
            if s.autofilter and s.columns and s.nrows >= s.header_row:
                first, last = s.filter_ref().split(":")
                ref = _abs(first) + ":" + _abs(last)
                names.append(f'<definedName name="_xlnm._FilterDatabase" localSheetId="{i}" hidden="1">'
                             f"{xml_text(quote_sheet(s.name), codes=False)}!{ref}</definedName>")
            for name, formula in printing.defined_names(s.page, quote_sheet(s.name)):
                names.append(f'<definedName name="{name}" localSheetId="{i}">{xml_text(formula, codes=False)}'
                             "</definedName>")
        defined = "<definedNames>" + "".join(names) + "</definedNames>" if names else ""
        return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
                f'<bookViews><workbookView activeTab="{active}"/></bookViews>'
                f"<sheets>{sheets}</sheets>{defined}<calcPr calcId=\"191029\"/></workbook>")


def _abs(ref: str) -> str:
    m = re.match(r"([A-Z]+)(\d+)", ref)
    assert m
    return f"${m.group(1)}${m.group(2)}"


_RELS_HEAD = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
              '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">')
_RELS_TAIL = "</Relationships>"


def _rels(items: list[str]) -> str:
    return _RELS_HEAD + "".join(items) + _RELS_TAIL


def _content_types(overrides) -> str:
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            + "".join(f'<Override PartName="{p}" ContentType="{t}"/>' for p, t in overrides)
            + "</Types>")


def _core_xml(title: str) -> str:
    import datetime as _dt

    now = _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            f"<dc:title>{xml_text(title)}</dc:title><dc:creator>xl-jixiao</dc:creator>"
            f'<dcterms:created xsi:type="dcterms:W3CDTF">{now}</dcterms:created>'
            f'<dcterms:modified xsi:type="dcterms:W3CDTF">{now}</dcterms:modified>'
            "</cp:coreProperties>")


def _app_xml(sheets) -> str:
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
            "<Application>xl-jixiao</Application></Properties>")


def font_xml(size: int = 11, *, bold: bool = False, color: str | None = None, underline: bool = False,
             heading: bool = False) -> str:
    """A ``<font>`` in the house fonts (``color`` RRGGBB)."""
    name = printing.HEADING_FONT if heading else printing.TABLE_FONT
    return ("<font>" + ("<b/>" if bold else "") + ("<u/>" if underline else "") + f'<sz val="{size}"/>'
            + (f'<color rgb="FF{color}"/>' if color else "")
            + f'<name val="{name}"/><family val="3"/><charset val="{printing.FONT_CHARSET}"/></font>')


_NO_FILLS = '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>'


def _styles_xml() -> str:
    # fonts: 0 normal, 1 bold, 2 hyperlink, 3 red, 4 green, 5 section title, 6 sheet title
    fonts = [font_xml(), font_xml(bold=True), font_xml(color="0563C1", underline=True), font_xml(color="C00000"),
             font_xml(color="00703C"), font_xml(12, heading=True), font_xml(16, heading=True)]
    fills = ('<fills count="4"><fill><patternFill patternType="none"/></fill>'
             '<fill><patternFill patternType="gray125"/></fill>'
             '<fill><patternFill patternType="solid"><fgColor rgb="FFDDEBF7"/><bgColor indexed="64"/></patternFill></fill>'
             '<fill><patternFill patternType="solid"><fgColor rgb="FFF2F2F2"/><bgColor indexed="64"/></patternFill></fill>'
             "</fills>")
    thin = '<{0} style="thin"><color rgb="FF808080"/></{0}>'
    borders = ('<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border>'
               "<border>" + "".join(thin.format(side) for side in ("left", "right", "top", "bottom"))
               + "<diagonal/></border></borders>")
    center = '<alignment vertical="center"/>'

    def xf(num: int = 0, font: int = 0, fill: int = 0, border: int = 1, align: str = center) -> str:
        attrs = (' applyNumberFormat="1"' if num else "") + (' applyFont="1"' if font else "") \
            + (' applyFill="1"' if fill else "") + ' applyBorder="1" applyAlignment="1"'
        return f'<xf numFmtId="{num}" fontId="{font}" fillId="{fill}" borderId="{border}" xfId="0"{attrs}>{align}</xf>'

    xfs = [
        '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>',  # 0 default: plain
        xf(font=1, fill=2, align='<alignment horizontal="center" vertical="center" wrapText="1"/>'),  # 1 header
        xf(num=164),  # 2 money
        xf(num=3),  # 3 int
        xf(font=2),  # 4 link
        xf(font=1, fill=3),  # 5 total
        xf(num=164, font=1, fill=3),  # 6 total money
        xf(num=3, font=1, fill=3),  # 7 total int
        xf(align='<alignment vertical="center" wrapText="1"/>'),  # 8 wrap
        xf(font=5, border=0),  # 9 section title
        xf(font=3),  # 10 bad
        xf(font=4),  # 11 good
        xf(font=6, border=0, align='<alignment horizontal="center" vertical="center"/>'),  # 12 sheet title
        xf(border=0),  # 13 note
        xf(border=0, align='<alignment horizontal="right" vertical="center"/>'),  # 14 note, right
        xf(font=2, align='<alignment vertical="center" wrapText="1"/>'),  # 15 wrapped link
        xf(),  # 16 table cell
    ]
    return stylesheet(fonts, xfs, borders=borders, fills=fills,
                      num_fmts=f'<numFmts count="1"><numFmt numFmtId="164" formatCode={xml_attr(MONEY_FORMAT)}/></numFmts>')


def stylesheet(fonts: list[str], xfs: list[str], *, borders: str, fills: str = _NO_FILLS, num_fmts: str = "") -> str:
    """``styles.xml``: ``fonts`` (``<font>`` elements, the first one every unstyled cell's), ``xfs`` (``<xf>``
    elements, cell ``s`` indexes), ``borders`` / ``fills`` / ``num_fmts`` (whole elements)."""
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' + num_fmts
            + f'<fonts count="{len(fonts)}">' + "".join(fonts) + "</fonts>" + fills + borders
            + '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
            + f'<cellXfs count="{len(xfs)}">' + "".join(xfs) + "</cellXfs>"
            + '<cellStyles count="1"><cellStyle name="常规" xfId="0" builtinId="0"/></cellStyles>'
            + "</styleSheet>")


# ------------------------------------------------------------------ pieces and the zip container

FRAGMENT_FORMAT = 2
"""The stored form of rendered rows (:func:`compress_rows`); part of the cache's version."""

_PIECE = struct.Struct("<III")  # CRC-32 of the text, its length in bytes, CRC-32 of the compressed bytes
_LEN = struct.Struct("<I")
_ZIP64_AT = 0xFFFFFFFF  # sizes and offsets from here on are written in zip64 fields
_ZIP64_ENTRIES = 0xFFFF
_FULL32, _FULL16 = 0xFFFFFFFF, 0xFFFF  # "see the zip64 field"
_END = b"\x03\x00"  # an empty final block (fixed Huffman): closes a member's DEFLATE stream
_ZERO_BYTES = bytes(1024)


def _deflate(data: bytes, level: int = 1) -> bytes:
    c = deflate.compressobj(level)
    packed = c.compress(data) + c.flush(deflate.Z_SYNC_FLUSH)
    return _PIECE.pack(deflate.crc32(data), len(data), deflate.crc32(packed)) + packed


def compress_rows(rows_xml: list[str], level: int = 1) -> bytes:
    """Rendered rows → a piece for :meth:`Sheet.append_fragment`."""
    return _deflate("".join(rows_xml).encode("utf-8", "replace"), level)


def compress_table(text: bytes, level: int = 1) -> bytes:
    """Rows rendered as UTF-8 (:meth:`RowRenderer.table`) → a piece for :meth:`Sheet.append_fragment`."""
    return _deflate(text, level)


def piece_sizes(piece: bytes) -> tuple[int, int]:
    """``(text length, compressed length)`` of a piece."""
    return _PIECE.unpack_from(piece)[1], len(piece) - _PIECE.size


def fragment_intact(piece: bytes) -> bool:
    """Whether a stored piece is whole (its compressed bytes match the checksum it was made with)."""
    if not piece:
        return True
    if len(piece) < _PIECE.size:
        return False
    return deflate.crc32(memoryview(piece)[_PIECE.size:]) == _PIECE.unpack_from(piece)[2]


def split_fragment(piece: bytes) -> list[str]:
    """A piece back into its rendered rows (used when a fragment must be split across sheets)."""
    text = zlib.decompressobj(-15).decompress(memoryview(piece)[_PIECE.size:]).decode("utf-8")
    return [r + "</row>" for r in text.split("</row>") if r]


_BLOCK = 1024
_SHIFTS: list[tuple[list[int], ...]] = []
"""``_SHIFTS[k]``: the linear map moving a CRC register past ``_BLOCK · 2**k`` zero bytes, as four 256-entry
tables (one per byte of the register)."""


def _tables(columns: list[int]) -> tuple[list[int], ...]:
    out = []
    for byte in range(4):
        cols = columns[8 * byte:8 * byte + 8]
        t = [0] * 256
        for j in range(1, 256):
            low = j & -j
            t[j] = t[j ^ low] ^ cols[low.bit_length() - 1]
        out.append(t)
    return tuple(out)


def _apply(tables: tuple[list[int], ...], v: int) -> int:
    t0, t1, t2, t3 = tables
    return t0[v & 255] ^ t1[(v >> 8) & 255] ^ t2[(v >> 16) & 255] ^ t3[v >> 24]


def _shift(k: int) -> tuple[list[int], ...]:
    while len(_SHIFTS) <= k:
        if not _SHIFTS:  # zlib's own CRC over a block of zeros, one register bit at a time
            zeros = _ZERO_BYTES[:_BLOCK]
            columns = [zlib.crc32(zeros, (1 << i) ^ 0xFFFFFFFF) ^ 0xFFFFFFFF for i in range(32)]
        else:  # twice the previous shift
            last = _SHIFTS[-1]
            columns = [_apply(last, _apply(last, 1 << i)) for i in range(32)]
        _SHIFTS.append(_tables(columns))
    return _SHIFTS[k]


def crc32_combine(crc: int, crc_next: int, length_next: int) -> int:
    """The CRC-32 of two texts one after the other, from their CRC-32s and the second one's length.

    Appending zero bytes to a CRC register is linear: the first CRC moved past ``length_next`` zero bytes
    and XOR-ed with the second's is the CRC of both.  Whole blocks of zeros are crossed with precomputed
    maps (powers of two), the rest with zlib's CRC over zeros."""
    blocks, rest = divmod(length_next, _BLOCK)
    k = 0
    while blocks:
        if blocks & 1:
            crc = _apply(_shift(k), crc)
        blocks >>= 1
        k += 1
    if rest:
        crc = zlib.crc32(_ZERO_BYTES[:rest], crc ^ 0xFFFFFFFF) ^ 0xFFFFFFFF
    return crc ^ crc_next


def _span(pieces: list[bytes], text_bytes: int, packed_bytes: int) -> tuple[int, int]:
    """``(size, compressed size)`` of a member made of ``pieces`` and pieces of these sizes."""
    for piece in pieces:
        text, packed = piece_sizes(piece)
        text_bytes += text
        packed_bytes += packed
    return text_bytes, packed_bytes + len(_END)


class _Packed:
    """Rendered XML elements kept packed, a chunk at a time: many of them cost little memory."""

    CHUNK = 2000

    def __init__(self) -> None:
        self._pending: list[str] = []
        self._pieces: list[bytes] = []

    def add(self, text: str, level: int) -> None:
        self._pending.append(text)
        if len(self._pending) >= self.CHUNK:
            self._pieces.append(compress_rows(self._pending, level))
            self._pending = []

    def pieces(self, level: int) -> list[bytes]:
        if self._pending:
            self._pieces.append(compress_rows(self._pending, level))
            self._pending = []
        return self._pieces


def _field(value: int) -> int:
    """A 32-bit size or offset field: the value, or the mark that it is in the zip64 extra field."""
    return _FULL32 if value >= _ZIP64_AT else value


class _ZipOut:
    """A zip file written member by member, each DEFLATE member from pieces copied as they are.

    Sizes are known before a member is written (the local header carries them, with the zip64 extra
    field when they are too large for it); the CRC-32, folded from the pieces while they are copied,
    is written into the header afterwards."""

    def __init__(self, path: str, level: int):
        self.level = level
        self.f = open(path, "wb")
        self.entries: list[tuple[bytes, int, int, int, int]] = []  # name, crc, size, compressed size, offset
        t = time.localtime()
        self.dos_time = (t.tm_hour << 11) | (t.tm_min << 5) | (t.tm_sec // 2)
        self.dos_date = ((t.tm_year - 1980) << 9) | (t.tm_mon << 5) | t.tm_mday

    def __enter__(self) -> _ZipOut:
        return self

    def __exit__(self, kind, exc, tb) -> None:
        try:
            if kind is None:
                self._finish()
        finally:
            self.f.close()

    def writestr(self, name: str, data: str | bytes) -> None:
        piece = _deflate(data.encode("utf-8") if isinstance(data, str) else data, self.level)
        length, packed = piece_sizes(piece)
        self.write_pieces(name, [piece], (length, packed + len(_END)))

    def write_pieces(self, name: str, pieces, sizes: tuple[int, int]) -> None:
        """A member: ``pieces`` (pieces, or iterables of pieces) one after the other; ``sizes`` their total
        ``(size, compressed size)`` including the end of the stream."""
        size, packed = sizes
        f = self.f
        offset = f.tell()
        raw = name.encode("ascii")
        zip64 = size >= _ZIP64_AT or packed >= _ZIP64_AT
        extra = struct.pack("<HHQQ", 1, 16, size, packed) if zip64 else b""
        f.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 45 if zip64 else 20, 0, 8, self.dos_time, self.dos_date,
                            0, _FULL32 if zip64 else packed, _FULL32 if zip64 else size, len(raw), len(extra)))
        f.write(raw)
        f.write(extra)
        crc = 0
        written = 0
        for group in pieces:
            for piece in ([group] if isinstance(group, bytes) else group):
                crc_piece, length, _ = _PIECE.unpack_from(piece)
                crc = crc32_combine(crc, crc_piece, length)
                f.write(memoryview(piece)[_PIECE.size:])
                written += length
        f.write(_END)
        if written != size:  # the pieces are not what the sizes promised: a writer error, not bad input
            raise ValueError(f"zip member {name}: {written} bytes written, {size} announced")
        end = f.tell()
        f.seek(offset + 14)
        f.write(struct.pack("<I", crc))
        f.seek(end)
        self.entries.append((raw, crc, size, packed, offset))

    def _finish(self) -> None:
        f = self.f
        start = f.tell()
        for raw, crc, size, packed, offset in self.entries:
            big = [v for v in (size, packed, offset) if v >= _ZIP64_AT]
            extra = struct.pack(f"<HH{len(big)}Q", 1, 8 * len(big), *big) if big else b""
            version = 45 if big else 20
            f.write(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, (3 << 8) | version, version, 0, 8,
                                self.dos_time, self.dos_date, crc, _field(packed), _field(size),
                                len(raw), len(extra), 0, 0, 0, 0o600 << 16, _field(offset)))
            f.write(raw)
            f.write(extra)
        end = f.tell()
        count = len(self.entries)
        cd_size = end - start
        if count >= _ZIP64_ENTRIES or start >= _ZIP64_AT or cd_size >= _ZIP64_AT:
            f.write(struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, (3 << 8) | 45, 45, 0, 0, count, count, cd_size, start))
            f.write(struct.pack("<IIQI", 0x07064B50, 0, end, 1))
        entries = _FULL16 if count >= _ZIP64_ENTRIES else count
        f.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, entries, entries, _field(cd_size), _field(start), 0))


__all__ = [
    "Column", "Formula", "Sheet", "XlsxWriter", "cell", "row", "quote_sheet", "compress_rows",
    "split_fragment", "fragment_intact", "piece_sizes", "crc32_combine", "FRAGMENT_FORMAT", "xml_attr", "xml_text", "font_xml", "stylesheet", "EXCEL_MAX_ROWS", "MONEY_FORMAT",
    "S_DEFAULT", "S_HEADER", "S_MONEY", "S_INT", "S_LINK", "S_TOTAL", "S_TOTAL_MONEY", "S_TOTAL_INT", "S_WRAP",
    "S_TITLE", "S_BAD", "S_GOOD", "S_HEADING", "S_NOTE", "S_NOTE_RIGHT", "S_WRAP_LINK", "S_CELL",
]
