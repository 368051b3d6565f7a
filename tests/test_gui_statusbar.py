"""The status bar's indexing line, offscreen: done of total, speed and time left as a person says
them, and never 'about 0 s left' while photos remain; the failures dialog's sentences and its
paths."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QStyleOptionViewItem

from photoclip.gui.app import make_app
from photoclip.gui.statusbar import FailuresDialog, IndexStatus


@pytest.mark.parametrize(("rate", "eta_s", "paused", "said"), [
    (52.4, 27.6, False, "Indexing 100 of 1,500 photos · 52 photos/s · about 28 s left"),
    (4.4, 318.0, False, "Indexing 100 of 1,500 photos · 4.4 photos/s · about 5 min left"),
    (0.3, 4_020.0, False, "Indexing 100 of 1,500 photos · 0.3 photos/s · about 1 h 7 min left"),
    (2_900.0, 0.3, False, "Indexing 100 of 1,500 photos · 2,900 photos/s · almost done"),
    (52.4, 27.6, True, "Paused · 100 of 1,500 photos indexed"),
])
def test_progress_reads_as_a_person_says_it(qtbot, rate: float, eta_s: float, paused: bool, said: str) -> None:
    make_app()
    status = IndexStatus()
    qtbot.addWidget(status)
    status.set_progress(100, 1_500, 0, rate, eta_s, paused)
    assert status.label.text() == said


@pytest.mark.parametrize(("failed", "damaged", "unreadable", "said"), [
    (1, 0, 0, "1 file could not be read. It is skipped, not deleted; photoclip tries again when it changes."),
    (2, 0, 0, "2 files could not be read. They are skipped, not deleted; photoclip tries again when a file "
              "changes."),
    (0, 1, 0, "1 file is damaged but indexed as far as it goes; restore it from a backup if you have one."),
    (0, 2, 0, "2 files are damaged but indexed as far as they go; restore them from a backup if you have one."),
    (0, 0, 1, "1 folder or file cannot be read (no permission?): the photos in it are left out until photoclip "
              "may read it."),
    (0, 0, 2, "2 folders or files cannot be read (no permission?): the photos in them are left out until "
              "photoclip may read them."),
])
def test_the_failures_dialog_says_one_file_and_many_files_in_good_grammar(
    qtbot, failed: int, damaged: int, unreadable: int, said: str
) -> None:
    make_app()
    paths = [Path(f"/photos/IMG_{i}.jpg") for i in range(3)]
    dialog = FailuresDialog([(p, "not an image") for p in paths[:failed]],
                            [(p, "the file ends early") for p in paths[:damaged]], unreadable=paths[:unreadable])
    qtbot.addWidget(dialog)
    assert dialog.intro.text() == said


def test_a_long_path_in_the_failures_dialog_keeps_its_file_name_in_sight(qtbot) -> None:
    """The table cuts a path too long for its column in the middle (what is painted is what the
    view's options make of the text), so the file name at its end still shows; the tooltip has it whole."""
    make_app()
    path = Path("/home/anna/Pictures/Holidays/2024 Summer trip to the coast with the whole family/Camera/"
                "IMG_20240712_181233.jpg")
    dialog = FailuresDialog([(path, "not an image")])
    qtbot.addWidget(dialog)
    dialog.show()
    table = dialog.table
    index = table.model().index(0, 0)
    option = QStyleOptionViewItem()
    table.initViewItemOption(option)
    table.itemDelegate().initStyleOption(option, index)
    width = table.visualRect(index).width() - 12  # the cell's padding
    shown = option.fontMetrics.elidedText(option.text, option.textElideMode, width)
    assert option.text == str(path) and "…" in shown
    assert shown.endswith(path.name) and shown.startswith("/home/")
    assert table.item(0, 0).toolTip() == str(path)
