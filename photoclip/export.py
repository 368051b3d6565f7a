"""Copies of photos in a folder the user picked (search results to share, an album to burn):
copied with their dates, never over a file that is there already, never moved; copied once (a
copy made by an earlier run is not made again); named so that a memory card or a USB stick holds them."""

from __future__ import annotations

import errno
import filecmp
import itertools
import logging
import os
import re
import shutil
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from photoclip import mounts
from photoclip.fsutil import open_regular

log = logging.getLogger(__name__)

_REFUSED = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')


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
    suffix; a photo whose very bytes are there under its name (or a numbered one) is not
    copied again. On a drive formatted for Windows (a memory card, a USB stick: mounts.WINDOWS_FILESYSTEMS)
    a copy is named as Windows can hold it (windows_name), and elsewhere so where the drive refuses
    its own name. Raises OSError only when the folder itself cannot be made."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    windows = mounts.filesystem_type(folder) in mounts.WINDOWS_FILESYSTEMS
    report = CopyReport()
    for source in sources:
        source = Path(source)
        held = windows_name(source.name)
        names = [held] if windows else list(dict.fromkeys((source.name, held)))
        try:
            with open_regular(source) as src:  # never waits on a FIFO put where a photo was
                if any(_copied_before(source, folder, name) for name in names):
                    report.already.append(source)
                    continue
                target = _write_copy(src, folder, names)
        except _NotWritten as exc:
            log.info("cannot copy %s to %s: %s", source, exc.filename, exc)  # the report says so to the user
            report.failed.append((source, f"cannot write {exc.filename}: {exc.strerror}"))
            continue
        except OSError as exc:
            log.info("cannot copy %s to %s: %s", source, folder, exc)
            report.failed.append((source, exc.strerror or str(exc)))
            continue
        try:
            shutil.copystat(source, target)
        except OSError as exc:  # a memory card's file system may keep no such thing; the copy stands
            log.debug("cannot copy the dates of %s: %s", source, exc)
        report.copied.append(target)
    return report


def windows_name(name: str) -> str:
    """`name` as a drive formatted for Windows holds it: each of <>:"/\\|?* and control characters
    (which FAT, exFAT and NTFS refuse) made "_", dots and spaces at its end left off (which Windows
    drops, so that no program there opens the file); "Party: 2019.jpg" is "Party_ 2019.jpg"."""
    return _REFUSED.sub("_", name).rstrip(". ") or "_"


def _write_copy(src: IO[bytes], folder: Path, names: Sequence[str]) -> Path:
    """Copy `src` into `folder` under the first of `names` (each numbered as _free_name does) the
    drive takes; raises _NotWritten, naming the copy, where it takes none."""
    for name in names:
        target = _free_name(folder, name)
        try:
            with open(target, "xb") as dst:
                shutil.copyfileobj(src, dst, 1 << 20)
            return target
        except OSError as exc:
            if not isinstance(exc, FileExistsError):
                target.unlink(missing_ok=True)  # half a copy is no copy
            src.seek(0)
            refused = exc
    raise _NotWritten(refused.errno, _why_refused(refused, folder), str(target))


def _why_refused(exc: OSError, folder: Path) -> str:
    """Why a drive refused a copy, in a few words: exfat-fuse says "No such file or directory" of a
    name it cannot hold, in a folder that is there."""
    if exc.errno in (errno.ENOENT, errno.EINVAL) and folder.is_dir():
        return "the drive does not take that name"
    return exc.strerror or str(exc)


def _copied_before(source: Path, folder: Path, name: str) -> bool:
    """Whether a file of `name`, or of a name _free_name gives it, holds `source`'s bytes."""
    taken = itertools.takewhile(Path.exists, _names(folder, name))
    return any(filecmp.cmp(source, target, shallow=False) for target in taken)


def _free_name(folder: Path, name: str) -> Path:
    return next(target for target in _names(folder, name) if not target.exists())


def _names(folder: Path, name: str) -> Iterator[Path]:
    """`name` in `folder`, then "stem (2).suffix", "stem (3).suffix"..."""
    stem, suffix = os.path.splitext(name)
    yield folder / name
    yield from (folder / f"{stem} ({n}){suffix}" for n in itertools.count(2))
