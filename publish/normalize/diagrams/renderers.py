"""The two diagram renderers, run as bounded subprocesses: Graphviz's `dot` and Mermaid's own.

Mermaid's is `@mermaid-js/mermaid-cli` (found by its `mmdc`), driven through its Node.js API by
`mermaid.mjs`, so that all of an article's Mermaid diagrams share one browser.

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
import queue
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

#: The labels' faces, the same for both renderers: the CJK face `make` installs first (it has Latin
#: letters too), so the renderer measures a label with the face every engine then draws it in.
FONTS = '"Noto Sans CJK SC", "Noto Sans", sans-serif'
#: What Mermaid is asked for. `secure` keeps a diagram's `%%{init}%%` from loosening any of it.
MERMAID_CONFIG = {
    "securityLevel": "strict",
    "secure": ["secure", "securityLevel", "startOnLoad", "maxTextSize", "suppressErrorRendering", "maxEdges",
               "htmlLabels", "flowchart"],
    "htmlLabels": False,
    "flowchart": {"htmlLabels": False},
    "journey": {"textPlacement": "tspan"},  # these two write their labels as HTML by default
    "timeline": {"textPlacement": "tspan"},
    "fontFamily": FONTS,
    "theme": "default",
    "deterministicIds": True,
}
#: Chromium's switches for a headless render that talks to nothing: no sandbox (containers and CI
#: run as root), no GPU, no background updates or first-run pages.
CHROMIUM_ARGS = ("--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run")
GRAPHVIZ_FONT = "Noto Sans CJK SC,Noto Sans,sans-serif"
#: What each renderer is asked besides the diagram: part of a stored picture's key.
SETTINGS = {"mermaid": json.dumps(MERMAID_CONFIG, sort_keys=True), "graphviz": GRAPHVIZ_FONT}
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
    """The renderer refused the diagram, or could not draw it this time (`transient`: it ran out
    of time, crashed, or its browser did not start), which is not remembered; `line` is the
    diagram's own line."""

    def __init__(self, message: str, line: int | None = None, *, transient: bool = False) -> None:
        super().__init__(message)
        self.line = line
        self.transient = transient


Drawing = bytes | Failed
"""A diagram's SVG (not yet sanitized), or why the renderer did not draw it."""


@dataclass(frozen=True, slots=True)
class Renderer:
    """A renderer found on this machine: what runs, and what identifies its version for the cache."""

    kind: str  #: "mermaid" or "graphviz"
    program: Path  #: `dot`, or Node.js for Mermaid
    package: Path | None  #: mermaid-cli's package folder
    browser: Path | None
    identity: str

    def render_all(self, diagrams: Sequence[tuple[str, str]], timeout: float) -> list[Drawing]:
        """Each (code, name) drawn, in order; `name` makes a picture's ids unique in a page.

        Mermaid draws them all in one browser, each within `timeout` (the first also starts the
        browser): a diagram that hangs fails alone and the ones after it go to a new browser."""
        if self.kind == "graphviz":
            return [self._dot(code, timeout) for code, _ in diagrams]
        drawn: list[Drawing] = []
        while len(drawn) < len(diagrams):
            drawn += self._mermaid(diagrams[len(drawn):], timeout)
        return drawn

    def _dot(self, code: str, timeout: float) -> Drawing:
        with tempfile.TemporaryDirectory(prefix="publish-diagram-") as tmp:
            empty = Path(tmp) / "files"
            empty.mkdir()
            env = {**_base_env(), "GV_FILE_PATH": str(empty)}
            args = [str(self.program), "-Tsvg", *(f"-{o}fontname={GRAPHVIZ_FONT}" for o in "GNE")]
            try:
                return _run(args, code.encode("utf-8"), Path(tmp), env, timeout)
            except Failed as failed:
                return failed

    def _mermaid(self, diagrams: Sequence[tuple[str, str]], timeout: float) -> list[Drawing]:
        """One browser for `diagrams`: what it drew, up to and including the first that hung."""
        job = {"browser": {"executablePath": str(self.browser), "headless": True, "args": list(CHROMIUM_ARGS)},
               "config": MERMAID_CONFIG, "diagrams": [{"code": code, "id": name} for code, name in diagrams]}
        env = {**_base_env(), "PUPPETEER_SKIP_DOWNLOAD": "1", "PUPPETEER_EXECUTABLE_PATH": str(self.browser)}
        drawn: list[Drawing] = []
        browser: int | None = None
        with tempfile.TemporaryDirectory(prefix="publish-diagram-") as tmp, \
                open(Path(tmp) / "stderr", "w+b") as stderr, \
                subprocess.Popen([str(self.program), str(SCRIPT), str(self.package)], stdin=subprocess.PIPE,
                                 stdout=subprocess.PIPE, stderr=stderr, cwd=tmp, env=env,
                                 start_new_session=True) as process:
            lines: queue.Queue[bytes] = queue.Queue()
            threading.Thread(target=_read_lines, args=(process, json.dumps(job).encode(), lines), daemon=True).start()
            try:
                while len(drawn) < len(diagrams):
                    line = lines.get(timeout=timeout)
                    if not line:  # the script ended early: it could not start (no browser, no package)
                        process.wait()
                        stderr.seek(0)
                        reason = Failed(_first_error(stderr.read().decode("utf-8", "replace")), transient=True)
                        return drawn + [reason] * (len(diagrams) - len(drawn))
                    answer = json.loads(line)
                    if "browser" in answer:
                        browser = answer["browser"]
                        continue
                    drawn.append(_drawing(answer))
                _wait_quietly(process, _CLOSE_GRACE)  # all drawn: the script is closing the browser
            except queue.Empty:
                drawn.append(Failed(f"the renderer took more than {timeout:g} s", transient=True))
            finally:
                if process.poll() is None:
                    # Chromium leads a process group of its own (puppeteer's `detached`), which
                    # puppeteer closes when the script is terminated, not when it is killed.
                    os.killpg(process.pid, signal.SIGTERM)
                    _wait_quietly(process, _CLOSE_GRACE / 4)
                if process.poll() is None:
                    os.killpg(process.pid, signal.SIGKILL)
                    _kill_group(browser)
        return drawn


#: The Node.js side of Mermaid's renderer, shipped with the package.
SCRIPT = Path(__file__).with_name("mermaid.mjs")


def _read_lines(process: subprocess.Popen[bytes], job: bytes, into: queue.Queue[bytes]) -> None:
    """Feed the job to the script and pass each line it writes on; b"" at the end."""
    assert process.stdin is not None and process.stdout is not None
    try:
        process.stdin.write(job)
        process.stdin.close()
    except OSError:
        pass  # it died at once: the empty line below says so
    for line in process.stdout:
        into.put(line)
    into.put(b"")


#: Seconds the script gets to close its browser once every diagram is drawn.
_CLOSE_GRACE = 10.0


def _wait_quietly(process: subprocess.Popen[bytes], seconds: float) -> None:
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        pass  # killed, with the browser, by the caller


def _kill_group(leader: int | None) -> None:
    if leader:
        try:
            os.killpg(leader, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass  # already gone with the script


def _drawing(answer: dict[str, str]) -> Drawing:
    if "svg" in answer:
        return answer["svg"].encode("utf-8")
    message = _first_error(answer.get("error", ""))
    found = _LINE.search(message)
    return Failed(message, int(found.group(1)) if found else None)


def find(kind: str) -> Renderer:
    """The renderer for `kind` on this machine; raises `Unavailable` naming what to install."""
    if kind == "graphviz":
        dot = shutil.which("dot")
        if dot is None:
            raise Unavailable("Graphviz (dot) is not installed", GRAPHVIZ_INSTALL)
        return Renderer(kind, Path(dot), None, None, _identity(Path(dot)))
    mmdc = mermaid_cli()
    package = mmdc.resolve().parent.parent if mmdc is not None else None
    if mmdc is None or package is None or not (package / "src" / "index.js").is_file():
        raise Unavailable("Mermaid's renderer (mmdc) is not installed", MERMAID_INSTALL)
    browser = chromium()
    if browser is None:
        raise Unavailable("Mermaid needs Chromium, which is not installed", "apt-get install chromium")
    node = shutil.which("node")
    if node is None:
        raise Unavailable("Mermaid's renderer needs Node.js, which is not installed", "apt-get install nodejs")
    return Renderer(kind, Path(node), package, browser, _identity(mmdc))


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
            raise Failed(f"the renderer took more than {timeout:g} s", transient=True) from None
    if process.returncode != 0:
        message = _first_error(err.decode("utf-8", "replace"))
        found = _LINE.search(message)
        raise Failed(message, int(found.group(1)) if found else None, transient=process.returncode < 0)
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
