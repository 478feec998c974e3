"""Every option of the platform exporters, read and checked in one place.

Issue #12 turns exporter options into typed frozen structures validated once; until then this is
the one spot that reads `ctx.option`, so porting is a change here only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from publish.errors import UsageError

if TYPE_CHECKING:
    from publish.exporters import ExportContext

#: Option names and defaults per platform exporter (for `publish formats` and the README).
DEFAULTS: Mapping[str, Mapping[str, object]] = {
    "juejin": {"image_url_map": {}, "theme": None, "highlight": None},
    "csdn": {"image_url_map": {}},
    "devto": {"image_url_map": {}},
    "zhihu": {"image_url_map": {}},
}


@dataclass(frozen=True, slots=True)
class PlatformOptions:
    """What a platform exporter needs besides the article.

    `image_url_map` is per platform on purpose: images uploaded to WeChat (mmbiz) are
    hotlink-blocked elsewhere (Wechatsync #113), so one platform's map is not another's.
    """

    name: str
    site_url: str | None = None
    image_url_map: Mapping[str, str] = field(default_factory=dict)
    theme: str | None = None
    highlight: str | None = None


def read(name: str, ctx: ExportContext) -> PlatformOptions:
    """The options of exporter `name`; a wrong value is a `UsageError` naming the fix."""
    values = {key: ctx.option(name, key, default) for key, default in DEFAULTS[name].items()}
    url_map = values.get("image_url_map") or {}
    if not isinstance(url_map, Mapping):
        raise UsageError(f"{name} image_url_map must be a table of path = URL",
                         f'e.g. [{name}.image_url_map] "img/a.png" = "https://cdn.example.com/a.png"')
    text = {key: (None if values.get(key) in (None, "") else str(values.get(key)))
            for key in ("theme", "highlight")}
    return PlatformOptions(name, ctx.config.site_url, {str(k): str(v) for k, v in url_map.items()},
                           text["theme"], text["highlight"])
