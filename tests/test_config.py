"""Config files (`publish.toml`, `[tool.publish]`), front-matter overrides, and their precedence."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from publish.cli import main
from publish.config import files
from publish.config.files import Layers
from publish.config.record import Config
from publish.errors import OptionError, SourceError, UsageError
from publish.exporters.pdf import PdfOptions
from publish.source.load import load_bytes

ARTICLE = "---\ntitle: Hello\n{extra}---\n\n## One\n\ntext\n\n## Two\n\nmore\n"


def write_article(folder: Path, name: str = "a.md", extra: str = "") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(ARTICLE.format(extra=extra), encoding="utf-8")
    return path


def run(cwd: Path, *args: str, monkeypatch: pytest.MonkeyPatch) -> tuple[int, str]:
    monkeypatch.chdir(cwd)
    result = CliRunner().invoke(main, list(args), env={"CI": "1"}, catch_exceptions=False)
    return result.exit_code, result.output


def has_toc(html: Path) -> bool:
    return 'class="toc"' in html.read_text(encoding="utf-8")


def test_publish_toml_gives_sources_formats_and_out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_article(tmp_path / "posts")
    (tmp_path / "publish.toml").write_text('sources = ["posts"]\nformats = ["html"]\nout = "site"\n'
                                           "toc = true\n", encoding="utf-8")
    code, output = run(tmp_path, monkeypatch=monkeypatch)
    assert code == 0, output
    assert has_toc(tmp_path / "site" / "a.html")


def test_pyproject_tool_publish_is_found_from_the_source_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = tmp_path / "blog"
    write_article(project / "posts")
    (project / "pyproject.toml").write_text('[project]\nname = "blog"\n\n[tool.publish]\ntoc = true\n'
                                            '[tool.publish.html]\n', encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    code, output = run(elsewhere, str(project / "posts"), "--out", str(tmp_path / "dist"),
                       monkeypatch=monkeypatch)
    assert code == 0, output
    assert has_toc(tmp_path / "dist" / "a.html")


def test_pyproject_without_tool_publish_is_not_a_config(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n', encoding="utf-8")
    (tmp_path / ".git").mkdir()
    assert files.find(tmp_path) is None


BAD_FILES = {
    "unknown key": ("tocc = true\n", "unknown key 'tocc'"),
    "unknown format table": ("[pfd]\npage_size = 'A5'\n", "unknown key 'pfd'"),
    "unknown exporter option": ("[html]\ncolour = 'red'\n", "unknown key 'colour' in [html]"),
    "wrong type": ('toc = "yes"\n', 'toc = "yes" — must be true or false'),
    "bad jobs": ("jobs = 0\n", "jobs = 0 — must be ≥ 1"),
    "not toml": ("toc = \n", "not valid TOML"),
    "bad cjk_fallback": ('cjk_fallback = "CN"\n', 'cjk_fallback = "CN" — must be one of SC, TC, HK, JP, KR'),
    "out of range": ("[epub]\nsplit_level = 9\n", "[epub] split_level = 9 — must be 1–6"),
    "not a choice": ('[wechat]\nimages = "upload"\n', '[wechat] images = "upload" — must be link or embed'),
    "checked": ('[pdf]\npage_size = "B9"\n', '[pdf] page_size = "B9" — must be a page size WeasyPrint knows'),
    "missing css": ('[wechat]\ncss = "my.css"\n', '[wechat] css = "my.css" — no such file'),
}


@pytest.mark.parametrize(("text", "message"), BAD_FILES.values(), ids=BAD_FILES.keys())
def test_bad_config_is_a_usage_error_naming_file_and_key(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, message: str) -> None:
    write_article(tmp_path / "posts")
    write_article(tmp_path / "posts", "b.md")
    (tmp_path / "publish.toml").write_text(text, encoding="utf-8")
    code, output = run(tmp_path, "posts", "--to", "html,pdf,epub,wechat", monkeypatch=monkeypatch)
    assert code == 2
    [line] = output.splitlines()  # once, not once per article
    assert line.startswith(f"{tmp_path / 'publish.toml'}: error: {message}"), line
    assert not (tmp_path / "dist").exists()


def test_exporter_options_are_checked_against_the_exporter(monkeypatch: pytest.MonkeyPatch) -> None:
    @dataclass(frozen=True)
    class Fake:
        page_size: str = "A4"
        variant: str | None = None

    monkeypatch.setattr(files, "exporter_options", lambda name: Fake)
    layer = files.validate({"html": {"page-size": "A5", "variant": "pdf/ua-1"}}, "x.toml")
    assert layer == {"html": {"page_size": "A5", "variant": "pdf/ua-1"}}
    with pytest.raises(UsageError, match=r"\[html\] page_size = 5 — must be a string"):
        files.validate({"html": {"page_size": 5}}, "x.toml")


def test_paths_in_a_config_file_are_relative_to_it(tmp_path: Path) -> None:
    (tmp_path / "publish.toml").write_text('root = "."\nsources = ["posts"]\nout = "dist"\n', encoding="utf-8")
    loaded = files.load(tmp_path / "publish.toml")
    assert loaded.layer["root"] == tmp_path / "."
    assert loaded.sources == (tmp_path / "posts",) and loaded.out == tmp_path / "dist"


PRECEDENCE = {
    "defaults": ({}, None, {}, False),
    "config": ({"toc": True}, None, {}, True),
    "front matter over config": ({"toc": True}, {"toc": False}, {}, False),
    "cli over front matter": ({}, {"toc": False}, {"toc": True}, True),
}


@pytest.mark.parametrize(("file", "article", "cli", "toc"), PRECEDENCE.values(), ids=PRECEDENCE.keys())
def test_precedence(file: dict[str, Any], article: dict[str, Any] | None, cli: dict[str, Any],
                    toc: bool) -> None:
    assert Layers(file=file, cli=cli).config(article).toc is toc


def test_exporter_tables_merge_key_by_key() -> None:
    settings = Layers(file={"pdf": {"page_size": "A5", "variant": "pdf/a-3b"}},
                        cli={"pdf": {"page_size": "Letter"}})
    assert settings.config().exporters["pdf"] == PdfOptions(page_size="Letter", variant="pdf/a-3b")


def test_global_tables_merge_key_by_key_like_a_formats() -> None:
    """`[images]` and `[typography]` are tables like `[pdf]`: `-O images.host=none` keeps the
    file's other `[images]` keys (and its nested `[images.picgo]`) instead of resetting them."""
    file = files.validate({"images": {"host": "picgo", "timeout": 5, "picgo": {"url": "http://127.0.0.1:9/up"}},
                           "typography": {"autocorrect": True}}, "publish.toml")
    cli = files.validate({"images": {"host": "none"}}, "publish", text=True)
    config = Layers(file=file, cli=cli).config()
    assert (config.images.host, config.images.timeout, config.images.picgo.url) == ("none", 5.0, "http://127.0.0.1:9/up")
    assert config.typography.autocorrect is True


def test_a_config_files_global_table_is_checked_whole_where_it_is_written() -> None:
    with pytest.raises(OptionError) as caught:
        files.validate({"images": {"host": "s3"}}, "publish.toml")
    assert (caught.value.where, caught.value.what) == (
        "publish.toml", '[images] options do not fit together: host = "s3" needs [images.s3] bucket')


def _source(tmp_path: Path, front: str) -> Any:
    data = f"---\ntitle: T\n{front}---\nbody\n".encode()
    return load_bytes(data, tmp_path / "a.md", tmp_path)


def test_front_matter_publish_overrides_per_article(tmp_path: Path) -> None:
    config = Layers(file={"toc": True}).for_article(_source(tmp_path, "publish:\n  toc: false\n"))
    assert config.toc is False


@pytest.mark.parametrize("front", ["publish:\n  tocc: true\n", "publish:\n  allow_remote: true\n",
                                   "publish: yes\n"], ids=["unknown", "not per article", "not a mapping"])
def test_bad_front_matter_publish_fails_that_article(tmp_path: Path, front: str) -> None:
    with pytest.raises(SourceError) as info:
        Layers().for_article(_source(tmp_path, front))
    assert info.value.path == tmp_path / "a.md"


def test_front_matter_override_end_to_end(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_article(tmp_path / "posts", "a.md")
    write_article(tmp_path / "posts", "b.md", extra="publish: {toc: false}\n")
    (tmp_path / "publish.toml").write_text("toc = true\n", encoding="utf-8")
    code, output = run(tmp_path, "posts", monkeypatch=monkeypatch)
    assert code == 0, output
    assert has_toc(tmp_path / "dist" / "a.html") and not has_toc(tmp_path / "dist" / "b.html")


def test_cli_flag_beats_the_config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_article(tmp_path / "posts")
    (tmp_path / "publish.toml").write_text('formats = ["nope"]\nout = "site"\n', encoding="utf-8")
    code, output = run(tmp_path, "posts", "--to", "html", "--out", "other", monkeypatch=monkeypatch)
    assert code == 0, output
    assert (tmp_path / "other" / "a.html").exists() and not (tmp_path / "site").exists()


def test_cjk_fallback_is_a_global_key_in_any_case(tmp_path: Path) -> None:
    assert files.validate({"cjk-fallback": "tc"}, "x.toml") == {"cjk_fallback": "TC"}
    config = Layers(file={"cjk_fallback": "JP"}).for_article(_source(tmp_path, "publish: {cjk_fallback: kr}\n"))
    assert config.cjk_fallback == "KR"
    assert Layers().config().cjk_fallback == "SC"
    with pytest.raises(UsageError, match="must be one of SC, TC, HK, JP, KR"):
        Config(cjk_fallback="Hant")


def test_cjk_fallback_flag(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_article(tmp_path, extra="lang: en\n")
    (tmp_path / "publish.toml").write_text('cjk_fallback = "JP"\n', encoding="utf-8")
    code, output = run(tmp_path, "a.md", "--cjk-fallback", "tc", monkeypatch=monkeypatch)
    assert code == 0, output
    html = (tmp_path / "dist" / "a.html").read_text(encoding="utf-8")
    assert "Noto Sans CJK TC" in html and "CJK JP" not in html
    code, output = run(tmp_path, "a.md", "--cjk-fallback", "CN", monkeypatch=monkeypatch)
    assert code == 2 and "'CN' is not one of" in output and "'tc'" in output
