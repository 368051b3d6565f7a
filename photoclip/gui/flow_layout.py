"""A layout that lays its widgets out in reading order and starts a new line when the next one
would not fit, so a row of many same-sized tiles wraps to the width it is given instead of
holding its window (or a scroll area) wider than the screen.

It answers `heightForWidth`, so a QScrollArea with `widgetResizable` gives it the height its
lines need at the viewport's width and never has to scroll sideways. Items of one line are
made as tall as the line's tallest, so tiles with fewer lines of text still end level.
"""

from __future__ import annotations

from PySide6.QtCore import QMargins, QPoint, QRect, QSize, Qt
from PySide6.QtWidgets import QLayout, QLayoutItem, QWidget


class FlowLayout(QLayout):
    """Items left to right, wrapping onto more lines; `spacing` apart both ways."""

    def __init__(self, parent: QWidget | None = None, spacing: int = 8) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._gap = spacing
        self._heights: dict[int, int] = {}  # width -> height, until the items change
        self._placed: tuple[QPoint, int] | None = None  # where (top left, width) the items were last placed
        self._least: QSize | None = None  # minimumSize, until the items change

    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)
        self.invalidate()

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:
        """Also called by Qt itself when a widget of the layout is deleted."""
        if not 0 <= index < len(self._items):
            return None
        item = self._items.pop(index)
        self.invalidate()
        return item

    def invalidate(self) -> None:
        self._heights.clear()
        self._placed = self._least = None
        super().invalidate()

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        if width not in self._heights:
            self._heights[width] = self._place(QRect(0, 0, width, 0), move=False)
        return self._heights[width]

    def setGeometry(self, rect: QRect) -> None:
        """Placed again only where the items, or where the rect starts or its width, changed
        (lines run from the top, whatever height is given): a page of hundreds of rows of tiles
        gave every tile its place anew, dozens of times, for each row added below."""
        super().setGeometry(rect)
        placed = (rect.topLeft(), rect.width())
        if placed != self._placed:
            self._place(rect, move=True)
            self._placed = placed

    def sizeHint(self) -> QSize:
        return self.minimumSize()

    def minimumSize(self) -> QSize:
        """The widest item: narrower than that, no number of lines would help."""
        if self._least is None:
            size = QSize()
            for item in self._items:
                if not item.isEmpty():
                    size = size.expandedTo(item.minimumSize())
            margins: QMargins = self.contentsMargins()
            self._least = size + QSize(margins.left() + margins.right(), margins.top() + margins.bottom())
        return QSize(self._least)

    def lines(self) -> list[list[QWidget]]:
        """The widgets shown, line by line, as last placed (for moving among them by keyboard)."""
        rows: dict[int, list[QWidget]] = {}
        for item in self._items:
            widget = item.widget()
            if widget is not None and not item.isEmpty():
                rows.setdefault(widget.y(), []).append(widget)
        return [sorted(rows[y], key=QWidget.x) for y in sorted(rows)]

    def _place(self, rect: QRect, move: bool) -> int:
        """Lay the items out in `rect` (or only measure, when not `move`); returns the height used."""
        margins = self.contentsMargins()
        area = rect.marginsRemoved(margins)
        y = area.y()
        line: list[tuple[QLayoutItem, QSize]] = []
        width = 0

        def finish() -> int:
            height = max(hint.height() for _, hint in line)
            if move:
                x = area.x()
                for item, hint in line:
                    item.setGeometry(QRect(QPoint(x, y), QSize(hint.width(), height)))
                    x += hint.width() + self._gap
            return height

        for item in self._items:
            if item.isEmpty():  # a hidden widget takes no place
                continue
            hint = item.sizeHint().expandedTo(item.minimumSize())
            if line and width + self._gap + hint.width() > area.width():
                y += finish() + self._gap
                line, width = [], 0
            width += (self._gap if line else 0) + hint.width()
            line.append((item, hint))
        if line:
            y += finish()
        return y - rect.y() + margins.bottom()
