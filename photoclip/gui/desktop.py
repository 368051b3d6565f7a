"""Hand a file to the desktop: open it with its default app, or show it in the file manager."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from PySide6.QtCore import QProcess, QUrl
from PySide6.QtGui import QDesktopServices

log = logging.getLogger(__name__)


def open_with_default_app(path: Path) -> bool:
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def show_in_folder(path: Path) -> bool:
    """Reveal `path` selected in Finder/Explorer; elsewhere open its folder."""
    if sys.platform == "darwin":
        return QProcess.startDetached("open", ["-R", str(path)])[0]
    if sys.platform == "win32":
        return QProcess.startDetached("explorer", [f"/select,{path}"])[0]
    folder = path if path.is_dir() else path.parent
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))
