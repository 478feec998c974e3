"""The article as pictures, for image-first platforms: Xiaohongshu cards and long images.

Both formats are the same machinery with different page geometry, laid out by the PDF's engine
(`publish.engines.options.engine_for`): the shared page with a stylesheet of their own through
WeasyPrint (`layout`), or the AST through Typst's `picture.typ` (`typeset`); either way PDFium
rasterizes the pages (`publish.engines.raster.Pages`) and Pillow writes optimized PNGs
(`publish.engines.raster`). The cards add a cover and a caption file
(`publish.exporters.xiaohongshu`); the long image is `publish.exporters.longimage`. Typography
therefore matches the PDF's (same fonts, same break rules), and every resource is loaded through
the same resolver.
"""
