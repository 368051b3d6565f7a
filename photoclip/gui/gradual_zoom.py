"""Zoom steps from a mouse wheel's notches and a touchpad's fractions of them, for the grid and
the preview alike: a touchpad turns by an eighth of a notch at a time (or pinches by a fraction of
a quarter), dozens of times a second, and a step for each of those ran from end to end in a flick."""

from __future__ import annotations

from collections.abc import Callable


class GradualZoom:
    """The whole steps a wheel or a pinch has made, its fraction of the next kept for it."""

    def __init__(self) -> None:
        self._turned = 0.0  # the part of a step turned or pinched so far

    def whole_steps(self, steps: float) -> int:
        """The whole steps (signed) that `steps` more make now."""
        self._turned += steps
        whole = int(self._turned)
        self._turned -= whole
        return whole

    def zoom(self, steps: float, step: Callable[[int], bool]) -> None:
        """Take the whole steps `steps` more make, one `step(+1 or -1)` each, until one goes no further.
        (`step` is asked for each time, not kept: a widget's method kept here would hold the widget.)"""
        whole = self.whole_steps(steps)
        for _ in range(abs(whole)):
            if not step(1 if whole > 0 else -1):
                self.reset()
                break

    def reset(self) -> None:
        """Turned no further (an end reached, another photo shown): nothing of it counts toward the next."""
        self._turned = 0.0
