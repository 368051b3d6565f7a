"""Crash safety: kill -9 at any moment loses no committed work and damages nothing.

The rounds themselves live in tests/crashkit.py (bench/crash_rounds.py runs 50 of them).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from photoclip.errors import LibraryLockedError
from photoclip.library import INDEX_DIR, Library
from photoclip.vectors import META_FILE, VectorIndex
from tests import crashkit
from tests.helpers import write_photo

ROUNDS = 12


@pytest.mark.slow
def test_killing_the_indexer_at_random_moments_never_damages_the_library(tmp_path: Path) -> None:
    log: list[str] = []
    result = crashkit.run_rounds(tmp_path, rounds=ROUNDS, seed=7, log=log.append)
    assert result.damaged == 0, "\n".join(result.problems + log)
    assert len(log) == ROUNDS + 1  # every round checked, then the run to the end


def test_an_index_saved_before_a_crash_is_reconciled_on_open(open_library, photo_folder: Path) -> None:
    """The HNSW file lags the catalog after a crash: missing vectors are added, stale ones dropped."""
    library = open_library()
    library.index([photo_folder])
    saved = library.directory / INDEX_DIR
    backup = photo_folder.parent / "index-backup"
    shutil.copytree(saved, backup)
    (photo_folder / "p0.jpg").unlink()
    write_photo(photo_folder / "trip" / "after.jpg", seed=77)
    library.index()
    library.close()
    shutil.rmtree(saved)
    shutil.copytree(backup, saved)  # as if the process died before saving the index again

    reopened = open_library()
    vectors = reopened.vectors()
    stored = reopened.catalog.embedding_ids(reopened.encoder().model_id)
    assert sorted(vectors.ids().tolist()) == sorted(stored.tolist())
    assert len(vectors) == len(stored) == 6
    names = {hit.path.name for hit in reopened.search("a photo", limit=50)}
    assert "after.jpg" in names and "p0.jpg" not in names
    meta = json.loads((saved / META_FILE).read_text())
    assert meta["generation"] == reopened.catalog.generation()  # caught up and saved again


def test_saving_twice_at_one_generation_never_rewrites_the_file_in_use(tmp_path: Path) -> None:
    """index.json and the vectors file it names must always agree, even between two renames."""
    index = VectorIndex(8)
    rng = np.random.default_rng(1)
    index.add(np.arange(4), rng.normal(size=(4, 8)).astype(np.float32))
    index.save(tmp_path, 3, "m")
    first = json.loads((tmp_path / META_FILE).read_text())["file"]
    index.remove([2])
    index.save(tmp_path, 3, "m")
    second = json.loads((tmp_path / META_FILE).read_text())["file"]
    assert first != second
    assert [p.name for p in tmp_path.glob("vectors-*.hnsw")] == [second]
    loaded, generation = VectorIndex.load(tmp_path, 8, "m")
    assert generation == 3 and sorted(loaded.ids().tolist()) == [0, 1, 3]


def test_a_save_cut_short_leaves_no_litter(tmp_path: Path) -> None:
    index = VectorIndex(8)
    (tmp_path / ".vectors-5.hnsw.abc123.tmp").write_bytes(b"half a file")
    index.save(tmp_path, 5, "m")
    assert not list(tmp_path.glob("*.tmp")) and not list(tmp_path.glob(".*.tmp"))


def test_the_lock_dies_with_its_process(tmp_path: Path) -> None:
    """A killed writer leaves no stale lock: the next open writes without asking anyone."""
    import subprocess
    import sys

    library_dir = tmp_path / "library"
    child = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time; from photoclip.library import Library; "
         f"Library.open({str(library_dir)!r}); print('open', flush=True); time.sleep(60)"],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert child.stdout.readline().strip() == "open"
        with pytest.raises(LibraryLockedError, match="in use by another photoclip"):
            Library.open(library_dir)
    finally:
        child.kill()
        child.wait()
    Library.open(library_dir).close()
