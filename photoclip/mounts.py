"""Which file system a folder is on: a network share changes behind a watcher's back, and a drive
that can be unplugged is no place to keep the only copy of a photo.

inotify (and its kin) report what this machine does to a file system. On an NFS or SMB share
the photos other machines add (a phone's backup landing on the NAS) raise no event here, so
a folder on a share is watched by polling instead. Linux says what is mounted where in
/proc/self/mountinfo; elsewhere nothing is known and the native watcher is used.
"""

from __future__ import annotations

import logging
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path, PurePath

log = logging.getLogger(__name__)

MOUNTINFO = Path("/proc/self/mountinfo")
FSTAB = Path("/etc/fstab")
NETWORK_FILESYSTEMS = frozenset({
    "nfs", "nfs4", "cifs", "smb3", "smbfs", "afs", "ceph", "glusterfs", "lustre", "beegfs", "gpfs",
    "9p", "davfs", "fuse.sshfs", "sshfs", "fuse.glusterfs", "fuse.davfs2", "fuse.rclone", "fuse.s3fs",
    "fuse.smbnetfs", "fuse.gvfsd-fuse",
})
WINDOWS_FILESYSTEMS = frozenset({"vfat", "msdos", "exfat", "ntfs", "ntfs3", "fuseblk", "fuse.exfat", "fuse.fusefat"})
"""Drives formatted for Windows (fuseblk: NTFS or exFAT through FUSE from a device, as exfat-fuse and
ntfs-3g mount one; fuse.fusefat: FAT through fusefat), which refuse some names (export.windows_name)."""
PORTABLE_FILESYSTEMS = WINDOWS_FILESYSTEMS | {"hfs", "hfsplus", "udf", "iso9660"}
"""What USB drives, memory cards and discs are formatted with, to be read by Windows, a Mac and a
camera alike; a system is not installed on them."""
_ESCAPE = re.compile(r"\\([0-7]{3})")
_TABLE_FRESH_S = 5.0  # a drive plugged in or out is seen after this long


def filesystem_type(path: Path, mountinfo: Path | None = None) -> str | None:
    """The type of the file system `path` is on ('ext4', 'nfs4', 'cifs'...); None when the
    system does not say."""
    try:
        text = (mountinfo or MOUNTINFO).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    mount = _holding(os.path.realpath(path), _mounts(text))
    return mount[1] if mount is not None else None


def on_network_share(path: Path, mountinfo: Path | None = None) -> bool:
    """Whether `path` is on a file system that other machines may change."""
    kind = filesystem_type(path, mountinfo)
    return kind is not None and kind in NETWORK_FILESYSTEMS


def _mounts(text: str) -> list[tuple[str, str]]:
    """The mount points of a mountinfo table and their file systems' types, in its order."""
    found = []
    for line in text.splitlines():
        fields = line.split()
        if " - " not in line or len(fields) < 5:
            continue
        kinds = line.split(" - ", 1)[1].split()
        if kinds:
            found.append((_ESCAPE.sub(lambda m: chr(int(m.group(1), 8)), fields[4]), kinds[0]))
    return found


def _holding(target: str, mounts: list[tuple[str, str]]) -> tuple[str, str] | None:
    """The deepest of `mounts` that holds the real path `target` (the last of those mounted on one
    point: it hides the others)."""
    best = None
    for point, kind in mounts:
        inside = target == point or target.startswith(point.rstrip("/") + "/")
        if inside and (best is None or len(point) >= len(best[0])):
            best = point, kind
    return best


DRIVE_PLACES = ("/media/", "/run/media/", "/mnt/", "/Volumes/")
"""Where drives and shares are mounted: a folder there that cannot be reached is unplugged."""


def on_external_drive(path: PurePath, mountinfo: Path | None = None) -> bool:
    """Whether the file at `path` (a real path, as roots are kept) is on a drive that can be
    unplugged, or a share, rather than the computer's own drive: of two copies alike in all else
    (a folder copied onto a USB drive with its dates), the one on the computer is kept, not the
    backup drive's. On Windows, a drive other than the system's (SystemDrive, "C:"), or a share
    (\\\\nas\\photos); elsewhere, a path where drives are mounted (DRIVE_PLACES: /media, /run/media,
    /mnt, a Mac's /Volumes), or one on a drive formatted for any computer (PORTABLE_FILESYSTEMS) or
    on a share, as `mountinfo` (Linux's, by default) says, unless that drive holds the system or the
    home folder (a home on the network at work is the computer's own). Only the paths are compared
    (a table read every few seconds, each folder judged once): no call waits on a drive."""
    if path.drive:
        return path.drive.casefold() != os.environ.get("SystemDrive", "C:").casefold()
    table = _table(mountinfo or MOUNTINFO)
    folder = os.path.dirname(path)
    away = table.away.get(folder)
    if away is None:
        away = table.away[folder] = _away(folder, table)
    return away


@dataclass
class _Table:
    """A mount table as read at `read_at` (time.monotonic), and what on_external_drive found of
    folders on it."""

    mounts: list[tuple[str, str]]
    own: frozenset[str]  # the mount points of the system's and the home folder's drives
    read_at: float
    away: dict[str, bool] = field(default_factory=dict)


_LAST_TABLE: dict[Path, _Table] = {}


def _table(mountinfo: Path) -> _Table:
    """`mountinfo`, parsed, as read within the last _TABLE_FRESH_S seconds (the last one read is
    kept); an unreadable one (no Linux) holds no mounts."""
    now = time.monotonic()
    cached = _LAST_TABLE.get(mountinfo)
    if cached is not None and now - cached.read_at < _TABLE_FRESH_S:
        return cached
    try:
        mounts = _mounts(mountinfo.read_text(encoding="utf-8", errors="replace"))
    except OSError:
        mounts = []
    own = (_holding(place, mounts) for place in ("/", os.path.realpath(os.path.expanduser("~"))))
    table = _Table(mounts, frozenset(mount[0] for mount in own if mount is not None), now)
    _LAST_TABLE.clear()
    _LAST_TABLE[mountinfo] = table
    return table


def _away(folder: str, table: _Table) -> bool:
    """on_external_drive for a folder with no drive letter."""
    if (folder.rstrip("/") + "/").startswith(DRIVE_PLACES):
        return True
    mount = _holding(folder, table.mounts)
    return mount is not None and mount[0] not in table.own and (
        mount[1] in PORTABLE_FILESYSTEMS or mount[1] in NETWORK_FILESYSTEMS)


def mount_place(folder: Path, fstab: Path | None = None) -> bool:
    """Whether a drive or a share may be mounted at `folder`: a drive's own root ("E:\\"), where
    drives mount (DRIVE_PLACES), a mount point now, or one `fstab` (/etc/fstab) names. An unplugged
    drive leaves such a folder empty; any other folder found empty was emptied (an inbox sorted
    into other folders), and its photos moved or went."""
    if folder.drive:
        return folder == Path(folder.anchor)
    if (str(folder).rstrip("/") + "/").startswith(DRIVE_PLACES) or os.path.ismount(folder):
        return True
    try:
        text = (fstab or FSTAB).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    points = (fields[1] for line in text.splitlines() if len(fields := line.split()) > 1 and fields[0][:1] != "#")
    return str(folder) in {_ESCAPE.sub(lambda m: chr(int(m.group(1), 8)), point).rstrip("/") for point in points}


def looks_deleted(folder: Path) -> bool:
    """Whether a folder that cannot be reached was deleted, moved or renamed, rather than left on
    a drive that is not plugged in or a share not connected: the folder that held it is there,
    with other things in it, and is not where drives are mounted. Its photos will not come back
    by themselves then, and the user is told so instead of to plug a drive in."""
    if str(folder).startswith(DRIVE_PLACES) or (folder.drive and not Path(folder.anchor).exists()):
        return False
    parent = folder.parent
    try:
        if parent == folder or folder.exists() or not parent.is_dir():
            return False
        with os.scandir(parent) as entries:
            return next(entries, None) is not None
    except OSError:
        return False
