"""PDF: the shared page with the print stylesheet, laid out by WeasyPrint (CSS paged media)."""

from __future__ import annotations

import html as htmllib
import re
from typing import Any, ClassVar

from publish import fonts, pdf_fonts, pdf_layout, pdf_log
from publish.errors import ExportError, UsageError
from publish.exporters import ExportContext
from publish.model import Article
from publish.page import render_page
from publish.pdf_fetch import url_fetcher
from publish.resources import ResourceRefused

_TAG = re.compile(r"<[^>]*>")
_FONT_CONFIG: Any = None
"""WeasyPrint's FontConfiguration, made once per process: building it costs on every article."""


class PdfExporter:
    """`dist/<stem>.pdf`: fonts embedded and subset, metadata and bookmarks from the article."""

    name: ClassVar[str] = "pdf"
    suffix: ClassVar[str] = ".pdf"
    description: ClassVar[str] = "print-ready PDF (WeasyPrint), CJK fonts by language, bookmarks"
    options: ClassVar[dict[str, Any]] = {
        "page_size": "A4",
        "margin": "22mm 20mm 24mm",
        "variant": None,
        "tags": True,
        "cjk_indent": True,
    }

    def export(self, article: Article, ctx: ExportContext) -> bytes:
        opt = {key: ctx.option(self.name, key, default) for key, default in self.options.items()}
        extra_css = (pdf_layout.page_css(opt["page_size"], opt["margin"])
                     + pdf_layout.font_css(article.metadata.language)
                     + pdf_layout.paragraph_css(article.metadata.is_cjk, bool(opt["cjk_indent"])))
        self._check_fonts(article, ctx)
        html = render_page(article, ctx.config, ctx.theme, "print", extra_css=extra_css)

        import weasyprint  # here, not at the top: its import costs ~0.4 s other formats never pay
        from weasyprint.pdf import VARIANTS

        variant = opt["variant"]
        if variant is not None and variant not in VARIANTS:
            raise UsageError(f"unknown PDF variant '{variant}'",
                             f"use one of {', '.join(sorted(VARIANTS))}")
        base = article.path.parent

        def refused(exc: ResourceRefused) -> None:
            ctx.warn(article, f"PDF: not loading {exc.ref}: {exc.detail}",
                     "put the file inside the source folder, or pass --allow-remote for URLs")

        with pdf_log.weasyprint_errors() as errors:
            document = weasyprint.HTML(
                string=html, base_url=str(base), url_fetcher=url_fetcher(ctx.resolver, base, refused),
            ).render(font_config=_font_config(), pdf_tags=bool(opt["tags"]), pdf_variant=variant)
            _set_metadata(document.metadata, article)
            pdf: bytes = document.write_pdf(pdf_tags=bool(opt["tags"]), pdf_variant=variant)
        for error in errors:
            if "ResourceRefused" not in error:  # those were reported by `refused` already
                ctx.warn(article, f"PDF: {error.rstrip(': ')}", "check the file or markup WeasyPrint names")
        return pdf

    def _check_fonts(self, article: Article, ctx: ExportContext) -> None:
        """Warn (or fail with --strict) before rendering when a character would print as tofu."""
        primary = fonts.cjk_family(article.metadata.language) or ""
        missing = pdf_fonts.missing_characters(_page_text(article), primary)
        if not missing:
            return
        message = f"PDF: no installed font has {pdf_fonts.describe(missing)}; they would print as boxes"
        fix = pdf_fonts.fix_for(missing)
        line = _line_of(article, missing[0])
        if ctx.config.strict:
            raise ExportError(self.name, article.path, message, fix, line)
        ctx.warn(article, message, fix, line)


def _font_config() -> Any:
    global _FONT_CONFIG
    if _FONT_CONFIG is None:
        from weasyprint.text.fonts import FontConfiguration

        _FONT_CONFIG = FontConfiguration()
    return _FONT_CONFIG


def _page_text(article: Article) -> str:
    """Every character the PDF will show: the metadata in the title block and the body text."""
    meta = article.metadata
    head = " ".join([meta.title, meta.subtitle or "", meta.description or "", *meta.authors])
    body = htmllib.unescape(_TAG.sub(" ", article.html))
    return head + body


def _line_of(article: Article, char: str) -> int | None:
    """The source line where `char` first occurs in the body (None when only the metadata has it)."""
    index = article.source.body.find(char)
    if index < 0:
        return None
    return article.source.body_line + article.source.body.count("\n", 0, index)


def _set_metadata(metadata: Any, article: Article) -> None:
    """PDF Info from the article itself, not re-read from HTML `<meta>` (dates need a fallback)."""
    meta = article.metadata
    metadata.title = meta.title
    metadata.authors = list(meta.authors)
    metadata.description = meta.description
    metadata.keywords = list(meta.keywords)
    metadata.lang = meta.language
    metadata.generator = "publish"
    metadata.created = pdf_layout.creation_date(meta)
    metadata.modified = None

