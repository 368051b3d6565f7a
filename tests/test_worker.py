"""The background worker on real folders: real watchdog, SQLite, hnswlib and the tiny CLIP.

Watching is asynchronous, so tests poll for the outcome with a generous timeout instead of
sleeping a fixed time; intervals are short (settle 0.3 s, root polls 0.5 s) to keep them fast.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest
from watchdog.observers.polling import PollingObserver

from photoclip import pipeline
from photoclip import worker as worker_module
from photoclip.config import Settings, save_settings
from photoclip.errors import LibraryLockedError
from photoclip.ids import PhotoId
from photoclip.library import INDEX_DIR, Library
from photoclip.pipeline import DECODE_NICENESS
from photoclip.vectors import META_FILE
from photoclip.worker import (
    BACKGROUND_NICENESS,
    WRITING_SETTLES,
    Idle,
    IndexProgress,
    ModelDownload,
    PhotosChanged,
    Priority,
    RootsChanged,
    TagsChanged,
    Worker,
    WorkerError,
    WorkerEvent,
)
from tests.conftest import TINY_MODEL, HangingShare
from tests.helpers import shapes_vocabulary, within, write_photo

SETTLE = 0.3
POLL = 0.5
TIMEOUT = 20.0


def eventually(check: Callable[[], object], timeout: float = TIMEOUT, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f}s waiting for: {what}")
        time.sleep(0.05)


def searchable(library: Library) -> set[Path]:
    """Every path search can return (a text query over the whole library)."""
    return {hit.path for hit in library.search("a photo", limit=1000)}


class EncoderSpy:
    """Counts images through the real encoder's encode_images (wraps it, changes nothing)."""

    def __init__(self, library: Library, monkeypatch: pytest.MonkeyPatch, delay: float = 0.0) -> None:
        self.images = 0
        encoder = library.encoder()
        real = encoder.encode_images

        def counting(batch: np.ndarray) -> np.ndarray:
            self.images += len(batch)
            if delay:
                time.sleep(delay)
            return real(batch)

        monkeypatch.setattr(encoder, "encode_images", counting)


@dataclass
class Live:
    """A started worker watching `photos`, and every event it sent."""

    library: Library
    worker: Worker
    photos: Path
    events: list[WorkerEvent] = field(default_factory=list)

    def of(self, kind: type) -> list:
        return [e for e in list(self.events) if isinstance(e, kind)]

    def photo_id(self, path: Path) -> PhotoId | None:
        photo = self.library.catalog.photo_by_path(path)
        return photo.id if photo else None


@pytest.fixture
def start_live(open_library, tmp_path: Path) -> Iterator[Callable[..., Live]]:
    """Start a worker over a folder of `count` photos (one subfolder); stopped after the test."""
    started: list[Worker] = []

    def start(
        count: int = 4, settle_s: float = SETTLE, before_start: Callable[[Live], None] | None = None,
        wait: bool = True,
    ) -> Live:
        photos = tmp_path / "photos"
        for i in range(count):
            write_photo(photos / ("trip" if i % 2 else "") / f"p{i}.jpg", seed=i)
        library = open_library()
        library.add_root(photos)
        worker = Worker(library, settle_s=settle_s, poll_s=POLL)
        live = Live(library, worker, photos.resolve())
        worker.subscribe(live.events.append)
        if before_start is not None:
            before_start(live)
        started.append(worker)
        worker.start()
        if wait:
            assert worker.wait_idle(60), "the worker never became idle"
        return live

    yield start
    for worker in started:
        worker.stop()


def test_a_raw_whose_jpeg_cannot_be_read_is_indexed_in_its_place(start_live) -> None:
    live = start_live()
    raw = live.photos / "P0003.RW2"
    shutil.copy(Path(__file__).parent / "fixtures" / "raw" / "Panasonic.rw2", raw)
    (live.photos / "P0003.JPG").write_bytes(b"\xff\xd8\xff\xe0 cut off by a full card")
    eventually(lambda: raw in searchable(live.library), what="the raw is indexed for its unreadable JPEG")
    assert [p.name for p, _ in live.library.status().failures] == ["P0003.JPG"]
    assert any(isinstance(e, PhotosChanged) and live.library.catalog.photo_by_path(raw).id in e.added
               for e in live.events)


def test_not_duplicates_undone_says_its_photos_changed_before_the_worker_is_idle(start_live) -> None:
    """A view of the groups looked again on the Idle of the job before, and the group never came back."""
    live = start_live()
    ids = tuple(live.photo_id(path) for path in sorted(live.photos.rglob("*.jpg"))[:2])
    live.worker.not_duplicates(ids)
    assert live.worker.wait_idle(30)
    live.events.clear()
    live.worker.maybe_duplicates(ids)
    assert live.worker.wait_idle(30)
    eventually(lambda: any(isinstance(e, Idle) for e in live.events), what="Idle")
    said = [e for e in live.events if isinstance(e, PhotosChanged | Idle)]
    assert isinstance(said[0], PhotosChanged) and said[0].updated == ids and not live.library.catalog.distinct_pairs()


def test_what_the_user_asked_just_before_the_worker_stopped_is_kept(start_live, tmp_path: Path) -> None:
    """A folder added while the model loaded at the app's start, then Quit: the job waited behind
    the model and was dropped at stop; so were tags given and photos trashed then."""
    live = start_live()
    more = tmp_path / "more"
    write_photo(more / "m0.jpg", seed=20)
    p0, p2, p3 = (live.photo_id(live.photos / name) for name in ("p0.jpg", "p2.jpg", "trip/p3.jpg"))
    busy, release = threading.Event(), threading.Event()
    live.worker._submit("model", lambda: (busy.set(), release.wait(30)), Priority.CHANGES)
    assert busy.wait(30)
    live.worker.add_root(more)
    live.worker.add_tag([p0, p2], "lake")
    live.worker.trash([p3])
    stopping = threading.Thread(target=live.worker.stop)
    stopping.start()
    eventually(lambda: live.worker._stopping, what="the stop")
    release.set()
    stopping.join(30)

    assert more.resolve() in {root.path for root in live.library.roots()}
    assert sorted(live.library.tagged("lake")) == sorted([p0, p2])
    assert not (live.photos / "trip" / "p3.jpg").exists() and live.library.photo(p3) is None


def test_a_photo_copied_in_becomes_searchable(start_live, tmp_path: Path) -> None:
    live = start_live()
    assert searchable(live.library) == {p for p in live.photos.rglob("*.jpg")}
    outside = write_photo(tmp_path / "camera" / "new.jpg", seed=50)
    shutil.copy(outside, live.photos / "trip" / "new.jpg")
    eventually(lambda: live.photos / "trip" / "new.jpg" in searchable(live.library), what="the copy is searchable")
    new_id = live.photo_id(live.photos / "trip" / "new.jpg")
    assert any(new_id in e.added for e in live.of(PhotosChanged))


def test_a_moved_file_and_a_renamed_folder_keep_their_ids_without_encoding(start_live, monkeypatch) -> None:
    live = start_live(count=6)
    spy = EncoderSpy(live.library, monkeypatch)
    file_id = live.photo_id(live.photos / "p0.jpg")
    folder_ids = {p.name: live.photo_id(p) for p in (live.photos / "trip").glob("*.jpg")}
    (live.photos / "elsewhere").mkdir()
    (live.photos / "p0.jpg").rename(live.photos / "elsewhere" / "moved.jpg")
    (live.photos / "trip").rename(live.photos / "holiday")

    def all_moved() -> bool:
        return live.photo_id(live.photos / "elsewhere" / "moved.jpg") == file_id and all(
            live.photo_id(live.photos / "holiday" / name) == pid for name, pid in folder_ids.items()
        )

    eventually(all_moved, what="the moved file and folder keep their ids")
    assert live.worker.wait_idle(TIMEOUT)
    assert spy.images == 0
    found = searchable(live.library)
    assert live.photos / "elsewhere" / "moved.jpg" in found
    assert {live.photos / "holiday" / name for name in folder_ids} <= found
    assert not any(p.is_relative_to(live.photos / "trip") for p in found)
    assert live.photos / "p0.jpg" not in found

def test_a_folder_moved_to_another_root_keeps_its_ids_without_encoding(start_live, tmp_path: Path, monkeypatch) -> None:
    # each root has its own observer, so the move reaches the worker as a deletion in one root
    # and a new folder in the other; the folder's photos must still keep their ids and vectors
    other = tmp_path / "archive"
    other.mkdir()
    write_photo(other / "kept.jpg", seed=300)
    live = start_live(count=6, settle_s=1.0, before_start=lambda live: live.library.add_root(other))
    spy = EncoderSpy(live.library, monkeypatch)
    before = {p.name: live.photo_id(p) for p in (live.photos / "trip").glob("*.jpg")}
    shutil.move(str(live.photos / "trip"), str(other / "trip"))
    target = other.resolve() / "trip"

    eventually(
        lambda: all(live.photo_id(target / name) == pid for name, pid in before.items()),
        what="the moved folder's photos keep their ids",
    )
    assert live.worker.wait_idle(TIMEOUT)
    assert spy.images == 0
    assert {target / name for name in before} <= searchable(live.library)


def test_a_photo_exiftool_edits_under_watch_keeps_its_tag_and_its_backup_is_not_a_photo(start_live) -> None:
    live = start_live()
    photo = live.photos / "p0.jpg"
    first = live.photo_id(photo)
    live.library.add_tag([first], "grandma")
    data = photo.read_bytes()
    backup = photo.rename(photo.with_name("p0.jpg_original"))
    photo.write_bytes(data[:2] + b"\xff\xfe\x00\x0cexiftool 1" + data[2:])  # a comment added, same pixels

    def edited() -> bool:
        now = live.library.photo_at(photo)
        return now is not None and now.size == len(data) + 14 and now.status == "indexed"

    eventually(edited, what="the edited photo is read again")
    assert live.worker.wait_idle(TIMEOUT)
    assert live.photo_id(photo) == first and live.library.tagged("grandma") == [first]
    assert live.library.photo_at(backup) is None and live.library.status().counts.total == 4


def test_a_photo_written_anew_keeping_its_size_and_date_is_read_again(start_live) -> None:
    """An edit that keeps the file's date (`touch -r`, exiftool -P), in a format whose size
    follows from the picture's (a BMP): its id and tags stay, its bytes and vector are new."""
    live = start_live()
    photo = write_photo(live.photos / "scan.bmp", seed=10, fmt="BMP")
    eventually(lambda: (p := live.library.photo_at(photo)) is not None and p.status == "indexed",
               what="the BMP indexed")
    before = live.library.photo_at(photo)
    live.library.add_tag([before.id], "grandma")
    stat = photo.stat()
    write_photo(photo, seed=11, fmt="BMP")
    os.utime(photo, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert photo.stat().st_size == stat.st_size
    eventually(lambda: (p := live.library.photo_at(photo)).hash != before.hash and p.status == "indexed",
               what="the new bytes read")
    assert live.photo_id(photo) == before.id and live.library.tagged("grandma") == [before.id]


def test_a_photo_moved_out_of_the_library_and_back_gets_its_tag_back(start_live, tmp_path: Path) -> None:
    live = start_live()
    photo = live.photos / "p0.jpg"
    live.library.add_tag([live.photo_id(photo)], "grandma")
    away = photo.rename(tmp_path / "away.jpg")
    eventually(lambda: live.library.photo_at(photo) is None, what="the photo moved away is forgotten")
    away.rename(photo)
    eventually(lambda: live.library.tagged("grandma") == [live.photo_id(photo)], what="its tag back")


def test_photos_moved_by_copying_then_deleting_keep_their_tags(start_live, tmp_path: Path) -> None:
    """A file and a folder copied within the library, the copies indexed, the originals deleted
    seconds later (a file manager moving them between drives): the copies have their tags."""
    live = start_live()
    for photo in (live.photos / "p0.jpg", live.photos / "trip" / "p1.jpg"):
        live.library.add_tag([live.photo_id(photo)], f"tag of {photo.name}")
    (live.photos / "other").mkdir()
    shutil.copy2(live.photos / "p0.jpg", live.photos / "other" / "p0.jpg")
    shutil.copytree(live.photos / "trip", live.photos / "other" / "trip")
    copies = [live.photos / "other" / "p0.jpg", live.photos / "other" / "trip" / "p1.jpg"]
    eventually(lambda: all(live.library.photo_at(c) and live.library.photo_at(c).status == "indexed" for c in copies),
               what="the copies indexed")
    time.sleep(2)
    (live.photos / "p0.jpg").unlink()
    shutil.rmtree(live.photos / "trip")
    eventually(lambda: live.library.status().counts.total == 4, what="the originals forgotten")
    assert live.worker.wait_idle(TIMEOUT)
    assert live.library.tagged("tag of p0.jpg") == [live.photo_id(copies[0])]
    assert live.library.tagged("tag of p1.jpg") == [live.photo_id(copies[1])]


def test_a_photo_an_editor_saves_through_a_backup_keeps_its_id_and_tags(start_live, tmp_path: Path) -> None:
    """Renamed to "p0.jpg~", written anew a moment later, the backup deleted (as vim, gedit
    and others save): the same photo, edited."""
    live = start_live()
    photo = live.photos / "p0.jpg"
    pid, before = live.photo_id(photo), live.library.photo_at(photo).hash
    live.library.add_tag([pid], "grandma")
    backup = photo.rename(live.photos / "p0.jpg~")
    time.sleep(0.2)
    write_photo(tmp_path / "edited.jpg", seed=70).rename(photo)
    backup.unlink()
    eventually(lambda: live.library.photo_at(photo) is not None and live.library.photo_at(photo).hash != before
               and live.library.photo_at(photo).status == "indexed", what="the edited photo indexed")
    assert live.photo_id(photo) == pid and live.library.tagged("grandma") == [pid]


@pytest.mark.parametrize("gap", [1.2, 3.0])
def test_a_photo_an_editor_saves_slowly_through_a_backup_keeps_its_id_and_tags(start_live, tmp_path, gap) -> None:
    """A big image takes seconds to encode between the rename to "p0.jpg.bak" and the new file."""
    live = start_live()
    photo = live.photos / "p0.jpg"
    pid, before = live.photo_id(photo), live.library.photo_at(photo).hash
    live.library.add_tag([pid], "grandma")
    edited = write_photo(tmp_path / "edited.jpg", seed=70)
    photo.rename(live.photos / "p0.jpg.bak")
    time.sleep(gap)
    shutil.copyfile(edited, photo)
    eventually(lambda: live.library.photo_at(photo) is not None and live.library.photo_at(photo).hash != before
               and live.library.photo_at(photo).status == "indexed", what="the edited photo indexed")
    assert live.photo_id(photo) == pid and live.library.tagged("grandma") == [pid]


def test_a_photo_renamed_away_is_forgotten_after_the_backup_window_and_a_later_file_is_new(
    start_live, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(worker_module, "BACKUP_SAVE_S", 1.5)
    live = start_live()
    photo = live.photos / "p0.jpg"
    pid = live.photo_id(photo)
    live.library.add_tag([pid], "grandma")
    renamed_at = time.monotonic()
    photo.rename(live.photos / "p0.jpg.bak")
    eventually(lambda: live.photo_id(photo) is None, what="the photo renamed away is forgotten")
    assert time.monotonic() - renamed_at >= 1.5
    write_photo(photo, seed=71)
    eventually(lambda: live.library.photo_at(photo) is not None and live.library.photo_at(photo).status == "indexed",
               what="the new photo indexed")
    assert live.photo_id(photo) != pid and live.library.tagged("grandma") == []


def test_a_temporary_file_saved_over_a_photo_leaves_it_its_id_and_tags(start_live, tmp_path: Path) -> None:
    """An editor writes "p1.jpg.Xq81Zk" (as Qt's QSaveFile names it; slowly enough to be seen
    on its own), then renames it over the photo."""
    live = start_live()
    photo = live.photos / "trip" / "p1.jpg"
    pid, before = live.photo_id(photo), live.library.photo_at(photo).hash
    live.library.add_tag([pid], "grandma")
    temporary = write_photo(tmp_path / "edited.jpg", seed=71).rename(photo.with_name("p1.jpg.Xq81Zk"))
    eventually(lambda: live.photo_id(temporary) is not None, what="the temporary file seen on its own")
    temporary.replace(photo)
    eventually(lambda: live.library.photo_at(photo).hash != before and live.library.photo_at(photo).status == "indexed",
               what="the saved photo indexed again")
    assert live.photo_id(photo) == pid and live.library.tagged("grandma") == [pid]
    assert live.photo_id(temporary) is None


def test_a_deleted_file_leaves_the_results(start_live) -> None:
    live = start_live()
    gone = live.photos / "p2.jpg"
    gone_id = live.photo_id(gone)
    gone.unlink()
    eventually(lambda: gone not in searchable(live.library), what="the deleted photo leaves the results")
    assert live.library.catalog.photo(gone_id) is None
    eventually(lambda: any(gone_id in e.removed for e in live.of(PhotosChanged)), what="PhotosChanged.removed")


def test_a_half_written_file_is_indexed_only_once_complete(start_live, tmp_path: Path, monkeypatch) -> None:
    live = start_live(settle_s=1.0)
    spy = EncoderSpy(live.library, monkeypatch)
    data = write_photo(tmp_path / "camera" / "big.png", seed=60, size=(640, 480), fmt="PNG").read_bytes()
    target = live.photos / "big.png"
    with open(target, "wb") as fh:
        for start in range(0, len(data), len(data) // 20 + 1):
            fh.write(data[start:start + len(data) // 20 + 1])
            fh.flush()
            time.sleep(0.1)  # a slow copy: 2 s in all, far longer than the settle interval
            assert live.photo_id(target) is None, "a file still being written entered the catalog"
    eventually(lambda: target in searchable(live.library), what="the finished file is searchable")
    photo = live.library.catalog.photo_by_path(target)
    assert (photo.status, photo.size) == ("indexed", len(data))
    assert spy.images == 1


def test_a_file_written_slowly_is_never_shown_failed_or_damaged_while_it_is_written(
    start_live, tmp_path: Path
) -> None:
    live = start_live()
    data = write_photo(tmp_path / "camera" / "slow.jpg", seed=61, size=(1600, 1200)).read_bytes()
    target = live.photos / "slow.jpg"
    seen: list[str] = []

    def look() -> None:
        seen.extend(f"failed: {why}" for path, why in live.library.status().failures if path == target)
        seen.extend(f"damaged: {how}" for path, how in live.library.catalog.damaged() if path == target)

    step = len(data) // 6 + 1
    with open(target, "wb") as fh:
        for start in range(0, len(data), step):
            fh.write(data[start:start + step])
            fh.flush()
            until = time.monotonic() + 2 * SETTLE + 0.1  # settles between writes, as a slow copy does
            while time.monotonic() < until:
                look()
                time.sleep(0.02)
    eventually(lambda: target in searchable(live.library), what="the finished file is searchable")
    look()
    assert seen == []
    assert live.library.catalog.photo_by_path(target).size == len(data)
    assert not any(e.failed for e in live.of(IndexProgress))


@pytest.mark.parametrize("name", ["IMG_8003.jpg", "IMG_8003.webp"])  # a JPEG ends in a marker, a WebP in none
def test_a_file_written_in_place_chunk_by_chunk_is_never_said_failed_but_one_left_cut_short_is(
    start_live, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    """A sync client (OneDrive, Nextcloud) appends each chunk to the photo's own name, closing it in between and
    pausing longer than a file takes to settle: what it wrote so far may be read, cut short, and read again once
    the file settles. A file it leaves cut short is said to be so then."""
    monkeypatch.setattr(worker_module, "WRITING_SETTLES", 10)  # pauses well within it, on a busy machine too
    live = start_live()
    fmt = "JPEG" if name.endswith(".jpg") else "WEBP"
    data = write_photo(tmp_path / "cloud" / name, seed=63, size=(1600, 1200), fmt=fmt).read_bytes()
    target, cut = live.photos / name, live.photos / f"cut_{name}"
    step = len(data) // 4 + 1
    for start in range(0, len(data), step):
        with open(target, "ab") as fh:
            fh.write(data[start:start + step])
        time.sleep(2 * SETTLE)  # settled before the next chunk
    eventually(lambda: target in searchable(live.library), what="the finished file is searchable")
    photo = live.library.catalog.photo_by_path(target)
    assert (photo.status, photo.size, photo.damage) == ("indexed", len(data), None)
    assert not any(e.failed for e in live.of(IndexProgress))
    cut.write_bytes(data[:len(data) // 2])
    eventually(lambda: any(path == cut for path, _ in live.library.status().failures), what="the cut file failed")
    assert live.worker.wait_idle(TIMEOUT)
    assert [path for path, _ in live.library.status().failures] == [cut]
    assert live.of(IndexProgress)[-1].failed == 1


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="inotify tells when a writer closes a file")
def test_a_file_whose_writer_stalls_mid_write_waits_for_its_writer_to_close_it(start_live, tmp_path: Path) -> None:
    """A network or USB copy that stops for seconds halfway, long past settling and WRITING_SETTLES."""
    live = start_live()
    data = write_photo(tmp_path / "camera" / "stalled.jpg", seed=62, size=(1600, 1200)).read_bytes()
    target = live.photos / "stalled.jpg"
    with open(target, "wb") as fh:
        fh.write(data[:len(data) // 2])
        fh.flush()
        time.sleep(10 * SETTLE)
        assert live.photo_id(target) is None, "a file still open for writing entered the catalog"
        fh.write(data[len(data) // 2:])
    eventually(lambda: target in searchable(live.library), what="the finished file is searchable")
    photo = live.library.catalog.photo_by_path(target)
    assert (photo.status, photo.size, photo.damage) == ("indexed", len(data), None)
    assert not any(e.failed for e in live.of(IndexProgress))


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="inotify tells when a writer closes a file")
def test_a_file_its_writer_closed_is_read_without_waiting_for_it_to_age(
    start_live, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A copy that ended (its writer closed it) is searchable a settle interval later, not after
    WRITING_SETTLES of them: here, those would be an hour."""
    def aged(live: Live) -> None:  # the photos there before: written long ago
        for photo in live.photos.rglob("*.jpg"):
            os.utime(photo, (time.time() - 7200, time.time() - 7200))

    monkeypatch.setattr(worker_module, "WRITING_SETTLES", 3600 / SETTLE)
    live = start_live(before_start=aged)
    target = live.photos / "copied.jpg"
    shutil.copyfile(write_photo(tmp_path / "camera" / "copied.jpg", seed=64), target)
    eventually(lambda: target in searchable(live.library), what="the copied photo is searchable")
    assert str(target) not in live.worker._changes.closed  # taken, not kept for the life of the watch


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="inotify tells a change of permissions")
def test_a_change_of_permissions_is_looked_at(start_live, monkeypatch: pytest.MonkeyPatch) -> None:
    """A photo or folder the user lets photoclip read while it watches: a photo that failed for
    want of permission is read again (scan._readable_again), and the folders that could not be
    read are looked at now, not at the next poll (_reopen_folders; here, running as root,
    nothing is denied)."""
    live = start_live()
    looked: list[str] = []
    touch = live.worker._changes.touch
    monkeypatch.setattr(live.worker._changes, "touch", lambda path, *rest: (looked.append(path), touch(path, *rest)))
    polls: list[float] = []
    reopen = live.worker._reopen_folders
    monkeypatch.setattr(live.worker, "_reopen_folders", lambda: (polls.append(time.monotonic()), reopen())[1])
    live.worker.poll_s = 3600.0  # from the next poll on, none for an hour
    eventually(lambda: polls, what="a poll")
    photo, folder = live.photos / "p0.jpg", live.photos / "trip"
    photo.chmod(0o600)
    eventually(lambda: str(photo) in looked, what="the photo looked at")
    asked = time.monotonic()
    folder.chmod(0o700)
    eventually(lambda: any(at >= asked for at in polls), what="the unreadable folders looked at")


def test_a_file_its_writer_keeps_open_is_indexed_after_a_while_and_polling_keeps_settling(
    start_live, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(worker_module, "OPEN_WRITE_MAX_S", 2.0)
    live = start_live()
    data = write_photo(tmp_path / "camera" / "open.jpg", seed=63).read_bytes()
    target = live.photos / "open.jpg"
    with open(target, "wb") as fh:
        fh.write(data)
        fh.flush()
        eventually(lambda: target in searchable(live.library), what="the photo indexed while still open")
    assert not worker_module._hears_closes(PollingObserver())


def test_photos_in_a_folder_linked_from_elsewhere_are_watched_by_the_links_path(start_live, tmp_path: Path) -> None:
    """A link to a folder on another drive, there before the worker started, and one made while it watches:
    photos copied into, moved within, and deleted from their folders are seen as they happen."""
    elsewhere = tmp_path / "drive"
    write_photo(elsewhere / "before" / "old.jpg", seed=80)
    write_photo(elsewhere / "later" / "old.jpg", seed=81)
    live = start_live(before_start=lambda live: os.symlink(elsewhere / "before", live.photos / "linked"))
    os.symlink(elsewhere / "later", live.photos / "trip" / "linked later")
    linked = [live.photos / "linked", live.photos / "trip" / "linked later"]
    eventually(lambda: linked[1] / "old.jpg" in searchable(live.library), what="the photo linked later")
    assert live.worker.wait_idle(TIMEOUT)
    for seed, link in enumerate(linked, start=82):
        write_photo(tmp_path / "camera" / f"{seed}.jpg", seed=seed)
        shutil.copy(tmp_path / "camera" / f"{seed}.jpg", elsewhere / link.resolve().name / "new.jpg")
        eventually(lambda: link / "new.jpg" in searchable(live.library), what=f"the new photo in {link}")
    pid = live.photo_id(linked[0] / "new.jpg")
    (elsewhere / "before" / "new.jpg").rename(elsewhere / "before" / "renamed.jpg")
    (elsewhere / "later" / "old.jpg").unlink()
    eventually(lambda: live.photo_id(linked[0] / "renamed.jpg") == pid, what="the move, by the link's path")
    eventually(lambda: linked[1] / "old.jpg" not in searchable(live.library), what="the deletion")
    assert not any(str(p).startswith(str(elsewhere.resolve())) for p in searchable(live.library))


def test_a_link_back_up_the_tree_made_while_watching_adds_nothing(start_live, tmp_path: Path) -> None:
    live = start_live()
    before = searchable(live.library)
    (live.photos / "sub").mkdir()
    os.symlink("..", live.photos / "sub" / "up")
    os.symlink(live.photos / "trip", live.photos / "sidelink")
    write_photo(tmp_path / "camera" / "new.jpg", seed=70)
    shutil.copy(tmp_path / "camera" / "new.jpg", live.photos / "sub" / "new.jpg")  # after the links: a marker
    eventually(lambda: live.photos / "sub" / "new.jpg" in searchable(live.library), what="the marker is searchable")
    time.sleep(3 * SETTLE)
    assert live.worker.wait_idle(TIMEOUT)
    assert searchable(live.library) == before | {live.photos / "sub" / "new.jpg"}
    assert len(live.library.catalog.file_states(live.library.roots()[0].id)) == len(before) + 1


def test_a_share_that_hangs_goes_offline_and_the_worker_goes_on_watching_the_rest(
    start_live, hanging_share: HangingShare
) -> None:
    """A share whose server went away held the worker in its first look for ever: no other folder was
    watched or indexed, and stopping the app waited for it."""
    write_photo(hanging_share.folder / "a.jpg", seed=1)

    def add_share(live: Live) -> None:
        live.library.index([hanging_share.folder])
        hanging_share.hang()

    live = start_live(before_start=add_share, wait=False)
    eventually(lambda: any(r.silent for e in live.of(RootsChanged) for r in e.roots), what="the share said silent")
    write_photo(live.photos / "new.jpg", seed=20)
    eventually(lambda: (photo := live.library.catalog.photo_by_path(live.photos / "new.jpg")) is not None
               and photo.status == "indexed", what="a new photo indexed")
    assert {r.path: (r.online, r.silent) for r in within(10, live.library.roots)} == {
        hanging_share.folder: (False, True), live.photos: (True, False)}
    within(15, live.worker.stop)


def test_a_share_that_stops_answering_as_its_photos_are_read_leaves_them_waiting_and_the_worker_goes_on(
    start_live, hanging_share: HangingShare, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The worker read the share's photos on threads that waited for it for ever, and waited with them:
    nothing else was indexed again, and stopping the app waited too."""
    on_share = [write_photo(hanging_share.folder / "Trip" / f"{n}.jpg", seed=40 + n) for n in range(3)]
    real_decode, gone = pipeline.decode_photo, []

    def share_goes_away(path: Path, *args: object) -> object:
        if hanging_share.folder in path.parents and not gone:
            gone.append(path)
            hanging_share.hang()
        return real_decode(path, *args)

    monkeypatch.setattr(pipeline, "decode_photo", share_goes_away)
    live = start_live(before_start=lambda live: live.library.add_root(hanging_share.folder), wait=False)

    eventually(lambda: any(r.silent for e in live.of(RootsChanged) for r in e.roots), what="the share said silent")
    write_photo(live.photos / "new.jpg", seed=20)
    eventually(lambda: (photo := live.library.catalog.photo_by_path(live.photos / "new.jpg")) is not None
               and photo.status == "indexed", what="a new photo indexed")
    assert {live.library.catalog.photo_by_path(path).status for path in on_share} == {"pending"}
    assert live.worker.wait_idle(TIMEOUT)
    hanging_share.answer()
    eventually(lambda: {live.library.catalog.photo_by_path(path).status for path in on_share} == {"indexed"},
               what="the share's photos indexed once it answers")
    within(15, live.worker.stop)


def test_photos_taken_from_the_plan_on_a_share_that_stopped_answering_are_not_looked_at(
    start_live, hanging_share: HangingShare
) -> None:
    """Planned before their share went away, each photo's date was looked at before it was read (was it just
    written?): that look waited for the share for ever, and the worker with it."""
    on_share = write_photo(hanging_share.folder / "a.jpg", seed=40)
    live = start_live(before_start=lambda live: live.library.add_root(hanging_share.folder))
    local = live.photos / "p0.jpg"
    items = [(live.library.catalog.photo_by_path(path).id, path) for path in (on_share, local)]
    hanging_share.hang()

    assert within(10, live.worker._wait_for_writers, items) == items[1:]
    within(15, live.worker.stop)


def test_a_share_watched_by_polling_that_stops_answering_holds_the_worker_up_no_more(
    start_live, hanging_share: HangingShare, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Shares are watched by polling; one that stopped answering held its observer in a look, and
    watchdog's stop waited for that look for ever: the worker, taking the share offline, stopped with it."""
    write_photo(hanging_share.folder / "a.jpg", seed=1)
    on_network_share = worker_module.mounts.on_network_share
    monkeypatch.setattr(worker_module.mounts, "on_network_share",
                        lambda path, *args: path == hanging_share.folder or on_network_share(path, *args))
    monkeypatch.setattr(worker_module, "NETWORK_POLLING_INTERVAL_S", 0.2)
    live = start_live(before_start=lambda live: live.library.add_root(hanging_share.folder))
    assert live.library.catalog.photo_by_path(hanging_share.folder / "a.jpg").status == "indexed"
    hanging_share.hang()
    time.sleep(1)  # the observer's poll is held in the share now

    eventually(lambda: any(r.silent for e in live.of(RootsChanged) for r in e.roots), what="the share said silent")
    write_photo(live.photos / "new.jpg", seed=20)
    eventually(lambda: (photo := live.library.catalog.photo_by_path(live.photos / "new.jpg")) is not None
               and photo.status == "indexed", what="a new photo indexed")
    within(20, live.worker.stop)


def test_a_root_renamed_away_goes_offline_keeps_everything_and_comes_back(start_live, tmp_path: Path) -> None:
    live = start_live()
    before = {p.id: p.path for p in live.library.catalog.photos(live.library.photos_by_date()).values()}
    away = tmp_path / "unplugged"
    live.photos.rename(away)
    eventually(lambda: not live.library.roots()[0].online, what="the root shows offline")
    eventually(lambda: any(not r.online for e in live.of(RootsChanged) for r in e.roots), what="RootsChanged offline")
    assert live.worker.wait_idle(TIMEOUT)
    assert {p.id: p.path for p in live.library.catalog.photos(before).values()} == before
    assert searchable(live.library) == set(before.values())  # still found (thumbnails may be cached)
    away.rename(live.photos)
    eventually(lambda: live.library.roots()[0].online, what="the root comes back online")
    assert live.worker.wait_idle(TIMEOUT)
    assert {p.id: p.path for p in live.library.catalog.photos(before).values()} == before
    assert live.library.status().counts.indexed == len(before)
    assert not [e for e in live.of(PhotosChanged) if e.removed]
    assert live.of(RootsChanged)[-1].roots[0].online
    # and it is watched again
    write_photo(live.photos / "after.jpg", seed=70)
    eventually(lambda: live.photos / "after.jpg" in searchable(live.library), what="watching resumed")


def test_deletion_events_from_a_vanished_drive_delete_nothing(
    open_library, photo_folder: Path, tmp_path, mount_point
) -> None:
    mount_point(photo_folder)
    library = open_library()
    library.index([photo_folder])
    paths = sorted(p.resolve() for p in photo_folder.rglob("*.*") if ".hidden" not in p.parts)
    photo_folder.rename(tmp_path / "gone")
    changes = library.scan_paths([photo_folder.resolve(), *paths])
    assert not changes.removed and [r.path for r in changes.offline] == [photo_folder.resolve()]
    assert library.status().counts.total == 6
    # an unmounted drive can leave an empty mount point behind: the same
    photo_folder.mkdir()
    library.catalog.set_root_online(library.roots()[0].id, True)
    changes = library.scan_paths(paths)
    assert not changes.removed and changes.offline
    assert library.status().counts.total == 6 and len(searchable(library)) == 6


def test_a_file_seen_before_the_deletion_of_its_old_path_keeps_its_id(open_library, photo_folder: Path) -> None:
    # a rename into a folder created a moment before reaches watchdog as "created" first and
    # "deleted" half a second later: the new path alone must already be recognised as a move
    library = open_library()
    library.index([photo_folder])
    old = (photo_folder / "p1.jpg").resolve()
    old_id = library.catalog.photo_by_path(old).id
    new = photo_folder.resolve() / "new-folder" / "p1.jpg"
    new.parent.mkdir()
    old.rename(new)
    changes = library.scan_paths([new])
    assert changes.moved == (old_id,) and not changes.added
    assert library.catalog.photo_by_path(new).id == old_id and library.catalog.photo_by_path(old) is None
    assert not library.scan_paths([old])  # the late deletion event finds nothing left to do


def test_a_copy_of_a_photo_on_an_offline_drive_does_not_take_its_id(open_library, photo_folder, tmp_path) -> None:
    library = open_library()
    library.index([photo_folder])
    laptop = tmp_path / "laptop"
    laptop.mkdir()
    write_photo(laptop / "unrelated.jpg", seed=1234)
    library.add_root(laptop)
    original = library.catalog.photo_by_path((photo_folder / "p1.jpg").resolve())
    shutil.copy(photo_folder / "p1.jpg", laptop / "copy.jpg")
    photo_folder.rename(tmp_path / "unplugged")
    library.scan([r for r in library.roots() if r.path == photo_folder.resolve()])  # now offline
    changes = library.scan_paths([(laptop / "copy.jpg").resolve()])
    assert len(changes.added) == 1 and not changes.moved
    assert library.catalog.photo(original.id).path == original.path


def after_first_batch(action: Callable[[Worker], None]) -> Callable[[Live], None]:
    """A `before_start` hook: call `action(worker)` once, when the first batch is stored."""

    def hook(live: Live) -> None:
        once = threading.Event()

        def on_event(event: WorkerEvent) -> None:
            if isinstance(event, PhotosChanged) and event.updated and not once.is_set():
                once.set()
                action(live.worker)

        live.worker.subscribe(on_event)

    return hook


def test_pause_stops_progress_and_resume_continues(start_live) -> None:
    live = start_live(count=48, before_start=after_first_batch(Worker.pause), wait=False)
    eventually(lambda: any(e.paused for e in live.of(IndexProgress)), what="the worker says it paused")
    assert live.worker.paused and live.worker.busy
    assert {e.total for e in live.of(IndexProgress)} == {48}, "the total stays the same through a pause"
    indexed = live.library.status().counts.indexed
    assert 0 < indexed < 48
    time.sleep(1.0)
    assert live.library.status().counts.indexed == indexed
    assert not live.worker.wait_idle(0.2)
    live.worker.resume()
    assert live.worker.wait_idle(TIMEOUT)
    assert live.library.status().counts.indexed == 48
    assert not live.of(IndexProgress)[-1].paused


def test_subscribers_get_progress_and_idle_and_can_unsubscribe(start_live) -> None:
    second: list[WorkerEvent] = []
    holder: dict[str, Callable[[], None]] = {}

    def subscribe_second(live: Live) -> None:
        holder["unsubscribe"] = live.worker.subscribe(second.append)

    live = start_live(count=5, before_start=subscribe_second)
    for events in (live.events, second):
        progress = [e for e in events if isinstance(e, IndexProgress)]
        assert progress and progress[-1].done == progress[-1].total == 5
        assert progress[-1].rate > 0 and progress[-1].failed == 0
        assert isinstance(events[-1], Idle)
        assert any(isinstance(e, RootsChanged) for e in events)
    holder["unsubscribe"]()
    count = len(second)
    write_photo(live.photos / "more.jpg", seed=80)
    eventually(lambda: live.photos / "more.jpg" in searchable(live.library), what="the new photo is indexed")
    assert len(second) == count


def test_a_failing_subscriber_does_not_stop_the_worker(start_live) -> None:
    def boom(live: Live) -> None:
        live.worker.subscribe(lambda event: 1 / 0)

    live = start_live(count=3, before_start=boom)
    assert live.library.status().counts.indexed == 3


def test_model_download_progress_reaches_subscribers(start_live) -> None:
    def downloading(live: Live) -> None:
        real = live.library.encoder

        def encoder(progress=None, cancel=None):
            if progress is not None:
                progress(5, 10)
                progress(10, 10)
            return real(progress=progress, cancel=cancel)

        live.library.encoder = encoder  # type: ignore[method-assign]

    live = start_live(count=1, before_start=downloading)
    assert [(e.done, e.total) for e in live.of(ModelDownload)] == [(5, 10), (10, 10)]


def errors_of_a_worker_left_idle(library: Library, photo_folder: Path) -> list[str]:
    """The errors a worker over `photo_folder` says until it is idle, and a while after."""
    library.add_root(photo_folder)
    worker = Worker(library, poll_s=POLL)
    events: list[WorkerEvent] = []
    worker.subscribe(events.append)
    worker.start()
    try:
        assert worker.wait_idle(TIMEOUT)
        time.sleep(2 * POLL)
    finally:
        worker.stop()
    return [e.message for e in events if isinstance(e, WorkerError)]


def test_a_model_that_cannot_load_is_reported_once_and_nothing_spins(
    open_library, photo_folder: Path, tmp_path: Path
) -> None:
    # saved by an older photoclip that did not check the name: opening no longer accepts it
    save_settings(tmp_path / "library", Settings(model="ViT-B-32:no-such-weights"))
    library = open_library(model=None)
    errors = errors_of_a_worker_left_idle(library, photo_folder)
    assert len(errors) == 1 and "no-such-weights" in errors[0]
    assert library.status().counts.pending == 6


def test_a_model_file_that_holds_no_weights_is_reported_and_nothing_spins(
    open_library, photo_folder: Path, tmp_path: Path
) -> None:
    page = tmp_path / "model.safetensors"
    page.write_bytes(b"<!DOCTYPE html><html>denied</html>" * 100)  # saved in Settings, then found to be no model
    save_settings(tmp_path / "library", Settings(model="ViT-B-32", model_file=str(page)))
    library = open_library(model=None)
    errors = errors_of_a_worker_left_idle(library, photo_folder)
    assert 1 <= len(errors) <= 2 and all("holds no model weights" in e for e in errors), errors
    assert library.status().counts.pending == 6  # the counts of the model searched with: none embedded


def test_a_step_that_fails_unforeseen_is_said_once_and_tried_again_less_and_less_often(
    start_live, monkeypatch
) -> None:
    live = start_live()
    calls = []

    def broken() -> list:
        calls.append(time.monotonic())
        raise RuntimeError("a bug")

    monkeypatch.setattr(live.library, "pending", broken)
    live.worker.reindex()
    time.sleep(2.0)
    errors = [e.message for e in live.of(WorkerError)]
    assert errors == ["background work failed: a bug"]
    assert 2 <= len(calls) <= 4  # after 0.5 s, 1 s: not thousands of times a second
    assert calls[-1] - calls[-2] > calls[1] - calls[0]


def test_user_requests_come_before_the_backlog(start_live, tmp_path: Path) -> None:
    extra = tmp_path / "extra"
    for i in range(3):
        write_photo(extra / f"x{i}.jpg", seed=100 + i)

    def queue_user_folder(live: Live) -> None:
        live.worker.pause()
        live.worker.add_root(extra)

    live = start_live(count=40, before_start=queue_user_folder, wait=False)
    eventually(lambda: live.library.status().counts.total == 43, what="both folders scanned")
    live.worker.resume()
    assert live.worker.wait_idle(TIMEOUT)
    embedded = [pid for e in live.of(PhotosChanged) for pid in e.updated]
    extra_ids = {live.photo_id(p) for p in extra.resolve().glob("*.jpg")}
    assert set(embedded[:3]) == extra_ids  # in one batch or several, before any of the backlog


def test_add_and_remove_a_root_through_the_worker(start_live, tmp_path: Path) -> None:
    live = start_live(count=2)
    extra = tmp_path / "extra"
    for i in range(3):
        write_photo(extra / f"x{i}.jpg", seed=200 + i)
    live.worker.add_root(extra)
    eventually(lambda: len(live.library.roots()) == 2, what="the folder is added")
    assert live.worker.wait_idle(TIMEOUT)
    assert len(searchable(live.library)) == 5
    live.worker.remove_root(extra)
    eventually(lambda: len(live.library.roots()) == 1, what="the folder is removed")
    assert live.worker.wait_idle(TIMEOUT)
    assert len(searchable(live.library)) == 2
    assert any(len(e.removed) == 3 for e in live.of(PhotosChanged))
    assert [len(e.roots) for e in live.of(RootsChanged)][-2:] == [2, 1]
    assert extra.is_dir() and len(list(extra.iterdir())) == 3  # files untouched


def test_errors_come_back_as_one_line_events(start_live, tmp_path: Path) -> None:
    live = start_live(count=1)
    live.worker.add_root(tmp_path / "no-such-folder")
    live.worker.remove_root(tmp_path / "never-added")
    eventually(lambda: len(live.of(WorkerError)) == 2, what="two errors reported")
    for error in live.of(WorkerError):
        assert error.message and "\n" not in error.message
    assert "no-such-folder" in live.of(WorkerError)[0].message
    assert live.worker.wait_idle(TIMEOUT)


def test_cancel_leaves_the_rest_pending_until_reindex(start_live) -> None:
    live = start_live(count=48, before_start=after_first_batch(Worker.cancel))
    counts = live.library.status().counts
    assert 0 < counts.indexed < 48 and counts.pending == 48 - counts.indexed
    assert not live.worker.busy
    live.worker.reindex()
    eventually(lambda: live.library.status().counts.indexed == 48, what="reindex finishes the rest")


def test_search_from_another_thread_while_the_worker_indexes(start_live, monkeypatch) -> None:
    def slow_encoder(live: Live) -> None:
        EncoderSpy(live.library, monkeypatch, delay=0.05)

    live = start_live(count=60, before_start=slow_encoder, wait=False)
    sizes = []
    while live.worker.busy or not sizes:
        sizes.append(len(live.library.search("a photo", limit=100)))
    assert live.worker.wait_idle(TIMEOUT)
    assert sizes == sorted(sizes) and sizes[-1] <= 60
    assert len(searchable(live.library)) == 60


def test_photos_added_while_closed_are_found_at_start(open_library, photo_folder: Path) -> None:
    library = open_library()
    library.index([photo_folder])
    (photo_folder / "p1.jpg").unlink()
    write_photo(photo_folder / "trip" / "while-closed.jpg", seed=300)
    worker = Worker(library, watch=False)
    worker.start()
    try:
        assert worker.wait_idle(TIMEOUT)
    finally:
        worker.stop()
    names = {p.name for p in searchable(library)}
    assert "while-closed.jpg" in names and "p1.jpg" not in names and len(names) == 6


def test_the_native_observer_failing_falls_back_to_polling(start_live, monkeypatch) -> None:
    import photoclip.worker as worker_module

    class Broken(worker_module.PollingObserver):
        def start(self) -> None:
            raise OSError(28, "inotify watch limit reached")

    monkeypatch.setattr(worker_module, "Observer", Broken)
    live = start_live(count=2)
    assert [type(o).__name__ for _, o in live.worker._observers.values()] == ["PollingObserver"]
    write_photo(live.photos / "polled.jpg", seed=400)
    eventually(lambda: live.photos / "polled.jpg" in searchable(live.library), what="found by polling")


def test_keywords_another_program_writes_to_a_sidecar_become_tags_without_indexing_again(start_live) -> None:
    from tests.helpers import others_sidecar

    live = start_live(count=2)
    photo = live.library.photo_at(live.photos / "p0.jpg")
    generation, seen = live.library.catalog.generation(), len(live.of(TagsChanged))
    (live.photos / "p0.jpg.xmp").write_bytes(others_sidecar(["Grandma", "Birthday"]))
    eventually(lambda: {"grandma", "birthday"} <= {t.name for t in live.library.photo_tags(photo.id)
                                                    if t.source == "user"}, what="keywords read")
    eventually(lambda: len(live.of(TagsChanged)) > seen, what="TagsChanged")
    assert live.library.catalog.generation() == generation  # no photo was embedded again

    seen = len(live.of(TagsChanged))
    (live.photos / "p0.jpg.xmp").unlink()  # the keywords deleted in the other program
    eventually(lambda: not {"grandma", "birthday"} & {t.name for t in live.library.photo_tags(photo.id)},
               what="keywords taken away")
    eventually(lambda: len(live.of(TagsChanged)) > seen, what="TagsChanged")


def test_a_date_another_program_writes_to_a_sidecar_has_the_views_show_the_photo_again(start_live) -> None:
    """The date changed in the catalog, and the app kept showing the old one (and the old order):
    only a change of tags was said."""
    from tests.test_xmp import dated_xmp

    live = start_live(count=2)
    photo = live.library.photo_at(live.photos / "p0.jpg")
    seen = len(live.of(PhotosChanged))
    (live.photos / "p0.jpg.xmp").write_bytes(dated_xmp({"exif:DateTimeOriginal": "1998-12-24T18:00:00"}))
    eventually(lambda: live.library.photo_at(photo.path).taken_at == "1998-12-24T18:00:00", what="the date read")
    eventually(lambda: any(photo.id in e.updated for e in live.of(PhotosChanged)[seen:]), what="PhotosChanged")


def test_a_takeout_json_unpacked_after_its_photo_gives_it_its_date_without_encoding(start_live, monkeypatch) -> None:
    live = start_live(count=2)
    spy = EncoderSpy(live.library, monkeypatch)
    photo = live.photos / "p0.jpg"
    assert live.library.photo_at(photo).taken_at is None
    (live.photos / "p0.jpg.json").write_text(json.dumps({"photoTakenTime": {"timestamp": "1436034600"}}),
                                             encoding="utf-8")
    eventually(lambda: live.library.photo_at(photo).taken_at is not None, what="the JSON's date read")
    assert live.library.photo_at(photo).taken_at.startswith("2015-07-0")
    assert live.worker.wait_idle(TIMEOUT)
    assert spy.images == 0
    assert any(live.library.photo_at(photo).id in e.updated for e in live.of(PhotosChanged))


def test_the_worker_prunes_thumbnails_no_photo_needs_when_it_starts(start_live) -> None:
    from photoclip import imaging

    stale: list[Path] = []

    def orphan(live: Live) -> None:
        stale.append(imaging.thumbnail_path(live.library.thumbnail_dir, "e" * 32, imaging.THUMBNAIL_SIDE))
        stale[0].parent.mkdir(parents=True)
        stale[0].write_bytes(b"the thumbnail of a photo deleted long ago")
        os.utime(stale[0], (0, 0))

    start_live(count=2, before_start=orphan)
    eventually(lambda: not stale[0].exists(), what="the stale thumbnail pruned")


def test_indexing_stopped_by_a_full_disk_says_so_and_goes_on_once_there_is_room(start_live, monkeypatch) -> None:
    import photoclip.worker as worker_module

    monkeypatch.setattr(worker_module, "FULL_DISK_RETRY_S", 0.5)
    live = start_live(count=2)

    def on_the_worker_thread(statement: str) -> None:  # SQLite's own "database or disk is full"
        done = threading.Event()
        live.worker._submit("pragma", lambda: (live.library.catalog._conn.execute(statement), done.set()))
        assert done.wait(TIMEOUT)

    pages = live.library.catalog._conn.execute("PRAGMA page_count").fetchone()[0]
    on_the_worker_thread(f"PRAGMA max_page_count = {pages}")
    for i in range(40):
        write_photo(live.photos / "new" / f"n{i}.jpg", seed=600 + i)
    eventually(lambda: bool(live.of(WorkerError)), what="the full disk reported")
    assert live.of(WorkerError)[0].message.startswith("the disk that holds the library (")
    assert live.of(WorkerError)[0].message.endswith("is full; free some space there and indexing goes on by itself "
                                                    "(nothing is lost)")
    assert live.photos / "new" / "n0.jpg" not in searchable(live.library)
    time.sleep(3)  # the photos settle again and again while there is no room
    assert len(live.of(WorkerError)) == 1  # said once
    on_the_worker_thread("PRAGMA max_page_count = 1073741823")
    eventually(lambda: {live.photos / "new" / f"n{i}.jpg" for i in range(40)} <= searchable(live.library),
               what="indexing went on by itself")


def test_photos_found_but_not_stored_for_a_full_disk_are_embedded_once_there_is_room(start_live, monkeypatch) -> None:
    import photoclip.worker as worker_module

    monkeypatch.setattr(worker_module, "FULL_DISK_RETRY_S", 0.5)
    live = start_live(count=2)
    live.worker.pause()
    for i in range(20):
        write_photo(live.photos / "new" / f"n{i}.jpg", seed=700 + i)
    eventually(lambda: live.library.status().counts.pending == 20, what="the new photos found")
    time.sleep(WRITING_SETTLES * SETTLE)  # none waits for its file to be written: they go in one batch
    pages = live.library.catalog._conn.execute("PRAGMA page_count").fetchone()[0]
    limited = threading.Event()
    live.worker._submit("pragma", lambda: (live.library.catalog._conn.execute(f"PRAGMA max_page_count = {pages}"),
                                           limited.set()))
    assert limited.wait(TIMEOUT)
    live.worker.resume()
    eventually(lambda: bool(live.of(WorkerError)), what="the full disk reported")
    assert "is full; free some space there" in live.of(WorkerError)[0].message
    assert live.library.status().counts.pending == 20
    live.worker._submit("pragma", lambda: live.library.catalog._conn.execute("PRAGMA max_page_count = 1073741823"))
    eventually(lambda: live.library.status().counts.pending == 0, what="indexing went on by itself")
    assert {live.photos / "new" / f"n{i}.jpg" for i in range(20)} <= searchable(live.library)


def test_a_folder_on_a_network_share_is_watched_by_polling(start_live, monkeypatch, tmp_path: Path) -> None:
    """inotify would not hear the photos another machine adds to a NAS."""
    import photoclip.worker as worker_module
    from photoclip import mounts

    mountinfo = tmp_path / "mountinfo"
    mountinfo.write_text(f"27 1 253:1 / / rw - ext4 /dev/vda1 rw\n"
                         f"40 27 0:45 / {tmp_path.resolve()} rw - cifs //nas/photos rw\n")
    monkeypatch.setattr(mounts, "MOUNTINFO", mountinfo)
    monkeypatch.setattr(worker_module, "NETWORK_POLLING_INTERVAL_S", 0.5)
    live = start_live(count=2)
    assert mounts.on_network_share(live.photos)
    [(_, observer)] = live.worker._observers.values()
    assert type(observer).__name__ == "PollingObserver" and observer.timeout == 0.5
    write_photo(live.photos / "from-the-phone.jpg", seed=401)
    eventually(lambda: live.photos / "from-the-phone.jpg" in searchable(live.library), what="found by polling")


def test_stop_saves_the_index_at_the_catalog_generation(start_live) -> None:
    live = start_live(count=3)
    write_photo(live.photos / "late.jpg", seed=500)
    eventually(lambda: live.photos / "late.jpg" in searchable(live.library), what="indexed")
    live.worker.stop()
    meta = json.loads((live.library.directory / INDEX_DIR / META_FILE).read_text())
    assert meta["generation"] == live.library.catalog.generation()
    assert not live.worker._thread.is_alive()


def test_a_second_writer_is_refused_with_a_clear_message(open_library, tmp_path: Path) -> None:
    library = open_library()
    with pytest.raises(LibraryLockedError, match="in use by another photoclip"):
        Library.open(library.directory, model=TINY_MODEL)
    reader = Library.open(library.directory, allow_read_only_fallback=True)
    try:
        with pytest.raises(LibraryLockedError, match="read-only"):
            Worker(reader)
    finally:
        reader.close()


def test_the_worker_never_imports_qt_or_torch() -> None:
    code = "import sys, photoclip.worker; print(sorted(m for m in sys.modules if m.startswith(('PySide6', 'torch'))))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_cli_watch_indexes_until_ctrl_c_then_exits_cleanly(tmp_path: Path, photo_folder: Path) -> None:
    library_dir = tmp_path / "cli-library"
    child = subprocess.Popen(
        [sys.executable, "-m", "photoclip", "--library", str(library_dir), "--model", TINY_MODEL,
         "watch", str(photo_folder)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        def indexed() -> int:
            if not (library_dir / "catalog.sqlite").exists():
                return 0
            with Library.open(library_dir, read_only=True) as library:
                return library.status().counts.indexed

        eventually(lambda: indexed() == 6, timeout=60, what="the watch command indexes the folder")
        write_photo(photo_folder / "while-watching.jpg", seed=600)
        eventually(lambda: indexed() == 7, what="and keeps watching")
        child.send_signal(signal.SIGINT)
        _, err = child.communicate(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == 0, err
    assert "\r" not in err  # no status line when stderr is not a terminal
    with Library.open(library_dir) as library:
        meta = json.loads((library_dir / INDEX_DIR / META_FILE).read_text())
        assert meta["generation"] == library.catalog.generation()


def test_cli_watch_refuses_a_library_in_use(open_library, tmp_path: Path) -> None:
    library = open_library()
    result = subprocess.run(
        [sys.executable, "-m", "photoclip", "--library", str(library.directory), "watch"],
        capture_output=True, text=True, timeout=60,
    )
    waited, refused = result.stderr.splitlines()  # it waits a while first (a search may be reading)
    assert result.returncode == 2 and waited.startswith("waiting for another photoclip")
    assert "in use by another photoclip" in refused


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="per-thread priority is a Linux feature")
def test_indexing_runs_nicer_than_the_app(start_live, monkeypatch) -> None:

    def priority() -> int:
        return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

    mine = priority()
    decoding: list[int] = []
    encoding: list[int] = []
    real_decode = pipeline.decode_photo

    def recording_decode(*args, **kwargs):
        decoding.append(priority())
        return real_decode(*args, **kwargs)

    def record_encoding(live: Live) -> None:
        encoder = live.library.encoder()
        real_encode = encoder.encode_images

        def recording_encode(batch: np.ndarray) -> np.ndarray:
            encoding.append(priority())
            return real_encode(batch)

        monkeypatch.setattr(encoder, "encode_images", recording_encode)

    monkeypatch.setattr(pipeline, "decode_photo", recording_decode)
    monkeypatch.setenv("PHOTOCLIP_DEVICE", "cpu")  # decoding defers to an encoder on the CPU alone
    start_live(count=6, before_start=record_encoding)

    expected = max(mine, BACKGROUND_NICENESS)
    assert len(decoding) == 6 and set(decoding) == {DECODE_NICENESS}  # they defer to the encoder too
    assert encoding and set(encoding) == {expected}
    assert priority() == mine


def test_photos_are_tagged_when_indexing_is_done_and_the_users_tags_go_through_the_worker(
    start_live, tmp_path: Path
) -> None:
    def shapes(live: Live) -> None:
        live.library.set_vocabulary(shapes_vocabulary(tmp_path / "shapes.txt"))

    live = start_live(count=4, before_start=shapes)
    assert live.of(TagsChanged) and live.library.tags()
    assert sum(n for _, n in live.library.tags()) >= 4
    first = live.photo_id(live.photos / "p0.jpg")
    seen = len(live.of(TagsChanged))
    live.worker.add_tag([first], "Picnic")
    eventually(lambda: live.library.tagged("picnic") == [first], what="the user's tag stored")
    eventually(lambda: len(live.of(TagsChanged)) > seen, what="TagsChanged after the user's tag")
    live.worker.define_tag("star", "a star")  # every photo is tagged again: still one event
    assert live.worker.wait_idle(TIMEOUT)
    assert len(live.of(TagsChanged)) == seen + 2 and live.library.defined_tags() == [("star", "a star")]
    live.worker.define_tag("", "nothing")
    eventually(lambda: any("a tag needs a name" in e.message for e in live.of(WorkerError)), what="one-line error")


def test_a_long_first_run_tags_photos_as_it_goes(start_live, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr("photoclip.worker.SAVE_EVERY_S", 0.0)

    def shapes(live: Live) -> None:
        live.library.set_vocabulary(shapes_vocabulary(tmp_path / "shapes.txt"))

    live = start_live(count=48, before_start=shapes)
    events = list(live.events)
    first_tags = next(i for i, e in enumerate(events) if isinstance(e, TagsChanged))
    assert any(isinstance(e, IndexProgress) and e.done < e.total for e in events[first_tags:])


def test_a_broken_vocabulary_is_reported_once_and_indexing_goes_on(start_live, tmp_path: Path) -> None:
    vocabulary = shapes_vocabulary(tmp_path / "shapes.txt")

    def break_it(live: Live) -> None:
        live.library.set_vocabulary(vocabulary)
        vocabulary.write_text("@prompt no placeholder\nstar\n")

    live = start_live(count=2, before_start=break_it)
    write_photo(live.photos / "late.jpg", seed=9)
    eventually(lambda: live.photos / "late.jpg" in searchable(live.library), what="the late photo indexed")
    assert live.worker.wait_idle(TIMEOUT)
    errors = [e.message for e in live.of(WorkerError)]
    assert len(errors) == 1 and "photos were not tagged" in errors[0] and "line 1" in errors[0]


def test_an_index_that_cannot_be_saved_is_reported_and_the_worker_goes_on(start_live) -> None:
    live = start_live(count=2)
    index_dir = live.library.directory / INDEX_DIR
    shutil.rmtree(index_dir)
    index_dir.write_text("a file where the index folder goes")  # as a full or broken disk would refuse it
    write_photo(live.photos / "late.jpg", seed=7)
    eventually(lambda: any("cannot save the search index" in e.message for e in live.of(WorkerError)),
               what="the failed save reported")
    write_photo(live.photos / "later.jpg", seed=8)
    eventually(lambda: live.photos / "later.jpg" in searchable(live.library), what="indexing goes on")


def test_tagging_that_fails_is_reported_once_and_the_worker_goes_on(start_live, monkeypatch) -> None:
    import sqlite3

    live = start_live(count=2)

    def broken() -> int:
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(live.library, "update_tags", broken)
    for name, seed in (("late.jpg", 7), ("later.jpg", 8)):
        write_photo(live.photos / name, seed=seed)
        eventually(lambda: live.photos / name in searchable(live.library), what=f"{name} indexed")
        assert live.worker.wait_idle(TIMEOUT)
    errors = [e.message for e in live.of(WorkerError)]
    assert errors == ["photos were not tagged: disk I/O error"]


def test_a_folder_moved_out_and_back_in_warns_of_nothing(start_live, tmp_path: Path) -> None:
    """watchdog warns that it overwrites its callback for the folder's old watch: nothing the user can act on."""
    live = start_live()
    trip = live.photos / "trip"
    with warnings.catch_warnings(record=True) as caught:  # the filters in force, watch's own among them
        away = trip.rename(tmp_path / "trip")
        eventually(lambda: live.library.photo_at(trip / "p1.jpg") is None, what="the folder moved away is forgotten")
        away.rename(trip)
        eventually(lambda: live.library.photo_at(trip / "p1.jpg") is not None, what="the folder back")
        write_photo(trip / "new.jpg", seed=77)
        eventually(lambda: live.library.photo_at(trip / "new.jpg") is not None, what="a photo new in it")
    assert [str(w.message) for w in caught] == []


def _touched_and_worked(
    open_library, tmp_path: Path, photos: Path, meanwhile: Callable[[], object] = lambda: None,
) -> tuple[Library, list[object]]:
    """`photos` indexed, then (after `meanwhile`, in another program) every photo touched (a backup
    put back while the app was closed), and a worker that found them so gone idle: the library and
    the worker's events."""
    first = open_library(tmp_path / "lib")
    first.index([photos])
    first.close()
    meanwhile()
    later = time.time() + 120
    for photo in photos.glob("*.jpg"):
        os.utime(photo, (later, later))
    library = open_library(tmp_path / "lib")
    worker = Worker(library, settle_s=SETTLE, poll_s=POLL, model_at_start=False)
    events: list[object] = []
    worker.subscribe(events.append)
    worker.start()
    try:
        assert worker.wait_idle(60)
    finally:
        worker.stop()
    return library, events


def test_a_worker_settles_photos_only_touched_without_loading_the_model(open_library, tmp_path: Path) -> None:
    """A backup put back while the app was closed: every file has a new mtime and the same bytes."""
    photos = tmp_path / "photos"
    for i in range(3):
        write_photo(photos / f"p{i}.jpg", seed=i)
    library, events = _touched_and_worked(open_library, tmp_path, photos)
    assert library.status().counts.pending == 0 and not library.model_loaded
    updated = {pid for e in events if isinstance(e, PhotosChanged) for pid in e.updated}
    assert updated == {library.photo_at(p).id for p in photos.iterdir()}


def test_a_worker_settles_touched_photos_with_sidecars_without_loading_the_model(open_library, tmp_path: Path) -> None:
    """darktable keeps a sidecar beside every photo: a backup put back touched them all, and a keyword was
    added in darktable meanwhile. Only the sidecars are read again."""
    from tests.helpers import others_sidecar

    photos = tmp_path / "photos"
    for i in range(3):
        write_photo(photos / f"p{i}.jpg", seed=i)
        (photos / f"p{i}.jpg.xmp").write_bytes(others_sidecar(["Holiday"]))
    darktable = lambda: (photos / "p1.jpg.xmp").write_bytes(others_sidecar(["Holiday", "Grandma"]))  # noqa: E731
    library, events = _touched_and_worked(open_library, tmp_path, photos, darktable)
    assert library.status().counts.pending == 0 and not library.model_loaded
    tags = library.photo_tags(library.photo_at(photos / "p1.jpg").id)
    assert {t.name for t in tags if t.source == "user"} == {"holiday", "grandma"}
    assert any(isinstance(e, TagsChanged) for e in events)


def test_a_worker_told_so_loads_the_model_only_once_a_photo_is_to_be_embedded(open_library, tmp_path: Path) -> None:
    """`photoclip watch` with nothing new to index holds no model (and no torch, the CLI's own test says)."""
    photos = tmp_path / "photos"
    write_photo(photos / "p0.jpg", seed=1)
    first = open_library(tmp_path / "lib")
    first.index([photos])
    first.close()
    library = open_library(tmp_path / "lib")
    worker = Worker(library, settle_s=SETTLE, poll_s=POLL, model_at_start=False)
    worker.start()
    try:
        assert worker.wait_idle(60)
        assert not library.model_loaded
        write_photo(photos / "new.jpg", seed=2)
        eventually(lambda: (p := library.photo_at(photos / "new.jpg")) is not None and p.status == "indexed",
                   what="the new photo indexed")
        assert library.model_loaded and photos.resolve() / "new.jpg" in searchable(library)
    finally:
        worker.stop()


def test_a_worker_left_running_drops_thumbnails_of_photos_gone_and_photos_removed_from_its_index(
    start_live, monkeypatch
) -> None:
    """Not only at its next start: a library left open for weeks while photos come and go."""
    from photoclip import imaging, vectors

    monkeypatch.setattr(worker_module, "PRUNE_THUMBNAILS_EVERY_S", 0.0)
    monkeypatch.setattr(vectors, "COMPACT_FROM", 2)
    live = start_live(count=8)
    orphan = imaging.thumbnail_path(live.library.thumbnail_dir, "e" * 32, imaging.THUMBNAIL_SIDE)
    orphan.parent.mkdir(parents=True, exist_ok=True)
    orphan.write_bytes(b"the thumbnail of a photo deleted two hours ago")
    two_hours_ago = time.time() - 7200
    os.utime(orphan, (two_hours_ago, two_hours_ago))
    for i in range(4):
        (live.photos / ("trip" if i % 2 else "") / f"p{i}.jpg").unlink()
    eventually(lambda: live.library.status().counts.total == 4, what="the deleted photos leave the catalog")
    assert live.worker.wait_idle(60)
    eventually(lambda: not orphan.exists(), what="the orphan thumbnail is removed")
    eventually(lambda: json.loads((live.library.directory / INDEX_DIR / META_FILE).read_text())["deleted"] == [],
               what="the saved index holds no photo removed")
    kept = live.library.catalog.embedding_ids(live.library.model_spec.model_id)
    assert len(kept) == 4 and sorted(live.library.vectors().ids().tolist()) == sorted(kept.tolist())


def _yank(card: Path) -> list[str]:
    """Kill the FUSE process that serves `card`, as pulling the card out does to it (its reads fail with ENOTCONN):
    returns the command that mounts it again."""
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if command[0].endswith(b"mount.exfat-fuse") and os.fsencode(card) in command:
            os.kill(int(pid), signal.SIGKILL)
            return [os.fsdecode(part) for part in command if part]
    raise AssertionError(f"no FUSE process serves {card}")


def test_a_card_pulled_out_while_watched_goes_offline_without_an_error_and_comes_back(
    memory_card: Path, open_library
) -> None:
    for i in range(3):
        write_photo(memory_card / "DCIM" / "100CANON" / f"IMG_000{i}.JPG", seed=i)
    library = open_library()
    library.add_root(memory_card)
    worker = Worker(library, settle_s=SETTLE, poll_s=POLL)
    events: list[WorkerEvent] = []
    worker.subscribe(events.append)
    worker.start()
    try:
        assert worker.wait_idle(60)
        mount_again = _yank(memory_card)
        eventually(lambda: not library.roots()[0].online, what="the card's folder shows offline")
        assert not library.roots()[0].gone  # shown as a drive to plug in again, not as a folder deleted
        worker.reindex()  # the user's, while the card is out
        worker.add_root(memory_card, or_its_root=True)  # `photoclip index CARD` asking the worker
        time.sleep(4 * POLL)  # and polls that find it still dead
        subprocess.run(["umount", "-l", str(memory_card)], check=True)
        subprocess.run(mount_again, check=True)
        eventually(lambda: [e for e in events if isinstance(e, RootsChanged)][-1].roots[0].online,
                   what="the card's folder back online, and watched")
        write_photo(memory_card / "DCIM" / "100CANON" / "IMG_0003.JPG", seed=3)
        eventually(lambda: library.status().counts.indexed == 4, what="the card watched again")
        assert worker.wait_idle(TIMEOUT)
    finally:
        worker.stop()
    assert [e.message for e in events if isinstance(e, WorkerError)] == []
    assert any(not r.online for e in events if isinstance(e, RootsChanged) for r in e.roots)
    assert not [e for e in events if isinstance(e, PhotosChanged) and e.removed]


def test_a_cloud_drives_placeholder_says_so_and_is_indexed_once_its_content_comes(start_live, tmp_path: Path) -> None:
    """A sync client keeps a file not downloaded yet as a sparse file of its size, then writes its content in
    place, keeping its size and its date (the server's)."""
    live = start_live()
    data = write_photo(tmp_path / "cloud" / "IMG_0100.jpg", seed=80).read_bytes()
    target = live.photos / "IMG_0100.jpg"
    taken = time.time() - 86400
    with open(target, "wb") as fh:
        fh.truncate(len(data))
    os.utime(target, (taken, taken))
    eventually(lambda: [why for path, why in live.library.status().failures if path == target],
               what="the placeholder failed")
    [(_, why)] = [f for f in live.library.status().failures if f[0] == target]
    assert why.startswith("only zeros (a cloud drive's file not downloaded yet")
    with open(target, "r+b") as fh:
        fh.write(data)
    os.utime(target, (taken, taken))
    eventually(lambda: target in searchable(live.library), what="the downloaded photo is searchable")
    assert live.library.catalog.photo_by_path(target).status == "indexed"


def test_photos_that_failed_as_their_drive_went_are_no_failures_once_the_worker_finds_it_gone(
    open_library, ntfs_drive
) -> None:
    """An NTFS drive pulled out mid-run under `watch`: the chunk read as it went failed ("Transport endpoint is
    not connected"), then the worker found the drive gone and those photos waiting for it, but its progress
    still said them failed ("indexed 0 photos, 200 failed") though none was. Its FUSE process killed as the
    first chunk starts is the drive pulled out: every read fails so, until it is mounted again."""
    drive = ntfs_drive("ntfs-3g")
    for i in range(40):
        write_photo(drive / "DCIM" / f"IMG_{i:04}.JPG", seed=i)
    library = open_library()
    library.add_root(drive)
    events: list[WorkerEvent] = []
    pulled: list[Path] = []

    def seen(event: WorkerEvent) -> None:
        if isinstance(event, IndexProgress) and event.total and not pulled:
            subprocess.run(["pkill", "-KILL", "-f", f"ntfs-3g .* {drive}$"], check=True)
            pulled.append(event.current)
        events.append(event)

    worker = Worker(library, watch=False, settle_s=SETTLE, poll_s=POLL)
    worker.subscribe(seen)
    worker.start()
    try:
        eventually(lambda: not library.roots()[0].online, what="the drive found gone")
        assert worker.wait_idle(TIMEOUT)
    finally:
        worker.stop()
    counts = library.status().counts
    assert counts.failed == 0 and counts.pending + counts.indexed == 40
    run = events[:next(i for i, event in enumerate(events) if isinstance(event, Idle))]
    progress = [event for event in run if isinstance(event, IndexProgress)]
    assert any(event.failed for event in progress)  # as the chunk read them
    assert progress[-1].failed == 0 and progress[-1].done == counts.indexed  # what `watch` says of the run
