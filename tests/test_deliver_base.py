"""What every network client stands on (`publish/deliver/http.py`, `publish/deliver/cache.py`):
bounded timeouts and retries against a loopback server, secrets redacted, the upload cache shared
by processes."""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import time
from pathlib import Path
from typing import Any

import pytest
import requests

from publish.deliver import cache, http
from publish.deliver.cache import UploadCache
from publish.errors import DeliveryError, PublishError
from tests.loopback import Loopback, Seen


def _flaky(failures: int, status: int = 503, headers: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    """A handler that answers `status` `failures` times, then 200."""
    count = {"n": 0}

    def handler(seen: Seen) -> tuple[int, dict[str, str], bytes]:
        count["n"] += 1
        if count["n"] <= failures:
            return status, dict(headers or {}), b"busy"
        return 200, {"Content-Type": "application/json"}, b'{"ok": true}'
    return handler


@pytest.mark.parametrize("method", ["GET", "POST", "PUT"])
def test_retries_5xx_then_succeeds_for_every_method(method: str) -> None:
    with Loopback(_flaky(2)) as server:
        reply = http.session(backoff=0.01).request(method, server.url + "/upload", data=b"x")
    assert reply.status_code == 200
    assert len(server.requests) == 3
    assert all(seen.body == b"x" for seen in server.requests)


def test_retries_are_bounded() -> None:
    with Loopback(_flaky(100)) as server:
        reply = http.session(retries=2, backoff=0.01).post(server.url)
    assert reply.status_code == 503  # the last answer, for the caller to read
    assert len(server.requests) == 3


def test_retry_after_is_honoured_but_capped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(http, "MAX_WAIT", 0.2)
    with Loopback(_flaky(1, 429, {"Retry-After": "3600"})) as server:
        start = time.monotonic()
        reply = http.session(backoff=0.01).post(server.url)
        waited = time.monotonic() - start
    assert reply.status_code == 200
    assert len(server.requests) == 2
    assert 0.15 < waited < 5


def test_every_request_has_a_timeout_and_a_slow_host_is_retried_then_fails() -> None:
    def slow(seen: Seen) -> tuple[int, dict[str, str], bytes]:
        time.sleep(2)
        return 200, {}, b""

    with Loopback(slow) as server:
        start = time.monotonic()
        with pytest.raises(requests.ConnectionError) as caught:  # urllib3 wraps the last read timeout
            http.session(timeout=(1.0, 0.3), backoff=0.01).post(server.url)
        assert time.monotonic() - start < 2
        assert len(server.requests) == 1 + http.READ_RETRIES  # not 1 + RETRIES: a slow host is not hammered
    assert http.reason(caught.value) == "timed out"


def test_reason_never_carries_the_url() -> None:
    with Loopback(_flaky(0)) as server:
        port = server.url.rsplit(":", 1)[1]
    try:
        http.session(retries=0).get(f"http://127.0.0.1:{port}/upload?key=s3cr3t")
    except requests.RequestException as exc:
        assert "s3cr3t" in str(exc)  # requests puts the URL in its message…
        assert "s3cr3t" not in http.reason(exc)  # …the reason does not
        assert http.reason(exc).startswith("cannot connect")
    else:
        pytest.fail("a closed port answered")


def test_redact_masks_secrets_and_their_url_encodings() -> None:
    secret = "a/b+c=d e"
    text = f"raw {secret}, quoted a%2Fb%2Bc%3Dd%20e, plus a%2Fb%2Bc%3Dd+e, other"
    redacted = http.redact(text, [secret, None, ""])
    assert secret not in redacted and "a%2Fb" not in redacted
    assert redacted == "raw ***, quoted ***, plus ***, other"


def test_delivery_error_is_one_line_with_its_place() -> None:
    error = DeliveryError("picgo: upload of a.png failed (timed out)", "check that PicGo runs",
                          path=Path("post.md"), line=7)
    assert isinstance(error, PublishError)
    assert error.location() == "post.md:7"
    assert str(error) == "picgo: upload of a.png failed (timed out) — check that PicGo runs"
    assert DeliveryError("x").location() == "publish"


def test_cache_persists_per_host(tmp_path: Path) -> None:
    first = UploadCache(tmp_path)
    key = cache.digest(b"png bytes")
    assert key == hashlib.sha256(b"png bytes").hexdigest()
    assert first.get("picgo:http://127.0.0.1:36677/upload", key) is None
    first.put("picgo:http://127.0.0.1:36677/upload", key, "https://img.example/a.png")
    again = UploadCache(tmp_path)
    assert again.get("picgo:http://127.0.0.1:36677/upload", key) == "https://img.example/a.png"
    assert again.get("s3:bucket/@aws", key) is None  # another host: another upload
    stored = json.loads((tmp_path / ".publish" / "uploads.json").read_text())
    assert stored["hosts"]["picgo:http://127.0.0.1:36677/upload"][key] == "https://img.example/a.png"


def test_cache_sees_what_another_instance_recorded_since(tmp_path: Path) -> None:
    reader, writer = UploadCache(tmp_path), UploadCache(tmp_path)
    writer.put("h", "d1", "https://x/1")
    assert reader.get("h", "d1") == "https://x/1"


def test_corrupt_cache_is_empty_and_repaired(tmp_path: Path) -> None:
    (tmp_path / ".publish").mkdir()
    (tmp_path / ".publish" / "uploads.json").write_text("{not json")
    store = UploadCache(tmp_path)
    assert store.get("h", "d") is None
    store.put("h", "d", "https://x/d")
    assert UploadCache(tmp_path).get("h", "d") == "https://x/d"


def _put_many(out: str, worker: int) -> None:
    store = UploadCache(Path(out))
    for i in range(20):
        store.put("h", f"{worker}-{i}", f"https://x/{worker}/{i}")


def test_concurrent_writers_keep_each_others_entries(tmp_path: Path) -> None:
    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=_put_many, args=(str(tmp_path), w)) for w in range(4)]
    for process in workers:
        process.start()
    for process in workers:
        process.join(30)
        assert process.exitcode == 0
    store = UploadCache(tmp_path)
    assert all(store.get("h", f"{w}-{i}") == f"https://x/{w}/{i}" for w in range(4) for i in range(20))
    assert not [p for p in (tmp_path / ".publish").iterdir() if p.name != "uploads.json"]  # no temp left


def _claim_and_put(out: str, ready: Any, url: str) -> None:
    store = UploadCache(Path(out))
    with store.claim("h", "ab" * 32) as done:
        ready.set()
        assert done is None
        time.sleep(0.5)  # an upload in flight
        store.put("h", "ab" * 32, url)


def test_a_claimed_image_is_waited_for_and_then_found(tmp_path: Path) -> None:
    context = multiprocessing.get_context("fork")
    ready = context.Event()
    first = context.Process(target=_claim_and_put, args=(str(tmp_path), ready, "https://x/ab"))
    first.start()
    assert ready.wait(10)
    start = time.monotonic()
    with UploadCache(tmp_path).claim("h", "ab" * 32) as done:
        assert done == "https://x/ab"  # the other process's upload, not a second one
    assert time.monotonic() - start > 0.2
    first.join(10)
    assert first.exitcode == 0
    with UploadCache(tmp_path).claim("h", "cd" * 32) as other:  # another image: not blocked
        assert other is None


def test_urllib3_retry_logs_never_carry_the_query(caplog: pytest.LogCaptureFixture) -> None:
    with Loopback(_flaky(1)) as server, caplog.at_level("DEBUG", logger="urllib3"):
        reply = http.session(backoff=0.01).post(server.url + "/upload?key=s3cr3t&x=1")
    assert reply.status_code == 200
    assert "Retry" in caplog.text  # urllib3 did log the retry…
    assert "s3cr3t" not in caplog.text  # …without the key
