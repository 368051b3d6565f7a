"""A timer on the GUI thread that notes how late each of its ticks comes: how long the window
stopped answering. Used by the gui_* benches."""

from __future__ import annotations

from PySide6.QtCore import QElapsedTimer, QTimer


class Probe:
    """A timer that notes how late each of its ticks is."""

    def __init__(self, interval_ms: int) -> None:
        self.interval_ms = interval_ms
        self.delays_ms: list[float] = []
        self._clock = QElapsedTimer()
        self._timer = QTimer()
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._tick)

    def start(self) -> None:
        self._clock.start()
        self._last = self._clock.nsecsElapsed()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def _tick(self) -> None:
        now = self._clock.nsecsElapsed()
        self.delays_ms.append(max(0.0, (now - self._last) / 1e6 - self.interval_ms))
        self._last = now
