"""The first-run panel: what photoclip does, a big button to add a folder, and one to add the
user's Pictures folder straight away where it exists."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

from photoclip.gui import icons


class WelcomePanel(QWidget):
    """Shown while the library has no folders."""

    add_folder_requested = Signal()
    add_path_requested = Signal(Path)

    def __init__(self, parent: QWidget | None = None, pictures: Path | None = None) -> None:
        super().__init__(parent)
        if pictures is None:
            pictures = Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.PicturesLocation))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(40, 40, 40, 40)
        layout.addStretch(3)
        logo = QLabel()
        logo.setPixmap(icons.app_icon().pixmap(96, 96))
        logo.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(logo)
        layout.addSpacing(18)
        title = QLabel("Find your photos by describing them")
        title.setObjectName("WelcomeTitle")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(title)
        layout.addSpacing(10)
        text = QLabel(
            "Add the folders where you keep your photos. photoclip looks at each photo on this "
            "computer — nothing is uploaded — and then you can type what you remember, like "
            "“kids at the lake” or “red car in the snow”."
        )
        text.setObjectName("WelcomeText")
        text.setWordWrap(True)
        text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        text.setFixedWidth(560)
        self._text = text
        layout.addWidget(text, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addSpacing(26)
        self.add_button = QPushButton(icons.icon("folder-add", "#ffffff"), "  Add a folder…")
        self.add_button.setObjectName("BigButton")
        self.add_button.setProperty("primary", True)
        self.add_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.add_button.clicked.connect(self.add_folder_requested)
        layout.addWidget(self.add_button, 0, Qt.AlignmentFlag.AlignHCenter)
        self.pictures = pictures if pictures.is_dir() and pictures != Path.home() else None
        self.pictures_button = QPushButton(icons.icon("folder"), f"  Add {_shown(pictures)}")
        self.pictures_button.setToolTip(f"Index the photos in {pictures}")
        self.pictures_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.pictures_button.setVisible(self.pictures is not None)
        self.pictures_button.clicked.connect(lambda: self.add_path_requested.emit(self.pictures))
        layout.addSpacing(10)
        layout.addWidget(self.pictures_button, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addSpacing(14)
        hint = QLabel("Your photos are only read, never changed. You can add more folders later.")
        hint.setObjectName("Muted")
        hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(hint)
        layout.addStretch(4)

    def showEvent(self, event: QShowEvent) -> None:
        """A wrapped label is as tall as its styled font needs only once the style is applied."""
        self._text.ensurePolished()
        self._text.setMinimumHeight(self._text.heightForWidth(self._text.width()))
        super().showEvent(event)


def _shown(folder: Path) -> str:
    """~/Pictures rather than /home/ann/Pictures."""
    try:
        return "~/" + folder.relative_to(Path.home()).as_posix()
    except ValueError:
        return str(folder)
