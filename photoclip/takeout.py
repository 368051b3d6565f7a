"""The JSON file Google Takeout writes beside each photo it exports, read for the date taken
and the place when the photo's own EXIF lacks them, and for its caption.

Photos from messengers, scans and screenshots carry no EXIF date, and unpacking a Takeout
archive gives every file the date of the download: without this, years of such photos
would all be "taken" on one day. A date or place changed in Google Photos is in the JSON
only, too.

Google names the JSON after the photo, cut to 46 characters before ".json":
`IMG_1.jpg.json`, or since 2024 `IMG_1.jpg.supplemental-metadata.json` (cut to
`….jpg.supplemen.json` for longer names); the second photo of a name, `IMG_1(1).jpg`, has
`IMG_1.jpg(1).json`; an edited copy, `IMG_1-edited.jpg`, shares the original's.
"""

from __future__ import annotations

import json
import logging
import math
import os
import re
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from photoclip.fsutil import read_small_file

log = logging.getLogger(__name__)

_NAME_LIMIT = 46
_MAX_JSON_BYTES = 1 << 20
_COPY_NUMBER = re.compile(r"(.+)(\(\d+\))")
_EDITED_SUFFIXES = ("-edited", "-bearbeitet", "-modifié", "-editado", "-ha editado", "-modificato", "-bewerkt")
_EARLIEST = 0  # 1970: Google stores 0 for a photo it has no date for
_FUTURE_SLACK_S = 86_400  # a day ahead: a clock in another time zone


@dataclass(frozen=True)
class TakeoutFacts:
    taken_at: str | None  # local time, "YYYY-MM-DDTHH:MM:SS" as EXIF dates are kept
    location: tuple[float, float] | None  # (latitude, longitude)
    description: str | None = None  # the caption written in Google Photos


def sidecar_names(name: str) -> list[str]:
    """The names Google Takeout may have given the JSON of a photo named `name`, likeliest first."""
    stem, ext = os.path.splitext(name)
    readings = [(stem, "")]
    numbered = _COPY_NUMBER.fullmatch(stem)
    if numbered:
        readings.append((numbered.group(1), numbered.group(2)))
    names = []
    for base, copy in readings:
        originals = [base] + [base[: -len(s)] for s in _EDITED_SUFFIXES if base.endswith(s) and len(base) > len(s)]
        for original in originals:
            full = original + ext
            names += [(full + ".supplemental-metadata")[:_NAME_LIMIT] + copy + ".json",
                      full[:_NAME_LIMIT] + copy + ".json"]
    return list(dict.fromkeys(names))


def is_json(path: str | Path) -> bool:
    return str(path).lower().endswith(".json")


def json_owners(photos: Iterable[Path]) -> Callable[[Path], list[Path]]:
    """Which of `photos` a Takeout JSON describes: those beside it that would look for it by its
    name (sidecar_names). The photos are looked up once, for the thousands of JSON files an
    archive unpacks into one folder."""
    owners: dict[tuple[Path, str], list[Path]] = defaultdict(list)
    for photo in photos:
        for name in sidecar_names(photo.name):
            owners[photo.parent, name].append(photo)
    return lambda json_file: owners.get((json_file.parent, json_file.name), [])


def has_json(photo: Path) -> bool:
    """Whether a JSON of one of the names Takeout gives it lies beside `photo`."""
    return any(photo.with_name(name).is_file() for name in sidecar_names(photo.name))


def takeout_facts(photo: Path) -> TakeoutFacts | None:
    """The date and place in the Takeout JSON beside `photo`; None when there is none (or it
    is no Takeout JSON, or broken: the photo is indexed all the same)."""
    for name in sidecar_names(photo.name):
        candidate = photo.with_name(name)
        text = read_small_file(candidate, _MAX_JSON_BYTES)  # a FIFO, or a link to /proc/kmsg, would never end
        if text is None:
            continue
        try:
            data = json.loads(text)
        except (ValueError, RecursionError) as exc:  # nested a thousand deep: no Takeout JSON either
            log.debug("cannot read %s: %s", candidate, exc)
            continue
        if isinstance(data, dict) and ("photoTakenTime" in data or "geoData" in data):
            description = _text(data.get("description"))
            return TakeoutFacts(_taken_at(data.get("photoTakenTime")), _location(data), description.strip() or None)
    return None


def _text(value: object) -> str:
    """A string of the JSON as text, "" for anything else. JSON's escapes may hold half of a
    pair ("\\ud83d" of an emoji cut short) that no UTF-8 can store: one such caption failed the
    catalog's write of the whole batch, at every index. Halves of a pair side by side are joined;
    a lone one is dropped."""
    if not isinstance(value, str):
        return ""
    return value.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "ignore")


def _taken_at(value: object) -> str | None:
    stamp = value.get("timestamp") if isinstance(value, dict) else None
    try:
        seconds = int(str(stamp))
        if seconds <= _EARLIEST or seconds > time.time() + _FUTURE_SLACK_S:  # no photo is taken tomorrow
            return None
        return datetime.fromtimestamp(seconds).isoformat(timespec="seconds")
    except (ValueError, OverflowError, OSError):
        return None


def _location(data: dict) -> tuple[float, float] | None:
    for key in ("geoData", "geoDataExif"):
        geo = data.get(key)
        if not isinstance(geo, dict):
            continue
        if any(isinstance(geo.get(key), bool) for key in ("latitude", "longitude")):  # float(True) is 1.0
            continue
        try:
            lat, lon = float(geo.get("latitude")), float(geo.get("longitude"))
        except (TypeError, ValueError, OverflowError):  # an integer of 310 digits is too large for a float
            continue
        if math.isfinite(lat) and math.isfinite(lon) and abs(lat) <= 90 and abs(lon) <= 180 and (
                round(lat, 6), round(lon, 6)) != (0, 0):  # "null island": a GPS without a fix, as in EXIF
            return lat, lon
    return None
