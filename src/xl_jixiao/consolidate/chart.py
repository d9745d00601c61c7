"""Native Excel bar charts (DrawingML chart parts) for the 统计 sheet.

Written directly rather than through openpyxl's chart classes: importing
openpyxl costs more than writing a whole warm-cache summary.
"""

from __future__ import annotations

from xl_jixiao.consolidate.xlsx import quote_sheet, xml_attr, xml_text
from xl_jixiao.printing import TABLE_FONT

_NS = ('xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart" '
       'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
       'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"')

_COLORS = ("4472C4", "ED7D31", "A5A5A5", "FFC000", "5B9BD5", "70AD47")


def _ref(sheet: str, col: str, first: int, last: int | None = None) -> str:
    if last is None or last == first:
        return f"{quote_sheet(sheet)}!${col}${first}"
    return f"{quote_sheet(sheet)}!${col}${first}:${col}${last}"


def _rich(text: str, size: int = 1400, bold: bool = True) -> str:
    b = ' b="1"' if bold else ' b="0"'
    return ("<c:tx><c:rich><a:bodyPr/><a:lstStyle/><a:p><a:pPr>"
            f'<a:defRPr sz="{size}"{b}/></a:pPr><a:r><a:rPr lang="zh-CN" sz="{size}"{b}>{_FACE}</a:rPr>'
            f"<a:t>{xml_text(text)}</a:t></a:r></a:p></c:rich></c:tx>")


_FACE = f'<a:latin typeface="{TABLE_FONT}"/><a:ea typeface="{TABLE_FONT}"/>'


def _text_props(size: int) -> str:
    """Font of an axis' labels (or the whole chart's text): 宋体 at ``size`` hundredths of a point."""
    return ("<c:txPr><a:bodyPr/><a:lstStyle/><a:p><a:pPr>"
            f'<a:defRPr sz="{size}">{_FACE}</a:defRPr></a:pPr><a:endParaRPr lang="zh-CN"/></a:p></c:txPr>')


def bar_chart(title: str, sheet: str, cat_col: str, first_row: int, last_row: int,
              series: list[tuple[str, str]], horizontal: bool = False, stacked: bool = False,
              value_axis_title: str | None = None) -> bytes:
    """A bar chart over rows ``first_row..last_row`` of ``sheet``.

    Every category is labelled (no label skipped however many there are); the caller gives the
    chart room for them.

    ``series`` is ``[(value column letter, header row's column letter for the name), …]`` — the
    series name is read from the header cell just above ``first_row``.
    """
    header_row = first_row - 1
    sers = []
    for i, (col, _) in enumerate(series):
        color = _COLORS[i % len(_COLORS)]
        sers.append(
            f'<c:ser><c:idx val="{i}"/><c:order val="{i}"/>'
            f"<c:tx><c:strRef><c:f>{xml_text(_ref(sheet, col, header_row))}</c:f></c:strRef></c:tx>"
            f'<c:spPr><a:solidFill><a:srgbClr val="{color}"/></a:solidFill></c:spPr>'
            '<c:invertIfNegative val="0"/>'
            f"<c:cat><c:strRef><c:f>{xml_text(_ref(sheet, cat_col, first_row, last_row))}</c:f></c:strRef></c:cat>"
            f"<c:val><c:numRef><c:f>{xml_text(_ref(sheet, col, first_row, last_row))}</c:f></c:numRef></c:val>"
            "</c:ser>")
    grouping = "stacked" if stacked else "clustered"
    overlap = '<c:overlap val="100"/>' if stacked else ""
    axis_title = ""
    if value_axis_title:
        axis_title = f"<c:title>{_rich(value_axis_title, 1000, False)}<c:overlay val=\"0\"/></c:title>"
    cat_pos, val_pos = ("l", "b") if horizontal else ("b", "l")
    legend = ('<c:legend><c:legendPos val="b"/><c:overlay val="0"/></c:legend>' if len(series) > 1 else "")
    xml = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f"<c:chartSpace {_NS}><c:roundedCorners val=\"0\"/><c:chart>"
        f"<c:title>{_rich(title)}<c:overlay val=\"0\"/></c:title><c:autoTitleDeleted val=\"0\"/>"
        "<c:plotArea><c:layout/>"
        f'<c:barChart><c:barDir val="{"bar" if horizontal else "col"}"/><c:grouping val="{grouping}"/>'
        '<c:varyColors val="0"/>' + "".join(sers)
        + f'<c:gapWidth val="80"/>{overlap}<c:axId val="500010"/><c:axId val="500020"/></c:barChart>'
        f'<c:catAx><c:axId val="500010"/><c:scaling><c:orientation val="{"maxMin" if horizontal else "minMax"}"/>'
        f'</c:scaling><c:delete val="0"/><c:axPos val="{cat_pos}"/><c:numFmt formatCode="General" sourceLinked="0"/>'
        '<c:majorTickMark val="none"/><c:minorTickMark val="none"/><c:tickLblPos val="nextTo"/>'
        + _text_props(900) +
        '<c:crossAx val="500020"/><c:crosses val="autoZero"/><c:auto val="1"/><c:lblAlgn val="ctr"/>'
        '<c:lblOffset val="100"/><c:tickLblSkip val="1"/><c:noMultiLvlLbl val="0"/></c:catAx>'
        '<c:valAx><c:axId val="500020"/><c:scaling><c:orientation val="minMax"/></c:scaling><c:delete val="0"/>'
        f'<c:axPos val="{val_pos}"/><c:majorGridlines/>{axis_title}'
        '<c:numFmt formatCode="#,##0" sourceLinked="0"/><c:majorTickMark val="none"/><c:minorTickMark val="none"/>'
        '<c:tickLblPos val="nextTo"/><c:crossAx val="500010"/><c:crosses val="autoZero"/>'
        '<c:crossBetween val="between"/></c:valAx></c:plotArea>'
        f'{legend}<c:plotVisOnly val="1"/><c:dispBlanksAs val="gap"/></c:chart>{_text_props(1000)}</c:chartSpace>')
    return xml.encode("utf-8")


__all__ = ["bar_chart", "xml_attr"]
