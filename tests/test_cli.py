"""The command line: exit codes, one line per problem, no tracebacks, what is (not) written."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from conftest import ARTICLES, BROKEN_ON_PURPOSE, SORA, run_cli

from publish import exporters as registry
from publish.batch.manifest import NAME as MANIFEST
from publish.cli import main

#: `path:line: error: what happened — what to do`
PROBLEM = re.compile(r"^(?P<path>.+?)(:(?P<line>\d+))?: (?P<severity>error|warning): (?P<what>.+) — (?P<fix>.+)$")


def publish(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args], prog_name="publish")


def problems(result: Result) -> list[re.Match[str]]:
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    matches = [PROBLEM.match(line) for line in lines]
    assert all(matches), f"not in `path:line: error: what — fix` form: {lines}"
    return [m for m in matches if m is not None]


def outputs(folder: Path) -> list[Path]:
    """The converted files in an output folder, without the build manifest kept beside them."""
    return [p for p in folder.iterdir() if p.name != MANIFEST]


def copy_articles(folder: Path, *names: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        shutil.copy(ARTICLES / f"{name}.md", folder / f"{name}.md")


# --- exit codes ------------------------------------------------------------------------------

def test_success_is_exit_0_and_writes_the_html(tmp_path: Path) -> None:
    result = publish(SORA, "--out", tmp_path)
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "sora.html").is_file()
    assert result.stdout.strip() == f"wrote {tmp_path / 'sora.html'}"
    assert result.stderr == ""


def test_default_format_is_html_and_default_folder_is_dist(tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    copy_articles(tmp_path, "no-front-matter")
    monkeypatch.chdir(tmp_path)
    assert publish("no-front-matter.md").exit_code == 0
    assert (tmp_path / "dist" / "no-front-matter.html").is_file()


def test_failed_source_is_exit_1_and_the_others_are_still_written(tmp_path: Path) -> None:
    copy_articles(tmp_path / "posts", "bad-yaml", "no-front-matter", "hexo")
    result = publish(tmp_path / "posts", "--out", tmp_path / "out")
    assert result.exit_code == 1
    written = sorted(p.name for p in outputs(tmp_path / "out"))
    assert written == ["hexo.html", "no-front-matter.html"]
    [problem] = problems(result)
    assert problem["path"].endswith("bad-yaml.md") and problem["severity"] == "error"
    assert problem["line"] == "4"


@pytest.mark.parametrize("name", [Path(name).stem for name in BROKEN_ON_PURPOSE])
def test_user_errors_are_one_line_without_traceback(tmp_path: Path, name: str) -> None:
    result = publish(ARTICLES / f"{name}.md", "--out", tmp_path)
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    [problem] = problems(result)
    assert problem["path"] == str(ARTICLES / f"{name}.md")
    assert not list(tmp_path.iterdir()), "nothing is written for a failed source"


@pytest.mark.parametrize(("args", "expected"), [
    (["--to", "htm"], "did you mean 'html'?"),
    (["--to", ","], "--to is empty"),
    (["--theme-that-does-not-exist"], "No such option"),
])
def test_usage_errors_are_exit_2(tmp_path: Path, args: list[str], expected: str) -> None:
    result = publish(SORA, "--out", tmp_path, *args)
    assert result.exit_code == 2
    assert expected in result.stderr
    assert not tmp_path.exists() or not list(tmp_path.iterdir())


@pytest.mark.parametrize(("args", "expected"), [
    (["--bogus"], "No such option '--bogus'"),
    (["--wechat-images", "inline"], "Invalid value for '--wechat-images'"),
    (["--css", "/no/such.css"], "Invalid value for '--css'"),
])
def test_click_usage_errors_are_one_line(tmp_path: Path, args: list[str], expected: str) -> None:
    result = publish(SORA, "--out", tmp_path, *args)
    assert result.exit_code == 2
    [line] = result.stderr.splitlines()
    assert line.startswith("publish: error: ") and expected in line
    assert line.endswith(" — see 'publish build --help'")


def test_missing_sources_is_one_line() -> None:
    result = publish("build")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "publish: error: Missing argument 'SOURCES...'. — see 'publish build --help'"]


def test_no_arguments_shows_the_help() -> None:
    result = publish()
    assert "publish sora.md --to pdf,epub" in result.stdout + result.stderr


def test_unknown_format_is_one_line_listing_the_formats(tmp_path: Path) -> None:
    result = publish(SORA, "--out", tmp_path, "--to", "html,htm")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "publish: error: unknown format 'htm' — did you mean 'html'? available formats: "
        + ", ".join(registry.available())]
    assert not list(tmp_path.iterdir()), "a typo in --to stops the run before any work"


def test_missing_source_is_a_usage_error(tmp_path: Path) -> None:
    result = publish(tmp_path / "nope.md", "--out", tmp_path / "out")
    assert result.exit_code == 2
    assert "nope.md: no such file or folder" in result.stderr
    assert "Traceback" not in result.stderr


def test_folder_without_markdown_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("not markdown")
    result = publish(tmp_path, "--out", tmp_path / "out")
    assert result.exit_code == 2
    assert "no Markdown files found" in result.stderr


def test_output_folder_that_is_a_file_is_an_error_not_a_traceback(tmp_path: Path) -> None:
    blocker = tmp_path / "out"
    blocker.write_text("a file where the output folder should be")
    result = publish(SORA, "--out", blocker)
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit), result.exception
    [problem] = problems(result)
    assert problem["path"].startswith(str(blocker)) and "cannot write" in problem["what"]


def test_strict_turns_warnings_into_exit_1(tmp_path: Path) -> None:
    assert publish(ARTICLES / "gbk.md", "--out", tmp_path).exit_code == 0
    result = publish(ARTICLES / "gbk.md", "--out", tmp_path, "--strict")
    assert result.exit_code == 1
    assert any("GB18030" in p["what"] for p in problems(result))


# --- folder runs -----------------------------------------------------------------------------

def test_folder_runs_keep_relative_paths(tmp_path: Path) -> None:
    copy_articles(tmp_path / "posts" / "2024" / "03", "hexo")
    copy_articles(tmp_path / "posts", "no-front-matter")
    (tmp_path / "posts" / "notes.markdown").write_text("# Notes\n\nA .markdown file.\n")
    (tmp_path / "posts" / ".hidden").mkdir()
    (tmp_path / "posts" / ".hidden" / "secret.md").write_text("# Secret\n")
    result = publish(tmp_path / "posts", "--out", tmp_path / "site")
    assert result.exit_code == 0, result.stderr
    written = sorted(p.relative_to(tmp_path / "site").as_posix()
                     for p in (tmp_path / "site").rglob("*") if p.is_file() and p.name != MANIFEST)
    assert written == ["2024/03/hexo.html", "no-front-matter.html", "notes.html"]


def test_drafts_are_skipped_in_folder_runs(tmp_path: Path) -> None:
    copy_articles(tmp_path / "posts", "draft", "unpublished", "no-front-matter")
    result = publish(tmp_path / "posts", "--out", tmp_path / "out")
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in outputs(tmp_path / "out")) == ["no-front-matter.html"]
    skipped = [line for line in result.stderr.splitlines() if line.startswith("skipped")]
    assert len(skipped) == 2 and all("--drafts" in line for line in skipped)


def test_drafts_flag_converts_drafts(tmp_path: Path) -> None:
    copy_articles(tmp_path / "posts", "draft", "unpublished")
    result = publish(tmp_path / "posts", "--out", tmp_path / "out", "--drafts")
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in outputs(tmp_path / "out")) == ["draft.html", "unpublished.html"]


def test_a_draft_named_explicitly_is_converted(tmp_path: Path) -> None:
    result = publish(ARTICLES / "draft.md", "--out", tmp_path)
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "draft.html").is_file()


def test_a_file_named_twice_is_converted_once(tmp_path: Path) -> None:
    result = publish(SORA, SORA, "--out", tmp_path)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.count("wrote") == 1


@pytest.mark.parametrize("second", ["b/post.md", "a/post.markdown"])
def test_two_sources_for_the_same_output_are_a_usage_error(tmp_path: Path, second: str) -> None:
    for name in ("a/post.md", second):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("# Post\n\nText.\n")
    args = [tmp_path / "a" / "post.md", tmp_path / second] if second.startswith("b/") else [tmp_path / "a"]
    result = publish(*args, "--out", tmp_path / "out")
    assert result.exit_code == 2
    [line] = result.stderr.splitlines()
    assert "would both be written as 'post.*'" in line
    assert not (tmp_path / "out").exists()


# --- formats and doctor ----------------------------------------------------------------------

@pytest.mark.slow
def test_to_all_writes_every_registered_format(tmp_path: Path) -> None:
    result = publish(ARTICLES / "no-front-matter.md", "--to", "all", "--out", tmp_path)
    assert result.exit_code == 0, result.stderr
    suffixes = {registry.load(name).suffix for name in registry.available()}
    written = {p.relative_to(tmp_path).as_posix().removeprefix("no-front-matter")  # a folder of cards too
               for p in tmp_path.rglob("*") if p.is_file() and p.name != MANIFEST}
    assert suffixes <= written


@pytest.mark.parametrize("args", [["--list-formats"], ["formats"]])
def test_formats_lists_description_and_distribution(args: list[str]) -> None:
    result = publish(*args)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert len(lines) == len(registry.available())
    html = next(line for line in lines if line.split()[0] == "html")
    assert registry.load("html").description in html
    assert html.endswith("[publish]")
    starts = {len(line) - len(line.split(maxsplit=1)[1]) for line in lines}
    assert len(starts) == 1  # one column of descriptions, however long a name (xiaohongshu)


@pytest.fixture(scope="module")
def doctor() -> Result:
    return publish("doctor")


def test_doctor_reports_every_check(doctor: Result) -> None:
    result = doctor
    lines = result.stdout.splitlines()
    assert all(re.match(r"^(OK  |FAIL|WARN) [^:]+: \S", line) for line in lines), lines
    names = [line[5:].split(":")[0] for line in lines]
    assert names[:3] == ["pandoc", "WeasyPrint", "HarfBuzz subsetting"]
    assert {"CJK font zh-Hans", "CJK font zh-Hant", "CJK font ja", "CJK font ko",
            "Java (EPUBCheck)", "clipboard tool"} <= set(names)
    failed_required = [line for line in lines if line.startswith("FAIL")]
    assert result.exit_code == (1 if failed_required else 0)
    assert all(" — " in line for line in failed_required), "a failed check says what to install"


def test_doctor_finds_pandoc_on_this_machine(doctor: Result) -> None:
    line = next(line for line in doctor.stdout.splitlines() if "pandoc" in line)
    assert line.startswith("OK") and re.search(r"\d+\.\d+", line)


# --- a real process, as a user runs it -------------------------------------------------------

def test_c_locale_process_converts_sora_as_chinese(tmp_path: Path) -> None:
    result = run_cli([SORA, "--out", tmp_path], cwd=tmp_path,
                     env={"LANG": "C", "LC_ALL": "C", "LANGUAGE": ""})
    assert result.returncode == 0, result.stderr
    assert '<html lang="zh-CN">' in (tmp_path / "sora.html").read_text(encoding="utf-8")


def test_process_error_line_and_exit_code(tmp_path: Path) -> None:
    result = run_cli([ARTICLES / "bad-yaml.md", SORA, "--out", tmp_path], cwd=tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    [line] = result.stderr.splitlines()
    assert PROBLEM.match(line) and "bad-yaml.md:" in line
    assert [p.name for p in outputs(tmp_path)] == ["sora.html"]
