"""The JSON files a run keeps (manifest, upload cache, drafts): lenient to read, atomic to write."""

from __future__ import annotations

from pathlib import Path

import pytest

from publish.runtime.state_files import read_table, write_table


def test_a_written_table_reads_back(tmp_path: Path) -> None:
    path = tmp_path / "uploads.json"
    write_table(path, 1, "hosts", {"picgo": {"ab12": "https://img/ab12.png"}, "s3": {}})
    assert read_table(path, 1, "hosts") == {"picgo": {"ab12": "https://img/ab12.png"}, "s3": {}}
    assert path.read_text(encoding="utf-8").endswith("}\n")


@pytest.mark.parametrize("text", [None, "{not json", '{"schema": 2, "hosts": {"a": {}}}', '{"schema": 1}',
                                  '{"schema": 1, "hosts": ["a"]}', '["schema", 1]', "\udcff"])
def test_what_cannot_be_read_is_an_empty_table(tmp_path: Path, text: str | None) -> None:
    path = tmp_path / "uploads.json"
    if text is not None:
        path.write_bytes(text.encode("utf-8", "surrogateescape"))
    assert read_table(path, 1, "hosts") == {}
