"""Shared helpers for the benchmark scripts: run a command, time it, read its peak memory."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pypandoc

PANDOC = pypandoc.get_pandoc_path()
PYTHON = sys.executable
PUBLISH = [PYTHON, "-m", "publish"]
#: The plain chain's PDF step: what a user without publish runs after `pandoc -s`.
WEASYPRINT_SCRIPT = "import sys, weasyprint; weasyprint.HTML(sys.argv[1]).write_pdf(sys.argv[2])"


@dataclass(frozen=True)
class Run:
    seconds: float
    peak_mb: float


def run(commands: Sequence[Sequence[str]], cwd: Path | None = None, env: dict[str, str] | None = None) -> Run:
    """Run commands one after another; wall time and the largest child peak RSS among them.

    As on a user's machine, Python keeps its bytecode cache: PYTHONDONTWRITEBYTECODE (set in some
    sandboxes) would make every run of ours recompile our ~100 modules from source (~0.15 s),
    while the plain chain's libraries were compiled when pip installed them.
    """
    env = {key: value for key, value in (os.environ if env is None else env).items()
           if key != "PYTHONDONTWRITEBYTECODE"}
    start = time.perf_counter()
    peak = 0.0
    for command in commands:
        proc = subprocess.Popen(list(command), cwd=cwd, env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
        if proc.returncode not in (0, 1):
            raise SystemExit(f"command failed ({proc.returncode}): {' '.join(command)}\n{err}")
        peak = max(peak, usage.ru_maxrss / 1024)
    return Run(time.perf_counter() - start, peak)


def median(runs: Sequence[Run]) -> float:
    return statistics.median(r.seconds for r in runs)


def peak(runs: Sequence[Run]) -> float:
    return max(r.peak_mb for r in runs)
