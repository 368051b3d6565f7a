from __future__ import annotations

import threading
import time
from pathlib import Path

from photoclip import folder_probe
from photoclip.folder_probe import Listing
from tests.conftest import HangingShare
from tests.helpers import within, write_photo


def test_a_folder_with_files_an_empty_one_and_one_not_there_are_told_apart(tmp_path: Path) -> None:
    write_photo(tmp_path / "full" / "a.jpg", seed=1)
    (tmp_path / "empty").mkdir()
    found = folder_probe.listings([tmp_path / "full", tmp_path / "empty", tmp_path / "missing"])
    assert found == {tmp_path / "full": Listing.ENTRIES, tmp_path / "empty": Listing.EMPTY,
                     tmp_path / "missing": Listing.UNREADABLE}
    assert folder_probe.answers(tmp_path / "full" / "a.jpg")
    assert not folder_probe.silent(tmp_path / "full" / "a.jpg")


def test_a_share_that_hangs_is_silent_once_its_time_is_up_then_at_once(hanging_share: HangingShare) -> None:
    write_photo(hanging_share.folder / "a.jpg", seed=1)
    photo = hanging_share.folder / "a.jpg"
    hanging_share.hang()
    started = time.monotonic()
    assert within(10, lambda: folder_probe.listing(hanging_share.folder)) is Listing.SILENT
    assert 0.9 <= time.monotonic() - started < 5
    assert folder_probe.silent(photo) and folder_probe.silent(hanging_share.folder)
    started = time.monotonic()
    assert within(10, lambda: folder_probe.answers(photo)) is False
    assert time.monotonic() - started < 0.5  # the look given up on is not waited for again
    assert not folder_probe.silent(hanging_share.folder.parent)


def test_a_share_that_hangs_holds_one_thread_however_often_it_is_asked(hanging_share: HangingShare) -> None:
    hanging_share.hang()
    for _ in range(5):
        assert within(10, lambda: folder_probe.listing(hanging_share.folder, wait=0.2)) is Listing.SILENT
    assert sum(thread.name == "folder probe" for thread in threading.enumerate()) == 1


def test_a_share_that_answers_again_is_no_longer_silent(hanging_share: HangingShare) -> None:
    write_photo(hanging_share.folder / "a.jpg", seed=1)
    hanging_share.hang()
    assert within(10, lambda: folder_probe.listing(hanging_share.folder)) is Listing.SILENT
    hanging_share.answer()
    assert not folder_probe.silent(hanging_share.folder / "a.jpg")
    assert folder_probe.listing(hanging_share.folder) is Listing.ENTRIES


def test_a_look_cut_short_by_cancel_says_silent_at_once_but_is_not_given_up_on(
    hanging_share: HangingShare, monkeypatch
) -> None:
    """Stopping an indexing run (Ctrl-C, Pause) while a share's look waited took the look's ten seconds."""
    monkeypatch.setattr(folder_probe, "ANSWER_SECONDS", 10.0)
    hanging_share.hang()
    cancel = threading.Event()
    threading.Timer(0.3, cancel.set).start()
    started = time.monotonic()
    assert within(10, lambda: folder_probe.listing(hanging_share.folder, cancel=cancel)) is Listing.SILENT
    assert time.monotonic() - started < 1.5
    assert not folder_probe.silent(hanging_share.folder)
