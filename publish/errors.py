"""The few exception classes `publish` raises for user errors; the CLI turns each into one line."""

from __future__ import annotations

from collections.abc import Sequence
from difflib import get_close_matches
from pathlib import Path
from typing import Any


class PublishError(Exception):
    """Base of every error caused by input or environment, never by a bug in `publish`.

    Each subclass sets `what` (what happened) and `fix` (what to do); `__str__` joins them once, so
    every message the user sees has the same shape: `what — fix`.
    """

    what: str = "publish failed"
    fix: str = ""

    def __init__(self, what: str | None = None, fix: str | None = None) -> None:
        if what is not None:
            self.what = what
        if fix is not None:
            self.fix = fix
        super().__init__(self.what)

    def __str__(self) -> str:
        return f"{self.what} — {self.fix}" if self.fix else self.what

    def __reduce__(self) -> tuple[Any, ...]:
        """Picklable whatever the subclass's `__init__` takes: errors cross process boundaries."""
        return (_rebuild, (type(self), self.args, self.__dict__))

    def location(self) -> str:
        """Where the problem is, as `path:line` (or `publish` when no file is involved)."""
        return "publish"


class SourceError(PublishError):
    """A source article cannot be read, decoded, split or parsed."""

    def __init__(self, path: Path, what: str, fix: str = "", line: int | None = None) -> None:
        self.path = path
        self.line = line
        super().__init__(what, fix)

    def location(self) -> str:
        return f"{self.path}:{self.line or 1}"


class UsageError(PublishError):
    """The command line or the configuration asks for something that cannot exist."""


class UnknownFormat(UsageError):
    """`--to` names an exporter no installed distribution provides."""

    def __init__(self, name: str, available: Sequence[str]) -> None:
        self.name = name
        self.available = tuple(available)
        close = get_close_matches(name, self.available, n=1)
        hint = f"did you mean '{close[0]}'? " if close else ""
        super().__init__(
            f"unknown format '{name}'",
            f"{hint}available formats: {', '.join(self.available) or 'none'}",
        )


class PluginError(PublishError):
    """An exporter plugin is installed but broken (import fails, wrong name, duplicate)."""


class ExportError(PublishError):
    """An exporter could not turn an article into its format."""

    def __init__(self, fmt: str, path: Path, what: str, fix: str = "", line: int | None = None) -> None:
        self.fmt = fmt
        self.path = path
        self.line = line
        super().__init__(f"{fmt}: {what}", fix)

    def location(self) -> str:
        return f"{self.path}:{self.line or 1}"


class LostText(SourceError):
    """With `--strict`, an output lacks words of its source (the guard, `publish.verify`)."""


class OutputError(PublishError):
    """An output file cannot be written (the folder is a file, read-only, or the disk is full)."""

    def __init__(self, path: Path, what: str, fix: str = "") -> None:
        self.path = path
        super().__init__(what, fix)

    def location(self) -> str:
        return str(self.path)


class DeliveryError(PublishError):
    """An image host or a platform refused, failed or could not be reached (`publish.deliver`).

    The message never holds a secret: it is built from `publish.deliver.http.redact`ed text.
    """

    def __init__(self, what: str, fix: str = "", path: Path | None = None, line: int | None = None) -> None:
        self.path = path
        self.line = line
        super().__init__(what, fix)

    def location(self) -> str:
        return f"{self.path}:{self.line or 1}" if self.path is not None else "publish"


class OptionError(UsageError):
    """A bad key or value in a config file or on the command line, named where it is written.

    `keys` is the key's path (`("epub", "split_level")`), for finding its line in front matter.
    """

    def __init__(self, where: str, what: str, fix: str = "", keys: tuple[str, ...] = ()) -> None:
        self.where = where
        self.keys = keys
        super().__init__(what, fix)

    def location(self) -> str:
        return self.where


class BadValue(OptionError):
    """A known key with a value that does not fit: `what` is `[format] key = value`, `fix` says
    what it must be."""


def _rebuild(cls: type[PublishError], args: tuple[Any, ...], state: dict[str, Any]) -> PublishError:
    error = cls.__new__(cls)
    error.args = args
    error.__dict__.update(state)
    return error
