"""The author's raw HTML: one allow-list `Policy` type, the page's policy, and how fragments are cleaned.

Raw HTML in Markdown passes through pandoc untouched, so without a policy a `<script>`, an
`onclick` or a `javascript:` link an article's author wrote runs in every reader's browser. Articles
come from many authors in CI, so the default (`raw_html = "safe"`) keeps what a reader sees (text,
structure, formatting, images, links, embedded players) and removes what runs; `"trusted"` keeps it
all. The page, PDF and EPUB get `PAGE` once, in the normalize stage (`publish.normalize.raw_html`);
the WeChat snippet narrows the same `Policy` to what its editor keeps (`publish.exporters.wechat.sanitize`).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import nh3

#: Removed with their content by every policy: code and styling a page runs (the guard excludes
#: their text from the source too), `<noscript>` (to a browser its content is raw text that no
#: sanitizer can clean as markup) and inline `<svg>` (graphics whose links and scripts are a
#: sanitizer's classic blind spot).
DROPPED_WITH_CONTENT = frozenset({"script", "style", "template", "noscript", "svg"})

#: MathML a formula needs (no `annotation-xml`, which can hold HTML).
MATHML = frozenset({
    "math", "mi", "mn", "mo", "ms", "mtext", "mspace", "mrow", "mfrac", "msqrt", "mroot", "mstyle",
    "merror", "mpadded", "mphantom", "mfenced", "menclose", "msub", "msup", "msubsup", "munder",
    "mover", "munderover", "mmultiscripts", "mprescripts", "none", "mtable", "mtr", "mtd",
    "mlabeledtr", "semantics", "annotation",
})

#: Style properties that format text and boxes; nothing that moves a box over the page
#: (`position`, `z-index`, `transform`), loads behaviour or hides the pointer.
STYLE_PROPERTIES = frozenset({
    "color", "background", "background-color", "font", "font-family", "font-size", "font-style",
    "font-weight", "font-variant", "text-align", "text-decoration", "text-indent", "text-transform",
    "letter-spacing", "word-spacing", "line-height", "white-space", "word-break", "overflow-wrap",
    "word-wrap", "vertical-align", "width", "height", "max-width", "max-height", "min-width",
    "min-height", "margin", "margin-top", "margin-right", "margin-bottom", "margin-left", "padding",
    "padding-top", "padding-right", "padding-bottom", "padding-left", "border", "border-top",
    "border-right", "border-bottom", "border-left", "border-color", "border-style", "border-width",
    "border-radius", "border-collapse", "border-spacing", "display", "float", "clear", "list-style",
    "list-style-type", "list-style-position", "table-layout", "caption-side", "overflow",
    "overflow-x", "overflow-y", "box-sizing", "direction", "writing-mode", "opacity",
})

#: Attributes whose value is a URL: their scheme is what the policy checks.
URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "cite", "poster", "data",
                            "background", "longdesc", "ping", "xlink:href"})
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")
_IGNORED_IN_URLS = re.compile(r"[\x00-\x20]")


def url_scheme(value: str) -> str | None:
    """The scheme of a URL as a browser reads it (`java\\tscript:` is `javascript`), lower case."""
    match = _SCHEME.match(_IGNORED_IN_URLS.sub("", value))
    return match.group(1).lower() if match else None


@dataclass(frozen=True, slots=True)
class Policy:
    """What of an HTML fragment survives: an allow-list of tags, attributes, URL schemes, styles.

    A tag outside `tags` is removed and its content kept, except the `dropped_with_content` ones.
    """

    tags: frozenset[str]
    attributes: Mapping[str, frozenset[str]]
    url_schemes: frozenset[str]
    dropped_with_content: frozenset[str] = DROPPED_WITH_CONTENT
    #: Attribute name prefixes allowed on every tag (`data-`, `aria-`).
    attribute_prefixes: frozenset[str] = frozenset()
    #: Attributes allowed only with these values, per tag.
    attribute_values: Mapping[str, Mapping[str, frozenset[str]]] = field(default_factory=dict)
    style_properties: frozenset[str] | None = None
    #: `data:image/…` URLs are allowed on `<img src>` (an image, never a page or a script).
    data_images: bool = False
    #: Attribute name prefixes that only publish writes (`data-publish-src` says a file was checked).
    reserved_prefixes: frozenset[str] = frozenset()

    def clean(self, html: str, keep_comments: bool = False) -> str:
        """`html` with everything outside the policy removed (nh3, html5ever's parser)."""
        needs_filter = self.data_images or bool(self.reserved_prefixes)
        return nh3.clean(
            html,
            tags=set(self.tags),
            clean_content_tags=set(self.dropped_with_content),
            attributes={tag: set(names) for tag, names in self.attributes.items()},
            attribute_filter=self._filter if needs_filter else None,
            strip_comments=not keep_comments,
            link_rel=None,
            generic_attribute_prefixes=set(self.attribute_prefixes) or None,
            tag_attribute_values={tag: {k: set(v) for k, v in attrs.items()}
                                  for tag, attrs in self.attribute_values.items()},
            url_schemes=set(self.url_schemes | ({"data"} if self.data_images else set())),
            filter_style_properties=set(self.style_properties) if self.style_properties is not None else None,
        )

    def _filter(self, tag: str, attribute: str, value: str) -> str | None:
        if any(attribute.startswith(p) for p in self.reserved_prefixes):
            return None
        if attribute in URL_ATTRIBUTES and url_scheme(value) == "data":
            image = tag == "img" and attribute == "src" and value.strip().lower().startswith("data:image/")
            return value if image else None
        return value

    def clean_fragments(self, fragments: Sequence[str]) -> list[str]:
        """Each fragment cleaned as part of one document, in order, so that an element opened in
        one fragment and closed in another stays one element (`<div class="tip">` … Markdown …
        `</div>`, `<a href>` … text … `</a>`), and a `<script>` spanning fragments goes whole.

        The fragments are joined with numbered comments, cleaned together, and split at the
        comments again (so the author's comments stay too: harmless, and never cut out of the
        serialized HTML by a pattern, which could cut across an attribute). The numbers carry a
        hash of the fragments, which an author cannot write in advance. A fragment whose comment
        did not survive (it was inside a removed `<script>`) comes back empty, its output joined
        to the one before; should the parser have reordered the comments, each fragment is
        cleaned alone instead.
        """
        if len(fragments) < 2:
            return [self.clean(f, keep_comments=True) for f in fragments]
        nonce = hashlib.sha256("\x00".join(fragments).encode()).hexdigest()[:16]
        joined = "".join(f if i == 0 else f"<!--publish-raw:{nonce}:{i}-->{f}" for i, f in enumerate(fragments))
        cleaned = self.clean(joined, keep_comments=True)
        marker = re.compile(rf"<!--publish-raw:{nonce}:(\d+)-->")
        escaped = re.compile(rf"&lt;!--publish-raw:{nonce}:\d+--&gt;")  # inside a <textarea> and the like
        pieces = marker.split(escaped.sub("", cleaned))
        found = [int(i) for i in pieces[1::2]]
        if found != sorted(set(found)):
            return [self.clean(f, keep_comments=True) for f in fragments]
        out = [""] * len(fragments)
        out[0] = pieces[0]
        for index, text in zip(found, pieces[2::2], strict=True):
            out[index] = text
        return out


PAGE = Policy(
    tags=frozenset({
        "a", "abbr", "acronym", "address", "area", "article", "aside", "audio", "b", "bdi", "bdo",
        "big", "blockquote", "br", "caption", "center", "cite", "code", "col", "colgroup", "data", "dd",
        "del", "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "font", "footer",
        "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "i", "iframe", "img", "ins", "kbd",
        "li", "main", "map", "mark", "nav", "ol", "p", "picture", "pre", "q", "rp", "rt", "rtc", "ruby",
        "s", "samp", "section", "small", "source", "span", "strike", "strong", "sub", "summary", "sup",
        "table", "tbody", "td", "tfoot", "th", "thead", "time", "tr", "track", "tt", "u", "ul", "var",
        "video", "wbr",
    }) | MATHML,
    attributes={
        "*": frozenset({"class", "id", "title", "lang", "dir", "style", "align", "valign", "width",
                        "height", "role"}),
        "a": frozenset({"href", "name", "target", "rel", "hreflang", "type"}),
        "area": frozenset({"href", "alt", "shape", "coords", "target"}),
        "img": frozenset({"src", "alt", "loading", "decoding", "usemap", "border", "hspace", "vspace"}),
        "map": frozenset({"name"}),
        "iframe": frozenset({"src", "frameborder", "allowfullscreen", "scrolling", "loading"}),
        "video": frozenset({"src", "poster", "controls", "loop", "muted", "playsinline", "preload", "autoplay"}),
        "audio": frozenset({"src", "controls", "loop", "muted", "preload"}),
        "source": frozenset({"src", "type", "media"}),
        "track": frozenset({"src", "kind", "srclang", "label", "default"}),
        "ol": frozenset({"start", "type", "reversed"}),
        "ul": frozenset({"type"}),
        "li": frozenset({"value"}),
        "table": frozenset({"border", "cellpadding", "cellspacing", "summary", "bgcolor"}),
        "tr": frozenset({"bgcolor"}),
        "td": frozenset({"colspan", "rowspan", "headers", "scope", "bgcolor", "nowrap"}),
        "th": frozenset({"colspan", "rowspan", "headers", "scope", "bgcolor", "nowrap"}),
        "col": frozenset({"span"}),
        "colgroup": frozenset({"span"}),
        "font": frozenset({"color", "size", "face"}),
        "details": frozenset({"open"}),
        "time": frozenset({"datetime"}),
        "data": frozenset({"value"}),
        "q": frozenset({"cite"}),
        "blockquote": frozenset({"cite"}),
        "del": frozenset({"cite", "datetime"}),
        "ins": frozenset({"cite", "datetime"}),
        **{tag: frozenset({"display", "mathvariant", "mathsize", "displaystyle", "scriptlevel", "stretchy",
                           "fence", "separator", "lspace", "rspace", "accent", "accentunder",
                           "linethickness", "columnalign", "rowalign", "columnspan", "rowspan",
                           "notation", "open", "close", "separators", "encoding"}) for tag in MATHML},
    },
    url_schemes=frozenset({"http", "https", "mailto", "tel", "ftp", "ftps"}),
    attribute_prefixes=frozenset({"data-", "aria-"}),
    style_properties=STYLE_PROPERTIES,
    data_images=True,
    reserved_prefixes=frozenset({"data-publish-"}),
)
"""The page's policy for the author's raw HTML when `raw_html = "safe"` (the default)."""
