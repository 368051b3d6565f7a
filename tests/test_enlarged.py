"""Telling a copy enlarged from a smaller one from a copy that holds more of the picture."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from photoclip.enlarged import adds_no_detail
from tests.helpers import natural


def saved(image: Image.Image, path: Path, quality: int = 90) -> Path:
    image.save(path, "JPEG", quality=quality)
    return path


@pytest.mark.parametrize("scale", [1.25, 1.5, 2.0, 3.0])
@pytest.mark.parametrize("resample", [Image.Resampling.BICUBIC, Image.Resampling.LANCZOS, Image.Resampling.BILINEAR])
def test_a_copy_enlarged_from_a_smaller_one_adds_no_detail(tmp_path: Path, scale: float, resample) -> None:
    """An export "to 2048 px" of a 2 MP camera's photo: more pixels, none of them new."""
    camera = natural((400, 300), seed=1)
    small = saved(camera, tmp_path / "IMG_1007.JPG", quality=92)
    with Image.open(small) as read:
        enlarged = saved(read.resize((round(400 * scale), round(300 * scale)), resample), tmp_path / "export.jpg")
    assert adds_no_detail(enlarged, small)


@pytest.mark.parametrize("scale", [0.8, 0.66, 0.5, 0.25])
def test_a_larger_copy_that_holds_more_of_the_picture_adds_detail(tmp_path: Path, scale: float) -> None:
    """A scan, or the camera's file, beside a copy made smaller: it is no enlargement."""
    picture = natural((600, 450), seed=2)
    large = saved(picture, tmp_path / "scan.jpg", quality=92)
    small = saved(picture.resize((round(600 * scale), round(450 * scale)), Image.Resampling.LANCZOS),
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
