"""The article as pictures, for image-first platforms: Xiaohongshu cards and long images.

Both formats are the same machinery with different page geometry: the shared page laid out by
WeasyPrint with a stylesheet of their own (`layout`), the laid-out pages rasterized by PDFium and
written as optimized PNGs (`raster`). The cards add a cover and a caption file (`caption`).
Typography therefore matches the PDF's (same fonts, same break rules), and every resource is
loaded through the same resolver-confined fetcher.
"""
