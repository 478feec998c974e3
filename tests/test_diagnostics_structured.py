"""Structured diagnostics (issue #22, item 4): a warning carries its subject and format as data;
each format reports on its own, and a run merges them once, in one order, whatever the order of
`--to` and whichever process made the PDF; grouped lines are sentences naming the subjects."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import ARTICLES, run_cli

from publish.model import Diagnostic
from publish.runtime import diagnostics

#: A link to an article of the run's folder, to one that does not exist and to a missing section;
#: a raw-HTML link to a missing anchor (which only the formats see); two local images; a table too
#: wide for a picture. The formats warn about some of these alike, about others each its own way.
WARNINGS = ARTICLES / "warnings.md"


def _run(tmp_path: Path, formats: str, jobs: str) -> tuple[list[str], list[dict[str, Any]]]:
    """The warning lines a run prints, and the warnings its report lists."""
    name = f"{formats.replace(',', '-')}-j{jobs}"
    report = tmp_path / f"{name}.json"
    result = run_cli([WARNINGS, "--to", formats, "--root", ARTICLES, "--out", tmp_path / name, "-j", jobs,
                      "--report", report], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    [article] = json.loads(report.read_text(encoding="utf-8"))["articles"]
    return result.stderr.splitlines(), article["warnings"]


@pytest.mark.slow
@pytest.mark.parametrize("formats", ["pdf,html,wechat,zhihu", "pdf,epub,html,juejin,wechat,zhihu"])
def test_a_run_reports_the_same_whatever_the_order_of_formats_and_the_pdf_helper(tmp_path: Path,
                                                                                   formats: str) -> None:
    """`-j 2` makes the PDF in a helper process (one article, several formats, a free core);
    `-j 1` in this one. Before, every format wrote into one shared list, the PDF skipped what an
    earlier format had said, and the lines came in `--to` order."""
    backward = ",".join(reversed(formats.split(",")))
    runs = {(order, jobs): _run(tmp_path, order, jobs) for order in (formats, backward) for jobs in ("1", "2")}
    lines, warnings = runs[formats, "1"]
    for run in runs.values():
        assert run == (lines, warnings)
    said = {(w["kind"], w["subject"], ",".join(w["formats"])) for w in warnings}
    assert {("link-refused", "gone.md", ""), ("missing-anchor", "#nowhere", ""), ("pdf-link", "code.md", "pdf"),
            ("missing-anchor", "#elsewhere", "pdf"), ("wechat-image", "images/diagram.png", "wechat")} <= said
    if "juejin" in formats:  # the EPUB names #elsewhere too: the PDF says it all the same
        assert {("missing-anchor", "#elsewhere", "epub"), ("platform-link", "code.md", "juejin,zhihu")} <= said


def test_grouped_lines_are_sentences_that_name_their_subjects() -> None:
    links = ["guide/api.md#实例-property", "guide/b.md", *(f"guide/c{n}.md" for n in range(18))]
    kept = [Diagnostic(Path("post.md"), 8 + 2 * n, "warning",
                       f"the link to {link} is kept as text in the {fmt} output (no site_url)",
                       "set site_url in publish.toml", kind="platform-link", subject=link, formats=(fmt,))
            for fmt in ("zhihu", "juejin") for n, link in enumerate(links)]
    logged = [Diagnostic(Path("post.md"), None, "warning",
                         f"{fmt.upper()}: weasyprint: No anchor #{anchor} for internal URI reference",
                         "check this part of the output", kind="library-log", subject="weasyprint", formats=(fmt,))
              for fmt in ("xiaohongshu", "longimage") for anchor in ("a", "b")]
    anchors = [Diagnostic(Path("post.md"), line, "warning", f"link to a missing anchor #{name}",
                          "check the heading's text", kind="missing-anchor", subject=f"#{name}")
               for line, name in ((3, "intro"), (5, "setup"))]
    lines = [str(d) for d in diagnostics.group(diagnostics.ordered([*logged, *kept, *anchors]))]
    assert lines == [
        "post.md:3: warning: 2 links to missing anchors: #intro, #setup (lines 3, 5) — check the heading's text",
        ("post.md:8: warning: 20 links to other articles kept as text in juejin, zhihu (no site_url): "
         "guide/api.md#实例-property, guide/b.md, guide/c0.md, … and 17 more (lines 8–46) — set site_url in "
         "publish.toml"),
        ("post.md:1: warning: 2 messages from libraries in longimage, xiaohongshu: weasyprint — check this part "
         "of the output"),
    ]


def test_a_repeat_from_several_formats_is_one_warning_naming_them_all() -> None:
    def unhosted(fmt: str, src: str = "a.png") -> Diagnostic:
        return Diagnostic(Path("post.md"), 4, "warning", f"local image '{src}' is left out of the {fmt} output",
                          f"add it to [{fmt}.image_url_map]", kind="platform-image", subject=src, formats=(fmt,))

    merged = diagnostics.ordered([unhosted("zhihu"), unhosted("juejin"), unhosted("zhihu"), unhosted("csdn", "b.png")])
    assert [(str(d), ",".join(d.formats)) for d in merged] == [
        ("post.md:4: warning: local image 'b.png' is left out of the csdn output — add it to [csdn.image_url_map]",
         "csdn"),
        (("post.md:4: warning: local image 'a.png' is left out of the juejin, zhihu output — add it to "
          "[juejin.image_url_map]; likewise for zhihu"), "juejin,zhihu"),
    ]
    pdf = Diagnostic(Path("post.md"), 9, "warning", "PDF: not loading x.png: remote", "allow it",
                     kind="resource-refused", subject="x.png", formats=("pdf",))
    pictures = Diagnostic(Path("post.md"), 9, "warning", "long image: not loading x.png: remote", "allow it",
                          kind="resource-refused", subject="x.png", formats=("longimage",))
    [both] = diagnostics.ordered([pdf, pictures])
    assert (both.message, ",".join(both.formats)) == ("long image, PDF: not loading x.png: remote", "longimage,pdf")


def test_the_report_keeps_every_warning_with_its_subject_and_format(tmp_path: Path) -> None:
    lines, warnings = _run(tmp_path, "zhihu,wechat,juejin", "1")
    assert [line.partition(": warning: ")[2] for line in lines if "images" in line] == [
        ("2 local images without a URL left out in juejin, zhihu: images/diagram.png, images/cover.jpg "
         "(lines 12, 14) — upload it and add it to [juejin.image_url_map] (\"…\" = \"https://…\"); likewise for zhihu"),
        ("2 images the WeChat editor cannot take: images/diagram.png, images/cover.jpg (lines 12, 14) — upload it "
         "and add it to image_url_map, or use --wechat-images embed"),
    ]
    assert [(w["line"], w["kind"], w["subject"], ",".join(w["formats"])) for w in warnings] == [
        (7, "link-refused", "gone.md", ""),
        (8, "missing-anchor", "#nowhere", ""),
        (7, "platform-link", "code.md", "juejin,zhihu"),
        (12, "platform-image", "images/diagram.png", "juejin,zhihu"),
        (14, "platform-image", "images/cover.jpg", "juejin,zhihu"),
        (12, "wechat-image", "images/diagram.png", "wechat"),
        (14, "wechat-image", "images/cover.jpg", "wechat"),
    ]
    assert warnings[3]["message"] == "local image 'images/diagram.png' is left out of the juejin, zhihu output (it has no URL)"
