"""A group of duplicates side by side, large, to tell its copies apart before choosing which
to keep: each photo with its size, dimensions, date and whole path. The thumbnails show at
once; the pictures, decoded at the dialog's size in the background, take their places. Zoomed
in (Ctrl+wheel, a double-click) or moved, one photo takes the others along to the same place at
the same size: a copy saved smaller or more compressed shows its loss beside its original.

It only shows: the choices stay on the Duplicates page, where the user makes them.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Sequence

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QImage, QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from photoclip import humanize
from photoclip.catalog import Photo
from photoclip.gui.grid import taken_line
from photoclip.gui.ops import Ops
from photoclip.gui.photo_canvas import PhotoCanvas, picture, pixmap_of, whole_picture
from photoclip.gui.wrapping import ZERO_WIDTH_SPACE, graphemes
from photoclip.ids import PhotoId

COMPARE_SIDE = 360  # each picture fits a square this big: two or three side by side on a laptop
LONG_PART = 12  # characters of a name or folder beyond which a wrapped line may break it anywhere
SAME_SHAPE = 0.01  # photos whose shapes differ less than this share of it follow each other
COMPARE_MOST = 6  # photos compared at once: each is a picture decoded at COMPARE_SIDE


def compared(members: Sequence[PhotoId], chosen: PhotoId | None) -> list[PhotoId]:
    """The photos of a group to compare: its first COMPARE_MOST, the one the user chose among them."""
    first = list(members[:COMPARE_MOST])
    if chosen is not None and chosen not in first:
        first[-1] = chosen
    return first


def facts(photo: Photo, kept: bool) -> list[tuple[str, str]]:
    """What tells copies apart, a fact a line: (what, its value)."""
    dimensions = humanize.pixel_size(photo.width, photo.height) if photo.width and photo.height else "not read yet"
    lines = [("Size", humanize.file_size(photo.size)), ("Dimensions", dimensions), ("Taken", taken_line(photo)),
             ("Path", humanize.shown(photo.path))]
    if photo.damage:
        lines.append(("Damaged", photo.damage))
    return [*lines, ("Choice", "✓ Keep" if kept else "Move to trash")]


def breakable(text: str) -> str:
    """`text` for a wrapped label that shows it whole: a zero-width space after each folder ("/2019"
    allows no break of its own) and between the characters of a part longer than LONG_PART without
    a space; a file name has none, and was cut at the label's edge and squeezed the lines under it."""
    pieces = re.split(f"(\\s|{re.escape(os.sep)})", text)
    return "".join(piece + ZERO_WIDTH_SPACE if piece == os.sep
                   else ZERO_WIDTH_SPACE.join(graphemes(piece)) if len(piece) > LONG_PART else piece
                   for piece in pieces)


def _fact_label(key: str, value: str) -> QLabel:
    """A fact's value, wrapped. A path wraps after a folder or inside a long name, with breaks that
    would paste wrong: it is not selectable, whole in its tooltip and for a screen reader."""
    label = QLabel(value)
    label.setObjectName("DamageValue" if key == "Damaged" else "InfoValue")
    label.setWordWrap(True)
    if key == "Path":
        label.setText(breakable(value))
        label.setToolTip(value)
        label.setAccessibleName(value)
    else:
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class _Column(QFrame):
    """One photo: the picture, its name, and the facts that tell copies apart."""

    def __init__(self, photo: Photo, kept: bool, placeholder: QPixmap | None) -> None:
        super().__init__()
        self.photo = photo
        self.setFixedWidth(COMPARE_SIDE)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        self.canvas = PhotoCanvas(fit_up_to=1.0)  # a copy saved smaller looks smaller
        self.canvas.setFixedSize(COMPARE_SIDE, COMPARE_SIDE)
        self.canvas.set_pixmap(placeholder, "" if placeholder is not None else "Loading…")
        self.sharpened = False  # its whole pixels asked for (zoomed in past the picture's)
        layout.addWidget(self.canvas)
        name = QLabel(breakable(humanize.shown(photo.path.name)))
        name.setAccessibleName(humanize.shown(photo.path.name))
        name.setObjectName("DupName")
        name.setWordWrap(True)
        layout.addWidget(name)
        grid = QGridLayout()
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(4)
        grid.setColumnStretch(1, 1)
        self.facts: dict[str, QLabel] = {}
        for row, (key, value) in enumerate(facts(photo, kept)):
            what = QLabel(key)
            what.setObjectName("InfoKey")
            grid.addWidget(what, row, 0, Qt.AlignmentFlag.AlignTop)
            self.facts[key] = _fact_label(key, value)
            grid.addWidget(self.facts[key], row, 1)
        layout.addLayout(grid)
        layout.addStretch(1)

    def show_picture(self, shown: tuple[QPixmap, QSize]) -> None:
        """The picture decoded at the square's size, and the photo's whole size: zoomable."""
        self.canvas.set_pixmap(shown[0], photo_size=shown[1])

    def failed(self, exc: BaseException) -> None:
        self.canvas.set_pixmap(None, f"Cannot show this photo: {exc}")


class CompareDialog(QDialog):
    """The photos of one group side by side; scrolls sideways where the screen is too narrow."""

    def __init__(self, ops: Ops, photos: Sequence[Photo], kept: set[PhotoId],
                 thumbnail: Callable[[PhotoId], QPixmap | None], total: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Compare copies")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # and the pictures still on their way are dropped
        self._ops = ops
        layout = QVBoxLayout(self)
        shown = f"{len(photos)} of the {total:,} photos" if total > len(photos) else f"The {len(photos)} photos"
        line = QLabel(f"{shown} of this group, side by side: zoom in on one (Ctrl+wheel, a double-click, "
                      "Ctrl+plus) and those of its shape follow. Choose which to keep on the Duplicates page.")
        line.setObjectName("Muted")
        line.setWordWrap(True)
        layout.addWidget(line)
        row = QWidget()
        columns = QHBoxLayout(row)
        columns.setSpacing(20)
        self.columns: list[_Column] = []
        for photo in photos:
            column = _Column(photo, photo.id in kept, thumbnail(photo.id))
            columns.addWidget(column, 0, Qt.AlignmentFlag.AlignTop)
            self.columns.append(column)
            column.canvas.moved.connect(lambda led=column: self._follow(led))
            column.canvas.pixels_wanted.connect(lambda wanting=column: self._sharpen(wanting))
            self._load(column)
        self.scroll = QScrollArea()
        self.scroll.setObjectName("CompareScroll")
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setWidget(row)
        layout.addWidget(self.scroll, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._fit(row)
        self._zoom_keys()

    def _zoom_keys(self) -> None:
        """Ctrl+plus (or Ctrl+=), Ctrl+minus and Ctrl+0, as in the preview: on the first photo, the
        others following. One shortcut a key: two of one key are ambiguous, and neither works."""
        zoom_in = [*QKeySequence.keyBindings(QKeySequence.StandardKey.ZoomIn), QKeySequence("Ctrl+=")]
        zoom_out = QKeySequence.keyBindings(QKeySequence.StandardKey.ZoomOut) or [QKeySequence("Ctrl+-")]
        steps = {**{keys: 1 for keys in zoom_in}, **{keys: -1 for keys in zoom_out}, QKeySequence("Ctrl+0"): 0}
        for keys, step in steps.items():
            first = self.columns[0].canvas
            QShortcut(keys, self).activated.connect(lambda step=step: first.zoom(step) if step else first.fit())

    def _fit(self, row: QWidget) -> None:
        """As wide as the photos side by side, as the screen allows; they scroll sideways beyond."""
        hint = row.sizeHint()
        screen = (self.parentWidget() or self).screen().availableGeometry()
        self.resize(min(hint.width() + 48, screen.width() * 9 // 10),
                    min(hint.height() + 120, screen.height() * 9 // 10))

    def _load(self, column: _Column) -> None:
        ratio = self.devicePixelRatioF() or 1.0
        path = column.photo.path

        def shown(picture_and_size: tuple[QImage, QSize]) -> None:
            column.show_picture((pixmap_of(picture_and_size[0], ratio), picture_and_size[1]))
            leader = next((other for other in self.columns if other.canvas.scale is not None), None)
            if leader is not None:  # zoomed in on another while this one was being read
                self._follow(leader)

        self._ops.query(lambda _lib: picture(path, round(COMPARE_SIDE * ratio)), shown, column.failed, parent=self)

    def _follow(self, led: _Column) -> None:
        """The other photos of its shape to where `led` was zoomed or moved, at its size. One of
        another shape (a crop, a copy turned) shows another place at such a point: it stays as it is."""
        width, focus = led.canvas.view()
        shape = _shape(led.canvas.photo_size)
        for column in self.columns:
            if column is not led and shape and abs(_shape(column.canvas.photo_size) - shape) <= SAME_SHAPE * shape:
                column.canvas.follow(width, focus)

    def _sharpen(self, column: _Column) -> None:
        """Zoomed in past the picture decoded for the square: the photo's whole pixels, once (again
        after a failure)."""
        if column.sharpened:
            return
        column.sharpened = True
        column.canvas.set_note("loading…")
        ratio, path, size = self.devicePixelRatioF() or 1.0, column.photo.path, column.canvas.photo_size

        def failed(exc: BaseException) -> None:
            column.sharpened = False
            column.canvas.set_note(str(exc))

        self._ops.picture(lambda _lib: whole_picture(path, size),
                          lambda shown: column.canvas.sharpen(pixmap_of(shown[0], ratio), shown[1]), failed, self,
                          key=self._key(column))

    def _key(self, column: _Column) -> tuple[str, int, int]:
        return "compare", id(self), self.columns.index(column)

    def done(self, result: int) -> None:
        """Closed: the photos still waiting to be read whole are not read."""
        for column in self.columns:
            self._ops.forget_pictures(self._key(column))
        super().done(result)


def _shape(size: QSize) -> float:
    """Width over height; 0 for a photo whose size is not known yet."""
    return size.width() / size.height() if size.height() > 0 else 0.0

