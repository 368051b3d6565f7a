from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest

from photoclip.vectors import META_FILE, VectorIndex


def unit(rng: np.random.Generator, n: int, dim: int = 16) -> np.ndarray:
    v = rng.standard_normal((n, dim)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def test_query_finds_the_vector_itself_first_with_cosine_one() -> None:
    rng = np.random.default_rng(1)
    vecs = unit(rng, 200)
    index = VectorIndex(16, capacity=16)
    index.add(np.arange(100, 300), vecs)
    ids, sims = index.query(vecs[42], k=5)
    assert ids[0] == 142
    assert abs(sims[0] - 1.0) < 1e-4
    assert list(sims) == sorted(sims, reverse=True)
    assert len(index) == 200


def test_removed_ids_never_come_back_and_can_be_re_added() -> None:
    rng = np.random.default_rng(2)
    vecs = unit(rng, 50)
    index = VectorIndex(16)
    index.add(np.arange(50), vecs)
    index.remove([7, 8, 999])
    ids, _ = index.query(vecs[7], k=50)
    assert 7 not in ids and 8 not in ids
    assert len(ids) == 48 and len(index) == 48
    index.add(np.array([7]), vecs[7:8])
    assert index.query(vecs[7], k=1)[0][0] == 7


def test_adding_an_existing_id_replaces_its_vector() -> None:
    rng = np.random.default_rng(3)
    vecs = unit(rng, 3)
    index = VectorIndex(16)
    index.add(np.array([1, 2]), vecs[:2])
    index.add(np.array([1]), vecs[2:3])
    assert index.query(vecs[2], k=1)[0][0] == 1
    assert len(index) == 2


def test_k_larger_than_the_index_returns_what_there_is() -> None:
    index = VectorIndex(16)
    assert len(index.query(np.ones(16, np.float32), k=10)[0]) == 0
    index.add(np.array([5]), unit(np.random.default_rng(4), 1))
    assert index.query(np.ones(16, np.float32), k=10)[0].tolist() == [5]


def test_a_query_kept_to_some_ids_ranks_only_those_as_exact_search_would() -> None:
    rng = np.random.default_rng(6)
    vecs = unit(rng, 2000)
    index = VectorIndex(16)
    index.add(np.arange(2000), vecs)
    keep = set(range(0, 2000, 3))

    ids, sims = index.query(vecs[1], k=10, keep=keep)

    kept = np.array(sorted(keep))
    exact = kept[np.argsort(-(vecs[kept] @ vecs[1]))[:10]]
    assert set(ids.tolist()) <= keep and len(set(ids.tolist()) & set(exact.tolist())) >= 9
    assert list(sims) == sorted(sims, reverse=True)


def test_a_query_kept_to_ids_of_which_few_are_indexed_returns_those_there_are() -> None:
    rng = np.random.default_rng(7)
    vecs = unit(rng, 300)
    index = VectorIndex(16)
    index.add(np.arange(300), vecs)
    index.remove([11, 12])

    ids, _ = index.query(vecs[10], k=50, keep={10, 11, 12, 13, 5000})

    assert sorted(ids.tolist()) == [10, 13]  # never an id outside the set, nor a removed one
    assert ids[0] == 10


def test_save_and_load_round_trip_with_generation(tmp_path: Path) -> None:
    rng = np.random.default_rng(5)
    vecs = unit(rng, 30)
    index = VectorIndex(16)
    index.add(np.arange(30), vecs)
    index.remove([3])
    index.save(tmp_path, generation=7, model_id="m")
    loaded, gen = VectorIndex.load(tmp_path, 16, "m")
    assert gen == 7
    assert sorted(loaded.ids().tolist()) == [i for i in range(30) if i != 3]
    assert loaded.query(vecs[10], k=1)[0][0] == 10


def test_saving_again_replaces_the_old_file(tmp_path: Path) -> None:
    index = VectorIndex(16)
    index.add(np.arange(3), unit(np.random.default_rng(6), 3))
    index.save(tmp_path, 1, "m")
    index.save(tmp_path, 2, "m")
    assert sorted(p.name for p in tmp_path.glob("vectors-*")) == ["vectors-2.hnsw"]
    assert not list(tmp_path.glob("*.tmp"))


def test_a_save_the_full_disk_cut_short_fails_and_leaves_the_index_saved_before(tmp_path: Path) -> None:
    """hnswlib's save says nothing when the disk fills: its file, cut short, was renamed into place."""
    index = VectorIndex(16)
    index.add(np.arange(20), unit(np.random.default_rng(7), 20))
    index.save(tmp_path, 1, "m")

    class CutShort:
        def __init__(self, real: object) -> None:
            self.real = real

        def __getattr__(self, name: str) -> object:
            return getattr(self.real, name)

        def save_index(self, path: str) -> None:
            self.real.save_index(path)
            os.truncate(path, os.path.getsize(path) // 3)

    index.add(np.arange(20, 40), unit(np.random.default_rng(8), 20))
    index._index = CutShort(index._index)
    with pytest.raises(OSError, match="cut short"):
        index.save(tmp_path, 2, "m")
    assert sorted(p.name for p in tmp_path.iterdir()) == [META_FILE, "vectors-1.hnsw"]
    assert sorted(VectorIndex.load(tmp_path, 16, "m")[0].ids().tolist()) == list(range(20))


def test_unusable_saved_index_loads_as_none(tmp_path: Path) -> None:
    assert VectorIndex.load(tmp_path, 16, "m") is None
    index = VectorIndex(16)
    index.add(np.arange(3), unit(np.random.default_rng(7), 3))
    index.save(tmp_path, 1, "m")
    assert VectorIndex.load(tmp_path, 32, "m") is None
    assert VectorIndex.load(tmp_path, 16, "other-model") is None
    (tmp_path / "vectors-1.hnsw").write_bytes(b"garbage")
    assert VectorIndex.load(tmp_path, 16, "m") is None
    (tmp_path / META_FILE).write_text("{not json")
    assert VectorIndex.load(tmp_path, 16, "m") is None


def test_a_saved_index_damaged_inside_loads_as_none(tmp_path: Path) -> None:
    """Bytes overwritten past its header: hnswlib read it, then crashed in a query or ranked a photo
    at a score of 92,780,101,632."""
    index = VectorIndex(16)
    index.add(np.arange(200), unit(np.random.default_rng(9), 200))
    index.save(tmp_path, 1, "m")
    saved = tmp_path / "vectors-1.hnsw"
    with saved.open("r+b") as fh:
        fh.seek(3000)
        fh.write(bytes(16))

    assert VectorIndex.load(tmp_path, 16, "m") is None


def test_index_grows_past_its_initial_capacity() -> None:
    index = VectorIndex(16, capacity=16)
    index.add(np.arange(100), unit(np.random.default_rng(8), 100))
    assert len(index) == 100


def test_meta_records_model_and_dim(tmp_path: Path) -> None:
    index = VectorIndex(16)
    index.save(tmp_path, 0, "model-x")
    meta = json.loads((tmp_path / META_FILE).read_text())
    assert (meta["model_id"], meta["dim"], meta["generation"]) == ("model-x", 16, 0)


def copies_and_one_odd_photo(seed: int, dim: int = 64) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Seven pictures saved 28 times each and one odd photo, in a random order, and a query
    that is far from all of them but nearest the odd one: (ids, vectors, query)."""
    rng = np.random.default_rng(seed)

    def towards(v: np.ndarray) -> np.ndarray:
        return (v / np.linalg.norm(v)).astype(np.float32)

    base = towards(rng.standard_normal(dim))
    pictures = [towards(base + 0.2 * rng.standard_normal(dim)) for _ in range(7)]
    odd = towards(base + 0.5 * rng.standard_normal(dim))
    vectors = np.array([p for p in pictures for _ in range(28)] + [odd])
    query = towards(towards(rng.standard_normal(dim)) - 0.3 * base + 0.3 * odd)
    order = rng.permutation(len(vectors))
    return np.arange(len(vectors))[order], vectors[order], query


def test_the_best_match_is_found_among_many_copies_of_other_pictures() -> None:
    # HNSW filled identical points' neighbour lists with each other: about a third of these
    # searches missed the odd photo when every copy was a point of its own
    for seed in range(20):
        ids, vectors, query = copies_and_one_odd_photo(seed)
        index = VectorIndex(64)
        for at in range(0, len(ids), 8):  # as indexing adds them, a batch at a time
            index.add(ids[at:at + 8], vectors[at:at + 8])
        best = ids[np.argmax(vectors @ query)]
        assert index.query(query, k=1)[0].tolist() == [best], f"seed {seed}"
        assert len(index) == len(ids) and sorted(index.ids().tolist()) == sorted(ids.tolist())


def test_copies_come_back_with_their_picture_at_its_score_through_every_change(tmp_path: Path) -> None:
    rng = np.random.default_rng(9)
    others = unit(rng, 20)
    picture = unit(rng, 1)[0]
    index = VectorIndex(16)
    index.add(np.arange(100, 120), others)
    index.add(np.array([1, 2]), np.stack([picture, picture]))
    index.add(np.array([3, 4]), np.stack([picture, picture * 2]))  # the same direction is the same vector

    ids, sims = index.query(picture, k=4)
    assert sorted(ids.tolist()) == [1, 2, 3, 4] and np.allclose(sims, 1.0, atol=1e-5)
    assert len(index) == 24 and index.query(picture, k=3)[0].size == 3
    assert index.query(picture, k=5, keep={4, 100})[0].tolist()[0] == 4  # a copy alone is kept
    assert np.allclose(index.vectors(np.array([4])), picture, atol=1e-6)
    labels, alike = index.neighbours(np.stack([picture, others[0]]), k=5)
    assert sorted(labels[0, :4].tolist()) == [1, 2, 3, 4] and labels.shape == alike.shape == (2, 5)
    assert labels[1, 0] == 100

    stands = int(index.query(picture, k=1)[0][0])
    index.add(np.array([stands]), picture[None])  # embedded again, the same: still one point for all four
    assert index._points() == 21 and len(index) == 24 and set(index.query(picture, k=4)[0].tolist()) == {1, 2, 3, 4}
    gone = int(index.query(picture, k=1)[0][0])  # whichever stands for them goes
    index.remove([gone])
    copies = {1, 2, 3, 4} - {gone}
    assert set(index.query(picture, k=3)[0].tolist()) == copies and len(index) == 23
    edited = min(copies)
    index.add(np.array([edited]), others[5:6])  # one copy edited: a picture of its own now
    copies.discard(edited)
    assert set(index.query(picture, k=2)[0].tolist()) == copies
    assert index.query(others[5], k=2)[0].tolist() in ([edited, 105], [105, edited])

    index.save(tmp_path, generation=3, model_id="m")
    loaded, _ = VectorIndex.load(tmp_path, 16, "m")
    assert set(loaded.query(picture, k=2)[0].tolist()) == copies
    assert sorted(loaded.ids().tolist()) == sorted(index.ids().tolist())
    loaded.remove(sorted(copies))
    assert loaded.query(picture, k=1)[1][0] < 0.999 and len(loaded) == 21


def test_a_full_index_makes_room_to_hand_a_point_on() -> None:
    rng = np.random.default_rng(10)
    index = VectorIndex(16, capacity=16)
    index.add(np.arange(100, 115), unit(rng, 15))
    picture = unit(rng, 1)
    index.add(np.array([1, 2]), np.vstack([picture, picture]))  # 16 points: full
    index.remove([1])
    assert index.query(picture[0], k=1)[0].tolist() == [2]


def test_a_query_the_graph_cannot_answer_in_full_compares_every_point_and_loses_none() -> None:
    """Asked for 10 among a slice of which 7 are in the index, the graph fails; halving the
    count answered 5 of the 7, and a query for the whole of an index whose graph left a point
    unreachable answered half of it."""
    rng = np.random.default_rng(3)
    vectors = rng.normal(size=(40, 16)).astype(np.float32)
    index = VectorIndex(16)
    index.add(np.arange(40), vectors)
    keep = set(range(7)) | {100, 101, 102}
    found, similarities = index.query(vectors[3], 10, keep=keep)
    assert sorted(found.tolist()) == list(range(7)) and found[0] == 3 and abs(similarities[0] - 1) < 1e-5
    assert list(similarities) == sorted(similarities, reverse=True)


def test_a_query_far_from_every_photo_finds_the_best_ones_as_exact_search_would() -> None:
    """A text's vector lies far from every photo's (CLIP's gap between texts and images), where a
    narrow walk of the graph misses many of the best photos."""
    rng = np.random.default_rng(3)
    centers = rng.standard_normal((1000, 128)).astype(np.float32)
    photos = centers[rng.integers(0, 1000, 20000)] + 0.6 * rng.standard_normal((20000, 128)).astype(np.float32)
    photos /= np.linalg.norm(photos, axis=1, keepdims=True)
    index = VectorIndex(128, capacity=20000)
    index.add(np.arange(20000), photos, num_threads=2)
    texts = (centers[rng.integers(0, 1000, 50)] + centers[rng.integers(0, 1000, 50)]) * 0.25
    texts += rng.standard_normal(texts.shape).astype(np.float32)
    texts /= np.linalg.norm(texts, axis=1, keepdims=True)
    best = np.argsort(-(texts @ photos.T), axis=1)[:, :20]
    found = sum(len(set(index.query(text, 20)[0]) & set(row)) for text, row in zip(texts, best, strict=True))
    assert found / best.size >= 0.97
