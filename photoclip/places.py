"""Where photos were taken: GPS positions named by the nearest town, and place names in queries.

Phones write each photo's position into its EXIF. photoclip names it by the nearest town of
5,000 people or more and keeps that town's country and region with the photo, so that
"beach in portugal", "kids at the lake near munich", "castle in scotland" or "snow in
colorado" keep to the photos taken there (GeoNames data in resources/places, CC BY 4.0). A place is read from a
query only after "in", "at", "near" or "around", and only where its name ends the query or
is followed by a small word ("sunset in nice with mum"): "girl in orange dress" keeps its
orange. Common words that are also towns ("at sunset", "in spring") are never places.
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
_PREPOSITIONS = frozenset({"in", "at", "near", "around"})
_FOLLOWERS = frozenset({
    "with", "and", "on", "during", "at", "in", "near", "around", "while", "for", "by", "from", "of", "the",
    "this", "last", "next", "before", "after", "when", "+", "-", ",",
})  # fmt: skip
_WORDS_NOT_PLACES = frozenset({
    "sunset", "sunrise", "spring", "forest", "wedding", "airport", "temple", "bar", "bay", "orange", "green",
    "union", "paradise", "eden", "liberty", "independence", "reading", "bath", "sale", "best", "deal", "march",
    "surprise", "mobile", "split", "home", "school", "church", "work", "night", "dawn", "dusk", "noon",
})  # fmt: skip
_MAX_NAME_WORDS = 5
_TOKEN = re.compile(r"[+,-]|[^\s+,]+")
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


def fold(text: str) -> str:
    """Lower case without accents: how names are compared ("Köln" = "koln")."""
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


class Gazetteer:
    """Towns, countries and regions: names to places, positions to the nearest town."""

    def __init__(self, towns: list[Town], countries: dict[str, str], names: dict[str, Place]) -> None:
        self.towns = towns
        self.countries = countries  # ISO code -> name
        self._names = names
        self._grid: dict[tuple[int, int], list[int]] = defaultdict(list)
        for i, town in enumerate(towns):
            self._grid[(math.floor(town.lat), math.floor(town.lon) % 360)].append(i)

    @classmethod
    def read(cls, path: Path) -> Gazetteer:
        """Names are looked up in this order: countries, towns of BIG_TOWN people or more
        ("in madrid" is the city, not its region), regions ("in tuscany"), then the other
        towns of QUERY_TOWN_POPULATION or more, the most populous of a name first."""
        rows = []
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            for line in fh:
                kind, name, country, region, lat, lon, population, aliases = line.rstrip("\n").split("\t")
                rows.append((kind, name, country, "" if region == "-" else region, lat, lon, population,
                             [name, *filter(None, aliases.split("|"))]))
        countries = {row[2]: row[1] for row in rows if row[0] == "C"}
        town_rows = [row for row in rows if row[0] == "T"]
        towns = [Town(row[1], row[2], row[3], float(row[4]), float(row[5]), int(row[6])) for row in town_rows]
        spellings = [row[7] for row in town_rows]
        names: dict[str, Place] = {}

        def add(words: list[str], place: Place) -> None:
            for spelling in words:
                key = fold(spelling)
                if key not in names and key not in _WORDS_NOT_PLACES:
                    names[key] = place

        def town_place(town: Town) -> Place:
            return Place("town", f"{town.name}, {countries.get(town.country, town.country)}", "", town.country,
                         town.region, town.lat, town.lon, town_radius_km(town.population))

        by_size = sorted(range(len(towns)), key=lambda i: -towns[i].population)
        ordered: list[tuple[list[str], Place]] = [
            (row[7], Place("country", row[1], "", row[2])) for row in rows if row[0] == "C"
        ]
        ordered += [(spellings[i], town_place(towns[i])) for i in by_size if towns[i].population >= BIG_TOWN]
        ordered += [(row[7], Place("region", f"{row[1]}, {countries.get(row[2], row[2])}", "", row[2], row[3]))
                    for row in rows if row[0] == "R"]
        ordered += [(spellings[i], town_place(towns[i])) for i in by_size
                    if QUERY_TOWN_POPULATION <= towns[i].population < BIG_TOWN]
        for words, place in ordered:  # every place's own name first (a country's every name), then others'
            add(words if place.kind == "country" else words[:1], place)
        for words, place in ordered:
            add(words[1:], place)
        return cls(towns, countries, names)

    def lookup(self, words: str) -> Place | None:
        """The place a name stands for ("lisbon", "the netherlands", "california"), or None."""
        return self._names.get(fold(words).removeprefix("the ").strip()) or self._names.get(fold(words).strip())

    def locate(self, lat: float, lon: float) -> tuple[Town, Town] | None:
        """(nearest, named) towns of a position, None when no town is within NEAREST_WITHIN_KM.
        The nearest is the one whose country and region the position is most likely in; the
        named is the biggest town it is within the reach of (town_radius_km: London, not the
        borough), else the nearest."""
        around = [(town, km) for town, km in self._around(lat, lon) if km <= NEAREST_WITHIN_KM]
        if not around:
            return None
        nearest = min(around, key=lambda found: found[1])[0]
        within = [town for town, km in around if km <= town_radius_km(town.population)]
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
    beach in lisbon" -> ("dog at the beach", Lisbon)). The longest name wins. `lookup` names
    places (default: the gazetteer's); it is not called when no place word is there."""
    tokens = _TOKEN.findall(text)
    folded = [fold(t) for t in tokens]
    if not _PREPOSITIONS.intersection(folded[:-1]):
        return text, None  # no place can follow: the gazetteer need not be read
    lookup = lookup or gazetteer().lookup
    for i, token in enumerate(folded):
        if token not in _PREPOSITIONS:
            continue
        for n in range(min(_MAX_NAME_WORDS, len(tokens) - i - 1), 0, -1):
            after = i + 1 + n
            if after < len(tokens) and folded[after] not in _FOLLOWERS:
                continue
            words = " ".join(tokens[i + 1 : after])
            place = lookup(words)
            if place is not None:
                said = " ".join(tokens[i:after])
                rest = " ".join(tokens[:i] + tokens[after:])
                return rest, dataclasses.replace(place, words=said)
    return text, None
