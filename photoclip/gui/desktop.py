"""Hand a file to the desktop: open it with its default app, or show it in the file manager."""

from __future__ import annotations

import logging
import os
import sys
import urllib.parse
from pathlib import Path

from PySide6.QtCore import QByteArray, QProcess, QUrl
from PySide6.QtGui import QDesktopServices

log = logging.getLogger(__name__)


def file_url(path: Path) -> QUrl:
    """The file:// URL of `path`. Qt drops what it cannot turn into text, so a name that is not
    UTF-8 (its bytes held by lone surrogates) is percent-encoded from its bytes instead."""
    text = str(path)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        if os.name == "posix":
            return QUrl.fromEncoded(QByteArray(b"file://" + urllib.parse.quote(os.fsencode(text)).encode()))
    return QUrl.fromLocalFile(text)


def open_with_default_app(path: Path) -> bool:
    return QDesktopServices.openUrl(file_url(path))


def show_in_folder(path: Path) -> bool:
    """Reveal `path` selected in Finder/Explorer; elsewhere open its folder."""
    if sys.platform == "darwin":
        return QProcess.startDetached("open", ["-R", str(path)])[0]
    if sys.platform == "win32":
        return QProcess.startDetached("explorer", [f"/select,{path}"])[0]
    folder = path if path.is_dir() else path.parent
    return QDesktopServices.openUrl(file_url(folder))
