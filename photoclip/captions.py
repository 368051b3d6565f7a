"""Captions people wrote for their photos (a title or a description in digiKam, Lightroom,
Google Photos or Windows' file properties), so a search finds "grandma's 80th birthday" by
the words its owner wrote, which no model could know.

They are read from EXIF (ImageDescription, Windows' XPTitle / XPSubject / XPComment,
UserComment), IPTC (Headline, Object Name, Caption), XMP (dc:title, dc:description,
photoshop:Headline) in the file and in another program's sidecar, Google Takeout's JSON,
and the comments older tools such as IrfanView wrote into the file itself (a JPEG's COM
segments, a GIF's comment). Cameras fill EXIF's description with their own name ("OLYMPUS
DIGITAL CAMERA", "SONY DSC"), and programs sign a file's comment ("CREATOR: gd-jpeg v1.0
(using IJG JPEG v62), quality = 90", "Created with GIMP") or put a licence there; such text
is no caption and is left out. A PNG's text is not read: drawing programs fill it with their
document's title ("Adwaita Folder Icons").
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping

from PIL import Image

from photoclip import cjk, xmp

log = logging.getLogger(__name__)

MAX_CAPTION_CHARS = 2000
_COMMENTS_READ = 4  # a JPEG's first COM segments: a file may hold hundreds
_EXIF_TEXT_TAGS = (0x010E, 0x9C9B, 0x9C9F, 0x9C9C)  # ImageDescription, XPTitle, XPSubject, XPComment
_EXIF_MAKE, _EXIF_MODEL, _EXIF_USER_COMMENT = 0x010F, 0x0110, 0x9286
_IPTC_TEXT_TAGS = ((2, 105), (2, 5), (2, 120))  # Headline, Object Name, Caption-Abstract
_XMP_TEXT_ELEMENTS = (xmp.DC + "title", "{http://ns.adobe.com/photoshop/1.0/}Headline", xmp.DC + "description")
_NOT_CAPTION_WORDS = frozenset("""
    digital camera cameras still dsc dsci dscn dscf dcim img image images picture pictures photo photos exif
    jpeg jpg default untitled mvc pict sdc imag cimg media
    olympus sony kodak minolta konica nikon canon samsung casio leica pentax fujifilm fuji panasonic sanyo
    ricoh sigma hp hewlett packard lg huawei xiaomi apple iphone motorola nokia htc zte oneplus google pixel
    vivitar polaroid sharp benq agfa premier concord praktica
""".split())
_STOP_WORDS = frozenset("""
    a an the of in at on with and or to for from by my our his her their me us is are some this that
    photo photos picture pictures image images
""".split())
_NOT_A_COMMENT = re.compile(
    r"creator:|\b(?:created|written|generated|processed|optimi[sz]ed|compressed|encoded|converted|saved|edited)"
    r"\s+(?:with|by|using)\b|\bquality\s*=|\b(?:gd-jpeg|ijg|jpeg library|lead technologies|applemark|ducky|"
    r"jpegmini|jpeg-recompress|mozjpeg|imagemagick|gimp|photoshop|image alchemy|accusoft|acd systems|xv version|"
    r"copyright|licen[cs]ed?|l?gplv?\d*|creative ?commons|cc[- ]by(?:-\w+)*|all rights reserved|public domain)\b"
    r"|©|\(c\)",
    re.IGNORECASE,
)
_WORD = re.compile(r"\w+")
_LABEL_WORD = re.compile(r"[^\W_]+")  # "Exif_JPEG_PICTURE" is three words


def is_caption(text: str, camera: str = "") -> bool:
    """Whether `text` reads as something a person wrote about the photo, not what its camera
    or a program filled in (the camera's own name, "DIGITAL CAMERA", a file name)."""
    words = [w for w in _LABEL_WORD.findall(text.casefold()) if not w.isdigit()]
    letters = [w for w in words if any(c.isalpha() for c in w)]
    if not letters:
        return False
    if camera and text.strip().casefold() in camera.casefold():
        return False
    chars = [c for c in text if not c.isspace()]
    if 2 * sum("\x80" <= c <= "\xff" for c in chars) > len(chars):  # binary junk read as Latin-1
        return False
    return not all(w.strip("0123456789") in _NOT_CAPTION_WORDS or len(w) < 2 for w in letters)


def exif_texts(exif: Mapping[int, object], details: Mapping[int, object]) -> list[str]:
    """The captions in a photo's EXIF (`details`: its Exif sub-IFD)."""
    camera = " ".join(_text(exif.get(tag)) for tag in (_EXIF_MAKE, _EXIF_MODEL))
    texts = [_text(exif.get(tag)) for tag in _EXIF_TEXT_TAGS] + [_user_comment(details.get(_EXIF_USER_COMMENT))]
    return [t for t in texts if is_caption(t, camera)]


def iptc_texts(im: Image.Image) -> list[str]:
    """The captions in a JPEG's or TIFF's IPTC block."""
    try:
        from PIL import IptcImagePlugin

        info = IptcImagePlugin.getiptcinfo(im) or {}
    except Exception as exc:  # a broken IPTC block: no caption, the photo is still read
        log.debug("unreadable IPTC (%s)", exc)
        return []
    texts = []
    for key in _IPTC_TEXT_TAGS:
        value = info.get(key)
        for item in value if isinstance(value, list) else [value]:
            text = _text(item)
            if is_caption(text):
                texts.append(text)
    return texts


def comment_texts(im: Image.Image, fmt: str) -> list[str]:
    """The captions in a file's own comments (a JPEG's COM segments, a GIF's comment), without
    what programs sign there or the licence its author put there."""
    if fmt == "jpeg":
        values = [data for marker, data in getattr(im, "applist", ()) if marker == "COM"][:_COMMENTS_READ]
    elif fmt == "gif":
        values = [im.info.get("comment")]
    else:
        return []
    texts = [_text(_head(value)) for value in values]
    return [t for t in texts if is_caption(t) and not _NOT_A_COMMENT.search(t)]


def _head(value: object) -> object:
    """The first bytes of a long comment, enough for MAX_CAPTION_CHARS letters of any script and
    cut where a UTF-8 letter starts: only a caption's length of it is kept, and a file may hold
    hundreds of comments of 64 KB each."""
    if not isinstance(value, bytes) or len(value) <= 4 * MAX_CAPTION_CHARS:
        return value
    cut = 4 * MAX_CAPTION_CHARS
    while cut > 0 and value[cut] & 0xC0 == 0x80:
        cut -= 1
    return value[:cut]


def xmp_texts(packet: bytes | None) -> list[str]:
    """The titles and descriptions of an XMP packet (each language once)."""
    root = xmp.parse(packet)
    if root is None:
        return []
    texts = []
    for name in _XMP_TEXT_ELEMENTS:
        for element in root.iter(name):
            items = list(element.iter(xmp.RDF_ITEM)) or [element]
            texts += [(item.text or "").strip() for item in items]
    return [t for t in texts if is_caption(t)]


def sidecar_texts(sidecars: Iterable[bytes]) -> list[str]:
    """The captions in the sidecars another program keeps beside a photo (the packets
    xmp.others_sidecars read)."""
    return [text for packet in sidecars for text in xmp_texts(packet)]


def joined(texts: Iterable[str]) -> str | None:
    """One caption of many texts: each once (any case), in order, at most MAX_CAPTION_CHARS."""
    seen: dict[str, str] = {}
    for text in texts:
        clean = " ".join(text.split())
        if clean and clean.casefold() not in seen:
            seen[clean.casefold()] = clean
    caption = "\n".join(seen.values())[:MAX_CAPTION_CHARS]
    return caption or None


def search_words(texts: Iterable[str]) -> list[str]:
    """The words of a query that a caption must hold for the photo to count as described by
    it: none of the little words ("a", "at the"), each once. One Chinese or Japanese
    character can be a word ("犬", a dog)."""
    words = (w for text in texts for w in _WORD.findall(text.casefold()))
    return list(dict.fromkeys(w for w in words if (len(w) > 1 or cjk.has_cjk(w)) and w not in _STOP_WORDS))


def _text(value: object) -> str:
    """EXIF and IPTC text as Pillow gives it: str, ASCII bytes, Windows' UTF-16 bytes, or a
    tuple of byte values (XP tags)."""
    if isinstance(value, tuple) and all(isinstance(v, int) for v in value):
        value = bytes(v & 0xFF for v in value)
    if isinstance(value, bytes):
        if len(value) >= 2 and value[1::2].count(0) >= len(value) // 4:  # UTF-16LE, as Windows writes XP tags
            value = value.decode("utf-16-le", "replace")
        else:
            try:
                value = value.decode("utf-8")
            except UnicodeDecodeError:  # Latin-1 text has a few accented letters, binary junk many
                high = sum(b >= 0x80 for b in value)
                value = value.decode("latin-1") if high * 4 < len(value) else ""
    return value.replace("\0", " ").strip() if isinstance(value, str) else ""


def _user_comment(value: object) -> str:
    """EXIF's UserComment: an 8-byte character code ("ASCII", "UNICODE", or none), then text."""
    if isinstance(value, str):
        return value.replace("\0", " ").strip()
    if not isinstance(value, bytes) or len(value) <= 8:
        return ""
    code, body = value[:8].rstrip(b"\0 ").upper(), value[8:]
    if code == b"UNICODE":
        big_endian = body[:1] == b"\0"
        return body.decode("utf-16-be" if big_endian else "utf-16-le", "replace").replace("\0", " ").strip()
    return _text(body)
