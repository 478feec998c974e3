"""`--report FILE.json`: one machine-readable record per article, for CI dashboards and bots.

Schema (version 1)::

    {"schema": 1, "publish": "0.1.0", "seconds": 12.3, "interrupted": false, "strict": false,
     "peak_worker_mb": 180.5,
     "summary": {"articles": 120, "converted": 3, "up_to_date": 116, "drafts": 0,
                 "warnings": 2, "failed": 1},
     "articles": [{"source": "posts/a.md", "status": "ok" | "skipped" | "failed",
                   "reason": "" | "up to date" | "draft" | "worker died" | ...,
                   "outputs": [{"format": "html", "path": "dist/posts/a.html"}],
                   "warnings": [{"location": "posts/a.md:12", "file": ..., "line": 12,
                                 "end_line": null, "kind": "missing-anchor",
                                 "subject": "#intro", "formats": [],
                                 "message": ..., "fix": ...}],
                   "errors": [...same shape...],
                   "timings": {"load": 0.01, "parse": 0.1, ..., "html": 0.02}}]}

Every warning is listed on its own, as the terminal does not (it groups repeats of a kind):
`kind` is its stable name (`""` when unclassified), `subject` what it is about (a link target, an
image path, a library; `""` when nothing in particular), `format` the `--to` name of the format
that gave it (`""` for the source stages; names joined by commas when several gave it alike),
`end_line` the last line of a span.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from publish.batch import Run
from publish.model import Diagnostic
from publish.outcome import Outcome
from publish.runtime.atomic import write_text_atomic

SCHEMA = 1


def data(run: Run, version: str) -> dict[str, Any]:
    """The report as JSON-ready data."""
    return {
        "schema": SCHEMA,
        "publish": version,
        "seconds": round(run.seconds, 3),
        "interrupted": bool(run.interrupted),
        "strict": run.strict,
        "peak_worker_mb": round(run.peak_worker_mb, 1),
        "summary": {
            "articles": len(run.outcomes),
            "converted": run.count("ok"),
            "up_to_date": run.count("skipped", "up to date"),
            "drafts": run.count("skipped", "draft"),
            "warnings": run.warnings,
            "failed": run.count("failed"),
        },
        "articles": [_article(o) for o in run.outcomes],
    }


def write(path: Path, run: Run, version: str) -> None:
    """Write the report atomically (a CI step reading it never sees half a file)."""
    write_text_atomic(path, json.dumps(data(run, version), ensure_ascii=False, indent=2) + "\n")


def _article(outcome: Outcome) -> dict[str, Any]:
    return {
        "source": str(outcome.target.path),
        "relative": outcome.target.relative.as_posix(),
        "status": outcome.status,
        "reason": outcome.reason,
        "outputs": [{"format": fmt, "path": str(p)} for fmt, paths in outcome.formats.items()
                    for p in paths],
        "warnings": [_diagnostic(d) for d in outcome.warnings],
        "errors": [_diagnostic(d) for d in outcome.errors],
        "timings": {stage: round(s, 4) for stage, s in outcome.timings.items()},
        "uploaded": list(outcome.uploaded),
    }


def _diagnostic(d: Diagnostic) -> dict[str, Any]:
    return {"location": d.location, "file": str(d.path), "line": d.line, "end_line": d.end_line,
            "kind": d.kind, "subject": d.subject, "formats": list(d.formats), "message": d.message, "fix": d.fix}
