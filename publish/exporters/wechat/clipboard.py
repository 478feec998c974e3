"""`--copy`: the snippet on the system clipboard as HTML, so a paste into WeChat keeps the styles.

Plain-text clipboards (a bare `pbcopy`, `xclip` without `-t`) would paste the HTML source, so each
tool is asked for the `text/html` flavour. Where none is available the message names the tool to
install and the preview page, whose Copy button does the same from a browser.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

SNIPPET_SUFFIX = ".wechat.html"
PREVIEW_SUFFIX = ".preview.html"  # publish.render.preview.SUFFIX, without importing jinja2


def copy_outputs(paths: Sequence[Path]) -> str | None:
    """Copy the WeChat snippet among `paths` (a build's outputs); the message to show, or None."""
    snippets = [p for p in paths if p.name.endswith(SNIPPET_SUFFIX)]
    return copy_to_clipboard(snippets[-1]) if snippets else None


def copy_to_clipboard(path: Path) -> str:
    """Put the HTML in `path` on the clipboard; return what happened, in one line for the user."""
    html = path.read_bytes()
    preview = path.with_name(path.name.removesuffix(SNIPPET_SUFFIX) + PREVIEW_SUFFIX)
    command = clipboard_command()
    if command is None:
        return (f"no clipboard tool for HTML found: install {install_hint()}, "
                f"or open {preview} in a browser and click Copy")
    try:
        # The tools fork to keep serving the selection, so their output is not captured (a pipe
        # held open by the child would block us) and a timeout guards against a hang.
        done = subprocess.run(command, input=html, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              timeout=10, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"could not copy with {command[0]} ({exc}); open {preview} in a browser and click Copy"
    if done.returncode != 0:
        return (f"{command[0]} failed (exit {done.returncode}); "
                f"open {preview} in a browser and click Copy")
    return f"copied {path.name} to the clipboard as HTML ({command[0]}): paste it into the WeChat editor"


def clipboard_command() -> list[str] | None:
    """The command that reads HTML on stdin into the clipboard here, or None."""
    if sys.platform == "darwin" and shutil.which("osascript"):
        return [sys.executable, "-c", _MACOS]
    if os.environ.get("WAYLAND_DISPLAY") and shutil.which("wl-copy"):
        return ["wl-copy", "--type", "text/html"]
    if os.environ.get("DISPLAY") and shutil.which("xclip"):
        return ["xclip", "-selection", "clipboard", "-t", "text/html", "-i"]
    return None


def install_hint() -> str:
    """Which tool to install on this system."""
    if sys.platform == "darwin":
        return "nothing (osascript ships with macOS; check that it is on PATH)"
    if os.environ.get("WAYLAND_DISPLAY"):
        return "wl-clipboard (apt install wl-clipboard)"
    if os.environ.get("DISPLAY"):
        return "xclip (apt install xclip)"
    return "xclip or wl-clipboard and run inside a desktop session (no DISPLAY/WAYLAND_DISPLAY is set)"


#: macOS: `pbcopy` only writes plain text, so the HTML goes in as the «HTML» class via AppleScript.
_MACOS = (
    "import subprocess, sys\n"
    "data = sys.stdin.buffer.read()\n"
    "script = 'set the clipboard to «data HTML' + data.hex().upper() + '»'\n"
    "sys.exit(subprocess.run(['osascript', '-e', script]).returncode)\n"
)
