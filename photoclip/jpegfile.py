"""JPEG container structure: the header walk that refuses junk, and camera previews in MPF.

Mirrorless and DSLR cameras (Sony, Fujifilm, Nikon, Olympus, Pentax among them) store a
1-2 megapixel copy of each photo after the main image, listed in the APP2 "MPF" index
(CIPA DC-007) as a "large thumbnail". Decoding that copy instead of a 24-45 megapixel main
image is about ten times less work, and it is the same picture. Byte-level only: nothing
here decodes pixels.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from typing import IO, Any

from photoclip.errors import ImageDecodeError

_JUNK_LIMIT = 1 << 16
_MPF_TAG = b"MPF\x00"
_PREVIEW_PADDING = b"\x00\xff"  # cameras pad previews to a fixed size after their EOI
_START, END = b"\xff\xd8", b"\xff\xd9"
_ZERO_TAIL_MIN = 32  # fewer zeros at the end can be a cut file's own last bytes
_ZERO_HOLE_MIN = 64  # zeros in a row inside a JPEG's data that its damage, not its encoder, wrote
_CHUNK = 1 << 20
_ZERO_SCAN_LIMIT = 64 << 20
_PREVIEW_MAX_BYTES = 32 << 20  # a 4K preview is a few megabytes; more is not a preview
_PREVIEWS_TRIED = 4
_HUFFMAN_FRAMES = (0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7)  # SOFn but arithmetic coding's
_PROGRESSIVE_FRAMES = (0xC2, 0xCA)  # SOF2 (Huffman), SOF10 (arithmetic)
_FRAMES = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}  # SOF0..SOF15 but DHT, JPG, DAC
_NOT_SCANNED = 16  # above any successive-approximation bit position (0..13)
MAX_SCANS = 500
"""The most scans a JPEG may have. Decoding one costs a pass over every 8 x 8 block of the
picture per scan: a progressive photo has about ten; a crafted (or broken) one can have
hundreds of thousands of tiny ones, and take minutes while the whole run waits (300,000 scans
in 30 MB: 18 minutes). libjpeg-turbo's own tools and fuzzers stop at the same number."""
MAX_SCAN_WORK = 40 * 256_000_000
"""The most pixels times scans a progressive JPEG may cost: forty scans of the largest picture
photoclip decodes, a few seconds. A 24-megapixel photo may have the MAX_SCANS; a 256-megapixel
one with 450 took 40 seconds."""
_BETWEEN_SCANS = {0xC4, 0xCC, 0xDA, 0xDB, 0xDC, 0xDD, 0xFE, *range(0xE0, 0xF0)}
"""Segments that may stand after image data begins: tables, the next scan, restarts, notes."""


def _segments(stream: IO[bytes]) -> Iterator[tuple[int, int]]:
    """(position, marker) of each header segment up to the image data, skipping the fill
    bytes and junk libjpeg skips, within reason. Leaves the stream anywhere."""
    position, junk = 2, 0
    while True:
        stream.seek(position)
        segment = stream.read(4)
        if len(segment) < 4:
            return  # cut short: the decoder says "truncated"
        if segment[0] != 0xFF or segment[1] in (0x00, 0xFF):
            stream.seek(position + 1)
            window = stream.read(4096)
            if segment[:2] == b"\xff\x00":  # no marker: libjpeg skips it as junk
                step = 2
            elif segment[0] == 0xFF:
                step = len(window) - len(window.lstrip(b"\xff"))
            else:
                found = window.find(b"\xff")
                step = 1 + (len(window) if found < 0 else found)
            junk += step
            if junk > _JUNK_LIMIT:
                raise ImageDecodeError("corrupt JPEG file (no image data where its header should be)")
            position += step
            continue
        kind = segment[1]
        yield position, kind
        if kind in (0xDA, 0xD9):  # the image data starts (or the file claims to end)
            return
        if kind == 0x01 or 0xD0 <= kind <= 0xD8:
            position += 2
            continue
        length = int.from_bytes(segment[2:4], "big")
        if length < 2:
            raise ImageDecodeError("corrupt JPEG file (its header cannot be read)")
        position += 2 + length


def pixel_data(data: bytes) -> list[memoryview]:
    """The parts of a JPEG that make its pixels: every header segment but the metadata ones
    (APPn: EXIF, XMP, ICC, IPTC; COM), then the image data to the end. Programs that edit a
    photo's tags or caption in place rewrite only those, so the photo need not be embedded
    again. Empty when the header cannot be walked."""
    view = memoryview(data)
    parts = [view[:2]]
    try:
        for position, kind in _segments(io.BytesIO(data)):
            if kind == 0xDA:
                return [*parts, view[position:]]
            if 0xE0 <= kind <= 0xEF or kind == 0xFE:
                continue
            bare = kind == 0x01 or 0xD0 <= kind <= 0xD8
            length = 0 if bare else int.from_bytes(data[position + 2:position + 4], "big")
            parts.append(view[position:position + 2 + length])
    except ImageDecodeError:
        return []
    return []


def without_header_junk(data: bytes) -> bytes | None:
    """The file without the stray bytes that stand between its header segments, up to its first
    scan (a writer's leftovers, which libjpeg skips with a warning, "extraneous bytes before
    marker", and which touch no pixel): decoded again so, the pixels are the same and only what
    lies in the image data can still warn. None when it has none there, or its header cannot be
    walked to a scan."""
    view = memoryview(data)
    parts, expected, junk = [view[:2]], 2, False
    try:
        for position, kind in _segments(io.BytesIO(data)):
            junk = junk or position != expected
            if kind == 0xDA:
                return b"".join([*parts, view[position:]]) if junk else None
            bare = kind == 0x01 or 0xD0 <= kind <= 0xD9
            expected = position + 2 + (0 if bare else int.from_bytes(data[position + 2:position + 4], "big"))
            parts.append(view[position:expected])
    except ImageDecodeError:
        return None
    return None


_SHORTEST = {0xE0: (b"JFIF", 14), 0xE2: (b"ICC_PROFILE\0", 14), 0xEE: (b"Adobe", 12)}
"""libjpeg's least lengths of the APP0 JFIF and APP14 Adobe segments: shorter, it takes them
for another program's and passes over them; Pillow reads past their end and gives up. An APP2
colour profile's part needs its number and its count of parts after its name (libjpeg's
jpeg_read_icc_profile skips it without them); Pillow refuses the file."""


def without_malformed_segments(data: bytes) -> bytes | None:
    """The file without the header segments libjpeg passes over as too short to be what they
    say (see _SHORTEST), which Pillow cannot read past; None when it has none, or its header
    cannot be walked."""
    dropped: list[tuple[int, int]] = []
    try:
        for position, kind in _segments(io.BytesIO(data)):
            if kind in _SHORTEST:
                name, shortest = _SHORTEST[kind]
                end = position + 2 + int.from_bytes(data[position + 2:position + 4], "big")
                payload = data[position + 4:end]
                if payload.startswith(name) and len(payload) < shortest:
                    dropped.append((position, end))
    except ImageDecodeError:
        return None
    if not dropped:
        return None
    kept, start = [], 0
    for begin, end in dropped:
        kept.append(data[start:begin])
        start = end
    return b"".join([*kept, data[start:]])


def image_end(data: bytes) -> int | None:
    """Where the first image's end marker is: the first one after its image data starts (no
    0xFF 0xD9 can stand inside image data, so camera previews after it do not count). None
    when the header cannot be walked or no end marker follows."""
    start = _image_data_start(data)
    end = data.find(END, start) if start is not None else -1
    return end if end >= 0 else None


def zero_filled_end(data: bytes | memoryview) -> int | None:
    """Where a run of zero bytes that ends the file begins, when no end marker stands before it:
    a copy cut short into a file of its full size (preallocated by the copying program, or
    recovered from a card). Decoders read zeros as image data and show a whole picture, so
    the file must be taken as cut where they start. None when the file does not end so, when
    the zeros begin before its image data (the header check says what is wrong then), or when
    the image ends before them: what follows its end marker is a trailer (the video of a phone's
    motion photo, which may end in zeros itself; padding)."""
    if len(data) < _ZERO_TAIL_MIN or any(data[-_ZERO_TAIL_MIN:]):
        return None
    kept = bytes(data).rstrip(b"\0")
    if _image_data_start(kept) is None or image_end(kept) is not None:
        return None
    return len(kept)


def zeros_inside(data: bytes) -> bool:
    """Whether a run of zero bytes lies inside the image data: a disk block lost to zeros in a
    file of its full length (entropy-coded data of a photo holds no such run)."""
    start = _image_data_start(data)
    return start is not None and bytes(_ZERO_HOLE_MIN) in data[start:]


def ends_in_zeros(stream: IO[bytes]) -> bool:
    """zero_filled_end for a file too big to read whole: whether it ends in zeros with no end
    marker before them (a huge sparse file with a JPEG header is the extreme). Only the zeros
    are read, back from where the file system says its data ends, and no more than
    _ZERO_SCAN_LIMIT of them: a JPEG with more is no photo."""
    size = stream.seek(0, os.SEEK_END)
    stream.seek(max(0, size - _ZERO_TAIL_MIN))
    if size < _ZERO_TAIL_MIN or any(stream.read(_ZERO_TAIL_MIN)):
        stream.seek(0)
        return False
    end = _data_end(stream.fileno(), size)
    position = end
    try:
        while position > 0 and end - position <= _ZERO_SCAN_LIMIT:
            start = max(0, position - _CHUNK)
            stream.seek(start)
            chunk = stream.read(position - start).rstrip(b"\0")
            if chunk:
                stream.seek(max(0, start + len(chunk) - 2))
                return stream.read(2) != END
            position = start
        return True
    finally:
        stream.seek(0)


def _data_end(fd: int, size: int) -> int:
    """Where a file's last stretch of data ends, past which a sparse file holds only holes."""
    end, position = size, 0
    try:
        while position < size:
            data = os.lseek(fd, position, os.SEEK_DATA)
            position = end = os.lseek(fd, data, os.SEEK_HOLE)
    except (OSError, AttributeError):  # no data past `position` (ENXIO), or no holes here at all
        pass
    return min(end, size)


def first_stray_marker(data: bytes) -> int | None:
    """Where the image data of a JPEG that decoders refuse first holds a marker no JPEG has
    there (garbage written over part of it: a card's blocks crossed with another file's), so
    what comes before can be decoded as a file cut there. None when there is none before the
    end marker, or the header cannot be walked."""
    position = _image_data_start(data)
    while position is not None and position + 4 <= len(data):
        kind = data[position + 1]
        if kind == 0xD9:
            return None
        if kind not in _BETWEEN_SCANS:
            return position
        position = _next_marker(data, position + 2 + int.from_bytes(data[position + 2:position + 4], "big"))
    return None


def sample_precision(stream: IO[bytes]) -> int | None:
    """The bits per sample its frame header gives a JPEG (8 but for 12-bit medical and
    scientific images and 16-bit lossless ones), or None when there is none. Rewinds."""
    try:
        for position, kind in _segments(stream):
            if kind in _FRAMES:
                stream.seek(position + 4)
                bits = stream.read(1)
                return bits[0] if bits else None
    except ImageDecodeError:
        return None
    finally:
        stream.seek(0)
    return None


def lacks_scans(data: bytes) -> bool:
    """Whether a progressive JPEG's scans stop before every coefficient of every component is
    at full precision: a file cut between two scans, which decoders show whole but coarse
    (only its first scan: in blocks of 8 x 8 pixels). False for a sequential JPEG, or one
    whose header cannot be walked."""
    components, scans = _progressive_scans(data)
    precision = {component: [_NOT_SCANNED] * 64 for component in components}
    for members, start, end, approximation, _ in scans:
        for component in members:
            bands = precision.get(component, [])
            for k in range(start, min(end, 63) + 1 if bands else 0):
                bands[k] = min(bands[k], approximation & 0x0F)
    return any(any(band for band in bands) for bands in precision.values())


def averages_whole(data: bytes) -> bool:
    """Whether a progressive JPEG holds whole, with more scans after them, the scans of every
    component's DC coefficients (each 8 x 8 block's average colour): cut after those, every row
    of the image is there, only coarser, whatever a decoder leaves flat. False for a sequential
    JPEG, or one whose header cannot be walked."""
    components, scans = _progressive_scans(data)
    averaged: set[int] = set()
    for members, start, _, _, after in scans:
        if start == 0 and after is not None and data[after + 1] != 0xD9:
            averaged.update(members)
    return bool(components) and averaged >= set(components)


def _progressive_scans(data: bytes) -> tuple[list[int], list[tuple[bytes, int, int, int, int | None]]]:
    """A progressive JPEG's components, and each scan whose header is there: its components,
    first and last coefficient, successive approximation, and where the marker after its data
    is (None: its data runs to the end of `data`). No components for a sequential JPEG, or one
    whose header cannot be walked."""
    components: list[int] = []
    try:
        for position, kind in _segments(io.BytesIO(data)):
            if kind in _PROGRESSIVE_FRAMES:
                components = [data[position + 10 + 3 * i] for i in range(data[position + 9])]
    except (ImageDecodeError, IndexError):
        return [], []
    scans: list[tuple[bytes, int, int, int, int | None]] = []
    position = _image_data_start(data) if components else None
    while position is not None and position + 4 <= len(data) and data[position + 1] != 0xD9:
        length = int.from_bytes(data[position + 2:position + 4], "big")
        after = _next_marker(data, position + 2 + length)
        if data[position + 1] == 0xDA:
            count = data[position + 4]
            header = data[position + 5:position + 8 + 2 * count]
            if len(header) < 3 + 2 * count or length < 6 + 2 * count:
                break  # cut inside the scan's header: that scan is not there
            start, end, approximation = header[-3:]
            scans.append((header[:2 * count:2], start, end, approximation, after))
        position = after
    return components, scans


def _image_data_start(data: bytes) -> int | None:
    """Where the first scan's header is; None when the header cannot be walked to one."""
    try:
        return next((position for position, kind in _segments(io.BytesIO(data)) if kind == 0xDA), None)
    except ImageDecodeError:
        return None


def _next_marker(data: bytes, position: int) -> int | None:
    """The next marker at or after `position`, past stuffed zeros, restart markers and fill."""
    while True:
        position = data.find(b"\xff", position)
        if position < 0 or position + 1 >= len(data):
            return None
        kind = data[position + 1]
        if kind == 0x00 or kind == 0xFF or 0xD0 <= kind <= 0xD7:
            position += 1 if kind == 0xFF else 2
            continue
        return position


def check_header(stream: IO[bytes]) -> None:
    """Walk the segments up to the image data, so that a file of junk after its first bytes
    fails at once (Pillow would crawl through it a byte at a time); and refuse a progressive
    JPEG with more scans than MAX_SCANS, or than MAX_SCAN_WORK allows its size (see there).
    Rewinds the stream."""
    try:
        pixels, data_start = 0, None
        for position, kind in _segments(stream):
            if kind in _PROGRESSIVE_FRAMES:
                stream.seek(position + 5)
                size = stream.read(4)
                pixels = int.from_bytes(size[:2], "big") * int.from_bytes(size[2:], "big") if len(size) == 4 else 0
            if kind == 0xDA:
                data_start = position
        most = min(MAX_SCANS, MAX_SCAN_WORK // max(pixels, 1))
        scans = _count_scans(stream, data_start, most) if pixels and data_start is not None else 0
    finally:
        stream.seek(0)
    if scans > MAX_SCANS:
        raise ImageDecodeError(f"progressive JPEG with too many scans ({scans}); it would take minutes to decode")
    if scans > most:
        raise ImageDecodeError(f"progressive JPEG of {pixels / 1e6:.0f} megapixels in {scans} scans; it would take "
                               "minutes to decode")


def _count_scans(stream: IO[bytes], data_start: int, most: int) -> int:
    """The start-of-scan markers from the first scan to the end marker, or a count no more
    than `most` that may take in what follows that marker (none can stand inside
    image data, where a 0xFF byte is always followed by 0x00 or a restart marker): a memory
    search, about a millisecond a megabyte. Not past the end marker: what follows it (a phone's
    video, a camera's previews) is no part of this image, and its bytes may read as anything.
    Only a progressive JPEG's are counted: a sequential scan spends bits on every block, so
    its cost is bounded by the file's size; a progressive one can skip 32,767 blocks in two
    bytes."""
    if isinstance(stream, io.BytesIO):
        data = stream.getvalue()  # the bytes read, not a copy
        quick = data.count(b"\xff\xda", data_start)
        if quick <= most:
            return quick  # not over the limit even with what follows the image: the usual case, in one pass
    count, carry = 0, b""
    stream.seek(data_start)
    while chunk := stream.read(_CHUNK):
        window = carry + chunk  # a marker split between two chunks is found whole, and once
        end = window.find(END)
        count += window.count(b"\xff\xda", 0, end if end >= 0 else len(window))
        if end >= 0:
            break
        carry = window[-1:]
    return count


def check_data_holds_frame(stream: IO[bytes]) -> None:
    """Fail a JPEG whose image data is too small for the picture its header claims, closed by
    an end marker (a few kilobytes "of 240 megapixels": a forged or broken header, decoded as
    a grey field): Huffman coding spends at least one bit on each 8 x 8 block (its DC code).
    Without the end marker it is a file cut short, as the decoder says. Rewinds the stream."""
    try:
        frame = b""
        for position, kind in _segments(stream):
            if kind in _HUFFMAN_FRAMES:
                stream.seek(position + 5)
                frame = stream.read(4)
            elif kind == 0xDA and len(frame) == 4:
                _check_data_holds(frame, stream, position)
    finally:
        stream.seek(0)


def _check_data_holds(frame: bytes, stream: IO[bytes], data_start: int) -> None:
    height, width = int.from_bytes(frame[:2], "big"), int.from_bytes(frame[2:], "big")
    blocks = -(-width // 8) * -(-height // 8)
    data_size = stream.seek(0, os.SEEK_END) - data_start
    if data_size * 8 >= blocks:
        return
    stream.seek(data_start)
    if END in stream.read(data_size):
        raise ImageDecodeError(f"corrupt JPEG file (its {data_size} bytes of image data cannot hold the "
                               f"{width}x{height} pixels its header claims)")


def camera_previews(stream: IO[bytes], mpinfo: dict[int, Any] | None) -> list[bytes]:
    """The large-thumbnail JPEGs Pillow's MPF index (`mpinfo`) lists, smallest first, each
    whole: inside the file, starting with SOI and ending with EOI. Rewinds the stream."""
    try:
        entries = list((mpinfo or {}).get(0xB002) or ())[1:]
        thumbnails = [e for e in entries if str(e.get("Attribute", {}).get("MPType", "")).startswith("Large Thumbnail")]
        base = _mpf_base(stream) if thumbnails else None  # stereo pairs never need the walk
        if base is None:
            return []
        previews = []
        for entry in sorted(thumbnails, key=lambda e: int(e["Size"]))[:_PREVIEWS_TRIED]:
            start, length = base + int(entry["DataOffset"]), int(entry["Size"])
            if not 4 <= length <= _PREVIEW_MAX_BYTES or start <= base:
                continue
            stream.seek(start)
            data = stream.read(length)
            if data.startswith(_START) and data.rstrip(_PREVIEW_PADDING).endswith(END):
                previews.append(data)
        return previews
    except (ImageDecodeError, KeyError, TypeError, ValueError, AttributeError, OSError):
        return []
    finally:
        stream.seek(0)


def _mpf_base(stream: IO[bytes]) -> int | None:
    """Where the offsets in the MPF index count from: the byte after "MPF\\0" in APP2."""
    for position, kind in _segments(stream):
        if kind == 0xE2:
            stream.seek(position + 4)
            if stream.read(4) == _MPF_TAG:
                return position + 8
    return None
