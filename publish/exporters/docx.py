"""DOCX: a Word document written by pandoc from the article's AST, with the kit.

Styles come from the theme's `reference.docx` (`styles/default/reference.docx`, made by
`tools/reference_docx.py`): Noto CJK SC faces for East Asian text, changed to the article's
region (JP, KR, TC, or `cjk_fallback` for a non-CJK article) by `publish.pandoc.office`. Pandoc puts the
title, authors, keywords, description and date in the document properties, and the title block
on the first page; headings are Word's Heading styles, images are embedded, links to other
articles point at their `.docx` siblings.
"""

from __future__ import annotations

from typing import ClassVar

from publish import kit
from publish.pandoc import office
from publish.render import fonts


class DocxExporter:
    """`dist/<stem>.docx`: a Word document styled by the theme's reference document."""

    name: ClassVar[str] = "docx"
    suffix: ClassVar[str] = ".docx"
    description: ClassVar[str] = "Word document (pandoc), styles and CJK faces from styles/*/reference.docx"
    label: ClassVar[str] = "the Word document"

    def text(self, output: kit.Output) -> str:
        """The body's and the footnotes' text, as Word shows it."""
        return kit.zip_text(output, "word/document.xml", "word/footnotes.xml")

    def export(self, article: kit.Article, ctx: kit.ExportContext) -> bytes:
        ast = kit.ast_for(article, ctx, self.suffix, embed=True)
        document = kit.pandoc(article, ctx, ast, "docx", f"--reference-doc={ctx.theme.file('reference.docx')}",
                              "--syntax-highlighting=none")
        region = fonts.cjk_region(article.metadata.language) or ctx.config.cjk_fallback
        return office.with_cjk_region(document, region)
