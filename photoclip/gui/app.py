"""Start the desktop app: `python -m photoclip.gui`, `make run`, or the photoclip-gui script."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from photoclip.errors import PhotoclipError
from photoclip.gui import icons, theme
from photoclip.gui.display_check import why_no_window
from photoclip.library import Library

if TYPE_CHECKING:
    from photoclip.gui.grid import PhotoGridView

log = logging.getLogger(__name__)

GEOMETRY_KEY = "window/geometry"
PHOTO_SIZE_KEY = "view/photo_size"
DESKTOP_FILE = "photoclip"  # installers/linux/photoclip.desktop: on Wayland, the dock finds the window's entry by it


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="photoclip-gui", description="Find your photos by describing them.")
    parser.add_argument("--library", help="library folder (default: your user library)")
    parser.add_argument("--model", help="model name, e.g. ViT-B-32-256:datacomp_s34b_b86k")
    parser.add_argument("--model-file", help="use this weights file instead of downloading")
    parser.add_argument("--no-watch", action="store_true", help="do not watch folders for changes")
    parser.add_argument("--verbose", "-v", action="store_true", help="log what happens (else only warnings)")
    return parser.parse_args(argv)


def make_app(argv: Sequence[str] | None = None, appearance: str = "system") -> QApplication:
    """The QApplication with our name, icon and look, light or dark as `appearance` asks
    (one per process)."""
    app = QApplication.instance() or QApplication(list(argv or sys.argv[:1]))
    app.setApplicationName("photoclip")
    app.setApplicationDisplayName("photoclip")
    app.setOrganizationName("photoclip")
    app.setDesktopFileName(DESKTOP_FILE)
    theme.apply(app, appearance)
    app.setWindowIcon(icons.app_icon())
    return app


def restore_window(window: QWidget, settings: QSettings) -> None:
    """Put the window where, and as big as, it was when the app last quit (a first start keeps its default)."""
    saved = settings.value(GEOMETRY_KEY)
    if isinstance(saved, QByteArray) and not saved.isEmpty() and not window.restoreGeometry(saved):
        log.warning("the window's saved size and place cannot be read; it opens at its default")


def remember_window(window: QWidget, settings: QSettings) -> None:
    settings.setValue(GEOMETRY_KEY, window.saveGeometry())
    settings.sync()


def restore_photo_size(grid: PhotoGridView, settings: QSettings) -> None:
    """The grid's photos as large as they were left (View, Ctrl+wheel)."""
    saved = settings.value(PHOTO_SIZE_KEY)
    try:
        size = int(saved) if saved is not None else grid.DEFAULT_CELL
    except (TypeError, ValueError):
        log.warning("the saved size of the photos (%r) cannot be read; they show at the default", saved)
        return
    grid.set_cell_target(size)


def remember_photo_size(grid: PhotoGridView, settings: QSettings) -> None:
    settings.setValue(PHOTO_SIZE_KEY, grid.cell_target)
    settings.sync()


def let_go_of_the_clipboard(app: QGuiApplication) -> None:
    """Offscreen, photos copied to the clipboard crashed Python at its exit (Qt deleted their data,
    made in Python, after Python had gone); there no other program can paste them anyway."""
    if app.platformName() == "offscreen":
        app.clipboard().clear()


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    problem = why_no_window()
    if problem:
        print(f"photoclip: {problem}", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app = make_app(appearance=theme.saved_appearance(QSettings("photoclip", "photoclip")))
    try:
        library = Library.open(args.library, model=args.model, model_file=args.model_file,
                               allow_read_only_fallback=True)
    except PhotoclipError as exc:
        QMessageBox.critical(None, "photoclip", f"The photo library cannot be opened.\n\n{exc}")
        return 1

    from photoclip.gui.main_window import MainWindow

    window = MainWindow(library, watch=not args.no_watch)
    settings = QSettings()  # the user's, under the organisation and app name make_app set
    restore_window(window, settings)
    restore_photo_size(window.grid, settings)
    window.show()
    try:
        return app.exec()
    finally:
        remember_window(window, settings)
        remember_photo_size(window.grid, settings)
        window.shutdown()  # stops the worker; closes libraries the window reopened itself
        library.close()
        let_go_of_the_clipboard(app)
