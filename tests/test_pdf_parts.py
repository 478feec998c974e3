"""PDF exporter parts that need no rendering: options, dates, font coverage, the fetcher, refs."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest

from publish.engines import paper
from publish.engines.weasyprint import rooted
from publish.engines.weasyprint.fetch import reference, url_fetcher
from publish.errors import UsageError
from publish.exporters import load
from publish.exporters.pdf import PdfExporter, coverage
from publish.model import Metadata
from publish.runtime.resources import Resolver, ResourceRefused

REPO = Path(__file__).resolve().parents[1]
EPOCH = "1709251200"  # 2024-03-01T00:00:00Z


@pytest.mark.parametrize(("value", "css"), [
    ("A4", "size: A4;"), ("a5 landscape", "size: a5 landscape;"), ("Letter", "size: Letter;"),
    ("150mm 220mm", "size: 150mm 220mm;"), ("150mm", "size: 150mm;"),
])
def test_page_size_becomes_at_page_css(value: str, css: str) -> None:
    assert css in paper.page_css(value, "20mm")


MM = 72 / 25.4


@pytest.mark.parametrize(("size", "margin", "expected"), [
    ("A4", "22mm 20mm 24mm", (210, 297, 22, 20, 24, 20)),
    ("a5 landscape", "10mm", (210, 148, 10, 10, 10, 10)),
    ("Letter", "1in 2cm", (215.9, 279.4, 25.4, 20, 25.4, 20)),
    ("150mm 220mm", "1mm 2mm 3mm 4mm", (150, 220, 1, 2, 3, 4)),
    ("150mm", "10mm 20mm 30mm", (150, 150, 10, 20, 30, 20)),
])
def test_page_box_gives_the_page_and_margins_in_points(
        size: str, margin: str, expected: tuple[float, ...]) -> None:
    box = paper.page_box(size, margin)
    got = (box.width, box.height, box.top, box.right, box.bottom, box.left)
    assert tuple(round(value / MM, 1) for value in got) == expected


def test_page_box_refuses_what_page_css_refuses() -> None:
    with pytest.raises(UsageError, match="page size"):
        paper.page_box("A7", "20mm")


@pytest.mark.parametrize("value", ["A7", "big", "150 220", "A4; } body { display: none", ""])
def test_bad_page_size_is_a_usage_error(value: str) -> None:
    with pytest.raises(UsageError, match="page size"):
        paper.page_css(value, "20mm")


@pytest.mark.parametrize("value", ["wide", "20", "1mm 2mm 3mm 4mm 5mm", "20mm; color: red"])
def test_bad_margin_is_a_usage_error(value: str) -> None:
    with pytest.raises(UsageError, match="margin"):
        paper.page_css("A4", value)


def test_chinese_indent_can_be_turned_off() -> None:
    assert paper.paragraph_css(cjk=True, indent=True) == ""
    assert "text-indent: 0" in paper.paragraph_css(cjk=True, indent=False)
    assert paper.paragraph_css(cjk=False, indent=False) == ""


def test_margin_boxes_get_the_language_face() -> None:
    assert '@page { font-family: "Noto Serif CJK TC"' in paper.font_css("zh-TW")


def test_coverage_ignores_spaces_and_controls() -> None:
    assert coverage.missing_characters("a b\tc\u200d\ufe0f\n") == []


def test_coverage_reports_private_use_characters() -> None:
    if coverage.coverage() is None:
        pytest.skip("fontconfig's fc-list is not installed")
    assert coverage.missing_characters("a\ue000b") == ["\ue000"]
    assert "private-use" in coverage.fix_for(["\ue000"])


@pytest.mark.parametrize(("meta_date", "epoch", "expected"), [
    ("2024-03-01", None, "2024-03-01"),
    ("2024-03-01T09:30:00", None, "2024-03-01T09:30:00+00:00"),
    ("2024-03-01T09:30:00+08:00", EPOCH, "2024-03-01T09:30:00+08:00"),
    (None, EPOCH, "2024-03-01T00:00:00+00:00"),
    (None, None, None),
])
def test_creation_date(monkeypatch: pytest.MonkeyPatch, meta_date: str | None, epoch: str | None,
                       expected: str | None) -> None:
    if epoch is None:
        monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    else:
        monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    meta = Metadata(title="t", language="en",
                    date=dt.datetime.fromisoformat(meta_date) if meta_date else None)
    assert paper.creation_date(meta) == expected


# --- resources ------------------------------------------------------------------------------------

Fetcher = tuple[object, list[str], Path]


@pytest.fixture
def fetcher(tmp_path: Path) -> Fetcher:
    root = tmp_path / "root"
    (root / "img").mkdir(parents=True)
    (root / "img" / "a.png").write_bytes(b"PNG")
    (tmp_path / "secret.txt").write_text("secret")
    refused: list[str] = []
    return url_fetcher(Resolver(root=root), root, lambda exc: refused.append(exc.kind)), refused, root


@pytest.mark.parametrize(("url", "body"), [
    ("root:img/a.png", b"PNG"), ("FILE/img/a.png", b"PNG"), ("file:///img/a.png", b"PNG"),
    ("data:text/plain,hi", b"hi"),
])
def test_fetcher_serves_files_inside_the_root(fetcher: Fetcher, url: str, body: bytes) -> None:
    fetch, refused, root = fetcher
    assert fetch(url.replace("FILE", root.as_uri())).read() == body  # type: ignore[operator]
    assert refused == []


@pytest.mark.parametrize(("url", "kind"), [
    ("FILE/../secret.txt", "outside"), ("file:///etc/passwd", "outside"), ("root:../secret.txt", "outside"),
    ("https://example.com/a.png", "remote"), ("FILE/img/none.png", "missing"), ("ftp://example.com/a", "scheme"),
])
def test_fetcher_refuses_and_reports(fetcher: Fetcher, url: str, kind: str) -> None:
    fetch, refused, root = fetcher
    with pytest.raises(ResourceRefused):
        fetch(url.replace("FILE", root.as_uri()))  # type: ignore[operator]
    assert refused == [kind]


def test_reference_back_from_file_urls(tmp_path: Path) -> None:
    assert reference((tmp_path / "img" / "a b.png").as_uri(), tmp_path) == "img/a b.png"
    assert reference("file:///img/a.png", tmp_path) == "/img/a.png"
    assert reference("https://example.com/a.png", tmp_path) == "https://example.com/a.png"


@pytest.mark.parametrize(("tag", "expected"), [
    ('<img src="/img/a b.png" data-publish-src="img/a b.png" alt="x" />',
     '<img src="root:img/a%20b.png" data-publish-src="img/a b.png" alt="x" />'),
    ('<img src="https://example.com/a.png" alt="remote" />', '<img src="https://example.com/a.png" alt="remote" />'),
])
def test_checked_images_load_from_their_root_path(tag: str, expected: str) -> None:
    assert rooted._IMG.sub(rooted._root_image, tag) == expected


# --- registration and cost -----------------------------------------------------------------------

def test_registered_as_an_entry_point() -> None:
    exporter = load("pdf")
    assert isinstance(exporter, PdfExporter)
    assert exporter.suffix == ".pdf"


def test_weasyprint_is_imported_only_when_exporting() -> None:
    code = "import sys, publish.exporters.pdf; print('weasyprint' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONPATH": str(REPO)})
    assert out.stdout.strip() == "False"
