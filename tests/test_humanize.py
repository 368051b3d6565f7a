"""Numbers and names as people read them."""

from __future__ import annotations

from photoclip import humanize


def test_a_count_names_one_thing_or_many() -> None:
    assert humanize.plural(1, "photo") == "1 photo"
    assert humanize.plural(0, "photo") == "0 photos"
    assert humanize.plural(12_345, "photo") == "12,345 photos"
    assert humanize.plural(1, "extra copy", "extra copies") == "1 extra copy"
    assert humanize.plural(2, "extra copy", "extra copies") == "2 extra copies"


def test_sizes_read_as_file_managers_show_them() -> None:
    assert [humanize.file_size(n) for n in (840, 12_345, 4_100_000, 7_200_000_000)] == [
        "840 bytes", "12.3 kB", "4.1 MB", "7.2 GB"]


def test_a_photos_size_in_pixels_reads_alike_in_every_view() -> None:
    """The grid's tooltip said "1600 × 900", the duplicates' tiles "1600×900", the preview "1,600 × 900 pixels"."""
    assert humanize.pixel_size(1600, 900) == "1,600 × 900 pixels"


def test_a_copy_that_is_not_the_same_file_never_reads_100_percent() -> None:
    assert humanize.similarity(0.99999) == "99.9%" and humanize.similarity(0.9876) == "98.7%"


def test_control_characters_are_not_shown_but_tabs_and_line_breaks_are() -> None:
    assert humanize.shown("Grandma\x92s garden\x01") == "Grandma\ufffds garden\ufffd"
    assert humanize.shown("Lake house\nDay\tone") == "Lake house\nDay\tone"
    assert humanize.shown("caf\udce9 Straße") == "caf\ufffd Straße"


def test_a_long_file_name_is_cut_in_its_middle_keeping_its_start_and_extension() -> None:
    name = "Summer_holiday_at_the_lake_with_grandma_and_the_kids_and_the_dog_2019 (2).jpg"
    short = humanize.shortened(name)
    assert len(short) == 60 and short.startswith("Summer_holiday_at_the_lake") and short.endswith("2019 (2).jpg")
    assert "…" in short and humanize.shortened("IMG_0001.jpg") == "IMG_0001.jpg"
