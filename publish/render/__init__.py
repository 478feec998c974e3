"""Stage 4, render: the body HTML once per article (pandoc's writer, then Pygments), and the pages
and fonts the HTML-like formats share."""
