"""MS-OVBA primitives: the compression of VBA streams and the data "encryption"
that obfuscates the CMG/DPB/GC project properties.

Both directions are implemented so that a built project can be read back and
checked without third-party tools.  Everything here is deterministic: the same
input always yields the same bytes.
"""

from __future__ import annotations

import struct

CHUNK_SIZE = 4096
_SIGNATURE = 0x01
_MIN_MATCH = 3


def _copy_token_layout(position: int) -> tuple[int, int, int]:
    """(bit count of the offset, length mask, maximum length) at ``position``
    bytes into the current decompressed chunk (MS-OVBA 2.4.1.3.19.1)."""
    bits = max((position - 1).bit_length(), 4)
    length_mask = 0xFFFF >> bits
    return bits, length_mask, length_mask + 3


def _compress_chunk(data: bytes) -> bytes:
    """Compress one chunk of at most 4096 bytes; returns the chunk with its header."""
    out = bytearray()
    n = len(data)
    pos = 0
    heads: dict[bytes, list[int]] = {}
    indexed = 0

    def remember(upto: int) -> None:
        nonlocal indexed
        while indexed < upto:
            if indexed + _MIN_MATCH <= n:
                heads.setdefault(data[indexed:indexed + _MIN_MATCH], []).append(indexed)
            indexed += 1

    while pos < n:
        flag_at = len(out)
        out.append(0)
        flags = 0
        for bit in range(8):
            if pos >= n:
                break
            best_len, best_off = 0, 0
            if pos >= 1 and pos + _MIN_MATCH <= n:
                bits, _mask, max_len = _copy_token_layout(pos)
                limit = min(max_len, n - pos)
                remember(pos)
                for cand in reversed(heads.get(data[pos:pos + _MIN_MATCH], ())):
                    length = _MIN_MATCH
                    while length < limit and data[cand + length] == data[pos + length]:
                        length += 1
                    if length > best_len:
                        best_len, best_off = length, pos - cand
                        if length == limit:
                            break
            if best_len >= _MIN_MATCH:
                bits, _mask, _max = _copy_token_layout(pos)
                token = ((best_off - 1) << (16 - bits)) | (best_len - 3)
                out += struct.pack("<H", token)
                flags |= 1 << bit
                pos += best_len
            else:
                out.append(data[pos])
                pos += 1
        out[flag_at] = flags
    if len(out) > CHUNK_SIZE:
        # Incompressible: store the chunk raw (always 4096 bytes, padded).
        raw = data + b"\x00" * (CHUNK_SIZE - n)
        header = (CHUNK_SIZE + 2 - 3) | (0b011 << 12)
        return struct.pack("<H", header) + raw
    header = (len(out) + 2 - 3) | (0b011 << 12) | 0x8000
    return struct.pack("<H", header) + bytes(out)


def compress(data: bytes) -> bytes:
    """MS-OVBA 2.4.1 compression of ``data`` into a CompressedContainer."""
    out = bytearray([_SIGNATURE])
    for start in range(0, len(data), CHUNK_SIZE):
        out += _compress_chunk(data[start:start + CHUNK_SIZE])
    return bytes(out)


def decompress(container: bytes) -> bytes:
    """Inverse of :func:`compress` (accepts any valid CompressedContainer)."""
    if not container or container[0] != _SIGNATURE:
        raise ValueError("not an MS-OVBA compressed container")
    out = bytearray()
    pos = 1
    while pos < len(container):
        if pos + 2 > len(container):
            raise ValueError("truncated chunk header")
        header = struct.unpack_from("<H", container, pos)[0]
        size = (header & 0x0FFF) + 3
        if (header >> 12) & 0b111 != 0b011:
            raise ValueError("bad chunk signature")
        compressed = bool(header & 0x8000)
        end = min(pos + size, len(container))
        pos += 2
        chunk_start = len(out)
        if not compressed:
            out += container[pos:pos + CHUNK_SIZE]
            pos += CHUNK_SIZE
            continue
        while pos < end:
            flags = container[pos]
            pos += 1
            for bit in range(8):
                if pos >= end:
                    break
                if flags & (1 << bit):
                    token = struct.unpack_from("<H", container, pos)[0]
                    pos += 2
                    bits, length_mask, _ = _copy_token_layout(len(out) - chunk_start)
                    length = (token & length_mask) + 3
                    offset = (token >> (16 - bits)) + 1
                    src = len(out) - offset
                    if src < chunk_start:
                        raise ValueError("copy token points before the chunk")
                    for i in range(length):
                        out.append(out[src + i])
                else:
                    out.append(container[pos])
                    pos += 1
    return bytes(out)


# ---------------------------------------------------------------- data encryption (2.4.3)

def project_key(project_id: str) -> int:
    """Checksum of the project's CLSID text (with braces), modulo 256."""
    return sum(project_id.encode("ascii")) & 0xFF


def encrypt_data(project_id: str, data: bytes, seed: int) -> str:
    """Obfuscate ``data`` as MS-OVBA 2.4.3.2 describes; returns upper-case hex.

    ``seed`` fixes the otherwise random seed so that output is reproducible;
    the ignored filler bytes are zero.
    """
    seed &= 0xFF
    version = 2
    key = project_key(project_id)
    version_enc = seed ^ version
    key_enc = seed ^ key
    out = bytearray([seed, version_enc, key_enc])
    unenc1, enc1, enc2 = key, key_enc, version_enc
    ignored = (seed & 6) // 2
    payload = [0] * ignored + list(struct.pack("<I", len(data))) + list(data)
    for byte in payload:
        byte_enc = byte ^ ((enc2 + unenc1) & 0xFF)
        out.append(byte_enc)
        enc2, enc1, unenc1 = enc1, byte_enc, byte
    return out.hex().upper()


def decrypt_data(text: str) -> tuple[int, bytes]:
    """Inverse of :func:`encrypt_data`: (project key, data)."""
    raw = bytes.fromhex(text)
    seed, version_enc, key_enc = raw[0], raw[1], raw[2]
    if seed ^ version_enc != 2:
        raise ValueError("unknown encryption version")
    key = seed ^ key_enc
    unenc1, enc1, enc2 = key, key_enc, version_enc
    plain = bytearray()
    for byte_enc in raw[3:]:
        byte = byte_enc ^ ((enc2 + unenc1) & 0xFF)
        plain.append(byte)
        enc2, enc1, unenc1 = enc1, byte_enc, byte
    ignored = (seed & 6) // 2
    length = struct.unpack_from("<I", plain, ignored)[0]
    data = bytes(plain[ignored + 4:ignored + 4 + length])
    if len(data) != length:
        raise ValueError("truncated encrypted data")
    return key, data
