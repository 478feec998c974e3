"""What the libraries publish drives (WeasyPrint, ebooklib, fontTools, …) log, caught per article.

A library's log record reaches stderr as soon as anything has configured the root logger, and
ebooklib does that by itself: its module-level `logging.info()` runs `logging.basicConfig()`. A
build then printed `ERROR:weasyprint:Failed to load image at 'file:///…'` next to our own warning
for the same image. Inside `captured()` every record of these libraries lands in a list instead,
whoever configured logging and in whichever process the export runs (the PDF helper, a batch
worker); `diagnostics` turns the records into our one-line warnings with a file line and a fix.
"""

from __future__ import annotations

import logging
import re
import warnings
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from publish.model import Diagnostic, Source

#: Loggers of the libraries publish calls during an export. Their records stop at our handler
#: while a capture is active; records logged on the root logger itself (ebooklib and ziamath call
#: `logging.error()` directly) are diverted by a filter on the root logger before its handlers.
LIBRARIES = ("weasyprint", "fontTools", "ebooklib", "PIL", "pydyf", "tinycss2", "cssselect2",
             "ziamath", "ziafont", "latex2mathml", "pypandoc")

#: The kind of a library message nobody has classified more precisely.
KIND = "library-log"


@dataclass(frozen=True, slots=True)
class Logged:
    """One log record, reduced to what a warning needs (records hold frames and are not picklable)."""

    library: str
    level: int
    message: str


class _Handler(logging.Handler):
    """Appends records to the innermost active capture (the PDF renderer captures inside the
    pipeline's capture, and must see WeasyPrint's records itself)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.stack: list[list[Logged]] = []

    def emit(self, record: logging.LogRecord) -> None:
        if not self.stack:
            return
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a library's bad format arguments must not print either
            message = str(record.msg)
        self.stack[-1].append(Logged(_library(record), record.levelno, message.strip()))


_HANDLER = _Handler()
_propagate: dict[str, bool] = {}


def _divert(record: logging.LogRecord) -> bool:
    """Root-logger filter: a record logged on the root logger itself goes to the capture, not to
    the root's handlers (a logger's filters see only its own records, never propagated ones)."""
    if record.levelno >= _HANDLER.level:
        _HANDLER.emit(record)
    return False


@contextmanager
def captured() -> Iterator[list[Logged]]:
    """Collect, instead of printing, what the libraries log (WARNING and up) inside the block, and
    the Python warnings they raise (Pillow's `UserWarning`s; deprecations are for developers and
    stay as the warning filters say)."""
    records: list[Logged] = []
    if not _HANDLER.stack:
        _install()
    _HANDLER.stack.append(records)
    try:
        with warnings.catch_warnings(record=True) as caught:
            yield records
    finally:
        _HANDLER.stack.pop()
        if not _HANDLER.stack:
            _uninstall()
    records += [Logged(_package(w.filename) or "python", logging.WARNING, f"{w.category.__name__}: {w.message}")
                for w in caught if not issubclass(w.category, DeprecationWarning | PendingDeprecationWarning)]


def _install() -> None:
    root = logging.getLogger()
    root.addHandler(_HANDLER)  # catches other loggers' records; keeps `logging.error()` from basicConfig
    root.addFilter(_divert)
    for name in LIBRARIES:
        logger = logging.getLogger(name)
        _propagate[name] = logger.propagate
        logger.propagate = False  # past our handler lies whatever basicConfig put on the root
        logger.addHandler(_HANDLER)


def _uninstall() -> None:
    root = logging.getLogger()
    root.removeHandler(_HANDLER)
    root.removeFilter(_divert)
    for name in LIBRARIES:
        logger = logging.getLogger(name)
        logger.removeHandler(_HANDLER)
        logger.propagate = _propagate.pop(name, True)


def _library(record: logging.LogRecord) -> str:
    """The library a record comes from: its logger's top name, or for the root logger the package
    its code lives in (`…/site-packages/ebooklib/epub.py` → ebooklib)."""
    if record.name != "root":
        return record.name.split(".")[0]
    return _package(record.pathname) or record.module or "a library"


def _package(path: str) -> str:
    """The installed package a file belongs to, or "" outside site-packages."""
    parts = Path(path).parts
    for index, part in enumerate(parts[:-1]):
        if part in ("site-packages", "dist-packages"):
            return parts[index + 1].removesuffix(".py")
    return ""


#: Fixes for library messages that are known to come from something in the article.
_FIXES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"Could not create metadata", re.IGNORECASE),
     "remove control characters from the front matter (title, tags, categories, description)"),
    (re.compile(r"\bglyph|\bcmap|\bfont", re.IGNORECASE),
     "check the characters around this line in the output; another font (body_font) may have them"),
)
_GENERIC_FIX = "check this part of the output; if it looks wrong, report it with the article attached"


#: How a format names itself at the start of a library's message ("PDF: fontTools: …").
_LABELS = {"wechat": "WeChat"}


def label(format_name: str) -> str:
    """`PDF`, `EPUB`, `WeChat`: the format a library message came from, as warnings name it."""
    return _LABELS.get(format_name, format_name.upper())


def diagnostics(records: Iterable[Logged], source: Source, label: str, *, fmt: str = "") -> list[Diagnostic]:
    """Our warnings for `records`, one each: `label: library: message — fix`, about the library,
    from format `fmt`, at the source line of the first quoted name in the message found there
    (else the file's first line)."""
    found: list[Diagnostic] = []
    for record in records:
        fix = next((fix for pattern, fix in _FIXES if pattern.search(record.message)), _GENERIC_FIX)
        prefix = f"{label}: " if label else ""
        found.append(Diagnostic(source.path, source.line_of(*quoted(record.message)), "warning",
                                f"{prefix}{record.library}: {record.message}", fix, kind=KIND,
                                subject=record.library, formats=(fmt,) if fmt else ()))
    return found


#: Pandoc names the formula it could not convert without quotes.
_QUOTED = re.compile(r"""'([^']+)'|"([^"]+)"|`([^`]+)`|Could not convert TeX math (.+?), rendering as TeX""")


def quoted(message: str) -> list[str]:
    """The names quoted in a library's message ('…', "…" or `…`), in order: the only hint of
    where in the article a message worded by someone else is about, for `source.line_of`."""
    return [next(group for group in match.groups() if group) for match in _QUOTED.finditer(message)]
