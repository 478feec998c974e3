"""The options the snippets and the pictures share: a WeChat theme and its accent colour, figure
captions, and what becomes of local images."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from publish.config.options import rule

Caption = Literal["title", "alt", "none"]
ImageMode = Literal["link", "embed"]


def _theme_problem(name: str) -> str | None:
    from publish.exporters.snippet import theme

    return None if name in theme.available() else f"must be a WeChat theme: {', '.join(theme.available())}"


def _colour_problem(colour: str) -> str | None:
    from publish.exporters.snippet import theme

    return None if theme.is_colour(colour) else "must be a CSS colour, e.g. '#0f766e' or 'rgb(15,118,110)'"



@dataclass(frozen=True, slots=True)
class ThemeColours:
    """A WeChat theme and its accent colour: the snippet's look, and the picture formats' colours
    (cards, long image), declared once."""

    theme: str = field(default="default", metadata=rule(check=_theme_problem,
                                                        help="a WeChat theme (styles/wechat/NAME.css)"))
    primary_color: str | None = field(default=None, metadata=rule(check=_colour_problem,
                                                                  help="the theme's accent colour"))
