"""What WeasyPrint reports while rendering, collected so the writer sees it as warnings.

WeasyPrint logs problems it recovers from (an image that fails to decode, an `<img>` without
alt text in tagged output) on the `weasyprint` logger and carries on; a library must not print,
so we collect the ERROR records during one render and the exporter turns them into warnings.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager


class _Collector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def weasyprint_errors() -> Iterator[list[str]]:
    """Collect the messages WeasyPrint logs at ERROR level inside the `with` block."""
    logger = logging.getLogger("weasyprint")
    collector = _Collector()
    logger.addHandler(collector)
    try:
        yield collector.messages
    finally:
        logger.removeHandler(collector)
