"""PNG chunks, walked without Pillow: to set aside metadata too big for Pillow to read, or
damaged, so the picture is not lost with it.

Pillow refuses a PNG whose compressed text or colour profile inflates past a megabyte (its
guard against zip bombs), and with it the whole picture. Such chunks are real: Photoshop's
XMP can grow by megabytes of "document ancestors", printer profiles run to megabytes. It also
refuses a PNG with one bad checksum in an ancillary chunk (text, a program's private chunk),
which libpng and viewers skip with a warning. A viewer shows those photos, so the index
should too. Byte-level only: nothing here decodes pixels.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterator

SIGNATURE = b"\x89PNG\r\n\x1a\n"
_METADATA = (b"tEXt", b"zTXt", b"iTXt", b"iCCP")


def without_oversized_metadata(data: bytes, limit: int) -> bytes | None:
    """The file with each text or colour-profile chunk that holds more than `limit` bytes
    (inflated) left out; None when it has none, or its chunks cannot be walked."""
    return _without(data, lambda kind, chunk: kind in _METADATA
                    and _content_size(kind, bytes(chunk[8:-4]), limit) > limit)


def without_damaged_ancillary_chunks(data: bytes) -> bytes | None:
    """The file with each ancillary chunk (first letter lower case: nothing the picture needs)
    whose checksum is wrong, or whose content breaks its chunk's own format (see _malformed),
    left out, as libpng skips them with a warning; None when it has none, or its chunks cannot
    be walked. Critical chunks stay whatever their checksum: the decoder judges. An animated
    PNG whose animation chunks are broken keeps its still image (what a viewer without APNG
    support shows): all of them go."""
    colour_type = data[25] if len(data) > 25 and data[12:16] == b"IHDR" else None
    animation_broken = any(kind in _ANIMATION and _malformed(kind, data[start + 8:end - 4], colour_type)
                           for kind, start, end in _chunks(data))
    return _without(data, lambda kind, chunk: bool(kind[0] & 0x20) and (
        zlib.crc32(chunk[4:-4]) != int.from_bytes(chunk[-4:], "big")
        or _malformed(kind, chunk[8:-4], colour_type) or (animation_broken and kind in _ANIMATION)))


_SIZES = {b"pHYs": 9, b"gAMA": 4, b"cHRM": 32, b"sRGB": 1, b"tIME": 7, b"acTL": 8, b"fcTL": 26}
"""The sizes the standard gives these chunks (Pillow refuses the whole file for one shorter)."""
_ANIMATION = (b"acTL", b"fcTL", b"fdAT")
_TRANSPARENCY_SIZES = {0: 2, 2: 6}  # a grey image's tRNS is one 16-bit grey; a colour one's, three samples


def _malformed(kind: bytes, body: bytes | memoryview, colour_type: int | None) -> bool:
    """Whether an ancillary chunk breaks its own format where Pillow refuses the whole file for
    it, or misreads it: a wrong size, a compression method other than deflate (0), a name
    without its terminator."""
    if kind in _SIZES:
        return len(body) != _SIZES[kind]
    if kind in (b"iCCP", b"zTXt"):  # a name (1-79 bytes), its NUL, the compression method, the data
        head = bytes(body[:82])
        name_end = head.find(b"\0", 0, 80)
        return name_end < 1 or head[name_end + 1:name_end + 2] != b"\0"
    if kind == b"fdAT":
        return len(body) < 4
    if kind == b"tRNS" and colour_type in _TRANSPARENCY_SIZES:
        return len(body) < _TRANSPARENCY_SIZES[colour_type]
    return False


def _chunks(data: bytes) -> Iterator[tuple[bytes, int, int]]:
    """(kind, start, end) of each whole chunk, up to IEND; a chunk cut short ends the walk."""
    position = len(SIGNATURE)
    while position + 12 <= len(data):
        length = int.from_bytes(data[position:position + 4], "big")
        kind = data[position + 4:position + 8]
        end = position + 12 + length
        if end > len(data):
            return
        yield kind, position, end
        position = end
        if kind == b"IEND":
            return


def _without(data: bytes, dropped_if: Callable[[bytes, memoryview], bool]) -> bytes | None:
    """The file without the chunks `dropped_if(kind, whole chunk)` picks; None when it picks
    none. A chunk cut short, and what follows it, goes as it is, for the decoder to judge."""
    if not data.startswith(SIGNATURE):
        return None
    view = memoryview(data)
    kept, position, dropped = [view[:len(SIGNATURE)]], len(SIGNATURE), False
    for kind, start, end in _chunks(data):
        if dropped_if(kind, view[start:end]):
            dropped = True
        else:
            kept.append(view[start:end])
        position = end
    kept.append(view[position:])
    return b"".join(kept) if dropped else None


def _content_size(kind: bytes, body: bytes, limit: int) -> int:
    """How many bytes a metadata chunk holds once inflated, counted up to limit + 1."""
    keyword_end = body.find(b"\0")
    if kind == b"tEXt" or keyword_end < 0:
        return len(body)
    if kind == b"iTXt":
        compressed = body[keyword_end + 1:keyword_end + 2] == b"\1"
        language_end = body.find(b"\0", keyword_end + 3)
        translated_end = body.find(b"\0", language_end + 1) if language_end >= 0 else -1
        if translated_end < 0:
            return len(body)
        text = body[translated_end + 1:]
        if not compressed:
            return len(text)
    else:  # zTXt, iCCP: keyword, method, deflated data
        text = body[keyword_end + 2:]
    try:
        return len(zlib.decompressobj().decompress(text, limit + 1))
    except zlib.error:
        return 0  # broken, not big: Pillow says what is wrong with it


_CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}  # by colour type: grey, RGB, palette, grey + alpha, RGBA
_ADAM7 = ((0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2))
"""Interlacing's seven passes: the first column and row, and the steps across and down."""
_INFLATE_STEP = 1 << 20


def image_data_missing(data: bytes) -> float | None:
    """The share of a whole PNG's image data (inflated, as its header's size needs) that its
    IDAT stream ends without: a stream damaged so that it reads as finished early (a block of
    zeros over it can), or a header that claims more rows than the data holds. Pillow stops
    there without a word, and the rows it never reached stay black. 0.0 when all of it is
    there; None when the header cannot be read, or the stream is broken (the decoder says)."""
    if not data.startswith(SIGNATURE) or data[12:16] != b"IHDR" or len(data) < 29:
        return None
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    depth, colour_type, interlaced = data[24], data[25], data[28]
    if colour_type not in _CHANNELS or not width or not height:
        return None
    bits = depth * _CHANNELS[colour_type]
    passes = _ADAM7 if interlaced else ((0, 0, 1, 1),)
    expected = 0
    for x, y, step_x, step_y in passes:
        across, down = -(-(width - x) // step_x), -(-(height - y) // step_y)
        if across > 0 and down > 0:
            expected += down * (1 + -(-across * bits // 8))
    inflater, found = zlib.decompressobj(), 0
    try:
        for kind, start, end in _chunks(data):
            if kind != b"IDAT":
                continue
            pending = data[start + 8:end - 4]
            while pending and found < expected and not inflater.eof:
                found += len(inflater.decompress(pending, _INFLATE_STEP))
                pending = inflater.unconsumed_tail
            if found >= expected or inflater.eof:
                break
    except zlib.error:
        return None
    return max(0.0, (expected - found) / expected)


def image_data_checksum_wrong(data: bytes) -> bool:
    """Whether an IDAT chunk's checksum is wrong: its bytes changed since they were written (bit
    rot, a block of a disk overwritten). Pillow never checks them, and inflates damaged data
    that still reads as valid without a word: garbled rows, as if whole."""
    return any(kind == b"IDAT" and zlib.crc32(data[start + 4:end - 4]) != int.from_bytes(data[end - 4:end], "big")
               for kind, start, end in _chunks(data))
