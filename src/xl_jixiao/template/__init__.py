"""The template workbook: building it, filling it from a model, and generating samples.

* :func:`build_template` / :func:`write_template` — an empty template for a scheme.
* :func:`write_submission` — a :class:`~xl_jixiao.model.Submission` as a filled template.
* :func:`generate_samples` — realistic filled unit workbooks, optionally with known defects.
"""

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
