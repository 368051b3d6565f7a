"""Files that end in zeros where their data should go on: a copy cut short into a file of its
full size (preallocated by the copying program, or recovered from a card). The decoders of
PNG, GIF, WebP and HEIF read the zeros as data and show a picture garbled from where they
begin, mostly without an error, so such a file must be taken as cut there. JPEG has its own
walk (jpegfile.zero_filled_end). BMP and TIFF are left alone: they often store pixels as they
are, and black is zeros.
"""

from __future__ import annotations

import io
from typing import IO

FORMATS = frozenset({"png", "gif", "webp", "heif"})
TAIL_MIN = 256  # fewer zeros can end a whole file's compressed data; a cut copy leaves far more
_CHUNK = 1 << 20
_PNG_END = b"IEND\xaeB`\x82"
_GIF_END = 0x3B
_PADDING_BOXES = (b"free", b"skip")


def zero_filled(stream: IO[bytes], fmt: str) -> tuple[int, float] | None:
    """Where the zeros that replace the end of a file of this format begin, and about what
    share of its image data they replace (by bytes); None when it does not end in zeros, or
    when they come after its format's own end (padding)."""
    if fmt not in FORMATS:
        return None
    try:
        start = _zeros_from(stream)
        if start is None or start == 0:
            return None
        return _data_lost(stream, fmt, start)
    finally:
        stream.seek(0)


def content_end(stream: IO[bytes], fmt: str) -> int:
    """How many of a file's bytes its picture needs: all of them, but for zeros past its format's
    own end (padding, which zero_filled does not take for a cut), of which TAIL_MIN are kept (its
    data may end in fewer zeros of its own), or a HEIF's padding box they fill, left out whole.
    A photo followed by gigabytes of zeros is then decoded from its own few megabytes."""
    size = stream.seek(0, io.SEEK_END)
    try:
        start = _zeros_from(stream) if fmt in FORMATS else None
        if not start or _data_lost(stream, fmt, start) is not None:
            return size
        box = _box_at(stream, start, size) if fmt == "heif" else None
        if box is not None and box[0] in _PADDING_BOXES:
            return box[1]
        return min(size, start + TAIL_MIN)
    finally:
        stream.seek(0)


def _zeros_from(stream: IO[bytes]) -> int | None:
    """Where a run of at least TAIL_MIN zero bytes that ends the file begins."""
    size = stream.seek(0, io.SEEK_END)
    if size < TAIL_MIN:
        return None
    stream.seek(size - TAIL_MIN)
    if any(stream.read(TAIL_MIN)):
        return None
    position = size - TAIL_MIN
    while position > 0:
        start = max(0, position - _CHUNK)
        stream.seek(start)
        kept = stream.read(position - start).rstrip(b"\0")
        if kept:
            return start + len(kept)
        position = start
    return 0


def _data_lost(stream: IO[bytes], fmt: str, start: int) -> tuple[int, float] | None:
    stream.seek(max(0, start - len(_PNG_END)))
    before = stream.read(start - stream.tell())
    size = stream.seek(0, io.SEEK_END)
    if fmt == "png":
        return None if before.endswith(_PNG_END) else (start, (size - start) / size)
    if fmt == "gif":
        return None if before[-1:] == bytes([_GIF_END]) else (start, (size - start) / size)
    if fmt == "webp":
        stream.seek(4)
        data_start, end = 12, min(size, 8 + int.from_bytes(stream.read(4), "little"))
    else:
        box = _box_at(stream, start, size)
        if box is None or box[0] in _PADDING_BOXES:
            return None
        _, _, data_start, end = box
    if end - start < TAIL_MIN:  # zeros its own data may end in, then padding past its end
        return None
    return start, (end - start) / max(1, end - data_start)


def _box_at(stream: IO[bytes], offset: int, size: int) -> tuple[bytes, int, int, int] | None:
    """The top-level ISO-BMFF box that holds `offset`: its type, where it starts, where its
    data starts and where it ends (at most the file's end)."""
    position = 0
    while position < size:
        stream.seek(position)
        header = stream.read(16)
        if len(header) < 8:
            return None
        box_size, kind, header_size = int.from_bytes(header[:4], "big"), header[4:8], 8
        if not any(header[:8]):  # zeros where a next box would begin: padding past the last
            return None
        if box_size == 1:
            box_size, header_size = int.from_bytes(header[8:16], "big"), 16
        elif box_size == 0:  # "runs to the end of the file"
            box_size = size - position
        if box_size < header_size:
            return None
        if offset < position + box_size:
            return kind, position, position + header_size, min(size, position + box_size)
        position += box_size
    return None
