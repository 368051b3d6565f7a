"""The first-run panel: what photoclip does, a big button to add a folder, and one to add the
user's Pictures folder straight away where it exists."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, QStandardPaths, Qt, Signal
from PySide6.QtGui import QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from photoclip.gui import icons

TEXT_WIDTH = 560
LOGO_SIDE = 96
SMALL_LOGO_SIDE = 48
MIN_HEIGHT = 200


class WelcomePanel(QWidget):
    """Shown while the library has no folders."""

    add_folder_requested = Signal()
    add_path_requested = Signal(Path)

    def __init__(self, parent: QWidget | None = None, pictures: Path | None = None) -> None:
        super().__init__(parent)
        if pictures is None:
            pictures = Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.PicturesLocation))
        content = QWidget()
        content.setObjectName("WelcomeContent")
        layout = QVBoxLayout(content)
        layout.setContentsMargins(24, 12, 24, 12)  # the stretches above and below centre it where there is room
        layout.addStretch(3)
        self._logo = QLabel()
        self._logo.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._logo_side = 0
        self._set_logo(LOGO_SIDE)
        layout.addWidget(self._logo)
        layout.addSpacing(12)
        title = QLabel("Find your photos by describing them")
        title.setObjectName("WelcomeTitle")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        title.setWordWrap(True)  # on two lines in a narrow window
        layout.addWidget(title)
        layout.addSpacing(8)
        text = QLabel(
            "Add the folders where you keep your photos. photoclip looks at each photo on this "
            "computer — nothing is uploaded — and then you can type what you remember, like "
            "“kids at the lake” or “red car in the snow”."
        )
        text.setObjectName("WelcomeText")
        text.setWordWrap(True)
        text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        text.setMaximumWidth(TEXT_WIDTH)  # lines short enough to read; narrower, more of them
        policy = text.sizePolicy()
        policy.setHorizontalPolicy(QSizePolicy.Policy.Expanding)
        text.setSizePolicy(policy)
        # centred by stretches, not by the layout's alignment: an aligned label is given its
        # sizeHint's width, narrower than the width its height was worked out for, and was cut
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(text, 1000)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addSpacing(22)
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
        layout.addSpacing(8)
        layout.addWidget(self.pictures_button, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addSpacing(12)
        hint = QLabel("Your photos are only read, never changed. You can add more folders later.")
        hint.setObjectName("Muted")
        hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        hint.setWordWrap(True)
        layout.addWidget(hint)
        layout.addStretch(4)
        # In a scroll area, which lays the wrapped lines out at the width it has (heightForWidth):
        # at the window's smallest size it all fits (a smaller logo); with larger fonts it scrolls
        # rather than holding the window taller than the screen, or cutting a line.
        scroll = QScrollArea()
        scroll.setObjectName("WelcomeScroll")
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidgetResizable(True)
        scroll.setWidget(content)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        self.scroll = scroll

    def _set_logo(self, side: int) -> None:
        if side != self._logo_side:
            self._logo_side = side
            self._logo.setPixmap(icons.app_icon().pixmap(side, side))

    def _fit_logo(self) -> None:
        """The big logo where all of the panel fits with it, a smaller one where the window is low."""
        content = self.scroll.widget()
        width = self.scroll.viewport().width()
        needed = content.heightForWidth(width) - self._logo_side + LOGO_SIDE
        self._set_logo(LOGO_SIDE if needed <= self.scroll.height() else SMALL_LOGO_SIDE)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_logo()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._fit_logo()  # the styled fonts are known from now on

    def minimumSizeHint(self) -> QSize:
        """As wide as its widest button and a few words a line; as low as a few lines."""
        content = self.scroll.widget()
        return QSize(content.minimumSizeHint().width(), MIN_HEIGHT)


def _shown(folder: Path) -> str:
    """~/Pictures rather than /home/ann/Pictures."""
    try:
        return "~/" + folder.relative_to(Path.home()).as_posix()
    except ValueError:
        return str(folder)
