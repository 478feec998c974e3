"""`publish check SOURCES…`: convert without writing, and print every notice and warning."""

from __future__ import annotations

import dataclasses
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import click

from publish import exporters as registry
from publish.cli import main
from publish.cli.exits import EXIT_FAILED, EXIT_OK, exit_code
from publish.cli.flags import cli_layer, formats, project_file, shared
from publish.config.files import Layer, Layers
from publish.config.themes import load_theme
from publish.errors import UsageError
from publish.runtime import diagnostics
from publish.source.discover import expand


@main.command()
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--to", "check_formats", metavar="FORMATS",
              help="Also run these exporters in memory (nothing written) and report their warnings, "
                   "e.g. --to wechat for what the WeChat editor would strip.")
@click.option("--typography", is_flag=True,
              help="Lint the prose's typography instead (autocorrect: spaces between CJK and Latin, "
                   "full-width punctuation); `publish fix` makes the fixes.")
@shared
@click.pass_context
def check(ctx: click.Context, /, sources: tuple[Path, ...], check_formats: str | None, typography: bool,
          config_path: Path | None, **options: Any) -> None:
    """Load, parse and normalize SOURCES without writing anything; print every notice and warning.

    The same options as a build (config file, front matter `publish:`, command line), so what
    `check` reports is what `publish` will do. Exit 1 on errors, or on warnings with --strict.
    """
    if typography:
        from publish.cli.typography import lint

        if check_formats:
            sys.exit(exit_code(lambda: _refuse("--typography reads the sources; --to runs exporters",
                                               "run `publish check --typography` and `publish check --to` apart")))

        sys.exit(exit_code(lambda: lint(sources, config_path, cli_layer(ctx, options))))
    sys.exit(exit_code(lambda: _run(sources, check_formats, config_path, cli_layer(ctx, options))))


def _refuse(what: str, fix: str) -> int:
    raise UsageError(what, fix)


def _run(sources: tuple[Path, ...], check_formats: str | None, config_path: Path | None, cli: Layer) -> int:
    from publish.pipeline import convert

    layers = Layers(file=project_file(config_path, sources).layer, cli=cli)
    base = layers.config()
    theme = load_theme(base.theme)
    targets = list(expand(sources, base.root))
    exporters = [registry.load(name) for name in (formats(check_formats.split(",")) if check_formats else [])]
    counts, kinds = Counter({"error": 0, "warning": 0, "notice": 0}), Counter[str]()
    run = frozenset(t.path for t in targets)  # as a build of these sources would see them
    for target in targets:
        outcome = convert(target, exporters, base, theme, Path(), configure=layers.for_article,
                          articles=run, write=False)
        found = outcome.diagnostics
        for diagnostic in sorted(diagnostics.group(found), key=lambda d: d.line or 0):  # repeats: one line
            click.echo(str(dataclasses.replace(diagnostic, path=diagnostics.shown(diagnostic.path))))
        counts.update(d.severity for d in found)
        kinds.update(diagnostics.counts(found))
    if kinds:
        click.echo(diagnostics.count_line(kinds))
    click.echo(f"checked {len(targets)} file(s): {counts['error']} error(s), "
               f"{counts['warning']} warning(s), {counts['notice']} notice(s)")
    return EXIT_FAILED if counts["error"] or (base.strict and counts["warning"]) else EXIT_OK
