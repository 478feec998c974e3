"""Jekyll/Hexo template tags: what Liquid or Nunjucks would have done before Markdown, offline.

Blog engines expand `{% %}` and `{{ }}` before the Markdown renderer sees the text, everywhere
(code blocks included, which is why writers wrap examples in `{% raw %}`). We follow the same
order on the raw body: `{% raw %}` regions are set aside untouched and their markers removed;
`{% highlight lang %}` and Hexo's `{% codeblock %}`/`{% code %}` become fenced code blocks;
`{{ site.url }}` and `{{ site.baseurl }}` take `Config.site_url`. Any other tag is left as text
with a notice: an unknown plugin's tag must never break the article.
"""

from __future__ import annotations

import re
import urllib.parse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from publish.normalize import Context

_RAW = re.compile(r"\{%-?\s*raw\s*-?%\}(.*?)\{%-?\s*endraw\s*-?%\}", re.DOTALL)
_BLOCK = re.compile(
    r"\{%-?\s*(?P<tag>highlight|codeblock|code)\b(?P<args>[^%]*?)-?%\}[ \t]*\n?"
    r"(?P<body>.*?)\n?[ \t]*\{%-?\s*end(?P=tag)\s*-?%\}",
    re.DOTALL)
_SITE = re.compile(r"\{\{-?\s*site\.(?P<key>url|baseurl)\s*-?\}\}")
_SITE_PAIR = re.compile(r"\{\{-?\s*site\.url\s*-?\}\}\{\{-?\s*site\.baseurl\s*-?\}\}")
_OTHER = re.compile(r"\{%-?.*?-?%\}|\{\{-?.*?-?\}\}")
#: Raw regions are replaced by these private-use markers while the rest is rewritten.
_HOLD = "\ue000{}\ue001"
_HELD = re.compile("\ue000(\\d+)\ue001")


def run(text: str, ctx: Context) -> str:
    """Expand the template tags a Jekyll or Hexo post uses; leave every other tag as text."""
    if "{%" not in text and "{{" not in text:
        return text
    held: list[str] = []

    def hold(match: re.Match[str]) -> str:
        held.append(match.group(1))
        return _HOLD.format(len(held) - 1)

    text = _RAW.sub(hold, text)
    if held:
        ctx.report("notice", f"removed {len(held)} {{% raw %}} marker pair(s), content kept as written",
                   ctx.line_of("raw"))
    text = _BLOCK.sub(lambda m: _fence(m, ctx), text)
    text = _site_vars(text, ctx)
    for match in _OTHER.finditer(text):
        ctx.report("notice", f"template tag {match.group(0)!r} left as text",
                   ctx.line_of(match.group(0)), "remove it, or wrap it in {% raw %}")
    return _HELD.sub(lambda m: held[int(m.group(1))], text)


def _fence(match: re.Match[str], ctx: Context) -> str:
    """`{% highlight py %}…{% endhighlight %}` → a fence long enough for the code inside."""
    tag, args, body = match.group("tag"), match.group("args").split(), match.group("body")
    if tag == "highlight":
        lang = args[0] if args else ""
    else:  # Hexo: {% codeblock [title] [lang:language] [url] [link text] %}
        lang = next((a.split(":", 1)[1] for a in args if a.startswith("lang:")), "")
    longest = max((len(run) for run in re.findall(r"`+", body)), default=0)
    fence = "`" * max(3, longest + 1)
    ctx.report("notice", f"{{% {tag} %}} block made a fenced code block", ctx.line_of(match.group(0)[:40]),
               "write a ``` fence in the source")
    before = "" if match.start() == 0 or match.string[match.start() - 1] == "\n" else "\n"
    return f"{before}{fence}{lang}\n{body}\n{fence}\n"


def _site_vars(text: str, ctx: Context) -> str:
    """`{{ site.url }}` → the site URL; `{{ site.baseurl }}` → its path (Jekyll's split)."""
    if not _SITE.search(text):
        return text
    url = (ctx.config.site_url or "").rstrip("/")
    if not url and any(m.group("key") == "url" for m in _SITE.finditer(text)):
        ctx.report("warning", "{{ site.url }} used but no site URL is configured; replaced by nothing",
                   ctx.line_of("site.url"), "pass --site-url https://example.com")
    base = urllib.parse.urlsplit(url).path.rstrip("/")
    text = _SITE_PAIR.sub(lambda _m: url, text)
    return _SITE.sub(lambda m: url if m.group("key") == "url" else base, text)
