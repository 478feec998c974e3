"""PDF: the shared page with the print stylesheet, laid out by WeasyPrint (CSS paged media)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from publish import fonts
from publish.diagnostics import mentioned
from publish.errors import ExportError
from publish.exporters import ExportContext, Output
from publish.model import Article
from publish.options import rule
from publish.page import render_page
from publish.pdf import coverage, layout, messages, refs, render
from publish.resources import ResourceRefused
from publish.themes import load_theme


@dataclass(frozen=True, slots=True)
class PdfOptions:
    """`[pdf]` options."""

    page_size: str = field(default="A4", metadata=rule(check=layout.page_size_problem,
                                                       help="A4, A5, Letter… or a width and height"))
    margin: str = field(default="22mm 20mm 24mm", metadata=rule(check=layout.margin_problem,
                                                                help="1–4 CSS lengths, as CSS margin"))
    variant: str | None = field(default=None, metadata=rule(check=render.variant_problem,
                                                            help="a WeasyPrint PDF variant, e.g. pdf/ua-1"))
    tags: bool = field(default=True, metadata=rule(help="tagged PDF (structure for screen readers)"))
    cjk_indent: bool = field(default=True, metadata=rule(help="indent Chinese paragraphs by two characters"))
    body_font: str | None = field(default=None, metadata=rule(help="a font family put first for the body"))
    heading_font: str | None = field(default=None, metadata=rule(help="a font family put first for headings"))


class PdfExporter:
    """`dist/<stem>.pdf`: fonts embedded and subset, metadata and bookmarks from the article."""

    name: ClassVar[str] = "pdf"
    suffix: ClassVar[str] = ".pdf"
    description: ClassVar[str] = "print-ready PDF (WeasyPrint), CJK fonts by language, bookmarks"
    label: ClassVar[str] = "the PDF"
    options: ClassVar[type[PdfOptions]] = PdfOptions

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

    def export(self, article: Article, ctx: ExportContext) -> bytes:
        opt: PdfOptions = ctx.options_for(self)
        meta = article.metadata
        extra_css = (layout.page_css(opt.page_size, opt.margin)
                     + layout.font_css(meta.language, opt.body_font, opt.heading_font, ctx.config.cjk_fallback)
                     + layout.paragraph_css(meta.is_cjk, opt.cjk_indent))
        self._check_fonts(article, ctx, opt.body_font, opt.heading_font)
        printed, unlinked = refs.for_print(article, ctx.config.site_url)
        for ref in (r for r in unlinked if not ctx.converts(r)):  # in the run: the reader has its file
            ctx.warn(article, f"PDF: the link to {ref.path} is plain text (a PDF cannot link to a "
                     "relative page)", "give --site-url to link to its web page",
                     line=article.source.line_of(ref.written, ref.path.name), kind="pdf-link")
        html = render_page(printed, ctx.config, ctx.theme, "print", extra_css=extra_css)

        def refused(exc: ResourceRefused) -> None:
            if not mentioned(article.diagnostics, exc.ref):  # normalize: "image 'a.png' not found"
                ctx.warn(article, f"PDF: not loading {exc.ref}: {exc.detail}",
                         "put the file inside the source folder, or pass --allow-remote for URLs",
                         line=article.source.line_of(exc.ref), kind="resource-refused")

        result = render.render(html, article.path.parent, ctx.resolver, refused, meta,
                               tags=opt.tags, variant=opt.variant)
        ctx.diagnostics.extend(messages.warnings(result.logged, article, ctx.diagnostics))
        return result.pdf

    def _check_fonts(self, article: Article, ctx: ExportContext, *chosen: str | None) -> None:
        """Warn (or fail with --strict) before rendering when a character would print as tofu."""
        for family in filter(None, chosen):
            if not coverage.installed(family):
                ctx.warn(article, f"PDF: font '{family}' is not installed; the default faces are used",
                         "install it, or check its name with: fc-list : family", kind="missing-font")
        primary = chosen[0] or fonts.cjk_family(article.metadata.language, fallback=ctx.config.cjk_fallback) or ""
        missing = coverage.missing_characters(coverage.page_text(article), primary)
        if not missing:
            return
        message = f"no installed font has {coverage.describe(missing)}; they would print as boxes"
        fix = coverage.fix_for(missing)
        line = article.source.line_of(missing[0])
        if ctx.config.strict:
            raise ExportError(self.name, article.path, message, fix, line)
        ctx.warn(article, f"PDF: {message}", fix, line=line, kind="missing-glyphs")
