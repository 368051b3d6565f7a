"""Several photos at once in the grid, on a real library, worker and tiny CLIP, offscreen:
Ctrl/Shift-click and Ctrl+A select, and the right-click (or Menu key, or Shift+F10) menu tags,
untags, finds similar, shows in the folder and moves to the trash what is selected (read-only: no
changes)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

import pytest
from PySide6.QtCore import QPointF, Qt, QTimer
from PySide6.QtGui import QContextMenuEvent, QDropEvent, QGuiApplication
from PySide6.QtWidgets import QApplication, QFileDialog, QInputDialog, QLineEdit, QMenu, QWidget

from photoclip.gui import desktop
from photoclip.gui import grid as grid_module
from photoclip.ids import PhotoId
from photoclip.library import Library
from photoclip.tagging import PhotoTag
from tests.conftest import TRASH_FILES, TRASH_INFO
from tests.gui_support import WAIT_MS, answer_questions, make_window, settled  # noqa: F401
from tests.test_gui_tags import click_tag, shapes_library, shown_tags


@pytest.fixture
def library(open_library, tmp_path: Path) -> Library:
    return shapes_library(open_library, tmp_path)


def shown(qtbot, window, rows: int | None = None) -> None:
    qtbot.waitUntil(lambda: settled(window) and window.model.rowCount() > 0
                    and (rows is None or window.model.rowCount() == rows), timeout=WAIT_MS)


def click(qtbot, window, row: int, modifier=Qt.KeyboardModifier.NoModifier,
          button=Qt.MouseButton.LeftButton) -> None:
    grid = window.grid
    grid.scrollTo(window.model.index(row, 0))
    center = grid.visualRect(window.model.index(row, 0)).center()
    qtbot.mouseClick(grid.viewport(), button, modifier, center)


def right_click(qtbot, window, row: int) -> None:
    """What a right click does: the press (selection) and then the context-menu event."""
    grid = window.grid
    center = grid.visualRect(window.model.index(row, 0)).center()
    qtbot.mousePress(grid.viewport(), Qt.MouseButton.RightButton, pos=center)
    qtbot.mouseRelease(grid.viewport(), Qt.MouseButton.RightButton, pos=center)
    event = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, center, grid.viewport().mapToGlobal(center))
    QApplication.sendEvent(grid.viewport(), event)


def when_shown(find: Callable[[], QWidget | None], handle: Callable[[QWidget], None], tries: int = 400) -> None:
    """Deal with a menu or dialog once it is up (it runs its own event loop meanwhile)."""
    def poll(left: int) -> None:
        widget = find()
        if widget is not None and widget.isVisible():
            handle(widget)
        elif left > 0:
            QTimer.singleShot(25, lambda: poll(left - 1))

    QTimer.singleShot(0, lambda: poll(tries))


def menu_entries(menu: QMenu) -> dict[str, tuple[str, bool]]:
    return {a.objectName(): (a.text(), a.isEnabled()) for a in menu.actions() if not a.isSeparator()}


def trigger(window, name: str) -> None:
    menu = window.selection_menu()
    assert menu is not None
    [action] = [a for a in menu.actions() if a.objectName() == name]
    assert action.isEnabled()
    action.trigger()


def answer_tag_dialog(qtbot, text: str, asked: list[str]) -> None:
    """Type `text` into the "Add tag" dialog when it opens and press Enter."""
    def type_in(dialog: QWidget) -> None:
        assert isinstance(dialog, QInputDialog) and dialog.objectName() == "AddTagDialog"
        asked.append(dialog.labelText())
        field = dialog.findChild(QLineEdit)
        qtbot.keyClicks(field, text)
        qtbot.keyClick(field, Qt.Key.Key_Return)

    when_shown(QApplication.activeModalWidget, type_in)


def test_every_entry_of_the_photo_menu_has_its_icon(qtbot, make_window, library) -> None:
    """"Move to trash…" was the one entry of the Photo menu and the right-click menu without one."""
    window = make_window(library, worker=True)
    shown(qtbot, window)
    click(qtbot, window, 0)
    menu = window.selection_menu()
    assert menu is not None
    entries = [a for a in menu.actions() if not a.isSeparator()]
    assert "trash" in [a.objectName() for a in entries]
    assert [a.objectName() for a in entries if a.icon().isNull()] == []
    menu.deleteLater()


def test_ctrl_and_shift_click_and_ctrl_a_select_several_and_enter_still_opens_one(
    qtbot, make_window, library
) -> None:
    window = make_window(library)
    shown(qtbot, window)
    grid, ids = window.grid, window.model.ids
    click(qtbot, window, 1)
    click(qtbot, window, 4, Qt.KeyboardModifier.ControlModifier)
    click(qtbot, window, 6, Qt.KeyboardModifier.ControlModifier)
    assert grid.selected_photo_ids() == [ids[1], ids[4], ids[6]]
    assert window.subtitle_label.text().endswith("  ·  3 selected")
    click(qtbot, window, 4, Qt.KeyboardModifier.ControlModifier)  # Ctrl-click again lets go of it
    assert grid.selected_photo_ids() == [ids[1], ids[6]]
    click(qtbot, window, 6)  # a plain click: that one only
    assert grid.selected_photo_ids() == [ids[6]]
    click(qtbot, window, 9, Qt.KeyboardModifier.ShiftModifier)  # a run from the one clicked
    assert grid.selected_photo_ids() == ids[6:10]
    qtbot.keyClick(grid, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    assert grid.selected_photo_ids() == ids and grid.selected_count() == len(ids)

    qtbot.keyClick(grid, Qt.Key.Key_Escape)  # Esc lets go of the many, keeps the one in focus
    assert grid.selected_photo_ids() == [grid.current_photo_id()]
    assert "selected" not in window.subtitle_label.text()
    click(qtbot, window, 2)
    qtbot.keyClick(grid, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    assert grid.selected_photo_ids() == ids[2:4]
    qtbot.keyClick(grid, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.preview.photo_id == ids[3], timeout=WAIT_MS)
    assert window.pages.currentWidget() is window.preview

    window.close_preview()
    qtbot.keyClick(grid, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(window.search_field, "a star")  # another view: nothing selected there yet
    qtbot.waitUntil(lambda: window.view.kind == "search" and settled(window), timeout=WAIT_MS)
    assert grid.selected_photo_ids() == [] and "selected" not in window.subtitle_label.text()


def test_ctrl_a_selects_every_photo_also_those_not_paged_in_yet(qtbot, make_window, library, monkeypatch) -> None:
    """The grid pages photos in as it scrolls: Ctrl+A then Delete trashed the first pages' only."""
    monkeypatch.setattr(grid_module, "PAGE", 2)
    window = make_window(library, worker=True)
    window.resize(640, 520)  # the view pages in only as many as it shows
    shown(qtbot, window)
    everything = library.photos_by_date(0, 1000)
    assert window.model.rowCount() < len(everything)

    qtbot.keyClick(window.grid, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)

    qtbot.waitUntil(lambda: window.grid.selected_count() == len(everything), timeout=WAIT_MS)
    assert window.grid.selected_photo_ids() == everything
    assert window.subtitle_label.text().endswith(f"  ·  {len(everything)} selected")


def test_right_click_keeps_the_selection_and_offers_what_fits_it(qtbot, make_window, library) -> None:
    window = make_window(library, worker=True)
    shown(qtbot, window)
    ids = window.model.ids
    click(qtbot, window, 0)
    click(qtbot, window, 2, Qt.KeyboardModifier.ShiftModifier)
    seen: list[dict[str, tuple[str, bool]]] = []
    when_shown(QApplication.activePopupWidget, lambda menu: (seen.append(menu_entries(menu)), menu.close()))
    right_click(qtbot, window, 1)
    qtbot.waitUntil(lambda: bool(seen), timeout=WAIT_MS)
    assert window.grid.selected_photo_ids() == ids[0:3]  # a right click on a selected photo keeps them all
    assert seen[0] == {
        "add_tag": ("Add tag…", True),
        "find_similar": ("Find photos like these", True),
        "show_in_folder": ("Show in folder", False),
        "copy": ("Copy", True),
        "copy_to_folder": ("Copy to folder…", True),
        "trash": ("Move to trash…", True),
    }  # no "Remove tag": this is not a tag's page

    seen.clear()
    when_shown(QApplication.activePopupWidget, lambda menu: (seen.append(menu_entries(menu)), menu.close()))
    right_click(qtbot, window, 5)  # outside the selection: that photo alone
    qtbot.waitUntil(lambda: bool(seen), timeout=WAIT_MS)
    assert window.grid.selected_photo_ids() == [ids[5]]
    assert seen[0]["find_similar"] == ("Find similar", True) and seen[0]["show_in_folder"] == ("Show in folder", True)


def test_shift_f10_and_the_menu_key_open_the_menu_of_the_photo_the_keyboard_is_at(
    qtbot, make_window, library, monkeypatch
) -> None:
    """Laptops have no Menu key: Shift+F10 opens the menu too. Ctrl+arrows move the keyboard off
    the selection without changing it: the menu then acts on that photo, as in a file manager;
    back on a selected photo, on the selection."""
    window = make_window(library)
    shown(qtbot, window)
    ids, grid = window.model.ids, window.grid
    revealed: list[Path] = []
    monkeypatch.setattr(desktop, "show_in_folder", revealed.append)
    click(qtbot, window, 0)
    click(qtbot, window, 1, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(grid, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)
    assert grid.currentIndex().row() == 2 and grid.selected_photo_ids() == ids[0:2]
    seen: list[dict[str, tuple[str, bool]]] = []

    def show_in_folder(menu: QMenu) -> None:
        seen.append(menu_entries(menu))
        [action] = [a for a in menu.actions() if a.objectName() == "show_in_folder"]
        action.trigger()
        menu.close()

    when_shown(QApplication.activePopupWidget, show_in_folder)
    qtbot.keyClick(grid, Qt.Key.Key_F10, Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: bool(seen), timeout=WAIT_MS)
    assert seen[0]["find_similar"] == ("Find similar", True)
    qtbot.waitUntil(lambda: revealed == [library.photo(ids[2]).path], timeout=WAIT_MS)
    assert grid.selected_photo_ids() == ids[0:2]  # the menu acted on the photo, the selection stayed

    seen.clear()
    qtbot.keyClick(grid, Qt.Key.Key_Left, Qt.KeyboardModifier.ControlModifier)
    when_shown(QApplication.activePopupWidget, lambda menu: (seen.append(menu_entries(menu)), menu.close()))
    qtbot.keyClick(grid, Qt.Key.Key_Menu)
    qtbot.waitUntil(lambda: bool(seen), timeout=WAIT_MS)
    assert seen[0]["find_similar"] == ("Find photos like these", True)


def test_find_similar_and_show_in_folder_act_on_the_one_selected_photo(
    qtbot, make_window, library, monkeypatch
) -> None:
    window = make_window(library)
    shown(qtbot, window)
    photo = window.model.ids[3]
    revealed: list[Path] = []
    monkeypatch.setattr(desktop, "show_in_folder", revealed.append)
    click(qtbot, window, 3)
    trigger(window, "show_in_folder")
    qtbot.waitUntil(lambda: revealed == [library.photo(photo).path], timeout=WAIT_MS)
    trigger(window, "find_similar")
    qtbot.waitUntil(lambda: window.view.kind == "similar" and settled(window), timeout=WAIT_MS)
    assert window.model.ids == [h.photo_id for h in library.similar(photo, limit=400)]
    assert window.title_label.text() == f"Similar to {library.photo(photo).path.name}"


def test_find_photos_like_several_selected_ones_together(qtbot, make_window, library) -> None:
    window = make_window(library)
    shown(qtbot, window)
    chosen = (window.model.ids[1], window.model.ids[4])
    click(qtbot, window, 1)
    click(qtbot, window, 4, Qt.KeyboardModifier.ControlModifier)

    trigger(window, "find_similar")

    qtbot.waitUntil(lambda: window.view.kind == "similar" and settled(window), timeout=WAIT_MS)
    assert window.model.ids == [h.photo_id for h in library.similar(list(chosen), limit=400)]
    assert not set(chosen) & set(window.model.ids)
    assert window.title_label.text() == "Similar to 2 photos"


def test_copy_to_folder_copies_the_selected_photos_and_says_so(
    qtbot, make_window, library, monkeypatch, tmp_path: Path
) -> None:
    window = make_window(library)
    shown(qtbot, window)
    ids = window.model.ids
    click(qtbot, window, 1)
    click(qtbot, window, 3, Qt.KeyboardModifier.ControlModifier)
    target = tmp_path / "to share"
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *args, **kwargs: str(target))
    trigger(window, "copy_to_folder")
    expected = sorted(library.photo(pid).path.name for pid in (ids[1], ids[3]))
    qtbot.waitUntil(lambda: "Copied 2 photos" in window.statusBar().currentMessage(), timeout=WAIT_MS)
    assert sorted(p.name for p in target.iterdir()) == expected
    assert all(library.photo(pid).path.exists() for pid in (ids[1], ids[3]))

    window.copy_to_folder([ids[1]], library.photo(ids[1]).path / "below a file")
    qtbot.waitUntil(lambda: window.error_banner.isVisible(), timeout=WAIT_MS)
    assert "Cannot make the folder" in window.error_banner.text.text()


def clipboard_files() -> list[Path]:
    data = QGuiApplication.clipboard().mimeData()
    return [] if data is None else [Path(url.toLocalFile()) for url in data.urls()]


def test_ctrl_c_copies_the_selected_photos_files_for_a_folder_a_mail_or_a_chat(
    qtbot, make_window, library
) -> None:
    """Ctrl+C in the grid did nothing: pasted into a file manager (GNOME's reads its own list too),
    a mail or a chat, the copied photos are their files; into a text, their paths. The menu offers
    it; in the preview it copies the photo shown."""
    window = make_window(library)
    shown(qtbot, window)
    ids = window.model.ids
    QGuiApplication.clipboard().clear()
    click(qtbot, window, 1)
    click(qtbot, window, 3, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(window.grid, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    expected = [library.photo(pid).path for pid in (ids[1], ids[3])]
    qtbot.waitUntil(lambda: clipboard_files() == expected, timeout=WAIT_MS)
    data = QGuiApplication.clipboard().mimeData()
    assert data.text().splitlines() == [str(path) for path in expected]
    assert bytes(data.data("x-special/gnome-copied-files").data()).decode().splitlines() == [
        "copy", *(url.toString() for url in data.urls())]
    assert window.statusBar().currentMessage().startswith("Copied 2 photos")
    assert all(path.exists() for path in expected)  # copied, not cut

    QGuiApplication.clipboard().clear()
    trigger(window, "copy")
    qtbot.waitUntil(lambda: clipboard_files() == expected, timeout=WAIT_MS)

    QGuiApplication.clipboard().clear()
    qtbot.keyClick(window.grid, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.preview.photo_id == ids[3], timeout=WAIT_MS)
    qtbot.keyClick(window.preview, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: clipboard_files() == [expected[1]], timeout=WAIT_MS)
    QGuiApplication.clipboard().clear()  # no data of this test's left to the application's end


def test_photos_dragged_out_of_the_grid_and_dropped_back_on_the_window_do_nothing(
    qtbot, make_window, library
) -> None:
    """A drag out of the grid let go over the window itself (the user changed their mind) is no
    image dropped to find photos like it."""
    window = make_window(library)
    shown(qtbot, window)
    chosen = [window.model.index(0, 0)]
    click(qtbot, window, 0)
    qtbot.waitUntil(lambda: window.model.mimeData(chosen) is not None, timeout=WAIT_MS)
    dragged = window.model.mimeData(chosen)
    event = QDropEvent(QPointF(300, 300), Qt.DropAction.CopyAction, dragged, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    window.dropEvent(event)
    assert not event.isAccepted() and window.view.kind == "library"


def test_add_tag_gives_the_tag_to_every_selected_photo(qtbot, make_window, library) -> None:
    window = make_window(library, worker=True)
    shown(qtbot, window)
    ids = window.model.ids
    chosen = [ids[0], ids[3], ids[7]]
    click(qtbot, window, 0)
    click(qtbot, window, 3, Qt.KeyboardModifier.ControlModifier)
    click(qtbot, window, 7, Qt.KeyboardModifier.ControlModifier)
    asked: list[str] = []
    answer_tag_dialog(qtbot, "  Lake   House ", asked)
    trigger(window, "add_tag")
    assert asked == ["Tag 3 photos with:"]
    qtbot.waitUntil(lambda: set(library.tagged("lake house")) == set(chosen), timeout=WAIT_MS)
    for pid in chosen:
        assert PhotoTag("lake house", "user", 1.0) in library.photo_tags(pid)
    assert not any("lake house" in shown_tags(library, pid) for pid in ids if pid not in chosen)
    qtbot.waitUntil(lambda: window.sidebar.tag_item("lake house") is not None, timeout=WAIT_MS)

    click(qtbot, window, 2)
    window.activateWindow()  # offscreen, no window is active once a dialog has closed
    window.grid.setFocus()
    qtbot.waitUntil(window.grid.hasFocus, timeout=WAIT_MS)
    answer_tag_dialog(qtbot, "Grandma", asked)
    qtbot.keyClick(window.grid, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)  # the keyboard's way
    assert asked[-1] == "Tag 1 photo with:"
    qtbot.waitUntil(lambda: library.tagged("grandma") == [ids[2]], timeout=WAIT_MS)

    answer_tag_dialog(qtbot, "x" * 61, asked)  # the engine's rule, said in the error strip
    trigger(window, "add_tag")
    assert window.error_banner.isVisible()
    assert window.error_banner.text.text().startswith("A tag name can be at most")
    answer_tag_dialog(qtbot, "", asked)
    trigger(window, "add_tag")
    assert window.error_banner.text.text().startswith("A tag needs a name")
    assert all(len(name) <= 60 and name for name, _count in library.tags())


def test_remove_tag_on_a_tag_page_takes_it_off_the_selected_photos(qtbot, make_window, library) -> None:
    window = make_window(library, worker=True)
    tag = library.tags()[0][0]
    click_tag(qtbot, window, tag)
    tagged = window.model.ids
    assert len(tagged) >= 3
    click(qtbot, window, 0)
    click(qtbot, window, 2, Qt.KeyboardModifier.ControlModifier)
    chosen = [tagged[0], tagged[2]]
    entries = menu_entries(window.selection_menu())
    assert entries["remove_tag"] == (f"Remove tag “{tag}”", True)
    trigger(window, "remove_tag")
    qtbot.waitUntil(lambda: all(PhotoTag(tag, "rejected", 1.0) in library.photo_tags(p) for p in chosen),
                    timeout=WAIT_MS)
    assert set(library.tagged(tag)) == set(tagged) - set(chosen)
    qtbot.waitUntil(lambda: settled(window) and set(window.model.ids) == set(tagged) - set(chosen),
                    timeout=WAIT_MS)

    qtbot.keyClicks(window.search_field, "a red circle")  # a search among the tag's photos: the same
    qtbot.waitUntil(lambda: window.view.kind == "search" and window.view.tag == tag and settled(window),
                    timeout=WAIT_MS)
    found = window.model.ids
    click(qtbot, window, 0)
    trigger(window, "remove_tag")
    assert window.model.ids == found[1:]
    qtbot.waitUntil(lambda: PhotoTag(tag, "rejected", 1.0) in library.photo_tags(found[0]), timeout=WAIT_MS)


def test_move_to_trash_asks_then_sends_the_selected_files_to_the_trash(
    qtbot, make_window, open_library, photo_folder, monkeypatch
) -> None:
    library = open_library()
    library.index([photo_folder])
    window = make_window(library, worker=True)
    shown(qtbot, window, rows=6)
    ids = window.model.ids
    chosen = [ids[1], ids[4]]
    paths = [library.photo(pid).path for pid in chosen]
    contents = {path: path.read_bytes() for path in paths}
    click(qtbot, window, 1)
    click(qtbot, window, 4, Qt.KeyboardModifier.ControlModifier)
    asked = answer_questions(monkeypatch, False, True)
    qtbot.keyClick(window.grid, Qt.Key.Key_Delete)  # the Delete key asks the same
    qtbot.waitUntil(lambda: len(asked) == 1, timeout=WAIT_MS)
    assert asked[0][0].startswith("Move 2 photos (") and "copy kept" not in asked[0][0]
    qtbot.wait(300)
    assert all(path.exists() for path in paths) and window.model.ids == ids  # cancelled: nothing moved

    trigger(window, "trash")
    qtbot.waitUntil(lambda: not any(path.exists() for path in paths), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: window.model.ids == [pid for pid in ids if pid not in chosen], timeout=WAIT_MS)
    assert window.grid.current_photo_id() == ids[5]  # the one after the photo the keyboard was at: → goes on
    assert window.grid.selected_photo_ids() == [ids[5]]
    for path in paths:
        [info] = [i for i in TRASH_INFO.glob("*.trashinfo") if f"Path={quote(str(path))}\n" in i.read_text()]
        assert (TRASH_FILES / info.stem).read_bytes() == contents[path]
    assert library.photos(chosen) == {}
    qtbot.waitUntil(lambda: window.statusBar().currentMessage().startswith("Moved 2 photos"), timeout=WAIT_MS)
    assert all(library.photo(pid).path.exists() for pid in ids if pid not in chosen)


def test_the_question_for_one_photo_names_it(qtbot, make_window, open_library, photo_folder, monkeypatch) -> None:
    """It said "Move 1 photo (13.4 kB) to the trash?": which one, the question did not say."""
    library = open_library()
    library.index([photo_folder])
    window = make_window(library, worker=True)
    shown(qtbot, window, rows=6)
    click(qtbot, window, 2)
    photo = library.photo(window.model.photo_id(2))
    asked = answer_questions(monkeypatch, False)
    qtbot.keyClick(window.grid, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: len(asked) == 1, timeout=WAIT_MS)
    assert asked[0][0].startswith(f"Move “{photo.path.name}” (")
    assert asked[0][0].endswith(") to the trash?\n\nIt goes to the system trash, where you can restore it.")


def test_a_read_only_window_offers_no_changes_to_the_selection(qtbot, make_window, library, tmp_path) -> None:
    reader = Library.open(tmp_path / "library", model="photoclip-tiny", read_only=True)
    try:
        window = make_window(reader, worker=True)
        assert window.worker is None
        click_tag(qtbot, window, library.tags()[0][0])
        click(qtbot, window, 0)
        entries = menu_entries(window.selection_menu())
        assert entries == {
            "add_tag": ("Add tag…", False),
            "remove_tag": (f"Remove tag “{library.tags()[0][0]}”", False),
            "find_similar": ("Find similar", True),
            "show_in_folder": ("Show in folder", True),
            "copy": ("Copy", True),
            "copy_to_folder": ("Copy to folder…", True),  # copying changes nothing of the library
            "trash": ("Move to trash…", False),
        }
        window.trash_ids([PhotoId(window.model.ids[0])])  # even asked directly, nothing is touched
        assert library.photo(window.model.ids[0]).path.exists()
    finally:
        window.shutdown()
        reader.close()
