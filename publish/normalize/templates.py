"""Jekyll/Hexo template tags: what Liquid or Nunjucks would have done before Markdown, offline.

Blog engines expand `{% %}` and `{{ }}` before the Markdown renderer sees the text, everywhere
(code blocks included, which is why writers wrap examples in `{% raw %}`). We follow the same
order on the raw body: `{% raw %}` regions are set aside untouched and their markers removed;
`{% highlight lang %}` and Hexo's `{% codeblock %}`/`{% code %}` become fenced code blocks;
`{{ site.url }}` and `{{ site.baseurl }}` (Hexo: `{{ config.url }}`, `{{ config.root }}`,
`{{ url_for('…') }}`) take `Config.site_url`; links to other posts
(Jekyll's `{% post_url 2024-03-01-slug %}`, Hexo's `{% post_link slug [text] %}`) become relative
links to those Markdown files, which the links transform then marks as article links; Hexo's
`{% asset_img a.png [title] %}` becomes an image in the post's asset folder.

Any other tag (`{% include ad.html %}`, `{{ page.views }}`, an mdBook `{{#include}}`) is what an
unknown plugin would have replaced: printed as written it is noise in every output, so it is left
out of the prose, with one warning per article naming them (`keep_unknown_tags` prints them as
text instead, a notice each). Code is never touched: fenced and indented code blocks (markdown-it's
block map), code spans and link targets keep their braces, as a writer documenting Liquid means.
"""

from __future__ import annotations

import functools
import os
import re
import unicodedata
import urllib.parse
from pathlib import Path
from typing import TYPE_CHECKING

from markdown_it import MarkdownIt

from publish.normalize import site_links
from publish.normalize.prose import looks_like_prose

if TYPE_CHECKING:
    from publish.normalize import Context

_RAW = re.compile(r"\{%-?\s*raw\s*-?%\}(.*?)\{%-?\s*endraw\s*-?%\}", re.DOTALL)
_BLOCK = re.compile(
    r"\{%-?\s*(?P<tag>highlight|codeblock|code)\b(?P<args>[^%]*?)-?%\}[ \t]*\n?"
    r"(?P<body>.*?)\n?[ \t]*\{%-?\s*end(?P=tag)\s*-?%\}",
    re.DOTALL)
#: Jekyll's `site.url`/`site.baseurl`, and the same for Hexo: `config.url`/`config.root`.
_SITE = re.compile(r"\{\{-?\s*(?P<key>site\.url|site\.baseurl|config\.url|config\.root)\s*-?\}\}")
_URL_FOR = re.compile(r"""\{\{-?\s*url_for\(\s*(?P<q>['"])(?P<path>[^'"]*)(?P=q)\s*\)\s*-?\}\}""")
#: The site path written right after `{{ site.url }}` (through `{{ site.baseurl }}`, if any).
_SITE_PATH = re.compile(r"(?:\{\{-?\s*site\.baseurl\s*-?\}\})?(/[^\s()\[\]<>\"']*)")
_SITE_PAIR = re.compile(r"\{\{-?\s*site\.url\s*-?\}\}\{\{-?\s*site\.baseurl\s*-?\}\}")
_POST = re.compile(r"\{%-?\s*(?P<tag>post_url|post_link|asset_img)\s+(?P<args>[^%]*?)\s*-?%\}")
_OTHER = re.compile(r"\{%-?.*?-?%\}|\{\{-?.*?-?\}\}")
#: An unknown tag with the blanks around it (collapsed to one, or none beside punctuation).
_SPACED = re.compile(rf"(?P<before>[ \t]*)(?P<tag>{_OTHER.pattern})(?P<after>[ \t]*)")
#: What an unknown tag in prose is not: code spans and link targets (`](…)`, `<…>`) are the author's.
_KEPT = re.compile(r"(?<!`)(`+)(?!`).+?(?<!`)\1(?!`)|\]\([^)\n]*\)|<[^>\n]*>", re.DOTALL)
_MD = MarkdownIt("commonmark")
_PROSE_BLOCKS = ("paragraph_open", "heading_open", "html_block")
#: Raw regions are replaced by these private-use markers while the rest is rewritten.
_HOLD = "\ue000{}\ue001"
_HELD = re.compile("\ue000(\\d+)\ue001")


def run(text: str, ctx: Context) -> str:
    """Expand the template tags a Jekyll or Hexo post uses; leave every other tag as text."""
    if "{%" not in text and "{{" not in text:  # the common case: nothing to do
        return text
    held: list[str] = []

    def hold(match: re.Match[str]) -> str:
        held.append(match.group(1))
        return _HOLD.format(len(held) - 1)

    first_raw = _RAW.search(text)
    raw_line = ctx.source.file_line(text.count("\n", 0, first_raw.start()) + 1) if first_raw else None
    text = _RAW.sub(hold, text)
    if held:
        ctx.report("notice", f"removed {len(held)} {{% raw %}} marker pair(s), content kept as written",
                   line=raw_line, kind="template-raw")
    text = _BLOCK.sub(lambda m: _fence(m, ctx), text)
    text = _site_vars(text, ctx)
    text = _POST.sub(lambda m: _post(m, ctx), text)
    if ctx.config.keep_unknown_tags:
        for match in _OTHER.finditer(text):
            ctx.report("notice", f"template tag {match.group(0)!r} left as text",
                       "remove it, or wrap it in {% raw %}", line=ctx.source.line_of(match.group(0)),
                       kind="template-tag", subject=match.group(0))
    elif _OTHER.search(text):
        text = _leave_out_unknown(text, ctx)
    return _HELD.sub(lambda m: held[int(m.group(1))], text)


def _leave_out_unknown(text: str, ctx: Context) -> str:
    """Unknown tags removed from the prose blocks (code kept), one warning naming them all."""
    lines = text.split("\n")
    removed: list[str] = []
    for token in _MD.parse(text):
        if token.map is None or not (token.type in _PROSE_BLOCKS or token.type == "code_block"
                                     and looks_like_prose(token.content.rstrip("\n").split("\n"))):
            continue
        start, end = token.map
        block = "\n".join(lines[start:end])
        fixed = _SPACED.sub(functools.partial(_removed, kept=[m.span() for m in _KEPT.finditer(block)],
                                              removed=removed), block)
        if fixed != block:  # the line count is kept: later reports name the author's lines
            lines[start:end] = fixed.split("\n")
    if removed:
        first = removed[0]
        named = ", ".join(dict.fromkeys(removed))
        ctx.report("warning", f"template tags left out: {named}", "remove them, or set keep_unknown_tags = true "
                   "to print them as text", line=ctx.source.line_of(first), kind="template-tag", subject=named)
    return "\n".join(lines)


def _removed(match: re.Match[str], *, kept: list[tuple[int, int]], removed: list[str]) -> str:
    """The blanks an unknown tag leaves: one between two words, none at an edge or beside punctuation."""
    tag = match.group("tag")
    if any(start <= match.start("tag") < end for start, end in kept):
        return match.group(0)
    removed.append(tag)
    text, before, after = match.string, match.start(), match.end()
    left = text[before - 1] if before else "\n"
    right = text[after] if after < len(text) else "\n"
    spaced = match.group("before") and match.group("after")
    joins_words = not _edge_or_punctuation(left) and not _edge_or_punctuation(right)
    return " " if spaced and joins_words else ""


def _edge_or_punctuation(char: str) -> bool:
    return char in "\n" or unicodedata.category(char)[0] in "PZ"


def _fence(match: re.Match[str], ctx: Context) -> str:
    """`{% highlight py %}…{% endhighlight %}` → a fence long enough for the code inside."""
    tag, args, body = match.group("tag"), match.group("args").split(), match.group("body")
    if tag == "highlight":
        lang = args[0] if args else ""
    else:  # Hexo: {% codeblock [title] [lang:language] [url] [link text] %}
        lang = next((a.split(":", 1)[1] for a in args if a.startswith("lang:")), "")
    longest = max((len(run) for run in re.findall(r"`+", body)), default=0)
    fence = "`" * max(3, longest + 1)
    ctx.report("notice", f"{{% {tag} %}} block made a fenced code block", "write a ``` fence in the source",
               line=ctx.source.line_of(match.group(0).split("\n")[0]), kind="template-block")
    before = "" if match.start() == 0 or match.string[match.start() - 1] == "\n" else "\n"
    return f"{before}{fence}{lang}\n{body}\n{fence}\n"


def _post(match: re.Match[str], ctx: Context) -> str:
    """`{% post_url name %}` → `../_posts/name.md`; `post_link` → a link; `asset_img` → an image."""
    tag, args = match.group("tag"), _args(match.group("args"))
    folder = ctx.source.path.parent
    if tag == "asset_img" and args:
        title = " ".join(args[1:])
        return f"![{title}](<{ctx.source.path.stem}/{args[0]}>)"
    found = _find_post(args[0], ctx) if args else None
    if found is None:
        ctx.report("warning", f"{match.group(0)!r}: no such post under the source root",
                   "check the post's file name", line=ctx.source.line_of(match.group(0)), kind="missing-post",
                   subject=match.group(0))
        return match.group(0)
    ref = Path(os.path.relpath(found, folder)).as_posix()
    if tag == "post_url":
        return ref
    return f"[{' '.join(args[1:]) or found.stem}](<{ref}>)"


def _args(text: str) -> list[str]:
    """Tag arguments split on spaces, with "quoted words" kept together."""
    return [a.strip('"') for a in re.findall(r'"[^"]*"|\S+', text)]


def _find_post(name: str, ctx: Context) -> Path | None:
    """The Markdown file a post name means: `2024-03-01-slug` (Jekyll) or `slug` (Hexo)."""
    root = (ctx.config.root or ctx.source.root).resolve()
    stem = name.strip("/").removesuffix(".md").removesuffix(".markdown")
    candidates = sorted(p for suffix in (".md", ".markdown") for p in root.rglob(f"{Path(stem).name}{suffix}"))
    return next((p for p in candidates if p.resolve().is_relative_to(root)), None)


def _site_vars(text: str, ctx: Context) -> str:
    """`{{ site.url }}` → the site URL; `{{ site.baseurl }}` → its path (Jekyll's split).

    Hexo's `{{ config.url }}`, `{{ config.root }}` and `{{ url_for('path') }}` likewise. Without a
    site URL, `{{ site.url }}/2018/06/12/slug/` is left as the site path of one of the site's own
    articles, which the links transform resolves: no warning for those.
    """
    if not _SITE.search(text) and not _URL_FOR.search(text):
        return text
    url = (ctx.config.site_url or "").rstrip("/")
    if not url and any(m.group("key").endswith(".url") and not _links_an_article(text, m.end(), ctx)
                       for m in _SITE.finditer(text)):
        ctx.report("warning", "{{ site.url }} used but no site URL is configured; replaced by nothing",
                   "pass --site-url https://example.com", line=ctx.source.line_of("site.url", "config.url"),
                   kind="site-url")
    base = urllib.parse.urlsplit(url).path.rstrip("/")
    values = {"site.url": url, "config.url": url, "site.baseurl": base, "config.root": base + "/"}
    text = _SITE_PAIR.sub(lambda _m: url, text)
    text = _URL_FOR.sub(lambda m: f"{base}/{m.group('path').lstrip('/')}", text)
    return _SITE.sub(lambda m: values[m.group("key")], text)


def _links_an_article(text: str, end: int, ctx: Context) -> bool:
    """Whether the site path written right after a site-URL tag (at `end`) is one of the site's articles."""
    after = _SITE_PATH.match(text, end)
    return after is not None and site_links.resolve(urllib.parse.urlsplit(after.group(1)).path, ctx) is not None
