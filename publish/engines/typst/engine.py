"""The Typst engine of the PDF format: clean AST → pandoc's Typst writer → our template → Typst.

Typst compiles in a temporary folder holding only `main.typ`, the theme's `typst/` files and
the images the resolver handed over (`staging`), so nothing else on the machine is readable by
the document. A compile error on a writer's document is an `ExportError` with the source
line we can find, never a traceback.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from publish.config.themes import Theme, load_theme
from publish.engines.options import PdfOptions
from publish.engines.typst import clean, compiler, inputs
from publish.engines.typst.staging import Stage
from publish.errors import ExportError
from publish.exporters import ExportContext
from publish.model import Article
from publish.pandoc import command
from publish.render import fonts, mathml

#: The theme's folder for Typst: `article.typ` (the PDF's page), `picture.typ` (the cards' and
#: long image's) and what they use (`highlight.tmTheme`). Each template file defines the function
#: of its name, which main.typ shows the body with.
TEMPLATE = "typst"
#: `idiomatic`: code blocks keep their language for Typst's own highlighter (`none` would drop it).
_WRITER = ["--from=json", "--to=typst", "--wrap=none", "--syntax-highlighting=idiomatic"]
_UNCONVERTED = re.compile(r"Could not convert TeX math (.+?), rendering as TeX", re.DOTALL)
_WORDS = re.compile(r"[^\W_]{4,}")


def export(article: Article, ctx: ExportContext, options: PdfOptions) -> bytes:
    """The PDF of `article` laid out by Typst."""
    variant = compiler.standards(options.variant)

    def data(stage: Stage, known: frozenset[str]) -> str:
        return inputs.build(article, options, ctx.config.toc, stage, known, ctx.config.cjk_fallback)

    return typeset(article, ctx, "article", data, variant=variant,
                   tags=options.tags or variant in compiler.TAGGED)


#: What `typeset` asks for the template's input, once the images are staged and the fonts known.
Inputs = Callable[[Stage, frozenset[str]], str]


def typeset(article: Article, ctx: ExportContext, template: str, data: Inputs, *, variant: list[str] | None = None,
            tags: bool = False, voice: clean.Voice = clean.PDF) -> bytes:
    """`article` laid out by Typst as PDF bytes: the body from pandoc's Typst writer, shown with
    the function `template` of `<template>.typ`, `data(stage, known fonts)` as its `sys.inputs`
    (read by the template as `meta`). Warnings and errors speak as `voice` (the PDF, or a picture
    format that lays out with Typst)."""
    # The template reads its input from `sys.inputs` (see `inputs`), never from spliced markup.
    preamble = (f'#import "{template}.typ": {template}, horizontalrule, publish-cjk, publish-image, publish-meta\n'
                f"#show: {template}.with(publish-meta)\n")
    stage = Stage()
    ast = clean.for_typst(article, ctx, stage, voice)
    try:
        written = command.pandoc_output(json.dumps(ast, ensure_ascii=False), _WRITER, ctx.config.pandoc_timeout)
    except command.PandocFailed as exc:
        raise ExportError(voice.format, article.path, f"pandoc could not write Typst: {exc}",
                          "run `publish doctor` to check the pandoc installation") from exc
    body = written.text
    for warning in written.warnings:  # a formula texmath cannot read stays as its TeX
        found = _UNCONVERTED.search(warning)
        if found:
            problem = mathml.unrendered(article.source, found.group(1))
            ctx.warn(article, problem.message, problem.fix, line=problem.line, kind=problem.kind,
                     subject=problem.subject)
    main = preamble + body
    with tempfile.TemporaryDirectory(prefix="publish-typst-") as tmp:
        root = Path(tmp)
        stage.write(root)
        for part in _template(ctx.theme, template).iterdir():
            if part.is_file():
                shutil.copyfile(part, root / part.name)
        known = compiler.families(r for r in (fonts.cjk_region(article.metadata.language),
                                              ctx.config.cjk_fallback) if r)
        while True:
            (root / "main.typ").write_text(main, encoding="utf-8")
            try:
                pdf, warnings = compiler.compile_pdf(root, {"publish": data(stage, known)}, variant or [], tags)
                break
            except compiler.CompileFailed as failed:
                broken = {key: why for key, image in stage.images.items()
                          if (why := compiler.undecodable(root, image.path)) is not None}
                if not broken:
                    raise _error(article, main, failed, voice) from None
            for key, why in broken.items():  # print their alt text instead, and try again
                image = stage.images.pop(key)
                ctx.warn(article, f"{voice.label}: image {image.ref!r} could not be read ({why}); its alt "
                         "text is printed instead", "check the file, or convert it to PNG",
                         line=article.source.line_of(image.ref), kind="broken-image", subject=image.ref)
    for warning in warnings:
        ctx.warn(article, f"{voice.label} (Typst): {warning}", "check the construct near it in the source",
                 subject="typst")
    return pdf


def warm_up() -> None:
    """Import `typst` and scan the fonts before the first article."""
    compiler.warm_up()


def _template(theme: Theme, template: str) -> Path:
    """The theme's Typst folder, or the default theme's when it lacks `<template>.typ` (a theme
    that restyles only the PDF's `article.typ` keeps the default pictures)."""
    path = theme.root / TEMPLATE
    return path if (path / f"{template}.typ").is_file() else load_theme().root / TEMPLATE


def _error(article: Article, main: str, failed: compiler.CompileFailed, voice: clean.Voice) -> ExportError:
    """Typst's message, with the source line holding the words of the line Typst stopped at."""
    line = None
    if failed.line is not None:
        lines = main.splitlines()
        text = lines[failed.line - 1] if failed.line <= len(lines) else ""
        for word in sorted(_WORDS.findall(text), key=len, reverse=True):
            line = article.source.line_of(word)
            if line is not None:
                break
    hints = "".join(f"{hint}; " for hint in failed.hints)
    where = "on this line" if line is not None else "Typst names"
    return ExportError(voice.format, article.path, f"Typst cannot lay this article out: {failed.message}",
                       f"{hints}rewrite the construct {where}, or use --pdf-engine weasyprint", line)
