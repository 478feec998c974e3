"""What WeasyPrint (and fontTools under it) logged while making an article's PDF, as our warnings.

WeasyPrint logs what it recovers from: an image it could not load, a link to an anchor that does
not exist, a CSS declaration it ignores. Each becomes one warning at the article line it is about,
unless it was said already (normalize checks anchors and images, our fetcher reports what it
refuses, the PDF's font check names characters no font has) or it is about our own page template
and stylesheets, which the writer cannot change. Only the article's own diagnostics (the source
stages') are consulted, never another format's: each format reports for itself.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Collection, Iterable

from publish.engines.weasyprint.fetch import reference
from publish.engines.weasyprint.rooted import ROOT_SCHEME
from publish.model import Article, Diagnostic
from publish.runtime import library_logs
from publish.runtime.diagnostics import mentioned
from publish.runtime.library_logs import Logged, quoted

_ANCHOR = re.compile(r"No anchor #(\S+) for internal URI reference")
_TWICE = re.compile(r"Anchor defined twice: '([^']+)'")
_IMAGE = re.compile(r"Failed to load image at '([^']*)'")
_NOTDEF = re.compile(r'\.notdef glyph rendered .*: "(.+)" \((U\+[0-9A-F]+)\)')
_CSS = re.compile(r"Ignored `([^`:]+)\s*:")


def warnings(logged: Iterable[Logged], article: Article, label: str = "PDF",
             known: Collection[str] = ()) -> list[Diagnostic]:
    """One warning per record that tells the writer something new about the article, worded for
    the format `label` names; `known` are the characters (`U+30000`) the format named already."""
    found: list[Diagnostic] = []
    for record in logged:
        if record.library != "weasyprint":
            found += library_logs.diagnostics([record], article.source, label)
        elif (warning := _weasyprint(record, article, label, known)) is not None:
            found.append(warning)
    return found


def _weasyprint(record: Logged, article: Article, label: str, known: Collection[str]) -> Diagnostic | None:
    message = re.sub(r"""(['"])""" + ROOT_SCHEME, r"\1", record.message).rstrip(": ")
    if "ResourceRefused" in message:
        return None  # the fetcher's `on_refused` has reported it, with the reason
    source = article.source

    def warning(text: str, fix: str, line: int | None, kind: str, subject: str) -> Diagnostic:
        return Diagnostic(article.path, line, "warning", f"{label}: {text}", fix, kind=kind, subject=subject)

    if anchor := _ANCHOR.search(message) or _TWICE.search(message):
        name = "#" + anchor.group(1)
        if mentioned(article.diagnostics, name):
            return None  # normalize's missing-anchor or duplicate-id warning
        if anchor.re is _TWICE:
            return warning(f"the id {name} is used more than once", "give each heading or element its own id",
                           source.line_of(anchor.group(1)), "duplicate-id", name)
        return warning(f"link to a missing anchor {name}", "fix the anchor or remove the link",
                       source.line_of(name), "missing-anchor", name)
    if glyph := _NOTDEF.search(message):
        if glyph.group(2) in known:
            return None  # the exporter's own check named it before rendering
        return warning(f"no installed font has {glyph.group(2)} ({glyph.group(1)}); it prints as a box",
                       "install a font that has it (fonts-noto-cjk for CJK), or set body_font",
                       source.line_of(glyph.group(1)), "missing-glyphs", glyph.group(2))
    if "alt description" in message:
        name = _quoted(message)
        return warning(message, "describe the image for screen readers: ![what it shows](file)",
                       source.line_of(f"![]({name}", name), "missing-alt", name)
    if image := _IMAGE.search(message):  # raw <img> arrive as file:// URLs: say what the writer wrote
        name = reference(image.group(1), article.path.parent)
        message = message.replace(image.group(1), name)
        return warning(message, "check the file WeasyPrint names: is it a PNG, JPEG, GIF, WebP or SVG image?",
                       source.line_of(name), "broken-image", name)
    line = source.line_of(*quoted(message))
    if record.level < logging.ERROR and not _the_writers(message, line, article):
        return None  # about our page template or stylesheet: nothing the writer can do
    if css := _CSS.search(message):
        return warning(message, "WeasyPrint does not support it: remove it, or accept that the PDF "
                       "differs from the HTML page here", line, "pdf-css", css.group(1).strip())
    return warning(message, "check this part of the PDF; the HTML page shows what was meant",
                   line, library_logs.KIND, record.library)


def _the_writers(message: str, line: int | None, article: Article) -> bool:
    """Whether a WeasyPrint warning is about the article: a CSS declaration only when the writer
    put it in a `style` attribute, anything else when the article holds what it quotes."""
    css = _CSS.search(message)
    if css is None:
        return line is not None
    pattern = r"style\s*=\s*['\"][^'\"]*\b" + re.escape(css.group(1).strip()) + r"\s*:"
    return re.search(pattern, article.source.body) is not None


def _quoted(message: str) -> str:
    match = re.search(r"""['"]([^'"]+)['"]""", message)
    return match.group(1) if match else ""
