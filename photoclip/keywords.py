"""Keywords other programs gave a photo, so years of tagging in digiKam, Lightroom or
darktable show up here as the user's own tags.

They are XMP dc:subject entries, in the packet embedded in the file or in a sidecar beside it
(`IMG_1.jpg.xmp` as digiKam and darktable write them, `IMG_1.xmp` as Lightroom does). A
keyword that is not a usable tag name is skipped; broken XML means no keywords, never a
failed photo.
"""

from __future__ import annotations

import logging
import xml.etree.ElementTree as ElementTree
from pathlib import Path

from photoclip.errors import QueryError
from photoclip.sidecars import written_by_photoclip
from photoclip.tagging import normalize_tag

log = logging.getLogger(__name__)

MAX_XMP_BYTES = 4 * 1024 * 1024  # a keyword list is a few kB; anything this big is not one
_SUBJECT = "{http://purl.org/dc/elements/1.1/}subject"
_ITEM = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}li"


def keywords_in_xmp(packet: bytes | None) -> list[str]:
    """The dc:subject keywords of an XMP packet, as tag names, in their order, once each."""
    if not packet or len(packet) > MAX_XMP_BYTES:
        return []
    start, end = packet.find(b"<x:xmpmeta"), packet.rfind(b"</x:xmpmeta>")
    if start < 0 or end < start:  # a bare rdf:RDF packet, or one without the usual wrapper
        start, end = packet.find(b"<rdf:RDF"), packet.rfind(b"</rdf:RDF>")
        if start < 0 or end < start:
            return []
        end += len(b"</rdf:RDF>")
    else:
        end += len(b"</x:xmpmeta>")
    try:
        root = ElementTree.fromstring(packet[start:end])
    except (ElementTree.ParseError, ValueError) as exc:
        log.debug("unreadable XMP packet: %s", exc)
        return []
    found: dict[str, None] = {}
    for subject in root.iter(_SUBJECT):
        for item in subject.iter(_ITEM):
            try:
                found[normalize_tag(item.text or "")] = None
            except QueryError:
                continue
    return list(found)


def sidecar_keywords(photo: Path) -> list[str]:
    """The keywords of the XMP sidecars beside `photo` (either naming), in that order. A sidecar
    photoclip exported holds its own tags, auto ones too: read back, they would become the
    user's."""
    found: dict[str, None] = {}
    for sidecar in (photo.with_name(photo.name + ".xmp"), photo.with_suffix(".xmp")):
        try:
            if sidecar == photo or sidecar.stat().st_size > MAX_XMP_BYTES:
                continue
            packet = sidecar.read_bytes()
        except OSError:
            continue
        if written_by_photoclip(packet):
            continue
        found.update(dict.fromkeys(keywords_in_xmp(packet)))
    return list(found)


def is_sidecar(path: str | Path) -> bool:
    return str(path).lower().endswith(".xmp")


def photos_of_sidecar(sidecar: Path, known: list[Path]) -> list[Path]:
    """Which of the photos `known` in the sidecar's folder it belongs to: `IMG_1.jpg` for
    `IMG_1.jpg.xmp`; every `IMG_1.*` for `IMG_1.xmp`."""
    named = sidecar.with_suffix("")
    if named.suffix:
        return [p for p in known if p == named]
    return [p for p in known if p.parent == sidecar.parent and p.stem == named.name]


def photo_keywords(photo: Path, embedded: bytes | None) -> tuple[str, ...]:
    """Every keyword of a photo: those in the file first, then its sidecars'."""
    return tuple(dict.fromkeys(keywords_in_xmp(embedded) + sidecar_keywords(photo)))
