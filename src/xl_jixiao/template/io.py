"""Saving workbooks: atomically (a temporary file in the target folder, then ``os.replace``),
with filled-down formula columns stored as shared formulas.

openpyxl writes a formula column of 5,000 rows as 5,000 full formulas (several MB of
XML).  Excel stores such a column as one *shared formula*: the first cell carries the
formula and the range it covers, the others only a reference to it.  Every spreadsheet
engine and reader (Excel, WPS, LibreOffice, openpyxl, python-calamine) understands it,
and the files become several times smaller and faster to read.
"""

from __future__ import annotations

import io
import os
import re
import tempfile
import zipfile
from pathlib import Path

ROW_PLACEHOLDER = "#R#"
_REGISTRY_ATTR = "_jx_filled_formulas"


def register_filled_formula(ws, column: str, first: int, last: int, pattern: str) -> None:
    """Remember that ``ws`` holds ``pattern`` (``#R#`` = row) in ``column`` rows first…last."""
    wb = ws.parent
    specs = getattr(wb, _REGISTRY_ATTR, None)
    if specs is None:
        specs = []
        setattr(wb, _REGISTRY_ATTR, specs)
    specs.append((ws.title, column, first, last, pattern))


_STRING = re.compile(r'("(?:[^"]|"")*")')
_RELATIVE_ROW_REF = re.compile(r"(?<![A-Za-z0-9_.$])(\$?[A-Z]{1,3})(\d+)(?![0-9A-Za-z_(])")


def row_pattern(formula: str, row: int) -> str | None:
    """``formula`` at ``row`` with its references to that row written ``#R#``, or ``None`` when it
    refers to another row relatively (filling it down would change that reference: not shareable)."""
    parts = _STRING.split(formula)
    for i in range(0, len(parts), 2):  # outside string literals
        refs = _RELATIVE_ROW_REF.findall(parts[i])
        if any(int(r) != row for _, r in refs):
            return None
        parts[i] = _RELATIVE_ROW_REF.sub(lambda m: m.group(1) + ROW_PLACEHOLDER, parts[i])
    return "".join(parts)


def register_existing_formulas(wb, min_run: int = 2) -> int:
    """Find filled-down formula columns in a loaded workbook (openpyxl expands shared formulas
    into one full formula per cell) and register them, so that :func:`save_atomic` stores them
    as shared formulas again.  Returns the number of runs registered."""
    runs = 0
    for ws in wb.worksheets:
        for column, first, last, pattern in formula_runs(ws):
            if last - first + 1 >= min_run:
                register_filled_formula(ws, _letter(column), first, last, pattern)
                runs += 1
    return runs


def formula_runs(ws) -> list[tuple[int, int, int, str]]:
    """``(column, first row, last row, pattern)`` of each run of cells holding one formula filled down."""
    done: list[tuple[int, int, int, str]] = []
    open_runs: dict[int, tuple[int, int, str]] = {}  # column → (first, last, pattern)
    for row in ws.iter_rows():
        for c in row:
            v = c.value
            run = open_runs.get(c.column)
            if not (isinstance(v, str) and v.startswith("=") and c.data_type == "f"):
                pattern = None
            elif run is not None and c.row == run[1] + 1 and v[1:] == run[2].replace(ROW_PLACEHOLDER, str(c.row)):
                pattern = run[2]  # the run goes on (cheap test first: most cells are filled down)
            else:
                pattern = row_pattern(v[1:], c.row)
            if run is not None and (pattern is None or pattern != run[2] or c.row != run[1] + 1):
                done.append((c.column, *open_runs.pop(c.column)))
                run = None
            if pattern is not None:
                open_runs[c.column] = (run[0] if run else c.row, c.row, pattern)
    done += [(column, *run) for column, run in open_runs.items()]
    return done


def _letter(column: int) -> str:
    from xl_jixiao.cellref import column_letter

    return column_letter(column)


def _escape(text: str) -> str:
    """Text as XML character data (what ``xml.sax.saxutils.escape`` does, without importing
    ``urllib`` and ``http`` with it)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


_CHAR_REF = re.compile(r"&#(\d+);")


def _char(m: re.Match) -> str:
    return chr(int(m.group(1)))


_CELL_FORMULA = re.compile(r'<c r="([A-Z]{1,3})(\d+)"([^>]*)><f>([^<]*)</f>')


def share_formulas(xml: str, specs: list[tuple[str, int, int, str]]) -> str:
    """Rewrite a worksheet's XML so each contiguous run of cells whose formula is exactly
    ``pattern`` at its row becomes one shared formula. Other cells are left untouched."""
    by_col: dict[str, list[tuple[int, int, int, str, str]]] = {}
    for n, (col, first, last, pattern) in enumerate(specs):
        text = _escape(pattern.removeprefix("="))
        # as openpyxl writes it: characters outside ASCII as numeric references (compared first, cheaply)
        written = text.encode("ascii", "xmlcharrefreplace").decode("ascii")
        by_col.setdefault(col, []).append((n, first, last, text, written))
    rows: dict[tuple[str, int], list[int]] = {}  # (column, spec) → rows holding that spec's formula
    for m in _CELL_FORMULA.finditer(xml):
        col, row = m.group(1), int(m.group(2))
        for n, first, last, text, written in by_col.get(col, ()):
            if not first <= row <= last:
                continue
            stored, number = m.group(4), str(row)
            if stored == written.replace(ROW_PLACEHOLDER, number) or \
                    _CHAR_REF.sub(_char, stored) == text.replace(ROW_PLACEHOLDER, number):
                rows.setdefault((col, n), []).append(row)
            break
    masters: dict[tuple[str, int], tuple[int, int]] = {}
    members: dict[tuple[str, int], int] = {}
    si = 0
    for (col, _), found in rows.items():
        found.sort()
        start = prev = found[0]
        for r in found[1:] + [None]:
            if r is not None and r == prev + 1:
                prev = r
                continue
            if prev > start:  # a run of one cell stays an ordinary formula
                masters[(col, start)] = (si, prev)
                for x in range(start + 1, prev + 1):
                    members[(col, x)] = si
                si += 1
            if r is not None:
                start = prev = r
    if not masters:
        return xml

    def rewrite(m: re.Match) -> str:
        key = (m.group(1), int(m.group(2)))
        head = f'<c r="{m.group(1)}{m.group(2)}"{m.group(3)}>'
        if key in masters:
            k, end = masters[key]
            return f'{head}<f t="shared" ref="{key[0]}{key[1]}:{key[0]}{end}" si="{k}">{m.group(4)}</f>'
        if key in members:
            return f'{head}<f t="shared" si="{members[key]}"/>'
        return m.group(0)

    return _CELL_FORMULA.sub(rewrite, xml)


def _parts(wb) -> dict[str, list[tuple[str, int, int, str]]]:
    """Registered formula columns by worksheet part name (valid once ``wb`` was saved)."""
    by_part: dict[str, list[tuple[str, int, int, str]]] = {}
    for title, col, first, last, pattern in getattr(wb, _REGISTRY_ATTR, None) or ():
        if title not in wb.sheetnames:
            continue
        part = (getattr(wb[title], "path", "") or "").lstrip("/")
        if part:
            by_part.setdefault(part, []).append((col, first, last, pattern))
    return by_part


def share_formulas_in_package(wb, data: bytes) -> bytes:
    """The package ``data`` just saved from ``wb``, with its filled-down formula columns shared."""
    by_part = _parts(wb)
    if not by_part:
        return data
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            part = src.read(info.filename)
            if info.filename in by_part:
                part = share_formulas(part.decode("utf-8"), by_part[info.filename]).encode("utf-8")
            dst.writestr(info, part)
    return out.getvalue()


def _share_in_package(wb, path: Path) -> None:
    if _parts(wb):
        path.write_bytes(share_formulas_in_package(wb, path.read_bytes()))


def import_openpyxl_without_numpy() -> None:
    """Import openpyxl for a command that only writes workbooks, without numpy.

    openpyxl imports numpy when it is installed (to accept numpy scalars as cell values), which
    costs more than a third of importing openpyxl.  xl_jixiao never gives it numpy values, so a
    command-line process imports openpyxl with numpy out of reach; numpy itself stays importable
    afterwards.  Does nothing when either is already imported (the Python API leaves them alone).
    """
    import sys

    if "openpyxl" in sys.modules or "numpy" in sys.modules:
        return
    sys.modules["numpy"] = None  # type: ignore[assignment]  # "import numpy" raises ImportError
    try:
        import openpyxl  # noqa: F401
    finally:
        del sys.modules["numpy"]


def load_workbook_quietly(path, **kwargs):
    """``openpyxl.load_workbook`` without its warnings about features it does not keep
    (a formula print area, data-validation extensions): users should not see library noise."""
    import warnings

    from openpyxl import load_workbook

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return load_workbook(path, **kwargs)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _temporary(path: Path, suffix: str | None = None) -> tuple[str, int | None]:
    """A temporary file beside ``path`` (held while in use); temporaries a killed run left there are removed."""
    from xl_jixiao.inbox import TEMP_PREFIX, TEMP_SUFFIX, hold_temporary, remove_stale_temporaries

    path.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(path.parent)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=TEMP_PREFIX, suffix=(suffix or path.suffix) + TEMP_SUFFIX)
    os.close(fd)
    return tmp, hold_temporary(tmp)


def _write_atomic(path, write, suffix: str | None = None) -> Path:
    """Call ``write(tmp)`` for a temporary file beside ``path``, then rename it over ``path``.

    The temporary is held (a lock) while in use, so a later run can tell it from one a killed run
    left behind, and remove only those.
    """
    from xl_jixiao.inbox import release_temporary

    path = Path(path)
    tmp, held = _temporary(path, suffix)
    try:
        write(tmp)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    finally:
        release_temporary(held)
    return path


def write_file_atomic(path, write, suffix: str | None = None) -> Path:
    """Have ``write(tmp)`` write a file, then put it at ``path`` atomically (see :func:`_write_atomic`)."""
    return _write_atomic(path, write, suffix)


def save_atomic(wb, path) -> Path:
    """Save ``wb`` to ``path``; readers never see a half-written file."""

    def write(tmp: str) -> None:
        # rendered in memory, then written in one go: a full disk fails on our own file, cleanly
        buf = io.BytesIO()
        wb.save(buf)
        data = share_formulas_in_package(wb, buf.getvalue())
        del buf
        with open(tmp, "wb") as f:
            f.write(data)

    return _write_atomic(path, write, Path(path).suffix or ".xlsx")


def write_text_atomic(path, text: str, encoding: str = "utf-8") -> Path:
    """Write a text file (UTF-8 unless told otherwise) atomically.

    File names that are not valid UTF-8 (surrogate escapes) are written with their bytes escaped.
    """

    def write(tmp: str) -> None:
        with open(tmp, "w", encoding=encoding, errors="backslashreplace") as f:
            f.write(text)

    return _write_atomic(path, write)


def copy_atomic(src, path) -> Path:
    """Copy the file ``src`` to ``path`` atomically (a temporary file beside ``path``, then a rename)."""
    import shutil

    return _write_atomic(path, lambda tmp: shutil.copyfile(src, tmp))
