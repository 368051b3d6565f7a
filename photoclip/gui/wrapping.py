"""Long words in wrapped labels: QLabel wraps at spaces only, so a word wider than the label (a
URL, a path, a model's name) holds the window wider than the screen unless it gets break points."""

from __future__ import annotations

from PySide6.QtCore import QTextBoundaryFinder

ZERO_WIDTH_SPACE = "\u200b"  # a break point a wrapped label may use, that shows nothing


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
