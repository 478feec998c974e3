"""`[wechat]` options, declared once: the exporter, the snippet and the command line read these."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from publish.config.options import rule
from publish.exporters.snippet.options import Caption, ImageMode, ThemeColours


def _css_problem(path: Path) -> str | None:
    return None if path.is_file() else "no such file (a relative path is taken from the file that sets it)"


@dataclass(frozen=True, slots=True)
class WechatOptions(ThemeColours):
    """How the snippet looks and what it does with images; `copy` is for the clipboard hook."""

    css: Path | None = field(default=None, metadata=rule(check=_css_problem,
                                                         help="a CSS file applied after the theme"))
    images: ImageMode = field(default="link", metadata=rule(
        help="local images: link (and warn) or embed as data URIs"))
    image_url_map: Mapping[str, str] = field(default_factory=dict, metadata=rule(
        help="local image path = URL of the copy already uploaded to WeChat"))
    caption: Caption = field(default="title", metadata=rule(help="figure captions from the title, alt, or none"))
    include_title: bool = field(default=False, metadata=rule(help="start the snippet with the title"))
    copy: bool = field(default=False, metadata=rule(help="put the snippet on the clipboard after the build"))
    api_base: str = field(default="https://api.weixin.qq.com", metadata=rule(
        help="`publish draft`: where WeChat's API answers (a proxy, or a test server)"))
    open_comment: bool = field(default=False, metadata=rule(help="`publish draft`: open comments on the draft"))
