"""The options of the platform exporters, declared once as typed records (see `publish.config.options`),
and `read`, which gives a platform renderer what it needs: them plus the global `site_url`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from publish.config.options import rule

if TYPE_CHECKING:
    from publish.exporters import ExportContext, Exporter
    from publish.runtime.resources import Resolver

_MAP_HELP = "local image path = URL of the copy already uploaded to this platform"


@dataclass(frozen=True, slots=True)
class MapOptions:
    """`[zhihu]`, `[csdn]`, `[devto]`: `image_url_map` is per platform on purpose: images uploaded to
    WeChat (mmbiz) are hotlink-blocked elsewhere (Wechatsync #113), so one platform's map is not
    another's."""

    image_url_map: Mapping[str, str] = field(default_factory=dict, metadata=rule(help=_MAP_HELP))


@dataclass(frozen=True, slots=True)
class DevtoOptions(MapOptions):
    """`[devto]`: the image map, and where `publish draft` finds dev.to's API."""

    api_base: str = field(default="https://dev.to", metadata=rule(
        help="`publish draft`: where dev.to's API answers (a proxy, or a test server)"))


@dataclass(frozen=True, slots=True)
class JuejinOptions:
    """`[juejin]`: the image map, and the theme lines its front matter may carry."""

    image_url_map: Mapping[str, str] = field(default_factory=dict, metadata=rule(help=_MAP_HELP))
    theme: str | None = field(default=None, metadata=rule(help="Juejin article theme"))
    highlight: str | None = field(default=None, metadata=rule(help="Juejin code highlight style"))


@dataclass(frozen=True, slots=True)
class PlatformOptions:
    """What a platform renderer needs besides the article (built by `read`, never by hand)."""

    name: str
    site_url: str | None
    image_url_map: Mapping[str, str]
    theme: str | None
    highlight: str | None
    #: The image host's URLs by root-relative path (`ExportContext.hosted`); None without a host.
    hosted: Mapping[str, str] | None = None
    #: The article's resolver, for images normalize did not mark (the front matter's cover).
    resolver: Resolver | None = None


def read(exporter: Exporter, ctx: ExportContext) -> PlatformOptions:
    """The exporter's checked options (`ctx.options_for`) with the global `site_url` and the
    hosted image URLs."""
    declared: MapOptions | DevtoOptions | JuejinOptions = ctx.options_for(exporter)
    return PlatformOptions(exporter.name, ctx.config.site_url, declared.image_url_map,
                           getattr(declared, "theme", None) or None, getattr(declared, "highlight", None) or None,
                           ctx.hosted, ctx.resolver)
