"""`publish serve` in a real subprocess on a free loopback port, for the server and browser tests."""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from conftest import SOURCE_DATE_EPOCH

T = TypeVar("T")
_STATE = re.compile(r'<script type="application/json" id="state">(.*?)</script>', re.DOTALL)


class Serving:
    """`python -m publish serve ARGS --port 0`; its own TMPDIR, so leftovers can be checked."""

    def __init__(self, args: Sequence[str], cwd: Path, tmpdir: Path) -> None:
        tmpdir.mkdir(parents=True, exist_ok=True)
        self.tmpdir = tmpdir
        env = {**os.environ, "TMPDIR": str(tmpdir), "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "publish", "serve", *args, "--port", "0"], cwd=cwd, env=env,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8")
        self.stdout: list[str] = []
        self.stderr: list[str] = []
        for stream, lines in ((self.process.stdout, self.stdout), (self.process.stderr, self.stderr)):
            threading.Thread(target=_collect, args=(stream, lines), daemon=True).start()
        line = self.wait(lambda: next((ln for ln in self.stdout if "http://" in ln), None), 60)
        match = re.search(r"http://([\d.]+):(\d+)/", line)
        assert match, line
        self.host, self.port = match.group(1), int(match.group(2))

    def wait(self, probe: Callable[[], T | None], timeout: float = 20.0) -> T:
        """Poll `probe` until it gives something truthy (its value), or fail after `timeout`."""
        deadline = time.monotonic() + timeout
        while True:
            value = probe()
            if value:
                return value
            if self.process.poll() is not None:
                raise AssertionError(f"the server exited ({self.process.returncode}): {self.log()}")
            if time.monotonic() > deadline:
                raise AssertionError(f"nothing after {timeout} s; server said: {self.log()}")
            time.sleep(0.02)

    def request(self, path: str, host: str | None = None, method: str = "GET") -> tuple[int, bytes, dict[str, str]]:
        """The raw path as given (no normalizing by a client library), and the Host header."""
        connection = http.client.HTTPConnection(self.host, self.port, timeout=10)
        try:
            connection.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
            if host is not None:
                connection.putheader("Host", host)
            connection.endheaders()
            response = connection.getresponse()
            return response.status, response.read(), dict(response.getheaders())
        finally:
            connection.close()

    def get(self, path: str) -> tuple[int, bytes]:
        status, body, _ = self.request(path, host=f"127.0.0.1:{self.port}")
        return status, body

    def text(self, path: str) -> str:
        status, body = self.get(path)
        return body.decode("utf-8") if status == 200 else ""

    def state(self, key: str) -> dict[str, Any]:
        """The state an article page starts from (title, status, diagnostics, format versions)."""
        status, body = self.get(f"/_publish/article/{key}")
        assert status == 200, status
        match = _STATE.search(body.decode("utf-8"))
        assert match
        data: dict[str, Any] = json.loads(match.group(1))
        return data

    def versions(self, key: str) -> dict[str, int]:
        return {f["name"]: f["version"] for f in self.state(key)["formats"]}

    def ready(self, key: str, formats: Sequence[str]) -> dict[str, Any]:
        """Wait until the article has every format and is not building."""
        return self.wait(lambda: (s := self.state(key)) and set(formats) <= set(self.versions(key))
                         and not s["building"] and s, 60)

    def settled(self, key: str, probe: Callable[[], object]) -> None:
        """Wait until `probe` holds and article `key` is no longer building: the build whose output
        `probe` saw has ended. An output file is written before its build is recorded, so the new
        text alone does not mean the server is quiet, and the next test would see that build."""
        self.wait(lambda: probe() and not self.state(key)["building"])

    def stop(self, signum: int = signal.SIGINT, timeout: float = 30) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signum)
        try:
            return self.process.wait(timeout)
        finally:
            time.sleep(0.05)  # let the readers take the last lines

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)

    def log(self) -> str:
        return "\n".join(self.stdout + self.stderr)


def _collect(stream: Any, lines: list[str]) -> None:
    for line in stream:
        lines.append(line.rstrip("\n"))
