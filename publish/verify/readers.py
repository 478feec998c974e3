"""What a reader of each output sees, as plain text: the output side of the guard.

Each reader answers "which words would a person reading this file see?", so it follows the
format's own rules rather than a general-purpose text dump: in HTML the content of raw-text
elements (`<script>`, `<style>`, an unclosed `<textarea>`) is not text, in an EPUB only the
content documents count (the navigation repeats the headings), and a PDF's text is what the
layout placed on its pages, read back with PDFium.
"""

from __future__ import annotations

import functools
import io
import posixpath
import re
import unicodedata
import zipfile
from typing import Any

from publish.model import LaidOut

#: Elements whose content a reader never sees as text. The raw-text ones (`script`, `style`)
#: swallow everything up to their closing tag, exactly the failure the guard exists to catch.
_HIDDEN = frozenset({"script", "style", "template", "title", "textarea", "xmp", "iframe",
                     "noscript", "noembed", "noframes", "head", "svg", "math"})
_NOT_WORD = re.compile(r"[\W_]+")


def letters(text: str) -> str:
    """Only the letters and digits of `text`, compatibility-folded and case-folded.

    Punctuation, spaces and case are where formats legitimately differ (smart quotes, wrapped
    lines, `text-transform`, full-width forms), so the guard compares what is left: the words.
    """
    return _NOT_WORD.sub("", unicodedata.normalize("NFKC", text).casefold())


def html_text(document: str | bytes) -> str:
    """The visible text of an HTML page or fragment (or an XHTML document).

    libxml2's HTML parser (through lxml) ends `<script>`, `<style>` and `<textarea>` only at their
    own closing tag, as browsers do, so an unclosed one hides the rest of the page here too.
    """
    from lxml import etree, html

    if isinstance(document, str):
        document = document.encode("utf-8")
    if not document.strip():
        return ""
    root = html.document_fromstring(document, parser=_parser())
    etree.strip_elements(root, *_HIDDEN, with_tail=False)
    return " ".join(str(part) for part in root.itertext())


@functools.cache
def _parser() -> Any:
    from lxml import html

    return html.HTMLParser(encoding="utf-8", remove_comments=True)


def epub_text(book: bytes) -> str:
    """The text of an EPUB's content documents in spine order, the navigation document left out."""
    from lxml import etree

    with zipfile.ZipFile(io.BytesIO(book)) as archive:
        container = etree.fromstring(archive.read("META-INF/container.xml"))
        opf_path = str(container.xpath("string(//*[local-name()='rootfile']/@full-path)"))
        opf = etree.fromstring(archive.read(opf_path))
        base = posixpath.dirname(opf_path)
        items = {item.get("id"): item for item in opf.iterfind(".//{*}manifest/{*}item")}
        texts = []
        for ref in opf.iterfind(".//{*}spine/{*}itemref"):
            item = items.get(ref.get("idref"))
            if item is None or "nav" in (item.get("properties") or "").split():
                continue
            texts.append(html_text(archive.read(posixpath.join(base, str(item.get("href"))))))
    return "\n".join(texts)


def pdf_text(pdf: bytes) -> str:
    """The text of a PDF: from its layout when it carries it (`LaidOut`), else what PDFium reads
    from every page (what copy-paste and screen readers get)."""
    if isinstance(pdf, LaidOut):
        return pdf.text
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    try:
        pages = []
        for page in document:
            textpage = page.get_textpage()
            pages.append(textpage.get_text_range())
            textpage.close()
            page.close()
        return "\n".join(pages)
    finally:
        document.close()
