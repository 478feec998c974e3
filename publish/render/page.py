"""The page the HTML-like exporters share: template + metadata + body, rendered with Jinja2."""

from __future__ import annotations

from typing import Any, Literal

from publish.config.record import Config
from publish.config.themes import Theme
from publish.model import Article
from publish.render import cjk_context, fonts, kinsoku

Medium = Literal["screen", "print", "epub"]

#: CSS files per medium, from the theme folder, in cascade order. (The EPUB exporter writes
#: its own self-contained `epub.css`; it only shares `font_css` with the pages.)
STYLESHEETS: dict[Medium, tuple[str, ...]] = {
    "screen": ("base.css", "highlight.css", "highlight-dark.css", "screen.css"),
    "print": ("base.css", "highlight.css", "print.css"),
}


def font_css(language: str, medium: Medium, cjk_fallback: str = fonts.DEFAULT_CJK_FALLBACK) -> str:
    """`font-family` rules for the article's language: the CJK face first, right region (for a
    language that is not CJK, the `cjk_fallback` face after the Latin ones)."""
    screen = medium == "screen"
    body = fonts.stack(language, "sans" if screen else "serif", platform=screen, fallback=cjk_fallback)
    heading = fonts.stack(language, "sans", platform=screen, fallback=cjk_fallback)
    mono = fonts.stack(language, "mono", fallback=cjk_fallback)
    if medium == "print":
        # Pango (WeasyPrint) sets digits, '#' and '*' in a colour-emoji font named in the stack
        # (they are keycap bases), wide and in the wrong face; fontconfig's fallback still finds
        # the emoji font for real emoji, so print leaves it out.
        body, heading, mono = ([f for f in s if f not in fonts.EMOJI] for s in (body, heading, mono))
    return (f"body {{ font-family: {fonts.css_family(body)}; }}\n"
            f"h1, h2, h3, h4, h5, h6, .title-block {{ font-family: {fonts.css_family(heading)}; }}\n"
            f"code, pre, kbd, samp {{ font-family: {fonts.css_family(mono)}; }}\n"
            + cjk_context_css(language, medium, "sans" if screen else "serif", "sans", cjk_fallback))


def cjk_context_css(language: str, medium: Medium, body: fonts.Style, heading: fonts.Style,
                    cjk_fallback: str = fonts.DEFAULT_CJK_FALLBACK) -> str:
    """For an article whose stack is Latin first: the CJK face first on what `cjk_context.mark`
    wraps (shared punctuation in CJK context), in the body's and the headings' style."""
    if fonts.cjk_region(language):
        return ""
    tag = fonts.REGION_TAGS.get(cjk_fallback, "zh-CN")
    screen = medium == "screen"

    def family(style: fonts.Style) -> str:
        stack = fonts.stack(tag, style, platform=screen)
        return fonts.css_family(stack if screen else [f for f in stack if f not in fonts.EMOJI])

    span = f'span[lang="{tag}"]'
    headings = ", ".join(f"{h} {span}" for h in ("h1", "h2", "h3", "h4", "h5", "h6", ".title-block"))
    return f"{span} {{ font-family: {family(body)}; }}\n{headings} {{ font-family: {family(heading)}; }}\n"


def context(article: Article, config: Config, theme: Theme, medium: Medium,
            extra_css: str = "") -> dict[str, Any]:
    """Template variables; exporters that need a different template reuse them."""
    meta = article.metadata
    return {
        "meta": meta,
        "lang": meta.language,
        "cjk": meta.is_cjk,
        "date": meta.date.strftime("%Y-%m-%d") if meta.date else None,
        "datetime": meta.date.isoformat() if meta.date else None,
        "body": _body(article, config, medium),
        "toc": [h for h in article.headings if h.level <= 3] if config.toc else [],
        "css": font_css(meta.language, medium, config.cjk_fallback) + theme.css(*STYLESHEETS[medium]) + extra_css,
        "medium": medium,
        "site_url": config.site_url,
    }


def render_page(article: Article, config: Config, theme: Theme, medium: Medium,
                extra_css: str = "") -> str:
    """A standalone HTML5 page for `medium`, with its stylesheet embedded."""
    return theme.template("page.html.j2").render(context(article, config, theme, medium, extra_css))


def _body(article: Article, config: Config, medium: Medium) -> str:
    """The body HTML as this medium shows it: shared punctuation next to CJK text marked for the
    CJK face in a Latin-first article (`cjk_context`); for print (WeasyPrint), the breaks clreq
    forbids that WeasyPrint would take after a long Latin run prevented (`kinsoku`)."""
    html = article.html
    if not article.metadata.is_cjk:
        html = cjk_context.mark(html, fonts.REGION_TAGS.get(config.cjk_fallback, "zh-CN"))
    return kinsoku.joined(html) if medium == "print" else html
