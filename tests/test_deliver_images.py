"""Images as WeChat's upload endpoints take them (`publish/deliver/images.py`): JPG or PNG of at
most 1 MB, whatever the writer's file was; and the cover drawn for an article without images."""

from __future__ import annotations

import io
import random
from pathlib import Path

import pytest
from PIL import Image

from publish.deliver import images
from publish.deliver.images import MAX_BYTES, NotAnImage
from publish.exporters.snippet import theme
from publish.runtime.resources import Resolver


def _encoded(picture: Image.Image, kind: str, **options: object) -> bytes:
    out = io.BytesIO()
    picture.save(out, kind, **options)
    return out.getvalue()


def _noise(size: tuple[int, int], mode: str = "RGB") -> Image.Image:
    channels = len(mode)
    return Image.frombytes(mode, size, random.Random(3).randbytes(size[0] * size[1] * channels))


def _read(data: bytes) -> Image.Image:
    picture = Image.open(io.BytesIO(data))
    picture.load()
    return picture


@pytest.fixture
def resolver(tmp_path: Path) -> Resolver:
    return Resolver(root=tmp_path)


def test_a_small_png_or_jpeg_is_sent_as_it_is(resolver: Resolver, tmp_path: Path) -> None:
    data = _encoded(Image.new("RGB", (40, 30), "red"), "JPEG")
    prepared = images.for_wechat(data, "img/photo.jpeg", resolver, tmp_path)
    assert (prepared.data, prepared.name, prepared.media_type, prepared.change) == (data, "photo.jpg", "image/jpeg", "")


def test_a_gif_becomes_a_png_of_its_first_frame(resolver: Resolver, tmp_path: Path) -> None:
    frames = [Image.new("P", (30, 30), i) for i in (5, 9)]
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:])
    prepared = images.for_wechat(out.getvalue(), "anim.gif", resolver, tmp_path)
    assert (prepared.name, prepared.media_type, prepared.change) == ("anim.png", "image/png", "GIF → PNG")
    assert _read(prepared.data).format == "PNG"


def test_a_transparent_webp_becomes_a_png(resolver: Resolver, tmp_path: Path) -> None:
    data = _encoded(Image.new("RGBA", (50, 50), (0, 128, 0, 100)), "WEBP")
    prepared = images.for_wechat(data, "a.webp", resolver, tmp_path)
    picture = _read(prepared.data)
    assert picture.format == "PNG" and picture.mode == "RGBA"


@pytest.mark.parametrize(("kind", "mode"), [("JPEG", "RGB"), ("PNG", "RGB"), ("PNG", "RGBA")])
def test_a_file_over_1_mb_is_made_to_fit(resolver: Resolver, tmp_path: Path, kind: str, mode: str) -> None:
    data = _encoded(_noise((1800, 1400), mode), kind, **({"quality": 95} if kind == "JPEG" else {}))
    assert len(data) > MAX_BYTES
    prepared = images.for_wechat(data, f"big.{kind.lower()}", resolver, tmp_path)
    picture = _read(prepared.data)
    assert len(prepared.data) <= MAX_BYTES
    assert picture.format in ("JPEG", "PNG")
    assert picture.width <= images.MAX_WIDTH
    assert "MB" in prepared.change


def test_bytes_that_are_no_image_are_refused(resolver: Resolver, tmp_path: Path) -> None:
    with pytest.raises(NotAnImage):
        images.for_wechat(b"hello", "a.png", resolver, tmp_path)


def test_the_dry_run_says_what_will_change() -> None:
    assert images.change(_encoded(Image.new("RGB", (9, 9)), "PNG")) == ""
    assert images.change(_encoded(Image.new("P", (9, 9)), "GIF")) == "GIF → PNG"
    assert images.change(b"<svg xmlns='http://www.w3.org/2000/svg'/>") == "SVG → PNG"


@pytest.mark.slow
def test_an_svg_is_drawn_and_reads_nothing_outside_the_root(resolver: Resolver, tmp_path: Path) -> None:
    secret = tmp_path.parent / "outside.png"
    Image.new("RGB", (100, 50), (0, 255, 0)).save(secret)
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="200" height="100">'
           f'<rect width="200" height="100" fill="#0000ff"/>'
           f'<image xlink:href="file://{secret}" x="0" y="0" width="100" height="50"/></svg>').encode()
    prepared = images.for_wechat(svg, "chart.svg", resolver, tmp_path)
    picture = _read(prepared.data).convert("RGB")
    assert (prepared.name, prepared.change) == ("chart.png", "SVG → PNG")
    assert picture.size == (200, 100)
    assert picture.getpixel((20, 20)) == (0, 0, 255)  # the outside file was not drawn


@pytest.mark.slow
def test_the_generated_cover_is_the_banner_in_the_theme_colour(resolver: Resolver) -> None:
    colours = theme.colours("default", "#aa2200")
    prepared = images.cover("标题 Title", colours, "sans-serif", resolver)
    picture = _read(prepared.data).convert("RGB")
    assert picture.size == images.COVER_SIZE
    assert picture.getpixel((5, 5)) == (0xAA, 0x22, 0x00)
    extremes = picture.crop((60, 150, 840, 230)).convert("L").getextrema()
    assert extremes[1] - extremes[0] > 100  # the title is drawn, light on the colour
