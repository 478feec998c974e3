"""The fast library lookup used while importing WeasyPrint answers as ctypes does."""

from __future__ import annotations

import ctypes.util

import pytest

from publish.engines.weasyprint import native

#: The names WeasyPrint's bindings ask for on Linux, plus ones that exist nowhere.
NAMES = ["gobject-2.0", "pango-1.0", "harfbuzz", "harfbuzz-subset", "fontconfig", "pangoft2-1.0",
         "harfbuzz-vector", "libpango-1.0-0", "pango-1.0-0", "no-such-library-anywhere"]


@pytest.mark.parametrize("name", NAMES)
def test_find_library_matches_ctypes(name: str) -> None:
    assert native.find_library(name) == native._ORIGINAL(name)


def test_import_restores_ctypes_lookup() -> None:
    module = native.weasyprint()
    assert module.__name__ == "weasyprint" and hasattr(module, "HTML")
    assert ctypes.util.find_library is native._ORIGINAL
