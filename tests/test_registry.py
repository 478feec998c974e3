"""The exporter registry: entry points only, lazy by name, clear errors for unknown or broken plugins."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ARTICLES, TESTS, run_cli

from publish import exporters as registry
from publish.errors import PluginError, UnknownFormat, UsageError

PLUGINS = TESTS / "fixtures" / "plugins"
BROKEN = TESTS / "fixtures" / "plugins-broken"
DUPLICATE = TESTS / "fixtures" / "plugins-duplicate"


def test_builtin_html_is_found_through_entry_points() -> None:
    entry = registry.registered()["html"]
    assert entry.distribution == "publish"
    assert entry.entry_point.value == "publish.exporters.html:HtmlExporter"
    exporter = registry.load("html")
    assert (exporter.name, exporter.suffix) == ("html", ".html")
    assert exporter.description


def test_listing_imports_no_exporter() -> None:
    """In a fresh interpreter: what earlier tests imported (or cached) cannot make it pass or fail."""
    code = ("import sys; from publish import exporters as r; names = r.available(); "
            "print(','.join(names)); print([m for m in sys.modules if m.startswith('publish.exporters.')])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    names, imported = out.splitlines()
    assert {"html", "pdf", "epub", "wechat"} <= set(names.split(","))
    assert imported == "[]"


def test_unknown_name_lists_choices_and_suggests_the_closest() -> None:
    with pytest.raises(UnknownFormat) as info:
        registry.load("htlm")
    message = str(info.value)
    assert isinstance(info.value, UsageError)
    assert "unknown format 'htlm'" in message
    assert "did you mean 'html'?" in message
    assert "html" in message.split("available formats:")[1]


def test_unknown_name_without_a_close_match_only_lists() -> None:
    message = str(pytest.raises(UnknownFormat, registry.load, "zzzzzz").value)
    assert "did you mean" not in message and "available formats: " in message


def test_third_party_exporter_is_found_in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(PLUGINS))
    assert registry.registered()["fake"].distribution == "fake-publish-plugin"
    assert registry.load("fake").suffix == ".fake.txt"


@pytest.mark.parametrize(("name", "expected"), [
    ("missingmodule", "failed to load"),
    ("missingclass", "failed to load"),
    ("exploding", "failed to load"),
    ("misnamed", "'something-else'"),
    ("notexporter", "not a publish exporter"),
])
def test_broken_plugin_is_a_plugin_error(monkeypatch: pytest.MonkeyPatch, name: str, expected: str) -> None:
    monkeypatch.syspath_prepend(str(BROKEN))
    with pytest.raises(PluginError) as info:
        registry.load(name)
    message = str(info.value)
    assert expected in message
    assert "broken-publish-plugin" in message
    assert " — " in message  # always says what to do


def test_a_broken_plugin_does_not_break_the_others(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(BROKEN))
    assert registry.load("html").name == "html"


def test_same_name_from_two_distributions_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(DUPLICATE))
    with pytest.raises(PluginError) as info:
        registry.registered()
    assert "'publish'" in str(info.value) and "'rival-html'" in str(info.value)
    assert str(info.value).endswith("(pip uninstall rival-html)")


@pytest.mark.parametrize("args", [["--list-formats"], ["formats"], ["--to", "html", "x.md"]])
def test_duplicate_through_the_cli_is_one_line(tmp_path: Path, args: list[str]) -> None:
    (tmp_path / "x.md").write_text("# x\n")
    result = run_cli(args, cwd=tmp_path, pythonpath=[DUPLICATE])
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [
        ("publish: error: format 'html' is provided by both 'rival-html' and 'publish' "
         "— uninstall one of them (pip uninstall rival-html)")]


def test_third_party_exporter_works_through_the_cli(tmp_path: Path) -> None:
    result = run_cli([ARTICLES / "no-front-matter.md", "--to", "fake,html", "--out", tmp_path],
                     cwd=tmp_path, pythonpath=[PLUGINS])
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "no-front-matter.fake.txt").read_text() == "A Post Without Front Matter\nen\n"
    assert (tmp_path / "no-front-matter.html").is_file()


def test_third_party_exporter_is_listed_with_its_distribution(tmp_path: Path) -> None:
    result = run_cli(["formats"], cwd=tmp_path, pythonpath=[PLUGINS])
    assert result.returncode == 0, result.stderr
    line = next(line for line in result.stdout.splitlines() if line.startswith("fake"))
    assert "plain-text test format from a third party" in line
    assert "fake-publish-plugin" in line


def test_broken_plugin_through_the_cli_is_one_line_no_traceback(tmp_path: Path) -> None:
    result = run_cli([ARTICLES / "no-front-matter.md", "--to", "misnamed", "--out", tmp_path],
                     cwd=tmp_path, pythonpath=[BROKEN])
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1 and "error: format 'misnamed'" in result.stderr
    assert not list(tmp_path.iterdir())


def test_an_export_error_writes_nothing_for_that_article(tmp_path: Path) -> None:
    result = run_cli([ARTICLES / "no-front-matter.md", ARTICLES / "hexo.md", "--to", "html,failing",
                      "--out", tmp_path / "out"], cwd=tmp_path, pythonpath=[BROKEN])
    assert result.returncode == 1
    assert not (tmp_path / "out").exists(), "html succeeded but the article failed: nothing is written"
    # Two articles run in two workers: their lines come in the order they finish.
    lines = sorted(result.stderr.splitlines())
    assert lines == sorted(f"{ARTICLES / name}:3: error: failing: this format always fails — use another format"
                           for name in ("no-front-matter.md", "hexo.md"))


@pytest.mark.slow
def test_to_all_includes_third_party_formats(tmp_path: Path) -> None:
    result = run_cli([ARTICLES / "no-front-matter.md", "--to", "all", "--out", tmp_path / "out"],
                     cwd=tmp_path, pythonpath=[PLUGINS])
    assert result.returncode == 0, result.stderr
    written = {p.name for p in (tmp_path / "out").iterdir()}
    assert {"no-front-matter.fake.txt", "no-front-matter.html"} <= written
