"""The prose of a rendered HTML fragment, as the page's typographic passes see it."""

from __future__ import annotations

from publish.render.html_text import literal_elements, map_prose


def test_only_text_outside_tags_and_literal_elements_is_changed() -> None:
    html = '<p title="a">a<code>a<code>a</code>a</code>a<br/><svg/>a</p><pre>a</pre>a'
    changed = map_prose(html, literal_elements("code", "pre", "svg"), str.upper)
    assert changed == '<p title="a">A<code>a<code>a</code>a</code>A<br/><svg/>A</p><pre>a</pre>A'
