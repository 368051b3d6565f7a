"""Where photos were taken: GPS positions named by the nearest town, and place names in queries.

Phones write each photo's position into its EXIF. photoclip names it by the nearest town of
5,000 people or more and keeps that town's country and region with the photo, so that
"beach in portugal", "kids at the lake near munich", "castle in scotland" or "snow in
colorado" keep to the photos taken there (GeoNames data in resources/places, CC BY 4.0). A
town names only photos of its own country: a suburb across a border keeps its country's name.
A place is read from a query only after "in", "at", "near" or "around" (or "à", "em", "en",
"im", "bei", "près de": "plage à nice"), and only where its name ends the query or is
followed by a small word, punctuation or an emoji ("sunset in nice with mum", "sunset in
nice!"): "girl in orange dress" keeps its orange. A country or region after a name keeps to
the namesakes in it ("in florence, alabama", "in paris texas", "in victoria, bc"); one named but not
another leaves that one out ("in france but not paris", "in france, except in paris or lyon"). Common words
that are also towns ("at sunset", "girl in orange and white") are never places, nor is what was
"made in" a place, "us" other than "in the us", or "nice and warm"; towns known by words are
places only written with a capital ("in Reading", not "girl in reading glasses" or "baby in
bath") or with their country ("in split, croatia"), and never after "the" ("in the Bath").
"""

from __future__ import annotations

import dataclasses
import functools
import gzip
import math
import re
import threading
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path

from photoclip import config

NEAREST_WITHIN_KM = 100.0  # farther from every town (at sea, in a desert), a photo is named by none
QUERY_TOWN_POPULATION = 15_000  # smaller towns are not looked for in queries (too many clash with words)
BIG_TOWN = 500_000  # a city this big is what its name means, before a region of the same name
PREPOSITIONS = frozenset({"in", "at", "near", "around"})
"""The words a place follows in a query ("beach in lisbon")."""
_ABROAD = frozenset({"à", "em", "en", "im", "bei", "près"})  # "plage à nice", "praia em lisboa", "près de nice"
_FOLLOWERS = frozenset({
    "with", "and", "on", "during", "at", "in", "near", "around", "while", "for", "by", "from", "of", "the",
    "this", "last", "next", "before", "after", "when", "+", "-", ",", "or", "&", "without", "no",
})  # fmt: skip
_EXCEPTING = frozenset({"but", "not", "except", "excluding", "other", "apart"})  # "in france but not paris"
_JOINING = frozenset({"and", "or", ",", "&"})  # between places: "in spain or portugal", "in paris, lyon and nice"
_SAYING_MORE = frozenset({"at", "in", "on", "near", "by", "with", "under", "during", "around"})  # "... or at the beach"
_WORDS_NOT_PLACES = frozenset({
    "sunset", "sunrise", "spring", "forest", "wedding", "airport", "temple", "bar", "orange", "green", "home",
    "school", "church", "work", "night", "dawn", "dusk", "noon", "peak", "gold", "lion", "pet", "lime", "summit",
    "vineyard", "fountain", "retreat", "university", "bank", "police", "store", "holiday", "metro", "time", "man",
    "part", "date", "mine", "central", "coin", "bear", "officer", "drama", "pen", "yoga", "tank", "salt",
    "crystal", "olympic", "hub", "hurricane", "dome", "hook", "anthem", "terrace", "mango", "butterfly", "soul",
    "deli", "asia",
})  # fmt: skip
_TOWNS_ALSO_WORDS = frozenset({
    "reading", "bath", "sale", "best", "deal", "march", "surprise", "mobile", "split", "seaside", "marina", "rugby",
    "bay", "union", "paradise", "eden", "liberty", "independence", "springs", "mission", "bell", "golden",
    "normal", "eagle", "pearl", "delta", "clay", "enterprise", "humble", "savage", "imperial", "falcon", "vista",
    "cove", "walnut", "highland", "woodland", "federal", "superior", "republic", "commonwealth", "alliance",
    "opportunity",
})  # fmt: skip
"""Towns whose names are common words: "in Reading" is the town, "in reading" (or "baby in bath") the word."""
_NO_PLACE_AFTER = frozenset({"made"})  # "made in china" says where a thing was made, not where the photo was taken
_ONLY_AFTER_IN = frozenset({"us"})  # "in the us", but "snow all around us", "kids near us"
_ALSO_ADJECTIVES = frozenset({"nice"})  # "in nice and warm weather", but "in nice and cannes"
_MAX_NAME_WORDS = 7  # "new york city, united states"
_MAX_QUALIFIER_WORDS = 3  # "bosnia and herzegovina"
_PROVINCE_CODES = {
    ("CA", "01"): "ab", ("CA", "02"): "bc", ("CA", "03"): "mb", ("CA", "04"): "nb", ("CA", "05"): "nl",
    ("CA", "07"): "ns", ("CA", "08"): "on", ("CA", "09"): "pe", ("CA", "10"): "qc", ("CA", "11"): "sk",
    ("CA", "12"): "yt", ("CA", "14"): "nu", ("AU", "01"): "act", ("AU", "02"): "nsw", ("AU", "03"): "nt",
    ("AU", "04"): "qld", ("AU", "05"): "sa", ("AU", "06"): "tas", ("AU", "07"): "vic", ("AU", "08"): "wa",
}  # fmt: skip
"""How Canadians and Australians write their provinces and states after a town ("victoria, bc"); a US
state's code is its GeoNames code ("paris, tx")."""
_CODES_ALSO_WORDS = frozenset({"in", "or", "me", "hi", "ok", "oh", "ma", "pa", "la", "de", "al", "co", "id", "on",
                               "act", "mb", "nt", "sa"})  # a state's code only after a comma: "portland, or"
_DIVISION = re.compile(r"\s+(?:state|province)$")  # "in new york state"
_MIN_ALIAS = 3  # GeoNames' shorter other names ("Pa" for Chongqing, "we" for Huế) are noise
_TOKEN = re.compile(r"[+,-]|[^\s+,]+")
_TRAILING = re.compile(r"[^\w\s]+$")  # punctuation or an emoji after a word: "sunset in nice!", "in nice 😎"
_EARTH_KM = 6371.0088


@dataclasses.dataclass(frozen=True, slots=True)
class Town:
    name: str
    country: str  # ISO code
    region: str  # first-level division code ("" when unknown)
    lat: float
    lon: float
    population: int


@dataclasses.dataclass(frozen=True, slots=True)
class Place:
    """What a query's place words name: a town (photos within radius_km of it), a country, or
    a region (a state, province or the like). `words` are the words the query said it with."""

    kind: str  # "town" | "country" | "region" | "named" (a town the library's photos are named by)
    label: str  # "Lisbon, Portugal"
    words: str  # "in lisbon"
    country: str
    region: str | None = None
    lat: float = 0.0
    lon: float = 0.0
    radius_km: float = 0.0
    town: str | None = None  # kind "named": the town's name as photos carry it
    parts: tuple[Place, ...] = ()  # several places named together ("in spain or portugal"), each as looked up
    left_out: bool = False  # said after "not" or "except" ("beach not in france"): the photos taken elsewhere
    but: tuple[Place, ...] = ()  # places left out of it ("in france but not paris"), each as looked up

    @property
    def shown(self) -> str:
        """The place as the user is told it was read: "France but not Paris, France"."""
        return f"{self.label} but not {' or '.join(part.label for part in self.but)}" if self.but else self.label


def fold(text: str) -> str:
    """Lower case without accents: how names are compared ("Köln" = "koln")."""
    if text.isascii():  # most names: the same, in a tenth of the time (the gazetteer folds 180,000)
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * _EARTH_KM * math.asin(min(1.0, math.sqrt(a)))


def town_radius_km(population: int) -> float:
    """How far from a town's centre a photo still counts as taken there: 5 km for a small
    town, 40 km for a city of millions (its suburbs)."""
    return min(40.0, max(5.0, 3.0 * math.sqrt(population / 10_000)))


def inside(place: Place, within: list[Place]) -> bool:
    """Whether a place lies in one of these countries or regions (a region in itself too: "new york, ny")."""
    return place.kind != "country" and any(
        place.country == area.country and (area.kind == "country" or place.region == area.region) for area in within)


def _town_place(town: Town, countries: dict[str, str]) -> Place:
    return Place("town", f"{town.name}, {countries.get(town.country, town.country)}", "", town.country,
                 town.region, town.lat, town.lon, town_radius_km(town.population))


class Gazetteer:
    """Towns, countries and regions: names to places, positions to the nearest town."""

    def __init__(self, towns: list[Town], countries: dict[str, str], names: dict[str, list[Place]]) -> None:
        self.towns = towns
        self.countries = countries  # ISO code -> name
        self._names = names
        self._codes: dict[str, list[Place]] = defaultdict(list)  # "tx", "bc", "nsw": only after a town's name
        for place in {place for found in names.values() for place in found if place.kind == "region"}:
            code = place.region.lower() if place.country == "US" else _PROVINCE_CODES.get((place.country, place.region))
            if code:
                self._codes[code].append(place)
        self._grid: dict[tuple[int, int], list[int]] = defaultdict(list)
        for i, town in enumerate(towns):
            self._grid[(math.floor(town.lat), math.floor(town.lon) % 360)].append(i)

    @classmethod
    def read(cls, path: Path) -> Gazetteer:
        """Names are looked up in this order: countries, towns of BIG_TOWN people or more
        ("in madrid" is the city, not its region), regions ("in tuscany"), then the other
        towns of QUERY_TOWN_POPULATION or more, the most populous of a name first; every place's
        own name before the other names of others. A town's other name that is the own name of
        a place looked up in queries ("Sion" for Jerusalem) names only that place."""
        rows = []
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            for line in fh:
                kind, name, country, region, lat, lon, population, aliases = line.rstrip("\n").split("\t")
                rows.append((kind, name, country, "" if region == "-" else region, lat, lon, population,
                             [name, *filter(None, aliases.split("|"))]))
        countries = {row[2]: row[1] for row in rows if row[0] == "C"}
        town_rows = [row for row in rows if row[0] == "T"]
        towns = [Town(row[1], row[2], row[3], float(row[4]), float(row[5]), int(row[6])) for row in town_rows]
        own_names = {fold(row[1]) for row in rows if row[0] != "T" or int(row[6]) >= QUERY_TOWN_POPULATION}
        spellings = [[row[1], *(alias for alias in row[7][1:] if len(alias) >= _MIN_ALIAS
                                and fold(alias) not in own_names)] for row in town_rows]
        names: dict[str, list[Place]] = {}

        def add(words: list[str], place: Place) -> None:
            for spelling in words:
                found = names.setdefault(fold(spelling), [])
                if place not in found:
                    found.append(place)

        by_size = sorted(range(len(towns)), key=lambda i: -towns[i].population)
        ordered: list[tuple[list[str], Place]] = [
            (row[7], Place("country", row[1], "", row[2])) for row in rows if row[0] == "C"
        ]
        ordered += [(spellings[i], _town_place(towns[i], countries)) for i in by_size
                    if towns[i].population >= BIG_TOWN]
        ordered += [(row[7], Place("region", f"{row[1]}, {countries.get(row[2], row[2])}", "", row[2], row[3]))
                    for row in rows if row[0] == "R"]
        ordered += [(spellings[i], _town_place(towns[i], countries)) for i in by_size
                    if QUERY_TOWN_POPULATION <= towns[i].population < BIG_TOWN]
        for words, place in ordered:  # every place's own name first (a country's every name), then others'
            add(words if place.kind == "country" else words[:1], place)
        for words, place in ordered:
            add(words[1:], place)
        return cls(towns, countries, names)

    def lookup(self, words: str) -> Place | None:
        """The place a name stands for ("lisbon", "the netherlands", "california"), or None."""
        found = self.lookup_all(words, small_towns=False)
        return found[0] if found else None

    def lookup_all(self, words: str, small_towns: bool = True) -> list[Place]:
        """Every place of a name, the one it most likely stands for first (as lookup's order);
        with `small_towns`, also the towns too small to look up in any query, last: a library
        keeps those its photos were taken in ("in victoria": Victoria, Canada, not Hong Kong).
        A name followed by its country or region is only the places of the name in it
        ("florence, alabama", "paris texas", "atlanta georgia"); "new york state" is the region."""
        found = self._named(words, small_towns)
        if found:
            return found
        division = _DIVISION.sub("", fold(words))
        if division != fold(words):
            return [place for place in self._named(division, False) if place.kind == "region"]
        qualified = self.qualified(words)
        if qualified is None:
            return []
        return [place for place in self.lookup_all(qualified[0], small_towns) if inside(place, qualified[1])]

    def qualified(self, words: str) -> tuple[str, list[Place]] | None:
        """A name and the country or region after it ("florence, alabama" -> "florence", [Alabama];
        "atlanta georgia": both Georgias), or None when its last words name neither."""
        parts = fold(words).replace(",", " , ").split()
        for size in range(min(_MAX_QUALIFIER_WORDS, len(parts) - 1), 0, -1):
            head, last = " ".join(parts[:-size]), " ".join(parts[-size:]).replace(".", "")  # "b.c.", "u.s."
            within = [place for place in self._named(last, False) if place.kind in ("country", "region")]
            if size == 1 and (head.endswith(",") or last not in _CODES_ALSO_WORDS):
                within += self._codes.get(last, [])
            if head.rstrip(" ,") and within:
                return head.rstrip(" ,"), within
        return None

    def _named(self, words: str, small_towns: bool) -> list[Place]:
        """The places of exactly this name, with or without a "the" before it; those written without its full
        stops too ("st. helier": St. Helier, a hamlet, and St Helier, Jersey)."""
        found: list[Place] = []
        for key in dict.fromkeys((folded_name(words), fold(words).strip())):
            found = list(self._names.get(key, ()))
            if small_towns:
                found += [_town_place(self.towns[i], self.countries) for i in self._towns_by_name.get(key, ())
                          if self.towns[i].population < QUERY_TOWN_POPULATION]
            if found:
                break
        if "." in words:
            found += [place for place in self._named(words.replace(".", ""), small_towns) if place not in found]
        return found

    @functools.cached_property
    def _towns_by_name(self) -> dict[str, list[int]]:
        """Every town by its own name, folded: built when a library first looks for a small town."""
        by_name: dict[str, list[int]] = defaultdict(list)
        for i, town in enumerate(self.towns):
            by_name[fold(town.name)].append(i)
        return by_name

    def town(self, name: str, country: str) -> Town | None:
        """The most populous town of this name in this country, if any."""
        found = [self.towns[i] for i in self._towns_by_name.get(fold(name), ()) if self.towns[i].country == country]
        return max(found, key=lambda town: town.population, default=None)

    def locate(self, lat: float, lon: float) -> tuple[Town, Town] | None:
        """(nearest, named) towns of a position, None when no town is within NEAREST_WITHIN_KM.
        The nearest is the one whose country and region the position is most likely in; the
        named is the biggest town of its country it is within the reach of (town_radius_km:
        London, not the borough; a suburb across a border keeps its own country's name), else
        the nearest."""
        around = [(town, km) for town, km in self._around(lat, lon) if km <= NEAREST_WITHIN_KM]
        if not around:
            return None
        nearest = min(around, key=lambda found: found[1])[0]
        within = [town for town, km in around
                  if km <= town_radius_km(town.population) and town.country == nearest.country]
        return nearest, max(within, key=lambda t: t.population) if within else nearest

    def describe(self, lat: float, lon: float) -> str | None:
        """'London, United Kingdom' for a position (its named town); None far from any."""
        found = self.locate(lat, lon)
        return None if found is None else self.label(found[1].name, found[1].country)

    def label(self, name: str, country: str) -> str:
        return f"{name}, {self.countries.get(country, country)}"

    def _around(self, lat: float, lon: float) -> Iterator[tuple[Town, float]]:
        """Towns in the 1-degree cells around a position, with their distance in km."""
        cell_lat, cell_lon = math.floor(lat), math.floor(lon)
        for dlat in (-1, 0, 1):
            for dlon in (-1, 0, 1):
                for i in self._grid.get((cell_lat + dlat, (cell_lon + dlon) % 360), ()):
                    town = self.towns[i]
                    yield town, distance_km(lat, lon, town.lat, town.lon)


_LOADING = threading.Lock()


def gazetteer() -> Gazetteer:
    """The shipped gazetteer, read once (about a second) by whichever thread asks first."""
    with _LOADING:
        return _shipped()


@functools.cache
def _shipped() -> Gazetteer:
    return Gazetteer.read(_places_file())


@functools.cache
def country_names() -> dict[str, str]:
    """ISO code -> name, without reading the whole gazetteer: the countries come first in its
    file, so the sidebar's Places need a millisecond instead of a second."""
    names = {}
    with gzip.open(_places_file(), "rt", encoding="utf-8") as fh:
        for line in fh:
            if not line.startswith("C\t"):
                break
            _kind, name, country, _rest = line.split("\t", 3)
            names[country] = name
    return names


def _places_file() -> Path:
    return config.resources_dir() / "places" / "places.tsv.gz"


def extract_place(text: str, lookup: Callable[[str], Place | None] | None = None) -> tuple[str, Place | None]:
    """Split a query into the rest of its words and the place it names, if any ("dog at the
    beach in lisbon" -> ("dog at the beach", Lisbon)). The longest name wins; places joined by
    "and", "or", "&" or a comma are each of them ("in spain or portugal": `parts`), those of them
    `lookup` knows. `lookup` names places (default: the gazetteer's; a library's knows only those
    its photos were taken in); it is not called when no place word is there."""
    tokens = _TOKEN.findall(text)
    folded = [fold(t) for t in tokens]
    before = [i for i in range(len(tokens) - 1) if _may_come_before_a_place(tokens, folded, i)]
    if not before:
        return text, None  # no place can follow: the gazetteer need not be read
    lookup = lookup or gazetteer().lookup
    for i in before:
        start = i + 2 if folded[i] == "pres" and folded[i + 1] == "de" else i + 1
        named = _places_from(tokens, folded, start, folded[i], lookup)
        if named is None:
            continue
        parts, end, said = named[0], named[1], [*tokens[i:start], *named[2]]
        found = [part for part in parts if part is not None]
        if not found:
            continue  # no photo was taken there: the words are left to the model
        negation = _negation_before(folded, i)
        but = None if negation else _left_out_at(tokens, folded, end, folded[i], lookup)
        if but is not None:  # "in france but not paris"
            end, said = but[1], [*said, *but[2]]
        if end < len(tokens) and folded[end] in _JOINING and \
                (end + 1 == len(tokens) or folded[end + 1] in _SAYING_MORE):
            end += 1  # "in paris or", as it is being typed; "in paris or at the beach": "at the beach"
        rest = tokens[:i - negation] + tokens[end:]
        if all(_TRAILING.fullmatch(t) for t in rest):  # "in nice 🇫🇷" is only a place
            rest = []
        place = joined(list({part.label: part for part in found}.values()), " ".join([*tokens[i - negation:i], *said]))
        if negation:
            place = dataclasses.replace(place, left_out=True)
        if but is not None:
            place = dataclasses.replace(place, but=tuple(part for part in but[0] if part is not None))
        return " ".join(rest).replace(" ,", ",").strip(" ,"), place
    return text, None


def _places_from(
    tokens: list[str], folded: list[str], start: int, preposition: str, lookup: Callable[[str], Place | None]
) -> tuple[list[Place | None], int, list[str]] | None:
    """The places named from `start` on, joined by "and", "or", "&" or a comma ("spain or portugal", "in paris and in
    london"), as _place_at gives each; where their words end, and their words. None where no place's name starts
    there."""
    named = _place_at(tokens, folded, start, preposition, lookup)
    if named is None:
        return None
    parts, end, said = [named[0]], named[1], [named[2]]
    while end + 1 < len(tokens) and folded[end] in _JOINING:
        joined = end + 1 + (folded[end + 1] == preposition)  # "in paris and in london"
        more = _place_at(tokens, folded, joined, preposition, lookup) if joined < len(tokens) else None
        if more is None:
            break
        parts.append(more[0])
        said += [*tokens[end:joined], more[2]]
        end = more[1]
    return parts, end, said


def _left_out_at(
    tokens: list[str], folded: list[str], at: int, preposition: str, lookup: Callable[[str], Place | None]
) -> tuple[list[Place | None], int, list[str]] | None:
    """The places a place is named without, where `at` says so ("in france but not paris", "in france, except in
    paris or lyon"): as _places_from gives them, from the words that say so on. None where no name of a place
    follows those words ("in nice but cold")."""
    start = at + (folded[at:at + 1] == [","])
    negation = max((len(words) for words in _NEGATIONS if tuple(folded[start:start + len(words)]) == words), default=0)
    if not negation:
        return None
    start += negation
    start += int(start < len(tokens) and folded[start] in PREPOSITIONS)  # "but not in paris"
    found = _places_from(tokens, folded, start, preposition, lookup) if start < len(tokens) else None
    return None if found is None else (found[0], found[1], [*tokens[at:start], *found[2]])


def _place_at(
    tokens: list[str], folded: list[str], start: int, preposition: str, lookup: Callable[[str], Place | None]
) -> tuple[Place | None, int, str] | None:
    """The place whose name starts at `start` (None: a place, but `lookup` knows none of that
    name), where its words end, and its words; None where no place's name starts there. A
    place named with its country is that one or none ("in paris, texas" is not Paris, France)."""
    for after in range(min(start + _MAX_NAME_WORDS, len(tokens)), start, -1):
        words = _name_between(tokens, folded, start, after)
        if words is None or not _may_name_a_place(words, preposition, folded[after:after + 2]):
            continue
        if folded[after:after + 1] and folded[after] in _EXCEPTING and folded_name(words) in _ALSO_ADJECTIVES and \
                _left_out_at(tokens, folded, after, preposition, lookup) is None:
            continue  # "in nice but cold": "nice" ends before "but" only where a place left out follows
        place = lookup(words)
        if place is not None or _names_a_place(words):
            return place, after, words
    return None


def _names_a_place(words: str) -> bool:
    """Whether words name a place, whether or not any photo was taken there: one looked up in
    queries, or a town or region with a country or region after it ("nice, italy" too)."""
    known = gazetteer()
    if known.lookup(words) is not None:
        return True
    qualified = known.qualified(words)
    return qualified is not None and any(place.kind != "country"
                                         for place in known.lookup_all(qualified[0], small_towns=False))


NEGATIONS = ("not", "except", "except for", "excluding", "but not", "other than", "apart from",
             "pas", "sauf", "excepté", "hors", "nicht", "außer", "ausser", "não", "exceto", "excepto")
"""Words before a place or a date that leave its photos out ("beach not in france", "except in 2019"), also as
they are said before the places' words of _ABROAD ("plage pas à nice", "strand nicht in köln")."""
_NEGATIONS = tuple(tuple(fold(word) for word in words.split()) for words in NEGATIONS)  # as tokens are compared
_FRENCH_BEFORE = frozenset({"a", "au", "aux", "en", "pres"})  # "pas" says "not" only before these: not "faux pas in"


def _negation_before(folded: list[str], i: int) -> int:
    """How many words just before the i-th say "not" ("not in france", "but not in paris"): 0 when none."""
    return max((len(words) for words in _NEGATIONS if tuple(folded[max(0, i - len(words)):i]) == words
                and (words != ("pas",) or folded[i] in _FRENCH_BEFORE)), default=0)


def joined(parts: list[Place], words: str) -> Place:
    """One place, or several as one: labelled by them all, the first's otherwise."""
    if len(parts) == 1:
        return dataclasses.replace(parts[0], words=words.replace(" ,", ","))
    label = " or ".join(part.label for part in parts)
    return dataclasses.replace(parts[0], label=label, words=words.replace(" ,", ","), parts=tuple(parts))


def _may_come_before_a_place(tokens: list[str], folded: list[str], i: int) -> bool:
    """Whether the i-th word is one a place follows: in, at, near, around, or as French,
    Portuguese, Spanish or German say it; not after "made" ("made in china")."""
    if i > 0 and folded[i - 1] in _NO_PLACE_AFTER:
        return False
    return folded[i] in PREPOSITIONS or tokens[i].casefold() in _ABROAD


def _name_between(tokens: list[str], folded: list[str], start: int, after: int) -> str | None:
    """The words from `start` to `after` (punctuation or an emoji at their end left out), if
    what comes next lets them be a name: nothing, a small word, punctuation or an emoji. A full
    stop ends a name only at the end of the query ("in st. helier" goes on)."""
    last = _TRAILING.sub("", tokens[after - 1])
    if not last:
        return None
    punctuated = tokens[after - 1][len(last):].strip(".") != ""
    then = folded[after] if after < len(tokens) else ""
    if then and not punctuated and then not in _FOLLOWERS | _EXCEPTING and not _TRAILING.fullmatch(then):
        return None
    return " ".join([*tokens[start:after - 1], last]).replace(" ,", ",")


def _may_name_a_place(words: str, preposition: str, then: list[str]) -> bool:
    """Whether words a lookup knows as a place may mean it here: never a common word ("at
    sunset"), a town's that is one only written with a capital ("in Bath", not "baby in bath" or
    "in the Bath"), "us" only after "in", and "nice and ..." or "nice or ..." only before
    another place ("in nice and cannes", not "in nice and warm weather")."""
    key = folded_name(words)
    if key in _WORDS_NOT_PLACES or (key in _ONLY_AFTER_IN and preposition != "in"):
        return False
    if key in _TOWNS_ALSO_WORDS and (key != fold(words).strip() or not words[:1].isupper()):
        return False
    if key in _ALSO_ADJECTIVES and then[:1] in (["and"], ["or"]):
        return len(then) > 1 and gazetteer().lookup(then[1]) is not None
    return True


def may_be_named_alone(words: str) -> bool:
    """Whether a search of only these words may mean the place of that name: not a country or
    town whose name is an everyday word ("turkey", "nice"), unless written with a capital."""
    return words[:1].isupper() or folded_name(words) not in _ALONE_ALSO_WORDS


_ALONE_ALSO_WORDS = _TOWNS_ALSO_WORDS | _ALSO_ADJECTIVES | {"turkey"}  # "turkey" at Thanksgiving


def folded_name(words: str) -> str:
    """A place's name as it is looked up: folded, without a "the" before it."""
    return fold(words).removeprefix("the ").strip()
