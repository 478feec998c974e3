"""The article's preview page: one Copy button per paste target the run built, nothing else."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import ClassVar

import lxml.html
import pytest
from click.testing import CliRunner
from conftest import ARTICLES, SORA

from publish.cli import main
from publish.exporters import Paste
from publish.render import preview

PASTE_TARGETS = ("wechat", "zhihu", "juejin", "csdn", "devto")
SUFFIXES = {"wechat": ".wechat.html", "zhihu": ".zhihu.html", "juejin": ".juejin.md", "csdn": ".csdn.md",
            "devto": ".devto.md"}


def build(source: Path, out: Path, formats: str, *extra: str) -> str:
    result = CliRunner().invoke(main, [str(source), "--to", formats, "--out", str(out), *extra])
    assert result.exit_code == 0, result.output
    return result.output


def sections(page: Path) -> list[tuple[str, str]]:
    root = lxml.html.fromstring(page.read_bytes())
    return [(s.get("data-name"), s.get("data-kind")) for s in root.iterfind(".//section[@data-name]")]


def contents(page: Path) -> dict[str, str]:
    root = lxml.html.fromstring(page.read_bytes())
    script = root.find(".//script[@id='contents']")
    assert script is not None
    found: dict[str, str] = json.loads(script.text or "")
    return found


def test_every_paste_target_of_the_run_in_its_order_with_its_exact_output(tmp_path: Path) -> None:
    output = build(ARTICLES / "platforms.md", tmp_path, "html,devto,wechat,zhihu,juejin,csdn,epub")
    page = tmp_path / "platforms.preview.html"
    assert sections(page) == [("devto", "text"), ("wechat", "html"), ("zhihu", "html"),
                              ("juejin", "text"), ("csdn", "text")]
    for name, copied in contents(page).items():
        assert copied == (tmp_path / f"platforms{SUFFIXES[name]}").read_text(encoding="utf-8"), name
    assert output.count("platforms.preview.html") == 1  # written once, though it belongs to five formats


def test_rich_targets_are_shown_at_phone_width_and_markdown_as_text(tmp_path: Path) -> None:
    build(ARTICLES / "platforms.md", tmp_path, "wechat,zhihu,devto")
    root = lxml.html.fromstring((tmp_path / "platforms.preview.html").read_bytes())
    zhihu = root.get_element_by_id("frame-zhihu")
    assert zhihu.getparent().get("class") == "phone" and "bare" in zhihu.get("class")  # Zhihu has no styles
    assert zhihu.find(".//table[@data-draft-type='table']") is not None  # the fragment itself, as markup
    assert "bare" not in root.get_element_by_id("frame-wechat").get("class")
    devto = root.get_element_by_id("frame-devto")
    assert devto.tag == "pre" and devto.text_content().startswith("---\ntitle: \"One article for every platform\"")
    assert [a.get("href") for a in root.iterfind(".//nav/a")] == ["#paste-wechat", "#paste-zhihu", "#paste-devto"]


def test_the_page_has_no_script_but_its_own(tmp_path: Path) -> None:
    source = tmp_path / "src" / "evil.md"
    source.parent.mkdir()
    source.write_text("---\ntitle: </script><script>alert(1)</script>\n---\n\n"
                      "Text </script><script>alert(2)</script> and `</script>`.\n\n"
                      "```\n</script><!--\n```\n", encoding="utf-8")
    build(source, tmp_path / "out", "wechat,zhihu,juejin")
    page = (tmp_path / "out" / "evil.preview.html").read_text(encoding="utf-8")
    root = lxml.html.fromstring(page)
    scripts = root.findall(".//script")
    assert [s.get("id") for s in scripts] == ["contents", None]
    assert "alert" not in (scripts[1].text or "")
    assert "</script><!--" in contents(tmp_path / "out" / "evil.preview.html")["juejin"]


def test_no_page_without_a_paste_target(tmp_path: Path) -> None:
    build(SORA, tmp_path, "html,epub")
    assert not (tmp_path / "sora.preview.html").exists()


def test_a_third_party_format_declares_itself_a_paste_target() -> None:
    class Medium:
        name: ClassVar[str] = "medium"
        suffix: ClassVar[str] = ".medium.html"
        paste: ClassVar[Paste] = Paste("html", "Medium", "Paste into a new story.")

    class Plain:
        name: ClassVar[str] = "txt"
        suffix: ClassVar[str] = ".txt"

    found = preview.copyables([(Plain(), b"x"), (Medium(), {".medium.html": b"<p>hi</p>", ".png": b""})])  # type: ignore[list-item]
    assert [(t.name, t.content, t.paste.platform) for t in found] == [("medium", "<p>hi</p>", "Medium")]


def test_script_json_cannot_close_the_script() -> None:
    text = preview.script_json({"a": "</script><script>alert(1)</script><!--"})
    assert "</" not in text and "<!--" not in text
    assert json.loads(text) == {"a": "</script><script>alert(1)</script><!--"}


def test_a_folder_build_keeps_the_page_up_to_date(tmp_path: Path) -> None:
    """The page belongs to every paste target's manifest entry: deleting it rebuilds the article."""
    site = tmp_path / "site"
    site.mkdir()
    shutil.copy(SORA, site / "sora.md")
    build(site, tmp_path / "out", "wechat,juejin")
    page = tmp_path / "out" / "sora.preview.html"
    assert [name for name, _ in sections(page)] == ["wechat", "juejin"]
    assert "up to date" in build(site, tmp_path / "out", "wechat,juejin")
    page.unlink()
    build(site, tmp_path / "out", "wechat,juejin")
    assert [name for name, _ in sections(page)] == ["wechat", "juejin"]


@pytest.mark.parametrize("language", ["zh-CN", "en"])
def test_buttons_speak_the_article_language(tmp_path: Path, language: str) -> None:
    source = tmp_path / "a.md"
    source.write_text(f"---\ntitle: T\nlang: {language}\n---\n\nWords.\n", encoding="utf-8")
    build(source, tmp_path / "out", "zhihu")
    root = lxml.html.fromstring((tmp_path / "out" / "a.preview.html").read_bytes())
    assert root.get("lang") == language
    assert root.find(".//button").text == ("复制" if language == "zh-CN" else "Copy")
