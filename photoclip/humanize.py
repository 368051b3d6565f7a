"""Numbers as people read them, the same in the CLI and the GUI."""

from __future__ import annotations

import math


def file_size(size: int) -> str:
    """1000-based, as file managers show sizes: "840 bytes", "12.3 kB", "4.1 MB"."""
    value = float(size)
    for unit in ("bytes", "kB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1000
    return f"{size} bytes"


def similarity(value: float) -> str:
    """A percentage rounded down, so a copy that is not the very same file never reads 100%."""
    return f"{math.floor(min(value, 0.9999) * 1000) / 10:.1f}%"
