"""Typed option records: how an option is declared, and how a written value becomes a typed one.

The global keys (`publish.config.record.Config`) and each exporter's `options` are frozen dataclasses;
their type hints are the rules, so a plugin author declares options in plain Python and gets the
config-file table, the front-matter override, `-O format.key=value` and one-line errors for free:

    @dataclass(frozen=True, slots=True)
    class EpubOptions:
        split_level: int = field(default=2, metadata=rule(1, 6, help="chapters at this level"))

Understood hints: `bool`, `int`, `float`, `str`, `Path`, `Literal[...]` (matched in any case,
stored as declared), `X | None`, `Mapping[str, X]`, `tuple[X, ...]`, and another options record
(a nested table such as `[images.s3]`). `rule()` adds a range and/or a
`check(value) -> problem | None` and a help line. A relative `Path` is resolved against the
folder of the file that sets it (`base`), so a config file works from any working folder.
"""

from __future__ import annotations

import dataclasses
import tomllib
import types
import typing
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, ClassVar, Protocol

_KEY = "publish"


@dataclasses.dataclass(frozen=True, slots=True)
class Rule:
    """What a value must be beyond its type: `low`–`high`, and what `check` says of it."""

    low: float | None = None
    high: float | None = None
    check: Callable[[Any], str | None] | None = None
    help: str = ""


def rule(low: float | None = None, high: float | None = None, *,
         check: Callable[[Any], str | None] | None = None, help: str = "") -> dict[str, Rule]:
    """Field metadata: `field(default=2, metadata=rule(1, 6))`. `check` returns what is wrong
    with a (typed) value, e.g. "not a CSS colour", or None when it is fine."""
    return {_KEY: Rule(low, high, check, help)}


class Record(Protocol):
    """An options record: an instance of a dataclass whose fields are declared options (the global
    `Config`, each exporter's `options` class). Any dataclass is one, without inheriting from this;
    read its options with `specs(type(record))` and `getattr`."""

    __dataclass_fields__: ClassVar[dict[str, dataclasses.Field[Any]]]


class Invalid(ValueError):
    """A value that does not fit its option; the text says what it must be (`must be 1–6`)."""


@dataclasses.dataclass(frozen=True, slots=True)
class Spec:
    """One declared option: its name, type hint, rule and default."""

    name: str
    hint: Any
    rule: Rule
    default: Any

    @property
    def help(self) -> str:
        return self.rule.help


def is_options(kind: object) -> bool:
    """Whether `kind` is a dataclass type whose fields can be declared options."""
    return isinstance(kind, type) and dataclasses.is_dataclass(kind)


def specs(kind: type) -> dict[str, Spec]:
    """The declared options of a dataclass, by name (fields with `init=False` are not options)."""
    if kind not in _SPECS:
        _SPECS[kind] = _specs(kind)
    return _SPECS[kind]


_SPECS: dict[type, dict[str, Spec]] = {}


def _specs(kind: type) -> dict[str, Spec]:
    hints = typing.get_type_hints(kind)
    out: dict[str, Spec] = {}
    for f in dataclasses.fields(kind):
        if not f.init:
            continue
        default = (f.default if f.default is not dataclasses.MISSING
                   else f.default_factory() if f.default_factory is not dataclasses.MISSING else None)
        out[f.name] = Spec(f.name, hints[f.name], f.metadata.get(_KEY, Rule()), default)
    return out


def coerce(spec: Spec, value: Any, base: Path | None = None, text: bool = False) -> Any:
    """`value` as the option's type, or `Invalid`. `text` means it was typed on a command line:
    it is read as a TOML value (`3`, `true`, `{a = "b"}`), or kept as a string when it is not one.
    """
    if text and isinstance(value, str):
        value = _from_text(spec.hint, value)
    typed = _typed(spec.hint, value, base, text)
    _check_rule(spec.rule, typed)
    return typed


def check(instance: object) -> None:
    """Validate an options record built in code (`Config(raw_html="x")`): `Invalid` naming the key."""
    for spec in specs(type(instance)).values():
        value = getattr(instance, spec.name)
        try:
            if _typed(spec.hint, value, None) != value:
                raise Invalid(f"must be {describe(spec.hint)}")
            _check_rule(spec.rule, value)
        except Invalid as exc:
            raise Invalid(f"{spec.name} = {shown(value)}: {exc}") from None


def describe(hint: Any) -> str:
    """What a value of this type looks like, for an error's fix: `link or embed`, `a path`."""
    hint = _without_none(hint)
    origin = typing.get_origin(hint)
    if origin is typing.Literal:
        choices = [c if isinstance(c, str) else shown(c) for c in typing.get_args(hint)]
        return "one of " + ", ".join(choices) if len(choices) > 2 else " or ".join(choices)
    if origin in (Mapping, dict, typing.get_origin(Mapping[str, str])) or is_options(hint):
        return "a table of key = value"
    if origin is tuple:
        return "a list"
    names = {bool: "true or false", int: "an integer", float: "a number", str: "a string", Path: "a path"}
    return names.get(hint, getattr(hint, "__name__", str(hint)))


def shown(value: Any) -> str:
    """A value as it would be written in TOML: `9`, `"B9"`, `true`."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, Path)):
        return f'"{value}"'
    return repr(value)


def _from_text(hint: Any, text: str) -> Any:
    plain = _without_none(hint)
    if plain in (str, Path) or typing.get_origin(plain) is typing.Literal:
        return text
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        return text


def _without_none(hint: Any) -> Any:
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        return args[0] if len(args) == 1 else hint
    return hint


def _typed(hint: Any, value: Any, base: Path | None, text: bool = False) -> Any:
    """The value as `hint`, converting only what TOML cannot say (paths, tuples, any-case names)."""
    if value is None:
        if hint is Any or _without_none(hint) is not hint:
            return None
        raise Invalid(f"must be {describe(hint)}")
    hint = _without_none(hint)
    origin = typing.get_origin(hint)
    if hint is Any:
        return value
    if is_options(hint):
        return value if isinstance(value, hint) else _record(hint, value, base, text)
    if origin is typing.Literal:
        return _choice(typing.get_args(hint), value)
    if origin is not None and issubclass(origin, Mapping):
        if not isinstance(value, Mapping):
            raise Invalid(f"must be {describe(hint)}")
        key_type, item_type = typing.get_args(hint) or (Any, Any)
        return {_typed(key_type, k, base): _typed(item_type, v, base) for k, v in value.items()}
    if origin is tuple:
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, (list, tuple)):
            raise Invalid(f"must be {describe(hint)}")
        item_type = typing.get_args(hint)[0]
        return tuple(_typed(item_type, v, base) for v in items)
    if hint is Path:
        if not isinstance(value, (str, Path)):
            raise Invalid("must be a path")
        path = Path(value).expanduser()
        return path if base is None or path.is_absolute() else base / path
    if hint is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if hint in (bool, int, float, str) and (not isinstance(value, hint) or (hint is int and isinstance(value, bool))):
        raise Invalid(f"must be {describe(hint)}")
    return value


def _record(kind: type, value: Any, base: Path | None, text: bool) -> Any:
    """A nested table (`[images.s3]`) as its options record: every key checked by its own spec,
    an unknown one named with the keys there are."""
    if not isinstance(value, Mapping):
        raise Invalid("must be a table of key = value")
    known = specs(kind)
    values: dict[str, Any] = {}
    for raw_key, item in value.items():
        key = str(raw_key).replace("-", "_")
        if key not in known:
            raise Invalid(f"has no key '{raw_key}' (keys: {', '.join(sorted(known))})")
        try:
            values[key] = coerce(known[key], item, base, text)
        except Invalid as exc:  # a nested table's value is never shown whole: it may hold a key
            raise Invalid(f"{key}: {exc}" if is_options(_without_none(known[key].hint))
                          else f"{key} = {shown(item)}: {exc}") from None
    try:
        return kind(**values)
    except (TypeError, ValueError) as exc:  # a rule across keys, in the record's __post_init__
        raise Invalid(str(exc)) from None


def _choice(choices: tuple[Any, ...], value: Any) -> Any:
    if value in choices:
        return value
    if isinstance(value, str):
        found = [c for c in choices if isinstance(c, str) and c.lower() == value.strip().lower()]
        if len(found) == 1:
            return found[0]
    raise Invalid(f"must be {describe(typing.Literal[choices])}")


def _check_rule(rule: Rule, value: Any) -> None:
    if value is None:
        return
    if (rule.low is not None and value < rule.low) or (rule.high is not None and value > rule.high):
        low = "" if rule.low is None else f"{rule.low:g}"
        high = "" if rule.high is None else f"{rule.high:g}"
        raise Invalid(f"must be {low}–{high}" if low and high else f"must be ≥ {low}" if low else f"must be ≤ {high}")
    if rule.check is not None and (problem := rule.check(value)):
        raise Invalid(problem)
