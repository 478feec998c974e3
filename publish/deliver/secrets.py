"""Keeping secrets out of messages: `redact` for any text built from a request, a reply or an
exception, and `shown_url` for a URL that may carry a key. (`publish.deliver.http` re-exports
`redact`: the one name every network client uses.)"""

from __future__ import annotations

import urllib.parse
from collections.abc import Iterable
from urllib.parse import quote, quote_plus

#: What a redacted secret becomes.
MASK = "***"


def redact(text: str, secrets: Iterable[str | None]) -> str:
    """`text` with every secret (and its URL-encoded forms, as it appears in a query string)
    replaced by `MASK`: for any message built from a request, a response or an exception."""
    forms = {form for secret in secrets if secret
             for form in (secret, quote(secret, safe=""), quote_plus(secret, safe=""))}
    for form in sorted(forms, key=len, reverse=True):  # longest first: one secret inside another
        text = text.replace(form, MASK)
    return text


def shown_url(url: str) -> str:
    """`url` without its query and user info, which may hold a key (PicList's `?key=`)."""
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit((parts.scheme, parts.hostname or "", parts.path, "", "")) if not parts.port \
        else urllib.parse.urlunsplit((parts.scheme, f"{parts.hostname}:{parts.port}", parts.path, "", ""))

