"""imaging.py against real Pillow: generated photos, and files broken in the usual ways."""

from __future__ import annotations

import io
import os
import re
import struct
import subprocess
import sys
import threading
import time
import tracemalloc
import warnings
import zlib
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageFile, PngImagePlugin, features

from photoclip import imaging
from photoclip.errors import ImageDecodeError
from tests.helpers import (
    MPF_DISPARITY,
    MPF_FULL_HD_PREVIEW,
    MPF_VGA_PREVIEW,
    PNG_ICCP_BOMB,
    PNG_ZTXT_BOMB,
    camera_jpeg,
    others_sidecar,
    rgb_profile,
    within,
)
from tests.test_jpegfile import many_scans_jpeg
from tests.test_scan import blocking_file  # noqa: F401 - a fixture
from tests.test_xmp import dated_xmp

RED = (255, 0, 0)
GREEN = (0, 255, 0)
BLUE = (0, 0, 255)
WHITE = (255, 255, 255)


def _save(path: Path, image: Image.Image, fmt: str | None = None, **params) -> Path:
    image.save(path, fmt, **params)
    return path


def _png(width: int, height: int, depth: int, colour_type: int, idat: bytes) -> bytes:
    """A PNG written by hand: for sizes and sample depths Pillow will not write itself."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, depth, colour_type, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def _close(actual, expected, tolerance: int = 6) -> bool:
    return all(abs(int(a) - int(b)) <= tolerance for a, b in zip(actual, expected))


def _pixel(photo: imaging.DecodedPhoto, x: int, y: int) -> tuple[int, ...]:
    return photo.image.getpixel((x, y))


def _quadrants(width: int, height: int) -> Image.Image:
    """Red top-left corner block on blue: shows where the stored top-left corner ends up."""
    image = Image.new("RGB", (width, height), BLUE)
    image.paste(RED, (0, 0, width // 4, height // 4))
    return image


def _exif(orientation: int | None = None, **dates: str) -> Image.Exif:
    exif = Image.Exif()
    if orientation is not None:
        exif[0x0112] = orientation
    tags = {"original": 0x9003, "digitized": 0x9004, "subsec_original": 0x9291, "subsec_digitized": 0x9292}
    for name, value in dates.items():
        if name == "datetime":
            exif[0x0132] = value
        else:
            exif.get_ifd(0x8769)[tags[name]] = value
    return exif


# ---------------------------------------------------------------------- reduced decoding


def test_large_jpeg_is_draft_decoded_small_but_reports_full_size(tmp_path):
    path = _save(tmp_path / "big.jpg", _quadrants(4000, 3000), quality=80)

    photo = imaging.decode_photo(path, min_side=512)

    assert (photo.width, photo.height) == (4000, 3000)
    assert photo.format == "jpeg"
    assert photo.image.mode == "RGB"
    # The smallest DCT scale (1/4) whose shortest side is still >= 512: 1000x750.
    assert photo.image.size == (1000, 750)
    assert min(photo.image.size) < 2 * 512


def test_large_png_is_reduced_right_after_decoding_never_below_min_side(tmp_path):
    path = _save(tmp_path / "big.png", _quadrants(2000, 1500))

    photo = imaging.decode_photo(path, min_side=256)

    assert (photo.width, photo.height) == (2000, 1500)
    assert 256 <= min(photo.image.size) < 2 * 256
    assert _close(_pixel(photo, 5, 5), RED) and _close(_pixel(photo, 390, 290), BLUE)


def test_small_photo_is_never_upscaled_and_min_side_zero_means_full_size(tmp_path):
    path = _save(tmp_path / "small.jpg", _quadrants(300, 200))

    assert imaging.decode_photo(path, min_side=512).image.size == (300, 200)
    big = _save(tmp_path / "big.jpg", _quadrants(1600, 1200))
    assert imaging.decode_photo(big, min_side=0).image.size == (1600, 1200)


# ---------------------------------------------------------------------- camera previews


def _jpeg(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


def _other_picture(size: tuple[int, int]) -> bytes:
    """Another picture than _quadrants: green where it is blue."""
    image = Image.new("RGB", size, GREEN)
    image.paste(RED, (0, 0, size[0] // 4, size[1] // 4))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


@pytest.mark.parametrize(
    ("main", "extra", "min_side", "decoded"),
    [
        ((6000, 4000), (MPF_FULL_HD_PREVIEW, (1616, 1080)), 512, (1500, 1000)),
        ((1600, 1200), (MPF_FULL_HD_PREVIEW, (800, 600)), 384, (800, 600)),
        ((3000, 2000), (MPF_VGA_PREVIEW, (640, 426)), 256, (750, 500)),
        ((3000, 2000), (MPF_DISPARITY, (3000, 2000)), 512, (1500, 1000)),
    ],
    ids=["full-hd-preview", "preview-half-size", "vga-preview", "stereo-frame"],
)
def test_a_camera_jpeg_is_decoded_from_its_main_image_never_from_an_image_stored_after_it(
    tmp_path, main, extra, min_side, decoded
):
    kind, size = extra
    path = tmp_path / "cam.jpg"
    path.write_bytes(camera_jpeg(_quadrants(*main), [(kind, _other_picture(size))], quality=90,
                                 exif=_exif(6, original="2024:07:14 10:30:00")))

    photo = imaging.decode_photo(path, min_side=min_side)

    assert (photo.width, photo.height) == (main[1], main[0])
    assert photo.taken_at == "2024-07-14T10:30:00"
    assert photo.image.size == (decoded[1], decoded[0])
    assert _close(_pixel(photo, 5, photo.image.height - 5), BLUE)
    with Image.open(io.BytesIO(imaging.make_thumbnail(path, 256))) as thumb:
        assert _close(thumb.getpixel((5, thumb.height - 5)), BLUE)
    shown, whole = imaging.display_image(path, 10_000)  # the preview zoomed in: its own pixels, upright
    assert whole == shown.size == (main[1], main[0]) and shown.mode == "RGB"
    assert _close(shown.getpixel((5, shown.height - 5)), BLUE)


def _exif_with_thumbnail(thumbnail: Image.Image, orientation: int = 1) -> bytes:
    """EXIF as cameras write it: an orientation in IFD0, and in IFD1 a JPEG thumbnail of the photo."""
    out = io.BytesIO()
    thumbnail.save(out, "JPEG", quality=85)
    data = out.getvalue()
    ifd0 = struct.pack("<HHHIHH", 1, 0x0112, 3, 1, orientation, 0) + struct.pack("<I", 26)
    ifd1 = struct.pack("<H", 2) + struct.pack("<HHII", 0x0201, 4, 1, 56) + struct.pack("<HHII", 0x0202, 4, 1, len(data))
    return b"Exif\x00\x00II*\x00" + struct.pack("<I", 8) + ifd0 + ifd1 + struct.pack("<I", 0) + data


def test_a_camera_preview_its_exif_thumbnail_vouches_for_is_decoded_instead_of_the_main_image(tmp_path):
    path = tmp_path / "cam.jpg"
    path.write_bytes(camera_jpeg(_quadrants(6000, 4000), [(MPF_FULL_HD_PREVIEW, _jpeg(_quadrants(1616, 1080)))],
                                 quality=90, exif=_exif_with_thumbnail(_quadrants(160, 107), orientation=6)))

    photo = imaging.decode_photo(path, min_side=512)

    assert (photo.width, photo.height) == (4000, 6000)
    assert photo.image.size == (540, 808)  # the preview at 1/2 scale, turned upright (the main image: 1000 x 1500)
    assert _close(_pixel(photo, photo.image.width - 5, 5), RED) and _close(_pixel(photo, 5, 5), BLUE)


def test_a_camera_preview_of_another_picture_than_its_exif_thumbnail_is_passed_over(tmp_path):
    path = tmp_path / "cam.jpg"
    path.write_bytes(camera_jpeg(_quadrants(6000, 4000), [(MPF_FULL_HD_PREVIEW, _other_picture((1616, 1080)))],
                                 quality=90, exif=_exif_with_thumbnail(_quadrants(160, 107))))

    photo = imaging.decode_photo(path, min_side=512)

    assert photo.image.size == (1500, 1000)
    assert _close(_pixel(photo, 5, photo.image.height - 5), BLUE)


# ---------------------------------------------------------------------- orientation, EXIF


@pytest.mark.parametrize(
    ("orientation", "corner"),
    [(1, "tl"), (2, "tr"), (3, "br"), (4, "bl"), (5, "tl"), (6, "tr"), (7, "br"), (8, "bl")],
)
def test_exif_orientation_turns_the_photo_upright(tmp_path, orientation, corner):
    path = _save(tmp_path / "o.png", _quadrants(80, 40), exif=_exif(orientation))

    photo = imaging.decode_photo(path, min_side=0)

    swapped = orientation >= 5
    assert (photo.width, photo.height) == ((40, 80) if swapped else (80, 40))
    assert photo.image.size == (photo.width, photo.height)
    w, h = photo.image.size
    spots = {"tl": (2, 2), "tr": (w - 3, 2), "bl": (2, h - 3), "br": (w - 3, h - 3)}
    for name, (x, y) in spots.items():
        assert _pixel(photo, x, y) == (RED if name == corner else BLUE), name


def test_orientation_6_jpeg_swaps_full_size_and_rotates_the_reduced_image(tmp_path):
    image = _quadrants(2400, 1600)
    path = _save(tmp_path / "portrait.jpg", image, exif=_exif(6), quality=90)

    photo = imaging.decode_photo(path, min_side=256)

    assert (photo.width, photo.height) == (1600, 2400)  # as the user sees it
    w, h = photo.image.size
    assert w < h and min(w, h) >= 256
    assert _close(_pixel(photo, w - 5, 5), RED)  # stored top-left -> displayed top-right
    assert _close(_pixel(photo, 5, 5), BLUE)


_BROKEN_EXIF = b"Exif\x00\x00MM\x00*\x00\x00\x00\x08\xff\xff\x01\x12\x00\x03"


def test_broken_exif_never_fails_the_photo(tmp_path):
    path = _save(tmp_path / "badexif.jpg", _quadrants(64, 32), exif=_BROKEN_EXIF)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pytest drops the filters imaging sets at import
        photo = imaging.decode_photo(path, min_side=0)

    assert (photo.width, photo.height) == (64, 32)
    assert photo.taken_at is None


def test_decoding_broken_files_prints_nothing_on_the_terminal(tmp_path):
    # In a fresh interpreter: pytest replaces the warning filters that imaging sets.
    bad_exif = _save(tmp_path / "badexif.jpg", _quadrants(64, 32), exif=_BROKEN_EXIF)
    noise = np.random.default_rng(3).integers(0, 256, (64, 64, 3), dtype=np.uint8)
    tiff = bytearray(_save(tmp_path / "ok.tif", Image.fromarray(noise), compression="tiff_lzw").read_bytes())
    tiff[8:400] = bytes(range(256)) + bytes(range(136))  # scramble the LZW stream
    broken_tiff = tmp_path / "broken.tif"
    broken_tiff.write_bytes(bytes(tiff))
    many_samples = tmp_path / "samples.tif"  # Pillow logs an ERROR about it, itself
    many_samples.write_bytes(_set_tiff_tag(_save(tmp_path / "rgb.tif", _quadrants(8, 8)).read_bytes(), 277, 65535))
    script = (
        "import sys\n"
        "from photoclip import imaging\n"
        "from photoclip.errors import ImageDecodeError\n"
        "for path in sys.argv[1:]:\n"
        "    try:\n"
        "        print(imaging.decode_photo(path, 0).image.size)\n"
        "    except ImageDecodeError as exc:\n"
        "        print(exc)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(bad_exif), str(broken_tiff), str(many_samples)],
        capture_output=True, text=True, timeout=60, cwd=Path(__file__).resolve().parent.parent,
    )

    assert done.returncode == 0
    assert done.stdout.splitlines() == [
        "(64, 32)", "corrupt TIFF data (the image cannot be decoded)", "corrupt TIFF file (its header cannot be read)",
    ]
    assert done.stderr == ""


def test_absurd_orientation_value_is_ignored(tmp_path):
    path = _save(tmp_path / "o99.jpg", _quadrants(64, 32), exif=_exif(99))

    photo = imaging.decode_photo(path, min_side=0)

    assert (photo.width, photo.height) == (64, 32)


def test_taken_at_comes_from_date_time_original(tmp_path):
    exif = _exif(original="2021:07:04 12:34:56", datetime="2023:01:01 00:00:00")
    path = _save(tmp_path / "dated.jpg", _quadrants(32, 32), exif=exif)

    assert imaging.decode_photo(path, min_side=0).taken_at == "2021-07-04T12:34:56"


def test_garbage_date_gives_no_taken_at(tmp_path):
    path = _save(tmp_path / "zero.jpg", _quadrants(32, 32), exif=_exif(original="0000:00:00 00:00:00"))
    other = _save(tmp_path / "text.jpg", _quadrants(32, 32), exif=_exif(original="yesterday-ish"))
    reset = _save(tmp_path / "reset.jpg", _quadrants(32, 32), exif=_exif(original="1970:01:01 00:00:00"))

    assert imaging.decode_photo(path, min_side=0).taken_at is None
    assert imaging.decode_photo(other, min_side=0).taken_at is None
    assert imaging.decode_photo(reset, min_side=0).taken_at is None  # a camera's clock reset to zero


@pytest.mark.parametrize("future", ["2099:01:01 10:00:00", "9999:12:31 23:59:59"])
def test_a_date_taken_in_the_future_is_a_clock_set_wrong_and_not_taken(tmp_path, future):
    now = datetime.now().strftime("%Y:%m:%d %H:%M:%S")
    path = _save(tmp_path / "future.jpg", _quadrants(32, 32), exif=_exif(original=future))
    today = _save(tmp_path / "today.jpg", _quadrants(32, 32), exif=_exif(original=now))

    assert imaging.decode_photo(path, min_side=0).taken_at is None
    assert imaging.decode_photo(today, min_side=0).taken_at == now.replace(":", "-", 2).replace(" ", "T")


def test_taken_at_falls_back_to_digitized_and_the_modify_date_is_kept_apart(tmp_path):
    """DateTime (ModifyDate) is when an editor last saved the file, no date taken: kept apart, the
    date in the name beats it (pipeline.taken_facts)."""
    digitized = _exif(original="2019:13:45 99:00:00", digitized="2019:05:06 07:08:09")
    plain = _exif(datetime="2018:02:03 04:05:06")
    a = _save(tmp_path / "a.jpg", _quadrants(32, 32), exif=digitized)
    b = _save(tmp_path / "b.jpg", _quadrants(32, 32), exif=plain)

    assert imaging.decode_photo(a, min_side=0).taken_at == "2019-05-06T07:08:09"
    photo = imaging.decode_photo(b, min_side=0)
    assert (photo.taken_at, photo.modified_at) == (None, "2018-02-03T04:05:06")


def _with_xmp(path: Path, packet: bytes, exif: Image.Exif | None = None) -> Path:
    """A photo whose XMP packet is embedded as its format keeps one (a PNG in an iTXt chunk)."""
    if path.suffix == ".png":
        info = PngImagePlugin.PngInfo()
        info.add_itxt("XML:com.adobe.xmp", packet.decode())
        return _save(path, _quadrants(32, 32), pnginfo=info)
    return _save(path, _quadrants(32, 32), xmp=packet, **({"exif": exif} if exif is not None else {}))


@pytest.mark.parametrize("name", ["exif:DateTimeOriginal", "photoshop:DateCreated", "xmp:CreateDate"])
@pytest.mark.parametrize("suffix", [".png", ".jpg", ".webp"])
def test_a_date_only_in_the_embedded_xmp_is_the_date_taken(tmp_path, name, suffix):
    """A screenshot or an edited photo whose only date is in its XMP packet had none."""
    path = _with_xmp(tmp_path / f"shot{suffix}", dated_xmp({name: "2023-07-04T15:30:00.123+02:00"}))

    assert imaging.decode_photo(path, min_side=0).taken_at == "2023-07-04T15:30:00.123"


def test_the_exif_date_taken_beats_the_embedded_xmp_date_and_that_the_modify_date(tmp_path):
    packet = dated_xmp({"photoshop:DateCreated": "2020-01-02T03:04:05"})
    exif = _with_xmp(tmp_path / "exif.jpg", packet, _exif(original="2021:07:04 12:34:56"))
    edited = _with_xmp(tmp_path / "edited.jpg", packet, _exif(datetime="2026:11:20 10:00:00"))

    assert imaging.decode_photo(exif, min_side=0).taken_at == "2021-07-04T12:34:56"
    photo = imaging.decode_photo(edited, min_side=0)
    assert (photo.taken_at, photo.modified_at) == ("2020-01-02T03:04:05", "2026-11-20T10:00:00")


@pytest.mark.parametrize(("written", "taken"), [
    ("1998-12-24", "1998-12-24T00:00:00"),
    ("1998-12-24T18:00", "1998-12-24T18:00:00"),
    ("2023-07-04T15:30:00.123+02:00", "2023-07-04T15:30:00.123"),  # the clock's time as written, as EXIF's
    ("2023-07-04T15:30:00Z", "2023-07-04T15:30:00"),
    ("2023-07-04T15:30:00.5", "2023-07-04T15:30:00.500"),
    ("1998:12:24 18:00:00", "1998-12-24T18:00:00"),  # EXIF's way, as some programs write it
    ("1998", "1998-01-01T00:00:00"),  # a scan known by its year: its first day
    ("1998-12", "1998-12-01T00:00:00"),
    ("1970", "1970-01-01T00:00:00"),  # a year, no clock reset
    ("1970-01-01T00:00:00", None),
    ("0000-00-00T00:00:00", None),
    ("1998-13-45", None),
    ("1700-01-01", None),
    ("2099-01-01T00:00:00", None),
    ("christmas 1998", None),
    ("1998-12-24 and then some", None),
    ("", None),
])
def test_an_xmp_date_is_read_as_exif_dates_are_and_garbage_is_no_date(written, taken):
    assert imaging.xmp_taken_at(dated_xmp({"photoshop:DateCreated": written})) == taken


def test_the_surest_xmp_date_that_is_one_counts():
    packet = dated_xmp({"exif:DateTimeOriginal": "0000:00:00 00:00:00", "xmp:CreateDate": "2024-03-01T09:00:00",
                        "photoshop:DateCreated": "1998-12-24T18:00:00"})

    assert imaging.xmp_taken_at(packet) == "1998-12-24T18:00:00"
    assert imaging.xmp_taken_at(None) is None and imaging.xmp_taken_at(b"<x:xmpmeta>broken") is None


@pytest.mark.parametrize(("subsec", "taken"), [
    ("07", "2021-07-04T12:34:56.070"), ("00", "2021-07-04T12:34:56.000"), ("1234567", "2021-07-04T12:34:56.123"),
    ("  ", "2021-07-04T12:34:56"), ("ab", "2021-07-04T12:34:56"),
])
def test_the_fraction_of_a_second_a_camera_wrote_is_kept_to_the_millisecond(tmp_path, subsec, taken):
    exif = _exif(original="2021:07:04 12:34:56", subsec_original=subsec, subsec_digitized="99")
    path = _save(tmp_path / "burst.jpg", _quadrants(32, 32), exif=exif)

    assert imaging.decode_photo(path, min_side=0).taken_at == taken


# ---------------------------------------------------------------------- modes and colours


@pytest.mark.parametrize("fmt", ["JPEG", "TIFF"])
def test_cmyk_colours_are_right_not_inverted(tmp_path, fmt):
    image = Image.new("CMYK", (48, 16), (0, 255, 255, 0))  # red
    image.paste((255, 0, 255, 0), (16, 0, 32, 16))  # green
    image.paste((0, 0, 0, 0), (32, 0, 48, 16))  # paper white
    path = _save(tmp_path / f"cmyk.{fmt.lower()}", image, fmt)
    if fmt == "JPEG":
        with Image.open(path) as check:
            assert check.mode == "CMYK" and "adobe" in check.info  # Adobe, inverted on disk

    photo = imaging.decode_photo(path, min_side=0)

    assert _close(_pixel(photo, 8, 8), RED, 12)
    assert _close(_pixel(photo, 24, 8), GREEN, 12)
    assert _close(_pixel(photo, 40, 8), WHITE, 12)


def test_sixteen_bit_png_mid_grey_stays_mid_grey(tmp_path):
    values = np.full((8, 8), 32768, np.uint16)
    values[0, :] = np.linspace(0, 65535, 8).astype(np.uint16)
    path = _save(tmp_path / "grey16.png", Image.fromarray(values))
    with Image.open(path) as check:
        assert check.mode == "I;16"

    photo = imaging.decode_photo(path, min_side=0)

    pixels = np.asarray(photo.image)
    assert _close(pixels[4, 4], (128, 128, 128), 1)
    assert list(pixels[0, :, 0]) == sorted(pixels[0, :, 0]) and pixels[0, 0, 0] == 0
    assert pixels[0, -1, 0] == 255


def test_sixteen_bit_big_endian_tiff_and_float_tiff_scale_to_eight_bits(tmp_path):
    big_endian = Image.fromarray(np.full((8, 8), 16384, np.dtype(">u2")))
    floats = Image.fromarray(np.full((8, 8), 0.75, np.float32))
    a = _save(tmp_path / "be.tif", big_endian)
    b = _save(tmp_path / "f.tif", floats)

    assert _close(_pixel(imaging.decode_photo(a, min_side=0), 1, 1), (64, 64, 64), 1)
    assert _close(_pixel(imaging.decode_photo(b, min_side=0), 1, 1), (191, 191, 191), 1)


def test_sixteen_bit_rgb_png_keeps_its_colours(tmp_path):
    row = np.array([65535, 32768, 0] * 4, dtype=">u2").tobytes()
    raw = b"".join(b"\x00" + row for _ in range(4))
    path = tmp_path / "rgb16.png"
    path.write_bytes(_png(4, 4, 16, 2, zlib.compress(raw)))

    photo = imaging.decode_photo(path, min_side=0)

    assert _close(_pixel(photo, 1, 1), (255, 128, 0), 1)


def test_palette_transparency_composites_onto_white(tmp_path):
    image = Image.new("P", (16, 16), 1)
    image.putpalette([0, 0, 0, 255, 0, 0] + [0, 0, 0] * 254)
    image.paste(0, (0, 0, 8, 16))  # index 0: transparent black
    path = _save(tmp_path / "pal.png", image, transparency=0)

    photo = imaging.decode_photo(path, min_side=0)

    assert _pixel(photo, 2, 2) == WHITE
    assert _pixel(photo, 12, 2) == RED


@pytest.mark.parametrize(
    ("mode", "colour", "expected"),
    [("RGBA", (255, 0, 0, 128), (255, 127, 127)), ("RGBA", (0, 0, 0, 0), WHITE), ("LA", (0, 0), WHITE)],
)
def test_alpha_composites_onto_white(tmp_path, mode, colour, expected):
    path = _save(tmp_path / "alpha.png", Image.new(mode, (8, 8), colour))

    assert _close(_pixel(imaging.decode_photo(path, min_side=0), 3, 3), expected, 1)


def test_one_bit_image_is_black_and_white_rgb(tmp_path):
    image = Image.new("1", (16, 8), 0)
    image.paste(1, (8, 0, 16, 8))
    path = _save(tmp_path / "bw.png", image)

    photo = imaging.decode_photo(path, min_side=0)

    assert _pixel(photo, 2, 2) == (0, 0, 0) and _pixel(photo, 12, 2) == WHITE


# ---------------------------------------------------------------------- formats


def _frames() -> list[Image.Image]:
    return [Image.new("RGB", (24, 16), colour) for colour in (RED, GREEN, BLUE)]


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("anim.gif", {"format": "GIF"}),
        ("anim.webp", {"format": "WEBP", "lossless": True}),
        ("anim.png", {"format": "PNG"}),
    ],
)
def test_animation_gives_its_first_frame(tmp_path, name, params):
    first, *rest = _frames()
    path = tmp_path / name
    first.save(path, save_all=True, append_images=rest, duration=100, loop=0, **params)
    with Image.open(path) as check:
        assert check.n_frames == 3

    photo = imaging.decode_photo(path, min_side=0)

    assert (photo.width, photo.height) == (24, 16)
    assert _close(_pixel(photo, 5, 5), RED, 2)


def test_multi_page_tiff_gives_its_first_page(tmp_path):
    red, green, blue = _frames()
    path = tmp_path / "pages.tif"
    green.save(path, save_all=True, append_images=[red, blue])

    photo = imaging.decode_photo(path, min_side=0)

    assert photo.format == "tiff" and _pixel(photo, 5, 5) == GREEN


@pytest.mark.parametrize(
    ("name", "fmt", "params", "tolerance"),
    [
        ("a.bmp", "bmp", {}, 0),
        ("a.webp", "webp", {"quality": 95}, 12),
        ("a.gif", "gif", {}, 0),
        ("a.tif", "tiff", {"compression": "tiff_deflate"}, 0),
        ("a.jpe", "jpeg", {"progressive": True, "quality": 95}, 12),
    ],
)
def test_common_formats_decode_with_their_colours(tmp_path, name, fmt, params, tolerance):
    path = _save(tmp_path / name, _quadrants(64, 48), **params)

    photo = imaging.decode_photo(path, min_side=0)

    assert photo.format == fmt and (photo.width, photo.height) == (64, 48)
    assert _close(_pixel(photo, 4, 4), RED, tolerance)
    assert _close(_pixel(photo, 50, 40), BLUE, tolerance)


def test_heic_round_trip(tmp_path):
    path = tmp_path / "phone.heic"
    try:
        _quadrants(128, 96).save(path, format="HEIF", quality=95)
    except (KeyError, OSError, ValueError) as exc:
        pytest.skip(f"no HEIF encoder here: {exc}")

    photo = imaging.decode_photo(path, min_side=0)

    assert photo.format == "heif" and (photo.width, photo.height) == (128, 96)
    assert _close(_pixel(photo, 8, 8), RED, 16) and _close(_pixel(photo, 100, 80), BLUE, 16)
    assert ".heic" in imaging.IMAGE_SUFFIXES and ".hif" in imaging.IMAGE_SUFFIXES


def test_a_heic_phones_and_windows_keep_keywords_in_has_them_read(tmp_path):
    """A HEIC has no IPTC; Windows' file properties write keywords into its EXIF (XPKeywords)."""
    exif = Image.Exif()
    exif[0x9C9E] = "Grandma;Lake".encode("utf-16-le") + b"\0\0"
    path = tmp_path / "phone.heic"
    try:
        _quadrants(128, 96).save(path, format="HEIF", quality=95, exif=exif.tobytes())
    except (KeyError, OSError, ValueError) as exc:
        pytest.skip(f"no HEIF encoder here: {exc}")

    assert imaging.decode_photo(path, min_side=0).keywords == ("Grandma", "Lake")


def _box(kind: bytes, content: bytes, version: int | None = None, flags: int = 0) -> bytes:
    """An ISO-BMFF box; a full box (version and flags first) when `version` is given."""
    if version is not None:
        content = bytes([version]) + flags.to_bytes(3, "big") + content
    return struct.pack(">I", 8 + len(content)) + kind + content


def _hevc(image: Image.Image) -> tuple[bytes, bytes]:
    """(its 'hvcC' box, its coded data) of `image` encoded alone by pillow_heif."""
    pillow_heif = pytest.importorskip("pillow_heif")
    out = io.BytesIO()
    try:
        pillow_heif.from_pillow(image).save(out, quality=95, thumbnails=[])
    except (KeyError, OSError, ValueError, RuntimeError) as exc:
        pytest.skip(f"no HEIF encoder here: {exc}")
    data = out.getvalue()
    meta = data.index(b"meta") - 4
    hvcc = data.index(b"hvcC") - 4
    iloc = data.index(b"iloc", meta) - 4
    assert data[iloc + 12:iloc + 16] == b"\x44\x40\x00\x01"  # 4-byte offsets and lengths, one item
    base, extents, offset, length = struct.unpack(">IHII", data[iloc + 20:iloc + 34])
    assert extents == 1
    return data[hvcc:hvcc + int.from_bytes(data[hvcc:hvcc + 4], "big")], data[base + offset:base + offset + length]


def _heic(picture: Image.Image, thumbnail: Image.Image, tile: int | None = None,
          moves: tuple[bytes, ...] = ()) -> bytes:
    """A HEIC as phones write it: `picture` in a grid of `tile`-pixel tiles (or, without
    `tile`, in one coded image), with `moves` ('irot', 'imir' boxes: how it is shown), and an
    embedded `thumbnail` (of any picture: stored as the picture is, shown with the same moves)."""
    if tile is None:
        coded = [_hevc(picture)]
    else:
        columns, rows = -(-picture.width // tile), -(-picture.height // tile)
        coded = [_hevc(picture.crop((c * tile, r * tile, (c + 1) * tile, (r + 1) * tile)))
                 for r in range(rows) for c in range(columns)]
    thumb_hvcc, thumb_data = _hevc(thumbnail)

    def ispe(size: tuple[int, int]) -> bytes:
        return _box(b"ispe", struct.pack(">II", *size), version=0)

    # properties: tiles' hvcC..., the grid's size, a tile's size, the thumbnail's hvcC and size, the moves
    properties = [c[0] for c in coded] + [ispe(picture.size), ispe((tile, tile) if tile else picture.size),
                                          thumb_hvcc, ispe(thumbnail.size), *moves]
    n, grid_size, tile_size = len(coded), len(coded) + 1, len(coded) + 2
    shown = [(len(properties) - len(moves) + 1 + i, 1) for i in range(len(moves))]
    if tile is None:  # item 1: the picture; 2: the thumbnail
        items = [(1, b"hvc1", 0, [(1, 1), (grid_size, 0)] + shown, coded[0][1])]
    else:  # item 1: the grid; 2..: its tiles, hidden; then the thumbnail
        grid = struct.pack(">BBBBHH", 0, 0, rows - 1, columns - 1, *picture.size)
        items = [(1, b"grid", 0, [(grid_size, 0)] + shown, grid)]
        items += [(2 + i, b"hvc1", 1, [(i + 1, 1), (tile_size, 0)], c[1]) for i, c in enumerate(coded)]
    thumb_id = len(items) + 1
    items.append((thumb_id, b"hvc1", 0, [(n + 3, 1), (n + 4, 0)] + shown, thumb_data))
    ipma = _box(b"ipma", struct.pack(">I", len(items)) + b"".join(
        struct.pack(">HB", item, len(links)) + bytes(essential << 7 | index for index, essential in links)
        for item, _, _, links, _ in items), version=0)
    infe = [_box(b"infe", struct.pack(">HH", item, 0) + kind + b"\0", version=2, flags=hidden)
            for item, kind, hidden, _, _ in items]
    references = _box(b"thmb", struct.pack(">HHH", thumb_id, 1, 1))
    if tile is not None:
        references += _box(b"dimg", struct.pack(">HH", 1, n) + b"".join(struct.pack(">H", 2 + i) for i in range(n)))
    head = (_box(b"hdlr", bytes(4) + b"pict" + bytes(13), version=0) + _box(b"pitm", b"\0\1", version=0)
            + _box(b"iinf", struct.pack(">H", len(infe)) + b"".join(infe), version=0)
            + _box(b"iref", references, version=0) + _box(b"iprp", _box(b"ipco", b"".join(properties)) + ipma))
    ftyp = _box(b"ftyp", b"heic" + bytes(4) + b"mif1heic")
    iloc_size = 8 + 4 + 4 + 14 * len(items)
    position = len(ftyp) + 12 + len(head) + iloc_size + 8  # meta's header, head, iloc, mdat's header
    entries = b""
    for item, _, _, _, data in items:
        entries += struct.pack(">HHHII", item, 0, 1, position, len(data))
        position += len(data)
    iloc = _box(b"iloc", b"\x44\x00" + struct.pack(">H", len(items)) + entries, version=0)
    assert len(iloc) == iloc_size
    return ftyp + _box(b"meta", head + iloc, version=0) + _box(b"mdat", b"".join(i[4] for i in items))


def _scene(seed: int, size: tuple[int, int]) -> Image.Image:
    """Soft coloured blobs: a picture with detail everywhere, that survives HEVC at any size."""
    blocks = np.random.default_rng(seed).integers(0, 256, (4, 6, 3), dtype=np.uint8)
    return Image.fromarray(blocks).resize(size, Image.BICUBIC)


@pytest.mark.parametrize("tile", [64, None], ids=["a phone's grid", "one coded image"])
def test_a_heic_thumbnail_of_another_picture_is_never_taken_for_the_photo(tmp_path, tile):
    picture, other = _scene(1, (192, 128)), _scene(2, (192, 128))
    path = tmp_path / "IMG_edited.heic"  # edited, its old thumbnail kept
    path.write_bytes(_heic(picture, other.resize((96, 64)), tile))

    photo = imaging.decode_photo(path, min_side=48)

    shown = np.asarray(photo.image.resize((24, 16), Image.BOX), dtype=np.int16)
    assert np.abs(shown - np.asarray(picture.resize((24, 16), Image.BOX), dtype=np.int16)).mean() < 8
    assert (photo.width, photo.height) == (192, 128)


@pytest.mark.parametrize("moves", [(), (_box(b"irot", b"\x03"),), (_box(b"irot", b"\x01"), _box(b"imir", b"\x00")),
                                   (_box(b"imir", b"\x01"), _box(b"irot", b"\x02"))],
                         ids=["upright", "turned", "turned and mirrored", "mirrored and turned"])
def test_a_phones_heic_is_decoded_from_its_thumbnail_when_a_tile_of_the_photo_vouches_for_it(
    tmp_path, monkeypatch, moves
):
    picture = _scene(1, (192, 128))
    path = tmp_path / "IMG_0001.heic"
    path.write_bytes(_heic(picture, picture.resize((96, 64), Image.BOX), 64, moves))
    full = imaging.decode_photo(path, min_side=0)  # the grid, as shown
    decoded_items = []
    real_open = imaging.Image.open

    def watch(fp, *args, **kwargs):
        opened = real_open(fp, *args, **kwargs)
        decoded_items.append(opened.size)
        return opened

    monkeypatch.setattr(imaging.Image, "open", watch)
    photo = imaging.decode_photo(path, min_side=48)

    assert photo.image.size == (full.image.width // 2, full.image.height // 2)  # the thumbnail's
    assert (photo.width, photo.height) == full.image.size
    assert decoded_items == [full.image.size, (64, 64)]  # the photo (drafted to its thumbnail), one tile
    shown = np.asarray(photo.image.resize((24, 16) if full.image.width > full.image.height else (16, 24), Image.BOX),
                       dtype=np.int16)
    expected = np.asarray(full.image.resize(shown.shape[1::-1], Image.BOX), dtype=np.int16)
    assert np.abs(shown - expected).mean() < 8


@pytest.mark.parametrize("params", [{"quality": 95}, {"lossless": True}])
def test_jpeg_xl_round_trip_with_its_exif_date_and_a_thumbnail(tmp_path, params):
    path = tmp_path / "export.jxl"
    exif = Image.Exif()
    exif.get_ifd(0x8769)[0x9003] = "2024:05:01 10:30:00"
    _quadrants(400, 300).save(path, format="JXL", exif=exif.tobytes(), **params)

    photo = imaging.decode_photo(path, min_side=0)

    assert photo.format == "jxl" and (photo.width, photo.height) == (400, 300)
    assert photo.taken_at == "2024-05-01T10:30:00"
    assert _close(_pixel(photo, 10, 10), RED, 16) and _close(_pixel(photo, 300, 200), BLUE, 16)
    with Image.open(io.BytesIO(imaging.make_thumbnail(path, 100))) as thumb:
        assert thumb.size == (100, 75)
    assert ".jxl" in imaging.IMAGE_SUFFIXES


def test_jpeg_xl_is_turned_by_its_own_header_not_by_exif(tmp_path):
    path = tmp_path / "turned.jxl"
    _quadrants(400, 300).save(path, format="JXL", exif=_exif(6).tobytes(), quality=95)

    photo = imaging.decode_photo(path, min_side=0)

    assert (photo.width, photo.height) == (400, 300)  # as JPEG XL viewers show it


@pytest.mark.parametrize("head", [b"\xff\x0a\xfa\x1f", b"\x00\x00\x00\x0cJXL \x0d\x0a\x87\x0a\x00\x00\x00\x14ftypjxl "])
def test_jpeg_xl_is_known_by_its_content_and_a_broken_one_fails_with_a_reason(tmp_path, head):
    assert imaging.sniff_format(head) == "jxl"
    path = tmp_path / "broken.jxl"
    path.write_bytes(head + b"\x00" * 40)
    with pytest.raises(ImageDecodeError, match="JPEG XL"):
        imaging.decode_photo(path, min_side=64)


def test_a_file_not_named_like_a_photo_is_a_jpeg_xl_only_in_its_container(tmp_path):
    """A bare codestream's two bytes (FF 0A) start many a cache file: a scan listed one as a
    corrupt JPEG XL. Named .jxl, the same bytes are still read as one."""
    cache = tmp_path / "data_1"
    cache.write_bytes(b"\xff\x0a" + np.random.default_rng(5).bytes(4000))
    boxed = tmp_path / "export"
    boxed.write_bytes(b"\x00\x00\x00\x0cJXL \x0d\x0a\x87\x0a\x00\x00\x00\x14ftypjxl " + b"\x00" * 40)
    named = tmp_path / "data_1.jxl"
    named.write_bytes(cache.read_bytes())

    assert imaging.sniff_file(cache) is None
    assert imaging.sniff_file(boxed) == "jxl"
    with pytest.raises(ImageDecodeError, match="JPEG XL"):
        imaging.decode_photo(named, min_side=0)


@pytest.mark.skipif(not features.check("avif"), reason="this Pillow cannot encode AVIF")
def test_avif_decodes_as_heif_family(tmp_path):
    path = _save(tmp_path / "a.avif", _quadrants(64, 48), "AVIF", quality=95)

    photo = imaging.decode_photo(path, min_side=0)

    assert photo.format == "heif" and _close(_pixel(photo, 4, 4), RED, 16)
    assert ".avif" in imaging.IMAGE_SUFFIXES


def test_png_named_jpg_decodes_by_its_content(tmp_path):
    path = _save(tmp_path / "really_a_png.jpg", _quadrants(32, 32), "PNG")

    photo = imaging.decode_photo(path, min_side=0)

    assert photo.format == "png" and _pixel(photo, 2, 2) == RED


# ---------------------------------------------------------------------- broken files


def test_text_named_jpg_is_not_an_image(tmp_path):
    path = tmp_path / "notes.jpg"
    path.write_text("BM: shopping list. Milk, eggs, a new camera.\n")

    with pytest.raises(ImageDecodeError, match="not an image"):
        imaging.decode_photo(path, min_side=0)


NOT_PHOTOS = {
    "error page": (b"\xef\xbb\xbf<html><body>Access denied</body></html>", "a web page (a failed download?)"),
    "404 page": (b"<!DOCTYPE html><html><head><title>404 Not Found", "a web page (a failed download?)"),
    "MP4": (b"\0\0\0\x20ftypisom\0\0\x02\0isomiso2avc1mp41\0\0\0\x08free", "a video"),
    "MOV": (b"\0\0\0\x14ftypqt  \0\0\0\0qt  \0\0\0\x08wide", "a video"),
    "ZIP": (b"PK\x03\x04\x14\0\0\0\0\0" + bytes(30), "a ZIP archive"),
    "PDF": (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj", "a PDF document"),
    "API error": (b'{"error":"rate limited"}', "a JSON text (a failed download?)"),
    "random bytes": (bytes(range(7, 250)), "(unrecognised content)"),
}


@pytest.mark.parametrize("content, what", NOT_PHOTOS.values(), ids=NOT_PHOTOS.keys())
def test_a_file_named_like_a_photo_that_is_something_else_says_what_it_is(tmp_path, content, what):
    path = tmp_path / "IMG_0001.jpg"
    path.write_bytes(content)

    with pytest.raises(ImageDecodeError) as failure:
        imaging.decode_photo(path, min_side=0)

    assert str(failure.value) in (f"not an image: {what}", f"not an image {what}")


@pytest.mark.parametrize("head", [b"\xff\xd8", b"\x89PNG\r", b"GIF8"])
def test_a_photo_cut_within_its_first_bytes_is_truncated_not_something_else(tmp_path, head):
    path = tmp_path / "IMG_0001.jpg"
    path.write_bytes(head)

    with pytest.raises(ImageDecodeError, match=rf"^truncated file \(it ends after its first {len(head)} bytes\)$"):
        imaging.decode_photo(path, min_side=0)


def test_a_bmp_whose_pixels_would_begin_past_its_end_says_it_holds_none(tmp_path):
    data = bytearray(_save(tmp_path / "whole.bmp", _quadrants(64, 48)).read_bytes())
    data[10:14] = (0x7FFFFFFF).to_bytes(4, "little")
    path = tmp_path / "offset.bmp"
    path.write_bytes(data)

    with pytest.raises(ImageDecodeError, match=r"^corrupt BMP file \(it holds no pixels"):
        imaging.decode_photo(path, min_side=0)


@pytest.mark.parametrize("width", [-640, 0])
def test_a_bmp_whose_header_gives_a_width_below_one_is_corrupt_not_too_large(tmp_path, width):
    data = bytearray(_save(tmp_path / "whole.bmp", _quadrants(64, 48)).read_bytes())
    data[18:22] = width.to_bytes(4, "little", signed=True)
    path = tmp_path / "width.bmp"
    path.write_bytes(data)

    with pytest.raises(ImageDecodeError, match=r"^corrupt BMP file \(its header gives a width below 1\)$"):
        imaging.decode_photo(path, min_side=0)


def test_a_gif_or_animated_webp_without_frames_says_so(tmp_path):
    gif = tmp_path / "empty.gif"  # a header, a palette, the trailer
    gif.write_bytes(b"GIF89a\x40\x00\x30\x00\x80\x00\x00" + bytes(6) + b";")
    animation = b"ANIM" + (6).to_bytes(4, "little") + bytes(6)
    webp = tmp_path / "empty.webp"  # VP8X saying "animated", ANIM, no frame
    body = b"WEBP" + b"VP8X" + (10).to_bytes(4, "little") + b"\x02\0\0\0" + b"\x3f\0\0\x2f\0\0" + animation
    webp.write_bytes(b"RIFF" + len(body).to_bytes(4, "little") + body)

    with pytest.raises(ImageDecodeError, match=r"^GIF file with no frames \(it holds no picture\)$"):
        imaging.decode_photo(gif, min_side=0)
    with pytest.raises(ImageDecodeError, match=r"^WebP file with no frames \(it holds no picture\)$"):
        imaging.decode_photo(webp, min_side=0)


def test_empty_file_says_so_and_why_a_photo_may_be_one(tmp_path):
    """A cloud drive's placeholders, not downloaded, are empty: said as such, a folder of them is
    no longer a wall of bare "empty file" lines the user cannot act on."""
    path = tmp_path / "empty.jpg"
    path.write_bytes(b"")

    with pytest.raises(ImageDecodeError, match=r"^empty file \(0 bytes: .*cloud drive's file not downloaded yet\)$"):
        imaging.decode_photo(path, min_side=0)
    with pytest.raises(ImageDecodeError, match="^empty file"):
        imaging.make_thumbnail(path, 64)


def test_a_file_of_zeros_only_says_it_may_be_a_cloud_drives_file_not_downloaded_yet(tmp_path):
    """A cloud drive keeps a file not downloaded yet as a sparse placeholder of its full size: all zeros, as
    a 0-byte file is said to be one. A file with something past its zeros is none."""
    placeholder = tmp_path / "IMG_0001.jpg"
    with open(placeholder, "wb") as fh:
        fh.truncate(3_000_000)
    written = tmp_path / "IMG_0002.jpg"
    written.write_bytes(bytes(40_000))
    other = tmp_path / "IMG_0003.jpg"
    other.write_bytes(bytes(40_000) + b"\x17" * 100)

    for path in (placeholder, written):
        with pytest.raises(ImageDecodeError, match=r"^only zeros \(a cloud drive's file not downloaded yet, "):
            imaging.decode_photo(path, min_side=0)
    with pytest.raises(ImageDecodeError, match=r"^not an image \(unrecognised content\)$"):
        imaging.decode_photo(other, min_side=0)


@pytest.mark.parametrize("name", ["a.jpg", "a.png", "a.gif"])
def test_a_photo_cut_short_does_not_end_as_a_whole_file(tmp_path, name):
    """What a sync client has written so far of a photo it writes in place, chunk by chunk (the worker waits)."""
    whole = tmp_path / name
    data = _noise_file(whole)
    cut, padded = tmp_path / f"cut_{name}", tmp_path / f"padded_{name}"
    cut.write_bytes(data[:len(data) * 3 // 4])
    padded.write_bytes(data + (bytes(512) if name.endswith(".jpg") else b""))

    assert imaging.ends_as_a_whole_file(whole) and imaging.ends_as_a_whole_file(padded)
    assert not imaging.ends_as_a_whole_file(cut)


def test_a_format_that_marks_no_end_or_a_file_gone_counts_as_a_whole_file(tmp_path):
    webp = tmp_path / "a.webp"
    webp.write_bytes(_noise_file(webp)[:100])
    assert imaging.ends_as_a_whole_file(webp) and imaging.ends_as_a_whole_file(tmp_path / "gone.jpg")


_CUT_FORMATS = [
    ("t.jpg", {}),
    ("t.png", {}),
    ("t.webp", {"quality": 90}),
    ("t.tif", {"compression": "tiff_deflate"}),
    ("t.gif", {"interlace": False}),  # (an interlaced one cut short keeps its picture: see below)
]


@pytest.mark.parametrize(
    ("name", "params", "keep"),
    [(name, params, keep) for name, params in _CUT_FORMATS for keep in (0.2, 0.6, 0.97)
     if keep != 0.97 or name in ("t.webp", "t.tif")],  # others that short of their end are shown (below)
)
@pytest.mark.filterwarnings("ignore:Corrupt EXIF data")  # Pillow's word on a cut-off TIFF IFD
def test_truncated_file_is_reported_truncated(tmp_path, name, params, keep):
    path = tmp_path / name
    path.write_bytes(_cut(_noise_file(tmp_path / ("whole_" + name), **params), keep))

    with pytest.raises(ImageDecodeError, match="truncated"):
        imaging.decode_photo(path, min_side=0)


def _noise_file(path: Path, size: tuple[int, int] = (128, 96), **params) -> bytes:
    noise = np.random.default_rng(7).integers(0, 256, (size[1], size[0], 3), dtype=np.uint8)
    return _save(path, Image.fromarray(noise), **params).read_bytes()


def _cut(data: bytes, keep: float) -> bytes:
    return data[: int(len(data) * keep)]


@pytest.mark.parametrize("progressive", [False, True])
def test_a_jpeg_cut_a_little_short_is_decoded_and_its_damage_said(tmp_path, progressive):
    whole = _noise_file(tmp_path / "whole.jpg", (640, 480), progressive=progressive)
    path = tmp_path / "cut.jpg"
    path.write_bytes(_cut(whole, 0.95))

    photo = imaging.decode_photo(path, min_side=0)
    pixels = np.asarray(photo.image)
    assert (photo.width, photo.height) == (640, 480) and photo.image.size == (640, 480)
    if progressive:  # every row is there, only coarser: the later scans are what is missing
        assert photo.damage == "the file ends early; all of the image is there, with less detail"
    else:  # the last rows are one flat colour, and said to be missing
        assert re.fullmatch(r"the file ends early; the lower [1-9]% of the image is missing", photo.damage)
        assert np.all(pixels[-1] == pixels[-1, -1]) and not np.all(pixels[0] == pixels[0, 0])
    assert len(imaging.make_thumbnail(path, 64)) > 0  # the grid shows it too


@pytest.mark.parametrize("progressive", [False, True])
def test_a_jpeg_cut_short_and_given_an_end_marker_is_as_cut_as_without_it(tmp_path, progressive):
    whole = _noise_file(tmp_path / "whole.jpg", (640, 480), progressive=progressive)
    closed_late, closed_early = tmp_path / "late.jpg", tmp_path / "early.jpg"
    closed_late.write_bytes(_cut(whole, 0.97) + b"\xff\xd9")
    closed_early.write_bytes(_cut(whole, 0.3) + b"\xff\xd9")

    if progressive:  # the cut is in a later scan: all rows are there, coarser
        for path in (closed_late, closed_early):
            damage = imaging.decode_photo(path, min_side=0).damage
            assert damage == "the file ends early; all of the image is there, with less detail"
    else:
        assert re.fullmatch(r"the file ends early; the lower [1-9]% of the image is missing",
                            imaging.decode_photo(closed_late, min_side=0).damage)
        with pytest.raises(ImageDecodeError, match=r"^truncated file \(the lower (6\d|7\d)% of the image is missing"):
            imaging.decode_photo(closed_early, min_side=0)


@pytest.mark.parametrize("progressive", [False, True])
def test_a_jpeg_whose_header_claims_far_more_pixels_than_its_data_can_hold_fails(tmp_path, progressive):
    data = bytearray(_noise_file(tmp_path / "small.jpg", (64, 48), progressive=progressive, quality=20))
    frame = data.index(b"\xff\xc2" if progressive else b"\xff\xc0")
    data[frame + 5:frame + 9] = struct.pack(">HH", 15000, 16000)
    path = tmp_path / "claims-240-megapixels.jpg"
    path.write_bytes(bytes(data))

    with pytest.raises(ImageDecodeError, match=r"^corrupt JPEG file \(its \d+ bytes of image data cannot hold the "
                                               r"16000x15000 pixels its header claims\)$"):
        imaging.decode_photo(path, min_side=384)


def test_a_progressive_jpeg_cut_between_two_scans_is_whole_with_less_detail(tmp_path):
    whole = _noise_file(tmp_path / "whole.jpg", (640, 480), progressive=True)
    scans = [m.start() for m in re.finditer(b"\xff\xda", whole)]

    for scan in scans[1:]:
        (tmp_path / "cut.jpg").write_bytes(whole[:scan])
        photo = imaging.decode_photo(tmp_path / "cut.jpg", min_side=0)
        assert photo.damage == "the file ends early; all of the image is there, with less detail", scan
    (tmp_path / "unended.jpg").write_bytes(whole[:-2])
    assert imaging.decode_photo(tmp_path / "unended.jpg", min_side=0).damage == (
        "the file ends early; the image looks whole")


@pytest.mark.parametrize(("share", "said"), [(0.004, "1%"), (0.1, "10%"), (0.1004, "11%"), (0.104, "11%"),
                                             (0.3, "30%"), (0.996, "99%"), (1.0, "100%")])
def test_a_share_missing_reads_on_its_side_of_the_tenth_that_fails(share: float, said: str) -> None:
    """A file failing for "the lower 10% missing" beside one kept with 10% missing read as a contradiction; one
    that kept its first row read "the lower 100% of the image is missing"."""
    assert imaging._percent(share) == said


@pytest.mark.parametrize("keep", [0.9, 0.97, 0.995])
def test_a_progressive_jpeg_cut_after_its_first_scans_is_whole_though_its_rows_end_in_white(tmp_path, keep):
    """A product shot on white, a border, a clipped sky: the photo's own flat row ends are not
    rows its cut file lacks."""
    noise = np.random.default_rng(0).integers(0, 256, (480, 640, 3), dtype=np.uint8)
    noise[:, 448:] = 255
    whole = _save(tmp_path / "whole.jpg", Image.fromarray(noise), progressive=True, quality=90).read_bytes()
    (tmp_path / "cut.jpg").write_bytes(_cut(whole, keep))

    photo = imaging.decode_photo(tmp_path / "cut.jpg", min_side=0)
    assert photo.damage == "the file ends early; all of the image is there, with less detail"


def test_a_progressive_jpeg_cut_inside_its_first_scan_lacks_the_rows_past_the_cut(tmp_path):
    whole = _noise_file(tmp_path / "whole.jpg", (640, 480), progressive=True)
    first, second = [m.start() for m in re.finditer(b"\xff\xda", whole)][:2]
    (tmp_path / "cut.jpg").write_bytes(whole[:(first + second) // 2])

    with pytest.raises(ImageDecodeError, match=r"^truncated file \(the lower [3-6]\d% of the image is missing\)$"):
        imaging.decode_photo(tmp_path / "cut.jpg", min_side=0)


@pytest.mark.parametrize("fmt", ["WEBP", "HEIF", "AVIF"])
def test_a_compressed_photo_cut_and_filled_with_zeros_is_said_damaged_or_fails_by_how_much_is_lost(tmp_path, fmt):
    """An interrupted copy into a file of its full size: decoders show the zeros as a garbled
    picture, mostly without a word."""
    noise = np.random.default_rng(7).integers(0, 256, (480, 640, 3), dtype=np.uint8)
    whole = _save(tmp_path / "whole", Image.fromarray(noise), fmt).read_bytes()
    for keep, name in ((0.97, "little"), (0.8, "much")):
        cut = int(len(whole) * keep)
        (tmp_path / name).write_bytes(whole[:cut] + bytes(len(whole) - cut))

    assert re.fullmatch(r"the file ends early, filled with zeros; about the lower [2-4]% of the image is garbled",
                        imaging.decode_photo(tmp_path / "little", min_side=0).damage)
    with pytest.raises(ImageDecodeError, match=r"^truncated file \(zeros fill the last (19|2\d)% of its image data\)$"):
        imaging.decode_photo(tmp_path / "much", min_side=0)
    (tmp_path / "padded").write_bytes(whole + bytes(8192))
    assert imaging.decode_photo(tmp_path / "padded", min_side=0).damage is None


def test_a_motion_photo_whose_video_ends_in_zeros_is_whole(tmp_path):
    """A phone's motion photo: the JPEG, then after its end marker an MP4 whose last box may be
    zeros. The picture is whole; only a JPEG whose data runs into the zeros was cut short."""
    whole = _noise_file(tmp_path / "whole.jpg", (640, 480))
    video = b"\x00\x00\x00\x18ftypmp42" + np.random.default_rng(3).bytes(200_000) + bytes(4096)
    (tmp_path / "PXL_1.MP.jpg").write_bytes(whole + video)
    (tmp_path / "padded.jpg").write_bytes(whole + b"\xff" * 16 + bytes(4096))
    assert imaging.decode_photo(tmp_path / "PXL_1.MP.jpg", min_side=0).damage is None
    assert imaging.decode_photo(tmp_path / "padded.jpg", min_side=0).damage is None
    cut = int(len(whole) * 0.97)
    (tmp_path / "cut.jpg").write_bytes(whole[:cut] + bytes(len(whole) - cut))
    assert imaging.decode_photo(tmp_path / "cut.jpg", min_side=0).damage is not None


def test_a_png_cut_and_filled_with_zeros_lacks_the_rows_past_the_zeros(tmp_path):
    whole = _noise_file(tmp_path / "whole.png", (640, 480))
    cut = int(len(whole) * 0.96)
    (tmp_path / "cut.png").write_bytes(whole[:cut] + bytes(len(whole) - cut))

    photo = imaging.decode_photo(tmp_path / "cut.png", min_side=0)
    assert re.fullmatch(r"the file ends early; the lower [3-5]% of the image is missing", photo.damage)


@pytest.mark.parametrize("min_side", [0, 64])
def test_a_jpeg_cut_inside_its_last_row_of_blocks_says_that_row_is_missing(tmp_path, min_side):
    """Its data stops a few blocks into that row: the rest of the row is filled flat, but its
    first blocks are not, so no row is flat all the way across."""
    whole = _noise_file(tmp_path / "whole.jpg", (320, 320), subsampling=2)
    path = tmp_path / "cut.jpg"
    path.write_bytes(_cut(whole, 0.975))

    photo = imaging.decode_photo(path, min_side=min_side)
    pixels = np.asarray(imaging.decode_photo(path, min_side=0).image)
    assert not np.all(pixels[-1] == pixels[-1, -1])  # the case in point
    assert re.fullmatch(r"the file ends early; the lower [1-5]% of the image is missing", photo.damage)


@pytest.mark.parametrize(("name", "band"), [("cut.png", "lower"), ("cut.bmp", "upper")])  # a BMP is stored bottom up
def test_a_png_or_bmp_cut_a_little_short_is_decoded_and_its_damage_said(tmp_path, name, band):
    whole = _noise_file(tmp_path / ("whole" + Path(name).suffix), (640, 480))
    path = tmp_path / name
    path.write_bytes(_cut(whole, 0.97))

    photo = imaging.decode_photo(path, min_side=0)
    match = re.fullmatch(rf"the file ends early; the {band} ([1-9])% of the image is missing", photo.damage)
    assert match and photo.image.size == (640, 480)
    missing = round(480 * int(match.group(1)) / 100)
    there = slice(None, 480 - missing - 1) if band == "lower" else slice(missing + 1, None)
    intact = np.asarray(imaging.decode_photo(tmp_path / ("whole" + Path(name).suffix), min_side=0).image)
    assert np.array_equal(np.asarray(photo.image)[there], intact[there])  # what the file holds, as it was
    assert len(imaging.make_thumbnail(path, 64)) > 0


def _adam7_png(image: Image.Image) -> bytes:
    """An interlaced RGB PNG (Pillow writes none): its seven passes, each a smaller picture of
    every 8th, 4th or 2nd pixel, one after the other in its data."""
    pixels = np.asarray(image.convert("RGB"))
    rows = b""
    for (top, left, down, across) in ((0, 0, 8, 8), (0, 4, 8, 8), (4, 0, 8, 4), (0, 2, 4, 4), (2, 0, 4, 2),
                                      (0, 1, 2, 2), (1, 0, 2, 1)):
        rows += b"".join(b"\0" + row.tobytes() for row in pixels[top::down, left::across])
    header = struct.pack(">IIBBBBB", image.width, image.height, 8, 2, 0, 0, 1)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(rows)) + _chunk(b"IEND", b"")


@pytest.mark.parametrize(("name", "keep"), [("cut.png", 0.3), ("cut.png", 0.97), ("cut.gif", 0.5), ("cut.gif", 0.97)])
def test_an_interlaced_png_or_gif_cut_after_its_first_passes_keeps_all_of_its_picture_with_less_detail(
    tmp_path, name, keep
):
    picture = Image.fromarray(np.random.default_rng(3).integers(0, 256, (6, 8, 3), dtype=np.uint8))
    picture = picture.resize((320, 240), Image.BICUBIC)  # soft: what a coarser grid of it shows well
    if name.endswith(".png"):  # PNG's passes 1-5 (every other pixel of every other row) are in its first 25%
        whole = _adam7_png(picture)
    else:  # GIF's first passes (every 8th row, then every 4th) are in its first 25%
        whole = _save(tmp_path / "whole.gif", picture, interlace=True).read_bytes()
    path = tmp_path / name
    path.write_bytes(_cut(whole, keep))

    photo = imaging.decode_photo(path, min_side=0)

    assert photo.damage == "the file ends early; all of the image is there, with less detail"
    with Image.open(io.BytesIO(whole)) as im:
        intact = np.asarray(im.convert("RGB"), dtype=np.int16)
    assert np.abs(np.asarray(photo.image, dtype=np.int16) - intact).mean() < 6
    assert np.array_equal(np.asarray(photo.image)[::4, ::2], intact[::4, ::2])  # the pixels it has, as they are


@pytest.mark.parametrize(("kept", "damage"), [
    (0.75, "the file ends early; its first frame is whole"),
    (1.0, None),
    (-1, None),  # all but its trailer, which some encoders leave out
])
def test_an_animated_gif_cut_after_its_first_frame_keeps_that_frame_and_says_the_rest_is_missing(
        tmp_path, kept, damage):
    frames = [Image.fromarray(np.random.default_rng(seed).integers(0, 256, (96, 128, 3), dtype=np.uint8)).convert("P")
              for seed in (1, 2)]
    frames[0].save(tmp_path / "whole.gif", save_all=True, append_images=frames[1:])
    whole = (tmp_path / "whole.gif").read_bytes()
    path = tmp_path / "cut.gif"
    path.write_bytes(whole[:-1] if kept == -1 else _cut(whole, kept))

    photo = imaging.decode_photo(path, min_side=0)

    assert photo.damage == damage
    assert np.array_equal(np.asarray(photo.image), np.asarray(frames[0].convert("RGB")))


@pytest.mark.parametrize(("name", "band"), [("half.png", "the lower "), ("half.bmp", "the upper "),
                                           ("half.gif", "the lower ")])
def test_a_png_gif_or_bmp_missing_more_than_a_tenth_of_its_rows_fails_and_says_how_much(tmp_path, name, band):
    path = tmp_path / name
    params = {"interlace": False} if name.endswith(".gif") else {}
    path.write_bytes(_cut(_noise_file(tmp_path / ("whole" + path.suffix), **params), 0.5))

    most = rf"^truncated file \({band}(4[5-9]|5[0-5])% of the image is missing\)$"
    with pytest.raises(ImageDecodeError, match=most):
        imaging.decode_photo(path, min_side=0)


def test_cut_files_decoded_at_once_on_many_threads_each_get_their_own_verdict(tmp_path):
    """While one thread reads what a cut PNG holds, Pillow accepts files cut short: no other
    thread may decode then, or a cut JPEG would pass for a whole one."""
    paths = {}
    for name, keep in (("a.jpg", 0.97), ("b.jpg", 0.5), ("c.png", 0.97), ("d.png", 0.5), ("e.jpg", 1.0)):
        paths[name] = tmp_path / name
        paths[name].write_bytes(_cut(_noise_file(tmp_path / ("whole_" + name), (320, 240)), keep))

    def verdict(path: Path) -> str | None:
        try:
            return imaging.decode_photo(path, min_side=0).damage
        except ImageDecodeError as exc:
            return f"failed: {exc}"

    alone = {name: verdict(path) for name, path in paths.items()}
    with ThreadPoolExecutor(4) as pool:
        names = list(paths) * 12
        together = list(pool.map(lambda name: (name, verdict(paths[name])), names))
    assert alone["e.jpg"] is None and all(alone[name] for name in ("a.jpg", "b.jpg", "c.png", "d.png"))
    assert [(name, alone[name]) for name in names] == together
    assert not ImageFile.LOAD_TRUNCATED_IMAGES


@pytest.mark.parametrize(("progressive", "mode"), [(False, "RGB"), (True, "RGB"), (False, "CMYK")])
def test_a_jpeg_whose_data_is_damaged_is_decoded_and_its_damage_said(tmp_path, progressive, mode):
    noise = np.random.default_rng(7).integers(0, 256, (240, 320, 3), dtype=np.uint8)
    data = bytearray(_save(tmp_path / "whole.jpg", Image.fromarray(noise).convert(mode),
                           progressive=progressive).read_bytes())
    middle = len(data) // 2
    data[middle:middle + 4096] = bytes(4096)  # a disk block lost to zeros, mid image data
    path = tmp_path / "rotten.jpg"
    path.write_bytes(bytes(data))

    photo = imaging.decode_photo(path, min_side=0)

    assert photo.damage == "the image data is damaged; parts of the picture may be garbled"
    assert photo.image.size == (320, 240)
    assert imaging.decode_photo(tmp_path / "whole.jpg", min_side=0).damage is None


@pytest.mark.parametrize("hole", [(0.4, 0.5), (0.8, 0.85)])
def test_a_jpeg_with_a_band_of_its_data_lost_to_zeros_is_said_garbled_not_cut(tmp_path, hole):
    """The decoder runs out of data before the end marker, as in a file cut and closed again,
    but the file is whole: what follows the zeros is garbled, not missing."""
    y, x = np.mgrid[0:600, 0:800]
    smooth = np.stack([x * 255 // 799, y * 255 // 599, (x + y) * 127 // 1400 + 60], -1).astype(np.int16)
    smooth += np.random.default_rng(3).integers(-12, 12, smooth.shape, dtype=np.int16)
    data = _save(tmp_path / "whole.jpg", Image.fromarray(smooth.clip(0, 255).astype(np.uint8)), quality=90).read_bytes()
    start, end = int(len(data) * hole[0]), int(len(data) * hole[1])
    path = tmp_path / "rotten.jpg"
    path.write_bytes(data[:start] + bytes(end - start) + data[end:])

    damage = imaging.decode_photo(path, min_side=0).damage
    assert damage == "the image data is damaged; parts of the picture may be garbled"


@pytest.mark.parametrize(("where", "progressive", "outcome"), [
    (0.9, False, r"the image data is damaged; the lower ([5-9]|10)% of the image is missing"),  # its last tenth
    (0.5, False, r"failed: corrupt JPEG data \(the lower (4[5-9]|5[0-5])% of the image cannot be read\)"),
    (0.9, True, r"the image data is damaged; all of the image is there, with less detail"),
])
def test_a_jpeg_with_garbage_over_its_data_decodes_as_far_as_its_own_data_goes(tmp_path, where, progressive, outcome):
    whole = _noise_file(tmp_path / "whole.jpg", (320, 240), progressive=progressive)
    at = int(len(whole) * where)
    garbage = b"\xff\xc9" + np.random.default_rng(1).integers(0, 256, 512, dtype=np.uint8).tobytes()
    path = tmp_path / "crossed.jpg"
    path.write_bytes(whole[:at] + garbage + whole[at + len(garbage):])  # a block of another file

    try:
        photo = imaging.decode_photo(path, min_side=0)
    except ImageDecodeError as exc:
        assert re.fullmatch(outcome, f"failed: {exc}")
    else:
        assert re.fullmatch(outcome, photo.damage) and photo.image.size == (320, 240)


@pytest.mark.parametrize(("before_the_end", "damaged"), [
    (bytes(16), False),  # zero padding, as some cameras write
    (b"\x3c\x91\x07", False),  # a few bytes too many, as some encoders flush
    (bytes(range(1, 21)), True),  # data the decoder did not need: a damaged code made it stop early
])
def test_bytes_left_over_before_a_jpegs_end_marker_are_damage_only_when_they_are_data(
    tmp_path, before_the_end, damaged
):
    whole = _noise_file(tmp_path / "whole.jpg", (320, 240))
    path = tmp_path / "odd end.jpg"
    path.write_bytes(whole[:-2] + before_the_end + whole[-2:])

    photo = imaging.decode_photo(path, min_side=0)

    assert (photo.damage is not None) == damaged
    assert np.array_equal(np.asarray(photo.image), np.asarray(imaging.decode_photo(tmp_path / "whole.jpg", 0).image))


@pytest.mark.parametrize("mode", ["RGB", "L"])
def test_a_jpeg_decodes_to_the_very_pixels_pillow_gives_at_the_same_scale(tmp_path, mode):
    image = Image.fromarray(np.random.default_rng(4).integers(0, 256, (600, 800, 3), dtype=np.uint8)).convert(mode)
    path = _save(tmp_path / "photo.jpg", image, quality=90)

    photo = imaging.decode_photo(path, min_side=150)

    with Image.open(path) as reference:
        reference.draft(mode, (150, 150))
        expected = reference.convert("RGB") if mode == "L" else reference.copy()
    assert photo.image.size == (200, 150)  # decoded at an eighth, not in full and resized
    assert np.array_equal(np.asarray(photo.image.convert("RGB")), np.asarray(expected))


def test_a_cut_jpegs_second_tries_are_not_checked_for_damage_again(tmp_path, monkeypatch):
    """Its tries with an end marker added all hit that marker early; the cut says what is wrong."""
    import simplejpeg

    calls = []

    class Counting:
        @staticmethod
        def decode_jpeg(*args, **kwargs):
            calls.append(1)
            return simplejpeg.decode_jpeg(*args, **kwargs)

    monkeypatch.setattr(imaging, "simplejpeg", Counting)
    path = tmp_path / "cut.jpg"
    path.write_bytes(_cut(_noise_file(tmp_path / "whole.jpg", (640, 480)), 0.95))

    photo = imaging.decode_photo(path, min_side=0)

    assert photo.damage.startswith("the file ends early; ") and len(calls) == 1


def test_a_jpeg_without_its_end_marker_decodes_to_the_same_pixels(tmp_path):
    whole = _noise_file(tmp_path / "whole.jpg")
    path = tmp_path / "no_end.jpg"
    path.write_bytes(whole[:-2])

    photo = imaging.decode_photo(path, min_side=0)
    intact = imaging.decode_photo(tmp_path / "whole.jpg", min_side=0)
    assert intact.damage is None
    assert photo.damage == "the file ends early; the image looks whole"
    assert np.array_equal(np.asarray(photo.image), np.asarray(intact.image))


def test_a_jpeg_cut_where_its_image_data_begins_says_most_of_it_is_missing(tmp_path):
    whole = _noise_file(tmp_path / "whole.jpg")
    scan = whole.index(b"\xff\xda")
    path = tmp_path / "headers_only.jpg"
    path.write_bytes(whole[: scan + 2 + int.from_bytes(whole[scan + 2:scan + 4], "big")])  # up to the scan's header

    most = r"^truncated file \(the lower (8\d|9\d|100)% of the image is missing\)$"
    with pytest.raises(ImageDecodeError, match=most):
        imaging.decode_photo(path, min_side=0)


def test_a_whole_jpeg_with_a_flat_band_at_the_bottom_is_not_taken_for_a_cut_one(tmp_path):
    letterboxed = np.zeros((480, 640, 3), dtype=np.uint8)
    letterboxed[:320] = np.random.default_rng(5).integers(0, 256, (320, 640, 3), dtype=np.uint8)
    whole = _save(tmp_path / "whole.jpg", Image.fromarray(letterboxed), quality=90).read_bytes()
    path = tmp_path / "no_end.jpg"
    path.write_bytes(whole[:-2])

    assert imaging.decode_photo(path, min_side=0).damage == "the file ends early; the image looks whole"
    path.write_bytes(whole[: int(len(whole) * 0.97)])  # cut in its noise: the band below is missing too
    with pytest.raises(ImageDecodeError, match=r"^truncated file \(the lower (3[3-9]|4[0-2])% of the image"):
        imaging.decode_photo(path, min_side=0)


@pytest.mark.parametrize(("kept", "zeros"), [(0.95, 4096), (0.95, 1 << 20), (0.5, 64)])
def test_a_jpeg_cut_short_and_filled_up_with_zeros_is_as_cut_as_without_them(tmp_path, kept, zeros):
    data = _cut(_noise_file(tmp_path / "whole.jpg", (640, 480)), kept)
    path = tmp_path / "cut.jpg"
    verdicts = []
    for tail in (b"", bytes(zeros)):
        path.write_bytes(data + tail)
        try:
            verdicts.append(imaging.decode_photo(path, min_side=0).damage)
        except ImageDecodeError as exc:
            verdicts.append(str(exc))
    assert verdicts[0] is not None and verdicts[1] == verdicts[0]


def test_a_whole_jpeg_padded_with_zeros_after_its_end_is_not_damaged(tmp_path):
    path = tmp_path / "padded.jpg"
    path.write_bytes(_noise_file(tmp_path / "whole.jpg", (640, 480)) + bytes(4096))  # as some cameras pad them
    assert imaging.decode_photo(path, min_side=0).damage is None


def test_a_jpeg_missing_more_than_a_tenth_of_its_rows_fails_and_says_how_much(tmp_path):
    path = tmp_path / "half.jpg"
    path.write_bytes(_cut(_noise_file(tmp_path / "whole.jpg"), 0.5))

    most = r"^truncated file \(the lower (4[5-9]|5[0-5])% of the image is missing\)$"
    with pytest.raises(ImageDecodeError, match=most):
        imaging.decode_photo(path, min_side=0)


def test_a_png_with_metadata_too_big_to_read_is_decoded_without_that_metadata(tmp_path):
    info = PngImagePlugin.PngInfo()
    info.add_itxt("XML:com.adobe.xmp", others_sidecar(["lake"]).decode())
    image = Image.fromarray(np.random.default_rng(3).integers(0, 256, (48, 64, 3), dtype=np.uint8))
    out = io.BytesIO()
    image.save(out, "PNG", pnginfo=info)
    clean = out.getvalue()
    path = tmp_path / "bloated.png"
    path.write_bytes(clean[:33] + PNG_ZTXT_BOMB + PNG_ICCP_BOMB + clean[33:])

    photo = imaging.decode_photo(path, min_side=0)

    assert np.array_equal(np.asarray(photo.image), np.asarray(image)) and photo.damage is None
    assert b"lake" in photo.xmp  # the metadata it can read is still read
    assert photo.content_hash == imaging.file_hash(path)  # of the file as it is on disk


def _chunk(kind: bytes, body: bytes, crc_xor: int = 0) -> bytes:
    crc = (zlib.crc32(kind + body) ^ crc_xor) & 0xFFFFFFFF
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)


@pytest.mark.parametrize(
    "chunk", [(b"tEXt", b"Comment\0hello"), (b"zzZz", b"a program's private data")], ids=["text", "private"]
)
def test_a_png_with_a_bad_checksum_in_an_ancillary_chunk_is_decoded_without_that_chunk(tmp_path, chunk):
    image = Image.fromarray(np.random.default_rng(4).integers(0, 256, (48, 64, 3), dtype=np.uint8))
    out = io.BytesIO()
    image.save(out, "PNG")
    clean = out.getvalue()
    path = tmp_path / "bad-crc.png"
    path.write_bytes(clean[:33] + _chunk(*chunk, crc_xor=0xDEADBEEF) + clean[33:])

    photo = imaging.decode_photo(path, min_side=0)

    assert np.array_equal(np.asarray(photo.image), np.asarray(image)) and photo.damage is None
    assert "hello" not in photo.captions
    assert photo.content_hash == imaging.file_hash(path)


MALFORMED_CHUNKS = {
    "profile compressed by method 1": (b"iCCP", b"sRGB\0\1" + zlib.compress(b"not read")),
    "profile name without its end": (b"iCCP", b"x" * 90),
    "text compressed by method 1": (b"zTXt", b"Comment\0\1" + zlib.compress(b"hello")),
    "one byte of pixel size": (b"pHYs", b"\1"),
    "one byte of animation": (b"acTL", b"\1"),
    "short gamma": (b"gAMA", b"\0\1"),
}


@pytest.mark.parametrize("chunk", MALFORMED_CHUNKS.values(), ids=MALFORMED_CHUNKS.keys())
def test_a_png_with_a_malformed_ancillary_chunk_is_indexed_clean_without_that_chunk(tmp_path, chunk):
    image = Image.fromarray(np.random.default_rng(4).integers(0, 256, (48, 64, 3), dtype=np.uint8))
    out = io.BytesIO()
    image.save(out, "PNG")
    clean = out.getvalue()
    path = tmp_path / "malformed.png"
    path.write_bytes(clean[:33] + _chunk(*chunk) + clean[33:])  # right after IHDR, its checksum right

    photo = imaging.decode_photo(path, min_side=0)

    assert np.array_equal(np.asarray(photo.image), np.asarray(image)) and photo.damage is None
    assert photo.content_hash == imaging.file_hash(path)


def test_an_animated_png_with_broken_animation_chunks_keeps_its_still_image(tmp_path):
    frames = [Image.new("RGB", (32, 24), colour) for colour in (RED, BLUE)]
    out = io.BytesIO()
    frames[0].save(out, "PNG", save_all=True, append_images=frames[1:], default_image=False)
    data = out.getvalue()
    frame_control = data.index(b"fcTL") - 4
    path = tmp_path / "anim.png"  # its first frame's control chunk cut to 20 bytes
    path.write_bytes(data[:frame_control] + _chunk(b"fcTL", data[frame_control + 8:frame_control + 28])
                     + data[frame_control + 38:])

    photo = imaging.decode_photo(path, min_side=0)

    assert _close(_pixel(photo, 4, 4), RED) and photo.damage is None


def test_a_png_with_a_bad_checksum_in_its_header_chunk_still_fails(tmp_path):
    path = tmp_path / "bad-ihdr.png"
    data = _png(8, 8, 8, 0, zlib.compress(b"\0" * 8 * 9))
    path.write_bytes(data[:29] + bytes([data[29] ^ 0xFF]) + data[30:])

    with pytest.raises(ImageDecodeError, match="corrupt PNG"):
        imaging.decode_photo(path, min_side=0)


@pytest.mark.parametrize(
    ("width", "height", "depth", "colour_type", "reason"),
    [
        (20_000, 20_000, 1, 0, r"too large \(400 megapixels; limit 256\)"),
        (40_000, 40_000, 1, 0, r"too large \(1600 megapixels; limit 256\)"),
        # under the pixel limit, but RGBA decoded in full (PNG cannot decode reduced) and
        # flattened would take more than the least memory for decoding
        (15_000, 15_000, 8, 6, r"too large to decode \(225 megapixels; at most 165 for a PNG"),
        (1, 250_000_000, 8, 0, r"too large \(1x250000000; at most 65535 pixels a side\)"),
    ],
)
@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")  # pytest resets filters
def test_decompression_bomb_is_refused_from_its_header(
    tmp_path, monkeypatch, width, height, depth, colour_type, reason
):
    # A tiny PNG claiming a vast size, with an IDAT that is not even valid: the "too large"
    # reason proves nothing was decoded (decoding would fail differently).
    monkeypatch.setattr(imaging, "MAX_DECODE_BYTES", imaging._DECODE_MEMORY_LEAST)  # as on a small machine
    path = tmp_path / "bomb.png"
    path.write_bytes(_png(width, height, depth, colour_type, b"never decoded"))

    with pytest.raises(ImageDecodeError, match=reason):
        imaging.decode_photo(path, min_side=512)
    with pytest.raises(ImageDecodeError, match="too large"):
        imaging.make_thumbnail(path, 64)


def test_decompression_bomb_warning_as_error_is_still_a_decode_error(tmp_path):
    path = tmp_path / "bomb.png"
    path.write_bytes(_png(20_000, 20_000, 1, 0, b"never decoded"))

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ImageDecodeError, match="too large"):
            imaging.decode_photo(path, min_side=512)


def test_zero_width_image_fails_cleanly(tmp_path):
    path = tmp_path / "zero.png"
    path.write_bytes(_png(0, 10, 8, 0, zlib.compress(b"")))

    with pytest.raises(ImageDecodeError, match=r"^image has no pixels \(0x10\)$"):
        imaging.decode_photo(path, min_side=0)


def test_a_gif_of_width_0_has_no_pixels_though_its_frame_runs_past_its_end(tmp_path):
    """Pillow's zero_width.gif: a screen 0 wide, then a frame cut short; its width is what is wrong."""
    path = tmp_path / "zero_width.gif"
    path.write_bytes(bytes.fromhex("47494638396100002000f10300000000ff0000ffff00ffffff21f904c900000000"
                                   "2c000000ff00002905008f"))

    with pytest.raises(ImageDecodeError, match=r"^image has no pixels \(0x32\)$"):
        imaging.decode_photo(path, min_side=0)


def test_a_bitmap_without_its_bmp_file_header_says_what_it_is(tmp_path):
    """Windows' clipboard keeps a BMP without its first 14 bytes (Pillow's clipboard.dib)."""
    bmp = io.BytesIO()
    _quadrants(16, 8).save(bmp, "BMP")
    path = tmp_path / "clipboard.dib"
    path.write_bytes(bmp.getvalue()[14:])

    with pytest.raises(ImageDecodeError, match=r"^unsupported image: a bitmap without its BMP file header \(a DIB"):
        imaging.decode_photo(path, min_side=0)


def test_vanished_file_and_folder_and_permission_say_so(tmp_path, monkeypatch):
    with pytest.raises(ImageDecodeError, match="not found"):
        imaging.decode_photo(tmp_path / "gone.jpg", min_side=0)
    folder = tmp_path / "folder.jpg"
    folder.mkdir()
    with pytest.raises(ImageDecodeError, match="folder"):
        imaging.decode_photo(folder, min_side=0)

    locked = _save(tmp_path / "locked.jpg", _quadrants(16, 16))
    real_open = os.open

    def deny(path, *args, **kwargs):
        if Path(path) == locked:
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(imaging.os, "open", deny)
    with pytest.raises(ImageDecodeError, match="permission denied"):
        imaging.decode_photo(locked, min_side=0)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_fifo_named_like_a_photo_does_not_hang(tmp_path):
    path = tmp_path / "pipe.jpg"
    os.mkfifo(path)

    with pytest.raises(ImageDecodeError, match="not a regular file"):
        imaging.decode_photo(path, min_side=0)


def test_a_file_whose_read_never_returns_is_sniffed_and_hashed_without_waiting(tmp_path, blocking_file):
    path = blocking_file(tmp_path / "IMG_0001")  # a FIFO, or a link to /proc/kmsg

    assert within(10, imaging.sniff_file, path) is None
    if path.is_fifo():  # (reading the kernel's log would take its messages from syslog)
        with pytest.raises(OSError, match="not a regular file"):
            within(10, imaging.file_hash, path)


def test_unexpected_errors_become_decode_errors_in_plain_words_and_their_own_go_to_the_log(
    tmp_path, monkeypatch, caplog
):
    path = _save(tmp_path / "ok.png", _quadrants(16, 16))

    def explode(image, orientation):
        raise OverflowError("Python int too large to convert to C ssize_t")

    monkeypatch.setattr(imaging, "_upright", explode)
    with pytest.raises(ImageDecodeError) as failure:
        imaging.decode_photo(path, min_side=0)

    assert str(failure.value) == ("unreadable image (an unexpected error in photoclip's decoder; its log has the "
                                  "details)")
    assert "OverflowError: Python int too large" in caplog.text


def test_pythons_own_words_for_a_plugins_error_never_make_a_reason(tmp_path, monkeypatch):
    """Only a plugin's refusal (OSError, SyntaxError) that says "unsupported" is passed on."""
    path = _save(tmp_path / "ok.png", _quadrants(16, 16))

    def fail(self):
        raise TypeError("unsupported operand type(s) for +: 'int' and 'NoneType'")

    monkeypatch.setattr(PngImagePlugin.PngImageFile, "load", fail)
    with pytest.raises(ImageDecodeError, match=r"^corrupt PNG data \(the image cannot be decoded\)$"):
        imaging.decode_photo(path, min_side=0)


def test_a_bigtiff_whose_first_directory_lies_past_where_any_file_can_reach_is_corrupt(tmp_path):
    """Pillow's seek_too_large.tif: 16 bytes, its IFD at 0x80ff... (an OverflowError to seek to)."""
    path = tmp_path / "seek_too_large.tif"
    path.write_bytes(b"II+\x00\x08\x00\x00\x00" + b"\xff" * 7 + b"\x80")

    with pytest.raises(ImageDecodeError, match=r"^corrupt TIFF file \(its header cannot be read\)$"):
        imaging.decode_photo(path, min_side=0)


def test_corrupt_icc_profile_does_not_fail_the_photo(tmp_path):
    rgb = _save(tmp_path / "icc.png", _quadrants(16, 16), icc_profile=b"not a profile" * 9)
    cmyk = _save(tmp_path / "icc.jpg", Image.new("CMYK", (16, 16), (0, 255, 255, 0)), icc_profile=b"junk" * 40)

    assert _pixel(imaging.decode_photo(rgb, min_side=0), 1, 1) == RED
    assert _close(_pixel(imaging.decode_photo(cmyk, min_side=0), 4, 4), RED, 12)


# ---------------------------------------------------------------------- hashing, reading


@pytest.mark.parametrize("algorithm", sorted(imaging.CONTENT_HASHES))
def test_content_hash_matches_file_and_bytes_hash_and_changes_with_one_byte(tmp_path, algorithm):
    path = _save(tmp_path / "h.jpg", _quadrants(64, 64))
    data = path.read_bytes()

    photo = imaging.decode_photo(path, min_side=0, hash_algorithm=algorithm)

    assert photo.content_hash == imaging.file_hash(path, algorithm) == imaging.bytes_hash(data, algorithm)
    assert len(photo.content_hash) == 32
    changed = bytearray(data)
    changed[len(changed) // 2] ^= 0x01
    assert imaging.bytes_hash(bytes(changed), algorithm) != photo.content_hash


def test_content_hashes_are_the_published_algorithms(tmp_path):
    import hashlib

    import xxhash

    data = _save(tmp_path / "h.png", _quadrants(64, 64), "PNG").read_bytes()
    assert imaging.bytes_hash(data, "blake2b-128") == hashlib.blake2b(data, digest_size=16).hexdigest()
    assert imaging.bytes_hash(data, "xxh3-128") == xxhash.xxh3_128_hexdigest(data)
    assert imaging.bytes_hash(data) == imaging.bytes_hash(data, imaging.DEFAULT_CONTENT_HASH)


def test_files_over_the_in_memory_limit_are_hashed_streaming_and_decoded_from_disk(
    tmp_path, monkeypatch
):
    path = _save(tmp_path / "huge.jpg", _quadrants(800, 600))
    in_memory = imaging.decode_photo(path, min_side=128)

    monkeypatch.setattr(imaging, "_IN_MEMORY_LIMIT", 16)
    monkeypatch.setattr(imaging, "_CHUNK", 1000)
    from_disk = imaging.decode_photo(path, min_side=128)

    assert from_disk.content_hash == in_memory.content_hash == imaging.file_hash(path)
    assert from_disk.image.tobytes() == in_memory.image.tobytes()


def test_a_huge_file_that_is_no_image_fails_at_its_header_without_being_read_through(tmp_path, monkeypatch):
    path = tmp_path / "huge.jpg"
    with open(path, "wb") as fh:
        fh.write(b"\xff\xd8\xff\xe0" + b"\0" * 100)
        fh.truncate(64 * 1024 * 1024)
    monkeypatch.setattr(imaging, "_IN_MEMORY_LIMIT", 16)
    reads = []
    real_hash = imaging._stream_hash
    monkeypatch.setattr(imaging, "_stream_hash", lambda fh, algorithm: reads.append(1) or real_hash(fh, algorithm))

    with pytest.raises(imaging.ImageDecodeError):
        imaging.decode_photo(path, min_side=128)
    assert reads == []


def test_a_huge_file_of_a_jpeg_header_and_zeros_fails_without_being_read_through(tmp_path, monkeypatch):
    header = _noise_file(tmp_path / "whole.jpg", (640, 480))[:2000]
    path = tmp_path / "sparse.jpg"
    with open(path, "wb") as fh:  # 20 GB on paper, a few kB on disk where holes are kept
        fh.write(header)
        fh.truncate(20 << 30)
    reads = []
    real_hash = imaging._stream_hash
    monkeypatch.setattr(imaging, "_stream_hash", lambda fh, algorithm: reads.append(1) or real_hash(fh, algorithm))

    with pytest.raises(ImageDecodeError, match=r"^truncated file \(it ends in zeros where its image data should be\)$"):
        imaging.decode_photo(path, min_side=128)
    assert reads == []


def test_a_tiff_with_a_tag_of_hundreds_of_megabytes_is_refused_before_pillow_reads_it(tmp_path):
    """Pillow reads every tag whole when it opens a TIFF: a 512 MB description took 2 GB."""
    path = tmp_path / "described.tif"
    entries = [(256, 4, 1, 64), (257, 4, 1, 64), (258, 3, 1, 8), (259, 3, 1, 1), (262, 3, 1, 1), (273, 4, 1, 8),
               (277, 3, 1, 1), (278, 4, 1, 64), (279, 4, 1, 4096), (270, 2, 512 << 20, 8192)]
    with open(path, "wb") as fh:  # the description a hole in a sparse file: 512 MB on paper
        fh.write(b"II*\x00" + struct.pack("<I", 8 + 4096) + bytes(4096))
        fh.write(struct.pack("<H", len(entries)) + b"".join(struct.pack("<HHII", *e) for e in entries) + bytes(4))
        fh.truncate(8192 + (512 << 20))
    with pytest.raises(ImageDecodeError, match=r"^corrupt TIFF file \(a tag of 537 MB in its header, more than any "
                                               r"photo has\)$"):
        imaging.decode_photo(path, min_side=32)
    entries[-1] = (270, 2, 12, 8192)
    with open(path, "r+b") as fh:
        fh.seek(8 + 4096)
        fh.write(struct.pack("<H", len(entries)) + b"".join(struct.pack("<HHII", *e) for e in entries) + bytes(4))
        fh.truncate(8192 + 12)
        fh.seek(8192)
        fh.write(b"a lake\x00\x00\x00\x00\x00\x00")
    decoded = imaging.decode_photo(path, min_side=32)
    assert (decoded.width, decoded.height) == (64, 64)


def test_a_whole_jpeg_followed_by_a_long_hole_decodes(tmp_path):
    """A file preallocated past its end (a download, a recovery tool): only zeros read count
    against the scan limit, not the hole after the data."""
    path = tmp_path / "preallocated.jpg"
    with open(path, "wb") as fh:
        fh.write(_noise_file(tmp_path / "whole.jpg", (640, 480)))
        fh.truncate(300 << 20)
    assert imaging.decode_photo(path, min_side=128).image.size[0] >= 128


def test_a_jpeg_too_big_to_read_whole_padded_with_zeros_after_its_end_decodes(tmp_path, monkeypatch):
    path = tmp_path / "padded.jpg"
    path.write_bytes(_noise_file(tmp_path / "whole.jpg", (640, 480)) + bytes(4096))
    monkeypatch.setattr(imaging, "_IN_MEMORY_LIMIT", 16)
    assert imaging.decode_photo(path, min_side=128).image.size[0] >= 128
    path.write_bytes(path.read_bytes()[:30_000] + bytes(4096))  # cut, then zeros: not a photo here
    with pytest.raises(ImageDecodeError, match=r"^truncated file \(it ends in zeros"):
        imaging.decode_photo(path, min_side=128)


@pytest.mark.parametrize(("suffix", "keep"), [(".webp", 1.0), (".heic", 1.0), (".gif", 1.0), (".png", 0.97)])
def test_a_photo_followed_by_a_long_hole_is_decoded_without_reading_the_hole_into_memory(
    tmp_path, monkeypatch, suffix, keep
):
    """pillow_heif and Pillow's WebP plugin read a file whole, a GIF was walked whole, a cut PNG's
    rows were sliced from all of it: a photo and 2 GB of zeros after took 5 GB."""
    path = tmp_path / f"preallocated{suffix}"
    with open(path, "wb") as fh:  # 64 MB on paper, a few kB on disk where holes are kept
        fh.write(_cut(_noise_file(tmp_path / f"whole{suffix}", (640, 480)), keep))
        fh.truncate(64 << 20)
    monkeypatch.setattr(imaging, "_IN_MEMORY_LIMIT", 16)
    tracemalloc.start()
    try:
        decoded = imaging.decode_photo(path, min_side=128)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert decoded.image.size[0] >= 128 and peak < 16 << 20


def test_a_webp_or_heif_needing_more_than_any_photo_is_refused_and_a_gif_decoded_from_disk(tmp_path, monkeypatch):
    monkeypatch.setattr(imaging, "_IN_MEMORY_LIMIT", 16)
    monkeypatch.setattr(imaging, "_WHOLE_READ_MOST", 1000)
    for suffix, label in ((".webp", "WebP"), (".heic", "HEIF")):
        path = tmp_path / f"noise{suffix}"
        size = len(_noise_file(path, (640, 480)))
        reason = rf"^{label} file too large to decode \({size / 1e6:.0f} MB; a {label} photo is far smaller, so"
        with pytest.raises(ImageDecodeError, match=reason + r" this one is most likely damaged\)$"):
            imaging.decode_photo(path, min_side=128)
    _noise_file(tmp_path / "noise.gif", (640, 480))
    assert imaging.decode_photo(tmp_path / "noise.gif", min_side=128).image.size[0] >= 128


def test_a_jpeg_whose_colour_profile_segment_holds_only_its_name_is_indexed_without_a_profile(tmp_path):
    """Pillow refused the whole file ("its header cannot be read"); libjpeg and viewers pass over
    such a segment."""
    data = _noise_file(tmp_path / "whole.jpg", (160, 120))
    path = tmp_path / "empty profile.jpg"
    path.write_bytes(data[:2] + b"\xff\xe2\x00\x0eICC_PROFILE\x00" + data[2:])
    decoded = imaging.decode_photo(path, min_side=64)
    assert decoded.icc is None and decoded.damage is None
    assert decoded.image.tobytes() == imaging.decode_photo(tmp_path / "whole.jpg", min_side=64).image.tobytes()


@pytest.mark.parametrize(("first_rows", "reason"), [
    ("noise", r"the lower 69% of the image cannot be read"), ("black", r"none of the image can be read")])
def test_a_png_whose_image_data_chunk_runs_past_its_end_says_how_much_of_it_is_missing(tmp_path, first_rows, reason):
    """Its data's chunk is longer than the file, so its data is not found whole; Pillow decodes
    the first 10 of 32 rows and leaves the rest black. It read "the lower 100%" either way."""
    rows = np.random.default_rng(1).integers(0, 256, (10, 64 * 3), dtype=np.uint8)
    if first_rows == "black":
        rows[:] = 0
    idat = zlib.compress(b"".join(b"\0" + row.tobytes() for row in rows))
    data = _png(64, 32, 8, 2, idat)
    at = data.index(b"IDAT") - 4
    path = tmp_path / "cut data.png"
    path.write_bytes(data[:at] + struct.pack(">I", len(idat) + 4000) + data[at + 4:])
    with pytest.raises(ImageDecodeError, match=rf"^corrupt PNG data \({reason}\)$"):
        imaging.decode_photo(path, min_side=16)


def test_concurrent_decodes_give_the_same_results_as_one_at_a_time(tmp_path):
    paths = []
    for i in range(8):
        image = _quadrants(640 + 16 * i, 480)
        paths.append(_save(tmp_path / f"p{i}.{'jpg' if i % 2 else 'png'}", image))
    expected = [imaging.decode_photo(p, 128) for p in paths]

    with ThreadPoolExecutor(max_workers=4) as pool:
        got = list(pool.map(lambda p: imaging.decode_photo(p, 128), paths * 2))

    for one, other in zip(expected * 2, got):
        assert one.content_hash == other.content_hash
        assert one.image.tobytes() == other.image.tobytes()


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "jpeg"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "png"),
        (b"GIF89a\x01\x00", "gif"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "webp"),
        (b"II*\x00\x08\x00\x00\x00", "tiff"),
        (b"MM\x00*\x00\x00\x00\x08", "tiff"),
        (b"BM" + b"\x00" * 12 + b"\x28\x00\x00\x00", "bmp"),
        (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic", "heif"),
        (b"\x00\x00\x00\x18ftypmif1\x00\x00\x00\x00mif1heic", "heif"),
        (b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1miaf", "heif"),
        (b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2", None),  # an MP4 video
        (b"BM is for bowel movement, said the nurse", None),
        (b"<?xml version='1.0'?><svg>", None),
        (b"", None),
    ],
)
def test_sniff_format_reads_magic_bytes_only(head, expected):
    assert imaging.sniff_format(head) == expected


def test_sniff_file_reads_content_and_is_none_when_unreadable(tmp_path):
    png = _save(tmp_path / "x.jpg", _quadrants(8, 8), "PNG")

    assert imaging.sniff_file(png) == "png"
    assert imaging.sniff_file(tmp_path / "missing.jpg") is None


# ---------------------------------------------------------------------- model input


def test_prepare_for_model_center_crops_away_the_margins(tmp_path):
    image = Image.new("RGB", (200, 100), BLUE)  # twice as wide as high: at most imaging.WIDE
    image.paste(RED, (50, 0, 150, 100))

    exact = imaging.prepare_for_model(image, 100)
    scaled = imaging.prepare_for_model(image, 50)

    assert exact.shape == (100, 100, 3) and exact.dtype == np.uint8
    assert (exact == np.array(RED, np.uint8)).all()
    assert scaled.shape == (50, 50, 3) and scaled.dtype == np.uint8
    inner = scaled[:, 3:-3].reshape(-1, 3)
    assert (np.abs(inner.astype(int) - RED).max(axis=1) <= 2).all()


@pytest.mark.parametrize("size", [(300, 100), (100, 300), (4000, 500)])
def test_prepare_for_model_shows_a_panorama_or_a_tall_screenshot_whole_on_the_models_mean_colour(size):
    image = Image.new("RGB", size, BLUE)
    image.paste(RED, (0, 0, size[0] // 2, size[1] // 2))  # the first quarter, where no crop would keep it
    long_side = 100 * min(size) // max(size)

    shown = imaging.prepare_for_model(image, 100).astype(int)

    assert shown.shape == (100, 100, 3)
    across = shown if size[0] > size[1] else shown.transpose(1, 0, 2)  # a tall one turned to lie along
    inside = across[(100 - long_side) // 2 + 1:(100 + long_side) // 2 - 1]
    assert np.abs(inside[:long_side // 2 - 2, :48] - RED).max() <= 2  # all of the photo, its corner too
    assert np.abs(inside[-2:, -2:] - BLUE).max() <= 2
    assert (across[:(100 - long_side) // 2 - 1] == imaging.MODEL_MEAN_COLOUR).all()


def test_prepare_for_model_matches_resize_shortest_then_center_crop():
    rng = np.random.default_rng(3)
    for width, height in [(1000, 750), (481, 900), (256, 256)]:
        small = rng.integers(0, 256, (height // 8, width // 8, 3), dtype=np.uint8)
        image = Image.fromarray(small).resize((width, height), Image.Resampling.BICUBIC)
        # torchvision's Resize(int) + CenterCrop, as open_clip's eval transform uses them.
        if width <= height:
            new_size = (224, int(224 * height / width))
        else:
            new_size = (int(224 * width / height), 224)
        left = int(round((new_size[0] - 224) / 2.0))
        top = int(round((new_size[1] - 224) / 2.0))
        resized = image.resize(new_size, Image.Resampling.BICUBIC)
        reference = np.asarray(resized.crop((left, top, left + 224, top + 224))).astype(int)

        ours = imaging.prepare_for_model(image, 224).astype(int)

        assert ours.shape == (224, 224, 3)
        assert np.abs(ours - reference).mean() < 1.0 and np.abs(ours - reference).max() <= 6  # box-reduced first


# ---------------------------------------------------------------------- thumbnails


def test_thumbnail_is_an_upright_jpeg_within_max_side(tmp_path):
    path = _save(tmp_path / "t.jpg", _quadrants(1200, 800), exif=_exif(6), quality=90)

    data = imaging.make_thumbnail(path, 256)

    with Image.open(io.BytesIO(data)) as thumb:
        assert thumb.format == "JPEG" and thumb.size == (171, 256)
        assert _close(thumb.getpixel((160, 8)), RED, 20)


def test_thumbnail_is_cached_atomically_and_reused(tmp_path):
    photo = _save(tmp_path / "p.png", _quadrants(640, 480))
    cache = tmp_path / "thumbs"
    content_hash = imaging.file_hash(photo)

    first = imaging.ensure_thumbnail(photo, content_hash, cache, 128)

    assert first == imaging.thumbnail_path(cache, content_hash, 128)
    assert first == cache / content_hash[:2] / f"{content_hash}-128.jpg"
    assert [p.name for p in first.parent.iterdir()] == [first.name]  # no temp files left
    with Image.open(first) as thumb:
        assert thumb.size == (171, 128)
    stamp = first.stat().st_mtime_ns
    photo.unlink()  # only the cached file can answer now
    assert imaging.ensure_thumbnail(photo, content_hash, cache, 128) == first
    assert first.stat().st_mtime_ns == stamp


def test_a_thumbnail_for_a_library_whose_drive_is_gone_makes_no_folder_there(tmp_path):
    photo = _save(tmp_path / "p.png", _quadrants(640, 480))
    gone = tmp_path / "unplugged drive" / "library"
    with pytest.raises(FileNotFoundError):
        imaging.ensure_thumbnail(photo, imaging.file_hash(photo), gone / "thumbnails", 128)
    assert not (tmp_path / "unplugged drive").exists()


def _blocks(width: int, height: int, seed: int = 5) -> Image.Image:
    """Random grey blocks, a 48th of the shorter side: detail that any blur or squashing
    changes (grey, so that JPEG's halved colour resolution does not)."""
    block = min(width, height) // 48
    cells = np.random.default_rng(seed).integers(0, 256, (height // block, width // block), np.uint8)
    return Image.fromarray(cells).convert("RGB").resize((width, height), Image.Resampling.NEAREST)


@pytest.mark.parametrize("size, expected", [
    ((4000, 3000), (512, 384)),  # a phone photo: its shorter side fills a 2x cell
    ((3000, 4000), (384, 512)),
    ((8000, 1000), (1152, 384)),  # a panorama: its middle, not a strip 32 pixels high
    ((1000, 8000), (384, 1152)),
    ((320, 240), (320, 240)),  # never upscaled
])
def test_a_cached_thumbnail_is_sharp_enough_for_a_square_cell_on_a_2x_screen(tmp_path, size, expected):
    photo = _blocks(*size)
    path = _save(tmp_path / "p.jpg", photo, quality=95)

    cached = imaging.ensure_thumbnail(path, imaging.file_hash(path), tmp_path / "thumbs", imaging.THUMBNAIL_SIDE)

    with Image.open(cached) as thumb:
        assert thumb.size == expected
        middle = min(expected)
        square = thumb.crop(((thumb.width - middle) // 2, (thumb.height - middle) // 2,
                             (thumb.width + middle) // 2, (thumb.height + middle) // 2))
        side = min(size)
        reference = photo.crop(((size[0] - side) // 2, (size[1] - side) // 2, (size[0] + side) // 2,
                                (size[1] + side) // 2)).resize((middle, middle), Image.Resampling.BICUBIC)
        assert np.abs(np.asarray(square, float) - np.asarray(reference, float)).mean() < 4


def test_a_photo_decoded_for_the_model_caches_the_same_thumbnail_as_the_file_would(tmp_path):
    path = _save(tmp_path / "turned.png", _quadrants(1200, 800), exif=_exif(6))
    photo = imaging.decode_photo(path, min_side=512)
    cache = tmp_path / "thumbs"

    saved = imaging.save_thumbnail(photo, cache)

    assert saved == imaging.thumbnail_path(cache, photo.content_hash, imaging.THUMBNAIL_SIDE)
    made = imaging.ensure_thumbnail(path, photo.content_hash, tmp_path / "made", imaging.THUMBNAIL_SIDE)
    with Image.open(saved) as thumb, Image.open(made) as reference:
        assert thumb.size == reference.size == (384, 576)
        assert np.abs(np.asarray(thumb, float) - np.asarray(reference, float)).mean() < 2
    assert imaging.save_thumbnail(photo, cache) is None  # cached already: not written again


def test_a_panorama_decoded_for_the_model_caches_its_middle(tmp_path):
    path = _save(tmp_path / "pano.png", _blocks(6000, 600))
    photo = imaging.decode_photo(path, min_side=448)

    saved = imaging.save_thumbnail(photo, tmp_path / "thumbs")

    made = imaging.ensure_thumbnail(path, photo.content_hash, tmp_path / "made", imaging.THUMBNAIL_SIDE)
    with Image.open(saved) as thumb, Image.open(made) as reference:
        assert thumb.size == reference.size == (1152, 384)
        assert np.abs(np.asarray(thumb, float) - np.asarray(reference, float)).mean() < 4


def test_a_photo_decoded_smaller_than_its_thumbnail_leaves_none(tmp_path):
    photo = imaging.decode_photo(_save(tmp_path / "big.jpg", _quadrants(2000, 1600)), min_side=128)
    assert min(photo.image.size) < imaging.THUMBNAIL_SIDE

    assert imaging.save_thumbnail(photo, tmp_path / "thumbs") is None
    assert not (tmp_path / "thumbs").exists()


def test_thumbnails_of_another_size_are_not_the_caches_so_pruning_removes_them(tmp_path):
    cache = tmp_path / "thumbs"
    current = imaging.thumbnail_path(cache, "ab" * 16, imaging.THUMBNAIL_SIDE)
    large = imaging.thumbnail_path(cache, "ab" * 16, imaging.LARGE_THUMBNAIL_SIDE)  # for a grid zoomed in
    older = imaging.thumbnail_path(cache, "ab" * 16, 256)  # what earlier versions cached
    current.parent.mkdir(parents=True)
    for file in (current, large, older):
        file.write_bytes(b"jpeg")

    assert dict(imaging.cached_thumbnails(cache)) == {current: "ab" * 16, large: "ab" * 16, older: None}


def test_thumbnail_of_a_broken_file_raises_and_caches_nothing(tmp_path):
    path = tmp_path / "broken.jpg"
    path.write_bytes(b"\xff\xd8\xff\xe0" + b"\x00" * 40)
    cache = tmp_path / "thumbs"

    with pytest.raises(ImageDecodeError):
        imaging.ensure_thumbnail(path, imaging.file_hash(path), cache, 128)
    assert not any(cache.rglob("*.jpg"))


def test_thumbnail_path_refuses_a_hash_that_is_not_hex(tmp_path):
    with pytest.raises(ValueError):
        imaging.thumbnail_path(tmp_path, "../../etc/passwd", 128)


# ---------------------------------------------------------------------- boundaries


def test_suffixes_are_lower_case_and_cover_the_usual_photos():
    assert {".jpg", ".jpeg", ".png", ".heic", ".tif", ".webp"} <= imaging.IMAGE_SUFFIXES
    assert all(s == s.lower() and s.startswith(".") for s in imaging.IMAGE_SUFFIXES)


def test_imaging_imports_neither_torch_nor_qt():
    code = "import sys, photoclip.imaging; print(sorted(m for m in ('torch', 'PySide6') if m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)

    assert result.stdout.strip() == "[]"


@pytest.mark.parametrize(("name", "keep"), [
    ("cut.jpg", 3), ("cut.jpg", 12), ("cut.jpg", 20), ("cut.jpg", 40),
    ("cut.png", 12), ("cut.png", 20), ("cut.png", 40), ("cut.gif", 20), ("cut.gif", 400),
])
def test_a_photo_cut_inside_its_header_is_truncated(tmp_path, name, keep):
    noise = Image.fromarray(np.random.default_rng(7).integers(0, 256, (48, 64, 3), dtype=np.uint8))
    image = noise.quantize(256) if name.endswith(".gif") else _quadrants(64, 48)  # a GIF of 256 colours in 781 bytes
    whole = _save(tmp_path / f"whole{name[3:]}", image, **({"exif": _exif(6)} if name.endswith(".jpg") else {}))
    path = tmp_path / name
    path.write_bytes(whole.read_bytes()[:keep])

    with pytest.raises(ImageDecodeError, match=r"^truncated file"):
        imaging.decode_photo(path, min_side=0)


@pytest.mark.parametrize("keep", [12, 20, 40, 300])
def test_a_jpeg_cut_inside_its_header_says_none_of_the_image_is_there(tmp_path, keep):
    """Cut early (or random bytes behind a JPEG's first marker), it was "truncated file" alone, as if rows were
    missing; a viewer shows nothing of it."""
    path = tmp_path / "cut.jpg"
    path.write_bytes(_save(tmp_path / "whole.jpg", _quadrants(64, 48)).read_bytes()[:keep])

    with pytest.raises(ImageDecodeError, match=r"^truncated file \(it ends inside its header: none of the image is "):
        imaging.decode_photo(path, min_side=0)


def test_a_jpeg_with_a_malformed_segment_cut_in_its_pixels_is_not_said_to_hold_none_of_them(tmp_path):
    whole = _save(tmp_path / "whole.jpg", _quadrants(256, 256)).read_bytes()
    data = whole[:2] + b"\xff\xee\x00\x07Adobe" + whole[2:]  # an APP14 too short for what it says
    path = tmp_path / "cut.jpg"
    path.write_bytes(data[:int(len(data) * 0.8)])

    try:
        said = imaging.decode_photo(path, min_side=0).damage or ""
    except ImageDecodeError as exc:
        said = str(exc)
    assert "none of the image" not in said


@pytest.mark.parametrize(("compression", "cut", "outcome"), [
    (None, 1, r"the file ends early; the lower 1% of the image is missing"),  # a byte of its last pixel
    (None, 0.4, r"failed: truncated file \(the lower 4\d% of the image is missing\)"),
    ("tiff_lzw", 1, r"failed: truncated file$"),  # libtiff writes its header last: that is what is cut
    ("jpeg", 100, r"failed: truncated file$"),
])
@pytest.mark.filterwarnings("ignore:Truncated File Read")  # Pillow's word on a TIFF cut in its IFD's values
def test_a_tiff_cut_short_shows_the_rows_it_holds_or_says_it_is_truncated(tmp_path, compression, cut, outcome):
    params = {"compression": compression} if compression else {}
    data = _noise_file(tmp_path / "whole.tif", (320, 240), **params)
    path = tmp_path / "cut.tif"
    path.write_bytes(data[:-cut] if cut >= 1 else data[:int(len(data) * (1 - cut))])

    try:
        said = imaging.decode_photo(path, min_side=0).damage
    except ImageDecodeError as exc:
        said = f"failed: {exc}"
    assert re.match(outcome, said), said


def test_a_whole_png_whose_header_gives_a_length_past_its_end_is_corrupt_not_truncated(tmp_path):
    data = bytearray(_save(tmp_path / "whole.png", _quadrants(64, 48)).read_bytes())
    data[9] = 0x40  # IHDR's length: 13 becomes 4 MB
    path = tmp_path / "flipped.png"
    path.write_bytes(bytes(data))

    with pytest.raises(ImageDecodeError, match=r"^corrupt PNG file \(its header cannot be read\)$"):
        imaging.decode_photo(path, min_side=0)


@pytest.mark.parametrize("junk", [b"\x00", b"\xff"])
def test_a_jpeg_header_followed_by_megabytes_of_junk_is_refused_from_the_header(tmp_path, junk):
    path = tmp_path / "junk.jpg"
    path.write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + junk * 8_000_000)

    with pytest.raises(ImageDecodeError, match="no image data where its header should be"):
        imaging.decode_photo(path, min_side=512)


def test_a_few_junk_bytes_between_jpeg_segments_are_tolerated(tmp_path):
    whole = _save(tmp_path / "whole.jpg", _quadrants(64, 48)).read_bytes()
    path = tmp_path / "padded.jpg"
    after_app0 = 4 + int.from_bytes(whole[4:6], "big")
    path.write_bytes(whole[:after_app0] + b"\x00\x00\xff\xff" + whole[after_app0:])

    assert imaging.decode_photo(path, min_side=0).image.size == (64, 48)


def _before_marker(data: bytes, marker: bytes, stray: bytes) -> bytes:
    at = data.index(marker)
    return data[:at] + stray + data[at:]


@pytest.mark.parametrize("stray", [b"\x00\x00", b"\xff\x00\x00\x02", b"\x00\x00\xff\xff"])
def test_stray_bytes_between_a_jpegs_header_segments_are_no_damage(tmp_path, stray):
    """libjpeg warns "extraneous bytes before marker 0xdb" as it does of damaged data (Pillow's
    jpeg_ff00_header.jpg, junk_jpeg_header.jpg); but before the first scan they touch no pixel."""
    whole = _noise_file(tmp_path / "whole.jpg", (320, 240))
    path = tmp_path / "stray.jpg"
    path.write_bytes(_before_marker(whole, b"\xff\xdb", stray))

    photo = imaging.decode_photo(path, min_side=0)

    assert photo.damage is None
    clean = imaging.decode_photo(tmp_path / "whole.jpg", min_side=0)
    assert np.array_equal(np.asarray(photo.image), np.asarray(clean.image))
    assert photo.pixels_hash == clean.pixels_hash


def test_stray_bytes_in_a_jpegs_header_hide_no_damage_in_its_data(tmp_path):
    data = bytearray(_noise_file(tmp_path / "whole.jpg", (320, 240)))
    middle = len(data) // 2
    data[middle:middle + 4096] = bytes(4096)
    path = tmp_path / "stray and rotten.jpg"
    path.write_bytes(_before_marker(bytes(data), b"\xff\xdb", b"\x00\x00"))

    assert imaging.decode_photo(path, min_side=0).damage == imaging._DATA_GARBLED


def test_stray_bytes_in_a_jpegs_image_data_are_damage(tmp_path):
    """Before a restart marker they are data the decoder did not read (Pillow's hopper_bad_exif.jpg)."""
    whole = _noise_file(tmp_path / "whole.jpg", (320, 240), restart_marker_rows=2)
    path = tmp_path / "stray.jpg"
    path.write_bytes(_before_marker(whole, b"\xff\xd0", b"\x12\x34\x56"))

    assert imaging.decode_photo(path, min_side=0).damage == imaging._DATA_GARBLED


def test_the_memory_budget_counts_what_is_decoded_after_draft_scaling(tmp_path, monkeypatch):
    # A budget smaller than the full 2000x1600 RGB decode: the JPEG decodes at 1/4 scale
    # within it; the same picture as PNG (no reduced decoding) is refused before decoding.
    monkeypatch.setattr(imaging, "MAX_DECODE_BYTES", 2000 * 1600 * 8 - 1)
    jpeg = _save(tmp_path / "big.jpg", _quadrants(2000, 1600))
    png = _save(tmp_path / "big.png", _quadrants(2000, 1600))

    photo = imaging.decode_photo(jpeg, min_side=256)

    assert (photo.width, photo.height) == (2000, 1600)
    assert min(photo.image.size) >= 256
    with pytest.raises(ImageDecodeError, match=r"too large to decode \(3 megapixels; at most 3 for a PNG"):
        imaging.decode_photo(png, min_side=256)


def test_a_palette_png_without_its_palette_is_corrupt(tmp_path):
    path = tmp_path / "nopalette.png"
    path.write_bytes(_png(4, 4, 8, 3, zlib.compress(b"\x00" * 20)))

    with pytest.raises(ImageDecodeError, match=r"^corrupt PNG data \(the image cannot be decoded\)$"):
        imaging.decode_photo(path, min_side=0)


def test_a_thumbnail_leaves_a_long_comment_behind(tmp_path):
    image = _quadrants(64, 48).convert("P")
    path = _save(tmp_path / "commented.gif", image, comment=b"x" * 70_000)

    thumbnail = Image.open(io.BytesIO(imaging.make_thumbnail(path, 32)))

    assert thumbnail.format == "JPEG" and "comment" not in thumbnail.info


@pytest.mark.skipif("AVIF" not in Image.SAVE, reason="this Pillow cannot write AVIF")
def test_avif_is_recognised_by_any_of_its_brands(tmp_path):
    data = bytearray(_save(tmp_path / "a.avif", _quadrants(64, 48), "AVIF", quality=95).read_bytes())
    assert data[8:12] == b"avif" and b"avif" in data[16:32]
    data[8:12] = b"mif1"
    path = tmp_path / "mif1.avif"
    path.write_bytes(bytes(data))

    assert _close(_pixel(imaging.decode_photo(path, min_side=0), 4, 4), RED, 16)


def test_float_tiff_with_nans_and_infinities_decodes_without_warnings(tmp_path):
    values = np.full((8, 8), 0.5, np.float32)
    values[0, 0], values[0, 1], values[0, 2] = np.nan, np.inf, -np.inf
    values[0, 3] = np.array([0x7FA00000], np.uint32).view(np.float32)[0]  # a signalling NaN
    path = _save(tmp_path / "f.tif", Image.fromarray(values))

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        photo = imaging.decode_photo(path, min_side=0)

    assert not caught
    assert _close(_pixel(photo, 4, 4), (128, 128, 128), 2)


def _float_tiff(values: np.ndarray) -> bytes:
    """An uncompressed little-endian TIFF of floating point samples (SampleFormat 3) in one
    strip, written by hand: Pillow writes only one 32-bit channel of them itself."""
    height, width = values.shape[:2]
    samples = 1 if values.ndim == 2 else values.shape[2]
    data = values.astype(values.dtype.newbyteorder("<")).tobytes()
    entries = 10
    arrays_at = 8 + 2 + 12 * entries + 4  # BitsPerSample and SampleFormat, one SHORT per sample
    data_at = arrays_at + 4 * samples

    def tag(number: int, kind: int, value: int, count: int = 1) -> bytes:  # kind 3: SHORT, 4: LONG
        inline = struct.pack("<HH", value, 0) if kind == 3 and count == 1 else struct.pack("<I", value)
        return struct.pack("<HHI", number, kind, count) + inline

    depth = values.dtype.itemsize * 8
    ifd = b"".join([
        tag(256, 4, width), tag(257, 4, height), tag(258, 3, arrays_at if samples > 1 else depth, samples),
        tag(259, 3, 1), tag(262, 3, 2 if samples >= 3 else 1), tag(273, 4, data_at), tag(277, 3, samples),
        tag(278, 4, height), tag(279, 4, len(data)),
        tag(339, 3, arrays_at + 2 * samples if samples > 1 else 3, samples),
    ])
    arrays = struct.pack(f"<{samples}H", *[depth] * samples) + struct.pack(f"<{samples}H", *[3] * samples)
    return b"II*\x00" + struct.pack("<IH", 8, entries) + ifd + b"\x00" * 4 + arrays + data


def test_a_float_tiff_pillow_reads_as_one_channel_decodes_by_its_range(tmp_path):
    values = np.tile(np.linspace(-2.0, 30.0, 16, dtype=np.float32), (8, 1))  # an HDR render, not 0..1
    path = _save(tmp_path / "hdr.tif", Image.fromarray(values, "F"))

    photo = imaging.decode_photo(path, min_side=0)

    assert _pixel(photo, 0, 4) == (0, 0, 0) and _pixel(photo, 15, 4) == WHITE
    assert Image.open(io.BytesIO(imaging.make_thumbnail(path, 64))).size == (16, 8)


@pytest.mark.parametrize("values, depth", [
    (np.random.default_rng(1).random((8, 12, 3), np.float32), 32),  # RGB from HDR or scientific software
    (np.random.default_rng(1).random((8, 12)).astype(np.float16), 16),  # half floats
])
def test_a_float_tiff_pillow_cannot_read_is_unsupported_not_corrupt(tmp_path, values, depth):
    path = tmp_path / "float.tif"
    path.write_bytes(_float_tiff(values))

    reason = rf"^unsupported TIFF \({depth}-bit floating point samples\): convert it to 8- or 16-bit$"
    with pytest.raises(ImageDecodeError, match=reason):
        imaging.decode_photo(path, min_side=0)
    with pytest.raises(ImageDecodeError, match=reason):
        imaging.ensure_thumbnail(path, imaging.file_hash(path), tmp_path / "thumbs", imaging.THUMBNAIL_SIDE)


@pytest.mark.parametrize(("depth", "reason"), [
    (64, r"^unsupported BMP \(pixel depth 64\)$"),  # a BMP may have 64 bits a pixel; Pillow reads none
    (7, r"^corrupt BMP file \(its header gives 7 bits a pixel\)$"),  # no BMP has 7
    (4120, r"^corrupt BMP file \(its header gives 4120 bits a pixel\)$"),
])
def test_an_unsupported_variant_is_named_as_such_and_a_depth_no_bmp_has_is_a_damaged_header(tmp_path, depth, reason):
    data = bytearray(_save(tmp_path / "ok.bmp", _quadrants(16, 16)).read_bytes())
    data[28:30] = depth.to_bytes(2, "little")  # bits per pixel
    path = tmp_path / "odd_bits.bmp"
    path.write_bytes(bytes(data))

    with pytest.raises(ImageDecodeError, match=reason):
        imaging.decode_photo(path, min_side=0)


def _set_tiff_tag(data: bytes, tag: int, value: int) -> bytes:
    """A little-endian TIFF with one SHORT/LONG tag of its first IFD set to `value`."""
    out = bytearray(data)
    ifd = struct.unpack_from("<I", out, 4)[0]
    for entry in range(struct.unpack_from("<H", out, ifd)[0]):
        at = ifd + 2 + 12 * entry
        if struct.unpack_from("<H", out, at)[0] == tag:
            kind = struct.unpack_from("<H", out, at + 2)[0]
            struct.pack_into("<H" if kind == 3 else "<I", out, at + 8, value)
            return bytes(out)
    raise AssertionError(f"tag {tag} not in the TIFF")


def test_sixteen_bit_grey_png_transparency_composites_onto_white(tmp_path):
    values = np.full((8, 8), 40000, np.uint16)
    values[:, :4] = 1234  # the transparent grey
    path = _save(tmp_path / "grey16-trns.png", Image.fromarray(values), transparency=1234)

    photo = imaging.decode_photo(path, min_side=0)

    assert _pixel(photo, 1, 1) == WHITE
    assert _close(_pixel(photo, 6, 1), (156, 156, 156), 1)


def test_a_tiff_in_a_compression_this_build_cannot_read_says_so(tmp_path):
    data = _save(tmp_path / "ok.tif", _quadrants(32, 32), compression="tiff_lzw").read_bytes()
    path = tmp_path / "webp-in.tif"
    path.write_bytes(_set_tiff_tag(data, 259, 50001))  # 50001: WebP, which Pillow's libtiff lacks

    with pytest.raises(ImageDecodeError, match=r"^unsupported TIFF compression \(webp\)$"):
        imaging.decode_photo(path, min_side=0)


@pytest.mark.parametrize(("code", "name"), [(34712, "jpeg2000"), (50002, "jpegxl"), (34933, "png"),
                                          (34887, "lerc"), (34934, "jpegxr"), (60000, "code 60000")])
def test_a_tiff_in_a_compression_pillow_does_not_know_names_it(tmp_path, code, name):
    data = _save(tmp_path / "ok.tif", _quadrants(32, 32), compression="tiff_lzw").read_bytes()
    path = tmp_path / "other.tif"
    path.write_bytes(_set_tiff_tag(data, 259, code))

    with pytest.raises(ImageDecodeError, match=rf"^unsupported TIFF compression \({name}\)$"):
        imaging.decode_photo(path, min_side=0)


@pytest.mark.parametrize(("bits", "reason"), [
    (12, "12-bit JPEG, which this Pillow cannot decode; convert it to 8 bits"),
    (16, "16-bit JPEG, which this Pillow cannot decode; convert it to 8 bits"),
    (0, r"corrupt JPEG file \(its header gives 0 bits per sample\)"),  # no JPEG has these: a damaged header
    (156, r"corrupt JPEG file \(its header gives 156 bits per sample\)"),
])
def test_a_jpeg_of_more_than_eight_bits_says_so_and_one_of_bits_no_jpeg_has_is_corrupt(tmp_path, bits, reason):
    data = bytearray(_save(tmp_path / "ok.jpg", _quadrants(32, 32)).read_bytes())
    data[data.index(b"\xff\xc0") + 4] = bits
    path = tmp_path / "deep.jpg"
    path.write_bytes(bytes(data))

    with pytest.raises(ImageDecodeError, match=rf"^{reason}$"):
        imaging.decode_photo(path, min_side=0)


@pytest.mark.parametrize(("fmt", "name", "available"), [
    ("JPEG2000", "renamed.jpg", features.check("jpg_2000")),
    ("JPEG2000", "photo.jp2", features.check("jpg_2000")),
    ("PPM", "renamed.jpg", True),
    ("ICO", "renamed.png", True),
])
def test_other_formats_viewers_show_are_decoded_by_their_content(tmp_path, fmt, name, available):
    if not available:
        pytest.skip(f"this Pillow cannot write {fmt}")
    path = _save(tmp_path / name, _quadrants(64, 64), fmt)  # an icon is square

    photo = imaging.decode_photo(path, min_side=0)

    assert photo.format == fmt.lower() and (photo.width, photo.height) == (64, 64)
    assert _close(_pixel(photo, 2, 2), RED) and _close(_pixel(photo, 60, 60), BLUE)
    assert Path(name).suffix in imaging.IMAGE_SUFFIXES
    assert imaging.sniff_file(path) == ("jpeg2000" if fmt == "JPEG2000" else None)  # an icon is not a photo to scan


@pytest.mark.parametrize(("compression", "inside"), [(4, "JPEG"), (5, "PNG")])
def test_a_bmp_wrapping_a_jpeg_or_png_is_named_as_such(tmp_path, compression, inside):
    data = bytearray(_save(tmp_path / "ok.bmp", _quadrants(16, 16)).read_bytes())
    data[28:30] = (0).to_bytes(2, "little")
    data[30:34] = compression.to_bytes(4, "little")
    path = tmp_path / "wrapped.bmp"
    path.write_bytes(bytes(data))

    with pytest.raises(ImageDecodeError, match=rf"^unsupported BMP \(a {inside} inside\)$"):
        imaging.decode_photo(path, min_side=0)


def test_a_decoders_capitalised_words_read_as_part_of_the_sentence(tmp_path):
    image = Image.new("P", (16, 16))
    image.putpalette([0, 0, 0, 255, 0, 0] * 128)
    data = bytearray(_save(tmp_path / "ok.bmp", image).read_bytes())
    data[46:50] = (305402420).to_bytes(4, "little")  # colours used: far more than 256
    path = tmp_path / "palette.bmp"
    path.write_bytes(bytes(data))

    with pytest.raises(ImageDecodeError, match=r"^unsupported BMP \(palette size 305402420\)$"):
        imaging.decode_photo(path, min_side=0)


def test_a_ten_bit_heif_is_budgeted_at_its_real_cost(tmp_path, monkeypatch):
    pillow_heif = pytest.importorskip("pillow_heif")
    deep = np.random.default_rng(5).integers(0, 65535, (64, 64, 3)).astype(np.uint16)
    ten_bit, eight_bit = tmp_path / "ten.heic", tmp_path / "eight.heic"
    try:
        pillow_heif.from_bytes(mode="RGB;16", size=(64, 64), data=deep.tobytes()).save(ten_bit, quality=90)
        Image.fromarray((deep >> 8).astype(np.uint8)).save(eight_bit, format="HEIF", quality=90)
    except (KeyError, OSError, ValueError) as exc:
        pytest.skip(f"no HEIF encoder here: {exc}")
    # Measured: libheif holds ~8 bytes a pixel decoding 8-bit HEIC, ~16 for 10-bit.
    monkeypatch.setattr(imaging, "MAX_DECODE_BYTES", 64 * 64 * 12)

    assert imaging.decode_photo(eight_bit, min_side=0).image.size == (64, 64)
    with pytest.raises(ImageDecodeError, match=r"too large to decode .* for a HEIF of this kind"):
        imaging.decode_photo(ten_bit, min_side=0)


def test_a_decode_that_does_not_fit_the_shared_budget_waits_for_the_others():
    budget = imaging._MemoryBudget(100)
    events: list[str] = []
    first_in, let_first_go = threading.Event(), threading.Event()

    def first() -> None:
        with budget.hold(60):
            first_in.set()
            let_first_go.wait(10)
            events.append("first done")

    def second() -> None:
        first_in.wait(10)
        with budget.hold(60):
            events.append("second in")

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    time.sleep(0.3)
    assert events == []
    let_first_go.set()
    for thread in threads:
        thread.join(10)
    assert events == ["first done", "second in"]


def test_a_decode_that_needs_the_whole_budget_is_not_passed_over_by_smaller_ones():
    """Small decodes that come after a big one that waits wait behind it: else, with several
    threads decoding, a moment with none decoding might never come for it."""
    budget = imaging._MemoryBudget(100)
    events: list[str] = []
    small_in, let_small_go = threading.Event(), threading.Event()

    def small() -> None:
        with budget.hold(10):
            small_in.set()
            let_small_go.wait(10)
            events.append("small done")

    def asks(name: str, amount: int) -> threading.Thread:
        def hold() -> None:
            with budget.hold(amount):
                events.append(f"{name} in")
        thread = threading.Thread(target=hold)
        thread.start()
        time.sleep(0.3)  # in line before the next
        return thread

    threads = [threading.Thread(target=small)]
    threads[0].start()
    small_in.wait(10)
    threads += [asks("big", 100), asks("later small", 10)]
    assert events == []
    let_small_go.set()
    for thread in threads:
        thread.join(10)
    assert events == ["small done", "big in", "later small in"]


def test_the_least_memory_for_decoding_holds_any_8_bit_rgb_picture_up_to_the_pixel_limit():
    assert imaging.MAX_PIXELS * 8 <= imaging._DECODE_MEMORY_LEAST <= imaging.MAX_DECODE_BYTES


def _black_png(path: Path, width: int, height: int) -> Path:
    """An 8-bit RGB PNG of black rows, compressed a row at a time (its pixels are never all in memory)."""
    packer = zlib.compressobj(1)
    row = bytes(1 + 3 * width)
    idat = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    path.write_bytes(_png(width, height, 8, 2, idat))
    return path


def test_a_150_megapixel_png_panorama_is_decoded_with_the_least_memory_for_decoding(tmp_path, monkeypatch):
    """A stitched panorama or a medium-format scan: a JPEG of that size decodes reduced, and so
    did a PNG, TIFF or HEIF only up to 134 megapixels (a 1 GiB estimate per image)."""
    monkeypatch.setattr(imaging, "MAX_DECODE_BYTES", imaging._DECODE_MEMORY_LEAST)
    path = _black_png(tmp_path / "pano.png", 30_000, 5_000)

    photo = imaging.decode_photo(path, min_side=224)

    assert (photo.width, photo.height) == (30_000, 5_000) and photo.damage is None
    assert min(photo.image.size) >= 224 and photo.image.getextrema() == ((0, 0),) * 3


def test_a_decode_bigger_than_the_whole_budget_still_runs_alone():
    budget = imaging._MemoryBudget(100)
    ran = threading.Event()

    def big() -> None:
        with budget.hold(250):
            ran.set()

    threading.Thread(target=big, daemon=True).start()

    assert ran.wait(10)


def test_decode_photo_waits_while_other_decodes_hold_the_budget(tmp_path, monkeypatch):
    budget = imaging._MemoryBudget(1000)
    monkeypatch.setattr(imaging, "_DECODE_MEMORY", budget)
    path = _save(tmp_path / "small.png", _quadrants(16, 16))
    done = threading.Event()
    decoding = threading.Thread(target=lambda: (imaging.decode_photo(path, min_side=0), done.set()))

    with budget.hold(1000):  # another thread's big decode
        decoding.start()
        assert not done.wait(0.3)
    decoding.join(10)

    assert done.is_set()


# ----------------------------------------------------------------------------- camera raws

RAW_FIXTURES = Path(__file__).parent / "fixtures" / "raw"
RAWS_UPRIGHT = {  # file: (size as seen, where the preview's white band ends up, taken_at)
    "CanonRaw.cr2": ((3456, 2304), "left", "2005-08-03T18:59:18"),
    "CanonRaw.cr3": ((6000, 4000), "left", "2018-02-21T12:08:56"),
    "DNG.dng": ((3456, 2304), "left", "2005-08-03T18:59:18"),
    "Panasonic.rw2": ((600, 400), "left", "2008-08-06T15:21:56"),  # its 4:3 sensor is not this 3:2 preview's frame
    "Nikon-rotated.nef": ((2014, 3040), "top", "2004-06-09T16:02:35"),  # the raw's IFD0 says 6
    "FujiFilm.raf": ((400, 600), "bottom", "2019-07-14T10:11:12"),  # its JPEG's EXIF says 8; no size of its own
}


def _band_side(image: Image.Image) -> str:
    w, h = image.size
    probes = {"left": (2, h // 2), "right": (w - 3, h // 2), "top": (w // 2, 2), "bottom": (w // 2, h - 3)}
    return next(side for side, xy in probes.items() if min(image.getpixel(xy)) > 220)


@pytest.mark.parametrize("name", sorted(RAWS_UPRIGHT))
def test_camera_raws_decode_through_their_embedded_jpeg(name):
    size, band, taken_at = RAWS_UPRIGHT[name]
    photo = imaging.decode_photo(RAW_FIXTURES / name, 128)
    assert photo.format == "raw" and (photo.width, photo.height) == size and photo.taken_at == taken_at
    assert min(photo.image.size) >= 128
    assert photo.image.width / photo.image.height == pytest.approx(size[0] / size[1], 0.01)
    assert _band_side(photo.image) == band
    centre = photo.image.getpixel((photo.image.width // 2, photo.image.height // 2))
    assert centre[0] > 200 and centre[1] < 80 and centre[2] < 80  # the red disc
    with Image.open(io.BytesIO(imaging.make_thumbnail(RAW_FIXTURES / name, 90))) as thumb:
        assert max(thumb.size) == 90 and _band_side(thumb.convert("RGB")) == band


def test_a_raw_is_told_by_its_content_whatever_its_name(tmp_path):
    renamed = tmp_path / "DSC_0001"
    renamed.write_bytes((RAW_FIXTURES / "Nikon-rotated.nef").read_bytes())
    assert imaging.decode_photo(renamed, 64).format == "raw"
    assert imaging.sniff_format((RAW_FIXTURES / "CanonRaw.cr3").read_bytes()[:32]) == "raw"
    assert {".nef", ".cr3", ".dng", ".arw", ".raf"} <= imaging.IMAGE_SUFFIXES


@pytest.mark.parametrize("name", ["DNG-no-preview.dng", "CanonRaw.crw", "Minolta.mrw"])
def test_a_raw_without_a_preview_says_what_to_do(name):
    with pytest.raises(ImageDecodeError, match=r"^camera raw file with no embedded JPEG preview \(export it as a JPEG"):
        imaging.decode_photo(RAW_FIXTURES / name, 128)


def test_a_sigma_x3f_decodes_through_its_jpeg_with_that_jpegs_date():
    photo = imaging.decode_photo(RAW_FIXTURES / "SigmaDP2.x3f", 4)
    assert (photo.format, photo.taken_at) == ("raw", "2009-11-28T13:05:20")  # as ExifTool reads it


def test_a_raw_cut_before_its_preview_is_truncated(tmp_path):
    cut = tmp_path / "cut.cr2"
    cut.write_bytes((RAW_FIXTURES / "CanonRaw.cr2").read_bytes()[:9000])  # the preview starts at 8650
    with pytest.raises(ImageDecodeError, match="^truncated file$"):
        imaging.decode_photo(cut, 128)


def _cr2_with_preview_strip(tag: int, value: int) -> bytearray:
    """The CR2 fixture with its IFD0's StripOffsets (0x111) or StripByteCounts (0x117), which place
    its full-size preview, set to `value`: a damaged header in a file of its full size."""
    data = bytearray((RAW_FIXTURES / "CanonRaw.cr2").read_bytes())
    ifd = struct.unpack_from("<I", data, 4)[0]
    for entry in range(ifd + 2, ifd + 2 + 12 * struct.unpack_from("<H", data, ifd)[0], 12):
        if struct.unpack_from("<H", data, entry)[0] == tag:
            struct.pack_into("<I", data, entry + 8, value)
    return data


@pytest.mark.parametrize("tag", [0x111, 0x117])
def test_a_whole_raw_whose_header_places_its_preview_past_its_end_is_damaged_not_truncated(tmp_path, tag):
    """A byte flipped in the offset or length of the preview is no copy cut short: the JPEG is
    found by its start, and without one the file is said to be damaged."""
    data = _cr2_with_preview_strip(tag, 0x00930000)
    path = tmp_path / "flipped.cr2"
    path.write_bytes(bytes(data))
    assert imaging.decode_photo(path, 128).format == "raw"
    data[8650:8653] = b"\0\0\0"  # no JPEG starts there any more
    path.write_bytes(bytes(data))
    with pytest.raises(ImageDecodeError, match=r"^damaged camera raw file \(its header places its preview past the "
                                               r"end of the file, which is not cut short\)$"):
        imaging.decode_photo(path, 128)


def test_a_raw_whose_preview_is_damaged_says_so(tmp_path):
    data = bytearray((RAW_FIXTURES / "CanonRaw.cr2").read_bytes())
    data[8650 + 600 : 8650 + 8000] = bytes(7400)  # the preview's header stays, its data is gone
    damaged = tmp_path / "damaged.cr2"
    damaged.write_bytes(bytes(data))
    with pytest.raises(ImageDecodeError, match="^camera raw file whose preview cannot be decoded: "):
        imaging.decode_photo(damaged, 128)


def _with_gps(path: Path, gps: dict) -> Path:
    exif = Image.Exif()
    exif[0x8825] = gps
    return _save(path, Image.new("RGB", (64, 48), RED), "JPEG", exif=exif)


def test_the_gps_position_is_read_signed_from_exif(tmp_path):
    sydney = _with_gps(tmp_path / "sydney.jpg", {1: "S", 2: (33.0, 52.0, 30.0), 3: "E", 4: (151.0, 12.0, 36.0)})
    assert imaging.decode_photo(sydney, 32).location == pytest.approx((-33.875, 151.21))
    bare = _with_gps(tmp_path / "bare.jpg", {2: (40.5,), 4: (73.25,)})  # no references: north and east
    assert imaging.decode_photo(bare, 32).location == pytest.approx((40.5, 73.25))
    assert imaging.decode_photo(RAW_FIXTURES / "Nikon-rotated.nef", 64).location == pytest.approx((38.7139, -9.1394))


def test_a_gps_position_written_signed_keeps_its_sign_whatever_its_reference(tmp_path):
    """Pillow writes GPS as unsigned rationals only: this EXIF is written by hand, signed."""
    signed_rationals = 10
    gps_at, data_at = 8 + 2 + 12 + 4, 8 + 2 + 12 + 4 + 2 + 4 * 12 + 4
    entries = [(1, 2, 2, b"S\0\0\0"), (2, signed_rationals, 3, struct.pack("<I", data_at)),
               (3, 2, 2, b"W\0\0\0"), (4, signed_rationals, 3, struct.pack("<I", data_at + 24))]
    tiff = (b"II*\0" + struct.pack("<IHHHII", 8, 1, 0x8825, 4, 1, gps_at) + struct.pack("<I", 0)
            + struct.pack("<H", len(entries)) + b"".join(struct.pack("<HHI", *e[:3]) + e[3] for e in entries)
            + struct.pack("<I", 0) + struct.pack("<6i", -33, 1, 52, 1, 30, 1) + struct.pack("<6i", -70, 1, 40, 1, 0, 1))
    path = _save(tmp_path / "signed.jpg", Image.new("RGB", (64, 48), RED), "JPEG", exif=b"Exif\0\0" + tiff)

    assert imaging.decode_photo(path, 32).location == pytest.approx((-33.875, -70.666667))


@pytest.mark.parametrize("gps", [
    {1: "N", 2: (0.0, 0.0, 0.0), 3: "E", 4: (0.0, 0.0, 0.0)},  # a GPS without a fix writes zeros
    {1: "N", 2: (95.0, 0.0, 0.0), 3: "E", 4: (10.0, 0.0, 0.0)},
    {1: "N", 2: (45.0, 0.0, 0.0)},  # no longitude
    {1: "N", 2: (45.0, 0.0, 0.0), 3: "E", 4: (200.0, 0.0, 0.0)},
    {1: "N", 2: (45.0, 999.0, 0.0), 3: "E", 4: (7.0, 0.0, 0.0)},  # 999 minutes: not 61.65 degrees
    {1: "N", 2: (45.0, 30.0, 0.0), 3: "E", 4: (7.0, 0.0, 60.0)},
    {1: "X", 2: (38.0, 42.0, 0.0), 3: "Q", 4: (9.0, 8.0, 0.0)},  # references that are none: no side of the Earth
    {1: "N", 2: (0.0, 0.0, 0.0), 3: "E", 4: (0.0, 0.0, 0.001)},  # "null island", a thousandth of a second off
])
def test_a_gps_position_that_cannot_be_right_is_no_position(tmp_path, gps):
    photo = imaging.decode_photo(_with_gps(tmp_path / "odd.jpg", gps), 32)
    assert photo.location is None and photo.width == 64


MUTED_RED = (200, 60, 60)


def _redder_than_stored(rgb: tuple[int, ...]) -> bool:
    """MUTED_RED stored in Adobe RGB is a stronger red in sRGB (about (231, 57, 57))."""
    return rgb[0] >= MUTED_RED[0] + 20 and rgb[1] <= MUTED_RED[1] + 6


@pytest.mark.parametrize("fmt, suffix", [("JPEG", "jpg"), ("PNG", "png"), ("WEBP", "webp"), ("TIFF", "tif")])
def test_thumbnails_of_a_photo_with_a_wide_gamut_profile_are_in_srgb(tmp_path, fmt, suffix):
    path = _save(tmp_path / f"adobe.{suffix}", Image.new("RGB", (400, 300), MUTED_RED), fmt,
                 icc_profile=rgb_profile(), **({"quality": 95} if fmt in ("JPEG", "WEBP") else {}))

    with Image.open(io.BytesIO(imaging.make_thumbnail(path, 64))) as thumb:
        assert _redder_than_stored(thumb.getpixel((10, 10)))
        assert "icc_profile" not in thumb.info  # sRGB, as viewers assume without one


def test_the_model_gets_the_stored_pixels_of_a_photo_with_a_profile(tmp_path):
    path = _save(tmp_path / "adobe.png", Image.new("RGB", (400, 300), MUTED_RED), icc_profile=rgb_profile())

    photo = imaging.decode_photo(path, min_side=0)

    assert _pixel(photo, 10, 10) == MUTED_RED and photo.icc == rgb_profile()


def test_a_thumbnail_saved_while_indexing_is_converted_too(tmp_path):
    path = _save(tmp_path / "p3.png", Image.new("RGB", (1200, 800), MUTED_RED), icc_profile=rgb_profile())
    photo = imaging.decode_photo(path, min_side=512)

    saved = imaging.save_thumbnail(photo, tmp_path / "thumbs")

    with Image.open(saved) as thumb:
        assert _redder_than_stored(thumb.getpixel((10, 10)))


def test_a_cmyk_photo_carries_no_profile_to_apply_again_after_its_conversion(tmp_path):
    path = _save(tmp_path / "print.jpg", Image.new("CMYK", (200, 150), (0, 200, 200, 0)), quality=95,
                 icc_profile=rgb_profile())

    photo = imaging.decode_photo(path, min_side=0)

    assert photo.icc is None


def test_a_jpeg_of_a_huge_number_of_scans_fails_at_once_saying_why(tmp_path):
    path = tmp_path / "IMG_scans.jpg"
    path.write_bytes(many_scans_jpeg(20_000))  # 220 kB; at 8192 x 8192 such a file takes a minute
    fine = tmp_path / "IMG_fine.jpg"
    fine.write_bytes(many_scans_jpeg(10))

    started = time.perf_counter()
    with pytest.raises(ImageDecodeError, match=r"^progressive JPEG with too many scans \(20001\); it would take min"):
        imaging.decode_photo(path, min_side=224)
    assert time.perf_counter() - started < 1
    assert imaging.decode_photo(fine, min_side=224).damage is None


@pytest.mark.parametrize("segment", [b"\xff\xee\x00\x07Adobe", b"\xff\xe0\x00\x06JFIF"], ids=["Adobe", "JFIF"])
def test_a_jpeg_with_a_header_segment_too_short_to_be_read_is_indexed_clean_without_it(tmp_path, segment):
    good = _save(tmp_path / "good.jpg", _quadrants(64, 48), quality=95).read_bytes()
    path = tmp_path / "short.jpg"
    path.write_bytes(good[:2] + segment + good[2:])  # libjpeg passes over it; Pillow could not read past it

    photo = imaging.decode_photo(path, min_side=0)

    assert photo.damage is None and _close(_pixel(photo, 8, 8), RED) and _close(_pixel(photo, 56, 40), BLUE)
    assert photo.pixels_hash == imaging.decode_photo(tmp_path / "good.jpg", min_side=0).pixels_hash


def _claiming(data: bytes, size: tuple[int, int]) -> bytes:
    """A JPEG whose frame header claims `size`: only its header is read here."""
    frame = next(m.start() for m in re.finditer(b"\xff[\xc0\xc2]", data))
    return data[:frame + 5] + struct.pack(">HH", size[1], size[0]) + data[frame + 9:]


@pytest.mark.parametrize("subsampling, bytes_per_pixel", [(0, 6), (2, 3)], ids=["4:4:4", "4:2:0"])
def test_a_big_progressive_jpeg_is_budgeted_for_all_its_coefficients_however_reduced_its_output(
    subsampling, bytes_per_pixel
):
    costs = {}
    for progressive in (True, False):
        out = io.BytesIO()
        _quadrants(64, 48).save(out, "JPEG", progressive=progressive, subsampling=subsampling)
        with Image.open(io.BytesIO(_claiming(out.getvalue(), (16000, 15000)))) as im:
            costs[progressive] = imaging._decode_cost(im, "jpeg", (224, 224))

    # libjpeg keeps every coefficient of a progressive JPEG (2 bytes each, 64 per block of each
    # component): measured, 1.5 GB of memory for this size at 4:4:4, decoded reduced or not.
    assert costs[True] >= 16000 * 15000 * bytes_per_pixel
    assert costs[False] < 100_000_000  # a sequential one: its reduced output, 2000 x 1875


def _png_of_rows(width: int, height: int, rows: int, level: int = 6) -> bytes:
    """An RGB PNG whose header says width x height and whose image data holds `rows` rows, whole
    and closed: Pillow decodes it without a word, the rows it lacks black."""
    raw = b"".join(b"\0" + bytes([(y * 3) % 256, 120, 200]) * width for y in range(rows))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(raw, level))
            + _chunk(b"IEND", b""))


def test_a_png_whose_image_data_ends_before_its_last_rows_says_so_or_fails(tmp_path):
    few_missing, most_missing = tmp_path / "few.png", tmp_path / "most.png"
    few_missing.write_bytes(_png_of_rows(64, 100, rows=95))
    most_missing.write_bytes(_png_of_rows(64, 100, rows=40))

    assert imaging.decode_photo(few_missing, 0).damage == "the image data is damaged; the lower 5% of the image is missing"
    with pytest.raises(ImageDecodeError, match=r"^corrupt PNG data \(the lower 60% of the image cannot be read\)$"):
        imaging.decode_photo(most_missing, 0)


def test_a_png_whose_image_data_changed_after_it_was_written_is_said_damaged(tmp_path):
    # Pillow stops inflating once its rows are full and never reads an IDAT checksum: a block of
    # zeros over compressed data that still inflates to enough rows goes unseen. Find one such.
    pixels = np.random.default_rng(7).integers(0, 16, (120, 160, 3), dtype=np.uint8)
    out = io.BytesIO()
    Image.fromarray(pixels).save(out, "PNG")
    whole = out.getvalue()
    start = whole.index(b"IDAT") + 4
    rotten = None
    for position in range(start + len(whole) // 4, len(whole) - 64, 5):
        candidate = whole[:position] + bytes(16) + whole[position + 16:]
        try:
            with Image.open(io.BytesIO(candidate)) as im:
                if (np.asarray(im.convert("RGB")) != pixels).any():
                    rotten = candidate
                    break
        except Exception:  # most such damage Pillow sees: not what this test is about
            continue
    assert rotten is not None
    (tmp_path / "whole.png").write_bytes(whole)
    (tmp_path / "rotten.png").write_bytes(rotten)

    assert imaging.decode_photo(tmp_path / "whole.png", 0).damage is None
    assert imaging.decode_photo(tmp_path / "rotten.png", 0).damage == (
        "the image data is damaged; parts of the picture may be garbled")


def test_a_photo_read_whole_before_its_share_went_is_read_though_closing_it_fails(tmp_path, monkeypatch) -> None:
    """An sshfs share dropped as a photo was read: closing its file failed ("Transport endpoint is not
    connected") after its bytes were all in, and the photo was failed for ever as "an unexpected error in
    photoclip's decoder", not waiting for its drive. No drive here fails only as it closes (a FUSE drive
    killed fails the reads too), so the file's close is made to fail as sshfs's did."""
    import errno

    path = _save(tmp_path / "IMG_0001.jpg", Image.new("RGB", (64, 48), (200, 30, 30)))

    class ShareGoneAsItCloses(io.FileIO):
        def close(self) -> None:
            super().close()
            raise OSError(errno.ENOTCONN, "Transport endpoint is not connected")

    monkeypatch.setattr(imaging, "open_regular", lambda opened: ShareGoneAsItCloses(opened))
    photo = imaging.decode_photo(path, min_side=32)
    assert (photo.width, photo.height) == (64, 48)
