"""The command line: the only place that turns `PublishError`s into messages and exit codes."""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import click
from click.core import ParameterSource

from publish import __version__, batch, config_file, fidelity, report
from publish import exporters as registry
from publish.config import Config
from publish.config_file import FileConfig, Layer, Settings
from publish.discover import expand
from publish.errors import PublishError, UsageError
from publish.progress import Progress, choose_mode
from publish.themes import load_theme

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class _DefaultGroup(click.Group):
    """`publish FILE…` means `publish build FILE…`; subcommands (`doctor`, `check`) stay reachable.
    A bare `publish` builds what the config file says, or shows this help when there is none."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args and config_file.find(Path.cwd()) is not None:
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


def _formats(names: Sequence[str]) -> list[str]:
    names = [n.strip().lower() for n in names if n.strip()]
    if not names:
        raise UsageError("--to is empty", "give a comma list of formats, e.g. --to html,pdf")
    return registry.available() if names == ["all"] else list(dict.fromkeys(names))


#: CLI option → where it goes in the option layers (a `Config` field, or (exporter, option)).
_OPTION_KEYS: dict[str, str | tuple[str, str]] = {
    "root": "root", "toc": "toc", "drafts": "drafts", "allow_remote": "allow_remote",
    "indented_prose": "indented_prose", "site_url": "site_url", "strict": "strict",
    "page_size": ("pdf", "page_size"), "pdf_variant": ("pdf", "variant"), "pdf_engine": ("pdf", "engine"),
    "theme": ("wechat", "theme"), "primary_color": ("wechat", "primary_color"),
    "user_css": ("wechat", "css"), "wechat_images": ("wechat", "images"), "copy": ("wechat", "copy"),
}


def _cli_layer(ctx: click.Context, values: dict[str, Any]) -> Layer:
    """Only the options given on the command line: they override the config file and front matter."""
    layer: Layer = {}
    for param, key in _OPTION_KEYS.items():
        if ctx.get_parameter_source(param) not in (ParameterSource.COMMANDLINE, ParameterSource.ENVIRONMENT):
            continue
        if isinstance(key, tuple):
            layer.setdefault(key[0], {})[key[1]] = values[param]
        else:
            layer[key] = values[param]
    return layer


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
@click.option("--config", "config_path", type=click.Path(path_type=Path, dir_okay=False, exists=True),
              help="Config file.  [default: publish.toml or pyproject.toml [tool.publish], found upwards]")
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
@click.option("--pdf-variant", help="PDF variant, e.g. pdf/ua-1 or pdf/a-3b.")
@click.option("--pdf-engine", type=click.Choice(["weasyprint", "typst"]),
              help="PDF layout engine.  [default: config [pdf] engine, else weasyprint]")
@click.option("--theme", help="WeChat theme (default, elegant, tech).")
@click.option("--primary-color", help="WeChat theme primary colour, e.g. '#0f766e'.")
@click.option("--css", "user_css", type=click.Path(path_type=Path, dir_okay=False, exists=True),
              help="A CSS file appended after the theme (WeChat).")
@click.option("--wechat-images", type=click.Choice(["link", "embed"]),
              help="WeChat: keep local images as links (warn) or embed them as data URIs.")
@click.option("--copy", is_flag=True, help="WeChat: put the snippet on the system clipboard.")
@click.pass_context
def build(ctx: click.Context, /, sources: Sequence[Path], to: str | None, out: Path | None,
          jobs: int | None, force: bool, shard: str | None, report_path: Path | None, quiet: bool,
          config_path: Path | None, **options: Any) -> None:
    """Convert SOURCES (files or folders) to the formats in --to.

    Options come from the command line, then the article's front matter (`publish:`), then
    publish.toml / pyproject.toml [tool.publish], then the defaults. Outputs that are up to date
    (per the manifest in the output folder) are skipped; --force rebuilds them.
    """
    cli = _cli_layer(ctx, options)
    sys.exit(_guard(lambda: _build(BuildOptions(
        sources=tuple(sources), to=to, out=out, jobs=jobs, force=force, shard=shard,
        report=report_path, quiet=quiet, config=config_path, cli=cli))))


@dataclass(frozen=True, slots=True)
class BuildOptions:
    """What `publish build` was asked, before the config file fills the gaps."""

    sources: tuple[Path, ...]
    to: str | None
    out: Path | None
    jobs: int | None
    force: bool
    shard: str | None
    report: Path | None
    quiet: bool
    config: Path | None
    cli: Layer


def _build(options: BuildOptions) -> int:
    """Config → targets → batch run (progress, manifest) → report → post-build hooks → exit code."""
    file = _config_file(options)
    sources = options.sources or file.sources
    if not sources:  # click's own message, as when no config file could have named them
        ctx = click.get_current_context()
        raise click.MissingParameter(ctx=ctx, param=next(p for p in ctx.command.params if p.name == "sources"))
    formats = _formats(options.to.split(",") if options.to is not None else list(file.formats) or ["html"])
    for name in formats:  # fail fast on a typo, before any slow work
        registry.load(name)
    settings = Settings(file=file.layer, cli=options.cli)
    config = settings.config()
    load_theme(config.theme)
    targets = list(expand(sources, config.root))
    if not targets:
        raise UsageError("no Markdown files found in " + ", ".join(map(str, sources)),
                         "name .md or .markdown files, or folders that hold them")
    request = batch.Request(
        targets=targets, formats=formats, out_dir=(options.out or file.out or Path("dist")).absolute(),
        settings=settings, jobs=options.jobs or file.jobs or batch.default_jobs(), force=options.force,
        shard=batch.parse_shard(options.shard) if options.shard else None)
    total = sum(batch.in_shard(t, request.shard) for t in targets)
    display = Progress(choose_mode(options.quiet), total, strict=config.strict)
    try:
        run = batch.run(request, display.started, display.finished)
    finally:
        display.close()
    display.summary(run)
    if options.report is not None:
        report.write(options.report, run, __version__)
    if run.interrupted:
        return 128 + run.interrupted
    _after_build(run, config)
    return EXIT_FAILED if run.count("failed") else EXIT_OK


def _after_build(run: batch.Run, config: Config) -> None:
    """The one place for post-build hooks. They see every outcome, converted or up to date (an
    up-to-date snippet must still reach the clipboard), but never run after an interrupt."""
    _copy_snippet(run, config)


def _copy_snippet(run: batch.Run, config: Config) -> None:
    """`--copy`: put the WeChat snippet this build wrote (or found up to date) on the clipboard."""
    if not config.option("wechat", "copy"):
        return
    outputs = [p for o in run.outcomes if o.status != "failed" for p in o.formats.get("wechat", [])]
    if outputs:
        from publish.wechat.clipboard import copy_outputs

        message = copy_outputs(outputs)
        if message:
            click.echo(message, err=True)


def _config_file(options: BuildOptions) -> FileConfig:
    """The explicit --config, else the nearest one above the first source, else above the cwd."""
    if options.config is not None:
        return config_file.load(options.config)
    starts = [options.sources[0]] if options.sources else []
    for start in [*starts, Path.cwd()]:
        found = config_file.find(start) if start.exists() else None
        if found is not None:
            return config_file.load(found)
    return FileConfig()


@main.command()
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--to", "check_formats", metavar="FORMATS",
              help="Also run these exporters in memory (nothing written) and report their warnings, "
                   "e.g. --to wechat for what the WeChat editor would strip.")
@click.option("--config", "config_path", type=click.Path(path_type=Path, dir_okay=False, exists=True),
              help="Config file.  [default: publish.toml or pyproject.toml [tool.publish], found upwards]")
@click.option("--root", type=click.Path(path_type=Path, file_okay=False),
              help="Source root: no resource outside it is ever read.")
@click.option("--no-indented-prose", "indented_prose", flag_value=False, default=True,
              help="Keep indented blocks as code (no prose detection).")
@click.option("--site-url", help="Absolute URL of the site, for {{ site.url }} and cross-links.")
@click.option("--strict", is_flag=True, help="Treat warnings as failures (exit 1).")
@click.pass_context
def check(ctx: click.Context, /, sources: Sequence[Path], check_formats: str | None,
          config_path: Path | None, **options: Any) -> None:
    """Load, parse and normalize SOURCES without writing anything; print every notice and warning.

    The same options as a build (config file, front matter `publish:`, command line), so what
    `check` reports is what `publish` will do. Exit 1 on errors, or on warnings with --strict.
    """
    cli = _cli_layer(ctx, options)
    sys.exit(_guard(lambda: _check(sources, check_formats, config_path, cli)))


def _check(sources: Sequence[Path], check_formats: str | None, config_path: Path | None,
           cli: Layer) -> int:
    from publish.exporters import ExportContext
    from publish.load import load
    from publish.pipeline import build as prepare_article
    from publish.resources import Resolver

    file = _config_file(BuildOptions(sources=tuple(sources), to=None, out=None, jobs=None, force=False,
                                     shard=None, report=None, quiet=False, config=config_path, cli=cli))
    settings = Settings(file=file.layer, cli=cli)
    base = settings.config()
    targets = list(expand(sources, base.root))
    exporters = [registry.load(name) for name in (_formats(check_formats.split(",")) if check_formats else [])]
    counts = {"error": 0, "warning": 0, "notice": 0}
    for target in targets:
        try:
            source = load(target.path, target.root, target.relative)
            config = settings.for_article(source)
            article = prepare_article(source, config)
            export_ctx = ExportContext(config, load_theme(config.theme), Resolver.for_config(target.root, config))
            produced = [(exporter, exporter.export(article, export_ctx)) for exporter in exporters]
            diagnostics = [*article.diagnostics, *export_ctx.diagnostics,
                           *fidelity.verify(article, produced)]
        except PublishError as exc:
            click.echo(f"{exc.location()}: error: {exc}")
            counts["error"] += 1
            continue
        for diagnostic in sorted(diagnostics, key=lambda d: d.line or 0):
            click.echo(str(dataclasses.replace(diagnostic, path=_shown(diagnostic.path))))
            counts[diagnostic.severity] += 1
    click.echo(f"checked {len(targets)} file(s): {counts['error']} error(s), "
               f"{counts['warning']} warning(s), {counts['notice']} notice(s)")
    return EXIT_FAILED if counts["error"] or (base.strict and counts["warning"]) else EXIT_OK


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


