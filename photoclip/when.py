"""Dates in search queries: "kids at the lake last summer" is a search for "kids at the
lake" among the photos of last summer. CLIP knows nothing of when a photo was taken, so the
date words are taken out of the text and become a filter on the date taken (the file's date
when a photo has no EXIF date).

Understood, in any case: today, tonight, yesterday, the day before yesterday, last night; this/last week,
weekend, month, year; this/last spring, summer, autumn (fall), winter; last <month>; "this past" for "last"
("this past summer"); <month> <year>; <season> <year>, <year> <season> ("last summer 2023" is summer 2023:
the year said wins); a year written short after an apostrophe ("summer '19", "jul ’19": the latest such year
begun, "summer of '69" is 1969); 2019-07; <year>, in <year>; the 90s, the 1990s; a day: 2022-12-25 (or
2022/12/25), 25 December 2022, Dec 25th, 2022, 25/12/2022 (or 25.12.2022, 25-12-2022; 3/4/2022, which could
be either way round, is read as the user's locale writes days); N days, weeks, months or years ago (that
day, week, month or year); the past week, the last week, the last 3 months (up to today). "Last" summer or
july has ended, "this" winter has begun; "the last march" (of a band) or "the last week of july" is the
final one, not a date. A month, season or holiday without its year is that one in every year, as Google
Photos and Apple Photos read it: "in may", "in (the) summer", "at christmas", "from march to july" (each
year's), "in june and december" or "at christmas or easter" (each of them, every year); so is one just
before since, after, before or until a date ("may since 2024", "christmas since 2020"). Dates joined: from
one to, until or through another, between one and another, or one-another, is from the start of the first to
the end of the second ("from march to july 2023", "2019-2021", "from 2019 until now"); a list joined by
"and" or "or" is each of its dates ("christmas 2020 and christmas 2021", "2019 or 2022": either year), one
span where they touch ("2022, 2023 and 2024"); since, after, before or until one, or one onwards; since a
holiday, month or season without its year is since the latest one begun ("since christmas", "since june").
Days of every week: "on weekends" ("weekends", "at weekends"), "on weekdays", "on sundays", "every saturday
and sunday", "sundays" opening a query; a day of the week: "last sunday" (the latest before today), "on sunday" or
"this sunday" (the latest up to today: a search looks back), "on saturday and sunday" (each latest), each of them
within another date ("on sunday in 2019": each Sunday of 2019); alone or before a noun a day's name is a word
("sunday roast", "beach -sunday", "ice cream sundays"). A year alone after a month, season or holiday
with its year is that one's ("christmas 2020 or 2021"), as is a dash to a year ("christmas 2019-2021"), and
dates with years joined by commas are each ("2019, 2021"). A date a query leaves out ("beach -2019") keeps
to any time but it (Period.any_time_but). Holidays with their year, or this or last one: christmas (24-26
December), christmas eve, christmas day, new year's eve (into the small hours), new year's day, new year
(the eve and the day after: "new year 2022" is the one of new year's eve 2022, "new year 2021-22" the one
between), easter (Good Friday to Easter Monday), easter sunday, halloween, valentine's day, thanksgiving (the US one,
Thursday to Sunday), the fourth of july (july 4th), boxing day, st patrick's day; a holiday or season alone
("christmas tree", "summer dress") is left to search for, as is a month ("may flowers", "in march madness").
A day of a month without its year is that day of every year after "on" ("dog on 3 march", "on feb 29th":
each leap year's), or written with its ordinal ("fireworks july 4th", "march 3rd"), or month first ("dog
july 14"; not "may 2", "june 08"), or day first opening the query ("14 july"; "dog 3 march" may count
marches), or in a range or list of days ("dec 24 to dec 26"); not where a noun follows ("july 4th parade"),
a number is a name's ("iphone 12 march", "covid-19 march") or a word opens a period from it ("since march
3rd"). "New year" is no other calendar's ("chinese new year") and no greeting ("happy new year"). Words in
quotes are searched as written ('"1984" book cover'). Numbers that look like a day but are none (2023-02-30)
are left to search for, as are years that name things: one still to come ("blade runner 2049"), one counted
("2000 m", "2000 piece puzzle"), "year 2000", "class of 2015"; so is "today show" or "last night of the
proms".
Months, seasons and holidays named in German, French, Spanish, Italian, Portuguese or Dutch are read only with a year
after them ("juli 2023", "juli-2023", "julio de 2023", "weihnachten 2022", "pâques 2023"), or joined by their
language's words or a dash to a date with one that names its month, season or holiday, as the English ("juli bis
august 2023", "juillet et août 2023", "de julio a agosto de 2023", "van juni tot juli 2023", "juli-august 2023",
"10. juli bis 20. juli 2023"); alone ("mars", "ostern", "noël") or joined to a year alone ("dic a 2021") they are
words. Those languages' words join only dates named in them, or, where they are no English word ("bis", "und",
"entre", "de ... a"), dates of numbers ("2019 bis 2021", "de 2019 a 2021"): "july a 2023", "christmas e 2022" and
"camper van 2019 a 2020" are English words and years. A holiday's name that is a place's or a person's is read
so: "KwaZulu-Natal 2019", "isla de pascua 2023", "easter island pascua 2023"; "natal" is Christmas only before "de"
and its year ("natal de 2022": "natal 2022" may be the city in Brazil), "silvester" New Year's Eve only after "an",
"zu" or "über", joined to a date by those languages' words ("weihnachten und silvester 2022") or before the two years
it is between ("silvester 2022/23"): "Silvester 2022" may be someone of that name.
Seasons are the northern hemisphere's (summer is June to August; winter runs from December into the
next year: "winter 2025" and "winter 2025-2026" are both December 2025 to February 2026, "winter
2020-2023" the winters from December 2020 to February 2023)."""

from __future__ import annotations

import locale
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache, partial
from pathlib import Path

from photoclip.names import one_spelling
from photoclip.places import NEGATIONS

_MONTH_WORDS = [("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
                ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
                ("october", "oct"), ("november", "nov"), ("december", "dec")]
MONTHS = {name: number for number, names in enumerate(_MONTH_WORDS, start=1) for name in names}
_MONTH_NAMES = [names[0].title() for names in _MONTH_WORDS]  # English, whatever the locale: "in May of any year"
_FOREIGN_MONTH_WORDS = [  # German, French, Spanish, Italian, Portuguese, Dutch: read only with a year after them
    ("januar", "jänner", "janvier", "enero", "gennaio", "janeiro", "januari"),
    ("februar", "février", "fevrier", "febrero", "febbraio", "fevereiro", "februari"),
    ("märz", "maerz", "mars", "marzo", "março", "maart"),
    ("avril", "abril", "aprile"),
    ("mai", "mayo", "maggio", "maio", "mei"),
    ("juni", "juin", "junio", "giugno", "junho"),
    ("juli", "juillet", "julio", "luglio", "julho"),
    ("août", "aout", "agosto", "augustus"),
    ("septembre", "septiembre", "setiembre", "settembre", "setembro"),
    ("oktober", "octobre", "octubre", "ottobre", "outubro"),
    ("novembre", "noviembre", "novembro"),
    ("dezember", "décembre", "decembre", "diciembre", "dicembre", "dezembro"),
]
_FOREIGN_MONTH_SHORT = [  # their abbreviations that are no word of another language ("set", "out", "mag", "gen")
    ("janv", "ene"), ("févr", "fevr", "fev"), ("mär", "mrz", "marz", "mrt"), ("avr", "abr"), (), ("giu",),
    ("juil", "lug"), (), (), ("okt", "ott"), (), ("déc", "dez", "dic"),
]
_ANY_MONTHS = MONTHS | {name: number for words in (_FOREIGN_MONTH_WORDS, _FOREIGN_MONTH_SHORT)
                        for number, names in enumerate(words, start=1) for name in names}
"""Months as named in English and, before a year ("juli 2023", "14 juillet 2023", "julio de 2023"), in the
languages of _FOREIGN_MONTH_WORDS: read alone, "juli 2023" was the whole of 2023."""
SEASONS = {"spring": 3, "summer": 6, "autumn": 9, "fall": 9, "winter": 12}  # first month of each
_FOREIGN_SEASONS = {  # German, French, Spanish, Italian, Portuguese, Dutch: read only with a year after them
    **dict.fromkeys(("frühling", "fruhling", "printemps", "primavera", "lente"), "spring"),
    **dict.fromkeys(("sommer", "été", "ete", "verano", "estate", "verão", "verao", "zomer"), "summer"),
    **dict.fromkeys(("herbst", "automne", "otoño", "otono", "autunno", "outono", "herfst"), "autumn"),
    **dict.fromkeys(("hiver", "invierno", "inverno"), "winter"),
}
_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
            "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}
EARLIEST = datetime(1800, 1, 1)
"""Where a period open to the past ("before 2015") starts."""
_MOST_YEARS_SHOWN = 4  # years a header lists apart ("2019, 2021 and 2023")
_DAWN, _DUSK = datetime.min, datetime.max  # where "any time but" a date starts and ends
Span = tuple[datetime, datetime]


@dataclass(frozen=True)
class Yearly:
    """A month, season or holiday named without its year ("in may", "at christmas"): its span in a given year,
    and how it is shown ("in", "May")."""

    span: Callable[[int], Span]
    at: str
    name: str

    def __call__(self, year: int) -> Span:
        return self.span(year)


@dataclass(frozen=True)
class Period:
    """When the photos were taken: [start, end) spans in local time, sorted and apart (none: no dates at all),
    and the words they were read from. Several spans where a month or holiday was named without its year ("in
    may" is every May) or a list of them ("june and december 2023"); `every` then says what each year holds
    ("in May or June"), and `narrowed` that other dates keep it to some years ("may since 2020"). `but`: the
    periods a query left out ("beach -2019"), where the spans are all the times outside them, or those of `kept`
    outside them ("on weekends not in summer": kept, on weekends)."""

    spans: tuple[Span, ...]
    words: str
    every: str = ""
    narrowed: bool = False
    but: tuple[Period, ...] = ()
    kept: Period | None = None

    @classmethod
    def any_time_but(cls, left_out: Sequence[Period]) -> Period:
        """The times in none of `left_out`: "beach -2019" is the photos not taken in 2019, the very ones "2019"
        does not find (an undated photo is dated by its file here too). It runs from the first moment a date can
        hold to the last, so that a photo dated before EARLIEST or wrongly in the future is still not in 2019."""
        spans = _union(span for period in left_out for span in period.spans)
        edges = [_DAWN, *(moment for span in spans for moment in span), _DUSK]
        words = " ".join(f"-{period.words}" for period in left_out)
        return cls(_union(zip(edges[::2], edges[1::2])), words, but=tuple(left_out))

    @property
    def start(self) -> datetime:
        """Where the first span starts; with none, not before `end`: no dates at all."""
        return self.spans[0][0] if self.spans else EARLIEST

    @property
    def end(self) -> datetime:
        return self.spans[-1][1] if self.spans else EARLIEST

    def __and__(self, other: Period) -> Period:
        """The times in both. Each year's months or holidays stay described so while they are what is left
        ("in may, in 2021" is May 2021; "at christmas and easter, since 2020" is both since 2020), and the
        periods either left out stay known, so that they can be said ("on weekends not in summer")."""
        both = self._in_both(other)
        if not (self.but or other.but):
            return both
        kept = [one for one in (one.kept if one.but else one for one in (self, other)) if one is not None]
        return replace(both, but=self.but + other.but,
                       kept=kept[0] & kept[1] if len(kept) == 2 else next(iter(kept), None))

    def _in_both(self, other: Period) -> Period:
        spans, words = _overlap(self.spans, other.spans), f"{self.words}, {other.words}"
        if len(spans) < 2:
            return Period(spans, words)
        same = next((one for one in (self, other) if one.every and one.spans == spans), None)
        if same is not None:
            return Period(spans, words, same.every, same.narrowed)
        every = " and ".join(one.every for one in (self, other) if one.every)
        return Period(spans, words, every, narrowed=bool(every))

    def both_or_either(self, other: Period) -> Period:
        """The times in both ("2019, in july"); or, for two dates that never meet ("2018 2019",
        "2018 + 2019"), the times in either: nobody asks for what cannot be."""
        both = self & other
        if both.spans or self.but or other.but or self.every or other.every or not (self.spans and other.spans):
            return both
        return Period(_union([*self.spans, *other.spans]), f"{self.words} or {other.words}")

    @property
    def said(self) -> str:
        """The words as they read after "taken": "from last summer", "from 1990" and "taken in
        2019" are "last summer", "in 1990" and "in 2019"; a range keeps its "from" ("from march
        to july"); words typed bare read with what they lack ("in 2019", "at christmas 2020", "on
        march 3rd", "from march to july"); "-2019" is "other than 2019" ("no photos taken other
        than 2019")."""
        if self.but and self.kept is None:
            return f"other than {_listed([_bare(period.words) for period in self.but], 'or')}"
        words = _bare(self.words)
        if _LONE_FROM.match(words) or _AGO.search(words) or not (_IN_WHEN.match(words) or _HOLIDAY_FIRST.match(words)):
            return words  # "from march to july", "last summer", "in may", "since 2020", "2 days ago"
        if self.spans and all(end - start <= timedelta(days=1) for start, end in self.spans):
            return f"on {words}"  # "on 2020-03-04", "on march 3rd", "on new year's eve 2019"
        if _UNTIL_WORD.search(words) and not self.every:  # "may until 2020" is each May up to then
            return f"from {words}"
        return f"at {words}" if _HOLIDAY_FIRST.match(words) else f"in {words}"

    def describe(self) -> str:
        """"1 Jun 2026 to 31 Aug 2026"; "in May of any year", "at Christmas, any year"; kept to some years,
        those years: "in May, 2024 to 2026" ("may since 2024"), "in May, up to 2018 and 2020 to 2026" ("in may
        -2019"); "any time but 1 Jan 2019 to 31 Dec 2019" ("-2019"); where what was left out takes no year away,
        it is said: "on weekends, any year, but not in summer" ("on weekends not in summer")."""
        if self.but and self.kept is None:
            return f"any time but {_listed([period.describe() for period in self.but], 'and')}"
        if not self.spans:
            return "at no time (the dates never meet, or are yet to come)"
        if self.kept is not None and _start_years(self.spans) == _start_years(self.kept.spans):
            left_out = [period.every if period.every and not period.narrowed else period.describe()
                        for period in self.but]
            return f"{self.kept.describe()}, but not {_listed(left_out, 'or')}"
        if self.every and self.narrowed:
            if _WEEKLY_SHOWN.match(self.every) and self.end - self.start < _PART_OF_A_YEAR:
                return f"{self.every}, {_shown_span(self.start, self.end)}"  # "on weekends last summer": not "2026"
            return f"{self.every}, {_years(self.spans)}"
        if self.every:
            *_, before, last = ["", *self.every.split()]  # "in May" of any year, "on the Fourth of July", any year
            return f"{self.every}{' of any year' if last in _MONTH_NAMES and before != 'of' else ', any year'}"
        if len(self.spans) > _SPANS_LISTED:  # "in 2019 not on weekends": the days of each week left
            return f"{len(self.spans):,} stretches of days from {_shown_span(self.start, self.end)}"
        return _listed([_shown_span(*span) for span in self.spans], "and")


_WEEKLY_SHOWN = re.compile(r"on (?:week(?:end|day)s|[A-Z][a-z]+days)\b")  # as _weekly says them
_SPANS_LISTED = 8  # spans describe() lists; more are said by their number and bounds
_PART_OF_A_YEAR = timedelta(days=300)  # days of each week within this long are said by their bounds, not their years


def _bare(words: str) -> str:
    """Date words without the "taken" or "from" they began with; a range keeps its "from"."""
    words = _TAKEN.sub("", words)
    return words if _RANGE_WORD.search(words) else _LONE_FROM.sub("", words)


def _start_years(spans: tuple[Span, ...]) -> set[int]:
    return {start.year for start, _ in spans}


def _years(spans: tuple[Span, ...]) -> str:
    """The years the spans start in, a run of three or more from first to last: "2024 to 2026", "up to 2018 and
    2020 to 2026" (from EARLIEST's year, as every year's are), "2019 and 2021", "2020 and 2021"; more apart than
    _MOST_YEARS_SHOWN, from the first to the last. A winter is its December's year, as "winter 2025" names the
    one from December 2025."""
    runs: list[list[int]] = []
    for year in sorted(_start_years(spans)):
        if runs and year == runs[-1][-1] + 1:
            runs[-1].append(year)
        else:
            runs.append([year])
    shown = [[f"up to {run[-1]}"] if run[0] == EARLIEST.year else [f"{run[0]} to {run[-1]}"] if len(run) > 2
             else [str(year) for year in run] for run in runs]
    parts = [part for parts in shown for part in parts]
    if len(parts) > _MOST_YEARS_SHOWN:  # 29 February of each leap year
        first, last = runs[0][0], runs[-1][-1]
        return f"up to {last}" if first == EARLIEST.year else f"{first} to {last}"
    return _listed(parts, "and")


def _shown_span(start: datetime, end: datetime) -> str:
    """"1 Jun 2021 to 31 Aug 2021"; from EARLIEST's year (open to the past, or every year's since then) "before
    1 Jun 2014"."""
    last = end - timedelta(days=1)
    if start.year == EARLIEST.year:
        return f"before {_shown_day(end)}"
    if start.date() == last.date():
        return _shown_day(start)
    return f"{_shown_day(start)} to {_shown_day(last)}"


def _listed(parts: list[str], joint: str) -> str:
    """"May, June or July"."""
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} {joint} {parts[-1]}"


def _union(spans: Iterable[Span]) -> tuple[Span, ...]:
    """The spans sorted, those that overlap or touch made one, empty ones left out."""
    merged: list[Span] = []
    for start, end in sorted(span for span in spans if span[0] < span[1]):
        if merged and start <= merged[-1][1]:
            merged[-1] = merged[-1][0], max(end, merged[-1][1])
        else:
            merged.append((start, end))
    return tuple(merged)


def _overlap(these: tuple[Span, ...], those: tuple[Span, ...]) -> tuple[Span, ...]:
    """The times in both, each sorted and apart."""
    both: list[Span] = []
    i = j = 0
    while i < len(these) and j < len(those):
        start, end = max(these[i][0], those[j][0]), min(these[i][1], those[j][1])
        if start < end:
            both.append((start, end))
        if these[i][1] < those[j][1]:
            i += 1
        else:
            j += 1
    return tuple(both)


def _shown_day(moment: datetime) -> str:
    """'1 Jun 2021': day first, as the preview shows a photo's date."""
    return f"{moment.day} {moment:%b %Y}"


def _day(d: date) -> datetime:
    return datetime(d.year, d.month, d.day)


def _now(today: date) -> datetime:
    """Where a period up to now ends: the end of today."""
    return _day(today) + timedelta(days=1)


def _month(year: int, month: int, count: int = 1) -> Span:
    start = datetime(year, month, 1)
    index = year * 12 + month - 1 + count
    return start, datetime(index // 12, index % 12 + 1, 1)


def _months_back(today: date, count: int) -> tuple[int, int]:
    index = today.year * 12 + today.month - 1 - count
    return index // 12, index % 12 + 1


def _days(first: date, last: date | None = None) -> Span:
    return _day(first), _day(last or first) + timedelta(days=1)


def _day_of(year: int, month: int, day: int) -> Span:
    """That day of the year; none in a year without it (29 February)."""
    try:
        return _days(date(year, month, day))
    except ValueError:
        return datetime(year, month + 1, 1), datetime(year, month + 1, 1)  # where it would have ended


def _count(word: str) -> int:
    return int(word) if word.isdigit() else _NUMBERS[word]


def _year(year: int, last: int | None = None) -> Span:
    return datetime(year, 1, 1), datetime((last or year) + 1, 1, 1)


def _season(year: int, name: str) -> Span:
    return _month(year, SEASONS[_FOREIGN_SEASONS.get(name, name)], 3)


_HOLIDAYS: dict[str, Callable[[int], Span]] = {
    "christmas": lambda year: _days(date(year, 12, 24), date(year, 12, 26)),
    "christmas eve": lambda year: _days(date(year, 12, 24)),
    "christmas day": lambda year: _days(date(year, 12, 25)),
    "new years eve": lambda year: (datetime(year, 12, 31), datetime(year + 1, 1, 1, 6)),
    "new years day": lambda year: _days(date(year, 1, 1)),
    "new year": lambda year: (datetime(year, 12, 31, 12), datetime(year + 1, 1, 2)),  # the eve's year, as "nye 2019"
    "halloween": lambda year: _days(date(year, 10, 31)),
    "valentines day": lambda year: _days(date(year, 2, 14)),
    "easter": lambda year: _days(_easter(year) - timedelta(days=2), _easter(year) + timedelta(days=1)),
    "easter sunday": lambda year: _days(_easter(year)),
    "thanksgiving": lambda year: _days(_thanksgiving(year), _thanksgiving(year) + timedelta(days=3)),
    "fourth of july": lambda year: _days(date(year, 7, 4)),
    "boxing day": lambda year: _days(date(year, 12, 26)),
    "st patricks day": lambda year: _days(date(year, 3, 17)),
    "holy week": lambda year: _days(_easter(year) - timedelta(days=7), _easter(year)),  # Palm Sunday to Easter Sunday
}
_HOLIDAY_NAMES = {"xmas": "christmas", "xmas eve": "christmas eve", "xmas day": "christmas day", "nye": "new years eve",
                  "new year eve": "new years eve", "new year day": "new years day", "new years": "new year",
                  "valentines": "valentines day", "valentine day": "valentines day", "4th of july": "fourth of july",
                  "july 4th": "fourth of july",
                  "july fourth": "fourth of july", "saint patricks day": "st patricks day",
                  "st patrick day": "st patricks day", "saint patrick day": "st patricks day"}
_HOLIDAYS_SHOWN = {"christmas": ("at", "Christmas"), "christmas eve": ("on", "Christmas Eve"),
                   "christmas day": ("on", "Christmas Day"), "new years eve": ("on", "New Year's Eve"),
                   "new years day": ("on", "New Year's Day"), "new year": ("at", "New Year"),
                   "halloween": ("on", "Halloween"),
                   "valentines day": ("on", "Valentine's Day"), "easter": ("at", "Easter"),
                   "easter sunday": ("on", "Easter Sunday"),
                   "thanksgiving": ("at", "Thanksgiving"), "fourth of july": ("on", "the Fourth of July"),
                   "boxing day": ("on", "Boxing Day"), "st patricks day": ("on", "St Patrick's Day"),
                   "holy week": ("in", "Holy Week")}
_FOREIGN_HOLIDAYS = {  # German, French, Spanish, Italian, Portuguese, Dutch: read only with a year after them
    **dict.fromkeys(("weihnachten", "noël", "navidad", "navidades", "natale", "natal", "kerstmis", "kerst"),
                    "christmas"),
    **dict.fromkeys(("heiligabend", "veille de noël", "veille de noel", "nochebuena", "vigilia di natale",
                     "véspera de natal", "vespera de natal", "kerstavond"), "christmas eve"),
    **dict.fromkeys(("silvester", "saint-sylvestre", "nochevieja", "oudejaarsavond", "oudjaar"), "new years eve"),
    **dict.fromkeys(("neujahr", "nieuwjaarsdag"), "new years day"),
    **dict.fromkeys(("ostern", "pâques", "paques", "pascua", "pasqua", "páscoa", "pascoa", "pasen"), "easter"),
    **dict.fromkeys(("ostersonntag", "paaszondag"), "easter sunday"),
    **dict.fromkeys(("semana santa", "settimana santa"), "holy week"),
}


def _holiday_key(name: str) -> str:
    """A holiday as _HOLIDAYS names it: "christmas" for "xmas", "new years eve" for "new year's eve"."""
    words = " ".join(name.replace("'", "").replace("\u2019", "").replace(".", "").split()).removeprefix("the ")
    return _HOLIDAY_NAMES.get(words) or _FOREIGN_HOLIDAYS.get(words, words)


def _holiday(year: int, name: str) -> Span:
    return _HOLIDAYS[_holiday_key(name)](year)


def _easter(year: int) -> date:
    """Easter Sunday in the Gregorian calendar (the anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (b - (b + 8) // 25 + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    weekday = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * weekday) // 451
    month, day = divmod(h + weekday - 7 * m + 114, 31)
    return date(year, month, day + 1)


def _thanksgiving(year: int) -> date:
    """The fourth Thursday of November (the US holiday)."""
    first = date(year, 11, 1)
    return first + timedelta(days=(3 - first.weekday()) % 7 + 21)


def _latest(yearly: Callable[[int], Span], by: datetime, finished: bool = False) -> Span:
    """The latest one that began before `by` or, finished, that ended by it: "last summer" and "last december"
    have ended (in December, last december is a year ago, as last winter is), "this winter" has begun. A year
    without one (29 February) has none."""
    return next(span for span in map(yearly, range(by.year, by.year - 9, -1))
                if span[0] < span[1] and (span[1] <= by if finished else span[0] < by))


def _earliest(yearly: Callable[[int], Span], by: datetime) -> Span:
    """The earliest one that ends at `by` or later."""
    return next(span for span in map(yearly, range(by.year - 1, by.year + 2)) if span[1] >= by)


def _day_first() -> bool:
    """Whether the user's locale writes the day before the month ("%d/%m/%Y"); month first, as the C
    locale and the US do, where it cannot say. The GUI has the user's locale (Qt sets it); a program
    that never calls setlocale has C's."""
    try:
        written = locale.nl_langinfo(locale.D_FMT)
    except AttributeError:  # Windows
        return False
    day = min((written.find(field) for field in ("%d", "%e") if field in written), default=-1)
    return 0 <= day < written.find("%m")


def _numeric_day(first: int, second: int, year: int) -> date:
    """25/12/2022 and 12/25/2022 can be read one way only; 3/5/2022 is read as the locale writes days."""
    if first > 12 or (second <= 12 and _day_first()):
        return date(year, second, first)
    return date(year, first, second)


_YEAR = r"(19\d\d|20\d\d|(?<![\w'\u2018\u2019])['\u2018\u2019]\d\d)"  # '19, ’19: the 2019 of "summer '19"
_MONTH = r"(" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")"
_ANY_MONTH = r"(" + "|".join(sorted(_ANY_MONTHS, key=len, reverse=True)) + r")"
_SEASON = r"(spring|summer|autumn|fall|winter)"
_ANY_SEASON = r"(" + "|".join(sorted([*SEASONS, *_FOREIGN_SEASONS], key=len, reverse=True)) + r")"
_FOREIGN_MONTH = r"(" + "|".join(sorted(_ANY_MONTHS.keys() - MONTHS.keys(), key=len, reverse=True)) + r")"
_FOREIGN_SEASON = r"(" + "|".join(sorted(_FOREIGN_SEASONS, key=len, reverse=True)) + r")"
_WEEKDAY = r"(monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
_NOT_OURS = r"(?<!chinese\s)(?<!lunar\s)(?<!jewish\s)(?<!persian\s)(?<!islamic\s)(?<!hijri\s)(?<!tet\s)(?<!happy\s)"
"""Before "new year": another calendar's, or a greeting ("happy new year 2027" on a card)."""
_HOLIDAY_WORDS = (r"(?:christmas|xmas)(?:\s+(?:eve|day))?|" + _NOT_OURS
                  + r"new\s+year(?:['\u2019]?s)?(?:\s+(?:eve|day))?|nye|halloween"
                  r"|valentine(?:['\u2019]?s)?(?:\s+day)?|easter(?:\s+sunday)?|thanksgiving"
                  r"|(?:the\s+)?(?:4th|fourth)\s+of\s+july"
                  r"|july\s+(?:4th|fourth)|boxing\s+day|(?:st\.?|saint)\s+patrick(?:['\u2019]?s)?\s+day")
_HOLIDAY = rf"({_HOLIDAY_WORDS})"
_NOT_A_PLACE = (r"(?<![\w-])(?<!isla\sde\s)(?<!ilha\sde\s)(?<!île\sde\s)(?<!ile\sde\s)(?<!isola\sdi\s)"
                r"(?<!island\s)(?<!nui\s)")
"""Before a holiday of another language: no part of a place's name ("KwaZulu-Natal", "isla de pascua", "easter
island pascua", "rapa nui pascua")."""
_FOREIGN_HOLIDAY_WORDS = _NOT_A_PLACE + "(?:" + "|".join(
    [re.escape(name).replace(r"\ ", r"\s+") for name in sorted(_FOREIGN_HOLIDAYS, key=len, reverse=True)
     if name != "natal"] + [r"natal(?=\s+de\s)"]) + ")"  # "natal de 2022"; "natal 2022" may be the city in Brazil
_FOREIGN_HOLIDAY = rf"({_FOREIGN_HOLIDAY_WORDS})"
_ANY_HOLIDAY = rf"({_HOLIDAY_WORDS}|{_FOREIGN_HOLIDAY_WORDS})"
_LEAD = r"(?:(?:in|from|during|of|on|at|taken)\s+)?(?:the\s+)?"
_COUNT = r"(\d{1,2}|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
_UNIT = r"(day|week|month|year)"
_NTH = r"(\d{1,2})(?:st|nd|rd|th)?"
_COUNTED = (r"(?:m|km|mm|cm|ft|feet|foot|metres?|meters?|mi|miles?|yards?|pieces?|pcs?|cc|mph|kph|kmh|kg|lbs?"
            r"|hp|kw|watts?|mah|kcal|calories|points|dollars|euros|pounds|yen)")  # "2000 piece puzzle"
_LATEST = r"(this\s+past|this|last)"  # "this past summer" is last summer
_THIS_OR_LAST = r"(?:(?:this|last)\s+)?"  # "last summer 2023": the year said wins, "last" goes with it
_NO_NOUN_AFTER = (r"(?!\s+(?!(?:and|or|to|till|until|since|before|after|from|in|at|on|with|by|of|this|last|for"
                  r"|near|around|during|when|while|without|not|except|excluding|but)\b)[^\W\d_])")
"""After a month or season: a noun after it makes it a kind of thing ("summer dress", "winter coat", "march
madness"), where a word such as "with" goes on to say more of the photo ("in may with mum")."""
_ATOMS = {  # the dates a range, "or" and since/before join; where two fit, the first is how words are read
    "iso_day": rf"{_YEAR}[-/.](\d{{1,2}})[-/.](\d{{1,2}})\b",  # 2023-05-14, 2023/05/14, 2023.05.14
    "numeric_day": rf"(\d{{1,2}})[-/.](\d{{1,2}})[-/.]{_YEAR}\b",
    "iso_month": rf"{_YEAR}[-/.](0[1-9]|1[0-2])\b(?![-/.]\d)",  # 2019-07, as albums are named: "2019-07 Portugal"
    "numeric_month": rf"(?<![\d/.-])(0?[1-9]|1[0-2])/{_YEAR}\b(?![-/.]\d)",  # 07/2019, as forms write it
    "month_day_year": rf"{_MONTH}\.?\s+{_NTH},?\s+{_YEAR}\b",
    "day_month_year": rf"{_NTH}\.?\s+(?:of\s+|de\s+)?{_ANY_MONTH}\.?,?\s+(?:de\s+)?{_YEAR}\b",  # 14. juli 2023
    "winter_years": rf"winter\s+(?:of\s+)?{_YEAR}\s*[-/\u2013]\s*((?:19|20)?\d\d)\b",  # winter 2025-2026, 2025/26
    "new_year_years": (_NOT_OURS + r"(new\s+year(?:['\u2019]?s)?(?:\s+(?:eve|day))?|nye|silvester)\s+(?:of\s+)?"
                       rf"{_YEAR}\s*[-/\u2013]\s*(\d\d)\b(?![-/.]\d)"),  # new year 2021-22: the one between
    "holiday_year": (rf"{_THIS_OR_LAST}(?:{_HOLIDAY}(?:-|\s+(?:of\s+)?)|{_FOREIGN_HOLIDAY}(?:-|\s+(?:of\s+|de\s+)?))"
                     rf"{_YEAR}\b"),  # christmas 2020, weihnachten 2022, navidad de 2022; no "halloween de 2019"
    "year_holiday": rf"{_YEAR}\s+{_HOLIDAY}\b",
    "holiday_rel": rf"{_LATEST}\s+{_HOLIDAY}\b",
    "season_year": rf"{_THIS_OR_LAST}{_ANY_SEASON}(?:-|\s+(?:of\s+|de\s+)?){_YEAR}\b",  # sommer 2023
    "year_season": rf"{_YEAR}\s+{_SEASON}\b",  # as folders are named: "2023 Summer Lake"
    "season_rel": rf"{_LATEST}\s+{_SEASON}\b",
    "month_year": rf"{_THIS_OR_LAST}{_ANY_MONTH}\.?(?:-|\s+(?:of\s+|de\s+)?){_YEAR}\b",  # julio de 2023
    "day_rel": rf"(this|last)\s+{_MONTH}\.?\s+(\d{{1,2}})(?:st|nd|rd|th)\b(?![.,:]?\d|\s*[-/\u2013]\s*\d)",
    "month_rel": rf"(this\s+past|last|this(?!\s+may\b))\s+{_MONTH}\b",  # "this may be" is no date
    "month_day": rf"{_MONTH}\.?\s+{_NTH}\b(?![.,:]?\d|\s*[-/\u2013]\s*\d)",  # july 4th, march 3: each year's
    "day_month": rf"(?<![-+$€£¥#./,:]){_NTH}\s+(?:of\s+)?{_MONTH}\b\.?",  # 3 march, 3rd of march; no "covid-19 may"
    "weekend": rf"{_LATEST}\s+weekend\b",
    "weekday_rel": rf"{_LATEST}\s+{_WEEKDAY}\b",  # last sunday, this sunday
    "relative": r"(this|last)\s+(week|month|year)\b",
    "day": (r"(today|tonight|this\s+(?:morning|afternoon|evening)|(?:(?:the\s+)?day\s+before\s+)?yesterday"
            r"|last\s+night)\b(?!\s+(?:show|of)\b)"),
    "year": rf"(?<![$€£¥#])(?<!\byear\s)(?<!\bclass\sof\s){_YEAR}\b(?!\s+{_COUNTED}\b)",  # not "year 2000"
    "month": rf"{_MONTH}\b\.?",
    "season": rf"{_SEASON}\b",
    "holiday": rf"{_HOLIDAY}\b",
    "now": r"(now|the\s+present)\b",  # only where a range ends ("from 2019 until now"): "dogs now" is no date
}
_FOREIGN_ATOMS = {
    "foreign_day": rf"{_NTH}\.?\s+(?:de\s+)?{_FOREIGN_MONTH}\b\.?",  # "10. juli" of "10. juli bis 20. juli 2023"
    "foreign_month": rf"{_FOREIGN_MONTH}\b\.?",
    "foreign_season": rf"{_FOREIGN_SEASON}\b",
    "foreign_holiday": rf"{_FOREIGN_HOLIDAY}\b",
}
"""A month, season or holiday of another language without its year ("juli" of "juli bis august 2023"): joined to
a date with its year only (_foreign_unread), never alone ("juli", "ostern" and "mars" are words)."""
_ATOM_PATTERNS = {kind: re.compile(pattern, re.IGNORECASE) for kind, pattern in (_ATOMS | _FOREIGN_ATOMS).items()}
_NAMED_DAYS = {(MONTHS[found[1]], int(found[2])): holiday for name, holiday in _HOLIDAY_NAMES.items()
               if (found := _ATOM_PATTERNS["month_day"].fullmatch(name))}
"""Days a holiday is named by ("july 4th"): read as the holiday, whichever way they are written ("4 july")."""
_ORDINAL = r"(\d{1,2})(?:st|nd|rd|th)"
_NOUN_AFTER = re.compile(_NO_NOUN_AFTER, re.IGNORECASE)  # matches (empty) where no noun follows
_PLAIN_DAY = r"([1-9]|[12]\d|3[01])"  # no "08": "june 08" is as likely 2008
_ALONE_DAY = (r"(?!\s*(?:[-\u2013/,&]|\b(?:to|until|till|through|thru|and|or)\b)\s*\d)"  # not "march 3rd to 10th"
              + _NO_NOUN_AFTER)
"""After a day read alone: no second day of a range or list written short, and no noun ("july 4th parade")."""
_NOT_OPENED = "".join(rf"(?<!{word}\s)(?<!{word}\sthe\s)" for word in ("since", "after", "before", "until", "till",
                                                                     "through"))
"""Before a day read alone: not a word that would open a period from a day of no year ("since march 3rd")."""
_NOT_COUNTED = (
    "".join(rf"(?<!\d\w\w{joint})" for joint in (r"\sto\s", r"\sand\s", r"\sor\s", r"\s&\s", r",\s", ",", "-"))
    + "".join(rf"(?<!\b{word}\s)" for word in ("my", "your", "his", "her", "its", "our", "their", "a", "an"))
)
"""Before a day written day first: not the second day of a range or list written short ("3rd to 5th may"),
nor a count ("my 3rd march", the third march I walked)."""
_DAY_NAME = r"(?:week(?:end|day)|(?:mon|tues|wednes|thurs|fri|satur|sun)day)"
_DAY_JOINT = r"(?:\s*,\s*|\s+(?:and|or|&)\s+)"
_WEEKLY_WORDS = (rf"(?:\b(?:on|at|during|over)\s+(?:the\s+)?{_DAY_NAME}s(?:{_DAY_JOINT}{_DAY_NAME}s)*"
                 rf"|\bevery\s+{_DAY_NAME}(?:{_DAY_JOINT}{_DAY_NAME})*|\bweek(?:end|day)s"
                 rf"|^{_DAY_NAME}s(?:{_DAY_JOINT}{_DAY_NAME}s)*)\b{_NO_NOUN_AFTER}")
"""Days of every week: "on weekends" ("at weekends"), "weekends", "on weekdays", "on sundays", "every saturday and
sunday", "sundays" opening the query; elsewhere or before a noun, a day's name is left to search for ("sunday roast",
"ice cream sundays")."""
_ANY = "(?:" + "|".join(pattern for kind, pattern in _ATOMS.items() if kind != "now") + ")"
_FOREIGN_ANY = "(?:" + "|".join(_FOREIGN_ATOMS.values()) + ")"
_JOINABLE = rf"(?:{_ANY}|{_FOREIGN_ANY})"  # a date a range or a list with "and" or "or" joins


def _led(*kinds: str) -> list[tuple[str, str]]:
    """The patterns of these dates standing alone, with the words that may come before them ("in", "from the")."""
    return [(rf"(?<!\w){_LEAD}{_ATOMS[kind]}", kind) for kind in kinds]


_LEADS = r"from|between|since|in|during|of|on|at|over|taken"
_FOREIGN_FROM = r"von|zwischen|de|du|desde|entre|da|dal|tra|fra|van|tussen"  # "de juillet à août 2023"
_FOREIGN_TO = r"bis|tot\s+en\s+met|t/m|tot|hasta|até|ate|à|al|au|a|ad"  # "juli bis august 2023", "de 2019 al 2021"
_FOREIGN_AND_OR = r"und|oder|et|ou|y|e|ed|o|en"  # "juli und august 2023", "julio y agosto de 2023"
_FOREIGN_WORD = re.compile(rf"\b(?:{_FOREIGN_TO}|{_FOREIGN_AND_OR})(?!\w)", re.IGNORECASE)
_DASHED = re.compile(r"[-/\u2013]")
_ONLY_FOREIGN = {"von", "zwischen", "desde", "entre", "tussen", "bis", "tot", "tot en met", "t/m", "hasta", "até",
                 "à", "und", "oder", "et", "ou"}
"""Words joining dates that are no English word or name: they join dates of numbers too ("2019 bis 2021", "von 2019
bis 2021"), where "a", "e", "o", "y", "en", "ad", "ed", "ate", "de", "da" or "van" join only dates named in their
languages ("de julio a agosto de 2023"; "2019 a 2020" and "camper van 2019 a 2020" are words and years)."""
_FROM_ABROAD, _TO_ABROAD = {"de", "da", "dal", "du"}, {"a", "al", "au", "à", "ad", "até", "ate", "hasta"}
"""Another language's "from" and "to" that are English words or names alone but no English together: they join
dates of numbers as _ONLY_FOREIGN do ("de 2019 a 2021", "da 2019 a 2021", "de 2019 al 2021": 2019 to 2021)."""
_SPELLED_ALIKE = {"april", "august", "september", "november", "december", "winter"}
"""Months and seasons named alike in English and German or Dutch: joined by words of _ONLY_FOREIGN, they are theirs
("september bis november 2023")."""
_LETTERS = re.compile(r"[^\W\d_]+")
_FOREIGN_NAME = re.compile(rf"(?<!\w)(?:{_FOREIGN_MONTH}|{_FOREIGN_SEASON}|{_FOREIGN_HOLIDAY})(?!\w)", re.IGNORECASE)
_NAME_HOLIDAY = re.compile(r"(?<!\w)silvester\b", re.IGNORECASE)
"""A holiday of another language that is also a first name: the holiday only where said so ("an silvester 2022",
"silvester 2022/23") or joined to dates by that language's words ("weihnachten und silvester 2022")."""
_HOLIDAY_SAID = re.compile(r"\b(?:an|zu|über|ueber)\s+$", re.IGNORECASE)  # "an silvester 2022": on New Year's Eve
_BETWEEN = {"between", "zwischen", "entre", "tra", "fra", "tussen"}
_FROM = rf"(?<!\w)(?:(?P<lead>{_LEADS})\s+)?(?:the\s+)?"
_FIRST = rf"(?P<first>(?>{_ANY}))"  # atomic: "march-2023" is one date, not a range from march
_JOINED = rf"{_FROM}(?<!winter\s)(?<!winter\sof\s){_FIRST}"  # "winter 2025-2026" is no range from 2025
_JOINS = (rf"(?<!\w)(?:(?P<lead>{_LEADS})\s+|(?P<abroad>(?:{_FOREIGN_FROM})\s+|d['\u2019]))?(?:the\s+)?"
          rf"(?<!winter\s)(?<!winter\sof\s)(?P<first>(?>(?>{_ANY})"
          rf"|{_FOREIGN_ANY}(?=\s*[-/\u2013,]|\s+(?:{_FOREIGN_TO}|{_FOREIGN_AND_OR})\s)))")
"""_JOINED for a range or a list with "and" or "or", which may open with another language's "from" or "between",
where the words joining its dates are of that language too ("van juni tot juli 2023"; "camper van july to august
2023" is no Dutch), or with a month, season or holiday of it without its year; atomic, as _FIRST: "juli-2023" is
one date, no range from juli."""
_TO = (rf"(?(abroad)\s+(?:{_FOREIGN_TO})\s+|(?:\s*[-/\u2013]\s*|\s+(?:to|until|till|through|thru"
       rf"|up\s+(?:to|until|till)|{_FOREIGN_TO})\s+|(?<=\d)\s+and\s+(?=(?:now|the\s+present)\b)))")  # 2019 and now
_AND_OR = rf"(?:\s*,\s*|\s+)(?:and|or|&|{_FOREIGN_AND_OR})\s+(?:(?:in|during|at|on)\s+)?"  # ", and in ", " or at "
_NEXT = rf"(?:{_AND_OR}|\s*,\s*)"  # before each date of a list after the first: "2022, 2023 or 2024"
_LAST_AND_OR = rf"(?(abroad)(?:\s*,\s*|\s+)(?:{_FOREIGN_AND_OR})\s+|{_AND_OR})"
_LISTED = re.compile(rf"{_NEXT}(?P<date>(?>{_JOINABLE}))", re.IGNORECASE)
_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(pattern, re.IGNORECASE), kind) for pattern, kind in [
        # "the last march of the band", "the last week of july": the final one, not the latest
        (rf"\bthe\s+last\s+(?:{_MONTH}|{_SEASON}|weekend|night|{_UNIT}\s+of)\b", "final"),
        (rf"\b(?:the\s+)?last\s+{_WEEKDAY}\s+of\b", "final"),  # "last sunday of july": not last Sunday
        (rf"{_JOINS}(?P<more>(?:{_NEXT}(?>{_JOINABLE}))*{_LAST_AND_OR}(?>{_JOINABLE}))", "list"),
        (rf"{_JOINED}(?P<more>(?:\s*,\s*(?>{_ANY}))+)", "commas"),  # "2019, 2021", "christmas 2020, 2021"
        (rf"{_JOINS}{_TO}(?P<second>{_JOINABLE}|{_ATOMS['now']})", "range"),
        (rf"\b(?:(?:(?:in|during|at|on)\s+)?(?:the\s+)?(?P<every>{_ATOMS['month']}|{_ATOMS['season']}|{_ATOMS['holiday']})"
         rf"\s+)?(?<!\bday\s)(?P<word>since|after|before|until|till)\s+(?P<first>{_ANY})",  # "may since 2024": each May
         "open"),  # not "the day before yesterday"
        (rf"{_JOINED}\s+(?P<word>onwards?|and\s+(?:later|after)|or\s+later)\b", "open"),
        *_led("iso_day", "numeric_day", "month_day_year", "day_month_year", "iso_month", "numeric_month"),
        (rf"\b{_LEAD}((?:19|20)\d)0['\u2019]?s\b", "decade"),
        (r"\b(?:(?:in|from|during)\s+)?the\s+['\u2019]?(\d)0['\u2019]?s\b", "decade"),
        (rf"\b(?:(?:in|over|during)\s+)?(?:the\s+)?(?:past|last)\s+{_COUNT}\s+{_UNIT}s\b", "rolling"),
        (rf"\b(?:(?:in|over|during)\s+)?the\s+(?:past|last)\s+{_UNIT}\b", "rolling"),  # "in the last year"
        *_led("new_year_years", "holiday_year", "year_holiday", "holiday_rel"),
        *_led("winter_years", "season_year", "year_season", "season_rel", "month_year", "day_rel", "month_rel"),
        # a day: after "on", or written with its ordinal ("fireworks july 4th"; "iphone 12 march" is no date)
        (rf"\bon\s+(?:the\s+)?{_ATOMS['month_day']}{_ALONE_DAY}", "month_day"),
        (rf"\bon\s+(?:the\s+)?{_ATOMS['day_month']}{_ALONE_DAY}", "day_month"),
        (rf"\b{_NOT_OPENED}{_LEAD}{_MONTH}\.?\s+{_ORDINAL}\b{_ALONE_DAY}", "month_day"),
        (rf"\b{_NOT_OPENED}{_LEAD}(?<![-+$€£¥#./,:]){_NOT_COUNTED}{_ORDINAL}\s+(?:of\s+)?{_MONTH}\b\.?{_ALONE_DAY}",
         "day_month"),
        # or without it: month first ("dog july 14"; "we may 2" is a verb, "june 08" a year), or day first where the
        # query opens with it ("14 july with mum"; "dog 3 march" may count marches, "iphone 12 march" is a phone)
        (rf"\b{_NOT_OPENED}{_LEAD}(?!may\b){_MONTH}\.?\s+{_PLAIN_DAY}\b(?![.,:]?\d){_ALONE_DAY}", "month_day"),
        (rf"^\s*(?:the\s+)?{_PLAIN_DAY}\s+(?:of\s+)?{_MONTH}\b\.?{_ALONE_DAY}", "day_month"),
        # every year's: "dog in may", "in may with mum"; "may flowers" and "in march madness" are no dates
        (rf"\b(?:in|during|from)\s+{_ATOMS['month']}{_NO_NOUN_AFTER}", "month"),  # "photos from august" too
        (rf"\b(?:in|during|from)\s+(?:the\s+)?{_ATOMS['season']}{_NO_NOUN_AFTER}", "season"),  # not "in summer dress"
        (rf"\b(?:at|on|during|over)\s+{_ATOMS['holiday']}", "holiday"),  # not "at the christmas market"
        *_led("weekend", "weekday_rel", "relative"),
        (_WEEKLY_WORDS, "weekly"),
        (rf"\b{_COUNT}\s+{_UNIT}s?\s+ago\b", "ago"),
        (rf"\b{_ATOMS['day']}", "day"),
        (rf"(?<!\w){_LEAD}{_ATOMS['year']}", "lone_year"),
        # last, as they are read by the dates before them: "on sunday in 2019" is each Sunday of 2019
        (rf"\bon\s+{_WEEKDAY}(?:{_DAY_JOINT}{_WEEKDAY})*\b", "weekday"),  # "on sunday", "on saturday and sunday"
    ]
]
_NO_DATE_AT_ALL = {"final", "list", "iso_day", "numeric_day", "month_day_year", "day_month_year"}
"""Kinds whose words, when they are no date, hold none either: they are left to search for and hidden from the
patterns after, so that "2023-02-30 or 2024" is not read as 2024, nor "2023-02-30" as 2023, nor "the last march" as
March."""
_POSSESSIVE = re.compile(r"['\u2019]s\b")  # "yesterday's party"
_TAKEN = re.compile(r"^taken\s+", re.IGNORECASE)
_LONE_FROM = re.compile(r"^from\s+", re.IGNORECASE)
_AGO = re.compile(r"\bago$", re.IGNORECASE)
_IN_WHEN = re.compile(rf"(?:['\u2018\u2019]?\d|{_MONTH}\b|{_SEASON}\b|{_WEEKDAY}\b)", re.IGNORECASE)  # "in '19"
_HOLIDAY_FIRST = re.compile(_HOLIDAY, re.IGNORECASE)  # "at christmas 2020"
_YEARLY_OF = {"holiday_year": ("holiday", 0), "year_holiday": ("holiday", 1), "season_year": ("season", 0),
              "year_season": ("season", 1), "month_year": ("month", 0)}
"""Dates that name a month, season or holiday with its year: which, and where its name is in their words."""
_DASH = re.compile(r"\s*[-\u2013]\s*")
_UNTIL = re.compile(r"\s+(?:until|till|through|thru|up\s+(?:to|until|till))\s+", re.IGNORECASE)
_UNTIL_WORD = re.compile(r"\b(?:to|until|till|through|thru)\b", re.IGNORECASE)  # a range typed without "from"
_RANGE_WORD = re.compile(r"\b(?:to|until|till|through|thru|and|or|onwards?|later)\b|[-/\u2013]\s*(?:19|20)?\d",
                         re.IGNORECASE)


def _groups(match: re.Match[str], today: date) -> tuple[str, ...]:
    return tuple(_full_year(g.lower(), today) for g in match.groups() if g is not None)


_SHORT_YEAR = re.compile(r"['\u2018\u2019](\d\d)")


def _full_year(word: str, today: date) -> str:
    """A year written short with its apostrophe ("summer '19", "jul ’19") as four digits: the latest such
    year that has begun ('19 is 2019, '69 is 1969), as nobody searches for photos yet to be taken. Other words
    as they are."""
    short = _SHORT_YEAR.fullmatch(word)
    if short is None:
        return word
    year = 2000 + int(short[1])
    return str(year if year <= today.year else year - 100)


def _resolve(kind: str, match: re.Match[str], today: date) -> Period | None:
    """The period of one match, or None when its numbers are no date (2022-13-45) or its words no period."""
    if kind == "final":
        return None
    words = " ".join(match.group().split())
    if kind == "weekly":
        return _weekly(words, today)
    if kind == "weekday" and len(days := _DAY_WORD.findall(words)) > 1:  # "on saturday and sunday": each latest
        return Period(_union(_latest_day(day.lower(), today) for day in days), words)
    if kind not in ("range", "list", "commas", "new_year_years") and _name_unread(match):
        return None  # "Silvester 2022": a name and a year
    try:
        if kind in ("range", "list", "commas", "open"):
            return _joined(kind, match, today, words)
        found = _period(kind, _groups(match, today), today)
    except (ValueError, OverflowError):
        return None
    return Period(_union([found]), words) if isinstance(found, tuple) else _every_year([found], "list", today, words)


_WEEK_DAYS = {"monday": (0,), "tuesday": (1,), "wednesday": (2,), "thursday": (3,), "friday": (4,), "saturday": (5,),
              "sunday": (6,), "weekday": (0, 1, 2, 3, 4), "weekend": (5, 6)}
_DAY_WORD = re.compile(_DAY_NAME, re.IGNORECASE)


def _latest_day(name: str, today: date, before: bool = False) -> Span:
    """The latest day of that name up to today (`before`: before today)."""
    return _days(today - timedelta(days=(today.weekday() - _WEEK_DAYS[name][0]) % 7 or 7 * before))


def _weekly(words: str, today: date) -> Period:
    """Those days of every week ("on weekends": each Saturday and Sunday), up to today, as "in may" is each May:
    spans the period and the catalog already filter by."""
    names = list(dict.fromkeys(name.lower() for name in _DAY_WORD.findall(words)))
    days = frozenset(day for name in names for day in _WEEK_DAYS[name])
    shown = [f"{name}s" if name.startswith("week") else f"{name.title()}s" for name in names]
    return Period(_weekly_spans(days, today), words, f"on {_listed(shown, 'or')}")


@lru_cache(maxsize=8)
def _weekly_spans(days: frozenset[int], today: date) -> tuple[Span, ...]:
    """The spans of these days (Monday is 0) in every week from EARLIEST to today, one a run of days: some 12,000,
    which take tens of milliseconds to make, so a query typed on is not made to wait for them again."""
    runs = [(timedelta(days=first), timedelta(days=next(last for last in range(first, 7) if last + 1 not in days) + 1))
            for first in sorted(days) if first - 1 not in days]  # from the first day of each run to the day after it
    monday, now = _day(EARLIEST) - timedelta(days=EARLIEST.weekday()), _now(today)
    weeks = [monday + timedelta(weeks=week) for week in range((now - monday).days // 7 + 1)]
    return _union((max(EARLIEST, week + first), week + after)
                  for week in weeks for first, after in runs if week + first < now)


def _atom(words: str, today: date) -> Span | Yearly:
    kind, match = _atom_match(words)
    return _period(kind, _groups(match, today), today)


def _atom_match(words: str) -> tuple[str, re.Match[str]]:
    """The kind of date these words are, the first of _ATOM_PATTERNS to fit, and how they fit it."""
    return next((kind, m) for kind, pattern in _ATOM_PATTERNS.items() if (m := pattern.fullmatch(words)))


def _joined(kind: str, match: re.Match[str], today: date, words: str) -> Period | None:
    """Dates joined by words. A range is from the start of the first to the end of the second, as is "between
    one and another"; a range written the wrong way round ("from july 2023 to march 2022") is read the right way
    round, as "2020-2019" always was: the user means the photos between the two dates. A list joined by "and" or
    "or" is each of its dates ("christmas 2020 and christmas 2021" leaves out the year between; "2019 or 2022" is
    either year), those that touch one span ("2022, 2023 and 2024"); so is one of dates with their years joined
    by commas only ("2019, 2021"). A year alone after a month, season or holiday with its year is that one's
    ("christmas 2020 or 2021"), and one without its year before one with it is in that year ("christmas or
    easter 2023"). Since/after/before/until a date, or one onwards, and a month, season or holiday just before
    ("may since 2024": each May since then). Months and seasons without a year join only after a word such as
    "from" ("leaves fall and winter comes" holds no date) and never open a period; with no year at all they are
    those of every year ("from march to july", "in june and december"); days of a month join without
    ("dec 24th to dec 26th"). One of another language without its year joins as _foreign_unread says."""
    first = _atom(match["first"], today)
    if kind == "open":
        word, every = match["word"].lower(), match.groupdict().get("every")
        since = first if isinstance(first, tuple) else _since_the_last(match, first, today)
        return None if since is None else _opened(word, since, every, today, words)
    if _abroad_unread(kind, match, today):
        return None
    dates, _ = _dates_joined(kind, match)
    others = dates[1:]
    if kind == "range" and (until := _yearly_until_years(match, today, words)) is not None:
        return until
    if kind == "range" and (each := _yearly_through_years(match, today, words)) is not None:
        return each
    if kind == "list" and (match["lead"] or match.groupdict().get("abroad") or "").strip().lower() in _BETWEEN:
        kind = "range"
    yearly = _yearly_of(match["first"], today) if kind != "range" else None
    found = [first, *(yearly(int(_full_year(other, today)))
                      if yearly is not None and _ATOM_PATTERNS["year"].fullmatch(other)
                      else _atom(other, today) for other in others)]
    yearless = [one for one in found if isinstance(one, Yearly)]
    if kind == "commas" and yearless:
        return None  # "in may, 2020" is May 2020: the dates hold together
    if len(yearless) == len(found):
        joins = match["lead"] or _all_days([match["first"], *others])
        return _every_year(yearless, kind, today, words) if joins else None
    if kind == "range":
        return Period((_from_to(_dated(found)),), words)
    spans = _dated_list(found)
    if yearly is not None and all(_ATOM_PATTERNS["year"].fullmatch(other) for other in others):
        return Period(_union(spans), words, _either([yearly]), narrowed=True)  # "at Christmas, 2020 and 2021"
    return Period(_union(spans), words)


def _dates_joined(kind: str, match: re.Match[str]) -> tuple[list[str], str]:
    """The words of each date a range or list joins, and the words joining them."""
    if kind == "range":
        return [match["first"], match["second"]], match.string[match.end("first"):match.start("second")]
    listed = list(_LISTED.finditer(match["more"]))
    return ([match["first"], *(one["date"] for one in listed)],
            " ".join(one.string[one.start():one.start("date")] for one in listed))


def _from_to(spans: list[Span]) -> Span:
    """A range from the start of its first date to the end of its last, which ends within the first where it is a
    part of it ("juli bis 20. juli 2023", "july to 20 july 2023": 1 to 20 July); else from the earliest start to the
    latest end, so that one written the wrong way round ("from july 2023 to march 2022", "2020-2019") is the time
    between, as the user means, and one from within a year to it the year ("from may until 2020")."""
    (first_start, first_end), (last_start, last_end) = spans[0], spans[-1]
    if first_start <= last_start and last_end < first_end:
        return first_start, last_end
    return min(spans)[0], max(end for _, end in spans)


def _foreign_among(dates: list[str]) -> bool:
    """Whether a month, season or holiday of another language without its year is among these dates."""
    return any(_atom_match(one)[0] in _FOREIGN_ATOMS for one in dates)


def _abroad_lead(match: re.Match[str]) -> str:
    """Another language's "from" or "between" opening these joined dates ("von", "de", "d'"), else ""."""
    return " ".join((match.groupdict().get("abroad") or "").lower().split())


def _abroad(kind: str, match: re.Match[str]) -> bool:
    """Whether words of another language are among these joined dates: a "from", a word joining them or a month,
    season or holiday's name."""
    dates, joints = _dates_joined(kind, match)
    return bool(_abroad_lead(match) or _FOREIGN_WORD.search(joints) or any(map(_FOREIGN_NAME.search, dates)))


def _abroad_unread(kind: str, match: re.Match[str], today: date) -> bool:
    """Whether the words of another language among these joined dates say they are no dates joined: the "from" and
    the words joining them are of the dates' language (_said_abroad; "camper van 2019 a 2020" is no Dutch); a month,
    season or holiday of another language without its year joins only by its words or a dash ("mars and july 2023"
    is the planet's); one without its year joined only to dates of numbers ("dic a 2021", "juli-2023" is no range
    to 2023, "winter und 25/12/2022"), or to no date with one ("ostern und pfingsten"), is none; a _NAME_HOLIDAY is
    a name but where said."""
    dates, joints = _dates_joined(kind, match)
    lead, words = _abroad_lead(match), [" ".join(word.lower().split()) for word in _FOREIGN_WORD.findall(joints)]
    if not words and any(_NAME_HOLIDAY.search(one) for one in dates) and _name_unread(match):
        return True
    yearless_named = _foreign_among(dates)
    if not (lead or words or yearless_named):
        return False
    if (yearless_named and not (words or _DASHED.search(joints))) or not _said_abroad(dates, lead, words):
        return True
    found = [_atom(one, today) for one in dates]
    dated = [one for one, atom in zip(dates, found) if isinstance(atom, tuple)]
    return len(dated) < len(found) and not any(_LETTERS.search(one) for one in dated)


def _said_abroad(dates: list[str], lead: str, words: list[str]) -> bool:
    """Whether joined dates are of the language of the "from" and the words joining them: one is named in another
    language ("de julio a agosto de 2023"), or those words are no English (_ONLY_FOREIGN) and the dates numbers or
    _SPELLED_ALIKE ("2019 bis 2021", "september bis november 2023"), or they are _FROM_ABROAD and _TO_ABROAD and the
    dates numbers ("de 2019 a 2021"). English dates are no other language's: "july a 2023", "christmas bis 2022",
    "summer 2021 und 2022" and "de winter 2020 a winter 2021" are English words and years."""
    if any(map(_FOREIGN_NAME.search, dates)):
        return True
    if lead in _FROM_ABROAD and words and set(words) <= _TO_ABROAD:
        return not any(_LETTERS.search(one) for one in dates)
    plain = lead in _ONLY_FOREIGN if lead else all(word in _ONLY_FOREIGN for word in words)
    return plain and all(word.lower() in _SPELLED_ALIKE for one in dates for word in _LETTERS.findall(one))


def _name_unread(match: re.Match[str]) -> bool:
    """Whether a _NAME_HOLIDAY in these words is not said to be the holiday by a word before it ("an silvester
    2022"): "Silvester 2022" may be someone of that name."""
    return any(not _HOLIDAY_SAID.search(match.string, 0, name.start())
               for name in _NAME_HOLIDAY.finditer(match.string, match.start(), match.end()))


def _since_the_last(match: re.Match[str], yearly: Yearly, today: date) -> Span | None:
    """"since christmas", "since june", "since summer": since the latest one begun by today (on 1 December,
    Christmas of last year), as "since last christmas" is. Only after "since": "before christmas" is rather each
    year's run-up to it. None for a day of a month ("since march 3rd" is left to search for), or where a noun
    follows ("since summer camp")."""
    if match["word"].lower() != "since" or _NOUN_AFTER.match(match.string, match.end()) is None \
            or not any(_ATOM_PATTERNS[kind].fullmatch(match["first"]) for kind in ("month", "season", "holiday")):
        return None
    return _latest(yearly, _now(today))


def _all_days(dates: Iterable[str]) -> bool:
    """Whether these dates are all days of a month ("dec 24", "26th of december"): joined, they are dates without a
    word such as "from" before them, as a month or season is not ("leaves fall and winter comes")."""
    return all(_ATOM_PATTERNS["month_day"].fullmatch(one) or _ATOM_PATTERNS["day_month"].fullmatch(one)
               for one in dates)


def _yearly_of(words: str, today: date) -> Yearly | None:
    """The month, season or holiday a date with its year names ("christmas 2020": Christmas), else None."""
    for kind, (yearly, at) in _YEARLY_OF.items():
        if (match := _ATOM_PATTERNS[kind].fullmatch(words)) is not None:
            found = _period(yearly, (_groups(match, today)[at],), today)
            return found if isinstance(found, Yearly) else None
    return None


def _opened(word: str, span: Span, every: str | None, today: date, words: str) -> Period:
    """Since, after, before or until a date, or one onwards; with a month, season or holiday said just before
    ("may since 2024", "christmas before 2020") that one in each of those years."""
    opened = Period(_union([_open(word, span, today)]), words)
    if every is None:
        return opened
    yearly = _atom(every, today)
    assert isinstance(yearly, Yearly)
    return replace(_every_year([yearly], "list", today, words) & opened, words=words)


def _yearly_through_years(match: re.Match[str], today: date, words: str) -> Period | None:
    """"christmas 2019-2021" and "summer 2019-2021" are each of those years' (as "winter 2020-2023" is), not all
    the time from the first to the end of 2021; "may 2019-2021" stays a range."""
    joint = match.string[match.end("first"):match.start("second")]
    yearly = _yearly_of(match["first"], today)
    if match["lead"] or yearly is None or _ATOM_PATTERNS["month_year"].fullmatch(match["first"]) \
            or not _DASH.fullmatch(joint) or not _ATOM_PATTERNS["year"].fullmatch(match["second"]):
        return None
    start = _atom(match["first"], today)
    assert isinstance(start, tuple)
    first, last = sorted((start[0].year, int(_full_year(match["second"], today))))
    return Period(_union(yearly(year) for year in range(first, last + 1)), words, _either([yearly]), narrowed=True)


def _yearly_until_years(match: re.Match[str], today: date, words: str) -> Period | None:
    """"(in) may until 2020" is each May up to 2020, as "may before 2020" is, and "christmas through 2020" each
    Christmas: no one means a range from some May to a whole year. "march until july 2023" is a range, and so is
    "from may until 2020"."""
    joint = match.string[match.end("first"):match.start("second")]
    if (match["lead"] or "in").lower() not in ("in", "during", "at", "on") or not _UNTIL.fullmatch(joint) \
            or not isinstance(_atom(match["first"], today), Yearly):
        return None
    until = _atom(match["second"], today)
    whole_years = isinstance(until, tuple) and all(moment == datetime(moment.year, 1, 1) for moment in until)
    return _opened("until", until, match["first"], today, words) if whole_years else None


def _dated_list(found: list[Span | Yearly]) -> list[Span]:
    """A list's dates all dated: one without its year is in the year of the next with one ("christmas or easter
    2023", "june, july or august 2023"), else of the last before it."""
    dated = [i for i, one in enumerate(found) if isinstance(one, tuple)]
    return [one if isinstance(one, tuple) else one(found[next((j for j in dated if j > i), dated[-1])][0].year)
            for i, one in enumerate(found)]


def _dated(found: list[Span | Yearly]) -> list[Span]:
    """A range's ends dated, where one has its year: a month or season without its year is the one nearest the
    date after it ("from march to july 2023" starts in March 2023), else the first after the one before it
    ("from november 2022 to february" ends in February 2023)."""
    found = list(found)
    for i in reversed(range(len(found) - 1)):
        if not isinstance(found[i], tuple) and isinstance(after := found[i + 1], tuple):
            found[i] = _latest(found[i], after[1])
    spans: list[Span] = []
    for one in found:
        spans.append(one if isinstance(one, tuple) else _earliest(one, spans[-1][1]))
    return spans


def _every_year(found: list[Yearly], kind: str, today: date, words: str) -> Period:
    """Months, seasons or holidays named without a year: those of every year, as Google Photos and Apple Photos
    read them ("in may" is each May), up to the ones begun by the end of today. Each of them, or for a range
    from the first to the next of the second after it ("from november to february" runs into the next year)."""
    years = range(EARLIEST.year, today.year + 1)
    if kind == "range":
        spans = [(first[0], _earliest(found[-1], first[1])[1]) for first in map(found[0], years)]
        every = f"from {found[0].name} to {found[-1].name}"
    else:
        spans, every = [one(year) for year in years for one in found], _either(found)
    return Period(_union(span for span in spans if span[0] < _now(today)), words, every)


def _either(found: list[Yearly]) -> str:
    """"in May or June", "at Christmas or Easter", "in May or at Christmas": each word before them said once."""
    return _listed([one.name if i and one.at == found[i - 1].at else f"{one.at} {one.name}"
                    for i, one in enumerate(found)], "or")


def _open(word: str, span: Span, today: date) -> Span:
    """Before or until a date; since or after one, or one onwards ("2019 and later")."""
    if word in ("before", "until", "till"):
        return EARLIEST, span[0] if word == "before" else span[1]
    return span[1] if word == "after" else span[0], _now(today)


def _period(kind: str, groups: tuple[str, ...], today: date) -> Span | Yearly:
    now = _now(today)
    if kind == "iso_day":
        return _days(date(int(groups[0]), int(groups[1]), int(groups[2])))
    if kind == "numeric_day":
        return _days(_numeric_day(*(int(g) for g in groups)))
    if kind == "iso_month":
        return _month(int(groups[0]), int(groups[1]))
    if kind == "numeric_month":
        return _month(int(groups[1]), int(groups[0]))
    if kind == "month_day_year":
        return _days(date(int(groups[2]), _ANY_MONTHS[groups[0]], int(groups[1])))
    if kind == "day_month_year":
        return _days(date(int(groups[2]), _ANY_MONTHS[groups[1]], int(groups[0])))
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
    if kind in ("weekday", "weekday_rel"):  # the latest up to today ("on sunday", "this sunday"); "last" before it
        return _latest_day(groups[-1], today, before=kind == "weekday_rel" and groups[0] != "this")
    if kind == "weekend":
        saturday = _day(today) + timedelta(days=5 - today.weekday() - (7 if groups[0] != "this" else 0))
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
    if kind == "winter_years":  # the winters from the one that begins in the first year to one that ends in the last
        first = int(groups[0])
        last = int(groups[1]) if len(groups[1]) == 4 else first + (int(groups[1]) - first) % 100  # 2025/26
        first, last = sorted((first, last))
        return datetime(first, 12, 1), datetime(max(last, first + 1), 3, 1)
    if kind == "new_year_years":  # the new year between two years ("2019-21" is none: no date, "2019" is read)
        first, name = int(groups[1]), _holiday_key(groups[0])
        if int(groups[2]) != (first + 1) % 100:
            raise ValueError(f"no new year between {groups[1]} and {groups[2]}")
        return _holiday(first + (name == "new years day"), name)
    if kind == "holiday_year":
        return _holiday(int(groups[1]), groups[0])
    if kind == "year_holiday":
        return _holiday(int(groups[0]), groups[1])
    if kind == "holiday_rel":  # "this christmas" is this year's, even before it
        if groups[0] == "this":
            return _holiday(today.year, groups[1])
        return _latest(partial(_holiday, name=groups[1]), _day(today), finished=True)
    if kind in ("holiday", "foreign_holiday"):
        return Yearly(partial(_holiday, name=groups[0]), *_HOLIDAYS_SHOWN[_holiday_key(groups[0])])
    if kind == "season_year":
        return _season(int(groups[1]), groups[0])
    if kind == "year_season":
        return _season(int(groups[0]), groups[1])
    if kind == "season_rel":
        last = groups[0] != "this"
        return _latest(partial(_season, name=groups[1]), _day(today) if last else now, finished=last)
    if kind == "month_year":
        return _month(int(groups[1]), _ANY_MONTHS[groups[0]])
    if kind == "month_rel":  # "this march" is this year's, even before it
        if groups[0] == "this":
            return _month(today.year, _ANY_MONTHS[groups[1]])
        return _latest(partial(_month, month=_ANY_MONTHS[groups[1]]), _day(today), finished=True)
    if kind == "day_rel":
        month, day = _ANY_MONTHS[groups[1]], int(groups[2])
        date(2000, month, day)  # a day of some year: no 30 February
        if groups[0] == "this":
            return _day_of(today.year, month, day)
        return _latest(partial(_day_of, month=month, day=day), _day(today), finished=True)
    if kind in ("month_day", "day_month", "foreign_day"):
        month, day = _ANY_MONTHS[groups[kind != "month_day"]], int(groups[kind == "month_day"])
        date(2000, month, day)  # a day of some year: no 30 February
        if (month, day) in _NAMED_DAYS:
            return _period("holiday", (_NAMED_DAYS[month, day],), today)
        return Yearly(partial(_day_of, month=month, day=day), "on", f"{day} {_MONTH_NAMES[month - 1]}")
    if kind in ("month", "foreign_month"):
        return Yearly(partial(_month, month=_ANY_MONTHS[groups[0]]), "in", _MONTH_NAMES[_ANY_MONTHS[groups[0]] - 1])
    if kind in ("season", "foreign_season"):
        return Yearly(partial(_season, name=groups[0]), "in", _FOREIGN_SEASONS.get(groups[0], groups[0]))
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
    if kind == "now":
        return _days(today)
    if kind == "day":
        if groups[0].startswith("last"):
            return _day(today) - timedelta(hours=12), _day(today) + timedelta(hours=6)
        start = _day(today) - timedelta(days=2 if "before" in groups[0] else groups[0] == "yesterday")
        return start, start + timedelta(days=1)
    if kind == "lone_year" and int(groups[0]) > today.year:
        raise ValueError("a year to come is a name ('blade runner 2049', 'agenda 2030'), no date a photo was taken")
    return _year(int(groups[0]))


def extract_period(text: str, today: date | None = None) -> tuple[str, Period | None]:
    """Take the date words out of a text query: (what is left to search for, the period).
    Several date phrases must all hold ("2021 last summer" finds nothing in 2026) unless words join
    them ("from march 2022 to july 2023", "2022 or 2023"); the period's words are theirs in the order
    the query says them ("in may, since 2024"), whichever pattern found them first."""
    today = today or date.today()
    rest, scan = text, one_spelling(text)  # "beach ۲۰۱۹" is "beach 2019"; what is left is as it was typed
    for quoted in QUOTED.finditer(text):
        scan = _blanked(scan, quoted.start(), quoted.end(), "\0")
    period = None
    said: list[tuple[int, str]] = []
    phrases: list[tuple[int, int, Period, bool]] = []  # where each starts and ends, whether "early", "mid"...
    for pattern, kind in _PATTERNS:
        position = 0
        while (match := pattern.search(scan, position)) is not None:
            position = match.end()
            found = _resolve("weekly" if kind == "weekday" and period is not None else kind, match, today)
            if found is None:
                if kind in ("list", "range", "commas") and _abroad(kind, match):
                    position = _after_abroad(match)
                elif kind in _NO_DATE_AT_ALL:
                    scan = _blanked(scan, match.start(), match.end(), "\0")
                continue
            start, part = match.start(), _part_before(scan, match, found, kind, today)
            if part is not None:
                start, found = part
            if (negated := _NEGATED.search(scan, 0, start)) is not None:  # "not in 2019", "except last summer"
                start, found = negated.start(), Period.any_time_but([found])
            phrases.append((start, match.end(), found, part is not None))
            period = found if period is None else period.both_or_either(found)
            said.append((start, found.words))
            possessive = _POSSESSIVE.match(scan, match.end())
            end = possessive.end() if possessive else match.end()
            rest, scan = _blanked(rest, start, end), _blanked(scan, start, end)
    if (ranged := _parts_range(text, phrases)) is not None:
        (start, end), period = ranged
        rest = _blanked(rest, start, end)
    elif period is not None and len(said) > 1:
        period = replace(period, words=", ".join(words for _, words in sorted(said)))
    return re.sub(r"(?:\s*,)+", ",", " ".join(rest.split())).strip(" ,"), period  # "dog in may, at the lake"


def _after_abroad(match: re.Match[str]) -> int:
    """Where to look on for joined dates after these, whose words of another language say they are none: from their
    first date without the "from" before it ("de 2019 à 2020": "2019 à 2020"), else after it ("2020 or mars": "or
    mars"; not "2021 et 2020" of "summer 2021 et 2020", which would leave "summer" to search for)."""
    if (name := _NAME_HOLIDAY.match(match.string, match.start("first"))) is not None:
        return name.end()  # "Silvester 2022, 2023": "2022, 2023"
    return match.start("first") if _abroad_lead(match) else match.end("first")


_NEGATED = re.compile(r"\b(?:" + "|".join(words.replace(" ", r"\s+") for words in NEGATIONS) + r")\s+$", re.IGNORECASE)
_PART = re.compile(r"(?:\b(?:in|during|from|at|by|around|towards?)\s+)?(?:\bthe\s+)?"
                   r"\b(?P<part>early|mid|late|(?P<edge>beginning|start|end))(?P<of>\s+of)?(?:\s+the)?(?:\s+|\s*-\s*)$",
                   re.IGNORECASE)
_PARTS = {"early": "early", "mid": "mid", "late": "late", "beginning": "early", "start": "early", "end": "late"}


def _part_before(scan: str, match: re.Match[str], found: Period, kind: str, today: date) -> tuple[int, Period] | None:
    """"early 2019", "mid-june 2020", "late summer 2018", "the end of last year": the third of that
    time the word says (where it starts, and that period), for a year or more, a season or a month
    (a day or a holiday has no thirds worth the name). A word "beginning", "start" or "end" counts
    only with its "of" ("a fresh start 2019" is no part of it). Before a range it is a part of the range's first
    date: "from mid-2022 to september 2022" is from May to the end of September, not a third of the range, nor
    the range to a day within that part."""
    part = _PART.search(scan, 0, match.start())
    if part is None or len(found.spans) != 1 or found.every or found.but:
        return None
    if part["edge"] and not part["of"] and not match.group().lower().startswith("of "):
        return None
    ends = _range_ends(match, today) if kind == "range" else None
    (start, end), = found.spans if ends is None else ends[:1]
    if end - start < timedelta(days=28):
        return None
    third = _third(start, end, _PARTS[part["part"].lower()])
    words = f"{' '.join(part.group().split())} {found.words}".replace(" - ", "-").replace("- ", "-")
    return part.start(), Period((third if ends is None else _from_to([third, ends[1]]),), words)


def _range_ends(match: re.Match[str], today: date) -> tuple[Span, Span]:
    """The first and last dates of a range read as one span, dated as _joined dates them."""
    first, last = _dated([_atom(match["first"], today), _atom(match["second"], today)])
    return first, last


_RANGE_JOINT = re.compile(r"\s*(?:to|until|till|through|thru|-|–)\s*", re.IGNORECASE)


def _parts_range(text: str, phrases: list[tuple[int, int, Period, bool]]) -> tuple[Span, Period] | None:
    """"from early 2019 to late 2020": a range from the start of one date to the end of the other,
    where two were said, joined by "to" or a dash, one of them with "early", "mid" or "late" (the
    range patterns know none of those). Returns where the words joining them are, and the range."""
    if len(phrases) != 2 or not any(part for *_, part in phrases):
        return None
    (_, first_end, first, _), (second_start, _, second, _) = sorted(phrases, key=lambda phrase: phrase[0])
    if not _RANGE_JOINT.fullmatch(text, first_end, second_start):
        return None
    spans = first.spans + second.spans
    return (first_end, second_start), Period(((min(spans)[0], max(end for _, end in spans)),),
                                             f"{first.words} to {second.words}")


def _third(start: datetime, end: datetime, part: str) -> Span:
    """The early, mid or late third of [start, end), in whole years, months or days as the span is
    made of: "early 90s" is 1990 to 1993, "mid 2021" May to August, "late june" from the 21st. The
    thirds of ten years or 31 days overlap by one, as people's early and mid do."""
    months = (end.year - start.year) * 12 + end.month - start.month
    whole_months = start.day == end.day == 1 and start.time() == end.time() == datetime.min.time()
    if whole_months and months % 12 == 0 and start.month == 1 and months >= 36:
        unit, count = "year", months // 12
    elif whole_months and months >= 3:
        unit, count = "month", months
    else:
        unit, count = "day", (end - start).days
    few, most = count // 3, -(-count // 3)
    first, last = {"early": (0, most), "mid": (few, count - few), "late": (count - most, count)}[part]
    return _later(start, unit, first), _later(start, unit, last)


def _later(start: datetime, unit: str, count: int) -> datetime:
    """`count` years, months or days after `start`, which is the first of a year or month for those."""
    if unit == "year":
        return datetime(start.year + count, 1, 1)
    if unit == "month":
        return datetime(start.year + (start.month - 1 + count) // 12, (start.month - 1 + count) % 12 + 1, 1)
    return start + timedelta(days=count)

QUOTED = re.compile(r'"[^"]*"|\u201c[^\u201d]*\u201d|\u00ab[^\u00bb]*\u00bb')
"""Words in quotes, searched as they are written: '"1984" book cover' is the book, not the year."""


def _blanked(text: str, start: int, end: int, blank: str = " ") -> str:
    """`text` with the characters from start to end blanked out, so that positions in `rest` and `scan` still
    agree."""
    return text[:start] + blank * (end - start) + text[end:]


_SPACED_DASH = re.compile(rf"{_FROM}{_FIRST}(?P<dash>\s+-\s+)(?P<second>{_ANY}|{_ATOMS['now']})", re.IGNORECASE)


def dashes_between_dates(query: str, today: date | None = None) -> str:
    """`query` with each " - " that joins two dates ("march 2022 - july 2023") written as an en dash. A query
    parser that reads " - " as a minus ("beach - people") would subtract the second date; an en dash it leaves
    alone, and extract_period reads either as a range. Only dates: "summer - winter" is still a minus, since a
    season or month without its year is a date only after a word such as "from" ("from june - august")."""
    today = today or date.today()
    written, at = [], 0
    for match in _SPACED_DASH.finditer(one_spelling(query)):  # read in 0-9, written back as typed
        sides = (match["first"], match["second"])
        if _resolve("range", match, today) is None or not (
                match["lead"] or _all_days(sides) or all(isinstance(_atom(side, today), tuple) for side in sides)):
            continue
        start, end = match.span("dash")
        written += [query[at:start], " \u2013 "]
        at = end
    return "".join(written) + query[at:]


_NAME_DATE = re.compile(
    r"(?<!\d)(19[7-9]\d|20\d\d)[-_.]?(0[1-9]|1[0-2])[-_.]?(0[1-9]|[12]\d|3[01])"
    r"(?:[-_ T.]?([01]\d|2[0-3])[-_.:h]?([0-5]\d)[-_.:m]?([0-5]\d)(?:\d{3})?"  # milliseconds: a Pixel's
    r"|\s+at\s+([01]?\d|2[0-3])[.:]([0-5]\d)[.:]([0-5]\d)(?:\s*([AaPp])\.?[Mm]\b)?)?(?!\d)"  # macOS: " at 4.12.33 PM"
)
_UTC_NAME = re.compile(r"^PXL_", re.IGNORECASE)
"""A Pixel's name for its photo: the time in it is UTC ("PXL_20240815_233000222": 23:30:00.222 UTC)."""
_SYNC_CONFLICT = re.compile(
    r"(?:\s?\([^()]*\bconflict(?:ed|ing) copy\b[^()]*(?:\(\d+\)[^()]*)?\)"  # Dropbox's, Nextcloud's, ownCloud's
    r"|\s?\((?:case|selective sync) conflict(?: \d+)?\)"  # Dropbox's, of names alike but for case
    r"|\s?\(SFConflict [^()]*\)"  # Seafile's
    r"|\.sync-conflict-\d{8}-\d{6}(?:-[A-Z0-9]{7})?"  # Syncthing's
    r"|_conflict-\d{8}-\d{6}"  # ownCloud's before 2.5
    r"|(?-i:-(?:DESKTOP-(?=[A-Z]{0,6}\d)(?=\d{0,6}[A-Z])[A-Z0-9]{7}"  # OneDrive's: its computer's name as
    r"|LAPTOP-(?=[A-Z]{0,7}\d)(?=\d{0,7}[A-Z])[A-Z0-9]{8}))"  # Windows makes it up, letters and digits mixed
    r"|-[\w.-]+-safeBackup-\d{4}"  # OneDrive for Linux's: its computer's name and a number
    r")$", re.IGNORECASE)


def without_sync_conflict(name: str) -> str:
    """A sync tool's conflict copy's name as its original's, the one it clashed with: "IMG_1
    (Alice's conflicted copy 2021-07-04).jpg" (Dropbox), "IMG_1 (conflicted copy 2021-07-04
    101500).jpg" (Nextcloud, ownCloud), "IMG_1.sync-conflict-20210704-101500-ABCDEFG.jpg"
    (Syncthing), "IMG_1-DESKTOP-7Q2K3LM.jpg" (OneDrive adds the computer's name: only the names Windows
    makes up are read, DESKTOP- and 7 or LAPTOP- and 8 capitals and digits, both, as "holiday-beach",
    "IMG-20210704-WA0001" and "Trip-LAPTOP-20190704" are names too). Any other name as it is."""
    stem, dot, suffix = name.rpartition(".")
    if dot and _SYNC_CONFLICT.search(stem):
        return f"{_SYNC_CONFLICT.sub('', stem) or stem}.{suffix}"
    return _SYNC_CONFLICT.sub("", name) or name


def is_sync_conflict(name: str) -> bool:
    """Whether a file's name is a sync tool's conflict copy's (without_sync_conflict)."""
    return without_sync_conflict(name) != name


def clashed_with(path: Path) -> tuple[Path, ...]:
    """Where the file a sync tool's conflict copy at `path` clashed with would be: its name without the
    tool's mark, in its folder; and its name in the folder its own folder's name, without the mark, names
    (Dropbox renames a folder: "Trip (Selective Sync Conflict)/IMG_1.jpg" clashed with "Trip/IMG_1.jpg")."""
    found = []
    if is_sync_conflict(path.name):
        found.append(path.with_name(without_sync_conflict(path.name)))
    if is_sync_conflict(path.parent.name):
        found.append(path.parent.with_name(without_sync_conflict(path.parent.name)) / path.name)
    return tuple(found)


_EPOCH_NAME = re.compile(r"^(?:FB_IMG_|mmexport(?:[0-9a-f]{32}_)?|wx_camera_|microMsg\.)(1\d{12})(?!\d)", re.IGNORECASE)
"""An app's name for a photo with its moment in milliseconds since 1970 (UTC): Facebook's "FB_IMG_1688477400000.jpg",
WeChat's "mmexport1688477400000.jpg" (or after the photo's hash, "mmexport<32 hex digits>_1688477400000.jpg"), its
camera's "wx_camera_…" and its older "microMsg.…". Only these apps': a 13-digit number in another name may be an
order's, a phone's or an id (Snapchat's "Snapchat-771329060.jpg" is one)."""
_SENT_NAME = re.compile(r"whatsapp|-wa\d|^signal-|^photo_\d{4}-\d\d-\d\d_|^telegram|^fb_img_|^mmexport|^micromsg\.",
                        re.IGNORECASE)
"""A chat's name for a photo it received, or Facebook's or WeChat's for one saved from them: its time is when it was
sent (or saved), not taken. WeChat's camera ("wx_camera_…") names a photo when it takes it."""


def date_in_name(name: str, today: date | None = None) -> str | None:
    """The date a phone or app wrote into a file's name ("IMG_20230514_123456.jpg",
    "PXL_20230514_...", "Screenshot_2023-05-14-12-34-56.png", "Screenshot 2023-05-14 at 4.12.33
    PM.png", "IMG-20230514-WA0003.jpg", "2023-05-14 12.34.56.jpg", "FB_IMG_1684067696000.jpg"), as
    ISO 8601: the best guess of when a photo without EXIF was taken, since a copied file's own date
    is the day it was copied. A chat's name, or Facebook's or WeChat's for a photo saved from them,
    gives the day only (midnight): the time in it is when the photo was sent or saved, which would
    make it another moment than the photo it is a copy of (dedup). A sync tool's conflict copy is
    read by its original's name (without_sync_conflict): the date it adds is when two computers
    clashed, never when the photo was taken."""
    name = without_sync_conflict(one_spelling(name))  # "IMG_٢٠٢٣٠٥١٤_…" of an app writing its locale's digits
    epoch = _EPOCH_NAME.match(name)
    found = _in_local_time(EPOCH + timedelta(milliseconds=int(epoch[1]))) if epoch else _date_written(name)
    if found is not None and _SENT_NAME.search(name):
        found = datetime.combine(found.date(), datetime.min.time())
    if found is None or found.date() > (today or date.today()) + timedelta(days=1) or found == EPOCH:
        return None
    return found.isoformat(timespec="seconds")


@dataclass(frozen=True)
class FolderDate:
    """The days a folder's name says its photos were taken in: [start, end)."""

    start: datetime
    end: datetime


FOLDER_LEVELS = 3  # a photo's folders a date is looked for in, nearest first
_RANGE_CUT = re.compile(r"\d[-–](?!\S)|\d\s+(?:to|bis|au|al)\s*$", re.IGNORECASE)  # "Rome 3-", "3 to"
_LONGEST_FOLDER_SPAN = timedelta(days=366)  # "1990s", "2005-2010": too long a time to date a photo by


def date_of_folder(folder: str, today: date | None = None) -> FolderDate | None:
    """The date the nearest of a photo's folders names ("1998 Christmas", "Summer 2019", "Lake
    Tahoe 2019", "2019-07-04 Picnic", "2019/07/04"): of a scan, or a photo whose file lost its date,
    where nothing else dates it, the folder it was filed in says best when it was taken (immich-go
    reads them too). A date that depends on today ("Last summer"), of every year ("July"), more
    than a year long ("1990s") or still to come names none. `folder` as a path's text."""
    return _date_of_folder(folder, today or date.today())


def span_words(start: datetime, end: datetime) -> str:
    """The days from `start` to `end` (not included) as a person says them: "2015", "July 2019",
    "4 July 2019", "24–26 December 1998", "1 June – 31 August 2019"."""
    last = end - timedelta(days=1)
    if (start.month, start.day) == (1, 1) and (last.month, last.day) == (12, 31) and start.year == last.year:
        return str(start.year)
    if start.day == 1 and (last + timedelta(days=1)).day == 1 and (start.year, start.month) == (last.year, last.month):
        return f"{start:%B %Y}"
    if start.date() == last.date():
        return f"{start.day} {start:%B %Y}"
    if (start.year, start.month) == (last.year, last.month):
        return f"{start.day}–{last.day} {start:%B %Y}"
    if start.year == last.year:
        return f"{start.day} {start:%B} – {last.day} {last:%B %Y}"
    return f"{start.day} {start:%B %Y} – {last.day} {last:%B %Y}"


@lru_cache(maxsize=4096)
def _date_of_folder(folder: str, today: date) -> FolderDate | None:
    names = [name.replace("_", "-") for name in re.split(r"[\\/]", folder)[-FOLDER_LEVELS:] if name]
    for i in range(len(names) - 1, -1, -1):
        nested = ["-".join(names[i - k + 1:i + 1]) for k in (3, 2)
                  if i - k + 1 >= 0 and all(name.isdigit() for name in names[i - k + 1:i + 1])]
        for name in [*nested, names[i]]:
            if (found := _named_date(name, today)) is not None:
                return found
    return None


def _named_date(name: str, today: date) -> FolderDate | None:
    """The one span of days a folder's name gives whatever today is, if it gives one."""
    rest, found = extract_period(name, today)
    if found is None or len(found.spans) != 1 or found.but or found.every or _RANGE_CUT.search(rest):
        return None  # the start of a range left ("Rome 3-7 May 2019" read as the 7th): not read whole
    later = extract_period(name, today + timedelta(days=400))[1]
    start, end = found.spans[0]
    if later is None or later.spans != found.spans or end - start > _LONGEST_FOLDER_SPAN or start.date() > today:
        return None
    return FolderDate(start, end)


def _date_written(name: str) -> datetime | None:
    """The date and time written out in a file's name (_NAME_DATE), in local time; None where it names no moment."""
    match = _NAME_DATE.search(name)
    if match is None:
        return None
    year, month, day, *clock = match.groups()
    hour, minute, second = (int(g) if g else 0 for g in (clock[:3] if clock[0] else clock[3:6]))
    if clock[6] and hour in range(1, 13):
        hour = hour % 12 + (12 if clock[6] in "Pp" else 0)
    elif clock[6]:
        return None
    try:
        found = datetime(int(year), int(month), int(day), hour, minute, second)
        return _in_local_time(found) if _UTC_NAME.search(name) and clock[0] else found
    except (ValueError, OverflowError, OSError):
        return None


def _in_local_time(utc: datetime) -> datetime:
    """A moment a name gives in UTC, in local time, as EXIF and Takeout's JSON say it."""
    return utc.replace(tzinfo=timezone.utc).astimezone().replace(tzinfo=None)


EPOCH = datetime(1970, 1, 1)
"""The moment a device whose clock was reset to zero says a photo was taken: no date at all."""
