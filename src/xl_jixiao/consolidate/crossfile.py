"""Rules across files: JX501 (a unit submitted twice) and JX502 (a 项目编码 in two submissions).

Only small keys are kept per file (unit name and code, a 64-bit hash per
project code; the codes' details wait in a temporary file), so the memory
stays small however many files there are.
"""

from __future__ import annotations

import os
import pickle
import tempfile
from array import array
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterator
from itertools import combinations
from typing import IO, TYPE_CHECKING

from xl_jixiao.units import same_unit
from xl_jixiao.units import unit_key as _norm

if TYPE_CHECKING:
    from xl_jixiao.config import Config
    from xl_jixiao.model import Finding

MAX_LISTED = 5


KEY_HASH_BUCKET = 1 << 15
"""Project-code hashes examined together when looking for repeated ones (bounds the memory of the search)."""


def _key_hash(key: str) -> int:
    """A 64-bit hash of a normalised project code (equal keys, equal hashes; a repeated hash is checked again
    with the keys themselves)."""
    return hash(key)


class CrossFileIndex:
    """The keys of every usable file, kept small: per unit its name and code; per project code only a 64-bit
    hash in memory, its details (code, project, sheet, cell) spooled to a temporary file and read back only
    for the few hashes that occur more than once."""

    def __init__(self, tmp_dir: str | None = None):
        self.units: list[tuple[int, str, str | None, str | None]] = []  # (file index, display, name, code)
        self.tmp_dir = tmp_dir
        self._hashes = array("q")  # one per project code, in the order they were added
        self._first = array("q")  # per file with codes: position of its first code in _hashes
        self._file = array("q")  # per file with codes: its file index
        self._offset = array("q")  # per file with codes: where its details start in the spool
        self._spool: IO[bytes] | None = None
        self._displays: dict[int, str] = {}

    def add(self, index: int, display: str, unit_name: str | None, unit_code: str | None,
            project_codes: list) -> None:
        self.units.append((index, display, unit_name, unit_code))
        kept = []
        hashes = []
        for code, project, sheet, cell in project_codes:
            key = _norm(code)
            if key:
                kept.append((code, project, sheet, cell))
                hashes.append(_key_hash(key))
        if not kept:
            return
        if self._spool is None:
            self._spool = tempfile.TemporaryFile(dir=self.tmp_dir)
        self._first.append(len(self._hashes))
        self._file.append(index)
        self._offset.append(self._spool.tell())
        self._spool.write(pickle.dumps(kept, protocol=pickle.HIGHEST_PROTOCOL))
        self._hashes.extend(hashes)

    def close(self) -> None:
        if self._spool is not None:
            self._spool.close()
            self._spool = None

    def _repeated_hashes(self) -> set[int]:
        """The hashes that occur more than once, looked for a bucket at a time."""
        hashes = self._hashes
        buckets = max(1, -(-len(hashes) // KEY_HASH_BUCKET))
        repeated: set[int] = set()
        for b in range(buckets):
            seen: set[int] = set()
            for h in hashes:
                if h % buckets == b:
                    if h in seen:
                        repeated.add(h)
                    else:
                        seen.add(h)
        return repeated

    def _codes(self) -> dict[str, list[tuple]]:
        """Normalised code → its occurrences ``(file index, display, project, sheet, cell, code)``, for the codes
        whose hash is repeated (the keys decide: codes that merely share a hash are apart), in the order added."""
        repeated = self._repeated_hashes()
        codes: dict[str, list[tuple]] = defaultdict(list)
        if not repeated or self._spool is None:
            return codes
        displays = {u[0]: u[1] for u in self.units}
        entry = -1
        details: list = []
        for pos, h in enumerate(self._hashes):
            if h not in repeated:
                continue
            e = bisect_right(self._first, pos) - 1
            if e != entry:
                entry = e
                self._spool.seek(self._offset[e])
                end = self._offset[e + 1] if e + 1 < len(self._offset) else None
                blob = self._spool.read(-1 if end is None else end - self._offset[e])
                details = pickle.loads(blob)
            code, project, sheet, cell = details[pos - self._first[e]]
            index = self._file[e]
            codes[_norm(code)].append((index, displays[index], project, sheet, cell, str(code).strip()))
        self._spool.seek(0, os.SEEK_END)
        return codes

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
        for occ in self._codes().values():
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
