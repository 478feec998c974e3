"""WeChat themes: CSS files in `styles/wechat/`, resolved and inlined onto every element.

The editor keeps only `style=""` attributes (wxpress research §3.1), so the theme is ordinary CSS
that `css-inline` applies per element, CSS variables resolved first: the editor removes `var()`
(WeMD `expandCSSVariables`). Order of the cascade: `base.css` (structure every theme shares), the
theme, the primary colour option, then the writer's own CSS file, last so it wins.
"""

from __future__ import annotations

import re
from pathlib import Path

import css_inline

from publish.config.themes import styles_root
from publish.errors import UsageError
from publish.render import fonts

BASE = "base.css"
DEFAULT_CODE_STYLE = "default"
_COLOUR = re.compile(r"^(#[0-9a-fA-F]{3,8}|rgba?\([\d\s.,%]+\)|hsla?\([\d\s.,%deg]+\)|[a-zA-Z]{3,20})$")
#: Left out of the stacks: the stack is repeated on every text element, and phones have their own
#: emoji and Latin faces; only the CJK faces, the platform faces and the generic family matter.
_SKIPPED_FONTS = frozenset({*fonts.EMOJI, "Noto Sans", "Noto Serif", "Noto Sans Mono", "DejaVu Sans Mono",
                            "DejaVu Sans", "DejaVu Serif"})
_CODE_STYLE = re.compile(r"--code-style\s*:\s*([\w-]+)")


def folder() -> Path:
    """`styles/wechat/`."""
    return styles_root() / "wechat"


def is_colour(text: str) -> bool:
    """Whether `text` is a CSS colour the theme can take as `--primary` (nothing more: no `;`)."""
    return bool(_COLOUR.match(text.strip()))


def available() -> list[str]:
    """Theme names: every CSS file in `styles/wechat/` but the shared `base.css`."""
    return sorted(p.stem for p in folder().glob("*.css") if p.name != BASE)


def stylesheet(theme: str, language: str, primary_color: str | None = None,
               user_css: Path | None = None, cjk_fallback: str = fonts.DEFAULT_CJK_FALLBACK) -> str:
    """The full cascade for one snippet, as one CSS text (variables still unresolved)."""
    path = folder() / f"{theme}.css"
    if theme == Path(BASE).stem or not path.is_file():
        raise UsageError(f"unknown WeChat theme '{theme}'", f"available: {', '.join(available())}")
    parts = [_font_variables(language, cjk_fallback), (folder() / BASE).read_text(encoding="utf-8"),
             path.read_text(encoding="utf-8")]
    if primary_color:
        if not _COLOUR.match(primary_color.strip()):
            raise UsageError(f"'{primary_color}' is not a CSS colour",
                             "give e.g. --primary-color '#0f766e' or 'rgb(15,118,110)'")
        parts.append(f":root {{ --primary: {primary_color.strip()}; }}")
    if user_css is not None:
        try:
            parts.append(user_css.read_text(encoding="utf-8"))
        except OSError as exc:
            raise UsageError(f"cannot read CSS file {user_css}: {exc.strerror}",
                             "check the css option / --css path") from exc
    return "\n".join(parts)


#: What the WeChat editor drops from pasted HTML, as it may appear in a writer's CSS file.
_DROPPED = re.compile(r"::?(?:before|after|hover|focus|marker)\b|@media|@font-face|(?<![-\w])(?:position|float)\s*:"
                      r"|url\(", re.IGNORECASE)


def lint_user_css(css: str) -> list[str]:
    """Constructs in a writer's CSS that cannot survive a paste: pseudo-elements, `@media`,
    `position`, `float`, `url()`. css-inline skips or inlines them; WeChat then drops them."""
    return sorted({m.group(0).rstrip(": ").lower() for m in _DROPPED.finditer(css)})


def code_style(css: str) -> str:
    """The Pygments style a theme names with `--code-style: NAME` (the last one wins)."""
    found = _CODE_STYLE.findall(css)
    return found[-1] if found else DEFAULT_CODE_STYLE


def inline(html: str, css: str) -> str:
    """`html` with every matching rule of `css` written into `style` attributes, `var()` resolved."""
    result: str = css_inline.inline_fragment(html, css, resolve_css_variables=True, keep_at_rules=False)
    return result


def _font_variables(language: str, cjk_fallback: str) -> str:
    """Font stacks for the article's language (CJK face first), with single quotes: they are
    written into `style="…"` attributes, where double quotes would need escaping."""
    def family(style: fonts.Style) -> str:
        names = [f for f in fonts.stack(language, style, platform=True, fallback=cjk_fallback)
                 if f not in _SKIPPED_FONTS]
        return ", ".join(f if f in ("serif", "sans-serif", "monospace") else f"'{f}'" for f in names)
    return (f":root {{ --font: {family('sans')}; --font-serif: {family('serif')}; "
            f"--font-mono: {family('mono')}; }}")


_VARIABLE = re.compile(r"--([\w-]+)\s*:\s*([^;{}]+?)\s*[;}]")


def colours(theme: str, primary_color: str | None = None) -> dict[str, str]:
    """The colour variables (`--primary`, `--heading`, `--text`, `--soft`, …) a WeChat theme sets,
    `primary_color` over the theme's: the image formats dress their cards in the same colours."""
    css = stylesheet(theme, "en", primary_color)  # validates the theme and the colour
    found = dict(_VARIABLE.findall(css))
    return {name: value for name, value in found.items() if "var(" not in value and "font" not in name}
