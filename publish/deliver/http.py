"""The one place an HTTP session is made: bounded timeouts, bounded retries, secrets redacted.

Every request an image host or a platform client sends goes through `session()`, so none can hang
(the connect and read timeouts apply to every request unless the caller passes its own) and none
retries for ever: a few retries with exponential backoff on connection and read failures, on 429
and on 5xx, for every method (an upload is a POST or a PUT), honouring a `Retry-After` header but
never waiting longer than `MAX_WAIT` for it. Uploads are content-addressed or idempotent on the
other side, so retrying a POST whose answer was lost does no harm.
"""

from __future__ import annotations

import logging
import re
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from publish.deliver.secrets import MASK, redact

#: (connect, read) seconds for every request that does not pass its own `timeout`.
TIMEOUT: tuple[float, float] = (5.0, 30.0)
#: Retries after the first attempt (connect, read and status failures together).
RETRIES = 3
#: Of those, retries after a read timeout: the server has the request and is slow, so sending
#: the same upload again and again mostly multiplies the wait (Wechatsync #208: a 6-minute hang).
READ_RETRIES = 1
#: Backoff factor: the waits are 0, 2×, 4×… this many seconds (urllib3's formula), jittered.
BACKOFF = 0.5
#: The longest wait between two attempts, whatever `Retry-After` asks for.
MAX_WAIT = 30.0
__all__ = ["MASK", "TIMEOUT", "reason", "redact", "session"]

#: Statuses worth another try: rate limited, or the server's own trouble.
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})

class _NoQuery(logging.Filter):
    """urllib3 logs the URL of each request it retries, query string included, and a query is
    where keys and tokens travel (PicList's `?key=`, WeChat's `?access_token=`). Once anything
    configures logging (ebooklib calls `basicConfig` on import) that line would reach stderr, so
    the query is cut from urllib3's records before any handler sees them."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = _QUERY.sub("?…", record.getMessage())
        record.args = ()
        return True


_QUERY = re.compile(r"\?[^\s'\"]+")
for _name in ("urllib3.connectionpool", "urllib3.util.retry", "urllib3.poolmanager"):
    logging.getLogger(_name).addFilter(_NoQuery())


class _BoundedRetry(Retry):
    """urllib3's `Retry` with the server's `Retry-After` capped: a rate limiter asking for an hour
    must not stall a build for an hour (the request fails instead, as a warning)."""

    def get_retry_after(self, response: Any) -> float | None:
        wait = super().get_retry_after(response)
        return None if wait is None else min(wait, MAX_WAIT)


class _Session(requests.Session):
    """A `requests.Session` whose every request has a timeout unless the caller gives one."""

    def __init__(self, timeout: tuple[float, float]) -> None:
        super().__init__()
        self.default_timeout = timeout

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = self.default_timeout
        return super().request(method, url, *args, **kwargs)


def session(*, timeout: tuple[float, float] = TIMEOUT, retries: int = RETRIES, backoff: float = BACKOFF,
            user_agent: str = "publish", read_retries: int = READ_RETRIES) -> requests.Session:
    """A session for one host or platform: a default timeout, bounded retries with backoff.

    `retries=0` sends each request once (a test of a host that times out, or a caller that
    retries itself); a request that times out waiting for its answer is tried `read_retries`
    times more at most, so the worst wait is about `(1 + read_retries) × read timeout`. A final 429/5xx after the retries is returned as the response, not raised,
    so the caller can read the platform's own error body.
    """
    retry = _BoundedRetry(
        total=retries, connect=retries, read=min(read_retries, retries), status=retries, other=0, redirect=5,
        backoff_factor=backoff, backoff_max=MAX_WAIT, backoff_jitter=backoff / 2,
        status_forcelist=RETRY_STATUSES, allowed_methods=None,  # POST and PUT too: uploads
        respect_retry_after_header=True, raise_on_status=False, raise_on_redirect=False,
    )
    adapter = HTTPAdapter(max_retries=retry)
    made = _Session(timeout)
    made.mount("http://", adapter)
    made.mount("https://", adapter)
    made.headers["User-Agent"] = user_agent
    return made


def reason(exc: requests.RequestException) -> str:
    """A short, secret-free description of why a request failed, without its URL (URLs can carry
    keys in their query string): "timed out", "connection refused", "HTTP 503"…"""
    text = str(exc)
    # after the retries, urllib3's last read timeout reaches requests as a ConnectionError
    if isinstance(exc, requests.Timeout) or "timed out" in text:
        return "timed out"
    if isinstance(exc, requests.exceptions.RetryError):
        return "still failing after the retries"
    if isinstance(exc, requests.ConnectionError):
        for known in ("Connection refused", "Name or service not known", "No route to host",
                      "Temporary failure in name resolution", "Connection reset"):
            if known in text:
                return f"cannot connect ({known.lower()})"
        return "cannot connect"
    if isinstance(exc, requests.HTTPError) and exc.response is not None:
        return f"HTTP {exc.response.status_code}"
    return f"request failed ({type(exc).__name__})"
