from __future__ import annotations

import json
from pathlib import Path

import numpy as np

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


def test_index_grows_past_its_initial_capacity() -> None:
    index = VectorIndex(16, capacity=16)
    index.add(np.arange(100), unit(np.random.default_rng(8), 100))
    assert len(index) == 100


def test_meta_records_model_and_dim(tmp_path: Path) -> None:
    index = VectorIndex(16)
    index.save(tmp_path, 0, "model-x")
    meta = json.loads((tmp_path / META_FILE).read_text())
    assert (meta["model_id"], meta["dim"], meta["generation"]) == ("model-x", 16, 0)
