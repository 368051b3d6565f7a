"""Long words in wrapped labels: QLabel wraps at spaces only, so a word wider than the label (a
URL, a path, a model's name) holds the window wider than the screen unless it gets break points."""

from __future__ import annotations

import re
import unicodedata

from PySide6.QtCore import QTextBoundaryFinder

ZERO_WIDTH_SPACE = "\u200b"  # a break point a wrapped label may use, that shows nothing
LEFT_TO_RIGHT_ISOLATE = "\u2066"  # what follows, to POP_ISOLATE, is laid out left to right on its own
POP_ISOLATE = "\u2069"
LEFT_TO_RIGHT_MARK = "\u200e"  # a line starting with it is laid out from the left (a selectable label skips no isolate)
_SEPARATORS = re.compile(r"([/\\])")


def graphemes(text: str) -> list[str]:
    """`text` in the characters a reader sees: an accent stays on its letter, a flag's two halves
    together. Qt counts its positions in UTF-16, where an emoji is two."""
    finder = QTextBoundaryFinder(QTextBoundaryFinder.BoundaryType.Grapheme, text)
    ends = set()
    while (end := finder.toNextBoundary()) != -1:
        ends.add(end)
    parts, start, units = [], 0, 0
    for at, char in enumerate(text, 1):
        units += 2 if char > "\uffff" else 1
        if units in ends:
            parts.append(text[start:at])
            start = at
    return parts


def as_written(text: str) -> str:
    """`text` without what was put in it to lay it out (ZERO_WIDTH_SPACE, the marks file_path and
    left_to_right add): copied so, a path pasted into a terminal opens."""
    return text.translate(_LAYOUT_ONLY)


_LAYOUT_ONLY = dict.fromkeys(map(ord, (ZERO_WIDTH_SPACE, LEFT_TO_RIGHT_MARK, LEFT_TO_RIGHT_ISOLATE, POP_ISOLATE)))


def right_to_left(text: str) -> bool:
    """Whether `text` holds Hebrew, Arabic or other right-to-left letters."""
    return any(unicodedata.bidirectional(char) in ("R", "AL") for char in text)


def left_to_right(text: str) -> str:
    """`text` (an English sentence with someone's words in it) laid out left to right, as the
    window is: a line that starts with Hebrew or Arabic was right-aligned and read from the right,
    beside lines that are not. Text without right-to-left letters is left as it is."""
    return f"{LEFT_TO_RIGHT_MARK}{_isolated(text)}" if right_to_left(text) else text


def _isolated(text: str) -> str:
    return f"{LEFT_TO_RIGHT_ISOLATE}{text}{POP_ISOLATE}" if right_to_left(text) else text


def file_path(text: str) -> str:
    """A file name or a path, each line of it laid out left to right and each of its parts on its
    own, as a file manager in English shows them: "תמונה 1.jpg" read "jpg.1 תמונה" and two
    Hebrew folders in a row swapped places. Text without right-to-left letters is left as it is."""
    if not right_to_left(text):
        return text
    return "\n".join(_isolated_parts(line) for line in text.split("\n"))


def _isolated_parts(line: str) -> str:
    parts = _SEPARATORS.split(line)
    if len(parts) > 1:
        parts = [part if _SEPARATORS.fullmatch(part) else _isolated(part) for part in parts]
    return f"{LEFT_TO_RIGHT_MARK}{LEFT_TO_RIGHT_ISOLATE}{''.join(parts)}{POP_ISOLATE}"
