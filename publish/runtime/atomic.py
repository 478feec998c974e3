"""Writing files so that nobody ever sees half of one: temp file beside the target, then rename."""

from __future__ import annotations

import contextlib
import fcntl
import os
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path

from publish.errors import OutputError


def _file_mode() -> int:
    umask = os.umask(0o022)
    os.umask(umask)
    return 0o666 & ~umask


#: What `open()` would give a new file: 0666 minus the umask (mkstemp alone makes 0600, wrong for
#: outputs that web servers and CI artifacts serve).
FILE_MODE = _file_mode()


def write_atomic(files: Mapping[Path, bytes]) -> None:
    """Write every file to a temp file beside it, then rename all: no half-written output, ever."""
    temps: list[tuple[str, Path]] = []
    try:
        for path, content in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
            temps.append((tmp, path))
            os.fchmod(fd, FILE_MODE)
            with os.fdopen(fd, "wb") as handle:
                handle.write(content)
        for tmp, path in temps:
            os.replace(tmp, path)
    except OSError as exc:  # the output folder is a file, read-only, full: the user's to fix
        where = Path(exc.filename) if exc.filename else next(iter(files), Path("."))
        raise OutputError(where, f"cannot write the output: {exc.strerror or exc}",
                          "check that --out names a folder you can write to") from exc
    finally:
        for tmp, _ in temps:
            if os.path.exists(tmp):
                os.unlink(tmp)



def write_text_atomic(path: Path, text: str) -> None:
    """One text file, atomically (the manifest, the report)."""
    write_atomic({path: text.encode("utf-8")})


@contextlib.contextmanager
def locked(folder: Path) -> Iterator[None]:
    """An exclusive lock on a folder itself (no lock file left among the outputs), held while a
    shared file in it is read, merged and replaced: processes sharing the folder keep each other's
    entries instead of overwriting them."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)
