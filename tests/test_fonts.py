"""Font stacks by language: the CJK face of the article's language first, else the fallback face."""

from __future__ import annotations

import pytest

from publish.render import fonts


def cjk(families: list[str]) -> list[str]:
    return [f for f in families if "CJK" in f]


@pytest.mark.parametrize(("language", "face"), [("zh-CN", "SC"), ("zh-Hant-TW", "TC"), ("zh-HK", "TC"),
                                                ("ja", "JP"), ("ko-KR", "KR")])
def test_a_cjk_language_puts_its_own_face_first(language: str, face: str) -> None:
    """Its quotes and dashes (“”—…) are then drawn by the CJK face, full width, not the Latin one."""
    for style in ("serif", "sans"):
        families = fonts.stack(language, style, platform=True, fallback="KR" if face != "KR" else "SC")
        assert families[0] == f"Noto {style.title()} CJK {face}"
        assert cjk(families) == [families[0]]


@pytest.mark.parametrize("fallback", fonts.CJK_FACES)
def test_other_languages_get_the_fallback_face_after_the_latin_faces(fallback: str) -> None:
    for style in ("serif", "sans", "mono"):
        families = fonts.stack("en", style, platform=True, fallback=fallback)
        [face] = cjk(families)
        assert face.endswith(f"CJK {fallback}")
        latin = families.index(face)
        assert latin > 0 and "DejaVu" in " ".join(families[:latin])  # an installed Latin face first
        assert families.index("Noto Color Emoji") > latin


def test_the_default_fallback_is_simplified_chinese() -> None:
    assert cjk(fonts.stack("en")) == ["Noto Serif CJK SC"]
    assert fonts.stack("en", "sans", platform=True).index("PingFang SC") > fonts.stack(
        "en", "sans", platform=True).index("Noto Sans CJK SC")
