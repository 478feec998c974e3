"""Typed exporter options: declared once, checked once from every layer, settable with `-O`."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import pytest
from click.testing import CliRunner
from conftest import TESTS, run_cli

from publish.cli import main
from publish.config import options
from publish.config.record import Config
from publish.exporters.epub import EpubOptions
from publish.exporters.wechat.options import WechatOptions

PLUGINS = TESTS / "fixtures" / "plugins"
ARTICLE = "---\ntitle: {title}\nlang: zh-CN\n{extra}---\n\n## 一\n\n正文。\n"


@dataclass(frozen=True)
class Sample:
    level: int = field(default=2, metadata=options.rule(1, 6))
    mode: Literal["link", "embed"] = "link"
    ratio: float = 1.0
    flag: bool = False
    path: Path | None = None
    names: tuple[str, ...] = ()
    table: Mapping[str, str] = field(default_factory=dict)
    note: str | None = field(default=None, metadata=options.rule(check=lambda v: "no semicolons" if ";" in v
                                                                 else None))


def value(key: str, raw: Any, base: Path | None = None, text: bool = False) -> Any:
    return options.coerce(options.specs(Sample)[key], raw, base, text)


@pytest.mark.parametrize(("key", "text", "expected"), [
    ("level", "3", 3), ("flag", "true", True), ("ratio", "2", 2.0), ("mode", "EMBED", "embed"),
    ("table", '{"a.png" = "https://x/a.png"}', {"a.png": "https://x/a.png"}),
    ("names", '["a", "b"]', ("a", "b")), ("note", "3", "3"),
])
def test_command_line_text_is_parsed_by_the_field_type(key: str, text: str, expected: Any) -> None:
    assert value(key, text, text=True) == expected


@pytest.mark.parametrize(("key", "raw", "problem"), [
    ("level", 9, "must be 1–6"), ("level", True, "must be an integer"), ("level", "3", "must be an integer"),
    ("mode", "upload", "must be link or embed"), ("flag", "yes", "must be true or false"),
    ("table", ["a"], "must be a table"), ("note", "a;b", "no semicolons"), ("ratio", None, "must be a number"),
])
def test_a_bad_value_says_what_it_must_be(key: str, raw: Any, problem: str) -> None:
    with pytest.raises(options.Invalid, match=problem):
        value(key, raw)


def test_a_relative_path_is_taken_from_the_file_that_sets_it(tmp_path: Path) -> None:
    assert value("path", "my.css", base=tmp_path) == tmp_path / "my.css"
    assert value("path", "/abs/my.css", base=tmp_path) == Path("/abs/my.css")


def test_a_record_built_in_code_is_checked_too() -> None:
    with pytest.raises(Exception, match='raw_html = "yes"'):
        Config(raw_html="yes")  # type: ignore[arg-type]
    options.check(EpubOptions())
    with pytest.raises(options.Invalid, match="split_level = 7: must be 1–6"):
        options.check(EpubOptions(split_level=7))


def test_wechat_defaults_are_written_once() -> None:
    """The exporter, the snippet and the command line all read `WechatOptions` (no second copy)."""
    from publish.exporters.snippet import figures
    from publish.exporters.wechat import WechatExporter, snippet

    assert WechatExporter.options is WechatOptions
    assert not hasattr(snippet, "Options") and not hasattr(figures, "ImageOptions")


# --- end to end: one line, exit 2, before any article -------------------------------------------

def write(folder: Path, name: str = "a.md", extra: str = "") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(ARTICLE.format(title=name, extra=extra), encoding="utf-8")
    return path


def cli(cwd: Path, *args: str, monkeypatch: pytest.MonkeyPatch) -> tuple[int, str, str]:
    monkeypatch.chdir(cwd)
    result = CliRunner().invoke(main, list(args), env={"CI": "1"}, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize(("args", "line"), [
    (["-O", "epub.split_level=9"], "publish: error: -O epub.split_level=9 — must be 1–6"),
    (["-O", "epub.split_levle=2"], "publish: error: -O epub.split_levle=2: unknown key 'split_levle' in [epub]"),
    (["-O", "toc=maybe"], "publish: error: -O toc=maybe — must be true or false"),
    (["-O", "split_level"], "publish: error: -O 'split_level' is not FORMAT.KEY=VALUE"),
    (["--page-size", "B9"], "publish: error: --page-size B9 — must be a page size WeasyPrint knows"),
    (["--primary-color", "red;x"], "publish: error: --primary-color red;x — must be a CSS colour"),
    (["--wechat-theme", "nope"], "publish: error: --wechat-theme nope — must be a WeChat theme"),
])
def test_a_bad_command_line_option_is_one_line_and_exit_2(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], line: str) -> None:
    for name in ("a.md", "b.md", "c.md"):
        write(tmp_path / "posts", name)
    code, _, err = cli(tmp_path, "posts", "--to", "html,epub,wechat,pdf", *args, monkeypatch=monkeypatch)
    assert code == 2
    [printed] = err.splitlines()
    assert printed.startswith(line), printed
    assert not (tmp_path / "dist").exists()


def test_o_sets_an_option_and_beats_the_config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, extra="")
    (tmp_path / "a.md").write_text(ARTICLE.format(title="a", extra="") + "\n### 小节\n\n更多。\n", encoding="utf-8")
    (tmp_path / "publish.toml").write_text("[epub]\nsplit_level = 2\n", encoding="utf-8")

    def chapters(*args: str) -> int:
        code, _, err = cli(tmp_path, "a.md", "--to", "epub", "--force", *args, monkeypatch=monkeypatch)
        assert code == 0, err
        names = zipfile.ZipFile(tmp_path / "dist" / "a.epub").namelist()
        return sum(bool(re.fullmatch(r"EPUB/ch\d+\.xhtml", n)) for n in names)

    assert chapters() == 1
    assert chapters("-O", "epub.split-level=3") == 2


def test_path_options_work_from_any_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = tmp_path / "blog"
    write(project / "posts")
    (project / "my.css").write_text(".wx-root h2 { color: #123456; }", encoding="utf-8")
    (project / "publish.toml").write_text('[wechat]\ncss = "my.css"\n', encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    code, _, err = cli(elsewhere, str(project / "posts"), "--to", "wechat", "--out", str(tmp_path / "out"),
                       monkeypatch=monkeypatch)
    assert code == 0, err
    assert "#123456" in (tmp_path / "out" / "a.wechat.html").read_text(encoding="utf-8")


def test_a_front_matter_option_is_checked_per_article_at_its_line(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / "posts", "a.md")
    write(tmp_path / "posts", "b.md", extra="publish:\n  toc: true\n  epub:\n    split_level: 9\n")
    code, _, err = cli(tmp_path, "posts", "--to", "html,epub", monkeypatch=monkeypatch)
    assert code == 1
    path = tmp_path / "posts" / "b.md"
    assert f"{path}:7: error: [epub] split_level = 9 — must be 1–6" in err
    assert (tmp_path / "dist" / "a.epub").is_file() and not (tmp_path / "dist" / "b.epub").exists()


def test_theme_flag_is_deprecated_for_wechat_theme(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path)
    code, _, err = cli(tmp_path, "a.md", "--to", "wechat", "--theme", "tech", monkeypatch=monkeypatch)
    assert code == 0 and "--theme is deprecated" in err and "--wechat-theme" in err
    old = (tmp_path / "dist" / "a.wechat.html").read_text(encoding="utf-8")
    code, _, err = cli(tmp_path, "a.md", "--to", "wechat", "--wechat-theme", "tech", "--force",
                       monkeypatch=monkeypatch)
    assert code == 0 and "deprecated" not in err
    assert (tmp_path / "dist" / "a.wechat.html").read_text(encoding="utf-8") == old


def test_a_plugins_options_are_set_and_checked_from_the_command_line(tmp_path: Path) -> None:
    write(tmp_path)
    fast = run_cli(["a.md", "--to", "slow", "-O", "slow.delay=0.01"], cwd=tmp_path, pythonpath=[PLUGINS])
    assert fast.returncode == 0, fast.stderr
    bad = run_cli(["a.md", "--to", "slow", "-O", "slow.delay=soon"], cwd=tmp_path, pythonpath=[PLUGINS])
    assert bad.returncode == 2
    assert bad.stderr.splitlines() == ['publish: error: -O slow.delay=soon — must be a number']
