"""The command line: the only place that turns `PublishError`s into messages and exit codes."""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, Any

import click

from publish import exporters as registry
from publish.config import Config
from publish.discover import expand
from publish.errors import PublishError, UsageError
from publish.pipeline import Result, convert
from publish.themes import load_theme

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class _DefaultGroup(click.Group):
    """`publish FILE…` means `publish build FILE…`; subcommands (`doctor`, `check`) stay reachable."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h", "--version",
                                                                      "--list-formats"):
            args = ["build", *args]
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.exceptions.NoArgsIsHelpError:
            raise
        except click.UsageError as exc:  # a mistyped option or a missing argument: one line, exit 2
            if isinstance(exc, _OneLineUsageError):
                raise
            raise _OneLineUsageError(exc.format_message(), exc.ctx) from exc


class _OneLineUsageError(click.UsageError):
    """Click's usage errors in the form of every other problem: `publish: error: what — fix`."""

    def show(self, file: IO[Any] | None = None) -> None:
        command = self.ctx.command_path if self.ctx is not None else "publish"
        click.echo(f"publish: error: {self.format_message()} — see '{command} --help'", err=True)


def _list_formats(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        ctx.exit(_guard(_print_formats))


@click.group(cls=_DefaultGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="publish")
@click.option("--list-formats", is_flag=True, expose_value=False, is_eager=True, callback=_list_formats,
              help="List the available output formats and exit.")
def main() -> None:
    """Convert front-matter Markdown articles to HTML, PDF, EPUB and WeChat-ready HTML.

    \b
    publish sora.md --to pdf,epub       one article, two formats, into dist/
    publish posts/ --to all --out site  every *.md below posts/
    publish check posts/                lint without writing anything
    publish doctor                      check fonts, pandoc, WeasyPrint, Java
    """


def _formats(value: str) -> list[str]:
    names = [n.strip().lower() for n in value.split(",") if n.strip()]
    if not names:
        raise UsageError("--to is empty", "give a comma list of formats, e.g. --to html,pdf")
    return registry.available() if names == ["all"] else list(dict.fromkeys(names))


@main.command()
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--to", "to", default="html", show_default=True, metavar="FORMATS",
              help="Comma list of formats, or 'all'.")
@click.option("--out", "out", default=Path("dist"), show_default=True, type=click.Path(path_type=Path),
              help="Output folder.")
@click.option("--root", type=click.Path(path_type=Path, file_okay=False),
              help="Source root: no resource outside it is ever read.")
@click.option("--toc", is_flag=True, help="Add a table of contents.")
@click.option("--drafts", is_flag=True, help="Also convert drafts in folder runs.")
@click.option("--allow-remote", is_flag=True, help="Allow fetching remote images.")
@click.option("--no-indented-prose", "indented_prose", flag_value=False, default=True,
              help="Keep indented blocks as code (no prose detection).")
@click.option("--site-url", help="Absolute URL of the site, for {{ site.url }} and cross-links.")
@click.option("--strict", is_flag=True, help="Treat warnings as failures (exit 1).")
@click.option("--page-size", help="PDF page size: A4 (default), A5, Letter or e.g. '150mm 220mm'.")
@click.option("--pdf-variant", help="WeasyPrint PDF variant, e.g. pdf/ua-1 or pdf/a-3b.")
@click.option("--theme", help="WeChat theme (default, elegant, tech).")
@click.option("--primary-color", help="WeChat theme primary colour, e.g. '#0f766e'.")
@click.option("--css", "user_css", type=click.Path(path_type=Path, dir_okay=False, exists=True),
              help="A CSS file appended after the theme (WeChat).")
@click.option("--wechat-images", type=click.Choice(["link", "embed"]),
              help="WeChat: keep local images as links (warn) or embed them as data URIs.")
@click.option("--copy", is_flag=True, help="WeChat: put the snippet on the system clipboard.")
def build(sources: Sequence[Path], to: str, out: Path, root: Path | None, toc: bool, drafts: bool,
          allow_remote: bool, indented_prose: bool, site_url: str | None, strict: bool,
          page_size: str | None, pdf_variant: str | None, theme: str | None,
          primary_color: str | None, user_css: Path | None, wechat_images: str | None,
          copy: bool) -> None:
    """Convert SOURCES (files or folders) to the formats in --to."""
    per_exporter: dict[str, dict[str, object]] = {
        "pdf": {"page_size": page_size, "variant": pdf_variant},
        "wechat": {"theme": theme, "primary_color": primary_color, "css": user_css,
                   "images": wechat_images, "copy": copy or None},
    }
    config = Config(root=root, toc=toc, drafts=drafts, allow_remote=allow_remote,
                    indented_prose=indented_prose, site_url=site_url, strict=strict,
                    exporters={name: {k: v for k, v in opts.items() if v is not None}
                               for name, opts in per_exporter.items()})
    sys.exit(_guard(lambda: _build(sources, _formats(to), out, config)))


def _build(sources: Sequence[Path], formats: list[str], out: Path, config: Config) -> int:
    exporters = [registry.load(name) for name in formats]  # fail fast, before any slow work
    theme = load_theme(config.theme)
    targets = list(expand(sources, config.root))
    if not targets:
        raise UsageError("no Markdown files found in " + ", ".join(map(str, sources)),
                         "name .md or .markdown files, or folders that hold them")
    failed = 0
    for target in targets:
        result = convert(target, exporters, config, theme, out)
        _report(result)
        _copy_snippet(result, config)
        warned = any(d.severity == "warning" for d in result.diagnostics)
        failed += result.status == "failed" or (config.strict and warned)
    return EXIT_FAILED if failed else EXIT_OK


def _report(result: Result) -> None:
    for diagnostic in result.diagnostics:
        if diagnostic.severity != "notice":
            click.echo(str(diagnostic), err=True)
    if result.error is not None:
        click.echo(f"{result.error.location()}: error: {result.error}", err=True)
    elif result.status == "skipped":
        click.echo(f"skipped {result.target.path} ({result.reason}; use --drafts)", err=True)
    else:
        for path in result.outputs:
            click.echo(f"wrote {path}")


def _copy_snippet(result: Result, config: Config) -> None:
    """`--copy`: put the WeChat snippet this build wrote on the system clipboard, and say so."""
    if config.option("wechat", "copy") and result.status == "ok":
        from publish.wechat.clipboard import copy_outputs

        message = copy_outputs(result.outputs)
        if message:
            click.echo(message, err=True)


@main.command()
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--root", type=click.Path(path_type=Path, file_okay=False),
              help="Source root: no resource outside it is ever read.")
@click.option("--no-indented-prose", "indented_prose", flag_value=False, default=True,
              help="Keep indented blocks as code (no prose detection).")
@click.option("--site-url", help="Absolute URL of the site, for {{ site.url }} and cross-links.")
@click.option("--strict", is_flag=True, help="Treat warnings as failures (exit 1).")
def check(sources: Sequence[Path], root: Path | None, indented_prose: bool, site_url: str | None,
          strict: bool) -> None:
    """Load, parse and normalize SOURCES without writing anything; print every notice and warning."""
    config = Config(root=root, indented_prose=indented_prose, site_url=site_url, strict=strict)
    sys.exit(_guard(lambda: _check(sources, config)))


def _check(sources: Sequence[Path], config: Config) -> int:
    from publish.pipeline import prepare

    targets = list(expand(sources, config.root))
    counts = {"error": 0, "warning": 0, "notice": 0}
    for target in targets:
        try:
            diagnostics = list(prepare(target, config).diagnostics)
        except PublishError as exc:
            click.echo(f"{exc.location()}: error: {exc}")
            counts["error"] += 1
            continue
        for diagnostic in sorted(diagnostics, key=lambda d: d.line or 0):
            click.echo(str(dataclasses.replace(diagnostic, path=_shown(diagnostic.path))))
            counts[diagnostic.severity] += 1
    click.echo(f"checked {len(targets)} file(s): {counts['error']} error(s), "
               f"{counts['warning']} warning(s), {counts['notice']} notice(s)")
    return EXIT_FAILED if counts["error"] or (config.strict and counts["warning"]) else EXIT_OK


def _shown(path: Path) -> Path:
    """A path relative to the working folder when it is below it (shorter, clickable in editors)."""
    try:
        return path.relative_to(Path.cwd())
    except ValueError:
        return path


@main.command()
def formats() -> None:
    """List the available output formats."""
    sys.exit(_guard(_print_formats))


def _print_formats() -> int:
    for name, entry in sorted(registry.registered().items()):
        try:
            exporter = registry.load(name)
            description = exporter.description
        except PublishError as exc:
            description = f"(broken: {exc})"
        click.echo(f"{name:<8} {description}  [{entry.distribution}]")
    return EXIT_OK


@main.command()
def doctor() -> None:
    """Check that pandoc, WeasyPrint, fonts, Java and a clipboard tool are installed."""
    from publish.doctor import run_checks

    sys.exit(run_checks(click.echo))


def _guard(action: Callable[[], int]) -> int:
    """Run an action, turning `PublishError` into one `publish: error:` line and its exit code."""
    try:
        return action()
    except UsageError as exc:
        click.echo(f"{exc.location()}: error: {exc}", err=True)
        return EXIT_USAGE
    except PublishError as exc:
        click.echo(f"{exc.location()}: error: {exc}", err=True)
        return EXIT_FAILED


