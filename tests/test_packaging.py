"""The built wheel: it ships every file under `styles/`, and an installed copy finds them and converts."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import REPO, SORA

_SKIP = shutil.ignore_patterns(".git", ".venv", "dist", "build", "*.egg-info", "__pycache__", ".*_cache",
                               "tests", "benchmarks")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A wheel built from a copy of the checkout (pip builds in-tree; the checkout stays clean)."""
    root = tmp_path_factory.mktemp("wheel")
    shutil.copytree(REPO, root / "src", ignore=_SKIP)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", str(root / "src"),
                    "-w", str(root / "out")], check=True, capture_output=True)
    [built] = (root / "out").glob("publish-*.whl")
    return built


@pytest.mark.slow
def test_wheel_ships_every_style_file(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    styles = {f"publish/styles/{p.relative_to(REPO / 'styles').as_posix()}"
              for p in (REPO / "styles").rglob("*") if p.is_file() and "__pycache__" not in p.parts}
    assert "publish/styles/default/page.html.j2" in styles
    assert styles <= names, sorted(styles - names)


@pytest.mark.slow
def test_wheel_ships_the_live_preview_pages(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    pages = {f"publish/serve/templates/{p.name}" for p in (REPO / "publish" / "serve" / "templates").iterdir()}
    assert "publish/serve/templates/live.js" in pages
    assert pages <= names, sorted(pages - names)


@pytest.mark.slow
def test_wheel_declares_the_builtin_exporters(wheel: Path) -> None:
    archive = zipfile.ZipFile(wheel)
    [entry_points] = [n for n in archive.namelist() if n.endswith(".dist-info/entry_points.txt")]
    text = archive.read(entry_points).decode()
    assert "[publish.exporters]" in text and "html = publish.exporters.html:HtmlExporter" in text


@pytest.mark.slow
def test_installed_wheel_finds_its_styles_and_converts(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(site),
                    str(wheel)], check=True, capture_output=True)
    env = {**os.environ, "PYTHONPATH": str(site)}
    where = subprocess.run(
        [sys.executable, "-c", "import publish.config.themes as t; print(t.__file__); print(t.load_theme().root)"],
        cwd=tmp_path, env=env, capture_output=True, text=True, check=True).stdout.split()
    assert all(Path(p).is_relative_to(site) for p in where), where
    result = subprocess.run([sys.executable, "-m", "publish", str(SORA), "--out", str(tmp_path / "out")],
                            cwd=tmp_path, env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert "<style>" in (tmp_path / "out" / "sora.html").read_text(encoding="utf-8")
