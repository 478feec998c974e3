"""The two diagram renderers, run as bounded subprocesses: Graphviz's `dot` and Mermaid's `mmdc`.

Both are programs outside Python, so a `pip install` alone has neither; `make setup` installs
Debian's `graphviz` and `@mermaid-js/mermaid-cli` (into the venv, `<venv>/mermaid`), and a
renderer that is missing only keeps its diagrams as code (`Unavailable` says what to install).

Mermaid runs in the system Chromium (puppeteer's own browser download is never used), with
Mermaid's `securityLevel: strict` and labels as SVG text rather than HTML in a foreign object:
the layout engines (WeasyPrint, Typst) draw SVG text, and a PDF or EPUB keeps it searchable.
Graphviz runs with `GV_FILE_PATH` set to an empty folder, so an `image=`/`shapefile=` in a graph
reads nothing from the disk. Each run is bounded in time and killed with its children.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

#: What Mermaid is asked for. `secure` keeps a diagram's `%%{init}%%` from loosening any of it.
MERMAID_CONFIG = {
    "securityLevel": "strict",
    "secure": ["secure", "securityLevel", "startOnLoad", "maxTextSize", "suppressErrorRendering", "maxEdges",
               "htmlLabels", "flowchart"],
    "htmlLabels": False,
    "flowchart": {"htmlLabels": False},
    "journey": {"textPlacement": "tspan"},  # these two write their labels as HTML by default
    "timeline": {"textPlacement": "tspan"},
    "fontFamily": '"Noto Sans", "Noto Sans CJK SC", sans-serif',
    "theme": "default",
    "deterministicIds": True,
}
#: Chromium's switches for a headless render that talks to nothing: no sandbox (containers and CI
#: run as root), no GPU, no background updates or first-run pages.
CHROMIUM_ARGS = ("--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run")
GRAPHVIZ_FONT = "sans-serif"
_BROWSERS = ("chromium", "chromium-browser", "google-chrome-stable", "google-chrome")
MERMAID_INSTALL = ("make setup, or npm install -g @mermaid-js/mermaid-cli "
                   "(with PUPPETEER_SKIP_DOWNLOAD=1) and apt-get install chromium")
GRAPHVIZ_INSTALL = "apt-get install graphviz"


class Unavailable(Exception):
    """A renderer this machine lacks: the message names it, `fix` what to install."""

    def __init__(self, message: str, fix: str) -> None:
        super().__init__(message)
        self.fix = fix


class Failed(Exception):
    """The renderer refused the diagram or ran out of time: `line` is the diagram's own line."""

    def __init__(self, message: str, line: int | None = None, *, timed_out: bool = False) -> None:
        super().__init__(message)
        self.line = line
        self.timed_out = timed_out


@dataclass(frozen=True, slots=True)
class Renderer:
    """A renderer found on this machine: what runs, and what identifies its version for the cache."""

    kind: str  #: "mermaid" or "graphviz"
    program: Path
    browser: Path | None
    identity: str

    def render(self, code: str, name: str, timeout: float) -> bytes:
        """The diagram's SVG (not yet sanitized); raises `Failed`. `name` makes its ids unique."""
        with tempfile.TemporaryDirectory(prefix="publish-diagram-") as tmp:
            folder = Path(tmp)
            if self.kind == "graphviz":
                empty = folder / "files"
                empty.mkdir()
                env = {**_base_env(), "GV_FILE_PATH": str(empty)}
                args = [str(self.program), "-Tsvg", *(f"-{o}fontname={GRAPHVIZ_FONT}" for o in "GNE")]
                out = _run(args, code.encode("utf-8"), folder, env, timeout)
                return out
            (folder / "in.mmd").write_text(code, encoding="utf-8")
            (folder / "config.json").write_text(json.dumps(MERMAID_CONFIG), encoding="utf-8")
            (folder / "browser.json").write_text(json.dumps(
                {"executablePath": str(self.browser), "headless": True, "args": list(CHROMIUM_ARGS)}),
                encoding="utf-8")
            args = [str(self.program), "-q", "-p", "browser.json", "-c", "config.json", "-i", "in.mmd",
                    "-o", "out.svg", "-b", "white", "--svgId", name]
            env = {**_base_env(), "PUPPETEER_SKIP_DOWNLOAD": "1", "PUPPETEER_EXECUTABLE_PATH": str(self.browser)}
            _run(args, b"", folder, env, timeout)
            try:
                return (folder / "out.svg").read_bytes()
            except OSError as exc:
                raise Failed("the renderer wrote no picture") from exc


def find(kind: str) -> Renderer:
    """The renderer for `kind` on this machine; raises `Unavailable` naming what to install."""
    if kind == "graphviz":
        dot = shutil.which("dot")
        if dot is None:
            raise Unavailable("Graphviz (dot) is not installed", GRAPHVIZ_INSTALL)
        return Renderer(kind, Path(dot), None, _identity(Path(dot)))
    mmdc = mermaid_cli()
    if mmdc is None:
        raise Unavailable("Mermaid's renderer (mmdc) is not installed", MERMAID_INSTALL)
    browser = chromium()
    if browser is None:
        raise Unavailable("Mermaid needs Chromium, which is not installed", "apt-get install chromium")
    if shutil.which("node") is None:
        raise Unavailable("Mermaid's renderer needs Node.js, which is not installed", "apt-get install nodejs")
    return Renderer(kind, mmdc, browser, _identity(mmdc))


def mermaid_cli() -> Path | None:
    """`$PUBLISH_MMDC`, else the one `make setup` puts in the venv, else `mmdc` on the PATH."""
    candidates = [os.environ.get("PUBLISH_MMDC", ""), str(Path(sys.prefix) / "mermaid" / "node_modules" / ".bin" / "mmdc"),
                  shutil.which("mmdc") or ""]
    return next((Path(c) for c in candidates if c and os.access(c, os.X_OK)), None)


def chromium() -> Path | None:
    """`$PUPPETEER_EXECUTABLE_PATH`, else Debian's Chromium (or Chrome) on the PATH."""
    given = os.environ.get("PUPPETEER_EXECUTABLE_PATH", "")
    if given and os.access(given, os.X_OK):
        return Path(given)
    return next((Path(found) for name in _BROWSERS if (found := shutil.which(name))), None)


def _identity(program: Path) -> str:
    """The installed renderer, as the cache key sees it: a reinstall or upgrade renders anew."""
    real = program.resolve()
    stat = real.stat()
    return f"{real}:{stat.st_size}:{stat.st_mtime_ns}"


def _base_env() -> dict[str, str]:
    keep = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "XDG_CACHE_HOME", "XDG_CONFIG_HOME", "FONTCONFIG_FILE")
    return {key: os.environ[key] for key in keep if key in os.environ}


_LINE = re.compile(r"\bline (\d+)")


def _run(args: list[str], stdin: bytes, cwd: Path, env: dict[str, str], timeout: float) -> bytes:
    """Run a renderer in its own process group, killed whole (Chromium's children too) on timeout."""
    with subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          cwd=cwd, env=env, start_new_session=True) as process:
        try:
            out, err = process.communicate(stdin, timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            raise Failed(f"the renderer took more than {timeout:g} s", timed_out=True) from None
    if process.returncode != 0:
        message = _first_error(err.decode("utf-8", "replace"))
        found = _LINE.search(message)
        raise Failed(message, int(found.group(1)) if found else None)
    return out


def _first_error(stderr: str) -> str:
    """The renderer's complaint in one line: its first message, with Mermaid's `Expecting …` kept."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    if not lines:
        return "the renderer failed without a message"
    first = next((line for line in lines if line.startswith(("Error", "UnknownDiagramError"))), lines[0])
    first = re.sub(r"^(?:Error|UnknownDiagramError):\s*(?:<stdin>:\s*)?", "", first)
    if first.endswith(":"):  # Mermaid's parser: the line, then the text, a caret, what it expected
        got = next((m.group(1) for line in lines if (m := re.search(r"got '([^']+)'", line))), None)
        first = f"{first} unexpected {got}" if got else first.rstrip(":")
    return first if len(first) <= 200 else first[:199] + "…"
