"""Code highlighting in the shared body HTML: Pygments classes, unknown languages plain, CSS in the theme."""

from __future__ import annotations

import html
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Literal

import pytest
from conftest import REPO

from publish.config.record import Config
from publish.config.themes import load_theme
from publish.model import Article
from publish.render.highlight import CSS_CLASS, highlight, stylesheet, tmtheme
from publish.render.page import render_page


def blocks(body: str) -> list[str]:
    return re.findall(r"<pre.*?</pre>", body, re.DOTALL)


def text_of(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


def test_known_language_gets_pygments_spans(article: Callable[..., Article]) -> None:
    python = blocks(article("code").html)[0]
    assert python.startswith(f'<pre class="python {CSS_CLASS}"><code>')
    assert '<span class="k">def</span>' in python
    assert '<span class="c1"># a comment</span>' in python


def test_highlighting_keeps_the_code_text(article: Callable[..., Article]) -> None:
    python = blocks(article("code").html)[0]
    assert text_of(python) == 'def greet(name: str) -> str:\n    return f"hello {name}"  # a comment'


@pytest.mark.parametrize(("index", "expected"), [
    (1, '<pre class="nosuchlanguage"><code>keep &lt;this&gt; &amp; that plain</code></pre>'),
    (2, "<pre><code>plain text</code></pre>"),
])
def test_unknown_or_missing_language_stays_plain(article: Callable[..., Article], index: int,
                                                 expected: str) -> None:
    assert blocks(article("code").html)[index] == expected


def test_escaping_survives_highlighting() -> None:
    out = highlight('<pre class="html"><code>&lt;a href=&quot;x&quot;&gt;&amp;amp;&lt;/a&gt;</code></pre>')
    assert "<a href" not in out
    assert text_of(out) == '<a href="x">&amp;</a>'


def test_id_and_other_attributes_are_kept() -> None:
    out = highlight('<pre id="ex" class="python numberLines" data-startFrom="3"><code>x = 1</code></pre>')
    assert out.startswith(f'<pre id="ex" class="python numberLines {CSS_CLASS}" data-startFrom="3"><code>')
    assert '<span class="n">x</span>' in out


def test_language_names_are_case_insensitive() -> None:
    assert '<span class="kn">import</span>' in highlight('<pre class="Python"><code>import os</code></pre>')


def test_body_without_code_is_returned_unchanged() -> None:
    body = "<p>text &lt;pre&gt;</p>\n<pre><code>x</code></pre>"
    assert highlight(body) is body


def test_inline_code_is_not_touched() -> None:
    body = '<p><code class="python">x = 1</code></p>'
    assert highlight(body) == body


def test_pygments_is_not_imported_for_an_article_without_code() -> None:
    code = ("import sys; from publish.render.highlight import highlight; highlight('<p>x</p><pre><code>y</code>"
            "</pre>'); print(any(m.startswith('pygments') for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# The EPUB exporter does not render pages: it writes its own self-contained epub.css (code in
# the reader's colours, for night modes), so "epub" is not a page target here.
@pytest.mark.parametrize("target", ["screen", "print"])
def test_every_page_target_carries_the_token_colours(article: Callable[..., Article],
                                                     target: Literal["screen", "print"]) -> None:
    page = render_page(article("code"), Config(), load_theme(), target)
    assert f".{CSS_CLASS} .k {{" in page
    assert ("prefers-color-scheme: dark) {\n  .highlight" in page) is (target == "screen")


@pytest.mark.parametrize(("scheme", "filename"), [("light", "highlight.css"), ("dark", "highlight-dark.css")])
def test_theme_stylesheets_match_pygments(golden: Callable[[Path, str], None],
                                          scheme: Literal["light", "dark"], filename: str) -> None:
    golden(REPO / "styles" / "default" / filename, stylesheet(scheme))


def test_typst_code_theme_matches_pygments(golden: Callable[[Path, str], None]) -> None:
    """The Typst PDF's code colours, as a TextMate theme generated from the same Pygments style."""
    golden(REPO / "styles" / "default" / "typst" / "highlight.tmTheme", tmtheme("light"))
