"""Copies of photos in a folder the user picked (search results to share, an album to burn):
copied with their dates, never over a file that is there already, never moved; copied once (a
copy made by an earlier run is not made again)."""

from __future__ import annotations

import filecmp
import itertools
import logging
import os
import shutil
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from photoclip.fsutil import open_regular

log = logging.getLogger(__name__)


@dataclass
class CopyReport:
    copied: list[Path] = field(default_factory=list)  # the new files
    failed: list[tuple[Path, str]] = field(default_factory=list)  # (photo, why it was not copied)
    already: list[Path] = field(default_factory=list)  # photos whose copy was there already, under their name


def copy_photos(sources: Iterable[Path], folder: Path) -> CopyReport:
    """Copy each photo into `folder` (made if missing). A name already taken there, by an
    earlier file or by another photo of the same name, gets " (2)", " (3)"... before its
    suffix; a photo whose very bytes are there under its name (or a numbered one) is not
    copied again. Raises OSError only when the folder itself cannot be made."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    report = CopyReport()
    for source in sources:
        source = Path(source)
        target = None
        try:
            with open_regular(source) as src:  # never waits on a FIFO put where a photo was
                if _copied_before(source, folder):
                    report.already.append(source)
                    continue
                target = _free_name(folder, source.name)
                with open(target, "xb") as dst:
                    shutil.copyfileobj(src, dst, 1 << 20)
        except OSError as exc:
            log.info("cannot copy %s to %s: %s", source, folder, exc)  # the report says so to the user
            report.failed.append((source, exc.strerror or str(exc)))
            if target is not None and not isinstance(exc, FileExistsError):
                target.unlink(missing_ok=True)  # half a copy is no copy
            continue
        try:
            shutil.copystat(source, target)
        except OSError as exc:  # a memory card's file system may keep no such thing; the copy stands
            log.debug("cannot copy the dates of %s: %s", source, exc)
        report.copied.append(target)
    return report


def _copied_before(source: Path, folder: Path) -> bool:
    """Whether a file of `source`'s name, or of a name _free_name gives it, holds its bytes."""
    taken = itertools.takewhile(Path.exists, _names(folder, source.name))
    return any(filecmp.cmp(source, target, shallow=False) for target in taken)


def _free_name(folder: Path, name: str) -> Path:
    return next(target for target in _names(folder, name) if not target.exists())


def _names(folder: Path, name: str) -> Iterator[Path]:
    """`name` in `folder`, then "stem (2).suffix", "stem (3).suffix"..."""
    stem, suffix = os.path.splitext(name)
    yield folder / name
    yield from (folder / f"{stem} ({n}){suffix}" for n in itertools.count(2))
