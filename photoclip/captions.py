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
with GIMP"), and owners put a copyright notice, a credit ("Photo: © Jane Doe") or a licence
there; such text is no caption and is left out, and so is binary junk read as text. A PNG's
text is not read: drawing programs fill it with their document's title ("Adwaita Folder Icons").

The keywords IPTC and Windows keep beside these (iptc_keywords, xp_keywords) are read here too,
by the same decoding of their text; keywords.py makes tag names of them.
"""

from __future__ import annotations

import codecs
import itertools
import logging
import re
import unicodedata
from collections.abc import Iterable, Mapping

from PIL import Image

from photoclip import cjk, xmp
from photoclip.names import marked_words, one_spelling, spelling_key

log = logging.getLogger(__name__)

MAX_CAPTION_CHARS = 2000
_COMMENTS_READ = 4  # a JPEG's first COM segments: a file may hold hundreds
_EXIF_DESCRIPTION = 0x010E  # ImageDescription
_EXIF_XP_TEXT_TAGS = (0x9C9B, 0x9C9F, 0x9C9C)  # XPTitle, XPSubject, XPComment: Windows' UTF-16LE
_EXIF_MAKE, _EXIF_MODEL, _EXIF_USER_COMMENT = 0x010F, 0x0110, 0x9286
_IPTC_TEXT_TAGS = ((2, 105), (2, 5), (2, 120))  # Headline, Object Name, Caption-Abstract
_IPTC_KEYWORDS = (2, 25)
_IPTC_RESOURCE, _TIFF_IPTC = 0x0404, 33723  # where a JPEG's Photoshop APP13 and a TIFF keep the IPTC block
_IIM_MARKER = 0x1C
_EXIF_XP_KEYWORDS = 0x9C9E
KEYWORDS_READ = 1000  # a photo's first: keywords.MAX_KEYWORDS of them become tags, some unusable or repeated
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
_VERSION = r"(?:v?\d+(?:\.\d+)+|v\d+|cs\d*|cc)\b"  # "4.0", "V1.01", "v62", Photoshop's "CS6" and "CC"
_STAMP = (r"(?:file\s+)?(?:created|made|written|generated|processed|optimi[sz]ed|compressed|encoded|converted|"
          r"saved|edited)")
_SIGN = r"(?:©|℗|\([cp]\)|\bcopyright\b)"
_RIGHTS_RESERVED = (
    "all rights reserved", "some rights reserved", "alle rechte vorbehalten", "tous droits r[ée]serv[ée]s",
    "todos los derechos reservados", "tutti i diritti riservati", "todos os direitos reservados",
    "alle rechten voorbehouden",
)
"""Patterns of "all rights reserved" in the languages whose photographers most often write it."""
# Texts that fill a caption's place but say nothing of the photo, so a search for "john" or
# "gimp" would find every photo a person or a program signed. A notice is a sign followed by a
# year or "by", or says its rights are reserved; a licence names itself by its token; a
# program's stamp is the program's name and its version, or says a program made the file. A
# sentence that only starts with such a word goes on in plain words and is a caption ("Licence
# plate of my first car", "GIMP workshop at the library", "Made with love in Lisbon").
_NOT_A_CAPTION = re.compile("|".join((
    rf"{_SIGN}\s*(?:\d{{4}}|by\b|©|\(c\))",  # "© 2021 ACME Photo", "Jane Doe, copyright 2004", "Copyright (c) Tom"
    rf"\b(?:{'|'.join(_RIGHTS_RESERVED)})\b",
    r"\b[al]?gpl\s*-?v?\d|\bgnu (?:lesser |affero )?general public licen[cs]e\b",  # "LGPLv3 Risto Saukonpää"
    r"\bcc[- ]by(?:-(?:nc|nd|sa))*(?:-(?:nc|nd|sa)|\s*v?\d\.\d)\b|\bcc-by\b|\bcc0\b",  # "CC BY-SA 4.0 Jane Doe"
    r"\bcreative commons (?:attribution|licen[cs]e|zero|by\b)|\blicen[cs]ed under\b|^\W*public domain\W*$",
    rf"^\W*creator:|\bquality\s*=\s*\d|\(using\s{_PROGRAM}",  # "CREATOR: gd-jpeg v1.0 (using IJG JPEG v80)"
    rf"{_PROGRAM}(?:\W+\w+){{0,2}}?\W*\b{_VERSION}",  # "LEAD Technologies Inc. V1.01", "Lavc58.54.100"
    rf"^\W*{_PROGRAM}\W*$",  # "GIMP"
    rf"^{_STAMP}\s+(?:with|by|using)\b.*(?:{_PROGRAM}|\d\.\d)",  # "Processed By eBay with ImageMagick, z1.1.0."
    r"\bcmp\d+(?:\.\d+)+\w*\s+0x[0-9a-f]+\b",  # an encoder's mark in a JPEG's comment: "cmp3.10.3.2Lq3 0x756ffbf7"
)), re.IGNORECASE)
_CREDIT_SIGN = re.compile(_SIGN, re.IGNORECASE)
_NAME_PARTICLES = frozenset("by and von van der den de la le du di da dos del y e".split())
"""The little words of a credit line, which names people ("Photo by Ludwig van Beethoven")."""
_CREDIT_WORDS = 6  # a credit names a person or two, or a studio
_NOT_TEXT = frozenset(("Cc", "Co", "Cs", "Cn"))  # controls, private use, halves of a pair, unassigned
_JUMBLED_LENGTH, _JUMBLED_SIGNS, _JUMBLED_FLIPS = 8, 4, 6  # lets 0.7% of 20 random bytes pass, 0 of 40
_CP1252_HIGH = frozenset(bytes(range(0x80, 0x100)).decode("cp1252", "ignore"))  # "é", "’"
_NO_SCRIPT = frozenset(("MODIFIER", "FEMININE", "MASCULINE", "MICRO", "SUPERSCRIPT", "SUBSCRIPT", "SCRIPT"))
"""Letters that belong to no script's words alone: "Hawaiʻi", "nº 5", "5 µm", "ℓ"."""
_EAST_ASIAN = frozenset(("CJK", "HIRAGANA", "KATAKANA", "HANGUL", "HALFWIDTH", "FULLWIDTH", "IDEOGRAPHIC", "BOPOMOFO"))
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_LABEL_WORD = re.compile(r"[^\W_]+")  # "Exif_JPEG_PICTURE" is three words


def is_caption(text: str, camera: str = "") -> bool:
    """Whether `text` reads as something a person wrote about the photo, not what its camera
    or a program filled in (the camera's own name, "DIGITAL CAMERA", a file name). Judged by
    the part a caption keeps: a file may hold megabytes of text, and reading it all took seconds."""
    text = text[:MAX_CAPTION_CHARS]
    words = [w for w in _LABEL_WORD.findall(text.casefold()) if not w.isdigit()]
    letters = [w for w in words if any(c.isalpha() for c in w)]
    if not letters:
        return False
    if camera and text.strip().casefold() in camera.casefold():
        return False
    if _looks_binary(text) or _NOT_A_CAPTION.search(text.strip()) or _is_credit(text):
        return False
    return not all(w.strip("0123456789") in _NOT_CAPTION_WORDS or len(w) < 2 for w in letters)


def _is_credit(text: str) -> bool:
    """Whether `text` is a copyright sign beside a name and nothing more ("Photo: © Jane Doe",
    "Jane Doe ©"): each word capitalised, a number or a name's little word, where a caption
    goes on in plain words ("Plan (c) for the trip")."""
    if not _CREDIT_SIGN.search(text):
        return False
    words = _LABEL_WORD.findall(_CREDIT_SIGN.sub(" ", text))
    return len(words) <= _CREDIT_WORDS and all(
        not w[0].islower() or w in _NAME_PARTICLES or w.isdigit() for w in words)


def _looks_binary(text: str) -> bool:
    """Whether `text` is bytes that were never text, decoded anyway. Read as cp1252: mostly
    accented letters, control characters among many of them, or words nobody writes. Read as UTF-16: private-use and
    unassigned characters, and letters of different scripts side by side in one word, where a
    person writes each word in one script ("Σαντορίνη Santorini Санторини サントリーニ" is four
    words) but for Japanese and Chinese with Latin letters ("iPhoneで撮った")."""
    chars = [c for c in text if not c.isspace() or (unicodedata.category(c) == "Cc" and c not in "\t\n\r")]
    accented = sum(c in _CP1252_HIGH for c in chars)
    odd = sum(map(_not_text, chars))
    scripts = {_script(c) for c in chars if c.isalpha()}
    return (2 * accented > len(chars) or (3 * accented > len(chars) and odd > 0)
            or (odd >= 2 and 20 * odd >= len(chars)) or (odd > 0 and len(scripts - {"LATIN"}) > 1)
            or _mixes_scripts(text) or any(map(_jumbled, text.split())))


def _not_text(char: str) -> bool:
    """Whether `char` has no place in text: a control, private-use or unassigned character, half of
    a pair, or the one a decoder puts for bytes it could not read. Characters beyond the first
    65,536 count as text, as Python may not know the newest emoji."""
    return char == "\ufffd" or (char <= "\uffff" and unicodedata.category(char) in _NOT_TEXT)


def _jumbled(word: str) -> bool:
    """Whether `word` is one that nobody writes, as random bytes read as cp1252 make them: long
    and mostly signs of many kinds ("Ýª<>‚xŸù`0"), or flipping between capitals and small letters
    back and forth ("KÏN®V¸Í=“š°(H4w"; "iPhone" flips twice, "MacBookAir" five times)."""
    signs = [c for c in word if not c.isalnum()]
    cased = [c.isupper() for c in word if c.isupper() or c.islower()]
    flips = sum(a != b for a, b in itertools.pairwise(cased))
    return (len(word) >= _JUMBLED_LENGTH and 3 * len(signs) > len(word) and len(set(signs)) >= _JUMBLED_SIGNS
            or flips >= _JUMBLED_FLIPS)


def _mixes_scripts(text: str) -> bool:
    """Whether a word of `text` has letters of two scripts side by side, other than Chinese or
    Japanese with Latin."""
    for is_word, letters in itertools.groupby(text, str.isalpha):
        scripts = [s for s in map(_script, letters) if s not in _NO_SCRIPT] if is_word else []
        if any(a != b and {a, b} != {"CJK", "LATIN"} for a, b in itertools.pairwise(scripts)):
            return True
    return False


def _script(letter: str) -> str:
    """A letter's script, as the first word of its name says it ("CYRILLIC SMALL LETTER A");
    Chinese, Japanese and Korean count as one, as they are written together."""
    script = re.split("[ -]", unicodedata.name(letter, "?"), maxsplit=1)[0]  # "KATAKANA-HIRAGANA PROLONGED ..."
    return "CJK" if script in _EAST_ASIAN else script


def exif_texts(exif: Image.Exif, details: Mapping[int, object]) -> list[str]:
    """The captions in a photo's EXIF (`details`: its Exif sub-IFD)."""
    camera = " ".join(_text(exif.get(tag)) for tag in (_EXIF_MAKE, _EXIF_MODEL))
    user_comment = _user_comment(details.get(_EXIF_USER_COMMENT), exif.endian)
    texts = [_text(exif.get(_EXIF_DESCRIPTION))] + [_xp_text(exif.get(tag)) for tag in _EXIF_XP_TEXT_TAGS]
    texts.append(user_comment)
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
            text = _iptc_text(item) if isinstance(item, bytes) else ""
            if is_caption(text):
                texts.append(text)
    return texts


def iptc_keywords(im: Image.Image) -> list[str]:
    """The keywords in a JPEG's or TIFF's IPTC block (IIM 2:25, one a dataset), as written, in
    order: what Picasa wrote, and Lightroom, Photoshop or exiftool beside XMP's. None from a
    block that breaks off (see _iim_datasets)."""
    try:
        data = _iptc_block(im)
        datasets = _iim_datasets(data) if data else None
    except Exception as exc:  # a broken TIFF directory: no keywords, the photo is still read
        log.debug("unreadable IPTC (%s)", exc)
        return []
    if datasets is None:
        if data:
            log.debug("IPTC block breaks off; its keywords are not read")
        return []
    values = [value for record, dataset, value in datasets if (record, dataset) == _IPTC_KEYWORDS]
    texts = (_iptc_text(value) for value in values[:KEYWORDS_READ])
    return [text for text in texts if text]


def _iptc_block(im: Image.Image) -> bytes | None:
    """The IPTC-IIM bytes of a JPEG (Photoshop's resource 0x0404) or a TIFF (tag 33723, raw, as
    Photoshop writes it as LONGs), where Pillow's IptcImagePlugin.getiptcinfo finds them."""
    photoshop = im.info.get("photoshop")
    if isinstance(photoshop, dict):
        data = photoshop.get(_IPTC_RESOURCE)
    else:
        tags = getattr(im, "tag_v2", None)
        data = getattr(tags, "_tagdata", {}).get(_TIFF_IPTC) if tags is not None else None
        if data is None and tags is not None:
            data = tags.get(_TIFF_IPTC)  # already read as a value: bytes where it was stored so
    return bytes(data) if isinstance(data, (bytes, bytearray)) and data else None


def _iim_datasets(data: bytes) -> list[tuple[int, int, bytes]] | None:
    """The datasets of an IPTC-IIM block in order: (record, dataset, value). Each is a marker
    byte 0x1C, its record and dataset numbers, its length (two bytes, or, with the top bit set,
    the number of bytes that follow and hold it) and its value; zero bytes where the next one
    would start are padding. None when the block breaks off, or a length runs past its end:
    where its values start and end then is a guess, and Pillow would cut the last one short."""
    found = []
    at = 0
    while at < len(data) and data[at] != 0:
        if data[at] != _IIM_MARKER or at + 5 > len(data):
            return None
        record, dataset, size = data[at + 1], data[at + 2], int.from_bytes(data[at + 3:at + 5], "big")
        at += 5
        if size & 0x8000:  # an extended dataset
            width = size & 0x7FFF
            if width > 4 or at + width > len(data):
                return None
            size = int.from_bytes(data[at:at + width], "big")
            at += width
        if at + size > len(data):
            return None
        found.append((record, dataset, data[at:at + size]))
        at += size
    return found


def _iptc_text(value: bytes) -> str:
    """An IPTC text: UTF-8 where its bytes are UTF-8 (as 1:90, ESC % G, declares them, or as
    programs write them without declaring it), else cp1252, as _decoded reads IPTC captions;
    up to a NUL, which some programs end it with."""
    return _decoded(value.split(b"\0", 1)[0]).strip()


def xp_keywords(exif: Image.Exif) -> list[str]:
    """The keywords Windows' file properties keep in EXIF (XPKeywords): UTF-16LE whatever the
    EXIF's byte order, as Windows and exiftool read them (_text's guess misreads Chinese or
    Japanese, which has no zero bytes to tell), ended by a NUL, ";" between them. None from one
    that is not UTF-16."""
    try:
        value = exif.get(_EXIF_XP_KEYWORDS)
    except Exception as exc:  # a broken EXIF directory: no keywords, the photo is still read
        log.debug("unreadable XPKeywords (%s)", exc)
        return []
    keywords = (k.strip() for k in _xp_text(value).split(";"))
    return [k for k in keywords if k][:KEYWORDS_READ]


def _xp_text(value: object) -> str:
    """One of Windows' XP tags (XPTitle, XPKeywords...): UTF-16LE whatever the EXIF's byte order,
    as Windows and exiftool read them, up to a NUL; "" for one that is not UTF-16. Guessing
    from its zero bytes misreads Chinese or Japanese, which has none."""
    if isinstance(value, tuple) and all(isinstance(v, int) for v in value):
        value = bytes(v & 0xFF for v in value)
    if isinstance(value, bytes):
        try:
            value = value[:len(value) // 2 * 2].decode("utf-16-le")
        except UnicodeDecodeError:
            log.debug("an XP tag that is not UTF-16 is not read")
            return ""
    return value.split("\0", 1)[0].strip() if isinstance(value, str) else ""


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
    """One caption of many texts: each once (any case), in order, at most MAX_CAPTION_CHARS, with
    no control character (one in a caption that reads as text otherwise) to reach the screen."""
    seen: dict[str, str] = {}
    for text in texts:
        clean = " ".join(_CONTROL.sub(" ", text[:2 * MAX_CAPTION_CHARS]).split())
        if clean and clean.casefold() not in seen:
            seen[clean.casefold()] = clean
    caption = "\n".join(seen.values())[:MAX_CAPTION_CHARS]
    return caption or None


def search_words(texts: Iterable[str]) -> list[str]:
    """The words of a query that a caption must hold for the photo to count as described by
    it: none of the little words ("a", "at the"), each once. One Chinese or Japanese
    character can be a word ("犬", a dog). Lowercased as the catalog's full-text index folds
    them, which keeps "ß" ("straße"; casefold() would make it "strasse", which no caption holds)
    and leaves accents to the index. A word typed with marks on its letters ("שָׁלוֹם") is one word,
    without them (names.spelling_key), and one typed with Persian's letters or another script's digits is
    spelt as Arabic's and 0-9 ("کتاب" as "كتاب", "۲۰۱۹" as "2019": names.one_spelling): the catalog keeps
    each caption's words so too."""
    words = (_typed(m.group()) for text in texts for m in marked_words(text))
    return list(dict.fromkeys(w for w in words if (len(w) > 1 or cjk.has_cjk(w)) and w not in _STOP_WORDS))


def _typed(word: str) -> str:
    """A query's word as the captions' index holds it: lowercased, its letters and digits spelt one way;
    without its marks where it has any."""
    return spelling_key(word) if any(unicodedata.combining(char) for char in word) else one_spelling(word.lower())


def _text(value: object) -> str:
    """EXIF text and comments as Pillow gives them: str (EXIF's ASCII fields, read as Latin-1
    though programs write UTF-8 or cp1252 there: "Â© 2021") or bytes."""
    if isinstance(value, str) and not value.isascii() and max(value) <= "\xff":
        value = _decoded(value.encode("latin-1"))
    elif isinstance(value, bytes):
        value = _decoded(value)
    return value.replace("\0", " ").strip() if isinstance(value, str) else ""


def _decoded(data: bytes) -> str:
    """Text bytes as UTF-8 where they are UTF-8 (what programs write now), else as cp1252, what
    Western Windows programs wrote: Latin-1 but for its quotes and dashes ("Grandma’s", not the
    control character Latin-1 reads there). Whether it reads as text is is_caption's to judge."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", "replace")


def _user_comment(value: object, endian: str | None) -> str:
    """EXIF's UserComment: an 8-byte character code ("ASCII", "UNICODE", or none), then text;
    `endian` is the EXIF's byte order ("<" or ">", Pillow's Exif.endian), which UNICODE follows."""
    if isinstance(value, str):
        return value.replace("\0", " ").strip()
    if not isinstance(value, bytes) or len(value) <= 8:
        return ""
    code, body = value[:8].rstrip(b"\0 ").upper(), value[8:]
    if code == b"UNICODE":
        text, *others = [body.decode(codec, "replace").replace("\0", " ").strip()
                         for codec in _utf16_codecs(body, endian)]
        if not _looks_binary(text):
            return text
        return next((t for t in others if not _looks_binary(t) and not any(map(_not_text, t))), text)
    return _text(body)


def _utf16_codecs(body: bytes, endian: str | None) -> tuple[str, ...]:
    """The codecs UTF-16 text in an EXIF of byte order `endian` may be in, likeliest first: the
    one its byte-order mark names; else the order its zero bytes show, when most of its letters
    are Latin; else the EXIF's own (an iPhone's or a Nikon's is big-endian), then the other, as
    Microsoft's programs write little-endian even in a big-endian EXIF, and Chinese or Japanese
    letters have no zero byte to tell. The other is taken only when it reads as clean text, so
    binary junk gets no second chance to pass for a caption."""
    if body.startswith((codecs.BOM_UTF16_BE, codecs.BOM_UTF16_LE)):
        return ("utf-16",)
    pairs = body[:len(body) // 2 * 2]
    first_zero, second_zero = pairs[0::2].count(0), pairs[1::2].count(0)
    if 4 * abs(first_zero - second_zero) > len(pairs):
        return ("utf-16-be",) if first_zero > second_zero else ("utf-16-le",)
    return ("utf-16-be", "utf-16-le") if endian == ">" else ("utf-16-le", "utf-16-be")
