"""A message strip above the content: what went wrong or what is in progress, and what the
user can do about it (buttons). The window keeps one for the model and one for errors, so
errors are shown in one place instead of in dialogs popping up from everywhere.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from PySide6.QtCore import QEvent, QObject, QSize, Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QBoxLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLayout,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from photoclip.gui import icons, theme
from photoclip.gui.wrapping import ZERO_WIDTH_SPACE

Action = tuple[str, Callable[[], None]]
TEXT_CHARS = 36  # average characters the text keeps beside the buttons; narrower, the buttons go below it
LONG_WORD = re.compile(r"\S{16,}")  # a model's name or a path: a line may break it anywhere
LEAST_LINES = 8  # a window too low for the banners whole still shows this many lines of them, scrolling


def breakable(text: str) -> str:
    """`text` with a zero-width space after each 8 characters of its long words, so that a
    word-wrapped label can break them: one model name held a narrow window wider than itself."""
    return LONG_WORD.sub(lambda word: ZERO_WIDTH_SPACE.join(re.findall(".{1,8}", word.group())), text)


class _Message(QLabel):
    """The banner's text, wrapped, long words too (`breakable`); `text()` is the text as set."""

    def setText(self, text: str) -> None:
        super().setText(breakable(text))

    def text(self) -> str:
        return super().text().replace(ZERO_WIDTH_SPACE, "")


class Banner(QFrame):
    """Its text wraps to the width it has; its buttons sit beside it where there is room, else
    below it, so that it never makes the window wider (three buttons beside a long message did)."""

    dismissed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("Banner")
        layout = QHBoxLayout(self)
        layout.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)  # its least width is minimumSizeHint's
        layout.setContentsMargins(14, 10, 10, 10)
        layout.setSpacing(12)
        self._icon = icons.IconLabel(22)
        layout.addWidget(self._icon, 0, Qt.AlignmentFlag.AlignTop)
        column = QVBoxLayout()
        column.setSpacing(6)
        self.text = _Message()
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.progress = QProgressBar()
        self.progress.setTextVisible(False)
        column.addWidget(self.text)
        column.addWidget(self.progress)
        self._body = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self._body.setSpacing(12)
        self._body.addLayout(column, 1)
        self._buttons = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self._buttons.setSpacing(6)
        self._body.addLayout(self._buttons)
        self._body.setAlignment(self._buttons, Qt.AlignmentFlag.AlignLeft)  # below the text: as wide as they need
        layout.addLayout(self._body, 1)
        self._close = QToolButton()
        self._close.setIcon(icons.icon("close"))
        icons.keep_icon_size(self._close, 14)
        self._close.setToolTip("Dismiss")
        self._close.clicked.connect(self._dismiss)
        layout.addWidget(self._close, 0, Qt.AlignmentFlag.AlignTop)
        self.hide()

    def show_message(
        self,
        text: str,
        kind: str = "warning",
        actions: Sequence[Action] = (),
        progress: tuple[int, int | None] | None = None,
        closable: bool = True,
    ) -> None:
        """Show `text` with buttons for `actions`; `progress` (done, total or None) adds a bar."""
        colours = theme.colours()
        warning = kind == "warning"
        self._icon.set_icon(icons.icon("warning" if warning else "info",
                                       colours.warning_icon if warning else colours.accent_text))
        self.text.setText(text)
        self.set_progress(progress)
        while self._buttons.count():
            item = self._buttons.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        for label, callback in actions:
            button = QPushButton(label)
            button.clicked.connect(callback)
            self._buttons.addWidget(button)
        self._close.setVisible(closable)
        self._fit()
        self.show()

    def _button_widths(self) -> list[int]:
        items = (self._buttons.itemAt(i) for i in range(self._buttons.count()))
        return [item.widget().sizeHint().width() for item in items if item.widget() is not None]

    def _row_width(self) -> int:
        """The buttons' width side by side."""
        widths = self._button_widths()
        return sum(widths) + self._buttons.spacing() * max(0, len(widths) - 1)

    def _around_text(self) -> int:
        """The width the icon, the close button and the margins take beside the text."""
        margins = self.layout().contentsMargins()
        frame = margins.left() + margins.right() + 2 * self.layout().spacing()
        return frame + self._icon.width() + (self._close.sizeHint().width() if not self._close.isHidden() else 0)

    def minimumSizeHint(self) -> QSize:
        """As narrow as the widest button below the text, the others under it: the text wraps."""
        least = max([*self._button_widths(), self.fontMetrics().averageCharWidth() * 12])
        return QSize(self._around_text() + least, super().minimumSizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        """The buttons beside the text where it keeps TEXT_CHARS beside them, else below it: in a
        row where they fit, else one under the other (a large font)."""
        room = self.width() - self._around_text()
        row = self._row_width()
        beside = self.fontMetrics().averageCharWidth() * TEXT_CHARS + row + self._body.spacing()
        for layout, along in ((self._body, not self._buttons.count() or room >= beside), (self._buttons, room >= row)):
            direction = QBoxLayout.Direction.LeftToRight if along else QBoxLayout.Direction.TopToBottom
            if layout.direction() != direction:
                layout.setDirection(direction)

    def _dismiss(self) -> None:
        self.hide()
        self.dismissed.emit()

    def set_progress(self, progress: tuple[int, int | None] | None) -> None:
        self.progress.setVisible(progress is not None)
        if progress is not None:
            done, total = progress
            if total:
                self.progress.setRange(0, 1000)
                self.progress.setValue(round(1000 * min(done, total) / total))
            else:
                self.progress.setRange(0, 0)  # busy: the server did not say how big

    def button_labels(self) -> list[str]:
        return [self._buttons.itemAt(i).widget().text() for i in range(self._buttons.count())
                if self._buttons.itemAt(i).widget() is not None]

    def click(self, label: str) -> None:
        """Press the button called `label` (tests, keyboard shortcuts)."""
        for i in range(self._buttons.count()):
            widget = self._buttons.itemAt(i).widget()
            if isinstance(widget, QPushButton) and widget.text() == label:
                widget.click()
                return
        raise LookupError(f"no button {label!r} in the banner")


class BannerBox(QScrollArea):
    """The banners above the pages: as tall as their text and buttons need at the width they have,
    where the window has room; lower where it has not, scrolling, down to LEAST_LINES. At 16 points
    in an 800×560 window a model banner needed more height than the window had, and its layout
    squeezed its buttons to 20 pixels and cut its message after three lines."""

    def __init__(self, banners: QVBoxLayout) -> None:
        super().__init__()
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setWidgetResizable(True)
        content = QWidget()
        content.setLayout(banners)
        self.setWidget(content)

    def _needed(self) -> int:
        """The banners' height at the box's width."""
        content = self.widget()
        width = self.contentsRect().width()
        if content.hasHeightForWidth() and width > 0:
            return content.heightForWidth(width)
        return content.sizeHint().height()

    def sizeHint(self) -> QSize:
        return QSize(self.widget().sizeHint().width(), self._needed())

    def minimumSizeHint(self) -> QSize:
        least = self.fontMetrics().lineSpacing() * LEAST_LINES
        return QSize(self.widget().minimumSizeHint().width(), min(self._needed(), least))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self.updateGeometry()  # the text wraps onto more or fewer lines: the height it asks for follows

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.widget() and event.type() == QEvent.Type.LayoutRequest:
            self.updateGeometry()  # a banner shown, hidden or given another text: the height it asks for follows
        return super().eventFilter(watched, event)
