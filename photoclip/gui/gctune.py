"""Keep Python's garbage collector from freezing the window.

A full (generation 2) collection walks every tracked object in the process, and once torch
and open_clip are loaded that is hundreds of thousands of them: 100-300 ms with the GIL
held, during which nothing repaints. Once the model is loaded those objects live as long
as the process, so we move them out of the collector's way (`gc.freeze`) and let full
collections run less often; garbage still gets collected.
"""

from __future__ import annotations

import gc
import logging

log = logging.getLogger(__name__)

_THRESHOLDS = (2000, 20, 40)  # generation 0, 1, 2 (CPython's defaults: 700, 10, 10)


def settle_after_startup() -> None:
    """Call once the long-lived objects exist (model loaded): they are never scanned again."""
    gc.freeze()
    gc.set_threshold(*_THRESHOLDS)
    log.debug("gc: %d objects frozen, thresholds %s", gc.get_freeze_count(), _THRESHOLDS)
