"""Reading and validating one file (runs in worker processes, or in-process with ``--jobs 1``)."""

from __future__ import annotations

import hashlib
import os
import time
from decimal import Decimal
from pathlib import Path

from xl_jixiao.consolidate.records import (
    DEPT_LEVEL1_PREFIX, FAILED, INDICATOR_COLUMNS, LEGACY, MONEY_UNIT, OK, PROJECT_COLUMNS, FileRecord, render_findings,
)
from xl_jixiao.consolidate.xlsx import compress_rows, row

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb")
OOXML_SUFFIXES = (".xlsx", ".xlsm", ".xlsb")
ZIP_MAGIC = b"PK\x03\x04"
CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

_state: dict = {"config": None, "config_loaded": False, "config_path": None}


def init_worker(config_path: str | None, in_pool: bool = False) -> None:
    """Pool initializer: remember the configuration (loaded on first use, once per process).

    In a pool worker Ctrl-C is left to the main process, which stops the pool and
    removes the half-written summary.
    """
    if in_pool:
        import signal

        signal.signal(signal.SIGINT, signal.SIG_IGN)
    _state["config_path"] = config_path
    _state["config_loaded"] = False
    _state["config"] = None


def _config():
    if not _state["config_loaded"]:
        _state["config_loaded"] = True
        path = _state.get("config_path")
        try:
            from xl_jixiao.config import load_config
        except ImportError:
            if path:
                raise
            _state["config"] = None
        else:
            _state["config"] = load_config(path)
    return _state["config"]


def file_sha256(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


# ------------------------------------------------------------------ task entry point


def process(task: tuple) -> tuple:
    """``(path, display, known_sha256)`` → ``("same", path, sha256, size, mtime_ns)`` when the content
    matches ``known_sha256``, else ``("record", FileRecord)``.  Never raises for a bad input file."""
    path, display, known = task
    start = time.perf_counter()
    try:
        st = os.stat(path)
        sha = file_sha256(path)
    except OSError as exc:
        rec = FileRecord(path=path, display=display, outcome=FAILED, reason=f"无法打开文件：{exc.strerror or exc}")
        _fail_finding(rec)
        return ("record", rec)
    if known is not None and sha == known:
        return ("same", path, sha, st.st_size, st.st_mtime_ns)
    rec = read_file(path, display)
    rec.size, rec.mtime_ns, rec.sha256 = st.st_size, st.st_mtime_ns, sha
    rec.seconds = time.perf_counter() - start
    return ("record", rec)


def read_file(path: str, display: str) -> FileRecord:
    rec = FileRecord(path=path, display=display)
    reason = probe(path)
    if reason:
        rec.outcome, rec.reason = FAILED, reason
        _fail_finding(rec)
        return rec
    from xl_jixiao.errors import ReadError

    try:
        from xl_jixiao.readers import is_template, load_sheets, submission_from_sheets

        sheets = load_sheets(path)
        if not any(v not in (None, "") for rows in sheets.values() for r in rows for v in r):
            raise ReadError("工作簿是空的（没有任何内容）", path)
        if is_template(sheets):
            sub = submission_from_sheets(sheets, file=path)
            outcome = OK
        else:
            legacy = _legacy_reader()
            if legacy is None:
                raise ReadError("不是绩效目标模板工作簿（找不到「项目信息」「绩效指标」工作表及表头），"
                                "且未安装旧表导入功能", path)
            try:
                sub = legacy(path)
            except ReadError as exc:
                raise ReadError("不是绩效目标模板工作簿，按旧表导入也失败：" + exc.reason, path) from exc
            outcome = LEGACY
        del sheets
    except ReadError as exc:
        rec.outcome, rec.reason = FAILED, _reason_text(exc)
        _fail_finding(rec)
        return rec
    except MemoryError:
        raise
    except Exception as exc:  # noqa: BLE001 - a bad file must never stop the batch
        rec.outcome, rec.reason = FAILED, f"读取时出错（{type(exc).__name__}）：{str(exc)[:200]}"
        _fail_finding(rec)
        return rec
    rec.outcome = outcome
    findings = []
    if outcome == LEGACY:
        rec.reason = "不是已知的模板版本，已按旧表导入"
        findings.append({"code": "JX503", "severity": "warning", "message":
                         "工作簿不是已知的模板版本，已通过旧表导入功能读取：请核对导入结果，并请单位改用标准模板填报",
                         "suggestion": "使用 xl-jixiao template 生成的标准模板重新填报"})
        findings = configured(findings, _config_or_none())
    try:
        findings.extend(_check(sub))
    except Exception as exc:  # noqa: BLE001 - a rule bug must not lose the file
        findings.append({"code": "JX504", "severity": "error",
                         "message": f"校验时出错（{type(exc).__name__}）：{str(exc)[:200]}"})
    summarise(rec, sub, findings)
    return rec


def _reason_text(exc) -> str:
    where = []
    if exc.sheet:
        where.append(f"工作表「{exc.sheet}」")
    if exc.cell:
        where.append(f"单元格 {exc.cell}")
    return ("，".join(where) + "：" if where else "") + exc.reason


def _legacy_reader():
    try:
        from xl_jixiao.readers.legacy import read_legacy
    except ImportError:
        return None
    return read_legacy


def _check(sub) -> list[dict]:
    try:
        from xl_jixiao.rules import check_submission
    except ImportError:
        return []
    out = []
    for f in check_submission(sub, _config()):
        d = f.to_json() if hasattr(f, "to_json") else dict(f)
        out.append(d)
    return out


def configured(findings: list[dict], config) -> list[dict]:
    """Findings made here (JX5xx) under the configuration: ignored codes dropped, severities overridden."""
    if config is None:
        return findings
    from xl_jixiao.model import Severity

    out = []
    for f in findings:
        code = f["code"]
        if not config.enabled(code):
            continue
        sev = config.severity_for(code, Severity(f.get("severity", "error")))
        out.append({**f, "severity": getattr(sev, "value", sev)})
    return out


def _config_or_none():
    try:
        return _config()
    except Exception:  # noqa: BLE001 - the main process already validated the configuration
        return None


def _fail_finding(rec: FileRecord) -> None:
    render_findings(rec, configured([{"code": "JX504", "severity": "error", "message": f"文件无法使用：{rec.reason}",
                                      "suggestion": "请单位重新提交可以打开、未加密的绩效目标模板工作簿"}],
                                    _config_or_none()))


# ------------------------------------------------------------------ probing


def probe(path: str) -> str | None:
    """Why a file cannot be a workbook, judged from its name and first bytes; ``None`` if it may be one."""
    p = Path(path)
    suffix = p.suffix.lower()
    try:
        size = p.stat().st_size
        with open(p, "rb") as f:
            head = f.read(8)
    except OSError as exc:
        return f"无法打开文件：{exc.strerror or exc}"
    if size == 0:
        return "空文件（0 字节）"
    if suffix not in WORKBOOK_SUFFIXES:
        return f"不支持的文件类型「{suffix or '无扩展名'}」（只汇总 .xlsx、.xlsm、.xls 工作簿）"
    if head.startswith(CFB_MAGIC):
        if _is_encrypted(path):
            return "工作簿设有打开密码（已加密），无法读取：请去掉密码后再提交"
        if suffix in OOXML_SUFFIXES:
            return "加密或不是有效的工作簿：文件是复合文档格式，与扩展名不符"
        return None
    if head.startswith(ZIP_MAGIC):
        return None
    if suffix in OOXML_SUFFIXES:
        return "文件已损坏或不是有效的工作簿（内容不是 Excel 格式）"
    return "文件已损坏或不是有效的 .xls 工作簿"


def _is_encrypted(path: str) -> bool:
    try:
        import olefile

        with olefile.OleFileIO(path) as ole:
            if ole.exists("EncryptionInfo") or ole.exists("EncryptedPackage"):
                return True
    except Exception:  # noqa: BLE001 - not a readable compound file
        return False
    try:
        import msoffcrypto

        with open(path, "rb") as f:
            return bool(msoffcrypto.OfficeFile(f).is_encrypted())
    except Exception:  # noqa: BLE001 - unknown compound file kinds
        return False


# ------------------------------------------------------------------ a submission → a record


def _to_main_unit(v: Decimal | None, unit: str) -> Decimal | None:
    from xl_jixiao.money import convert

    if v is None:
        return None
    return convert(v, unit, MONEY_UNIT)


def summarise(rec: FileRecord, sub, findings: list[dict]) -> None:
    """Fill the record from a submission and its findings (dicts as ``Finding.to_json``)."""
    rec.unit_name = sub.unit_name
    rec.unit_code = sub.unit_code
    rec.budget_year = sub.budget_year
    rec.money_unit = sub.money_unit
    rec.n_projects = len(sub.projects)
    display = rec.display
    totals = [Decimal(0)] * 4
    proj_rows = []
    p_styles = [c.style for c in PROJECT_COLUMNS]
    ind_rows = []
    i_styles = [c.style for c in INDICATOR_COLUMNS]
    level1: dict[str, int] = {}
    codes = []
    unit_name, unit_code = sub.unit_name, sub.unit_code

    def add_indicator(ind, project_code, project_name, dept=False):
        ref = ind.location("value") or ind.location("name")
        ind_rows.append(row([
            unit_name, unit_code, project_code, project_name, ind.level1, ind.level2, ind.name, ind.op,
            ind.value, ind.unit, ind.note, ind.basis, ind.remark, display, ref.sheet if ref else None, ind.row,
        ], i_styles))
        key = (DEPT_LEVEL1_PREFIX if dept else "") + (ind.level1 or "（未填）")
        level1[key] = level1.get(key, 0) + 1

    if sub.dept is not None:
        for ind in sub.dept.indicators:
            add_indicator(ind, None, ind.project or "部门整体", dept=True)
    for p in sub.projects:
        fu = p.funding
        amounts = [_to_main_unit(v, fu.money_unit) for v in (fu.total, fu.fiscal, fu.carryover, fu.other)]
        for i, v in enumerate(amounts):
            if v is not None:
                totals[i] += v
        ref = p.location("name")
        proj_rows.append(row([
            unit_name, unit_code, p.code, p.name, p.category, p.implementer, p.period, *amounts,
            fu.money_unit, p.purpose, p.annual_goal, len(p.indicators), display,
            ref.sheet if ref else None, p.row,
        ], p_styles))
        if p.code:
            cref = p.location("code")
            codes.append([p.code, p.name, cref.sheet if cref else None, cref.cell if cref else None])
        for ind in p.indicators:
            add_indicator(ind, p.code, p.name)
    for ind in sub.unassigned_indicators:
        add_indicator(ind, None, f"{ind.project or ''}（未匹配项目）")
    rec.total, rec.fiscal, rec.carryover, rec.other = (format(v, "f") for v in totals)
    rec.n_indicators = len(ind_rows)
    rec.projects_frag = compress_rows(proj_rows) if proj_rows else b""
    rec.projects_n = len(proj_rows)
    rec.indicators_frag = compress_rows(ind_rows) if ind_rows else b""
    rec.indicators_n = len(ind_rows)
    rec.level1_counts = level1
    rec.project_codes = codes
    render_findings(rec, findings)
