"""Keys the views share."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QContextMenuEvent, QKeyEvent


def asks_for_menu(event: QEvent) -> bool:
    """The keyboard asks for the context menu: the Menu key, or Shift+F10 where a laptop has none
    (as in GNOME and Windows apps), whether Qt delivers it as a key or as a context-menu event."""
    if isinstance(event, QContextMenuEvent):
        return event.reason() == QContextMenuEvent.Reason.Keyboard
    if isinstance(event, QKeyEvent) and event.type() == QEvent.Type.KeyPress:
        shift_f10 = event.key() == Qt.Key.Key_F10 and event.modifiers() == Qt.KeyboardModifier.ShiftModifier
        return shift_f10 or event.key() == Qt.Key.Key_Menu
    return False
