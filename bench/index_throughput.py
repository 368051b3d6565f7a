"""Indexing throughput: the image encoder alone vs the whole pipeline, on 12-megapixel JPEGs.

    python bench/index_throughput.py [FOLDER] [--count N] [--runs R] [--workers W]

The model is ViT-B-32-256 with random weights (speed does not depend on the weights). The
encoder-alone figure feeds ready tensors in batches; the pipeline figure walks, hashes,
decodes (draft mode, thread pool), embeds, stores in SQLite and adds to the HNSW index.
Target on a 2-core CPU: pipeline >= 0.85 x encoder alone (decoding hides behind the encoder).
It also measures the CPU time encoding one photo costs (its threads' waits included when
they spin) and decoding one costs. What the encoder leaves of the cores is all decoding can
hide in; the best ratio that leaves is bound_ratio. cores_busy says how busy the cores were
during the pipeline (1.0 = no core ever idle).
The last line is JSON: encoder_img_s, pipeline_img_s, ratio, encoder_cpu_ms, decode_cpu_ms,
cores, bound_ratio, cores_busy.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from photoclip.catalog import Catalog  # noqa: E402
from photoclip.ids import PhotoId  # noqa: E402
from photoclip.imaging import decode_photo, prepare_for_model  # noqa: E402
from photoclip.model import load_encoder, resolve_model  # noqa: E402
from photoclip.pipeline import decode_for_model, run_pipeline  # noqa: E402
from photoclip.scan import scan_root  # noqa: E402
from photoclip.vectors import VectorIndex  # noqa: E402

CACHE = Path(__file__).resolve().parent / ".cache" / "jpeg-12mp"
BATCH = 32


def photo_like(seed: int, size: tuple[int, int] = (4000, 3000)) -> Image.Image:
    """Smooth colour fields plus fine grain: compresses like a real photo (a few MB)."""
    rng = np.random.default_rng(seed)
    low = rng.integers(0, 256, (6, 8, 3), dtype=np.uint8)
    image = Image.fromarray(low).resize(size, Image.BICUBIC)
    grain = rng.normal(0, 12, (size[1] // 2, size[0] // 2, 3)).astype(np.int16)
    grain = np.repeat(np.repeat(grain, 2, axis=0), 2, axis=1)
    pixels = np.clip(np.asarray(image, dtype=np.int16) + grain, 0, 255).astype(np.uint8)
    return Image.fromarray(pixels)


def ensure_photos(count: int) -> Path:
    CACHE.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        path = CACHE / f"photo-{i:03d}.jpg"
        if not path.exists():
            photo_like(i).save(path, "JPEG", quality=90)
    return CACHE


def encoder_alone(encoder, folder: Path, runs: int) -> tuple[float, float]:
    """(images per second, CPU seconds per image) of encode_images on tensors prepared
    beforehand."""
    files = sorted(p for p in folder.iterdir() if p.is_file())[:BATCH]
    tensors = np.stack([
        prepare_for_model(decode_photo(p, encoder.decode_min_side).image, encoder.image_size) for p in files
    ])
    while len(tensors) < BATCH:
        tensors = np.concatenate([tensors, tensors])[:BATCH]
    encoder.encode_images(tensors[:4])
    timings, cpu = [], []
    for _ in range(runs):
        before, start = os.times(), time.perf_counter()
        encoder.encode_images(tensors)
        after = os.times()
        timings.append(time.perf_counter() - start)
        cpu.append((after.user + after.system) - (before.user + before.system))
    return BATCH / statistics.median(timings), statistics.median(cpu) / BATCH


def decode_cpu(encoder, folder: Path) -> float:
    """CPU seconds to make one photo ready for the encoder (read, hash, decode, crop), as the
    pipeline's decode threads do it."""
    files = sorted(p for p in folder.iterdir() if p.is_file())[:BATCH]
    costs = []
    for i, path in enumerate(files):
        start = time.thread_time()
        decode_for_model(PhotoId(i), path, encoder.decode_min_side, encoder.image_size)
        costs.append(time.thread_time() - start)
    return statistics.median(costs)


def pipeline(encoder, folder: Path, workers: int | None) -> tuple[float, float]:
    """(images per second, share of all cores busy) of a fresh indexing run over `folder`
    (scan excluded)."""
    with tempfile.TemporaryDirectory() as tmp:
        catalog = Catalog(Path(tmp) / "catalog.sqlite")
        root = catalog.add_root(folder)
        scan_root(catalog, root)
        items = catalog.pending(encoder.model_id)
        vectors = VectorIndex(encoder.dim)
        before = os.times()
        report = run_pipeline(items, encoder, catalog, vectors, batch_size=BATCH, workers=workers)
        after = os.times()
        catalog.close()
    cpu = (after.user + after.system) - (before.user + before.system)
    return report.total / report.seconds, cpu / report.seconds / (os.cpu_count() or 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", type=Path, help="photos to use (default: generated 12 MP JPEGs)")
    parser.add_argument("--count", type=int, default=96, help="generated photos (default 96)")
    parser.add_argument("--runs", type=int, default=5, help="repetitions; medians are reported")
    parser.add_argument("--workers", type=int, help="decode threads (default: one per core, as the app)")
    parser.add_argument("--encoder-threads", type=int, default=0,
                        help="CPU threads for the encoder (default: one per core, as the app); fewer leaves "
                             "cores to decoding, as a machine with more cores than the encoder uses would")
    args = parser.parse_args()

    folder = args.folder or ensure_photos(args.count)
    n_files = sum(1 for p in folder.iterdir() if p.is_file())
    encoder = load_encoder(
        resolve_model("ViT-B-32-256:datacomp_s34b_b86k"), threads=args.encoder_threads, random_weights=True
    )
    print(f"model ViT-B-32-256 (random weights) on {encoder.device}; {n_files} photos in {folder}")

    cores = os.cpu_count() or 1
    encoder_rates, encoder_costs, pipeline_rates, decode_costs, busy = [], [], [], [], []
    for run in range(args.runs):
        rate, cost = encoder_alone(encoder, folder, runs=3)
        encoder_rates.append(rate)
        encoder_costs.append(cost)
        decode_costs.append(decode_cpu(encoder, folder))
        rate, share = pipeline(encoder, folder, args.workers)
        pipeline_rates.append(rate)
        busy.append(share)
        print(f"run {run + 1}: encoder alone {encoder_rates[-1]:.2f} img/s, pipeline {pipeline_rates[-1]:.2f} img/s")
    enc, pipe = statistics.median(encoder_rates), statistics.median(pipeline_rates)
    enc_cpu, dec_cpu = statistics.median(encoder_costs), statistics.median(decode_costs)
    threads = encoder.cpu_threads or cores
    # Per photo the encoder takes enc_cpu s of CPU over 1/enc s and decoding needs dec_cpu s:
    # no schedule beats the larger of 1/enc and all that CPU spread over the cores.
    bound = (1 / enc) / max(1 / enc, (enc_cpu + dec_cpu) / cores)
    print(f"median: encoder alone {enc:.2f} img/s ({1000 / enc:.0f} ms/img), "
          f"pipeline {pipe:.2f} img/s ({1000 / pipe:.0f} ms/img), ratio {pipe / enc:.3f} (target >= 0.85)")
    print(f"encoding costs {1000 * enc_cpu:.0f} ms of CPU per photo on {threads} threads, decoding "
          f"{1000 * dec_cpu:.0f} ms; on {cores} cores the best possible ratio is {bound:.3f}; the pipeline kept "
          f"{100 * statistics.median(busy):.0f}% of the cores busy")
    print(json.dumps({
        "encoder_img_s": round(enc, 3), "pipeline_img_s": round(pipe, 3), "ratio": round(pipe / enc, 3),
        "encoder_cpu_ms": round(1000 * enc_cpu, 1), "decode_cpu_ms": round(1000 * dec_cpu, 1), "cores": cores,
        "bound_ratio": round(bound, 3), "cores_busy": round(statistics.median(busy), 3),
    }))


if __name__ == "__main__":
    main()
