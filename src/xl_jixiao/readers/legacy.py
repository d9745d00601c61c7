"""Import a unit's legacy forms (xlsx/xls/docx/text dumps) into a :class:`Submission`.

Every file becomes grids (:mod:`xl_jixiao.readers.grid`), the label-anchored
recogniser (:mod:`xl_jixiao.readers.recognise`) finds the forms in them, and the
result is one submission plus an :class:`ImportReport` saying what was
recognised and which cells could not be placed.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from xl_jixiao.model import SourceInfo, Submission
from xl_jixiao.money import fmt
from xl_jixiao.readers.grid import Grid, load_grids
from xl_jixiao.readers.recognise import Unplaced, to_submission, walk

PathLike = str | os.PathLike

__all__ = ["read_legacy", "import_legacy", "ImportReport", "Unplaced"]


@dataclass
class ImportReport:
    """What an import recognised, and what it could not place."""

    files: list[str]
    submission: Submission
    unplaced: list[Unplaced] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    region: str | None = None
    scheme_name: str | None = None
    dept_scheme_name: str | None = None
    grids: list[Grid] = field(default_factory=list, repr=False)

    @property
    def has_dept(self) -> bool:
        return self.submission.dept is not None

    def indicator_count(self) -> int:
        return len(self.submission.all_indicators())

    def render(self) -> str:
        """A Chinese summary for the console."""
        s = self.submission
        lines = []
        lines.append("读取文件：" + "、".join(self.files))
        lines.append(f"单位：{s.unit_name or '（未识别）'}" + (f"（编码 {s.unit_code}）" if s.unit_code else ""))
        if s.supervisor:
            lines.append(f"主管部门：{s.supervisor}")
        lines.append(f"预算年度：{s.budget_year or '（未识别）'}    金额单位：{s.money_unit}")
        if self.scheme_name:
            lines.append(f"指标体系：{self.scheme_name}")
        if s.dept is not None:
            d = s.dept
            lines.append(f"部门整体：有（{len(d.indicators)} 个指标"
                         + (f"，指标体系：{self.dept_scheme_name}" if self.dept_scheme_name else "") + "）")
            parts = []
            for label, v in (("人员经费", d.personnel), ("公用经费", d.public), ("基本支出", d.basic),
                             ("项目支出", d.projects), ("当年财政拨款", d.fiscal), ("上年结转", d.carryover),
                             ("其他资金", d.other), ("收入预算合计", d.income_total), ("支出预算合计", d.expense_total)):
                if v is not None:
                    parts.append(f"{label} {fmt(v)}")
            if parts:
                lines.append("  预算：" + "，".join(parts))
        else:
            lines.append("部门整体：无")
        lines.append(f"项目：{len(s.projects)} 个，指标共 {sum(len(p.indicators) for p in s.projects)} 个")
        for i, p in enumerate(s.projects, start=1):
            f = p.funding
            src = []
            for label, v in (("财政拨款", f.fiscal), ("上年结转", f.carryover), ("其他资金", f.other)):
                if v is not None:
                    src.append(f"{label} {fmt(v)}")
            for k, text in f.invalid.items():
                src.append(f"{k}「{text}」（不是金额）")
            lines.append(f"  {i}. {p.name or '（无名称）'}：年度资金总额 {fmt(f.total)} {s.money_unit}"
                         + (f"（{'，'.join(src)}）" if src else "") + f"；指标 {len(p.indicators)} 个")
        for n in self.notes:
            lines.append(f"注意：{n}")
        if self.unplaced:
            lines.append(f"未能确定位置的单元格：{len(self.unplaced)} 个（原文照录，请核对）")
            for u in self.unplaced:
                proj = f"[{u.project}] " if u.project else ""
                text = u.text.replace("\n", " ")
                if len(text) > 60:
                    text = text[:60] + "…"
                lines.append(f"  {Path(u.file).name} {u.where}：{proj}{u.reason}：「{text}」")
        else:
            lines.append("所有单元格均已识别。")
        return "\n".join(lines)

    def to_json(self) -> dict:
        s = self.submission
        return {
            "files": self.files,
            "unit_name": s.unit_name,
            "budget_year": s.budget_year,
            "money_unit": s.money_unit,
            "scheme": s.scheme,
            "dept": s.dept is not None,
            "projects": [
                {"name": p.name, "total": _num(p.funding.total), "fiscal": _num(p.funding.fiscal),
                 "carryover": _num(p.funding.carryover), "other": _num(p.funding.other),
                 "indicators": len(p.indicators)}
                for p in s.projects
            ],
            "unplaced": [{"file": u.file, "where": u.where, "text": u.text, "reason": u.reason,
                          "project": u.project} for u in self.unplaced],
            "notes": self.notes,
        }


def _num(v: Decimal | None) -> str | None:
    return None if v is None else str(v)


def _as_list(path_or_paths: PathLike | Iterable[PathLike]) -> list[Path]:
    if isinstance(path_or_paths, (str, os.PathLike)):
        return [Path(path_or_paths)]
    return [Path(p) for p in path_or_paths]


def import_legacy(path_or_paths: PathLike | Iterable[PathLike], *, template_checked: bool = False,
                  sha256: str | None = None, data: bytes | None = None) -> tuple[Submission, ImportReport]:
    """Read one unit's legacy forms (one or several files) into one submission and a report.

    ``template_checked``: the caller already knows the files are not template
    workbooks (they are then not read a second time to find out); ``sha256``:
    the single file's hash when the caller has it; ``data``: the single file's bytes, read once by
    the caller (parsed instead of the file).
    """
    paths = _as_list(path_or_paths)
    grids: list[Grid] = []
    templates: list[Submission] = []
    for p in paths:
        tpl = None if template_checked else _template_submission(p)
        if tpl is not None:
            templates.append(tpl)
            continue
        grids.extend(load_grids(p, data if len(paths) == 1 else None))
    rec = walk(grids)
    sub, unplaced, notes, info = to_submission(rec)
    for tpl in templates:
        notes.append(f"{tpl.source.path if tpl.source else ''} 是模板工作簿，已按模板读取")
        sub = _merge(sub, tpl) if (sub.projects or sub.dept is not None) else tpl
    if len(paths) == 1:
        p = paths[0]
        digest = sha256
        if digest is None:
            try:
                digest = hashlib.sha256(data if data is not None else p.read_bytes()).hexdigest()
            except OSError:
                digest = None
        sub.source = SourceInfo(path=str(p), kind="legacy", sha256=digest)
    else:
        sub.source = SourceInfo(path=";".join(str(p) for p in paths), kind="legacy")
    if not sub.projects and sub.dept is None:
        notes.append("没有识别出任何项目或部门整体表")
    report = ImportReport(
        files=[str(p) for p in paths], submission=sub, unplaced=unplaced, notes=notes, region=rec.region,
        scheme_name=info["scheme"].name if info.get("scheme") else None,
        dept_scheme_name=info["dept_scheme"].name if info.get("dept_scheme") else None,
        grids=grids,
    )
    return sub, report


def _template_submission(path: Path) -> Submission | None:
    """A template workbook given to the importer is read as a template, not recognised as a form."""
    if path.suffix.lower() not in (".xlsx", ".xlsm", ".xls") or not path.exists():
        return None
    try:
        from xl_jixiao.readers import is_template, load_sheets, submission_from_sheets
    except ImportError:  # pragma: no cover - the template reader ships with the package
        return None
    try:
        sheets = load_sheets(path)
    except Exception:  # noqa: BLE001 - unreadable files are reported by the grid reader
        return None
    if not is_template(sheets):
        return None
    return submission_from_sheets(sheets, file=str(path))


def _merge(a: Submission, b: Submission) -> Submission:
    from xl_jixiao.money import convert

    for p in b.projects:
        f = p.funding
        if f.money_unit != a.money_unit:
            for k in ("total", "fiscal", "carryover", "other"):
                setattr(f, k, convert(getattr(f, k), f.money_unit, a.money_unit))
            f.money_unit = a.money_unit
        a.projects.append(p)
    if a.dept is None and b.dept is not None:
        a.dept = b.dept
    for k in ("unit_name", "unit_code", "budget_year", "supervisor"):
        if getattr(a, k) is None:
            setattr(a, k, getattr(b, k))
    return a


def read_legacy(path_or_paths: PathLike | Iterable[PathLike]) -> Submission:
    """The submission in one unit's legacy forms (see :func:`import_legacy` for the report)."""
    return import_legacy(path_or_paths)[0]
