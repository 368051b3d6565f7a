"""places.py on the shipped GeoNames gazetteer: place words read from queries (and common
words left alone), positions named by their town, countries and regions kept."""

from __future__ import annotations

import pytest

from photoclip import places


@pytest.mark.parametrize(("query", "rest", "label", "words"), [
    ("kids at the lake in lisbon", "kids at the lake", "Lisbon, Portugal", "in lisbon"),
    ("beach in portugal", "beach", "Portugal", "in portugal"),
    ("snow in colorado", "snow", "Colorado, United States", "in colorado"),
    ("photos in the netherlands", "photos", "The Netherlands", "in the netherlands"),
    ("dinner in new york city", "dinner", "New York City, United States", "in new york city"),
    ("sunset in nice with mum", "sunset with mum", "Nice, France", "in nice"),
    ("cat in Cologne", "cat", "Köln, Germany", "in Cologne"),  # an English name of a big city
    ("dog near münchen", "dog", "Munich, Germany", "near münchen"),
    ("in köln", "", "Köln, Germany", "in köln"),
    ("castle in the uk", "castle", "United Kingdom", "in the uk"),
    ("castle in scotland", "castle", "Scotland, United Kingdom", "in scotland"),  # a region, not the whole UK
    ("vineyard in tuscany", "vineyard", "Tuscany, Italy", "in tuscany"),
    ("tulips in holland", "tulips", "The Netherlands", "in holland"),  # a country's other name beats a town's
    ("plage à Nice", "plage", "Nice, France", "à Nice"),  # as other languages say "in"
    ("praia em Lisboa", "praia", "Lisbon, Portugal", "em Lisboa"),
    ("plage près de Nice", "plage", "Nice, France", "près de Nice"),
    ("strand bei Köln", "strand", "Köln, Germany", "bei Köln"),
])
def test_place_words_after_in_at_near_name_a_place(query, rest, label, words) -> None:
    found_rest, place = places.extract_place(query)
    assert (found_rest, place.label, place.words) == (rest, label, words)


@pytest.mark.parametrize("query", [
    "girl in orange dress",  # a town is named orange, but a word follows that is not a small word
    "beach at sunset",  # Sunset, Florida: a common word is never a place
    "flowers in spring",
    "in nice weather",
    "tokyo at night",
    "trip to japan",  # "to" is not one of the words a place follows
    "a red circle",
    "snow all around us", "kids near us", "the world around us",  # "us" is the country only after "in"
    "made in china",  # where a thing was made
    "in nice and warm weather",
    "girl in orange and white",
    "at the seaside", "boats in the marina", "at the peak", "kids at rugby", "ring in gold", "at the summit",
    "in the vineyard", "at the fountain", "at the bank", "at the police", "in time",  # towns, but common words
    "statue near lion", "dog near pet", "tree near lime",  # GeoNames' other names of Lyon, Perth and Lima
    "in nice but cold",  # "but" ends "nice" only before a place left out
])
def test_words_that_only_look_like_places_stay_words(query) -> None:
    assert places.extract_place(query) == (query, None)


@pytest.mark.parametrize(("query", "rest"), [
    ("sunset in nice!", "sunset"), ("sunset in nice.", "sunset"), ("in nice?", ""),
    ("beach in nice 😎", "beach 😎"), ("in Nice 🇫🇷", ""), ("in nice!!! beach", "beach"),
])
def test_punctuation_or_an_emoji_after_a_place_is_no_part_of_its_name(query, rest) -> None:
    found_rest, place = places.extract_place(query)
    assert (found_rest, place and place.label) == (rest, "Nice, France")


@pytest.mark.parametrize(("query", "label"), [
    ("in the us", "United States"), ("in the US", "United States"), ("in usa", "United States"),
    ("sunset in nice and cannes", "Nice, France or Cannes, France"),  # "nice and" before another place
])
def test_words_that_may_be_other_words_are_places_where_they_can_only_be(query, label) -> None:
    assert places.extract_place(query)[1].label == label


@pytest.mark.parametrize(("query", "rest", "labels", "words"), [
    ("beach in spain or portugal", "beach", ["Spain", "Portugal"], "in spain or portugal"),
    ("in paris, lyon and nice!", "", ["Paris, France", "Lyon, France", "Nice, France"], "in paris, lyon and nice"),
    ("in paris and in london", "", ["Paris, France", "London, United Kingdom"], "in paris and in london"),
    ("in paris, france or london", "", ["Paris, France", "London, United Kingdom"], "in paris, france or london"),
    ("kids in paris and disneyland", "kids and disneyland", ["Paris, France"], "in paris"),
    ("in lisbon, sunset", "sunset", ["Lisbon, Portugal"], "in lisbon"),
    ("in nice & cannes", "", ["Nice, France", "Cannes, France"], "in nice & cannes"),
    ("dog in nice, sunny day", "dog, sunny day", ["Nice, France"], "in nice"),
    ("in paris or", "", ["Paris, France"], "in paris"),  # as it is being typed
    ("in paris or at the beach", "at the beach", ["Paris, France"], "in paris"),
    ("kids in paris and in the park", "kids in the park", ["Paris, France"], "in paris"),
])
def test_places_joined_by_and_or_or_a_comma_are_each_of_them(query, rest, labels, words) -> None:
    found_rest, place = places.extract_place(query)
    assert (found_rest, [part.label for part in place.parts or (place,)], place.words) == (rest, labels, words)
    assert place.label == " or ".join(labels)


@pytest.mark.parametrize(("query", "label", "region"), [
    ("beach in florence, alabama", "Florence, United States", "AL"),
    ("beach in florence italy", "Florence, Italy", "16"),
    ("in atlanta georgia", "Atlanta, United States", "GA"),  # the US state, not the country
    ("in georgia usa", "Georgia, United States", "GA"),
    ("in victoria, australia", "Victoria, Australia", "07"),  # the state, not the Hong Kong town
    ("in victoria bc", "Victoria, Canada", "02"),
    ("in victoria, b.c.", "Victoria, Canada", "02"),
    ("in springfield, u.s.", "Springfield, United States", "MO"),
    ("in paris texas", "Paris, United States", "TX"),
    ("in portland, or", "Portland, United States", "OR"),  # "or" is Oregon only after a comma
    ("in new york state", "New York, United States", "NY"),
    ("in split, croatia", "Split, Croatia", "15"),  # a town known by a word, kept to by its country
    ("in st. helier, jersey", "St Helier, Jersey", "3237864"),  # a full stop in a name
])
def test_a_country_or_region_after_a_name_keeps_to_its_namesakes_there(query, label, region) -> None:
    place = places.extract_place(query)[1]
    assert (place.label, place.region, place.words) == (label, region, query.removeprefix("beach ").rstrip("."))


@pytest.mark.parametrize("query", ["in nice spain", "in nice, italy", "in sydney, new york", "in paris texas beach",
                                   "in reading", "phone in mobile", "in split", "church in bath", "baby in bath",
                                   "in the Bath", "in reading or writing"])
def test_a_name_with_no_namesake_in_the_country_after_it_or_known_by_a_word_is_no_place(query) -> None:
    assert places.extract_place(query) == (query, None)


@pytest.mark.parametrize(("query", "label"), [("church in Bath", "Bath, United Kingdom"),
                                              ("in Reading", "Reading, United Kingdom")])
def test_a_town_known_by_a_word_is_a_place_written_with_a_capital(query, label) -> None:
    assert places.extract_place(query)[1].label == label


def test_every_place_of_a_name_is_known_small_towns_last() -> None:
    gazetteer = places.gazetteer()
    victoria = [p.label for p in gazetteer.lookup_all("victoria")]
    assert victoria[:3] == ["Victoria, Hong Kong", "Victoria, Australia", "Victoria, Canada"]
    assert [p.label for p in gazetteer.lookup_all("georgia")] == ["Georgia", "Georgia, United States"]
    assert [p.label for p in gazetteer.lookup_all("cologne")] == ["Köln, Germany", "Cologne, Italy"]
    assert gazetteer.lookup("cologne").label == "Köln, Germany" and gazetteer.lookup("unterföhring") is None
    assert [p.label for p in gazetteer.lookup_all("unterföhring")] == ["Unterföhring, Germany"]  # 10,500 people


def test_a_town_found_in_a_query_is_the_most_populous_of_its_name() -> None:
    _rest, paris = places.extract_place("party in paris")
    assert (paris.kind, paris.country, paris.radius_km) == ("town", "FR", 40.0)
    _rest, portugal = places.extract_place("in portugal")
    assert (portugal.kind, portugal.country, portugal.region) == ("country", "PT", None)
    _rest, colorado = places.extract_place("in colorado")
    assert (colorado.kind, colorado.country, colorado.region) == ("region", "US", "CO")
    _rest, bavaria = places.extract_place("in bavaria")
    assert (bavaria.kind, bavaria.country, bavaria.region) == ("region", "DE", "02")
    _rest, madrid = places.extract_place("in madrid")  # a big city before the region of its name
    assert (madrid.kind, madrid.country) == ("town", "ES")


def test_positions_are_named_by_their_town_and_keep_the_nearest_ones_country() -> None:
    gazetteer = places.gazetteer()
    assert gazetteer.describe(38.72, -9.14) == "Lisbon, Portugal"
    assert gazetteer.describe(51.5, -0.12) == "London, United Kingdom"  # not the borough it is in
    nearest, named = gazetteer.locate(46.19, 6.236)
    assert (nearest.name, nearest.country) == ("Annemasse", "FR")  # a suburb of Geneva across the border
    assert (named.name, named.country) == ("Annemasse", "FR")  # named in its own country, not by Geneva
    assert gazetteer.describe(22.2759, 114.1455) == "Hong Kong, Hong Kong"  # the Peak, not Shenzhen, China
    assert gazetteer.describe(33.6292, -112.368) == "Phoenix, United States"  # Surprise, in Phoenix's reach
    assert gazetteer.describe(0.001, 0.001) is None and gazetteer.locate(-40.0, -120.0) is None  # at sea
    assert gazetteer.describe(-16.78, 179.34) is not None  # Fiji, by the antimeridian


def test_distances_and_reach() -> None:
    assert places.distance_km(48.8534, 2.3488, 51.5085, -0.1257) == pytest.approx(343.5, abs=1.0)
    assert places.town_radius_km(5_000) == 5.0 and places.town_radius_km(9_000_000) == 40.0
    assert places.fold("Köln") == "koln" and places.fold("ÅLESUND") == "alesund"


def test_country_names_read_alone_are_the_gazetteers() -> None:
    from photoclip.places import country_names, gazetteer

    assert country_names() == gazetteer().countries and country_names()["PT"] == "Portugal"


@pytest.mark.parametrize(("query", "rest", "label", "but", "words"), [
    ("in france but not paris", "", "France", ["Paris, France"], "in france but not paris"),
    ("beach in france but not in paris", "beach", "France", ["Paris, France"], "in france but not in paris"),
    ("in france, except paris or lyon, sunset", "sunset", "France", ["Paris, France", "Lyon, France"],
     "in france, except paris or lyon"),
    ("castle in scotland excluding edinburgh", "castle", "Scotland, United Kingdom", ["Edinburgh, United Kingdom"],
     "in scotland excluding edinburgh"),
    ("beach in spain or portugal other than lisbon", "beach", "Spain or Portugal", ["Lisbon, Portugal"],
     "in spain or portugal other than lisbon"),
])
def test_a_place_named_but_not_another_leaves_that_one_out(query, rest, label, but, words) -> None:
    """"in france but not paris" was no place at all, and "in france but not in paris" left France to the model."""
    found_rest, place = places.extract_place(query)
    assert (found_rest, place.label, [part.label for part in place.but], place.words) == (rest, label, but, words)
    assert not place.left_out


def test_a_place_left_out_where_no_photo_was_taken_leaves_nothing_out_but_its_words() -> None:
    """A library's lookup knows no Paris when none of its photos were taken there: no photo to leave out, but the
    words are still no words to search for."""
    france = places.gazetteer().lookup("france")
    rest, place = places.extract_place("beach in france but not paris",
                                       lambda words: france if words == "france" else None)
    assert (rest, place.label, place.but, place.words) == ("beach", "France", (), "in france but not paris")


@pytest.mark.parametrize(("query", "rest", "label"), [
    ("beach not in paris", "beach", "Paris, France"),
    ("plage pas à zurich", "plage", "Zurich, Switzerland"),
    ("plage sauf à nice", "plage", "Nice, France"),
    ("Strand nicht in Köln", "Strand", "Köln, Germany"),
    ("außer in köln", "", "Köln, Germany"),
    ("praia exceto em lisboa", "praia", "Lisbon, Portugal"),
    ("praia não em lisboa", "praia", "Lisbon, Portugal"),
    ("plage excepté à nice", "plage", "Nice, France"),
])
def test_a_place_after_not_in_french_german_or_portuguese_is_left_out(query: str, rest: str, label: str) -> None:
    """"plage pas à zurich" kept to Zürich: the negation was a word and "à zurich" the place."""
    found_rest, place = places.extract_place(query)
    assert (found_rest, place.label, place.left_out) == (rest, label, True)


def test_pas_in_english_says_no_not() -> None:
    rest, place = places.extract_place("faux pas in paris")
    assert (rest, place.label, place.left_out) == ("faux pas", "Paris, France", False)


@pytest.mark.parametrize(("query", "rest", "label"), [
    ("beach in paris not kids", "beach not kids", "Paris, France"),
    ("kids in lisbon except sarah", "kids except sarah", "Lisbon, Portugal"),
    ("in paris without kids", "without kids", "Paris, France"),
    ("in paris no kids", "no kids", "Paris, France"),
    ("beach in france but not the beach", "beach but not the beach", "France"),
])
def test_a_place_followed_by_not_and_words_that_are_no_place_is_still_the_place(query, rest, label) -> None:
    """"beach in paris not kids" kept to no place: a name ended before "not" only where a place left out followed."""
    found_rest, place = places.extract_place(query)
    assert (found_rest, place.label, place.left_out) == (rest, label, False)


@pytest.mark.parametrize("words, alone", [("paris", True), ("lisbon", True), ("Turkey", True), ("turkey", False),
                                          ("nice", False), ("Nice", True), ("reading", False), ("china", True)])
def test_a_search_of_an_everyday_word_alone_is_no_place_unless_written_with_a_capital(words: str, alone: bool) -> None:
    """"turkey" listed the photos of a trip to Turkey first at Thanksgiving."""
    assert places.may_be_named_alone(words) is alone
