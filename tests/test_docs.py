"""The docs name only modules that exist, so a move or a rename cannot leave them behind silently.

Every `publish/….py` path (and `publish/…/` folder), every dotted `publish.x.y` name and every
other `….py` path in backticks, in README.md, DEVELOPERS.md and docs/*.md, must be in the package.
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest
from conftest import REPO

PACKAGE = REPO / "publish"
DOCS = [REPO / "README.md", REPO / "DEVELOPERS.md", *sorted((REPO / "docs").glob("*.md"))]

#: `publish/source/load.py`, or a package folder `publish/normalize/` (the trailing slash).
_PATH = re.compile(r"(?<![\w./-])publish/(?:\w+/)*(?:\w+\.py\b)?")
#: `publish.config.options.rule`: a module, maybe followed by attributes of it.
_DOTTED = re.compile(r"(?<![\w./-])publish(?:\.[A-Za-z_]\w*)+")
#: File names that look like dotted module names: `publish.toml` is a config file, not a module.
_FILE_SUFFIXES = {"toml", "md", "json", "html", "yml", "yaml", "txt", "py"}
#: Any other `.py` file in backticks: `tests/test_kit.py`, `tools/reference_docx.py`, `typst/engine.py`.
_TICKED_PY = re.compile(r"`([\w./-]+\.py)`")


def _missing_module(name: str) -> bool:
    """Whether `name` (`publish.a.b`, maybe ending in attributes) names nothing in the package."""
    parts = name.split(".")
    for cut in range(len(parts), 0, -1):
        module = ".".join(parts[:cut])
        try:
            found: object = importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name is not None and (module == exc.name or module.startswith(exc.name + ".")):
                continue  # not a module: maybe an attribute of a shorter prefix
            raise
        for attribute in parts[cut:]:
            if not hasattr(found, attribute):
                return True
            found = getattr(found, attribute)
        return False
    return True


def _missing_py(path: str) -> bool:
    """Whether a backticked `.py` path is neither a file from the repository's root nor the tail
    of a module path in the package (`typst/engine.py`)."""
    if (REPO / path).is_file():
        return False
    tail = "/" + path.lstrip("./")
    return not any(str(found).endswith(tail) for found in PACKAGE.rglob("*.py"))


def problems(text: str) -> list[str]:
    """Every module name or path in `text` that does not exist, in order of appearance."""
    found: list[str] = []
    for match in _PATH.finditer(text):
        path = match.group()
        exists = (REPO / path).is_file() if path.endswith(".py") else (REPO / path).is_dir()
        if not exists:
            found.append(path)
    for match in _DOTTED.finditer(text):
        name = match.group()
        if name.rsplit(".", 1)[-1] not in _FILE_SUFFIXES and _missing_module(name):
            found.append(name)
    for match in _TICKED_PY.finditer(text):
        if not match.group(1).startswith("publish/") and _missing_py(match.group(1)):
            found.append(match.group(1))
    return found


@pytest.mark.parametrize("doc", DOCS, ids=[str(doc.relative_to(REPO)) for doc in DOCS])
def test_every_module_a_doc_names_exists(doc: Path) -> None:
    assert problems(doc.read_text(encoding="utf-8")) == []


def test_the_check_finds_a_missing_module() -> None:
    text = ("See `publish/pipeline.py`, `publish/normalize/`, `publish.config.options.rule`, `publish.toml`,\n"
            "`tests/test_kit.py` and `typst/engine.py`; but not `publish/config_file.py`, `publish/pdf/`,\n"
            "`publish.exporters.wechat.images`, `publish.kit.NoSuchThing` or `preview_page.py`.\n")
    assert problems(text) == ["publish/config_file.py", "publish/pdf/", "publish.exporters.wechat.images",
                              "publish.kit.NoSuchThing", "preview_page.py"]
