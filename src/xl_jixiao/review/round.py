"""The review round: who was expected, who submitted, which submission counts, who passed.

Everything is decided from :class:`~xl_jixiao.pipeline.FileResult`s.  "The same
unit" is :func:`xl_jixiao.units.same_unit` (code first, then normalised name).
When a unit appears more than once, the newest submission counts — by the form's
own 填报日期 where it has one, else the file's modification time — and the older
ones are listed as superseded; nothing is counted twice.

The round's state (status per unit per round) is a small JSON file beside the
output (never in the inbox), so running again on the next inbox continues the
round: 第1轮退回修改 → 第2轮通过.
"""

from __future__ import annotations

import datetime as _dt
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from xl_jixiao.errors import UserError
from xl_jixiao.pipeline import FileResult
from xl_jixiao.review.opinions import PASS, RETURN, OpinionRule, ProjectReview, review_result, unit_conclusion
from xl_jixiao.review.roster import RosterUnit
from xl_jixiao.units import same_unit, unit_key

STATE_NAME = "审核轮次.json"
STATE_FORMAT = 1

NOT_SUBMITTED = "未提交"
UNUSABLE = "无法使用"
WAITING = "退回修改（未重新报送）"

ROLE_CURRENT = "有效（本轮审核）"
ROLE_SUPERSEDED = "已被替代"
ROLE_UNREADABLE = "无法读取"
ROLE_SKIPPED = "跳过"

_DATE_RE = re.compile(r"((?:19|20)\d{2})\s*[年\-/.．]\s*(\d{1,2})\s*[月\-/.．]\s*(\d{1,2})")


def fill_date(text: str | None) -> _dt.date | None:
    """The form's 填报日期 as a date (``2024年3月5日``, ``2024-03-05``, an Excel serial number), or ``None``."""
    if not text:
        return None
    t = str(text).strip()
    m = _DATE_RE.search(t)
    if m:
        try:
            return _dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            return None
    if re.fullmatch(r"\d{5}(?:\.0+)?", t):
        serial = int(float(t))
        if 30000 < serial < 80000:
            return _dt.date(1899, 12, 30) + _dt.timedelta(days=serial)
    return None


def submitted_when(res: FileResult) -> tuple[_dt.date, int]:
    """When a submission was made: its 填报日期 where it has one, else the file's time (ties by file time)."""
    mtime = res.mtime_ns or 0
    day = fill_date(res.submission.fill_date) if res.submission else None
    if day is None:
        day = _dt.datetime.fromtimestamp(mtime / 1e9).date() if mtime else _dt.date.min
    return day, mtime


def identity(res: FileResult) -> tuple[str | None, str | None]:
    sub = res.submission
    if sub is None:
        return None, None
    name = (sub.unit_name or "").strip() or None
    code = (sub.unit_code or "").strip() or None
    return name, code


@dataclass
class Received:
    """One file of the inbox and what became of it."""

    result: FileResult
    role: str
    unit: str = ""
    note: str = ""


@dataclass
class UnitRound:
    """One unit in this round."""

    name: str
    code: str = ""
    supervisor: str = ""
    on_roster: bool = True
    current: FileResult | None = None
    superseded: list[FileResult] = field(default_factory=list)
    reviews: list[ProjectReview] = field(default_factory=list)
    status: str = NOT_SUBMITTED
    new: bool = False
    """Whether the counted submission is new in this round (not the same file as in an earlier round)."""
    history: list[str] = field(default_factory=list)
    """Status in each earlier round, then this one."""

    @property
    def label(self) -> str:
        return self.name or self.code or "（未识别单位）"

    @property
    def returned_projects(self) -> int:
        return sum(1 for r in self.reviews if r.conclusion == RETURN)

    def matches(self, name: str | None, code: str | None) -> bool:
        return same_unit(self.name or None, self.code or None, name, code)


@dataclass
class Round:
    number: int
    units: list[UnitRound]
    received: list[Received]
    time: str

    @property
    def expected(self) -> list[UnitRound]:
        return [u for u in self.units if u.on_roster]

    @property
    def unexpected(self) -> list[UnitRound]:
        return [u for u in self.units if not u.on_roster]

    def count(self, status: str) -> int:
        return sum(1 for u in self.units if u.status == status)

    @property
    def complete(self) -> bool:
        """A round ends when every expected unit has passed."""
        return bool(self.expected) and all(u.status == PASS for u in self.expected)

    def summary(self) -> str:
        exp = self.expected
        n_pass = sum(1 for u in exp if u.status == PASS)
        n_ret = sum(1 for u in exp if u.status in (RETURN, WAITING))
        n_none = sum(1 for u in exp if u.status == NOT_SUBMITTED)
        n_bad = sum(1 for u in exp if u.status == UNUSABLE)
        n_sup = sum(1 for r in self.received if r.role == ROLE_SUPERSEDED)
        parts = [f"第{self.number}轮：应报 {len(exp)} 个单位", f"通过 {n_pass} 个", f"退回修改 {n_ret} 个",
                 f"未提交 {n_none} 个"]
        if n_bad:
            parts.append(f"文件无法使用 {n_bad} 个")
        if self.unexpected:
            parts.append(f"名单外 {len(self.unexpected)} 个")
        if n_sup:
            parts.append(f"被新版本替代的旧文件 {n_sup} 个")
        text = "，".join(parts)
        return text + ("。全部单位已通过，本轮审核结束。" if self.complete else "。")


# ------------------------------------------------------------------ state


def load_state(out_dir: Path) -> dict:
    path = out_dir / STATE_NAME
    if not path.exists():
        return {"format": STATE_FORMAT, "rounds": []}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UserError(f"审核轮次记录 {path} 已损坏，无法继续本轮审核（{exc}）。"
                        f"如要重新开始，请换一个输出文件夹") from None
    if not isinstance(data, dict) or data.get("format") != STATE_FORMAT or not isinstance(data.get("rounds"), list):
        raise UserError(f"审核轮次记录 {path} 不是本工具写的格式，无法继续。如要重新开始，请换一个输出文件夹")
    return data


def save_state(out_dir: Path, state: dict, rnd: Round, inbox: str) -> Path:
    from xl_jixiao.template.io import write_text_atomic

    entry = {
        "round": rnd.number, "time": rnd.time, "inbox": inbox,
        "units": [{"name": u.name, "code": u.code, "supervisor": u.supervisor, "on_roster": u.on_roster,
                   "status": u.status, "file": u.current.name if u.current else None,
                   "sha256": u.current.sha256 if u.current else None,
                   "superseded": [s.name for s in u.superseded]} for u in rnd.units],
    }
    rounds = [r for r in state["rounds"] if r.get("round") != rnd.number] + [entry]
    state = {"format": STATE_FORMAT, "rounds": rounds}
    return write_text_atomic(out_dir / STATE_NAME, json.dumps(state, ensure_ascii=False, indent=1))


# ------------------------------------------------------------------ the round


def group_units(results: Iterable[FileResult]) -> tuple[list[list[FileResult]], list[Received]]:
    """Usable results grouped per unit (the one definition of the same unit), and the files that are no unit."""
    groups: list[list[FileResult]] = []
    other: list[Received] = []
    for res in results:
        if res.outcome == "skipped":
            other.append(Received(res, ROLE_SKIPPED, note=res.reason))
            continue
        if not res.usable:
            other.append(Received(res, ROLE_UNREADABLE, note=res.reason))
            continue
        name, code = identity(res)
        if not name and not code:
            groups.append([res])  # a unit of its own: nothing says it is anyone else
            continue
        for g in groups:
            if any(same_unit(name, code, *identity(m)) for m in g):
                g.append(res)
                break
        else:
            groups.append([res])
    return groups, other


def current_results(results: Iterable[FileResult]) -> tuple[list[FileResult], list[tuple[FileResult, FileResult]]]:
    """The submission that counts per unit (the newest), in input order, and ``(superseded, newer)`` pairs."""
    results = list(results)
    groups, _ = group_units(results)
    keep: set[int] = set()
    dropped: list[tuple[FileResult, FileResult]] = []
    for g in groups:
        newest = max(g, key=submitted_when)
        keep.add(id(newest))
        dropped.extend((r, newest) for r in g if r is not newest)
    current = [r for r in results if id(r) in keep or not r.usable]
    return current, dropped


def run_round(results: list[FileResult], *, roster: list[RosterUnit] | None = None, state: dict | None = None,
              opinions: dict[str, OpinionRule] | None = None, return_on: str = "error",
              manual: list[str] | None = None) -> Round:
    """Decide the round from every file's result: the counted submission per unit, its review, its status."""
    state = state or {"format": STATE_FORMAT, "rounds": []}
    earlier: list[dict] = list(state.get("rounds", []))
    groups, received = group_units(results)
    if earlier and _same_files(earlier[-1], groups):
        earlier = earlier[:-1]  # nothing new since the last run: that round is reviewed again, not a new one
    number = len(earlier) + 1

    units: list[UnitRound] = []
    if roster is not None:
        units = [UnitRound(r.name, r.code, r.supervisor, on_roster=True) for r in roster]
    for past in earlier:  # every unit seen before is still in the round
        for u in past.get("units", []):
            if not any(x.matches(u.get("name"), u.get("code")) for x in units):
                if roster is None or u.get("on_roster") is False:
                    units.append(UnitRound(u.get("name") or "", u.get("code") or "", u.get("supervisor") or "",
                                           on_roster=roster is None))

    for g in groups:
        newest = max(g, key=submitted_when)
        name, code = identity(newest)
        target = next((u for u in units if (name or code) and u.matches(name, code)), None)
        if target is None:
            sub = newest.submission
            target = UnitRound(name or "", code or "", (sub.supervisor or "") if sub else "", on_roster=roster is None)
            units.append(target)
        elif not target.code and code:
            target.code = code
        target.current = newest
        target.superseded = [r for r in g if r is not newest]
        received.append(Received(newest, ROLE_CURRENT, target.label))
        for old in target.superseded:
            received.append(Received(old, ROLE_SUPERSEDED, target.label, note=f"以 {newest.name} 为准（较新）"))

    seen_sha = {u.get("sha256") for past in earlier for u in past.get("units", []) if u.get("sha256")}
    for u in units:
        u.history = [_past_status(past, u) for past in earlier]
        if u.current is not None:
            u.new = u.current.sha256 not in seen_sha
            u.reviews = review_result(u.current, opinions, return_on=return_on, manual=manual)
            u.status = unit_conclusion(u.current, u.reviews) if u.current.usable else UNUSABLE
        else:
            prev = u.history[-1] if u.history else NOT_SUBMITTED
            u.status = PASS if prev == PASS else (WAITING if prev in (RETURN, WAITING) else prev or NOT_SUBMITTED)
        u.history.append(u.status)
    received.sort(key=lambda r: r.result.name)
    return Round(number, units, received, _dt.datetime.now().strftime("%Y-%m-%d %H:%M"))


def _same_files(past: dict, groups: list[list[FileResult]]) -> bool:
    now = {max(g, key=submitted_when).sha256 for g in groups}
    before = {u.get("sha256") for u in past.get("units", []) if u.get("sha256")}
    return bool(now) and now <= before


def _past_status(past: dict, unit: UnitRound) -> str:
    for u in past.get("units", []):
        if unit.matches(u.get("name"), u.get("code")):
            return str(u.get("status") or NOT_SUBMITTED)
    return ""


def history_text(u: UnitRound) -> str:
    """``第1轮退回修改 → 第2轮通过``."""
    return " → ".join(f"第{n}轮{s}" for n, s in enumerate(u.history, start=1) if s)


__all__ = ["Round", "UnitRound", "Received", "run_round", "current_results", "load_state", "save_state", "fill_date", "submitted_when",
           "group_units", "history_text", "STATE_NAME", "NOT_SUBMITTED", "WAITING", "UNUSABLE", "unit_key"]
