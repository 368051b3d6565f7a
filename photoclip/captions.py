"""Captions people wrote for their photos (a title or a description in digiKam, Lightroom,
Google Photos or Windows' file properties), so a search finds "grandma's 80th birthday" by
the words its owner wrote, which no model could know.

They are read from EXIF (ImageDescription, Windows' XPTitle / XPSubject / XPComment,
UserComment), IPTC (Headline, Object Name, Caption), XMP (dc:title, dc:description,
photoshop:Headline) in the file and in another program's sidecar, Google Takeout's JSON,
and the comments older tools such as IrfanView wrote into the file itself (a JPEG's COM
segments, a GIF's comment). Cameras fill EXIF's description with their own name ("OLYMPUS
DIGITAL CAMERA", "SONY DSC") or a placeholder ("default", "ASCII"), programs sign a file's
comment or description ("CREATOR: gd-jpeg v1.0 (using IJG JPEG v62), quality = 90", "Created
with GIMP"), and owners put a copyright notice or a licence there; such text is no caption and
is left out, and so is binary junk read as text. A PNG's text is not read: drawing programs
fill it with their document's title ("Adwaita Folder Icons").
"""

from __future__ import annotations

import contextlib
import logging
import re
import unicodedata
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
    jpeg jpg default untitled mvc pict sdc imag cimg media screenshot screenshots ascii unicode undefined jis
    picasa applemark
    olympus sony kodak minolta konica nikon canon samsung casio leica pentax fujifilm fuji panasonic sanyo
    ricoh sigma hp hewlett packard lg huawei xiaomi apple iphone motorola nokia htc zte oneplus google pixel
    vivitar polaroid sharp benq agfa premier concord praktica
""".split())
_STOP_WORDS = frozenset("""
    a an the of in at on with and or to for from by my our his her their me us is are some this that
    photo photos picture pictures image images
""".split())
_PROGRAM = (
    r"\b(?:gd-jpeg|ijg|libjpeg|mozjpeg|guetzli|intel\(r\) jpeg|jpeg library|lead technologies|ducky|jpegmini|"
    r"jpeg-recompress|imagemagick|graphicsmagick|gimp|(?:adobe )?photoshop|lightroom|snapseed|picasa|"
    r"image alchemy|handmade software|accusoft|acd ?systems|acdsee|irfanview|xv version|lav[cf]\d+|ffmpeg)\b"
)
_STAMP = (r"(?:file\s+)?(?:created|made|written|generated|processed|optimi[sz]ed|compressed|encoded|converted|"
          r"saved|edited)")
# Texts that fill a caption's place but say nothing of the photo, so a search for "john" or
# "gimp" would find every photo a person or a program signed. A notice starts with its sign or
# names a year ("Copy of the wedding invitation" and "Plan (c) for 2019" are captions); a
# program's stamp starts with its name, or says it made the file and names a program or a
# version ("Made with love in Lisbon" is a caption).
_NOT_A_CAPTION = re.compile("|".join((
    r"^\W*(?:©|\(c\)|\(p\)|℗|copyright\b)",  # "(c) Jane Doe", "© 2021 ACME Photo", "Copyright 2019 John Smith"
    r"(?:©|\(c\)|\bcopyright)\s*(?:\d{4}|by\b)",  # "Jane Doe, copyright 2004"
    r"\b(?:all|some) rights reserved\b",
    r"^\W*(?:l?gplv?\d*|creative ?commons|cc[- ]by|cc0|public domain|licen[cs]e)\b",  # "CC BY-SA 4.0 Jane Doe"
    r"\bcc[- ]by(?:-\w+)*\s*\d\.\d\b|\blicen[cs]ed under\b",
    r"^\W*creator:|\bquality\s*=\s*\d",  # "CREATOR: gd-jpeg v1.0 (using IJG JPEG v80), quality = 90"
    rf"^\W*{_PROGRAM}",  # "LEAD Technologies Inc. V1.01", "Lavc58.54.100", "Intel(R) JPEG Library, version 1.51"
    rf"^{_STAMP}\s+(?:with|by|using)\b.*(?:{_PROGRAM}|\d\.\d)",  # "Processed By eBay with ImageMagick, z1.1.0."
)), re.IGNORECASE)
_NOT_TEXT = frozenset(("Cc", "Co", "Cs", "Cn"))  # controls, private use, halves of a pair, unassigned
_EAST_ASIAN = frozenset(("CJK", "HIRAGANA", "KATAKANA", "HANGUL", "HALFWIDTH", "FULLWIDTH", "IDEOGRAPHIC", "BOPOMOFO"))
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
    if _looks_binary(text) or _NOT_A_CAPTION.search(text.strip()):
        return False
    return not all(w.strip("0123456789") in _NOT_CAPTION_WORDS or len(w) < 2 for w in letters)


def _looks_binary(text: str) -> bool:
    """Whether `text` is bytes that were never text, decoded anyway. Read as Latin-1: mostly
    accented letters, or many among control characters (a Windows quote, \x92, is one such
    in a real caption). Read as UTF-16: private-use and unassigned characters, and letters of
    more scripts than a person writes at once."""
    chars = [c for c in text if not c.isspace()]
    latin1 = sum("\x80" <= c <= "\xff" for c in chars)
    controls = sum(unicodedata.category(c) == "Cc" for c in chars)
    odd = sum(c == "\ufffd" or (c <= "\uffff" and unicodedata.category(c) in _NOT_TEXT and not "\x80" <= c <= "\x9f")
              for c in chars)
    scripts = {_script(c) for c in chars if c.isalpha()}
    return (2 * latin1 > len(chars) or (3 * latin1 > len(chars) and controls > 0)
            or (odd >= 2 and 20 * odd >= len(chars)) or len(scripts) > 3 or (odd > 0 and len(scripts - {"LATIN"}) > 1))


def _script(letter: str) -> str:
    """A letter's script, as the first word of its name says it ("CYRILLIC SMALL LETTER A");
    Chinese, Japanese and Korean count as one, as they are written together."""
    script = unicodedata.name(letter, "?").split(" ", 1)[0]
    return "CJK" if script in _EAST_ASIAN else script


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
    """The captions in a file's own comments (a JPEG's COM segments, a GIF's comment)."""
    if fmt == "jpeg":
        values = [data for marker, data in getattr(im, "applist", ()) if marker == "COM"][:_COMMENTS_READ]
    elif fmt == "gif":
        values = [im.info.get("comment")]
    else:
        return []
    texts = [_text(_head(value)) for value in values]
    return [t for t in texts if is_caption(t)]


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
    """EXIF and IPTC text as Pillow gives it: str (EXIF's ASCII fields, read as Latin-1 though
    programs write UTF-8 there: "Â© 2021"), ASCII bytes, Windows' UTF-16 bytes, or a tuple of
    byte values (XP tags)."""
    if isinstance(value, tuple) and all(isinstance(v, int) for v in value):
        value = bytes(v & 0xFF for v in value)
    if isinstance(value, str) and not value.isascii() and max(value) <= "\xff":
        with contextlib.suppress(UnicodeDecodeError):
            value = value.encode("latin-1").decode("utf-8")
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
