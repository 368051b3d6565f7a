"""Search latency: from a query string to ranked photo ids, over 1,000,000 vectors.

    python bench/search_latency.py [--vectors N] [--queries Q]

The index holds N synthetic unit vectors (clustered, like real photo embeddings; built once
and cached under bench/.cache). The text encoder is ViT-B-32-256's, with random weights.
Each of Q distinct everyday queries of 2-6 words is timed once through the product path
(parse, date and place words, encode the text, combine, HNSW query for the top 20); none is
answered from a cache.
As a baseline, the same encoder is also timed the way open_clip runs it (77 padded tokens).
It also measures recall@20: how many of each query's 20 nearest vectors (found by comparing
every vector) the index returned.
Target: p50 <= 25 ms. The last line is JSON: n_vectors, p50_ms, p95_ms, recall_at_20.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from photoclip.model import load_encoder, resolve_model  # noqa: E402
from photoclip.places import gazetteer  # noqa: E402
from photoclip.search import combine, parse_query, take_period, take_place  # noqa: E402
from photoclip.vectors import VectorIndex  # noqa: E402

CACHE = Path(__file__).resolve().parent / ".cache"
DIM = 512
SYNTHETIC_MODEL = "synthetic-clustered"

SUBJECTS = [
    "kids", "my dog", "a cat", "grandma", "the baby", "friends", "a red car", "mountains", "the beach",
    "a birthday cake", "fireworks", "a wedding", "snow", "a sunset", "flowers", "the lake", "a bicycle",
    "our house", "a christmas tree", "a horse", "a boat", "the city skyline", "a waterfall", "pizza",
]
CONTEXTS = [
    "", "at the lake", "in the snow", "on the beach", "last summer", "at night", "in the garden",
    "at the party", "in the rain", "on holiday", "with balloons", "in paris", "at sunrise", "in autumn",
]


def everyday_queries(count: int, seed: int = 0) -> list[str]:
    """Distinct 2-6 word queries like the ones people type."""
    rng = random.Random(seed)
    pool = [f"{s} {c}".strip() for s, c in itertools.product(SUBJECTS, CONTEXTS)]
    pool = [q for q in pool if 2 <= len(q.split()) <= 6]
    rng.shuffle(pool)
    if len(pool) < count:
        raise SystemExit(f"only {len(pool)} distinct queries available")
    return pool[:count]


def clustered_vectors(n: int, start: int, rng_seed: int = 0, clusters: int = 5000) -> np.ndarray:
    rng = np.random.default_rng(rng_seed)
    centers = rng.standard_normal((clusters, DIM)).astype(np.float32)
    chunk_rng = np.random.default_rng(rng_seed + 1 + start)
    x = centers[chunk_rng.integers(0, clusters, n)] + 0.7 * chunk_rng.standard_normal((n, DIM)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def cached_index(n: int) -> VectorIndex:
    folder = CACHE / f"search-{n}"
    loaded = VectorIndex.load(folder, DIM, SYNTHETIC_MODEL)
    if loaded is not None:
        return loaded[0]
    print(f"building an index of {n:,} vectors once (cached in {folder}); this takes a while", flush=True)
    index = VectorIndex(DIM, capacity=n)
    start_time = time.time()
    step = 50_000
    for start in range(0, n, step):
        size = min(step, n - start)
        index.add(np.arange(start, start + size), clustered_vectors(size, start), num_threads=-1)
        print(f"  {start + size:,} vectors, {time.time() - start_time:.0f}s", flush=True)
    index.save(folder, generation=0, model_id=SYNTHETIC_MODEL)
    return index


def recall_at_20(queries: np.ndarray, found: list[np.ndarray], n: int) -> float:
    """Share of each query's true 20 nearest (every vector compared) that the index returned."""
    scores = np.empty((len(queries), n), dtype=np.float32)
    step = 50_000
    for start in range(0, n, step):
        chunk = clustered_vectors(min(step, n - start), start)
        scores[:, start:start + len(chunk)] = queries @ chunk.T
    best = np.argpartition(-scores, 20, axis=1)[:, :20]
    return sum(len(set(ids.tolist()) & set(row.tolist())) for ids, row in zip(found, best, strict=True)) / best.size


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(values), q))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vectors", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()

    index = cached_index(args.vectors)
    import torch

    torch.manual_seed(0)  # the same random text encoder, and so the same query vectors, every run
    encoder = load_encoder(resolve_model("ViT-B-32-256:datacomp_s34b_b86k"), random_weights=True)
    queries = everyday_queries(args.queries)
    for warm in ("warm up one", "warm up two"):
        index.query(encoder.encode_texts([warm])[0], 20)
    gazetteer()  # read once per process, as a library with GPS positions does on its first query

    timings, vectors, found = [], [], []
    for query in queries:
        start = time.perf_counter()
        terms, _period = take_period(parse_query(query))
        terms, _place = take_place(terms)
        vector = combine(terms, lambda term: encoder.encode_text(term.text))
        ids, _ = index.query(vector, 20)
        timings.append((time.perf_counter() - start) * 1000)
        assert len(ids) == 20
        vectors.append(vector)
        found.append(ids)
    recall = recall_at_20(np.stack(vectors), found, len(index))

    padded = []
    with torch.inference_mode():
        for query in queries[:30]:
            start = time.perf_counter()
            tokens = torch.as_tensor(encoder.tokenizer([query])).to(encoder.device)
            encoder.model.encode_text(tokens).cpu()  # .cpu() waits for a GPU to finish
            padded.append((time.perf_counter() - start) * 1000)

    p50, p95 = percentile(timings, 50), percentile(timings, 95)
    base = statistics.median(padded)
    print(f"{len(index):,} vectors, {len(queries)} distinct queries on {encoder.device}")
    print(f"query string -> ranked ids: p50 {p50:.1f} ms, p95 {p95:.1f} ms (target p50 <= 25 ms); "
          f"recall@20 against comparing every vector: {recall:.3f}")
    print(f"baseline, open_clip's padded 77-token text encoder alone: median {base:.1f} ms "
          f"(ours end to end is {base / p50:.1f}x faster)")
    print(json.dumps({"n_vectors": len(index), "p50_ms": round(p50, 2), "p95_ms": round(p95, 2),
                      "recall_at_20": round(recall, 3)}))


if __name__ == "__main__":
    main()
