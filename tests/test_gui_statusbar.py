"""The status bar's indexing line, offscreen: done of total, speed and time left as a person says
them, and never 'about 0 s left' while photos remain; the failures dialog's sentences and its
paths."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QStyleOptionViewItem

from photoclip.gui.app import make_app
from photoclip.gui.statusbar import FailuresDialog, IndexStatus
from tests.gui_support import WAIT_MS, make_window  # noqa: F401
from tests.test_gui_wrapping import drawn_at


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


def test_a_narrow_status_bar_drops_the_speed_then_the_time_left_rather_than_cutting_the_line(qtbot) -> None:
    """In a window snapped to half a small screen the line was cut mid-word ("Paused · 11 of 355
    photos ir"); it now says less, and the whole line is in its tooltip."""
    make_app()
    status = IndexStatus()
    qtbot.addWidget(status)
    status.show()
    status.set_progress(100, 1_500, 0, 52.4, 27.6, False)
    label = status.label
    whole = "Indexing 100 of 1,500 photos · 52 photos/s · about 28 s left"
    metrics = label.fontMetrics()
    for shown in (whole, "Indexing 100 of 1,500 photos · about 28 s left", "Indexing 100 of 1,500 photos"):
        label.resize(metrics.horizontalAdvance(shown) + 4, label.height())
        assert label.shown() == shown and label.text() == whole
        assert label.toolTip() == ("" if shown == whole else whole)
    assert label.minimumSizeHint().width() <= metrics.horizontalAdvance("100 of 1,500") + 4
    status.set_progress(11, 355, 0, 0, None, True)
    label.resize(metrics.horizontalAdvance("Paused · 11 of 355") + 4, label.height())
    assert label.shown() == "Paused · 11 of 355" and label.text() == "Paused · 11 of 355 photos indexed"


def test_the_idle_line_says_what_the_folders_hold_that_is_not_indexed_where_it_fits(qtbot) -> None:
    """A camera roll's videos were never mentioned: a user wondered where they went."""
    make_app()
    status = IndexStatus()
    qtbot.addWidget(status)
    status.show()
    status.set_idle(1_234, left_out="12 videos and 3 images of other formats")
    label, metrics = status.label, status.label.fontMetrics()
    whole = "1,234 photos indexed  ·  12 videos and 3 images of other formats not indexed"
    label.resize(metrics.horizontalAdvance(whole) + 4, label.height())
    assert label.shown() == whole
    label.resize(metrics.horizontalAdvance("1,234 photos indexed") + 4, label.height())
    assert label.shown() == "1,234 photos indexed" and label.toolTip() == whole
    status.set_idle(None, left_out="12 videos")
    assert label.text() == ""


@pytest.mark.parametrize(("failed", "damaged", "unreadable", "said"), [
    (1, 0, 0, "1 file could not be read. It is skipped, not deleted; photoclip tries again when it changes."),
    (2, 0, 0, "2 files could not be read. They are skipped, not deleted; photoclip tries again when a file "
              "changes."),
    (0, 1, 0, "1 file is damaged but indexed as far as it goes; restore it from a backup if you have one."),
    (0, 2, 0, "2 files are damaged but indexed as far as they go; restore them from a backup if you have one."),
    (0, 0, 1, "1 folder or file cannot be read: the photos in it are left out until photoclip can read it."),
    (0, 0, 2, "2 folders or files cannot be read: the photos in them are left out until photoclip can read "
              "them."),
])
def test_the_failures_dialog_says_one_file_and_many_files_in_good_grammar(
    qtbot, failed: int, damaged: int, unreadable: int, said: str
) -> None:
    make_app()
    paths = [Path(f"/photos/IMG_{i}.jpg") for i in range(3)]
    dialog = FailuresDialog([(p, "not an image") for p in paths[:failed]],
                            [(p, "the file ends early") for p in paths[:damaged]], unreadable=[(p, "permission denied") for p in paths[:unreadable]])
    qtbot.addWidget(dialog)
    assert dialog.intro.text() == said


def painted(table, row: int, column: int) -> str:
    """The text a cell shows: what the view's options make of its text in its width."""
    index = table.model().index(row, column)
    option = QStyleOptionViewItem()
    table.initViewItemOption(option)
    option.rect = table.visualRect(index)
    table.itemDelegateForIndex(index).initStyleOption(option, index)
    width = table.visualRect(index).width() - 12  # the cell's padding
    return option.fontMetrics.elidedText(option.text, option.textElideMode, width)


def test_a_long_path_in_the_failures_dialog_keeps_its_start_and_its_file_name_in_sight(qtbot) -> None:
    """A path too long for its column is cut inside: its file name (and the folders before it that
    fit) and its start show; cut at its start, the folder it is in was gone. The tooltip has it whole."""
    make_app()
    folder = "/home/anna/Pictures/Holidays/2024 Summer trip to the coast with the whole family/Camera/"
    paths = [Path(folder + "IMG_20240712_181233.jpg"), Path("/home/anna/Pictures/2022/Munich city/broken.jpg")]
    dialog = FailuresDialog([(paths[0], "not an image"), (paths[1], "cannot identify image file")])
    qtbot.addWidget(dialog)
    dialog.show()
    table = dialog.table
    shown = painted(table, 0, 0)
    assert table.item(0, 0).text() == str(paths[0]) and shown.startswith("/home/anna/") and "…" in shown
    assert shown.endswith("/IMG_20240712_181233.jpg")
    assert table.item(0, 0).toolTip() == str(paths[0])
    assert painted(table, 1, 0) == str(paths[1])  # whole where it fits
    assert painted(table, 1, 1) == "cannot identify image file"


def test_a_hebrew_path_in_the_failures_dialog_keeps_its_folders_in_their_order(qtbot) -> None:
    """Two Hebrew parts in a row, laid out right to left, showed the file before its folder."""
    make_app()
    path = Path("/home/anna/חופשה בים/תמונה 1.jpg")
    dialog = FailuresDialog([(path, "not an image")])
    qtbot.addWidget(dialog)
    dialog.show()
    shown = painted(dialog.table, 0, 0)
    x = drawn_at(shown, dialog.table.font())
    slash = shown.rindex("/")
    hebrew = [at for at, char in enumerate(shown) if "\u0590" <= char <= "\u05ff"]
    folder, name = [x[at] for at in hebrew if at < slash], [x[at] for at in hebrew if at > slash]
    assert x[shown.index("h")] < min(folder) and max(folder) < min(name)  # /home, then the folder, then the file
    assert dialog.table.item(0, 0).text() == str(path)  # copied as it is


def test_the_failures_dialog_lists_the_rarest_reasons_first_each_reasons_files_together(qtbot) -> None:
    """A cloud drive's hundreds of empty placeholders buried the one web page saved as a photo: the
    rarer a reason, the higher its files; files of one reason stay together, in the order given."""
    make_app()
    empty = [Path(f"/home/anna/OneDrive/Camera Roll/IMG_{i}.jpg") for i in range(5)]
    page, bad = Path("/home/anna/Downloads/image.jpg"), [Path(f"/home/anna/x{i}.png") for i in range(2)]
    cut = [(Path(f"/home/anna/cut{i}.jpg"), f"truncated file (the lower {90 + i}% of the image is missing)")
           for i in range(3)]
    given = [(empty[0], "empty file"), (bad[0], "not an image"), *((p, "empty file") for p in empty[1:3]), cut[0],
             (page, "a web page"), (bad[1], "not an image"), *cut[1:], *((p, "empty file") for p in empty[3:])]
    dialog = FailuresDialog(given)
    qtbot.addWidget(dialog)
    listed = [(Path(dialog.table.item(row, 0).text()), dialog.table.item(row, 1).text()) for row in range(len(given))]
    assert listed == [(page, "a web page"), *((p, "not an image") for p in bad), *cut,  # one kind, whatever its %
                      *((p, "empty file") for p in empty)]


def test_the_failures_dialog_shows_the_reasons_whole_and_tells_damaged_files_from_skipped_ones(qtbot) -> None:
    """The paths took two thirds of the table and cut the reasons, what a person needs most
    ("corrupt JPEG file (its header cannot be …" at 1200 px): the reasons get the room now, and
    a damaged file, indexed all the same, has an icon of its own."""
    make_app()
    folder = "/home/anna/Pictures/Holidays/2024 Summer trip to the coast with the whole family/Camera/"
    reason = "corrupt JPEG file (its header cannot be read: the file stops after 64 bytes, a copy cut short?)"
    paths = [Path(folder + f"IMG_2024071218123{i}.jpg") for i in range(3)]
    dialog = FailuresDialog([(paths[0], reason), (paths[1], "not an image")], [(paths[2], "the file ends early")])
    qtbot.addWidget(dialog)
    dialog.resize(1200, 440)
    dialog.show()
    table = dialog.table
    assert painted(table, 0, 1) == reason and table.item(0, 1).toolTip() == reason
    assert painted(table, 0, 0).endswith("/IMG_20240712181230.jpg") and painted(table, 0, 0).startswith("/home/")
    assert table.columnWidth(1) > table.columnWidth(0)

    def icon(row: int):
        return table.item(row, 1).icon().pixmap(16, 16).toImage()

    assert not table.item(0, 1).icon().isNull() and icon(0) == icon(1)
    assert icon(2) != icon(0) and table.item(2, 1).text() == "damaged: the file ends early"


def test_the_window_keeps_a_smallest_size_with_its_sidebar_buttons_and_status_bar_whole(
    qtbot, make_window, open_library, photo_folder
) -> None:
    """A display without a window manager let it shrink to 360×260: the settings button gone, the
    count cut to "6 photo", the status bar cut."""
    library = open_library()
    library.index([photo_folder])
    window = make_window(library)
    smallest = window.minimumSize()
    assert smallest.width() >= 640 and smallest.height() >= 480
    window.resize(360, 260)
    assert window.size() == smallest
    window.resize(1000, 700)
    window.windowHandle().resize(360, 260)  # what the window system may do, unlike resize()
    qtbot.waitUntil(lambda: window.size() == smallest, timeout=WAIT_MS)
    qtbot.wait(50)  # the layouts settle
    bar = window.statusBar()
    assert window.rect().contains(bar.geometry())
    for widget in (window.sidebar.add_button, window.sidebar.settings_button, window.count_label,
                   window.index_status.label):
        assert widget.isVisible() and widget.visibleRegion().boundingRect() == widget.rect(), widget
    for label in (window.count_label, window.index_status.label):
        assert label.text() and label.fontMetrics().horizontalAdvance(label.text()) <= label.contentsRect().width()
    assert window.count_label.text().startswith("6 photos")


def test_a_message_too_long_for_a_narrow_window_is_cut_with_an_ellipsis_and_said_whole_on_hover(
    qtbot, make_window, open_library
) -> None:
    """At 800 pixels "Removed “extra” from the library (its 3 photos forgotten; the files are" was
    cut mid-sentence under the permanent "1 failed" and count, with no "…"; now the message ends
    in "…" before them, and its tooltip says it whole."""
    from PySide6.QtCore import QEvent, QPoint
    from PySide6.QtGui import QHelpEvent
    from PySide6.QtWidgets import QApplication, QToolTip

    window = make_window(open_library(), wait_model=False)
    window.resize(800, 520)
    qtbot.waitUntil(lambda: window.width() == 800, timeout=WAIT_MS)
    window.count_label.set_texts("40 photos  ·  model photoclip-tiny")
    window.index_status.failures_button.setText("1 failed")
    window.index_status.failures_button.show()
    bar = window.statusBar()
    said = "Removed “extra” from the library (its 3 photos forgotten; the files are not touched)."
    bar.showMessage(said)
    qtbot.waitUntil(lambda: window.index_status.failures_button.x() > 0, timeout=WAIT_MS)
    shown = bar.shown_message()
    assert shown.endswith("…") and said.startswith(shown[:-1].rstrip())
    room = bar.message_rect()
    assert room.right() < window.index_status.failures_button.x()
    assert bar.fontMetrics().horizontalAdvance(shown) <= room.width()
    at = QPoint(room.left() + 20, bar.height() // 2)
    QApplication.sendEvent(bar, QHelpEvent(QEvent.Type.ToolTip, at, bar.mapToGlobal(at)))
    assert QToolTip.text() == said

    window.resize(1400, 800)
    qtbot.waitUntil(lambda: bar.message_rect().width() > bar.fontMetrics().horizontalAdvance(said), timeout=WAIT_MS)
    assert bar.shown_message() == said
