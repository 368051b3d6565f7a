"""The preview's picture zoomed in and out: at the mouse, to the photo's own pixels, moved about."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import QPoint, QPointF, QSize, Qt
from PySide6.QtGui import QImage, QWheelEvent
from PySide6.QtWidgets import QApplication

from photoclip.gui.photo_canvas import BACKGROUND, ZOOM_STEPS, NotReadWhole, whole_picture
from tests.conftest import HangingShare
from tests.gui_support import WAIT_MS, make_window, settled  # noqa: F401
from tests.helpers import within, write_photo

RED_BOX = (2600, 900, 2680, 980)  # where the large photo's red square is, in its pixels


def _large_photo() -> Image.Image:
    """4000 x 3000 of random grey blocks (detail a stretched picture loses), a red square in it."""
    cells = np.random.default_rng(5).integers(40, 216, (300, 400), np.uint8)
    photo = Image.fromarray(cells).convert("RGB").resize((4000, 3000), Image.Resampling.NEAREST)
    photo.paste((255, 0, 0), RED_BOX)
    return photo


@pytest.fixture
def preview(qtbot, make_window, open_library, tmp_path: Path):
    """The preview of the large photo, its screen-sized picture shown; and the photo."""
    folder = tmp_path / "photos"
    folder.mkdir()
    photo = _large_photo()
    photo.save(folder / "large.png")
    Image.new("RGB", (120, 90), (30, 160, 90)).save(folder / "small.png")
    library = open_library()
    library.index([folder])
    window = make_window(library)
    qtbot.waitUntil(lambda: window.model.rowCount() == 2 and settled(window), timeout=WAIT_MS)
    row = next(r for r in range(2) if library.photo(window.model.photo_id(r)).path.name == "large.png")
    window.open_preview(window.model.index(row, 0))
    canvas = window.preview.canvas
    qtbot.waitUntil(lambda: canvas.can_zoom(1), timeout=WAIT_MS)
    qtbot.wait(100)  # the page's layout settles around the picture
    return window, canvas, photo


def first_previewed(qtbot, make_window, open_library, folder: Path, photos: int):
    """The window on a library of `folder`'s photos, its first in the preview, zoomable; and its canvas."""
    library = open_library()
    library.index([folder])
    window = make_window(library)
    qtbot.waitUntil(lambda: window.model.rowCount() == photos and settled(window), timeout=WAIT_MS)
    window.open_preview(window.model.index(0, 0))
    canvas = window.preview.canvas
    qtbot.waitUntil(lambda: canvas.can_zoom(1), timeout=WAIT_MS)
    qtbot.wait(100)  # the page's layout settles around the picture
    return window, canvas


def shown(canvas) -> np.ndarray:
    image = canvas.grab().toImage().convertToFormat(QImage.Format.Format_RGB888)
    rows = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine())
    return rows[:, :image.width() * 3].reshape(image.height(), image.width(), 3).copy()  # the image's memory goes


def red_square(canvas) -> tuple[QPointF, int]:
    """Where the red square is drawn on the canvas (its middle) and how wide."""
    pixels = shown(canvas).astype(int)
    red = (pixels[..., 0] > 200) & (pixels[..., 1] < 60) & (pixels[..., 2] < 60)
    ys, xs = np.nonzero(red)
    assert len(xs), "the red square is not in sight"
    return QPointF(xs.mean(), ys.mean()), int(xs.max() - xs.min() + 1)


def wheel(canvas, point: QPointF, angle: int, modifiers=Qt.KeyboardModifier.ControlModifier) -> None:
    event = QWheelEvent(point, QPointF(canvas.mapToGlobal(point.toPoint())), QPoint(), QPoint(0, angle),
                        Qt.MouseButton.NoButton, modifiers, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(canvas, event)


def test_ctrl_wheel_zooms_in_at_the_mouse_to_the_photos_own_pixels(qtbot, preview) -> None:
    """The preview showed a photo fitted to the window, no more: whether it was sharp, or which of
    two shots had the eyes open, could not be seen. Ctrl+wheel zooms at the mouse (the point under
    it stays under it); past the screen-sized picture, the photo's own pixels are read and at
    100 % each shows on a pixel of the screen."""
    window, canvas, photo = preview
    assert canvas.scale is None and red_square(canvas)[1] < 30
    canvas.zoom(2)  # larger than the canvas both ways: from here on nothing is centred on a side
    assert canvas.scale == 0.25
    where, width = red_square(canvas)

    for _ in range(3):
        wheel(canvas, where, 120)
    assert canvas.scale == 0.667
    assert abs(red_square(canvas)[0].x() - where.x()) < 2 and abs(red_square(canvas)[0].y() - where.y()) < 2
    wheel(canvas, where, 120)
    assert canvas.scale == 1.0
    qtbot.waitUntil(lambda: canvas.pixmap().width() == 4000, timeout=WAIT_MS)
    middle, width = red_square(canvas)
    assert width == RED_BOX[2] - RED_BOX[0]
    assert abs(middle.x() - where.x()) < 3 and abs(middle.y() - where.y()) < 3
    screen = shown(canvas)
    left, top = (round(middle.x() - width / 2 + 0.5) - 100,
                 round(middle.y() - width / 2 + 0.5) - 100)  # 100 px above and left of the square
    expected = np.asarray(photo)[RED_BOX[1] - 100:RED_BOX[1], RED_BOX[0] - 100:RED_BOX[0]]
    assert np.abs(screen[top:top + 100, left:left + 100].astype(int) - expected).mean() < 1

    wheel(canvas, where, -120 * len(ZOOM_STEPS))
    assert canvas.scale is None
    assert red_square(canvas)[1] < 30


def test_a_zoomed_photo_is_moved_by_a_drag_or_the_wheel_never_past_its_edge(qtbot, preview) -> None:
    window, canvas, _photo = preview
    centre = QPointF(canvas.width() / 2, canvas.height() / 2)
    canvas.toggle_actual_size(centre)  # what a double-click does
    assert canvas.scale == 1.0
    assert canvas.cursor().shape() == Qt.CursorShape.OpenHandCursor
    qtbot.waitUntil(lambda: canvas.pixmap().width() == 4000, timeout=WAIT_MS)
    before = shown(canvas)

    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=centre.toPoint())
    qtbot.mouseMove(canvas, (centre + QPointF(50, 30)).toPoint())
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=(centre + QPointF(50, 30)).toPoint())
    after = shown(canvas)
    assert np.array_equal(after[100:300, 150:350], before[70:270, 100:300])  # moved 50 right, 30 down

    wheel(canvas, centre, -120, Qt.KeyboardModifier.NoModifier)  # the wheel alone: down the photo
    assert np.array_equal(shown(canvas)[100:300, 150:350], after[160:360, 150:350])
    for _ in range(40):  # to its bottom edge and past it: the photo still fills the canvas
        wheel(canvas, centre, -1200, Qt.KeyboardModifier.NoModifier)
    background = np.array([BACKGROUND.red(), BACKGROUND.green(), BACKGROUND.blue()])
    assert not np.all(shown(canvas)[-5:] == background, axis=-1).any()

    canvas.toggle_actual_size(centre)
    assert canvas.scale is None


def test_the_view_menu_and_its_keys_zoom_the_preview(qtbot, preview) -> None:
    window, canvas, _photo = preview
    canvas.setFocus()
    assert [a.text() for a in _view_actions(window)] == ["Zoom in", "Zoom out", "Fit in window"]
    assert [a.isEnabled() for a in _view_actions(window)] == [True, False, False]

    qtbot.keyClick(canvas, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(canvas, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    zoomed = canvas.scale
    assert zoomed is not None and [a.isEnabled() for a in _view_actions(window)] == [True, True, True]
    qtbot.keyClick(canvas, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    assert canvas.scale is not None and canvas.scale < zoomed
    qtbot.keyClick(canvas, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert canvas.scale is None
    cell = window.grid.gridSize()

    canvas.zoom(3)
    qtbot.keyClick(window.preview, Qt.Key.Key_Right if window.preview.next_button.isEnabled() else Qt.Key.Key_Left)
    qtbot.waitUntil(lambda: window.preview.photo is not None and window.preview.photo.path.name == "small.png"
                    and canvas.can_zoom(1), timeout=WAIT_MS)
    assert window.grid.gridSize() == cell  # the keys zoomed the preview, not the grid behind it
    assert canvas.scale is None  # at the large photo's 25 % it would be smaller than fitted

    window.escape()  # left, and opened again: whole, and the large photo's pixels let go
    assert canvas.scale is None and canvas.pixmap().width() < 1000
    window.open_preview(window.grid.currentIndex())
    qtbot.waitUntil(lambda: canvas.can_zoom(1), timeout=WAIT_MS)
    assert canvas.scale is None


def test_a_photo_smaller_than_the_window_zooms_from_its_fitted_size_up(qtbot, preview) -> None:
    """A small photo is shown at twice its size at most; a double-click zooms it further rather
    than to 100 %, which would make it smaller."""
    window, canvas, _photo = preview
    qtbot.keyClick(window.preview, Qt.Key.Key_Right if window.preview.next_button.isEnabled() else Qt.Key.Key_Left)
    qtbot.waitUntil(lambda: window.preview.photo is not None and window.preview.photo.path.name == "small.png"
                    and canvas.can_zoom(1), timeout=WAIT_MS)
    assert not canvas.can_zoom(-1)
    canvas.toggle_actual_size(QPointF(canvas.width() / 2, canvas.height() / 2))
    assert canvas.scale == 3.0
    assert canvas.zoom_label() == "300 %"  # all its pixels are shown already: none read again, nothing loading


def _view_actions(window) -> list:
    [menu] = [a.menu() for a in window.menuBar().actions() if a.text() == "&View"]
    return [a for a in menu.actions() if not a.isSeparator()]


def test_the_zoom_says_when_it_shows_a_smaller_picture_enlarged_and_why(qtbot, preview, tmp_path) -> None:
    """At "100 %" the screen-sized picture was shown enlarged, blurry, while the photo was read whole, and
    for ever when it could not be (its drive unplugged): the zoom says so, and zooming again once the drive
    is back reads it. The read never waits behind the model loading, on a thread of its own."""
    from threading import Event

    window, canvas, _photo = preview
    path = window.preview.photo.path
    centre = QPointF(canvas.width() / 2, canvas.height() / 2)
    path.rename(tmp_path / "unplugged.png")
    canvas.toggle_actual_size(centre)
    assert canvas.zoom_label() == "100 % · loading…"
    qtbot.waitUntil(lambda: canvas.zoom_label() == "100 % · its file is not there", timeout=WAIT_MS)

    (tmp_path / "unplugged.png").rename(path)
    loading = Event()
    window.ops.query(lambda _lib: loading.wait(WAIT_MS / 1000), lambda _done: None, long=True)  # the model's
    try:
        canvas.fit()
        canvas.toggle_actual_size(centre)
        qtbot.waitUntil(lambda: canvas.zoom_label() == "100 %" and canvas.pixmap().width() == 4000, timeout=WAIT_MS)
    finally:
        loading.set()


def test_fitted_again_after_zooming_in_the_photo_is_drawn_as_before(qtbot, preview) -> None:
    """Its whole pixels, once read, were drawn at every scale: fitted, a 4000-px photo drawn at a seventh
    of its size flickered with detail the screen-sized picture had smoothed."""
    _window, canvas, _photo = preview
    fitted = shown(canvas)
    canvas.toggle_actual_size(QPointF(canvas.width() / 2, canvas.height() / 2))
    qtbot.waitUntil(lambda: canvas.pixmap().width() == 4000, timeout=WAIT_MS)
    canvas.fit()
    assert np.array_equal(shown(canvas), fitted)


def test_the_next_shot_of_a_burst_shows_zoomed_as_the_last_also_with_the_arrow_key_held(
    qtbot, make_window, open_library, tmp_path: Path
) -> None:
    """Which shot of a burst has the eyes open: each was to be zoomed to the same place again. The
    next photo shows at the same zoom and place, also stepped past photos still being read (an arrow
    key held down), and a photo smaller than that zoom fitted."""
    folder = tmp_path / "photos"
    folder.mkdir()
    burst = _large_photo().resize((2000, 1500))
    for i in range(4):
        burst.rotate(i, fillcolor=(128, 128, 128)).save(folder / f"IMG_{i}.png")
    window, canvas = first_previewed(qtbot, make_window, open_library, folder, 4)
    canvas.toggle_actual_size(QPointF(canvas.width() * 0.3, canvas.height() * 0.6))
    focus = canvas.view()[1]

    qtbot.keyClick(window.preview, Qt.Key.Key_Right)
    qtbot.keyClick(window.preview, Qt.Key.Key_Right)  # before the second photo came
    qtbot.waitUntil(lambda: window.preview.position_label.text().startswith("3 of") and canvas.scale is not None,
                    timeout=WAIT_MS)
    assert canvas.scale == 1.0 and canvas.view()[1] == focus


def test_a_photo_drawn_at_a_quarter_of_its_pixels_is_reduced_smoothly_not_sampled(
    qtbot, make_window, open_library, tmp_path: Path
) -> None:
    """Once read whole, a 4000-px photo drawn at 25 % was sampled, a pixel in four: lines a pixel wide
    came and went, or all showed, and noise turned to grain. Drawn reduced first, it shows what the photo
    averages to there (here: a white line in every three, which sampled shows as lines of its own)."""
    folder = tmp_path / "photos"
    folder.mkdir()
    stripes = np.zeros((3000, 4000, 3), np.uint8)
    stripes[:, ::3] = 255
    Image.fromarray(stripes).save(folder / "stripes.png")
    _window, canvas = first_previewed(qtbot, make_window, open_library, folder, 1)
    canvas.toggle_actual_size(QPointF(canvas.width() / 2, canvas.height() / 2))
    qtbot.waitUntil(lambda: canvas.pixmap().width() == 4000, timeout=WAIT_MS)
    canvas.fit()
    canvas.zoom(2)
    assert canvas.scale == 0.25
    left = round(-canvas._photo_rect().x())
    averaged = np.asarray(Image.fromarray(stripes).resize((1000, 750), Image.Resampling.BOX))[0, :, 0].astype(int)
    drawn = shown(canvas)[300, :, 0].astype(int)
    assert np.abs(drawn[50:450] - averaged[left + 50:left + 450]).mean() < 10


def test_a_zoomed_photo_stays_so_when_the_window_is_minimized_and_a_squashed_canvas_zooms(qtbot, preview) -> None:
    window, canvas, _photo = preview
    canvas.toggle_actual_size(QPointF(canvas.width() * 0.7, canvas.height() * 0.8))
    qtbot.waitUntil(lambda: canvas.pixmap().width() == 4000, timeout=WAIT_MS)
    focus = canvas.view()[1]
    window.showMinimized()
    qtbot.wait(50)
    window.showNormal()
    qtbot.wait(50)
    assert canvas.scale == 1.0 and canvas.view()[1] == focus and canvas.pixmap().width() == 4000

    canvas.fit()
    canvas.setFixedHeight(32)  # no room for a fitted photo at all: zooming still works
    assert canvas.zoom(1) and canvas.scale is not None


def test_a_photo_on_a_share_that_stopped_answering_is_not_read_whole_and_says_so(hanging_share: HangingShare) -> None:
    """Zooming in on a photo shown before its share stopped answering held the one thread that reads
    photos whole for ever (after the failed read, whether its file was there was asked of the share):
    no other photo sharpened on zoom."""
    photo = write_photo(hanging_share.folder / "a.jpg", seed=1)
    hanging_share.hang()
    with pytest.raises(NotReadWhole, match="its file is not there"):
        within(10, whole_picture, photo, QSize(64, 48))
