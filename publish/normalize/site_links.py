"""Which article a link in the site's URL form means: `/2018/06/12/slug/`, `../guide/a.html`.

Writers of Jekyll and Hexo sites link between articles with the URLs the site serves them at (see
`permalinks`), not with the `.md` file names. To keep such a link a link, we map the URL back to
its source: first by file name (`a.html` or `a/` next to `a.md`), then through an index of every
article's URLs, with the site's base path (`baseurl`, Hexo's `root`, the path of `--site-url`)
taken off, and at last by date and slug whatever comes before them (`/linux/2018/06/12/slug/`).

The index is built only when a link needs it, once per source root, and rebuilt only when a
Markdown file below the root changes (checked once per linking article). Each front matter is read
with the load stage. Nothing outside the source root is read: `_config.yml` only inside it,
hidden folders and `node_modules` skipped, symbolic links to folders not followed, linked files
only when they resolve inside the root.
"""

from __future__ import annotations

import os
import posixpath
import re
import urllib.parse
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

import yaml

from publish.errors import PublishError
from publish.model import Metadata
from publish.normalize import permalinks
from publish.runtime.resources import SITE_MARKER, find_site_root

if TYPE_CHECKING:
    from publish.normalize import Context

SUFFIXES = (".md", ".markdown")
_SKIP_DIRS = frozenset({"node_modules"})
_DATED = re.compile(r"(?:^|/)(\d{4})/(\d{1,2})/(\d{1,2})/([^/]+)$")
#: The line that closes a front matter (YAML, YAML's `...`, TOML); looked for in the first 64 KB.
_FENCE = re.compile(rb"^(?:---|\.\.\.|\+\+\+)[ \t]*\r?$", re.MULTILINE)
_HEAD = 65536
_PAGE_SUFFIX = re.compile(r"\.(html?|md|markdown)$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Site:
    """The URLs of every article below a source root, and the paths the site is served under."""

    root: Path
    #: URL path prefixes from `_config.yml` (Jekyll `baseurl`, Hexo `root`), e.g. `/blog`.
    bases: tuple[str, ...]
    #: Normalized URL (see `url_key`) → source file.
    by_url: Mapping[str, Path]
    #: Source file → its URLs as the site writes them, to resolve relative links from it.
    urls_of: Mapping[Path, tuple[str, ...]]
    #: (year, month, day, slug) → posts: a dated URL matches whatever comes before the date.
    by_date: Mapping[tuple[int, int, int, str], tuple[Path, ...]]

    def find(self, link_path: str, current: Path, bases: Sequence[str] = ()) -> Path | None:
        """The source a URL path means, from the article `current`; None when it is no article."""
        if link_path.startswith("/"):
            candidates = [link_path]
        else:
            candidates = [urllib.parse.urljoin("http://site" + url, link_path)[len("http://site"):]
                          for url in self.urls_of.get(current, ())]
        for candidate in candidates:
            for path in _unprefixed(candidate, (*bases, *self.bases)):
                key = url_key(path)
                if key in self.by_url:
                    return self.by_url[key]
                dated = _DATED.search(key)
                if dated:
                    y, m, d, slug = dated.groups()
                    posts = self.by_date.get((int(y), int(m), int(d), slug), ())
                    if len(posts) == 1:
                        return posts[0]
        return None


def resolve(link_path: str, ctx: Context) -> Path | None:
    """The article source (a resolved path inside the root) that a site-form link means, or None.

    `link_path` is the path part of a link as written (`../a.html`, `/2018/06/12/slug/`).
    """
    root = ctx.resolver.root.resolve()
    folder = ctx.source.path.parent
    by_name = _by_file_name(urllib.parse.unquote(link_path), folder, root)
    if by_name is not None:
        return by_name
    site_root = ctx.resolver.site_root or find_site_root(folder, root)
    if not site_root.resolve().is_relative_to(root):
        site_root = root
    site = site_for(root, site_root.resolve(), ctx.source)
    base = urllib.parse.urlsplit(ctx.config.site_url or "").path.rstrip("/")
    return site.find(link_path, ctx.source.path.resolve(), (base,) if base else ())


def _by_file_name(path_text: str, folder: Path, root: Path) -> Path | None:
    """`a.html`, `a/` or `a` next to the linking article means `a.md` (or `a/index.md`)."""
    if path_text.startswith("/") or not path_text:
        return None
    if not PurePosixPath(path_text).suffix and (folder / path_text).is_file():
        return None  # `LICENSE` next to a `LICENSE.md` is that file, not a page
    stem = _PAGE_SUFFIX.sub("", path_text.rstrip("/"))
    names = [stem + s for s in SUFFIXES] + [f"{stem}/index{s}" for s in SUFFIXES]
    for name in names:
        candidate = folder / name
        if candidate.is_file() and candidate.resolve().is_relative_to(root):
            return candidate.resolve()
    return None


def url_key(path: str) -> str:
    """One spelling per URL: `/a/b/`, `/a/b.html`, `/a/b/index.html` and `a/b` are all `a/b`."""
    text = urllib.parse.unquote(path).strip()
    text = posixpath.normpath("/" + text) if text else "/"
    text = re.sub(r"/index\.html?$", "", text)
    text = _PAGE_SUFFIX.sub("", text)
    return text.strip("/").casefold()


def _unprefixed(path: str, bases: Iterable[str]) -> list[str]:
    """The path as written, then without each base path it starts with."""
    out = [path]
    for base in bases:
        base = "/" + base.strip("/")
        if base != "/" and (path == base or path.startswith(base + "/")):
            out.append(path[len(base):] or "/")
    return out


# --- the index ------------------------------------------------------------------------------------

@dataclass(slots=True)
class _Cached:
    signature: tuple[Any, ...]
    site: Site
    #: The article that last asked; it gets the same index without a new walk (one per article).
    asker: object


_CACHE: dict[tuple[Path, Path], _Cached] = {}
_CACHE_SIZE = 16


def site_for(root: Path, site_root: Path, asker: object = None) -> Site:
    """The index of `root` (both resolved), kept while no Markdown file below it changes.

    Whether one changed is checked once per `asker` (the linking article's `Source`), so an article
    with a hundred links walks the folder once, and a batch worker builds the index once per root.
    """
    cached = _CACHE.get((root, site_root))
    if cached is not None and asker is not None and cached.asker is asker:
        return cached.site
    stamped = _sources(root)
    config_file = site_root / SITE_MARKER
    signature = (tuple(stamped), _stamp(config_file))
    if cached is None or cached.signature != signature:
        site = _build(root, site_root, [path for path, _ in stamped], _site_config(config_file, root))
        if len(_CACHE) >= _CACHE_SIZE:  # a long test session sees many roots; a build sees one or two
            _CACHE.clear()
        cached = _CACHE[(root, site_root)] = _Cached(signature, site, asker)
    cached.asker = asker
    return cached.site


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size


def _sources(root: Path) -> list[tuple[Path, tuple[int, int]]]:
    """Every Markdown file below `root` as discovery sees them (no hidden folders), sorted, with
    its modification time and size. Symbolic links to folders are not followed; a linked file
    counts only when it resolves inside the root."""
    found: list[tuple[Path, tuple[int, int]]] = []
    folders = [root]
    while folders:
        with os.scandir(folders.pop()) as entries:
            for entry in sorted(entries, key=lambda e: e.name):
                if entry.name.startswith("."):
                    continue
                if entry.is_dir(follow_symlinks=False):
                    if entry.name not in _SKIP_DIRS:
                        folders.append(Path(entry.path))
                elif entry.name.lower().endswith(SUFFIXES) and entry.is_file():
                    path = Path(entry.path)
                    if entry.is_symlink():
                        path = path.resolve()
                        if not path.is_relative_to(root):
                            continue
                    stat = entry.stat()
                    found.append((path, (stat.st_mtime_ns, stat.st_size)))
    return sorted(found)


def _site_config(path: Path, root: Path) -> dict[str, Any]:
    """`_config.yml` of the site, when it lies inside the root; {} when absent or unreadable."""
    if not path.is_file() or not path.resolve().is_relative_to(root):
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return {}
    return data if isinstance(data, dict) else {}


def _build(root: Path, site_root: Path, sources: list[Path], config: Mapping[str, Any]) -> Site:
    from publish.source.load import load_bytes  # the load stage, for every article's own front matter

    by_url: dict[str, Path] = {}
    urls_of: dict[Path, tuple[str, ...]] = {}
    by_date: dict[tuple[int, int, int, str], list[Path]] = {}
    for path in sources:
        try:
            meta: Metadata | None = load_bytes(_front_matter_bytes(path), path, root).metadata
        except (OSError, PublishError):
            meta = None
        urls = urls_of[path] = permalinks.urls(path, meta, site_root, config)
        for url in urls:
            by_url.setdefault(url_key(url), path)
        if meta is not None and meta.date is not None and permalinks.is_post(path, site_root):
            key = (meta.date.year, meta.date.month, meta.date.day, permalinks.slug(path, meta).casefold())
            by_date.setdefault(key, []).append(path)
    bases = tuple(b for b in (config.get("baseurl"), config.get("root")) if isinstance(b, str) and b.strip("/"))
    return Site(root, bases, by_url, urls_of, {k: tuple(v) for k, v in by_date.items()})


def _front_matter_bytes(path: Path) -> bytes:
    """The file up to the line that closes its front matter: all the index needs, and the loader
    then neither checks nor detects the language of a body it would not use (detection is not free).

    The cut is at a newline byte, which no multi-byte UTF-8 or GB18030 character contains; UTF-16
    files (no ASCII `---` line) are read whole.
    """
    data = path.read_bytes()
    first = data.find(b"\n", 0, _HEAD)
    closing = _FENCE.search(data, first + 1, _HEAD) if first >= 0 else None
    return data[: closing.end()] + b"\n" if closing else data
