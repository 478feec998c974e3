"""The command line: the only place that turns `PublishError`s into messages and exit codes.

One module per command (`build`, `check`), the option flags they share in `flags`; this module
holds the group, the commands too small for a module, and `exit_code`.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import IO, Any

import click

from publish import exporters as registry
from publish.cli.exits import EXIT_OK, exit_code
from publish.config import files
from publish.errors import PublishError


class _DefaultGroup(click.Group):
    """`publish FILE…` means `publish build FILE…`; subcommands (`doctor`, `check`) stay reachable.
    A bare `publish` builds what the config file says, or shows this help when there is none."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args and files.find(Path.cwd()) is not None:
            args = ["build"]  # a bare `publish` in a project with publish.toml builds it
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
        ctx.exit(exit_code(_print_formats))


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
    publish upload posts/               upload local images to the [images] host
    publish draft posts/ --to wechat,devto   a draft of each article on WeChat and dev.to
    publish doctor                      check fonts, pandoc, WeasyPrint, Java
    """


@main.command()
def formats() -> None:
    """List the available output formats."""
    sys.exit(exit_code(_print_formats))


def _print_formats() -> int:
    entries = sorted(registry.registered().items())
    width = max((len(name) for name, _ in entries), default=0)
    for name, entry in entries:
        try:
            exporter = registry.load(name)
            description = exporter.description
        except PublishError as exc:
            description = f"(broken: {exc})"
        click.echo(f"{name:<{width}}  {description}  [{entry.distribution}]")
    return EXIT_OK


@main.command()
def doctor() -> None:
    """Check that pandoc, WeasyPrint, fonts, Java and a clipboard tool are installed."""
    from publish.cli.doctor import run_checks

    sys.exit(run_checks(click.echo))


# the commands register themselves on `main` when imported
from publish.cli import book, build, check, draft, serve, typography, upload

__all__ = ["book", "build", "check", "draft", "main", "serve", "typography", "upload"]
