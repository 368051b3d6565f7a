"""Which file system a folder is on, read from a mountinfo table as Linux writes it."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path, PurePosixPath, PureWindowsPath

import pytest

from photoclip.mounts import (
    MOUNTINFO,
    filesystem_type,
    looks_deleted,
    mount_place,
    on_external_drive,
    on_network_share,
)

TABLE = """\
22 27 0:21 / /proc rw,relatime - proc proc rw
27 1 253:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw
40 27 0:45 / /mnt/nas rw,relatime shared:30 - cifs //nas/photos rw,vers=3.1.1
41 40 253:2 / /mnt/nas/local\\040disk rw,relatime - ext4 /dev/vdb1 rw
42 27 0:46 / /home/ann/Family\\040Photos rw,relatime - nfs4 nas:/export/family rw
43 27 0:47 / /home/ann/Family rw,relatime - fuse.sshfs ann@box:/pics rw
"""


def table(tmp_path: Path) -> Path:
    path = tmp_path / "mountinfo"
    path.write_text(TABLE)
    return path


def test_the_deepest_mount_holding_a_folder_names_its_file_system(tmp_path: Path) -> None:
    mountinfo = table(tmp_path)
    assert filesystem_type(Path("/mnt/nas/2024/trip"), mountinfo) == "cifs"
    assert filesystem_type(Path("/mnt/nas/local disk/raw"), mountinfo) == "ext4"  # \040 is a space
    assert filesystem_type(Path("/home/ann/Family Photos"), mountinfo) == "nfs4"
    assert filesystem_type(Path("/home/ann/Family/2019"), mountinfo) == "fuse.sshfs"
    assert filesystem_type(Path("/home/ann/Familyx"), mountinfo) == "ext4"  # a name that only starts alike
    assert filesystem_type(Path("/home/ann/Pictures"), mountinfo) == "ext4"


def test_network_shares_are_told_from_local_disks(tmp_path: Path) -> None:
    mountinfo = table(tmp_path)
    assert on_network_share(Path("/mnt/nas/2024"), mountinfo)
    assert on_network_share(Path("/home/ann/Family Photos/x"), mountinfo)
    assert not on_network_share(Path("/mnt/nas/local disk"), mountinfo)
    assert not on_network_share(Path("/home/ann/Pictures"), mountinfo)


def test_without_a_mount_table_nothing_is_known(tmp_path: Path) -> None:
    assert filesystem_type(tmp_path, tmp_path / "missing") is None
    assert not on_network_share(tmp_path, tmp_path / "missing")


@pytest.mark.skipif(not MOUNTINFO.exists(), reason="Linux only")
def test_this_machine_s_own_table_is_read(tmp_path: Path) -> None:
    assert filesystem_type(tmp_path) is not None


def test_a_folder_gone_from_a_folder_still_there_looks_deleted_and_one_gone_with_its_drive_does_not(
    tmp_path: Path,
) -> None:
    (tmp_path / "Pictures" / "Home").mkdir(parents=True)
    assert looks_deleted(tmp_path / "Pictures" / "Trip")  # deleted, moved or renamed
    assert not looks_deleted(tmp_path / "Pictures" / "Home")  # there
    (tmp_path / "mnt-usb").mkdir()
    assert not looks_deleted(tmp_path / "mnt-usb" / "photos")  # where a drive is mounted, empty: unplugged
    assert not looks_deleted(tmp_path / "unplugged" / "photos")  # nothing of it left
    assert not looks_deleted(Path("/media/anna/USB/photos")) and not looks_deleted(Path("/Volumes/Card/DCIM"))


DRIVES = """\
27 1 253:1 / / rw,relatime shared:1 - ext4 /dev/nvme0n1p2 rw
30 27 253:3 / /home rw,relatime shared:2 - ext4 /dev/nvme0n1p3 rw
50 27 8:17 / /media/anna/WD rw,nosuid,nodev,relatime shared:40 - exfat /dev/sdb1 rw,uid=1000
51 27 8:33 / /srv/card rw,relatime - vfat /dev/sdc1 rw,fmask=0022
52 27 8:49 / /data rw,relatime - ext4 /dev/sdd1 rw
53 27 8:65 / /srv/old\\040disk rw,relatime - fuseblk /dev/sde1 rw,user_id=0
40 27 0:45 / /srv/nas rw,relatime shared:30 - cifs //nas/photos rw,vers=3.1.1
"""


def test_a_drive_that_can_be_unplugged_or_a_share_is_not_the_computers_own(tmp_path: Path) -> None:
    mountinfo = tmp_path / "mountinfo"
    mountinfo.write_text(DRIVES)
    assert not on_external_drive(PurePosixPath("/home/anna/Pictures/Camera/IMG_1.jpg"), mountinfo)
    assert not on_external_drive(PurePosixPath("/data/Photos/IMG_1.jpg"), mountinfo)  # a second disk inside
    assert on_external_drive(PurePosixPath("/media/anna/WD/Photos/IMG_1.jpg"), mountinfo)
    assert on_external_drive(PurePosixPath("/srv/card/DCIM/IMG_1.jpg"), mountinfo)  # a card, wherever mounted
    assert on_external_drive(PurePosixPath("/srv/old disk/IMG_1.jpg"), mountinfo)  # NTFS through FUSE
    assert on_external_drive(PurePosixPath("/srv/nas/2024/IMG_1.jpg"), mountinfo)
    assert on_external_drive(PurePosixPath("/run/media/anna/SD/DCIM/IMG_1.jpg"), mountinfo)  # by its place alone
    assert not on_external_drive(PurePosixPath("/home/anna/Pictures/IMG_1.jpg"), tmp_path / "missing")
    assert on_external_drive(PurePosixPath("/Volumes/Backup/Photos/IMG_1.jpg"), tmp_path / "missing")  # a Mac
    assert not on_external_drive(PurePosixPath("/Users/anna/Pictures/IMG_1.jpg"), tmp_path / "missing")


def test_on_windows_a_drive_other_than_the_systems_is_not_the_computers_own(monkeypatch) -> None:
    monkeypatch.setenv("SystemDrive", "D:")
    assert not on_external_drive(PureWindowsPath(r"d:\Users\anna\Pictures\IMG_1.jpg"))
    assert on_external_drive(PureWindowsPath(r"C:\Photos\IMG_1.jpg"))
    assert on_external_drive(PureWindowsPath(r"\\nas\photos\IMG_1.jpg"))


def test_the_drive_that_holds_the_home_folder_is_the_computers_own_whatever_it_is(tmp_path: Path, monkeypatch) -> None:
    """A home on the network at work, or a live system on a USB stick."""
    mountinfo = tmp_path / "mountinfo"
    mountinfo.write_text(TABLE)
    monkeypatch.setenv("HOME", "/home/ann/Family Photos/ann")
    assert not on_external_drive(PurePosixPath("/home/ann/Family Photos/ann/Pictures/IMG_1.jpg"), mountinfo)
    assert on_external_drive(PurePosixPath("/home/ann/Family/IMG_1.jpg"), mountinfo)  # another share


def test_a_drive_may_mount_where_drives_mount_at_a_mount_point_and_where_fstab_says(tmp_path: Path) -> None:
    """An emptied inbox was taken for an unplugged drive's mount point, which any empty folder was."""
    fstab = tmp_path / "fstab"
    fstab.write_text("# <file system> <mount point> <type>\n"
                     f"UUID=1234 {tmp_path}/My\\040Drive exfat noauto,user 0 0\n"
                     "nas:/photos /srv/photos/ nfs defaults 0 0\n", encoding="utf-8")
    for place in (tmp_path / "My Drive", Path("/srv/photos"), Path("/media/anna/USB"), Path("/mnt"), Path("/")):
        assert mount_place(place, fstab), place
    for other in (tmp_path / "Inbox", tmp_path / "My", Path("/srv"), Path("/mediaplayer")):
        assert not mount_place(other, fstab), other
    assert not mount_place(tmp_path / "Inbox", tmp_path / "no fstab")


@pytest.fixture
def fat_card(tmp_path: Path) -> Iterator[Path]:
    """A real FAT drive mounted through fusefat, as a card is where no kernel driver mounts it; skipped where
    this computer cannot make one (it needs dosfstools, fusefat and FUSE)."""
    image, mounted = tmp_path / "fat.img", tmp_path / "CARD"
    mounted.mkdir()
    with open(image, "wb") as f:
        f.truncate(16 << 20)
    if not shutil.which("fusefat") or not shutil.which("mkfs.vfat") or subprocess.run(
            ["mkfs.vfat", str(image)], capture_output=True).returncode:
        pytest.skip("making a FAT drive needs dosfstools and fusefat")
    if subprocess.run(["fusefat", "-o", "rw+", str(image), str(mounted)], capture_output=True).returncode:
        pytest.skip("cannot mount a FAT drive through FUSE here")
    yield mounted
    subprocess.run(["umount", str(mounted)], capture_output=True)


@pytest.mark.skipif(not MOUNTINFO.exists(), reason="Linux only")
def test_a_card_mounted_through_fusefat_is_a_drive_that_can_be_unplugged(fat_card: Path, tmp_path: Path) -> None:
    """A card's copy was kept over the computer's: fusefat's "fuse.fusefat" was no file system of cards."""
    mountinfo = tmp_path / "mountinfo"
    mountinfo.write_text(MOUNTINFO.read_text(encoding="utf-8"), encoding="utf-8")  # as it is while the card is in
    assert filesystem_type(fat_card, mountinfo) == "fuse.fusefat"
    assert on_external_drive(PurePosixPath(fat_card / "DCIM" / "IMG_0001.JPG"), mountinfo)
