"""XMP sidecars: a photo's tags in a file beside it (`IMG_0042.jpg.xmp`), as keywords
(dc:subject) that digiKam, darktable and Lightroom read, so tags made here are not locked
in photoclip's catalog. The photo itself is never touched.

A sidecar photoclip did not write is someone else's (a raw developer's edits, say) and is
left alone; one it wrote before is brought up to date. Nor is one written beside another
program's sidecar of the photo under another name (Lightroom's `IMG_0042.xmp`, a camera's
`IMG_0042.jpg.XMP`): the photo would have two, each saying something else."""

from __future__ import annotations

import html
import logging
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

from photoclip import __version__
from photoclip.fsutil import atomic_write_bytes, read_small_file

MAX_SIDECAR_BYTES = 4 * 1024 * 1024  # a keyword list or a caption is a few kB; anything this big is not one

log = logging.getLogger(__name__)

SUFFIX = ".xmp"
_TOOLKIT = "photoclip"
_VERSION = re.compile(rb'<x:xmpmeta\s[^>]*?\bx:xmptk="photoclip ([^"]*)"')  # its toolkit, not "photoclipper"
_ITEM = re.compile(rb"     <rdf:li>(.*?)</rdf:li>\n")


@dataclass
class SidecarReport:
    """What an export did: counts, and each file that could not be written with the reason."""

    written: int = 0
    updated: int = 0
    unchanged: int = 0
    kept: list[Path] = field(default_factory=list)  # sidecars another program wrote, each once
    failed: list[tuple[Path, str]] = field(default_factory=list)
    not_answering: int = 0  # photos left out on a share that does not answer (folder_probe)
    _kept: set[Path] = field(default_factory=set, init=False, repr=False, compare=False)

    def keep(self, sidecar: Path) -> None:
        """`sidecar` is another program's and stays as it is; one shared by two photos
        (Lightroom's `IMG_1.xmp` of `IMG_1.nef` and `IMG_1.jpg`) is listed once."""
        if sidecar not in self._kept:
            self._kept.add(sidecar)
            self.kept.append(sidecar)


def written_by_photoclip(document: bytes) -> bool:
    """Whether a sidecar is one photoclip wrote (export-tags), by the toolkit its XMP names."""
    return _VERSION.search(document[:4096]) is not None


def as_photoclip_left_it(document: bytes) -> bool:
    """Whether a sidecar is one photoclip wrote that no one changed since: only such a one is
    rewritten, so a rating or a keyword added to it in another program, or by hand, stays."""
    version = _VERSION.search(document[:4096])
    if version is None:
        return False
    try:
        tags = [html.unescape(item.decode("utf-8")) for item in _ITEM.findall(document)]
        return xmp_document(tags, version.group(1).decode("utf-8")) == document
    except UnicodeDecodeError:
        return False


def sidecar_path(photo: Path) -> Path:
    """`name.jpg.xmp`: the name digiKam and darktable look for first, and one that cannot clash
    between `IMG_1.jpg` and `IMG_1.heic`."""
    return photo.with_name(photo.name + SUFFIX)


def others_beside(photo: Path) -> list[Path]:
    """Another program's sidecars of `photo` under a name photoclip does not write (`IMG_1.xmp`,
    `IMG_1.jpg.XMP`, `IMG_1.JPG.xmp`), by the rules keywords are read with: the names
    xmp.sidecars_beside gives, of this photo as keywords.sidecar_owners has it (`IMG_1.xmp` is
    `IMG_1.nef`'s and `IMG_1.jpg`'s, `IMG_1.jpg.xmp` is not `IMG_1.jpg.png`'s)."""
    from photoclip import keywords, xmp  # they import this module

    own, of_photo = sidecar_path(photo), keywords.sidecar_owners([photo])
    found = []
    seen: set[tuple[int, int]] = set()  # .xmp and .XMP are one file where case does not count
    for sidecar in xmp.sidecars_beside(photo):
        if sidecar in (own, photo) or photo not in of_photo(sidecar):
            continue
        try:
            st = sidecar.stat()
        except OSError:
            continue
        if not stat.S_ISREG(st.st_mode) or (st.st_dev, st.st_ino) in seen:  # a folder or a FIFO is no sidecar
            continue
        seen.add((st.st_dev, st.st_ino))
        packet = read_small_file(sidecar, MAX_SIDECAR_BYTES)
        if packet is None or not written_by_photoclip(packet):  # one that cannot be read is not ours either
            found.append(sidecar)
    return found


def xmp_document(tags: list[str], version: str = __version__) -> bytes:
    items = "".join(f"     <rdf:li>{html.escape(tag, quote=False)}</rdf:li>\n" for tag in tags)
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
        f'<x:xmpmeta xmlns:x="adobe:ns:meta/" x:xmptk="{_TOOLKIT} {version}">\n'
        ' <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
        '  <rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">\n'
        "   <dc:subject>\n"
        "    <rdf:Bag>\n"
        f"{items}"
        "    </rdf:Bag>\n"
        "   </dc:subject>\n"
        "  </rdf:Description>\n"
        " </rdf:RDF>\n"
        "</x:xmpmeta>\n"
        '<?xpacket end="w"?>\n'
    ).encode("utf-8")


def empty_own_sidecar(photo: Path, report: SidecarReport) -> None:
    """A photo with no tags to export now (all taken off, or only automatic ones with --mine):
    the keywords photoclip exported before are taken out of its own sidecar. None is made
    where there was none, and another program's is left alone."""
    path = sidecar_path(photo)
    existing = read_small_file(path, MAX_SIDECAR_BYTES)  # never waits: a link to a FIFO named so
    if existing is None or not written_by_photoclip(existing):
        return
    write_sidecar(photo, [], report)


def write_sidecar(photo: Path, tags: list[str], report: SidecarReport) -> None:
    """Write or refresh the sidecar of one photo; never replace another program's."""
    path = sidecar_path(photo)
    document = xmp_document(tags)
    try:
        target = Path(os.path.realpath(path)) if path.is_symlink() else path  # written where it lives
        if path.is_symlink() and not target.is_file():
            report.failed.append((path, "a link to no sidecar; photoclip leaves it as it is"))
            return
        if target.exists() and not target.is_file():
            report.failed.append((path, "not a regular file; photoclip leaves it as it is"))
            return
        existing = read_small_file(target, MAX_SIDECAR_BYTES) if target.exists() else None
        if target.exists() and existing is None:  # bigger than any sidecar, or not to be read: not ours
            report.keep(path)
            return
        if existing == b"":  # a write that failed, or a name made ready: it holds nothing of anyone's
            existing = None
        if existing is not None and not as_photoclip_left_it(existing):
            report.keep(path)
            return
        theirs = others_beside(photo) if existing is None else []
        if theirs:
            for sidecar in theirs:
                report.keep(sidecar)
            return
        if existing == document:
            report.unchanged += 1
            return
        if existing is not None and not target.stat().st_mode & 0o222:
            report.failed.append((path, "read-only; photoclip leaves it as it is"))
            return
        atomic_write_bytes(target, document)
    except OSError as exc:
        report.failed.append((path, exc.strerror or str(exc)))
        return
    if existing is None:
        report.written += 1
    else:
        report.updated += 1
