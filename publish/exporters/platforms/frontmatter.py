"""Front matter the Markdown platforms read: dev.to's header, Juejin's theme lines.

dev.to reads `title`, `published`, `description`, `tags`, `canonical_url`, `cover_image` (forem
`app/models/article.rb`, `evaluate_front_matter`); `published` is always `false`, so a paste or
an API upload never publishes by surprise. Tags: at most 4 (`MAX_TAG_LIST_SIZE`), lowercase
letters and digits. Juejin reads `theme:` and `highlight:` (xitu/juejin-markdown-themes).
Values are written as JSON strings, which YAML reads as double-quoted scalars: no YAML library.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass

from publish.exporters.platforms import absolute
from publish.exporters.platforms.options import PlatformOptions
from publish.model import Article
from publish.normalize import xref
from publish.pandoc.nodes import stringify

MAX_TAGS = 4
DESCRIPTION_LENGTH = 150
_NOT_TAG = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True, slots=True)
class Header:
    """Front matter text (with its `---` lines, or empty) and what it had to drop."""

    text: str
    problems: tuple[absolute.Problem, ...] = ()


def devto(article: Article, options: PlatformOptions) -> Header:
    """dev.to's front matter for `article`."""
    tags, dropped = devto_tags(article.metadata.keywords)
    problems = []
    if dropped:
        problems.append(absolute.Problem(
            f"dev.to keeps at most {MAX_TAGS} tags of lowercase letters and digits: "
            f"{', '.join(dropped)} left out", "choose the 4 tags that matter in the front matter",
            dropped[0], "devto-tags", ", ".join(dropped)))
    lines = [("title", article.metadata.title), ("published", False),
             ("description", article.metadata.description or summary(article))]
    if tags:
        lines.append(("tags", ", ".join(tags)))
    canonical = absolute.canonical_url(article, options.site_url)
    if canonical:
        lines.append(("canonical_url", canonical))
    cover = article.metadata.cover
    if cover:
        local = xref.cover_source(article.source, options.resolver) if options.resolver is not None else None
        url = absolute.image_url(cover, local, options.image_url_map, options.hosted)
        if url is None:
            problems.append(absolute.Problem(
                f"the cover '{cover}' is left out of dev.to's cover_image (it has no URL)",
                absolute.unhosted(cover, "devto", options.hosted).fix, cover, "platform-image"))
        else:
            lines.append(("cover_image", url))
    return Header(block(lines), tuple(problems))


def juejin(options: PlatformOptions) -> Header:
    """Juejin's front matter: only the theme lines it reads, and only when set."""
    lines = [(key, value) for key, value in (("theme", options.theme), ("highlight", options.highlight))
             if value]
    return Header(block(lines) if lines else "")


def devto_tags(keywords: Sequence[str]) -> tuple[list[str], list[str]]:
    """(kept, dropped): each tag lowercased with everything but letters and digits removed
    (`Machine Learning` → `machinelearning`), duplicates merged, the first 4 kept."""
    kept: list[str] = []
    dropped: list[str] = []
    for keyword in keywords:
        tag = _NOT_TAG.sub("", keyword.lower())
        if not tag or (tag not in kept and len(kept) >= MAX_TAGS):
            dropped.append(keyword)
        elif tag not in kept:
            kept.append(tag)
    return kept, dropped


def summary(article: Article) -> str:
    """The first paragraph's text, cut at `DESCRIPTION_LENGTH` characters (dev.to's card text)."""
    for block in article.ast.get("blocks", []):
        if block.get("t") == "Para":
            text = " ".join(stringify(block["c"]).split())
            return text if len(text) <= DESCRIPTION_LENGTH else text[:DESCRIPTION_LENGTH - 1] + "…"
    return ""


def block(lines: Sequence[tuple[str, object]]) -> str:
    """`---` + `key: value` lines + `---`, values as JSON scalars (valid YAML)."""
    body = "".join(f"{key}: {json.dumps(value, ensure_ascii=False)}\n" for key, value in lines)
    return f"---\n{body}---\n\n"
