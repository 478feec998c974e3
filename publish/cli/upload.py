"""`publish upload SOURCES…`: send the local images of SOURCES to the `[images]` host, without
building; each distinct image once, whatever number of articles use it.

It prints one line per image it sends (or, with `--dry-run`, would send, with its size), a
warning at the line of each one that fails, and a summary: uploaded, already hosted, failed.
Images already in the upload cache are never sent again; a later build (`--to zhihu…`) uses
their URLs without `--upload`.
"""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path
from typing import Any

import click

from publish.cli import main
from publish.cli.exits import EXIT_FAILED, EXIT_OK, exit_code
from publish.cli.flags import cli_layer, project_file, shared
from publish.config.files import Layer, Layers
from publish.deliver import hosting
from publish.deliver.hosting import LocalImage, Uploader
from publish.deliver.upload import Upload
from publish.errors import DeliveryError, PublishError, UsageError
from publish.model import Diagnostic
from publish.runtime import diagnostics
from publish.runtime.resources import Resolver, ResourceRefused
from publish.source.discover import Target, articles
from publish.source.load import load

#: Normalize's warnings about images, shown here too: they say why an image is not uploaded
#: (`resource-refused`: a raw HTML `<img>` or the cover that will not be loaded).
_IMAGE_KINDS = frozenset({"missing-image", "image-refused", "resource-refused"})


@main.command()
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--out", "out", type=click.Path(path_type=Path),
              help="Output folder, where the upload cache lives.  [default: config 'out', else dist]")
@click.option("--dry-run", is_flag=True, help="List what would be uploaded, with sizes; send nothing.")
@click.option("--drafts", is_flag=True, help="Also upload the images of drafts in folder runs.")
@click.option("-q", "--quiet", is_flag=True, help="Print warnings, errors and the summary only.")
@shared
@click.pass_context
def upload(ctx: click.Context, /, sources: tuple[Path, ...], out: Path | None, dry_run: bool, quiet: bool,
           config_path: Path | None, **options: Any) -> None:
    """Upload the local images of SOURCES to the [images] host (publish.toml), once each.

    Nothing is built. Images the host already has (per the upload cache in the output folder) are
    not sent again; --dry-run lists what would be sent and sends nothing.
    """
    sys.exit(exit_code(lambda: _run(sources, out, dry_run, quiet, config_path, cli_layer(ctx, options))))


@dataclasses.dataclass(slots=True)
class _Tally:
    uploaded: int = 0
    hosted: int = 0
    failed: int = 0
    pending: int = 0
    pending_bytes: int = 0


def _run(sources: tuple[Path, ...], out: Path | None, dry_run: bool, quiet: bool, config_path: Path | None,
         cli: Layer) -> int:
    file = project_file(config_path, sources)
    layers = Layers(file=file.layer, cli=cli)
    base = layers.config()
    if base.images.host == "none":
        raise UsageError("no image host is configured",
                         'set [images] host = "s3", "picgo" or "command" in publish.toml (see README, Image hosts)')
    targets = articles(sources, base.root)
    uploader = Uploader.for_out(base.images, (out or file.out or Path("dist")).absolute())
    tally = _Tally()
    seen: set[str] = set()
    for target in targets:
        try:
            images = _images(target, layers, quiet, base.drafts)
        except PublishError as exc:
            click.echo(f"{exc.location()}: error: {exc}", err=True)
            tally.failed += 1
            continue
        for image, data, path in images:
            if data.digest in seen:
                continue
            seen.add(data.digest)
            _one(uploader, image, data, path, dry_run, quiet, base.strict, tally)
    _summary(tally, dry_run, uploader.key.partition(":")[0])
    return EXIT_FAILED if tally.failed else EXIT_OK


def _images(target: Target, layers: Layers, quiet: bool, drafts: bool) -> list[tuple[LocalImage, Upload, Path]]:
    """The article's local images, read through its resolver (nothing outside the source root)."""
    from publish.pipeline import normalized

    source = load(target.path, target.root, target.relative)
    config = layers.for_article(source)
    if source.metadata.draft and not target.explicit and not drafts:
        return []
    resolver = Resolver.for_config(target.root, config)
    article = normalized(source, config, resolver)
    for diagnostic in article.diagnostics:
        if diagnostic.kind in _IMAGE_KINDS and not quiet:
            _echo(diagnostic)
    found = []
    for image in hosting.local_images(article, resolver):
        try:
            found.append((image, Uploader.read(image, resolver), article.path))
        except (ResourceRefused, OSError):
            continue  # normalize said why
    return found


def _one(uploader: Uploader, image: LocalImage, data: Upload, path: Path, dry_run: bool, quiet: bool,
         strict: bool, tally: _Tally) -> None:
    if uploader.cached(data) is not None:
        tally.hosted += 1
        return
    size = _size(len(data.data))
    if dry_run:
        tally.pending += 1
        tally.pending_bytes += len(data.data)
        click.echo(f"would upload {image.path} ({size})")
        return
    try:
        url, fresh = uploader.send(data)
    except DeliveryError as exc:
        tally.failed += 1
        _echo(Diagnostic(path, image.line, "error" if strict else "warning",
                         f"image '{image.src}' was not uploaded: {exc.what}", exc.fix))
        return
    if not fresh:
        tally.hosted += 1
        return
    tally.uploaded += 1
    if not quiet:
        click.echo(f"uploaded {image.path} ({size}) → {url}")


def _summary(tally: _Tally, dry_run: bool, host: str) -> None:
    if dry_run:
        click.echo(f"would upload {tally.pending} image(s), {_size(tally.pending_bytes)}, to {host}; "
                   f"already hosted {tally.hosted}; nothing sent (--dry-run)")
    else:
        click.echo(f"uploaded {tally.uploaded}, already hosted {tally.hosted}, failed {tally.failed} ({host})")


def _echo(diagnostic: Diagnostic) -> None:
    click.echo(str(dataclasses.replace(diagnostic, path=diagnostics.shown(diagnostic.path))), err=True)


def _size(count: int) -> str:
    return f"{count} B" if count < 1024 else f"{count / 1024:.1f} KB" if count < 1024 * 1024 \
        else f"{count / 1024 / 1024:.1f} MB"
