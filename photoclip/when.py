"""Dates in search queries: "kids at the lake last summer" is a search for "kids at the
lake" among the photos of last summer. CLIP knows nothing of when a photo was taken, so the
date words are taken out of the text and become a filter on the date taken (the file's date
when a photo has no EXIF date).

Understood, in any case: today, tonight, yesterday, last night; this/last week, weekend,
month, year; this/last spring, summer, autumn (fall), winter; in <month>, <month> <year>;
<season> <year>, <year> <season>; <year>, in <year>, from <year> to <year>, <year>-<year>,
between <year> and <year>; since/after/before <year> or <month> <year>; the 90s, the 1990s; a
day: 2022-12-25, 25 December 2022, Dec 25th, 2022, 25/12/2022 (a day and month that could be
either way round, 3/4/2022, cover both); N days, weeks, months or years ago (that day, week, month or
year); the past week, the last 3 months (up to today). Seasons are the northern
hemisphere's (summer is June to August; winter runs from December into the next year)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

MONTHS = {
    name: number
    for number, names in enumerate(
        [("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
         ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
         ("october", "oct"), ("november", "nov"), ("december", "dec")],
        start=1,
    )
    for name in names
}
SEASONS = {"spring": 3, "summer": 6, "autumn": 9, "fall": 9, "winter": 12}  # first month of each
_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
            "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}
EARLIEST = datetime(1800, 1, 1)
"""Where a period open to the past ("before 2015") starts."""


@dataclass(frozen=True)
class Period:
    """[start, end) in local time, and the words it was read from."""

    start: datetime
    end: datetime
    words: str

    def __and__(self, other: Period) -> Period:
        return Period(max(self.start, other.start), min(self.end, other.end), f"{self.words}, {other.words}")

    def describe(self) -> str:
        last = self.end - timedelta(days=1)
        if self.start >= self.end:
            return "no dates at all"
        if self.start == EARLIEST:
            return f"before {_shown_day(self.end)}"
        if self.start.date() == last.date():
            return _shown_day(self.start)
        return f"{_shown_day(self.start)} to {_shown_day(last)}"


def _shown_day(moment: datetime) -> str:
    """'1 Jun 2021': day first, as the preview shows a photo's date."""
    return f"{moment.day} {moment:%b %Y}"


def _day(d: date) -> datetime:
    return datetime(d.year, d.month, d.day)


def _month(year: int, month: int, count: int = 1) -> tuple[datetime, datetime]:
    start = datetime(year, month, 1)
    index = year * 12 + month - 1 + count
    return start, datetime(index // 12, index % 12 + 1, 1)


def _months_back(today: date, count: int) -> tuple[int, int]:
    index = today.year * 12 + today.month - 1 - count
    return index // 12, index % 12 + 1


def _days(first: date, last: date | None = None) -> tuple[datetime, datetime]:
    return _day(first), _day(last or first) + timedelta(days=1)


def _count(word: str) -> int:
    return int(word) if word.isdigit() else _NUMBERS[word]


def _year(year: int, last: int | None = None) -> tuple[datetime, datetime]:
    return datetime(year, 1, 1), datetime((last or year) + 1, 1, 1)


def _season(year: int, name: str) -> tuple[datetime, datetime]:
    return _month(year, SEASONS[name], 3)


def _latest_season(today: date, name: str, finished: bool) -> tuple[datetime, datetime]:
    """The most recent `name` that has ended (finished) or begun (not finished)."""
    for year in range(today.year, today.year - 3, -1):
        start, end = _season(year, name)
        if (end <= _day(today)) if finished else (start <= _day(today)):
            return start, end
    raise AssertionError("a season within three years always exists")


_YEAR = r"(19\d\d|20\d\d)"
_MONTH = r"(" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")"
_SEASON = r"(spring|summer|autumn|fall|winter)"
_LEAD = r"(?:(?:in|from|during|of|on|at|taken)\s+)?(?:the\s+)?"
_COUNT = r"(\d{1,2}|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
_UNIT = r"(day|week|month|year)"
_NTH = r"(\d{1,2})(?:st|nd|rd|th)?"
_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(pattern, re.IGNORECASE), kind) for pattern, kind in [
        (rf"\b{_LEAD}{_YEAR}-(\d{{1,2}})-(\d{{1,2}})\b", "iso_day"),
        (rf"\b{_LEAD}(\d{{1,2}})[/.](\d{{1,2}})[/.]{_YEAR}\b", "numeric_day"),
        (rf"\b{_LEAD}{_MONTH}\.?\s+{_NTH},?\s+{_YEAR}\b", "month_day_year"),
        (rf"\b{_LEAD}{_NTH}\s+(?:of\s+)?{_MONTH}\.?,?\s+{_YEAR}\b", "day_month_year"),
        (rf"\b(since|after|before)\s+{_MONTH}\.?\s+(?:of\s+)?{_YEAR}\b", "open_month"),
        (rf"\b(since|after|before)\s+{_YEAR}\b", "open_year"),
        (rf"\b{_LEAD}((?:19|20)\d)0'?s\b", "decade"),
        (r"\b(?:(?:in|from|during)\s+)?the\s+(\d)0'?s\b", "decade"),
        (rf"\b(?:(?:in|over|during)\s+)?(?:the\s+)?(?:past|last)\s+{_COUNT}\s+{_UNIT}s\b", "rolling"),
        (rf"\b(?:(?:in|over|during)\s+)?the\s+past\s+{_UNIT}\b", "rolling"),
        (rf"\b(?:from|between)\s+{_YEAR}\s+(?:to|and|until|till)\s+{_YEAR}\b", "years"),
        (rf"\b{_LEAD}{_YEAR}\s*[-\u2013]\s*{_YEAR}\b", "years"),
        (rf"\b{_LEAD}{_SEASON}\s+(?:of\s+)?{_YEAR}\b", "season_year"),
        (rf"\b{_LEAD}{_YEAR}\s+{_SEASON}\b", "year_season"),  # as folders are named: "2023 Summer Lake"
        (rf"\b{_LEAD}(this|last)\s+{_SEASON}\b", "season_rel"),
        (rf"\b{_LEAD}{_MONTH}\.?\s+(?:of\s+)?{_YEAR}\b", "month_year"),
        (rf"\b(?:in|during)\s+{_MONTH}\b", "month"),
        (rf"\b{_LEAD}(this|last)\s+weekend\b", "weekend"),
        (rf"\b{_LEAD}(this|last)\s+(week|month|year)\b", "relative"),
        (rf"\b{_COUNT}\s+{_UNIT}s?\s+ago\b", "ago"),
        (r"\b(today|tonight|this\s+(?:morning|afternoon|evening)|yesterday|last\s+night)\b", "day"),
        (rf"\b{_LEAD}{_YEAR}\b", "year"),
    ]
]


def _resolve(kind: str, groups: tuple[str, ...], today: date) -> tuple[datetime, datetime] | None:
    """The period of one match, or None when its numbers are no date (2022-13-45)."""
    try:
        return _period(kind, groups, today)
    except (ValueError, OverflowError):
        return None


def _period(kind: str, groups: tuple[str, ...], today: date) -> tuple[datetime, datetime]:
    now = _day(today) + timedelta(days=1)
    if kind == "iso_day":
        return _days(date(int(groups[0]), int(groups[1]), int(groups[2])))
    if kind == "numeric_day":
        first, second, year = (int(g) for g in groups)
        readings = sorted(date(year, m, d) for d, m in {(first, second), (second, first)} if _valid(year, m, d))
        if not readings:
            raise ValueError("no day")
        return _days(readings[0], readings[-1])
    if kind == "month_day_year":
        return _days(date(int(groups[2]), MONTHS[groups[0]], int(groups[1])))
    if kind == "day_month_year":
        return _days(date(int(groups[2]), MONTHS[groups[1]], int(groups[0])))
    if kind in ("open_month", "open_year"):
        start, end = _month(int(groups[2]), MONTHS[groups[1]]) if kind == "open_month" else _year(int(groups[1]))
        return (EARLIEST, start) if groups[0] == "before" else (start if groups[0] == "since" else end, now)
    if kind == "decade":
        digits = int(groups[0])  # "199" of the 1990s, or "9" of the 90s (the 20s are this century's)
        first = digits * 10 if len(groups[0]) == 3 else (2000 if digits < 3 else 1900) + digits * 10
        return _year(first, first + 9)
    if kind == "rolling":
        count, unit = (1, groups[0]) if len(groups) == 1 else (_count(groups[0]), groups[1])
        if unit in ("day", "week"):
            return _day(today) - timedelta(days=count * (7 if unit == "week" else 1) - 1), now
        year, month = _months_back(today, count * (12 if unit == "year" else 1))
        return datetime(year, month, min(today.day, 28)), now
    if kind == "weekend":
        saturday = _day(today) + timedelta(days=5 - today.weekday() - (7 if groups[0] == "last" else 0))
        return saturday, saturday + timedelta(days=2)
    if kind == "ago":
        count, unit = _count(groups[0]), groups[1]
        if unit == "day":
            return _days(today - timedelta(days=count))
        if unit == "week":
            monday = _day(today) - timedelta(days=today.weekday() + 7 * count)
            return monday, monday + timedelta(days=7)
        if unit == "month":
            return _month(*_months_back(today, count))
        return _year(today.year - count)
    if kind == "years":
        first, last = sorted((int(groups[0]), int(groups[1])))
        return _year(first, last)
    if kind == "season_year":
        return _season(int(groups[1]), groups[0])
    if kind == "year_season":
        return _season(int(groups[0]), groups[1])
    if kind == "season_rel":
        return _latest_season(today, groups[1], finished=groups[0] == "last")
    if kind == "month_year":
        return _month(int(groups[1]), MONTHS[groups[0]])
    if kind == "month":
        month = MONTHS[groups[0]]
        return _month(today.year if month <= today.month else today.year - 1, month)
    if kind == "relative":
        this, unit = groups[0] == "this", groups[1]
        if unit == "year":
            return _year(today.year if this else today.year - 1)
        if unit == "month":
            return _month(today.year, today.month) if this else _month(
                today.year - (today.month == 1), (today.month - 2) % 12 + 1)
        monday = _day(today) - timedelta(days=today.weekday())
        start = monday if this else monday - timedelta(days=7)
        return start, start + timedelta(days=7)
    if kind == "day":
        if groups[0].startswith("last"):
            return _day(today) - timedelta(hours=12), _day(today) + timedelta(hours=6)
        start = _day(today) - timedelta(days=groups[0] == "yesterday")
        return start, start + timedelta(days=1)
    return _year(int(groups[0]))


def extract_period(text: str, today: date | None = None) -> tuple[str, Period | None]:
    """Take the date words out of a text query: (what is left to search for, the period).
    Several date phrases must all hold ("2021 last summer" finds nothing in 2026)."""
    today = today or date.today()
    rest, period = text, None
    for pattern, kind in _PATTERNS:
        position = 0
        while (match := pattern.search(rest, position)) is not None:
            found = _resolve(kind, tuple(g.lower() for g in match.groups() if g is not None), today)
            if found is None:
                position = match.end()
                continue
            words = Period(*found, rest[match.start():match.end()].strip())
            period = words if period is None else period & words
            rest = rest[:match.start()] + " " + rest[match.end():]
            position = match.start()
    return " ".join(rest.split()).strip(" ,"), period


def _valid(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


_NAME_DATE = re.compile(
    r"(?<!\d)(19[7-9]\d|20\d\d)[-_.]?(0[1-9]|1[0-2])[-_.]?(0[1-9]|[12]\d|3[01])"
    r"(?:[-_ T.]?([01]\d|2[0-3])[-_.:h]?([0-5]\d)[-_.:m]?([0-5]\d))?(?!\d)"
)


def date_in_name(name: str, today: date | None = None) -> str | None:
    """The date a phone or app wrote into a file's name ("IMG_20230514_123456.jpg",
    "PXL_20230514_...", "Screenshot_2023-05-14-12-34-56.png", "IMG-20230514-WA0003.jpg",
    "2023-05-14 12.34.56.jpg"), as ISO 8601: the best guess of when a photo without EXIF was
    taken, since a copied file's own date is the day it was copied."""
    match = _NAME_DATE.search(name)
    if match is None:
        return None
    year, month, day, hour, minute, second = (int(g) if g else 0 for g in match.groups())
    try:
        found = datetime(year, month, day, hour, minute, second)
    except ValueError:
        return None
    if found.date() > (today or date.today()) + timedelta(days=1):
        return None
    return found.isoformat(timespec="seconds")
