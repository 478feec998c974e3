"""`publish draft SOURCES --to wechat,devto`: build the platforms' formats, then create or update
one draft per article on each platform, and say where it is.

The formats are built as `publish SOURCES --to wechat,devto` builds them (the batch, its
manifest, its progress; with an image host, dev.to's with `--upload` and WeChat's without hosted
URLs, see `_builds`); this command then hands their output, as data, to the platform clients in
`publish.deliver`. Nothing goes over the network before every option and credential is checked,
and nothing but the image host's cache is read with `--dry-run`. A refusal that concerns the account (credentials,
IP whitelist, quota) stops the run at once: one line, exit 1, nothing sent after it.
"""

from __future__ import annotations

import dataclasses
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from publish import batch
from publish.cli import main
from publish.cli.exits import EXIT_FAILED, EXIT_OK, exit_code
from publish.cli.flags import cli_layer, project_file, shared
from publish.cli.progress import Progress, choose_mode
from publish.config.files import Layer, Layers
from publish.config.record import Config
from publish.config.themes import load_theme
from publish.deliver.cache import UploadCache
from publish.deliver.drafts import Drafts
from publish.errors import DeliveryError, UsageError
from publish.model import Diagnostic, Source
from publish.normalize import xref
from publish.outcome import Outcome
from publish.runtime.resources import Resolver
from publish.source.discover import Target, articles
from publish.source.load import load

if TYPE_CHECKING:
    from publish.deliver.images import Prepared

PLATFORMS = {"wechat": "WeChat", "devto": "dev.to"}


@main.command()
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--to", "to", metavar="PLATFORMS", required=True,
              help="Where to put the drafts: wechat, devto, or wechat,devto.")
@click.option("--out", "out", type=click.Path(path_type=Path),
              help="Output folder (the formats, the upload cache, the drafts record).  [default: config 'out', else dist]")
@click.option("--dry-run", is_flag=True, help="Print what would be uploaded and sent; send nothing.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), help="Worker processes for the build.")
@click.option("-q", "--quiet", is_flag=True, help="Print errors only.")
@shared
@click.option("--drafts", is_flag=True, help="Also send articles marked `draft: true` in folder runs.")
@click.option("--allow-remote", is_flag=True, help="Fetch remote images to upload them to WeChat.")
@click.option("--wechat-theme", help="WeChat snippet theme (default, elegant, tech).")
@click.option("--primary-color", help="WeChat theme primary colour, e.g. '#0f766e'.")
@click.pass_context
def draft(ctx: click.Context, /, sources: tuple[Path, ...], to: str, out: Path | None, dry_run: bool,
          jobs: int | None, quiet: bool, config_path: Path | None, **options: Any) -> None:
    """Create (or update) a draft of each article in SOURCES on WeChat and dev.to.

    \b
    WeChat: WECHAT_APP_ID and WECHAT_APP_SECRET, and this machine's IP on the account's whitelist.
    dev.to: DEVTO_API_KEY (dev.to → Settings → Extensions).
    Images are uploaded once (cached by content in OUT/.publish/uploads.json); the drafts made
    are recorded in OUT/.publish/drafts.json, so a rerun updates them instead of adding more.
    """
    sys.exit(exit_code(lambda: _run(sources, to, out, dry_run, jobs, quiet, config_path, cli_layer(ctx, options))))


@dataclass(frozen=True, slots=True)
class _Run:
    """What every article's delivery shares: the layers, the output folder, the clients."""

    layers: Layers
    out_dir: Path
    dry_run: bool
    clients: dict[str, Any]
    say: Callable[[str], None]


def _run(sources: tuple[Path, ...], to: str, out: Path | None, dry_run: bool, jobs: int | None, quiet: bool,
         config_path: Path | None, cli: Layer) -> int:
    platforms = _platforms(to)
    file = project_file(config_path, sources)
    layers = Layers(file=file.layer, cli=cli)
    config = layers.config()
    load_theme(config.theme)
    clients = {} if dry_run else _clients(platforms, config)  # credentials checked before any work
    targets = articles(sources, config.root)
    out_dir = (out or file.out or Path("dist")).absolute()
    built: dict[str, dict[Path, Outcome]] = {}
    for group, layer in _builds(platforms, cli, config, dry_run):
        run = _build(targets, group, Layers(file=file.layer, cli=layer), out_dir, jobs or file.jobs, quiet)
        if run.interrupted:
            return 128 + run.interrupted
        for platform in group:
            built[platform] = {o.target.path: o for o in run.outcomes}
    say: Callable[[str], None] = (lambda _line: None) if quiet else click.echo
    shared = _Run(layers, out_dir, dry_run, clients, say)
    try:
        return _deliver_all(targets, platforms, built, config.strict, shared)
    except KeyboardInterrupt:
        click.echo("publish: interrupted — the drafts made so far are recorded; run again to finish", err=True)
        return 130


def _deliver_all(targets: list[Target], platforms: list[str], built: dict[str, dict[Path, Outcome]], strict: bool,
                 shared: _Run) -> int:
    """Each built article to each platform, in command-line order; the exit code."""
    failed = 0
    for index, target in enumerate(targets, 1):
        for platform in platforms:
            outcome = built[platform][target.path]
            if outcome.status == "failed" or (outcome.status == "skipped" and outcome.reason != "up to date"):
                failed += outcome.status == "failed"
                continue
            if strict and outcome.warnings:
                click.echo(f"{target.path}: error: {len(outcome.warnings)} warning(s) with --strict: no "
                           f"{PLATFORMS[platform]} draft is sent — fix them, or run without --strict", err=True)
                failed += 1
                continue
            try:
                message = _deliver(outcome, platform, shared)
            except DeliveryError as exc:
                stops_run = bool(getattr(exc, "stops_run", False))  # the account, not this article
                where = "publish" if stops_run else exc.location() if exc.path else target.path
                click.echo(f"{where}: error: {exc}", err=True)
                if stops_run:
                    return EXIT_FAILED  # nothing more is sent
                failed += 1
                continue
            if message is None:
                failed += 1
                continue
            shared.say(f"[{index}/{len(targets)}] {target.relative.as_posix()} → {PLATFORMS[platform]}: {message}")
    return EXIT_FAILED if failed else EXIT_OK


def _builds(platforms: list[str], cli: Layer, config: Config, dry_run: bool) -> list[tuple[list[str], Layer]]:
    """The builds the drafts need, each with its command-line layer: without --strict (applied
    to the warnings that matter, after the build), and, with an image host configured, WeChat's
    snippet without hosted URLs (a draft keeps only images on WeChat's own host, uploaded here)
    while dev.to's Markdown gets every image hosted (`--upload`, except in a dry run)."""
    base: Layer = {**cli, "strict": False}
    if config.images.host == "none":
        return [(platforms, base)]
    layers = {"wechat": {**base, "images": {**cli.get("images", {}), "host": "none"}},
              "devto": {**base, "upload": not dry_run}}
    return [([platform], layers[platform]) for platform in platforms]


def _build(targets: list[Target], platforms: list[str], layers: Layers, out_dir: Path, jobs: int | None,
           quiet: bool) -> batch.Run:
    """The platforms' formats built as `publish --to …` builds them, with its progress."""
    plan = batch.plan(batch.Request(targets=targets, formats=platforms, out_dir=out_dir, layers=layers,
                                    jobs=jobs or batch.default_jobs()))
    display = Progress(choose_mode(quiet), plan.total, single=plan.single)
    try:
        run = batch.run(plan, display.started, lambda outcome: display.finished(_for_drafts(outcome, platforms)))
    finally:
        display.close()
    run = dataclasses.replace(run, outcomes=tuple(_for_drafts(o, platforms) for o in run.outcomes))
    display.summary(run)
    return run


#: What the formats warn about for a paste that a draft takes care of: WeChat's local images are
#: uploaded to WeChat by `publish draft` itself.
_HANDLED = {"wechat": ("wechat-image",)}


def _for_drafts(outcome: Outcome, platforms: list[str]) -> Outcome:
    """An outcome of the build without the warnings the drafts make moot (see `_HANDLED`)."""
    moot = {kind for p in platforms for kind in _HANDLED.get(p, ())}
    return dataclasses.replace(outcome, diagnostics=tuple(d for d in outcome.diagnostics if d.kind not in moot))


def _platforms(to: str) -> list[str]:
    names = list(dict.fromkeys(n.strip().lower() for n in to.split(",") if n.strip()))
    unknown = [n for n in names if n not in PLATFORMS]
    if unknown or not names:
        raise UsageError(f"--to {to}: drafts go to {' and '.join(PLATFORMS)} only",
                         "use --to wechat, --to devto or --to wechat,devto")
    return names


def _clients(platforms: list[str], config: Config) -> dict[str, Any]:
    """One client per platform, with its credentials read from the environment now."""
    from publish.deliver import devto, http, wechat

    made: dict[str, Any] = {}
    if "wechat" in platforms:
        made["wechat"] = wechat.WechatClient(http.session(), wechat.Credentials.from_env(),
                                             _options(config, "wechat").api_base, http.session(read_retries=0))
    if "devto" in platforms:
        made["devto"] = devto.DevtoClient(http.session(), devto.api_key(), _options(config, "devto").api_base,
                                          http.session(read_retries=0))
    return made


def _options(config: Config, platform: str) -> Any:
    """The platform format's options record (its defaults when no layer sets any)."""
    from publish import exporters as registry

    record = config.exporters.get(platform)
    return record if record is not None else type(registry.load(platform)).options()  # type: ignore[attr-defined]


def _deliver(outcome: Outcome, platform: str, run: _Run) -> str | None:
    """One article to one platform; what was done, in a few words (the plan, with --dry-run);
    None when the article was refused before anything was sent (its errors are printed)."""
    target = outcome.target
    source = load(target.path, target.root, target.relative)
    config = run.layers.for_article(source)
    suffix = ".wechat.html" if platform == "wechat" else ".devto.md"
    text = next(p for p in outcome.formats[platform] if p.name.endswith(suffix)).read_text(encoding="utf-8")
    key = target.relative.as_posix()
    if platform == "devto":
        from publish.deliver import devto

        return devto.post(text, key, Drafts(run.out_dir), run.clients.get("devto"))
    from publish.deliver import wechat_draft

    options = _options(config, "wechat")
    ctx = wechat_draft.Context(
        resolver=Resolver.for_config(target.root, config), cache=UploadCache(run.out_dir),
        drafts=Drafts(run.out_dir), hosts=wechat_draft.hosts(_app_id(run)),
        strict=config.strict, draw_cover=_cover_drawer(source, config, options),
        cover_style=f"{options.theme} {options.primary_color}")
    fields = wechat_draft.fields(source, xref.page_url(source, config.site_url), options.open_comment)
    job = wechat_draft.plan(source, key, text, fields, ctx)
    for diagnostic in job.diagnostics:
        _warn(diagnostic)
    if run.dry_run:
        return "\n  ".join(wechat_draft.describe(job))
    if job.refused:  # each error is printed above: one line each
        return None
    _, done = wechat_draft.send(job, run.clients["wechat"], ctx, _warn)
    return f"{done} — in the draft box (草稿箱) at https://mp.weixin.qq.com"


def _app_id(run: _Run) -> str:
    """The account whose upload cache is read: the client's, or in a dry run the environment's
    (without it, every image shows as one to upload)."""
    from publish.deliver import wechat

    client = run.clients.get("wechat")
    return client.credentials.app_id if client is not None else os.environ.get(wechat.APP_ID_VAR, "").strip()


def _cover_drawer(source: Source, config: Config, options: Any) -> Callable[[str], Prepared]:
    """Draws the cover of an article without images, in its WeChat theme's colours and fonts."""
    def draw(title: str) -> Prepared:
        from publish.deliver import images
        from publish.exporters.snippet import theme
        from publish.render import fonts

        colours = theme.colours(options.theme, options.primary_color)
        family = fonts.css_family(fonts.stack(source.metadata.language, "sans", fallback=config.cjk_fallback))
        return images.cover(title, colours, family, Resolver.for_config(source.root, config))

    return draw


def _warn(diagnostic: Diagnostic) -> None:
    click.echo(str(diagnostic), err=True)
