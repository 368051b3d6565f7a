"""Atomic file writes: a reader (or a crash) sees the old file or the new one, never half."""

from __future__ import annotations

import errno
import logging
import os
import stat
import tempfile
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import IO

from photoclip.errors import PhotoclipError

log = logging.getLogger(__name__)


def expanded(path: str | os.PathLike[str]) -> Path:
    """`path` with a leading "~" or "~user" made that home folder, as a shell does; as written where
    there is no such user ("~5 kg cat"), as a shell leaves it, where pathlib raises. Raises
    PhotoclipError for "~" when this computer says of no home folder: taken as written, a folder
    named "~" was made where one would later `rm -rf ~` it."""
    try:
        return Path(path).expanduser()
    except RuntimeError:
        written = Path(path)
        if written.parts and written.parts[0] == "~":
            raise PhotoclipError(f"cannot tell which folder ~ is in {path} (no home folder is set): set HOME, "
                                 "or write the whole path") from None
        return written


def as_cataloged(path: Path) -> Path:
    """`path` as the catalog spells it: resolved (symlinks, "..") where it can be, else made
    absolute. A path in a folder the user may not enter, or gone, is no error here."""
    try:
        return path.resolve(strict=True)
    except (OSError, RuntimeError):  # missing, not permitted, or a symlink loop
        return Path(os.path.abspath(path))


def on_disk(path: Path) -> Path:
    """`path` as the file system spells it, where it is there in another Unicode form or case: a
    name typed composed ("Été") for a folder copied from a Mac, which wrote it decomposed, or
    typed "img_0005.jpg" on a memory card, which answers to any case but lists "IMG_0005.JPG".
    The catalog keeps names as listed. `path` itself where it is there and no name on its way
    answers in another case (as on Linux's own drives: nothing is listed then, a big folder would be
    slow), or where it is not there in any of these forms. A path looked up is resolved as the system
    resolves it: "link/../other" is the folder beside the link's target, not beside the link."""
    if os.path.lexists(path) and not _answers_in_another_case(path):
        return path
    parts = Path(os.path.realpath(path)).parts
    found = Path(parts[0])
    for part in parts[1:]:
        listed = _as_listed(found, part)
        if listed is None:
            return path
        found /= listed
    return found


def _answers_in_another_case(path: Path) -> bool:
    """Whether a folder or file on `path`'s way is also there by its name with the case of each letter
    swapped: a drive that ignores case (a memory card's FAT or exFAT) answers so, Linux's own do not."""
    way = Path(path.anchor)
    for part in path.parts[1:] if path.anchor else path.parts:
        other = part.swapcase()
        if other != part and os.path.lexists(way / other):
            return True
        way /= part
    return False


def _as_listed(folder: Path, name: str) -> str | None:
    """How `folder` lists `name`: as typed, else the one name equal to it in Unicode's composed
    form, else, on a drive that ignores case, the one equal ignoring it. None where it lists none."""
    try:
        names = os.listdir(folder)
    except OSError:
        return name if os.path.lexists(folder / name) else None
    if name in names:
        return name
    folds = [lambda n: unicodedata.normalize("NFC", n)]
    if os.path.lexists(folder / name):  # the drive ignores case: on any other, "img_1.jpg" is no "IMG_1.JPG"
        folds.append(lambda n: unicodedata.normalize("NFC", n).casefold())
    for fold in folds:
        wanted = fold(name)
        matches = [n for n in names if fold(n) == wanted]
        if len(matches) == 1:
            return matches[0]
    return None


def spelled_as_listed(path: str | Path, below: str | Path | None = None) -> bool:
    """Whether `path` is there and its folder lists its name spelled just so; with `below`, each folder on
    its way below that one too. A case-insensitive drive (a memory card's FAT or exFAT, a Mac's or Windows'
    disk) opens "img_1.jpg" for "IMG_1.JPG": after a rename that changed only the case, the old spelling
    still opens, though no file has it; after one of its folder ("100canon" to "100CANON"), so does each
    file's old path. Folders above `below` are not looked at: a library folder kept as typed ("CARD/dcim")
    is not listed so. A folder is listed only where the name's swapped case answers too (a drive that may
    ignore case): a big folder listed for each of many photos is slow. False for a path not there; True
    where a folder cannot be listed."""
    path = os.fspath(path)
    if not os.path.lexists(path):
        return False
    way = [path]
    top = None if below is None else os.fspath(below).rstrip(os.sep) or os.sep
    while top is not None and _is_below(way[-1], top) and os.path.dirname(way[-1]) != top:
        way.append(os.path.dirname(way[-1]))
    return all(_listed_so(step) for step in way)


def _is_below(path: str, folder: str) -> bool:
    return path.startswith(folder.rstrip(os.sep) + os.sep)


def _listed_so(path: str) -> bool:
    """Whether `path`'s folder lists its name spelled just so (True where it cannot be listed), listing
    it only where the name's swapped case answers too."""
    folder, name = os.path.split(path)
    if name.swapcase() == name or not os.path.lexists(os.path.join(folder, name.swapcase())):
        return True
    try:
        return name in os.listdir(folder or os.curdir)
    except OSError:
        return True


def mtime_ns(st: os.stat_result) -> int:
    """A file's mtime as the catalog keeps it (see in_int64)."""
    return in_int64(st.st_mtime_ns)


def in_int64(value: int) -> int:
    """A number as SQLite's integers hold it: a clock gone wrong can date a file past 2262, and
    one such file must not stop a scan; "-n 99999999999999999999" means all results."""
    return max(_INT64_MIN, min(value, _INT64_MAX))


_INT64_MAX = (1 << 63) - 1
_INT64_MIN = -(1 << 63)


def deleted(path: Path) -> bool:
    """Whether a file photoclip knew is gone from a folder that is still there: deleted or moved
    since. One in a folder photoclip may not look into, or on a drive not plugged in, is not."""
    try:
        os.lstat(path)
    except FileNotFoundError:
        return path.parent.is_dir()
    except OSError:
        return False
    return False


def fsync_dir(path: Path) -> None:
    """Make a rename inside `path` durable (a no-op where directories cannot be opened)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


PHOTOS_LIBRARY_SUFFIX = ".photoslibrary"  # a macOS Photos library: a folder that macOS shows as one file
_UMASK = _umask()  # read once, at import: setting it to read it is not safe among threads


def atomic_write_with(path: Path, write: Callable[[Path], None], parents: bool = True) -> None:
    """Let `write` fill a temporary file beside `path`, fsync it, then rename it over `path`.
    The file keeps the mode it had (a new one gets the usual mode, not a temporary file's 0600:
    a sidecar beside a photo is read by other programs and other users)."""
    path = Path(path)
    if parents:
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode = path.stat().st_mode & 0o7777
    except OSError:
        mode = 0o666 & ~_UMASK
    fd, tmp_name = tempfile.mkstemp(prefix=f".{_shortened(path.name)}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        write(tmp)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
            os.fchmod(fh.fileno(), mode)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)


_NAME_MAX = 255  # bytes of a file's name on Linux and macOS file systems
_TEMPORARY_EXTRA = 14  # what mkstemp adds to a name: ".", "." and 8 random letters, ".tmp"


def _shortened(name: str) -> str:
    """`name` cut so that a temporary file named after it fits where `name` itself fits: a sidecar of
    an 80-character Japanese photo name could not be written ("File name too long")."""
    spelt = os.fsencode(name)
    room = _NAME_MAX - _TEMPORARY_EXTRA
    return spelt[:room].decode(errors="ignore") if len(spelt) > room else name


def atomic_write_bytes(path: Path, data: bytes, parents: bool = True) -> None:
    """Write `data` to `path` atomically (making its folders first, with `parents`)."""
    atomic_write_with(Path(path), lambda tmp: tmp.write_bytes(data), parents)


class NotARegularFileError(OSError):
    """A FIFO, device or socket where a file was expected: reading it could wait for ever."""


def open_regular(path: str | Path) -> IO[bytes]:
    """Open a file to read, never waiting: O_NONBLOCK, so that opening a FIFO with no writer
    (or a device) returns at once and reading what has no data yet fails (EAGAIN) instead of
    blocking; and only a regular file, judged on the opened file itself (a file swapped for a
    FIFO after a stat() cannot slip through). Raises IsADirectoryError for a folder,
    NotARegularFileError for anything else that is not a file, and OSError as open() does."""
    flags = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0)
    fd = os.open(path, flags)
    try:
        kind = os.fstat(fd).st_mode
        if stat.S_ISDIR(kind):
            raise IsADirectoryError(errno.EISDIR, "a folder, not a file", str(path))
        if not stat.S_ISREG(kind):
            raise NotARegularFileError(errno.EINVAL, "not a regular file", str(path))
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_small_file(path: str | Path, limit: int) -> bytes | None:
    """The bytes of a regular file of at most `limit` bytes (a sidecar, a Takeout JSON), read
    as open_regular opens it; None when it is larger, not a regular file or unreadable
    (logged). A FIFO or a link to a device named like a sidecar must not hang indexing. A file
    of size 0 is not read: the kernel's own files say so (/proc/kmsg, which reading consumes)."""
    try:
        with open_regular(path) as fh:
            size = os.fstat(fh.fileno()).st_size
            if size > limit:
                return None
            data = fh.read(limit + 1) if size else b""
    except OSError as exc:
        log.debug("cannot read %s: %s", path, exc)
        return None
    return data if len(data) <= limit else None
