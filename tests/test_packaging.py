"""The built wheel: it ships every package under `publish/` and every file under `styles/`, and an
installed copy, in a virtual environment of its own, finds them and converts."""

from __future__ import annotations

import os
import shutil
import site
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from conftest import REPO, SORA

_SKIP = shutil.ignore_patterns(".git", ".venv", "dist", "build", "*.egg-info", "__pycache__", ".*_cache",
                               "tests", "benchmarks")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A wheel built from a copy of the checkout (pip builds in-tree; the checkout stays clean), with
    this environment's setuptools (the `test` extra asks for the version pyproject.toml's build-system
    needs), so no package index is asked."""
    root = tmp_path_factory.mktemp("wheel")
    shutil.copytree(REPO, root / "src", ignore=_SKIP)
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-index",
                            "--no-build-isolation", str(root / "src"), "-w", str(root / "out")],
                           capture_output=True, text=True, check=False)
    assert built.returncode == 0, built.stderr
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
def test_wheel_ships_every_module_of_every_package(wheel: Path) -> None:
    """Found, not listed: a sub-package added under publish/ ships without editing pyproject.toml."""
    names = set(zipfile.ZipFile(wheel).namelist())
    modules = {p.relative_to(REPO).as_posix() for p in (REPO / "publish").rglob("*.py")
               if "__pycache__" not in p.parts}
    assert {"publish/cli/__init__.py", "publish/batch/__init__.py", "publish/__main__.py"} <= modules
    assert modules <= names, sorted(modules - names)
    assert "publish/py.typed" in names


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


#: The title in sora.md's front matter and its first heading.
_SORA_TITLE = "sora最大的三个亮点，普通人也能抓住AI最新机会"
_SORA_HEADING = "能一次性生成长达60秒的长视频"


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment with the wheel installed in it (not editable); its bin/ folder.

    The environment is made without pip (`venv --without-pip`) and the wheel installed into it by this
    environment's pip (`pip --python`, `--no-deps --no-index`): nothing is downloaded. The wheel's
    dependencies (WeasyPrint, pandoc, Typst...) are not installed again: a `.pth` file written *after*
    the install names this environment's site-packages folders. A path line in a `.pth` file only adds
    the folder to sys.path; the `.pth` files inside it are not run, so the editable install's finder
    (`__editable__.publish-*.pth`, which maps `publish` to the checkout) is never installed, and the new
    environment's own site-packages comes first on sys.path (so importlib.metadata also reads the
    wheel's `publish` distribution, entry points and all, before the editable one). (`venv
    --system-site-packages` would not do: the dependencies are in this virtual environment, not in the
    system's site-packages.)
    """
    env = tmp_path_factory.mktemp("venv") / "env"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(env)], check=True,
                   capture_output=True)
    python = env / "bin" / "python"
    install = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "-q",
                              "--no-deps", "--no-index", str(wheel)],
                             capture_output=True, text=True, check=False)
    assert install.returncode == 0, install.stderr
    purelib = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                             capture_output=True, text=True, check=True).stdout.strip()
    ours = {sysconfig.get_path("purelib"), *site.getsitepackages()}
    Path(purelib, "_outer_dependencies.pth").write_text("".join(f"{p}\n" for p in sorted(ours)),
                                                        encoding="utf-8")
    return env / "bin"


def _outside() -> dict[str, str]:
    """The environment of a process run from outside the checkout: no PYTHONPATH, no PYTHONHOME."""
    return {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV"}}


#: Printed by the installed environment's Python: its site-packages, then where each module came from.
_WHERE = """\
import sysconfig
from importlib import resources
import publish, publish.batch, publish.cli
print(sysconfig.get_path("purelib"))
for path in (publish.__file__, publish.cli.__file__, publish.batch.__file__, resources.files("publish.styles")):
    print(path)
"""


@pytest.mark.slow
def test_installed_wheel_imports_from_its_own_site_packages(installed: Path, tmp_path: Path) -> None:
    where = subprocess.run([str(installed / "python"), "-c", _WHERE], cwd=tmp_path, env=_outside(),
                           capture_output=True, text=True, check=False)
    assert where.returncode == 0, where.stderr
    purelib, *paths = map(Path, where.stdout.splitlines())
    assert purelib.is_relative_to(installed.parent), purelib
    assert all(p.is_relative_to(purelib) for p in paths), paths
    assert not any(p.resolve().is_relative_to(REPO.resolve()) for p in paths), paths


@pytest.mark.slow
def test_installed_script_converts_to_html_pdf_epub_and_wechat(installed: Path, tmp_path: Path) -> None:
    source = tmp_path / "article" / "sora.md"
    source.parent.mkdir()
    shutil.copy(SORA, source)
    out = tmp_path / "out"
    result = subprocess.run([str(installed / "publish"), str(source), "--to", "html,pdf,epub,wechat",
                             "--out", str(out)], cwd=tmp_path, env=_outside(),
                            capture_output=True, text=True, encoding="utf-8", timeout=240, check=False)
    assert result.returncode == 0, result.stderr

    html = (out / "sora.html").read_text(encoding="utf-8")
    assert f"<title>{_SORA_TITLE}</title>" in html
    assert "<style>" in html and _SORA_HEADING in html  # the theme's stylesheet, from the installed styles

    pdf = pdfium.PdfDocument(out / "sora.pdf")
    text = "".join(page.get_textpage().get_text_range() for page in pdf)
    pdf.close()
    assert _SORA_HEADING in text

    with zipfile.ZipFile(out / "sora.epub") as epub:
        assert epub.read("mimetype") == b"application/epub+zip"
        book = "".join(epub.read(name).decode("utf-8") for name in epub.namelist()
                       if name.endswith((".opf", ".xhtml")))
    assert _SORA_TITLE in book and _SORA_HEADING in book

    wechat = (out / "sora.wechat.html").read_text(encoding="utf-8")
    assert _SORA_HEADING in wechat
    assert wechat.startswith("<section style=") and "<style" not in wechat  # inlined from styles/wechat


@pytest.mark.slow
def test_installed_module_lists_every_builtin_format(installed: Path, tmp_path: Path) -> None:
    result = subprocess.run([str(installed / "python"), "-m", "publish", "formats"], cwd=tmp_path,
                            env=_outside(), capture_output=True, text=True, encoding="utf-8",
                            check=False)
    assert result.returncode == 0, result.stderr
    listed = {line.split()[0]: line for line in result.stdout.splitlines() if line.strip()}
    assert set(listed) == {"html", "pdf", "epub", "wechat", "docx", "juejin", "csdn", "devto", "zhihu",
                           "xiaohongshu", "longimage"}, result.stdout
    assert all(line.endswith("[publish]") for line in listed.values()), result.stdout
