"""The snippet, stage by stage: sanitize → math → links → images → lists → code → blocks → theme → finish."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from publish.exporters.snippet import figures, links, math, theme, tree
from publish.exporters.wechat import blocks, code, lists, sanitize
from publish.exporters.wechat.check import check
from publish.exporters.wechat.options import WechatOptions
from publish.model import Article
from publish.render.fonts import DEFAULT_CJK_FALLBACK
from publish.runtime.resources import Resolver


@dataclass(frozen=True, slots=True)
class Snippet:
    """The HTML fragment to paste, and what the writer should know about it."""

    html: str
    warnings: tuple[tuple[str, str, str, str], ...] = ()
    """(message, fix, kind, subject): local images it could not carry, constructs WeChat will drop."""


def render(article: Article, options: WechatOptions, resolver: Resolver,
           cjk_fallback: str = DEFAULT_CJK_FALLBACK, hosted: Mapping[str, str] | None = None) -> Snippet:
    """The WeChat snippet of `article`: one root `<section>`, every style inline; `cjk_fallback`
    is the global option (the CJK face of the font stack when the article is not CJK); `hosted`
    the image host's URLs (`ExportContext.hosted`), None when no host is configured."""
    language = article.metadata.language
    chinese = language.lower().startswith("zh")
    css = theme.stylesheet(options.theme, language, options.primary_color, options.css, cjk_fallback)
    root = tree.parse(sanitize.clean(article.html))
    root.set("class", "wx-root")
    math.rewrite(root, article.ast)
    links.rewrite(root, "引用链接" if chinese else "References")
    base = article.path.parent
    problems = figures.rewrite(root, options.image_url_map, options.images, options.caption,
                               _fetch(resolver, base), _locate(resolver, base), hosted)
    lists.rewrite(root)
    code.rewrite(root, theme.code_style(css))
    blocks.rewrite(root, chinese)
    if options.include_title:
        blocks.add_title(root, article.metadata.title)
    blocks.add_guards(root)
    tree.strip_block_whitespace(root)
    inlined = tree.parse(theme.inline(tree.serialize(root), css))[0]
    html = finish(inlined)
    return Snippet(html, tuple([(p.message, p.fix, "wechat-image", p.ref) for p in problems]
                               + _css_warnings(html, options)))


def finish(root: tree.Element) -> str:
    """Drop every `class` and `id` (the editor ignores or removes them) and serialize.

    NBSP is written as `&nbsp;` so a code block's spaces are visible in the source too.
    """
    for element in root.iter():
        if isinstance(element.tag, str):
            element.attrib.pop("class", None)
            element.attrib.pop("id", None)
    tree.strip_block_whitespace(root)
    return tree.serialize(root).replace("\u00a0", "&nbsp;")


def _css_warnings(html: str, options: WechatOptions) -> list[tuple[str, str, str, str]]:
    """What of the writer's CSS the editor drops, and (a safety net for theme and user CSS)
    whatever forbidden construct is still in the snippet."""
    warnings = []
    if options.css is not None:
        warnings += [(f"{options.css} uses {construct}, which the WeChat editor drops",
                      "style real elements with plain declarations instead", "wechat-css", construct)
                     for construct in theme.lint_user_css(options.css.read_text(encoding="utf-8"))]
    warnings += [(f"the WeChat snippet has {rule} ({where})", "remove it from the theme or CSS file", "wechat-css", rule)
                 for rule, where in {p.rule: p.where for p in check(html)}.items()]
    return warnings


def _fetch(resolver: Resolver, base: Path) -> Callable[[str], tuple[bytes, str]]:
    def fetch(ref: str) -> tuple[bytes, str]:
        resource = resolver.fetch(ref, base)
        return resource.data, resource.media_type
    return fetch


def _locate(resolver: Resolver, base: Path) -> Callable[[str], Path]:
    def locate(ref: str) -> Path:
        return resolver.locate(ref, base).relative_to(resolver.root.resolve())
    return locate
