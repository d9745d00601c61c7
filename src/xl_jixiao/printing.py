"""How every output looks on paper: fonts, number formats and page setup.

Finance staff print, stamp and send these workbooks, so every sheet a writer
produces says how it prints: orientation, one page wide, the header rows repeated
on each page, a fixed print area (every engine honours a static range; a formula
print area is ignored by LibreOffice and lost by openpyxl), page breaks between
sections, and a header with the sheet's title and a footer ``第 &P 页 共 &N 页``.

A :class:`PageSetup` is plain data.  :func:`apply` puts it on an openpyxl
worksheet; :func:`worksheet_xml` and :func:`defined_names` render it for the
streaming summary writer (:mod:`xl_jixiao.consolidate.xlsx`).  Writers choose
the data; nothing about printing is repeated per writer.

Fonts are the ones Chinese Windows and WPS always have: 宋体 for tables, 黑体 for
titles (仿宋_GB2312 and similar official fonts are not installed everywhere).
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass

TABLE_FONT = "宋体"
HEADING_FONT = "黑体"
FONT_CHARSET = 134  # GB2312: tells Excel and WPS the font is Chinese
FONT_SIZE = 11

MONEY_FORMAT = "#,##0.00"
"""Money as a person reads it: two decimals (the cell keeps the full value)."""

PAGE_NUMBER = "第 &P 页 共 &N 页"

A4 = 9  # paperSize code


@dataclass(frozen=True)
class PageSetup:
    """How one worksheet prints.

    ``title`` goes to the centre of the page header and ``header_right`` (in ``header_right_color``,
    RRGGBB) to its right; the content is scaled to ``pages_wide``
    pages across (0: not scaled), and to one page tall with ``fit_height``; ``title_rows``
    (first, last) repeat at the top of every page and ``title_cols`` (``("A", "C")``) at the
    left of every page; ``area`` is a static A1 range (``A1:M40``); ``row_breaks`` are rows
    after which a new page starts.
    """

    title: str = ""
    landscape: bool = True
    pages_wide: int = 1
    fit_height: bool = False
    title_rows: tuple[int, int] | None = None
    title_cols: tuple[str, str] | None = None
    area: str | None = None
    row_breaks: tuple[int, ...] = ()
    center: bool = True
    margins: tuple[float, float, float, float] = (0.4, 0.4, 0.7, 0.6)  # left, right, top, bottom (inches)
    header_margin: float = 0.3
    footer_margin: float = 0.3
    header_right: str = ""
    header_right_color: str | None = None

    @property
    def header_text(self) -> str:
        text = ""
        if self.title:  # the space ends the size: titles start with digits
            text = f'&C&"{HEADING_FONT},常规"&12 {_escape(self.title)}'
        if self.header_right:
            color = f"&K{self.header_right_color}" if self.header_right_color else ""
            text += f"&R{color}{_escape(self.header_right)}"
        return text

    @property
    def footer_text(self) -> str:
        return f'&C&"{TABLE_FONT},常规"&9 {PAGE_NUMBER}'

    def with_area(self, area: str | None) -> PageSetup:
        from dataclasses import replace

        return replace(self, area=area)


def _escape(text: str) -> str:
    """Header/footer text: ``&`` introduces a code, a literal one is written ``&&``."""
    return text.replace("&", "&&")


# ------------------------------------------------------------------ openpyxl


def font(*, bold: bool = False, size: float = FONT_SIZE, heading: bool = False, color: str | None = None,
         underline: str | None = None):
    """An openpyxl ``Font`` in the house fonts (named explicitly: no theme font, no Calibri)."""
    from openpyxl.styles import Font

    return Font(name=HEADING_FONT if heading else TABLE_FONT, charset=FONT_CHARSET, size=size,
                bold=bold, color=color, underline=underline)


_LOOKS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # workbook → {look: (style indexes, objects)}


def style(cell, *, font=None, alignment=None, border=None, fill=None, number_format: str | None = None) -> None:
    """Give an openpyxl cell these style objects, as ``cell.font = font`` &c. would.

    openpyxl finds a style object's index in the workbook by hashing it (every side of a border, every
    colour) each time one is assigned; a writer giving thousands of cells the same few looks pays that on
    every cell.  Here each look (a cell's style before, and the same objects) is worked out once per
    workbook and later cells copy the resulting indexes.  Pass shared objects (module constants, cached
    fonts): a look is known by its objects' identity.
    """
    from copy import copy

    values = (font, alignment, border, fill, number_format)
    before = cell._style  # None: never styled
    key = (None if before is None else tuple(before), *map(id, values))
    looks = _LOOKS.setdefault(cell.parent.parent, {})
    known = looks.get(key)
    if known is not None:
        cell._style = copy(known[0])
        return
    for name, value in zip(("font", "alignment", "border", "fill", "number_format"), values):
        if value is not None:
            setattr(cell, name, value)
    looks[key] = (copy(cell._style), values)  # the objects stay alive, so their ids stay theirs


def use_house_fonts(wb) -> None:
    """Make 宋体 the default font of a new openpyxl workbook (the font of unstyled cells).

    Call before any cell is styled: it replaces the workbook's first font (openpyxl's Calibri,
    a theme font that Excel would show as 等线/Calibri whatever its name says).
    """
    from openpyxl.styles import Font
    from openpyxl.utils.indexed_list import IndexedList

    base = Font(name=TABLE_FONT, charset=FONT_CHARSET, family=3, sz=FONT_SIZE)
    fonts = list(wb._fonts)  # openpyxl keeps the default font at index 0
    fonts[0] = base
    wb._fonts = IndexedList(fonts)
    for style in wb._named_styles:
        if style.name == "Normal":
            style.font = base


def apply(ws, setup: PageSetup) -> None:
    """Put ``setup`` on an openpyxl worksheet."""
    from openpyxl.worksheet.pagebreak import Break, RowBreak

    ps = ws.page_setup
    ps.paperSize = A4
    ps.orientation = "landscape" if setup.landscape else "portrait"
    fit = bool(setup.pages_wide or setup.fit_height)
    ws.sheet_properties.pageSetUpPr.fitToPage = fit
    ps.fitToWidth = setup.pages_wide
    ps.fitToHeight = 1 if setup.fit_height else 0
    ws.print_options.horizontalCentered = setup.center
    m = ws.page_margins
    m.left, m.right, m.top, m.bottom = setup.margins
    m.header, m.footer = setup.header_margin, setup.footer_margin
    ws.oddHeader.center.text = None
    if setup.title:
        ws.oddHeader.center.text = _escape(setup.title)
        ws.oddHeader.center.font = f"{HEADING_FONT},常规"
        ws.oddHeader.center.size = 12
    if setup.header_right:
        ws.oddHeader.right.text = _escape(setup.header_right)
        ws.oddHeader.right.color = setup.header_right_color
    ws.oddFooter.center.text = PAGE_NUMBER
    ws.oddFooter.center.font = f"{TABLE_FONT},常规"
    ws.oddFooter.center.size = 9
    ws.print_title_rows = f"{setup.title_rows[0]}:{setup.title_rows[1]}" if setup.title_rows else None
    ws.print_title_cols = f"{setup.title_cols[0]}:{setup.title_cols[1]}" if setup.title_cols else None
    ws.defined_names.pop("_xlnm.Print_Area", None)
    if setup.area:
        ws.print_area = setup.area
    breaks = RowBreak()
    for r in setup.row_breaks:
        breaks.append(Break(id=r))
    ws.row_breaks = breaks


# ------------------------------------------------------------------ SpreadsheetML


def sheet_properties_xml(setup: PageSetup | None, tab_color: str | None = None) -> str:
    """``<sheetPr>`` (first child of ``<worksheet>``); ``tab_color`` RRGGBB."""
    tab = f'<tabColor rgb="FF{tab_color}"/>' if tab_color else ""
    fit = '<pageSetUpPr fitToPage="1"/>' if setup is not None and (setup.pages_wide or setup.fit_height) else ""
    return f"<sheetPr>{tab}{fit}</sheetPr>" if tab or fit else ""


def worksheet_xml(setup: PageSetup | None) -> str:
    """``printOptions`` … ``rowBreaks`` in schema order (after ``hyperlinks``, before ``drawing``)."""
    if setup is None:
        return '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
    left, right, top, bottom = setup.margins
    parts = []
    if setup.center:
        parts.append('<printOptions horizontalCentered="1"/>')
    parts.append(f'<pageMargins left="{left}" right="{right}" top="{top}" bottom="{bottom}" '
                 f'header="{setup.header_margin}" footer="{setup.footer_margin}"/>')
    parts.append(f'<pageSetup paperSize="{A4}" orientation="{"landscape" if setup.landscape else "portrait"}" '
                 f'fitToWidth="{setup.pages_wide}" fitToHeight="{1 if setup.fit_height else 0}"/>')
    head = f"<oddHeader>{_xml_escape(setup.header_text)}</oddHeader>" if setup.header_text else ""
    parts.append(f"<headerFooter>{head}<oddFooter>{_xml_escape(setup.footer_text)}</oddFooter></headerFooter>")
    if setup.row_breaks:
        n = len(setup.row_breaks)
        brks = "".join(f'<brk id="{r}" max="16383" man="1"/>' for r in setup.row_breaks)
        parts.append(f'<rowBreaks count="{n}" manualBreakCount="{n}">{brks}</rowBreaks>')
    return "".join(parts)


def _xml_escape(text: str) -> str:
    """Text for an XML text node (what ``xml.sax.saxutils.escape`` does, without importing urllib)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _absolute(ref: str) -> str:
    import re

    return re.sub(r"([A-Z]+)(\d+)", r"$\1$\2", ref)


def defined_names(setup: PageSetup | None, quoted_sheet: str) -> list[tuple[str, str]]:
    """Workbook-level names a sheet's setup needs: ``[(name, formula), …]`` (local to that sheet)."""
    if setup is None:
        return []
    out = []
    if setup.area:
        out.append(("_xlnm.Print_Area", f"{quoted_sheet}!{_absolute(setup.area)}"))
    titles = []
    if setup.title_cols:
        titles.append(f"{quoted_sheet}!${setup.title_cols[0]}:${setup.title_cols[1]}")
    if setup.title_rows:
        titles.append(f"{quoted_sheet}!${setup.title_rows[0]}:${setup.title_rows[1]}")
    if titles:
        out.append(("_xlnm.Print_Titles", ",".join(titles)))
    return out


# ------------------------------------------------------------------ sizing text


def text_width(text: str) -> int:
    """Display width in Excel character units: CJK, full-width and (in 宋体) ambiguous characters such as
    —“”… count 2."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WFA" else 1 for ch in text)


def lines_needed(text: object, column_width: float) -> int:
    """How many wrapped lines ``text`` takes in a column ``column_width`` characters wide."""
    if text is None or text == "":
        return 1
    usable = max(1.0, column_width - 1.5)
    text = str(text)
    if "\n" not in text and 2 * len(text) <= int(usable):  # fits even if every character is wide
        return 1
    total = 0
    for part in text.split("\n"):
        total += max(1, -(-text_width(part) // int(usable)))
    return total


LINE_HEIGHT = 14.5
"""Points per line of 11-point 宋体 (with the cell's padding added once)."""


def row_height(lines: int, base: float = 15.0) -> float:
    return max(base, LINE_HEIGHT * lines + 3)
