"""JPEG structure: which camera previews an MPF index offers, and which it must not."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image

from photoclip import jpegfile
from tests.helpers import MPF_DISPARITY, MPF_FULL_HD_PREVIEW, MPF_VGA_PREVIEW, camera_jpeg, with_iptc


def _jpeg(size: tuple[int, int], colour: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "JPEG")
    return out.getvalue()


def _previews(data: bytes) -> list[tuple[int, int]]:
    stream = io.BytesIO(data)
    with Image.open(io.BytesIO(data)) as im:
        found = jpegfile.camera_previews(stream, getattr(im, "mpinfo", None))
    assert stream.tell() == 0
    sizes = []
    for preview in found:
        with Image.open(io.BytesIO(preview)) as image:
            sizes.append(image.size)
    return sizes


def test_large_thumbnails_are_offered_smallest_first_and_other_frames_are_not():
    main = Image.new("RGB", (3000, 2000), "blue")
    data = camera_jpeg(main, [
        (MPF_FULL_HD_PREVIEW, _jpeg((1616, 1080), "green")),
        (MPF_DISPARITY, _jpeg((3000, 2000), "red")),
        (MPF_VGA_PREVIEW, _jpeg((640, 426), "yellow")),
    ])
    assert _previews(data) == [(640, 426), (1616, 1080)]


def test_a_jpeg_without_an_mpf_index_offers_none():
    assert _previews(_jpeg((300, 200), "blue")) == []


def test_a_file_cut_short_inside_its_preview_offers_none():
    data = camera_jpeg(Image.new("RGB", (3000, 2000), "blue"), [(MPF_FULL_HD_PREVIEW, _jpeg((1616, 1080), "green"))])
    assert _previews(data[:-100]) == []


def test_an_entry_that_points_at_no_jpeg_is_not_offered():
    data = camera_jpeg(Image.new("RGB", (3000, 2000), "blue"), [(MPF_FULL_HD_PREVIEW, b"\x00" * 5000)])
    assert _previews(data) == []


def test_padding_after_a_previews_end_of_image_is_allowed():
    data = camera_jpeg(Image.new("RGB", (3000, 2000), "blue"), [(MPF_FULL_HD_PREVIEW, _jpeg((1616, 1080), "green") + b"\x00" * 300)])
    assert _previews(data) == [(1616, 1080)]


def test_pixel_data_leaves_out_metadata_but_not_pixels() -> None:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (10, 200, 30)).save(out, "JPEG", quality=90)
    plain = out.getvalue()
    tagged = with_iptc(plain, {(2, 120): b"Lunch with Tom"})
    commented = plain[:2] + b"\xff\xfe\x00\x07hello" + plain[2:]
    other = io.BytesIO()
    Image.new("RGB", (64, 48), (10, 200, 31)).save(other, "JPEG", quality=90)

    def pixels(data: bytes) -> bytes:
        return b"".join(jpegfile.pixel_data(data))

    assert pixels(plain) == pixels(tagged) == pixels(commented) != b""
    assert pixels(other.getvalue()) != pixels(plain)
    assert jpegfile.pixel_data(b"\xff\xd8" + b"\x00" * 70000) == []  # no header to walk


def test_the_image_ends_at_its_own_end_marker_not_at_a_previews():
    main = _jpeg((3000, 2000), "blue")
    data = camera_jpeg(Image.new("RGB", (3000, 2000), "blue"), [(MPF_VGA_PREVIEW, _jpeg((640, 426), "yellow"))])

    assert jpegfile.image_end(main) == len(main) - 2
    end = jpegfile.image_end(data)
    assert end is not None and data[end:end + 2] == jpegfile.END and end < data.rindex(jpegfile.END)
    assert jpegfile.image_end(main[:-2]) is None  # cut before its end marker
    assert jpegfile.image_end(b"\xff\xd8\xff\xe0\x00") is None  # no image data at all


def test_a_stray_marker_in_image_data_is_found_and_the_markers_between_scans_are_not_stray():
    noise = Image.fromarray(np.random.default_rng(2).integers(0, 256, (120, 160, 3), dtype=np.uint8))
    for progressive in (False, True):
        out = io.BytesIO()
        noise.save(out, "JPEG", quality=90, progressive=progressive)
        whole = out.getvalue()
        assert jpegfile.first_stray_marker(whole) is None  # DHT and SOS between a progressive one's scans
        at = len(whole) * 3 // 4
        garbled = whole[:at] + b"\xff\x99 garbage from another file" + whole[at:]
        assert jpegfile.first_stray_marker(garbled) == at
    assert jpegfile.first_stray_marker(b"\xff\xd8\xff\xe0\x00") is None
