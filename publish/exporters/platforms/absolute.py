"""Links to other articles and local images, made absolute for a paste into a platform.

A pasted article lives on someone else's site: a relative link or a file path means nothing
there. Links to other articles go to their web pages under `site_url` (`xref.href_for`); local
images go through the platform's `image_url_map`, then the image host's URLs (the WeChat lookup,
`publish.exporters.snippet.figures.mapped_url`).
What cannot be made absolute is reported once, with the option that fixes it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath

from publish.exporters.snippet.figures import UPLOAD_FIX, mapped_url
from publish.model import Article
from publish.normalize import xref
from publish.runtime import generated
from publish.runtime.resources import ResourceRefused, is_remote


@dataclass(frozen=True, slots=True)
class Problem:
    """Something the paste cannot carry: the message, its fix, the text to find its line, a kind,
    and what it is about when that is not `where` (a link's target, where is its written form)."""

    message: str
    fix: str
    where: str
    kind: str
    subject: str = ""


def article_href(ref: xref.ArticleRef, article: Article, site_url: str | None) -> str | None:
    """The web page of the linked article under `site_url`, or None (write its text only)."""
    return xref.href_for(ref, xref.source_path(article.source), site_url=site_url, relative=False)


def unlinked(ref: xref.ArticleRef, platform: str) -> Problem:
    """The warning for a link to another article kept as text."""
    return Problem(f"the link to {ref} is kept as text in the {platform} output (no site_url)",
                   "set site_url in publish.toml so links to other articles point at their web pages",
                   ref.written or str(ref.path), "platform-link", str(ref))


def image_url(src: str, local: str | None, url_map: Mapping[str, str],
              hosted: Mapping[str, str] | None = None) -> str | None:
    """An absolute URL for an image: a remote `src` as is, a local one from `url_map` or else
    from the image host's `hosted` URLs, else None.

    `local` is the root-relative path normalize found (`data-publish-src`); a data URI is not
    a URL a platform keeps (Zhihu and the Markdown editors drop or refuse it).
    """
    if is_remote(src):
        return src
    src, local = generated.raster(src), local and generated.raster(local)  # diagrams as PNG

    def locate(_: str) -> PurePosixPath:
        if local is None:
            raise ResourceRefused(src, "missing", "not found under the source root")
        return PurePosixPath(local)

    return mapped_url(src, url_map, locate, hosted) if not src.startswith("data:") else None


def unhosted(src: str, platform: str, hosted: Mapping[str, str] | None = None) -> Problem:
    """The warning for a local image left out of the paste (`hosted` None: no image host)."""
    if generated.is_generated(src):
        key = generated.raster(src)
        return Problem(f"a diagram is left out of the {platform} output (its picture has no URL)",
                       UPLOAD_FIX if hosted is not None else "configure an image host, or upload its PNG and add "
                       f"it to [{platform}.image_url_map] (\"{key}\" = \"https://…\")", src, "platform-image")
    fix = (UPLOAD_FIX if hosted is not None
           else f"upload it and add it to [{platform}.image_url_map] (\"{src}\" = \"https://…\")")
    return Problem(f"local image '{src}' is left out of the {platform} output (it has no URL)", fix,
                   src, "platform-image")


def canonical_url(article: Article, site_url: str | None) -> str | None:
    """The article's own web page under `site_url`: its front-matter `permalink`, else its path."""
    return xref.page_url(article.source, site_url)
