from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from PySide6.QtWidgets import QLabel

from photoclip.gui.app import DESKTOP_FILE, make_app
from tests.gui_support import make_window  # noqa: F401


def test_the_qt_binding_keeps_its_references_to_none(qtbot) -> None:
    """PySide6 6.12.0 dropped a reference to None on each call of a method returning nothing; on
    Python 3.11 the window then crashed ("deallocating None") after a while of use. pyproject.toml
    keeps that release out; this fails if a binding like it is installed."""
    make_app()
    label = QLabel()
    qtbot.addWidget(label)
    before = sys.getrefcount(None)
    for _ in range(2000):
        label.setText("a photo")
        label.resize(10, 10)
    assert sys.getrefcount(None) > before - 1000


def _first_start(library: Path, *flags: str) -> str:
    """What the app says on its terminal when it first starts with no way to get its model
    (stopped once it has said the model is unavailable)."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HF_ENDPOINT="http://127.0.0.1:9")
    app = subprocess.Popen([sys.executable, "-m", "photoclip.gui", "--library", str(library), "--no-watch", *flags],
                           stderr=subprocess.PIPE, text=True, env=env)
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(app.stderr), daemon=True)
    reader.start()
    deadline = time.monotonic() + 90
    while not any("model unavailable" in line for line in lines) and time.monotonic() < deadline:
        time.sleep(0.1)
    app.terminate()
    app.wait(30)
    reader.join(10)
    return "".join(lines)


@pytest.mark.parametrize("verbose", [False, True])
def test_at_first_start_the_model_is_asked_for_once_and_the_terminal_gets_only_warnings(
    tmp_path: Path, verbose: bool
) -> None:
    said = _first_start(tmp_path / "library", *(["-v"] if verbose else []))
    assert "model unavailable: cannot download model ViT-B-32-256:datacomp_s34b_b86k" in said
    assert "Traceback" not in said
    if verbose:
        assert said.count("INFO photoclip.download: downloading ") == 1
    else:
        assert " INFO " not in said and " DEBUG " not in said


def test_the_window_opens_where_and_as_big_as_it_was_left(qtbot, tmp_path: Path) -> None:
    """Size and place were forgotten at each start. A settings file of the test's own stands in for
    the user's, and a small window for the main one (the offscreen screen, 800×600, is narrower)."""
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QWidget

    from photoclip.gui.app import remember_window, restore_window

    make_app()
    first, second = QWidget(), QWidget()
    for window in (first, second):
        qtbot.addWidget(window)
        window.resize(300, 200)
        window.show()
    first.setGeometry(40, 30, 520, 410)
    remember_window(first, QSettings(str(tmp_path / "photoclip.conf"), QSettings.Format.IniFormat))
    restore_window(second, QSettings(str(tmp_path / "photoclip.conf"), QSettings.Format.IniFormat))
    assert second.geometry() == first.geometry()


def _whole(widget) -> bool:
    """Shown, and not cut by its window or anything around it."""
    return widget.isVisible() and widget.visibleRegion().boundingRect() == widget.rect()


def test_the_window_fits_half_a_laptop_screen_on_every_page(qtbot, make_window, open_library, tmp_path: Path) -> None:
    """It could not be made narrower than 878×619: snapped to half of a 1366-px-wide screen (683
    px), or on a 1280×720 screen less its taskbar, it stayed too big. On each page, with real
    content, it now fits 683×540, keeps that size (resizeEvent does not push it back), and shows
    the page's buttons whole."""
    from PySide6.QtCore import QSize

    from photoclip.gui.main_window import View
    from photoclip.gui.screenshots import DEMO_VOCABULARY
    from tests.gui_support import MODEL_TIMEOUT_MS, WAIT_MS, red_circle_folder
    from tests.helpers import copies_folder

    snapped = QSize(683, 540)

    def fits(page: str, *buttons) -> None:
        qtbot.wait(100)  # the page's texts are laid out
        assert window.minimumSize().width() <= snapped.width(), (page, window.minimumSize())
        assert window.minimumSize().height() <= snapped.height(), (page, window.minimumSize())
        assert window.minimumSizeHint().boundedTo(snapped) == window.minimumSizeHint(), page
        window.resize(snapped)
        qtbot.wait(100)  # a size below the smallest would be asked back by now
        assert window.size() == snapped, page
        for button in (window.sidebar.add_button, window.sidebar.settings_button, *buttons):
            assert _whole(button), (page, button.text())
        window.resize(window.minimumSize())
        qtbot.wait(100)
        assert window.size() == window.minimumSize(), page
        for button in (window.sidebar.add_button, window.sidebar.settings_button, *buttons):
            assert _whole(button), (page, button.text())
        window.resize(1100, 760)

    window = make_window(open_library(tmp_path / "empty"))
    assert window.pages.currentWidget() is window.welcome
    fits("welcome", window.welcome.add_button)

    vocabulary = tmp_path / "shapes.txt"
    vocabulary.write_text(DEMO_VOCABULARY, encoding="utf-8")
    library = open_library()
    library.set_vocabulary(vocabulary)
    red_circle_folder(tmp_path / "photos" / "Holidays by the lake in the summer of 2023")
    copies_folder(tmp_path / "photos" / "copies")
    library.index([tmp_path / "photos"])
    window = make_window(library)
    window.search_field.setText("a red circle")
    qtbot.waitUntil(lambda: window.view.kind == "search" and not window._search_pending()
                    and window.model.rowCount() > 0, timeout=MODEL_TIMEOUT_MS)
    fits("search")

    window.open_preview(window.model.index(0, 0))
    qtbot.waitUntil(lambda: window.preview.photo is not None, timeout=WAIT_MS)
    preview = window.preview
    fits("preview", preview.similar_button, preview.open_button, preview.folder_button, preview.back_button)

    window.close_preview()
    album = next(item for item in window.sidebar.album_items() if "Holidays" in item.text(0))
    window.sidebar.tree.setCurrentItem(album)  # its header says its folder, a long path
    qtbot.waitUntil(lambda: window.view.kind == "album" and not window.model.is_loading, timeout=WAIT_MS)
    assert str(tmp_path) in window.subtitle_label.text()
    fits("album")
    assert window.subtitle_label.heightForWidth(window.subtitle_label.width()) <= window.subtitle_label.height()

    window.show_view(View("duplicates"))
    qtbot.waitUntil(lambda: bool(window.duplicates.rows), timeout=WAIT_MS)
    fits("duplicates", window.duplicates.trash_button, window.duplicates.level)

    qtbot.waitUntil(lambda: bool(window.sidebar.tag_items()), timeout=WAIT_MS)
    window.sidebar.tree.setCurrentItem(window.sidebar.tag_items()[0])
    qtbot.waitUntil(lambda: window.view.kind == "tag" and window.model.rowCount() > 0
                    and not window.model.is_loading, timeout=WAIT_MS)
    fits("tag")
    window.open_preview(window.model.index(0, 0))
    qtbot.waitUntil(lambda: window.preview.photo is not None and bool(preview.tags.chips), timeout=WAIT_MS)
    fits("a tagged photo", preview.similar_button, preview.folder_button)


def test_the_window_is_matched_to_its_menu_entry(qtbot) -> None:
    """On Wayland a dock links a window to its launcher by the app id Qt takes from this name."""
    app = make_app()
    assert app.desktopFileName() == DESKTOP_FILE
    assert (Path(__file__).parent.parent / "installers" / "linux" / f"{DESKTOP_FILE}.desktop").is_file()


def test_no_full_garbage_collection_runs_while_the_model_loads_at_start(qtbot, open_library) -> None:
    """Importing torch and the model beside the open window made objects by the million, and each
    full collection they set off walked them all with Python's lock held: the window froze 100,
    190, 270 ms, once a second, at every start of a 100,000-photo library. From the window's
    making until its model is loaded (or known not to load) only young objects are collected;
    then what exists is frozen out of the collector's way, and full collections come back."""
    import gc

    from photoclip.gui.main_window import MainWindow
    from tests.gui_support import MODEL_TIMEOUT_MS

    make_app()
    saved = gc.get_threshold()
    gc.set_threshold(700, 10, 10)  # CPython's own, as a fresh process starts
    full: list[int] = []

    def noted(phase: str, info: dict) -> None:
        if phase == "start" and info["generation"] == 2:
            full.append(1)

    gc.callbacks.append(noted)
    window = None
    try:
        window = MainWindow(open_library(), watch=False, start_worker=False)
        qtbot.addWidget(window)
        loaded = [[i] for i in range(1_000_000)]  # what loading the model leaves: objects that stay
        assert full == [] and not window.model_state.ready
        del loaded
        window.show()
        qtbot.waitUntil(lambda: window.model_state.ready, timeout=MODEL_TIMEOUT_MS)
        assert gc.get_threshold()[2] < 100 and gc.get_freeze_count() > 0  # full collections are back
    finally:
        gc.callbacks.remove(noted)
        if window is not None:
            window.shutdown()
        gc.set_threshold(*saved)


def menu_bar_menu(window, title: str):
    [menu] = [a.menu() for a in window.menuBar().actions() if a.text().replace("&", "") == title]
    menu.aboutToShow.emit()  # what opening it does: filled for the photos selected now
    return menu


def entries(menu) -> dict[str, tuple[str, bool]]:
    return {a.objectName(): (a.text(), a.isEnabled()) for a in menu.actions() if not a.isSeparator()}


def test_the_photos_right_click_menu_is_in_the_menu_bar_for_the_selected_ones(
    qtbot, make_window, open_library, photo_folder, tmp_path: Path, monkeypatch
) -> None:
    """Copy to folder…, and Find photos like these for several, were on the right-click menu only: a
    keyboard user needed the Menu key, someone who looks in the menu bar never found them."""
    from PySide6.QtCore import QItemSelectionModel
    from PySide6.QtGui import QKeySequence
    from PySide6.QtWidgets import QFileDialog

    from photoclip.gui.main_window import View
    from tests.gui_support import WAIT_MS, settled

    library = open_library()
    library.index([photo_folder])
    window = make_window(library, worker=True)
    qtbot.waitUntil(lambda: settled(window) and window.model.rowCount() == 6, timeout=WAIT_MS)
    photo = menu_bar_menu(window, "Photo")
    assert entries(photo) and not any(enabled for _text, enabled in entries(photo).values())  # none selected

    window.grid.setCurrentIndex(window.model.index(1, 0))
    window.grid.selectionModel().select(window.model.index(4, 0), QItemSelectionModel.SelectionFlag.Select)
    assert entries(menu_bar_menu(window, "Photo")) == entries(window.selection_menu())
    assert entries(photo)["find_similar"] == ("Find photos like these", True)
    assert entries(photo)["copy_to_folder"] == ("Copy to folder…", True)
    [trash] = [a for a in photo.actions() if a.objectName() == "trash"]
    assert trash.shortcut() == QKeySequence(QKeySequence.StandardKey.Delete)

    target = tmp_path / "picked"
    target.mkdir()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *_args: str(target))
    [copy] = [a for a in photo.actions() if a.objectName() == "copy_to_folder"]
    copy.trigger()
    chosen = [library.photo(pid).path.name for pid in window.grid.selected_photo_ids()]
    qtbot.waitUntil(lambda: sorted(p.name for p in target.iterdir()) == sorted(chosen), timeout=WAIT_MS)

    window.show_view(View("duplicates"))  # the grid's selection is out of sight: nothing to act on
    assert not any(enabled for _text, enabled in entries(menu_bar_menu(window, "Photo")).values())

    shortcuts = {a.text(): a.shortcut() for a in menu_bar_menu(window, "File").actions() if not a.isSeparator()}
    assert list(shortcuts) == ["Add folder…", "Settings…", "Quit"]
    assert shortcuts["Add folder…"] == QKeySequence(QKeySequence.StandardKey.Open)


def test_the_sidebars_right_click_menu_is_in_the_menu_bar_for_its_current_entry(
    qtbot, make_window, open_library, photo_folder, monkeypatch
) -> None:
    """Rename tag…, Delete tag…, Show in file manager, Leave out… and Remove from library… were on the sidebar's
    right-click menu only: someone who looks in the menu bar never found them. The Library menu lists them all,
    those that do not apply to the entry current in the sidebar greyed."""
    from photoclip.gui import main_window
    from tests.gui_support import WAIT_MS
    from tests.helpers import write_photo

    write_photo(photo_folder / "trip" / "p6.jpg", seed=6)  # an album: three photos or more
    library = open_library()
    library.index([photo_folder])
    library.add_tag(library.photos_by_date(0, 1 << 62)[:2], "Cabin")
    library.define_tag("sunset", "a sunset over the sea")
    window = make_window(library)
    sidebar = window.sidebar
    qtbot.waitUntil(lambda: bool(sidebar.album_items()) and None not in map(sidebar.tag_item, ["cabin", "sunset"]),
                    timeout=WAIT_MS)
    assert [a.text() for a in window.menuBar().actions()] == ["&File", "&Library", "&View", "&Photo"]
    places = {"all_photos", "duplicates", "new_tag"}  # not the current entry's
    for item in (sidebar.folder_items()[0], sidebar.album_items()[0], sidebar.tag_item("cabin"),
                 sidebar.tag_item("sunset"), sidebar.all_photos):
        sidebar.tree.setCurrentItem(item)
        shown = entries(menu_bar_menu(window, "Library"))
        right_click = {name: entry for name, entry in entries(sidebar.menu_for(item)).items()
                       if name not in ("add_folder", "new_tag")}
        assert {name: shown[name] for name in right_click} == right_click
        assert not any(enabled for name, (_text, enabled) in shown.items() if name not in {*right_click, *places})
        assert bool(right_click) is (item is not sidebar.all_photos)
    assert list(shown) == ["all_photos", "duplicates", "show_folder", "leave_out", "remove_folder", "rename_tag",
                           "delete_tag", "forget_tag", "new_tag"]

    asked: list[str] = []
    monkeypatch.setattr(main_window, "ask_new_name", lambda _parent, tag, _known: asked.append(tag))
    sidebar.tree.setCurrentItem(sidebar.tag_item("cabin"))
    library_menu = menu_bar_menu(window, "Library")
    [rename] = [a for a in library_menu.actions() if a.objectName() == "rename_tag"]
    rename.trigger()
    assert asked == ["Cabin"]
    [duplicates] = [a for a in library_menu.actions() if a.objectName() == "duplicates"]
    duplicates.trigger()
    assert window.view.kind == "duplicates" and sidebar.tree.currentItem() is sidebar.duplicates


def test_photos_left_on_the_clipboard_offscreen_do_not_crash_python_at_exit(tmp_path: Path) -> None:
    """Python ended with a segmentation fault (exit 139) after photos were copied, offscreen: Qt
    deleted the clipboard's data after Python had gone. The app lets go of it at its end."""
    script = (
        "from pathlib import Path\nfrom PySide6.QtWidgets import QApplication\n"
        "from photoclip.gui import desktop\nfrom photoclip.gui.app import let_go_of_the_clipboard\n"
        "app = QApplication(['photoclip'])\n"
        f"app.clipboard().setMimeData(desktop.files_data([Path({str(tmp_path / 'a.jpg')!r})]))\n"
        "let_go_of_the_clipboard(app)\n")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    ended = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, timeout=60)
    assert ended.returncode == 0, ended.stderr


def test_the_photos_are_made_larger_or_smaller_from_the_keyboard_or_the_view_menu_and_stay_so(
    qtbot, make_window, open_library, photo_folder, tmp_path: Path
) -> None:
    """The grid's photos had one size: Ctrl+plus (or Ctrl+=, unshifted), Ctrl+minus and Ctrl+0, and
    the View menu that shows those keys, zoom it; not over the preview or the duplicates, which
    keep their sizes. The size is remembered for the next start."""
    from PySide6.QtCore import QSettings, Qt

    from photoclip.gui.app import remember_photo_size, restore_photo_size
    from photoclip.gui.grid import PhotoGridView
    from photoclip.gui.main_window import View
    from tests.gui_support import WAIT_MS, settled

    library = open_library()
    library.index([photo_folder])
    window = make_window(library)
    qtbot.waitUntil(lambda: window.model.rowCount() > 0 and settled(window), timeout=WAIT_MS)
    grid, cell = window.grid, window.grid.gridSize().width()
    window.activateWindow()
    grid.setFocus()

    qtbot.keyClick(grid, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    assert grid.gridSize().width() > cell
    qtbot.keyClick(window.search_field, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(grid, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    assert grid.gridSize().width() < cell
    assert entries(menu_bar_menu(window, "View")) == {
        "larger": ("Larger photos", True), "smaller": ("Smaller photos", True), "default_size": ("Default size", True)}
    settings = QSettings(str(tmp_path / "photoclip.conf"), QSettings.Format.IniFormat)
    remember_photo_size(grid, settings)
    qtbot.keyClick(grid, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert grid.cell_target == PhotoGridView.DEFAULT_CELL and grid.gridSize().width() == cell
    assert not entries(menu_bar_menu(window, "View"))["default_size"][1]

    restore_photo_size(grid, settings)
    assert grid.gridSize().width() < cell
    window.show_view(View("duplicates"))
    assert not any(enabled for _text, enabled in entries(menu_bar_menu(window, "View")).values())
    qtbot.keyClick(window.duplicates, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    assert grid.gridSize().width() < cell
    settings.setValue("view/photo_size", "large")  # written by hand, or by another program
    restore_photo_size(grid, settings)
    assert grid.gridSize().width() < cell
