"""A source file changed in place: the edits made on its decoded text, written back in its own
encoding, byte order mark and line endings (even mixed ones), atomically.

The pipeline reads text with universal newlines and no BOM (`publish.source.encoding`); a tool
that writes the writer's file must give back exactly what it found around what it changed, or a
fix shows up in `git diff` as every line of the file.
"""

from __future__ import annotations

import codecs
import os
import re
from dataclasses import dataclass
from pathlib import Path

from publish.errors import SourceError
from publish.runtime.atomic import write_atomic
from publish.source.encoding import UndecodableError, decode

_BREAK = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True, slots=True)
class SourceText:
    """A file's text as the pipeline reads it (`text`), and what is needed to write it back."""

    path: Path
    text: str
    #: The codec of the bytes; a BOM is kept as the first character of `raw`.
    codec: str
    #: The decoded text as it was, line endings and BOM included.
    raw: str

    @classmethod
    def read(cls, path: Path) -> SourceText:
        """The file's text; `SourceError` when it cannot be read or is not text."""
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise SourceError(path, f"cannot read: {exc.strerror or exc}", "check the path") from exc
        try:
            decoded = decode(data)
        except UndecodableError as exc:
            line = data[: exc.offset].count(b"\n") + 1 if exc.offset is not None else None
            raise SourceError(path, exc.reason, "save the file as UTF-8 text", line) from exc
        if data.startswith(codecs.BOM_UTF16_LE):
            codec = "utf-16-le"
        elif data.startswith(codecs.BOM_UTF16_BE):
            codec = "utf-16-be"
        else:
            codec = "utf-8" if decoded.legacy_encoding is None else "gb18030"
        return cls(path, decoded.text, codec, data.decode(codec))

    def with_text(self, text: str) -> bytes:
        """The file's bytes with `text` (the same lines, each changed or not) in place of `self.text`."""
        bom = "\ufeff" if self.raw.startswith("\ufeff") else ""
        old_lines, new_lines = self.text.split("\n"), text.split("\n")
        if len(old_lines) != len(new_lines):
            raise ValueError("a rewrite must keep the number of lines")
        endings = _BREAK.findall(self.raw) + [""]
        return (bom + "".join(line + end for line, end in zip(new_lines, endings, strict=True))).encode(self.codec)

    def write(self, text: str) -> None:
        """Replace the file with `text`, atomically, keeping its mode."""
        mode = self.path.stat().st_mode & 0o7777
        write_atomic({self.path: self.with_text(text)})
        os.chmod(self.path, mode)
