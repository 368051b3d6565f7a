"""Reading XMP, the metadata other photo programs write into a photo or into a sidecar beside
it (`IMG_1.jpg.xmp` as digiKam and darktable name it, `IMG_1.xmp` as Lightroom does): the
packet parsed, the dates in it, and the sidecars of a photo that another program wrote. Broken
XML reads as nothing, never as a failed photo."""

from __future__ import annotations

import logging
import os
import re
import time
import xml.etree.ElementTree as ElementTree
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from photoclip.fsutil import read_small_file
from photoclip.rawfile import is_raw_name, shot_key, stands_for_raw
from photoclip.sidecars import MAX_SIDECAR_BYTES, sidecar_path, written_by_photoclip

log = logging.getLogger(__name__)

MAX_XMP_BYTES = MAX_SIDECAR_BYTES
DC = "{http://purl.org/dc/elements/1.1/}"
RDF_ITEM = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}li"
_EXIF = "{http://ns.adobe.com/exif/1.0/}"
DATE_PROPERTIES = (  # when the photo was taken, as Lightroom, digiKam and exiftool write it, surest first
    _EXIF + "DateTimeOriginal", "{http://ns.adobe.com/photoshop/1.0/}DateCreated", _EXIF + "DateTimeDigitized",
    "{http://ns.adobe.com/xap/1.0/}CreateDate",
)


def parse(packet: bytes | None) -> ElementTree.Element | None:
    """The x:xmpmeta (or bare rdf:RDF) element of a packet, or None when there is no usable one."""
    if not packet or len(packet) > MAX_XMP_BYTES:
        return None
    text = _as_text(packet)
    start, end = text.find("<x:xmpmeta"), text.rfind("</x:xmpmeta>")
    if start < 0 or end < start:  # a bare rdf:RDF packet, or one without the usual wrapper
        start, end = text.find("<rdf:RDF"), text.rfind("</rdf:RDF>")
        if start < 0 or end < start:
            return None
        end += len("</rdf:RDF>")
    else:
        end += len("</x:xmpmeta>")
    try:
        return ElementTree.fromstring(_xml_chars(text[start:end]).encode("utf-8"))
    except (ElementTree.ParseError, ValueError) as exc:
        log.debug("unreadable XMP packet: %s", exc)
        return None


def _as_text(packet: bytes) -> str:
    """A packet as text, which the element is parsed from once its XML declaration is cut off:
    XMP may be UTF-16 (with its byte order mark), and sidecars written by older programs
    declare Latin-1 or hold Windows' code page bytes in a file they call UTF-8."""
    declared = _DECLARED.match(packet)
    encoding = declared.group(1).decode("ascii").lower() if declared else "utf-8"
    if packet.startswith((b"\xff\xfe", b"\xfe\xff")) or packet[:4] in (b"<\0?\0", b"\0<\0?"):
        encoding = "utf-16-be" if packet.startswith(b"\xfe\xff") or packet[:1] == b"\0" else "utf-16-le"
    try:
        return packet.decode(encoding, errors="strict" if encoding in ("utf-8", "utf8") else "replace")
    except (UnicodeError, LookupError):  # not UTF-8 after all, or an encoding Python does not know
        try:
            return packet.decode("utf-8")
        except UnicodeDecodeError:
            return packet.decode("cp1252", errors="replace")


def _xml_chars(text: str) -> str:
    """`text` without the characters XML forbids, written as they are or as references (`&#27;`):
    an escape or a NUL typed into one keyword made the parser refuse the packet, and every
    keyword and caption in it was lost. Half of a pair, which a packet declared UTF-7 may
    decode to, is one of them."""
    return _REFERENCE.sub(_allowed_reference, _NOT_XML.sub("", text))


def _allowed_reference(reference: re.Match[str]) -> str:
    """A character reference as it is where XML allows its character, else nothing."""
    hexadecimal, decimal = reference.groups()
    digits = (hexadecimal or decimal).lstrip("0") or "0"
    if len(digits) > 7:  # past the last character there is
        return ""
    code = int(digits, 16 if hexadecimal else 10)
    return reference.group(0) if code <= 0x10FFFF and not _NOT_XML.match(chr(code)) else ""


_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_REFERENCE = re.compile("&#(?:[xX]([0-9a-fA-F]+)|([0-9]+));")


def date_texts(root: ElementTree.Element | None) -> list[str]:
    """The texts of a parsed packet's DATE_PROPERTIES, surest first: each written as an attribute
    of its rdf:Description (Lightroom, exiftool) or as an element of its own (digiKam)."""
    if root is None:
        return []
    texts = []
    for name in DATE_PROPERTIES:
        texts += [element.attrib[name] for element in root.iter() if name in element.attrib]
        texts += [element.text or "" for element in root.iter(name)]
    return [text.strip() for text in texts if text.strip()]


_DECLARED = re.compile(rb"""\A(?:\xef\xbb\xbf)?<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")


def sidecar_paths(photo: Path) -> tuple[Path, ...]:
    """Where a photo's sidecar may be: `IMG_1.jpg.xmp` (digiKam, darktable) or `IMG_1.xmp`
    (Lightroom), or with `.XMP` as cameras and Windows programs spell it."""
    return tuple(path for suffix in (".xmp", ".XMP")
                 for path in (photo.with_name(photo.name + suffix), photo.with_suffix(suffix)))


def sidecars_beside(photo: Path) -> tuple[Path, ...]:
    """sidecar_paths, and those names in another case that the folder holds (`IMG_1.JPG.XMP`,
    `img_1.jpg.xmp` beside `IMG_1.jpg`), where case counts: a camera or a Windows program wrote
    them so. One that is exactly another file's (`img_1.jpg.xmp` beside `img_1.jpg` too) is not
    this photo's."""
    usual = sidecar_paths(photo)
    usual_names = {path.name for path in usual}
    listing = _listing(photo.parent)
    if listing is None:
        return usual
    variants = [photo.parent / name for folded in {n.casefold() for n in usual_names}
                for name in listing.sidecars.get(folded, ()) if name not in usual_names]
    if variants:
        owners = listing.owners()
        variants = [path for path in variants if photo in owners(path) or not owners(path)]
    return usual + tuple(sorted(variants)) + _raws_sidecars(photo, listing)


def _raws_sidecars(photo: Path, listing: _Listing) -> tuple[Path, ...]:
    """The sidecars darktable and digiKam write for the raw a JPEG or HEIC stands for, one shot
    as rawfile.shot_key has it (`DSC_2.NEF.xmp` beside `DSC_2.JPG`, `PXL_1.RAW-02.ORIGINAL.dng.xmp`
    beside `PXL_1.RAW-01.COVER.jpg`): they show the raw, and keep its keywords there."""
    if not listing.sidecars or not stands_for_raw(photo.name):
        return ()
    return tuple(photo.parent / name for name in listing.raws_sidecars().get(shot_key(photo.name), ()))


@dataclass
class _Listing:
    """One folder's files, listed once while it does not change: for the thousands of photos of
    one folder indexed one after another, a camera's `.JPG.XMP` beside each of them."""

    folder: Path
    sidecars: dict[str, tuple[str, ...]]  # the sidecars' names, by their case-folded form
    others: tuple[str, ...]  # the names of its other files
    _owners: Callable[[Path], list[Path]] | None = None
    _other_names: frozenset[str] | None = None
    _by_shot: dict[str, tuple[str, ...]] | None = None

    def other_names(self) -> frozenset[str]:
        """`others`, to look a name up in, made the first time one is looked up."""
        if self._other_names is None:
            self._other_names = frozenset(self.others)
        return self._other_names

    def raws_sidecars(self) -> dict[str, tuple[str, ...]]:
        """The sidecars of the folder's raws (`DSC_2.NEF.xmp` beside `DSC_2.NEF`) by the raw's
        rawfile.shot_key, made the first time a JPEG asks: one pass over the folder, not one per photo."""
        if self._by_shot is None:
            by_shot: dict[str, list[str]] = defaultdict(list)
            for name in sorted(name for same in self.sidecars.values() for name in same):
                if is_raw_name(name[:-4]) and name[:-4] in self.other_names():
                    by_shot[shot_key(name[:-4])].append(name)
            self._by_shot = {key: tuple(names) for key, names in by_shot.items()}
        return self._by_shot

    def owners(self) -> Callable[[Path], list[Path]]:
        """keywords.sidecar_owners of the folder's files, made the first time a sidecar in
        another case asks."""
        if self._owners is None:
            from photoclip import keywords  # it imports this module

            self._owners = keywords.sidecar_owners([self.folder / name for name in self.others])
        return self._owners


_LISTED: dict[Path, tuple[int, _Listing]] = {}
_LISTED_MAX = 256  # folders; a run indexes one folder's photos after another
_SETTLED_NS = 2 * 10**9  # a folder changed more recently may change again within its clock's step


def _listing(folder: Path) -> _Listing | None:
    """`folder`'s files, from the last listing while the folder has not changed since; None
    where it cannot be listed."""
    try:
        changed = folder.stat().st_mtime_ns
    except OSError:
        return None
    cached = _LISTED.get(folder)
    if cached is not None and cached[0] == changed:
        return cached[1]
    sidecars: dict[str, list[str]] = defaultdict(list)
    others = []
    try:
        for name in os.listdir(folder):
            if name[-4:].lower() == ".xmp":
                sidecars[name.casefold()].append(name)
            else:
                others.append(name)
    except OSError:
        return None
    listing = _Listing(folder, {folded: tuple(same) for folded, same in sidecars.items()}, tuple(others))
    if time.time_ns() - changed > _SETTLED_NS:
        if len(_LISTED) >= _LISTED_MAX:
            _LISTED.clear()
        _LISTED[folder] = changed, listing
    return listing


def others_sidecars(photo: Path) -> list[bytes]:
    """The XMP sidecars beside `photo` (either naming, any case) that another program wrote. A
    sidecar photoclip exported holds its own tags, auto ones too: read back, they would become
    the user's (own_sidecar reads it, for the keywords added to it since)."""
    packets = []
    seen: set[tuple[int, int]] = set()  # .xmp and .XMP are one file where case does not count
    for sidecar in sidecars_beside(photo):
        try:
            if sidecar == photo:
                continue
            st = sidecar.stat()
        except OSError:
            continue
        if (st.st_dev, st.st_ino) in seen:
            continue
        seen.add((st.st_dev, st.st_ino))
        packet = read_small_file(sidecar, MAX_XMP_BYTES)  # a FIFO, or a link to /proc/kmsg, would never end
        if packet and not written_by_photoclip(packet):  # an empty file holds nothing of anyone's
            packets.append(packet)
    return packets


def own_sidecar(photo: Path) -> bytes | None:
    """photoclip's own sidecar of `photo` (export-tags), where there is one: a keyword added to
    it by hand is the user's, though the sidecar still reads as photoclip's."""
    packet = read_small_file(sidecar_path(photo), MAX_XMP_BYTES)
    return packet if packet and written_by_photoclip(packet) else None
