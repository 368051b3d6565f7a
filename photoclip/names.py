"""How a look-up by name compares a photo's file name with what a person typed: by its words,
whatever stands between them, so that "😀 Selfie.jpg" is found by "selfie" and "IMG_1234"
by "img 1234". The catalog keeps each photo's key, indexed, so a look-up is one index probe."""

from __future__ import annotations

import os
import re
import unicodedata


def name_key(name: str) -> str:
    """A file name's stem, or a query, as a look-up by name compares them: its words in lower
    case without the accents of Latin and Greek letters, whatever is between them (spaces, _ - . and
    punctuation, an emoji) one space. "😀 Selfie", "selfie!" and "SELFIE" are one name;
    "IMG_1234" is "img 1234"; "Zürich" is "zurich", "Łódź" "lodz", "İstanbul" "istanbul" and
    "Ακρόπολη" "ακροπολη" (Greek capitals are written without them), as people type them."""
    return " ".join(re.findall(r"[^\W_]+", _folded(name)))


def spelling_key(name: str) -> str:
    """A name as name_key compares it, but with every character that is not a letter's accent kept: "zurich"
    is "Zürich", but "c" is not "c++" nor "🐱" "🐶" (whose name_key are "c" and nothing). What a change to
    a tag typed in another spelling goes by: it must not change another tag."""
    return " ".join(_folded(name).split())


def _folded(name: str) -> str:
    """`name` in lower case, without the accents of its Latin and Greek letters."""
    return _unaccented(unicodedata.normalize("NFC", name).casefold()).translate(_PLAIN_LETTERS)


_PLAIN_LETTERS = str.maketrans({  # Latin letters whose mark is part of the letter, not an accent apart
    "ø": "o", "ł": "l", "đ": "d", "ð": "d", "ħ": "h", "ı": "i", "ŧ": "t", "æ": "ae", "œ": "oe", "þ": "th"})


def _unaccented(word: str) -> str:
    """`word` without the accents on its Latin and Greek letters ("hà nội" is "ha noi", "Αθήνα"
    "Αθηνα"); the marks other scripts' letters are spelt with stay ("が", "й"). Before
    words are told apart: the dot "İ" keeps in lower case ("i̇") is a mark of its own."""
    if word.isascii():
        return word
    kept, latin = [], False
    for char in unicodedata.normalize("NFD", word):
        if not unicodedata.combining(char):
            latin = unicodedata.name(char, "").startswith(("LATIN ", "GREEK "))
        elif latin:
            continue
        kept.append(char)
    return unicodedata.normalize("NFC", "".join(kept))


def file_name_key(path: str) -> str:
    """name_key of a file's name less its suffix: "/photos/😀 Selfie.JPG" is "selfie"."""
    return name_key(os.path.splitext(os.path.basename(path))[0])


def key_range(key: str) -> tuple[str, str]:
    """[low, high) bounds of the keys that start as `key` is spelt ("img 12" holds "img 1234")."""
    return key, key + chr(0x10FFFF)
