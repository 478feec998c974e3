"""Diagnostics as a whole: library logs caught (never printed raw), exact repeats dropped, repeats of
a kind grouped into one terminal line, counts per kind, every single warning kept in `--report`."""

from __future__ import annotations

import json
import logging
import re
import sys
import warnings
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import run_cli

from publish.cli import main
from publish.model import Diagnostic
from publish.runtime import diagnostics, library_logs

#: `path:line: warning: what — what to do`, the one form of every line a build prints on stderr.
PROBLEM = re.compile(r"^.+?:\d+(-\d+)?: (error|warning): .+ — .+$")

#: A front-matter tag holding a control character: ebooklib could not write it, said so with a
#: module-level `logging.info()`, and that call configured the root logger (`basicConfig`) of
#: the process. From then on every library record was printed: as on a real 85-post blog. Load
#: now removes the character with a warning of its own (`front-matter`), so ebooklib never sees
#: it; the missing and broken images below still make WeasyPrint log.
CONTROL_TAG = 'tags: ["a\\x02b"]\n'


def _post(folder: Path, name: str = "post.md", body: str = "") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "broken.png").write_bytes(b"not an image at all")
    path = folder / name
    path.write_text("---\ntitle: Images\n" + CONTROL_TAG + "---\n\nSome text.\n\n"
                    "![a picture](missing.png)\n\nMore text.\n" + body, encoding="utf-8")
    return path


def _raw_library_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines()
            if re.match(r"(DEBUG|INFO|WARNING|ERROR|CRITICAL):", line) or "weasyprint:" in line
            or "Warning:" in line]


# --- 2.6: library logs become our warnings ----------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("jobs", ["1", "2"], ids=["in-process", "pdf-helper-process"])
def test_library_logs_never_print_and_a_missing_image_is_one_warning(tmp_path: Path, jobs: str) -> None:
    post = _post(tmp_path / "src")
    result = run_cli([post, "--to", "epub,pdf,html", "--out", tmp_path / "out", "-j", jobs], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert _raw_library_lines(result.stderr) == []
    lines = result.stderr.splitlines()
    assert all(PROBLEM.match(line) for line in lines), lines
    assert [line for line in lines if "missing.png" in line] == [
        f"{post}:8: warning: image 'missing.png' not found — fix the path or add the file"]


@pytest.mark.slow
def test_library_logs_never_print_from_batch_workers(tmp_path: Path) -> None:
    for name in ("a.md", "b.md", "c.md"):
        _post(tmp_path / "src", name)
    result = run_cli([tmp_path / "src", "--to", "epub,pdf", "--out", tmp_path / "out", "-j", "2"], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert _raw_library_lines(result.stderr) == []
    assert sum("missing.png" in line for line in result.stderr.splitlines()) == 3  # one per article


@pytest.mark.slow
def test_a_broken_image_used_twice_is_one_pdf_warning(tmp_path: Path) -> None:
    """WeasyPrint names the raw `<img>` by its file:// URL; said as written, it repeats the first."""
    post = _post(tmp_path / "src", body='\n![once](broken.png)\n\nand <img src="./broken.png" alt="twice">\n')
    result = run_cli([post, "--to", "pdf", "--out", tmp_path / "out", "-j", "1"], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert _raw_library_lines(result.stderr) == []
    [broken] = [line for line in result.stderr.splitlines() if "broken.png" in line]
    assert broken.startswith(f"{post}:12: warning: PDF: Failed to load image at 'broken.png' — ")


@pytest.mark.slow
def test_only_the_writers_css_is_reported_by_the_pdf(tmp_path: Path) -> None:
    """WeasyPrint ignores `text-size-adjust` in our own stylesheet too: not the writer's to fix."""
    post = tmp_path / "styled.md"
    post.write_text('---\ntitle: Styles\n---\n\nText.\n\n<p style="color: red; zoom: 2">styled</p>\n',
                    encoding="utf-8")
    # trusted: safe mode would already filter `zoom` out of the author's style (tests/test_raw_html.py)
    result = run_cli([post, "--to", "pdf", "--out", tmp_path / "out", "-j", "1", "--raw-html", "trusted"],
                     cwd=tmp_path)
    assert result.stderr.splitlines() == [
        (f"{post}:7: warning: PDF: Ignored `zoom: 2` at 1:13, unknown property. — WeasyPrint does not "
        "support it: remove it, or accept that the PDF differs from the HTML page here")]


def test_captured_takes_root_and_library_records_even_after_basic_config() -> None:
    root = logging.getLogger()
    handler = logging.StreamHandler(sys.stderr)  # what basicConfig leaves on the root logger
    root.addHandler(handler)
    printed: list[logging.LogRecord] = []
    handler.emit = printed.append  # type: ignore[method-assign]
    try:
        with library_logs.captured() as outer:
            logging.getLogger("fontTools.subset").warning("glyph %s missing", "x")
            with library_logs.captured() as inner:
                logging.getLogger("weasyprint").error("Failed to load image at 'a.png'")
            logging.error("Could not create metadata.")  # noqa: LOG015 - ebooklib logs on the root logger
            logging.getLogger("weasyprint").info("Step 1 - Fetching and parsing HTML")  # progress: not a problem
            warnings.warn("Palette images with Transparency should be converted", UserWarning, stacklevel=1)
    finally:
        root.removeHandler(handler)
    assert [(r.library, r.message) for r in inner] == [("weasyprint", "Failed to load image at 'a.png'")]
    assert [r.message for r in outer] == ["glyph x missing", "Could not create metadata.",
                                          "UserWarning: Palette images with Transparency should be converted"]
    assert [r.getMessage() for r in printed] == []
    assert logging.getLogger("weasyprint").propagate and library_logs._HANDLER not in root.handlers


def test_library_records_are_warnings_with_a_line_and_a_fix(article) -> None:  # type: ignore[no-untyped-def]
    source = article("plain-english").source
    quoted = next(word for word in source.body.split() if len(word) > 6 and word.isalpha())
    records = [library_logs.Logged("fontTools", logging.WARNING, f"no glyph for '{quoted}'")]
    [warning] = library_logs.diagnostics(records, source, "PDF")
    assert warning.kind == "library-log" and warning.severity == "warning" and warning.fix
    assert warning.message == f"PDF: fontTools: no glyph for '{quoted}'"
    assert warning.line == source.line_of(quoted)


def test_unique_drops_only_exact_repeats() -> None:
    path = Path("post.md")
    first = Diagnostic(path, 3, "warning", "PDF: Failed to load image at 'a.png'", "check it")
    again = Diagnostic(path, 3, "warning", "PDF: Failed to load image at 'a.png'", "check it")
    other_line = Diagnostic(path, 4, "warning", "PDF: Failed to load image at 'a.png'", "check it")
    assert diagnostics.unique([first, again, other_line]) == [first, other_line]


# --- 2.7: grouped in the terminal, every single one in the report ------------------------------

def _anchors(folder: Path, count: int = 12) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    lines = ["---", "title: Anchors", "---", "", "## A real heading", ""]
    for n in range(count):
        lines += [f"See [item {n}](#gone-{n}).", ""]
    path = folder / "anchors.md"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


@pytest.mark.slow
def test_twelve_missing_anchors_are_one_line_and_twelve_report_records(tmp_path: Path) -> None:
    post = _anchors(tmp_path / "src")
    report = tmp_path / "report.json"
    result = run_cli([post, "--to", "html,pdf", "--out", tmp_path / "out", "--report", report], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [
        (f"{post}:7: warning: 12 links to missing anchors: #gone-0, #gone-1, #gone-2, … and 9 more (lines 7–29) — "
        "check the heading's text or give it an explicit {#id}")]
    assert "warnings: 12 missing-anchor" in result.stdout.splitlines()
    [record] = json.loads(report.read_text(encoding="utf-8"))["articles"]
    assert [(w["kind"], w["line"], w["end_line"]) for w in record["warnings"]] == [
        ("missing-anchor", 7 + 2 * n, None) for n in range(12)]
    assert record["warnings"][0]["message"] == "link to a missing anchor #gone-0"

    again = run_cli([post, "--to", "html,pdf", "--out", tmp_path / "out"], cwd=tmp_path)  # up to date
    assert again.stderr == result.stderr and "warnings: 12 missing-anchor" in again.stdout


def test_the_run_ends_with_a_count_per_kind(tmp_path: Path) -> None:
    _anchors(tmp_path / "src", count=3)
    _post(tmp_path / "src")
    result = run_cli([tmp_path / "src", "--to", "html", "--out", tmp_path / "out", "-j", "1"], cwd=tmp_path)
    stdout = result.stdout.splitlines()
    assert stdout[-2] == "warnings: 3 missing-anchor, 1 front-matter, 1 missing-image"
    assert stdout[-1].startswith("converted 2, up to date 0, warnings 5, failed 0")


def test_check_groups_and_counts_too(tmp_path: Path) -> None:
    post = _anchors(tmp_path, count=4)
    result = CliRunner().invoke(main, ["check", str(post)])
    lines = result.output.splitlines()
    assert [line for line in lines if "missing anchor" in line] == [
        (f"{post}:7: warning: 4 links to missing anchors: #gone-0, #gone-1, #gone-2, … and 1 more "
        "(lines 7, 9, 11, 13) — check the heading's text or give it an explicit {#id}")]
    assert lines[-2:] == ["warnings: 4 missing-anchor", "checked 1 file(s): 0 error(s), 4 warning(s), 0 notice(s)"]


def _warning(line: int, message: str, kind: str = "", path: str = "post.md", subject: str = "") -> Diagnostic:
    return Diagnostic(Path(path), line, "warning", message, "do this", kind=kind, subject=subject)


def test_a_kind_without_a_title_is_grouped_when_only_its_subject_differs() -> None:
    odd = [_warning(40 + n, f"the WeChat snippet has an odd image '{n}.png'", "odd-image", subject=f"{n}.png")
           for n in range(3)]
    [grouped] = diagnostics.group([*odd, _warning(50, "the WeChat snippet has an odd table", "odd-image")])[:1]
    assert str(grouped) == ("post.md:40: warning: the WeChat snippet has an odd image '…', 3 times: "
                            "0.png, 1.png, 2.png (lines 40, 41, 42) — do this")
    assert grouped.kind == "odd-image"


def test_spans_keep_their_last_line() -> None:
    spans = [Diagnostic(Path("post.md"), first, "warning", f"image '{n}.png' not embedded", "do this",
                        end_line=last, kind="epub-image", subject=f"{n}.png")
             for n, (first, last) in enumerate([(44, 56), (80, 80)])]
    [grouped] = diagnostics.group(spans)
    assert str(grouped) == ("post.md:44: warning: 2 images left out of the EPUB: 0.png, 1.png (lines 44–56, 80) "
                            "— do this")


def test_unclassified_warnings_are_grouped_by_exact_message_only() -> None:
    same = [_warning(n, "a thing happened") for n in (5, 9)]
    other = _warning(7, "another thing happened")
    grouped = diagnostics.group([same[0], other, same[1]])
    assert [str(d) for d in grouped] == ["post.md:5: warning: a thing happened, 2 times (lines 5, 9) — do this",
                                         str(other)]


def test_grouping_keeps_files_errors_and_notices_apart() -> None:
    error = Diagnostic(Path("post.md"), 2, "error", "bad", "fix")
    notices = [Diagnostic(Path("post.md"), n, "notice", "heading moved", "", kind="heading-level") for n in (3, 4)]
    anchors = [_warning(n, f"link to a missing anchor #x{n}", "missing-anchor", path)
               for n, path in ((8, "a.md"), (9, "b.md"))]
    assert diagnostics.group([error, error, *notices, *anchors]) == [error, error, *notices, *anchors]


def test_many_lines_are_a_range_and_subjects_are_capped() -> None:
    names = [f"img/{n}.png" for n in range(8)]
    grouped = diagnostics.group([_warning(10 * n + 1, f"image '{name}' not found", "missing-image", subject=name)
                                 for n, name in enumerate(names)])
    assert grouped[0].message == "8 missing images: img/0.png, img/1.png, img/2.png, … and 5 more (lines 1–71)"


def test_counts_name_kinds_most_frequent_first() -> None:
    found = [_warning(1, "x", "missing-image"), _warning(2, "y"), _warning(3, "z", "missing-anchor"),
             _warning(4, "w", "missing-anchor"), Diagnostic(Path("p.md"), 1, "notice", "n", kind="n")]
    assert diagnostics.count_line(diagnostics.counts(found)) == \
        "warnings: 2 missing-anchor, 1 missing-image, 1 other"
    assert diagnostics.count_line(diagnostics.counts([])) == ""
