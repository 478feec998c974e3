"""The drafts `publish draft` created: platform → article → the platform's id, so a rerun updates
the same draft instead of adding another.

One JSON file beside the upload cache (`<out>/.publish/drafts.json`). Each `put` merges into the
file under the output folder's lock and replaces it atomically, like the cache: a draft recorded
is never forgotten by a run that stops half-way. Ids only: no credential is ever written here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from publish.deliver.cache import FOLDER
from publish.errors import OutputError
from publish.runtime.atomic import locked
from publish.runtime.state_files import read_table, write_table

NAME = "drafts.json"
SCHEMA = 1


@dataclass(frozen=True, slots=True)
class Draft:
    """A draft on a platform: its id there (WeChat's `media_id`, dev.to's article id) and where
    the writer finds it."""

    id: str
    url: str = ""


class Drafts:
    """The drafts recorded in `<out>/.publish/drafts.json`, keyed by platform and article."""

    def __init__(self, out_dir: Path) -> None:
        self.path = out_dir / FOLDER / NAME

    def get(self, platform: str, article: str) -> Draft | None:
        entry = _read(self.path).get(platform, {}).get(article)
        return Draft(str(entry["id"]), str(entry.get("url", ""))) if entry and entry.get("id") else None

    def put(self, platform: str, article: str, draft: Draft) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with locked(self.path.parent):
                data = _read(self.path)
                data.setdefault(platform, {})[article] = {"id": draft.id, "url": draft.url}
                write_table(self.path, SCHEMA, "platforms", data)
        except OSError as exc:
            raise OutputError(self.path, f"cannot record the draft: {exc.strerror or exc}",
                              "check that --out names a folder you can write to") from exc


def _read(path: Path) -> dict[str, dict[str, dict[str, Any]]]:
    """The recorded drafts; a missing or corrupt file records none (a rerun then creates new drafts)."""
    platforms = read_table(path, SCHEMA, "platforms")
    return {str(p): {str(a): e for a, e in entries.items() if isinstance(e, dict)}
            for p, entries in platforms.items() if isinstance(entries, dict)}
