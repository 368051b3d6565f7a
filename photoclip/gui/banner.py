"""A message strip above the content: what went wrong or what is in progress, and what the
user can do about it (buttons). The window keeps one for the model and one for errors, so
errors are shown in one place instead of in dialogs popping up from everywhere.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QProgressBar, QPushButton, QToolButton, QVBoxLayout, QWidget

from photoclip.gui import icons, theme

Action = tuple[str, Callable[[], None]]

class Banner(QFrame):
    dismissed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("Banner")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(14, 10, 10, 10)
        layout.setSpacing(12)
        self._icon = QLabel()
        self._icon.setFixedSize(22, 22)
        layout.addWidget(self._icon, 0, Qt.AlignmentFlag.AlignTop)
        column = QVBoxLayout()
        column.setSpacing(6)
        self.text = QLabel("")
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.progress = QProgressBar()
        self.progress.setTextVisible(False)
        column.addWidget(self.text)
        column.addWidget(self.progress)
        layout.addLayout(column, 1)
        self._buttons = QHBoxLayout()
        self._buttons.setSpacing(6)
        layout.addLayout(self._buttons)
        self._close = QToolButton()
        self._close.setIcon(icons.icon("close"))
        self._close.setIconSize(QSize(14, 14))
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
        self._icon.setPixmap(icons.icon("warning" if warning else "info",
                                        colours.warning_icon if warning else colours.accent_text).pixmap(22, 22))
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
        self.show()

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
