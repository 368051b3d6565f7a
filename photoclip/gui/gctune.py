"""Keep Python's garbage collector from freezing the window.

A full (generation 2) collection walks every tracked object in the process, and once torch
and open_clip are loaded that is hundreds of thousands of them: 100-300 ms with the GIL
held, during which nothing repaints. It is worst while they load: importing torch in the
background trips a full collection every second or so, each longer than the last (100, 190,
270 ms on a 100,000-photo library), whichever thread trips it. So until the model is loaded
(or known not to load) full collections wait; younger generations are still collected.
Once it is loaded its objects live as long as the process, so we move them out of the
collector's way (`gc.freeze`) and let full collections run less often; garbage still gets
collected.
"""

from __future__ import annotations

import gc
import logging

log = logging.getLogger(__name__)

_THRESHOLDS = (2000, 20, 40)  # generation 0, 1, 2 (CPython's defaults: 700, 10, 10)
_STARTING = (2000, 20, 1 << 30)  # the same young collections (a gen-1 one sees 40,000 objects at most); no full one


def hold_while_starting() -> None:
    """Call before the model starts loading: no full collection until settle_after_startup."""
    gc.set_threshold(*_STARTING)


def settle_after_startup() -> None:
    """Call once the long-lived objects exist (model loaded), or once the model is known not to
    load (then full collections come back all the same): they are never scanned again."""
    gc.freeze()
    gc.set_threshold(*_THRESHOLDS)
    if log.isEnabledFor(logging.DEBUG):  # counting the frozen objects walks them all: 80 ms
        log.debug("gc: %d objects frozen, thresholds %s", gc.get_freeze_count(), _THRESHOLDS)
