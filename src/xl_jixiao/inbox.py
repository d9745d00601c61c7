"""A hostile inbox: bounded reads, special files, our own outputs, file names in any encoding.

Everything here runs *before* a spreadsheet library sees a file, and costs
milliseconds:

* :func:`read_once` opens only regular files (never a FIFO, a device or a
  socket), reads the bytes once, within a size limit, and notices a file that
  changed while it was read — the hash and the parse then come from the same
  bytes;
* :func:`inspect_package` checks a zip package (xlsx/xlsm/docx/ods) against the
  :class:`~xl_jixiao.config.Limits`: each part's uncompressed size and
  compression ratio, the worksheets' declared dimensions and cell positions,
  the shared strings' count and sizes; it also recognises an ``.xlsb`` and the
  files this tool wrote itself (:data:`MARKER_PROPERTY`), and can hand the
  parser the package as checked, the parts it inflated stored inflated (the
  parser then reads the very bytes that were checked, without inflating them
  a second time);
* :func:`os_error_text` turns an ``OSError`` into a Chinese sentence;
* :func:`shown` makes a file name that is not valid UTF-8 printable (its bytes
  escaped as ``\\xNN``), so reports, caches and summaries never fail on it.
"""

from __future__ import annotations

import errno
import functools
import io
import itertools
import os
import re
import stat
import struct
import zipfile
import zlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from xl_jixiao import deflate
from xl_jixiao.errors import ReadError

if TYPE_CHECKING:
    from collections.abc import Iterator

    from xl_jixiao.config import Limits

MIB = 1 << 20

# ------------------------------------------------------------------ our own outputs

MARKER_PROPERTY = "XlJixiaoOutput"
"""Custom document property this tool writes into every workbook it produces (value: the kind)."""

OUTPUT_KINDS = {
    "summary": "本工具生成的汇总表",
    "annotated": "本工具生成的校验标注副本",
    "approval": "本工具生成的批复表",
    "review": "本工具生成的审核意见",
}


def own_output_reason(kind: str) -> str:
    what = OUTPUT_KINDS.get(kind, "本工具生成的输出文件")
    return f"{what}（不是单位提交的工作簿，不作为单位汇总）"


class OwnOutput(ReadError):
    """The file is one of this tool's outputs: listed as skipped, never read as a unit."""

    def __init__(self, kind: str, file: str | None = None):
        self.kind = kind
        super().__init__(own_output_reason(kind), file)


def mark_workbook(wb, kind: str) -> None:
    """Mark an openpyxl workbook as an output of this tool (a custom document property)."""
    from openpyxl.packaging.custom import StringProperty

    props = wb.custom_doc_props
    for name in [p.name for p in props.props if p.name == MARKER_PROPERTY]:
        del props[name]
    props.append(StringProperty(name=MARKER_PROPERTY, value=kind))


def custom_xml(kind: str) -> str:
    """``docProps/custom.xml`` carrying the marker (for workbooks written without openpyxl)."""
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
            'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
            '<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" '
            f'name="{MARKER_PROPERTY}"><vt:lpwstr>{kind}</vt:lpwstr></property></Properties>')


_MARKER_RE = re.compile(rb'name="' + MARKER_PROPERTY.encode() + rb'"[^>]*>\s*<(?:\w+:)?lpwstr\b[^>]*>([a-z]+)<')


# ------------------------------------------------------------------ names


def shown(text: str) -> str:
    """``text`` printable and encodable: undecodable bytes of a file name (surrogate escapes) as ``\\xNN``."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


# ------------------------------------------------------------------ errors


_ERRNO_TEXT = {
    errno.ENOENT: "文件或文件夹不存在",
    errno.EACCES: "没有权限（文件或文件夹不允许读写）",
    errno.EPERM: "操作不被允许（没有权限）",
    errno.EROFS: "目标位置是只读的（只读磁盘或只读共享），无法写入",
    errno.ENOSPC: "磁盘空间已满，无法写入",
    errno.EFBIG: "文件超过了允许的大小（磁盘或系统限制），无法写入",
    errno.ELOOP: "符号链接循环（链接最终指回自己），无法打开",
    errno.ENAMETOOLONG: "文件名或路径太长",
    errno.EISDIR: "这是一个文件夹，不是文件",
    errno.ENOTDIR: "路径中的某一级不是文件夹",
    errno.EIO: "磁盘读写错误（设备故障或网络盘断开）",
    errno.EBUSY: "文件正被占用",
    errno.EXDEV: "不能跨磁盘移动文件",
}
if hasattr(errno, "EDQUOT"):
    _ERRNO_TEXT[errno.EDQUOT] = "磁盘配额已用完，无法写入"


def os_error_text(exc: OSError) -> str:
    """An ``OSError`` as a Chinese sentence (the system's own words only for rare cases)."""
    text = _ERRNO_TEXT.get(exc.errno or -1)
    name = exc.filename if isinstance(exc.filename, str) else None
    if exc.errno == errno.EEXIST and name and os.path.islink(name) and not os.path.exists(name):
        text = "路径是一个符号链接循环或失效的链接，无法作为文件夹使用"  # mkdir over a looping link
    if text is None:
        text = f"系统错误：{exc.strerror or exc}"
    return f"{text}：{shown(name)}" if name else text


def special_file_reason(mode: int) -> str | None:
    """Why a file of this ``st_mode`` is never opened (``None`` for a regular file)."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "这是一个文件夹，不是文件"
    if stat.S_ISFIFO(mode):
        return "这是一个命名管道（FIFO），不是普通文件，未读取"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "这是一个设备文件，不是普通文件，未读取"
    if stat.S_ISSOCK(mode):
        return "这是一个套接字文件，不是普通文件，未读取"
    return "不是普通文件，未读取"


# ------------------------------------------------------------------ one read


@dataclass
class Snapshot:
    """The bytes of a file, read once, and its identity when they were read."""

    data: bytes
    size: int
    mtime_ns: int
    ctime_ns: int
    ino: int


CHANGED = "文件在读取过程中被改动（可能正在复制或保存），请等文件写完后再运行"


def read_once(path: str, limits: Limits) -> Snapshot:
    """Read a regular file whole, once; raises :class:`ReadError` (Chinese) otherwise.

    Special files are refused without being opened for reading data (a FIFO is
    opened non-blocking only to confirm what it is); a file larger than
    ``limits.max_file_mb`` is refused from its size alone; a file whose size or
    modification time changed while it was read is refused as changing.
    """
    try:
        st = os.stat(path)
    except OSError as exc:
        raise ReadError(os_error_text(_unnamed(exc)), path) from None
    reason = special_file_reason(st.st_mode)
    if reason:
        raise ReadError(reason, path)
    limit = limits.max_file_mb * MIB
    if st.st_size > limit:
        raise ReadError(f"文件太大（{st.st_size / MIB:.1f} MB，上限 {limits.max_file_mb} MB），未读取", path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise ReadError(os_error_text(_unnamed(exc)), path) from None
    try:
        before = os.fstat(fd)
        reason = special_file_reason(before.st_mode)
        if reason:  # replaced by a special file between stat and open
            raise ReadError(reason, path)
        chunks = []
        got = 0
        while True:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            got += len(chunk)
            if got > limit:
                raise ReadError(f"文件太大（超过 {limits.max_file_mb} MB），未读取", path)
            chunks.append(chunk)
        after = os.fstat(fd)
    except OSError as exc:
        raise ReadError(os_error_text(_unnamed(exc)), path) from None
    finally:
        os.close(fd)
    data = b"".join(chunks)
    if (after.st_size, after.st_mtime_ns) != (before.st_size, before.st_mtime_ns) or len(data) != before.st_size:
        raise ReadError(CHANGED, path)
    return Snapshot(data, before.st_size, before.st_mtime_ns, before.st_ctime_ns, before.st_ino)


def _unnamed(exc: OSError) -> OSError:
    """The error without its file name (the finding names the file already)."""
    return OSError(exc.errno, exc.strerror)


# ------------------------------------------------------------------ package checks

ZIP_MAGIC = b"PK\x03\x04"
CHUNK = 1 << 20
RATIO_FLOOR = 16 * MIB
"""Parts smaller than this are not judged by their compression ratio (small XML compresses very well)."""
DEFLATE_MAX_RATIO = 1032
"""No deflate stream inflates to more than 1,032 times its own size (258 bytes from a 2-bit length/distance
pair): a bound on what a part really holds, whatever its entry declares."""
ONE_CALL = 64 * MIB
"""A deflated part of at most :data:`CHUNK` bytes whose worst case (compressed size ×
:data:`DEFLATE_MAX_RATIO`) is within this is inflated in one call; others in pieces of :data:`CHUNK`."""
FEED = 256 << 10
"""Compressed bytes handed to the inflater at a time when a part is inflated in pieces."""
_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")  # a part's local header: signature, versions, flags … name/extra lengths
_ZIP_ODD_FLAGS = 0x1 | 0x20 | 0x40  # encrypted, compressed patched data, strong encryption

_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="([A-Za-z$]*)(\d*)(?::\$?([A-Za-z]+)\$?(\d+))?"')
# the ``r`` attribute of cells (``r="XFD1048576"``) and rows (``r="5"``), either quote: the reader places
# cells by it.  Matching any attribute ending in ``r`` only makes the check stricter.
_REF_ROW = re.compile(rb'r="\$?[A-Za-z]{0,4}\$?([0-9]{1,9})"')  # as every writer spells it: fast
_REF_COL = re.compile(rb'r="\$?([A-Za-z]{1,4})\$?[0-9]')
_REF_ANY = re.compile(rb'r\s*=\s*["\']\$?([A-Za-z]{0,4})\$?([0-9]{1,9})["\']')
_REF_ODD = re.compile(rb"r\s+=|r=\s|r='")  # another spelling somewhere: the thorough pattern for this chunk
# A reference (in any spelling :data:`_REF_ANY` reads) beyond column Z or with ``digits`` or more row
# digits: a chunk where this finds nothing is within those bounds without listing its references (one scan).
# It matches a value whose leading run of letters and ``$`` is followed by ``digits`` digits, or is at least
# two long and followed by a digit — every such reference and a few odd values more (those only cost the
# scan that lists references).  Possessive repeats: the scan stops at every ``r`` and must move on fast.
_REF_FAR = {
    digits: re.compile(rb"""r\s*+=\s*+["'][A-Za-z$]*+(?:[0-9]{%d}|(?<=[A-Za-z$]{2})[0-9])""" % digits)
    for digits in range(2, 10)
}
# The same within column ZZ: a reference with three letters (or ``$``) before its digits, or ``digits`` digits.
_REF_WIDE = {
    digits: re.compile(rb"""r\s*+=\s*+["'][A-Za-z$]*+(?:[0-9]{%d}|(?<=[A-Za-z$]{3})[0-9])""" % digits)
    for digits in range(2, 10)
}
_SST = re.compile(rb'<(?:\w+:)?sst\b[^>]*>')
_SST_COUNT = re.compile(rb'\b(?:uniqueCount|count)="(\d+)"')
_SI = re.compile(rb'<(/?)(?:\w+:)?si\b(/?)')


@dataclass
class Inspection:
    """What the bytes of a package say before any parser sees them."""

    own_output: str | None = None  # the kind of one of our outputs (:data:`OUTPUT_KINDS`)
    package: bytes | None = None
    """The same package with the parts the checks inflated stored as they were inflated (asked for with
    ``repack``): a parser reads what was checked without inflating it again.  ``None`` when not made."""


REPACK_MOST = 32 * MIB
"""The most inflated bytes kept for :attr:`Inspection.package`; a package holding more is parsed as it is."""


@dataclass
class _Package:
    """A zip package being inspected: its bytes, the file's name, the limits, (once needed) zipfile's view
    of it and (when repacking) the parts inflated so far, by their place in the directory."""

    data: bytes
    name: str
    limits: Limits
    zf: zipfile.ZipFile | None = None
    inflated: dict[int, bytes] | None = None
    kept: int = 0

    def keep(self, info: _Entry, whole: bytes) -> None:
        if self.inflated is not None:
            self.kept += len(whole)
            if self.kept > REPACK_MOST:
                self.inflated = None
            else:
                self.inflated[info.index] = whole


@dataclass(slots=True)
class _Entry:
    """A part's directory entry: the fields the checks use, as zipfile reads them."""

    filename: str
    orig_filename: str
    flag_bits: int
    compress_type: int
    CRC: int
    compress_size: int
    file_size: int
    header_offset: int
    index: int  # its place in the directory (zipfile's ``infolist()``)


_END = struct.Struct("<4s4H2LH")  # end of central directory record
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")  # central directory entry


def _directory(data: bytes) -> list[_Entry] | None:
    """The directory of a plain package read straight from its bytes, as zipfile reads it; ``None`` for
    anything else (an archive comment, zip64, bytes before the first part, extra fields, names with a NUL
    or a backslash, a damaged directory): zipfile reads those, with its own checks."""
    end = len(data) - _END.size
    if end < 20:
        return None
    magic, _, _, _, _, size, offset, comment = _END.unpack_from(data, end)
    if magic != b"PK\x05\x06" or comment or offset + size != end or data[end - 20:end - 16] == b"PK\x06\x07":
        return None
    entries: list[_Entry] = []
    at = offset
    while at < end:
        if at + _CENTRAL.size > end:
            return None
        (magic, _, _, version, _, flags, method, _, _, crc, compressed, inflated, name_length, extra_length,
         comment_length, _, _, _, header) = _CENTRAL.unpack_from(data, at)
        name_at = at + _CENTRAL.size
        at = name_at + name_length + comment_length
        if magic != b"PK\x01\x02" or extra_length or version > 63 or at > end:
            return None
        raw_name = data[name_at:name_at + name_length]
        try:  # an ASCII name reads the same in both encodings (ASCII is decoded in C, cp437 through a codec)
            part = raw_name.decode("ascii" if raw_name.isascii() else "utf-8" if flags & 0x800 else "cp437")
        except UnicodeDecodeError:
            return None
        if "\0" in part or "\\" in part:
            return None
        entries.append(_Entry(part, part, flags, method, crc, compressed, inflated, header, len(entries)))
    return entries


def _col_number(letters: bytes) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ch - 64
    return n


def _is_sheet(part: str) -> bool:
    """Whether the reader may read the part as a worksheet.  python-calamine reads a sheet from wherever
    the workbook's relationships point under ``xl/worksheets/`` (any name, ``_rels`` folder included) and
    finds parts by name without regard to case: every such part is checked."""
    return part[:14].lower() == "xl/worksheets/"


_SHARED_STRINGS = "xl/sharedstrings.xml"  # lower case: the reader finds the part without regard to case


def inspect_package(data: bytes, name: str, limits: Limits, *, repack: bool = False) -> Inspection:
    """Check a zip package against ``limits``; raises :class:`ReadError` (Chinese) when it is over one.

    ``data`` that is not a zip package is left to the readers (``Inspection()``).  Worksheets, shared
    strings and our marker are inflated and read; every other part either is inflated too (counting what
    it really holds) or is shown to be small from its compressed size alone.  ``repack``: a plain workbook
    package comes back as :attr:`Inspection.package` too.
    """
    if not data.startswith(ZIP_MAGIC):
        return Inspection()
    pkg = _Package(data, name, limits)
    infos = _directory(data)
    if repack and infos is not None and len(infos) < 0xFFFF \
            and any(i.filename == "xl/workbook.xml" for i in infos):
        pkg.inflated = {}
    if infos is None:  # not a plain package: zipfile reads its directory
        try:
            pkg.zf = zipfile.ZipFile(io.BytesIO(data))
            infos = [_Entry(i.filename, i.orig_filename, i.flag_bits, i.compress_type, i.CRC, i.compress_size,
                            i.file_size, i.header_offset, n) for n, i in enumerate(pkg.zf.infolist())]
        except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError):
            raise ReadError("文件已损坏（压缩包结构不完整），无法读取", name) from None
    if len(infos) > limits.max_parts:
        raise ReadError(f"文件中的部件过多（{len(infos)} 个，上限 {limits.max_parts}），疑似异常文件，未读取", name)
    names = {i.filename: i for i in infos}  # the last entry of a name, as zipfile finds it
    if "xl/workbook.bin" in names:
        raise ReadError("这是 Excel 二进制工作簿（.xlsb），不支持：请在 Excel 中「另存为」.xlsx 后再提交", name)
    total = 0
    for info in infos:
        _check_part_size(info, info.file_size, name, limits)
        total += info.file_size
        if total > limits.max_total_mb * MIB:
            raise ReadError(f"文件解压后超过 {limits.max_total_mb} MB，疑似压缩炸弹，未读取", name)
    out = Inspection()
    marker = names.get("docProps/custom.xml")
    if marker is not None:
        m = _MARKER_RE.search(b"".join(_parts(pkg, marker)))
        if m:
            out.own_output = m.group(1).decode()
    unread = []
    for info in infos:
        fn = info.filename
        if _is_sheet(fn):
            _check_sheet(pkg, info)
        elif fn.lower() == _SHARED_STRINGS:
            _check_shared_strings(pkg, info)
        elif info.file_size > RATIO_FLOOR:  # any other big part: decompress within the limits
            for _ in _parts(pkg, info):
                pass
        elif info is not marker:
            unread.append(info)
    _check_unread(pkg, unread, total - sum(i.file_size for i in unread))
    if pkg.inflated is not None:
        out.package = _repacked(pkg, infos)
    return out


_STORED_AT = 0x21  # 1980-01-01 00:00, the earliest date a zip entry can carry


def _repacked(pkg: _Package, infos: list[_Entry]) -> bytes | None:
    """The package again, entry for entry in the same order with the same names, CRC-32s and contents: the
    parts inflated by the checks (``pkg.inflated``, each verified against its CRC-32 and size) stored as
    they are, every other part's compressed bytes copied.  ``None`` when an entry is not a plain one."""
    assert pkg.inflated is not None
    pieces: list[bytes | memoryview] = []
    central: list[bytes] = []
    at = 0
    for info in infos:
        body: bytes | memoryview | None = pkg.inflated.get(info.index)
        if body is not None:
            method, packed, size = zipfile.ZIP_STORED, len(body), len(body)
        else:
            body = _raw(pkg.data, info)
            if body is None:
                return None
            method, packed, size = info.compress_type, info.compress_size, info.file_size
        name = info.orig_filename.encode("utf-8")
        pieces.append(_LOCAL_HEADER.pack(ZIP_MAGIC, 20, 0, 0x800, method, 0, _STORED_AT, info.CRC, packed, size,
                                         len(name), 0))
        pieces.append(name)
        pieces.append(body)
        central.append(_CENTRAL.pack(b"PK\x01\x02", 20, 3, 20, 0, 0x800, method, 0, _STORED_AT, info.CRC, packed,
                                     size, len(name), 0, 0, 0, 0, 0, at) + name)
        at += _LOCAL_HEADER.size + len(name) + packed
    directory = b"".join(central)
    if at + len(directory) >= 0xFFFFFFFF:
        return None
    pieces.append(directory)
    pieces.append(_END.pack(b"PK\x05\x06", 0, 0, len(infos), len(infos), len(directory), at, 0))
    return b"".join(pieces)


def _most(info: _Entry) -> int | None:
    """The most bytes the part can inflate to, from its compressed size (``None``: not known)."""
    if info.compress_type == zipfile.ZIP_STORED:
        return info.compress_size
    if info.compress_type == zipfile.ZIP_DEFLATED:
        return info.compress_size * DEFLATE_MAX_RATIO
    return None


def _check_unread(pkg: _Package, unread: list[_Entry], read: int) -> None:
    """Parts no check reads (styles, themes, images…) hold what their entries declare, within the limits.

    A part whose compressed size shows it cannot inflate past :data:`RATIO_FLOOR` (nor the part limit)
    is left compressed; any other is inflated, counting what it really holds (a lie is refused as
    damage).  When the parts left compressed could together take the package past its total limit
    (``read``: the declared sizes of the parts read, which they never exceed), they are inflated too.
    """
    small = min(RATIO_FLOOR, pkg.limits.max_part_mb * MIB)
    left: list[_Entry] = []
    could = read
    for info in unread:
        most = _most(info)
        if most is None or most > small:
            for _ in _parts(pkg, info):
                pass
            could += info.file_size
        else:
            left.append(info)
            could += most
    if could > pkg.limits.max_total_mb * MIB:
        for info in left:
            for _ in _parts(pkg, info):
                pass


def guard(path: str | os.PathLike[str], limits: Limits) -> Snapshot:
    """A file read once and checked before any parser sees it (regular file, size, package limits, what
    its name and first bytes say); raises :class:`ReadError` (Chinese) otherwise.  The caller parses
    ``Snapshot.data``."""
    from xl_jixiao.readers import probe

    p = os.fspath(path)
    snap = read_once(p, limits)
    reason = probe(p, snap.data)
    if reason:
        raise ReadError(reason, p)
    inspect_package(snap.data, p, limits)
    return snap


def _check_part_size(info: _Entry, size: int, name: str, limits: Limits) -> None:
    part = info.filename
    if size > limits.max_part_mb * MIB:
        raise ReadError(f"部件 {part} 解压后超过 {limits.max_part_mb} MB，疑似压缩炸弹，未读取", name)
    if size > RATIO_FLOOR and info.compress_size and size / info.compress_size > limits.max_ratio:
        raise ReadError(f"部件 {part} 的压缩比 {size // max(info.compress_size, 1)}:1 超过上限 {limits.max_ratio}:1，"
                        "疑似压缩炸弹，未读取", name)


def _damaged(pkg: _Package, info: _Entry) -> ReadError:
    return ReadError(f"文件已损坏（部件 {info.filename} 无法解压），无法读取", pkg.name)


def _raw(data: bytes, info: _Entry) -> memoryview | None:
    """The part's compressed bytes, straight from the package, for a plain entry: stored or deflated, not
    encrypted, its local header where the directory says with the same name.  ``None`` for anything
    else (zipfile then reads the part, with its own checks and messages)."""
    at = info.header_offset
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) or info.flag_bits & _ZIP_ODD_FLAGS \
            or at < 0 or at + _LOCAL_HEADER.size > len(data):
        return None
    magic, _, _, flags, _, _, _, _, _, _, name_length, extra_length = _LOCAL_HEADER.unpack_from(data, at)
    start = at + _LOCAL_HEADER.size + name_length + extra_length
    end = start + info.compress_size
    if magic != ZIP_MAGIC or end > len(data):
        return None
    raw_name = data[at + _LOCAL_HEADER.size:at + _LOCAL_HEADER.size + name_length]
    try:  # as in :func:`_directory`
        local_name = raw_name.decode("ascii" if raw_name.isascii() else "utf-8" if flags & 0x800 else "cp437")
    except UnicodeDecodeError:
        return None
    if local_name != info.orig_filename:
        return None
    return memoryview(data)[start:end]


def _parts(pkg: _Package, info: _Entry) -> Iterator[bytes]:
    """The part's bytes in pieces of :data:`CHUNK` (the last one shorter), inflated from the package's
    bytes.  Declared sizes can lie: a part that holds more than its entry declares is refused as damaged
    as soon as the excess shows (at most one piece more is ever inflated), and so is one whose CRC-32
    does not match."""
    raw = _raw(pkg.data, info)
    if raw is None:
        yield from _stream(pkg, info)
        return
    size = info.file_size
    if info.compress_type == zipfile.ZIP_STORED:
        if len(raw) > size or deflate.crc32(raw) != info.CRC:
            raise _damaged(pkg, info)
        for at in range(0, len(raw), CHUNK):
            yield bytes(raw[at:at + CHUNK])
        return
    if size <= CHUNK and len(raw) * DEFLATE_MAX_RATIO <= ONE_CALL:  # the usual part: one call, no copies
        try:
            whole = deflate.decompress(raw, -15, size + 1)
        except deflate.ERRORS:  # damaged or cut short: inflated in pieces below, which decides as zipfile does
            pass
        else:
            if len(whole) > size or deflate.crc32(whole) != info.CRC:
                raise _damaged(pkg, info)
            pkg.keep(info, whole)
            if whole:
                yield whole
            return
    yield from _pieces(pkg, info, raw)


def _pieces(pkg: _Package, info: _Entry, raw: memoryview) -> Iterator[bytes]:
    """:func:`_parts` for a deflated part, inflated a piece at a time (memory: one piece and one feed, and
    the pieces so far when the package is being repacked)."""
    kept: list[bytes] | None = [] if pkg.inflated is not None and info.file_size <= REPACK_MOST else None
    inflater = zlib.decompressobj(-15)
    buf = bytearray()
    got = crc = 0
    pos = 0
    tail: bytes | memoryview = b""
    full = False  # the last call filled the piece: the inflater may hold more output
    while not inflater.eof:
        if not tail:
            if pos < len(raw):
                tail = raw[pos:pos + FEED]
                pos += FEED
            elif not full:
                break  # the compressed bytes end before the stream does: the CRC decides
        room = CHUNK - len(buf)
        before = len(tail)
        try:
            piece = inflater.decompress(tail, room)
        except zlib.error:
            raise _damaged(pkg, info) from None
        full = len(piece) == room
        tail = inflater.unconsumed_tail
        if not piece and tail and len(tail) == before:
            break  # no progress (never seen with zlib): the CRC decides
        got += len(piece)
        if got > info.file_size:
            raise _damaged(pkg, info)
        buf += piece
        if len(buf) == CHUNK:
            crc = deflate.crc32(buf, crc)
            out = bytes(buf)
            if kept is not None:
                kept.append(out)
            yield out
            buf.clear()
    if buf:
        crc = deflate.crc32(buf, crc)
        out = bytes(buf)
        if kept is not None:
            kept.append(out)
        yield out
    if crc != info.CRC:
        raise _damaged(pkg, info)
    if kept is not None:
        pkg.keep(info, b"".join(kept))


def _stream(pkg: _Package, info: _Entry) -> Iterator[bytes]:
    """The part's bytes in chunks through zipfile (entries :func:`_raw` leaves alone), counting what is
    really decompressed."""
    got = 0
    try:
        if pkg.zf is None:
            pkg.zf = zipfile.ZipFile(io.BytesIO(pkg.data))
        with pkg.zf.open(pkg.zf.infolist()[info.index]) as f:
            while True:
                chunk = f.read(CHUNK)
                if not chunk:
                    return
                got += len(chunk)
                _check_part_size(info, got, pkg.name, pkg.limits)
                yield chunk
    except ReadError:
        raise
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, RuntimeError, NotImplementedError,
            zlib.error) as exc:
        if isinstance(exc, RuntimeError) and "encrypted" in str(exc).lower():
            raise ReadError("文件设有密码（已加密），无法读取：请去掉密码后再提交", pkg.name) from None
        raise _damaged(pkg, info) from None


def _safe_digits(limits: Limits, letters: int = 1) -> int | None:
    """The most digits a row number may have for every sheet within ``letters`` column letters (column Z,
    ZZ) and that many digits to be within ``limits`` (``None`` when even two digits could be over them)."""
    return _digits_within(limits.max_rows, limits.max_columns, limits.max_cells, 26 if letters == 1 else 702)


@functools.lru_cache(maxsize=16)
def _digits_within(max_rows: int, max_columns: int, max_cells: int, columns: int) -> int | None:
    for digits in range(9, 1, -1):
        rows = 10 ** (digits - 1) - 1
        if rows <= max_rows and columns <= max_columns and rows * columns <= max_cells:
            return digits
    return None


def _check_sheet(pkg: _Package, info: _Entry) -> None:
    """Declared dimension and the furthest row/column of any cell, against the limits.

    The readers lay a sheet out from A1 to its furthest cell, so one cell at
    XFD1048576 means 17 billion cells: refused here, before any reader sees it.
    Most sheets stay within column Z and a few thousand rows: one scan finding no reference that could
    be further shows that; otherwise every reference is read.
    """
    name, limits = pkg.name, pkg.limits
    sheet = info.filename.rsplit("/", 1)[-1]
    digits = _safe_digits(limits)
    far = _REF_FAR[digits] if digits is not None else None
    first = True
    chunks = _overlapping(_parts(pkg, info))
    for chunk, _ in chunks:
        if first:
            m = _DIMENSION.search(chunk)
            if m:
                col = m.group(3) or m.group(1)
                row = m.group(4) or m.group(2)
                if col and row:
                    _check_extent(int(row), _col_number(col.replace(b"$", b"")), name, sheet, limits, "声明的")
        if far is None or far.search(chunk):
            break
        first = False
    else:
        return  # every reference within the bounds
    if first:  # found in the first chunk
        wide = _safe_digits(limits, 2)
        if len(chunk) < CHUNK and wide is not None and not _REF_WIDE[wide].search(chunk):
            for _ in chunks:  # the whole sheet, within column ZZ and fewer row digits: nothing more to read
                pass
            return
        # every reference from here, going on with the same stream
        _check_references(itertools.chain([(chunk, 0)], chunks), name, sheet, limits)
        return
    # read every reference, from the start (the part is decompressed again: memory stays one chunk)
    _check_references(_overlapping(_parts(pkg, info)), name, sheet, limits)


def _check_references(chunks, name: str, sheet: str, limits: Limits) -> None:
    """The furthest row and column any cell reference names, against the limits."""
    max_row = max_col = 0
    for chunk, start in chunks:
        if _REF_ODD.search(chunk, start):  # an unusual spelling: the thorough pattern
            refs = _REF_ANY.findall(chunk, start)
            numbers: list[bytes] = [r[1] for r in refs]
            letters = {r[0] for r in refs if r[0]}
        else:  # one list of numbers and one set of column letters, built in C
            numbers = _REF_ROW.findall(chunk, start)
            letters = set(_REF_COL.findall(chunk, start))
        if numbers:
            max_row = max(max_row, max(map(int, numbers)))
        if letters:
            widest = len(max(letters, key=len))
            max_col = max(max_col, max(_col_number(c) for c in letters if len(c) == widest))
        if max_row and max_col:
            _check_extent(max_row, max_col, name, sheet, limits, "")


def _overlapping(chunks, keep: int = 512):
    """``(buffer, start)``: each chunk with the tail of the previous one in front, so a tag cut in two
    is still found; ``start`` is where the new bytes begin (matches starting earlier were seen before
    unless cut — scanning from ``max(0, start - keep)`` is safe for maxima)."""
    tail = b""
    for chunk in chunks:
        buf = tail + chunk
        yield buf, 0
        tail = buf[-keep:]


def _check_extent(rows: int, cols: int, name: str, sheet: str, limits: Limits, how: str) -> None:
    if cols <= limits.max_columns and rows <= limits.max_rows and rows * cols <= limits.max_cells:
        return
    from xl_jixiao.cellref import a1

    where = f"工作表部件 {sheet} {how}范围到 {a1(min(rows, 1048576), min(cols, 16384))}"
    if cols > limits.max_columns:
        raise ReadError(f"{where}，共 {cols} 列，超过上限 {limits.max_columns} 列，疑似异常文件，未读取", name)
    if rows > limits.max_rows:
        raise ReadError(f"{where}，共 {rows} 行，超过上限 {limits.max_rows} 行，疑似异常文件，未读取", name)
    raise ReadError(f"{where}，共 {rows * cols} 个单元格，超过上限 {limits.max_cells} 个，疑似异常文件，未读取", name)


def _check_shared_strings(pkg: _Package, info: _Entry) -> None:
    """The declared and real number of shared strings, and the size of each one."""
    name, limits = pkg.name, pkg.limits
    max_bytes = limits.max_string_kb * 1024
    count = 0
    open_at: int | None = None
    offset = 0  # absolute position of the current chunk's first byte
    carry = b""
    last_tag = -1
    first = True
    for chunk in _parts(pkg, info):
        buf = carry + chunk
        base = offset - len(carry)
        if first:
            first = False
            m = _SST.search(buf)
            if m:
                for n in _SST_COUNT.findall(m.group(0)):
                    if int(n) > limits.max_shared_strings:
                        raise ReadError(f"共享字符串表声明了 {int(n)} 个字符串，超过上限 {limits.max_shared_strings} 个，"
                                        "疑似异常文件，未读取", name)
            if len(chunk) < CHUNK and len(chunk) <= max_bytes and len(chunk) // 3 <= limits.max_shared_strings:
                continue  # the whole part, too short for a string over the size limit or too many ``<si``
        for m in _SI.finditer(buf):
            at = base + m.start()
            if at <= last_tag:
                continue
            last_tag = at
            if m.group(1):  # </si>
                if open_at is not None and at - open_at > max_bytes:
                    _string_too_big(name, limits)
                open_at = None
            elif not m.group(2):  # <si> (not <si/>)
                count += 1
                if count > limits.max_shared_strings:
                    raise ReadError(f"共享字符串超过 {limits.max_shared_strings} 个，疑似异常文件，未读取", name)
                open_at = at
        offset += len(chunk)
        if open_at is not None and offset - open_at > max_bytes:
            _string_too_big(name, limits)
        carry = buf[-8:]


def _string_too_big(name: str, limits: Limits) -> None:
    raise ReadError(f"工作簿中有一个超过 {limits.max_string_kb} KB 的文字（Excel 单元格最多 32767 个字），"
                    "疑似异常文件，未读取", name)




# ------------------------------------------------------------------ outputs never overwrite inputs


def own_output_kind(path: str | os.PathLike[str]) -> str | None:
    """The kind of output of this tool ``path`` is (its marker), or ``None`` — never raises."""
    try:
        with zipfile.ZipFile(path) as zf:
            info = zf.getinfo("docProps/custom.xml")
            if info.file_size > MIB:
                return None
            m = _MARKER_RE.search(zf.read(info))
    except (OSError, KeyError, zipfile.BadZipFile, ValueError, EOFError, RuntimeError):
        return None
    return m.group(1).decode() if m else None


def _same_file(a: str, b: str) -> bool:
    try:
        sa, sb = os.stat(a), os.stat(b)
    except OSError:
        return os.path.normcase(os.path.realpath(a)) == os.path.normcase(os.path.realpath(b))
    return (sa.st_dev, sa.st_ino) == (sb.st_dev, sb.st_ino)


def refuse_input_overwrite(output: str | os.PathLike[str], inputs, what: str = "输出文件") -> None:
    """Raise :class:`~xl_jixiao.errors.UserError` when writing ``output`` would replace an input.

    Refused: ``output`` is (or resolves to, through links or a hard link) one of
    ``inputs``; or it is an existing file inside an input folder — a file that
    would be read as an input — unless it is an earlier output of this tool
    (recognised by its marker), which a rerun may replace.
    """
    from xl_jixiao.errors import UserError

    out = os.path.realpath(os.fspath(output))
    out_exists = os.path.lexists(os.fspath(output))
    for item in inputs:
        src = os.fspath(item)
        if not os.path.lexists(src):
            continue
        if os.path.isdir(src):
            root = os.path.realpath(src)
            inside = os.path.normcase(out).startswith(os.path.normcase(root.rstrip(os.sep) + os.sep))
            if inside and out_exists and not os.path.isdir(out) and own_output_kind(out) is None:
                raise UserError(f"{what}不能写到 {shown(os.fspath(output))}：那里已有一个要读取的输入文件，"
                                "写入会覆盖它。请换一个输出文件名或放到输入文件夹以外")
        elif _same_file(src, os.fspath(output)):
            raise UserError(f"{what}不能与输入文件相同（会覆盖输入）：{shown(os.fspath(output))}")


# ------------------------------------------------------------------ stale temporaries

TEMP_PREFIX = ".~xl-jixiao-"
TEMP_SUFFIX = ".tmp"


def hold_temporary(path: str) -> int | None:
    """Mark the temporary ``path`` as in use by this process (an advisory lock held until the fd is closed)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: stale files are judged by age alone
        return None
    try:
        fd = os.open(path, os.O_RDONLY)
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return fd
    except OSError:
        return None


def release_temporary(fd: int | None) -> None:
    if fd is not None:
        try:
            os.close(fd)
        except OSError:
            pass


def remove_stale_temporaries(folder: str | os.PathLike[str], older_than: float | None = None) -> int:
    """Remove temporaries of this tool left in ``folder`` by a run that was killed; returns how many.

    A temporary still held by a running process (its lock) is left alone; where
    locks are not available, only files older than a day are removed.
    """
    import time

    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        fcntl = None  # type: ignore[assignment]
    cutoff = older_than if older_than is not None else time.time()
    removed = 0
    try:
        names = os.listdir(folder)
    except OSError:
        return 0
    for name in names:
        if not (name.startswith(TEMP_PREFIX) and name.endswith(TEMP_SUFFIX)):
            continue
        full = os.path.join(folder, name)
        try:
            st = os.lstat(full)
            if not stat.S_ISREG(st.st_mode) or st.st_mtime > cutoff:
                continue
            if fcntl is None:
                if st.st_mtime > cutoff - 86400:
                    continue
                os.remove(full)
                removed += 1
                continue
            fd = os.open(full, os.O_RDONLY)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                continue  # a running process is writing it
            finally:
                os.close(fd)
            os.remove(full)
            removed += 1
        except OSError:
            continue
    return removed


__all__ = [
    "MARKER_PROPERTY", "OUTPUT_KINDS", "Snapshot", "Inspection", "read_once", "inspect_package", "mark_workbook",
    "custom_xml", "own_output_reason", "os_error_text", "special_file_reason", "shown", "CHANGED", "OwnOutput",
    "own_output_kind", "refuse_input_overwrite", "remove_stale_temporaries", "hold_temporary", "release_temporary",
    "TEMP_PREFIX", "TEMP_SUFFIX", "guard",
]
