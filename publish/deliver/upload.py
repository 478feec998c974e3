"""One image on its way to a host: its bytes, hash and type (`Upload`), and the file some hosts
read it from (`staged`)."""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Upload:
    """One image to send: its bytes, their sha256, media type and file extension (`.png`)."""

    data: bytes
    digest: str
    media_type: str
    suffix: str

    @property
    def name(self) -> str:
        """Content-addressed: the same image always has the same name on the host."""
        return self.digest[:16] + self.suffix


@contextlib.contextmanager
def staged(image: Upload) -> Iterator[Path]:
    """The image as a file of its own, for hosts that read a path (PicGo, a command): the very
    bytes that were hashed, named by their hash, never the author's file itself (which could be
    swapped for a link to somewhere else between the check and the read)."""
    with tempfile.TemporaryDirectory(prefix="publish-upload-") as folder:
        path = Path(folder) / image.name
        path.write_bytes(image.data)
        yield path
