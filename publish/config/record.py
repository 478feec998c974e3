"""The global options of one article, with their defaults, in one frozen record."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Literal

from publish.config import options
from publish.deliver.options import ImagesOptions
from publish.errors import UsageError
from publish.render.fonts import DEFAULT_CJK_FALLBACK, CjkFace

RawHtml = Literal["safe", "trusted"]
"""How the author's raw HTML reaches the outputs: `safe` through an allow-list
(`publish.normalize.html_policy.PAGE`), `trusted` as written."""


@dataclass(frozen=True, slots=True)
class TypographyOptions:
    """`[typography]`: fixes made to the prose of every output, never to the source."""

    #: autocorrect's spaces and punctuation between CJK and Latin (`publish fix` writes the same
    #: fixes into the source; `publish check --typography` lists them).
    autocorrect: bool = False


@dataclass(frozen=True, slots=True)
class Config:
    """Effective options of one article (defaults < config file < front matter `publish:` < CLI).

    The fields are the global keys; their types are the rules every layer is checked with
    (`publish.config.options`). Each exporter's own options are a frozen record of its `options` class,
    in `exporters[name]`, so a new exporter adds options without touching this class.
    """

    root: Path | None = None
    site_url: str | None = None
    site_root: Path | None = None
    allow_remote: bool = False
    remote_timeout: float = field(default=10.0, metadata=options.rule(0.1, 3600))
    pandoc_timeout: float = field(default=60.0, metadata=options.rule(0.1, 3600))
    toc: bool = False
    strict: bool = False
    drafts: bool = False
    indented_prose: bool = True
    #: Print template tags no rule knows (`{% include ad.html %}`, `{{ page.x }}`) as text instead
    #: of leaving them out (with a warning) of every output.
    keep_unknown_tags: bool = False
    #: The page theme (HTML, PDF, EPUB stylesheets); the WeChat snippet's is `[wechat] theme`.
    theme: str = "default"
    raw_html: RawHtml = "safe"
    #: Whether an article's front matter may set `raw_html: trusted` for itself (only the
    #: config file can say so: an article cannot vouch for its own author).
    allow_front_matter_raw_html: bool = False
    #: The Noto CJK face for Han quoted in an article in another language.
    cjk_fallback: CjkFace = DEFAULT_CJK_FALLBACK
    typography: TypographyOptions = field(default_factory=TypographyOptions,
                                          metadata=options.rule(help="[typography]"))
    #: Where local images are hosted for the paste targets (`[images]`, `publish.deliver`).
    images: ImagesOptions = field(default_factory=ImagesOptions, metadata=options.rule(help="[images]"))
    #: `--upload`: send the images the host lacks during the build (else only cached URLs are used).
    upload: bool = False
    exporters: Mapping[str, options.Record] = field(default_factory=dict,
                                                    metadata=options.rule(help="internal"))

    def __post_init__(self) -> None:
        try:
            options.check(self)
        except options.Invalid as exc:
            raise UsageError(*str(exc).split(": ", 1)) from None


#: Tables of global options that are not a format's (`[typography]`, `[images]`): the `Config` fields
#: whose type is an options record. Like a format's table, each is checked key by key and merged
#: key by key across the layers (`publish.config.files`); a record inside one (`[images.s3]`) is
#: one value.
SECTIONS: Mapping[str, type[options.Record]] = {
    name: spec.hint for name, spec in options.specs(Config).items() if options.is_options(spec.hint)}
GLOBAL_KEYS = frozenset(f.name for f in fields(Config)) - {"exporters"} - SECTIONS.keys()
