"""Icons drawn as SVG in resources/icons/, tinted per state when loaded.

The files draw with `currentColor`; we substitute the colour wanted before rendering, so
one drawing serves normal, disabled and on-accent uses and stays crisp at any scale.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import QByteArray, QEvent, QObject, QRectF, QSize, Qt
from PySide6.QtGui import QIcon, QImage, QPainter, QPixmap
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QAbstractButton, QAbstractItemView, QLabel, QWidget

from photoclip import config
from photoclip.fsutil import atomic_write_bytes
from photoclip.gui import theme

log = logging.getLogger(__name__)

_SIZES = (16, 20, 24, 32, 48, 64, 96)
W = TypeVar("W", bound=QWidget)


@functools.cache
def _svg(name: str) -> str:
    path = config.resources_dir() / "icons" / f"{name}.svg"
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        log.warning("icon %s is missing (%s)", name, path)
        return '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"/>'


def tinted_file(name: str, colour: str) -> Path:
    """The icon's drawing in one colour, as a file for the style sheet to point at."""
    path = config.style_cache_dir() / f"{name}-{colour.lstrip('#')}.svg"
    data = _svg(name).replace("currentColor", colour)
    if not path.is_file() or path.read_text(encoding="utf-8") != data:
        atomic_write_bytes(path, data.encode())
    return path


def render(name: str, size: int, colour: str | None = None, ratio: float = 1.0) -> QPixmap:
    """One icon drawn at `size` logical pixels in `colour`, else the theme's text colour
    (device pixel `ratio` honoured)."""
    data = _svg(name).replace("currentColor", colour or theme.colours().text)
    renderer = QSvgRenderer(QByteArray(data.encode()))
    side = max(1, round(size * ratio))
    image = QImage(side, side, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter, QRectF(0, 0, side, side))
    painter.end()
    pixmap = QPixmap.fromImage(image)
    pixmap.setDevicePixelRatio(ratio)
    return pixmap


def icon(name: str, colour: str | None = None) -> QIcon:
    """A QIcon in `colour` (else the theme's text colour) with normal and greyed disabled
    states (cached; GUI thread only)."""
    current = theme.colours()
    return _icon(name, colour or current.text, current.faint)


@functools.cache
def _icon(name: str, colour: str, disabled: str) -> QIcon:
    result = QIcon()
    for size in _SIZES:
        result.addPixmap(render(name, size, colour), QIcon.Mode.Normal)
        result.addPixmap(render(name, size, disabled), QIcon.Mode.Disabled)
        result.addPixmap(render(name, size, colour), QIcon.Mode.Selected)
    return result


@functools.cache
def app_icon() -> QIcon:
    """The photoclip logo (drawn in colour, not tinted)."""
    result = QIcon()
    for size in (16, 24, 32, 48, 64, 128, 256):
        result.addPixmap(render("photoclip", size))
    return result


def scaled(px: int) -> int:
    """`px`, a size chosen at theme.REFERENCE_POINT_SIZE, at the app font's size now."""
    return max(1, round(px * theme.font_scale()))


def icon_size(px: int) -> QSize:
    """A square `px` wide at the reference font, `scaled` to the app font."""
    side = scaled(px)
    return QSize(side, side)


class _Refit(QObject):
    def __init__(self, widget: W, fit: Callable[[W], object]) -> None:
        super().__init__(widget)
        self._fit = fit

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._fit(watched)
        return False


def follow_font(widget: W, fit: Callable[[W], object]) -> None:
    """`fit(widget)` now, and again whenever its font or style changes (the app font changed, and
    the style sheet with it), to size its icons anew: sizes set once stayed small beside a font
    made larger."""
    fit(widget)
    widget.installEventFilter(_Refit(widget, fit))


def keep_icon_size(widget: QAbstractButton | QAbstractItemView, px: int) -> None:
    """Icons `px` wide at the reference font on `widget`, as much larger as the app font is."""
    follow_font(widget, lambda shown: shown.setIconSize(icon_size(px)))


class IconLabel(QLabel):
    """An icon shown as a picture, `px` wide at the reference font and as much larger as the app font is."""

    def __init__(self, px: int, icon: QIcon | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._px = px
        self._icon = icon or QIcon()
        follow_font(self, IconLabel._draw)

    def set_icon(self, icon: QIcon) -> None:
        self._icon = icon
        self._draw()

    def _draw(self) -> None:
        size = icon_size(self._px)
        self.setFixedSize(size)
        self.setPixmap(self._icon.pixmap(size, self.devicePixelRatioF()) if not self._icon.isNull() else QPixmap())
