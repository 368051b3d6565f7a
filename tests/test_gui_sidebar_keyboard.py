"""The sidebar from the keyboard, offscreen: Tab reaches it, arrows move through its entries
(showing each, as a click does), Enter and Space fold a section, and the entry with the focus
is outlined; a click still leaves the keyboard in the search field."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication

from photoclip.gui import theme
from tests.gui_support import WAIT_MS, make_window, red_circle_folder, settled  # noqa: F401


@pytest.fixture
def window(qtbot, make_window, open_library, tmp_path: Path):
    red_circle_folder(tmp_path / "photos", with_red_circle=2, without=4)
    library = open_library()
    library.index([tmp_path / "photos"])
    window = make_window(library)
    window.activateWindow()
    qtbot.waitUntil(lambda: window.model.rowCount() == 6 and settled(window), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.search_field, timeout=WAIT_MS)
    return window


def tab_to_the_sidebar(qtbot, window) -> None:
    for _ in range(10):
        if window.sidebar.tree.hasFocus():
            return
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    raise AssertionError(f"Tab never reached the sidebar (it went round to {QApplication.focusWidget()})")


def outlined(tree, item) -> bool:
    """Whether the entry's row is drawn with an accent-coloured outline."""
    image = tree.viewport().grab(tree.visualItemRect(item)).toImage()
    accent = QColor(theme.colours().accent)
    return sum(image.pixelColor(x, y) == accent for x in range(image.width()) for y in range(image.height())) > 20


def test_tab_reaches_the_sidebar_and_arrows_show_its_entries(qtbot, window) -> None:
    sidebar, tree = window.sidebar, window.sidebar.tree
    assert not outlined(tree, sidebar.all_photos)
    tab_to_the_sidebar(qtbot, window)
    assert tree.currentItem() is sidebar.all_photos and outlined(tree, sidebar.all_photos)

    qtbot.keyClick(tree, Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.duplicates, timeout=WAIT_MS)
    assert tree.hasFocus() and outlined(tree, sidebar.duplicates) and not outlined(tree, sidebar.all_photos)
    qtbot.keyClick(tree, Qt.Key.Key_Up)
    qtbot.waitUntil(lambda: window.view.kind == "library" and window.pages.currentWidget() is not window.duplicates,
                    timeout=WAIT_MS)

    library_section = sidebar.all_photos.parent()
    qtbot.keyClick(tree, Qt.Key.Key_Up)  # onto the section's header: the view stays
    assert tree.currentItem() is library_section and window.view.kind == "library"
    qtbot.keyClick(tree, Qt.Key.Key_Return)
    assert not library_section.isExpanded()
    qtbot.keyClick(tree, Qt.Key.Key_Space)
    assert library_section.isExpanded() and tree.hasFocus()


def test_enter_on_an_entry_shows_it_again_as_a_click_does(qtbot, window) -> None:
    tree = window.sidebar.tree
    tab_to_the_sidebar(qtbot, window)
    qtbot.keyClick(tree, Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.duplicates and not window.duplicates._loading,
                    timeout=WAIT_MS)
    looked = window.duplicates._seq
    qtbot.keyClick(tree, Qt.Key.Key_Enter)  # "Duplicates" again: look for them again
    assert window.duplicates._seq == looked + 1 and window.view.kind == "duplicates"


def test_a_click_leaves_typing_in_the_search_field(qtbot, window) -> None:
    sidebar, tree = window.sidebar, window.sidebar.tree
    qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=tree.visualItemRect(sidebar.duplicates).center())
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.duplicates, timeout=WAIT_MS)
    assert QApplication.focusWidget() is window.search_field
    assert not outlined(tree, sidebar.duplicates)


def test_tabbing_in_with_no_entry_current_lands_on_the_first_header_without_changing_the_view(qtbot, window) -> None:
    sidebar, tree = window.sidebar, window.sidebar.tree
    qtbot.keyClicks(window.search_field, "a red circle")
    qtbot.waitUntil(lambda: window.view.kind == "search" and settled(window), timeout=WAIT_MS)
    assert tree.currentItem() is None  # search results belong to no entry
    tab_to_the_sidebar(qtbot, window)
    header = sidebar.all_photos.parent()
    assert tree.currentItem() is header and outlined(tree, header)
    assert window.view.kind == "search" and window.search_field.text() == "a red circle"
    qtbot.keyClick(tree, Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: window.view.kind == "library", timeout=WAIT_MS)


def test_tab_into_the_grid_selects_its_first_photo_and_right_goes_to_the_second(qtbot, window) -> None:
    """Not an unmarked current cell, from which → went to the second photo before any showed."""
    grid, ids = window.grid, window.model.ids
    for _ in range(10):
        if grid.hasFocus():
            break
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert grid.hasFocus()
    assert grid.selected_photo_ids() == [ids[0]] and grid.current_photo_id() == ids[0]
    qtbot.keyClick(grid, Qt.Key.Key_Right)
    assert grid.selected_photo_ids() == [ids[1]]


def test_shift_f10_opens_the_menu_of_the_entry_the_keyboard_is_at(qtbot, window) -> None:
    """Laptops have no Menu key; and Qt's own keyboard menu was the one of the entry under the mouse."""
    from PySide6.QtGui import QCursor

    from tests.test_gui_selection import menu_entries, when_shown

    sidebar, tree = window.sidebar, window.sidebar.tree
    tab_to_the_sidebar(qtbot, window)
    [folder] = sidebar.folder_items()
    tree.setCurrentItem(folder)
    QCursor.setPos(tree.viewport().mapToGlobal(tree.visualItemRect(sidebar.all_photos).center()))
    seen: list[dict[str, tuple[str, bool]]] = []
    when_shown(QApplication.activePopupWidget, lambda menu: (seen.append(menu_entries(menu)), menu.close()))
    qtbot.keyClick(tree, Qt.Key.Key_F10, Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: bool(seen), timeout=WAIT_MS)
    assert {"show_folder", "remove_folder", "add_folder"} <= set(seen[0])


def test_tab_goes_on_from_the_entries_to_the_new_tag_button_and_space_presses_it(qtbot, window) -> None:
    sidebar = window.sidebar
    asked: list[bool] = []
    sidebar.new_tag_requested.connect(lambda: asked.append(True))
    tab_to_the_sidebar(qtbot, window)
    qtbot.keyClick(sidebar.tree, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is sidebar.new_tag_button
    assert sidebar.new_tag_button.accessibleName() == "New tag…"
    qtbot.keyClick(sidebar.new_tag_button, Qt.Key.Key_Space)
    assert asked == [True]
