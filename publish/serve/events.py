"""Server-Sent Events: who is looking at which pane, and news of builds sent to them.

Each open page holds one `EventSource` connection, answered by one HTTP thread that waits on its
subscription's queue. The connection says which article and pane the page shows, which is how the
builder knows what to build first after a save.
"""

from __future__ import annotations

import json
import queue
import threading
from dataclasses import dataclass, field
from typing import Any


@dataclass(eq=False, slots=True)
class Subscription:
    """One open page: the index (`key` None) or an article page showing `pane`."""

    key: str | None
    pane: str | None
    queue: queue.Queue[bytes | None] = field(default_factory=queue.Queue)


class Hub:
    """Every open page, thread-safe; `close` ends every stream (the server is stopping)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._subscriptions: list[Subscription] = []
        self._closed = False

    def subscribe(self, key: str | None, pane: str | None) -> Subscription:
        subscription = Subscription(key, pane)
        with self._lock:
            if self._closed:
                subscription.queue.put(None)
            self._subscriptions.append(subscription)
        return subscription

    def unsubscribe(self, subscription: Subscription) -> None:
        with self._lock:
            if subscription in self._subscriptions:
                self._subscriptions.remove(subscription)

    def visible(self, key: str) -> set[str]:
        """The formats open pages show of article `key` (build these first)."""
        with self._lock:
            return {s.pane for s in self._subscriptions if s.key == key and s.pane}

    def watched(self) -> set[str]:
        """The articles some page shows."""
        with self._lock:
            return {s.key for s in self._subscriptions if s.key is not None}

    def publish(self, key: str, event: str, data: Any) -> None:
        """Send `data` (as JSON) to the pages of article `key` and to the index pages."""
        message = frame(event, json.dumps(data, ensure_ascii=False))
        with self._lock:
            for subscription in self._subscriptions:
                if subscription.key in (None, key):
                    subscription.queue.put(message)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            for subscription in self._subscriptions:
                subscription.queue.put(None)


def frame(event: str, data: str) -> bytes:
    """One event in the text/event-stream format (each line of data gets its own `data:` field)."""
    lines = "".join(f"data: {line}\n" for line in data.split("\n"))
    return f"event: {event}\n{lines}\n".encode()


#: A comment line: keeps proxies from timing out and finds closed connections (the write fails).
PING = b": ping\n\n"
