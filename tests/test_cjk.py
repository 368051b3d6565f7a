from __future__ import annotations

from photoclip import cjk


def test_a_run_is_indexed_by_its_characters_and_their_neighbour_pairs():
    assert cjk.index_terms("夜景 at night, 犬") == "夜 景 夜景 犬"
    assert cjk.index_terms("ｶﾒﾗ") == "カ メ ラ カメ メラ"  # half-width katakana as the full-width it means
    assert cjk.index_terms("Lake house") == ""


def test_a_query_word_is_found_by_the_pairs_of_its_runs_and_its_other_letters_as_they_are():
    assert cjk.query_parts("東京タワー") == ["東京 京タ タワ ワー"]
    assert cjk.query_parts("犬") == ["犬"]
    assert cjk.query_parts("tokyo東京") == ["tokyo", "東京"]
    assert cjk.has_cjk("서울") and cjk.has_cjk("ﾀﾜｰ") and not cjk.has_cjk("Déjà vu")
