"""The Typst PDF engine: the normalized AST through pandoc's Typst writer, laid out by Typst.

`clean` makes the AST safe for Typst (which refuses what WeasyPrint forgives), `images` stages the
resolved resources in a temporary root, `inputs` turns options and metadata into the template's
input, `compiler` drives the `typst` package, and `engine` puts them together.
"""
