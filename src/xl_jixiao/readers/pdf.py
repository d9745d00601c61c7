"""Published forms as PDFs with a text layer → one :class:`Grid` (kind ``pdf``).

pdfplumber gives the characters and, on ruled pages, the tables (its ``lines``
strategy: cells from the ruling).  A page without any ruled table is read by the
alignment of its text instead: each printed line is a row, columns start where
text starts after white space, and merged 一级/二级 labels printed centred on the
rows they span are given those rows.  (pdfplumber's own ``text`` strategy cuts such
pages into a grid of half-filled cells and loses text outside it, so it is not used.)
Text outside ruled tables (titles, ``单位：万元``, ``填报单位：… 单位：万元``) becomes rows
of their own in reading order; a line is split into cells only where a wide gap
separates its parts.

The whole document is one grid, so a form's title, header block and indicator
table stay together for the recogniser.  A table continuing on the next page —
same outline and columns, or the header rows printed again (Excel's 打印标题) —
continues the same table: the repeated rows are dropped, and a merged cell cut
by the page break (a merged 一级指标) is joined with its other half, so the
merged text carries down past the break.  Merged ranges are recovered from the
ruling: every position a cell spans carries the cell's text and its top-left
origin (``GridCell.origin``), as for workbooks.

Every cell remembers where it is printed: ``sheet`` is the page (``第3页``),
``line`` the row on that page (each text line and each table row counts as one
row, from the top), ``cell`` the row and column (``第12行第2列``).

Text that a PDF holds but does not show is left out: characters off the page,
and the copy of a merged cell's text that the spreadsheet printer places (clipped,
invisible) on the far side of a page break.  Page numbers (``第 1 页``, ``- 2 -``)
are dropped.
"""

from __future__ import annotations

import logging
import re
import statistics
from dataclasses import dataclass, field
from pathlib import Path

from xl_jixiao.errors import ReadError
from xl_jixiao.readers.grid import PDF_SUFFIXES, Grid, GridCell

log = logging.getLogger(__name__)

__all__ = ["PDF_SUFFIXES", "grids_from_pdf"]

EDGE_TOL = 2.0  # points: ruling edges closer than this are one edge
_WORD_GAP = 0.35  # × font size: a gap this wide between characters is a space
_CELL_GAP = 1.6  # × font size: a gap this wide splits a text line outside tables into cells
_RUN_GAP = 0.15  # × font size: characters this close belong to one run even across a cell border

SCANNED = ("PDF 是扫描图像，没有文字层，无法读取其中的内容：请先进行文字识别（OCR）后再导入，"
           "或提交原始的 Excel 绩效目标表")
EMPTY = "PDF 中没有任何文字（空白页面）：请提交原始的 Excel 绩效目标表"
ENCRYPTED = "PDF 设有打开密码（已加密），无法读取：请去掉密码后再提交，或提交原始的 Excel 绩效目标表"
CORRUPT = "PDF 文件已损坏或不是有效的 PDF，无法读取：请重新导出 PDF，或提交原始的 Excel 绩效目标表"

_PAGE_NUMBER = re.compile(
    r"^(?:[-—–－\s]*\d+[-—–－\s]*|第\s*\d+\s*页(?:\s*[,，/／]?\s*共\s*\d+\s*页)?|共\s*\d+\s*页\s*[,，]?\s*第\s*\d+\s*页"
    r"|\d+\s*[/／]\s*\d+|page\s*\d+(?:\s*of\s*\d+)?)$",
    re.IGNORECASE,
)
HIDDEN = "跨页合并单元格的隐藏文字"


# ------------------------------------------------------------------ page content
@dataclass
class _Char:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass
class _Cell:
    """One cell of a table as printed on one page; ``r0``/``r1`` are row bands (end exclusive)."""

    x0: float
    x1: float
    top: float
    bottom: float
    r0: int = 0
    r1: int = 1
    chars: list[_Char] = field(default_factory=list)
    text: str = ""
    page: int = 0


@dataclass
class _Part:
    """A table on one page: its cells and row bands (top edges, plus the bottom)."""

    page: int
    x0: float
    x1: float
    top: float
    bottom: float
    bands: list[float]  # y edges; band i is bands[i]..bands[i+1]
    cells: list[_Cell]
    strategy: str

    @property
    def nbands(self) -> int:
        return len(self.bands) - 1

    def xs(self) -> list[float]:
        return _cluster([c.x0 for c in self.cells] + [c.x1 for c in self.cells])

    def band_texts(self, i: int) -> tuple[str, ...]:
        return tuple(c.text for c in sorted(self.cells, key=lambda c: c.x0) if c.r0 == i and c.text)


@dataclass
class _Line:
    """A line of text outside tables, split into pieces at wide gaps."""

    page: int
    top: float
    bottom: float
    chars: list[_Char]
    pieces: list[str]
    drop: str | None = None  # why the line is left out (page number, repeated heading, hidden copy)

    @property
    def text(self) -> str:
        return " ".join(self.pieces)

    @property
    def x0(self) -> float:
        return min(c.x0 for c in self.chars)

    @property
    def x1(self) -> float:
        return max(c.x1 for c in self.chars)


@dataclass
class _Page:
    number: int
    height: float
    elements: list[_Part | _Line]  # reading order
    has_images: bool = False
    unruled: list[list[_Char]] | None = None  # the printed lines of a page without ruled tables


# ------------------------------------------------------------------ small geometry helpers
def _cluster(values: list[float], tol: float = EDGE_TOL) -> list[float]:
    """Sorted distinct values, those within ``tol`` of each other merged (their mean)."""
    out: list[list[float]] = []
    for v in sorted(values):
        if out and v - out[-1][-1] <= tol:
            out[-1].append(v)
        else:
            out.append([v])
    return [sum(g) / len(g) for g in out]


def _nearest(edges: list[float], v: float) -> int:
    return min(range(len(edges)), key=lambda i: abs(edges[i] - v))


def _lines_of(chars: list[_Char]) -> list[list[_Char]]:
    """Characters grouped into printed lines (by vertical centre), each sorted left to right."""
    if not chars:
        return []
    size = statistics.median(c.size for c in chars) or 10.0
    tol = max(1.5, 0.3 * size)
    lines: list[list[_Char]] = []
    centre = 0.0
    for ch in sorted(chars, key=lambda c: (c.cy, c.x0)):
        if lines and abs(ch.cy - centre) <= tol:
            lines[-1].append(ch)
            centre = sum(c.cy for c in lines[-1]) / len(lines[-1])
        else:
            lines.append([ch])
            centre = ch.cy
    return [sorted(ln, key=lambda c: c.x0) for ln in lines]


def _join(chars: list[_Char]) -> str:
    """One printed line's characters as text, a space where the gap is wide."""
    out: list[str] = []
    prev: _Char | None = None
    for ch in chars:
        if prev is not None and ch.x0 - prev.x1 > _WORD_GAP * max(ch.size, prev.size) and out and out[-1] != " " \
                and ch.text != " ":
            out.append(" ")
        out.append(ch.text)
        prev = ch
    return re.sub(r"\s+", " ", "".join(out)).strip()


def _split_wide(chars: list[_Char]) -> list[list[_Char]]:
    """A line's characters cut where a gap of several characters' width separates them."""
    groups: list[list[_Char]] = []
    for ch in chars:
        if ch.text.isspace():
            continue
        if groups and ch.x0 - groups[-1][-1].x1 <= _CELL_GAP * max(ch.size, groups[-1][-1].size):
            groups[-1].append(ch)
        else:
            groups.append([ch])
    return groups


def _is_cjk(ch: str) -> bool:
    return bool(ch) and (0x2E80 <= ord(ch) <= 0x9FFF or 0xF900 <= ord(ch) <= 0xFAFF or 0xFF00 <= ord(ch) <= 0xFFEF
                         or 0x3000 <= ord(ch) <= 0x303F)


def _cell_text(cell: _Cell) -> str:
    """A cell's lines joined: a line that reaches the cell's right edge was wrapped by the printer
    and continues on the next line; a shorter line ended where the writer broke it."""
    lines = _lines_of(cell.chars)
    out = ""
    for i, ln in enumerate(lines):
        text = _join(ln)
        if not text:
            continue
        if out:
            prev = lines[i - 1]
            size = max(c.size for c in prev)
            wrapped = max(c.x1 for c in prev) >= cell.x1 - 2.5 * size
            if not wrapped:
                out += "\n"
            elif not (_is_cjk(out[-1]) or _is_cjk(text[0])):
                out += " "
        out += text
    return out


# ------------------------------------------------------------------ reading pages
def _open(path: Path, data: bytes | None = None):
    import io

    import pdfplumber

    head = b""
    if data is not None:
        head = data[:1024]
    else:
        try:
            with open(path, "rb") as f:
                head = f.read(1024)
        except OSError as exc:
            raise ReadError(f"无法打开文件：{exc.strerror or exc}", file=str(path)) from exc
    if b"%PDF-" not in head:
        raise ReadError(CORRUPT, file=str(path))
    try:
        return pdfplumber.open(io.BytesIO(data) if data is not None else str(path))
    except Exception as exc:  # pdfminer wraps every failure; the message names the cause
        raise _open_error(exc, path) from exc


def _open_error(exc: Exception, path: Path) -> ReadError:
    inner = exc.args[0] if exc.args and isinstance(exc.args[0], Exception) else exc
    name = type(inner).__name__
    if "Password" in name or "Encrypt" in name:
        return ReadError(ENCRYPTED, file=str(path))
    log.debug("PDF %s: %s: %s", path, name, inner)
    return ReadError(CORRUPT, file=str(path))


def _page_chars(page) -> list[_Char]:
    x0, top, x1, bottom = page.bbox
    out = []
    for c in page.chars:
        text = c.get("text") or ""
        if not text:
            continue
        ch = _Char(text, float(c["x0"]), float(c["x1"]), float(c["top"]), float(c["bottom"]),
                   float(c.get("size") or 0) or float(c["bottom"] - c["top"]) or 10.0)
        if x0 <= ch.cx <= x1 and top <= ch.cy <= bottom:  # printed outside the page: not shown
            out.append(ch)
    return out


def _ruled_tables(page) -> list:
    return [t for t in page.find_tables() if t.cells]


def _part(number: int, table, strategy: str, chars: list[_Char]) -> _Part:
    boxes = [tuple(float(v) for v in b) for b in table.cells]
    ys = _cluster([b[1] for b in boxes] + [b[3] for b in boxes])
    cells = []
    for x0, top, x1, bottom in boxes:
        r0, r1 = _nearest(ys, top), _nearest(ys, bottom)
        if r1 <= r0:
            continue
        cells.append(_Cell(x0, x1, top, bottom, r0, r1, page=number))
    cells += _open_cells(cells, ys)
    for c in cells:
        c.page = number
    cells.sort(key=lambda c: (c.r0, c.x0))
    x0, top, x1, bottom = (float(v) for v in table.bbox)
    part = _Part(number, x0, x1, top, bottom, ys, cells, strategy)
    _fill(part, chars)
    return part


def _text_rows(chars: list[_Char]) -> list[list[_Char]]:
    """An unruled page's printed lines (page numbers left out)."""
    rows: list[list[_Char]] = []
    for ln in _lines_of(chars):
        visible = [c for c in ln if not c.text.isspace()]
        if visible and not _PAGE_NUMBER.match(_join(visible)):
            rows.append(visible)
    return rows


def _text_columns(pages: list[list[list[_Char]]]) -> list[float]:
    """Column edges of unruled pages: each page's column starts, put together (a form keeps its
    columns from page to page, and a column one page leaves empty is still a column).

    A column starts where text starts after a strip of white space: text that most lines share
    (a column's left edge), or text that only a few lines have beyond white space (a sparsely filled
    column).  A few long texts crossing a gap do not close it."""
    rows = [r for page in pages for r in page]
    size = statistics.median(c.size for r in rows for c in r) or 10.0
    left = min(r[0].x0 for r in rows)
    right = max(r[-1].x1 for r in rows)
    starts: list[float] = []
    for page in pages:
        if not page:
            continue
        cover = [0] * (int(right - left) + 2)
        for r in page:
            for g in _split_wide(r):
                for b in range(int(g[0].x0 - left), int(g[-1].x1 - left) + 1):
                    cover[b] += 1
        starts += _column_starts(cover, len(page) // 10, 0.8 * size, left)
    return [left, *_cluster(starts, 0.5 * size), right]


def _text_part(number: int, rows: list[list[_Char]], edges: list[float]) -> _Part | None:
    """A page without ruling, read by the alignment of its text (columns from :func:`_text_columns`).

    Every printed line is a row, cut into cells at wide gaps; text that runs on into the next
    column without a real gap (a right-aligned amount just before a label) is cut at the column's
    edge.  A cell wider than its column (a title, a long goal) spans columns.  Merged 一级/二级
    cells print their text centred on the rows they span; such a text is given those rows
    (:func:`_centred_levels`)."""
    if not rows:
        return None
    size = statistics.median(c.size for r in rows for c in r) or 10.0
    ys = [rows[0][0].top]
    for upper, lower in zip(rows, rows[1:]):
        ys.append((max(c.bottom for c in upper) + min(c.top for c in lower)) / 2)
    ys.append(max(c.bottom for c in rows[-1]))

    def column(x: float) -> int:
        return max(0, min(len(edges) - 2, sum(1 for e in edges[1:-1] if e <= x)))

    cells: list[_Cell] = []
    for i, row in enumerate(rows):
        line: list[_Cell] = []
        for g in _cut_at(_split_wide(row), edges[1:-1], size):
            c0, c1 = column(g[0].x0), column(g[-1].x1)
            if line and _nearest(edges, line[-1].x1) > c0:  # two pieces in one column: one cell
                prev = line[-1]
                prev.chars += g
                prev.text = prev.text + " " + _join(g)
                prev.x1 = max(prev.x1, edges[c1 + 1])
                continue
            line.append(_Cell(edges[c0], edges[c1 + 1], ys[i], ys[i + 1], i, i + 1, list(g), _join(g), number))
        cells += line
    _centred_levels(cells, edges)
    return _Part(number, edges[0], edges[-1], ys[0], ys[-1], ys, cells, "text")


def _column_starts(cover: list[int], limit: int, min_gap: float, left: float) -> list[float]:
    """x where columns start: after a gap of at least ``min_gap``, text shared by more than
    ``limit`` lines starts a column; inside a gap, text of fewer lines beyond white space does too."""
    out: list[float] = []
    n = len(cover)
    b = 0
    while b < n:
        dense = cover[b] > limit
        s = b
        while b < n and (cover[b] > limit) == dense:
            b += 1
        if dense:
            if s > 0 and _blank_before(cover, s, limit) >= min_gap:
                out.append(left + s - 0.5)
            continue
        # a thin stretch: a sparsely filled column starts after white space inside it
        k = s
        while k < b:
            if cover[k] == 0:
                k += 1
                continue
            island = k
            while k < b and cover[k]:
                k += 1
            blank = island - max(s if s > 0 else island, _last_text_before(cover, island))
            if island > 0 and blank >= min_gap:
                out.append(left + island - 0.5)
    return sorted(set(out))


def _blank_before(cover: list[int], s: int, limit: int) -> int:
    """Width of the (nearly) blank strip ending at ``s``."""
    k = s
    while k > 0 and cover[k - 1] <= limit:
        k -= 1
    return s - k


def _last_text_before(cover: list[int], s: int) -> int:
    k = s
    while k > 0 and cover[k - 1] == 0:
        k -= 1
    return k


def _cut_at(groups: list[list[_Char]], edges: list[float], size: float) -> list[list[_Char]]:
    """Pieces cut where a column edge falls in a gap between two characters."""
    out = []
    for g in groups:
        cur = [g[0]]
        for ch in g[1:]:
            prev = cur[-1]
            if ch.x0 - prev.x1 >= _RUN_GAP * size and any(prev.x1 - 1 <= e <= ch.x0 + 1 for e in edges):
                out.append(cur)
                cur = [ch]
            else:
                cur.append(ch)
        out.append(cur)
    return out


def _centred_levels(cells: list[_Cell], edges: list[float]) -> None:
    """Unruled merged 一级/二级 cells: their text sits at the middle of the rows they span, on a line
    of its own or on the middle row.  Where the labels of a column are consistently centred on runs
    of rows that tile the table, each label is given its run (as a merged cell); otherwise (labels on
    the first row of their run, say, or a run going on over a page break, whose middle cannot be
    told) the cells stay as printed."""
    if not cells:
        return
    by_row: dict[int, list[_Cell]] = {}
    for c in cells:
        by_row.setdefault(c.r0, []).append(c)
    col = {id(c): _nearest(edges, c.x0) for c in cells}
    # the table's rows (its header included): those with a cell in the column where most rows of
    # several cells start (the 三级 names); labels are the cells left of it
    firsts = [min(col[id(c)] for c in cs) for cs in by_row.values() if len(cs) >= 2]
    if not firsts:
        return
    main = max(set(firsts), key=firsts.count)
    data = sorted(r for r, cs in by_row.items() if len(cs) >= 2 and any(col[id(c)] == main for c in cs))
    if len(data) < 3 or main == 0:
        return
    lo, hi = data[0], data[-1]
    index = {r: k for k, r in enumerate(data)}
    for level in range(main):
        labels = []  # (position in data rows, cell)
        for r in range(lo, hi + 1):
            for c in by_row.get(r, []):
                if col[id(c)] != level or _nearest(edges, c.x1) - 1 >= main:
                    continue
                if r in index:
                    labels.append((float(index[r]), c))
                elif all(col[id(x)] < main for x in by_row[r]):
                    before = max(k for k, d in enumerate(data) if d < r)
                    labels.append((before + 0.5, c))
        if len(labels) < 2 or not any(pos % 1 for pos, _ in labels):
            continue  # nothing printed between rows: labels start their runs (or no merged cells)
        runs: list[tuple[int, int, _Cell]] = []
        start = 0
        for i, (pos, c) in enumerate(labels):
            end = 2 * pos - start
            last = i + 1 == len(labels)
            if end % 1 or end < pos or (not last and end >= labels[i + 1][0]):
                runs = []
                break
            runs.append((int(start), int(end), c))
            start = int(end) + 1
        if not runs or start != len(data):
            continue
        for s, e, c in runs:
            c.r0, c.r1 = data[s], data[e] + 1


def _open_cells(cells: list[_Cell], ys: list[float]) -> list[_Cell]:
    """Cells the ruling leaves open: a merged cell cut by the page break has no border on the cut
    side, so the table finder reports no cell there.  Each column's uncovered run of rows becomes one."""
    xs = _cluster([c.x0 for c in cells] + [c.x1 for c in cells])
    nb, nc = len(ys) - 1, len(xs) - 1
    covered = [[False] * nc for _ in range(nb)]
    for c in cells:
        c0, c1 = _nearest(xs, c.x0), _nearest(xs, c.x1)
        for r in range(c.r0, c.r1):
            for col in range(c0, c1):
                covered[r][col] = True
    out = []
    for col in range(nc):
        r = 0
        while r < nb:
            if covered[r][col]:
                r += 1
                continue
            start = r
            while r < nb and not covered[r][col]:
                r += 1
            out.append(_Cell(xs[col], xs[col + 1], ys[start], ys[r], start, r))
    return out


def _containing(cells: list[_Cell], x: float, y: float) -> _Cell | None:
    for c in cells:
        if c.x0 <= x <= c.x1 and c.top <= y <= c.bottom:
            return c
    return None


def _fill(part: _Part, chars: list[_Char]) -> None:
    """Give each cell its characters.  A run of characters printed without a gap across a cell
    border (text overflowing into an empty neighbour) stays with the cell it starts in."""
    for line in _lines_of(chars):
        run: list[_Char] = []
        for ch in [*line, None]:
            if ch is not None and (not run or ch.x0 - run[-1].x1 <= _RUN_GAP * max(ch.size, run[-1].size)):
                run.append(ch)
                continue
            if run:
                first = run[0]
                home = _containing(part.cells, first.cx, first.cy)
                if home is None:
                    for x in run:
                        other = _containing(part.cells, x.cx, x.cy)
                        if other is not None:
                            other.chars.append(x)
                else:
                    home.chars.extend(run)
            run = [ch] if ch is not None else []
    for cell in part.cells:
        cell.text = _cell_text(cell)


def _text_line(number: int, chars: list[_Char]) -> _Line | None:
    visible = [c for c in chars if not c.text.isspace()]
    if not visible:
        return None
    pieces = [p for p in (_join(g) for g in _split_wide(chars)) if p]
    if not pieces:
        return None
    return _Line(number, min(c.top for c in visible), max(c.bottom for c in visible), visible, pieces)


def _read_page(number: int, page) -> _Page:
    chars = _page_chars(page)
    has_images = bool(page.images)
    if not any(not c.text.isspace() for c in chars):
        return _Page(number, float(page.height), [], has_images)
    try:
        tables = _ruled_tables(page)
    except Exception as exc:  # noqa: BLE001 - table finding must not lose the page's text
        log.debug("page %d: table detection failed: %s", number, exc)
        tables = []
    if not tables:  # read by the alignment of its text, with the document's other unruled pages
        return _Page(number, float(page.height), [], has_images, unruled=_text_rows(chars))
    boxes = [tuple(float(v) for v in t.bbox) for t in tables]

    def inside(ch: _Char) -> int | None:
        for i, (x0, top, x1, bottom) in enumerate(boxes):
            if x0 <= ch.cx <= x1 and top <= ch.cy <= bottom:
                return i
        return None

    in_table: list[list[_Char]] = [[] for _ in tables]
    outside: list[_Char] = []
    for ch in chars:
        i = inside(ch)
        (outside if i is None else in_table[i]).append(ch)
    elements: list[_Part | _Line] = [_part(number, t, "lines", in_table[i]) for i, t in enumerate(tables)]
    for ln in _lines_of(outside):
        line = _text_line(number, ln)
        if line is not None:
            elements.append(line)
    elements.sort(key=lambda e: (e.top, e.x0))
    return _Page(number, float(page.height), elements, has_images)


# ------------------------------------------------------------------ tables across pages
@dataclass
class _Seq:
    """A table, continued over one or more pages.  ``rows`` are (part, band) in order."""

    parts: list[_Part]
    rows: list[tuple[_Part, int]] = field(default_factory=list)
    cells: list[_Cell] = field(default_factory=list)  # r0/r1 here are sequence rows

    def add(self, part: _Part, skip: int = 0) -> int:
        """Append ``part`` without its first ``skip`` bands; returns the sequence row of its first kept band."""
        start = len(self.rows)
        for b in range(skip, part.nbands):
            self.rows.append((part, b))
        for c in part.cells:
            if c.r1 <= skip:
                continue
            r0 = max(c.r0, skip)
            self.cells.append(_Cell(c.x0, c.x1, c.top, c.bottom, start + r0 - skip, start + c.r1 - skip,
                                    c.chars, c.text if c.r0 >= skip else "", c.page))
        if part not in self.parts:
            self.parts.append(part)
        return start

    def row_texts(self, i: int) -> tuple[str, ...]:
        return tuple(c.text for c in sorted(self.cells, key=lambda c: c.x0) if c.r0 == i and c.text)


def _header_like(texts: tuple[str, ...]) -> bool:
    """A row that Excel's 打印标题 prints again on every page: an indicator table's header."""
    return sum(1 for t in texts if "指标" in t) >= 2 or ({"一级", "二级"} <= {t[:2] for t in texts})


def _repeated_rows(seq: _Seq, part: _Part) -> int:
    """How many leading rows of ``part`` repeat rows already in ``seq`` (header rows printed again).

    Only a run that holds a table header counts: a new form on the next page starts with the
    same label rows as the one before it, and those rows are content."""
    seen = [seq.row_texts(i) for i in range(len(seq.rows))]
    best = 0
    for start in range(len(seen)):
        k = 0
        while k < part.nbands and start + k < len(seen):
            texts = part.band_texts(k)
            if not texts or texts != seen[start + k]:
                break
            k += 1
        if k > best and any(_header_like(part.band_texts(i)) for i in range(k)):
            best = k
    return best


def _same_columns(a: list[float], b: list[float]) -> bool:
    return len(a) == len(b) and all(abs(x - y) <= EDGE_TOL for x, y in zip(a, b))


def _hidden_copy(line: _Line, cells: list[_Cell]) -> bool:
    """``line`` is text of ``cells`` (those at the page break) printed where the page does not show it."""
    if not cells:
        return False
    for group in _split_wide(line.chars) or [line.chars]:
        cx = (group[0].x0 + group[-1].x1) / 2
        text = re.sub(r"\s+", "", _join(group))
        home = next((c for c in cells if c.x0 <= cx <= c.x1), None)
        if home is None or not text or text not in re.sub(r"\s+", "", home.text):
            return False
    return True


def _bottom_cells(seq: _Seq) -> list[_Cell]:
    last = len(seq.rows)
    return [c for c in seq.cells if c.r1 == last]


def _continue(seq: _Seq, prev_page: _Page, page: _Page, part: _Part, headings: set[str]) -> bool:
    """Append ``part`` (the first table of ``page``) to ``seq`` when it continues it; mark the lines
    between them that are not content (page numbers, headings printed again, hidden copies).

    A continuation has the same outline and either prints the table header again, or has the same
    columns and follows a table that filled the page, with no heading between (a heading there
    starts the next form)."""
    last = seq.parts[-1]
    if abs(last.x0 - part.x0) > EDGE_TOL or abs(last.x1 - part.x1) > EDGE_TOL:
        return False
    after_all = prev_page.elements[prev_page.elements.index(last) + 1:]
    before_all = page.elements[: page.elements.index(part)]
    after = [e for e in after_all if isinstance(e, _Line)]
    before = [e for e in before_all if isinstance(e, _Line)]
    if len(after) + len(before) != len(after_all) + len(before_all):
        return False  # another table between them
    skip = _repeated_rows(seq, part)
    if skip == 0:
        columns = _cluster([x for p in seq.parts for c in p.cells for x in (c.x0, c.x1)])
        if not _same_columns(columns, part.xs()) or last.bottom < 0.75 * prev_page.height:
            return False
    top_cells = [c for c in part.cells if c.r0 <= skip < c.r1]
    bottom = _bottom_cells(seq)
    marks: dict[int, str] = {}
    lines = [(ln, top_cells, False) for ln in after] + [(ln, bottom, True) for ln in before]
    for ln, cut, on_next in lines:
        if _PAGE_NUMBER.match(ln.text):
            marks[id(ln)] = "页码"
        elif on_next and skip and ln.text in headings:
            marks[id(ln)] = "每页重复的标题"
        elif ln.x0 >= part.x0 - EDGE_TOL and ln.x1 <= part.x1 + EDGE_TOL and _hidden_copy(ln, cut):
            marks[id(ln)] = HIDDEN
        else:
            return False
    for ln in after + before:
        ln.drop = marks[id(ln)]
    hidden = [ln for ln in after + before if ln.drop == HIDDEN]
    first = seq.add(part, skip)
    _join_split_cells(seq, bottom, first, hidden)
    return True


def _join_split_cells(seq: _Seq, bottom: list[_Cell], first: int, hidden: list[_Line]) -> None:
    """A merged cell cut by the page break is printed as two cells, one of them empty: make them one."""
    for b in [c for c in seq.cells if c.r0 == first]:
        a = next((c for c in bottom if abs(c.x0 - b.x0) <= EDGE_TOL and abs(c.x1 - b.x1) <= EDGE_TOL), None)
        if a is None or bool(a.text) == bool(b.text):
            continue
        spill = any(a.x0 - EDGE_TOL <= ln.x0 and ln.x1 <= a.x1 + EDGE_TOL for ln in hidden)
        if not (a.r1 - a.r0 >= 2 or b.r1 - b.r0 >= 2 or spill):
            continue
        a.r1 = b.r1
        a.text = a.text or b.text
        seq.cells.remove(b)


# ------------------------------------------------------------------ the grid
def grids_from_pdf(path: str | Path, data: bytes | None = None) -> list[Grid]:
    """The PDF as one grid: text lines and tables in reading order, tables joined across pages."""
    p = Path(path)
    pdf = _open(p, data)
    try:
        pages = []
        for i, page in enumerate(pdf.pages, start=1):
            try:
                pages.append(_read_page(i, page))
            except Exception as exc:  # a damaged page stream
                log.debug("PDF %s page %d: %s", p, i, exc)
                raise _open_error(exc, p) from exc
            finally:
                page.close()  # parsed objects are not kept: memory stays flat however long the PDF
    except ReadError:
        raise
    except Exception as exc:  # pdfminer fails lazily on damaged files
        raise _open_error(exc, p) from exc
    finally:
        try:
            pdf.close()
        except Exception as exc:  # noqa: BLE001 - closing a damaged file can fail too; nothing is lost
            log.debug("PDF %s: close failed: %s", p, exc)
    unruled = [pg for pg in pages if pg.unruled]
    if unruled:
        edges = _text_columns([pg.unruled for pg in unruled])  # type: ignore[misc]
        for pg in unruled:
            part = _text_part(pg.number, pg.unruled, edges)  # type: ignore[arg-type]
            pg.elements = [part] if part else []
    if not any(pg.elements for pg in pages):
        raise ReadError(SCANNED if any(pg.has_images for pg in pages) else EMPTY, file=str(p))
    blank = [str(pg.number) for pg in pages if not pg.elements and pg.has_images]
    if blank:
        log.warning("%s：第%s页是扫描图像，没有文字层，未能读取", p, "、".join(blank))
    return [_build(str(path), pages)]


def _build(source: str, pages: list[_Page]) -> Grid:
    blocks: list[_Line | _Seq] = []
    seq: _Seq | None = None
    headings: set[str] = set()
    prev: _Page | None = None
    for page in pages:
        for k, e in enumerate(page.elements):
            if isinstance(e, _Part):
                if k == next(i for i, x in enumerate(page.elements) if isinstance(x, _Part)) and seq is not None \
                        and prev is not None and seq.parts[-1].page == prev.number and _continue(
                            seq, prev, page, e, headings):
                    continue
                seq = _Seq([])
                seq.add(e)
                blocks.append(seq)
            elif e.drop is None:
                blocks.append(e)
                if seq is None or not seq.rows:
                    headings.add(e.text)
        if page.elements:
            prev = page
        headings |= {e.text for e in page.elements if isinstance(e, _Line) and e.drop is None}
    numbers = _line_numbers(pages)
    grid = Grid(source=source, kind="pdf")
    for block in blocks:
        if isinstance(block, _Line):
            if block.drop is None:
                _emit_line(grid, block, numbers[id(block)])
        else:
            _emit_seq(grid, block, numbers)
    width = max((len(r) for r in grid.rows), default=0)
    for r, row in enumerate(grid.rows):
        while len(row) < width:
            c = row[-1] if row else None
            row.append(GridCell("", r, len(row), c.sheet if c else None, None, c.line if c else None))
    return grid


def _line_numbers(pages: list[_Page]) -> dict:
    """Each visible row of each page numbered from the top: text lines and table row bands."""
    numbers: dict = {}
    for page in pages:
        items: list[tuple[float, float, object]] = []
        for e in page.elements:
            if isinstance(e, _Line):
                if e.drop != HIDDEN:
                    items.append((e.top, e.x0, id(e)))
            else:
                for b in range(e.nbands):
                    items.append((e.bands[b], e.x0, (id(e), b)))
        for n, (_, _, key) in enumerate(sorted(items, key=lambda t: (t[0], t[1])), start=1):
            numbers[key] = n
    return numbers


def _emit_line(grid: Grid, line: _Line, n: int) -> None:
    r = len(grid.rows)
    sheet = f"第{line.page}页"
    grid.rows.append([
        GridCell(text, r, c, sheet, f"第{n}行" + (f"第{c + 1}格" if c else ""), n)
        for c, text in enumerate(line.pieces)
    ])


def _emit_seq(grid: Grid, seq: _Seq, numbers: dict) -> None:
    base = len(grid.rows)
    edges = _cluster([x for c in seq.cells for x in (c.x0, c.x1)])
    ncols = max(len(edges) - 1, 1)
    where = []
    for part, band in seq.rows:
        where.append((f"第{part.page}页", numbers[(id(part), band)]))
    spans: dict[tuple[int, int], _Cell] = {}
    for c in seq.cells:
        c0, c1 = _nearest(edges, c.x0), _nearest(edges, c.x1)
        if c1 <= c0:
            continue
        for r in range(c.r0, c.r1):
            for col in range(c0, c1):
                spans.setdefault((r, col), c)
    origin_of: dict[int, tuple[int, int]] = {}
    sizes: dict[int, int] = {}
    for (r, col), c in sorted(spans.items()):
        origin_of.setdefault(id(c), (base + r, col))
        sizes[id(c)] = sizes.get(id(c), 0) + 1
    for r in range(len(seq.rows)):
        sheet, n = where[r]
        row = []
        for col in range(ncols):
            cell = spans.get((r, col))
            ref = f"第{n}行第{col + 1}列"
            if cell is None:
                row.append(GridCell("", base + r, col, sheet, ref, n))
                continue
            origin = origin_of[id(cell)] if sizes[id(cell)] > 1 else None
            row.append(GridCell(cell.text, base + r, col, sheet, ref, n, origin))
        grid.rows.append(row)
