"""Which book a PATH means: mdBook's layout, HonKit/GitBook's, or a `[book]` table in publish.toml.

Each gives the same `Layout`: the folder that confines every file the book reads (the book's
root: mdBook's listings live beside `src/`, so it is the folder of `book.toml`), the folder the
chapter paths are relative to, the SUMMARY, and the metadata the book's config gives (the first
chapter's front matter fills what it leaves out, in `publish.book.build`).
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from publish.book import summary
from publish.book.summary import Entry, Summary
from publish.config.files import CONFIG_FILE
from publish.errors import SourceError, UsageError

SUMMARY_FILE = "SUMMARY.md"


@dataclass(frozen=True, slots=True)
class Layout:
    """A book as its files describe it, before any chapter is read."""

    root: Path
    src: Path
    summary: Summary
    title: str | None = None
    authors: tuple[str, ...] = ()
    language: str | None = None
    description: str | None = None
    #: The cover image, relative to `root` (None: the EPUB gets a generated cover).
    cover: str | None = None
    #: "第 1 章" / "Chapter 1" before numbered chapters' titles.
    numbers: bool = True
    slug: str | None = None


def find(path: Path) -> Layout:
    """The book at `path`: a folder (mdBook, HonKit, or one with a publish.toml `[book]`) or one
    of its files (book.toml, SUMMARY.md, book.json, publish.toml)."""
    path = path.absolute()
    if path.is_file():
        if path.name == CONFIG_FILE:
            return _from_toml(path)
        path = path.parent
    if not path.is_dir():
        raise UsageError(f"no book at {path}", "name a folder with book.toml, SUMMARY.md or a publish.toml [book]")
    if (path / "book.toml").is_file():
        return _mdbook(path)
    if (path / SUMMARY_FILE).is_file() or (path / "book.json").is_file():
        return _honkit(path)
    if (path / CONFIG_FILE).is_file() and "book" in _toml(path / CONFIG_FILE):
        return _from_toml(path / CONFIG_FILE)
    raise UsageError(f"{path} is not a book: it has no book.toml, SUMMARY.md or publish.toml [book]",
                     "mdBook: book.toml + src/SUMMARY.md; HonKit: SUMMARY.md (+ book.json); "
                     "or a [book] table with chapters = [...] in publish.toml")


def _toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise SourceError(path, f"cannot read {path.name}: {exc}", "fix the TOML syntax") from exc


def _read_summary(src: Path) -> Summary:
    file = src / SUMMARY_FILE
    if not file.is_file():
        raise SourceError(file, f"{SUMMARY_FILE} not found in {src}", "list the chapters in SUMMARY.md")
    parsed = summary.parse(file.read_text(encoding="utf-8-sig"), file)
    if not parsed.chapters:
        raise SourceError(file, "SUMMARY.md lists no chapter with a file",
                          "list chapters as - [Title](chapter.md), one per line")
    return parsed


def _names(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list):
        return tuple(str(v) for v in value if v)
    return ()


def _text(value: Any) -> str | None:
    return str(value) if isinstance(value, (str, int, float)) and str(value).strip() else None


def _options(table: Any) -> dict[str, Any]:
    """What publish reads from `[output.publish]` (book.toml) or `publish` (book.json)."""
    return dict(table) if isinstance(table, dict) else {}


def _mdbook(folder: Path) -> Layout:
    data = _toml(folder / "book.toml")
    book = data.get("book", {}) if isinstance(data.get("book"), dict) else {}
    ours = _options(data.get("output", {}).get("publish") if isinstance(data.get("output"), dict) else None)
    src = folder / str(book.get("src", "src"))
    return Layout(root=folder, src=src, summary=_read_summary(src), title=_text(book.get("title")),
                  authors=_names(book.get("authors")), language=_text(book.get("language")),
                  description=_text(book.get("description")), cover=_text(ours.get("cover")),
                  numbers=bool(ours.get("numbers", True)), slug=_text(ours.get("slug")))


def _honkit(folder: Path) -> Layout:
    data: dict[str, Any] = {}
    if (folder / "book.json").is_file():
        try:
            loaded = json.loads((folder / "book.json").read_text(encoding="utf-8-sig"))
        except ValueError as exc:
            raise SourceError(folder / "book.json", f"cannot read book.json: {exc}", "fix the JSON syntax") from exc
        data = loaded if isinstance(loaded, dict) else {}
    ours = _options(data.get("publish"))
    src = folder / str(data.get("root", "."))
    found = next((src / n for n in ("cover.jpg", "cover.png") if (src / n).is_file()), None)
    cover = _text(ours.get("cover")) or (found.relative_to(folder).as_posix() if found else None)
    return Layout(root=folder, src=src, summary=_read_summary(src), title=_text(data.get("title")),
                  authors=_names(data.get("author") or data.get("authors")), language=_text(data.get("language")),
                  description=_text(data.get("description")), cover=cover,
                  numbers=bool(ours.get("numbers", True)), slug=_text(ours.get("slug")))


def _from_toml(file: Path) -> Layout:
    table = _toml(file).get("book")
    if not isinstance(table, dict):
        raise SourceError(file, "publish.toml has no [book] table", "add [book] with chapters = [\"ch1.md\", …]")
    folder = file.parent
    chapters: list[Entry] = []
    line = _line_of(file, "chapters") or 1
    for pattern in _names(table.get("chapters")):
        matches = sorted(folder.glob(pattern)) if any(c in pattern for c in "*?[") else [folder / pattern]
        for match in matches:
            relative = PurePosixPath(match.relative_to(folder).as_posix()) if match.is_relative_to(folder) \
                else PurePosixPath(pattern)
            chapters.append(Entry("chapter", match.stem, line, relative, 1, (len(chapters) + 1,)))
    if not chapters:
        raise SourceError(file, "[book] lists no chapters", "set chapters = [\"intro.md\", \"chapters/*.md\"]", line)
    return Layout(root=folder, src=folder, summary=Summary(file, None, tuple(chapters)),
                  title=_text(table.get("title")), authors=_names(table.get("authors")),
                  language=_text(table.get("language")), description=_text(table.get("description")),
                  cover=_text(table.get("cover")), numbers=bool(table.get("numbers", True)),
                  slug=_text(table.get("slug")))


def _line_of(file: Path, key: str) -> int | None:
    for number, line in enumerate(file.read_text(encoding="utf-8").split("\n"), 1):
        if line.strip().startswith(key):
            return number
    return None
