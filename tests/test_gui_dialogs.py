"""Dialogs the window opens are freed once closed: each one left as a child of the window held
its widgets (~1 MB for Settings) until the window itself went."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QDialog

from photoclip.gui import settings_dialog, statusbar
from tests.gui_support import WAIT_MS, answer_questions, broken_jpeg, make_window, red_circle_folder  # noqa: F401

OPENINGS = 5


def dialogs_left(window) -> list[QDialog]:
    """The dialogs still alive under the window once deferred deletions have run."""
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    return window.findChildren(QDialog)


def test_settings_opened_and_closed_again_and_again_leave_no_dialog_behind(
    qtbot, make_window, open_library, monkeypatch
) -> None:
    opened: list[str] = []

    def cancel(dialog: settings_dialog.SettingsDialog) -> int:
        opened.append(dialog.windowTitle())
        return QDialog.DialogCode.Rejected

    monkeypatch.setattr(settings_dialog.SettingsDialog, "exec", cancel)
    window = make_window(open_library(), wait_model=False)
    for _ in range(OPENINGS):
        window.open_settings()
    assert opened == ["Settings"] * OPENINGS
    assert dialogs_left(window) == []


def test_questions_answered_again_and_again_leave_no_message_box_behind(
    qtbot, make_window, open_library, monkeypatch, tmp_path: Path
) -> None:
    folder = tmp_path / "photos"
    red_circle_folder(folder, with_red_circle=1, without=1)
    library = open_library()
    library.index([folder])
    window = make_window(library, worker=True, wait_model=False)
    qtbot.waitUntil(lambda: len(window.sidebar.folder_items()) == 1, timeout=WAIT_MS)
    asked = answer_questions(monkeypatch, False)
    root = window.status.roots[0]
    for _ in range(OPENINGS):
        window.remove_folder(root)  # answered Cancel: nothing removed
    assert len(asked) == OPENINGS
    assert dialogs_left(window) == []
    assert [r.path for r in library.roots()] == [folder.resolve()]


def test_the_failures_list_opened_again_and_again_leaves_no_dialog_behind(
    qtbot, make_window, open_library, monkeypatch, tmp_path: Path
) -> None:
    folder = tmp_path / "photos"
    red_circle_folder(folder, with_red_circle=1, without=1)
    broken_jpeg(folder / "broken.jpg")
    library = open_library()
    library.index([folder])
    rows: list[int] = []
    monkeypatch.setattr(statusbar.FailuresDialog, "exec", lambda dialog: rows.append(dialog.table.rowCount()) or 0)
    window = make_window(library, wait_model=False)
    for _ in range(OPENINGS):
        window.show_failures()
    qtbot.waitUntil(lambda: len(rows) == OPENINGS, timeout=WAIT_MS)
    assert rows == [1] * OPENINGS
    assert dialogs_left(window) == []
