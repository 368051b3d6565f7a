"""Keywords other programs gave a photo, so years of tagging in digiKam, Lightroom or
darktable show up here as the user's own tags.

They are XMP dc:subject entries, in the packet embedded in the file or in a sidecar beside it
(`IMG_1.jpg.xmp` as digiKam and darktable write them, `IMG_1.xmp` as Lightroom does), and in
the file's IPTC Keywords (Picasa wrote only these) and Windows' XPKeywords, which imaging reads
(DecodedPhoto.keywords). A keyword that is not a usable tag name is skipped; broken XML, IPTC
or EXIF means no keywords from it, never a failed photo.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from photoclip import xmp
from photoclip.errors import QueryError
from photoclip.imaging import IMAGE_SUFFIXES
from photoclip.rawfile import is_raw_name, shot_key, stands_for_raw
from photoclip.tagging import MAX_TAG_LENGTH, normalize_tag, spelt_tag

log = logging.getLogger(__name__)

_KEYWORD_FIELDS = (  # (field, what parts a keyword path there)
    (xmp.DC + "subject", ""),
    ("{http://ns.adobe.com/lightroom/1.0/}hierarchicalSubject", "|"),
    ("{http://www.digikam.org/ns/1.0/}TagsList", "/"),
)
MAX_KEYWORDS = 250  # a photo's, the first ones: a broken or hostile sidecar with 150,000 made as many tags


def keywords_in_xmp(packet: bytes | None) -> list[str]:
    """The dc:subject keywords of an XMP packet, as tag names spelt as written, in their order,
    once each whatever their case; then the last part of each keyword path Lightroom and
    digiKam keep apart ("Places|Europe|Lisbon": Lisbon), where dc:subject lacks it (a keyword
    Lightroom does not export, a program that writes only its paths). darktable's own paths
    ("darktable|format|nef") are its notes, no keywords."""
    root = xmp.parse(packet)
    if root is None:
        return []
    found: dict[str, str] = {}
    for field, separator in _KEYWORD_FIELDS:
        for subject in root.iter(field):
            for item in subject.iter(xmp.RDF_ITEM):
                parts = (item.text or "").split(separator) if separator else [item.text or ""]
                if len(parts) > 1 and parts[0].strip().casefold() == "darktable":
                    continue
                _add(found, parts[-1])
                if len(found) >= MAX_KEYWORDS:
                    return list(found.values())
    return list(found.values())


def keywords_in_file(packet: bytes | None, written: Iterable[str] = ()) -> tuple[str, ...]:
    """Every keyword in a photo's file, as tag names spelt as written, once each: its XMP
    packet's first, then `written`, those its IPTC and EXIF hold (DecodedPhoto.keywords).
    Lightroom and exiftool write the same keywords to XMP and IPTC: they count once."""
    found = {normalize_tag(keyword): keyword for keyword in keywords_in_xmp(packet)}
    for keyword in written:
        if len(found) >= MAX_KEYWORDS:
            break
        _add(found, keyword)
    return tuple(found.values())[:MAX_KEYWORDS]


def _add(found: dict[str, str], keyword: str) -> None:
    """A keyword into `found` (tag -> as first spelt), unless it is no usable tag name: one
    too long for a tag (a sentence typed into the keyword field) is logged, not lost unseen."""
    try:
        found.setdefault(normalize_tag(keyword), spelt_tag(keyword))
    except QueryError as exc:
        if keyword.strip():
            log.info("keyword %r not taken as a tag: %s", keyword[:2 * MAX_TAG_LENGTH], exc)


def is_sidecar(path: str | Path) -> bool:
    return str(path).lower().endswith(".xmp")


def sidecar_owners(photos: Iterable[Path]) -> Callable[[Path], list[Path]]:
    """Which of `photos` a sidecar belongs to: `IMG_1.jpg` for `IMG_1.jpg.xmp`; every
    `IMG_1.*` beside it for `IMG_1.xmp`; and, where no photo is named so exactly, those named
    so in another case (`IMG_1.JPG.XMP`, as a camera writes it, is `IMG_1.jpg`'s); a raw's, the
    JPEG's/HEIC's of its shot that stands for it (rawfile.shot_key: `PXL_1.RAW-02.ORIGINAL.dng.xmp`
    is `PXL_1.RAW-01.COVER.jpg`'s). The photos are looked up once, for the thousands of sidecars a
    program writes into one folder."""
    owners: dict[tuple[Path, str], list[Path]] = defaultdict(list)
    shots: dict[tuple[Path, str], list[Path]] = defaultdict(list)  # the JPEGs/HEICs by their shot (rawfile.shot_key)
    for photo in photos:
        owners[photo.parent, photo.name].append(photo)
        if photo.suffix and Path(photo.stem).suffix.lower() not in IMAGE_SUFFIXES:  # not IMG_1.jpg.png's
            owners[photo.parent, photo.stem].append(photo)  # party.2023.jpg's is party.2023.xmp
        if stands_for_raw(photo.name):
            shots[photo.parent, shot_key(photo.name)].append(photo)
    folded: dict[tuple[Path, str], list[Path]] = defaultdict(list)
    for (folder, name), named in owners.items():
        folded[folder, name.casefold()] += named

    def owners_of(sidecar: Path) -> list[Path]:
        name = sidecar.with_suffix("").name
        found = owners.get((sidecar.parent, name)) or folded.get((sidecar.parent, name.casefold()), [])
        if found or not is_raw_name(name):
            return found
        return shots.get((sidecar.parent, shot_key(name)), [])  # a raw's, where its JPEG stands for it

    return owners_of


def photo_keywords(embedded: bytes | None, sidecars: Sequence[bytes] = ()) -> tuple[str, ...]:
    """Every keyword of a photo: those in the file first, then its sidecars' (the packets
    xmp.others_sidecars read)."""
    found: dict[str, str] = {}
    for keyword in keywords_in_xmp(embedded) + [k for packet in sidecars for k in keywords_in_xmp(packet)]:
        _add(found, keyword)
    return tuple(found.values())[:MAX_KEYWORDS]


def own_keywords(photo: Path) -> tuple[str, ...]:
    """The keywords in photoclip's own sidecar of `photo` (xmp.own_sidecar): which of them
    photoclip wrote, and which were added to it since, the catalog tells (exported_tags)."""
    packet = xmp.own_sidecar(photo)
    return photo_keywords(None, [packet]) if packet else ()
