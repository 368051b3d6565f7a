"""The tiny CLIP the project trains: its scenes, its captions, its shipped weights, its trainer.

Every semantic test in the suite (search, tagging, duplicates) relies on the shipped
photoclip-tiny weights meaning something; the held-out metrics here are what guards that,
measured through the engine's loader like those tests use it.
"""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest

from photoclip.tinyclip import captions
from photoclip.tinyclip.scenes import (
    BACKGROUNDS,
    COLOURS,
    SHAPES,
    Scene,
    SceneObject,
    background_phrase,
    compatible_backgrounds,
    random_scene,
    render,
    scene_with,
    write_scene_folder,
)

MODEL_DIR = Path(__file__).resolve().parents[1] / "resources" / "models" / "photoclip-tiny"
WEIGHTS = MODEL_DIR / "photoclip-tiny.safetensors"


def test_vocabulary_is_as_promised() -> None:
    assert len(COLOURS) >= 8 and len(SHAPES) >= 6 and len(BACKGROUNDS) >= 4
    assert {"red", "green", "blue", "yellow", "purple", "orange", "white", "black"} <= set(COLOURS)
    assert {"circle", "square", "triangle", "star"} <= set(SHAPES)
    assert {"sky", "grass", "sand", "night"} <= set(BACKGROUNDS)


def test_scenes_are_deterministic_from_seed(tmp_path: Path) -> None:
    first = write_scene_folder(tmp_path / "a", seed=7, count=6, size=96)
    second = write_scene_folder(tmp_path / "b", seed=7, count=6, size=96)
    other = write_scene_folder(tmp_path / "c", seed=8, count=6, size=96)
    assert [s for _, s in first] == [s for _, s in second]
    assert [p.read_bytes() for p, _ in first] == [p.read_bytes() for p, _ in second]
    assert [s for _, s in first] != [s for _, s in other]
    assert all(p.suffix == ".jpg" and p.is_file() for p, _ in first)


def test_render_is_rgb_of_the_asked_size_and_looks_like_a_photo() -> None:
    scene = random_scene(random.Random(3))
    image = render(scene, 128)
    assert image.mode == "RGB" and image.size == (128, 128)
    assert np.array_equal(np.asarray(image), np.asarray(render(scene, 128)))
    wide = render(scene, 100, aspect=1.5)
    assert wide.size == (150, 100)
    # Textured, not a flat fill: the background alone varies from pixel to pixel.
    empty = np.asarray(render(Scene((), "sand", texture_seed=1), 64), dtype=np.float32)
    assert empty.std(axis=(0, 1)).max() > 3.0


def test_captions_mention_every_object_and_the_background() -> None:
    rng = random.Random(11)
    for _ in range(300):
        scene = random_scene(rng)
        text = scene.caption()
        for obj in scene.objects:
            assert f"{obj.colour} {obj.shape}" in text
        assert text.endswith(background_phrase(scene.background))
    two = Scene((SceneObject("red", "circle"), SceneObject("blue", "square")), "grass")
    assert two.caption() == "a red circle and a blue square on grass"


def test_scenes_keep_objects_apart_and_readable() -> None:
    rng = random.Random(5)
    for _ in range(300):
        scene = random_scene(rng)
        assert 1 <= len(scene.objects) <= 3
        assert scene.background in compatible_backgrounds([o.colour for o in scene.objects])
        objs = scene.objects
        for i, a in enumerate(objs):
            assert a.radius <= a.x <= 1 - a.radius and a.radius <= a.y <= 1 - a.radius
            for b in objs[i + 1 :]:
                assert np.hypot(a.x - b.x, a.y - b.y) >= a.radius + b.radius
                assert (a.colour, a.shape) != (b.colour, b.shape)


def test_scene_with_holds_exactly_the_asked_objects() -> None:
    rng = random.Random(2)
    scene = scene_with(rng, [("red", "circle"), ("blue", "star")])
    assert scene.has("red", "circle") and scene.has("blue", "star")
    assert scene.has(colour="red") and scene.has(shape="star") and scene.has()
    assert not scene.has("red", "star") and not scene.has("blue", "circle")
    assert scene_with(rng, [("white", "heart")], background="night").background == "night"
    with pytest.raises(ValueError):
        scene_with(rng, [("pink", "circle")])


def test_every_training_caption_is_true_of_its_scene() -> None:
    rng = random.Random(4)
    seen_short = set()
    for _ in range(500):
        scene = random_scene(rng)
        text, claim = captions.sample_caption(scene, rng)
        assert claim.holds_for(scene), text
        if len(text.split()) <= 2:
            seen_short.add(text)
    assert {"red", "circle"} & seen_short  # bare one-word searches are part of training


def test_shipped_weights_are_small() -> None:
    assert (MODEL_DIR / "photoclip-tiny.json").is_file()
    assert WEIGHTS.is_file(), "run `python -m photoclip.tinyclip.train` to build the weights"
    assert WEIGHTS.stat().st_size <= 10 * 1024 * 1024


@pytest.fixture(scope="module")
def tiny_encoder():
    from photoclip.model import load_encoder, resolve_model

    spec = resolve_model("photoclip-tiny")
    assert spec.checkpoint == WEIGHTS
    return load_encoder(spec, device="cpu")


def test_held_out_metrics_through_the_engine(tiny_encoder) -> None:
    from photoclip.tinyclip.evaluate import HeldOut, evaluate

    metrics = evaluate(tiny_encoder.encode_images, tiny_encoder.encode_texts, tiny_encoder.image_size,
                       HeldOut(seed=1))
    assert metrics["colour_acc"] >= 0.95, metrics
    assert metrics["shape_acc"] >= 0.90, metrics
    assert metrics["recall_at_5"] >= 0.90, metrics
    assert metrics["negation_red_drop"] > 0, metrics


def test_trainer_runs_and_the_loss_goes_down(tmp_path: Path) -> None:
    torch = pytest.importorskip("torch")
    from photoclip.tinyclip.train import MODEL_NAME, TrainConfig, train

    threads = torch.get_num_threads()
    cfg = TrainConfig(seed=1, steps=12, batch_size=32, scenes=32, lr=2e-3, warmup_steps=1, threads=1)
    result = train(cfg, tmp_path, held=None)
    assert torch.get_num_threads() == threads  # the trainer leaves the process as it found it
    assert len(result.losses) == 12 and all(np.isfinite(result.losses))
    assert np.mean(result.losses[-3:]) < np.mean(result.losses[:3]) - 0.1
    assert (tmp_path / f"{MODEL_NAME}.json").is_file()
    assert (tmp_path / f"{MODEL_NAME}.safetensors").stat().st_size > 0


def test_training_is_reproducible_from_its_seed(tmp_path: Path) -> None:
    pytest.importorskip("torch")
    from photoclip.tinyclip.train import TrainConfig, train

    cfg = TrainConfig(seed=3, steps=3, batch_size=16, scenes=16, warmup_steps=1, threads=1)
    first = train(cfg, tmp_path / "a", held=None)
    second = train(cfg, tmp_path / "b", held=None)
    train(TrainConfig(seed=4, steps=3, batch_size=16, scenes=16, warmup_steps=1, threads=1),
          tmp_path / "c", held=None)
    assert first.losses == second.losses
    weights = [(tmp_path / d / "photoclip-tiny.safetensors").read_bytes() for d in "abc"]
    assert weights[0] == weights[1] != weights[2]


def test_training_writes_by_default_where_photoclip_finds_the_shipped_model() -> None:
    """Installed from a wheel, the repository's resources/ is not beside the package: a model
    trained there would never be used."""
    from photoclip.model import resolve_model
    from photoclip.tinyclip.train import DEFAULT_OUT, MODEL_NAME

    assert DEFAULT_OUT == resolve_model(MODEL_NAME).checkpoint.parent
