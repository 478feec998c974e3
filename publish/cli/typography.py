"""`publish check --typography` and `publish fix`: autocorrect's typography fixes, listed or
written into the sources (`publish.normalize.typography`).

Both read each file as it is on disk and look at its body only (never the front matter), and
skip a file that `.autocorrectignore` leaves out. Neither starts pandoc: a pre-commit hook on a
hundred posts stays fast.
"""

from __future__ import annotations

import difflib
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import click

from publish.cli import main
from publish.cli.exits import EXIT_FAILED, EXIT_OK, exit_code
from publish.cli.flags import project_file
from publish.config.files import Layer, Layers
from publish.errors import PublishError, SourceError
from publish.model import Diagnostic
from publish.normalize import autocorrect_config, typography
from publish.runtime import diagnostics
from publish.source import front_matter
from publish.source.discover import expand
from publish.source.rewrite import SourceText


@dataclass(frozen=True, slots=True)
class _Checked:
    """One file: its text, the fixed text, and the fixes as findings (or the error that stopped it)."""

    path: Path
    source: SourceText | None = None
    fixed: str = ""
    found: tuple[Diagnostic, ...] = ()


def lint(sources: tuple[Path, ...], config_path: Path | None, cli: Layer) -> int:
    """`check --typography`: one warning per fix, the usual summary, `check`'s exit code."""
    config = Layers(file=project_file(config_path, sources).layer, cli=cli).config()
    counts = {"error": 0, "warning": 0}
    checked = 0
    for result in _check(sources, config.root, config.indented_prose):
        checked += 1
        for diagnostic in result.found:
            click.echo(str(diagnostic))
            counts[diagnostic.severity] = counts.get(diagnostic.severity, 0) + 1
    click.echo(f"checked {checked} file(s): {counts['error']} error(s), {counts['warning']} warning(s), "
               f"0 notice(s)")
    return EXIT_FAILED if counts["error"] or (config.strict and counts["warning"]) else EXIT_OK


@main.command()
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--dry-run", is_flag=True, help="Print the fixes as a unified diff; write nothing.")
@click.option("--config", "config_path", type=click.Path(path_type=Path, dir_okay=False, exists=True),
              help="Config file.  [default: publish.toml or pyproject.toml [tool.publish], found upwards]")
@click.option("--no-indented-prose", "indented_prose", flag_value=False, default=True,
              help="Keep indented blocks as code (no prose detection).")
def fix(sources: tuple[Path, ...], dry_run: bool, config_path: Path | None, indented_prose: bool) -> None:
    """Make the typography fixes of `publish check --typography` in SOURCES, in place.

    Spaces between CJK and Latin or digits, full-width punctuation in Chinese sentences and
    half-width in English ones, in the prose only (code, URLs, math, raw HTML, template tags
    and front matter stay as written); each file keeps its encoding, BOM and line endings.
    """
    cli: Layer = {} if indented_prose else {"indented_prose": False}
    sys.exit(exit_code(lambda: _fix(sources, dry_run, config_path, cli)))


def _fix(sources: tuple[Path, ...], dry_run: bool, config_path: Path | None, cli: Layer) -> int:
    config = Layers(file=project_file(config_path, sources).layer, cli=cli).config()
    failed = fixed = 0
    for result in _check(sources, config.root, config.indented_prose):
        errors = [d for d in result.found if d.severity == "error" or d.line is None]
        for diagnostic in errors:
            click.echo(str(diagnostic), err=True)
        failed += any(d.severity == "error" for d in errors)
        if result.source is None or result.fixed == result.source.text:
            continue
        fixed += 1
        shown = diagnostics.shown(result.path)
        if dry_run:
            before = result.source.text.splitlines(keepends=True)
            after = result.fixed.splitlines(keepends=True)
            click.echo("".join(difflib.unified_diff(before, after, f"a/{shown}", f"b/{shown}")), nl=False)
        else:
            result.source.write(result.fixed)
            click.echo(f"{shown}: {len(result.found) - len(errors)} fix(es)", err=True)
    if not dry_run:
        click.echo(f"fixed {fixed} file(s)" + (f", {failed} could not be read" if failed else ""), err=True)
    return EXIT_FAILED if failed else EXIT_OK


def _check(sources: tuple[Path, ...], root: Path | None, indented_prose: bool) -> Iterator[_Checked]:
    # one source at a time: two files with one name clash as outputs of a build, not here
    for target in (t for given in sources for t in expand([given], root)):
        if autocorrect_config.ignored(target.path):
            continue
        try:
            yield _check_file(target.path, indented_prose)
        except PublishError as exc:
            where = exc.path if isinstance(exc, SourceError) else target.path
            line = exc.line if isinstance(exc, SourceError) else None
            yield _Checked(target.path, found=(Diagnostic(diagnostics.shown(where), line, "error",
                                                          exc.what, exc.fix),))


def _check_file(path: Path, indented_prose: bool) -> _Checked:
    source = SourceText.read(path)
    try:
        split = front_matter.split(source.text)
    except front_matter.FrontMatterError as exc:
        raise SourceError(path, exc.message, exc.fix, exc.line) from exc
    _, problem = autocorrect_config.use(path)
    conflict = (Diagnostic(diagnostics.shown(path), None, "warning", problem, typography.CONFLICT_FIX),
                ) if problem else ()
    body_start = len(source.text) - len(split.body)
    changes = typography.edits(split.body, indented_prose=indented_prose)
    shown = diagnostics.shown(path)
    found = conflict + tuple(Diagnostic(shown, c.line, "warning", c.message, c.fix, kind="typography", column=c.column)
                  for c in typography.corrections(split.body, changes, split.body_line))
    title = split.fields.get("title")
    pins = [pin for pin in typography.pinned_ids(split.body, changes, title if isinstance(title, str) else "")
            if re.search(rf"\]\(#{re.escape(pin.new[3:-1])}\)", split.body)]  # linked from the article
    fixed = typography.apply(split.body, sorted([*changes, *pins], key=lambda e: (e.start, e.end)))
    return _Checked(path, source, source.text[:body_start] + fixed, found)
