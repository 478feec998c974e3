"""The manifest in the output folder: what each output was built from, to skip unchanged work.

Per source and format it records the hashes of the source bytes, of every local file the article
referenced (as references, re-resolved next time), of the effective config and of the styles,
plus the package versions, the output files and the warnings. Deciding that an output is up to
date reads only those files: no pandoc, no exporter, no worker process.

The file is replaced atomically and only ever lists outputs that were completely written, so an
interrupted run leaves a manifest that matches the disk (at worst it forgets finished work).
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from publish import exporters as registry
from publish.config import themes
from publish.config.themes import load_theme
from publish.errors import OutputError, PublishError
from publish.model import Diagnostic
from publish.runtime.atomic import locked
from publish.runtime.dependencies import Reference, fingerprint
from publish.runtime.resources import Resolver
from publish.runtime.state_files import read_table, write_table
from publish.source.discover import Target

NAME = ".publish-manifest.json"
SCHEMA = 1


@functools.cache
def package_version(fmt: str) -> str:
    """`publish` and the distribution that provides `fmt`: a new version may change the output."""
    try:
        own = version("publish")
    except PackageNotFoundError:
        own = "unknown"
    entry = registry.registered().get(fmt)
    dist = entry.entry_point.dist if entry is not None else None
    return f"publish {own}; {dist.name} {dist.version}" if dist is not None else f"publish {own}"


@functools.cache
def styles_digest(theme: str) -> str:
    """`Theme.digest()` over the whole `styles/` folder, not only the theme's: exporters also read
    styles of their own (`styles/wechat/`), and a style edit is rare enough to rebuild everything.
    `theme` is kept in the entry (and in the config digest) to say which theme was used."""
    try:
        load_theme(theme)
    except PublishError:  # a removed theme: whatever was built with it is stale
        return "missing"
    return themes.Theme("styles", themes.styles_root()).digest()


@dataclass(slots=True)
class Entry:
    """What one output set (one source, one format) was built from."""

    source: str
    config: str
    version: str
    theme: str
    styles: str
    references: dict[str, str | None]
    outputs: dict[str, int]
    diagnostics: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Entry:
        return cls(**{k: data[k] for k in cls.__dataclass_fields__})


def diagnostic_to_json(d: Diagnostic) -> dict[str, Any]:
    return {"path": str(d.path), "line": d.line, "severity": d.severity, "message": d.message, "fix": d.fix,
            "end_line": d.end_line, "kind": d.kind, "subject": d.subject, "formats": list(d.formats)}


def diagnostic_from_json(d: Mapping[str, Any]) -> Diagnostic:
    return Diagnostic(Path(d["path"]), d["line"], d["severity"], d["message"], d["fix"],
                      d.get("end_line"), d.get("kind", ""), d.get("subject", ""), tuple(d.get("formats", ())))


class Manifest:
    """The manifest of one output folder, loaded once, updated per result, saved atomically."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self.path = out_dir / NAME
        self.sources: dict[str, dict[str, Any]] = _read(self.path)
        self.touched: set[str] = set()
        self._fingerprints: dict[str, dict[str, str | None]] = {}

    @staticmethod
    def key(target: Target) -> str:
        return target.relative.as_posix()

    def stale(self, target: Target, formats: Sequence[str], config_digest: Callable[[str], str],
              resolver: Resolver, drafts: bool = False) -> bool:
        """Whether any of `formats` must be rebuilt for `target` (or it is an unchanged draft: False)."""
        record = self.sources.get(self.key(target), {})
        try:
            digest = hashlib.sha256(target.path.read_bytes()).hexdigest()
        except OSError:
            return True  # let the build report it
        draft = record.get("draft")
        if draft is not None:
            return drafts or target.explicit or draft != digest
        for fmt in formats:
            data = record.get("formats", {}).get(fmt)
            if data is None:
                return True
            entry = Entry.from_json(data)
            if (entry.source != digest or entry.config != config_digest(fmt)
                    or entry.version != package_version(fmt) or entry.styles != styles_digest(entry.theme)
                    or not self._outputs_present(entry)
                    or self._fingerprint(entry.references, resolver) != entry.references):
                return True
        return False

    def is_draft(self, target: Target) -> bool:
        return self.sources.get(self.key(target), {}).get("draft") is not None

    def diagnostics(self, target: Target, formats: Sequence[str]) -> list[Diagnostic]:
        """The warnings recorded when the skipped outputs were built, to report them again."""
        record = self.sources.get(self.key(target), {}).get("formats", {})
        seen: dict[tuple[Any, ...], Diagnostic] = {}
        for fmt in formats:
            for d in record.get(fmt, {}).get("diagnostics", []):
                diagnostic = diagnostic_from_json(d)
                seen.setdefault((d["path"], d["line"], d["severity"], d["message"]), diagnostic)
        return list(seen.values())

    def outputs(self, target: Target, formats: Sequence[str]) -> dict[str, list[Path]]:
        record = self.sources.get(self.key(target), {}).get("formats", {})
        return {fmt: [self.out_dir / p for p in record.get(fmt, {}).get("outputs", {})] for fmt in formats}

    def record(self, target: Target, *, source: str, theme: str, config_digest: Callable[[str], str],
               formats: Mapping[str, list[Path]], references: list[Reference],
               diagnostics: Sequence[Diagnostic], resolver: Resolver, draft: bool = False) -> None:
        """Note a successful build (or an unchanged draft) of `target`."""
        key = self.key(target)
        self.touched.add(key)
        record = self.sources.setdefault(key, {})
        if draft:
            record["draft"] = source
            return
        record.pop("draft", None)
        refs = fingerprint(resolver, references)
        notes = [diagnostic_to_json(d) for d in diagnostics]
        for fmt, paths in formats.items():
            record.setdefault("formats", {})[fmt] = _entry_json(Entry(
                source=source, config=config_digest(fmt), version=package_version(fmt), theme=theme,
                styles=styles_digest(theme), references=refs,
                outputs={_relative(p, self.out_dir): p.stat().st_size for p in paths},
                diagnostics=notes))

    def forget(self, target: Target, formats: Sequence[str]) -> None:
        """A failed build: its old outputs may be gone or stale, so nothing is up to date."""
        key = self.key(target)
        self.touched.add(key)
        record = self.sources.get(key, {})
        record.pop("draft", None)
        for fmt in formats:
            record.get("formats", {}).pop(fmt, None)

    def save(self) -> None:
        """Merge what this run touched into the file on disk (other shards may share it), atomically."""
        if not self.touched or (not self.path.exists() and not any(self.sources.values())):
            return  # nothing built: leave the output folder as it was
        try:
            self._save()
        except OSError as exc:
            raise OutputError(self.path, f"cannot write the manifest: {exc.strerror or exc}",
                              "check that --out names a folder you can write to") from exc
        self.touched.clear()

    def _save(self) -> None:
        self.out_dir.mkdir(parents=True, exist_ok=True)
        with locked(self.out_dir):
            merged = _read(self.path)
            for key in self.touched:
                if self.sources.get(key):
                    merged[key] = self.sources[key]
                else:
                    merged.pop(key, None)
            write_table(self.path, SCHEMA, "sources", merged)

    def _outputs_present(self, entry: Entry) -> bool:
        for rel, size in entry.outputs.items():
            try:
                if (self.out_dir / rel).stat().st_size != size:
                    return False
            except OSError:
                return False
        return bool(entry.outputs)

    def _fingerprint(self, refs: Mapping[str, str | None], resolver: Resolver) -> dict[str, str | None]:
        key = json.dumps(sorted(refs))
        if key not in self._fingerprints:
            pairs = [json.loads(k) for k in refs]
            self._fingerprints[key] = fingerprint(resolver, [(ref, base) for ref, base in pairs])
        return self._fingerprints[key]


def _entry_json(entry: Entry) -> dict[str, Any]:
    return {name: getattr(entry, name) for name in Entry.__dataclass_fields__}


def _relative(path: Path, out_dir: Path) -> str:
    try:
        return path.relative_to(out_dir).as_posix()
    except ValueError:
        return path.as_posix()


def _read(path: Path) -> dict[str, dict[str, Any]]:
    """The manifest's sources; a missing, corrupt or older-schema file means "build everything"."""
    return read_table(path, SCHEMA, "sources")

