"""Folders in the sidebar: offline ones shown as such, browsing one folder, removing one."""

from __future__ import annotations

import shutil
from pathlib import Path

from PySide6.QtWidgets import QTreeWidgetItem

from photoclip import folder_probe
from photoclip.gui import theme
from photoclip.gui.grid import MarkRole
from photoclip.gui.main_window import MainWindow
from photoclip.gui.sidebar import OnlineRole
from photoclip.library import Library
from tests.conftest import HangingShare
from tests.gui_support import (  # noqa: F401
    WAIT_MS,
    answer_questions,
    make_window,
    red_circle_folder,
    settled,
)


def folder_item(window: MainWindow, name: str) -> QTreeWidgetItem | None:
    """The sidebar's entry of the folder `name`, as it is shown or with its state ("usb-drive (offline)")."""
    return next((i for i in window.sidebar.folder_items() if i.text(0) == name or i.text(0).startswith(f"{name} (")),
                None)


def offline_item(qtbot, window: MainWindow, name: str) -> QTreeWidgetItem:
    """The entry of the folder `name` once the worker found it offline, and is done: the sidebar is not
    rebuilt under the test's clicks."""
    qtbot.waitUntil(lambda: (item := folder_item(window, name)) is not None and item.data(0, OnlineRole) is False
                    and not window.worker.busy, timeout=WAIT_MS)
    return folder_item(window, name)


def test_an_unplugged_folder_is_shown_offline_and_keeps_its_photos(
    qtbot, make_window, open_library, tmp_path: Path
) -> None:
    drive, home = tmp_path / "media" / "usb-drive", tmp_path / "home"
    red_circle_folder(drive, with_red_circle=2, without=4, seed=1)
    red_circle_folder(home, with_red_circle=2, without=2, seed=2)
    library = open_library()
    library.index([drive, home])
    drive.rename(tmp_path / "unplugged")  # what was mounted is gone; where it was mounted stays, empty
    window = make_window(library, worker=True)  # the worker's start-up scan finds the drive gone

    item = offline_item(qtbot, window, "usb-drive")
    assert item.text(0) == "usb-drive (offline)"
    assert item.foreground(0).color().name() == theme.colours().offline
    assert "Offline" in item.toolTip(0)
    home_item = next(i for i in window.sidebar.folder_items() if i.text(0) == "home")
    assert home_item.foreground(0).color().name() != theme.colours().offline

    window.sidebar.tree.setCurrentItem(item)
    qtbot.waitUntil(lambda: window.view.kind == "folder" and settled(window) and window.model.rowCount() == 6,
                    timeout=WAIT_MS)
    assert window.subtitle_label.text().endswith("offline")
    assert window.folder_banner.isVisible() and window.folder_banner.text.text() == (
        "“usb-drive” is not connected: its photos, tags and albums are kept, and searches still find them; plug it "
        "in to see the photos.")
    assert window.folder_banner.button_labels() == []
    qtbot.waitUntil(lambda: [window.model.index(row, 0).data(MarkRole) for row in range(6)] == ["missing"] * 6,
                    timeout=WAIT_MS)  # a photo not at hand, not a broken file
    window.open_preview(window.model.index(0, 0))
    qtbot.waitUntil(lambda: window.preview.canvas.message not in ("", "Loading…"), timeout=WAIT_MS)
    assert window.preview.canvas.message == (
        "Its folder usb-drive is offline (an unplugged drive?): plug it in to see this photo.")
    window.escape()
    window.sidebar.tree.setCurrentItem(home_item)
    qtbot.waitUntil(lambda: window.view.kind == "folder" and settled(window) and window.model.rowCount() == 4,
                    timeout=WAIT_MS)
    assert window.folder_banner.isHidden() and window._banner_box.isHidden()  # a folder at hand: nothing to say
    window.sidebar.tree.setCurrentItem(window.sidebar.all_photos)
    qtbot.waitUntil(lambda: window.view.kind == "library" and settled(window) and window.model.rowCount() == 10,
                    timeout=WAIT_MS)


def test_a_folder_on_a_share_that_hangs_is_shown_not_answering_and_the_window_goes_on(
    qtbot, make_window, open_library, tmp_path: Path, hanging_share: HangingShare
) -> None:
    """A share whose server went away held the worker's first look, the thumbnails and the preview for
    ever: the window said "No folders yet" and showed nothing of the other folders. Back, its photos
    showed the marks of photos not there until the app was started again."""
    red_circle_folder(hanging_share.folder, with_red_circle=1, without=1, seed=1)
    red_circle_folder(tmp_path / "home", with_red_circle=1, without=1, seed=2)
    library = open_library()
    library.index([hanging_share.folder, tmp_path / "home"])
    hanging_share.hang()
    window = make_window(library, worker=True)

    item = offline_item(qtbot, window, "DRIVE")
    assert item.text(0) == "DRIVE (offline)" and "does not answer (a share whose server is away?)" in item.toolTip(0)
    window.sidebar.tree.setCurrentItem(item)
    qtbot.waitUntil(lambda: window.view.kind == "folder" and settled(window) and window.model.rowCount() == 2,
                    timeout=WAIT_MS)
    assert window.folder_banner.isVisible() and window.folder_banner.text.text() == (
        "“DRIVE” does not answer (a share whose server is away?): its photos, tags and albums are kept, and "
        "searches still find them; they show when it answers again.")
    qtbot.waitUntil(lambda: [window.model.index(row, 0).data(MarkRole) for row in range(2)] == ["missing"] * 2,
                    timeout=WAIT_MS)
    window.open_preview(window.model.index(0, 0))
    qtbot.waitUntil(lambda: window.preview.canvas.message not in ("", "Loading…"), timeout=WAIT_MS)
    assert window.preview.canvas.message == (
        "Its folder DRIVE does not answer (a share whose server is away?): it shows when it does.")
    window.escape()
    home = next(i for i in window.sidebar.folder_items() if i.text(0) == "home")
    window.sidebar.tree.setCurrentItem(home)
    qtbot.waitUntil(lambda: window.view.kind == "folder" and settled(window) and window.model.rowCount() == 2,
                    timeout=WAIT_MS)
    def shown() -> bool:
        return all(window.model.index(row, 0).data(MarkRole) is None
                   and window.loader.pixmap(window.model.photo_id(row)) is not None for row in range(2))

    qtbot.waitUntil(shown, timeout=WAIT_MS)

    hanging_share.answer()  # its photos are shown again, not the marks of photos not there
    qtbot.waitUntil(lambda: folder_item(window, "DRIVE").data(0, OnlineRole) is True, timeout=WAIT_MS)
    window.sidebar.tree.setCurrentItem(folder_item(window, "DRIVE"))
    qtbot.waitUntil(lambda: window.view.kind == "folder" and window.view.root.path == hanging_share.folder
                    and settled(window) and window.model.rowCount() == 2, timeout=WAIT_MS)
    qtbot.waitUntil(shown, timeout=WAIT_MS)


def test_the_folders_are_listed_at_once_while_a_share_keeps_the_first_status_waiting(
    qtbot, open_library, tmp_path: Path, hanging_share: HangingShare, monkeypatch
) -> None:
    """The sidebar said "No folders yet" for the ten seconds the share's first look took to give up; a folder
    inside the library added meanwhile was refused as "already part of the library"."""
    monkeypatch.setattr(folder_probe, "ANSWER_SECONDS", 8.0)
    red_circle_folder(hanging_share.folder / "Trip", with_red_circle=1, without=1, seed=1)
    red_circle_folder(tmp_path / "home", with_red_circle=1, without=1, seed=2)
    (tmp_path / "home" / "2024").mkdir()
    library = open_library()
    library.index([hanging_share.folder, tmp_path / "home"])
    hanging_share.hang()
    window = MainWindow(library, start_worker=True)  # not make_window: it waits for the status
    qtbot.addWidget(window)
    window.show()
    try:
        qtbot.waitUntil(lambda: folder_item(window, "home") is not None and folder_item(window, "DRIVE") is not None,
                        timeout=3000)
        assert window.status is None and window.sidebar._no_folders.isHidden()
        window.add_folder(tmp_path / "home" / "2024")
        assert offline_item(qtbot, window, "DRIVE").text(0) == "DRIVE (offline)"
        assert window.worker.wait_idle(30)
        qtbot.wait(300)  # what the worker said has arrived
        assert window.error_banner.isHidden()
    finally:
        window.shutdown()


def test_the_menu_of_an_album_on_a_share_that_hangs_opens_at_once(
    qtbot, make_window, open_library, hanging_share: HangingShare
) -> None:
    """Whether "Show in file manager" applied was asked of the album's folder on the GUI thread: on a share
    that stopped answering, a right-click on one of its albums froze the window."""
    red_circle_folder(hanging_share.folder / "Trip", with_red_circle=1, without=2, seed=1)
    library = open_library()
    library.index([hanging_share.folder])
    hanging_share.hang()
    window = make_window(library, worker=True)
    offline_item(qtbot, window, "DRIVE")
    qtbot.waitUntil(lambda: bool(window.sidebar.album_items()), timeout=WAIT_MS)

    menu = window.sidebar.menu_for(window.sidebar.album_items()[0])
    shown = {action.objectName(): action.isEnabled() for action in menu.actions() if action.objectName()}
    assert shown == {"show_folder": False, "leave_out": True}


def test_a_deleted_folder_is_shown_not_found_rather_than_offline(
    qtbot, make_window, open_library, tmp_path: Path, monkeypatch
) -> None:
    """Whether the folder was deleted is looked at off the GUI thread: a share that stopped
    answering would freeze the window there."""
    import os
    import threading

    trip, home = tmp_path / "Pictures" / "Trip", tmp_path / "Pictures" / "Home"
    looked_from: list[threading.Thread] = []  # what lists the folder that held it, to see whether it is deleted
    scandir = os.scandir

    def listing(path=".", *args):
        if not isinstance(path, int) and os.fspath(path) == os.fspath(trip.parent):
            looked_from.append(threading.current_thread())
        return scandir(path, *args)

    monkeypatch.setattr(os, "scandir", listing)
    red_circle_folder(trip, with_red_circle=1, without=2, seed=1)
    red_circle_folder(home, with_red_circle=1, without=2, seed=2)
    library = open_library()
    library.index([trip, home])
    shutil.rmtree(trip)
    window = make_window(library, worker=True)

    item = offline_item(qtbot, window, "Trip")
    assert item.text(0) == "Trip (not found)" and "deleted, moved or renamed" in item.toolTip(0)
    window.sidebar.tree.setCurrentItem(item)
    qtbot.waitUntil(lambda: window.view.kind == "folder" and settled(window), timeout=WAIT_MS)
    assert window.subtitle_label.text().endswith("not found")
    assert looked_from and threading.main_thread() not in looked_from


def test_the_page_of_a_folder_not_found_says_so_and_offers_to_remove_it_from_the_library(
    qtbot, make_window, open_library, tmp_path: Path, monkeypatch
) -> None:
    """Faint "(not found)" in the sidebar and placeholders in the grid looked like damaged files:
    the folder's page says what happened and offers the sidebar menu's "Remove from library…"."""
    trip, home = tmp_path / "Pictures" / "Trip", tmp_path / "Pictures" / "Home"
    red_circle_folder(trip, with_red_circle=1, without=2, seed=1)
    red_circle_folder(home, with_red_circle=1, without=2, seed=2)
    library = open_library()
    library.index([trip, home])
    trip.rename(tmp_path / "Pictures" / "Trip 2019")
    window = make_window(library, worker=True)

    window.sidebar.tree.setCurrentItem(offline_item(qtbot, window, "Trip"))
    qtbot.waitUntil(lambda: window.view.kind == "folder" and settled(window) and window.model.rowCount() == 3,
                    timeout=WAIT_MS)
    banner = window.folder_banner
    assert banner.isVisible() and banner.text.text() == (
        "“Trip” is not found: it was deleted, moved or renamed. Its photos stay listed until you remove it from the "
        "library or add the folder where it is now.")
    assert banner.button_labels() == ["Remove from library…"]

    asked = answer_questions(monkeypatch, True)
    banner.click("Remove from library…")
    assert asked == [("Remove “Trip” from the library?\n\nThe photos stay where they are on disk; photoclip only "
                      "forgets them.", "Remove")]  # the sidebar menu's question
    qtbot.waitUntil(lambda: [i.text(0) for i in window.sidebar.folder_items()] == ["Home"], timeout=WAIT_MS)
    assert window.view.kind == "library" and banner.isHidden() and window._banner_box.isHidden()
    assert [root.path for root in library.roots()] == [home.resolve()]


def test_removing_the_last_folder_forgets_its_photos_and_welcomes_again(
    qtbot, make_window, open_library, tmp_path: Path, monkeypatch
) -> None:
    folder = tmp_path / "photos"
    red_circle_folder(folder, with_red_circle=1, without=3)
    library = open_library()
    library.index([folder])
    window = make_window(library, worker=True)
    qtbot.waitUntil(lambda: window.model.rowCount() == 4 and len(window.sidebar.folder_items()) == 1,
                    timeout=WAIT_MS)
    asked = answer_questions(monkeypatch, True)
    window.sidebar.tree.setCurrentItem(window.sidebar.folder_items()[0])
    window.sidebar._remove_current()
    assert asked == [("Remove “photos” from the library?\n\nThe photos stay where they are on disk; photoclip only "
                      "forgets them.", "Remove")]
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.welcome, timeout=WAIT_MS)
    assert window.model.rowCount() == 0
    assert window.sidebar.folder_items() == []
    assert folder.is_dir() and len(list(folder.iterdir())) == 4  # the files are untouched


def test_a_library_whose_folder_cannot_be_written_opens_read_only_and_says_why(
    qtbot, make_window, open_library, tmp_path: Path
) -> None:
    folder = tmp_path / "photos"
    red_circle_folder(folder, with_red_circle=1, without=3)
    writer = open_library(tmp_path / "library")
    writer.index([folder])
    writer.close()
    (tmp_path / "library" / "lock").unlink()
    (tmp_path / "library" / "lock").mkdir()  # no lock can be written there, as on a read-only drive
    reader = Library.open(tmp_path / "library", model="photoclip-tiny", allow_read_only_fallback=True)
    try:
        assert reader.read_only and reader.unwritable
        window = make_window(reader, worker=True)
        qtbot.waitUntil(lambda: window.model.rowCount() == 4, timeout=WAIT_MS)
        assert "folder cannot be written" in window.error_banner.text.text()
        assert "Another photoclip" not in window.error_banner.text.text()
    finally:
        window.shutdown()
        reader.close()


def test_a_window_opened_while_another_photoclip_writes_takes_over_once_it_has_closed(
    qtbot, make_window, open_library, tmp_path: Path
) -> None:
    folder = tmp_path / "photos"
    red_circle_folder(folder, with_red_circle=1, without=3)
    other = open_library(tmp_path / "library")  # a `photoclip index` in a terminal, say
    other.index([folder])
    reader = Library.open(tmp_path / "library", model="photoclip-tiny", allow_read_only_fallback=True)
    window = make_window(reader, worker=True)
    try:
        assert window.library.read_only and window.worker is None
        assert "as soon as the other one closes" in window.error_banner.text.text()
        other.close()
        qtbot.waitUntil(lambda: not window.library.read_only and window.worker is not None, timeout=WAIT_MS)
        assert window.error_banner.isHidden()
        qtbot.waitUntil(lambda: window.model.rowCount() == 4, timeout=WAIT_MS)
    finally:
        window.shutdown()
        reader.close()


def test_ctrl_o_opens_the_folder_picker(qtbot, make_window, open_library, monkeypatch) -> None:
    from PySide6.QtGui import QKeySequence
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication, QFileDialog

    asked: list[str] = []
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *args, **kwargs: asked.append("folder") or "")
    window = make_window(open_library())
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=WAIT_MS)
    QTest.keySequence(window, QKeySequence("Ctrl+O"))
    assert asked == ["folder"]


def test_adding_a_folder_of_the_library_again_says_it_is_there_already(
    qtbot, make_window, open_library, tmp_path: Path
) -> None:
    red_circle_folder(tmp_path / "photos", with_red_circle=1, without=2)
    library = open_library()
    library.index([tmp_path / "photos"])
    window = make_window(library, worker=True)
    qtbot.waitUntil(lambda: window.status is not None and len(window.status.roots) == 1, timeout=WAIT_MS)
    window.add_folder(tmp_path / "photos")
    assert window.statusBar().currentMessage() == (
        "“photos” is in the library already; looking for new or changed photos in it.")


def test_an_empty_folder_once_looked_through_says_no_photos_were_found_in_it(
    qtbot, make_window, open_library, tmp_path: Path
) -> None:
    """An empty folder showed "0 photos+" and "Photos appear here as they are found" long after
    the scan had found none: the count is whole, and the empty state says none were found."""
    red_circle_folder(tmp_path / "photos", with_red_circle=1, without=1)
    (tmp_path / "empty").mkdir()
    library = open_library()
    library.index([tmp_path / "photos", tmp_path / "empty"])
    window = make_window(library, worker=True)

    qtbot.waitUntil(lambda: folder_item(window, "empty") is not None and not window.worker.busy, timeout=WAIT_MS)
    window.sidebar.tree.setCurrentItem(folder_item(window, "empty"))
    qtbot.waitUntil(lambda: window.view.kind == "folder" and settled(window) and not window.index_status.running,
                    timeout=WAIT_MS)
    assert window.subtitle_label.text().startswith("0 photos  ·  ")
    assert window.grid.empty_state() == ("folder", "No photos found in this folder",
                                         "photoclip looked through it and its subfolders and found no photos.")


def test_removing_a_folder_says_it_is_done_in_place_of_the_message_before(
    qtbot, make_window, open_library, tmp_path: Path, monkeypatch
) -> None:
    """"“Other photos” is in the library already; …" stayed shown after the folder was removed,
    and nothing said it was: now the removal says how many photos were forgotten."""
    red_circle_folder(tmp_path / "Photos", with_red_circle=1, without=2, seed=1)
    red_circle_folder(tmp_path / "Other photos", with_red_circle=1, without=3, seed=2)
    library = open_library()
    library.index([tmp_path / "Photos", tmp_path / "Other photos"])
    window = make_window(library, worker=True)
    qtbot.waitUntil(lambda: window.status is not None and len(window.status.roots) == 2, timeout=WAIT_MS)
    window.add_folder(tmp_path / "Other photos")
    qtbot.waitUntil(lambda: not window.worker.busy, timeout=WAIT_MS)
    assert window.statusBar().currentMessage().startswith("“Other photos” is in the library already")
    answer_questions(monkeypatch, True)
    other = next(i for i in window.sidebar.folder_items() if i.text(0) == "Other photos")
    window.sidebar.tree.setCurrentItem(other)
    window.sidebar._remove_current()
    qtbot.waitUntil(lambda: [i.text(0) for i in window.sidebar.folder_items()] == ["Photos"], timeout=WAIT_MS)
    assert window.statusBar().currentMessage() == (
        "Removed “Other photos” from the library (its 4 photos forgotten; the files are not touched).")


def test_adding_a_folder_inside_the_library_shows_its_photos_instead_of_an_error(
    qtbot, make_window, open_library, tmp_path: Path
) -> None:
    """Adding a sub-folder of a folder of the library put up a warning, "… is already part of the
    library (inside …)", that stayed above every page until closed. Its photos are what was asked
    for: its album shows them, and the status bar says why nothing was added."""
    red_circle_folder(tmp_path / "photos" / "Trip", with_red_circle=1, without=3, seed=1)
    red_circle_folder(tmp_path / "photos" / "Home", with_red_circle=1, without=2, seed=2)
    library = open_library()
    library.index([tmp_path / "photos"])
    window = make_window(library, worker=True)
    qtbot.waitUntil(lambda: len(window.sidebar.album_items()) == 2 and not window.worker.busy, timeout=WAIT_MS)

    window.add_folder(tmp_path / "photos" / "Trip")
    assert window.view.kind == "album" and window.view.album.folder.name == "Trip"
    assert window.sidebar.current_album() is not None and window.sidebar.current_album().folder.name == "Trip"
    assert window.statusBar().currentMessage() == (
        "“Trip” is in the library already (inside “photos”): showing its photos.")
    qtbot.waitUntil(lambda: not window.worker.busy and settled(window), timeout=WAIT_MS)
    assert window.model.rowCount() == 4
    assert not window.error_banner.isVisibleTo(window)
    assert [root.path for root in library.roots()] == [(tmp_path / "photos").resolve()]


def test_adding_a_folder_left_out_of_the_library_brings_it_back_without_saying_it_is_there(
    qtbot, make_window, open_library, tmp_path: Path
) -> None:
    red_circle_folder(tmp_path / "photos" / "Trip", with_red_circle=1, without=3, seed=1)
    red_circle_folder(tmp_path / "photos" / "Home", with_red_circle=1, without=2, seed=2)
    library = open_library()
    library.index([tmp_path / "photos"])
    library.leave_out((tmp_path / "photos" / "Home").resolve())
    window = make_window(library, worker=True)
    qtbot.waitUntil(lambda: len(window.sidebar.album_items()) == 1 and not window.worker.busy, timeout=WAIT_MS)

    window.add_folder(tmp_path / "photos" / "Home")
    assert window.view.kind == "library" and "already" not in window.statusBar().currentMessage()
    qtbot.waitUntil(lambda: len(window.sidebar.album_items()) == 2, timeout=WAIT_MS)
    assert not window.error_banner.isVisibleTo(window)
