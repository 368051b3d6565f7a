from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from photoclip.catalog import Catalog, PhotoMetadata
from photoclip.scan import scan_root, walk
from tests.helpers import write_photo


@pytest.fixture
def catalog(tmp_path: Path) -> Catalog:
    cat = Catalog(tmp_path / "catalog.sqlite")
    yield cat
    cat.close()


def test_walk_finds_photos_skips_hidden_and_non_photos(photo_folder: Path) -> None:
    (photo_folder / "notes.txt").write_text("hello")
    (photo_folder / "clip.mp4").write_bytes(b"\x00" * 100)
    found = sorted(Path(f.path).name for f in walk(photo_folder).files)
    assert found == ["p0.jpg", "p1.jpg", "p2.jpg", "p3.jpg", "p4.png", "p5.png"]


def test_a_photo_without_extension_is_found_by_content(tmp_path: Path) -> None:
    write_photo(tmp_path / "IMG_0001", seed=1)
    (tmp_path / "README").write_text("not a photo")
    assert [Path(f.path).name for f in walk(tmp_path).files] == ["IMG_0001"]


def test_symlink_loops_are_not_followed(tmp_path: Path) -> None:
    write_photo(tmp_path / "a" / "x.jpg", seed=1)
    os.symlink(tmp_path, tmp_path / "a" / "loop")
    assert len(walk(tmp_path).files) == 1


def test_excluded_patterns_are_skipped(photo_folder: Path) -> None:
    names = {Path(f.path).name for f in walk(photo_folder, exclude=["trip"]).files}
    assert names == {"p0.jpg", "p1.jpg", "p2.jpg", "p3.jpg"}


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


def test_a_missing_root_goes_offline_and_keeps_every_photo(catalog: Catalog, photo_folder: Path) -> None:
    root = catalog.add_root(photo_folder)
    scan_root(catalog, root)
    photo_folder.rename(photo_folder.with_name("away"))
    result = scan_root(catalog, root)
    assert not result.online and result.removed == 0
    assert catalog.counts("m").total == 6
    assert not catalog.roots()[0].online


def test_an_empty_mount_point_is_treated_as_offline(catalog: Catalog, photo_folder: Path) -> None:
    root = catalog.add_root(photo_folder)
    scan_root(catalog, root)
    for path in list(photo_folder.rglob("*"))[::-1]:
        path.unlink() if path.is_file() else path.rmdir()
    assert not scan_root(catalog, root).online
    assert catalog.counts("m").total == 6


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
