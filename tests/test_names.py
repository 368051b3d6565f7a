from __future__ import annotations

from pathlib import Path

from photoclip.names import file_name_key, key_range, marked_words, name_key, spelling_key
from tests.helpers import write_photo


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


def test_hebrew_and_arabic_are_compared_without_their_vowel_marks_as_most_people_type_them() -> None:
    """Niqqud and cantillation, harakat, tatweel and the hamza or madda of an alef go, as Arabic search
    engines fold them; ة and ى are letters of their own ("على", on, is not "علي", Ali)."""
    assert name_key("שָׁלוֹם") == name_key("שלום") == "שלום" and name_key("בְּרֵאשִׁ֖ית") == "בראשית"
    assert name_key("مُحَمَّد") == name_key("محـــمد") == name_key("محمد") == "محمد"
    assert name_key("أحمد إبراهيم آمنة ٱلله") == "احمد ابراهيم امنة الله"
    assert name_key("على") != name_key("علي") and name_key("مدرسة") != name_key("مدرسه")
    assert spelling_key("שָׁלוֹם") == "שלום" and spelling_key("مُحَمَّد") == "محمد"
    assert name_key("שָׁלוֹם_2019") == "שלום 2019" and name_key("Мой") != name_key("Мои")


def test_marked_words_keep_the_marks_written_on_their_letters() -> None:
    """A mark is no letter to a regular expression: "שָׁלוֹם" was three words, none of them שלום."""
    text = "שָׁלוֹם, IMG_12 مُحَمَّد cafe\u0301!"
    assert [m.group() for m in marked_words(text)] == ["שָׁלוֹם", "IMG", "12", "مُحَمَّد", "cafe\u0301"]
    assert [name_key(m.group()) for m in marked_words(text)] == ["שלום", "img", "12", "محمد", "cafe"]


def test_a_files_key_is_its_names_less_folder_and_suffix() -> None:
    assert file_name_key("/photos/2019.trip/😀 Selfie.JPG") == "selfie"
    assert file_name_key("/photos/scan 003!.jpg") == "scan 003" and file_name_key("/photos/IMG_0001") == "img 0001"
    # a name ending in dots or spaces (made on Linux, on a drive Windows reads too): "party.jpg." is a party's
    assert file_name_key("/usb/party.jpg.") == file_name_key("/usb/party.jpg ") == "party"


def test_the_keys_that_start_as_a_key_is_spelt_are_in_its_range() -> None:
    low, high = key_range("img 12")
    assert all(low <= key < high for key in ("img 12", "img 1234", "img 12 ☃", "img 12\U0010fffe"))
    assert not any(low <= key < high for key in ("img 1", "img 13", "img 2", "im"))


def test_a_spelling_key_folds_case_and_accents_but_keeps_signs_and_emoji() -> None:
    from photoclip.names import spelling_key

    assert spelling_key("Zürich") == spelling_key("zurich") and spelling_key("Rotkreis  Ü") == "rotkreis u"
    assert spelling_key("c++") != spelling_key("c") and spelling_key("🐶") != spelling_key("🐱")


def test_persian_and_urdu_letters_are_the_arabic_ones_their_keyboards_type_otherwise() -> None:
    """Persian's and Urdu's keyboards type ی and ک where Arabic's type ي and ك, and Urdu's ہ where they
    type ه: "کتابخانه ملی" was not "كتابخانه ملي", nor "علی" "علي". Urdu's own letters stay apart: ھ of
    "بھائی" (brother) is not ہ of "بہائی" (Baha'i), nor ے of "لڑکے" (boys) ی of "لڑکی" (a girl); and so
    do Arabic's ة and ى."""
    assert name_key("کتابخانه ملی") == name_key("كتابخانه ملي") == "كتابخانه ملي"
    assert name_key("علی") == name_key("علي") != name_key("على") and spelling_key("علی") == spelling_key("علي")
    assert name_key("مدرسہ") == name_key("مدرسه") != name_key("مدرسة") and name_key("خانۀ") == name_key("خانه")
    assert name_key("بھائی") != name_key("بہائی") and name_key("لڑکے") != name_key("لڑکی")
    assert file_name_key("/عکس‌ها/کیک تولد.jpg") == name_key("كيك تولد")


def test_the_digits_of_every_script_are_compared_as_0_to_9() -> None:
    """A Persian's "عکس ۲۰۱۹", an Arabic's "٢٠١٩" and a Japanese IME's "２０１９" are the 2019 of "IMG 2019":
    their names were not found by the digits typed otherwise."""
    assert name_key("عکس ۲۰۱۹") == name_key("عكس 2019") == "عكس 2019" and name_key("٢٠١٩") == "2019"
    assert name_key("２０１９年") == "2019年" and name_key("IMG_٠٠١") == "img 001" and name_key("x²") == "x²"
    assert file_name_key("/photos/IMG_۱۲۳۴.JPG") == "img 1234" and spelling_key("سفر ۱۳۹۸") == "سفر 1398"


def test_a_name_or_tag_in_persian_letters_or_digits_is_found_as_typed_either_way(open_library, tmp_path: Path) -> None:
    photos = tmp_path / "photos"
    for i, name in enumerate(["کتابخانه ملی.jpg", "عکس ۲۰۱۹.jpg", "a.jpg", "b.jpg", "c.jpg", "d.jpg"]):
        write_photo(photos / name, seed=i)
    library = open_library()
    library.index([photos])
    tagged = [library.photo_at(photos / name).id for name in ("c.jpg", "d.jpg")]
    library.add_tag(tagged, "علی")

    for query, name in [("كتابخانه ملي", "کتابخانه ملی.jpg"), ("عکس 2019", "عکس ۲۰۱۹.jpg"),
                        ("عكس ٢٠١٩", "عکس ۲۰۱۹.jpg")]:
        hits, scope = library.search_scoped(query, limit=3)
        assert (hits[0].path.name, scope.whole_name) == (name, True), query
    hits, scope = library.search_scoped("علي في البيت", limit=3)
    assert {h.photo_id for h in hits[:2]} == set(tagged) and scope.tags == ("علی",)
