"""The layout engines the paged formats share: WeasyPrint (CSS paged media) and Typst, the page
geometry and options both take, and the rasterizer that turns laid-out pages into PNGs."""
