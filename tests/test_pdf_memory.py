"""Memory of the PDF export (issue #11): WeasyPrint's fonts no longer copy whole font files
(`publish.engines.weasyprint.fontdata`), and the PDF is the same. The megabytes this spares a worker (≤ 400 MB on
a long Chinese article, the issue's goal) are measured by `benchmarks/memory`, not asserted here."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import types
from pathlib import Path
from typing import Any

import pytest
from conftest import SORA, SOURCE_DATE_EPOCH, run_cli, target_for

from publish.config.record import Config
from publish.config.themes import load_theme
from publish.engines.weasyprint import fontdata
from publish.exporters import ExportContext
from publish.exporters.pdf import PdfExporter
from publish.pipeline import prepare
from publish.runtime.dependencies import RecordingResolver

FIXTURES = Path(__file__).parent / "fixtures" / "pdf"
#: ~84 KB: Chinese and English prose, 88 headings, 40 code blocks with Chinese comments, tables,
#: footnotes, bold and italic (made by benchmarks/_corpus.py: `long_article(Random(20240612), 1)`).
LONG = FIXTURES / "long-zh.md"


@pytest.mark.slow
def test_one_worker_converts_a_long_chinese_article_twice_and_reports_its_peak(tmp_path: Path) -> None:
    """The second article starts from what the first left (caches, heap), as in a batch run, in
    the four formats issue #11's limit was set for; `benchmarks/memory` reads the same run's peak."""
    for name in ("a.md", "b.md"):
        shutil.copy(LONG, tmp_path / name)
    report = tmp_path / "report.json"
    done = run_cli([tmp_path, "--to", "html,pdf,epub,wechat", "-j", "1", "--out", tmp_path / "dist", "--report", report,
                    "-q"], cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["summary"]["converted"] == 2
    assert [sorted({o["format"] for o in a["outputs"]}) for a in data["articles"]] == \
        [["epub", "html", "pdf", "wechat"]] * 2
    assert data["peak_worker_mb"] > 0


@pytest.mark.slow
def test_pdf_export_never_holds_a_whole_font_file(monkeypatch: pytest.MonkeyPatch) -> None:
    """sora.md draws three Noto CJK faces (19–27 MB files each); only their subsets may be copied:
    no bytes the size of a face's whole font file ever pass through a PDF font's `file_content`,
    neither when WeasyPrint builds the font nor when it subsets it."""
    article = prepare(target_for(SORA), Config())
    exporter = PdfExporter()

    def export() -> bytes:
        ctx = ExportContext(Config(), load_theme(), RecordingResolver.for_config(SORA.parent, Config()))
        return exporter.export(article, ctx)

    export()  # imports WeasyPrint (and defers its font copies), font configuration and caches
    fonts = importlib.import_module("weasyprint.pdf.fonts")
    from weasyprint.text.ffi import harfbuzz

    deferring = vars(fonts.Font).get("file_content")  # publish's property, or None: a plain attribute
    held: dict[Any, list[tuple[int, int]]] = {}  # each font drawn → (bytes it held, its whole file)

    def whole(font: Any) -> int:
        """The length of the file HarfBuzz reads the face from (a `.ttc` holds several faces)."""
        blob = harfbuzz.hb_face_reference_blob(font.hb_face)
        try:
            return int(harfbuzz.hb_blob_get_length(blob))
        finally:
            harfbuzz.hb_blob_destroy(blob)

    def note(font: Any, value: object) -> None:
        sizes = held.setdefault(font, [])
        if isinstance(value, bytes | bytearray):
            sizes.append((len(value), whole(font)))

    def get(font: Any) -> object:
        value = deferring.__get__(font) if deferring else vars(font)["file_content"]
        note(font, value)
        return value

    def put(font: Any, value: object) -> None:
        note(font, value)
        if deferring:
            deferring.__set__(font, value)
        else:
            vars(font)["file_content"] = value

    monkeypatch.setattr(fonts.Font, "file_content", property(get, put), raising=False)
    assert export().startswith(b"%PDF")
    cjk = {f"{font.family} {font.weight} {font.style}": sizes for font, sizes in held.items() if "CJK" in font.family}
    assert len(cjk) >= 3, sorted(font.family for font in held)
    # each holds a subset (it was embedded), never its whole file
    assert all(sizes and all(size < file for size, file in sizes) for sizes in cjk.values()), cjk


#: Every font path: CJK faces regular, bold and synthetic italic, CJK in code, and a colour emoji
#: font (the path that does read a whole font file, to strip its bitmaps).
MIXED = """---
title: 字体 fonts
---

正文 *斜体* **粗体** `代码 code`，English *italic* and **bold**, emoji 😀 ✅.

```python
# 中文注释
print("你好")
```
"""

_PDF_OF = """
import sys
from publish.engines.weasyprint import fontdata
if sys.argv[1] == "copy":
    fontdata.defer_font_copies = lambda module: False
from publish.cli import main
sys.argv = ["publish", sys.argv[2], "--to", "pdf", "--out", sys.argv[3]]
main()
"""


@pytest.mark.slow
@pytest.mark.parametrize("source", [SORA, "mixed"], ids=["sora", "mixed"])
def test_deferred_font_copies_leave_the_pdf_unchanged(tmp_path: Path, source: Path | str) -> None:
    if source == "mixed":
        source = tmp_path / "mixed.md"
        source.write_text(MIXED, encoding="utf-8")
    assert isinstance(source, Path)
    made = {}
    for mode in ("copy", "lazy"):
        out = tmp_path / mode
        subprocess.run([sys.executable, "-c", _PDF_OF, mode, str(source), str(out)], check=True,
                       env={**os.environ, "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH}, capture_output=True)
        made[mode] = (out / source.with_suffix(".pdf").name).read_bytes()
    assert made["lazy"] == made["copy"]


def test_weasyprint_internals_that_differ_are_left_alone() -> None:
    """Another WeasyPrint whose `Font` is not what `fontdata` expects is not patched."""
    assert not fontdata.defer_font_copies(types.ModuleType("no_font_here"))

    class SlottedFont:
        __slots__ = ("file_content",)

    slotted = types.ModuleType("slotted")
    slotted.Font = SlottedFont  # type: ignore[attr-defined]
    slotted.get_hb_object_data = lambda face: b""  # type: ignore[attr-defined]
    assert not fontdata.defer_font_copies(slotted)
    assert slotted.get_hb_object_data(None) == b""  # type: ignore[attr-defined]


#: A module shaped like `weasyprint.pdf.fonts`: `Font.__init__` reads the face through the global.
_FONTS = """
reads = []

def get_hb_object_data(hb_object, ot_color=None, glyph=None):
    reads.append(hb_object)
    return b"OTTO whole file of " + hb_object.encode()

class Font:
    def __init__(self, face):
        self.hb_face = face
        self.file_content = get_hb_object_data(self.hb_face)
"""


def test_a_font_reads_its_file_only_when_asked_and_once(tmp_path: Path) -> None:
    (tmp_path / "fake_fonts.py").write_text(_FONTS, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("fake_fonts", tmp_path / "fake_fonts.py")
    assert spec is not None and spec.loader is not None
    fonts = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(fonts)
    assert fontdata.defer_font_copies(fonts)
    assert fontdata.defer_font_copies(fonts)  # idempotent
    font = fonts.Font("face")
    assert fonts.reads == []
    assert font.file_content[:4] == b"OTTO"
    assert font.file_content == b"OTTO whole file of face"
    assert fonts.reads == ["face"]
    font.file_content = b"subset"  # what HarfBuzz subsetting does
    assert font.file_content == b"subset" and fonts.reads == ["face"]
    assert fonts.get_hb_object_data("subset face") == b"OTTO whole file of subset face"  # not deferred
