"""Importing WeasyPrint fast: its native libraries found from the linker cache in one step.

WeasyPrint's cffi bindings try up to six names per library (Linux, macOS and Windows spellings).
Every name that is not a path makes cffi call `ctypes.util.find_library`, which on Linux spawns
`ldconfig`, `gcc` and `ld` in turn: a large part of the import's time, mostly spent on names
that can never match (and on the optional `harfbuzz-vector`). One `ldconfig -p` answers
the same question for all of them, so the lookup is swapped in for the duration of the import.
"""

from __future__ import annotations

import ctypes.util
import functools
import importlib
import re
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from types import ModuleType

from publish.engines.weasyprint import fontdata


@functools.cache
def _linker_cache() -> tuple[str, ...] | None:
    """Sonames the dynamic linker knows (`libpango-1.0.so.0`, …), or None where there is no ldconfig."""
    ldconfig = shutil.which("ldconfig") or shutil.which("ldconfig", path="/sbin:/usr/sbin")
    if ldconfig is None:
        return None
    try:
        out = subprocess.run([ldconfig, "-p"], capture_output=True, text=True, check=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    return tuple(line.split(None, 1)[0] for line in out.splitlines()[1:] if line.strip())


def find_library(name: str) -> str | None:
    """`ctypes.util.find_library` as Linux answers it (`pango-1.0` → `libpango-1.0.so.0`)."""
    sonames = _linker_cache()
    if sonames is None:
        return _ORIGINAL(name)
    pattern = re.compile(rf"lib{re.escape(name)}\.so(\.\d+)*")
    return next((soname for soname in sonames if pattern.fullmatch(soname)), None)


_ORIGINAL = ctypes.util.find_library


@contextmanager
def _fast_lookup() -> Iterator[None]:
    ctypes.util.find_library = find_library
    try:
        yield
    finally:
        ctypes.util.find_library = _ORIGINAL


@functools.cache
def weasyprint() -> ModuleType:
    """The `weasyprint` module, imported once, with the fast library lookup; its PDF fonts copy a
    font file only when they read it (`publish.engines.weasyprint.fontdata`; otherwise a whole CJK
    face each)."""
    with _fast_lookup():
        module = importlib.import_module("weasyprint")
    fontdata.defer_font_copies(importlib.import_module("weasyprint.pdf.fonts"))
    return module
