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
from collections.abc import Callable

SIGNATURE = b"\x89PNG\r\n\x1a\n"
_METADATA = (b"tEXt", b"zTXt", b"iTXt", b"iCCP")


def without_oversized_metadata(data: bytes, limit: int) -> bytes | None:
    """The file with each text or colour-profile chunk that holds more than `limit` bytes
    (inflated) left out; None when it has none, or its chunks cannot be walked."""
    return _without(data, lambda kind, chunk: kind in _METADATA and _content_size(kind, chunk[8:-4], limit) > limit)


def without_damaged_ancillary_chunks(data: bytes) -> bytes | None:
    """The file with each ancillary chunk (first letter lower case: nothing the picture needs)
    whose checksum is wrong left out, as libpng skips them; None when it has none, or its
    chunks cannot be walked. Critical chunks stay whatever their checksum: the decoder judges."""
    return _without(data, lambda kind, chunk: bool(kind[0] & 0x20)
                    and zlib.crc32(chunk[4:-4]) != int.from_bytes(chunk[-4:], "big"))


def _without(data: bytes, dropped_if: Callable[[bytes, bytes], bool]) -> bytes | None:
    """The file without the chunks `dropped_if(kind, whole chunk)` picks; None when it picks
    none. A chunk cut short, and what follows it, goes as it is, for the decoder to judge."""
    if not data.startswith(SIGNATURE):
        return None
    kept, position, dropped = [SIGNATURE], len(SIGNATURE), False
    while position + 12 <= len(data):
        length = int.from_bytes(data[position:position + 4], "big")
        kind = data[position + 4:position + 8]
        end = position + 12 + length
        if end > len(data):
            break
        if dropped_if(kind, data[position:end]):
            dropped = True
        else:
            kept.append(data[position:end])
        position = end
        if kind == b"IEND":
            break
    kept.append(data[position:])
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
