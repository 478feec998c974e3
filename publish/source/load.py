"""Stage 1, load: a file's bytes → decoded text → front matter + body → `Source`."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from publish.errors import SourceError
from publish.model import Diagnostic, Metadata, Source
from publish.source import front_matter, metadata
from publish.source.encoding import UndecodableError, decode


def load(path: Path, root: Path, relative: Path | None = None) -> Source:
    """Read one article; every problem is a `SourceError` that names the file and the line."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SourceError(path, f"cannot read the file: {exc.strerror}",
                          "check that it exists and is readable") from exc
    return load_bytes(data, path, root, relative)


def load_bytes(data: bytes, path: Path, root: Path, relative: Path | None = None) -> Source:
    """`load` for bytes already in memory (tests, stdin, the batch worker)."""
    diagnostics: list[Diagnostic] = []
    try:
        decoded = decode(data)
    except UndecodableError as exc:
        line = data[: exc.offset].count(b"\n") + 1 if exc.offset is not None else None
        raise SourceError(path, exc.reason, "save the file as UTF-8 text", line) from exc
    if decoded.legacy_encoding:
        diagnostics.append(Diagnostic(path, None, "warning",
                                      f"decoded as {decoded.legacy_encoding}, not UTF-8",
                                      "save the file as UTF-8", kind="legacy-encoding",
                                      subject=decoded.legacy_encoding))
    try:
        split = front_matter.split(decoded.text)
    except front_matter.FrontMatterError as exc:
        raise SourceError(path, exc.message, exc.fix, exc.line) from exc

    def warn(message: str, fix: str, key: str | None = None) -> None:
        line = _key_line(decoded.text, split.body_line, key)
        diagnostics.append(Diagnostic(path, line, "warning", message, fix, kind="front-matter", subject=key or ""))

    fields = metadata.build(split.fields, path, split.body, warn)
    return Source(
        path=path,
        root=root,
        relative=relative or Path(path.name),
        body=split.body,
        body_line=split.body_line,
        metadata=Metadata(**fields),
        digest=hashlib.sha256(data).hexdigest(),
        diagnostics=tuple(diagnostics),
        head="".join(line + "\n" for line in decoded.text.split("\n")[: split.body_line - 1]),
    )


def _key_line(text: str, body_line: int, key: str | None) -> int:
    """The file line where front-matter `key` is set (1 when unknown), so editors jump to it."""
    if key is not None:
        pattern = re.compile(rf"[ \t]*{re.escape(key)}[ \t]*[:=]", re.IGNORECASE)
        for number, line in enumerate(text.split("\n")[: body_line - 1], start=1):
            if pattern.match(line):
                return number
    return 1
