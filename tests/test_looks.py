"""Looks: copies of a photo look alike however they were resized, re-compressed, brightened or
trimmed; different photos of the same subject do not, nor do a blank page and a photo."""

from __future__ import annotations

import io
import random

import numpy as np
import pytest
from PIL import Image, ImageEnhance, ImageOps

from photoclip import looks
from tests.helpers import circle_on_snow, lost_band, oval


def jpeg_again(image: Image.Image, quality: int) -> Image.Image:
    data = io.BytesIO()
    image.save(data, "JPEG", quality=quality)
    return Image.open(io.BytesIO(data.getvalue())).convert("RGB")


def trimmed(image: Image.Image, left: float, top: float, right: float, bottom: float) -> Image.Image:
    w, h = image.size
    return image.crop((int(w * left), int(h * top), w - int(w * right), h - int(h * bottom)))


COPIES = {
    "saved smaller": lambda im: im.resize((im.width // 3, im.height // 3), Image.Resampling.BICUBIC),
    "re-compressed": lambda im: jpeg_again(im, 40),
    "brightened": lambda im: ImageEnhance.Brightness(im).enhance(1.25),
    "less contrast": lambda im: ImageEnhance.Contrast(im).enhance(0.7),
    "black and white": lambda im: im.convert("L"),
    "trimmed unevenly": lambda im: trimmed(im, 0.06, 0.02, 0.03, 0.05),
    "sent by a messenger": lambda im: jpeg_again(trimmed(im, 0.01, 0.01, 0.01, 0.01).resize((320, 240)), 55),
}


@pytest.mark.parametrize("change", list(COPIES))
def test_copies_look_alike(change: str) -> None:
    photo = circle_on_snow(0.67, texture=1)
    copy = COPIES[change](photo)
    assert looks.likeness(looks.look_of(photo), looks.look_of(copy)) >= 0.95
    assert looks.likeness(looks.look_of(copy), looks.look_of(photo)) >= looks.ALIKE


def test_a_crop_looks_the_same_only_when_trimmed_as_crops_are_not_copies() -> None:
    """A copy keeps its photo's frame (COPY_TRIMS); a crop of 3% a side, of fields of colour
    as busy as a photo's at a look's scale, looks the same only trimmed as crops may be."""
    cells = np.random.default_rng(7).integers(0, 256, (12, 16, 3), dtype=np.uint8)
    photo = Image.fromarray(cells).resize((640, 480), Image.Resampling.BICUBIC)
    crop = photo.crop((19, 14, 621, 466))
    resized = photo.resize((320, 240), Image.Resampling.BICUBIC)
    first, cropped, smaller = (looks.prepare(looks.look_of(image)) for image in (photo, crop, resized))
    assert looks.compare(first, cropped, looks.COPY_TRIMS) < looks.SAME <= looks.compare(first, cropped)
    assert looks.compare(first, smaller, looks.COPY_TRIMS) >= looks.TWIN


def test_the_same_subject_moved_across_the_frame_does_not_look_alike() -> None:
    low, high = circle_on_snow(0.67, texture=1), circle_on_snow(0.30, texture=2)
    assert looks.likeness(looks.look_of(low), looks.look_of(high)) < 0.5


def test_a_look_is_a_small_grey_thumbnail_of_any_image() -> None:
    rgba = Image.new("RGBA", (300, 200), (255, 0, 0, 128))
    for image in (rgba, rgba.convert("P"), rgba.convert("L"), Image.new("1", (7, 5))):
        assert len(looks.look_of(image)) == looks.SIDE * looks.SIDE


def test_blank_pages_look_alike_and_unlike_photos_or_dark_frames() -> None:
    white = looks.look_of(Image.new("RGB", (800, 600), (250, 250, 250)))
    paper = looks.look_of(Image.new("RGB", (640, 480), (244, 244, 240)))
    black = looks.look_of(Image.new("RGB", (800, 600), (5, 5, 5)))
    photo = looks.look_of(circle_on_snow(0.5, texture=3))
    assert looks.likeness(white, paper) == 1.0
    assert looks.likeness(white, black) == 0.0
    assert looks.likeness(white, photo) == 0.0 and looks.likeness(photo, black) == 0.0


def test_looks_prepared_many_at_once_are_as_each_prepared_alone() -> None:
    """A duplicate search prepares a library's looks a stack at a time: each must compare exactly
    as when prepared alone, or the groups found would change with how many were asked for."""
    rng = np.random.default_rng(8)
    stored = [looks.look_of(circle_on_snow(0.3 + 0.001 * n, texture=n % 5)) for n in range(40)]
    stored += [rng.integers(0, 256, looks.SIDE ** 2, dtype=np.uint8).tobytes() for _ in range(260)]
    stored += [bytes(looks.SIDE ** 2), bytes([200]) * looks.SIDE ** 2]  # flat: a black frame, a blank page
    together = looks.prepare_many(stored)
    for look, prepared in zip(stored, together, strict=True):
        alone = looks.prepare(look)
        assert np.array_equal(prepared.views, alone.views) and np.array_equal(prepared.grid, alone.grid)
        assert (prepared.flat, prepared.mean) == (alone.flat, alone.mean)
    assert [p.flat for p in together[-2:]] == [True, True]


def test_a_look_of_the_wrong_size_is_refused() -> None:
    with pytest.raises(ValueError, match="1024 bytes"):
        looks.likeness(b"\x00" * 10, b"\x00" * 1024)


@pytest.mark.parametrize(("share", "at_top"), [(0.07, False), (0.1, False), (0.07, True)])
def test_a_photo_that_lost_a_band_looks_the_same_as_its_intact_copy_over_the_rows_both_hold(
    share: float, at_top: bool
) -> None:
    photo = circle_on_snow(0.5, texture=2)
    intact, damaged = looks.prepare(looks.look_of(photo)), looks.prepare(looks.look_of(lost_band(photo, share, at_top)))
    assert looks.compare(intact, damaged) < looks.SAME <= looks.compare_held(intact, damaged)
    assert looks.compare_held(damaged, intact) == looks.compare_held(intact, damaged)


def test_over_the_rows_both_hold_a_moved_subject_still_does_not_look_the_same() -> None:
    moved = looks.prepare(looks.look_of(circle_on_snow(0.5, texture=4)))
    damaged = looks.prepare(looks.look_of(lost_band(circle_on_snow(0.45, texture=4), 0.06)))
    assert looks.compare_held(moved, damaged) < looks.SAME


def test_a_tall_oval_and_a_wide_one_do_not_look_alike_though_both_squeeze_to_a_circle() -> None:
    tall, wide = oval((800, 1200)), oval((640, 480))
    assert looks.likeness(looks.look_of(tall), looks.look_of(wide)) >= looks.SAME  # what a square look sees
    shaped = looks.compare_shaped(looks.prepare(looks.look_of(tall)), looks.prepare(looks.look_of(wide)), 800 / 1200,
                                  640 / 480)
    assert shaped < looks.ALIKE


@pytest.mark.parametrize("crop", ["square", "tall"])
def test_a_centre_crop_to_another_shape_looks_like_its_photo(crop: str) -> None:
    photo = circle_on_snow(0.5, texture=3)
    w, h = photo.size
    keep = h if crop == "square" else h * 3 // 4
    cropped = photo.crop(((w - keep) // 2, 0, (w + keep) // 2, h))
    prepared = looks.prepare(looks.look_of(photo)), looks.prepare(looks.look_of(cropped))
    for first, second, shapes in ((0, 1, (w / h, keep / h)), (1, 0, (keep / h, w / h))):
        assert looks.compare_shaped(prepared[first], prepared[second], *shapes) >= looks.SAME


TRANSPOSED = {looks.MIRRORED: Image.Transpose.FLIP_LEFT_RIGHT, looks.TURNED_LEFT: Image.Transpose.ROTATE_90,
              looks.UPSIDE_DOWN: Image.Transpose.ROTATE_180, looks.TURNED_RIGHT: Image.Transpose.ROTATE_270,
              looks.FLIPPED: Image.Transpose.FLIP_TOP_BOTTOM, looks.TRANSPOSED: Image.Transpose.TRANSPOSE,
              looks.TRANSVERSED: Image.Transpose.TRANSVERSE}


@pytest.mark.parametrize("turn", list(TRANSPOSED))
def test_a_turned_look_is_the_look_of_the_photo_flipped_or_turned(turn: int) -> None:
    photo = circle_on_snow(0.4, texture=2)
    photo.paste((20, 20, 20), (0, 0, photo.width // 8, photo.height // 2))  # a dark band: no way round is the same
    look = looks.prepare(looks.look_of(photo))
    turned = looks.prepare(looks.look_of(photo.transpose(TRANSPOSED[turn])))
    assert looks.compare(look, turned) < looks.ALIKE
    assert looks.compare(looks.turned(look, turn), turned) >= 0.999
    assert looks.compare(looks.turned(look, looks.STRAIGHT), look) == pytest.approx(1.0)


def scenes(count: int, seed: int) -> list[Image.Image]:
    from photoclip.tinyclip.scenes import random_scene, render

    rng = random.Random(seed)
    return [render(random_scene(rng), size=96, aspect=4 / 3) for _ in range(count)]


def test_twins_are_the_black_and_white_mirrored_turned_and_brightened_copies_among_many_photos() -> None:
    """Of 80 different photos and copies of six of them, the copies that look the same in grey
    are found, whichever way round or up; different photos whose sketches met are not confirmed."""
    photos = scenes(80, seed=7)
    photos += [photos[3].convert("L"), photos[7].transpose(Image.Transpose.FLIP_LEFT_RIGHT),
               ImageEnhance.Brightness(photos[9]).enhance(1.2), photos[11].transpose(Image.Transpose.ROTATE_90),
               photos[13].transpose(Image.Transpose.ROTATE_180), photos[15].transpose(Image.Transpose.ROTATE_270)]
    copies = {(3, 80), (7, 81), (9, 82), (11, 83), (13, 84), (15, 85)}
    stored = [looks.look_of(photo) for photo in photos]
    pairs = looks.twins(looks.sketches(stored))
    assert copies <= set(pairs)
    prepared = [looks.prepare(look) for look in stored]
    confirmed = {
        (a, b) for a, b in pairs
        if max(looks.compare(prepared[a], looks.turned(prepared[b], turn)) for turn in looks.TURNS) >= looks.TWIN
    }
    assert confirmed == copies


def test_flat_looks_and_a_library_of_one_have_no_twins() -> None:
    blank = looks.look_of(Image.new("RGB", (64, 48), (250, 250, 250)))
    assert looks.twins(looks.sketches([blank, blank, blank])) == []
    assert looks.twins(looks.sketches([looks.look_of(circle_on_snow(0.5, texture=1))])) == []
    assert looks.twins(looks.sketches([])) == []


def test_many_copies_of_one_picture_all_meet_as_twins() -> None:
    """More copies than a sketch's nearest (a picture imported 20 times): each still meets some,
    so that, joined pair by pair, they make one group."""
    photos = scenes(30, seed=9)
    stored = [looks.look_of(photo) for photo in photos] + [looks.look_of(photos[0].convert("L"))] * 20
    pairs = looks.twins(looks.sketches(stored))
    joined = {0}
    for _ in range(len(stored)):
        joined |= {p for pair in pairs if joined & set(pair) for p in pair}
    assert joined == {0, *range(30, 50)}


def test_colours_are_a_small_rgb_thumbnail_of_any_image() -> None:
    rgba = Image.new("RGBA", (300, 200), (255, 0, 0, 128))
    for image in (rgba, rgba.convert("P"), rgba.convert("L"), Image.new("1", (7, 5)), Image.new("CMYK", (9, 9))):
        assert len(looks.colours_of(image)) == looks.COLOURS_SIDE ** 2 * 3


def two_colours(left: tuple[int, int, int], right: tuple[int, int, int]) -> Image.Image:
    image = Image.new("RGB", (160, 120), left)
    image.paste(right, (100, 0, 160, 120))
    return image


@pytest.mark.parametrize(("first", "second", "turn", "one"), [
    ("photo", "black and white", False, True),
    ("photo", "sepia", False, True),
    ("photo", "mirrored", looks.MIRRORED, True),
    ("photo", "mirrored black and white", looks.MIRRORED, True),
    ("photo", "photo", looks.STRAIGHT, True),
    ("photo", "mirrored", looks.STRAIGHT, False),  # the colours are the other way round
    ("photo", "turned left", looks.TURNED_RIGHT, True),  # turned back
    ("photo", "turned left", looks.TURNED_LEFT, False),  # turned further: the green band at the right
    ("photo", "upside down", looks.UPSIDE_DOWN, True),
    ("red shirt", "blue shirt", looks.STRAIGHT, False),
    ("italy", "nigeria", looks.STRAIGHT, False),
])
def test_one_picture_in_colour_is_a_copy_without_colours_or_with_the_same(first, second, turn, one) -> None:
    photo = circle_on_snow(0.4, texture=2)
    photo.paste((30, 160, 40), (0, 0, 120, 480))  # a green band at the left: mirrored, it is at the right
    images = {
        "photo": photo, "black and white": photo.convert("L"),
        "sepia": ImageOps.colorize(photo.convert("L"), (40, 26, 13), (255, 240, 192)),
        "mirrored": photo.transpose(Image.Transpose.FLIP_LEFT_RIGHT),
        "mirrored black and white": photo.convert("L").transpose(Image.Transpose.FLIP_LEFT_RIGHT),
        "turned left": photo.transpose(Image.Transpose.ROTATE_90),
        "upside down": photo.transpose(Image.Transpose.ROTATE_180),
        "red shirt": two_colours((245, 245, 245), (200, 30, 30)),
        "blue shirt": two_colours((245, 245, 245), (30, 60, 200)),
        "italy": two_colours((0, 146, 70), (206, 43, 55)), "nigeria": two_colours((0, 135, 81), (0, 135, 81)),
    }
    colours = looks.colours_of(images[first]), looks.colours_of(images[second])
    assert looks.one_picture_in_colour(*colours, turn) == one


def test_twins_are_all_found_among_many_random_sketches() -> None:
    """Random sketches are the hardest for a graph to search (no structure to follow): 500 twins
    among 20,000 are each found, the same each time."""
    sketches = np.random.default_rng(0).standard_normal((20_000, 63)).astype(np.float32)
    sketches[10_000:10_500] = sketches[:500] * 0.999 + 0.001
    sketches /= np.linalg.norm(sketches, axis=1, keepdims=True)
    found = looks.twins(sketches.astype(np.float16))
    assert {(i, 10_000 + i) for i in range(500)} <= set(found)
    assert looks.twins(sketches.astype(np.float16)) == found


@pytest.mark.parametrize(("change", "same"), [
    ("saved smaller", True), ("re-compressed", True), ("sent by a messenger", True), ("brightened", False)])
def test_a_copy_saved_again_keeps_its_colours_and_one_brightened_does_not(change: str, same: bool) -> None:
    photo = circle_on_snow(0.67, texture=1)
    assert looks.same_colours(looks.colours_of(photo), looks.colours_of(COPIES[change](photo))) is same


def test_a_plain_background_of_another_shade_has_other_colours() -> None:
    sky, paler = Image.new("RGB", (64, 48), (135, 180, 230)), Image.new("RGB", (64, 48), (150, 190, 235))
    assert looks.same_colours(looks.colours_of(sky), looks.colours_of(sky))
    assert not looks.same_colours(looks.colours_of(sky), looks.colours_of(paler))


def banded(width: int, height: int, band: int) -> Image.Image:
    """Rows of two colours, `band` pixels each: where each of a look's rows begins shows."""
    rows = ((np.arange(height) // band) % 2 * 200 + 20).astype(np.uint8)
    grey = np.repeat(rows[:, None], width, axis=1)
    return Image.fromarray(np.stack([grey, 255 - grey, grey // 2], axis=2))


@pytest.mark.parametrize("band", [50, 76])
def test_a_half_size_copy_of_an_odd_sized_photo_is_a_copy_by_its_look_and_colours(band: int) -> None:
    photo = banded(768, 606, band)  # scikit-image's coins, twice: 606 rows do not halve evenly into cells
    half = photo.resize((384, 303), Image.Resampling.LANCZOS)
    assert looks.same_colours(looks.colours_of(photo), looks.colours_of(half))
    assert looks.likeness(looks.look_of(photo), looks.look_of(half)) >= looks.SAME
