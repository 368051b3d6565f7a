from __future__ import annotations

import contextlib
import errno
import json
import logging
import os
import random
import shutil
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageEnhance

from photoclip import folder_probe, sidecars
from photoclip.catalog import CATALOG_FILE
from photoclip.config import load_settings
from photoclip.errors import (
    DownloadCancelled,
    LibraryError,
    LibraryLockedError,
    ModelError,
    ModelUnavailableError,
    QueryError,
)
from photoclip.ids import PhotoId
from photoclip.library import (
    INDEX_DIR,
    REQUESTS_DIR,
    Library,
    TagRequest,
    ask_to_add,
    ask_to_tag,
    tagged_before_period,
)
from photoclip.pipeline import Progress
from photoclip.tinyclip.scenes import random_scene, render, scene_with, write_scenes
from photoclip.vectors import VectorIndex
from tests.conftest import TINY_MODEL, HangingShare, SlowHub
from tests.helpers import (
    circle_on_snow,
    copies_folder,
    index_then_change_model,
    located_photo,
    needs_cuda,
    on_black,
    other_tiny_weights,
    others_sidecar,
    resized_copy,
    scene_folder,
    shapes_vocabulary,
    with_iptc,
    within,
    write_photo,
)


class EncoderSpy:
    """Counts images through the real encoder (wraps it, changes nothing)."""

    def __init__(self, library: Library) -> None:
        self.encoder = library.encoder()
        self.images = 0
        self._real = self.encoder.encode_images
        self.encoder.encode_images = self._count  # type: ignore[method-assign]

    def _count(self, batch: np.ndarray) -> np.ndarray:
        self.images += len(batch)
        return self._real(batch)

    def restore(self) -> None:
        self.encoder.encode_images = self._real  # type: ignore[method-assign]


@pytest.fixture
def spy_on() -> Callable[[Library], EncoderSpy]:
    spies: list[EncoderSpy] = []

    def make(library: Library) -> EncoderSpy:
        spies.append(EncoderSpy(library))
        return spies[-1]

    yield make
    for spy in spies:
        spy.restore()


def paths(hits) -> list[str]:
    return [h.path.name for h in hits]


def test_indexing_a_folder_makes_every_photo_searchable(open_library, photo_folder: Path) -> None:
    library = open_library()
    report = library.index([photo_folder])
    assert (report.total, report.embedded, report.failed) == (6, 6, 0)
    counts = library.status().counts
    assert (counts.total, counts.indexed, counts.pending, counts.failed) == (6, 6, 0, 0)
    assert len(library.search("a photo", limit=50)) == 6


@needs_cuda
def test_a_library_indexed_on_cuda_finds_what_it_finds_on_the_cpu(open_library, tmp_path: Path) -> None:
    scene_folder(tmp_path / "scenes")
    found = {}
    for device in ("cuda", "cpu"):
        library = open_library(tmp_path / device, device=device)
        assert library.index([tmp_path / "scenes"]).embedded == 32
        found[device] = [paths(library.search(q, limit=5)) for q in ("a red circle", "a blue square", "a yellow star")]
        found[device].append(paths(library.similar(tmp_path / "scenes" / "scene_0000.jpg", limit=5)))
    for on_gpu, on_cpu in zip(found["cuda"], found["cpu"]):
        assert on_gpu[0] == on_cpu[0] and len(set(on_gpu) & set(on_cpu)) >= 4


def test_photos_whose_names_are_not_utf8_are_indexed_found_and_followed(open_library, tmp_path: Path) -> None:
    import os

    folder = tmp_path / "old card"
    odd_folder = Path(os.fsdecode(bytes(folder) + b"/f\xeate"))
    odd = write_photo(Path(os.fsdecode(bytes(odd_folder) + b"/caf\xe9.jpg")), seed=1)
    write_photo(folder / "plain.jpg", seed=2)
    library = open_library()

    report = library.index([folder])
    assert (report.embedded, report.failed) == (2, 0)
    found = [hit.path for hit in library.search("a photo", limit=5)]
    assert odd in found and all(path.is_file() for path in found)
    assert [hit.path for hit in library.similar(odd)] == [folder / "plain.jpg"]

    renamed = Path(os.fsdecode(bytes(odd_folder) + b"/\xff.jpg"))
    odd.rename(renamed)
    library.index()
    assert renamed in [hit.path for hit in library.search("a photo", limit=5)]


def test_keywords_written_to_sidecars_while_photoclip_was_closed_come_in_at_the_next_scan(
    open_library, photo_folder: Path, tmp_path: Path, spy_on
) -> None:
    import os

    (photo_folder / "p1.jpg.xmp").write_bytes(others_sidecar(["Old"]))
    library = open_library(tmp_path / "lib")
    library.index([photo_folder])
    p0, p1 = (library.photo_at(photo_folder / name) for name in ("p0.jpg", "p1.jpg"))
    library.remove_tag([p1.id], "old")
    library.close()

    (photo_folder / "p0.jpg.xmp").write_bytes(others_sidecar(["Grandma"]))  # digiKam, while photoclip was closed
    later = os.stat(photo_folder / "p1.jpg.xmp").st_mtime_ns + 10**9
    os.utime(photo_folder / "p0.jpg.xmp", ns=(later, later))
    library = open_library(tmp_path / "lib")
    spy = spy_on(library)
    assert library.scan().keywords == 1
    library.index()

    assert [(t.name, t.source) for t in library.photo_tags(p0.id)] == [("grandma", "user")]
    assert ("old", "rejected") in [(t.name, t.source) for t in library.photo_tags(p1.id)]
    assert spy.images == 0  # the photos were not indexed again


def test_index_counts_the_tags_a_touched_photos_changed_sidecar_gave(
    open_library, photo_folder: Path, tmp_path: Path
) -> None:
    """The tags the sidecar of a photo only touched gave were lost from the report: `index` said
    nothing of them, and --json said "keywords": 0."""
    import os

    (photo_folder / "p0.jpg.xmp").write_bytes(others_sidecar(["Old"]))
    library = open_library(tmp_path / "lib")
    library.index([photo_folder])
    (photo_folder / "p0.jpg.xmp").write_bytes(others_sidecar(["Old", "Grandma", "Lisbon"]))
    os.utime(photo_folder / "p0.jpg")  # a backup put back
    report = library.index()
    assert (report.embedded, report.keywords) == (0, 2)
    assert {t.name for t in library.photo_tags(library.photo_at(photo_folder / "p0.jpg").id)} >= {"grandma", "lisbon"}


def test_tags_photoclip_exported_to_sidecars_do_not_come_back_as_the_users_own(
    open_library, photo_folder: Path, tmp_path: Path
) -> None:
    import os

    library = open_library(tmp_path / "lib")
    library.index([photo_folder])
    p0 = library.photo_at(photo_folder / "p0.jpg")
    library.catalog.replace_auto_tags([p0.id], [(p0.id, "beach", 0.7)])
    assert library.export_sidecars().written == 1
    library.close()
    later = os.stat(photo_folder / "p0.jpg.xmp").st_mtime_ns + 10**9
    os.utime(photo_folder / "p0.jpg.xmp", ns=(later, later))  # as if written after the last scan

    library = open_library(tmp_path / "lib")
    assert library.scan().keywords == 0
    assert [(t.name, t.source) for t in library.photo_tags(p0.id)] == [("beach", "auto")]


def test_indexing_leaves_thumbnails_in_the_library_for_photos_slow_to_decode(open_library, tmp_path: Path) -> None:
    from photoclip import imaging

    png = write_photo(tmp_path / "shots" / "screen.png", seed=4, size=(320, 240), fmt="PNG")
    library = open_library()
    library.index([png.parent])

    content_hash = library.catalog.photo_by_path(png).hash
    assert imaging.thumbnail_path(library.thumbnail_dir, content_hash, imaging.THUMBNAIL_SIDE).is_file()


def test_thumbnails_of_photos_gone_or_edited_are_pruned_and_the_rest_stay(open_library, photo_folder: Path) -> None:
    from photoclip import imaging

    library = open_library()
    library.index([photo_folder])
    by_name = {p.name: photo for p in photo_folder.rglob("*.*") if (photo := library.photo_at(p))}
    thumbs = {name: imaging.ensure_thumbnail(photo.path, photo.hash, library.thumbnail_dir, imaging.THUMBNAIL_SIDE)
              for name, photo in by_name.items()}
    (photo_folder / "p0.jpg").unlink()
    write_photo(photo_folder / "p1.jpg", seed=77)  # edited: its old thumbnail is of content gone
    library.index([photo_folder])
    crash_left = library.thumbnail_dir / "ab" / ".abcd-256.jpg.x1y2.tmp"
    crash_left.parent.mkdir(exist_ok=True)
    crash_left.write_bytes(b"half a thumbnail")
    hour_ago = time.time() - 2 * 3600
    for file in (*thumbs.values(), crash_left):
        os.utime(file, (hour_ago, hour_ago))
    fresh_orphan = imaging.thumbnail_path(library.thumbnail_dir, "f" * 32, imaging.THUMBNAIL_SIDE)
    fresh_orphan.parent.mkdir(exist_ok=True)
    fresh_orphan.write_bytes(b"being indexed right now")

    gone = thumbs["p0.jpg"].stat().st_size + thumbs["p1.jpg"].stat().st_size + crash_left.stat().st_size

    assert library.prune_thumbnails() == (3, gone)
    assert not thumbs["p0.jpg"].exists() and not thumbs["p1.jpg"].exists() and not crash_left.exists()
    assert all(thumbs[name].exists() for name in by_name if name not in ("p0.jpg", "p1.jpg"))
    assert fresh_orphan.exists()
    assert library.prune_thumbnails() == (0, 0)


def test_reindexing_unchanged_files_calls_no_encoder(open_library, photo_folder: Path, spy_on) -> None:
    library = open_library()
    library.index([photo_folder])
    spy = spy_on(library)
    report = library.index()
    assert report.total == 0 and spy.images == 0


def test_a_photo_rewritten_with_its_size_and_date_kept_while_closed_is_read_again(
    open_library, tmp_path: Path, spy_on
) -> None:
    """exiftool -P fixed a date taken in place (the same length, the file's date kept) while photoclip
    was closed: `index` said nothing changed, and "april 2013" never found the photo. A chmod
    moves the ctime too: that photo is only hashed again."""
    from PIL import Image

    def saved(path: Path, taken: str) -> None:
        exif = Image.Exif()
        exif.get_ifd(0x8769)[0x9003] = taken
        Image.new("RGB", (64, 48), (200, 30, 30)).save(path, "JPEG", exif=exif)

    folder = tmp_path / "photos"
    folder.mkdir()
    fixed, other = folder / "fixed.jpg", folder / "other.jpg"
    saved(fixed, "2018:02:02 10:00:00")
    write_photo(other, seed=2)
    library = open_library()
    library.index([folder])
    library.close()
    before = fixed.stat()
    saved(fixed, "2013:04:04 10:00:00")
    os.utime(fixed, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert fixed.stat().st_size == before.st_size
    other.chmod(0o600)

    library = open_library()
    spy = spy_on(library)
    report = library.index()

    assert library.photo_at(fixed).taken_at.startswith("2013-04-04")
    assert (report.total, report.embedded, spy.images) == (2, 0, 0)  # the same pixels: their vector kept


def _touch_all(folder: Path) -> list[Path]:
    """Every photo in `folder` given a new mtime, as a backup put back or a sync tool does."""
    later = time.time() + 120
    photos = sorted(p for p in folder.rglob("p*.*"))
    for photo in photos:
        os.utime(photo, (later, later))
    return photos


def test_photos_only_touched_keep_their_vectors_and_load_no_model(open_library, photo_folder: Path) -> None:
    first = open_library()
    first.index([photo_folder])
    model_id = first.model_spec.model_id
    vectors = {p: first.catalog.vector(first.photo_at(p).id, model_id) for p in photo_folder.rglob("p*.*")}
    generation = first.catalog.generation()
    first.close()
    touched = _touch_all(photo_folder)
    library = open_library()

    report = library.index()

    assert (report.total, report.reused, report.embedded, report.failed) == (len(touched), len(touched), 0, 0)
    assert not library.model_loaded
    assert library.status().counts.pending == 0
    assert library.catalog.generation() == generation  # nothing new for the vector index or the tagger
    for photo, vector in vectors.items():
        assert library.photo_at(photo).status == "indexed"
        assert np.array_equal(library.catalog.vector(library.photo_at(photo).id, model_id), vector)
    assert library.search("a photo", limit=10)


def test_a_photo_touched_while_another_program_wrote_its_sidecar_gets_the_sidecars_keywords(
    open_library, photo_folder: Path
) -> None:
    """digiKam writes a keyword to the sidecar and touches the photo, while photoclip is closed."""
    first = open_library()
    first.index([photo_folder])
    first.close()
    (photo_folder / "p0.jpg.xmp").write_bytes(others_sidecar(["Skiing"]))
    _touch_all(photo_folder)
    library = open_library()
    library.index()
    assert [(t.name, t.source) for t in library.photo_tags(library.photo_at(photo_folder / "p0.jpg").id)] == [
        ("skiing", "user")]


def test_a_photo_edited_among_photos_only_touched_is_the_one_embedded(
    open_library, photo_folder: Path, spy_on
) -> None:
    library = open_library()
    library.index([photo_folder])
    spy = spy_on(library)
    write_photo(photo_folder / "p2.jpg", seed=1234, size=(300, 200))
    touched = _touch_all(photo_folder)
    seen: list[tuple[int, int]] = []

    report = library.index(progress=lambda p: seen.append((p.done, p.total)))

    assert (report.reused, report.embedded) == (len(touched) - 1, 1) and spy.images == 1
    assert library.photo_at(photo_folder / "p2.jpg").width == 300
    assert {total for _, total in seen} == {len(touched)}  # one count over both steps, never back
    assert seen[-1][0] == len(touched) and seen == sorted(seen)


def test_an_edited_photo_is_embedded_again(open_library, photo_folder: Path, spy_on) -> None:
    library = open_library()
    library.index([photo_folder])
    photo = library.catalog.photo_by_path(photo_folder / "p0.jpg")
    before = library.catalog.vector(photo.id, library.encoder().model_id)
    spy = spy_on(library)
    write_photo(photo_folder / "p0.jpg", seed=1234, size=(300, 200))
    library.index()
    after = library.catalog.vector(photo.id, library.encoder().model_id)
    assert spy.images == 1
    assert not np.allclose(before, after)
    assert library.catalog.photo(photo.id).width == 300


def test_a_long_photo_the_model_saw_cropped_before_is_embedded_again_and_found_meanwhile(
    open_library, photo_folder: Path, spy_on
) -> None:
    """As a library indexed before panoramas were seen whole finds itself once upgraded."""
    write_photo(photo_folder / "panorama.jpg", seed=5, size=(900, 300))
    library = open_library()
    library.index([photo_folder])
    photo = library.catalog.photo_by_path(photo_folder / "panorama.jpg")
    model_id = library.encoder().model_id
    with library.catalog.transaction():  # what the schema 18 upgrade does to such a photo's vector
        library.catalog._conn.execute("UPDATE embeddings SET stale = 1 WHERE photo_id = ?", (photo.id,))
    spy = spy_on(library)

    assert library.status().counts.pending == 1
    assert photo.id in [hit.photo_id for hit in library.search("a photo", limit=10)]
    report = library.index()

    assert (report.embedded, report.reused, spy.images) == (1, 0, 1)
    assert library.status().counts.pending == 0
    assert library.catalog.vector(photo.id, model_id) is not None


def test_a_copy_of_an_indexed_photo_reuses_its_vector(open_library, photo_folder: Path, spy_on) -> None:
    library = open_library()
    library.index([photo_folder])
    spy = spy_on(library)
    shutil.copy(photo_folder / "p1.jpg", photo_folder / "copy-of-p1.jpg")
    report = library.index()
    assert (report.reused, spy.images) == (1, 0)
    hits = library.search_scoped(str(photo_folder / "p1.jpg"), limit=2, all_copies=True)[0]
    assert sorted(paths(hits)) == ["copy-of-p1.jpg", "p1.jpg"] and hits[1].score > 0.9999


def test_a_deleted_photo_leaves_the_results(open_library, photo_folder: Path) -> None:
    library = open_library()
    library.index([photo_folder])
    (photo_folder / "p2.jpg").unlink()
    library.index()
    found = paths(library.search("a photo", limit=50))
    assert "p2.jpg" not in found and len(found) == 5


def indexed_and_closed(open_library, folder: Path) -> Library:
    """A library that indexed `folder`, closed, for a test to do something to its files."""
    library = open_library()
    library.index([folder])
    library.close()
    return library


def test_a_search_on_a_full_disk_writes_nothing_and_an_index_it_cannot_save_is_still_used(
    open_library, photo_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Searching, and saying what the library holds, must work where nothing can be written."""
    library = indexed_and_closed(open_library, photo_folder)
    shutil.rmtree(library.directory / INDEX_DIR)

    def full_disk(*args: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(VectorIndex, "save", full_disk)
    again = open_library()
    assert len(again.search("a photo", limit=50)) == 6
    assert again.status().counts.indexed == 6
    assert again.catalog._conn.total_changes == 0


def test_a_catalog_emptied_beside_its_index_is_refused_not_opened_as_a_new_library(
    open_library, photo_folder: Path
) -> None:
    library = indexed_and_closed(open_library, photo_folder)
    catalog = library.directory / CATALOG_FILE
    catalog.write_bytes(b"")
    with pytest.raises(LibraryError, match=r"catalog.sqlite is empty, but this folder held a library; restore the "
                                           r"catalog from a backup, or move it away to start fresh$"):
        open_library(library.directory)
    assert catalog.stat().st_size == 0


def test_a_change_to_a_library_whose_folder_cannot_be_written_says_so_not_that_another_photoclip_has_it(
    open_library, photo_folder: Path
) -> None:
    library = indexed_and_closed(open_library, photo_folder)
    (library.directory / "lock").unlink()
    (library.directory / "lock").mkdir()  # no lock can be written there, as on a read-only drive
    reader = open_library(library.directory, allow_read_only_fallback=True)
    photo = reader.search("a photo", limit=1)[0]
    with pytest.raises(LibraryError, match=r"cannot be written; it can be searched, not changed$"):
        reader.add_tag([photo.photo_id], "trip")


def test_folders_another_photoclip_asked_for_are_taken_once_in_order_and_a_garbled_request_is_left_out(
    open_library, tmp_path: Path
) -> None:
    library = open_library()
    ask_to_add(library.directory, [tmp_path / "phone", tmp_path / "scans"])
    (library.directory / REQUESTS_DIR / "0-garbled.json").write_text("{not json")
    assert library.asked_to_add() == [tmp_path / "phone", tmp_path / "scans"]
    assert library.asked_to_add() == [] and not list((library.directory / REQUESTS_DIR).iterdir())


def test_tags_another_photoclip_asked_for_wait_for_asked_to_tag_and_folders_for_asked_to_add(
    open_library, tmp_path: Path
) -> None:
    library = open_library()
    ask_to_tag(library.directory, "Lake House", [tmp_path / "a.jpg", tmp_path / "b.jpg"])
    ask_to_add(library.directory, [tmp_path / "phone"])
    ask_to_tag(library.directory, "dog", [tmp_path / "a.jpg"], untag=True)
    (library.directory / REQUESTS_DIR / "1-odd.json").write_text('["a list"]')
    assert library.asked_to_add() == [tmp_path / "phone"]
    assert library.asked_to_tag() == [TagRequest("Lake House", [tmp_path / "a.jpg", tmp_path / "b.jpg"]),
                                       TagRequest("dog", [tmp_path / "a.jpg"], untag=True)]
    assert not list((library.directory / REQUESTS_DIR).iterdir())


def test_bad_files_are_failed_with_reasons_and_do_not_stop_indexing(open_library, photo_folder: Path) -> None:
    (photo_folder / "empty.jpg").write_bytes(b"")
    (photo_folder / "text.jpg").write_text("not a photo at all")
    good = (photo_folder / "p3.jpg").read_bytes()
    (photo_folder / "cut.jpg").write_bytes(good[: len(good) // 2])
    library = open_library()
    report = library.index([photo_folder])
    assert (report.embedded, report.failed) == (6, 3)
    reasons = {p.name: r for p, r in library.status().failures}
    assert set(reasons) == {"empty.jpg", "text.jpg", "cut.jpg"}
    assert "empty" in reasons["empty.jpg"]
    assert "not an image" in reasons["text.jpg"]
    assert "truncated" in reasons["cut.jpg"]


def test_a_full_disk_stops_indexing_with_one_clear_error_and_the_next_run_finishes(
    open_library, photo_folder: Path
) -> None:
    from photoclip.errors import LibraryFullError

    library = open_library()
    library.add_root(photo_folder)
    library.scan()
    connection = library.catalog._conn  # the thread that indexes
    connection.execute(f"PRAGMA max_page_count = {connection.execute('PRAGMA page_count').fetchone()[0]}")
    with pytest.raises(LibraryFullError, match="is full; free some space there and try again"):
        library.index()
    assert library.status().counts.pending == 6
    connection.execute("PRAGMA max_page_count = 1073741823")  # room again
    assert library.index().embedded == 6 and library.status().counts.indexed == 6


def test_a_library_on_a_full_disk_still_opens_to_read(open_library, photo_folder: Path, tmp_path: Path) -> None:
    """status, search, tags and duplicates each refused: "the disk is full; free some space", as
    though a search needed room. A read-only drive's library is read; so is a full one's."""
    from photoclip.errors import LibraryFullError, LibraryLockedError

    disk = tmp_path / "disk"
    disk.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(disk)], capture_output=True).returncode:
        pytest.skip("no small disk can be mounted here (mounting needs root)")
    try:
        library = open_library(disk / "lib")
        library.index([photo_folder])
        expected = [h.path for h in library.search("a red circle", limit=3)]
        library.close()
        with contextlib.suppress(OSError), (disk / "filler").open("wb") as filler:
            while True:
                filler.write(bytes(1 << 16))
                filler.flush()

        with pytest.raises(LibraryFullError):
            Library.open(disk / "lib", model=TINY_MODEL)
        reopened = Library.open(disk / "lib", model=TINY_MODEL, allow_read_only_fallback=True)
        try:
            assert reopened.read_only and [h.path for h in reopened.search("a red circle", limit=3)] == expected
            with pytest.raises(LibraryLockedError):  # its lock kept: no one writes what it reads as unchanging
                Library.open(disk / "lib", model=TINY_MODEL)
            with pytest.raises(LibraryFullError, match="is full; free some space there and open the library again"):
                reopened.add_root(photo_folder / "trip")
        finally:
            reopened.close()
    finally:
        subprocess.run(["umount", "-l", str(disk)], capture_output=True)


def test_a_jpeg_cut_a_little_short_is_indexed_and_its_damage_kept(open_library, photo_folder: Path) -> None:
    from PIL import Image

    big = photo_folder / "big.jpg"
    noise = np.random.default_rng(3).integers(0, 256, (480, 640, 3), dtype=np.uint8)
    Image.fromarray(noise).save(big, quality=90)
    data = big.read_bytes()
    big.write_bytes(data[: int(len(data) * 0.95)])
    library = open_library()
    report = library.index([photo_folder])
    assert (report.embedded, report.failed) == (7, 0)
    [(path, damage)] = library.status().damaged
    assert path == big and damage.startswith("the file ends early; ") and damage.endswith("% of the image is missing")
    assert library.photo_at(big).damage == damage
    assert library.photo_at(photo_folder / "p1.jpg").damage is None
    big.write_bytes(data)  # restored from a backup: no longer damaged
    library.index([photo_folder])
    assert library.status().damaged == () and library.photo_at(big).damage is None


def indexed_with_a_damaged_copy(
    open_library, folder: Path, fmt: str, spoil: Callable[[bytes], bytes]
) -> tuple[Library, Path, Path, str]:
    """A photo and an older copy of it in a subfolder, spoiled by `spoil`, indexed: (the
    library, the photo, the copy, the copy's damage as status lists it)."""
    folder.mkdir()
    original, copy = folder / "lake.img", folder / "backup" / "lake.img"
    circle_on_snow(0.45, texture=2).save(original, fmt, quality=92)
    copy.parent.mkdir()
    copy.write_bytes(spoil(original.read_bytes()))
    os.utime(copy, ns=(1, 1))  # the older file: without its damage known, the keeper
    library = open_library()
    library.index([folder])
    [(path, damage)] = library.status().damaged
    assert path == copy.resolve()
    return library, original.resolve(), copy.resolve(), damage


def test_a_jpeg_that_bit_rot_garbled_is_said_damaged_and_never_kept_over_its_intact_copy(
    open_library, tmp_path: Path
) -> None:
    def bit_rot(data: bytes) -> bytes:
        rotten = bytearray(data)
        for offset in range(int(len(data) * 0.97), len(data) - 64, 97):
            rotten[offset] ^= 0x5A  # a few flipped bits near its end, as a failing disk leaves them
        return bytes(rotten)

    library, original, copy, damage = indexed_with_a_damaged_copy(open_library, tmp_path / "photos", "JPEG", bit_rot)
    assert damage == "the image data is damaged; parts of the picture may be garbled"
    assert group_paths(library, library.duplicates()) == [(original, {copy})]


@pytest.mark.parametrize(("kept", "fmt", "zeros"), [(0.95, "PNG", 0), (0.9, "JPEG", 0), (0.95, "JPEG", 300_000)])
def test_a_copy_cut_short_is_grouped_with_its_intact_original_which_is_kept(
    open_library, tmp_path: Path, kept: float, fmt: str, zeros: int
) -> None:
    def cut(data: bytes) -> bytes:
        # a copy off a card pulled out too soon; with zeros, into a file made its full size first
        return data[: int(len(data) * kept)] + bytes(zeros)

    library, original, copy, damage = indexed_with_a_damaged_copy(open_library, tmp_path / "photos", fmt, cut)
    assert damage.startswith("the file ends early; the lower ")
    assert group_paths(library, library.duplicates()) == [(original, {copy})]


def test_camera_raws_are_indexed_and_found_through_their_previews(open_library, tmp_path: Path) -> None:
    raws = Path(__file__).parent / "fixtures" / "raw"
    folder = tmp_path / "camera"
    shutil.copytree(raws, folder, ignore=shutil.ignore_patterns("*.jpg", "*.md"))
    library = open_library()
    report = library.index([folder])
    assert (report.embedded, report.failed) == (7, 3)  # CRW, MRW and this DNG hold no preview
    assert sorted(p.name for p, _ in library.status().failures) == ["CanonRaw.crw", "DNG-no-preview.dng", "Minolta.mrw"]
    hits = library.similar(raws / "preview.jpg", limit=10)
    assert {h.path.name for h in hits[:4]} == {"CanonRaw.cr2", "CanonRaw.cr3", "DNG.dng", "Panasonic.rw2"}
    assert hits[0].score > 0.99
    nef = library.photo(library.catalog.photo_by_path(folder / "Nikon-rotated.nef").id)
    assert (nef.width, nef.height, nef.taken_at) == (2014, 3040, "2004-06-09T16:02:35")
    assert len(list(library.thumbnail_dir.rglob("*.jpg"))) == 7  # made from the decoded previews: no second read


def test_a_raw_stands_for_the_shot_when_the_jpeg_beside_it_cannot_be_read(open_library, tmp_path: Path) -> None:
    folder = tmp_path / "camera"
    folder.mkdir()
    shutil.copy(Path(__file__).parent / "fixtures" / "raw" / "Panasonic.rw2", folder / "P0003.RW2")
    (folder / "P0003.JPG").write_bytes(b"\xff\xd8\xff\xe0 cut off by a full card")
    library = open_library()

    report = library.index([folder])
    assert (report.embedded, report.failed) == (1, 1)
    assert [p.name for p, _ in library.status().failures] == ["P0003.JPG"]
    assert [h.path.name for h in library.similar(folder / "P0003.RW2", limit=5)] == []  # the only photo
    assert library.catalog.photo_by_path(folder / "P0003.RW2").status == "indexed"
    assert library.index().total == 0  # it stays, and is not indexed again

    write_photo(folder / "P0003.JPG", seed=5)  # the JPEG mended: it stands for the shot again
    assert library.index().embedded == 1
    assert library.catalog.photo_by_path(folder / "P0003.RW2") is None
    assert library.status().counts.failed == 0


def test_a_pixels_raw_stands_for_the_shot_when_its_jpeg_cannot_be_read(open_library, tmp_path: Path) -> None:
    """A Pixel names its RAW+JPEG shot's files unlike: PXL_<time>.RAW-01.COVER.jpg, PXL_<time>.RAW-02.ORIGINAL.dng."""
    folder = tmp_path / "Camera"
    folder.mkdir()
    raw = folder / "PXL_20230709_090000555.RAW-02.ORIGINAL.dng"
    shutil.copy(Path(__file__).parent / "fixtures" / "raw" / "DNG.dng", raw)
    cover = folder / "PXL_20230709_090000555.RAW-01.COVER.jpg"
    cover.write_bytes(b"\xff\xd8\xff\xe0 cut off by a full card")
    library = open_library()

    report = library.index([folder])
    assert (report.embedded, report.failed) == (1, 1)
    assert library.catalog.photo_by_path(raw).status == "indexed"
    assert library.index().total == 0  # it stays, and is not indexed again

    write_photo(cover, seed=5)  # the JPEG mended: it stands for the shot again
    assert library.index().embedded == 1
    assert library.catalog.photo_by_path(raw) is None
    assert [h.path.name for h in library.search("PXL_20230709_090000555.RAW-02.ORIGINAL.dng", limit=1)] == [cover.name]
    assert library.photo_at(raw) == library.photo_at(cover)  # the raw's name, as `tag` is given it, is the shot's


def test_a_failed_file_is_retried_only_when_it_changes(open_library, photo_folder: Path, spy_on) -> None:
    (photo_folder / "later.jpg").write_bytes(b"")
    library = open_library()
    library.index([photo_folder])
    assert library.index().total == 0
    write_photo(photo_folder / "later.jpg", seed=77)
    assert library.index().embedded == 1
    assert library.status().counts.failed == 0


def test_a_file_dated_past_what_sqlite_counts_to_is_indexed_with_the_others(open_library, photo_folder: Path) -> None:
    os.utime(photo_folder / "p0.jpg", ns=(0, 9_300_000_000 * 10**9))  # a camera clock gone wrong: the year 2264
    library = open_library()
    report = library.index([photo_folder])
    assert (report.embedded, report.failed) == (6, 0)
    assert library.index().total == 0  # and nothing is read again


def test_photos_restored_from_a_backup_with_their_size_and_mtime_are_read_again(
    open_library, photo_folder: Path, tmp_path: Path
) -> None:
    # a crash zero-fills a file in place; `cp -p`, rsync -a and Time Machine restore its date too
    write_photo(photo_folder / "p1.jpg", seed=1, size=(640, 480))
    good = {name: (photo_folder / name).read_bytes() for name in ("p0.jpg", "p1.jpg")}
    for name in good:
        shutil.copy2(photo_folder / name, tmp_path / name)
    kept = len(good["p1.jpg"]) * 98 // 100
    (photo_folder / "p0.jpg").write_bytes(bytes(len(good["p0.jpg"])))
    (photo_folder / "p1.jpg").write_bytes(good["p1.jpg"][:kept] + bytes(len(good["p1.jpg"]) - kept))
    for name in good:
        shutil.copystat(tmp_path / name, photo_folder / name)
    library = open_library()
    library.index([photo_folder])
    status = library.status()
    assert [path.name for path, _ in status.failures] == ["p0.jpg"]
    assert [path.name for path, _ in status.damaged] == ["p1.jpg"]
    assert library.index().total == 0  # nothing new: neither is read again

    time.sleep(0.05)  # the kernel stamps files from a clock that ticks every few milliseconds
    for name in good:
        shutil.copy2(tmp_path / name, photo_folder / name)
    assert library.index().embedded == 2
    status = library.status()
    assert (status.failures, status.damaged, status.counts.indexed) == ((), (), 6)
    assert library.index().total == 0


def test_a_damaged_settings_file_keeps_the_model_the_library_was_used_with(
    open_library, photo_folder: Path, tmp_path: Path, caplog
) -> None:
    library = open_library(tmp_path / "lib")
    library.index([photo_folder])
    library.close()
    (tmp_path / "lib" / "settings.json").write_text('{"model": "photoclip-tiny", ', encoding="utf-8")
    caplog.set_level(logging.WARNING, logger="photoclip.config")
    reopened = Library.open(tmp_path / "lib")  # no model asked for: the default would embed everything again
    try:
        assert reopened.settings.model == TINY_MODEL and reopened.status().counts.pending == 0
        assert "damaged" in caplog.text and f"using model {TINY_MODEL}" in caplog.text
    finally:
        reopened.close()


def test_a_library_opened_without_choosing_its_model_keeps_its_own(open_library, photo_folder: Path) -> None:
    indexed_and_closed(open_library, photo_folder)

    reading = open_library(model="ViT-B-32:openai", choose_model=False)
    assert (reading.settings.model, reading.model_not_chosen) == (TINY_MODEL, "ViT-B-32:openai")
    assert reading.status().counts.indexed == 6 and reading.status().searching_with is None
    reading.close()
    assert load_settings(reading.directory).model == TINY_MODEL
    with pytest.raises(ModelError, match="unknown model architecture 'nonsense'"):
        open_library(model="nonsense:foo", choose_model=False)


def test_a_model_in_the_environment_that_cannot_work_is_named(open_library, monkeypatch) -> None:
    monkeypatch.setenv("PHOTOCLIP_MODEL", "bogus")
    with pytest.raises(ModelError, match=r"^PHOTOCLIP_MODEL \(from the environment\): model 'bogus' needs a"):
        open_library()
    monkeypatch.setenv("PHOTOCLIP_MODEL", "photoclip-tiny")
    assert open_library().settings.model == "photoclip-tiny"


def _load_in_threads(library: Library, hub: type[SlowHub], cancels: list[threading.Event],
                     then: Callable[[], None] = lambda: None) -> list[BaseException | None]:
    """Each caller asks for the model in its own thread, the next once the first has reached the hub."""
    outcomes: list[BaseException | None] = [None] * len(cancels)

    def load(i: int) -> None:
        try:
            library.encoder(cancel=cancels[i])
        except BaseException as exc:
            outcomes[i] = exc

    threads = [threading.Thread(target=load, args=(i,)) for i in range(len(cancels))]
    threads[0].start()
    deadline = time.monotonic() + 60
    while not hub.requests and time.monotonic() < deadline:
        time.sleep(0.01)
    for thread in threads[1:]:
        thread.start()
    time.sleep(0.2)
    then()
    for thread in threads:
        thread.join(30)
    assert not any(thread.is_alive() for thread in threads)
    return outcomes


def test_one_download_serves_every_caller_and_any_of_them_can_cancel_it(open_library, slow_hub) -> None:
    library = open_library(model="ViT-B-32-256:datacomp_s34b_b86k")
    worker, window = threading.Event(), threading.Event()
    outcomes = _load_in_threads(library, slow_hub, [worker, window], then=window.set)
    assert all(isinstance(outcome, DownloadCancelled) for outcome in outcomes)
    assert len(slow_hub.requests) == 1


def test_a_failed_download_is_not_tried_again_at_once_for_a_caller_that_waited_for_it(
    open_library, slow_hub
) -> None:
    slow_hub.missing = True
    library = open_library(model="ViT-B-32-256:datacomp_s34b_b86k")
    outcomes = _load_in_threads(library, slow_hub, [threading.Event(), threading.Event()])
    assert all(isinstance(outcome, ModelUnavailableError) for outcome in outcomes)
    tried = list(slow_hub.requests)
    assert tried and len(set(tried)) == len(tried)
    with pytest.raises(ModelUnavailableError):
        library.encoder()  # asked again later ("Try again"), it tries again
    assert slow_hub.requests == tried * 2


def test_the_vector_index_survives_a_reopen(open_library, photo_folder: Path, tmp_path: Path) -> None:
    library = open_library(tmp_path / "lib")
    library.index([photo_folder])
    expected = paths(library.similar(photo_folder / "p0.jpg", limit=3))
    library.close()
    saved = sorted(p.name for p in (tmp_path / "lib" / INDEX_DIR).iterdir())
    reopened = open_library(tmp_path / "lib")
    assert paths(reopened.similar(photo_folder / "p0.jpg", limit=3)) == expected
    assert sorted(p.name for p in (tmp_path / "lib" / INDEX_DIR).iterdir()) == saved


def test_a_deleted_vector_index_is_rebuilt_from_the_catalog(open_library, photo_folder: Path, tmp_path: Path) -> None:
    library = open_library(tmp_path / "lib")
    library.index([photo_folder])
    expected = paths(library.similar(photo_folder / "p0.jpg", limit=5))
    library.close()
    shutil.rmtree(tmp_path / "lib" / INDEX_DIR)
    reopened = open_library(tmp_path / "lib")
    assert paths(reopened.similar(photo_folder / "p0.jpg", limit=5)) == expected


def test_a_vector_index_damaged_inside_is_rebuilt_from_the_catalog(
    open_library, photo_folder: Path, tmp_path: Path
) -> None:
    """Random bytes over its middle made search crash, and `index` said there was nothing to do."""
    library = open_library(tmp_path / "lib")
    library.index([photo_folder])
    expected = [(h.path, round(h.score, 4)) for h in library.search("a red circle", limit=5)]
    library.close()
    [saved] = (tmp_path / "lib" / INDEX_DIR).glob("vectors-*.hnsw")
    with saved.open("r+b") as fh:
        fh.seek(saved.stat().st_size // 2)
        fh.write(np.random.default_rng(1).bytes(3000))
    reopened = open_library(tmp_path / "lib")
    assert [(h.path, round(h.score, 4)) for h in reopened.search("a red circle", limit=5)] == expected


def test_a_stale_vector_index_catches_up_with_the_catalog(open_library, photo_folder: Path, tmp_path: Path) -> None:
    library = open_library(tmp_path / "lib")
    library.index([photo_folder])
    library.close()
    stale = tmp_path / "stale-index"
    shutil.copytree(tmp_path / "lib" / INDEX_DIR, stale)
    write_photo(photo_folder / "new.jpg", seed=500)
    (photo_folder / "p3.jpg").unlink()
    library = open_library(tmp_path / "lib")
    library.index()
    library.close()
    shutil.rmtree(tmp_path / "lib" / INDEX_DIR)
    shutil.copytree(stale, tmp_path / "lib" / INDEX_DIR)
    reopened = open_library(tmp_path / "lib")
    found = paths(reopened.search("a photo", limit=50))
    assert "new.jpg" in found and "p3.jpg" not in found and len(found) == 6


def test_a_missing_drive_keeps_its_photos_and_comes_back(open_library, photo_folder: Path) -> None:
    library = open_library()
    library.index([photo_folder])
    away = photo_folder.with_name("unplugged")
    photo_folder.rename(away)
    library.index()
    status = library.status()
    assert status.counts.total == 6 and not status.roots[0].online
    assert len(library.search("a photo", limit=50)) == 6
    away.rename(photo_folder)
    library.index()
    assert library.status().roots[0].online and library.status().counts.indexed == 6


@pytest.mark.parametrize("scanned", ["all folders", "the folder it went to"])
def test_a_folder_moved_between_library_folders_unwatched_keeps_its_tags_marks_and_vectors(
    open_library, tmp_path: Path, spy_on, scanned: str
) -> None:
    """Moved from a/ (scanned first, its photos gone) to b/ while photoclip was closed."""
    for i in range(3):
        write_photo(tmp_path / "a" / "trip" / f"p{i}.jpg", seed=i)
    write_photo(tmp_path / "b" / "home.jpg", seed=9)
    library = open_library()
    library.index([tmp_path / "a", tmp_path / "b"])
    trip = [library.photo_at(tmp_path / "a" / "trip" / f"p{i}.jpg").id for i in range(3)]
    library.add_tag(trip[:1], "grandma")
    library.not_duplicates(trip[1:])
    (tmp_path / "a" / "trip").rename(tmp_path / "b" / "trip")
    spy = spy_on(library)
    library.index([tmp_path / "b"] if scanned != "all folders" else None)
    library.index()
    assert [library.photo_at(tmp_path / "b" / "trip" / f"p{i}.jpg").id for i in range(3)] == trip
    assert spy.images == 0 and library.status().counts.total == 4
    assert library.tagged("grandma") == trip[:1]
    assert library.catalog.distinct_pairs() == {tuple(sorted(trip[1:]))}


def test_a_library_folder_renamed_and_added_under_its_new_name_brings_its_photos_along(
    open_library, photo_folder: Path, spy_on
) -> None:
    library = open_library()
    library.index([photo_folder])
    first = library.photo_at(photo_folder / "p0.jpg").id
    library.add_tag([first], "grandma")
    renamed = photo_folder.rename(photo_folder.with_name("photos 2024"))
    spy = spy_on(library)
    library.index([renamed])
    assert spy.images == 0 and library.status().counts.total == 6
    assert library.photo_at(renamed / "p0.jpg").id == first and library.tagged("grandma") == [first]
    hits = library.search("a photo", limit=10)
    assert len(hits) == 6 and all(renamed in h.path.parents for h in hits)


def test_a_folder_inside_a_library_folder_is_not_added_twice(open_library, photo_folder: Path) -> None:
    library = open_library()
    library.add_root(photo_folder)
    with pytest.raises(LibraryError, match="already part of the library"):
        library.add_root(photo_folder / "trip")


def test_adding_a_parent_folder_adopts_the_inner_one(open_library, photo_folder: Path, spy_on) -> None:
    library = open_library()
    library.index([photo_folder / "trip"])
    spy = spy_on(library)
    library.index([photo_folder])
    assert [r.path for r in library.roots()] == [photo_folder.resolve()]
    assert spy.images == 4 and library.status().counts.total == 6


def test_an_album_moved_out_of_an_inbox_left_empty_keeps_its_tags_and_is_not_listed_twice(
    open_library, tmp_path: Path
) -> None:
    """The inbox, a folder of the library left empty, was taken for an unplugged drive: the moved
    photos were listed twice, under their old paths with the tags and their new ones without."""
    inbox, pictures = tmp_path / "Inbox", tmp_path / "Pictures"
    for i in range(3):
        write_photo(inbox / "Party" / f"IMG_{i}.jpg", seed=i)
    write_photo(pictures / "old.jpg", seed=9)
    library = open_library()
    library.index([inbox, pictures])
    library.add_tag([library.photo_at(inbox / "Party" / "IMG_0.jpg").id], "party")

    (inbox / "Party").rename(pictures / "Party")
    library.scan_paths([inbox / "Party", pictures / "Party"])  # what the watcher reports

    assert library.status().counts.total == 4 and all(r.online for r in library.status().roots)
    assert [library.photo(pid).path for pid in library.tagged("party")] == [pictures / "Party" / "IMG_0.jpg"]


def test_a_parent_folder_of_an_unplugged_drive_is_refused_until_it_is_back(
    open_library, tmp_path: Path, mount_point
) -> None:
    drive = tmp_path / "drives" / "usb"
    mount_point(drive)
    write_photo(drive / "p0.jpg", seed=0)
    write_photo(tmp_path / "drives" / "other" / "p1.jpg", seed=1)
    library = open_library()
    library.index([drive])
    library.add_tag([library.photo_at(drive / "p0.jpg").id], "usb")
    drive.rename(tmp_path / "away")
    drive.mkdir()  # the empty mount point an unplugged drive leaves
    with pytest.raises(LibraryError, match=r"usb, a folder of the library inside .*drives, is offline .*: plug it in"):
        library.index([tmp_path / "drives"])
    assert [r.path for r in library.roots()] == [drive.resolve()] and len(library.tagged("usb")) == 1
    drive.rmdir()
    (tmp_path / "away").rename(drive)
    library.index([tmp_path / "drives"])
    assert library.status().counts.total == 2 and len(library.tagged("usb")) == 1


def test_adding_a_missing_folder_is_a_clear_error(open_library, tmp_path: Path) -> None:
    with pytest.raises(LibraryError, match="is not a folder"):
        open_library().add_root(tmp_path / "nope")


def test_removing_a_folder_forgets_its_photos_but_not_the_files(open_library, photo_folder: Path) -> None:
    library = open_library()
    library.index([photo_folder])
    library.remove_root(photo_folder)
    assert library.status().counts.total == 0
    assert library.search("a photo") == []
    assert (photo_folder / "p0.jpg").exists()


def test_a_folder_removed_and_added_again_gets_back_the_users_tags_and_marks(
    open_library, photo_folder: Path
) -> None:
    library = open_library()
    library.index([photo_folder])
    ids = [library.photo_at(photo_folder / f"p{i}.jpg").id for i in range(3)]
    library.add_tag(ids[:1], "grandma")
    library.remove_tag(ids[1:2], "grandma")
    library.not_duplicates(ids[1:])
    library.remove_root(photo_folder)
    library.index([photo_folder])
    again = [library.photo_at(photo_folder / f"p{i}.jpg").id for i in range(3)]
    assert library.tagged("grandma") == again[:1]
    assert ("grandma", "rejected") in {(t.name, t.source) for t in library.photo_tags(again[1])}
    assert library.catalog.distinct_pairs() == {tuple(sorted(again[1:]))}
    assert library.catalog._conn.execute("SELECT COUNT(*) FROM forgotten_tags").fetchone()[0] == 0


def test_keyword_tags_deleted_or_renamed_stay_so_when_their_folder_is_removed_and_added_again(
    open_library, photo_folder: Path
) -> None:
    (photo_folder / "p0.jpg.xmp").write_bytes(others_sidecar(["Grandma Rose", "Sarah", "Lisbon"]))
    library = open_library()
    library.index([photo_folder])
    library.delete_tag("grandma rose")
    library.rename_tag("Sarah", "Sara")
    library.remove_root(photo_folder)
    library.index([photo_folder])
    shown = {(t.name, t.source) for t in library.photo_tags(library.photo_at(photo_folder / "p0.jpg").id)}
    assert {("sara", "user"), ("lisbon", "user")} <= shown
    assert not {("grandma rose", "user"), ("sarah", "user")} & shown
    assert library.tagged("grandma rose") == [] and library.tagged("sarah") == []
    assert len(library.tagged("lisbon")) == 1


def test_copies_with_the_same_bytes_removed_and_added_again_each_get_back_their_own_tags(
    open_library, tmp_path: Path
) -> None:
    first = write_photo(tmp_path / "photos" / "family" / "p0.jpg", seed=0)
    copy = tmp_path / "photos" / "backup" / "p0.jpg"
    copy.parent.mkdir()
    shutil.copy(first, copy)
    untagged = tmp_path / "photos" / "later" / "p0.jpg"  # newer: indexed first
    untagged.parent.mkdir()
    shutil.copy(first, untagged)
    os.utime(untagged, (time.time() + 60, time.time() + 60))
    library = open_library()
    library.index([tmp_path / "photos"])
    library.add_tag([library.photo_at(first).id], "grandma")
    library.add_tag([library.photo_at(copy).id], "backup")
    library.remove_tag([library.photo_at(copy).id], "grandma")
    library.remove_root(tmp_path / "photos")
    library.index([tmp_path / "photos"])
    assert {(t.name, t.source) for t in library.photo_tags(library.photo_at(first).id)} == {("grandma", "user")}
    assert {(t.name, t.source) for t in library.photo_tags(library.photo_at(copy).id)} == {
        ("backup", "user"), ("grandma", "rejected")}
    assert [t for t in library.photo_tags(library.photo_at(untagged).id) if t.source != "auto"] == []


def test_a_photo_put_back_over_another_while_photoclip_was_closed_brings_its_tags(
    open_library, photo_folder: Path
) -> None:
    library = open_library()
    library.index([photo_folder])
    moved, replaced = photo_folder / "p0.jpg", photo_folder / "p2.jpg"
    library.add_tag([library.photo_at(moved).id], "alpha")
    library.add_tag([library.photo_at(replaced).id], "beta")
    replaced.unlink()
    moved.rename(replaced)
    library.index()
    assert library.tagged("alpha") == [library.photo_at(replaced).id] and library.tagged("beta") == []


def test_a_folder_renamed_while_photoclip_was_closed_leaves_each_tag_on_its_own_photo_not_on_its_twin(
    open_library, tmp_path: Path
) -> None:
    """NTFS lists "Z - Copy.jpg" before "Z.jpg": the copy made of each photo tagged "grandma", listed first
    after their folder was renamed, took the photo's id and its tag (ext4 lists names in an order of its own)."""
    trip = tmp_path / "T4" / "Trip"
    photos = [write_photo(trip / f"Z{i}.jpg", seed=i) for i in range(6)]
    library = open_library()
    library.index([tmp_path / "T4"])
    library.add_tag([library.photo_at(p).id for p in photos], "grandma")
    for photo in photos:
        shutil.copy2(photo, photo.with_name(f"{photo.stem} - Copy.jpg"))
    library.index()
    trip.rename(trip.with_name("Trip2019"))

    assert library.index().moved == 12

    tagged = library.photos(library.tagged("grandma"))
    assert sorted(str(p.path) for p in tagged.values()) == sorted(str(trip.with_name("Trip2019") / p.name)
                                                                  for p in photos)


def test_a_photo_edited_by_exiftool_keeps_its_tags_and_its_backup_is_not_a_photo(
    open_library, photo_folder: Path
) -> None:
    library = open_library()
    library.index([photo_folder])
    photo = photo_folder / "p0.jpg"
    library.add_tag([library.photo_at(photo).id], "grandma")
    backup = photo.rename(photo.with_name("p0.jpg_original"))
    data = backup.read_bytes()
    photo.write_bytes(data[:2] + b"\xff\xfe\x00\x0cexiftool 1" + data[2:])  # a comment added, same pixels
    library.index()
    assert library.photo_at(backup) is None and library.status().counts.total == 6
    assert library.tagged("grandma") == [library.photo_at(photo).id]


def test_similar_never_returns_the_photo_itself(open_library, photo_folder: Path) -> None:
    library = open_library()
    library.index([photo_folder])
    hits = library.similar(photo_folder / "p0.jpg", limit=10)
    assert "p0.jpg" not in paths(hits) and len(hits) == 5


def test_similar_to_a_photo_that_failed_says_why_without_loading_the_model(
    open_library, photo_folder: Path, tmp_path: Path
) -> None:
    broken = photo_folder / "broken.jpg"
    broken.write_bytes(b"")
    first = open_library(tmp_path / "lib")
    first.index([photo_folder])
    first.close()
    library = open_library(tmp_path / "lib")  # opened afresh: no model loaded yet
    with pytest.raises(QueryError, match=r"^cannot search with .*broken.jpg: empty file \(0 bytes: .*\)$"):
        library.similar(broken)
    assert library._encoder is None
    write_photo(broken, seed=3)  # mended since: it is read again
    assert len(library.similar(broken, limit=3)) == 3


def test_an_image_outside_the_library_can_be_the_query(open_library, photo_folder: Path, tmp_path: Path) -> None:
    library = open_library()
    library.index([photo_folder])
    outside = resized_copy(photo_folder / "p2.jpg", tmp_path / "elsewhere.jpg")
    assert paths(library.similar(outside, limit=1)) == ["p2.jpg"]
    assert paths(library.search(str(outside), limit=1)) == ["p2.jpg"]
    same_bytes = shutil.copy(photo_folder / "p2.jpg", tmp_path / "p2 again.jpg")
    assert paths(library.similar(same_bytes, limit=1)) == ["p2.jpg"]  # "do I have this one?": yes, there


def test_similar_to_a_named_pipe_no_program_writes_to_says_so_at_once(open_library, photo_folder: Path,
                                                                       tmp_path: Path) -> None:
    library = open_library()
    library.index([photo_folder])
    fifo = tmp_path / "x.jpg"
    os.mkfifo(fifo)
    try:
        with pytest.raises(QueryError, match=r"^nothing to read from .*x.jpg \(no program writes to it\); give the "
                                             r"path of a photo, or pipe one in$"):
            within(10, library.similar, fifo)
    finally:  # a reader blocked in open() gets a writer, then end of file
        with contextlib.suppress(OSError):
            os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))


def test_similar_reads_an_image_from_a_pipe_as_a_shell_names_it(open_library, photo_folder: Path) -> None:
    """`similar <(cat photo.jpg)`: the shell gives /dev/fd/N, a pipe whose writer writes as it is read."""
    library = open_library()
    library.index([photo_folder])
    sent = resized_copy(photo_folder / "p2.jpg", photo_folder.parent / "sent.jpg").read_bytes()
    reading, writing = os.pipe()

    def write() -> None:
        with open(writing, "wb") as pipe:
            pipe.write(sent)

    writer = threading.Thread(target=write)
    writer.start()
    try:
        assert paths(within(60, library.similar, f"/dev/fd/{reading}", 1)) == ["p2.jpg"]
    finally:
        writer.join()
        os.close(reading)


def test_bad_queries_are_clear_errors(open_library, photo_folder: Path, tmp_path: Path) -> None:
    library = open_library()
    library.index([photo_folder])
    with pytest.raises(QueryError, match="empty"):
        library.search("   ")
    with pytest.raises(QueryError, match="there is no file .*missing.jpg; give the path of a photo"):
        library.similar(tmp_path / "missing.jpg")
    with pytest.raises(QueryError, match="photos is a folder; give the path of a photo"):
        library.similar(photo_folder)


def test_a_second_writer_is_refused_but_may_read(open_library, photo_folder: Path, tmp_path: Path) -> None:
    writer = open_library(tmp_path / "lib")
    writer.index([photo_folder])
    with pytest.raises(LibraryLockedError, match="in use by another photoclip"):
        Library.open(tmp_path / "lib", model="photoclip-tiny")
    reader = open_library(tmp_path / "lib", allow_read_only_fallback=True)
    assert reader.read_only and len(reader.search("a photo", limit=50)) == 6
    with pytest.raises(LibraryLockedError):
        reader.index()


# Meaning, with the shipped tiny CLIP: the folder's scenes are known, so results can be judged.


@pytest.fixture
def scenes_indexed(open_library, tmp_path: Path) -> tuple[Library, dict[Path, object]]:
    scenes = scene_folder(tmp_path / "scenes")
    library = open_library()
    library.index([tmp_path / "scenes"])
    return library, scenes


def test_a_red_circle_puts_only_red_circles_in_the_top_five(scenes_indexed) -> None:
    library, scenes = scenes_indexed
    top = library.search("a red circle", limit=5)
    assert [scenes[hit.path].has("red", "circle") for hit in top] == [True] * 5, [scenes[h.path].caption() for h in top]
    assert top[0].score > library.search("a red circle", limit=30)[-1].score


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_panorama_is_found_by_what_lies_at_its_end(open_library, tmp_path: Path, seed: int) -> None:
    """Cropped to its middle, as the model sees most photos, it never was (imaging.WIDE)."""
    rng = random.Random(seed)
    ends = [render(scene_with(rng, [(colour, shape)]), 256)
            for colour, shape in [("red", "circle"), ("blue", "square"), ("yellow", "star")]]
    panorama = Image.new("RGB", (768, 256))
    for i, part in enumerate(ends):
        panorama.paste(part, (256 * i, 0))
    others = [scene for scene in (random_scene(rng) for _ in range(60))
              if not scene.has("red") and not scene.has(shape="circle")][:8]
    write_scenes(tmp_path / "photos", others)
    panorama.save(tmp_path / "photos" / "panorama.jpg", quality=92)
    panorama.save(tmp_path / "sent.png")
    library = open_library()
    library.index([tmp_path / "photos"])

    assert library.search("a red circle", limit=1)[0].path == tmp_path / "photos" / "panorama.jpg"
    assert library.similar(tmp_path / "sent.png", limit=1)[0].path == tmp_path / "photos" / "panorama.jpg"


def test_similar_finds_the_resized_recompressed_copy_first(scenes_indexed, tmp_path: Path) -> None:
    library, scenes = scenes_indexed
    for original in sorted(scenes)[:4]:
        copy = resized_copy(original, tmp_path / "scenes" / "sent" / f"copy of {original.name}")
        library.index([tmp_path / "scenes"])
        assert library.similar(original, limit=3)[0].path == copy
        assert library.similar(copy, limit=3)[0].path == original


def test_minus_red_moves_red_scenes_out_of_the_circles(scenes_indexed) -> None:
    library, scenes = scenes_indexed
    reds = lambda hits: sum(scenes[h.path].has(colour="red") for h in hits)  # noqa: E731
    circles = library.search("circle", limit=5)
    without_red = library.search("circle - red", limit=5)
    assert reds(without_red) < reds(circles)
    assert library.search("circle -red", limit=5) == without_red  # as web searches write it
    other_circles = lambda hits: sum(scenes[h.path].has(shape="circle") and not scenes[h.path].has(colour="red")  # noqa: E731
                                     for h in hits)
    assert other_circles(without_red) >= max(1, other_circles(circles))
    plus_blue = library.search("a circle + blue", limit=5)
    assert sum(scenes[h.path].has(colour="blue") for h in plus_blue) > sum(scenes[h.path].has(colour="blue") for h in circles)


def assert_same_ranking(hits: list, expected: list) -> None:
    """The same photos with the same scores, to within the old model's text vectors from its
    fp32 tower and from its int8 one (cosine 0.998): near-ties may swap."""
    assert len(hits) == len(expected)
    scores = {h.photo_id: h.score for h in hits}
    assert all(scores[h.photo_id] == pytest.approx(h.score, abs=0.01) for h in expected)


def test_after_a_model_change_search_answers_with_the_old_vectors_until_the_new_ones_are_complete(
    open_library, tmp_path: Path
) -> None:
    scene_folder(tmp_path / "scenes")
    old_model, before, weights = index_then_change_model(open_library, tmp_path / "scenes", tmp_path / "lib", "a red circle")

    library = open_library(tmp_path / "lib", model_file=weights)
    pending = library.pending()
    assert len(pending) == len(before) == 32
    library.embed(pending[:5])
    assert (tmp_path / "lib" / INDEX_DIR / "previous" / "index.json").is_file()  # kept, not rebuilt
    assert library.status().searching_with == old_model.label
    assert_same_ranking(library.search("a red circle", limit=50), before)
    library.embed(pending[5:10])
    assert_same_ranking(library.search("a red circle", limit=50), before)
    library.close()

    library = open_library(tmp_path / "lib", model_file=weights)  # reopened halfway
    assert_same_ranking(library.search("a red circle", limit=50), before)
    library.embed(library.pending())

    after = library.search("a red circle", limit=50)
    new = library.encoder()
    stored = library.catalog.vector(after[0].photo_id, new.model_id)
    assert after[0].score == pytest.approx(float(stored @ new.encode_text("a red circle") / np.linalg.norm(stored)), abs=1e-2)
    assert [h.score for h in after] != [h.score for h in before]
    assert library.status().searching_with is None
    assert not library.catalog.has_embeddings(old_model.model_id)
    assert not (tmp_path / "lib" / INDEX_DIR / "previous").exists()


def test_a_model_change_with_nothing_indexed_yet_searches_with_the_new_model(open_library, tmp_path: Path) -> None:
    from tests.helpers import other_tiny_weights

    open_library(tmp_path / "lib").close()
    weights = str(other_tiny_weights(tmp_path / "other.safetensors"))

    library = open_library(tmp_path / "lib", model_file=weights)

    assert library.status().searching_with is None


def test_a_model_change_cut_short_while_finishing_is_finished_on_the_next_open(
    open_library, photo_folder: Path, tmp_path: Path, monkeypatch
) -> None:
    old_model, _, weights = index_then_change_model(open_library, photo_folder, tmp_path / "lib")
    library = open_library(tmp_path / "lib", model_file=weights)
    with monkeypatch.context() as patch:
        patch.setattr(Library, "_finish_model_change_if_done", lambda self: None)
        library.embed(library.pending())
    library.catalog.prune_embeddings([library.model_spec.model_id])  # the first step, then the crash
    library.close()

    library = open_library(tmp_path / "lib", model_file=weights)

    assert library.status().searching_with is None
    assert not (tmp_path / "lib" / INDEX_DIR / "previous").exists()
    assert not library.catalog.has_embeddings(old_model.model_id)
    assert len(library.search("a photo")) == 6


def test_an_old_model_that_cannot_be_loaded_leaves_search_to_the_new_one_and_the_change_still_ends(
    open_library, photo_folder: Path, tmp_path: Path, monkeypatch
) -> None:
    import json

    from photoclip.catalog import PhotoMetadata

    monkeypatch.setenv("PHOTOCLIP_OFFLINE", "1")
    library = open_library(tmp_path / "lib")
    library.index([photo_folder])
    gone = "ViT-B-32/laion2b_s34b_b79k"  # its weights were never downloaded here
    library.catalog.set_meta("search_model", json.dumps(
        {"model": "ViT-B-32:laion2b_s34b_b79k", "model_file": None, "model_id": gone}))
    photo = library.photo(library.photos_by_date()[0])
    same_bytes = PhotoMetadata(photo.hash, photo.width, photo.height, photo.taken_at, photo.format)
    library.catalog.store_batch(gone, [(photo.id, same_bytes, np.ones(4, np.float32))], [])
    library.close()
    write_photo(photo_folder / "new.jpg", seed=50)

    library = open_library(tmp_path / "lib")
    library.scan()
    assert library.status().searching_with == "ViT-B-32:laion2b_s34b_b79k"
    assert len(library.search("a photo")) == 6  # the new model's vectors, not an error
    assert library.status().searching_with is None
    library.embed(library.pending())

    assert not library.catalog.has_embeddings(gone)
    assert json.loads(library.catalog.meta("search_model"))["model_id"] == library.model_spec.model_id


# duplicates


@pytest.fixture
def copies_indexed(open_library, tmp_path: Path) -> tuple[Library, dict[Path, Path]]:
    _, copies = copies_folder(tmp_path / "photos")
    library = open_library()
    library.index([tmp_path / "photos"])
    return library, copies


def group_paths(library: Library, groups) -> list[tuple[Path, set[Path]]]:
    photos = library.photos(pid for g in groups for pid in g.members)
    return sorted((photos[g.keeper].path, {photos[o].path for o in g.others}) for g in groups)


def test_duplicates_find_resized_and_byte_copies_and_keep_the_originals(copies_indexed, tmp_path: Path) -> None:
    library, copies = copies_indexed
    expected: dict[Path, set[Path]] = {}
    for copy, original in copies.items():
        expected.setdefault(original.resolve(), set()).add(copy.resolve())
    groups = library.duplicates()
    assert group_paths(library, groups) == sorted(expected.items())
    exact = {library.photo(g.keeper).path: g.exact for g in groups}
    assert not any(exact.values())  # the first original has a resized copy beside its byte copy
    assert group_paths(library, library.duplicates(exact_only=True)) == [
        (original.resolve(), {copy.resolve()}) for copy, original in copies.items() if copy.parent.name == "backup"
    ]


@pytest.mark.parametrize("exact_only", [False, True])
def test_a_copy_deleted_since_indexing_is_left_out_of_its_group(copies_indexed, exact_only: bool) -> None:
    """As search leaves it out: listed, it would be counted as space to free, and offered to a
    trash that cannot take it; its group's other copies still make one."""
    library, copies = copies_indexed
    before = group_paths(library, library.duplicates(exact_only=exact_only))
    copy, original = next((c, o) for c, o in copies.items() if c.parent.name == "backup")
    copy.unlink()
    after = group_paths(library, library.duplicates(exact_only=exact_only))
    expected = [(keep, others - {copy.resolve()}) for keep, others in before]
    assert after == [(keep, others) for keep, others in expected if others] and after != before
    original.unlink()  # the photo kept: its other copies are grouped again without it
    again = group_paths(library, library.duplicates(exact_only=exact_only))
    assert original.resolve() not in {keep for keep, _ in again}
    assert all(original.resolve() not in others for _, others in again)


def model_alike(library: Library, first: Path, second: Path) -> float:
    """How alike the library's model finds two of its photos (their vectors' cosine)."""
    model_id = library.model_spec.model_id
    a, b = (library.catalog.vector(library.photo_at(path).id, model_id) for path in (first, second))
    return float(a @ b / np.linalg.norm(a) / np.linalg.norm(b))


def test_an_edited_copy_is_a_near_duplicate_and_the_same_subject_moved_is_not_however_alike_the_model_finds_them(
    open_library, tmp_path: Path
) -> None:
    """Copies only (the default) groups the copy sent smaller; near copies the edit too."""
    folder = tmp_path / "photos"
    folder.mkdir()
    circle_on_snow(0.67, texture=1).save(folder / "low.jpg", quality=90)
    circle_on_snow(0.30, texture=2).save(folder / "high.jpg", quality=90)
    resized_copy(folder / "low.jpg", folder / "sent" / "low small.jpg")
    low_image = circle_on_snow(0.67, texture=1)
    w, h = low_image.size
    edited = ImageEnhance.Color(low_image.crop((w // 25, h // 25, w - w // 25, h - h // 25))).enhance(1.6)
    ImageEnhance.Brightness(edited).enhance(1.15).save(folder / "low edited.jpg", quality=85)
    library = open_library()
    library.index([folder])
    assert model_alike(library, folder / "low.jpg", folder / "high.jpg") >= 0.99  # the model alone would group them
    assert group_paths(library, library.duplicates()) == [
        ((folder / "low.jpg").resolve(), {(folder / "sent" / "low small.jpg").resolve()})
    ]
    assert group_paths(library, library.duplicates(similarity=0.97)) == [
        ((folder / "low.jpg").resolve(), {(folder / "sent" / "low small.jpg").resolve(),
                                          (folder / "low edited.jpg").resolve()})
    ]


def test_the_demo_models_copies_must_look_the_same_and_exact_copies_are_only_the_same_bytes(
    open_library, tmp_path: Path
) -> None:
    folder = tmp_path / "photos"
    folder.mkdir()
    on_black("ball").save(folder / "ball.jpg", quality=90)
    on_black("box").save(folder / "box.jpg", quality=90)
    resized_copy(folder / "ball.jpg", folder / "ball small.jpg")
    shutil.copy2(folder / "box.jpg", folder / "box copy.jpg")
    library = open_library()
    library.index([folder])
    assert model_alike(library, folder / "ball.jpg", folder / "box.jpg") >= 0.99  # the model alone would group them
    assert group_paths(library, library.duplicates()) == [
        ((folder / "ball.jpg").resolve(), {(folder / "ball small.jpg").resolve()}),
        ((folder / "box.jpg").resolve(), {(folder / "box copy.jpg").resolve()}),
    ]
    for similarity in (0.9, 0.97, 0.99):
        exact = library.duplicates(similarity, exact_only=True)
        assert group_paths(library, exact) == [((folder / "box.jpg").resolve(), {(folder / "box copy.jpg").resolve()})]


def test_black_and_white_mirrored_and_turned_copies_are_near_copies_not_copies(open_library, tmp_path: Path) -> None:
    folder = tmp_path / "photos"
    folder.mkdir()
    scene = circle_on_snow(0.4, texture=3)
    scene.save(folder / "beach.jpg", quality=90)
    circle_on_snow(0.67, texture=1).save(folder / "other.jpg", quality=90)
    (folder / "edits").mkdir()
    scene.convert("L").save(folder / "edits" / "beach bw.jpg", quality=90)
    scene.transpose(Image.Transpose.FLIP_LEFT_RIGHT).save(folder / "edits" / "beach flipped.jpg", quality=90)
    scene.transpose(Image.Transpose.ROTATE_270).save(folder / "edits" / "beach righted.jpg", quality=90)
    red, green, blue = scene.split()
    Image.merge("RGB", (blue, green, red)).save(folder / "blue ball.jpg", quality=90)  # the same in grey, not a copy
    for edit in (folder / "edits").iterdir():  # written later than the photo they were made from
        os.utime(edit, ns=((folder / "beach.jpg").stat().st_mtime_ns + 10**10,) * 2)
    library = open_library()
    library.index([folder])
    assert group_paths(library, library.duplicates(0.97)) == [
        ((folder / "beach.jpg").resolve(), {(folder / "edits" / "beach bw.jpg").resolve(),
                                            (folder / "edits" / "beach flipped.jpg").resolve(),
                                            (folder / "edits" / "beach righted.jpg").resolve()})
    ]
    assert library.duplicates() == []


def test_trashed_copies_leave_the_library_and_its_search(copies_indexed) -> None:
    library, copies = copies_indexed
    extras = [pid for g in library.duplicates() for pid in g.others]
    paths = {library.photo(pid).path for pid in extras}
    result = library.trash(extras)
    assert set(result.trashed) == set(extras) and not result.failed
    assert not any(p.exists() for p in paths)
    assert all(library.photo_at(p) is None for p in paths)
    assert library.duplicates() == []
    original = next(iter(copies.values())).resolve()
    assert not {hit.path for hit in library.similar(original, limit=50)} & paths
    library.index()
    assert library.duplicates() == []


def test_the_tags_given_to_a_trashed_copy_go_to_the_photo_kept_unless_taken_off_it(copies_indexed) -> None:
    library, _ = copies_indexed
    group = library.duplicates()[0]
    copy = group.others[0]
    library.add_tag([copy], "beach day")
    library.add_tag([copy], "lake")
    library.remove_tag([group.keeper], "lake")  # the user took it off the photo kept

    result = library.trash([copy], kept_for={copy: (group.keeper,)})

    assert result.trashed == (copy,)
    kept = {(t.name, t.source) for t in library.photo_tags(group.keeper)}
    assert ("beach day", "user") in kept and ("lake", "rejected") in kept and ("lake", "user") not in kept
    assert library.tagged("beach day") == [group.keeper]


def test_a_copy_trashed_on_its_own_takes_its_tags_with_it(copies_indexed) -> None:
    library, _ = copies_indexed
    group = library.duplicates()[0]
    library.add_tag([group.others[0]], "beach day")
    library.trash([group.others[0]])
    assert library.tagged("beach day") == []


def test_photos_marked_as_not_duplicates_stay_apart_after_a_reopen(open_library, copies_indexed, tmp_path) -> None:
    library, _ = copies_indexed
    first = library.duplicates()[0]
    library.not_duplicates(first.members)
    library.close()
    reopened = open_library()
    assert first.keeper not in {pid for g in reopened.duplicates() for pid in g.members}
    assert len(reopened.duplicates()) == 1


def test_duplicates_and_photos_like_a_library_photo_need_no_model(open_library, copies_indexed, monkeypatch) -> None:
    """They use the stored vectors: answered at once from the command line, and when the model
    cannot be loaded (offline, its file moved)."""
    import photoclip.model as model_module
    from photoclip.errors import ModelUnavailableError

    library, copies = copies_indexed
    expected = group_paths(library, library.duplicates())
    original = next(iter(copies.values())).resolve()
    like = [hit.path for hit in library.similar(original, limit=5)]
    library.close()

    def unavailable(*args, **kwargs):
        raise ModelUnavailableError("the model cannot be loaded now")

    monkeypatch.setattr(model_module, "load_encoder", unavailable)
    reopened = open_library()
    assert group_paths(reopened, reopened.duplicates()) == expected
    assert [hit.path for hit in reopened.similar(original, limit=5)] == like
    with pytest.raises(ModelUnavailableError):
        reopened.search("a red circle")


def test_a_read_only_library_does_not_trash(open_library, copies_indexed, tmp_path: Path) -> None:
    library, _ = copies_indexed
    extras = [pid for g in library.duplicates() for pid in g.others]
    reader = Library.open(tmp_path / "library", model="photoclip-tiny", read_only=True)
    try:
        assert len(reader.duplicates()) == 2
        with pytest.raises(LibraryLockedError):
            reader.trash(extras)
    finally:
        reader.close()
    assert all(library.photo(pid).path.exists() for pid in extras)


@pytest.mark.parametrize("similarity", [0.0, 0.6, 0.89, 1.5, -0.2])
def test_a_similarity_out_of_range_says_what_works(photo_folder: Path, open_library, similarity: float) -> None:
    library = open_library()
    with pytest.raises(QueryError, match="from 0.9 to 1"):
        library.duplicates(similarity)


def test_photos_are_copied_to_a_folder_in_the_order_given_and_the_library_does_not_change(
    open_library, photo_folder: Path, tmp_path: Path
) -> None:
    library = open_library()
    library.index([photo_folder])
    photos = sorted(library.photos(library.photos_by_date()).values(), key=lambda p: p.path.name)[:2]
    before = library.status().counts
    report = library.copy_to([photos[1].id, photos[0].id], tmp_path / "shared")
    assert [p.name for p in report.copied] == [photos[1].path.name, photos[0].path.name]
    assert all(c.read_bytes() == p.path.read_bytes() for c, p in zip(report.copied, [photos[1], photos[0]]))
    assert library.status().counts == before
    with pytest.raises(LibraryError, match="cannot make the folder"):
        library.copy_to([photos[0].id], photos[0].path / "below a file")


# tags


def test_keywords_from_other_programs_become_the_users_tags_and_one_taken_away_stays_away(
    open_library, tmp_path: Path
) -> None:
    from photoclip.sidecars import xmp_document

    folder = tmp_path / "photos"
    lake = write_photo(folder / "lake.jpg", seed=1)
    with Image.open(lake) as im:
        im.load()
        im.save(lake, "JPEG", xmp=xmp_document(["Lake House", "Kids"]))
    beach = write_photo(folder / "beach.jpg", seed=2)
    (folder / "beach.jpg.xmp").write_bytes(others_sidecar(["Grandma"]))
    library = open_library()
    library.index([folder])
    lake_id, beach_id = library.photo_at(lake).id, library.photo_at(beach).id
    assert {(t.name, t.source) for t in library.photo_tags(lake_id)} >= {("lake house", "user"), ("kids", "user")}
    assert ("grandma", "user") in {(t.name, t.source) for t in library.photo_tags(beach_id)}
    assert dict(library.tags())["lake house"] == 1

    library.remove_tag([lake_id], "kids")
    with Image.open(lake) as im:  # edited elsewhere: indexed again, keywords read again
        im.load()
        im.rotate(90).save(lake, "JPEG", xmp=xmp_document(["Lake House", "Kids"]))
    library.index()
    tags = {t.name: t.source for t in library.photo_tags(lake_id)}
    assert tags["lake house"] == "user" and tags["kids"] == "rejected"


def test_a_search_naming_the_users_tag_puts_its_photos_first_and_keeps_the_rest(
    open_library, tmp_path: Path
) -> None:
    """The model cannot know who Sarah is; the user's tag can. A tag on some beach photos does
    not hide the other beach photos the model finds."""
    scenes = scene_folder(tmp_path / "photos", seed=3)
    library = open_library()
    library.index([tmp_path / "photos"])
    plain = sorted(path for path, scene in scenes.items() if not scene.has("red", "circle"))
    sarah = [library.photo_at(path).id for path in plain[:3]]
    library.add_tag(sarah, "sarah")
    others = [h.photo_id for h in library.search("with a red circle", limit=10)]

    hits, scope = library.search_scoped("sarah with a red circle", limit=10)
    assert scope is not None and scope.tags == ("sarah",)
    assert {h.photo_id for h in hits[:3]} == set(sarah)
    assert [h.photo_id for h in hits[3:]] == [pid for pid in others if pid not in sarah][:7]  # by the other words

    hits, _ = library.search_scoped("sarah", limit=50)
    assert {h.photo_id for h in hits[:3]} == set(sarah) and len(hits) == 32
    library.remove_tag(sarah, "sarah")
    assert library.search_scoped("sarah with a red circle", limit=10)[1] is None  # a tag taken away names nothing


@pytest.mark.parametrize("query", ["with a red circle not kids", "with a red circle except kids",
                                   "with a red circle -kids", "with a red circle - kids"])
def test_a_search_that_says_not_the_users_tag_leaves_its_photos_out(open_library, tmp_path: Path, query: str) -> None:
    """"not kids" asked the model for kids, and the photos tagged kids came first."""
    scene_folder(tmp_path / "photos", seed=3)
    library = open_library()
    library.index([tmp_path / "photos"])
    circles = [h.photo_id for h in library.search("with a red circle", limit=6)]
    library.add_tag(circles[:3], "kids")

    hits, scope = library.search_scoped(query, limit=50)
    assert scope is not None and scope.left_out_tags == ("kids",) and scope.tags == ()
    assert not {h.photo_id for h in hits} & set(circles[:3]) and len(hits) == 29
    assert {h.photo_id for h in hits[:3]} == set(circles[3:])  # still ranked by the other words
    hits, scope = library.search_scoped("not kids", limit=50)
    assert scope is not None and scope.only_scope and len(hits) == 29


def _albums_of_scenes(photos: Path) -> tuple[Path, Path]:
    """A trip's album of scenes in a day's subfolder, and scenes in a folder of other names."""
    trip = photos / "2019 Lake Tahoe"
    scene_folder(trip / "Day 1", seed=5, red_circles=3, others=3)
    scene_folder(photos / "Home", seed=6, red_circles=4, others=8)
    return trip, photos / "Home"


def test_a_search_naming_an_album_puts_its_photos_first_and_keeps_the_rest(open_library, tmp_path: Path) -> None:
    """Someone named the folder after what is in it, which the model cannot know: "lake tahoe" is
    the photos in "2019 Lake Tahoe" (its day folders too), ranked by the whole query."""
    trip, home = _albums_of_scenes(tmp_path / "Trips")
    library = open_library()
    library.index([tmp_path / "Trips"])
    in_trip = set(library.catalog.indexed_in(str(trip)))
    ranked = [h.photo_id for h in library.search("lake tahoe with a red circle", limit=50, folder=trip)]

    hits, scope = library.search_scoped("lake tahoe with a red circle", limit=10)
    assert scope is not None and scope.albums == (str(trip),)
    assert [h.photo_id for h in hits[:6]] == ranked and {h.first_because for h in hits[:6]} == {"album"}
    assert len(hits) == 10 and not {h.photo_id for h in hits[6:]} & in_trip
    hits, scope = library.search_scoped("LAKE TAHOE!", limit=6)
    assert {h.photo_id for h in hits} == in_trip and scope is not None and scope.albums == (str(trip),)
    for query in ("tahoe with a red circle", "trips", "a red circle at home", "a red circle -home"):
        assert not (scope := library.search_scoped(query, limit=5)[1]) or not scope.albums, query
    assert library.search_scoped("photos of home", limit=3)[1].albums == (str(home),)  # one word: alone
    assert library.search_scoped("day 1", limit=3)[1].albums == (str(trip / "Day 1"),)


def test_a_tag_and_a_folder_of_one_name_list_the_photos_of_either_first(open_library, tmp_path: Path) -> None:
    """With a tag "beach" and a folder "Beach", "beach" listed first only the photos both tagged and
    in the folder; the other tagged photos came last."""
    trip, home = _albums_of_scenes(tmp_path / "photos")
    scene_folder(tmp_path / "photos" / "Beach", seed=7, red_circles=1, others=2)
    library = open_library()
    library.index([tmp_path / "photos"])
    beach = set(library.catalog.indexed_in(str(tmp_path / "photos" / "Beach")))
    tagged = [*library.catalog.indexed_in(str(home))[:2], *list(beach)[:1]]
    library.add_tag(tagged, "beach")

    hits, scope = library.search_scoped("beach", limit=10)
    assert {h.photo_id for h in hits[:5]} == beach | set(tagged) and {h.first_because for h in hits[:5]} == {"tag"}
    assert scope.tags == ("beach",) and scope.albums == (str(tmp_path / "photos" / "Beach"),)


def test_an_album_and_a_tag_named_together_list_the_photos_of_both_first(open_library, tmp_path: Path) -> None:
    """With a tag "sarah", "sarah at lake tahoe" listed all of Sarah's photos first, and "sarah's
    birthday" never the album "Sarah's Birthday"."""
    trip, home = _albums_of_scenes(tmp_path / "photos")
    scene_folder(tmp_path / "photos" / "Sarah's Birthday", seed=7, red_circles=2, others=2)
    library = open_library()
    library.index([tmp_path / "photos"])
    at_home, there = library.catalog.indexed_in(str(home))[:3], library.catalog.indexed_in(str(trip))[:2]
    library.add_tag([*at_home, *there], "sarah")
    birthday = set(library.catalog.indexed_in(str(tmp_path / "photos" / "Sarah's Birthday")))

    hits, scope = library.search_scoped("sarah at lake tahoe", limit=10)
    assert {h.photo_id for h in hits[:2]} == set(there) and {h.first_because for h in hits[:2]} == {"tag"}
    assert hits[2].first_because is None and (scope.tags, scope.albums) == (("sarah",), (str(trip),))
    elsewhere = library.catalog.indexed_in(str(home))[5:6]
    library.add_tag(elsewhere, "Lake Tahoe")  # a tag named as the folder: either is lake tahoe, sarah's are hers
    hits, scope = library.search_scoped("sarah at lake tahoe", limit=10)
    assert {h.photo_id for h in hits[:2]} == set(there) and hits[2].first_because is None
    library.remove_tag(elsewhere, "Lake Tahoe")
    hits, scope = library.search_scoped("sarah's birthday", limit=10)
    assert {h.photo_id for h in hits[:4]} == birthday
    assert scope.albums == (str(tmp_path / "photos" / "Sarah's Birthday"),)
    hits, scope = library.search_scoped("sarah with a red circle", limit=10)
    assert {h.photo_id for h in hits[:5]} == {*at_home, *there} and scope.albums == ()
    library.add_tag(at_home, "cat")
    hits, scope = library.search_scoped("lake tahoe", limit=10, tag="cat")  # none of the album's is listed
    assert {h.photo_id for h in hits} == set(at_home) and (scope is None or scope.albums == ())


@pytest.mark.parametrize("query", ["with a red circle not at lake tahoe", "with a red circle except lake tahoe",
                                   'with a red circle -"lake tahoe"', "with a red circle - lake tahoe"])
def test_a_search_that_says_not_an_album_leaves_its_photos_out(open_library, tmp_path: Path, query: str) -> None:
    trip, _ = _albums_of_scenes(tmp_path / "photos")
    library = open_library()
    library.index([tmp_path / "photos"])
    in_trip = set(library.catalog.indexed_in(str(trip)))
    others = [h.photo_id for h in library.search("with a red circle", limit=50) if h.photo_id not in in_trip]

    hits, scope = library.search_scoped(query, limit=50)
    assert scope is not None and scope.left_out_albums == (str(trip),) and scope.albums == ()
    if "-" in query:  # "lake tahoe" is subtracted from what is looked for too
        assert sorted(h.photo_id for h in hits) == sorted(others)
    else:
        assert [h.photo_id for h in hits] == others  # ranked by the words before "not" alone


def test_a_search_that_only_leaves_out_the_users_tags_lists_the_photos_without_them(
    open_library, tmp_path: Path
) -> None:
    """"-kids" was refused for having nothing to look for, where "not kids" listed every photo without the tag."""
    scenes = scene_folder(tmp_path / "photos", seed=3)
    years = _date_photos(tmp_path / "photos", scenes)
    library = open_library()
    library.index([tmp_path / "photos"])
    kids, sunset = sorted(scenes)[:3], sorted(scenes)[3:5]
    library.add_tag([library.photo_at(path).id for path in kids], "kids")
    library.add_tag([library.photo_at(path).id for path in sunset], "Sunset")
    of_2019 = {path for path, year in years.items() if year == 2019}
    for query, same_as, left_out in [
        ("-kids", "not kids", set(kids)), ("- Kids", "not kids", set(kids)),
        ("-kids -sunset", "not kids or sunset", {*kids, *sunset}),
        ("-kids -2019", "not kids -2019", {*kids, *of_2019}),
        ("-kids -2019 - red circle", "not kids -2019 - red circle", {*kids, *of_2019}),
    ]:
        hits, scope = library.search_scoped(query, limit=50)
        assert (hits, scope) == library.search_scoped(same_as, limit=50), query
        assert scope is not None and scope.left_out_tags[0] == "kids", query
        assert {h.path for h in hits} == set(scenes) - left_out, query

    with pytest.raises(QueryError, match="^red is not one of your tags, and a search needs at least one thing to look"):
        library.search("-kids -red")
    with pytest.raises(QueryError, match="^a search needs at least one thing to look for, not only things to leave"):
        library.search("-kid")


def test_a_tag_named_like_a_date_or_quoted_is_the_users_tag(open_library, tmp_path: Path) -> None:
    """A keyword "2019" (as Lightroom users give) was read as the year, and a quoted name as words only."""
    scenes = scene_folder(tmp_path / "photos", seed=3)
    library = open_library()
    library.index([tmp_path / "photos"])
    year, jones = (library.photo_at(path).id for path in sorted(scenes)[:2])
    library.add_tag([year], "2019")
    library.add_tag([jones], "Sarah Jones")
    for query, photo, tag in [('"2019"', year, "2019"), ('"sarah jones"', jones, "sarah jones"),
                              ('red circle "Sarah Jones"', jones, "sarah jones")]:
        hits, scope = library.search_scoped(query, limit=10)
        assert scope is not None and scope.tags == (tag,) and scope.period is None, query
        assert hits[0].photo_id == photo and len(hits) == 10, query
    for query in ("beach 2019", "beach -2019", "2019 + beach"):  # part of a query, still the year
        _, scope = library.search_scoped(query, limit=10)
        assert scope is not None and scope.period is not None and scope.tags == scope.left_out_tags == (), query


def test_a_tag_named_like_a_year_lists_its_photos_first_then_only_that_years(open_library, tmp_path: Path) -> None:
    """With a keyword "2019" on one photo, "2019" listed it and then every photo, 2015's before 2019's."""
    photos = tmp_path / "photos"
    write_photo(photos / "a.jpg", seed=1)  # no date
    for seed, (name, taken) in enumerate([("b", "2019:07:04 12:00:00"), ("c", "2015:03:01 10:00:00"),
                                          ("e", "2019:12:01 10:00:00")], start=2):
        located_photo(photos / f"{name}.jpg", seed, None, taken)
    library = open_library()
    library.index([photos])
    assert [h.path.stem for h in library.search("2019", limit=10)] == ["e", "b"]
    undated = next(h.photo_id for h in library.search("photo", limit=10) if h.path.stem == "a")
    library.add_tag([undated], "2019")

    hits, scope = library.search_scoped("2019", limit=10)
    assert [h.path.stem for h in hits] == ["a", "e", "b"] and [h.first_because for h in hits] == ["tag", None, None]
    assert scope.tags == ("2019",) and scope.period.words == "2019" and scope.only_scope
    assert tagged_before_period(scope.period, scope.tags)
    hits, scope = library.search_scoped("-2019", limit=10)  # the other way round: neither the tagged nor 2019's
    assert [h.path.stem for h in hits] == ["c"] and scope.left_out_tags == ("2019",) and scope.period.but
    _, scope = library.search_scoped("beach 2019", limit=10)
    assert scope.period is not None and not tagged_before_period(scope.period, scope.tags)
    library.add_tag([undated], "beach")
    _, scope = library.search_scoped("beach 2019", limit=10)
    assert scope.tags == ("beach",) and not tagged_before_period(scope.period, scope.tags)


def test_a_search_names_the_users_tags_that_hold_punctuation_or_an_emoji(open_library, tmp_path: Path) -> None:
    """Tags as Lightroom and people write them ("Smith, John", "Mt. Fuji", "🐶 Hund") are named
    by their words, typed as written or not, and their photos come first."""
    scenes = scene_folder(tmp_path / "photos", seed=3)
    library = open_library()
    library.index([tmp_path / "photos"])
    john, fuji, dog, zurich, other = (library.photo_at(path).id for path in sorted(scenes)[5:10])
    library.add_tag([john], "Smith, John")
    library.add_tag([fuji], "Mt. Fuji")
    library.add_tag([dog], "🐶 Hund")
    library.add_tag([zurich], "Zürich")

    for query, photo, tag in [("Smith, John", john, "smith, john"), ("smith john", john, "smith, john"),
                              ("Mt. Fuji", fuji, "mt. fuji"), ("photos of mt fuji at dawn", fuji, "mt. fuji"),
                              ("🐶 Hund", dog, "🐶 hund"), ("hund", dog, "🐶 hund"),
                              ("zurich", zurich, "zürich"), ("Zurich lake", zurich, "zürich")]:
        hits, scope = library.search_scoped(query, limit=10)
        assert scope is not None and scope.tags == (tag,), query
        assert hits[0].photo_id == photo and len(hits) == 10, query

    library.add_tag([other], "Smith John")  # one person under two spellings: photos of either come first
    hits, scope = library.search_scoped("Smith, John", limit=10)
    assert scope is not None and scope.tags == ("smith john", "smith, john")
    assert {h.photo_id for h in hits[:2]} == {john, other}


@pytest.fixture
def tagged_library(open_library, tmp_path: Path):
    """48 scenes indexed and tagged with the shapes the tiny model knows. Returns (library, scenes)."""
    scenes = scene_folder(tmp_path / "photos", seed=0, red_circles=8, others=40)
    library = open_library()
    library.set_vocabulary(shapes_vocabulary(tmp_path / "shapes.txt"))
    library.index([tmp_path / "photos"])
    return library, scenes


def _shapes_of(library: Library, path: Path) -> set[str]:
    return {t.name for t in library.photo_tags(library.photo_at(path).id) if t.source != "rejected"}


def test_photos_are_tagged_with_what_they_show(tagged_library) -> None:
    library, scenes = tagged_library
    given = right = shown = 0
    for path, scene in scenes.items():
        tags = _shapes_of(library, path)
        truth = {o.shape for o in scene.objects}
        given, right, shown = given + len(tags), right + len(tags & truth), shown + len(truth)
    assert right / given >= 0.75, f"precision {right / given:.2f}"
    assert right / shown >= 0.65, f"recall {right / shown:.2f}"
    counts = dict(library.tags())
    stars = library.tagged("star")
    assert len(stars) == counts["star"] and sum(scenes[library.photo(p).path].has(shape="star") for p in stars) >= 0.75 * len(stars)


def test_tagging_again_costs_nothing_until_photos_change(tagged_library, tmp_path: Path) -> None:
    library, _ = tagged_library
    assert library.update_tags() == 0
    write_photo(tmp_path / "photos" / "new.jpg", seed=5)
    library.scan()
    library.embed(library.pending())
    assert library.update_tags() == 1 and library.update_tags() == 0


def test_photos_deleted_and_none_new_are_tagged_without_loading_the_model(tagged_library, tmp_path: Path) -> None:
    library, scenes = tagged_library
    gone = next(iter(scenes))
    gone.unlink()
    library.close()
    library = Library.open(library.directory, model=TINY_MODEL)
    try:
        library.scan()
        assert library.update_tags() == 0 and library.update_tags() == 0
        assert library._encoder is None and library._text_encoder is None
        assert sum(n for _, n in library.tags()) > 0
    finally:
        library.close()


def test_the_users_tags_survive_tags_being_redone(tagged_library, tmp_path: Path) -> None:
    library, scenes = tagged_library
    path = next(iter(scenes))
    photo = library.photo_at(path)
    top = library.photo_tags(photo.id)[0].name
    library.add_tag([photo.id], "  Lake  House ")
    library.remove_tag([photo.id], top)
    library.set_vocabulary(shapes_vocabulary(tmp_path / "fewer.txt", without=("cross",)))
    assert library.update_tags() == len(scenes)
    tags = {t.name: t.source for t in library.photo_tags(photo.id)}
    assert tags["lake house"] == "user" and tags[top] == "rejected"
    assert photo.id not in library.tagged(top) and library.tagged("lake house") == [photo.id]
    assert "cross" not in dict(library.tags())


def test_a_tag_the_user_defines_is_given_to_photos_that_match_it(open_library, tmp_path: Path) -> None:
    scenes = scene_folder(tmp_path / "photos", seed=0, red_circles=8, others=40)
    library = open_library()
    library.set_vocabulary(shapes_vocabulary(tmp_path / "shapes.txt", without=("heart",)))
    library.index([tmp_path / "photos"])
    assert "heart" not in dict(library.tags())
    assert library.define_tag("Heart", "a heart") == "heart" and library.defined_tags() == [("heart", "a heart")]
    library.update_tags()
    hearts = library.tagged("heart")
    right = sum(scenes[library.photo(p).path].has(shape="heart") for p in hearts)
    base_rate = sum(s.has(shape="heart") for s in scenes.values()) / len(scenes)
    assert len(hearts) >= 3 and right / len(hearts) >= max(0.6, 3 * base_rate)
    mine = next(pid for pid in library.photos_by_date() if pid not in hearts)
    library.add_tag([mine], "heart")
    library.forget_tag("heart")
    assert library.defined_tags() == [] and library.tagged("heart") == [mine]
    library.update_tags()
    assert library.tagged("heart") == [mine]
    with pytest.raises(QueryError, match="not a tag you defined"):
        library.forget_tag("heart")


@pytest.mark.parametrize("prompt", [None, "", "   ", " \t "])
def test_a_tag_defined_without_a_description_is_described_as_a_photo_of_it(open_library, prompt) -> None:
    library = open_library()
    assert library.define_tag("Lake house", prompt) == "lake house"
    assert library.defined_tags() == [("lake house", "a photo of lake house.")]


def test_a_tag_the_user_defines_is_given_with_the_shipped_vocabulary_too(open_library, tmp_path: Path) -> None:
    """Its 112 everyday words (which the demo model, with its low logit scale, cannot tell
    apart) would split a defined tag's share below what a tag needs: it competes with the
    plain "a photo." and the user's other tags, and must be among the labels nearest a photo."""
    scenes = scene_folder(tmp_path / "photos", seed=0, red_circles=8, others=40)
    library = open_library()
    library.index([tmp_path / "photos"])
    library.define_tag("red circle", "a red circle")
    library.update_tags()
    circles = library.tagged("red circle")
    right = sum(scenes[library.photo(p).path].has("red", "circle") for p in circles)
    assert len(circles) >= 3 and right / len(circles) >= 0.75


@pytest.mark.parametrize("stop", ["forget_tag", "delete_tag"])
def test_a_tag_defined_again_after_it_was_stopped_goes_to_the_same_photos(
    open_library, tmp_path: Path, stop: str
) -> None:
    """Its photos were left without it: the library held that it had tagged with this very vocabulary."""
    scene_folder(tmp_path / "photos", seed=0, red_circles=8, others=40)
    library = open_library()
    library.set_vocabulary(shapes_vocabulary(tmp_path / "shapes.txt", without=("heart",)))
    library.index([tmp_path / "photos"])
    library.define_tag("heart", "a heart")
    library.update_tags()
    hearts = library.tagged("heart")
    assert hearts

    getattr(library, stop)("heart")
    library.define_tag("heart", "a heart")
    library.update_tags()

    assert library.tagged("heart") == hearts


def test_a_tag_the_user_gave_can_be_renamed_or_deleted_and_the_vocabularys_cannot(tagged_library) -> None:
    library, scenes = tagged_library
    ids = [library.photo_at(path).id for path in list(scenes)[:3]]
    library.add_tag(ids, "Holidya")
    assert library.rename_tag("holidya", "Holiday") == ("holiday", 3)
    assert sorted(library.tagged("holiday")) == sorted(ids) and "holidya" not in dict(library.tags())
    vocabulary_tag = next(name for name, _ in library.tags() if name != "holiday")
    with pytest.raises(QueryError, match=f"^{vocabulary_tag} is a tag the vocabulary gives, not one you gave or "
                                         "defined; the vocabulary's tags change with it"):
        library.rename_tag(vocabulary_tag, "other")
    with pytest.raises(QueryError, match=r'^this library has no tag "Grandma Rose"; `photoclip tags` lists the tags$'):
        library.rename_tag("Grandma Rose", "Nana")
    assert library.shown_tag("holiday") == "Holiday" and library.tag_spellings() == {"holiday": "Holiday"}
    assert library.rename_tag("holiday", " HOLIDAY ") == ("holiday", 3) and library.shown_tag("Holiday") == "HOLIDAY"
    with pytest.raises(QueryError, match="called HOLIDAY already"):
        library.rename_tag("holiday", "HOLIDAY")
    assert library.delete_tag("holiday") == 3
    assert "holiday" not in dict(library.tags()) and library.tag_spellings() == {}
    library.add_tag(ids[:1], "holiday")
    assert library.shown_tag("holiday") == "holiday"  # a tag made anew is spelt anew
    with pytest.raises(QueryError, match="is a tag the vocabulary gives, not one you gave or defined"):
        library.delete_tag(vocabulary_tag)
    assert dict(library.tags())[vocabulary_tag] > 0


def test_search_within_a_tag_ranks_only_its_photos(tagged_library) -> None:
    library, _ = tagged_library
    stars = set(library.tagged("star"))
    hits = library.search("a red circle", limit=100, tag="Star")
    assert {h.photo_id for h in hits} == stars
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    everywhere = {h.photo_id: h.score for h in library.search("a red circle", limit=100)}
    assert all(abs(everywhere[h.photo_id] - h.score) < 1e-3 for h in hits if h.photo_id in everywhere)
    assert library.search("a red circle", tag="no such tag") == []


def test_an_album_is_tagged_with_what_most_of_its_photos_share(open_library, photo_folder: Path) -> None:
    library = open_library()
    library.index([photo_folder])
    top = [library.photo_at(photo_folder.resolve() / f"p{i}.jpg").id for i in range(4)]
    library.add_tag(top[:3], "picnic")
    library.add_tag(top[:1], "dog")
    albums = {a.folder: a for a in library.albums(min_photos=2)}
    assert set(albums) == {photo_folder.resolve(), photo_folder.resolve() / "trip"}
    assert ("picnic", 0.75) in albums[photo_folder.resolve()].tags
    assert "dog" not in dict(albums[photo_folder.resolve()].tags)
    assert library.albums() == [albums[photo_folder.resolve()]]


def test_an_albums_photos_are_those_directly_in_its_folder(open_library, tmp_path: Path) -> None:
    folder = tmp_path / "Pictures"
    for name in ("trip/a.jpg", "trip/b.jpg", "trip/day 2/c.jpg", "trip 2/d.jpg", "trip-x/e.jpg", "f.jpg"):
        write_photo(folder / name, seed=len(name))
    library = open_library()
    library.index([folder])
    names = lambda ids: sorted(p.path.name for p in library.photos(ids).values())  # noqa: E731
    assert names(library.photos_by_date(album=folder.resolve() / "trip")) == ["a.jpg", "b.jpg"]
    assert names(library.photos_by_date(album=folder.resolve() / "trip" / "day 2")) == ["c.jpg"]
    assert names(library.photos_by_date(album=folder.resolve())) == ["f.jpg"]
    assert names(library.photos_by_date(0, 1, album=folder.resolve() / "trip")) in (["a.jpg"], ["b.jpg"])


def test_a_broken_vocabulary_is_refused_and_never_stops_indexing(tagged_library, tmp_path: Path, caplog) -> None:
    library, _ = tagged_library
    caplog.set_level(logging.WARNING, logger="photoclip.library")
    broken = tmp_path / "broken.txt"
    broken.write_text("@prompt a photo\nbeach\n")
    with pytest.raises(QueryError, match="line 1"):
        library.set_vocabulary(broken)
    assert library.settings.vocabulary == str(tmp_path / "shapes.txt")
    before = library.tags()
    (tmp_path / "shapes.txt").write_text("@prompt nothing here\n")
    write_photo(tmp_path / "photos" / "new.jpg", seed=3)
    report = library.index()
    assert report.embedded == 1 and library.tags() == before
    assert any("photos were not tagged" in r.getMessage() for r in caplog.records)


def test_the_vocabulary_is_embedded_once_per_model(tagged_library, monkeypatch, tmp_path: Path) -> None:
    library, _ = tagged_library
    [cached] = (library.directory / "tags").glob("labels-*.npz")
    directory = library.directory
    library.close()
    again = Library.open(directory)
    encoder = again.encoder()
    monkeypatch.setattr(encoder, "encode_texts", lambda texts: pytest.fail("the vocabulary was embedded again"))
    again.catalog.set_meta("tagged_with", "an older model")
    try:
        assert again.update_tags() == 48 and cached.exists()
    finally:
        again.close()


def test_a_read_only_library_shows_tags_but_does_not_change_them(tagged_library) -> None:
    library, _ = tagged_library
    reader = Library.open(library.directory, read_only=True)
    try:
        assert reader.tags() == library.tags()
        with pytest.raises(LibraryError):
            reader.add_tag([PhotoId(1)], "x")
    finally:
        reader.close()


def test_a_deleted_photo_loses_its_tags(tagged_library) -> None:
    library, scenes = tagged_library
    path = next(p for p in scenes if _shapes_of(library, p))
    tag = next(iter(_shapes_of(library, path)))
    before = dict(library.tags())[tag]
    path.unlink()
    library.index()
    assert dict(library.tags()).get(tag, 0) == before - 1


def _date_photos(folder: Path, scenes: dict[Path, object]) -> dict[Path, int]:
    """Give each scene a year: EXIF DateTimeOriginal 2019 or 2021 in turn, and every fifth
    none at all but a file date in 2019. Returns path -> year."""
    import os
    from datetime import datetime

    from PIL import Image

    years = {}
    for number, path in enumerate(sorted(scenes)):
        year = (2019, 2021)[number % 2]
        with Image.open(path) as im:
            im.load()
            exif = Image.Exif()
            if number % 5:
                exif.get_ifd(0x8769)[0x9003] = f"{year}:07:{number % 28 + 1:02d} 10:00:00"
            im.save(path, exif=exif.tobytes(), quality=95)
        if number % 5 == 0:
            year = 2019
            stamp = datetime(2019, 8, 1, 12).timestamp()
            os.utime(path, (stamp, stamp))
        years[path] = year
    return years


def test_date_words_keep_only_the_photos_of_that_period(open_library, tmp_path: Path) -> None:
    scenes = scene_folder(tmp_path / "photos", seed=0, red_circles=8, others=16)
    years = _date_photos(tmp_path / "photos", scenes)
    library = open_library()
    library.index([tmp_path / "photos"])
    in_2019 = {p for p, y in years.items() if y == 2019}
    hits = library.search("a red circle in 2019", limit=100)
    assert {h.path for h in hits} == in_2019
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert scenes[hits[0].path].has("red", "circle")
    assert [h.path for h in library.search("summer 2021", limit=100)] == sorted(
        (p for p, y in years.items() if y == 2021), key=lambda p: library.photo_at(p).taken_at, reverse=True)
    assert library.search("a red circle from 2000 to 2001") == []
    dates = library.search_scoped("a red circle in 2019")[1]
    assert dates.period.words == "in 2019" and not dates.only_scope and library.search_scoped("in 2019")[1].only_scope
    assert library.search_scoped("a red circle")[1] is None


def test_a_month_or_holiday_without_its_year_keeps_to_that_one_in_every_year(open_library, tmp_path: Path) -> None:
    """"flowers in may" found nothing when this May had no photos: it was read as this May alone."""
    taken = {"may_2000": "2000:05:10", "june_2000": "2000:06:10", "may_2026": "2026:05:02", "july_2020": "2020:07:15",
             "june_2020": "2020:06:15", "december_2019": "2019:12:24", "march_2023": "2023:03:03"}
    for seed, (name, day) in enumerate(taken.items()):
        located_photo(tmp_path / "photos" / f"{name}.jpg", seed, None, f"{day} 10:00:00")
    library = open_library()
    library.index([tmp_path / "photos"])

    def found(query: str) -> list[str]:
        return sorted(hit.path.stem for hit in library.search(query, limit=100))

    assert found("flowers in may") == ["may_2000", "may_2026"]
    assert found("in june and december") == ["december_2019", "june_2000", "june_2020"]
    assert found("snow in march") == ["march_2023"]
    assert found("presents at christmas") == ["december_2019"]
    assert found("flowers in may 2026") == ["may_2026"]


def test_tags_follow_the_model_search_uses_through_a_model_change(open_library, tmp_path: Path) -> None:
    scene_folder(tmp_path / "photos", seed=0, red_circles=4, others=8)
    vocabulary = shapes_vocabulary(tmp_path / "shapes.txt")
    library = open_library(tmp_path / "lib")
    library.set_vocabulary(vocabulary)
    library.index([tmp_path / "photos"])
    old = library.model_spec.model_id
    library.add_tag([library.photos_by_date()[0]], "mine")
    library.close()

    weights = str(other_tiny_weights(tmp_path / "other.safetensors"))
    library = open_library(tmp_path / "lib", model_file=weights)
    assert library.update_tags() == 0 and library.catalog.meta("tagged_with").startswith(old + "|")
    library.index()
    assert library.status().searching_with is None
    assert library.catalog.meta("tagged_with").startswith(library.model_spec.model_id + "|")
    assert library.update_tags() == 0 and sum(n for _, n in library.tags()) > 12
    assert library.tagged("mine") == [library.photos_by_date()[0]]


def test_a_photo_without_exif_date_is_dated_by_its_file_name(open_library, tmp_path: Path) -> None:
    from PIL import Image

    named = write_photo(tmp_path / "photos" / "IMG-20190512-WA0003.jpg", seed=1)
    exif_wins = write_photo(tmp_path / "photos" / "IMG_20190512_101010.jpg", seed=2)
    with Image.open(exif_wins) as im:
        im.load()
        exif = Image.Exif()
        exif.get_ifd(0x8769)[0x9003] = "2021:03:04 05:06:07"
        im.save(exif_wins, exif=exif.tobytes())
    library = open_library()
    library.index([tmp_path / "photos"])
    assert library.photo_at(named.resolve()).taken_at == "2019-05-12T00:00:00"
    assert library.photo_at(exif_wins.resolve()).taken_at == "2021-03-04T05:06:07"
    assert [h.path for h in library.search("in 2019")] == [named.resolve()]


def test_a_library_whose_index_cannot_be_saved_still_closes_and_reopens_whole(
    open_library, photo_folder: Path, tmp_path: Path
) -> None:
    library = open_library(tmp_path / "lib")
    library.index([photo_folder])
    write_photo(photo_folder / "new.jpg", seed=9)
    library.scan()
    library.embed(library.pending())  # the index is saved on close
    shutil.rmtree(tmp_path / "lib" / INDEX_DIR)
    (tmp_path / "lib" / INDEX_DIR).write_text("not a folder")
    library.close()
    (tmp_path / "lib" / INDEX_DIR).unlink()
    again = open_library(tmp_path / "lib")
    assert len(again.search("a photo", limit=50)) == 7


@pytest.fixture
def travels(open_library, tmp_path: Path) -> Library:
    """Three photos in Lisbon (2021, 2022, 2023), two near Paris, one in Porto, two without a position."""
    folder = tmp_path / "travels"
    spots = {
        "lisbon-a.jpg": ((38.72, -9.14), "2021:05:01 10:00:00"), "lisbon-b.jpg": ((38.70, -9.20), "2022:05:01 10:00:00"),
        "lisbon-c.jpg": ((38.75, -9.10), "2023:05:01 10:00:00"), "paris-a.jpg": ((48.85, 2.35), "2021:07:01 10:00:00"),
        "versailles.jpg": ((48.80, 2.13), "2021:07:02 10:00:00"), "porto.jpg": ((41.15, -8.61), "2020:01:01 10:00:00"),
        "home-a.jpg": (None, "2021:05:01 11:00:00"), "home-b.jpg": (None, "2022:01:01 10:00:00"),
    }
    for seed, (name, (position, taken)) in enumerate(spots.items()):
        located_photo(folder / name, seed, position, taken)
    library = open_library()
    library.index([folder])
    return library


def test_a_place_in_the_query_keeps_to_the_photos_taken_there(travels: Library) -> None:
    assert paths(travels.search("in lisbon", limit=10)) == ["lisbon-c.jpg", "lisbon-b.jpg", "lisbon-a.jpg"]
    assert sorted(paths(travels.search("a photo in portugal", limit=10))) == [
        "lisbon-a.jpg", "lisbon-b.jpg", "lisbon-c.jpg", "porto.jpg"]
    assert sorted(paths(travels.search("a photo near paris", limit=10))) == ["paris-a.jpg", "versailles.jpg"]
    assert paths(travels.search("in lisbon in 2022", limit=10)) == ["lisbon-b.jpg"]
    scope = travels.search_scoped("a photo in portugal")[1]
    assert (scope.place.label, scope.place.words, scope.period, scope.only_scope) == (
        "Portugal", "in portugal", None, False)
    assert travels.search_scoped("in lisbon")[1].only_scope


def test_a_query_that_is_only_a_places_name_lists_the_photos_taken_there_first(travels: Library) -> None:
    """"paris" was left to the model, which may know the Eiffel Tower but not where a photo was taken."""
    hits, scope = travels.search_scoped("Lisbon", limit=10)
    assert sorted(paths(hits[:3])) == ["lisbon-a.jpg", "lisbon-b.jpg", "lisbon-c.jpg"] and len(hits) == 8
    assert {h.first_because for h in hits[:3]} == {"place"} and {h.first_because for h in hits[3:]} == {None}
    assert scope.place_first.label.startswith("Lisbon") and scope.place is None and not scope.only_scope
    assert sorted(paths(travels.search("paris", limit=2))) == ["paris-a.jpg", "versailles.jpg"]
    hits, scope = travels.search_scoped("portugal 2022", limit=10)
    assert paths(hits) == ["lisbon-b.jpg", "home-b.jpg"] and scope.place_first.label == "Portugal"
    for query in ("tokyo", "lisbon tram", "a photo", "in lisbon"):
        assert (scope := travels.search_scoped(query, limit=3)[1]) is None or scope.place_first is None, query


def test_files_of_one_picture_are_one_search_result_unless_every_copy_is_asked_for(
    open_library, photo_folder: Path
) -> None:
    """A backup folder inside the library showed each photo twice in a row."""
    backup = photo_folder / "Backup" / "p0.jpg"
    backup.parent.mkdir()
    shutil.copy2(photo_folder / "p0.jpg", backup)
    library = open_library()
    library.index([photo_folder])

    hits = library.search("a photo", limit=6)

    assert len(hits) == 6 and backup not in [h.path for h in hits]  # six pictures: the limit is filled
    assert next(h for h in hits if h.path == photo_folder / "p0.jpg").copies == (backup,)
    every = library.search_scoped("a photo", limit=10, all_copies=True)[0]
    assert len(every) == 7 and backup in [h.path for h in every] and all(not h.copies for h in every)
    assert [h.path for h in library.search("p0", limit=5)][:1] == [photo_folder / "p0.jpg"]  # the camera's file
    for limit in range(1, 7):  # whichever of the two the index meets first (one vector), the same is listed
        assert backup not in [h.path for h in library.search("a photo", limit=limit)]
    in_backup = library.search("a photo", limit=5, folder=backup.parent)
    assert [(h.path, h.copies) for h in in_backup] == [(backup, (photo_folder / "p0.jpg",))]


def test_of_files_of_the_same_bytes_a_search_lists_one_it_can_reach(open_library, tmp_path: Path) -> None:
    """The original on a drive since unplugged was listed, which cannot be opened, and not its
    copy on this computer; the copy was only among its `copies`."""
    drive, pictures = tmp_path / "Ext", tmp_path / "Pictures"
    original = write_photo(drive / "EXT_12000.jpg", seed=3)
    os.utime(original, (1_600_000_000, 1_600_000_000))  # the oldest: the file duplicates would keep
    copy = pictures / "FromExt" / "EXT_12000.jpg"
    copy.parent.mkdir(parents=True)
    shutil.copy(original, copy)
    write_photo(pictures / "other.jpg", seed=4)
    library = open_library()
    library.index([drive, pictures])
    assert [(h.path, h.copies) for h in library.search("a photo", limit=5) if h.copies] == [(original, (copy,))]

    drive.rename(tmp_path / "Ext unplugged")

    assert [(h.path, h.copies) for h in library.search("a photo", limit=5) if h.copies] == [(copy, (original,))]


def test_a_search_by_date_or_album_lists_the_copy_it_found_so_not_its_stand_in(open_library, tmp_path: Path) -> None:
    """"2019" listed the camera's undated file, found as its byte copy in "Lisbon 2019", whose preview
    said "Taken: unknown"; "lisbon" put it first, from Camera, under "In Lisbon 2019 first"."""
    camera = write_photo(tmp_path / "Pictures" / "Camera" / "IMG_0011.jpg", seed=11)
    os.utime(camera, (1_600_000_000, 1_600_000_000))  # the oldest: the file duplicates would keep
    album = tmp_path / "Pictures" / "Trips" / "Lisbon 2019"
    album.mkdir(parents=True)
    shutil.copy(camera, album / "tram.jpg")
    for seed in (1, 2):
        write_photo(album / f"IMG_{seed}.jpg", seed=seed)
        write_photo(tmp_path / "Pictures" / "Camera" / f"IMG_000{seed}.jpg", seed=20 + seed)
    library = open_library()
    library.index([tmp_path / "Pictures"])

    dated = [h.path for h in library.search("2019", limit=10)]
    in_album = [h.path for h in library.search("lisbon", limit=10)]

    assert album / "tram.jpg" in dated and camera not in dated
    assert album / "tram.jpg" in in_album[:3] and camera not in in_album
    assert [h.path for h in library.search("a photo", limit=10) if h.copies] == [camera]  # by its look: the original


def test_photos_like_one_list_files_of_the_same_bytes_once_and_never_the_ones_asked_about(
    open_library, photo_folder: Path
) -> None:
    """p0's backup came first at 1.000, its copies naming p0 itself: the photo asked about, not one like it."""
    for copy in (photo_folder / "Backup" / "p1.jpg", photo_folder / "Backup" / "p0.jpg"):
        copy.parent.mkdir(exist_ok=True)
        shutil.copy2(photo_folder / copy.name, copy)
    library = open_library()
    library.index([photo_folder])
    p0, backup = photo_folder / "p0.jpg", photo_folder / "Backup" / "p0.jpg"
    for asked in (p0, backup):
        like = library.similar(asked, limit=20)
        shown = [h.path for h in like]
        assert len(shown) == len(set(shown)) == 5 and not {p0, backup} & set(shown)
        assert not any(p0 in h.copies or backup in h.copies for h in like)
        p1 = next(h for h in like if h.path == photo_folder / "p1.jpg")
        assert p1.copies == (photo_folder / "Backup" / "p1.jpg",)
    every = [h.path for h in library.similar(p0, limit=20, all_copies=True)]
    assert len(every) == 6 and photo_folder / "Backup" / "p1.jpg" in every and backup not in every
    assert len(library.similar(p0, limit=3)) == len(library.similar(p0, limit=3, all_copies=True)) == 3
    together = [h.path for h in library.similar([p0, photo_folder / "p2.jpg"], limit=20)]
    assert len(together) == 4 and not {p0, backup, photo_folder / "p2.jpg"} & set(together)


def test_a_copy_searched_for_by_its_own_name_is_the_one_listed(open_library, photo_folder: Path) -> None:
    renamed = photo_folder / "sent" / "other_name.jpg"
    renamed.parent.mkdir()
    shutil.copy2(photo_folder / "p1.jpg", renamed)
    library = open_library()
    library.index([photo_folder])
    hit = library.search("other_name", limit=20)[0]
    assert (hit.path, hit.copies, hit.first_because) == (renamed, (photo_folder / "p1.jpg",), "name")


def test_a_place_named_but_not_another_keeps_to_the_first_without_the_second(travels: Library) -> None:
    assert sorted(paths(travels.search("in portugal but not lisbon", limit=10))) == ["porto.jpg"]
    assert sorted(paths(travels.search("a photo in portugal, except in porto", limit=10))) == [
        "lisbon-a.jpg", "lisbon-b.jpg", "lisbon-c.jpg"]
    place = travels.search_scoped("in portugal but not lisbon")[1].place
    assert (place.label, [part.label for part in place.but]) == ("Portugal", ["Lisbon, Portugal"])


def test_a_search_near_a_town_sees_photos_taken_there_since_the_last_one(travels: Library, tmp_path: Path) -> None:
    """The positions are read once per change of the catalog: a photo indexed or deleted since counts."""
    assert paths(travels.search("near versailles", limit=10)) == ["versailles.jpg"]  # its photos are named Paris
    located_photo(tmp_path / "travels" / "palace.jpg", 20, (48.805, 2.12), "2024:03:01 10:00:00")
    (tmp_path / "travels" / "versailles.jpg").unlink()
    travels.index()
    assert paths(travels.search("near versailles", limit=10)) == ["palace.jpg"]


def test_a_place_left_out_as_a_term_after_one_kept_to_is_left_out_of_it(travels: Library) -> None:
    """"in portugal - in lisbon" kept to Portugal and searched the words "in lisbon" away from it."""
    assert sorted(paths(travels.search("a photo in portugal - in lisbon", limit=10))) == ["porto.jpg"]
    place = travels.search_scoped("in portugal - in lisbon")[1].place
    assert (place.label, [part.label for part in place.but]) == ("Portugal", ["Lisbon, Portugal"])


def test_a_place_left_out_with_its_minus_against_it_is_left_out_too(travels: Library) -> None:
    """"in portugal -in lisbon" subtracted the word "in" and kept to no place: all eight photos came back;
    "in 2021 -in lisbon" kept Lisbon's photos of 2021."""
    for query in ("in portugal -in lisbon", "a photo in portugal -in lisbon"):
        hits, scope = travels.search_scoped(query, limit=10)
        assert paths(hits) == ["porto.jpg"] and scope.place.words == "in portugal -in lisbon"
    hits, scope = travels.search_scoped("in 2021 -in lisbon", limit=10)
    assert sorted(paths(hits)) == ["home-a.jpg", "paris-a.jpg", "versailles.jpg"] and scope.place.left_out
    hits, scope = travels.search_scoped("a photo -in lisbon -in porto", limit=10)  # Porto's photo stayed
    assert not {"lisbon-a.jpg", "lisbon-b.jpg", "lisbon-c.jpg", "porto.jpg"} & set(paths(hits)) and len(hits) == 4


def test_photos_the_user_tagged_with_a_places_name_are_taken_there_too(travels: Library, tmp_path: Path) -> None:
    """A keyword "Lisbon" from Lightroom, on a photo without a GPS position."""
    home = travels.photo_at(tmp_path / "travels" / "home-a.jpg").id
    travels.add_tag([home], "Lisbon")
    assert sorted(paths(travels.search("a photo in lisbon", limit=10))) == [
        "home-a.jpg", "lisbon-a.jpg", "lisbon-b.jpg", "lisbon-c.jpg"]
    assert sorted(paths(travels.search("in lisbon", limit=10))) == [
        "home-a.jpg", "lisbon-a.jpg", "lisbon-b.jpg", "lisbon-c.jpg"]
    assert "home-a.jpg" not in paths(travels.search("a photo near paris", limit=10))


def test_photos_the_model_tagged_with_a_place_name_the_user_defined_are_not_taken_there(
    travels: Library, tmp_path: Path
) -> None:
    """A tag "Lisbon" the user defined, which the model then gives by looks: no evidence of where."""
    home = travels.photo_at(tmp_path / "travels" / "home-a.jpg").id
    travels.add_tag([home], "Lisbon")
    travels.define_tag("Lisbon")
    guessed = [travels.photo_at(tmp_path / "travels" / name).id for name in ("home-b.jpg", "porto.jpg")]
    travels.catalog.replace_auto_tags(guessed, [(pid, "lisbon", 0.6) for pid in guessed])
    assert set(guessed) <= set(travels.tagged("Lisbon"))
    assert sorted(paths(travels.search("in lisbon", limit=10))) == [
        "home-a.jpg", "lisbon-a.jpg", "lisbon-b.jpg", "lisbon-c.jpg"]


def test_a_small_town_the_photos_were_taken_in_is_a_place_too(open_library, tmp_path: Path) -> None:
    folder = tmp_path / "alps"
    zermatt = located_photo(folder / "matterhorn.jpg", 1, (46.0207, 7.7491), "2024:08:01 10:00:00")
    located_photo(folder / "geneva.jpg", 2, (46.2022, 6.1457), "2024:08:05 10:00:00")
    located_photo(folder / "chamonix.jpg", 3, (45.9237, 6.8694), "2024:08:03 10:00:00")
    library = open_library()
    library.index([folder])
    hits = library.search("a photo in zermatt", limit=10)  # 5,800 people: too small to look up in any query
    assert [h.path for h in hits] == [zermatt.resolve()]
    scope = library.search_scoped("a photo in Zermatt")[1]
    assert (scope.place.kind, scope.place.label, scope.place.words) == ("named", "Zermatt, Switzerland", "in Zermatt")
    assert paths(library.search("in chamonix-mont-blanc", limit=10)) == ["chamonix.jpg"]
    assert len(library.search("a photo in saas-fee", limit=10)) == 3  # no photo named by it: words for the model


def test_a_date_or_place_with_only_words_left_out_keeps_to_it_ranked_by_them(travels: Library) -> None:
    hits, scope = travels.search_scoped("in lisbon -people", limit=10)
    assert sorted(paths(hits)) == ["lisbon-a.jpg", "lisbon-b.jpg", "lisbon-c.jpg"]
    assert (scope.place.label, scope.only_scope) == ("Lisbon, Portugal", False)
    hits, scope = travels.search_scoped("in 2022 - people", limit=10)
    assert sorted(paths(hits)) == ["home-b.jpg", "lisbon-b.jpg"] and scope.period is not None
    hits, scope = travels.search_scoped("a photo -2021", limit=10)  # a year left out: its photos, not only them
    assert sorted(paths(hits)) == ["home-b.jpg", "lisbon-b.jpg", "lisbon-c.jpg", "porto.jpg"]
    assert scope.period.said == "other than 2021" and not scope.only_scope


def test_a_tag_is_evidence_of_a_place_only_for_photos_without_a_position(travels: Library, tmp_path: Path) -> None:
    """A tag "Lisbon" on a photo whose GPS says Paris names a person or a theme, not where it was taken."""
    tagged = [travels.photo_at(tmp_path / "travels" / name).id for name in ("home-a.jpg", "paris-a.jpg")]
    travels.add_tag(tagged, "Lisbon")
    assert sorted(paths(travels.search("in lisbon", limit=10))) == [
        "home-a.jpg", "lisbon-a.jpg", "lisbon-b.jpg", "lisbon-c.jpg"]


@pytest.fixture
def namesakes(open_library, tmp_path: Path) -> Library:
    """Photos in places that share their names with others, and in towns known by words."""
    folder = tmp_path / "namesakes"
    spots = {"victoria-bc.jpg": (48.4284, -123.3656), "tbilisi.jpg": (41.7151, 44.8271),
             "atlanta.jpg": (33.749, -84.388), "orange.jpg": (44.1381, 4.8075), "reading.jpg": (51.4543, -0.9781),
             "bath.jpg": (51.3811, -2.359), "florence-al.jpg": (34.7998, -87.6773),
             "florence-it.jpg": (43.7696, 11.2558), "st-helier.jpg": (49.1858, -2.11)}
    for seed, (name, position) in enumerate(spots.items()):
        located_photo(folder / name, seed, position, "2024:05:01 10:00:00")
    library = open_library()
    library.index([folder])
    return library


def test_of_the_places_of_a_name_those_the_photos_were_taken_in_are_meant(namesakes: Library) -> None:
    hits, scope = namesakes.search_scoped("beach in victoria", limit=10)  # not Victoria, Hong Kong: the biggest
    assert paths(hits) == ["victoria-bc.jpg"] and scope.place.label == "Victoria, Canada"
    hits, scope = namesakes.search_scoped("in georgia", limit=10)
    assert sorted(paths(hits)) == ["atlanta.jpg", "tbilisi.jpg"]
    assert scope.place.label == "Georgia or Georgia, United States"
    assert namesakes.search_scoped("girl in orange and white")[1] is None  # a colour, though a town of the library


def test_a_country_or_region_after_a_name_keeps_to_the_photos_of_its_namesake_there(namesakes: Library) -> None:
    hits, scope = namesakes.search_scoped("in florence", limit=10)
    assert sorted(paths(hits)) == ["florence-al.jpg", "florence-it.jpg"]
    for query, photo in [("in florence, alabama", "florence-al.jpg"), ("in florence italy", "florence-it.jpg"),
                         ("in atlanta georgia", "atlanta.jpg"), ("in georgia usa", "atlanta.jpg"),
                         ("in victoria bc", "victoria-bc.jpg"), ("in reading, uk", "reading.jpg"),
                         ("in st. helier", "st-helier.jpg")]:  # not St. Helier, a hamlet in England
        hits, scope = namesakes.search_scoped(query, limit=10)
        assert (paths(hits), scope.place.words) == ([photo], query)


def test_places_joined_by_and_or_or_are_each_of_them(namesakes: Library) -> None:
    hits, scope = namesakes.search_scoped("in Reading or Bath", limit=10)
    assert sorted(paths(hits)) == ["bath.jpg", "reading.jpg"]
    assert scope.place.label == "Reading, United Kingdom or Bath, United Kingdom"
    hits, scope = namesakes.search_scoped("in florence, italy and atlanta", limit=10)
    assert sorted(paths(hits)) == ["atlanta.jpg", "florence-it.jpg"]
    hits, scope = namesakes.search_scoped("in atlanta and tokyo", limit=10)  # no photo taken in Tokyo: words
    assert (paths(hits), scope.place.label) == (["atlanta.jpg"], "Atlanta, United States")


def test_a_town_known_by_a_word_is_a_place_written_with_a_capital(namesakes: Library) -> None:
    assert paths(namesakes.search("in Reading", limit=10)) == ["reading.jpg"]
    assert paths(namesakes.search("church in Bath", limit=10)) == ["bath.jpg"]  # named Bristol, the bigger town
    assert namesakes.search_scoped("baby in bath")[1] is None  # though the library has photos of Bath
    assert namesakes.search_scoped("in the Bath")[1] is None
    assert namesakes.search_scoped("in Split")[1] is None  # no photo of the library was taken in Split


def test_a_place_named_with_its_country_where_no_photo_was_taken_is_no_namesake_elsewhere(
    namesakes: Library
) -> None:
    for query in ("in florence, arizona", "in reading, pennsylvania", "in victoria, hong kong"):
        assert namesakes.search_scoped(query)[1] is None, query
    hits, scope = namesakes.search_scoped("beach in spain or italy", limit=10)  # no photo was taken in Spain
    assert (paths(hits), scope.place.label) == (["florence-it.jpg"], "Italy")


def test_a_town_finds_its_photos_named_after_a_bigger_one_never_across_a_border(
    open_library, tmp_path: Path
) -> None:
    unterfoehring = located_photo(tmp_path / "p" / "unterfoehring.jpg", 1, (48.1925, 11.6429), "2024:05:01 10:00:00")
    peak = located_photo(tmp_path / "p" / "peak.jpg", 2, (22.2759, 114.1455), "2024:05:01 10:00:00")
    library = open_library()
    library.index([tmp_path / "p"])
    assert library.place_of(library.photo_at(unterfoehring)) == "Munich, Germany"
    assert paths(library.search("in unterföhring", limit=10)) == ["unterfoehring.jpg"]  # 10,500 people
    assert library.place_of(library.photo_at(peak)) == "Hong Kong, Hong Kong"  # not Shenzhen, China, in its reach
    assert paths(library.search("in hong kong", limit=10)) == ["peak.jpg"]
    library.catalog._conn.execute("UPDATE photos SET town = 'Shenzhen'")  # as indexed before: no index again needed
    assert library.search_scoped("in shenzhen")[1] is None


def test_a_place_where_no_photo_was_taken_is_searched_as_words(travels: Library) -> None:
    assert len(travels.search("a photo in tokyo", limit=10)) == 8
    assert travels.search_scoped("a photo in tokyo")[1] is None


def test_a_photo_keeps_its_position_and_is_named_by_its_town(travels: Library, tmp_path: Path) -> None:
    lisbon = travels.photo_at(tmp_path / "travels" / "lisbon-a.jpg")
    assert (lisbon.lat, lisbon.lon) == (38.72, -9.14)
    assert travels.place_of(lisbon) == "Lisbon, Portugal"
    assert travels.place_of(travels.photo_at(tmp_path / "travels" / "home-a.jpg")) is None


def test_a_library_without_positions_never_reads_the_gazetteer(open_library, photo_folder: Path, monkeypatch) -> None:
    from photoclip import places

    def unavailable() -> None:
        raise AssertionError("the gazetteer was read")

    monkeypatch.setattr(places, "gazetteer", unavailable)
    library = open_library()
    library.index([photo_folder])
    assert len(library.search("a photo in lisbon", limit=10)) == 6 and library.search_scoped("in lisbon")[1] is None
    assert library.countries() == []


def test_search_within_a_folder_ranks_only_the_photos_in_it(open_library, tmp_path: Path) -> None:
    photos = tmp_path / "photos"
    lake = scene_folder(photos / "2023" / "lake", seed=1, red_circles=4, others=6)
    scene_folder(photos / "2023" / "lake" / "boat", seed=2, red_circles=3, others=3)
    scene_folder(photos / "2024", seed=3, red_circles=6, others=6)
    library = open_library()
    library.index([photos])

    album = library.search("a red circle", limit=100, folder=photos / "2023" / "lake", subfolders=False)
    below = library.search("a red circle", limit=100, folder=photos / "2023")

    assert {h.path for h in album} == set(lake)
    assert {h.path.parent for h in below} == {photos / "2023" / "lake", photos / "2023" / "lake" / "boat"}
    assert len(below) == 16
    everywhere = {h.photo_id: h.score for h in library.search("a red circle", limit=100)}
    assert [h.photo_id for h in album] == sorted((h.photo_id for h in album), key=lambda pid: -everywhere[pid])
    assert all(lake[h.path].has("red", "circle") for h in album[:4])


def test_search_within_a_folder_keeps_to_the_dates_in_the_query_too(open_library, tmp_path: Path) -> None:
    photos = tmp_path / "photos"
    for folder, day in (("a", "2019:07:01 12:00:00"), ("b", "2019:07:02 12:00:00")):
        for i in range(3):
            located_photo(photos / folder / f"{folder}{i}.jpg", seed=i, position=None, taken=day)
    located_photo(photos / "a" / "later.jpg", seed=9, position=None, taken="2021:01:01 12:00:00")
    library = open_library()
    library.index([photos])

    hits, scope = library.search_scoped("2019", limit=50, folder=str(photos / "a"))

    assert sorted(h.path.name for h in hits) == ["a0.jpg", "a1.jpg", "a2.jpg"] and scope.only_scope


def test_search_within_a_folder_outside_the_library_says_so(open_library, photo_folder: Path, tmp_path: Path) -> None:
    library = open_library()
    library.index([photo_folder])
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()

    with pytest.raises(QueryError, match="is not a folder of the library; add it with `photoclip index"):
        library.search("a photo", folder=elsewhere)
    assert library.search("a photo", folder=photo_folder / "no such album") == []
    assert len(library.search("a photo", limit=50, folder=tmp_path)) == 6  # above the root: all of it


def test_a_search_kept_to_a_large_part_of_the_library_goes_through_the_index(
    open_library, tmp_path: Path, monkeypatch
) -> None:
    photos = tmp_path / "photos"
    scene_folder(photos / "2023", seed=1, red_circles=5, others=10)
    scene_folder(photos / "2024", seed=2, red_circles=5, others=10)
    library = open_library()
    library.index([photos])
    exact = library.search("a red circle", limit=8, folder=photos / "2023")
    monkeypatch.setattr("photoclip.library.FILTERED_INDEX_FROM", 10)
    monkeypatch.setattr(Library, "_nearest_among", lambda *a: pytest.fail("scored exactly, not through the index"))

    through_index = library.search("a red circle", limit=8, folder=photos / "2023")
    all_of_it = library.search("a red circle", limit=100, folder=photos / "2023")

    assert [h.photo_id for h in through_index] == [h.photo_id for h in exact]
    assert [h.score for h in through_index] == pytest.approx([h.score for h in exact], abs=1e-3)
    assert len(all_of_it) == 15 and {h.path.parent for h in all_of_it} == {photos / "2023"}


def test_photos_from_google_takeout_get_the_date_and_place_of_their_json(open_library, tmp_path: Path) -> None:
    folder = tmp_path / "Takeout" / "Google Photos" / "Photos from 2015"
    bare = write_photo(folder / "Scan 12.jpg", seed=1)
    dated = located_photo(folder / "DSC_0042.JPG", seed=2, position=None, taken="2016:05:01 10:00:00")
    lisbon, july_2015 = (38.7223, -9.1393), int(datetime(2015, 7, 4, 18, 30).timestamp())
    for photo, sidecar in ((bare, "Scan 12.jpg.supplemental-metadata.json"), (dated, "DSC_0042.JPG.json")):
        (folder / sidecar).write_text(json.dumps({
            "title": photo.name, "photoTakenTime": {"timestamp": str(july_2015)},
            "geoData": {"latitude": lisbon[0], "longitude": lisbon[1], "altitude": 0.0},
        }), encoding="utf-8")
    os.utime(bare, (0, datetime(2024, 3, 1).timestamp()))  # unpacked from the archive in 2024
    library = open_library()
    library.index([tmp_path / "Takeout"])

    from_json, from_exif = library.photo_at(bare), library.photo_at(dated)

    assert from_json.taken_at == "2015-07-04T18:30:00" and (from_json.lat, from_json.lon) == lisbon
    assert from_exif.taken_at == "2016-05-01T10:00:00" and (from_exif.lat, from_exif.lon) == lisbon
    assert sorted(h.path.name for h in library.search("in lisbon", limit=10)) == ["DSC_0042.JPG", bare.name]
    assert [h.path for h in library.search("july 2015", limit=10)] == [bare]
    assert library.status().counts.total == 2  # the JSON files are not photos


def test_a_takeout_json_that_arrives_after_its_photo_is_read_without_embedding_again(
    open_library, tmp_path: Path, spy_on
) -> None:
    folder = tmp_path / "Takeout" / "Photos from 2015"
    photo, other = write_photo(folder / "Scan 12.jpg", seed=1), write_photo(folder / "Scan 13.jpg", seed=2)
    library = open_library()
    library.index([folder])
    assert library.photo_at(photo).taken_at == "2015-01-01T00:00:00"  # the year its folder names
    july_2015 = int(datetime(2015, 7, 4, 18, 30).timestamp())
    sidecar = folder / "Scan 12.jpg.supplemental-metadata.json"
    sidecar.write_text(json.dumps({"photoTakenTime": {"timestamp": str(july_2015)},
                                   "description": "Grandma at the lake"}), encoding="utf-8")
    spy = spy_on(library)

    changes = library.read_takeout_json([sidecar, folder / "unrelated.json"])
    assert changes.changed == (library.photo_at(photo).id,)
    library.index([folder])
    assert library.photo_at(photo).taken_at == "2015-07-04T18:30:00" and library.caption(changes.changed[0])
    assert library.photo_at(other).taken_at == "2015-01-01T00:00:00"
    assert spy.images == 0  # its pixels did not change: its vector stays


def test_a_takeout_json_unpacked_from_a_later_archive_is_read_at_the_next_index(
    open_library, tmp_path: Path, spy_on
) -> None:
    folder = tmp_path / "Takeout" / "Photos from 2015"
    photo = write_photo(folder / "Scan 12.jpg", seed=1)
    library = open_library()
    library.index([folder])
    sidecar = folder / "Scan 12.jpg.json"
    sidecar.write_text(json.dumps({"photoTakenTime": {"timestamp": str(int(datetime(2015, 7, 4, 18).timestamp()))}}),
                       encoding="utf-8")
    in_the_archive = datetime(2019, 1, 1).timestamp()
    os.utime(sidecar, (in_the_archive, in_the_archive))  # unzip keeps the archive's dates
    spy = spy_on(library)

    library.index()

    assert library.photo_at(photo).taken_at == "2015-07-04T18:00:00"
    assert spy.images == 0
    library.index()
    assert library.scan().described == ()  # read once


def test_an_image_on_the_web_is_a_query_too(open_library, photo_folder: Path, web_folder, monkeypatch) -> None:
    library = open_library()
    library.index([photo_folder])
    served, base = web_folder
    shutil.copy(photo_folder / "trip" / "p4.png", served / "look-alike")  # no suffix: known by its content
    (served / "page.html").write_text("<html>not an image</html>", encoding="utf-8")

    assert library.similar(f"{base}/look-alike", limit=1)[0].path == photo_folder / "trip" / "p4.png"
    assert library.search(f"2:{base}/look-alike + a photo", limit=1)[0].path == photo_folder / "trip" / "p4.png"
    with pytest.raises(QueryError, match=r"cannot fetch the image at .*/missing.jpg: the server answered HTTP 404"):
        library.similar(f"{base}/missing.jpg")
    with pytest.raises(QueryError, match=r"cannot search with .*/page.html: not an image"):
        library.search(f"{base}/page.html")
    broken = photo_folder.parent / "broken.jpg"
    broken.write_bytes(b"\xff\xd8\xff not really")
    with pytest.raises(QueryError, match=r"cannot search with .*broken.jpg: "):
        library.search(f"{broken} + a photo")
    monkeypatch.setattr("photoclip.library.MAX_WEB_IMAGE_BYTES", 50)
    with pytest.raises(QueryError, match="larger than"):
        library.similar(f"{base}/look-alike")
    monkeypatch.setenv("PHOTOCLIP_OFFLINE", "1")
    with pytest.raises(QueryError, match="offline mode is on"):
        library.similar(f"{base}/look-alike")


def test_a_search_that_looks_like_a_file_name_lists_the_photos_named_so_first(open_library, tmp_path: Path) -> None:
    photos = tmp_path / "photos"
    names = ["IMG_0042.JPG", "IMG_00421.jpg", "trip/img_0042.png", "DSC_0042.jpg", "a.jpg", "Screenshot at 10.10.png"]
    for i, name in enumerate(names):
        write_photo(photos / name, seed=i)
    write_photo(photos / "2019_party.jpg", seed=9)
    library = open_library()
    library.index([photos])

    hits, scope = library.search_scoped("IMG_0042", limit=5)
    in_trip = library.search("img_0042", limit=5, folder=photos / "trip")

    assert {h.path.name for h in hits[:2]} == {"IMG_0042.JPG", "img_0042.png"} and hits[2].path.name == "IMG_00421.jpg"
    assert len(hits) == 5 and scope.file_name == "IMG_0042" and not scope.only_scope
    assert [h.path.name for h in in_trip] == ["img_0042.png"]
    assert library.search_scoped("a red circle", limit=3)[1] is None
    _, dated = library.search_scoped("2019", limit=10)
    assert dated is not None and dated.file_name is None  # a year is a date, not a name
    named_hits, named = library.search_scoped("a.JPG", limit=3)
    assert named_hits[0].path.name == "a.jpg" and named.file_name == "a.JPG"  # no digit, but an image's suffix
    spaced_hits, spaced = library.search_scoped("screenshot at 10.10.png", limit=3)
    assert spaced_hits[0].path.name == "Screenshot at 10.10.png" and spaced.file_name == "screenshot at 10.10.png"


def test_captions_people_wrote_find_their_photos_first(open_library, tmp_path: Path) -> None:
    photos = tmp_path / "photos"
    scenes = scene_folder(photos, seed=4, red_circles=4, others=8)
    plain = sorted(path for path, scene in scenes.items() if not scene.has("red", "circle"))
    with Image.open(plain[0]) as im:
        exif = Image.Exif()
        exif[0x010E] = "Grandma's 80th birthday"
        im.save(plain[0], "JPEG", exif=exif)
    (plain[1].parent / (plain[1].name + ".xmp")).write_bytes(
        b'<x:xmpmeta xmlns:x="adobe:ns:meta/" x:xmptk="digiKam"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-'
        b'syntax-ns#"><rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title><rdf:Alt>'
        b'<rdf:li xml:lang="x-default">Birthday cake</rdf:li></rdf:Alt></dc:title></rdf:Description>'
        b"</rdf:RDF></x:xmpmeta>")
    (plain[2].parent / (plain[2].name + ".json")).write_text(json.dumps(
        {"title": plain[2].name, "description": "Grandma at the lake", "photoTakenTime": {"timestamp": "0"}}))
    library = open_library()
    library.index([photos])
    ids = [library.photo_at(path).id for path in plain[:3]]

    hits, scope = library.search_scoped("grandma with a red circle", limit=5)
    assert {h.photo_id for h in hits[:2]} == {ids[0], ids[2]} and scope.caption_words == ("grandma",)
    assert [h.photo_id for h in library.search("Grandma's birthday", limit=1)] == [ids[0]]
    assert [h.photo_id for h in library.search("birthday cake", limit=1)] == [ids[1]]
    assert library.caption(ids[0]) == "Grandma's 80th birthday" and library.caption(ids[1]) == "Birthday cake"
    assert library.caption(library.photo_at(plain[3]).id) is None
    assert library.search_scoped("a red circle", limit=3)[1] is None


def test_a_comment_written_into_the_file_is_a_caption_and_a_programs_signature_is_not(
    open_library, tmp_path: Path
) -> None:
    photos = tmp_path / "photos"
    scenes = scene_folder(photos, seed=5, red_circles=2, others=4)
    plain = sorted(path for path, scene in scenes.items() if not scene.has("red", "circle"))
    with Image.open(plain[0]) as im:
        im.save(plain[0], "JPEG", comment=b"Grandma's 80th birthday")
    with Image.open(plain[1]) as im:
        im.save(plain[1], "JPEG", comment=b"CREATOR: gd-jpeg v1.0 (using IJG JPEG v62), quality = 90")
    with Image.open(plain[2]) as im:
        im.save(plain[2], "JPEG", comment=b"Grandma at the lake", exif=im.getexif())
    library = open_library()
    library.index([photos])
    ids = [library.photo_at(path).id for path in plain[:3]]

    assert library.caption(ids[0]) == "Grandma's 80th birthday" and library.caption(ids[1]) is None
    assert library.caption(ids[2]) == "Grandma at the lake"
    hits, scope = library.search_scoped("grandma", limit=2)
    assert {h.photo_id for h in hits} == {ids[0], ids[2]} and scope.caption_words == ("grandma",)


def test_a_caption_in_japanese_is_found_by_a_word_of_it(open_library, tmp_path: Path) -> None:
    photos = tmp_path / "photos"
    scenes = scene_folder(photos, seed=5, red_circles=2, others=4)
    night = sorted(scenes)[3]
    (night.parent / (night.name + ".json")).write_text(json.dumps(
        {"title": night.name, "description": "東京タワーの夜景", "photoTakenTime": {"timestamp": "0"}}),
        encoding="utf-8")
    library = open_library()
    library.index([photos])

    hits, scope = library.search_scoped("夜景", limit=3)
    assert hits[0].photo_id == library.photo_at(night).id and scope.caption_words == ("夜景",)


def test_a_caption_another_program_writes_later_is_searchable_at_once(open_library, photo_folder: Path) -> None:
    library = open_library()
    library.index([photo_folder])
    photo = photo_folder / "p2.jpg"
    sidecar = photo_folder / "p2.xmp"
    sidecar.write_bytes(others_sidecar(["pony"]).replace(
        b"</rdf:Description>", b'<dc:title xmlns:dc="http://purl.org/dc/elements/1.1/"><rdf:Alt><rdf:li>'
        b"Pony ride at the fair</rdf:li></rdf:Alt></dc:title></rdf:Description>"))

    library.read_sidecars([sidecar])

    hits, scope = library.search_scoped("fair", limit=2)
    assert hits[0].path == photo and scope.caption_words == ("fair",)
    assert library.caption(hits[0].photo_id) == "Pony ride at the fair"


def test_a_folder_inside_the_library_can_be_left_out_and_brought_back(open_library, tmp_path: Path) -> None:
    photos = tmp_path / "photos"
    for i, name in enumerate(["a.jpg", "Screenshots/s1.png", "Screenshots/old/s2.png", "[2019] trip/t.jpg", "b.jpg"]):
        write_photo(photos / name, seed=i)
    library = open_library()
    library.index([photos])

    library.remove_root(photos / "Screenshots")
    library.remove_root(photos / "[2019] trip")
    library.index()
    write_photo(photos / "Screenshots" / "s3.png", seed=9)
    library.scan_paths([photos / "Screenshots" / "s3.png"])

    assert sorted(p.path.name for p in library.photos(library.photos_by_date()).values()) == ["a.jpg", "b.jpg"]
    assert len(library.search("a photo", limit=10)) == 2
    assert load_settings(library.directory).exclude_patterns == (str(photos / "Screenshots"),
                                                                 str(photos / "[[]2019] trip"))
    assert [r.path for r in library.roots()] == [photos]

    library.index([photos / "Screenshots" / "old"])  # a folder below one left out brings that one back
    assert load_settings(library.directory).exclude_patterns == (str(photos / "[[]2019] trip"),)
    assert len(library.photos_by_date()) == 5
    with pytest.raises(LibraryError, match="is already part of the library"):
        library.add_root(photos / "Screenshots")
    with pytest.raises(LibraryError, match="is not a folder of this library"):
        library.remove_root(tmp_path / "elsewhere")


def test_a_date_another_program_writes_in_a_sidecar_later_dates_its_photo_at_once_and_goes_with_it(
    open_library, tmp_path: Path
) -> None:
    """Lightroom and digiKam correct a scan's date in its sidecar: the scanner's date stayed, and
    "christmas 1998" did not find the scan."""
    from tests.test_xmp import dated_xmp

    photos = tmp_path / "photos"
    scan = located_photo(photos / "scan.jpg", seed=1, position=None, taken="2024:03:01 09:00:00")
    write_photo(photos / "other.jpg", seed=2)
    library = open_library()
    library.index([photos])
    sidecar = photos / "scan.jpg.xmp"

    sidecar.write_bytes(dated_xmp({"exif:DateTimeOriginal": "1998-12-24T18:00:00"}, as_elements=True))
    library.read_sidecars([sidecar])
    assert library.photo_at(scan).taken_at == "1998-12-24T18:00:00"
    assert [hit.path for hit in library.search("christmas 1998")] == [scan]

    sidecar.unlink()
    library.read_sidecars([sidecar])
    assert library.photo_at(scan).taken_at == "2024-03-01T09:00:00"
    assert library.search("christmas 1998") == []


def test_a_library_upgraded_from_schema_24_reads_the_dates_in_its_sidecars_at_the_next_index(
    open_library, tmp_path: Path
) -> None:
    """A scan dated in its Lightroom sidecar long before kept the scanner's date after the upgrade
    (its sidecar had been seen: it was not read again)."""
    from tests.test_xmp import dated_xmp

    photos = tmp_path / "photos"
    scan = located_photo(photos / "scan.jpg", seed=1, position=None, taken="2024:03:01 09:00:00")
    (photos / "scan.xmp").write_bytes(dated_xmp({"exif:DateTimeOriginal": "1998-12-24T18:00:00"}))
    write_photo(photos / "other.jpg", seed=2)
    library = open_library()
    library.index([photos])
    library.index()  # a second scan: the sidecar is one seen
    library.close()
    with sqlite3.connect(tmp_path / "library" / CATALOG_FILE) as conn:  # as schema 24 left it
        conn.executescript("UPDATE photos SET taken_at = '2024-03-01T09:00:00' WHERE path LIKE '%scan.jpg';"
                           " ALTER TABLE file_facts DROP COLUMN taken_at;"
                           " ALTER TABLE file_facts DROP COLUMN modified_at;"
                           " ALTER TABLE photos DROP COLUMN taken_until; PRAGMA user_version = 24;")
    conn.close()

    library = open_library()
    assert library.photo_at(scan).taken_at == "2024-03-01T09:00:00"
    library.index()
    assert library.photo_at(scan).taken_at == "1998-12-24T18:00:00"


def test_a_library_upgraded_from_schema_24_dates_anew_the_photos_the_new_order_of_dates_changes(
    open_library, tmp_path: Path
) -> None:
    """Its export dated by EXIF's ModifyDate over the date in its name, and a screenshot whose XMP
    dates it, kept the dates indexing gave them before (their files unchanged: not read again)."""
    from PIL import Image, PngImagePlugin

    from tests.test_xmp import dated_xmp

    photos = tmp_path / "photos"
    export = write_photo(photos / "IMG_20230704_153000.jpg", seed=1)
    exif = Image.Exif()
    exif[0x0132] = "2026:11:20 18:00:00"  # ModifyDate alone, as an editor's export
    Image.open(export).save(export, exif=exif)
    shot = photos / "old_print.png"
    info = PngImagePlugin.PngInfo()
    info.add_itxt("XML:com.adobe.xmp", dated_xmp({"photoshop:DateCreated": "1962"}).decode())
    Image.open(write_photo(tmp_path / "print.jpg", seed=2)).save(shot, pnginfo=info)
    raw_like = write_photo(photos / "DSC_0001.jpg", seed=3)
    library = open_library()
    library.index([photos])
    fresh = {path.name: library.photo_at(path).taken_at for path in (export, shot, raw_like)}
    library.close()
    with sqlite3.connect(tmp_path / "library" / CATALOG_FILE) as conn:  # as schema 24 left them
        conn.executescript(
            "UPDATE photos SET taken_at = '2026-11-20T18:00:00' WHERE path LIKE '%IMG_20230704_153000.jpg';"
            " UPDATE file_facts SET dated = 1 WHERE photo_id = (SELECT id FROM photos WHERE path LIKE '%IMG_2023%');"
            " UPDATE photos SET taken_at = NULL WHERE path LIKE '%old_print.png';"
            " UPDATE file_facts SET dated = 0 WHERE photo_id = (SELECT id FROM photos WHERE path LIKE '%old_print%');"
            " ALTER TABLE file_facts DROP COLUMN taken_at; ALTER TABLE file_facts DROP COLUMN modified_at;"
            " ALTER TABLE file_facts DROP COLUMN dated_beside; DROP TABLE dates_to_read_again;"
            " ALTER TABLE photos DROP COLUMN taken_until; PRAGMA user_version = 24;")
    conn.close()

    library = open_library()
    library.scan()
    assert {path.name: library.photo_at(path).taken_at for path in (export, shot, raw_like)} == fresh == {
        "IMG_20230704_153000.jpg": "2023-07-04T15:30:00", "old_print.png": "1962-01-01T00:00:00",
        "DSC_0001.jpg": None}
    assert library.catalog.dates_to_read_again(10) == []


def test_a_library_upgraded_from_schema_25_dates_its_scans_by_their_folders_at_the_next_scan(
    open_library, tmp_path: Path
) -> None:
    """A scan in "1998 Christmas" was dated by its file, the day it was scanned: "christmas 1998"
    did not find it."""
    photos = tmp_path / "photos"
    scan = write_photo(photos / "1998 Christmas" / "scan.jpg", seed=1)
    camera = located_photo(photos / "1998 Christmas" / "DSC_0001.JPG", 2, None, "2018:05:01 10:00:00")
    library = open_library()
    library.index([photos])
    assert paths(library.search("christmas 1998", limit=5)) == ["scan.jpg"]
    library.close()
    with sqlite3.connect(tmp_path / "library" / CATALOG_FILE) as conn:  # as schema 25 left it
        conn.executescript("UPDATE photos SET taken_at = NULL WHERE path LIKE '%scan.jpg';"
                           " DELETE FROM dates_to_read_again;"
                           " ALTER TABLE photos DROP COLUMN taken_until; PRAGMA user_version = 25;")
    conn.close()

    library = open_library()
    assert library.photo_at(scan).taken_at is None and library.catalog.dates_to_read_again(10) != []
    library.scan()
    assert library.photo_at(scan).taken_at == "1998-12-24T00:00:00"
    assert library.photo_at(camera).taken_at == "2018-05-01T10:00:00"
    assert library.catalog.dates_to_read_again(10) == []


def test_a_photo_dated_by_its_folder_is_found_in_those_days_not_in_a_part_of_them(open_library, tmp_path: Path) -> None:
    """A scan in "Lake Tahoe 2019" took 1 January 2019: "new year's day 2019" and "january 2019"
    found it, though all its folder says is 2019."""
    photos = tmp_path / "photos"
    scan = write_photo(photos / "Lake Tahoe 2019" / "scan.jpg", seed=1)
    camera = located_photo(photos / "Lake Tahoe 2019" / "DSC_0001.JPG", 2, None, "2019:01:01 10:00:00")
    library = open_library()
    library.index([photos])

    assert sorted(paths(library.search("in 2019", limit=5))) == ["DSC_0001.JPG", "scan.jpg"]
    assert sorted(paths(library.search("2018 to 2020", limit=5))) == ["DSC_0001.JPG", "scan.jpg"]
    for query in ("january 2019", "new year's day 2019", "in 2020"):
        assert paths(library.search(query, limit=5)) == ([] if query == "in 2020" else ["DSC_0001.JPG"]), query
    assert library.photo_at(scan).taken_until == "2020-01-01T00:00:00" and library.photo_at(camera).taken_until is None


def test_photos_moved_into_a_folder_named_by_a_date_take_it_and_those_moved_out_lose_it(
    open_library, tmp_path: Path
) -> None:
    """Scans sorted into "Christmas 1998" after indexing kept the day they were scanned."""
    photos = tmp_path / "photos"
    scan = write_photo(photos / "Inbox" / "scan.jpg", seed=1)
    write_photo(photos / "Inbox 2" / "scan 2.jpg", seed=2)
    located_photo(photos / "Inbox" / "DSC_0001.JPG", 3, None, "2018:05:01 10:00:00")
    library = open_library()
    library.index([photos])
    assert library.photo_at(scan).taken_at is None

    (photos / "Inbox").rename(photos / "Christmas 1998")  # as the watcher sees it
    library.move_path(photos / "Inbox", photos / "Christmas 1998")
    assert library.photo_at(photos / "Christmas 1998" / "scan.jpg").taken_at == "1998-12-24T00:00:00"
    assert library.photo_at(photos / "Christmas 1998" / "DSC_0001.JPG").taken_at == "2018-05-01T10:00:00"
    (photos / "Inbox 2").rename(photos / "Summer 2019")  # while photoclip was closed
    library.scan()
    assert library.photo_at(photos / "Summer 2019" / "scan 2.jpg").taken_at == "2019-06-01T00:00:00"
    (photos / "Christmas 1998" / "scan.jpg").rename(photos / "scan.jpg")
    library.move_path(photos / "Christmas 1998" / "scan.jpg", photos / "scan.jpg")
    assert library.photo_at(photos / "scan.jpg").taken_at is None
    assert library.catalog.dates_to_read_again(10) == []


def test_photos_copied_into_a_dated_folder_then_deleted_where_they_were_take_its_date_while_watched(
    open_library, tmp_path: Path
) -> None:
    """Moved so (cp -a, then rm), under watch, they kept no date until the app started again."""
    photos = tmp_path / "photos"
    write_photo(photos / "Misc" / "scan.jpg", seed=1)
    library = open_library()
    library.index([photos])
    shutil.copytree(photos / "Misc", photos / "Christmas 2003" / "Misc")
    shutil.rmtree(photos / "Misc")

    library.scan_paths([photos / "Christmas 2003", photos / "Misc"])
    moved = library.photo_at(photos / "Christmas 2003" / "Misc" / "scan.jpg")
    assert (moved.taken_at, moved.taken_until) == ("2003-12-24T00:00:00", "2003-12-27T00:00:00")


def test_a_sidecar_that_only_dated_its_photo_deleted_while_photoclip_was_closed_takes_its_date_along(
    open_library, tmp_path: Path
) -> None:
    """Only a sidecar that gave tags or a caption was looked for at the next scan: the date of one
    holding a date alone stayed."""
    from tests.test_xmp import dated_xmp

    photos = tmp_path / "photos"
    scan = located_photo(photos / "scan.jpg", seed=1, position=None, taken="2024:03:01 09:00:00")
    sidecar = photos / "scan.jpg.xmp"
    sidecar.write_bytes(dated_xmp({"exif:DateTimeOriginal": "2000-02-02T02:02:02"}, as_elements=True))
    library = open_library()
    library.index([photos])
    assert library.photo_at(scan).taken_at == "2000-02-02T02:02:02"
    library.close()
    sidecar.unlink()

    library = open_library()
    library.index()
    assert library.photo_at(scan).taken_at == "2024-03-01T09:00:00"


def test_groups_all_kept_for_their_albums_come_after_those_with_photos_to_trash(
    open_library, tmp_path: Path
) -> None:
    """They filled the list between the groups the user came to clean up, with nothing to do in them."""
    photos = tmp_path / "photos"
    for seed in range(6):
        original = write_photo(photos / "DCIM" / f"IMG_{seed}.jpg", seed=seed)
        other = photos / ("Wedding Prints" if seed % 2 else "Downloads") / original.name
        other.parent.mkdir(exist_ok=True)
        shutil.copy(original, other)
        os.utime(other, ns=(original.stat().st_mtime_ns + 10**10,) * 2)  # copied later
    library = open_library()
    library.index([photos])

    groups = library.duplicates()

    assert [bool(group.to_trash) for group in groups] == [True] * 3 + [False] * 3


def test_a_keyword_taken_away_in_another_program_or_its_sidecar_deleted_goes_here_too(
    open_library, photo_folder: Path
) -> None:
    sidecar = photo_folder / "p1.jpg.xmp"
    sidecar.write_bytes(others_sidecar(["Grandma", "Lake"]))
    library = open_library()
    library.index([photo_folder])
    p1 = library.photo_at(photo_folder / "p1.jpg").id
    library.add_tag([p1], "summer")

    sidecar.write_bytes(others_sidecar(["Lake"]))
    assert library.read_sidecars([sidecar]) == 1
    assert {t.name for t in library.photo_tags(p1) if t.source == "user"} == {"lake", "summer"}
    assert library.tagged("grandma") == []

    sidecar.unlink()
    assert library.read_sidecars([sidecar]) == 1
    assert {t.name for t in library.photo_tags(p1) if t.source == "user"} == {"summer"}


def test_photos_like_several_together_are_those_nearest_all_of_them(open_library, tmp_path: Path) -> None:
    scenes = scene_folder(tmp_path / "photos", seed=6, red_circles=4, others=12)
    library = open_library()
    library.index([tmp_path / "photos"])
    red = [library.photo_at(p).id for p, scene in sorted(scenes.items()) if scene.has("red", "circle")][:2]
    vectors = [library.catalog.vector(pid, library.model_spec.model_id) for pid in red]
    mean = sum(v / np.linalg.norm(v) for v in vectors)

    hits = library.similar(red, limit=5)

    assert not {h.photo_id for h in hits} & set(red)
    ids, matrix = library.catalog.vectors_of(library.photos_by_date(), library.model_spec.model_id, len(mean))
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
    scores = {int(i): float(s) for i, s in zip(ids, matrix @ (mean / np.linalg.norm(mean)), strict=True)}
    best = sorted((pid for pid in scores if pid not in red), key=lambda pid: -scores[pid])[:3]
    assert [h.photo_id for h in hits[:3]] == best
    assert library.similar([red[0]], limit=3) == library.similar(red[0], limit=3)
    with pytest.raises(QueryError, match="at least one photo"):
        library.similar([])


def test_a_photo_whose_metadata_another_program_edited_in_place_is_not_embedded_again(
    open_library, photo_folder: Path, spy_on
) -> None:
    library = open_library()
    library.index([photo_folder])
    photo = photo_folder / "p2.jpg"
    before = library.photo_at(photo)
    photo.write_bytes(with_iptc(photo.read_bytes(), {(2, 120): b"Lunch with Tom"}))  # as a tagger rewrites it
    spy = spy_on(library)

    report = library.index()

    after = library.photo_at(photo)
    assert (report.embedded, report.reused) == (0, 1) and spy.images == 0
    assert after.id == before.id and after.hash != before.hash
    assert library.caption(after.id) == "Lunch with Tom"
    assert library.search("tom", limit=1)[0].path == photo


def test_a_photo_a_viewer_turned_by_its_orientation_tag_alone_is_embedded_again(
    open_library, tmp_path: Path, spy_on
) -> None:
    """A viewer's rotate rewrites only the EXIF orientation: the image data stays, but the
    picture the model must see is turned (the old vector was of the sideways one)."""
    import struct

    photo = write_photo(tmp_path / "photos" / "sideways.jpg", seed=3, size=(160, 120))
    library = open_library(tmp_path / "lib")
    library.index([photo.parent])
    exif = Image.Exif()
    exif[0x0112] = 6
    data, body = photo.read_bytes(), exif.tobytes()
    photo.write_bytes(data[:2] + b"\xff\xe1" + struct.pack(">H", len(body) + 2) + body + data[2:])
    spy = spy_on(library)

    report = library.index()

    turned = library.photo_at(photo)
    assert (report.embedded, report.reused) == (1, 0) and spy.images == 1
    assert (turned.width, turned.height) == (120, 160)
    fresh = open_library(tmp_path / "fresh")
    fresh.index([photo.parent])
    model_id = library.model_spec.model_id
    np.testing.assert_array_equal(library.catalog.vector_for_hash(turned.hash, model_id),
                                  fresh.catalog.vector_for_hash(turned.hash, model_id))


def test_a_photo_moved_while_it_was_being_indexed_is_indexed_at_its_new_place(open_library, tmp_path: Path) -> None:
    """Sorting photos just copied in, as they are indexed: the watcher's move comes after the
    batch failed them for a file not found. And a scan tries a photo failed so again once its
    file is there (p1 here, put back where it was: size and mtime unchanged)."""
    folder = tmp_path / "photos"
    for i in range(3):
        write_photo(folder / f"p{i}.jpg", seed=i)
    library = open_library()
    library.add_root(folder)
    library.scan()
    items = library.pending()
    (folder / "sorted").mkdir()
    (folder / "p0.jpg").rename(folder / "sorted" / "p0.jpg")
    (folder / "p1.jpg").rename(tmp_path / "p1.jpg")
    report = library.embed(items)
    assert (report.embedded, report.failed) == (1, 0)  # gone meanwhile: not broken
    assert library.status().counts.failed == 2  # until a scan or the watcher says where they went

    library.move_path(folder / "p0.jpg", folder / "sorted" / "p0.jpg")  # as the watcher saw it
    assert [path for _, path in library.pending()] == [folder / "sorted" / "p0.jpg"]
    (tmp_path / "p1.jpg").rename(folder / "p1.jpg")
    library.scan()
    assert library.embed(library.pending()).embedded == 2
    counts = library.status().counts
    assert (counts.indexed, counts.failed) == (3, 0) and library.photo_at(folder / "sorted" / "p0.jpg") is not None


def test_a_sidecar_deleted_while_photoclip_was_closed_takes_its_keywords_and_caption_at_the_next_scan(
    open_library, photo_folder: Path, tmp_path: Path
) -> None:
    sidecar = photo_folder / "p1.xmp"
    sidecar.write_bytes(others_sidecar(["Grandma"]).replace(
        b"</rdf:Description>", b'<dc:title xmlns:dc="http://purl.org/dc/elements/1.1/"><rdf:Alt><rdf:li>'
        b"Pony ride</rdf:li></rdf:Alt></dc:title></rdf:Description>"))
    (photo_folder / "p2.jpg.xmp").write_bytes(others_sidecar(["Lake"]))
    library = open_library(tmp_path / "lib")
    library.index([photo_folder])
    p1 = library.photo_at(photo_folder / "p1.jpg").id
    assert library.caption(p1) == "Pony ride" and library.tagged("grandma") == [p1]
    library.close()

    sidecar.unlink()
    library = open_library(tmp_path / "lib")
    summary = library.scan()

    assert summary.keywords == 1 and library.tagged("grandma") == [] and library.caption(p1) is None
    assert library.tagged("lake") == [library.photo_at(photo_folder / "p2.jpg").id]  # its sidecar is still there


def test_text_queries_use_the_cached_text_tower_until_the_whole_model_is_loaded(open_library, tmp_path: Path) -> None:
    from photoclip.model import load_encoder, resolve_model

    weights = tmp_path / "tiny.safetensors"
    shutil.copy(resolve_model("photoclip-tiny").checkpoint, weights)
    load_encoder(resolve_model("photoclip-tiny", model_file=weights))  # once on this machine: the tower is kept
    library = open_library(model="photoclip-tiny", model_file=str(weights))
    alone = library.text_encoder()
    whole = library.encoder()
    assert alone is not whole.text
    assert float(alone.encode_text("a red circle") @ whole.encode_text("a red circle")) > 0.99  # fp32 and int8
    assert library.text_encoder() is whole.text


def test_search_is_prepared_from_the_cached_text_tower_without_the_whole_model(open_library, tmp_path: Path) -> None:
    from photoclip.model import load_encoder, resolve_model

    weights = tmp_path / "tiny.safetensors"
    shutil.copy(resolve_model("photoclip-tiny").checkpoint, weights)
    never_loaded = open_library(tmp_path / "a", model="photoclip-tiny", model_file=str(weights))
    assert not never_loaded.prepare_search()  # no tower cached: only the whole model can answer
    load_encoder(resolve_model("photoclip-tiny", model_file=weights))
    library = open_library(tmp_path / "b", model="photoclip-tiny", model_file=str(weights))
    assert library.prepare_search()
    tower = library.text_encoder()
    whole = library.encoder()
    assert tower is not whole.text and library.text_encoder() is whole.text
    assert library.prepare_search()


def test_a_text_search_is_answered_while_an_image_search_waits_for_the_whole_model(
    open_library, photo_folder: Path, tmp_path: Path
) -> None:
    """A query with a photo in it loads the whole model (seconds); the text queries typed
    meanwhile are the cached text tower's to answer, and must not queue behind that load."""
    from photoclip.model import load_encoder, resolve_model

    weights = tmp_path / "tiny.safetensors"
    shutil.copy(resolve_model("photoclip-tiny").checkpoint, weights)
    first = open_library(tmp_path / "first", model="photoclip-tiny", model_file=str(weights))
    first.index([photo_folder])
    first.close()
    load_encoder(resolve_model("photoclip-tiny", model_file=weights))
    library = open_library(tmp_path / "first", model="photoclip-tiny", model_file=str(weights))
    assert library.prepare_search()
    image_hits: list = []
    with library._encoder_lock:  # the whole model is "loading" until this block ends
        outside = write_photo(tmp_path / "elsewhere" / "beach.jpg", seed=40)
        image_search = threading.Thread(target=lambda: image_hits.extend(library.search(str(outside))))
        image_search.start()
        time.sleep(1.0)  # it is waiting for the model by now
        text_hits: list = []
        text_search = threading.Thread(target=lambda: text_hits.extend(library.search("a red circle")))
        text_search.start()
        text_search.join(20)
        answered_first = not text_search.is_alive() and image_search.is_alive()
    image_search.join(60)
    text_search.join(60)
    assert answered_first and len(text_hits) == 6 and len(image_hits) == 6


def test_during_a_model_change_text_searches_use_the_old_models_text_tower(open_library, tmp_path: Path) -> None:
    from photoclip.model import resolve_model
    from tests.helpers import other_tiny_weights

    scene_folder(tmp_path / "scenes")
    weights = tmp_path / "first.safetensors"  # weights this process has not loaded: loading caches their tower
    shutil.copy(resolve_model("photoclip-tiny").checkpoint, weights)
    library = open_library(tmp_path / "lib", model_file=str(weights))
    library.index([tmp_path / "scenes"])
    before = library.search("a red circle", limit=50)
    library.close()
    open_library(tmp_path / "lib", model_file=str(other_tiny_weights(tmp_path / "other.safetensors"))).close()
    code = ("import sys\nfrom photoclip.library import Library\n"
            f"library = Library.open({str(tmp_path / 'lib')!r})\n"
            "hits = library.search('a red circle', limit=5)\n"
            "print(library.status().searching_with is not None, 'torch' in sys.modules)\n"
            "print('\\n'.join(str(h.path) for h in hits))\nlibrary.close()")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0] == "True False"
    assert set(lines[1:]) == {str(h.path) for h in before[:5]}


def test_a_model_file_given_relative_to_the_current_folder_is_kept_as_a_full_path(
    open_library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from photoclip.model import resolve_model

    shutil.copy(resolve_model("photoclip-tiny").checkpoint, tmp_path / "mine.safetensors")
    monkeypatch.chdir(tmp_path)
    open_library(tmp_path / "lib", model="photoclip-tiny", model_file="mine.safetensors").close()
    monkeypatch.chdir("/")
    library = Library.open(tmp_path / "lib")  # as saved, no model asked for
    try:
        assert library.settings.model_file == str(tmp_path / "mine.safetensors")
        assert library.model_spec.checkpoint == tmp_path / "mine.safetensors"
    finally:
        library.close()


def test_a_model_loading_for_a_library_without_vectors_does_not_hold_up_saving(open_library, tmp_path: Path) -> None:
    """Before any photo has a vector, the index's size comes from the model: a first download
    of minutes, during which the worker must still be able to save, scan and close."""
    library = open_library(tmp_path / "lib")
    with library._encoder_lock:  # the model is "downloading" until this block ends
        waiting = threading.Thread(target=library.vectors)
        waiting.start()
        time.sleep(0.5)  # it is waiting for the model by now
        saver = threading.Thread(target=library.save_index)
        saver.start()
        saver.join(10)
        saved_meanwhile = not saver.is_alive()
    waiting.join(60)
    assert saved_meanwhile and library.vectors().dim == library.encoder().dim


def test_a_model_not_on_this_machine_becomes_the_librarys_only_once_it_has_loaded(
    open_library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PHOTOCLIP_OFFLINE", "1")
    open_library(tmp_path / "lib").close()
    asked = open_library(tmp_path / "lib", model="ViT-B-32:laion2b_s34b_b79k")  # `photoclip --model … status`
    assert asked.model_spec.label == "ViT-B-32:laion2b_s34b_b79k"  # this run tries it
    with pytest.raises(ModelUnavailableError):
        asked.encoder()
    asked.close()
    assert load_settings(tmp_path / "lib").model == TINY_MODEL
    with Library.open(tmp_path / "lib") as reopened:
        assert reopened.model_spec.label == TINY_MODEL


@pytest.mark.parametrize("how", ["unmounted", "pulled out"])
def test_photos_read_after_a_watcher_found_their_drive_gone_wait_for_it_and_are_no_failures(
    open_library, photo_folder: Path, tmp_path: Path, mount_point, how: str
) -> None:
    """`watch` found a drive pulled out mid-run offline between two chunks; the photos of it the next chunk read
    failed ("cannot read file (Transport endpoint is not connected)") and stayed failed while it was out. A
    socket in each photo's place answers a read as a dead device does (ENXIO, a drive-gone error)."""
    mount_point(photo_folder)
    library = open_library()
    library.add_root(photo_folder)
    library.scan()
    chunk = library.pending()
    photo_folder.rename(tmp_path / "away")
    photo_folder.mkdir()  # the empty mount point an unmounted drive leaves
    library.scan_paths([photo_folder])  # the watcher's look at its folders between two chunks
    assert not library.roots()[0].online
    sockets = []
    if how == "pulled out":
        for _, path in chunk:
            path.parent.mkdir(exist_ok=True)
            sockets.append(socket.socket(socket.AF_UNIX))
            sockets[-1].bind(str(path))

    report = library.embed(chunk, workers=0)

    status = library.status()
    assert report.failed == 0 and status.counts.failed == 0 and status.counts.pending == 6
    for sock in sockets:
        sock.close()
    shutil.rmtree(photo_folder)
    (tmp_path / "away").rename(photo_folder)
    assert library.index().failed == 0 and library.status().counts.indexed == 6


def test_status_says_whether_each_folder_is_online_now_and_writes_nothing(
    open_library, photo_folder: Path, tmp_path: Path, mount_point
) -> None:
    mount_point(photo_folder)
    library = open_library()
    library.index([photo_folder])
    photo_folder.rename(tmp_path / "unplugged")
    generation = library.catalog.generation()

    assert [r.online for r in library.status().roots] == [False]
    assert [r.online for r in library.roots()] == [True] and library.catalog.generation() == generation

    (tmp_path / "unplugged").rename(photo_folder)
    assert [r.online for r in library.status().roots] == [True]
    photo_folder.rename(tmp_path / "unplugged")
    photo_folder.mkdir()  # an unplugged drive's empty mount point, which the scan calls offline too
    assert [r.online for r in library.status().roots] == [False]
    assert library.scan().offline == (photo_folder,)
    empty = tmp_path / "empty"
    empty.mkdir()
    library.add_root(empty)  # empty, but it never had photos: there
    assert [(r.path, r.online) for r in library.status().roots] == [(empty, True), (photo_folder, False)]


def test_a_folder_on_a_share_that_hangs_is_offline_and_silent_and_the_rest_goes_on(
    open_library, photo_folder: Path, hanging_share: HangingShare
) -> None:
    """A share whose server went away kept `status`, a search and `index` waiting for ever: its folder is
    offline, said to be silent rather than unplugged, within the time a look is given, the other folders
    are indexed and nothing of the share is forgotten."""
    write_photo(hanging_share.folder / "a.jpg", seed=1)
    library = open_library()
    library.index([hanging_share.folder, photo_folder])
    write_photo(photo_folder / "new.jpg", seed=20)
    hanging_share.hang()

    status = within(10, library.status)
    assert [(r.path, r.online, r.silent, r.gone) for r in status.roots] == [
        (hanging_share.folder, False, True, False), (photo_folder, True, False, False)]
    report = within(20, library.index)
    assert report.offline == (hanging_share.folder,) and report.embedded == 1
    assert [(r.online, r.silent) for r in within(10, library.roots)] == [(False, True), (True, False)]
    assert within(10, library.search, "a photo", 20)  # searched without a look at the share
    hanging_share.answer()
    library.index()
    assert [(r.online, r.silent) for r in library.roots()] == [(True, False), (True, False)]
    assert library.catalog.photo_by_path(hanging_share.folder / "a.jpg").status == "indexed"


def test_a_share_that_stops_answering_while_its_photos_are_read_leaves_them_waiting_and_the_rest_is_indexed(
    open_library, photo_folder: Path, hanging_share: HangingShare
) -> None:
    """The run read the share's photos on threads that waited for it for ever, and the run with them: the
    other folders were never indexed, and the command could not even be stopped. The share's folders are
    found silent together, not waited for one after another."""
    on_share = [write_photo(hanging_share.folder / folder / f"{n}.jpg", seed=40 + n)
                for n, folder in enumerate(["Trip", "Trip", "Home", "Home/Garden"])]
    library = open_library()

    def hang_once_reading_starts(progress: Progress) -> None:
        if progress.done == 0:
            hanging_share.hang()

    report = within(40, library.index, [hanging_share.folder, photo_folder], hang_once_reading_starts)

    assert (report.embedded, report.failed, report.offline) == (6, 0, (hanging_share.folder,))
    assert {library.catalog.photo_by_path(path).status for path in on_share} == {"pending"}
    assert folder_probe.silent(hanging_share.folder / "Home" / "Garden")
    assert len(library.search("a photo", 20)) == 6
    hanging_share.answer()
    assert library.index().embedded == 4
    assert {library.catalog.photo_by_path(path).status for path in on_share} == {"indexed"}


def test_photos_through_a_link_to_a_drive_that_is_away_keep_their_tags_and_are_said_unreadable(
    open_library, tmp_path: Path
) -> None:
    """A folder linked into Pictures from an external drive (and a photo linked alike): with the drive unplugged
    the links led nowhere, the walk passed them by without a word, and their photos were forgotten with their tags."""
    drive, pictures = tmp_path / "media" / "drive", tmp_path / "Pictures"  # unplugged, media/ is left empty
    write_photo(drive / "trip" / "a.jpg", seed=1)
    write_photo(drive / "cover.jpg", seed=2)
    write_photo(pictures / "home.jpg", seed=3)
    (pictures / "Trip").symlink_to(drive / "trip")
    (pictures / "cover.jpg").symlink_to(drive / "cover.jpg")
    library = open_library()
    library.index([pictures])
    linked = (pictures / "Trip" / "a.jpg", pictures / "cover.jpg")
    on_drive = {library.catalog.photo_by_path(path).id for path in linked}
    library.add_tag(on_drive, "lake")

    drive.rename(tmp_path / "away")
    report = library.index()

    assert report.removed == 0 and set(library.tagged("lake")) == on_drive
    assert library.status().unreadable == (
        (pictures / "Trip", f"a link to {drive / 'trip'}, which is not there (on a drive not plugged in?)"),
        (pictures / "cover.jpg", f"a link to {drive / 'cover.jpg'}, which is not there (on a drive not plugged in?)"))
    (tmp_path / "away").rename(drive)
    library.index()
    assert library.status().unreadable == () and set(library.tagged("lake")) == on_drive
    shutil.rmtree(drive / "trip")  # deleted, its drive plugged in: its photos go
    assert library.index().removed == 1 and library.status().unreadable == ()


@pytest.mark.parametrize("pause", [0.0, 1.5], ids=["written on", "a chunk every second and a half"])
def test_a_photo_still_being_copied_when_index_read_it_is_read_again_once_written(
    open_library, tmp_path: Path, pause: float
) -> None:
    """Found by the scan while a card was still copying it, it was read cut short and said failed ("truncated
    file") until the next run, though nothing was wrong with it."""
    whole = write_photo(tmp_path / "whole.jpg", seed=5).read_bytes()
    photo = tmp_path / "card" / "IMG_1.jpg"
    photo.parent.mkdir()
    photo.write_bytes(whole[:len(whole) // 3])

    def copy_on() -> None:
        for eighths in (5, 6, 7, 8):
            time.sleep(pause)
            with photo.open("ab") as copy:
                copy.write(whole[photo.stat().st_size:len(whole) * eighths // 8])

    def the_copy_goes_on(progress: Progress) -> None:
        if progress.total and progress.done == progress.total and photo.stat().st_size < len(whole) // 2:
            with photo.open("ab") as copy:
                copy.write(whole[photo.stat().st_size:len(whole) // 2])
            threading.Thread(target=copy_on).start()

    library = open_library()
    report = library.index([photo.parent], the_copy_goes_on)

    assert (report.embedded, report.failed) == (1, 0) and library.status().failures == ()
    assert library.catalog.photo_by_path(photo).status == "indexed"


def test_a_new_photo_the_size_of_one_on_a_share_that_hangs_is_added_without_waiting_for_the_share(
    open_library, photo_folder: Path, hanging_share: HangingShare
) -> None:
    """A file new to the library is looked for among the photos whose files are gone, of its size (a move):
    the photo on the share was looked at for that, and the watcher's scan waited for the share for ever."""
    share_photo = write_photo(hanging_share.folder / "a.jpg", seed=1)
    library = open_library()
    library.index([hanging_share.folder, photo_folder])
    on_share = library.catalog.photo_by_path(share_photo).id
    hanging_share.hang()

    copy = write_photo(photo_folder / "copy of a.jpg", seed=1)  # the same bytes, so the same size
    changes = within(10, library.scan_paths, [copy])
    assert changes.added == (library.catalog.photo_by_path(copy).id,) and not changes.moved
    assert library.catalog.photo_by_path(share_photo).id == on_share


def test_duplicates_and_sidecars_with_a_share_that_just_stopped_answering_leave_its_photos_alone(
    open_library, photo_folder: Path, hanging_share: HangingShare
) -> None:
    """The library still takes the share for online (nothing has looked since): finding duplicates asked
    whether each of its copies was another name of a file, and writing sidecars whether each of its
    photos had one, and both waited for the share for ever."""
    share_copy = write_photo(hanging_share.folder / "a.jpg", seed=77)
    local = write_photo(photo_folder / "a.jpg", seed=77)
    library = open_library()
    library.index([hanging_share.folder, photo_folder])
    ids = {library.catalog.photo_by_path(path).id for path in (share_copy, local)}
    library.add_tag(ids, "lake")
    hanging_share.hang()

    assert within(10, library.duplicates) == []  # its copy is not compared, as on a drive unplugged
    report = within(10, library.export_sidecars)
    assert report.written == 1 and sidecars.sidecar_path(local).is_file() and not report.failed


def test_status_with_a_model_not_on_this_machine_keeps_to_the_librarys_model(
    open_library, photo_folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from photoclip.vectors import saved_model_id

    monkeypatch.setenv("PHOTOCLIP_OFFLINE", "1")
    with open_library(tmp_path / "lib") as library:
        library.index([photo_folder])
        tiny = library.model_spec.model_id
    asked = open_library(tmp_path / "lib", model="ViT-B-32:laion2b_s34b_b79k")  # `photoclip --model … status`

    status = asked.status()

    assert (status.model, status.untried, status.searching_with) == (TINY_MODEL, "ViT-B-32:laion2b_s34b_b79k", None)
    assert (status.counts.indexed, status.counts.pending) == (6, 0)
    assert saved_model_id(tmp_path / "lib" / INDEX_DIR) == tiny  # the index was not moved aside for a change
    asked.close()
    with open_library(tmp_path / "lib") as library:
        assert library.status().untried is None and library.status().model == TINY_MODEL


def test_a_search_for_a_photos_whole_name_or_its_raws_lists_that_photo_first(open_library, tmp_path: Path) -> None:
    """A query that is all of a photo's name (less its suffix) is a strong sign that photo is
    meant, as rclip's and Immich's file-name search take it; a name's start is not ("beach"
    does not put "beach party.jpg" first), nor a query of more words than a name."""
    photos = tmp_path / "photos"
    names = ["DSC_2000.JPG", "Lisbon tram.JPG", "scan 003!.jpg", "beach.jpg", "beach party.jpg", "😀 selfie.jpg"]
    for i, name in enumerate(names):
        write_photo(photos / name, seed=i)
    (photos / "DSC_2000.NEF").write_bytes(b"raw")
    (photos / "IMG_3000.CR2").write_bytes(b"not a raw")
    library = open_library()
    library.index([photos])

    def first(query: str) -> tuple[str, str | None, bool]:
        hits, scope = library.search_scoped(query, limit=3)
        return hits[0].path.name, scope.file_name if scope else None, scope.whole_name if scope else False

    assert first("DSC_2000.NEF") == ("DSC_2000.JPG", "DSC_2000", True)
    assert first("lisbon tram") == ("Lisbon tram.JPG", "lisbon tram", True)
    assert first("scan 003") == ("scan 003!.jpg", "scan 003", True)
    assert first("Selfie") == ("😀 selfie.jpg", "Selfie", True)
    assert first("Beach") == ("beach.jpg", "Beach", True)
    assert library.search_scoped("beach party at night", limit=3)[1] is None
    assert library.search_scoped("2:beach", limit=3)[1] is None  # a weighed term is words
    assert library.search_scoped("Beach", limit=3, folder=photos, subfolders=False)[0][0].path.name == "beach.jpg"
    assert [p.name for p, _ in library.failed_named("IMG_3000.CR2")] == ["IMG_3000.CR2"]
    assert library.failed_named("IMG_3000") and not library.failed_named("IMG_300")


def test_a_search_for_a_videos_name_lists_the_photo_of_its_name_first(open_library, tmp_path: Path) -> None:
    """A Live Photo's video (IMG_1234.MOV), or a phone's, is not indexed: its photo stands for it, as a JPEG does
    for a raw."""
    photos = tmp_path / "iCloud Photos"
    for i, name in enumerate(["IMG_1234.HEIC", "IMG_1235.HEIC", "first steps.jpg", "IMG_12345.jpg"]):
        write_photo(photos / name, seed=i, fmt="JPEG")
    for name in ("IMG_1234.MOV", "first steps.mp4", "IMG_9999.MOV"):
        (photos / name).write_bytes(b"\x00\x00\x00\x18ftypqt  ")
    library = open_library()
    library.index([photos])

    for query, name in (("IMG_1234.MOV", "IMG_1234.HEIC"), ("first steps.mp4", "first steps.jpg")):
        hits, scope = library.search_scoped(query, limit=3)
        assert (hits[0].path.name, scope.file_name, scope.whole_name) == (name, os.path.splitext(query)[0], True)
    hits, scope = library.search_scoped("IMG_9999.MOV", limit=3)
    assert scope is None or scope.file_name is None
    assert library.status().videos == 3


def test_index_of_a_folder_inside_a_library_folder_scans_that_folder(open_library, photo_folder: Path) -> None:
    library = open_library()
    library.index([photo_folder])
    write_photo(photo_folder / "trip" / "new.jpg", seed=30)

    report = library.index([photo_folder / "trip", photo_folder / "trip"])

    assert report.embedded == 1 and [r.path for r in library.roots()] == [photo_folder]
    with pytest.raises(LibraryError, match="already part of the library"):
        library.add_root(photo_folder / "trip")  # adding it as a folder of its own is still refused


def test_a_date_left_out_leaves_out_the_photos_taken_then_undated_ones_by_their_file_date(
    open_library, tmp_path: Path
) -> None:
    """"a red circle -2019" found the photos of 2019 too: the minus only subtracted the words "2019". The
    photos it keeps are exactly those "2019" does not find, so an undated photo goes by its file's date."""
    scenes = scene_folder(tmp_path / "photos", seed=0, red_circles=8, others=16)
    years = _date_photos(tmp_path / "photos", scenes)
    library = open_library()
    library.index([tmp_path / "photos"])
    not_2019 = {p for p, y in years.items() if y != 2019}
    hits, scope = library.search_scoped("a red circle -2019", limit=100)
    assert {h.path for h in hits} == not_2019 and scope is not None and scope.period.said == "other than 2019"
    assert {h.path for h in library.search("a red circle - in 2019", limit=100)} == not_2019
    assert {h.path for h in library.search("a red circle 2019", limit=100)} == set(years) - not_2019
    assert {h.path for h in library.search("-2019", limit=100)} == not_2019  # a date alone left out: all others
    assert {h.path for h in library.search("-2019 -a red circle", limit=100)} == not_2019


def test_a_display_p3_original_and_its_srgb_export_are_copies(open_library, tmp_path: Path) -> None:
    """A phone's photo in Display P3 and the sRGB JPEG it exports hold other numbers for the same
    colours: compared as people see them (converted by their profiles), they are one picture."""
    import io

    from PIL import Image, ImageCms

    from tests.helpers import rgb_profile
    from tests.test_colour import DISPLAY_P3

    folder = tmp_path / "photos"
    folder.mkdir()
    vivid = np.array([[255, 0, 0], [0, 255, 0], [0, 0, 255], [255, 255, 0], [0, 255, 255], [255, 0, 255]], np.uint8)
    cells = vivid[np.random.default_rng(7).integers(0, len(vivid), (12, 16))]
    export = Image.fromarray(cells).resize((640, 480), Image.Resampling.BICUBIC)
    export.save(folder / "IMG_0001 export.jpg", quality=95)
    p3 = rgb_profile("Display P3", DISPLAY_P3, gamma=2.2)
    to_p3 = ImageCms.buildTransform(ImageCms.createProfile("sRGB"), ImageCms.ImageCmsProfile(io.BytesIO(p3)),
                                    "RGB", "RGB")
    ImageCms.applyTransform(export, to_p3).save(folder / "IMG_0001.jpg", quality=95, icc_profile=p3)
    library = open_library()
    library.index([folder])
    [(keep, others)] = group_paths(library, library.duplicates())
    assert {keep, *others} == {(folder / "IMG_0001 export.jpg").resolve(), (folder / "IMG_0001.jpg").resolve()}
    model_id = library.model_spec.model_id
    original, exported = (library.catalog.vector(library.photo_at(folder / name).id, model_id)
                          for name in ("IMG_0001.jpg", "IMG_0001 export.jpg"))
    assert float(original @ exported) / float(np.linalg.norm(original) * np.linalg.norm(exported)) > 0.999  # as seen


def test_an_index_saved_with_many_photos_removed_is_rebuilt_when_the_library_opens_to_write(
    open_library, photo_folder: Path, monkeypatch
) -> None:
    """hnswlib only marks a removed photo: up to date or not, a saved index that is a quarter dead
    costs every search; a library opened only to read uses it as it is (its writer rebuilds it)."""
    from photoclip import vectors

    monkeypatch.setattr(vectors, "COMPACT_FROM", 2)
    library = open_library()
    library.index([photo_folder])
    for name in ("p0.jpg", "p1.jpg", "p2.jpg"):
        (photo_folder / name).unlink()
    library.index([photo_folder])
    library.close()
    meta = library.directory / INDEX_DIR / "index.json"
    assert len(json.loads(meta.read_text())["deleted"]) == 3

    with Library.open(library.directory, read_only=True) as reader:
        assert len(reader.vectors()) == 3 and reader.vectors().needs_compaction()
    assert len(json.loads(meta.read_text())["deleted"]) == 3
    with open_library() as writer:
        assert len(writer.vectors()) == 3 and not writer.vectors().needs_compaction()
    assert json.loads(meta.read_text())["deleted"] == []


def test_a_library_an_older_photoclip_holds_is_not_updated_under_it_and_an_update_keeps_the_catalog_as_it_was(
    open_library, photo_folder: Path, monkeypatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A search by this photoclip updated the catalog while an older `watch` held it: that watch went on
    writing it as it knew it (search keys this one cannot use), and could not start again after."""
    import sqlite3
    from contextlib import closing

    from photoclip import catalog as catalog_module
    from photoclip.lock import LibraryLock

    def schema(path: Path) -> int:
        with closing(sqlite3.connect(path)) as conn:
            return conn.execute("PRAGMA user_version").fetchone()[0]

    monkeypatch.setattr(catalog_module, "MIGRATION_WAIT_S", 0.3)
    library = open_library()
    library.index([photo_folder])
    library.close()
    path = library.directory / CATALOG_FILE
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("PRAGMA user_version = 19")  # the schema before the last
    older = LibraryLock(library.directory)
    older.acquire()
    try:
        with pytest.raises(LibraryError, match=rf"is in use by an older photoclip \(pid {os.getpid()}\), which could "
                                               "not read it once this one updates it; stop that one"):
            Library.open(library.directory, model=TINY_MODEL, allow_read_only_fallback=True)
        assert schema(path) == 19 and not list(library.directory.glob("catalog-schema*"))
    finally:
        older.release()
    with caplog.at_level(logging.WARNING, logger="photoclip.catalog"), open_library(library.directory) as updated:
        assert len(updated.search("a photo", limit=10)) == 6
    kept = library.directory / "catalog-schema19.sqlite"
    assert schema(path) == catalog_module.SCHEMA_VERSION and schema(kept) == 19
    assert [r.getMessage() for r in caplog.records] == [
        f"library updated for this photoclip: older ones cannot open it now; the catalog as it was is kept as {kept}"]


def test_a_search_without_a_place_word_reads_no_gazetteer_and_the_towns_are_read_once(
    open_library, tmp_path: Path, monkeypatch
) -> None:
    """Every first search of a process read the shipped gazetteer (a second), "dog on a beach" too; and
    each search with a place word scanned every photo for the towns they were taken in."""
    from photoclip import places

    located_photo(tmp_path / "photos" / "lisbon.jpg", 1, (38.72, -9.14), "2021:05:01 10:00:00")
    located_photo(tmp_path / "photos" / "home.jpg", 2, None, "2021:06:01 10:00:00")
    library = open_library()
    library.index([tmp_path / "photos"])
    places._shipped.cache_clear()
    assert len(library.search("a dog on a beach", limit=5)) == 2
    assert places._shipped.cache_info().currsize == 0
    scans = []
    towns = library.catalog.towns
    monkeypatch.setattr(library.catalog, "towns", lambda: scans.append(1) or towns())
    for _ in range(3):
        assert [hit.path.name for hit in library.search("in lisbon", limit=5)] == ["lisbon.jpg"]
    assert places._shipped.cache_info().currsize == 1 and len(scans) == 1


def test_adding_a_folder_left_out_brings_it_back_and_removing_one_keeps_the_folders_left_out_in_it(
    open_library, tmp_path: Path
) -> None:
    """The next `index home` dropped the Music the user had added since leaving it out; and a folder
    removed and added again keeps out what was left out in it (a private folder stays private)."""
    from photoclip.config import Settings, folder_pattern, save_settings

    home = tmp_path / "home"
    for i, name in enumerate(["a.jpg", "Music/m1.jpg", "Music/m2.jpg", "Android/x.jpg"]):
        write_photo(home / name, seed=i)
    library = open_library()
    save_settings(library.directory, Settings(model=TINY_MODEL, exclude_patterns=("Android",)))
    library.close()
    library = open_library()
    library.index([home])
    library.remove_root(home / "Music")
    assert load_settings(library.directory).exclude_patterns == ("Android", folder_pattern(home / "Music"))

    library.remove_root(home)
    assert load_settings(library.directory).exclude_patterns == ("Android", folder_pattern(home / "Music"))
    library.index([home / "Music"])
    assert load_settings(library.directory).exclude_patterns == ("Android",)
    assert library.index([home]).left_out == 0
    assert sorted(p.path.name for p in library.photos(library.photos_by_date()).values()) == ["a.jpg", "m1.jpg",
                                                                                              "m2.jpg"]
    library.remove_root(home / "Music")
    library.remove_root(home)
    library.index([home])
    assert sorted(p.path.name for p in library.photos(library.photos_by_date()).values()) == ["a.jpg"]


def test_adding_a_folder_left_out_when_its_library_folder_is_gone_takes_it_back(open_library, tmp_path: Path) -> None:
    """A leave-out an older photoclip kept after its folder was removed: the folder added again wins."""
    from photoclip.config import Settings, folder_pattern, save_settings

    home = tmp_path / "home"
    for i, name in enumerate(["a.jpg", "Music/m1.jpg", "Music/m2.jpg"]):
        write_photo(home / name, seed=i)
    library = open_library()
    save_settings(library.directory, Settings(model=TINY_MODEL, exclude_patterns=(folder_pattern(home / "Music"),)))
    library.close()
    library = open_library()

    library.index([home / "Music"])
    assert library.settings.exclude_patterns == () == load_settings(library.directory).exclude_patterns
    assert library.index([home]).left_out == 0
    assert len(library.photos_by_date()) == 3


def test_leave_out_patterns_with_a_home_or_a_trailing_slash_leave_their_folders_out(
    open_library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Written so in Settings they removed no photo, and said nothing."""
    from photoclip.config import Settings, save_settings

    home = tmp_path / "home"
    monkeypatch.setenv("HOME", str(home))
    for i, name in enumerate(["a.jpg", "code/c.jpg", "Games/g.jpg", "x/Games/g2.jpg", "Saves/s.jpg"]):
        write_photo(home / name, seed=i)
    library = open_library()
    patterns = ("~/code", "Games/", f"{home}/Saves/")
    save_settings(library.directory, Settings(model=TINY_MODEL, exclude_patterns=patterns))
    library.close()
    library = open_library()

    library.index([home])

    assert [p.path.name for p in library.photos(library.photos_by_date()).values()] == ["a.jpg"]


def test_the_buckets_of_a_macos_photos_library_are_no_albums(open_library, tmp_path: Path) -> None:
    """Photos files its originals in folders 0 … F (by date in "Masters" before): "5" showed as an
    album, and "masters" or "library photoslibrary" listed a whole library's photos first."""
    pictures = tmp_path / "Pictures"
    bucketed = pictures / "Photos Library.photoslibrary" / "originals"
    dated = pictures / "iPhoto Library.photoslibrary" / "Masters" / "2015" / "03" / "12" / "20150312-101010"
    for i in range(8):
        write_photo(bucketed / "05AF"[i % 4] / f"{i:X}ABC-{i}.jpeg", seed=i)
        write_photo(pictures / "Lake Tahoe" / f"lake{i}.jpg", seed=20 + i)
    for i in range(3):
        write_photo(dated / f"IMG_{i}.jpg", seed=40 + i)
    library = open_library()
    library.index([pictures])

    assert [album.folder for album in library.albums(min_photos=2)] == [pictures / "Lake Tahoe"]
    for query in ("masters", "library photoslibrary"):
        _, scope = library.search_scoped(query, limit=5)
        assert scope is None or scope.albums == ()
    _, scope = library.search_scoped("lake tahoe", limit=5)
    assert scope.albums == (str(pictures / "Lake Tahoe"),)
