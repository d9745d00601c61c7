"""Rules across files: JX501 (a unit submitted twice) and JX502 (a 项目编码 in two submissions).

Only small keys are kept per file (unit name/code, project codes with their
cells), so the check scales to thousands of files.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import combinations
from typing import TYPE_CHECKING

from xl_jixiao.units import same_unit
from xl_jixiao.units import unit_key as _norm

if TYPE_CHECKING:
    from xl_jixiao.config import Config
    from xl_jixiao.model import Finding

MAX_LISTED = 5


@dataclass
class CrossFileIndex:
    units: list[tuple[int, str, str | None, str | None]] = field(default_factory=list)  # (file index, display, name, code)
    codes: dict[str, list[tuple]] = field(
        default_factory=lambda: defaultdict(list))  # code → [(file index, display, project, sheet, cell, code)]

    def add(self, index: int, display: str, unit_name: str | None, unit_code: str | None,
            project_codes: list) -> None:
        self.units.append((index, display, unit_name, unit_code))
        for code, project, sheet, cell in project_codes:
            key = _norm(code)
            if key:
                self.codes[key].append((index, display, project, sheet, cell, str(code).strip()))

    def findings(self, config: Config | None = None) -> list[tuple[int, Finding]]:
        """``[(file index, finding), …]`` in file order, under ``config`` (ignored codes dropped)."""
        found = [*self._duplicate_units(), *self._duplicate_codes()]
        if not found:
            return []
        from xl_jixiao.config import default_config
        from xl_jixiao.rules.files import file_finding

        cfg = config or default_config()
        out: list[tuple[int, Finding]] = []
        for index, d in found:
            if cfg.enabled(d["code"]):
                out.append((index, file_finding(d.pop("code"), d.pop("message"), config=cfg, **d)))
        out.sort(key=lambda t: (t[0], t[1].code))
        return out

    def _duplicate_units(self) -> Iterator[tuple[int, dict]]:
        groups: list[list[tuple[int, str, str | None, str | None]]] = []
        by_code: dict[str, list] = defaultdict(list)
        by_name: dict[str, list] = defaultdict(list)
        for u in self.units:
            index, display, name, code = u
            if _norm(code):
                by_code[_norm(code)].append(u)
            if _norm(name):
                by_name[_norm(name)].append(u)
        for members in by_code.values():
            if len(members) > 1:
                groups.append(members)
        for members in by_name.values():
            # same name, at least one without a code (all coded: the code groups above decide), and every
            # pair the same unit by the one definition of it
            if len(members) < 2 or all(_norm(m[3]) for m in members):
                continue
            if all(same_unit(a[2], a[3], b[2], b[3]) for a, b in combinations(members, 2)):
                groups.append(members)
        seen: set[tuple[int, int]] = set()
        for members in groups:
            for m in members:
                others = [o for o in members if o[0] != m[0]]
                pair_key = (m[0], min(o[0] for o in others))
                if pair_key in seen:
                    continue
                seen.add(pair_key)
                listed = "、".join(o[1] for o in others[:MAX_LISTED]) + ("等" if len(others) > MAX_LISTED else "")
                what = f"单位「{m[2] or '（未填名称）'}」" + (f"（编码 {m[3]}）" if m[3] else "（未填单位编码）")
                yield m[0], {
                    "code": "JX501", "sheet": None, "cell": None,
                    "message": f"{what}重复提交：另见文件 {listed}",
                    "value": m[3] or m[2],
                    "suggestion": "确认哪一份是有效的提交，删除或退回其余的副本",
                }

    def _duplicate_codes(self) -> Iterator[tuple[int, dict]]:
        for occ in self.codes.values():
            files = {o[0] for o in occ}
            if len(files) < 2:
                continue
            for index, _display, project, sheet, cell, code in occ:
                others = sorted({o[1] for o in occ if o[0] != index})
                listed = "、".join(others[:MAX_LISTED]) + ("等" if len(others) > MAX_LISTED else "")
                yield index, {
                    "code": "JX502", "sheet": sheet, "cell": cell, "project": project,
                    "message": f"项目编码 {code} 在多个提交中出现：另见文件 {listed}",
                    "value": code,
                    "suggestion": "核对项目编码；同一项目只能由一个单位申报",
                }
