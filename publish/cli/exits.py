"""Exit codes, and `exit_code`: a `PublishError` becomes one `path:line: error: what — fix` line."""

from __future__ import annotations

from collections.abc import Callable

import click

from publish.errors import PublishError, UsageError

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def exit_code(action: Callable[[], int]) -> int:
    """Run an action, turning `PublishError` into one error line and its exit code (2 for a
    usage error: the command line or the configuration, found before any article is converted)."""
    try:
        return action()
    except PublishError as exc:
        click.echo(f"{exc.location()}: error: {exc}", err=True)
        return EXIT_USAGE if isinstance(exc, UsageError) else EXIT_FAILED
