"""`publish serve SOURCES…`: a live preview of every format, rebuilt as the writer saves."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from publish import exporters as registry
from publish.cli import main
from publish.cli.exits import exit_code
from publish.cli.flags import formats, project_file
from publish.config.themes import load_theme
from publish.errors import UsageError


@main.command()
@click.argument("sources", nargs=-1, metavar="SOURCES...", type=click.Path(path_type=Path))
@click.option("--to", "to", metavar="FORMATS",
              help="Comma list of formats, or 'all'.  [default: config 'formats', else html]")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port to listen on; 0 picks a free one.")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Anything but loopback lets other machines read the previews.")
@click.option("--open", "open_browser", is_flag=True, help="Open the list of articles in a browser.")
@click.option("--config", "config_path", type=click.Path(path_type=Path, dir_okay=False, exists=True),
              help="Config file.  [default: publish.toml or pyproject.toml [tool.publish], found upwards]")
@click.pass_context
def serve(ctx: click.Context, /, sources: tuple[Path, ...], to: str | None, port: int, host: str,
          open_browser: bool, config_path: Path | None) -> None:
    """Preview SOURCES live: every format of every article in one page, rebuilt as you save.

    Prints the URL and serves until Ctrl-C. Outputs are kept in a private temp folder (removed on
    exit), under the same paths `publish --out` writes; drafts are shown too.
    """
    sys.exit(exit_code(lambda: _run(ctx, sources, to, port, host, open_browser, config_path)))


def _run(ctx: click.Context, sources: tuple[Path, ...], to: str | None, port: int, host: str,
         open_browser: bool, config_path: Path | None) -> int:
    from publish.serve import app, project

    file = project_file(config_path, sources)
    sources = sources or file.sources
    if not sources:
        raise click.MissingParameter(ctx=ctx, param=next(p for p in ctx.command.params if p.name == "sources"))
    names = formats(to.split(",") if to is not None else list(file.formats) or ["html"])
    for name in names:  # fail fast on a typo
        registry.load(name)
    options = project.Options(sources=sources, formats=tuple(names), config_path=file.path,
                              cli={"drafts": True}, host=host, port=port, open_browser=open_browser,
                              out=(file.out or Path("dist")).absolute())
    loaded = project.load(options)
    if not loaded.targets:
        raise UsageError("no Markdown files found in " + ", ".join(map(str, sources)),
                         "name .md or .markdown files, or folders that hold them")
    load_theme(loaded.layers.config().theme)
    return app.run(options, loaded, lambda line, err: click.echo(line, err=err))
