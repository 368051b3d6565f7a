from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import numpy as np
import pytest

from photoclip import search
from photoclip.errors import QueryError
from photoclip.search import (
    NamedTags,
    QueryTerm,
    album_words,
    albums_by_words,
    combine,
    named_albums,
    parse_query,
    require_something_to_find,
    tag_candidates,
    take_tags,
)
from photoclip.when import extract_period
from tests.helpers import write_photo


def test_plain_text_is_one_positive_term() -> None:
    assert parse_query("kids at the lake") == [QueryTerm(1, text="kids at the lake")]


def test_plus_and_minus_terms_are_split_as_rclip_users_write_them() -> None:
    terms = parse_query("beach + sunset - people")
    assert [(t.sign, t.text) for t in terms] == [(1, "beach"), (1, "sunset"), (-1, "people")]


def test_hyphenated_words_are_not_operators() -> None:
    assert parse_query("t-shirt with a x-ray") == [QueryTerm(1, text="t-shirt with a x-ray")]


def test_a_spaced_hyphen_between_two_dates_is_a_period_not_a_term_left_out() -> None:
    kids = parse_query("kids march 2022 - july 2023")
    assert [(t.sign, t.text) for t in kids] == [(1, "kids march 2022 \u2013 july 2023")]
    text, period = extract_period(kids[0].text)
    assert text == "kids" and (period.start, period.end) == (datetime(2022, 3, 1), datetime(2023, 8, 1))
    assert [(t.sign, t.text) for t in parse_query("dogs 2019 - 2020 - cats")] == [(1, "dogs 2019 \u2013 2020"),
                                                                                   (-1, "cats")]
    assert [(t.sign, t.text) for t in parse_query("summer - winter")] == [(1, "summer"), (-1, "winter")]


def test_a_word_written_with_a_minus_before_it_is_left_out_as_in_web_searches() -> None:
    assert [(t.sign, t.text) for t in parse_query('red circle -sand -"tour bus" on t-shirts')] == [
        (1, "red circle on t-shirts"), (-1, "sand"), (-1, "tour bus")]
    assert [(t.sign, t.text) for t in parse_query("beach - people -dogs")] == [
        (1, "beach"), (-1, "people"), (-1, "dogs")]
    assert parse_query("-5 degrees at -20°C") == [QueryTerm(1, text="-5 degrees at -20°C")]  # numbers, not words
    with pytest.raises(QueryError, match="not only things to leave out"):
        require_something_to_find(parse_query("-red"))
    assert parse_query("-2019 -2021") == [QueryTerm(-1, text="2019"), QueryTerm(-1, text="2021")]  # other times
    assert parse_query("-2019 -red") == [QueryTerm(-1, text="2019"), QueryTerm(-1, text="red")]


def test_an_existing_image_path_is_an_image_term(tmp_path: Path) -> None:
    photo = write_photo(tmp_path / "dog.jpg", seed=1)
    terms = parse_query(f"{photo} - grass")
    assert terms == [QueryTerm(1, image=photo), QueryTerm(-1, text="grass")]


def test_an_image_file_whose_name_holds_a_spaced_dash_or_plus_is_one_term(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Windows names a copy "IMG_1234 - Copy.jpg": split at its " - ", "Copy.jpg" was a file to look for."""
    copy = write_photo(tmp_path / "Odd" / "holiday - Copy.jpg", seed=1)
    both = write_photo(tmp_path / "red + blue.jpg", seed=2)
    assert parse_query(str(copy)) == [QueryTerm(1, image=copy)]
    assert parse_query(f"beach + 2:{both} - '{copy}' - people") == [
        QueryTerm(1, text="beach"), QueryTerm(1, image=both, weight=2.0), QueryTerm(-1, image=copy),
        QueryTerm(-1, text="people")]
    monkeypatch.chdir(tmp_path)
    assert parse_query("Odd/holiday - Copy.jpg + red + blue.jpg") == [
        QueryTerm(1, image=Path("Odd/holiday - Copy.jpg")), QueryTerm(1, image=Path("red + blue.jpg"))]
    assert [(t.sign, t.text) for t in parse_query("holiday - Copy.jpg")] == [(1, "holiday"), (-1, "Copy.jpg")]
    assert [(t.sign, t.text) for t in parse_query("kids march 2022 - july 2023 + red + blue.jpg")][0] == (
        1, "kids march 2022 \u2013 july 2023")


def test_an_image_address_followed_by_words_is_the_image_and_the_words() -> None:
    """Read as one text term, the address was searched as words and the image never fetched."""
    url = "http://127.0.0.1:8000/red-circle.png"
    assert parse_query(f"{url} blue") == [QueryTerm(1, url=url), QueryTerm(1, text="blue")]
    assert parse_query(f"beach - 2:{url} people -dogs") == [
        QueryTerm(1, text="beach"), QueryTerm(-1, url=url, weight=2.0), QueryTerm(-1, text="people", weight=2.0),
        QueryTerm(-1, text="dogs")]
    assert parse_query(url) == [QueryTerm(1, url=url)]
    assert parse_query(f"{url}, blue") == [QueryTerm(1, url=url), QueryTerm(1, text="blue")]  # a sentence's comma
    page = "screenshot of https://github.com/login page"  # a site's address among words is words
    assert parse_query(page) == [QueryTerm(1, text=page)]
    assert parse_query("https://github.com") == [QueryTerm(1, url="https://github.com")]  # alone, fetched


@pytest.mark.parametrize("query", ["", "   ", "+", "-", "+ -"])
def test_queries_with_nothing_to_look_for_are_refused(query: str) -> None:
    with pytest.raises(QueryError):
        parse_query(query)


@pytest.mark.parametrize("query", ["-kids", "- Kids", "-kids -sunset", "-kids -2019", "-2019 -red", "beach -red"])
def test_terms_that_only_leave_out_the_users_tags_or_a_date_are_a_search(query: str) -> None:
    """"-kids" alone was refused, where "not kids" listed every photo without the tag kids."""
    require_something_to_find(parse_query(query), {"kids", "sunset"})


@pytest.mark.parametrize(("query", "tags", "error"), [
    ("- cats", set(), "^a search needs at least one thing to look for, not only things to leave out$"),
    ("-kids", {"sunset"}, "^a search needs at least one thing to look for"),
    ("-kids -sunset", {"kids"}, "^sunset is not one of your tags, and a search needs at least one thing to look for"),
    ("-kids -red -blue", {"kids"}, "^red and blue are not among your tags, and a search needs"),
])
def test_terms_that_only_leave_out_words_not_all_tags_are_refused_saying_which(query, tags, error) -> None:
    with pytest.raises(QueryError, match=error):
        require_something_to_find(parse_query(query), tags)


def test_an_operator_after_an_operator_signs_the_term_it_stands_before() -> None:
    assert [(t.sign, t.text) for t in parse_query("red + - blue")] == [(1, "red"), (-1, "blue")]
    assert [(t.sign, t.text) for t in parse_query("red - + blue")] == [(1, "red"), (1, "blue")]


def test_combine_adds_positives_subtracts_negatives_and_normalises() -> None:
    vectors = {"a": np.array([1.0, 0.0, 0.0]), "b": np.array([0.0, 1.0, 0.0])}
    query = combine(parse_query("a - b"), lambda t: vectors[t.text])
    np.testing.assert_allclose(query, np.array([1.0, -1.0, 0.0]) / np.sqrt(2))


def test_terms_that_cancel_out_are_refused() -> None:
    with pytest.raises(QueryError, match="cancel"):
        combine(parse_query("a + b - a - b"), lambda t: np.array([1.0, 0.0]) if t.text == "a" else np.array([0.0, 1.0]))


def test_a_term_can_carry_a_weight_as_in_rclip(tmp_path: Path) -> None:
    pool = write_photo(tmp_path / "pool.jpg", seed=2)
    terms = parse_query(f"2:golden retriever + 0.5:{pool} - .25:fruit")
    assert terms == [QueryTerm(1, text="golden retriever", weight=2.0), QueryTerm(1, image=pool, weight=0.5),
                     QueryTerm(-1, text="fruit", weight=0.25)]
    vectors = {"a": np.array([1.0, 0.0]), "b": np.array([0.0, 1.0])}
    np.testing.assert_allclose(combine(parse_query("3:a + 4:b"), lambda t: vectors[t.text]), [0.6, 0.8])


@pytest.mark.parametrize("query", ["sunset at 7:30", "10:30 meeting", "ratio 16:9", "C:/photos", "2:", "re:union"])
def test_times_and_other_colons_are_no_weights(query: str) -> None:
    assert [(t.text, t.weight) for t in parse_query(query)] == [(query, 1.0)]


def test_weights_out_of_range_or_only_zero_are_refused() -> None:
    with pytest.raises(QueryError, match="the weight 1000 is too large"):
        parse_query("1000:cat")
    with pytest.raises(QueryError, match="a weight of 0 leaves a term out; give what you are looking for a weight"):
        parse_query("0:cat - dog")


def test_a_weighed_term_after_an_operator_keeps_its_own_sign() -> None:
    assert parse_query("red + -2:blue") == [QueryTerm(1, text="red"), QueryTerm(-1, text="blue", weight=2.0)]
    assert parse_query("red - +0.5:blue") == [QueryTerm(1, text="red"), QueryTerm(1, text="blue", weight=0.5)]


def test_a_weight_survives_taking_the_dates_and_the_users_tags_out_of_its_term() -> None:
    from photoclip.search import take_period

    terms, period = take_period(parse_query("2:beach in 2019 + sunset"))
    assert period is not None and terms == [QueryTerm(1, text="beach", weight=2.0), QueryTerm(1, text="sunset")]
    named = take_tags(parse_query("3:sarah at the lake"), {"sarah"})
    assert named.tags == ("sarah",) and named.terms == [QueryTerm(1, text="at the lake", weight=3.0)]


def test_date_words_leave_the_text_terms_and_a_term_of_only_dates_goes() -> None:
    from datetime import date, datetime

    from photoclip.search import take_period

    terms, period = take_period(parse_query("kids at the lake last summer + boat - rain"), date(2026, 12, 1))
    assert terms == [QueryTerm(1, text="kids at the lake"), QueryTerm(1, text="boat"), QueryTerm(-1, text="rain")]
    assert (period.start, period.end) == (datetime(2026, 6, 1), datetime(2026, 9, 1))
    terms, period = take_period(parse_query("in 2019"))
    assert terms == [] and period.start == datetime(2019, 1, 1)
    assert take_period(parse_query("dog - cat")) == (parse_query("dog - cat"), None)


@pytest.mark.parametrize("query", ["in 2019 - cat", "2019 -cat", "last summer -people"])
def test_a_date_and_words_left_out_keep_to_the_date_and_rank_by_the_words(query: str) -> None:
    """The words left out rank that period's photos, least like them first; nothing is refused."""
    from photoclip.search import take_period

    terms, period = take_period(parse_query(query))
    assert period is not None and [t.sign for t in terms] == [-1]


def test_a_place_and_words_left_out_keep_to_the_place_and_rank_by_the_words() -> None:
    from photoclip.places import Place
    from photoclip.search import take_place

    nice = Place("town", "Nice, France", "", "FR")
    for query in ("in nice -people", "in nice - people"):
        terms, place = take_place(parse_query(query), lambda words: nice if words == "nice" else None)
        assert place.label == "Nice, France" and terms == [QueryTerm(-1, text="people")]


def test_a_year_written_with_a_minus_is_left_out_not_kept_to() -> None:
    from photoclip.search import take_period

    assert [(t.sign, t.text) for t in parse_query("beach -2026 -90s")] == [(1, "beach"), (-1, "2026"), (-1, "90s")]
    terms, period = take_period(parse_query("beach -2026"), date(2026, 12, 4))
    assert terms == [QueryTerm(1, text="beach")]
    assert period.spans == ((datetime.min, datetime(2026, 1, 1)), (datetime(2027, 1, 1), datetime.max))
    _terms, period = take_period(parse_query("beach -2019-2020"), date(2026, 12, 4))
    assert period.spans == ((datetime.min, datetime(2019, 1, 1)), (datetime(2021, 1, 1), datetime.max))


@pytest.mark.parametrize(("query", "header"), [
    ("beach -2019", "any time but 1 Jan 2019 to 31 Dec 2019 (other than 2019)"),
    ("beach - last summer", "any time but 1 Jun 2026 to 31 Aug 2026 (other than last summer)"),
    ('beach -"in may"', "any time but in May of any year (other than in may)"),
    ("beach -2019 -2021", "any time but 1 Jan 2019 to 31 Dec 2019 and 1 Jan 2021 to 31 Dec 2021 "
                          "(other than 2019 or 2021)"),
])
def test_a_term_left_out_that_is_only_a_date_leaves_out_that_periods_photos(query: str, header: str) -> None:
    """"beach -2019" subtracted the words "2019" from the text, so the photos of 2019 still came back."""
    from photoclip.search import take_period

    terms, period = take_period(parse_query(query), date(2026, 12, 4))
    assert terms == [QueryTerm(1, text="beach")] and f"{period.describe()} ({period.said})" == header


def test_a_date_left_out_is_taken_from_the_dates_kept_to() -> None:
    from photoclip.search import take_period

    terms, period = take_period(parse_query('beach 2019 -"july 2019"'), date(2026, 12, 4))
    assert terms == [QueryTerm(1, text="beach")]
    assert period.spans == ((datetime(2019, 1, 1), datetime(2019, 7, 1)), (datetime(2019, 8, 1), datetime(2020, 1, 1)))
    assert period.words == "2019, -july 2019"
    terms, period = take_period(parse_query('beach -"dogs 2019"'), date(2026, 12, 4))  # not only a date: words
    assert period is None and terms == [QueryTerm(1, text="beach"), QueryTerm(-1, text="dogs 2019")]


@pytest.mark.parametrize("query", [
    "blade runner 2049", "agenda 2030", "class of 2015", "2000 piece puzzle",
    "year 2000 party", "hiking at 2000 m", "a 2019 km walk", "today show", "the today show",
    "last night of the proms", "the tonight show", "price $2019",
])
def test_numbers_and_words_that_name_things_are_no_dates(query: str) -> None:
    """A year to come, a number with a unit, a show: what the photo shows, not when it was taken."""
    from photoclip.search import take_period

    terms, period = take_period(parse_query(query), date(2026, 12, 4))
    assert period is None and terms == [QueryTerm(1, text=query)]


@pytest.mark.parametrize(("query", "start", "end"), [
    ("beach 2019", datetime(2019, 1, 1), datetime(2020, 1, 1)),
    ("snow in 2019", datetime(2019, 1, 1), datetime(2020, 1, 1)),
    ("cars in the 90s", datetime(1990, 1, 1), datetime(2000, 1, 1)),
    ("2022 or 2023", datetime(2022, 1, 1), datetime(2024, 1, 1)),
    ("calendars 2019 or 2022", datetime(2019, 1, 1), datetime(2023, 1, 1)),  # either year
    ("party last night", datetime(2026, 12, 3, 12), datetime(2026, 12, 4, 6)),
    ("beach this year", datetime(2026, 1, 1), datetime(2027, 1, 1)),
])
def test_years_and_days_said_as_dates_still_keep_to_them(query: str, start: datetime, end: datetime) -> None:
    from photoclip.search import take_period

    _terms, period = take_period(parse_query(query), date(2026, 12, 4))
    assert (period.start, period.end) == (start, end)


def test_tags_named_in_a_query_are_taken_longest_first_and_their_words_go() -> None:
    names = {"sarah", "lake house", "lake", "tom & ann"}
    named = take_tags(parse_query("Sarah at the lake house"), names)
    assert named.tags == ("sarah", "lake house") and [t.text for t in named.terms] == ["at the"]
    named = take_tags(parse_query("photos of tom & ann"), names)
    assert named.tags == ("tom & ann",) and named.terms == []  # nothing left to rank by but filler
    named = take_tags(parse_query("beach - sarah"), names)
    assert named.tags == () and named.left_out == ("sarah",)  # left out, not asked for
    assert [(t.sign, t.text) for t in named.terms] == [(1, "beach"), (-1, "sarah")]
    named = take_tags(parse_query("sarahs cat"), names)
    assert named.tags == () and [t.text for t in named.terms] == ["sarahs cat"]  # whole words only


@pytest.mark.parametrize("query", [
    "beach not sarah", "beach except sarah", "beach without sarah", "beach but not sarah", "beach, except for Sarah",
    "not sarah beach", "beach -sarah", "beach - Sarah", "beach no sarah", "beach sans sarah", "beach ohne Sarah",
    "beach sin sarah", "beach sem sarah", "beach não sarah", "beach not with sarah"])
def test_a_tag_after_not_or_a_minus_is_left_out_and_its_words_go(query: str) -> None:
    named = take_tags(parse_query(query), {"sarah", "lake"})
    assert named.tags == () and named.left_out == ("sarah",)
    assert [t.text for t in named.terms if t.sign > 0] == ["beach"]


def test_a_tag_left_out_where_nothing_is_looked_for_goes_from_the_terms_as_not_does() -> None:
    """"-kids" ranked every photo by how little it looked like kids, where "not kids" listed them."""
    assert take_tags(parse_query("-kids"), {"kids"}) == take_tags(parse_query("not kids"), {"kids"}) \
        == NamedTags([], (), ("kids",))
    named = take_tags(parse_query("-kids -people"), {"kids"})
    assert named.left_out == ("kids",) and named.terms == [QueryTerm(-1, text="people")]


@pytest.mark.parametrize(("query", "tags", "left_out"), [
    ("beach without kids or sunset", ("beach",), ("kids", "sunset")),
    ("beach except kids, and sunset", ("beach",), ("kids", "sunset")),
    ("beach not kids sunset", ("beach", "sunset"), ("kids",)),
    ("kids not at the beach", ("kids",), ("beach",)),
    ("red circle not kids", (), ("kids",)),
    ("not", ("not",), ()),
    ('no "kids"', (), ("kids",)),
])
def test_a_negation_reaches_the_tags_joined_to_it_and_a_tag_named_not_does_not_take_it(query, tags, left_out) -> None:
    """"beach without kids or sunset" put the sunset photos first; a tag "not" took "red circle not kids" for it."""
    named = take_tags(parse_query(query), {"kids", "sunset", "beach", "not", "no", "except"})
    assert (named.tags, named.left_out) == (tags, left_out)


def test_a_tag_asked_for_and_another_left_out_in_one_query() -> None:
    named = take_tags(parse_query("sarah at the lake not tom & ann"), {"sarah", "lake", "tom & ann"})
    assert named.tags == ("sarah", "lake") and named.left_out == ("tom & ann",)
    assert [t.text for t in named.terms] == ["at the"]


def test_a_quoted_tag_name_names_the_tag_as_a_whole_only() -> None:
    names = {"sarah jones", "sarah"}
    named = take_tags(parse_query('"sarah jones"'), names)
    assert named.tags == ("sarah jones",) and named.terms == []
    named = take_tags(parse_query('"sarah at the lake"'), names)
    assert named.tags == () and [t.text for t in named.terms] == ['"sarah at the lake"']  # words as written


def test_a_tag_with_punctuation_or_an_emoji_is_named_by_its_words_whatever_stands_between() -> None:
    """"Smith, John" is how Lightroom keeps people: typed as written, or without the comma, it
    names the tag; so do "mt fuji" in a sentence and "hund" for "🐶 hund", whole words only."""
    names = {"smith, john", "mt. fuji", "🐶 hund", "cat"}
    for query in ("Smith, John", "smith john", "photos of SMITH JOHN!"):
        assert take_tags(parse_query(query), names) == NamedTags([], ("smith, john",))
    named = take_tags(parse_query("photos of mt fuji at dawn"), names)
    terms, tags = named.terms, named.tags
    assert tags == ("mt. fuji",) and [t.text for t in terms] == ["photos of at dawn"]
    named = take_tags(parse_query("🐶 Hund im Schnee"), names)
    terms, tags = named.terms, named.tags
    assert tags == ("🐶 hund",) and [t.text for t in terms] == ["im schnee"]
    assert take_tags(parse_query("hund"), names) == NamedTags([], ("🐶 hund",))
    named = take_tags(parse_query("cathedral below Mt. Fuji"), names)
    terms, tags = named.terms, named.tags
    assert tags == ("mt. fuji",) and [t.text for t in terms] == ["cathedral below"]  # not the tag "cat"
    assert take_tags(parse_query("smith, john"), names | {"smith john"}).tags == ("smith john", "smith, john")
    found = tag_candidates(parse_query("Smith, John + photos of Mt. Fuji + 🐶 Hund"))
    assert {"smith john", "mt fuji", "hund"} <= found


def test_a_tag_is_named_without_the_vowel_marks_of_hebrew_and_arabic_either_way() -> None:
    """"שלום" names the tag "שָׁלוֹם", as "cafe" names "café"; typed with its marks, "שָׁלוֹם" was three
    words to the look-up (a mark is no letter to \\w) and named no tag "שלום"."""
    assert take_tags(parse_query("שלום בים"), {"שָׁלוֹם"}) == NamedTags([QueryTerm(1, text="בים")], ("שָׁלוֹם",))
    assert take_tags(parse_query("שָׁלוֹם"), {"שלום"}) == NamedTags([], ("שלום",))
    named = take_tags(parse_query("محمد على الشاطئ"), {"مُحَمَّد", "علي"})
    assert named == NamedTags([QueryTerm(1, text="على الشاطئ")], ("مُحَمَّد",))  # "على" (on) is not Ali
    assert take_tags(parse_query("مُحَمَّد not احمد"), {"محمد", "أحمد"}) == NamedTags([], ("محمد",), ("أحمد",))


def test_a_users_tag_and_a_photos_whole_name_are_found_without_their_vowel_marks(open_library, tmp_path: Path) -> None:
    photos = tmp_path / "photos"
    for i, name in enumerate(["שָׁלוֹם.jpg", "a.jpg", "b.jpg", "c.jpg", "d.jpg"]):
        write_photo(photos / name, seed=i)
    library = open_library()
    library.index([photos])
    tagged = [library.photo_at(photos / name).id for name in ("c.jpg", "d.jpg")]
    library.add_tag(tagged, "مُحَمَّد")

    hits, scope = library.search_scoped("شاطئ محمد", limit=5)
    assert {h.photo_id for h in hits[:2]} == set(tagged) and scope.tags == ("مُحَمَّد",)
    hits, scope = library.search_scoped("שלום", limit=5)
    assert hits[0].path.name == "שָׁלוֹם.jpg" and scope.whole_name


def test_a_photos_whole_long_name_typed_as_a_search_lists_that_photo_first(open_library, tmp_path: Path) -> None:
    """README: a photo's whole name finds it first. Names of more than five words were taken for
    descriptions and ranked by the model alone, which reads only their first words."""
    photos = tmp_path / "photos"
    names = ["Family holiday at the dead sea 017.jpg", "Family holiday at the dead sea 018.jpg",
             "IMG_7777 with the family at the beach of tel aviv.jpg", "حفلة عيد ميلاد أحمد في بيت الجدة 023.jpg",
             "חופשה משפחתית בים המלח עם סבא וסבתא 017.jpg", *(f"p{i}.jpg" for i in range(6))]
    for i, name in enumerate(names):
        write_photo(photos / name, seed=i)
    library = open_library()
    library.index([photos])

    for query, name in [(n.removesuffix(".jpg"), n) for n in names[:5]] + [
            ("img 7777 with the family at the beach of Tel Aviv", names[2]),
            ("حفلة عيد ميلاد احمد في بيت الجدة 023", names[3])]:
        hits, scope = library.search_scoped(query, limit=3)
        assert (hits[0].path.name, scope.file_name, scope.whole_name) == (name, query, True), query
    _, scope = library.search_scoped("family holiday at the dead sea 019 with grandpa", limit=3)
    assert scope is None or scope.file_name is None  # no photo is named so: words for the model


def test_tag_candidates_are_the_runs_of_up_to_four_words() -> None:
    found = tag_candidates(parse_query("kids at the lake house + sunset"))
    assert {"kids", "lake house", "at the lake house", "kids at the lake", "sunset"} <= found
    assert "kids at the lake house" not in found  # five words


def test_dates_in_two_terms_that_never_meet_ask_for_either() -> None:
    """"2018 + 2019" found nothing at all ("photos taken no dates at all"); within one term as much."""
    from datetime import datetime

    from photoclip.search import take_period

    terms, period = take_period(parse_query("2018 + 2019"))
    assert terms == [] and period.spans == ((datetime(2018, 1, 1), datetime(2020, 1, 1)),)
    terms, period = take_period(parse_query("beach in 2019 + in july"))
    assert terms == [QueryTerm(1, text="beach")] and period.spans == ((datetime(2019, 7, 1), datetime(2019, 8, 1)),)


def test_words_in_quotes_name_no_tag() -> None:
    """The README says quoted words are searched as written; the dates and places kept to that, tags did not."""
    named = take_tags(parse_query('kids "summer 2019"'), {"2019", "kids"})
    rest, tags = named.terms, named.tags
    assert tags == ("kids",) and rest == [QueryTerm(1, text="summer 2019")]


@pytest.mark.parametrize(("typed", "spaced"), [
    ("in portugal -in lisbon", "in portugal - in lisbon"),
    ("beach in portugal -in lisbon", "beach in portugal - in lisbon"),
    ("in 2019 -in lisbon", "in 2019 - in lisbon"),
    ("beach -in new york -people", "beach - in new york -people"),
    ("beach -last summer", "beach - last summer"),
    ("beach -christmas 2020 + dog", "beach - christmas 2020 + dog"),
    ("cat -at night", "cat - at night"),
])
def test_a_minus_before_a_place_or_a_date_leaves_out_all_its_words_as_a_spaced_minus_does(typed, spaced) -> None:
    """"in portugal -in lisbon" subtracted the word "in" and kept to the words "in portugal lisbon": no
    place at all, every photo; "beach -last summer" kept "summer" to search for."""
    assert parse_query(typed) == parse_query(spaced)


@pytest.mark.parametrize(("query", "terms"), [
    ("beach -in lisbon sunset", [(1, "beach sunset"), (-1, "in lisbon")]),
    ("-in lisbon beach", [(1, "beach"), (-1, "in lisbon")]),
    ("beach -in lisbon at sunset", [(1, "beach at sunset"), (-1, "in lisbon")]),
    ("beach -in new york skyline", [(1, "beach skyline"), (-1, "in new york")]),
    ("beach -in zzyzxq sunset", [(1, "beach"), (-1, "in zzyzxq sunset")]),  # no map knows it: as a spaced minus
])
def test_a_minus_before_a_place_leaves_out_the_place_and_looks_for_the_words_after_it(query, terms) -> None:
    """"beach -in lisbon sunset" subtracted the sunset too, and "-in lisbon beach" was refused as only
    things to leave out."""
    assert [(term.sign, term.text) for term in parse_query(query)] == terms


def test_places_left_out_one_after_another_are_all_left_out() -> None:
    """"beach -in lisbon -in porto" left out Lisbon only, and looked for photos unlike the words "in porto"."""
    from photoclip.places import Place
    from photoclip.search import take_place

    known = {"lisbon": Place("town", "Lisbon, Portugal", "", "PT"), "porto": Place("town", "Porto, Portugal", "", "PT"),
             "france": Place("country", "France", "", "FR"), "paris": Place("town", "Paris, France", "", "FR"),
             "lyon": Place("town", "Lyon, France", "", "FR")}
    terms, place = take_place(parse_query("beach -in lisbon -in porto"), known.get)
    assert terms == [QueryTerm(1, text="beach")] and place.left_out
    assert [part.label for part in place.parts] == ["Lisbon, Portugal", "Porto, Portugal"]
    assert take_place(parse_query(f"beach {place.words}"), known.get)[1] == place
    terms, place = take_place(parse_query("in france -in paris -in lyon"), known.get)
    assert terms == [] and [part.label for part in place.but] == ["Paris, France", "Lyon, France"]


def test_a_place_left_out_of_another_is_said_as_it_reads_back() -> None:
    """The header said "(in portugal -in lisbon)" for "in portugal - in lisbon", the very words that
    lost every place when typed back."""
    from photoclip.places import Place
    from photoclip.search import take_place

    known = {"portugal": Place("country", "Portugal", "", "PT"), "lisbon": Place("town", "Lisbon, Portugal", "", "PT")}
    terms, place = take_place(parse_query("beach in portugal -in lisbon"), known.get)
    assert terms == [QueryTerm(1, text="beach")] and place.words == "in portugal -in lisbon"
    assert (place.label, [part.label for part in place.but]) == ("Portugal", ["Lisbon, Portugal"])
    assert take_place(parse_query(place.words), known.get) == ([], place)
    _terms, alone = take_place(parse_query("beach -in lisbon"), known.get)
    assert alone.left_out and take_place(parse_query(f"beach {alone.words}"), known.get)[1] == alone


@pytest.mark.parametrize(("query", "terms"), [
    ("red -in", [(1, "red"), (-1, "in")]),  # no place after it: the word
    ("beach -may flowers", [(1, "beach flowers"), (-1, "may")]),  # "may flowers" is no date
    ("beach -in 2019 in lisbon", [(1, "beach in lisbon"), (-1, "in 2019")]),  # the date, then a place kept to
])
def test_a_minus_leaves_out_a_word_or_a_dates_words_only(query: str, terms) -> None:
    assert [(t.sign, t.text) for t in parse_query(query)] == terms


@pytest.mark.parametrize("name, words", [
    ("2019 Lake Tahoe", ("lake", "tahoe")), ("Sarah's Birthday", ("sarah", "birthday")), ("Day 1", ("day",)),
    ("New York", ("new", "york")), ("DCIM", ()), ("100APPLE", ()), ("July 2019", ()), ("Best of 2019", ()),
    ("Camera Roll", ()), ("Photos from Zürich", ("zurich",)), ("WhatsApp Images", ("whatsapp",)),
    ("東京", ("東京",)),
])
def test_an_albums_words_are_what_its_name_says_of_its_photos(name: str, words: tuple[str, ...]) -> None:
    assert album_words(name) == words


_ALBUMS = albums_by_words(["/p/2019 Lake Tahoe", "/p/Kids", "/p/Day 1", "/p/Red", "/p/Lake Como", "/p/Summer Vacation",
                           "/p/2019 Lake Tahoe/Sarah's Birthday", "/p/2019", "/p/Photos"])


@pytest.mark.parametrize("query, first, left_out, rest", [
    ("kids at Lake Tahoe", ("/p/2019 Lake Tahoe",), (), "kids at Lake Tahoe"),
    ("kids", ("/p/Kids",), (), "kids"),
    ("photos of the kids", ("/p/Kids",), (), "photos of the kids"),
    ("red circle", (), (), "red circle"),
    ("lake", (), (), "lake"),
    ("tahoe", (), (), "tahoe"),
    ("tahoe lake", (), (), "tahoe lake"),
    ("sarah's birthday at lake tahoe", ("/p/2019 Lake Tahoe/Sarah's Birthday",), (), "sarah's birthday at lake tahoe"),
    ("sunset not at lake tahoe", (), ("/p/2019 Lake Tahoe",), "sunset"),
    ("sunset not at lake tahoe with kids", (), ("/p/2019 Lake Tahoe",), "sunset with kids"),
    ("kids except lake como", ("/p/Kids",), ("/p/Lake Como",), "kids"),
    ("triangle without stars at lake tahoe", ("/p/2019 Lake Tahoe",), (), "triangle without stars at lake tahoe"),
    ("not red circle", (), (), "not red circle"),
    ("sunset not at home", (), (), "sunset not at home"),
    ('sunset -"lake tahoe"', (), ("/p/2019 Lake Tahoe",), "sunset|lake tahoe"),
    ("not lake tahoe", (), ("/p/2019 Lake Tahoe",), ""),
    ("sunset -red", (), (), "sunset|red"),
])
def test_albums_named_whole_come_first_or_are_left_out(
    query: str, first: tuple[str, ...], left_out: tuple[str, ...], rest: str
) -> None:
    """An album of one everyday word ("Red") is no album of "red circle": named only alone."""
    named = named_albums(parse_query(query), _ALBUMS)
    assert (named.first, named.left_out) == (first, left_out)
    assert "|".join(t.text or "" for t in named.terms) == rest


def test_a_pasted_page_names_an_album_inside_it_through_runs_no_longer_than_an_albums_name() -> None:
    """A query of 2,000 words made every run of them, two million, and took 10 GB."""
    words = ("red",) * 2000
    assert search._runs(words, 3) == [words[:1]] * 2000 + [words[:2]] * 1999 + [words[:3]] * 1998
    page = " ".join(["sunset"] * 1000 + ["at", "lake", "tahoe"] + ["sunset"] * 1000)
    assert named_albums(parse_query(page), _ALBUMS).first == ("/p/2019 Lake Tahoe",)


def test_folders_are_looked_up_by_their_album_words_and_those_of_none_are_not() -> None:
    assert _ALBUMS[("lake", "tahoe")] == ["/p/2019 Lake Tahoe"] and () not in _ALBUMS and len(_ALBUMS) == 7


def test_an_album_is_named_by_the_query_as_typed_before_its_dates_went() -> None:
    """"summer vacation" is the album "Summer Vacation", though "summer" is also every summer."""
    assert named_albums(parse_query("vacation"), _ALBUMS, parse_query("summer vacation")).first == (
        "/p/Summer Vacation",)


@pytest.mark.parametrize("query", ["~5 kg cat", "~ red circle", "a cat " * 50 + "and/or a dog"])
def test_words_that_look_a_little_like_a_path_are_words(query: str) -> None:
    """"~5 kg cat" raised (no user "5 kg cat" to find the home of), and a long query with a "/" failed
    as a file name too long for the system, in the app and the CLI."""
    from photoclip.search import missing_image, typed_folder

    assert typed_folder(query) is None and missing_image(query) is None
    assert [term.text for term in parse_query(query)] == [" ".join(query.split())]


def test_a_year_left_out_in_persian_digits_is_left_out_as_in_0_to_9() -> None:
    """"beach -۲۰۱۹" kept to 2019 once dates were read in any script's digits: its minus was read only before 0-9."""
    terms, period = search.take_period(parse_query("beach -۲۰۱۹"))
    assert [t.text for t in terms] == ["beach"] and period.words == "-2019" and period.but
    assert [(t.sign, t.text) for t in parse_query('دریا -"کیک ۲"')] == [(1, "دریا"), (-1, "کیک ۲")]
