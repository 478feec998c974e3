"""Which local files an article's outputs depend on, so a rebuild can be decided without pandoc.

An output depends on its source bytes, the config, the styles, and every local file the article
references or an exporter loaded. The references are recorded here during a build (as the raw
reference and the folder it is relative to); the next run re-resolves and re-hashes only those.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from publish.runtime.resources import Resolver, ResourceRefused, is_remote

Reference = tuple[str, str]
"""(reference as written, folder it is relative to): re-resolved on the next run."""

@dataclass(frozen=True, slots=True)
class RecordingResolver(Resolver):
    """A `Resolver` that remembers every local reference asked for, found or not.

    The pipeline hands one to normalize (which checks every link, Markdown image, raw `<img>` and
    the cover) and then to the exporters (stylesheets, fetched images), so what it has seen is
    everything the outputs depend on. A missing image matters too: when it appears later, the
    output must be rebuilt.
    """

    seen: list[Reference] = field(default_factory=list, compare=False)

    def locate(self, ref: str, base: Path) -> Path:
        if not is_remote(ref) and not ref.startswith("data:"):
            self.seen.append((ref, str(base)))
        return Resolver.locate(self, ref, base)


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
