"""A disposable SQLite cache of file records, kept beside the summary workbook.

Keyed by the file's absolute path; an entry is reused when the file's size and
modification time are unchanged, or, when they changed, its SHA-256 is the
same.  Every entry belongs to one *version* (record format, package code,
rules, schemes and configuration): when that changes the cache is emptied.
A cache that cannot be opened or read is deleted and rebuilt; the cache is
never a reason for consolidation to fail.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import sys
from pathlib import Path

from xl_jixiao.consolidate.records import RECORD_FORMAT, FileRecord, dumps, loads

CACHE_SUFFIX = ".jxcache.sqlite"
SCHEMA = 1


def cache_path_for(output: str | os.PathLike) -> Path:
    out = Path(output)
    return out.with_name(out.name + CACHE_SUFFIX)


# Parts of the package that do not change what a file's record holds.
_NOT_AFFECTING_RECORDS = {"commands", "addin", "excel", "template", "approve", "report", "cli.py", "__main__.py"}


def code_fingerprint(config_path: str | None = None) -> str:
    """Identify everything a record depends on: package sources and data, and the configuration."""
    import xl_jixiao

    h = hashlib.sha256()
    h.update(f"record={RECORD_FORMAT};version={xl_jixiao.__version__}".encode())
    root = Path(xl_jixiao.__file__).parent
    for p in sorted(root.rglob("*")):
        if p.suffix not in (".py", ".json", ".toml") or not p.is_file():
            continue
        rel = p.relative_to(root).as_posix()
        if rel.split("/", 1)[0] in _NOT_AFFECTING_RECORDS:
            continue
        h.update(rel.encode())
        try:
            h.update(p.read_bytes())
        except OSError:
            pass
    extra = os.environ.get("XL_JIXIAO_SCHEMES")
    if extra and Path(extra).is_dir():
        for p in sorted(Path(extra).glob("*.json")):
            h.update(p.name.encode())
            h.update(p.read_bytes())
    if config_path:
        h.update(b"config:")
        h.update(Path(config_path).read_bytes())
    return h.hexdigest()


class Cache:
    """``Cache(path, version)``; ``path=None`` gives a cache that remembers nothing (``--no-cache``)."""

    def __init__(self, path: str | os.PathLike | None, version: str, log=None):
        self.path = Path(path) if path is not None else None
        self.version = version
        self.log = log or (lambda msg: print(msg, file=sys.stderr))
        self.db: sqlite3.Connection | None = None
        self.index: dict[str, tuple[int, int, str | None, str]] = {}
        self.rebuilt = False
        self._pending = 0
        if self.path is not None:
            try:
                self._open()
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc).lower():
                    self._rebuild(exc)
                else:  # another consolidation is writing it: leave it alone
                    self.log(f"缓存正被另一次汇总使用，本次不使用缓存：{self.path}")
                    self._close_quietly()
            except (sqlite3.Error, OSError, ValueError) as exc:
                self._rebuild(exc)

    def _rebuild(self, exc: Exception) -> None:
        self.log(f"缓存文件无法使用（{exc}），已重新建立：{self.path}")
        self._close_quietly()
        self._remove_files()
        self.rebuilt = True
        try:
            self._open()
        except (sqlite3.Error, OSError, ValueError) as exc2:
            self.log(f"无法建立缓存（{exc2}），本次不使用缓存")
            self._close_quietly()

    # -- setup
    def _open(self) -> None:
        assert self.path is not None
        self.db = sqlite3.connect(self.path, timeout=5)
        db = self.db
        db.execute("PRAGMA journal_mode=DELETE")
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
        db.execute("CREATE TABLE IF NOT EXISTS files (path TEXT PRIMARY KEY, size INTEGER, mtime_ns INTEGER, "
                   "sha256 TEXT, display TEXT, record BLOB)")
        meta = dict(db.execute("SELECT key, value FROM meta").fetchall())
        if meta.get("schema") != str(SCHEMA) or meta.get("version") != self.version:
            if meta:
                self.rebuilt = True
            db.execute("DELETE FROM files")
            db.execute("INSERT OR REPLACE INTO meta VALUES ('schema', ?)", (str(SCHEMA),))
            db.execute("INSERT OR REPLACE INTO meta VALUES ('version', ?)", (self.version,))
            db.commit()
        for path, size, mtime_ns, sha, display in db.execute(
                "SELECT path, size, mtime_ns, sha256, display FROM files"):
            self.index[path] = (size, mtime_ns, sha, display)
        # a quick integrity probe: a damaged file fails here rather than mid-run
        db.execute("PRAGMA quick_check(1)").fetchone()

    def _close_quietly(self) -> None:
        if self.db is not None:
            try:
                self.db.close()
            except sqlite3.Error:
                pass
        self.db = None
        self.index = {}

    def _remove_files(self) -> None:
        assert self.path is not None
        for suffix in ("", "-journal", "-wal", "-shm"):
            try:
                os.remove(str(self.path) + suffix)
            except FileNotFoundError:
                pass
            except OSError as exc:
                self.log(f"无法删除损坏的缓存文件（{exc}）")

    @property
    def enabled(self) -> bool:
        return self.db is not None

    # -- lookups
    def entry(self, path: str) -> tuple[int, int, str | None, str] | None:
        return self.index.get(path)

    def record(self, path: str) -> FileRecord | None:
        if self.db is None:
            return None
        try:
            got = self.db.execute("SELECT record FROM files WHERE path = ?", (path,)).fetchone()
        except sqlite3.Error as exc:
            self._disable_on_db_error(exc)
            return None
        if got is None:
            return None
        try:
            return loads(got[0])
        except Exception:  # noqa: BLE001 - a damaged or outdated entry is a miss, never fatal
            return None

    # -- updates
    def put(self, rec: FileRecord) -> None:
        if self.db is None or rec.sha256 is None:
            return
        try:
            self.db.execute("INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?, ?)",
                            (rec.path, rec.size, rec.mtime_ns, rec.sha256, rec.display, dumps(rec)))
            self._tick()
        except sqlite3.Error as exc:
            self._disable_on_db_error(exc)

    def touch(self, path: str, size: int, mtime_ns: int) -> None:
        if self.db is None:
            return
        try:
            self.db.execute("UPDATE files SET size = ?, mtime_ns = ? WHERE path = ?", (size, mtime_ns, path))
            self._tick()
        except sqlite3.Error as exc:
            self._disable_on_db_error(exc)

    def forget_missing(self, present: set[str]) -> None:
        """Drop entries of files that were not part of this run's inputs any more."""
        if self.db is None:
            return
        gone = [p for p in self.index if p not in present]
        try:
            self.db.executemany("DELETE FROM files WHERE path = ?", [(p,) for p in gone])
            self._tick(len(gone))
        except sqlite3.Error as exc:
            self._disable_on_db_error(exc)

    def _tick(self, n: int = 1) -> None:
        self._pending += n
        if self._pending >= 500:
            self.commit()

    def commit(self) -> None:
        if self.db is None:
            return
        try:
            self.db.commit()
            self._pending = 0
        except sqlite3.Error as exc:
            self._disable_on_db_error(exc)

    def close(self) -> None:
        self.commit()
        self._close_quietly()

    def _disable_on_db_error(self, exc: Exception) -> None:
        if "locked" in str(exc).lower():  # another consolidation holds it: leave the file alone
            self.log("缓存正被另一次汇总使用，本次其余文件不再使用缓存")
            self._close_quietly()
            return
        self.log(f"缓存出错（{exc}），本次其余文件不再使用缓存；下次运行时将重建")
        self._close_quietly()
        if self.path is not None:
            self._remove_files()
