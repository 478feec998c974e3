"""The one resolver every resource load goes through: confined to the source root, offline by default.

Articles come from many authors (pull requests in CI). Whatever a Markdown image, raw `<img>`,
stylesheet or iframe asks for, only files inside the source root are read, and the network is used
only with `--allow-remote`. Pandoc never loads resources itself (we only ask it for JSON and HTML);
WeasyPrint gets `Resolver.url_fetcher`; the EPUB exporter embeds only what `fetch` returns.
The one thing read from outside the root is a picture publish rendered itself, named
`diagram:<hash>.svg` (`publish.runtime.generated`): only a hash-named file in that store.
"""

from __future__ import annotations

import mimetypes
import urllib.parse
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Self

from publish.runtime import generated

if TYPE_CHECKING:
    from publish.config.record import Config

Refusal = Literal["outside", "missing", "remote", "scheme"]

#: Remote resources larger than this are refused (a runaway download must not fill the disk).
MAX_REMOTE_BYTES = 20 * 1024 * 1024


class ResourceRefused(Exception):
    """A reference the resolver will not load, with why; callers turn it into a warning."""

    def __init__(self, ref: str, kind: Refusal, detail: str) -> None:
        self.ref = ref
        self.kind = kind
        self.detail = detail
        super().__init__(f"{ref}: {detail}")


@dataclass(frozen=True, slots=True)
class Resource:
    """Bytes of a resource with its media type and a file name to store it under."""

    data: bytes
    media_type: str
    name: str
    origin: str


def is_remote(ref: str) -> bool:
    """http(s) and protocol-relative URLs."""
    return ref.startswith(("http://", "https://", "//"))


def is_external_link(ref: str) -> bool:
    """A link that leaves the document (any URL scheme), as opposed to a path or an anchor."""
    return bool(urllib.parse.urlsplit(ref).scheme) or ref.startswith("//")


#: A file that marks the top of a Jekyll or Hexo site, where `/img/a.png` paths start.
SITE_MARKER = "_config.yml"


def find_site_root(folder: Path, root: Path) -> Path:
    """The nearest folder from `folder` up to `root` holding `_config.yml`, else `root`."""
    folder, root = folder.resolve(), root.resolve()
    if folder.is_relative_to(root):
        for candidate in (folder, *folder.parents):
            if (candidate / SITE_MARKER).is_file():
                return candidate
            if candidate == root:
                break
    return root


def _generated(ref: str) -> Path:
    """A picture publish rendered (a diagram): read from the store by its hash name, nothing else
    (`publish.runtime.generated`); outside the source root, but never a file an article chose."""
    path = generated.path_of(ref)
    if path is None:
        raise ResourceRefused(ref, "scheme", "not a generated picture")
    if not path.is_file():
        raise ResourceRefused(ref, "missing", "no such rendered diagram (the cache was cleared?)")
    return path


@dataclass(frozen=True, slots=True)
class Resolver:
    """Turns references in an article into files under `root`, or refuses them.

    `site_root` is where `/img/a.png` (as Jekyll and Hexo write image paths) points; it must lie
    inside `root` to be used. Unset, it is the nearest folder above the referring file that holds
    a `_config.yml` (a Jekyll or Hexo site), else `root` (see `find_site_root`).
    """

    root: Path
    site_root: Path | None = None
    allow_remote: bool = False
    timeout: float = 10.0

    @classmethod
    def for_config(cls, root: Path, config: Config) -> Self:
        """The resolver for one article: its source root (unless `--root` says otherwise), the
        configured site root, and the network only when the config allows it."""
        return cls(root=(config.root or root).resolve(), site_root=config.site_root,
                   allow_remote=config.allow_remote, timeout=config.remote_timeout)

    def locate(self, ref: str, base: Path) -> Path:
        """The local file `ref` means, relative to folder `base`; raises `ResourceRefused`."""
        if generated.is_generated(urllib.parse.unquote(ref)):  # also as a percent-encoded path
            return _generated(urllib.parse.unquote(ref))
        parts = urllib.parse.urlsplit(ref)
        if parts.scheme == "file":
            raw = urllib.parse.unquote(parts.path)
            raise ResourceRefused(ref, "scheme", f"file:// URLs are not allowed ({raw})")
        if parts.scheme or ref.startswith("//"):
            raise ResourceRefused(ref, "remote" if is_remote(ref) else "scheme",
                                  "not a local file")
        path_text = urllib.parse.unquote(parts.path)
        if not path_text:
            raise ResourceRefused(ref, "missing", "empty path")
        root = self.root.resolve()
        if path_text.startswith("/"):
            # Jekyll/Hexo write `/img/a.png` meaning the site root; an absolute file-system path
            # is accepted only when it points inside the source root.
            site_root = self.site_root or find_site_root(base, root)
            candidate = site_root / path_text.lstrip("/")
            if not candidate.exists() and Path(path_text).exists():
                candidate = Path(path_text)
        else:
            candidate = base / path_text
        resolved = candidate.resolve()
        if not resolved.is_relative_to(root):
            raise ResourceRefused(ref, "outside", f"outside the source root {root}")
        if not resolved.is_file():
            raise ResourceRefused(ref, "missing", "no such file")
        return resolved

    def fetch(self, ref: str, base: Path) -> Resource:
        """The bytes of a local file inside the root, or of a remote URL when allowed."""
        if ref.startswith("data:"):
            raise ResourceRefused(ref[:40], "scheme", "data URIs are kept inline, not fetched")
        if is_remote(ref):
            return self._download(ref)
        path = self.locate(ref, base)
        media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return Resource(path.read_bytes(), media_type, path.name, str(path))

    def _download(self, ref: str) -> Resource:
        if not self.allow_remote:
            raise ResourceRefused(ref, "remote", "remote resources are not fetched without --allow-remote")
        url = "https:" + ref if ref.startswith("//") else ref
        import urllib.request  # only with --allow-remote: http.client and email are slow to import

        request = urllib.request.Request(url, headers={"User-Agent": "publish"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                data = response.read(MAX_REMOTE_BYTES + 1)
                media_type = response.headers.get_content_type()
        except OSError as exc:
            raise ResourceRefused(ref, "remote", f"download failed: {exc}") from exc
        if len(data) > MAX_REMOTE_BYTES:
            raise ResourceRefused(ref, "remote", "larger than 20 MB")
        name = Path(urllib.parse.urlsplit(url).path).name or "resource"
        return Resource(data, media_type, name, url)
