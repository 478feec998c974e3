"""The `typst` package, driven: fonts found once per process, one compile per article.

Everything that touches the `typst` API lives here, imported lazily (the HTML, EPUB and WeChat
formats and the WeasyPrint engine never pay for it).
"""

from __future__ import annotations

import ctypes
import functools
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from publish.engines.typst import subsets
from publish.errors import UsageError
from publish.render import fonts

if TYPE_CHECKING:
    from typst import PDFStandards

#: The PDF standards Typst writes, by the names `--pdf-variant` uses for WeasyPrint's.
VARIANTS = {f"pdf/{name}": name for name in (
    "a-1a", "a-1b", "a-2a", "a-2b", "a-2u", "a-3a", "a-3b", "a-3u", "a-4", "a-4e", "a-4f", "ua-1")}

#: Standards that require a tagged PDF (Typst refuses `pdf_tags=False` with them).
TAGGED = (["a-1a"], ["a-2a"], ["a-3a"], ["ua-1"])

_WHERE = re.compile(r"main\.typ:(\d+):(\d+)")


@dataclass(frozen=True, slots=True)
class CompileFailed(Exception):
    """Typst refused the document: its message, hints, and where in main.typ (line, column)."""

    message: str
    hints: tuple[str, ...]
    line: int | None
    column: int | None


def standards(variant: str | None) -> list[str]:
    """Typst's name for `--pdf-variant`; a usage error naming the ones Typst has otherwise."""
    if variant is None:
        return []
    if variant not in VARIANTS:
        raise UsageError(f"PDF variant '{variant}' is not one the Typst engine writes",
                         f"use one of {', '.join(VARIANTS)}, or --pdf-engine weasyprint")
    return [VARIANTS[variant]]


#: The regions whose Noto CJK faces this process has had cut (`subsets`), or found cut.
_CUT: set[str] = set()


@functools.cache
def _fonts() -> Any:
    """The system fonts, the ones in the wheel and the cut CJK faces, scanned once per process
    (the scan is slow) and again only when a face was cut for the first time on this machine."""
    import typst

    cut = subsets.folder()
    return typst.Fonts(include_system_fonts=True, include_embedded_fonts=True,
                       font_paths=[str(cut)] if cut is not None and cut.is_dir() else [])


def families(regions: Iterable[str] = ()) -> frozenset[str]:
    """Every font family Typst can use here, with the Noto CJK faces of `regions` (SC, TC, HK,
    JP, KR) cut to their common characters first, if they are not yet."""
    wanted = set(regions) - _CUT
    if wanted:
        _CUT.update(wanted)
        if subsets.cut(_fonts().fonts(), wanted):
            _fonts.cache_clear()
            _compiler.cache_clear()
    return frozenset(_fonts().families())


#: A page that makes Typst load the faces most articles use (Chinese serif and sans, bold,
#: monospace, Latin): their first use costs parsing time (more for an uncut face), paid here.
_WARM_UP = ('#set text(font: ("Noto Serif CJK SC Common", "Noto Serif CJK SC", "DejaVu Serif"), lang: "zh")\n'
            "= 标题 Title\n中文 Latin *粗体 bold* `code()`\n"
            '#text(font: ("Noto Sans CJK SC Common", "Noto Sans CJK SC"), weight: "bold")[标题]\n').encode()


def warm_up() -> None:
    """Import `typst`, scan the fonts (cutting the SC faces once per machine) and load the common
    faces, as the first compile would."""
    import typst

    families([fonts.DEFAULT_CJK_FALLBACK])
    try:
        _compiler().compile(input=_WARM_UP, format="pdf", sys_inputs={}, pdf_tags=False, timestamp=0)
    except typst.TypstError:
        pass  # a machine without these fonts: nothing to warm


@functools.cache
def _compiler() -> Any:
    """One compiler per process, its root given per compile: Typst's caches carry over from one
    article to the next (the template, the fonts' shaping data), so later compiles are cheaper."""
    import typst

    return typst.Compiler(font_paths=_fonts())


def compile_pdf(root: Path, inputs: dict[str, str], variant: list[str], tags: bool) -> tuple[bytes, list[str]]:
    """`root/main.typ` as PDF bytes, and Typst's warnings; raises `CompileFailed`.

    Only files below `root` can be read by the document. The creation date comes from the
    document itself (the template sets it), so the bytes depend on nothing but the input.
    """
    import typst

    _forget_if_large()
    try:
        pdf, warnings = _compiler().compile_with_warnings(
            input=str(root / "main.typ"), root=str(root), format="pdf", sys_inputs=inputs,
            pdf_standards=cast("PDFStandards", variant), pdf_tags=tags, timestamp=0)
    except typst.TypstError as exc:
        where = _WHERE.search(str(getattr(exc, "diagnostic", "")))
        raise CompileFailed(str(getattr(exc, "message", exc)), tuple(getattr(exc, "hints", []) or []),
                            int(where.group(1)) if where else None,
                            int(where.group(2)) if where else None) from None
    assert isinstance(pdf, bytes)
    if (root / "main.typ").stat().st_size > LARGE:
        _LARGE_KEPT.append(True)
    return pdf, [str(getattr(w, "message", w)) for w in warnings]


#: Typst source above this size is forgotten after its compile, before the next (`_forget`): about as long as the
#: Markdown it came from, so only long articles pay for the forgetting.
LARGE = 48 * 1024
#: How many compiles typst-py keeps Typst's memoized results for (`comemo::evict(10)` after each).
_KEPT_FOR = 10
#: Not empty while a large document's results are kept: forgotten before the next compile, so a
#: process that compiles one book and exits never pays for the forgetting.
_LARGE_KEPT: list[bool] = []


def _forget_if_large() -> None:
    if _LARGE_KEPT:
        _LARGE_KEPT.clear()
        _forget()


def _forget() -> None:
    """Age a large document's memoized layout out of Typst's cache, and give the memory back.

    typst-py keeps each compile's results for the next ten compiles, which for a long article is a
    lot of memory: its PDF, cards and long image, compiled in one process, would all be held at
    once. Ten empty compiles (cheap next to compiling such an article) age them out, and glibc's
    `malloc_trim` hands the freed pages back to the system.
    """
    for _ in range(_KEPT_FOR + 1):
        _compiler().compile(input=b"", format="svg", sys_inputs={}, timestamp=0)
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass  # not glibc: the memory is freed, only not handed back to the system


def undecodable(root: Path, path: str) -> str | None:
    """Why Typst cannot draw the image at `path` (below `root`), or None when it can.

    A decoding error is reported where the template calls `image()`, not where the article
    shows the picture; asking about each image alone tells which one it was.
    """
    import typst

    _forget_if_large()
    try:
        _compiler().compile(input=f"#image({json.dumps(path)})".encode(), root=str(root), format="pdf",
                            sys_inputs={}, pdf_tags=False, timestamp=0)
    except typst.TypstError as exc:
        return str(getattr(exc, "message", exc))
    return None
