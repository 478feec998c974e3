"""The dates in the Office documents pandoc writes: the article's, not 1970.

Pandoc runs in its sandbox (`--sandbox`: it reads no file the arguments do not name), and there
it has no clock and no environment: a DOCX or PPTX says it was created and modified on
1970-01-01, and `SOURCE_DATE_EPOCH` is not read. The core properties get the article's
`metadata.document_date` instead, or lose the two dates when there is none (no date rather
than a false one). Every other member of the package is copied as it was, in its order.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile

from lxml import etree

CORE = "docProps/core.xml"
_DCTERMS = "http://purl.org/dc/terms/"
_XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"


def dated(package: bytes, when: dt.datetime | None) -> bytes:
    """`package` (a DOCX, PPTX or XLSX) with `dcterms:created`/`modified` set to `when`, or
    removed if None; anything else (not a zip, no core properties) is returned unchanged."""
    if not package.startswith(b"PK"):
        return package
    try:
        with zipfile.ZipFile(io.BytesIO(package)) as source:
            if CORE not in source.namelist():
                return package
            out = io.BytesIO()
            with zipfile.ZipFile(out, "w") as target:
                for info in source.infolist():
                    data = source.read(info)
                    target.writestr(info, _core(data, when) if info.filename == CORE else data)
    except zipfile.BadZipFile:
        return package
    return out.getvalue()


def _core(xml: bytes, when: dt.datetime | None) -> bytes:
    root = etree.fromstring(xml)
    for name in ("created", "modified"):
        element = root.find(f"{{{_DCTERMS}}}{name}")
        if when is None:
            if element is not None:
                root.remove(element)
            continue
        if element is None:
            element = etree.SubElement(root, f"{{{_DCTERMS}}}{name}")
            element.set(_XSI_TYPE, "dcterms:W3CDTF")
        element.text = _w3c(when)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))


def _w3c(when: dt.datetime) -> str:
    """A full UTC timestamp: Word shows a bare date as invalid. A naive time is taken as UTC."""
    moment = when.replace(tzinfo=dt.UTC) if when.tzinfo is None else when.astimezone(dt.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
