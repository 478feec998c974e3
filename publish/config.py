"""Options that change what the pipeline produces, with their defaults, in one frozen record."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Literal

RawHtml = Literal["safe", "trusted"]
"""How the author's raw HTML reaches the outputs: `safe` through an allow-list
(`publish.raw_html.PAGE`), `trusted` as written."""

from publish.errors import UsageError
from publish.fonts import CJK_FACES, DEFAULT_CJK_FALLBACK


@dataclass(frozen=True, slots=True)
class Config:
    """Effective options for one run (defaults < config file < front matter `publish:` < CLI).

    Exporter-specific options live in `exporters[name]`, validated by the exporter's own
    `options` defaults, so a new exporter adds options without touching this class.
    """

    root: Path | None = None
    site_url: str | None = None
    site_root: Path | None = None
    allow_remote: bool = False
    remote_timeout: float = 10.0
    pandoc_timeout: float = 60.0
    toc: bool = False
    strict: bool = False
    drafts: bool = False
    indented_prose: bool = True
    theme: str = "default"
    raw_html: RawHtml = "safe"
    #: Whether an article's front matter may set `raw_html: trusted` for itself (only the
    #: config file can say so: an article cannot vouch for its own author).
    allow_front_matter_raw_html: bool = False
    cjk_fallback: str = DEFAULT_CJK_FALLBACK
    exporters: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for key, allowed in CHOICES.items():
            if getattr(self, key) not in allowed:
                raise UsageError(f"{key} = {getattr(self, key)!r} is not a choice",
                                 f"use one of {', '.join(allowed)}")

    def option(self, exporter: str, key: str, default: Any = None) -> Any:
        """An exporter option, or `default` when neither config nor CLI set it."""
        return self.exporters.get(exporter, {}).get(key, default)


GLOBAL_KEYS = frozenset(f.name for f in fields(Config)) - {"exporters"}
#: Global keys whose value is one of a few names; a config file may write them in any case.
CHOICES: Mapping[str, tuple[str, ...]] = {"cjk_fallback": CJK_FACES}
