"""What a sanitizer removed from raw HTML fragments, and where: for the one warning that says so.

nh3 says nothing about what it removed, so both sides are inventoried with the standard library's
tokenizer (fed fragment by fragment, so a `<script>` spanning fragments stays one) and compared:
elements, attributes, URL schemes and style properties that are fewer afterwards were removed.
Counting what happened, rather than predicting it from the policy, keeps the warning true to the
output; the policy only says which elements' attributes count (a removed `<form>` is reported as
one element, not also as its `action` attribute).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from html.parser import HTMLParser

from publish.normalize.html_policy import URL_ATTRIBUTES, Policy, url_scheme

Kind = tuple[str, str]
"""(`element` | `attribute` | `url` | `style`, a tag, attribute, scheme or property name)."""

Where = tuple[int, int]
"""(fragment index, line within the fragment, 0-based)."""


def removed(before: Sequence[str], after: Sequence[str], policy: Policy) -> dict[Kind, list[Where]]:
    """Each kind of thing fewer in `after` than in `before`, with where each removed one was."""
    found = _Inventory(policy).run(before)
    kept = _Inventory(policy).run(after)
    kept_per_node = Counter((kind, node) for kind, where in kept.items() for node, _ in where)
    gone: dict[Kind, list[Where]] = {}
    for kind, where in found.items():
        lost = len(where) - len(kept.get(kind, []))
        if lost <= 0:
            continue
        excess: list[Where] = []
        per_node: dict[int, list[Where]] = defaultdict(list)
        for node, line in where:
            per_node[node].append((node, line))
        for node, places in per_node.items():
            excess.extend(places[kept_per_node[(kind, node)]:])
        gone[kind] = (excess or where)[:lost]
    return gone


class _Inventory(HTMLParser):
    """Start tags, their attributes, URL schemes and style properties, with their fragment and line."""

    def __init__(self, policy: Policy) -> None:
        super().__init__(convert_charrefs=True)
        self.policy = policy
        self.found: dict[Kind, list[Where]] = defaultdict(list)
        self.node = 0
        self.lines_before = 0
        #: Open elements whose content is dropped with them: nothing inside counts on its own.
        self.skipping: list[str] = []

    def run(self, fragments: Sequence[str]) -> dict[Kind, list[Where]]:
        for index, fragment in enumerate(fragments):
            self.node = index
            self.feed(fragment)
            self.lines_before += fragment.count("\n")
        self.close()
        return dict(self.found)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._start(tag, attrs, void=False)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._start(tag, attrs, void=True)

    def handle_endtag(self, tag: str) -> None:
        if self.skipping and self.skipping[-1] == tag:
            self.skipping.pop()

    def _start(self, tag: str, attrs: list[tuple[str, str | None]], void: bool) -> None:
        if self.skipping:
            if tag == self.skipping[-1] and not void:
                self.skipping.append(tag)
            return
        where = (self.node, self.getpos()[0] - 1 - self.lines_before)
        self.found[("element", tag)].append(where)
        if tag in self.policy.dropped_with_content:
            if not void:
                self.skipping.append(tag)
            return
        if tag not in self.policy.tags:
            return
        for name, value in attrs:
            scheme = url_scheme(value or "") if name in URL_ATTRIBUTES else None
            if scheme is not None:
                self.found[("url", scheme)].append(where)
            elif name == "style":
                for declaration in (value or "").split(";"):
                    prop, sep, _ = declaration.partition(":")
                    if sep and prop.strip():
                        self.found[("style", prop.strip().lower())].append(where)
            else:
                self.found[("attribute", name)].append(where)
