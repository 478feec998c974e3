"""The EPUB exporter's parts: XHTML repair, chapter split, images, math, the reproducible package."""
