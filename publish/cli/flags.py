"""The option flags `build` and `check` share, and how the given ones become the command line's
option layer: each checked at once by the option's type, like a config file's keys."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click
from click.core import ParameterSource

from publish.config import files
from publish.config.files import Layer
from publish.errors import BadValue, OptionError
from publish.render.fonts import CJK_FACES

F = TypeVar("F", bound=Callable[..., Any])

#: Convenience flags → the option they set (a `Config` key, or (format, key)); every option,
#: a plugin's too, can also be set with `-O format.key=value` (or `-O key=value` for a global key).
OPTION_KEYS: dict[str, tuple[str, ...]] = {
    "root": ("root",), "toc": ("toc",), "drafts": ("drafts",), "allow_remote": ("allow_remote",),
    "indented_prose": ("indented_prose",), "site_url": ("site_url",), "strict": ("strict",),
    "raw_html": ("raw_html",), "cjk_fallback": ("cjk_fallback",), "upload": ("upload",),
    "page_size": ("pdf", "page_size"), "pdf_variant": ("pdf", "variant"),
    "pdf_engine": ("pdf", "engine"),
    "wechat_theme": ("wechat", "theme"), "theme": ("wechat", "theme"), "primary_color": ("wechat", "primary_color"),
    "user_css": ("wechat", "css"), "wechat_images": ("wechat", "images"), "copy": ("wechat", "copy"),
}


def shared(command: F) -> F:
    """The flags every converting command has: the config file, the source root, the options
    that change what an article becomes, and `-O`."""
    for decorator in reversed([
        click.option("--config", "config_path", type=click.Path(path_type=Path, dir_okay=False, exists=True),
                     help="Config file.  [default: publish.toml or pyproject.toml [tool.publish], found upwards]"),
        click.option("--root", type=click.Path(path_type=Path, file_okay=False),
                     help="Source root: no resource outside it is ever read."),
        click.option("--no-indented-prose", "indented_prose", flag_value=False, default=True,
                     help="Keep indented blocks as code (no prose detection)."),
        click.option("--site-url", help="Absolute URL of the site, for {{ site.url }} and cross-links."),
        click.option("--strict", is_flag=True, help="Treat warnings as failures (exit 1)."),
        click.option("--raw-html", type=click.Choice(["safe", "trusted"]),
                     help="The author's raw HTML: 'safe' removes scripts, event handlers and javascript: "
                          "URLs (the default), 'trusted' keeps everything."),
        click.option("--cjk-fallback", type=click.Choice(CJK_FACES, case_sensitive=False),
                     help="Noto CJK face for Chinese/Japanese/Korean quoted in an article in another "
                          "language (HK: Hong Kong).  [default: SC]"),
        click.option("-O", "--option", "assignments", multiple=True, metavar="FORMAT.KEY=VALUE",
                     help="Set any option, a plugin's too: -O epub.split_level=3, -O toc=true (a global "
                          "key). VALUE is read as TOML (3, true, {a = \"b\"}), else as text."),
    ]):
        command = decorator(command)
    return command


def _assignment(text: str) -> tuple[str, ...]:
    """`-O pdf.page_size=A5` → ("pdf", "page_size"); the value is parsed by the option's type."""
    name, sep, _ = text.partition("=")
    keys = tuple(k.strip() for k in name.split(".", 1))
    if not sep or not all(keys):
        raise OptionError("publish", f"-O {text!r} is not FORMAT.KEY=VALUE",
                          "e.g. -O epub.split_level=3, or -O toc=true for a global key")
    return keys


def cli_layer(ctx: click.Context, values: dict[str, Any]) -> Layer:
    """Only the options given on the command line (they override the config file and front
    matter), each checked now: a bad one is one `publish: error:` line, before any article."""
    flags = {p.name: p.opts[-1] for p in ctx.command.params}
    given: list[tuple[str, tuple[str, ...], Any]] = [
        (f"{flags[param]} {values[param]}", keys, values[param]) for param, keys in OPTION_KEYS.items()
        if param in values
        and ctx.get_parameter_source(param) in (ParameterSource.COMMANDLINE, ParameterSource.ENVIRONMENT)]
    given += [(f"-O {text}", _assignment(text), text.partition("=")[2]) for text in values.get("assignments", ())]
    if any(label.startswith("--theme ") for label, _, _ in given):
        click.echo("publish: warning: --theme is deprecated: it sets the WeChat theme — use --wechat-theme "
                   "(the page theme is `theme` in publish.toml, or -O theme=NAME)", err=True)
    layer: Layer = {}
    for label, keys, value in given:
        data = {keys[0]: value} if len(keys) == 1 else {keys[0]: {keys[1]: value}}
        try:
            checked = files.validate(data, "publish", base=Path.cwd(), text=True)
        except BadValue as exc:
            raise OptionError("publish", label, exc.fix) from None
        except OptionError as exc:
            raise OptionError("publish", f"{label}: {exc.what}", exc.fix) from None
        for key, item in checked.items():
            if isinstance(item, dict):
                layer.setdefault(key, {}).update(item)
            else:
                layer[key] = item
    return layer


def project_file(config_path: Path | None, sources: tuple[Path, ...]) -> files.ProjectFile:
    """The explicit --config, else the nearest one above the first source, else above the cwd."""
    if config_path is not None:
        return files.load(config_path)
    starts = [sources[0]] if sources else []
    for start in [*starts, Path.cwd()]:
        found = files.find(start) if start.exists() else None
        if found is not None:
            return files.load(found)
    return files.ProjectFile()


def formats(names: list[str]) -> list[str]:
    """`--to` names, lower case, without repeats; `all` is every registered format."""
    from publish import exporters as registry

    names = [n.strip().lower() for n in names if n.strip()]
    if not names:
        raise OptionError("publish", "--to is empty", "give a comma list of formats, e.g. --to html,pdf")
    return registry.available() if names == ["all"] else list(dict.fromkeys(names))
