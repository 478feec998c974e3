"""DOCX exporter: the Word document read back (python-docx and the XML), never compared by bytes."""

from __future__ import annotations

import datetime as dt
import shutil
import zipfile
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from conftest import ARTICLES, run_cli
from lxml import etree

from publish.cli import main
from publish.exporters.docx import DocxExporter

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

POST = """---
title: 视频生成笔记
author: [张三, 李四]
date: 2024-03-01
keywords: [sora, 视频]
description: 一篇测试 Word 输出的文章
lang: zh-CN
---

开头的导语，见[另一篇的第二节](other.md#第二节)和[本文的表格](#表格)。

## 表格

| 名称 | 数值 |
|---|---:|
| 模型 | 42 |

### 代码与脚注

正文带一个脚注[^note]。

```python
print("你好")
```

![示意图](images/diagram.png)

<div class="tip">原始 HTML 里的提示文字</div>

![远程图片](https://example.com/remote.png)

[^note]: 脚注的内容。
"""


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """`publish post.md --to docx` in a real process: the file, and what was printed."""
    folder = tmp_path_factory.mktemp("docx")
    (folder / "post.md").write_text(POST, encoding="utf-8")
    (folder / "other.md").write_text("---\ntitle: 另一篇\n---\n\n## 第二节\n\n内容。\n", encoding="utf-8")
    shutil.copytree(ARTICLES / "images", folder / "images")
    done = run_cli(["post.md", "--to", "docx"], cwd=folder)
    assert done.returncode == 0, done.stderr
    return folder / "dist" / "post.docx", done.stderr


def part(path: Path, name: str) -> etree._Element:
    with zipfile.ZipFile(path) as archive:
        return etree.fromstring(archive.read(name))


def test_title_and_metadata_are_document_properties(written: tuple[Path, str]) -> None:
    properties = docx.Document(str(written[0])).core_properties
    assert properties.title == "视频生成笔记"
    assert properties.author == "张三; 李四"
    assert properties.keywords == "sora, 视频"
    assert properties.comments == "一篇测试 Word 输出的文章"  # dc:description
    assert properties.language == "zh-CN"
    # Pandoc's sandbox has no clock (it wrote 1970-01-01): the dates are the article's.
    assert properties.created == properties.modified == dt.datetime(2024, 3, 1, tzinfo=dt.UTC)


@pytest.mark.parametrize(("epoch", "expected"), [(None, None), ("1700000000", dt.datetime(2023, 11, 14, 22, 13, 20))])
def test_without_a_date_the_properties_have_source_date_epoch_or_none(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, epoch: str | None, expected: dt.datetime | None) -> None:
    if epoch is None:
        monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    else:
        monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    (tmp_path / "post.md").write_text("---\ntitle: 无日期\n---\n\n正文。\n", encoding="utf-8")
    result = CliRunner().invoke(main, [str(tmp_path / "post.md"), "--to", "docx", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    properties = docx.Document(str(tmp_path / "post.docx")).core_properties
    assert properties.created == (expected and expected.replace(tzinfo=dt.UTC))
    assert properties.modified == properties.created
    with zipfile.ZipFile(tmp_path / "post.docx") as archive:  # the package is otherwise as pandoc wrote it
        assert archive.namelist()[0] == "[Content_Types].xml" and archive.testzip() is None


def test_headings_are_word_heading_styles_under_the_title(written: tuple[Path, str]) -> None:
    styled = [(p.style.name, p.text) for p in docx.Document(str(written[0])).paragraphs if p.text]
    assert styled[0] == ("Title", "视频生成笔记")
    assert ("Heading 2", "表格") in styled and ("Heading 3", "代码与脚注") in styled
    assert ("Source Code", 'print("你好")') in styled  # a paragraph style of the reference document
    assert any("原始 HTML 里的提示文字" in text for _style, text in styled), "raw HTML keeps its words"


def test_table_image_and_footnote_are_in_the_document(written: tuple[Path, str]) -> None:
    document = docx.Document(str(written[0]))
    assert [[cell.text for cell in row.cells] for row in document.tables[0].rows] == [["名称", "数值"], ["模型", "42"]]
    assert len(document.inline_shapes) == 1
    with zipfile.ZipFile(written[0]) as archive:
        media = [name for name in archive.namelist() if name.startswith("word/media/")]
        assert [archive.read(name) for name in media] == [(ARTICLES / "images" / "diagram.png").read_bytes()]
    notes = "".join(part(written[0], "word/footnotes.xml").itertext())
    assert "脚注的内容。" in notes


def test_links_to_other_articles_end_in_docx(written: tuple[Path, str]) -> None:
    rels = part(written[0], "word/_rels/document.xml.rels")
    targets = {rel.get("Target") for rel in rels if rel.get("TargetMode") == "External"}
    assert "other.docx#第二节" in targets
    anchors = {link.get(f"{W}anchor") for link in part(written[0], "word/document.xml").iter(f"{W}hyperlink")}
    assert "表格" in anchors  # a link inside the article stays a link to its heading


def test_east_asian_text_is_zh_cn_in_the_sc_faces(written: tuple[Path, str]) -> None:
    styles = part(written[0], "word/styles.xml")
    defaults = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr")
    assert defaults is not None
    assert defaults.find(f"{W}lang").get(f"{W}eastAsia") == "zh-CN"  # type: ignore[union-attr]
    assert defaults.find(f"{W}rFonts").get(f"{W}eastAsia") == "Noto Serif CJK SC"  # type: ignore[union-attr]
    heading = styles.find(f"{W}style[@{W}styleId='Heading2']/{W}rPr/{W}rFonts")
    assert heading is not None and heading.get(f"{W}eastAsia") == "Noto Sans CJK SC"
    assert heading.get(f"{W}eastAsiaTheme") is None  # the theme's face would take over


@pytest.mark.parametrize(("lang", "fallback", "region"), [
    ("ja", None, "JP"), ("ko", None, "KR"), ("zh-TW", None, "TC"), ("zh-CN", None, "SC"),
    ("en", None, "SC"), ("en", "JP", "JP"),
])
def test_the_cjk_faces_follow_the_language(tmp_path: Path, lang: str, fallback: str | None, region: str) -> None:
    """The reference document names SC faces; Japanese in Chinese glyph forms is wrong (as in the PDF)."""
    (tmp_path / "post.md").write_text(f"---\ntitle: T\nlang: {lang}\n---\n\n漢字と文章。\n", encoding="utf-8")
    extra = ["--cjk-fallback", fallback] if fallback else []
    result = CliRunner().invoke(main, [str(tmp_path / "post.md"), "--to", "docx", "--out", str(tmp_path), *extra])
    assert result.exit_code == 0, result.output
    styles = part(tmp_path / "post.docx", "word/styles.xml")
    faces = {f.get(f"{W}eastAsia") for f in styles.iter(f"{W}rFonts")} - {None}
    assert faces == {f"Noto Serif CJK {region}", f"Noto Sans CJK {region}", f"Noto Sans Mono CJK {region}"}
    assert "漢字と文章。" in docx.Document(str(tmp_path / "post.docx")).paragraphs[-1].text


def test_a_remote_image_is_not_fetched_without_allow_remote(written: tuple[Path, str]) -> None:
    path, stderr = written
    assert "post.md:30: warning: DOCX: image 'https://example.com/remote.png' left out" in stderr
    assert "远程图片" in DocxExporter().text(path.read_bytes())  # its alt text instead


def test_text_reads_the_body_and_the_footnotes(written: tuple[Path, str]) -> None:
    text = DocxExporter().text(written[0].read_bytes())
    assert "开头的导语" in text and "脚注的内容" in text and "模型" in text
