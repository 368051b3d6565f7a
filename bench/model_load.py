"""Loading a model from its weights file: construction without the random initialisation the
checkpoint overwrites (photoclip.skip_init) against open_clip's own, measured in the same run.

    python bench/model_load.py [--runs 5] [--arch ViT-B-32-256]

The weights are the architecture's own random ones, saved once under bench/.cache (loading time
does not depend on their values). Runs alternate the two ways in one process, after one load of
each to warm the file cache. The last line is JSON: load_s, baseline_s, ratio (baseline / load),
runs, arch.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from photoclip.skip_init import without_random_init  # noqa: E402

CACHE = Path(__file__).resolve().parent / ".cache"


def weights_of(arch: str) -> Path:
    import open_clip
    from safetensors.torch import save_file

    path = CACHE / f"{arch}-random.safetensors"
    if not path.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        state = {name: tensor.contiguous() for name, tensor in open_clip.create_model(arch).state_dict().items()}
        save_file(state, str(path.with_suffix(".tmp")))
        path.with_suffix(".tmp").rename(path)
    return path


def timed_load(arch: str, weights: Path, skip: bool) -> float:
    import open_clip

    start = time.perf_counter()
    with without_random_init() if skip else contextlib.nullcontext():
        open_clip.create_model(arch, pretrained=str(weights), pretrained_text=False, weights_only=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--arch", default="ViT-B-32-256")
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    weights = weights_of(args.arch)
    timed_load(args.arch, weights, True)
    timed_load(args.arch, weights, False)
    skipped, baseline = [], []
    for run in range(args.runs):
        skipped.append(timed_load(args.arch, weights, True))
        baseline.append(timed_load(args.arch, weights, False))
        print(f"run {run + 1}: {skipped[-1]:.2f} s without the random initialisation, {baseline[-1]:.2f} s with it")
    s, b = statistics.median(skipped), statistics.median(baseline)
    print(f"median: {s:.2f} s against {b:.2f} s ({b / s:.2f}x), {args.arch}")
    print(json.dumps({"load_s": round(s, 3), "baseline_s": round(b, 3), "ratio": round(b / s, 2),
                      "runs": args.runs, "arch": args.arch}))


if __name__ == "__main__":
    main()
