"""Shared fixtures: prepared fixture articles, the CLI runner, and golden files with `--force-regen`."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from publish.config import files
from publish.config.files import Layers
from publish.config.record import Config
from publish.errors import SourceError
from publish.model import Article
from publish.pipeline import prepare
from publish.source.discover import Target

TESTS = Path(__file__).parent
#: Debian's Chromium, driven by Playwright (never a downloaded browser), started as on this machine:
#: without the background-networking flags it keeps trying hosts the closed network refuses.
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
REPO = TESTS.parent
ARTICLES = TESTS / "fixtures" / "articles"
GOLDEN = TESTS / "golden"
SORA = REPO / "sources" / "sora.md"

#: The fixture articles broken on purpose (in `ARTICLES`), each with what its refusal must say: every
#: one is refused at load with a `SourceError`, before any exporter runs. The corpus tests expect
#: exactly these to fail; any other `PublishError` on a fixture article fails the test.
BROKEN_ON_PURPOSE = {
    "bad-yaml.md": "front matter is not valid YAML",  # `tags: [one, two` never closes its list
    "binary.md": "the file is binary",  # NUL bytes: not text in any encoding
    "unclosed.md": "is never closed",  # front matter opened by `---` and never closed
}

#: Golden files never depend on the clock: any date the pipeline invents comes from here.
SOURCE_DATE_EPOCH = "1709251200"  # 2024-03-01T00:00:00Z


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--force-regen", action="store_true", default=False,
                     help="Rewrite golden files (tests/golden/, generated styles) instead of comparing; "
                          "the same as PUBLISH_REGEN=1. Review the diff before committing.")


def target_for(path: Path, *, explicit: bool = True, root: Path | None = None) -> Target:
    """A pipeline `Target` for one file, as the CLI would make it for a file named explicitly."""
    path = path.resolve()
    return Target(path, (root or path.parent).resolve(), Path(path.name), explicit=explicit)


def broken_on_purpose(path: Path) -> str | None:
    """What the refusal of `path` must say if it is a fixture article broken on purpose, else None."""
    return BROKEN_ON_PURPOSE.get(path.name) if path.resolve().parent == ARTICLES.resolve() else None


def corpus_article(path: Path, config: Config | None = None) -> Article | None:
    """The prepared article at `path`, or None for a fixture broken on purpose once its refusal (a
    `SourceError` saying why) is asserted. Any other `PublishError` propagates: the test fails."""
    why = broken_on_purpose(path)
    if why is None:
        return prepare(target_for(path), config or Config())
    with pytest.raises(SourceError, match=re.escape(why)):
        prepare(target_for(path), config or Config())
    return None


def configured(**layer: Any) -> Config:
    """The `Config` a config file with these keys (and `[format]` tables as dicts) would give:
    validated the same way, so a bad value is the same `OptionError`."""
    return Layers(file=files.validate(layer, "test")).config()


@pytest.fixture
def article() -> Callable[..., Article]:
    """`article("hexo")` → the prepared `Article` for `tests/fixtures/articles/hexo.md`."""

    def make(name: str, config: Config | None = None) -> Article:
        path = ARTICLES / f"{name}.md"
        assert path.is_file(), f"no fixture article {path}"
        return prepare(target_for(path), config or Config())

    return make


@pytest.fixture
def regen(request: pytest.FixtureRequest) -> bool:
    """True when golden files should be rewritten rather than compared."""
    return bool(request.config.getoption("--force-regen")) or os.environ.get("PUBLISH_REGEN") == "1"


@pytest.fixture
def golden(regen: bool) -> Callable[[Path, str], None]:
    """`golden(path, text)`: compare `text` with the file, or rewrite it under `--force-regen`."""

    def check(path: Path, text: str) -> None:
        if regen:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8", newline="\n")
            return
        assert path.is_file(), (f"golden file {path} is missing; create it with "
                                f"`pytest --force-regen {os.environ.get('PYTEST_CURRENT_TEST', '').split(' ')[0]}`")
        expected = path.read_text(encoding="utf-8")
        assert text == expected, (f"{path.name} differs from the golden file; if the change is intended, "
                                  "run `pytest --force-regen` (or PUBLISH_REGEN=1) and review the diff")

    return check


def run_cli(args: Sequence[str | os.PathLike[str]], *, cwd: Path, pythonpath: Sequence[Path] = (),
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`python -m publish ARGS` in a real subprocess: exit code, stdout and stderr as a user sees them.

    A subprocess (not CliRunner) is used where entry points or the locale matter: both are read at
    interpreter start-up.
    """
    full_env = {**os.environ, "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH, **(env or {})}
    if pythonpath:
        full_env["PYTHONPATH"] = os.pathsep.join(
            [*map(str, pythonpath), *filter(None, [full_env.get("PYTHONPATH")])])
    return subprocess.run([sys.executable, "-m", "publish", *map(str, args)], cwd=cwd, env=full_env,
                          capture_output=True, text=True, encoding="utf-8", timeout=120, check=False)


def font_stacks(css: str) -> list[list[str]]:
    """Every `font-family` value in `css`, as a list of family names without quotes."""
    return [[name.strip().strip("'\"") for name in value.split(",")]
            for value in re.findall(r"font-family\s*:\s*([^;}]+)", css)]



@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless Chromium for the browser tests (marker `browser`), one per test module."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
