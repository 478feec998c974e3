"""`publish build SOURCES…` (also `publish SOURCES…`): convert, skip what is up to date, report."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from publish import __version__, batch
from publish import exporters as registry
from publish.cli import main, report
from publish.cli.exits import EXIT_FAILED, EXIT_OK, exit_code
from publish.cli.flags import cli_layer, formats, project_file, shared
from publish.cli.progress import Progress, choose_mode
from publish.config.files import Layer, Layers
from publish.config.record import Config
from publish.config.themes import load_theme
from publish.source.discover import articles


@main.command()
@click.argument("sources", nargs=-1, metavar="SOURCES...", type=click.Path(path_type=Path))
@click.option("--to", "to", metavar="FORMATS",
              help="Comma list of formats, or 'all'.  [default: config 'formats', else html]")
@click.option("--out", "out", type=click.Path(path_type=Path),
              help="Output folder.  [default: config 'out', else dist]")
@click.option("-j", "--jobs", type=click.IntRange(min=1),
              help="Worker processes.  [default: the number of cores]")
@click.option("--force", is_flag=True, help="Rebuild everything, even outputs that are up to date.")
@click.option("--shard", metavar="K/N", help="Convert only the K-th of N stable partitions (CI matrix).")
@click.option("--report", "report_path", type=click.Path(path_type=Path, dir_okay=False),
              help="Write a JSON report: per article status, outputs, warnings, errors, timings.")
@click.option("-q", "--quiet", is_flag=True, help="Print errors only.")
@shared
@click.option("--toc", is_flag=True, help="Add a table of contents.")
@click.option("--drafts", is_flag=True, help="Also convert drafts in folder runs.")
@click.option("--allow-remote", is_flag=True, help="Allow fetching remote images.")
@click.option("--upload", is_flag=True,
              help="Upload the local images the [images] host lacks, for the paste targets (else only "
                   "images already uploaded get their URL).")
@click.option("--page-size", help="PDF page size: A4 (default), A5, Letter or e.g. '150mm 220mm'.")
@click.option("--pdf-variant", help="PDF variant, e.g. pdf/ua-1 or pdf/a-3b.")
@click.option("--pdf-engine", type=click.Choice(["weasyprint", "typst"]),
              help="PDF layout engine.  [default: config [pdf] engine, else weasyprint]")
@click.option("--wechat-theme", help="WeChat snippet theme (default, elegant, tech).")
@click.option("--theme", hidden=True, help="Deprecated: the WeChat theme; use --wechat-theme.")
@click.option("--primary-color", help="WeChat theme primary colour, e.g. '#0f766e'.")
@click.option("--css", "user_css", type=click.Path(path_type=Path, dir_okay=False, exists=True),
              help="A CSS file appended after the theme (WeChat).")
@click.option("--wechat-images", type=click.Choice(["link", "embed"]),
              help="WeChat: keep local images as links (warn) or embed them as data URIs.")
@click.option("--copy", is_flag=True, help="WeChat: put the snippet on the system clipboard.")
@click.pass_context
def build(ctx: click.Context, /, sources: tuple[Path, ...], to: str | None, out: Path | None,
          jobs: int | None, force: bool, shard: str | None, report_path: Path | None, quiet: bool,
          config_path: Path | None, **options: Any) -> None:
    """Convert SOURCES (files or folders) to the formats in --to.

    Options come from the command line, then the article's front matter (`publish:`), then
    publish.toml / pyproject.toml [tool.publish], then the defaults. Outputs that are up to date
    (per the manifest in the output folder) are skipped; --force rebuilds them.
    """
    sys.exit(exit_code(lambda: _run(ctx, sources, to=to, out=out, jobs=jobs, force=force, shard=shard,
                                report_path=report_path, quiet=quiet, config_path=config_path,
                                cli=cli_layer(ctx, options))))


def _run(ctx: click.Context, sources: tuple[Path, ...], *, to: str | None, out: Path | None,
         jobs: int | None, force: bool, shard: str | None, report_path: Path | None, quiet: bool,
         config_path: Path | None, cli: Layer) -> int:
    """Options → targets → plan → batch run (progress, manifest) → report → hooks → exit code.
    Every option is checked before the plan, so a bad one stops the run before any article."""
    file = project_file(config_path, sources)
    sources = sources or file.sources
    if not sources:  # click's own message, as when no config file could have named them
        raise click.MissingParameter(ctx=ctx, param=next(p for p in ctx.command.params if p.name == "sources"))
    names = formats(to.split(",") if to is not None else list(file.formats) or ["html"])
    loaded = [registry.load(name) for name in names]  # fail fast on a typo, before any slow work
    layers = Layers(file=file.layer, cli=cli)
    config = layers.config()
    if not quiet:
        _idle_upload(loaded, config)
    load_theme(config.theme)
    targets = articles(sources, config.root)
    plan = batch.plan(batch.Request(
        targets=targets, formats=names, out_dir=(out or file.out or Path("dist")).absolute(), layers=layers,
        jobs=jobs or file.jobs or batch.default_jobs(), force=force,
        shard=batch.parse_shard(shard) if shard else None))
    display = Progress(choose_mode(quiet), plan.total, strict=config.strict, single=plan.single)
    try:
        run = batch.run(plan, display.started, display.finished)
    finally:
        display.close()
    display.summary(run)
    if report_path is not None:
        report.write(report_path, run, __version__)
    if run.interrupted:
        return 128 + run.interrupted
    _after_build(run, config)
    return EXIT_FAILED if run.count("failed") else EXIT_OK


def _idle_upload(exporters: Sequence[registry.Exporter], config: Config) -> None:
    """Say once when `--upload` (or `upload = true`) has nothing to do, rather than nothing.

    It does not upload then: hosted URLs are used only by the paste targets, while a PDF, EPUB,
    DOCX or HTML page carries its images itself, so sending them would put the author's pictures
    on a public host that no output links to. `publish upload` is the command that only uploads.
    """
    if not config.upload:
        return
    if config.images.host == "none":
        click.echo("publish: warning: --upload has nothing to do: no image host is configured — set [images] "
                   'host = "s3", "picgo" or "command" in publish.toml (see README, Image hosts)', err=True)
    elif not any(getattr(exporter, "paste", None) for exporter in exporters):
        asked = ", ".join(exporter.name for exporter in exporters)
        click.echo(f"publish: warning: --upload has nothing to do for {asked}: only the paste targets "
                   "(wechat, zhihu, juejin, csdn, devto) carry hosted image URLs, and no image was sent — add "
                   "one to --to, or run `publish upload SOURCES` to upload without building", err=True)


def _after_build(run: batch.Run, config: Config) -> None:
    """The one place for post-build hooks. They see every outcome, converted or up to date (an
    up-to-date snippet must still reach the clipboard), but never run after an interrupt."""
    _copy_snippet(run, config)


def _copy_snippet(run: batch.Run, config: Config) -> None:
    """`--copy`: put the WeChat snippet this build wrote (or found up to date) on the clipboard."""
    from publish.exporters.wechat.options import WechatOptions

    wechat = config.exporters.get("wechat")
    if not isinstance(wechat, WechatOptions) or not wechat.copy:
        return
    outputs = [p for o in run.outcomes if o.status != "failed" for p in o.formats.get("wechat", [])]
    if outputs:
        from publish.exporters.wechat.clipboard import copy_outputs

        message = copy_outputs(outputs)
        if message:
            click.echo(message, err=True)
