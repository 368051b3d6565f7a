"""The HNSW vector index (hnswlib, cosine): a rebuildable cache of the catalog's embeddings.

Labels are photo ids. The index is saved as `vectors-<generation>.hnsw` plus `index.json`,
which names the file and the catalog generation it reflects; the JSON is replaced last and
atomically, so a crash leaves either the old pair or the new one.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Set as AbstractSet
from pathlib import Path

import hnswlib
import numpy as np

from photoclip.fsutil import atomic_write_bytes, atomic_write_with

log = logging.getLogger(__name__)

META_FILE = "index.json"
FORMAT_VERSION = 1
_NEIGHBOUR_CHUNK = 2048


class VectorIndex:
    """Cosine nearest neighbours over unit vectors, keyed by photo id. Thread-safe."""

    def __init__(self, dim: int, capacity: int = 1024, m: int = 16, ef_construction: int = 100) -> None:
        self.dim = dim
        self._m = m
        self._ef_construction = ef_construction
        self._index = hnswlib.Index(space="cosine", dim=dim)
        self._index.init_index(max_elements=max(capacity, 16), M=m, ef_construction=ef_construction)
        self._index.set_num_threads(1)
        self._deleted: set[int] = set()
        self._lock = threading.RLock()

    def __len__(self) -> int:
        with self._lock:
            return self._index.get_current_count() - len(self._deleted)

    def ids(self) -> np.ndarray:
        """Live labels (deleted ones excluded)."""
        with self._lock:
            labels = np.asarray(self._index.get_ids_list(), dtype=np.int64)
            if self._deleted:
                labels = labels[~np.isin(labels, np.fromiter(self._deleted, dtype=np.int64))]
            return labels

    def add(self, ids: np.ndarray, vectors: np.ndarray, num_threads: int = 1) -> None:
        """Insert or replace vectors; a deleted id comes back to life."""
        ids = np.asarray(ids, dtype=np.int64)
        if len(ids) == 0:
            return
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        with self._lock:
            needed = self._index.get_current_count() + len(ids)
            if needed > self._index.get_max_elements():
                self._index.resize_index(max(needed, 2 * self._index.get_max_elements()))
            self._index.add_items(vectors, ids, num_threads=num_threads)
            if self._deleted:
                self._deleted.difference_update(int(i) for i in ids)

    def remove(self, ids: np.ndarray | list[int]) -> None:
        with self._lock:
            for label in (int(i) for i in ids):
                if label in self._deleted:
                    continue
                try:
                    self._index.mark_deleted(label)
                except RuntimeError:
                    continue
                self._deleted.add(label)

    def query(
        self, vector: np.ndarray, k: int, ef: int | None = None, keep: AbstractSet[int] | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Top-k (ids, cosine similarities), best first; fewer when the index is smaller. With
        `keep`, only among those ids (a large slice of the library: a folder, a year)."""
        with self._lock:
            live = len(self) if keep is None else min(len(self), len(keep))
            k = min(k, live)
            if k <= 0:
                return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
            self._index.set_ef(max(ef or 0, 2 * k, 64))
            query = np.asarray(vector, dtype=np.float32).reshape(1, -1)
            accept = None if keep is None else keep.__contains__
            try:
                labels, distances = self._index.knn_query(query, k=k, num_threads=1, filter=accept)
            except RuntimeError:
                self._index.set_ef(max(len(self), 2 * k))
                while True:
                    try:
                        labels, distances = self._index.knn_query(query, k=k, num_threads=1, filter=accept)
                        break
                    except RuntimeError:  # fewer than k of `keep` are in the index
                        k //= 2
                        if k == 0:
                            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
            return labels[0].astype(np.int64), (1.0 - distances[0]).astype(np.float32)

    def neighbours(self, vectors: np.ndarray, k: int, num_threads: int = 0) -> tuple[np.ndarray, np.ndarray]:
        """The k nearest photos of each of many vectors (ids, cosine similarities), best first:
        batched queries for duplicate finding, on every core unless `num_threads` says otherwise.
        The lock is let go between chunks, so searches go on meanwhile."""
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        k = max(0, min(k, len(self)))
        labels = np.zeros((len(vectors), k), dtype=np.int64)
        similarities = np.zeros((len(vectors), k), dtype=np.float32)
        threads = num_threads or os.cpu_count() or 1
        for start in range(0, len(vectors) if k else 0, _NEIGHBOUR_CHUNK):
            chunk = vectors[start:start + _NEIGHBOUR_CHUNK]
            with self._lock:
                self._index.set_ef(max(2 * k, 32))
                try:
                    found, distances = self._index.knn_query(chunk, k=k, num_threads=threads)
                except RuntimeError:  # too few found for some row (a sparse graph): search wider
                    self._index.set_ef(max(len(self), 2 * k))
                    found, distances = self._index.knn_query(chunk, k=k, num_threads=threads)
            labels[start:start + len(chunk)] = found
            similarities[start:start + len(chunk)] = 1.0 - distances
        return labels, similarities

    def vectors(self, ids: np.ndarray) -> np.ndarray:
        with self._lock:
            return np.asarray(self._index.get_items(list(map(int, ids))), dtype=np.float32)

    def needs_compaction(self) -> bool:
        """Deleted slots still cost memory and search time; past a quarter, rebuild."""
        with self._lock:
            count = self._index.get_current_count()
            return count > 1000 and len(self._deleted) > count // 4

    def save(self, directory: Path, generation: int, model_id: str) -> None:
        """Write the index, then point index.json at it; older files are removed after."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        name = f"vectors-{generation}.hnsw"
        if name == _current_file(directory):
            # Never overwrite the file index.json names: a crash between that rename and the
            # JSON's would pair the old metadata (its deleted list) with the new vectors.
            name = f"vectors-{generation}-b.hnsw"
        with self._lock:
            atomic_write_with(directory / name, lambda tmp: self._index.save_index(str(tmp)))
            meta = {
                "format": FORMAT_VERSION,
                "file": name,
                "generation": generation,
                "model_id": model_id,
                "dim": self.dim,
                "m": self._m,
                "ef_construction": self._ef_construction,
                "deleted": sorted(self._deleted),
            }
        atomic_write_bytes(directory / META_FILE, json.dumps(meta).encode())
        for old in directory.glob("vectors-*.hnsw"):
            if old.name != name:
                old.unlink(missing_ok=True)
        for leftover in directory.glob(".*.tmp"):
            leftover.unlink(missing_ok=True)  # a save cut short by a crash

    @classmethod
    def load(cls, directory: Path, dim: int, model_id: str) -> tuple[VectorIndex, int] | None:
        """The saved index and the generation it reflects; None when absent or unusable."""
        directory = Path(directory)
        try:
            meta = json.loads((directory / META_FILE).read_text())
            if meta.get("format") != FORMAT_VERSION or meta["dim"] != dim or meta["model_id"] != model_id:
                log.info("vector index in %s is for another model or format; rebuilding", directory)
                return None
            index = cls.__new__(cls)
            index.dim = dim
            index._m = meta["m"]
            index._ef_construction = meta["ef_construction"]
            index._lock = threading.RLock()
            index._index = hnswlib.Index(space="cosine", dim=dim)
            index._index.load_index(str(directory / meta["file"]), max_elements=0)
            index._index.set_num_threads(1)
            index._deleted = {int(i) for i in meta["deleted"]}
            return index, int(meta["generation"])
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, RuntimeError, TypeError) as exc:
            log.warning("vector index in %s is unreadable (%s); rebuilding from the catalog", directory, exc)
            return None


def saved_model_id(directory: Path) -> str | None:
    """The model of the index saved in `directory`, if one is."""
    try:
        return str(json.loads((Path(directory) / META_FILE).read_text())["model_id"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def move_saved(source: Path, dest: Path) -> None:
    """Move a saved index to another folder: its vectors first, index.json last (a crash
    between them leaves an index that fails to load and is rebuilt, never a wrong one)."""
    name = _current_file(source)
    if name is None:
        return
    dest.mkdir(parents=True, exist_ok=True)
    os.replace(source / name, dest / name)
    os.replace(source / META_FILE, dest / META_FILE)


def _current_file(directory: Path) -> str | None:
    """The vectors file index.json names, if it names one."""
    try:
        return str(json.loads((directory / META_FILE).read_text())["file"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
