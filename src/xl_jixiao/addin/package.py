"""Turn an ``.xlsx`` package into a macro-enabled ``.xlsm`` or ``.xlam``.

Adds the ribbon in both of its published forms – ``customUI/customUI14.xml``
(2009 schema, read by Excel 2010 and later) and ``customUI/customUI.xml`` (2006
schema, the only one Excel 2007 and WPS read) – with their relationships in
``_rels/.rels``, the VBA project (``xl/vbaProject.bin`` with its relationship
from ``workbook.xml``), switches the workbook's content type, and writes the
zip reproducibly: fixed member order, fixed timestamps, fixed attributes.
"""

from __future__ import annotations

import io
import re
import zipfile
from typing import Literal

Kind = Literal["xlsm", "xlam"]

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    "xlsm": "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    "xlam": "application/vnd.ms-excel.addin.macroEnabled.main+xml",
}
VBA_CONTENT_TYPE = "application/vnd.ms-office.vbaProject"
REL_VBA = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"
REL_CUSTOMUI14 = "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"
REL_CUSTOMUI12 = "http://schemas.microsoft.com/office/2006/relationships/ui/extensibility"
CUSTOMUI_PART = "customUI/customUI14.xml"
CUSTOMUI12_PART = "customUI/customUI.xml"
VBA_PART = "xl/vbaProject.bin"

FIXED_TIME = (1980, 1, 1, 0, 0, 0)
FIXED_W3CDTF = "2025-01-01T00:00:00Z"

_FIRST = ("[Content_Types].xml", "_rels/.rels")


def _add_relationship(rels_xml: str, rel_id: str, rel_type: str, target: str) -> str:
    if f'Type="{rel_type}"' in rels_xml:
        rels_xml = re.sub(rf'<Relationship [^>]*Type="{re.escape(rel_type)}"[^>]*/>', "", rels_xml)
    if f'Id="{rel_id}"' in rels_xml:
        raise ValueError(f"relationship id {rel_id} already used")
    rel = f'<Relationship Id="{rel_id}" Type="{rel_type}" Target="{target}"/>'
    return rels_xml.replace("</Relationships>", rel + "</Relationships>")


def _content_types(xml: str, kind: Kind) -> str:
    main = CONTENT_TYPES[kind]
    for old in CONTENT_TYPES.values():
        xml = xml.replace(f'ContentType="{old}"', f'ContentType="{main}"')
    if f'PartName="/{VBA_PART}"' not in xml:
        xml = xml.replace(
            "</Types>", f'<Override PartName="/{VBA_PART}" ContentType="{VBA_CONTENT_TYPE}"/></Types>'
        )
    if 'Extension="xml"' not in xml:
        xml = xml.replace("</Types>", '<Default Extension="xml" ContentType="application/xml"/></Types>')
    return xml


def _fixed_core(xml: str) -> str:
    for tag in ("created", "modified"):
        xml = re.sub(
            rf"(<dcterms:{tag}\b[^>]*>)[^<]*(</dcterms:{tag}>)", rf"\g<1>{FIXED_W3CDTF}\g<2>", xml
        )
    return xml


def _zip_info(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.create_system = 0
    info.external_attr = 0
    return info


def write_parts(parts: dict[str, bytes]) -> bytes:
    """A zip of ``parts`` in a fixed order with fixed metadata."""
    names = [n for n in _FIRST if n in parts] + sorted(n for n in parts if n not in _FIRST)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name in names:
            zf.writestr(_zip_info(name), parts[name], compresslevel=6)
    return buf.getvalue()


def read_parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def macro_enable(xlsx: bytes, kind: Kind, vba_project: bytes, custom_ui: bytes,
                 custom_ui12: bytes | None = None) -> bytes:
    """The bytes of the macro-enabled package built from ``xlsx``.

    ``custom_ui`` is the 2009 ribbon (``customUI14.xml``); ``custom_ui12`` the
    optional 2006 one (``customUI.xml``) for Excel 2007 and WPS.
    """
    if kind not in ("xlsm", "xlam"):
        raise ValueError(f"unknown kind {kind!r}")
    parts = read_parts(xlsx)
    parts["[Content_Types].xml"] = _content_types(parts["[Content_Types].xml"].decode("utf-8"), kind).encode("utf-8")
    parts["_rels/.rels"] = _add_relationship(
        parts["_rels/.rels"].decode("utf-8"), "rIdJxCustomUI", REL_CUSTOMUI14, CUSTOMUI_PART
    ).encode("utf-8")
    if custom_ui12 is not None:
        parts["_rels/.rels"] = _add_relationship(
            parts["_rels/.rels"].decode("utf-8"), "rIdJxCustomUI12", REL_CUSTOMUI12, CUSTOMUI12_PART
        ).encode("utf-8")
        parts[CUSTOMUI12_PART] = custom_ui12
    wb_rels = "xl/_rels/workbook.xml.rels"
    parts[wb_rels] = _add_relationship(
        parts[wb_rels].decode("utf-8"), "rIdJxVba", REL_VBA, "vbaProject.bin"
    ).encode("utf-8")
    if "docProps/core.xml" in parts:
        parts["docProps/core.xml"] = _fixed_core(parts["docProps/core.xml"].decode("utf-8")).encode("utf-8")
    parts[VBA_PART] = vba_project
    parts[CUSTOMUI_PART] = custom_ui
    return write_parts(parts)
