"""Copies of photos in a folder the user picked (search results to share, an album to burn):
copied with their dates, never over a file that is there already, never moved; copied once (a
copy made by an earlier run is not made again); named so that a memory card or a USB stick holds them,
and so that Windows and a Mac open each of them (no two names alike but for case)."""

from __future__ import annotations

import errno
import filecmp
import itertools
import logging
import os
import re
import shutil
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from photoclip import mounts
from photoclip.fsutil import open_regular

log = logging.getLogger(__name__)

_REFUSED = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
_DEVICES = frozenset({"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"} | {
    f"{port}{n}" for port in ("COM", "LPT") for n in "123456789\u00b9\u00b2\u00b3"})
"""Names Windows gives its devices, not files, whatever the extension: "nul.jpg" opens the null device."""


@dataclass
class CopyReport:
    copied: list[Path] = field(default_factory=list)  # the new files
    failed: list[tuple[Path, str]] = field(default_factory=list)  # (photo, why it was not copied)
    already: list[Path] = field(default_factory=list)  # photos whose copy was there already, under their name


class _NotWritten(OSError):
    """A copy that could not be written where it was to go (not the photo that could not be read)."""


def copy_photos(sources: Iterable[Path], folder: Path) -> CopyReport:
    """Copy each photo into `folder` (made if missing). A name already taken there, by an
    earlier file or by another photo of the same name, gets " (2)", " (3)"... before its
    suffix. A name differing only in case or Unicode form takes it too ("beach.jpg" after
    "Beach.JPG"), on any drive: Windows and a Mac open one file of two such (ntfs-3g writes both),
    and a folder made here may be carried to one. A photo whose very bytes are there under its
    name (or a numbered one, in any case) is not copied again. On a drive formatted for Windows (a
    memory card, a USB stick: mounts.WINDOWS_FILESYSTEMS) a copy is named as Windows can hold it
    (windows_name), and elsewhere so where the drive refuses its own name. Raises OSError only when
    the folder itself cannot be made."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    windows = mounts.filesystem_type(folder) in mounts.WINDOWS_FILESYSTEMS
    there = _Listing(folder)
    report = CopyReport()
    for source in sources:
        source = Path(source)
        held = windows_name(source.name)
        names = [held] if windows else list(dict.fromkeys((source.name, held)))
        try:
            with open_regular(source) as src:  # never waits on a FIFO put where a photo was
                if any(_copied_before(source, there, name) for name in names):
                    report.already.append(source)
                    continue
                target = _write_copy(src, there, names)
        except _NotWritten as exc:
            log.info("cannot copy %s to %s: %s", source, exc.filename, exc)  # the report says so to the user
            report.failed.append((source, f"cannot write {exc.filename}: {exc.strerror}"))
            continue
        except OSError as exc:
            log.info("cannot copy %s to %s: %s", source, folder, exc)
            report.failed.append((source, exc.strerror or str(exc)))
            continue
        there.add(target.name)
        try:
            shutil.copystat(source, target)
        except OSError as exc:  # a memory card's file system may keep no such thing; the copy stands
            log.debug("cannot copy the dates of %s: %s", source, exc)
        report.copied.append(target)
    return report


def windows_name(name: str) -> str:
    """`name` as a drive formatted for Windows holds it: each of <>:"/\\|?* and control characters
    (which FAT, exFAT and NTFS refuse) made "_", dots and spaces at its end left off (which Windows
    drops, so that no program there opens the file); "Party: 2019.jpg" is "Party_ 2019.jpg". A name
    whose part before its first dot is a device's (_DEVICES: "CON.jpg", "nul.tar.jpg", "com1 .jpeg", in
    any case) gets "_" after that part, "CON_.jpg": Windows opens the device for it, and ntfs-3g with
    windows_names refuses it."""
    name = _REFUSED.sub("_", name).rstrip(". ") or "_"
    base, dot, rest = name.partition(".")
    return f"{base}_{dot}{rest}" if base.rstrip(" ").upper() in _DEVICES else name


def _folded(name: str) -> str:
    """`name` as compared for a drive that ignores case (Windows' NTFS, exFAT and FAT, a Mac's) and one
    that ignores Unicode's forms (a Mac's): Unicode's canonical caseless match, a little broader than
    either ("Straße" is "Strasse" here: a number more, never a file lost)."""
    return unicodedata.normalize("NFD", unicodedata.normalize("NFD", name).casefold())


class _Listing:
    """The names in a folder, listed once and kept up to date as copies are made, by their _folded form."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._names: dict[str, list[str]] = {}
        try:
            listed = os.listdir(folder)
        except OSError as exc:  # each name is looked up on its own then
            log.debug("cannot list %s: %s", folder, exc)
            listed = []
        for name in listed:
            self.add(name)

    def add(self, name: str) -> None:
        self._names.setdefault(_folded(name), []).append(name)

    def holding(self, name: str) -> list[Path]:
        """The files in the folder named `name` but for case and Unicode form; [] where it is free."""
        alike = [self.folder / listed for listed in self._names.get(_folded(name), ())]
        if not alike and (self.folder / name).exists():  # made since the folder was listed, or not listed
            alike.append(self.folder / name)
        return alike


def _write_copy(src: IO[bytes], there: _Listing, names: Sequence[str]) -> Path:
    """Copy `src` into `there`'s folder under the first of `names` (each numbered as _free_name does)
    the drive takes; raises _NotWritten, naming the copy, where it takes none."""
    for name in names:
        target = _free_name(there, name)
        try:
            with open(target, "xb") as dst:
                shutil.copyfileobj(src, dst, 1 << 20)
            return target
        except OSError as exc:
            if not isinstance(exc, FileExistsError):
                target.unlink(missing_ok=True)  # half a copy is no copy
            src.seek(0)
            refused = exc
    raise _NotWritten(refused.errno, _why_refused(refused, there.folder), str(target))


def _why_refused(exc: OSError, folder: Path) -> str:
    """Why a drive refused a copy, in a few words: exfat-fuse says "No such file or directory" of a
    name it cannot hold, in a folder that is there."""
    if exc.errno in (errno.ENOENT, errno.EINVAL) and folder.is_dir():
        return "the drive does not take that name"
    return exc.strerror or str(exc)


def _copied_before(source: Path, there: _Listing, name: str) -> bool:
    """Whether a file of `name`, or of a name _free_name gives it, in any case, holds `source`'s bytes."""
    taken = itertools.takewhile(bool, map(there.holding, _names(name)))
    return any(filecmp.cmp(source, target, shallow=False) for alike in taken for target in alike)


def _free_name(there: _Listing, name: str) -> Path:
    return next(there.folder / free for free in _names(name) if not there.holding(free))


def _names(name: str) -> Iterator[str]:
    """`name`, then "stem (2).suffix", "stem (3).suffix"..."""
    stem, suffix = os.path.splitext(name)
    yield name
    yield from (f"{stem} ({n}){suffix}" for n in itertools.count(2))
