"""What happened to one article in a run: one frozen record, built once where it is decided.

`pipeline.convert` builds it for an article it converted (or checked); the run's plan builds it for
an article that is up to date. It crosses process boundaries as it is (exceptions do not: an error
is in `diagnostics`, as every other problem), and the manifest, the display and the report read it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from publish.errors import PublishError
from publish.model import Diagnostic
from publish.runtime.dependencies import Reference
from publish.source.discover import Target

Status = Literal["ok", "skipped", "failed"]


@dataclass(frozen=True, slots=True)
class Outcome:
    """One article's status, outputs by format, problems, seconds per stage, and what an
    incremental build needs next time to decide whether the outputs are up to date."""

    target: Target
    status: Status = "ok"
    reason: str = ""
    formats: Mapping[str, list[Path]] = field(default_factory=dict)
    diagnostics: tuple[Diagnostic, ...] = ()
    timings: Mapping[str, float] = field(default_factory=dict)
    source_digest: str = ""
    theme: str = ""
    references: tuple[Reference, ...] = ()
    #: What failed it: "source" (load, parse, options: every format would fail alike), or
    #: "export" (one exporter's `ExportError`); empty when it did not fail on an error.
    stage: str = ""
    #: Images this run sent to the image host for this article (`--upload`), root-relative paths.
    uploaded: tuple[str, ...] = ()

    @property
    def outputs(self) -> list[Path]:
        """Every file written, once (the preview page belongs to each paste target's format)."""
        return list(dict.fromkeys(p for paths in self.formats.values() for p in paths))

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "warning"]

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "error"]


def verdict(status: Status, reason: str, diagnostics: Sequence[Diagnostic], strict: bool) -> tuple[Status, str]:
    """The status to report: with --strict, an article with warnings counts as failed (its files
    are still written)."""
    if strict and status != "failed" and any(d.severity == "warning" for d in diagnostics):
        return "failed", "warnings (--strict)"
    return status, reason


def error_diagnostic(error: PublishError, fallback: Path) -> Diagnostic:
    """A `PublishError` as the diagnostic the outcome carries (at its file and line when it has one)."""
    path = getattr(error, "path", None) or fallback
    fmt = getattr(error, "fmt", "")
    return Diagnostic(Path(path), getattr(error, "line", None), "error", error.what, error.fix,
                      formats=(fmt,) if fmt else ())
