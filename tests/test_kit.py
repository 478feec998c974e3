"""The kit for exporter authors (`publish.kit`), the read-only article, and README's tutorial plugin."""

from __future__ import annotations

import ast as python_ast
import base64
import dataclasses
import re
import shutil
import zipfile
from collections.abc import Callable
from io import BytesIO
from pathlib import Path

import pytest
from conftest import ARTICLES, REPO, SORA, SOURCE_DATE_EPOCH, TESTS, run_cli, target_for

from publish import exporters as registry
from publish import kit
from publish.config.record import Config
from publish.config.themes import load_theme
from publish.exporters import ExportContext
from publish.model import Article, Metadata, Source
from publish.pipeline import prepare
from publish.runtime.dependencies import RecordingResolver

TUTORIAL = TESTS / "fixtures" / "plugins-tutorial"
IMAGE = ARTICLES / "images" / "diagram.png"


def context(art: Article, config: Config | None = None) -> ExportContext:
    config = config or Config()
    return ExportContext(config, load_theme(), RecordingResolver.for_config(art.source.root, config))


def links(ast: kit.PandocAst) -> list[str]:
    return [node["c"][2][0] for node in kit.walk(ast["blocks"]) if node["t"] == "Link"]


# --- the read-only article ---------------------------------------------------------------------

def test_the_ast_is_a_fresh_copy_on_every_access(article: Callable[..., Article]) -> None:
    art = article("raw-html")
    mine = art.ast
    mine["blocks"].clear()
    assert art.ast["blocks"], "what one caller changes, the next one does not see"
    with pytest.raises(dataclasses.FrozenInstanceError):
        art.html = ""  # type: ignore[misc]


@pytest.mark.slow
@pytest.mark.parametrize("path", [SORA, ARTICLES / "raw-html.md"], ids=["sora", "raw-html"])
def test_every_exporter_in_either_order_gives_the_same_bytes(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
    art = prepare(target_for(path), Config())
    names = registry.available()
    assert {"html", "pdf", "epub", "wechat", "docx"} <= set(names)

    def run(order: list[str]) -> dict[str, kit.Output]:
        ctx = context(art)
        return {name: registry.export(Vandal() if name == "vandal" else registry.load(name), art, ctx)
                for name in order}

    backward = run([*names[::-1], "vandal"])  # first: before anything could have been changed
    forward = run(["vandal", *names])
    assert {name: forward[name] for name in names} == {name: backward[name] for name in names}


class Vandal:
    """An exporter that changes all it can of what it is given (with a shared AST, the formats
    after it would lose their body)."""

    name = "vandal"
    suffix = ".vandal"
    description = "changes the article it is given"

    def export(self, article: Article, ctx: ExportContext) -> bytes:
        ast = article.ast
        ast["blocks"].clear()
        ast["meta"]["title"] = {"t": "MetaString", "c": "changed"}
        return b""


# --- the kit -----------------------------------------------------------------------------------

def test_links_to_other_articles_end_in_the_given_suffix(article: Callable[..., Article]) -> None:
    art = article("raw-html")
    assert "plain-english.docx" in links(kit.link_articles(art, ".docx"))
    assert "plain-english.txt" in links(kit.ast_for(art, context(art), ".txt"))
    assert "plain-english.md" in links(art.ast), "the article itself is untouched"
    marked = [node for node in kit.walk(kit.link_articles(art, ".docx")) if node["t"] == "Link"
              and any(key == "data-publish-article" for key, _ in node["c"][0][2])]
    assert marked == []


def test_raw_html_is_read_as_elements_with_its_words(article: Callable[..., Article]) -> None:
    art = article("raw-html")
    ast = kit.ast_for(art, context(art), ".docx")
    assert not [n for n in kit.walk(ast["blocks"]) if n["t"] in ("RawBlock", "RawInline") and n["c"][0] == "html"]
    text = kit.stringify(ast["blocks"])
    assert "框架属性应当被去掉" in text and "过时的标签" in text


def test_images_are_embedded_through_the_resolver_only(tmp_path: Path) -> None:
    (tmp_path / "root").mkdir()
    post = tmp_path / "root" / "post.md"
    shutil.copy(IMAGE, tmp_path / "root" / "a.png")
    shutil.copy(IMAGE, tmp_path / "outside.png")
    post.write_text("---\ntitle: T\n---\n\n![kept](a.png)\n\n![remote](https://example.com/r.png)\n\n"
                    "<img src=\"../outside.png\" alt=\"outside\">\n", encoding="utf-8")
    art = prepare(target_for(post), Config())
    ctx = context(art)
    ast = kit.ast_for(art, ctx, ".docx", embed=True)
    sources = [node["c"][2][0] for node in kit.walk(ast["blocks"]) if node["t"] == "Image"]
    assert sources == ["data:image/png;base64," + base64.b64encode(IMAGE.read_bytes()).decode()]
    text = kit.stringify(ast["blocks"])
    assert "remote" in text and "outside" in text, "the alt text of what was refused is kept"
    assert ("a.png", str(tmp_path / "root")) in ctx.resolver.seen  # type: ignore[attr-defined]
    warned = [str(d) for d in ctx.diagnostics]
    assert any("post.md:7: warning: DOCX: image 'https://example.com/r.png' left out" in w for w in warned)


def test_pandoc_writes_binary_output_in_its_sandbox_and_reports_warnings(article: Callable[..., Article]) -> None:
    art = article("plain-english")
    ctx = context(art)
    ast = art.ast  # an image by path, not embedded: pandoc must not read it
    ast["blocks"].append({"t": "Para", "c": [{"t": "Image", "c": [["", [], []], [], [str(IMAGE), ""]]}]})
    output = kit.pandoc(art, ctx, ast, "docx")
    with zipfile.ZipFile(BytesIO(output)) as archive:
        assert not [name for name in archive.namelist() if name.startswith("word/media/")]
    assert [d.kind for d in ctx.diagnostics] == ["pandoc"]
    assert ctx.diagnostics[0].message.startswith(f"DOCX: pandoc: Could not fetch resource {IMAGE}")


def test_pandoc_is_bounded_in_time(article: Callable[..., Article]) -> None:
    art = article("plain-english")
    config = Config()
    object.__setattr__(config, "pandoc_timeout", 0.001)  # below what a user may set: proves the bound
    with pytest.raises(kit.ExportError, match="did not finish within"):
        kit.pandoc(art, context(art, config), art.ast, "docx")


def test_metadata_goes_to_pandoc() -> None:
    meta = kit.pandoc_meta(Metadata(title="标题", language="zh-CN", authors=("甲", "乙"), keywords=("k",)))
    assert set(meta) == {"title", "lang", "author", "keywords"}
    assert [item["c"][0]["c"] for item in meta["author"]["c"]] == ["甲", "乙"]


def test_line_of_finds_the_first_text_the_body_holds(tmp_path: Path) -> None:
    source = Source(path=tmp_path / "a.md", root=tmp_path, relative=Path("a.md"), body="one\n![x](img/a.png)\nthree\n",
                    body_line=5, metadata=Metadata(title="T", language="en"), digest="")
    assert source.line_of("three") == 7
    assert source.line_of("missing", "(img/a.png", "one") == 6, "in the order given"
    assert source.line_of("../elsewhere/a.png") == 6, "by the file name when not as written"
    assert source.line_of("", "nothing") is None


# --- README's tutorial -------------------------------------------------------------------------

def test_the_readme_tutorial_is_the_plugin_fixture_verbatim() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Writing an exporter", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.DOTALL)
    assert code is not None
    assert code.group(1) == (TUTORIAL / "txt_exporter.py").read_text(encoding="utf-8")


def test_the_tutorial_plugin_imports_only_the_kit() -> None:
    tree = python_ast.parse((TUTORIAL / "txt_exporter.py").read_text(encoding="utf-8"))
    imported = {(node.module, alias.name) for node in python_ast.walk(tree) if isinstance(node, python_ast.ImportFrom)
                for alias in node.names}
    assert {pair for pair in imported if pair[0] not in ("__future__", "typing")} == {("publish", "kit")}


def test_the_tutorial_plugin_runs_as_an_installed_distribution(tmp_path: Path) -> None:
    shutil.copytree(ARTICLES / "images", tmp_path / "images")
    (tmp_path / "other.md").write_text("---\ntitle: Other\n---\n\nText.\n", encoding="utf-8")
    (tmp_path / "post.md").write_text("---\ntitle: 纯文本\n---\n\n第一段，见[另一篇](other.md)。\n\n"
                                      "![示意图](images/diagram.png)\n\n<div>原始 HTML 的文字</div>\n",
                                      encoding="utf-8")
    listed = run_cli(["formats"], cwd=tmp_path, pythonpath=[TUTORIAL])
    assert re.search(r"^txt .*plain text, 72 columns.*publish-txt", listed.stdout, re.MULTILINE), listed.stdout
    done = run_cli(["post.md", "--to", "txt"], cwd=tmp_path, pythonpath=[TUTORIAL])
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "dist" / "post.txt").read_text(encoding="utf-8") == \
        "第一段，见另一篇。\n\n[示意图]\n\n原始 HTML 的文字\n"
    assert "post.md:7: warning: TXT: image 'images/diagram.png' is left out, its alt text kept" in done.stderr
    assert "lost" not in done.stderr
