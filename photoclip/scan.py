"""Walk a root and bring the catalog in line with what is on disk.

A root whose folder is missing (or is an empty mount point where photos used to be) is marked
offline and nothing of it is deleted. Files in folders that could not be read are left alone.
A file that vanished while a new one with the same bytes appeared was moved: it keeps its id.
"""

from __future__ import annotations

import errno
import fnmatch
import json
import logging
import os
import stat
import unicodedata
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from photoclip import folder_probe, xmp
from photoclip.catalog import Catalog, FileState, Root
from photoclip.config import folder_pattern
from photoclip.folder_probe import Listing
from photoclip.fsutil import PHOTOS_LIBRARY_SUFFIX, in_int64, mtime_ns, spelled_as_listed
from photoclip.humanize import plural
from photoclip.ids import PhotoId, RootId
from photoclip.imaging import FILE_GONE, IMAGE_SUFFIXES, PERMISSION_DENIED, file_hash, read_failure, sniff_file
from photoclip.mounts import mount_place
from photoclip.rawfile import is_raw_name, shot_key, stands_for_raw
from photoclip.when import clashed_with

log = logging.getLogger(__name__)

_AUDIO_SUFFIXES = frozenset({".mp3", ".flac", ".m4a", ".ogg", ".opus", ".wav", ".wma", ".aac", ".aiff"})
VIDEO_SUFFIXES = frozenset({
    ".mp4", ".mov", ".avi", ".mkv", ".m4v", ".3gp", ".mts", ".m2ts", ".wmv", ".webm", ".mpg", ".mpeg",
})
"""Videos, which a camera roll holds among its photos: left out (photoclip indexes photos only), and counted
(Walk.videos) so that the user is told where they went."""
PHOTOSHOP_SUFFIXES = frozenset({".psd", ".psb"})
UNREAD_IMAGE_SUFFIXES = PHOTOSHOP_SUFFIXES | frozenset({
    ".xcf", ".kra", ".ora", ".pdn", ".afphoto", ".pspimage", ".procreate",  # editors' documents
    ".tga", ".dds", ".pcx", ".sgi", ".rgb", ".rgba", ".bw", ".qoi", ".ras", ".blp", ".pct", ".pict",
    ".ppm", ".pgm", ".pbm", ".pnm", ".pam", ".pfm", ".exr", ".hdr", ".fits", ".jxr", ".wdp", ".hdp", ".pcd", ".eps",
})
"""Images in formats photoclip does not decode (Photoshop's and other editors' documents, textures, netpbm,
HDR): left out by their suffix, never sniffed, and counted (Walk.images_left_out) so that the user is told
which to save as a JPEG, PNG or TIFF."""
SKIPPED_SUFFIXES = frozenset({
    ".ts", ".srt", ".vtt",  # .ts: a video's (MPEG transport stream), far more often TypeScript's: not counted
    ".ico", ".cur", ".icns", ".xbm", ".xpm",  # icons and cursors: nothing to convert
    ".txt", ".json", ".xml", ".xmp", ".aae", ".ini", ".db", ".thm", ".pdf", ".doc", ".docx", ".xls", ".xlsx", ".ppt",
    ".pptx", ".odt", ".ods", ".epub", ".mobi", ".csv", ".md", ".rst", ".log", ".html", ".htm",
    ".zip", ".rar", ".7z", ".gz", ".iso", ".dmg", ".apk", ".torrent", ".svg",
    ".py", ".pyc", ".js", ".mjs", ".css", ".map", ".c", ".h", ".cpp", ".java", ".class", ".jar", ".go", ".rs",
    ".sh", ".bat", ".ps1", ".yml", ".yaml", ".toml", ".cfg", ".lock", ".sqlite", ".lrcat",
    ".exe", ".dll", ".so", ".dylib", ".o", ".a", ".woff", ".woff2", ".ttf", ".otf",
}) | _AUDIO_SUFFIXES | VIDEO_SUFFIXES | UNREAD_IMAGE_SUFFIXES
"""Files that are never photos, by their suffix: not opened to sniff their content, which a scan
would do at every rescan for each of a project's thousands of source files. Icons and cursors
(.ico, .cur, .icns) are images, but no photos: their content alone never made one a candidate
(an ICO is decoded only when named like a photo: imaging._sniff_named_like_a_photo)."""
BACKUP_ENDINGS = ("_original", "~", ".bak", ".orig")
"""After a photo's own suffix, the copy exiftool keeps of a file it edits ('IMG_1.JPG_original'),
an editor's or a user's backup ('IMG_1.jpg~', 'IMG_1.jpg.bak'): the photo itself is beside it,
so it would only be an extra duplicate. A name without a suffix before them ('scan_original') is a
photo's own."""
PARTIAL_ENDINGS = (".part", ".partial", ".crdownload", ".download", ".tmp")
"""A download or copy still being written ('IMG_1.jpg.part', Chrome's 'Unconfirmed 123456.crdownload'),
which becomes the photo when it is renamed; a folder so named is Safari's download of one
('IMG_1.jpg.download/IMG_1.jpg'). Never a photo, whatever comes before them."""
SKIPPED_FOLDERS = frozenset({
    "@eadir", "#recycle", "#snapshot", "@recycle", "@recently-snapshot", "$recycle.bin",
    "system volume information", "lost+found", "node_modules", "bower_components",
    "site-packages", "dist-packages", "__pycache__",
    "program files", "program files (x86)", "programdata", "appdata", "$windows.~bt",
    "steamapps", "librarycache", "cache_data", "gpucache", "code cache", "mobilesync",
})
"""Folders of copies and thumbnails that are not the user's photos: a NAS's thumbnails of
every photo (Synology's @eaDir) and its recycle bins and snapshots, Windows' and Linux's
system folders; and programs' folders, found when a whole home folder or drive is added: their
icons and textures (Python and JavaScript packages, Windows' programs and their data, Steam's
games and its store's banners), web browsers' caches (Chromium's), and iPhone backups
(MobileSync: the user's photos, renamed by hash; removing one as a duplicate breaks the backup).
Compared without case."""
_SKIPPED_INSIDE: tuple[tuple[str, str], ...] = (
    ("res", "drawable"), ("res", "drawable-*"), ("res", "mipmap"), ("res", "mipmap-*"),  # an Android app's icons
    ("library", "caches"),  # macOS's caches of every program (~/Library/Caches); a 'Caches' album elsewhere stays
    *((library, copies) for library in ("iphoto library", "*.photolibrary")
      for copies in ("previews", "thumbnails", "data", "database", "ipod photo cache", "caches")),
)
"""(parent, folder) patterns, compared without case: folders of copies or icons known by the
folder they are in. An old iPhoto library keeps its photos in Masters (Originals, Modified and
the years of older ones) and copies of each in Previews, Thumbnails and Data."""
_MOUNT_POINT_KEY = "mount_point:{}"  # catalog meta: a root a scan saw with photos as a mount point
_VIDEOS_KEY = "videos:{}"  # catalog meta: how many videos the last scan of a root saw (Walk.videos)
_IMAGES_LEFT_OUT_KEY = "images_left_out:{}"  # catalog meta: Walk.images_left_out of the last scan of a root
_UNITY_PROJECT = ("Assets", "ProjectSettings")
"""A folder holding these is a Unity project: its Library is the editor's cache of the Assets."""
_WINDOWS_SYSTEM = ("System32", "SysWOW64", "WinSxS", "SystemApps")
"""A folder named Windows holding one of these is a Windows installation, not an album of windows."""
_ALBUM_ART = ("folder.jpg", "albumart*.jpg")
"""The covers music players write into every album's folder (Windows Media Player: Folder.jpg,
AlbumArt_{...}_Large.jpg, AlbumArtSmall.jpg), compared without case."""
_COVERS = frozenset({"cover", "front"})
_BOOK_METADATA = "metadata.opf"  # beside each book of a Calibre library, with its cover.jpg
_TAKEOUT_TRASH = frozenset({"trash", "bin", "papierkorb", "corbeille", "papelera", "cestino", "prullenbak", "lixeira"})
"""Google Takeout's folder of the photos the user deleted in Google Photos (by the account's
language), inside its Google Photos folder (_GOOGLE_PHOTOS): they are not the user's photos any
more, and a clean-up kept their copy there over one in an album."""
_GOOGLE_PHOTOS = frozenset({"google photos", "google fotos", "google foto", "google foto's"})
_SKIPPED_FOLDER_SUFFIXES = (".lrdata", ".download")
"""Lightroom's previews and smart previews (DNGs) of the catalog's photos; Safari's download still being written."""
_PHOTOS_LIBRARY_ORIGINALS = frozenset({"originals", "masters"})
"""Inside a macOS Photos library only these hold the photos; the rest is renders and thumbnails."""


DRIVE_GONE_ERRNOS = frozenset(getattr(errno, name) for name in (
    "ENOTCONN", "ENODEV", "ENXIO", "ESHUTDOWN", "ESTALE", "ENOMEDIUM", "EHOSTDOWN", "ETIMEDOUT", "ECONNABORTED",
    "ECONNRESET") if hasattr(errno, name))
"""What a read from a drive or share gone away under its mount gets (an input/output error aside: a bad sector too)."""
DRIVE_GONE = tuple(sorted(read_failure(os.strerror(code)) for code in DRIVE_GONE_ERRNOS))
"""Photos' failures when the drive or share holding their files went away while they were read: a
card pulled out of a FUSE mount gives "Transport endpoint is not connected", a USB drive's device
"No such device", a share "Stale file handle". The photos are read again once their files are found."""


def drive_gone(exc: OSError) -> bool:
    """Whether a look into a folder failed as its drive went away under its mount: a FUSE card pulled
    out (ENOTCONN), a kernel one (an input/output error), a share (ESTALE); DRIVE_GONE_ERRNOS."""
    return exc.errno in DRIVE_GONE_ERRNOS or exc.errno == errno.EIO


INPUT_OUTPUT_ERROR = read_failure(os.strerror(errno.EIO))
"""A photo's failure when its drive could not read it: a card pulled out of a kernel mount, or a bad sector."""


@dataclass(frozen=True)
class FileEntry:
    path: str
    size: int
    mtime_ns: int
    ctime_ns: int | None = None  # when its inode last changed (a write, a rename, a chmod); None: not read


@dataclass
class Walk:
    """What a walk saw: the photo candidates, the folders it could not read, and the folders
    and files listed but gone when read (moved or deleted during the walk): the photos the
    walk did not see may be where those went."""

    files: list[FileEntry] = field(default_factory=list)
    paired_raws: list[str] = field(default_factory=list)  # left out for their JPEG/HEIC beside them
    raw_partners: dict[str, list[str]] = field(default_factory=dict)  # a paired raw -> its JPEG/HEIC
    sidecars: list[FileEntry] = field(default_factory=list)  # XMP files other photo programs keep
    descriptions: list[FileEntry] = field(default_factory=list)  # JSON, as Google Takeout writes (mtime: ctime too)
    unreadable: dict[str, str] = field(default_factory=dict)  # path -> why it cannot be read, in words
    vanished: list[str] = field(default_factory=list)
    entries_seen: int = 0
    videos: int = 0  # video files seen (VIDEO_SUFFIXES): left out
    images_left_out: dict[str, int] = field(default_factory=dict)  # image files seen by their UNREAD_IMAGE_SUFFIXES

    def cannot_read(self, path: str, exc: OSError) -> None:
        """Note a folder or file the walk could not read, and why (see unreadable_reason)."""
        reason = unreadable_reason(exc)
        log.warning("cannot read %s: %s", path, reason)
        self.unreadable[path] = reason


    def link_to_nothing(self, path: str) -> None:
        """Note a link whose file or folder is not there but on a drive not plugged in, it seems: the
        library keeps its photos (as under any path it cannot read) rather than forget them with their
        tags. One whose file or folder was deleted or moved (_lost_for_good) is passed by: its photos go."""
        if os.path.splitext(path)[1].lower() in SKIPPED_SUFFIXES or _lost_for_good(path):
            return
        reason = _led_nowhere(path)
        log.warning("cannot read %s: %s", path, reason)
        self.unreadable[path] = reason


def broken_link(path: Path | str) -> str | None:
    """Why `path`, a symbolic link, cannot be followed, in the words a scan lists it with ("a link to
    /media/…/x.jpg, which is not there …", "a symbolic link loop"); None for anything else."""
    try:
        if not os.path.islink(path):
            return None
        os.stat(path)
    except FileNotFoundError:
        why = "deleted or moved?" if _lost_for_good(str(path)) else "on a drive not plugged in?"
        return _led_nowhere(path, why)
    except OSError as exc:
        return unreadable_reason(exc)
    return None


def _led_nowhere(link: Path | str, why: str = "on a drive not plugged in?") -> str:
    """What a link that leads nowhere is, named by where it ends (through links to links)."""
    return f"a link to {os.path.realpath(link)}, which is not there ({why})"


def _lost_for_good(link: str) -> bool:
    """Whether the file or folder a link leads to (through links to links) was deleted or moved rather
    than taken away with its drive: its own folder is there (but an empty place a drive mounts at), or
    the nearest folder on its way that is there holds other things and is no place a drive mounts at
    (mounts.mount_place). An unplugged drive leaves nothing of its folders, or an empty mount point."""
    target = Path(os.path.realpath(link))
    there = target.parent
    while not os.path.isdir(there) and there != there.parent:
        there = there.parent
    if there == target.parent:
        return not (mount_place(there) and _empty(there))
    return not (mount_place(there) or _empty(there))


def _empty(folder: Path) -> bool:
    try:
        with os.scandir(folder) as entries:
            return next(entries, None) is None
    except OSError:
        return True  # nothing of it to be seen: as good as empty


def _dangling(entry: os.DirEntry[str]) -> bool:
    """Whether a symbolic link leads nowhere (a loop leads somewhere: its stat says which)."""
    try:
        entry.stat()
    except FileNotFoundError:
        return os.path.lexists(entry.path)
    except OSError:
        return False
    return False


def unreadable_reason(exc: OSError) -> str:
    """Why a path cannot be read, as a person can act on it: a link loop or a path too long are
    not solved by permissions."""
    if exc.errno == errno.ELOOP:
        return "a symbolic link loop"
    if exc.errno == errno.ENAMETOOLONG:
        return "path too long"
    if isinstance(exc, PermissionError):
        return "permission denied"
    if exc.errno == errno.EIO:
        return "input/output error (a failing disk or a lost network drive?)"
    return exc.strerror or str(exc)


@dataclass(frozen=True)
class ScanResult:
    root: Root
    online: bool
    added: int = 0
    changed: int = 0
    moved: int = 0
    removed_vectors: tuple[PhotoId, ...] = ()
    removed: int = 0
    left_out: int = 0  # of those removed, files still there: the settings leave them out, or a JPEG stands for a raw
    sidecars: tuple[str, ...] = ()  # written since the last scan (while photoclip was closed)
    descriptions: tuple[str, ...] = ()  # JSON files that arrived since the last scan


def is_excluded(name: str, path: str, patterns: Sequence[str]) -> bool:
    return any(fnmatch.fnmatch(name, p) or fnmatch.fnmatch(path, p) for p in patterns)


def _nothing(name: str) -> bool:
    return False


def is_skipped_folder(name: str, parent: str, beside: Callable[[str], bool] = _nothing) -> bool:
    """A folder that holds no photos of the user's own (see SKIPPED_FOLDERS, _SKIPPED_INSIDE), by
    its name and its parent's; `beside`: whether its parent holds an entry of that name (a Unity
    project's Library is known by the Assets and ProjectSettings beside it)."""
    folded, parent = name.lower(), parent.lower()
    if folded in SKIPPED_FOLDERS or folded.endswith(_SKIPPED_FOLDER_SUFFIXES):
        return True
    if folded in _TAKEOUT_TRASH and parent in _GOOGLE_PHOTOS:
        return True
    if any(fnmatch.fnmatchcase(parent, up) and fnmatch.fnmatchcase(folded, down) for up, down in _SKIPPED_INSIDE):
        return True
    if folded == "library" and all(map(beside, _UNITY_PROJECT)):
        return True
    return parent.endswith(PHOTOS_LIBRARY_SUFFIX) and folded not in _PHOTOS_LIBRARY_ORIGINALS


def holds_software(name: str, holds: Callable[[str], bool]) -> bool:
    """A folder that what it holds shows to be a program's, whatever its name (`holds`: whether it
    holds an entry of that name): a Python virtual environment, or a Windows installation."""
    if holds("pyvenv.cfg"):
        return True
    return name.lower() == "windows" and any(map(holds, _WINDOWS_SYSTEM))


def is_cover_art(path: str, names: Collection[str] | None = None) -> bool:
    """An album's or a book's cover, not a photo: a music player's (_ALBUM_ART), or a cover or
    front in a folder of music or of a Calibre book. `names`: its folder's entries, if listed."""
    name = os.path.basename(path).lower()
    if any(fnmatch.fnmatchcase(name, pattern) for pattern in _ALBUM_ART):
        return True
    if os.path.splitext(name)[0] not in _COVERS:
        return False
    if names is None:
        try:
            names = os.listdir(os.path.dirname(path) or ".")
        except OSError:
            return False
    return any(n.lower() == _BOOK_METADATA or os.path.splitext(n)[1].lower() in _AUDIO_SUFFIXES for n in names)


def is_candidate(path: str, names: Collection[str] | None = None) -> bool:
    """Photo by suffix, or by content when the suffix says nothing (e.g. 'IMG_0001'); not a
    backup another program left beside the photo it edited (see BACKUP_ENDINGS), a download
    still being written (PARTIAL_ENDINGS), nor a cover (is_cover_art: `names` are its folder's
    entries, if listed)."""
    folded = path.lower()
    if folded.endswith(PARTIAL_ENDINGS):
        return False
    ending = next((e for e in BACKUP_ENDINGS if folded.endswith(e)), None)
    if ending is not None and os.path.splitext(os.path.basename(folded)[: -len(ending)])[1]:
        return False
    suffix = os.path.splitext(path)[1].lower()
    if suffix in SKIPPED_SUFFIXES or is_cover_art(path, names):
        return False
    if suffix in IMAGE_SUFFIXES:
        return True
    return sniff_file(Path(path)) is not None


def walk(root: Path, exclude: Sequence[str] = (), library: Sequence[Path] = ()) -> Walk:
    """Every candidate photo below `root`: hidden entries skipped, symlink loops not followed (a
    link to the root or a folder above it, such as "/" or "..", is one), and no folder below
    `root` that is_skipped_folder or holds_software (decided from its own listing).

    `library`: the folders of the library (real paths). A folder reached through a symbolic
    link into one of them is not followed, whatever order folders come in, and wherever the
    walk starts (a whole root, or a folder a watcher saw appear): walking that folder's own
    root lists its photos under their own paths, so they are never listed twice."""
    result = Walk()
    visited: set[tuple[int, int]] = set()
    start = str(root)
    stack = [start]
    real_root = os.path.realpath(root)
    if library and _linked_into(str(root), library, exclude):
        log.info("not following %s: it links to a folder of the library", root)
        stack.clear()
    while stack:
        folder = stack.pop()
        try:
            st = os.stat(folder)
            key = (st.st_dev, st.st_ino)
            if key in visited:
                continue
            visited.add(key)
            with os.scandir(folder) as entries:
                listing = list(entries)
        except FileNotFoundError:
            result.unreadable[folder] = "moved or deleted while it was read"
            result.vanished.append(folder)
            continue
        except OSError as exc:
            result.cannot_read(folder, exc)
            continue
        names = {entry.name for entry in listing}
        if folder != start and holds_software(os.path.basename(folder), names.__contains__):
            continue
        partners = _partners(listing)
        for entry in listing:
            result.entries_seen += 1
            if entry.name.startswith(".") or is_excluded(entry.name, entry.path, exclude):
                continue
            try:
                if entry.is_symlink() and _dangling(entry):
                    result.link_to_nothing(entry.path)
                elif entry.is_dir():
                    if _follows(entry, folder, names, real_root, library, exclude):
                        stack.append(entry.path)
                elif is_raw_name(entry.name) and shot_key(entry.name) in partners:
                    result.paired_raws.append(entry.path)
                    result.raw_partners[entry.path] = partners[shot_key(entry.name)]
                elif (suffix := os.path.splitext(entry.name)[1].lower()) in VIDEO_SUFFIXES and entry.is_file():
                    result.videos += 1
                elif suffix in UNREAD_IMAGE_SUFFIXES and entry.is_file():
                    result.images_left_out[suffix] = result.images_left_out.get(suffix, 0) + 1
                elif entry.name.lower().endswith(".xmp") and entry.is_file():
                    st = entry.stat()
                    result.sidecars.append(FileEntry(entry.path, st.st_size, mtime_ns(st)))
                elif entry.name.lower().endswith(".json") and entry.is_file():
                    st = os.stat(entry.path)  # unzip keeps the archive's mtime; the ctime is when it arrived
                    changed = in_int64(max(st.st_mtime_ns, st.st_ctime_ns))
                    result.descriptions.append(FileEntry(entry.path, st.st_size, changed))
                elif entry.is_file() and is_candidate(entry.path, names):
                    st = entry.stat()
                    result.files.append(FileEntry(entry.path, st.st_size, mtime_ns(st), in_int64(st.st_ctime_ns)))
            except FileNotFoundError:
                result.vanished.append(entry.path)  # its folder, moved since it was listed, took it along
                continue
            except OSError as exc:
                result.cannot_read(entry.path, exc)  # its photo stays until it can be seen again
    return result


def _follows(entry: os.DirEntry[str], folder: str, names: Collection[str], real_root: str, library: Sequence[Path],
             exclude: Sequence[str]) -> bool:
    """Whether a walk goes into this folder of `folder` (not hidden, not excluded; `names`: the
    entries of `folder`)."""
    if is_skipped_folder(entry.name, os.path.basename(folder), names.__contains__):
        return False
    if library and entry.is_symlink() and _linked_into(entry.path, library, exclude):
        log.info("not following %s: it links to a folder of the library", entry.path)
        return False
    if entry.is_symlink() and _under(real_root, [os.path.realpath(entry.path)]):
        log.info("not following %s: it links to a folder above it, a loop", entry.path)
        return False
    return True


def linked_folders(
    root: Path, below: Path, exclude: Sequence[str] = (), library: Sequence[Path] = (),
) -> dict[str, str]:
    """The folders walk() reaches from `below` (`root` or a folder in it) through a symbolic link to outside
    `root`'s own tree, as path through the link -> real path (one per real folder): a watcher of `root` hears
    nothing of what changes in them, since it watches real folders, so each is watched on its own. Reads
    folders only, not their files."""
    real_root = os.path.realpath(root)
    links: dict[str, str] = {}
    visited: set[tuple[int, int]] = set()
    stack = [] if library and _linked_into(str(below), library, exclude) else [str(below)]
    if os.path.islink(below) and not _under(os.path.realpath(below), [real_root]):
        links[str(below)] = os.path.realpath(below)
    while stack:
        folder = stack.pop()
        try:
            st = os.stat(folder)
            if (st.st_dev, st.st_ino) in visited:
                continue
            visited.add((st.st_dev, st.st_ino))
            with os.scandir(folder) as entries:
                listing = list(entries)
        except OSError:
            continue
        names = {entry.name for entry in listing}
        if folder != str(below) and holds_software(os.path.basename(folder), names.__contains__):
            continue
        for entry in listing:
            if entry.name.startswith(".") or is_excluded(entry.name, entry.path, exclude):
                continue
            try:
                if not entry.is_dir() or not _follows(entry, folder, names, real_root, library, exclude):
                    continue
            except OSError:
                continue
            stack.append(entry.path)
            real = os.path.realpath(entry.path)
            if entry.is_symlink() and not _under(real, [real_root, *links.values()]):
                links[entry.path] = real
    return links


def _linked_into(folder: str, library: Sequence[Path], exclude: Sequence[str]) -> bool:
    """Whether `folder` is reached through a symbolic link (itself or a folder above it) and
    is really a folder that the walk of one of `library` reaches by its own path (one not left
    out there as hidden, excluded or skipped)."""
    real = os.path.realpath(folder)
    if real == os.path.abspath(folder):
        return False
    for top in map(str, library):
        if _under(real, [top]) and not _ignored_below(top, real, exclude):
            return True
    return False


def _partners(entries: Iterable[os.DirEntry[str]]) -> dict[str, list[str]]:
    """The JPEGs/HEICs of a folder by their shot (rawfile.shot_key): what a raw of that shot pairs with."""
    stems: dict[str, list[str]] = {}
    for entry in entries:
        if stands_for_raw(entry.name):
            stems.setdefault(shot_key(entry.name), []).append(entry.path)
    return stems


def _beside(path: str, wanted: Callable[[str], bool]) -> list[str]:
    """The files beside `path` of its shot (rawfile.shot_key) whose name is `wanted`."""
    folder, name = os.path.split(path)
    shot = shot_key(name)
    try:
        with os.scandir(folder or ".") as entries:
            return [e.path for e in entries if e.path != path and shot_key(e.name) == shot and wanted(e.name)]
    except OSError:
        return []


def raws_beside(path: str) -> list[str]:
    """The raw files a JPEG/HEIC at `path` stands for."""
    return _beside(path, is_raw_name)


def shots_beside(raw: str) -> list[str]:
    """The JPEGs/HEICs beside a raw at `raw` that stand for its shot; none for a file that is no raw."""
    return _beside(raw, stands_for_raw) if is_raw_name(raw) else []


def _stood_in_for(catalog: Catalog, raw: str) -> bool:
    """Whether a raw file has a JPEG/HEIC beside it that stands for the shot: one not known to
    have failed. A raw whose partners cannot be read is a photo of its own."""
    partners = shots_beside(raw)
    return bool(partners) and not _all_failed(partners, catalog.photo_states(partners))


def _all_failed(partners: list[str], states: dict[str, FileState]) -> bool:
    """Every one failed, and has not changed since (a file that did will be read again)."""
    return all(path in states and states[path].status == "failed" and not _changed(path, states[path])
               for path in partners)


def _changed(path: str, state: FileState) -> bool:
    try:
        st = os.stat(path)
    except OSError:
        return False  # gone: it stands for nothing
    return (st.st_size, mtime_ns(st)) != (state.size, state.mtime_ns) or _rewritten(path, state)


def _rewritten(path: str, state: FileState, ctime_ns: int | None = None) -> bool:
    """A file written since it was read, though its size and mtime are as they were: a photo
    restored from a backup with `cp -p`, rsync -a or Time Machine, or edited in place with its
    date kept (`touch -r`, exiftool -P), while photoclip watched or not. Its ctime (`ctime_ns`,
    else read now) says so. A rename or a chmod moves the ctime of a photo that did not change
    too: that costs one read of its file, whose hash is found the same (nothing decoded, nothing
    embedded: pipeline.settle_unchanged), which marks it read again; a move marks it read at once.
    A ctime that is its mtime says nothing more (sshfs gives a file's mtime for both): a photo dated
    in the future by another machine's clock was read again at every scan."""
    if state.read_at is None:
        return False
    try:
        ctime = os.stat(path).st_ctime_ns if ctime_ns is None else ctime_ns
    except OSError:
        return False
    return ctime > state.read_at * 1e9 and ctime != state.mtime_ns


def _unpair_raws_of_failed_partners(catalog: Catalog, seen: Walk) -> None:
    """Raws whose JPEGs/HEICs all failed are photos of their own; one catalog read for the walk."""
    if not seen.paired_raws:
        return
    states = catalog.photo_states(p for raw in seen.paired_raws for p in seen.raw_partners[raw])
    if not any(state.status == "failed" for state in states.values()):
        return
    for raw in [r for r in seen.paired_raws if _all_failed(seen.raw_partners[r], states)]:
        try:
            st = os.stat(raw)
        except OSError:
            continue
        seen.paired_raws.remove(raw)
        seen.files.append(FileEntry(raw, st.st_size, mtime_ns(st), in_int64(st.st_ctime_ns)))


def _raw_siblings(catalog: Catalog, paths: Iterable[str]) -> dict[str, FileState]:
    """The known raw files that JPEGs/HEICs at `paths` stand for: each of their folders listed
    once, then one catalog read. A Pixel's raw is not named as its JPEG is (rawfile.shot_stem)."""
    shots: dict[str, set[str]] = {}
    for path in filter(stands_for_raw, paths):
        shots.setdefault(os.path.dirname(path), set()).add(shot_key(path))
    raws = [raw for folder, keys in shots.items() for raw in _paths_in(folder)
            if is_raw_name(raw) and shot_key(raw) in keys]
    return catalog.photo_states(raws) if raws else {}


def _paths_in(folder: str) -> list[str]:
    """The paths of a folder's entries; none where it cannot be read."""
    try:
        with os.scandir(folder or ".") as entries:
            return [entry.path for entry in entries]
    except OSError:
        return []


def _since_last_scan(catalog: Catalog, key: str, files: list[FileEntry]) -> tuple[str, ...] | None:
    """The files newer than the newest the previous scan saw (kept under `key`); None at the
    first scan, whose photos are new and read what lies beside them when they are indexed."""
    stamp = catalog.meta(key)
    newest = max((f.mtime_ns for f in files), default=0)
    if stamp is None or newest > int(stamp):
        catalog.set_meta(key, str(newest))
    return None if stamp is None else tuple(f.path for f in files if f.mtime_ns > int(stamp))


def _descriptions_since_last_scan(catalog: Catalog, root: Root, seen: Walk) -> tuple[str, ...]:
    """The JSON files that arrived since the previous scan of `root`: a Google Takeout export
    unpacked one archive at a time puts a photo's JSON in another archive than the photo as
    often as not."""
    return _since_last_scan(catalog, f"descriptions_seen:{root.id}", seen.descriptions) or ()


def _sidecars_since_last_scan(catalog: Catalog, root: Root, seen: Walk) -> tuple[str, ...]:
    """The sidecars written since the previous scan of `root` (keywords a program such as
    digiKam gave while photoclip was closed), and those deleted meanwhile: the sidecar of a
    photo whose tags or caption came from one that is no longer there."""
    written = _since_last_scan(catalog, f"sidecars_seen:{root.id}", seen.sidecars)
    if written is None:
        return ()
    present = {s.path for s in seen.sidecars}
    deleted = []
    for photo in catalog.described_by_sidecars(root.id):
        names = [str(p) for p in xmp.sidecar_paths(Path(photo))]
        if not present.intersection(names):
            deleted.append(names[0])
    return written + tuple(deleted)


def _is_gone(path: str, root: Root | None) -> bool:
    """Only a file the system says is not there (or only answers to in another case, it or a folder
    on its way below `root`: _stat_as_listed), or that is no file now (a folder, a pipe or a device
    took its name), is gone. One it will not let us see (its folder lost its search permission) may
    still be there, and keeps its photo, with its tags."""
    try:
        st = _stat_as_listed(path, root)
    except (FileNotFoundError, NotADirectoryError):
        return True
    except OSError:
        return False
    return not stat.S_ISREG(st.st_mode)


def _stat_as_listed(path: str, root: Root | None) -> os.stat_result:
    """os.stat of `path`; FileNotFoundError where its folder does not list its name spelled so, or a
    folder on its way below `root` is listed in another case: a memory card opens "IMG_1.JPG" for
    "Img_1.jpg" (fsutil.spelled_as_listed), and a photo renamed in case only there, or each photo of
    a folder so renamed, seemed to be under both names."""
    st = os.stat(path)
    if not spelled_as_listed(path, None if root is None else root.path):
        raise FileNotFoundError(errno.ENOENT, "listed in another case only", path)
    return st


def _under(path: str, folders: Iterable[str]) -> bool:
    return any(path == f or path.startswith(f.rstrip(os.sep) + os.sep) for f in folders)


_REWALKS = 2  # folders that vanished mid-walk (moved meanwhile): walk again, up to this often


def scan_root(catalog: Catalog, root: Root, exclude: Sequence[str] = ()) -> ScanResult:
    """Add new files as pending, mark changed ones, apply moves and real deletions."""
    return scan_roots(catalog, [root], exclude)[0]


def scan_roots(catalog: Catalog, roots: Sequence[Root], exclude: Sequence[str] = ()) -> list[ScanResult]:
    """scan_root for each of `roots` (in that order), together: a file moved from one folder
    of the library to another keeps its id, and with it its tags, its "not duplicates" marks
    and its vector, whichever folder is scanned first, and also when only the folder it went
    to is scanned."""
    surveys: dict[RootId, _Survey] = {}
    results: dict[RootId, ScanResult] = {}
    found = folder_probe.listings(root.path for root in roots)
    for root in roots:
        survey = _survey(catalog, root, exclude, found[root.path])
        if isinstance(survey, ScanResult):
            results[root.id] = survey
        else:
            surveys[root.id] = survey
    for survey in surveys.values():
        survey.new, survey.moved = _apply_moves(catalog, survey.root, survey.new, survey.gone)
    elsewhere = {path: state for survey in surveys.values() for path, state in survey.gone.items()}
    elsewhere.update(_gone_from_folders_not_scanned(catalog, surveys))
    for survey in surveys.values():
        survey.new, moved = _apply_moves(catalog, survey.root, survey.new, elsewhere)
        survey.moved += moved
    for root_id, survey in surveys.items():
        survey.gone = {path: state for path, state in survey.gone.items() if path in elsewhere}
        results[root_id] = _apply(catalog, survey)
    return [results[root.id] for root in roots]


@dataclass
class _Survey:
    """What scanning a root found, before any of it is written."""

    root: Root
    seen: Walk
    new: list[FileEntry]
    changed: list[tuple[PhotoId, int, int]]
    gone: dict[str, FileState]
    moved: list[PhotoId] = field(default_factory=list)


def _survey(catalog: Catalog, root: Root, exclude: Sequence[str], found: Listing) -> _Survey | ScanResult:
    known = catalog.file_states(root.id)
    if found is Listing.SILENT:
        log.info("%s does not answer (a share whose server is away?): keeping its photos, shown as offline",
                 root.path)
        return _offline(catalog, root, known)
    if not os.path.isdir(root.path):  # not Path.is_dir: it raises where a card was pulled out of a FUSE mount
        return _offline(catalog, root, known)
    library = [r.path for r in catalog.roots()]
    seen = walk(root.path, exclude, library)
    for _ in range(_REWALKS):
        if not seen.vanished:
            break
        seen = walk(root.path, exclude, library)
    if seen.entries_seen == 0 and known and str(root.path) in seen.unreadable:
        log.warning("cannot read %s, which had %d photos: keeping them, shown as offline", root.path, len(known))
        return _offline(catalog, root, known)
    if seen.entries_seen == 0 and known and _may_be_unmounted(catalog, root):
        log.warning("root %s is empty but had %d photos: treating it as an unmounted drive", root.path, len(known))
        return _offline(catalog, root, known)
    if not root.online:
        catalog.set_root_online(root.id, True)
    if seen.entries_seen:
        _note_mount_point(catalog, root)
    _unpair_raws_of_failed_partners(catalog, seen)

    new: list[FileEntry] = []
    changed: list[tuple[PhotoId, int, int]] = []
    present: set[str] = set()
    failed: dict[PhotoId, FileEntry] = {}
    for f in seen.files:
        present.add(f.path)
        state = known.get(f.path)
        if state is None:
            new.append(f)
        elif (state.size, state.mtime_ns) != (f.size, f.mtime_ns) or _rewritten(f.path, state, f.ctime_ns):
            changed.append((state.id, f.size, f.mtime_ns))
        elif state.status == "failed":
            failed[state.id] = f
    changed += _readable_again(catalog, failed)
    paired = set(seen.paired_raws)
    gone = {  # a file the settings now leave out is gone from the library too, though still on disk
        path: state for path, state in known.items()
        if path not in present and not _under(path, seen.unreadable)
        and (path in paired or is_ignored(root, path, exclude) or _is_gone(path, root))
    }
    return _Survey(root, seen, new, changed, gone)


def _readable_again(catalog: Catalog, failed: dict[PhotoId, FileEntry]) -> list[tuple[PhotoId, int, int]]:
    """Photos that failed for want of permission and may be read now; because their file was not
    there (moved while it was being indexed) and it is now; or because their drive went away while
    they were read (DRIVE_GONE: it answers again, as the file was found). A chmod, a move or a card
    put back changes neither size nor mtime, so they would never be tried again. An input/output
    error is not tried again here: a bad sector stalls each read of it for seconds; a card pulled out
    of a kernel mount is found offline, and its photos wait for it (_wait_for_the_drive)."""
    if not failed:
        return []
    ids = [pid for pid in catalog.failed_because(failed, PERMISSION_DENIED) if os.access(failed[pid].path, os.R_OK)]
    ids += catalog.failed_because(failed, FILE_GONE, *DRIVE_GONE)
    return [(pid, failed[pid].size, failed[pid].mtime_ns) for pid in ids]


def _gone_from_folders_not_scanned(catalog: Catalog, surveys: dict[RootId, _Survey]) -> dict[str, FileState]:
    """Photos of the library's other folders whose files are gone and that have the size of a
    new file found now: moved into a folder scanned on its own (`index FOLDER`), or out of a
    folder left empty or renamed (which is taken for an unplugged drive). Not of a folder that does
    not answer (folder_probe): a look at its files would wait for it."""
    sizes = {f.size for survey in surveys.values() for f in survey.new}
    if not sizes:
        return {}
    others = [root for root in catalog.roots() if root.id not in surveys]
    answered = folder_probe.listings(root.path for root in others)
    others = [root for root in others if answered[root.path] is not Listing.SILENT]
    found = catalog.file_states_of_sizes([root.id for root in others], sizes)
    return {path: state for path, state in found.items() if _is_gone(path, _root_of(others, path))}


def _apply(catalog: Catalog, survey: _Survey) -> ScanResult:
    root, seen, new, gone = survey.root, survey.seen, survey.new, survey.gone
    if seen.vanished:
        log.info("folders in %s kept moving during the scan; deletions wait for the next one", root.path)
        gone = {}
    catalog.add_pending(root.id, ((f.path, f.size, f.mtime_ns) for f in new))
    catalog.mark_changed(survey.changed)
    removed = catalog.delete_photos(state.id for state in gone.values())
    catalog.set_unreadable(root.id, seen.unreadable)
    _note_left_out(catalog, root, seen)
    return ScanResult(
        root=root, online=True, added=len(new), changed=len(survey.changed), moved=len(survey.moved),
        removed_vectors=tuple(removed), removed=len(gone), left_out=sum(1 for path in gone if os.path.exists(path)),
        sidecars=_sidecars_since_last_scan(catalog, root, seen),
        descriptions=_descriptions_since_last_scan(catalog, root, seen),
    )


def _offline(catalog: Catalog, root: Root, known: Mapping[str, FileState]) -> ScanResult:
    """Mark `root` offline; `known`: its photos, of which those that failed as its drive went wait for it."""
    if root.online:
        catalog.set_root_online(root.id, False)
        log.info("root %s is offline; its photos stay in the library", root.path)
    _wait_for_the_drive(catalog, known)
    return ScanResult(root=root, online=False)


def _wait_for_the_drive(catalog: Catalog, known: Mapping[str, FileState]) -> list[PhotoId]:
    """Photos of a root found offline that failed because their drive went while they were read (a
    card unmounted or pulled out mid-run: FILE_GONE, DRIVE_GONE, INPUT_OUTPUT_ERROR) are no failures:
    they wait for the drive, pending, as its other photos do, and are read once it is back. Returns them."""
    failed = {state.id: state for state in known.values() if state.status == "failed"}
    ids = catalog.failed_because(failed, FILE_GONE, INPUT_OUTPUT_ERROR, *DRIVE_GONE)
    if ids:
        catalog.mark_changed((pid, failed[pid].size, failed[pid].mtime_ns) for pid in ids)
    return ids


def wait_for_offline_drives(catalog: Catalog, paths: Iterable[str]) -> list[PhotoId]:
    """Those of the photos at `paths`, just read, on roots marked offline, whose reads failed as their
    drive went (_wait_for_the_drive): pending, waiting for the drive, not failed. A watcher found the
    root offline before they were read (it looks between two chunks of a run, and the next chunk may
    hold photos of it) or while they were: _offline ran before they failed, and went_offline looks at
    roots still online only. Returns them."""
    offline = [root for root in catalog.roots() if not root.online]
    if not offline:
        return []
    states = catalog.photo_states(paths)
    return _wait_for_the_drive(catalog, {path: state for path, state in states.items()
                                         if _root_of(offline, path) is not None})


def went_offline(catalog: Catalog, roots: Iterable[Root]) -> tuple[Root, ...]:
    """Those of `roots`, online till now, whose folders are gone (root_present): marked offline, as a
    scan would, with their photos that failed as the drive went waiting for it. Indexing asks after
    photos failed: a card unmounted mid-run fails every photo it had left to read."""
    offline = tuple(root for root in roots if root.online and not root_present(catalog, root))
    for root in offline:
        _offline(catalog, root, catalog.file_states(root.id))
    return offline


def _apply_moves(
    catalog: Catalog, root: Root, new: list[FileEntry], gone: dict[str, FileState]
) -> tuple[list[FileEntry], list[PhotoId]]:
    """Pair vanished photos with new files of the same size and bytes; pairs keep their id.

    Among photos and files of the same bytes (a photo and its copy, "Z.jpg" and "Z - Copy.jpg", in a
    folder renamed while photoclip was closed), each photo goes to the file that kept most of its place
    (_kinship), whatever order the folder lists them in: its tags and marks stay with its own file, not
    with the copy listed first. Ties go by path, so every scan pairs them alike.

    Matched photos leave `gone`. So do those a new file of their size might have matched had
    it not vanished before it was read (moved again during the scan): a later scan or watch
    event pairs them with wherever it went, instead of their vectors being dropped now."""
    if not new or not gone:
        return new, []
    sizes = {state.size for state in gone.values()}
    hashes = catalog.hashes([s.id for s in gone.values()])
    photos_of: dict[tuple[int, str], list[str]] = {}  # (size, hash) -> the vanished photos of those bytes
    for path, state in gone.items():
        if state.id in hashes:
            photos_of.setdefault((state.size, hashes[state.id]), []).append(path)
    pairs: list[tuple[tuple[int, ...], str, str]] = []
    vanished: dict[str, int] = {}  # new files gone before they were read, and their sizes
    for f in new:
        if f.size not in sizes:
            continue
        try:
            digest = file_hash(Path(f.path), catalog.hash_algorithm)
        except FileNotFoundError:
            vanished[f.path] = f.size
            continue
        except OSError:
            continue
        pairs += [(tuple(-rank for rank in _kinship(old, f.path)), old, f.path)
                  for old in photos_of.get((f.size, digest), ())]
    photo_for: dict[str, str] = {}  # new file -> the vanished photo it is
    gone_to: set[str] = set()  # the vanished photos paired
    for _, old_path, new_path in sorted(pairs):
        if new_path not in photo_for and old_path not in gone_to:
            photo_for[new_path] = old_path
            gone_to.add(old_path)
    still_new = []
    moved: list[PhotoId] = []
    for f in new:
        if f.path in photo_for:
            state = gone.pop(photo_for[f.path])
            catalog.move_photo(state.id, root.id, f.path, f.size, f.mtime_ns)
            moved.append(state.id)
        elif f.path not in vanished:
            still_new.append(f)
    vanished_sizes = set(vanished.values())
    for path in [p for p, state in gone.items() if state.size in vanished_sizes]:
        del gone[path]
    return still_new, moved


def _kinship(old: str, new: str) -> tuple[int, int, int]:
    """How much of a vanished photo's place a file of its bytes keeps, as (its name as it was, its
    name in another case or Unicode form, how many of the folders holding it are named as they were,
    nearest first): more is likelier the photo itself. A drive remounted lower-casing names, or a copy
    from a Mac (decomposed accents), keeps the names folded; a folder renamed above the photo
    ("Trip/day 1/Z.jpg" to "Trip2019/day 1/Z.jpg") keeps the folders below it."""
    old_parts, new_parts = Path(old).parts[::-1], Path(new).parts[::-1]
    same_folders = 0
    for old_folder, new_folder in zip(old_parts[1:], new_parts[1:]):
        if _folded(old_folder) != _folded(new_folder):
            break
        same_folders += 1
    return old_parts[0] == new_parts[0], _folded(old_parts[0]) == _folded(new_parts[0]), same_folders


def _folded(name: str) -> str:
    """A name as a drive that ignores case and Unicode's forms compares it."""
    return unicodedata.normalize("NFC", name).casefold()


def iter_roots_containing(roots: Sequence[Root], path: Path) -> Iterator[Root]:
    for root in roots:
        if path == root.path or root.path in path.parents:
            yield root


# targeted updates: what a watcher's events name, without walking whole roots


@dataclass(frozen=True)
class PathChanges:
    """What reconciling a few paths changed, by id, so views can refresh just those photos."""

    added: tuple[PhotoId, ...] = ()
    changed: tuple[PhotoId, ...] = ()
    moved: tuple[PhotoId, ...] = ()
    removed: tuple[PhotoId, ...] = ()
    removed_vectors: tuple[PhotoId, ...] = ()
    offline: tuple[Root, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.added or self.changed or self.moved or self.removed or self.offline)


def root_present(catalog: Catalog, root: Root) -> bool:
    """The root's folder is there, and no empty stand-in for a drive: an unplugged drive often
    leaves an empty mount point behind, so such a root that is empty counts as missing, never as
    "all deleted". Any other folder found empty was emptied. A folder that does not answer (a share
    whose server is away: folder_probe) is missing too."""
    found = folder_probe.listing(root.path)
    return found is Listing.ENTRIES or (found is Listing.EMPTY and not _may_be_unmounted(catalog, root))


def roots_online(catalog: Catalog, roots: Sequence[Root]) -> dict[RootId, bool]:
    """Which roots are online, by the rule the library shows them by, all looked into at once: as
    root_present, but an empty folder that never had photos is online however it may be mounted, and
    so is one photoclip may not list (there is nothing of it to keep for a drive's return)."""
    found = folder_probe.listings(root.path for root in roots)
    online = {}
    for root in roots:
        listing = found[root.path]
        if listing is Listing.SILENT:
            online[root.id] = False
        elif listing is Listing.ENTRIES or (listing is Listing.EMPTY and not _may_be_unmounted(catalog, root)):
            online[root.id] = True
        else:
            online[root.id] = os.path.isdir(root.path) and not catalog.states_under(str(root.path))
    return online


def _may_be_unmounted(catalog: Catalog, root: Root) -> bool:
    """Whether a drive or share may be mounted at the root's folder: a place drives mount at
    (mounts.mount_place), or a mount point when a scan last saw it (_note_mount_point: sshfs,
    rclone or a vault mounted in the home folder, named nowhere else)."""
    return mount_place(root.path) or catalog.meta(_MOUNT_POINT_KEY.format(root.id)) is not None


def _note_left_out(catalog: Catalog, root: Root, seen: Walk) -> None:
    """Keep how many videos and images of formats photoclip does not read the walk of `root`
    saw, for videos_seen and images_left_out; both go with the root (Catalog.remove_root)."""
    images = json.dumps(seen.images_left_out, sort_keys=True)
    for key, value in ((_VIDEOS_KEY, str(seen.videos)), (_IMAGES_LEFT_OUT_KEY, images)):
        if catalog.meta(key.format(root.id)) != value:
            catalog.set_meta(key.format(root.id), value)


def videos_seen(catalog: Catalog, roots: Iterable[Root]) -> int:
    """The video files the last scan of each of `roots` saw: left out, as photoclip indexes photos
    only, and counted without walking the folders again."""
    return sum(int(catalog.meta(_VIDEOS_KEY.format(root.id)) or 0) for root in roots)


def images_left_out(catalog: Catalog, roots: Iterable[Root]) -> dict[str, int]:
    """The image files of formats photoclip does not read (UNREAD_IMAGE_SUFFIXES) the last scan of
    each of `roots` saw, by their suffix (".psd"), most first: counted without walking the folders again."""
    counts: dict[str, int] = {}
    for root in roots:
        try:
            seen = json.loads(catalog.meta(_IMAGES_LEFT_OUT_KEY.format(root.id)) or "{}")
        except ValueError:
            continue
        for suffix, count in seen.items():
            counts[suffix] = counts.get(suffix, 0) + int(count)
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def _note_mount_point(catalog: Catalog, root: Root) -> None:
    """Remember a root seen with photos that is a mount point: emptied later, it was unmounted."""
    if os.path.ismount(root.path) and catalog.meta(_MOUNT_POINT_KEY.format(root.id)) is None:
        catalog.set_meta(_MOUNT_POINT_KEY.format(root.id), "1")


def is_ignored(root: Root, path: str, exclude: Sequence[str] = ()) -> bool:
    """Whether `walk` would skip `path`: a hidden or excluded name anywhere below the root."""
    return _ignored_below(str(root.path), path, exclude)


def is_ignored_folder(root: Root, folder: str, exclude: Sequence[str] = ()) -> bool:
    """Whether `walk` of `root` passes over `folder` and all it holds: hidden, left out, or a program's."""
    return _ignored_below(str(root.path), folder, exclude, folder=True)


@dataclass(frozen=True)
class LeftOut:
    """Why the library indexes none of a folder's photos, so a search in it can say so rather than
    "no photos match": a hidden or program's folder (`pattern` None), or a leave-out `pattern`,
    which is the folder's own or a folder's holding it (`folder`, that folder) or one the user wrote."""

    pattern: str | None = None
    folder: Path | None = None


def left_out(roots: Sequence[Root], folder: Path, exclude: Sequence[str]) -> LeftOut | None:
    """Why the walk passes over `folder` of the library's `roots`; None when it indexes its photos
    (or the folder is in none of the roots)."""
    holders = list(iter_roots_containing(roots, folder))
    if not holders or not all(is_ignored_folder(root, str(folder), exclude) for root in holders):
        return None
    if all(is_ignored_folder(root, str(folder)) for root in holders):
        return LeftOut()
    left = next((p for p in (folder, *folder.parents) if folder_pattern(p) in exclude), None)
    if left is not None:
        return LeftOut(folder_pattern(left), left)
    return LeftOut(next(p for p in exclude if any(is_ignored_folder(root, str(folder), (p,)) for root in holders)))


def _ignored_below(top: str, path: str, exclude: Sequence[str] = (), folder: bool = False) -> bool:
    """is_ignored; `folder`: `path` is a folder, judged as the walk judges folders."""
    if path == top:
        return False
    current = top
    parts = os.path.relpath(path, current).split(os.sep)
    for i, part in enumerate(parts):
        above, current = current, os.path.join(current, part)
        if part.startswith(".") or is_excluded(part, current, exclude):
            return True
        if (folder or i < len(parts) - 1) and (is_skipped_folder(part, os.path.basename(above), _holder(above))
                                               or holds_software(part, _holder(current))):
            return True
    return False


def _holder(folder: str) -> Callable[[str], bool]:
    """Whether `folder` holds an entry of a name, as a walk's listing of it would say."""
    return lambda name: os.path.lexists(os.path.join(folder, name))


def _root_of(roots: Sequence[Root], path: str) -> Root | None:
    return next(iter_roots_containing(roots, Path(path)), None)


def _known_at(catalog: Catalog, path: str) -> dict[str, FileState]:
    """The photo at `path` and every photo below it (a path that vanished may have been a folder)."""
    known = catalog.photo_states([path])
    known.update(catalog.states_under(path))
    return known


def scan_paths(
    catalog: Catalog, roots: Sequence[Root], paths: Iterable[str | Path], exclude: Sequence[str] = (),
) -> PathChanges:
    """Reconcile just these files or folders (present or gone) with the catalog.

    Deletions are applied only while their root is present: when a drive vanishes, the flood of
    "deleted" events it may cause marks the root offline instead. A file that vanished while one
    with the same bytes appeared (even in another root) was moved and keeps its id."""
    present: dict[str, tuple[Root, FileEntry]] = {}
    gone: dict[str, FileState] = {}
    gone_root: dict[str, Root] = {}
    check: dict[RootId, Root] = {}
    files: dict[str, Root] = {}  # files named by themselves: a JPEG among them may replace a raw
    vanished: dict[RootId, list[str]] = {}  # paths named and not there: nothing there is unreadable now
    for path in dict.fromkeys(str(p) for p in paths):
        root = _root_of(roots, path)
        if root is None or not root.online:
            continue
        if path == str(root.path):
            check[root.id] = root
            continue
        if is_ignored(root, path, exclude):
            continue
        try:
            st = _stat_as_listed(path, root)
        except (FileNotFoundError, NotADirectoryError):
            for known_path, state in _known_at(catalog, path).items():
                gone[known_path], gone_root[known_path] = state, root
            vanished.setdefault(root.id, []).append(path)
            continue
        except OSError as exc:
            log.warning("cannot read %s: %s", path, exc)
            continue
        if stat.S_ISDIR(st.st_mode) and is_ignored_folder(root, path, exclude):
            continue  # a folder the walk passes over (Safari's download of a photo)
        if stat.S_ISDIR(st.st_mode):
            seen = walk(Path(path), exclude, [r.path for r in roots])
            catalog.set_unreadable_under(root.id, [path], seen.unreadable)
            _unpair_raws_of_failed_partners(catalog, seen)
            present.update((f.path, (root, f)) for f in seen.files)
            paired = set(seen.paired_raws)
            for known_path, state in catalog.states_under(path).items():
                if known_path in present or _under(known_path, seen.unreadable):
                    continue
                if known_path in paired or _is_gone(known_path, root):
                    gone[known_path], gone_root[known_path] = state, root
        elif stat.S_ISREG(st.st_mode) and is_candidate(path) and not _stood_in_for(catalog, path):
            present[path] = (root, FileEntry(path, st.st_size, mtime_ns(st), in_int64(st.st_ctime_ns)))
            files[path] = root
        else:
            for known_path, state in catalog.photo_states([path]).items():
                gone[known_path], gone_root[known_path] = state, root
    for root_id, paths_gone in vanished.items():
        catalog.set_unreadable_under(root_id, paths_gone, {})
    partners = {(os.path.dirname(p), shot_key(p)): root for p, root in files.items()}
    for raw_path, state in _raw_siblings(catalog, files).items():
        gone[raw_path], gone_root[raw_path] = state, partners[os.path.dirname(raw_path), shot_key(raw_path)]
    for root in gone_root.values():
        check.setdefault(root.id, root)
    offline = tuple(r for r in check.values() if not root_present(catalog, r))
    for root in offline:
        _offline(catalog, root, catalog.file_states(root.id))
    lost = {r.id for r in offline}
    gone = {p: s for p, s in gone.items() if gone_root[p].id not in lost}

    states = catalog.photo_states(present)
    new: dict[RootId, tuple[Root, list[FileEntry]]] = {}
    changed: list[tuple[PhotoId, int, int]] = []
    failed: dict[PhotoId, FileEntry] = {}
    for path, (root, entry) in present.items():
        state = states.get(path)
        if state is None:
            new.setdefault(root.id, (root, []))[1].append(entry)
        elif (state.size, state.mtime_ns) != (entry.size, entry.mtime_ns) or _rewritten(path, state, entry.ctime_ns):
            changed.append((state.id, entry.size, entry.mtime_ns))
        elif state.status == "failed":
            failed[state.id] = entry
    changed += _readable_again(catalog, failed)  # a chmod's event: the file may be read now
    # Moves: a new file with the bytes of a photo whose file is gone. Its "deleted" event may
    # not have come yet (a watcher can see a move as a creation plus a later deletion), so
    # photos whose files are missing count too, on roots that are present.
    pool = dict(gone)
    if new:
        sizes = {f.size for _, entries in new.values() for f in entries}
        candidates = catalog.states_of_sizes(sizes)
        answered = folder_probe.listings({r.path for path in candidates if (r := _root_of(roots, path)) is not None})
        for path, state in candidates.items():
            root = _root_of(roots, path)
            if path in pool or path in present or root is None or root.id in lost \
                    or answered[root.path] is Listing.SILENT or not _is_gone(path, root):
                continue
            if root.online and root_present(catalog, root):
                pool[path] = state
    added: list[str] = []
    moved: list[PhotoId] = []
    for root, entries in new.values():
        still_new, moved_here = _apply_moves(catalog, root, entries, pool)
        catalog.add_pending(root.id, ((f.path, f.size, f.mtime_ns) for f in still_new))
        added += [f.path for f in still_new]
        moved += moved_here
    gone = {p: s for p, s in gone.items() if p in pool}
    catalog.mark_changed(changed)
    removed_vectors = catalog.delete_photos(s.id for s in gone.values())
    return PathChanges(
        added=tuple(s.id for s in catalog.photo_states(added).values()),
        changed=tuple(i for i, _, _ in changed),
        moved=tuple(sorted(moved)),
        removed=tuple(s.id for s in gone.values()),
        removed_vectors=tuple(removed_vectors),
        offline=offline,
    )


def move_path(
    catalog: Catalog, roots: Sequence[Root], src: str | Path, dest: str | Path, exclude: Sequence[str] = ()
) -> PathChanges:
    """A file or folder moved (a watcher saw the rename): its photos keep their ids and vectors.

    Sizes and mtimes stay as the catalog knew them, so the caller can re-check `dest` and catch
    a file that was also edited. A folder moved out of every root (or to a hidden name) is a
    deletion; a file so moved is left for the caller to look at `src` again once it settles
    (an editor's save renames the photo to a backup, "x.jpg~", then writes it anew: it keeps its
    id and tags). A file moved over a photo (an editor's temporary file, renamed over the photo
    it saved) leaves that photo its id and tags, and gives it the user's tags of the file moved. A
    photo a sync tool renames to a conflict copy (is_conflict_copy_of) stays where it was, as a backup's
    does: the tool puts the other version in its place, the same photo edited, which keeps its tags."""
    src, dest = str(src), str(dest)
    known = catalog.photo_states([src]).get(src)
    below = {} if known else catalog.states_under(src)
    if (known is None and not below) or (known is not None and is_conflict_copy_of(dest, src)):
        return PathChanges()
    dest_root = _root_of(roots, dest)
    if dest_root is not None and (
        not dest_root.online or dest == str(dest_root.path) or is_ignored(dest_root, dest, exclude)
        or (known is not None and not is_candidate(dest))
    ):
        dest_root = None
    if dest_root is None:
        src_root = _root_of(roots, src)
        if src_root is None or not root_present(catalog, src_root):
            return PathChanges()
        if known is not None:
            return PathChanges()
        gone = list(below.values())
        removed_vectors = catalog.delete_photos(s.id for s in gone)
        return PathChanges(removed=tuple(s.id for s in gone), removed_vectors=tuple(removed_vectors))
    at_dest = _known_at(catalog, dest)
    over = at_dest.get(dest)
    if known is not None and over is not None and over.id != known.id:
        catalog.give_user_tags([(known.id, over.id)])
        removed_vectors = catalog.delete_photos([known.id])
        return PathChanges(removed=(known.id,), removed_vectors=tuple(removed_vectors))
    stale = [s for s in at_dest.values() if known is None or s.id != known.id]
    removed_vectors = catalog.delete_photos(s.id for s in stale)
    if known is not None:
        catalog.move_photo(known.id, dest_root.id, dest, known.size, known.mtime_ns)
        moved: list[PhotoId] = [known.id]
    else:
        moved = catalog.move_folder(src, dest, dest_root.id)
    return PathChanges(
        moved=tuple(moved), removed=tuple(s.id for s in stale), removed_vectors=tuple(removed_vectors)
    )


def is_conflict_copy_of(path: str, original: str) -> bool:
    """Whether `path` is the name a sync tool gives a conflict copy of the file at `original`
    (when.clashed_with: beside it, or in its folder's conflict copy), names compared ignoring case."""
    return str(original).casefold() in {str(clashed).casefold() for clashed in clashed_with(Path(path))}


def images_left_out_said(counts: Mapping[str, int]) -> str:
    """The images of formats photoclip does not read that a scan left out, in one line, the
    kinds seen most named: "16 Photoshop documents and 76 DDS, TGA, EPS and other images left
    out: save them as JPEG, PNG or TIFF to index them"."""
    photoshop = sum(count for suffix, count in counts.items() if suffix in PHOTOSHOP_SUFFIXES)
    kinds = [suffix[1:].upper() for suffix in counts if suffix not in PHOTOSHOP_SUFFIXES]  # most first
    shown = kinds[:3] + (["other"] if len(kinds) > 3 else [])
    named = f"{', '.join(shown[:-1])} and {shown[-1]}" if len(shown) > 1 else "".join(shown)
    others = sum(counts.values()) - photoshop
    said = [plural(photoshop, "Photoshop document")] if photoshop else []
    said += [plural(others, f"{named} image")] if others else []
    them = "it" if sum(counts.values()) == 1 else "them"
    return f"{' and '.join(said)} left out: save {them} as JPEG, PNG or TIFF to index {them}"


def left_out_said(videos: int, images: Mapping[str, int]) -> list[str]:
    """What a scan left out that a person may look for, a line each: the videos it saw, and the
    images of formats photoclip does not read (images_left_out_said)."""
    return [f"{plural(videos, 'video')} left out: photoclip indexes photos only"] * bool(videos) + \
        [images_left_out_said(images)] * bool(images)
