"""Break points in long words: whole characters as a reader sees them, emoji included."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QTextLayout, QTextOption

from photoclip.gui.compare import breakable
from photoclip.gui.wrapping import (
    LEFT_TO_RIGHT_ISOLATE,
    LEFT_TO_RIGHT_MARK,
    POP_ISOLATE,
    ZERO_WIDTH_SPACE,
    file_path,
    graphemes,
    left_to_right,
)


def test_graphemes_keep_accents_emoji_and_flags_whole() -> None:
    """Qt counts in UTF-16, where an emoji is two: taken as Python's positions, its boundaries cut
    the text after an emoji one character off (half a flag, an accent from its letter)."""
    text = "a\U0001f600e\u0301b\U0001f1f5\U0001f1f9c"
    assert graphemes(text) == ["a", "\U0001f600", "e\u0301", "b", "\U0001f1f5\U0001f1f9", "c"]


def test_a_long_name_with_emoji_breaks_between_whole_characters() -> None:
    name = "\U0001f600" * 3 + "x" * 40 + "\U0001f1f5\U0001f1f9.jpg"
    broken = breakable(name)
    assert broken.replace(ZERO_WIDTH_SPACE, "") == name
    assert broken.split(ZERO_WIDTH_SPACE)[:4] == ["\U0001f600", "\U0001f600", "\U0001f600", "x"]
    assert "\U0001f1f5\U0001f1f9" in broken.split(ZERO_WIDTH_SPACE)


def drawn_at(text: str, font: QFont) -> list[float]:
    """Where each character of `text` is drawn, left to right, as a label lays it out: the text's
    own direction, from its first letter (a line starting in Hebrew is read from the right)."""
    layout = QTextLayout(text, font)
    option = QTextOption()
    option.setTextDirection(Qt.LayoutDirection.LayoutDirectionAuto)
    layout.setTextOption(option)
    layout.beginLayout()
    line = layout.createLine()
    line.setLineWidth(10_000)
    layout.endLayout()
    return [line.cursorToX(at)[0] for at in range(len(text))]


def test_a_hebrew_file_name_keeps_its_extension_at_its_end_and_a_paths_folders_their_order(qtbot) -> None:
    """Laid out from its first letter, "תמונה 1.jpg" read "jpg.1 תמונה", and two Hebrew folders of
    a path in a row swapped places: an English window shows them as a file manager does."""
    font = QFont()
    name = file_path("תמונה 1.jpg")
    assert name.startswith(LEFT_TO_RIGHT_MARK + LEFT_TO_RIGHT_ISOLATE) and name.endswith(POP_ISOLATE)
    x = drawn_at(name, font)
    dot = name.index(".")
    assert all(x[at] < x[dot] for at, char in enumerate(name) if "\u0590" <= char <= "\u05ff" or char == "1")
    assert x[dot] < x[name.index("j")] < x[name.index("g")]  # ".jpg", as it is written

    path = file_path("חופשה בים/תמונה 1.jpg")
    x = drawn_at(path, font)
    hebrew = [at for at, char in enumerate(path) if "\u0590" <= char <= "\u05ff"]
    slash = path.index("/")
    assert max(x[at] for at in hebrew if at < slash) <= x[slash] < min(x[at] for at in hebrew if at > slash)
    assert file_path("Holiday/IMG_0001.jpg") == "Holiday/IMG_0001.jpg"  # nothing to isolate


def test_an_english_line_with_hebrew_words_in_it_is_laid_out_left_to_right(qtbot) -> None:
    title = left_to_right("“חופשה בים”")
    x = drawn_at(title, QFont())
    assert x[title.index("“")] < min(x[at] for at, char in enumerate(title) if "\u0590" <= char <= "\u05ff")
    assert left_to_right("All photos") == "All photos"
