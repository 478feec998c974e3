"""What a run is asked (`Request`), and what it will do (`Plan`): the shard, and which articles
are out of date per the manifest; the others are decided here, as up to date or draft."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from publish.batch.manifest import Manifest
from publish.config.files import Layers
from publish.errors import UsageError
from publish.outcome import Outcome, verdict
from publish.runtime.resources import Resolver
from publish.source.discover import Target


@dataclass(frozen=True, slots=True)
class Request:
    """Everything a run needs, decided by the command line and the config file."""

    targets: Sequence[Target]
    formats: Sequence[str]
    out_dir: Path
    layers: Layers
    jobs: int = 1
    force: bool = False
    shard: tuple[int, int] | None = None


@dataclass(frozen=True, slots=True)
class Job:
    """One article to convert to some formats; `index` orders the report like the command line."""

    index: int
    target: Target
    formats: tuple[str, ...]


@dataclass(slots=True)
class Plan:
    """The jobs of a run, and the outcomes already known (up to date, draft) by index."""

    request: Request
    manifest: Manifest
    jobs: list[Job] = field(default_factory=list)
    known: dict[int, Outcome] = field(default_factory=dict)
    _digests: dict[str, str] = field(default_factory=dict)

    @property
    def total(self) -> int:
        """Articles in this shard, converted or not: what the display counts."""
        return len(self.jobs) + len(self.known)

    @property
    def single(self) -> bool:
        """One article to convert (whatever the number named): the one place that decides that no
        pool is started and no progress-bar thread runs, so `publish.runtime.offload` may fork its helper."""
        return len(self.jobs) == 1

    def config_digest(self, fmt: str) -> str:
        """The hash of the options that change `fmt`'s output (computed once per run)."""
        if fmt not in self._digests:
            self._digests[fmt] = self.request.layers.digest(fmt)
        return self._digests[fmt]


def plan(request: Request) -> Plan:
    """Jobs for what is out of date in this shard; the rest gets its outcome at once."""
    base = request.layers.config()
    result = Plan(request, Manifest(request.out_dir))
    manifest = result.manifest
    for index, target in enumerate(request.targets):
        if not in_shard(target, request.shard):
            continue
        if (request.force or manifest.stale(target, request.formats, result.config_digest,
                                            Resolver.for_config(target.root, base), base.drafts)
                or (base.images.host != "none" and _lacked_images(manifest, target, request.formats))):
            result.jobs.append(Job(index, target, tuple(request.formats)))
        elif manifest.is_draft(target):
            result.known[index] = Outcome(target, "skipped", "draft")
        else:
            found = tuple(manifest.diagnostics(target, request.formats))
            status, reason = verdict("skipped", "up to date", found, base.strict)
            result.known[index] = Outcome(target, status, reason, manifest.outputs(target, request.formats),
                                          found)
    return result


#: The warnings of an output that left local images out for want of a URL.
UNHOSTED = frozenset({"platform-image", "wechat-image", "image-upload"})


def _lacked_images(manifest: Manifest, target: Target, formats: Sequence[str]) -> bool:
    """Whether an output left local images out for want of a URL: with an image host configured
    it is built again, since `publish upload` (or another article's `--upload`) may have hosted
    them since. An output whose images all had URLs stays up to date: a hosted URL never changes."""
    return any(d.kind in UNHOSTED for d in manifest.diagnostics(target, formats))


def parse_shard(value: str) -> tuple[int, int]:
    """`K/N` with 1 ≤ K ≤ N."""
    match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", value)
    if not match or not 1 <= int(match.group(1)) <= int(match.group(2)):
        raise UsageError(f"--shard {value!r} is not K/N", "e.g. --shard 1/4 … --shard 4/4")
    return int(match.group(1)), int(match.group(2))


def in_shard(target: Target, shard: tuple[int, int] | None) -> bool:
    """Stable partition by a hash of the relative path: the same file lands in the same shard on
    every machine and every run, and the shards together cover every file exactly once."""
    if shard is None:
        return True
    k, n = shard
    digest = hashlib.sha256(target.relative.as_posix().encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % n == k - 1
