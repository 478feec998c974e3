"""`publish.toml` / `[tool.publish]`, front-matter `publish:` overrides, and how the layers merge.

Precedence, lowest to highest: `Config` defaults < config file < the article's front matter
`publish:` mapping < command line. Every key is checked where it is written: an unknown key is an
error that names the file and the key, so a typo never silently does nothing in CI.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from publish import exporters as registry
from publish.config import options
from publish.config.record import GLOBAL_KEYS, SECTIONS, Config
from publish.errors import BadValue, OptionError, PluginError, SourceError
from publish.model import Source

CONFIG_FILE = "publish.toml"
#: Keys of the file that say what to run rather than how to convert.
RUN_KEYS = frozenset({"sources", "formats", "out", "jobs"})
#: Global keys an article may not change for itself: which files may be read and whether the
#: network is used are decided by whoever runs `publish`, not by the (possibly untrusted) article.
NOT_PER_ARTICLE = frozenset({"root", "site_root", "allow_remote", "remote_timeout", "pandoc_timeout",
                              "drafts", "strict", "allow_front_matter_raw_html", "images", "upload"})

#: Global keys that decide whether or how a run reports, never what an output contains.
#: `images` and `upload` decide where images are sent (the URLs an output carries are decided by
#: the upload cache, see `publish.batch.plan`), and `[images]` may hold a key.
_NOT_IN_OUTPUT = frozenset({"strict", "drafts", "images", "upload"})

Layer = dict[str, Any]
"""Global `Config` keys, plus one nested dict of options per exporter name."""


@dataclass(frozen=True, slots=True)
class ProjectFile:
    """What a config file says: run defaults (sources, formats, out, jobs) and one option layer."""

    path: Path | None = None
    sources: tuple[Path, ...] = ()
    formats: tuple[str, ...] = ()
    out: Path | None = None
    jobs: int | None = field(default=None, metadata=options.rule(1))
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


def load(path: Path) -> ProjectFile:
    """Read and validate a config file; paths in it are relative to the file's folder."""
    data = _read_toml(path)
    if path.name == "pyproject.toml":
        data = data.get("tool", {}).get("publish", {})
        where = f"{path} [tool.publish]"
    else:
        where = str(path)
    if not isinstance(data, dict):
        raise OptionError(where, "expected a table", "write key = value lines")
    base = path.parent
    data.pop("book", None)  # what `publish book` reads (publish.book.layout), not a conversion option
    run_specs = options.specs(ProjectFile)
    run: dict[str, Any] = {}
    for raw_key in [k for k in data if k.replace("-", "_") in RUN_KEYS]:
        key = raw_key.replace("-", "_")
        run[key] = _value(run_specs[key], data.pop(raw_key), where, key, base)
    layer = validate(data, where, base=base)
    formats = tuple(f.strip().lower() for item in run.pop("formats", ()) for f in item.split(",") if f.strip())
    return ProjectFile(path=path, formats=formats, layer=layer, **run)


def validate(data: Mapping[str, Any], where: str, base: Path | None = None,
             per_article: bool = False, text: bool = False) -> Layer:
    """Check every key and value of one layer against `Config` and the exporters' `options`.

    `-` and `_` are the same in key names; a relative path is taken from `base` (the folder of
    the file that sets it); `text` values come from a command line (see `options.coerce`).
    """
    layer: Layer = {}
    hints = options.specs(Config)
    for raw_key, value in data.items():
        key = raw_key.replace("-", "_")
        barred = per_article and key in NOT_PER_ARTICLE
        if key in GLOBAL_KEYS and not barred:
            layer[key] = _value(hints[key], value, where, key, base, text)
        elif isinstance(value, Mapping) and key in SECTIONS and not barred:
            layer[key] = _table(key, SECTIONS[key], value, where, base, text)
            if not (text or per_article):  # a config file's table is whole: check it where it is written
                _record(key, SECTIONS[key], layer[key], where)
        elif isinstance(value, Mapping) and key in registry.available():
            layer[key] = _exporter_layer(key, value, where, base, text)
        else:
            allowed = sorted((GLOBAL_KEYS - NOT_PER_ARTICLE) if per_article else GLOBAL_KEYS | RUN_KEYS)
            sections = [n for n in SECTIONS if not (per_article and n in NOT_PER_ARTICLE)]
            kind = "a format" if isinstance(value, Mapping) else "a key"
            raise OptionError(where, f"unknown key '{raw_key}'",
                              f"it is not {kind} publish knows; keys: {', '.join(allowed)}; "
                              f"tables: {', '.join(f'[{n}]' for n in (*sections, *registry.available()))}",
                              (raw_key,))
    return layer


def exporter_options(name: str) -> type[options.Record] | None:
    """The `options` class of the exporter registered as `name`, or None when it has none."""
    return _options_of(name)


@functools.cache
def _options_of(name: str) -> type[options.Record] | None:
    entry = registry.registered()[name]
    try:
        cls = entry.entry_point.load()
    except Exception as exc:
        raise PluginError(f"format '{name}' failed to load: {exc}", "reinstall it") from exc
    kind = getattr(cls, "options", None)
    if kind is not None and not options.is_options(kind):
        raise PluginError(f"format '{name}' from '{entry.distribution}': its options are not a dataclass",
                          "declare options: ClassVar[type] = a @dataclass(frozen=True) class")
    return kind


def _value(spec: options.Spec, value: Any, where: str, key: str, base: Path | None,
           text: bool = False, table: str = "") -> Any:
    try:
        return options.coerce(spec, value, base, text)
    except options.Invalid as exc:
        label = f"[{table}] {key}" if table else key
        shown = "" if options.is_options(spec.hint) else f" = {options.shown(value)}"  # may hold a key
        raise BadValue(where, f"{label}{shown}", str(exc),
                          (table, key) if table else (key,)) from None


def _exporter_layer(name: str, value: Mapping[str, Any], where: str, base: Path | None,
                    text: bool) -> dict[str, Any]:
    return _table(name, exporter_options(name), value, where, base, text)


def _table(name: str, kind: type[options.Record] | None, value: Mapping[str, Any], where: str,
           base: Path | None, text: bool) -> dict[str, Any]:
    known = options.specs(kind) if kind is not None else {}
    out: dict[str, Any] = {}
    for raw_key, item in value.items():
        key = raw_key.replace("-", "_")
        if key not in known:
            raise OptionError(where, f"unknown key '{raw_key}' in [{name}]",
                              f"options of {name}: {', '.join(sorted(known)) or 'none'}", (name, raw_key))
        out[key] = _value(known[key], item, where, key, base, text, table=name)
    return out


def exporter_record(name: str, values: Mapping[str, Any], where: str = "publish") -> options.Record | None:
    """The frozen options record of format `name` from validated `values` (defaults for the rest);
    None for an exporter without options."""
    kind = exporter_options(name)
    return None if kind is None else _record(name, kind, values, where)


def _record(name: str, kind: type[options.Record], values: Mapping[str, Any], where: str) -> options.Record:
    """The record of table `[name]` from its validated `values`, or the rule across its keys that
    they break (the record's `__post_init__`) as one line."""
    try:
        return kind(**values)
    except (TypeError, ValueError) as exc:
        raise OptionError(where, f"[{name}] options do not fit together: {exc}", "fix one of them") from None


@dataclass(frozen=True, slots=True)
class Layers:
    """The option layers of one run; `for_article` adds the article's own layer in between."""

    file: Layer = field(default_factory=dict)
    cli: Layer = field(default_factory=dict)

    def config(self, article: Layer | None = None) -> Config:
        """The effective `Config`: defaults < file < article < command line."""
        merged: dict[str, Any] = {}
        tables: dict[str, dict[str, Any]] = {}
        for layer in (self.file, article or {}, self.cli):
            for key, value in layer.items():
                if key in GLOBAL_KEYS:
                    merged[key] = value
                else:
                    tables.setdefault(key, {}).update(value)
        sections: dict[str, Any] = {name: _record(name, SECTIONS[name], tables.pop(name), "publish")
                                    for name in SECTIONS if name in tables}
        records = {name: exporter_record(name, values) for name, values in tables.items()}
        return Config(**merged, **sections, exporters={k: v for k, v in records.items() if v is not None})

    def for_article(self, source: Source) -> Config:
        """The config for one article, with its front-matter `publish:` mapping applied."""
        raw = source.metadata.extra.get("publish")
        if raw is None:
            return self.config()
        if not isinstance(raw, Mapping):
            raise SourceError(source.path, "front matter 'publish:' must be a mapping of options",
                              "write e.g. 'publish: {toc: true}'", _line(source, ()))
        try:
            layer = validate(raw, str(source.path), base=source.path.parent, per_article=True)
            if layer.get("raw_html") == "trusted" and not self.config().allow_front_matter_raw_html:
                # an article's author cannot vouch for their own raw HTML; `normalize.raw_html` warns
                del layer["raw_html"]
            return self.config(layer)
        except OptionError as exc:
            raise SourceError(source.path, exc.what, exc.fix, _line(source, exc.keys)) from exc

    def digest(self, fmt: str) -> str:
        """A hash of every option that can change `fmt`'s output (file contents for file options)."""
        config = self.config()
        keys = (GLOBAL_KEYS | SECTIONS.keys()) - _NOT_IN_OUTPUT
        data = {key: _jsonable(getattr(config, key)) for key in sorted(keys)}
        record = config.exporters.get(fmt) or exporter_record(fmt, {})
        data["exporter"] = {} if record is None else {
            name: _jsonable(getattr(record, name)) for name in sorted(options.specs(type(record)))}
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


def _line(source: Source, keys: tuple[str, ...]) -> int:
    """The front-matter line that sets `publish:` → `keys`, else the `publish:` line (1 if none)."""
    try:
        text = source.path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return 1
    lines = text.split("\n")[: source.body_line - 1]
    found = 0
    for key in ("publish", *keys):  # each key after its parent's line: block or inline mapping
        pattern = re.compile(rf"(?:^|[\s{{,])['\"]?{re.escape(key)}['\"]?[ \t]*[:=]", re.IGNORECASE)
        found = next((n for n in range(found, len(lines)) if pattern.search(lines[n])), found)
    return found + 1


def _jsonable(value: Any) -> Any:
    if isinstance(value, Path) and value.is_file():
        # a stylesheet or similar (`--css`, `[wechat] css = "..."`): its content matters too
        return [str(value), hashlib.sha256(value.read_bytes()).hexdigest()]
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
        raise OptionError(str(path), f"not valid TOML: {exc}", "fix the syntax") from exc
    except OSError as exc:
        raise OptionError(str(path), f"cannot read: {exc.strerror}", "check the path") from exc
