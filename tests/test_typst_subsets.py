"""The Noto CJK faces cut to their region's common characters for Typst (`publish.engines.typst.subsets`):
what a cut face holds, that the pages do not change, and that the full font files are not read
(the memory this saves a worker is measured by `benchmarks/memory`)."""

from __future__ import annotations

import fcntl
import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pypdfium2 as pdfium
import pytest
import typst
from conftest import REPO, SORA, configured, target_for
from fontTools.ttLib import TTFont
from test_export_pdf import pdffonts

from publish.config.themes import load_theme
from publish.engines.typst import compiler, inputs, subsets
from publish.exporters import ExportContext
from publish.exporters.pdf import PdfExporter
from publish.pipeline import prepare
from publish.runtime.resources import Resolver

#: In GB 2312: kept in the SC cut. Not in it: drawn from the full face.
COMMON, RARE = "中文标点，。“”《》", "龘鱻犇"
#: Rare characters in body, bold, a heading and code, beside the common ones of sora.md.
RARE_ARTICLE = f"""---
title: 生僻字 {RARE}
---

# 标题 {RARE}

正文 {RARE}，**粗体 {RARE}**。

```python
x = 1  # 注释 {RARE}
```
"""


@pytest.fixture(scope="module")
def system_faces() -> list[typst.FontInfo]:
    return typst.Fonts(include_system_fonts=True, include_embedded_fonts=False).fonts()


@pytest.mark.slow
def test_a_cut_face_is_named_common_and_holds_its_region_standard(
        tmp_path: Path, system_faces: list[typst.FontInfo], monkeypatch: pytest.MonkeyPatch) -> None:
    assert subsets.cut(system_faces, ["SC"], tmp_path)
    cut = {(f.family, f.weight) for f in typst.Fonts(include_system_fonts=False, include_embedded_fonts=False,
                                                     font_paths=[str(tmp_path)]).fonts()}
    assert {("Noto Serif CJK SC Common", 400), ("Noto Serif CJK SC Common", 700), ("Noto Sans CJK SC Common", 700),
            ("Noto Sans Mono CJK SC Common", 400)} <= cut
    serif = next(f for f in system_faces if f.family == "Noto Serif CJK SC" and f.weight == 400)
    source = TTFont(serif.path, fontNumber=serif.index, lazy=True).getBestCmap()
    regular = tmp_path / "NotoSerifCJKSC-400-normal.otf"
    kept = TTFont(regular, lazy=True).getBestCmap()
    gb2312 = {cp for cp in source if 0x4E00 <= cp <= 0x9FFF and _in(chr(cp), "gb2312")}
    assert len(gb2312) > 6700 and gb2312 <= kept.keys()
    assert all(ord(c) in kept for c in COMMON) and not any(ord(c) in kept for c in RARE)
    assert all(ord(c) in source for c in RARE)  # so the full face is what draws them
    assert regular.stat().st_size * 3 < Path(serif.path).stat().st_size
    assert not subsets.cut(system_faces, ["SC"], tmp_path)  # cut once
    monkeypatch.setattr(subsets, "VERSION", subsets.VERSION + 1)
    assert subsets.cut(system_faces, ["SC"], tmp_path)  # cut again by a newer publish


def test_a_folder_that_cannot_be_written_leaves_the_full_faces(
        tmp_path: Path, system_faces: list[typst.FontInfo]) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a folder", encoding="utf-8")
    assert not subsets.cut(system_faces, ["SC"], blocked / "fonts")
    assert list(tmp_path.iterdir()) == [blocked]


@pytest.mark.slow
def test_one_process_cuts_at_a_time(tmp_path: Path, system_faces: list[typst.FontInfo]) -> None:
    """Workers starting together on a new machine: the second waits, then finds the faces cut."""
    with open(tmp_path / ".lock", "a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # another process is cutting
        done: list[bool] = []
        worker = threading.Thread(target=lambda: done.append(subsets.cut(system_faces, ["SC"], tmp_path)))
        worker.start()
        worker.join(1)
        assert worker.is_alive() and not list(tmp_path.glob("*.otf"))
    worker.join(60)
    assert done == [True] and len(list(tmp_path.glob("*.otf"))) >= 4
    assert not subsets.cut(system_faces, ["SC"], tmp_path)


def test_a_cut_face_stands_just_before_its_full_face() -> None:
    known = ["Noto Serif CJK SC", "Noto Serif CJK SC Common", "DejaVu Serif", "Noto Color Emoji"]
    stack = inputs.font_stack("zh-CN", "serif", None, known)
    assert stack[:2] == ["Noto Serif CJK SC Common", "Noto Serif CJK SC"]
    assert inputs.font_stack("zh-CN", "serif", None, known[:1] + known[2:])[0] == "Noto Serif CJK SC"
    # a cut face left in the cache after its full face was uninstalled is not used alone
    assert not any("CJK" in f for f in inputs.font_stack("zh-CN", "serif", None, known[1:]))


@pytest.fixture(scope="module")
def cut_here(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A cache folder of the module's own (the user's may be unwritable, or already full), with
    this process's font caches forgotten before and after."""
    folder = tmp_path_factory.mktemp("cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(folder))
        _forget_fonts()
        try:
            compiler.families(["SC"])
            yield folder
        finally:
            _forget_fonts()


def _forget_fonts() -> None:
    compiler._CUT.clear()
    compiler._fonts.cache_clear()
    compiler._compiler.cache_clear()


def _pdf(path: Path, *, cut: bool, monkeypatch: pytest.MonkeyPatch) -> bytes:
    with monkeypatch.context() as patch:
        if not cut:
            everything = compiler.families
            patch.setattr(compiler, "families", lambda regions=(): frozenset(
                f for f in everything(regions) if not f.endswith(subsets.SUFFIX)))
        config = configured(pdf={"engine": "typst"})
        article = prepare(target_for(path), config)
        ctx = ExportContext(config, load_theme(), Resolver.for_config(path.parent, config))
        return PdfExporter().export(article, ctx)


def _pages(pdf: bytes) -> list[bytes]:
    return [page.render(scale=1.5).to_pil().tobytes() for page in pdfium.PdfDocument(pdf)]


@pytest.mark.slow
@pytest.mark.parametrize("name", ["sora", "rare"])
def test_the_pages_are_the_same_with_the_cut_faces(
        name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cut_here: Path) -> None:
    """Same glyphs, same layout: every pixel of every page. A rare character comes from the
    full face, embedded beside the cut one (two subsets of one PostScript name)."""
    path = SORA if name == "sora" else tmp_path / "rare.md"
    if name == "rare":
        path.write_text(RARE_ARTICLE, encoding="utf-8")
    assert (cut_here / "publish" / "fonts" / "NotoSerifCJKSC-400-normal.otf").is_file()
    assert "Noto Serif CJK SC Common" in compiler.families(["SC"])
    cut, whole = _pdf(path, cut=True, monkeypatch=monkeypatch), _pdf(path, cut=False, monkeypatch=monkeypatch)
    assert _pages(cut) == _pages(whole)
    faces = [f["name"].partition("+")[2] for f in pdffonts(cut)]
    assert len(faces) - len(set(faces)) == (4 if name == "rare" else 0), faces
    assert all(f["name"].partition("+")[2] in faces for f in pdffonts(whole))


#: One export of the article in a fresh process, printing the bytes it read (`rchar` of
#: /proc/self/io: every read(2), whatever the file) during the export alone. Typst reads a font
#: file whole the first time it draws from one of its faces.
_READ = """
import json, sys
from pathlib import Path
from conftest import configured, target_for
from publish.exporters import ExportContext
from publish.exporters.pdf import PdfExporter
from publish.pipeline import prepare
from publish.runtime.resources import Resolver
from publish.config.themes import load_theme
from publish.engines.typst import compiler, subsets
from publish.engines.typst import compiler
from publish.engines.typst import engine
from publish.engines.typst import subsets
import typst
if sys.argv[1] == "whole":
    everything = compiler.families
    compiler.families = lambda regions=(): frozenset(f for f in everything(regions)
                                                     if not f.endswith(subsets.SUFFIX))
path = Path(sys.argv[2])
config = configured(pdf={"engine": "typst"})
article = prepare(target_for(path), config)
def read():
    return int(dict(line.split(": ") for line in Path("/proc/self/io").read_text().splitlines())["rchar"])
before = read()
PdfExporter().export(article, ExportContext(config, load_theme(), Resolver.for_config(path.parent, config)))
print(json.dumps(read() - before))
"""
#: The faces sora.md draws: the serif regular and bold (body, headings) and the sans bold.
SORA_FACES = [("Noto Serif CJK SC", 400), ("Noto Serif CJK SC", 700), ("Noto Sans CJK SC", 700)]


@pytest.mark.slow
def test_the_cut_faces_spare_a_worker_the_whole_font_files(
        cut_here: Path, system_faces: list[typst.FontInfo]) -> None:
    """sora.md draws three faces of 20–27 MB `.ttc` files, which Typst reads whole: with the cut
    faces it reads none of those files; without them, each one (the control: the count sees it).
    The memory this spares a worker is measured by `benchmarks/memory`."""
    full = {Path(f.path) for f in system_faces if (f.family, f.weight) in SORA_FACES}
    assert len(full) == 3, full
    read = {}
    for mode in ("cut", "whole"):
        done = subprocess.run([sys.executable, "-c", _READ, mode, str(SORA)], capture_output=True, text=True,
                              cwd=REPO / "tests", check=False, timeout=120)
        assert done.returncode == 0, done.stderr
        read[mode] = json.loads(done.stdout)
    sizes = sorted(path.stat().st_size for path in full)
    assert read["whole"] >= sum(sizes), (read, sizes)
    assert read["cut"] < sizes[0], (read, sizes)


def _in(char: str, codec: str) -> bool:
    try:
        char.encode(codec)
    except UnicodeEncodeError:
        return False
    return True
