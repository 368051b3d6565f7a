"""The window on screens of more than one device pixel per logical pixel: thumbnails made for the
screen the window is on, and drawn pixel for pixel. Qt reads its screens and their scale once, as
the application starts, so each case runs the real window in a Python of its own."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.gui_support import red_circle_folder

SCREENS = {"screens": [  # the offscreen platform's two screens, side by side; QT_SCREEN_SCALE_FACTORS scales them
    {"name": "ext", "x": 0, "y": 0, "width": 1920, "height": 1080, "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1},
    {"name": "laptop", "x": 1920, "y": 0, "width": 3840, "height": 2160, "logicalDpi": 96, "logicalBaseDpi": 96,
     "dpr": 1},
]}

WINDOW = """
import json, sys
from pathlib import Path
from PySide6.QtCore import QPoint
from PySide6.QtGui import QGuiApplication, QImage
from photoclip.gui.app import make_app
from photoclip.gui.screenshots import spin, wait_for
from photoclip.library import Library

app = make_app()
from photoclip.gui.grid import CellPainter
from photoclip.gui.main_window import MainWindow, View

library = Library.open(Path(sys.argv[1]), model="photoclip-tiny")
window = MainWindow(library, watch=False, start_worker=False)


def place(name):
    screen = next(s for s in QGuiApplication.screens() if s.name() == name)
    window.setScreen(screen)
    window.move(screen.geometry().topLeft() + QPoint(40, 40))


def settled():
    for _ in range(2):  # painted, the cells in sight ask for their thumbnails; then once more at their size
        window.grid.viewport().grab()
        for row in window.duplicates.rows:
            row.grab()
        wait_for(app, lambda: window.loader.pending() == 0 and window.duplicate_loader.pending() == 0, 30, "thumbnails")
        spin(app, 0.2)


def grid_cell(row):
    ratio = window.devicePixelRatioF()
    pixmap, _mark = window.model.cell(row)
    side = CellPainter.square(window.grid.cell_rect(row)).width()
    return {"screen": window.screen().name(), "ratio": ratio, "made_for": pixmap.devicePixelRatio(),
            "pixels": pixmap.width(), "cell_pixels": round(side * ratio)}


def tile():
    [group] = window.duplicates.rows
    pixmap = next(iter(group.tiles.values())).image.pixmap()
    return {"screen": window.screen().name(), "ratio": window.devicePixelRatioF(),
            "made_for": pixmap.devicePixelRatio()}
"""

ON_TWO_SCREENS = WINDOW + """
seen = []
place("laptop")
window.resize(1100, 760)
window.show()
wait_for(app, lambda: window.model.rowCount() > 0 and not window.model.is_loading, 60, "the photos")
settled()
seen.append(grid_cell(0))
window.show_view(View("duplicates"))
wait_for(app, lambda: len(window.duplicates.rows) == 1 and window.duplicates.rows[0].tiles, 60, "the duplicates")
settled()
seen.append(tile())
place("ext")
wait_for(app, lambda: window.devicePixelRatioF() == 1.0, 10, "the move")
settled()
seen.append(tile())
window.show_view(View("library"))
settled()
seen.append(grid_cell(0))
window.shutdown()
print(json.dumps(seen))
"""

AT_125 = WINDOW + """
import numpy as np


def pixels(image):
    image = image.convertToFormat(QImage.Format.Format_RGBA8888)
    rows = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine() // 4, 4)
    return rows[:, :image.width(), :3].astype(np.int16)


window.resize(1100, 760)
window.show()
wait_for(app, lambda: window.model.rowCount() >= 6 and not window.model.is_loading, 60, "the photos")
settled()
ratio = window.devicePixelRatioF()
shown = pixels(window.grid.viewport().grab().toImage())
cells = []
for row in range(6):
    pixmap, _mark = window.model.cell(row)
    made = pixels(pixmap.toImage())
    side = made.shape[0]
    square = CellPainter.square(window.grid.cell_rect(row))
    x, y = int(square.x() * ratio), int(square.y() * ratio)
    inner = slice(12, side - 12)  # the rounded corners blend into the background
    cells.append(min(float(np.abs(shown[y + dy:y + dy + side, x + dx:x + dx + side][inner, inner]
                                  - made[inner, inner]).mean())
                     for dx in (0, 1) for dy in (0, 1)))
window.shutdown()
print(json.dumps({"ratio": ratio, "pixels": side, "square": square.width() * ratio, "differences": cells}))
"""


def _library_with_a_copy(tmp_path: Path, open_library) -> Path:
    """Six indexed photos, one of them twice (a group on the duplicates page); the library closed."""
    folder = tmp_path / "photos"
    red_circle_folder(folder, with_red_circle=2, without=4)
    first = sorted(folder.iterdir())[0]
    shutil.copy(first, folder / f"copy of {first.name}")
    library = open_library()
    library.index([folder])
    library.close()
    return library.directory


def _run(tmp_path: Path, script: str, library: Path, **env: str) -> object:
    """What `script` prints last, run in a Python whose Qt sees the screens `env` describes."""
    path = tmp_path / "window.py"
    path.write_text(script, encoding="utf-8")
    done = subprocess.run([sys.executable, str(path), str(library)], env={**os.environ, **env},
                          capture_output=True, text=True, timeout=300, cwd=Path(__file__).parent.parent)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.splitlines()[-1])


def test_thumbnails_are_made_at_the_pixel_ratio_of_the_screen_the_window_is_on(tmp_path: Path, open_library) -> None:
    """They were made at the ratio of the first screen, read once before the window was shown:
    on a 200 % screen beside a 100 % one, 154 px thumbnails stretched over 308 device pixels."""
    library = _library_with_a_copy(tmp_path, open_library)
    screens = tmp_path / "screens.json"
    screens.write_text(json.dumps(SCREENS), encoding="utf-8")
    seen = _run(tmp_path, ON_TWO_SCREENS, library, QT_QPA_PLATFORM=f"offscreen:configfile={screens}",
                QT_SCREEN_SCALE_FACTORS="ext=1;laptop=2")
    grid_on_laptop, tile_on_laptop, tile_on_ext, grid_on_ext = seen
    assert grid_on_laptop == {"screen": "laptop", "ratio": 2.0, "made_for": 2.0,
                              "pixels": grid_on_laptop["cell_pixels"], "cell_pixels": grid_on_laptop["cell_pixels"]}
    assert tile_on_laptop == {"screen": "laptop", "ratio": 2.0, "made_for": 2.0}
    assert tile_on_ext == {"screen": "ext", "ratio": 1.0, "made_for": 1.0}
    assert grid_on_ext == {"screen": "ext", "ratio": 1.0, "made_for": 1.0,
                           "pixels": grid_on_ext["cell_pixels"], "cell_pixels": grid_on_ext["cell_pixels"]}


def test_at_125_percent_a_grid_cell_shows_its_thumbnail_pixel_for_pixel(tmp_path: Path, open_library) -> None:
    """Drawn into its square of 154 logical px (192.5 device px), often at a half pixel, the 192 px
    thumbnail was resampled and soft at 125 %; at 100, 150 and 200 % it was copied exactly."""
    library = _library_with_a_copy(tmp_path, open_library)
    shown = _run(tmp_path, AT_125, library, QT_QPA_PLATFORM="offscreen", QT_SCALE_FACTOR="1.25")
    assert shown["ratio"] == 1.25 and shown["square"] != shown["pixels"]  # the case: a square of a fraction of px
    assert shown["differences"] == [0.0] * 6


AT_150_ZOOMED = WINDOW + """
import numpy as np
from PIL import Image
from PySide6.QtCore import QPointF

window.resize(1100, 760)
window.show()
wait_for(app, lambda: window.model.rowCount() == 1 and not window.model.is_loading, 60, "the photo")
window.open_preview(window.model.index(0, 0))
canvas = window.preview.canvas
wait_for(app, lambda: canvas.can_zoom(1), 60, "its picture")
spin(app, 0.2)
canvas.toggle_actual_size(QPointF(canvas.width() / 2, canvas.height() / 2))
wait_for(app, lambda: canvas.pixmap().width() == 4000, 60, "its pixels")
ratio = window.devicePixelRatioF()
image = canvas.grab().toImage().convertToFormat(QImage.Format.Format_RGB888)
rows = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine())
shown = rows[:, :image.width() * 3].reshape(image.height(), image.width(), 3).astype(np.int16)
photo = np.asarray(Image.open(library.photo(window.model.photo_id(0)).path).convert("RGB")).astype(np.int16)
rect = canvas._photo_rect()
x, y = round(-rect.x() * ratio), round(-rect.y() * ratio)
difference = float(np.abs(shown[50:450, 50:450] - photo[y + 50:y + 450, x + 50:x + 450]).mean())
window.shutdown()
print(json.dumps({"ratio": ratio, "label": canvas.zoom_label(), "difference": difference}))
"""


def test_at_150_percent_a_photo_zoomed_to_100_shows_each_of_its_pixels_on_one_of_the_screens(
    tmp_path: Path, open_library
) -> None:
    """Its size on screen was rounded to whole logical px: 4000 photo pixels made 2667 logical px, 4000.5 of
    the screen's, and every pixel was resampled."""
    from tests.test_gui_photo_canvas import _large_photo

    folder = tmp_path / "photos"
    folder.mkdir()
    _large_photo().save(folder / "large.png")
    library = open_library()
    library.index([folder])
    library.close()
    shown = _run(tmp_path, AT_150_ZOOMED, library.directory, QT_QPA_PLATFORM="offscreen", QT_SCALE_FACTOR="1.5")
    assert shown == {"ratio": 1.5, "label": "100 %", "difference": 0.0}
