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

import base64
import functools
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from publish.config.themes import styles_root
from publish.exporters import Exporter, Output, Paste
from publish.model import Article

if TYPE_CHECKING:
    import jinja2

SUFFIX = ".preview.html"


@dataclass(frozen=True, slots=True)
class Copyable:
    """One Copy button: the format's name, how it is pasted, and what goes on the clipboard."""

    name: str
    paste: Paste
    content: str

    @property
    def styled(self) -> bool:
        """Whether the HTML carries its own look (WeChat's inline styles); if not, the page gives
        it a plain one, as the platform's editor would."""
        return "style=" in self.content


def copyables(built: Sequence[tuple[Exporter, Output]]) -> list[Copyable]:
    """The paste targets among a run's outputs, in the order the formats were asked for."""
    found = []
    for exporter, output in built:
        paste: Paste | None = getattr(exporter, "paste", None)
        if paste is None:
            continue
        data = output if isinstance(output, bytes) else output[exporter.suffix]
        found.append(Copyable(exporter.name, paste, data.decode("utf-8")))
    return found


def render(article: Article, shown: Sequence[Copyable]) -> bytes:
    """The page for `shown` (at least one target).

    The HTML targets' markup is inserted as it is, so that the phone view shows what will be
    pasted; everything else is escaped. Our exporters sanitize what they write, but a third-party
    format may not: the page's Content-Security-Policy runs no script but its own (allowed by its
    hash), loads nothing but images, and sends nothing anywhere.
    """
    from markupsafe import Markup

    template, script = _template()
    page = template.render(
        title=article.metadata.title, lang=article.metadata.language,
        zh=article.metadata.language.lower().startswith("zh"), targets=shown, markup=Markup,
        contents=Markup(script_json({t.name: t.content for t in shown})),
        script=Markup(script), script_hash=_hash(script))
    return str(page).encode("utf-8")


def script_json(value: object) -> str:
    """`value` as JSON safe inside `<script>` (no `</script>` or `<!--` can appear)."""
    return json.dumps(value, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e") \
        .replace("&", "\\u0026").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


@functools.cache
def _template() -> tuple[jinja2.Template, str]:
    """The page's template and its one script, read and compiled once per process: a folder
    build makes a page for every article."""
    import jinja2

    folder = styles_root() / "default"
    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(str(folder)), autoescape=True,
                                     undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    return environment.get_template("preview.html.j2"), (folder / "preview.js").read_text(encoding="utf-8")


def _hash(script: str) -> str:
    """The CSP source that allows exactly `script` (inline, as written in the page)."""
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return "sha256-" + base64.b64encode(digest).decode("ascii")
