"""`[xiaohongshu]` and `[longimage]` options, declared once (imported without WeasyPrint or Pillow)."""

from __future__ import annotations

from dataclasses import dataclass, field

from publish.config.options import rule
from publish.config.record import Config
from publish.engines.options import engine_for
from publish.exporters.snippet.options import ThemeColours


@dataclass(frozen=True, slots=True)
class LongImageOptions(ThemeColours):
    """The long image's colours: a WeChat theme and its accent, as on the cover card."""


@dataclass(frozen=True, slots=True)
class CardOptions(ThemeColours):
    """The cards' colours, how many the platform takes, and what the last one says when cut."""

    max_cards: int = field(default=18, metadata=rule(2, 18, help="cards per note (the platform takes 18)"))
    #: What the last card says when the article needs more cards ("全文见公众号"); default: the
    #: article's web page under `site_url`, or a plain "continued" note.
    more: str | None = field(default=None, metadata=rule(help="what the last card says when cut"))


def warm_up_engine(config: Config | None) -> None:
    """Import the engine that will lay the pictures out (and Typst's fonts) before the first
    article; see `publish.runtime.offload`."""
    if config is not None and engine_for(config) == "typst":
        from publish.engines.typst import engine as typst_engine

        typst_engine.warm_up()
    else:
        from publish.engines.weasyprint import render

        render.warm_up()
