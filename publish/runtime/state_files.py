"""The JSON files a run keeps in its output folder (build manifest, upload cache, drafts).

Each is `{"schema": N, "<table>": {...}}`. Reading is lenient by design: a missing, corrupt or
other-schema file reads as an empty table, since every one of them only saves work (a rebuild, an
upload again, a new draft) and must never stop a run. Writing replaces the file atomically; the
caller holds the folder's lock (`publish.runtime.atomic.locked`) and merges first.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from publish.runtime.atomic import write_text_atomic


def read_table(path: Path, schema: int, table: str) -> dict[str, Any]:
    """The file's `table`, or {} when the file is missing, unreadable, or of another schema."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    found = data.get(table) if isinstance(data, dict) and data.get("schema") == schema else None
    return found if isinstance(found, dict) else {}


def write_table(path: Path, schema: int, table: str, data: Mapping[str, Any]) -> None:
    """Replace the file with `data` as its `table` (keys sorted, so reruns write the same bytes)."""
    text = json.dumps({"schema": schema, table: data}, ensure_ascii=False, indent=1, sort_keys=True)
    write_text_atomic(path, text + "\n")
