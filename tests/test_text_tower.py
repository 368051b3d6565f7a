from __future__ import annotations

import copy
import json
from pathlib import Path

import numpy as np
import pytest

from photoclip.clip_tokenizer import ClipTokenizer
from photoclip.model import load_encoder, resolve_model
from photoclip.text_tower import TextTower, kept_length

TINY = "photoclip-tiny"
TEXTS = ["cake", "kids at the lake last summer", "party!; sunset!??", "Été à Noël, 奶奶的生日!", ""]


def padded_features(model, tokens: np.ndarray) -> np.ndarray:
    """open_clip's own encode_text over the whole padded context."""
    import torch

    with torch.inference_mode():
        return model.encode_text(torch.as_tensor(tokens)).numpy()


def unusual_model(tmp_path: Path, **text_cfg: object):
    """The tiny architecture with QuickGELU and the given text options, on random weights."""
    import open_clip
    import torch

    config = json.loads(resolve_model(TINY).config.read_text())
    config["quick_gelu"] = True
    config["text_cfg"].update(text_cfg)
    path = tmp_path / "tiny-unusual.json"
    path.write_text(json.dumps(config))
    open_clip.add_model_config(str(path))
    torch.manual_seed(0)
    model = open_clip.create_model("tiny-unusual").eval()
    with torch.no_grad():
        for block in model.transformer.resblocks:
            for scale in (block.ls_1, block.ls_2):
                if hasattr(scale, "gamma"):
                    scale.gamma.uniform_(0.2, 1.5)
    return model


def vit_b_32_256():
    import open_clip

    return open_clip.create_model("ViT-B-32-256").eval()


@pytest.mark.parametrize("which", ["tiny", "layer scale, linear projection, QuickGELU", "ViT-B-32-256"])
def test_the_tower_gives_the_models_own_features(which: str, tmp_path: Path) -> None:
    if which == "tiny":
        model = load_encoder(resolve_model(TINY), device="cpu").model
    elif which == "ViT-B-32-256":
        model = vit_b_32_256()
    else:
        model = unusual_model(tmp_path, ls_init_value=0.5, proj_bias=True)
    tower = TextTower.from_model(model)
    assert tower is not None
    assert tower.quick_gelu == (which.endswith("QuickGELU"))
    assert ({"0.ls_1", "1.ls_2", "projection_bias"} <= tower.arrays.keys()) == which.startswith("layer scale")
    tokens = ClipTokenizer(int(model.positional_embedding.shape[0]))(TEXTS)
    np.testing.assert_allclose(tower(tokens), padded_features(model, tokens), atol=2e-5)


def test_the_kept_length_ends_at_the_last_token_even_after_an_exclamation_mark() -> None:
    import torch

    tokens = ClipTokenizer()(["party!;", "a cat"])
    assert 0 in tokens[0, 1 : int(tokens[0].argmax())]  # "!" opening a word is token 0
    assert kept_length(tokens) == int(tokens[0].argmax()) + 1
    assert kept_length(torch.as_tensor(tokens)) == kept_length(tokens)
    assert kept_length(np.zeros((1, 77), np.int64)) == 1


def test_a_saved_tower_loads_with_its_metadata_and_gives_the_same_features(tmp_path: Path) -> None:
    tower = TextTower.from_model(load_encoder(resolve_model(TINY), device="cpu").model)
    tower.save(tmp_path / "tower.safetensors", {"model_id": "tiny", "dim": "64"})
    loaded, metadata = TextTower.load(tmp_path / "tower.safetensors")
    assert metadata == {"model_id": "tiny", "dim": "64"}
    assert loaded.config == tower.config
    tokens = ClipTokenizer(24)(TEXTS)
    np.testing.assert_array_equal(loaded(tokens), tower(tokens))


@pytest.mark.parametrize("damage", ["cut short", "empty", "not a tower", "a tensor missing", "a weight changed"])
def test_a_damaged_tower_file_is_refused(damage: str, tmp_path: Path) -> None:
    tower = TextTower.from_model(load_encoder(resolve_model(TINY), device="cpu").model)
    path = tmp_path / "tower.safetensors"
    if damage == "a tensor missing":
        smaller = copy.copy(tower)
        smaller.arrays = {k: v for k, v in tower.arrays.items() if k != "1.mlp_out.weight"}
        smaller.save(path, {})
    else:
        tower.save(path, {})
        data = path.read_bytes()
        changed = data[: len(data) // 2] + b"\xff" * 16 + data[len(data) // 2 + 16 :]
        path.write_bytes({"cut short": data[: len(data) // 2], "empty": b"", "not a tower": b"\x89PNG" * 100,
                          "a weight changed": changed}[damage])
    with pytest.raises(ValueError):
        TextTower.load(path)


@pytest.mark.parametrize("change", ["pooled at the last token", "no causal mask"])
def test_a_tower_unlike_open_clips_standard_one_is_not_taken(change: str) -> None:
    model = copy.deepcopy(load_encoder(resolve_model(TINY), device="cpu").model)
    if change == "no causal mask":
        model.attn_mask = None
    else:
        model.text_pool_type = "last"
    assert TextTower.from_model(model) is None
