"""Build a ``vbaProject.bin`` from module source text (MS-OVBA).

The project carries source only: every module stream holds its compressed
source at offset 0 and no performance cache, and the ``_VBA_PROJECT`` stream
has version 0xFFFF, so Office discards the (absent) compiled state and
compiles the project from source when the workbook is opened.

Layout of the compound file::

    PROJECT            project properties (text)
    PROJECTwm          module names in MBCS and UTF-16
    VBA/_VBA_PROJECT   7 bytes: 0x61CC, version 0xFFFF, 0x00, 0x0003
    VBA/dir            compressed project information, references, modules
    VBA/<module>       compressed source of each module
"""

from __future__ import annotations

import hashlib
import re
import struct
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from xl_jixiao.addin import cfb, ovba

ModuleKind = Literal["standard", "document"]

CODEPAGE = 936
"""GBK: the code page of a VBA project edited on Chinese Windows."""

LCID = 0x0409  # MS-OVBA: PROJECTLCID and PROJECTLCIDINVOKE MUST be 0x409

WORKBOOK_BASE = "0{00020819-0000-0000-C000-000000000046}"
WORKSHEET_BASE = "0{00020820-0000-0000-C000-000000000046}"


@dataclass(frozen=True)
class Reference:
    name: str
    libid: str


DEFAULT_REFERENCES = (
    Reference("stdole", r"*\G{00020430-0000-0000-C000-000000000046}#2.0#0#C:\Windows\System32\stdole2.tlb#OLE Automation"),
    Reference(
        "Office",
        r"*\G{2DF8D04C-5BFA-101B-BDE5-00AA0044DE52}#2.0#0#"
        r"C:\Program Files\Common Files\Microsoft Shared\OFFICE16\MSO.DLL#Microsoft Office 16.0 Object Library",
    ),
)
"""OLE Automation and the Office library (where ``IRibbonControl`` lives)."""


@dataclass(frozen=True)
class Module:
    """One VBA module: ``name`` is its VB_Name, ``code`` the source without
    the ``Attribute VB_Name`` header lines (they are generated)."""

    name: str
    code: str
    kind: ModuleKind = "standard"
    base: str | None = None  # VB_Base of a document module

    def attribute_lines(self) -> list[str]:
        if self.kind == "standard":
            return [f'Attribute VB_Name = "{self.name}"']
        return [
            f'Attribute VB_Name = "{self.name}"',
            f'Attribute VB_Base = "{self.base or WORKSHEET_BASE}"',
            "Attribute VB_GlobalNameSpace = False",
            "Attribute VB_Creatable = False",
            "Attribute VB_PredeclaredId = True",
            "Attribute VB_Exposed = True",
            "Attribute VB_TemplateDerived = False",
            "Attribute VB_Customizable = True",
        ]

    def stored_source(self) -> str:
        """The text stored in the module stream (attributes, then code), CRLF line ends."""
        lines = self.attribute_lines() + self.code.replace("\r\n", "\n").rstrip("\n").split("\n")
        return "\r\n".join(lines) + "\r\n"


_ATTRIBUTE_RE = re.compile(r'^Attribute\s+VB_Name\s*=\s*"([^"]+)"\s*$', re.IGNORECASE)


def parse_bas(text: str, default_name: str | None = None) -> Module:
    """A standard module from ``.bas`` text as the VBA editor exports it."""
    lines = text.replace("\r\n", "\n").split("\n")
    name = default_name
    body_start = 0
    for i, line in enumerate(lines):
        m = _ATTRIBUTE_RE.match(line.strip())
        if m:
            name = m.group(1)
            body_start = i + 1
            continue
        if line.strip().lower().startswith("attribute "):
            body_start = i + 1
            continue
        break
    if not name:
        raise ValueError("module has no Attribute VB_Name line and no default name")
    return Module(name=name, code="\n".join(lines[body_start:]).strip("\n") + "\n")


def document_module(name: str, base: str, code: str = "Option Explicit\n") -> Module:
    return Module(name=name, code=code, kind="document", base=base)


# ---------------------------------------------------------------- dir stream

def _enc(text: str) -> bytes:
    return text.encode(f"cp{CODEPAGE}")


def _u16(text: str) -> bytes:
    return text.encode("utf-16-le")


def _rec(record_id: int, payload: bytes) -> bytes:
    return struct.pack("<HI", record_id, len(payload)) + payload


def project_version(guid: str) -> tuple[int, int]:
    """PROJECTVERSION (major, minor) in the range Excel itself writes.

    Excel stores a large, build-dependent major number (files saved by Excel
    show values from about 1,600,000,000 to 1,800,000,000) and a small minor
    number; a literal 1.0 marks a project as machine-made.  Derived from the
    project's content so the bytes stay reproducible.
    """
    n = int(guid.strip("{}").replace("-", ""), 16)
    return 1_600_000_000 + n % 200_000_000, 2 + (n >> 64) % 7


def _dir_stream(project_name: str, modules: list[Module], references: Iterable[Reference],
                version: tuple[int, int] = (1, 0)) -> bytes:
    out = bytearray()
    # PROJECTINFORMATION
    out += _rec(0x0001, struct.pack("<I", 1))  # SysKind: 32-bit Windows
    out += _rec(0x0002, struct.pack("<I", LCID))
    out += _rec(0x0014, struct.pack("<I", LCID))
    out += _rec(0x0003, struct.pack("<H", CODEPAGE))
    out += _rec(0x0004, _enc(project_name))
    out += _rec(0x0005, b"") + _rec(0x0040, b"")  # doc string (MBCS, UTF-16)
    out += _rec(0x0006, b"") + _rec(0x003D, b"")  # help file 1 and 2
    out += _rec(0x0007, struct.pack("<I", 0))  # help context
    out += _rec(0x0008, struct.pack("<I", 0))  # lib flags
    out += struct.pack("<HIIH", 0x0009, 4, *version)  # PROJECTVERSION: Reserved = 4, major, minor
    out += _rec(0x000C, b"") + _rec(0x003C, b"")  # constants
    # PROJECTREFERENCES
    for ref in references:
        out += _rec(0x0016, _enc(ref.name)) + _rec(0x003E, _u16(ref.name))
        libid = _enc(ref.libid)
        body = struct.pack("<I", len(libid)) + libid + struct.pack("<IH", 0, 0)
        out += _rec(0x000D, body)
    # PROJECTMODULES
    out += struct.pack("<HIH", 0x000F, 2, len(modules))
    out += struct.pack("<HIH", 0x0013, 2, 0xFFFF)  # project cookie
    for m in modules:
        out += _rec(0x0019, _enc(m.name))
        out += _rec(0x0047, _u16(m.name))
        out += _rec(0x001A, _enc(m.name)) + _rec(0x0032, _u16(m.name))  # stream name
        out += _rec(0x001C, b"") + _rec(0x0048, b"")  # doc string
        out += _rec(0x0031, struct.pack("<I", 0))  # source at offset 0
        out += _rec(0x001E, struct.pack("<I", 0))  # help context
        out += struct.pack("<HIH", 0x002C, 2, 0xFFFF)  # module cookie
        out += struct.pack("<HI", 0x0021 if m.kind == "standard" else 0x0022, 0)
        out += struct.pack("<HI", 0x002B, 0)  # module terminator
    out += struct.pack("<HI", 0x0010, 0)  # dir terminator
    return bytes(out)


# ---------------------------------------------------------------- PROJECT / PROJECTwm

def project_guid(project_name: str, modules: list[Module]) -> str:
    """A stable project CLSID derived from the project's content."""
    h = hashlib.sha256(project_name.encode("utf-8"))
    for m in modules:
        h.update(b"\0" + m.name.encode("utf-8") + b"\0" + m.stored_source().encode("utf-8"))
    return "{" + str(uuid.UUID(bytes=h.digest()[:16], version=4)).upper() + "}"


def _project_stream(project_name: str, modules: list[Module], guid: str) -> bytes:
    seed = int(guid[1:3], 16)
    lines = [f'ID="{guid}"']
    for m in modules:
        if m.kind == "document":
            lines.append(f"Document={m.name}/&H00000000")
        else:
            lines.append(f"Module={m.name}")
    lines += [
        f'Name="{project_name}"',
        'HelpContextID="0"',
        'VersionCompatible32="393222000"',
        'CMG="' + ovba.encrypt_data(guid, struct.pack("<I", 0), seed) + '"',  # not protected
        'DPB="' + ovba.encrypt_data(guid, b"\x00", (seed + 1) & 0xFF) + '"',  # no password
        'GC="' + ovba.encrypt_data(guid, b"\xff", (seed + 2) & 0xFF) + '"',  # visible
        "",
        "[Host Extender Info]",
        "&H00000001={3832D640-CF90-11CF-8E43-00A0C911005A};VBE;&H00000000",
        "",
        "[Workspace]",
    ]
    lines += [f"{m.name}=0, 0, 0, 0, C" for m in modules]
    return _enc("\r\n".join(lines) + "\r\n")


def _projectwm_stream(modules: list[Module]) -> bytes:
    out = bytearray()
    for m in modules:
        out += _enc(m.name) + b"\x00" + _u16(m.name) + b"\x00\x00"
    out += b"\x00\x00"
    return bytes(out)


VBA_PROJECT_STREAM = struct.pack("<HHBH", 0x61CC, 0xFFFF, 0x00, 0x0001)
"""Reserved1, Version 0xFFFF (recompile from source), Reserved2, Reserved3 as Excel writes it."""


def build_vba_project(
    modules: list[Module],
    project_name: str = "VBAProject",
    references: Iterable[Reference] = DEFAULT_REFERENCES,
) -> bytes:
    """The bytes of a ``vbaProject.bin`` holding ``modules`` (source only)."""
    names = [m.name.lower() for m in modules]
    if len(set(names)) != len(names):
        raise ValueError("duplicate module names")
    for m in modules:
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]{0,30}", m.name):
            raise ValueError(f"invalid VBA module name: {m.name!r}")
        try:
            _enc(m.stored_source())
        except UnicodeEncodeError as exc:
            raise ValueError(f"module {m.name} has characters outside code page {CODEPAGE}") from exc
    guid = project_guid(project_name, modules)
    vba = cfb.Storage("VBA")
    vba.add(cfb.Stream("_VBA_PROJECT", VBA_PROJECT_STREAM))
    vba.add(cfb.Stream("dir", ovba.compress(_dir_stream(project_name, modules, references, project_version(guid)))))
    for m in modules:
        vba.add(cfb.Stream(m.name, ovba.compress(_enc(m.stored_source()))))
    root = cfb.Storage("Root Entry")
    root.add(vba)
    root.add(cfb.Stream("PROJECT", _project_stream(project_name, modules, guid)))
    root.add(cfb.Stream("PROJECTwm", _projectwm_stream(modules)))
    return cfb.write_compound_file(root)
