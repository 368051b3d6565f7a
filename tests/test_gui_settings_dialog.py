"""The settings dialog's Leave out box: folders left out read as plain paths, and what the
user did not touch is saved as it was."""

from __future__ import annotations

import dataclasses
import glob
from pathlib import Path

from photoclip import config
from photoclip.gui.app import make_app
from photoclip.gui.settings_dialog import SettingsDialog


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
