"""First run, adding a folder, and live indexing progress in the status bar (real worker)."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog

from photoclip.gui import statusbar
from tests.gui_support import WAIT_MS, broken_jpeg, make_window, red_circle_folder  # noqa: F401
from tests.helpers import located_photo


def failures_listed(monkeypatch) -> list[tuple[str, list[tuple[str, str]]]]:
    """What each failures dialog opened says while it is open (it is freed once closed): its
    intro and its rows (file, reason); shown without waiting for the user."""
    shown: list[tuple[str, list[tuple[str, str]]]] = []

    def read(dialog: statusbar.FailuresDialog) -> int:
        table = dialog.table
        shown.append((dialog.intro.text(), [(table.item(row, 0).text(), table.item(row, 1).text())
                                            for row in range(table.rowCount())]))
        return 0

    monkeypatch.setattr(statusbar.FailuresDialog, "exec", read)
    return shown


def test_first_run_welcomes_then_adding_a_folder_indexes_it_with_live_progress(
    qtbot, make_window, open_library, tmp_path: Path, monkeypatch
) -> None:
    folder = tmp_path / "Holidays"
    red_circle_folder(folder, with_red_circle=6, without=18)
    broken_jpeg(folder / "broken.jpg")
    window = make_window(open_library(), worker=True)
    assert window.pages.currentWidget() is window.welcome
    assert window.welcome.add_button.isEnabled()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None, timeout=WAIT_MS)
    assert QApplication.focusWidget() is window.welcome.add_button  # nothing to search yet: Enter adds a folder

    progress = []
    window.bridge.progress.connect(progress.append)
    labels: list[str] = []
    window.bridge.progress.connect(lambda _event: labels.append(window.index_status.label.text()))
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *args, **kwargs: str(folder))
    qtbot.mouseClick(window.welcome.add_button, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: window.pages.currentWidget() is not window.welcome, timeout=WAIT_MS)
    assert QApplication.focusWidget() is window.search_field  # photos are coming: typing searches them
    qtbot.waitUntil(lambda: bool(progress) and progress[-1].done == progress[-1].total == 25, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: not window.index_status.running and window.model.rowCount() == 24, timeout=WAIT_MS)
    # the file that cannot be read is no photo: once it failed, the line counts it out, as the grid does
    assert labels[-1].startswith("Indexing 24 of 24 photos"), labels
    assert [p.done for p in progress] == sorted(p.done for p in progress)
    qtbot.waitUntil(lambda: window.index_status.label.text() == "24 photos indexed", timeout=WAIT_MS)
    assert [item.text(0) for item in window.sidebar.folder_items()] == ["Holidays"]

    # the failure is counted, and a click lists it with its reason
    assert window.index_status.failures_button.isVisible()
    assert window.index_status.failures_button.text() == "1 failed"
    window.statusBar().showMessage("1 photo tagged “triangles”.", 8000)  # a one-off message hid it for 8 s
    assert window.index_status.failures_button.isVisible()
    shown = failures_listed(monkeypatch)
    qtbot.mouseClick(window.index_status.failures_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(shown), timeout=WAIT_MS)
    intro, rows = shown[0]
    assert len(rows) == 1
    assert rows[0][0] == str(folder / "broken.jpg")
    assert rows[0][1]
    assert intro.startswith("1 file could not be read. It is skipped, not deleted; photoclip tries again when it "
                            "changes.")


def test_pause_stops_indexing_and_resume_finishes_it(qtbot, make_window, open_library, tmp_path: Path) -> None:
    folder = tmp_path / "photos"
    red_circle_folder(folder, with_red_circle=4, without=36, seed=3)
    window = make_window(open_library(), worker=True)
    progress = []
    window.bridge.progress.connect(progress.append)
    window.worker.pause()  # paused before the folder arrives: it is scanned, but nothing embedded
    window.add_folder(folder)
    qtbot.waitUntil(lambda: bool(progress) and progress[-1].paused, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: window.status.counts.total == 40 and window.model.rowCount() == 40, timeout=WAIT_MS)
    assert "aused" in window.index_status.label.text()
    assert window.index_status.pause_button.isVisible()
    assert window.index_status.pause_button.toolTip() == "Resume indexing"
    qtbot.wait(300)
    assert window.status.counts.indexed == 0 and all(p.done == 0 for p in progress)

    qtbot.mouseClick(window.index_status.pause_button, Qt.MouseButton.LeftButton)
    assert not window.worker.paused
    qtbot.waitUntil(lambda: progress[-1].done == 40 and not window.index_status.running, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: window.index_status.label.text() == "40 photos indexed", timeout=WAIT_MS)


def test_pausing_as_indexing_ends_then_resuming_says_what_is_indexed_again(
    qtbot, make_window, open_library, tmp_path: Path
) -> None:
    """Paused at the last photo (the button still shown), then resumed: the status bar was left
    blank, the failures link gone, until the next run."""
    folder = tmp_path / "photos"
    red_circle_folder(folder, with_red_circle=2, without=4, seed=5)
    broken_jpeg(folder / "broken.jpg")
    library = open_library()
    library.index([folder])
    window = make_window(library, worker=True)
    qtbot.waitUntil(lambda: window.index_status.label.text() == "6 photos indexed", timeout=WAIT_MS)
    progress = []
    window.bridge.progress.connect(progress.append)
    window.index_status.set_progress(6, 6, 1, 20.0, 0.0, paused=False)  # the last report of a run, as it ends

    qtbot.mouseClick(window.index_status.pause_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(progress) and progress[-1].paused, timeout=WAIT_MS)
    qtbot.mouseClick(window.index_status.pause_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not progress[-1].paused, timeout=WAIT_MS)

    qtbot.waitUntil(lambda: window.index_status.label.text() == "6 photos indexed", timeout=WAIT_MS)
    assert window.index_status.failures_button.isVisible() and window.index_status.failures_button.text() == "1 failed"
    assert not window.index_status.pause_button.isVisible()


def test_while_indexing_the_failures_button_still_counts_the_librarys(
    qtbot, make_window, open_library, tmp_path: Path
) -> None:
    """Not only this run's (it showed none, then jumped to the library's count at the end)."""
    old = tmp_path / "old"
    red_circle_folder(old, with_red_circle=1, without=2)
    broken_jpeg(old / "broken.jpg")
    library = open_library()
    library.index([old])
    window = make_window(library, worker=True)
    button = window.index_status.failures_button
    qtbot.waitUntil(lambda: button.isVisible() and button.text() == "1 failed", timeout=WAIT_MS)
    progress = []
    window.bridge.progress.connect(progress.append)
    window.worker.pause()
    red_circle_folder(tmp_path / "new", with_red_circle=1, without=5, seed=4)
    window.add_folder(tmp_path / "new")
    qtbot.waitUntil(lambda: bool(progress) and progress[-1].paused and window.index_status.running, timeout=WAIT_MS)
    assert button.isVisible() and button.text() == "1 failed"


def test_first_run_offers_the_users_pictures_folder_in_one_click(
    qtbot, make_window, open_library, tmp_path: Path, monkeypatch
) -> None:
    home = tmp_path / "home"
    red_circle_folder(home / "Pictures", with_red_circle=2, without=4)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    window = make_window(open_library(), worker=True)
    button = window.welcome.pictures_button
    assert window.pages.currentWidget() is window.welcome
    assert button.isVisible() and button.text().strip() == "Add ~/Pictures"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.model.rowCount() == 6 and not window.index_status.running, timeout=WAIT_MS)
    assert [item.text(0) for item in window.sidebar.folder_items()] == ["Pictures"]


def test_without_a_pictures_folder_only_the_folder_picker_is_offered(qtbot, tmp_path: Path) -> None:
    from photoclip.gui.welcome import WelcomePanel

    panel = WelcomePanel(pictures=tmp_path / "no such folder")
    qtbot.addWidget(panel)
    panel.show()
    assert panel.add_button.isVisible() and not panel.pictures_button.isVisible()


def test_folders_the_last_scan_could_not_read_are_counted_and_listed(
    qtbot, make_window, open_library, tmp_path: Path, monkeypatch
) -> None:
    folder = tmp_path / "photos"
    red_circle_folder(folder, with_red_circle=1, without=2, seed=5)
    os.symlink(folder / "loopB.jpg", folder / "loopA.jpg")
    os.symlink(folder / "loopA.jpg", folder / "loopB.jpg")
    library = open_library()
    library.index([folder])
    window = make_window(library)
    qtbot.waitUntil(lambda: window.index_status.failures_button.isVisible(), timeout=WAIT_MS)
    assert window.index_status.failures_button.text() == "2 unreadable"
    shown = failures_listed(monkeypatch)
    qtbot.mouseClick(window.index_status.failures_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(shown), timeout=WAIT_MS)
    intro, rows = shown[0]
    assert [path for path, _reason in rows] == [str(folder / "loopA.jpg"), str(folder / "loopB.jpg")]
    assert rows[0][1] == "cannot be read: a symbolic link loop"
    assert intro == "2 folders or files cannot be read: the photos in them are left out until photoclip can read them."


def test_a_run_that_starts_takes_the_place_of_a_passing_message(qtbot, make_window, open_library, tmp_path: Path):
    """A message shown for seconds hid the progress and the pause button of a run started meanwhile."""
    folder = tmp_path / "photos"
    red_circle_folder(folder, with_red_circle=4, without=12, seed=5)
    window = make_window(open_library(), worker=True)
    progress = []
    window.bridge.progress.connect(progress.append)
    window.statusBar().showMessage("No photo matches “Stars” well enough to be tagged so.", 15000)
    window.add_folder(folder)
    qtbot.waitUntil(lambda: bool(progress), timeout=WAIT_MS)
    assert window.statusBar().currentMessage() == "" and window.index_status.isVisible()


def test_while_indexing_every_count_says_the_same_number_of_photos(
    qtbot, make_window, open_library, tmp_path: Path, monkeypatch
) -> None:
    """The status bar's "Indexing 7 of 25 photos" counted a file that could not be read beside
    "24 photos" and "1 failed"; the count and the grid's header said 0 photos for a second
    after the folder's photos were found (a second more each time the worker spoke), and the
    status bar went blank, its failures link gone, as the run ended. A file that cannot be read
    is no photo anywhere; the photos found show at once, however long the refresh interval."""
    from photoclip.gui import main_window

    monkeypatch.setattr(main_window, "REFRESH_DELAY_MS", 60_000)  # only the worker's events can refresh now
    folder = tmp_path / "photos"
    red_circle_folder(folder, with_red_circle=4, without=20, seed=9)
    broken_jpeg(folder / "broken.jpg")
    window = make_window(open_library(), worker=True)
    window.worker.pause()  # found, not embedded yet
    window.add_folder(folder)

    def counts_say(found: int) -> bool:
        return (window.count_label.text().startswith(f"{found} photos  ·")
                and window.subtitle_label.text() == f"{found} photos, newest first"
                and window.model.rowCount() == found)

    qtbot.waitUntil(lambda: counts_say(25), timeout=WAIT_MS)
    samples: list[tuple[str, str, str, str]] = []
    window.bridge.progress.connect(lambda event: event.paused or samples.append((
        window.index_status.label.text(), window.count_label.text(), window.subtitle_label.text(),
        window.index_status.failures_button.text() if window.index_status.failures_button.isVisible() else "")))
    at_idle: list[tuple[str, str]] = []
    window.bridge.idle.connect(lambda: at_idle.append((
        window.index_status.label.text(),
        window.index_status.failures_button.text() if window.index_status.failures_button.isVisible() else "")))
    window.worker.resume()
    qtbot.waitUntil(lambda: bool(at_idle), timeout=WAIT_MS)

    assert samples
    for label, count, subtitle, failures in samples:  # the window's numbers as each report came
        photos = int(label.split(" of ")[1].split(" photos")[0])
        failed = int(failures.split(" failed")[0]) if failures else 0
        assert photos + failed == 25, (label, failures)
        assert count.startswith(f"{photos} photos  ·") and subtitle == f"{photos} photos, newest first", (label, count)
    assert samples[-1][0].startswith("Indexing 24 of 24 photos") and samples[-1][3] == "1 failed", samples[-1]
    assert at_idle[0][0] and at_idle[0][1] == "1 failed", at_idle  # not blank while the counts are read again
    qtbot.waitUntil(lambda: window.index_status.label.text() == "24 photos indexed" and counts_say(24),
                    timeout=WAIT_MS)
    assert window.index_status.failures_button.text() == "1 failed"


def test_a_long_run_lists_the_places_of_the_photos_indexed_so_far(
    qtbot, make_window, open_library, tmp_path: Path, monkeypatch
) -> None:
    """The first run of a big library takes an hour: its countries must not wait for the end."""
    from photoclip.gui import main_window
    from photoclip.worker import IndexProgress

    folder = tmp_path / "photos"
    located_photo(folder / "home.jpg", 1, None, "2021:01:01 10:00:00")
    library = open_library()
    library.index([folder])
    window = make_window(library)
    window._on_progress(IndexProgress(done=10, total=3000, failed=0, rate=30.0, eta_s=99.0, current=None,
                                      paused=False))
    located_photo(folder / "lisbon.jpg", 2, (38.72, -9.14), "2021:02:01 10:00:00")
    library.index([folder])
    monkeypatch.setattr(main_window, "SIDEBAR_REFRESH_S", 0.0)
    window._refresh_after_changes()
    qtbot.waitUntil(lambda: [item.text(0) for item in window.sidebar.place_items()] == ["Portugal"], timeout=WAIT_MS)
    assert window.index_status.running


def test_the_status_bar_says_what_the_folders_hold_that_is_not_indexed(
    qtbot, make_window, open_library, tmp_path: Path
) -> None:
    """A camera roll's videos and a Photoshop document were never mentioned in the app."""
    folder = tmp_path / "photos"
    red_circle_folder(folder, with_red_circle=2, without=4, seed=5)
    for name in ("IMG_1234.MOV", "VID_20230704.mp4"):
        (folder / name).write_bytes(b"\x00\x00\x00\x18ftypqt  ")
    (folder / "retouch.psd").write_bytes(b"8BPS\x00\x01")
    library = open_library()
    library.index([folder])
    window = make_window(library, worker=True)
    window.resize(1600, 900)
    qtbot.waitUntil(lambda: window.index_status.label.text() == "6 photos indexed  ·  2 videos and 1 image of other "
                    "formats not indexed", timeout=WAIT_MS)


def test_a_folder_of_only_videos_says_why_the_library_is_empty(
    qtbot, make_window, open_library, tmp_path: Path
) -> None:
    """The app said "No photos yet. Add a folder of photos…" of a folder already added, holding videos only."""
    folder = tmp_path / "clips"
    folder.mkdir()
    for name in ("VID_1.mp4", "VID_2.mp4", "IMG_1234.MOV"):
        (folder / name).write_bytes(b"\x00\x00\x00\x18ftypqt  ")
    library = open_library()
    library.index([folder])
    window = make_window(library, worker=True)
    qtbot.waitUntil(lambda: window.index_status.label.text() == "0 photos indexed  ·  3 videos not indexed"
                    and window.grid.empty_state()[1] != "", timeout=WAIT_MS)  # blank while a page is on its way
    _, title, said = window.grid.empty_state()
    assert title == "No photos in your folders" and said.startswith("They hold 3 videos, which photoclip does not")
