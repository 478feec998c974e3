"""Themes: CSS, Jinja templates and WeChat style sheets (a data package, see pyproject)."""
