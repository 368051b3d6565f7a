"""Fast, defensive photo decoding: sniff by content, decode reduced, orient, hash, thumbnail.

Indexing speed hinges on decoding: the model needs a few hundred pixels, a phone JPEG has
twelve million, and libjpeg's DCT scaling (`Image.draft`) skips most of the work of the
full decode. Every function here reads a file once, decodes it no larger than asked,
and turns every way a file can be broken into one `ImageDecodeError` with a short reason
a person can read. Pure Pillow + numpy (+ pillow_heif); safe to call from many threads.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import logging
import math
import os
import re
import sys
import threading
import warnings
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import IO, Protocol

import numpy as np
import xxhash
from PIL import ExifTags, Image, ImageFile, PngImagePlugin, TiffImagePlugin, features

from photoclip import captions, colour, jpegfile, pngfile, rawfile, truncation, xmp, zerotail
from photoclip.errors import ImageDecodeError
from photoclip.fsutil import NotARegularFileError, atomic_write_bytes, open_regular, read_small_file
from photoclip.when import EPOCH

try:  # HEIC/HEIF from phones; without it those files fail with a clear reason.
    import pillow_heif
except ImportError:  # pragma: no cover - depends on the installation
    pass
else:
    pillow_heif.register_heif_opener()

try:  # libjpeg-turbo that says when a JPEG's data is damaged; without it damage goes unseen.
    import simplejpeg
except ImportError:  # pragma: no cover - depends on the installation
    simplejpeg = None

try:  # JPEG XL; without it those files fail with a clear reason.
    import pillow_jxl  # noqa: F401 - registers the JXL plugin
except ImportError:  # pragma: no cover - depends on the installation
    pass

log = logging.getLogger(__name__)


def _silence_libtiff() -> None:
    """libtiff prints every complaint about a damaged TIFF straight to stderr; the file's
    failure reason says what matters. Best effort: Pillow's bundled libtiff, where it is."""
    import ctypes

    import PIL

    package = Path(PIL.__file__).parent
    for library in sorted([*package.parent.glob("pillow.libs/libtiff*"), *package.glob(".dylibs/libtiff*")]):
        try:
            libtiff = ctypes.CDLL(str(library))
            libtiff.TIFFSetErrorHandler(None)
            libtiff.TIFFSetWarningHandler(None)
        except (OSError, AttributeError) as exc:
            log.debug("libtiff keeps printing to stderr: %s", exc)


_silence_libtiff()

# Load every Pillow plugin now, on the importing thread, so that concurrent first calls
# to Image.open never race through Pillow's lazy plugin registration.
Image.init()

__all__ = [
    "IMAGE_SUFFIXES",
    "MAX_MISSING_ROWS",
    "MAX_PIXELS",
    "NotARegularFileError",
    "PERMISSION_DENIED",
    "LARGE_THUMBNAIL_SIDE",
    "THUMBNAIL_SIDE",
    "THUMBNAIL_SIDES",
    "DecodedPhoto",
    "CONTENT_HASHES",
    "DEFAULT_CONTENT_HASH",
    "bytes_hash",
    "cached_thumbnails",
    "decode_photo",
    "display_image",
    "ensure_thumbnail",
    "file_hash",
    "make_thumbnail",
    "open_regular",
    "prepare_for_model",
    "read_small_file",
    "save_thumbnail",
    "sniff_file",
    "sniff_format",
    "thumbnail_path",
]

MAX_PIXELS = 256_000_000
"""Images with more pixels than this are refused from their header (decompression bombs)."""

# Pillow's own guard warns above its limit and raises above twice it (default ~89 MP);
# line it up with ours so that big-but-legitimate panoramas up to MAX_PIXELS open quietly.
if Image.MAX_IMAGE_PIXELS is not None and Image.MAX_IMAGE_PIXELS < MAX_PIXELS:
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
# Between one and two times that limit Pillow only warns; _open_image refuses those images
# right after, so the warning would just be noise on stderr. (Where warnings are errors,
# the warning is caught and reported like any other bomb.)
warnings.filterwarnings("ignore", category=Image.DecompressionBombWarning, module=r"PIL\.Image")
# Pillow warns about every broken EXIF block or chunk it works around; a photo library is
# full of those, and what matters (whether the photo decodes) is reported per file anyway.
warnings.filterwarnings("ignore", category=UserWarning, module=r"PIL\.")
# Some plugins also log their complaints as errors (TIFF: "More samples per pixel than can
# be decoded"); the failure reason says it for them, and the debug log has their words.
logging.getLogger("PIL").setLevel(logging.CRITICAL)

THUMBNAIL_SIDE = 384
"""The shorter side of a cached thumbnail: the grid shows its centre square, at a cell's size
times the screen's pixel ratio (up to about 170 x 2 px at its default size), so that square
must be this big to stay sharp whatever the photo's shape."""
LARGE_THUMBNAIL_SIDE = 768
"""The shorter side of the thumbnails cached for a grid zoomed in past THUMBNAIL_SIDE's pixels
(large photos, a 2x screen), made when first shown so."""
THUMBNAIL_SIDES = (THUMBNAIL_SIDE, LARGE_THUMBNAIL_SIDE)
_THUMBNAIL_MAX_ASPECT = 3
"""A cached thumbnail's longer side is at most this many times its shorter one: a panorama's
is its middle (all a view shows), not a strip a few pixels high, nor half a megabyte."""

MAX_SIDE = 65_535
"""Wider or taller images are refused from their header (JPEG's own limit; beyond it a tiny
file can make decoders allocate per-row tables of gigabytes)."""
_DECODE_MEMORY_LEAST = 2 << 30
_DECODE_MEMORY_MOST = 8 << 30


def _memory_for_decoding() -> int:
    """What all decoding threads together may hold: a quarter of the machine's memory (the model,
    the app and the files read whole need the rest, and other programs theirs), at least 2 GiB
    (what it was on every machine before), at most 8 GiB (the largest picture MAX_PIXELS lets
    through, in the costliest mode Pillow decodes to: 32-bit grey, 30 bytes a pixel)."""
    try:
        memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):  # no sysconf (Windows): the least
        return _DECODE_MEMORY_LEAST
    return min(max(memory // 4, _DECODE_MEMORY_LEAST), _DECODE_MEMORY_MOST)


MAX_DECODE_BYTES = _memory_for_decoding()
"""What decoding one image may hold at once, estimated from its size and pixel mode before
decoding: formats that cannot decode reduced (PNG, WebP, TIFF, HEIF, GIF...) decode in full.
It is all that decoding threads may hold together (_DECODE_MEMORY), so a picture that needs
most of it decodes alone. At the least, 2 GiB, every 8-bit RGB or grey picture up to MAX_PIXELS
fits (a 150 MP stitched panorama or medium-format scan is estimated at 1.2 GB, and holds about
half that); with more memory, RGBA, 10-bit HEIF and 16-bit grey ones too."""
EMPTY_FILE = "empty file (0 bytes: a copy that did not finish, or a cloud drive's file not downloaded yet)"
ZEROS_ONLY = "only zeros (a cloud drive's file not downloaded yet, or a copy that did not finish)"
"""A photo's failure when its file is all zeros at its full size: a cloud drive's placeholder (a sparse file)
before its content is downloaded, or a copy that set the size first. Once the content comes, the file's
ctime says so (scan._rewritten), though a sync client keeps its size and date."""
_ZERO_SAMPLES = 16  # blocks looked at across a file that starts with zeros: never all of a big file
MAX_MISSING_ROWS = 0.1
"""A JPEG, PNG, GIF or BMP cut short is still indexed (and shown, its damage said) when at most
this share of its rows is missing: a tenth changes what the model sees little. More, and it
fails as truncated."""
_METADATA_TOO_LARGE = "{} metadata too large to read"
_DATA_DAMAGED = "the image data is damaged"
_DATA_GARBLED = f"{_DATA_DAMAGED}; parts of the picture may be garbled"
_JPEG_DATA_STOPS_EARLY = f"{_DATA_DAMAGED}; its data stops at a marker before the picture is complete"
"""libjpeg's "premature end of data segment": mostly a file cut short and given an end marker
after, which _decode_stream measures as a cut file (what is missing is said, or it fails)."""
_HARMLESS_LEFT_OVER = 8  # bytes of data before a JPEG's end marker that sloppy encoders leave
_CUT_ROWS_FORMATS = frozenset({"png", "bmp", "gif", "tiff"})
"""Formats that Pillow, told to, decodes as far as a file cut short goes, leaving the rest of
the picture as it found it (see _past_the_data). WebP decoders, and libtiff's for compressed
TIFFs, give nothing of such a file. An animated GIF needs only its first frame whole."""
_FILLERS = (bytes(4096), bytes(range(1, 255)) * 16)
"""Entropy-coded data to decode after a JPEG cut short, to see where its own data ends
(_missing_rows); no 0xFF in them, so no marker. Zeros read as valid codes in the standard
Huffman tables, where other bytes may read as a bad code, which decoders fill as if missing."""
_BYTES_PER_PIXEL = {"1": 5, "L": 5, "P": 13, "PA": 13, "LA": 13, "La": 13, "RGBA": 13, "RGBa": 13, "I": 30, "F": 30}
_BYTES_PER_PIXEL_DEFAULT = 8  # RGB and the like: the decoded buffer plus one converted copy
_BYTES_PER_PIXEL_DEEP_HEIF = 16  # libheif's 16-bit planes for 10/12-bit photos, then 8-bit RGB
_PREVIEW_ASPECT_TOLERANCE = 0.01  # camera previews round their sides to even pixel counts
_NO_RAW_PREVIEW = "camera raw file with no embedded JPEG preview (export it as a JPEG into the same folder)"

_IN_MEMORY_LIMIT = 256 * 1024 * 1024  # larger files are hashed streaming and decoded from disk
_CHUNK = 1024 * 1024
_SNIFF_BYTES = 32
_JXL_CONTAINER = b"\x00\x00\x00\x0cJXL \x0d\x0a\x87\x0a"
_THUMBNAIL_OFFSET, _THUMBNAIL_LENGTH = 0x0201, 0x0202  # IFD1's JPEGInterchangeFormat(Length)
_EXIF_THUMBNAIL_MAX_BYTES = 64 * 1024  # it fits in the 64 KB APP1 segment with the rest of EXIF
_LIKENESS_SIZE = (16, 12)
_LIKENESS_MAX_DIFFERENCE = 12.0  # mean of 0..255 per channel: one picture twice stays within a few
_JPEG2000_CONTAINER = b"\x00\x00\x00\x0cjP  \x0d\x0a\x87\x0a"
_THUMBNAIL_QUALITY = 85
_REASON_DETAIL_CHARS = 160

_HAS_HEIF = "HEIF" in Image.OPEN
_HAS_AVIF = "AVIF" in Image.OPEN and bool(features.check("avif"))
_HAS_JXL = "JXL" in Image.OPEN
_HAS_JPEG2000 = "JPEG2000" in Image.OPEN and bool(features.check("jpg_2000"))

_PLAIN_SUFFIXES = ".jpg .jpeg .jpe .jfif .png .apng .gif .webp .tif .tiff .bmp .dib"
# HEIF names are listed even without pillow_heif, so that such files fail visibly, with a reason.
_HEIF_SUFFIXES = ".heic .heif .hif .heics .heifs"
IMAGE_SUFFIXES: frozenset[str] = frozenset(
    (_PLAIN_SUFFIXES + " " + _HEIF_SUFFIXES + " .jxl" + (" .avif" if _HAS_AVIF else "")
     + (" .jp2 .j2k" if _HAS_JPEG2000 else "")).split()
) | rawfile.RAW_SUFFIXES

# Which Pillow plugins may open each sniffed format: nothing else gets a say, so a file
# can never reach a plugin we did not mean to run (EPS would start Ghostscript, say).
_PIL_FORMATS: dict[str, tuple[str, ...]] = {
    "jpeg": ("JPEG",),  # which opens MPO files as such itself
    "png": ("PNG",),
    "gif": ("GIF",),
    "webp": ("WEBP",),
    "tiff": ("TIFF",),
    "bmp": ("BMP",),
    "heif": ("HEIF", "AVIF"),  # reordered per file by _heif_plugins
    "jxl": ("JXL",),
    "jpeg2000": ("JPEG2000",),
    "ppm": ("PPM",),
    "ico": ("ICO",),
}
_LABELS = {
    "jpeg": "JPEG",
    "png": "PNG",
    "gif": "GIF",
    "webp": "WebP",
    "tiff": "TIFF",
    "bmp": "BMP",
    "heif": "HEIF",
    "jxl": "JPEG XL",
    "jpeg2000": "JPEG 2000",
    "ppm": "PPM",
    "ico": "ICO",
}

_BMP_HEADER_SIZES = frozenset({12, 16, 40, 52, 56, 64, 108, 124})
_BMP_WRAPPED = {4: "JPEG", 5: "PNG"}  # compression values of BMPs that carry another format
# What Pillow's libtiff decodes (others, e.g. WebP, depend on how it was built): a failure
# in one of these is damage, in anything else most likely a codec that is not there.
_TIFF_COMPRESSIONS_READ = frozenset({
    "raw", "tiff_ccitt", "group3", "group4", "tiff_lzw", "tiff_jpeg", "jpeg", "tiff_adobe_deflate",
    "tiff_deflate", "packbits", "lzma", "zstd",
})  # fmt: skip
_TIFF_COMPRESSION_NAMES = {
    34712: "jpeg2000", 33003: "jpeg2000", 33005: "jpeg2000", 34933: "png", 34934: "jpegxr", 22610: "jpegxr",
    34887: "lerc", 50002: "jpegxl", 52546: "jpegxl",
}  # fmt: skip
"""Names of TIFF compressions Pillow does not know (scientific, microscopy and DNG writers use them)."""
_IEEE_FLOAT = 3  # a TIFF's SampleFormat for floating point
_AVIF_BRANDS = frozenset({b"avif", b"avis"})
_HEIF_BRANDS = _AVIF_BRANDS | {
    b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs",
    b"mif1", b"mif2", b"msf1",
}  # fmt: skip

# EXIF orientation -> the transpose that shows the photo upright (as ImageOps.exif_transpose).
_ORIENTATION_FIX = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
_TAG_ORIENTATION = 0x0112
_TAG_DATETIME = 0x0132
_TAG_EXIF_IFD = 0x8769
_TAG_GPS_IFD = 0x8825
_TAG_DATETIME_ORIGINAL = 0x9003
_TAG_DATETIME_DIGITIZED = 0x9004
_TAG_SUBSEC = 0x9290  # the fraction of a second of _TAG_DATETIME; then of the original, the digitized
_TAG_SUBSEC_ORIGINAL = 0x9291
_TAG_SUBSEC_DIGITIZED = 0x9292
_SUBSEC = re.compile(r"\d{1,9}")
_TAG_XMP = 700
_EXIF_DATE = re.compile(
    r"(\d{4})[:\-/.](\d{1,2})[:\-/.](\d{1,2})(?:[ T]+(\d{1,2})[:.](\d{1,2})(?:[:.](\d{1,2}))?)?"
)
_XMP_DATE = re.compile(  # ISO 8601 as XMP has it, down to the year alone; with EXIF's colons too, as some write it
    r"(\d{4})(?:[-:](\d{1,2})(?:[-:](\d{1,2})(?:[T ]+(\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:[.,](\d{1,9}))?)?)?)?)?"
    r"\s*(?:Z|[+-]\d{1,2}(?::?\d{2})?)?"
)
_EARLIEST_YEAR = 1826  # the first photograph; anything before is a broken clock or garbage
_HASH_TEXT = re.compile(r"[0-9a-f]{2,128}")


@dataclass(frozen=True)
class DecodedPhoto:
    """A photo ready for the model, plus the facts the catalog keeps about it."""

    image: Image.Image  # RGB, upright, decoded no smaller than asked (shortest side >= min_side)
    width: int  # full-resolution size as the user sees it (after EXIF orientation)
    height: int
    format: str  # as sniff_format
    taken_at: str | None  # "YYYY-MM-DDTHH:MM:SS" from EXIF (_read_exif), else from its XMP packet; None if garbage
    content_hash: str  # file_hash() of the bytes that were decoded
    location: tuple[float, float] | None = None  # (latitude, longitude) from EXIF GPS
    xmp: bytes | None = None  # the XMP packet embedded in the file, if any (keywords.py reads it)
    icc: bytes | None = None  # the colour profile embedded in the file, if any (colour.to_srgb reads it)
    captions: tuple[str, ...] = ()  # what its EXIF, IPTC and comments say about it (captions.exif_texts, ...)
    pixels_hash: str | None = None  # a JPEG's hash without its metadata (jpegfile.pixel_data)
    damage: str | None = None  # what is wrong with a file decoded all the same (a JPEG cut short)
    keywords: tuple[str, ...] = ()  # as its IPTC, then Windows' XPKeywords, write them (keywords.keywords_in_file)
    modified_at: str | None = None  # EXIF's DateTime (ModifyDate), as taken_at: when it was last saved (_read_exif)


class _MemoryBudget:
    """Bytes that decoding threads may hold at once. A decode that does not fit waits for
    others to finish, so one thread per core on a big machine cannot hold a gigabyte each;
    when nothing else is decoding, any decode may start. Decodes start in the order they ask:
    one that needs all of the budget waits for those decoding to finish, not for a moment with
    none decoding, which a stream of small decodes might never leave it; those after it wait."""

    def __init__(self, total: int) -> None:
        self.total = total
        self._used = 0
        self._queue: deque[object] = deque()
        self._changed = threading.Condition()

    @contextmanager
    def hold(self, amount: int) -> Iterator[None]:
        turn = object()
        with self._changed:
            self._queue.append(turn)
            try:
                self._changed.wait_for(
                    lambda: self._queue[0] is turn and (self._used == 0 or self._used + amount <= self.total))
                self._used += amount
            finally:
                self._queue.remove(turn)
                self._changed.notify_all()  # the next in line may fit too
        try:
            yield
        finally:
            with self._changed:
                self._used -= amount
                self._changed.notify_all()


_DECODE_MEMORY = _MemoryBudget(MAX_DECODE_BYTES)


# ----------------------------------------------------------------------------- sniffing


def sniff_format(head: bytes) -> str | None:
    """Name the image format from its first bytes (magic numbers), or None.

    Content decides, never the extension: a PNG named .jpg is a PNG, a text file named
    .jpg is not an image at all.
    """
    head = bytes(head[:_SNIFF_BYTES])
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if rawfile.sniff_raw(head):
        return "raw"
    if head[:4] in (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+"):
        return "tiff"
    if head[:2] == b"BM" and len(head) >= 18:
        # "BM" alone is too weak (any text can start so): require a known DIB header size.
        if int.from_bytes(head[14:18], "little") in _BMP_HEADER_SIZES:
            return "bmp"
        return None
    if head[4:8] == b"ftyp" and _heif_brands(head) & _HEIF_BRANDS:
        return "heif"
    if head.startswith(b"\xff\x0a") or head.startswith(_JXL_CONTAINER):
        return "jxl"
    if head.startswith(_JPEG2000_CONTAINER) or head.startswith(b"\xff\x4f\xff\x51"):
        return "jpeg2000"
    return None


def _sniff_named_like_a_photo(head: bytes) -> str | None:
    """Formats whose few magic bytes plain text or other files can start with too: decoded
    when a file named like a photo holds one (an icon or a netpbm image renamed), but never
    enough to make a file of another name a photo (see scan.is_candidate)."""
    if re.match(rb"P[1-7]\s", head):
        return "ppm"
    if head[:4] == b"\0\0\1\0" and int.from_bytes(head[4:6], "little") > 0:
        return "ico"
    return None


def sniff_file(path: Path) -> str | None:
    """sniff_format of a file's first bytes, for a file not named like a photo; None when it is
    unreadable, not a regular file, empty, or not an image by a strong signature: a bare JPEG XL
    codestream starts with two bytes (FF 0A) that any cache file may start with, so only its
    container makes such a file a JPEG XL (a .jxl is decoded by its name, whatever it holds).
    A scan sniffs every file without a suffix, so this must never wait: a FIFO, or a link to
    /proc/kmsg (a "regular" file of size 0 that blocks on read), would stop the scan for ever."""
    try:
        with open_regular(path) as fh:
            if os.fstat(fh.fileno()).st_size == 0:
                return None  # nothing to sniff; and the kernel's files say 0 (reading /proc/kmsg consumes it)
            head = fh.read(_SNIFF_BYTES)
    except OSError:
        return None
    fmt = sniff_format(head)
    return None if fmt == "jxl" and not head.startswith(_JXL_CONTAINER) else fmt


_OTHER_FILES = (  # (its first bytes, where they stand, what the file is)
    (b"%PDF-", 0, "a PDF document"),
    (b"PK\x03\x04", 0, "a ZIP archive"),
    (b"PK\x05\x06", 0, "a ZIP archive"),
    (b"Rar!\x1a\x07", 0, "a RAR archive"),
    (b"7z\xbc\xaf\x27\x1c", 0, "a 7-Zip archive"),
    (b"\x1f\x8b", 0, "a gzip archive"),
    (b"8BPS", 0, "a Photoshop document (save it as a JPEG, PNG or TIFF)"),
    (b"%!PS", 0, "a PostScript document"),
    (b"\x1a\x45\xdf\xa3", 0, "a video (Matroska or WebM)"),
    (b"AVI ", 8, "a video (AVI)"),
    (b"WAVE", 8, "a sound recording"),
    (b"ID3", 0, "a sound recording (MP3)"),
    (b"moov", 4, "a video"),
    (b"mdat", 4, "a video"),
    (b"wide", 4, "a video"),
)
# A file that is all of the start of one of these is a photo cut off within its first bytes.
_MAGIC_NUMBERS = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF87a", b"GIF89a", b"II*\x00", b"MM\x00*")
_AUDIO_BRANDS = (b"M4A ", b"M4B ", b"M4P ")
_WEB_PAGE = re.compile(rb"\s*(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body|meta|title|script)\b", re.I | re.S)


def _not_an_image(stream: IO[bytes]) -> str:
    """Why a file named like a photo is none, in words: what it is instead, where its first
    bytes say (a failed download saves the server's error page under the photo's name; a
    phone's export, its videos), else "unrecognised content"."""
    head = stream.read(512)
    stream.seek(0)
    if _all_zeros(stream, head):
        return ZEROS_ONLY
    if len(head) >= 2 and any(magic.startswith(head) for magic in _MAGIC_NUMBERS):
        return f"truncated file (it ends after its first {len(head)} bytes)"
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    if head[4:8] == b"ftyp":
        return "not an image: a sound recording" if head[8:12] in _AUDIO_BRANDS else "not an image: a video"
    for magic, offset, what in _OTHER_FILES:
        if head[offset:offset + len(magic)] == magic:
            return f"not an image: {what}"
    if _WEB_PAGE.match(head) or b"<html" in head.lower():
        return "not an image: a web page (a failed download?)"
    text = head.lstrip()
    if text.startswith(b"<svg") or (text.startswith(b"<?xml") and b"<svg" in text):
        return "not an image: an SVG drawing, which photoclip cannot decode"
    if _is_headerless_bitmap(head):
        return _HEADERLESS_BITMAP
    try:
        words = head[:-4].decode("utf-8")  # (the last bytes may cut a character in two)
    except UnicodeDecodeError:
        words = ""
    if not words.strip() or not all(c.isprintable() or c in "\t\r\n\f" for c in words):
        return "not an image (unrecognised content)"
    if text.startswith((b"{", b"[")):
        return "not an image: a JSON text (a failed download?)"
    return "not an image: a text file"


def _all_zeros(stream: IO[bytes], head: bytes) -> bool:
    """Whether a file that starts with `head` holds nothing but zeros, by `head` and _ZERO_SAMPLES blocks spread
    over the rest (its end among them): a sparse placeholder reads so, and is no photo's damage to report."""
    if not head or head.count(0) != len(head):
        return False
    size = stream.seek(0, os.SEEK_END)
    try:
        for i in range(1, _ZERO_SAMPLES + 1):
            stream.seek(max(0, size * i // _ZERO_SAMPLES - len(head)))
            block = stream.read(len(head))
            if block.count(0) != len(block):
                return False
        return True
    finally:
        stream.seek(0)


_HEADERLESS_BITMAP = ("unsupported image: a bitmap without its BMP file header (a DIB, as Windows' clipboard holds "
                      "one); save it as a PNG")


def _is_headerless_bitmap(head: bytes) -> bool:
    """Whether a file starts as a BMP does after its 14-byte file header: a DIB header of a known
    size (Windows' BITMAPINFOHEADER or later), a width above 0, a height, one colour plane and a
    depth BMPs have. Windows' clipboard holds bitmaps so (CF_DIB), and some tools save them as
    .dib files; Pillow reads them only when asked for a DIB, which photoclip does not."""
    if len(head) < 16 or int.from_bytes(head[:4], "little") not in _BMP_HEADER_SIZES - {12}:
        return False
    width, height = int.from_bytes(head[4:8], "little", signed=True), int.from_bytes(head[8:12], "little", signed=True)
    planes, depth = int.from_bytes(head[12:14], "little"), int.from_bytes(head[14:16], "little")
    return width > 0 and height != 0 and planes == 1 and depth in _BMP_DEPTHS - {0}


def _heif_brands(head: bytes) -> set[bytes]:
    """The major and compatible brands of an ISO-BMFF `ftyp` box, as far as `head` reaches."""
    box_end = min(len(head), max(16, int.from_bytes(head[:4], "big")))
    brands = {head[8:12]}
    brands.update(head[i : i + 4] for i in range(16, box_end - 3, 4))
    return brands


# ----------------------------------------------------------------------------- hashing


class _Digest(Protocol):
    def update(self, data: bytes, /) -> None: ...
    def hexdigest(self) -> str: ...


CONTENT_HASHES: dict[str, Callable[[], _Digest]] = {
    "xxh3-128": xxhash.xxh3_128,
    "blake2b-128": lambda: hashlib.blake2b(digest_size=16),
}
"""Content hashes by name. A catalog records which one its stored hashes use."""

DEFAULT_CONTENT_HASH = "xxh3-128"
"""xxh3 runs at memory speed (0.4 ms for a 4 MB JPEG, blake2b 7 ms): hashing costs indexing
nothing, while 128 bits keep accidental collisions out of reach for any photo library."""


def file_hash(path: Path, algorithm: str = DEFAULT_CONTENT_HASH) -> str:
    """Content hash of a file (hex), read in 1 MiB chunks: finds moved and copied files.
    Only a regular file, opened so as never to wait (see open_regular): raises OSError else."""
    with open_regular(path) as fh:
        return _stream_hash(fh, algorithm)


def bytes_hash(data: bytes, algorithm: str = DEFAULT_CONTENT_HASH) -> str:
    """The same digest as file_hash, over bytes already in memory."""
    digest = CONTENT_HASHES[algorithm]()
    digest.update(data)
    return digest.hexdigest()


def _stream_hash(fh: IO[bytes], algorithm: str) -> str:
    digest = CONTENT_HASHES[algorithm]()
    while chunk := fh.read(_CHUNK):
        digest.update(chunk)
    return digest.hexdigest()


# ----------------------------------------------------------------------------- decoding


def decode_photo(path: Path, min_side: int, hash_algorithm: str = DEFAULT_CONTENT_HASH) -> DecodedPhoto:
    """Decode a photo for the model: RGB, upright, shortest side >= min_side where possible.

    The file is read once; its hash is of exactly the bytes decoded. JPEGs are decoded at
    the smallest DCT scale that keeps the shortest side >= min_side, or from the camera's
    preview when it is big enough and its EXIF thumbnail vouches for it (HEIF likewise from
    an embedded thumbnail); other formats are box-reduced right after decoding to keep
    memory small. min_side <= 0 means full resolution. Raises only ImageDecodeError.
    """
    path = Path(path)
    need = (min_side, min_side) if min_side > 0 else (0, 0)
    with _decode_errors(path):
        with _read_source(path, hash_algorithm) as (stream, content_hash):
            decoded = _decode_stream(stream, lambda size: need)
            digest = content_hash()
            pixels = _pixels_hash(stream, decoded.format, hash_algorithm, decoded.orientation)
        image, (width, height) = decoded.upright()
        return DecodedPhoto(image, width, height, decoded.format, decoded.taken_at, digest, decoded.location,
                            decoded.xmp, decoded.icc, decoded.captions, pixels, decoded.damage, decoded.keywords,
                            decoded.modified_at)


def _pixels_hash(stream: IO[bytes], fmt: str, hash_algorithm: str, orientation: int) -> str | None:
    """The hash of a JPEG read whole without its metadata segments, so a photo whose tags were
    edited in place keeps its vector; None for other formats and files streamed from disk. The
    EXIF orientation counts (when it turns the photo): a viewer's rotate rewrites only that tag,
    and the photo turned is another picture to the model."""
    if fmt != "jpeg" or not isinstance(stream, io.BytesIO) or not hash_algorithm:
        return None
    parts = jpegfile.pixel_data(stream.getvalue())  # the bytes read, not a copy
    if not parts:
        return None
    digest = CONTENT_HASHES[hash_algorithm]()
    for part in parts:
        digest.update(part)
    if orientation != 1:
        digest.update(b"orientation %d" % orientation)
    return digest.hexdigest()


def make_thumbnail(path: Path, max_side: int) -> bytes:
    """JPEG bytes of the photo, upright, in sRGB, fitting in max_side x max_side (never upscaled)."""
    image, _size = display_image(path, max_side)
    return _thumbnail_jpeg(image, image.size, None)


def display_image(path: Path, max_side: int) -> tuple[Image.Image, tuple[int, int]]:
    """The photo as a screen shows it, upright, in sRGB, fitting in max_side x max_side (never
    upscaled), and its whole size upright: a view zoomed in needs its pixels themselves, which
    a JPEG made of them again (make_thumbnail) blurs and takes long to write for 50 MP."""
    if max_side <= 0:
        raise ValueError(f"max_side must be positive, not {max_side}")
    path = Path(path)
    with _decode_errors(path):
        with _read_source(path, None) as (stream, _hash):
            decoded = _decode_stream(stream, lambda size: _fit_inside(size, max_side))
        image, full_size = decoded.upright()
        size = _fit_inside(full_size, max_side)
        if image.size != size:
            image = image.resize(size, Image.Resampling.BICUBIC, reducing_gap=2.0)
        image = colour.to_srgb(image, decoded.icc)
        return (image if image.mode == "RGB" else image.convert("RGB")), full_size


def save_thumbnail(photo: DecodedPhoto, cache_dir: Path, side: int = THUMBNAIL_SIDE) -> Path | None:
    """Cache the thumbnail of a photo decoded for the model, unless it is cached already or
    was decoded smaller than the thumbnail needs (None then: it is made from the file when
    first shown, rather than kept blurry for ever). Raises OSError."""
    target = thumbnail_path(cache_dir, photo.content_hash, side)
    size = _cached_thumbnail_size((photo.width, photo.height), side)
    if target.is_file() or min(photo.image.size) < min(size):
        return None
    _thumbnail_folders(Path(cache_dir), target)
    atomic_write_bytes(target, _thumbnail_jpeg(photo.image, size, photo.icc), parents=False)
    return target


def _make_cached_thumbnail(path: Path, side: int) -> bytes:
    """JPEG bytes of the photo as the cache keeps it (see _cached_thumbnail_size)."""
    with _decode_errors(path):
        with _read_source(path, None) as (stream, _hash):
            decoded = _decode_stream(stream, lambda size: (min(side, *size),) * 2)
        image, full_size = decoded.upright()
        return _thumbnail_jpeg(image, _cached_thumbnail_size(full_size, side), decoded.icc)


def _cached_thumbnail_size(size: tuple[int, int], side: int) -> tuple[int, int]:
    """A cached thumbnail's size: its shorter side `side` (never upscaled), its longer side
    at most _THUMBNAIL_MAX_ASPECT times that (a longer photo is cropped to its middle)."""
    w, h = size
    scale = min(1.0, side / min(w, h))
    w, h = max(1, round(w * scale)), max(1, round(h * scale))
    return min(w, _THUMBNAIL_MAX_ASPECT * h), min(h, _THUMBNAIL_MAX_ASPECT * w)


def _thumbnail_jpeg(image: Image.Image, size: tuple[int, int], icc: bytes | None) -> bytes:
    """`image` resampled to `size`, from its middle where its shape is longer than size's."""
    if image.size != size:
        w, h = image.size
        crop_w, crop_h = min(w, h * size[0] / size[1]), min(h, w * size[1] / size[0])
        box = ((w - crop_w) / 2, (h - crop_h) / 2, (w + crop_w) / 2, (h + crop_h) / 2)
        image = image.resize(size, Image.Resampling.BICUBIC, box=box, reducing_gap=2.0)
    image = colour.to_srgb(image, icc)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=_THUMBNAIL_QUALITY, comment=b"")  # a GIF's comment may not fit
    return out.getvalue()


def thumbnail_path(cache_dir: Path, content_hash: str, side: int) -> Path:
    """Where the thumbnail of given content and size lives: cache_dir/ab/<hash>-<side>.jpg."""
    if not _HASH_TEXT.fullmatch(content_hash):
        raise ValueError(f"not a content hash: {content_hash!r}")
    return Path(cache_dir) / content_hash[:2] / f"{content_hash}-{int(side)}.jpg"


def cached_thumbnails(cache_dir: Path) -> Iterator[tuple[Path, str | None]]:
    """Each file in a thumbnail cache with the content hash it is of (None: not a thumbnail
    the app shows, such as a temporary file a crash left behind, or one of a size other than
    THUMBNAIL_SIDES that an earlier version made, so that pruning clears those out)."""
    endings = tuple(f"-{side}.jpg" for side in THUMBNAIL_SIDES)
    for folder in Path(cache_dir).glob("??"):
        if not folder.is_dir():
            continue
        for file in folder.iterdir():
            ending = next((ending for ending in endings if file.name.endswith(ending)), "")
            content_hash = file.name.removesuffix(ending)
            yield file, content_hash if ending and _HASH_TEXT.fullmatch(content_hash) else None


def _thumbnail_folders(cache_dir: Path, target: Path) -> None:
    """The thumbnails' folder and `target`'s shard in it, never the folders above: a library
    whose drive is gone (unplugged while thumbnails are made) is not made again, empty."""
    cache_dir.mkdir(exist_ok=True)
    target.parent.mkdir(exist_ok=True)


def ensure_thumbnail(path: Path, content_hash: str, cache_dir: Path, side: int) -> Path:
    """The cached thumbnail's path, making it first (atomically) when it is not there yet.

    Keyed by content, so renamed or moved photos reuse it; a reader never sees half a file.
    Raises ImageDecodeError when the photo cannot be decoded.
    """
    if side <= 0:
        raise ValueError(f"side must be positive, not {side}")
    target = thumbnail_path(cache_dir, content_hash, side)
    if target.is_file():
        return target
    _thumbnail_folders(Path(cache_dir), target)
    atomic_write_bytes(target, _make_cached_thumbnail(Path(path), side), parents=False)
    return target


_REDUCING_GAP = 1.4
WIDE = 2.0
"""A photo longer than this many times its other side reaches the model whole (see prepare_for_model)."""
MODEL_MEAN_COLOUR = (123, 117, 104)  # CLIP's normalisation mean: zero, nothing, to the model


def prepare_for_model(image: Image.Image, size: int, icc: bytes | None = None) -> np.ndarray:
    """uint8 (size, size, 3): shortest side resized to `size` (bicubic), then center crop; a
    photo more than WIDE times as long as it is high (or the other way round) is shown whole.
    Its colours are taken to sRGB by its profile `icc` first: the model learnt from sRGB photos,
    and a phone's Display P3 photo and its sRGB export are to look alike to it, as to people.

    Reproduces open_clip's default eval transform (torchvision Resize(size, BICUBIC) +
    CenterCrop(size)) including its rounding, but resamples only the cropped region. Inputs
    at least _REDUCING_GAP x 2 larger (a JPEG decoded in draft mode mostly is) are box-reduced
    by a whole factor first: 3 ms instead of 7 for a 12 MP photo's draft, within a grey
    level of the exact resampling on average, where JPEG's own rounding is larger.

    The crop keeps most of a photo, and the model sees its subject large. Of a panorama or a
    phone's screenshot it would keep the middle third or half: the lake at the left of the
    panorama could never be found. Those are shrunk whole onto a square of the model's mean
    colour (what the model reads as nothing there), as open_clip's "longest" resize does.
    """
    if size <= 0:
        raise ValueError(f"size must be positive, not {size}")
    if image.mode != "RGB":
        image = image.convert("RGB")
    image = colour.to_srgb(image, icc)
    w, h = image.size
    if max(w, h) > WIDE * min(w, h):
        return _shown_whole(image, size)
    if w <= h:
        new_w, new_h = size, int(size * h / w)
    else:
        new_w, new_h = int(size * w / h), size
    top = int(round((new_h - size) / 2.0))
    left = int(round((new_w - size) / 2.0))
    sx, sy = w / new_w, h / new_h
    box = (left * sx, top * sy, (left + size) * sx, (top + size) * sy)
    out = image.resize((size, size), Image.Resampling.BICUBIC, box=box, reducing_gap=_REDUCING_GAP)
    return np.array(out, dtype=np.uint8)


def _shown_whole(image: Image.Image, size: int) -> np.ndarray:
    """The image's longest side resized to `size`, centred on a square of MODEL_MEAN_COLOUR."""
    w, h = image.size
    inner = (size, max(1, round(size * h / w))) if w >= h else (max(1, round(size * w / h)), size)
    square = Image.new("RGB", (size, size), MODEL_MEAN_COLOUR)
    square.paste(image.resize(inner, Image.Resampling.BICUBIC, reducing_gap=_REDUCING_GAP),
                 ((size - inner[0]) // 2, (size - inner[1]) // 2))
    return np.array(square, dtype=np.uint8)


@contextmanager
def _decode_errors(path: Path) -> Iterator[None]:
    """Let only ImageDecodeError out; anything unexpected becomes one with its type named."""
    try:
        yield
    except ImageDecodeError as exc:
        log.debug("cannot decode %s: %s", path, exc)
        raise
    except MemoryError as exc:
        raise ImageDecodeError("not enough memory to decode this image") from exc
    except Exception as exc:
        log.warning("cannot decode %s (%s: %s)", path, type(exc).__name__, _short(exc))
        log.debug("cannot decode %s", path, exc_info=True)
        raise ImageDecodeError(_UNEXPECTED_FAILURE) from exc


_UNEXPECTED_FAILURE = "unreadable image (an unexpected error in photoclip's decoder; its log has the details)"
"""A photo's failure when decoding it raised what no check foresaw: Python's own words for it
(an OverflowError's "Python int too large to convert to C ssize_t") mean nothing to a person,
so they go to the log, as a warning, and the reason says only that."""


@contextmanager
def _read_source(path: Path, hash_algorithm: str | None) -> Iterator[tuple[IO[bytes], Callable[[], str]]]:
    """Open a file once and yield (stream at offset 0, a function giving the content hash, or ""
    without an algorithm).

    Files up to 256 MiB are read whole (hash and decode share the bytes); larger ones are
    decoded from disk and hashed streaming when asked, after decoding, so a huge file that is
    no image fails at its header instead of being read to its end first. Only regular files
    are read: a FIFO or device named like a photo must not hang or flood a worker.
    """
    try:
        fh = open_regular(path)
    except OSError as exc:
        raise ImageDecodeError(_os_reason(exc)) from None
    try:
        try:
            data = fh.read() if os.fstat(fh.fileno()).st_size <= _IN_MEMORY_LIMIT else None
        except OSError as exc:
            raise ImageDecodeError(_os_reason(exc)) from None
        if data is not None:
            if not data:
                raise ImageDecodeError(EMPTY_FILE)
            digest = bytes_hash(data, hash_algorithm) if hash_algorithm else ""
            yield io.BytesIO(data), lambda: digest
            return

        def streamed_hash() -> str:
            if not hash_algorithm:
                return ""
            try:
                fh.seek(0)
                return _stream_hash(fh, hash_algorithm)
            except OSError as exc:
                raise ImageDecodeError(_os_reason(exc)) from None

        yield fh, streamed_hash
    finally:
        try:
            fh.close()
        except OSError as exc:  # a share or a FUSE drive gone as it closes: what was read stands
            log.debug("cannot close %s: %s", path, exc)


PERMISSION_DENIED = "permission denied"
"""A photo's failure when photoclip may not read its file (scan tries it again once it may)."""
FILE_GONE = "file not found (moved or deleted)"
"""A photo's failure when its file was not there (scan tries it again once it is)."""


def _os_reason(exc: OSError) -> str:
    if isinstance(exc, FileNotFoundError):
        return FILE_GONE
    if isinstance(exc, PermissionError):
        return PERMISSION_DENIED
    if isinstance(exc, IsADirectoryError):
        return "a folder, not a file"
    if isinstance(exc, NotARegularFileError):
        return "not a regular file"
    return read_failure(exc.strerror or _short(exc))


def read_failure(why: str) -> str:
    """A photo's failure when its file could not be read for the system's reason `why` ("Transport
    endpoint is not connected"): the scan reads again those whose drive went away (scan.DRIVE_GONE)."""
    return f"cannot read file ({why})"


@dataclass(frozen=True)
class _Decoded:
    format: str
    image: Image.Image  # RGB, not yet oriented, at least the size asked for
    full_size: tuple[int, int]  # from the header, before orientation
    orientation: int
    taken_at: str | None
    location: tuple[float, float] | None
    xmp: bytes | None = None
    icc: bytes | None = None
    captions: tuple[str, ...] = ()
    damage: str | None = None
    keywords: tuple[str, ...] = ()
    modified_at: str | None = None

    def upright(self) -> tuple[Image.Image, tuple[int, int]]:
        """The image turned as EXIF says, and the full size as the user sees it."""
        width, height = self.full_size
        if self.orientation in (5, 6, 7, 8):
            width, height = height, width
        return _upright(self.image, self.orientation), (width, height)


def _decode_stream(
    stream: IO[bytes], need_for: Callable[[tuple[int, int]], tuple[int, int]], retried: bool = False
) -> _Decoded:
    """Sniff, open, decode no smaller than need_for(full size), and read the EXIF facts.

    A file that its format cannot decode is reported truncated when it is shorter than its
    own container says (WebP, TIFF and HEIF decoders only say "corrupt"). A file cut short, a
    JPEG with garbage over its data, or a PNG with metadata too big to read gets a second try
    (`retried`), and no third. A PNG with a damaged ancillary chunk, or a JPEG with a header
    segment too short to read, is decoded again without it, as libpng and libjpeg pass over
    them: once, as there is none left to leave out then (and that try may still be a cut file's).
    """
    head = stream.read(_SNIFF_BYTES)
    stream.seek(0)
    if not head:
        raise ImageDecodeError(EMPTY_FILE)
    fmt = sniff_format(head) or _sniff_named_like_a_photo(head)
    if fmt is None:
        raise ImageDecodeError(_not_an_image(stream))
    if fmt == "raw" or (fmt == "tiff" and rawfile.is_raw_tiff(stream)):
        with truncation.SWITCH.strict():
            return _decode_raw(stream, need_for)
    if fmt == "jpeg" and not retried and isinstance(stream, io.BytesIO):
        with stream.getbuffer() as data:
            zeros_from = jpegfile.zero_filled_end(data)
        if zeros_from is not None:
            return _decode_cut_jpeg(io.BytesIO(stream.getvalue()[:zeros_from]), need_for)
    elif fmt == "jpeg" and not isinstance(stream, io.BytesIO) and jpegfile.ends_in_zeros(stream):
        raise ImageDecodeError("truncated file (it ends in zeros where its image data should be)")
    if fmt == "jpeg" and not retried:
        jpegfile.check_data_holds_frame(stream)
    if fmt in _READ_WHOLE:
        stream = _needed_part(stream, fmt)
    filled = None if retried else zerotail.zero_filled(stream, fmt)
    if filled is not None:
        if fmt in _CUT_ROWS_FORMATS:
            data = stream.getvalue()[:filled[0]] if isinstance(stream, io.BytesIO) else stream.read(filled[0])
            return _decode_cut_rows(io.BytesIO(data), need_for, fmt)
        if filled[1] > MAX_MISSING_ROWS:
            raise ImageDecodeError(f"truncated file (zeros fill the last {_percent(filled[1])} of its image data)")
    try:
        with truncation.SWITCH.strict(), _open_image(stream, fmt, head) as im:
            full_size = im.size
            need = need_for(full_size)
            damage = None
            image = _decode_camera_preview(stream, im, need) if fmt == "jpeg" else None
            if image is None:
                with _DECODE_MEMORY.hold(_decode_cost(im, fmt, need)):
                    image, damage = _decode_rgb(im, fmt, need, check=not retried)
                    if fmt == "png" and not retried and damage is None:
                        damage = _png_damage(im, stream)
            if fmt == "heif" and im.size != full_size and not _heif_thumbnail_vouched_for(stream, image):
                log.debug("HEIF thumbnail unchecked or of another picture; decoding the main image")
                with _open_image(stream, fmt, head) as main, _DECODE_MEMORY.hold(_decode_cost(main, fmt, (0, 0))):
                    image, damage = _decode_rgb(main, fmt, need)
            facts = _read_exif(im)
            xmp = _xmp_packet(im)
            icc = im.info.get("icc_profile") if im.mode not in ("CMYK", "LAB") else None
            texts = (*facts.captions, *(captions.iptc_texts(im) if fmt in ("jpeg", "tiff") else ()),
                     *captions.comment_texts(im, fmt))
            found = (*(captions.iptc_keywords(im) if fmt in ("jpeg", "tiff") else ()), *facts.keywords)
    except ImageDecodeError as exc:
        if filled is not None:
            raise ImageDecodeError(f"truncated file (zeros fill the last {_percent(filled[1])} of its image data)") \
                from exc
        if str(exc).startswith("corrupt") and _ends_early(stream, fmt):
            in_header = "(its header" in str(exc) and _holds_no_pixels(stream, fmt)
            raise ImageDecodeError(_CUT_IN_HEADER if in_header else "truncated file") from exc
        if retried or not isinstance(stream, io.BytesIO):
            raise
        if str(exc) == "truncated file" and fmt == "jpeg":
            return _decode_cut_jpeg(stream, need_for)
        if str(exc).startswith("corrupt JPEG file (its header") and fmt == "jpeg":
            sound = jpegfile.without_malformed_segments(stream.getvalue())
            if sound is not None:  # a short Adobe or JFIF segment, which libjpeg passes over
                log.info("a JPEG has a malformed header segment; decoding it without that segment")
                return _decode_stream(io.BytesIO(sound), need_for)  # once: then there are none to leave out
        if str(exc).startswith("corrupt JPEG data") and fmt == "jpeg":
            stray = jpegfile.first_stray_marker(stream.getvalue())
            if stray is not None:
                return _decode_cut_jpeg(stream, need_for, broken_at=stray)
        if fmt == "png" and str(exc).startswith(("corrupt PNG", "truncated file")):
            # Pillow refuses a whole PNG for one bad text, profile or size chunk (a short pHYs
            # even reads as a file cut short); libpng and viewers skip the chunk with a warning.
            sound = pngfile.without_damaged_ancillary_chunks(stream.getvalue())
            if sound is not None:
                log.info("a PNG has damaged ancillary chunks; decoding its picture without them")
                return _decode_stream(io.BytesIO(sound), need_for)  # once: then there are none to leave out
        if str(exc) == "truncated file" and fmt in _CUT_ROWS_FORMATS:
            return _decode_cut_rows(stream, need_for, fmt)
        if str(exc) == _METADATA_TOO_LARGE.format("PNG"):
            slimmer = pngfile.without_oversized_metadata(stream.getvalue(), PngImagePlugin.MAX_TEXT_CHUNK)
            if slimmer is not None:
                log.info("a PNG's metadata is too big to read; decoding its picture without it")
                return _decode_stream(io.BytesIO(slimmer), need_for, retried=True)
        raise
    if damage == _JPEG_DATA_STOPS_EARLY and not retried and isinstance(stream, io.BytesIO):
        end = jpegfile.image_end(stream.getvalue())
        if end is not None:
            return _decode_cut_jpeg(io.BytesIO(stream.getvalue()[:end]), need_for, closed=True)
    if filled is not None and damage is None:
        damage = f"the file ends early, filled with zeros; about the lower {_percent(filled[1])} of the image " \
            "is garbled"
    if fmt == "gif" and damage is None and isinstance(stream, io.BytesIO) and _gif_ends_early(stream.getvalue()):
        damage = "the file ends early; its first frame is whole"
    orientation = 1 if fmt == "jxl" else facts.orientation  # JPEG XL decoders turn it by its header, not EXIF
    return _Decoded(fmt, image, full_size, orientation, facts.taken_at or xmp_taken_at(xmp), facts.location, xmp,
                    icc or None, texts, damage, found, facts.modified_at)


_READ_WHOLE = frozenset({"webp", "heif", "gif"})
"""Formats read whole to be decoded: Pillow's WebP plugin and pillow_heif read all of a file
into memory, and a GIF is walked to its end for its later frames (_gif_ends_early)."""


def _needed_part(stream: IO[bytes], fmt: str) -> IO[bytes]:
    """The bytes of a WebP, HEIF or GIF that its picture needs (zerotail.content_end), in memory:
    a photo followed by gigabytes of zeros (preallocated, recovered from a card) took gigabytes.
    One that needs more than _WHOLE_READ_MOST is no photo: a WebP or HEIF is refused, a GIF is
    decoded from disk (Pillow reads it frame by frame)."""
    end = zerotail.content_end(stream, fmt)
    if isinstance(stream, io.BytesIO):
        return stream if end == stream.getbuffer().nbytes else io.BytesIO(stream.getvalue()[:end])
    if end <= _WHOLE_READ_MOST:
        return io.BytesIO(stream.read(end))
    if fmt == "gif":
        return stream
    label = _LABELS[fmt]
    raise ImageDecodeError(f"{label} file too large to decode ({end / 1e6:.0f} MB; a {label} photo is far smaller, "
                           "so this one is most likely damaged)")


_CUT_IN_HEADER = "truncated file (it ends inside its header: none of the image is there)"
_PIXELS_BEGIN = {"jpeg": b"\xff\xda", "png": b"IDAT"}  # a JPEG's first scan, a PNG's first chunk of pixels


def _holds_no_pixels(stream: IO[bytes], fmt: str) -> bool:
    """Whether a JPEG or PNG stops before any of its pixels (said of a file that ends early)."""
    if fmt not in _PIXELS_BEGIN or stream.seek(0, io.SEEK_END) > _WHOLE_READ_MOST:
        return False
    return _PIXELS_BEGIN[fmt] not in _all_of(stream)


def _decode_cut_jpeg(
    stream: io.BytesIO, need_for: Callable[[tuple[int, int]], tuple[int, int]], broken_at: int | None = None,
    closed: bool = False,
) -> _Decoded:
    """A JPEG that stops before its end marker, as viewers show it: the rows its data holds,
    the rest one flat colour (a progressive one: all rows, with less detail). Kept when at
    most MAX_MISSING_ROWS of them are missing (a camera that writes no end marker, a copy cut
    a little short), with the damage said; else it fails. With `broken_at`, the file goes on
    but its data is garbage from there (see jpegfile.first_stray_marker): the same, up to it.
    `closed`: the file had its end marker where its data stops short (cut, then closed by a
    tool): the same, but when it looks whole, or zeros lie in its data, its data is damaged,
    not just cut."""
    data = stream.getvalue()[:broken_at]
    holed = closed and jpegfile.zeros_inside(data)  # not cut: garbled from the zeros on, however it ends
    if broken_at is None and not holed:
        what, failure = "the file ends early", "truncated file ({} is missing)"
    else:
        what, failure = _DATA_DAMAGED, "corrupt JPEG data ({} cannot be read)"
    try:
        decoded = _decode_stream(io.BytesIO(data + jpegfile.END), need_for, retried=True)
    except ImageDecodeError as exc:
        if broken_at is None and not closed and str(exc).startswith("corrupt JPEG file"):
            raise ImageDecodeError(_CUT_IN_HEADER if _PIXELS_BEGIN["jpeg"] not in data else "truncated file") from exc
        raise
    garbled = []
    for filler in _FILLERS:
        try:
            garbled.append(_decode_stream(io.BytesIO(data + filler + jpegfile.END), need_for, retried=True).image)
        except ImageDecodeError:  # a filler its Huffman tables cannot read, or a cut inside a header
            continue
    image = np.asarray(decoded.image)
    flat = np.all(image == image[:, :1], axis=tuple(range(1, image.ndim)))
    cut = _first_row_past_the_data(image, garbled)
    if jpegfile.averages_whole(data):  # every row is there, coarser past the cut, though a photo's own may be flat
        missing = 0.0
    elif not garbled:  # the flat rows at the bottom are all there is to go by
        missing = len(flat) if flat.all() else int(np.argmin(flat[::-1]))
    elif cut is None:  # all it lacks is its end marker; or it stops before its image data
        missing = len(flat) if np.all(image == image[0, 0]) else 0
    else:  # the rows past its data, filled flat, and the filled end of the row where it stops (in rows)
        missing = float(_filled_share(image)[cut:].sum())  # a photo's own flat band above the cut is not
    share = missing / len(flat)
    if share > MAX_MISSING_ROWS:
        shown = _percent(share)
        part = "all of the image" if shown == "100%" else f"the lower {shown} of the image"
        raise ImageDecodeError(failure.format(part))
    if holed:
        damage = _DATA_GARBLED
    elif missing:
        damage = f"{what}; the lower {_percent(share)} of the image is missing"
    elif (cut is not None and _is_progressive(data)) or jpegfile.lacks_scans(data):
        damage = f"{what}; all of the image is there, with less detail"
    elif closed:
        damage = _DATA_GARBLED
    else:
        damage = f"{what}; the image looks whole"
    return dataclasses.replace(decoded, damage=damage)


def _png_damage(im: ImageFile.ImageFile, stream: IO[bytes]) -> str | None:
    """What a whole PNG that Pillow decoded without a word lacks, when its image data ends
    before the picture does (see pngfile.image_data_missing): the rows it never reached are
    black. Kept, with the damage said, when at most MAX_MISSING_ROWS of it is missing; else it
    fails. Only looked into when one of its last two rows is all zeros (what is left so). And
    whether its image data's checksums say it was damaged since it was written (Pillow reads
    past them): parts of the picture may then be garbled."""
    if not isinstance(stream, io.BytesIO):
        return None
    data = stream.getvalue()
    rows = np.asarray(im.crop((0, max(0, im.height - 2), im.width, im.height)))
    share = None if all(row.any() for row in rows) else pngfile.image_data_missing(data)
    if share is not None and share >= 1:  # no data found: its chunk runs past the file's end; count the rows left
        bbox = im.getbbox()
        share = 1.0 if bbox is None else (im.height - bbox[3]) / im.height
    if not share:
        return _DATA_GARBLED if pngfile.image_data_checksum_wrong(data) else None
    if share >= 1:
        raise ImageDecodeError("corrupt PNG data (none of the image can be read)")
    interlaced = bool(im.info.get("interlace"))
    part = f"{_percent(share)} of the image" if interlaced else f"the lower {_percent(share)} of the image"
    if share > MAX_MISSING_ROWS or interlaced:  # an interlaced one lacks every other pixel of its rows
        raise ImageDecodeError(f"corrupt PNG data ({part} cannot be read)")
    return f"{_DATA_DAMAGED}; {part} is missing"


def _filled_share(image: np.ndarray) -> np.ndarray:
    """Per row, the share of it that ends in one flat colour, where that is a quarter of it or
    more: a decoder fills what a cut JPEG's data does not reach, from where it stops to the end
    of the row (the row it stops in keeps its first blocks). Shorter runs are the photo's own,
    or a coarse progressive scan's blocks."""
    same = image == image[:, -1:]
    ending = (np.all(same, axis=2) if image.ndim == 3 else same)[:, ::-1]
    share = np.where(ending.all(axis=1), ending.shape[1], np.argmin(ending, axis=1)) / ending.shape[1]
    return np.where(share >= 0.25, share, 0.0)


def _first_row_past_the_data(image: np.ndarray, garbled: list[Image.Image]) -> int | None:
    """The first row that decoding fillers after a cut JPEG changes: as far as its own data
    goes, every decode agrees. None when none changes anything."""
    per_row = tuple(range(1, image.ndim))
    differs = np.any([np.any(image != np.asarray(other), axis=per_row) for other in garbled], axis=0)
    return int(np.argmax(differs)) if garbled and differs.any() else None


def _is_progressive(data: bytes) -> bool:
    with Image.open(io.BytesIO(data), formats=("JPEG",)) as im:
        return bool(im.info.get("progressive") or im.info.get("progression"))


def _percent(fraction: float) -> str:
    """A share missing, in whole percent on its side of MAX_MISSING_ROWS: a file that fails for
    more than a tenth missing never reads "10%" beside one kept with 10% missing; nor a file that
    kept its first row "the lower 100%"."""
    shown = max(1, round(fraction * 100)) if fraction >= 1 else min(99, max(1, round(fraction * 100)))
    return f"{max(shown, round(MAX_MISSING_ROWS * 100) + 1) if fraction > MAX_MISSING_ROWS else shown}%"


def _decode_cut_rows(stream: io.BytesIO, need_for: Callable[[tuple[int, int]], tuple[int, int]], fmt: str) -> _Decoded:
    """A PNG, GIF or BMP that stops early, as viewers show it: the rows its data holds, the
    rest empty. Kept, with the damage said, when at most MAX_MISSING_ROWS of its rows are
    missing; else it fails, saying how much is missing. An interlaced one cut after its first
    passes (every other pixel of every other row, or every fourth) holds all of the picture
    at less detail, as a progressive JPEG cut between scans does: kept so, from those pixels."""
    data = stream.getvalue()
    with truncation.SWITCH.lenient():
        found = _past_the_data(data, fmt)
        if found is None:
            raise ImageDecodeError("truncated file")
        missing_pixels, first = found
        missing = missing_pixels.any(axis=1)
        share = float(missing.mean())
        step = next((s for s in _INTERLACED_STEPS if share and fmt in ("png", "gif")
                     and not missing_pixels[::s, ::s].any()), None)
        if step is None and share > MAX_MISSING_ROWS:
            raise ImageDecodeError(f"truncated file ({_missing_part(missing)} is missing)")
        decoded = _decode_stream(io.BytesIO(data), need_for, retried=True)
    if step is not None:  # the pixels it has; the others filled in from the whole grid
        whole = np.asarray(_flatten_onto_white(_to_8bit(first), ignore_zero_alpha=fmt == "bmp"))
        coarse = np.asarray(Image.fromarray(whole[::step, ::step]).resize(first.size, Image.BILINEAR))
        image = Image.fromarray(np.where(missing_pixels[..., None], coarse, whole))
        if image.size != decoded.image.size:
            image = image.resize(decoded.image.size, Image.BOX)
        return dataclasses.replace(decoded, image=image,
                                   damage="the file ends early; all of the image is there, with less detail")
    if share:
        damage = f"the file ends early; {_missing_part(missing)} is missing"
    else:
        damage = "the file ends early; the image looks whole"
    return dataclasses.replace(decoded, damage=damage)


_INTERLACED_STEPS = (2, 4)
"""Grids of pixels a cut interlaced file may hold whole: PNG's passes 1-5 fill every other
pixel of every other row, passes 1-3 every fourth; GIF's first passes every fourth or other
row. Coarser (PNG's first pass alone: 1 pixel in 64) is too little to show the picture by."""


def _past_the_data(data: bytes, fmt: str) -> tuple[np.ndarray, Image.Image] | None:
    """Per pixel of a cut file's picture (as stored), whether its data stops short of it: those
    pixels are what two decodes over different fills disagree on; and the first decode. None
    when the decoder does not decode over the canvas it is given. Pillow must be lenient
    (truncation.SWITCH)."""
    first: tuple[np.ndarray, Image.Image] | None = None
    for fill in (0, 255):
        try:
            opened = Image.open(io.BytesIO(data), formats=_PIL_FORMATS[fmt])
        except MemoryError:
            raise
        except Exception as exc:  # cut inside its header
            log.debug("%s cut short in its header: %s: %s", _LABELS[fmt], type(exc).__name__, exc)
            return None
        with opened as im:
            with _DECODE_MEMORY.hold(_decode_cost(im, fmt, (0, 0))):
                canvas = Image.new(im.mode, im.size, fill)
                im.im = canvas.im
                try:
                    im.load()
                except MemoryError:
                    raise
                except Exception as exc:
                    log.debug("%s cut short: %s: %s", _LABELS[fmt], type(exc).__name__, exc)
                    return None
                if im.im is not canvas.im:
                    return None
                pixels = np.asarray(canvas)
                if first is None:
                    first = pixels, im.copy()  # with its palette
    assert first is not None
    return np.any(first[0] != pixels, axis=tuple(range(2, pixels.ndim))), first[1]


def _missing_part(missing: np.ndarray) -> str:
    """Which part of a picture the rows missing from a cut file are, in words."""
    if missing.all():
        return "all of the image"
    share = _percent(float(missing.mean()))
    rows = np.flatnonzero(missing)
    if len(rows) == rows[-1] - rows[0] + 1:  # one band
        if rows[-1] == len(missing) - 1:
            return f"the lower {share} of the image"
        if rows[0] == 0:
            return f"the upper {share} of the image"
    return f"{share} of the image"


def _decode_raw(stream: IO[bytes], need_for: Callable[[tuple[int, int]], tuple[int, int]]) -> _Decoded:
    """A camera raw, through the JPEG its camera embedded (see rawfile): the smallest that
    covers need_for(the largest's size) and shows the same frame, else the largest. The
    raw's own orientation and date win over the JPEG's (editors update the raw's)."""
    raw = rawfile.read_raw(stream)
    largest = max(raw.previews, key=lambda p: p.width * p.height, default=None)
    if largest is None:
        if raw.cut_short:
            raise ImageDecodeError("truncated file")
        if raw.misplaced:
            raise ImageDecodeError("damaged camera raw file (its header places its preview past the end of the file, "
                                   "which is not cut short)")
        raise ImageDecodeError(_NO_RAW_PREVIEW)
    full_size = (largest.width, largest.height)
    if raw.size is not None and raw.size[0] >= largest.width and _same_aspect(raw.size, full_size):
        full_size = raw.size
    same_frame = [p for p in raw.previews if _same_aspect((p.width, p.height), (largest.width, largest.height))]
    need = need_for(full_size)
    by_size = sorted(same_frame, key=lambda p: p.width * p.height)
    covering = [p for p in by_size if p.width >= need[0] and p.height >= need[1]]
    failure: ImageDecodeError | None = None
    for preview in dict.fromkeys(covering + by_size[::-1]):
        data = rawfile.read_preview(stream, preview)
        try:
            with _open_image(io.BytesIO(data), "jpeg", data[:_SNIFF_BYTES]) as im:
                with _DECODE_MEMORY.hold(_decode_cost(im, "jpeg", need)):
                    image, damage = _decode_rgb(im, "jpeg", need)
                facts = _read_exif(im)
        except ImageDecodeError as exc:
            failure = failure or exc
            continue
        orientation = raw.orientation if raw.orientation in range(1, 9) else facts.orientation
        taken_at = _parse_exif_datetime(raw.taken_at) or facts.taken_at or xmp_taken_at(raw.xmp)
        location = _location(raw.location) or facts.location
        return _Decoded("raw", image, full_size, orientation, taken_at, location, raw.xmp, damage=damage,
                        modified_at=facts.modified_at)
    raise ImageDecodeError(f"camera raw file whose preview cannot be decoded: {failure}")


def _decode_camera_preview(
    stream: IO[bytes], im: ImageFile.ImageFile, need: tuple[int, int]
) -> Image.Image | None:
    """The smallest camera preview (see jpegfile) that covers `need`, shows the main image's
    frame (its aspect within 1%, no larger) and shows what the camera's EXIF thumbnail of the
    main image shows, decoded; None when there is none, or it is broken or damaged, and the
    main image is decoded instead. A 24 MP photo decodes in 80 ms, its preview in 3; but a
    preview of another picture would make the photo a duplicate of that one, and only the
    thumbnail the camera made from the main image, decoded in a millisecond, vouches for it
    (a file without one is decoded from its main image). EXIF stays the main image's."""
    if need[0] <= 0 or need[1] <= 0:
        return None
    thumbnail = _exif_thumbnail(im)
    if thumbnail is None:
        return None
    width, height = im.size
    for data in jpegfile.camera_previews(stream, getattr(im, "mpinfo", None)):
        try:
            preview_stream = io.BytesIO(data)
            jpegfile.check_header(preview_stream)
            with Image.open(preview_stream, formats=("JPEG",)) as preview:
                pw, ph = preview.size
                if not (need[0] <= pw <= width and need[1] <= ph <= height):
                    continue
                if not _same_aspect((pw, ph), (width, height)):
                    continue
                with _DECODE_MEMORY.hold(_decode_cost(preview, "jpeg", need)):
                    image, damage = _decode_rgb(preview, "jpeg", need)
                if damage is None and _shows_the_same(image, thumbnail):
                    return image
                log.debug("camera preview damaged or of another picture; decoding the main image")
        except MemoryError:
            raise
        except Exception as exc:
            log.debug("camera preview unusable (%s: %s); decoding the main image", type(exc).__name__, exc)
    return None


def _exif_thumbnail(im: ImageFile.ImageFile) -> Image.Image | None:
    """The thumbnail a camera stores in EXIF (IFD1), made from the main image, as RGB."""
    raw = im.info.get("exif")
    if not isinstance(raw, bytes) or not raw.startswith(b"Exif\x00\x00"):
        return None
    try:
        ifd1 = im.getexif().get_ifd(ExifTags.IFD.IFD1)
        start, length = 6 + int(ifd1[_THUMBNAIL_OFFSET]), int(ifd1[_THUMBNAIL_LENGTH])
        data = raw[start:start + length]
        if len(data) != length or not 0 < length <= _EXIF_THUMBNAIL_MAX_BYTES:
            return None
        with Image.open(io.BytesIO(data), formats=("JPEG",)) as thumbnail:
            return thumbnail.convert("RGB")
    except MemoryError:
        raise
    except Exception as exc:
        log.debug("no EXIF thumbnail to check a preview by (%s: %s)", type(exc).__name__, exc)
        return None


def _shows_the_same(image: Image.Image, thumbnail: Image.Image) -> bool:
    """Whether two pictures of one frame look alike at a glance (a few dozen pixels compared)."""
    size = _LIKENESS_SIZE if image.width >= image.height else _LIKENESS_SIZE[::-1]
    first, second = (np.asarray(im.convert("RGB").resize(size, Image.BOX), dtype=np.int16) for im in (image, thumbnail))
    return float(np.abs(first - second).mean()) <= _LIKENESS_MAX_DIFFERENCE


@dataclass(frozen=True)
class _HeifLayout:
    """What checking a HEIF's thumbnail needs of its item structure (ISO/IEC 23008-12)."""

    primary: int
    is_grid: bool
    tiles: tuple[int, ...]  # the primary's tiles ('dimg'), row by row
    pitm_at: tuple[int, int]  # where the primary item's id is written in 'pitm', and its width in bytes
    hidden_flag_at: dict[int, int]  # item -> the byte of its 'infe' flags that holds "hidden"
    properties: dict[int, list[tuple[bytes, bytes]]]  # item -> its properties (type, content), in order


def _heif_thumbnail_vouched_for(stream: IO[bytes], thumbnail: Image.Image) -> bool:
    """Whether the embedded thumbnail pillow_heif's draft picked shows what the HEIF's main
    image shows. An editor may change the main image and keep the old thumbnail (or any file
    may hold another picture's): indexed as that picture, the photo would be a duplicate of it.
    A phone's HEIC is a grid of 512 x 512 tiles; one of them is decoded (about 10 ms, a full
    12 MP decode 300) and compared with the thumbnail where it lies: the one where the
    thumbnail shows the most detail, which another picture would not show there. False when
    they differ, or when there is no grid to check by (then the main image is decoded)."""
    try:
        data = _all_of(stream)
        layout = _heif_layout(data)
        if layout is None or not layout.is_grid or not layout.tiles:
            return False
        grid_size, tile_size = _ispe(layout.properties, layout.primary), _ispe(layout.properties, layout.tiles[0])
        moves = [(kind, content) for kind, content in layout.properties.get(layout.primary, ())
                 if kind in (b"irot", b"imir", b"clap")]
        if grid_size is None or tile_size is None or any(kind == b"clap" for kind, _ in moves):
            return False
        columns = -(-grid_size[0] // tile_size[0])
        rows = len(layout.tiles) // columns
        if rows * columns != len(layout.tiles) or rows * tile_size[1] < grid_size[1]:
            return False
        stored = thumbnail  # the thumbnail as the grid is stored: the grid's moves undone, last first
        for kind, content in reversed(moves):
            method = _HEIF_ROTATIONS[content[0] & 3] if kind == b"irot" else _HEIF_MIRRORS[content[0] & 1]
            stored = stored.transpose(_UNDONE.get(method, method)) if method is not None else stored
        scale = (stored.width / grid_size[0], stored.height / grid_size[1])
        boxes = {  # where each tile wholly in the picture lies on the thumbnail
            row * columns + column: tuple(round(v * scale[i % 2]) for i, v in enumerate(
                (column * tile_size[0], row * tile_size[1], (column + 1) * tile_size[0], (row + 1) * tile_size[1])))
            for row in range(rows) for column in range(columns)
            if (column + 1) * tile_size[0] <= grid_size[0] and (row + 1) * tile_size[1] <= grid_size[1]
        }
        boxes = {i: box for i, box in boxes.items() if min(box[2] - box[0], box[3] - box[1]) >= _LIKENESS_MIN_SIDE}
        if not boxes:
            return False
        pixels = np.asarray(stored.convert("L"), dtype=np.float32)
        index = max(boxes, key=lambda i: float(pixels[boxes[i][1]:boxes[i][3], boxes[i][0]:boxes[i][2]].std()))
        tile = _decode_heif_item(data, layout, layout.tiles[index], tile_size)
        return tile is not None and _shows_the_same(stored.crop(boxes[index]), tile)
    except MemoryError:
        raise
    except Exception as exc:  # a structure not as expected: the main image decides
        log.debug("HEIF thumbnail not checked (%s: %s)", type(exc).__name__, exc)
        return False
    finally:
        stream.seek(0)


_HEIF_ROTATIONS = (None, Image.Transpose.ROTATE_90, Image.Transpose.ROTATE_180, Image.Transpose.ROTATE_270)
"""'irot': a quarter turn anticlockwise per step, as libheif turns a HEIF's images."""
_HEIF_MIRRORS = (Image.Transpose.FLIP_TOP_BOTTOM, Image.Transpose.FLIP_LEFT_RIGHT)
"""'imir' axis 0 and 1, as libheif mirrors a HEIF's images (1.23: 0 flips top to bottom)."""
_UNDONE = {Image.Transpose.ROTATE_90: Image.Transpose.ROTATE_270, Image.Transpose.ROTATE_270: Image.Transpose.ROTATE_90}
_LIKENESS_MIN_SIDE = 8  # thumbnail pixels a compared part must span, to be more than its average colour
_HEIF_MAX_TILE_SIDE = 2048  # a phone's tiles are 512 pixels: a bigger "tile" is no cheap check


def _decode_heif_item(data: bytes, layout: _HeifLayout, item: int, size: tuple[int, int]) -> Image.Image | None:
    """One image item of a HEIF decoded alone, as RGB, untransformed: the file with that item as
    its primary one, no longer hidden (libheif decodes only the primary). None when it cannot be."""
    at, width = layout.pitm_at
    flag = layout.hidden_flag_at.get(item)
    if flag is None or item >= 1 << (8 * width) or max(size) > _HEIF_MAX_TILE_SIDE:
        return None
    patched = bytearray(data)
    patched[at:at + width] = item.to_bytes(width, "big")
    patched[flag] &= 0xFE
    with Image.open(io.BytesIO(patched), formats=_PIL_FORMATS["heif"]) as tile:
        if tile.size != size:
            return None
        tile.load()
        image = _flatten_onto_white(_to_8bit(tile), ignore_zero_alpha=False)
        return image.copy() if image is tile else image


def _ispe(properties: dict[int, list[tuple[bytes, bytes]]], item: int) -> tuple[int, int] | None:
    """An item's size from its 'ispe' property (a full box: version and flags, then two 32-bit sides)."""
    content = next((content for kind, content in properties.get(item, ()) if kind == b"ispe"), b"")
    if len(content) < 12:
        return None
    return int.from_bytes(content[4:8], "big"), int.from_bytes(content[8:12], "big")


def _iso_boxes(data: bytes, start: int, end: int) -> Iterator[tuple[bytes, int, int]]:
    """(type, where its content starts, where it ends) of each ISO-BMFF box from start to end."""
    while start + 8 <= end:
        size, kind, header = int.from_bytes(data[start:start + 4], "big"), data[start + 4:start + 8], 8
        if size == 1:
            size, header = int.from_bytes(data[start + 8:start + 16], "big"), 16
        elif size == 0:
            size = end - start
        if size < header or start + size > end:
            return
        yield kind, start + header, start + size
        start += size


def _heif_layout(data: bytes) -> _HeifLayout | None:
    """The item structure of a HEIF's 'meta' box, as far as checking its thumbnail needs; None
    when a box it needs is missing or not as the standard writes it."""
    meta = next(((start, end) for kind, start, end in _iso_boxes(data, 0, len(data)) if kind == b"meta"), None)
    if meta is None:
        return None
    boxes = {kind: (start, end) for kind, start, end in _iso_boxes(data, meta[0] + 4, meta[1])}
    if not {b"pitm", b"iinf", b"iref", b"iprp"} <= boxes.keys():
        return None

    def number(at: int, width: int) -> int:
        return int.from_bytes(data[at:at + width], "big")

    start, _ = boxes[b"pitm"]
    id_width = 2 if data[start] == 0 else 4
    primary = number(start + 4, id_width)
    hidden_flag_at, types = {}, {}
    start, end = boxes[b"iinf"]
    for kind, entry, entry_end in _iso_boxes(data, start + 4 + (2 if data[start] == 0 else 4), end):
        if kind == b"infe" and data[entry] in (2, 3):
            width = 2 if data[entry] == 2 else 4
            item = number(entry + 4, width)
            hidden_flag_at[item] = entry + 3
            types[item] = data[entry + 6 + width:entry + 10 + width]
    tiles: tuple[int, ...] = ()
    start, end = boxes[b"iref"]
    width = 2 if data[start] == 0 else 4
    for kind, ref, _ in _iso_boxes(data, start + 4, end):
        if kind == b"dimg" and number(ref, width) == primary:
            count = number(ref + width, 2)
            tiles = tuple(number(ref + width + 2 + i * width, width) for i in range(count))
    return _HeifLayout(primary, types.get(primary) == b"grid", tiles, (boxes[b"pitm"][0] + 4, id_width),
                       hidden_flag_at, _heif_properties(data, *boxes[b"iprp"]))


def _heif_properties(data: bytes, start: int, end: int) -> dict[int, list[tuple[bytes, bytes]]]:
    """Each item's properties, in the order its 'ipma' entry lists them (transformations apply so)."""
    children = list(_iso_boxes(data, start, end))
    ipco = next(((s, e) for kind, s, e in children if kind == b"ipco"), None)
    if ipco is None:
        return {}
    found = [(kind, data[s:e]) for kind, s, e in _iso_boxes(data, *ipco)]
    properties: dict[int, list[tuple[bytes, bytes]]] = {}
    for kind, s, e in children:
        if kind != b"ipma":
            continue
        version, wide = data[s], data[s + 3] & 1
        position, count = s + 8, int.from_bytes(data[s + 4:s + 8], "big")
        for _ in range(count):
            width = 2 if version < 1 else 4
            item = int.from_bytes(data[position:position + width], "big")
            associations = data[position + width]
            position += width + 1
            for _ in range(associations):
                size = 2 if wide else 1
                index = int.from_bytes(data[position:position + size], "big") & (0x7FFF if wide else 0x7F)
                position += size
                if 0 < index <= len(found):
                    properties.setdefault(item, []).append(found[index - 1])
            if position > e:
                return {}
    return properties


def _same_aspect(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return abs(a[0] * b[1] - a[1] * b[0]) <= _PREVIEW_ASPECT_TOLERANCE * a[1] * b[0]


def _open_image(stream: IO[bytes], fmt: str, head: bytes) -> ImageFile.ImageFile:
    """Open the header with only the plugins for `fmt`; refuse bombs and 0-pixel images."""
    formats = _heif_plugins(head) if fmt == "heif" else _PIL_FORMATS[fmt]
    if fmt == "jxl" and not _HAS_JXL:
        raise ImageDecodeError("JPEG XL image, but JPEG XL support (pillow-jxl-plugin) is not installed")
    if fmt == "jpeg2000" and not _HAS_JPEG2000:
        raise ImageDecodeError("JPEG 2000 image, but this Pillow build cannot decode JPEG 2000")
    if fmt == "jpeg":
        jpegfile.check_header(stream)
    elif fmt == "bmp":
        _check_bmp_header(stream)
    elif fmt == "tiff":
        _check_tiff_tags(stream)
    try:
        im = Image.open(stream, formats=formats)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageDecodeError(_too_large(_pixels_in_message(exc))) from None
    except Image.UnidentifiedImageError as exc:
        unsupported = _unsupported_variant(stream, fmt) or _without_frames(stream, fmt) or _no_pixels(stream, fmt)
        raise ImageDecodeError(unsupported or f"corrupt {_LABELS[fmt]} file (its header cannot be read)") from exc
    except MemoryError:
        raise
    except Exception as exc:
        log.debug("%s header: %s: %s", _LABELS[fmt], type(exc).__name__, exc)
        reason = _without_frames(stream, fmt) or _failure_reason(
            exc, fmt, "corrupt {} file (its header cannot be read)")
        if reason == "truncated file" and fmt in _END_MARKED and isinstance(stream, io.BytesIO) and _ends_whole(
                stream.getvalue(), fmt):
            reason = f"corrupt {_LABELS[fmt]} file (its header cannot be read)"  # a length in it past its end
        raise ImageDecodeError(reason) from exc
    width, height = im.size
    if width <= 0 or height <= 0:
        im.close()
        raise ImageDecodeError(f"image has no pixels ({width}x{height})")
    if width * height > MAX_PIXELS or max(width, height) > MAX_SIDE:
        im.close()
        raise ImageDecodeError(_too_large(width * height, (width, height)))
    return im


def _no_pixels(stream: IO[bytes], fmt: str) -> str | None:
    """Why Pillow cannot open a GIF or PNG whose header gives it a width or height of 0 (Pillow
    takes such a file for none of its format): it has no pixels, however the rest of it reads
    (Pillow's zero_width.gif). Else None. Rewinds the stream."""
    try:
        head = stream.read(24)
    finally:
        stream.seek(0)
    if fmt == "gif" and len(head) >= 10:
        width, height = int.from_bytes(head[6:8], "little"), int.from_bytes(head[8:10], "little")
    elif fmt == "png" and head[12:16] == b"IHDR" and len(head) >= 24:
        width, height = int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")
    else:
        return None
    return f"image has no pixels ({width}x{height})" if width == 0 or height == 0 else None


def _unsupported_variant(stream: IO[bytes], fmt: str) -> str | None:
    """Why Pillow cannot open a file whose header reads fine, when it is a variant of its format
    that Pillow does not decode (which would otherwise pass for a corrupt file); else None."""
    if fmt == "tiff":
        return _unsupported_tiff(stream)
    bits = jpegfile.sample_precision(stream) if fmt == "jpeg" else None
    if bits is not None and bits != 8:
        if not 2 <= bits <= 16:  # no JPEG has it (lossless ones have 2 to 16): a damaged header
            return f"corrupt JPEG file (its header gives {bits} bits per sample)"
        return f"{bits}-bit JPEG, which this Pillow cannot decode; convert it to 8 bits"
    return None


def _unsupported_tiff(stream: IO[bytes]) -> str | None:
    """Why Pillow cannot open a TIFF whose header reads fine: a compression it does not know
    (JPEG 2000, JPEG XL, PNG... in a TIFF), or floating-point samples it has no mode for (HDR
    and scientific software write them; Pillow reads only one 32-bit channel). None when
    that is not it."""
    try:
        stream.seek(0)
        head = stream.read(16)
        ifd = TiffImagePlugin.ImageFileDirectory_v2(head if head[2:4] in (b"+\x00", b"\x00+") else head[:8])
        stream.seek(ifd.next)
        ifd.load(stream)
    except Exception as exc:  # a header broken after all: corrupt it is
        log.debug("TIFF header: %s: %s", type(exc).__name__, exc)
        return None
    finally:
        stream.seek(0)
    compression = ifd.get(TiffImagePlugin.COMPRESSION)
    if isinstance(compression, int) and compression not in TiffImagePlugin.COMPRESSION_INFO:
        return f"unsupported TIFF compression ({_TIFF_COMPRESSION_NAMES.get(compression, f'code {compression}')})"
    if _IEEE_FLOAT not in ifd.get(TiffImagePlugin.SAMPLEFORMAT, ()):
        return None
    bits = ifd.get(TiffImagePlugin.BITSPERSAMPLE, ())
    kind = f"{bits[0]}-bit floating point samples" if bits else "floating point samples"
    return f"unsupported TIFF ({kind}): convert it to 8- or 16-bit"


_BMP_DEPTHS = frozenset((0, 1, 2, 4, 8, 16, 24, 32, 64))  # 0: a JPEG or PNG inside


def _check_bmp_header(stream: IO[bytes]) -> None:
    """A BMP may wrap a JPEG or PNG (printer spools do); Pillow only says "pixel depth (0)".
    One whose pixels would begin past its end has none: not "the lower 100%" of them cut. And a
    width below 1, or a pixel depth no BMP has, is a damaged header, which Pillow reads as
    billions of pixels or an unsupported variant."""
    header = stream.read(34)
    size = stream.seek(0, io.SEEK_END)
    stream.seek(0)
    if len(header) == 34 and int.from_bytes(header[14:18], "little") >= 40:
        inside = _BMP_WRAPPED.get(int.from_bytes(header[30:34], "little"))
        if inside:
            raise ImageDecodeError(f"unsupported BMP (a {inside} inside)")
        if int.from_bytes(header[18:22], "little", signed=True) <= 0:  # a negative height is top-down; width never
            raise ImageDecodeError("corrupt BMP file (its header gives a width below 1)")
        depth = int.from_bytes(header[28:30], "little")
        if depth not in _BMP_DEPTHS:
            raise ImageDecodeError(f"corrupt BMP file (its header gives {depth} bits a pixel)")
    if len(header) >= 14 and int.from_bytes(header[10:14], "little") >= size:
        if int.from_bytes(header[2:6], "little") > size:
            raise ImageDecodeError("truncated file (it ends before its pixels begin: none of the image is there)")
        raise ImageDecodeError("corrupt BMP file (it holds no pixels: they would begin past its end)")


def _without_frames(stream: IO[bytes], fmt: str) -> str | None:
    """Why Pillow cannot open a GIF or WebP whose header reads fine, when the file is whole but
    holds no picture: a GIF that ends (its trailer) before any image, an animated WebP with no
    frame. Else None."""
    try:
        stream.seek(0)
        data = stream.read(_FRAMES_SEARCHED)
    finally:
        stream.seek(0)
    if fmt == "gif" and _gif_has_no_image(data):
        return "GIF file with no frames (it holds no picture)"
    if fmt == "webp" and _webp_has_no_image(data):
        return "WebP file with no frames (it holds no picture)"
    return None


_FRAMES_SEARCHED = 1 << 20  # a GIF's or WebP's header and metadata before its first picture fit in it


def _all_of(stream: IO[bytes]) -> bytes:
    """A file's bytes, all of them: from one already in memory (a BytesIO), or read from its start."""
    stream.seek(0)
    return stream.getvalue() if isinstance(stream, io.BytesIO) else stream.read()


def _gif_has_no_image(data: bytes) -> bool:
    """Whether a GIF's blocks reach its trailer (0x3B) with no image descriptor (0x2C) before."""
    for kind, _ in _gif_blocks(data):
        if kind != 0x21:
            return kind == 0x3B  # an image, or something broken: the decoder says what
    return False


def _gif_ends_early(data: bytes) -> bool:
    """Whether a GIF (whose first frame decoded) stops within a block: its later frames cut off.
    One that only lacks its trailer is not said to, as some encoders write none."""
    blocks = list(_gif_blocks(data))
    return bool(blocks) and blocks[-1][0] in (0x21, 0x2C) and blocks[-1][1] > len(data)


def _gif_blocks_start(data: bytes) -> int:
    """Where a GIF's first block starts: after its header and global colour table."""
    return 13 + (3 << ((data[10] & 7) + 1) if len(data) > 10 and data[10] & 0x80 else 0)


def _gif_blocks(data: bytes) -> Iterator[tuple[int, int]]:
    """The kind of each of a GIF's blocks in turn (0x21 extension, 0x2C image, 0x3B trailer) and
    where it ends, up to its trailer, a byte that starts no block, or the end of `data`."""
    position = _gif_blocks_start(data)
    while position < len(data):
        kind = data[position]
        if kind == 0x2C:  # its descriptor, its own colours, the LZW code size; then its data's sub-blocks
            flags = data[position + 9] if position + 9 < len(data) else 0
            position += 11 + (3 << ((flags & 7) + 1) if flags & 0x80 else 0)
        elif kind == 0x21:  # its label; then its sub-blocks
            position += 2
        else:
            yield kind, position + 1
            return
        while position < len(data) and data[position]:
            position += 1 + data[position]
        position += 1
        yield kind, position


def _webp_has_no_image(data: bytes) -> bool:
    """Whether a whole WebP (as long as its RIFF header says) has no VP8, VP8L or ANMF chunk."""
    if len(data) < 12 or int.from_bytes(data[4:8], "little") + 8 > len(data):
        return False  # cut short (or too big to look at): not this
    position = 12
    while position + 8 <= len(data):
        if data[position:position + 4] in (b"VP8 ", b"VP8L", b"ANMF"):
            return False
        size = int.from_bytes(data[position + 4:position + 8], "little")
        position += 8 + size + (size & 1)  # chunks are padded to even sizes
    return True


def _ends_early(stream: IO[bytes], fmt: str) -> bool:
    """Whether the file stops before the end its container promises (asked after a failure)."""
    try:
        size = stream.seek(0, io.SEEK_END)
        stream.seek(0)
        head = stream.read(16)
        if fmt == "webp":
            return size < 8 + int.from_bytes(head[4:8], "little")
        if fmt == "tiff":  # its first IFD (which writers often put last) must be all there
            order = "little" if head[:2] == b"II" else "big"
            big = head[2:4] in (b"+\x00", b"\x00+")  # BigTIFF: 8-byte offsets and counts, 20-byte entries
            ifd = int.from_bytes(head[8:16] if big else head[4:8], order)
            if ifd + (8 if big else 2) > size:
                return ifd < sys.maxsize  # past where any file can reach, it is no cut file's but a broken header's
            return _tiff_ifd_end(stream, ifd, order, big) > size
        if fmt == "heif":
            return _boxes_end(stream, size) > size
        if fmt in _END_MARKED and size <= _WHOLE_READ_MOST:
            data = _all_of(stream)
            if fmt == "gif":
                return len(data) < _gif_blocks_start(data) or _gif_ends_early(data)
            if fmt == "jpeg":  # a phone's trailer after the end marker (Samsung's, a motion photo's video) is whole
                return jpegfile.END not in data
            return not _ends_whole(data, fmt)
    except (OSError, ValueError):
        pass
    return False


def _tiff_ifd_end(stream: IO[bytes], ifd: int, order: str, big: bool) -> int:
    """Where a TIFF's IFD at `ifd` and the values its entries point to end (libtiff writes them
    after the pixels, at the end of the file: a file cut there loses its header, not pixels)."""
    table_end, entries = _tiff_entries(stream, ifd, order, big)
    return max([table_end] + [at + length for _, length, at in entries])


def _tiff_entries(stream: IO[bytes], ifd: int, order: str, big: bool) -> tuple[int, list[tuple[int, int, int]]]:
    """Where the IFD at `ifd` ends, and (tag, length, offset) of each of its first
    _TIFF_ENTRIES_READ entries whose value stands apart from it."""
    stream.seek(ifd)
    entries = int.from_bytes(stream.read(8 if big else 2), order)
    table, inline = (20, 8) if big else (12, 4)
    listed = stream.read(table * min(entries, _TIFF_ENTRIES_READ))
    apart = []
    for at in range(0, len(listed) - table + 1, table):
        kind = int.from_bytes(listed[at + 2:at + 4], order)
        count = int.from_bytes(listed[at + 4:at + 4 + inline], order)
        length = count * _TIFF_TYPE_SIZES.get(kind, 1)
        if length > inline:
            apart.append((int.from_bytes(listed[at:at + 2], order), length,
                          int.from_bytes(listed[at + 4 + inline:at + table], order)))
    return ifd + (8 if big else 2) + table * entries + (8 if big else 4), apart


def _check_tiff_tags(stream: IO[bytes]) -> None:
    """Refuse a TIFF whose first IFD has a tag of more than _TIFF_TAG_MOST bytes (but the
    pixels' own tables and a layered Photoshop file's layers): Pillow reads every tag whole
    when it opens the file, a 512 MB "description" took 2 GB. Rewinds the stream."""
    try:
        head = stream.read(16)
        order = "little" if head[:2] == b"II" else "big"
        big = head[2:4] in (b"+\x00", b"\x00+")
        ifd = int.from_bytes(head[8:16] if big else head[4:8], order)
        if ifd >= stream.seek(0, io.SEEK_END):
            return  # no IFD in the file to check: opening it says why (cut short, or a header broken)
        largest = max((length for tag, length, _ in _tiff_entries(stream, ifd, order, big)[1]
                       if tag not in _TIFF_LARGE_TAGS), default=0)
    finally:
        stream.seek(0)
    if largest > _TIFF_TAG_MOST:
        raise ImageDecodeError(f"corrupt TIFF file (a tag of {largest / 1e6:.0f} MB in its header, more than any photo "
                               "has)")


_TIFF_TYPE_SIZES = {3: 2, 4: 4, 5: 8, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 13: 4, 16: 8, 17: 8, 18: 8}  # others: 1 byte
_TIFF_ENTRIES_READ = 512
_TIFF_TAG_MOST = 64 << 20
_TIFF_LARGE_TAGS = frozenset({273, 279, 324, 325, 34377, 37724})  # strips' and tiles' tables, Photoshop's


def _ends_whole(data: bytes, fmt: str) -> bool:
    """Whether a PNG, GIF or JPEG ends as its format ends a file: its end chunk, trailer or marker."""
    tail = data.rstrip(b"\0") if fmt == "jpeg" else data  # a copy padded to its block size
    return tail.endswith(_END_MARKED[fmt])


_END_MARKED = {"png": b"IEND\xaeB`\x82", "gif": b"\x3b", "jpeg": jpegfile.END}
_WHOLE_READ_MOST = 256 << 20
_TAIL_BYTES = 4096  # what ends_as_a_whole_file reads of a file's end: a copy's padding to its block size


def ends_as_a_whole_file(path: Path) -> bool:
    """Whether a JPEG, PNG or GIF ends as its format ends a file (_ends_whole); True for other formats, which
    mark no end, and for a file that cannot be read (decoding says why). A photo its writer closed that does not
    may be only what a sync client wrote of it so far: it writes a photo in place, chunk by chunk, closing it in
    between. Only its first and last bytes are read."""
    try:
        with open_regular(path) as fh:
            fmt = sniff_format(fh.read(_SNIFF_BYTES))
            if fmt not in _END_MARKED:
                return True
            fh.seek(max(0, fh.seek(0, os.SEEK_END) - _TAIL_BYTES))
            return _ends_whole(fh.read(_TAIL_BYTES), fmt)
    except OSError:
        return True


def _boxes_end(stream: IO[bytes], size: int) -> int:
    """Where the top-level ISO-BMFF boxes say the file ends (at most `size` + one box)."""
    position = 0
    while position < size:
        stream.seek(position)
        header = stream.read(16)
        if len(header) < 8:
            return size + 1
        box_size = int.from_bytes(header[:4], "big")
        if box_size == 1:
            box_size = int.from_bytes(header[8:16], "big")
        elif box_size == 0:  # "runs to the end of the file"
            return size
        if box_size < 8:
            return size  # malformed, not short: let the decoder's word stand
        position += box_size
    return position


def _heif_plugins(head: bytes) -> tuple[str, ...]:
    """Plugins for an ISO-BMFF image, AV1 first for AVIF; fail clearly when none is installed."""
    is_avif = bool(_heif_brands(head) & _AVIF_BRANDS)
    if is_avif and not _HAS_AVIF:
        raise ImageDecodeError("AVIF image, but this Pillow build cannot decode AVIF")
    if not is_avif and not _HAS_HEIF:
        raise ImageDecodeError("HEIC/HEIF image, but HEIF support (pillow-heif) is not installed")
    plugins = _PIL_FORMATS["heif"]
    return tuple(reversed(plugins)) if is_avif else plugins


def _decode_cost(im: ImageFile.ImageFile, fmt: str, need: tuple[int, int]) -> int:
    """Set up reduced decoding and estimate the bytes it will hold; refuse what is too much.

    JPEG scales in the DCT (draft); HEIF may pick an embedded thumbnail; everything else is
    decoded in full.
    """
    coefficients = _coefficient_bytes(im) if fmt == "jpeg" else 0  # of the full size: before draft
    if need[0] > 0 and need[1] > 0:
        im.draft("RGB", need)
    width, height = im.size  # after draft: what will really be decoded
    per_pixel = _BYTES_PER_PIXEL.get(im.mode, _BYTES_PER_PIXEL_DEFAULT)
    if fmt == "heif" and int(im.info.get("bit_depth") or 8) > 8:
        per_pixel = max(per_pixel, _BYTES_PER_PIXEL_DEEP_HEIF)
    if width * height * per_pixel > MAX_DECODE_BYTES:
        raise ImageDecodeError(
            f"image too large to decode ({width * height / 1e6:.0f} megapixels; "
            f"at most {MAX_DECODE_BYTES / per_pixel / 1e6:.0f} for a {_LABELS[fmt]} of this kind)"
        )
    return width * height * per_pixel + coefficients


def _coefficient_bytes(im: ImageFile.ImageFile) -> int:
    """What libjpeg holds to decode a progressive JPEG besides its output: every DCT coefficient
    of the whole image (two bytes each, 64 per 8 x 8 block of each component at its sampling),
    however reduced the output, since any later scan may refine any block. A 16000 x 15000
    4:4:4 photo holds 1.4 GB so, where its reduced output is a few megabytes. Nothing for a
    sequential JPEG, decoded a few rows of blocks at a time."""
    if not (im.info.get("progressive") or im.info.get("progression")):
        return 0
    width, height = im.size
    factors = [(layer[1], layer[2]) for layer in getattr(im, "layer", ()) if layer[1] > 0 and layer[2] > 0]
    if not factors:  # a header Pillow read without its sampling: every component at full size
        factors = [(1, 1)] * len(im.getbands())
    most_h, most_v = max(h for h, _ in factors), max(v for _, v in factors)
    total = 0
    for h, v in factors:  # blocks across and down, rounded up to whole MCUs as libjpeg allocates them
        across = _ceil_div(_ceil_div(_ceil_div(width * h, most_h), 8), h) * h
        down = _ceil_div(_ceil_div(_ceil_div(height * v, most_v), 8), v) * v
        total += across * down * 64 * 2
    return total


def _ceil_div(a: int, b: int) -> int:
    return -(-a // b)


def _decode_rgb(
    im: ImageFile.ImageFile, fmt: str, need: tuple[int, int], check: bool = True
) -> tuple[Image.Image, str | None]:
    """Decode as _decode_cost set up, as a new 8-bit RGB image box-reduced by the largest
    integer factor that stays >= need; and what is wrong with its data when it decodes all
    the same (a JPEG's, see _checked_jpeg; not asked on a second try, which says it itself)."""
    checked, damage = _checked_jpeg(im) if fmt == "jpeg" and check else (None, None)
    if checked is not None:
        image = checked
    else:
        image = _load(im, fmt)
    image = _reduced(image, need)
    image = _flatten_onto_white(image, ignore_zero_alpha=fmt == "bmp")
    if image is im:  # detach from the file object (closing `im` would break it)
        image = image.copy()
    return image, damage


def _checked_jpeg(im: ImageFile.ImageFile) -> tuple[Image.Image | None, str | None]:
    """A JPEG decoded by libjpeg-turbo told to stop at its first warning, at the size draft set:
    Pillow's decoder (the same library) shows damaged data without a word, so a photo that bit
    rot garbled would pass for whole, and a duplicates clean-up could keep it over its intact
    copy. (pixels, None) when it decodes clean; (None, damage) when its data is damaged;
    (None, None) when this cannot tell, and Pillow decodes it as it would anyway."""
    if simplejpeg is None or im.mode not in _STRICT_COLORSPACES or not isinstance(im.fp, io.BytesIO):
        return None, None
    try:
        pixels = _decode_strictly(im.fp.getvalue(), im.mode, im.size)
    except ValueError as exc:
        log.debug("JPEG decoded strictly: %s", exc)
        if not _is_damage(str(exc), im.fp.getvalue()):
            return None, None
        stopped = "premature end of data segment" in str(exc).lower()
        return None, _JPEG_DATA_STOPS_EARLY if stopped else _DATA_GARBLED
    width, height = im.size
    if pixels.shape[:2] != (height, width) or im.mode == "CMYK":  # Pillow knows which CMYK is stored inverted
        return None, None
    return Image.fromarray(pixels if im.mode == "RGB" else pixels[..., 0], im.mode), None


_STRICT_COLORSPACES = {"RGB": "RGB", "L": "GRAY", "CMYK": "CMYK"}


def _decode_strictly(data: bytes, mode: str, size: tuple[int, int]) -> np.ndarray:
    """simplejpeg's decode that stops at libjpeg's first warning, no smaller than `size`. Stray
    bytes between header segments (before its first scan) warn as damaged data does, "N
    extraneous bytes before marker 0xdb", but touch no pixel: such a file is decoded again
    without them (jpegfile.without_header_junk), so that only what lies in its image data can
    stop it. Raises ValueError with libjpeg's warning."""
    def decode(jpeg: bytes) -> np.ndarray:
        return simplejpeg.decode_jpeg(jpeg, colorspace=_STRICT_COLORSPACES[mode], min_width=size[0],
                                      min_height=size[1], strict=True)

    try:
        return decode(data)
    except ValueError as exc:
        sound = jpegfile.without_header_junk(data) if "extraneous bytes" in str(exc).lower() else None
        if sound is None:
            raise
    return decode(sound)


def _is_damage(warning: str, data: bytes) -> bool:
    """Whether libjpeg's first complaint about a JPEG that decodes says its image data is
    damaged. Not: a bad ICC segment (the pixels are fine), nor bytes left over before the end
    marker that are zero padding or a few (encoders that flush a byte or two too many); more
    left over is data the decoder did not need, which a damaged code makes (dozens of bytes)."""
    found = re.match(r"corrupt jpeg data: (.*)", warning.strip(), re.IGNORECASE)
    if not found or "icc" in found.group(1).lower():
        return False
    left_over = re.fullmatch(r"(\d+) extraneous bytes before marker 0xd9", found.group(1), re.IGNORECASE)
    if left_over:
        count = int(left_over.group(1))
        end = jpegfile.image_end(data)
        before = data[:end].rstrip(b"\xff") if end is not None else b""
        return count > _HARMLESS_LEFT_OVER and (len(before) < count or any(before[-count:]))
    return True


def _load(im: ImageFile.ImageFile, fmt: str) -> Image.Image:
    """Pillow's decode, every way it can fail turned into a reason, as one of L, LA, RGB, RGBA."""
    try:
        im.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageDecodeError(_too_large(_pixels_in_message(exc))) from None
    except MemoryError:
        raise
    except Exception as exc:
        log.debug("%s data: %s: %s", _LABELS[fmt], type(exc).__name__, exc)
        compression = im.info.get("compression") if fmt == "tiff" else None
        if compression and compression not in _TIFF_COMPRESSIONS_READ:
            raise ImageDecodeError(f"unsupported TIFF compression ({compression})") from exc
        raise ImageDecodeError(_failure_reason(exc, fmt, "corrupt {} data (the image cannot be decoded)")) from exc
    try:  # a header that loads but contradicts itself (a palette image without a palette)
        return _to_8bit(im)
    except (AssertionError, ValueError, TypeError, KeyError, IndexError) as exc:
        log.debug("%s pixels: %s: %s", _LABELS[fmt], type(exc).__name__, exc)
        raise ImageDecodeError(f"corrupt {_LABELS[fmt]} data (the image cannot be decoded)") from exc


def _reduced(image: Image.Image, need: tuple[int, int]) -> Image.Image:
    """Box-reduced by the largest integer factor that keeps both sides >= need."""
    if need[0] > 0 and need[1] > 0:
        factor = min(image.width // need[0], image.height // need[1])
        if factor > 1:
            return image.reduce(factor)
    return image


def _to_8bit(im: Image.Image) -> Image.Image:
    """Bring any Pillow mode to one of L, LA, RGB, RGBA with the right tones and colours."""
    mode = im.mode
    if mode in ("RGBA", "LA"):
        return im
    if mode in ("RGB", "L", "P", "PA", "1") and im.has_transparency_data:
        return im.convert("RGBA")
    if mode in ("RGB", "L"):
        return im
    if mode in ("P", "PA", "RGBX", "YCbCr", "HSV"):
        return im.convert("RGB")
    if mode == "1":
        return im.convert("L")
    if mode in ("RGBa", "La"):
        return im.convert(mode.upper())
    if mode == "CMYK":
        return _cmyk_to_rgb(im)
    if mode.startswith("I") or mode == "F":
        values = np.asarray(im)
        grey = Image.fromarray(_gray_to_uint8(values, mode), "L")
        key = im.info.get("transparency")  # a 16-bit PNG's one transparent grey
        if isinstance(key, int):
            grey.putalpha(Image.fromarray(np.where(values == key, 0, 255).astype(np.uint8), "L"))
        return grey
    if mode == "LAB":
        return _lab_to_rgb(im)
    return im.convert("RGB")


def _gray_to_uint8(values: np.ndarray, mode: str) -> np.ndarray:
    """16-bit, 32-bit and float grey to 8 bits by their real range (Pillow would clip to white)."""
    if mode.startswith("I;16"):
        return (values.astype(np.uint16) >> 8).astype(np.uint8)
    with np.errstate(all="ignore"):  # NaNs and infinities are handled, not worth a warning
        data = values.astype(np.float64)
        finite = np.isfinite(data)
        if not finite.all():
            data = np.where(finite, data, 0.0)
        lo, hi = (float(data.min()), float(data.max())) if data.size else (0.0, 0.0)
        if mode == "F" and lo >= 0.0 and hi <= 1.0:
            scaled = data * 255.0  # floats in 0..1, the usual convention
        elif lo >= 0.0 and hi <= 255.0:
            scaled = data
        elif lo >= 0.0 and hi <= 65535.0:
            scaled = data / 257.0  # 16-bit samples widened to 32-bit "I"
        else:
            scaled = (data - lo) * (255.0 / (hi - lo))
        return np.clip(np.rint(scaled), 0, 255).astype(np.uint8)


def _cmyk_to_rgb(im: Image.Image) -> Image.Image:
    """CMYK by its embedded ICC profile when it has a usable one, else Pillow's formula."""
    icc = im.info.get("icc_profile")
    if icc:
        try:
            from PIL import ImageCms

            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            return ImageCms.profileToProfile(
                im, source, ImageCms.createProfile("sRGB"), outputMode="RGB"
            )
        except Exception as exc:  # ImportError, PyCMSError, a corrupt profile: all the same
            log.debug("CMYK colour profile not usable (%s); converting without it", exc)
    return im.convert("RGB")


def _lab_to_rgb(im: Image.Image) -> Image.Image:
    """CIELab (some TIFFs) to sRGB; the lightness channel alone if colour management fails."""
    try:
        from PIL import ImageCms

        transform = ImageCms.buildTransformFromOpenProfiles(
            ImageCms.createProfile("LAB"), ImageCms.createProfile("sRGB"), "LAB", "RGB"
        )
        return ImageCms.applyTransform(im, transform)
    except Exception as exc:
        log.debug("Lab conversion failed (%s); using lightness only", exc)
        return im.getchannel("L")


def _flatten_onto_white(image: Image.Image, *, ignore_zero_alpha: bool) -> Image.Image:
    """Composite transparency onto white (as viewers show it), then RGB.

    Many 32-bit BMP writers leave the alpha bytes at zero without meaning "invisible";
    like browsers, such an all-zero alpha is ignored when `ignore_zero_alpha` is set.
    """
    if image.mode in ("RGBA", "LA"):
        alpha = image.getchannel("A")
        low, high = alpha.getextrema()
        if low == 255 or (high == 0 and ignore_zero_alpha):
            return image.convert("RGB")
        background = Image.new("RGB", image.size, (255, 255, 255))
        background.paste(image.convert("RGB"), mask=alpha)
        return background
    return image if image.mode == "RGB" else image.convert("RGB")


def _upright(image: Image.Image, orientation: int) -> Image.Image:
    method = _ORIENTATION_FIX.get(orientation)
    return image if method is None else image.transpose(method)


@dataclass(frozen=True)
class _ExifFacts:
    orientation: int = 1
    taken_at: str | None = None
    modified_at: str | None = None
    location: tuple[float, float] | None = None
    captions: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()  # Windows' (XPKeywords)


def _read_exif(im: Image.Image) -> _ExifFacts:
    """Orientation 1..8, date taken, GPS position, captions and Windows' keywords from EXIF; broken
    metadata counts as absent. The date taken is DateTimeOriginal, else DateTimeDigitized; DateTime
    (ModifyDate) is kept apart as `modified_at`: every editor writes it on export, so it says when
    a copy was saved, and the date in a file's name beats it (pipeline.taken_facts), as Immich has it."""
    try:
        exif = im.getexif()
    except Exception as exc:
        log.debug("unreadable EXIF (%s)", exc)
        return _ExifFacts()
    orientation = exif.get(_TAG_ORIENTATION, 1)
    if not isinstance(orientation, int) or orientation not in range(1, 9):
        orientation = 1
    try:
        details = exif.get_ifd(_TAG_EXIF_IFD)
    except Exception as exc:
        log.debug("unreadable EXIF sub-IFD (%s)", exc)
        details = {}
    dates = (_parse_exif_datetime(value, fraction) for value, fraction in (
        (details.get(_TAG_DATETIME_ORIGINAL), details.get(_TAG_SUBSEC_ORIGINAL)),
        (exif.get(_TAG_DATETIME_ORIGINAL), details.get(_TAG_SUBSEC_ORIGINAL)),
        (details.get(_TAG_DATETIME_DIGITIZED), details.get(_TAG_SUBSEC_DIGITIZED)),
    ))
    taken_at = next((d for d in dates if d is not None), None)
    modified_at = _parse_exif_datetime(exif.get(_TAG_DATETIME), details.get(_TAG_SUBSEC))
    try:
        gps = exif.get_ifd(_TAG_GPS_IFD)
    except Exception as exc:
        log.debug("unreadable GPS IFD (%s)", exc)
        gps = {}
    position = None
    if gps:
        position = (_gps_degrees(gps.get(2), gps.get(1), "NS"), _gps_degrees(gps.get(4), gps.get(3), "EW"))
    return _ExifFacts(orientation, taken_at, modified_at, _location(position),
                      tuple(captions.exif_texts(exif, details)), tuple(captions.xp_keywords(exif)))


def _xmp_packet(im: Image.Image) -> bytes | None:
    """The XMP packet a JPEG, PNG, WebP, HEIF or TIFF carries, as Pillow's plugins expose it."""
    packet = im.info.get("xmp") or im.info.get("XML:com.adobe.xmp")
    if packet is None and hasattr(im, "tag_v2"):
        try:
            packet = im.tag_v2.get(_TAG_XMP)
        except Exception as exc:  # a broken TIFF directory: no keywords, the photo is still read
            log.debug("unreadable TIFF XMP (%s)", exc)
    if isinstance(packet, str):
        packet = packet.encode("utf-8", "replace")
    return bytes(packet) if isinstance(packet, (bytes, bytearray)) and packet else None


def _gps_degrees(value: object, ref: object, refs: str) -> float | None:
    """EXIF GPS degrees, minutes, seconds (rationals) and their N/S or E/W reference (`refs`:
    the positive one, then the negative), signed. Minutes or seconds of 60 or more, or another
    reference, are garbage, not a position; a missing one is taken as N or E, as ExifTool does.
    Degrees written negative (some programs sign them) are west or south already: the
    reference cannot flip them back."""
    values = list(value) if isinstance(value, (tuple, list)) else [value]
    try:
        parts = [float(v) for v in values]
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    if not 1 <= len(parts) <= 3 or not all(math.isfinite(p) for p in parts):
        return None
    if not all(0 <= p < 60 for p in parts[1:]):
        return None
    degrees = abs(parts[0]) + sum(p / 60**i for i, p in enumerate(parts[1:], 1))
    if isinstance(ref, bytes):
        ref = ref.decode("latin-1")
    given = ref.strip("\0 ").upper()[:1] if isinstance(ref, str) else ""
    if given and given not in refs:
        return None
    return -degrees if parts[0] < 0 or given == refs[1] else degrees


def _location(position: tuple[float | None, float | None] | None) -> tuple[float, float] | None:
    """A position on Earth, or None: out of range, or exactly 0, 0 (a GPS that had no fix)."""
    if position is None:
        return None
    lat, lon = position
    if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    lat, lon = round(lat, 6), round(lon, 6)
    return None if lat == 0 and lon == 0 else (lat, lon)


def _parse_exif_datetime(value: object, fraction: object = None) -> str | None:
    """EXIF "YYYY:MM:DD HH:MM:SS" (or close variants) as ISO 8601; None for garbage. With its
    SubSecTime `fraction`, in milliseconds ("…T10:00:00.000"): the frames of a burst, taken
    within one second, are told apart by it (dedup), and a copy keeps it."""
    if isinstance(value, (tuple, list)) and value:
        value = value[0]
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    if not isinstance(value, str):
        return None
    match = _EXIF_DATE.match(value.replace("\x00", " ").strip())
    if match is None:
        return None
    moment = _moment([int(part) if part else 0 for part in match.groups()])
    if moment is None or moment == EPOCH:  # a clock reset
        return None
    if isinstance(fraction, bytes):
        fraction = fraction.decode("latin-1")
    digits = _SUBSEC.match(fraction.replace("\x00", " ").strip()) if isinstance(fraction, str) else None
    return _iso(moment, digits.group() if digits else None)


def dates_in_file(path: Path) -> tuple[str | None, str | None] | None:
    """(taken_at, modified_at) of a photo as decode_photo reads them, from its header alone (no
    pixel decoded): a library indexed before EXIF's ModifyDate came after the name's date, and
    before XMP dates were read, is dated anew at a fraction of indexing's cost (a PNG's chunks
    after its pixels are not read). None for a raw (a camera writes its ModifyDate when it takes
    the photo), or a file that cannot be read."""
    try:
        with open_regular(path) as stream:
            head = stream.read(_SNIFF_BYTES)
            stream.seek(0)
            fmt = sniff_format(head) or _sniff_named_like_a_photo(head)
            if fmt is None or fmt == "raw" or (fmt == "tiff" and rawfile.is_raw_tiff(stream)):
                return None
            stream.seek(0)
            with _open_image(stream, fmt, head) as im:
                facts = _read_exif(im)
                return facts.taken_at or xmp_taken_at(_xmp_packet(im)), facts.modified_at
    except MemoryError:
        raise
    except Exception as exc:  # anything a broken header raises: the date stays as it was
        log.debug("no dates read again from %s: %s", path, exc)
        return None


def xmp_taken_at(packet: bytes | None) -> str | None:
    """When an XMP packet (embedded, or a sidecar's) says the photo was taken: the first of its
    xmp.date_texts that is a date (_parse_xmp_datetime), as _parse_exif_datetime gives EXIF's."""
    return next(filter(None, map(_parse_xmp_datetime, xmp.date_texts(xmp.parse(packet)))), None)


def _parse_xmp_datetime(text: str) -> str | None:
    """An XMP date ("1998-12-24", "1998-12-24T18:00", "2023-07-04T15:30:00.123+02:00") as ISO 8601,
    the clock's time as written, its time zone left off as EXIF's offset is: the photo's own local
    time, whatever the zone of the machine reading it (a "Z" too: it says which clock, not another
    moment). None for garbage. A year or a month alone ("1998", "1998-12"), as scans of old prints
    are dated, is its first day, at midnight: searching for that year (or month) finds the photo and
    it sorts among that time's photos, where the scanner's date or the file's would put it decades
    off. That first day is no clock reset, though 1970 alone is the epoch's."""
    match = _XMP_DATE.fullmatch(text)
    if match is None:
        return None
    year, month, day, *clock, fraction = match.groups()
    moment = _moment([int(year), int(month or 1), int(day or 1), *(int(part or 0) for part in clock)])
    if moment is None or (moment == EPOCH and day is not None):
        return None
    return _iso(moment, fraction)


def _moment(parts: list[int]) -> datetime | None:
    """Year, month, day, hour, minute, second as a moment; None before the first photograph, for a
    day no calendar has, and for one past tomorrow (a clock set wrong)."""
    if parts[0] < _EARLIEST_YEAR:
        return None
    try:
        moment = datetime(*parts)
    except ValueError:
        return None
    return None if moment.date() > date.today() + timedelta(days=1) else moment


def _iso(moment: datetime, fraction: str | None) -> str:
    """`moment` as ISO 8601, to the second; to the millisecond with the `fraction` of a second written
    with it (its digits): the frames of a burst, taken within one second, are told apart by it."""
    if fraction is None:
        return moment.isoformat(timespec="seconds")
    return moment.replace(microsecond=int(fraction[:6].ljust(6, "0"))).isoformat(timespec="milliseconds")


def _fit_inside(size: tuple[int, int], max_side: int) -> tuple[int, int]:
    """The size that fits in a max_side square with the same aspect; never larger than size."""
    w, h = size
    longest = max(w, h)
    if longest <= max_side:
        return w, h
    scale = max_side / longest
    return max(1, round(w * scale)), max(1, round(h * scale))


def _failure_reason(exc: BaseException, fmt: str, otherwise: str) -> str:
    """A person's sentence for a decoder's error; `otherwise` ({} = the format) when the
    decoder's own words would mean nothing to them (they go to the debug log). Only what Pillow's
    plugins raise for a file they refuse (OSError, SyntaxError) has words of theirs to pass on:
    Python's own ("unsupported operand type(s)" of a TypeError) never reach a reason."""
    label = _LABELS[fmt]
    detail = _short(exc)
    lowered = detail.lower()
    if isinstance(exc, EOFError) or any(
        marker in lowered
        for marker in ("truncated", "premature end", "end of file", "not enough data", "not enough image data")
    ):
        return "truncated file"
    if "unsupported" in lowered and len(detail) <= 60 and isinstance(exc, (OSError, SyntaxError)):
        what = re.sub(rf"^unsupported\s+({re.escape(label)}\s+)?", "", detail, flags=re.IGNORECASE)
        what = re.sub(r"\((\d+)\)$", r"\1", what)  # "pixel depth (64)": within brackets of its own
        if what[1:2].islower():  # "Palette size" mid-sentence, but "RLE8" stays
            what = what[:1].lower() + what[1:]
        return f"unsupported {label} ({what})"
    if "max_text" in lowered or "text chunk" in lowered:
        return _METADATA_TOO_LARGE.format(label)
    if "security limit" in lowered:
        return f"{label} image refused by its decoder's safety limits"
    return otherwise.format(label)


def _too_large(pixels: int | None, size: tuple[int, int] | None = None) -> str:
    limit = MAX_PIXELS // 1_000_000
    if size is not None and max(size) > MAX_SIDE:
        return f"image too large ({size[0]}x{size[1]}; at most {MAX_SIDE} pixels a side)"
    if pixels is None:
        return f"image too large (over {limit} megapixels)"
    megapixels = pixels / 1_000_000
    shown = f"{megapixels:.0f}" if round(megapixels) > limit else f"{megapixels:.1f}"
    return f"image too large ({shown} megapixels; limit {limit})"


def _pixels_in_message(exc: BaseException) -> int | None:
    match = re.search(r"\((\d+) pixels\)", str(exc))
    return int(match.group(1)) if match else None


def _short(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    if len(text) > _REASON_DETAIL_CHARS:
        text = text[: _REASON_DETAIL_CHARS - 1] + "…"
    return text
