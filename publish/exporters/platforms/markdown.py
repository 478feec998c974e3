"""The normalized article as Markdown that Juejin, CSDN and dev.to render as the author meant.

Not the source copied: the AST normalize produced (indented prose as paragraphs, bare URLs as
links, template tags gone, headings from `##`) is written by pandoc's `gfm` writer with
`tex_math_dollars` instead of GitHub's math form, so math stays `$…$`/`$$…$$`, or, for dev.to,
becomes its KaTeX Liquid tag (`MathForm`). Before writing, on a copy of the AST: links to
other articles and local images become absolute (`absolute`), attributes are dropped (GFM has none;
pandoc would otherwise fall back to raw HTML), and with `escape_liquid` (dev.to) every `{` that
would start a Liquid tag in prose becomes `&#123;`. What cannot be carried is a `absolute.Problem`.
"""

from __future__ import annotations

import html as html_lib
import json
import re
from dataclasses import dataclass
from typing import Any, Literal

from publish.errors import SourceError
from publish.exporters.platforms import absolute
from publish.exporters.platforms.options import PlatformOptions
from publish.model import Article
from publish.normalize import xref
from publish.pandoc.command import PandocFailed, run_pandoc
from publish.pandoc.nodes import walk

WRITER = "gfm-tex_math_gfm+tex_math_dollars"
MathForm = Literal["dollars", "katex"]
"""How a platform's editor takes math, each as its own code reads it:

- `dollars`: `$…$` inline, `$$…$$` display. Juejin's editor is ByteMD with its math plugin
  (bytedance/bytemd `packages/plugin-math`: remark-math, typeset by KaTeX); CSDN's Markdown editor
  typesets the same delimiters with KaTeX (blog.csdn.net/cvrszeng/article/details/52333055).
- `katex`: dev.to (Forem) renders no dollars; its Liquid tag `{% katex %}…{% endkatex %}`, with
  `inline` for inline math, typesets with KaTeX (forem/forem `app/liquid_tags/katex_tag.rb`:
  `Katex.render(block, display_mode: !inline?)`).

An editor that typesets none (none of ours today) would get images through the image host, like
Zhihu's equation images: the seam is here, where the form is chosen.
"""
_LIQUID = re.compile(r"\{(?=[%{])|(?<=[%}])\}")
_FENCE = re.compile(r"^(\s*)(`{3,}|~{3,}) +(\S+)\s*$")


@dataclass(frozen=True, slots=True)
class Rendered:
    """The Markdown body and what it could not carry."""

    markdown: str
    problems: tuple[absolute.Problem, ...] = ()


def render(article: Article, options: PlatformOptions, *, escape_liquid: bool = False,
           math: MathForm = "dollars", timeout: float = 60.0) -> Rendered:
    """The article body as platform Markdown (no title: it goes in the platform's title field)."""
    ast = article.ast  # a fresh copy on each access: ours to change
    problems: list[absolute.Problem] = []
    if math == "katex":
        _katex_tags(ast)
    ast["blocks"] = _inlines(ast["blocks"], article, options, problems, escape_liquid)
    try:
        text = run_pandoc(json.dumps(ast, ensure_ascii=False),
                          ["--from=json", f"--to={WRITER}", "--wrap=none"], timeout)
    except PandocFailed as exc:
        raise SourceError(article.path, f"pandoc could not write the {options.name} Markdown: {exc}",
                          "run `publish doctor` to check the pandoc installation") from exc
    return Rendered(tight_fences(text), tuple(problems))


def _katex_tags(ast: Any) -> None:
    """Each formula as dev.to's KaTeX Liquid tag (see `MathForm`), in place."""
    for node in walk(ast.get("blocks", [])):
        if node["t"] == "Math":
            display, tex = node["c"][0]["t"] == "DisplayMath", node["c"][1].strip()
            tag = f"{{% katex %}}\n{tex}\n{{% endkatex %}}" if display else f"{{% katex inline %}}{tex}{{% endkatex %}}"
            node["t"], node["c"] = "RawInline", ["gfm", tag]


def tight_fences(text: str) -> str:
    """```` ``` python ```` → ```` ```python ````: some editors read the space-separated info string
    as no language. Only opening fences change; code content is never touched."""
    out, fence = [], ""
    for line in text.split("\n"):
        stripped = line.strip()
        if fence:
            if stripped.startswith(fence[0] * len(fence)) and not stripped.strip(fence[0]):
                fence = ""
            out.append(line)
            continue
        match = _FENCE.match(line)
        if match:
            fence = match.group(2)
            line = f"{match.group(1)}{fence}{match.group(3)}"
        elif stripped.startswith(("```", "~~~")) and not stripped.strip(stripped[0]):
            fence = stripped
        out.append(line)
    return "\n".join(out)


def fenced(code: str) -> str:
    """A fenced code block without a language, its fence longer than any backtick run inside."""
    longest = max((len(run) for run in re.findall(r"`+", code)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}\n{code}\n{fence}"


def _inlines(value: Any, article: Article, options: PlatformOptions, problems: list[absolute.Problem],
             escape_liquid: bool) -> Any:
    """The AST below `value` with links, images and attributes rewritten (recursively)."""
    if isinstance(value, list):
        out: list[Any] = []
        for item in value:
            replaced = _node(item, article, options, problems, escape_liquid)
            if isinstance(replaced, _Splice):
                out.extend(replaced.nodes)
            else:
                out.append(replaced)
        return out
    if isinstance(value, dict):
        return _node(value, article, options, problems, escape_liquid)
    return value


@dataclass(frozen=True, slots=True)
class _Splice:
    nodes: list[Any]


def _node(node: Any, article: Article, options: PlatformOptions, problems: list[absolute.Problem],
          escape_liquid: bool) -> Any:
    if not isinstance(node, dict) or "t" not in node:
        return _inlines(node, article, options, problems, escape_liquid) if isinstance(node, list) else node
    t: str = node["t"]
    c: Any = node.get("c")
    if t == "Str" and escape_liquid and _LIQUID.search(c):
        return _Splice(_escaped(c))
    if t == "Link":
        attrs = dict(c[0][2])
        inner = _inlines(c[1], article, options, problems, escape_liquid)
        if xref.ARTICLE_ATTR in attrs:
            ref = xref.ArticleRef.parse(attrs[xref.ARTICLE_ATTR])
            href = absolute.article_href(ref, article, options.site_url)
            if href is None:
                problems.append(absolute.unlinked(xref.ArticleRef(ref.path, ref.fragment, c[2][0]), options.name))
                return _Splice(inner)
            return {"t": "Link", "c": [["", [], []], inner, [href, c[2][1]]]}
        return {"t": "Link", "c": [["", [], []], inner, c[2]]}
    if t == "Image":
        attrs = dict(c[0][2])
        src = c[2][0]
        url = absolute.image_url(src, attrs.get(xref.IMAGE_ATTR), options.image_url_map, options.hosted)
        if url is None:
            problems.append(absolute.unhosted(src, options.name, options.hosted))
            return _Splice([])
        return {"t": "Image", "c": [["", [], []], _inlines(c[1], article, options, problems, escape_liquid),
                                    [url, c[2][1]]]}
    if t in ("RawInline", "RawBlock") and c[0] == "html":
        return {"t": t, "c": ["html", raw_html(c[1], options, problems)]}
    if t in ("Span", "Div"):
        return {"t": t, "c": [["", [], []], _inlines(c[1], article, options, problems, escape_liquid)]}
    if t == "Header":
        return {"t": t, "c": [c[0], ["", [], []], _inlines(c[2], article, options, problems, escape_liquid)]}
    if t == "CodeBlock":
        classes = [k for k in c[0][1] if k not in ("sourceCode", "numberLines")][:1]
        if not classes:  # pandoc indents a block without a language; platforms expect a fence
            return {"t": "RawBlock", "c": ["gfm", fenced(c[1])]}
        return {"t": t, "c": [["", classes, []], c[1]]}
    if t == "Figure":
        # GFM has no figures: the image alone (a paragraph) reads the same on every platform.
        body = _inlines(c[2], article, options, problems, escape_liquid)
        return _Splice(body) if body else _Splice([])
    if c is None:
        return node
    return {"t": t, "c": _inlines(c, article, options, problems, escape_liquid)}


_IMG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_SRC = re.compile(r"""\ssrc\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.IGNORECASE)
_IFRAME = re.compile(r"<iframe\b[^>]*>(?:.*?</iframe\s*>)?", re.IGNORECASE | re.DOTALL)


def raw_html(text: str, options: PlatformOptions, problems: list[absolute.Problem]) -> str:
    """The author's raw HTML with local `<img>` sources made absolute (or the tag left out) and
    iframes left out: the Markdown platforms strip iframes (dev.to embeds use its own tags)."""
    def image(match: re.Match[str]) -> str:
        tag = match.group()
        src = _SRC.search(tag)
        if src is None:
            return tag
        written = next(g for g in src.groups() if g is not None)
        local = xref.raw_attribute(tag, xref.IMAGE_ATTR)  # normalize found it inside the root
        url = absolute.image_url(written, local, options.image_url_map, options.hosted)
        if url is None:
            problems.append(absolute.unhosted(written, options.name, options.hosted))
            return ""
        return xref.unmark_raw_image(tag[:src.start()] + f' src="{html_lib.escape(url)}"' + tag[src.end():])

    def iframe(match: re.Match[str]) -> str:
        src = _SRC.search(match.group())
        where = next((g for g in src.groups() if g is not None), "") if src else "<iframe"
        problems.append(absolute.Problem(f"an iframe ({where or 'no src'}) is left out of the {options.name} "
                                     "output: the platform does not embed it",
                                     "link to the page instead ([title](url))", where or "<iframe",
                                     "platform-iframe"))
        return ""

    return _IFRAME.sub(iframe, _IMG.sub(image, text))


def _escaped(text: str) -> list[Any]:
    """A Str holding `{%`/`{{`/`%}`/`}}` split so each brace is the entity `&#123;`/`&#125;`."""
    nodes: list[Any] = []
    last = 0
    for match in _LIQUID.finditer(text):
        if match.start() > last:
            nodes.append({"t": "Str", "c": text[last:match.start()]})
        nodes.append({"t": "RawInline", "c": ["html", "&#123;" if match.group() == "{" else "&#125;"]})
        last = match.end()
    if last < len(text):
        nodes.append({"t": "Str", "c": text[last:]})
    return nodes


def plain(markdown: str) -> str:
    """What a reader sees of `markdown` (for the guard): rendered with markdown-it-py, read as HTML."""
    from markdown_it import MarkdownIt

    from publish.verify.readers import html_text

    # markdown-it has no footnotes: `[^1]: text` would read as a link definition and vanish.
    visible = re.sub(r"^\[\^", r"\\[^", markdown, flags=re.MULTILINE)
    return html_text(MarkdownIt("commonmark").enable("table").enable("strikethrough").render(visible))
