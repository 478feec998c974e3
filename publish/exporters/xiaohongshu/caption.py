"""`caption.txt` for a Xiaohongshu note: title, description, a short summary, `#tags`.

The platform counts a title's length its own way — ASCII 1, everything else 2, halved and
rounded up, at most 20 (xpzouying/xiaohongshu-mcp#401) — and takes at most 1000 characters of
body text (same repository, PR #212); see /work/shared/design/platforms.md.
"""

from __future__ import annotations

import math
import re

from publish.model import Article

TITLE_MAX = 20
CAPTION_MAX = 1000
SUMMARY_MAX = 300
TAGS_MAX = 10
_SENTENCE_END = re.compile(r"(?<=[。！？!?.…])")


def title_length(title: str) -> int:
    """Xiaohongshu's count: ASCII characters 1, others 2, halved, rounded up."""
    return math.ceil(sum(1 if ord(c) < 128 else 2 for c in title) / 2)


def shorten_title(title: str, limit: int = TITLE_MAX) -> str:
    """The longest start of `title` within `limit` by the platform's count, ended at a character
    boundary, and never inside an ASCII word when a space before it allows."""
    if title_length(title) <= limit:
        return title
    end = 0
    while end < len(title) and title_length(title[:end + 1]) <= limit:
        end += 1
    cut = title[:end]
    if end < len(title) and _word(title[end]) and cut and _word(cut[-1]):
        start = len(cut)
        while start > 0 and _word(cut[start - 1]):
            start -= 1
        if start > 0:
            cut = cut[:start]
    return cut.rstrip(" ,，、:：;；-—")


def _word(char: str) -> bool:
    return char.isascii() and char.isalnum()


def tags(article: Article) -> list[str]:
    """`#tag` words from the article's tags (and categories), no spaces inside, first `TAGS_MAX`."""
    seen: dict[str, str] = {}
    meta = article.metadata
    for name in (*meta.keywords, *meta.categories):
        word = re.sub(r"[\s#]+", "", name)
        if word and word.casefold() not in seen:
            seen[word.casefold()] = f"#{word}"
    return list(seen.values())[:TAGS_MAX]


def summary(paragraphs: list[str], limit: int) -> str:
    """The article's first paragraphs up to `limit` characters, ended at a sentence when one ends
    in the second half of the room, else cut with an ellipsis."""
    text = ""
    for paragraph in (" ".join(p.split()) for p in paragraphs):
        if not paragraph:
            continue
        text = f"{text}\n{paragraph}" if text else paragraph
        if len(text) >= limit:
            break
    if len(text) <= limit:
        return text
    room = text[:limit - 1]
    ends = [m.start() for m in _SENTENCE_END.finditer(room) if m.start() > limit // 2]
    return room[:ends[-1]] if ends else room.rstrip() + "…"


def caption(article: Article, title: str, paragraphs: list[str]) -> str:
    """The caption text: `title` (already shortened), description, summary, tags; ≤ 1000 chars."""
    meta = article.metadata
    head = [title]
    if meta.description and meta.description.strip() != meta.title.strip():
        head.append(meta.description.strip())
    tail = " ".join(tags(article))
    fixed = "\n\n".join([*head, tail]) if tail else "\n\n".join(head)
    room = min(SUMMARY_MAX, CAPTION_MAX - len(fixed) - 2)
    parts = [*head]
    if room > 20 and (text := summary(paragraphs, room)):
        parts.append(text)
    if tail:
        parts.append(tail)
    return "\n\n".join(parts)[:CAPTION_MAX] + "\n"
