"""Math in every format: TeX normalized, MathML in the body, SVG for print and pictures, the guard.

`tests/fixtures/articles/math.md` holds what real posts write (inline formulas run into Chinese,
the sample's display formula, a Hexo matrix with doubled row breaks, `cases` with `\\text{中文}`
and `\\tag`, `aligned`, a formula no renderer knows, TeX in code); each format's output is read
back. EPUBCheck runs on it with every fixture article (`tests/test_export_epub.py`).
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from conftest import ARTICLES, configured, target_for
from lxml import etree
from lxml import html as lxml_html

from publish import normalize, pipeline
from publish.config.record import Config
from publish.config.themes import load_theme
from publish.exporters import ExportContext
from publish.exporters import load as load_exporter
from publish.model import Article
from publish.normalize import math as tex_math
from publish.runtime.resources import Resolver
from publish.verify import readers, unrendered

MATH = ARTICLES / "math.md"
#: The display formula of the issue's sample article.
SAMPLE = r"E = \sqrt{(pc)^2 + (mc^2)^2}"
MATHML = "http://www.w3.org/1998/Math/MathML"
FORMULAS = 10  # in math.md: 4 inline, 5 display, 1 the renderer does not know
RAW_TEX = re.compile(r"\$\$|\\(?:frac|sqrt|begin|end|bmatrix|text)\b")


def _convert(tmp: Path, source: Path, formats: str, **layer: Any) -> tuple[Any, Path]:
    exporters = [load_exporter(name) for name in formats.split(",")]
    outcome = pipeline.convert(target_for(source), exporters, configured(**layer), load_theme(), tmp)
    assert outcome.status == "ok", outcome.diagnostics
    return outcome, tmp


def _kinds(outcome: Any) -> list[str]:
    return [d.kind for d in outcome.diagnostics if d.severity == "warning"]


def _write(tmp: Path, body: str) -> Path:
    path = tmp / "post.md"
    path.write_text(f"---\ntitle: 公式\n---\n\n{body}", encoding="utf-8")
    return path


# --- normalize: the TeX blog engines leave -------------------------------------------------------

@pytest.mark.parametrize(("written", "meant"), [
    ("\\begin{matrix}1 & 2 \\\\\\\\\n3 & 4\\end{matrix}", "\\begin{matrix}1 & 2 \\\\\n3 & 4\\end{matrix}"),
    ("a \\\\ b", "a \\\\ b"),  # a single row break stays
    ("x = 1 \\tag{1}", "x = 1 \\qquad (1)"),
    ("x \\tag*{A.1}", "x \\qquad A.1"),
    ("\\text{其他} \\tag{2}", "\\text{其他} \\qquad (2)"),
])
def test_tex_from_blog_engines_is_made_plain(written: str, meant: str) -> None:
    assert tex_math.tex(written) == meant


def test_math_transform_runs_after_parse() -> None:
    assert ("math", tex_math.run) in normalize.AST_TRANSFORMS


# --- the body HTML: MathML in span.math, a formula pandoc cannot convert stays TeX ---------------

@pytest.fixture(scope="module")
def prepared() -> Article:
    return pipeline.prepare(target_for(MATH), Config())


def test_body_html_has_mathml_with_its_tex(prepared: Article) -> None:
    root = lxml_html.fromstring(prepared.html)
    spans = root.xpath("//span[contains(concat(' ', @class, ' '), ' math ')]")
    assert len(spans) == FORMULAS
    maths = root.xpath("//math")
    assert len(maths) == FORMULAS - 1
    for math in maths:
        assert math.getparent().tag == "span"  # every formula in its span.math
        assert math.get("alttext") and math.xpath(".//annotation[@encoding='application/x-tex']")
    display = [m for m in maths if m.get("display") == "block"]
    assert len(display) == 5 and display[0].get("alttext") == SAMPLE
    assert "其他情况" in "".join(display[3].itertext())  # \text{中文} is text of the formula
    assert "(1)" in "".join(display[3].itertext())  # \tag{1} kept as the number


def test_the_hexo_matrix_has_two_rows(prepared: Article) -> None:
    root = lxml_html.fromstring(prepared.html)
    matrix = root.xpath("//math[contains(@alttext, 'bmatrix')]//mtr")
    assert len(matrix) == 2  # `\\\\` read as two row breaks would make an empty row between


def test_unknown_formula_stays_tex_in_code_with_one_warning(prepared: Article) -> None:
    root = lxml_html.fromstring(prepared.html)
    assert [c.text for c in root.xpath("//code[@class='math-tex']")] == ["\\notacommand{x}"]
    warnings = [d for d in prepared.diagnostics if d.kind == "math-tex"]
    assert len(warnings) == 1
    assert warnings[0].line == 46 and "\\notacommand{x}" in str(warnings[0])
    assert re.match(r".*math\.md:46: warning: .* — ", str(warnings[0]))


# --- the guard: no false loss on math, unrendered math found -------------------------------------

def test_inline_math_run_into_chinese_is_not_lost_text(tmp_path: Path) -> None:
    source = _write(tmp_path, "当$\\theta=90^\\circ$时，力矩最大；当$\\alpha=0$时没有；若$x^2$则可以。\n")
    outcome, _ = _convert(tmp_path / "out", source, "html,docx,epub")
    assert "lost-text" not in _kinds(outcome)


def test_dollars_in_code_do_not_pair_with_a_formula(tmp_path: Path) -> None:
    """A `$$` shown in code is not the start of display math: read so, it would pair with the next
    formula's `$$` and turn the formulas' TeX into words the output 'lost'."""
    source = _write(tmp_path, "代码里的 `$$` 不是公式。\n\n$$\\frac{a}{b} + \\sqrt{c}$$\n\n中间的一段文字。\n\n"
                              "$$\\int_0^1 x\\,dx = \\frac{1}{2}$$\n")
    outcome, _ = _convert(tmp_path / "out", source, "html")
    assert _kinds(outcome) == []


def test_unrendered_math_is_reported_with_its_line(tmp_path: Path) -> None:
    source = _write(tmp_path, "正常的 $\\frac{1}{2}$ 公式。\n\n没有美元符号的 \\begin{matrix} 1 \\end{matrix} 矩阵。\n\n"
                              "代码里的 `\\frac{a}{b}` 不算。\n")
    outcome, _ = _convert(tmp_path / "out", source, "html,pdf")
    found = [d for d in outcome.diagnostics if d.kind == unrendered.KIND]
    assert {f for d in found for f in d.formats} == {"html", "pdf"}
    for warning in found:
        assert warning.line == 7  # the prose line, not the formula's nor the code's
        assert "\\begin" in warning.message and "\\frac" not in warning.message


def test_math_fixture_shows_no_unrendered_math(tmp_path: Path) -> None:
    outcome, _ = _convert(tmp_path, MATH, "html,docx,wechat,zhihu,juejin,csdn,devto")
    assert unrendered.KIND not in _kinds(outcome)
    assert "lost-text" not in _kinds(outcome)


def test_prose_lines_leave_out_formulas_and_code(prepared: Article) -> None:
    assert unrendered.lines(prepared) == []  # TeX in prose only in formulas and code spans
    assert unrendered.excess(prepared, "`$$` \\frac{a}{b} \\notacommand{x}") == []
    assert unrendered.excess(prepared, "\\frac{a}{b} \\frac{1}{2}") == ["\\frac"]


# --- every format read back -----------------------------------------------------------------------

@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("math")
    _convert(out, MATH, "html,epub,docx,wechat,zhihu")
    return out


def test_html_page_has_mathml_and_no_raw_tex(outputs: Path) -> None:
    page = (outputs / "math.html").read_text(encoding="utf-8")
    root = lxml_html.fromstring(page)
    assert len(root.xpath("//math")) == FORMULAS - 1
    for code in root.xpath("//code"):
        code.drop_tree()
    assert not RAW_TEX.search(readers.html_text(lxml_html.tostring(root)))
    assert ".math.display" in page  # the theme's hook


def test_epub_has_mathml(outputs: Path) -> None:
    with zipfile.ZipFile(outputs / "math.epub") as book:
        documents = [n for n in book.namelist() if n.endswith(".xhtml") and "nav" not in n]
        trees = [etree.fromstring(book.read(n)) for n in documents]
        opf = next(book.read(n).decode() for n in book.namelist() if n.endswith(".opf"))
    assert sum(len(t.findall(f".//{{{MATHML}}}math")) for t in trees) == FORMULAS - 1
    assert 'properties="mathml"' in opf or "mathml" in opf


def test_docx_has_word_equations(outputs: Path) -> None:
    with zipfile.ZipFile(outputs / "math.docx") as document:
        xml = etree.fromstring(document.read("word/document.xml"))
    ns = {"m": "http://schemas.openxmlformats.org/officeDocument/2006/math"}
    assert len(xml.findall(".//m:oMath", ns)) == FORMULAS - 1  # pandoc warned about the last
    paragraphs = xml.findall(".//m:oMathPara", ns)
    assert len(paragraphs) == 5
    text = "".join(xml.xpath(".//m:t/text()", namespaces=ns))
    assert "其他情况" in text and "(1)" in text


def test_wechat_has_svg_for_every_formula(outputs: Path) -> None:
    root = lxml_html.fromstring((outputs / "math.wechat.html").read_text(encoding="utf-8"))
    labels = [svg.get("aria-label").strip() for svg in root.iter("svg")]
    assert SAMPLE in labels and len(labels) == FORMULAS  # ziamath draws even the unknown command


def test_zhihu_has_equation_images(outputs: Path) -> None:
    root = lxml_html.fromstring((outputs / "math.zhihu.html").read_text(encoding="utf-8"))
    images = root.xpath("//img[@eeimg]")
    assert len(images) == FORMULAS and sum(i.get("eeimg") == "2" for i in images) == 5


# --- print and pictures: SVG, sized to the text --------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("engine", ["weasyprint", "typst"])
def test_pdf_typesets_every_formula(tmp_path: Path, engine: str) -> None:
    import pypdfium2

    outcome, out = _convert(tmp_path, MATH, "pdf", pdf={"engine": engine})
    assert unrendered.KIND not in _kinds(outcome)
    left = [d for d in outcome.diagnostics if d.kind == "math-tex"]  # the unknown command, once
    assert [d.line for d in left] == [46]
    pdf = (out / "math.pdf").read_bytes()
    text = readers.pdf_text(pdf)
    assert "力矩最大" in text
    assert not RAW_TEX.search(text.split("代码里的")[0])  # TeX only in the code at the end
    if engine == "typst":  # Typst's own math: its glyphs are text
        assert "√" in text and "𝜃" in text and "其他情况" in text
        return
    document = pypdfium2.PdfDocument(pdf)
    paths = sum(1 for page in document for obj in page.get_objects() if obj.type == 2)  # FPDF_PAGEOBJ_PATH
    assert paths > 50  # the formulas' glyphs are drawn as SVG paths, \text{其他情况} too
    assert "其他情况" not in text


@pytest.mark.slow
def test_weasyprint_svg_is_sized_in_em_and_baseline_aligned(prepared: Article) -> None:
    from publish.engines.weasyprint import math as print_math

    body, warnings = print_math.as_svg(prepared.html, prepared.source, "Noto Serif CJK SC")
    root = lxml_html.fromstring(body)
    svgs = root.xpath("//svg")
    assert len(svgs) == FORMULAS - 1 and not warnings
    inline = [s for s in svgs if "vertical-align" in s.get("style", "")]
    assert len(inline) == 4
    for svg in inline:
        style = dict(part.split(":") for part in svg.get("style").split(";"))
        assert style["width"].endswith("em") and style["height"].endswith("em")
        assert float(style["vertical-align"][:-2]) <= 0  # the baseline is inside the box
    assert root.xpath("//svg[@aria-label]")[4].get("aria-label") == SAMPLE


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["xiaohongshu", "longimage"])
def test_pictures_draw_the_sample_formula(tmp_path: Path, fmt: str) -> None:
    """The sample's display formula alone: ink on the picture, and none of it TeX laid out as text."""
    from PIL import Image

    article = pipeline.prepare(target_for(_write(tmp_path, f"前言。\n\n$$ {SAMPLE} $$\n")), Config())
    exporter = load_exporter(fmt)
    ctx = ExportContext(Config(), load_theme(), Resolver.for_config(tmp_path, Config()), fmt=fmt)
    output = exporter.export(article, ctx)
    text = exporter.text(output)
    assert "前言" in text and not RAW_TEX.search(text) and "sqrt" not in text
    pngs = [data for name, data in (output.items() if isinstance(output, dict) else [("", output)])
            if isinstance(data, bytes) and data.startswith(b"\x89PNG")]
    inked = 0
    for png in pngs:
        image = Image.open(io.BytesIO(png)).convert("L")
        inked += sum(1 for value in image.getdata() if value < 100)
    assert inked > 500


# --- the HTML page in a browser -------------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.browser
def test_browser_lays_out_the_display_formula_taller_than_a_line(outputs: Path, browser: Any) -> None:
    page = browser.new_page()
    try:
        page.goto((outputs / "math.html").as_uri())
        boxes = page.evaluate("""() => [...document.querySelectorAll('span.math.display math')].map(m => {
            const r = m.getBoundingClientRect();
            const line = parseFloat(getComputedStyle(m.closest('p') || document.body).lineHeight);
            return {height: r.height, width: r.width, line, tex: m.getAttribute('alttext')};
        })""")
        inline = page.evaluate("""() => [...document.querySelectorAll('span.math.inline math')]
            .map(m => m.getBoundingClientRect().width)""")
    finally:
        page.close()
    assert len(boxes) == 5 and all(w > 0 for w in inline)
    sample = next(b for b in boxes if b["tex"] == SAMPLE)
    assert sample["width"] > 100 and sample["height"] > 0
    matrix = next(b for b in boxes if "bmatrix" in (b["tex"] or ""))
    assert matrix["height"] > matrix["line"]  # two rows: laid out as MathML, not a line of text
    cases = next(b for b in boxes if "cases" in (b["tex"] or ""))
    assert cases["height"] > cases["line"]
