"""A workbook's content as plain data, to compare workbooks regardless of their bytes."""

from __future__ import annotations

from xl_jixiao.template.io import load_workbook_quietly as load_workbook


def plain_value(v):
    """A cell's value; an array formula as ``("array", range, formula)``."""
    text = getattr(v, "text", None)
    return ("array", v.ref, text) if text is not None and hasattr(v, "ref") else v


def workbook_content(path) -> dict:
    """Cell values and formulas, validations, conditional formats, defined names, merges,
    protection and view settings of every sheet."""
    wb = load_workbook(path)
    out: dict = {"sheets": wb.sheetnames,
                 "names": sorted((n, d.attr_text) for n, d in wb.defined_names.items())}
    for ws in wb.worksheets:
        cells = {c.coordinate: plain_value(c.value) for row in ws.iter_rows() for c in row if c.value is not None}
        dvs = sorted(
            (str(dv.sqref), dv.type, dv.formula1, dv.formula2, dv.operator, dv.errorStyle,
             dv.prompt, dv.error, dv.allow_blank)
            for dv in ws.data_validations.dataValidation
        )
        cfs = sorted(
            (str(rng.sqref), tuple(tuple(rule.formula or ()) for rule in rules))
            for rng, rules in ws.conditional_formatting._cf_rules.items()
        )
        out[ws.title] = {
            "state": ws.sheet_state,
            "protected": bool(ws.protection.sheet),
            "freeze": ws.freeze_panes,
            "print_titles": ws.print_title_rows,
            "sheet_names": sorted((n, d.attr_text) for n, d in ws.defined_names.items()),
            "merged": sorted(str(r) for r in ws.merged_cells.ranges),
            "widths": {k: d.width for k, d in sorted(ws.column_dimensions.items()) if d.width},
            "cells": cells,
            "validations": dvs,
            "conditional": cfs,
        }
    return out
