from __future__ import annotations

import json
import os
import sys
import threading
import time
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from photoclip.catalog import Catalog
from photoclip.model import load_encoder, resolve_model
from photoclip.pipeline import DECODE_NICENESS, Progress, run_pipeline, settle_unchanged
from photoclip.scan import scan_root
from photoclip.vectors import VectorIndex
from tests.helpers import write_photo


@pytest.fixture
def encoder():
    return load_encoder(resolve_model("photoclip-tiny"), device="cpu")


def pending_catalog(folder: Path, db: Path) -> tuple[Catalog, list]:
    catalog = Catalog(db)
    root = catalog.add_root(folder)
    scan_root(catalog, root)
    return catalog, catalog.pending("photoclip-tiny")


@pytest.fixture
def many_photos(tmp_path: Path) -> Path:
    folder = tmp_path / "many"
    for i in range(20):
        write_photo(folder / f"{i:02d}.jpg", seed=i)
    (folder / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 broken")
    return folder


def test_threaded_and_sequential_runs_store_the_same_vectors(encoder, many_photos: Path, tmp_path: Path) -> None:
    results = []
    for workers in (0, 2):
        catalog, items = pending_catalog(many_photos, tmp_path / f"c{workers}.sqlite")
        index = VectorIndex(encoder.dim)
        report = run_pipeline(items, encoder, catalog, index, batch_size=8, workers=workers)
        assert (report.embedded, report.failed, report.cancelled) == (20, 1, False)
        results.append({p.name: catalog.vector(catalog.photo_by_path(p).id, encoder.model_id)
                        for p in many_photos.glob("[0-9]*.jpg")})
        assert len(index) == 20
        catalog.close()
    for name, vector in results[0].items():
        np.testing.assert_allclose(vector, results[1][name], atol=1e-3)


def test_progress_counts_up_to_the_total_with_failures(encoder, many_photos: Path, tmp_path: Path) -> None:
    catalog, items = pending_catalog(many_photos, tmp_path / "c.sqlite")
    seen: list[Progress] = []
    run_pipeline(items, encoder, catalog, VectorIndex(encoder.dim), batch_size=4, workers=1, progress=seen.append)
    assert seen[0].done == 0 and seen[-1].done == seen[-1].total == 21
    assert seen[-1].failed == 1
    assert [p.done for p in seen] == sorted(p.done for p in seen)
    assert seen[-1].rate > 0
    catalog.close()


def test_the_eta_counts_from_the_first_photos_done_not_from_the_start(monkeypatch) -> None:
    """The model warming up before the first batch says nothing of the rest: a run of 1,000
    photos whose first 8 took 3 s, then 8 more half a second, has about a minute to go, not 3."""
    from photoclip import pipeline

    clock = iter([0.0, 0.0, 3.0, 3.5])
    monkeypatch.setattr(pipeline.time, "monotonic", lambda: next(clock))
    seen: list[Progress] = []
    run = pipeline._Run(1000, seen.append)
    for done in (0, 8, 16):
        run.done = done
        run.report(None)
    assert [p.eta_s for p in seen[:2]] == [None, None]
    assert seen[2].rate == pytest.approx(16.0) and seen[2].eta_s == pytest.approx(984 / 16)


def test_a_photo_deleted_before_it_is_read_is_no_failure(encoder, many_photos: Path, tmp_path: Path) -> None:
    """A folder deleted while it is indexed: its photos leave the library, none of them broke."""
    catalog, items = pending_catalog(many_photos, tmp_path / "c.sqlite")
    (many_photos / "00.jpg").unlink()
    report = run_pipeline(items, encoder, catalog, VectorIndex(encoder.dim), batch_size=4, workers=1)
    assert (report.embedded, report.failed) == (19, 1)  # broken.jpg alone
    catalog.close()


def test_cancel_stops_early_and_keeps_what_was_committed(encoder, many_photos: Path, tmp_path: Path) -> None:
    catalog, items = pending_catalog(many_photos, tmp_path / "c.sqlite")
    cancel = threading.Event()

    def stop_after_first_batch(p: Progress) -> None:
        if p.done >= 4:
            cancel.set()

    report = run_pipeline(items, encoder, catalog, VectorIndex(encoder.dim), batch_size=4, workers=1,
                          progress=stop_after_first_batch, cancel=cancel)
    assert report.cancelled
    done = report.embedded + report.failed
    assert 4 <= done < 21
    assert len(catalog.pending(encoder.model_id)) == 21 - done
    catalog.close()


def _touched_again(catalog: Catalog, folder: Path) -> list:
    """Every file of `folder` given a new mtime; what the next scan then finds pending."""
    for photo in folder.iterdir():
        os.utime(photo, (photo.stat().st_mtime + 60,) * 2)
    scan_root(catalog, catalog.roots()[0])
    return catalog.pending("photoclip-tiny")


def test_settling_touched_photos_leaves_the_changed_and_unreadable_ones_in_order(
    encoder, many_photos: Path, tmp_path: Path
) -> None:
    catalog, items = pending_catalog(many_photos, tmp_path / "c.sqlite")
    run_pipeline(items, encoder, catalog, VectorIndex(encoder.dim), batch_size=8, workers=1)
    write_photo(many_photos / "03.jpg", seed=303)
    touched = _touched_again(catalog, many_photos)
    (many_photos / "07.jpg").chmod(0)
    heard: list[tuple] = []
    try:
        rest, report = settle_unchanged(touched, catalog, encoder.model_id, workers=2, batch_size=4,
                                        on_settled=heard.append)
    finally:
        (many_photos / "07.jpg").chmod(0o644)
    left = [path.name for _, path in rest]
    expected = ["03.jpg", "broken.jpg"] + ([] if os.geteuid() == 0 else ["07.jpg"])  # root reads it all the same
    assert sorted(left) == sorted(expected)
    assert left == [path.name for _, path in touched if path.name in expected]
    assert (report.reused, report.total, report.cancelled) == (21 - len(expected), 21 - len(expected), False)
    assert sorted(pid for ids in heard for pid in ids) == sorted(pid for pid, path in touched if path.name not in left)
    assert {pid for pid, _ in catalog.pending(encoder.model_id)} == {pid for pid, _ in rest}
    catalog.close()


def test_settling_cancelled_leaves_the_rest_pending(encoder, many_photos: Path, tmp_path: Path) -> None:
    catalog, items = pending_catalog(many_photos, tmp_path / "c.sqlite")
    run_pipeline(items, encoder, catalog, VectorIndex(encoder.dim), batch_size=8, workers=1)
    touched = _touched_again(catalog, many_photos)
    cancel = threading.Event()
    cancel.set()
    rest, report = settle_unchanged(touched, catalog, encoder.model_id, workers=1, cancel=cancel)
    assert (rest, report.cancelled, report.reused) == ([], True, 0)
    assert len(catalog.pending(encoder.model_id)) == 21
    catalog.close()


class CountingEncoder:
    """The real encoder, counting the images it encodes."""

    def __init__(self, encoder) -> None:
        self.encoder, self.images = encoder, 0
        self.model_id, self.image_size, self.cpu_threads = encoder.model_id, encoder.image_size, encoder.cpu_threads
        self.decode_min_side = encoder.decode_min_side

    def encode_images(self, batch: np.ndarray) -> np.ndarray:
        self.images += len(batch)
        return self.encoder.encode_images(batch)


def _decodes(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The photos the pipeline decodes from now on, each through the real decoder."""
    from photoclip import pipeline

    decoded: list[Path] = []
    real = pipeline.decode_photo
    monkeypatch.setattr(pipeline, "decode_photo", lambda path, *rest: decoded.append(path) or real(path, *rest))
    return decoded


def test_touched_photos_with_sidecars_settle_without_decoding_and_take_their_sidecars_new_keywords(
    encoder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """darktable writes a sidecar beside every photo: a backup put back (new mtimes, the same bytes) decoded
    them all and loaded the model, only to reuse each vector by its hash."""
    from tests.helpers import others_sidecar

    folder = tmp_path / "photos"
    for i in range(6):
        write_photo(folder / f"p{i}.jpg", seed=i)
        (folder / f"p{i}.jpg.xmp").write_bytes(others_sidecar([f"Roll {i}"]))
    catalog, items = pending_catalog(folder, tmp_path / "c.sqlite")
    run_pipeline(items, encoder, catalog, VectorIndex(encoder.dim), workers=1)
    (folder / "p1.jpg.xmp").write_bytes(others_sidecar(["Roll 1", "Grandma"]))  # in darktable meanwhile
    write_photo(folder / "p4.jpg", seed=44)  # edited: other bytes
    touched = _touched_again(catalog, folder)
    decoded, counting = _decodes(monkeypatch), CountingEncoder(encoder)

    rest, report = settle_unchanged(touched, catalog, encoder.model_id, workers=2)
    run_pipeline(rest, counting, catalog, VectorIndex(encoder.dim), workers=1)

    assert [path.name for _, path in rest] == ["p4.jpg"] and (report.reused, report.keywords) == (5, 1)
    assert decoded == [folder / "p4.jpg"] and counting.images == 1  # only the edited photo is embedded again

    def user_tags(name: str) -> set[str]:
        tags = catalog.photo_tags(catalog.photo_by_path(folder / name).id)
        return {tag for tag, source, _ in tags if source == "user"}

    assert user_tags("p1.jpg") == {"roll 1", "grandma"} and user_tags("p4.jpg") == {"roll 4"}
    assert catalog.pending(encoder.model_id) == []
    catalog.close()


def test_a_touched_photos_deleted_sidecar_takes_its_keywords_with_it(
    encoder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With nothing beside it any more, a touched photo was settled as it was: the keywords of the
    sidecar deleted meanwhile stayed until a later scan."""
    from tests.helpers import others_sidecar

    folder = tmp_path / "photos"
    for i in range(2):
        write_photo(folder / f"p{i}.jpg", seed=i)
        (folder / f"p{i}.jpg.xmp").write_bytes(others_sidecar(["Holiday"]))
    catalog, items = pending_catalog(folder, tmp_path / "c.sqlite")
    run_pipeline(items, encoder, catalog, VectorIndex(encoder.dim), workers=1)
    (folder / "p0.jpg.xmp").unlink()
    touched = _touched_again(catalog, folder)
    decoded = _decodes(monkeypatch)

    rest, report = settle_unchanged(touched, catalog, encoder.model_id, workers=1)

    assert (rest, report.reused, report.keywords, decoded) == ([], 2, 1, [])
    tags = {name: {tag for tag, _, _ in catalog.photo_tags(catalog.photo_by_path(folder / name).id)}
            for name in ("p0.jpg", "p1.jpg")}
    assert tags == {"p0.jpg": set(), "p1.jpg": {"holiday"}}
    catalog.close()


def test_a_damaged_photo_only_touched_is_settled_once_not_at_every_scan(encoder, tmp_path: Path) -> None:
    """A damaged photo is read again when its ctime is past its last reading (scan._rewritten): settled
    without that reading noted, it was pending again after every scan."""
    folder = tmp_path / "photos"
    folder.mkdir()
    noise = np.random.default_rng(3).integers(0, 256, (480, 640, 3), dtype=np.uint8)
    Image.fromarray(noise).save(folder / "cut.jpg", quality=90)
    data = (folder / "cut.jpg").read_bytes()
    (folder / "cut.jpg").write_bytes(data[: int(len(data) * 0.95)])
    catalog, items = pending_catalog(folder, tmp_path / "c.sqlite")
    run_pipeline(items, encoder, catalog, VectorIndex(encoder.dim), workers=1)
    assert catalog.photo_by_path(folder / "cut.jpg").damage is not None
    time.sleep(0.05)  # the backup is put back after the photo was read, past the file clock's coarse step

    rest, report = settle_unchanged(_touched_again(catalog, folder), catalog, encoder.model_id, workers=1)
    scan_root(catalog, catalog.roots()[0])

    assert (rest, report.reused) == ([], 1) and catalog.pending(encoder.model_id) == []
    catalog.close()


def _takeout_json(photo: Path, taken: datetime, place: tuple[float, float] | None, description: str) -> None:
    (photo.parent / f"{photo.name}.json").write_text(json.dumps({
        "title": photo.name, "description": description, "photoTakenTime": {"timestamp": str(int(taken.timestamp()))},
        **({"geoData": {"latitude": place[0], "longitude": place[1], "altitude": 0.0}} if place else {}),
    }), encoding="utf-8")


def test_a_takeout_json_changed_while_its_photo_was_only_touched_is_read_without_decoding_the_photo(
    encoder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The date, place and caption of a photo changed in Google Photos and exported again: its JSON is new,
    its bytes are not. Its own EXIF date still wins over the JSON's."""
    from photoclip.catalog import PhotoMetadata
    from tests.helpers import located_photo

    folder = tmp_path / "Takeout"
    bare, older = write_photo(folder / "Scan 12.jpg", seed=1), write_photo(folder / "Scan 13.jpg", seed=3)
    dated = located_photo(folder / "DSC_0042.JPG", seed=2, position=None, taken="2016:05:01 10:00:00")
    for photo in (bare, dated, older):
        _takeout_json(photo, datetime(2015, 7, 4, 18, 30), None, "At the lake")
    catalog, items = pending_catalog(folder, tmp_path / "c.sqlite")
    run_pipeline(items, encoder, catalog, VectorIndex(encoder.dim), workers=1)
    was = catalog.photo_by_path(older)  # as a photoclip that did not keep what its file says left it
    catalog.store_batch(encoder.model_id, [(was.id, PhotoMetadata(was.hash, was.width, was.height, was.taken_at,
                                            was.format), catalog.vector(was.id, encoder.model_id))], [])
    lisbon = (38.7223, -9.1393)
    for photo in (bare, dated, older):
        _takeout_json(photo, datetime(2015, 8, 1, 12, 0), lisbon, "Grandma at the lake")
    touched = _touched_again(catalog, folder)
    decoded, counting = _decodes(monkeypatch), CountingEncoder(encoder)

    rest, report = settle_unchanged(touched, catalog, encoder.model_id, workers=2)
    assert [path for _, path in rest] == [older] and decoded == []
    run_pipeline(rest, counting, catalog, VectorIndex(encoder.dim), workers=1)

    assert decoded == [older] and counting.images == 0
    august, exif = "2015-08-01T12:00:00", "2016-05-01T10:00:00"
    for photo, taken in ((bare, august), (dated, exif), (older, august)):
        now = catalog.photo_by_path(photo)
        assert (now.taken_at, now.lat, now.lon) == (taken, *lisbon)
        assert catalog.caption(now.id) == "Grandma at the lake"
    assert sorted(catalog.located_in_town("Lisbon", "PT")) == sorted(pid for pid, _ in touched)
    catalog.close()


def _exported_photo(path: Path, seed: int, modified: str) -> Path:
    """write_photo as an editor exports it: the only date of its EXIF is DateTime (ModifyDate)."""
    write_photo(path, seed=seed)
    exif = Image.Exif()
    exif[0x0132] = modified
    with Image.open(path) as im:
        im.load()
        im.save(path, "JPEG", exif=exif)
    return path


def _dated_folder(folder: Path) -> dict[str, Path]:
    """A scan dated in Lightroom (its sidecar `scan.xmp`), a camera's photo dated again in digiKam
    (`DSC_0042.JPG.xmp`), and two photos exported by an editor, one named by the phone that took it."""
    from tests.helpers import located_photo
    from tests.test_xmp import dated_xmp

    photos = {"scan": write_photo(folder / "scan.jpg", seed=1),
              "fixed": located_photo(folder / "DSC_0042.JPG", seed=2, position=None, taken="2016:05:01 10:00:00"),
              "named": _exported_photo(folder / "IMG_20230704_153000.jpg", 3, "2026:11:20 10:00:00"),
              "edited": _exported_photo(folder / "edited.jpg", 4, "2026:11:20 10:00:00")}
    scanned = {"photoshop:DateCreated": "1998-12-24", "xmp:CreateDate": "2024-03-01"}  # that, and when it was scanned
    (folder / "scan.xmp").write_bytes(dated_xmp(scanned))
    (folder / "DSC_0042.JPG.xmp").write_bytes(dated_xmp({"exif:DateTimeOriginal": "1998-12-24T18:00:00+01:00"},
                                                        as_elements=True))
    return photos


def test_a_sidecars_date_beats_the_files_and_an_editors_modify_date_comes_after_the_name(
    encoder, tmp_path: Path
) -> None:
    """A scan dated in Lightroom or digiKam had the file's time, and an exported photo the day it was
    exported though the phone's name said when it was taken."""
    from photoclip.catalog import FileFacts

    photos = _dated_folder(tmp_path / "photos")
    catalog, items = pending_catalog(tmp_path / "photos", tmp_path / "c.sqlite")
    run_pipeline(items, encoder, catalog, VectorIndex(encoder.dim), workers=1)

    ids = {key: catalog.photo_by_path(path).id for key, path in photos.items()}
    assert {key: catalog.photo(pid).taken_at for key, pid in ids.items()} == {
        "scan": "1998-12-24T00:00:00", "fixed": "1998-12-24T18:00:00", "named": "2023-07-04T15:30:00",
        "edited": "2026-11-20T10:00:00"}
    facts = catalog.file_facts(ids.values())
    assert facts[ids["fixed"]].taken_at == "2016-05-01T10:00:00"  # the file's own, for when the sidecar goes
    assert facts[ids["edited"]] == FileFacts(modified_at="2026-11-20T10:00:00")  # saved then, not dated by it
    catalog.close()


def test_a_photo_nothing_else_dates_takes_the_first_day_its_folder_names(encoder, tmp_path: Path) -> None:
    """A scan filed in "1998 Christmas" had the day it was scanned: its file's, or the ModifyDate
    its scanner wrote. Its folder's days beat neither where they are in them or before (a camera's
    file, a backup's copy of it that kept its date), nor any other date."""
    from tests.helpers import located_photo

    folder = tmp_path / "photos"
    photos = {"scan": write_photo(folder / "Scans" / "1998 Christmas" / "scan.jpg", seed=1),
              "scanned": _exported_photo(folder / "Summer 2019" / "scanned.jpg", 2, "2023:03:01 10:00:00"),
              "edited": _exported_photo(folder / "Summer 2019" / "edited.jpg", 3, "2019:07:14 10:00:00"),
              "named": write_photo(folder / "Summer 2019" / "IMG_20190704_153000.jpg", seed=4),
              "camera": located_photo(folder / "Summer 2019" / "DSC_0001.JPG", 5, None, "2018:05:01 10:00:00"),
              "nested": write_photo(folder / "2019" / "07" / "04" / "picnic.png", seed=6, fmt="PNG"),
              "copied then": write_photo(folder / "2019" / "07" / "04" / "beach.png", seed=7, fmt="PNG"),
              "undated": write_photo(folder / "Last summer" / "lake.jpg", seed=8),
              "backed up": write_photo(folder / "Backup 2019" / "IMG_0001.JPG", seed=9),
              "exported then": _exported_photo(folder / "Backup 2019" / "edit.jpg", 10, "2016:04:01 10:00:00")}
    for key, then in (("copied then", datetime(2019, 7, 4, 12, 0)), ("backed up", datetime(2016, 3, 1, 9, 0))):
        os.utime(photos[key], (then.timestamp(), then.timestamp()))
    catalog, items = pending_catalog(folder, tmp_path / "c.sqlite")
    run_pipeline(items, encoder, catalog, VectorIndex(encoder.dim), workers=1)

    taken = {key: catalog.photo_by_path(path) for key, path in photos.items()}
    assert {key: (photo.taken_at, photo.taken_until) for key, photo in taken.items()} == {
        "scan": ("1998-12-24T00:00:00", "1998-12-27T00:00:00"),
        "scanned": ("2019-06-01T00:00:00", "2019-09-01T00:00:00"),
        "edited": ("2019-07-14T10:00:00", None), "named": ("2019-07-04T15:30:00", None),
        "camera": ("2018-05-01T10:00:00", None), "nested": ("2019-07-04T00:00:00", "2019-07-05T00:00:00"),
        "copied then": (None, None), "undated": (None, None), "backed up": (None, None),
        "exported then": ("2016-04-01T10:00:00", None)}
    catalog.close()


def test_a_touched_photo_takes_the_date_of_its_sidecar_written_changed_or_deleted_meanwhile_without_decoding(
    encoder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The date a sidecar gives goes with it (one that holds nothing but a date, too), and a photo's own
    comes back; a photo the catalog does not know its file's date of is decoded for it."""
    from photoclip.catalog import PhotoMetadata
    from tests.test_xmp import dated_xmp

    folder = tmp_path / "photos"
    photos = _dated_folder(folder)
    later, older = write_photo(folder / "later.jpg", seed=5), write_photo(folder / "older.jpg", seed=6)
    catalog, items = pending_catalog(folder, tmp_path / "c.sqlite")
    run_pipeline(items, encoder, catalog, VectorIndex(encoder.dim), workers=1)
    was = catalog.photo_by_path(older)  # as a photoclip that did not keep what its file says left it
    catalog.store_batch(encoder.model_id, [(was.id, PhotoMetadata(was.hash, was.width, was.height, was.taken_at,
                                            was.format), catalog.vector(was.id, encoder.model_id))], [])
    (folder / "DSC_0042.JPG.xmp").unlink()
    (folder / "scan.xmp").write_bytes(dated_xmp({"photoshop:DateCreated": "1998-12"}))
    for photo in (later, older, photos["named"]):
        (folder / f"{photo.stem}.xmp").write_bytes(dated_xmp({"exif:DateTimeOriginal": "2001-02-03T04:05:06"}))
    touched = _touched_again(catalog, folder)
    decoded = _decodes(monkeypatch)

    rest, _ = settle_unchanged(touched, catalog, encoder.model_id, workers=2)
    assert [path for _, path in rest] == [older] and decoded == []
    run_pipeline(rest, encoder, catalog, VectorIndex(encoder.dim), workers=1)

    taken = {path.name: catalog.photo_by_path(path).taken_at for path in (*photos.values(), later, older)}
    assert taken == {"scan.jpg": "1998-12-01T00:00:00", "DSC_0042.JPG": "2016-05-01T10:00:00",
                     "IMG_20230704_153000.jpg": "2001-02-03T04:05:06", "edited.jpg": "2026-11-20T10:00:00",
                     "later.jpg": "2001-02-03T04:05:06", "older.jpg": "2001-02-03T04:05:06"}
    catalog.close()


def test_photos_are_hashed_as_their_catalog_hashes(encoder, tmp_path: Path) -> None:
    from photoclip.imaging import file_hash
    from tests.helpers import schema_1_catalog

    old = write_photo(tmp_path / "photos" / "old.jpg", seed=1)
    new = write_photo(tmp_path / "photos" / "new.jpg", seed=2)
    catalog = Catalog(schema_1_catalog(tmp_path / "c.sqlite", {old: file_hash(old, "blake2b-128"), new: None}))

    run_pipeline(catalog.pending(encoder.model_id), encoder, catalog, VectorIndex(encoder.dim), workers=1)

    assert catalog.photo_by_path(new).hash == file_hash(new, "blake2b-128") != file_hash(new)
    catalog.close()



def test_the_encoder_starts_after_a_quarter_batch(encoder, many_photos: Path, tmp_path: Path) -> None:
    catalog, items = pending_catalog(many_photos, tmp_path / "c.sqlite")
    sizes: list[int] = []

    class Recording:
        model_id, image_size, decode_min_side = encoder.model_id, encoder.image_size, encoder.decode_min_side
        cpu_threads = encoder.cpu_threads

        def encode_images(self, batch: np.ndarray) -> np.ndarray:
            sizes.append(len(batch))
            return encoder.encode_images(batch)

    run_pipeline(items, Recording(), catalog, VectorIndex(encoder.dim), batch_size=8, workers=2)
    assert sizes == [2, 8, 8, 2]
    catalog.close()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="per-thread priority is a Linux feature")
def test_decoding_defers_to_an_encoder_on_the_cpu_and_not_to_one_elsewhere(
    encoder, many_photos: Path, tmp_path: Path, monkeypatch
) -> None:
    import photoclip.pipeline as pipeline

    def priority() -> int:
        return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

    seen: list[int] = []
    real_decode = pipeline.decode_photo

    def recording_decode(*args, **kwargs):
        seen.append(priority())
        return real_decode(*args, **kwargs)

    class OnAGpu:  # the tiny model stands in for one the GPU runs
        model_id, image_size, decode_min_side = encoder.model_id, encoder.image_size, encoder.decode_min_side
        cpu_threads = None
        encode_images = staticmethod(encoder.encode_images)

    monkeypatch.setattr(pipeline, "decode_photo", recording_decode)
    mine = priority()
    assert encoder.cpu_threads and mine < DECODE_NICENESS
    for runs_on, db, expected in ((encoder, "cpu.sqlite", DECODE_NICENESS), (OnAGpu(), "gpu.sqlite", mine)):
        seen.clear()
        catalog, items = pending_catalog(many_photos, tmp_path / db)
        run_pipeline(items, runs_on, catalog, VectorIndex(encoder.dim), workers=2)
        catalog.close()
        assert len(seen) == 21 and set(seen) == {expected}
    assert priority() == mine


def test_photos_that_cannot_decode_reduced_leave_their_thumbnail_while_indexing(encoder, tmp_path: Path) -> None:
    from photoclip import imaging

    folder = tmp_path / "mixed"
    png = write_photo(folder / "screen.png", seed=1, size=(320, 240), fmt="PNG")
    webp = write_photo(folder / "phone.webp", seed=2, size=(320, 240), fmt="WEBP")
    jpeg = write_photo(folder / "camera.jpg", seed=3, size=(2048, 1536))  # draft-decodes to 256x192
    catalog, items = pending_catalog(folder, tmp_path / "c.sqlite")
    thumbs = tmp_path / "thumbs"

    report = run_pipeline(items, encoder, catalog, VectorIndex(encoder.dim), workers=2, thumbnail_dir=thumbs)

    assert report.embedded == 3
    for path in (png, webp):
        cached = imaging.thumbnail_path(thumbs, catalog.photo_by_path(path).hash, imaging.THUMBNAIL_SIDE)
        assert Image.open(cached).size == (320, 240)  # smaller than a thumbnail: kept as it is
    jpeg_thumb = imaging.thumbnail_path(thumbs, catalog.photo_by_path(jpeg).hash, imaging.THUMBNAIL_SIDE)
    assert not jpeg_thumb.exists()  # made cheaply (draft decoding) when first shown
    catalog.close()


def test_a_thumbnail_cache_that_cannot_be_written_does_not_stop_indexing(encoder, tmp_path: Path) -> None:
    folder = tmp_path / "pngs"
    write_photo(folder / "a.png", seed=1, size=(320, 240), fmt="PNG")
    blocked = tmp_path / "thumbs"
    blocked.write_text("a file where the cache folder should be")
    catalog, items = pending_catalog(folder, tmp_path / "c.sqlite")

    report = run_pipeline(items, encoder, catalog, VectorIndex(encoder.dim), workers=1, thumbnail_dir=blocked)

    assert (report.embedded, report.failed) == (1, 0)
    catalog.close()


def test_a_file_that_trips_a_reader_unforeseen_fails_alone_with_what_went_wrong(
    encoder, many_photos: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from photoclip import pipeline

    real = pipeline.takeout_facts

    def trips_on_one(path: Path):
        if path.name == "03.jpg":
            raise RecursionError("maximum recursion depth exceeded")  # as a JSON nested too deep once did
        return real(path)

    monkeypatch.setattr(pipeline, "takeout_facts", trips_on_one)
    catalog, items = pending_catalog(many_photos, tmp_path / "c.sqlite")
    report = run_pipeline(items, encoder, catalog, VectorIndex(encoder.dim), batch_size=4, workers=2)
    assert (report.embedded, report.failed) == (19, 2)
    failed = catalog.photo_by_path(many_photos / "03.jpg")
    assert failed.status == "failed"
    assert failed.failure == "cannot read it (RecursionError: maximum recursion depth exceeded)"
    catalog.close()
