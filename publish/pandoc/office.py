"""What pandoc's Office documents need after pandoc: the article's dates and CJK faces.

Pandoc runs in its sandbox (`--sandbox`: it reads no file the arguments do not name), and there
it has no clock and no environment: a DOCX or PPTX says it was created and modified on
1970-01-01, and `SOURCE_DATE_EPOCH` is not read. The core properties get the article's
`metadata.document_date` instead, or lose the two dates when there is none (no date rather
than a false one).

The reference document names one set of CJK faces (Noto CJK SC): a Japanese, Korean or
Traditional Chinese article gets its own region's faces in the styles instead, as the PDF
does, never Chinese glyph forms for Japanese. Every other member of the package is copied as
it was, in its order.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Callable, Mapping

from lxml import etree

CORE = "docProps/core.xml"
STYLES = "word/styles.xml"
_DCTERMS = "http://purl.org/dc/terms/"
_XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"
#: The region of the faces `styles/*/reference.docx` names (`tools/reference_docx.py`).
REFERENCE_REGION = "SC"


def rewrite(package: bytes, changes: Mapping[str, Callable[[bytes], bytes]]) -> bytes:
    """`package` (a zip: DOCX, PPTX, ODT) with each member named in `changes` passed through its
    function; unchanged when it is not a zip or has none of those members."""
    if not package.startswith(b"PK"):
        return package
    try:
        with zipfile.ZipFile(io.BytesIO(package)) as source:
            if not set(changes) & set(source.namelist()):
                return package
            out = io.BytesIO()
            with zipfile.ZipFile(out, "w") as target:
                for info in source.infolist():
                    data = source.read(info)
                    change = changes.get(info.filename)
                    target.writestr(info, change(data) if change is not None else data)
    except zipfile.BadZipFile:
        return package
    return out.getvalue()


def dated(package: bytes, when: dt.datetime | None) -> bytes:
    """`package` (a DOCX, PPTX or XLSX) with `dcterms:created`/`modified` set to `when`, or
    removed if None."""
    return rewrite(package, {CORE: lambda xml: _core(xml, when)})


def with_cjk_region(package: bytes, region: str) -> bytes:
    """A DOCX whose styles name the Noto CJK faces of `region` (`JP`) instead of the reference's."""
    if region == REFERENCE_REGION:
        return package
    old, new = f" CJK {REFERENCE_REGION}\"".encode(), f" CJK {region}\"".encode()
    return rewrite(package, {STYLES: lambda xml: xml.replace(old, new)})


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
