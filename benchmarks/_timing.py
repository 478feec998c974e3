"""Shared helpers for the benchmark scripts: run a command, time it, read its peak memory, and
record what a script printed in RESULTS.md."""

from __future__ import annotations

import contextlib
import io
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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


RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
_HEADER = """# Benchmark results

Written by the scripts in this folder (`make bench`, or one script at a time): each one replaces
its own section with what it printed, headed by the date, the machine and the versions. Compare
ratios measured in the same run; absolute times vary from machine to machine.
"""


def _versions() -> str:
    from importlib import metadata

    def version(name: str) -> str:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return "-"

    pandoc = subprocess.run([PANDOC, "--version"], capture_output=True, text=True, check=False).stdout.split("\n")[0]
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                            cwd=Path(__file__).parent, check=False).stdout.strip() or "-"
    return (f"Python {sys.version.split()[0]}, {pandoc or 'pandoc -'}, WeasyPrint {version('weasyprint')}, "
            f"typst-py {version('typst')}, publish {version('publish')} ({commit})")


def _machine() -> str:
    cpu = "unknown CPU"
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                   if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} cores, {cpu}, {memory:.0f} GiB"


class _Tee:
    def __init__(self, *streams: Any) -> None:
        self.streams = streams

    def write(self, text: str) -> int:
        for stream in self.streams:
            stream.write(text)
        return len(text)

    def flush(self) -> None:
        for stream in self.streams:
            stream.flush()


@contextlib.contextmanager
def recorded(name: str) -> Iterator[None]:
    """Print as usual and, when the benchmark finishes, put what it printed in RESULTS.md as the
    section `name` (replacing the last one), so the figures live in one file and only there."""
    captured = io.StringIO()
    real = sys.stdout
    sys.stdout = _Tee(real, captured)  # type: ignore[assignment]
    try:
        yield
    finally:
        sys.stdout = real
    stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    command = " ".join(["benchmarks/" + Path(sys.argv[0]).name, *sys.argv[1:]])
    section = (f"## {name}\n\n{stamp} · {_machine()} · {_versions()}\n\n`{command}`\n\n"
               f"```\n{captured.getvalue().rstrip()}\n```\n")
    sections: dict[str, str] = {}
    if RESULTS.exists():
        for part in RESULTS.read_text(encoding="utf-8").split("\n## ")[1:]:
            sections[part.split("\n", 1)[0].strip()] = "## " + part.rstrip() + "\n"
    sections[name] = section
    RESULTS.write_text(_HEADER + "\n" + "\n".join(sections[key] for key in sorted(sections)), encoding="utf-8")
