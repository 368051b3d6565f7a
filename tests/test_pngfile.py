from __future__ import annotations

import io
import zlib

from PIL import Image, PngImagePlugin

from photoclip import pngfile
from tests.helpers import PNG_ICCP_BOMB, PNG_ITXT_BOMB, PNG_ZTXT_BOMB, png_chunk
from tests.helpers import PNG_TEXT_LIMIT as LIMIT


def _chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    found, position = [], 8
    while position + 12 <= len(data):
        length = int.from_bytes(data[position:position + 4], "big")
        found.append((data[position + 4:position + 8], data[position + 8:position + 8 + length]))
        position += 12 + length
    return found


def _png_with(*extra: bytes) -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Title", "Lake weekend")
    info.add_itxt("XML:com.adobe.xmp", "<x:xmpmeta>small</x:xmpmeta>")
    out = io.BytesIO()
    Image.new("RGB", (32, 24), (200, 40, 40)).save(out, "PNG", pnginfo=info)
    data = out.getvalue()
    return data[:33] + b"".join(extra) + data[33:]  # after IHDR


PLAIN_BIG_TEXT = png_chunk(b"tEXt", b"workflow\0" + b"{}" * LIMIT)


def test_only_metadata_too_big_to_read_is_left_out():
    clean = _png_with()
    data = _png_with(PNG_ZTXT_BOMB, PNG_ITXT_BOMB, PNG_ICCP_BOMB, PLAIN_BIG_TEXT)

    slimmer = pngfile.without_oversized_metadata(data, LIMIT)

    assert slimmer == clean  # the picture's chunks and the small text, byte for byte
    assert [kind for kind, _ in _chunks(clean)] == [b"IHDR", b"tEXt", b"iTXt", b"IDAT", b"IEND"]


def test_metadata_just_within_the_limit_stays():
    fits = png_chunk(b"zTXt", b"Comment\0\0" + zlib.compress(b"\0" * LIMIT, 9))
    assert pngfile.without_oversized_metadata(_png_with(fits), LIMIT) is None


def test_nothing_to_leave_out_or_no_png_gives_none():
    assert pngfile.without_oversized_metadata(_png_with(), LIMIT) is None
    assert pngfile.without_oversized_metadata(b"\xff\xd8\xff\xe0 a JPEG", LIMIT) is None


def test_a_file_cut_short_keeps_its_last_bytes_for_the_decoder_to_judge():
    data = _png_with(PNG_ZTXT_BOMB)
    cut = data[:-20]  # inside IDAT's end: the last chunks are incomplete

    slimmer = pngfile.without_oversized_metadata(cut, LIMIT)

    assert slimmer is not None and PNG_ZTXT_BOMB not in slimmer
    assert slimmer.endswith(cut[cut.index(b"IDAT") - 4:])


def test_ancillary_chunks_that_break_their_own_format_are_left_out_and_sound_ones_stay():
    sound = [png_chunk(b"pHYs", bytes(9)), png_chunk(b"iCCP", b"sRGB\0\0" + zlib.compress(b"profile")),
             png_chunk(b"zTXt", b"Comment\0\0" + zlib.compress(b"hello")), png_chunk(b"gAMA", bytes(4))]
    broken = [png_chunk(b"pHYs", b"\1"), png_chunk(b"iCCP", b"no terminator" * 8),
              png_chunk(b"iCCP", b"\0\0" + zlib.compress(b"no name")), png_chunk(b"zTXt", b"Comment\0\1data")]
    data = _png_with(*sound, *broken)

    repaired = pngfile.without_damaged_ancillary_chunks(data)

    assert repaired == _png_with(*sound)
    assert pngfile.without_damaged_ancillary_chunks(repaired) is None


def _rgb_png(width: int, height: int, rows: int | None = None, level: int = 6) -> bytes:
    """An RGB PNG whose header says width x height, its data holding `rows` rows (all, by default)."""
    raw = b"".join(b"\0" + bytes([y % 256, 80, 160]) * width for y in range(height if rows is None else rows))
    header = png_chunk(b"IHDR", width.to_bytes(4, "big") + height.to_bytes(4, "big") + b"\x08\x02\x00\x00\x00")
    return pngfile.SIGNATURE + header + png_chunk(b"IDAT", zlib.compress(raw, level)) + png_chunk(b"IEND", b"")


def test_image_data_that_ends_before_the_rows_its_header_claims_is_measured():
    assert pngfile.image_data_missing(_rgb_png(40, 100)) == 0.0
    assert pngfile.image_data_missing(_rgb_png(40, 100, rows=75)) == 0.25


def test_an_idat_chunk_changed_since_it_was_written_is_found_by_its_checksum():
    whole = _rgb_png(40, 30, level=0)  # stored: any byte changed still inflates
    position = whole.index(b"IDAT") + 200
    damaged = whole[:position] + bytes([whole[position] ^ 0x55]) + whole[position + 1:]

    assert not pngfile.image_data_checksum_wrong(whole)
    assert pngfile.image_data_checksum_wrong(damaged)
