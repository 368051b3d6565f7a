"""The grid model and the thumbnail loader: ids only, paged in lazily, thumbnails made off
the GUI thread into the library's cache, failures remembered, 100,000 rows stay cheap."""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import (
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QPoint,
    QPointF,
    QRect,
    QSize,
    QStringListModel,
    Qt,
)
from PySide6.QtGui import (
    QColor,
    QImage,
    QMouseEvent,
    QNativeGestureEvent,
    QPainter,
    QPixmap,
    QPointingDevice,
    QWheelEvent,
)
from PySide6.QtWidgets import QApplication, QWidget

from photoclip import imaging
from photoclip.gui import grid, thumbnails
from photoclip.gui.app import make_app
from photoclip.gui.grid import PhotoGridModel, PhotoGridView
from photoclip.gui.ops import Ops
from photoclip.gui.thumbnails import ThumbnailLoader
from photoclip.ids import PhotoId
from photoclip.search import SearchHit
from tests.conftest import HangingShare
from tests.gui_support import WAIT_MS, broken_jpeg, make_window, red_circle_folder, settled  # noqa: F401


@pytest.fixture
def scanned(open_library, tmp_path: Path):
    """A library whose 20 photos are catalogued but not embedded (no model needed)."""
    folder = tmp_path / "photos"
    red_circle_folder(folder, with_red_circle=2, without=18)
    library = open_library()
    library.add_root(folder)
    library.scan()
    return library, folder


@pytest.fixture
def parts(qtbot, scanned):
    make_app()
    library, _ = scanned
    ops = Ops(library)
    loader = ThumbnailLoader(library, side=96)
    model = PhotoGridModel(ops, loader)
    yield library, ops, loader, model
    loader.drop_queued()
    loader.wait()
    ops.wait()


def shown_view(qtbot, model: PhotoGridModel, size: QSize) -> PhotoGridView:
    view = PhotoGridView()
    qtbot.addWidget(view)
    view.resize(size)
    view.setModel(model)
    view.show()
    return view


def test_the_library_view_pages_ids_in_as_the_view_asks(qtbot, parts, monkeypatch) -> None:
    library, _, _, model = parts
    monkeypatch.setattr(grid, "PAGE", 8)
    model.show_library()
    qtbot.waitUntil(lambda: model.rowCount() == 8 and not model.is_loading, timeout=WAIT_MS)
    assert model.canFetchMore(QModelIndex())
    model.fetchMore(QModelIndex())
    qtbot.waitUntil(lambda: model.rowCount() == 16 and not model.is_loading, timeout=WAIT_MS)
    model.fetchMore(QModelIndex())
    qtbot.waitUntil(lambda: model.rowCount() == 20 and not model.is_loading, timeout=WAIT_MS)
    assert not model.canFetchMore(QModelIndex())
    assert model.ids == library.photos_by_date(0, 100)


def test_rows_added_below_keep_the_view_where_the_user_is(qtbot) -> None:
    """A page of 2,000 photos arrived, and a 27,000-photo library jumped back 1,500 photos: Qt
    laid the grid out again from the top, a batch at a time (here, 20 cells at a time)."""
    rows = QStringListModel([str(i) for i in range(200)])
    view = PhotoGridView()
    qtbot.addWidget(view)
    view.resize(400, 300)
    view.setBatchSize(20)
    view.setModel(rows)
    view.show()
    qtbot.wait(100)
    view.scrollTo(rows.index(196, 0))
    qtbot.wait(50)
    at = view.verticalScrollBar().value()
    assert at > 10_000
    rows.insertRows(200, 400)
    qtbot.wait(300)
    assert view.verticalScrollBar().value() == at


def test_end_goes_to_the_oldest_photo_of_the_library_not_of_the_pages_loaded(qtbot, parts, monkeypatch) -> None:
    _, _, _, model = parts
    monkeypatch.setattr(grid, "PAGE", 8)
    model.show_library()
    qtbot.waitUntil(lambda: model.rowCount() == 8 and not model.is_loading, timeout=WAIT_MS)
    view = shown_view(qtbot, model, QSize(400, 300))
    view.setCurrentIndex(model.index(2, 0))
    qtbot.keyClick(view, Qt.Key.Key_End, Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: view.currentIndex().row() == 19, timeout=WAIT_MS)
    assert model.rowCount() == 20
    assert sorted(i.row() for i in view.selectionModel().selectedIndexes()) == list(range(2, 20))
    assert view.viewport().rect().intersects(view.visualRect(view.currentIndex()))
    qtbot.keyClick(view, Qt.Key.Key_Home)
    qtbot.keyClick(view, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    assert view.currentIndex().row() == 19 and [i.row() for i in view.selectionModel().selectedIndexes()] == [19]


def test_ctrl_space_marks_the_photo_at_the_keyboard_and_starts_no_search(qtbot, parts) -> None:
    _, _, _, model = parts
    model.show_library()
    qtbot.waitUntil(lambda: model.rowCount() == 20 and not model.is_loading, timeout=WAIT_MS)
    view = shown_view(qtbot, model, QSize(400, 300))
    typed: list[str] = []
    view.typed.connect(typed.append)
    view.setCurrentIndex(model.index(0, 0))
    qtbot.keyClick(view, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(view, Qt.Key.Key_Space, Qt.KeyboardModifier.ControlModifier)
    assert sorted(i.row() for i in view.selectionModel().selectedIndexes()) == [0, 1] and typed == []
    qtbot.keyClick(view, Qt.Key.Key_D)
    assert typed == ["d"]


def test_the_photo_the_keyboard_is_at_is_drawn_so_while_the_grid_has_the_focus(qtbot, parts) -> None:
    """Ctrl+arrows move the keyboard without selecting: where it was, nothing showed."""
    _, _, _, model = parts
    model.show_library()
    qtbot.waitUntil(lambda: model.rowCount() == 20 and not model.is_loading, timeout=WAIT_MS)
    view = shown_view(qtbot, model, QSize(600, 400))
    view.setCurrentIndex(model.index(0, 0))
    view.activateWindow()
    view.setFocus()
    qtbot.waitUntil(view.hasFocus, timeout=WAIT_MS)
    qtbot.keyClick(view, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)
    assert view.currentIndex().row() == 1 and [i.row() for i in view.selectionModel().selectedIndexes()] == [0]
    focused = view.viewport().grab().toImage()
    view.clearFocus()
    qtbot.waitUntil(lambda: not view.hasFocus(), timeout=WAIT_MS)
    unfocused = view.viewport().grab().toImage()
    cell = view.cell_rect(1)
    changed = [(x, y) for y in range(focused.height()) for x in range(0, focused.width(), 1)
               if focused.pixel(x, y) != unfocused.pixel(x, y)]
    assert changed and all(cell.contains(x, y) for x, y in changed)


def test_a_refresh_keeps_the_selected_photo_selected(qtbot, parts) -> None:
    _, _, _, model = parts
    model.show_library()
    qtbot.waitUntil(lambda: model.rowCount() == 20, timeout=WAIT_MS)
    view = PhotoGridView()
    qtbot.addWidget(view)
    view.setModel(model)
    chosen = model.photo_id(7)
    view.setCurrentIndex(model.index(7, 0))
    reordered = list(reversed(model.ids))[:15]
    model._replace(reordered, {}, {})  # what a refresh does when the dates came in
    assert model.ids == reordered
    assert view.current_photo_id() == chosen


def test_thumbnails_are_made_off_the_gui_thread_cached_on_disk_and_in_memory(qtbot, parts, monkeypatch) -> None:
    library, _, loader, _ = parts
    threads = []
    real = imaging.ensure_thumbnail

    def spy(*args, **kwargs):
        threads.append(threading.current_thread() is threading.main_thread())
        return real(*args, **kwargs)

    monkeypatch.setattr(imaging, "ensure_thumbnail", spy)
    pid = library.photos_by_date(0, 1)[0]
    assert loader.pixmap(pid) is None  # asked, not waited for
    with qtbot.waitSignal(loader.ready, timeout=WAIT_MS):
        pass
    pixmap = loader.pixmap(pid)
    assert pixmap is not None and pixmap.width() == 96 and pixmap.height() == 96
    assert threads == [False]
    assert list(library.thumbnail_dir.rglob("*.jpg"))
    assert loader.pixmap(pid) is pixmap and threads == [False]  # from memory, no new task


def test_thumbnails_kept_in_memory_fit_their_budget_whatever_the_screens_pixel_ratio(
    qtbot, parts, monkeypatch
) -> None:
    from photoclip.gui import thumbnails

    library, _, loader, _ = parts
    assert loader.cache_entries * 4 * 96 * 96 <= thumbnails.CACHE_BYTES
    sharp = ThumbnailLoader(library, side=96, ratio=2.0)
    assert sharp.cache_entries <= loader.cache_entries // 4  # four times the pixels each
    monkeypatch.setattr(thumbnails, "CACHE_BYTES", 10 * 4 * 96 * 96)
    ids = library.photos_by_date(0, 20)
    for pid in ids:
        loader.pixmap(pid)
    qtbot.waitUntil(lambda: not loader._queued, timeout=WAIT_MS)
    assert len(loader._pixmaps) == 10 and set(loader._pixmaps) <= set(ids)


def test_a_thumbnail_that_cannot_be_made_again_at_a_new_ratio_is_not_asked_for_again_and_again(qtbot, parts) -> None:
    """Each paint asked again for a stale thumbnail whose remake failed: thousands of tasks a second."""
    library, _, loader, _ = parts
    [pid] = library.photos_by_date(0, 1)
    loader.pixmap(pid)
    qtbot.waitUntil(lambda: pid in loader._pixmaps, timeout=WAIT_MS)
    library.photo(pid).path.unlink()
    shutil.rmtree(library.thumbnail_dir)
    loader.set_ratio(2.0)

    assert loader.pixmap(pid) is not None  # the old one, shown while the new one is made
    qtbot.waitUntil(lambda: loader.failure(pid) is not None, timeout=WAIT_MS)
    assert loader.pixmap(pid) is not None and pid not in loader._queued


def _open_files_of(path: Path) -> int:
    fds = Path("/proc/self/fd")
    return sum(1 for fd in fds.iterdir() if os.path.realpath(fd) == str(path.resolve()))


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="counts open files through /proc")
def test_thumbnails_made_on_a_thread_pool_share_its_threads_catalog_connections(qtbot, parts) -> None:
    """Each task a Qt pool runs has a Python thread state of its own: one connection per task
    ran the app out of file handles after a few screens of scrolling."""
    library, _, loader, _ = parts
    ids = library.photos_by_date(0, 20)
    for pid in ids:
        loader.pixmap(pid)
    qtbot.waitUntil(lambda: not loader._queued, timeout=WAIT_MS)
    assert sum(loader.pixmap(pid) is not None for pid in ids) == 20
    assert _open_files_of(library.catalog.path) <= 3  # this thread's and the pool's two


def test_a_broken_photo_is_remembered_and_not_retried(qtbot, parts, scanned, monkeypatch) -> None:
    library, _, loader, _ = parts
    broken_jpeg(scanned[1] / "broken.jpg")
    library.scan()
    pid = library.catalog.photo_by_path(scanned[1] / "broken.jpg").id
    tries = []
    real = thumbnails.thumbnail_file
    monkeypatch.setattr(thumbnails, "thumbnail_file", lambda *a: tries.append(1) or real(*a))
    loader.pixmap(pid)
    qtbot.waitUntil(lambda: loader.failure(pid) is not None, timeout=WAIT_MS)
    for _ in range(3):
        assert loader.pixmap(pid) is None
    loader.wait()
    assert len(tries) == 1


def test_a_hundred_thousand_results_cost_only_what_is_visible(qtbot, parts) -> None:
    _, _, loader, model = parts
    requested = []
    loader._request = requested.append  # count what the grid asks for; make nothing
    view = shown_view(qtbot, model, QSize(1000, 700))
    hits = [SearchHit(PhotoId(i), Path(f"/photos/{i}.jpg"), 1 - i / 200_000) for i in range(1, 100_001)]
    started = time.perf_counter()
    model.show_hits(hits)
    qtbot.wait(50)
    view.scrollTo(model.index(60_000, 0))
    view.viewport().repaint()
    view.scrollToBottom()
    view.viewport().repaint()
    elapsed = time.perf_counter() - started
    assert model.rowCount() == 100_000
    assert len(requested) < 200  # a few screens of cells, not 100,000
    assert elapsed < 2.0
    assert len(view.findChildren(QWidget)) < 20  # scroll bars and viewport: no widget per photo
    assert model.index(60_000, 0).data(Qt.ItemDataRole.DisplayRole) == "60001.jpg"


@pytest.mark.parametrize("width", [640, 1000, 1333])
def test_the_painted_cells_are_where_qt_lays_the_items_out(qtbot, parts, width: int) -> None:
    _, _, loader, model = parts
    loader._request = lambda pid: None
    view = shown_view(qtbot, model, QSize(width, 500))
    model.show_hits([SearchHit(PhotoId(i), Path(f"/p/{i}.jpg"), 0.5) for i in range(1, 400)])
    qtbot.waitUntil(lambda: view.visualRect(model.index(398, 0)).isValid(), timeout=WAIT_MS)
    view.verticalScrollBar().setValue(view.verticalScrollBar().maximum() // 2)
    qtbot.wait(20)
    for row in range(0, 399, 7):
        assert view.cell_rect(row) == view.visualRect(model.index(row, 0)), row


def test_rows_added_to_a_huge_view_are_placed_by_arithmetic_where_qt_would_lay_them_out(qtbot, parts) -> None:
    """Every page of 2,000 ids paged in as the library scrolled (and every refresh while indexing)
    made QListView lay each of its rows out again, in C++ on the GUI thread: 140-260 ms with
    100,000 photos, the window frozen each time. A grid of same-sized cells needs no layout:
    adding rows to 200,000 is answered at once, and the scroll range, where a cell is painted,
    and which cell is under a point all agree."""
    _, _, loader, model = parts
    loader._request = lambda pid: None
    view = shown_view(qtbot, model, QSize(1000, 700))
    model.show_hits([SearchHit(PhotoId(i), Path(f"/p/{i}.jpg"), 0.5) for i in range(1, 200_001)])
    qtbot.waitUntil(lambda: view.verticalScrollBar().maximum() > 0, timeout=WAIT_MS)
    model._append([PhotoId(i) for i in range(200_001, 202_001)])  # a page paged in
    view.executeDelayedItemsLayout()  # what Qt does when the event loop next runs (bench/gui_grid_paging.py times it)
    grid_size, columns = view.gridSize(), view.viewport().width() // view.gridSize().width()
    lines = -(-202_000 // columns)
    assert view.verticalScrollBar().maximum() == lines * grid_size.height() - view.viewport().height()
    for row in (0, 1, columns - 1, columns, 150_001, 201_999):
        index = model.index(row, 0)
        view.scrollTo(index)
        rect = view.visualRect(index)
        assert view.viewport().rect().contains(rect) and rect == view.cell_rect(row), row
        assert view.indexAt(rect.center()) == index and view.indexAt(rect.topLeft()) == index, row
    assert not view.indexAt(QPoint(columns * grid_size.width() + 2, 5)).isValid()  # right of the last column


def test_the_arrow_keys_move_through_the_grid_as_it_is_laid_out(qtbot, parts) -> None:
    """Left and right go on to the next or previous line; up and down keep the column (to the
    last photo from above a shorter last line); Page Down moves as many whole lines as a screen
    holds (none is skipped unseen); Shift+click and Shift with a key select the photos from one to
    the other in their order, a drag the block of cells it covers, as QListView did."""
    _, _, loader, model = parts
    loader._request = lambda pid: None
    view = shown_view(qtbot, model, QSize(600, 420))
    model.show_hits([SearchHit(PhotoId(i), Path(f"/p/{i}.jpg"), 0.5) for i in range(1, 51)])
    qtbot.waitUntil(lambda: view.verticalScrollBar().maximum() > 0, timeout=WAIT_MS)
    columns = view.viewport().width() // view.gridSize().width()
    assert columns > 1
    view.setCurrentIndex(model.index(columns - 1, 0))

    def press(key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> int:
        qtbot.keyClick(view, key, modifier)
        return view.currentIndex().row()

    assert press(Qt.Key.Key_Right) == columns  # the first of the next line
    assert press(Qt.Key.Key_Left) == columns - 1
    assert press(Qt.Key.Key_Down) == 2 * columns - 1
    assert press(Qt.Key.Key_Up) == columns - 1
    assert press(Qt.Key.Key_Up) == columns - 1  # the first line: nowhere to go
    lines = max(1, view.viewport().height() // view.gridSize().height())
    assert press(Qt.Key.Key_PageDown) == columns - 1 + lines * columns
    assert press(Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier) == 49
    assert view.viewport().rect().intersects(view.visualRect(view.currentIndex()))
    assert press(Qt.Key.Key_Home) == 0
    view.selectionModel().clearSelection()
    for row, modifier in ((1, Qt.KeyboardModifier.NoModifier), (columns + 2, Qt.KeyboardModifier.ShiftModifier)):
        view.scrollTo(model.index(row, 0))
        point = view.visualRect(model.index(row, 0)).center()
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, modifier, point)
    assert sorted(i.row() for i in view.selectionModel().selectedIndexes()) == list(range(1, columns + 3))

    def selected() -> list[int]:
        return sorted(i.row() for i in view.selectionModel().selectedIndexes())

    view.scrollTo(model.index(0, 0))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(model.index(2, 0)).center())
    assert press(Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier) == columns + 2 and selected() == list(
        range(2, columns + 3))
    assert press(Qt.Key.Key_Home, Qt.KeyboardModifier.ShiftModifier) == 0 and selected() == [0, 1, 2]
    view.selectionModel().clearSelection()  # begun on a selected photo, a drag takes the selection out
    start, end = view.visualRect(model.index(1, 0)).center(), view.visualRect(model.index(columns + 2, 0)).center()
    qtbot.mousePress(view.viewport(), Qt.MouseButton.LeftButton, pos=start)
    move = QMouseEvent(QEvent.Type.MouseMove, QPointF(end), QPointF(view.viewport().mapToGlobal(end)),
                       Qt.MouseButton.NoButton, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(view.viewport(), move)
    qtbot.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, pos=end)
    assert selected() == [1, 2, columns + 1, columns + 2]  # a drag: the block it covers


def test_the_photos_in_sight_stay_in_sight_when_the_window_is_resized(qtbot, parts) -> None:
    _, _, loader, model = parts
    loader._request = lambda pid: None
    view = shown_view(qtbot, model, QSize(1000, 700))
    model.show_hits([SearchHit(PhotoId(i), Path(f"/p/{i}.jpg"), 0.5) for i in range(1, 301)])
    qtbot.waitUntil(lambda: view.verticalScrollBar().maximum() > 0, timeout=WAIT_MS)
    view.scrollTo(model.index(150, 0), view.ScrollHint.PositionAtTop)
    top = view.indexAt(QPoint(1, 1)).row()
    current = model.index(top + 2, 0)
    view.setCurrentIndex(current)
    for size in (QSize(500, 400), QSize(1300, 800)):
        view.resize(size)
        qtbot.waitUntil(lambda: view.viewport().width() < size.width(), timeout=WAIT_MS)
        assert view.viewport().rect().intersects(view.visualRect(current))
        assert abs(view.indexAt(QPoint(1, 1)).row() - top) < 2 * (view.viewport().width() // view.gridSize().width())


def hits(ids: Iterable[int]) -> list[SearchHit]:
    return [SearchHit(PhotoId(i), Path(f"/p/{i}.jpg"), 0.5) for i in ids]


def move_mouse(view: PhotoGridView, point: QPoint, button: Qt.MouseButton = Qt.MouseButton.NoButton) -> None:
    """A mouse move over the viewport (`button` held: a drag)."""
    move = QMouseEvent(QEvent.Type.MouseMove, QPointF(point), QPointF(view.viewport().mapToGlobal(point)),
                       Qt.MouseButton.NoButton, button, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(view.viewport(), move)


def test_photos_added_or_removed_above_the_ones_in_sight_do_not_push_them_away(qtbot, parts) -> None:
    """Indexing newest first, each refresh put the new photos above the ones the user was looking
    at, and those slid down and off the screen; photos deleted above pulled them up. The one the
    keyboard is at, if in sight, stays where it was, else the first one in sight does; at the very
    top the view stays at the top, where the new photos show."""
    _, _, loader, model = parts
    loader._request = lambda pid: None
    view = shown_view(qtbot, model, QSize(600, 420))
    model.show_hits(hits(range(1, 201)))
    qtbot.waitUntil(lambda: view.verticalScrollBar().maximum() > 0, timeout=WAIT_MS)
    view.verticalScrollBar().setValue(5 * view.gridSize().height() + 37)

    def top_of(photo: PhotoId) -> int:
        return view.visualRect(model.index(model.row_of(photo), 0)).top()

    first = model.photo_id(view.indexAt(QPoint(1, 1)).row())
    where = top_of(first)
    model.show_hits(hits(range(1001, 1008)) + hits(range(1, 201)))  # what a refresh does, newest first
    assert top_of(first) == where
    current = model.photo_id(view.indexAt(QPoint(view.viewport().width() - 2, view.gridSize().height() + 1)).row())
    view.setCurrentIndex(model.index(model.row_of(current), 0))  # at a line's end: one more photo, it wraps
    where = top_of(current)
    model.show_hits(hits(range(2001, 2002)) + hits(range(1001, 1008)) + hits(range(1, 201)))
    assert top_of(current) == where
    first = model.photo_id(view.indexAt(QPoint(1, 1)).row())
    where = top_of(first)
    model.remove_ids([PhotoId(i) for i in range(2001, 2002)] + [current])  # the keyboard's photo too
    assert top_of(first) == where

    strings = QStringListModel([str(i) for i in range(200)])  # rows inserted above, as any model says it
    view.setModel(strings)
    view.verticalScrollBar().setValue(7 * view.gridSize().height())
    where = view.visualRect(strings.index(30, 0)).top()
    strings.insertRows(0, 3)
    assert view.visualRect(strings.index(33, 0)).top() == where
    view.scrollToTop()
    strings.insertRows(0, 5)
    assert view.verticalScrollBar().value() == 0 and view.indexAt(QPoint(1, 1)).row() == 0


def test_photos_removed_leave_the_selection_and_the_current_photo_on_the_photos_that_stay(qtbot, parts) -> None:
    """Rows went from the end before the photos were put in their new places, so removing N
    photos anywhere let go of the selection of the last N: trashing the first photo unselected
    the last one."""
    _, _, loader, model = parts
    loader._request = lambda pid: None
    view = shown_view(qtbot, model, QSize(600, 420))
    model.show_hits(hits(range(1, 11)))
    qtbot.waitUntil(lambda: model.rowCount() == 10, timeout=WAIT_MS)
    view.setCurrentIndex(model.index(9, 0))
    view.selectionModel().select(model.index(8, 0), QItemSelectionModel.SelectionFlag.Select)
    model.remove_ids([PhotoId(1), PhotoId(2)])
    assert model.rowCount() == 8
    assert sorted(view.selected_photo_ids()) == [PhotoId(9), PhotoId(10)]
    assert model.photo_id(view.currentIndex().row()) == PhotoId(10)
    model.show_hits(hits([10, 4, 9]))  # a refresh: fewer photos, in another order
    assert sorted(view.selected_photo_ids()) == [PhotoId(9), PhotoId(10)]
    assert model.photo_id(view.currentIndex().row()) == PhotoId(10)


def test_a_drag_draws_a_rubber_band_over_the_photos_it_takes_until_it_ends(qtbot, parts) -> None:
    """A drag selected a block of photos with nothing drawn to show which: the band, in the
    highlight colour as file managers draw it, goes from where the drag began to the mouse."""
    _, _, loader, model = parts
    loader._request = lambda pid: None
    view = shown_view(qtbot, model, QSize(600, 420))
    model.show_hits(hits(range(1, 4)))
    qtbot.waitUntil(lambda: view.visualRect(model.index(2, 0)).isValid(), timeout=WAIT_MS)
    assert view.viewport().width() // view.gridSize().width() == 3
    below = view.gridSize().height()  # the empty space under the one line of photos
    start, end = QPoint(20, below + 60), view.visualRect(model.index(1, 0)).center()
    edge = QPoint(20, below + 30)  # on the band's left side, where there is no photo
    highlight = view.palette().color(view.palette().ColorRole.Highlight)
    before = view.viewport().grab().toImage().pixelColor(edge)
    assert before != highlight
    qtbot.mousePress(view.viewport(), Qt.MouseButton.LeftButton, pos=start)
    move_mouse(view, end, Qt.MouseButton.LeftButton)
    during = view.viewport().grab().toImage()
    assert during.pixelColor(edge) == highlight
    inside = QPoint(100, below + 30)
    assert during.pixelColor(inside) not in (highlight, before)  # filled, see-through
    assert sorted(i.row() for i in view.selectionModel().selectedIndexes()) == [0, 1]
    qtbot.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, pos=end)
    after = view.viewport().grab().toImage()
    assert after.pixelColor(edge) == before and after.pixelColor(inside) == before


def test_the_selected_photos_drag_out_as_copies_of_their_files_whose_places_are_read_for_it(qtbot, parts) -> None:
    """Photos could not be dragged out of the grid into a folder, a mail or a chat. A drag carries
    the files (copies only: a file manager would otherwise move them out of their folder), their
    places read in the background for photos selected but never painted."""
    library, _, loader, model = parts
    loader._request = lambda pid: None  # nothing painted: the places must be read for the drag
    view = shown_view(qtbot, model, QSize(600, 420))
    model.show_library()
    qtbot.waitUntil(lambda: model.rowCount() == 20, timeout=WAIT_MS)
    chosen = [model.index(row, 0) for row in (0, 3, 19)]
    assert model.mimeData(chosen) is None  # no place read yet: no drag (the files are not all known)
    for index in chosen:
        view.selectionModel().select(index, QItemSelectionModel.SelectionFlag.Select)
    qtbot.waitUntil(lambda: model.mimeData(chosen) is not None, timeout=WAIT_MS)
    photos = library.photos(model.photo_id(index.row()) for index in chosen)
    assert [Path(url.toLocalFile()) for url in model.mimeData(chosen).urls()] == [
        photos[model.photo_id(index.row())].path for index in chosen]
    assert model.supportedDragActions() == Qt.DropAction.CopyAction
    assert all(model.flags(index) & Qt.ItemFlag.ItemIsDragEnabled for index in chosen)


def test_a_drag_from_a_selected_photo_keeps_the_selection_and_from_another_draws_a_band(qtbot, parts) -> None:
    """As in a file manager: pressed on a photo of the selection, a drag takes the selection out
    (the band would have replaced it); pressed on one not selected, it selects with a band."""
    _, _, loader, model = parts
    loader._request = lambda pid: None
    view = shown_view(qtbot, model, QSize(600, 420))
    model.show_hits(hits(range(1, 10)))
    qtbot.waitUntil(lambda: view.visualRect(model.index(8, 0)).isValid(), timeout=WAIT_MS)
    for row in (0, 4):
        view.selectionModel().select(model.index(row, 0), QItemSelectionModel.SelectionFlag.Select)
    start, end = view.visualRect(model.index(4, 0)).center(), view.visualRect(model.index(5, 0)).center()
    qtbot.mousePress(view.viewport(), Qt.MouseButton.LeftButton, pos=start)
    move_mouse(view, end, Qt.MouseButton.LeftButton)
    qtbot.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, pos=end)
    assert sorted(view.selected_photo_ids()) == [PhotoId(1), PhotoId(5)]
    start = view.visualRect(model.index(6, 0)).center()
    end = view.visualRect(model.index(7, 0)).center()
    qtbot.mousePress(view.viewport(), Qt.MouseButton.LeftButton, pos=start)
    move_mouse(view, end, Qt.MouseButton.LeftButton)
    qtbot.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, pos=end)
    assert sorted(view.selected_photo_ids()) == [PhotoId(7), PhotoId(8)]


def test_the_hovered_photo_is_the_one_under_the_mouse_whatever_moves_under_it(qtbot, parts) -> None:
    """The photo under a still mouse changed (the view scrolled under it, photos went, a new search
    came up and went to the top) and the one it had been over stayed lit, away from the mouse; a
    new view, or the mouse gone onto the scroll bar, leaves none lit."""
    _, _, loader, model = parts
    loader._request = lambda pid: None
    view = shown_view(qtbot, model, QSize(600, 420))
    model.show_hits(hits(range(1, 201)))
    qtbot.waitUntil(lambda: view.verticalScrollBar().maximum() > 0, timeout=WAIT_MS)
    line = view.gridSize().height()
    mouse = view.visualRect(model.index(1, 0)).center()
    move_mouse(view, mouse)

    def under_mouse() -> int:
        return view.indexAt(mouse).row()

    assert view._hover_row == under_mouse() == 1
    view.verticalScrollBar().setValue(2 * line)  # the wheel, the keys, a scroll bar
    assert view._hover_row == under_mouse() != 1
    view.scrollToBottom()
    move_mouse(view, mouse)
    model.remove_ids([PhotoId(i) for i in range(150, 201)])  # the end is nearer: the view moves up
    view.executeDelayedItemsLayout()
    assert view._hover_row == under_mouse()
    model.show_hits(hits(range(500, 560)))  # a new search, shown from the top
    view.scrollToTop()
    assert view._hover_row == under_mouse() == 1
    QApplication.sendEvent(view.viewport(), QEvent(QEvent.Type.Leave))
    assert view._hover_row == -1
    move_mouse(view, mouse)
    model.show_hits([])
    model.show_hits(hits(range(1, 201)))
    assert view._hover_row == -1


def test_a_screen_reader_hears_the_photo_the_keyboard_moves_to(qtbot, parts, monkeypatch) -> None:
    """QListView names the focused photo by the place its own layout gave it, which this grid,
    placing its cells itself, leaves empty: the event named the list, not the photo."""
    from PySide6.QtGui import QAccessible

    _, _, loader, model = parts
    loader._request = lambda pid: None
    view = shown_view(qtbot, model, QSize(600, 420))
    model.show_hits([SearchHit(PhotoId(i), Path(f"/p/{i}.jpg"), 0.5) for i in range(1, 21)])
    heard: list[tuple[object, int]] = []
    monkeypatch.setattr(QAccessible, "isActive", staticmethod(lambda: True))
    monkeypatch.setattr(QAccessible, "updateAccessibility",
                        staticmethod(lambda event: heard.append((event.type(), event.child()))))
    view.setFocus()
    qtbot.waitUntil(view.hasFocus, timeout=WAIT_MS)
    view.setCurrentIndex(model.index(3, 0))
    qtbot.keyClick(view, Qt.Key.Key_Right)
    assert (QAccessible.Event.Focus, 4) in heard and heard[-1] == (QAccessible.Event.Focus, 4)


def test_scrolling_a_view_by_date_shows_the_month_at_the_top_for_a_moment(qtbot, parts, scanned) -> None:
    """Undated photos here: the month comes from the file's date, as the view sorts them."""
    import os
    from datetime import datetime

    library, _, _, model = parts
    _, folder = scanned
    photos = sorted(folder.rglob("*.jpg"))
    for i, path in enumerate(photos):
        moment = datetime(2023, 6, 10, 12).timestamp() if i < 10 else datetime(2019, 3, 10, 12).timestamp()
        os.utime(path, (moment, moment))
    library.scan()
    view = shown_view(qtbot, model, QSize(500, 300))
    view.DATE_BADGE_MS = 400
    model.show_library()
    qtbot.waitUntil(lambda: model.rowCount() == 20 and not model.is_loading, timeout=WAIT_MS)
    assert model.is_dated and view.date_badge() is None  # nothing until the view scrolls

    view.scrollToBottom()
    qtbot.waitUntil(lambda: view.date_badge() == "March 2019", timeout=WAIT_MS)
    view.scrollToTop()
    qtbot.waitUntil(lambda: view.date_badge() == "June 2023", timeout=WAIT_MS)
    qtbot.waitUntil(lambda: view.date_badge() is None, timeout=WAIT_MS)  # gone once scrolling stops

    model.show_hits([SearchHit(model.photo_id(row), photos[row], 0.5) for row in range(20)])
    assert not model.is_dated and model.month_of(0) is None
    view.scrollToBottom()
    qtbot.wait(50)
    assert view.date_badge() is None  # results in order of match have no month to show


def test_a_view_shown_anew_shows_no_month_over_its_photos(qtbot, parts, scanned) -> None:
    """Leaving a scrolled view moves the scroll bar back to the top; that is no scrolling of
    the user's, and the month would sit on the top right photo (for good in an album that fits)."""
    library, _, _, model = parts
    _, folder = scanned
    red_circle_folder(folder / "Short", with_red_circle=1, without=2, seed=5)
    library.scan()
    view = shown_view(qtbot, model, QSize(700, 400))
    model.show_library()
    qtbot.waitUntil(lambda: model.rowCount() == 23 and not model.is_loading, timeout=WAIT_MS)
    view.scrollToBottom()
    qtbot.waitUntil(lambda: view.date_badge() is not None, timeout=WAIT_MS)

    model.show_library(album=folder / "Short")
    qtbot.waitUntil(lambda: model.rowCount() == 3 and not model.is_loading, timeout=WAIT_MS)
    for _ in range(5):
        assert view.date_badge() is None
        qtbot.wait(40)
    first_row = [view.cell_rect(row) for row in range(3)]
    assert all(view.viewport().rect().contains(rect) for rect in first_row)  # all in sight: nothing to scroll

    model.show_library()
    qtbot.waitUntil(lambda: model.rowCount() == 23 and not model.is_loading, timeout=WAIT_MS)
    view.scrollToBottom()
    qtbot.waitUntil(lambda: view.date_badge() is not None, timeout=WAIT_MS)
    model.show_library()  # shown anew: the month of the scrolling before goes
    qtbot.waitUntil(lambda: model.rowCount() == 23 and not model.is_loading, timeout=WAIT_MS)
    for _ in range(5):
        assert view.date_badge() is None
        qtbot.wait(40)


def _grey_blocks(width: int, height: int) -> Image.Image:
    """Random grey blocks, a 48th of the shorter side: detail a blurry thumbnail loses."""
    block = min(width, height) // 48
    cells = np.random.default_rng(3).integers(0, 256, (height // block, width // block), np.uint8)
    return Image.fromarray(cells).convert("RGB").resize((width, height), Image.Resampling.NEAREST)


@pytest.mark.parametrize("side", [168, 300, 480], ids=["default", "zoomed_in", "largest"])
@pytest.mark.parametrize("size", [(4000, 3000), (8000, 1000)], ids=["photo", "panorama"])
def test_a_cell_on_a_2x_screen_shows_the_photos_middle_at_full_sharpness(qtbot, open_library, tmp_path, size,
                                                                         side) -> None:
    """Zoomed in (View, Ctrl+wheel), a cell needs more pixels than the usual cached thumbnail
    holds: a larger one is cached for it, rather than the usual one stretched and soft."""
    make_app()
    photo = _grey_blocks(*size)
    folder = tmp_path / "photos"
    folder.mkdir()
    photo.save(folder / "p.jpg", quality=95)
    library = open_library()
    library.add_root(folder)
    library.scan()
    loader = ThumbnailLoader(library, side=side, ratio=2.0)
    pid = library.photos_by_date(0, 1)[0]

    loader.pixmap(pid)
    qtbot.waitUntil(lambda: loader.pixmap(pid) is not None, timeout=WAIT_MS)

    image = loader.pixmap(pid).toImage().convertToFormat(QImage.Format.Format_RGB888)
    px = 2 * side
    assert (image.width(), image.height()) == (px, px)
    shown = np.frombuffer(image.constBits(), np.uint8).reshape(px, image.bytesPerLine())[:, :px * 3]
    short = min(size)
    middle = photo.crop(((size[0] - short) // 2, (size[1] - short) // 2, (size[0] + short) // 2,
                         (size[1] + short) // 2))
    expected = np.asarray(middle.resize((px, px), Image.Resampling.BICUBIC)).reshape(px, px * 3)
    assert np.abs(shown.astype(float) - expected).mean() < 4  # stretched from a smaller thumbnail: 5 to 7
    loader.wait()


def test_a_folders_page_counts_its_photos_as_an_albums_page_does(qtbot, make_window, scanned) -> None:
    """Its header said only its path."""
    library, folder = scanned
    window = make_window(library, wait_model=False)
    root = library.roots()[0]
    tree = window.sidebar.tree
    qtbot.waitUntil(lambda: bool(window.sidebar.folder_items()), timeout=WAIT_MS)
    qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton,
                     pos=tree.visualItemRect(window.sidebar.folder_items()[0]).center())
    qtbot.waitUntil(lambda: window.view.kind == "folder" and settled(window) and window.model.rowCount() == 20,
                    timeout=WAIT_MS)
    assert window.title_label.text() == folder.name
    assert window.subtitle_label.text() == f"20 photos  ·  {root.path}"


def test_with_nothing_to_scroll_the_scroll_bar_keeps_its_width_but_draws_no_handle(qtbot, parts) -> None:
    """A full-length handle beside an empty page, or one that fits, looked like a stray bar."""
    from PySide6.QtGui import QColor

    _, _, _, model = parts
    model.show_library()
    qtbot.waitUntil(lambda: model.rowCount() == 20 and not model.is_loading, timeout=WAIT_MS)
    view = shown_view(qtbot, model, QSize(360, 260))
    bar = view.verticalScrollBar()

    def handle_drawn() -> bool:
        image = bar.grab().toImage()
        handle = QColor("#c9ced6").rgb()
        return any(image.pixel(image.width() // 2, y) == handle for y in range(image.height()))

    qtbot.waitUntil(lambda: bar.maximum() > 0 and handle_drawn(), timeout=WAIT_MS)
    width = bar.width()
    view.resize(QSize(1600, 1600))
    qtbot.waitUntil(lambda: bar.maximum() == 0, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: not handle_drawn(), timeout=WAIT_MS)
    assert bar.isVisible() and bar.width() == width


@pytest.mark.parametrize("photo", ["#3a6fe0", "#ffffff", "#000000", "#808080", "#14215a"])
@pytest.mark.parametrize("selected", [False, True], ids=["alone", "among_several"])
def test_the_keyboards_photo_is_outlined_visibly_on_a_photo_of_any_colour(photo: str, selected: bool) -> None:
    """The dashed accent outline all but vanished on a dark or blue photo: every side of it now
    holds ink at 3:1 or more against the photo (what WCAG asks of a focus indicator)."""
    from PySide6.QtCore import QRect
    from PySide6.QtGui import QColor, QPainter, QPixmap

    from tests.test_gui_theme import contrast

    make_app()
    cells = grid.CellPainter()
    cell = QRect(0, 0, 160, 160)
    square = cells.square(cell)
    picture = QPixmap(square.size())
    picture.fill(QColor(photo))
    canvas = QImage(cell.size(), QImage.Format.Format_ARGB32)
    canvas.fill(QColor(photo))
    painter = QPainter(canvas)
    cells.paint(painter, cell, picture, failed=None, selected=selected, hover=False, checked=selected, focused=True)
    painter.end()

    middle = square.center()
    inset = range(0, 9)  # the outline lies within the square's first few px, inside the selection's ring
    sides = {
        "top": [(x, square.top() + d) for x in range(middle.x() - 10, middle.x() + 10) for d in inset],
        "bottom": [(x, square.bottom() - d) for x in range(middle.x() - 10, middle.x() + 10) for d in inset],
        "left": [(square.left() + d, y) for y in range(middle.y() - 10, middle.y() + 10) for d in inset],
        "right": [(square.right() - d, y) for y in range(middle.y() - 10, middle.y() + 10) for d in inset],
    }
    for side, points in sides.items():
        assert max(contrast(canvas.pixelColor(x, y).name(), photo) for x, y in points) >= 3, side


def ctrl_wheel(view: PhotoGridView, point: QPoint, angle: int,
               modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.ControlModifier) -> None:
    """A wheel turned by `angle` eighths of a degree (120: a mouse's notch) over the viewport."""
    wheel = QWheelEvent(QPointF(point), QPointF(view.viewport().mapToGlobal(point)), QPoint(), QPoint(0, angle),
                        Qt.MouseButton.NoButton, modifiers, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(view.viewport(), wheel)


def six_hundred_at_the_middle(qtbot, parts) -> tuple[PhotoGridView, PhotoGridModel]:
    """A grid of 600 results scrolled to the 300th, its thumbnails never made."""
    _, _, loader, model = parts
    loader._request = lambda pid: None
    view = shown_view(qtbot, model, QSize(1000, 700))
    model.show_hits(hits(range(1, 601)))
    qtbot.waitUntil(lambda: view.verticalScrollBar().maximum() > 0, timeout=WAIT_MS)
    view.scrollTo(model.index(300, 0), view.ScrollHint.PositionAtTop)
    return view, model


def at_height(view: PhotoGridView, index: QModelIndex, y: int) -> bool:
    rect = view.visualRect(index)
    return rect.top() <= y <= rect.bottom()


def test_ctrl_wheel_makes_the_photos_larger_or_smaller_keeping_the_one_under_the_mouse_there(qtbot, parts) -> None:
    """The grid showed its photos at one size: no year at a glance, no photo seen well. Ctrl+wheel
    zooms a step per notch, the photo under the mouse staying at its height (its line is another),
    and stops at either end;
    the thumbnails are made at the new size; the wheel alone still scrolls."""
    view, model = six_hundred_at_the_middle(qtbot, parts)
    sides: list[int] = []
    view.thumbnail_side_changed.connect(sides.append)
    pointer = QPoint(view.viewport().width() // 2, view.viewport().height() // 2)
    under, cell = view.indexAt(pointer).row(), view.gridSize().width()

    ctrl_wheel(view, pointer, 120)
    assert view.gridSize().width() > cell and sides and sides[-1] > cell - 2 * grid.CellPainter.PAD
    assert at_height(view, model.index(under, 0), pointer.y())
    ctrl_wheel(view, pointer, -240)
    assert view.gridSize().width() < cell
    assert at_height(view, model.index(under, 0), pointer.y())
    for _ in range(8):
        ctrl_wheel(view, pointer, 120)
    assert view.cell_target == PhotoGridView.CELL_TARGETS[-1]
    assert at_height(view, model.index(under, 0), pointer.y())
    largest, scrolled = view.gridSize(), view.verticalScrollBar().value()
    ctrl_wheel(view, pointer, -120, Qt.KeyboardModifier.NoModifier)
    assert view.gridSize() == largest and view.verticalScrollBar().value() > scrolled


def test_a_touchpad_zooms_a_step_once_its_small_turns_or_its_pinch_make_one(qtbot, parts) -> None:
    """A touchpad turns the wheel by an eighth of a notch at a time, dozens of times a second: one
    step for each of those went from the smallest photos to the largest in a flick. A pinch
    (macOS, Wayland) zooms too, a step per quarter it opens or closes."""
    _, _, loader, model = parts
    loader._request = lambda pid: None
    view = shown_view(qtbot, model, QSize(1000, 700))
    model.show_hits(hits(range(1, 301)))
    pointer = QPoint(200, 200)
    start = PhotoGridView.CELL_TARGETS.index(view.cell_target)

    for _ in range(7):
        ctrl_wheel(view, pointer, 15)
    assert view.cell_target == PhotoGridView.CELL_TARGETS[start]
    ctrl_wheel(view, pointer, 15)
    assert view.cell_target == PhotoGridView.CELL_TARGETS[start + 1]

    def pinch(value: float) -> None:
        where = QPointF(pointer)
        gesture = QNativeGestureEvent(Qt.NativeGestureType.ZoomNativeGesture, QPointingDevice.primaryPointingDevice(),
                                      2, where, where, QPointF(view.viewport().mapToGlobal(pointer)), value, QPointF())
        QApplication.sendEvent(view.viewport(), gesture)

    pinch(-0.2)
    assert view.cell_target == PhotoGridView.CELL_TARGETS[start + 1]
    pinch(-0.3)
    assert view.cell_target == PhotoGridView.CELL_TARGETS[start - 1]


def test_a_zoom_from_the_keyboard_keeps_the_photo_the_keyboard_is_at_in_sight(qtbot, parts) -> None:
    view, model = six_hundred_at_the_middle(qtbot, parts)
    current = model.index(view.indexAt(QPoint(1, view.viewport().height() - 2)).row(), 0)
    view.setCurrentIndex(current)

    while view.zoom(1):
        assert view.viewport().rect().contains(view.visualRect(current).center())
    view.set_cell_target(PhotoGridView.DEFAULT_CELL)
    assert view.viewport().rect().contains(view.visualRect(current).center())
    view.set_cell_target(250)  # a size another version remembered: the nearest of the steps
    assert view.cell_target == 232 and view.zoom(-1) and view.cell_target == 176


def test_zoomed_in_a_photo_on_a_drive_unplugged_shows_its_usual_thumbnail(qtbot, open_library, tmp_path) -> None:
    """A large thumbnail is made from the photo; with its drive gone, the one cached when it was
    indexed stands in (a little soft), not a broken-file mark."""
    make_app()
    folder = tmp_path / "card"
    red_circle_folder(folder, with_red_circle=1, without=0)
    library = open_library()
    library.index([folder])
    pid = library.photos_by_date(0, 1 << 62)[0]
    thumbnails.thumbnail_file(library, library.photo(pid))  # shown at the usual size once
    shutil.move(folder, folder.with_name("unplugged"))
    loader = ThumbnailLoader(library, side=300, ratio=2.0)

    loader.pixmap(pid)
    qtbot.waitUntil(lambda: loader.pixmap(pid) is not None or loader.failure(pid) is not None, timeout=WAIT_MS)
    assert loader.failure(pid) is None and loader.pixmap(pid).width() == 600
    loader.wait()


def test_photos_on_a_share_that_hangs_keep_the_thumbnail_makers_free(
    qtbot, open_library, tmp_path, hanging_share: HangingShare
) -> None:
    """A share whose server went away held each thread that made a thumbnail from one of its photos for
    ever: two such took the whole pool, and the other folders' photos stayed grey. Its photos with a
    thumbnail made show it, the others the mark of a photo not there; other photos show."""
    make_app()
    red_circle_folder(hanging_share.folder, with_red_circle=1, without=1)
    red_circle_folder(tmp_path / "local", with_red_circle=1, without=1, seed=8)  # other bytes: other thumbnails
    library = open_library()
    library.index([hanging_share.folder, tmp_path / "local"])
    shown, not_shown = (library.catalog.photo_by_path(path).id for path in sorted(hanging_share.folder.iterdir()))
    thumbnails.thumbnail_file(library, library.photo(shown))
    hanging_share.hang()
    loader = ThumbnailLoader(library, side=120, ratio=1.0)

    ids = [shown, not_shown, *(library.catalog.photo_by_path(p).id for p in (tmp_path / "local").iterdir())]
    for pid in ids:
        loader.pixmap(pid)
    qtbot.waitUntil(lambda: all(loader.pixmap(pid) is not None or loader.failure(pid) is not None for pid in ids),
                    timeout=WAIT_MS)
    assert loader.failure(shown) is None and loader.mark(not_shown) == "missing"
    assert all(loader.pixmap(pid) is not None for pid in ids[2:])
    loader.wait()


def test_each_zoom_step_changes_the_cells_and_the_smallest_leave_no_gap(qtbot, parts) -> None:
    """In a grid 1,017 px wide, 304 and 400 px cells both made three columns: "Larger photos" did
    nothing, and a notch back did nothing either. At 96 px, eleven columns were asked where ten fit,
    and a gap of 60 px was left at the right."""
    _, _, loader, model = parts
    loader._request = lambda pid: None
    view = shown_view(qtbot, model, QSize(1000, 700))
    model.show_hits(hits(range(1, 301)))
    view.resize(view.width() + 1017 - view.viewport().width(), 700)
    qtbot.waitUntil(lambda: view.viewport().width() == 1017, timeout=WAIT_MS)

    view.set_cell_target(232)
    assert view.can_zoom(1) and view.zoom(1) and view.gridSize().width() == 1016 // 3
    assert not view.can_zoom(1) and not view.zoom(1)  # 400 px cells: three columns again
    assert view.zoom(-1) and view.cell_target == 232
    view.set_cell_target(96)
    columns = 1016 // view.gridSize().width()
    assert view.gridSize().width() >= 96 and 1016 - columns * view.gridSize().width() < columns


def test_a_zoom_from_the_keyboard_at_the_top_stays_at_the_top_with_the_photo_it_is_at_whole(qtbot, parts) -> None:
    """Ctrl++ at the top of the grid kept the first photo's centre where it was: the first line of
    photos was cut off at the top. A grid at its top stays there; further down, the photo the
    keyboard is at stays whole in sight, whatever its line."""
    _, _, loader, model = parts
    loader._request = lambda pid: None
    view = shown_view(qtbot, model, QSize(1000, 700))
    model.show_hits(hits(range(1, 601)))
    qtbot.waitUntil(lambda: view.verticalScrollBar().maximum() > 0, timeout=WAIT_MS)
    view.set_cell_target(PhotoGridView.DEFAULT_CELL)
    view.setCurrentIndex(model.index(0, 0))
    while view.zoom(1):
        assert view.verticalScrollBar().value() == 0
        assert view.viewport().rect().contains(view.visualRect(model.index(0, 0)))

    view.set_cell_target(PhotoGridView.DEFAULT_CELL)
    view.scrollTo(model.index(300, 0), view.ScrollHint.PositionAtTop)
    current = model.index(view.indexAt(QPoint(1, view.viewport().height() - 2)).row(), 0)
    view.setCurrentIndex(current)
    assert view.zoom(1)
    assert view.viewport().rect().contains(view.visualRect(current))


def test_a_white_photo_has_an_edge_on_the_light_background(qtbot) -> None:
    """A white photo (a receipt, a page) on the light theme's background looked like an empty cell:
    every thumbnail has a faint edge, which the dark theme draws light."""
    make_app()
    cells = grid.CellPainter()
    side = 176
    square = grid.CellPainter.square(QRect(0, 0, side, side))
    white = QPixmap(square.size())
    white.fill(QColor("#ffffff"))
    image = QImage(side, side, QImage.Format.Format_ARGB32)
    image.fill(QColor("#ffffff"))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    cells.paint(painter, QRect(0, 0, side, side), white, None, selected=False, hover=False)
    painter.end()
    middle = square.center().y()
    edge, inside = QColor(image.pixel(square.left(), middle)), QColor(image.pixel(square.center()))
    assert inside == QColor("#ffffff")
    assert edge.lightness() < 245
