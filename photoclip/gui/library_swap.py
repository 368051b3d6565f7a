"""Reopening the library with new settings (another model, a vocabulary) off the GUI thread:
the worker finishing its batch and the old model finishing its load can take seconds, and
the window must not freeze meanwhile.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QObject, Signal

from photoclip import config
from photoclip.catalog import CATALOG_FILE
from photoclip.errors import LibraryError, PhotoclipError
from photoclip.library import Library
from photoclip.worker import Worker

log = logging.getLogger(__name__)


class Waitable(Protocol):
    def wait(self, msecs: int = ...) -> bool: ...


class LibrarySwap(QObject):
    """Stop `worker`, let `busy` (what still reads the old library) finish, save `settings`,
    close `old` and open its folder again; `done(self)` then reaches the GUI thread with
    `library` (None when it could not be opened) and `error` (what went wrong, if anything)."""

    done = Signal(object)

    def __init__(self, old: Library, settings: config.Settings | None, worker: Worker | None,
                 busy: tuple[Waitable, ...], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.old = old
        self.library: Library | None = None
        self.error: BaseException | None = None
        self.settings = settings
        self._worker = worker
        self._busy = busy
        self._thread = threading.Thread(target=self._run, name="photoclip-reopen", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def finish(self) -> None:
        """Wait for the swap (closing the window while it runs)."""
        self._thread.join()

    def _run(self) -> None:
        if self._worker is not None:
            self._worker.stop()
        for part in self._busy:
            part.wait()
        directory = self.old.directory
        try:
            if not (directory / CATALOG_FILE).is_file():  # its drive unplugged: nothing made there, not even settings
                self.old.close()
                raise LibraryError(f"the library at {directory} is gone (is its drive unplugged?); "
                                   "bring it back and choose Try again")
            self._save_settings(directory)
            self.old.close()
            self.library = Library.open(directory, allow_read_only_fallback=True)
        except PhotoclipError as exc:
            self.error = exc
        except Exception as exc:  # said in the window, not lost in a thread
            log.exception("reopening %s", directory)
            self.error = exc
        self.done.emit(self)

    def _save_settings(self, directory: Path) -> None:
        if self.settings is None:
            return
        try:
            config.save_settings(directory, self.settings)
        except OSError as exc:
            self.error = PhotoclipError(f"the settings could not be saved ({exc.strerror or exc}), so they "
                                        f"stay as they were; check that {directory} can be written")
