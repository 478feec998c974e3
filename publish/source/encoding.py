"""Bytes to text: UTF-8 (with or without BOM); UTF-16 with a BOM and GB18030/GBK with a warning; the rest refused."""

from __future__ import annotations

import codecs
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Decoded:
    """Decoded text with universal newlines, and the encoding when it was not UTF-8."""

    text: str
    legacy_encoding: str | None


class UndecodableError(ValueError):
    """The bytes are not text in any encoding `publish` accepts."""

    def __init__(self, reason: str, offset: int | None = None) -> None:
        self.reason = reason
        self.offset = offset
        super().__init__(reason)


def decode(data: bytes) -> Decoded:
    """Decode a source file, never guessing into garbage.

    Chinese blogs older than ~2012 are often GBK; GB18030 is its superset, so it is the one
    fallback. Binary data (NUL bytes, many control characters) is refused before any guess.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):  # Windows Notepad's "Unicode"
        try:
            return _checked(data.decode("utf-16"), "UTF-16")
        except UnicodeDecodeError as exc:
            raise UndecodableError("the file starts like UTF-16 but is not valid UTF-16 text",
                                   exc.start) from exc
    if b"\x00" in data[:8192]:
        raise UndecodableError("the file is binary (it contains NUL bytes), not Markdown text", 
                               data.index(b"\x00"))
    try:
        text = data.decode("utf-8-sig")
        legacy = None
    except UnicodeDecodeError as utf8_error:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            raise UndecodableError("the file is neither UTF-8 nor GB18030/GBK text",
                                   utf8_error.start) from utf8_error
        if not _looks_like_text(text):
            raise UndecodableError("the file is not valid UTF-8 and does not read as GB18030 text",
                                   utf8_error.start) from utf8_error
        legacy = "GB18030"
    return _checked(text, legacy)


def _checked(text: str, legacy: str | None) -> Decoded:
    """Universal newlines, and a last check that the decoded text reads as text."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not _looks_like_text(text):
        raise UndecodableError("the file holds control characters, not text")
    return Decoded(text, legacy)


def _looks_like_text(text: str) -> bool:
    """True when control, unassigned and private-use characters are rare, as in real prose."""
    if not text:
        return True
    bad = sum(
        1 for ch in text
        if ch not in "\n\r\t\f" and unicodedata.category(ch) in ("Cc", "Cn", "Co", "Cs")
    )
    return bad <= max(2, len(text) // 200)
