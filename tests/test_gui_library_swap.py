"""New settings reopen the library off the GUI thread: the window keeps answering while the
old model finishes loading, what the user asks meanwhile is answered by the reopened
library, and closing the window during the swap leaves nothing open."""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtWidgets import QDialog

from photoclip import config
from photoclip.gui import settings_dialog
from photoclip.library import Library
from tests.gui_support import WAIT_MS, make_window, red_circle_folder  # noqa: F401


def swap_started(qtbot, make_window, open_library, monkeypatch, tmp_path: Path):
    """An indexed library's window told in Settings to use one CPU thread while a long read
    still runs on the old library, as the old model's load from a slow disk does; that read
    ends when the returned event is set."""
    folder = tmp_path / "photos"
    red_circle_folder(folder, with_red_circle=2, without=4)
    library = open_library(tmp_path / "library")
    library.index([folder])
    window = make_window(library, worker=True)
    release = threading.Event()
    window.ops.query(lambda lib: release.wait(10), lambda _result: None, long=True)

    def one_thread(dialog: settings_dialog.SettingsDialog) -> int:
        dialog.threads.setValue(1)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(settings_dialog.SettingsDialog, "exec", one_thread)
    window.open_settings()
    return library, window, release


def test_new_settings_do_not_freeze_the_window_while_the_old_model_still_loads(
    qtbot, make_window, open_library, monkeypatch, tmp_path: Path
) -> None:
    library, window, release = swap_started(qtbot, make_window, open_library, monkeypatch, tmp_path)
    assert window.library is library  # the swap waits for the old model, the window does not
    assert window.index_status.label.text() == "Applying the new settings…"
    window.search_field.setText("a red circle")
    window._search_return()  # asked during the swap: answered by the reopened library
    qtbot.wait(200)
    assert window.library is library and window.view.text == "a red circle"
    release.set()
    qtbot.waitUntil(lambda: window.library is not library, timeout=WAIT_MS)
    assert window.library.settings.cpu_threads == 1
    assert config.load_settings(library.directory).cpu_threads == 1
    expected = [hit.photo_id for hit in window.library.search("a red circle", 6)]
    qtbot.waitUntil(lambda: window.model.ids == expected, timeout=WAIT_MS)
    assert window.view.text == "a red circle"


def test_closing_the_window_during_the_swap_closes_the_reopened_library(
    qtbot, make_window, open_library, monkeypatch, tmp_path: Path
) -> None:
    library, window, release = swap_started(qtbot, make_window, open_library, monkeypatch, tmp_path)
    threading.Timer(0.3, release.set).start()
    window.close()
    again = Library.open(library.directory)  # the lock was let go: a writer can open it
    try:
        assert not again.read_only and again.settings.cpu_threads == 1
    finally:
        again.close()


def test_settings_changed_again_while_the_last_change_is_applied_are_applied_next(
    qtbot, make_window, open_library, monkeypatch, tmp_path: Path
) -> None:
    library, window, release = swap_started(qtbot, make_window, open_library, monkeypatch, tmp_path)
    shown = []

    def two_threads(dialog: settings_dialog.SettingsDialog) -> int:
        shown.append(dialog.threads.value())
        dialog.threads.setValue(2)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(settings_dialog.SettingsDialog, "exec", two_threads)
    window.open_settings()
    assert shown == [1]  # the choice being applied, not the file's older one
    window.open_settings()
    assert shown == [1, 2]  # then the one chosen after it, which waits its turn
    release.set()
    qtbot.waitUntil(lambda: window.library.settings.cpu_threads == 2, timeout=WAIT_MS)
    assert config.load_settings(library.directory).cpu_threads == 2


def test_a_library_gone_during_the_swap_is_not_made_again_and_can_be_tried_again(
    qtbot, make_window, open_library, monkeypatch, tmp_path: Path
) -> None:
    library, window, release = swap_started(qtbot, make_window, open_library, monkeypatch, tmp_path)
    directory = library.directory
    away = directory.with_name("unplugged")
    directory.rename(away)  # its drive unplugged while the old model still loads
    release.set()
    qtbot.waitUntil(lambda: window._switch is None, timeout=WAIT_MS)
    assert not directory.exists()  # no new, empty library where the old one was
    assert "is gone" in window.error_banner.text.text()
    assert window.error_banner.button_labels() == ["Try again"]
    assert window.index_status.label.text() == "The library is not open"
    away.rename(directory)
    window.error_banner.click("Try again")
    qtbot.waitUntil(lambda: window.library is not library, timeout=WAIT_MS)
    assert window.library.settings.cpu_threads == 1  # the choice that could not be saved then
    assert window.error_banner.isHidden()
    expected = [hit.photo_id for hit in window.library.search("a red circle", 6)]
    window.search_field.setText("a red circle")
    window._search_return()
    qtbot.waitUntil(lambda: window.model.ids == expected, timeout=WAIT_MS)
