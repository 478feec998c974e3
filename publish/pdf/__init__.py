"""The PDF exporter's parts: WeasyPrint rendering, resource fetching, page layout, font coverage."""
