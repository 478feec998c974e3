"""publish: front-matter Markdown to PDF, EPUB, HTML and WeChat-ready HTML, through one pipeline."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from publish.config.record import Config
from publish.exporters import ExportContext, Exporter
from publish.model import Article, Metadata

if TYPE_CHECKING:
    from publish.pipeline import convert, prepare

__version__ = "0.1.0"
__all__ = ["Article", "Config", "ExportContext", "Exporter", "Metadata", "convert", "prepare"]


def __getattr__(name: str) -> Any:
    """`convert` and `prepare` on first use: importing the pipeline loads pandoc's wrapper and YAML,
    which a no-op batch run (everything up to date) never needs."""
    if name in ("convert", "prepare"):
        from publish import pipeline

        return getattr(pipeline, name)
    raise AttributeError(f"module 'publish' has no attribute {name!r}")
