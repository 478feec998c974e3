"""A slow exporter in its own process (`publish.runtime.offload`) changes nothing but the time taken."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import pytest
from conftest import SORA, run_cli

from publish import exporters as registry
from publish.errors import ExportError, SourceError, UnknownFormat
from publish.runtime import offload


@pytest.mark.parametrize("error", [
    ExportError("pdf", Path("a.md"), "font missing", "install it", line=3),
    SourceError(Path("b.md"), "bad YAML", "quote it", 7),
    UnknownFormat("htm", ["html", "pdf"]),
])
def test_errors_cross_process_boundaries(error: Exception) -> None:
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is type(error) and str(copy) == str(error)
    assert copy.location() == error.location()  # type: ignore[attr-defined]


def test_only_exporters_that_warm_up_get_a_process() -> None:
    loaded = {name: registry.load(name) for name in ("html", "pdf")}
    helpers = offload.start(loaded, cores=2)
    try:
        assert list(helpers) == ["pdf"]
    finally:
        for helper in helpers.values():
            helper.close()
    assert offload.start(loaded, cores=1) == {}
    assert offload.start({"pdf": loaded["pdf"]}, cores=2) == {}


@pytest.mark.slow
def test_outputs_match_a_single_process_build(tmp_path: Path) -> None:
    env = {"SOURCE_DATE_EPOCH": "1700000000"}
    parallel = run_cli([SORA, "--to", "all", "--out", tmp_path / "a", "-j", "2"], cwd=tmp_path, env=env)
    serial = run_cli([SORA, "--to", "all", "--out", tmp_path / "b", "-j", "1"], cwd=tmp_path, env=env)
    assert parallel.returncode == serial.returncode == 0, parallel.stderr + serial.stderr
    def files(folder: Path) -> list[str]:  # a format may write a folder of its own (cards)
        return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*")
                      if p.is_file() and not p.name.startswith("."))

    names = files(tmp_path / "a")
    assert names == files(tmp_path / "b")
    assert "sora.pdf" in names
    for name in names:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


@pytest.mark.slow
def test_an_error_in_the_helper_fails_the_article_with_its_message(tmp_path: Path) -> None:
    source = tmp_path / "tofu.md"
    source.write_text("---\ntitle: Tofu\n---\n\nA character no font has: \U000F0000\n", encoding="utf-8")
    result = run_cli([source, "--to", "html,pdf", "--strict", "--out", tmp_path / "out", "-j", "2"],
                     cwd=tmp_path)
    assert result.returncode == 1
    assert "tofu.md:" in result.stderr and "error:" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out" / "tofu.pdf").exists()
    assert not (tmp_path / "out" / "tofu.html").exists()  # nothing half-written for a failed article
    out = tmp_path / "out"
    assert not out.exists() or os.listdir(out) in ([], [".publish-manifest.json"])
