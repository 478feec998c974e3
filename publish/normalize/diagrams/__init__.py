"""```mermaid and ```dot / ```graphviz blocks become pictures: an ordinary local image for every format.

Each diagram is rendered once per content (`renderers`), made safe (`svg`), drawn as a PNG twin
(`png`) and kept in the generated-pictures store (`publish.runtime.generated`), shared by every
run and article. The code block is replaced by an `Image` named `diagram:<hash>.svg`, marked
like any checked local image (`xref.IMAGE_ATTR`), with the diagram's labels as its alt text: so
the page, the EPUB and both PDF engines draw the SVG (its labels stay text), and the paste targets
take its PNG (`generated.raster`) through their usual image handling, image host included.

A diagram never stops the article: a renderer that is missing, a syntax error or a timeout keeps
the block as code with one warning.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from publish.errors import PublishError
from publish.model import PandocAst
from publish.normalize import xref
from publish.normalize.diagrams import png, renderers, svg
from publish.pandoc.nodes import splice, walk
from publish.runtime import generated
from publish.runtime.atomic import write_atomic

if TYPE_CHECKING:
    from publish.normalize import Context

#: Code block classes that are diagrams, and the renderer that draws them.
KINDS = {"mermaid": "mermaid", "dot": "graphviz", "graphviz": "graphviz"}
#: Seconds one diagram may take (the first Mermaid one starts the browser: a few seconds on a slow machine).
TIMEOUT = 60.0
#: Changes when what is stored for a diagram changes (the sanitizer, the PNG), so the cache follows;
#: the renderer's version and settings are in the key already.
FORMAT = "2"
ALT_LIMIT = 300
_FENCE = re.compile(r"^[ \t]*(?:`{3,}|~{3,})[ \t]*\{?[ \t]*\.?(mermaid|dot|graphviz)\b", re.MULTILINE | re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Drawn:
    """A rendered diagram: its SVG reference in the store and its labels."""

    ref: str
    labels: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Kept:
    """A diagram kept as code: why, what to do, and the diagram's own line if the renderer said."""

    message: str
    fix: str
    line: int | None = None


def kind_of(node: dict[str, Any]) -> str | None:
    """The renderer a code block asks for, or None when it is not a diagram."""
    if node["t"] != "CodeBlock":
        return None
    classes = node["c"][0][1]
    return KINDS.get(classes[0].lower()) if classes else None


def run(ast: PandocAst, ctx: Context) -> PandocAst:
    """Replace every diagram block by its picture; keep the ones that cannot be drawn, with a warning."""
    blocks = [node for node in walk(ast["blocks"]) if kind_of(node)]
    if not blocks:
        return ast
    wanted = list(dict.fromkeys((kind_of(node) or "", node["c"][1]) for node in blocks))
    results = draw_all(wanted)
    lines = _fence_lines(ctx, len(blocks))
    order = iter(range(len(blocks)))

    def replace(node: dict[str, Any]) -> list[dict[str, Any]] | None:
        kind = kind_of(node)
        if kind is None:
            return None
        index = next(order)
        result = results[(kind, node["c"][1])]
        if isinstance(result, Drawn):
            return [_picture(result, kind)]
        fence = lines[index] if lines else ctx.source.line_of(node["c"][1].split("\n", 1)[0])
        line = fence + result.line if fence is not None and result.line is not None else fence
        ctx.report("warning", f"{_NAMES[kind]} diagram kept as code: {result.message}", result.fix, line=line,
                   kind="diagram", subject=_NAMES[kind])
        return [node]

    drawn: PandocAst = splice(ast, replace)
    return drawn


_NAMES = {"mermaid": "Mermaid", "graphviz": "Graphviz"}


def draw_all(wanted: Iterable[tuple[str, str]]) -> dict[tuple[str, str], Drawn | Kept]:
    """Each (kind, code) from the store, or rendered: all of a kind in one call to its renderer."""
    results: dict[tuple[str, str], Drawn | Kept] = {}
    todo: dict[str, list[str]] = {}
    found: dict[str, renderers.Renderer] = {}
    for kind, code in wanted:
        if kind not in found:
            try:
                found[kind] = renderers.find(kind)
            except renderers.Unavailable as missing:
                results[(kind, code)] = Kept(str(missing), missing.fix)
                continue
        stored = _stored(found[kind], code)
        if stored is None:
            todo.setdefault(kind, []).append(code)
        else:
            results[(kind, code)] = stored
    for kind, codes in todo.items():
        renderer = found[kind]
        digests = [_digest(renderer, code) for code in codes]
        drawings = renderer.render_all([(code, f"diagram-{d[:12]}") for code, d in zip(codes, digests, strict=True)],
                                       TIMEOUT)
        for code, digest, drawing in zip(codes, digests, drawings, strict=True):
            results[(kind, code)] = _keep(renderer, digest, drawing)
    return results


def draw(renderer: renderers.Renderer, code: str) -> Drawn | Kept:
    """One diagram from the store, else rendered, cleaned and stored with its PNG twin."""
    stored = _stored(renderer, code)
    if stored is not None:
        return stored
    digest = _digest(renderer, code)
    return _keep(renderer, digest, renderer.render_all([(code, f"diagram-{digest[:12]}")], TIMEOUT)[0])


def _digest(renderer: renderers.Renderer, code: str) -> str:
    key = [FORMAT, renderer.kind, renderer.identity, renderers.SETTINGS[renderer.kind], code]
    return hashlib.sha256(json.dumps(key).encode()).hexdigest()


def _stored(renderer: renderers.Renderer, code: str) -> Drawn | Kept | None:
    """The picture (or the refusal) the store holds for this diagram, else None."""
    digest = _digest(renderer, code)
    svg_ref, png_ref = generated.ref(digest, ".svg"), generated.ref(digest, ".png")
    svg_path, png_path = generated.path_of(svg_ref), generated.path_of(png_ref)
    if svg_path is not None and png_path is not None and svg_path.is_file() and png_path.is_file():
        try:
            return Drawn(svg_ref, svg.clean(svg_path.read_bytes()).labels)
        except (OSError, svg.NotSvg):
            pass  # a damaged cache file: render again
    refused = _refusal(digest)
    return None if refused is None else Kept(refused.message, _FIXES[renderer.kind], refused.line)


def _keep(renderer: renderers.Renderer, digest: str, drawing: renderers.Drawing) -> Drawn | Kept:
    """A renderer's answer cleaned and stored with its PNG twin (a refusal remembered), or why not."""
    if isinstance(drawing, renderers.Failed):
        if not drawing.transient:  # a syntax error stays one; a timeout or a crash may pass next time
            _remember(digest, Refusal(str(drawing), drawing.line))
        return Kept(str(drawing), _FIXES[renderer.kind], drawing.line)
    try:
        cleaned = svg.clean(drawing)
    except svg.NotSvg as bad:
        return Kept(f"the renderer's output is not an SVG ({bad})", _FIXES[renderer.kind])
    if cleaned.lost:
        return Kept(f"its labels are HTML, which only a browser draws ({cleaned.lost[:60]!r})",
                    "leave htmlLabels at its default (false), or use a diagram type whose labels are text")
    svg_ref, png_ref = generated.ref(digest, ".svg"), generated.ref(digest, ".png")
    try:
        picture = png.png(cleaned.data, cleaned.width)
        generated.store({svg_ref: cleaned.data, png_ref: picture})
    except (PublishError, RuntimeError) as exc:
        return Kept(f"the picture could not be stored ({exc})", f"check that {generated.folder()} is writable")
    return Drawn(svg_ref, cleaned.labels)


@dataclass(frozen=True, slots=True)
class Refusal:
    """What the renderer said about a diagram it refused, kept so that the next run (a save in
    `publish serve`, another article) does not start a browser to hear it again."""

    message: str
    line: int | None


def _refusal(digest: str) -> Refusal | None:
    try:
        data = json.loads(generated.failure_path(digest).read_text(encoding="utf-8"))
        return Refusal(str(data["message"]), data["line"] if isinstance(data["line"], int) else None)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _remember(digest: str, refusal: Refusal) -> None:
    try:
        write_atomic({generated.failure_path(digest): json.dumps(
            {"message": refusal.message, "line": refusal.line}).encode("utf-8")})
    except PublishError:
        pass  # a store that cannot be written only costs the next run a render


_FIXES = {"mermaid": "fix the diagram's syntax (the Mermaid Live Editor shows the error as you type)",
          "graphviz": "fix the graph's DOT syntax"}


def _picture(drawn: Drawn, kind: str) -> dict[str, Any]:
    """A paragraph holding the diagram's image (no caption: a diagram has none unless written)."""
    alt = "; ".join(drawn.labels) or f"{_NAMES[kind]} diagram"
    if len(alt) > ALT_LIMIT:
        alt = alt[:ALT_LIMIT - 1] + "…"
    attr = ["", ["diagram", f"diagram-{kind}"], [[xref.IMAGE_ATTR, drawn.ref]]]
    image = {"t": "Image", "c": [attr, [{"t": "Str", "c": alt}], [drawn.ref, ""]]}
    return {"t": "Para", "c": [image]}


def _fence_lines(ctx: Context, count: int) -> list[int] | None:
    """The file line of each diagram's opening fence, in order; None if they cannot be paired."""
    body = ctx.source.body
    found = [ctx.source.file_line(body.count("\n", 0, m.start()) + 1) for m in _FENCE.finditer(body)]
    return found if len(found) == count else None
