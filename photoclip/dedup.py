"""Near-duplicates: photos whose bytes are the same or whose vectors are almost identical (a
photo saved again smaller, re-sent by a messaging app, exported twice), the copy worth keeping
in each group, and moving the others to the system trash, never deleting them outright.

Vectors say what a photo shows; its look (looks.py) says how it is laid out. Copies need both:
two photos the model finds alike but that look different are not copies, and an edited copy
that the model finds a little less alike is one when it looks the same. At the similarities
that ask for edits, a copy made black and white, brightened or more colourful (its hues kept),
mirrored or turned is one when it looks the same in grey (flipped or turned so) however far
apart the model finds the two.

The default similarity is strict on purpose (Immich and google-photos-deduper settled on 0.99
too): burst shots and two takes of the same smile are different photos to their owner, and a
false group puts a photo one click from the trash. Users who want bursts grouped ask for less.
"""

from __future__ import annotations

import functools
import glob
import itertools
import logging
import os
import re
import stat
from collections import Counter
from collections.abc import Callable, Container, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from xml.etree import ElementTree

import numpy as np
from PIL import Image
from send2trash import send2trash

from photoclip import captions, looks, mounts, xmp
from photoclip.catalog import Photo
from photoclip.enlarged import adds_no_detail
from photoclip.fsutil import PHOTOS_LIBRARY_SUFFIX, mtime_ns, on_disk, open_regular, spelled_as_listed
from photoclip.ids import PhotoId
from photoclip.tagging import ALBUM_MIN_PHOTOS
from photoclip.takeout import has_json, is_json, sidecar_names, takeout_facts
from photoclip.vectors import VectorIndex
from photoclip.when import clashed_with, date_in_name, is_sync_conflict

log = logging.getLogger(__name__)

DEFAULT_SIMILARITY = 0.99
_LOWER_QUALITY = 75  # a JPEG saved below this quality (cameras save at 80 and more) ...
_QUALITY_GAP = 15  # ... and this far below a copy of as many pixels lost detail to it (saved_at_lower_quality)
_STANDARD_LUMINANCE = (  # JPEG's example luminance table (ITU T.81, Annex K), libjpeg's quality 50
    16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56,
    14, 17, 22, 29, 51, 87, 80, 62, 18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92,
    49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
)
LEAST_SIMILARITY = 0.9  # below it the model calls different photos of one subject alike (Immich stops there too)
NEIGHBOURS = 8  # per photo; more for one whose nearest are all alike enough (_nearby), up to _MOST_NEIGHBOURS
_MOST_NEIGHBOURS = 512  # a picture with more copies than this still meets them through its copies' own neighbours
_WEAK_MOST_NEIGHBOURS = 64  # a weak model finds crowds alike, which asking further only fills with look-alikes
LOOKS_VOUCH = 0.03  # vectors this much below the similarity still make copies when the looks are the same
DAMAGED_VOUCH = 0.85  # ... and as low as this for a damaged photo: the model sees its lost band too
CAMERA_PIXELS = 3_000_000  # 2000 x 1500: cameras have taken larger photos for twenty years; chats send smaller
_WORD = re.compile(r"[^\W\d_]+")
_COPY_WORDS = frozenset(("backup", "backups", "bak", "copy", "copies", "duplicate", "duplicates", "dupes", "dups",
                         "kopie", "kopien", "copia", "copie", "sicherung"))
_COPY_NAME = re.compile(
    r"(?:\s?\(\d+\)|(?<=\d{3})\s\d{1,2}|[\s_-]+(?:copy|kopie|copie|copia|backup|bak)(?:\s*\(?\d+\)?)?)$",
    re.IGNORECASE)  # "IMG_1 (2)", "IMG_1(2)", "IMG_1234 2" (a Mac's; not "Hike 2"), "IMG_1 - Copy", "IMG_1_backup"
_TRASH_FOLDERS = frozenset((  # Google Photos' in a Takeout (localized), Apple Photos', desktops' and drives'
    "trash", "bin", "papierkorb", "corbeille", "papelera", "paperera", "cestino", "prullenbak", "lixeira", "kosz",
    "корзина", "ゴミ箱", "回收站", "recently deleted", ".trash", ".trashes", "$recycle.bin", "recycler",
    "recycle bin", "deleted", "deleted photos", "delete", "to delete", "to be deleted", "gelöscht", "löschen"))
_TRASH_FOLDER = re.compile(r"\.trash-\d+")  # a drive's trash, per user: ".Trash-1000"
_APP_FOLDERS = frozenset((  # folders a camera, a phone, an app or a system makes and fills
    "dcim", "camera", "camera roll", "camera uploads", "screenshots", "screen recordings", "whatsapp",
    "whatsapp images", "telegram", "telegram images", "signal", "messenger", "media", "sent", "download", "downloads",
    "pictures", "my pictures", "photos", "my photos", "images", "bilder", "fotos", "foto", "immagini", "imágenes",
    "afbeeldingen", "icloud photos", "google photos", "takeout", "archive", "archiv", "archivo", "arquivo", "archivio",
    "archief", "archiwum", "locked folder", "desktop", "new folder", "untitled folder", "neuer ordner",
    "nouveau dossier", "nueva carpeta", "nuova cartella", "unsorted", "to sort", "misc", "import", "imports",
    "imported", "export", "exports", "tmp", "temp", "dropbox", "onedrive", "uploads", "received", "saved",
    "saved pictures", "instagram", "facebook", "twitter", "wechat", "snapseed", "vsco", "old phone", "new phone"))
_CAMERA_FOLDER = re.compile(r"\d{3}\w{5}")  # a camera's (DCF): 100APPLE, 100CANON, 123_FUJI
_YEAR_FOLDER = re.compile(  # Takeout's, in its languages: "Photos from 2019", "Fotos von 2019", "Foto's van 2019"
    r"(?:photos from|fotos del|fotos von|foto da|foto[_']s van|photos de|zdjęcia z)\s+\d{4}")
_MONTHS = frozenset(("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
                     "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct",
                     "nov", "dec"))
_APPLE_MOMENT = re.compile(r".*,\s*([^\W\d_]+)\s+\d{1,2},\s*\d{4}")  # Apple Photos' export: "Tahoe, July 4, 2019"
_EDIT_NAME = re.compile(r"^IMG_E\d{4}$|[-_ ](?:edited|bearbeitet|modifié|modifie|editado|editada|modificato|bewerkt)$"
                        r"|^.{6,}\d~\d{1,2}$|\.PORTRAIT$", re.IGNORECASE)  # see reads_as_an_edit
_SCREENSHOT_WORDS = ("screenshot", "screen shot", "screen_shot", "screencap", "screen capture", "bildschirmfoto",
                     "bildschirmaufnahme", "captura de pantalla", "captura de tela", "capture d'écran",
                     "capture d'ecran", "schermafbeelding", "schermata", "skärmbild", "skærmbillede", "skjermbilde",
                     "kuvakaappaus", "zrzut ekranu", "snímek obrazovky", "снимок экрана", "скриншот", "スクリーンショット",
                     "截屏", "截图", "屏幕截图", "스크린샷")
_SCREENSHOT_HINT = re.compile("|".join(map(re.escape, _SCREENSHOT_WORDS)))  # in a screenshot's path anywhere
SAME_SHAPE_FROM = 0.98  # at this similarity and stricter, copies keep their shape (looks.RESHAPED); looser, crops count
SAME_MOMENT_FROM = 0.97  # at this similarity and stricter, copies were taken at one moment; looser, one occasion
BURST = timedelta(seconds=10)  # looser than SAME_MOMENT_FROM, photos dated this close are a burst's shots
_NONE: Mapping = {}
_SAME_TIME_NS = 2_000_000_000  # files written in one such step (FAT's) are as old as each other
_CLOCK_SHIFT_NS = 14 * 3600 * 1_000_000_000  # ... or this much apart at most, in whole _ZONE_STEPs (same_time_ages)
_MOMENT_SLACK = timedelta(seconds=2)  # a date in a file's name and its EXIF date, rounded apart (see _Dates.apart)
_TIME_ZONES = timedelta(hours=26)  # a copy's date in another zone (UTC in a Takeout) is off by at most this
_ZONE_STEP = timedelta(minutes=15)  # ... in steps of this
_MICROSECOND = timedelta(microseconds=1)  # what _Dates counts in
_DAY = timedelta(days=1) // _MICROSECOND
_SECOND = timedelta(seconds=1) // _MICROSECOND
_DENSE = 16  # photo ids up to this many times as many photos are looked up in a table
_ALMOST_SAME = 0.9999  # the most alike copies with other bytes are (1.0 means the same bytes)
_VECTORS_TIE = 0.002  # a copy this close alike to two photos says nothing of which it is of: its looks do
_LOOK_BAR_SLOPE = 12.0  # a looser similarity asks for looser looks too: 0.97 (crops) -> 0.61
_LOOK_BAR_LEAST = 0.5  # different photos a weak model confused look less alike than this
_SAVED_AGAIN = 0.995  # untrimmed, a picture saved again (resized, recompressed, another format) looks 0.9997-1.0 alike
_LOOKS_AT_ONCE = 5000  # looks read at a time to find twins among: 5 MB
_YCBCR = np.array([[0.299, -0.1687, 0.5], [0.587, -0.3313, -0.4187], [0.114, 0.5, -0.0813]],
                  dtype=np.float32)  # RGB to lightness and colour (Y, Cb, Cr), as JPEG's
_HUELESS = 6.0  # colour (Cb, Cr) of a cell below which it is grey, of no hue (as looks tells black and white)
_HUE_SLACK, _HUE_SLACK_SHARE = 16.0, 0.3  # how far a copy's colour strays from its hue's (as looks' same colours)
_CLIPPED = 16.0  # levels from white or black within which a cell holds little colour (brightened past white)
_XMP_NS = "{http://ns.adobe.com/xap/1.0/}"
_DIGIKAM_COLOUR = "{http://www.digikam.org/ns/1.0/}ColorLabel"
_DARKTABLE_HISTORY = "{http://darktable.sf.net/}history"
_LIGHTROOM_SETTINGS = "{http://ns.adobe.com/camera-raw-settings/1.0/}HasSettings"
_RDF_LI = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}li"
_DIGIKAM_COLOURS = ("", "Red", "Orange", "Yellow", "Green", "Blue", "Magenta", "Gray", "Black", "White")
_EXIF_IFD, _EXIF_RATING, _TIFF_XMP = 0x8769, 0x4746, 700  # the Exif sub-IFD, Windows' rating, a TIFF's XMP


@dataclass(frozen=True)
class DuplicateGroup:
    """Photos that are copies of one another: the one to keep, and the other copies, each with its
    similarity to the keeper (1.0: the same bytes); for a copy the same in grey or mirrored, how
    alike the two look, which is what a person sees, whatever the model found.

    `others` is every copy but the keeper. Of those, `kept_too` are kept as well unless the user
    lets them go (kept_apart()): each is the only copy kept in an album folder, and trashing it would
    take the photo out of an album the user made, or a sync tool's conflict copy of other bytes, another
    version of the photo. `to_trash` is what a clean-up moves by default."""

    keeper: PhotoId
    others: tuple[PhotoId, ...]  # most alike first
    similarities: tuple[float, ...]  # of each of the others to the keeper
    exact: bool  # every copy has the keeper's bytes
    kept_too: tuple[PhotoId, ...] = ()  # some of `others`, in their order: kept by default (kept_apart)

    @property
    def members(self) -> tuple[PhotoId, ...]:
        return (self.keeper, *self.others)

    @property
    def to_trash(self) -> tuple[PhotoId, ...]:
        """The copies a clean-up moves to the trash by default: `others` less `kept_too`."""
        return tuple(pid for pid in self.others if pid not in self.kept_too)

    @property
    def similarity(self) -> float:
        """The least alike copy's similarity to the keeper."""
        return min(self.similarities)

    def without(self, gone: set[PhotoId], photos: Mapping[PhotoId, Photo]) -> DuplicateGroup | None:
        """This group less the photos in `gone` (`photos`: its members), None when fewer than two
        are left. When the keeper is gone, the copy next to it stands in: the rest are copies of
        the keeper, not always of it (Library.duplicates groups again then; a page shows it). The
        copies kept too are chosen again (kept_apart()): an album whose copy left may keep another."""
        members = [pid for pid in self.members if pid not in gone]
        if len(members) < 2:
            return None
        alike = dict(zip(self.others, self.similarities))
        keeper, *others = members
        albums = {_folder_of(photos[pid]) for pid in (*self.kept_too, self.keeper) if pid in photos}
        return DuplicateGroup(keeper, tuple(others), tuple(alike.get(pid, self.similarity) for pid in others),
                              all(photos[pid].hash == photos[keeper].hash for pid in others),
                              kept_apart(photos[keeper], [photos[pid] for pid in others], albums))


@dataclass(frozen=True)
class TrashResult:
    trashed: tuple[PhotoId, ...]
    freed_bytes: int
    failed: tuple[tuple[Path, str], ...]  # (file, why it stayed where it is)


def keeper_order(photo: Photo, undated_bytes: frozenset[str] = frozenset(),
                 saved_lower: frozenset[PhotoId] = frozenset(), enlarged: Mapping[PhotoId, int] = _NONE,
                 among: _Among | None = None) -> tuple:
    """Sort key, best copy first: not a sync tool's conflict copy of a photo among them (`among`, see
    _Among: the file under the photo's own name is the one the user and their other computers know), an
    intact file (never one cut short), a camera raw (the
    original every JPEG of it was made from; its size is its preview's), then not a screenshot
    (a picture of the photo on a screen, whose bars and borders add pixels, not detail), then a
    camera's file: a date taken or a place in its metadata, at CAMERA_PIXELS or more (a copy
    saved again larger, upscaled, has more pixels but no more detail, and mostly lost them; a
    copy made smaller that kept them still loses to its larger original below, and one a chat
    or a web export made small loses to a bigger file without them, such as a scan), then the
    most pixels (of a copy that is a smaller one enlarged, `enlarged`, the smaller one's: see
    enlarged_copies), then not such a copy, then a date taken and a place kept (the camera's
    file, not a copy saved again without them; a date is none where the photo's very bytes are undated in another file, its
    name gave it: "Backup/IMG_20240815_183012 (2).png", see dated_apart), then not a GIF (256
    colours), then a phone app's edit by its name (reads_as_an_edit), then not a JPEG saved again at
    a visibly lower quality than a copy of as many pixels (`saved_lower`, see saved_at_lower_quality:
    an export at 60 lost detail the camera's file at 95 has, whatever their names say), then one
    not named a copy, then one not in a folder of things thrown away (in_a_trash_folder: Apple Photos' "Recently
    Deleted", a "To delete" folder; after the quality, as the user's own "Bin" may hold the camera's
    file and a chat's small copy lie elsewhere), then the oldest file (the original: an edit, an export
    to another format or a copy saved again at a higher quality is written later, and has more
    bytes as often as fewer; compared in steps of _SAME_TIME_NS, FAT's: a copy of many writes
    them milliseconds apart, in any order; and a memory card's times shifted by a time zone are
    the same time, see same_time_ages), then the most bytes (of files
    written at one moment, the least recompressed), then one on the computer's own drive, not on
    a drive that can be unplugged or a share (mounts.on_external_drive: a folder copied onto a USB
    drive with its dates is the same in all else, and the backup drive must not end up holding the
    only copy), then one in an album (in_an_album: a Takeout's photo in "Lake Tahoe 2019", not in
    "Photos from 2019"), then the shortest path. best_first() puts the file another program keeps notes on
    first among the best one's very bytes."""
    pixels = enlarged.get(photo.id, _pixels(photo))
    dated = _dated(photo, undated_bytes)
    camera = (dated or photo.lat is not None) and pixels >= CAMERA_PIXELS
    among = among or _ALONE
    return (photo.id in among.conflicts, photo.damage is not None, photo.format != "raw",
            reads_as_a_screenshot(photo.path), not camera, -pixels, photo.id in enlarged, not dated, photo.lat is None,
            photo.format == "gif", not reads_as_an_edit(photo.path), photo.id in saved_lower,
            reads_as_a_copy(photo.path), in_a_trash_folder(photo.path),
            among.ages.get(photo.id, photo.mtime_ns // _SAME_TIME_NS), -photo.size,
            mounts.on_external_drive(photo.path), not in_an_album(photo.path), len(str(photo.path)), photo.id)


@dataclass(frozen=True)
class _Among:
    """What the files of a group tell keeper_order of each other by their names and times: the sync
    conflict copies whose original is among them (conflicts_with_originals), and each file's time as
    compared (same_time_ages)."""

    conflicts: frozenset[PhotoId] = frozenset()
    ages: Mapping[PhotoId, int] = field(default_factory=dict)


_ALONE = _Among()  # a photo judged by itself


def _keeper_key(photos: Sequence[Photo]) -> Callable[[Photo], tuple]:
    """keeper_order among `photos`, which tell of each other what a photo alone does not."""
    undated, lower = dated_apart(photos), saved_at_lower_quality(photos)
    among = _Among(conflicts_with_originals(photos), same_time_ages(photos))
    enlarged = enlarged_copies(photos, undated, lower, among)
    return lambda photo: keeper_order(photo, undated, lower, enlarged, among)


def conflicts_with_originals(photos: Iterable[Photo]) -> frozenset[PhotoId]:
    """The sync tools' conflict copies of `photos` (when.without_sync_conflict) whose original, the
    file of the name they clashed over, in their folder, is among them: Syncthing renames the older
    version, so "the oldest file" kept the conflict copy and trashed the photo under its own name,
    and the sync tool then deleted it on every computer. Names are compared ignoring case: Dropbox's
    "(Case Conflict)" is of names alike but for it ("trip (Case Conflict)" beside "Trip")."""
    photos = list(photos)
    names = {str(photo.path).casefold() for photo in photos}
    return frozenset(photo.id for photo in photos
                     if any(str(original).casefold() in names for original in clashed_with(photo.path)))


def named_a_conflict_copy(path: Path) -> bool:
    """Whether a sync tool named the file, or the folder it is in, as a conflict copy
    (when.is_sync_conflict): Dropbox's "(Selective Sync Conflict)" renames the folder, not the file."""
    return is_sync_conflict(path.name) or is_sync_conflict(path.parent.name)


def same_time_ages(photos: Iterable[Photo]) -> dict[PhotoId, int]:
    """Each photo's file time as keeper_order compares it: in steps of _SAME_TIME_NS, and a time
    another file's but for a time zone's offset (whole quarter hours, up to _CLOCK_SHIFT_NS, within a
    step) counted as that one's, where one of the two is on a drive that may keep local time (a card or
    a USB drive: mounts.on_external_drive). FAT keeps local time: a card read on a computer set to
    another zone, or after a change to summer time, shows its files hours older or newer, and "the
    oldest file" kept the card's copy over the one on the computer's own drive. Two files on the
    computer's own drive an hour apart were written an hour apart: a copy saved again is not the original."""
    ages: dict[PhotoId, int] = {}
    firsts: list[tuple[int, bool]] = []  # a time no earlier one matched, and whether its file may be in local time
    for photo in sorted(photos, key=lambda p: p.mtime_ns):
        zoned = mounts.on_external_drive(photo.path)
        same = next((first for first, first_zoned in firsts
                     if (zoned or first_zoned) and _a_zone_apart(photo.mtime_ns - first)), None)
        if same is None:
            firsts.append((photo.mtime_ns, zoned))
        ages[photo.id] = (photo.mtime_ns if same is None else same) // _SAME_TIME_NS
    return ages


def _a_zone_apart(gap_ns: int) -> bool:
    """Whether two file times `gap_ns` apart are one time shown in two time zones: whole _ZONE_STEPs
    apart, up to _CLOCK_SHIFT_NS, within _SAME_TIME_NS."""
    step = _ZONE_STEP // timedelta(microseconds=1) * 1000
    return step - _SAME_TIME_NS <= gap_ns <= _CLOCK_SHIFT_NS + _SAME_TIME_NS and \
        min(gap_ns % step, step - gap_ns % step) < _SAME_TIME_NS


def enlarged_copies(photos: Sequence[Photo], undated: frozenset[str] = frozenset(),
                    saved_lower: frozenset[PhotoId] = frozenset(), among: _Among | None = None) -> dict[PhotoId, int]:
    """The copies of `photos` that are a smaller one enlarged (enlarged.adds_no_detail: more
    pixels, no more of the picture), each with the smaller one's pixels, which are all it has.
    Only the copy kept for its pixels is looked at, against the smaller copy that would be kept
    in its stead were pixels not counted (the camera's file, with its date, or the oldest), and
    the next one kept then, and so on: the files of most groups, where no smaller copy is better
    in anything else, are not read. Only a copy that lost the date taken and place is looked at,
    against one that kept them (an export without its EXIF of the camera's file, as in the
    review that found it kept, and the camera's file trashed), and only against one below
    CAMERA_PIXELS, as the old cameras' and phones' photos that are enlarged for a screen or a
    print are: a 12 MP camera's file beside its 24 MP export, developed from the raw, is not read
    (a second each), and a soft photo's larger file that kept its date is never taken for an
    enlargement (a review found a soft original trashed for an export half its size)."""
    enlarged: dict[PhotoId, int] = {}
    intact = [photo for photo in photos if photo.damage is None]
    cameras = [photo for photo in intact if _pixels(photo) < CAMERA_PIXELS and _kept_facts(photo, undated)]
    if not cameras or not any(_pixels(photo) > _pixels(camera) and not _kept_facts(photo, undated)
                              for photo in intact for camera in cameras):
        return enlarged
    for _ in range(len(intact)):
        key = functools.partial(keeper_order, undated_bytes=undated, saved_lower=saved_lower, enlarged=enlarged,
                                among=among)
        keys = {photo.id: key(photo) for photo in intact}
        best = min(intact, key=lambda photo: keys[photo.id])
        if _kept_facts(best, undated):
            break
        mine = _sizeless(keys[best.id])
        rivals = [photo for photo in cameras if _pixels(photo) < enlarged.get(best.id, _pixels(best))
                  and _sizeless(keys[photo.id]) < mine]
        rival = min(rivals, key=lambda photo: _sizeless(keys[photo.id]), default=None)
        if rival is None or not adds_no_detail(best.path, rival.path, (best.size, best.mtime_ns),
                                               (rival.size, rival.mtime_ns)):
            break
        enlarged[best.id] = _pixels(rival)
    return enlarged


def _kept_facts(photo: Photo, undated: frozenset[str]) -> bool:
    """Whether a photo kept a camera's date taken or place (keeper_order's camera's file)."""
    return _dated(photo, undated) or photo.lat is not None


def _dated(photo: Photo, undated: frozenset[str]) -> bool:
    """Whether a photo has a date taken of its own: not one its name gave where its very bytes
    are undated in another file (dated_apart)."""
    return photo.taken_at is not None and photo.hash not in undated


def _pixels(photo: Photo) -> int:
    return (photo.width or 0) * (photo.height or 0)


_SIZE_PLACES = slice(4, 7)  # keeper_order's places that count pixels: a camera's file, the most pixels, enlarged
_MOST_PIXELS = 5


def _sizeless(key: tuple) -> tuple:
    """A keeper_order key with its places that count pixels left out."""
    return key[:_SIZE_PLACES.start] + key[_SIZE_PLACES.stop:]


def saved_at_lower_quality(photos: Iterable[Photo]) -> frozenset[PhotoId]:
    """The JPEGs of `photos` saved again at a visibly lower quality (below _LOWER_QUALITY, and
    _QUALITY_GAP or more below) than another JPEG of theirs of as many pixels: a copy that lost
    detail (keeper_order). Only files of other bytes are read, their headers only."""
    by_pixels: dict[int, list[Photo]] = {}
    for photo in photos:
        if photo.format == "jpeg" and photo.width and photo.height:
            by_pixels.setdefault(photo.width * photo.height, []).append(photo)
    lower: set[PhotoId] = set()
    for alike in by_pixels.values():
        if len({photo.hash for photo in alike}) < 2:
            continue
        qualities = {photo.id: _saved_quality(photo.path, photo.size, photo.mtime_ns) for photo in alike}
        best = max((q for q in qualities.values() if q is not None), default=None)
        if best is not None:
            lower.update(pid for pid, q in qualities.items()
                         if q is not None and q < _LOWER_QUALITY and q + _QUALITY_GAP <= best)
    return frozenset(lower)


@functools.lru_cache(maxsize=4096)
def _saved_quality(path: Path, size: int, mtime_ns: int) -> int | None:
    """The quality a JPEG was last saved at, on libjpeg's scale (from its luminance table, as
    ImageMagick estimates it); None when it cannot be read. `size` and `mtime_ns` key the cache."""
    try:
        with open_regular(path) as fh, Image.open(fh) as im:
            tables = getattr(im, "quantization", None) or {}
            luminance = tables.get(0)
    except Exception as exc:  # any broken header: no quality known, the photo is judged without it
        log.debug("no JPEG quality read from %s: %s", path, exc)
        return None
    if not luminance or len(luminance) != len(_STANDARD_LUMINANCE):
        return None
    scale = 100 * sum(luminance) / sum(_STANDARD_LUMINANCE)
    return max(1, min(100, round((200 - scale) / 2 if scale <= 100 else 5000 / scale)))


def dated_apart(photos: Iterable[Photo]) -> frozenset[str]:
    """The hashes of files of these that are undated: where a file of the same bytes has a date, its name (or
    a Takeout JSON beside it) gave it, not the photo itself (keeper_order)."""
    return frozenset(p.hash for p in photos if p.hash is not None and p.taken_at is None)


_KEPT_FOR = (  # what each place of keeper_order's key says of the photo that wins there
    "it has the photo's own name, not a sync tool's conflict copy's", "it is intact", "it is the camera's raw file",
    "it is not a screenshot", "it is the camera's file",
    "it has the most pixels", "a larger copy is only this one enlarged", "it keeps the date taken", "it keeps the place",
    "it is not a GIF", "it is the phone app's edit", "it is not saved again at a lower quality",
    "it is not named or filed as a copy", "it is not in a folder of things thrown away", "it is the oldest file",
    "it is the least compressed",
    "it is on this computer's own drive", "it is in an album", "its path is the shortest", "it was indexed first",
)


def why_kept(keeper: Photo, others: Sequence[Photo]) -> list[str]:
    """Why `keeper` is kept over `others`, in a few words each, most telling first: where
    keeper_order first tells it from each of them ("it has the most pixels", "it is the oldest
    file"), but only what holds against them all (not "the most pixels" where a screenshot, or a
    copy that is it enlarged, has more: then the next way it beats that one); "another program keeps notes on it" where
    best_first chose it for that."""
    key = _keeper_key([keeper, *others])
    mine, all_theirs = key(keeper), [key(other) for other in others]
    holds = [all(mine[i] <= theirs[i] for theirs in all_theirs) for i in range(len(mine))]
    holds[_MOST_PIXELS] = holds[_MOST_PIXELS] and all(_pixels(keeper) >= _pixels(other) for other in others)
    reasons = set()
    for theirs in all_theirs:
        first = next((i for i, (a, b) in enumerate(zip(mine, theirs)) if a != b), None)
        if first is not None and mine[first] > theirs[first]:
            return ["another program keeps notes on it (a sidecar)"]
        reasons.update(itertools.islice((i for i, (a, b) in enumerate(zip(mine, theirs)) if a < b and holds[i]), 1))
    return [_KEPT_FOR[i] for i in sorted(reasons)]


def best_first(photos: Iterable[Photo]) -> list[Photo]:
    """Photos in keeper_order, but of the best one's very bytes, a file another program keeps
    notes on (a sidecar with the user's rating or keywords) first: of files that are one
    picture, the one the user worked on is kept. A better picture (the camera's file, not a copy
    saved again at a lower quality) is kept over a copy with notes, which then stays with them
    (move_to_trash) rather than cost the user the better file."""
    photos = list(photos)
    order = sorted(photos, key=_keeper_key(photos))
    if not order:
        return order
    noted = next((p for p in order if p.hash is not None and p.hash == order[0].hash and has_notes(p.path)), None)
    if noted is not None:
        order.remove(noted)
        order.insert(0, noted)
    return order


def has_notes(path: Path) -> bool:
    """Whether another program (digiKam, Lightroom, darktable) keeps notes on the photo in a
    sidecar beside it: a rating, keywords, edits, which its copies do not have."""
    return bool(xmp.others_sidecars(path))


@dataclass(frozen=True)
class Notes:
    """What a person wrote on a photo in another program (digiKam, Lightroom, Windows' file
    properties), in its sidecars or its own file, and lost with them when a copy goes: its
    captions (titles, descriptions; folded, to compare), its rating (-1, Lightroom's "rejected",
    to 5; None when unrated, as 0 says too), its colour labels (in any case) and whether it holds
    edits (darktable's history, Lightroom's develop settings: the user's work on that file). Keywords
    are none of these: a copy's become tags of the photo kept (Library.trash)."""

    captions: frozenset[str] = frozenset()
    rating: int | None = None
    labels: frozenset[str] = frozenset()
    edited: bool = False

    def __or__(self, other: Notes) -> Notes:
        ratings = [r for r in (self.rating, other.rating) if r is not None]
        return Notes(self.captions | other.captions, max(ratings, default=None), self.labels | other.labels,
                     self.edited or other.edited)

    def missing_from(self, kept: Iterable[Notes]) -> list[str]:
        """These notes that none of `kept` holds, in a few words each: a caption none of them has
        (in any case or spacing), a label none has, a rating none matches or beats (the user
        rated the picture that high or higher there, so no filter by stars loses it; an unrated
        photo holds no rating, not even a rejection)."""
        held = Notes()
        for notes in kept:
            held |= notes
        missing = []
        if self.captions - held.captions:
            missing.append("a caption")
        if self.rating is not None and (held.rating is None or held.rating < self.rating):
            stars = f"{self.rating} star{'s' if self.rating > 1 else ''}"
            missing.append("a rejected mark" if self.rating < 0 else f"a rating ({stars})")
        held_labels = {label.casefold() for label in held.labels}
        if lost := sorted(label for label in self.labels if label.casefold() not in held_labels):
            missing.append(f"a colour label ({', '.join(lost)})")
        if self.edited and not held.edited:
            missing.append("edits (darktable's or Lightroom's)")
        return missing


def notes_on(path: Path) -> Notes:
    """The Notes on a photo in the sidecars other programs keep beside it, in its own file's XMP,
    EXIF and IPTC, and the caption written in Google Photos, in the Takeout JSON beside it.
    Broken XML or JSON, or a file that cannot be read, holds none."""
    notes = _file_notes(path)
    for packet in xmp.others_sidecars(path):
        notes |= _xmp_notes(packet)
    facts = takeout_facts(path)
    if facts is not None and facts.description:
        notes |= Notes(_as_compared([facts.description]))
    return notes


def _xmp_notes(packet: bytes | None) -> Notes:
    """The Notes in an XMP packet: dc:title and dc:description (captions.xmp_texts), xmp:Rating
    and xmp:Label as an element or as an attribute of rdf:Description, and digiKam's colour."""
    root = xmp.parse(packet)
    if root is None:
        return Notes()
    ratings, labels, edited = [], [], False
    for element in root.iter():
        ratings.append(_xmp_value(element, _XMP_NS + "Rating"))
        labels.append((_xmp_value(element, _XMP_NS + "Label") or "").strip())
        colour = _number(_xmp_value(element, _DIGIKAM_COLOUR))
        if colour is not None and 0 < colour < len(_DIGIKAM_COLOURS):
            labels.append(_DIGIKAM_COLOURS[colour])
        edited = edited or (element.tag == _DARKTABLE_HISTORY and any(e.tag == _RDF_LI for e in element.iter())) \
            or (_xmp_value(element, _LIGHTROOM_SETTINGS) or "").strip().casefold() == "true"
    return Notes(_as_compared(captions.xmp_texts(packet)), _rating(ratings), frozenset(filter(None, labels)), edited)


def _xmp_value(element: ElementTree.Element, name: str) -> str | None:
    """A property of XMP, written either way: as an attribute of rdf:Description, or as its own
    element (this one, when it is named so)."""
    return element.get(name, element.text if element.tag == name else None)


def _file_notes(path: Path) -> Notes:
    """The Notes in a photo's own file, read from its header as Pillow opens it (not its pixels):
    its XMP, the captions of its EXIF, IPTC and comments, and Windows' rating in its EXIF."""
    try:
        with open_regular(path) as fh, Image.open(fh) as im:
            fmt = "jpeg" if im.format in ("JPEG", "MPO") else (im.format or "").lower()
            exif = im.getexif()
            texts = [*captions.exif_texts(exif, exif.get_ifd(_EXIF_IFD)), *captions.comment_texts(im, fmt),
                     *(captions.iptc_texts(im) if fmt in ("jpeg", "tiff") else ())]
            packet = im.info.get("xmp") or im.info.get("XML:com.adobe.xmp") or exif.get(_TIFF_XMP)
            rating = exif.get(_EXIF_RATING)
    except Exception as exc:  # any broken header, whichever Pillow plugin reads it: no notes, the trash run goes on
        log.debug("no notes read from %s: %s", path, exc)
        return Notes()
    packet = packet.encode("utf-8", "replace") if isinstance(packet, str) else packet
    notes = _xmp_notes(bytes(packet)) if isinstance(packet, (bytes, bytearray)) else Notes()
    return notes | Notes(_as_compared(texts), _rating([rating]))


def _as_compared(texts: Iterable[str]) -> frozenset[str]:
    """Captions as Notes compares them: any case, any spacing."""
    return frozenset(folded for text in texts if (folded := " ".join(text.split()).casefold()))


def _rating(values: Iterable[str | float | None]) -> int | None:
    """The highest of ratings as XMP or EXIF write them ("5", "-1", "3.0"), None for none: 0 is
    unrated, and a number out of -1..5 no rating at all."""
    ratings = [n for n in map(_number, values) if n is not None and n != 0 and -1 <= n <= 5]
    return max(ratings, default=None)


def _number(value: str | float | None) -> int | None:
    """A whole number written as text ("5", "3.0") or stored as one (EXIF); None for anything else."""
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return int(number) if number.is_integer() else None


def reads_as_a_copy(path: Path) -> bool:
    """Whether a file's name or a folder it is in says it is a copy ("Backup/", "IMG_1 (2).jpg",
    "IMG_1 - Copy.jpg", a sync tool's conflict copy "IMG_1 (Alice's conflicted copy 2021-07-04).jpg" or one in
    a folder Dropbox renamed so, "Trip (Selective Sync Conflict)/IMG_1.jpg"):
    of two files with the same bytes, copied with their dates kept, the one in the album is kept, not
    the one in the backup folder with the shorter path."""
    return _filed_as_a_copy(path) or bool(_COPY_NAME.search(path.stem)) or named_a_conflict_copy(path)


def _filed_as_a_copy(path: Path) -> bool:
    """Whether a folder the file is in says it holds copies ("Backup/", "Kopien/")."""
    folders = {part.casefold() for part in path.parent.parts}
    return any(not _COPY_WORDS.isdisjoint(_WORD.findall(folder)) for folder in folders)


def in_a_trash_folder(path: Path) -> bool:
    """Whether a folder the file is in holds what someone threw away: a "Trash" or "Bin" (a
    Takeout's Google Photos' in the languages it writes, or the user's own), Apple Photos' "Recently
    Deleted", a "To delete" folder, a desktop's or a drive's trash (".Trash-1000", ".Trashes",
    "$RECYCLE.BIN"). Of copies alike in quality, its copy is not the one kept, nor kept too for its
    folder."""
    return any(folder in _TRASH_FOLDERS or _TRASH_FOLDER.fullmatch(folder)
               for folder in (part.casefold() for part in path.parent.parts))


def in_an_album(path: Path) -> bool:
    """Whether a photo's folder is one a person named and filled: not a camera's, a phone's or an
    app's (DCIM, 100APPLE, Camera Roll, WhatsApp Images, iCloud Photos, Takeout's "Photos from
    2019"), nor one named by a date alone ("2019", "2019-07-04", "July 2019", Apple Photos' export
    "Lake Tahoe, July 4, 2019"), nor one in a trash or a backup folder. Taking its copy out of it
    takes the photo out of the user's album (kept_in_albums)."""
    folder = " ".join(path.parent.name.split()).casefold()
    if not folder or folder in _APP_FOLDERS or _CAMERA_FOLDER.fullmatch(folder) or _YEAR_FOLDER.fullmatch(folder):
        return False
    if any(part.casefold().endswith(PHOTOS_LIBRARY_SUFFIX) for part in path.parts):
        return False
    if _dated_only(folder) or ((moment := _APPLE_MOMENT.fullmatch(folder)) and moment.group(1) in _MONTHS):
        return False
    return not in_a_trash_folder(path) and not _filed_as_a_copy(path)


def _dated_only(folder: str) -> bool:
    """Whether a folder's name (folded) is a date and nothing else: "2019", "2019_07_04", "July 4, 2019"."""
    words = _WORD.findall(folder)
    return any(c.isdigit() for c in folder) and all(word in _MONTHS for word in words)


def album_folders(photos: Iterable[Photo]) -> frozenset[str]:
    """The folders holding tagging.ALBUM_MIN_PHOTOS of `photos` or more: those alone can be albums,
    as the app's sidebar lists them. A folder of a photo or two ("Rotated", "iCloud" holding one
    export) is no album whose copy is kept for it (kept_in_albums)."""
    sizes = Counter(_folder_of(photo) for photo in photos)
    return frozenset(folder for folder, size in sizes.items() if size >= ALBUM_MIN_PHOTOS)


def _folder_of(photo: Photo) -> str:
    """The photo's folder as album_folders counts them (its path's text cut, three times as quick
    as a Path's parent over a whole library)."""
    return str(photo.path).rpartition(os.sep)[0]


def kept_in_albums(keeper: Photo, others: Sequence[Photo], albums: Container[str]) -> tuple[PhotoId, ...]:
    """The copies of a group kept with its keeper: each in an album folder (one of `albums`, see
    album_folders, that in_an_album) that holds no other copy kept, the best of those there
    (keeper_order). An album the user made ("Best of 2019", "Trips/Day 1") keeps its photo though
    a better copy is kept elsewhere (its tags go to the kept photo, its folder does not). In the
    order of `others`."""
    held = {_folder_of(keeper)}
    kept = set()
    for photo in sorted(others, key=_keeper_key([keeper, *others])):
        folder = _folder_of(photo)
        if folder not in held and folder in albums and in_an_album(photo.path):
            held.add(folder)
            kept.add(photo.id)
    return tuple(photo.id for photo in others if photo.id in kept)


def kept_apart(keeper: Photo, others: Sequence[Photo], albums: Container[str]) -> tuple[PhotoId, ...]:
    """The copies of a group kept with its keeper unless the user lets them go (DuplicateGroup.kept_too),
    in the order of `others`: those kept_in_albums, and each sync tool's conflict copy whose bytes are
    not the keeper's. A conflict copy is another version of the photo (edited on one computer while
    another changed it too), however alike it looks: only the user can tell which edits to keep."""
    kept = set(kept_in_albums(keeper, others, albums))
    kept.update(photo.id for photo in others if photo.hash != keeper.hash and named_a_conflict_copy(photo.path))
    return tuple(photo.id for photo in others if photo.id in kept)


def why_kept_too(path: Path) -> str:
    """Why a copy kept too (DuplicateGroup.kept_too) is kept, in a few words."""
    if named_a_conflict_copy(path):
        return "it is a sync tool's conflict copy, another version of the photo; compare the two to choose"
    return f"it is in the album “{path.parent.name}”"


def reads_as_an_edit(path: Path) -> bool:
    """Whether a file's name says it is a phone app's edit of the photo beside it: Apple Photos'
    "IMG_E1234.JPG" of IMG_1234, Google Photos' "IMG_1234-edited.jpg" (a Takeout) and
    "IMG_20190704_101500~2.jpg" (on the phone; not Windows' short name "IMG_20~1.JPG", 8
    characters at most), a Pixel's portrait "PXL_….PORTRAIT.jpg", its background blurred, of
    "PXL_….PORTRAIT.ORIGINAL.jpg". Their users see the edit as the photo:
    of the two, it is kept; and an edit is no copy (_an_edit_apart)."""
    return bool(_EDIT_NAME.search(_COPY_NAME.sub("", path.stem)))  # "IMG_E1234 2", "…-edited(1)": its copies too


def _an_edit_apart(a: Photo, b: Photo, similarity: float) -> bool:
    """Whether one of two photos is named an edit and the other not, at the similarities that ask
    for copies only: an edit, brightened a little or cropped, is the user's other version."""
    return similarity >= SAME_SHAPE_FROM and reads_as_an_edit(a.path) != reads_as_an_edit(b.path)


def reads_as_a_screenshot(path: Path) -> bool:
    """Whether a file's name, or a folder it is in, says it is a screenshot, as phones and
    desktops name them ("Screenshot_20230615-031700.png", "Screen Shot 2023-06-15 at 3.17.00",
    "Bildschirmfoto …", "Screenshots/")."""
    if not _SCREENSHOT_HINT.search(_folded(str(path))):  # one search, not its parts one by one: most paths
        return False
    return any(_folded(part).startswith(_SCREENSHOT_WORDS) for part in (*path.parent.parts[-2:], path.stem))


def _folded(name: str) -> str:
    """A name as reads_as_a_screenshot compares it."""
    return name.casefold().replace("\u2019", "'")



def find_groups(
    photos: dict[PhotoId, Photo],
    same_bytes: Iterable[Sequence[PhotoId]],
    vectors: VectorIndex | None = None,
    embeddings: Iterable[tuple[np.ndarray, np.ndarray]] = (),
    similarity: float = DEFAULT_SIMILARITY,
    distinct: set[tuple[PhotoId, PhotoId]] | frozenset = frozenset(),
    photo_looks: Callable[[Iterable[PhotoId]], dict[PhotoId, bytes]] = lambda ids: {},
    photo_colours: Callable[[Iterable[PhotoId]], dict[PhotoId, bytes]] = lambda ids: {},
    weak_model: bool = False,
) -> list[DuplicateGroup]:
    """Group `photos` (the candidates: present, on online folders) by shared bytes and by
    vectors at least `similarity` alike: each of `embeddings` (chunks of ids and their vectors,
    as the catalog stores them) is looked up among the nearest in `vectors`. Photos of a pair
    in `distinct` never end up in one group (not through a third photo either), nor are pairs
    whose looks (`photo_looks`, as the catalog stores them) differ joined; pairs whose looks
    are the same are joined a little below `similarity` (LOOKS_VOUCH), and well below it when
    one of them is damaged and the looks are the same over the rows both hold
    (DAMAGED_VOUCH); at the similarities that ask for edits, those the same in grey or mirrored
    whose colours (`photo_colours`) allow it, whatever their vectors (_twin_likeness). A
    `weak_model` (photoclip's demo model, which knows only shapes) finds most photos alike:
    its copies must look the same (_copies). Newest keeper first, like the library's own order."""
    similarity = min(similarity, _ALMOST_SAME)  # 1 asks for the same picture, which other bytes are at most
    parent: dict[PhotoId, PhotoId] = {}
    members_of: dict[PhotoId, set[PhotoId]] = {}
    apart: dict[PhotoId, set[PhotoId]] = {}
    for a, b in distinct:
        apart.setdefault(a, set()).add(b)
        apart.setdefault(b, set()).add(a)

    def find(a: PhotoId) -> PhotoId:
        while parent.setdefault(a, a) != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    def join(a: PhotoId, b: PhotoId) -> None:
        if a == b or a not in photos or b not in photos:
            return
        first, second = find(a), find(b)
        if first == second:
            return
        if apart:  # the members of each group, so that no marked pair meets in one
            ours, theirs = members_of.pop(first, {first}), members_of.pop(second, {second})
            if len(ours) > len(theirs):
                first, second, ours, theirs = second, first, theirs, ours
            if any(not apart[pid].isdisjoint(theirs) for pid in ours if pid in apart):
                members_of[first], members_of[second] = ours, theirs
                return  # the user said some of these are different photos
            theirs |= ours
            members_of[second] = theirs
        parent[first] = second

    def joined(a: int, b: int) -> bool:
        return a in parent and b in parent and find(PhotoId(a)) == find(PhotoId(b))

    for members in same_bytes:
        for other in members[1:]:
            join(members[0], other)
    embedded: set[int] = set()
    prepared: dict[PhotoId, looks.Prepared] = {}
    colours: dict[PhotoId, bytes] = {}
    damaged = np.fromiter((pid for pid, p in photos.items() if p.damage is not None), dtype=np.int64)
    dates = _Dates(photos.values())
    if vectors is not None and len(vectors):
        candidates = np.fromiter(photos, dtype=np.int64, count=len(photos))
        candidates = candidates[np.isin(candidates, vectors.ids())]  # stored but not yet in the index: next time
        for ids, chunk in embeddings:
            keep = np.isin(ids, candidates)
            ids, chunk = ids[keep], chunk[keep]
            embedded.update(ids.tolist())
            most = _WEAK_MOST_NEIGHBOURS if weak_model else _MOST_NEIGHBOURS
            pairs = [pair for pair in _same_moment(dates, *_nearby(vectors, ids, chunk, damaged, similarity, most),
                                                   similarity)
                     if not joined(*pair[:2])]
            wanted = {PhotoId(p) for a, b, _, _ in pairs for p in (a, b)}
            prepared.update(_prepared(photo_looks(wanted - prepared.keys())))
            colours.update(photo_colours(wanted - colours.keys()))
            for a, b, sim, damage in pairs:
                if joined(a, b):
                    continue
                first, second = photos[PhotoId(a)], photos[PhotoId(b)]
                if not _an_edit_apart(first, second, similarity) and _copies(
                    sim, prepared.get(first.id), prepared.get(second.id), similarity, damage, _shapes(first, second),
                    (colours.get(first.id), colours.get(second.id)), weak_model, _burst(first, second, similarity),
                ):
                    join(PhotoId(a), PhotoId(b))
    if similarity < SAME_SHAPE_FROM:
        pairs = _maybe_twins(photos, photo_looks)
        wanted = {pid for pair in pairs for pid in pair}
        prepared.update(_prepared(photo_looks(wanted - prepared.keys())))
        colours.update(photo_colours(wanted - colours.keys()))
        twins_apart = dates.apart(np.array([a for a, _ in pairs], dtype=np.int64),
                                  np.array([b for _, b in pairs], dtype=np.int64), similarity).tolist()
        for (a, b), dated_apart in zip(pairs, twins_apart):
            if not joined(a, b) and _twin_likeness(photos[a], photos[b], prepared.get, colours.get, similarity,
                                                   dated_apart):
                join(a, b)

    components: dict[PhotoId, list[PhotoId]] = {}
    for pid in list(parent):
        components.setdefault(find(pid), []).append(pid)

    grouped = [members for members in components.values() if len(members) > 1]
    wanted = {pid for members in grouped for pid in members}
    if wanted - prepared.keys():
        prepared.update(_prepared(photo_looks(wanted - prepared.keys())))
    if wanted - colours.keys():
        colours.update(photo_colours(wanted - colours.keys()))
    albums = album_folders(photos.values())
    groups = [
        group
        for members in grouped
        for group in _around_keepers([photos[m] for m in members], vectors, embedded, prepared.get, colours.get,
                                     similarity, dates, albums, weak_model)
    ]
    groups.sort(key=lambda g: _date_key(photos[g.keeper]), reverse=True)
    return groups


def _prepared(stored: dict[PhotoId, bytes]) -> dict[PhotoId, looks.Prepared]:
    """Stored looks, prepared (looks.prepare_many)."""
    return dict(zip(stored, looks.prepare_many(list(stored.values()))))


def _nearby(
    vectors: VectorIndex, ids: np.ndarray, chunk: np.ndarray, damaged: np.ndarray, similarity: float,
    most: int = _MOST_NEIGHBOURS,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Each of `ids` (vectors `chunk`) and those of its nearest photos alike enough to be its
    copies, as arrays of the pairs' ids, neighbours, similarities and whether either is damaged:
    a weak model pairs a library's photos by the million. A photo whose nearest are all as alike
    as the similarity asked for asks for twice as many, until the farthest is not: a picture
    imported or received many times fills each copy's nearest with copies of one kind (the
    camera's file, the one a chat made smaller), and would split into groups that never meet.
    (Only as alike: a crowd of look-alikes, such as a model that knows little, would ask for
    hundreds.) Of photos with the very same vector, one asks for the others: they have the
    same nearest."""
    found: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []
    k, seen = NEIGHBOURS, 0
    while len(ids):
        labels, sims = vectors.neighbours(chunk, k)
        hurt = np.isin(ids, damaged)[:, None] | np.isin(labels, damaged)
        near = sims >= np.where(hurt, _least_similarity(similarity, True), _least_similarity(similarity, False))
        rows, cols = np.nonzero(near[:, seen:] & (labels[:, seen:] != ids[:, None]))
        cols += seen
        found.append((ids[rows], labels[rows, cols], sims[rows, cols], hurt[rows, cols]))
        if k >= min(len(vectors), most):
            break
        more = np.flatnonzero(sims[:, -1] >= similarity)
        more = np.sort(more[np.unique(chunk[more], axis=0, return_index=True)[1]])
        ids, chunk, k, seen = ids[more], chunk[more], 2 * k, k
    if not found:
        return (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32),
                np.zeros(0, dtype=bool))
    first, second, alike, damage = (np.concatenate(column) for column in zip(*found))
    return first, second, alike, damage


def _same_moment(
    dates: _Dates, first: np.ndarray, second: np.ndarray, alike: np.ndarray, damaged: np.ndarray, similarity: float,
) -> list[tuple[int, int, float, bool]]:
    """The pairs (_nearby's arrays) of photos both among the candidates and not taken at different
    moments, in their order: of the millions a weak model pairs, all but a few thousand are
    dated apart, and are let go before any is looked at one by one."""
    kept = dates.has(second)
    kept[kept] = ~dates.apart(first[kept], second[kept], similarity)
    return list(zip(first[kept].tolist(), second[kept].tolist(), alike[kept].tolist(), damaged[kept].tolist()))


def _copies(
    sim: float, a: looks.Prepared | None, b: looks.Prepared | None, similarity: float, damaged: bool,
    shapes: tuple[float, float] = (1.0, 1.0), colours: tuple[bytes | None, bytes | None] = (None, None),
    weak_model: bool = False, burst: bool = False,
) -> bool:
    """Whether two photos whose vectors are `sim` alike are copies: alike enough, and looking
    alike (photos without a look are left to their vectors); or nearly alike, and looking the
    same (an edited copy, or a damaged one over the rows it holds). At the default, copies only
    (SAME_SHAPE_FROM and stricter), a copy keeps its photo's colours (`colours`, where both are
    known) and its frame (looks.COPY_TRIMS): an edit (brightened, recoloured, cropped) is the user's
    work, and waits for the similarities that ask for edits. A damaged photo must look the same
    whatever the similarity asked for: it may be the only copy of its picture, and a looser
    match would offer it to the trash for another photo taken a moment later. Photos of other
    shapes (width / height, `shapes`) are copies only at the looser similarities that ask for
    crops, and only when one looks the same as the middle of the other: a crop, unlike a second
    shot, shows just what its photo shows there. A `weak_model`'s vectors vouch for little:
    intact copies must look as alike as a copy's looks are (a ball and a box of one size look
    almost the same), and blank looks (a plain background with a few small things on it) must
    have the same colours too; at copies only, looks make up for vectors below the similarity only
    when they are a picture's saved again (_SAVED_AGAIN: a burst's next frame of a misty scene, its
    frame moved a little, looks 0.99 the same); shots of one `burst` (dated seconds apart, at the similarity
    that asks for them) are grouped too when they only look alike, in the same colours, as the
    subject moves. Being dated as a burst takes nothing away: an edit or a crop keeps its photo's
    date, and what is a copy at a stricter similarity stays one at every looser one."""
    if max(shapes) / min(shapes) > looks.RESHAPED:  # a crop at most, which a blank look cannot vouch for
        if similarity >= SAME_SHAPE_FROM or damaged or a is None or b is None or a.flat or b.flat:
            return False
        return looks.compare_shaped(a, b, *shapes) >= looks.SAME
    if a is None or b is None:
        return sim >= similarity
    if damaged and not (a.flat or b.flat):
        return looks.compare_held(a, b) >= looks.SAME
    strict = similarity >= SAME_SHAPE_FROM
    trims = looks.COPY_TRIMS if strict else looks.CROP_TRIMS
    if weak_model:
        likeness = looks.compare(a, b, trims)
        vouched = sim >= similarity or not (a.flat or b.flat)
        bar = _SAVED_AGAIN if strict and sim < similarity else looks.TWIN
        copies = likeness >= bar and vouched and not ((strict or a.flat or b.flat) and _recoloured(colours))
        return copies or (burst and likeness >= looks.ALIKE and vouched and not _recoloured(colours))
    if a.flat or b.flat:  # a blank look (a page of text, a clear sky) cannot tell two photos apart
        copies = sim >= similarity and looks.compare(a, b) >= looks.SAME
    else:
        likeness = looks.compare(a, b, trims)
        copies = likeness >= looks.SAME or (sim >= similarity and likeness >= look_bar(similarity))
    return copies and not (strict and _recoloured(colours))


def _recoloured(colours: tuple[bytes | None, bytes | None]) -> bool:
    """Whether two photos' colours (looks.colours_of) are not a copy's, where both are known."""
    first, second = colours
    return first is not None and second is not None and not looks.same_colours(first, second)


def _shapes(a: Photo, b: Photo) -> tuple[float, float]:
    """Each photo's width / height as the user sees it; alike when either is not known."""
    if not (a.width and a.height and b.width and b.height):
        return 1.0, 1.0
    return a.width / a.height, b.width / b.height


class _Dates:
    """The candidates' dates taken as numbers, to tell whether photos were taken at different
    moments (apart) a million pairs at once: a weak model finds crowds alike, and all but a few
    thousand of its pairs were taken at other moments. Each photo's date (and whether it reads
    as a screenshot) is read when first asked for: a strong model pairs few photos."""

    def __init__(self, photos: Iterable[Photo]) -> None:
        self.photos = list(photos)
        ids = np.fromiter((photo.id for photo in self.photos), dtype=np.int64, count=len(self.photos))
        self.row_of = _table(ids)
        self.read = np.zeros(len(ids), dtype=bool)
        self.known = np.zeros(len(ids), dtype=bool)
        self.at = np.zeros(len(ids), dtype=np.int64)  # microseconds since the year 1, without time zone
        self.to_the_ms = np.zeros(len(ids), dtype=bool)
        self.screenshot = np.full(len(ids), -1, dtype=np.int8)  # -1: not read yet
        self.named = np.full(len(ids), -1, dtype=np.int8)  # whether its date is its name's: -1, not read yet
        self.takeout = np.full(len(ids), -1, dtype=np.int8)  # whether a Takeout JSON is beside it: -1, not read yet

    def has(self, ids: np.ndarray) -> np.ndarray:
        """Which of `ids` are candidates."""
        return self.row_of(ids) >= 0

    def apart(self, first: np.ndarray, second: np.ndarray, similarity: float) -> np.ndarray:
        """Which pairs of candidates (`first[i]`, `second[i]`) were taken at different moments, so
        that however alike they are they are two shots, not copies: a copy keeps its photo's date.
        A time of midnight is a date without one (a chat's file name, the day the copy was sent:
        the day taken or later, never before; two such days of chats' names say nothing of each
        other: the photo sent to two chats on two days; two scans dated at midnight a year apart
        are two photos). Two dates to the millisecond (EXIF's
        SubSecTime, which a copy keeps) that differ are two frames of a burst, however close. At
        the looser similarities that ask for similar shots too (SAME_MOMENT_FROM), those of one
        occasion: not a day or more apart (the sunset of each evening of a trip); at the others, see
        _apart_to_the_moment. A screenshot's date is when the screen was captured: it says nothing
        of when the photo it shows was taken."""
        a, b = self._rows(first), self._rows(second)
        earlier, later = np.minimum(self.at[a], self.at[b]), np.maximum(self.at[a], self.at[b])
        gap = later - earlier
        if similarity < SAME_MOMENT_FROM:
            apart = gap > _TIME_ZONES // _MICROSECOND
        else:
            apart = self._apart_to_the_moment(a, b, gap)
        day_only = (earlier % _DAY == 0) | (later % _DAY == 0)
        days_apart = (earlier % _DAY == 0) & (gap > _TIME_ZONES // _MICROSECOND)
        sent = days_apart & (later % _DAY == 0)
        sent[sent] = self._from_name(a[sent]) & self._from_name(b[sent])
        apart = np.where(day_only, days_apart & ~sent, apart)
        apart &= self.known[a] & self.known[b]
        apart[apart] = self._screenshots(a[apart]) == self._screenshots(b[apart])
        return apart

    def _apart_to_the_moment(self, a: np.ndarray, b: np.ndarray, gap: np.ndarray) -> np.ndarray:
        """Whether the photos of rows `a` and `b`, dated `gap` microseconds apart, were taken at
        different moments, at the similarities that ask for copies. A copy keeps its photo's EXIF
        date: dates to the second a second apart are two shots of a camera that writes no sub-second
        time. A date to the second is one moment with one to the millisecond in that second (a copy
        that lost its SubSecTime); a date a name gave and an EXIF date are one a second or two apart
        (_MOMENT_SLACK: the name is written when the file is); a date from a Takeout's JSON and one
        from EXIF are one whole quarter hours apart, up to a day (its UTC, the camera's zone)."""
        both_ms = self.to_the_ms[a] & self.to_the_ms[b]
        slack = np.where(both_ms | (self.to_the_ms[a] == self.to_the_ms[b]), 0, _SECOND)
        step, zones = _ZONE_STEP // _MICROSECOND, _TIME_ZONES // _MICROSECOND
        off_zone = np.minimum(gap % step, step - gap % step)
        near = np.minimum(gap, off_zone) <= _MOMENT_SLACK // _MICROSECOND  # a second or two, or from a zone's
        rounded = ~both_ms & (gap > slack) & near & (gap <= zones)
        slack[rounded] = np.where(self._from_name(a[rounded]) != self._from_name(b[rounded]),
                                  _MOMENT_SLACK // _MICROSECOND, slack[rounded])
        apart = (gap > zones) | ((gap > slack) & (off_zone > slack))
        zoned = ~apart & (gap > slack)  # one moment only in two time zones
        apart[zoned] = ~(self._takeout(a[zoned]) | self._takeout(b[zoned]))
        return apart

    def _rows(self, ids: np.ndarray) -> np.ndarray:
        """Where these candidates' dates are, read now where they were not yet."""
        rows = self.row_of(ids)
        unread = np.unique(rows[~self.read[rows]])
        taken = [None if self.photos[row].taken_until else self.photos[row].taken_at  # its folder's days: no moment
                 for row in unread.tolist()]
        moments = [_moment(at) if at else None for at in taken]
        self.known[unread] = [moment is not None for moment in moments]
        self.at[unread] = [(moment - datetime.min) // _MICROSECOND if moment is not None else 0 for moment in moments]
        self.to_the_ms[unread] = ["." in (at or "") for at in taken]
        self.read[unread] = True
        return rows

    def _from_name(self, rows: np.ndarray) -> np.ndarray:
        """Whether each of these photos' date is its name's (when.date_in_name), read once: a
        phone's own file, named with the EXIF date it has, counts too."""
        unread = np.unique(rows[self.named[rows] < 0])
        self.named[unread] = [date_in_name(self.photos[row].path.name) == self.photos[row].taken_at
                              for row in unread.tolist()]
        return self.named[rows] == 1

    def _takeout(self, rows: np.ndarray) -> np.ndarray:
        """Whether each of these photos has a Takeout JSON beside it (its date may be that one's)."""
        unread = np.unique(rows[self.takeout[rows] < 0])
        self.takeout[unread] = [has_json(self.photos[row].path) for row in unread.tolist()]
        return self.takeout[rows] == 1

    def _screenshots(self, rows: np.ndarray) -> np.ndarray:
        """Whether each of these photos reads as a screenshot, read from its path once."""
        unread = np.unique(rows[self.screenshot[rows] < 0])
        self.screenshot[unread] = [reads_as_a_screenshot(self.photos[row].path) for row in unread.tolist()]
        return self.screenshot[rows] == 1


def _table(ids: np.ndarray) -> Callable[[np.ndarray], np.ndarray]:
    """Where each of `ids` is in it, as a function of many ids: -1 for one not in it. A table
    indexed by id where ids are dense, as SQLite's are (a search among a hundred thousand, for each
    of millions of pairs, takes a second), else a search."""
    if len(ids) and ids.min() >= 0 and ids.max() <= _DENSE * len(ids) + (1 << 20):
        rows = np.full(int(ids.max()) + 2, -1, dtype=np.int64)  # the last: every id past the table's
        rows[ids] = np.arange(len(ids))
        return lambda wanted: rows[np.minimum(wanted, len(rows) - 1)]
    order = np.argsort(ids)
    ordered, rows = np.append(ids[order], -1), np.append(order, -1)  # the last: every id not in it

    def search(wanted: np.ndarray) -> np.ndarray:
        at = np.searchsorted(ordered[:-1], wanted)
        return np.where(ordered[at] == wanted, rows[at], -1)
    return search


def _burst(a: Photo, b: Photo, similarity: float) -> bool:
    """Whether two photos are shots of one burst, at a similarity that asks for similar shots:
    both dated to the second (not a day from a name), at most BURST apart."""
    if similarity >= SAME_MOMENT_FROM or not a.taken_at or not b.taken_at:
        return False
    first, second = _moment(a.taken_at), _moment(b.taken_at)
    midnight = datetime.min.time()
    if first is None or second is None or first.time() == midnight or second.time() == midnight:
        return False
    return abs(first - second) <= BURST


def _moment(taken_at: str) -> datetime | None:
    """A date taken as stored, without its time zone; None when it cannot be read."""
    try:
        return datetime.fromisoformat(taken_at).replace(tzinfo=None)
    except ValueError:
        return None


def _maybe_twins(
    photos: dict[PhotoId, Photo], photo_looks: Callable[[Iterable[PhotoId]], dict[PhotoId, bytes]]
) -> list[tuple[PhotoId, PhotoId]]:
    """Pairs of intact photos whose looks may be the same in grey, mirrored or turned (looks.twins),
    their looks read a chunk at a time and let go (the few paired are read again, not all kept)."""
    ids: list[PhotoId] = []
    sketches = []
    whole = [pid for pid, photo in photos.items() if photo.damage is None]
    for start in range(0, len(whole), _LOOKS_AT_ONCE):
        stored = photo_looks(whole[start:start + _LOOKS_AT_ONCE])
        ids.extend(stored)
        sketches.append(looks.sketches(list(stored.values())))
    if len(ids) < 2:
        return []
    return [(ids[a], ids[b]) for a, b in looks.twins(np.concatenate(sketches))]


def _twin_likeness(
    a: Photo, b: Photo, look: Callable[[PhotoId], looks.Prepared | None], colour: Callable[[PhotoId], bytes | None],
    similarity: float, dated_apart: bool,
) -> float:
    """How alike two photos look, straight, mirrored or turned (looks.TURNS), when they are one
    picture in grey (at least looks.TWIN; turned, looks.TURNED_TWIN) of one shape that way round,
    and their colours allow it (looks.one_picture_in_colour; straight, _same_hues too), else 0: a
    copy made black and white or sepia, brightened or made more colourful, flipped, or a sideways
    photo righted, is an edit, found at the similarities that ask for edits (below SAME_SHAPE_FROM)
    whatever the vectors say (a weak model finds a copy brightened and saturated 0.9 alike), as
    perceptual hashes find such copies; photos without colours (indexed before they were kept) have none. Two
    photos `dated_apart` (_Dates.apart) are not one picture. Which of the two is upright nobody
    can tell: the original is kept, as of any edit."""
    if similarity >= SAME_SHAPE_FROM or a.damage is not None or b.damage is not None or dated_apart:
        return 0.0
    first, second = look(a.id), look(b.id)
    tints = colour(a.id), colour(b.id)
    if first is None or second is None or first.flat or second.flat or tints[0] is None or tints[1] is None:
        return 0.0
    shape, other = _shapes(a, b)
    best = 0.0
    for turn in looks.TURNS:
        turned_shape = 1 / other if looks.sideways(turn) else other
        if max(shape, turned_shape) / min(shape, turned_shape) > looks.RESHAPED:
            continue
        alike = looks.compare(first, looks.turned(second, turn))
        least = looks.TWIN if turn in (looks.STRAIGHT, looks.MIRRORED) else looks.TURNED_TWIN
        if alike >= max(best, least) and (looks.one_picture_in_colour(*tints, turn)
                                          or (turn == looks.STRAIGHT and _same_hues(*tints))):
            best = alike
    return best


def _same_hues(a: bytes, b: bytes) -> bool:
    """Whether two photos' colours (looks.colours_of) are one picture's made more or less colourful:
    brightened, darkened, given more contrast or saturation, each cell's colour lies further from
    grey or nearer it, its hue kept (give or take _HUE_SLACK, or _HUE_SLACK_SHARE of the strongest
    colour, as looks.one_picture_in_colour allows), both ways round. A cell grey in one may be coloured in
    the other only where it is white or black (_CLIPPED: brightened past white, its colour is gone).
    A red shirt photographed alike in blue, or in grey, has another hue there, and is another photo."""
    first, second = (np.frombuffer(colours, dtype=np.uint8).reshape(-1, 3).astype(np.float32) @ _YCBCR
                     for colours in (a, b))
    strongest = max(float(np.linalg.norm(cells[:, 1:], axis=1).max()) for cells in (first, second))
    slack = max(_HUE_SLACK, _HUE_SLACK_SHARE * strongest)
    for this, that in ((first, second), (second, first)):
        strength = np.linalg.norm(this[:, 1:], axis=1)
        hue = this[:, 1:] / np.maximum(strength, 1e-6)[:, None]
        along = (that[:, 1:] * hue).sum(axis=1)
        across = np.abs(that[:, 1] * hue[:, 1] - that[:, 2] * hue[:, 0])
        hued = strength > _HUELESS
        off_hue = np.where(hued & (along > 0), across, np.linalg.norm(that[:, 1:], axis=1))  # from the hue's ray
        clipped = (this[:, 0] >= 255 - _CLIPPED) | (this[:, 0] <= _CLIPPED)
        if not np.all((off_hue <= slack) | (~hued & clipped)):
            return False
    return True


def look_bar(similarity: float) -> float:
    """How alike two photos must look (looks.likeness) at a similarity: the default asks for
    copies; the looser similarities the user picks for edits, crops and bursts accept
    photos framed or taken a little differently."""
    return max(_LOOK_BAR_LEAST, min(looks.ALIKE, looks.ALIKE - _LOOK_BAR_SLOPE * (DEFAULT_SIMILARITY - similarity)))


def _least_similarity(similarity: float, damaged: bool) -> float:
    """The least similarity at which two photos can be copies (when their looks vouch for it).
    At 1, the strictest, only the same picture (saved again, its metadata changed): no edit."""
    if similarity >= _ALMOST_SAME:
        return _ALMOST_SAME
    return min(similarity - LOOKS_VOUCH, DAMAGED_VOUCH) if damaged else similarity - LOOKS_VOUCH


def _around_keepers(
    members: list[Photo],
    vectors: VectorIndex | None,
    embedded: set[int],
    look: Callable[[PhotoId], looks.Prepared | None],
    colour: Callable[[PhotoId], bytes | None],
    similarity: float,
    dates: _Dates,
    albums: Container[str],
    weak_model: bool = False,
) -> list[DuplicateGroup]:
    """Photos joined pair by pair, as groups in which every copy is a copy of the photo kept:
    a chain of photos each a little like the next (skies, pages, a burst) would otherwise put
    photos that are not copies of each other in one group, a click from the trash; and the
    similarity a group shows is to the photo kept. A copy goes with the photo it is most a copy
    of (_nearer_elsewhere), and the copies of a group were all taken at one moment, not only
    each at the kept photo's (_of_one_moment)."""
    rest = members
    vector_of = _vectors_by_hash(rest, vectors, embedded)

    def likeness(keeper: Photo, other: Photo, dated_apart: bool) -> float | None:
        """How alike `other` is to `keeper` as its copy; None when it is no copy of it."""
        if other.hash == keeper.hash:
            return 1.0
        sim = None
        if keeper.hash in vector_of and other.hash in vector_of:
            sim = float(vector_of[keeper.hash] @ vector_of[other.hash])
        damaged = keeper.damage is not None or other.damage is not None
        if _an_edit_apart(keeper, other, similarity):
            return None
        if sim is not None and sim >= _least_similarity(similarity, damaged) and not dated_apart and \
                _copies(sim, look(keeper.id), look(other.id), similarity, damaged, _shapes(keeper, other),
                        (colour(keeper.id), colour(other.id)), weak_model, _burst(keeper, other, similarity)):
            return min(_ALMOST_SAME, sim)
        if twin := _twin_likeness(keeper, other, look, colour, similarity, dated_apart):
            return min(_ALMOST_SAME, max(sim or 0.0, twin))
        return None

    groups = []
    while len(rest) > 1:
        rest = best_first(rest)
        keeper = rest[0]
        apart_from_keeper = dates.apart(np.full(len(rest) - 1, keeper.id, dtype=np.int64),
                                        np.array([other.id for other in rest[1:]], dtype=np.int64), similarity)
        found = [(other, likeness(keeper, other, dated_apart))
                 for other, dated_apart in zip(rest[1:], apart_from_keeper.tolist())]
        copies = sorted(((other, sim) for other, sim in found if sim is not None), key=lambda copy: -copy[1])
        left = [other for other, sim in found if sim is None]
        copies, elsewhere = _nearer_elsewhere(copies, keeper, left, vector_of, likeness, look, dates, similarity)
        copies, apart = _of_one_moment(copies, keeper, dates, similarity)
        if copies:
            groups.append(DuplicateGroup(
                keeper=keeper.id,
                others=tuple(copy.id for copy, _ in copies),
                similarities=tuple(round(sim, 4) for _, sim in copies),
                exact=all(copy.hash == keeper.hash for copy, _ in copies),
                kept_too=kept_apart(keeper, [copy for copy, _ in copies], albums),
            ))
        rest = left + elsewhere + apart
    return groups


def _nearer_elsewhere(
    copies: list[tuple[Photo, float]], keeper: Photo, left: list[Photo], vector_of: dict[str, np.ndarray],
    likeness: Callable[[Photo, Photo, bool], float | None], look: Callable[[PhotoId], looks.Prepared | None],
    dates: _Dates, similarity: float,
) -> tuple[list[tuple[Photo, float]], list[Photo]]:
    """The copies of a kept photo that are more alike a photo left out of its group (_more_alike),
    as copies of that one, taken out: a chat's copy of one shot, a little like the shot before it
    that is kept, goes with its own shot (and its tags with it, when it is trashed)."""
    others = [photo for photo in left if photo.hash in vector_of]
    if not copies or not others or keeper.hash not in vector_of:
        return copies, []
    matrix = np.stack([vector_of[photo.hash] for photo in others])
    kept, moved = [], []
    for copy, sim in copies:
        if sim >= 1.0 or copy.hash not in vector_of:
            kept.append((copy, sim))
            continue
        own = vector_of[copy.hash]
        near = np.flatnonzero(matrix @ own > float(vector_of[keeper.hash] @ own) - _VECTORS_TIE).tolist()
        apart = dates.apart(np.array([others[i].id for i in near], dtype=np.int64),
                            np.full(len(near), copy.id, dtype=np.int64), similarity).tolist()
        if any((alike := likeness(others[i], copy, dated_apart)) is not None
               and _more_alike(copy, others[i], keeper, alike, sim, look) for i, dated_apart in zip(near, apart)):
            moved.append(copy)
        else:
            kept.append((copy, sim))
    return kept, moved


def _more_alike(
    copy: Photo, other: Photo, keeper: Photo, to_other: float, to_keeper: float,
    look: Callable[[PhotoId], looks.Prepared | None],
) -> bool:
    """Whether `copy`, a copy of `other` and of the photo kept this alike (`to_other`,
    `to_keeper`), is more a copy of `other`: the more alike, or, where they are within
    _VECTORS_TIE (a model finds a chat's copies of two shots of one scene as alike to either), the
    one it looks more like."""
    mine, theirs, kept = look(copy.id), look(other.id), look(keeper.id)
    if abs(to_other - to_keeper) >= _VECTORS_TIE or mine is None or theirs is None or kept is None:
        return to_other > to_keeper
    return looks.compare(mine, theirs) > looks.compare(mine, kept)


def _of_one_moment(
    copies: list[tuple[Photo, float]], keeper: Photo, dates: _Dates, similarity: float,
) -> tuple[list[tuple[Photo, float]], list[Photo]]:
    """The copies of a kept photo, most alike first, each taken at the moment of those before it:
    a photo dated to the second only is at the moment of two burst frames dated to the millisecond
    a third of a second apart, which are two shots, not copies of one another. Those that are
    not are taken out."""
    kept: list[tuple[Photo, float]] = []
    apart: list[Photo] = []
    for copy, sim in copies:
        if kept and copy.hash != keeper.hash and dates.apart(
                np.array([other.id for other, _ in kept], dtype=np.int64),
                np.full(len(kept), copy.id, dtype=np.int64), similarity).any():
            apart.append(copy)
        else:
            kept.append((copy, sim))
    return kept, apart


def _vectors_by_hash(members: list[Photo], vectors: VectorIndex | None, embedded: set[int]) -> dict[str, np.ndarray]:
    """A unit vector for each content among `members` (photos with the same bytes share one)."""
    if vectors is None:
        return {}
    firsts: dict[str, PhotoId] = {}
    for member in members:
        if member.id in embedded:
            firsts.setdefault(member.hash, member.id)
    if not firsts:
        return {}
    rows = vectors.vectors(np.array(list(firsts.values())))
    rows /= np.linalg.norm(rows, axis=1, keepdims=True)
    return dict(zip(firsts, rows))


def _kept_elsewhere(path: Path, copy: os.stat_result, kept: Sequence[Photo]) -> bool:
    """Whether the first photo kept in the stead of the copy at `path` (the best one kept) is there as
    it was, and another file. Edited since (or gone), it may no longer be the picture: the copy may be
    its last original, though a lesser copy kept in an album is still there. A name its folder no longer
    lists so spelled is gone, though a drive that ignores case still opens it (spelled_as_listed): after
    a rename that changed only the case on a memory card, it is the copy itself by its old name. No
    photo kept may be the copy's file by another case of its path (_one_file)."""
    if not kept or not spelled_as_listed(kept[0].path) or any(_one_file(path, photo.path) for photo in kept):
        return False
    try:
        st = os.stat(kept[0].path)
    except OSError:
        return False
    return (st.st_size, mtime_ns(st)) == (kept[0].size, kept[0].mtime_ns) and \
        (st.st_dev, st.st_ino) != (copy.st_dev, copy.st_ino)


def _one_file(path: Path, other: Path) -> bool:
    """Whether two paths alike but for case name one file, as the drive lists it (on_disk): a folder of
    a memory card added as typed ("card/dcim") and as listed ("card/DCIM") held each photo twice, and
    exfat-fuse gives each spelling its own inode. Only paths equal ignoring case are looked up."""
    return str(path).casefold() == str(other).casefold() and on_disk(path) == on_disk(other)


def _date_key(photo: Photo) -> tuple[str, int]:
    return (photo.taken_at or "", photo.mtime_ns)


def one_name_per_file(photos: dict[PhotoId, Photo], same_bytes: Iterable[Sequence[PhotoId]]) -> dict[PhotoId, Photo]:
    """`photos` with each file once: a symlink, a hard link, a folder linked or mounted twice
    reach one file by several paths, which are not copies of it (trashing one "copy" would
    trash the file, or leave the link kept pointing at nothing). Only photos with the same
    bytes can be one file, so only those are looked at; the name kept is a real one."""
    seen: dict[tuple[int, int], PhotoId] = {}
    dropped: set[PhotoId] = set()
    for members in same_bytes:
        if len(members) < 2:
            continue
        for pid in sorted((m for m in members if m in photos), key=lambda m: _linked_name(photos[m].path)):
            try:
                st = os.stat(photos[pid].path)
            except OSError:
                continue
            if (st.st_dev, st.st_ino) in seen:
                dropped.add(pid)
            else:
                seen[(st.st_dev, st.st_ino)] = pid
    return {pid: photo for pid, photo in photos.items() if pid not in dropped} if dropped else photos


def _linked_name(path: Path) -> tuple[bool, bool, int]:
    """Real names first (the path is the file's own), then names through a linked folder before a link
    to the file itself (trashing that frees nothing), then shorter ones."""
    return (os.path.realpath(path) != str(path), os.path.islink(path), len(str(path)))


def move_to_trash(photos: Iterable[Photo], kept_for: dict[PhotoId, Sequence[Photo]] | None = None) -> TrashResult:
    """Send each photo's file to the system trash, where the user can restore it. A file that
    changed since it was indexed, or vanished, stays out of it: the user chose what they saw.
    With `kept_for` (a copy -> the photos kept in its stead, the best first), a copy goes only
    while the first of those is still there as it was, and is another file: never the last one of
    a picture; and only when they hold its Notes (a caption, a rating, a colour label) too."""
    read = functools.cache(notes_on)  # many copies share the photo kept: each file is read once a run
    jsons = _TakeoutJsons()
    trashed: list[PhotoId] = []
    failed: list[tuple[Path, str]] = []
    freed = 0
    for photo in photos:
        try:
            st = os.stat(photo.path)
        except FileNotFoundError:
            failed.append((photo.path, "the file is gone"))
            continue
        except OSError as exc:
            failed.append((photo.path, f"cannot read it: {exc.strerror or exc}"))
            continue
        if (st.st_size, mtime_ns(st)) != (photo.size, photo.mtime_ns):
            failed.append((photo.path, "it changed since it was indexed; look at it again"))
            continue
        if not spelled_as_listed(photo.path):
            failed.append((photo.path, "its folder lists it under a name spelled otherwise (renamed in another case on "
                                       "a drive that ignores case): it may be the photo kept; run `photoclip index` "
                                       "and look again"))
            continue
        if kept_for is not None and photo.id in kept_for and not _kept_elsewhere(photo.path, st, kept_for[photo.id]):
            stead = kept_for[photo.id][0].path.name if kept_for[photo.id] else "the photo kept"
            failed.append((photo.path, f"{stead}, kept in its place, is gone, changed since it was read, or this very "
                                       "file; look again once photoclip has read it again"))
            continue
        kept = kept_for.get(photo.id) if kept_for is not None else None
        missing = _notes_missing(photo.path, kept, read) if kept is not None else []
        if missing:
            failed.append((photo.path, f"it holds {_listed(missing)} the photo kept has not; give that one the "
                                       "same, then trash this copy yourself"))
            continue
        try:
            send2trash(str(photo.path))
        except OSError as exc:
            failed.append((photo.path, _why_not_trashed(photo.path, exc)))
            continue
        log.info("moved %s to the trash", photo.path)
        _trash_sidecars(photo.path, jsons)
        trashed.append(photo.id)
        freed += photo.size
    return TrashResult(trashed=tuple(trashed), freed_bytes=freed, failed=tuple(failed))


def _why_not_trashed(path: Path, exc: OSError) -> str:
    """Why the trash refused a file, in a few words: a drive that cannot be written (a disc, a card
    locked against writing) says so; send2trash's own check said only "Permission denied"."""
    try:
        read_only = bool(os.statvfs(path.parent).f_flag & os.ST_RDONLY)
    except (OSError, AttributeError):  # no statvfs (Windows), or the drive went
        read_only = False
    if read_only:
        return "it is on a read-only drive (a disc, or a card locked against writing); nothing was moved"
    return f"cannot move it to the trash: {getattr(exc, 'strerror', None) or exc}"


def _notes_missing(copy: Path, kept: Sequence[Photo], read: Callable[[Path], Notes]) -> list[str]:
    """What of the Notes on `copy` none of the photos `kept` in its stead holds (Notes.missing_from);
    theirs are not read when it has none, as most copies have."""
    notes = read(copy)
    if notes == Notes():
        return []
    return notes.missing_from(read(other.path) for other in kept)


def _listed(items: Sequence[str]) -> str:
    """"a, b and c"."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _trash_sidecars(photo: Path, jsons: _TakeoutJsons) -> None:
    """A trashed photo's XMP sidecars and Takeout JSON go with it (restored beside it, not left
    without it), except a `name.xmp` another file of that name shares (Lightroom's for a raw and its
    JPEG) and a JSON another photo still uses (_TakeoutJsons)."""
    shared = {p for p in photo.parent.glob(glob.escape(photo.stem) + ".*")
              if p.suffix.lower() != ".xmp" and not is_json(p)}
    sidecars = [sidecar for sidecar in xmp.sidecar_paths(photo) if sidecar.name == photo.name + sidecar.suffix
                or not shared]
    seen: set[tuple[int, int]] = set()
    for sidecar in [*sidecars, *jsons.left_alone(photo)]:
        try:
            st = sidecar.lstat()
            if not stat.S_ISREG(st.st_mode) or (st.st_dev, st.st_ino) in seen:
                continue
            seen.add((st.st_dev, st.st_ino))
            send2trash(str(sidecar))
        except FileNotFoundError:
            continue
        except OSError as exc:
            log.warning("the sidecar %s stays where it is: %s", sidecar, getattr(exc, "strerror", None) or exc)


class _TakeoutJsons:
    """The Takeout JSON files in the folders a trash run takes photos from, each with the files
    that use it (takeout.sidecar_names: an "-edited" photo shares its original's, and names cut
    short can be shared), so that a photo's JSON goes with the last of them. Each folder is listed
    once a run: a Takeout's folder holds thousands of photos."""

    def __init__(self) -> None:
        self._users: dict[Path, dict[str, set[str]]] = {}

    def left_alone(self, photo: Path) -> list[Path]:
        """The JSON files of `photo`, just trashed, that no other file beside it uses."""
        if not has_json(photo):
            return []
        if photo.parent not in self._users:
            self._users[photo.parent] = _json_users(photo.parent)
        users = self._users[photo.parent]
        alone = []
        for name in sidecar_names(photo.name):
            if name in users:
                users[name].discard(photo.name)
                if not users[name]:
                    del users[name]
                    alone.append(photo.with_name(name))
        return alone


def _json_users(folder: Path) -> dict[str, set[str]]:
    """Each Takeout JSON's name in `folder` -> the names of the other files there that use it."""
    try:
        names = [entry.name for entry in os.scandir(folder)]
    except OSError:
        return {}
    users: dict[str, set[str]] = {name: set() for name in names if is_json(name)}
    for name in names:
        if not is_json(name):
            for json_name in sidecar_names(name):
                if json_name in users:
                    users[json_name].add(name)
    return users
