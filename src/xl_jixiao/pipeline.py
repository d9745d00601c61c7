"""One file in, one :class:`FileResult` out: the single path that reads *and* checks.

``read_and_check(source, config) -> FileResult`` is what ``check``, the
consolidation workers, ``approve``, the review round and the Excel macros call;
nothing else reads and checks.  A ``FileResult`` carries everything anyone
downstream needs about one source: its identity (path, size, modification
time, SHA-256), the outcome with a Chinese reason, the reader used, the
importer's notes, the :class:`~xl_jixiao.model.Submission`, the findings and
the timings.  It never raises for a bad input: an unusable file is a result
with ``outcome="failed"`` and one JX504 finding.

Results are plain dataclasses: :meth:`FileResult.to_bytes` /
:meth:`FileResult.from_bytes` (a compact positional form, validated on the way
back in, see :mod:`xl_jixiao.stored`) are what the consolidation cache stores.
"""

from __future__ import annotations

import hashlib
import logging
import os
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from xl_jixiao import deflate
from xl_jixiao.config import Config, default_config
from xl_jixiao.errors import ReadError
from xl_jixiao.model import Finding, Severity, Submission, adapter
from xl_jixiao.version import RESULT_FORMAT, __version__

if TYPE_CHECKING:
    from xl_jixiao.inbox import Snapshot

log = logging.getLogger(__name__)

Outcome = Literal["template", "legacy", "live", "failed", "skipped"]

OUTCOME_LABELS: dict[str, str] = {
    "template": "已汇总",
    "legacy": "已导入（非模板）",
    "live": "已读取（打开中的工作簿）",
    "skipped": "跳过",
    "failed": "无法读取",
}

STATUS_PASS = "通过"
STATUS_RETURN = "退回修改"
STATUS_UNUSABLE = "无法使用"
STATUS_SKIPPED = "跳过"

LEGACY_MESSAGE = "不是已知版本的模板，已按表格自身的版式识别读取（问题指向原表的单元格），请核对识别结果"
LEGACY_SUGGESTION = "改用当年下发的模板填写，或用 xl-jixiao import 转成模板后再提交"
UNREADABLE_SUGGESTION = "请单位重新提交可以打开、未加密的绩效目标模板工作簿"

Sheets = dict[str, list[list[object]]]
Origins = dict[str, tuple[int, int]]


@dataclass
class LiveSource:
    """An open workbook's values (the xlwings layer reads them): ``sheets`` and each array's 0-based origin."""

    name: str
    sheets: Sheets
    origins: Origins | None = None


Source = str | os.PathLike[str] | LiveSource


@dataclass(kw_only=True)
class Timings:
    """Seconds spent on one source."""

    __pydantic_config__ = {"extra": "forbid"}

    read: float = 0.0  # seconds spent hashing and reading
    check: float = 0.0  # seconds spent in the rules
    total: float = 0.0


@dataclass(kw_only=True)
class FileResult:
    """Everything about one source after reading and checking it."""

    __pydantic_config__ = {"extra": "forbid"}

    format: int = RESULT_FORMAT
    package_version: str = __version__
    path: str
    """The source as given (a path, or a live book's name)."""
    display: str | None = None
    """How the source is shown (e.g. relative to the consolidated folder); defaults to ``path``."""
    size: int | None = None
    mtime_ns: int | None = None
    sha256: str | None = None
    outcome: Outcome = "failed"
    reason: str = ""
    """Chinese: why the file could not be used, or how it was read when that needs saying."""
    reader: str | None = None
    """``template``, ``legacy`` (the form importer) or ``live``; ``None`` when nothing could be read."""
    import_notes: list[str] = field(default_factory=list)
    submission: Submission | None = None
    """What was read; ``None`` when nothing could be, or when the caller asked for the findings only
    (:func:`xl_jixiao.api.check` with ``submissions=False``)."""
    findings: list[Finding] = field(default_factory=list)
    timings: Timings = field(default_factory=Timings)

    # ------------------------------------------------------------ queries
    @property
    def name(self) -> str:
        return self.display or self.path

    @property
    def usable(self) -> bool:
        """The source was read and checked: its findings are complete (see ``submission`` for its data)."""
        return self.outcome in ("template", "legacy", "live")

    def count(self, severity: Severity | str) -> int:
        """Findings of ``severity`` that a reviewer has not accepted."""
        sev = Severity(severity)
        return sum(1 for f in self.findings if f.severity == sev and not f.suppressed)

    @property
    def errors(self) -> int:
        return self.count(Severity.ERROR)

    @property
    def warnings(self) -> int:
        return self.count(Severity.WARNING)

    @property
    def status(self) -> str:
        """通过 / 退回修改 / 无法使用 / 跳过."""
        if self.outcome == "skipped":
            return STATUS_SKIPPED
        if not self.usable:
            return STATUS_UNUSABLE
        return STATUS_RETURN if self.errors else STATUS_PASS

    @property
    def status_reason(self) -> str:
        """The status in a sentence a finance user reads."""
        if self.outcome == "skipped":
            return f"跳过：{self.reason}"
        if not self.usable:
            return f"无法使用：{self.reason}"
        text = f"错误 {self.errors} 个，警告 {self.warnings} 个"
        if self.outcome == "legacy":
            text += "（按旧表导入）"
        return text

    @property
    def outcome_label(self) -> str:
        return OUTCOME_LABELS.get(self.outcome, self.outcome)

    # ------------------------------------------------------------ storage
    def to_bytes(self) -> bytes:
        """The compact stored form (:mod:`xl_jixiao.stored`): plain data by position, pickled and compressed."""
        import pickle

        from xl_jixiao.stored import encode

        return deflate.compress(pickle.dumps((RESULT_FORMAT, encode(self, self.path)), pickle.HIGHEST_PROTOCOL), 1)

    @classmethod
    def from_bytes(cls, blob: bytes) -> FileResult:
        """A stored result, validated like any data from outside; raises ``ValueError`` when it is damaged or
        of another format."""
        import pickle

        from xl_jixiao.stored import decode, plain_loads

        try:
            got = plain_loads(deflate.decompress(blob))
        except deflate.ERRORS + (pickle.UnpicklingError, EOFError, TypeError, IndexError, KeyError) as exc:
            raise ValueError(f"stored result is damaged: {exc}") from None
        if type(got) is not tuple or len(got) != 2 or got[0] != RESULT_FORMAT:
            raise ValueError("stored result has another format")
        res = adapter(cls).validate_python(decode(cls, got[1], "path"))
        if res.format != RESULT_FORMAT:
            raise ValueError("stored result has another format")
        return res


# ------------------------------------------------------------------ helpers


def file_sha256(path: str | os.PathLike[str]) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _where(exc: ReadError) -> str:
    parts = []
    if exc.sheet:
        parts.append(f"工作表「{exc.sheet}」")
    if exc.cell:
        parts.append(f"单元格 {exc.cell}")
    return ("，".join(parts) + "：" if parts else "") + exc.reason


def unreadable_finding(reason: str, file: str, config: Config, *, sheet: str | None = None,
                       cell: str | None = None) -> Finding:
    """The JX504 finding of a source that cannot be used."""
    from xl_jixiao.rules.files import file_finding

    return file_finding("JX504", f"文件无法使用：{reason}", file=file, sheet=sheet, cell=cell,
                        suggestion=UNREADABLE_SUGGESTION, config=config)


@dataclass
class Identity:
    """What a file on disk is, before anything reads it."""

    size: int | None = None
    mtime_ns: int | None = None
    sha256: str | None = None


def failed_result(path: str, reason: str, config: Config | None = None, *, display: str | None = None,
                  sheet: str | None = None, cell: str | None = None, identity: Identity | None = None,
                  timings: Timings | None = None) -> FileResult:
    """A result for a source that cannot be used: the reason and its JX504 finding."""
    config = config or default_config()
    findings = [unreadable_finding(reason, path, config, sheet=sheet, cell=cell)] if config.enabled("JX504") else []
    ident = identity or Identity()
    return FileResult(path=path, display=display, outcome="failed", reason=reason, findings=findings,
                      size=ident.size, mtime_ns=ident.mtime_ns, sha256=ident.sha256, timings=timings or Timings())


def skipped_result(path: str, reason: str, *, display: str | None = None) -> FileResult:
    return FileResult(path=path, display=display, outcome="skipped", reason=reason)


def _checked(sub: Submission, file: str, reader: str, config: Config) -> list[Finding]:
    from xl_jixiao.rules import check_submission
    from xl_jixiao.rules.files import file_finding

    findings: list[Finding] = []
    if reader == "legacy" and config.enabled("JX503"):
        findings.append(file_finding("JX503", LEGACY_MESSAGE, file=file, suggestion=LEGACY_SUGGESTION,
                                     config=config))
    findings.extend(check_submission(sub, config))
    for f in findings:
        f.file = file
    return findings


# ------------------------------------------------------------------ the one path


def read_and_check(source: Source, config: Config | None = None, *, display: str | None = None,
                   sha256: str | None = None, snapshot: Snapshot | None = None) -> FileResult:
    """Read one source and run the enabled rules over it; never raises for a bad input.

    ``source`` is a path (template workbook, legacy form, Word or text export)
    or a :class:`LiveSource`.  The file is read once
    (:func:`xl_jixiao.inbox.read_once`: regular files only, within
    ``config.limits``), checked against the limits before any parser sees it,
    and hashed and parsed from those same bytes; ``snapshot`` gives those bytes
    when the caller read them already.  ``sha256`` (the hash a caller expects)
    is only a hint: the result always carries the hash of the bytes it read.
    One of this tool's own outputs is a ``skipped`` result.
    """
    config = config or default_config()
    start = time.perf_counter()
    if isinstance(source, LiveSource):
        return _read_live(source, config, display, start)
    path = os.fspath(source)
    from xl_jixiao.inbox import OwnOutput, inspect_package, read_once
    from xl_jixiao.readers import read_source

    identity = Identity()
    try:
        # the bytes are read once: the hash, the checks and the parse all come from them
        snap = snapshot or read_once(path, config.limits)
        identity = Identity(snap.size, snap.mtime_ns, hashlib.sha256(snap.data).hexdigest())
        if sha256 is not None and sha256 != identity.sha256:
            log.debug("%s changed since it was hashed", path)
        # the package as checked, its parts inflated once: the parser reads them as they were inflated
        inspection = inspect_package(snap.data, path, config.limits, repack=True)
        if inspection.own_output:
            raise OwnOutput(inspection.own_output, path)
        got = read_source(path, sha256=identity.sha256, data=inspection.package or snap.data)
        del inspection
    except OwnOutput as exc:
        return FileResult(path=path, display=display, outcome="skipped", reason=exc.reason, size=identity.size,
                          mtime_ns=identity.mtime_ns, sha256=identity.sha256)
    except ReadError as exc:
        return failed_result(path, _where(exc), config, display=display, sheet=exc.sheet, cell=exc.cell,
                             identity=identity, timings=Timings(read=time.perf_counter() - start))
    except MemoryError:
        raise
    except Exception as exc:
        log.debug("reading %s failed", path, exc_info=True)
        return failed_result(path, f"读取时出错（{type(exc).__name__}）：{str(exc)[:200]}", config,
                             display=display, identity=identity, timings=Timings(read=time.perf_counter() - start))
    del snap
    read_done = time.perf_counter()
    findings = _checked(got.submission, path, got.reader, config)
    end = time.perf_counter()
    legacy = got.reader == "legacy"
    return FileResult(path=path, display=display, outcome="legacy" if legacy else "template",
                      reason="不是已知的模板版本，已按旧表导入" if legacy else "",
                      reader=got.reader, import_notes=got.notes, submission=got.submission, findings=findings,
                      timings=Timings(read=read_done - start, check=end - read_done, total=end - start),
                      size=identity.size, mtime_ns=identity.mtime_ns, sha256=identity.sha256)


def _read_live(source: LiveSource, config: Config, display: str | None, start: float) -> FileResult:
    from xl_jixiao.readers import submission_from_sheets

    try:
        sub = submission_from_sheets(source.sheets, file=source.name, origins=source.origins)
    except ReadError as exc:
        return failed_result(source.name, exc.reason, config, display=display, sheet=exc.sheet, cell=exc.cell)
    read_done = time.perf_counter()
    findings = _checked(sub, source.name, "live", config)
    end = time.perf_counter()
    return FileResult(path=source.name, display=display, outcome="live", reader="live", submission=sub,
                      findings=findings,
                      timings=Timings(read=read_done - start, check=end - read_done, total=end - start))


__all__ = [
    "FileResult", "Timings", "LiveSource", "Source", "read_and_check", "failed_result", "skipped_result",
    "unreadable_finding", "file_sha256", "RESULT_FORMAT", "OUTCOME_LABELS", "STATUS_PASS", "STATUS_RETURN",
    "STATUS_UNUSABLE",
]
