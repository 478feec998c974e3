"""`publish book PATH --to epub,pdf,docx,html`: an mdBook, a HonKit book or a publish.toml `[book]`
to one file per format, `<out>/<book-slug>.<ext>` (see `publish.book`)."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path
from typing import Any

import click

from publish import batch
from publish import exporters as registry
from publish.book.summary import Entry
from publish.cli import main
from publish.cli.exits import EXIT_FAILED, EXIT_OK, exit_code
from publish.cli.flags import cli_layer, formats, project_file, shared
from publish.config.files import Layer, Layers
from publish.config.themes import load_theme
from publish.runtime import diagnostics


@main.command()
@click.argument("path", type=click.Path(path_type=Path, exists=True))
@click.option("--to", "to", metavar="FORMATS", default="epub", show_default=True,
              help="Comma list of formats: epub, pdf, docx, html.")
@click.option("--out", "out", type=click.Path(path_type=Path), help="Output folder.  [default: dist]")
@click.option("-j", "--jobs", type=click.IntRange(min=1),
              help="Chapters prepared at once.  [default: the number of cores]")
@click.option("--no-numbers", "no_numbers", is_flag=True, help="No \"Chapter 1\" / \"第 1 章\" before chapter titles.")
@click.option("-q", "--quiet", is_flag=True, help="Print errors only.")
@shared
@click.option("--page-size", help="PDF page size: A4 (default), A5, Letter or e.g. '150mm 220mm'.")
@click.option("--pdf-engine", type=click.Choice(["weasyprint", "typst"]),
              help="PDF layout engine.  [default: config [pdf] engine, else weasyprint]")
@click.pass_context
def book(ctx: click.Context, /, path: Path, to: str, out: Path | None, jobs: int | None, no_numbers: bool,
         quiet: bool, config_path: Path | None, **options: Any) -> None:
    """Make one EPUB, PDF, DOCX or HTML page of the book at PATH.

    PATH is an mdBook (book.toml + src/SUMMARY.md), a HonKit/GitBook book (SUMMARY.md, book.json)
    or a folder whose publish.toml has a [book] table. Chapters follow SUMMARY.md; nothing is
    written unless every chapter and every format succeeded (with --strict: and nothing was warned
    about).
    """
    sys.exit(exit_code(lambda: _run(path, to, out, jobs, no_numbers, quiet, config_path, cli_layer(ctx, options))))


def _run(path: Path, to: str, out: Path | None, jobs: int | None, no_numbers: bool, quiet: bool,
         config_path: Path | None, cli: Layer) -> int:
    from publish.book import build, layout

    names = formats(to.split(","))
    exporters = [registry.load(name) for name in names]
    file = project_file(config_path, (path,))
    config = Layers(file=_with_book_defaults(file.layer, names), cli=cli).config()
    theme = load_theme(config.theme)
    found = layout.find(path)
    if no_numbers:
        found = dataclasses.replace(found, numbers=False)

    def progress(done: int, total: int, entry: Entry) -> None:
        if not quiet:
            click.echo(f"[{done}/{total}] {entry.path}", err=True)

    built = build.build(found, exporters, config, theme, (out or file.out or Path("dist")).absolute(),
                        jobs or file.jobs or batch.default_jobs(), progress)
    for diagnostic in diagnostics.group(built.diagnostics):
        if not quiet or diagnostic.severity == "error":
            click.echo(str(dataclasses.replace(diagnostic, path=diagnostics.shown(diagnostic.path))), err=True)
    if built.failed:
        click.echo("book failed: nothing written", err=True)
        return EXIT_FAILED
    if not quiet:
        for written in (p for paths in built.files.values() for p in paths):
            click.echo(f"wrote {diagnostics.shown(written)}")
    return EXIT_OK


#: What a book changes by default: an EPUB without a cover image gets a drawn one (a book sits
#: in a reader's library), and the HTML page holds its images (one file to hand around).
BOOK_DEFAULTS: dict[str, dict[str, Any]] = {"epub": {"generated_cover": True}, "html": {"embed_images": True}}


def _with_book_defaults(layer: Layer, names: list[str]) -> Layer:
    """The config file's layer over `BOOK_DEFAULTS` for the formats asked for."""
    return {**layer, **{name: {**values, **layer.get(name, {})} for name, values in BOOK_DEFAULTS.items()
                        if name in names}}
