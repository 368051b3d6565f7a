"""The preview's picture: fitted to the space, or zoomed in to look at its pixels (is it sharp,
which of two shots has the eyes open), as photo viewers let one: Ctrl+wheel or a touchpad's
pinch at the mouse, a double-click for 100 % and back, a drag or the wheel to move about.

Zoom is in the photo's own pixels: 100 % shows each of them on a pixel of the screen. The
picture first shown is the screen-sized one; zoomed in past its pixels, the canvas asks for the
photo's whole (`pixels_wanted`) and shows the smaller one enlarged until it comes, saying so
beside the zoom ("100 % · loading…"; "· enlarged", or why, where it cannot be read whole). The
screen-sized picture stays for the smaller scales, and the whole pixels drawn much smaller are
reduced first: a photo drawn at a tenth of its size flickers with detail no sampling smooths.
"""

from __future__ import annotations

import logging
import math
import os
from pathlib import Path

from PySide6.QtCore import (
    QEvent,
    QPoint,
    QPointF,
    QRect,
    QRectF,
    QSize,
    QSizeF,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QImage,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPixmap,
    QResizeEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from photoclip import folder_probe, imaging
from photoclip.gui.gradual_zoom import GradualZoom

log = logging.getLogger(__name__)

ZOOM_STEPS = (0.1, 0.125, 0.167, 0.25, 0.333, 0.5, 0.667, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0, 8.0)
"""The scales zoomed through (screen pixels per photo pixel) from the fitted one, which is none of them."""
BACKGROUND = QColor("#1b1e24")
TEXT = QColor("#d5d9e0")
WHEEL_PAN = 0.5  # of a notch's 120: px moved per eighth of a degree turned, as a page scrolls
FOLLOW_MOST = 32.0  # the most a copy following a larger one is enlarged (a thumbnail beside a 48 MP photo)
REDUCED_BEYOND = 2.0  # drawn smaller than this many times its pixels, a picture is reduced first (no aliasing)
ZOOMED_PIXELS = 64_000_000
"""The most pixels decoded for a photo zoomed in: all of a 48 MP phone's photo or a 16,000-px
panorama's (256 MB, once, for the photo shown); a larger one is read reduced to them."""


class NotReadWhole(Exception):
    """Why a photo could not be read whole to zoom in, as the zoom says it ("its file is not there")."""


def whole_picture(path: Path, photo_size: QSize) -> tuple[QImage, QSize]:
    """The photo's whole pixels to zoom in on, up to ZOOMED_PIXELS (pool thread); NotReadWhole
    says why not. Whether its file is there is asked here, off the GUI thread: after a failed read,
    its share may hang."""
    try:
        return picture(path, zoomed_side(photo_size))
    except Exception as exc:  # the drive gone, the bytes broken past the screen-sized picture's
        log.info("cannot read %s whole to zoom in: %s", path, exc)
        there = not folder_probe.silent(path) and os.path.lexists(path)
        raise NotReadWhole("it cannot be read whole" if there else "its file is not there") from exc


def pixmap_of(image: QImage, ratio: float) -> QPixmap:
    """`image` to draw (GUI thread only) on a screen of `ratio` device pixels per logical pixel."""
    pixmap = QPixmap.fromImage(image)
    pixmap.setDevicePixelRatio(ratio)
    return pixmap


def zoomed_side(photo_size: QSize) -> int:
    """The longest side to decode `photo_size` at for zooming in: whole, up to ZOOMED_PIXELS."""
    width, height = max(1, photo_size.width()), max(1, photo_size.height())
    return max(1, math.floor(max(width, height) * min(1.0, math.sqrt(ZOOMED_PIXELS / (width * height)))))


def picture(path: Path, side: int) -> tuple[QImage, QSize]:
    """The photo fitting in `side` (pool thread: QImage only), in the screen's pixel format, and
    its whole size upright. OSError for a photo on a share that does not answer (folder_probe), rather
    than the thread held for ever."""
    if not folder_probe.answers(path):
        raise OSError(f"{path.parent} does not answer (a share whose server is away?)")
    shown, (width, height) = imaging.display_image(path, side)
    image = QImage(shown.tobytes(), shown.width, shown.height, 3 * shown.width, QImage.Format.Format_RGB888)
    return image.convertToFormat(QImage.Format.Format_RGB32), QSize(width, height)


class PhotoCanvas(QWidget):
    """The picture, fitted to the space on a dark background, or zoomed."""

    pixels_wanted = Signal()  # zoomed past the picture's pixels: the photo's own are needed
    zoom_changed = Signal()
    moved = Signal()  # the user zoomed or moved it (not follow()): canvases shown side by side follow

    def __init__(self, parent: QWidget | None = None, fit_up_to: float = 2.0) -> None:
        """`fit_up_to`: how much a photo smaller than the space is enlarged to fit it (1: not at all,
        where a small copy is to look smaller than its original)."""
        super().__init__(parent)
        self._fit_up_to = fit_up_to
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self._pixmap: QPixmap | None = None
        self._pixels: QPixmap | None = None  # the photo's whole pixels, read when zoomed in past _pixmap's
        self._reduced: tuple[QSize, QPixmap] | None = None  # _pixels reduced to a size they are drawn at
        self._message = ""
        self._note = ""  # said beside the zoom: the whole pixels "loading…", or why they cannot be
        self._photo_size = QSize()  # the photo's whole size, upright, in its own pixels
        self._scale: float | None = None  # screen pixels per photo pixel; None: fitted
        self._focus = QPointF(0.5, 0.5)  # the point of the photo at the canvas's centre, as fractions of it
        self._dragged_from: QPointF | None = None
        self._gradual = GradualZoom()

    def set_pixmap(self, pixmap: QPixmap | None, message: str = "", photo_size: QSize | None = None) -> None:
        """Show another photo (or a message), fitted; zoomable once `photo_size`, its whole size
        upright, is known (not for the grid's square thumbnail standing in meanwhile)."""
        self._pixmap, self._message, self._pixels, self._note, self._reduced = pixmap, message, None, "", None
        self._photo_size = QSize(photo_size) if photo_size is not None else QSize()
        self._scale, self._focus = None, QPointF(0.5, 0.5)
        self._gradual.reset()
        self._changed()

    def sharpen(self, pixmap: QPixmap, photo_size: QSize) -> None:
        """The same photo in its whole pixels (`photo_size`, read again): drawn where zoomed past the
        screen-sized picture's."""
        self._pixels, self._photo_size, self._note, self._reduced = pixmap, photo_size, "", None
        self.update()

    def set_note(self, note: str) -> None:
        """What to say beside the zoom of a picture enlarged: its whole pixels "loading…", or why not."""
        self._note = note
        self.update()

    def drop_pixels(self) -> None:
        """Fitted, without the whole pixels (a 48 MP photo's are 192 MB): the page was left."""
        self._pixels, self._note, self._reduced = None, "", None
        if self._scale is not None:
            self._zoom_to(None, None)

    def pixmap(self) -> QPixmap | None:
        """The best picture of the photo at hand: its whole pixels once read, else the screen-sized one."""
        return self._pixels if self._pixels is not None else self._pixmap

    @property
    def scale(self) -> float | None:
        """Screen pixels per photo pixel while zoomed (1.0: 100 %); None while fitted."""
        return self._scale

    @property
    def photo_size(self) -> QSize:
        """The photo's whole size, upright, in its own pixels (empty until its picture came)."""
        return QSize(self._photo_size)

    @property
    def message(self) -> str:
        return self._message

    def needs_pixels(self) -> bool:
        """Zoomed in past the screen-sized picture's pixels, which are fewer than the photo's, and
        the photo's whole not read yet."""
        pixmap = self._pixmap
        return (self._pixels is None and self._past(pixmap) and pixmap is not None
                and pixmap.width() < self._photo_size.width() * 0.98)

    def _past(self, pixmap: QPixmap | None) -> bool:
        """Zoomed in past `pixmap`'s pixels."""
        if self._scale is None or pixmap is None or pixmap.isNull() or self._photo_size.isEmpty():
            return False
        return self._scale * self._photo_size.width() > pixmap.width() * 1.02

    def _source(self) -> QPixmap | None:
        """What to draw: the screen-sized picture while it has pixels enough, the whole ones past it."""
        return self._pixels if self._pixels is not None and self._past(self._pixmap) else self._pixmap

    # zooming

    def zoom(self, steps: int, anchor: QPointF | None = None) -> bool:
        """`steps` of ZOOM_STEPS in (> 0) or out, keeping the photo's point at `anchor` (the
        canvas's centre by default) where it is; out past the fitted size, fitted. False where
        there is nothing to zoom or no further to go."""
        if not self.can_zoom(steps):
            return False
        self._zoom_to(self._stepped(steps), anchor)
        return True

    def can_zoom(self, steps: int) -> bool:
        """Whether zoom(steps) would change anything."""
        return self._zoomable() and self._stepped(steps) != self._scale

    def _stepped(self, steps: int) -> float | None:
        fitted = self._fitted_scale()
        scale = self._scale if self._scale is not None else fitted
        for _ in range(abs(steps)):
            if steps > 0:
                scale = next((step for step in ZOOM_STEPS if step > scale * 1.01), scale)
            else:
                smaller = [step for step in ZOOM_STEPS if step < scale * 0.99]
                scale = smaller[-1] if smaller and smaller[-1] > fitted * 1.01 else fitted
        return None if scale == fitted else scale

    def fit(self) -> bool:
        """Back to the whole photo fitted; False if it was."""
        if self._scale is None:
            return False
        self._zoom_to(None, None)
        return True

    def toggle_actual_size(self, anchor: QPointF) -> None:
        """A double-click: 100 % at the point clicked (a photo smaller than the space, its next
        step up), or back to fitted."""
        if self._scale is not None:
            self.fit()
        elif self._zoomable():
            fitted = self._fitted_scale()
            self._zoom_to(1.0 if fitted < 0.99 else next((s for s in ZOOM_STEPS if s > fitted * 1.01), None),
                          anchor)

    def _zoom_to(self, scale: float | None, anchor: QPointF | None) -> None:
        area = QRectF(self.rect())
        anchor = anchor if anchor is not None else area.center()
        before = self._photo_rect()
        at = QPointF((anchor.x() - before.x()) / before.width(), (anchor.y() - before.y()) / before.height())
        self._scale = scale
        if scale is None:
            self._focus = QPointF(0.5, 0.5)
        else:
            size = self._zoomed_size()
            left, top = anchor.x() - at.x() * size.width(), anchor.y() - at.y() * size.height()
            self._focus = QPointF((area.center().x() - left) / size.width(), (area.center().y() - top) / size.height())
            self._keep_in_view()
        self._changed()
        self.moved.emit()

    def view(self) -> tuple[float | None, QPointF]:
        """How the photo is shown, for another canvas to follow: its whole width on screen (logical
        px; None: fitted) and the point of it at the canvas's centre (fractions of it)."""
        width = None if self._scale is None else self._zoomed_size().width()
        return width, QPointF(self._focus)

    def follow(self, width: float | None, focus: QPointF) -> None:
        """Show the photo as wide as another shown `width` px wide, at the same point of it: the same
        place of two copies side by side, at one size however many pixels each has (a tiny copy
        enlarged FOLLOW_MOST at most)."""
        if not self._zoomable() or (width is None and self._scale is None):
            return
        ratio = self.devicePixelRatioF() or 1.0
        self.show_at(None if width is None else min(FOLLOW_MOST, width * ratio / self._photo_size.width()), focus)

    def show_at(self, scale: float | None, focus: QPointF) -> None:
        """Zoomed to `scale` (fitted where that is no larger than fitted, or None) at the point `focus`
        of it: the next photo stepped to, as the last one was."""
        if not self._zoomable():
            return
        fitted = scale is None or scale <= self._fitted_scale()
        self._scale = None if fitted else scale
        self._focus = QPointF(0.5, 0.5) if fitted else QPointF(focus)
        if self._scale is not None:
            self._keep_in_view()
        self._changed()

    def _pan(self, dx: float, dy: float) -> None:
        """Move the photo by (dx, dy) logical px, as far as it has more to show."""
        if self._scale is None:
            return
        size = self._zoomed_size()
        self._focus = QPointF(self._focus.x() - dx / size.width(), self._focus.y() - dy / size.height())
        self._keep_in_view()
        self.update()
        self.moved.emit()

    def _keep_in_view(self) -> None:
        """A photo larger than the space covers it (no background past its edge); a smaller
        one stays centred on that side."""
        area, size = self.rect(), self._zoomed_size()
        x, y = self._focus.x(), self._focus.y()
        half_w, half_h = area.width() / 2 / size.width(), area.height() / 2 / size.height()
        x = 0.5 if half_w >= 0.5 else min(1 - half_w, max(half_w, x))
        y = 0.5 if half_h >= 0.5 else min(1 - half_h, max(half_h, y))
        self._focus = QPointF(x, y)

    def _changed(self) -> None:
        self._follow_cursor()
        self.update()
        self.zoom_changed.emit()
        if self.needs_pixels():
            self.pixels_wanted.emit()

    # geometry

    def _zoomable(self) -> bool:
        return self._pixmap is not None and not self._pixmap.isNull() and not self._photo_size.isEmpty()

    def _area(self) -> QRect:
        """Where a fitted photo goes: the canvas less a margin (a narrow one keeps its pixels); a
        zoomed one has all of the canvas."""
        side = min(24, self.width() // 40)
        return self.rect().adjusted(side, 16, -side, -16)

    def _fitted_rect(self) -> QRectF:
        pixmap = self._pixmap
        assert pixmap is not None
        own = pixmap.deviceIndependentSize().toSize()
        size = QSize(own)
        size.scale(self._area().size().expandedTo(QSize(1, 1)), Qt.AspectRatioMode.KeepAspectRatio)
        if size.width() > own.width() * self._fit_up_to:  # tiny photos: not blown up past it
            size = own * self._fit_up_to
        target = QRect(0, 0, size.width(), size.height())
        target.moveCenter(self._area().center())
        return QRectF(target)

    def _fitted_scale(self) -> float:
        return max(1.0, self._fitted_rect().width()) * self.devicePixelRatioF() / max(1, self._photo_size.width())

    def _zoomed_size(self) -> QSizeF:
        """The whole photo's size on screen, in logical px: not rounded to them, as on a screen scaled
        to 150 % a whole number of the screen's pixels is none of them."""
        scale, ratio = self._scale or self._fitted_scale(), self.devicePixelRatioF() or 1.0
        return QSizeF(self._photo_size.width() * scale / ratio, self._photo_size.height() * scale / ratio)

    def _photo_rect(self) -> QRectF:
        """Where the photo is drawn, in the canvas's logical pixels."""
        if self._scale is None:
            return self._fitted_rect()
        area, size, ratio = QRectF(self.rect()), self._zoomed_size(), self.devicePixelRatioF() or 1.0
        left = area.center().x() - self._focus.x() * size.width()
        top = area.center().y() - self._focus.y() * size.height()
        # on whole pixels of the screen: at 100 % each of the photo's on one, not spread over two
        return QRectF(round(left * ratio) / ratio, round(top * ratio) / ratio, size.width(), size.height())

    def _movable(self) -> bool:
        """Zoomed larger than the space: there is more of it to drag into sight."""
        if self._scale is None:
            return False
        size, area = self._zoomed_size(), self.rect()
        return size.width() > area.width() or size.height() > area.height()

    def _follow_cursor(self) -> None:
        if self._dragged_from is not None:
            self.setCursor(Qt.CursorShape.ClosedHandCursor)
        elif self._movable():
            self.setCursor(Qt.CursorShape.OpenHandCursor)
        else:
            self.unsetCursor()

    # events

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), BACKGROUND)
        pixmap = self._source()
        if pixmap is not None and not pixmap.isNull():
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            target = self._photo_rect()
            pixmap = self._reduced_for(pixmap, target.size() * (self.devicePixelRatioF() or 1.0))
            shown = target.intersected(QRectF(self.rect()))
            if not shown.isEmpty():  # only the part in sight: a photo zoomed to 8x is thousands of px wide
                kx, ky = pixmap.width() / target.width(), pixmap.height() / target.height()
                source = QRectF((shown.x() - target.x()) * kx, (shown.y() - target.y()) * ky,
                                shown.width() * kx, shown.height() * ky)
                painter.drawPixmap(shown, pixmap, source)
            if self._scale is not None:
                self._paint_scale(painter)
        if self._message:
            painter.setPen(TEXT)
            painter.drawText(self._area(), Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, self._message)
        painter.end()

    def _reduced_for(self, pixmap: QPixmap, size: QSizeF) -> QPixmap:
        """`pixmap` to draw at `size` (device px): the whole pixels drawn at an eighth of their size
        alias (fine lines come and go, noise turns to grain), so they are reduced first, smoothly,
        once for each size they are drawn at."""
        if pixmap is not self._pixels or pixmap.width() < REDUCED_BEYOND * size.width():
            return pixmap
        wanted = size.toSize()
        if self._reduced is None or self._reduced[0] != wanted:
            reduced = QPixmap.fromImage(pixmap.toImage().scaled(
                wanted, Qt.AspectRatioMode.IgnoreAspectRatio, Qt.TransformationMode.SmoothTransformation))
            reduced.setDevicePixelRatio(pixmap.devicePixelRatio())
            self._reduced = (wanted, reduced)
        return self._reduced[1]

    def zoom_label(self) -> str | None:
        """How far it is zoomed ("100 %"; None while fitted), and where the picture drawn is a smaller
        one enlarged (its whole pixels on their way, or not to be had), that too: "100 % · loading…"."""
        if self._scale is None:
            return None
        text = f"{round(self._scale * 100):,} %"
        pixmap = self._source()
        if self._past(pixmap) and pixmap is not None and pixmap.width() < self._photo_size.width() * 0.98:
            text += f" · {self._note or 'enlarged'}"
        return text

    def _paint_scale(self, painter: QPainter) -> None:
        """zoom_label at the bottom right, while zoomed."""
        text = self.zoom_label() or ""
        metrics = painter.fontMetrics()
        box = QRect(0, 0, metrics.horizontalAdvance(text) + 16, metrics.height() + 8)
        box.moveBottomRight(self.rect().bottomRight() - QPoint(12, 12))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(0, 0, 0, 150))
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.drawRoundedRect(box, 6, 6)
        painter.setPen(TEXT)
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._scale is not None:
            self._keep_in_view()
            self._follow_cursor()

    def wheelEvent(self, event: QWheelEvent) -> None:
        """Ctrl+wheel zooms at the mouse; the wheel alone moves a zoomed photo about."""
        turned = event.angleDelta()
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            at = event.position()
            self._gradual.zoom((turned.y() or turned.x()) / 120, lambda step: self.zoom(step, at))
        elif self._scale is not None:
            pixels = event.pixelDelta()
            if pixels.isNull():
                pixels = QPoint(round(turned.x() * WHEEL_PAN), round(turned.y() * WHEEL_PAN))
            if event.modifiers() & Qt.KeyboardModifier.ShiftModifier and not pixels.x():
                pixels = QPoint(pixels.y(), 0)
            self._pan(pixels.x(), pixels.y())
        else:
            event.ignore()
            return
        event.accept()

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.NativeGesture and event.gestureType() == Qt.NativeGestureType.ZoomNativeGesture:
            at = event.position()
            self._gradual.zoom(event.value() / 0.25, lambda step: self.zoom(step, at))
            event.accept()
            return True
        return super().event(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.toggle_actual_size(event.position())
            event.accept()
            return
        super().mouseDoubleClickEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self._movable():
            self._dragged_from = event.position()
            self._follow_cursor()
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._dragged_from is not None:
            moved = event.position() - self._dragged_from
            self._dragged_from = event.position()
            self._pan(moved.x(), moved.y())
            event.accept()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self._dragged_from is not None:
            self._dragged_from = None
            self._follow_cursor()
            event.accept()
            return
        super().mouseReleaseEvent(event)
