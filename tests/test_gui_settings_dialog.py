"""The settings dialog: folders left out read as plain paths, and what the user did not touch is
saved as it was; the model file's hint says where the weights come from."""

from __future__ import annotations

import dataclasses
import glob
from pathlib import Path

from PySide6.QtCore import QDir, Qt

from photoclip import config
from photoclip.gui.app import make_app
from photoclip.gui.settings_dialog import MODEL_FILE_FILTER, SettingsDialog
from tests.gui_support import WAIT_MS, make_window  # noqa: F401


def test_folders_left_out_show_plainly_and_are_saved_as_they_were(qtbot, tmp_path: Path) -> None:
    make_app()
    trip, unplugged, added = tmp_path / "[2019] Trip", tmp_path / "drive" / "[old] scans", tmp_path / "[*] new"
    trip.mkdir()
    added.mkdir()
    settings = dataclasses.replace(config.Settings(), exclude_patterns=(
        glob.escape(str(trip)), glob.escape(str(unplugged)), "*/Screenshots/*"))
    dialog = SettingsDialog(settings)
    qtbot.addWidget(dialog)

    assert dialog.excluded.toPlainText().splitlines() == [str(trip), str(unplugged), "*/Screenshots/*"]
    assert dialog.settings().exclude_patterns == settings.exclude_patterns  # the drive's folder too, though absent
    dialog.excluded.appendPlainText(f"{added}\n*.tmp")
    assert dialog.settings().exclude_patterns == (*settings.exclude_patterns, glob.escape(str(added)), "*.tmp")


def test_tab_leaves_the_folders_left_out_for_the_next_setting(qtbot) -> None:
    """One pattern a line: a tab typed there is no pattern, and it kept the keyboard from the rest."""
    make_app()
    dialog = SettingsDialog(config.Settings())
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.excluded.setFocus()
    qtbot.keyClick(dialog.excluded, Qt.Key.Key_Tab)
    assert dialog.excluded.toPlainText() == "" and not dialog.excluded.hasFocus()


def test_the_model_file_hint_says_the_demo_model_comes_with_photoclip(qtbot) -> None:
    make_app()
    dialog = SettingsDialog(dataclasses.replace(config.Settings(), model=config.DEMO_MODEL))
    qtbot.addWidget(dialog)
    assert dialog.model_file.placeholderText() == "Comes with photoclip"
    dialog.model.setCurrentText(config.DEFAULT_MODEL)
    assert dialog.model_file.placeholderText() == "Download automatically"


def test_a_model_file_that_holds_no_weights_is_said_under_the_field_and_not_saved(qtbot, tmp_path: Path) -> None:
    make_app()
    page = tmp_path / "open_clip_model.safetensors"
    page.write_bytes(b"<!DOCTYPE html><html>denied</html>" * 50)
    dialog = SettingsDialog(config.Settings())
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.model_file.setText(str(page))

    dialog.accept()

    assert dialog.result() != dialog.DialogCode.Accepted and dialog.isVisible()
    assert not dialog.model_error.isHidden() and "holds no model weights" in dialog.model_error.text()
    dialog.model_file.clear()  # the Clear button
    assert dialog.model_error.isHidden()
    dialog.accept()
    assert dialog.result() == dialog.DialogCode.Accepted


def test_ctrl_comma_opens_the_settings_where_the_desktop_has_no_key_for_them(
    qtbot, make_window, open_library, monkeypatch
) -> None:
    from PySide6.QtGui import QKeySequence
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication, QDialog

    opened: list[SettingsDialog] = []
    monkeypatch.setattr(SettingsDialog, "exec", lambda dialog: opened.append(dialog) or QDialog.DialogCode.Rejected)
    window = make_window(open_library())
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=WAIT_MS)
    QTest.keySequence(window, QKeySequence("Ctrl+,"))
    assert len(opened) == 1


def test_the_appearance_chosen_is_kept_for_the_next_start_and_said_to_show_then(
    qtbot, make_window, open_library, monkeypatch
) -> None:
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QDialog

    from photoclip.gui import theme

    def choose_dark(dialog: SettingsDialog) -> QDialog.DialogCode:
        assert dialog.appearance() == "system" and dialog.appearance_note.isHidden()
        dialog.appearance_box.setCurrentIndex(dialog.appearance_box.findData("dark"))
        assert not dialog.appearance_note.isHidden()
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(SettingsDialog, "exec", choose_dark)
    window = make_window(open_library())
    try:
        window.open_settings()
        assert theme.saved_appearance(QSettings("photoclip", "photoclip")) == "dark"  # what the next start reads
        assert "starts again" in window.statusBar().currentMessage()
        assert window._switch is None  # the library's own settings did not change: no reopening
    finally:
        QSettings("photoclip", "photoclip").remove(theme.APPEARANCE_KEY)


def test_the_model_file_dialog_lists_every_kind_of_weights_file_photoclip_reads(tmp_path: Path) -> None:
    weights = ["clip.bin", "clip.ckpt", "clip.pt", "clip.pth", "clip.safetensors"]
    for name in [*weights, "notes.txt"]:
        (tmp_path / name).write_bytes(b"")
    shown_first = MODEL_FILE_FILTER.split(";;")[0]
    patterns = shown_first[shown_first.index("(") + 1:shown_first.index(")")].split()
    assert QDir(str(tmp_path)).entryList(patterns, QDir.Filter.Files) == weights


def test_folders_typed_with_a_home_or_a_trailing_slash_are_the_folders_meant(
    qtbot, tmp_path: Path, monkeypatch
) -> None:
    """"~/code", "Games/" and "/home/me/Games/" left nothing out, and said nothing."""
    make_app()
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / "code").mkdir()
    (tmp_path / "Games").mkdir()
    dialog = SettingsDialog(config.Settings())
    qtbot.addWidget(dialog)
    dialog.excluded.setPlainText(f"~/code\nGames/\n{tmp_path / 'Games'}/\n")
    assert dialog.settings().exclude_patterns == (
        glob.escape(str(tmp_path / "code")), "Games", glob.escape(str(tmp_path / "Games")))
