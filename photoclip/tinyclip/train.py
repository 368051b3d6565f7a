"""Train photoclip-tiny: a tiny CLIP, contrastively, on synthetic scenes, on the CPU.

    python -m photoclip.tinyclip.train [--out DIR] [--minutes M] [--seed S]

This is a build tool, not part of the engine: together with `photoclip/model.py` it is
the only module allowed to import torch and open_clip directly. It rebuilds
`resources/models/photoclip-tiny/{photoclip-tiny.json, photoclip-tiny.safetensors}`.

What it does, and why:
- Architecture: an open_clip config (`MODEL_CONFIG`) registered with
  `open_clip.add_model_config`, so the engine loads the result exactly like any other
  open_clip model. A small ViT sees 64 px crops; the text tower is narrow because its
  token table (49408 x width) dominates the file size.
- Data: scenes are drawn in pairs that differ in one detail (colours swapped between
  two objects, or one object's colour or shape changed), and both halves of a pair go
  into the same batch. These hard negatives make "a red circle and a blue square" and
  "a blue circle and a red square" land in different places; easy random batches do not.
  Each scene is rendered as a varied photo (`render_photo`: size, aspect, JPEG) and
  reduced with `photoclip.imaging.prepare_for_model`, then normalised with the model's
  mean/std: the engine's inference path, exactly.
- Captions: every time a scene is seen it gets a new phrasing (`captions`), full or
  partial ("red", "a circle", "a red circle and a star on grass").
- Loss: the symmetric cross-entropy over the batch similarity matrix with a learnable
  temperature (CLIP's), except that the targets are every caption in the batch that is
  true of an image, not only the diagonal: "a circle" *does* describe the other circles
  in the batch, and calling them negatives would teach the model noise. With one true
  caption per image this is exactly open_clip's ClipLoss.
- Optimiser: AdamW with a linear warm-up and a cosine decay, seeded. `--minutes` sets
  the number of steps from this build machine's measured speed (`STEPS_PER_MINUTE`),
  so the same command gives the same weights on any machine; only the time differs.
- Output: the state_dict in float16 safetensors (the file is half the size; open_clip's
  `load_checkpoint` copies it into float32 parameters).
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import multiprocessing
import random
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import open_clip
import torch
import torch.nn.functional as F
from safetensors.torch import save_file

from photoclip.config import resources_dir
from photoclip.fsutil import atomic_write_bytes, atomic_write_with
from photoclip.imaging import prepare_for_model
from photoclip.tinyclip import captions as caps
from photoclip.tinyclip.evaluate import HeldOut, evaluate
from photoclip.tinyclip.scenes import (
    BACKGROUNDS,
    COLOURS,
    SHAPES,
    Scene,
    compatible_backgrounds,
    random_scene,
    recolour,
    render_photo,
    reshape,
)

log = logging.getLogger(__name__)

MODEL_NAME = "photoclip-tiny"
DEFAULT_OUT = resources_dir() / "models" / MODEL_NAME  # where photoclip finds it, in a checkout or installed
MODEL_CONFIG: dict = {
    "embed_dim": 64,
    "vision_cfg": {"image_size": 64, "layers": [1, 1, 1, 1], "width": 16, "head_width": 32},
    "text_cfg": {"context_length": 24, "vocab_size": 49408, "width": 64, "heads": 4, "layers": 2},
}
# Optimiser steps per minute of wall time on the 2-core build machine (batch 128,
# including the share of time spent rendering scenes). --minutes M trains
# round(M * STEPS_PER_MINUTE) steps.
STEPS_PER_MINUTE = 165


@dataclass(frozen=True)
class TrainConfig:
    """Everything that decides the weights. Same config, same weights."""

    seed: int = 0
    steps: int = 2200
    batch_size: int = 128
    scenes: int = 30_000  # distinct rendered scenes; each is seen steps*batch/scenes times
    lr: float = 2e-3
    weight_decay: float = 0.1
    warmup_steps: int = 30
    threads: int = 2
    eval_every: int = 0  # quick held-out check every N steps while experimenting (0: never)
    model_config: dict = field(default_factory=lambda: json.loads(json.dumps(MODEL_CONFIG)))


@dataclass(frozen=True)
class TrainResult:
    losses: list[float]
    wall_seconds: float
    data_seconds: float
    metrics: dict[str, float]


# ------------------------------------------------------------------------------ data

# Shapes that a small model confuses longest at 64 px (a tilted square and a
# heart; a triangle and a cross or a crescent): half the shape twins use these.
_LOOKALIKES = {"square": "heart", "heart": "square", "triangle": "cross", "cross": "triangle",
               "crescent": "triangle", "circle": "crescent", "star": "cross"}


def _twin(scene: Scene, rng: random.Random) -> Scene:
    """A scene that differs from `scene` in one detail, with the same geometry and texture.

    Swap colours between objects (binding), or change one object's colour, or its
    shape. The twin never repeats a (colour, shape) pair and keeps colours readable.
    """
    colours = [o.colour for o in scene.objects]
    shapes = [o.shape for o in scene.objects]
    for _ in range(20):
        kind = rng.random()
        new_colours, new_shapes = list(colours), list(shapes)
        if kind < 0.35 and len(set(colours)) > 1 and len(set(shapes)) > 1:
            i, j = rng.sample(range(len(colours)), 2)
            new_colours[i], new_colours[j] = new_colours[j], new_colours[i]
        elif kind < 0.6:
            i = rng.randrange(len(colours))
            readable = [c for c in COLOURS if scene.background in compatible_backgrounds([c])]
            new_colours[i] = rng.choice([c for c in readable if c != colours[i]])
        else:
            i = rng.randrange(len(shapes))
            lookalike = _LOOKALIKES.get(shapes[i])
            if lookalike and rng.random() < 0.5:
                new_shapes[i] = lookalike
            else:
                new_shapes[i] = rng.choice([s for s in SHAPES if s != shapes[i]])
        pairs = list(zip(new_colours, new_shapes))
        if len(set(pairs)) == len(pairs) and pairs != list(zip(colours, shapes)):
            return reshape(recolour(scene, new_colours), new_shapes)
    return random_scene(rng)


def scene_pair(seed: int, index: int) -> tuple[Scene, Scene]:
    """The index-th training pair of a run: a random scene and its one-detail twin."""
    rng = random.Random(f"train:{seed}:{index}")
    scene = random_scene(rng)
    return scene, _twin(scene, rng)


def _render_pair(args: tuple[int, int, int]) -> np.ndarray:
    seed, index, size = args
    rng = random.Random(f"train-photo:{seed}:{index}")
    return np.stack([prepare_for_model(render_photo(s, rng), size) for s in scene_pair(seed, index)])


def build_dataset(seed: int, pairs: int, image_size: int, workers: int) -> tuple[list[Scene], np.ndarray]:
    """All training scenes (pair members adjacent) and their uint8 crops, rendered in parallel.

    Each pair is rendered from its own seed, so the result does not depend on `workers`.
    """
    scenes = [s for i in range(pairs) for s in scene_pair(seed, i)]
    jobs = [(seed, i, image_size) for i in range(pairs)]
    if workers > 1:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            crops = pool.map(_render_pair, jobs, chunksize=64)
    else:
        crops = [_render_pair(job) for job in jobs]
    return scenes, np.concatenate(crops)


# ------------------------------------------------------------------- claims -> targets

_FEATURES = {
    **{("pair", c, s): k for k, (c, s) in enumerate((c, s) for c in COLOURS for s in SHAPES)},
}
_FEATURES.update({("colour", c, None): len(_FEATURES) + k for k, c in enumerate(COLOURS)})
_FEATURES.update({("shape", None, s): len(_FEATURES) + k for k, s in enumerate(SHAPES)})
_FEATURES.update({("background", b, None): len(_FEATURES) + k for k, b in enumerate(BACKGROUNDS)})


def scene_features(scene: Scene) -> np.ndarray:
    """Binary vector of every fact a claim can check: pairs, colours, shapes, background."""
    v = np.zeros(len(_FEATURES), dtype=np.float32)
    for o in scene.objects:
        v[_FEATURES[("pair", o.colour, o.shape)]] = 1
        v[_FEATURES[("colour", o.colour, None)]] = 1
        v[_FEATURES[("shape", None, o.shape)]] = 1
    v[_FEATURES[("background", scene.background, None)]] = 1
    return v


def claim_features(claim: caps.Claim) -> np.ndarray:
    """Binary vector of the facts `claim` requires."""
    v = np.zeros(len(_FEATURES), dtype=np.float32)
    for colour, shape in claim.objects:
        key = ("pair", colour, shape) if colour and shape else ("colour", colour, None) if colour else ("shape", None, shape)
        v[_FEATURES[key]] = 1
    if claim.background is not None:
        v[_FEATURES[("background", claim.background, None)]] = 1
    return v


def truth_matrix(scene_feats: np.ndarray, claim_feats: np.ndarray) -> np.ndarray:
    """M[i, j] = caption j is true of image i (it requires no fact image i lacks)."""
    return (scene_feats @ claim_feats.T) >= claim_feats.sum(axis=1)[None, :] - 0.5


def contrastive_loss(image_features: torch.Tensor, text_features: torch.Tensor,
                     logit_scale: torch.Tensor, truth: torch.Tensor) -> torch.Tensor:
    """Symmetric cross-entropy over the similarity matrix, with every true pair a target.

    `truth` is the boolean matrix of true (image, caption) pairs; its diagonal is all
    true. Targets spread evenly over the true entries of each row (image->text) and of
    each column (text->image). With truth = identity this is CLIP's loss.
    """
    logits = logit_scale * image_features @ text_features.T
    t = truth.float()
    image_to_text = -(t / t.sum(1, keepdim=True) * F.log_softmax(logits, dim=1)).sum(1).mean()
    text_to_image = -(t / t.sum(0, keepdim=True) * F.log_softmax(logits, dim=0)).sum(0).mean()
    return (image_to_text + text_to_image) / 2


# ----------------------------------------------------------------------------- model

def register_config(model_config: dict, folder: Path) -> Path:
    """Write the config as <folder>/photoclip-tiny.json and register it with open_clip."""
    path = folder / f"{MODEL_NAME}.json"
    atomic_write_bytes(path, (json.dumps(model_config, indent=4) + "\n").encode())
    open_clip.add_model_config(path)
    return path


def _normaliser(model: torch.nn.Module) -> Callable[[np.ndarray], torch.Tensor]:
    """uint8 NHWC -> normalised float NCHW, with the model's own mean/std (as the engine)."""
    pre = open_clip.get_model_preprocess_cfg(model)
    mean = torch.tensor(pre.get("mean", open_clip.OPENAI_DATASET_MEAN)).view(1, 3, 1, 1) * 255.0
    std = torch.tensor(pre.get("std", open_clip.OPENAI_DATASET_STD)).view(1, 3, 1, 1) * 255.0
    return lambda batch: (torch.from_numpy(np.ascontiguousarray(batch)).permute(0, 3, 1, 2).float() - mean) / std


def _param_groups(model: torch.nn.Module, weight_decay: float) -> list[dict]:
    """open_clip's rule: no weight decay on gains, biases, embeddings of size 1 or the temperature."""
    decay, no_decay = [], []
    for name, p in model.named_parameters():
        if p.ndim < 2 or "bn" in name or "ln" in name or "bias" in name or "logit_scale" in name:
            no_decay.append(p)
        else:
            decay.append(p)
    return [{"params": no_decay, "weight_decay": 0.0}, {"params": decay, "weight_decay": weight_decay}]


def _lr_at(step: int, cfg: TrainConfig) -> float:
    if step < cfg.warmup_steps:
        return cfg.lr * (step + 1) / cfg.warmup_steps
    progress = (step - cfg.warmup_steps) / max(1, cfg.steps - cfg.warmup_steps)
    return cfg.lr * 0.5 * (1.0 + math.cos(math.pi * min(1.0, progress)))


def encoders(model: torch.nn.Module, tokenizer: Callable) -> tuple[Callable, Callable]:
    """(encode_images, encode_texts) on plain numpy, as `evaluate` wants them."""
    normalise = _normaliser(model)

    def encode_images(batch: np.ndarray) -> np.ndarray:
        with torch.inference_mode():
            return F.normalize(model.encode_image(normalise(batch)), dim=-1).numpy()

    def encode_texts(texts: list[str]) -> np.ndarray:
        with torch.inference_mode():
            return F.normalize(model.encode_text(tokenizer(list(texts))), dim=-1).numpy()

    return encode_images, encode_texts


def _batches(rng: random.Random, pairs: int, batch_size: int) -> Iterator[list[int]]:
    """Endless shuffled batches of whole pairs (both twins in the same batch)."""
    per_batch = max(1, batch_size // 2)
    while True:
        order = list(range(pairs))
        rng.shuffle(order)
        for start in range(0, pairs - per_batch + 1, per_batch):
            yield [k for p in order[start : start + per_batch] for k in (2 * p, 2 * p + 1)]


def train(
    cfg: TrainConfig,
    out_dir: Path | None = None,
    progress: Callable[[str], None] | None = None,
    held: HeldOut | None = HeldOut(),
) -> TrainResult:
    """Train a model with `cfg`; write config + weights to `out_dir` when given.

    `progress` receives one-line reports; `held` (None: skip) sets the held-out
    evaluation run at the end. Returns the per-step losses and the metrics.
    """
    threads = torch.get_num_threads()
    try:
        return _train(cfg, out_dir, progress or log.info, held)
    finally:
        torch.set_num_threads(threads)


def _train(cfg: TrainConfig, out_dir: Path | None, say: Callable[[str], None], held: HeldOut | None) -> TrainResult:
    started = time.monotonic()
    torch.set_num_threads(cfg.threads)
    torch.manual_seed(cfg.seed)
    np.random.seed(cfg.seed)
    rng = random.Random(f"train-order:{cfg.seed}")

    folder = Path(out_dir) if out_dir is not None else None
    config_dir = folder if folder is not None else Path(_scratch_dir())
    config_dir.mkdir(parents=True, exist_ok=True)
    register_config(cfg.model_config, config_dir)
    model = open_clip.create_model(MODEL_NAME, pretrained=None)
    model.visual.to(memory_format=torch.channels_last)  # ~15% faster convolutions on CPU
    tokenizer = open_clip.get_tokenizer(MODEL_NAME)
    image_size = int(cfg.model_config["vision_cfg"]["image_size"])
    normalise = _normaliser(model)

    pairs = max(1, cfg.scenes // 2)
    say(f"rendering {2 * pairs} scenes with {cfg.threads} workers ...")
    scenes, crops = build_dataset(cfg.seed, pairs, image_size, cfg.threads)
    features = np.stack([scene_features(s) for s in scenes])
    data_seconds = time.monotonic() - started
    say(f"rendered in {data_seconds:.0f}s; training {cfg.steps} steps of {cfg.batch_size}")

    optimiser = torch.optim.AdamW(_param_groups(model, cfg.weight_decay), lr=cfg.lr, betas=(0.9, 0.98), eps=1e-6)
    caption_rng = random.Random(f"train-captions:{cfg.seed}")
    tokens: dict[str, torch.Tensor] = {}  # captions repeat; the BPE tokenizer is slow
    batches = _batches(rng, pairs, cfg.batch_size)
    losses: list[float] = []
    model.train()
    for step in range(cfg.steps):
        index = next(batches)
        images = crops[index]
        flip = np.array([rng.random() < 0.5 for _ in index])
        images = np.where(flip[:, None, None, None], images[:, :, ::-1], images)
        texts, claims = zip(*(caps.sample_caption(scenes[k], caption_rng) for k in index))
        truth = truth_matrix(features[index], np.stack([claim_features(c) for c in claims]))
        for group in optimiser.param_groups:
            group["lr"] = _lr_at(step, cfg)
        missing = [t for t in dict.fromkeys(texts) if t not in tokens]
        if missing:
            tokens.update(zip(missing, tokenizer(missing)))
        text_tokens = torch.stack([tokens[t] for t in texts])
        image_features, text_features, logit_scale = model(normalise(images), text_tokens)
        loss = contrastive_loss(image_features, text_features, logit_scale, torch.from_numpy(truth))
        optimiser.zero_grad(set_to_none=True)
        loss.backward()
        optimiser.step()
        with torch.no_grad():
            model.logit_scale.clamp_(0, math.log(100))
        losses.append(loss.item())
        if step % 25 == 0 or step == cfg.steps - 1:
            say(f"step {step:4d}/{cfg.steps}  loss {np.mean(losses[-25:]):.3f}  "
                f"T {1 / model.logit_scale.exp().item():.3f}  {time.monotonic() - started:.0f}s")
        if cfg.eval_every and (step + 1) % cfg.eval_every == 0 and step + 1 < cfg.steps:
            model.eval()
            quick = HeldOut(seed=99, single_scenes=160, recall_scenes=200)
            say(f"step {step + 1} quick held-out: "
                + json.dumps(evaluate(*encoders(model, tokenizer), image_size, quick, strict=False)))
            model.train()

    model.eval()
    if folder is not None:
        save_weights(model, folder / f"{MODEL_NAME}.safetensors")
    metrics: dict[str, float] = {}
    if held is not None:
        metrics = evaluate(*encoders(model, tokenizer), image_size, held)
        say("held-out: " + json.dumps(metrics))
    return TrainResult(losses, time.monotonic() - started, data_seconds, metrics)


def save_weights(model: torch.nn.Module, path: Path) -> None:
    """The state_dict as float16 safetensors (integer buffers as they are), written atomically."""
    state = {k: (v.detach().to(torch.float16) if v.is_floating_point() else v.detach()).contiguous()
             for k, v in model.state_dict().items()}
    atomic_write_with(path, lambda tmp: save_file(state, str(tmp), metadata={"format": "pt"}))


def _scratch_dir() -> str:
    import tempfile

    return tempfile.mkdtemp(prefix="photoclip-tiny-")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m photoclip.tinyclip.train", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help=f"folder for the config and weights (default: the shipped model's, {DEFAULT_OUT}, "
                             "which it replaces)")
    parser.add_argument("--minutes", type=float, default=None,
                        help=f"training length in minutes of the build machine ({STEPS_PER_MINUTE} steps/min)")
    parser.add_argument("--steps", type=int, default=None, help="training length in steps (overrides --minutes)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--eval-every", type=int, default=0, help="quick held-out check every N steps")
    parser.add_argument("--scenes", type=int, default=None, help="distinct training scenes")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(message)s")
    base = TrainConfig()
    steps = args.steps or (round(args.minutes * STEPS_PER_MINUTE) if args.minutes else base.steps)
    cfg = TrainConfig(seed=args.seed, steps=steps, threads=args.threads, eval_every=args.eval_every,
                      scenes=args.scenes or base.scenes)
    print(json.dumps({k: v for k, v in asdict(cfg).items() if k != "model_config"}), flush=True)
    result = train(cfg, args.out, progress=lambda line: print(line, flush=True))
    size = (args.out / f"{MODEL_NAME}.safetensors").stat().st_size
    print(f"wrote {args.out} ({size / 1e6:.2f} MB) in {result.wall_seconds / 60:.1f} min "
          f"(rendering {result.data_seconds:.0f}s)")
    print(json.dumps(result.metrics))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
