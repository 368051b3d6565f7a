"""Scanning memory cards: a real exFAT drive mounted through FUSE (the memory_card fixture), with
photos renamed in case only, the card pulled out (its FUSE process killed) or unmounted while it is
indexed, and put back; the watcher is real watchdog."""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from photoclip.errors import LibraryError
from photoclip.library import Library
from photoclip.pipeline import Progress
from photoclip.scan import went_offline
from tests.helpers import write_photo
from tests.test_scan import TIMEOUT, eventually, watching  # noqa: F401 - a fixture


def card_of_photos(card: Path, count: int) -> list[Path]:
    return [write_photo(card / "DCIM" / "100TEST" / f"IMG_{i:04d}.JPG", seed=i) for i in range(count)]


def device_of(card: Path) -> str:
    """The block device mounted at `card`, as /proc/self/mountinfo says."""
    for line in Path("/proc/self/mountinfo").read_text().splitlines():
        if line.split()[4] == str(card):
            return line.split(" - ", 1)[1].split()[1]
    raise AssertionError(f"{card} is not mounted")


def pull_out(card: Path) -> None:
    """Kill the card's FUSE process, as pulling the card out does to a FUSE mount: reads then fail with
    "Transport endpoint is not connected"."""
    found = subprocess.run(["pgrep", "-f", f"mount.exfat-fuse {device_of(card)} {card}$"], capture_output=True,
                           text=True)
    os.kill(int(found.stdout.split()[0]), signal.SIGKILL)
    eventually(lambda: not answers(card), "the card's folder no longer answers")


def answers(folder: Path) -> bool:
    try:
        os.stat(folder)
    except OSError:
        return False
    return True


def put_back(card: Path, device: str) -> None:
    subprocess.run(["umount", "-l", str(card)], capture_output=True)
    eventually(lambda: not subprocess.run(["mount.exfat-fuse", device, str(card)], capture_output=True).returncode,
               "the card mounted again")


def index_doing(library: Library, action: Callable[[], None]) -> None:
    """Embed the library's photos one at a time, as the app's worker does, doing `action` once the first
    batch is stored (Library.index looks for drives gone as it ends: see the last test)."""
    done: list[bool] = []

    def progress(p: Progress) -> None:
        if p.done and not done:
            done.append(True)
            action()

    library.scan()
    library.embed(library.pending(), progress=progress, workers=0)
    assert done, "indexing ended before its first batch was stored"


def renamed_in_case_only(photo: Path, what: str) -> Path:
    """Rename `photo`, or its folder, changing only the case of the name; where the photo is then."""
    if what == "the photo":
        return photo.rename(photo.with_name("Img_0000.jpg"))
    os.rename(photo.parent, photo.parent.with_name("100test"))  # mv refuses a case-only rename on exfat-fuse
    return photo.parent.with_name("100test") / photo.name


@pytest.mark.parametrize("what", ["the photo", "its folder"])
def test_a_photo_renamed_in_case_only_on_a_card_is_one_photo_with_its_tag_under_its_new_name(
    open_library, memory_card: Path, what: str,
) -> None:
    """exFAT opens "IMG_0000.JPG" for "Img_0000.jpg", and "100TEST/…" once the folder is "100test": the old
    path still seemed there, so the library counted the photo twice, the tag stayed on the old path, and
    `duplicates --trash` offered the only file."""
    photo, _ = card_of_photos(memory_card, 2)
    library = open_library()
    library.index([memory_card])
    pid = library.photo_at(photo).id
    library.add_tag([pid], "mum")
    renamed = renamed_in_case_only(photo, what)

    library.index()

    assert library.status().counts.total == 2
    assert library.catalog.photo_by_path(photo) is None
    assert library.tagged("mum") == [pid] and library.catalog.photo(pid).path == renamed


@pytest.mark.parametrize("what", ["the photo", "its folder"])
def test_a_photo_renamed_in_case_only_on_a_watched_card_is_one_photo_with_its_tag_under_its_new_name(
    open_library, memory_card: Path, watching, what: str,
) -> None:
    photo, _ = card_of_photos(memory_card, 2)
    library = open_library()
    library.add_root(memory_card)
    worker = watching(library)
    pid = library.photo_at(photo).id
    library.add_tag([pid], "mum")
    renamed = renamed_in_case_only(photo, what)

    eventually(lambda: library.catalog.photo(pid).path == renamed, "the photo under its new name")
    assert worker.wait_idle(TIMEOUT)  # the old path, looked at again once it settled
    assert library.status().counts.total == 2 and library.catalog.photo_by_path(photo) is None
    assert library.tagged("mum") == [pid]


def test_photos_that_failed_while_the_card_was_pulled_out_are_indexed_once_it_is_back(
    open_library, memory_card: Path,
) -> None:
    card_of_photos(memory_card, 12)
    device = device_of(memory_card)
    library = open_library()
    library.add_root(memory_card)
    index_doing(library, lambda: pull_out(memory_card))
    failures = library.status().failures
    assert failures and {reason for _, reason in failures} <= {
        "cannot read file (Transport endpoint is not connected)",
        "cannot read file (Software caused connection abort)",  # what FUSE answers a read the killed process had
    }

    put_back(memory_card, device)
    report = library.index()

    assert report.failed == 0 and library.status().counts.indexed == 12


@pytest.mark.parametrize("noticed", ["by a scan", "by indexing, as it ends"])
@pytest.mark.parametrize("how", ["unmounted", "pulled out"])
def test_photos_of_a_card_gone_while_it_was_indexed_wait_for_it_as_offline_photos_not_failures(
    open_library, memory_card: Path, how: str, noticed: str,
) -> None:
    """`umount -l` mid-run failed each photo left "file not found (moved or deleted)"; a card pulled out, "cannot
    read file (Transport endpoint is not connected)"; and the scan that found the card gone kept them failed."""
    card_of_photos(memory_card, 12)
    device = device_of(memory_card)
    library = open_library()
    library.add_root(memory_card)
    if how == "unmounted":
        index_doing(library, lambda: subprocess.run(["umount", "-l", str(memory_card)], check=True))
    else:
        index_doing(library, lambda: pull_out(memory_card))
    assert library.status().counts.failed

    if noticed == "by a scan":
        library.scan()
    else:
        assert [root.path for root in went_offline(library.catalog, library.catalog.roots())] == [memory_card]

    status = library.status()
    assert not status.roots[0].online and status.counts.failed == 0 and status.counts.total == 12
    put_back(memory_card, device)
    assert library.index().failed == 0 and library.status().counts.indexed == 12


def test_indexing_a_card_unmounted_meanwhile_reports_it_offline_and_no_failures(
    open_library, memory_card: Path,
) -> None:
    """It said "indexed 0 photos, 0 failed" and status then listed every photo "file not found"."""
    card_of_photos(memory_card, 12)
    library = open_library()
    library.add_root(memory_card)
    done: list[bool] = []

    def unmount_once(p: Progress) -> None:
        if p.done and not done:
            done.append(True)
            subprocess.run(["umount", "-l", str(memory_card)], check=True)

    report = library.index(progress=unmount_once, workers=0)

    assert done and report.failed == 0 and report.offline == (memory_card,)
    assert library.status().counts.failed == 0


def test_adding_a_card_pulled_out_says_to_plug_it_in(open_library, memory_card: Path) -> None:
    """pathlib raised "[Errno 107] Transport endpoint is not connected" at the user."""
    card_of_photos(memory_card, 1)
    library = open_library()
    pull_out(memory_card)
    with pytest.raises(LibraryError, match=r"^cannot open .*CARD \(Transport endpoint is not connected\); plug its"):
        library.add_root(memory_card)


def test_indexing_a_card_of_the_library_pulled_out_says_it_is_offline(open_library, memory_card: Path) -> None:
    card_of_photos(memory_card, 2)
    library = open_library()
    library.index([memory_card])
    pull_out(memory_card)

    report = library.index([memory_card])

    assert report.offline == (memory_card,) and library.status().counts.total == 2


def test_a_card_folder_kept_in_the_case_it_was_typed_stays_one_folder_however_it_is_typed_again(
    open_library, memory_card: Path,
) -> None:
    """A library made before folders were looked up as listed kept "CARD/dcim" as typed, for the card's DCIM:
    `index CARD/dcim` then added "CARD/DCIM" as a second folder, each photo was counted twice and `duplicates
    --trash --yes` trashed the only files; `remove CARD/dcim`, as status lists it, was "not a folder of this
    library"."""
    card_of_photos(memory_card, 2)
    typed = memory_card / "dcim"
    library = open_library()
    library.catalog.add_root(typed)
    library.index()

    library.index([typed])
    library.index([memory_card / "DCIM"])
    library.index([memory_card / "DCIM" / "100test"])

    assert [root.path for root in library.roots()] == [typed]
    assert library.status().counts.total == 2 and library.duplicates() == []
    assert library.remove_root(typed) == 2 and library.roots() == []
