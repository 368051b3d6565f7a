"""Varied captions for synthetic scenes, and what each caption claims about a scene.

People search with short phrases ("red", "a circle", "red circle on grass"), and
zero-shot tagging uses prompts like "a red shape" / "a circle". A model trained only on
full captions ("a red circle and a blue square on grass") never learns what "red" alone
means, so training draws a different phrasing of a scene every time it is seen.

Every caption comes with its `Claim`: the objects (colour, shape, or both) and the
background it asserts. `Claim.holds_for(scene)` says whether a caption is a true
description of *another* scene; the trainer uses it to treat every true caption in a
batch as a positive instead of pretending "a circle" does not describe the other
circles in the batch.

Pure Python (no torch), so tests can check the captions without the trainer.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from photoclip.tinyclip.scenes import Scene, SceneObject, article, background_phrase, join_phrases

_PREFIXES = ("", "", "", "a photo of ", "a picture of ", "an image of ", "a photo with ")


@dataclass(frozen=True)
class Claim:
    """What a caption asserts: each (colour, shape) is present (None: any); the background."""

    objects: tuple[tuple[str | None, str | None], ...]
    background: str | None = None

    def holds_for(self, scene: Scene) -> bool:
        """True when every claimed object is in `scene` and the background (if said) is its own."""
        if self.background is not None and self.background != scene.background:
            return False
        return all(scene.has(colour, shape) for colour, shape in self.objects)


def _object_words(colour: str | None, shape: str | None, rng: random.Random, bare: bool) -> str:
    """One object in words; `bare` drops the article ('red circle' rather than 'a red circle')."""
    if colour is not None and shape is not None:
        words = f"{colour} {shape}"
    elif shape is not None:
        words = shape
    elif colour is not None:
        noun = rng.choice(("shape", "shape", "object", "thing"))
        if not bare and rng.random() < 0.25:
            return f"something {colour}"
        words = f"{colour} {noun}"
    else:  # pragma: no cover - a claim always names a colour or a shape
        raise ValueError("an object claim needs a colour or a shape")
    return words if bare else f"{article(words)} {words}"


def describe(claim: Claim, rng: random.Random) -> str:
    """Plain English for `claim`, in one of many phrasings."""
    if not claim.objects:
        name = claim.background or "nothing"
        return rng.choice((f"{name}", f"a photo of {name}", f"a background of {name}"))
    # A lone colour or shape is often typed as one word: "red", "circle".
    if len(claim.objects) == 1 and claim.background is None and rng.random() < 0.3:
        colour, shape = claim.objects[0]
        return " ".join(w for w in (colour, shape) if w is not None)
    bare = rng.random() < 0.25
    phrases = [_object_words(c, s, rng, bare) for c, s in claim.objects]
    text = join_phrases(phrases) if rng.random() < 0.8 else " and ".join(phrases)
    if claim.background is not None:
        text = f"{text} {background_phrase(claim.background)}"
    return f"{'' if bare else rng.choice(_PREFIXES)}{text}"


def _full(obj: SceneObject) -> tuple[str | None, str | None]:
    return (obj.colour, obj.shape)


def sample_claim(scene: Scene, rng: random.Random) -> Claim:
    """A true claim about `scene`: all of it, one object, only colours, only shapes, ...

    The mix favours whole-scene and single-object descriptions (what searches look
    like) and keeps enough colour-only and shape-only ones for zero-shot prompts.
    """
    objects = list(scene.objects)
    rng.shuffle(objects)  # captions name objects in any order
    kind = rng.choices(
        ("all", "one", "two", "colour", "shape", "mixed", "background"),
        weights=(0.30, 0.24, 0.05, 0.10, 0.18, 0.10, 0.03),
    )[0]
    if kind == "background":
        return Claim((), scene.background)
    if kind == "all" or (kind == "two" and len(objects) < 3):
        claimed = [_full(o) for o in objects]
    elif kind == "two":
        claimed = [_full(o) for o in objects[:2]]
    elif kind == "one":
        claimed = [_full(objects[0])]
    elif kind == "colour":
        claimed = [(objects[0].colour, None)]
    elif kind == "shape":
        claimed = [(None, objects[0].shape)]
    else:  # each object said in full, by colour only, or by shape only
        claimed = [rng.choice((_full(o), (o.colour, None), (None, o.shape))) for o in objects]
    claimed = list(dict.fromkeys(claimed))  # "a circle and a circle" says no more than "a circle"
    background = scene.background if rng.random() < 0.3 else None
    return Claim(tuple(claimed), background)


def sample_caption(scene: Scene, rng: random.Random) -> tuple[str, Claim]:
    """A randomly phrased true caption of `scene`, with the claim it makes."""
    claim = sample_claim(scene, rng)
    return describe(claim, rng), claim
