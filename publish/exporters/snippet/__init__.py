"""What the HTML snippets for platform editors share (WeChat, Zhihu) with the picture formats:
the WeChat themes and their colours, lxml tree helpers, figures, links as notes, math as SVG."""
