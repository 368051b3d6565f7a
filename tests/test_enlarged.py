"""Telling a copy enlarged from a smaller one from a copy that holds more of the picture."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image, ImageFilter

from photoclip.enlarged import adds_no_detail
from tests.helpers import natural


def saved(image: Image.Image, path: Path, quality: int = 97) -> Path:
    image.save(path, quality=quality)
    return path


@pytest.mark.parametrize("scale", [1.25, 1.5, 2.0, 3.0])
@pytest.mark.parametrize("resample", [Image.Resampling.BICUBIC, Image.Resampling.LANCZOS, Image.Resampling.BILINEAR])
@pytest.mark.parametrize("kind", ["export.jpg", "export.png"])
def test_a_copy_enlarged_from_a_smaller_one_adds_no_detail(tmp_path: Path, scale: float, resample, kind: str) -> None:
    """An export "to 2048 px" of a 2 MP camera's photo: more pixels, none of them new."""
    small = saved(natural((400, 300), seed=1), tmp_path / "IMG_1007.JPG", quality=92)
    with Image.open(small) as read:
        enlarged = saved(read.resize((round(400 * scale), round(300 * scale)), resample), tmp_path / kind)
    assert adds_no_detail(enlarged, small)


@pytest.mark.parametrize("scale", [2.0, 3.0])
def test_a_copy_enlarged_and_sharpened_for_output_adds_no_detail(tmp_path: Path, scale: float) -> None:
    """Lightroom sharpens an export for the screen: the sharpening is the smaller copy's, no more of the picture."""
    small = saved(natural((400, 300), seed=4), tmp_path / "IMG_1008.JPG", quality=92)
    with Image.open(small) as read:
        larger = read.resize((round(400 * scale), round(300 * scale)), Image.Resampling.LANCZOS)
    enlarged = saved(larger.filter(ImageFilter.UnsharpMask(1, 80, 2)), tmp_path / "export.png")
    assert adds_no_detail(enlarged, small)


@pytest.mark.parametrize(("scale", "blur"), [(0.9, 0), (0.66, 0), (0.5, 0), (0.25, 0), (0.5, 1.5), (0.25, 1.5)])
def test_a_larger_copy_that_holds_more_of_the_picture_adds_detail(tmp_path: Path, scale: float, blur: float) -> None:
    """A scan, or the camera's file, beside a copy made smaller: it is no enlargement, soft as it may be
    (a review found soft scans taken for enlargements of a web export a quarter their size). A soft
    one at 90% holds nothing a person sees beyond it, and may be taken for one."""
    picture = natural((800, 600), seed=2).filter(ImageFilter.GaussianBlur(blur))
    large = saved(picture, tmp_path / "scan.jpg", quality=95)
    small = saved(picture.resize((round(800 * scale), round(600 * scale)), Image.Resampling.LANCZOS),
                  tmp_path / "small.jpg", quality=85)
    assert not adds_no_detail(large, small)


def test_copies_of_other_shapes_or_files_that_cannot_be_read_are_no_enlargement(tmp_path: Path) -> None:
    picture = natural((400, 300), seed=3)
    small = saved(picture, tmp_path / "small.jpg")
    cropped = saved(picture.crop((0, 0, 360, 300)).resize((720, 600), Image.Resampling.BICUBIC), tmp_path / "crop.jpg")
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"\xff\xd8\xff\xe0 not a photo")
    assert not adds_no_detail(cropped, small)
    assert not adds_no_detail(broken, small) and not adds_no_detail(small, broken)
    assert not adds_no_detail(small, small)  # as many pixels: nothing enlarged
