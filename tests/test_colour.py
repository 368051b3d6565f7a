"""Colour profiles: photos tagged Adobe RGB or Display P3 are shown in sRGB."""

from __future__ import annotations

from PIL import Image, ImageCms

from photoclip import colour
from tests.helpers import rgb_profile

DISPLAY_P3 = ((0.5151, 0.2412, -0.0011), (0.2920, 0.6922, 0.0419), (0.1571, 0.0666, 0.7841))


def _pixel(image: Image.Image) -> tuple[int, int, int]:
    return image.getpixel((0, 0))


def test_an_adobe_rgb_picture_is_shown_more_saturated_in_srgb():
    muted_red = Image.new("RGB", (8, 8), (200, 60, 60))

    shown = colour.to_srgb(muted_red, rgb_profile())

    red, green, blue = _pixel(shown)
    assert red >= 220 and green <= 60 and blue <= 60  # the wider gamut's red is redder than sRGB's (200, 60, 60)
    assert shown.size == muted_red.size and shown.mode == "RGB"


def test_a_display_p3_picture_is_converted_and_greys_stay_grey():
    profile = rgb_profile("Display P3", DISPLAY_P3, gamma=2.2)

    assert _pixel(colour.to_srgb(Image.new("RGB", (2, 2), (200, 60, 60)), profile))[0] > 210
    grey = _pixel(colour.to_srgb(Image.new("RGB", (2, 2), (128, 128, 128)), profile))
    assert max(grey) - min(grey) <= 2 and abs(grey[0] - 128) <= 4


def test_srgb_no_profile_and_broken_profiles_leave_the_picture_as_it_is():
    picture = Image.new("RGB", (4, 4), (200, 60, 60))
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    truncated = rgb_profile()[:200]

    for icc in (None, b"", srgb, truncated, b"not a profile at all", b"\0" * 128):
        assert colour.to_srgb(picture, icc) is picture


def test_a_grey_profile_or_a_grey_picture_is_not_converted():
    grey_picture = Image.new("L", (4, 4), 90)
    assert colour.to_srgb(grey_picture, rgb_profile()) is grey_picture

    lab = ImageCms.ImageCmsProfile(ImageCms.createProfile("LAB")).tobytes()
    picture = Image.new("RGB", (4, 4), (10, 200, 30))
    assert colour.to_srgb(picture, lab) is picture


def test_a_profile_is_parsed_once_for_all_the_photos_that_carry_it():
    profile = rgb_profile("Camera RGB")
    colour._transform_to_srgb.cache_clear()

    for shade in range(5):
        colour.to_srgb(Image.new("RGB", (2, 2), (shade, 90, 90)), bytes(profile))

    info = colour._transform_to_srgb.cache_info()
    assert (info.misses, info.hits) == (1, 4)
