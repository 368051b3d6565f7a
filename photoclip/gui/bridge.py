"""Worker events into Qt signals on the GUI thread.

The worker calls its subscribers from its own thread; here each event is re-emitted
through a queued signal so slots run on the GUI thread. Progress reports are coalesced:
however fast the worker reports, at most one is waiting in the GUI's event queue, and it
carries the newest numbers (the event loop never falls behind a fast indexer).
"""

from __future__ import annotations

import logging
import threading

from PySide6.QtCore import QObject, Signal

from photoclip import humanize
from photoclip.worker import (
    Idle,
    IndexProgress,
    ModelDownload,
    PhotosChanged,
    RootsChanged,
    TagsChanged,
    Trashed,
    Worker,
    WorkerError,
    WorkerEvent,
)

log = logging.getLogger(__name__)

_LATEST = object()  # "read the newest coalesced value" marker


class WorkerBridge(QObject):
    progress = Signal(object)  # IndexProgress
    photos_changed = Signal(object)  # PhotosChanged
    roots_changed = Signal(object)  # RootsChanged
    idle = Signal()
    error = Signal(str)
    download = Signal(object)  # ModelDownload
    trashed = Signal(object)  # TrashResult
    tags_changed = Signal(object)  # TagsChanged

    _event = Signal(object)  # crosses from the worker thread

    def __init__(self, worker: Worker, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.worker = worker
        self._lock = threading.Lock()
        self._latest: dict[type, WorkerEvent] = {}
        self._event.connect(self._dispatch)
        self._unsubscribe = worker.subscribe(self._on_worker_event)

    def detach(self) -> None:
        """Stop listening (before the worker is stopped or the window goes away)."""
        self._unsubscribe()

    def _on_worker_event(self, event: WorkerEvent) -> None:
        """Worker thread: forward, folding a burst of progress reports into one."""
        kind = type(event)
        if kind in (IndexProgress, ModelDownload):
            with self._lock:
                waiting = kind in self._latest
                self._latest[kind] = event
            if waiting:
                return
            payload: object = (_LATEST, kind)
        else:
            payload = event
        try:
            self._event.emit(payload)
        except RuntimeError:  # the window closed while the worker was still talking
            pass

    def _dispatch(self, payload: object) -> None:
        """GUI thread."""
        if isinstance(payload, tuple) and payload and payload[0] is _LATEST:
            with self._lock:
                event = self._latest.pop(payload[1])
        else:
            event = payload
        if isinstance(event, IndexProgress):
            self.progress.emit(event)
        elif isinstance(event, PhotosChanged):
            self.photos_changed.emit(event)
        elif isinstance(event, RootsChanged):
            self.roots_changed.emit(event)
        elif isinstance(event, Idle):
            self.idle.emit()
        elif isinstance(event, WorkerError):
            self.error.emit(humanize.shown(event.message))
        elif isinstance(event, ModelDownload):
            self.download.emit(event)
        elif isinstance(event, Trashed):
            self.trashed.emit(event.result)
        elif isinstance(event, TagsChanged):
            self.tags_changed.emit(event)
        else:
            log.debug("ignoring worker event %r", event)
