"""Copies of photos in a folder the user picked: bytes and dates kept, nothing overwritten,
a photo that cannot be copied reported and the rest copied."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from photoclip.export import copy_photos
from tests.helpers import write_photo
from tests.test_scan import blocking_file, within  # noqa: F401 - a fixture


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
