"""Copies of photos in a folder the user picked: bytes and dates kept, nothing overwritten,
a photo that cannot be copied reported and the rest copied."""

from __future__ import annotations

import contextlib
import os
import shutil
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest

from photoclip.export import copy_photos, windows_name
from tests.helpers import within, write_photo
from tests.test_scan import blocking_file  # noqa: F401 - a fixture


def test_copies_keep_the_bytes_and_dates_and_leave_the_originals(tmp_path: Path) -> None:
    a = write_photo(tmp_path / "photos" / "a.jpg", seed=1)
    os.utime(a, (1_600_000_000, 1_600_000_000))
    report = copy_photos([a], tmp_path / "out" / "new folder")
    assert report.copied == [tmp_path / "out" / "new folder" / "a.jpg"] and report.failed == []
    copy = report.copied[0]
    assert copy.read_bytes() == a.read_bytes() and copy.stat().st_mtime == 1_600_000_000
    assert a.exists()


def test_a_name_already_taken_gets_a_number_nothing_is_overwritten_and_nothing_copied_twice(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "IMG_1.jpg").write_bytes(b"the user's own file")
    first = write_photo(tmp_path / "2023" / "IMG_1.jpg", seed=1)
    second = write_photo(tmp_path / "2024" / "IMG_1.jpg", seed=2)
    report = copy_photos([first, second], out)
    assert [p.name for p in report.copied] == ["IMG_1 (2).jpg", "IMG_1 (3).jpg"]
    assert (out / "IMG_1.jpg").read_bytes() == b"the user's own file"
    assert (out / "IMG_1 (3).jpg").read_bytes() == second.read_bytes()

    again = copy_photos([second, first], out)  # copied before: not a second time
    assert again.copied == [] and again.already == [second, first] and again.failed == []
    assert sorted(p.name for p in out.iterdir()) == ["IMG_1 (2).jpg", "IMG_1 (3).jpg", "IMG_1.jpg"]


def test_a_photo_that_is_gone_is_reported_and_the_others_are_copied(tmp_path: Path) -> None:
    gone = tmp_path / "photos" / "gone.jpg"
    kept = write_photo(tmp_path / "photos" / "kept.jpg", seed=3)
    report = copy_photos([gone, kept], tmp_path / "out")
    assert [p.name for p in report.copied] == ["kept.jpg"]
    assert report.failed == [(gone, "No such file or directory")]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["kept.jpg"]


def test_a_folder_that_cannot_be_made_raises(tmp_path: Path) -> None:
    photo = write_photo(tmp_path / "a.jpg", seed=1)
    with pytest.raises(OSError):
        copy_photos([photo], photo / "out")  # below a file


def test_a_photo_swapped_for_a_file_whose_read_never_returns_is_reported_not_waited_on(
    tmp_path: Path, blocking_file
) -> None:
    good = write_photo(tmp_path / "photos" / "a.jpg", seed=1)
    stuck = blocking_file(tmp_path / "photos" / "b.jpg")

    report = within(10, copy_photos, [stuck, good], tmp_path / "out")

    assert tmp_path / "out" / "a.jpg" in report.copied  # and the copy of the other came back at once


def test_a_copy_onto_a_memory_card_gets_a_name_the_card_holds(tmp_path: Path, memory_card: Path) -> None:
    """`search … --copy-to` onto an exFAT card said "not copied: …/Party: 2019.jpg: No such file or
    directory" of 7 photos of 10, blaming the photo: exfat-fuse refuses such names so."""
    names = ["Party: 2019.jpg", "what?.jpg", "a*b.jpg", 'say "cheese".jpg', "trip. .jpg", "plain.jpg"]
    sources = [write_photo(tmp_path / "photos" / name, seed=i) for i, name in enumerate(names)]

    report = copy_photos(sources, memory_card / "export")

    assert report.failed == []
    assert [p.name for p in report.copied] == ["Party_ 2019.jpg", "what_.jpg", "a_b.jpg", "say _cheese_.jpg",
                                               "trip. .jpg", "plain.jpg"]
    assert all(copy.read_bytes() == source.read_bytes() for copy, source in zip(report.copied, sources))
    again = copy_photos(sources, memory_card / "export")
    assert again.copied == [] and again.already == sources


def test_a_name_a_linux_drive_holds_is_kept_as_it_is(tmp_path: Path) -> None:
    sources = [write_photo(tmp_path / "photos" / name, seed=i) for i, name in enumerate(["Party: 2019.jpg", "CON.jpg"])]
    assert [p.name for p in copy_photos(sources, tmp_path / "out").copied] == ["Party: 2019.jpg", "CON.jpg"]


def test_names_alike_but_for_case_or_unicode_form_get_a_number_and_are_made_once(tmp_path: Path) -> None:
    """Exported together onto an NTFS USB drive, "Beach.JPG" and another photo "beach.jpg" were two files
    there, of which Windows opens one; so on any drive, as a folder made here may be carried to one. A Mac
    writes names decomposed: "Été" composed and decomposed are one name to it."""
    composed, decomposed = unicodedata.normalize("NFC", "Été"), unicodedata.normalize("NFD", "Été")
    sources = [write_photo(tmp_path / "photos" / "a" / "Beach.JPG", seed=1),
               write_photo(tmp_path / "photos" / "b" / "beach.jpg", seed=2),
               write_photo(tmp_path / "photos" / "a" / f"{composed}.jpg", seed=3),
               write_photo(tmp_path / "photos" / "b" / f"{decomposed}.jpg", seed=4)]
    out = tmp_path / "out"
    out.mkdir()
    (out / f"{composed.upper()}.JPG").write_bytes(b"the user's own file")

    report = copy_photos(sources, out)

    assert [p.name for p in report.copied] == ["Beach.JPG", "beach (2).jpg", f"{composed} (2).jpg",
                                               f"{decomposed} (3).jpg"]
    assert all(copy.read_bytes() == source.read_bytes() for copy, source in zip(report.copied, sources))
    listed = os.listdir(out)
    assert len({unicodedata.normalize("NFC", name).casefold() for name in listed}) == len(listed) == 5

    again = copy_photos(sources[::-1], out)
    assert again.copied == [] and again.already == sources[::-1] and sorted(os.listdir(out)) == sorted(listed)

    earlier = tmp_path / "made before"  # both names, as they were made before this rule: found there all the same
    earlier.mkdir()
    for source in sources[:2]:
        shutil.copy2(source, earlier / source.name)
    assert copy_photos(sources[:2], earlier).already == sources[:2]
    assert sorted(os.listdir(earlier)) == ["Beach.JPG", "beach.jpg"]


def test_on_an_ntfs_drive_windows_opens_each_of_names_alike_but_for_case(
        tmp_path: Path, ntfs_drive: Callable[..., Path]) -> None:
    sources = [write_photo(tmp_path / "photos" / "a" / "Beach.JPG", seed=1),
               write_photo(tmp_path / "photos" / "b" / "beach.jpg", seed=2)]
    report = copy_photos(sources, ntfs_drive("ntfs-3g") / "Export")
    assert report.failed == [] and len(report.copied) == 2

    as_windows = ntfs_drive("lowntfs-3g", "-o", "ignore_case") / "Export"
    listed = os.listdir(as_windows)
    assert len(set(listed)) == len(listed) == 2
    assert {(as_windows / name).read_bytes() for name in listed} == {source.read_bytes() for source in sources}


DEVICE_NAMES = [("CON.jpg", "CON_.jpg"), ("nul.JPG", "nul_.JPG"), ("com1.jpeg", "com1_.jpeg"),
                ("aux.tar.jpg", "aux_.tar.jpg"), ("Lpt9 .jpg", "Lpt9 _.jpg"), ("PRN. ", "PRN_"),
                ("COM\u00b9.jpg", "COM\u00b9_.jpg"), ("CON:1.jpg", "CON_1.jpg"), ("console.jpg", "console.jpg"),
                ("COM10.jpg", "COM10.jpg"), ("nul (2).jpg", "nul (2).jpg")]
"""Names Windows gives its devices, in any case, with any extension (the part before the first dot), and
names like them that are a file's."""


def test_a_device_name_windows_reserves_is_not_a_name_windows_gives_a_file() -> None:
    assert [windows_name(name) for name, _ in DEVICE_NAMES] == [held for _, held in DEVICE_NAMES]


def test_a_device_name_on_an_ntfs_drive_gets_a_name_windows_opens(
        tmp_path: Path, ntfs_drive: Callable[..., Path]) -> None:
    """ntfs-3g with windows_names refused "CON.jpg" ("the drive does not take that name"): the photo was
    not copied; a plain ntfs-3g wrote it, and Windows opens the console for it."""
    sources = [write_photo(tmp_path / "photos" / name, seed=i) for i, (name, _) in enumerate(DEVICE_NAMES)]
    drive = ntfs_drive("ntfs-3g", "-o", "windows_names")

    report = copy_photos(sources, drive / "export")

    assert report.failed == [] and [p.name for p in report.copied] == [held for _, held in DEVICE_NAMES]
    assert all(copy.read_bytes() == source.read_bytes() for copy, source in zip(report.copied, sources))
    again = copy_photos(sources, drive / "export")
    assert again.copied == [] and again.already == sources


def test_a_copy_the_card_cannot_take_names_the_copy_and_why(tmp_path: Path, memory_card: Path) -> None:
    """Where the copy fails, the line names where it was to go and why, not the photo as "No such file"."""
    source = write_photo(tmp_path / "photos" / "IMG_0001.jpg", seed=1)
    (memory_card / "export").mkdir()
    for chunk in (1 << 20, 1 << 12):  # the card full to its last cluster
        with contextlib.suppress(OSError), (memory_card / f"filler {chunk}").open("wb") as filler:
            while True:
                filler.write(bytes(chunk))
                filler.flush()

    report = copy_photos([source], memory_card / "export")

    assert report.copied == [] and report.failed == [
        (source, f"cannot write {memory_card / 'export' / 'IMG_0001.jpg'}: No space left on device")]
    assert os.listdir(memory_card / "export") == []
