"""Auto-tagging cost: embedding the shipped vocabulary once per model, then tagging a library.

    python bench/tagging.py [--photos N] [--runs R]

The vocabulary (every prompt of resources/vocabularies/everyday.txt) is embedded by
ViT-B-32-256's text encoder with random weights, through photoclip's trimmed text path; the
baseline is open_clip's own padded 77-token encode_text on the same prompts. Then N synthetic
photo vectors are tagged and their tags written to a real catalog, as Library.update_tags
does after indexing (R runs, median). The last line is JSON: labels, prompts, vocabulary_s,
vocabulary_padded_s, speedup, n_photos, tag_s, photos_per_s.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from photoclip.catalog import Catalog, PhotoMetadata  # noqa: E402
from photoclip.ids import PhotoId  # noqa: E402
from photoclip.model import load_encoder, resolve_model  # noqa: E402
from photoclip.tagging import embed_vocabulary, load_vocabulary, score_photos  # noqa: E402


def padded_encode(encoder, texts: list[str]) -> np.ndarray:
    import torch

    with torch.inference_mode():
        return encoder.model.encode_text(torch.as_tensor(encoder.tokenizer(texts))).float().numpy()


def synthetic_catalog(path: Path, n: int, dim: int, model_id: str) -> tuple[Catalog, np.ndarray]:
    catalog = Catalog(path)
    root = catalog.add_root(Path("/photos"))
    catalog.add_pending(root.id, [(f"/photos/{i // 500}/{i}.jpg", 1000 + i, i) for i in range(n)])
    vectors = np.random.default_rng(0).standard_normal((n, dim)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    ids = [p for p, _ in catalog.pending(model_id)]
    for start in range(0, n, 5000):
        catalog.store_batch(model_id, [
            (pid, PhotoMetadata(hash=f"h{pid}", width=4000, height=3000, taken_at=None, format="jpeg"), vectors[i])
            for i, pid in enumerate(ids[start:start + 5000], start=start)
        ], [])
    return catalog, vectors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    encoder = load_encoder(resolve_model("ViT-B-32-256:datacomp_s34b_b86k"), random_weights=True)
    vocabulary = load_vocabulary()
    prompts = [p for label in vocabulary.labels for p in label.prompts] + list(vocabulary.none_prompts)
    started = time.perf_counter()
    space = embed_vocabulary(vocabulary, encoder.encode_texts, encoder.logit_scale)
    vocabulary_s = time.perf_counter() - started
    started = time.perf_counter()
    for i in range(0, len(prompts), 256):
        padded_encode(encoder, prompts[i:i + 256])
    padded_s = time.perf_counter() - started
    print(f"{len(vocabulary.labels)} labels, {len(prompts)} prompts embedded in {vocabulary_s:.1f} s "
          f"(open_clip padded: {padded_s:.1f} s, {padded_s / vocabulary_s:.1f}x slower); "
          "once per model and vocabulary, then cached")

    with tempfile.TemporaryDirectory() as tmp:
        catalog, _ = synthetic_catalog(Path(tmp) / "catalog.sqlite", args.photos, encoder.dim, "bench")
        times = []
        for run in range(args.runs):
            started = time.perf_counter()
            for ids, matrix in catalog.embeddings("bench", encoder.dim):
                found = score_photos(space, matrix)
                pids = [PhotoId(int(i)) for i in ids]
                catalog.replace_auto_tags(pids, [(p, n, s) for p, tags in zip(pids, found) for n, s in tags])
            times.append(time.perf_counter() - started)
            print(f"run {run + 1}: {args.photos:,} photos tagged in {times[-1]:.2f} s", flush=True)
        catalog.close()
    tag_s = statistics.median(times)
    print(json.dumps({
        "labels": len(vocabulary.labels), "prompts": len(prompts), "vocabulary_s": round(vocabulary_s, 2),
        "vocabulary_padded_s": round(padded_s, 2), "speedup": round(padded_s / vocabulary_s, 2),
        "n_photos": args.photos, "tag_s": round(tag_s, 2), "photos_per_s": round(args.photos / tag_s),
    }))


if __name__ == "__main__":
    main()
