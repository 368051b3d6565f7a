"""Atomic file writes: a reader (or a crash) sees the old file or the new one, never half."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path


def as_cataloged(path: Path) -> Path:
    """`path` as the catalog spells it: resolved (symlinks, "..") where it can be, else made
    absolute. A path in a folder the user may not enter, or gone, is no error here."""
    try:
        return path.resolve(strict=True)
    except (OSError, RuntimeError):  # missing, not permitted, or a symlink loop
        return Path(os.path.abspath(path))


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
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
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


def atomic_write_bytes(path: Path, data: bytes, parents: bool = True) -> None:
    """Write `data` to `path` atomically (making its folders first, with `parents`)."""
    atomic_write_with(Path(path), lambda tmp: tmp.write_bytes(data), parents)
