"""Readers: workbooks and forms → :class:`~xl_jixiao.model.Submission`.

* :func:`load_sheets` — every sheet's values (python-calamine);
* :func:`submission_from_sheets` — a template workbook's values → a submission
  (pure; the xlwings layer passes a live book's ``used_range`` values);
* :func:`read_submission` — a file on disk: template workbooks through the
  template reader, anything else through the form importer when it is installed.
"""

from __future__ import annotations

import importlib
from pathlib import Path

from xl_jixiao.errors import ReadError
from xl_jixiao.model import Submission
from xl_jixiao.readers.template import (
    SUPPORTED_SUFFIXES,
    Sheets,
    a1,
    cell_text,
    col_letter,
    is_template,
    load_sheets,
    submission_from_sheets,
)

__all__ = [
    "load_sheets",
    "submission_from_sheets",
    "read_submission",
    "is_template",
    "a1",
    "col_letter",
    "cell_text",
    "Sheets",
]


def _legacy_reader():
    try:
        mod = importlib.import_module("xl_jixiao.readers.legacy")
    except ImportError:
        return None
    return getattr(mod, "read_legacy", None)


def _recognised(sub: Submission, p: Path) -> Submission:
    """An imported form must contain something: a project, a 部门整体 block or at least the unit's name."""
    if sub.projects or (sub.dept is not None and not sub.dept.is_empty()) or sub.unit_name:
        return sub
    raise ReadError("没有识别出绩效目标表的内容（既不是模板工作簿，也找不到项目或部门整体表格）", str(p))


def read_submission(path: str | Path) -> Submission:
    """Read one submission from disk.

    Template workbooks (``.xlsx/.xlsm/.xls`` with the 项目信息/绩效指标 sheets) go
    through the template reader.  Other files (older forms, ``.docx``, text
    dumps) go to ``xl_jixiao.readers.legacy.read_legacy`` when that importer is
    available; otherwise a :class:`ReadError` explains why the file is unusable.
    """
    p = Path(path)
    if not p.exists():
        raise ReadError("文件不存在", str(p))
    if p.name.startswith("~$"):
        raise ReadError("这是 Excel 打开工作簿时留下的临时锁定文件，不是提交的工作簿", str(p))
    legacy = _legacy_reader()
    if p.suffix.lower() in SUPPORTED_SUFFIXES:
        sheets = load_sheets(p)
        if is_template(sheets):
            return submission_from_sheets(sheets, file=str(p))
        if legacy is not None:
            return _recognised(legacy(p), p)
        raise ReadError("不是绩效目标模板工作簿（找不到「项目信息」「绩效指标」工作表及表头），且未安装旧表导入功能", str(p))
    if legacy is not None:
        return _recognised(legacy(p), p)
    raise ReadError(f"不支持的文件类型「{p.suffix or '无扩展名'}」（支持 .xlsx、.xlsm、.xls）", str(p))
