"""A resident pandoc: one `pandoc lua` process per Python process, converting text to text on request.

Starting pandoc costs ~12 ms before it reads a byte (the 160 MB binary, its runtime, its data),
and an article needs two to five conversions: for a Typst PDF that start-up was a third of the
pandoc time. `pandoc server` would avoid it, but the wheel's binary lacks the threaded runtime the
server needs, so a short Lua loop (`_LOOP`) reads requests on stdin and answers on stdout with
`pandoc.read` and `pandoc.write`, the functions the command line uses.

A reply that is late kills the process, the next request starting a fresh one. The process runs
with the same `+RTS -M` heap cap as a one-off call, but inside the Lua loop GHC cannot stop at it
(it spins, its memory held at the cap), so a late reply is no verdict: the caller gives the
resident pandoc a share of the time and the rest to a one-off call (`runner.run_pandoc`). Readers
run sandboxed (no file is readable). Only conversions whose arguments have an exact equivalent in
the Lua API come here (`request`); the rest (binary outputs, resource paths, tab expansion) stay
one-off calls.
"""

from __future__ import annotations

import atexit
import json
import os
import select
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from typing import IO

#: Requests: a JSON header line {"from", "to", "options", "length"}, then `length` bytes of input.
#: Replies: "ok N" or "error N", then N bytes (the output, or pandoc's message).
_LOOP = r"""
io.stdout:setvbuf('full')
for header in io.lines() do
  local request = pandoc.json.decode(header, false)
  local input = io.read(request.length)
  local ok, out = pcall(function()
    local doc = pandoc.read(input, request.from, {}, {})
    local out = pandoc.write(doc, request.to, request.options)
    return out:sub(-1) == '\n' and out or out .. '\n'  -- as the command line ends its output
  end)
  if not ok then out = tostring(out) end
  io.write((ok and 'ok ' or 'error ') .. #out .. '\n', out)
  io.stdout:flush()
end
"""

#: What a command-line flag becomes in `pandoc.write`'s options (flag → (option, value or None
#: for the flag's own value)). `--preserve-tabs` is what the Lua reader does anyway.
_OPTIONS = {"--wrap": ("wrap_text", None), "--syntax-highlighting": ("highlight_method", None),
            "--mathml": ("html_math_method", "mathml"), "--preserve-tabs": None, "--quiet": None}

#: A resident pandoc using more memory than this after a reply is stopped (a long article can
#: take a few hundred MB, which GHC would otherwise keep for the life of the worker).
KEEP_BELOW = 192 * 1024 * 1024


class Failed(Exception):
    """The resident pandoc refused the input (`runaway` False) or was stopped by a bound."""

    def __init__(self, message: str, runaway: bool = False) -> None:
        self.runaway = runaway
        super().__init__(message)


def request(args: list[str]) -> dict[str, object] | None:
    """The request header for a one-off call's arguments, or None when one has no exact Lua
    equivalent (the caller runs pandoc once instead)."""
    header: dict[str, object] = {}
    options: dict[str, str] = {}
    for arg in args:
        flag, _, value = arg.partition("=")
        if flag in ("--from", "--to") and value:
            header[flag[2:]] = value
        elif flag in _OPTIONS:
            mapped = _OPTIONS[flag]
            if mapped is not None:
                options[mapped[0]] = mapped[1] or value
        else:
            return None
    if "from" not in header or "to" not in header:
        return None
    # The command line expands tabs in every input but JSON unless told not to.
    if header["from"] != "json" and "--preserve-tabs" not in args:
        return None
    header["options"] = options
    return header


class _Resident:
    """The process and its pipes; used under `_LOCK`, owned by the process that started it."""

    def __init__(self, command: list[str]) -> None:
        self.popen = subprocess.Popen([command[0], "lua", "-e", _LOOP, *command[1:]], stdin=subprocess.PIPE,
                                      stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.owner = os.getpid()
        self.command = command

    def convert(self, header: dict[str, object], data: bytes, timeout: float) -> bytes:
        stdin, stdout = self.popen.stdin, self.popen.stdout
        assert stdin is not None and stdout is not None
        try:
            stdin.write(json.dumps({**header, "length": len(data)}).encode() + b"\n" + data)
            stdin.flush()
            status, payload = _reply(stdout, timeout)
        except TimeoutError:
            self.stop()
            raise Failed(f"pandoc did not finish within {timeout:g} s", runaway=True) from None
        except (BrokenPipeError, EOFError):
            raise Failed(f"pandoc stopped (exit {self.stop()})") from None
        if status != b"ok":
            raise Failed(" ".join(payload.decode("utf-8", "replace").split()))
        return payload

    def too_big(self) -> bool:
        """GHC keeps the memory it has used: a process grown past `KEEP_BELOW` is not kept."""
        try:
            resident_pages = int(Path(f"/proc/{self.popen.pid}/statm").read_text().split()[1])
        except (OSError, IndexError, ValueError):
            return False
        return resident_pages * os.sysconf("SC_PAGE_SIZE") > KEEP_BELOW

    def stop(self, *, now: bool = True) -> int:
        """End the process and return its exit code: `now`, killed (a late reply leaves it
        mid-work), else at the end of its input, so that it removes its temporary files."""
        if not now and self.popen.stdin is not None:
            self.popen.stdin.close()
            try:
                self.popen.wait(timeout=2)
            except subprocess.TimeoutExpired:
                now = True
        if now:
            self.popen.kill()
            for leftover in Path(tempfile.gettempdir()).glob(f"pandoc-hist{self.popen.pid}-*"):
                leftover.unlink(missing_ok=True)  # the Lua interpreter's history file
        self.close_pipes()
        return self.popen.wait()

    def close_pipes(self) -> None:
        """Close this process's ends of the pipes (a forked child closes its copies)."""
        for pipe in (self.popen.stdin, self.popen.stdout):
            if pipe is not None:
                pipe.close()


def _reply(stdout: IO[bytes], timeout: float) -> tuple[bytes, bytes]:
    """Read one reply within `timeout` seconds; `TimeoutError` or `EOFError` otherwise."""
    deadline = time.monotonic() + timeout
    fd = stdout.fileno()
    buffer = b""
    size: int | None = None
    status = b""
    while size is None or len(buffer) < size:
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not select.select([fd], [], [], remaining)[0]:
            raise TimeoutError
        chunk = os.read(fd, 1 << 16)
        if not chunk:
            raise EOFError
        buffer += chunk
        if size is None and b"\n" in buffer:
            line, buffer = buffer.split(b"\n", 1)
            status, length = line.split(b" ")
            size = int(length)
    return status, buffer


_LOCK = threading.Lock()
_current: _Resident | None = None


def convert(command: list[str], header: dict[str, object], source: str, timeout: float) -> str:
    """`source` converted by the resident pandoc (`command`: the binary and its `+RTS` bounds),
    started now if this process has none; `Failed` when pandoc refuses it or a bound stops it."""
    global _current
    # The command line reads its input without a byte-order mark and with a final newline.
    data = source.removeprefix("\ufeff").encode("utf-8")
    if header["from"] != "json" and not data.endswith(b"\n"):
        data += b"\n"
    with _LOCK:
        if (_current is None or _current.owner != os.getpid() or _current.command != command
                or _current.popen.poll() is not None):
            _current = _Resident(command)
        resident = _current
        try:
            return resident.convert(header, data, timeout).decode("utf-8")
        except Failed:
            if resident.popen.poll() is not None:
                _current = None
            raise
        finally:
            if _current is not None and _current.too_big():
                _current.stop(now=False)
                _current = None


def _forget_in_child() -> None:
    """A forked child must not write to its parent's pandoc: it starts its own when it needs one.
    Its copies of the pipes are closed so the parent's pandoc still sees the end of its input."""
    global _current, _LOCK
    _LOCK = threading.Lock()  # another thread may have held it at the fork
    if _current is not None:
        _current.close_pipes()
        _current = None


def _stop_at_exit() -> None:
    if _current is not None and _current.owner == os.getpid():
        _current.stop(now=False)


os.register_at_fork(after_in_child=_forget_in_child)
atexit.register(_stop_at_exit)
