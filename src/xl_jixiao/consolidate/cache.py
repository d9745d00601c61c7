"""A disposable SQLite cache of :class:`~xl_jixiao.pipeline.FileResult`s, kept beside the summary workbook.

Each entry is one file's rendered record for the summary (so a warm run copies
rows without rendering them again) and, when the run that read the file asked
for the results themselves (the Python API's ``keep_results``), its
:class:`~xl_jixiao.pipeline.FileResult` in the compact stored form.  A result
is made only for someone who uses it: a later run that wants a result the
cache does not hold reads that file again, and ``approve`` on a summary reads
the source files whose results are not stored.  An entry is valid for the content it was read from
(its SHA-256, computed from the very bytes that were parsed); the file's path,
size, modification time and the moment it was stored are only a shortcut: an
entry is reused without reading the file when its size and modification time
are unchanged *and* the file's inode has not changed since the entry was
stored (``st_ctime``, which ``touch``, ``cp -p`` and rewrites all move);
otherwise the file is read and hashed, and the entry is reused only when the
hash is the same.  File names that are not valid UTF-8 are stored with their
bytes escaped.  Every entry belongs to one *version*
(:func:`cache_version`: package version, result and record formats, the rule
catalogue, the schemes and the configuration): when that changes the cache is
emptied.  A cache that cannot be opened or read is deleted and rebuilt; the
cache is never a reason for consolidation to fail.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from xl_jixiao.consolidate.records import RECORD_FORMAT, FileRecord, dumps, loads
from xl_jixiao.consolidate.xlsx import FRAGMENT_FORMAT, fragment_intact
from xl_jixiao.inbox import shown as _k
from xl_jixiao.version import RESULT_FORMAT

if TYPE_CHECKING:  # a warm run needs neither the model nor the rules: imported only when used
    from xl_jixiao.config import Config
    from xl_jixiao.pipeline import FileResult

CACHE_SUFFIX = ".jxcache.sqlite"
SCHEMA = 4



def warn(message: str) -> None:
    """Log a warning of consolidation (``logging`` is imported only when there is one: a warm run stays light)."""
    import logging

    logging.getLogger("xl_jixiao.consolidate").warning(message)


def cache_path_for(output: str | os.PathLike) -> Path:
    out = Path(output)
    return out.with_name(out.name + CACHE_SUFFIX)


def _hash_files(h: Any, folder: Path, pattern: str) -> None:
    for p in sorted(folder.glob(pattern)):
        h.update(p.name.encode())
        try:
            h.update(p.read_bytes())
        except OSError:
            pass


def _rules_fingerprint() -> str:
    """The rule catalogue: the rule modules themselves (read as data, not imported)."""
    h = hashlib.sha256()
    _hash_files(h, Path(__file__).parent.parent / "rules", "*.py")
    return h.hexdigest()[:16]


def _schemes_fingerprint() -> str:
    """The schemes and the label vocabulary: what readers and rules take as data."""
    h = hashlib.sha256()
    _hash_files(h, Path(__file__).parent.parent / "schemes", "*.json")
    _hash_files(h, Path(__file__).parent.parent / "data", "labels.json")
    extra = os.environ.get("XL_JIXIAO_SCHEMES")
    if extra and Path(extra).is_dir():
        _hash_files(h, Path(extra), "*.json")
    return h.hexdigest()[:16]


def _config_fingerprint(config: Config | str | os.PathLike[str] | None) -> str:
    """A loaded configuration's own fingerprint; for a file (or the defaults) the TOML text, unparsed."""
    if config is not None and not isinstance(config, (str, os.PathLike)):
        return config.fingerprint()
    h = hashlib.sha256()
    h.update((Path(__file__).parent.parent / "data" / "default_config.toml").read_bytes())
    if config is not None:
        h.update(b"config:")
        h.update(Path(config).read_bytes())
    return "toml-" + h.hexdigest()[:16]


def cache_version(config: Config | str | os.PathLike[str] | None = None) -> str:
    """What every cached result depends on: package version, result and record formats, the rules,
    the schemes and the configuration (a :class:`Config`, a TOML path, or ``None`` for the defaults)."""
    from xl_jixiao.version import __version__

    return (f"v{__version__};result={RESULT_FORMAT};record={RECORD_FORMAT}.{FRAGMENT_FORMAT};"
            f"rules={_rules_fingerprint()};"
            f"schemes={_schemes_fingerprint()};config={_config_fingerprint(config)}")


code_fingerprint = cache_version


def stored_results(path: str | os.PathLike[str], version: str) -> dict[str, bytes]:
    """The results a cache file holds, by SHA-256 of their file, when it is of ``version``.

    Opened read-only: reading never empties or rebuilds another run's cache; any problem is a miss.
    """
    p = Path(path)
    if not p.is_file():
        return {}
    try:
        db = sqlite3.connect(f"{p.resolve().as_uri()}?mode=ro", uri=True, timeout=5)
        try:
            meta = dict(db.execute("SELECT key, value FROM meta").fetchall())
            if meta.get("schema") != str(SCHEMA) or meta.get("version") != version:
                return {}
            rows = db.execute("SELECT f.sha256, r.result FROM files f JOIN results r ON r.path = f.path").fetchall()
        finally:
            db.close()
    except sqlite3.Error:
        return {}
    return {sha: blob for sha, blob in rows if sha}


def _record(blob: bytes) -> FileRecord | None:
    try:
        rec = loads(blob)
        # its rendered rows are copied into the summary as they are: damaged ones are a miss too
        if (fragment_intact(rec.projects_frag) and fragment_intact(rec.indicators_frag)
                and fragment_intact(rec.findings_frag)):
            return rec
    except Exception:  # noqa: BLE001 - a damaged or outdated entry is a miss, never fatal
        pass
    return None


class Cache:
    """``Cache(path, version)``; ``path=None`` gives a cache that remembers nothing (``--no-cache``)."""

    def __init__(self, path: str | os.PathLike[str] | None, version: str,
                 log: Callable[[str], None] | None = None):
        self.path = Path(path) if path is not None else None
        self.version = version
        self.log = log or warn
        self.db: sqlite3.Connection | None = None
        self.index: dict[str, tuple[int, int, str | None, str, int]] = {}
        self.run_ns = time.time_ns()  # entries stored by this run are valid for inodes unchanged since now
        self.rebuilt = False
        self.meta: dict[str, str] = {}
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
                   "sha256 TEXT, display TEXT, record BLOB, seen_ns INTEGER)")
        # the typed results live in their own table: a warm run reads only the (small) records
        db.execute("CREATE TABLE IF NOT EXISTS results (path TEXT PRIMARY KEY, result BLOB)")
        meta = dict(db.execute("SELECT key, value FROM meta").fetchall())
        if meta.get("schema") != str(SCHEMA) or meta.get("version") != self.version:
            if meta:
                self.rebuilt = True
            db.execute("DELETE FROM files")
            db.execute("DELETE FROM results")
            db.execute("DELETE FROM meta")
            db.execute("INSERT INTO meta VALUES ('schema', ?)", (str(SCHEMA),))
            db.execute("INSERT INTO meta VALUES ('version', ?)", (self.version,))
            db.commit()
            meta = {}
        self.meta = meta
        for path, size, mtime_ns, sha, display, seen_ns in db.execute(
                "SELECT path, size, mtime_ns, sha256, display, seen_ns FROM files"):
            self.index[path] = (size, mtime_ns, sha, display, seen_ns or 0)
        # a quick integrity probe: a damaged file fails here rather than mid-run.  Where SQLite can, only the
        # table a run reads from is checked (the stored results are read only when asked for, and a damaged
        # one is a miss then)
        db.execute("PRAGMA quick_check(files)" if sqlite3.sqlite_version_info >= (3, 33, 0)
                   else "PRAGMA quick_check(1)").fetchone()

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

    def release_index(self) -> None:
        """Let go of the table of entries read at open (once every file's entry has been looked up)."""
        self.index = {}

    # -- lookups
    def entry(self, path: str) -> tuple[int, int, str | None, str, int] | None:
        """``(size, mtime_ns, sha256, display, seen_ns)`` stored for ``path``."""
        return self.index.get(_k(path))

    def unchanged(self, path: str, display: str) -> bool | None:
        """``True``: the stored entry holds for the file as it is (the shortcut); ``False``: the file must be
        hashed (it may still be the same content); ``None``: no entry."""
        entry = self.index.get(_k(path))
        if entry is None or entry[3] != _k(display):
            return None
        size, mtime_ns, _, _, seen_ns = entry
        try:
            st = os.stat(path)
        except OSError:
            return False
        return st.st_size == size and st.st_mtime_ns == mtime_ns and st.st_ctime_ns < seen_ns

    def _blob(self, table: str, column: str, path: str) -> bytes | None:
        if self.db is None:
            return None
        try:
            got = self.db.execute(f"SELECT {column} FROM {table} WHERE path = ?", (_k(path),)).fetchone()
        except sqlite3.Error as exc:
            self._disable_on_db_error(exc)
            return None
        return None if got is None else got[0]

    def record(self, path: str) -> FileRecord | None:
        """The summary's rendered record of ``path`` (``None``: a miss)."""
        blob = self._blob("files", "record", path)
        return None if blob is None else _record(blob)

    def records(self, paths: list[str]) -> dict[str, FileRecord]:
        """The rendered records of ``paths``, in one query (a path without a usable record is left out)."""
        if self.db is None or not paths:
            return {}
        keys = {_k(p): p for p in paths}
        try:
            got = self.db.execute(f"SELECT path, record FROM files WHERE path IN ({', '.join('?' * len(keys))})",
                                  list(keys)).fetchall()
        except sqlite3.Error as exc:
            self._disable_on_db_error(exc)
            return {}
        out = {}
        for key, blob in got:
            rec = _record(blob)
            if rec is not None:
                out[keys[key]] = rec
        return out

    def result_paths(self) -> set[str]:
        """The files whose result is stored (by the key :meth:`has_result` looks up)."""
        if self.db is None:
            return set()
        try:
            return {key for (key,) in self.db.execute("SELECT path FROM results")}
        except sqlite3.Error as exc:
            self._disable_on_db_error(exc)
            return set()

    @staticmethod
    def has_result(stored: set[str], path: str) -> bool:
        """Whether ``path`` is among ``stored`` (:meth:`result_paths`)."""
        return _k(path) in stored

    def result_bytes(self, path: str) -> bytes | None:
        """The stored :class:`FileResult` of ``path``, still compressed (``None``: a miss)."""
        return self._blob("results", "result", path)

    def result(self, path: str) -> FileResult | None:
        from xl_jixiao.pipeline import FileResult

        blob = self.result_bytes(path)
        if blob is None:
            return None
        try:
            return FileResult.from_bytes(blob)
        except Exception:  # noqa: BLE001 - a damaged or outdated entry is a miss, never fatal
            return None

    def rule_titles(self) -> dict[str, str]:
        """The rule titles this cache remembers, by code (they belong to its version: the rule catalogue is
        part of it), so a run that reads nothing need not load the catalogue."""
        import json

        try:
            got = json.loads(self.meta.get("rule_titles") or "{}")
        except ValueError:
            return {}
        if not isinstance(got, dict):
            return {}
        return {k: v for k, v in got.items() if isinstance(k, str) and isinstance(v, str)}

    def remember_rule_titles(self, titles: dict[str, str]) -> None:
        if self.db is None:
            return
        import json

        text = json.dumps(titles, ensure_ascii=False, sort_keys=True)
        try:
            self.db.execute("INSERT OR REPLACE INTO meta VALUES ('rule_titles', ?)", (text,))
            self.meta["rule_titles"] = text
            self._tick()
        except sqlite3.Error as exc:
            self._disable_on_db_error(exc)

    # -- updates
    def put(self, rec: FileRecord, result: bytes) -> None:
        """Store a file's rendered record and, when it was made (``result`` not empty), its result
        (``FileResult.to_bytes``); a result stored for an earlier content of the file is dropped."""
        if self.db is None or rec.sha256 is None:
            return
        try:
            self.db.execute("INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?, ?, ?)",
                            (_k(rec.path), rec.size, rec.mtime_ns, rec.sha256, _k(rec.display), dumps(rec),
                             self.run_ns))
            if result:
                self.db.execute("INSERT OR REPLACE INTO results VALUES (?, ?)", (_k(rec.path), result))
            else:
                self.db.execute("DELETE FROM results WHERE path = ?", (_k(rec.path),))
            self._tick()
        except sqlite3.Error as exc:
            self._disable_on_db_error(exc)

    def touch(self, path: str, size: int, mtime_ns: int) -> None:
        if self.db is None:
            return
        try:
            self.db.execute("UPDATE files SET size = ?, mtime_ns = ?, seen_ns = ? WHERE path = ?",
                            (size, mtime_ns, self.run_ns, _k(path)))
            self._tick()
        except sqlite3.Error as exc:
            self._disable_on_db_error(exc)

    def forget_missing(self, present: set[str]) -> None:
        """Drop entries of files that were not part of this run's inputs any more."""
        if self.db is None:
            return
        present = {_k(p) for p in present}
        try:
            gone = [p for (p,) in self.db.execute("SELECT path FROM files") if p not in present]
            self.db.executemany("DELETE FROM files WHERE path = ?", [(p,) for p in gone])
            self.db.executemany("DELETE FROM results WHERE path = ?", [(p,) for p in gone])
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
