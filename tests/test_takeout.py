"""Google Takeout's JSON beside a photo: found by Google's naming rules, read for the date
and the place the photo's own EXIF lacks."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from photoclip.takeout import TakeoutFacts, json_owners, sidecar_names, takeout_facts
from tests.helpers import write_photo
from tests.test_scan import blocking_file, within  # noqa: F401 - a fixture


@pytest.mark.parametrize("photo, sidecar", [
    ("IMG_1234.JPG", "IMG_1234.JPG.json"),
    ("IMG_20250112_100426.jpg", "IMG_20250112_100426.jpg.supplemental-metadata.json"),
    ("Screenshot_2017-07-05-10-05-26.png", "Screenshot_2017-07-05-10-05-26.png.supplementa.json"),
    ("D7157814-D2D5-4A62-AFCE-9CF465CB7D66.jpeg", "D7157814-D2D5-4A62-AFCE-9CF465CB7D66.jpeg.supp.json"),
    ("Screenshot_20220207_102421_com.snapchat.android.jpg", "Screenshot_20220207_102421_com.snapchat.androi.json"),
    ("Urlaub in Knaufspesch in der Schneifel (38).JPG", "Urlaub in Knaufspesch in der Schneifel (38).JP.json"),
    ("IMG_1234(1).jpg", "IMG_1234.jpg(1).json"),
    ("IMG_1234(1).jpg", "IMG_1234.jpg.supplemental-metadata(1).json"),
    ("IMG_1234-edited.jpg", "IMG_1234.jpg.json"),
    ("IMG_1234-bearbeitet.jpg", "IMG_1234.jpg.supplemental-metadata.json"),
])
def test_the_json_is_looked_for_under_the_names_google_gives_it(photo: str, sidecar: str) -> None:
    assert sidecar in sidecar_names(photo)


def test_a_json_belongs_to_the_photos_in_its_folder_that_look_for_it() -> None:
    folder = Path("/takeout/Photos from 2019")
    photos_of_json = json_owners([folder / "IMG_1.jpg", folder / "IMG_1-edited.jpg", folder / "IMG_1(1).jpg",
                                  folder / "IMG_2.jpg", folder / "elsewhere" / "IMG_1.jpg"])

    assert photos_of_json(folder / "IMG_1.jpg.json") == [folder / "IMG_1.jpg", folder / "IMG_1-edited.jpg"]
    assert photos_of_json(folder / "IMG_1.jpg(1).json") == [folder / "IMG_1(1).jpg"]
    assert photos_of_json(folder / "elsewhere" / "IMG_1.jpg.json") == [folder / "elsewhere" / "IMG_1.jpg"]
    assert photos_of_json(folder / "metadata.json") == []


def test_the_photos_own_name_comes_first_before_a_copy_number_reading() -> None:
    names = sidecar_names("Lake (2).jpg")
    assert names.index("Lake (2).jpg.supplemental-metadata.json") < names.index("Lake .jpg(2).json")


def _takeout_json(path: Path, taken: int | str | None, geo: tuple[float, float] | None = None, **extra) -> Path:
    data = {"title": path.name, "description": "", **extra}
    if taken is not None:
        data["photoTakenTime"] = {"timestamp": str(taken), "formatted": "whenever"}
    if geo is not None:
        data["geoData"] = {"latitude": geo[0], "longitude": geo[1], "altitude": 0.0}
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_the_date_and_place_are_read_in_local_time(tmp_path: Path) -> None:
    stamp = 1562850000
    _takeout_json(tmp_path / "IMG_1.jpg.supplemental-metadata.json", stamp, (38.7223, -9.1393))

    facts = takeout_facts(tmp_path / "IMG_1.jpg")

    assert facts == TakeoutFacts(datetime.fromtimestamp(stamp).isoformat(timespec="seconds"), (38.7223, -9.1393))


def test_unknown_dates_and_places_are_none(tmp_path: Path) -> None:
    _takeout_json(tmp_path / "a.jpg.json", 0, (0.0, 0.0), geoDataExif={"latitude": 0.0, "longitude": 0.0})
    _takeout_json(tmp_path / "b.jpg.json", "soon", (91.0, 10.0), geoDataExif={"latitude": 47.0, "longitude": 8.0})
    _takeout_json(tmp_path / "c.jpg.json", 4102444800, (47.0, 8.0))  # 2100
    _takeout_json(tmp_path / "d.jpg.json", 0, (True, True))  # not 1.0, 1.0
    _takeout_json(tmp_path / "e.jpg.json", 0, (1e-9, 1e-9))  # null island

    assert takeout_facts(tmp_path / "a.jpg") == TakeoutFacts(None, None)
    assert takeout_facts(tmp_path / "b.jpg") == TakeoutFacts(None, (47.0, 8.0))
    assert takeout_facts(tmp_path / "c.jpg") == TakeoutFacts(None, (47.0, 8.0))
    assert takeout_facts(tmp_path / "d.jpg") == takeout_facts(tmp_path / "e.jpg") == TakeoutFacts(None, None)


@pytest.mark.parametrize("content", [b"", b"{broken", b"[1, 2]", b'{"title": "x.jpg"}', b'"text"', b"\xff\xfe",
                                     b"[" * 100_000 + b"]" * 100_000])
def test_a_json_that_is_no_takeout_json_is_ignored(tmp_path: Path, content: bytes) -> None:
    (tmp_path / "x.jpg.json").write_bytes(content)
    assert takeout_facts(tmp_path / "x.jpg") is None


def test_a_folder_named_like_the_json_is_ignored(tmp_path: Path) -> None:
    (tmp_path / "x.jpg.json").mkdir()
    assert takeout_facts(tmp_path / "x.jpg") is None


def test_a_json_whose_read_never_returns_is_passed_over(tmp_path: Path, blocking_file) -> None:
    _takeout_json(tmp_path / "x.jpg.json", 1562850000)
    blocking_file(tmp_path / "x.jpg.supplemental-metadata.json")  # looked for first: a FIFO, a link to /proc/kmsg

    facts = within(10, takeout_facts, tmp_path / "x.jpg")

    assert facts is not None and facts.taken_at == datetime.fromtimestamp(1562850000).isoformat(timespec="seconds")


def test_halves_of_a_pair_in_a_description_are_joined_and_a_lone_one_dropped(tmp_path: Path) -> None:
    (tmp_path / "a.jpg.json").write_text('{"geoData": 0, "description": "Beach day \\ud83d"}', encoding="utf-8")
    (tmp_path / "b.jpg.json").write_text('{"geoData": 0, "description": "\\udc00Lake \\ud83d\\ude00"}',
                                         encoding="utf-8")
    (tmp_path / "c.jpg.json").write_bytes(b'{"geoData": 0, "description": "Lake \xed\xa0\xbd\xed\xb8\x80"}')  # CESU-8

    assert takeout_facts(tmp_path / "a.jpg") == TakeoutFacts(None, None, "Beach day")
    lake = TakeoutFacts(None, None, "Lake 😀")
    assert takeout_facts(tmp_path / "b.jpg") == takeout_facts(tmp_path / "c.jpg") == lake


def test_a_photo_whose_description_holds_half_of_a_pair_is_indexed_with_it(open_library, tmp_path: Path) -> None:
    folder = tmp_path / "Takeout"
    lone, cut = write_photo(folder / "a.jpg", seed=1), write_photo(folder / "b.jpg", seed=2)
    (folder / "a.jpg.json").write_text('{"geoData": 0, "description": "\\udc00"}', encoding="utf-8")
    (folder / "b.jpg.json").write_text('{"photoTakenTime": {"timestamp": "1562850000"}, '
                                       '"description": "Beach day \\ud83d"}', encoding="utf-8")
    library = open_library()

    library.index([folder])

    assert library.status().counts.indexed == 2
    assert library.caption(library.photo_at(lone).id) is None
    assert library.caption(library.photo_at(cut).id) == "Beach day"
    assert [hit.path for hit in library.search("beach day", limit=10)][0] == cut


def test_numbers_too_large_for_a_date_or_place_leave_the_photo_without_them(open_library, tmp_path: Path) -> None:
    photo = write_photo(tmp_path / "Takeout" / "a.jpg", seed=1)
    huge = "1" + "0" * 400
    (tmp_path / "Takeout" / "a.jpg.json").write_text(
        f'{{"photoTakenTime": {{"timestamp": "{huge}"}}, "geoData": {{"latitude": {huge[:310]}, "longitude": 0}},'
        f' "geoDataExif": {{"latitude": 1, "longitude": {huge[:310]}}}}}', encoding="utf-8")

    assert takeout_facts(photo) == TakeoutFacts(None, None)
    library = open_library()
    library.index([tmp_path / "Takeout"])
    indexed = library.photo_at(photo)
    assert library.status().counts.failed == 0 and indexed.lat is None and indexed.lon is None
