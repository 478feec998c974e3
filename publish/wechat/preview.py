"""The preview page: the snippet at phone width, and a Copy button that writes HTML and text.

Pasting from a browser is what works best in practice (doocs#521); the page writes `text/html`
plus `text/plain` with the async Clipboard API (doocs `ClipboardItem`), and falls back to a
selection + `execCommand('copy')` with a `copy` listener (mdnice) where that API is missing.
"""

from __future__ import annotations

import json

import jinja2
from markupsafe import Markup

from publish.model import Article
from publish.wechat import theme


def render(article: Article, snippet: str) -> str:
    """A standalone HTML page showing `snippet`, with the Copy button and usage notes."""
    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(str(theme.folder())),
                                     autoescape=True, undefined=jinja2.StrictUndefined,
                                     keep_trailing_newline=True)
    page: str = environment.get_template("preview.html.j2").render(
        title=article.metadata.title,
        lang=article.metadata.language,
        zh=article.metadata.language.lower().startswith("zh"),
        snippet=Markup(snippet),
        snippet_json=Markup(script_json(snippet)),
    )
    return page


def script_json(text: str) -> str:
    """`text` as a JSON string safe inside `<script>` (no `</script>` or `<!--` can appear)."""
    return json.dumps(text, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e") \
        .replace("&", "\\u0026").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
