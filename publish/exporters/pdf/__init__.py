"""PDF: the shared page with the print stylesheet, laid out by WeasyPrint (CSS paged media), or the
AST laid out by Typst (`engine = "typst"`, `publish.engines.typst`); the same options for both."""

from __future__ import annotations

from typing import ClassVar

from publish.config.record import Config
from publish.config.themes import load_theme
from publish.engines import paper
from publish.engines.options import PdfOptions, engine_for
from publish.engines.weasyprint import math, messages, render, rooted
from publish.errors import ExportError
from publish.exporters import ExportContext, Output
from publish.exporters.pdf import coverage
from publish.model import Article
from publish.render import fonts
from publish.render.page import render_page
from publish.runtime.diagnostics import mentioned
from publish.runtime.resources import ResourceRefused


class PdfExporter:
    """`dist/<stem>.pdf`: fonts embedded and subset, metadata and bookmarks from the article."""

    name: ClassVar[str] = "pdf"
    suffix: ClassVar[str] = ".pdf"
    description: ClassVar[str] = "print-ready PDF (WeasyPrint or Typst), CJK fonts by language, bookmarks"
    label: ClassVar[str] = "the PDF"
    options: ClassVar[type[PdfOptions]] = PdfOptions

    def text(self, output: Output) -> str:
        """The text on the pages, as PDFium reads it back (what copy-paste and screen readers get)."""
        from publish.verify.readers import pdf_text

        assert isinstance(output, bytes)
        return pdf_text(output)

    def warm_up(self) -> None:
        """Import WeasyPrint (slow) and compile the page template before the first article;
        see `publish.runtime.offload`."""
        render.warm_up()
        load_theme().template("page.html.j2")

    def warm_up_for(self, config: Config) -> None:
        """Warm up the engine the run's options name (Typst: its fonts), not both."""
        if engine_for(config) == "typst":
            from publish.engines.typst import engine

            engine.warm_up()
        else:
            self.warm_up()

    def heavy_for(self, config: Config) -> bool:
        """Whether this PDF is worth a helper process (`publish.runtime.offload`): WeasyPrint's is; a
        Typst one is quick and leaves the free core to a picture format (cards, long image)."""
        return self.reads_html(config)

    def reads_html(self, config: Config) -> bool:
        """Typst lays out the AST: a run with it renders no body HTML for the PDF."""
        return engine_for(config) != "typst"

    def export(self, article: Article, ctx: ExportContext) -> bytes:
        opt: PdfOptions = ctx.options_for(self)
        missing = self._check_fonts(article, ctx, opt.body_font, opt.heading_font,
                                    text=coverage.ast_text(article) if opt.engine == "typst" else None)
        if opt.engine == "typst":
            from publish.engines.typst import engine

            return engine.export(article, ctx, opt)
        meta = article.metadata
        extra_css = (paper.page_css(opt.page_size, opt.margin)
                     + paper.font_css(meta.language, opt.body_font, opt.heading_font, ctx.config.cjk_fallback)
                     + paper.paragraph_css(meta.is_cjk, opt.cjk_indent))
        printed, unlinked = rooted.for_print(article, ctx.config.site_url)
        printed = math.drawn(printed, ctx.warn, "serif", ctx.config.cjk_fallback)  # WeasyPrint draws no MathML
        for ref in (r for r in unlinked if not ctx.converts(r)):  # in the run: the reader has its file
            ctx.warn(article, f"PDF: the link to {ref.path} is plain text (a PDF cannot link to a "
                     "relative page)", "give --site-url to link to its web page",
                     line=article.source.line_of(ref.written, ref.path.name), kind="pdf-link",
                     subject=str(ref.path))
        html = render_page(printed, ctx.config, ctx.theme, "print", extra_css=extra_css)

        def refused(exc: ResourceRefused) -> None:
            if not mentioned(article.diagnostics, exc.ref):  # normalize: "image 'a.png' not found"
                ctx.warn(article, f"PDF: not loading {exc.ref}: {exc.detail}",
                         "put the file inside the source folder, or pass --allow-remote for URLs",
                         line=article.source.line_of(exc.ref), kind="resource-refused", subject=exc.ref)

        result = render.render(html, article.path.parent, ctx.resolver, refused, meta,
                               tags=opt.tags, variant=opt.variant)
        # what the font check named before rendering, WeasyPrint need not name again
        ctx.diagnostics.extend(messages.warnings(result.logged, article, known=coverage.code_points(missing)))
        return result.pdf

    def _check_fonts(self, article: Article, ctx: ExportContext, *chosen: str | None,
                     text: str | None = None) -> list[str]:
        """Warn (or fail with --strict) before rendering when a character would print as tofu;
        the characters it warned about.

        `text` is what the pages will show, by default the body HTML's text (`coverage.page_text`)."""
        for family in filter(None, chosen):
            if not coverage.installed(family):
                ctx.warn(article, f"PDF: font '{family}' is not installed; the default faces are used",
                         "install it, or check its name with: fc-list : family", kind="missing-font",
                         subject=family)
        primary = chosen[0] or fonts.cjk_family(article.metadata.language, fallback=ctx.config.cjk_fallback) or ""
        missing = coverage.missing_characters(coverage.page_text(article) if text is None else text, primary)
        if not missing:
            return []
        message = f"no installed font has {coverage.describe(missing)}; they would print as boxes"
        fix = coverage.fix_for(missing)
        line = article.source.line_of(missing[0])
        if ctx.config.strict:
            raise ExportError(self.name, article.path, message, fix, line)
        ctx.warn(article, f"PDF: {message}", fix, line=line, kind="missing-glyphs",
                 subject=", ".join(coverage.code_points(missing)))
        return missing
