"""Readers: workbooks and forms → :class:`~xl_jixiao.model.Submission`.

* :func:`load_sheets` — every sheet's values (python-calamine);
* :func:`submission_from_sheets` — a template workbook's values → a submission
  (pure; the xlwings layer passes a live book's ``used_range`` values);
* :func:`read_source` — a file on disk, whatever it is: the one place that
  decides which reader a file goes to (template reader, else the form importer)
  and why a file cannot be used (:func:`probe`);
* :func:`read_submission` — :func:`read_source` without the import notes.

Reading *and checking* a file is :func:`xl_jixiao.pipeline.read_and_check`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from xl_jixiao.errors import ReadError
from xl_jixiao.model import Submission
from xl_jixiao.readers.grid import PDF_SUFFIXES  # published forms: the PDF reader says why one cannot be read
from xl_jixiao.readers.template import (
    SUPPORTED_SUFFIXES,
    Sheets,
    cell_text,
    find_tables,
    is_template,
    load_sheets,
    open_sheets,
    submission_from_sheets,
)

__all__ = [
    "load_sheets",
    "submission_from_sheets",
    "read_source",
    "read_submission",
    "probe",
    "SourceRead",
    "is_template",
    "cell_text",
    "Sheets",
    "READER_TEMPLATE",
    "READER_LEGACY",
    "READER_LIVE",
]

READER_TEMPLATE = "template"
READER_LEGACY = "legacy"
READER_LIVE = "live"

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb")
OOXML_SUFFIXES = (".xlsx", ".xlsm", ".xlsb")
FORM_SUFFIXES = (".docx", ".txt", ".md", ".csv", ".tsv", ".pdf")
ZIP_MAGIC = b"PK\x03\x04"
CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass
class SourceRead:
    """What reading one source gave: the submission, the reader used and the importer's notes."""

    submission: Submission
    reader: str  # READER_TEMPLATE | READER_LEGACY | READER_LIVE
    notes: list[str] = field(default_factory=list)


XLSB_REASON = "这是 Excel 二进制工作簿（.xlsb），不支持：请在 Excel 中「另存为」.xlsx 后再提交"


def probe(path: str | Path, data: bytes | None = None) -> str | None:
    """Why a file cannot be a submission, judged from its name and first bytes; ``None`` if it may be one.

    ``data``: the file's bytes when the caller read them already (the file is then not opened).
    """
    from xl_jixiao.inbox import os_error_text

    p = Path(path)
    suffix = p.suffix.lower()
    if p.name.startswith("~$"):
        return "这是 Excel 打开工作簿时留下的临时锁定文件，不是提交的工作簿"
    if data is not None:
        size, head = len(data), data[:8]
    else:
        try:
            if p.is_dir():
                return "这是一个文件夹，不是工作簿"
            size = p.stat().st_size
            with open(p, "rb") as f:
                head = f.read(8)
        except FileNotFoundError:
            return "文件不存在"
        except OSError as exc:
            return os_error_text(OSError(exc.errno, exc.strerror))
    if size == 0:
        return "空文件（0 字节）"
    if suffix == ".xlsb":
        return XLSB_REASON
    if suffix not in WORKBOOK_SUFFIXES:
        if suffix in FORM_SUFFIXES:
            if head.startswith(CFB_MAGIC) and suffix == ".docx" and is_encrypted(p, data):
                return "Word 文档设有打开密码（已加密），无法读取：请去掉密码后再提交"
            return None  # a Word or text form: the importer decides
        if suffix in (".doc", ".wps", ".et"):
            return f"不支持的文件类型「{suffix}」：请另存为 .docx 或 .xlsx 后再提交"
        return f"不支持的文件类型「{suffix or '无扩展名'}」（支持 .xlsx、.xlsm、.xls 工作簿和 PDF）"
    if head.startswith(CFB_MAGIC):
        if is_encrypted(p, data):
            return "工作簿设有打开密码（已加密），无法读取：请去掉密码后再提交"
        if suffix in OOXML_SUFFIXES:
            return "加密或不是有效的工作簿：文件是复合文档格式，与扩展名不符"
        return None
    if head.startswith(ZIP_MAGIC):
        return None
    if suffix in OOXML_SUFFIXES:
        return "文件已损坏或不是有效的工作簿（内容不是 Excel 格式）"
    return "文件已损坏或不是有效的 .xls 工作簿"


def is_encrypted(path: str | Path, data: bytes | None = None) -> bool:
    """A compound file holding an encrypted workbook (Excel's 打开密码)."""
    import io

    import olefile

    try:
        with olefile.OleFileIO(data if data is not None else str(path)) as ole:
            if ole.exists("EncryptionInfo") or ole.exists("EncryptedPackage"):
                return True
    except Exception:  # noqa: BLE001 - not a readable compound file
        return False
    import msoffcrypto

    try:
        if data is not None:
            return bool(msoffcrypto.OfficeFile(io.BytesIO(data)).is_encrypted())
        with open(path, "rb") as f:
            return bool(msoffcrypto.OfficeFile(f).is_encrypted())
    except Exception:  # noqa: BLE001 - unknown compound file kinds
        return False


def _recognised(sub: Submission, p: Path) -> Submission:
    """An imported form must contain something: a project, a 部门整体 block or at least the unit's name."""
    if sub.projects or (sub.dept is not None and not sub.dept.is_empty()) or sub.unit_name:
        return sub
    raise ReadError("没有识别出绩效目标表的内容（既不是模板工作簿，也找不到项目或部门整体表格）", str(p))


def _import_form(p: Path, sha256: str | None, data: bytes | None = None) -> SourceRead:
    from xl_jixiao.readers.legacy import import_legacy

    sub, report = import_legacy(p, template_checked=True, sha256=sha256, data=data)
    notes = list(report.notes)
    if report.unplaced:
        notes.append(f"未能确定位置的单元格 {len(report.unplaced)} 个（原文照录，请核对）")
    return SourceRead(_recognised(sub, p), READER_LEGACY, notes)


def read_source(path: str | Path, *, sha256: str | None = None, data: bytes | None = None) -> SourceRead:
    """Read one submission from disk, each file parsed once per reader.

    ``data``: the file's bytes, read once by the caller (:func:`xl_jixiao.inbox.read_once`);
    every reader then parses these bytes, never the file again.

    Template workbooks (``.xlsx/.xlsm/.xls`` with the 项目信息/绩效指标 sheets) go
    through the template reader; other workbooks and forms (older layouts,
    ``.docx``, text dumps) through the form importer.  Raises :class:`ReadError`
    (in Chinese, naming the file) when the file cannot be used.
    """
    p = Path(path)
    reason = probe(p, data)
    if reason:
        raise ReadError(reason, str(p))
    if p.suffix.lower() not in SUPPORTED_SUFFIXES:
        try:
            return _import_form(p, sha256, data)
        except ReadError as exc:
            if p.suffix.lower() in PDF_SUFFIXES:
                raise
            raise ReadError(f"不支持的文件类型「{p.suffix}」：不是工作簿，按旧表导入也失败：{exc.reason}",
                            str(p), exc.sheet, exc.cell) from exc
    sheets = open_sheets(p, data)  # each sheet parsed when a reader first looks at it
    if "文件清单" in sheets and any(name.startswith("项目明细") for name in sheets):
        from xl_jixiao.inbox import OwnOutput

        raise OwnOutput("summary", str(p))  # a summary written before outputs carried their marker
    tables = find_tables(sheets)
    if tables is not None:  # a template workbook (or a flat export): its tables found once, read once
        sub = submission_from_sheets(sheets, file=str(p), tables=tables)
        if sub.source is not None and sha256:
            sub.source.sha256 = sha256
        return SourceRead(sub, READER_TEMPLATE)
    # (a workbook whose tables were found is not empty: their headers are cells)
    if not any(v not in (None, "") for rows in sheets.values() for r in rows for v in r):
        raise ReadError("工作簿是空的（没有任何内容）", str(p))
    del sheets
    try:
        return _import_form(p, sha256, data)
    except ReadError as exc:
        raise ReadError("不是绩效目标模板工作簿（找不到「项目信息」「绩效指标」工作表及表头），按旧表导入也失败："
                        + exc.reason, str(p), exc.sheet, exc.cell) from exc


def read_submission(path: str | Path) -> Submission:
    """The submission in one file (see :func:`read_source`)."""
    return read_source(path).submission
