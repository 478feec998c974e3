"""Which local files an article's outputs depend on, so a rebuild can be decided without pandoc.

An output depends on its source bytes, the config, the styles, and every local file the article
references or an exporter loaded. The references are recorded here during a build (as the raw
reference and the folder it is relative to); the next run re-resolves and re-hashes only those.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from publish.ast import walk
from publish.model import Article
from publish.resources import Resolver, ResourceRefused, is_remote

Reference = tuple[str, str]
"""(reference as written, folder it is relative to): re-resolved on the next run."""

_IMG_SRC = re.compile(r"""<img\b[^>]*?\bsrc\s*=\s*["']([^"']+)["']""", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class RecordingResolver(Resolver):
    """A `Resolver` that remembers every local reference asked for, found or not.

    A missing image matters too: when it appears later, the output must be rebuilt.
    """

    seen: list[Reference] = field(default_factory=list, compare=False)

    def locate(self, ref: str, base: Path) -> Path:
        if not is_remote(ref) and not ref.startswith("data:"):
            self.seen.append((ref, str(base)))
        return Resolver.locate(self, ref, base)


def referenced(article: Article) -> list[Reference]:
    """Images the article itself references: Markdown images, raw `<img src>`, and the cover."""
    base = str(article.path.parent)
    refs: list[str] = []
    for node in walk(article.ast.get("blocks", [])):
        if node["t"] == "Image":
            refs.append(node["c"][2][0])
        elif node["t"] in ("RawInline", "RawBlock") and node["c"][0] == "html":
            refs.extend(_IMG_SRC.findall(node["c"][1]))
    if article.metadata.cover:
        refs.append(article.metadata.cover)
    return [(ref, base) for ref in dict.fromkeys(refs) if ref and not is_remote(ref)
            and not ref.startswith(("data:", "#"))]


def fingerprint(resolver: Resolver, refs: list[Reference]) -> dict[str, str | None]:
    """`["ref", "base"]` (JSON) → path and sha256 of the file it resolves to now, or None when it resolves to nothing."""
    out: dict[str, str | None] = {}
    for ref, base in refs:
        key = json.dumps([ref, base], ensure_ascii=False)
        if key in out:
            continue
        try:
            path = resolver.locate(ref, Path(base))
            out[key] = f"{path}:{hashlib.sha256(path.read_bytes()).hexdigest()}"
        except (ResourceRefused, OSError):
            out[key] = None
    return out
