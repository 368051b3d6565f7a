"""Getting the search model ready: load it (downloading it once, with progress) in the
background, let the user cancel, and say plainly why when it cannot be had (offline).
"""

from __future__ import annotations

import enum
import logging
import threading

from PySide6.QtCore import QObject, Signal

from photoclip.errors import DownloadCancelled, ModelError, ModelUnavailableError
from photoclip.gui.ops import Ops
from photoclip.library import Library

log = logging.getLogger(__name__)


class Phase(enum.Enum):
    IDLE = "idle"
    LOADING = "loading"
    DOWNLOADING = "downloading"
    READY = "ready"
    UNAVAILABLE = "unavailable"  # not on disk and cannot be downloaded; a file can be chosen
    CANCELLED = "cancelled"
    FAILED = "failed"


class _Relay(QObject):
    download = Signal(int, object)  # bytes done, bytes total or None
    searchable = Signal(int)  # the load's token


class ModelState(QObject):
    """Where the model stands; `changed` whenever `phase`, `message`, `progress` or `searchable`
    move. `searchable`: text searches can answer, from the cached text tower, while the whole
    model (which indexing needs) may still be loading."""

    changed = Signal()

    def __init__(self, ops: Ops, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ops = ops
        self.phase = Phase.IDLE
        self.message = ""
        self.cause = ""  # the engine's own words for the last failure, as the worker reports them too
        self.offline: tuple[str, ...] = ()  # the settings that kept the model from downloading, if they did
        self.label = ""
        self.progress: tuple[int, int | None] = (0, None)
        self.searchable = False
        self._cancel: threading.Event | None = None
        self._relay = _Relay(self)
        self._relay.download.connect(self.download_progress)
        self._relay.searchable.connect(self._searchable)
        self._token = 0

    @property
    def ready(self) -> bool:
        return self.phase is Phase.READY

    @property
    def busy(self) -> bool:
        return self.phase in (Phase.LOADING, Phase.DOWNLOADING)

    def explains(self, text: str) -> bool:
        """Whether the model's banner already says what `text` (an error from elsewhere) says."""
        text = text.strip().lower()
        return bool(text) and (text in self.message.lower() or text == self.cause.strip().lower())

    def load(self) -> None:
        """Load the library's model in the background (a no-op while one load is running)."""
        if self.busy:
            return
        self._token += 1
        token = self._token
        cancel = self._cancel = threading.Event()
        relay = self._relay

        def progress(done: int, total: int | None) -> None:
            relay.download.emit(done, total)  # pool thread -> GUI thread

        def work(lib: Library) -> str:
            if lib.prepare_search():
                relay.searchable.emit(token)
            lib.encoder(progress=progress, cancel=cancel)
            return lib.model_spec.label

        self.searchable = False
        self._set(Phase.LOADING, "Loading the search model…")
        self._ops.query(work, lambda label: self._loaded(token, label), lambda exc: self._failed(token, exc),
                        parent=self, long=True)

    def cancel(self) -> None:
        """Stop a download; what was fetched so far is thrown away."""
        if self._cancel is not None:
            self._cancel.set()

    def download_progress(self, done: int, total: int | None) -> None:
        """Bytes of the weights fetched so far (from our own load or the worker's)."""
        self.progress = (done, total)
        if self.phase is not Phase.READY:
            self.phase = Phase.DOWNLOADING
            size = f" of {total / 1e6:,.0f} MB" if total else ""
            self.message = f"Downloading the search model (once): {done / 1e6:,.0f} MB{size}…"
        self.changed.emit()

    def _searchable(self, token: int) -> None:
        if token == self._token and not self.searchable:
            self.searchable = True
            self.changed.emit()

    def _loaded(self, token: int, label: str) -> None:
        if token == self._token:
            self.label = label
            self.searchable = True
            self._set(Phase.READY, "")

    def _failed(self, token: int, exc: BaseException) -> None:
        if token != self._token:
            return
        self.cause = str(exc)
        self.offline = exc.offline if isinstance(exc, ModelUnavailableError) else ()
        if isinstance(exc, DownloadCancelled):
            self._set(Phase.CANCELLED, "The model download was cancelled. Search needs the model; "
                                       "download it again when you are ready, or use a model file you have.")
        elif isinstance(exc, ModelUnavailableError):
            log.warning("model unavailable: %s", exc)
            self._set(Phase.UNAVAILABLE, unavailable_message(exc))
        elif isinstance(exc, ModelError):
            log.warning("model not usable: %s", exc)
            self._set(Phase.FAILED, f"The search model could not be loaded: {exc}")
        else:
            log.error("loading the model failed", exc_info=exc)
            self._set(Phase.FAILED, f"The search model could not be loaded: {exc}")

    def _set(self, phase: Phase, message: str) -> None:
        self.phase, self.message = phase, message
        self.changed.emit()


def unavailable_message(exc: ModelUnavailableError) -> str:
    """What the window says when the weights can be neither found nor downloaded: what, why,
    and the two ways out, without the command line's options."""
    if exc.model is None:
        return f"The search model is not available: {exc}."
    online = f"Start photoclip without {exc.offline_names} set" if exc.offline else \
        "Connect to the internet and press Try again"
    return (f"The search model ({exc.model}) is not on this computer and could not be downloaded: "
            f"{exc.reason}. {online} (it is downloaded once), "
            "or use a model file you have. Meanwhile you can browse your photos, or index them with "
            "the small demo model, which knows only simple shapes and colours.")
