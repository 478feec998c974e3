"""Paste-ready text for social platforms (Zhihu, Juejin, CSDN, dev.to), from the normalized article.

What each platform keeps is in the README ("Social platforms"); the facts come from the tools that
post to them (see the design note). Modules: `options` (every option read in one place), `refs`
(article links and local images made absolute, shared by every platform), `markdown` (the
Markdown platforms), `frontmatter` (dev.to's header), `zhihu` and `zhihu_check` (Zhihu's editor).
"""
