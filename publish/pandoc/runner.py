"""The one place pandoc is started: the binary pypandoc-binary ships, bounded in time and memory,
through the resident process when the arguments allow, else a one-off call."""

from __future__ import annotations

import functools
import subprocess
from dataclasses import dataclass

import pypandoc

from publish.pandoc import resident

#: Pandoc's heap is capped: a pathological input must fail, not take the machine's memory.
#: `-H4k -A16m` replaces the binary's built-in `-H64m` (a 64 MB suggested heap that each of the
#: 2–3 short-lived pandoc processes per article pays for in page faults) with a 16 MB allocation
#: area: ~10–25 % less pandoc time per call (more on long articles), and a lower peak.
_RTS = ["+RTS", "-M512m", "-H4k", "-A16m", "-RTS"]


#: The time the resident pandoc gets for a conversion (`run_pandoc`): a second plus one per 50 KB
#: of input, at most a quarter of the allowed time. An 80 KB article takes ~0.3 s, so running late
#: means a runaway, confirmed by a one-off call; a short one costs only a second more than before.
RESIDENT_SHARE = 0.25
RESIDENT_SECONDS_PER_BYTE = 1 / 50_000


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


def pandoc_output(source: str, args: list[str], timeout: float, *, budget: float | None = None) -> PandocOutput:
    """Pandoc (the binary pypandoc-binary ships) on `source`, bounded in time and memory.

    Some inputs send pandoc into a loop (pandoc 3.9: a footnote definition that cites itself,
    `[^1]: see [^1]`): one such article must fail with a message, never hang a CI job. `budget`
    is the time the caller allowed in all when part of it is spent already (the message names it).
    """
    try:
        done = subprocess.run([_pandoc(), *args, *_RTS], input=source.encode("utf-8"),
                              capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired as exc:
        raise PandocFailed(f"pandoc did not finish within {budget or timeout:g} s", runaway=True) from exc
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
    """Pandoc's text output, its warnings left out: from the resident pandoc when the arguments
    allow (no start-up cost), else from a one-off call; both bounded alike."""
    header = resident.request(args)
    if header is None:
        return pandoc_output(source, args, timeout).text
    allowed = min(timeout * RESIDENT_SHARE, 1.0 + len(source) * RESIDENT_SECONDS_PER_BYTE)
    try:
        return resident.convert([_pandoc(), *_RTS], header, source, allowed)
    except resident.Failed as exc:
        if not exc.runaway:
            raise PandocFailed(str(exc)) from exc
    # Late: a loop, or a heap cap the resident pandoc cannot stop at; a one-off call tells which.
    return pandoc_output(source, args, timeout - allowed, budget=timeout).text


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
