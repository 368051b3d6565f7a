"""Held-out metrics of a CLIP on synthetic scenes, for the trainer, the bench and the tests.

The metrics take two plain functions (uint8 NHWC crops -> unit vectors, texts -> unit
vectors), so the very same code measures the model inside the trainer and the shipped
weights loaded through the engine (`photoclip.model.load_encoder`). No torch here.

Held-out scenes come from `random.Random(f"heldout:{seed}:...")`; the trainer draws its
scenes from `"train:..."` seeds, so no held-out scene is ever trained on. Every image
goes through `render_photo` (varied size, aspect and JPEG quality) and
`photoclip.imaging.prepare_for_model`, as photos do in the engine.

Metrics (all in [0, 1]):
- colour_acc: over single-object scenes, the fraction whose highest-scoring prompt among
  "a {colour} shape" (one per colour) names the object's colour.
- shape_acc: the same with prompts "a {shape}" (one per shape).
- recall_at_5: over `recall_scenes` mixed scenes of 1-3 objects, for every query
  "a {colour} {shape}" with at least one matching scene, the fraction whose five
  best-scoring scenes include one that holds an object of that colour and shape.
- precision_at_5: the strict version, as the end-to-end search tests use it. For a set
  of colour-shape targets, a folder of 40 scenes (6 holding the target, 12 hard
  distractors holding the colour or the shape but not the pair, e.g. a red square with a
  blue circle, and 22 random others); the mean fraction of the top 5 that hold the target.
- perfect_top5: the fraction of those folders where all five are right.
- negation_red_drop: for "circle - red" (vector of "circle" minus vector of "red", as
  `photoclip.search` combines terms) on the same folders, the number of red scenes in
  the top 5 of "circle" minus that of "circle - red", averaged (positive: it moves away).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from photoclip.imaging import prepare_for_model
from photoclip.tinyclip.scenes import COLOURS, SHAPES, Scene, random_scene, render_photo, scene_with

ImageEncoder = Callable[[np.ndarray], np.ndarray]
TextEncoder = Callable[[list[str]], np.ndarray]

COLOUR_PROMPT = "a {colour} shape"
SHAPE_PROMPT = "a {shape}"
PAIR_PROMPT = "a {colour} {shape}"
PRECISION_TARGETS: tuple[tuple[str, str], ...] = (
    ("red", "circle"), ("blue", "square"), ("yellow", "star"), ("green", "triangle"),
    ("purple", "heart"), ("orange", "cross"), ("white", "crescent"), ("black", "circle"),
)


@dataclass(frozen=True)
class HeldOut:
    """Sizes of the held-out sets; the defaults are what the bench and tests report."""

    seed: int = 0
    single_scenes: int = 400
    recall_scenes: int = 500
    folder_scenes: int = 40


def photos_to_batch(scenes: Sequence[Scene], rng: random.Random, size: int) -> np.ndarray:
    """(N, size, size, 3) uint8 crops of the scenes, each rendered as a varied photo."""
    return np.stack([prepare_for_model(render_photo(scene, rng), size) for scene in scenes])


def _embed_images(encode_images: ImageEncoder, batch: np.ndarray, chunk: int = 256) -> np.ndarray:
    return np.concatenate([encode_images(batch[i : i + chunk]) for i in range(0, len(batch), chunk)])


def single_object_scenes(rng: random.Random, count: int) -> list[Scene]:
    """`count` one-object scenes, colours and shapes drawn uniformly."""
    return [scene_with(rng, [(rng.choice(COLOURS), rng.choice(SHAPES))]) for _ in range(count)]


def zero_shot_accuracy(
    encode_images: ImageEncoder, encode_texts: TextEncoder, image_size: int, held: HeldOut
) -> tuple[float, float]:
    """(colour_acc, shape_acc) on held-out single-object scenes; see the module docstring."""
    rng = random.Random(f"heldout:{held.seed}:single")
    scenes = single_object_scenes(rng, held.single_scenes)
    images = _embed_images(encode_images, photos_to_batch(scenes, rng, image_size))
    colour_text = encode_texts([COLOUR_PROMPT.format(colour=c) for c in COLOURS])
    shape_text = encode_texts([SHAPE_PROMPT.format(shape=s) for s in SHAPES])
    colour_pred = (images @ colour_text.T).argmax(axis=1)
    shape_pred = (images @ shape_text.T).argmax(axis=1)
    colour_ok = [COLOURS[p] == s.objects[0].colour for p, s in zip(colour_pred, scenes)]
    shape_ok = [SHAPES[p] == s.objects[0].shape for p, s in zip(shape_pred, scenes)]
    return float(np.mean(colour_ok)), float(np.mean(shape_ok))


def recall_at_5(encode_images: ImageEncoder, encode_texts: TextEncoder, image_size: int, held: HeldOut) -> float:
    """Text->image recall@5 of "a {colour} {shape}" over held-out mixed scenes."""
    rng = random.Random(f"heldout:{held.seed}:recall")
    scenes = [random_scene(rng) for _ in range(held.recall_scenes)]
    images = _embed_images(encode_images, photos_to_batch(scenes, rng, image_size))
    pairs = [(c, s) for c in COLOURS for s in SHAPES if any(x.has(c, s) for x in scenes)]
    texts = encode_texts([PAIR_PROMPT.format(colour=c, shape=s) for c, s in pairs])
    top = np.argsort(-(texts @ images.T), axis=1)[:, :5]
    hits = [any(scenes[i].has(c, s) for i in row) for (c, s), row in zip(pairs, top)]
    return float(np.mean(hits))


def _distractor(rng: random.Random, colour: str, shape: str) -> Scene:
    """A scene with the target's colour or shape (or both, on different objects) but not the pair."""
    other_colours = [c for c in COLOURS if c != colour]
    other_shapes = [s for s in SHAPES if s != shape]
    kind = rng.randrange(3)
    if kind == 0:  # swapped binding: red square + blue circle
        objects = [(colour, rng.choice(other_shapes)), (rng.choice(other_colours), shape)]
    elif kind == 1:  # same colour, other shape(s)
        objects = [(colour, s) for s in rng.sample(other_shapes, rng.randint(1, 2))]
    else:  # same shape, other colour(s)
        objects = [(c, shape) for c in rng.sample(other_colours, rng.randint(1, 2))]
    return scene_with(rng, objects)


def search_folder(rng: random.Random, colour: str, shape: str, size: int = 40) -> list[Scene]:
    """A shuffled folder of `size` scenes: 6 hold (colour, shape), 12 hard distractors, the rest random."""
    scenes: list[Scene] = []
    for k in range(6):
        extra = [(c, s) for c, s in [(rng.choice(COLOURS), rng.choice(SHAPES)) for _ in range(k % 3)]
                 if (c, s) != (colour, shape)]
        scenes.append(scene_with(rng, [(colour, shape), *dict.fromkeys(extra)]))
    scenes += [_distractor(rng, colour, shape) for _ in range(12)]
    while len(scenes) < size:
        candidate = random_scene(rng)
        if not candidate.has(colour, shape):
            scenes.append(candidate)
    rng.shuffle(scenes)
    return scenes


def precision_at_5(
    encode_images: ImageEncoder, encode_texts: TextEncoder, image_size: int, held: HeldOut
) -> dict[str, float]:
    """precision_at_5, perfect_top5 and negation_red_drop; see the module docstring."""
    precisions, perfect, drops = [], [], []
    circle, red = encode_texts(["circle", "red"])
    minus = circle - red
    minus /= np.linalg.norm(minus)
    for colour, shape in PRECISION_TARGETS:
        rng = random.Random(f"heldout:{held.seed}:folder:{colour}:{shape}")
        scenes = search_folder(rng, colour, shape, held.folder_scenes)
        images = _embed_images(encode_images, photos_to_batch(scenes, rng, image_size))
        query = encode_texts([PAIR_PROMPT.format(colour=colour, shape=shape)])[0]
        top = np.argsort(-(images @ query))[:5]
        right = [scenes[i].has(colour, shape) for i in top]
        precisions.append(np.mean(right))
        perfect.append(all(right))
        red_in = lambda q: sum(scenes[i].has("red") for i in np.argsort(-(images @ q))[:5])  # noqa: E731
        drops.append(red_in(circle) - red_in(minus))
    return {
        "precision_at_5": float(np.mean(precisions)),
        "perfect_top5": float(np.mean(perfect)),
        "negation_red_drop": float(np.mean(drops)),
    }


def evaluate(
    encode_images: ImageEncoder,
    encode_texts: TextEncoder,
    image_size: int,
    held: HeldOut = HeldOut(),
    strict: bool = True,
) -> dict[str, float]:
    """Every metric above as one flat dict (rounded to 4 places)."""
    colour_acc, shape_acc = zero_shot_accuracy(encode_images, encode_texts, image_size, held)
    metrics = {
        "colour_acc": colour_acc,
        "shape_acc": shape_acc,
        "recall_at_5": recall_at_5(encode_images, encode_texts, image_size, held),
    }
    if strict:
        metrics.update(precision_at_5(encode_images, encode_texts, image_size, held))
    return {k: round(v, 4) for k, v in metrics.items()}
