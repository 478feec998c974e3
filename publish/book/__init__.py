"""Books: many chapters → one EPUB, PDF, DOCX or HTML page (`publish book PATH`).

A book is read from mdBook's layout (`book.toml` + `src/SUMMARY.md`), HonKit/GitBook's
(`SUMMARY.md` + `book.json`) or a `[book]` table in `publish.toml` (`publish.book.layout`), its
SUMMARY.md with mdBook's grammar (`publish.book.summary`). Each chapter goes through the article
stages of its own (load, mdBook's `{{#include}}` directives in `publish.book.preprocess`, parse,
normalize), in parallel; `publish.book.assemble` then joins the normalized chapters into one
`Article`, the seam every exporter already reads: chapter headings marked `publish-chapter` (where
the EPUB cuts its documents and the PDF starts a page), ids unique across the book, and links to
other chapters made links inside it. `publish.book.build` runs the exporters, the guard and the
atomic write on that one article.
"""
