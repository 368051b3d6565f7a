"""Camera raw files: the JPEGs the camera embedded, and the raw's own orientation and date.

Raw sensor data needs a raw developer to become a picture, but every camera also stores a
JPEG of the same shot in the file, rendered with the camera's own colours: full size in
CR2, NEF, RW2 and most DNGs, 1-2 megapixels in ARW, CR3 and RAF. That JPEG is what the
camera showed on its screen, and it is what photoclip embeds and shows. The previews are
found by walking each container (TIFF IFDs and SubIFDs, Fujifilm's RAF header, Canon
CR3's PRVW box), and, where that finds none or only a thumbnail, by looking for JPEG
starts: Olympus, Pentax and others keep their previews in maker notes. Byte-level only: nothing here decodes pixels.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import IO

RAW_SUFFIXES: frozenset[str] = frozenset(
    ".cr2 .cr3 .crw .nef .nrw .arw .srf .sr2 .dng .orf .rw2 .rwl .raf .pef .srw .erf .kdc .dcr"
    " .3fr .fff .iiq .mos .mef .mrw .x3f".split()
)
"""Camera raw file names: indexed through their embedded preview, unless a JPEG or HEIC of
the same name sits beside them (the camera shot both), which is then the one indexed."""
RAW_PARTNER_SUFFIXES = frozenset({".jpg", ".jpeg", ".heic", ".heif", ".hif"})
"""What a camera saves beside a raw when it shoots both: that copy stands for the shot."""
_PIXEL_RAW_NAME = re.compile(r"(.+?)\.raw-\d{2}(?:\.[a-z]+)+", re.IGNORECASE)
"""How a Pixel phone names the two files of a RAW+JPEG shot: PXL_20230709_090000555.RAW-01.COVER.jpg
(or .RAW-01.MP.COVER.jpg) beside PXL_20230709_090000555.RAW-02.ORIGINAL.dng."""


def shot_stem(name: str) -> str:
    """What names the shot in a file's name (or path), as written: its stem, less Pixel's
    `.RAW-01.COVER` or `.RAW-02.ORIGINAL` (_PIXEL_RAW_NAME). A raw and a JPEG/HEIC beside it
    of the same shot stem, compared without case, are one shot: the JPEG/HEIC stands for it."""
    stem = os.path.splitext(os.path.basename(name))[0]
    pixel = _PIXEL_RAW_NAME.fullmatch(stem)
    return pixel.group(1) if pixel is not None else stem


def shot_key(name: str) -> str:
    """shot_stem as names are compared: a raw pairs with a JPEG/HEIC beside it of the same key."""
    return shot_stem(name).lower()


def is_raw_name(name: str) -> bool:
    """A camera raw by its name (RAW_SUFFIXES)."""
    return os.path.splitext(name)[1].lower() in RAW_SUFFIXES


def stands_for_raw(name: str) -> bool:
    """A JPEG or HEIC by its name: what stands for a raw of its shot beside it (RAW_PARTNER_SUFFIXES)."""
    return os.path.splitext(name)[1].lower() in RAW_PARTNER_SUFFIXES


def one_shot(raw: str, other: str) -> bool:
    """Whether `other` (a path) is the JPEG/HEIC the camera saved of the raw at `raw` beside it."""
    return (is_raw_name(raw) and stands_for_raw(other) and os.path.dirname(raw) == os.path.dirname(other)
            and shot_key(raw) == shot_key(other))


_TIFF_MAGIC = {b"II*\x00": "<", b"MM\x00*": ">"}
_RAW_TIFF_MAGIC = {b"IIRO": "<", b"IIRS": "<", b"MMOR": ">", b"IIU\x00": "<"}  # Olympus ORF, Panasonic RW2
_RAF_MAGIC = b"FUJIFILMCCD-RAW"
_OTHER_RAW_MAGIC = frozenset({b"\x00MRM", b"FOVb"})  # Minolta MRW, Sigma X3F: previews found by their JPEG start
_CR3_BRAND = b"crx "
_CR3_PREVIEW_UUID = bytes.fromhex("eaf42b5e1c984b88b9fbb7dc406e4d16")
_CR3_METADATA_UUID = bytes.fromhex("85c0b687820f11e08111f4ce462b6a48")

_TAG_WIDTH = 0x0100
_TAG_HEIGHT = 0x0101
_TAG_COMPRESSION = 0x0103
_TAG_PHOTOMETRIC = 0x0106
_TAG_STRIP_OFFSETS = 0x0111
_TAG_ORIENTATION = 0x0112
_TAG_STRIP_BYTES = 0x0117
_TAG_TILE_OFFSETS = 0x0144
_TAG_TILE_BYTES = 0x0145
_TAG_DATETIME = 0x0132
_TAG_XMP = 0x02BC
_TAG_SUB_IFDS = 0x014A
_TAG_JPEG_OFFSET = 0x0201
_TAG_JPEG_LENGTH = 0x0202
_TAG_RW2_JPEG = 0x002E
_TAG_EXIF_IFD = 0x8769
_TAG_GPS_IFD = 0x8825
_TAG_DATETIME_ORIGINAL = 0x9003
_TAG_DATETIME_DIGITIZED = 0x9004
_TAG_PIXEL_WIDTH = 0xA002
_TAG_PIXEL_HEIGHT = 0xA003
_TAG_DNG_VERSION = 0xC612
_TAG_DEFAULT_CROP = 0xC620
_RW2_BORDERS = (0x0004, 0x0005, 0x0006, 0x0007)  # Panasonic's top, left, bottom, right
_RAW_PHOTOMETRICS = frozenset({32803, 34892})  # CFA, LinearRaw
_RAW_COMPRESSIONS = frozenset({32767, 32769, 32770, 32867, 34316, 34713, 65000, 65535})  # vendors' raw codecs
_JPEG_COMPRESSIONS = frozenset({6, 7})
_TYPE_SIZES = {1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 13: 4}

_Ifd = dict[int, tuple[int, int, bytes]]  # tag -> (type, count, the entry's 4 value bytes)

_MAX_IFDS = 32
_MAX_ENTRIES = 1000
_MAX_SUB_IFDS = 8
_MAX_VALUES = 4096
_MAX_XMP = 4 * 1024 * 1024  # xmp.MAX_XMP_BYTES: a bigger packet is no keyword list
_MIN_PREVIEW_BYTES = 256
_SMALL_PREVIEW = 1024  # only a thumbnail where the container says: look for a preview in maker notes too
_SCAN_CHUNK = 4 << 20
_SCAN_HITS = 64
_TRAILER_MOST = 64  # bytes a whole raw may hold past its last data: padding, a writer's note
_JPEG_START = b"\xff\xd8\xff"
_DECODABLE_FRAMES = frozenset({0xC0, 0xC1, 0xC2})  # baseline, extended, progressive (not lossless)


@dataclass(frozen=True)
class Preview:
    """An embedded JPEG: where it is and what its frame header says."""

    offset: int
    length: int  # up to the end of the file where the container does not say
    width: int
    height: int


@dataclass
class RawFile:
    """What a raw file holds for photoclip. orientation/taken_at are None where the raw's
    own metadata does not say (RAF keeps them in its JPEG's EXIF instead)."""

    previews: list[Preview] = field(default_factory=list)
    cut_short: bool = False  # a preview's place lies past the end of the file, which stops short of its data
    misplaced: bool = False  # a preview's place lies past the end of a file that is whole: its header is damaged
    size: tuple[int, int] | None = None  # the developed photo's, where the raw says
    location: tuple[float | None, float | None] | None = None  # signed degrees from its GPS IFD
    orientation: int | None = None
    taken_at: str | None = None  # EXIF text, as written
    xmp: bytes | None = None  # the XMP packet of a TIFF-based raw (DNG, NEF...), where it has one


def sniff_raw(head: bytes) -> bool:
    """Whether the first bytes alone say "camera raw" (CR2, CR3, CRW, RAF, ORF, RW2, MRW, X3F).
    DNG, NEF, ARW and most others start like any TIFF: is_raw_tiff tells those apart."""
    if head[:4] in _RAW_TIFF_MAGIC or head.startswith(_RAF_MAGIC) or head[:4] in _OTHER_RAW_MAGIC:
        return True
    if head[:2] == b"II" and head[6:14] == b"HEAPCCDR":  # Canon's CIFF (CRW)
        return True
    if head[:4] == b"II*\x00" and head[8:10] == b"CR":
        return True
    return head[4:8] == b"ftyp" and head[8:12] == _CR3_BRAND


def is_raw_tiff(stream: IO[bytes]) -> bool:
    """Whether a TIFF is a camera raw: a DNG, or sensor data (CFA) in any of its IFDs.
    Rewinds the stream."""
    try:
        tiff = _Tiff.at(stream, 0)
        if tiff is None:
            return False
        return any(_TAG_DNG_VERSION in ifd or _holds_sensor_data(tiff, ifd) for ifd in tiff.ifds())
    except (OSError, ValueError):
        return False
    finally:
        stream.seek(0)


def read_raw(stream: IO[bytes]) -> RawFile:
    """The previews (decodable JPEGs, no lossless raw data), orientation and date of a raw
    file. Broken structures yield fewer previews, never an exception. Rewinds the stream."""
    try:
        stream.seek(0)
        head = stream.read(128)
        if head.startswith(_RAF_MAGIC):
            raw = _read_raf(stream, head)
        elif head[4:8] == b"ftyp":
            raw = _read_cr3(stream)
        else:
            raw = _read_tiff_raw(stream)
        if not raw.cut_short and max((max(p.width, p.height) for p in raw.previews), default=0) < _SMALL_PREVIEW:
            known = {p.offset for p in raw.previews}
            raw.previews += [p for p in _scan_for_jpegs(stream) if p.offset not in known]
        return raw
    finally:
        stream.seek(0)


def read_preview(stream: IO[bytes], preview: Preview) -> bytes:
    stream.seek(preview.offset)
    try:
        return stream.read(preview.length)
    finally:
        stream.seek(0)


# ----------------------------------------------------------------------------- containers


def _read_tiff_raw(stream: IO[bytes]) -> RawFile:
    tiff = _Tiff.at(stream, 0)
    raw = RawFile()
    if tiff is None:
        return raw
    spans: list[tuple[int, int]] = []
    data: list[tuple[int, int]] = []  # where its strips and tiles are, to tell a file cut short
    sizes: list[tuple[int, int] | None] = []  # best source first
    for ifd in tiff.ifds():
        if not sizes:
            raw.orientation = tiff.number(ifd, _TAG_ORIENTATION)
            exif = tiff.sub_ifd(ifd, _TAG_EXIF_IFD)
            raw.taken_at = tiff.dates(ifd, exif)
            raw.location = tiff.position(tiff.sub_ifd(ifd, _TAG_GPS_IFD))
            raw.xmp = tiff.blob(ifd, _TAG_XMP, _MAX_XMP)
            sizes += [_pair(tiff.numbers(exif or {}, _TAG_PIXEL_WIDTH) + tiff.numbers(exif or {}, _TAG_PIXEL_HEIGHT))]
            if tiff.rw2:
                top, left, bottom, right = (tiff.number(ifd, tag) or 0 for tag in _RW2_BORDERS)
                sizes.append(_pair([right - left, bottom - top]))
        if _holds_sensor_data(tiff, ifd):
            sizes.insert(0, _pair(tiff.numbers(ifd, _TAG_DEFAULT_CROP)))
            sizes.append(_pair(tiff.numbers(ifd, _TAG_WIDTH) + tiff.numbers(ifd, _TAG_HEIGHT)))
        spans.extend(tiff.jpeg_spans(ifd))
        data.extend(tiff.data_spans(ifd))
    raw.size = next((size for size in sizes if size is not None), None)
    _add_previews(raw, stream, spans, data)
    return raw


def _holds_sensor_data(tiff: _Tiff, ifd: _Ifd) -> bool:
    photometric, compression = tiff.number(ifd, _TAG_PHOTOMETRIC), tiff.number(ifd, _TAG_COMPRESSION)
    return photometric in _RAW_PHOTOMETRICS or compression in _RAW_COMPRESSIONS


def _pair(values: list[int]) -> tuple[int, int] | None:
    return (values[0], values[1]) if len(values) == 2 and values[0] > 0 and values[1] > 0 else None


def _read_raf(stream: IO[bytes], head: bytes) -> RawFile:
    """Fujifilm: a fixed header whose big-endian words at 84 and 88 place the JPEG (with its
    own EXIF: orientation and date come from there)."""
    raw = RawFile()
    if len(head) >= 92:
        offset, length = int.from_bytes(head[84:88], "big"), int.from_bytes(head[88:92], "big")
        _add_previews(raw, stream, [(offset, length)])
    return raw


def _read_cr3(stream: IO[bytes]) -> RawFile:
    """Canon CR3 (ISO base media): the PRVW box in its preview uuid box holds a 1620x1080
    JPEG; the metadata uuid box inside moov holds IFD0 (CMT1) and the EXIF IFD (CMT2)."""
    raw = RawFile()
    spans: list[tuple[int, int]] = []
    for kind, start, end in _boxes(stream, 0, _file_size(stream)):
        if kind == b"moov":
            for inner, istart, iend in _boxes(stream, start, end):
                if inner == b"uuid" and _read_at(stream, istart, 16) == _CR3_METADATA_UUID:
                    _read_cr3_metadata(stream, istart + 16, iend, raw)
        elif kind == b"uuid" and _read_at(stream, start, 16) == _CR3_PREVIEW_UUID:
            box = start + 24  # uuid, then two words (version, count)
            header = _read_at(stream, box, 24)
            if len(header) == 24 and header[4:8] == b"PRVW":
                length = int.from_bytes(header[20:24], "big")
                spans.append((box + 24, min(length, end - box - 24)))
    _add_previews(raw, stream, spans)
    return raw


def _read_cr3_metadata(stream: IO[bytes], start: int, end: int, raw: RawFile) -> None:
    for kind, box_start, _ in _boxes(stream, start, end):
        tiff = _Tiff.at(stream, box_start) if kind in (b"CMT1", b"CMT2", b"CMT4") else None
        ifd = next(tiff.ifds(follow=False), None) if tiff else None
        if tiff is None or ifd is None:
            continue
        if kind == b"CMT1":
            raw.orientation = tiff.number(ifd, _TAG_ORIENTATION)
            raw.taken_at = raw.taken_at or tiff.text(ifd, _TAG_DATETIME)
        elif kind == b"CMT4":
            raw.location = tiff.position(ifd)
        else:
            raw.taken_at = tiff.dates({}, ifd) or raw.taken_at
            raw.size = _pair(tiff.numbers(ifd, _TAG_PIXEL_WIDTH) + tiff.numbers(ifd, _TAG_PIXEL_HEIGHT))


def _boxes(stream: IO[bytes], start: int, end: int) -> Iterator[tuple[bytes, int, int]]:
    """(type, payload start, payload end) of the ISO-BMFF boxes between start and end."""
    position = start
    for _ in range(256):
        header = _read_at(stream, position, 16)
        if len(header) < 8 or position >= end:
            return
        size, kind, payload = int.from_bytes(header[:4], "big"), header[4:8], position + 8
        if size == 1 and len(header) == 16:
            size, payload = int.from_bytes(header[8:16], "big"), position + 16
        elif size == 0:
            size = end - position
        if size < payload - position or position + size > end:
            return
        yield kind, payload, position + size
        position += size


def _scan_for_jpegs(stream: IO[bytes]) -> Iterator[Preview]:
    """JPEG starts anywhere in the file, for raws that hide their previews in maker notes."""
    size = _file_size(stream)
    position, hits = 0, 0
    while position < size and hits < _SCAN_HITS:
        chunk = _read_at(stream, position, _SCAN_CHUNK + 2)
        found = chunk.find(_JPEG_START)
        while found >= 0 and hits < _SCAN_HITS:
            hits += 1
            preview = _preview_at(stream, position + found, size - position - found)
            if preview is not None:
                yield preview
            found = chunk.find(_JPEG_START, found + 1)
        position += _SCAN_CHUNK


# ----------------------------------------------------------------------------- previews


def _add_previews(
    raw: RawFile, stream: IO[bytes], spans: list[tuple[int, int]], data: Sequence[tuple[int, int]] = ()
) -> None:
    """The previews at `spans` (offset, length); one past the end of the file marks it cut short,
    or its header damaged when the rest of its data (`data`: strips, tiles) says it is whole."""
    size = _file_size(stream)
    found = {p.offset for p in raw.previews}
    past_end = []
    for offset, length in spans:
        if offset <= 0 or length < _MIN_PREVIEW_BYTES or offset in found:
            continue
        if offset + length > size:
            past_end.append(offset)
            continue
        preview = _preview_at(stream, offset, length)
        if preview is not None:
            found.add(offset)
            raw.previews.append(preview)
    if past_end and _whole(size, min(past_end), [*spans, *data]):
        raw.misplaced = True
    elif past_end:
        raw.cut_short = True


def _whole(size: int, first_past_end: int, spans: list[tuple[int, int]]) -> bool:
    """Whether a file with a preview placed past its end (from `first_past_end`) is whole all the
    same, a number in its header damaged: cut short, it would have lost all from some point on,
    so no span that fits would start after one that does not, nor reach (about) its end."""
    inside = [(offset, offset + length) for offset, length in spans if offset > 0 and 0 < length <= size - offset]
    return any(start >= first_past_end or end >= size - _TRAILER_MOST for start, end in inside)


def _preview_at(stream: IO[bytes], offset: int, length: int) -> Preview | None:
    """The JPEG at offset if its frame is one libjpeg decodes (lossless raw data is not)."""
    head = _read_at(stream, offset, 64 << 10)
    if not head.startswith(_JPEG_START):
        return None
    position = 2
    while position + 4 <= len(head):
        if head[position] != 0xFF:
            return None
        marker = head[position + 1]
        if marker == 0xFF:
            position += 1
            continue
        if marker in (0xD9, 0xDA):
            return None
        segment = int.from_bytes(head[position + 2 : position + 4], "big")
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            frame = head[position + 4 : position + 9]
            if marker not in _DECODABLE_FRAMES or len(frame) < 5:
                return None
            height, width = int.from_bytes(frame[1:3], "big"), int.from_bytes(frame[3:5], "big")
            return Preview(offset, length, width, height) if width > 0 and height > 0 else None
        if segment < 2:
            return None
        position += 2 + segment
    return None


# ----------------------------------------------------------------------------- TIFF


class _Tiff:
    """Just enough of a TIFF reader to walk IFDs: bounded, loop-proof, never raising on junk
    (a bad entry reads as absent). Offsets in the file count from `base`."""

    def __init__(self, stream: IO[bytes], base: int, magic: bytes, first: int) -> None:
        self.stream, self.base, self.first = stream, base, first
        self.big = (_TIFF_MAGIC.get(magic) or _RAW_TIFF_MAGIC.get(magic)) == ">"
        self.rw2 = magic == b"IIU\x00"

    @classmethod
    def at(cls, stream: IO[bytes], base: int) -> _Tiff | None:
        header = _read_at(stream, base, 8)
        order = _TIFF_MAGIC.get(header[:4]) or _RAW_TIFF_MAGIC.get(header[:4])
        if order is None or len(header) < 8:
            return None
        return cls(stream, base, header[:4], int.from_bytes(header[4:8], "big" if order == ">" else "little"))

    def ifds(self, follow: bool = True) -> Iterator[_Ifd]:
        """IFD0 and the chain after it (when `follow`), each followed by its SubIFDs."""
        seen: set[int] = set()
        queue = [self.first]
        while queue and len(seen) < _MAX_IFDS:
            offset = queue.pop(0)
            if offset <= 0 or offset in seen:
                continue
            seen.add(offset)
            entries, following = self._ifd(offset)
            if entries is None:
                continue
            yield entries
            subs = [o for o in self.numbers(entries, _TAG_SUB_IFDS)[:_MAX_SUB_IFDS] if o not in seen]
            queue[:0] = subs
            if follow and following:
                queue.append(following)

    def sub_ifd(self, ifd: _Ifd, tag: int) -> _Ifd | None:
        offset = self.number(ifd, tag)
        return self._ifd(offset)[0] if offset else None

    def dates(self, ifd: _Ifd, exif: _Ifd | None) -> str | None:
        """When the photo was taken, as EXIF writes it: the EXIF IFD's, else IFD0's."""
        for table, tag in ((exif, _TAG_DATETIME_ORIGINAL), (exif, _TAG_DATETIME_DIGITIZED), (ifd, _TAG_DATETIME)):
            text = self.text(table, tag) if table else None
            if text:
                return text
        return None

    def jpeg_spans(self, ifd: _Ifd) -> Iterator[tuple[int, int]]:
        offset, length = self.number(ifd, _TAG_JPEG_OFFSET), self.number(ifd, _TAG_JPEG_LENGTH)
        if offset and length:
            yield self.base + offset, length
        if self.number(ifd, _TAG_COMPRESSION) in _JPEG_COMPRESSIONS:
            starts, counts = self.numbers(ifd, _TAG_STRIP_OFFSETS), self.numbers(ifd, _TAG_STRIP_BYTES)
            if len(starts) == 1 and len(counts) == 1:
                yield self.base + starts[0], counts[0]
        if _TAG_RW2_JPEG in ifd:
            kind, count, value = ifd[_TAG_RW2_JPEG]
            if kind == 7 and count > 4:
                yield self.base + self._int(value), count

    def data_spans(self, ifd: _Ifd) -> Iterator[tuple[int, int]]:
        """(offset, length) of the strips or tiles of an IFD's image."""
        for offsets, lengths in ((_TAG_STRIP_OFFSETS, _TAG_STRIP_BYTES), (_TAG_TILE_OFFSETS, _TAG_TILE_BYTES)):
            for offset, length in zip(self.numbers(ifd, offsets), self.numbers(ifd, lengths)):
                yield self.base + offset, length

    def number(self, ifd: _Ifd, tag: int) -> int | None:
        values = self.numbers(ifd, tag)
        return values[0] if values else None

    def numbers(self, ifd: _Ifd, tag: int) -> list[int]:
        if tag not in ifd:
            return []
        kind, count, value = ifd[tag]
        width = {3: 2, 4: 4, 5: 8, 13: 4}.get(kind)  # unsigned: SHORT, LONG, RATIONAL, IFD
        if width is None or count <= 0:
            return []
        count = min(count, _MAX_VALUES)
        at = self.base + self._int(value)
        data = value[: width * count] if width * count <= 4 else _read_at(self.stream, at, width * count)
        if kind == 5:
            pairs = [(self._int(data[i : i + 4]), self._int(data[i + 4 : i + 8])) for i in range(0, len(data) - 7, 8)]
            return [top // bottom if bottom else 0 for top, bottom in pairs]
        return [self._int(data[i : i + width]) for i in range(0, len(data) - width + 1, width)]

    def position(self, gps: _Ifd | None) -> tuple[float | None, float | None] | None:
        """(latitude, longitude) in signed degrees from a GPS IFD; None where it has none."""
        if not gps:
            return None
        return self._degrees(gps, 2, 1, "S"), self._degrees(gps, 4, 3, "W")

    def _degrees(self, gps: _Ifd, tag: int, ref_tag: int, negative: str) -> float | None:
        if tag not in gps or gps[tag][0] != 5 or not 1 <= gps[tag][1] <= 3:
            return None
        _, count, value = gps[tag]
        data = _read_at(self.stream, self.base + self._int(value), 8 * count)
        parts = [(self._int(data[i : i + 4]), self._int(data[i + 4 : i + 8])) for i in range(0, len(data) - 7, 8)]
        if len(parts) != count or any(bottom == 0 for _, bottom in parts):
            return None
        degrees = sum(top / bottom / 60**i for i, (top, bottom) in enumerate(parts))
        return -degrees if (self.text(gps, ref_tag) or "").upper().startswith(negative) else degrees

    def blob(self, ifd: _Ifd, tag: int, limit: int) -> bytes | None:
        """A BYTE or UNDEFINED value of at most `limit` bytes, whole."""
        if tag not in ifd:
            return None
        kind, count, value = ifd[tag]
        if kind not in (1, 7) or not 0 < count <= limit:
            return None
        data = value[:count] if count <= 4 else _read_at(self.stream, self.base + self._int(value), count)
        return data if len(data) == count else None

    def text(self, ifd: _Ifd | None, tag: int) -> str | None:
        if ifd is None or tag not in ifd:
            return None
        kind, count, value = ifd[tag]
        if kind not in (2, 7) or not 0 < count <= 256:
            return None
        data = value[:count] if count <= 4 else _read_at(self.stream, self.base + self._int(value), count)
        text = data.split(b"\x00", 1)[0].decode("latin-1").strip()
        return text or None

    def _ifd(self, offset: int) -> tuple[_Ifd | None, int]:
        """{tag: (type, count, 4 value bytes)} of the IFD at offset, and the next IFD's offset."""
        count_bytes = _read_at(self.stream, self.base + offset, 2)
        if len(count_bytes) < 2:
            return None, 0
        count = self._int(count_bytes)
        if not 0 < count <= _MAX_ENTRIES:
            return None, 0
        data = _read_at(self.stream, self.base + offset + 2, count * 12 + 4)
        if len(data) < count * 12:
            return None, 0
        entries: _Ifd = {}
        for i in range(0, count * 12, 12):
            tag, kind = self._int(data[i : i + 2]), self._int(data[i + 2 : i + 4])
            if kind in _TYPE_SIZES:
                entries.setdefault(tag, (kind, self._int(data[i + 4 : i + 8]), data[i + 8 : i + 12]))
        following = self._int(data[count * 12 : count * 12 + 4]) if len(data) >= count * 12 + 4 else 0
        return entries, following

    def _int(self, data: bytes) -> int:
        return int.from_bytes(data, "big" if self.big else "little")


def _read_at(stream: IO[bytes], offset: int, length: int) -> bytes:
    if offset < 0 or length <= 0:
        return b""
    stream.seek(offset)
    return stream.read(length)


def _file_size(stream: IO[bytes]) -> int:
    return stream.seek(0, os.SEEK_END)
