"""The kit for exporter authors: what a new format needs from `publish`, in one module.

Its names are the public API (README, "Writing an exporter"); import nothing else from `publish`.
A format is a class with `name`, `suffix`, `description` and `export(article, ctx) -> bytes`,
registered under the `publish.exporters` entry point. Most formats are a pandoc writer away:

    ast = kit.ast_for(article, ctx, ".docx", embed=True)   # your own copy, made for this format
    return kit.pandoc(article, ctx, ast, "docx")

What the kit guarantees, so that no format needs to know how: the article is read-only (`ast`
is a fresh copy on each access); pandoc runs bounded in time and memory, in its sandbox, and its
warnings become the article's warnings; every image comes through the one resolver (nothing
outside the source root, nothing remote without `--allow-remote`, recorded for incremental
builds); every problem is reported the same way, `ctx.warn(article, message, fix, line=…, kind=…,
subject=…)`, with the line from `article.source.line_of(text)` and the subject the image path or
link target it is about (what a grouped terminal line lists); the format is filled in for you.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from typing import Any

from publish.errors import ExportError
from publish.exporters import ExportContext, Exporter, Output, Paste
from publish.model import Article, Diagnostic, Metadata, PandocAst
from publish.normalize import xref
from publish.pandoc import office
from publish.pandoc.command import PandocFailed, pandoc_output
from publish.pandoc.nodes import stringify, walk
from publish.pandoc.portable import embed_images, read_raw_html
from publish.runtime.library_logs import quoted
from publish.source.metadata import document_date

__all__ = ["Article", "Diagnostic", "ExportContext", "ExportError", "Exporter", "Metadata", "Output",
           "PandocAst", "Paste", "ast_for", "link_articles", "pandoc", "pandoc_meta", "stringify", "walk", "zip_text"]

#: Pandoc warnings about pandoc's own data, not the article: it has no translations for `zh-CN`
#: (only `zh-Hans`/`zh-Hant`), and says so, and then for each term it would have translated.
_NOT_THE_ARTICLE = re.compile(r"Could not load translations|has no translation defined")


def ast_for(article: Article, ctx: ExportContext, suffix: str, *, embed: bool = False) -> PandocAst:
    """The article's AST for a pandoc writer other than HTML, a fresh copy of the caller's own.

    Links to other articles point at their `suffix` siblings (`b/post.md#sec` → `b/post.docx#sec`
    from `a.md`, as `publish` writes outputs beside each other); raw HTML is read as pandoc
    elements, so its words reach formats whose writer drops raw HTML. With `embed`, every image
    is fetched through `ctx.resolver` and carried in the AST (what a pandoc writer that embeds
    images, DOCX, ODT, EPUB, needs); without it, image targets stay as the author wrote them.
    """
    ast = link_articles(article, suffix)
    ast = read_raw_html(ast, ctx.config.pandoc_timeout)
    if not embed:
        return ast
    label = _label(suffix)
    return embed_images(ast, article, ctx.resolver, lambda message, fix, ref: ctx.warn(
        article, f"{label}: {message}", fix, line=article.source.line_of(f"({ref}", ref), kind="image-refused",
        subject=ref))


def link_articles(article: Article, suffix: str) -> PandocAst:
    """A copy of the article's AST whose links to other articles point at their `suffix` siblings."""
    current = xref.source_path(article.source)
    ast, _ = xref.rewrite_ast_links(article.ast, lambda ref: xref.href_for(ref, current, suffix=suffix))
    return ast


def pandoc(article: Article, ctx: ExportContext, ast: PandocAst, to: str, *args: str) -> bytes:
    """`ast` written by pandoc as format `to` (`docx`, `odt`, `plain`, `gfm`…, any of `pandoc
    --list-output-formats`), text or binary, with the article's metadata (`pandoc_meta`).

    `args` are pandoc options (`--reference-doc=…`). Pandoc runs in its sandbox (it reads only
    the files `args` name: embed images with `ast_for(…, embed=True)`), within the configured
    time (`pandoc_timeout`) and a memory cap; a failure is an `ExportError`, and each warning
    it prints is one of the article's warnings. An Office document's dates are the article's
    (`publish.pandoc.office`).
    """
    document = {**ast, "meta": {**pandoc_meta(article.metadata), **ast.get("meta", {})}}
    try:
        ran = pandoc_output(json.dumps(document, ensure_ascii=False),
                            ["--from=json", f"--to={to}", "--sandbox", *args], ctx.config.pandoc_timeout)
    except PandocFailed as exc:
        raise ExportError(to, article.path, f"pandoc could not write {to}: {exc}",
                          "simplify the construct pandoc names, or run `publish doctor`") from exc
    for warning in ran.warnings:
        if not _NOT_THE_ARTICLE.search(warning):
            ctx.warn(article, f"{_label(to)}: pandoc: {warning}", "check this part of the output",
                     line=article.source.line_of(*quoted(warning)), kind="pandoc", subject="pandoc")
    return office.dated(ran.data, document_date(article.metadata.date))  # the sandbox's are 1970


def pandoc_meta(metadata: Metadata) -> dict[str, Any]:
    """The article's metadata as pandoc's: title, subtitle, author, date, keywords, description
    and lang, which pandoc's writers put in their document properties (DOCX core properties,
    the ODT's meta.xml) and title block."""
    values: dict[str, str | list[str] | None] = {
        "title": metadata.title, "subtitle": metadata.subtitle, "lang": metadata.language,
        "author": list(metadata.authors), "keywords": list(metadata.keywords),
        "description": metadata.description,
        "date": metadata.date.date().isoformat() if metadata.date else None,
    }
    return {key: _meta_value(value) for key, value in values.items() if value}


def _meta_value(value: str | list[str]) -> dict[str, Any]:
    """Inlines, not `MetaString`: writers take the plain text of a value (keywords) from its inlines."""
    if isinstance(value, list):
        return {"t": "MetaList", "c": [_meta_value(item) for item in value]}
    return {"t": "MetaInlines", "c": [{"t": "Str", "c": value}]}


def zip_text(output: Output, *members: str) -> str:
    """The text of XML files in a zip container (`word/document.xml` of a DOCX, `content.xml` of
    an ODT), for an exporter's `text(output)`, what the guard reads back. A member the file
    lacks is skipped."""
    from lxml import etree

    assert isinstance(output, bytes), "a zip container is one file"
    with zipfile.ZipFile(io.BytesIO(output)) as archive:
        names = set(archive.namelist())
        roots = [etree.fromstring(archive.read(member)) for member in members if member in names]
    return "\n".join(" ".join(str(text) for text in root.itertext()) for root in roots)


def _label(suffix_or_format: str) -> str:
    """`DOCX` for `.docx` or `docx`: how a warning names the format it came from."""
    return suffix_or_format.rpartition(".")[2].upper()
