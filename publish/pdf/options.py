"""The PDF exporter's options, read once per export into one frozen record.

Both engines (WeasyPrint and Typst) take the same options; reading them in this one place keeps
the port to typed exporter options (issue #12) a one-spot change.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from publish.errors import UsageError

#: The layout engines `engine` may name; the first is the default.
ENGINES = ("weasyprint", "typst")

#: Option keys and defaults, as `publish.toml` `[pdf]`, front matter `publish: {pdf: …}` and the
#: command line set them (the `options` ClassVar of the exporter).
DEFAULTS: dict[str, Any] = {
    "engine": ENGINES[0],
    "page_size": "A4",
    "margin": "22mm 20mm 24mm",
    "variant": None,
    "tags": True,
    "cjk_indent": True,
    "body_font": None,
    "heading_font": None,
}


@dataclass(frozen=True, slots=True)
class PdfOptions:
    """What one PDF export was asked for, validated."""

    engine: str
    page_size: str
    margin: str
    variant: str | None
    tags: bool
    cjk_indent: bool
    body_font: str | None
    heading_font: str | None

    @classmethod
    def read(cls, option: Any) -> PdfOptions:
        """From `option(key, default)` (an `ExportContext.option` bound to the format)."""
        values = {key: option(key, default) for key, default in DEFAULTS.items()}
        engine = str(values["engine"]).strip().lower()
        if engine not in ENGINES:
            raise UsageError(f"unknown PDF engine '{values['engine']}'",
                             f"use one of {', '.join(ENGINES)} (--pdf-engine, or engine in [pdf])")
        return cls(engine=engine, page_size=str(values["page_size"]), margin=str(values["margin"]),
                   variant=values["variant"] or None, tags=bool(values["tags"]),
                   cjk_indent=bool(values["cjk_indent"]), body_font=values["body_font"] or None,
                   heading_font=values["heading_font"] or None)
