from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from photoclip.errors import QueryError
from photoclip.search import QueryTerm, combine, parse_query
from tests.helpers import write_photo


def test_plain_text_is_one_positive_term() -> None:
    assert parse_query("kids at the lake") == [QueryTerm(1, text="kids at the lake")]


def test_plus_and_minus_terms_are_split_as_rclip_users_write_them() -> None:
    terms = parse_query("beach + sunset - people")
    assert [(t.sign, t.text) for t in terms] == [(1, "beach"), (1, "sunset"), (-1, "people")]


def test_hyphenated_words_are_not_operators() -> None:
    assert parse_query("t-shirt with a x-ray") == [QueryTerm(1, text="t-shirt with a x-ray")]


def test_an_existing_image_path_is_an_image_term(tmp_path: Path) -> None:
    photo = write_photo(tmp_path / "dog.jpg", seed=1)
    terms = parse_query(f"{photo} - grass")
    assert terms == [QueryTerm(1, image=photo), QueryTerm(-1, text="grass")]


@pytest.mark.parametrize("query", ["", "   ", "- cats"])
def test_queries_with_nothing_to_look_for_are_refused(query: str) -> None:
    with pytest.raises(QueryError):
        parse_query(query)


def test_combine_adds_positives_subtracts_negatives_and_normalises() -> None:
    vectors = {"a": np.array([1.0, 0.0, 0.0]), "b": np.array([0.0, 1.0, 0.0])}
    query = combine(parse_query("a - b"), lambda t: vectors[t.text])
    np.testing.assert_allclose(query, np.array([1.0, -1.0, 0.0]) / np.sqrt(2))


def test_terms_that_cancel_out_are_refused() -> None:
    with pytest.raises(QueryError, match="cancel"):
        combine(parse_query("a + b - a - b"), lambda t: np.array([1.0, 0.0]) if t.text == "a" else np.array([0.0, 1.0]))
