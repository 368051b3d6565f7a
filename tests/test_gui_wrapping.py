"""Break points in long words: whole characters as a reader sees them, emoji included."""

from __future__ import annotations

from photoclip.gui.compare import breakable
from photoclip.gui.wrapping import ZERO_WIDTH_SPACE, graphemes


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
