"""Where Jekyll and Hexo serve a Markdown source: the URLs a writer links other articles with.

A post (below `_posts/` or `_drafts/`) is served at its permalink: the front matter's `permalink:`,
else `_config.yml`'s `permalink:` (a pattern or one of Jekyll's named styles), and we also try the
engines' defaults, `/:categories/:year/:month/:day/:title.html` (Jekyll) and
`:year/:month/:day/:title/` (Hexo), which old links still use after a site changed its pattern.
A page is served at its path with `.html`, below Hexo's `source/` folder or the site root.
`publish.normalize.site_links` indexes these URLs to map links back to their sources.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from typing import Any

from publish.model import Metadata

#: Jekyll's named permalink styles (`permalink: pretty` in `_config.yml`).
STYLES = {
    "date": "/:categories/:year/:month/:day/:title:output_ext",
    "pretty": "/:categories/:year/:month/:day/:title/",
    "ordinal": "/:categories/:year/:y_day/:title:output_ext",
    "none": "/:categories/:title:output_ext",
}
#: Tried for every post besides the configured pattern: Jekyll's default, then Hexo's.
DEFAULT_PATTERNS = (STYLES["date"], ":year/:month/:day/:title/")
_DATE_PREFIX = re.compile(r"^(\d{4})-(\d{2})-(\d{2})-")
_PLACEHOLDER = re.compile(r":([a-z_]+)")


def patterns(config: Mapping[str, Any]) -> tuple[str, ...]:
    """The permalink patterns of a site's `_config.yml` (as read), then the engines' defaults."""
    configured = config.get("permalink")
    first = [STYLES.get(configured, configured)] if isinstance(configured, str) and configured else []
    return tuple(dict.fromkeys([*first, *DEFAULT_PATTERNS]))


def urls(path: Path, meta: Metadata | None, site_root: Path, config: Mapping[str, Any]) -> tuple[str, ...]:
    """An article's URLs, most specific first: front-matter permalink, post patterns, page path."""
    found: list[str] = []
    values = _values(path, meta, site_root, config) if meta is not None else {}
    own = meta.extra.get("permalink") if meta is not None else None
    if isinstance(own, str) and own.strip():
        found += _expand(own.strip(), values)
    if is_post(path, site_root):
        for pattern in patterns(config):
            found += _expand(pattern, values)
    source_dir = site_root / str(config.get("source_dir") or "source")
    for folder in (source_dir, site_root):
        if path.is_relative_to(folder):
            found.append("/" + PurePosixPath(path.relative_to(folder).as_posix()).with_suffix(".html").as_posix())
    return tuple(dict.fromkeys(u if u.startswith("/") else "/" + u for u in found))


def is_post(path: Path, site_root: Path) -> bool:
    """A post (or a Jekyll draft): served at a permalink, not at its path."""
    parts = path.relative_to(site_root).parts if path.is_relative_to(site_root) else path.parts
    return "_posts" in parts or "_drafts" in parts


def slug(path: Path, meta: Metadata) -> str:
    """`:title`: the front matter's `slug`, else the file name without Jekyll's date prefix."""
    given = meta.extra.get("slug")
    return str(given).strip() if given else _DATE_PREFIX.sub("", path.stem)


def _values(path: Path, meta: Metadata, site_root: Path, config: Mapping[str, Any]) -> dict[str, str]:
    """Placeholder values for one article, as Jekyll and Hexo fill them."""
    title = slug(path, meta)
    rel = path.relative_to(site_root) if path.is_relative_to(site_root) else Path(path.name)
    above = list(rel.parts[: rel.parts.index("_posts")]) if "_posts" in rel.parts else []
    categories = [c.casefold() for c in [*above, *meta.categories]]
    values = {"title": title, "slug": title, "name": title, "output_ext": ".html",
              "categories": "/".join(dict.fromkeys(categories)),
              "category": meta.categories[-1].casefold() if meta.categories
              else str(config.get("default_category") or "uncategorized")}
    if meta.date is not None:
        date = meta.date
        values.update(year=f"{date.year:04d}", month=f"{date.month:02d}", day=f"{date.day:02d}",
                      i_month=str(date.month), i_day=str(date.day), short_year=f"{date.year % 100:02d}",
                      hour=f"{date.hour:02d}", minute=f"{date.minute:02d}", second=f"{date.second:02d}",
                      y_day=f"{date.timetuple().tm_yday:03d}")
    return values


def _expand(pattern: str, values: Mapping[str, str]) -> list[str]:
    """A permalink pattern filled in; [] when it needs a value this article lacks."""
    missing = False

    def fill(match: re.Match[str]) -> str:
        nonlocal missing
        value = values.get(match.group(1))
        if value is None:
            missing = True
            return ""
        return value

    url = _PLACEHOLDER.sub(fill, pattern)
    return [] if missing else [re.sub(r"/{2,}", "/", url)]
