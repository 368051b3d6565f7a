"""Hand a file to the desktop: open it with its default app, show it in the file manager, or
give it to another app as a file manager does (copied, dragged)."""

from __future__ import annotations

import logging
import os
import sys
import urllib.parse
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QByteArray, QMimeData, QProcess, QUrl
from PySide6.QtGui import QDesktopServices

from photoclip import humanize

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


def files_data(paths: Sequence[Path]) -> QMimeData:
    """Photos as a file manager copies them: pasted or dropped into a folder, a mail or a chat
    they are the files, into a text their paths. GNOME's file manager pastes only its own list."""
    urls = [file_url(path) for path in paths]
    data = QMimeData()
    data.setUrls(urls)
    data.setText("\n".join(humanize.shown(path) for path in paths))
    listed = b"\n".join(bytes(url.toEncoded().data()) for url in urls)
    data.setData("x-special/gnome-copied-files", QByteArray(b"copy\n" + listed))
    return data


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
