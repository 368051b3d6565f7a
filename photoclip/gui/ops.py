"""Run library work off the GUI thread and hand the result back to it (Anki's QueryOp and
CollectionOp, without a global main window).

    ops.query(lambda lib: lib.search(text), success=self.show_hits, parent=self)

The function gets the library, never a widget. It runs on a pool thread; `success` or
`failure` then runs on the GUI thread through a queued signal. A relay is parented to the
widget that asked, so a result whose widget is gone is dropped instead of crashing.
Reads share a small pool (they wait on the model and the index, not on each other);
changes go through a one-thread pool so the catalog is never written from two threads; a
read that can take minutes (loading or downloading the model) has a thread of its own, so
browsing never queues behind it; so does reading a photo whole to zoom in on it, which takes
a second or two and never waits behind the model.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from photoclip.library import Library

log = logging.getLogger(__name__)

T = TypeVar("T")
Failure = Callable[[BaseException], None]


class _Dropped:
    """What a picture's read superseded before it started gives: nothing to show."""


_DROPPED = _Dropped()


class _Relay(QObject):
    """Lives in the GUI thread; its signals carry one op's outcome back there."""

    succeeded = Signal(object)
    failed = Signal(object)


class _Job(QRunnable):
    def __init__(self, fn: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self._fn = fn
        self._relay = relay

    def run(self) -> None:
        try:
            result = self._fn()
        except BaseException as exc:  # delivered to the GUI, which decides what to say
            outcome, payload = "failed", exc
        else:
            outcome, payload = "succeeded", result
        try:
            getattr(self._relay, outcome).emit(payload)
        except RuntimeError:  # the widget that asked was closed meanwhile
            log.debug("op result dropped: its receiver is gone")


class Ops(QObject):
    """The one way the GUI runs library calls; `error` reports failures nobody handled."""

    error = Signal(object)  # BaseException

    def __init__(self, library: Library, parent: QObject | None = None, readers: int = 3) -> None:
        super().__init__(parent)
        self.library = library
        self._reads = QThreadPool(self)
        self._reads.setMaxThreadCount(readers)
        self._writes = QThreadPool(self)
        self._writes.setMaxThreadCount(1)
        self._long = QThreadPool(self)
        self._long.setMaxThreadCount(1)
        self._pictures = QThreadPool(self)
        self._pictures.setMaxThreadCount(1)
        self._latest: dict[object, int] = {}  # per asker of pictures: the number of its latest ask
        self._held: list[tuple[QThreadPool, Callable[[Library], Any], _Relay]] | None = None
        self._closed = False

    def query(
        self,
        op: Callable[[Library], T],
        success: Callable[[T], None],
        failure: Failure | None = None,
        parent: QObject | None = None,
        long: bool = False,
    ) -> None:
        """Read from the library in the background (search, photo rows, status); `long`: a
        read that can take minutes, off the pool that pages and searches share."""
        self._start(self._long if long else self._reads, op, success, failure, parent)

    def picture(
        self,
        op: Callable[[Library], T],
        success: Callable[[T], None],
        failure: Failure,
        parent: QObject,
        key: object,
    ) -> None:
        """Read a photo whole (to zoom in) on the pictures' thread. An ask of the same `key` made
        since, before this one started, drops it: stepping through photos reads only the one shown."""
        asked = self._latest[key] = self._latest.get(key, 0) + 1

        def latest(library: Library) -> T | _Dropped:
            return op(library) if self._latest.get(key) == asked else _DROPPED

        self._start(self._pictures, latest, lambda result: None if result is _DROPPED else success(result),
                    failure, parent)

    def forget_pictures(self, key: object) -> None:
        """The asker of `key` is gone: its pictures not begun are not read."""
        self._latest.pop(key, None)

    def change(
        self,
        op: Callable[[Library], T],
        success: Callable[[T], None] | None = None,
        failure: Failure | None = None,
        parent: QObject | None = None,
    ) -> None:
        """Write through the single writer thread, in the order asked."""
        self._start(self._writes, op, success or (lambda _result: None), failure, parent)

    def wait(self, msecs: int = 30_000) -> bool:
        """Block until every op started has run (shutdown, a library being swapped, tests);
        safe from any thread."""
        return all(pool.waitForDone(msecs) for pool in (self._reads, self._writes, self._long, self._pictures))

    def close(self) -> None:
        """Let what runs finish, and start nothing more: the window is closing, and its library
        is closed next (an op still reading it then would read a closed database)."""
        self._closed = True
        self._held = None
        self.wait()

    def hold(self) -> None:
        """Keep new ops back while the library is being swapped: they run, in the order asked,
        on the library `resume` brings."""
        if self._held is None:
            self._held = []

    def resume(self, library: Library) -> None:
        self.library = library
        held, self._held = self._held or [], None
        for pool, op, relay in held:
            self._run(pool, op, relay)

    def _start(
        self,
        pool: QThreadPool,
        op: Callable[[Library], Any],
        success: Callable[[Any], None],
        failure: Failure | None,
        parent: QObject | None,
    ) -> None:
        relay = _Relay(parent if parent is not None else self)

        def delivered(callback: Callable[[Any], None]) -> Callable[[Any], None]:
            def deliver(payload: Any) -> None:
                relay.deleteLater()
                callback(payload)
            return deliver

        relay.succeeded.connect(delivered(success))
        relay.failed.connect(delivered(failure or self._unhandled))
        if self._held is not None:
            self._held.append((pool, op, relay))
        else:
            self._run(pool, op, relay)

    def _run(self, pool: QThreadPool, op: Callable[[Library], Any], relay: _Relay) -> None:
        if self._closed:
            relay.deleteLater()
            return
        library = self.library
        pool.start(_Job(lambda: op(library), relay))

    def _unhandled(self, exc: BaseException) -> None:
        log.warning("background op failed: %s", exc, exc_info=exc)
        self.error.emit(exc)
