"""Where styles live: the one module that knows the `styles/` folder (checkout or installed wheel)."""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from publish.errors import UsageError

if TYPE_CHECKING:
    import jinja2


def styles_root() -> Path:
    """The `styles/` folder, installed as the data package `publish.styles`."""
    return Path(str(resources.files("publish.styles")))


@dataclass(frozen=True, slots=True)
class Theme:
    """A folder of templates and CSS under `styles/` (the default theme is `styles/default`)."""

    name: str
    root: Path

    def css(self, *names: str) -> str:
        """The concatenated text of CSS files from this theme."""
        return "\n".join((self.root / name).read_text(encoding="utf-8") for name in names)

    def file(self, name: str) -> Path:
        """A file of this theme (`reference.docx`), or the default theme's when this one has none:
        a theme need only hold what it changes."""
        own = self.root / name
        return own if own.is_file() else styles_root() / "default" / name

    def template(self, name: str) -> jinja2.Template:
        """A Jinja2 template from this theme, cached per process."""
        return _environment(self.root).get_template(name)

    def digest(self) -> str:
        """A hash of every file in the theme: outputs built with other styles are out of date."""
        h = hashlib.sha256()
        for path in sorted(p for p in self.root.rglob("*") if p.is_file()):
            h.update(path.relative_to(self.root).as_posix().encode())
            h.update(path.read_bytes())
        return h.hexdigest()


def load_theme(name: str = "default") -> Theme:
    """The theme called `name` under `styles/`; a missing one is a usage error listing the others."""
    root = styles_root()
    folder = root / name
    if not (folder / "page.html.j2").is_file():
        known = sorted(p.parent.name for p in root.glob("*/page.html.j2"))
        raise UsageError(f"unknown theme '{name}'", f"available themes: {', '.join(known)}")
    return Theme(name, folder)


@functools.cache
def _environment(root: Path) -> jinja2.Environment:
    import jinja2  # only when a page is rendered: a no-op build never needs it

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(root)),
        autoescape=jinja2.select_autoescape(["html", "j2", "xhtml"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
