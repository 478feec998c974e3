"""EPUB 3: chapters at the top heading level, nav + NCX, cover, notes; EPUBCheck-clean and reproducible.

The work is split by concern: `publish.exporters.epub.xhtml` turns raw HTML into valid XHTML, `publish.exporters.epub.book`
cuts the body into documents and fixes notes, links and images, `publish.exporters.epub.package` writes the
package with ebooklib and makes the zip byte-stable. This class only wires them together.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

from publish.config.options import rule
from publish.exporters import ExportContext, Output
from publish.model import Article
from publish.render.page import font_css
from publish.runtime.diagnostics import mentioned

if TYPE_CHECKING:
    from publish.exporters.epub.media import Media

STYLESHEET = "style.css"


@dataclass(frozen=True, slots=True)
class EpubOptions:
    """`[epub]` options."""

    split_level: int = field(default=2, metadata=rule(1, 6, help="a new chapter at each heading of this level"))
    toc_depth: int = field(default=3, metadata=rule(1, 6, help="heading levels listed in the navigation"))
    generated_cover: bool = field(default=False, metadata=rule(
        help="draw a cover from the title and authors when none is named (`publish book` sets it)"))


class EpubExporter:
    """`dist/<stem>.epub`: title page, one document per chapter, EPUB 3 nav and an NCX."""

    name: ClassVar[str] = "epub"
    suffix: ClassVar[str] = ".epub"
    description: ClassVar[str] = "EPUB 3 e-book (nav, NCX, cover, notes), EPUBCheck-clean"
    label: ClassVar[str] = "the EPUB"
    options: ClassVar[type[EpubOptions]] = EpubOptions

    def text(self, output: Output) -> str:
        """The content documents' text in reading order (the navigation repeats the headings)."""
        from publish.verify.readers import epub_text

        assert isinstance(output, bytes)
        return epub_text(output)

    def export(self, article: Article, ctx: ExportContext) -> bytes:
        from publish.exporters.epub import book, package, xhtml  # only when this format runs

        opts: EpubOptions = ctx.options_for(self)
        meta = article.metadata

        def warn(message: str, fix: str, ref: str = "", kind: str = "") -> None:
            if mentioned(article.diagnostics, ref):
                return  # normalize already told the writer about this reference
            ctx.warn(article, message, fix, line=article.source.line_of(*_written(ref)), kind=kind, subject=ref)

        content = book.cut(article, ctx.resolver, opts.split_level, warn, ctx.config.site_url, ctx.converts)
        body_class = "cjk" if meta.is_cjk else ""
        documents = []
        for doc in content.documents:
            documents.append((doc, xhtml.document(doc.title, meta.language, [doc.root], STYLESHEET, body_class)))
        cover = None
        image = content.cover
        if image is None and opts.generated_cover and not meta.cover:
            from publish.exporters.epub.cover import generated

            image = generated(meta)
        if image is not None:
            cover = (image, _cover_page(image, article))
        css = font_css(meta.language, "epub", ctx.config.cjk_fallback) + ctx.theme.css("epub.css")
        return package.package(article, documents, list(content.media.values()), css, cover, opts.toc_depth)


def _cover_page(image: Media, article: Article) -> bytes:
    from lxml import etree

    from publish.exporters.epub import package, xhtml

    labels = package.Labels.for_language(article.metadata.language)
    section = etree.Element("section", {"class": "cover"})
    section.set(xhtml.EPUB_TYPE, "cover")
    etree.SubElement(section, "img", src=image.file_name, alt=f"{labels.cover}: {article.metadata.title}",
                     role="doc-cover")
    return xhtml.document(labels.cover, article.metadata.language, [section], STYLESHEET, "cover")


def _written(ref: str) -> tuple[str, ...]:
    """How `ref` (an href or src) is written in a source, Markdown then HTML forms, then bare."""
    return (f"({ref})", f'"{ref}"', f"'{ref}'", f"={ref}", ref) if ref else ()
