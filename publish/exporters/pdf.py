"""PDF: the shared page with the print stylesheet, laid out by WeasyPrint (CSS paged media), or the
AST laid out by Typst (`engine = "typst"`, `publish.typst`); the same options for both."""

from __future__ import annotations

import re
from typing import Any, ClassVar

from publish import fonts
from publish.config import Config
from publish.errors import ExportError, UsageError
from publish.exporters import ExportContext, Output
from publish.model import Article
from publish.page import render_page
from publish.pdf import coverage, layout, refs, render
from publish.pdf.options import DEFAULTS, PdfOptions
from publish.resources import ResourceRefused
from publish.themes import load_theme


class PdfExporter:
    """`dist/<stem>.pdf`: fonts embedded and subset, metadata and bookmarks from the article."""

    name: ClassVar[str] = "pdf"
    suffix: ClassVar[str] = ".pdf"
    description: ClassVar[str] = "print-ready PDF (WeasyPrint or Typst), CJK fonts by language, bookmarks"
    label: ClassVar[str] = "the PDF"
    options: ClassVar[dict[str, Any]] = DEFAULTS

    def text(self, output: Output) -> str:
        """The text on the pages, as PDFium reads it back (what copy-paste and screen readers get)."""
        from publish.fidelity.readers import pdf_text

        assert isinstance(output, bytes)
        return pdf_text(output)

    def warm_up(self) -> None:
        """Import WeasyPrint (~0.3 s) and compile the page template before the first article;
        see `publish.offload`."""
        render.warm_up()
        load_theme().template("page.html.j2")

    def warm_up_for(self, config: Config) -> None:
        """Warm up the engine the run's options name (Typst: its fonts, ~0.1 s), not both."""
        try:
            typst = PdfOptions.read(lambda key, default: config.option(self.name, key, default)).engine == "typst"
        except UsageError:  # reported by the export itself, with the article's name
            typst = False
        if typst:
            from publish.typst import engine

            engine.warm_up()
        else:
            self.warm_up()

    def export(self, article: Article, ctx: ExportContext) -> bytes:
        opt = PdfOptions.read(lambda key, default: ctx.option(self.name, key, default))
        self._check_fonts(article, ctx, opt.body_font, opt.heading_font)
        if opt.engine == "typst":
            from publish.typst import engine

            return engine.export(article, ctx, opt)
        meta = article.metadata
        extra_css = (layout.page_css(opt.page_size, opt.margin)
                     + layout.font_css(meta.language, opt.body_font, opt.heading_font)
                     + layout.paragraph_css(meta.is_cjk, opt.cjk_indent))
        printed, unlinked = refs.for_print(article, ctx.config.site_url)
        for ref in unlinked:
            ctx.warn(article, f"PDF: the link to {ref.path} is plain text (a PDF cannot link to a "
                     "relative page)", "give --site-url to link to its web page",
                     _line(article, f"{ref.path.name}"))
        html = render_page(printed, ctx.config, ctx.theme, "print", extra_css=extra_css)

        def refused(exc: ResourceRefused) -> None:
            ctx.warn(article, f"PDF: not loading {exc.ref}: {exc.detail}",
                     "put the file inside the source folder, or pass --allow-remote for URLs",
                     _line(article, exc.ref))

        result = render.render(html, article.path.parent, ctx.resolver, refused, meta,
                               tags=opt.tags, variant=opt.variant)
        for error in result.errors:
            if "ResourceRefused" not in error:  # `refused` has reported those already
                self._report(article, ctx, error)
        return result.pdf

    def _report(self, article: Article, ctx: ExportContext, error: str) -> None:
        """A problem WeasyPrint recovered from (broken image, missing alt) as a warning."""
        error = re.sub(r"""(['"])""" + refs.ROOT_SCHEME, r"\1", error).rstrip(": ")
        named = re.search(r"""['"]([^'"]+)['"]""", error)
        name = named.group(1) if named else ""
        if "alt description" in error:
            ctx.warn(article, f"PDF: {error}", "describe the image for screen readers: "
                     "![what it shows](file)", _line(article, f"![]({name}"))
        else:
            ctx.warn(article, f"PDF: {error}", "check the file WeasyPrint names", _line(article, name))

    def _check_fonts(self, article: Article, ctx: ExportContext, *chosen: str | None) -> None:
        """Warn (or fail with --strict) before rendering when a character would print as tofu."""
        for family in filter(None, chosen):
            if not coverage.installed(family):
                ctx.warn(article, f"PDF: font '{family}' is not installed; the default faces are used",
                         "install it, or check its name with: fc-list : family")
        primary = chosen[0] or fonts.cjk_family(article.metadata.language) or ""
        missing = coverage.missing_characters(coverage.page_text(article), primary)
        if not missing:
            return
        message = f"no installed font has {coverage.describe(missing)}; they would print as boxes"
        fix = coverage.fix_for(missing)
        line = _line(article, missing[0])
        if ctx.config.strict:
            raise ExportError(self.name, article.path, message, fix, line)
        ctx.warn(article, f"PDF: {message}", fix, line)


def _line(article: Article, text: str) -> int | None:
    """The line of the first occurrence of `text` (or of its file name) in the source body."""
    return article.source.line_of(text) or article.source.line_of(text.rpartition("/")[2])
