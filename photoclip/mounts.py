"""Which file system a folder is on, because a network share changes behind a watcher's back.

inotify (and its kin) report what this machine does to a file system. On an NFS or SMB share
the photos other machines add (a phone's backup landing on the NAS) raise no event here, so
a folder on a share is watched by polling instead. Linux says what is mounted where in
/proc/self/mountinfo; elsewhere nothing is known and the native watcher is used.
"""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path

log = logging.getLogger(__name__)

MOUNTINFO = Path("/proc/self/mountinfo")
NETWORK_FILESYSTEMS = frozenset({
    "nfs", "nfs4", "cifs", "smb3", "smbfs", "afs", "ceph", "glusterfs", "lustre", "beegfs", "gpfs",
    "9p", "davfs", "fuse.sshfs", "sshfs", "fuse.glusterfs", "fuse.davfs2", "fuse.rclone", "fuse.s3fs",
    "fuse.smbnetfs", "fuse.gvfsd-fuse",
})
_ESCAPE = re.compile(r"\\([0-7]{3})")


def filesystem_type(path: Path, mountinfo: Path | None = None) -> str | None:
    """The type of the file system `path` is on ('ext4', 'nfs4', 'cifs'...); None when the
    system does not say."""
    try:
        text = (mountinfo or MOUNTINFO).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    target = os.path.realpath(path)
    best, kind = "", None
    for line in text.splitlines():
        fields = line.split()
        if " - " not in line or len(fields) < 5:
            continue
        point = _ESCAPE.sub(lambda m: chr(int(m.group(1), 8)), fields[4])
        inside = target == point or target.startswith(point.rstrip("/") + "/")
        if inside and len(point) >= len(best):
            best, kind = point, line.split(" - ", 1)[1].split()[0]
    return kind


def on_network_share(path: Path, mountinfo: Path | None = None) -> bool:
    """Whether `path` is on a file system that other machines may change."""
    kind = filesystem_type(path, mountinfo)
    return kind is not None and kind in NETWORK_FILESYSTEMS


DRIVE_PLACES = ("/media/", "/run/media/", "/mnt/", "/Volumes/")
"""Where drives and shares are mounted: a folder there that cannot be reached is unplugged."""


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
