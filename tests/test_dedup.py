"""Duplicate groups, keeper choice and the trash: real hnswlib, real send2trash (into the tests'
own trash, see conftest), real files."""

from __future__ import annotations

import dataclasses
import io
import json
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageEnhance, ImageFilter, ImageOps

from photoclip import dedup, looks
from photoclip.catalog import Photo
from photoclip.dedup import (
    DAMAGED_VOUCH,
    DuplicateGroup,
    best_first,
    find_groups,
    keeper_order,
    look_bar,
    move_to_trash,
    one_name_per_file,
    reads_as_an_edit,
    saved_at_lower_quality,
    why_kept,
)
from photoclip.ids import PhotoId, RootId
from photoclip.vectors import VectorIndex
from photoclip.when import date_in_name
from tests.conftest import TRASH_FILES, TRASH_INFO
from tests.helpers import circle_on_snow, lost_band, natural, on_black, oval, scene_folder, write_photo

APART = 10 * 1_000_000_000  # files written this far apart are not as old as each other (dedup._SAME_TIME_NS)


def photo(pid: int, path: str = "", size: int = 1000, width: int = 100, height: int = 100,
          taken_at: str | None = None, mtime_ns: int = 0, digest: str | None = None, fmt: str = "jpeg",
          damage: str | None = None) -> Photo:
    return Photo(
        PhotoId(pid), RootId(1), Path(path or f"/photos/{pid}.jpg"), size, mtime_ns, digest or f"h{pid}",
        width, height, taken_at, fmt, "indexed", None, damage=damage,
    )


def unit(vectors: np.ndarray) -> np.ndarray:
    return (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)


def towards(vector: np.ndarray, cosine: float, seed: int) -> np.ndarray:
    """A vector exactly `cosine` alike to `vector`."""
    unit_v = vector / np.linalg.norm(vector)
    other = np.random.default_rng(seed).normal(size=vector.shape)
    other -= (other @ unit_v) * unit_v
    return cosine * unit_v + np.sqrt(1 - cosine**2) * other / np.linalg.norm(other)


def index_of(vectors: dict[int, np.ndarray]) -> VectorIndex:
    index = VectorIndex(next(iter(vectors.values())).shape[0])
    index.add(np.array(list(vectors)), unit(np.stack(list(vectors.values()))))
    return index


def groups_of(photos: dict[PhotoId, Photo], vectors: dict[int, np.ndarray], similarity: float, **kwargs):
    """find_groups as the library calls it: the index, and the stored vectors in two chunks."""
    ids = np.array(list(vectors))
    matrix = unit(np.stack(list(vectors.values())))
    chunks = [(ids[:20], matrix[:20]), (ids[20:], matrix[20:])]
    return find_groups(photos, kwargs.pop("same_bytes", []), index_of(vectors), chunks, similarity, **kwargs)


@pytest.fixture
def library_vectors() -> dict[int, np.ndarray]:
    """40 unrelated photos, then two near copies of photo 0 and one of photo 5."""
    rng = np.random.default_rng(3)
    vectors = {i: rng.normal(size=32) for i in range(40)}
    vectors[100] = vectors[0] + rng.normal(scale=0.02, size=32)
    vectors[101] = vectors[0] + rng.normal(scale=0.03, size=32)
    vectors[102] = vectors[5] + rng.normal(scale=0.02, size=32)
    return vectors


def test_near_copies_are_grouped_and_unrelated_photos_are_not(library_vectors) -> None:
    photos = {PhotoId(i): photo(i) for i in library_vectors}
    groups = groups_of(photos, library_vectors, 0.99)
    assert sorted(sorted(g.members) for g in groups) == [[0, 100, 101], [5, 102]]
    assert all(0.99 <= s < 1.0 for g in groups for s in g.similarities)
    assert not any(g.exact for g in groups)


def test_a_lower_similarity_groups_more(library_vectors) -> None:
    rng = np.random.default_rng(9)
    library_vectors[103] = library_vectors[7] + rng.normal(scale=0.25, size=32)  # a burst shot, not a copy
    photos = {PhotoId(i): photo(i) for i in library_vectors}
    strict = groups_of(photos, library_vectors, 0.99)
    loose = groups_of(photos, library_vectors, 0.9)
    assert not any(103 in g.members for g in strict)
    assert any(set(g.members) == {7, 103} for g in loose)


def test_photos_whose_vectors_match_but_whose_looks_differ_are_not_grouped(library_vectors) -> None:
    """The model found 101 alike, but it looks nothing like 0 and 100: not a copy. Photos with no
    look (5 and 102, indexed before looks were kept) are grouped by their vectors alone."""
    low, high = looks.look_of(circle_on_snow(0.67, texture=1)), looks.look_of(circle_on_snow(0.30, texture=2))
    stored = {PhotoId(0): low, PhotoId(100): low, PhotoId(101): high}
    asked: list[set[PhotoId]] = []

    def photo_looks(ids):
        asked.append(set(ids))
        return {pid: stored[pid] for pid in ids if pid in stored}

    photos = {PhotoId(i): photo(i) for i in library_vectors}
    groups = groups_of(photos, library_vectors, 0.99, photo_looks=photo_looks)
    assert sorted(sorted(g.members) for g in groups) == [[0, 100], [5, 102]]
    assert set().union(*asked) == {0, 100, 101, 5, 102}  # only the pairs the vectors found


def test_a_looser_similarity_accepts_copies_cut_closer(library_vectors) -> None:
    """100 is 0 cropped by a fifth of each side: a copy for "near copies (edits, crops)", not
    for the strict default."""
    photo_ = circle_on_snow(0.5, texture=3)
    w, h = photo_.size
    stored = {PhotoId(0): looks.look_of(photo_),
              PhotoId(100): looks.look_of(photo_.crop((w // 5, h // 5, w - w // 5, h - h // 5)))}
    photos = {PhotoId(i): photo(i) for i in library_vectors if i != 101}
    by_look = {pid: stored.get(pid) for pid in photos}

    def grouped(similarity: float) -> bool:
        groups = groups_of(photos, library_vectors, similarity,
                           photo_looks=lambda ids: {p: by_look[p] for p in ids if by_look.get(p)})
        return any({0, 100} <= set(g.members) for g in groups)

    assert looks.likeness(stored[PhotoId(0)], stored[PhotoId(100)]) < look_bar(0.99)
    assert not grouped(0.99) and grouped(0.97)
    assert look_bar(0.97) < look_bar(0.99) == looks.ALIKE and look_bar(0.5) > 0


def pair_of(first: Image.Image, second: Image.Image, cosine: float) -> tuple[dict, dict, Callable]:
    """Photos 0 and 1 of these images' shapes and looks, their vectors `cosine` alike, among ten
    unrelated photos: (photos, vectors, photo_looks) for groups_of."""
    rng = np.random.default_rng(4)
    vectors = {i: rng.normal(size=32) for i in range(2, 12)}
    vectors[0] = rng.normal(size=32)
    vectors[1] = towards(vectors[0], cosine, seed=5)
    photos = {PhotoId(i): photo(i) for i in vectors}
    for pid, image in ((0, first), (1, second)):
        photos[PhotoId(pid)] = photo(pid, width=image.width, height=image.height)
    stored = {PhotoId(0): looks.look_of(first), PhotoId(1): looks.look_of(second)}
    return photos, vectors, lambda ids: {pid: stored[pid] for pid in ids if pid in stored}


@pytest.mark.parametrize("similarity", [0.99, 0.97, 0.94])
def test_a_tall_photo_and_a_wide_one_are_not_copies_however_alike_their_vectors(similarity: float) -> None:
    """A tall oval and a wide one: a weak model finds them 0.995 alike, and squeezed to square
    looks both are one circle."""
    photos, vectors, photo_looks = pair_of(oval((800, 1200)), oval((640, 480)), 0.995)
    assert groups_of(photos, vectors, similarity, photo_looks=photo_looks) == []


def test_a_centre_crop_to_another_shape_is_a_near_copy_but_not_a_copy() -> None:
    """A 3:2 tall crop of a 4:3 photo (the model sees less of it: 0.955 alike) is found by "near
    copies (edits, crops)"; the strict level asks for the same photo, and a crop is not, however
    alike the vectors."""
    image = circle_on_snow(0.5, texture=3)
    w, h = image.size
    keep = h * 2 // 3
    crop = image.crop(((w - keep) // 2, 0, (w + keep) // 2, h))
    photos, vectors, photo_looks = pair_of(image, crop, 0.955)
    assert [sorted(g.members) for g in groups_of(photos, vectors, 0.97, photo_looks=photo_looks)] == [[0, 1]]
    photos, vectors, photo_looks = pair_of(image, crop, 0.995)
    assert groups_of(photos, vectors, 0.99, photo_looks=photo_looks) == []


RECOLOURED = {
    "black and white": lambda image: image.convert("L").convert("RGB"),
    "sepia": lambda image: ImageOps.colorize(image.convert("L"), (40, 26, 13), (255, 240, 192)),
    "mirrored": lambda image: image.transpose(Image.Transpose.FLIP_LEFT_RIGHT),
    "mirrored black and white": lambda image: image.convert("L").transpose(Image.Transpose.FLIP_LEFT_RIGHT),
    "turned left": lambda image: image.transpose(Image.Transpose.ROTATE_90),
    "upside down": lambda image: image.transpose(Image.Transpose.ROTATE_180),
    "turned right in black and white": lambda image: image.convert("L").transpose(Image.Transpose.ROTATE_270),
}


def coloured(first: Image.Image, second: Image.Image) -> Callable:
    """photo_colours for photos 0 and 1 of pair_of."""
    stored = {PhotoId(0): looks.colours_of(first), PhotoId(1): looks.colours_of(second)}
    return lambda ids: {pid: stored[pid] for pid in ids if pid in stored}


@pytest.mark.parametrize("edit", list(RECOLOURED))
def test_a_black_and_white_sepia_mirrored_or_turned_copy_is_a_near_copy_however_far_its_vectors(edit: str) -> None:
    """A model may find a black-and-white, mirrored or turned copy only 0.6 alike: it is the same
    picture in grey (or flipped, or turned), an edit that "near copies (edits, crops)" finds; the strict
    level asks for the same photo. The similarity shown is how alike they look: a page saying
    "60% alike" beside a copy it offers to the trash reads as a mistake."""
    image = circle_on_snow(0.4, texture=3)
    copy = RECOLOURED[edit](image)
    photos, vectors, photo_looks = pair_of(image, copy, 0.6)
    groups = groups_of(photos, vectors, 0.97, photo_looks=photo_looks, photo_colours=coloured(image, copy))
    assert [(g.keeper, g.others) for g in groups] == [(0, (1,))]
    assert groups[0].similarity >= looks.TWIN
    assert groups_of(photos, vectors, 0.99, photo_looks=photo_looks, photo_colours=coloured(image, copy)) == []


@pytest.mark.parametrize("edit", [Image.Transpose.ROTATE_90, Image.Transpose.ROTATE_180])
def test_of_a_photo_and_its_copy_turned_the_original_is_kept(edit) -> None:
    """Which way is up nobody can tell from the files: the copy turned later may be the photo righted,
    or an upright photo turned by mistake (a review found that keeping the later one kept the copy
    turned upside down, and a chat's copy without EXIF over the camera's file)."""
    image = circle_on_snow(0.4, texture=3)
    copy = image.transpose(edit)
    photos, vectors, photo_looks = pair_of(image, copy, 0.8)
    photos[PhotoId(0)] = dataclasses.replace(photos[PhotoId(0)], mtime_ns=10**18, taken_at="2024-05-01T10:00:00")
    photos[PhotoId(1)] = dataclasses.replace(photos[PhotoId(1)], mtime_ns=2 * 10**18, taken_at="2024-05-01T10:00:00")
    groups = groups_of(photos, vectors, 0.97, photo_looks=photo_looks, photo_colours=coloured(image, copy))
    assert [(g.keeper, g.others) for g in groups] == [(0, (1,))]
    assert why_kept(photos[PhotoId(0)], [photos[PhotoId(1)]]) == ["it is the oldest file"]


def clock(hour: int, minute: int) -> Image.Image:
    """A clock face from above, its hands at a time: much like another time turned upside down."""
    import math

    image = Image.new("RGB", (800, 800), (128, 128, 128))
    draw = ImageDraw.Draw(image)
    draw.ellipse((40, 40, 760, 760), fill=(250, 250, 245), outline=(30, 30, 30), width=18)
    for tick in range(60):
        angle, inner = math.radians(tick * 6), 330 if tick % 5 else 300
        draw.line((400 + inner * math.sin(angle), 400 - inner * math.cos(angle), 400 + 345 * math.sin(angle),
                   400 - 345 * math.cos(angle)), fill=(20, 20, 20), width=4 if tick % 5 else 10)
    for angle, length, width in (((hour % 12 + minute / 60) * 30, 180, 22), (minute * 6, 290, 14)):
        hand = math.radians(angle)
        draw.line((400, 400, 400 + length * math.sin(hand), 400 - length * math.cos(hand)), fill=(10, 10, 10),
                  width=width)
    return image.filter(ImageFilter.GaussianBlur(1))


def test_a_subject_alike_turned_is_no_turned_copy() -> None:
    """A clock at 12:30 and one at 6:30 look 0.987 alike with one turned upside down: two photos, which
    "similar shots" grouped as a turned copy. The clock turned is one."""
    half_past_twelve = clock(12, 30)
    for other, copies in ((clock(6, 30), []), (half_past_twelve.transpose(Image.Transpose.ROTATE_180), [[0, 1]])):
        photos, vectors, photo_looks = pair_of(half_past_twelve, other, 0.9)
        groups = groups_of(photos, vectors, 0.95, photo_looks=photo_looks,
                           photo_colours=coloured(half_past_twelve, other))
        assert [sorted(g.members) for g in groups] == copies


def shirt(colour: tuple[int, int, int], flipped: bool = False) -> Image.Image:
    """A shirt-like shape of one colour on a white backdrop, off centre: photographed alike in
    another colour, it is the same picture in grey."""
    image = Image.new("RGB", (480, 360), (245, 245, 245))
    ImageDraw.Draw(image).polygon([(120, 60), (260, 60), (300, 140), (260, 150), (250, 320), (130, 320), (120, 150),
                                   (80, 140)], fill=colour)
    return image.transpose(Image.Transpose.FLIP_LEFT_RIGHT) if flipped else image


@pytest.mark.parametrize("flipped", [False, True])
def test_photos_the_same_in_grey_but_not_in_colour_are_not_copies(flipped: bool) -> None:
    """A red shirt and a blue one photographed alike look the same in grey (and so does one
    mirrored): different photos, however a weak model confuses them. The same photo mirrored
    keeps its colours, and is a copy."""
    red, blue = shirt((200, 30, 30)), shirt((30, 60, 200), flipped)
    assert looks.likeness(looks.look_of(red), looks.look_of(shirt((30, 60, 200)))) >= looks.TWIN
    photos, vectors, photo_looks = pair_of(red, blue, 0.7)
    assert groups_of(photos, vectors, 0.94, photo_looks=photo_looks, photo_colours=coloured(red, blue)) == []
    same = shirt((200, 30, 30), flipped)
    photos, vectors, photo_looks = pair_of(red, same, 0.7)
    groups = groups_of(photos, vectors, 0.94, photo_looks=photo_looks, photo_colours=coloured(red, same))
    assert [sorted(g.members) for g in groups] == [[0, 1]]


def in_other_hues(image: Image.Image, grey: bool) -> Image.Image:
    """`image` with a patch of it in the opposite hues, or grey, each of its pixels as light as it was:
    the same picture in grey, another photo in colour."""
    light, *colour = (np.asarray(band).copy() for band in image.convert("YCbCr").split())
    for band in colour:
        band[100:300, 200:400] = 128 if grey else 255 - band[100:300, 200:400]
    return Image.merge("YCbCr", [Image.fromarray(band) for band in (light, *colour)]).convert("RGB")


@pytest.mark.parametrize("weak_model", [False, True])
def test_a_brightened_and_more_colourful_copy_is_a_near_copy_however_far_its_vectors(weak_model: bool) -> None:
    """A copy brightened a quarter and made a third more colourful keeps its hues (its pale blue sky
    gone white): the demo model finds it 0.91 alike, below what its looks make up for, and its colours
    are not its photo's, so near copies (edits, crops) missed it, though it found the same photo's
    black-and-white copy. A patch of the picture in other hues, or made grey, is another photo,
    however alike in grey."""
    pixels = 40 + np.asarray(colour_fields()) * 0.6
    pixels[:120] = (200, 215, 245)  # the top quarter: two rows of colours' cells
    image = Image.fromarray(pixels.astype(np.uint8))
    edited = ImageEnhance.Color(ImageEnhance.Brightness(image).enhance(1.25)).enhance(1.3)
    photos, vectors, photo_looks = pair_of(image, edited, 0.91)
    colours = coloured(image, edited)
    assert not looks.one_picture_in_colour(colours([PhotoId(0)])[PhotoId(0)], colours([PhotoId(1)])[PhotoId(1)], 0)
    groups = groups_of(photos, vectors, 0.97, photo_looks=photo_looks, photo_colours=colours, weak_model=weak_model)
    assert [(g.keeper, g.others) for g in groups] == [(0, (1,))]
    assert groups_of(photos, vectors, 0.99, photo_looks=photo_looks, photo_colours=colours,
                     weak_model=weak_model) == []
    for grey in (False, True):
        other = in_other_hues(image, grey)
        photos, vectors, photo_looks = pair_of(image, other, 0.91)
        assert looks.likeness(looks.look_of(image), looks.look_of(other)) >= looks.TWIN
        assert groups_of(photos, vectors, 0.94, photo_looks=photo_looks, photo_colours=coloured(image, other),
                         weak_model=weak_model) == []


@pytest.mark.parametrize("change", ["taken days apart", "damaged", "marked distinct", "another shape", "no colours"])
def test_photos_the_same_in_grey_are_not_copies_when_their_dates_shape_damage_or_the_user_say_otherwise(
    change: str
) -> None:
    """Photos indexed before colours were kept have none to tell a black-and-white copy from
    another photo of the same layout in other colours: they are left to their vectors."""
    image = circle_on_snow(0.4, texture=3)
    grey = RECOLOURED["black and white"](image)
    photos, vectors, photo_looks = pair_of(image, grey, 0.6)
    distinct = frozenset()
    photo_colours = coloured(image, grey)
    if change == "taken days apart":
        photos[PhotoId(0)] = dataclasses.replace(photos[PhotoId(0)], taken_at="2024-05-01T10:00:00")
        photos[PhotoId(1)] = dataclasses.replace(photos[PhotoId(1)], taken_at="2024-05-04T10:00:00")
    elif change == "damaged":
        photos[PhotoId(1)] = dataclasses.replace(photos[PhotoId(1)], damage="the file ends early")
    elif change == "marked distinct":
        distinct = frozenset({(PhotoId(0), PhotoId(1))})
    elif change == "another shape":
        photos[PhotoId(1)] = dataclasses.replace(photos[PhotoId(1)], width=grey.width, height=grey.width * 2)
    else:
        photo_colours = lambda ids: {}  # noqa: E731
    assert groups_of(photos, vectors, 0.94, photo_looks=photo_looks, distinct=distinct,
                     photo_colours=photo_colours) == []


def test_a_black_and_white_copy_joins_its_photos_other_copies_in_one_group(library_vectors) -> None:
    """Photo 0 has two near copies (100, 101) and a black-and-white copy (103) the vectors find
    0.5 alike: all four make one group, around the photo kept (5 and its copy 102 another)."""
    library_vectors[103] = towards(library_vectors[0], 0.5, seed=6)
    image = circle_on_snow(0.4, texture=3)
    stored = {PhotoId(pid): looks.look_of(image) for pid in (0, 100, 101)}
    stored[PhotoId(103)] = looks.look_of(image.convert("L"))
    tints = {PhotoId(pid): looks.colours_of(image) for pid in (0, 100, 101)}
    tints[PhotoId(103)] = looks.colours_of(image.convert("L"))
    photos = {PhotoId(i): photo(i, mtime_ns=i * APART) for i in library_vectors}
    groups = groups_of(photos, library_vectors, 0.97,
                       photo_looks=lambda ids: {p: stored[p] for p in ids if p in stored},
                       photo_colours=lambda ids: {p: tints[p] for p in ids if p in tints})
    assert sorted((g.keeper, set(g.others)) for g in groups) == [(0, {100, 101, 103}), (5, {102})]


@pytest.mark.parametrize(("other_y", "similar"), [(0.3, True), (0.2, False)])
def test_at_the_loosest_similarity_photos_laid_out_differently_are_not_similar_shots(other_y, similar) -> None:
    """A weak model finds two undated photos 0.93 alike: a similar shot when the subject moved a
    little (looks 0.69), another photo when the picture is laid out otherwise (0.40)."""
    rng = np.random.default_rng(13)
    vectors = {i: rng.normal(size=32) for i in range(30)}
    vectors[100] = towards(vectors[0], 0.93, seed=3)
    stored = {PhotoId(0): looks.look_of(circle_on_snow(0.45, texture=1)),
              PhotoId(100): looks.look_of(circle_on_snow(other_y, texture=1))}
    photos = {PhotoId(i): photo(i) for i in vectors}
    groups = groups_of(photos, vectors, 0.9, photo_looks=lambda ids: {p: stored[p] for p in ids if p in stored})
    assert [sorted(g.members) for g in groups] == ([[0, 100]] if similar else [])


def test_an_edited_copy_that_looks_the_same_is_a_near_copy_though_its_vectors_are_less_alike(library_vectors) -> None:
    """200 is 10 brightened and trimmed a little: the model's vectors drop to 0.95, but
    the look stays the same, and near copies (edits) take it in. 201 is as alike to 11 by its
    vectors, but its subject moved (a burst shot); 202 to 12 has no look to vouch for it."""
    for new, old in ((200, 10), (201, 11), (202, 12)):
        library_vectors[new] = towards(library_vectors[old], 0.95, seed=new)
    scene = circle_on_snow(0.5, texture=3)
    w, h = scene.size
    edited = ImageEnhance.Brightness(scene.crop((w // 40, h // 40, w - w // 40, h - h // 40))).enhance(1.2)
    stored = {PhotoId(10): looks.look_of(scene), PhotoId(200): looks.look_of(edited),
              PhotoId(11): looks.look_of(circle_on_snow(0.45, texture=4)),
              PhotoId(201): looks.look_of(circle_on_snow(0.55, texture=4))}
    assert looks.likeness(stored[PhotoId(10)], stored[PhotoId(200)]) >= looks.SAME
    assert looks.likeness(stored[PhotoId(11)], stored[PhotoId(201)]) < looks.SAME
    photos = {PhotoId(i): photo(i) for i in library_vectors}
    groups = groups_of(photos, library_vectors, 0.97,
                       photo_looks=lambda ids: {p: stored[p] for p in ids if p in stored})
    members = [set(g.members) for g in groups]
    assert {10, 200} in members
    assert not any(m & {11, 201, 12, 202} for m in members)
    library_vectors[203] = towards(library_vectors[13], 0.99995, seed=203)  # 13 saved again: the same picture
    strictest = groups_of(photos | {PhotoId(203): photo(203)}, library_vectors, 1.0,
                          photo_looks=lambda ids: {p: stored[p] for p in ids if p in stored})
    assert [set(g.members) for g in strictest] == [{13, 203}]  # at 1, an edit is not the same picture


EDITS = {
    "brightened": lambda image: ImageEnhance.Brightness(image).enhance(1.15),
    "warmer": lambda image: Image.merge("RGB", [band.point(lambda v, k=k: min(255, round(v * k)))
                                                 for band, k in zip(image.split(), (1.1, 1.0, 0.8))]),
    "cropped by a tenth a side": lambda image: image.crop(
        (image.width // 10, image.height // 10, image.width - image.width // 10, image.height - image.height // 10)),
    "cropped by 3% a side": lambda image: image.crop(
        (image.width * 3 // 100, image.height * 3 // 100, image.width * 97 // 100, image.height * 97 // 100)),
}


def colour_fields(seed: int = 7) -> Image.Image:
    """Smooth fields of colour, 640 x 480: as much going on at a look's scale as a real photo."""
    cells = np.random.default_rng(seed).integers(0, 256, (12, 16, 3), dtype=np.uint8)
    return Image.fromarray(cells).resize((640, 480), Image.Resampling.BICUBIC)


@pytest.mark.parametrize("weak_model", [False, True])
@pytest.mark.parametrize("edit", list(EDITS))
def test_an_edit_is_a_near_copy_not_a_copy(edit: str, weak_model: bool) -> None:
    """"Copies only" (the default) offers the trash only the same picture saved again: an edit
    the user made (brightened, colours warmed, a tighter crop of the same shape, even by 3%) is their work,
    found by near copies (edits, crops). The model finds each 0.98 alike; a copy saved again
    smaller and more compressed stays a copy."""
    image = colour_fields()
    edited = EDITS[edit](image)
    photos, vectors, photo_looks = pair_of(image, edited, 0.98)
    colours = coloured(image, edited)
    assert groups_of(photos, vectors, 0.99, photo_looks=photo_looks, photo_colours=colours,
                     weak_model=weak_model) == []
    assert [set(g.members) for g in groups_of(photos, vectors, 0.97, photo_looks=photo_looks, photo_colours=colours,
                                              weak_model=weak_model)] == [{0, 1}]
    saved = io.BytesIO()
    image.resize((320, 240)).save(saved, "JPEG", quality=60)
    smaller = Image.open(saved).convert("RGB")
    photos, vectors, photo_looks = pair_of(image, smaller, 0.995)
    groups = groups_of(photos, vectors, 0.99, photo_looks=photo_looks, photo_colours=coloured(image, smaller),
                       weak_model=weak_model)
    assert [set(g.members) for g in groups] == [{0, 1}]


@pytest.mark.parametrize("edit", list(EDITS))
def test_a_looser_similarity_groups_all_a_stricter_one_did_though_an_edit_keeps_its_photos_date(edit: str) -> None:
    """An edit or a crop keeps its photo's date taken, so to the demo model's "also similar shots" the
    two were shots of one burst, which must keep their colours: "near copies" grouped a brightened
    copy and a crop that the looser level left out. Dated as a burst or not, what a stricter
    similarity groups a looser one groups too."""
    image = colour_fields()
    edited = EDITS[edit](image)
    photos, vectors, photo_looks = pair_of(image, edited, 0.98)
    for pid in (0, 1):
        photos[PhotoId(pid)] = dataclasses.replace(photos[PhotoId(pid)], taken_at="2023-03-06T10:03:01")
    grouped = [similarity for similarity in (0.99, 0.97, 0.96, 0.94)
               if groups_of(photos, vectors, similarity, photo_looks=photo_looks,
                            photo_colours=coloured(image, edited), weak_model=True)]
    assert grouped == [0.97, 0.96, 0.94]


def test_a_damaged_copy_is_grouped_by_the_rows_it_holds_though_its_vectors_are_far_less_alike(library_vectors) -> None:
    """300 is 20 cut short: its lower tenth is black, and the model finds it only 0.88 alike.
    The same vectors make no copies of an intact photo, nor of a damaged photo whose subject
    moved (301 and 21), nor below DAMAGED_VOUCH (302 and 22)."""
    for new, old, cosine in ((300, 20, 0.88), (301, 21, 0.88), (302, 22, DAMAGED_VOUCH - 0.01)):
        library_vectors[new] = towards(library_vectors[old], cosine, seed=new)
    scene, other, moved = (circle_on_snow(y, texture=3) for y in (0.5, 0.45, 0.55))
    stored = {PhotoId(20): looks.look_of(scene), PhotoId(300): looks.look_of(lost_band(scene, 0.1)),
              PhotoId(21): looks.look_of(other), PhotoId(301): looks.look_of(lost_band(moved, 0.1)),
              PhotoId(22): looks.look_of(scene), PhotoId(302): looks.look_of(lost_band(scene, 0.1))}

    def grouped(damage: str | None) -> list[set[int]]:
        photos = {PhotoId(i): photo(i, damage=damage if i >= 300 else None) for i in library_vectors}
        groups = groups_of(photos, library_vectors, 0.99,
                           photo_looks=lambda ids: {p: stored[p] for p in ids if p in stored})
        return [set(g.members) for g in groups if set(g.members) & {20, 21, 22, 300, 301, 302}]

    assert grouped("the file ends early; the lower 10% of the image is missing") == [{20, 300}]
    assert grouped(None) == []


def test_a_damaged_photo_is_not_grouped_with_a_shot_taken_a_moment_later_at_a_looser_similarity(
    library_vectors,
) -> None:
    """304 and 305 are 24 taken again, the subject moved one way and the other, 0.95 alike; at
    0.9 (similar shots) the intact 305 is grouped with 24, the damaged 304, maybe the only copy
    of its picture, is not."""
    for new in (304, 305):
        library_vectors[new] = towards(library_vectors[24], 0.95, seed=new)
    scene, up, down = (circle_on_snow(y, texture=3) for y in (0.5, 0.35, 0.6))
    stored = {PhotoId(24): looks.look_of(scene), PhotoId(304): looks.look_of(lost_band(up, 0.1)),
              PhotoId(305): looks.look_of(down)}
    photos = {PhotoId(i): photo(i, damage="the file ends early" if i == 304 else None) for i in library_vectors}
    groups = groups_of(photos, library_vectors, 0.9,
                       photo_looks=lambda ids: {p: stored[p] for p in ids if p in stored})
    members = [set(g.members) for g in groups if set(g.members) & {24, 304, 305}]
    assert members == [{24, 305}]


def bird_in_sky(x: int, y: int) -> Image.Image:
    """A small dark bird somewhere in a clear sky: a look too plain to say where."""
    sky = Image.new("RGB", (640, 480), (135, 180, 230))
    ImageDraw.Draw(sky).ellipse((x, y, x + 8, y + 5), fill=(30, 30, 30))
    return sky


def test_plain_photos_that_look_alike_are_copies_only_when_their_vectors_say_so(library_vectors) -> None:
    """Two shots of a bird in a clear sky (or two pages of text) have looks too plain to tell
    them apart, so the looks cannot vouch for vectors below the similarity asked for: 203 is
    13 shot again, 0.97 alike; 204 is 14 saved again, 0.995 alike."""
    library_vectors[203] = towards(library_vectors[13], 0.97, seed=203)
    library_vectors[204] = towards(library_vectors[14], 0.995, seed=204)
    stored = {PhotoId(13): looks.look_of(bird_in_sky(100, 100)), PhotoId(203): looks.look_of(bird_in_sky(500, 300)),
              PhotoId(14): looks.look_of(bird_in_sky(300, 200)), PhotoId(204): looks.look_of(bird_in_sky(300, 200))}
    assert looks.prepare(stored[PhotoId(13)]).flat and looks.likeness(stored[PhotoId(13)], stored[PhotoId(203)]) == 1
    photos = {PhotoId(i): photo(i) for i in library_vectors}
    groups = groups_of(photos, library_vectors, 0.99,
                       photo_looks=lambda ids: {p: stored[p] for p in ids if p in stored})
    members = [set(g.members) for g in groups if set(g.members) & {13, 14, 203, 204}]
    assert members == [{14, 204}]


@pytest.mark.parametrize("weak_model", [False, True])
def test_a_weak_models_vectors_make_copies_only_of_photos_that_look_the_same(library_vectors, weak_model) -> None:
    """photoclip's demo model finds a ball and a box on black 0.995 alike, and two clear skies
    of other blues (with a bird in each): a copy must look the same to it, and plain looks must
    have the same colours too (at the default, for any model: a sky of another blue is not a
    copy). 302 is 20 resized and saved again."""
    for pid, seed in ((300, 20), (301, 21), (302, 20)):
        library_vectors[pid] = towards(library_vectors[seed], 0.995, seed=pid)
    saved = io.BytesIO()
    on_black("ball").resize((320, 240)).save(saved, "JPEG", quality=60)
    copy = Image.open(saved).convert("RGB")
    other_sky = Image.new("RGB", (640, 480), (150, 170, 215))
    ImageDraw.Draw(other_sky).ellipse((400, 60, 408, 65), fill=(30, 30, 30))
    images = {PhotoId(20): on_black("ball"), PhotoId(300): on_black("box"), PhotoId(302): copy,
              PhotoId(21): bird_in_sky(100, 100), PhotoId(301): other_sky}
    assert looks.likeness(*(looks.look_of(images[PhotoId(p)]) for p in (20, 300))) >= look_bar(0.99)
    assert looks.likeness(*(looks.look_of(images[PhotoId(p)]) for p in (21, 301))) == 1.0
    photos = {PhotoId(i): photo(i) for i in library_vectors}
    groups = groups_of(photos, library_vectors, 0.99, weak_model=weak_model,
                       photo_looks=lambda ids: {p: looks.look_of(images[p]) for p in ids if p in images},
                       photo_colours=lambda ids: {p: looks.colours_of(images[p]) for p in ids if p in images})
    members = [set(g.members) for g in groups if set(g.members) & {20, 21}]
    assert members == ([{20, 302}] if weak_model else [{20, 300, 302}])


def blended(weight: float) -> Image.Image:
    """A landscape of light and shade that is `weight` one scene and the rest another."""
    fields = []
    for seed in (1, 2):
        low = np.random.default_rng(seed).normal(size=(6, 8)).astype(np.float32)
        field = np.asarray(Image.fromarray(low, mode="F").resize((640, 480), Image.Resampling.BICUBIC))
        fields.append((field - field.mean()) / field.std())
    mixed = (1 - weight) * fields[0] + weight * fields[1]
    return Image.fromarray(np.clip(128 + 40 * mixed / mixed.std(), 0, 255).astype(np.uint8)).convert("RGB")


def test_every_copy_in_a_group_is_a_copy_of_the_photo_kept_not_only_of_another_copy(library_vectors) -> None:
    """15, 205 and 206 drift from one scene to another, each a copy of the next by its vectors
    (0.995) and its look, but 206 is not one of 15 (0.98, and it looks different): a group of
    the three would offer 206 to the trash for a photo it is not a copy of."""
    library_vectors[206] = towards(library_vectors[15], 0.98, seed=206)
    library_vectors[205] = library_vectors[15] / np.linalg.norm(library_vectors[15]) + \
        library_vectors[206] / np.linalg.norm(library_vectors[206])
    stored = {PhotoId(15): looks.look_of(blended(0.0)), PhotoId(205): looks.look_of(blended(0.3)),
              PhotoId(206): looks.look_of(blended(0.6))}
    assert looks.likeness(stored[PhotoId(15)], stored[PhotoId(205)]) >= looks.ALIKE
    assert looks.likeness(stored[PhotoId(205)], stored[PhotoId(206)]) >= looks.ALIKE
    assert looks.likeness(stored[PhotoId(15)], stored[PhotoId(206)]) < looks.ALIKE
    photos = {PhotoId(i): photo(i, size=2000 if i == 15 else 1000) for i in library_vectors}
    groups = groups_of(photos, library_vectors, 0.99,
                       photo_looks=lambda ids: {p: stored[p] for p in ids if p in stored})
    [group] = [g for g in groups if set(g.members) & {15, 205, 206}]
    assert group.members == (15, 205) and group.similarity >= 0.99


def test_a_copy_with_other_bytes_is_never_called_the_same_file(library_vectors) -> None:
    """Its vector may equal the keeper's to four places; 1.0 is kept for the same bytes."""
    library_vectors[100] = library_vectors[0] * (1 + 1e-6)
    photos = {PhotoId(i): photo(i) for i in library_vectors}
    [group] = [g for g in groups_of(photos, library_vectors, 0.99) if 0 in g.members]
    assert group.similarities[0] == 0.9999 and not group.exact


def test_the_same_bytes_group_without_vectors_and_are_exact() -> None:
    photos = {PhotoId(1): photo(1, digest="same"), PhotoId(2): photo(2, digest="same"), PhotoId(3): photo(3)}
    [group] = find_groups(photos, [[PhotoId(1), PhotoId(2)]])
    assert group.exact and set(group.members) == {1, 2} and group.similarities == (1.0,)


def test_photos_marked_distinct_are_not_grouped(library_vectors) -> None:
    photos = {PhotoId(i): photo(i) for i in library_vectors}
    groups = groups_of(photos, library_vectors, 0.99, distinct={(PhotoId(5), PhotoId(102))})
    assert sorted(sorted(g.members) for g in groups) == [[0, 100, 101]]


def test_photos_marked_distinct_never_meet_through_a_copy_of_one_of_them(library_vectors) -> None:
    # 102 is a near copy of 5 the user marked different; 103 has 5's very bytes, 104 is 102 again
    library_vectors = {**library_vectors, 103: library_vectors[5], 104: library_vectors[102]}
    photos = {PhotoId(i): photo(i, digest="five" if i in (5, 103) else None) for i in library_vectors}
    groups = groups_of(photos, library_vectors, 0.99, same_bytes=[[PhotoId(5), PhotoId(103)]],
                       distinct={(PhotoId(5), PhotoId(102))})
    grouped = sorted(sorted(g.members) for g in groups)
    assert [0, 100, 101] in grouped
    assert not any({5, 102} <= set(members) for members in grouped), grouped
    assert any({5, 103} <= set(members) for members in grouped)  # the same bytes still go together


def test_only_candidates_are_grouped(library_vectors) -> None:
    """A photo on a drive that is away (not a candidate) is neither grouped nor offered for the trash."""
    photos = {PhotoId(i): photo(i) for i in library_vectors if i != 102}
    groups = groups_of(photos, library_vectors, 0.99, same_bytes=[[PhotoId(5), PhotoId(102)]])
    assert sorted(sorted(g.members) for g in groups) == [[0, 100, 101]]


def test_the_keeper_is_the_largest_then_the_original() -> None:
    small = photo(1, width=800, height=600, size=90_000)
    large = photo(2, width=4000, height=3000, size=3_000_000)
    assert min([small, large], key=keeper_order) is large
    heavier = photo(3, width=4000, height=3000, size=3_500_000)
    assert min([large, heavier], key=keeper_order) is heavier  # less recompressed
    dated = photo(4, taken_at="2024:07:01 10:00:00", mtime_ns=5 * APART)
    undated = photo(5, mtime_ns=1 * APART)
    assert min([undated, dated], key=keeper_order) is dated  # EXIF kept: the original
    older, newer = photo(6, mtime_ns=1 * APART), photo(7, mtime_ns=2 * APART)
    assert min([newer, older], key=keeper_order) is older


def test_the_camera_file_is_kept_over_an_edit_or_export_written_later_with_more_bytes() -> None:
    """An edit saved with the camera's EXIF at a higher quality, and an export to HEIC or PNG,
    have the original's pixels and metadata and more bytes: the file written first is kept."""
    camera = photo(1, "/photos/Camera/IMG_1011.jpg", width=1600, height=1200, size=400_000,
                   taken_at="2023-06-15T10:00:00", mtime_ns=1_000 * APART)
    edit = dataclasses.replace(camera, id=PhotoId(2), path=Path("/photos/Edited/cat_birthday.jpg"), size=520_000,
                               mtime_ns=9_000 * APART)
    heic = dataclasses.replace(camera, id=PhotoId(3), path=Path("/photos/Exports/IMG_1011.heic"), size=650_000,
                               format="heif", mtime_ns=5_000 * APART)
    assert sorted([edit, heic, camera], key=keeper_order) == [camera, heic, edit]


def test_a_macs_copy_named_with_a_number_is_a_copy() -> None:
    """AirDrop's and Finder's "IMG_1234 2.jpg" was kept over the iPhone's photo, as "not named as a copy";
    "moto_backup.jpg" in "dups/" over the camera's, as in an album."""
    for name in ("IMG_1234 2.jpg", "IMG_1234 12.HEIC", "DSC01234 2.JPG", "IMG_1234(1).jpg", "moto_backup.jpg",
                 "IMG_1234-bak.jpg", "dups/IMG_1234.jpg"):
        assert dedup.reads_as_a_copy(Path("/p") / name), name
    for name in ("IMG_1234.jpg", "Trip 2019.jpg", "Hike 2.jpg", "Day 12.jpg", "Apollo 11.jpg", "Mom at 50.jpg"):
        assert not dedup.reads_as_a_copy(Path("/p") / name), name  # a name the user gave
    phone = photo(1, "/photos/IMG_1234.jpg", taken_at="2024-08-15T18:30:12", mtime_ns=9_000 * APART)
    airdropped = dataclasses.replace(phone, id=PhotoId(2), path=Path("/photos/IMG_1234 2.jpg"), mtime_ns=1_000 * APART)
    assert best_first([airdropped, phone]) == [phone, airdropped]
    assert why_kept(phone, [airdropped]) == ["it is not named or filed as a copy"]


@pytest.mark.parametrize("name", ["IMG_E1300.JPG", "IMG_1300-edited.jpg", "IMG_1300-bearbeitet.jpg",
                                  "IMG_E1300 2.JPG", "IMG_1300-edited(1).jpg",  # an edit's copy is an edit too
                                  "IMG_20190704_101500~2.jpg", "PXL_20230706_081010000.PORTRAIT.jpg"])
def test_a_phone_apps_edit_is_no_copy_and_of_near_copies_it_is_kept(name: str) -> None:
    """Apple's IMG_E1300, Google's -edited and ~2 and a Pixel's portrait (the background blurred) are
    the version their users see: at "copies only" a slightly brightened edit was offered to the
    trash; at "near copies" the original was kept."""
    image = circle_on_snow(0.4, texture=3)
    edited = ImageEnhance.Brightness(image).enhance(1.05)
    photos, vectors, photo_looks = pair_of(image, edited, 0.995)
    photos[PhotoId(0)] = dataclasses.replace(photos[PhotoId(0)], path=Path("/photos/IMG_1300.jpg"), mtime_ns=1_000 * APART)
    photos[PhotoId(1)] = dataclasses.replace(photos[PhotoId(1)], path=Path(f"/photos/{name}"), mtime_ns=9_000 * APART)
    colours = coloured(image, edited)
    assert groups_of(photos, vectors, 0.99, photo_looks=photo_looks, photo_colours=colours) == []
    groups = groups_of(photos, vectors, 0.97, photo_looks=photo_looks, photo_colours=colours)
    assert [(g.keeper, g.others) for g in groups] == [(1, (0,))]
    assert why_kept(photos[PhotoId(1)], [photos[PhotoId(0)]]) == ["it is the phone app's edit"]


@pytest.mark.parametrize("shot", ["/photos/Screenshots/coffee.png", "/photos/Screenshot_20230615-031700.png",
                                  "/photos/Screen Shot 2023-06-15 at 03.17.00.png",
                                  "/photos/Bildschirmfoto vom 2023-06-15.png", "/photos/Capture d’écran 1.png"])
def test_a_screenshot_of_a_photo_is_never_kept_over_the_photo(shot: str) -> None:
    """A phone's screenshot of a photo a chat sent has more pixels (the screen's), and a date
    in its name, but shows the photo smaller, between bars."""
    sent = photo(1, "/photos/WhatsApp Images/IMG-20230615-WA0003.jpg", width=1600, height=1200, size=200_000,
                 mtime_ns=1_000 * APART)
    screenshot = photo(2, shot, width=1440, height=3200, size=2_400_000, fmt="png",
                       taken_at="2023-06-15T03:17:00", mtime_ns=900 * APART)
    assert min([screenshot, sent], key=keeper_order) is sent


@pytest.mark.parametrize("copy", ["/photos/Backup copy/IMG_1283.jpg", "/photos/2024/Birthday/IMG_1283 (2).jpg",
                                  "/photos/2024/Birthday/IMG_1283 - Copy.jpg", "/photos/Sicherung/IMG_1283.jpg"])
def test_of_the_same_bytes_copied_with_their_dates_the_one_not_named_a_copy_is_kept(copy: str) -> None:
    original = photo(1, "/photos/2024/Birthday/IMG_1283.jpg", digest="same", mtime_ns=7 * APART)
    backup = photo(2, copy, digest="same", mtime_ns=7 * APART)
    assert min([backup, original], key=keeper_order) is original


def test_of_the_same_bytes_a_copy_dated_only_by_its_name_is_not_kept_over_the_photo() -> None:
    """The Backup copy was kept: its name gave it a date taken, which the photo itself has not."""
    original = photo(1, "/photos/Real photos/chelsea.png", digest="same", mtime_ns=7 * APART, fmt="png")
    name = "IMG_20240815_183012 copy(2).png"
    backup = photo(2, f"/photos/Backup copy/{name}", digest="same", mtime_ns=7 * APART, fmt="png",
                   taken_at=date_in_name(name))
    assert backup.taken_at is not None and best_first([backup, original])[0] is original
    assert why_kept(original, [backup]) == ["it is not named or filed as a copy"]
    dated = dataclasses.replace(original, path=Path("/photos/Real photos/IMG_20240815_183012.png"),
                                taken_at=backup.taken_at)
    assert best_first([backup, dated])[0] is dated


def test_a_phones_photo_named_by_its_exif_date_is_kept_over_a_copy_without_a_date_whatever_its_folder() -> None:
    """A phone names a photo by the second its EXIF date says: taking such a date for the name's lost the original
    to a copy saved again without EXIF."""
    name = "IMG_20240815_183012 (1).jpg"
    original = photo(1, f"/photos/Downloads/{name}", taken_at=date_in_name(name), width=2400, height=1600, mtime_ns=9 * APART)
    saved_again = photo(2, "/photos/Edits/holiday.jpg", width=2400, height=1600, mtime_ns=7 * APART)
    assert best_first([saved_again, original])[0] is original
    assert why_kept(original, [saved_again]) == ["it is the camera's file"]


def test_the_camera_file_is_kept_over_a_bigger_copy_saved_again_without_its_date_and_place() -> None:
    """A PNG or a GIF saved from a camera JPEG has its pixels and more bytes, but not its EXIF."""
    camera = photo(1, "/photos/WP_20130510_001.jpg", size=329_277, taken_at="2013-05-10T15:21:35")
    as_png = photo(2, "/photos/starfish.png", size=1_200_000, fmt="png")
    as_gif = photo(3, "/photos/starfish.gif", size=678_099, fmt="gif")
    assert sorted([as_gif, as_png, camera], key=keeper_order) == [camera, as_png, as_gif]
    placed = dataclasses.replace(as_png, lat=53.5, lon=10.0)
    assert min([as_png, placed], key=keeper_order) is placed


def test_a_camera_raw_is_kept_over_any_jpeg_made_from_it() -> None:
    raw = photo(1, "/photos/DSC_0001.ARW", width=1616, height=1080, size=60_000_000, fmt="raw")  # its preview's size
    export = photo(2, "/exports/DSC_0001.jpg", width=9504, height=6336, size=25_000_000)
    assert min([export, raw], key=keeper_order) is raw


def test_a_damaged_copy_is_never_kept_over_an_intact_one() -> None:
    cut_short = photo(1, width=4000, height=3000, size=3_000_000, fmt="raw",
                      damage="the file ends early; 4% of the image is missing")
    shared = photo(2, width=1600, height=1200, size=300_000)  # smaller, recompressed, but whole
    assert min([cut_short, shared], key=keeper_order) is shared


def test_a_group_lists_the_keeper_first_and_the_most_alike_copy_next(library_vectors) -> None:
    side = {i: 50 if i >= 100 else 100 for i in library_vectors}  # the copies are smaller
    photos = {PhotoId(i): photo(i, width=side[i], height=side[i]) for i in library_vectors}
    group = next(g for g in groups_of(photos, library_vectors, 0.99) if 0 in g.members)
    assert isinstance(group, DuplicateGroup) and group.keeper == 0
    assert list(group.similarities) == sorted(group.similarities, reverse=True)
    assert group.similarity == min(group.similarities)


def test_neighbours_return_each_photo_and_its_nearest(library_vectors) -> None:
    index = index_of(library_vectors)
    labels, sims = index.neighbours(unit(np.stack([library_vectors[0], library_vectors[5]])), k=3)
    assert labels[0, 0] == 0 and set(labels[0, 1:]) == {100, 101}
    assert labels[1, 0] == 5 and labels[1, 1] == 102
    assert np.allclose(sims[:, 0], 1.0, atol=1e-5) and (sims[:, 1] > 0.99).all()


# the trash


def on_disk(path: Path, pid: int) -> Photo:
    st = path.stat()
    return Photo(PhotoId(pid), RootId(1), path, st.st_size, st.st_mtime_ns, "h", 160, 120, None, "jpeg", "indexed",
                 None)


def test_trashed_files_can_be_restored_from_the_system_trash(tmp_path: Path) -> None:
    copy = write_photo(tmp_path / "photos" / "copy-for-trash.jpg", seed=1)
    content = copy.read_bytes()
    result = move_to_trash([on_disk(copy, 1)])
    assert result.trashed == (1,) and result.freed_bytes == len(content) and not result.failed
    assert not copy.exists()
    assert (TRASH_FILES / copy.name).read_bytes() == content
    assert f"Path={copy}" in (TRASH_INFO / f"{copy.name}.trashinfo").read_text()


def test_a_trashed_photos_sidecars_go_with_it_unless_another_file_shares_one(tmp_path: Path) -> None:
    copy = write_photo(tmp_path / "photos" / "IMG_2.jpg", seed=1)
    own, lightroom = tmp_path / "photos" / "IMG_2.jpg.xmp", tmp_path / "photos" / "IMG_2.xmp"
    own.write_bytes(b"<x:xmpmeta>digiKam</x:xmpmeta>")
    lightroom.write_bytes(b"<x:xmpmeta>Lightroom</x:xmpmeta>")
    paired = write_photo(tmp_path / "photos" / "IMG_3.jpg", seed=2)
    (tmp_path / "photos" / "IMG_3.CR2").write_bytes(b"raw")  # its raw shares IMG_3.xmp
    shared = tmp_path / "photos" / "IMG_3.xmp"
    shared.write_bytes(b"<x:xmpmeta>raw and jpeg</x:xmpmeta>")

    assert move_to_trash([on_disk(copy, 1), on_disk(paired, 2)]).trashed == (1, 2)

    assert not own.exists() and not lightroom.exists()
    assert (TRASH_FILES / own.name).read_bytes() == b"<x:xmpmeta>digiKam</x:xmpmeta>"
    assert (TRASH_FILES / lightroom.name).read_bytes() == b"<x:xmpmeta>Lightroom</x:xmpmeta>"
    assert shared.read_bytes() == b"<x:xmpmeta>raw and jpeg</x:xmpmeta>"


def test_a_file_changed_since_it_was_indexed_stays(tmp_path: Path) -> None:
    path = write_photo(tmp_path / "edited.jpg", seed=2)
    seen = on_disk(path, 2)
    write_photo(path, seed=3, size=(200, 150))
    os.utime(path, ns=(seen.mtime_ns + 10**9, seen.mtime_ns + 10**9))
    result = move_to_trash([seen, photo(3, str(tmp_path / "gone.jpg"))])
    assert result.trashed == () and path.exists()
    reasons = dict(result.failed)
    assert "changed since it was indexed" in reasons[path]
    assert reasons[tmp_path / "gone.jpg"] == "the file is gone"


def test_a_copy_stays_unless_the_photo_kept_in_its_stead_is_still_there_as_it_was(tmp_path: Path) -> None:
    kept = [on_disk(write_photo(tmp_path / name, seed=5), pid) for pid, name in ((1, "gone.jpg"), (2, "edited.jpg"))]
    copies = [on_disk(write_photo(tmp_path / "backup" / name, seed=5), pid)
              for pid, name in ((11, "gone.jpg"), (12, "edited.jpg"), (13, "linked.jpg"))]
    (tmp_path / "linked.jpg").symlink_to(copies[2].path)  # kept: a link to the very copy to trash
    linked = on_disk(tmp_path / "linked.jpg", 3)
    kept[0].path.unlink()
    write_photo(kept[1].path, seed=6, size=(200, 150))

    result = move_to_trash(copies, kept_for={11: [kept[0]], 12: [kept[1]], 13: [linked]})

    assert result.trashed == () and all(c.path.exists() for c in copies)
    assert {path for path, _ in result.failed} == {c.path for c in copies}
    assert dict(result.failed)[copies[1].path] == ("edited.jpg, kept in its place, is gone, changed since it was "
                                                   "read, or this very file; look again once photoclip has read it "
                                                   "again")
    intact = on_disk(write_photo(tmp_path / "intact.jpg", seed=5), 4)
    assert move_to_trash(copies[1:2], kept_for={12: [kept[1], intact]}).trashed == ()  # the best one kept changed
    assert move_to_trash(copies[:1], kept_for={11: [intact, kept[0]]}).trashed == (11,)  # an album's copy gone


def test_a_copy_stays_when_the_photo_kept_was_edited_though_a_copy_kept_in_an_album_is_there(tmp_path: Path) -> None:
    """The camera's file, kept, brightened since: its copies of the same bytes went to the trash
    because a quality-60 copy kept in an album was still there, which left no original."""
    keeper = on_disk(write_photo(tmp_path / "DCIM" / "IMG_0004.jpg", seed=5), 1)
    in_album = on_disk(write_photo(tmp_path / "Best of" / "IMG_0004.jpg", seed=5, size=(80, 60)), 2)
    copy = on_disk(write_photo(tmp_path / "Downloads" / "IMG_0004 (1).jpg", seed=5), 3)
    write_photo(keeper.path, seed=6)

    result = move_to_trash([copy], kept_for={3: [keeper, in_album]})

    assert result.trashed == () and copy.path.is_file()


RATED = (b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
         b'<rdf:Description xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmp:Rating="5"/></rdf:RDF></x:xmpmeta>')


def test_a_group_less_photos_that_left_keeps_its_keeper_or_the_copy_next_to_it() -> None:
    photos = {PhotoId(i): photo(i, digest="same" if i < 4 else f"h{i}") for i in range(1, 5)}
    group = DuplicateGroup(PhotoId(1), (PhotoId(2), PhotoId(3), PhotoId(4)), (1.0, 0.999, 0.995), exact=False)
    assert group.without({PhotoId(4)}, photos) == DuplicateGroup(PhotoId(1), (2, 3), (1.0, 0.999), exact=True)
    assert group.without({PhotoId(1)}, photos) == DuplicateGroup(PhotoId(2), (3, 4), (0.999, 0.995), exact=False)
    assert group.without({PhotoId(1), PhotoId(2), PhotoId(3)}, photos) is None


def test_of_copies_alike_in_all_else_the_one_on_the_computers_own_drive_is_kept() -> None:
    """~/Pictures/Camera copied with `cp -a` onto a USB drive, both indexed: the same bytes and
    dates, and the drive's path shorter. The backup drive must not be left the only copy."""
    home = photo(1, "/home/anna/Pictures/Camera/IMG_1000.jpg", digest="same", mtime_ns=5 * APART)
    usb = photo(2, "/media/anna/WD/IMG_1000.jpg", digest="same", mtime_ns=5 * APART)
    assert best_first([usb, home]) == [home, usb]
    assert why_kept(home, [usb]) == ["it is on this computer's own drive"]
    mac = photo(3, "/Volumes/WD/IMG_1000.jpg", digest="same", mtime_ns=5 * APART)
    assert best_first([mac, usb, home])[0] is home


def test_every_place_of_the_keepers_order_says_why_it_wins() -> None:
    assert len(keeper_order(photo(1))) == len(dedup._KEPT_FOR)


def test_why_a_photo_is_kept_is_where_it_first_beats_each_copy(tmp_path: Path) -> None:
    camera = photo(1, "/photos/Camera/IMG_1.jpg", width=4000, height=3000, taken_at="2023-07-01T10:00:00",
                   mtime_ns=1 * APART)
    sent = photo(2, "/photos/WhatsApp Images/IMG-20230702-WA0001.jpg", width=1600, height=1200, mtime_ns=2 * APART)
    backup = dataclasses.replace(camera, id=PhotoId(3), path=Path("/photos/Backup/IMG_1.jpg"))
    resaved = dataclasses.replace(camera, id=PhotoId(4), path=Path("/photos/Edits/IMG_1.jpg"), mtime_ns=5 * APART)
    assert why_kept(camera, [sent, backup, resaved]) == [
        "it is the camera's file", "it is not named or filed as a copy", "it is the oldest file"]
    original = on_disk(write_photo(tmp_path / "2020" / "IMG_7000.jpg", seed=5), 1)
    noted = on_disk(write_photo(tmp_path / "Backup" / "IMG_7000.jpg", seed=5), 2)
    (tmp_path / "Backup" / "IMG_7000.jpg.xmp").write_bytes(RATED)
    assert best_first([original, noted])[0] is noted
    assert why_kept(noted, [original]) == ["another program keeps notes on it (a sidecar)"]


def test_of_the_same_bytes_the_copy_another_program_keeps_notes_on_is_kept(tmp_path: Path) -> None:
    original = on_disk(write_photo(tmp_path / "2020" / "Grandma" / "IMG_7000.jpg", seed=5), 1)
    backup = on_disk(write_photo(tmp_path / "Backup" / "IMG_7000.jpg", seed=5), 2)
    assert best_first([backup, original])[0] is original
    (tmp_path / "Backup" / "IMG_7000.jpg.xmp").write_bytes(RATED)
    assert best_first([original, backup]) == [backup, original]


def test_a_copy_saved_again_at_a_lower_quality_is_not_kept_over_the_camera_file_for_its_notes(tmp_path: Path) -> None:
    """A copy of the same pixels saved again later (more compressed) with a rating on it: the
    camera's file is kept; the copy stays for its notes (move_to_trash)."""
    camera = on_disk(write_photo(tmp_path / "Camera" / "IMG_7000.jpg", seed=5), 1)
    resaved = dataclasses.replace(on_disk(write_photo(tmp_path / "Edits" / "IMG_7000_q60.jpg", seed=5), 2),
                                  hash="other bytes", mtime_ns=camera.mtime_ns + APART, size=camera.size // 3)
    (tmp_path / "Edits" / "IMG_7000_q60.jpg.xmp").write_bytes(RATED)
    assert best_first([resaved, camera]) == [camera, resaved]


def test_a_copy_with_notes_the_photo_kept_has_not_stays_with_them(tmp_path: Path) -> None:
    kept = on_disk(write_photo(tmp_path / "IMG_1.jpg", seed=5, size=(320, 240)), 1)
    copy = on_disk(write_photo(tmp_path / "small" / "IMG_1.jpg", seed=5), 2)
    notes = tmp_path / "small" / "IMG_1.xmp"
    notes.write_bytes(RATED)

    result = move_to_trash([copy], kept_for={2: [kept]})

    assert result.trashed == () and copy.path.exists() and notes.read_bytes() == RATED
    assert dict(result.failed)[copy.path] == ("it holds a rating (5 stars) the photo kept has not; give that one "
                                              "the same, then trash this copy yourself")
    (tmp_path / "IMG_1.xmp").write_bytes(RATED)
    assert move_to_trash([copy], kept_for={2: [kept]}).trashed == (2,) and not notes.exists()


def notes_xmp(rating: str | None = None, caption: str | None = None, label: str | None = None,
              keywords: tuple[str, ...] = ()) -> bytes:
    """An XMP packet as digiKam and Lightroom write one: the rating and label as attributes of
    rdf:Description, the caption (dc:description) and keywords (dc:subject) as elements."""
    attributes = "".join(f' xmp:{name}="{value}"' for name, value in (("Rating", rating), ("Label", label)) if value)
    caption_xml = f"<dc:description><rdf:Alt><rdf:li xml:lang='x-default'>{caption}</rdf:li></rdf:Alt>" \
                  "</dc:description>" if caption else ""
    keywords_xml = f"<dc:subject><rdf:Bag>{''.join(f'<rdf:li>{k}</rdf:li>' for k in keywords)}</rdf:Bag></dc:subject>"
    return ('<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
            '<rdf:Description xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/"'
            f'{attributes}>{caption_xml}{keywords_xml}</rdf:Description></rdf:RDF></x:xmpmeta>').encode()


def test_a_copy_whose_caption_or_rating_the_photo_kept_has_not_stays_wherever_it_keeps_them(tmp_path: Path) -> None:
    """digiKam's sidecar (IMG_1.jpg.xmp) and Lightroom's (IMG_1.xmp) beside both, and XMP in the
    copy's own file: a sidecar beside the photo kept is not enough, it must hold the notes."""
    kept = on_disk(write_photo(tmp_path / "Camera" / "IMG_1000.jpg", seed=5, size=(320, 240)), 1)
    (tmp_path / "Camera" / "IMG_1000.jpg.xmp").write_bytes(notes_xmp(rating="3"))
    digikam = on_disk(write_photo(tmp_path / "small" / "astronaut_small.jpg", seed=5), 2)
    sidecar = tmp_path / "small" / "astronaut_small.jpg.xmp"
    sidecar.write_bytes(notes_xmp("5", "Grandma at the wedding", keywords=("wedding", "grandma")))
    other = on_disk(write_photo(tmp_path / "Camera" / "IMG_1001.jpg", seed=6, size=(320, 240)), 3)
    (tmp_path / "Camera" / "IMG_1001.xmp").write_bytes(notes_xmp(label="Green"))
    lightroom = on_disk(write_photo(tmp_path / "small" / "coffee_small.jpg", seed=6), 4)
    (tmp_path / "small" / "coffee_small.xmp").write_bytes(notes_xmp(caption="Coffee in Lisbon", label="Red"))
    plain = on_disk(write_photo(tmp_path / "Camera" / "IMG_1002.jpg", seed=7, size=(320, 240)), 5)
    embedded = tmp_path / "small" / "IMG_1002_small.jpg"
    Image.open(plain.path).resize((160, 120)).save(embedded, xmp=notes_xmp("-1", "Grandma at the wedding"))
    inside = on_disk(embedded, 6)

    result = move_to_trash([digikam, lightroom, inside], kept_for={2: [kept], 4: [other], 6: [plain]})

    assert result.trashed == () and all(p.path.exists() for p in (digikam, lightroom, inside)) and sidecar.exists()
    assert dict(result.failed) == {
        digikam.path: "it holds a caption and a rating (5 stars) the photo kept has not; give that one the same, "
                      "then trash this copy yourself",
        lightroom.path: "it holds a caption and a colour label (Red) the photo kept has not; give that one the "
                        "same, then trash this copy yourself",
        inside.path: "it holds a caption and a rejected mark the photo kept has not; give that one the same, then "
                     "trash this copy yourself",
    }


def test_a_copy_darktable_or_lightroom_edited_stays_unless_the_photo_kept_was_edited_too(tmp_path: Path) -> None:
    """The history of darktable's sidecar and Lightroom's develop settings are the user's work on that
    file: the copy went to the trash with them (only a sidecar with keywords alone may go)."""
    kept = on_disk(write_photo(tmp_path / "Camera" / "IMG_1.jpg", seed=5, size=(320, 240)), 1)
    darktable = on_disk(write_photo(tmp_path / "dt" / "IMG_1.jpg", seed=5), 2)
    (tmp_path / "dt" / "IMG_1.jpg.xmp").write_bytes(
        b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        b'<rdf:Description xmlns:darktable="http://darktable.sf.net/"><darktable:history><rdf:Seq>'
        b'<rdf:li darktable:operation="exposure" darktable:enabled="1"/></rdf:Seq></darktable:history>'
        b'</rdf:Description></rdf:RDF></x:xmpmeta>')
    lightroom = on_disk(write_photo(tmp_path / "lr" / "IMG_1.jpg", seed=5), 3)
    settings = (b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
                b'<rdf:Description xmlns:crs="http://ns.adobe.com/camera-raw-settings/1.0/" crs:HasSettings="True"'
                b' crs:Exposure2012="+0.50"/></rdf:RDF></x:xmpmeta>')
    (tmp_path / "lr" / "IMG_1.xmp").write_bytes(settings)

    result = move_to_trash([darktable, lightroom], kept_for={2: [kept], 3: [kept]})

    assert result.trashed == () and dict(result.failed) == {
        copy.path: "it holds edits (darktable's or Lightroom's) the photo kept has not; give that one the same, "
                   "then trash this copy yourself" for copy in (darktable, lightroom)}
    (tmp_path / "Camera" / "IMG_1.xmp").write_bytes(settings)
    assert move_to_trash([darktable, lightroom], kept_for={2: [kept], 3: [kept]}).trashed == (2, 3)


def test_a_copy_goes_when_the_photo_kept_holds_its_notes_and_its_keywords_alone_keep_no_copy(tmp_path: Path) -> None:
    """The same caption in another case or spacing, the same label and as high a rating or
    higher, in a sidecar or in the file kept; keywords become the kept photo's tags (Library.trash)."""
    kept = write_photo(tmp_path / "Camera" / "IMG_1000.jpg", seed=5, size=(320, 240))
    exif = Image.Exif()
    exif[0x010E] = "Grandma  at the WEDDING"  # ImageDescription
    Image.open(kept).save(kept, exif=exif)
    (tmp_path / "Camera" / "IMG_1000.jpg.xmp").write_bytes(notes_xmp(rating="5", label="Red"))
    copy = on_disk(write_photo(tmp_path / "small" / "IMG_1000.jpg", seed=5), 2)
    (tmp_path / "small" / "IMG_1000.jpg.xmp").write_bytes(notes_xmp("4", "Grandma at the wedding", "red"))
    tagged = on_disk(write_photo(tmp_path / "small" / "IMG_1000_tagged.jpg", seed=5), 3)
    (tmp_path / "small" / "IMG_1000_tagged.jpg.xmp").write_bytes(notes_xmp(rating="0", keywords=("wedding",)))
    broken = tmp_path / "small" / "IMG_1000_broken.jpg"
    broken.write_bytes(b"\xff\xd8\xff\xe1\x00\x10Exif\x00\x00garbage")
    (tmp_path / "small" / "IMG_1000_broken.jpg.xmp").write_bytes(b"<x:xmpmeta><rdf:RDF><unclosed")
    kept_photo, bare = on_disk(kept, 1), on_disk(write_photo(tmp_path / "IMG_1000.jpg", seed=5, size=(320, 240)), 5)

    result = move_to_trash([copy, tagged, on_disk(broken, 4)], kept_for={2: [kept_photo], 3: [bare], 4: [bare]})

    assert result.trashed == (2, 3, 4) and not result.failed


def test_one_file_reached_by_several_paths_is_not_a_copy_of_itself(tmp_path: Path) -> None:
    real = write_photo(tmp_path / "photos" / "IMG_1.jpg", seed=7)
    (tmp_path / "photos" / "link.jpg").symlink_to(real)
    os.link(real, tmp_path / "photos" / "hard.jpg")
    (tmp_path / "linked folder").symlink_to(tmp_path / "photos")
    paths = [tmp_path / "linked folder" / "IMG_1.jpg", tmp_path / "photos" / "link.jpg",
             tmp_path / "photos" / "hard.jpg", real]
    photos = {PhotoId(i): on_disk(path, i) for i, path in enumerate(paths, 1)}
    copy = write_photo(tmp_path / "backup" / "IMG_1.jpg", seed=7)
    photos[PhotoId(9)] = on_disk(copy, 9)

    kept = one_name_per_file(photos, [[PhotoId(i) for i in (1, 2, 3, 4, 9)]])
    assert {p.path for p in kept.values()} in ({real, copy}, {tmp_path / "photos" / "hard.jpg", copy})
    assert all(os.path.realpath(p.path) == str(p.path) for p in kept.values())  # a real name, never a link


def test_a_file_reached_through_a_linked_folder_goes_by_that_name_not_by_a_link_to_it(tmp_path: Path) -> None:
    """Both names lead through links: the shorter, a link to the file, stood for it, and trashing the link freed
    nothing (the next clean-up found the file again by its other name)."""
    real = write_photo(tmp_path / "elsewhere" / "wine.jpg", seed=7)
    (tmp_path / "photos").mkdir()
    (tmp_path / "photos" / "linked").symlink_to(real.parent)
    (tmp_path / "photos" / "w.jpg").symlink_to(real)
    paths = [tmp_path / "photos" / "w.jpg", tmp_path / "photos" / "linked" / "wine.jpg"]
    photos = {PhotoId(i): on_disk(path, i) for i, path in enumerate(paths, 1)}

    assert [p.path for p in one_name_per_file(photos, [[PhotoId(1), PhotoId(2)]]).values()] == [paths[1]]


def test_a_trash_that_refuses_leaves_the_file_and_says_why(tmp_path: Path) -> None:
    path = write_photo(tmp_path / "p.jpg", seed=4)
    trash = TRASH_FILES.parent
    aside = trash.with_name("Trash-aside")
    if trash.exists():
        trash.rename(aside)
    trash.write_text("not a folder: no trash can be made here")
    try:
        result = move_to_trash([on_disk(path, 4)])
    finally:
        trash.unlink()
        if aside.exists():
            aside.rename(trash)
    assert result.trashed == () and path.exists()
    assert result.failed[0][1].startswith("cannot move it to the trash: ")


def test_a_vector_stored_but_not_yet_in_the_index_waits_for_the_next_look(library_vectors) -> None:
    """Another process may have stored a photo's vector after this one loaded the index."""
    photos = {PhotoId(i): photo(i) for i in library_vectors}
    index = index_of({i: v for i, v in library_vectors.items() if i != 101})
    ids = np.array(list(library_vectors))
    chunks = [(ids, unit(np.stack(list(library_vectors.values()))))]
    groups = find_groups(photos, [], index, chunks, 0.99)
    assert sorted(sorted(g.members) for g in groups) == [[0, 100], [5, 102]]


def test_more_copies_of_one_picture_than_a_photo_has_neighbours_make_one_group(open_library, tmp_path: Path) -> None:
    """A card imported ten times and a picture received ten times (nine the same file, one
    saved again): each copy's nearest neighbours are all of its own kind, yet the twenty are
    one picture, in one group, around the camera's file."""
    folder = tmp_path / "photos"
    scene_folder(folder / "others", seed=2, red_circles=2, others=10)
    picture = circle_on_snow(0.5, texture=5)
    camera = [folder / f"import {i}" / "IMG_0001.jpg" for i in range(10)]
    received = [folder / "chat" / f"IMG-20240701-WA{i:04}.jpg" for i in range(9)]
    for path in camera + received + [folder / "saved again.jpg"]:
        path.parent.mkdir(parents=True, exist_ok=True)
    picture.save(camera[0], "JPEG", quality=95)
    picture.resize((320, 240), Image.Resampling.BICUBIC).save(received[0], "JPEG", quality=70)
    for copies in (camera, received):
        for path in copies[1:]:
            shutil.copyfile(copies[0], path)
    picture.resize((480, 360), Image.Resampling.BICUBIC).save(folder / "saved again.jpg", "JPEG", quality=85)
    library = open_library()
    library.index([folder])

    groups = library.duplicates()

    paths = {pid: p.path for pid, p in library.photos(pid for g in groups for pid in g.members).items()}
    assert [{paths[pid] for pid in g.members} for g in groups] == \
        [{p.resolve() for p in (*camera, *received, folder / "saved again.jpg")}]
    assert paths[groups[0].keeper].name == "IMG_0001.jpg"


def test_a_scan_filed_in_two_folders_of_other_dates_is_one_photo_in_both(open_library, tmp_path: Path) -> None:
    """Each copy took the first day its folder names ("Scans 1998": 1 January, "Christmas 1998": 24
    December): dates of when they were filed, which told the two copies apart as two shots."""
    folder = tmp_path / "photos"
    scene_folder(folder / "others", seed=2, red_circles=2, others=6)
    picture = circle_on_snow(0.5, texture=5)
    scans, album = folder / "Scans 1998" / "scan 12.jpg", folder / "Christmas 1998" / "tree.jpg"
    for path in (scans, album):
        path.parent.mkdir(parents=True)
    picture.save(scans, "JPEG", quality=95)
    picture.resize((480, 360), Image.Resampling.BICUBIC).save(album, "JPEG", quality=80)
    library = open_library()
    library.index([folder])
    assert {library.photo_at(p).taken_at for p in (scans, album)} == {"1998-01-01T00:00:00", "1998-12-24T00:00:00"}

    groups = library.duplicates()

    paths = {pid: p.path for pid, p in library.photos(pid for g in groups for pid in g.members).items()}
    assert [{paths[pid] for pid in g.members} for g in groups] == [{scans.resolve(), album.resolve()}]


def test_a_copy_saved_again_larger_without_the_cameras_metadata_is_not_kept_over_the_camera_file() -> None:
    """An upscaled copy has four times the pixels and more bytes, but no more detail than the
    photo it was made from, and lost its date and place: the camera's file is kept."""
    camera = photo(1, "/photos/DSC_0001.jpg", width=4000, height=3000, size=3_000_000, taken_at="2024-07-01T10:00:00")
    upscaled = photo(2, "/photos/DSC_0001-2x.jpg", width=8000, height=6000, size=9_000_000, mtime_ns=5 * APART)
    as_png = photo(3, "/photos/DSC_0001-2x.png", width=8000, height=6000, size=60_000_000, fmt="png", mtime_ns=5 * APART)
    placed_only = dataclasses.replace(camera, id=PhotoId(4), taken_at=None, lat=46.0, lon=7.7)
    assert sorted([upscaled, as_png, camera], key=keeper_order) == [camera, as_png, upscaled]
    assert min([upscaled, placed_only], key=keeper_order) is placed_only


def test_the_larger_original_is_kept_over_a_copy_made_smaller_whatever_metadata_the_copy_kept() -> None:
    """A copy made smaller that kept the camera's date and place loses to its full-size
    original, and one a chat or a web export made small, with a date, to a full-size file
    without one (a scan)."""
    original = photo(1, "/photos/DSC_0001.jpg", width=4000, height=3000, size=3_000_000, taken_at="2024-07-01T10:00:00")
    smaller = dataclasses.replace(original, id=PhotoId(2), path=Path("/photos/web/DSC_0001.jpg"), width=2400,
                                  height=1800, size=900_000, lat=46.0, lon=7.7)
    assert min([smaller, original], key=keeper_order) is original
    scan = photo(3, "/scans/scan 001.tif", width=5000, height=4000, size=60_000_000, fmt="tiff")
    sent = photo(4, "/photos/IMG-20240701-WA0001.jpg", width=1600, height=1280, size=200_000,
                 taken_at="2024-07-01T00:00:00")
    assert min([sent, scan], key=keeper_order) is scan


def test_the_camera_file_is_kept_over_an_upscaled_copy_of_it(open_library, tmp_path: Path) -> None:
    """Indexed as they are: the camera's JPEG (its date in its EXIF) and a copy saved at twice
    its width and height without it are copies, and the camera's file is the one kept."""
    folder = tmp_path / "photos"
    folder.mkdir()
    picture = circle_on_snow(0.5, texture=6).resize((2048, 1536), Image.Resampling.BICUBIC)
    exif = Image.Exif()
    exif.get_ifd(0x8769)[0x9003] = "2024:07:01 10:00:00"
    picture.save(folder / "IMG_0001.jpg", "JPEG", quality=90, exif=exif)
    with Image.open(folder / "IMG_0001.jpg") as im:
        im.resize((4096, 3072), Image.Resampling.LANCZOS).save(folder / "upscaled.jpg", "JPEG", quality=95)
    library = open_library()
    library.index([folder])

    [group] = library.duplicates()

    photos = library.photos(group.members)
    assert photos[group.keeper].path.name == "IMG_0001.jpg" and photos[group.keeper].taken_at is not None
    assert [photos[pid].path.name for pid in group.others] == ["upscaled.jpg"]


def dated_camera_file(path: Path, quality: int) -> tuple[Path, Image.Exif]:
    """A camera's JPEG of 1024 x 768 with its date taken, at `quality`; and that EXIF, for its copies."""
    exif = Image.Exif()
    exif.get_ifd(0x8769)[0x9003] = "2024:07:01 10:00:00"
    path.parent.mkdir(parents=True)
    circle_on_snow(0.5, texture=6).resize((1024, 768), Image.Resampling.BICUBIC).save(
        path, "JPEG", quality=quality, exif=exif)
    return path, exif


def test_the_camera_file_is_kept_over_its_exports_saved_later_at_a_higher_quality(
    open_library, tmp_path: Path
) -> None:
    """Indexed as they are: an export saved a day later with the camera's EXIF, at a higher
    JPEG quality and as a PNG (both with more bytes), is offered for the trash, not the original."""
    folder = tmp_path / "photos"
    camera, exif = dated_camera_file(folder / "Camera" / "IMG_0001.jpg", quality=80)
    (folder / "Exports").mkdir()
    with Image.open(camera) as im:
        im.save(folder / "Exports" / "IMG_0001.jpg", "JPEG", quality=98, exif=exif)
        im.save(folder / "Exports" / "IMG_0001.png", "PNG", exif=exif)
    day = 86_400
    os.utime(camera, (1_720_000_000, 1_720_000_000))
    for export in (folder / "Exports").iterdir():
        os.utime(export, (1_720_000_000 + day, 1_720_000_000 + day))
    assert all(export.stat().st_size > camera.stat().st_size for export in (folder / "Exports").iterdir())
    library = open_library()
    library.index([folder])

    [group] = library.duplicates()

    photos = library.photos(group.members)
    assert photos[group.keeper].path == camera.resolve()
    assert sorted(photos[pid].path.name for pid in group.others) == ["IMG_0001.jpg", "IMG_0001.png"]


def test_the_camera_file_named_a_copy_is_kept_over_an_export_saved_again_at_a_low_quality(
    open_library, tmp_path: Path
) -> None:
    """The camera's file downloaded twice ("IMG_2004 (1).jpg", its original gone) lost to an export
    saved at quality 60 with its EXIF, for its name: the clean-up trashed the only full-quality file."""
    folder = tmp_path / "photos"
    camera, exif = dated_camera_file(folder / "Downloads" / "IMG_2004 (1).jpg", quality=95)
    (folder / "Exports").mkdir()
    export = folder / "Exports" / "IMG_2004.jpg"
    with Image.open(camera) as im:
        im.save(export, "JPEG", quality=60, exif=exif)
    os.utime(camera, (1_720_000_000, 1_720_000_000))
    os.utime(export, (1_710_000_000, 1_710_000_000))  # older: the copy was downloaded after the export
    library = open_library()
    library.index([folder])

    [group] = library.duplicates()

    photos = library.photos(group.members)
    assert photos[group.keeper].path == camera.resolve() and group.to_trash == group.others
    assert why_kept(photos[group.keeper], [photos[pid] for pid in group.others]) == [
        "it is not saved again at a lower quality"]


def test_a_jpeg_is_saved_at_a_lower_quality_only_well_below_a_copy_of_as_many_pixels(tmp_path: Path) -> None:
    """A camera's 80 exported at 98 lost nothing; at 60, detail went. Files of one bytes are not read."""
    def saved_as(name: str, quality: int, pid: int, size: tuple[int, int] = (320, 240)) -> Photo:
        circle_on_snow(0.5, texture=6).resize(size).save(tmp_path / name, "JPEG", quality=quality)
        return dataclasses.replace(on_disk(tmp_path / name, pid), hash=f"h{pid}", width=size[0], height=size[1])

    saved = {quality: saved_as(f"q{quality}.jpg", quality, n) for n, quality in enumerate((98, 80, 60), start=1)}
    assert saved_at_lower_quality(list(saved.values())) == {saved[60].id}
    assert saved_at_lower_quality([saved[98], saved[80]]) == frozenset()
    small = saved_as("small.jpg", 40, 9, (160, 120))
    assert saved_at_lower_quality([saved[98], small]) == frozenset()  # fewer pixels: told apart by them
    alike = dataclasses.replace(saved[98], id=PhotoId(7), path=tmp_path / "gone.jpg")
    assert saved_at_lower_quality([saved[98], alike]) == frozenset()


TAKEOUT = "beside a Takeout JSON"
MOMENTS = {  # pairs of dates taken (and the second's name where it holds a date, or TAKEOUT); whether the two can be
    # copies of one photo, and similar shots of one occasion
    ("2022-03-02T09:30:00", "2022-03-10T09:30:00"): (False, False),  # a week apart: two shots of one scene
    ("2022-08-01T10:00:07", "2022-08-01T10:00:37"): (False, True),  # the next shot
    ("2022-05-01T10:00:07", "2022-05-01T12:00:07", TAKEOUT): (True, True),  # one moment in two zones (a Takeout's UTC)
    ("2022-05-02T10:00:07", "2022-05-02T11:00:07"): (False, True),  # an hour apart, both the camera's: a time-lapse
    ("2022-06-01T10:00:07", "2022-06-01T00:00:00"): (True, True),  # a chat's copy: the day in its name, no time
    ("2022-06-01T10:00:07", "2022-06-09T00:00:00"): (True, True),  # ... sent a week later
    ("2022-06-01T10:00:07", "2022-05-29T00:00:00"): (False, False),  # ... sent before the photo was taken: another
    ("2022-07-01T10:00:07", "2022-07-01T10:00:08", "IMG_20220701_100008.jpg"): (True, True),  # EXIF and a name's date
    ("2022-07-01T11:00:07", "2022-07-01T11:00:08"): (False, True),  # two shots a second apart, dated by the camera
    ("2022-07-02T10:00:07.000", "2022-07-02T10:00:07.100"): (False, True),  # two frames of a burst, within the second
    ("2022-07-03T10:00:07.250", "2022-07-03T10:00:07.250"): (True, True),  # a copy keeps its SubSecTime
    ("2022-07-04T10:00:07.250", "2022-07-04T10:00:08", "PXL_20220704_100008.jpg"): (True, True),  # ... or a name's
    ("2022-07-04T11:00:07.450", "2022-07-04T11:00:09"): (False, True),  # a burst's frame, and a shot after it
    ("2022-07-05T10:00:07.250", "2022-07-05T12:00:07", TAKEOUT): (True, True),  # ... in another time zone
    ("2023-06-01T10:11:01", "2023-06-02T10:12:02"): (False, True),  # screenshots of two days, named with their times
    ("2023-06-01T18:11:01", "2023-06-03T18:12:02"): (False, False),  # the sunset of two evenings of a trip
    ("2022-09-01T10:00:07", None): (True, True),
}


def second_path(said: tuple[str, ...], where: Path, n: int = 1) -> str:
    """The path of a MOMENTS pair's second photo: named with its date, or beside a Takeout JSON (in
    Takeout's folder of a year, no album: in all else it is its pair's equal)."""
    if not said:
        return ""
    if said[0] == TAKEOUT:
        where = where / "Photos from 2022"
        where.mkdir(exist_ok=True)
        (where / f"IMG_{n}.jpg.json").write_text("{}", encoding="utf-8")
        return str(where / f"IMG_{n}.jpg")
    return f"/photos/{said[0]}"


@pytest.mark.parametrize(("dates", "grouped"), MOMENTS.items())
def test_photos_taken_at_different_moments_are_not_copies_however_alike(dates, grouped, tmp_path: Path) -> None:
    rng = np.random.default_rng(11)
    vectors = {i: rng.normal(size=32) for i in range(30)}
    vectors[100] = towards(vectors[0], 0.998, seed=1)  # as alike as a demo model finds two blue squares
    photos = {PhotoId(i): photo(i) for i in vectors}
    photos[PhotoId(0)] = photo(0, taken_at=dates[0], width=4000, height=3000)
    photos[PhotoId(100)] = photo(100, second_path(dates[2:], tmp_path), taken_at=dates[1], width=4000, height=3000)
    copies, similar = grouped
    assert [(g.keeper, g.others) for g in groups_of(photos, vectors, 0.99)] == ([(0, (100,))] if copies else [])
    assert len(groups_of(photos, vectors, 0.94)) == similar  # similar shots of one occasion, when asked for


def test_a_copy_goes_with_the_photo_it_is_most_a_copy_of_not_the_first_kept() -> None:
    """A chat's copy of a shot (its day only, from its name), a little like the shot taken before
    it, went with that one, kept first: trashing the copy gave its tags to the wrong photo, and
    its own shot was in no group."""
    rng = np.random.default_rng(5)
    vectors = {i: rng.normal(size=32) for i in range(30)}
    first = vectors[0] / np.linalg.norm(vectors[0])
    second = towards(first, 0.99, seed=2)
    angle = np.arccos(0.99)
    vectors[1] = second
    vectors[2] = (np.sin(angle - 0.03) * second + np.sin(0.03) * first) / np.sin(angle)  # 0.03 rad from `second`
    photos = {PhotoId(i): photo(i) for i in vectors}
    photos[PhotoId(0)] = photo(0, taken_at="2024-06-01T10:00:00", width=4000, height=3000, mtime_ns=1 * APART)
    photos[PhotoId(1)] = photo(1, taken_at="2024-06-01T10:00:30", width=4000, height=3000, mtime_ns=2 * APART)
    photos[PhotoId(2)] = photo(2, "/chat/IMG-20240601-WA0001.jpg", taken_at="2024-06-01T00:00:00", width=1600,
                               height=1200, mtime_ns=3 * APART)
    assert float(unit(np.stack([vectors[2]]))[0] @ first) > 0.99  # a copy of the first too, by the vectors
    assert [(g.keeper, g.others) for g in groups_of(photos, vectors, 0.99)] == [(1, (2,))]


def test_a_copy_the_vectors_find_as_alike_to_two_shots_goes_with_the_one_it_looks_like() -> None:
    """A chat's copy of the second of two shots of one scene: the model finds it as alike to either
    shot (0.0002-0.001 apart), its look tells which it is of."""
    from PIL import Image

    rng = np.random.default_rng(8)
    vectors = {i: rng.normal(size=32) for i in range(30)}
    first = vectors[0] / np.linalg.norm(vectors[0])
    vectors[1] = towards(first, 0.995, seed=7)
    vectors[2] = first + vectors[1]  # as alike to each
    shots = circle_on_snow(0.50, texture=4), circle_on_snow(0.53, texture=4)
    stored = {PhotoId(0): looks.look_of(shots[0]), PhotoId(1): looks.look_of(shots[1]),
              PhotoId(2): looks.look_of(shots[1].resize((shots[1].width // 2, shots[1].height // 2), Image.BILINEAR))}
    photos = {PhotoId(i): photo(i) for i in vectors}
    photos[PhotoId(0)] = photo(0, taken_at="2024-06-01T10:00:00", width=4000, height=3000, mtime_ns=1 * APART)
    photos[PhotoId(1)] = photo(1, taken_at="2024-06-01T10:00:30", width=4000, height=3000, mtime_ns=2 * APART)
    photos[PhotoId(2)] = photo(2, "/chat/IMG-20240601-WA0002.jpg", taken_at="2024-06-01T00:00:00", width=1600,
                               height=1200, mtime_ns=3 * APART)
    groups = groups_of(photos, vectors, 0.99, photo_looks=lambda ids: {p: stored[p] for p in ids if p in stored})
    assert [(g.keeper, g.others) for g in groups] == [(1, (2,))]


def test_photos_a_phone_named_with_their_dates_a_second_apart_are_two_shots() -> None:
    """"IMG_20220701_110007.jpg" and "..._110008.jpg" carry the EXIF dates their names say: a
    camera's two shots, not a copy whose date a name gave (the slack of a name's date)."""
    rng = np.random.default_rng(9)
    vectors = {i: rng.normal(size=32) for i in range(30)}
    vectors[1] = towards(vectors[0], 0.998, seed=9)
    photos = {PhotoId(i): photo(i) for i in vectors}
    photos[PhotoId(0)] = photo(0, "/DCIM/IMG_20220701_110007.jpg", taken_at="2022-07-01T11:00:07")
    photos[PhotoId(1)] = photo(1, "/DCIM/IMG_20220701_110008.jpg", taken_at="2022-07-01T11:00:08")
    assert groups_of(photos, vectors, 0.99) == []
    photos[PhotoId(1)] = photo(1, "/sent/IMG_20220701_110008.jpg", taken_at="2022-07-01T11:00:08")
    photos[PhotoId(0)] = photo(0, "/DCIM/DSC_0007.jpg", taken_at="2022-07-01T11:00:07")
    assert [(g.keeper, g.others) for g in groups_of(photos, vectors, 0.99)] == [(0, (1,))]  # its EXIF gone


def test_the_copies_of_a_group_are_of_one_moment_not_only_each_of_the_kept_photos() -> None:
    """A photo dated to the second is at the moment of two burst frames dated to the millisecond
    a third of a second apart; the two frames are no copies of one another, so not in one group."""
    rng = np.random.default_rng(6)
    vectors = {i: rng.normal(size=32) for i in range(30)}
    vectors[1] = towards(vectors[0], 0.998, seed=3)
    vectors[2] = towards(vectors[0], 0.997, seed=4)
    photos = {PhotoId(i): photo(i) for i in vectors}
    photos[PhotoId(0)] = photo(0, taken_at="2024-06-01T10:00:07", width=4000, height=3000)
    photos[PhotoId(1)] = photo(1, taken_at="2024-06-01T10:00:07.100", width=2000, height=1500)
    photos[PhotoId(2)] = photo(2, taken_at="2024-06-01T10:00:07.450", width=2000, height=1500)
    groups = groups_of(photos, vectors, 0.99)
    assert not any({1, 2} <= {g.keeper, *g.others} for g in groups)
    assert (0, (1,)) in [(g.keeper, g.others) for g in groups]


@pytest.mark.parametrize("similarity", [0.99, 0.94])
def test_many_pairs_told_apart_at_once_by_their_dates_are_told_apart_as_each_alone(
    similarity: float, tmp_path: Path
) -> None:
    """A weak model pairs a library's photos by the million, and their dates are compared all at
    once (_Dates): each pair, whatever the others beside it, either way round, as MOMENTS says."""
    photos = {}
    for n, (first, second, *said) in enumerate(MOMENTS):
        photos[PhotoId(2 * n)] = photo(2 * n, taken_at=first)
        photos[PhotoId(2 * n + 1)] = photo(2 * n + 1, second_path(tuple(said), tmp_path, n), taken_at=second)
    dates = dedup._Dates(photos.values())
    firsts, seconds = np.arange(0, len(photos), 2), np.arange(1, len(photos), 2)
    expected = [not grouped[0 if similarity >= dedup.SAME_MOMENT_FROM else 1] for grouped in MOMENTS.values()]
    assert dates.apart(firsts, seconds, similarity).tolist() == expected
    assert dates.apart(seconds[::-1], firsts[::-1], similarity).tolist() == expected[::-1]


def test_photo_ids_far_apart_are_found_as_dense_ones_are() -> None:
    """Pairs are looked up by photo id a million at a time: in a table where ids are dense, as
    SQLite's are, by a search where they are far apart; an id not among them is -1 either way."""
    for ids in (np.array([5, 3, 100, 0]), np.array([5, 3, 10**15, 0])):
        assert dedup._table(ids)(np.array([3, 5, 0, ids[2], 4, 10**16])).tolist() == [1, 0, 3, 2, -1, -1]


def test_a_screenshot_of_a_photo_is_its_copy_whatever_date_its_name_gives() -> None:
    """A screenshot is dated by its name, to the second, when the screen was captured: not when
    the photo it shows was taken. Two screenshots taken at other moments stay apart."""
    rng = np.random.default_rng(11)
    vectors = {i: rng.normal(size=32) for i in range(30)}
    vectors[100] = towards(vectors[0], 0.998, seed=1)
    photos = {PhotoId(i): photo(i) for i in vectors}
    photos[PhotoId(0)] = photo(0, "/photos/Camera/IMG_0001.jpg", taken_at="2023-07-11T10:11:12")
    photos[PhotoId(100)] = photo(100, "/photos/Screenshot 2024-03-02 at 10.10.10.png", taken_at="2024-03-02T10:10:10")
    assert [(g.keeper, g.others) for g in groups_of(photos, vectors, 0.99)] == [(0, (100,))]
    photos[PhotoId(0)] = photo(0, "/photos/Screenshot 2024-03-02 at 10.09.10.png", taken_at="2024-03-02T10:09:10")
    assert groups_of(photos, vectors, 0.99) == []


@pytest.mark.parametrize(("second", "bursts"), [("2022-08-01T10:00:08", True), ("2022-08-01T11:00:07", False),
                                                (None, False)])
def test_a_weak_model_groups_a_bursts_shots_at_the_level_that_asks_for_them(second, bursts) -> None:
    """The demo model finds most photos alike, so its copies must look the same; a burst's shots
    (dated a second apart, the subject moved a little) look only alike, and the similar-shots
    level groups them; an hour apart, or undated, they are no burst."""
    first = circle_on_snow(0.50, texture=3)
    moved = circle_on_snow(0.55, texture=3)
    photos, vectors, photo_looks = pair_of(first, moved, 0.995)
    photos[PhotoId(0)] = dataclasses.replace(photos[PhotoId(0)], taken_at="2022-08-01T10:00:07")
    photos[PhotoId(1)] = dataclasses.replace(photos[PhotoId(1)], taken_at=second)
    assert looks.ALIKE < looks.likeness(looks.look_of(first), looks.look_of(moved)) < looks.TWIN

    def grouped(similarity: float) -> bool:
        return bool(groups_of(photos, vectors, similarity, photo_looks=photo_looks,
                              photo_colours=coloured(first, moved), weak_model=True))

    assert (grouped(0.94), grouped(0.97), grouped(0.99)) == (bursts, False, False)


def misty_frame(shift: float) -> Image.Image:
    """A 90% window of a misty, low-contrast scene, moved `shift` of its width: a burst's frame."""
    low = np.random.default_rng(3).normal(size=(3, 4)).astype(np.float32)
    field = np.asarray(Image.fromarray(low, mode="F").resize((1600, 1000), Image.Resampling.BICUBIC))
    grey = 150 + 12 * (field - field.mean()) / field.std()
    scene = Image.fromarray(np.clip(np.stack([grey, grey + 5, grey + 12], axis=2), 0, 255).astype(np.uint8))
    left = int(1600 * (0.05 + shift))
    return scene.crop((left, 50, left + 1440, 950)).resize((1600, 1000), Image.Resampling.LANCZOS)


def test_a_weak_model_does_not_take_a_bursts_next_frame_of_a_misty_scene_for_a_copy_at_the_default() -> None:
    """The next frame of a burst, moved 2%, of a misty scene looks 0.99 the same as the first, which
    made up for the demo model's vectors (0.987) at "copies only": the frame was offered to the trash.
    A copy saved again smaller looks the same to within 0.0003, and is still a copy."""
    first, frame = misty_frame(0.0), misty_frame(0.02)
    assert looks.compare(looks.prepare(looks.look_of(first)), looks.prepare(looks.look_of(frame)),
                         looks.COPY_TRIMS) >= looks.TWIN
    saved = io.BytesIO()
    first.resize((400, 250)).save(saved, "JPEG", quality=60)
    for other, taken_at, copies in ((frame, "2023-06-19T11:06:22.450", False),
                                    (Image.open(saved).convert("RGB"), "2023-06-19T11:06:22", True)):
        photos, vectors, photo_looks = pair_of(first, other, 0.987)
        photos[PhotoId(0)] = dataclasses.replace(photos[PhotoId(0)], taken_at="2023-06-19T11:06:22")
        photos[PhotoId(1)] = dataclasses.replace(photos[PhotoId(1)], taken_at=taken_at)
        groups = groups_of(photos, vectors, 0.99, photo_looks=photo_looks, photo_colours=coloured(first, other),
                           weak_model=True)
        assert [(g.keeper, g.others) for g in groups] == ([(0, (1,))] if copies else [])


def test_two_shots_copied_once_each_stay_apart_through_their_copies() -> None:
    rng = np.random.default_rng(12)
    vectors = {i: rng.normal(size=32) for i in range(30)}
    vectors[100] = towards(vectors[0], 0.998, seed=1)
    vectors[101] = towards(vectors[0], 0.998, seed=2)
    photos = {PhotoId(i): photo(i) for i in vectors}
    photos[PhotoId(100)] = photo(100, taken_at="2022-03-02T09:30:00", width=4000, height=3000)
    photos[PhotoId(101)] = photo(101, taken_at="2022-03-10T09:30:00", width=4000, height=3000)
    for group in groups_of(photos, vectors, 0.99):
        assert {100, 101} - {group.keeper, *group.others}, group


def test_the_frames_of_a_burst_within_one_second_are_not_copies_of_each_other(open_library, tmp_path: Path) -> None:
    ground = Image.new("RGB", (640, 480), (70, 120, 60))
    ImageDraw.Draw(ground).rectangle([380, 60, 560, 240], fill=(200, 190, 40))
    noise = np.random.default_rng(4242).integers(-12, 12, (480, 640, 3))
    ground = Image.fromarray((np.asarray(ground, dtype=np.int16) + noise).clip(0, 255).astype(np.uint8))
    folder = tmp_path / "Soccer"
    folder.mkdir()
    for frame in range(5):
        image = ground.copy()
        draw = ImageDraw.Draw(image)
        draw.ellipse([50 + 40 * frame, 200, 130 + 40 * frame, 280], fill=(220, 30, 30))
        draw.ellipse([500 - 30 * frame, 350, 530 - 30 * frame, 380], fill=(255, 255, 255))
        exif = Image.Exif()
        exif.get_ifd(0x8769).update({0x9003: "2023:09:02 10:00:00", 0x9291: f"{frame * 10:02d}"})
        image.save(folder / f"IMG_{5100 + frame}.JPG", quality=92, exif=exif)
    (folder / "Backup").mkdir()
    shutil.copy2(folder / "IMG_5102.JPG", folder / "Backup" / "IMG_5102.JPG")
    library = open_library()
    library.index([folder])

    groups = library.duplicates()

    names = [sorted(p.path.name for p in library.photos(g.members).values()) for g in groups]
    assert names == [["IMG_5102.JPG", "IMG_5102.JPG"]]  # only the copy, which kept its fraction of a second


def test_screenshots_of_two_days_named_as_macos_names_them_are_not_copies(open_library, tmp_path: Path) -> None:
    for day in (1, 2):
        image = Image.new("RGB", (390, 844), (250, 250, 250))
        draw = ImageDraw.Draw(image)
        for line in range(20):
            draw.text((14, 34 + line * 34), f"Chat message {line} from day {day}", fill=0)
        for folder, name in (("A", f"Screenshot 2023-06-0{day} at 10.1{day}.0{day}.png"),
                             ("B", f"Screenshot_2023060{day}-101{day}0{day}.png")):
            (tmp_path / "shots" / folder).mkdir(parents=True, exist_ok=True)
            image.save(tmp_path / "shots" / folder / name)
    library = open_library()
    library.index([tmp_path / "shots"])

    groups = library.duplicates()

    days = [sorted({p.taken_at for p in library.photos(g.members).values()}) for g in groups]
    assert sorted(days) == [["2023-06-01T10:11:01"], ["2023-06-02T10:12:02"]]


# albums, trash folders and a Takeout's JSON


@pytest.mark.parametrize("trash", ["Takeout/Google Photos/Bin", "Takeout/Google Photos/TRASH", "Takeout/Papierkorb",
                                   "Corbeille", "Papelera", "Cestino", "Prullenbak", "Lixeira", "Recently Deleted",
                                   ".Trash-1000/files", ".Trashes", ".Trash/Best of 2019"])
def test_of_copies_alike_one_in_a_trash_folder_is_not_the_one_kept(trash: str) -> None:
    """The user deleted it in Google Photos: after a clean-up the only copy left was in Takeout's Bin."""
    thrown = photo(1, f"/t/{trash}/IMG_1.jpg", digest="same", mtime_ns=5 * APART)
    kept = photo(2, "/home/anna/Pictures/Takeout/Google Photos/Photos from 2019/IMG_1.jpg", digest="same", mtime_ns=5 * APART)
    assert best_first([thrown, kept]) == [kept, thrown]
    assert why_kept(kept, [thrown]) == ["it is not in a folder of things thrown away"]
    assert dedup.in_a_trash_folder(thrown.path) and not dedup.in_a_trash_folder(kept.path)


def test_the_cameras_file_in_the_users_own_bin_is_kept_over_a_chats_small_copy() -> None:
    """A trash folder came before the quality: the 3000 px original in "Projects/Bin" went to the
    trash, and the chat's 640 px copy stayed."""
    original = photo(1, "/p/Projects/Bin/DSC_2000.JPG", width=3000, height=2000, size=2_000_000,
                     taken_at="2023-06-15T10:00:00", mtime_ns=1_000 * APART)
    small = photo(2, "/p/Downloads/DSC_2000-small.jpg", width=640, height=427, size=60_000, mtime_ns=9_000 * APART)
    assert best_first([small, original]) == [original, small]


ALBUMS = ["LA", "Pixel Art", "Smith Wedding/JPEG", "Wedding/Originals", "Grandma's 80th/Phone",
          "Best of 2019", "Trips/2019 Lake Tahoe/Day 1", "Takeout/Google Photos/Lake Tahoe 2019",
          "Summer Road Trip with the Kids and Grandma", "2019-07-04 Lake Tahoe", "Untitled(1)"]
NO_ALBUMS = ["iCloud Photos", "DCIM/100APPLE", "DCIM/123_FUJI", "Phone/DCIM/Camera", "Camera Roll", "Screenshots",
             "WhatsApp/Media/WhatsApp Images", "WhatsApp Images/Sent", "Telegram Images", "Signal", "Downloads",
             "Pictures", "Photos", "Takeout/Google Photos", "Takeout/Google Photos/Photos from 2019",
             "Takeout/Google Fotos/Fotos von 2019", "Takeout/Google Photos/Foto's van 2019", "2019", "2019/07",
             "2019-07", "2019-07-04", "2019_07_04", "July 2019", "Lake Tahoe - Emerald Bay, July 4, 2019",
             "Takeout/Google Photos/Bin", "Backup/Best of 2019", "Best of 2019 - Copy",
             ".Trash-1000/files/Best of 2019", "Old Phone", "Desktop", "New folder", "To sort", "Instagram",
             "Facebook", "Snapseed", "Photos Library.photoslibrary/originals/A", "Unsorted", "Misc", "Import",
             "tmp", "Dropbox/Camera Uploads", "Saved Pictures",
             "Untitled Folder", "Neuer Ordner", "To delete", "Deleted Photos", "Recycle Bin", "Projects/Bin"]


@pytest.mark.parametrize(("folder", "album"), [(f, True) for f in ALBUMS] + [(f, False) for f in NO_ALBUMS])
def test_an_album_is_a_folder_a_person_named_not_a_cameras_an_apps_a_dates_a_trash_or_a_backup(
    folder: str, album: bool
) -> None:
    assert dedup.in_an_album(Path("/home/anna/Pictures") / folder / "IMG_1.jpg") is album


def test_of_copies_alike_in_all_else_the_one_in_an_album_is_kept() -> None:
    """A Takeout puts a photo in its year's folder and in each album: the album's copy is kept,
    whichever name is shorter (renaming the album no longer flips it)."""
    takeout = "/home/anna/Takeout/Google Photos"
    year = photo(1, f"{takeout}/Photos from 2019/IMG_1.jpg", digest="same", mtime_ns=5 * APART)
    album = photo(2, f"{takeout}/Summer Road Trip 2019/IMG_1.jpg", digest="same", mtime_ns=5 * APART)
    assert best_first([year, album]) == [album, year]
    assert why_kept(album, [year]) == ["it is in an album"]


def users_library() -> dict[PhotoId, Photo]:
    """A user's library, one picture in many folders with the same bytes: the camera's file in
    iCloud Photos (the oldest), the albums they made, an Apple Photos export, a Takeout."""
    folders = ["iCloud Photos", "Best of 2019", "Trips/2019 Lake Tahoe/Day 1",
               "Lake Tahoe - Emerald Bay, July 4, 2019", "Takeout/Google Photos/Photos from 2019",
               "Takeout/Google Photos/Lake Tahoe 2019", "Summer Road Trip with the Kids and Grandma",
               "Takeout/Google Photos/Bin/Best of 2019", "Backup/Best of 2019"]
    photos = {PhotoId(i): photo(i, f"/home/anna/Pictures/{folder}/IMG_1.jpg", digest="same", mtime_ns=1 * APART if i else 0)
              for i, folder in enumerate(folders)}
    photos[PhotoId(9)] = photo(9, "/home/anna/Pictures/Best of 2019/IMG_1 (1).jpg", digest="same", mtime_ns=1 * APART)
    for i, folder in enumerate(folders):  # other photos in each folder: an album holds three or more
        for n in (2, 3):
            pid = 100 + 10 * i + n
            photos[PhotoId(pid)] = photo(pid, f"/home/anna/Pictures/{folder}/IMG_{n}.jpg")
    return photos


def one_picture(photos: dict[PhotoId, Photo]) -> list[list[PhotoId]]:
    """The ids of users_library's copies of its picture, as the catalog lists files of the same bytes."""
    return [[pid for pid, p in photos.items() if p.hash == "same"]]


def test_a_copy_alone_in_an_album_is_kept_too_so_a_clean_up_empties_no_album() -> None:
    photos = users_library()
    [group] = find_groups(photos, one_picture(photos))
    assert group.keeper == 0 and set(group.others) == set(range(1, 10))
    assert set(group.kept_too) == {1, 2, 5, 6}  # one copy in each album, the best of those there
    assert set(group.to_trash) == {3, 4, 7, 8, 9}  # a copy in an album already kept, a date's, a trash's, a backup's
    assert list(group.kept_too) == [pid for pid in group.others if pid in group.kept_too]
    assert dedup.why_kept_too(photos[PhotoId(1)].path) == "it is in the album \u201cBest of 2019\u201d"


def test_a_group_whose_keeper_left_keeps_the_copy_in_the_keepers_album() -> None:
    """The keeper's album held a second copy, not kept too (the keeper was kept there): once the
    keeper left, that album's only copy was offered to the trash."""
    album = "/home/anna/Pictures/Trips Portugal"
    photos = {PhotoId(1): photo(1, f"{album}/IMG_1.jpg", digest="same"),
              PhotoId(2): photo(2, "/home/anna/Backup/IMG_1.jpg", digest="same", mtime_ns=1 * APART),
              PhotoId(3): photo(3, f"{album}/IMG_1 (1).jpg", digest="same", mtime_ns=2 * APART),
              PhotoId(4): photo(4, f"{album}/IMG_2.jpg"), PhotoId(5): photo(5, f"{album}/IMG_3.jpg")}
    [group] = find_groups(photos, [[1, 2, 3]])
    assert (group.keeper, group.kept_too) == (1, ())

    left = group.without({PhotoId(1)}, photos)

    assert left is not None and left.kept_too == (3,) and 3 not in left.to_trash


def test_a_copy_in_a_folder_of_a_photo_or_two_is_no_album_copy_and_goes() -> None:
    """"Rotated" holding one righted copy, "iCloud" one export: each copy was "Keep · album",
    though the sidebar lists no such album, and a clean-up moved almost nothing."""
    photos = {PhotoId(1): photo(1, "/home/anna/DCIM/100CANON/IMG_0008.jpg", digest="same"),
              PhotoId(2): photo(2, "/home/anna/Rotated/IMG_0008.jpg", digest="same", mtime_ns=1 * APART),
              PhotoId(3): photo(3, "/home/anna/iCloud/IMG_0008.jpg", digest="same", mtime_ns=1 * APART),
              PhotoId(4): photo(4, "/home/anna/iCloud/IMG_0009.jpg", mtime_ns=1 * APART)}
    [group] = find_groups(photos, [[1, 2, 3]])
    assert group.keeper == 1 and group.kept_too == () and set(group.to_trash) == {2, 3}
    photos[PhotoId(5)] = photo(5, "/home/anna/iCloud/IMG_0010.jpg", mtime_ns=1 * APART)
    [group] = find_groups(photos, [[1, 2, 3]])
    assert group.kept_too == (3,)


def test_a_group_less_photos_that_left_keeps_a_copy_in_each_album_still() -> None:
    photos = users_library()
    [group] = find_groups(photos, one_picture(photos))

    smaller = group.without({PhotoId(1)}, photos)
    assert smaller is not None and set(smaller.kept_too) == {9, 2, 5, 6}  # the album's other copy stays now
    assert set(smaller.to_trash) == {3, 4, 7, 8}
    moved = group.without({PhotoId(0)}, photos)
    assert moved is not None and moved.keeper == group.others[0] and moved.keeper not in moved.kept_too
    assert group.without({PhotoId(i) for i in range(1, 10)}, photos) is None


def takeout_json(folder: Path, name: str, description: str = "") -> Path:
    """A Takeout JSON as Google writes one beside a photo."""
    path = folder / name
    path.write_text(json.dumps({"title": name, "description": description,
                                "photoTakenTime": {"timestamp": "1562261400"}}), encoding="utf-8")
    return path


def test_a_copy_whose_takeout_caption_the_photo_kept_has_not_stays(tmp_path: Path) -> None:
    """A caption written in Google Photos is in the Takeout's JSON only: it went with the copy."""
    kept = on_disk(write_photo(tmp_path / "iCloud Photos" / "IMG_1.jpg", seed=5, size=(320, 240)), 1)
    year = tmp_path / "Takeout" / "Google Photos" / "Photos from 2019"
    copy = on_disk(write_photo(year / "IMG_1.jpg", seed=5), 2)
    caption = takeout_json(year, "IMG_1.jpg.supplemental-metadata.json", "Emerald Bay at sunset")

    result = move_to_trash([copy], kept_for={2: [kept]})

    assert result.trashed == () and copy.path.exists() and caption.exists()
    assert dict(result.failed)[copy.path] == ("it holds a caption the photo kept has not; give that one the same, "
                                              "then trash this copy yourself")
    album = tmp_path / "Takeout" / "Google Photos" / "Lake Tahoe 2019"
    in_album = on_disk(write_photo(album / "IMG_1.jpg", seed=5), 3)
    takeout_json(album, "IMG_1.jpg.json", "  emerald bay AT sunset ")  # the album's copy kept too holds it
    assert move_to_trash([copy], kept_for={2: [kept, in_album]}).trashed == (2,)
    assert not caption.exists() and (TRASH_FILES / caption.name).exists()


def test_a_trashed_photos_takeout_json_goes_with_it_unless_another_photo_still_uses_it(tmp_path: Path) -> None:
    folder = tmp_path / "Takeout" / "Google Photos" / "Photos from 2019"
    original, edited = write_photo(folder / "IMG_1.jpg", seed=1), write_photo(folder / "IMG_1-edited.jpg", seed=2)
    shared = takeout_json(folder, "IMG_1.jpg.json")  # an "-edited" photo shares its original's
    new_style = write_photo(folder / "IMG_2.jpg", seed=3)
    supplemental = takeout_json(folder, "IMG_2.jpg.supplemental-metadata.json")
    second, first = write_photo(folder / "IMG_3(1).jpg", seed=4), write_photo(folder / "IMG_3.jpg", seed=5)
    numbered, firsts = takeout_json(folder, "IMG_3.jpg(1).json"), takeout_json(folder, "IMG_3.jpg.json")
    long_name = write_photo(folder / "PXL_20190704_183012345.PORTRAIT.ORIGINAL_EXPORT.jpg", seed=6)
    cut = takeout_json(folder, "PXL_20190704_183012345.PORTRAIT.ORIGINAL_EXPOR.json")

    photos = [on_disk(path, pid) for pid, path in enumerate((original, new_style, second, long_name), 1)]
    assert move_to_trash(photos).trashed == (1, 2, 3, 4)

    assert not supplemental.exists() and not numbered.exists() and not cut.exists()
    assert (TRASH_FILES / supplemental.name).exists() and (TRASH_FILES / cut.name).exists()
    assert shared.exists() and firsts.exists() and first.exists()
    assert move_to_trash([on_disk(edited, 5)]).trashed == (5,) and not shared.exists()  # its last user went


def photo_file(path: Path, pid: int, image: Image.Image, taken_at: str | None = None, written: int = 0,
               quality: int = 92) -> Photo:
    """A JPEG of `image` at `path`, as the catalog lists it, its file written `written` APARTs after the first."""
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, "JPEG", quality=quality)
    os.utime(path, ns=(10**18 + written * APART,) * 2)
    st = path.stat()
    return Photo(PhotoId(pid), RootId(1), path, st.st_size, st.st_mtime_ns, f"h{pid}", image.width, image.height,
                 taken_at, "jpeg", "indexed", None)


def test_the_cameras_file_is_kept_over_a_copy_that_is_it_enlarged(tmp_path: Path) -> None:
    """An export to 2048 px of a 2 MP camera's photo, without its date: it was kept for its pixels, and the
    camera's file, dated, went to the trash (a review, side by side with hashing tools)."""
    picture = natural((400, 300), seed=1)
    camera = photo_file(tmp_path / "DCIM" / "IMG_1007.JPG", 1, picture, taken_at="2023-09-10T10:00:00")
    with Image.open(camera.path) as read:
        export = photo_file(tmp_path / "Exports" / "IMG_1007.jpg", 2, read.resize((800, 600), Image.LANCZOS),
                            written=5, quality=97)
    sent = photo_file(tmp_path / "WhatsApp" / "IMG-20230911-WA0001.jpg", 3, picture.resize((200, 150)), written=9)
    assert [p.id for p in best_first([export, sent, camera])] == [1, 2, 3]
    assert why_kept(camera, [export, sent]) == ["a larger copy is only this one enlarged", "it keeps the date taken"]


@pytest.mark.parametrize("blur", [0, 1.5])
def test_a_larger_copy_that_shows_more_of_the_picture_is_kept_over_a_smaller_dated_one(tmp_path: Path,
                                                                                      blur: float) -> None:
    """A scan of the print beside a web export a quarter its size that kept the camera's date: the
    scan has the detail, soft as it may be (a review saw a soft scan trashed for such an export)."""
    picture = natural((800, 600), seed=2).filter(ImageFilter.GaussianBlur(blur))
    export = photo_file(tmp_path / "Web" / "IMG_1007.jpg", 1, picture.resize((200, 150), Image.LANCZOS),
                        taken_at="2023-09-10T10:00:00")
    scan = photo_file(tmp_path / "Scans" / "scan_0001.jpg", 2, picture, written=5, quality=95)
    assert [p.id for p in best_first([export, scan])] == [2, 1]
    assert why_kept(scan, [export]) == ["it has the most pixels"]


def test_a_reason_to_keep_a_photo_is_one_it_holds_against_every_copy() -> None:
    """"It has the most pixels" was said of a photo kept over a screenshot of it three times its size."""
    camera = photo(1, "/photos/DCIM/IMG_1001.JPG", width=512, height=512, taken_at="2024-01-10T10:00:00")
    sent = photo(2, "/photos/WhatsApp/IMG-20240110-WA0001.jpg", width=256, height=256, mtime_ns=1 * APART)
    shot = photo(3, "/photos/Screenshot_20240110-101010.png", width=1536, height=1536, fmt="png", mtime_ns=2 * APART)
    assert best_first([shot, sent, camera])[0] is camera
    assert why_kept(camera, [sent, shot]) == ["it is not a screenshot", "it keeps the date taken"]


def test_files_written_within_a_moment_of_each_other_are_as_old() -> None:
    """Copied in one go, a Pixel's portrait and its .ORIGINAL, or a HEIC and its JPEG, are milliseconds
    apart: which of them is kept flipped with the order they were copied in, "as the oldest file"."""
    portrait = photo(1, "/p/PXL_20230706_081010000.PORTRAIT.jpg", size=900, mtime_ns=10**18 + 3_000_000)
    original = photo(2, "/p/PXL_20230706_081010000.PORTRAIT.ORIGINAL.jpg", size=1000, mtime_ns=10**18)
    heic = photo(3, "/p/IMG_1237.HEIC", size=900, fmt="heif", mtime_ns=10**18)
    jpeg = photo(4, "/p/IMG_1237.JPG", size=1000, mtime_ns=10**18 + 3_000_000)
    assert best_first([original, portrait])[0] is portrait
    assert why_kept(portrait, [original]) == ["it is the phone app's edit"]
    assert best_first([heic, jpeg])[0] is jpeg
    assert why_kept(jpeg, [heic]) == ["it is the least compressed"]
    assert best_first([dataclasses.replace(heic, mtime_ns=jpeg.mtime_ns + 10**6), jpeg])[0] is jpeg


def test_a_photo_sent_to_two_chats_on_two_days_is_one_group_with_its_original() -> None:
    """A chat's name gives the day it was sent: two such days say nothing of each other. The Telegram
    copy, sent five days after the WhatsApp one, was left out of the group (a review of phone exports)."""
    rng = np.random.default_rng(3)
    vectors = {i: rng.normal(size=32) for i in range(30)}
    vectors[1] = towards(vectors[0], 0.999, seed=1)
    vectors[2] = towards(vectors[0], 0.999, seed=2)
    photos = {PhotoId(i): photo(i) for i in vectors}
    photos[PhotoId(0)] = photo(0, "/DCIM/IMG_20190810_183000.jpg", taken_at="2019-08-10T18:30:00", width=4000,
                               height=3000)
    photos[PhotoId(1)] = photo(1, "/Sent/IMG-20190812-WA0007.jpg", taken_at="2019-08-12T00:00:00", width=1600,
                               height=1200, mtime_ns=1 * APART)
    photos[PhotoId(2)] = photo(2, "/Telegram Desktop/photo_2019-08-17_09-00-00.jpg", taken_at="2019-08-17T00:00:00",
                               width=1280, height=960, mtime_ns=2 * APART)
    groups = groups_of(photos, vectors, 0.99)
    assert [(g.keeper, set(g.others)) for g in groups] == [(0, {1, 2})]


def test_a_soft_original_that_kept_its_date_is_never_taken_for_an_enlargement(tmp_path: Path) -> None:
    """A soft photo and an export half its size, both dated, the export older on disk (the originals
    restored from a backup): the original was trashed as "a larger copy is only this one enlarged"."""
    picture = natural((800, 600), seed=5).filter(ImageFilter.GaussianBlur(3))
    original = photo_file(tmp_path / "Originals" / "DSC_0042.jpg", 1, picture, taken_at="2012-05-01T10:00:00",
                          written=9)
    export = photo_file(tmp_path / "Export" / "DSC_0042.jpg", 2, picture.resize((400, 300), Image.LANCZOS),
                        taken_at="2012-05-01T10:00:00")
    assert best_first([export, original])[0] is original
    assert why_kept(original, [export]) == ["it has the most pixels"]


def test_windows_short_names_are_no_phone_edits() -> None:
    """"IMG_20~1.JPG", a CD's or an old Windows' 8.3 name, read as Google Photos' edit "…~2" and was kept."""
    original = photo(1, "/pics/2019/IMG_20190704_101500.jpg", digest="same")
    short = photo(2, "/cdbackup/DCIM/IMG_20~1.JPG", digest="same", mtime_ns=1 * APART)
    assert not reads_as_an_edit(short.path) and reads_as_an_edit(Path("/p/IMG_20190704_101500~2.jpg"))
    assert best_first([short, original])[0] is original


def test_two_photos_dated_at_midnight_a_year_apart_are_two_photos() -> None:
    """Scanners write a day without a time: two such scans a year apart were grouped once two chats' days
    were let be alike (only dates that chats' names gave say nothing of each other)."""
    rng = np.random.default_rng(6)
    vectors = {i: rng.normal(size=32) for i in range(30)}
    vectors[1] = towards(vectors[0], 0.999, seed=1)
    photos = {PhotoId(i): photo(i) for i in vectors}
    photos[PhotoId(0)] = photo(0, "/Scans/xmas.jpg", taken_at="2001-12-25T00:00:00")
    photos[PhotoId(1)] = photo(1, "/Scans/xmas 2.jpg", taken_at="2002-12-25T00:00:00", mtime_ns=1 * APART)
    assert groups_of(photos, vectors, 0.99) == []


CONFLICT_COPIES = ["IMG_1234 (Alice's conflicted copy 2021-07-04).jpg",
                   "IMG_1234 (conflicted copy 2021-07-04 101500).jpg",
                   "IMG_1234.sync-conflict-20210704-101500-ABCDEFG.jpg", "IMG_1234-LAPTOP-7Q2K3LMN.jpg"]


@pytest.mark.parametrize("conflict", CONFLICT_COPIES)
def test_a_sync_tools_conflict_copy_is_a_copy_and_never_kept_over_the_photo_under_its_own_name(conflict: str) -> None:
    """Dropbox's, Nextcloud's, Syncthing's and OneDrive's conflict copies, older (Syncthing renames the older
    version), were kept "as the oldest file" and IMG_1234.jpg trashed: the sync tool then deleted it everywhere."""
    original = photo(1, "/photos/Trip/IMG_1234.jpg", digest="same", mtime_ns=9 * APART)
    copy = photo(2, f"/photos/Trip/{conflict}", digest="same", mtime_ns=1 * APART)
    assert dedup.reads_as_a_copy(copy.path)
    assert best_first([copy, original]) == [original, copy]
    assert why_kept(original, [copy]) == ["it has the photo's own name, not a sync tool's conflict copy's"]
    [group] = find_groups({PhotoId(1): original, PhotoId(2): copy}, [[PhotoId(1), PhotoId(2)]])
    assert (group.keeper, group.to_trash) == (1, (2,))  # the very same bytes: a copy like "(1)"
    camera = photo(3, "/photos/DCIM/IMG_1234.jpg", digest="same", mtime_ns=5 * APART)
    assert best_first([copy, camera])[0] is camera  # no original beside it: a copy by its name still


@pytest.mark.parametrize("conflict", CONFLICT_COPIES)
def test_a_sync_conflict_copy_of_other_bytes_is_another_version_kept_until_the_user_chooses(conflict: str) -> None:
    """The original's name held the retouched version, the conflict copy the older one 99.5% alike:
    the conflict copy was kept, and `duplicates --trash --yes` trashed the user's latest edits; with the
    original kept, the conflict copy holding edits of its own went to the trash."""
    image = circle_on_snow(0.4, texture=3)
    retouched = ImageEnhance.Contrast(image).enhance(1.04)
    photos, vectors, photo_looks = pair_of(retouched, image, 0.996)
    photos[PhotoId(0)] = dataclasses.replace(photos[PhotoId(0)], path=Path("/photos/Trip/IMG_1234.jpg"),
                                             mtime_ns=9_000 * APART)
    photos[PhotoId(1)] = dataclasses.replace(photos[PhotoId(1)], path=Path(f"/photos/Trip/{conflict}"),
                                             mtime_ns=1_000 * APART)
    [group] = groups_of(photos, vectors, 0.97, photo_looks=photo_looks)
    assert (group.keeper, group.others, group.kept_too, group.to_trash) == (0, (1,), (1,), ())
    assert dedup.why_kept_too(photos[PhotoId(1)].path).startswith("it is a sync tool's conflict copy")
    smaller = dataclasses.replace(group, others=(1, 5), similarities=(0.996, 0.995))
    photos[PhotoId(5)] = photo(5, "/photos/Trip/IMG_1234 (1).jpg", mtime_ns=1_000 * APART)
    assert smaller.without({PhotoId(5)}, photos).kept_too == (1,)


SYNC_CONFLICT_FOLDERS = ["Trip (Selective Sync Conflict)", "Trip (Selective Sync Conflict 1)", "trip (Case Conflict)"]


def synced_pair(folder: Path, conflict_folder: str, edit: Callable[[Image.Image], Image.Image]) -> tuple[Path, Path]:
    """Dropbox's folder "Trip" holding the user's `edit` of IMG_1600.jpg and the folder it renamed, in a
    conflict, holding the older file of that name: saved 60 s before."""
    picture = circle_on_snow(0.5, texture=6)
    older, newer = folder / conflict_folder / "IMG_1600.jpg", folder / "Trip" / "IMG_1600.jpg"
    for path, image in ((older, picture), (newer, edit(picture))):
        path.parent.mkdir(parents=True)
        image.save(path, "JPEG", quality=90)
    os.utime(older, (1_720_000_000, 1_720_000_000))
    os.utime(newer, (1_720_000_060, 1_720_000_060))
    return newer, older


@pytest.mark.parametrize("conflict_folder", SYNC_CONFLICT_FOLDERS)
def test_the_file_in_a_folder_dropbox_renamed_in_a_conflict_is_never_kept_over_the_one_it_clashed_with(
    open_library, tmp_path: Path, conflict_folder: str,
) -> None:
    """Dropbox renames the folder, not the file: "Trip (Selective Sync Conflict)/IMG_1600.jpg" was kept as
    "the oldest file" and Trip/IMG_1600.jpg, the same bytes, offered to the trash."""
    newer, older = synced_pair(tmp_path / "Dropbox", conflict_folder, lambda image: image)
    library = open_library()
    library.index([tmp_path / "Dropbox"])

    [group] = library.duplicates()

    photos = library.photos(group.members)
    assert photos[group.keeper].path == newer.resolve()
    assert [photos[pid].path for pid in group.to_trash] == [older.resolve()]
    assert dedup.reads_as_a_copy(older) and not dedup.reads_as_a_copy(newer)


@pytest.mark.parametrize("conflict_folder", SYNC_CONFLICT_FOLDERS)
def test_the_users_edit_beside_a_folder_dropbox_renamed_in_a_conflict_is_kept_and_the_older_version_too(
    open_library, tmp_path: Path, conflict_folder: str,
) -> None:
    """The older original in "Trip (Selective Sync Conflict)" was kept, and `--trash --yes` trashed the user's
    edit in Trip: the file in the conflict folder is another version, kept until the user chooses."""
    newer, older = synced_pair(tmp_path / "Dropbox", conflict_folder,
                               lambda image: ImageEnhance.Contrast(image).enhance(1.04))
    library = open_library()
    library.index([tmp_path / "Dropbox"])

    [group] = library.duplicates(similarity=0.97)

    photos = library.photos(group.members)
    assert photos[group.keeper].path == newer.resolve() and group.to_trash == ()
    assert [photos[pid].path for pid in group.kept_too] == [older.resolve()]
    assert dedup.why_kept_too(older).startswith("it is a sync tool's conflict copy")


def test_a_memory_cards_times_shifted_by_a_time_zone_are_as_old_as_the_computers_copy() -> None:
    """A FAT card keeps local time: read after a change of zone or to summer time, its files were an hour
    older than their copies on the computer, and "the oldest file" kept the card's over "this computer's own
    drive" (and zones of half and quarter hours, +5:30, +5:45, shift so too)."""
    home = photo(1, "/home/anna/Pictures/Card/IMG_0010.JPG", digest="same", mtime_ns=1_600_000_000 * 10**9)
    for shift in (-3600, 3600, -3 * 3600, 14 * 3600, 5 * 3600 + 1800, -(5 * 3600 + 2700), -3600 + 1):
        card = photo(2, "/media/anna/CARD/DCIM/100CANON/IMG_0010.JPG", digest="same",
                     mtime_ns=home.mtime_ns + shift * 10**9)
        assert best_first([card, home]) == [home, card], shift
        assert why_kept(home, [card]) == ["it is on this computer's own drive"], shift
    for later in (3600 + 10, 15 * 3600, 20 * 60):  # not a zone's shift: a file written later
        card = photo(2, "/media/anna/CARD/DCIM/100CANON/IMG_0010.JPG", digest="same",
                     mtime_ns=home.mtime_ns - later * 10**9)
        assert best_first([home, card]) == [card, home], later


def test_files_an_hour_apart_on_the_computers_own_drive_are_not_as_old_as_each_other() -> None:
    """A time zone's shift is only looked for where a drive may keep local time (a card): a copy saved again
    exactly an hour after the original, on the same drive, was as old as it, and kept as the least compressed."""
    original = photo(1, "/home/anna/Pictures/IMG_0010.JPG", size=1000, mtime_ns=1_600_000_000 * 10**9)
    an_hour_later = original.mtime_ns + 3600 * 10**9
    saved_again = photo(2, "/home/anna/Pictures/Edits/IMG_0010.JPG", size=3000, mtime_ns=an_hour_later)
    assert best_first([saved_again, original]) == [original, saved_again]
    assert why_kept(original, [saved_again]) == ["it is the oldest file"]
    on_card = dataclasses.replace(saved_again, path=Path("/media/anna/CARD/DCIM/100CANON/IMG_0010.JPG"))
    assert best_first([original, on_card]) == [on_card, original]  # as old: the most bytes


def test_a_case_only_rename_on_a_memory_card_never_trashes_the_file_by_its_other_spelling(memory_card: Path) -> None:
    """exfat-fuse gives each spelling its own inode: "keep IMG_0006.JPG, same Img_0006.jpg" after
    `mv IMG_0006.JPG Img_0006.jpg`, and `duplicates --trash --yes` moved the only file to the card's trash."""
    old = write_photo(memory_card / "DCIM" / "104TEST" / "IMG_0006.JPG", seed=6)
    before = on_disk(old, 1)
    new = old.rename(old.with_name("Img_0006.jpg"))
    after = dataclasses.replace(on_disk(new, 2), mtime_ns=before.mtime_ns)

    result = move_to_trash([after], kept_for={2: [before]})  # the old spelling kept: it is this very file
    assert result.trashed == () and new.is_file()
    result = move_to_trash([before], kept_for={1: [after]})  # the old spelling to trash: the new one's file
    assert result.trashed == () and new.is_file()
    assert "spelled otherwise" in result.failed[0][1]
    assert os.listdir(new.parent) == ["Img_0006.jpg"]


def test_a_photo_is_never_trashed_for_itself_by_its_folders_path_in_another_case(memory_card: Path) -> None:
    """A card's folder in the library as typed ("CARD/dcim") and as listed ("CARD/DCIM") held each photo
    twice: exfat-fuse gives each spelling its own inode, and `duplicates --trash --yes` trashed the only files."""
    path = write_photo(memory_card / "DCIM" / "100TEST" / "IMG_0000.JPG", seed=1)
    listed = on_disk(path, 1)
    typed = dataclasses.replace(on_disk(memory_card / "dcim" / "100test" / "IMG_0000.JPG", 2), mtime_ns=listed.mtime_ns)

    assert move_to_trash([typed], kept_for={2: [listed]}).trashed == ()
    assert move_to_trash([listed], kept_for={1: [typed]}).trashed == ()
    assert path.is_file()


def test_a_read_only_drive_says_so_and_that_nothing_was_moved(tmp_path: Path) -> None:
    """send2trash's own check said only "Permission denied" of a disc or a card locked against writing."""
    disk = tmp_path / "disc"
    disk.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(disk)], capture_output=True).returncode:
        pytest.skip("no drive can be mounted here (mounting needs root)")
    try:
        path = write_photo(disk / "Backup" / "IMG_0001.JPG", seed=1)
        if subprocess.run(["mount", "-o", "remount,ro", str(disk)], capture_output=True).returncode:
            pytest.skip("the drive cannot be made read-only here")
        result = move_to_trash([on_disk(path, 1)])
        assert result.trashed == () and path.is_file()
        assert result.failed == ((path, "it is on a read-only drive (a disc, or a card locked against writing); "
                                        "nothing was moved"),)
    finally:
        subprocess.run(["umount", "-l", str(disk)], capture_output=True)
