"""The upload cache: per host, the content hash of every image already uploaded → its URL.

One JSON file in the output folder's `.publish/` (beside the manifest), shared by every article,
format and run that writes to that folder: an image uploaded once is never sent again. Each `put`
merges into the file on disk under an exclusive lock and replaces it atomically, so batch workers
(separate processes) that upload at the same time keep each other's entries, and an interrupted
run keeps every upload that finished. A host key names the destination (`s3:bucket/prefix@…`,
`picgo:http://…`, `wechat:<appid hash>`), never a credential.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
from collections.abc import Iterator
from pathlib import Path

from publish.errors import OutputError
from publish.runtime.atomic import locked
from publish.runtime.state_files import read_table, write_table

FOLDER = ".publish"
NAME = "uploads.json"
#: Byte-range locks on this file, one byte per content hash, keep two workers from uploading the
#: same image at the same time (`claim`).
LOCKS = "uploads.lock"
SCHEMA = 1


def digest(data: bytes) -> str:
    """The content hash an upload is known by: sha256, hex."""
    return hashlib.sha256(data).hexdigest()


class UploadCache:
    """sha256 → URL per host, read from and merged into `<out>/.publish/uploads.json`."""

    def __init__(self, out_dir: Path) -> None:
        self.path = out_dir / FOLDER / NAME
        self._hosts: dict[str, dict[str, str]] = {}
        self._seen: tuple[int, int, int] | None = None  # the file's (inode, size, mtime) when read
        self._reload()

    def get(self, host: str, digest: str) -> str | None:
        """The URL `digest` was uploaded to on `host`, or None. A miss looks at the file again:
        another worker may have uploaded the same image meanwhile."""
        url = self._hosts.get(host, {}).get(digest)
        if url is None and self._reload():
            url = self._hosts.get(host, {}).get(digest)
        return url

    @contextlib.contextmanager
    def claim(self, host: str, digest: str) -> Iterator[str | None]:
        """Hold the right to upload `digest` (other processes wait), and give the URL if another
        process uploaded it meanwhile: an image two articles share is sent once, not once per
        worker. The lock is a POSIX byte-range lock, released when the block ends."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path.parent / LOCKS, os.O_RDWR | os.O_CREAT, 0o644)
        offset = int(digest[:12], 16) % (1 << 31)
        try:
            fcntl.lockf(fd, fcntl.LOCK_EX, 1, offset)
            yield self.get(host, digest)
        finally:
            os.close(fd)  # releases the lock

    def put(self, host: str, digest: str, url: str) -> None:
        """Record an upload, on disk at once (merged with what other processes recorded)."""
        self._hosts.setdefault(host, {})[digest] = url
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with locked(self.path.parent):
                merged = _read(self.path)
                for name, entries in self._hosts.items():
                    merged.setdefault(name, {}).update(entries)
                write_table(self.path, SCHEMA, "hosts", merged)
                self._hosts = merged
                self._seen = _stamp(self.path)
        except OSError as exc:
            raise OutputError(self.path, f"cannot record the upload: {exc.strerror or exc}",
                              "check that --out names a folder you can write to") from exc

    def _reload(self) -> bool:
        """Read the file again if it changed since last read; True when it did."""
        stamp = _stamp(self.path)
        if stamp == self._seen:
            return False
        self._seen = stamp
        for name, entries in _read(self.path).items():
            self._hosts.setdefault(name, {}).update(entries)
        return True


def _stamp(path: Path) -> tuple[int, int, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return (stat.st_ino, stat.st_size, stat.st_mtime_ns)


def _read(path: Path) -> dict[str, dict[str, str]]:
    """The cache's hosts; a missing, corrupt or other-schema file is an empty cache (the images
    are uploaded again, which content-addressed hosts make harmless)."""
    hosts = read_table(path, SCHEMA, "hosts")
    return {str(name): {str(k): v for k, v in entries.items() if isinstance(v, str)}
            for name, entries in hosts.items() if isinstance(entries, dict)}

