"""The snippet, stage by stage: sanitize → math → links → images → lists → code → blocks → theme → finish."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from publish.errors import UsageError
from publish.fonts import DEFAULT_CJK_FALLBACK
from publish.model import Article
from publish.resources import Resolver
from publish.wechat import blocks, code, images, links, lists, math, sanitize, theme, tree
from publish.wechat.check import check
from publish.wechat.images import Caption, ImageOptions


@dataclass(frozen=True, slots=True)
class Options:
    """Validated WeChat options; built from config by `from_mapping`."""

    theme: str = "default"
    primary_color: str | None = None
    css: Path | None = None
    images: Literal["link", "embed"] = "link"
    image_url_map: Mapping[str, str] = field(default_factory=dict)
    caption: Caption = "title"
    include_title: bool = False
    cjk_fallback: str = DEFAULT_CJK_FALLBACK
    """The global `cjk_fallback`: the CJK face of the font stack when the article is not CJK."""

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> Options:
        """Options from `{name: value}`; a wrong value is a `UsageError` naming the choices."""
        mode = values.get("images", "link")
        if mode not in ("link", "embed"):
            raise UsageError(f"wechat images = '{mode}' is not a choice", "use 'link' or 'embed'")
        caption = values.get("caption", "title")
        if caption not in ("title", "alt", "none"):
            raise UsageError(f"wechat caption = '{caption}' is not a choice", "use 'title', 'alt' or 'none'")
        url_map = values.get("image_url_map") or {}
        if not isinstance(url_map, Mapping):
            raise UsageError("wechat image_url_map must be a table of path = URL",
                             'e.g. [wechat.image_url_map] "img/a.png" = "https://mmbiz.qpic.cn/…"')
        css = values.get("css")
        return cls(theme=str(values.get("theme") or "default"),
                   primary_color=values.get("primary_color"),
                   css=Path(css) if css else None, images=mode,
                   image_url_map={str(k): str(v) for k, v in url_map.items()},
                   caption=caption, include_title=bool(values.get("include_title")),
                   cjk_fallback=str(values.get("cjk_fallback", DEFAULT_CJK_FALLBACK)))


@dataclass(frozen=True, slots=True)
class Snippet:
    """The HTML fragment to paste, and what the writer should know about it."""

    html: str
    warnings: tuple[tuple[str, str, str], ...] = ()
    """(message, fix, kind): local images it could not carry, constructs WeChat will drop."""


def render(article: Article, options: Options, resolver: Resolver) -> Snippet:
    """The WeChat snippet of `article`: one root `<section>`, every style inline."""
    language = article.metadata.language
    chinese = language.lower().startswith("zh")
    css = theme.stylesheet(options.theme, language, options.primary_color, options.css, options.cjk_fallback)
    root = tree.parse(sanitize.clean(article.html))
    root.set("class", "wx-root")
    math.rewrite(root, article.ast)
    links.rewrite(root, "引用链接" if chinese else "References")
    base = article.path.parent
    problems = images.rewrite(root, ImageOptions(options.images, options.image_url_map, options.caption),
                              _fetch(resolver, base), _locate(resolver, base))
    lists.rewrite(root)
    code.rewrite(root, theme.code_style(css))
    blocks.rewrite(root, chinese)
    if options.include_title:
        blocks.add_title(root, article.metadata.title)
    blocks.add_guards(root)
    tree.strip_block_whitespace(root)
    inlined = tree.parse(theme.inline(tree.serialize(root), css))[0]
    html = finish(inlined)
    return Snippet(html, tuple([(p.message, p.fix, "wechat-image") for p in problems]
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


def _css_warnings(html: str, options: Options) -> list[tuple[str, str, str]]:
    """What of the writer's CSS the editor drops, and (a safety net for theme and user CSS)
    whatever forbidden construct is still in the snippet."""
    warnings = []
    if options.css is not None:
        warnings += [(f"{options.css} uses {construct}, which the WeChat editor drops",
                      "style real elements with plain declarations instead", "wechat-css")
                     for construct in theme.lint_user_css(options.css.read_text(encoding="utf-8"))]
    warnings += [(f"the WeChat snippet has {rule} ({where})", "remove it from the theme or CSS file", "wechat-css")
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
