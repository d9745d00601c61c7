"""MS-OVBA compression and data encryption."""

from __future__ import annotations

import os
import random

import pytest

from xl_jixiao.addin import ovba


@pytest.mark.parametrize("data", [
    b"",
    b"a",
    b"abcdefghijklmnopqrstuv.",
    b"#aaabcdefaaaaghijaaaabcdefaaaaghijaaaaaaaaaaaaaaklmnopqrstuvwxyz",
    b"x" * 4096,
    b"x" * 4097,
    bytes(range(256)) * 40,
    b"Attribute VB_Name = \"M\"\r\nSub A()\r\n    MsgBox \"hi\"\r\nEnd Sub\r\n" * 300,
])
def test_round_trip(data):
    assert ovba.decompress(ovba.compress(data)) == data


def test_random_round_trip():
    rnd = random.Random(1)
    for _ in range(20):
        n = rnd.randrange(0, 12000)
        alphabet = bytes(rnd.sample(range(256), rnd.randrange(2, 40)))
        data = bytes(rnd.choice(alphabet) for _ in range(n))
        assert ovba.decompress(ovba.compress(data)) == data
    noise = os.urandom(9000)
    assert ovba.decompress(ovba.compress(noise))[:9000] == noise


def test_spec_example_literal_only():
    # MS-OVBA 3.2.1: a chunk of literals only
    expected = bytes.fromhex("0119B000616263646566676800696A6B6C6D6E6F7000717273747576 2E".replace(" ", ""))
    assert ovba.compress(b"abcdefghijklmnopqrstuv.") == expected


def test_olevba_decompresses_our_output():
    from oletools.olevba import decompress_stream

    text = (b"Option Explicit\r\n" + b"Public Sub JX_Validate(control As IRibbonControl)\r\n"
            b"    RunPython \"import xl_jixiao.excel.macros as m; m.validate()\"\r\nEnd Sub\r\n") * 80
    assert decompress_stream(bytearray(ovba.compress(text))) == text


def test_repetitive_text_compresses():
    text = b"RunPython \"import xl_jixiao.excel.macros as m\"\r\n" * 100
    assert len(ovba.compress(text)) < len(text) // 5


def test_encryption_spec_examples():
    # MS-OVBA 3.1.6: the CMG/DPB/GC values of the example PROJECT stream
    project_id = "{917DED54-440B-4FD1-A5C1-74ACF261E600}"
    key = ovba.project_key(project_id)
    assert ovba.decrypt_data("0705D8E3D8EDDBF1DBF1DBF1DBF1") == (key, b"\x00\x00\x00\x00")
    assert ovba.decrypt_data("0E0CD1ECDFF4E7F5E7F5E7") == (key, b"\x00")
    assert ovba.decrypt_data("1517CAF1D6F9D7F9D706") == (key, b"\xff")


@pytest.mark.parametrize("seed", range(0, 256, 17))
def test_encryption_round_trip(seed):
    pid = "{A5612F74-C17E-4A03-9775-E57D718DCA9A}"
    for data in (b"\x00", b"\xff", b"\x00\x00\x00\x00"):
        text = ovba.encrypt_data(pid, data, seed)
        assert text == text.upper()
        assert ovba.decrypt_data(text) == (ovba.project_key(pid), data)
    # ProjectVisibilityState is 16 to 22 hex digits
    assert 16 <= len(ovba.encrypt_data(pid, b"\xff", seed)) <= 22
