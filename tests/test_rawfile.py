"""Camera raw containers: previews, orientation and date found where ExifTool finds them
(tests/fixtures/raw/README.md has ExifTool's answers), and junk never raising."""

from __future__ import annotations

import io
import random
import struct
from pathlib import Path

import pytest
from PIL import Image

from photoclip import rawfile
from photoclip.imaging import decode_photo

RAW = Path(__file__).parent / "fixtures" / "raw"
PREVIEW = (RAW / "preview.jpg").read_bytes()

TIFF_RAWS = {  # file: (preview starts, orientation, DateTimeOriginal, image size), all per ExifTool
    "CanonRaw.cr2": ({8650}, 1, "2005:08:03 18:59:18", (3456, 2304)),  # EXIF's pixel size
    "DNG.dng": ({21894, 13022}, 1, "2005:08:03 18:59:18", (3456, 2304)),  # DefaultCropSize
    "Nikon-rotated.nef": ({1132, 14402}, 6, "2004:06:09 16:02:35", (3040, 2014)),  # JpgFromRaw and maker notes'; CFA IFD
    "Panasonic.rw2": ({582}, 1, "2008:08:06 15:21:56", (3648, 2736)),  # inside the sensor borders
}


def read(name: str) -> rawfile.RawFile:
    with open(RAW / name, "rb") as fh:
        return rawfile.read_raw(fh)


def preview_bytes(name: str, preview: rawfile.Preview) -> bytes:
    with open(RAW / name, "rb") as fh:
        return rawfile.read_preview(fh, preview)


@pytest.mark.parametrize("name", sorted(TIFF_RAWS))
def test_tiff_raws_yield_the_preview_exiftool_finds(name: str) -> None:
    starts, orientation, taken_at, size = TIFF_RAWS[name]
    raw = read(name)
    assert {p.offset for p in raw.previews} == starts
    assert all((p.width, p.height) == (600, 400) for p in raw.previews)
    assert all(preview_bytes(name, p)[: len(PREVIEW)] == PREVIEW for p in raw.previews)  # found ones run to the end
    assert (raw.orientation, raw.taken_at, raw.size) == (orientation, taken_at, size)


def test_a_raws_gps_position_is_read_signed() -> None:
    assert read("Nikon-rotated.nef").location == pytest.approx((38.7139, -9.1394))  # ExifTool wrote 38.7139 N 9.1394 W
    assert read("CanonRaw.cr2").location is None


def test_cr3_yields_its_prvw_jpeg_and_its_cmt_metadata() -> None:
    raw = read("CanonRaw.cr3")
    assert [(p.width, p.height) for p in raw.previews] == [(600, 400)]
    assert preview_bytes("CanonRaw.cr3", raw.previews[0]) == PREVIEW
    assert (raw.orientation, raw.taken_at, raw.size) == (1, "2018:02:21 12:08:56", (6000, 4000))


def test_raf_yields_its_header_jpeg_whose_exif_holds_the_metadata() -> None:
    raw = read("FujiFilm.raf")
    assert len(raw.previews) == 1 and (raw.orientation, raw.taken_at, raw.size) == (None, None, None)
    with Image.open(io.BytesIO(preview_bytes("FujiFilm.raf", raw.previews[0]))) as im:
        assert im.size == (600, 400) and im.getexif()[0x0112] == 8


def test_older_and_rarer_raws_are_raws_and_their_jpegs_are_found_by_their_start() -> None:
    for name in ("CanonRaw.crw", "Minolta.mrw", "SigmaDP2.x3f"):
        assert rawfile.sniff_raw((RAW / name).read_bytes()[:32]), name
    assert read("CanonRaw.crw").previews == read("Minolta.mrw").previews == []  # ExifTool's placeholders
    assert [p.offset for p in read("SigmaDP2.x3f").previews] == [292]  # JpgFromRaw, a real (8x8) JPEG


def test_placeholder_previews_are_not_previews() -> None:
    raw = read("DNG-no-preview.dng")
    assert raw.previews == [] and not raw.cut_short


def test_a_preview_past_the_end_of_the_file_means_cut_short() -> None:
    data = (RAW / "DNG.dng").read_bytes()[:21600]  # JpgFromRaw ends at 21501; the preview starts at 21894
    raw = rawfile.read_raw(io.BytesIO(data))
    assert raw.cut_short and {p.offset for p in raw.previews} == {13022}


def test_a_preview_past_the_end_of_a_file_whose_other_data_reaches_its_end_means_a_damaged_header() -> None:
    data = bytearray((RAW / "CanonRaw.cr2").read_bytes())  # IFD0's JPEG at 8650, 8479 bytes; IFD2's, IFD3's after
    struct.pack_into("<I", data, data.index(struct.pack("<HHII", 0x117, 4, 1, 8479)) + 8, 30239)  # a flipped bit
    raw = rawfile.read_raw(io.BytesIO(bytes(data)))
    assert raw.misplaced and not raw.cut_short and {p.offset for p in raw.previews} == {8650}  # found by its start
    raw = rawfile.read_raw(io.BytesIO(bytes(data[:12000])))
    assert raw.cut_short and not raw.misplaced


def test_sniffing_tells_raws_from_plain_tiffs_and_jpegs(tmp_path: Path) -> None:
    for name in ("CanonRaw.cr2", "CanonRaw.cr3", "FujiFilm.raf", "Panasonic.rw2"):
        assert rawfile.sniff_raw((RAW / name).read_bytes()[:32]), name
    for name in ("DNG.dng", "Nikon-rotated.nef"):
        assert not rawfile.sniff_raw((RAW / name).read_bytes()[:32])
        with open(RAW / name, "rb") as fh:
            assert rawfile.is_raw_tiff(fh) and fh.tell() == 0
    plain = tmp_path / "scan.tif"
    Image.new("RGB", (64, 48), (10, 200, 30)).save(plain, compression="jpeg")
    with open(plain, "rb") as fh:
        assert not rawfile.sniff_raw(fh.read(32)) and not rawfile.is_raw_tiff(fh)
    assert not rawfile.sniff_raw(PREVIEW[:32])


def _cfa_tiff(strip: bytes, compression: int = 7) -> bytes:
    """A one-IFD little-endian TIFF holding `strip` as CFA sensor data."""
    entries = [(0x0100, 3, 1, 16), (0x0101, 3, 1, 16), (0x0103, 3, 1, compression), (0x0106, 3, 1, 32803)]
    offset = 8 + 2 + 12 * (len(entries) + 2) + 4
    entries += [(0x0111, 4, 1, offset), (0x0117, 4, 1, len(strip))]
    ifd = struct.pack("<H", len(entries)) + b"".join(struct.pack("<HHII", *e) for e in entries) + b"\0\0\0\0"
    return b"II*\x00" + struct.pack("<I", 8) + ifd + strip


def test_lossless_jpeg_sensor_data_is_not_a_preview() -> None:
    lossless = b"\xff\xd8\xff\xc3\x00\x0b\x08\x00\x10\x00\x10\x01\x01\x11\x00" + bytes(300) + b"\xff\xd9"
    data = _cfa_tiff(lossless)
    assert rawfile.is_raw_tiff(io.BytesIO(data))
    assert rawfile.read_raw(io.BytesIO(data)).previews == []
    baseline = _cfa_tiff(PREVIEW)
    assert [(p.width, p.height) for p in rawfile.read_raw(io.BytesIO(baseline)).previews] == [(600, 400)]


def test_previews_hidden_in_maker_notes_are_found_by_their_jpeg_start() -> None:
    orf = b"IIRO\x08\x00\x00\x00" + bytes(5000) + PREVIEW + bytes(3000)  # Olympus keeps it in maker notes
    raw = rawfile.read_raw(io.BytesIO(orf))
    assert [(p.offset, p.width, p.height) for p in raw.previews] == [(5008, 600, 400)]


def test_a_maker_note_preview_is_found_where_the_container_lists_only_a_thumbnail() -> None:
    thumbnail = io.BytesIO()
    Image.new("RGB", (160, 120), "white").save(thumbnail, "JPEG")
    listed = _cfa_tiff(thumbnail.getvalue(), compression=6)
    raw = rawfile.read_raw(io.BytesIO(listed + bytes(1000) + PREVIEW))
    assert sorted((p.width, p.height) for p in raw.previews) == [(160, 120), (600, 400)]


def test_ifd_loops_and_huge_counts_end_quickly() -> None:
    looping = b"II*\x00\x08\x00\x00\x00" + struct.pack("<H", 1) + struct.pack("<HHII", 0x014A, 4, 1, 8) + b"\x08\0\0\0"
    assert rawfile.read_raw(io.BytesIO(looping)).previews == []
    huge = b"MM\x00*\x00\x00\x00\x08" + struct.pack(">H", 1) + struct.pack(">HHII", 0x0111, 4, 0xFFFFFFFF, 8)
    assert not rawfile.is_raw_tiff(io.BytesIO(huge))


@pytest.mark.parametrize("name", ["CanonRaw.cr2", "CanonRaw.cr3", "DNG.dng", "FujiFilm.raf", "Nikon-rotated.nef"])
def test_damaged_raws_never_raise(name: str) -> None:
    data = (RAW / name).read_bytes()
    rng = random.Random(name)
    for _ in range(150):
        damaged = bytearray(data)
        for _ in range(rng.randint(1, 40)):
            damaged[rng.randrange(len(damaged))] = rng.randrange(256)
        cut = damaged[: rng.randrange(8, len(damaged))] if rng.random() < 0.3 else damaged
        raw = rawfile.read_raw(io.BytesIO(bytes(cut)))
        assert all(0 < p.offset < len(cut) and p.width > 0 and p.height > 0 for p in raw.previews)


def test_a_tiff_raws_xmp_packet_is_read_for_its_keywords(tmp_path: Path) -> None:
    """Lightroom keeps a DNG's keywords in its XMP (tag 700 of the first IFD)."""
    with open(RAW / "DNG.dng", "rb") as stream:
        packet = rawfile.read_raw(stream).xmp
    assert packet is not None and packet.startswith(b"<?xpacket begin=") and packet.rstrip().endswith(b"?>")
    assert decode_photo(RAW / "DNG.dng", 64).xmp == packet
    with open(RAW / "CanonRaw.cr2", "rb") as stream:
        assert rawfile.read_raw(stream).xmp is None  # a CR2 keeps none there


def test_a_pixels_raw_and_jpeg_are_one_shot_and_no_other_name_is_cut() -> None:
    """A Pixel saves PXL_<time>.RAW-01.COVER.jpg (.RAW-01.MP.COVER.jpg with motion) beside
    PXL_<time>.RAW-02.ORIGINAL.dng: the stems differ, the shot is one."""
    raw = "/DCIM/Camera/PXL_20230709_090000555.RAW-02.ORIGINAL.dng"
    for jpeg in ("PXL_20230709_090000555.RAW-01.COVER.jpg", "pxl_20230709_090000555.raw-01.mp.cover.JPG",
                 "PXL_20230709_090000555.jpg"):
        assert rawfile.one_shot(raw, f"/DCIM/Camera/{jpeg}")
    assert rawfile.shot_stem(raw) == "PXL_20230709_090000555"
    assert not rawfile.one_shot(raw, "/DCIM/Camera/PXL_20230709_090000556.RAW-01.COVER.jpg")  # the next shot
    assert not rawfile.one_shot(raw, "/DCIM/Other/PXL_20230709_090000555.RAW-01.COVER.jpg")  # another folder
    assert not rawfile.one_shot(raw, "/DCIM/Camera/PXL_20230709_090000555.RAW-01.COVER.png")  # no camera's copy
    assert not rawfile.one_shot("/DCIM/Camera/PXL_1.RAW-01.COVER.jpg", "/DCIM/Camera/PXL_1.RAW-02.ORIGINAL.jpg")
    for name in ("PXL_1.PORTRAIT.ORIGINAL.jpg", "IMG_1.raw-1.cover.jpg", "PXL_1.RAW-01.jpg", ".RAW-01.COVER.jpg",
                 "DSC_2.NEF"):
        assert rawfile.shot_stem(name) == name.rsplit(".", 1)[0]
