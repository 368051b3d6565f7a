"""Numbers and names as people read them, the same in the CLI and the GUI."""

from __future__ import annotations

import math
import re

_UNSHOWABLE = re.compile("[\ud800-\udfff\x00-\x08\x0b-\x1f\x7f-\x9f]")


def shown(value: object) -> str:
    """`value` as text fit for the screen: bytes of a file name that are not UTF-8 (which Python
    holds as lone surrogates) become "\ufffd", as do control characters but tabs and line breaks
    (a caption stored before Windows' quotes were read right held "Grandma\\x92s"). Qt cannot
    draw them, and PySide6 crashes converting surrogates."""
    text = str(value)
    return text if text.isprintable() else _UNSHOWABLE.sub("\ufffd", text)


def shortened(name: str, most: int = 60) -> str:
    """A long file name cut in its middle, its start and its end (the extension, a copy's
    number) kept: a dialog that cuts it at its end hides which file it means."""
    if len(name) <= most:
        return name
    tail = most // 3
    return f"{name[:most - tail - 1]}…{name[-tail:]}"


def pixel_size(width: int, height: int) -> str:
    """"1,600 × 900 pixels", as every view of a photo writes its size."""
    return f"{width:,} × {height:,} pixels"


def plural(count: int, word: str, words: str | None = None) -> str:
    """"1 photo", "2,000 photos"; `words` where adding an s is wrong ("copies")."""
    return f"{count:,} {word if count == 1 else words or word + 's'}"


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
