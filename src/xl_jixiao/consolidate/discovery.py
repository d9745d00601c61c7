"""Finding the input files: folders are walked recursively, every file is accounted for.

Only regular files are ever read: named pipes, devices, sockets, broken links,
link loops and links that lead out of the input folders are listed as skipped,
with the reason.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from xl_jixiao.errors import UserError

SYSTEM_FILES = {"thumbs.db", "desktop.ini", "ehthumbs.db", ".ds_store", "icon\r"}


@dataclass(frozen=True)
class Entry:
    path: str  # absolute
    display: str  # relative to the inputs' common folder, with '/' separators
    skip_reason: str | None = None  # set for files skipped without reading


def skip_reason(name: str) -> str | None:
    """Why a file is skipped silently (lock files, hidden and system files), or ``None``."""
    low = name.lower()
    if name.startswith("~$"):
        return "Excel 锁定文件（有人正打开该工作簿时留下的临时文件）"
    if low in SYSTEM_FILES:
        return "系统文件"
    if name.startswith("."):
        return "隐藏文件"
    return None


def _hidden_dir(name: str) -> bool:
    return name.startswith(".") or name == "__MACOSX"


def _inside(path: str, roots: list[str]) -> bool:
    p = os.path.normcase(path)
    return any(p == r or p.startswith(r.rstrip(os.sep) + os.sep) for r in roots)


def file_reason(path: str, roots: list[str] | None = None) -> str | None:
    """Why ``path`` is not opened (not a regular file, a broken or looping link, a link leaving
    ``roots``), judged without opening it; ``None`` for a regular file that may be read."""
    from xl_jixiao.inbox import os_error_text, special_file_reason

    try:
        lst = os.lstat(path)
    except OSError as exc:
        return os_error_text(OSError(exc.errno, exc.strerror))
    if stat.S_ISLNK(lst.st_mode):
        try:
            st = os.stat(path)
        except OSError as exc:
            import errno

            if exc.errno == errno.ELOOP:
                return "符号链接循环（链接最终指回自己），未读取"
            if exc.errno == errno.ENOENT:
                return "失效的链接（指向的文件不存在），未读取"
            return "链接无法打开：" + os_error_text(OSError(exc.errno, exc.strerror))
        if roots is not None and not _inside(os.path.realpath(path), roots):
            return "链接指向输入文件夹以外的位置，未读取"
        reason = special_file_reason(st.st_mode)
        return f"链接指向{reason.removeprefix('这是')}" if reason else None
    return special_file_reason(lst.st_mode)


def discover(inputs: list[str | os.PathLike], exclude: dict[str, str] | None = None) -> list[Entry]:
    """Every file under ``inputs`` (files and folders), sorted by path.

    ``exclude`` maps absolute paths (e.g. the summary being written and its
    cache) to a reason; they are listed as skipped rather than read.  Hidden
    folders are not entered; each appears once, as skipped.
    """
    exclude = {os.path.normcase(os.path.abspath(k)): v for k, v in (exclude or {}).items()}
    found: dict[str, str | None] = {}
    roots: list[str] = []
    missing = []
    real_roots = [os.path.normcase(os.path.realpath(os.fspath(i))) for i in inputs if os.path.isdir(os.fspath(i))]
    for item in inputs:
        p = os.path.abspath(os.fspath(item))
        if os.path.isdir(p):
            roots.append(p)
            for dirpath, dirnames, filenames in os.walk(p):
                keep = []
                for d in sorted(dirnames):
                    full = os.path.join(dirpath, d)
                    if _hidden_dir(d):
                        found.setdefault(full, "隐藏文件夹（未进入）")
                    elif os.path.islink(full):
                        found.setdefault(full, "符号链接的文件夹（未进入）")
                    else:
                        keep.append(d)
                dirnames[:] = keep
                for f in filenames:
                    full = os.path.join(dirpath, f)
                    found.setdefault(full, skip_reason(f) or file_reason(full, real_roots))
        elif os.path.exists(p):
            roots.append(os.path.dirname(p))
            found.setdefault(p, skip_reason(os.path.basename(p)) or file_reason(p))
        elif os.path.lexists(p):  # a broken link or a link loop, named on its own
            roots.append(os.path.dirname(p))
            found.setdefault(p, file_reason(p))
        else:
            missing.append(os.fspath(item))
    if missing:
        from xl_jixiao.inbox import shown

        raise UserError("找不到输入：" + "、".join(shown(m) for m in missing))
    for path in list(found):
        reason = exclude.get(os.path.normcase(path))
        if reason:
            found[path] = reason
    base = _common_base(roots)
    out = []
    folders: dict[str, str | None] = {}  # a folder → its display prefix (worked out once per folder)
    for path in sorted(found):
        folder, name = os.path.split(path)
        if folder in folders:
            prefix = folders[folder]
        else:
            prefix = folders[folder] = _display_prefix(folder, base)
        display = path if prefix is None else prefix + name
        out.append(Entry(path=path, display=display.replace(os.sep, "/"), skip_reason=found[path]))
    return out


def _display_prefix(folder: str, base: str | None) -> str | None:
    """What goes before a file's name in its display path (``None``: the file is shown by its full path)."""
    if not base:
        return None
    try:
        rel = os.path.relpath(folder, base)
    except ValueError:  # another drive on Windows
        return None
    return "" if rel == os.curdir else rel + os.sep


def _common_base(roots: list[str]) -> str | None:
    if not roots:
        return None
    try:
        return os.path.commonpath(roots)
    except ValueError:
        return None


def display_base(inputs: list[str | os.PathLike]) -> Path | None:
    roots = []
    for item in inputs:
        p = os.path.abspath(os.fspath(item))
        roots.append(p if os.path.isdir(p) else os.path.dirname(p))
    base = _common_base(roots)
    return Path(base) if base else None
