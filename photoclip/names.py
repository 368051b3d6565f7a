"""How a look-up by name compares a photo's file name with what a person typed: by its words,
whatever stands between them, so that "😀 Selfie.jpg" is found by "selfie" and "IMG_1234"
by "img 1234". The catalog keeps each photo's key, indexed, so a look-up is one index probe."""

from __future__ import annotations

import functools
import os
import re
import unicodedata
from collections.abc import Iterator


def name_key(name: str) -> str:
    """A file name's stem, or a query, as a look-up by name compares them: its words in lower
    case without the accents of Latin and Greek letters, whatever is between them (spaces, _ - . and
    punctuation, an emoji) one space. "😀 Selfie", "selfie!" and "SELFIE" are one name;
    "IMG_1234" is "img 1234"; "Zürich" is "zurich", "Łódź" "lodz", "İstanbul" "istanbul" and
    "Ακρόπολη" "ακροπολη" (Greek capitals are written without them), as people type them. Hebrew
    and Arabic are read without their vowel marks, which most people leave out: "שָׁלוֹם" is "שלום",
    "مُحَمَّد" "محمد", "أحمد" "احمد"; Persian's and Urdu's yeh, kaf and heh as Arabic's ("کتاب" is "كتاب",
    "علی" "علي"), and every script's digits as 0-9 ("۲۰۱۹" and "２０１９" are "2019")."""
    return " ".join(re.findall(r"[^\W_]+", _folded(name)))


def spelling_key(name: str) -> str:
    """A name as name_key compares it, but with every character that is not a letter's accent kept: "zurich"
    is "Zürich", but "c" is not "c++" nor "🐱" "🐶" (whose name_key are "c" and nothing). What a change to
    a tag typed in another spelling goes by: it must not change another tag."""
    return " ".join(_folded(name).split())


def marked_words(text: str) -> Iterator[re.Match[str]]:
    """The words of `text` as name_key finds them (letters and digits; "_" parts them), each with the marks
    written on its letters: "שָׁלוֹם" and "مُحَمَّد" are one word each, not the pieces between their marks
    (a mark is no letter to a regular expression's \\w). What name_key makes of each is its key."""
    return _marked_word().finditer(text)


@functools.cache
def _marked_word() -> re.Pattern[str]:
    """marked_words' pattern, made at its first use: listing the marks of Unicode takes a moment."""
    marks = [code for code in range(0x20000) if unicodedata.category(chr(code)).startswith("M")]
    runs: list[list[int]] = []
    for code in marks:
        if runs and runs[-1][1] == code - 1:
            runs[-1][1] = code
        else:
            runs.append([code, code])
    spans = "".join(re.escape(chr(low)) + (f"-{re.escape(chr(high))}" if high > low else "") for low, high in runs)
    return re.compile(rf"[^\W_](?:[^\W_]|[{spans}])*")


def _folded(name: str) -> str:
    """`name` in lower case, without the accents of its Latin and Greek letters and the marks of its
    Hebrew and Arabic ones, its letters and digits spelt one way (one_spelling)."""
    return _unaccented(one_spelling(unicodedata.normalize("NFC", name).casefold()).translate(_PLAIN_LETTERS))


def one_spelling(text: str) -> str:
    """`text` with the letters and digits that are one however a keyboard writes them written one way: the
    yeh, kaf and heh of Persian and Urdu keyboards as Arabic's ("کتاب" is "كتاب", "علی" "علي"), and the digits
    of every script as 0-9 ("۲۰۱۹", "٢٠١٩" and "２０１９" are "2019"). Each character stays one character, so
    what is found in it is where it was written."""
    if text.isascii():
        return text
    return _OTHER_DIGIT.sub(lambda digit: str(int(digit.group())), text.translate(_ONE_LETTER))


_OTHER_DIGIT = re.compile(r"(?![0-9])\d")  # a decimal digit of another script: \d is any of them, and int() reads them
_ONE_LETTER = str.maketrans({  # Persian's and Urdu's letters that are Arabic's, as their keyboards type them
    "ی": "ي", "ک": "ك",  # Persian (and Urdu) yeh and kaf
    "ہ": "ه", "ۂ": "ه", "ۀ": "ه"})  # Urdu's heh goal (with hamza above) and Persian's heh with yeh above
_PLAIN_LETTERS = str.maketrans({  # letters whose mark is part of the letter, not an accent apart
    "ø": "o", "ł": "l", "đ": "d", "ð": "d", "ħ": "h", "ı": "i", "ŧ": "t", "æ": "ae", "œ": "oe", "þ": "th",
    "ٱ": "ا",  # alef wasla, an alef with a mark Unicode does not set apart (as it does أ إ آ)
    "ـ": None})  # tatweel only draws an Arabic word out ("محـــمد")
_MARKED_SCRIPTS = ("LATIN ", "GREEK ", "HEBREW ", "ARABIC ")
"""Scripts whose letters are typed without their marks. Hebrew's and Arabic's are vowels and
cantillation, left out in everyday writing, and the hamza or madda set on a letter: أ إ آ are alef,
as Arabic search engines fold them (ؤ is waw and ئ yeh). Letters stay apart, though those engines
fold some: ة is not ه, nor ى ي ("على", on, would name a tag "علي", Ali). So are Urdu's letters that
are its own: ھ (bh of "بھائی", brother, is no "بہائی", Baha'i) and ے ("لڑکے", boys, is no "لڑکی", a girl)."""


def _unaccented(word: str) -> str:
    """`word` without the accents on its Latin and Greek letters ("hà nội" is "ha noi", "Αθήνα"
    "Αθηνα") and the marks on its Hebrew and Arabic ones ("שָׁלוֹם" is "שלום"); the marks other
    scripts' letters are spelt with stay ("が", "й"). Before words are told apart: the dot "İ"
    keeps in lower case ("i̇") is a mark of its own."""
    if word.isascii():
        return word
    kept, marked = [], False
    for char in unicodedata.normalize("NFD", word):
        if not unicodedata.combining(char):
            marked = unicodedata.name(char, "").startswith(_MARKED_SCRIPTS)
        elif marked:
            continue
        kept.append(char)
    return unicodedata.normalize("NFC", "".join(kept))


def file_name_key(path: str) -> str:
    """name_key of a file's name less its suffix: "/photos/😀 Selfie.JPG" is "selfie", and so is
    "Selfie.JPG." (dots and spaces ending a name, which Windows drops, are no suffix)."""
    return name_key(os.path.splitext(os.path.basename(path).rstrip(". "))[0])


def key_range(key: str) -> tuple[str, str]:
    """[low, high) bounds of the keys that start as `key` is spelt ("img 12" holds "img 1234")."""
    return key, key + chr(0x10FFFF)
