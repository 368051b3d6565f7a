from __future__ import annotations

import functools
import glob
import os
import shutil
import subprocess
import time
import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest

from photoclip.catalog import Catalog, PhotoMetadata, Root
from photoclip.ids import PhotoId
from photoclip.imaging import PERMISSION_DENIED, file_hash
from photoclip.library import Library
from photoclip.scan import (
    INPUT_OUTPUT_ERROR,
    LeftOut,
    images_left_out,
    is_candidate,
    is_ignored,
    left_out,
    linked_folders,
    move_path,
    scan_paths,
    scan_root,
    videos_seen,
    walk,
)
from photoclip.worker import Worker
from tests.helpers import within, write_photo

TIMEOUT = 20.0


@pytest.fixture
def catalog(tmp_path: Path) -> Catalog:
    cat = Catalog(tmp_path / "catalog.sqlite")
    yield cat
    cat.close()


@pytest.fixture
def watching() -> Iterator[Callable[[Library], Worker]]:
    """Start a worker watching a library's folders with real watchdog (short settle and poll
    intervals), idle once started; stopped after the test."""
    started: list[Worker] = []

    def start(library: Library) -> Worker:
        worker = Worker(library, settle_s=0.3, poll_s=0.5)
        started.append(worker)
        worker.start()
        assert worker.wait_idle(60), "the worker never became idle"
        return worker

    yield start
    for worker in started:
        worker.stop()


def eventually(check: Callable[[], object], what: str) -> None:
    deadline = time.monotonic() + TIMEOUT
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {TIMEOUT:.0f}s waiting for: {what}")
        time.sleep(0.05)


def test_walk_finds_photos_skips_hidden_and_non_photos(photo_folder: Path) -> None:
    (photo_folder / "notes.txt").write_text("hello")
    (photo_folder / "clip.mp4").write_bytes(b"\x00" * 100)
    found = sorted(Path(f.path).name for f in walk(photo_folder).files)
    assert found == ["p0.jpg", "p1.jpg", "p2.jpg", "p3.jpg", "p4.png", "p5.png"]


def test_a_photo_without_extension_is_found_by_content(tmp_path: Path) -> None:
    write_photo(tmp_path / "IMG_0001", seed=1)
    (tmp_path / "README").write_text("not a photo")
    assert [Path(f.path).name for f in walk(tmp_path).files] == ["IMG_0001"]


def test_backups_other_programs_leave_beside_a_photo_are_not_photos(tmp_path: Path) -> None:
    for name in ("IMG_1.JPG_original", "IMG_2.jpg~", "scan_original", "IMG_original_3.jpg", "photo~4.jpg",
                 "IMG_5.jpg.bak", "IMG_6.JPG.orig", "holiday.bak"):
        write_photo(tmp_path / name, seed=1)
    found = sorted(Path(f.path).name for f in walk(tmp_path).files)
    assert found == ["IMG_original_3.jpg", "holiday.bak", "photo~4.jpg", "scan_original"]


def test_a_download_or_copy_still_being_written_under_a_temporary_name_is_not_a_photo(tmp_path: Path) -> None:
    for name in ("IMG_1.jpg.part", "IMG_2.jpeg.crdownload", "IMG_3.png.tmp", "IMG_4.heic.partial",
                 "IMG_5.jpg.download"):
        write_photo(tmp_path / name, seed=1)
    assert walk(tmp_path).files == []


@pytest.mark.parametrize("conflict", ["IMG_7100.sync-conflict-20210704-101500-ABCDEFG.jpg",
                                      "IMG_7100 (Alice's conflicted copy 2021-07-04).jpg"])
def test_a_photo_a_sync_tool_sets_aside_as_a_conflict_copy_under_watch_keeps_its_tags_under_its_own_name(
    open_library, tmp_path: Path, watching, conflict: str,
) -> None:
    """Syncthing renames the photo to a conflict name, then its download of the other version onto the
    photo's name: the tags went with the conflict copy, and the photo under its own name had none."""
    photo = write_photo(tmp_path / "photos" / "IMG_7100.jpg", seed=1)
    library = open_library()
    library.add_root(photo.parent)
    watching(library)
    pid, before = library.photo_at(photo).id, library.photo_at(photo).hash
    library.add_tag([pid], "grandma")
    incoming = write_photo(photo.with_name(".syncthing.IMG_7100.jpg.tmp"), seed=2)

    copy = photo.rename(photo.with_name(conflict))
    incoming.rename(photo)

    eventually(lambda: all(library.photo_at(p) is not None and library.photo_at(p).status == "indexed"
                           for p in (photo, copy)) and library.photo_at(photo).hash != before,
               "the new version and the conflict copy indexed")
    assert library.photo_at(photo).id == pid and pid in library.tagged("grandma")
    assert library.photo_at(copy).hash == before


def test_browsers_downloads_still_being_written_are_no_photos_whatever_their_name(
    catalog: Catalog, tmp_path: Path,
) -> None:
    """Chrome names a download "Unconfirmed 123456.crdownload" until it is done; Safari writes "IMG_9007.jpg"
    in a folder "IMG_9007.jpg.download". Both were indexed, failed as truncated or found as damaged copies."""
    chrome = write_photo(tmp_path / "Unconfirmed 123456.crdownload", seed=1)
    safari = write_photo(tmp_path / "IMG_9007.jpg.download" / "IMG_9007.jpg", seed=2)
    root = catalog.add_root(tmp_path)
    assert walk(tmp_path).files == []
    assert not scan_paths(catalog, [root], [chrome, safari, safari.parent]).added
    assert is_ignored(root, str(safari))


def test_symlink_loops_are_not_followed(tmp_path: Path) -> None:
    write_photo(tmp_path / "a" / "x.jpg", seed=1)
    os.symlink(tmp_path, tmp_path / "a" / "loop")
    assert len(walk(tmp_path).files) == 1


def test_a_link_to_a_folder_above_the_walked_one_is_not_followed(tmp_path: Path) -> None:
    """"up -> .." or a link to "/" would walk the whole disk: each leads above, a loop."""
    root = tmp_path / "photos"
    write_photo(root / "a" / "kept.jpg", 1)
    write_photo(tmp_path / "outside.jpg", 2)
    write_photo(tmp_path / "beside" / "other.jpg", 3)
    (root / "up").symlink_to("..")
    (root / "a" / "top").symlink_to(root)
    (root / "disk").symlink_to("/")
    (root / "beside").symlink_to(tmp_path / "beside")
    assert sorted(Path(f.path).relative_to(root) for f in walk(root).files) == [
        Path("a/kept.jpg"), Path("beside/other.jpg")]


def test_the_folders_linked_from_elsewhere_are_those_a_watcher_of_the_root_would_not_hear(tmp_path: Path) -> None:
    root, drive = tmp_path / "photos", tmp_path / "drive"
    for folder in ("trips/rome", "pets", "hidden", "lib/in"):
        (drive / folder).mkdir(parents=True)
    (root / "a").mkdir(parents=True)
    (root / "trips").symlink_to(drive / "trips")
    (root / "a" / "pets").symlink_to(drive / "pets")
    (root / "a" / "sideways").symlink_to(root / "a")  # inside the root: watched with it
    (root / "up").symlink_to("..")  # a loop
    (root / ".hidden").symlink_to(drive / "hidden")
    (root / "lib").symlink_to(drive / "lib")  # a folder of the library: walked under its own path
    (drive / "trips" / "again").symlink_to(drive / "trips" / "rome")  # below a folder watched already
    trips, pets = str((drive / "trips").resolve()), str((drive / "pets").resolve())
    assert linked_folders(root, root, library=[root, drive / "lib"]) == {str(root / "trips"): trips,
                                                                          str(root / "a" / "pets"): pets}
    assert linked_folders(root, root / "a", library=[root]) == {str(root / "a" / "pets"): pets}
    assert linked_folders(root, root / "trips") == {str(root / "trips"): trips}


def test_a_folder_linked_to_a_folder_of_the_library_is_walked_under_its_own_path_only(tmp_path: Path) -> None:
    # the link sorts before the folder it names, and the walk takes folders last in first out:
    # without the library's folders to go by, the photos would be listed under the link's path
    write_photo(tmp_path / "b" / "x.jpg", seed=1)
    os.symlink(tmp_path / "b", tmp_path / "a")
    os.symlink(tmp_path, tmp_path / "b" / "up")
    assert [f.path for f in walk(tmp_path, library=[tmp_path]).files] == [str(tmp_path / "b" / "x.jpg")]
    assert walk(tmp_path / "a", library=[tmp_path]).files == []  # a walk starting at the link
    assert [Path(f.path).name for f in walk(tmp_path / "b", library=[tmp_path]).files] == ["x.jpg"]


def test_a_linked_folder_that_a_watcher_names_adds_nothing(catalog: Catalog, tmp_path: Path) -> None:
    photos = tmp_path / "photos"
    write_photo(photos / "a" / "x.jpg", seed=1)
    outside = write_photo(tmp_path / "outside" / "y.jpg", seed=2)
    root = catalog.add_root(photos)
    scan_root(catalog, root)
    (photos / "sub").mkdir()
    os.symlink(photos, photos / "sub" / "up")
    os.symlink(photos / "a", photos / "sub" / "a")
    os.symlink(outside.parent, photos / "sub" / "out")
    assert not scan_paths(catalog, [root], [photos / "sub" / "up"]).added
    changes = scan_paths(catalog, [root], [photos / "sub"])
    assert [catalog.photo(pid).path for pid in changes.added] == [photos / "sub" / "out" / "y.jpg"]
    assert len(scan_root(catalog, root).removed_vectors) == 0
    assert len(catalog.file_states(root.id)) == 2


def test_a_photo_that_failed_for_want_of_permission_is_read_again_when_a_watcher_names_it(
    catalog: Catalog, tmp_path: Path
) -> None:
    # a chmod changes neither size nor mtime: the event it causes must still retry the photo
    photo = write_photo(tmp_path / "x.jpg", seed=1)
    damaged = write_photo(tmp_path / "y.jpg", seed=2)
    root = catalog.add_root(tmp_path)
    scan_root(catalog, root)
    states = catalog.photo_states([str(photo), str(damaged)])
    catalog.store_batch("m", [], [(states[str(photo)].id, PERMISSION_DENIED), (states[str(damaged)].id, "truncated")])
    changes = scan_paths(catalog, [root], [photo, damaged])
    assert changes.changed == (states[str(photo)].id,)
    assert catalog.photo_by_path(photo).status == "pending"
    assert catalog.photo_by_path(damaged).status == "failed"  # read whole, and still cut off: it stays failed


def test_a_photo_that_failed_with_an_input_output_error_is_not_read_again_at_every_scan(
    catalog: Catalog, tmp_path: Path
) -> None:
    """Each full scan read the whole file again to see whether it read through: a bad sector stalls each
    read of it for seconds. A card pulled out is found offline, and its photos wait for it (test_scan_cards)."""
    photo = write_photo(tmp_path / "x.jpg", seed=1)
    root = catalog.add_root(tmp_path)
    scan_root(catalog, root)
    state = catalog.photo_states([str(photo)])[str(photo)]
    catalog.store_batch("m", [], [(state.id, INPUT_OUTPUT_ERROR)])

    assert not scan_root(catalog, root).changed and not scan_paths(catalog, [root], [photo]).changed
    assert catalog.photo_by_path(photo).status == "failed"


def test_a_failed_photo_restored_with_its_size_and_mtime_is_read_again_when_a_watcher_names_it(
    catalog: Catalog, tmp_path: Path
) -> None:
    photo = write_photo(tmp_path / "x.jpg", seed=1)
    root = catalog.add_root(tmp_path)
    scan_root(catalog, root)
    state = catalog.photo_states([str(photo)])[str(photo)]
    catalog.store_batch("m", [], [(state.id, "truncated file")])
    assert not scan_paths(catalog, [root], [photo]).changed
    time.sleep(0.05)  # the kernel stamps files from a clock that ticks every few milliseconds
    stat = photo.stat()
    photo.write_bytes(photo.read_bytes())
    os.utime(photo, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert scan_paths(catalog, [root], [photo]).changed == (state.id,)
    assert catalog.photo_by_path(photo).status == "pending"


def test_an_indexed_photo_written_anew_at_its_size_and_mtime_is_read_again_by_its_ctime(
    catalog: Catalog, tmp_path: Path
) -> None:
    """`touch -r` or exiftool -P keep a file's date: only a watcher that heard the write read it
    again, so an edit made while photoclip was closed kept the old vector and date for ever."""
    photo = write_photo(tmp_path / "x.bmp", seed=1, fmt="BMP")
    root = catalog.add_root(tmp_path)
    scan_root(catalog, root)
    state = catalog.photo_states([str(photo)])[str(photo)]
    catalog.store_batch("m", [(state.id, PhotoMetadata("h1", 1, 1, None, "bmp"), np.ones(4, np.float32))], [])
    time.sleep(0.05)
    stat = photo.stat()
    write_photo(photo, seed=2, fmt="BMP")
    os.utime(photo, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert photo.stat().st_size == stat.st_size
    assert scan_root(catalog, root).changed == 1
    assert catalog.photo_by_path(photo).status == "pending"
    catalog.store_batch("m", [(state.id, PhotoMetadata("h2", 1, 1, None, "bmp"), np.ones(4, np.float32))], [])
    assert scan_root(catalog, root).changed == 0  # read since: as it is
    time.sleep(0.05)
    write_photo(photo, seed=3, fmt="BMP")
    os.utime(photo, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert scan_paths(catalog, [root], [photo]).changed == (state.id,)  # what a watcher hears


def test_a_folder_a_watcher_names_is_listed_with_what_in_it_cannot_be_read(catalog: Catalog, tmp_path: Path) -> None:
    """A folder moved in while something in it cannot be read (a link loop here; a folder closed
    to the user alike) is listed as the whole scan lists it, and leaves the list once it reads."""
    root = catalog.add_root(tmp_path)
    catalog.set_unreadable(root.id, {str(tmp_path / "elsewhere"): "permission denied"})
    album = tmp_path / "album"
    write_photo(album / "a.jpg", seed=1)
    (album / "loop").symlink_to(album / "loop")
    scan_paths(catalog, [root], [album])
    assert catalog.unreadable() == [
        (album / "loop", "a symbolic link loop"), (tmp_path / "elsewhere", "permission denied")]
    (album / "loop").unlink()
    scan_paths(catalog, [root], [album])
    assert catalog.unreadable() == [(tmp_path / "elsewhere", "permission denied")]
    (album / "loop").symlink_to(album / "loop")
    scan_paths(catalog, [root], [album])
    shutil.rmtree(album)  # gone: nothing there is unreadable now
    scan_paths(catalog, [root], [album])
    assert catalog.unreadable() == [(tmp_path / "elsewhere", "permission denied")]


def _kernel_log_blocks() -> bool:
    """Whether /proc/kmsg is here to be opened (root with CAP_SYSLOG, on Linux): a "regular"
    file of size 0 whose read waits for the kernel's next message."""
    try:
        os.close(os.open("/proc/kmsg", os.O_RDONLY | os.O_NONBLOCK))
    except (OSError, AttributeError):
        return False
    return True


@pytest.fixture(params=["fifo", "kernel log"])
def blocking_file(request: pytest.FixtureRequest) -> Iterator[Callable[[Path], Path]]:
    """Makes files whose read never returns: a FIFO no one writes to (anywhere), or a link to
    /proc/kmsg (where it can be opened). A regression leaves a thread blocked on a FIFO; it is
    let go after the test."""
    if request.param == "kernel log" and not _kernel_log_blocks():
        pytest.skip("/proc/kmsg cannot be opened here")
    made: list[Path] = []

    def make(path: Path) -> Path:
        if request.param == "fifo":
            os.mkfifo(path)
        else:
            os.symlink("/proc/kmsg", path)
        made.append(path)
        return path

    yield make
    for path in made:
        if request.param == "fifo":
            try:  # a reader blocked in open() gets a writer, then end of file
                os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))
            except OSError:
                pass


def test_a_file_that_blocks_on_read_never_stops_a_scan(
    catalog: Catalog, tmp_path: Path, blocking_file: Callable[[Path], Path]
) -> None:
    photo = write_photo(tmp_path / "IMG_0002.jpg", seed=2)
    blocker = blocking_file(tmp_path / "IMG_0001")  # no suffix: its content is sniffed
    blocking_file(tmp_path / "IMG_0002.jpg.json")
    blocking_file(tmp_path / "IMG_0002.jpg.xmp")
    root = catalog.add_root(tmp_path)

    assert within(10, is_candidate, str(blocker)) is False
    assert within(10, scan_root, catalog, root).added == 1
    assert catalog.photo_by_path(photo) is not None and catalog.photo_by_path(blocker) is None
    assert not within(10, scan_paths, catalog, [root], [blocker]).added
    assert not within(10, move_path, catalog, [root], photo, blocker).moved


def test_what_the_walk_cannot_read_is_listed_with_the_real_reason(tmp_path: Path) -> None:
    write_photo(tmp_path / "IMG_1.jpg", seed=1)
    os.symlink(tmp_path / "loopB.jpg", tmp_path / "loopA.jpg")
    os.symlink(tmp_path / "loopA.jpg", tmp_path / "loopB.jpg")
    folder = os.open(tmp_path, os.O_RDONLY)
    try:  # folders nested past the 4096 bytes a path may have, made relative to their parents
        for _ in range(20):
            os.mkdir("d" * 250, dir_fd=folder)
            inner = os.open("d" * 250, os.O_RDONLY, dir_fd=folder)
            os.close(folder)
            folder = inner
    finally:
        os.close(folder)

    seen = walk(tmp_path)

    assert [Path(f.path).name for f in seen.files] == ["IMG_1.jpg"]
    assert len(seen.unreadable) == 3  # both links, and the folder whose path is too long
    reasons = {(os.path.basename(p)[:4], len(p) > 4096): reason for p, reason in seen.unreadable.items()}
    assert reasons == {("loop", False): "a symbolic link loop", ("dddd", True): "path too long"}


RAW_NEF = (Path(__file__).parent / "fixtures" / "raw" / "Nikon-rotated.nef").read_bytes()


def test_raws_are_photos_unless_the_camera_saved_a_jpeg_or_heic_beside_them(tmp_path: Path) -> None:
    (tmp_path / "DSC_0001.NEF").write_bytes(RAW_NEF)  # raw only
    (tmp_path / "DSC_0002.NEF").write_bytes(RAW_NEF)
    write_photo(tmp_path / "DSC_0002.JPG", seed=2)
    (tmp_path / "IMG_0003.dng").write_bytes(RAW_NEF)
    (tmp_path / "IMG_0003.heic").write_bytes(b"")  # any HEIC of that name stands for the shot
    (tmp_path / "DSC_0004.nef").write_bytes(RAW_NEF)
    (tmp_path / "DSC_0004.xmp").write_text("<x/>")  # a sidecar is not a partner
    seen = walk(tmp_path)
    assert sorted(Path(f.path).name for f in seen.files) == [
        "DSC_0001.NEF", "DSC_0002.JPG", "DSC_0004.nef", "IMG_0003.heic"]
    assert sorted(Path(p).name for p in seen.paired_raws) == ["DSC_0002.NEF", "IMG_0003.dng"]


def test_a_jpeg_that_joins_an_indexed_raw_replaces_it(catalog: Catalog, tmp_path: Path) -> None:
    raw = tmp_path / "DSC_0001.nef"
    raw.write_bytes(RAW_NEF)
    root = catalog.add_root(tmp_path)
    assert scan_root(catalog, root).added == 1
    write_photo(tmp_path / "DSC_0001.jpg", seed=1)
    result = scan_root(catalog, root)
    assert (result.added, result.removed) == (1, 1)
    assert catalog.photo_by_path(raw) is None and raw.exists()


RAW_DNG = (Path(__file__).parent / "fixtures" / "raw" / "DNG.dng").read_bytes()


def test_a_pixels_raw_is_left_out_for_the_jpeg_it_saves_under_another_name(tmp_path: Path) -> None:
    """A Pixel's RAW+JPEG: PXL_<time>.RAW-01.COVER.jpg (or .RAW-01.MP.COVER.jpg) beside
    PXL_<time>.RAW-02.ORIGINAL.dng. Another shot's JPEG pairs with none of them."""
    for shot, cover in (("PXL_20230709_090000555", "RAW-01.COVER"), ("PXL_20230709_090100000", "RAW-01.MP.COVER")):
        (tmp_path / f"{shot}.RAW-02.ORIGINAL.dng").write_bytes(RAW_DNG)
        write_photo(tmp_path / f"{shot}.{cover}.jpg", seed=1)
    (tmp_path / "PXL_20230709_090200000.RAW-02.ORIGINAL.dng").write_bytes(RAW_DNG)  # its JPEG deleted
    write_photo(tmp_path / "PXL_20230709_090200001.RAW-01.COVER.jpg", seed=2)  # the next shot's
    seen = walk(tmp_path)
    assert sorted(Path(f.path).name for f in seen.files) == [
        "PXL_20230709_090000555.RAW-01.COVER.jpg", "PXL_20230709_090100000.RAW-01.MP.COVER.jpg",
        "PXL_20230709_090200000.RAW-02.ORIGINAL.dng", "PXL_20230709_090200001.RAW-01.COVER.jpg"]
    assert sorted(Path(p).name for p in seen.paired_raws) == [
        "PXL_20230709_090000555.RAW-02.ORIGINAL.dng", "PXL_20230709_090100000.RAW-02.ORIGINAL.dng"]


@pytest.mark.parametrize(("raw_name", "jpeg_name", "other_shot"), [
    ("DSC_0001.NEF", "DSC_0001.jpg", "DSC_0002.NEF"),
    ("PXL_20230709_090000555.RAW-02.ORIGINAL.dng", "PXL_20230709_090000555.RAW-01.COVER.jpg",
     "PXL_20230709_090000556.RAW-02.ORIGINAL.dng"),  # a Pixel names its shot's two files unlike
])
def test_a_watched_jpeg_beside_an_indexed_raw_replaces_it_and_the_raw_stays_out(
    catalog: Catalog, tmp_path: Path, raw_name: str, jpeg_name: str, other_shot: str
) -> None:
    raw_bytes = RAW_DNG if raw_name.endswith(".dng") else RAW_NEF
    raw = tmp_path / raw_name
    raw.write_bytes(raw_bytes)
    (tmp_path / other_shot).write_bytes(raw_bytes)  # another shot: stays
    root = catalog.add_root(tmp_path)
    scan_root(catalog, root)
    raw_id = catalog.photo_by_path(raw).id
    jpeg = write_photo(tmp_path / jpeg_name, seed=1)
    changes = scan_paths(catalog, [root], [jpeg])
    assert changes.removed == (raw_id,) and len(changes.added) == 1
    assert catalog.photo_by_path(raw) is None
    assert not scan_paths(catalog, [root], [raw]).added  # a later event for the raw adds nothing
    assert scan_root(catalog, root).added == 0
    assert sorted(Path(p).name for p in catalog.file_states(root.id)) == sorted([jpeg_name, other_shot])


def test_the_videos_a_scan_sees_are_counted_and_kept_for_status(catalog: Catalog, tmp_path: Path) -> None:
    """A camera roll holds videos among its photos: none is indexed, and the user is told so."""
    write_photo(tmp_path / "IMG_1234.jpg", seed=1)
    for name in ("IMG_1234.MOV", "PXL_20230704_183500111.mp4", "trip/VID_1.3gp", ".trashed-1-VID_2.mp4",
                 "src/app.ts"):  # TypeScript's, far more often than a video's
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_bytes(b"\x00\x00\x00\x18ftypmp42")
    (tmp_path / "clips.mov").mkdir()  # a folder is no video
    assert walk(tmp_path).videos == 3
    root, other = catalog.add_root(tmp_path), catalog.add_root(tmp_path.parent / "elsewhere")
    assert videos_seen(catalog, [root]) == 0
    assert scan_root(catalog, root).added == 1
    assert videos_seen(catalog, [root, other]) == 3
    (tmp_path / "IMG_1234.MOV").unlink()
    scan_root(catalog, root)
    assert videos_seen(catalog, catalog.roots()) == 2
    catalog.remove_root(root.id)
    assert videos_seen(catalog, [root]) == 0


def test_images_of_formats_photoclip_does_not_read_are_counted_by_format_and_kept_for_status(
    catalog: Catalog, tmp_path: Path
) -> None:
    """A folder's Photoshop documents, textures and netpbm images were left out without a word;
    documents, text, code, sound and icons are no images to tell of."""
    write_photo(tmp_path / "IMG_1234.jpg", seed=1)
    for name in ("edit.psd", "EDIT2.PSD", "poster.psb", "game/wall.tga", "game/sky.dds", "scan.ppm", "logo.eps",
                 "favicon.ico", "notes.txt", "paper.pdf", "song.mp3", "plot.py", "drawing.svg", ".hidden.tga"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_bytes(b"8BPS\x00\x01")
    (tmp_path / "layers.xcf").mkdir()  # a folder is no image
    assert walk(tmp_path).images_left_out == {".psd": 2, ".psb": 1, ".tga": 1, ".dds": 1, ".ppm": 1, ".eps": 1}
    root, other = catalog.add_root(tmp_path), catalog.add_root(tmp_path.parent / "elsewhere")
    assert images_left_out(catalog, [root]) == {}
    assert scan_root(catalog, root).added == 1
    assert list(images_left_out(catalog, [root, other]).items()) == [
        (".psd", 2), (".dds", 1), (".eps", 1), (".ppm", 1), (".psb", 1), (".tga", 1)]  # most first
    (tmp_path / "edit.psd").unlink()
    scan_root(catalog, root)
    assert images_left_out(catalog, catalog.roots())[".psd"] == 1
    catalog.remove_root(root.id)
    assert images_left_out(catalog, [root]) == {}


def test_excluded_patterns_are_skipped(photo_folder: Path) -> None:
    names = {Path(f.path).name for f in walk(photo_folder, exclude=["trip"]).files}
    assert names == {"p0.jpg", "p1.jpg", "p2.jpg", "p3.jpg"}


NOT_THE_USERS_PHOTOS = [
    "@eaDir/IMG_0001.JPG/SYNOPHOTO_THUMB_XL.jpg",  # a Synology NAS's thumbnails of every photo
    "Trip/@eaDir/IMG_0002.JPG/SYNOPHOTO_THUMB_M.jpg",
    "#recycle/deleted.jpg", "#snapshot/daily/IMG_0001.JPG", "@Recycle/gone.jpg",
    "$RECYCLE.BIN/S-1-5-21/$R1.jpg", "System Volume Information/x.jpg", "lost+found/#123.jpg",
    "Lightroom/Catalog Previews.lrdata/0/0A/IMG_0001.jpg", "Lightroom/Catalog Smart Previews.lrdata/a.dng",
    "Photos Library.photoslibrary/resources/derivatives/1/1A2B_1_105_c.jpeg",
    "Photos Library.photoslibrary/resources/renders/1/1A2B_1_201_a.jpeg",
    "Takeout/Google Photos/Trash/IMG_1234.jpg", "Takeout/Google Photos/Bin/IMG_1301.jpg",  # deleted in Google Photos
    "Takeout/Google Fotos/Papierkorb/IMG_1302.jpg",
    # programs' icons, textures and caches, in a whole home folder or drive added as a folder of photos
    "code/plot/lib/python3.11/site-packages/matplotlib/mpl-data/images/home.png",
    "usr/lib/python3/dist-packages/app/icon.png", "code/app/__pycache__/x.png", "site/bower_components/a.png",
    "Program Files/SomeApp/images/ic_1.png", "Program Files (x86)/Steam/appcache/librarycache/10_header.jpg",
    "ProgramData/Vendor/logo.png", "$WINDOWS.~BT/Sources/a.jpg", "Games/steamapps/common/Game/t0.png",
    "Users/Bob/AppData/Local/Teams/icon_1.png",
    "Chrome/Default/Cache/Cache_Data/f_000001", "Chrome/Default/GPUCache/data_1", "Chrome/Default/Code Cache/js/x",
    "Library/Caches/com.apple.Safari/a.jpg", "Backup/MobileSync/Backup/0000/ab/ab12cd",  # an iPhone's backup
    "app/src/main/res/drawable-hdpi/ic_menu.png", "app/res/drawable/ic.png", "app/res/mipmap-xxhdpi/ic_launcher.png",
    "iPhoto Library/Previews/2012/05/03/IMG_2000.jpg", "iPhoto Library/Data/2012/IMG_2000.jpg",
    "Old.photolibrary/Thumbnails/2012/IMG_2000.jpg", "Old.photolibrary/iPod Photo Cache/F00/T1.jpg",
    "Music/Album/Folder.jpg", "Music/Other/AlbumArtSmall.jpg", "Music/Other/AlbumArt_{1A2B}_Large.jpg",
]
THE_USERS_PHOTOS = [
    "IMG_0001.JPG", "Trip/IMG_0002.JPG", "eaDir/fine.jpg", "recycle ideas/fine.jpg",
    "Photos Library.photoslibrary/originals/1/1A2B.jpeg", "Old.photoslibrary/Masters/2012/a.jpg",
    "Takeout/Google Photos/Lake Tahoe 2019/IMG_1234.jpg", "Takeout/Google Photos/Photos from 2019/IMG_1301.jpg",
    "Trash/IMG_0003.JPG",  # the user's own folder of that name
    "Caches/geocache_1.jpg", "Library/IMG_0004.JPG", "Windows/IMG_0005.JPG", "Data/IMG_0006.JPG",  # and of these
    "res/IMG_0007.JPG", "Thumbnails/IMG_0008.JPG", "Trip/cover.jpg", "drawable/IMG_0009.JPG",
    "Steam/userdata/1/760/remote/570/screenshots/20240101123456_1.jpg", "Library/Artifacts/vase.jpg",
    "Screenshots/Thumbnails/s.jpg",
    "iPhoto Library/Masters/2012/05/03/IMG_2000.jpg", "Old.photolibrary/Originals/2009/Roll 1/IMG_2001.jpg",
    "Old.photolibrary/Modified/2009/Roll 1/IMG_2001.jpg",
]


def test_nas_thumbnails_recycle_bins_and_other_programs_previews_are_skipped(
    catalog: Catalog, tmp_path: Path
) -> None:
    photos = tmp_path / "photos"
    for i, name in enumerate(NOT_THE_USERS_PHOTOS + THE_USERS_PHOTOS):
        write_photo(photos / name, seed=i)

    found = {os.path.relpath(f.path, photos) for f in walk(photos).files}

    assert found == set(THE_USERS_PHOTOS)
    root = catalog.add_root(photos)
    scan_root(catalog, root)
    late = [write_photo(photos / "@eaDir" / "IMG_0003.JPG" / "SYNOPHOTO_THUMB_S.jpg", seed=50),
            write_photo(photos / "Trip" / "IMG_0003.JPG", seed=51),
            write_photo(photos / "Takeout" / "Google Photos" / "Bin" / "IMG_1303.jpg", seed=52)]
    added = scan_paths(catalog, [root], late).added
    assert [catalog.photo(pid).path for pid in added] == [late[1]]


def _programs_tree(top: Path) -> tuple[list[Path], list[Path]]:
    """Photos in folders known as programs' by what they or their parents hold, and the user's
    photos in folders of the same names that hold nothing of the kind."""
    for name in ("env/pyvenv.cfg", "Windows/System32/kernel32.dll", "MyGame/ProjectSettings/ProjectSettings.asset",
                 "Music/Album/01 Track.mp3", "Calibre Library/Author/Book (1)/metadata.opf", "Audiobook/01.opus",
                 "Memos/voice memo.m4a"):
        (top / name).parent.mkdir(parents=True, exist_ok=True)
        (top / name).write_bytes(b"\0")
    (top / "MyGame" / "Assets").mkdir()
    programs = ["env/lib/python3.11/site/icons/home.png", "env/share/jupyter/logo.png",  # a venv of any name
                "Windows/Web/Wallpaper/img0.jpg", "MyGame/Library/ShaderCache/0a1b2c.png",
                "Music/Album/cover.jpg", "Music/Album/front.png", "Calibre Library/Author/Book (1)/cover.jpg",
                "Audiobook/Front.jpg"]
    users = ["Trip/Windows/Bay window.jpg", "Old house/Library/shelves.jpg", "Magazine/cover.jpg", "Magazine/back.jpg",
             "Music/Album/band on stage.jpg", "Memos/back.jpg"]
    return ([write_photo(top / name, seed=i) for i, name in enumerate(programs)],
            [write_photo(top / name, seed=20 + i) for i, name in enumerate(users)])


def test_programs_folders_known_by_what_they_hold_are_skipped_and_album_covers_too(
    catalog: Catalog, tmp_path: Path
) -> None:
    photos = tmp_path / "home"
    _programs_tree(photos)

    found = {os.path.relpath(f.path, photos) for f in walk(photos).files}

    assert found == {"Trip/Windows/Bay window.jpg", "Old house/Library/shelves.jpg", "Magazine/cover.jpg",
                     "Magazine/back.jpg", "Music/Album/band on stage.jpg", "Memos/back.jpg"}
    root = catalog.add_root(photos)
    scan_root(catalog, root)
    late = [write_photo(photos / name, seed=40 + i) for i, name in enumerate(
        ["env/lib/new.png", "Music/front.jpg", "MyGame/Library/a.png", "Windows/x.jpg", "Music/Album/Cover.JPG",
         "Trip/y.jpg"])]
    (photos / "Music" / "intro.mp3").write_bytes(b"\0")
    added = scan_paths(catalog, [root], late).added  # as a watcher names them
    assert [catalog.photo(pid).path for pid in added] == [late[-1]]


def test_photos_indexed_before_in_folders_now_passed_over_stay_in_the_library(
    catalog: Catalog, tmp_path: Path
) -> None:
    """A library that indexed a home folder before these rules: the photos of programs' folders
    leave it (left out, as the settings leave photos out: the files stay); covers and files once
    taken for photos by their content stay, with any tags the user gave them."""
    photos = tmp_path / "home"
    programs, users = _programs_tree(photos)
    cache = photos / "data_1"  # a cache file starting as a bare JPEG XL codestream does
    cache.write_bytes(b"\xff\x0a" + np.random.default_rng(1).bytes(3000))
    root = catalog.add_root(photos)
    indexed = [*programs, *users, cache]
    catalog.add_pending(root.id, ((str(p), p.stat().st_size, p.stat().st_mtime_ns) for p in indexed))

    result = scan_root(catalog, root)

    in_programs = [p for p in programs if is_ignored(root, str(p))]
    assert len(in_programs) == 4  # the venv's two, Windows', Unity's
    assert (result.added, result.removed, result.left_out) == (0, 4, 4)
    assert sorted(catalog.file_states(root.id)) == sorted(str(p) for p in indexed if p not in in_programs)
    assert all(p.is_file() for p in indexed)


@pytest.mark.parametrize("name", ["plot.py", "app.min.js", "icons/favicon.ico", "build/libx.so", "notes.md",
                                  "data.csv", "song.ogg", "clip.mpg", "font.woff2", "archive.iso"])
def test_programs_documents_and_media_files_are_no_photos_by_their_suffix_whatever_they_hold(
    tmp_path: Path, name: str
) -> None:
    """Their suffix says they are no photos: they are not opened to read their first bytes (a home
    folder's 30,000 Python files were, at every scan), even when those are an image's."""
    path = write_photo(tmp_path / name, seed=1)

    assert is_candidate(str(path)) is False
    assert walk(tmp_path).files == []


def test_a_file_without_suffix_is_a_photo_by_a_strong_signature_only(tmp_path: Path) -> None:
    """FF 0A start a bare JPEG XL codestream, and a browser's cache file as well as anything."""
    (tmp_path / "data_1").write_bytes(b"\xff\x0a" + np.random.default_rng(2).bytes(3000))
    write_photo(tmp_path / "IMG_0001", seed=1)

    assert [Path(f.path).name for f in walk(tmp_path).files] == ["IMG_0001"]


def test_scan_adds_then_sees_nothing_new(catalog: Catalog, photo_folder: Path) -> None:
    root = catalog.add_root(photo_folder)
    assert scan_root(catalog, root).added == 6
    again = scan_root(catalog, root)
    assert (again.added, again.changed, again.removed) == (0, 0, 0)


def test_a_changed_file_becomes_pending_again(catalog: Catalog, photo_folder: Path) -> None:
    root = catalog.add_root(photo_folder)
    scan_root(catalog, root)
    pid = catalog.photo_by_path(photo_folder / "p0.jpg").id
    catalog.store_batch("m", [(pid, PhotoMetadata("h", 1, 1, None, "jpeg"), np.ones(4, np.float32))], [])
    write_photo(photo_folder / "p0.jpg", seed=50, size=(200, 100))
    assert scan_root(catalog, root).changed == 1
    assert catalog.photo(pid).status == "pending"


@pytest.mark.parametrize("other", ["a folder", "a pipe"])
def test_a_photo_whose_name_another_kind_of_entry_took_leaves_the_catalog(
    catalog: Catalog, photo_folder: Path, other: str
) -> None:
    """Swapped while it was indexed, it failed as "not a regular file"; it must not stay failed."""
    root = catalog.add_root(photo_folder)
    scan_root(catalog, root)
    path = photo_folder / "p0.jpg"
    path.unlink()
    path.mkdir() if other == "a folder" else os.mkfifo(path)
    assert scan_root(catalog, root).removed == 1
    assert catalog.photo_by_path(path) is None


def test_a_missing_root_goes_offline_and_keeps_every_photo(catalog: Catalog, photo_folder: Path) -> None:
    root = catalog.add_root(photo_folder)
    scan_root(catalog, root)
    photo_folder.rename(photo_folder.with_name("away"))
    result = scan_root(catalog, root)
    assert not result.online and result.removed == 0
    assert catalog.counts("m").total == 6
    assert not catalog.roots()[0].online


def test_an_empty_mount_point_is_treated_as_offline(catalog: Catalog, photo_folder: Path, mount_point) -> None:
    mount_point(photo_folder)
    root = catalog.add_root(photo_folder)
    scan_root(catalog, root)
    for path in list(photo_folder.rglob("*"))[::-1]:
        path.unlink() if path.is_file() else path.rmdir()
    assert not scan_root(catalog, root).online
    assert catalog.counts("m").total == 6


def test_a_share_mounted_in_the_home_folder_and_unmounted_is_offline_not_emptied(
    catalog: Catalog, tmp_path: Path
) -> None:
    """sshfs, rclone or a vault mounted at ~/nas, named in no fstab: unmounted, its empty folder
    lost every photo, and each was embedded again once it was back. A scan remembers it as a mount point."""
    nas = tmp_path / "nas"
    nas.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(nas)], capture_output=True).returncode:
        pytest.skip("no folder can be mounted here (mounting needs root)")
    try:
        write_photo(nas / "IMG_1.jpg", seed=1)
        root = catalog.add_root(nas)
        assert scan_root(catalog, root).added == 1
    finally:
        subprocess.run(["umount", "-l", str(nas)], capture_output=True)
    assert not any(nas.iterdir())

    result = scan_root(catalog, root)

    assert not result.online and result.removed == 0 and catalog.counts("m").total == 1
    assert scan_paths(catalog, catalog.roots(), [nas / "IMG_1.jpg"]).removed == ()


def test_a_photo_moved_is_not_read_again_for_the_ctime_its_move_changed(catalog: Catalog, tmp_path: Path) -> None:
    """A rename moves the file's ctime: each photo moved was hashed again at the next scan."""
    photo = write_photo(tmp_path / "a.jpg", seed=1)
    root = catalog.add_root(tmp_path)
    scan_root(catalog, root)
    state = catalog.photo_states([str(photo)])[str(photo)]
    meta = PhotoMetadata(file_hash(photo), 160, 120, None, "jpeg")
    catalog.store_batch("m", [(state.id, meta, np.ones(4, np.float32))], [])
    time.sleep(0.05)
    photo.rename(tmp_path / "b.jpg")

    assert scan_paths(catalog, [root], [photo, tmp_path / "b.jpg"]).moved == (state.id,)
    assert scan_root(catalog, root).changed == 0


def test_a_folder_emptied_where_no_drive_mounts_lost_its_photos(catalog: Catalog, photo_folder: Path) -> None:
    """An inbox sorted into other folders was taken for an unplugged drive: its photos stayed, shown
    twice with their new paths, and tags did not follow them."""
    root = catalog.add_root(photo_folder)
    scan_root(catalog, root)
    for path in list(photo_folder.rglob("*"))[::-1]:
        path.unlink() if path.is_file() else path.rmdir()
    result = scan_root(catalog, root)
    assert result.online and result.removed == 6 and catalog.counts("m").total == 0


def test_a_file_moved_inside_the_root_keeps_its_id(catalog: Catalog, photo_folder: Path) -> None:
    root = catalog.add_root(photo_folder)
    scan_root(catalog, root)
    from photoclip.imaging import file_hash

    src = photo_folder / "p1.jpg"
    pid = catalog.photo_by_path(src).id
    meta = PhotoMetadata(file_hash(src), 1, 1, None, "jpeg")
    catalog.store_batch("m", [(pid, meta, np.ones(4, np.float32))], [])
    (photo_folder / "moved").mkdir()
    src.rename(photo_folder / "moved" / "renamed.jpg")
    result = scan_root(catalog, root)
    assert (result.moved, result.added, result.removed) == (1, 0, 0)
    assert catalog.photo_by_path(photo_folder / "moved" / "renamed.jpg").id == pid


def _indexed_with_hashes(catalog: Catalog, root: Root, paths: list[Path]) -> list[PhotoId]:
    """Scan `root`, then give the photos at `paths` their hashes and vectors, as indexing does."""
    scan_root(catalog, root)
    ids = [catalog.photo_by_path(p).id for p in paths]
    catalog.store_batch("m", [(pid, PhotoMetadata(file_hash(p), 1, 1, None, "jpeg"), np.ones(4, np.float32))
                              for pid, p in zip(ids, paths)], [])
    return ids


@pytest.mark.parametrize(("renamed", "names"), [
    ("its folder", ("Z.jpg", "Z - Copy.jpg")),
    ("lower-cased", ("IMG_0001.JPG", "IMGP0001.JPG")),  # pairing by the order of their names fails too
    ("decomposed", ("Été.jpg", "Fête.jpg")),
])
@pytest.mark.parametrize("seen", ["the second file first", "the first file first"])
def test_files_of_the_same_bytes_renamed_together_each_keep_their_own_photo(
    catalog: Catalog, tmp_path: Path, renamed: str, names: tuple[str, str], seen: str
) -> None:
    """A photo and its copy of the same bytes, renamed at once (their folder renamed, a drive remounted
    lower-casing names, or copied from a Mac, which decomposes accents): the file named first took the
    first photo's id, and with it its tags, whichever it was."""
    trip = tmp_path / "T4" / "Trip"
    photo = write_photo(trip / names[0], seed=1)
    twin = trip / names[1]
    shutil.copy2(photo, twin)
    root = catalog.add_root(tmp_path / "T4")
    ids = _indexed_with_hashes(catalog, root, [photo, twin])
    if renamed == "its folder":
        trip = trip.rename(trip.with_name("Trip2019"))
        now = [trip / photo.name, trip / twin.name]
    else:
        spelt = str.lower if renamed == "lower-cased" else functools.partial(unicodedata.normalize, "NFD")
        now = [p.rename(p.with_name(spelt(p.name))) for p in (photo, twin)]
    named, before = list(now), [photo, twin]
    if seen == "the second file first":  # in either order, pairing by order alone gives each the other's id
        named.reverse()
    else:
        before.reverse()

    changes = scan_paths(catalog, catalog.roots(), [*named, *before])

    assert sorted(changes.moved) == sorted(ids) and not changes.added and not changes.removed
    assert [catalog.photo_by_path(p).id for p in now] == ids


def test_a_photo_whose_folder_was_renamed_keeps_to_its_file_not_to_a_new_one_of_its_bytes_elsewhere(
    catalog: Catalog, tmp_path: Path
) -> None:
    """Of two new files of its name and bytes, the photo is the one in the same folder below the one renamed."""
    photo = write_photo(tmp_path / "T4" / "Trip" / "day 2" / "Z.jpg", seed=1)
    root = catalog.add_root(tmp_path / "T4")
    [pid] = _indexed_with_hashes(catalog, root, [photo])
    album = tmp_path / "T4" / "Album" / "Z.jpg"
    album.parent.mkdir()
    shutil.copy2(photo, album)
    trip = (tmp_path / "T4" / "Trip").rename(tmp_path / "T4" / "Trip2019")

    changes = scan_paths(catalog, catalog.roots(), [album, trip / "day 2" / "Z.jpg", photo.parent.parent])

    assert changes.moved == (pid,) and len(changes.added) == 1
    assert catalog.photo_by_path(trip / "day 2" / "Z.jpg").id == pid and catalog.photo_by_path(album).id != pid


def test_unreadable_folders_do_not_delete_their_photos(catalog: Catalog, photo_folder: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root reads every folder")
    root = catalog.add_root(photo_folder)
    scan_root(catalog, root)
    (photo_folder / "trip").chmod(0)
    try:
        assert scan_root(catalog, root).removed == 0
    finally:
        (photo_folder / "trip").chmod(0o755)


def test_moves_are_found_in_a_catalog_that_keeps_older_hashes(tmp_path: Path) -> None:
    from photoclip.imaging import file_hash
    from tests.helpers import schema_1_catalog

    src = write_photo(tmp_path / "photos" / "a.jpg", seed=1)
    catalog = Catalog(schema_1_catalog(tmp_path / "c.sqlite", {src: file_hash(src, "blake2b-128")}))
    pid = catalog.photo_by_path(src).id
    src.rename(src.with_name("renamed.jpg"))

    result = scan_root(catalog, catalog.roots()[0])

    assert (result.moved, result.added, result.removed) == (1, 0, 0)
    assert catalog.photo_by_path(src.with_name("renamed.jpg")).id == pid
    catalog.close()


def test_a_photo_moved_again_during_a_scan_keeps_its_vector(
    catalog: Catalog, photo_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The scan sees a moved photo at its new path, but it moves on before its bytes are read:
    its vector must wait for the next scan to find it, not be dropped as a deletion."""
    import photoclip.scan as scan
    from photoclip.imaging import file_hash

    root = catalog.add_root(photo_folder)
    scan_root(catalog, root)
    src = photo_folder / "p1.jpg"
    pid = catalog.photo_by_path(src).id
    catalog.store_batch("m", [(pid, PhotoMetadata(file_hash(src), 1, 1, None, "jpeg"), np.ones(4, np.float32))], [])
    (photo_folder / "moved").mkdir()
    src.rename(photo_folder / "moved" / "p1.jpg")
    real_hash = scan.file_hash

    def moved_on_first(path: Path, algorithm: str) -> str:
        if (photo_folder / "moved").exists():
            (photo_folder / "moved").rename(photo_folder / "moved-again")
        return real_hash(path, algorithm)

    monkeypatch.setattr(scan, "file_hash", moved_on_first)
    first = scan_root(catalog, root)
    assert (first.added, first.removed) == (0, 0)
    assert pid in catalog.embedding_ids("m").tolist()

    second = scan_root(catalog, root)
    assert (second.moved, second.added, second.removed) == (1, 0, 0)
    assert catalog.photo_by_path(photo_folder / "moved-again" / "p1.jpg").id == pid
    assert pid in catalog.embedding_ids("m").tolist()


def _embed_trip(catalog: Catalog, photo_folder: Path) -> tuple[Root, list[PhotoId]]:
    """Index the folder, give the trip photos vectors, then rename trip/ while nothing watches."""
    from photoclip.imaging import file_hash

    root = catalog.add_root(photo_folder)
    scan_root(catalog, root)
    trip = sorted((photo_folder / "trip").iterdir())
    ids = [catalog.photo_by_path(p).id for p in trip]
    catalog.store_batch(
        "m", [(pid, PhotoMetadata(file_hash(p), 1, 1, None, "png"), np.ones(4, np.float32))
              for pid, p in zip(ids, trip)], []
    )
    (photo_folder / "trip").rename(photo_folder / "holiday")
    return root, ids


def _move_during_walks(monkeypatch: pytest.MonkeyPatch, folder: Path, walks: int) -> None:
    """While the next `walks` walks go through the root's own files, `folder` is renamed again,
    after the root was listed and before the folder is read (as if the user kept moving it)."""
    import photoclip.scan as scan

    real_walk, real_candidate = scan.walk, scan.is_candidate
    state = {"walks": 0, "moved_in_walk": 0, "name": folder}

    def counting_walk(*args, **kwargs):
        state["walks"] += 1
        return real_walk(*args, **kwargs)

    def moving_candidate(path: str, names: object = None) -> bool:
        if state["walks"] <= walks and state["moved_in_walk"] < state["walks"]:
            state["moved_in_walk"] = state["walks"]
            target = folder.with_name(f"{folder.name}-{state['walks']}")
            state["name"].rename(target)
            state["name"] = target
        return real_candidate(path, names)

    monkeypatch.setattr(scan, "walk", counting_walk)
    monkeypatch.setattr(scan, "is_candidate", moving_candidate)


def test_a_folder_moved_again_during_the_walk_keeps_its_vectors(
    catalog: Catalog, photo_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, ids = _embed_trip(catalog, photo_folder)
    _move_during_walks(monkeypatch, photo_folder / "holiday", walks=1)

    result = scan_root(catalog, root)

    assert (result.moved, result.added, result.removed) == (2, 0, 0)
    assert sorted(catalog.photo_by_path(p).id for p in (photo_folder / "holiday-1").iterdir()) == sorted(ids)
    assert set(ids) <= set(catalog.embedding_ids("m").tolist())


def test_a_folder_moved_after_its_photos_were_listed_keeps_its_vectors(
    catalog: Catalog, photo_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The walk listed holiday/ and its photos, then holiday/ was renamed before they were
    read: they were in neither place, and their vectors went with them."""
    import photoclip.scan as scan

    root, ids = _embed_trip(catalog, photo_folder)
    real_candidate = scan.is_candidate

    def moved_while_read(path: str, names: object = None) -> bool:
        if "/holiday/" in path and (photo_folder / "holiday").is_dir():
            (photo_folder / "holiday").rename(photo_folder / "holiday-later")
        return real_candidate(path, names)

    monkeypatch.setattr(scan, "is_candidate", moved_while_read)
    result = scan_root(catalog, root)

    assert (result.moved, result.added, result.removed) == (2, 0, 0)
    assert sorted(catalog.photo_by_path(p).id for p in (photo_folder / "holiday-later").iterdir()) == sorted(ids)


def test_deletions_wait_while_folders_keep_moving_during_every_walk(
    catalog: Catalog, photo_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, ids = _embed_trip(catalog, photo_folder)
    (photo_folder / "p0.jpg").unlink()
    _move_during_walks(monkeypatch, photo_folder / "holiday", walks=10)

    assert scan_root(catalog, root).removed == 0
    assert set(ids) <= set(catalog.embedding_ids("m").tolist())

    monkeypatch.undo()
    settled = scan_root(catalog, root)
    assert (settled.moved, settled.removed) == (2, 1)
    final = max(photo_folder.glob("holiday*"))
    assert sorted(catalog.photo_by_path(p).id for p in final.iterdir()) == sorted(ids)


def test_photos_a_new_leave_out_pattern_covers_leave_the_catalog_and_stay_on_disk(
    catalog: Catalog, tmp_path: Path
) -> None:
    folder = tmp_path / "photos"
    for name in ("IMG_1.jpg", "Screenshots/shot_1.png", "Screenshots/shot_2.png"):
        write_photo(folder / name, seed=len(name), fmt="PNG" if name.endswith("png") else "JPEG")
    root = catalog.add_root(folder)
    assert scan_root(catalog, root).added == 3
    outside = write_photo(tmp_path / "elsewhere" / "linked.jpg", seed=9)
    (folder / "linked.jpg").symlink_to(outside)
    assert scan_root(catalog, root).added == 1
    outside.unlink()  # the link's photo deleted: gone, though the link is there
    result = scan_root(catalog, root, exclude=["*/Screenshots/*"])  # typed in Settings after indexing
    assert (result.removed, result.left_out) == (3, 2)  # of them, two still on disk: left out, not deleted
    assert list(catalog.file_states(root.id)) == [str(folder / "IMG_1.jpg")]
    assert (folder / "Screenshots" / "shot_1.png").is_file()


def test_links_that_lead_nowhere_are_noted_where_a_drive_is_away_and_passed_by_where_deleted(tmp_path: Path) -> None:
    """A link to a link to a drive that is away was taken for deleted (the first link's folder is there), and
    so was its photo; one into a folder deleted with all above it was taken for an unplugged drive's, for ever."""
    root, media = tmp_path / "photos", tmp_path / "media"
    (root / "album").mkdir(parents=True)
    media.mkdir()  # the drive's mount point went with it: media/ is left empty
    (root / "album" / "b.jpg").symlink_to(media / "drive" / "x.jpg")
    (root / "a.jpg").symlink_to("album/b.jpg")
    (root / "Trip").symlink_to(media / "drive" / "trip")
    (tmp_path / "kept").mkdir()
    (root / "old.jpg").symlink_to(tmp_path / "deleted" / "2019" / "old.jpg")  # tmp_path holds other things
    (root / "notes.txt").symlink_to(media / "drive" / "notes.txt")

    assert sorted(walk(root).unreadable) == sorted(str(root / name) for name in ("a.jpg", "album/b.jpg", "Trip"))


def test_a_folder_is_ignored_as_the_walk_judges_folders(catalog: Catalog, tmp_path: Path) -> None:
    """Asked of a file put in it, "*.jpg" left out made every folder a folder left out."""
    from photoclip.scan import is_ignored_folder

    root = catalog.add_root(tmp_path)
    for folder in ("Trip", "Library/Caches", ".hidden", "Old"):
        (tmp_path / folder).mkdir(parents=True)
    assert not is_ignored_folder(root, str(tmp_path / "Trip"), ["*.jpg"])
    assert is_ignored_folder(root, str(tmp_path / "Library" / "Caches"))
    assert is_ignored_folder(root, str(tmp_path / ".hidden"))
    assert is_ignored_folder(root, str(tmp_path / "Old"), ["Old"])
    assert not is_ignored_folder(root, str(tmp_path))


def test_a_folder_left_out_is_told_by_why(catalog: Catalog, tmp_path: Path) -> None:
    """A search in a folder the walk passes over says why: a program's, a folder left out (which one
    brings it back), or a pattern (which one)."""
    root = catalog.add_root(tmp_path)
    trip = tmp_path / "Trip [2019]"
    for folder in (trip / "Day 1", tmp_path / "Library/Caches", tmp_path / "Old", tmp_path / "Kept"):
        folder.mkdir(parents=True)
    exclude = ("*.jpg", "Old", glob.escape(str(trip)))
    assert left_out([root], tmp_path / "Library" / "Caches", exclude) == LeftOut()
    assert left_out([root], trip / "Day 1", exclude) == LeftOut(glob.escape(str(trip)), trip)
    assert left_out([root], tmp_path / "Old", exclude) == LeftOut("Old")
    assert left_out([root], tmp_path / "Kept", exclude) is None
    assert left_out([root], tmp_path.parent, exclude) is None  # outside the library


def test_a_ctime_that_is_the_files_mtime_says_nothing_of_a_rewrite(tmp_path: Path) -> None:
    """sshfs gives a file's mtime as its ctime: a photo another machine dated in the future (its clock
    ahead) was read again at every scan and every start, its ctime always past its last reading."""
    from photoclip.catalog import FileState
    from photoclip.scan import _rewritten

    path = write_photo(tmp_path / "IMG_1.jpg", seed=1)
    future = time.time_ns() + 86_400 * 10**9
    state = FileState(PhotoId(1), path.stat().st_size, future, "indexed", read_at=time.time())
    assert not _rewritten(str(path), state, ctime_ns=future)  # as sshfs says it
    assert _rewritten(str(path), state, ctime_ns=future + 10**9)  # changed after, as a local drive says it
