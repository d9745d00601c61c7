"""名单: the units expected to submit, from a workbook or a CSV (单位编码, 单位名称, 主管部门)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from xl_jixiao.errors import UserError
from xl_jixiao.units import same_unit, unit_key

CODE_LABELS = ("单位编码", "单位代码", "编码", "代码")
NAME_LABELS = ("单位名称", "单位", "名称", "预算单位", "填报单位")
SUPERVISOR_LABELS = ("主管部门", "主管部门及代码", "上级单位")


@dataclass(frozen=True)
class RosterUnit:
    code: str
    name: str
    supervisor: str = ""

    def matches(self, name: str | None, code: str | None) -> bool:
        return same_unit(self.name, self.code or None, name, code)

    @property
    def label(self) -> str:
        return self.name or self.code


def _text(v: object) -> str:
    from xl_jixiao.readers.template import cell_text

    return cell_text(v) or ""


def _rows(path: Path) -> list[list[str]]:
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt"):
        raw = path.read_bytes()
        for enc in ("utf-8-sig", "gb18030"):
            try:
                text = raw.decode(enc)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise UserError(f"名单 {path} 的编码无法识别（请存为 UTF-8 或 GBK 编码的 CSV）")
        dialect = csv.excel_tab if text.count("\t") > text.count(",") else csv.excel
        return [[_text(c) for c in r] for r in csv.reader(io.StringIO(text), dialect)]
    if suffix in (".xlsx", ".xlsm", ".xls"):
        from xl_jixiao.errors import ReadError
        from xl_jixiao.readers import load_sheets

        try:
            sheets = load_sheets(path)
        except ReadError as exc:
            raise UserError(f"名单 {path} 无法读取：{exc.reason}") from None
        for rows in sheets.values():
            got = [[_text(c) for c in r] for r in rows]
            if any(_header(r) for r in got[:10]):
                return got
        first = next(iter(sheets.values()), [])
        return [[_text(c) for c in r] for r in first]
    raise UserError(f"名单应是 .xlsx/.xls 工作簿或 .csv 文件：{path}")


def _header(row: list[str]) -> tuple[int, int, int] | None:
    cells = [c.replace(" ", "") for c in row]

    def find(labels: tuple[str, ...]) -> int:
        for lab in labels:
            if lab in cells:
                return cells.index(lab)
        return -1

    name = find(NAME_LABELS)
    code = find(CODE_LABELS)
    if name < 0 and code < 0:
        return None
    return code, name, find(SUPERVISOR_LABELS)


def load_roster(path: str | Path) -> list[RosterUnit]:
    """The units of a roster; a clear Chinese error (exit 2) when it cannot be used."""
    p = Path(path)
    if not p.is_file():
        raise UserError(f"找不到名单文件：{p}")
    rows = _rows(p)
    n = next((i for i, head in enumerate(rows[:10]) if _header(head) is not None), None)
    cols = _header(rows[n]) if n is not None else None
    if n is None or cols is None:
        raise UserError(f"名单 {p} 中找不到表头：需要「单位编码」或「单位名称」列（可另有「主管部门」列）")
    c_code, c_name, c_sup = cols
    out: list[RosterUnit] = []
    seen: dict[str, int] = {}
    for line, r in enumerate(rows[n + 1:], start=n + 2):
        def at(i: int, r: list[str] = r) -> str:
            return r[i] if 0 <= i < len(r) else ""

        code, name, sup = at(c_code), at(c_name), at(c_sup)
        if not code and not name:
            continue
        key = unit_key(code) or unit_key(name)
        if key in seen:
            raise UserError(f"名单 {p} 第 {line} 行与第 {seen[key]} 行是同一单位（{name or code}）")
        seen[key] = line
        out.append(RosterUnit(code, name, sup))
    if not out:
        raise UserError(f"名单 {p} 中没有单位")
    return out
