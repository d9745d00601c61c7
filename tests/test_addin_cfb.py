"""The compound-file writer, read back with olefile."""

from __future__ import annotations

import io
import struct

import olefile
import pytest

from xl_jixiao.addin import cfb


def _tree():
    root = cfb.Storage("Root Entry")
    vba = root.add(cfb.Storage("VBA"))
    vba.add(cfb.Stream("dir", b"d" * 700))
    vba.add(cfb.Stream("_VBA_PROJECT", b"\xcc\x61\xff\xff\x00\x03\x00"))
    for i in range(9):
        vba.add(cfb.Stream(f"Module{i}", bytes([i]) * (100 + 37 * i)))
    vba.add(cfb.Stream("Big", bytes(range(256)) * 40))  # 10240 bytes: regular sectors
    root.add(cfb.Stream("PROJECT", b"ID=\"{X}\"\r\n"))
    root.add(cfb.Stream("PROJECTwm", b"\x00\x00"))
    root.add(cfb.Stream("Empty", b""))
    return root


def test_olefile_reads_every_stream():
    data = cfb.write_compound_file(_tree())
    assert data[:8] == cfb.SIGNATURE
    assert len(data) % 512 == 0
    ole = olefile.OleFileIO(io.BytesIO(data))
    assert ole.openstream("VBA/dir").read() == b"d" * 700
    assert ole.openstream("VBA/Big").read() == bytes(range(256)) * 40
    for i in range(9):
        assert ole.openstream(f"VBA/Module{i}").read() == bytes([i]) * (100 + 37 * i)
    assert ole.openstream("PROJECT").read() == b"ID=\"{X}\"\r\n"
    assert ole.get_size("Empty") == 0
    assert sorted("/".join(p) for p in ole.listdir()) == sorted(
        ["VBA/dir", "VBA/_VBA_PROJECT", "VBA/Big", "PROJECT", "PROJECTwm", "Empty"]
        + [f"VBA/Module{i}" for i in range(9)])


def test_header_fields():
    data = cfb.write_compound_file(_tree())
    minor, major, order, shift, mshift = struct.unpack_from("<HHHHH", data, 24)
    assert (major, order, shift, mshift) == (3, 0xFFFE, 9, 6)
    assert struct.unpack_from("<I", data, 56)[0] == 4096  # mini stream cutoff


def test_deterministic():
    assert cfb.write_compound_file(_tree()) == cfb.write_compound_file(_tree())


def _entries(data: bytes):
    ole = olefile.OleFileIO(io.BytesIO(data))
    return ole.direntries


def test_sibling_trees_are_valid_red_black_trees():
    data = cfb.write_compound_file(_tree())
    entries = [e for e in _entries(data) if e is not None]
    by_sid = {e.sid: e for e in entries}

    def key(e):
        return (len(e.name), e.name.upper())

    def check(sid, lo, hi):
        """Returns the black height; asserts BST order and red rules."""
        if sid == cfb.NOSTREAM:
            return 1
        e = by_sid[sid]
        assert (lo is None or key(e) > lo) and (hi is None or key(e) < hi)
        left, right = e.sid_left, e.sid_right
        if e.color == 0:  # red: children must be black
            for child in (left, right):
                assert child == cfb.NOSTREAM or by_sid[child].color == 1
        hl = check(left, lo, key(e))
        hr = check(right, key(e), hi)
        assert hl == hr
        return hl + (1 if e.color == 1 else 0)

    for e in entries:
        if e.sid_child != cfb.NOSTREAM:
            assert by_sid[e.sid_child].color == 1  # the root of each tree is black
            check(e.sid_child, None, None)


def test_rejects_bad_names():
    root = cfb.Storage("Root Entry")
    root.add(cfb.Stream("a/b", b"x"))
    with pytest.raises(ValueError):
        cfb.write_compound_file(root)
    root = cfb.Storage("Root Entry")
    root.add(cfb.Stream("Same", b"x"))
    root.add(cfb.Stream("SAME", b"y"))
    with pytest.raises(ValueError):
        cfb.write_compound_file(root)


def test_several_fat_sectors():
    big = bytes((i * 7) % 251 for i in range(300_000))  # > 128 sectors: the FAT spans several sectors
    root = cfb.Storage("Root Entry")
    root.add(cfb.Stream("Big", big))
    for i in range(40):
        root.add(cfb.Stream(f"S{i:02d}", bytes([i]) * (50 + i * 90)))
    data = cfb.write_compound_file(root)
    assert struct.unpack_from("<I", data, 44)[0] > 1  # number of FAT sectors
    ole = olefile.OleFileIO(io.BytesIO(data))
    assert ole.openstream("Big").read() == big
    for i in range(40):
        assert ole.openstream(f"S{i:02d}").read() == bytes([i]) * (50 + i * 90)
