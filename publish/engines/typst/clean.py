"""The normalized AST made safe for pandoc's Typst writer and for Typst.

WeasyPrint forgives what Typst refuses: a link to a label that does not exist, a label used twice,
an image it cannot read, `@word` taken for a citation. Normalize has already warned about the
writer's mistakes (a missing anchor or image); here they become text, so the document compiles:

- raw HTML blocks are read by pandoc's HTML reader (`rawhtml`), raw Typst or LaTeX is dropped
  (as the HTML page drops it: only raw HTML is the writer's to use, and raw Typst could read
  files or import packages);
- citations are their text; a link with an empty target (`[暂无]()`: Typst's "URL must not be
  empty") or to a missing or empty anchor is its text; an id used twice keeps only its first
  element;
- a link to another article points at its web page under `--site-url`, or is its text with a
  warning (as the WeasyPrint PDF does);
- in an article whose stacks are Latin first, shared punctuation next to CJK text (`说“`, `”——然`)
  is drawn by `publish-cjk`, CJK face first (`publish.render.cjk_context` says why); a quote
  pandoc made of straight quotes around CJK text likewise;
- every image goes through the resolver into the temporary root (`staging`); one that is refused
  or not an image prints its alt text, with a warning.

The result is a new AST; the article's own is never changed (other exporters share it).
"""

from __future__ import annotations

import json
import re
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

from publish.engines.typst import rawhtml, staging
from publish.engines.typst.staging import Stage
from publish.exporters import ExportContext
from publish.model import Article, PandocAst
from publish.normalize import xref
from publish.pandoc.nodes import stringify, walk
from publish.render import fonts
from publish.runtime.resources import ResourceRefused, is_remote

Node = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Voice:
    """Who speaks in the warnings: the format (`ExportError`'s), its label, what it is called in
    "a PDF cannot link…", and the kind of the link warning (the WeasyPrint path's)."""

    format: str
    label: str
    medium: str
    link_kind: str


PDF = Voice("pdf", "PDF", "a PDF", "pdf-link")


def for_typst(article: Article, ctx: ExportContext, stage: Stage, voice: Voice = PDF) -> PandocAst:
    """A copy of the article's AST that pandoc's Typst writer turns into a document Typst accepts."""
    ast = article.ast  # one copy (each access gives a fresh one): nodes are told apart by identity
    fragments, markdown_images = [], set()
    for node in walk(ast["blocks"]):
        if node["t"] == "RawBlock" and node["c"][0] == "html":
            fragments.append(node)
        elif node["t"] == "Image":
            markdown_images.add(id(node))
    converted = rawhtml.to_blocks([node["c"][1] for node in fragments], ctx.config.pandoc_timeout)
    cleaner = _Cleaner(article, ctx, stage, {id(node): blocks for node, blocks in zip(fragments, converted)},
                       markdown_images, voice)
    blocks = cleaner.items(ast["blocks"])
    return {**ast, "blocks": _Labels(blocks).items(blocks)}


@dataclass
class _Cleaner:
    article: Article
    ctx: ExportContext
    stage: Stage
    raw_blocks: dict[int, list[Node]]
    #: The images written in Markdown (normalize checked those; raw HTML ones it could not).
    markdown_images: set[int]
    voice: Voice
    #: Shared punctuation in CJK context, in an article whose stacks are Latin first (else None).
    cjk_context: re.Pattern[str] | None = field(init=False)

    def __post_init__(self) -> None:
        self.cjk_context = None if self.article.metadata.is_cjk else _CJK_CONTEXT

    def items(self, items: list[Any]) -> list[Any]:
        """A list of nodes (or of anything else in the AST), each replaced by what it becomes."""
        out: list[Any] = []
        hidden: str | None = None  # inside an inline <script> … </script>
        for item in items:
            if not (isinstance(item, dict) and "t" in item):
                out.append(self.value(item))
                continue
            if item["t"] == "RawInline" and item["c"][0] == "html":
                tag = item["c"][1].strip().lower()
                if hidden is not None:
                    hidden = None if tag.startswith(f"</{hidden}") else hidden
                    continue
                hidden = rawhtml.opens_hidden(tag)
            elif hidden is not None:
                continue
            out.extend(self.node(item))
        return out

    def value(self, value: Any) -> Any:
        if isinstance(value, list):
            return self.items(value)
        if isinstance(value, dict):
            return {key: self.value(child) for key, child in value.items()}
        return value

    def node(self, node: Node) -> list[Any]:
        kind = node["t"]
        if kind == "RawBlock":
            return self.items(self.raw_blocks.get(id(node), [])) if node["c"][0] == "html" else []
        if kind == "RawInline":
            made = rawhtml.inline(node["c"][1]) if node["c"][0] == "html" else None
            return self.items(made) if made else []
        if kind == "Cite":
            return self.items(node["c"][1])
        if kind == "Str" and self.cjk_context is not None:
            return _cjk_runs(node["c"], self.cjk_context)
        if kind == "Quoted" and self.cjk_context is not None:
            return self.quoted(node, self.cjk_context)
        if kind == "Link":
            return self.link(node)
        if kind == "Image":
            return self.image(node)
        return [{**node, "c": self.value(node["c"])} if "c" in node else node]

    def link(self, node: Node) -> list[Any]:
        attr, content, (target, title) = node["c"]
        content = self.items(content)
        if not target.strip():  # a placeholder (`[暂无]()`): WeasyPrint draws its text, Typst refuses
            return content
        marked = dict(attr[2]).get(xref.ARTICLE_ATTR)
        if marked is not None:
            ref = xref.ArticleRef.parse(marked)
            target = xref.href_for(ref, xref.source_path(self.article.source),
                                   site_url=self.ctx.config.site_url, relative=False)
            if target is None:
                if not self.ctx.converts(ref):  # in the run: the reader has that article's own file
                    self.ctx.warn(self.article, f"{self.voice.label}: the link to {ref.path} is plain text "
                                  f"({self.voice.medium} cannot link to a relative page)",
                                  "give --site-url to link to its web page",
                                  line=self._line(ref.path.name), kind=self.voice.link_kind, subject=str(ref.path))
                return content
        return [{"t": "Link", "c": [attr, content, [target, title]]}]

    def quoted(self, node: Node, context: re.Pattern[str]) -> list[Any]:
        """Straight quotes pandoc made a quotation of: curly ones, CJK face first next to CJK text."""
        kind, content = node["c"]
        words = stringify(content)
        opening, closing = ("\u201c", "\u201d") if kind["t"] == "DoubleQuote" else ("\u2018", "\u2019")
        if not (context.fullmatch(opening + words[:1]) or context.fullmatch(words[-1:] + closing)):
            return [{**node, "c": [kind, self.items(content)]}]
        return [_cjk(opening), *self.items(content), _cjk(closing)]

    def image(self, node: Node) -> list[Any]:
        attr, alt, (src, _title) = node["c"]
        alt = self.items(alt)
        checked = dict(attr[2]).get(xref.IMAGE_ATTR)
        try:
            data, origin = staging.fetch(src, checked, self.ctx.resolver, self.article.path.parent)
        except ResourceRefused as refused:
            if not (id(node) in self.markdown_images and refused.kind == "missing" and not is_remote(src)):
                self.ctx.warn(self.article, f"{self.voice.label}: not loading {refused.ref}: {refused.detail}",
                              "put the file inside the source folder, or pass --allow-remote for URLs",
                              line=self._line(src), kind="resource-refused", subject=refused.ref)
            return alt  # normalize has warned about a missing file already
        suffix = staging.kind(data)
        if suffix is None:
            self.ctx.warn(self.article, f"{self.voice.label}: image {src!r} is not a PNG, JPEG, GIF, WebP or SVG file; "
                          "its alt text is printed instead", "check the file, or convert it",
                          line=self._line(src), kind="broken-image", subject=src)
            return alt
        key = self.stage.add_image(data, suffix, origin, stringify(alt), src)
        if "diagram" in attr[1]:  # a rendered diagram is a paragraph of its own, centred as on the page
            return [_raw(f'#align(center, publish-image("{key}")['), *alt, _raw("]);")]
        # `;` ends the call, so text after the image (`(…)`, `[…]`) is never read as arguments.
        return [_raw(f'#publish-image("{key}")['), *alt, _raw("];")]

    def _line(self, text: str) -> int | None:
        source = self.article.source
        return source.line_of(text) or source.line_of(text.rpartition("/")[2])


_CJK_CONTEXT = re.compile(fonts.CJK_CONTEXT)


def _cjk_runs(text: str, context: re.Pattern[str]) -> list[Node]:
    """A `Str`, its shared punctuation in CJK context drawn by `publish-cjk` (as literal text:
    pandoc's writer would make `’` a smart quote, which no font rule reaches)."""
    out: list[Node] = []
    at = 0
    for match in context.finditer(text):
        if match.start() > at:
            out.append({"t": "Str", "c": text[at:match.start()]})
        out.append(_cjk(match.group(0)))
        at = match.end()
    if not out:
        return [{"t": "Str", "c": text}]
    if at < len(text):
        out.append({"t": "Str", "c": text[at:]})
    return out


def _cjk(text: str) -> Node:
    return _raw(f"#publish-cjk({json.dumps(text, ensure_ascii=False)});")


def _raw(text: str) -> Node:
    return {"t": "RawInline", "c": ["typst", text]}


#: Node types whose Attr is the first element of their content.
_ATTR_FIRST = frozenset({"Div", "Span", "CodeBlock", "Code", "Table", "Figure", "Link", "Image"})


class _Labels:
    """Typst labels that resolve: each id on one element only, internal links only to ids that exist."""

    def __init__(self, blocks: list[Any]) -> None:
        self.ids = {attr[0] for node in walk(blocks) if (attr := _attr(node)) is not None} - {""}
        self.seen: set[str] = set()

    def items(self, items: list[Any]) -> list[Any]:
        out: list[Any] = []
        for item in items:
            if isinstance(item, dict) and item.get("t") == "Link" and not self._resolves(item["c"][2][0]):
                out.extend(self.items(item["c"][1]))
            else:
                out.append(self.value(item))
        return out

    def value(self, value: Any) -> Any:
        if isinstance(value, list):
            return self.items(value)
        if not isinstance(value, dict):
            return value
        node = {key: self.value(child) for key, child in value.items()}
        attr = _attr(node)
        if attr is not None and attr[0]:
            if attr[0] in self.seen:
                attr = ["", attr[1], attr[2]]
                node["c"] = [node["c"][0], attr, *node["c"][2:]] if node["t"] == "Header" else [attr, *node["c"][1:]]
            self.seen.add(attr[0])
        return node

    def _resolves(self, target: str) -> bool:
        if not target.startswith("#"):
            return True
        return urllib.parse.unquote(target[1:]) in self.ids


def _attr(node: Node) -> list[Any] | None:
    kind = node.get("t")
    if kind == "Header":
        return node["c"][1]  # type: ignore[no-any-return]
    if kind in _ATTR_FIRST:
        return node["c"][0]  # type: ignore[no-any-return]
    return None
