"""The preview: opened from the grid, facts shown, arrows step, Esc returns, Find similar;
and dropping an image file (or an image from a browser) on the window finds photos like it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, QSize, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QApplication, QWidget

from photoclip.gui.grid import GridPosition
from photoclip.gui.main_window import SEARCH_LIMIT
from tests.gui_support import WAIT_MS, make_window, red_circle_folder, settled  # noqa: F401
from tests.helpers import write_photo


@pytest.fixture
def window(qtbot, make_window, open_library, tmp_path: Path):
    folder = tmp_path / "photos"
    red_circle_folder(folder, with_red_circle=3, without=9)
    library = open_library()
    library.index([folder])
    window = make_window(library)
    qtbot.waitUntil(lambda: window.model.rowCount() == 12 and settled(window), timeout=WAIT_MS)
    return window


def test_enter_opens_the_preview_with_the_photos_facts_and_arrows_step(qtbot, window) -> None:
    library, model = window.library, window.model
    window.grid.setFocus()
    window.grid.setCurrentIndex(model.index(2, 0))
    qtbot.keyClick(window.grid, Qt.Key.Key_Return)
    assert window.pages.currentWidget() is window.preview
    first = library.photo(model.photo_id(2))
    qtbot.waitUntil(lambda: window.preview.photo is not None, timeout=WAIT_MS)
    assert window.preview.photo_id == first.id
    assert window.preview.name_label.text() == first.path.name
    assert window.preview._facts["Dimensions"].text() == "192 × 192 pixels"
    assert window.preview.folder_label.toolTip() == str(first.path.parent)
    assert window.preview.position_label.text() == "3 of 12"
    qtbot.waitUntil(lambda: window.preview.canvas.pixmap() is not None
                    and window.preview.canvas.pixmap().width() >= 192, timeout=WAIT_MS)

    qtbot.keyClick(window.preview, Qt.Key.Key_Right)
    assert window.preview.photo_id == model.photo_id(3)
    qtbot.keyClick(window.preview, Qt.Key.Key_Left)
    qtbot.keyClick(window.preview, Qt.Key.Key_Left)
    assert window.preview.photo_id == model.photo_id(1)

    window.escape()  # what the window's Esc shortcut runs
    assert window.pages.currentWidget() is not window.preview
    assert window.grid.currentIndex().row() == 1


def test_back_shows_its_whole_word_or_its_arrow_alone_at_every_width(qtbot, window) -> None:
    window.open_preview(window.model.index(0, 0))
    qtbot.waitUntil(lambda: window.preview.photo is not None, timeout=WAIT_MS)
    back = window.preview.back_button
    for width in range(700, 1400, 50):
        window.resize(width, 560)
        qtbot.wait(50)
        if back.toolButtonStyle() == Qt.ToolButtonStyle.ToolButtonTextBesideIcon:  # never "← …k"
            wanted = back.fontMetrics().horizontalAdvance(back.text())
            assert back.width() >= back.iconSize().width() + wanted, width


def preview_of_the_one_photo_in(qtbot, make_window, open_library, folder: Path):
    """A window over a library of `folder`'s one photo, its preview open and filled in."""
    library = open_library()
    library.index([folder])
    window = make_window(library)
    qtbot.waitUntil(lambda: window.model.rowCount() == 1 and settled(window), timeout=WAIT_MS)
    window.open_preview(window.model.index(0, 0))
    qtbot.waitUntil(lambda: window.preview.photo is not None, timeout=WAIT_MS)
    return window


def test_an_undated_photo_shows_its_files_date(qtbot, make_window, open_library, tmp_path: Path) -> None:
    import os
    from datetime import datetime

    photo = write_photo(tmp_path / "photos" / "screenshot.png", seed=4, fmt="PNG")
    noon = datetime(2021, 6, 3, 12, 0).timestamp()
    os.utime(photo, (noon, noon))
    window = preview_of_the_one_photo_in(qtbot, make_window, open_library, tmp_path / "photos")
    assert window.preview._facts["Taken"].text() == "unknown · file from 3 June 2021"


def test_a_photo_dated_by_its_folder_says_so(qtbot, make_window, open_library, tmp_path: Path) -> None:
    """"24 December 1998" for a scan in "Christmas 1998" (its first day) read as the day it was taken, and a
    photo in "2015" as taken on 1 January."""
    write_photo(tmp_path / "photos" / "Christmas 1998" / "scan.jpg", seed=4)
    window = preview_of_the_one_photo_in(qtbot, make_window, open_library, tmp_path / "photos")
    assert window.preview._facts["Taken"].text() == "24–26 December 1998 · from its folder"


@pytest.mark.parametrize(("name", "taken"), [("PANO_20230705.jpg", "5 July 2023"),
                                             ("IMG_20230705_141503.jpg", "5 July 2023, 14:15")])
def test_a_photo_dated_by_its_name_shows_the_time_only_when_the_name_has_one(
    qtbot, make_window, open_library, tmp_path: Path, name: str, taken: str
) -> None:
    write_photo(tmp_path / "photos" / name, seed=4)
    window = preview_of_the_one_photo_in(qtbot, make_window, open_library, tmp_path / "photos")
    assert window.preview._facts["Taken"].text() == taken


def test_a_captioned_photo_is_found_by_its_caption_and_shows_it(qtbot, make_window, open_library, tmp_path) -> None:
    from PIL import Image

    photos = tmp_path / "photos"
    plain, captioned = write_photo(photos / "a.jpg", seed=1), write_photo(photos / "b.jpg", seed=2)
    exif = Image.Exif()
    exif[0x010E] = "Grandma's 80th birthday"
    with Image.open(captioned) as im:
        im.save(captioned, "JPEG", exif=exif)
    library = open_library()
    library.index([photos])
    window = make_window(library)
    qtbot.waitUntil(lambda: window.model.rowCount() == 2 and settled(window), timeout=WAIT_MS)

    qtbot.keyClicks(window.search_field, "grandma")
    qtbot.waitUntil(lambda: window.view.kind == "search" and settled(window) and window.model.rowCount() == 2,
                    timeout=WAIT_MS)
    assert window.model.photo_id(0) == library.photo_at(captioned).id
    assert window.subtitle_label.text() == "Captioned “grandma” first  ·  2 photos, best match first"

    assert fact_shown(qtbot, window, library.photo_at(captioned).id, "Caption") == "Grandma's 80th birthday"
    assert fact_shown(qtbot, window, library.photo_at(plain).id, "Caption") is None


def fact_shown(qtbot, window, photo_id, fact: str) -> str | None:
    """The preview's `fact` about this photo once it is loaded; None when the fact is hidden."""
    window.preview.show_photo(photo_id, None, GridPosition(0, 2, more=False), None)
    qtbot.waitUntil(lambda: window.preview.photo is not None, timeout=WAIT_MS)
    label = window.preview._facts[fact]
    return None if label.isHidden() else label.text()


def test_space_and_double_click_open_the_preview_too(qtbot, window) -> None:
    window.grid.setFocus()
    window.grid.setCurrentIndex(window.model.index(0, 0))
    qtbot.keyClick(window.grid, Qt.Key.Key_Space)
    assert window.pages.currentWidget() is window.preview
    qtbot.keyClick(window.preview, Qt.Key.Key_Space)
    assert window.pages.currentWidget() is not window.preview
    rect = window.grid.visualRect(window.model.index(4, 0))
    qtbot.mouseClick(window.grid.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())  # Qt wants the press
    qtbot.mouseDClick(window.grid.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.pages.currentWidget() is window.preview
    assert window.preview.photo_id == window.model.photo_id(4)


def test_find_similar_from_the_preview_shows_the_nearest_photos(qtbot, window) -> None:
    target = window.model.photo_id(5)
    window.open_preview(window.model.index(5, 0))
    qtbot.waitUntil(lambda: window.preview.photo is not None, timeout=WAIT_MS)
    qtbot.mouseClick(window.preview.similar_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.view.kind == "similar" and settled(window) and window.model.rowCount() > 0,
                    timeout=WAIT_MS)
    assert window.pages.currentWidget() is not window.preview
    assert window.model.ids == [h.photo_id for h in window.library.similar(target, SEARCH_LIMIT)]
    assert target not in window.model.ids
    assert window.title_label.text() == f"Similar to {window.library.photo(target).path.name}"


def drop_and_wait(qtbot, window, url: QUrl) -> None:
    """Drop `url` on the window as a file manager or a browser would, and wait for the photos like it."""
    mime = QMimeData()
    mime.setUrls([url])
    event = QDropEvent(QPointF(300, 300), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    window.dropEvent(event)
    assert event.isAccepted()
    qtbot.waitUntil(lambda: window.view.kind == "similar" and settled(window) and window.model.rowCount() > 0,
                    timeout=WAIT_MS)


def test_dropping_an_image_file_finds_photos_like_it(qtbot, window, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere"
    dropped = next(iter(red_circle_folder(outside, with_red_circle=1, without=0, seed=99)))
    drop_and_wait(qtbot, window, QUrl.fromLocalFile(str(dropped)))
    assert window.model.ids == [h.photo_id for h in window.library.similar(dropped, SEARCH_LIMIT)]
    assert window.title_label.text() == f"Similar to {dropped.name}"


def test_dropping_an_image_from_a_browser_finds_photos_like_it(qtbot, window, web_folder) -> None:
    served, base = web_folder
    photo = window.library.photo(window.library.photos_by_date()[0])
    shutil.copy(photo.path, served / "Red ball.jpg")
    drop_and_wait(qtbot, window, QUrl(f"{base}/Red%20ball.jpg"))
    assert window.model.ids[0] == photo.id and window.title_label.text() == "Similar to Red ball.jpg"


def test_a_damaged_photo_says_so_in_its_facts_and_in_the_status_bar(
    qtbot, make_window, open_library, tmp_path: Path, monkeypatch
) -> None:
    from photoclip.gui import statusbar

    photos = tmp_path / "photos"
    whole, cut = write_photo(photos / "whole.jpg", seed=1), write_photo(photos / "cut.jpg", seed=2)
    cut.write_bytes(cut.read_bytes()[:-2])
    library = open_library()
    library.index([photos])
    window = make_window(library)
    qtbot.waitUntil(lambda: window.model.rowCount() == 2 and settled(window), timeout=WAIT_MS)
    assert window.index_status.failures_button.isVisible()
    assert window.index_status.failures_button.text() == "1 damaged"

    damage = fact_shown(qtbot, window, library.photo_at(cut).id, "Damaged")
    assert damage == "the file ends early; the image looks whole"
    assert fact_shown(qtbot, window, library.photo_at(whole).id, "Damaged") is None

    shown: list[tuple[str, list[tuple[str, str]]]] = []  # read while open: the dialog is freed once closed

    def read(dialog: statusbar.FailuresDialog) -> int:
        table = dialog.table
        shown.append((dialog.windowTitle(), [(table.item(row, 0).text(), table.item(row, 1).text())
                                             for row in range(table.rowCount())]))
        return 0

    monkeypatch.setattr(statusbar.FailuresDialog, "exec", read)
    window.show_failures()
    qtbot.waitUntil(lambda: bool(shown), timeout=WAIT_MS)
    assert shown == [("Damaged photos", [(str(cut), "damaged: the file ends early; the image looks whole")])]


def test_a_long_name_without_spaces_is_cut_in_its_middle_and_whole_in_its_tooltip(
    qtbot, make_window, open_library, tmp_path: Path
) -> None:
    name = "Screenshot_2023-05-14-12-34-56-789_com.example.averylongapplicationname.gallery.viewer.jpg"
    write_photo(tmp_path / "photos" / name, seed=3)
    window = preview_of_the_one_photo_in(qtbot, make_window, open_library, tmp_path / "photos")
    label = window.preview.name_label

    def fits() -> bool:
        start, cut, end = label.text().partition("…")
        return (bool(cut) and len(start) > 3 and len(end) > 3 and name.startswith(start) and name.endswith(end)
                and label.fontMetrics().horizontalAdvance(label.text()) <= label.contentsRect().width())

    assert fits() and label.toolTip() == name
    wider = label.text()
    label.resize(label.width() // 2, label.height())  # what a narrower panel would do
    assert fits() and len(label.text()) < len(wider)


def test_a_long_folder_stays_on_one_line_cut_at_its_start_keeping_as_many_last_folders_as_fit(
    qtbot, make_window, open_library, tmp_path: Path
) -> None:
    """Wrapped, it was cut to its first line in a low window: the folders that name the photo's place
    were lost; cut in its middle ("/tmp/…/Summer beach"), its start took the room of the year's folder."""
    folder = tmp_path / "photos" / "Family archive scanned" / "2019" / "Summer beach"
    write_photo(folder / "IMG_0001.jpg", seed=3)
    window = preview_of_the_one_photo_in(qtbot, make_window, open_library, tmp_path / "photos")
    label = window.preview.folder_label
    parts = str(folder).split("/")
    # as low as it goes, wide (the facts panel at its full width), then at its smallest (narrower)
    for size, at_least in ((QSize(1000, window.minimumSizeHint().height()), 2), (window.minimumSizeHint(), 1)):
        window.resize(size)
        qtbot.waitUntil(lambda: window.size() == size and "…" in label.text(), timeout=WAIT_MS)
        qtbot.wait(50)  # the layouts settle
        metrics, width = label.fontMetrics(), label.contentsRect().width()
        kept = next(k for k in range(len(parts) - 1, 0, -1)
                    if metrics.horizontalAdvance("/".join(["…", *parts[-k:]])) <= width)
        assert label.text() == "/".join(["…", *parts[-kept:]]) and kept >= at_least  # "…/2019/Summer beach"
        assert label.toolTip() == str(folder)
        assert label.height() < 2 * label.fontMetrics().lineSpacing()
        assert metrics.horizontalAdvance(label.text()) <= width


def test_a_folder_whose_last_name_alone_is_too_long_keeps_that_names_end(qtbot) -> None:
    from PySide6.QtWidgets import QLabel

    from photoclip.gui.preview import elided_folder

    metrics = QLabel().fontMetrics()
    folder = "/tmp/audit_photos/Sommerurlaub mit der ganzen Familie in Österreich"
    width = metrics.horizontalAdvance("…mit der ganzen Familie in Österreich")
    shown = elided_folder(folder, metrics, width)
    assert shown.startswith("…") and shown.endswith("Familie in Österreich")
    assert metrics.horizontalAdvance(shown) <= width
    assert elided_folder(folder, metrics, 2000) == folder  # room enough: all of it


def test_a_hebrew_folder_too_long_keeps_its_own_start_and_end_not_the_paths_start(qtbot) -> None:
    """Cut in the middle of the whole path, it showed "/home/anna/Pic…ה והחברים 2019", the same
    start for every photo and none of the folder's own."""
    from PySide6.QtWidgets import QLabel

    from photoclip.gui.preview import elided_folder

    metrics = QLabel().fontMetrics()
    shown = elided_folder("/home/anna/Pictures/טיול שנתי לצפון עם כל המשפחה והחברים 2019", metrics, 200)
    assert shown.startswith("…/טיול") and shown.endswith("2019") and "…" in shown[2:]
    assert metrics.horizontalAdvance(shown) <= 200


def test_a_hebrew_name_and_folder_read_in_order_with_the_extension_at_the_end(qtbot) -> None:
    """Laid out from their first letter, "תמונה 1.jpg" read "jpg.1 תמונה" and jumped to the panel's
    right; a folder of two Hebrew names in a row showed them swapped."""
    from photoclip.gui.app import make_app
    from photoclip.gui.preview import _ElidedLabel
    from tests.test_gui_wrapping import drawn_at

    make_app()
    name, folder = _ElidedLabel(), _ElidedLabel(folder=True)
    for label in (name, folder):
        qtbot.addWidget(label)
        label.resize(400, 30)
    name.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)  # as the preview's is
    name.set_name("תמונה 1.jpg")
    folder.set_name("/photos/חופשה בים/יום ראשון")
    name.show()
    image = name.grab().toImage()
    inked = [x for x in range(image.width()) for y in range(image.height()) if image.pixelColor(x, y).lightness() < 100]
    assert inked and min(inked) < 20  # at the left, as every other line of the panel
    text = name.text()
    x = drawn_at(text, name.font())
    assert max(x[:text.index(".")]) < x[text.index(".")] < x[text.index("j")]
    text = folder.text()
    x = drawn_at(text, folder.font())
    slash = text.rindex("/")
    hebrew = [at for at, char in enumerate(text) if "\u0590" <= char <= "\u05ff"]
    before, after = [x[at] for at in hebrew if at < slash], [x[at] for at in hebrew if at > slash]
    assert sum(before) / len(before) < x[slash] < sum(after) / len(after)  # "חופשה בים" left of "יום ראשון"
    assert name.toolTip() == "תמונה 1.jpg"
    name.setSelection(0, len(name.text()))
    qtbot.keyClick(name, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    copied = QApplication.clipboard().text()
    QApplication.clipboard().clear()
    assert copied == "תמונה 1.jpg"  # as written: the marks that order it on screen were copied, a path pasted broke


def test_a_photo_whose_file_is_gone_cannot_be_opened_or_shown_in_its_folder(
    qtbot, make_window, open_library, tmp_path: Path
) -> None:
    photos = tmp_path / "photos"
    gone, there = write_photo(photos / "gone.jpg", seed=1), write_photo(photos / "there.jpg", seed=2)
    library = open_library()
    library.index([photos])
    gone.unlink()  # no worker watches: the library still lists it
    window = make_window(library)
    qtbot.waitUntil(lambda: window.model.rowCount() == 2 and settled(window), timeout=WAIT_MS)
    preview = window.preview
    for path, missing in ((gone, True), (there, False), (gone, True)):
        row = window.model.ids.index(library.photo_at(path).id)
        window.open_preview(window.model.index(row, 0))
        qtbot.waitUntil(lambda: preview.photo is not None and preview.photo.path == path.resolve(), timeout=WAIT_MS)
        for button in (preview.open_button, preview.folder_button):
            assert button.isEnabled() is not missing
            assert ("missing" in button.toolTip()) is missing
        assert preview.similar_button.isEnabled()  # its likeness is still in the index
        window.escape()


@pytest.mark.parametrize("button_name", ["open_button", "folder_button"])
def test_opening_a_photo_without_a_launcher_says_what_failed(
    qtbot, make_window, open_library, tmp_path: Path, monkeypatch, button_name: str
) -> None:
    """A desktop without a launcher (no xdg-open) left both buttons doing nothing, silently."""
    from PySide6.QtGui import QDesktopServices

    write_photo(tmp_path / "photos" / "beach.jpg", seed=4)
    window = preview_of_the_one_photo_in(qtbot, make_window, open_library, tmp_path / "photos")
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: False)
    monkeypatch.setattr("sys.platform", "linux")  # where the folder, too, goes through openUrl
    qtbot.mouseClick(getattr(window.preview, button_name), Qt.MouseButton.LeftButton)
    said = window.statusBar().currentMessage()
    assert said.startswith("No app could be started to open “beach.jpg”" if button_name == "open_button"
                           else "No file manager could be started to show")


def test_a_long_taken_line_shows_whole_at_the_smallest_window(qtbot, make_window, open_library, tmp_path: Path) -> None:
    """The panel keeps the buttons' height at the window's smallest size; a fact wrapped onto a
    second line gets its room there (scrolled) instead of being cut to "unknown · file from 30"."""
    import os
    from datetime import datetime

    photo = write_photo(tmp_path / "photos" / "screenshot.png", seed=4, fmt="PNG")
    noon = datetime(2021, 9, 30, 12, 0).timestamp()
    os.utime(photo, (noon, noon))
    window = preview_of_the_one_photo_in(qtbot, make_window, open_library, tmp_path / "photos")
    taken = window.preview._facts["Taken"]
    assert taken.text() == "unknown · file from 30 September 2021"
    window.resize(window.minimumSize())
    qtbot.waitUntil(lambda: window.size() == window.minimumSize(), timeout=WAIT_MS)
    qtbot.wait(100)  # the layouts settle
    assert taken.height() >= taken.heightForWidth(taken.width()) > taken.fontMetrics().height() * 1.5
    button = window.preview.folder_button
    shown = button.visibleRegion().boundingRect()
    assert shown.height() == button.height()  # the last button is not cut either
    details = window.preview.findChild(QWidget, "PreviewDetails")
    assert details.width() <= details.parentWidget().width()  # nor is anything at the panel's right
    hint = window.preview.keys_hint
    assert max(hint.fontMetrics().horizontalAdvance(line) for line in hint.text().splitlines()) <= hint.width()


def test_a_photo_deleted_from_disk_while_shown_gives_way_to_the_next_one(
    qtbot, make_window, open_library, tmp_path: Path
) -> None:
    """The preview went on showing it, "2 of 3" and Open enabled, while the counts dropped."""
    photos = tmp_path / "photos"
    trip = [write_photo(photos / f"{name}.jpg", seed=ord(name)) for name in ("a", "b", "c")]
    write_photo(photos / "d.jpg", seed=4)  # the folder never empties (an empty one looks like an unplugged drive)
    library = open_library()
    library.index([photos])
    library.add_tag([library.photo_at(path).id for path in trip], "trip")
    window = make_window(library, worker=True, watch=True)
    qtbot.waitUntil(lambda: settled(window) and window.worker.wait_idle(0.01), timeout=WAIT_MS)
    window.show_tag("trip")  # the grid of the three
    qtbot.waitUntil(lambda: window.model.rowCount() == 3 and settled(window), timeout=WAIT_MS)
    ids, preview = window.model.ids, window.preview
    window.open_preview(window.model.index(1, 0))
    qtbot.waitUntil(lambda: preview.photo is not None, timeout=WAIT_MS)
    shown = preview.photo.path

    shown.unlink()  # by another program: the worker watching the folder sees it go
    qtbot.waitUntil(lambda: preview.photo_id == ids[2] and preview.photo is not None, timeout=WAIT_MS)
    assert window.pages.currentWidget() is preview and window.model.ids == [ids[0], ids[2]]
    assert preview.position_label.text() == "2 of 2" and not preview.next_button.isEnabled()
    assert preview.open_button.isEnabled() and preview.name_label.text() == library.photo(ids[2]).path.name
    assert window.statusBar().currentMessage().startswith(f"“{shown.name}” is no longer in the library")

    library.photo(ids[2]).path.unlink()  # the last one: the one before it
    qtbot.waitUntil(lambda: preview.photo_id == ids[0] and preview.position_label.text() == "1 of 1",
                    timeout=WAIT_MS)
    library.photo(ids[0]).path.unlink()  # none left: back to the grid
    qtbot.waitUntil(lambda: window.pages.currentWidget() is not preview, timeout=WAIT_MS)
    assert window.model.rowCount() == 0


def test_delete_in_the_preview_asks_naming_the_photo_then_trashes_it_and_shows_the_next(
    qtbot, make_window, open_library, tmp_path: Path, monkeypatch
) -> None:
    """Delete did nothing there: only the grid had the shortcut."""
    from tests.gui_support import answer_questions

    photos = tmp_path / "photos"
    for name in ("a", "b", "c"):
        write_photo(photos / f"{name}.jpg", seed=ord(name))
    library = open_library()
    library.index([photos])
    window = make_window(library, worker=True)
    qtbot.waitUntil(lambda: window.model.rowCount() == 3 and settled(window), timeout=WAIT_MS)
    ids, preview = window.model.ids, window.preview
    window.open_preview(window.model.index(0, 0))
    qtbot.waitUntil(lambda: preview.photo is not None, timeout=WAIT_MS)
    path = preview.photo.path
    asked = answer_questions(monkeypatch, False, True)

    field = preview.tags.field  # Delete while typing a tag edits the tag
    qtbot.mouseClick(field, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(field, "xy")
    field.setCursorPosition(0)
    qtbot.keyClick(field, Qt.Key.Key_Delete)
    assert field.text() == "y" and asked == []
    field.clear()

    preview.setFocus()
    qtbot.keyClick(preview, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: len(asked) == 1, timeout=WAIT_MS)
    size = asked[0][0].partition("(")[2].partition(")")[0]
    assert asked[0] == (f"Move “{path.name}” ({size}) to the trash?\n\nIt goes to the system trash, where you "
                        "can restore it.", "Move to trash")
    qtbot.wait(200)
    assert path.exists() and preview.photo_id == ids[0]  # cancelled: nothing moved

    qtbot.keyClick(preview, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: not path.exists() and preview.photo_id == ids[1], timeout=WAIT_MS)
    assert window.pages.currentWidget() is preview and preview.position_label.text() == "1 of 2"
    assert library.photo(ids[0]) is None and window.model.ids == ids[1:]
    qtbot.waitUntil(lambda: window.statusBar().currentMessage().startswith("Moved 1 photo"), timeout=WAIT_MS)


def test_a_match_score_shows_only_where_it_means_something_as_in_the_grid(qtbot, window) -> None:
    """The preview said "Match -0.129" of the last photos like another: less alike than any photo is."""
    from photoclip.search import SearchHit

    library, ids = window.library, window.model.ids[:3]
    hits = [SearchHit(pid, library.photo(pid).path, score) for pid, score in zip(ids, (0.3121, 0.0, -0.129))]
    window.model.show_hits(hits)
    said = []
    for row in range(3):
        index = window.model.index(row, 0)
        window.open_preview(index)
        qtbot.waitUntil(lambda: window.preview.photo is not None, timeout=WAIT_MS)
        match = window.preview._facts["Match"]
        tip = index.data(Qt.ItemDataRole.ToolTipRole)
        said.append((None if match.isHidden() else match.text(), tip.partition("Match: ")[2].partition("<")[0] or None))
        window.close_preview()
    assert said == [("0.312", "0.312"), (None, None), (None, None)]


def tab_from(qtbot, widget: QWidget, times: int) -> list[QWidget]:
    """The widgets Tab gives the focus to, `times` over, starting from `widget`."""
    widget.setFocus()
    reached = []
    for _ in range(times):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        reached.append(QApplication.focusWidget())
    return reached


def test_tab_reaches_the_previews_buttons_in_reading_order_and_its_keys_still_work(qtbot, window, monkeypatch) -> None:
    """Its buttons took no focus: only the mouse reached them. The arrows step and Esc goes back
    from a focused button too; Enter presses it, and a button pressed keeps the focus."""
    preview, model = window.preview, window.model
    window.library.add_tag([model.photo_id(2)], "picnic")
    window.open_preview(model.index(2, 0))
    qtbot.waitUntil(lambda: preview.photo is not None and "picnic" in preview.tags.shown(), timeout=WAIT_MS)
    chip = preview.tags.chips["picnic"]
    order = [preview.back_button, preview.prev_button, preview.next_button, chip.name, chip.remove,
             preview.tags.field, preview.similar_button, preview.open_button, preview.folder_button]
    assert tab_from(qtbot, preview, len(order)) == order

    preview.next_button.setFocus()
    qtbot.keyClick(preview.next_button, Qt.Key.Key_Space)  # its click, not "back"
    assert preview.photo_id == model.photo_id(3) and QApplication.focusWidget() is preview.next_button
    qtbot.keyClick(preview.next_button, Qt.Key.Key_Right)  # the step, not the focus moving along
    assert preview.photo_id == model.photo_id(4) and QApplication.focusWidget() is preview.next_button
    qtbot.keyClick(preview.next_button, Qt.Key.Key_Up)
    assert preview.photo_id == model.photo_id(3)
    qtbot.waitUntil(lambda: preview.photo is not None and preview.open_button.isEnabled(), timeout=WAIT_MS)

    opened = []
    monkeypatch.setattr("photoclip.gui.desktop.open_with_default_app", lambda path: opened.append(path) or True)
    preview.open_button.setFocus()
    qtbot.keyClick(preview.open_button, Qt.Key.Key_Return)
    assert opened == [preview.photo.path] and window.pages.currentWidget() is preview
    preview.tags.field.setFocus()
    qtbot.keyClicks(preview.tags.field, "ab")
    for key in (Qt.Key.Key_Left, Qt.Key.Key_Down):  # the field's cursor (or completions), not another photo
        qtbot.keyClick(preview.tags.field, key)
    assert preview.photo_id == model.photo_id(3) and preview.tags.field.cursorPosition() == 1
    preview.tags.field.clear()
    preview.folder_button.setFocus()
    qtbot.keyClick(preview.folder_button, Qt.Key.Key_Escape)
    assert window.pages.currentWidget() is not preview


def test_tabbing_into_the_tags_of_a_low_window_scrolls_the_facts_to_the_focused_one(qtbot, window) -> None:
    """The facts scroll in a low window; Tab gave the focus to a tag out of sight below them."""
    from PySide6.QtCore import QRect

    preview, model = window.preview, window.model
    names = [f"tag number {i}" for i in range(14)]
    for name in names:
        window.library.add_tag([model.photo_id(0)], name)
    window.open_preview(model.index(0, 0))
    qtbot.waitUntil(lambda: preview.photo is not None and len(preview.tags.shown()) >= len(names), timeout=WAIT_MS)
    window.resize(window.minimumSize())
    qtbot.waitUntil(lambda: window.size() == window.minimumSize(), timeout=WAIT_MS)
    qtbot.wait(100)  # the layouts settle
    scroll = preview.info_scroll
    assert scroll.verticalScrollBar().maximum() > 0 and scroll.verticalScrollBar().value() == 0
    viewport = scroll.viewport()

    def in_sight(widget: QWidget) -> bool:
        return viewport.rect().contains(QRect(widget.mapTo(viewport, widget.rect().topLeft()), widget.size()))

    last = preview.tags.focus_order()[-2]  # the last tag's ×, above the add field pinned below the facts
    assert not in_sight(last)
    preview.tags.field.setFocus()  # Shift+Tab comes back into the scrolled tags from there
    qtbot.keyClick(preview.tags.field, Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
    assert QApplication.focusWidget() is last
    assert in_sight(last) and scroll.verticalScrollBar().value() > 0
    scroll.verticalScrollBar().setValue(scroll.verticalScrollBar().maximum())
    first = preview.tags.focus_order()[0]  # Tab from the bar above: the first tag's name
    assert tab_from(qtbot, preview.next_button, 1) == [first] and in_sight(first)


def test_the_previews_key_hint_mentions_tab(qtbot, window) -> None:
    """Tab reaches the tags and the buttons, but the hint listed only the arrows, Esc and Del."""
    assert any(line.startswith("Tab ") for line in window.preview.keys_hint.text().splitlines())


def wholly_shown(widget: QWidget) -> bool:
    return widget.isVisible() and widget.visibleRegion().boundingRect() == widget.rect()


@pytest.mark.parametrize("points", [None, 16])
def test_the_add_a_tag_field_shows_whole_below_many_tags_at_any_font(qtbot, window, points) -> None:
    """With three tags or more it hid under "Find similar photos" (gone at 16 points): the panel
    was a chip line short, its scroll bar kept by the narrower width it leaves."""
    if points:
        from PySide6.QtGui import QFont

        from photoclip.gui.app import make_app
        app = make_app()
        usual = QFont(app.font())
        font = QFont(usual)
        font.setPointSizeF(points)
        app.setFont(font)
        make_app()
    try:
        preview, model = window.preview, window.model
        for name in ("Chelsea the cat", "cross", "circle", "star", "heart"):
            window.library.add_tag([model.photo_id(0)], name)
        window.resize(1280, 800)
        window.open_preview(model.index(0, 0))
        qtbot.waitUntil(lambda: preview.photo is not None and len(preview.tags.shown()) == 5, timeout=WAIT_MS)
        qtbot.wait(200)  # the layouts settle
        assert wholly_shown(preview.tags.field)
        field, button = preview.tags.field, preview.similar_button
        assert field.mapTo(window, field.rect().bottomLeft()).y() < button.mapTo(window, button.rect().topLeft()).y()
    finally:
        if points:
            app.setFont(usual)
            make_app()


def test_the_facts_scroll_bar_goes_when_the_facts_fit_their_whole_width(qtbot) -> None:
    """Tags that fit a line at the area's width but wrap beside a scroll bar kept the bar (and the
    area a line short) once a low window had shown it, however tall the window grew again."""
    from photoclip.gui.preview import _InfoScroll
    from photoclip.gui.tags import FlowLayout

    content = QWidget()
    flow = FlowLayout(content)
    for _ in range(3):
        box = QWidget()
        box.setFixedSize(80, 200)
        flow.addWidget(box)
    scroll = _InfoScroll()
    scroll.setFrameShape(scroll.Shape.NoFrame)
    scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    scroll.setWidgetResizable(True)
    scroll.setWidget(content)
    qtbot.addWidget(scroll)
    line = 3 * 80 + 2 * 6  # the three boxes and their gaps
    scroll.resize(line + 2, 100)
    scroll.show()
    qtbot.waitExposed(scroll)
    qtbot.waitUntil(lambda: scroll.verticalScrollBar().isVisible(), timeout=WAIT_MS)
    scroll.resize(line + 2, 300)
    qtbot.waitUntil(lambda: not scroll.verticalScrollBar().isVisible(), timeout=WAIT_MS)
    assert content.width() == scroll.width()
    assert [box.y() for box in content.children() if box.isWidgetType()] == [0] * 3  # one line


def test_a_small_window_leaves_the_photo_the_larger_part_of_the_preview(qtbot, window) -> None:
    """At 800×560 the sidebar and the facts kept their widths and left the photo 216 pixels."""
    window.resize(800, 560)
    window.open_preview(window.model.index(0, 0))
    qtbot.waitUntil(lambda: window.preview.photo is not None, timeout=WAIT_MS)
    qtbot.wait(100)  # the layouts settle
    panel = window.preview.info_scroll.parentWidget()
    assert window.preview.canvas.width() > panel.width()
    for button in (window.preview.similar_button, window.preview.open_button, window.preview.folder_button):
        assert button.width() >= button.sizeHint().width()


def test_a_caption_or_copy_name_without_spaces_wraps_and_never_widens_the_window(
    qtbot, make_window, open_library, tmp_path: Path
) -> None:
    """A caption of 1,000 letters without a space (a URL) held the window 8,263 pixels wide, even
    after the preview closed."""
    from PIL import Image

    photos = tmp_path / "photos"
    plain, captioned = write_photo(photos / "a.jpg", seed=1), write_photo(photos / "b.jpg", seed=2)
    caption = "https://example.org/" + "a" * 1000
    with Image.open(captioned) as im:
        im.load()
        im.save(captioned, "JPEG", comment=caption.encode())
    shutil.copy(captioned, photos / ("c" * 150 + ".jpg"))
    library = open_library()
    library.index([photos])
    window = make_window(library)
    qtbot.waitUntil(lambda: window.model.rowCount() == 3 and settled(window), timeout=WAIT_MS)
    window.resize(1000, 700)
    window.open_preview(window.model.index(0, 0))
    fact_shown(qtbot, window, library.photo_at(plain).id, "Caption")
    qtbot.wait(100)  # the layouts settle
    least, width = window.minimumSizeHint().width(), window.width()

    shown = fact_shown(qtbot, window, library.photo_at(captioned).id, "Caption")
    qtbot.wait(100)
    window.grab().save(str(tmp_path / "long-caption.png"))

    assert shown is not None and shown.replace("\u200b", "") == caption
    assert window.minimumSizeHint().width() == least and window.width() == width
    for fact in ("Caption", "Copies"):
        label = window.preview._facts[fact]
        assert label.isVisible() and label.geometry().right() < label.parentWidget().width(), fact
        assert label.height() > 3 * label.fontMetrics().lineSpacing(), fact  # wrapped, not cut
    caption_shown = window.preview._facts["Caption"].visibleRegion().boundingRect().height()
    assert caption_shown > window.preview.info_scroll.height() // 2  # taller than the facts' area, it shows cut
    label = window.preview._facts["Caption"]
    label.setSelection(0, len(label.text()))
    qtbot.keyClick(label, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    copied = QApplication.clipboard().text()
    QApplication.clipboard().clear()  # nothing of the test's left on the clipboard at the application's end
    assert copied == caption  # as written: the break points for the wrapping were in it, and a URL pasted broke
    window.escape()
    qtbot.wait(100)
    assert window.minimumSizeHint().width() == least and window.width() == width
