"""Query parsing and vector arithmetic for search.

A query is terms joined by ` + ` and ` - ` (as rclip users write them): "beach + sunset - people".
A term that names an existing image file, or an image's http(s) URL, is an image query;
anything else is text. A file whose name holds " - " or " + " ("IMG_1234 - Copy.jpg") is one
term, and an address followed by words ("http://x/cat.jpg sunset") is the image and the words.
A term may start with a weight, "2:golden retriever + 0.5:./pool.jpg", as in rclip. The query
vector is the normalised weighted sum of positive terms minus the negative ones.
"""

from __future__ import annotations

import dataclasses
import os
import re
import unicodedata
from collections.abc import Callable, Collection, Container, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np

from photoclip.errors import PhotoclipError, QueryError
from photoclip.fsutil import expanded
from photoclip.ids import PhotoId
from photoclip.imaging import IMAGE_SUFFIXES
from photoclip.names import marked_words, name_key, one_spelling
from photoclip.places import NEGATIONS, PREPOSITIONS, Place, extract_place, joined
from photoclip.when import MONTHS, QUOTED, Period, dashes_between_dates, extract_period

_OPERATOR = re.compile(r"\s+([+-])\s+")
_SEPARATOR = re.compile(r"(\s+[+-]\s+)")  # an operator with its spaces as written
_SIGNS = re.compile(r"(?:[+-]\s+)*")
_URL = re.compile(r"https?://\S+", re.IGNORECASE)
_URL_IN_TEXT = re.compile(r"(?<!\S)https?://\S+", re.IGNORECASE)
_AFTER_A_URL = ",.;:!?)]}'\"”’»"  # punctuation that ends a sentence's words, not an address
_LEFT_OUT_YEAR = r"(?:(?:1[89]|2\d)\d\d(?:'?s|[-–/](?:\d\d){1,2})?|\d0'?s)(?![^\s,;!?])"  # 2026, 2019-2020, 90s
_LEFT_OUT_WORD = re.compile(  # web searches' -word, -"two words", and -2026 (but -5 and -20°C are numbers)
    rf'(?<!\S)-(?:"([^"]+)"|([^\W\d_][\w\'’-]*|{_LEFT_OUT_YEAR}))')
_WEIGHT = re.compile(r"(\d+(?:\.\d*)?|\.\d+):(?!\d)(.+)", re.DOTALL)  # not "7:30 sunset"
MAX_WEIGHT = 100.0
NEGATIVE_WEIGHT = 1.0


@dataclass(frozen=True)
class QueryTerm:
    sign: int
    text: str | None = None
    image: Path | None = None
    weight: float = 1.0
    url: str | None = None  # an image on the web


@dataclass(frozen=True)
class SearchHit:
    photo_id: PhotoId
    path: Path
    score: float
    first_because: str | None = None  # "name", "tag", "album", "place" or "caption": listed ahead of better scores
    copies: tuple[Path, ...] = ()  # other files of the very same picture, shown as this one


def _as_image(term: str) -> Path | None:
    try:
        candidate = expanded(term.strip("'\""))
        return candidate if candidate.suffix and candidate.is_file() else None
    except (OSError, PhotoclipError):  # a name too long to be a file's; "~ red" with no home folder
        return None


def parse_query(query: str) -> list[QueryTerm]:
    """Split a query into signed text and image terms; raise QueryError when nothing is left. Whether
    terms that only leave things out ("-kids") are a search is require_something_to_find's to say:
    the user's tags, which it needs, are not known here."""
    query = query.strip()
    if not query:
        raise QueryError("the search is empty; type what you are looking for, e.g. \"dog on a beach\"")
    sign = 1
    if query[0] in "+-" and len(query) > 1 and query[1].isspace():
        sign = 1 if query[0] == "+" else -1
        query = query[1:].strip()
    pieces = _split(query)
    terms = []
    for i, piece in enumerate(pieces):
        if i % 2 == 1:
            sign = 1 if piece == "+" else -1
            continue
        piece = piece.strip()
        while piece[:1] in ("+", "-") and (len(piece) == 1 or piece[1].isspace()):  # "red + - blue": minus blue
            sign = 1 if piece[0] == "+" else -1
            piece = piece[1:].strip()
        if i and piece[:1] in ("+", "-") and _WEIGHT.fullmatch(piece[1:]):  # "red + -2:blue": blue left out, twice over
            sign, piece = (1 if piece[0] == "+" else -1), piece[1:]
        if not piece:
            continue
        weight, piece = _weighed(piece)
        image, bare = _as_image(piece), piece.strip("'\"")
        if image:
            terms.append(QueryTerm(sign, image=image, weight=weight))
        elif is_url(bare):
            terms.append(QueryTerm(sign, url=bare, weight=weight))
        else:
            terms += _text_and_urls(sign, piece, weight)
    if not terms:
        raise QueryError(f"nothing to search for in {query!r}; type what you are looking for, e.g. \"dog on a beach\"")
    looked_for = [t for t in terms if t.sign > 0]
    if looked_for and all(t.weight == 0 for t in looked_for) and not any(_only_a_date(t) for t in terms if t.sign < 0):
        raise QueryError("a weight of 0 leaves a term out; give what you are looking for a weight above 0, e.g. 1:red")
    return terms


def _split(query: str) -> list[str]:
    """The query's terms and the operators between them, as _OPERATOR.split gives them ([term, "+",
    term, "-", term]). Terms that, joined by the operators between them as written, are an existing
    image file ("IMG_1234 - Copy.jpg", "red + blue.jpg", as Windows and people name copies) are
    one term, the longest such run first; " - " between two dates is none ("march 2022 - july
    2023" is one period)."""
    written = _SEPARATOR.split(query)  # term, separator, term, ...
    parts: list[str] = []
    start = at = 0
    while at < len(written):
        end = _image_run_end(written, at)
        if end is None:
            at += 2
            continue
        if at > start:
            parts += _OPERATOR.split(dashes_between_dates("".join(written[start:at - 1])))
        parts += [written[at - 1].strip()] if at else []
        parts.append("".join(written[at:end + 1]))
        start = at = end + 2
    if start < len(written):
        parts += [written[start - 1].strip()] if start else []
        parts += _OPERATOR.split(dashes_between_dates("".join(written[start:])))
    return parts


def _image_run_end(written: list[str], start: int) -> int | None:
    """Where the longest run of two terms or more from `start` (of _SEPARATOR.split's `written`)
    that names an existing image file ends; None when none does."""
    for end in range(len(written) - 1, start, -2):
        if os.path.splitext(written[end].strip().strip("'\""))[1] and _names_image("".join(written[start:end + 1])):
            return end
    return None


def _names_image(term: str) -> bool:
    """Whether a term as written, perhaps signed or weighed ("- 2:a.jpg"), names an existing image file."""
    term = _SIGNS.sub("", term.strip(), count=1)
    weighed = _WEIGHT.fullmatch(term)
    return _as_image(weighed.group(2).strip() if weighed else term) is not None


def _text_and_urls(sign: int, text: str, weight: float) -> list[QueryTerm]:
    """A text term, with each image file's address in it a term of its own of the same sign and
    weight ("http://x/cat.jpg sunset": that image, and sunset): left in the text, its address was
    searched as words, and the image never fetched. Other addresses are words ("screenshots of
    https://github.com"); a whole term that is one is fetched all the same."""
    terms: list[QueryTerm] = []
    at = 0
    for match in _URL_IN_TEXT.finditer(text):
        url = match.group().rstrip(_AFTER_A_URL)  # "http://x/cat.jpg, red": the comma is the sentence's
        if not is_image_url(url):
            continue
        terms += _with_words_left_out(sign, text[at:match.start()], weight)
        terms.append(QueryTerm(sign, url=url, weight=weight))
        at = match.end()
    return terms + _with_words_left_out(sign, text[at:], weight)


def require_something_to_find(terms: list[QueryTerm], tags: Container[str] = frozenset()) -> None:
    """Refuse terms that only leave things out, unless one is wholly a date ("-2019": the photos of
    any other time) or each names one of the user's tags (`tags`: their names.name_key): "-kids"
    lists the photos without the tag kids, as "not kids" does. Raises QueryError that names the
    words that are not tags when some are."""
    if any(t.sign > 0 for t in terms) or any(_only_a_date(t) for t in terms):
        return
    not_tags = [t for t in terms if t.text is None or not (key := name_key(t.text)) or key not in tags]
    if not not_tags:
        return
    nothing = "a search needs at least one thing to look for, not only things to leave out"
    if len(not_tags) == len(terms):
        raise QueryError(nothing)
    words = " and ".join(t.text or t.url or str(t.image) for t in not_tags)
    raise QueryError(f"{words} {'is not one of your tags' if len(not_tags) == 1 else 'are not among your tags'}, "
                     f"and {nothing}")


def _only_a_date(term: QueryTerm) -> bool:
    """Whether a term is wholly a date: "-2019" alone lists the photos of any other time (take_period), and
    "-2019 -people" ranks them least like people first."""
    if term.text is None:
        return False
    rest, period = extract_period(term.text)
    return period is not None and not rest


def _with_words_left_out(sign: int, text: str, weight: float) -> list[QueryTerm]:
    """A text term, and the words in it written as web searches leave words out ("beach -people",
    '-"tour bus"') as terms of their own, subtracted; a hyphen inside a word ("t-shirt") is none.
    A minus before a date or a place leaves out all its words, as " - " does ("beach -last summer",
    "in portugal -in lisbon"): left out one by one, "-in" was subtracted and "lisbon" kept to."""
    matches = list(_LEFT_OUT_WORD.finditer(one_spelling(text)))  # "-۲۰۱۹" is "-2019": the pattern reads 0-9
    kept, left_out, at = [], [], 0
    for match, after in zip(matches, [*(m.start() for m in matches[1:]), len(text)]):
        end = match.end() if match[1] is not None else _left_out_end(text, match, after)
        kept.append(text[at:match.start()])
        left_out.append(text[match.start(1):match.end(1)] if match[1] is not None
                        else " ".join(text[match.start() + 1:end].split()))
        at = end
    rest = " ".join(" ".join([*kept, text[at:]]).split())
    return [*([QueryTerm(sign, text=rest, weight=weight)] if rest else []), *(QueryTerm(-1, text=w) for w in left_out)]


_WORD = re.compile(r"\S+")
_MOST_DATE_WORDS = 8  # "-from march 2022 to july 2023" and longer dates are left out whole
_MOST_PLACE_WORDS = 8  # "-in san jose del cabo, mexico"


def _left_out_end(text: str, match: re.Match[str], bound: int) -> int:
    """Where the words a minus leaves out end (none of them past `bound`, where the next one is): a
    date's last word ("-last summer", "-in 2019"); after a place's "in", "at", "near" or "around",
    its name's last word ("-in new york", and "beach -in lisbon sunset" still looks for a sunset), or
    for a name no map knows, `bound`, as a spaced minus runs to the next term; else the word's end."""
    words = [word.end() for word in _WORD.finditer(text, match.start(), bound)]
    for end in reversed(words[1:_MOST_DATE_WORDS]):
        rest, period = extract_period(text[match.start() + 1:end])
        if period is not None and not rest:
            return end
    if match[2].lower() in PREPOSITIONS and len(words) > 1:
        for end in reversed(words[1:_MOST_PLACE_WORDS]):
            rest, place = extract_place(text[match.start() + 1:end])
            if place is not None and not rest.strip():
                return end
        return words[-1]
    return match.end()


def is_url(text: str) -> bool:
    """Whether a query term or a similar-to target is an image's address on the web."""
    return _URL.fullmatch(text) is not None


def is_image_url(text: str) -> bool:
    """Whether `text` is the address of an image file ("https://x/cat.jpg?w=800"), which words
    around it leave an image: a site's address among words ("github.com login page") is words."""
    path = re.split(r"[?#]", text, maxsplit=1)[0]
    return is_url(text) and "/" in path.split("://", 1)[1] and os.path.splitext(path)[1].lower() in IMAGE_SUFFIXES


def _weighed(piece: str) -> tuple[float, str]:
    """(weight, term) of "2:cat"; (1, piece) for a term without one."""
    found = _WEIGHT.fullmatch(piece)
    if found is None or not found.group(2).strip():
        return 1.0, piece
    weight = float(found.group(1))
    if weight > MAX_WEIGHT:
        raise QueryError(f"the weight {found.group(1)} is too large; use one from 0 to {MAX_WEIGHT:g}, e.g. 2:cat")
    return weight, found.group(2).strip()


@dataclass(frozen=True)
class QueryScope:
    """The dates and the place a query's words keep to, and whether they were all it said
    (then its photos are listed newest first instead of ranked)."""

    period: Period | None
    place: Place | None
    only_scope: bool
    tags: tuple[str, ...] = ()  # the user's own tags the query named: their photos come first
    left_out_tags: tuple[str, ...] = ()  # ... and those it named to leave out ("not sarah"): their photos are not shown
    file_name: str | None = None  # the query looked like a file name: the photos named so come first
    whole_name: bool = False  # file_name is the whole name of those photos (less its suffix), not its start
    caption_words: tuple[str, ...] = ()  # photos whose captions hold these words of the query come first
    albums: tuple[str, ...] = ()  # folders the query named ("lake tahoe": "2019 Lake Tahoe"): their photos come first
    left_out_albums: tuple[str, ...] = ()  # ... and those it named to leave out ("not lake tahoe")
    place_first: Place | None = None  # the query was only a place's name ("paris"): the photos taken there come first


def take_period(terms: list[QueryTerm], today: date | None = None) -> tuple[list[QueryTerm], Period | None]:
    """Date words in the text terms become a period to filter by ("beach last summer"); a term
    that was only a date goes, so the terms left may be none (show that period's photos) or only
    terms to leave out ("last summer -people": that period's photos, least like people first).
    A term left out that is only a date leaves that period's photos out ("beach -2019": the
    photos not taken in 2019), which subtracting the words "2019" from the text never did."""
    kept, period, left_out = [], None, []
    for term in terms:
        if term.text is None:
            kept.append(term)
            continue
        rest, found = extract_period(term.text, today)
        if term.sign < 0:
            if found is not None and not rest:
                left_out.append(found)
            else:
                kept.append(term)
            continue
        if found is not None:
            period = found if period is None else period.both_or_either(found)
        if rest:
            kept.append(dataclasses.replace(term, text=rest if found is not None else term.text))
    if left_out:
        outside = Period.any_time_but(left_out)
        period = outside if period is None else period & outside
    return kept, period


def take_place(
    terms: list[QueryTerm], lookup: Callable[[str], Place | None] | None = None
) -> tuple[list[QueryTerm], Place | None]:
    """The first place named in the text terms ("beach in lisbon") becomes a place to filter
    by, or to leave out ("beach not in lisbon", "beach - in lisbon"); a term that was only a
    place goes, as take_period's do. Terms left out that are only places, after a place to
    keep to, are left out of it ("in france - in paris", as "in france but not paris"); after one
    left out, are left out too ("beach -in lisbon -in porto").
    `lookup`: as extract_place's."""
    kept, place = [], None
    for term in terms:
        if term.text is not None and term.sign < 0 and place is not None:
            rest, other = extract_place(term.text, lookup)
            if other is not None and not rest:
                place = _left_out_too(place, other)
                continue
        if term.text is None or place is not None:
            kept.append(term)
            continue
        rest, place = extract_place(term.text, lookup)
        if term.sign < 0:  # "beach - in france" leaves out the photos taken there, as "beach not in france"
            if place is None or rest:
                place = None
                kept.append(term)
            else:
                place = dataclasses.replace(place, left_out=True, words=f"-{place.words}")
            continue
        if rest:
            kept.append(dataclasses.replace(term, text=rest))
    return kept, place


def _left_out_too(place: Place, other: Place) -> Place:
    """`place` with `other` left out as well: out of a place to keep to ("in france -in paris"), or
    beside one left out ("beach -in lisbon -in porto": photos taken in neither)."""
    words = f"{place.words} -{other.words}"
    if not place.left_out:
        return dataclasses.replace(place, but=(*place.but, other), words=words)
    return dataclasses.replace(joined([*(place.parts or (place,)), *(other.parts or (other,))], words), left_out=True)


MAX_TAG_WORDS = 4  # the longest tag name a query is searched for, in words


def tag_candidates(terms: list[QueryTerm]) -> set[str]:
    """Every run of up to MAX_TAG_WORDS words in the text terms, as names.name_key spells them:
    the keys a tag would need to have to be named by the query ("photos of mt fuji" holds "mt
    fuji", the key of the tag "mt. fuji"; "beach -sarah" names "sarah" to leave out)."""
    found: set[str] = set()
    for term in terms:
        if term.text is None:
            continue
        words = name_key(term.text).split()
        for size in range(1, MAX_TAG_WORDS + 1):
            found.update(" ".join(words[i:i + size]) for i in range(len(words) - size + 1))
    return found


@dataclass(frozen=True)
class NamedTags:
    """What a query said of the user's tags: the terms left to rank by, the tags whose photos
    come first, and those whose photos it leaves out ("beach not sarah", "beach -sarah")."""

    terms: list[QueryTerm]
    tags: tuple[str, ...]
    left_out: tuple[str, ...] = ()


def take_tags(terms: list[QueryTerm], names: set[str]) -> NamedTags:
    """Tags named in the text terms ("sarah at the beach", with a tag "sarah"), longest names
    first, and the terms without their words (none, or only terms to leave out, when the tags
    were all it looked for). A tag is named by its words whatever stands between them, as
    names.name_key compares names: "Smith John" and "smith, john" name the tag "smith, john",
    "hund" the tag "🐶 hund"; tags of one key ("smith john" too) are all named. Quoted words
    name a tag only as a whole ('"sarah jones"'). A tag after "not" or "except", or left out
    whole ("-sarah"), leaves its photos out: the model cannot know who sarah is. Where nothing is
    looked for ("-sarah", "-sarah -2019"), a tag left out whole goes from the terms, as "not sarah" does."""
    by_key: dict[str, list[str]] = {}
    for name in sorted(names):
        if key := name_key(name):
            by_key.setdefault(key, []).append(name)
    kept: list[QueryTerm] = []
    tags: dict[str, None] = {}
    left_out: dict[str, None] = {}
    looked_for = any(term.sign > 0 for term in terms)
    for term in terms:
        if term.text is None or not by_key:
            kept.append(term)
            continue
        text = unicodedata.normalize("NFC", term.text)
        if term.sign < 0:
            named = by_key.get(name_key(text), [])
            left_out.update(dict.fromkeys(named))
            if looked_for or not named:
                kept.append(term)
            continue
        spans = _tag_spans(text, by_key)
        if not spans:
            kept.append(term)
            continue
        pieces, at, negated = [], 0, False
        for start, end, key in spans:
            before = text[at:start]
            negation = _NEGATION_BEFORE.search(before)
            negated = negation is not None or (negated and _JOINED_ONLY.fullmatch(before) is not None)
            (left_out if negated else tags).update(dict.fromkeys(by_key[key]))  # "without kids or dogs": neither
            pieces.append(before[:negation.start()] if negation else "" if negated else before)
            at = end
        rest = _words(" ".join([*pieces, text[at:]]))
        if rest and not all(word in _FILLER for word in rest):
            kept.append(dataclasses.replace(term, text=" ".join(rest)))
    return NamedTags(kept, tuple(t for t in tags if t not in left_out), tuple(left_out))


def album_words(folder_name: str) -> tuple[str, ...]:
    """The words of a folder's name that say what its photos are of, as name_key spells them:
    "Lake Tahoe 2019" is lake tahoe, "Sarah's Birthday" sarah birthday. Dates, numbers and words
    any folder may hold ("Photos", "Day 1", "Camera", "Best of") say nothing of it."""
    return tuple(word for word in name_key(folder_name).split()
                 if word not in _ALBUM_FILLER and word not in MONTHS and not any(c.isdigit() for c in word)
                 and not (len(word) == 1 and word.isascii()))


_ALBUM_FILLER = frozenset((
    "a", "an", "the", "and", "of", "at", "in", "on", "to", "with", "from", "for", "my", "our", "und", "et", "y", "de",
    "du", "des", "der", "die", "das", "le", "la", "les", "el", "los", "las", "il", "photo", "photos", "picture",
    "pictures", "pic", "pics", "image", "images", "img", "foto", "fotos", "bilder", "album", "albums", "folder",
    "part", "vol", "misc", "other", "best", "selected", "edited", "edits", "final", "jpeg", "jpg", "raw", "originals",
    "original", "camera", "dcim", "roll", "media", "download", "downloads", "desktop", "sent", "received", "saved",
    "uploads", "archive", "unsorted", "import", "imported", "export", "exports", "tmp", "temp", "backup", "backups",
    "copy", "copies", "trash", "bin", "deleted", "untitled"))


@dataclass(frozen=True)
class NamedAlbums:
    """What a query said of the library's folders by their album_words: the terms left to rank
    by, the folders whose photos come first, and those whose photos it leaves out ("beach not
    lake tahoe", "beach -lake tahoe")."""

    terms: list[QueryTerm]
    first: tuple[str, ...] = ()
    left_out: tuple[str, ...] = ()


def named_albums(
    terms: list[QueryTerm], albums: Mapping[tuple[str, ...], Sequence[str]], said_first: list[QueryTerm] | None = None
) -> NamedAlbums:
    """The folders of `albums` (by their album_words: albums_by_words) the query names: an album of one word
    by a query that is that word and nothing else ("kids", "red", "kids last summer"); one of
    more by all of them in a row anywhere in it ("kids at lake tahoe" names "2019 Lake Tahoe",
    "sarah's birthday cake" "Sarah's Birthday"), or in `said_first` (the query as typed, before
    its dates went: "summer vacation 2019" names "Summer Vacation"). Someone named the folder
    after what is in it, which the model may not know; a folder of one everyday word ("Red",
    "Snow") is not what "red circle on snow" is about. A folder named whole right after "not",
    "except" or "without" ("beach not at lake tahoe", not "triangle without stars at lake
    tahoe"), or as a whole term left out ("-lake tahoe"), has its photos left out, and those
    words are not looked for. Those inside the others named are meant, not the others."""
    known = albums.keys()
    longest = max(map(len, known), default=0)
    unsaid: set[tuple[str, ...]] = set()
    kept: list[QueryTerm] = []
    content: list[str] = []
    said: set[tuple[str, ...]] = set()
    for term in terms:
        if term.text and term.sign < 0:
            if len(words := album_words(term.text)) > 1:  # "-red" leaves out the word, not the folder Red
                unsaid.add(words)
        elif term.text:
            text, left_out = _albums_left_out(term.text, known)
            unsaid.update(left_out)
            term = dataclasses.replace(term, text=text) if left_out else term
            content += album_words(text)
            said.update(_runs(album_words(text), longest))
        if term.text or term.image is not None or term.url is not None:
            kept.append(term)
    for term in said_first or ():
        if term.text and term.sign > 0:
            said.update(_runs(album_words(_albums_left_out(term.text, known)[0]), longest))
    left_out = sorted(folder for words in unsaid for folder in albums.get(words, ()))
    wanted = {tuple(content), *(words for words in said if len(words) > 1)}
    named = [folder for words in wanted for folder in albums.get(words, ()) if folder not in left_out]
    inner = [folder for folder in named if not any(other.startswith(folder + os.sep) for other in named)]
    return NamedAlbums(kept, tuple(sorted(inner)), tuple(left_out))


def albums_by_words(folders: Iterable[str]) -> dict[tuple[str, ...], list[str]]:
    """`folders` by their album_words, as named_albums looks them up; those of none left out."""
    by_words: dict[tuple[str, ...], list[str]] = {}
    for folder in folders:
        if words := album_words(folder.rpartition(os.sep)[2]):
            by_words.setdefault(words, []).append(folder)
    return by_words


def _albums_left_out(text: str, known: Collection[tuple[str, ...]]) -> tuple[str, list[tuple[str, ...]]]:
    """`text` without the albums (by their album_words, `known`) it names whole right after a
    negation, and those albums: "beach not at lake tahoe" is beach, without lake tahoe; "not
    red circle" names no album "Red" (a word is whole where the text ends, a digit, a comma or a
    filler word such as "with" comes next)."""
    left_out: list[tuple[str, ...]] = []
    at = 0
    while (negation := _NEGATION_WORD.search(text, at)) is not None:
        words = [(a, b, w) for a, b, w in _key_words(text[negation.end():])
                 if w not in _ALBUM_FILLER and w not in MONTHS and not any(c.isdigit() for c in w)]
        lengths = sorted({len(album) for album in known if len(album) <= len(words)}, reverse=True)
        found = next((n for n in lengths if tuple(w for _, _, w in words[:n]) in known and (
            n == len(words) or not text[negation.end() + words[n - 1][1]:negation.end() + words[n][0]].isspace())), 0)
        if not found:
            at = negation.end()
            continue
        left_out.append(tuple(w for _, _, w in words[:found]))
        end = negation.end() + words[found - 1][1]
        text = f"{text[:negation.start()]} {text[end:]}".strip()
        at = negation.start()
    return " ".join(text.split()), left_out


def _runs(words: tuple[str, ...], longest: int) -> list[tuple[str, ...]]:
    """Every run of `words` in a row, of `longest` words at most (the longest album name's: a
    pasted page of 2,000 words has two million runs, which took gigabytes)."""
    return [words[i:i + size] for size in range(1, min(longest, len(words)) + 1)
            for i in range(len(words) - size + 1)]


def _tag_spans(text: str, by_key: dict[str, list[str]]) -> list[tuple[int, int, str]]:
    """(start, end, key) of the tags named in `text`, in order: a quoted run as a whole, other
    words longest names first."""
    quoted = [match.span() for match in QUOTED.finditer(text)]  # '"summer 2019"' is words as written
    spans = [(a, b, key) for a, b in quoted if (key := name_key(text[a + 1:b - 1])) in by_key]
    words = [word for word in _key_words(text) if not any(a <= word[0] < b for a, b in quoted)]
    i = 0
    while i < len(words):
        size = next((n for n in range(min(MAX_TAG_WORDS, len(words) - i), 0, -1)
                     if " ".join(w for _, _, w in words[i:i + n]) in by_key
                     and (n > 1 or (len(words) == 1 and not quoted) or words[i][2] not in _TAG_NEGATIONS)), 0)
        if size:
            spans.append((words[i][0], words[i + size - 1][1], " ".join(w for _, _, w in words[i:i + size])))
            i += size
        else:
            i += 1
    return sorted(spans)


_TAG_NEGATIONS = (*(words for words in NEGATIONS if words != "pas"), "nao", "excepte", "without", "no", "sans", "ohne",
                  "sin", "sem")
"""Words before a tag that leave its photos out ("beach no kids", "plage sans kids"); "pas" is also English."""
_NEGATION_BEFORE = re.compile(
    r"(?:^|\s)(?:" + "|".join(w.replace(" ", r"\s+") for w in sorted(_TAG_NEGATIONS, key=len, reverse=True))
    + r")(?:[\s,]+(?:at|on|in|the|a|an|of|with|by))*[\s,]*$", re.IGNORECASE)  # "kids not at the beach"
_JOINED_ONLY = re.compile(r"\s*(?:,|(?:,\s*)?(?:or|and|nor|&))\s*", re.IGNORECASE)  # "without kids or dogs"


_NEGATION_WORD = re.compile(  # where a query starts to say what it does not want
    r"(?<!\S)(?:" + "|".join(w.replace(" ", r"\s+") for w in sorted(_TAG_NEGATIONS, key=len, reverse=True))
    + r")(?!\S)", re.IGNORECASE)


def _key_words(text: str) -> list[tuple[int, int, str]]:
    """(start, end, word) of the words of `text` (composed) as names.name_key finds them: "שָׁלוֹם",
    marks and all, is the word שלום."""
    return [(m.start(), m.end(), word) for m in marked_words(text) for word in name_key(m.group()).split()]


_FILLER = frozenset({"a", "an", "the", "and", "with", "of", "photo", "photos", "picture", "pictures"})


def _words(text: str) -> list[str]:
    return [w for w in re.split(r"[^\w'&-]+", text.lower()) if w]


def combine(terms: list[QueryTerm], embed: Callable[[QueryTerm], np.ndarray]) -> np.ndarray:
    """One unit vector for the whole query."""
    total = None
    for term in terms:
        vector = embed(term).astype(np.float32)
        weighted = term.weight * (vector if term.sign > 0 else -NEGATIVE_WEIGHT * vector)
        total = weighted if total is None else total + weighted
    assert total is not None
    norm = float(np.linalg.norm(total))
    if norm < 1e-6:
        raise QueryError("the terms of this search cancel each other out")
    return total / norm


def typed_folder(query: str) -> Path | None:
    """The folder `query` is the path of ("~/Pictures/2019", pasted), None for any other query: its
    words would rank every photo alike. Looks at the disk."""
    text = query.strip()
    if os.sep not in text and not text.startswith("~"):
        return None
    try:
        folder = expanded(text)
        return folder.resolve() if folder.is_dir() else None
    except (OSError, PhotoclipError):  # a long query with a "/": a name longer than the system allows
        return None


def missing_image(query: str) -> str | None:
    """A term of the query named as an image file ("beach.jpg", "~/a/b.png") that is not there:
    the search took it as words. A name the library's photos start with is a search for them,
    which the caller allows; quoted, such a term is words. Looks at the disk."""
    for term in parse_query(query):
        if term.text is not None and term.text[:1] not in "'\"" and Path(term.text).suffix.lower() in IMAGE_SUFFIXES:
            return term.text
    return None


def bare_name(query: str, name: str) -> bool:
    """Whether the query is nothing but `name`, a file name without a folder ("DSC_2000.NEF"):
    a search for the photos of that name, where a path ("./x.jpg", "~/a/b.jpg") or an image
    among other terms means a file that should be there."""
    terms = parse_query(query)
    return len(terms) == 1 and terms[0].text == name and os.path.basename(name) == name and not name.startswith("~")


def no_photo_at(name: str) -> QueryError:
    """The error of a query naming an image file that is not there (see missing_image, bare_name)."""
    return QueryError(f"no photo at {name}: give an existing image file, or quote words that are not a file name")
