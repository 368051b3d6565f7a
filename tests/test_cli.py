from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import random
import re
import select
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from photoclip import cli, dedup, tagging
from photoclip.catalog import CATALOG_FILE
from photoclip.cli import COMMANDS, main
from photoclip.humanize import plural
from photoclip.library import Library
from photoclip.lock import LibraryLock
from tests.conftest import TINY_MODEL, HangingShare
from tests.helpers import (
    as_an_unprivileged_user,
    copies_folder,
    located_photo,
    others_sidecar,
    resized_copy,
    scene_folder,
    shapes_vocabulary,
    write_photo,
)


@pytest.fixture
def run(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    """Run the CLI in-process against one library; returns (exit code, stdout, stderr)."""

    def invoke(*args: str) -> tuple[int, str, str]:
        code = main(["--library", str(tmp_path / "lib"), "--model", "photoclip-tiny", *args])
        out, err = capsys.readouterr()
        return code, out, err

    invoke.photoclip = f"photoclip --library {tmp_path / 'lib'}"  # advice to run a command names the library
    return invoke


def test_index_then_search_prints_paths_one_per_line(run, photo_folder: Path) -> None:
    started = time.monotonic()
    code, _, err = run("index", str(photo_folder))
    took = time.monotonic() - started
    said = re.search(r"indexed 6 photos, 0 failed, in (\d+\.\d)s \(\d+\.\d photos/s while embedding\)", err)
    assert code == 0 and said is not None, err
    assert took * 0.8 - 0.1 <= float(said.group(1)) <= took + 0.05  # the whole command's, the model's loading too
    code, out, _ = run("search", "a", "photo", "-n", "3")
    lines = out.splitlines()
    assert code == 0 and len(lines) == 3
    assert all(Path(line).is_file() for line in lines)


def test_a_catalog_damaged_inside_gives_one_line_that_says_to_keep_it(run, photo_folder: Path, tmp_path: Path) -> None:
    """Opening it looks only at its first page: a table damaged further in fails a command later."""
    run("index", str(photo_folder))
    catalog = tmp_path / "lib" / CATALOG_FILE
    with sqlite3.connect(catalog) as connection:
        page = connection.execute("SELECT rootpage FROM sqlite_master WHERE name = 'photos'").fetchone()[0]
        size = connection.execute("PRAGMA page_size").fetchone()[0]
    connection.close()
    with catalog.open("r+b") as file:
        file.seek((page - 1) * size)
        file.write(bytes(random.Random(1).randrange(256) for _ in range(size)))
    assert run("search", "a photo") == (2, "", (
        f"photoclip: error: the catalog {catalog} is damaged (database disk image is malformed); keep a copy of it, "
        "then restore it from a backup, or move it away to start fresh (the tags you gave go with it)\n"))


def test_index_without_folders_says_how_to_give_one(run) -> None:
    assert run("index") == (
        2, "", f"photoclip: error: this library has no folders yet; give one: {run.photoclip} index FOLDER\n")


def test_a_search_answers_from_the_text_tower_without_importing_torch(photo_folder: Path, tmp_path: Path) -> None:
    """Once the model has been loaded on this machine, a cold search needs only its cached text
    tower, which runs in numpy: importing torch takes 2-3 s, open_clip and torchvision more."""
    options = ["--library", str(tmp_path / "lib"), "--model", "photoclip-tiny"]
    subprocess.run([sys.executable, "-m", "photoclip", *options, "index", str(photo_folder)], check=True)
    code = (
        "import sys\nfrom photoclip.cli import main\n"
        f"code = main({options!r} + ['search', 'a red circle', '-n', '2'])\n"
        "print('torch' in sys.modules, 'open_clip' in sys.modules, 'torchvision' in sys.modules, code)"
    )
    lines = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout.splitlines()
    assert lines[-1] == "False False False 0"
    assert len(lines) == 3 and all(Path(line).is_file() for line in lines[:2])


def test_a_file_name_that_is_not_utf8_is_printed_as_its_own_bytes(
    run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import io
    import os

    from tests.helpers import write_photo

    odd = write_photo(Path(os.fsdecode(bytes(tmp_path / "card") + b"/caf\xe9.jpg")), seed=1)
    run("index", str(odd.parent))
    stdout = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    monkeypatch.setattr(sys, "stdout", stdout)

    code = main(["--library", str(tmp_path / "lib"), "--model", "photoclip-tiny", "search", "a photo"])
    stdout.flush()
    assert code == 0 and stdout.buffer.getvalue() == bytes(odd) + b"\n"


def test_paths_can_end_with_nul_for_names_that_hold_a_newline(run, tmp_path: Path) -> None:
    from tests.helpers import write_photo

    odd = write_photo(tmp_path / "card" / "two\nlines.jpg", seed=1)
    plain = write_photo(tmp_path / "card" / "plain.jpg", seed=2)
    run("index", str(odd.parent))
    run("tag", "trip", str(odd))
    assert run("similar", str(plain), "-0") == (0, f"{odd}\0", "")
    assert run("tagged", "trip", "--null") == (0, f"{odd}\0", "")
    code, out, _ = run("search", "a photo", "-0")
    assert code == 0 and out.endswith("\0") and sorted(out.split("\0")[:-1]) == sorted([str(odd), str(plain)])


def test_search_json_has_paths_and_scores(run, photo_folder: Path) -> None:
    run("index", str(photo_folder))
    code, out, _ = run("search", "a photo", "--json", "-n", "2")
    hits = json.loads(out)
    assert code == 0 and len(hits) == 2
    assert hits[0]["score"] >= hits[1]["score"] and Path(hits[0]["path"]).is_file()


def test_search_copy_to_copies_what_it_found(run, photo_folder: Path, tmp_path: Path) -> None:
    run("index", str(photo_folder))
    code, out, err = run("search", "a photo", "-n", "3", "--copy-to", str(tmp_path / "picked"))
    found = [Path(line) for line in out.splitlines()]
    assert code == 0 and len(found) == 3 and "copied 3 photos" in err
    assert sorted(p.name for p in (tmp_path / "picked").iterdir()) == sorted(p.name for p in found)
    code, _, err = run("search", "a photo", "-n", "3", "--copy-to", str(tmp_path / "picked"))
    assert code == 0 and "copied 0 photos to" in err and "(3 there already)" in err
    assert len(list((tmp_path / "picked").iterdir())) == 3 and "indexed too" not in err
    code, _, err = run("search", "a photo", "-n", "1", "--copy-to", str(photo_folder / "picked"))
    assert code == 0 and err.endswith(f"{photo_folder / 'picked'} is in a folder of the library: the copies will be "
                                      f"indexed too, and listed by `{run.photoclip} duplicates`\n")
    found[0].unlink()
    found[0].mkdir()  # a file that cannot be copied (a deleted one is left out of the results)
    code, _, err = run("search", "a photo", "-n", "3", "--copy-to", str(tmp_path / "again"))
    assert code != 0 and err.count(str(found[0])) == 1  # said once, not by a log line too
    code, _, err = run("search", "a photo", "-n", "1", "--copy-to", str(found[1] / "below a file"))
    assert code != 0 and err.count("\n") == 1 and "cannot make the folder" in err


def test_similar_excludes_the_query_photo(run, photo_folder: Path) -> None:
    run("index", str(photo_folder))
    code, out, _ = run("similar", str(photo_folder / "p0.jpg"))
    assert code == 0 and str(photo_folder / "p0.jpg") not in out.splitlines()
    assert len(out.splitlines()) == 5
    code, out, _ = run("similar", str(photo_folder / "p0.jpg"), str(photo_folder / "p1.jpg"))
    assert code == 0 and len(out.splitlines()) == 4
    assert not {str(photo_folder / "p0.jpg"), str(photo_folder / "p1.jpg")} & set(out.splitlines())


def test_similar_that_finds_nothing_says_so_and_exits_1_as_search_does(run, tmp_path: Path) -> None:
    write_photo(tmp_path / "one" / "only.jpg", seed=1)
    run("index", str(tmp_path / "one"))
    assert run("similar", str(tmp_path / "one" / "only.jpg")) == (1, "", "no photos match\n")
    assert run("similar", str(tmp_path / "one" / "only.jpg"), "--json") == (1, "[]\n", "no photos match\n")


def test_similar_lists_a_resized_copy_and_says_it_leaves_out_only_files_of_the_same_bytes(
    run, photo_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Its help said "never it nor its copies", and a copy saved again smaller is listed, at the top."""
    small = resized_copy(photo_folder / "p0.jpg", photo_folder / "sent" / "p0 small.jpg")
    run("index", str(photo_folder))
    code, out, _ = run("similar", str(photo_folder / "p0.jpg"), "-n", "1")
    assert (code, out) == (0, f"{small}\n")
    with pytest.raises(SystemExit):
        main(["similar", "--help"])
    described = " ".join(capsys.readouterr().out.split())
    assert "never it nor files of the same bytes (a resized or edited copy is listed)" in described
    assert "its copies" not in described


def test_similar_leaves_out_the_files_of_the_very_bytes_asked_about(run, photo_folder: Path) -> None:
    """A backup of p0 came first at 1.000, its `copies` naming p0: the photo asked about, not one like it."""
    backup = photo_folder / "Backup" / "p0.jpg"
    backup.parent.mkdir()
    shutil.copy2(photo_folder / "p0.jpg", backup)
    run("index", str(photo_folder))
    asked = {str((photo_folder / "p0.jpg").resolve()), str(backup.resolve())}
    for args in (("--json",), ("--json", "--all-copies")):
        code, out, _ = run("similar", str(photo_folder / "p0.jpg"), *args)
        rows = json.loads(out)
        assert code == 0 and len(rows) == 5 and not asked & {row["path"] for row in rows}
        assert not any(row["copies"] for row in rows) and max(row["score"] for row in rows) < 0.999


def test_a_search_for_a_file_name_lists_that_photo_first(run, photo_folder: Path) -> None:
    run("index", str(photo_folder))

    code, out, err = run("search", "P4", "-n", "3")

    assert code == 0 and out.splitlines()[0] == str(photo_folder / "trip" / "p4.png") and len(out.splitlines()) == 3
    assert err == "photos whose name starts with P4 first\n"
    (photo_folder / "trip" / "p4.png").unlink()  # deleted since indexing: no photo named so is shown
    code, out, err = run("search", "P4", "-n", "3")
    assert code == 0 and "p4.png" not in out and err == (
        f"left out 1 photo deleted or moved since indexing (`{run.photoclip} index` catches up)\n")


def test_a_search_for_words_of_a_caption_lists_that_photo_first(run, photo_folder: Path) -> None:
    from PIL import Image

    exif = Image.Exif()
    exif[0x010E] = "Tom's first swim"
    with Image.open(photo_folder / "p3.jpg") as im:
        im.save(photo_folder / "p3.jpg", "JPEG", exif=exif)
    run("index", str(photo_folder))

    code, out, err = run("search", "tom swimming in the sea", "-n", "2")

    assert code == 0 and out.splitlines()[0] == str(photo_folder / "p3.jpg")
    assert err == "photos whose caption says tom first\n"


def test_remove_leaves_out_a_folder_inside_the_library_and_index_brings_it_back(run, photo_folder: Path) -> None:
    run("index", str(photo_folder))

    assert run("remove", str(photo_folder / "trip")) == (0, "", (
        f"forgot 2 photos in {photo_folder / 'trip'} (the files are untouched; "
        f"`{run.photoclip} index {photo_folder / 'trip'}` brings them back, with the tags you gave them)\n"))
    status = json.loads(run("status", "--json")[1])
    assert status["total"] == 4 and status["left_out"] == [str(photo_folder / "trip")]
    assert f"left out: {photo_folder / 'trip'}\n" in run("status")[1]
    assert run("search", "a photo", "--in", str(photo_folder / "trip"))[1] == ""
    assert run("index", str(photo_folder / "trip"))[0] == 0
    assert json.loads(run("status", "--json")[1])["total"] == 6


def test_remove_of_a_folder_named_with_a_dash_says_how_to_bring_it_back(
    run, photo_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The hint said `index -trip`, which is refused as an unknown option."""
    (photo_folder / "trip").rename(photo_folder / "-trip")
    run("index", str(photo_folder))
    monkeypatch.chdir(photo_folder)

    code, _, err = run("remove", "--", "-trip")
    assert code == 0 and f"`{run.photoclip} index -- -trip` brings them back" in err
    assert run("index", "--", "-trip")[0] == 0
    assert json.loads(run("status", "--json")[1])["total"] == 6


def test_tag_commands_take_a_tag_spelt_as_search_reads_it(run, photo_folder: Path) -> None:
    """`tagged zurich` found the photos tagged "Zürich", but `untag zurich` and `rename-tag zurich` refused it."""
    run("index", str(photo_folder))
    one, two = str(photo_folder / "p1.jpg"), str(photo_folder / "p2.jpg")
    run("tag", "Zürich", one, two)

    assert run("untag", "zurich", one) == (0, "", "took Zürich off 1 photo\n")
    assert run("rename-tag", "zurich", "Zuerich") == (0, "", "1 photo tagged Zuerich\n")
    assert run("delete-tag", "ZUERICH")[2] == "took Zuerich off 1 photo\n"
    run("define-tag", "Rotkreis Ü", "--prompt", "a red circle")
    assert run("forget-tag", "rotkreis u")[0] == 0 and run("tags", "--defined")[1] == ""


def test_tag_commands_never_take_another_tag_for_one_of_other_signs_or_emoji(run, photo_folder: Path) -> None:
    """"c" deleted "c++", and "🐱" the tag "🐶": their names differ only in what a search leaves out."""
    run("index", str(photo_folder))
    one = str(photo_folder / "p1.jpg")
    run("tag", "🐶", one)
    run("tag", "c++", one)

    assert run("untag", "🐱", one)[0] == 2 and run("delete-tag", "c")[0] == 2
    assert run("rename-tag", "🐱", "cat")[0] == 2 and run("tagged", "🐱")[0] == 1
    assert {line.split("\t")[0] for line in run("tags", "--photo", one)[1].splitlines()} >= {"🐶", "c++"}


def test_a_folder_or_photo_typed_composed_is_the_one_a_mac_wrote_decomposed(run, photo_folder: Path) -> None:
    """`--in "Été"` said there was no such folder when the folder, copied from a Mac, was named "E\u0301te\u0301"."""
    import unicodedata

    summer = photo_folder / unicodedata.normalize("NFD", "Été")
    write_photo(summer / unicodedata.normalize("NFD", "Plage.jpg"), seed=11)
    run("index", str(photo_folder))

    code, out, _ = run("search", "a photo", "--in", str(photo_folder / "Été"))
    assert code == 0 and out.splitlines() == [str(summer / unicodedata.normalize("NFD", "Plage.jpg"))]
    assert run("tag", "beach", str(photo_folder / "Été" / "Plage.jpg"))[0] == 0
    assert run("remove", str(photo_folder / "Été"))[0] == 0


def test_a_search_that_leaves_out_a_tag_says_so(run, photo_folder: Path) -> None:
    run("index", str(photo_folder))
    run("tag", "Kids", str(photo_folder / "p3.jpg"))

    code, out, err = run("search", "a photo not kids")
    assert code == 0 and err == "photos tagged Kids left out\n"
    assert str(photo_folder / "p3.jpg") not in out.splitlines() and len(out.splitlines()) == 5


def test_a_search_naming_a_folder_lists_its_photos_first_and_says_so(run, photo_folder: Path) -> None:
    run("index", str(photo_folder))
    trip = {str(photo_folder / "trip" / "p4.png"), str(photo_folder / "trip" / "p5.png")}

    code, out, err = run("search", "photos of our trip")
    assert code == 0 and err == "photos in trip first\n" and set(out.splitlines()[:2]) == trip
    code, out, err = run("search", "a photo not from the trip")
    assert code == 0 and err == "photos in trip left out\n" and len(out.splitlines()) == 4
    assert not set(out.splitlines()) & trip
    write_photo(photo_folder / "2019" / "trip" / "p9.jpg", seed=9)
    run("index")
    code, out, err = run("search", "the trip")
    assert code == 0 and err == "photos in 2019/trip or photos/trip first\n" and len(out.splitlines()) == 7


def test_a_search_of_only_a_tag_left_out_lists_the_photos_without_it_and_says_so(run, photo_folder: Path) -> None:
    """"-kids" was refused for having nothing to look for, where "not kids" listed every other photo."""
    run("index", str(photo_folder))
    run("tag", "Kids", str(photo_folder / "p3.jpg"))

    code, out, err = run("search", "--", "-kids")  # after --, as photoclip says, -kids is no option
    assert (code, out, err) == run("search", "not kids")
    assert code == 0 and err == "photos tagged Kids left out\n" and len(out.splitlines()) == 5
    assert str(photo_folder / "p3.jpg") not in out.splitlines()
    code, _, err = run("search", "--", "-kids", "-sunset")
    assert code != 0 and "sunset is not one of your tags" in err


def test_remove_of_a_folder_that_is_not_there_is_an_error_not_a_rule_kept_for_ever(run, photo_folder: Path) -> None:
    run("index", str(photo_folder))
    typo = photo_folder / "tirp"
    assert run("remove", str(typo)) == (2, "", f"photoclip: error: {typo} is not a folder, and the library has "
                                                "no photos there; check the name\n")
    assert json.loads(run("status", "--json")[1])["left_out"] == []


def test_index_says_what_it_found_moved_deleted_and_offline(run, photo_folder: Path, tmp_path: Path) -> None:
    drive, old = tmp_path / "media" / "drive", tmp_path / "old"
    write_photo(drive / "d.jpg", seed=8)
    write_photo(old / "o.jpg", seed=9)
    run("index", str(photo_folder), str(drive), str(old))
    (photo_folder / "trip").rename(photo_folder / "Trip 2019")
    (photo_folder / "p0.jpg").unlink()
    drive.rename(tmp_path / "unplugged")  # where it was mounted stays, empty
    shutil.rmtree(old)  # from a folder that holds more
    code, _, err = run("index")
    assert code == 0 and err.splitlines()[1:] == [
        "found 2 photos moved (tags kept) and 1 photo deleted since the last scan",
        f"{drive} is not there (an unplugged drive?): its photos are kept, shown as offline",
        f"{old} is not found (deleted, moved or renamed?): its photos are kept until you remove it "
        f"(photoclip --library {tmp_path / 'lib'} remove {old})",
    ]
    code, out, _ = run("index", "--json")
    said = json.loads(out)
    assert code == 0 and (said["moved"], said["removed"], said["offline"]) == (0, 0, [str(drive), str(old)])
    code, _, err = run("duplicates")  # "0 groups" alone read as "no duplicates" among the photos not there
    assert code == 0 and err.splitlines()[-1] == (
        f"the photos in {drive} and {old} were not compared: they are not there (a drive not connected?)")


def test_photos_the_settings_now_leave_out_are_not_said_to_be_deleted(run, photo_folder: Path, tmp_path: Path) -> None:
    """A folder left out in Settings was reported as photos deleted, while its files were all there."""
    run("index", str(photo_folder))
    settings = tmp_path / "lib" / "settings.json"
    settings.write_text(json.dumps({**json.loads(settings.read_text()), "exclude_patterns": ["trip"]}))
    (photo_folder / "p0.jpg").unlink()

    code, _, err = run("index")

    assert code == 0 and err.splitlines()[1:] == [
        "found 1 photo deleted since the last scan",
        "2 photos no longer indexed, the files untouched: the settings leave them out now (or a JPEG beside a raw "
        "stands for it, or they are in a Google Takeout's trash or a program's folder: see the README's \"What is "
        "not indexed\")",
    ]
    assert all(path.exists() for path in (photo_folder / "trip").iterdir())
    settings.write_text(json.dumps({**json.loads(settings.read_text()), "exclude_patterns": []}))
    run("index")
    settings.write_text(json.dumps({**json.loads(settings.read_text()), "exclude_patterns": ["trip"]}))
    said = json.loads(run("index", "--json")[1])
    assert (said["removed"], said["left_out"]) == (2, 2)  # of the photos removed, those still there


def test_index_says_how_many_tags_came_with_keywords_other_programs_wrote(run, photo_folder: Path) -> None:
    run("index", str(photo_folder))
    sidecar = photo_folder / "p0.jpg.xmp"
    sidecar.write_bytes(others_sidecar(["Grandma", "Lisbon"]))  # digiKam, while photoclip was closed
    later = (photo_folder / "p0.jpg").stat().st_mtime_ns + 10**9
    os.utime(sidecar, ns=(later, later))
    code, _, err = run("index")
    assert code == 0 and err.startswith("indexed 0 photos, 0 failed, in ") and err.splitlines()[1:] == [
        "2 tags came or went with keywords other programs wrote in sidecars"]
    code, out, _ = run("index", "--json")
    assert code == 0 and json.loads(out)["keywords"] == 0


def test_index_and_status_say_how_many_videos_were_left_out(run, photo_folder: Path) -> None:
    """A camera roll holds videos: "indexed 6 photos" alone left the user wondering where they went."""
    for name in ("IMG_1234.MOV", "trip/PXL_20230704_183500111.mp4", ".hidden/VID_1.mp4"):
        (photo_folder / name).write_bytes(b"\x00\x00\x00\x18ftypqt  ")
    code, _, err = run("index", str(photo_folder))
    assert code == 0 and err.splitlines()[1:] == ["2 videos left out: photoclip indexes photos only"]
    assert "videos:  2 left out (photoclip indexes photos only)\n" in run("status")[1]
    assert json.loads(run("status", "--json")[1])["videos"] == 2
    (photo_folder / "IMG_1234.MOV").unlink()
    (photo_folder / "trip" / "PXL_20230704_183500111.mp4").unlink()
    code, _, err = run("index")
    assert code == 0 and len(err.splitlines()) == 1 and "videos" not in run("status")[1]


def test_index_and_status_say_how_many_images_of_other_formats_were_left_out(run, photo_folder: Path) -> None:
    """A folder's Photoshop documents and TGA textures were left out without a word, while `similar
    hopper.psd` said to save it as a JPEG, PNG or TIFF."""
    for name in ("edit.psd", "retouch.psd", "wall.tga", "sky.dds", "trip/scan.ppm", "logo.eps", "notes.txt"):
        (photo_folder / name).write_bytes(b"8BPS\x00\x01")
    said = ("2 Photoshop documents and 4 DDS, EPS, PPM and other images left out: save them as JPEG, PNG or TIFF "
            "to index them")
    code, _, err = run("index", str(photo_folder))
    assert code == 0 and err.splitlines()[1:] == [said]
    assert f"images:  {said}\n" in run("status")[1]
    assert json.loads(run("status", "--json")[1])["images_left_out"] == {"psd": 2, "dds": 1, "eps": 1, "ppm": 1,
                                                                       "tga": 1}
    for name in ("edit.psd", "wall.tga", "sky.dds", "trip/scan.ppm", "logo.eps"):
        (photo_folder / name).unlink()
    code, out, err = run("index", "--json")
    assert code == 0 and json.loads(out)["images_left_out"] == {"psd": 1}
    assert "images:  1 Photoshop document left out: save it as JPEG, PNG or TIFF to index it\n" in run("status")[1]
    (photo_folder / "retouch.psd").unlink()
    assert run("index")[0] == 0 and "images:" not in run("status")[1]


def test_status_names_a_folder_left_out_as_it_is_named(run, photo_folder: Path) -> None:
    trip = photo_folder / "[2019] Trip"
    write_photo(trip / "lake.jpg", seed=7)
    run("index", str(photo_folder))

    assert run("remove", str(trip))[0] == 0
    assert f"left out: {trip}\n" in run("status")[1]
    assert run("index", str(trip))[0] == 0
    assert "left out" not in run("status")[1] and json.loads(run("status", "--json")[1])["total"] == 7


def test_an_image_address_among_words_is_fetched_as_an_image(run, photo_folder: Path, web_folder) -> None:
    """`search URL blue` searched the address as words (a local file in its place was an image)."""
    run("index", str(photo_folder))
    served, base = web_folder
    shutil.copy(photo_folder / "trip" / "p4.png", served / "p4.png")
    url = f"{base}/p4.png"
    as_written = json.loads(run("search", f"{url} + a photo", "--json")[1])
    assert as_written[0]["path"] == str(photo_folder / "trip" / "p4.png")
    for args in ((url, "a photo"), (f"{url} a photo",)):
        code, out, _ = run("search", *args, "--json")
        assert code == 0 and json.loads(out) == as_written, args
    for args in (("screenshot", "of", base, "login"), (f"screenshot of {base} login",)):  # a site's address: words
        assert run("search", *args, "-n", "1")[0] == 0, args


def test_words_starting_with_a_tilde_or_long_with_a_slash_are_searched_as_words(run, photo_folder: Path) -> None:
    """"~5 kg cat" ended in a traceback (no user "5 kg cat" has a home), and a long query with a "/" was
    refused as a name too long for the system."""
    run("index", str(photo_folder))
    for query in ("~5 kg cat", "a cat " * 50 + "and/or a dog"):
        code, out, _ = run("search", query, "-n", "1")
        assert code == 0 and len(out.splitlines()) == 1, query


def test_a_photo_whose_name_holds_a_spaced_dash_or_plus_is_searched_as_an_image(
    run, photo_folder: Path, tmp_path: Path
) -> None:
    """"IMG_1234 - Copy.jpg", as Windows names a copy, said "no photo at Copy.jpg"."""
    run("index", str(photo_folder))
    (tmp_path / "outside").mkdir()
    for name in ("p2 - Copy.jpg", "red + blue.jpg"):
        copy = shutil.copy(photo_folder / "p2.jpg", tmp_path / "outside" / name)
        for args in ((str(copy),), (str(copy), "a photo"), (f"{copy} + a photo",)):
            code, out, err = run("search", *args, "-n", "1")
            assert (code, out) == (0, f"{photo_folder / 'p2.jpg'}\n"), (args, err)


def test_similar_takes_the_url_of_an_image(run, photo_folder: Path, web_folder) -> None:
    run("index", str(photo_folder))
    served, base = web_folder
    shutil.copy(photo_folder / "p2.jpg", served / "p2.jpg")

    code, out, _ = run("similar", f"{base}/p2.jpg", "-n", "1")
    assert code == 0 and out == f"{photo_folder / 'p2.jpg'}\n"
    code, out, err = run("similar", f"{base}/gone.jpg")
    assert code == 2 and out == "" and err == (
        f"photoclip: error: cannot fetch the image at {base}/gone.jpg: the server answered HTTP 404\n")


def test_status_lists_counts_and_each_failure_with_its_reason(run, photo_folder: Path) -> None:
    (photo_folder / "broken.jpg").write_bytes(b"\xff\xd8\xff garbage")
    run("index", str(photo_folder))
    code, out, _ = run("status", "--json")
    status = json.loads(out)
    assert code == 0
    assert (status["total"], status["indexed"], status["pending"], status["failed"]) == (7, 6, 0, 1)
    assert status["failures"][0]["path"].endswith("broken.jpg") and status["failures"][0]["reason"]
    code, out, _ = run("status")
    assert "broken.jpg:" in out and "1 failed" in out


def test_status_lists_photos_indexed_despite_damage(run, photo_folder: Path) -> None:
    whole = (photo_folder / "p1.jpg").read_bytes()
    (photo_folder / "p1.jpg").write_bytes(whole[:-2])  # its end marker lost
    run("index", str(photo_folder))
    status = json.loads(run("status", "--json")[1])
    assert (status["indexed"], status["failed"], status["failures"]) == (6, 0, [])
    assert status["damaged"] == [{"path": str(photo_folder / "p1.jpg"),
                                  "damage": "the file ends early; the image looks whole"}]
    out = run("status")[1]
    assert "damaged (indexed as far as they go" in out
    assert f"  {photo_folder / 'p1.jpg'}: the file ends early; the image looks whole" in out.splitlines()


def test_a_warning_is_one_line_even_after_a_library_logs_through_the_root_logger() -> None:
    # open_clip calls logging.info() while loading a model, which set up a second handler
    code = ("import logging; from photoclip import cli; cli._warnings_as_lines(); logging.info('parsing');"
            " logging.getLogger('photoclip.library').warning('the search index was not saved');"
            " logging.getLogger('torch').error('a library error')")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stderr.splitlines() == ["photoclip: warning: the search index was not saved", "a library error"]


def test_errors_are_one_line_with_a_non_zero_exit(run, tmp_path: Path) -> None:
    code, out, err = run("index", str(tmp_path / "no-such-folder"))
    assert code == 2 and out == ""
    assert err.startswith("photoclip: error:") and err.count("\n") == 1
    assert "there is no folder" in err
    assert not (tmp_path / "lib").exists()  # a typo makes no library
    (tmp_path / "notes.txt").write_text("not photos", encoding="utf-8")
    code, _, err = run("index", str(tmp_path / "notes.txt"))
    assert code == 2 and err.count("\n") == 1 and "is not a folder; give the folder that holds your photos" in err


def test_a_device_or_model_file_that_cannot_work_is_refused_and_not_kept_as_the_choice(
    run, photo_folder: Path, tmp_path: Path
) -> None:
    import torch

    run("index", str(photo_folder))
    notes = tmp_path / "notes.txt"
    notes.write_text("not weights", encoding="utf-8")
    code, _, err = run("--model-file", str(notes), "search", "a photo")
    assert code != 0 and err.count("\n") == 1 and "is not a model weights file" in err
    if not torch.cuda.is_available():
        code, _, err = run("--device", "cuda", "search", "a photo")
        assert code != 0 and err.count("\n") == 1 and "no CUDA GPU is usable here; run the model on the CPU" in err
    for model, said in (("ViT-B-32:typo", "open_clip has no weights 'typo' for ViT-B-32"),
                        ("nonsense:foo", "unknown model architecture 'nonsense'")):
        code, _, err = run("--model", model, "status")
        assert code != 0 and err.count("\n") == 1 and said in err
    assert json.loads((tmp_path / "lib" / "settings.json").read_text())["model"] == "photoclip-tiny"
    code, out, _ = run("search", "a photo", "-n", "1")
    assert code == 0 and len(out.splitlines()) == 1


def test_photoclips_warnings_are_one_line_each_on_stderr(run, photo_folder: Path, tmp_path: Path) -> None:
    run("index", str(photo_folder))
    (tmp_path / "lib" / "settings.json").write_text("{broken", encoding="utf-8")
    code, out, err = run("status")
    assert code == 0 and "photos:" in out
    assert err.startswith("photoclip: warning: the settings file ") and err.count("\n") == 1


def test_an_empty_search_is_a_usage_error_not_a_crash(run, photo_folder: Path) -> None:
    run("index", str(photo_folder))
    code, _, err = run("search", " ")
    assert code == 2 and "empty" in err


def test_search_says_which_place_it_kept_to(run, tmp_path: Path) -> None:
    lisbon = located_photo(tmp_path / "photos" / "lisbon.jpg", 1, (38.72, -9.14), "2021:05:01 10:00:00")
    located_photo(tmp_path / "photos" / "oslo.jpg", 2, (59.91, 10.75), "2021:06:01 10:00:00")
    run("index", str(tmp_path / "photos"))
    code, out, err = run("search", "in lisbon")
    assert code == 0 and out.splitlines() == [str(lisbon.resolve())]
    assert err == "photos taken in Lisbon, Portugal (in lisbon)\n"
    code, out, err = run("search", "in lisbon -people")  # the place, ranked by what to leave out
    assert code == 0 and out.splitlines() == [str(lisbon.resolve())]
    assert err == "photos taken in Lisbon, Portugal (in lisbon)\n"
    code, out, err = run("search", "portugal")  # only a place's name: its photos first, the others after
    assert code == 0 and out.splitlines()[0] == str(lisbon.resolve()) and len(out.splitlines()) == 2
    assert err == "photos taken in Portugal first\n"
    code, out, _ = run("places")
    assert code == 0 and out == "1\tNorway\n1\tPortugal\n"  # most photos first, then by name
    code, out, _ = run("places", "--json")
    assert json.loads(out) == [{"country": "Norway", "photos": 1}, {"country": "Portugal", "photos": 1}]


def test_search_and_similar_list_by_date_when_asked_and_json_says_when_each_was_taken(run, tmp_path: Path) -> None:
    dated = {name: located_photo(tmp_path / "photos" / name, seed, None, taken) for seed, (name, taken) in enumerate(
        (("b.jpg", "2021:05:01 10:00:00"), ("c.jpg", "2023:05:01 10:00:00"), ("a.jpg", "2019:05:01 10:00:00")))}
    run("index", str(tmp_path / "photos"))
    in_order = [str(dated[name].resolve()) for name in ("c.jpg", "b.jpg", "a.jpg")]
    assert run("search", "a photo", "--sort", "newest")[1].splitlines() == in_order
    assert run("search", "a photo", "--sort", "oldest")[1].splitlines() == in_order[::-1]
    assert run("search", "from 2018 to 2024", "-n", "2", "--sort", "oldest")[1].splitlines() == in_order[:0:-1]
    code, out, err = run("search", "a.jpg", "--sort", "newest")
    assert out.splitlines() == in_order and "first" not in err  # by date: none is listed first for its name
    code, out, _ = run("similar", str(dated["a.jpg"]), "--sort", "newest", "--json")
    rows = json.loads(out)
    assert code == 0 and [row["path"] for row in rows] == in_order[:2]
    assert [row["taken_at"] for row in rows] == ["2023-05-01T10:00:00", "2021-05-01T10:00:00"]


def test_a_search_for_a_tag_named_like_a_year_says_its_photos_come_first_then_that_years(
    run, tmp_path: Path
) -> None:
    """With a keyword "2019" on an undated photo, "2019" listed every photo after it and said no date."""
    dated = {name: located_photo(tmp_path / "photos" / name, seed, None, taken) for seed, (name, taken) in enumerate(
        (("b.jpg", "2019:05:01 10:00:00"), ("c.jpg", "2015:05:01 10:00:00")))}
    undated = write_photo(tmp_path / "photos" / "a.jpg", seed=5)
    run("index", str(tmp_path / "photos"))
    assert run("tag", "2019", str(undated))[0] == 0
    code, out, err = run("search", "2019")
    assert code == 0 and out.splitlines() == [str(undated.resolve()), str(dated["b.jpg"].resolve())]
    assert err == "photos tagged 2019 first, then photos taken 1 Jan 2019 to 31 Dec 2019 (in 2019)\n"
    assert run("search", "2019", "--sort", "oldest")[2] == (
        "photos tagged 2019 and photos taken 1 Jan 2019 to 31 Dec 2019 (in 2019)\n")


def test_search_lists_a_photo_once_with_its_copies_in_json_or_each_copy_when_asked(
    run, photo_folder: Path
) -> None:
    backup = photo_folder / "Backup" / "p0.jpg"
    backup.parent.mkdir()
    shutil.copy2(photo_folder / "p0.jpg", backup)
    run("index", str(photo_folder))
    original, copy = str((photo_folder / "p0.jpg").resolve()), str(backup.resolve())
    found = run("search", "p0.jpg")[1].splitlines()
    assert found and found[0] == original and copy not in found and len(found) == 6
    assert sorted(run("search", "p0.jpg", "--all-copies")[1].splitlines()[:2]) == sorted([original, copy])
    rows = json.loads(run("search", "p0.jpg", "--json")[1])
    assert (rows[0]["path"], rows[0]["copies"]) == (original, [copy]) and all(not row["copies"] for row in rows[1:])


def test_search_says_which_place_it_left_out_of_another(run, tmp_path: Path) -> None:
    located_photo(tmp_path / "photos" / "lisbon.jpg", 1, (38.72, -9.14), "2021:05:01 10:00:00")
    porto = located_photo(tmp_path / "photos" / "porto.jpg", 2, (41.15, -8.61), "2021:06:01 10:00:00")
    run("index", str(tmp_path / "photos"))
    code, out, err = run("search", "in portugal but not lisbon")
    assert code == 0 and out.splitlines() == [str(porto.resolve())]
    assert err == "photos taken in Portugal but not Lisbon, Portugal (in portugal but not lisbon)\n"


def test_a_place_left_out_is_echoed_in_words_that_read_back_the_same(run, tmp_path: Path) -> None:
    """The header echoed "(in portugal -in lisbon)" for "in portugal - in lisbon": typed back, those words
    kept to no place at all and listed every photo, Oslo's too."""
    located_photo(tmp_path / "photos" / "lisbon.jpg", 1, (38.72, -9.14), "2021:05:01 10:00:00")
    porto = located_photo(tmp_path / "photos" / "porto.jpg", 2, (41.15, -8.61), "2021:06:01 10:00:00")
    located_photo(tmp_path / "photos" / "oslo.jpg", 3, (59.91, 10.75), "2022:06:01 10:00:00")
    run("index", str(tmp_path / "photos"))
    code, out, err = run("search", "in portugal - in lisbon")
    assert (code, out) == (0, f"{porto.resolve()}\n")
    assert err == "photos taken in Portugal but not Lisbon, Portugal (in portugal -in lisbon)\n"
    assert run("search", "in portugal -in lisbon") == (code, out, err)


def test_a_date_left_out_of_days_of_the_week_is_said_and_its_echo_reads_back(run, tmp_path: Path) -> None:
    """"on weekends not in summer" said "photos taken on weekends, up to 2026": not the summers left out."""
    saturday = located_photo(tmp_path / "photos" / "may.jpg", 1, None, "2021:05:01 10:00:00")
    located_photo(tmp_path / "photos" / "july.jpg", 2, None, "2021:07:03 10:00:00")  # a Saturday in summer
    located_photo(tmp_path / "photos" / "wednesday.jpg", 3, None, "2021:05:05 10:00:00")
    run("index", str(tmp_path / "photos"))
    code, out, err = run("search", "on weekends not in summer")
    assert (code, out) == (0, f"{saturday.resolve()}\n")
    assert err == "photos taken on weekends, any year, but not in summer (on weekends, -in summer)\n"
    assert run("search", "on weekends, -in summer") == (code, out, err)


def test_last_sunday_keeps_to_the_latest_sunday_before_today(run, tmp_path: Path) -> None:
    """"last sunday" was searched as words: no date kept to, no header."""
    today = date.today()
    sunday = today - timedelta(days=(today.weekday() - 6) % 7 or 7)
    that_day = located_photo(tmp_path / "photos" / "a.jpg", 1, None, f"{sunday:%Y:%m:%d} 10:00:00")
    located_photo(tmp_path / "photos" / "b.jpg", 2, None, f"{sunday - timedelta(days=7):%Y:%m:%d} 10:00:00")
    run("index", str(tmp_path / "photos"))
    code, out, err = run("search", "last sunday")
    assert (code, out) == (0, f"{that_day.resolve()}\n")
    assert err == f"photos taken {sunday.day} {sunday:%b %Y} (last sunday)\n"


def test_json_says_the_file_date_a_photo_without_its_own_was_found_by(run, tmp_path: Path) -> None:
    """"since christmas" found a photo with no date of its own by its file's date, and --json said only
    "taken_at": null: a script could not tell why it was found."""
    undated = write_photo(tmp_path / "photos" / "screenshot.png", seed=1, fmt="PNG")
    moment = datetime.now().replace(microsecond=0)
    os.utime(undated, (moment.timestamp(), moment.timestamp()))
    dated = located_photo(tmp_path / "photos" / "dated.jpg", 2, None, "2001:05:01 10:00:00")
    run("index", str(tmp_path / "photos"))
    code, out, _ = run("search", "since christmas", "--json")
    rows = json.loads(out)
    assert code == 0 and [(row["path"], row["taken_at"]) for row in rows] == [(str(undated.resolve()), None)]
    assert rows[0]["file_date"] == moment.isoformat()
    row = json.loads(run("search", "in 2001", "--json")[1])[0]
    assert (row["path"], row["taken_at"]) == (str(dated.resolve()), "2001-05-01T10:00:00") and row["file_date"]


def test_a_place_or_date_after_not_leaves_its_photos_out(run, tmp_path: Path) -> None:
    """"not in lisbon", "except 2021" showed only those photos: the opposite of what was asked."""
    located_photo(tmp_path / "photos" / "lisbon.jpg", 1, (38.72, -9.14), "2021:05:01 10:00:00")
    oslo = located_photo(tmp_path / "photos" / "oslo.jpg", 2, (59.91, 10.75), "2022:06:01 10:00:00")
    nowhere = located_photo(tmp_path / "photos" / "nowhere.jpg", 3, None, "2023:06:01 10:00:00")
    run("index", str(tmp_path / "photos"))
    code, out, err = run("search", "not in lisbon")
    assert code == 0 and out.splitlines() == [str(nowhere.resolve()), str(oslo.resolve())]
    assert err == "photos not taken in Lisbon, Portugal (not in lisbon)\n"
    code, out, _ = run("search", "a photo - in lisbon")
    assert code == 0 and sorted(out.splitlines()) == sorted([str(oslo.resolve()), str(nowhere.resolve())])
    code, out, err = run("search", "except 2021", "--json")
    assert code == 0 and {row["path"] for row in json.loads(out)} == {str(oslo.resolve()), str(nowhere.resolve())}
    assert err.startswith("photos taken any time but 1 Jan 2021 to 31 Dec 2021 (other than 2021)")


def test_places_without_a_photo_with_a_position_says_so(run, photo_folder: Path) -> None:
    run("index", str(photo_folder))
    code, out, err = run("places")
    assert (code, out) == (0, "") and err.startswith("no photo has a GPS position")
    assert run("places", "--json") == (0, "[]\n", "")


def test_searching_an_empty_library_says_what_to_do(run, tmp_path: Path) -> None:
    (tmp_path / "no photos yet").mkdir()
    code, _, err = run("index", str(tmp_path / "no photos yet"))
    assert code == 0 and err.splitlines()[1] == (
        "no photos were found: photoclip reads JPEG, PNG, HEIC, AVIF, WebP, TIFF, GIF, BMP, JPEG XL and camera raw "
        "files, and skips hidden folders")
    code, out, err = run("search", "a dog")
    assert code == 2 and out == "" and f"`{run.photoclip} index FOLDER`" in err


def test_models_lists_the_names_to_give_as_text_or_json(run) -> None:
    code, out, _ = run("models")
    names = out.splitlines()
    assert code == 0 and "photoclip-tiny" in names and "ViT-B-32-256:datacomp_s34b_b86k" in names
    code, out, _ = run("models", "--json")
    assert code == 0 and json.loads(out) == names


def test_no_command_prints_help_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert "search" in capsys.readouterr().err


def test_the_console_entry_point_runs() -> None:
    result = subprocess.run([sys.executable, "-m", "photoclip", "--version"], capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout.startswith("photoclip ")


def test_search_and_similar_mean_what_they_say(run, tmp_path: Path) -> None:
    scenes = scene_folder(tmp_path / "scenes", seed=5)
    original = sorted(scenes)[0]
    copy = resized_copy(original, tmp_path / "scenes" / "small" / "copy.jpg")
    assert run("index", str(tmp_path / "scenes"))[0] == 0
    code, out, _ = run("search", "a red circle", "-n", "5")
    assert code == 0 and [scenes[Path(p)].has("red", "circle") for p in out.splitlines()] == [True] * 5
    code, out, _ = run("similar", str(original), "-n", "3")
    assert code == 0 and out.splitlines()[0] == str(copy)
    _, circles, _ = run("search", "circle", "-n", "5")
    _, without_red, _ = run("search", "circle - red", "-n", "5")
    reds = lambda out: sum(scenes[Path(p)].has(colour="red") for p in out.splitlines() if Path(p) in scenes)  # noqa: E731
    assert reds(without_red) < reds(circles)


def test_after_a_model_change_search_and_status_use_and_name_the_old_model(
    run, photo_folder: Path, tmp_path: Path
) -> None:
    from tests.helpers import other_tiny_weights

    run("index", str(photo_folder))
    before = run("search", "a photo")[1]
    weights = str(other_tiny_weights(tmp_path / "mine.safetensors"))

    code, out, _ = run("--model-file", weights, "status")
    assert code == 0 and "search:  photoclip-tiny, until every photo has a vector from the new model" in out
    assert "0 indexed, 6 pending" in out
    status = json.loads(run("--model-file", weights, "status", "--json")[1])
    assert status["searching_with"] == "photoclip-tiny" and status["model"] == "photoclip-tiny (mine.safetensors)"
    assert run("--model-file", weights, "search", "a photo") == (0, before, "")


def test_duplicates_lists_each_group_with_the_copy_to_keep_first(run, tmp_path: Path) -> None:
    _, copies = copies_folder(tmp_path / "photos")
    run("index", str(tmp_path / "photos"))
    code, out, err = run("duplicates")
    assert code == 0 and "2 groups, 3 extra copies" in err
    groups = [block.splitlines() for block in out.strip().split("\n\n")]
    listed = {Path(line.split("\t")[1]): line.split("\t")[0] for block in groups for line in block}
    assert len(listed) == 5 and all(block[0].startswith("keep\t") for block in groups)
    for copy, original in copies.items():
        assert listed[original.resolve()] == "keep"
        mark = listed[copy.resolve()]
        if copy.parent.name == "backup":
            assert mark == "same"
        else:
            assert mark.endswith("%") and 99.0 <= float(mark[:-1]) < 100.0
    code, out, _ = run("duplicates", "--json")
    data = json.loads(out)
    assert code == 0 and {Path(g["keep"]["path"]) for g in data} == {o.resolve() for o in copies.values()}
    assert all(0.99 <= c["similarity"] <= 1.0 for g in data for c in g["copies"])
    assert all(c["damage"] is None for g in data for c in [g["keep"], *g["copies"]])
    assert all(g["kept_because"] and all(r.startswith("it") for r in g["kept_because"]) for g in data)


def test_duplicates_counts_one_group_and_one_copy_in_the_singular(run, tmp_path: Path) -> None:
    photo = write_photo(tmp_path / "photos" / "lake.jpg", seed=4)
    (tmp_path / "photos" / "backup").mkdir()
    shutil.copy2(photo, tmp_path / "photos" / "backup" / "lake.jpg")
    run("index", str(tmp_path / "photos"))
    code, _, err = run("duplicates")
    assert code == 0 and "1 group, 1 extra copy," in err
    code, _, err = run("duplicates", "--trash", "--yes")
    assert code == 0 and "moved 1 file (" in err

def test_a_clean_up_keeps_the_only_photo_in_each_album_and_trashes_the_rest(run, tmp_path: Path) -> None:
    """`duplicates --trash` trashed every copy in the albums the user made ("Best of 2019", "Day 1"),
    keeping the camera's folder's. (Not named for duplicates: a folder that says so is a backup's.)"""
    photos = tmp_path / "photos"
    camera = write_photo(photos / "iCloud Photos" / "IMG_1.jpg", seed=4)
    albums = [photos / "Best of 2019", photos / "Trips" / "2019 Lake Tahoe" / "Day 1",
              photos / "Takeout" / "Google Photos" / "Lake Tahoe 2019"]
    dumps = [photos / "Takeout" / "Google Photos" / "Photos from 2019", photos / "Recently Deleted"]
    for folder in albums + dumps:
        folder.mkdir(parents=True)
        shutil.copy(camera, folder / "IMG_1.jpg")  # written later: the camera's file is the oldest
        os.utime(folder / "IMG_1.jpg", ns=(camera.stat().st_mtime_ns + 10**10,) * 2)
    for seed, folder in enumerate(albums):  # an album holds three photos or more, as the sidebar lists albums
        write_photo(folder / "IMG_2.jpg", seed=10 + seed)
        write_photo(folder / "IMG_3.jpg", seed=20 + seed)
    run("index", str(photos))

    code, out, err = run("duplicates")
    lines = out.splitlines()
    assert code == 0 and lines[0] == f"keep\t{camera.resolve()}"
    assert sorted(lines[1:4]) == sorted(f"keep\t{(folder / 'IMG_1.jpg').resolve()}" for folder in albums)
    assert sorted(lines[4:]) == sorted(f"same\t{(folder / 'IMG_1.jpg').resolve()}" for folder in dumps)
    assert "1 group, 2 extra copies, " in err and ", 3 copies kept in their albums\n" in err
    [group] = json.loads(run("duplicates", "--json")[1])
    said = {Path(copy["path"]).parent: (copy["keep"], copy["kept_because"]) for copy in group["copies"]}
    kept = {folder.resolve(): (True, [f"it is in the album \u201c{folder.name}\u201d"]) for folder in albums}
    assert said == kept | {folder.resolve(): (False, []) for folder in dumps}

    code, _, err = run("duplicates", "--trash", "--yes")
    assert code == 0 and "moved 2 files" in err
    assert camera.exists() and all((folder / "IMG_1.jpg").exists() for folder in albums)
    assert not any((folder / "IMG_1.jpg").exists() for folder in dumps)
    assert "1 group, 0 extra copies, " in run("duplicates")[2]


def test_duplicates_trash_asks_first_then_moves_the_extra_copies(run, tmp_path: Path) -> None:
    _, copies = copies_folder(tmp_path / "photos")
    run("index", str(tmp_path / "photos"))
    code, _, err = run("duplicates", "--trash")  # stdin is not a terminal here
    assert code == 2 and "add --yes" in err and all(c.exists() for c in copies)
    code, _, err = run("duplicates", "--trash", "--yes")
    assert code == 0 and "moved 3 files" in err
    assert not any(c.exists() for c in copies) and all(o.exists() for o in copies.values())
    code, out, err = run("duplicates")
    assert code == 0 and out == "" and "0 groups" in err


def _photoclip(library: Path, *args: str, **popen: object) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "photoclip", "--library", str(library), "--model", TINY_MODEL,
                             *args], **{"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, "text": True} | popen)


def test_ctrl_d_at_the_trash_question_means_no(run, tmp_path: Path) -> None:
    _, copies = copies_folder(tmp_path / "photos")
    run("index", str(tmp_path / "photos"))
    code, _, err = _answered_on_a_terminal(tmp_path / "lib", b"\x04", "duplicates", "--trash")
    assert code == 0 and "Traceback" not in err and err.endswith("nothing moved\n")
    assert all(copy.exists() for copy in copies)


def _answered_on_a_terminal(library: Path, keys: bytes, *args: str) -> tuple[int, str, str]:
    """photoclip run with a terminal for its input, `keys` typed there: its exit code, stdout and stderr."""
    terminal, its_end = os.openpty()
    child = _photoclip(library, *args, stdin=its_end)
    os.close(its_end)
    os.write(terminal, keys)
    try:
        out, err = child.communicate(timeout=60)
    finally:
        os.close(terminal)
    return child.returncode, out, err


def test_the_trash_question_is_asked_on_stderr_so_the_list_piped_on_stays_only_the_list(run, tmp_path: Path) -> None:
    """`duplicates --trash --json > list.json` hid the question in the file, and broke its JSON."""
    copies_folder(tmp_path / "photos")
    run("index", str(tmp_path / "photos"))
    code, out, err = _answered_on_a_terminal(tmp_path / "lib", b"n\n", "duplicates", "--trash", "--json")
    assert code == 0 and json.loads(out) and "to the trash? [y/N] " in err


@pytest.mark.parametrize("closed", ["<&-", "2>&-"])
def test_a_command_started_with_stdin_or_stderr_closed_does_its_work(run, tmp_path: Path, closed: str) -> None:
    """`photoclip index 2>&-` exited 1 having indexed nothing; `duplicates --trash <&-` ended in a traceback."""
    scenes, copies = copies_folder(tmp_path / "photos")

    def photoclip(*args: str) -> subprocess.CompletedProcess:
        command = [sys.executable, "-m", "photoclip", "--library", str(tmp_path / "lib"), "--model", TINY_MODEL, *args]
        return subprocess.run(["sh", "-c", f'exec "$@" {closed}', "sh", *command], capture_output=True, text=True)

    assert photoclip("index", str(tmp_path / "photos")).returncode == 0
    assert json.loads(run("status", "--json")[1])["indexed"] == len(scenes) + len(copies)
    assert photoclip("search", "").returncode == 2
    trashing = photoclip("duplicates", "--trash")
    assert trashing.returncode == 2 and "Traceback" not in trashing.stderr and all(c.exists() for c in copies)


@pytest.mark.parametrize(("signals", "said", "exit_code"), [
    ((signal.SIGTERM,), ("stopping after the current batch\n",
                         "run `photoclip --library {lib} index` again to continue"), 143),
    ((signal.SIGINT,), ("stopping after the current batch (Ctrl-C again to quit now)\n",
                        "run `photoclip --library {lib} index` again to continue"), 130),
    ((signal.SIGINT, signal.SIGTERM), ("stopping after the current batch (Ctrl-C again to quit now)\n",
                                       "\nphotoclip: interrupted\n"), 130),
], ids=["sigterm stops as cleanly as ctrl-c", "ctrl-c stops after the batch", "a second stop quits at once"])
def test_index_stopped_says_so_in_lines_and_loses_nothing(tmp_path: Path, signals, said, exit_code) -> None:
    """The exit code is the shell's for the signal; on a pipe, no empty line for a progress bar never drawn."""
    for i in range(600):
        write_photo(tmp_path / "photos" / f"p{i:03d}.jpg", seed=i, size=(64, 48))
    child = _photoclip(tmp_path / "lib", "index", str(tmp_path / "photos"))
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and child.poll() is None:
            with contextlib.suppress(Exception), Library.open(tmp_path / "lib", read_only=True) as library:
                if library.status().counts.indexed:
                    break
            time.sleep(0.05)
        if len(signals) > 1:  # held, both arrive together: the second finds the first's stop under way, however
            child.send_signal(signal.SIGSTOP)  # soon the run stops (Python runs SIGINT's handler first)
        for sig in signals:
            child.send_signal(sig)
        if len(signals) > 1:
            child.send_signal(signal.SIGCONT)
        _, err = child.communicate(timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == exit_code and "Traceback" not in err and "Exception ignored" not in err
    assert all(words.format(lib=tmp_path / "lib") in err for words in said) and not err.startswith("\n"), err
    with Library.open(tmp_path / "lib", read_only=True) as library:
        assert 0 < library.status().counts.indexed < 600


def test_duplicates_trash_never_moves_the_last_copy_of_a_picture(run, tmp_path: Path) -> None:
    photos, elsewhere = tmp_path / "photos", tmp_path / "elsewhere"
    write_photo(photos / "p1.jpg", seed=61)
    (photos / "backup").mkdir()
    shutil.copy2(photos / "p1.jpg", photos / "backup" / "p1.jpg")
    write_photo(elsewhere / "p3.jpg", seed=63)
    (photos / "linked").symlink_to(elsewhere)  # the same file reached by a second path
    run("index", str(photos), str(elsewhere))
    code, out, err = run("duplicates")
    assert code == 0 and "1 group," in err and "p3.jpg" not in out

    kept = Path(out.splitlines()[0].split("\t")[1])
    kept.unlink()  # the user deletes the copy listed to keep; the library has not seen it yet
    code, out, err = run("duplicates", "--trash", "--yes")
    assert (code, out) == (0, "") and err.startswith("0 groups, 0 extra copies")  # the last copy is no copy
    assert [p.name for p in (photos, photos / "backup") for p in p.glob("*.jpg")] == ["p1.jpg"]
    assert (elsewhere / "p3.jpg").exists()


def test_search_in_a_folder_keeps_to_it_and_its_subfolders(run, photo_folder: Path, monkeypatch) -> None:
    run("index", str(photo_folder))

    code, out, _ = run("search", "a photo", "--in", str(photo_folder / "trip"), "-n", "50")
    assert code == 0 and sorted(Path(line).name for line in out.splitlines()) == ["p4.png", "p5.png"]
    monkeypatch.chdir(photo_folder / "trip")
    assert sorted(Path(line).name for line in run("search", "a photo", "--in", ".")[1].splitlines()) == [
        "p4.png", "p5.png"]
    assert len(run("search", "a photo", "--in", "..", "-n", "50")[1].splitlines()) == 6
    elsewhere = photo_folder.parent / "lib"
    code, out, err = run("search", "a photo", "--in", str(elsewhere))
    assert code == 2 and out == "" and err == (
        f"photoclip: error: {elsewhere} is not a folder of the library; add it with "
        f"`{run.photoclip} index {elsewhere}`\n")
    code, out, err = run("search", "a photo", "--in", str(photo_folder / "p0.jpg"))
    assert code == 2 and out == "" and err == (
        f"photoclip: error: {photo_folder / 'p0.jpg'} is a file, not a folder; give a folder of the library\n")
    assert run("search", "a photo", "--in", str(photo_folder / "tirp")) == (  # a typo is not an empty folder
        2, "", f"photoclip: error: there is no folder {photo_folder / 'tirp'}; check the name\n")


def test_search_in_several_folders_or_with_several_tags_keeps_to_any_folder_and_all_tags(
    run, photo_folder: Path
) -> None:
    """Repeated, --in and --tag kept only the last one given."""
    write_photo(photo_folder / "home" / "h0.jpg", seed=40)
    run("index", str(photo_folder))
    code, out, _ = run("search", "a photo", "--in", str(photo_folder / "trip"), "--in", str(photo_folder / "home"))
    assert code == 0 and sorted(Path(line).name for line in out.splitlines()) == ["h0.jpg", "p4.png", "p5.png"]
    run("tag", "alpha", str(photo_folder / "p0.jpg"), str(photo_folder / "p1.jpg"))
    run("tag", "beta", str(photo_folder / "p1.jpg"), str(photo_folder / "p2.jpg"))
    code, out, _ = run("search", "a photo", "--tag", "alpha", "--tag", "beta", "-n", "50")
    assert code == 0 and [Path(line).name for line in out.splitlines()] == ["p1.jpg"]
    code, out, _ = run("search", "a photo", "--tag", "alpha", "--tag", "beta", "--in", str(photo_folder / "trip"))
    assert code == 1 and out == ""
    assert run("search", "a photo", "--tag", "no such tag", "--tag", "alpha") == (
        1, "", f'no photo is tagged "no such tag"; `{run.photoclip} tags` lists the tags\n')


def test_not_duplicates_keeps_photos_apart(run, tmp_path: Path) -> None:
    _, copies = copies_folder(tmp_path / "photos")
    run("index", str(tmp_path / "photos"))
    copy, original = next((c, o) for c, o in copies.items() if c.parent.name == "sent" and o != min(copies.values()))
    assert run("not-duplicates", str(original), str(copy)) == (
        0, "", "marked 2 photos as not duplicates of one another\n")
    _, out, err = run("duplicates")
    assert str(copy.resolve()) not in out and "1 group," in err
    assert run("not-duplicates", str(copy), str(copy)) == (2, "", "photoclip: error: give at least two photos\n")
    code, _, err = run("not-duplicates", str(original), str(tmp_path / "nowhere.jpg"))
    assert code == 2 and err == (f"photoclip: error: there is no file {tmp_path / 'nowhere.jpg'}: no photo was marked; "
                                 "check the name\n")
    elsewhere = write_photo(tmp_path / "elsewhere.jpg", seed=3)
    code, _, err = run("not-duplicates", str(original), str(elsewhere))
    assert code == 2 and "not a photo of this library" in err

    assert run("not-duplicates", "--undo", str(original), str(copy)) == (
        0, "", "2 photos may be grouped as duplicates again\n")  # a mark made by mistake is not for ever
    _, out, err = run("duplicates")
    assert str(copy.resolve()) in out and "2 groups," in err
    assert run("not-duplicates", "--undo", str(original), str(copy)) == (
        0, "", "none of these photos were marked as not duplicates of one another\n")


def test_tags_are_listed_given_taken_and_searched_within(run, tmp_path: Path) -> None:
    scenes = scene_folder(tmp_path / "photos", seed=0, red_circles=8, others=24)
    vocabulary = shapes_vocabulary(tmp_path / "shapes.txt")
    run("index", str(tmp_path / "photos"))
    code, out, _ = run("tags", "--vocabulary", str(vocabulary))
    counts = {line.split("\t")[1]: int(line.split("\t")[0]) for line in out.splitlines()}
    assert code == 0 and set(counts) <= {"circle", "square", "triangle", "star", "heart", "cross", "crescent"}
    assert list(counts.values()) == sorted(counts.values(), reverse=True) and counts["circle"] >= 6
    code, out, _ = run("tagged", "circle")
    circles = [Path(line) for line in out.splitlines()]
    assert code == 0 and len(circles) == counts["circle"]
    assert sum(scenes[p].has(shape="circle") for p in circles) >= 0.75 * len(circles)
    code, out, err = run("search", "a red circle", "--tag", "circle", "-n", "100")
    assert code == 0 and set(map(Path, out.splitlines())) == set(circles) and err == ""
    code, out, err = run("search", "a red circle from 1990 to 1991")
    assert code == 1 and out == "" and err == (
        "photos taken 1 Jan 1990 to 31 Dec 1991 (from 1990 to 1991)\nno photos match\n")
    code, out, err = run("search", "a red circle from 1990 to 1991", "--tag", "circle")
    assert code == 1 and out == "" and "no photo is tagged" not in err
    assert run("search", "a red circle", "--tag", "no such tag") == (
        1, "", f'no photo is tagged "no such tag"; `{run.photoclip} tags` lists the tags\n')

    photo = circles[0]
    assert run("untag", "circle", str(photo))[0] == 0
    assert run("tag", "Our Cabin", str(photo), str(photo.parent / ".." / photo.parent.name / photo.name)) == (
        0, "", 'tagged 1 photo "Our Cabin"\n')  # shown as written, found whatever the case
    code, out, _ = run("tags", "--photo", str(photo), "--json")
    tags = {t["tag"]: t["source"] for t in json.loads(out)}
    assert code == 0 and tags["circle"] == "rejected" and tags["Our Cabin"] == "user"
    assert Path(run("tagged", "our cabin")[1].strip()) == photo
    found = {hit["path"]: hit["id"] for hit in json.loads(run("search", "a shape", "--json", "-n", "100")[1])}
    code, out, _ = run("tagged", "our cabin", "--json")  # rows as search's, so a script reads both alike
    assert code == 0 and json.loads(out) == [{"path": str(photo), "id": found[str(photo)], "source": "user",
                                              "score": 1.0}]
    guessed = json.loads(run("tagged", "circle", "--json")[1])  # photoclip's guesses, the surest first
    scores = [row["score"] for row in guessed]
    assert {row["source"] for row in guessed} == {"auto"} and scores == sorted(scores, reverse=True)
    assert 0 < scores[-1] <= scores[0] < 1 and len(guessed) == len(circles) - 1
    assert run("tag", "OUR CABIN", str(circles[1])) == (0, "", 'tagged 1 photo "Our Cabin"\n')  # it stays so
    assert "2\tOur Cabin" in run("tags")[1].splitlines()
    assert run("tagged", "no such tag") == (
        1, "", f'no photo is tagged "no such tag"; `{run.photoclip} tags` lists the tags\n')
    assert run("tag", "Zürich", str(photo))[0] == 0
    assert run("tagged", "zurich") == (0, f"{photo}\n", "photos tagged Zürich\n")  # as people type it
    code, out, err = run("search", "a red circle", "--tag", "Our-Cabin", "--json")
    assert code == 0 and str(photo) in [row["path"] for row in json.loads(out)[:2]]  # the two tagged so, first
    assert err == 'photos tagged "Our Cabin"\n'
    assert run("tag", "Smith, John", str(photo))[0] == 0 and run("tag", "Smith John", str(photo))[0] == 0
    assert run("tagged", "smith-john")[2].startswith("no photo is tagged smith-john; did you mean")  # two alike
    assert run("tagged", "circel")[2] == "no photo is tagged circel; did you mean circle?\n"
    code, _, err = run("tag", "x", str(tmp_path / "nowhere.jpg"))
    assert code == 2 and err == f"photoclip: error: there is no file {tmp_path / 'nowhere.jpg'}; check the name\n"
    code, _, err = run("tag", "x", str(vocabulary))
    assert code == 2 and "is not a photo of this library" in err and len(err.splitlines()) == 1
    code, _, err = run("tag", "x", str(photo.parent))
    assert code == 2 and err == (
        f"photoclip: error: {photo.parent} is a folder; give the photos in it ({photo.parent / '*.jpg'}, "
        "for example)\n")


def test_an_empty_list_of_tags_says_so_to_a_person_and_prints_nothing(run, photo_folder: Path) -> None:
    run("index", str(photo_folder))
    photo = str(photo_folder / "p0.jpg")

    assert run("tags") == (0, "", f"no photo has a tag yet; `{run.photoclip} tag NAME PATH` gives one\n")
    assert run("tags", "--defined") == (
        0, "", f"you have defined no tags; `{run.photoclip} define-tag NAME` defines one\n")
    assert run("tags", "--photo", photo) == (
        0, "", f"this photo has no tags; `{run.photoclip} tag NAME PATH` gives it one\n")
    assert run("tags", "--json") == (0, "[]\n", "")


def test_a_defined_tag_is_given_and_albums_show_what_their_photos_share(run, tmp_path: Path) -> None:
    scene_folder(tmp_path / "photos", seed=0, red_circles=8, others=8)
    run("index", str(tmp_path / "photos"))
    run("tags", "--vocabulary", str(shapes_vocabulary(tmp_path / "shapes.txt", without=("circle",))))
    first = json.loads(run("search", "a shape", "--json", "-n", "1")[1])[0]["path"]
    run("tag", "Round", first)
    code, _, err = run("define-tag", "Round", "--prompt", "a circle")
    assert code == 0 and err.startswith("Round was a tag of 1 photo already; photoclip now also gives it to photos "
                                        f"that look like it (`{run.photoclip} forget-tag` stops that)\n")
    assert "photos tagged Round" in err
    assert "already" not in run("define-tag", "Round", "--prompt", "a circle")[2]  # defined already: no news
    code, _, err = run("define-tag", "square", "--prompt", "a square block")
    assert code == 0 and err.startswith(
        "square is a tag the vocabulary gives; photoclip now gives it to photos that look like your description "
        f"instead (`{run.photoclip} forget-tag square` goes back to the vocabulary's)\n")
    run("define-tag", "blob", "--prompt", "a round blob")
    code, _, err = run("rename-tag", "blob", "star")
    assert code == 0 and err.startswith(
        "star is a tag the vocabulary gives; photoclip now gives it to photos that look like your description of "
        f"blob instead (`{run.photoclip} forget-tag star` goes back to the vocabulary's)\n")
    assert "Round\ta circle" in run("tags", "--defined")[1]
    code, out, _ = run("albums", "--json")
    [album] = json.loads(out)
    assert code == 0 and Path(album["folder"]) == (tmp_path / "photos").resolve() and album["photos"] == 16
    assert "Round" in {t["tag"] for t in album["tags"]}
    assert run("albums")[1].startswith(f"{(tmp_path / 'photos').resolve()}\t16\t")
    run("tag", "Smith, John", *map(str, sorted((tmp_path / "photos").glob("*.jpg"))))
    assert ', "Smith, John"' in run("albums")[1] or '\t"Smith, John"' in run("albums")[1]  # one tag, not two
    assert run("forget-tag", "round") == (0, "", "photoclip no longer gives Round to photos that look like it; those "
                                                 "you tagged keep it\n1 photo tagged Round\n")
    assert "1\tRound" in run("tags")[1].splitlines()  # the one given by hand
    code, _, err = run("forget-tag", "square")
    squares = len(json.loads(run("tagged", "square", "--json")[1]))
    assert code == 0 and squares > 0 and err == (
        f"photoclip gives square to photos that look like the vocabulary's description again\n"
        f"{squares} photos tagged square\n")
    code, _, err = run("tags", "--vocabulary", str(tmp_path / "none.txt"))
    assert code == 2 and "cannot read the tag vocabulary" in err


def test_defining_a_tag_again_keeps_its_prompt_unless_given_another(run, photo_folder: Path) -> None:
    """`define-tag cabin` again put back "a photo of cabin." in place of the prompt crafted for it, saying nothing."""
    run("index", str(photo_folder))
    run("define-tag", "cabin", "--prompt", "a wooden cabin by a lake, autumn")
    code, _, err = run("define-tag", "Cabin")
    assert code == 0 and err.startswith(
        'cabin is defined already, as "a wooden cabin by a lake, autumn"; --prompt describes it anew\n')
    assert run("tags", "--defined")[1] == "cabin\ta wooden cabin by a lake, autumn\n"
    code, _, err = run("define-tag", "cabin", "--prompt", "a log cabin")
    assert code == 0 and err.startswith(
        'cabin is now described as "a log cabin", no longer as "a wooden cabin by a lake, autumn"\n')
    assert run("tags", "--defined")[1] == "cabin\ta log cabin\n"


def test_deleting_a_defined_tag_the_vocabulary_also_gives_says_where_it_stays(run, tmp_path: Path) -> None:
    scene_folder(tmp_path / "photos", seed=0, red_circles=8, others=8)
    run("index", str(tmp_path / "photos"))
    run("tags", "--vocabulary", str(shapes_vocabulary(tmp_path / "shapes.txt")))
    run("define-tag", "circle", "--prompt", "a round blob")
    code, _, err = run("delete-tag", "circle")
    given = len(json.loads(run("tagged", "circle", "--json")[1]))
    assert code == 0 and given > 0
    assert re.fullmatch(rf"took circle off \d+ photos?; the vocabulary still gives it to {given} photos? that look "
                        r"like it\n", err)


def test_a_tag_given_by_hand_is_renamed_and_deleted_everywhere(run, photo_folder: Path) -> None:
    run("index", str(photo_folder))
    photos = [str(photo_folder / name) for name in ("p0.jpg", "p1.jpg")]
    run("tag", "Holidya", *photos)
    assert run("rename-tag", "holidya", "Holiday") == (0, "", "2 photos tagged Holiday\n")
    assert "Holiday" in run("tags")[1] and "olidya" not in run("tags")[1]
    assert run("delete-tag", "holiday") == (0, "", "took Holiday off 2 photos\n")
    assert run("tagged", "holiday")[:2] == (1, "")
    assert run("delete-tag", "Holiday") == (
        2, "", f"photoclip: error: this library has no tag Holiday; `{run.photoclip} tags` lists the tags\n")


def test_deleting_a_tag_you_defined_says_it_is_no_longer_given(
    run, photo_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run("index", str(photo_folder))
    run("define-tag", "bluesq", "--prompt", "a blue square")
    run("tag", "bluesq", str(photo_folder / "p0.jpg"))
    had = len(run("tagged", "bluesq")[1].splitlines())
    assert run("delete-tag", "bluesq") == (0, "", f"took bluesq off {plural(had, 'photo')}, and stopped giving it\n")
    assert run("tagged", "bluesq")[:2] == (1, "") and "bluesq" not in run("tags", "--defined")[1]
    code, out, _ = _refused(["delete-tag", "--help"], capsys)
    assert code == 0 and "and stop giving one you defined" in " ".join(out.split())


def test_tag_and_untag_of_a_path_that_is_not_there_say_no_photo_was_changed(run, photo_folder: Path) -> None:
    run("index", str(photo_folder))
    good, gone = str(photo_folder / "p0.jpg"), str(photo_folder / "gone.jpg")
    assert run("tag", "mixed", good, gone) == (
        2, "", f"photoclip: error: there is no file {gone}: no photo was tagged; check the name\n")
    assert "mixed" not in run("tags", "--photo", good)[1]  # all or nothing
    run("tag", "mixed", good)
    assert run("untag", "mixed", good, str(photo_folder)) == (
        2, "", f"photoclip: error: {photo_folder} is a folder: no photo was untagged; give the photos in it "
               f"({photo_folder / '*.jpg'}, for example)\n")
    assert "mixed\tuser" in run("tags", "--photo", good)[1]


def test_export_tags_writes_sidecars_beside_the_photos(run, photo_folder: Path) -> None:
    run("index", str(photo_folder))
    photo = photo_folder.resolve() / "p0.jpg"
    other = photo_folder.resolve() / "trip" / "p4.png"
    run("tag", "Picnic", str(photo))
    run("tag", "trip", str(other))
    before = photo.read_bytes()
    code, _, err = run("export-tags", "--mine", str(photo_folder / "trip"))
    assert code == 0 and "1 sidecar written" in err
    assert (other.parent / "p4.png.xmp").exists() and not (photo.parent / "p0.jpg.xmp").exists()
    code, _, err = run("export-tags", "--mine")
    assert code == 0 and "1 sidecar written, 0 updated, 1 already up to date" in err
    assert b"<rdf:li>Picnic</rdf:li>" in (photo.parent / "p0.jpg.xmp").read_bytes() and photo.read_bytes() == before
    run("untag", "picnic", str(photo))  # its last tag of the user's: the keyword leaves its sidecar too
    code, _, err = run("export-tags", "--mine")
    assert code == 0 and "1 updated" in err and b"<rdf:li>" not in (photo.parent / "p0.jpg.xmp").read_bytes()
    assert not (photo_folder.resolve() / "p1.jpg.xmp").exists()  # never a sidecar where none was
    code, _, err = run("export-tags", str(photo_folder / "no such folder"))
    assert code != 0 and err.count("\n") == 1 and "is not a folder" in err


def test_tags_are_listed_even_when_the_model_cannot_load_to_update_them(run, photo_folder: Path, tmp_path: Path,
                                                                         caplog, capsys) -> None:
    from tests.helpers import other_tiny_weights

    weights = other_tiny_weights(tmp_path / "mine.safetensors")
    run("--model-file", str(weights), "index", str(photo_folder))
    run("--model-file", str(weights), "tag", "picnic", str(photo_folder / "p0.jpg"))
    run("--model-file", str(weights), "define-tag", "cabin")
    weights.unlink()
    caplog.set_level(logging.WARNING, logger="photoclip.library")
    library = ["--library", str(tmp_path / "lib")]  # the model file the settings name is gone
    main([*library, "define-tag", "lake"])
    code = main([*library, "tags"])
    out = capsys.readouterr().out
    assert code == 0 and "1\tpicnic" in out.splitlines()
    assert any("photos were not tagged" in r.getMessage() for r in caplog.records)


def test_a_photo_that_could_not_be_read_for_its_permissions_is_read_once_it_may_be(tmp_path: Path) -> None:
    prefix = as_an_unprivileged_user()
    if prefix is None:
        pytest.skip("no way to run photoclip without root's power to read every file")
    locked = write_photo(tmp_path / "photos" / "locked.jpg", seed=1)
    write_photo(tmp_path / "photos" / "open.jpg", seed=2)
    home = str(tmp_path / "home")
    env = {**os.environ, "HOME": home, "XDG_DATA_HOME": home, "XDG_CACHE_HOME": home, "PHOTOCLIP_CACHE_DIR": home}

    def photoclip(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*prefix, sys.executable, "-m", "photoclip", "--library", str(tmp_path / "lib"),
                               "--model", TINY_MODEL, *args], capture_output=True, text=True, env=env)

    try:
        locked.chmod(0)
        assert photoclip("index", str(tmp_path / "photos")).returncode == 0
        assert json.loads(photoclip("status", "--json").stdout)["failures"] == [
            {"path": str(locked), "reason": "permission denied"}]
        assert photoclip("index").returncode == 0  # still locked: still failed, not retried for nothing
        assert json.loads(photoclip("status", "--json").stdout)["failed"] == 1
        locked.chmod(0o644)  # neither its size nor its mtime change
        assert photoclip("index").returncode == 0
        status = json.loads(photoclip("status", "--json").stdout)
        assert (status["indexed"], status["failures"]) == (2, [])
    finally:
        locked.chmod(0o644)


def test_watch_reads_a_folder_once_its_permissions_let_it(tmp_path: Path) -> None:
    """Closed when watching starts (no watch can be set below it), opened later: its photos are
    indexed, and so is one put there afterwards, without a restart."""
    prefix = as_an_unprivileged_user()
    if prefix is None:
        pytest.skip("no way to run photoclip without root's power to read every folder")
    write_photo(tmp_path / "photos" / "a.jpg", seed=1)
    album = tmp_path / "photos" / "album"
    write_photo(album / "b.jpg", seed=2)
    home = str(tmp_path / "home")
    env = {**os.environ, "HOME": home, "XDG_DATA_HOME": home, "XDG_CACHE_HOME": home, "PHOTOCLIP_CACHE_DIR": home}
    command = [*prefix, sys.executable, "-m", "photoclip", "--library", str(tmp_path / "lib"), "--model", TINY_MODEL]

    def status_until(check, what: str) -> dict:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            said = subprocess.run([*command, "status", "--json"], capture_output=True, text=True, env=env)
            if said.returncode == 0 and check(status := json.loads(said.stdout)):
                return status
            time.sleep(0.5)
        raise AssertionError(f"timed out waiting for {what}")

    album.chmod(0)
    watcher = subprocess.Popen([*command, "watch", str(tmp_path / "photos")], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        status_until(lambda s: s["indexed"] == 1 and s["unreadable"] == [{"path": str(album), "reason": "permission denied"}],
                     "the closed folder listed, and why")
        album.chmod(0o755)
        status_until(lambda s: s["indexed"] == 2 and not s["unreadable"], "the opened folder's photo indexed")
        write_photo(tmp_path / "new.jpg", seed=3).rename(album / "c.jpg")
        status_until(lambda s: s["indexed"] == 3, "a photo put in it afterwards indexed")
        write_photo(tmp_path / "closed" / "d.jpg", seed=4)
        (tmp_path / "closed").chmod(0)
        moved = (tmp_path / "closed").rename(tmp_path / "photos" / "moved in")
        status_until(lambda s: s["unreadable"] == [{"path": str(moved), "reason": "permission denied"}],
                     "a closed folder moved in listed, and why")
        moved.chmod(0o755)
        status_until(lambda s: s["indexed"] == 4 and not s["unreadable"], "the moved folder's photo indexed")
    finally:
        album.chmod(0o755)
        for closed in (tmp_path / "closed", tmp_path / "photos" / "moved in"):
            if closed.exists():
                closed.chmod(0o755)
        watcher.send_signal(signal.SIGINT)
        watcher.wait(30)


def test_a_folder_that_lost_its_search_permission_keeps_its_photos_and_their_tags(tmp_path: Path) -> None:
    prefix = as_an_unprivileged_user()
    if prefix is None:
        pytest.skip("no way to run photoclip without root's power to read every folder")
    write_photo(tmp_path / "photos" / "a.jpg", seed=1)
    write_photo(tmp_path / "photos" / "album" / "b.jpg", seed=2)
    home = str(tmp_path / "home")
    env = {**os.environ, "HOME": home, "XDG_DATA_HOME": home, "XDG_CACHE_HOME": home,
           "PHOTOCLIP_CACHE_DIR": home, "PHOTOCLIP_LIBRARY": str(tmp_path / "library")}
    album = tmp_path / "photos" / "album"

    def photoclip(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*prefix, sys.executable, "-m", "photoclip", "--model", TINY_MODEL, *args],
                              capture_output=True, text=True, env=env, cwd=tmp_path)

    try:
        assert photoclip("index", "photos").returncode == 0
        assert photoclip("tag", "grandma", "photos/album/b.jpg").returncode == 0
        album.chmod(0o644)  # readable, but its files cannot be opened
        indexed = photoclip("index")
        assert indexed.returncode == 0 and "Traceback" not in indexed.stderr
        assert photoclip("tagged", "grandma").stdout.splitlines() == [str(album / "b.jpg")]
        unreadable = json.loads(photoclip("status", "--json").stdout)["unreadable"]
        assert unreadable and all(Path(u["path"]).is_relative_to(album) for u in unreadable)
        assert all(u["reason"] == "permission denied" for u in unreadable)
        assert f"cannot read (their photos are left out until photoclip can read them):\n  {unreadable[0]['path']}: " \
            "permission denied\n" in photoclip("status").stdout
        for args in (("similar", "photos/album/b.jpg"), ("tag", "aunt", "photos/album/b.jpg")):
            result = photoclip(*args)
            assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
        album.chmod(0o755)
        assert photoclip("tagged", "aunt").stdout.splitlines() == [str(album / "b.jpg")]
        assert photoclip("index").returncode == 0
        assert json.loads(photoclip("status", "--json").stdout)["unreadable"] == []
        (tmp_path / "photos").chmod(0)  # the whole folder: kept, as a drive unplugged is
        unreadable = photoclip("index")
        assert f"cannot read {tmp_path / 'photos'}, which had 2 photos: keeping them, shown as offline" in \
            unreadable.stderr
        assert photoclip("tagged", "aunt").stdout.splitlines() == [str(album / "b.jpg")]
    finally:
        (tmp_path / "photos").chmod(0o755)
        album.chmod(0o755)


def test_escape_codes_in_a_file_name_reach_a_terminal_as_question_marks_and_a_pipe_as_they_are(
    run, tmp_path: Path
) -> None:
    """A newline too: on a terminal a name holding one would read as two paths."""
    import pty

    folder = tmp_path / "photos"
    write_photo(folder / "red\x1b[31m\rna\nme.jpg", seed=1)
    (folder / "bro\nken.jpg").write_bytes(b"not a photo")
    assert run("index", str(folder))[0] == 0
    named = str((folder / "red\x1b[31m\rna\nme.jpg").resolve())
    assert run("search", "a photo")[1] == named + "\n"  # a pipe: the name as it is

    def on_a_terminal(*args: str) -> str:
        command = [sys.executable, "-m", "photoclip", "--library", str(tmp_path / "lib"), "--model", TINY_MODEL,
                   *args]
        terminal, its_end = pty.openpty()
        with subprocess.Popen(command, stdout=its_end, stderr=subprocess.DEVNULL) as process:
            os.close(its_end)
            shown = b""
            while True:
                try:
                    chunk = os.read(terminal, 4096)
                except OSError:  # the terminal closed with the program
                    break
                if not chunk:
                    break
                shown += chunk
        os.close(terminal)
        assert process.returncode == 0
        return shown.decode().replace("\r\n", "\n")

    assert on_a_terminal("search", "a photo") == named.replace("\x1b", "?").replace("\r", "?").replace("\n", "?") + "\n"
    assert f"failed:\n  {(folder / 'bro?ken.jpg').resolve()}: " in on_a_terminal("status")


def test_a_library_that_cannot_be_written_is_read_and_says_so_when_asked_to_change(tmp_path: Path) -> None:
    prefix = as_an_unprivileged_user()
    if prefix is None:
        pytest.skip("no way to run photoclip without root's power to write every folder")
    for i in range(3):
        write_photo(tmp_path / "photos" / f"p{i}.jpg", seed=i)
    library = tmp_path / "library"  # on a read-only drive, or a backup copied without write permission
    command = [*prefix, sys.executable, "-m", "photoclip", "--library", str(library), "--model", TINY_MODEL]
    subprocess.run([*command, "index", str(tmp_path / "photos")], check=True, capture_output=True)
    for path in (library, *library.rglob("*")):
        path.chmod(path.stat().st_mode & ~0o222)
    try:
        status = subprocess.run([*command, "status"], capture_output=True, text=True)
        assert status.returncode == 0 and "3 indexed" in status.stdout, status.stderr
        found = subprocess.run([*command, "search", "a photo"], capture_output=True, text=True)
        assert found.returncode == 0 and len(found.stdout.splitlines()) == 3
        indexing = subprocess.run([*command, "index"], capture_output=True, text=True)
        assert indexing.returncode == 2 and indexing.stderr == (
            f"photoclip: error: cannot write to library {library} (permission denied); "
            "give a folder you can write with --library\n")
    finally:
        for path in (library, *library.rglob("*")):
            path.chmod(path.stat().st_mode | 0o200)


def test_search_and_similar_of_a_library_with_nothing_indexed_are_errors_that_print_nothing_on_stdout(
    run, tmp_path: Path
) -> None:
    """search --json printed [] and exited 2, as no other error does; similar said only "no photos match"."""
    (tmp_path / "no photos yet").mkdir()
    run("index", str(tmp_path / "no photos yet"))
    said = f"photoclip: error: the library has no indexed photos yet; run `{run.photoclip} index FOLDER` first\n"
    outside = write_photo(tmp_path / "outside" / "x.jpg", seed=1)
    for args in (("search", "a dog", "--json"), ("similar", str(outside)), ("similar", str(outside), "--json")):
        assert run(*args) == (2, "", said), args


def test_photos_deleted_since_indexing_are_left_out_of_results_and_said(run, photo_folder: Path) -> None:
    run("index", str(photo_folder))
    (photo_folder / "p0.jpg").unlink()
    run("tag", "picnic", *(str(photo_folder / name) for name in ("p1.jpg", "p2.jpg")))
    (photo_folder / "p2.jpg").unlink()
    code, out, err = run("tagged", "picnic")
    assert (code, out) == (0, f"{photo_folder / 'p1.jpg'}\n") and "left out 1 photo deleted or moved" in err
    for args, found in ((("search", "a photo"), 4), (("similar", str(photo_folder / "p1.jpg")), 3)):  # not itself
        code, out, err = run(*args)
        assert code == 0 and str(photo_folder / "p0.jpg") not in out and len(out.splitlines()) == found
        assert err.endswith(f"left out 2 photos deleted or moved since indexing (`{run.photoclip} index` catches up)\n")
    assert run("tagged", "picnic", "-n", "1")[:2] == (0, f"{photo_folder / 'p1.jpg'}\n")  # one left to list
    (photo_folder / "p1.jpg").unlink()  # its last photo: not "did you mean picnic?"
    assert run("tagged", "picnic") == (1, "", (
        f"left out 2 photos deleted or moved since indexing (`{run.photoclip} index` catches up)\n"
        "no photo tagged picnic is left in the library's folders\n"))


def test_photos_in_a_folder_linked_into_the_library_are_named_by_the_paths_it_lists(
    run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A folder linked into Pictures has its photos listed under the link; named so, they were "not a photo of
    this library" to `tag`, an outside image to `similar` (found as its own best match), and `--in` refused it."""
    pictures, trip = tmp_path / "Pictures", tmp_path / "drive" / "trip"
    for n in range(3):
        write_photo(trip / f"{n}.jpg", seed=30 + n)
    write_photo(pictures / "home.jpg", seed=3)
    (pictures / "Trip").symlink_to(trip)
    run("index", str(pictures))
    linked = pictures / "Trip" / "0.jpg"

    assert run("tag", "lake", str(linked)) == (0, "", "tagged 1 photo lake\n")
    assert run("tagged", "lake")[:2] == (0, f"{linked}\n")
    code, out, _ = run("similar", str(linked))
    assert code == 0 and str(linked) not in out.splitlines() and len(out.splitlines()) == 3
    code, out, _ = run("search", "a photo", "--in", str(pictures / "Trip"))
    assert code == 0 and sorted(out.splitlines()) == [str(pictures / "Trip" / f"{n}.jpg") for n in range(3)]
    monkeypatch.chdir(pictures / "Trip")  # `cd Pictures/Trip` in a shell, which keeps the link in $PWD
    monkeypatch.setenv("PWD", str(pictures / "Trip"))
    assert run("tag", "pier", "1.jpg", str(trip / "2.jpg")) == (0, "", "tagged 2 photos pier\n")  # the real path too
    assert run("tagged", "pier")[1].splitlines() == [str(pictures / "Trip" / f"{n}.jpg") for n in (1, 2)]


def test_a_link_that_leads_nowhere_or_loops_is_said_so_by_index_similar_and_tag(
    run, tmp_path: Path, photo_folder: Path
) -> None:
    """Each said something else, and none what was wrong: "is not a folder", "is not an image file", "is not a
    photo of this library"."""
    run("index", str(photo_folder))
    away, gone, loop = tmp_path / "away.jpg", tmp_path / "gone.jpg", tmp_path / "loop.jpg"
    (tmp_path / "media").mkdir()  # where the drive was mounted, empty now
    away.symlink_to(tmp_path / "media" / "drive" / "x.jpg")
    gone.symlink_to(photo_folder / "deleted.jpg")
    loop.symlink_to(loop)
    nowhere = f"it is a link to {away.readlink()}, which is not there (on a drive not plugged in?)"

    for args in (("index", str(away)), ("similar", str(away)), ("tag", "x", str(away))):
        assert run(*args) == (2, "", f"photoclip: error: cannot open {away}: {nowhere}\n"), args
    assert run("tag", "x", str(gone), str(photo_folder / "p1.jpg")) == (2, "", (
        f"photoclip: error: cannot open {gone}: it is a link to {photo_folder / 'deleted.jpg'}, which is not there "
        "(deleted or moved?); no photo was tagged\n"))
    assert run("similar", str(loop)) == (2, "", f"photoclip: error: cannot open {loop}: it is a symbolic link loop\n")


@pytest.mark.parametrize("command", ["search", "similar"])
def test_photos_deleted_since_indexing_leave_their_places_to_the_next_best(run, photo_folder: Path, command) -> None:
    """-n 3 listed one photo where the two best were deleted since indexing, though three more were there."""
    run("index", str(photo_folder))
    query = "a photo" if command == "search" else str(photo_folder / "p1.jpg")
    ranked = run(command, query, "-n", "9")[1].splitlines()
    for path in ranked[:2]:
        Path(path).unlink()
    code, out, err = run(command, query, "-n", "3")
    assert (code, out.splitlines()) == (0, ranked[2:5])
    assert err.endswith(f"left out 2 photos deleted or moved since indexing (`{run.photoclip} index` catches up)\n")
    assert run(command, query, "-n", "9")[1].splitlines() == ranked[2:]


def test_more_results_than_sqlite_counts_to_are_all_of_them(run, photo_folder: Path) -> None:
    run("index", str(photo_folder))
    code, out, _ = run("search", "a photo", "-n", "99999999999999999999")
    assert code == 0 and len(out.splitlines()) == 6


@pytest.mark.parametrize("args", [
    ("index", "{long}"), ("search", "a", "--copy-to", "{long}"), ("export-tags", "{long}")])
def test_a_path_with_a_name_too_long_for_the_system_is_refused_in_one_line(
    run, tmp_path: Path, photo_folder: Path, args: tuple[str, ...]
) -> None:
    run("index", str(photo_folder))
    long = str(tmp_path / ("a" * 300))
    code, out, err = run(*(arg.format(long=long) for arg in args))
    assert (code, out) == (2, "")
    assert err.startswith(f"photoclip: error: {long[:45]}…{long[-30:]}: a name in this path is too long")
    assert len(err.splitlines()) == 1


@pytest.mark.parametrize(("args", "said"), [
    (("search", "a dog", "-n", "-1"), "photoclip search: error: -n must be a positive number of results, like -n 20"),
    (("search", "a dog", "-n", "0"), "photoclip search: error: -n must be a positive number of results, like -n 20"),
    (("similar", "a.jpg", "--limit", "x"), "photoclip similar: error: -n must be a positive number of results, "
                                           "like -n 20"),
    (("tagged", "beach", "-n", "-3"), "photoclip tagged: error: -n must be a positive number of results, like -n 20"),
    (("albums", "--min-photos", "0"), "photoclip albums: error: --min-photos must be a whole number from 1 up, "
                                      "like --min-photos 3"),
    (("duplicates", "--similarity", "1.5"), "photoclip duplicates: error: --similarity must be from 0.9 to 1 "
                                            "(lower groups different photos of one subject), like --similarity 0.97"),
    (("duplicates", "--similarity", "0.6"), "photoclip duplicates: error: --similarity must be from 0.9 to 1 "
                                            "(lower groups different photos of one subject), like --similarity 0.97"),
    (("tags", "--vocabulary", "v.txt", "--default-vocabulary"),  # asking for opposite things: neither is taken
     "photoclip tags: error: argument --default-vocabulary: not allowed with argument --vocabulary "
     "(see photoclip tags --help)"),
    (("--device", "bogus", "status"), "photoclip: error: unknown device 'bogus'; use auto, cpu, cuda or mps"),
    (("search", "red", "-0", "--json"),
     "photoclip: error: -0 ends paths with a NUL, --json prints JSON: give one of them"),
    (("tags", "--photo", "a.jpg", "--defined"),
     "photoclip tags: error: argument --defined: not allowed with argument --photo (see photoclip tags --help)"),
])
def test_an_option_out_of_range_or_against_another_is_refused_in_one_line_that_says_what_to_give(
    args: tuple[str, ...], said: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--library", str(tmp_path / "lib"), "--model", "photoclip-tiny", *args])
    assert exited.value.code == 2 and capsys.readouterr().err == said + "\n"


def test_each_command_says_what_it_does_in_its_own_help(capsys: pytest.CaptureFixture[str]) -> None:
    for command in COMMANDS:
        with pytest.raises(SystemExit):
            main([command, "--help"])
        usage, described, *_ = capsys.readouterr().out.split("\n\n")
        assert not described.startswith(("positional arguments:", "options:")), command
    with pytest.raises(SystemExit):
        main(["search", "--help"])
    assert "Find photos by text, file name, date or place; terms can be joined with + and -." in " ".join(
        capsys.readouterr().out.split())


def test_a_query_naming_an_image_file_that_is_not_there_is_refused_not_taken_as_words(
    run, photo_folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run("index", str(photo_folder))
    monkeypatch.chdir(photo_folder)
    code, out, err = run("search", "./missing.jpg")
    assert code == 2 and out == "" and err == (
        "photoclip: error: no photo at ./missing.jpg: give an existing image file, or quote words that are not a "
        "file name\n")
    for query in ("beach + ./nowhere/sunset.PNG", "~/nowhere/gone.heic", "dog - ../cat.webp", "beach + gone.jpg"):
        code, out, err = run("search", query)
        assert code == 2 and out == "" and "photoclip: error: no photo at " in err, query
    for name in ("missing.jpg", "2:gone.heic"):  # a name alone is looked for among the library's photos' names
        code, out, err = run("search", name)
        assert (code, out, err) == (1, "", f"no photo is named {name.removeprefix('2:')}\n"), name

    sunset = write_photo(tmp_path / "elsewhere" / "sunset.jpg", seed=2)  # p2.jpg's very pixels
    assert run("search", str(sunset), "-n", "1")[:2] == (0, f"{photo_folder / 'p2.jpg'}\n")
    assert run("search", "p4.png", "-n", "1")[:2] == (0, f"{photo_folder / 'trip' / 'p4.png'}\n")  # a library name
    for words in ("st. ives", '"missing.jpg"'):
        code, out, _ = run("search", words, "-n", "2")
        assert code == 0 and len(out.splitlines()) == 2, words


def test_ctrl_c_while_photoclip_starts_ends_it_in_one_line(tmp_path: Path) -> None:
    """Its modules take a quarter of a second to import; Ctrl-C then (here: the moment the
    library's module is looked for) is as clean as later."""
    code = ("import importlib.abc, os, runpy, signal, sys\n"
            "class CtrlC(importlib.abc.MetaPathFinder):\n"
            "    def find_spec(self, name, path, target=None):\n"
            "        if name == 'photoclip.library':\n"
            "            os.kill(os.getpid(), signal.SIGINT)\n"
            "sys.meta_path.insert(0, CtrlC())\n"
            "runpy.run_module('photoclip', run_name='__main__')\n")
    result = subprocess.run([sys.executable, "-c", code, "--library", str(tmp_path / "lib"), "status"],
                            capture_output=True, text=True, timeout=60)
    assert (result.returncode, result.stderr) == (130, "photoclip: interrupted\n")


def test_an_ascii_locale_takes_non_ascii_tags_and_prints_file_names_as_their_bytes(tmp_path: Path) -> None:
    odd = write_photo(Path(os.fsdecode(bytes(tmp_path / "photos") + b"/caf\xff.jpg")), seed=1)
    env = {**os.environ, "PYTHONUTF8": "0", "LC_ALL": "C", "LANG": "C"}
    env.pop("PYTHONIOENCODING", None)

    def photoclip(*args: str | bytes) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run([sys.executable, "-m", "photoclip", "--library", str(tmp_path / "lib"),
                               "--model", TINY_MODEL, *args], capture_output=True, env=env, timeout=120)

    assert photoclip("index", str(tmp_path / "photos")).returncode == 0
    tagged = photoclip("tag", "Größe", bytes(odd))
    assert tagged.returncode == 0 and tagged.stderr == "tagged 1 photo Größe\n".encode()
    assert photoclip("tags").stdout == "1\tGröße\n".encode()
    assert photoclip("tagged", "größe").stdout == bytes(odd) + b"\n"
    found = photoclip("search", "a photo", "--json")
    assert found.returncode == 0 and [hit["path"] for hit in json.loads(found.stdout)] == [str(odd)]


def test_a_change_waits_a_while_for_another_photoclip_using_the_library(
    run, photo_folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run("index", str(photo_folder))
    other = LibraryLock(tmp_path / "lib")  # a search started at the same moment, say
    other.acquire()
    letting_go = threading.Timer(1.0, other.release)
    letting_go.start()
    code, _, err = run("tag", "trip", str(photo_folder / "p0.jpg"))
    letting_go.join()
    assert code == 0 and err == (
        f"waiting for another photoclip using the library (pid {os.getpid()})…\ntagged 1 photo trip\n")

    monkeypatch.setattr(cli, "LOCK_WAIT_S", 1.0)
    other.acquire()
    try:
        code, _, err = run("untag", "trip", str(photo_folder / "p0.jpg"))
    finally:
        other.release()
    assert code == 2 and err.splitlines()[-1] == (
        f"photoclip: error: library {tmp_path / 'lib'} is in use by another photoclip (pid {os.getpid()}); "
        "let it finish (or close it), then try again")


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_watch_says_it_is_up_to_date_again_once_a_folder_goes_offline(open_library, tmp_path: Path) -> None:
    from photoclip.worker import Worker

    write_photo(tmp_path / "drive" / "p0.jpg", seed=0)
    write_photo(tmp_path / "home" / "p1.jpg", seed=1)
    library = open_library()
    for folder in ("drive", "home"):
        library.add_root(tmp_path / folder)
    screen = _Terminal()
    worker = Worker(library, settle_s=0.3, poll_s=0.3)
    worker.subscribe(cli.WatchStatus(library, cli.ProgressBar(screen)))

    def line() -> str:
        return screen.getvalue().rpartition("\r\033[K")[2]

    worker.start()
    try:
        assert worker.wait_idle(60)
        assert line() == "watching 2 folders · 2 photos indexed, up to date · Ctrl-C to stop"
        (tmp_path / "drive").rename(tmp_path / "unplugged")
        deadline = time.monotonic() + 20
        while "offline" not in line() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert line() == "watching 2 folders (1 offline) · 2 photos indexed, up to date · Ctrl-C to stop"
    finally:
        worker.stop()


def _refused(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """What a command line that argparse (or photoclip, before opening anything) turns away says."""
    try:
        code = main(args)
    except SystemExit as exited:
        code = exited.code
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(("args", "said"), [
    (["serch", "a dog"], "photoclip: error: unknown command 'serch' (did you mean 'search'? see photoclip --help)"),
    (["red circle"], 'photoclip: error: to search, name the command: photoclip search "red circle"'),
    (["red", "circle"], 'photoclip: error: unknown command \'red\' (to search: photoclip search "red circle"; '
                        "see photoclip --help)"),
    (["search", "circle", "-red"], "photoclip search: error: -red is not an option; to search for words with a -, "
                                   'quote the query: photoclip search "circle -red"'),
    (["search", "city", "-night"], "photoclip search: error: -night is not an option; to search for words with a "
                                   '-, quote the query: photoclip search "city -night"'),
    (["search", "-red"], "photoclip search: error: -red is not an option; to search for words with a -, "
                         "put -- before it: photoclip search -- -red"),
    (["search", "-2019", "-n", "3", "--json"], "photoclip search: error: -2019 is not an option; to search for words "
                                               "with a -, put -- before it: photoclip search -n 3 --json -- -2019"),
    (["search", "a dog", "--limt", "5"], "photoclip search: error: unknown option --limt (did you mean --limit? "
                                         "see photoclip search --help)"),
    (["search", "red circle", "-t", "5"], "photoclip search: error: -t is rclip's; here it is -n 5"),
    (["search", "red circle", "--top", "3"], "photoclip search: error: --top is rclip's; here it is -n 3"),
    (["search", "--top=3", "red"], "photoclip search: error: --top is rclip's; here it is -n 3"),
    (["similar", "a.jpg", "-t"], "photoclip similar: error: -t is rclip's; here it is -n N"),
    (["search", "red circle", "-f"], "photoclip search: error: -f is rclip's; here paths are what search prints, one "
                                     "per line (--scores adds each score, --json prints JSON)"),
    (["search", "red circle", "-p"], "photoclip search: error: -p is rclip's; to see the photos found, search in the "
                                     "app (photoclip-gui), or copy them into a folder with --copy-to FOLDER"),
    (["similar", "-p"], "photoclip similar: error: -p is rclip's; to see the photos found, search in the app "
                        "(photoclip-gui)"),
    (["--libary", "x", "status"], "photoclip: error: unknown option --libary (did you mean --library? "
                                  "see photoclip --help)"),
    (["status", "--jsno"], "photoclip status: error: unknown option --jsno (did you mean --json? "
                           "see photoclip status --help)"),
    (["status", "now"], "photoclip status: error: unexpected 'now' (see photoclip status --help)"),
    (["tag"], "photoclip tag: error: missing TAG and PATH: photoclip tag TAG PATH..."),
    (["tag", "beach"], "photoclip tag: error: missing PATH: photoclip tag TAG PATH..."),
    (["tagged"], "photoclip tagged: error: missing TAG: photoclip tagged TAG"),
    (["tag", "-beach", "a.jpg"], "photoclip tag: error: -beach is not an option; for a tag that starts with -, put "
                                 "-- before the tag: photoclip tag -- -beach a.jpg"),
    (["tag", "-beach", "a.jpg", "b.jpg"], "photoclip tag: error: -beach is not an option; for a tag that starts "
                                          "with -, put -- before the tag: photoclip tag -- -beach a.jpg b.jpg"),
    (["untag", "-n", "a.jpg"], "photoclip untag: error: -n is not an option; for a tag that starts with -, put -- "
                               "before the tag: photoclip untag -- -n a.jpg"),
    (["define-tag", "-x", "--prompt", "a cross"], "photoclip define-tag: error: -x is not an option; for a tag that "
                                                  "starts with -, put -- before the tag: photoclip define-tag "
                                                  '--prompt "a cross" -- -x'),
    (["forget-tag", "-x"], "photoclip forget-tag: error: -x is not an option; for a tag that starts with -, put -- "
                           "before the tag: photoclip forget-tag -- -x"),
    (["rename-tag", "x", "-y"], "photoclip rename-tag: error: -y is not an option; for a tag that starts with -, "
                                "put -- before the tag: photoclip rename-tag -- x -y"),
    (["delete-tag", "-x"], "photoclip delete-tag: error: -x is not an option; for a tag that starts with -, put -- "
                           "before the tag: photoclip delete-tag -- -x"),
    (["tagged", "-night", "-n", "5"], "photoclip tagged: error: -night is not an option; for a tag that starts "
                                      "with -, put -- before the tag: photoclip tagged -n 5 -- -night"),
    (["delete-tag", "x", "-y"], "photoclip delete-tag: error: unknown option -y (see photoclip delete-tag --help)"),
    (["search"], "photoclip search: error: missing QUERY: photoclip search QUERY..."),
    (["status", "--library"], "photoclip status: error: --library needs a value (see photoclip status --help)"),
    (["--library", "", "status"], "photoclip: error: --library is empty; give the library's folder, or leave "
                                  "--library out for your own library"),
    (["duplicates", "--yes"], "photoclip: error: --yes answers the question --trash asks; add --trash to move "
                              "the extra copies to the trash"),
    (["-n", "1", "--library", "my lib", "search", "red"], 'photoclip: error: -n is an option of search: give it '
                                                          'after the command, as in photoclip --library "my lib" '
                                                          "search red -n 1"),
    (["--json", "status"], "photoclip: error: --json is an option of status: give it after the command, as in "
                           "photoclip status --json"),
    (["-n", "3", "status"], "photoclip: error: -n is no option of status, only of search, similar and tagged (see "
                            "photoclip status --help)"),
])
def test_an_argument_error_is_one_line_that_says_what_to_do(
    args: list[str], said: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _refused(args, capsys) == (2, "", said + "\n")


def test_help_still_shows_the_usage_and_the_options(capsys: pytest.CaptureFixture[str]) -> None:
    for args in (["--help"], ["search", "--help"]):
        code, out, _ = _refused(args, capsys)
        assert code == 0 and out.startswith(f"usage: photoclip {args[0] if len(args) > 1 else ''}".rstrip())
        assert "options:" in out
    assert "--library" not in out  # the options of every command are on photoclip's own help


def test_global_options_may_follow_the_command(run, photo_folder: Path, tmp_path: Path) -> None:
    run("index", str(photo_folder))
    code, out, _ = run("--library", str(tmp_path / "typo"), "search", "a photo", "-n", "2", "--library",
                       str(tmp_path / "lib"), "--model", "photoclip-tiny", "--device", "cpu")
    assert code == 0 and len(out.splitlines()) == 2
    assert json.loads(run("status", "--json")[1])["library"] == str(tmp_path / "lib")  # not undone when not given
    verbose = subprocess.run([sys.executable, "-m", "photoclip", "search", "a photo", "-n", "1", "--library",
                              str(tmp_path / "lib"), "-v"], capture_output=True, text=True, timeout=120)
    assert verbose.returncode == 0 and "INFO photoclip" in verbose.stderr, verbose.stderr


@pytest.mark.parametrize("args", [
    ("status",), ("search", "a dog"), ("similar", "a.jpg"), ("tags",), ("tagged", "beach"), ("albums",),
    ("places",), ("duplicates",), ("export-tags",), ("tag", "beach", "a.jpg"), ("define-tag", "cabin"),
])
def test_a_mistyped_library_is_an_error_and_nothing_is_made_there(
    args: tuple[str, ...], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    typo = tmp_path / "typo"
    code, out, err = _refused(["--library", str(typo), *args], capsys)
    assert (code, out) == (2, "") and err == (
        f"photoclip: error: no library at {typo} (index a folder first: photoclip --library {typo} index FOLDER)\n")
    assert not typo.exists()
    typo.mkdir()
    assert _refused(["--library", str(typo), *args], capsys)[0] == 2 and list(typo.iterdir()) == []


@pytest.mark.parametrize("args", [("status",), ("search", "a dog"), ("index", "photos")])
def test_a_file_named_as_the_library_is_refused_saying_a_folder_is_wanted(
    args: tuple[str, ...], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("mine")
    code, out, err = _refused(["--library", str(notes), *args], capsys)
    assert (code, out) == (2, "") and err == (
        f"photoclip: error: {notes} is a file, not a library folder; name a folder for the library (a new one, "
        "or one photoclip made)\n")
    catalog = tmp_path / "my library" / "catalog.sqlite"
    catalog.parent.mkdir()
    catalog.write_bytes(b"")
    err = _refused(["--library", str(catalog), *args], capsys)[2]
    assert err == f'photoclip: error: {catalog} is the library\'s catalog; name its folder: --library "{catalog.parent}"\n'
    assert notes.read_text() == "mine" and catalog.read_bytes() == b""


def test_a_folder_of_photos_is_refused_as_the_library(photo_folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = sorted(photo_folder.rglob("*"))
    for args in (["--library", str(photo_folder), "index", str(photo_folder)],
                 ["--library", str(photo_folder / "trip"), "index", str(photo_folder / "trip")],
                 ["--library", str(photo_folder), "index", str(photo_folder / "trip")]):
        code, _, err = _refused(args, capsys)
        assert code == 2 and err == (
            f"photoclip: error: {args[1]} holds photos, not a library: --library is the folder where photoclip keeps "
            "its own files; give a new or empty one\n")
    assert sorted(photo_folder.rglob("*")) == before


def test_watch_logs_plain_lines_when_stderr_is_not_a_terminal(open_library, tmp_path: Path) -> None:
    from photoclip.worker import Worker

    for i in range(3):
        write_photo(tmp_path / "photos" / f"p{i}.jpg", seed=i)
    library = open_library()
    library.add_root(tmp_path / "photos")
    log = io.StringIO()
    worker = Worker(library, settle_s=0.3, poll_s=0.3)
    status = cli.WatchStatus(library, cli.ProgressBar(log))
    worker.subscribe(status)
    worker.start()
    try:
        assert worker.wait_idle(60)
        write_photo(tmp_path / "new.jpg", seed=7).rename(tmp_path / "photos" / "p7.jpg")
        deadline = time.monotonic() + 30
        while log.getvalue().count("indexed") < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        (tmp_path / "photos" / "p0.jpg").unlink()
        while "removed" not in log.getvalue() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert worker.wait_idle(60)
        status.stopping(by_ctrl_c=True)  # idle: no batch to finish first
    finally:
        worker.stop()
    lines = log.getvalue().splitlines()
    assert "\r" not in log.getvalue() and lines[0] == "watching 1 folder"
    assert re.fullmatch(r"indexed 3 photos, 0 failed \(\d+\.\d photos/s\)", lines[1]), lines
    assert re.fullmatch(r"indexed 1 photo, 0 failed \(\d+\.\d photos/s\)", lines[2]), lines
    assert lines[3:] == ["removed 1 photo (deleted, or moved out of the library's folders)", "stopping"]


def test_untag_says_how_many_photos_had_the_tag(run, photo_folder: Path) -> None:
    run("index", str(photo_folder))
    p0, p1 = str(photo_folder / "p0.jpg"), str(photo_folder / "p1.jpg")
    run("tag", "trip", p0)
    assert run("untag", "trip", p0, p1) == (0, "", "took trip off 1 photo; 1 photo did not have it "
                                                   "(it will not be given automatically)\n")
    theirs = {line.split("\t")[0] for line in run("tags", "--photo", p0)[1].splitlines()}
    label = next(name for name in tagging.load_vocabulary().names() if name not in theirs and " " not in name)
    assert run("untag", label, p0) == (0, "", f"1 photo did not have the tag {label}; it will not be given "
                                              "automatically\n")  # the vocabulary's: it might have come
    run("tag", "trip", p0, p1)
    assert run("untag", "trip", p0, p1) == (0, "", "took trip off 2 photos\n")


def test_export_tags_refuses_a_folder_outside_the_library(run, photo_folder: Path, tmp_path: Path) -> None:
    run("index", str(photo_folder))
    (tmp_path / "elsewhere").mkdir()
    assert run("export-tags", str(tmp_path / "elsewhere")) == (
        2, "", f"photoclip: error: {tmp_path / 'elsewhere'} is not in the library; `{run.photoclip} status` lists its "
               "folders\n")


def test_a_search_that_finds_nothing_says_so_and_exits_1_as_grep_does(run, photo_folder: Path) -> None:
    (photo_folder / "empty").mkdir()
    run("index", str(photo_folder))
    assert run("search", "a photo", "--in", str(photo_folder / "empty")) == (1, "", "no photos match\n")
    code, out, err = run("search", "a photo", "--in", str(photo_folder / "empty"), "--json")
    assert (code, json.loads(out), err) == (1, [], "no photos match\n")


def test_a_search_in_a_folder_whose_photos_are_not_indexed_yet_says_to_index_them(run, photo_folder: Path) -> None:
    """It said only "no photos match" of a folder of new photos in a folder of the library."""
    run("index", str(photo_folder))
    new = write_photo(photo_folder / "New" / "fresh.jpg", seed=7).parent
    write_photo(photo_folder / "New" / ".hidden" / "secret.jpg", seed=8)
    assert run("search", "a photo", "--in", str(new)) == (
        1, "", f"no photos match: {new} holds photos not indexed yet; run `{run.photoclip} index` to index them\n")
    code, out, err = run("search", "a photo", "--in", str(new), "--json")
    assert (code, json.loads(out), err.startswith("no photos match: ")) == (1, [], True)
    (new / "fresh.jpg").unlink()  # only a hidden photo, which index skips
    assert run("search", "a photo", "--in", str(new)) == (1, "", "no photos match\n")
    cache = write_photo(photo_folder / "Library" / "Caches" / "app" / "a.jpg", seed=9).parent.parent
    assert run("search", "a photo", "--in", str(cache)) == (
        1, "", f"no photos match: photoclip does not index {cache}, a hidden folder or a program's (they hold no "
               "photos of yours)\n")


def test_a_search_in_a_folder_left_out_says_so_and_how_to_bring_it_back(
    run, photo_folder: Path, tmp_path: Path
) -> None:
    """It said only "no photos match", as of a folder of photos unlike the words."""
    trip = write_photo(photo_folder / "Trip" / "Day 1" / "a.jpg", seed=7).parent.parent
    exports = write_photo(photo_folder / "Exports" / "b.jpg", seed=8).parent
    run("index", str(photo_folder))
    run("remove", str(trip))
    assert run("search", "a photo", "--in", str(trip / "Day 1")) == (
        1, "", f"no photos match: {trip / 'Day 1'} is left out of the library; `{run.photoclip} index {trip}` brings "
               "it back\n")
    settings = tmp_path / "lib" / "settings.json"
    written = json.loads(settings.read_text())
    settings.write_text(json.dumps({**written, "exclude_patterns": [*written["exclude_patterns"], "*/Exports"]}))
    run("index")  # as the app does on a change of its settings
    assert run("search", "a photo", "--in", str(exports)) == (
        1, "", f"no photos match: {exports} is left out of the library by the pattern */Exports (`{run.photoclip} "
               "status` lists the patterns; the app's Settings take one off)\n")


def test_a_search_longer_than_the_model_reads_says_which_words_were_left_out(run, photo_folder: Path) -> None:
    """photoclip-tiny reads 24 tokens (22 words of one token each here); the rest was cut without a word."""
    run("index", str(photo_folder))
    words = ("a red circle and a blue square and a green triangle on white with a yellow star and an orange "
             "cross by a purple heart at night").split()
    code, out, err = run("search", " ".join(words), "-n", "1")
    assert code == 0 and len(out.splitlines()) == 1
    assert err == ("only the first 22 words of the search were read (the model reads at most 24 tokens); left out: "
                   f"{' '.join(words[22:])}\n")
    assert "were read" not in run("search", " ".join(words[:22]) + " last year", "-n", "1")[2]  # dates are no words
    assert run("search", " ".join(words[:22]), "-n", "1")[2] == ""


def test_a_search_by_a_long_file_name_says_nothing_of_the_words_read(run, tmp_path: Path) -> None:
    """The model cuts a Pixel's file name short (24 tokens for photoclip-tiny): it said "only the first 0 words of
    the search were read", though the photo was listed first by its name."""
    name = "PXL_20230704_183012345.MP.jpg"
    write_photo(tmp_path / "photos" / name, seed=1)
    write_photo(tmp_path / "photos" / "p1.jpg", seed=2)
    run("index", str(tmp_path / "photos"))
    code, out, err = run("search", name, "-n", "1")
    assert (code, out, err) == (0, f"{tmp_path / 'photos' / name}\n", f"photos whose name starts with {name} first\n")
    code, _, err = run("search", "PXL_20230704_183012345_PXL_20230704_183012345_PXL_20230704_183012345", "-n", "1")
    assert code == 0 and err == ("only the start of the search's first word was read (the model reads at most 24 "
                                 "tokens): PXL_20230704_183012345_PXL_20230704_183012345_PXL_20230704_…\n")


def test_search_copy_to_a_file_says_it_is_not_a_folder(run, photo_folder: Path) -> None:
    run("index", str(photo_folder))
    gen = photo_folder / "p0.jpg"
    assert run("search", "a photo", "--copy-to", str(gen)) == (
        2, "", f"photoclip: error: {gen} is a file, not a folder; give a folder to copy the photos into\n")


def test_a_search_before_any_photo_is_indexed_says_whether_indexing_is_under_way(
    run, photo_folder: Path, tmp_path: Path
) -> None:
    with Library.open(tmp_path / "lib", model=TINY_MODEL) as library:
        library.add_root(photo_folder)
        library.scan()
    photoclip = run.photoclip  # advice names the library the command named
    assert run("search", "a dog") == (2, "", "photoclip: error: none of the library's 6 photos is indexed yet; "
                                             f"run `{photoclip} index` to index them\n")
    indexing = LibraryLock(tmp_path / "lib")  # `photoclip index` or `watch` in another terminal
    indexing.acquire()
    try:
        assert run("search", "a dog") == (2, "", "photoclip: error: none of the library's 6 photos is indexed yet: "
                                                 "another photoclip is indexing them; try again in a moment "
                                                 f"(`{photoclip} status` shows how far it got)\n")
    finally:
        indexing.release()


def test_status_says_whether_a_folder_is_online_now_not_at_the_last_scan(
    run, photo_folder: Path, tmp_path: Path, mount_point
) -> None:
    mount_point(photo_folder)
    run("index", str(photo_folder))
    photo_folder.rename(tmp_path / "unplugged")  # no `index` since: the catalog still says online

    assert f"folder:  {photo_folder}  (not found: deleted, moved or renamed?)\n" in run("status")[1]  # beside others
    assert json.loads(run("status", "--json")[1])["folders"] == [{"path": str(photo_folder), "online": False}]
    with Library.open(tmp_path / "lib", read_only=True) as library:
        assert [root.online for root in library.roots()] == [True]  # status looked, and wrote nothing

    (tmp_path / "unplugged").rename(photo_folder)
    run("index")  # now the catalog says offline, and the folder is back
    photo_folder.rename(tmp_path / "unplugged")
    run("index")
    (tmp_path / "unplugged").rename(photo_folder)
    assert f"folder:  {photo_folder}\n" in run("status")[1]
    assert json.loads(run("status", "--json")[1])["folders"] == [{"path": str(photo_folder), "online": True}]
    photo_folder.rename(tmp_path / "unplugged")
    photo_folder.mkdir()  # the empty mount point an unplugged drive leaves: offline, as a scan would say
    assert f"folder:  {photo_folder}  (offline)\n" in run("status")[1]


def test_a_command_that_does_not_index_keeps_the_librarys_model_and_says_how_to_index_with_another(
    run, photo_folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A search or status with --model must not make the next `index` embed every photo again."""
    monkeypatch.setenv("PHOTOCLIP_OFFLINE", "1")
    run("index", str(photo_folder))

    code, out, err = run("--model", "ViT-B-32:openai", "status")

    assert code == 0 and out.splitlines()[1:3] == ["model:   photoclip-tiny",
                                                   "photos:  6 (6 indexed, 0 pending, 0 failed)"]
    assert err == (f"this library's photos are indexed with photoclip-tiny, which status uses; to index them with "
                   f"ViT-B-32:openai: photoclip --library {tmp_path / 'lib'} --model ViT-B-32:openai index\n")
    code, out, err = run("--model", "ViT-B-32:openai", "search", "a photo", "-n", "2")
    assert code == 0 and len(out.splitlines()) == 2 and "which search uses" in err
    status = json.loads(run("status", "--json")[1])
    assert (status["model"], status["untried_model"], status["searching_with"], status["indexed"]) == (
        "photoclip-tiny", None, None, 6)
    assert json.loads((tmp_path / "lib" / "settings.json").read_text())["model"] == "photoclip-tiny"


def test_a_file_name_not_found_on_disk_is_looked_for_among_the_photos_names(
    run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    photos = tmp_path / "photos"
    jpeg = write_photo(photos / "DSC_2000.JPG", seed=1)
    (photos / "DSC_2000.NEF").write_bytes(b"raw")  # left out for its JPEG, which stands for the shot
    tram = write_photo(photos / "Lisbon tram.JPG", seed=2)
    scan = write_photo(photos / "scans" / "scan 003.jpg", seed=3)
    for i in range(4):
        write_photo(photos / f"IMG_{i}.jpg", seed=10 + i)
    (photos / "IMG_3000.jpg").write_bytes(b"\xff\xd8\xff not a photo")
    run("index", str(photos))
    monkeypatch.chdir(tmp_path)

    assert run("search", "DSC_2000.NEF", "-n", "1") == (0, f"{jpeg}\n", "photos named DSC_2000 first\n")
    assert run("search", "lisbon TRAM", "-n", "1") == (0, f"{tram}\n", 'photos named "lisbon TRAM" first\n')
    assert run("search", "scan 003", "-n", "1") == (0, f"{scan}\n", 'photos named "scan 003" first\n')
    code, out, err = run("search", "IMG_3000.jpg")
    assert (code, out) == (2, "") and err.startswith(
        f"photoclip: error: {photos / 'IMG_3000.jpg'} is in the library but could not be indexed, so no search "
        "finds it: ")
    assert run("search", "IMG_9999.CR2") == (1, "", "no photo is named IMG_9999.CR2\n")
    assert run("search", "IMG_9999.CR2", "--json") == (1, "[]\n", "no photo is named IMG_9999.CR2\n")
    code, out, err = run("search", "./IMG_9999.CR2")
    assert (code, out) == (2, "") and err.startswith("photoclip: error: no photo at ./IMG_9999.CR2: ")
    code, out, err = run("search", "a photo of a tram", "-n", "1")
    assert code == 0 and err == ""  # words that are no photo's whole name are a description


def test_a_path_that_is_not_there_is_said_not_to_exist(run, photo_folder: Path, tmp_path: Path) -> None:
    run("index", str(photo_folder))
    nowhere = tmp_path / "nonexist"
    assert run("search", "a photo", "--in", str(nowhere)) == (
        2, "", f"photoclip: error: there is no folder {nowhere}; check the name (`{run.photoclip} status` lists the "
               "library's folders)\n")
    assert run("similar", "nosuch.jpg") == (2, "", "photoclip: error: there is no file nosuch.jpg; give the path of "
                                                   "a photo\n")
    assert run("tag", "beach", "nosuchfile.jpg") == (2, "", "photoclip: error: there is no file nosuchfile.jpg; "
                                                            "check the name\n")
    (tmp_path / "elsewhere").mkdir()
    code, _, err = run("search", "a photo", "--in", str(tmp_path / "elsewhere"))
    assert code == 2 and f"is not a folder of the library; add it with `{run.photoclip} index" in err


def test_untag_of_a_tag_no_photo_has_and_none_would_be_given_is_refused_as_a_typo(run, photo_folder: Path) -> None:
    run("index", str(photo_folder))
    p0, p1 = str(photo_folder / "p0.jpg"), str(photo_folder / "p1.jpg")
    run("tag", "best shot", p0)
    before = run("tags", "--photo", p1, "--json")[1]

    assert run("untag", "best shto", p1) == (
        2, "", 'photoclip: error: no photo has the tag "best shto", and photoclip never gives it (did you mean '
               '"best shot"?)\n')
    assert run("untag", "zzzqqq", p1)[:2] == (2, "")
    assert run("tags", "--photo", p1, "--json")[1] == before  # no refusal recorded
    run("define-tag", "cabin")
    code, _, err = run("untag", "cabin", p1)  # defined: it may come, so it can be kept from coming
    assert code == 0 and "it will not be given automatically" in err
    assert run("untag", "best shot", p0) == (0, "", 'took "best shot" off 1 photo\n')


def test_tagged_of_a_tag_no_photo_has_exits_1_as_grep_does(run, photo_folder: Path) -> None:
    run("index", str(photo_folder))
    assert run("tagged", "nosuch") == (1, "", f"no photo is tagged nosuch; `{run.photoclip} tags` lists the tags\n")
    assert run("tagged", "nosuch", "--json") == (
        1, "[]\n", f"no photo is tagged nosuch; `{run.photoclip} tags` lists the tags\n")


def test_index_of_a_folder_inside_a_library_folder_scans_it_again(run, photo_folder: Path) -> None:
    run("index", str(photo_folder))
    write_photo(photo_folder / "trip" / "new.jpg", seed=20)

    code, _, err = run("index", str(photo_folder / "trip"))

    assert code == 0 and err.splitlines()[0] == (
        f"{photo_folder / 'trip'} is in the library's folder {photo_folder}: scanning that again")
    assert err.splitlines()[1].startswith("indexed 1 photo, 0 failed")
    status = json.loads(run("status", "--json")[1])
    assert status["total"] == 7 and [f["path"] for f in status["folders"]] == [str(photo_folder)]


def test_a_plain_list_of_labels_is_a_vocabulary(run, tmp_path: Path) -> None:
    scene_folder(tmp_path / "photos", seed=0, red_circles=4, others=4)
    run("index", str(tmp_path / "photos"))
    (tmp_path / "labels.txt").write_text("circle\nsquare\n", encoding="utf-8")

    code, out, err = run("tags", "--vocabulary", str(tmp_path / "labels.txt"))

    assert code == 0 and err == ""
    assert {line.split("\t")[1] for line in out.splitlines()} <= {"circle", "square"}


def test_index_gives_no_rate_when_nothing_was_embedded(run, tmp_path: Path) -> None:
    (tmp_path / "photos").mkdir()
    (tmp_path / "photos" / "broken.jpg").write_bytes(b"\xff\xd8\xff not really")
    code, _, err = run("index", str(tmp_path / "photos"))
    assert code == 0 and re.fullmatch(r"indexed 0 photos, 1 failed, in \d+\.\ds", err.splitlines()[0]), err


def test_rename_tag_onto_a_tag_there_is_says_it_merged_them(run, photo_folder: Path) -> None:
    run("index", str(photo_folder))
    run("tag", "holidya", str(photo_folder / "p0.jpg"))
    run("tag", "summer holiday", str(photo_folder / "p1.jpg"))
    assert run("rename-tag", "holidya", "summer holiday") == (
        0, "", 'merged holidya into the existing tag "summer holiday": 2 photos tagged "summer holiday"\n')
    assert run("rename-tag", "summer holiday", "holiday") == (0, "", "2 photos tagged holiday\n")
    assert run("rename-tag", "holiday", "Holiday") == (0, "", "2 photos tagged Holiday\n")  # its case only


def _lock_held_by(child: subprocess.Popen, library: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and child.poll() is None:
        with contextlib.suppress(OSError):
            if (library / "lock").read_text() == str(child.pid):
                return
        time.sleep(0.05)
    raise AssertionError(f"{child.args} did not take the library: {child.communicate(timeout=10)}")


@contextlib.contextmanager
def _watching(run, photo_folder: Path, library: Path) -> Iterator[subprocess.Popen]:
    """`photoclip watch` over `photo_folder`, indexed first, once it holds the library; Ctrl-C after."""
    run("index", str(photo_folder))
    watch = _photoclip(library, "watch")
    try:
        _lock_held_by(watch, library)
        yield watch
    finally:
        watch.send_signal(signal.SIGINT)
        watch.communicate(timeout=60)


@pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="tells what a process loaded from /proc")
def test_watch_with_nothing_to_index_holds_no_torch_until_a_photo_comes(
    run, photo_folder: Path, tmp_path: Path
) -> None:
    """torch alone is about 300 MB of a process's own memory: a watch that waits all day need not hold it."""
    with _watching(run, photo_folder, tmp_path / "lib") as watch:
        def holds_torch() -> bool:
            return "libtorch" in Path(f"/proc/{watch.pid}/maps").read_text()

        time.sleep(5)  # it has looked through the folder, and found nothing new
        assert not holds_torch()
        write_photo(photo_folder / "new.jpg", seed=99)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not holds_torch():
            time.sleep(0.1)
        assert holds_torch()


@pytest.mark.skipif(not Path("/proc/self/cmdline").exists(), reason="tells what holds the library from /proc")
def test_index_of_a_new_folder_while_watch_runs_hands_it_to_watch(run, photo_folder: Path, tmp_path: Path) -> None:
    """watch holds the library all day: `index FOLDER` meanwhile was refused, and the user had to stop it."""
    other = tmp_path / "phone"
    write_photo(other / "from the phone.jpg", seed=77)
    with _watching(run, photo_folder, tmp_path / "lib") as watch:
        code, out, err = run("index", str(other))
        assert (code, out) == (0, "") and err == (
            f"`{run.photoclip} watch` (pid {watch.pid}) keeps this library up to date: it adds {other} and indexes it "
            "in a "
            f"few seconds; `{run.photoclip} status` shows how far it is\n")
        deadline, indexed = time.monotonic() + 60, None
        while time.monotonic() < deadline and indexed is None:
            with contextlib.suppress(Exception), Library.open(tmp_path / "lib", read_only=True) as library:
                photo = library.photo_at(other / "from the phone.jpg")
                indexed = photo if photo is not None and photo.status == "indexed" else None
            time.sleep(0.2)
        assert indexed is not None
    assert not list((tmp_path / "lib" / "requests").iterdir())


@pytest.mark.skipif(not Path("/proc/self/cmdline").exists(), reason="tells what holds the library from /proc")
def test_tag_and_untag_while_watch_runs_hand_the_tag_to_watch(run, photo_folder: Path, tmp_path: Path) -> None:
    """watch holds the library all day: `tag` and `untag` meanwhile were refused, and the user had to stop it."""
    one, two = photo_folder / "p0.jpg", photo_folder / "p1.jpg"

    def tags_of(photo: Path) -> set[str]:
        with Library.open(tmp_path / "lib", read_only=True) as library:
            return {t.name for t in library.photo_tags(library.photo_at(photo).id) if t.source == "user"}

    def eventually(check: Callable[[], bool]) -> bool:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with contextlib.suppress(Exception):
                if check():
                    return True
            time.sleep(0.2)
        return False

    with _watching(run, photo_folder, tmp_path / "lib") as watch:
        assert run("tag", "Lake House", str(one), str(two)) == (0, "", (
            f"`{run.photoclip} watch` (pid {watch.pid}) keeps this library up to date: it tags 2 photos "
            "\"Lake House\" in a few seconds\n"))
        assert eventually(lambda: tags_of(one) == tags_of(two) == {"lake house"})
        said = run("untag", "lake house", str(two))[2]
        assert said.endswith(': it takes "Lake House" off 1 photo in a few seconds\n')
        assert eventually(lambda: tags_of(two) == set()) and tags_of(one) == {"lake house"}
        code, _, err = run("tag", "x", str(one), str(tmp_path / "nowhere.jpg"))  # checked here, as ever
        assert code == 2 and "no photo was tagged" in err
    assert not list((tmp_path / "lib" / "requests").iterdir())


def test_a_tag_asked_of_a_watch_that_stopped_first_is_given_before_the_next_change(run, photo_folder: Path) -> None:
    """It waited for the next watch, and came then over what the user did since: an untag in between failed."""
    from photoclip.library import ask_to_tag

    run("index", str(photo_folder))
    photo = photo_folder / "p0.jpg"
    ask_to_tag(photo_folder.parent / "lib", "mistake", [photo])  # watch was stopped before it took this
    assert run("untag", "mistake", str(photo)) == (0, "", "took mistake off 1 photo\n")
    assert run("tagged", "mistake")[0] == 1 and not list((photo_folder.parent / "lib" / "requests").iterdir())


@pytest.mark.skipif(not Path("/proc/self/cmdline").exists(), reason="tells what holds the library from /proc")
def test_a_change_is_refused_at_once_while_watch_or_the_app_holds_the_library(
    run, photo_folder: Path, tmp_path: Path
) -> None:
    with _watching(run, photo_folder, tmp_path / "lib") as watch:
        started = time.monotonic()
        code, _, err = run("define-tag", "trip")
        took = time.monotonic() - started
        exported = run("export-tags")  # it records what it wrote: a change as well
    assert exported[0] == 2 and "is kept up to date by" in exported[2]
    assert not list(photo_folder.rglob("*.xmp"))
    assert took < 2 and (code, err) == (2, (
        f"photoclip: error: library {tmp_path / 'lib'} is kept up to date by `{run.photoclip} watch` "
        f"(pid {watch.pid}); "
        "stop it (Ctrl-C where it runs) to change the library, then start it again\n"))

    holding = ("import sys; from photoclip.lock import LibraryLock; lock = LibraryLock(sys.argv[1]); lock.acquire();"
               " print('ready', flush=True); sys.stdin.read()")
    app = subprocess.Popen(["photoclip-gui", "-c", holding, str(tmp_path / "lib")], executable=sys.executable,
                           stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                           cwd=Path(__file__).resolve().parent.parent)
    try:
        assert app.stdout.readline() == "ready\n"
        code, _, err = run("duplicates", "--trash", "--yes")
    finally:
        app.communicate("", timeout=30)
    assert (code, err) == (2, f"photoclip: error: library {tmp_path / 'lib'} is open in the photoclip app (pid "
                              f"{app.pid}); do this in the app, or close the app first\n")


def test_watch_of_a_folder_inside_a_library_folder_watches_the_library_without_an_error(tmp_path: Path) -> None:
    write_photo(tmp_path / "photos" / "a.jpg", seed=1)
    (tmp_path / "photos" / "2024").mkdir()
    home = str(tmp_path / "home")
    env = {**os.environ, "HOME": home, "XDG_DATA_HOME": home, "XDG_CACHE_HOME": home, "PHOTOCLIP_CACHE_DIR": home}
    command = [sys.executable, "-m", "photoclip", "--library", str(tmp_path / "lib"), "--model", TINY_MODEL]
    assert subprocess.run([*command, "index", str(tmp_path / "photos")], capture_output=True, env=env).returncode == 0
    said = tmp_path / "watch.log"
    with said.open("w") as log:
        watcher = subprocess.Popen([*command, "watch", str(tmp_path / "photos" / "2024")], env=env,
                                   stdout=subprocess.DEVNULL, stderr=log)
        try:
            deadline = time.monotonic() + 60
            while "watching 1 folder" not in said.read_text() and time.monotonic() < deadline:
                time.sleep(0.2)
            write_photo(tmp_path / "new.jpg", seed=2).rename(tmp_path / "photos" / "2024" / "b.jpg")
            while "indexed 1 photo" not in said.read_text() and time.monotonic() < deadline:
                time.sleep(0.2)
        finally:
            watcher.send_signal(signal.SIGINT)
            watcher.wait(30)
    lines = said.read_text().splitlines()
    assert "indexed 1 photo, 0 failed" in said.read_text() and not [line for line in lines if "photoclip:" in line], lines
    folders = json.loads(subprocess.run([*command, "status", "--json"], capture_output=True, env=env).stdout)["folders"]
    assert [f["path"] for f in folders] == [str(tmp_path / "photos")]


def test_export_tags_lists_each_sidecar_another_program_wrote_and_writes_none_beside_it(
    run, photo_folder: Path
) -> None:
    run("index", str(photo_folder))
    folder = photo_folder.resolve()
    photos = [folder / "p0.jpg", folder / "p1.jpg", folder / "p2.jpg", folder / "trip" / "p4.png"]
    run("tag", "Picnic", *map(str, photos))
    theirs = b'<x:xmpmeta xmlns:x="adobe:ns:meta/" x:xmptk="Adobe XMP Core"><edits/></x:xmpmeta>'
    kept = [folder / "p0.xmp", folder / "p1.jpg.XMP", folder / "trip" / "p4.png.xmp"]  # Lightroom's, a camera's
    for sidecar in kept:
        sidecar.write_bytes(theirs)

    code, _, err = run("export-tags", "--mine")

    lines = err.splitlines()
    assert code == 0 and lines[0].startswith("kept 3 sidecars another program wrote") and lines[-1].startswith(
        "1 sidecar written, 0 updated")
    assert sorted(lines[1:-1]) == sorted(map(str, kept))
    assert sorted(p.name for p in folder.glob("p[0-2].*")) == ["p0.jpg", "p0.xmp", "p1.jpg", "p1.jpg.XMP", "p2.jpg",
                                                               "p2.jpg.xmp"]
    assert all(sidecar.read_bytes() == theirs for sidecar in kept)


def test_watch_of_a_folder_that_is_not_there_says_so_and_watches_nothing(run, photo_folder: Path) -> None:
    run("index", str(photo_folder))
    assert run("watch", str(photo_folder / "nowhere")) == (
        2, "", f"photoclip: error: there is no folder {photo_folder / 'nowhere'}; check the name\n")
    code, _, err = run("watch", str(photo_folder / "p0.jpg"))
    assert code == 2 and err.endswith("p0.jpg is not a folder; give the folder that holds your photos\n")


def test_a_command_started_with_stdout_closed_says_its_results_are_lost(photo_folder: Path, tmp_path: Path) -> None:
    """`search red >&-` printed its results nowhere and exited 0; `ls >&-` fails, and so does it. A
    command that prints nothing there (index) does its work."""

    def photoclip(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "photoclip", "--library", str(tmp_path / "lib"), "--model", TINY_MODEL, *args]
        return subprocess.run(["sh", "-c", 'exec "$@" >&-', "sh", *command], capture_output=True, text=True,
                              timeout=120)

    assert photoclip("index", str(photo_folder)).returncode == 0
    for searched in (photoclip("search", "a photo"), photoclip("search", "a photo", "--json")):
        assert (searched.returncode, searched.stderr) == (2, "photoclip: error: cannot write the output: standard "
                                                             "output is closed; send it to a file, or to /dev/null to "
                                                             "drop it\n")
    copied = photoclip("search", "a photo", "-n", "2", "--copy-to", str(tmp_path / "out"))  # the copies made first
    assert copied.returncode == 2 and len(list((tmp_path / "out").iterdir())) == 2


def test_a_file_uri_names_the_library_and_the_photos_at_its_path(
    photo_folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`--library file:///tmp/x/lib index` made a folder "file:" in the current one, and `status` found no
    library there; `similar file:///…/p0.jpg` found no such file."""
    monkeypatch.chdir(tmp_path)
    library = tmp_path / "My Lib"
    tiny = ["--model", TINY_MODEL]
    assert main(["--library", f"file://{urllib.parse.quote(str(library))}", *tiny, "index", str(photo_folder)]) == 0
    assert (library / CATALOG_FILE).is_file() and not (tmp_path / "file:").exists()
    monkeypatch.setenv("PHOTOCLIP_LIBRARY", f"file://localhost{urllib.parse.quote(str(library))}")
    photo = f"FILE://{urllib.parse.quote(str(photo_folder / 'p0.jpg'))}"
    capsys.readouterr()
    assert main([*tiny, "similar", photo, "-n", "1"]) == 0 and len(capsys.readouterr().out.splitlines()) == 1
    assert main([*tiny, "search", photo, "-n", "1"]) == 0
    assert Path(capsys.readouterr().out.strip()) == (photo_folder / "p0.jpg").resolve()
    assert _refused(["--library", "file://nas/photos", "status"], capsys) == (
        2, "", "photoclip: error: --library file://nas/photos names a folder on the computer nas; give the path it "
               "has on this computer (where it is mounted)\n")
    monkeypatch.setenv("PHOTOCLIP_LIBRARY", str(library))
    folder = f"file://{urllib.parse.quote(str(photo_folder / 'trip'))}"
    assert main([*tiny, "search", "a photo", "--in", folder, "-n", "1"]) == 0
    assert Path(capsys.readouterr().out.strip()).parent == (photo_folder / "trip").resolve()
    assert main([*tiny, "index", folder]) == 0  # a folder of the library already: scanned again


def test_output_its_reader_stopped_reading_ends_quietly_and_a_full_disk_in_one_line(run, photo_folder: Path,
                                                                                      tmp_path: Path) -> None:
    """Short output is written only as Python exits: `| head -1` must not get "Exception ignored"
    and exit 120 (a `set -o pipefail` script fails on it)."""
    run("index", str(photo_folder))
    buffered = {name: value for name, value in os.environ.items() if name != "PYTHONUNBUFFERED"}
    reading, writing = os.pipe()
    os.close(reading)
    child = _photoclip(tmp_path / "lib", "search", "a photo", stdout=writing, env=buffered)
    os.close(writing)
    _, err = child.communicate(timeout=120)
    assert child.returncode == 0 and err == "", err
    with open("/dev/full", "w") as full:
        child = _photoclip(tmp_path / "lib", "search", "a photo", "-n", "1", stdout=full, env=buffered)
        _, err = child.communicate(timeout=120)
    assert child.returncode == 2 and err == "photoclip: error: cannot write the output: No space left on device\n"
    closed = subprocess.run(["bash", "-c", '"$@" >&-', "bash", sys.executable, "-m", "photoclip", "--library",
                             str(tmp_path / "lib"), "--model", TINY_MODEL, "status"],
                            capture_output=True, text=True, timeout=120)
    assert closed.returncode == 2 and closed.stderr.startswith("photoclip: error: cannot write the output: standard "
                                                               "output is closed;")


def test_duplicates_can_end_each_line_with_nul_for_names_that_hold_a_newline(run, tmp_path: Path) -> None:
    photo = write_photo(tmp_path / "photos" / "lake\nday.jpg", seed=4)
    shutil.copy2(photo, tmp_path / "photos" / "copy.jpg")
    other = write_photo(tmp_path / "photos" / "hill.jpg", seed=5)
    shutil.copy2(other, tmp_path / "photos" / "hill copy.jpg")
    run("index", str(tmp_path / "photos"))
    code, out, _ = run("duplicates", "-0")
    records = out.split("\0")
    assert code == 0 and records[-1] == "" and records.count("") == 2  # one between the groups, one at the end
    listed = {Path(record.split("\t", 1)[1]) for record in records if record}
    assert listed == {p.resolve() for p in (photo, other, tmp_path / "photos" / "copy.jpg",
                                            tmp_path / "photos" / "hill copy.jpg")}


def test_similar_reads_an_image_piped_in(run, photo_folder: Path, tmp_path: Path) -> None:
    run("index", str(photo_folder))
    child = _photoclip(tmp_path / "lib", "similar", "-", "-n", "1", stdin=subprocess.PIPE, text=False)
    out, err = child.communicate((photo_folder / "p3.jpg").read_bytes(), timeout=120)
    assert child.returncode == 0 and out == os.fsencode(f"{(photo_folder / 'p3.jpg').resolve()}\n"), err
    child = _photoclip(tmp_path / "lib", "similar", "-", stdin=subprocess.PIPE, text=False)
    _, err = child.communicate(b"not an image at all", timeout=120)
    assert child.returncode == 2 and err.startswith(b"photoclip: error: cannot search with /dev/stdin: ") and \
        err.count(b"\n") == 1


def test_a_file_whose_name_starts_with_a_dash_is_shown_how_to_name_it(
    tmp_path: Path, monkeypatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write_photo(tmp_path / "-lake.jpg", seed=1)
    monkeypatch.chdir(tmp_path)
    assert _refused(["similar", "-lake.jpg"], capsys) == (
        2, "", "photoclip similar: error: -lake.jpg reads as an option; give the file as "
               f"{os.path.join('.', '-lake.jpg')}\n")


def test_a_progress_bar_on_a_dumb_terminal_clears_its_line_with_spaces_not_escape_codes(monkeypatch) -> None:
    monkeypatch.setenv("TERM", "dumb")
    terminal, its_end = os.openpty()
    with os.fdopen(its_end, "w") as stream:
        bar = cli.ProgressBar(stream)
        bar.message("loading the model")
        bar.message("idle")
        bar.finish()
    drawn = ""
    while not drawn.endswith("idle\r    \r") and select.select([terminal], [], [], 5)[0]:
        drawn += os.read(terminal, 4096).decode()
    os.close(terminal)
    assert "\033" not in drawn and drawn == "\r\rloading the model\r" + " " * 17 + "\ridle\r    \r"


def test_help_names_the_default_library_and_a_relative_library_is_shown_whole(
    run, photo_folder: Path, tmp_path: Path, monkeypatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from photoclip import config

    with pytest.raises(SystemExit):
        main(["--help"])
    said = " ".join(capsys.readouterr().out.split())
    home = config.user_library_dir()
    shown = "~" / home.relative_to(Path.home()) if home.is_relative_to(Path.home()) else home
    assert f"$PHOTOCLIP_LIBRARY, else {shown})" in said
    run("index", str(photo_folder))
    monkeypatch.chdir(tmp_path)
    assert main(["--library", "lib", "--model", TINY_MODEL, "status", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["library"] == str(tmp_path / "lib")


def test_an_image_among_words_is_searched_as_an_image_and_a_folder_alone_says_to_use_in(
    run, photo_folder: Path
) -> None:
    """`search beach.jpg 2019` searched the path as words (scores near 0); written with + it was an image."""
    run("index", str(photo_folder))
    image = str(photo_folder / "p3.jpg")
    code, out, _ = run("search", image, "a photo", "--json")
    as_written = run("search", f"{image} + a photo", "--json")[1]
    assert code == 0 and json.loads(out) == json.loads(as_written)
    assert run("search", str(photo_folder)) == (
        2, "", f"photoclip: error: {photo_folder} is a folder; to search in it, say what to look for and add "
               f"--in {photo_folder}\n")


def test_search_json_says_which_photos_come_first_for_a_tag_or_name_ahead_of_better_scores(
    run, photo_folder: Path
) -> None:
    """A script sorting by score undid "tagged first" without knowing it was there."""
    run("index", str(photo_folder))
    run("tag", "sarah", str(photo_folder / "p1.jpg"))
    rows = json.loads(run("search", "sarah", "--json", "-n", "3")[1])
    assert rows[0]["path"] == str((photo_folder / "p1.jpg").resolve()) and rows[0]["first_because"] == "tag"
    assert [row["first_because"] for row in rows[1:]] == [None, None]
    rows = json.loads(run("search", "p2", "--json", "-n", "2")[1])
    assert rows[0]["path"].endswith("p2.jpg") and rows[0]["first_because"] == "name"


def test_tagging_a_raw_left_out_for_its_jpeg_tags_the_shot(run, tmp_path: Path) -> None:
    """`tag garage DSC_0001.dng` said the raw was "not a photo of this library; index its folder first",
    which led nowhere: the JPEG beside it stands for the shot."""
    folder = tmp_path / "Camera"
    raw = folder / "DSC_0001.dng"
    jpeg = write_photo(folder / "DSC_0001.JPG", seed=3)
    shutil.copy(Path(__file__).parent / "fixtures" / "raw" / "DNG.dng", raw)
    run("index", str(folder))
    code, _, err = run("tag", "garage", str(raw))
    assert code == 0, err
    assert run("tagged", "garage")[1].splitlines() == [str(jpeg.resolve())]


def test_a_sync_conflict_copy_of_other_bytes_is_kept_and_one_of_the_same_bytes_goes(run, tmp_path: Path) -> None:
    """The conflict copy was kept "as the oldest file" and the photo under its own name trashed; one holding
    other bytes, another version, went to the trash as a 99% copy."""
    photos = tmp_path / "photos"
    first, second = sorted(scene_folder(photos, seed=2))[:2]
    version = resized_copy(first, first.with_name(f"{first.stem}.sync-conflict-20210704-101500-ABCDEFG.jpg"), 1.0, 80)
    same = photos / f"{second.stem} (Alice's conflicted copy 2021-07-04).jpg"
    shutil.copy2(second, same)
    for conflict in (version, same):  # Syncthing renames the older version
        os.utime(conflict, ns=(first.stat().st_mtime_ns - 10**11,) * 2)
    run("index", str(photos))

    code, out, err = run("duplicates")
    marks = {Path(line.split("\t")[1]).name: line.split("\t")[0] for line in out.splitlines() if line}
    assert code == 0 and marks[first.name] == marks[version.name] == marks[second.name] == "keep", out
    assert marks[same.name] == "same"
    assert ", 1 sync conflict copy of other bytes kept (compare each with its photo to choose)\n" in err
    [kept_because] = [c["kept_because"] for g in json.loads(run("duplicates", "--json")[1]) for c in g["copies"]
                      if c["keep"]]
    assert kept_because == [dedup.why_kept_too(version)]
    assert kept_because[0].startswith("it is a sync tool's conflict copy, another version of the photo")

    code, _, err = run("duplicates", "--trash", "--yes")
    assert code == 0 and "moved 1 file" in err
    assert first.exists() and version.exists() and second.exists() and not same.exists()


def test_paths_typed_in_another_case_on_a_memory_card_name_its_photos(run, memory_card: Path) -> None:
    """On an exFAT card, `similar …/img_0005.jpg` listed the photo itself at 1.000, `search --in …/dcim`
    said the folder "holds photos not indexed yet", `tag beach …/img_0005.jpg` was refused, and
    `index …/dcim` made the card's DCIM a second folder of the library."""
    folder = memory_card / "DCIM" / "100CANON"
    for i, scene in enumerate(sorted(scene_folder(folder, seed=1, red_circles=3, others=3))):
        scene.rename(folder / f"IMG_000{i}.JPG")
    run("index", str(memory_card / "dcim"))
    code, _, err = run("index", str(memory_card / "DCIM"))
    assert code == 0 and "indexed 0 photos" in err
    assert [root["path"] for root in json.loads(run("status", "--json")[1])["folders"]] == [str(memory_card / "DCIM")]
    typed = memory_card / "dcim" / "100canon" / "img_0005.jpg"

    code, out, _ = run("similar", str(typed), "-n", "10")
    assert code == 0 and len(out.splitlines()) == 5 and str(folder / "IMG_0005.JPG") not in out
    code, out, err = run("search", "red circle", "--in", str(memory_card / "dcim"))
    assert code == 0 and len(out.splitlines()) == 6, err
    code, _, err = run("tag", "beach", str(typed))
    assert code == 0 and run("tagged", "beach")[1].splitlines() == [str(folder / "IMG_0005.JPG")]


def test_a_share_that_hangs_is_said_not_to_answer_and_holds_nothing_up(
    run, photo_folder: Path, hanging_share: HangingShare, tmp_path: Path
) -> None:
    """`status`, `search`, `index` and `remove` waited for ever on a share whose server went away."""
    write_photo(hanging_share.folder / "a.jpg", seed=1)
    assert run("index", str(hanging_share.folder), str(photo_folder))[0] == 0
    hanging_share.hang()

    code, out, _ = run("status")  # in this thread, as the CLI sets its signals: a run that hangs fails (conftest)
    assert code == 0 and f"folder:  {hanging_share.folder}  (offline: not answering; a share whose server is away?)" \
        in out.splitlines()
    code, out, _ = run("search", "a.jpg")
    assert code == 0 and str(hanging_share.folder / "a.jpg") in out.splitlines()  # found, as if unplugged
    write_photo(photo_folder / "new.jpg", seed=20)
    indexed = subprocess.run([sys.executable, "-m", "photoclip", "--library", str(tmp_path / "lib"), "--model",
                              TINY_MODEL, "index"], capture_output=True, text=True, timeout=120)  # a look waits 10 s
    assert indexed.returncode == 0 and "indexed 1 photo" in indexed.stderr
    assert f"{hanging_share.folder} does not answer (a share whose server is away?): its photos are kept, shown as " \
        "offline" in indexed.stderr.splitlines()
    code, _, err = run("remove", str(hanging_share.folder))  # gone for good, say: removed without waiting for it
    assert code == 0, err
    folders = [line for line in run("status")[1].splitlines() if line.startswith("folder:")]
    assert folders == [f"folder:  {photo_folder}"]


def test_tagged_with_a_share_that_just_stopped_answering_lists_its_photos_without_waiting(
    run, photo_folder: Path, hanging_share: HangingShare
) -> None:
    """Asked first, before anything found the share silent, `tagged` asked whether each photo was deleted
    since, and waited on the share's for ever; `duplicates` and `export-tags` then said nothing of the photos
    they left out, and `search --in` and `export-tags` of a folder on the share waited for it too."""
    on_share = write_photo(hanging_share.folder / "a.jpg", seed=1)
    assert run("index", str(hanging_share.folder), str(photo_folder))[0] == 0
    assert run("tag", "lake", str(on_share), str(photo_folder / "p0.jpg"))[0] == 0
    hanging_share.hang()

    code, out, _ = run("tagged", "lake")  # a run that hangs fails (conftest)
    assert code == 0 and sorted(out.splitlines()) == sorted([str(on_share), str(photo_folder / "p0.jpg")])
    code, _, err = run("duplicates")
    assert code == 0 and err.splitlines()[-1] == (
        f"the photos in {hanging_share.folder} were not compared: it does not answer (a share whose server is away?)")
    code, out, _ = run("search", "a.jpg", "--in", str(hanging_share.folder))
    assert code == 0 and out.splitlines() == [str(on_share)]
    code, _, err = run("export-tags")
    assert code == 0 and err.splitlines() == [
        "1 sidecar written, 0 updated, 0 already up to date",
        "1 photo left out: on a share that does not answer (its server is away?); export again once it answers"]
    code, _, err = run("export-tags", str(hanging_share.folder))
    assert code != 0 and err.strip() == f"photoclip: error: {hanging_share.folder} does not answer (a share whose " \
        "server is away?): export its tags once it answers"


def test_index_of_a_card_pulled_out_says_it_is_offline(run, memory_card: Path) -> None:
    """pathlib's check raised "photoclip: error: CARD: Transport endpoint is not connected"."""
    from tests.test_scan_cards import card_of_photos, pull_out

    card_of_photos(memory_card, 2)
    assert run("index", str(memory_card))[0] == 0
    pull_out(memory_card)

    code, _, err = run("index", str(memory_card))
    assert code == 0 and f"{memory_card} is not there (an unplugged drive?)" in err
