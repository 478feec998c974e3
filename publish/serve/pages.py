"""The preview's own pages: the index of articles, each article's page, and the state they share.

An article page is a skeleton plus its state as JSON; `live.js` draws the tabs and panes from that
state and redraws them from the same JSON when a build is announced, so the first view and every
update go through one piece of code.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from dataclasses import replace
from importlib import resources
from pathlib import Path
from typing import Any

from publish.serve.site import ArticleView

#: The preview's own files, served under `/_publish/` (never mixed with the outputs).
ASSETS = {"live.js": "text/javascript; charset=utf-8", "ui.css": "text/css; charset=utf-8"}
ARTICLE_PREFIX = "/_publish/article/"


def folder() -> Path:
    return Path(str(resources.files("publish.serve") / "templates"))


@functools.cache
def _environment() -> Any:
    import jinja2

    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(folder())), autoescape=True,
                              undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def asset(name: str) -> bytes | None:
    """One of the preview's own scripts or stylesheets, or None."""
    return (folder() / name).read_bytes() if name in ASSETS else None


def state(view: ArticleView, problem: str | None = None) -> dict[str, Any]:
    """Everything an article page shows, as JSON: sent with the page and with every build event."""
    return {
        "key": view.key,
        "url": ARTICLE_PREFIX + view.key,
        "source": str(_shown(view.source)),
        "title": view.title,
        "date": view.date,
        "draft": view.draft,
        "status": view.status,
        "building": list(view.building),
        "warnings": view.warnings,
        "errors": view.errors,
        "problem": problem,
        "diagnostics": [{"severity": d.severity, "where": replace(d, path=_shown(d.path)).location,
                         "message": d.message, "fix": d.fix} for d in view.diagnostics],
        "formats": [{"name": s.name, "label": s.label, "kind": s.kind, "url": s.url, "version": s.version,
                     "urls": list(s.urls), "chapters": [{"title": c.title, "url": c.url} for c in s.chapters]}
                    for s in view.formats.values()],
    }


def index(views: Sequence[ArticleView], formats: Sequence[str], problem: str | None) -> str:
    """`GET /`: every article of the run with its title, date, status and number of warnings."""
    rows = [state(v) for v in views]
    page: str = _environment().get_template("index.html.j2").render(
        rows=rows, formats=formats, problem=problem)
    return page


def article(view: ArticleView, problem: str | None) -> str:
    """An article's page: its formats in tabs, live (see `live.js`)."""
    data = state(view, problem)
    page: str = _environment().get_template("article.html.j2").render(
        view=data, state_json=_script_json(data))
    return page


def _script_json(data: Any) -> str:
    """JSON that is safe inside `<script>`: `<`, `>` and `&` only occur in strings, escaped there."""
    from markupsafe import Markup

    text = json.dumps(data, ensure_ascii=False)
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                          ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, escaped)
    return Markup(text)


def _shown(path: Path) -> Path:
    try:
        return path.relative_to(Path.cwd())
    except ValueError:
        return path
