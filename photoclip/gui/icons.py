"""Icons drawn as SVG in resources/icons/, tinted per state when loaded.

The files draw with `currentColor`; we substitute the colour wanted before rendering, so
one drawing serves normal, disabled and on-accent uses and stays crisp at any scale.
"""

from __future__ import annotations

import functools
import logging
from pathlib import Path

from PySide6.QtCore import QByteArray, QRectF, QSize, Qt
from PySide6.QtGui import QIcon, QImage, QPainter, QPixmap
from PySide6.QtSvg import QSvgRenderer

from photoclip import config
from photoclip.fsutil import atomic_write_bytes
from photoclip.gui import theme

log = logging.getLogger(__name__)

_SIZES = (16, 20, 24, 32, 48, 64, 96)


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


def icon_size(px: int) -> QSize:
    return QSize(px, px)
