from __future__ import annotations

from photoclip.names import file_name_key, key_range, name_key


def test_a_name_is_compared_by_its_words_whatever_is_between_them() -> None:
    assert name_key("😀 Selfie") == name_key("selfie!") == name_key("SELFIE") == "selfie"
    assert name_key("IMG_1234") == name_key("img-1234") == "img 1234"
    assert name_key("Lisbon  tram") == "lisbon tram"


def test_a_name_is_compared_without_the_accents_of_latin_and_greek_letters() -> None:
    """As people type names; marks that other scripts spell with stay: "が" is not "か", "й" not "и".
    Greek capitals are written without accents: "ΑΚΡΟΠΟΛΗ" and "ακροπολη" did not find "Ακρόπολη"."""
    assert name_key("Été à Paris") == name_key("ete a paris") == "ete a paris"
    assert name_key("Zürich 2019") == "zurich 2019" and name_key("Hà Nội") == "ha noi"
    assert name_key("Straße") == name_key("STRASSE") == "strasse"
    assert name_key("がっこう") != name_key("かっこう") and name_key("Αθήνα") == "αθηνα"
    assert name_key("ΑΚΡΟΠΟΛΗ") == name_key("Ακρόπολη") == "ακροπολη" and name_key("Οδυσσεύς") == "οδυσσευσ"
    assert name_key("Ϊ ϋ") == "ι υ" and name_key("Мой") != name_key("Мои")
    assert name_key("cafe\u0301") == name_key("caf\u00e9") and name_key("😀 ") == ""
    assert name_key("İstanbul") == "istanbul" and name_key("Łódź 2019") == "lodz 2019"
    assert name_key("Ørsted") == "orsted" and name_key("Æbleskiver") == "aebleskiver"


def test_a_files_key_is_its_names_less_folder_and_suffix() -> None:
    assert file_name_key("/photos/2019.trip/😀 Selfie.JPG") == "selfie"
    assert file_name_key("/photos/scan 003!.jpg") == "scan 003" and file_name_key("/photos/IMG_0001") == "img 0001"


def test_the_keys_that_start_as_a_key_is_spelt_are_in_its_range() -> None:
    low, high = key_range("img 12")
    assert all(low <= key < high for key in ("img 12", "img 1234", "img 12 ☃", "img 12\U0010fffe"))
    assert not any(low <= key < high for key in ("img 1", "img 13", "img 2", "im"))


def test_a_spelling_key_folds_case_and_accents_but_keeps_signs_and_emoji() -> None:
    from photoclip.names import spelling_key

    assert spelling_key("Zürich") == spelling_key("zurich") and spelling_key("Rotkreis  Ü") == "rotkreis u"
    assert spelling_key("c++") != spelling_key("c") and spelling_key("🐶") != spelling_key("🐱")
