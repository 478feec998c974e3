"""The one place pandoc is started: the binary pypandoc-binary ships, in its sandbox, bounded in time
and memory."""

from __future__ import annotations

import functools
import subprocess
from dataclasses import dataclass

import pypandoc

#: Pandoc's heap is capped: a pathological input must fail, not take the machine's memory.
#: `-H4k -A16m` replaces the binary's built-in suggested heap, which every short-lived pandoc
#: would pay for in page faults, with a smaller allocation area.
_RTS = ["+RTS", "-M512m", "-H4k", "-A16m", "-RTS"]


class PandocFailed(Exception):
    """Pandoc exited with an error (its message), ran out of time, or could not start."""

    def __init__(self, message: str, runaway: bool = False) -> None:
        self.runaway = runaway
        """True when pandoc hit the time or memory bound: the input, not the installation."""
        super().__init__(message)


@functools.cache
def _pandoc() -> str:
    path: str = pypandoc.get_pandoc_path()
    return path


@dataclass(frozen=True, slots=True)
class PandocOutput:
    """What pandoc wrote to its standard output (text or a binary format: DOCX, ODT, EPUB all
    stream to a pipe), and the warnings it printed, one line each."""

    data: bytes
    warnings: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        return self.data.decode("utf-8")


def pandoc_output(source: str, args: list[str], timeout: float) -> PandocOutput:
    """Pandoc (the binary pypandoc-binary ships) on `source`, bounded in time and memory.

    Some inputs send pandoc into a loop (pandoc 3.9: a footnote definition that cites itself,
    `[^1]: see [^1]`): one such article must fail with a message, never hang a CI job.
    Pandoc runs in its sandbox (`--sandbox`): it reads no file but those the arguments name, so
    no reader (an `include` directive, a transclusion) can pull a file from outside the source root.
    """
    try:
        sandbox = [] if "--sandbox" in args else ["--sandbox"]
        done = subprocess.run([_pandoc(), *args, *sandbox, *_RTS], input=source.encode("utf-8"),
                              capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired as exc:
        raise PandocFailed(f"pandoc did not finish within {timeout:g} s", runaway=True) from exc
    except OSError as exc:
        raise PandocFailed(str(exc)) from exc
    stderr = done.stderr.decode("utf-8", "replace")
    if done.returncode != 0:
        message = " ".join(stderr.split()) or f"exit {done.returncode}"
        if "Heap exhausted" in message:
            raise PandocFailed(f"pandoc used up its {_RTS[1][2:]} of memory", runaway=True)
        raise PandocFailed(message)
    return PandocOutput(done.stdout, _warnings(stderr))


def run_pandoc(source: str, args: list[str], timeout: float) -> str:
    """Pandoc's text output, its warnings left out."""
    return pandoc_output(source, args, timeout).text


def _warnings(stderr: str) -> tuple[str, ...]:
    """Pandoc's `[WARNING] …` messages, each with its indented continuation lines joined."""
    found: list[str] = []
    keep = False
    for line in stderr.splitlines():
        if line.startswith("["):
            keep = line.startswith("[WARNING] ")
            if keep:
                found.append(line.removeprefix("[WARNING] ").strip())
        elif keep and line.strip():
            found[-1] += " " + line.strip()
    return tuple(found)
