"""Is an indented block prose or code? The heuristic behind the indented-prose transform.

Chinese writers indent every paragraph (a tab, four spaces, full-width spaces); CommonMark reads
that as a code block. Real code has a shape prose lacks: statements ending in `;` or braces,
assignments, keywords and shell prompts at line start, a high density of symbols. A block is
prose when its lines have no such shape and its text reads like language: mostly CJK, or English
sentences, or inline Markdown (`**bold**`, links) that only makes sense rendered.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from publish.source.language import is_cjk

#: Indentation a writer uses for a paragraph's first line: tab, 4+ spaces, full-width spaces.
INDENT = re.compile(r"^(?:\t|\u3000+| {4,})[\t \u3000]*")

_CODE_LINE = re.compile(
    r"""^(?:
        (?:\$|>>>|%|\#)\s                              # shell / REPL prompt, shell comment
      | //|/\*|\*/|<!--|--\s|;                         # comment markers
      | \#(?:include|define|if|pragma|!)               # C preprocessor, shebang
      | (?:def|class|import|return|function|func|fn|var|let|const|public|private|protected|static
          |package|using|namespace|struct|enum|impl|interface|typedef|select|SELECT|INSERT|UPDATE
          |DELETE|CREATE|FROM|WHERE|elif|else|try|except|finally|with|async|await|yield|lambda)\b
      | (?:if|for|while|switch|catch)\s*\(
      | from\s+\S+\s+import\b
      | (?:sudo|apt|apt-get|brew|pip3?|npm|npx|yarn|pnpm|git|cd|ls|mkdir|rm|cp|mv|chmod|chown
          |python3?|node|make|cargo|go|java|javac|gcc|echo|export|source|cat|grep|ssh|curl|wget
          |docker|kubectl|conda)\s
      | </?[A-Za-z][\w-]*(?:\s[^>]*)?/?>               # an HTML/XML tag
      | [\w.$\[\]'"]+\s*(?:=|:=|\+=|-=|\*=|/=|\|=)(?!=)\s*\S   # assignment
      | [\w.$]+\(.*\)\s*;?$                             # a bare call
      | [{}\[\]()]+[,;]?$                               # lone brackets
    )""", re.VERBOSE)
_CODE_END = re.compile(r"(?:[;{}\[(\\]|=>|->)\s*$")
_SYMBOLS = frozenset("{}[]()<>;=|&$\\^~`")
_INLINE_MARKDOWN = re.compile(r"\*\*[^*\s][^*]*\*\*|__[^_\s][^_]*__|\[[^\]]+\]\([^)\s]+\)")
_SENTENCE_END = re.compile(r"[.!?。！？…\"”’)）]\s*$")
_WORD = re.compile(r"[A-Za-z]+")
_URL = re.compile(r"(?:https?|ftp)://[!-~]+")


def code_shaped(line: str) -> bool:
    """A line that reads like a statement, a command or markup rather than a sentence."""
    text = line.strip()
    if not text:
        return False
    if _CODE_LINE.match(text) or _CODE_END.search(text):
        return True
    visible = [ch for ch in text if not ch.isspace()]
    symbols = sum(ch in _SYMBOLS for ch in visible)
    return symbols >= 3 and symbols / len(visible) > 0.12


def looks_like_prose(lines: Sequence[str]) -> bool:
    """Whether an indented block (its lines, indentation removed) is prose to be re-parsed."""
    body = [line for line in lines if line.strip()]
    if not body:
        return False
    text = "".join(body)
    visible = [ch for ch in _URL.sub("", text) if not ch.isspace()]  # a URL is neither language nor code
    if not visible:
        return False
    cjk = sum(is_cjk(ch) for ch in visible)
    coded = sum(code_shaped(line) for line in body)
    if cjk / len(visible) >= 0.3:
        # Mostly CJK: a long block may hold one odd line ("XXXX等等"), a short one may not.
        return coded <= len(body) // 10
    if coded or _relative_indent(lines):
        return False
    if _INLINE_MARKDOWN.search(text):
        return True
    sentences = sum(len(_WORD.findall(line)) >= 5 for line in body)
    return sentences / len(body) >= 0.6 and bool(_SENTENCE_END.search(body[-1]))


def _relative_indent(lines: Sequence[str]) -> bool:
    """Nested indentation inside the block: code's structure, never a paragraph's."""
    return any(line[:1] in (" ", "\t") for line in lines if line.strip())
