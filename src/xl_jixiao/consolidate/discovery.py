"""Finding the input files: folders are walked recursively, every file is accounted for."""

from __future__ import annotations

import os
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
                    found.setdefault(full, skip_reason(f))
        elif os.path.exists(p):
            roots.append(os.path.dirname(p))
            found.setdefault(p, skip_reason(os.path.basename(p)))
        else:
            missing.append(os.fspath(item))
    if missing:
        raise UserError("找不到输入：" + "、".join(missing))
    for path in list(found):
        reason = exclude.get(os.path.normcase(path))
        if reason:
            found[path] = reason
    base = _common_base(roots)
    out = []
    for path in sorted(found):
        try:
            display = os.path.relpath(path, base) if base else path
        except ValueError:  # another drive on Windows
            display = path
        out.append(Entry(path=path, display=display.replace(os.sep, "/"), skip_reason=found[path]))
    return out


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
