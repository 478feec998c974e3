"""What the social platforms share (Zhihu, Juejin, CSDN, dev.to), from the normalized article.

What each platform keeps is in docs/formats.md ("Social platforms"); the facts come from the tools
that post to them. Modules: `options` (every platform option, declared in one place), `absolute`
(article links and local images made absolute, shared by every platform), `markdown` (the Markdown
that Juejin, CSDN and dev.to paste), `frontmatter` (dev.to's header, Juejin's theme lines) and
`exporter` (the class the three Markdown exporters share). Zhihu's HTML fragment and its checker
are Zhihu's own, in `publish.exporters.zhihu`.
"""
