"""WeasyPrint's PDF fonts, made to copy a font file's bytes only when something reads them.

WeasyPrint's `Font` (weasyprint/pdf/fonts.py) copies the *whole* font file into a `bytes` as soon
as a face is drawn (`self.file_content = get_hb_object_data(self.hb_face)`), then subsets it with
HarfBuzz from the face itself and replaces the copy with the subset: with HarfBuzz subsetting the
copy is never read. A Noto CJK face is a large collection (`.ttc`, every region's glyphs), and
one article draws several (serif regular, bold, synthetic italic, sans bold, mono CJK), each copied
on its own: for a long Chinese post the copies, and the file pages they pull in, would be most of a
worker's memory. Here the copy is deferred until `file_content` is read — by the fontTools paths
(variable, colour and bitmap fonts, `full_fonts`, no HarfBuzz-subset), which then read the very
bytes WeasyPrint would have copied — so every PDF is the same, byte for byte, as without it.

No WeasyPrint option turns the copy off; when its internals differ from what this expects (another
version), nothing is changed and the PDF is made as WeasyPrint makes it, with the memory it takes.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from types import ModuleType
from typing import Any

_ATTRIBUTE = "_publish_file_content"
_MARK = "_publish_lazy_file_content"


class _Unread:
    """The HarfBuzz face whose whole blob `file_content` stands for, not yet copied."""

    __slots__ = ("face",)

    def __init__(self, face: Any) -> None:
        self.face = face


def defer_font_copies(fonts: ModuleType) -> bool:
    """Make `fonts.Font` read its font file lazily; False (and nothing changed) if it cannot.

    `fonts` is `weasyprint.pdf.fonts`. Idempotent.
    """
    font_class = getattr(fonts, "Font", None)
    read = getattr(fonts, "get_hb_object_data", None)
    if not isinstance(font_class, type) or not callable(read):
        return False
    if getattr(font_class, _MARK, False):
        return True
    own = vars(font_class)
    if "__init__" not in own or "file_content" in own or "__slots__" in own:
        return False
    _install(fonts, font_class, read)
    return True


def _install(fonts: ModuleType, font_class: type, read: Callable[..., Any]) -> None:
    in_init = threading.local()
    original_init: Callable[..., None] = vars(font_class)["__init__"]

    def get_hb_object_data(hb_object: Any, ot_color: Any = None, glyph: Any = None) -> Any:
        # Only the whole-face read in `Font.__init__` is deferred; the subset face's read and
        # the colour-glyph reads happen as before.
        if ot_color is None and glyph is None and getattr(in_init, "active", False):
            return _Unread(hb_object)
        return read(hb_object, ot_color, glyph)

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        in_init.active = True
        try:
            original_init(self, *args, **kwargs)
        finally:
            in_init.active = False

    def get_file_content(self: Any) -> Any:
        value = self.__dict__.get(_ATTRIBUTE)
        if isinstance(value, _Unread):
            value = self.__dict__[_ATTRIBUTE] = read(value.face)
        return value

    def set_file_content(self: Any, value: Any) -> None:
        self.__dict__[_ATTRIBUTE] = value

    fonts.get_hb_object_data = get_hb_object_data  # type: ignore[attr-defined]
    font_class.__init__ = __init__  # type: ignore[misc]
    font_class.file_content = property(get_file_content, set_file_content)  # type: ignore[attr-defined]
    setattr(font_class, _MARK, True)
