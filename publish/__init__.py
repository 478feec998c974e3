"""publish: front-matter Markdown to PDF, EPUB, HTML and WeChat-ready HTML, through one pipeline."""

from __future__ import annotations

from publish.config import Config
from publish.exporters import ExportContext, Exporter
from publish.model import Article, Metadata
from publish.pipeline import convert, prepare

__version__ = "0.1.0"
__all__ = ["Article", "Config", "ExportContext", "Exporter", "Metadata", "convert", "prepare"]
