"""A small writer of compound files (MS-CFB version 3, 512-byte sectors).

It writes a tree of storages and streams in one pass, deterministically: no
timestamps, no CLSIDs, fixed sector order (regular streams, mini stream, mini
FAT, directory, FAT).  Streams shorter than 4096 bytes live in the mini stream,
as the format requires.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

SECTOR = 512
MINI_SECTOR = 64
MINI_CUTOFF = 4096
ENTRY_SIZE = 128

FREESECT = 0xFFFFFFFF
ENDOFCHAIN = 0xFFFFFFFE
FATSECT = 0xFFFFFFFD
NOSTREAM = 0xFFFFFFFF

_STORAGE, _STREAM, _ROOT = 1, 2, 5
_RED, _BLACK = 0, 1

SIGNATURE = bytes.fromhex("D0CF11E0A1B11AE1")


@dataclass
class Stream:
    name: str
    data: bytes


@dataclass
class Storage:
    name: str
    children: list[Storage | Stream] = field(default_factory=list)

    def add(self, node: Storage | Stream) -> Storage | Stream:
        self.children.append(node)
        return node


def _name_key(name: str) -> tuple[int, str]:
    """Sibling order of MS-CFB 2.6.4: shorter names first, then by upper-case text."""
    return (len(name), name.upper())


@dataclass
class _Entry:
    name: str
    kind: int
    data: bytes = b""
    children: list[int] = field(default_factory=list)
    left: int = NOSTREAM
    right: int = NOSTREAM
    child: int = NOSTREAM
    color: int = _BLACK
    start: int = ENDOFCHAIN
    size: int = 0


def _check_name(name: str) -> None:
    if not name or len(name) > 31:
        raise ValueError(f"compound-file entry name must have 1..31 characters: {name!r}")
    if any(c in name for c in "/\\:!"):
        raise ValueError(f"illegal character in compound-file entry name: {name!r}")


def _build_tree(entries: list[_Entry], ids: list[int]) -> int:
    """Make ``ids`` (siblings) a balanced binary search tree coloured as a valid
    red-black tree; returns the root id."""
    ordered = sorted(ids, key=lambda i: _name_key(entries[i].name))
    keys = [_name_key(entries[i].name) for i in ordered]
    if len(set(keys)) != len(keys):
        raise ValueError("duplicate names in one storage")
    depth_of: dict[int, int] = {}

    def build(lo: int, hi: int, depth: int) -> int:
        if lo >= hi:
            return NOSTREAM
        mid = (lo + hi) // 2
        node = ordered[mid]
        depth_of[node] = depth
        entries[node].left = build(lo, mid, depth + 1)
        entries[node].right = build(mid + 1, hi, depth + 1)
        return node

    root = build(0, len(ordered), 0)
    if depth_of:
        deepest = max(depth_of.values())
        full = len(ordered) == (1 << (deepest + 1)) - 1
        for node, depth in depth_of.items():
            # Every level above the deepest is complete, so making only the
            # deepest level red keeps the black height equal on every path.
            entries[node].color = _RED if (depth == deepest and not full and depth > 0) else _BLACK
    return root


def write_compound_file(root: Storage) -> bytes:
    """Serialise ``root`` (the Root Entry's children) into compound-file bytes."""
    entries: list[_Entry] = [_Entry("Root Entry", _ROOT)]

    def flatten(storage: Storage, index: int) -> None:
        for node in storage.children:
            _check_name(node.name)
            i = len(entries)
            if isinstance(node, Stream):
                entries.append(_Entry(node.name, _STREAM, data=bytes(node.data)))
            else:
                entries.append(_Entry(node.name, _STORAGE))
            entries[index].children.append(i)
            if isinstance(node, Storage):
                flatten(node, i)

    flatten(root, 0)
    for e in entries:
        if e.children:
            e.child = _build_tree(entries, e.children)

    # ---- mini stream: every stream shorter than the cutoff
    mini = bytearray()
    minifat: list[int] = []
    big: list[_Entry] = []
    for e in entries:
        if e.kind != _STREAM:
            continue
        e.size = len(e.data)
        if e.size == 0:
            e.start = ENDOFCHAIN
        elif e.size < MINI_CUTOFF:
            first = len(minifat)
            count = -(-e.size // MINI_SECTOR)
            e.start = first
            minifat.extend(range(first + 1, first + count))
            minifat.append(ENDOFCHAIN)
            mini += e.data + b"\x00" * (count * MINI_SECTOR - e.size)
        else:
            big.append(e)

    sectors: list[bytes] = []
    fat: list[int] = []

    def place(data: bytes, marker: int | None = None) -> int:
        """Append ``data`` as a chain of sectors; returns its first sector."""
        count = max(1, -(-len(data) // SECTOR))
        first = len(sectors)
        for k in range(count):
            chunk = data[k * SECTOR:(k + 1) * SECTOR]
            sectors.append(chunk + b"\x00" * (SECTOR - len(chunk)))
            fat.append(marker if marker is not None else (first + k + 1 if k < count - 1 else ENDOFCHAIN))
        return first

    for e in big:
        e.start = place(e.data)
    root_entry = entries[0]
    if mini:
        root_entry.start = place(bytes(mini))
        root_entry.size = len(mini)
    else:
        root_entry.start, root_entry.size = ENDOFCHAIN, 0
    if minifat:
        mf = b"".join(struct.pack("<I", v) for v in minifat)
        mf += struct.pack("<I", FREESECT) * ((-len(minifat)) % (SECTOR // 4))
        minifat_start, minifat_count = place(mf), len(mf) // SECTOR
    else:
        minifat_start, minifat_count = ENDOFCHAIN, 0

    dir_bytes = bytearray()
    for e in entries:
        dir_bytes += _pack_entry(e)
    while len(dir_bytes) % SECTOR:
        dir_bytes += _pack_entry(None)
    dir_start = place(bytes(dir_bytes))

    # ---- FAT: enough sectors to describe every sector including themselves
    per_fat = SECTOR // 4
    n_fat = 1
    while n_fat * per_fat < len(sectors) + n_fat:
        n_fat += 1
    if n_fat > 109:
        raise ValueError("compound file too large for a header-only DIFAT")
    fat_start = len(sectors)
    fat.extend([FATSECT] * n_fat)
    fat.extend([FREESECT] * (n_fat * per_fat - len(fat)))
    fat_bytes = b"".join(struct.pack("<I", v) for v in fat)
    for k in range(n_fat):
        sectors.append(fat_bytes[k * SECTOR:(k + 1) * SECTOR])

    difat = [fat_start + k for k in range(n_fat)] + [FREESECT] * (109 - n_fat)
    header = bytearray()
    header += SIGNATURE
    header += b"\x00" * 16  # CLSID
    header += struct.pack("<HHHHH", 0x003E, 0x0003, 0xFFFE, 9, 6)
    header += b"\x00" * 6
    header += struct.pack("<I", 0)  # directory sectors (0 for version 3)
    header += struct.pack("<I", n_fat)
    header += struct.pack("<I", dir_start)
    header += struct.pack("<I", 0)  # transaction signature
    header += struct.pack("<I", MINI_CUTOFF)
    header += struct.pack("<I", minifat_start)
    header += struct.pack("<I", minifat_count)
    header += struct.pack("<I", ENDOFCHAIN)  # first DIFAT sector
    header += struct.pack("<I", 0)  # DIFAT sectors
    header += b"".join(struct.pack("<I", v) for v in difat)
    assert len(header) == SECTOR
    return bytes(header) + b"".join(sectors)


def _pack_entry(e: _Entry | None) -> bytes:
    if e is None:
        return b"\x00" * 64 + struct.pack("<HBB", 0, 0, 0) + struct.pack("<III", NOSTREAM, NOSTREAM, NOSTREAM) + b"\x00" * (16 + 4 + 8 + 8 + 4 + 8)
    name = e.name.encode("utf-16-le") + b"\x00\x00"
    out = name + b"\x00" * (64 - len(name))
    out += struct.pack("<HBB", len(name), e.kind, e.color)
    out += struct.pack("<III", e.left, e.right, e.child)
    out += b"\x00" * 16  # CLSID
    out += struct.pack("<I", 0)  # state bits
    out += b"\x00" * 16  # creation and modification time
    start = e.start if e.kind != _STORAGE else 0
    out += struct.pack("<I", start)
    out += struct.pack("<Q", e.size if e.kind != _STORAGE else 0)
    assert len(out) == ENTRY_SIZE
    return out
