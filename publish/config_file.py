"""`publish.toml` / `[tool.publish]`, front-matter `publish:` overrides, and how the layers merge.

Precedence, lowest to highest: `Config` defaults < config file < the article's front matter
`publish:` mapping < command line. Every key is checked where it is written: an unknown key is an
error that names the file and the key, so a typo never silently does nothing in CI.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import tomllib
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from publish import exporters as registry
from publish.config import CHOICES, GLOBAL_KEYS, Config
from publish.errors import PublishError, SourceError, UsageError
from publish.model import Source

CONFIG_FILE = "publish.toml"
#: Keys of the file that say what to run rather than how to convert.
RUN_KEYS = frozenset({"sources", "formats", "out", "jobs"})
#: Global keys an article may not change for itself: which files may be read and whether the
#: network is used are decided by whoever runs `publish`, not by the (possibly untrusted) article.
NOT_PER_ARTICLE = frozenset({"root", "site_root", "allow_remote", "remote_timeout", "pandoc_timeout",
                              "drafts", "strict", "allow_front_matter_raw_html"})

#: Global keys that decide whether or how a run reports, never what an output contains.
_NOT_IN_OUTPUT = frozenset({"strict", "drafts"})

Layer = dict[str, Any]
"""Global `Config` keys, plus one nested dict of options per exporter name."""


@dataclass(frozen=True, slots=True)
class FileConfig:
    """What a config file says: run defaults (sources, formats, out, jobs) and one option layer."""

    path: Path | None = None
    sources: tuple[Path, ...] = ()
    formats: tuple[str, ...] = ()
    out: Path | None = None
    jobs: int | None = None
    layer: Layer = field(default_factory=dict)


def find(start: Path) -> Path | None:
    """The nearest `publish.toml`, or `pyproject.toml` with `[tool.publish]`, at or above `start`.

    The search stops at the top of a git checkout, so a stray file above the project never applies.
    """
    folder = start.resolve()
    folder = folder if folder.is_dir() else folder.parent
    for candidate in (folder, *folder.parents):
        if (candidate / CONFIG_FILE).is_file():
            return candidate / CONFIG_FILE
        pyproject = candidate / "pyproject.toml"
        if pyproject.is_file() and "publish" in _read_toml(pyproject).get("tool", {}):
            return pyproject
        if (candidate / ".git").exists():
            return None
    return None


def load(path: Path) -> FileConfig:
    """Read and validate a config file; paths in it are relative to the file's folder."""
    data = _read_toml(path)
    if path.name == "pyproject.toml":
        data = data.get("tool", {}).get("publish", {})
        where = f"{path} [tool.publish]"
    else:
        where = str(path)
    if not isinstance(data, dict):
        raise UsageError(f"{where}: expected a table", "write key = value lines")
    base = path.parent
    run = {k: data[k] for k in RUN_KEYS & data.keys()}
    layer = validate({k: v for k, v in data.items() if k not in RUN_KEYS}, where, base=base)
    return FileConfig(
        path=path,
        sources=tuple(base / p for p in _strings(run.get("sources", []), where, "sources")),
        formats=tuple(_formats(run.get("formats", []), where)),
        out=base / _string(run["out"], where, "out") if "out" in run else None,
        jobs=_positive(run["jobs"], where) if "jobs" in run else None,
        layer=layer,
    )


def validate(data: Mapping[str, Any], where: str, base: Path | None = None,
             per_article: bool = False) -> Layer:
    """Check every key and value of one layer; `-` and `_` are the same in key names."""
    layer: Layer = {}
    hints = _global_types()
    for raw_key, value in data.items():
        key = raw_key.replace("-", "_")
        if key in GLOBAL_KEYS and not (per_article and key in NOT_PER_ARTICLE):
            layer[key] = _coerce(value, hints[key], where, raw_key, base)
            if key in CHOICES:
                layer[key] = _choice(layer[key], CHOICES[key], where, raw_key)
        elif isinstance(value, Mapping) and key in registry.available():
            layer[key] = _exporter_options(key, value, where)
        else:
            allowed = sorted((GLOBAL_KEYS - NOT_PER_ARTICLE) if per_article else GLOBAL_KEYS | RUN_KEYS)
            kind = "a format" if isinstance(value, Mapping) else "a key"
            raise UsageError(f"{where}: unknown key '{raw_key}'",
                             f"it is not {kind} publish knows; keys: {', '.join(allowed)}; "
                             f"format tables: {', '.join(f'[{n}]' for n in registry.available())}")
    return layer


def exporter_options(name: str) -> Mapping[str, Any]:
    """The `options` ClassVar of the exporter registered as `name` (its keys and defaults)."""
    return _options_of(name)


@functools.cache
def _options_of(name: str) -> Mapping[str, Any]:
    entry = registry.registered()[name]
    try:
        cls = entry.entry_point.load()
    except Exception as exc:
        raise PublishError(f"format '{name}' failed to load: {exc}", "reinstall it") from exc
    options: Mapping[str, Any] = getattr(cls, "options", {})
    return options


def _exporter_options(name: str, value: Mapping[str, Any], where: str) -> dict[str, Any]:
    known = exporter_options(name)
    out: dict[str, Any] = {}
    for raw_key, item in value.items():
        key = raw_key.replace("-", "_")
        if key not in known:
            raise UsageError(f"{where}: unknown key '{raw_key}' in [{name}]",
                             f"options of {name}: {', '.join(sorted(known)) or 'none'}")
        default = known[key]
        if default is not None and not _fits(item, type(default)):
            raise UsageError(f"{where}: [{name}] {raw_key} must be {_kind(type(default))}, not {item!r}",
                             f"the default is {default!r}")
        out[key] = item
    return out


@dataclass(frozen=True, slots=True)
class Settings:
    """The option layers of one run; `for_article` adds the article's own layer in between."""

    file: Layer = field(default_factory=dict)
    cli: Layer = field(default_factory=dict)

    def config(self, article: Layer | None = None) -> Config:
        """The effective `Config`: defaults < file < article < command line."""
        merged: dict[str, Any] = {}
        options: dict[str, dict[str, Any]] = {}
        for layer in (self.file, article or {}, self.cli):
            for key, value in layer.items():
                if key in GLOBAL_KEYS:
                    merged[key] = value
                else:
                    options.setdefault(key, {}).update(value)
        return Config(**merged, exporters=options)

    def for_article(self, source: Source) -> Config:
        """The config for one article, with its front-matter `publish:` mapping applied."""
        raw = source.metadata.extra.get("publish")
        if raw is None:
            return self.config()
        if not isinstance(raw, Mapping):
            raise SourceError(source.path, "front matter 'publish:' must be a mapping of options",
                              "write e.g. 'publish: {toc: true}'")
        try:
            layer = validate(raw, f"{source.path}: front matter publish:", per_article=True)
        except UsageError as exc:
            raise SourceError(source.path, exc.what, exc.fix) from exc
        if layer.get("raw_html") == "trusted" and not self.config().allow_front_matter_raw_html:
            # an article's author cannot vouch for their own raw HTML; `normalize.raw_html` warns
            del layer["raw_html"]
        return self.config(layer)

    def digest(self, fmt: str) -> str:
        """A hash of every option that can change `fmt`'s output (file contents for file options)."""
        config = self.config()
        data = {key: _jsonable(getattr(config, key)) for key in sorted(GLOBAL_KEYS - _NOT_IN_OUTPUT)}
        data["exporter"] = {k: _jsonable(v) for k, v in sorted(config.exporters.get(fmt, {}).items())}
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


def _jsonable(value: Any) -> Any:
    if isinstance(value, (Path, str)) and len(str(value)) < 1024 and os.path.isfile(value):
        # a stylesheet or similar (`--css`, `[wechat] css = "..."`): its content matters too
        return [str(value), hashlib.sha256(Path(value).read_bytes()).hexdigest()]
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value if isinstance(value, (str, int, float, bool, type(None))) else repr(value)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{path}: not valid TOML: {exc}", "fix the syntax") from exc
    except OSError as exc:
        raise UsageError(f"{path}: cannot read: {exc.strerror}", "check the path") from exc


@functools.cache
def _global_types() -> dict[str, Any]:
    """`Config` field name → the one concrete type a value must have (`Path | None` → Path), or a
    `Literal[...]` of the values it may take."""
    hints = typing.get_type_hints(Config)
    out: dict[str, Any] = {}
    for name in GLOBAL_KEYS:
        hint = hints[name]
        if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
            hint = next(a for a in typing.get_args(hint) if a is not type(None))
        out[name] = hint
    return out


def _fits(value: Any, kind: type) -> bool:
    if kind is bool:
        return isinstance(value, bool)
    if kind is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    return isinstance(value, kind)


def _kind(kind: type) -> str:
    return {bool: "true or false", float: "a number", int: "an integer", str: "a string",
            Path: "a path"}.get(kind, kind.__name__)


def _coerce(value: Any, kind: Any, where: str, key: str, base: Path | None) -> Any:
    if typing.get_origin(kind) is typing.Literal:
        choices = typing.get_args(kind)
        if value not in choices:
            raise UsageError(f"{where}: {key} must be one of {', '.join(map(repr, choices))}, not {value!r}",
                             "fix its value")
        return value
    if kind is Path and isinstance(value, str):
        return (base / value) if base is not None else Path(value)
    if not _fits(value, kind):
        raise UsageError(f"{where}: {key} must be {_kind(kind)}, not {value!r}", "fix its value")
    return value


def _choice(value: str, allowed: tuple[str, ...], where: str, key: str) -> str:
    """`value` spelled as in `allowed` (`sc` → `SC`); anything else is an error naming the choices."""
    found = next((a for a in allowed if a.lower() == value.strip().lower()), None)
    if found is None:
        raise UsageError(f"{where}: {key} = {value!r} is not a choice", f"use one of {', '.join(allowed)}")
    return found


def _string(value: Any, where: str, key: str) -> str:
    if not isinstance(value, str):
        raise UsageError(f"{where}: {key} must be a string, not {value!r}", "quote it")
    return value


def _strings(value: Any, where: str, key: str) -> list[str]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
        raise UsageError(f"{where}: {key} must be a list of strings", f'e.g. {key} = ["posts"]')
    return items


def _formats(value: Any, where: str) -> list[str]:
    items = value.split(",") if isinstance(value, str) else _strings(value, where, "formats")
    return [i.strip().lower() for i in items if i.strip()]


def _positive(value: Any, where: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise UsageError(f"{where}: jobs must be a positive integer, not {value!r}", "e.g. jobs = 2")
    return value
