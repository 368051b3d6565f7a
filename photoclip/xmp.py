"""Reading XMP, the metadata other photo programs write into a photo or into a sidecar beside
it (`IMG_1.jpg.xmp` as digiKam and darktable name it, `IMG_1.xmp` as Lightroom does): the
packet parsed, and the sidecars of a photo that another program wrote. Broken XML reads as
nothing, never as a failed photo."""

from __future__ import annotations

import logging
import xml.etree.ElementTree as ElementTree
from pathlib import Path

from photoclip.fsutil import read_small_file
from photoclip.sidecars import MAX_SIDECAR_BYTES, written_by_photoclip

log = logging.getLogger(__name__)

MAX_XMP_BYTES = MAX_SIDECAR_BYTES
DC = "{http://purl.org/dc/elements/1.1/}"
RDF_ITEM = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}li"


def parse(packet: bytes | None) -> ElementTree.Element | None:
    """The x:xmpmeta (or bare rdf:RDF) element of a packet, or None when there is no usable one."""
    if not packet or len(packet) > MAX_XMP_BYTES:
        return None
    start, end = packet.find(b"<x:xmpmeta"), packet.rfind(b"</x:xmpmeta>")
    if start < 0 or end < start:  # a bare rdf:RDF packet, or one without the usual wrapper
        start, end = packet.find(b"<rdf:RDF"), packet.rfind(b"</rdf:RDF>")
        if start < 0 or end < start:
            return None
        end += len(b"</rdf:RDF>")
    else:
        end += len(b"</x:xmpmeta>")
    try:
        return ElementTree.fromstring(packet[start:end])
    except (ElementTree.ParseError, ValueError) as exc:
        log.debug("unreadable XMP packet: %s", exc)
        return None


def sidecar_paths(photo: Path) -> tuple[Path, ...]:
    """Where a photo's sidecar may be: `IMG_1.jpg.xmp` (digiKam, darktable) or `IMG_1.xmp`
    (Lightroom), or with `.XMP` as cameras and Windows programs spell it."""
    return tuple(path for suffix in (".xmp", ".XMP")
                 for path in (photo.with_name(photo.name + suffix), photo.with_suffix(suffix)))


def others_sidecars(photo: Path) -> list[bytes]:
    """The XMP sidecars beside `photo` (either naming) that another program wrote. A sidecar
    photoclip exported holds its own tags, auto ones too: read back, they would become the
    user's."""

    packets = []
    seen: set[tuple[int, int]] = set()  # .xmp and .XMP are one file where case does not count
    for sidecar in sidecar_paths(photo):
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
