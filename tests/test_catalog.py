from __future__ import annotations

import dataclasses
import logging
import os
import sqlite3
import time
from pathlib import Path

import numpy as np
import pytest

from photoclip import catalog as catalog_module
from photoclip.catalog import SCHEMA_VERSION, Catalog, Described, FileFacts, PhotoMetadata, TakenFacts
from photoclip.errors import LibraryError, LibraryFullError
from photoclip.ids import PhotoId


def meta(h: str = "h1") -> PhotoMetadata:
    return PhotoMetadata(hash=h, width=40, height=30, taken_at="2024-07-01T10:00:00", format="jpeg")


@pytest.fixture
def catalog(tmp_path: Path) -> Catalog:
    cat = Catalog(tmp_path / "catalog.sqlite")
    yield cat
    cat.close()


def add_photo(catalog: Catalog, name: str = "/p/a.jpg") -> int:
    root = catalog.add_root(Path("/p"))
    catalog.add_pending(root.id, [(name, 10, 1)])
    return catalog.photo_by_path(name).id


def test_new_catalog_is_at_current_schema_in_wal_mode(catalog: Catalog) -> None:
    conn = catalog._conn
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA freelist_count").fetchone()[0] == 0  # what its migrations dropped is given back


def test_catalog_from_a_newer_photoclip_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite"
    Catalog(path).close()
    import sqlite3

    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(LibraryError, match="newer photoclip"):
        Catalog(path)


def test_another_programs_database_is_refused_and_left_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "catalog.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE invoices (number INTEGER, total REAL)")
    before = path.read_bytes()
    with pytest.raises(LibraryError, match=r"is another program's database, not a photoclip catalog; give photoclip"):
        Catalog(path)
    assert path.read_bytes() == before


def test_a_catalog_that_cannot_be_written_is_read_as_it_is_and_never_migrated(tmp_path: Path) -> None:
    path = tmp_path / "catalog.sqlite"
    catalog = Catalog(path)
    root = catalog.add_root(tmp_path)
    catalog.close()
    unchanging = Catalog(path, unchanging=True)
    assert [r.id for r in unchanging.roots()] == [root.id]
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        unchanging.add_root(tmp_path / "more")
    unchanging.close()
    conn = sqlite3.connect(path)  # left open, its change stays in the write-ahead log, as after a crash
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION - 1}")
    older = "from an older photoclip and cannot be updated where it is"
    with pytest.raises(LibraryError, match=older):
        Catalog(path, unchanging=True)  # the log is read
    conn.close()
    with pytest.raises(LibraryError, match=older):
        Catalog(path, unchanging=True)


def test_a_file_that_is_not_a_database_gives_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite"
    path.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(LibraryError, match="not a photoclip catalog"):
        Catalog(path)


def test_a_catalog_that_cannot_be_opened_is_never_called_damaged(tmp_path: Path, monkeypatch) -> None:
    unopenable = tmp_path / "catalog.sqlite"
    unopenable.mkdir()  # SQLite cannot open it, as when its disk went away
    with pytest.raises(LibraryError, match=r"^cannot open the catalog .+; check that its disk is there") as raised:
        Catalog(unopenable)
    assert "move it away" not in str(raised.value)

    monkeypatch.setattr(catalog_module, "_free_bytes", lambda folder: 0)  # the same on a full disk
    with pytest.raises(LibraryFullError, match=r"^the disk that holds the library \(.+\) is full; free some space"):
        Catalog(unopenable)


def test_pending_photos_become_indexed_with_their_vector(catalog: Catalog) -> None:
    pid = add_photo(catalog)
    assert [p for p, _ in catalog.pending("m")] == [pid]
    vec = np.random.default_rng(0).standard_normal(8).astype(np.float32)
    gen = catalog.store_batch("m", [(pid, meta(), vec)], [])
    assert gen == catalog.generation() == 1
    assert catalog.pending("m") == []
    np.testing.assert_allclose(catalog.vector(pid, "m"), vec, atol=1e-2)
    photo = catalog.photo(pid)
    assert (photo.status, photo.width, photo.height, photo.hash) == ("indexed", 40, 30, "h1")
    assert catalog.counts("m").indexed == 1


def test_vectors_of_another_model_count_as_pending(catalog: Catalog) -> None:
    pid = add_photo(catalog)
    catalog.store_batch("old-model", [(pid, meta(), np.ones(4, np.float32))], [])
    assert [p for p, _ in catalog.pending("new-model")] == [pid]
    assert catalog.counts("new-model").pending == 1


def test_failures_are_stored_with_their_reason(catalog: Catalog) -> None:
    pid = add_photo(catalog)
    catalog.store_batch("m", [], [(pid, "truncated file")])
    assert catalog.failures() == [(Path("/p/a.jpg"), "truncated file")]
    assert catalog.counts("m").failed == 1
    assert catalog.pending("m") == []


def test_a_failed_write_leaves_nothing_behind(catalog: Catalog) -> None:
    pid = add_photo(catalog)
    with pytest.raises(RuntimeError):
        with catalog.transaction():
            catalog.store_batch("m", [(pid, meta(), np.ones(4, np.float32))], [])
            raise RuntimeError("crash in the middle")
    assert catalog.vector(pid, "m") is None
    assert catalog.generation() == 0


def test_a_full_disk_is_one_clear_error_and_the_catalog_goes_on_once_there_is_room(catalog: Catalog) -> None:
    root = catalog.add_root(Path("/p"))
    catalog.add_pending(root.id, [("/p/kept.jpg", 10, 1)])
    pages = catalog._conn.execute("PRAGMA page_count").fetchone()[0]
    catalog._conn.execute(f"PRAGMA max_page_count = {pages}")  # SQLite's own "database or disk is full"
    many = [(f"/p/{'x' * 200}{i}.jpg", 10, 1) for i in range(2000)]

    with pytest.raises(LibraryFullError, match=r"^the disk that holds the library \(.+\) is full; free some space"):
        catalog.add_pending(root.id, many)

    assert list(catalog.file_states(root.id)) == ["/p/kept.jpg"]  # the batch left nothing
    catalog._conn.execute("PRAGMA max_page_count = 1073741823")
    assert catalog.add_pending(root.id, many) == 2000


def test_deleting_photos_reports_which_had_vectors(catalog: Catalog) -> None:
    a = add_photo(catalog, "/p/a.jpg")
    b = add_photo(catalog, "/p/b.jpg")
    catalog.store_batch("m", [(a, meta(), np.ones(4, np.float32))], [])
    assert catalog.delete_photos([a, b]) == [a]
    assert catalog.photo(a) is None and catalog.vector(a, "m") is None


def test_catch_up_returns_only_vectors_newer_than_a_generation(catalog: Catalog) -> None:
    a = add_photo(catalog, "/p/a.jpg")
    b = add_photo(catalog, "/p/b.jpg")
    catalog.store_batch("m", [(a, meta("ha"), np.ones(4, np.float32))], [])
    catalog.store_batch("m", [(b, meta("hb"), np.ones(4, np.float32))], [])
    ids = np.concatenate([i for i, _ in catalog.embeddings("m", 4, since_gen=1)])
    assert ids.tolist() == [b]


def test_same_bytes_find_an_existing_vector(catalog: Catalog) -> None:
    a = add_photo(catalog, "/p/a.jpg")
    catalog.store_batch("m", [(a, meta("same"), np.full(4, 0.5, np.float32))], [])
    np.testing.assert_allclose(catalog.vector_for_hash("same", "m"), 0.5, atol=1e-3)
    assert catalog.vector_for_hash("same", "other-model") is None


def test_moving_a_photo_keeps_its_id_and_vector(catalog: Catalog) -> None:
    a = add_photo(catalog, "/p/a.jpg")
    catalog.store_batch("m", [(a, meta(), np.ones(4, np.float32))], [])
    root = catalog.root_by_path(Path("/p"))
    catalog.move_photo(a, root.id, "/p/sub/a.jpg", 10, 2)
    assert catalog.photo_by_path("/p/sub/a.jpg").id == a
    assert catalog.vector(a, "m") is not None


def test_removing_a_root_forgets_its_photos(catalog: Catalog) -> None:
    a = add_photo(catalog, "/p/a.jpg")
    catalog.store_batch("m", [(a, meta(), np.ones(4, np.float32))], [])
    root = catalog.root_by_path(Path("/p"))
    assert catalog.remove_root(root.id) == [a]
    assert catalog.roots() == [] and catalog.counts("m").total == 0


def test_photos_by_date_newest_first_undated_by_their_file_date(catalog: Catalog) -> None:
    """A photo without an EXIF date (a screenshot, a picture from a chat) sits where its file's
    date puts it, as a search for that date finds it, not after the whole library."""
    from datetime import datetime, timezone

    root = catalog.add_root(Path("/p"))
    ids = {}
    photos = (("old", "2019-01-01T00:00:00", 2019), ("new", "2024-01-01T00:00:00", 2019),
              ("undated", None, 2021), ("undated-older", None, 2001), ("undated-too", None, 2021))
    for name, taken, file_year in photos:
        mtime_ns = int(datetime(file_year, 6, 1, tzinfo=timezone.utc).timestamp()) * 10**9
        catalog.add_pending(root.id, [(f"/p/{name}.jpg", 10, mtime_ns)])
        ids[name] = catalog.photo_by_path(f"/p/{name}.jpg").id
        m = PhotoMetadata(hash=name, width=1, height=1, taken_at=taken, format="jpeg")
        catalog.store_batch("m", [(ids[name], m, np.ones(4, np.float32))], [])
    order = ["new", "undated-too", "undated", "old", "undated-older"]  # same dates: by path
    assert catalog.photos_by_date() == [ids[n] for n in order]
    assert catalog.photos_by_date(offset=1, limit=2) == [ids["undated-too"], ids["undated"]]
    plan = " ".join(str(r) for r in catalog._conn.execute(
        "EXPLAIN QUERY PLAN SELECT id FROM photos WHERE status != 'failed'"
        f" ORDER BY {catalog_module._SHOWN_AT} DESC, path LIMIT 10"))
    assert "photos_shown" in plan and "TEMP B-TREE" not in plan  # pages of 100,000 photos need no sort


def test_readers_on_other_threads_see_committed_writes(catalog: Catalog) -> None:
    import threading

    pid = add_photo(catalog)
    seen = []
    t = threading.Thread(target=lambda: seen.append(catalog.photo(pid)))
    t.start()
    t.join()
    assert seen[0].id == pid


def test_new_catalogs_store_fast_content_hashes(catalog: Catalog) -> None:
    from photoclip.imaging import DEFAULT_CONTENT_HASH

    assert catalog.hash_algorithm == DEFAULT_CONTENT_HASH == "xxh3-128"


def test_schema_1_catalog_keeps_the_hashes_it_stored(tmp_path: Path) -> None:
    from tests.helpers import schema_1_catalog, write_photo

    photo = write_photo(tmp_path / "photos" / "a.jpg", 1)
    path = schema_1_catalog(tmp_path / "old.sqlite", {photo: "0f" * 16})

    catalog = Catalog(path)
    assert catalog._conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert catalog.hash_algorithm == "blake2b-128"
    assert catalog.photo_by_path(photo).hash == "0f" * 16
    catalog.close()


def test_schema_1_catalog_without_hashes_moves_to_the_fast_hash(tmp_path: Path) -> None:
    from tests.helpers import schema_1_catalog, write_photo

    photo = write_photo(tmp_path / "photos" / "a.jpg", 1)
    catalog = Catalog(schema_1_catalog(tmp_path / "old.sqlite", {photo: None}))
    assert catalog.hash_algorithm == "xxh3-128"
    catalog.close()


def test_schema_2_vectors_survive_the_move_to_one_vector_per_photo_and_model(tmp_path: Path) -> None:
    import sqlite3

    from tests.helpers import schema_1_catalog, write_photo

    photo = write_photo(tmp_path / "photos" / "a.jpg", 1)
    path = schema_1_catalog(tmp_path / "old.sqlite", {photo: "0f" * 16})
    vector = np.arange(4, dtype=np.float16)
    with sqlite3.connect(path) as conn:
        conn.execute("INSERT INTO embeddings (photo_id, model_id, vector, gen) VALUES (1, 'm', ?, 1)", (vector.tobytes(),))
    conn.close()

    catalog = Catalog(path)
    np.testing.assert_array_equal(catalog.vector(1, "m"), vector)
    catalog.store_batch("new", [(1, meta("0f" * 16), np.ones(4, np.float32))], [])
    np.testing.assert_array_equal(catalog.vector(1, "m"), vector)
    catalog.close()


def test_a_photo_holds_one_vector_per_model_and_is_pending_for_each_model_it_lacks(catalog: Catalog) -> None:
    a, b = add_photo(catalog, "/p/a.jpg"), add_photo(catalog, "/p/b.jpg")
    catalog.store_batch("old", [(a, meta("ha"), np.ones(4, np.float32)), (b, meta("hb"), np.ones(4, np.float32))], [])
    catalog.store_batch("new", [(a, meta("ha"), np.full(4, 2, np.float32))], [])

    np.testing.assert_allclose(catalog.vector(a, "old"), np.ones(4))
    np.testing.assert_allclose(catalog.vector(a, "new"), np.full(4, 2))
    assert [p for p, _ in catalog.pending("new")] == [b] and catalog.pending("old") == []
    assert catalog.has_pending("new") and not catalog.has_pending("old")
    assert catalog.counts("new").indexed == 1 and catalog.counts("old").indexed == 2
    assert catalog.has_embeddings("old") and not catalog.has_embeddings("other")


def test_new_bytes_drop_the_vectors_other_models_made_of_the_old_ones(catalog: Catalog) -> None:
    pid = add_photo(catalog)
    catalog.store_batch("old", [(pid, meta("h1"), np.ones(4, np.float32))], [])
    catalog.store_batch("new", [(pid, meta("h1"), np.ones(4, np.float32))], [])
    assert catalog.vector(pid, "old") is not None  # same bytes: still true

    catalog.store_batch("new", [(pid, meta("h2"), np.ones(4, np.float32))], [])

    assert catalog.vector(pid, "old") is None and catalog.vector(pid, "new") is not None


def test_pruning_keeps_the_only_vector_of_a_photo_that_has_none_from_the_kept_model(catalog: Catalog) -> None:
    a, b = add_photo(catalog, "/p/a.jpg"), add_photo(catalog, "/p/b.jpg")
    catalog.store_batch("old", [(a, meta("ha"), np.ones(4, np.float32)), (b, meta("hb"), np.ones(4, np.float32))], [])
    catalog.store_batch("new", [(a, meta("ha"), np.ones(4, np.float32))], [])

    catalog.prune_embeddings(["new"])

    assert catalog.vector(a, "old") is None and catalog.vector(a, "new") is not None
    assert catalog.vector(b, "old") is not None  # on a drive that is away, say: kept until it comes back


def test_meta_values_are_stored_and_replaced(catalog: Catalog) -> None:
    assert catalog.meta("search_model") is None
    catalog.set_meta("search_model", "a")
    catalog.set_meta("search_model", "b")
    assert catalog.meta("search_model") == "b"


def test_same_bytes_groups_photos_of_connected_folders_only(catalog: Catalog) -> None:
    a, b, c = (add_photo(catalog, f"/p/{n}.jpg") for n in "abc")
    away = catalog.add_root(Path("/drive"))
    catalog.add_pending(away.id, [("/drive/a.jpg", 10, 1)])
    d = catalog.photo_by_path("/drive/a.jpg").id
    catalog.store_batch("m", [(a, meta("same"), np.ones(4, np.float32)), (b, meta("same"), np.ones(4, np.float32)),
                              (c, meta("other"), np.ones(4, np.float32)), (d, meta("same"), np.ones(4, np.float32))], [])
    catalog.set_root_online(away.id, False)
    assert [sorted(g) for g in catalog.same_bytes()] == [sorted([a, b])]
    assert set(catalog.present_photos()) == {a, b, c}


def test_photos_marked_distinct_stay_marked_until_one_is_forgotten(catalog: Catalog) -> None:
    a, b, c = (add_photo(catalog, f"/p/{n}.jpg") for n in "abc")
    catalog.mark_distinct([c, a, b])
    assert catalog.distinct_pairs() == {(a, b), (a, c), (b, c)}
    catalog.delete_photos([b])
    assert catalog.distinct_pairs() == {(a, c)}


def test_redone_auto_tags_leave_the_users_own_and_rejected_tags(catalog: Catalog) -> None:
    a, b = (add_photo(catalog, f"/p/{n}.jpg") for n in "ab")
    catalog.replace_auto_tags([a, b], [(a, "beach", 0.6), (a, "dog", 0.3), (b, "dog", 0.9)])
    catalog.set_user_tag([a], "holiday", "user")
    catalog.set_user_tag([a], "dog", "rejected")
    catalog.replace_auto_tags([a], [(a, "dog", 0.8), (a, "sea", 0.5)])
    assert catalog.photo_tags(a) == [("holiday", "user", 1.0), ("sea", "auto", 0.5), ("dog", "rejected", 1.0)]
    assert catalog.tag_counts() == [("dog", 1), ("holiday", 1), ("sea", 1)]
    assert catalog.tagged("dog") == [b]
    catalog.set_user_tag([a], "dog", "user")
    assert catalog.tagged("dog") == [a, b]
    catalog.delete_photos([a])
    assert catalog.tag_counts() == [("dog", 1)]


def test_a_users_tag_renamed_merges_into_the_new_name_photo_by_photo(catalog: Catalog) -> None:
    a, b, c, d = (add_photo(catalog, f"/p/{n}.jpg") for n in "abcd")
    catalog.set_user_tag([a, b], "holiday", "user")
    catalog.set_user_tag([c], "holiday", "rejected")
    catalog.replace_auto_tags([a, b, c, d], [(b, "vacation", 0.4), (c, "vacation", 0.7), (d, "holiday", 0.9)])
    catalog.set_user_tag([a], "vacation", "rejected")

    assert catalog.rename_user_tag("holiday", "vacation") == 2
    assert catalog.photo_tags(a) == [("vacation", "user", 1.0)]  # given by hand, under either word
    assert catalog.photo_tags(b) == [("vacation", "user", 1.0)]
    assert catalog.photo_tags(c) == [("vacation", "rejected", 1.0)]  # taken off stays off
    assert catalog.photo_tags(d) == [("holiday", "auto", 0.9)]  # the vocabulary's own word stays


def test_a_defined_tag_renamed_keeps_its_description_and_its_photos(catalog: Catalog) -> None:
    a, b = (add_photo(catalog, f"/p/{n}.jpg") for n in "ab")
    catalog.define_tag("hart", "a heart")
    catalog.replace_auto_tags([a], [(a, "hart", 0.8)])
    catalog.set_user_tag([b], "hart", "user")
    assert catalog.rename_user_tag("hart", "heart") == 2
    assert catalog.defined_tags() == [("heart", "a heart")]
    assert catalog.tag_counts() == [("heart", 2)]
    assert catalog.delete_user_tag("heart") == 2
    assert catalog.defined_tags() == [] and catalog.tag_counts() == []


def test_a_users_tag_deleted_leaves_the_vocabularys_own(catalog: Catalog) -> None:
    a, b, c = (add_photo(catalog, f"/p/{n}.jpg") for n in "abc")
    catalog.set_user_tag([a], "beach", "user")
    catalog.set_user_tag([b], "beach", "rejected")
    catalog.replace_auto_tags([c], [(c, "beach", 0.9)])
    assert catalog.delete_user_tag("beach") == 1
    assert catalog.photo_tags(a) == [] and catalog.photo_tags(b) == [] and catalog.tagged("beach") == [c]


def test_auto_tags_of_photos_without_a_vector_from_the_model_are_dropped(catalog: Catalog) -> None:
    a, b = (add_photo(catalog, f"/p/{n}.jpg") for n in "ab")
    catalog.store_batch("m", [(a, meta("1"), np.ones(4, np.float32))], [])
    catalog.replace_auto_tags([a, b], [(a, "sea", 0.5), (b, "sea", 0.5)])
    catalog.set_user_tag([b], "mine", "user")
    catalog.drop_auto_tags(keep_model="m")
    assert catalog.tagged("sea") == [a] and catalog.tagged("mine") == [b]
    catalog.drop_auto_tags()
    assert catalog.tag_counts() == [("mine", 1)]


def test_a_schema_4_catalog_gains_tags_and_keeps_its_photos(tmp_path: Path) -> None:
    import sqlite3

    from photoclip.catalog import _MIGRATIONS, _statements

    path = tmp_path / "c.sqlite"
    with sqlite3.connect(path) as conn:
        for version in range(1, 5):
            for statement in _statements(_MIGRATIONS[version]):
                conn.execute(statement)
        conn.execute("INSERT INTO roots (id, path, added_at) VALUES (1, '/p', 0)")
        conn.execute("INSERT INTO photos (id, root_id, path, size, mtime_ns, added_at) VALUES (7, 1, '/p/a.jpg', 1, 1, 0)")
        conn.execute("PRAGMA user_version = 4")
    catalog = Catalog(path)
    try:
        catalog.set_user_tag([7], "kept", "user")
        assert catalog.photo(7).path == Path("/p/a.jpg") and catalog.tagged("kept") == [7]
        catalog.define_tag("cabin", "a cabin")
        assert catalog.defined_tags() == [("cabin", "a cabin")]
    finally:
        catalog.close()


def test_photos_taken_in_a_period_use_the_file_date_when_there_is_no_exif_date(catalog: Catalog) -> None:
    from datetime import datetime

    ids = {}
    july = int(datetime(2021, 7, 20, 12).timestamp() * 1e9)
    root = catalog.add_root(Path("/p"))
    for name, taken in (("exif", "2021-07-04T09:00:00"), ("file", None), ("other", "2022-07-04T09:00:00")):
        catalog.add_pending(root.id, [(f"/p/{name}.jpg", 10, july if name == "file" else 1)])
        ids[name] = catalog.photo_by_path(f"/p/{name}.jpg").id
        m = PhotoMetadata(hash=name, width=1, height=1, taken_at=taken, format="jpeg")
        catalog.store_batch("m", [(ids[name], m, np.ones(4, np.float32))], [])
    assert catalog.taken_between([(datetime(2021, 7, 1), datetime(2021, 8, 1))]) == [ids["file"], ids["exif"]]
    assert catalog.taken_between([(datetime(2021, 7, 5), datetime(2021, 7, 20))]) == []


def test_photos_taken_in_any_of_several_spans_newest_first(catalog: Catalog) -> None:
    """"In may" is a span in every year: May 2000 and May 2026, not the June between."""
    from datetime import datetime

    root = catalog.add_root(Path("/p"))
    ids = {}
    for taken in ("2000-05-10T09:00:00", "2000-06-10T09:00:00", "2013-05-31T23:59:59", "2026-05-01T00:00:00",
                  "2026-06-01T00:00:00"):
        catalog.add_pending(root.id, [(f"/p/{taken}.jpg", 10, 1)])
        ids[taken] = catalog.photo_by_path(f"/p/{taken}.jpg").id
        m = PhotoMetadata(hash=taken, width=1, height=1, taken_at=taken, format="jpeg")
        catalog.store_batch("m", [(ids[taken], m, np.ones(4, np.float32))], [])
    mays = [(datetime(year, 5, 1), datetime(year, 6, 1)) for year in range(1800, 2027)]
    assert catalog.taken_between(mays) == [ids["2026-05-01T00:00:00"], ids["2013-05-31T23:59:59"],
                                           ids["2000-05-10T09:00:00"]]
    assert catalog.taken_between([]) == []


def test_file_names_that_are_not_utf8_are_stored_and_given_back_as_the_file_system_names_them(
    catalog: Catalog,
) -> None:
    import os

    folder = os.fsdecode(b"/p/caf\xe9")
    name = folder + os.fsdecode(b"/\xff\xfe photo.jpg")
    root = catalog.add_root(Path("/p"))
    catalog.add_pending(root.id, [(name, 10, 1), ("/p/plain.jpg", 10, 1)])
    photo_id = catalog.photo_by_path(name).id

    assert str(catalog.photo(photo_id).path) == name
    assert set(catalog.file_states(root.id)) == {name, "/p/plain.jpg"}
    assert list(catalog.states_under(folder)) == [name]
    assert list(catalog.photo_states([name])) == [name]
    assert [str(p) for _, p in catalog.pending("m") if _ == photo_id] == [name]
    catalog.store_batch("m", [], [(photo_id, "broken")])
    assert [str(p) for p, _ in catalog.failures()] == [name]

    renamed = os.fsdecode(b"/p/\xe9t\xe9")
    assert catalog.move_folder(folder, renamed, root.id) == [photo_id]
    assert str(catalog.photo(photo_id).path) == renamed + os.fsdecode(b"/\xff\xfe photo.jpg")


def test_each_folder_counts_its_own_indexed_photos_and_their_tags(catalog: Catalog) -> None:
    import os

    odd = os.fsdecode(b"/p/caf\xe9")
    names = ["/p/lake/a.jpg", "/p/lake/b.jpg", "/p/lake/deep/c.jpg", "/p/top.jpg", odd + "/d.jpg", "/p/lake/bad.jpg"]
    ids = [add_photo(catalog, name) for name in names]
    catalog.store_batch("m", [(pid, meta(f"h{pid}"), np.ones(4, np.float32)) for pid in ids[:-1]], [(ids[-1], "x")])
    catalog.replace_auto_tags(ids, [(ids[0], "lake", 0.9), (ids[1], "lake", 0.8), (ids[2], "lake", 0.7),
                                    (ids[4], "cafe", 0.5), (ids[5], "lake", 0.9)])
    catalog.set_user_tag([ids[1]], "boat", "user")
    catalog.set_user_tag([ids[0]], "lake", "rejected")

    assert catalog.folder_sizes() == {"/p/lake": 2, "/p/lake/deep": 1, "/p": 1, odd: 1}
    assert catalog.folders() == {"/p/lake", "/p/lake/deep", "/p", odd}
    assert sorted(catalog.folder_tag_counts()) == sorted([
        ("/p/lake", "boat", 1), ("/p/lake", "lake", 1), ("/p/lake/deep", "lake", 1), (odd, "cafe", 1)])


def test_photos_are_found_by_the_start_of_their_file_name_exact_names_first(catalog: Catalog) -> None:
    root = catalog.add_root(Path("/p"))
    names = ["/p/2019/IMG_12345.JPG", "/p/IMG_1234.jpg", "/p/a/img_1234.heic", "/p/IMG_1234 (1).jpg",
             "/p/IMG_1234/other.jpg", "/p/x_IMG_1234.jpg", "/p/IMG%1234.jpg", "/p/IMGX1234.jpg"]
    ids = {}
    for i, name in enumerate(names):
        catalog.add_pending(root.id, [(name, 10, 1)])
        ids[name] = catalog.photo_by_path(name).id
        m = PhotoMetadata(hash=f"h{i}", width=1, height=1, taken_at=f"20{10 + i}-01-01T00:00:00", format="jpeg")
        catalog.store_batch("m", [(ids[name], m, np.ones(4, np.float32))], [])

    found = catalog.named("IMG_1234")

    assert found[:2] == [ids["/p/a/img_1234.heic"], ids["/p/IMG_1234.jpg"]]  # exact (any suffix), newest first
    assert found[2:] == [ids["/p/IMG_1234 (1).jpg"], ids["/p/2019/IMG_12345.JPG"]]  # "_" and "%" match only themselves
    assert catalog.named("img_1234.jpg") == [ids["/p/IMG_1234.jpg"]]
    assert catalog.named("IMG%1") == [ids["/p/IMG%1234.jpg"]] and catalog.named("nothing9") == []


def test_the_newest_photos_are_indexed_first(catalog: Catalog) -> None:
    root = catalog.add_root(Path("/p"))
    year = 365 * 24 * 3600 * 10**9
    catalog.add_pending(root.id, [("/p/2015.jpg", 1, 45 * year), ("/p/2024.jpg", 1, 54 * year),
                                  ("/p/2019.jpg", 1, 49 * year), ("/p/taken-2010.jpg", 1, 55 * year)])
    old = catalog.photo_by_path("/p/taken-2010.jpg").id
    catalog.store_batch("other model", [(old, PhotoMetadata(hash="h", width=1, height=1,
                                                            taken_at="2010-05-01T10:00:00", format="jpeg"),
                                         np.ones(4, np.float32))], [])

    assert [p.name for _, p in catalog.pending("m")] == ["2024.jpg", "2019.jpg", "2015.jpg", "taken-2010.jpg"]


def test_captions_are_searched_by_word_kept_apart_from_the_sidecars_and_go_with_their_photo(catalog: Catalog) -> None:
    root = catalog.add_root(Path("/p"))
    ids = []
    for i, (in_file, in_sidecar) in enumerate([("Grandma's 80th birthday", None), (None, "Lake house"),
                                               ("Déjà vu at the lake", "Tom's first swim"), (None, None)]):
        catalog.add_pending(root.id, [(f"/p/{i}.jpg", 1, i * 86400 * 10**9)])
        ids.append(catalog.photo_by_path(f"/p/{i}.jpg").id)
        m = PhotoMetadata(hash=f"h{i}", width=1, height=1, taken_at=None, format="jpeg", caption=in_file,
                          sidecar_caption=in_sidecar)
        catalog.store_batch("m", [(ids[i], m, np.ones(4, np.float32))], [])

    assert catalog.captioned(["lake"]) == [ids[2], ids[1]]  # newest first
    assert catalog.captioned(["deja", "LAKE"]) == [ids[2]] and catalog.captioned(["grandma"]) == [ids[0]]
    assert catalog.caption_words_known(["lake", "car", "tom"]) == ["lake", "tom"]
    assert catalog.caption(ids[2]) == "Déjà vu at the lake\nTom's first swim" and catalog.caption(ids[3]) is None

    catalog.set_sidecar_captions([(ids[2], "Ice cream"), (ids[1], None)])
    assert catalog.caption(ids[2]) == "Déjà vu at the lake\nIce cream" and catalog.caption(ids[1]) is None
    assert catalog.captioned(["tom"]) == [] and catalog.captioned(["ice"]) == [ids[2]]
    catalog.delete_photos([ids[0]])
    assert catalog.captioned(["grandma"]) == [] and catalog._conn.execute(
        "SELECT count(*) FROM captions").fetchone()[0] == 1


def _captioned_photos(catalog: Catalog, texts: list[tuple[str | None, str | None]]) -> list:
    root = catalog.add_root(Path("/c"))
    ids = []
    for i, (in_file, in_sidecar) in enumerate(texts):
        catalog.add_pending(root.id, [(f"/c/{i}.jpg", 1, i * 86400 * 10**9)])
        ids.append(catalog.photo_by_path(f"/c/{i}.jpg").id)
        m = PhotoMetadata(hash=f"c{i}", width=1, height=1, taken_at=None, format="jpeg", caption=in_file,
                          sidecar_caption=in_sidecar)
        catalog.store_batch("m", [(ids[i], m, np.ones(4, np.float32))], [])
    return ids


def test_captions_in_chinese_japanese_and_korean_are_found_by_their_words(catalog: Catalog) -> None:
    ids = _captioned_photos(catalog, [("東京タワーの夜景", None), (None, "北京的烤鸭很好吃"),
                                      ("서울에서 친구들과", None), ("犬と散歩 in Kyoto", None)])

    assert catalog.captioned(["東京"]) == [ids[0]] and catalog.captioned(["夜景"]) == [ids[0]]
    assert catalog.captioned(["タワー"]) == [ids[0]] and catalog.captioned(["ﾀﾜｰ"]) == [ids[0]]  # half width
    assert catalog.captioned(["景"]) == [ids[0]]  # one character, even at the end of a run
    assert catalog.captioned(["烤鸭"]) == [ids[1]] and catalog.captioned(["서울"]) == [ids[2]]
    assert catalog.captioned(["犬", "kyoto"]) == [ids[3]] and catalog.captioned(["東京", "夜景"]) == [ids[0]]
    assert catalog.captioned(["京都"]) == [] and catalog.captioned(["タワー", "北京"]) == []
    assert catalog.caption_words_known(["東京", "京都", "散歩"]) == ["東京", "散歩"]
    catalog.set_sidecar_captions([(ids[1], "上海の朝")])
    assert catalog.captioned(["烤鸭"]) == [] and catalog.captioned(["上海"]) == [ids[1]]
    assert catalog.caption(ids[0]) == "東京タワーの夜景"  # shown as written


def test_a_schema_9_catalog_finds_its_chinese_and_japanese_captions_after_the_upgrade(tmp_path: Path) -> None:
    path = tmp_path / "catalog.sqlite"
    catalog = Catalog(path)
    [pid] = _captioned_photos(catalog, [("東京タワーの夜景", "Tokyo")])
    catalog.close()
    with sqlite3.connect(path) as conn:  # the captions table as schema 9 had it
        conn.executescript("""
            ALTER TABLE photos DROP COLUMN colours; ALTER TABLE embeddings DROP COLUMN stale;
            DROP TABLE exported_tags; DROP TABLE exported_sidecars; ALTER TABLE tags DROP COLUMN by_hand;
            DROP TABLE tag_spellings;
            DROP INDEX photos_name_key;
            ALTER TABLE photos DROP COLUMN name_key;
            DROP TRIGGER photos_forgotten;
            DROP TABLE forgotten_tags;
            DROP TABLE forgotten_distinct;
            DROP TRIGGER photos_captions_gone;
            DROP TABLE captions;
            CREATE VIRTUAL TABLE captions USING fts5(in_file, in_sidecar, tokenize = 'unicode61 remove_diacritics 2');
            CREATE TRIGGER photos_captions_gone AFTER DELETE ON photos BEGIN
                DELETE FROM captions WHERE rowid = old.id;
            END;
        """)
        conn.execute("INSERT INTO captions (rowid, in_file, in_sidecar) VALUES (?, '東京タワーの夜景', 'Tokyo')", (pid,))
        conn.execute("PRAGMA user_version = 9")

    catalog = Catalog(path)

    assert catalog.captioned(["夜景"]) == [pid] and catalog.captioned(["tokyo"]) == [pid]
    assert catalog.caption(pid) == "東京タワーの夜景\nTokyo"
    catalog.delete_photos([pid])
    assert catalog._conn.execute("SELECT count(*) FROM captions").fetchone()[0] == 0


def test_what_a_photos_file_says_of_itself_is_kept_apart_from_what_its_takeout_json_adds(catalog: Catalog) -> None:
    pid = add_photo(catalog)
    own = FileFacts(taken_at="2016-05-01T10:00:00", caption="In the file")
    m = PhotoMetadata(hash="h", width=1, height=1, taken_at=own.taken_at, format="jpeg", location=(38.7, -9.1),
                      caption="In the file\nFrom Google", sidecar_caption="In darktable", file_facts=own)
    catalog.store_batch("m", [(pid, m, np.ones(4, np.float32))], [])
    assert catalog.file_facts([pid]) == {pid: own}  # the place is the JSON's

    catalog.settle_unchanged([pid], [(pid, Described(sidecar_keywords=("Lake",), sidecar_caption="Edited"))])
    assert catalog.caption(pid) == "In the file\nFrom Google\nEdited" and catalog.photo(pid).status == "indexed"
    assert catalog.photo_tags(pid) == [("lake", "user", 1.0)]
    catalog.settle_unchanged([pid], [(pid, Described(taken=TakenFacts("2016-05-01T10:00:00", caption="In the file")))])
    assert catalog.caption(pid) == "In the file" and catalog.photo(pid).lat is None and catalog.photo_tags(pid) == []

    catalog.store_batch("m", [(pid, dataclasses.replace(m, file_facts=None), np.ones(4, np.float32))], [])
    assert catalog.file_facts([pid]) == {}  # not known: read by a photoclip that did not keep them
    catalog.store_batch("m", [(pid, m, np.ones(4, np.float32))], [])
    catalog.delete_photos([pid])
    assert catalog._conn.execute("SELECT count(*) FROM file_facts").fetchone()[0] == 0


def test_the_date_a_photos_file_gives_is_kept_apart_from_the_date_another_programs_sidecar_gives(
    catalog: Catalog,
) -> None:
    pid = add_photo(catalog)
    own = FileFacts(taken_at="2016-05-01T10:00:00", modified_at="2020-01-01T00:00:00")
    m = PhotoMetadata(hash="h", width=1, height=1, taken_at="1998-12-24T18:00:00", format="jpeg", file_facts=own)
    catalog.store_batch("m", [(pid, m, np.ones(4, np.float32))], [])
    assert catalog.file_facts([pid]) == {pid: own} and catalog.noted_beside([pid]) == {pid}

    catalog.set_taken([(pid, TakenFacts("2016-05-01T10:00:00"))])  # the sidecar gone
    assert catalog.photo(pid).taken_at == "2016-05-01T10:00:00" and catalog.noted_beside([pid]) == set()
    assert catalog._conn.execute("SELECT dated FROM file_facts").fetchall() == [(1,)]
    catalog.store_batch("m", [(pid, dataclasses.replace(m, file_facts=FileFacts(modified_at="2020-01-01T00:00:00")),
                                np.ones(4, np.float32))], [])
    assert catalog._conn.execute("SELECT dated FROM file_facts").fetchall() == [(0,)]  # its ModifyDate dates it not


def test_a_schema_24_catalog_keeps_the_date_a_photos_file_gave_apart(tmp_path: Path) -> None:
    path = tmp_path / "catalog.sqlite"
    catalog = Catalog(path)
    dated, undated = add_photo(catalog), add_photo(catalog, "/p/IMG_20160501_100000.jpg")
    for pid, own in ((dated, FileFacts("2016-05-01T10:00:00")), (undated, FileFacts())):
        m = PhotoMetadata(hash=f"h{pid}", width=1, height=1, taken_at="2016-05-01T10:00:00", format="jpeg",
                          file_facts=own)
        catalog.store_batch("m", [(pid, m, np.ones(4, np.float32))], [])
    catalog.close()
    with sqlite3.connect(path) as conn:  # file_facts as schema 24 had it: the date was the photo's
        conn.executescript("ALTER TABLE file_facts DROP COLUMN taken_at;"
                           " ALTER TABLE file_facts DROP COLUMN modified_at;"
                           " ALTER TABLE photos DROP COLUMN taken_until; PRAGMA user_version = 24;")
    conn.close()
    catalog = Catalog(path)
    assert catalog.file_facts([dated, undated]) == {dated: FileFacts("2016-05-01T10:00:00"), undated: FileFacts()}
    assert catalog.noted_beside([dated, undated]) == {undated}  # dated by its name: read again when touched
    catalog.close()


def test_a_schema_24_catalog_dates_anew_the_photos_only_their_names_date_where_they_say_more_now(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Pixel's time of day (its milliseconds hid it: midnight), Facebook's and WeChat's times in
    milliseconds (no date). A date the file, a Takeout JSON or the user's clock gave stays."""
    monkeypatch.setenv("TZ", "Europe/Lisbon")
    time.tzset()
    path = tmp_path / "catalog.sqlite"
    catalog = Catalog(path)
    given = {"/p/PXL_20240815_233000222.jpg": "2024-08-15T00:00:00", "/p/FB_IMG_1688477400000.jpg": None,
             "/p/PXL_20240816_101010101.jpg": "2024-08-16T12:10:10",
             "/p/FB_IMG_1688477400001.jpg": "2023-07-01T09:00:00",
             "/p/PXL_20240817_080000000.jpg": "2024-08-17T00:00:00"}
    ids = {}
    for name, taken in given.items():
        ids[name] = pid = add_photo(catalog, name)
        own = FileFacts("2024-08-17T00:00:00") if name.startswith("/p/PXL_20240817") else FileFacts()
        m = PhotoMetadata(hash=name, width=1, height=1, taken_at=taken, format="jpeg", file_facts=own)
        catalog.store_batch("m", [(pid, m, np.ones(4, np.float32))], [])
    catalog.close()
    with sqlite3.connect(path) as conn:
        conn.executescript("ALTER TABLE file_facts DROP COLUMN taken_at;"
                           " ALTER TABLE file_facts DROP COLUMN modified_at;"
                           " ALTER TABLE photos DROP COLUMN taken_until; PRAGMA user_version = 24;")
    conn.close()
    try:
        catalog = Catalog(path)
        assert {name: catalog.photo(pid).taken_at for name, pid in ids.items()} == {
            "/p/PXL_20240815_233000222.jpg": "2024-08-16T00:30:00",  # 23:30 UTC
            "/p/FB_IMG_1688477400000.jpg": "2023-07-04T00:00:00",  # saved from Facebook: the day
            "/p/PXL_20240816_101010101.jpg": "2024-08-16T12:10:10",  # a Takeout JSON's
            "/p/FB_IMG_1688477400001.jpg": "2023-07-01T09:00:00",
            "/p/PXL_20240817_080000000.jpg": "2024-08-17T00:00:00",  # its file's, though midnight
        }
        catalog.close()
    finally:
        monkeypatch.undo()
        time.tzset()


def test_keywords_taken_away_in_another_program_are_taken_away_here(catalog: Catalog) -> None:
    pid = add_photo(catalog)
    m = PhotoMetadata(hash="h", width=1, height=1, taken_at=None, format="jpeg", keywords=("lisbon", "tram"),
                      sidecar_keywords=("tram", "grandma", "beach"))
    catalog.store_batch("m", [(pid, m, np.ones(4, np.float32))], [])
    catalog.set_user_tag([pid], "lake", "user")  # given here by hand
    catalog.set_user_tag([pid], "beach", "rejected")  # and taken away here

    def tags() -> dict[str, str]:
        return {tag: source for tag, source, _ in catalog.photo_tags(pid)}

    assert tags() == {"lisbon": "user", "tram": "user", "grandma": "user", "beach": "rejected", "lake": "user"}

    assert catalog.set_sidecar_keywords([(pid, ["beach", "dog"])]) == 2  # dog came, grandma went; tram stays
    assert tags() == {"lisbon": "user", "tram": "user", "dog": "user", "beach": "rejected", "lake": "user"}
    assert catalog.set_sidecar_keywords([(pid, ["beach", "dog"])]) == 0
    assert catalog.set_sidecar_keywords([(pid, [])]) == 1
    assert tags() == {"lisbon": "user", "tram": "user", "beach": "rejected", "lake": "user"}
    again = PhotoMetadata(hash="h2", width=1, height=1, taken_at=None, format="jpeg", keywords=("lisbon",))
    catalog.store_batch("m", [(pid, again, np.ones(4, np.float32))], [])  # the file edited: tram is gone
    assert tags() == {"lisbon": "user", "beach": "rejected", "lake": "user"}


def test_what_the_user_said_about_a_forgotten_photo_comes_back_once_with_its_bytes_or_pixels(
    catalog: Catalog,
) -> None:
    def stored(name: str, content_hash: str, pixels_hash: str, keywords: tuple[str, ...] = ()) -> PhotoId:
        pid = add_photo(catalog, name)
        m = PhotoMetadata(hash=content_hash, width=1, height=1, taken_at=None, format="jpeg",
                          pixels_hash=pixels_hash, keywords=keywords)
        catalog.store_batch("m", [(pid, m, np.ones(4, np.float32))], [])
        return pid

    def tags(pid: PhotoId) -> dict[str, str]:
        return {tag: source for tag, source, _ in catalog.photo_tags(pid)}

    first = stored("/p/a.jpg", "h1", "px1", keywords=("tram",))
    other = stored("/p/b.jpg", "h2", "px2")
    catalog.set_user_tag([first], "lake", "user")
    catalog.set_user_tag([first], "beach", "rejected")
    catalog.mark_distinct([first, other])
    catalog.delete_photos([first])
    assert catalog.distinct_pairs() == set()

    back = stored("/p/c.jpg", "h3", "px1")  # the same pixels with other metadata (exiftool wrote it)
    assert tags(back) == {"lake": "user", "beach": "rejected"}  # the file's keyword is the file's to give
    assert catalog.distinct_pairs() == {tuple(sorted((back, other)))}
    catalog.set_user_tag([back], "lake", "rejected")
    m = PhotoMetadata(hash="h3", width=1, height=1, taken_at=None, format="jpeg", pixels_hash="px1")
    catalog.store_batch("m2", [(back, m, np.ones(4, np.float32))], [])  # embedded again by another model
    assert tags(back)["lake"] == "rejected"
    assert tags(stored("/p/d.jpg", "h1", "px1")) == {}  # given back once, to the first copy read


def test_a_forgotten_photo_back_under_another_name_gets_its_tags_though_its_old_name_holds_another_photo(
    catalog: Catalog,
) -> None:
    """Moved away, its name used again by a new photo, then put back as "IMG_9 (1).jpg" (a trash
    restore whose name was taken): it came back without the tags the user gave it."""
    def stored(name: str, content_hash: str) -> PhotoId:
        pid = add_photo(catalog, name)
        m = PhotoMetadata(hash=content_hash, width=1, height=1, taken_at=None, format="jpeg",
                          pixels_hash="p" + content_hash)
        catalog.store_batch("m", [(pid, m, np.ones(4, np.float32))], [])
        return pid

    first = stored("/p/IMG_9.jpg", "h1")
    catalog.set_user_tag([first], "secret", "user")
    catalog.delete_photos([first])
    stored("/p/IMG_9.jpg", "h2")  # another photo, under the name
    back = stored("/p/IMG_9 (1).jpg", "h1")
    assert {tag for tag, _, _ in catalog.photo_tags(back)} == {"secret"}
    kept = stored("/p/b.jpg", "h3")
    catalog.set_user_tag([kept], "lake", "user")
    catalog.delete_photos([kept])
    stored("/p/b.jpg", "h3")  # back at its own path: its tags are its own
    assert catalog.photo_tags(stored("/p/b copy.jpg", "h3")) == []  # a copy of it gets none


def test_a_photo_moved_by_copying_gives_what_the_user_said_to_its_recent_copy_not_to_older_ones(
    catalog: Catalog, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Copied elsewhere and indexed, then deleted where it was (a move between drives): the copy
    gets its tags, taken-off tags and marks. Copies older than it, or than a day, keep their own."""
    clock = [1_000_000.0]
    monkeypatch.setattr(catalog_module.time, "time", lambda: clock[0])

    def stored(name: str, content_hash: str) -> PhotoId:
        clock[0] += 1
        pid = add_photo(catalog, name)
        catalog.store_batch("m", [(pid, meta(content_hash), np.ones(4, np.float32))], [])
        return pid

    def tags(pid: PhotoId) -> dict[str, str]:
        return {tag: source for tag, source, _ in catalog.photo_tags(pid)}

    older = stored("/p/old/a.jpg", "h1")
    original = stored("/p/a.jpg", "h1")
    other = stored("/p/b.jpg", "h2")
    kept = stored("/p/kept/a.jpg", "h1")
    clock[0] += catalog_module.MOVED_BY_COPY_S  # long ago by the time of the move
    catalog.set_user_tag([original], "lake", "user")
    catalog.set_user_tag([original], "beach", "rejected")
    catalog.set_user_tag([older], "older", "user")
    catalog.set_user_tag([kept], "kept", "user")
    catalog.mark_distinct([original, other])
    renamed = stored("/q/renamed.jpg", "h1")
    copy = stored("/q/a.jpg", "h1")
    catalog.set_user_tag([copy], "copy", "user")
    catalog.delete_photos([original])
    assert tags(copy) == {"lake": "user", "beach": "rejected", "copy": "user"}  # of its name, not `renamed`
    assert tags(renamed) == {} and tags(older) == {"older": "user"} and tags(kept) == {"kept": "user"}
    assert catalog.distinct_pairs() == {tuple(sorted((copy, other)))}
    assert tags(stored("/r/a.jpg", "h1")) == {}  # given once
    catalog.delete_photos([older])
    assert tags(kept) == {"kept": "user"}  # came after it, but a day before the deletion


def test_a_word_with_sharp_s_is_found_as_a_person_without_one_types_it_also_after_the_upgrade(
    tmp_path: Path,
) -> None:
    path = tmp_path / "catalog.sqlite"
    catalog = Catalog(path)
    fresh, older = _captioned_photos(catalog, [("Straße nach Düsseldorf", None), (None, "Großmutter im Garten")])
    assert catalog.captioned(["strasse"]) == [fresh] and catalog.captioned(["straße"]) == [fresh]
    assert catalog.caption_words_known(["strasse", "grossmutter"]) == ["strasse", "grossmutter"]
    assert catalog.caption(fresh) == "Straße nach Düsseldorf"  # shown as written
    catalog.close()
    with sqlite3.connect(path) as conn:  # as schema 10 indexed it
        conn.executescript("""
            ALTER TABLE photos DROP COLUMN colours; ALTER TABLE embeddings DROP COLUMN stale;
            DROP TABLE exported_tags; DROP TABLE exported_sidecars; ALTER TABLE tags DROP COLUMN by_hand;
            DROP TABLE tag_spellings;
            DROP INDEX photos_name_key;
            ALTER TABLE photos DROP COLUMN name_key;
            DROP TRIGGER photos_forgotten;
            DROP TABLE forgotten_tags;
            DROP TABLE forgotten_distinct;
            UPDATE captions SET cjk = NULL;
            PRAGMA user_version = 10;
        """)
    catalog = Catalog(path)
    assert catalog.captioned(["grossmutter"]) == [older] and catalog.captioned(["strasse"]) == [fresh]


def test_greek_and_polish_captions_are_found_typed_without_accents_also_after_the_upgrade(tmp_path: Path) -> None:
    path = tmp_path / "catalog.sqlite"
    catalog = Catalog(path)
    acropolis, lodz, cafe = _captioned_photos(catalog, [("Ακρόπολη τη νύχτα", None), (None, "Rynek w Łodzi"),
                                                         ("Café de Flore", None)])
    for typed in ("ακροπολη", "ακρόπολη", "νυχτα"):
        assert catalog.captioned([typed]) == [acropolis], typed
    assert catalog.captioned(["lodzi"]) == [lodz] and catalog.captioned(["łodzi"]) == [lodz]
    assert catalog.captioned(["cafe"]) == [cafe] and catalog.caption_words_known(["ακροπολη", "lodzi", "athens"]) \
        == ["ακροπολη", "lodzi"]
    catalog.close()
    with sqlite3.connect(path) as conn:  # as schema 23 indexed it
        conn.executescript("UPDATE captions SET cjk = NULL; PRAGMA user_version = 23;")
    catalog = Catalog(path)
    assert catalog.captioned(["ακροπολη"]) == [acropolis] and catalog.captioned(["lodzi"]) == [lodz]


RAW_NEF = (Path(__file__).parent / "fixtures" / "raw" / "Nikon-rotated.nef").read_bytes()


def test_the_tags_of_a_jpeg_that_stood_for_a_shot_go_to_its_raw_once_the_jpeg_is_deleted(open_library, tmp_path):
    from tests.helpers import write_photo

    folder = tmp_path / "Japan"
    (folder / "DSC_2004.NEF").parent.mkdir()
    (folder / "DSC_2004.NEF").write_bytes(RAW_NEF)
    jpeg = write_photo(folder / "DSC_2004.JPG", seed=4)
    write_photo(folder / "DSC_2005.JPG", seed=5)
    library = open_library()
    library.index([folder])
    shot = library.catalog.photo_by_path(jpeg).id
    library.add_tag([shot], "fuji")
    library.remove_tag([shot], "dog")

    jpeg.unlink()  # raw and JPEG shot: the JPEGs cleared out, the raws kept
    library.index()

    raw = library.catalog.photo_by_path(folder / "DSC_2004.NEF")
    assert raw is not None and raw.status == "indexed"
    assert {(t.name, t.source) for t in library.photo_tags(raw.id)} >= {("fuji", "user"), ("dog", "rejected")}
    assert [library.photo(pid).path.name for pid in library.tagged("fuji")] == ["DSC_2004.NEF"]

    write_photo(jpeg, seed=6)  # a JPEG made from the raw again, saved beside it: it stands for the shot
    library.index()
    assert [library.photo(pid).path.name for pid in library.tagged("fuji")] == ["DSC_2004.JPG"]


def test_the_tags_of_a_pixels_jpeg_go_to_its_raw_though_their_names_differ(open_library, tmp_path):
    """A Pixel names the two files of a RAW+JPEG shot unlike: PXL_<time>.RAW-01.COVER.jpg and
    PXL_<time>.RAW-02.ORIGINAL.dng."""
    from tests.helpers import write_photo

    folder = tmp_path / "Camera"
    folder.mkdir()
    raw = folder / "PXL_20230709_090000555.RAW-02.ORIGINAL.dng"
    raw.write_bytes((Path(__file__).parent / "fixtures" / "raw" / "DNG.dng").read_bytes())
    jpeg = write_photo(folder / "PXL_20230709_090000555.RAW-01.COVER.jpg", seed=4)
    other = write_photo(folder / "PXL_20230709_090000555.PORTRAIT.jpg", seed=5)  # named as it starts: no raw's
    library = open_library()
    library.index([folder])
    library.add_tag([library.catalog.photo_by_path(jpeg).id, library.catalog.photo_by_path(other).id], "fuji")

    jpeg.unlink()
    other.unlink()
    library.index()
    assert [library.photo(pid).path.name for pid in library.tagged("fuji")] == [raw.name]

    write_photo(jpeg, seed=6)
    library.index()
    assert [library.photo(pid).path.name for pid in library.tagged("fuji")] == [jpeg.name]


def test_what_a_scan_could_not_read_is_kept_with_why_and_older_lists_still_read(catalog: Catalog, tmp_path: Path) -> None:
    kept, gone = catalog.add_root(tmp_path / "kept"), catalog.add_root(tmp_path / "gone")
    catalog.set_unreadable(kept.id, {str(tmp_path / "kept" / "loop"): "a symbolic link loop"})
    catalog.set_unreadable(gone.id, {str(tmp_path / "gone" / "x"): "permission denied"})
    catalog.remove_root(gone.id)
    assert catalog.unreadable() == [(tmp_path / "kept" / "loop", "a symbolic link loop")]
    catalog.set_meta(f"unreadable:{kept.id}", f'["{tmp_path / "kept" / "old"}"]')  # as photoclip kept it before
    assert catalog.unreadable() == [(tmp_path / "kept" / "old", "permission denied?")]
    catalog.set_unreadable(kept.id, {})
    assert catalog.unreadable() == []


def _indexed(catalog: Catalog, paths: list[str]) -> list[PhotoId]:
    root = catalog.add_root(Path(os.path.commonpath(paths)))
    catalog.add_pending(root.id, [(path, 1, i) for i, path in enumerate(paths)])
    ids = [catalog.photo_by_path(path).id for path in paths]
    m = PhotoMetadata(hash="h", width=1, height=1, taken_at=None, format="jpeg")
    catalog.store_batch("m", [(pid, m, np.ones(4, np.float32)) for pid in ids], [])
    return ids


def test_photos_are_found_by_the_words_of_their_names_and_starts_of_names(catalog: Catalog) -> None:
    selfie, tram, img, img_long, moved = _indexed(catalog, [
        "/p/😀 Selfie.jpg", "/p/trip/Lisbon_tram!.JPG", "/p/IMG_1234.jpg", "/p/IMG_12345.jpg", "/p/x.jpg"])
    catalog.move_photo(moved, catalog.roots()[0].id, "/p/new/Selfie (2).png", 1, 9)

    assert catalog.named_whole("lisbon tram") == [tram]
    assert catalog.named_whole("selfie") == [selfie, moved]  # "Selfie (2)" numbered, after the one named so
    assert catalog.named_whole("selfie 2") == [moved] and catalog.named_whole("x") == []
    assert catalog.named("IMG_1234") == [img, img_long] and catalog.named("img_1234.JPG") == [img]
    assert catalog.named("😀 sel") == [selfie] and catalog.named("Lisbon_tram!.j") == [tram]


def test_a_name_searched_finds_the_photos_numbered_after_it_but_not_other_names_that_start_with_it(
    catalog: Catalog
) -> None:
    """"lake day" found nothing of "lake day 1.jpg" and "lake day 2.jpg", as exports and cameras number them."""
    plain, first, second, copy, other, longer = _indexed(catalog, [
        "/p/Lake day.jpg", "/p/lake day 1.jpg", "/p/lake_day_2.png", "/p/lake day (3).jpg", "/p/lake day trip.jpg",
        "/p/lake days.jpg"])
    assert sorted(catalog.named_whole("lake day")[1:]) == sorted([first, second, copy])
    assert catalog.named_whole("lake day")[0] == plain and catalog.named_whole("lake") == []
    assert other not in catalog.named_whole("lake day") and longer not in catalog.named_whole("lake day")


def test_a_schema_11_catalog_finds_photos_by_the_words_of_their_names_after_the_upgrade(tmp_path: Path) -> None:
    path = tmp_path / "catalog.sqlite"
    catalog = Catalog(path)
    selfie, odd = _indexed(catalog, ["/p/😀 Selfie.jpg", "/p/caf\udce9 Paris.jpg"])  # a name not in UTF-8
    catalog.close()
    with sqlite3.connect(path) as conn:
        conn.executescript("ALTER TABLE photos DROP COLUMN colours; ALTER TABLE embeddings DROP COLUMN stale; "
                           "DROP TABLE exported_tags; DROP TABLE exported_sidecars; "
                           "ALTER TABLE tags DROP COLUMN by_hand; "
                           "DROP TABLE tag_spellings; "
                           "DROP INDEX photos_name_key; ALTER TABLE photos DROP COLUMN name_key; "
                           "PRAGMA user_version = 11;")
    catalog = Catalog(path)
    assert catalog.named_whole("selfie") == [selfie] and catalog.named_whole("caf paris") == [odd]


def test_a_schema_14_catalog_finds_names_without_their_accents_after_the_upgrade(tmp_path: Path) -> None:
    path = tmp_path / "catalog.sqlite"
    catalog = Catalog(path)
    zurich, plain = _indexed(catalog, ["/p/Zürich 2019.jpg", "/p/lake.jpg"])
    catalog.close()
    with sqlite3.connect(path) as conn:  # the keys schema 14 made, with their accents
        conn.execute("UPDATE photos SET name_key = 'zürich 2019' WHERE id = ?", (zurich,))
        conn.executescript("ALTER TABLE photos DROP COLUMN colours; ALTER TABLE embeddings DROP COLUMN stale; "
                           "ALTER TABLE exported_tags RENAME TO exported_auto_tags; DROP TABLE exported_sidecars;")
        conn.execute("PRAGMA user_version = 14")
    catalog = Catalog(path)
    assert catalog.named_whole("zurich 2019") == [zurich]
    assert catalog.named_whole("lake") == [plain]


def test_a_schema_22_catalogs_tags_lose_the_dot_of_a_capital_i(tmp_path: Path) -> None:
    """"İstanbul" was known as "i̇stanbul" (the dot a mark of its own), another tag than "istanbul"."""
    path = tmp_path / "catalog.sqlite"
    catalog = Catalog(path)
    one, two, three = _indexed(catalog, ["/p/a.jpg", "/p/b.jpg", "/p/c.jpg"])
    dotted = "i\u0307stanbul"
    catalog.set_user_tag([one, two], dotted, "user")
    catalog.set_user_tag([two, three], "istanbul", "rejected")
    catalog.spell(dotted, "İstanbul")
    catalog.define_tag("i\u0307zmir", "a photo of izmir")
    catalog.close()
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA user_version = 22")
    conn.close()
    catalog = Catalog(path)
    assert {pid: source for pid, (source, _) in catalog.tag_sources("istanbul").items()} == {one: "user", two: "user"}
    assert [(tag, source) for tag, source, _ in catalog.photo_tags(three)] == [("istanbul", "rejected")]
    assert catalog.tag_sources(dotted) == {} and catalog.spellings()["istanbul"] == "İstanbul"
    assert [name for name, _ in catalog.defined_tags()] == ["izmir"]
    catalog.close()


def test_a_schema_21_catalogs_name_keys_lose_the_accents_of_greek_letters(tmp_path: Path) -> None:
    path = tmp_path / "catalog.sqlite"
    catalog = Catalog(path)
    [athens] = _indexed(catalog, ["/p/Αθήνα Ακρόπολη.jpg"])
    catalog.close()
    with sqlite3.connect(path) as conn:  # the key schema 21 made
        conn.execute("UPDATE photos SET name_key = 'αθήνα ακρόπολη' WHERE id = ?", (athens,))
        conn.execute("PRAGMA user_version = 21")
    conn.close()
    catalog = Catalog(path)
    assert catalog.named_whole("αθηνα ακροπολη") == [athens]
    catalog.close()


def test_a_schema_19_catalogs_name_keys_lose_the_marks_that_are_part_of_latin_letters(tmp_path: Path) -> None:
    path = tmp_path / "catalog.sqlite"
    catalog = Catalog(path)
    lodz, istanbul = _indexed(catalog, ["/p/Łódź.jpg", "/p/İstanbul.jpg"])
    catalog.close()
    with sqlite3.connect(path) as conn:  # the keys schema 19 made
        conn.execute("UPDATE photos SET name_key = 'łodz' WHERE id = ?", (lodz,))
        conn.execute("UPDATE photos SET name_key = 'i stanbul' WHERE id = ?", (istanbul,))
        conn.execute("PRAGMA user_version = 19")
    conn.close()
    catalog = Catalog(path)
    assert catalog.named_whole("lodz") == [lodz] and catalog.named_whole("istanbul") == [istanbul]
    catalog.close()


def test_a_schema_26_catalog_finds_hebrew_and_arabic_names_and_captions_typed_without_vowel_marks(
    tmp_path: Path
) -> None:
    """Most people type "שלום" and "محمد" for "שָׁלוֹם" and "مُحَمَّد": an older catalog keeps the keys and
    caption words it made with the marks, and is re-keyed when opened."""
    path = tmp_path / "catalog.sqlite"
    catalog = Catalog(path)
    shalom, muhammad = _indexed(catalog, ["/p/שָׁלוֹם.jpg", "/p/مُحَمَّد 2.jpg"])
    hebrew, arabic = _captioned_photos(catalog, [("שָׁלוֹם עוֹלָם", None), (None, "حفلة عيد ميلاد أحمد")])

    def found() -> tuple[list[PhotoId], ...]:
        return (catalog.named_whole("שלום"), catalog.named_whole("محمد 2"), catalog.captioned(["שלום"]),
                catalog.captioned(["احمد", "عيد"]))

    assert found() == ([shalom], [muhammad], [hebrew], [arabic])
    catalog.close()
    with sqlite3.connect(path) as conn:  # the keys and caption words schema 26 made, marks and all
        conn.execute("UPDATE photos SET name_key = 'שָׁלוֹם' WHERE id = ?", (shalom,))
        conn.execute("UPDATE photos SET name_key = 'مُحَمَّد 2' WHERE id = ?", (muhammad,))
        conn.executescript("UPDATE captions SET cjk = NULL; PRAGMA user_version = 26;")
    conn.close()
    catalog = Catalog(path)
    assert found() == ([shalom], [muhammad], [hebrew], [arabic])
    catalog.close()


def test_a_tag_given_by_hand_stays_when_the_same_keyword_is_taken_away_in_another_program(catalog: Catalog) -> None:
    """Given here before the keyword came (lake), or after it had (tram): the user's word both times."""
    pid = add_photo(catalog)
    catalog.set_user_tag([pid], "lake house", "user")
    catalog.set_sidecar_keywords([(pid, ["Lake House", "tram", "dog"])])
    catalog.set_user_tag([pid], "tram", "user")
    catalog.set_sidecar_keywords([(pid, [])])
    assert {tag: source for tag, source, _ in catalog.photo_tags(pid)} == {"lake house": "user", "tram": "user"}


def test_a_schema_13_catalogs_user_tags_no_keyword_gave_are_the_users_by_hand(tmp_path: Path) -> None:
    path = tmp_path / "catalog.sqlite"
    catalog = Catalog(path)
    pid = add_photo(catalog)
    catalog.set_sidecar_keywords([(pid, ["dog", "cat"])])
    catalog.set_user_tag([pid], "lake", "user")
    catalog.close()
    with sqlite3.connect(path) as conn:
        conn.executescript("ALTER TABLE photos DROP COLUMN colours; ALTER TABLE embeddings DROP COLUMN stale; "
                           "DROP TABLE exported_tags; DROP TABLE exported_sidecars; "
                           "ALTER TABLE tags DROP COLUMN by_hand; "
                           "PRAGMA user_version = 13;")
    catalog = Catalog(path)
    catalog.set_sidecar_keywords([(pid, ["cat"])])
    catalog.set_sidecar_keywords([(pid, [])])
    assert {tag for tag, _, _ in catalog.photo_tags(pid)} == {"lake"}


def test_a_schema_17_catalogs_long_photos_are_embedded_again_and_searched_by_their_old_vectors_meanwhile(
    tmp_path: Path,
) -> None:
    """The model saw a panorama cropped to its middle before it saw it whole (imaging.WIDE)."""
    path = tmp_path / "catalog.sqlite"
    catalog = Catalog(path)
    root = catalog.add_root(Path("/p"))
    sizes = {"/p/pano.jpg": (900, 300), "/p/screenshot.png": (1080, 2340), "/p/wide.jpg": (1920, 960)}
    catalog.add_pending(root.id, [(name, 10, 1) for name in sizes])
    ids = {name: catalog.photo_by_path(name).id for name in sizes}
    catalog.store_batch("m", [(ids[name], PhotoMetadata(hash=name, width=w, height=h, taken_at=None, format="jpeg"),
                               np.full(4, 0.5, np.float32)) for name, (w, h) in sizes.items()], [])
    catalog.close()
    with sqlite3.connect(path) as conn:
        conn.executescript("ALTER TABLE embeddings DROP COLUMN stale; ALTER TABLE exported_tags RENAME TO"
                           " exported_auto_tags; DROP TABLE exported_sidecars; PRAGMA user_version = 17;")
    catalog = Catalog(path)

    assert {p for _, p in catalog.pending("m")} == {Path("/p/pano.jpg"), Path("/p/screenshot.png")}
    assert catalog.counts("m").pending == 2
    assert sorted(i for chunk, _ in catalog.embeddings("m", 4) for i in chunk.tolist()) == sorted(ids.values())
    assert catalog.vector_for_hash("/p/pano.jpg", "m") is None  # not lent to a copy, nor back to itself
    assert catalog.vector_for_hash("/p/wide.jpg", "m") is not None

    catalog.store_batch("m", [(ids["/p/pano.jpg"], PhotoMetadata(hash="/p/pano.jpg", width=900, height=300,
                                                                taken_at=None, format="jpeg"),
                               np.full(4, 0.25, np.float32))], [])

    assert [p for _, p in catalog.pending("m")] == [Path("/p/screenshot.png")]
    assert catalog.vector_for_hash("/p/pano.jpg", "m") is not None
    catalog.close()


@pytest.mark.parametrize("back_in", ["sidecar", "file"])
def test_keywords_photoclip_exported_do_not_bring_back_a_tag_the_user_deleted_or_renamed(
    catalog: Catalog, back_in: str
) -> None:
    """digiKam re-saves photoclip's sidecar with every keyword in it, or copies them into the
    photo ("write metadata to file"): only the one it added is the user's."""
    pid = add_photo(catalog)
    catalog.set_user_tag([pid], "grandma", "user")
    catalog.set_user_tag([pid], "lake", "user")
    catalog.replace_auto_tags([pid], [(pid, "beach", 0.7)])
    catalog.note_exported_tags({Path("/p/a.jpg"): ["grandma", "lake", "beach"]})
    catalog.delete_user_tag("grandma")
    catalog.rename_user_tag("lake", "lake house")

    keywords = ("Grandma", "lake", "beach", "Roses")
    if back_in == "sidecar":
        catalog.set_sidecar_keywords([(pid, list(keywords))])
    else:
        catalog.store_batch("m", [(pid, PhotoMetadata("h", 1, 1, None, "jpeg", keywords=keywords),
                                   np.ones(4, np.float32))], [])

    assert {tag: source for tag, source, _ in catalog.photo_tags(pid)} == {
        "lake house": "user", "beach": "auto", "roses": "user"}


def test_a_schema_18_catalogs_exported_photos_keep_their_users_tags_of_then_from_coming_back(tmp_path: Path) -> None:
    path = tmp_path / "catalog.sqlite"
    catalog = Catalog(path)
    pid, never = add_photo(catalog), add_photo(catalog, "/p/b.jpg")
    catalog.set_user_tag([pid, never], "grandma", "user")
    catalog.replace_auto_tags([pid], [(pid, "beach", 0.7)])
    catalog.close()
    with sqlite3.connect(path) as conn:  # schema 18 recorded the automatic tags export wrote, and only those
        conn.executescript("ALTER TABLE exported_tags RENAME TO exported_auto_tags; DROP TABLE exported_sidecars;"
                           " PRAGMA user_version = 18;")
        conn.execute("INSERT INTO exported_auto_tags (photo_id, tag) VALUES (?, 'beach')", (pid,))
    catalog = Catalog(path)
    catalog.delete_user_tag("grandma")

    catalog.set_sidecar_keywords([(pid, ["grandma", "beach"]), (never, ["grandma"])])

    assert {tag: source for tag, source, _ in catalog.photo_tags(pid)} == {"beach": "auto"}
    assert {tag: source for tag, source, _ in catalog.photo_tags(never)} == {"grandma": "user"}  # never exported


def test_keywords_added_to_photoclips_own_sidecar_are_the_users_but_not_those_it_wrote(catalog: Catalog) -> None:
    pid = add_photo(catalog)
    catalog.set_user_tag([pid], "grandma", "user")
    catalog.replace_auto_tags([pid], [(pid, "beach", 0.7)])
    own = ["beach", "Grandma", "Roses"]
    catalog.set_sidecar_keywords([(pid, [])], {pid: own})  # exported before photoclip kept what it wrote, or a copy
    assert {tag: source for tag, source, _ in catalog.photo_tags(pid)} == {"grandma": "user", "beach": "auto"}

    catalog.note_exported_tags({Path("/p/a.jpg"): ["grandma", "beach"]})
    catalog.delete_user_tag("grandma")
    catalog.set_sidecar_keywords([(pid, [])], {pid: own})
    assert {tag: source for tag, source, _ in catalog.photo_tags(pid)} == {"beach": "auto", "roses": "user"}
    catalog.set_sidecar_keywords([(pid, [])], {pid: own})  # read again: still the user's
    assert {tag: source for tag, source, _ in catalog.photo_tags(pid)} == {"beach": "auto", "roses": "user"}

    catalog.set_sidecar_keywords([(pid, [])], {pid: ["beach", "Grandma"]})  # Roses taken out of it by hand
    assert {tag: source for tag, source, _ in catalog.photo_tags(pid)} == {"beach": "auto"}


def test_a_new_catalog_logs_one_line_not_one_per_schema_step(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """`photoclip -v` on a new library: one line, not twenty "migrated to schema N"."""
    with caplog.at_level(logging.INFO, logger="photoclip.catalog"):
        Catalog(tmp_path / "catalog.sqlite").close()
    said = [r.getMessage() for r in caplog.records if "schema" in r.getMessage()]
    assert said == [f"catalog {tmp_path / 'catalog.sqlite'} made (schema {SCHEMA_VERSION})"]


def test_a_schema_27_catalog_finds_persian_letters_and_other_digits_typed_as_arabic_and_0_to_9(tmp_path: Path) -> None:
    """Persian keyboards type ی and ک where Arabic ones type ي and ك, and names say "۲۰۱۹" where people type
    2019: an older catalog keeps the keys and caption words it made as written, and is re-keyed when opened. Its
    undated photos that a name or folder in such digits dates are read again for their date."""
    path = tmp_path / "catalog.sqlite"
    catalog = Catalog(path)
    books, year, trip = _indexed(catalog, ["/p/کتابخانه ملی.jpg", "/p/عکس ۲۰۱۹.jpg", "/p/سفر ۲۰۱۹/a.jpg"])
    ali, = _captioned_photos(catalog, [("علی در کتابخانه", None)])

    def found() -> tuple[list[PhotoId], ...]:
        return catalog.named_whole("كتابخانه ملي"), catalog.named_whole("عكس 2019"), catalog.captioned(["علي"])

    assert found() == ([books], [year], [ali])
    catalog.close()
    with sqlite3.connect(path) as conn:  # the keys and caption words schema 27 made, letters and digits as written
        conn.execute("UPDATE photos SET name_key = 'کتابخانه ملی' WHERE id = ?", (books,))
        conn.execute("UPDATE photos SET name_key = 'عکس ۲۰۱۹' WHERE id = ?", (year,))
        conn.execute("INSERT INTO file_facts (photo_id, dated, placed) VALUES (?, 0, 0)", (trip,))
        conn.executescript("UPDATE captions SET cjk = NULL; PRAGMA user_version = 27;")
    conn.close()
    catalog = Catalog(path)
    assert found() == ([books], [year], [ali]) and catalog.dates_to_read_again(10) == [trip]
    catalog.close()
