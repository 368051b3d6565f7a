"""Comparing a group's copies side by side: zoomed or moved, one photo takes the others along."""

from __future__ import annotations

from pathlib import Path

from PIL import Image
from PySide6.QtCore import QPointF, Qt
from PySide6.QtWidgets import QApplication

from photoclip.catalog import Photo
from photoclip.gui.app import make_app
from photoclip.gui.compare import CompareDialog
from photoclip.gui.ops import Ops
from photoclip.ids import PhotoId, RootId
from tests.gui_support import WAIT_MS
from tests.test_gui_photo_canvas import _large_photo, red_square, wheel


def _photo(pid: int, path: Path) -> Photo:
    with Image.open(path) as image:
        width, height = image.size
    return Photo(id=PhotoId(pid), root_id=RootId(1), path=path, size=path.stat().st_size, mtime_ns=0, hash=None,
                 width=width, height=height, taken_at=None, format="PNG", status="indexed", failure=None)


def test_zooming_one_copy_takes_the_others_to_the_same_place_at_the_same_size(qtbot, open_library, tmp_path) -> None:
    """Side by side, a copy saved a twentieth as wide looked like its original: only its size said
    otherwise. Zoomed in on the original, the copy follows to the same place at the same size, so its
    loss shows; fitted, the small copy keeps its own smaller size."""
    make_app()
    original = _large_photo()
    original.save(tmp_path / "original.png")
    original.resize((200, 150), Image.Resampling.BICUBIC).save(tmp_path / "small.png")
    original.crop((1000, 0, 4000, 3000)).save(tmp_path / "square crop.png")
    photos = [_photo(1, tmp_path / "original.png"), _photo(2, tmp_path / "small.png"),
              _photo(3, tmp_path / "square crop.png")]
    dialog = CompareDialog(Ops(open_library()), photos, {PhotoId(1)}, lambda _pid: None, total=3)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    big, small, crop = (column.canvas for column in dialog.columns)
    qtbot.waitUntil(lambda: big.can_zoom(1) and small.can_zoom(1) and crop.can_zoom(1), timeout=WAIT_MS)
    assert red_square(small)[1] < red_square(big)[1]  # fitted, never enlarged: 200 px in a 360-px square

    where = red_square(big)[0]
    for _ in range(4):
        wheel(big, where, 120)
    assert big.scale is not None and small.scale is not None
    assert abs(small.scale - 20 * big.scale) < 0.01  # a twentieth of the width, shown as wide
    (big_at, big_width), (small_at, small_width) = red_square(big), red_square(small)
    assert abs(big_width - small_width) <= 2
    assert abs(big_at.x() - small_at.x()) < 3 and abs(big_at.y() - small_at.y()) < 3
    assert crop.scale is None  # of another shape: the same point of it is another place of the picture

    small.toggle_actual_size(QPointF(small.width() / 2, small.height() / 2))  # a double-click on the copy: fitted
    assert small.scale is None and big.scale is None
    qtbot.keyClick(dialog, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)  # the keys, as in the preview
    assert big.scale is not None and small.scale is not None
    qtbot.keyClick(dialog, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert big.scale is None and small.scale is None
    QApplication.processEvents()
    dialog.close()
