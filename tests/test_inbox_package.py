"""The pre-parse package check on packages written byte by byte.

Each package here is built by a small zip writer that can make an entry say
what it likes — a declared size or CRC-32 that lies, a data descriptor, a
stored part, a local header that disagrees with the directory — so the check
is exercised on what a hostile or broken writer produces, not only on what
``zipfile`` writes.  Every refusal is asserted by its Chinese sentence.
"""

from __future__ import annotations

import bz2
import random
import struct
import zlib
from dataclasses import dataclass

import pytest

from xl_jixiao.config import Limits
from xl_jixiao.errors import ReadError
from xl_jixiao.inbox import CHUNK, custom_xml, inspect_package

SHEET = "xl/worksheets/sheet1.xml"
NAME = "单位.xlsx"


@dataclass
class Entry:
    name: str
    payload: bytes
    stored: bool = False
    declared: int | None = None  # uncompressed size the entry declares (default: the payload's)
    crc: int | None = None  # CRC-32 the entry declares (default: the payload's)
    descriptor: bool = False  # sizes and CRC-32 after the data (flag bit 3), zeros in the local header
    flags: int = 0
    local_name: str | None = None  # name in the local header (default: the same as the directory's)
    bzip2: bool = False  # compressed with bzip2 (method 12), which zipfile reads and this check leaves to it
    cut: int = 0  # compressed bytes missing at the end (the entry's compressed size says so)
    extra: bytes = b""  # extra field of the directory entry
    version: int = 20  # version needed to extract


def package(*entries: Entry, comment: bytes = b"") -> bytes:
    """A zip package holding ``entries`` exactly as they say."""
    out = bytearray()
    directory = bytearray()
    for e in entries:
        body = e.payload if e.stored else bz2.compress(e.payload) if e.bzip2 else _deflate(e.payload)
        body = body[:len(body) - e.cut]
        size = len(e.payload) if e.declared is None else e.declared
        crc = zlib.crc32(e.payload) if e.crc is None else e.crc
        flags = e.flags | (0x8 if e.descriptor else 0)
        method = 0 if e.stored else 12 if e.bzip2 else 8
        name = e.name.encode()
        local = (e.local_name or e.name).encode()
        at = len(out)
        head = (0, 0, 0) if e.descriptor else (crc, len(body), size)
        out += struct.pack("<4s2B4HL2L2H", b"PK\x03\x04", 20, 0, flags, method, 0, 0x21, *head, len(local), 0)
        out += local + body
        if e.descriptor:
            out += struct.pack("<4s3L", b"PK\x07\x08", crc, len(body), size)
        directory += struct.pack("<4s4B4HL2L5H2L", b"PK\x01\x02", 20, 0, e.version, 0, flags, method, 0, 0x21,
                                 crc, len(body), size, len(name), len(e.extra), 0, 0, 0, 0, at)
        directory += name + e.extra
    start = len(out)
    out += directory
    out += struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(entries), len(entries), len(directory), start,
                       len(comment))
    return bytes(out + comment)


def _deflate(data: bytes) -> bytes:
    c = zlib.compressobj(6, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()


def sheet(cells: bytes = b'<row r="1"><c r="A1"><v>1</v></c></row>', before: bytes = b"") -> bytes:
    return (b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
            b'spreadsheetml/2006/main">' + before + b"<sheetData>" + cells + b"</sheetData></worksheet>")


def workbook(*extra: Entry, cells: bytes | None = None, stored: bool = False) -> bytes:
    return package(Entry("[Content_Types].xml", b"<Types/>"), Entry("xl/workbook.xml", b"<workbook/>"),
                   Entry(SHEET, sheet() if cells is None else sheet(cells), stored=stored), *extra)


def refused(data: bytes, limits: Limits | None = None) -> str:
    """The reason the package is refused (the refusal names the file)."""
    with pytest.raises(ReadError) as info:
        inspect_package(data, NAME, limits or Limits())
    assert info.value.file == NAME
    return info.value.reason


def accepted(data: bytes, limits: Limits | None = None) -> None:
    assert inspect_package(data, NAME, limits or Limits()).own_output is None


FAR = b'<row r="9"><c r="XFD9"><v>1</v></c></row>'
ROWS = b"".join(b'<row r="%d"><c r="A%d"><v>%d</v></c><c r="B%d"><v>x</v></c></row>' % (r, r, r, r)
                for r in range(2, 40000))  # about 1.9 MB: more than one piece


# ------------------------------------------------------------------ entries as they are written


def test_plain_stored_and_descriptor_entries_are_read_alike():
    for stored in (False, True):
        accepted(workbook(stored=stored))
        assert "XFD9" in refused(workbook(cells=FAR, stored=stored))
    for stored in (False, True):
        plain = package(Entry(SHEET, sheet(), stored=stored, descriptor=True))
        accepted(plain)
        far = package(Entry(SHEET, sheet(FAR), stored=stored, descriptor=True))
        assert refused(far) == "工作表部件 sheet1.xml 范围到 XFD9，共 16384 列，超过上限 1024 列，疑似异常文件，未读取"


def test_a_sheet_larger_than_a_piece_is_read_whole():
    accepted(workbook(cells=ROWS))
    accepted(workbook(cells=ROWS, stored=True))
    assert "XFD40000" in refused(workbook(cells=ROWS + b'<row r="40000"><c r="XFD40000"/></row>'))
    assert "XFD40000" in refused(workbook(cells=ROWS + b'<row r="40000"><c r="XFD40000"/></row>', stored=True))
    # wide early, long after: every reference is listed, the furthest row counts with the widest column
    wide = refused(workbook(cells=b'<row r="1"><c r="ZZ1"/></row>' + ROWS))
    assert wide.startswith("工作表部件 sheet1.xml 范围到 ZZ") and "个单元格，超过上限 5000000 个" in wide


@pytest.mark.parametrize("stored", [False, True])
@pytest.mark.parametrize("cut", range(0, 17))
def test_a_far_reference_cut_by_a_piece_boundary_is_found(cut, stored):
    """The reference straddles the boundary between two pieces of the inflated sheet, at every offset."""
    far = b'<c r="XFD12345"/>'
    head = sheet(b"").split(b"<sheetData>")[0] + b"<sheetData>"
    row = b'<row r="12345">'
    wrapper = b'<row r="1"><c r="A1"><v></v></c></row>'
    filler = wrapper.replace(b"<v>", b"<v>" + b"7" * (CHUNK - cut - len(row) - len(head) - len(wrapper)))
    body = head + filler + row + far + b"</row></sheetData></worksheet>"
    assert body.index(far) == CHUNK - cut
    assert refused(package(Entry(SHEET, body, stored=stored))).startswith("工作表部件 sheet1.xml 范围到 XFD12345，")


# ------------------------------------------------------------------ references however spelled


@pytest.mark.parametrize("cell, where", [
    (b"<c r = 'XFD9'/>", "XFD9"),
    (b'<c r=\t"XFD9"/>', "XFD9"),
    (b'<c r\n=\n"AMK9"/>', "AMK9"),
    (b'<c x:r="AMK9"/>', "AMK9"),
    (b"<c r='$a$1048577'/>", "1048577 行"),
    (b'<c r="$XFD$9"/>', "XFD9"),
    (b'<c r="xfd9"/>', "XFD9"),
    (b'<c r="A1048577"/>', "1048577 行"),
    (b'<c r="AMJ4890"/>', "5007360 个单元格"),
])
def test_references_spelled_oddly_are_read(cell, where):
    assert where in refused(workbook(cells=b'<row r="9">' + cell + b"</row>"))


@pytest.mark.parametrize("cells", [
    b"<row r = '9'><c r = 'Z9'/><c r='$B$99999'/></row>",
    b'<row r="500"><c r="AB500"/></row>',  # beyond Z, a few rows
    b'<row r="999"><c r="ZZ999"/></row>',
    b'<row r="4882"><c r="AMJ4882"/></row>',  # 1,024 columns × 4,882 rows: just within 5,000,000 cells
    b'<row r="99999"><c r="Z99999"/></row>',
    b'<row r="1"><c operator="greaterThan"/><c r="A1"/></row>',  # other attributes ending in r
])
def test_references_within_the_limits_are_accepted(cells):
    accepted(workbook(cells=cells))


def test_limits_from_the_configuration_decide():
    cells = b'<row r="300"><c r="AB300"/></row>'
    accepted(workbook(cells=cells))
    assert "共 8400 个单元格" in refused(workbook(cells=cells), Limits(max_cells=8000))
    assert "共 28 列" in refused(workbook(cells=cells), Limits(max_columns=20))
    assert "共 300 行" in refused(workbook(cells=b'<row r="300"><c r="B300"/></row>'), Limits(max_rows=200))


# ------------------------------------------------------------------ entries that lie or are broken


def test_an_entry_zipfile_reads_is_checked_the_same():
    accepted(package(Entry(SHEET, sheet(ROWS), bzip2=True)))
    assert "XFD9" in refused(package(Entry(SHEET, sheet(FAR), bzip2=True)))
    assert "无法解压" in refused(package(Entry(SHEET, sheet(), bzip2=True, crc=1)))


def test_directories_zipfile_reads_are_checked_the_same():
    """Packages whose directory this check leaves to zipfile: an archive comment, extra fields."""
    timestamp = struct.pack("<HHBL", 0x5455, 5, 1, 0)
    for comment, extra in ((b"written by hand", b""), (b"", timestamp)):
        accepted(package(Entry(SHEET, sheet(), extra=extra), comment=comment))
        assert "XFD9" in refused(package(Entry(SHEET, sheet(FAR), extra=extra), comment=comment))
    assert refused(package(Entry(SHEET, sheet(), version=64))) == "文件已损坏（压缩包结构不完整），无法读取"
    assert refused(package(Entry(SHEET, sheet(), extra=b"\x01\x00\x10\x00"))) == "文件已损坏（压缩包结构不完整），无法读取"


def test_the_last_entry_of_a_name_is_the_one_read():
    marked = custom_xml("summary").encode()
    assert inspect_package(package(Entry("docProps/custom.xml", b"<Properties/>"),
                                   Entry("docProps/custom.xml", marked)), NAME, Limits()).own_output == "summary"
    assert "XFD9" in refused(package(Entry(SHEET, sheet(FAR)), Entry(SHEET, sheet())))  # every entry is checked


@pytest.mark.parametrize("part", ["XL/WORKSHEETS/SHEET1.XML", "xl/worksheets/sheet1.bin", "xl/worksheets/_rels/x.xml"])
def test_every_part_the_reader_may_read_as_a_sheet_is_checked(part):
    """python-calamine reads a sheet wherever the relationships point under xl/worksheets/, and finds
    parts without regard to case."""
    assert refused(package(Entry(part, sheet(FAR)))).startswith(f"工作表部件 {part.rsplit('/', 1)[-1]} 范围到 XFD9，")
    accepted(package(Entry(part, sheet())))
    accepted(package(Entry("xl/worksheets/_rels/sheet1.xml.rels",  # as Excel writes them
                           b'<Relationships><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
                           b'officeDocument/2006/relationships/printerSettings" '
                           b'Target="../printerSettings/printerSettings1.bin"/></Relationships>')))


def test_shared_strings_are_found_without_regard_to_case():
    many = Entry("XL/SharedStrings.XML", b'<sst count="6"><si><t>a</t></si></sst>')
    assert "声明了 6 个字符串" in refused(workbook(many), Limits(max_shared_strings=5))


def test_a_declared_dimension_is_checked():
    declared = package(Entry(SHEET, sheet(before=b'<dimension ref="A1:XFD1048576"/>')))
    assert refused(declared).startswith("工作表部件 sheet1.xml 声明的范围到 XFD1048576，")
    accepted(package(Entry(SHEET, sheet(before=b'<dimension ref="A1:M202"/>'))))


def test_a_part_larger_than_it_declares_is_refused():
    """The declared size and CRC-32 describe a harmless beginning; the rest reaches XFD1048576."""
    honest = sheet()
    data = honest + b'<row r="1048576"><c r="XFD1048576"/></row>'
    assert refused(package(Entry(SHEET, data, declared=len(honest), crc=zlib.crc32(honest)))) == \
        f"文件已损坏（部件 {SHEET} 无法解压），无法读取"
    # stored, and a part no check parses
    assert SHEET in refused(package(Entry(SHEET, data, stored=True, declared=len(honest), crc=zlib.crc32(honest))))
    big = sheet(ROWS)  # inflated in pieces: refused at the first piece past the declared size
    assert SHEET in refused(package(Entry(SHEET, big, declared=CHUNK + 10, crc=zlib.crc32(big[:CHUNK + 10]))))
    bomb = bytes(20 << 20)  # deflates to ~20 KB: its compressed size alone cannot show it is small
    assert "xl/styles.xml" in refused(workbook(Entry("xl/styles.xml", bomb, declared=100, crc=zlib.crc32(bomb[:100]))))


def test_small_parts_that_lie_together_are_inflated():
    lie = bytes(1 << 20)  # each deflates to ~1 KB and declares 10 bytes: together over an 8 MB total
    parts = [Entry(f"xl/media/image{i}.bin", lie, declared=10, crc=zlib.crc32(lie[:10])) for i in range(10)]
    assert "无法解压" in refused(workbook(*parts), Limits(max_total_mb=8))
    honest = [Entry(f"xl/media/image{i}.bin", lie) for i in range(10)]
    assert "文件解压后超过 8 MB" in refused(workbook(*honest), Limits(max_total_mb=8))
    accepted(workbook(*honest[:5]), Limits(max_total_mb=8))


def test_damaged_parts_are_refused_in_a_sentence():
    damaged = f"文件已损坏（部件 {SHEET} 无法解压），无法读取"
    assert refused(package(Entry(SHEET, sheet(), crc=1234))) == damaged
    assert refused(package(Entry(SHEET, sheet(), stored=True, crc=1234))) == damaged
    good = package(Entry(SHEET, sheet(ROWS)))
    for at in (2, 100, 5000):
        broken = bytearray(good)
        broken[30 + len(SHEET) + at] ^= 0x55  # inside the deflate stream
        assert refused(bytes(broken)) == damaged
    small = bytearray(package(Entry(SHEET, sheet())))
    small[30 + len(SHEET) + 2] ^= 0x55
    assert refused(bytes(small)) == damaged
    for cut in (10, 40):  # the compressed bytes end before the deflate stream does
        assert refused(package(Entry(SHEET, sheet(), cut=cut))) == damaged
        assert refused(package(Entry(SHEET, sheet(ROWS), cut=cut))) == damaged
    assert refused(package(Entry(SHEET, sheet(), local_name="xl/worksheets/other.xml"))) == damaged
    assert refused(good[:len(good) // 2]) == "文件已损坏（压缩包结构不完整），无法读取"


def test_an_encrypted_entry_is_refused_as_encrypted():
    assert "设有密码" in refused(package(Entry(SHEET, sheet(), flags=0x1)))


def test_a_part_declaring_a_bomb_is_refused_before_inflating():
    assert "解压后超过 256 MB" in refused(workbook(Entry("xl/media/image1.bin", b"x", declared=300 << 20)))
    ratio = refused(workbook(Entry("xl/media/image1.bin", bytes(17 << 20))))
    assert "压缩比" in ratio and "xl/media/image1.bin" in ratio
    noise = random.Random(1).randbytes(17 << 20)  # a big part within the limits is read through, and must be whole
    accepted(workbook(Entry("xl/media/image1.bin", noise, stored=True)))
    assert "xl/media/image1.bin" in refused(workbook(Entry("xl/media/image1.bin", noise, stored=True, crc=1)))


# ------------------------------------------------------------------ shared strings and our marker


def _sst(body: bytes, count: int) -> Entry:
    return Entry("xl/sharedStrings.xml", b'<sst xmlns="x" count="%d" uniqueCount="%d">%s</sst>' % (count, count, body))


def test_shared_strings_are_counted_and_measured():
    accepted(workbook(_sst(b"<si><t>a</t></si>" * 6, 6)))
    assert "共享字符串超过 5 个" in refused(workbook(_sst(b"<si><t>a</t></si>" * 6, 5)), Limits(max_shared_strings=5))
    assert "声明了 6 个字符串" in refused(workbook(_sst(b"<si/>", 6)), Limits(max_shared_strings=5))
    long = _sst(b"<si><t>" + b"A" * 3000 + b"</t></si>", 1)
    accepted(workbook(long))
    assert "超过 2 KB 的文字" in refused(workbook(long), Limits(max_string_kb=2))
    big = _sst(b"<si><t>" + b"A" * (2 << 20) + b"</t></si>", 1)
    assert "超过 1024 KB 的文字" in refused(workbook(big))


def test_our_marker_is_read_from_any_entry():
    for stored in (False, True):
        for descriptor in (False, True):
            marked = workbook(Entry("docProps/custom.xml", custom_xml("summary").encode(), stored=stored,
                                    descriptor=descriptor))
            assert inspect_package(marked, NAME, Limits()).own_output == "summary"


# ------------------------------------------------------------------ the package as checked, for the parser


def _contents(data: bytes) -> list[tuple[str, bytes]]:
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert zf.testzip() is None  # every entry's CRC-32 holds
        return [(i.filename, zf.read(i)) for i in zf.infolist()]


def test_the_package_as_checked_holds_the_same_parts():
    """Asked for, a plain workbook comes back with the parts the checks inflated stored as inflated and
    every other part copied: same entries, same order, same contents, so a parser reads what was checked."""
    parts = (Entry("docProps/custom.xml", b"<Properties/>"), Entry("xl/styles.xml", b"<styleSheet/>" * 50),
             Entry("xl/sharedStrings.xml", b'<sst count="1"><si><t>\xe7\x94\xb2</t></si></sst>'),
             Entry("xl/worksheets/sheet2.xml", sheet(ROWS)), Entry("xl/media/图.bin", bytes(range(256)), stored=True),
             Entry("xl/worksheets/sheet3.xml", sheet(), descriptor=True))
    data = workbook(*parts)
    got = inspect_package(data, NAME, Limits(), repack=True)
    assert got.package is not None and got.package != data
    assert _contents(got.package) == _contents(data)
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(got.package)) as zf:
        methods = {i.filename: i.compress_type for i in zf.infolist()}
    assert methods[SHEET] == methods["xl/sharedStrings.xml"] == zipfile.ZIP_STORED  # inflated once, here
    assert methods["xl/styles.xml"] == zipfile.ZIP_DEFLATED  # never inflated by the checks: copied
    assert inspect_package(data, NAME, Limits()).package is None  # only when asked for


def test_only_plain_workbooks_are_repacked():
    assert inspect_package(package(Entry(SHEET, sheet())), NAME, Limits(), repack=True).package is None  # no workbook
    odd = workbook(Entry("xl/worksheets/sheet2.xml", sheet(), bzip2=True))  # an entry zipfile reads
    assert inspect_package(odd, NAME, Limits(), repack=True).package is None
    commented = package(Entry("xl/workbook.xml", b"<workbook/>"), Entry(SHEET, sheet()), comment=b"x")
    assert inspect_package(commented, NAME, Limits(), repack=True).package is None
    assert "XFD9" in refused(workbook(cells=FAR))  # and what is refused is refused, repacked or not
    with pytest.raises(ReadError):
        inspect_package(workbook(cells=FAR), NAME, Limits(), repack=True)


def test_a_workbook_reads_the_same_from_the_package_as_checked(tmp_path):
    from xl_jixiao.readers import read_source
    from xl_jixiao.schemes import get_scheme
    from xl_jixiao.template import write_submission
    from xl_jixiao.template.samples import sample_submission

    sub = sample_submission(3, 0, 4, 8)
    book = tmp_path / "样例.xlsx"
    write_submission(sub, book, scheme=get_scheme(sub.scheme))
    data = book.read_bytes()
    repacked = inspect_package(data, str(book), Limits(), repack=True).package
    assert repacked is not None and _contents(repacked) == _contents(data)
    assert read_source(book, data=repacked).submission == read_source(book, data=data).submission


def test_a_package_inflating_to_much_is_parsed_as_it_is(monkeypatch):
    import xl_jixiao.inbox as inbox

    rows = sheet(ROWS[:ROWS.index(b'<row r="3000">')])  # inflated in one piece
    data = workbook(Entry("xl/worksheets/sheet2.xml", rows))
    assert inspect_package(data, NAME, Limits(), repack=True).package is not None
    monkeypatch.setattr(inbox, "REPACK_MOST", len(rows))  # the two sheets together are more
    assert inspect_package(data, NAME, Limits(), repack=True).package is None
