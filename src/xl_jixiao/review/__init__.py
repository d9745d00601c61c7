"""The review round (审核): roster, resubmissions, 审核意见 per project, send-back packages, rounds.

:func:`run_review` reads an inbox through :func:`~xl_jixiao.pipeline.read_and_check`
(via :func:`xl_jixiao.api.check`), decides the round (:mod:`.round`), and writes into
the output folder:

* ``审核总览.xlsx`` — every unit's status over the rounds and what became of every file;
* ``第N轮/审核意见.xlsx`` — one row per project and a per-unit view;
* ``第N轮/退回/<单位>/`` for each unit sent back: its annotated copy, its 审核意见 and a
  printable 退回通知 (workbook, and PDF where LibreOffice is present);
* ``审核轮次.json`` — the round's state, so the next run continues it.
"""

from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from xl_jixiao.config import Config, default_config
from xl_jixiao.errors import UserError
from xl_jixiao.pipeline import FileResult
from xl_jixiao.review.opinions import PASS, RETURN, ProjectReview, load_opinions, review_result
from xl_jixiao.review.round import Round, UnitRound, load_state, run_round, save_state

log = logging.getLogger(__name__)

__all__ = ["run_review", "ReviewOutcome", "review_result", "ProjectReview", "Round", "UnitRound", "PASS", "RETURN"]


@dataclass
class ReviewOutcome:
    round: Round
    out_dir: Path
    written: list[tuple[str, Path]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def safe_name(name: str) -> str:
    return re.sub(r'[\\/:*?"<>|\s]+', "_", name).strip("_.")[:60] or "单位"


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
        return True
    except ValueError:
        return False


def run_review(inbox: str | os.PathLike[str] | list, out_dir: str | os.PathLike[str], *,
               roster: str | os.PathLike[str] | None = None, criteria: str | os.PathLike[str] | None = None,
               config: Config | None = None, opinions: str | os.PathLike[str] | None = None,
               last_year: str | os.PathLike[str] | None = None, pdf: bool = True,
               results: list[FileResult] | None = None) -> ReviewOutcome:
    """One review round over ``inbox`` (a folder, or a list of folders/files); see the module notes."""
    from xl_jixiao.api import check
    from xl_jixiao.review import workbook as wbk
    from xl_jixiao.review.criteria import load_criteria, manual_items, opinion_table, with_criteria
    from xl_jixiao.review.roster import load_roster

    cfg = config or default_config()
    inputs = [os.fspath(x) for x in (inbox if isinstance(inbox, list) else [inbox])]
    out = Path(out_dir)
    for i in inputs:
        if Path(i).is_dir() and (out.resolve() == Path(i).resolve() or _inside(out, Path(i))):
            raise UserError(f"输出文件夹不能放在收件箱中：{out}（审核记录和退回材料会被当作来件读取）")
    roster_units = load_roster(Path(roster)) if roster else None
    crit = load_criteria(Path(criteria)) if criteria else []
    table = load_opinions(Path(opinions) if opinions else None)
    table.update(opinion_table(crit))
    manual = manual_items(crit)
    out.mkdir(parents=True, exist_ok=True)
    state = load_state(out)

    if results is None:
        report = check(inputs, cfg)
        results = report.results
    if crit:
        results = [with_criteria(r, crit) for r in results]
    rnd = run_round(results, roster=roster_units, state=state, opinions=table, return_on=cfg.review.return_on,
                    manual=manual)
    outcome = ReviewOutcome(rnd, out)
    folder = out / f"第{rnd.number}轮"
    title = f"项目绩效目标审核意见（第{rnd.number}轮）"
    reviewed = [u for u in rnd.units if u.current is not None]
    outcome.written.append(("审核意见（全部项目）", wbk.save(wbk.opinions_workbook(reviewed, title), folder / "审核意见.xlsx")))

    notices: list[Path] = []
    for u in reviewed:
        if u.status not in (RETURN,) or not u.new:
            continue
        sub_dir = folder / "退回" / safe_name(u.label)
        res = u.current
        assert res is not None
        src = Path(res.path)
        if src.suffix.lower() in (".xlsx", ".xlsm") and src.is_file():
            from xl_jixiao.report import annotate

            try:
                path = annotate(src, res.findings, sub_dir / f"{src.stem}_校验标注{src.suffix.lower()}")
                outcome.written.append((f"标注副本（{u.label}）", path))
            except UserError as exc:
                outcome.notes.append(f"{u.label}：未能生成标注副本（{exc}）")
        else:
            outcome.notes.append(f"{u.label}：报送的不是 Excel 工作簿（{src.name}），退回材料中没有标注副本")
        path = wbk.save(wbk.opinions_workbook([u], f"{u.label}项目绩效目标审核意见（第{rnd.number}轮）"),
                        sub_dir / f"{safe_name(u.label)}_审核意见.xlsx")
        outcome.written.append((f"审核意见（{u.label}）", path))
        path = wbk.save(wbk.notice_workbook(u, rnd), sub_dir / f"{safe_name(u.label)}_退回通知.xlsx")
        outcome.written.append((f"退回通知（{u.label}）", path))
        notices.append(path)

    yoy_rows = None
    if last_year:
        from xl_jixiao.review.yoy import compare_years, yoy_table

        this_year = [u.current for u in reviewed if u.current is not None and u.current.usable]
        yoy_rows = yoy_table(compare_years(this_year, Path(last_year), cfg))
    outcome.written.append(("审核总览", wbk.save(wbk.overview_workbook(rnd, yoy_rows), out / "审核总览.xlsx")))
    save_state(out, state, rnd, ";".join(inputs))
    if notices and pdf:
        outcome.notes.extend(_pdfs(notices, outcome))
    return outcome


def _pdfs(paths: list[Path], outcome: ReviewOutcome) -> list[str]:
    """PDFs of the notices through headless LibreOffice (the shared PDF helper), when LibreOffice is there."""
    from xl_jixiao.pdf import find_soffice, to_pdf

    if find_soffice() is None:
        return ["未找到 LibreOffice，未生成 PDF 退回通知；可在 Excel/WPS 中打开退回通知另存为 PDF"]
    try:
        for p in to_pdf(paths):
            outcome.written.append(("退回通知 PDF", p))
    except UserError as exc:
        return [f"未能生成 PDF 退回通知：{exc}"]
    return []
