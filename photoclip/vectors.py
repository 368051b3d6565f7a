"""The HNSW vector index (hnswlib, cosine): a rebuildable cache of the catalog's embeddings.

Labels are photo ids. The index is saved as `vectors-<generation>.hnsw` plus `index.json`,
which names the file and the catalog generation it reflects; the JSON is replaced last and
atomically, so a crash leaves either the old pair or the new one. The JSON holds the file's
CRC-32 too: hnswlib reads a damaged file without a word, and then answers wrongly or crashes.

Photos with the very same vector (copies of one file, a picture saved many times over) are
one point of the graph: HNSW fills the neighbour lists of identical points with each other,
and a few dozen of them cut paths through the graph, so a search could miss its best match.
The other photos of such a point are its twins, found with it at its score.
"""

from __future__ import annotations

import errno
import json
import logging
import os
import threading
import zlib
from collections.abc import Callable
from collections.abc import Set as AbstractSet
from pathlib import Path

import hnswlib
import numpy as np

from photoclip.fsutil import atomic_write_bytes, atomic_write_with

log = logging.getLogger(__name__)

META_FILE = "index.json"
FORMAT_VERSION = 2
_READABLE_FORMATS = (1, 2)  # format 1 knew no twins
_NEIGHBOUR_CHUNK = 2048
_TWIN_DISTANCE = 1e-6  # cosine distance below which two vectors are one point
COMPACT_FROM = 1000  # slots: a smaller index costs too little to rebuild for
_EXACT_CHUNK = 65536  # points compared at a time when the graph cannot answer: 128 MB of 512-d vectors
# Candidates a query keeps while it walks the graph: at least 2,000, and one per 500 points. A
# text's vector lies far from every photo's (CLIP's gap between texts and images), where HNSW
# needs a wide walk to find the best photos: for bench/search_latency's queries, recall@20 over
# 100,000 vectors was 0.23 with 64 candidates, 0.81 with 512 and 0.98 with 2,000 (6 ms more a
# query on two cores than 64); over 1,000,000, 0.10 with 64 and 0.78 with 2,000.
_SEARCH_EF = 2000
_POINTS_PER_SEARCH_EF = 500


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
        self._twins: dict[int, list[int]] = {}  # a point's label -> the other photos with its vector
        self._twin_of: dict[int, int] = {}  # such a photo -> the label of its point
        self._lock = threading.RLock()

    def __len__(self) -> int:
        with self._lock:
            return self._points() + len(self._twin_of)

    def _points(self) -> int:
        return self._index.get_current_count() - len(self._deleted)

    def ids(self) -> np.ndarray:
        """Live labels (deleted ones excluded), twins too."""
        with self._lock:
            labels = np.asarray(self._index.get_ids_list(), dtype=np.int64)
            if self._deleted:
                labels = labels[~np.isin(labels, np.fromiter(self._deleted, dtype=np.int64))]
            if self._twin_of:
                labels = np.concatenate([labels, np.fromiter(self._twin_of, dtype=np.int64)])
            return labels

    def add(self, ids: np.ndarray, vectors: np.ndarray, num_threads: int = 1) -> None:
        """Insert or replace vectors; a deleted id comes back to life."""
        ids = np.asarray(ids, dtype=np.int64)
        if len(ids) == 0:
            return
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        with self._lock:
            self._detach_twins(ids)
            twin_of = self._twins_among(ids, vectors, num_threads)
            if twin_of:
                points = np.array([label not in twin_of for label in ids.tolist()])
                ids, vectors = ids[points], vectors[points]
            if len(ids):
                self._make_room(len(ids))
                self._index.add_items(vectors, ids, num_threads=num_threads)
                if self._deleted:
                    self._deleted.difference_update(int(i) for i in ids)
            for twin, label in twin_of.items():
                self._mark_deleted(twin)  # it may have been a point of its own before
                self._twin_of[twin] = label
                self._twins.setdefault(label, []).append(twin)

    def _make_room(self, count: int) -> None:
        needed = self._index.get_current_count() + count
        if needed > self._index.get_max_elements():
            self._index.resize_index(max(needed, 2 * self._index.get_max_elements()))

    def remove(self, ids: np.ndarray | list[int]) -> None:
        with self._lock:
            for label in (int(i) for i in ids):
                if label in self._twin_of:
                    self._untwin(label)
                    continue
                if label in self._twins:
                    self._pass_point_on(label)
                self._mark_deleted(label)

    def _mark_deleted(self, label: int) -> None:
        if label in self._deleted:
            return
        try:
            self._index.mark_deleted(label)
        except RuntimeError:  # not a point
            return
        self._deleted.add(label)

    def _untwin(self, twin: int) -> None:
        label = self._twin_of.pop(twin)
        others = self._twins[label]
        others.remove(twin)
        if not others:
            del self._twins[label]

    def _pass_point_on(self, label: int) -> None:
        """The point of `label`, which is leaving or changing, goes to the first of its twins."""
        heir, *rest = self._twins.pop(label)
        del self._twin_of[heir]
        vector = np.asarray(self._index.get_items([label]), dtype=np.float32)
        self._make_room(1)
        self._index.add_items(vector, np.array([heir]), num_threads=1)
        self._deleted.discard(heir)
        if rest:
            self._twins[heir] = rest
            for twin in rest:
                self._twin_of[twin] = heir

    def _detach_twins(self, ids: np.ndarray) -> None:
        """Ids about to get a vector again leave their twins, or hand their point on to them."""
        if not self._twins and not self._twin_of:
            return
        for label in ids.tolist():
            if label in self._twin_of:
                self._untwin(label)
            elif label in self._twins:
                self._pass_point_on(label)
                self._mark_deleted(label)  # its vector comes back as a point, or as a twin, when added

    def _twins_among(self, ids: np.ndarray, vectors: np.ndarray, num_threads: int) -> dict[int, int]:
        """Which of these photos have the very vector of a point already there, or of one before
        them in this batch: photo id -> the label of that point."""
        unit = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-30)
        labels = ids.tolist()
        twin_of: dict[int, int] = {}
        first: dict[int, int] = {}  # a row's hash -> its index in the batch
        for j, (label, row) in enumerate(zip(labels, unit, strict=True)):
            key = hash(row.tobytes())
            if key in first and np.array_equal(unit[first[key]], row):
                twin_of[label] = labels[first[key]]
            else:
                first.setdefault(key, j)
        alone = [j for j, label in enumerate(labels) if label not in twin_of]
        if alone and self._points() > 0:
            self._index.set_ef(32)
            try:
                found, distances = self._index.knn_query(unit[alone], k=1, num_threads=num_threads)
            except RuntimeError:  # a sparse graph found nothing for some: they stay points
                return twin_of
            adding = set(labels)
            for j, label, distance in zip(alone, found[:, 0].tolist(), distances[:, 0].tolist(), strict=True):
                if distance <= _TWIN_DISTANCE and label not in adding:
                    twin_of[labels[j]] = label
        return {twin: twin_of.get(label, label) for twin, label in twin_of.items()}

    def query(
        self, vector: np.ndarray, k: int, ef: int | None = None, keep: AbstractSet[int] | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Top-k (ids, cosine similarities), best first; fewer when the index is smaller. With
        `keep`, only among those ids (a large slice of the library: a folder, a year)."""
        with self._lock:
            wanted = min(k, len(self) if keep is None else min(len(self), len(keep)))
            k = min(wanted, self._points())
            if k <= 0:
                return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
            self._index.set_ef(max(ef or 0, 2 * k, _SEARCH_EF, self._points() // _POINTS_PER_SEARCH_EF))
            query = np.asarray(vector, dtype=np.float32).reshape(1, -1)
            accept = None if keep is None else self._accepts(keep)
            try:
                labels, distances = self._index.knn_query(query, k=k, num_threads=1, filter=accept)
                found, similarities = labels[0].astype(np.int64), (1.0 - distances[0]).astype(np.float32)
            except RuntimeError:  # the graph reaches fewer than k (of `keep`): every point is compared
                found, similarities = self._exact(query[0], k, keep)
            if self._twins:
                found, similarities = self._with_twins(found, similarities, wanted, keep)
            return found, similarities

    def _exact(self, query: np.ndarray, k: int, keep: AbstractSet[int] | None) -> tuple[np.ndarray, np.ndarray]:
        """Top-k by comparing the query with every live point (of `keep`), a chunk at a time: what
        a query that asks for most of the index gets, since an HNSW graph may leave a point no
        path leads to, and then cannot return as many as it holds."""
        labels = np.asarray(self._index.get_ids_list(), dtype=np.int64)
        if self._deleted:
            labels = labels[~np.isin(labels, np.fromiter(self._deleted, dtype=np.int64))]
        if keep is not None:
            labels = labels[np.isin(labels, np.fromiter(keep, dtype=np.int64))]
        unit = query / max(float(np.linalg.norm(query)), 1e-30)
        scores = np.concatenate([
            self._index.get_items(labels[start:start + _EXACT_CHUNK], return_type="numpy") @ unit
            for start in range(0, len(labels), _EXACT_CHUNK)
        ]) if len(labels) else np.zeros(0, dtype=np.float32)
        k = min(k, len(labels))
        best = np.argpartition(-scores, k - 1)[:k] if k else np.zeros(0, dtype=np.int64)
        best = best[np.argsort(-scores[best], kind="stable")]
        return labels[best], scores[best].astype(np.float32)

    def _accepts(self, keep: AbstractSet[int]) -> Callable[[int], bool]:
        """A point counts when its photo or one of its twins is kept."""
        if not self._twins:
            return keep.__contains__
        twins = self._twins
        return lambda label: label in keep or any(twin in keep for twin in twins.get(label, ()))

    def _with_twins(
        self, labels: np.ndarray, similarities: np.ndarray, k: int, keep: AbstractSet[int] | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Each point followed by its twins at its similarity (those kept), the first k."""
        found: list[int] = []
        alike: list[float] = []
        for label, similarity in zip(labels.tolist(), similarities.tolist(), strict=True):
            for photo in (label, *self._twins.get(label, ())):
                if keep is None or photo in keep:
                    found.append(photo)
                    alike.append(similarity)
            if len(found) >= k:
                break
        return np.asarray(found[:k], dtype=np.int64), np.asarray(alike[:k], dtype=np.float32)

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
                points = min(k, self._points())
                self._index.set_ef(max(2 * points, 32))
                try:
                    found, distances = self._index.knn_query(chunk, k=points, num_threads=threads)
                except RuntimeError:  # too few found for some row (a sparse graph): search wider
                    self._index.set_ef(max(self._points(), 2 * points))
                    found, distances = self._index.knn_query(chunk, k=points, num_threads=threads)
                found, alike = found.astype(np.int64), (1.0 - distances).astype(np.float32)
                if self._twins:
                    rows = np.isin(found, np.fromiter(self._twins, dtype=np.int64)).any(axis=1)
                    expanded = [self._with_twins(found[r], alike[r], k) for r in np.flatnonzero(rows)]
                else:
                    rows, expanded = np.zeros(len(chunk), dtype=bool), []
            block = slice(start, start + len(chunk))
            labels[block][:, :points], similarities[block][:, :points] = found, alike
            for r, (row_labels, row_alike) in zip(np.flatnonzero(rows), expanded, strict=True):
                labels[start + r], similarities[start + r] = row_labels, row_alike
        return labels, similarities

    def vectors(self, ids: np.ndarray) -> np.ndarray:
        with self._lock:
            labels = [self._twin_of.get(int(i), int(i)) for i in ids]
            return np.asarray(self._index.get_items(labels), dtype=np.float32)

    def needs_compaction(self) -> bool:
        """Deleted slots still cost memory and search time; past a quarter, rebuild."""
        with self._lock:
            count = self._index.get_current_count()
            return count > COMPACT_FROM and len(self._deleted) > count // 4

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
            atomic_write_with(directory / name, self._write_whole)
            meta = {
                "format": FORMAT_VERSION,
                "file": name,
                "crc32": _crc32(directory / name),
                "generation": generation,
                "model_id": model_id,
                "dim": self.dim,
                "m": self._m,
                "ef_construction": self._ef_construction,
                "deleted": sorted(self._deleted),
                "twins": sorted(self._twin_of.items()),
            }
        atomic_write_bytes(directory / META_FILE, json.dumps(meta).encode())
        for old in directory.glob("vectors-*.hnsw"):
            if old.name != name:
                old.unlink(missing_ok=True)
        for leftover in directory.glob(".*.tmp"):
            leftover.unlink(missing_ok=True)  # a save cut short by a crash

    def _write_whole(self, path: Path) -> None:
        """hnswlib's save, which says nothing when the disk fills: a file shorter than its
        elements' level-0 records alone (links, vector, label) is refused here, not renamed into
        place."""
        self._index.save_index(str(path))
        per_element = (2 * self._m + 1) * 4 + self.dim * 4 + 8
        if path.stat().st_size < self._index.get_current_count() * per_element:
            raise OSError(errno.ENOSPC, "the vector index was cut short (no space left on device?)", str(path))

    @classmethod
    def load(cls, directory: Path, dim: int, model_id: str) -> tuple[VectorIndex, int] | None:
        """The saved index and the generation it reflects; None when absent or unusable."""
        directory = Path(directory)
        try:
            meta = json.loads((directory / META_FILE).read_text())
            if meta.get("format") not in _READABLE_FORMATS or meta["dim"] != dim or meta["model_id"] != model_id:
                log.info("vector index in %s is for another model or format; rebuilding", directory)
                return None
            index = cls.__new__(cls)
            index.dim = dim
            index._m = meta["m"]
            index._ef_construction = meta["ef_construction"]
            index._lock = threading.RLock()
            path = directory / meta["file"]
            if "crc32" in meta and _crc32(path) != meta["crc32"]:  # written before CRCs were kept: none to check
                log.warning("vector index %s is damaged (its checksum differs); rebuilding from the catalog", path)
                return None
            index._index = hnswlib.Index(space="cosine", dim=dim)
            index._index.load_index(str(path), max_elements=0)
            index._index.set_num_threads(1)
            index._deleted = {int(i) for i in meta["deleted"]}
            index._twin_of = {int(twin): int(label) for twin, label in meta.get("twins", [])}
            index._twins = {}
            for twin, label in index._twin_of.items():
                index._twins.setdefault(label, []).append(twin)
            return index, int(meta["generation"])
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, RuntimeError, TypeError) as exc:
            log.warning("vector index in %s is unreadable (%s); rebuilding from the catalog", directory, exc)
            return None


def _crc32(path: Path) -> int:
    """The CRC-32 of a file, read a few megabytes at a time (2 GB/s: a tenth of a second for
    100,000 photos' index, which hnswlib reads whole anyway)."""
    crc = 0
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 22):
            crc = zlib.crc32(chunk, crc)
    return crc


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
