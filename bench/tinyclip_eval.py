"""Held-out quality of the shipped tiny CLIP, measured through the engine's own loader.

    .venv/bin/python bench/tinyclip_eval.py [--model photoclip-tiny] [--seed 0]

The model is loaded with `photoclip.model.resolve_model` / `load_encoder`, exactly as
search and tagging load it, and scored on scenes drawn from held-out seeds that the
trainer never uses (`heldout:*` vs `train:*`). Every photo is rendered at a varied
size/aspect/JPEG quality and cropped with `photoclip.imaging.prepare_for_model`.

Metrics (definitions in `photoclip.tinyclip.evaluate`):
- colour_acc   zero-shot colour accuracy on 400 single-object scenes: argmax over the
               prompts "a {colour} shape", one per colour. Target >= 0.95.
- shape_acc    the same with prompts "a {shape}". Target >= 0.90.
- recall_at_5  text->image: over 500 mixed scenes (1-3 objects), the fraction of the
               queries "a {colour} {shape}" with at least one match whose top 5 holds
               a matching scene. Target >= 0.90.
- precision_at_5 / perfect_top5: stricter, as the end-to-end search test: 8 folders of
               40 scenes (6 targets, 12 hard distractors such as a red square beside a
               blue circle), mean precision of the top 5 / share of folders all right.
- negation_red_drop: red scenes in the top 5 of "circle" minus those of "circle - red".

Progress goes to stdout; the last line is one JSON object with every metric
(`colour_acc`, `shape_acc`, `recall_at_5`, ...), plus the encoder's speed.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from photoclip.model import load_encoder, resolve_model  # noqa: E402
from photoclip.tinyclip.evaluate import HeldOut, evaluate  # noqa: E402

TARGETS = {"colour_acc": 0.95, "shape_acc": 0.90, "recall_at_5": 0.90}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="photoclip-tiny")
    parser.add_argument("--seed", type=int, default=0, help="held-out seed (any value is held out)")
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()

    spec = resolve_model(args.model)
    encoder = load_encoder(spec, device="cpu", threads=args.threads)
    print(f"model {spec.label}  weights {spec.checkpoint}  input {encoder.image_size}px", flush=True)

    started = time.perf_counter()
    metrics = evaluate(encoder.encode_images, encoder.encode_texts, encoder.image_size, HeldOut(seed=args.seed))
    print(f"evaluated in {time.perf_counter() - started:.1f}s", flush=True)

    batch = np.random.default_rng(0).integers(0, 256, (256, encoder.image_size, encoder.image_size, 3), dtype=np.uint8)
    encoder.encode_images(batch[:16])
    started = time.perf_counter()
    encoder.encode_images(batch)
    metrics["ms_per_image"] = round((time.perf_counter() - started) / len(batch) * 1000, 3)

    for key, value in metrics.items():
        target = TARGETS.get(key)
        verdict = "" if target is None else ("  ok" if value >= target else f"  BELOW {target}")
        print(f"{key:>18}: {value}{verdict}", flush=True)
    print(json.dumps(metrics))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
