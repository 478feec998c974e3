"""The Typst PDF engine: the normalized AST through pandoc's Typst writer, laid out by Typst.

`clean` makes the AST safe for Typst (which refuses what WeasyPrint forgives), `rawhtml` reads the
author's raw HTML so its words reach the page, `staging` stages the resolved resources in a
temporary root, `inputs` turns options and metadata into the template's input, `subsets` cuts the
Noto CJK faces Typst reads, `compiler` drives the `typst` package, and `engine` puts them together.
"""
