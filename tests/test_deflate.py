"""The hot paths' DEFLATE and CRC-32 (xl_jixiao.deflate): the same formats and values as zlib, with ISA-L or without."""

from __future__ import annotations

import importlib.util
import random
import sys
import zlib

import pytest

import xl_jixiao.deflate


def _fresh(monkeypatch: pytest.MonkeyPatch, hide_isal: bool):
    """A separate copy of the module, loaded with or without python-isal importable."""
    if hide_isal:
        monkeypatch.setitem(sys.modules, "isal", None)
        monkeypatch.setitem(sys.modules, "isal.isal_zlib", None)
    spec = importlib.util.find_spec("xl_jixiao.deflate")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _texts() -> list[bytes]:
    rng = random.Random(5)
    words = ["<c r=\"A1\" t=\"inlineStr\"><is><t>", "产出指标", "≥95%", "</t></is></c>", "<row>", "</row>", "万元"]
    xml = "".join(rng.choice(words) for _ in range(20_000)).encode("utf-8")
    return [b"", b"x", bytes(rng.randrange(256) for _ in range(5_000)), xml]


@pytest.fixture(params=["installed", "zlib only"])
def backend(request, monkeypatch):
    return _fresh(monkeypatch, hide_isal=request.param == "zlib only")


def test_the_installed_package_uses_isal():
    assert xl_jixiao.deflate.BACKEND == "isal"


def test_without_isal_the_standard_zlib_is_used(monkeypatch):
    assert _fresh(monkeypatch, hide_isal=True).BACKEND == "zlib"


@pytest.mark.parametrize("level", [-1, 0, 1, 3, 6, 9])
def test_what_it_compresses_zlib_reads_and_back(backend, level):
    for data in _texts():
        assert zlib.decompress(backend.compress(data, level)) == data
        assert backend.decompress(zlib.compress(data, 6)) == data
        raw = zlib.compressobj(6, zlib.DEFLATED, -15)
        stream = raw.compress(data) + raw.flush()
        assert backend.decompress(stream, -15, len(data) + 1) == data


def test_crc32_is_zlibs(backend):
    for data in _texts():
        assert backend.crc32(data) == zlib.crc32(data)
        assert backend.crc32(data, 12345) == zlib.crc32(data, 12345)
        assert backend.crc32(memoryview(data)[1:]) == zlib.crc32(data[1:])


def test_pieces_flushed_apart_make_one_stream(backend):
    """The summary writer's pieces: each compressed on its own and ended with a sync flush, then joined."""
    texts = _texts()[1:]
    stream = b""
    for level, data in zip((1, 2, 9), texts):
        c = backend.compressobj(level)
        stream += c.compress(data) + c.flush(backend.Z_SYNC_FLUSH)
    stream += b"\x03\x00"  # an empty final block closes the stream
    assert zlib.decompress(stream, -15) == b"".join(texts)


def test_a_damaged_stream_raises_one_of_its_errors(backend):
    good = zlib.compressobj(6, zlib.DEFLATED, -15)
    stream = good.compress(_texts()[3]) + good.flush()
    for bad in (b"\xff" * 64, stream[: len(stream) // 2]):
        with pytest.raises(backend.ERRORS):
            backend.decompress(bad, -15, 1 << 20)
