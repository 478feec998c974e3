"""Split real-world front matter off a post: Jekyll YAML, Hexo's headless YAML, `...` ends, TOML."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from typing import Any

import frontmatter.default_handlers
import yaml


@dataclass(frozen=True, slots=True)
class Split:
    """Front-matter mapping, body text, and the 1-based line where the body starts."""

    fields: dict[str, Any]
    body: str
    body_line: int


class FrontMatterError(ValueError):
    """Malformed or unclosed front matter; `line` is 1-based within the whole file."""

    def __init__(self, message: str, line: int, fix: str) -> None:
        self.message = message
        self.line = line
        self.fix = fix
        super().__init__(message)


_YAML_OPEN = re.compile(r"---[ \t]*")
_YAML_CLOSE = re.compile(r"(---|\.\.\.)[ \t]*")
_TOML_FENCE = re.compile(r"\+\+\+[ \t]*")
_HEXO_KEY = re.compile(r"[A-Za-z_][\w-]*[ \t]*:(\s|$)")
_HEXO_CONT = re.compile(r"([ \t]+\S|-[ \t]|\s*$|#)")
#: Keys that make a headless block (Hexo) count as front matter rather than prose.
_HEXO_KNOWN = {"title", "date", "tags", "categories", "layout", "author", "description", "permalink"}


def split(text: str) -> Split:
    """Find and parse the front matter, or return the whole text as the body.

    Pandoc and python-frontmatter both miss the blank line after `---` that many Jekyll posts
    have, and Hexo's form with no opening fence; losing them prints the metadata as text.
    """
    lines = text.split("\n")
    if lines and _YAML_OPEN.fullmatch(lines[0]):
        end = _find(lines, 1, _YAML_CLOSE)
        if end is None:
            raise FrontMatterError(
                "front matter opened with '---' on line 1 is never closed", 1,
                "add a line with '---' after the last front-matter key")
        return _result(_yaml(lines[1:end], first_line=2), lines, end + 1)
    if lines and _TOML_FENCE.fullmatch(lines[0]):
        end = _find(lines, 1, _TOML_FENCE)
        if end is None:
            raise FrontMatterError("TOML front matter opened with '+++' on line 1 is never closed", 1,
                                   "add a line with '+++' after the last key")
        return _result(_toml(lines[1:end]), lines, end + 1)
    headless = _hexo_block(lines)
    if headless is not None:
        return _result(headless[0], lines, headless[1] + 1)
    return Split({}, text, 1)


def _find(lines: list[str], start: int, fence: re.Pattern[str]) -> int | None:
    return next((i for i in range(start, len(lines)) if fence.fullmatch(lines[i])), None)


def _result(fields: dict[str, Any], lines: list[str], body_index: int) -> Split:
    return Split(fields, "\n".join(lines[body_index:]), body_index + 1)


class _Loader(yaml.CSafeLoader):
    """python-frontmatter's safe loader, except that an impossible date stays a string.

    PyYAML raises a bare `ValueError` for `date: 2024-13-45` (it looks like a timestamp but is
    not a date); keeping the text lets the metadata table warn about it like any other bad date.
    """


def _timestamp(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError:
        return loader.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)


def _yaml(block: list[str], first_line: int) -> dict[str, Any]:
    source = "\n".join(block)
    if not source.strip():
        return {}
    try:
        data = frontmatter.default_handlers.YAMLHandler().load(source, Loader=_Loader)
    except yaml.YAMLError as exc:
        line = first_line + _error_line(exc)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise FrontMatterError(
            f"front matter is not valid YAML: {problem}", line,
            "quote values that contain ': ' or start with '@', '`', '[' or '{'") from exc
    except (ValueError, TypeError, RecursionError) as exc:  # a tag like `!!int x` whose value is wrong
        raise FrontMatterError(f"front matter has a value YAML cannot convert: {exc}", first_line,
                               "remove the '!!' tag or fix the value it applies to") from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise FrontMatterError("front matter must be 'key: value' lines", first_line,
                               "write one 'key: value' per line between the '---' lines")
    return {str(k): v for k, v in data.items()}


def _error_line(exc: yaml.YAMLError) -> int:
    """0-based line of a YAML error within the block: where the writer has to look.

    An unclosed quote or `[` is reported by PyYAML where the block ends; the line that opened it
    (the error's context) is the one to fix.
    """
    problem = getattr(exc, "problem_mark", None)
    context = getattr(exc, "context_mark", None)
    opened = str(getattr(exc, "context", "") or "")
    if context is not None and (opened.startswith("while scanning a quoted") or "flow" in opened):
        return int(context.line)
    mark = problem or context
    return int(mark.line) if mark is not None else 0


def _toml(block: list[str]) -> dict[str, Any]:
    try:
        return tomllib.loads("\n".join(block))
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"line (\d+)", str(exc))
        line = 1 + (int(match.group(1)) if match else 1)
        raise FrontMatterError(f"front matter is not valid TOML: {exc}", line,
                               "fix the TOML syntax between the '+++' lines") from exc


def _hexo_block(lines: list[str]) -> tuple[dict[str, Any], int] | None:
    """Hexo posts start directly with `title: …` lines and end the block at the first `---`."""
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None or not _HEXO_KEY.match(lines[first]):
        return None
    for i in range(first, len(lines)):
        line = lines[i]
        if _YAML_CLOSE.fullmatch(line):
            if i == first:
                return None
            try:
                fields = _yaml(lines[first:i], first_line=first + 1)
            except FrontMatterError:
                if lines[first].split(":")[0].strip().lower() in _HEXO_KNOWN:
                    raise  # clearly meant as front matter: say what is wrong with it
                return None
            return (fields, i) if _HEXO_KNOWN & {k.lower() for k in fields} else None
        if not (_HEXO_KEY.match(line) or _HEXO_CONT.match(line)):
            return None
    return None
