"""The guard: every output's text is checked against its source's words before anything is written.

A converter that writers trust must never drop their words quietly (mdformat refuses to write a
file whose meaning changed; we refuse to stay silent). `verify` reads each output back as a
reader would see it (`readers`), takes the words the source means to show (`expected`), and reports
the runs of words an output lacks (`match`): one warning per format, naming the source lines and
what they are. With `--strict` the pipeline turns them into a failure and writes nothing. The
same reading shows math left as raw TeX (`unrendered`), reported the same way.

Exporters say how their output is read by defining `text(output) -> str`; without it the output
is read as HTML (the main file, `<stem><suffix>`), which fits every HTML-like format.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import TYPE_CHECKING

from publish.model import Article, Diagnostic
from publish.verify import expected, match, readers, unrendered

if TYPE_CHECKING:
    from publish.exporters import Exporter, Output

#: A lost run this long is always reported (a sentence, a list item, a table row).
MIN_RUN = 20
#: Below `MIN_RUN`, scattered losses are reported once they add up to this share of the article.
MAX_SHARE = 0.005
KIND = "lost-text"


def read_text(exporter: Exporter, output: Output) -> str:
    """The text a reader of `output` sees, by the exporter's own `text` or as HTML."""
    reader = getattr(exporter, "text", None)
    if callable(reader):
        return str(reader(output))
    main = output if isinstance(output, bytes) else output[exporter.suffix]
    return readers.html_text(main)


def verify(article: Article, produced: Sequence[tuple[Exporter, Output]]) -> list[Diagnostic]:
    """One warning per output that lost a run of `MIN_RUN` letters or `MAX_SHARE` of the article."""
    lines = _expected(article.body)
    total = sum(line.size for line in lines)
    found: list[Diagnostic] = []
    # Every format carries the title in a place of its own (the platform's title field for a
    # snippet), and a body heading that repeats it may have been taken up into it.
    title = readers.letters(article.metadata.title) + "\n"
    for exporter, output in produced:
        text = read_text(exporter, output)
        if not getattr(exporter, "math_as_tex", False):
            found.extend(_unrendered(article, exporter, unrendered.excess(article, text)))
        lost = match.runs(lines, title + readers.letters(text))
        shown = [run for run in lost if run.size >= MIN_RUN]
        size = sum(run.size for run in lost)
        if not shown and size > MAX_SHARE * total:
            shown = lost
        if shown:
            found.append(_warning(article, exporter, shown, size, len(lost)))
    return found


@functools.lru_cache(maxsize=2)
def _expected(body: str) -> tuple[expected.Line, ...]:
    """The source's words, read once per body: a book guards each format as soon as it is made."""
    return tuple(expected.lines(body))


def _warning(article: Article, exporter: Exporter, runs: list[match.Run], size: int,
             count: int) -> Diagnostic:
    offset = article.source.body_line - 1
    spans = [f"{_span(run.first + offset, run.last + offset)}: {run.kind}" for run in runs[:3]]
    more = f"; and {len(runs) - 3} more" if len(runs) > 3 else ""
    places = "" if count == 1 else f" in {count} places"
    label = getattr(exporter, "label", f"the {exporter.name} output")
    first = runs[0]
    return Diagnostic(
        article.path, first.first + offset, "warning",
        f"{label} lost {size} characters{places} (lines {'; '.join(spans)}{more})",
        "check these lines in the output; write the construct as plain Markdown, "
        "or report it as a publish bug with the lines",
        end_line=first.last + offset, kind=KIND, formats=(exporter.name,))


def _unrendered(article: Article, exporter: Exporter, marks: list[str]) -> list[Diagnostic]:
    """One warning when the output shows raw TeX, at the first prose line that holds some."""
    if not marks:
        return []
    where = unrendered.lines(article)
    shown = ", ".join(dict.fromkeys(marks))
    listed = ", ".join(map(str, where[:5])) + (", …" if len(where) > 5 else "")
    at = f" (line{'s' if len(where) > 1 else ''} {listed})" if where else ""
    label = getattr(exporter, "label", f"the {exporter.name} output")
    return [Diagnostic(article.path, where[0] if where else None, "warning",
                       f"{label} shows math as raw TeX: {shown}{at}",
                       "write the formula between $…$ or $$…$$ (blank-free just inside the dollars), "
                       "or report it as a publish bug with the lines",
                       kind=unrendered.KIND, subject=shown, formats=(exporter.name,))]


def _span(first: int, last: int) -> str:
    return str(first) if first == last else f"{first}–{last}"
