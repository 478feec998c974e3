"""The `command` image host: any program that uploads a file and prints its URL (rclone, gh, a
writer's own script).

`[images.command] run` is split like a shell would (`shlex`) but run without one, `{path}` in
each argument replaced by the image's file; the URL is the last non-empty line of its standard
output. It runs in a process group of its own and is killed with all its children when it
overstays `[images] timeout`.
"""

from __future__ import annotations

import os
import shlex
import signal
import subprocess
from pathlib import Path

from publish.deliver.options import CommandOptions
from publish.deliver.upload import Upload, staged
from publish.errors import DeliveryError


class CommandHost:
    """Uploads by running the configured command once per image."""

    def __init__(self, options: CommandOptions, timeout: float) -> None:
        self.argv = shlex.split(options.run)
        self.timeout = timeout

    def upload(self, image: Upload) -> str:
        program = Path(self.argv[0]).name if self.argv else "?"
        with staged(image) as path:
            argv = [arg.replace("{path}", str(path)) for arg in self.argv]
            try:
                process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                           stderr=subprocess.DEVNULL, start_new_session=True)
            except OSError as exc:
                raise DeliveryError(f"command: cannot run '{program}' ({exc.strerror or exc})",
                                    "install it, or fix [images.command] run") from None
            with process:
                try:
                    out, _ = process.communicate(timeout=self.timeout)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.communicate()
                    raise DeliveryError(f"command: '{program}' timed out after {self.timeout:g} s",
                                        "raise [images] timeout, or check the command by hand") from None
        if process.returncode != 0:
            raise DeliveryError(f"command: '{program}' exited with status {process.returncode}",
                                "run the command by hand on one image to see why")
        lines = [line.strip() for line in out.decode("utf-8", "replace").splitlines() if line.strip()]
        url = lines[-1] if lines else ""
        if not url.startswith(("https://", "http://")) or any(c.isspace() for c in url):
            raise DeliveryError(f"command: '{program}' did not print a URL on its last line",
                                "make it print the uploaded file's URL last")
        return url
