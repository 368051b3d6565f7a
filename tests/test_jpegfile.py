"""JPEG structure: which camera previews an MPF index offers, and which it must not."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from photoclip import jpegfile
from photoclip.errors import ImageDecodeError
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
    padded = _jpeg((1616, 1080), "green") + b"\x00" * 300
    data = camera_jpeg(Image.new("RGB", (3000, 2000), "blue"), [(MPF_FULL_HD_PREVIEW, padded)])
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


def _segment(marker: int, payload: bytes) -> bytes:
    return bytes([0xFF, marker]) + (len(payload) + 2).to_bytes(2, "big") + payload


def many_scans_jpeg(ac_scans: int, side: int = 64) -> bytes:
    """A grey progressive JPEG (one component, `side` a multiple of 8 up to 120) of a DC scan
    and `ac_scans` AC scans that each say "no detail in any block" in one byte: a crafted file
    that libjpeg decodes a pass over the whole picture per scan (1,000 scans at 8192 x 8192
    took 3.7 s; 300,000 would take 18 minutes)."""
    blocks = (side // 8) ** 2
    assert side % 8 == 0 and 64 <= blocks <= 127
    frame = _segment(0xC2, bytes([8]) + side.to_bytes(2, "big") * 2 + bytes([1, 1, 0x11, 0]))
    tables = (_segment(0xDB, bytes([0]) + bytes([1] * 64))
              + _segment(0xC4, bytes([0x00, 1] + [0] * 15 + [0]))  # DC: one code, "0": no change
              + _segment(0xC4, bytes([0x10, 1] + [0] * 15 + [0x60])))  # AC: one code, "0": EOBRUN of 64..127
    dc_scan = _segment(0xDA, bytes([1, 1, 0x00, 0, 0, 0])) + bytes(-(-blocks // 8))
    run = f"0{blocks - 64:06b}".ljust(8, "1")  # the code, the run's 6 extra bits, padding with ones
    ac_scan = _segment(0xDA, bytes([1, 1, 0x00, 1, 63, 0])) + bytes([int(run, 2)])
    return b"\xff\xd8" + tables + frame + dc_scan + ac_scan * ac_scans + b"\xff\xd9"


def test_a_jpeg_with_more_scans_than_any_photo_has_is_refused_from_its_structure():
    sane = io.BytesIO(many_scans_jpeg(jpegfile.MAX_SCANS - 1))
    jpegfile.check_header(sane)
    assert sane.tell() == 0
    with Image.open(sane) as im:
        assert im.size == (64, 64) and im.convert("L").getextrema() == (128, 128)

    crafted = io.BytesIO(many_scans_jpeg(1000))
    with pytest.raises(ImageDecodeError, match=r"progressive JPEG with too many scans \(1001\)"):
        jpegfile.check_header(crafted)
    assert crafted.tell() == 0


def test_a_huge_progressive_jpeg_may_have_fewer_scans_than_a_photo_of_the_usual_size():
    """Each scan is a pass over every block: 450 scans of 256 megapixels took 40 seconds."""
    def claiming(side: int, ac_scans: int) -> io.BytesIO:
        data = many_scans_jpeg(ac_scans)
        frame = data.index(b"\xff\xc2")
        return io.BytesIO(data[:frame + 5] + side.to_bytes(2, "big") * 2 + data[frame + 9:])

    jpegfile.check_header(claiming(16000, 30))
    jpegfile.check_header(claiming(4000, 400))
    with pytest.raises(ImageDecodeError, match=r"^progressive JPEG of 256 megapixels in 101 scans; it would take "
                                               r"minutes to decode$"):
        jpegfile.check_header(claiming(16000, 100))


def test_scans_are_counted_in_the_image_only_not_in_what_follows_its_end():
    video = b"\xff\xda\x00\x01" * 2000  # a motion photo's video after the end marker: any bytes
    jpegfile.check_header(io.BytesIO(many_scans_jpeg(5) + video))


def test_segments_too_short_to_be_what_they_say_are_left_out_and_others_stay():
    good = _jpeg((16, 16), "red")
    short_adobe, short_jfif = b"\xff\xee\x00\x07Adobe", b"\xff\xe0\x00\x08JFIF\x00\x01"
    real_adobe = b"\xff\xee\x00\x0eAdobe\x00\x64\x00\x00\x00\x00\x01"

    assert jpegfile.without_malformed_segments(good[:2] + short_adobe + short_jfif + real_adobe + good[2:]) == (
        good[:2] + real_adobe + good[2:])
    assert jpegfile.without_malformed_segments(good) is None


def test_a_colour_profile_segment_without_its_part_numbers_is_left_out():
    good = _jpeg((16, 16), "red")
    empty_icc, whole_icc = b"\xff\xe2\x00\x0eICC_PROFILE\x00", b"\xff\xe2\x00\x14ICC_PROFILE\x00\x01\x01abcd"
    assert jpegfile.without_malformed_segments(good[:2] + empty_icc + whole_icc + good[2:]) == (
        good[:2] + whole_icc + good[2:])


def test_stray_bytes_before_the_first_scan_are_left_out_and_none_after_it():
    good = _jpeg((64, 48), "red")
    quantisation, scan = good.index(b"\xff\xdb"), good.index(b"\xff\xda")
    stray = good[:quantisation] + b"\xff\x00\x00\x02" + good[quantisation:scan] + b"\x00\x00" + good[scan:]
    in_data = good[:-2] + b"\x12\x34" + good[-2:]

    assert jpegfile.without_header_junk(stray) == good
    assert jpegfile.without_header_junk(good) is None
    assert jpegfile.without_header_junk(in_data) is None  # the image data's own: not the header's
    assert jpegfile.pixel_data(stray) and b"".join(jpegfile.pixel_data(stray)) == b"".join(jpegfile.pixel_data(good))
