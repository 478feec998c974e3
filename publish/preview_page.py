"""The article's preview page: every paste target of the run, each with a Copy button.

A writer who posts one article to WeChat, Zhihu, Juejin, CSDN and dev.to opens one page, clicks
Copy under a platform and pastes into that platform's editor. Rich targets (`Paste.kind == "html"`)
are shown at phone width, as the platform shows them, and copied as `text/html` plus their
rendered text as `text/plain` (pasting from a browser is what works best in practice, doocs#521);
Markdown targets are shown and copied as plain text. The page is one file with nothing to fetch
but the article's own remote images, so it works from `file://` as well as from `publish serve`.

Which outputs are paste targets is declared by the exporters (`paste: ClassVar[Paste]`), so a
third-party format gets its Copy button the same way the built-in ones do.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from dataclasses import dataclass

import jinja2
from markupsafe import Markup

from publish.exporters import Exporter, Output, Paste
from publish.model import Article
from publish.themes import styles_root

SUFFIX = ".preview.html"


@dataclass(frozen=True, slots=True)
class Target:
    """One Copy button: the format's name, how it is pasted, and what goes on the clipboard."""

    name: str
    paste: Paste
    content: str

    @property
    def styled(self) -> bool:
        """Whether the HTML carries its own look (WeChat's inline styles); if not, the page gives
        it a plain one, as the platform's editor would."""
        return "style=" in self.content


def targets(built: Sequence[tuple[Exporter, Output]]) -> list[Target]:
    """The paste targets among a run's outputs, in the order the formats were asked for."""
    found = []
    for exporter, output in built:
        paste: Paste | None = getattr(exporter, "paste", None)
        if paste is None:
            continue
        data = output if isinstance(output, bytes) else output[exporter.suffix]
        found.append(Target(exporter.name, paste, data.decode("utf-8")))
    return found


def render(article: Article, shown: Sequence[Target]) -> bytes:
    """The page for `shown` (at least one target); the HTML targets' markup is inserted as is,
    since it is our exporters' sanitized output, and everything else is escaped."""
    zh = article.metadata.language.lower().startswith("zh")
    page = _template().render(
        title=article.metadata.title, lang=article.metadata.language, zh=zh, targets=shown,
        markup=Markup, contents=Markup(script_json({t.name: t.content for t in shown})))
    return str(page).encode("utf-8")


def script_json(value: object) -> str:
    """`value` as JSON safe inside `<script>` (no `</script>` or `<!--` can appear)."""
    return json.dumps(value, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e") \
        .replace("&", "\\u0026").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


@functools.cache
def _template() -> jinja2.Template:
    """Compiled once per process: a folder build makes a page for every article."""
    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(str(styles_root() / "default")),
                                     autoescape=True, undefined=jinja2.StrictUndefined,
                                     keep_trailing_newline=True)
    return environment.get_template("preview.html.j2")
