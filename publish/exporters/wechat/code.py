"""Code blocks that keep every space and line break after a paste, highlighted with inline colours.

The WeChat editor collapses `\\n` and runs of spaces and ignores `white-space:pre` (hexo#2183,
doocs ecaf08ed), and class-based highlighting is lost (doocs#871). So Pygments tokenizes the code,
each token becomes a `<span style="color:…">` taken from the Pygments style, and in text only every
space becomes NBSP (`&nbsp;` once serialized), a tab four, and a newline `<br>`. Lines sit in one
`display:block` child of a `display:-webkit-box` code element, which scrolls sideways on phones
(doocs 89e573cf, mdnice#12).
"""

from __future__ import annotations

import functools

from pygments.lexer import Lexer
from pygments.lexers import get_lexer_by_name
from pygments.lexers.special import TextLexer
from pygments.style import Style
from pygments.styles import get_style_by_name
from pygments.token import Token, _TokenType
from pygments.util import ClassNotFound

from publish.exporters.snippet.tree import Element, append_text, make, replace

NBSP = "\u00a0"
TAB = NBSP * 4
IGNORED_CLASSES = frozenset({"sourceCode", "numberSource", "numberLines", "code", "highlight"})


def rewrite(root: Element, style_name: str) -> None:
    """Replace every `<pre>` below `root` with a highlighted, whitespace-proof block."""
    style = _style(style_name)
    for pre in list(root.iter("pre")):
        code = pre.find("code")
        source = (code if code is not None else pre).text_content()
        language = _language(pre) or (_language(code) if code is not None else "")
        replace(pre, block(source, language, style))


def block(source: str, language: str, style: type[Style]) -> Element:
    """`<pre><code><span display:block>lines</span></code></pre>` for `source` in `language`."""
    base = style.style_for_token(Token.Text)
    pre = make("pre", cls="wx-pre", style=f"background-color:{style.background_color or '#f6f8fa'}")
    code = make("code", cls="wx-pre-code",
                style=f"color:#{base['color']}" if base.get("color") else None)
    lines = make("span", cls="wx-pre-lines", style="display:block")
    code.append(lines)
    pre.append(code)
    source = source.replace("\r\n", "\n").replace("\r", "\n").strip("\n")
    for css, text in _runs(_lexer(language), source, style):
        for index, line in enumerate(text.split("\n")):
            if index:
                lines.append(make("br"))
            if not line:
                continue
            line = line.replace("\t", TAB).replace(" ", NBSP)
            if css:
                lines.append(make("span", line, style=css))
            else:
                append_text(lines, line)
    return pre


def _runs(lexer: Lexer, source: str, style: type[Style]) -> list[tuple[str, str]]:
    """(inline style, text) pairs, neighbours with the same style merged (fewer spans)."""
    runs: list[tuple[str, str]] = []
    for token_type, value in lexer.get_tokens(source):
        css = _token_css(style, token_type) if value.strip() else ""
        if runs and runs[-1][0] == css:
            runs[-1] = (css, runs[-1][1] + value)
        else:
            runs.append((css, value))
    return runs


def _token_css(style: type[Style], token_type: _TokenType) -> str:
    info = style.style_for_token(token_type)
    parts = []
    if info.get("color"):
        parts.append(f"color:#{info['color']}")
    if info.get("bold"):
        parts.append("font-weight:bold")
    if info.get("italic"):
        parts.append("font-style:italic")
    return ";".join(parts)


def _language(element: Element) -> str:
    for name in element.get("class", "").split():
        if name not in IGNORED_CLASSES:
            return str(name).removeprefix("language-")
    return ""


def _lexer(language: str) -> Lexer:
    try:
        return get_lexer_by_name(language, stripnl=False, ensurenl=False) if language else \
            TextLexer(ensurenl=False)
    except ClassNotFound:
        return TextLexer(ensurenl=False)


@functools.cache
def _style(name: str) -> type[Style]:
    try:
        return get_style_by_name(name)
    except ClassNotFound:
        return get_style_by_name("default")
