"""Batch builds: isolation, incremental skips and invalidation, shards, interrupts, the report."""

from __future__ import annotations

import functools
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import run_cli
from lxml import html as lxml_html

from publish.batch import in_shard, manifest, parse_shard
from publish.batch.manifest import NAME as MANIFEST
from publish.cli import main
from publish.cli.progress import Progress, choose_mode
from publish.config import themes
from publish.errors import UsageError
from publish.source.discover import Target

PLUGINS = Path(__file__).parent / "fixtures" / "plugins"

GOOD = """---
title: {title}
date: 2024-03-01
---

{title} body with *emphasis*.

![a picture](img/a.png)
"""
BROKEN = "---\ntitle: [unclosed\n---\nbody\n"
WARNED = "---\ntitle: Warned\ndate: not a date\n---\n\nbody\n"


def make_site(root: Path, n: int = 4, broken: bool = False) -> Path:
    """`root/site` with n good articles in two folders, one image, optionally one broken article."""
    site = root / "site"
    for i in range(n):
        folder = site / ("posts" if i % 2 else "notes")
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"a{i}.md").write_text(GOOD.format(title=f"Article {i}"), encoding="utf-8")
        (folder / "img").mkdir(exist_ok=True)
        (folder / "img" / "a.png").write_bytes(b"\x89PNG first")
    if broken:
        (site / "posts" / "broken.md").write_text(BROKEN, encoding="utf-8")
    return site


def publish(root: Path, *args: str, env: dict[str, str] | None = None) -> tuple[int, dict[str, Any], str]:
    """Run the CLI in-process with a report; returns exit code, the report, and the output."""
    report = root / "report.json"
    report.unlink(missing_ok=True)
    runner = CliRunner()
    result = runner.invoke(main, [*args, "--report", str(report)], env={"CI": "1", **(env or {})},
                           catch_exceptions=False)
    data = json.loads(report.read_text(encoding="utf-8")) if report.exists() else {}
    return result.exit_code, data, result.output


def statuses(report: dict[str, Any]) -> dict[str, str]:
    return {a["relative"]: a["status"] + (f" ({a['reason']})" if a["reason"] else "")
            for a in report["articles"]}


def by_status(report: dict[str, Any], status: str) -> list[str]:
    return sorted(a["relative"] for a in report["articles"] if a["status"] == status)


def manifest_is_consistent(out: Path) -> None:
    """Every output the manifest lists exists with the size it records; no temp files remain."""
    data = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    for record in data["sources"].values():
        for entry in record.get("formats", {}).values():
            for rel, size in entry["outputs"].items():
                assert (out / rel).stat().st_size == size, rel
    assert not [p for p in out.rglob("*.tmp")], "temp files left behind"


# --- isolation -------------------------------------------------------------------------------

def test_folder_run_keeps_relative_paths(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    code, _, _ = publish(tmp_path, str(site), "--out", str(tmp_path / "dist"), "-j", "2")
    assert code == 0
    assert sorted(p.relative_to(tmp_path / "dist").as_posix() for p in (tmp_path / "dist").rglob("*.html")) \
        == ["notes/a0.html", "notes/a2.html", "posts/a1.html", "posts/a3.html"]
    assert "Article 1" in (tmp_path / "dist" / "posts" / "a1.html").read_text(encoding="utf-8")


def test_broken_article_does_not_stop_the_others(tmp_path: Path) -> None:
    site = make_site(tmp_path, broken=True)
    code, report, output = publish(tmp_path, str(site), "--out", str(tmp_path / "dist"), "-j", "2")
    assert code == 1
    assert statuses(report) == {"notes/a0.md": "ok", "notes/a2.md": "ok", "posts/a1.md": "ok",
                                "posts/a3.md": "ok", "posts/broken.md": "failed"}
    assert len(list((tmp_path / "dist").rglob("*.html"))) == 4
    assert f"{site / 'posts' / 'broken.md'}:2: error: front matter is not valid YAML" in output


def _crash_site(tmp_path: Path) -> Path:
    site = make_site(tmp_path, n=4)
    (site / "posts" / "crash.md").write_text(GOOD.format(title="CRASH here"), encoding="utf-8")
    return site


def _run_cli(args: list[str], env: dict[str, str] | None = None, **kwargs: Any) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(PLUGINS), "CI": "1", **(env or {})}
    return subprocess.Popen([sys.executable, "-m", "publish", *args], env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kwargs)


@pytest.mark.slow
def test_crashing_worker_fails_only_its_article(tmp_path: Path) -> None:
    site = _crash_site(tmp_path)
    out, report = tmp_path / "dist", tmp_path / "r.json"
    proc = _run_cli([str(site), "--to", "slow", "--out", str(out), "-j", "2", "--report", str(report)])
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 1, err
    data = json.loads(report.read_text())
    assert statuses(data)["posts/crash.md"] == "failed (worker died)"
    assert [s for s in statuses(data).values() if s == "ok"] == ["ok"] * 4
    assert "died (signal SIGKILL)" in err
    manifest_is_consistent(out)


@pytest.mark.slow
def test_workers_over_the_memory_limit_are_replaced_without_losing_work(tmp_path: Path) -> None:
    site = make_site(tmp_path, n=6)
    out = tmp_path / "dist"
    proc = _run_cli([str(site), "--to", "html", "--out", str(out), "-j", "2"],
                    env={"PUBLISH_WORKER_MAX_MB": "1"})  # every worker retires after one article
    stdout, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert "converted 6, up to date 0, warnings 0, failed 0" in stdout
    assert len(list(out.rglob("*.html"))) == 6


# --- incremental -----------------------------------------------------------------------------

def test_second_run_does_no_conversion_work(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    out = tmp_path / "dist"
    publish(tmp_path, str(site), "--out", str(out), "-j", "2")
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*.html")}
    code, report, output = publish(tmp_path, str(site), "--out", str(out), "-j", "2")
    assert code == 0
    assert set(statuses(report).values()) == {"skipped (up to date)"}
    assert all(a["timings"] == {} for a in report["articles"])  # nothing was loaded or parsed
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*.html")} == before
    assert "converted 0, up to date 4" in output


def test_force_rebuilds_everything(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    publish(tmp_path, str(site), "--out", str(tmp_path / "dist"))
    _, report, _ = publish(tmp_path, str(site), "--out", str(tmp_path / "dist"), "--force")
    assert set(statuses(report).values()) == {"ok"}


def _edit_source(site: Path, tmp: Path) -> str:
    path = site / "posts" / "a1.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nmore\n", encoding="utf-8")
    return "posts/a1.md"


def _edit_image(site: Path, tmp: Path) -> str:
    (site / "posts" / "img" / "a.png").write_bytes(b"\x89PNG second")
    return "posts/*"


def _add_missing_image(site: Path, tmp: Path) -> str:
    path = site / "notes" / "a0.md"
    path.write_text(path.read_text(encoding="utf-8") + "\n![later](img/later.png)\n", encoding="utf-8")
    return "PRIME:notes/a0.md"


def _edit_config(site: Path, tmp: Path) -> str:
    (tmp / "publish.toml").write_text("toc = true\n", encoding="utf-8")
    return "*"


def _delete_output(site: Path, tmp: Path) -> str:
    (tmp / "dist" / "notes" / "a2.html").unlink()
    return "notes/a2.md"


def _edit_front_matter_override(site: Path, tmp: Path) -> str:
    path = site / "notes" / "a2.md"
    path.write_text(path.read_text(encoding="utf-8").replace("date:", "publish: {toc: true}\ndate:"),
                    encoding="utf-8")
    return "notes/a2.md"


EDITS = {
    "source": _edit_source,
    "image": _edit_image,
    "config": _edit_config,
    "deleted output": _delete_output,
    "front matter publish:": _edit_front_matter_override,
}


@pytest.mark.parametrize("edit", EDITS.values(), ids=EDITS.keys())
def test_an_edit_rebuilds_exactly_what_depends_on_it(tmp_path: Path, edit: Any,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    site = make_site(tmp_path)
    args = (str(site), "--out", str(tmp_path / "dist"), "-j", "1")
    publish(tmp_path, *args)
    expected = edit(site, tmp_path)
    code, report, _ = publish(tmp_path, *args)
    assert code == 0
    rebuilt = sorted(k for k, v in statuses(report).items() if v == "ok")
    everything = sorted(statuses(report))
    want = everything if expected == "*" else \
        [k for k in everything if k.startswith("posts/")] if expected == "posts/*" else [expected]
    assert rebuilt == want
    manifest_is_consistent(tmp_path / "dist")


def test_a_missing_image_that_appears_rebuilds_its_article(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    args = (str(site), "--out", str(tmp_path / "dist"), "-j", "1")
    _add_missing_image(site, tmp_path)
    publish(tmp_path, *args)
    _, report, _ = publish(tmp_path, *args)
    assert "ok" not in statuses(report).values()
    (site / "notes" / "img" / "later.png").write_bytes(b"\x89PNG now")
    _, report, _ = publish(tmp_path, *args)
    assert [k for k, v in statuses(report).items() if v == "ok"] == ["notes/a0.md"]


@pytest.mark.parametrize("css", ["default/base.css", "wechat/base.css"])
def test_a_style_edit_rebuilds_everything(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, css: str) -> None:
    styles = tmp_path / "styles"
    shutil.copytree(themes.styles_root(), styles)
    monkeypatch.setattr(themes, "styles_root", lambda: styles)
    site = make_site(tmp_path)
    args = (str(site), "--out", str(tmp_path / "dist"), "-j", "1")
    publish(tmp_path, *args)
    _, report, _ = publish(tmp_path, *args)
    assert "ok" not in statuses(report).values()
    with (styles / css).open("a", encoding="utf-8") as handle:
        handle.write("\nbody { color: #123456; }\n")
    manifest.styles_digest.cache_clear()
    _, report, _ = publish(tmp_path, *args)
    assert set(statuses(report).values()) == {"ok"}
    html = (tmp_path / "dist" / "notes" / "a0.html").read_text(encoding="utf-8")
    assert ("#123456" in html) == css.startswith("default/")


def test_drafts_are_skipped_without_rebuilding(tmp_path: Path) -> None:
    site = make_site(tmp_path, n=2)
    (site / "posts" / "wip.md").write_text("---\ntitle: WIP\ndraft: true\n---\nbody\n", encoding="utf-8")
    args = (str(site), "--out", str(tmp_path / "dist"))
    _, first, _ = publish(tmp_path, *args)
    _, second, _ = publish(tmp_path, *args)
    assert statuses(first)["posts/wip.md"] == statuses(second)["posts/wip.md"] == "skipped (draft)"
    assert [a["timings"] for a in second["articles"] if a["relative"] == "posts/wip.md"] == [{}]
    _, third, _ = publish(tmp_path, *args, "--drafts")
    assert statuses(third)["posts/wip.md"] == "ok"


def test_strict_fails_on_warnings_even_when_up_to_date(tmp_path: Path) -> None:
    site = make_site(tmp_path, n=2)
    (site / "posts" / "warned.md").write_text(WARNED, encoding="utf-8")
    args = (str(site), "--out", str(tmp_path / "dist"))
    code, report, _ = publish(tmp_path, *args)
    assert code == 0 and report["summary"]["warnings"] == 1
    code, report, output = publish(tmp_path, *args, "--strict")
    assert code == 1
    assert statuses(report)["posts/warned.md"] == "failed (warnings (--strict))"
    assert "date 'not a date' is not a date" in output  # the recorded warning is shown again


# --- shards ----------------------------------------------------------------------------------

@pytest.mark.parametrize("n", [2, 3, 5])
def test_shards_partition_every_path_exactly_once(n: int) -> None:
    targets = [Target(Path(f"/s/{i}.md"), Path("/s"), Path(f"dir{i % 7}/{i}.md"), False) for i in range(300)]
    owners = [[k for k in range(1, n + 1) if in_shard(t, (k, n))] for t in targets]
    assert all(len(o) == 1 for o in owners)
    assert len({o[0] for o in owners}) == n  # every shard gets work


def test_shard_runs_union_to_the_whole_run(tmp_path: Path) -> None:
    site = make_site(tmp_path, n=8)
    seen: list[str] = []
    for k in (1, 2, 3):
        code, report, _ = publish(tmp_path, str(site), "--out", str(tmp_path / f"dist{k}"), "--shard", f"{k}/3")
        assert code == 0
        seen += [a["relative"] for a in report["articles"]]
    assert sorted(seen) == sorted(p.relative_to(site).as_posix() for p in site.rglob("*.md"))


@pytest.mark.parametrize("value", ["0/3", "4/3", "1", "a/b"])
def test_bad_shard_is_a_usage_error(value: str) -> None:
    with pytest.raises(UsageError):
        parse_shard(value)


# --- interrupts ------------------------------------------------------------------------------

def _wait_for_outputs(out: Path, count: int, proc: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 60
    while len(list(out.rglob("*.slow.txt"))) < count:
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.02)


def _complete(out: Path) -> None:
    for path in out.rglob("*.slow.txt"):
        text = path.read_text()
        assert text.startswith("BEGIN\n") and text.endswith("\nEND\n"), path


STOPS = {"SIGTERM, pool": (signal.SIGTERM, "2"), "Ctrl-C, pool": (signal.SIGINT, "2"),
         "SIGTERM, in process": (signal.SIGTERM, "1")}


@pytest.mark.slow
@pytest.mark.parametrize(("signum", "jobs"), STOPS.values(), ids=STOPS.keys())
def test_a_stopped_run_leaves_complete_outputs_and_a_matching_manifest(
        tmp_path: Path, signum: int, jobs: str) -> None:
    site = make_site(tmp_path, n=24)  # ~4 s of work: the signal lands mid-run even on a busy machine
    out = tmp_path / "dist"
    # Ctrl-C as a terminal sends it, even when the suite runs where SIGINT is ignored (a
    # background job of a script, nohup): an ignored disposition is inherited through exec.
    proc = _run_cli([str(site), "--to", "slow", "--out", str(out), "-j", jobs],
                    preexec_fn=functools.partial(signal.signal, signal.SIGINT, signal.SIG_DFL))
    _wait_for_outputs(out, 3, proc)
    proc.send_signal(signum)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 128 + signum, err
    assert "Traceback" not in err, err
    assert len(list(out.rglob("*.slow.txt"))) < 24
    _complete(out)
    manifest_is_consistent(out)
    listed = json.loads((out / MANIFEST).read_text())["sources"]
    # written and reported before the signal: listed; written but not yet reported: not listed
    assert 1 <= len(listed) <= len(list(out.rglob("*.slow.txt")))
    rerun = _run_cli([str(site), "--to", "slow", "--out", str(out), "-j", "2"])
    stdout, _ = rerun.communicate(timeout=120)
    assert rerun.returncode == 0
    assert f"up to date {len(listed)}," in stdout
    _complete(out)


@pytest.mark.slow
def test_killed_worker_mid_run_fails_one_article_and_the_rest_finish(tmp_path: Path) -> None:
    site = make_site(tmp_path, n=12)
    out = tmp_path / "dist"
    proc = _run_cli([str(site), "--to", "slow", "--out", str(out), "-j", "2",
                     "--report", str(tmp_path / "r.json")])
    _wait_for_outputs(out, 2, proc)
    workers = _workers_of(proc.pid)
    assert workers, "no worker processes found"
    os.kill(workers[0], signal.SIGKILL)
    _, err = proc.communicate(timeout=120)
    assert "Traceback" not in err, err
    report = json.loads((tmp_path / "r.json").read_text())
    died = list(statuses(report).values()).count("failed (worker died)")
    assert died <= 1  # 0 when the worker happened to be between two articles
    assert proc.returncode == died, err
    assert list(statuses(report).values()).count("ok") == 12 - died
    _complete(out)
    manifest_is_consistent(out)


def _workers_of(pid: int) -> list[int]:
    """The worker processes of the CLI process `pid`: the children of its forkserver, from /proc."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    servers = [child for child, parent in parents.items() if parent == pid
               and b"forkserver" in Path(f"/proc/{child}/cmdline").read_bytes()]
    return sorted(child for child, parent in parents.items() if parent in servers)


# --- report and output modes -----------------------------------------------------------------

def test_report_schema(tmp_path: Path) -> None:
    site = make_site(tmp_path, n=2, broken=True)
    (site / "posts" / "warned.md").write_text(WARNED, encoding="utf-8")
    out = tmp_path / "dist"
    publish(tmp_path, str(site), "--out", str(out))
    _edit_source(site, tmp_path)
    _, report, _ = publish(tmp_path, str(site), "--out", str(out))
    assert report["schema"] == 1 and isinstance(report["seconds"], float)
    assert report["summary"] == {"articles": 4, "converted": 1, "up_to_date": 2, "drafts": 0,
                                 "warnings": 1, "failed": 1}
    assert by_status(report, "skipped") == ["notes/a0.md", "posts/warned.md"]
    by_name = {a["relative"]: a for a in report["articles"]}
    ok = by_name["posts/a1.md"]
    assert ok["status"] == "ok" and ok["source"] == str(site / "posts" / "a1.md")
    assert ok["outputs"] == [{"format": "html", "path": str(out / "posts" / "a1.html")}]
    assert {"load", "parse", "normalize", "render", "html"} <= ok["timings"].keys()
    warned = by_name["posts/warned.md"]["warnings"][0]
    assert warned["location"] == f"{site / 'posts' / 'warned.md'}:3" and warned["fix"]
    error = by_name["posts/broken.md"]["errors"][0]
    assert error["line"] == 2 and error["location"].endswith("broken.md:2")
    assert by_name["posts/broken.md"]["outputs"] == []


def test_plain_output_is_one_line_per_article(tmp_path: Path) -> None:
    site = make_site(tmp_path, n=3)
    _, _, output = publish(tmp_path, str(site), "--out", str(tmp_path / "dist"))
    lines = output.strip().splitlines()
    assert [line.split()[0] for line in lines[:-1]] == ["wrote", "wrote", "wrote"]
    assert lines[-1].startswith("converted 3, up to date 0, warnings 0, failed 0 in ")


def test_quiet_prints_only_errors(tmp_path: Path) -> None:
    site = make_site(tmp_path, n=2, broken=True)
    (site / "posts" / "warned.md").write_text(WARNED, encoding="utf-8")
    _, _, output = publish(tmp_path, str(site), "--out", str(tmp_path / "dist"), "-q")
    lines = output.strip().splitlines()
    assert any(": error: " in line for line in lines)
    assert not any(line.startswith("wrote ") or ": warning: " in line for line in lines)


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(("quiet", "tty", "ci", "mode"), [
    (False, True, None, "rich"), (False, True, "true", "plain"), (False, False, None, "plain"),
    (True, True, None, "quiet"),
], ids=["terminal", "terminal in CI", "pipe", "quiet"])
def test_progress_mode(monkeypatch: pytest.MonkeyPatch, quiet: bool, tty: bool, ci: str | None,
                       mode: str) -> None:
    if ci is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", ci)
    assert choose_mode(quiet, _Terminal() if tty else io.StringIO()) == mode


@pytest.mark.parametrize(("total", "mode"), [(1, "plain"), (2, "rich")])
def test_one_article_on_a_terminal_gets_its_wrote_line_not_a_bar(total: int, mode: str) -> None:
    display = Progress("rich", total)
    try:
        assert display.mode == mode
    finally:
        display.close()


def test_editing_a_linked_article_rebuilds_the_article_that_links_to_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """a.md links to b.md#intro: renaming that heading in b.md must re-check (and rebuild) a.md."""
    monkeypatch.chdir(tmp_path)
    site = tmp_path / "site"
    site.mkdir()
    (site / "a.md").write_text("---\ntitle: A\n---\n\nsee [b](b.md#intro)\n", encoding="utf-8")
    (site / "b.md").write_text("---\ntitle: B\n---\n\n## Intro\n\ntext\n", encoding="utf-8")
    (site / "c.md").write_text("---\ntitle: C\n---\n\nalone\n", encoding="utf-8")
    args = (str(site), "--out", str(tmp_path / "dist"), "-j", "1")
    publish(tmp_path, *args)
    (site / "b.md").write_text("---\ntitle: B\n---\n\n## Other\n\ntext\n", encoding="utf-8")
    code, report, _ = publish(tmp_path, *args)
    assert code == 0
    assert statuses(report) == {"a.md": "ok", "b.md": "ok", "c.md": "skipped (up to date)"}
    a = next(entry for entry in report["articles"] if entry["relative"] == "a.md")
    assert any("missing anchor #intro" in w["message"] for w in a["warnings"])


def test_editing_an_article_linked_by_permalink_rebuilds_the_article_that_links_to_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The permalink index is read through the resolver: the linked source is a dependency too."""
    monkeypatch.chdir(tmp_path)
    site = tmp_path / "site"
    (site / "_posts").mkdir(parents=True)
    (site / "_posts" / "2024-01-02-a.md").write_text("---\ntitle: A\n---\n\nsee [b](/2024/01/03/b/#intro)\n")
    (site / "_posts" / "2024-01-03-b.md").write_text("---\ntitle: B\n---\n\n## Intro\n\ntext\n")
    args = (str(site), "--out", str(tmp_path / "dist"), "-j", "1")
    publish(tmp_path, *args)
    (site / "_posts" / "2024-01-03-b.md").write_text("---\ntitle: B\n---\n\n## Other\n\ntext\n")
    code, report, _ = publish(tmp_path, *args)
    assert code == 0
    assert statuses(report) == {"_posts/2024-01-02-a.md": "ok", "_posts/2024-01-03-b.md": "ok"}
    a = next(entry for entry in report["articles"] if entry["relative"] == "_posts/2024-01-02-a.md")
    assert any("missing anchor #intro" in w["message"] for w in a["warnings"])


def test_a_folder_run_links_articles_written_in_the_site_url_form(tmp_path: Path) -> None:
    """Two Jekyll posts link each other by permalink and by `.html` page: in a folder run each link
    points at the sibling's `.html` page, the EPUB and the WeChat snippet keep the text, and no
    warning is printed (the reader gets every linked article from the same run)."""
    site = tmp_path / "blog"
    (site / "_posts").mkdir(parents=True)
    (site / "_config.yml").write_text("title: blog\nbaseurl: /blog\n", encoding="utf-8")
    (site / "_posts" / "2018-06-12-uefi-shell.md").write_text(
        "---\ntitle: UEFI Shell\n---\n\n## 用法\n\n下一篇见[GRUB 的安装](/blog/2018/07/01/grub/#安装)，"
        "或[它的页面](2018-07-01-grub.html)。\n", encoding="utf-8")
    (site / "_posts" / "2018-07-01-grub.md").write_text(
        "---\ntitle: GRUB\n---\n\n## 安装\n\n先读[UEFI Shell]({{ site.baseurl }}/2018/06/12/uefi-shell.html#用法)"
        "与[上一篇](../2018/06/12/uefi-shell/)。\n", encoding="utf-8")
    out = tmp_path / "dist"
    result = run_cli([site, "--to", "html,wechat,epub", "--out", out, "-j", "2"], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert ": warning:" not in result.stdout + result.stderr and "warnings 0," in result.stdout + result.stderr
    pages = {name: lxml_html.fromstring((out / "_posts" / f"{name}.html").read_bytes())
             for name in ("2018-06-12-uefi-shell", "2018-07-01-grub")}
    assert pages["2018-06-12-uefi-shell"].xpath("//article//a/@href") == [
        "2018-07-01-grub.html#安装", "2018-07-01-grub.html"]
    assert pages["2018-07-01-grub"].xpath("//article//a/@href") == [
        "2018-06-12-uefi-shell.html#用法", "2018-06-12-uefi-shell.html"]
    snippet = (out / "_posts" / "2018-07-01-grub.wechat.html").read_text(encoding="utf-8")
    assert "UEFI Shell" in snippet and "上一篇" in snippet and "<a " not in snippet
    with zipfile.ZipFile(out / "_posts" / "2018-07-01-grub.epub") as book:
        text = "".join(book.read(n).decode() for n in book.namelist() if n.endswith(".xhtml"))
    assert "UEFI Shell" in text and "uefi-shell" not in text

    alone = run_cli([site / "_posts" / "2018-07-01-grub.md", "--to", "epub", "--out", tmp_path / "one"],
                    cwd=tmp_path)  # one article: the other is not converted, so the EPUB says so
    assert "links kept as text in the EPUB" in alone.stderr and "set site_url" in alone.stderr


@pytest.mark.slow
def test_one_changed_article_of_three_forks_its_helper_with_no_bar_thread(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """3 articles, 1 changed, on a terminal: `Plan.single` (after the up-to-date check) is what both
    the display and the offload helper go by, so the helper is never forked beside rich's thread."""
    import threading

    from publish.runtime import offload

    root = make_site(tmp_path, n=3)
    args = [str(root), "--to", "html,pdf", "--out", str(tmp_path / "out"), "-j", "2"]
    assert CliRunner().invoke(main, args, env={"CI": "1"}).exit_code == 0
    (root / "notes" / "a0.md").write_text(GOOD.format(title="changed"), encoding="utf-8")
    monkeypatch.setattr("publish.cli.build.choose_mode", lambda quiet: "rich")
    forked_beside: list[list[str]] = []
    baseline = set(threading.enumerate())
    original = offload.Helper.__init__

    def helper(self: offload.Helper, exporter: Any, config: Any = None) -> None:
        forked_beside.append([t.name for t in threading.enumerate() if t not in baseline])
        original(self, exporter, config)

    monkeypatch.setattr(offload.Helper, "__init__", helper)
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert forked_beside == [[]], "the PDF helper forked while another thread ran"
    assert "a0.pdf" in result.output


def test_a_worker_that_cannot_start_sends_its_whole_error(tmp_path: Path) -> None:
    """The parent re-raises the worker's own `PublishError`: its fix and its exit code survive."""
    import multiprocessing

    from publish.batch import Request
    from publish.batch.worker import serve
    from publish.config.files import Layers
    from publish.errors import UnknownFormat

    parent, child = multiprocessing.Pipe()
    serve(child, Request(targets=[], formats=["nope"], out_dir=tmp_path, layers=Layers()))
    error = parent.recv()
    assert isinstance(error, UnknownFormat) and isinstance(error, UsageError)
    assert "available formats" in error.fix


def test_peak_worker_memory_is_the_runs_own_not_its_parents(tmp_path: Path) -> None:
    """`ru_maxrss` survives exec: a run started by a big process (the test suite's worker) took
    that process's peak as its own, which made the worker-memory test read 466 MB, not 220."""
    ballast = bytearray(os.urandom(1024)) * (600 * 1024)  # ~600 MB resident in this process
    (tmp_path / "a.md").write_text("---\ntitle: A\n---\n\nWords.\n", encoding="utf-8")
    report = tmp_path / "report.json"
    done = run_cli([tmp_path / "a.md", "--to", "html", "-j", "1", "--out", tmp_path / "out", "--report", report],
                   cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    peak = json.loads(report.read_text(encoding="utf-8"))["peak_worker_mb"]
    assert 0 < peak < len(ballast) / 2**20  # an inherited peak would hold the ballast
