"""The template workbook: building it, filling it from a model, and generating samples.

* :func:`build_template` / :func:`write_template` — an empty template for a scheme.
* :func:`write_submission` — a :class:`~xl_jixiao.model.Submission` as a filled template.
* :func:`generate_samples` — realistic filled unit workbooks, optionally with known defects.

The names are imported on first use, so that ``xl_jixiao.template.io`` (saving files atomically,
used by every writer) does not bring in openpyxl and the builder with it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from xl_jixiao.lazy import lazy_names

if TYPE_CHECKING:
    from xl_jixiao.template.build import (
        DEPT_INDICATOR_HEADER_ROW,
        build_template,
        col,
        dept_value_cell,
        first_data_row,
        header_row,
        unit_value_cell,
        write_template,
    )
    from xl_jixiao.template.fill import fill_workbook, write_submission
    from xl_jixiao.template.samples import generate_samples

_HOME = {
    "DEPT_INDICATOR_HEADER_ROW": "build",
    "build_template": "build",
    "col": "build",
    "dept_value_cell": "build",
    "first_data_row": "build",
    "header_row": "build",
    "unit_value_cell": "build",
    "write_template": "build",
    "fill_workbook": "fill",
    "write_submission": "fill",
    "generate_samples": "samples",
}

__all__ = [
    "DEPT_INDICATOR_HEADER_ROW",
    "build_template",
    "col",
    "dept_value_cell",
    "fill_workbook",
    "first_data_row",
    "generate_samples",
    "header_row",
    "unit_value_cell",
    "write_submission",
    "write_template",
]


__getattr__ = lazy_names(__name__, _HOME, globals())
