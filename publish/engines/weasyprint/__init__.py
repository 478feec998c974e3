"""WeasyPrint, driven: imported fast, fetching only through the `Resolver`, its logs kept as
warnings, its fonts copied lazily."""
