"""WeasyPrint's URL fetcher, routed through the one `Resolver`: nothing is loaded behind its back.

Images normalize checked arrive as `root:<path relative to the source root>` (see `publish.engines.weasyprint.rooted`).
Anything else (raw HTML, CSS) is resolved by WeasyPrint against the `base_url` (the source
folder) first, so we see `file:///…/img/a.png` for `img/a.png` and `file:///img/a.png` for the
Jekyll-style `/img/a.png`; we turn them back into the reference the writer wrote and let the
resolver decide.
"""

from __future__ import annotations

import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

from publish.engines.weasyprint.rooted import ROOT_SCHEME
from publish.runtime.resources import Resolver, ResourceRefused

OnRefused = Callable[[ResourceRefused], None]


def reference(url: str, base: Path) -> str:
    """The reference a resolved `url` came from: relative to `base` when below it, else as is."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme != "file":
        return url
    path = Path(urllib.request.url2pathname(parts.path))
    try:
        return path.relative_to(base).as_posix()
    except ValueError:
        return path.as_posix()  # `/img/a.png`: the resolver maps it to the site root


def url_fetcher(resolver: Resolver, base: Path, on_refused: OnRefused) -> Any:
    """A `weasyprint.URLFetcher` that serves files and URLs only as `resolver` allows.

    A refusal is reported through `on_refused` and then raised, so WeasyPrint leaves the image
    out (or skips the stylesheet) instead of stopping the whole document.
    """
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class ResolverFetcher(URLFetcher):  # type: ignore[misc]  # WeasyPrint ships no type hints
        def fetch(self, url: str, headers: Any = None) -> Any:
            if url.startswith("data:"):
                return super().fetch(url, headers)
            try:
                if url.startswith(ROOT_SCHEME):
                    ref = urllib.parse.unquote(url.removeprefix(ROOT_SCHEME))
                    resource = resolver.fetch(ref, resolver.root)
                else:
                    resource = resolver.fetch(reference(url, base), base)
            except ResourceRefused as refused:
                on_refused(refused)
                raise
            return URLFetcherResponse(url, resource.data, {"Content-Type": resource.media_type})

    return ResolverFetcher(timeout=resolver.timeout)
