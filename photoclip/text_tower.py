"""A CLIP's text transformer in numpy, saved on its own so text searches start without torch.

A search from a fresh process (the CLI, or the app before its model has loaded) spent 2-3 s
importing torch for a 25 ms forward pass. This is open_clip's standard text tower (causal
attention, argmax pooling) in fp32 with the model's own weights, so its vectors are the
model's. The file is in safetensors' layout and is memory-mapped: opening it costs
milliseconds, and only the embedding rows a query uses are read from disk.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import xxhash

from photoclip import fsutil

if TYPE_CHECKING:
    import torch

LINEARS = ("attn_in", "attn_out", "mlp_in", "mlp_out")
_NORMS = ("ln_1", "ln_2")
_MLP = ("c_fc", "gelu", "c_proj")


def kept_length(tokens: Any) -> int:
    """How many leading positions of padded token rows (numpy or torch) hold tokens: up to the
    last non-zero one. A causal tower gives the same vectors on those alone. Counting the
    non-zero ones instead fell short where "!" (id 0) begins a word, as in "party!;"."""
    return int((tokens != 0).cumsum(1).argmax(1).max()) + 1


class TextTower:
    """Token rows in, the model's (unnormalised) text features out."""

    def __init__(self, config: dict[str, Any], arrays: dict[str, np.ndarray]) -> None:
        self.layers, self.heads = int(config["layers"]), int(config["heads"])
        self.eps, self.quick_gelu = float(config["eps"]), bool(config["quick_gelu"])
        self.arrays = arrays
        needed = ["embedding", "positions", "projection", "ln_final.weight", "ln_final.bias"]
        needed += [f"{i}.{n}.{p}" for i in range(self.layers) for n in (*_NORMS, *LINEARS) for p in ("weight", "bias")]
        missing = [name for name in needed if name not in arrays]
        if missing:
            raise ValueError(f"text tower lacks {missing[0]}")
        self.width = arrays["embedding"].shape[1]

    @property
    def config(self) -> dict[str, Any]:
        return {"layers": self.layers, "heads": self.heads, "eps": self.eps, "quick_gelu": self.quick_gelu}

    @classmethod
    def from_model(cls, model: torch.nn.Module) -> TextTower | None:
        """The tower of an open_clip model, sharing its CPU fp32 weights; None unless it is laid
        out exactly as open_clip's standard one."""
        import torch

        causal = getattr(model, "attn_mask", None) is not None
        if not causal or getattr(model, "text_pool_type", "") != "argmax" or not _standard_blocks(model):
            return None
        blocks = model.transformer.resblocks
        gelus = {type(b.mlp.gelu).__name__ for b in blocks}
        norms = [model.ln_final] + [getattr(b, n) for b in blocks for n in _NORMS]
        exact = getattr(blocks[0].mlp.gelu, "approximate", "none") == "none"
        if len(gelus) > 1 or not gelus <= {"GELU", "QuickGELU"} or not exact:
            return None
        if not all(isinstance(n, torch.nn.LayerNorm) and n.eps == model.ln_final.eps for n in norms):
            return None
        tensors = {"embedding": model.token_embedding.weight, "positions": model.positional_embedding}
        for name, norm in zip(["ln_final"] + [f"{i}.{n}" for i in range(len(blocks)) for n in _NORMS], norms):
            tensors[f"{name}.weight"], tensors[f"{name}.bias"] = norm.weight, norm.bias
        for i, block in enumerate(blocks):
            linears = (block.attn.in_proj_weight, block.attn.in_proj_bias, block.attn.out_proj.weight,
                       block.attn.out_proj.bias, block.mlp.c_fc.weight, block.mlp.c_fc.bias,
                       block.mlp.c_proj.weight, block.mlp.c_proj.bias)
            for j, name in enumerate(LINEARS):
                tensors[f"{i}.{name}.weight"], tensors[f"{i}.{name}.bias"] = linears[2 * j], linears[2 * j + 1]
            for n in ("ls_1", "ls_2"):
                gamma = getattr(getattr(block, n), "gamma", None)
                if gamma is not None:
                    tensors[f"{i}.{n}"] = gamma
        projection = model.text_projection
        if isinstance(projection, torch.nn.Linear):
            tensors["projection"] = projection.weight.t()
            if projection.bias is not None:
                tensors["projection_bias"] = projection.bias
        else:
            tensors["projection"] = projection
        arrays = {k: v.detach().to("cpu", torch.float32).numpy() for k, v in tensors.items()}
        config = {"layers": len(blocks), "heads": blocks[0].attn.num_heads, "eps": float(model.ln_final.eps),
                  "quick_gelu": gelus == {"QuickGELU"}}
        return cls(config, arrays)

    def save(self, path: Path, metadata: dict[str, str]) -> None:
        """Write the tower atomically, with `metadata` (strings) beside its config and a digest of
        its weights, which load() checks."""
        arrays = {name: np.ascontiguousarray(array, dtype=np.float32) for name, array in self.arrays.items()}
        digest = xxhash.xxh3_64()
        for array in arrays.values():
            digest.update(array.data)
        header: dict[str, Any] = {
            "__metadata__": {**metadata, "config": json.dumps(self.config), "digest": digest.hexdigest()}
        }
        offset = 0
        for name, array in arrays.items():
            header[name] = {"dtype": "F32", "shape": list(array.shape), "data_offsets": [offset, offset + array.nbytes]}
            offset += array.nbytes
        blob = json.dumps(header).encode()
        blob += b" " * (-len(blob) % 8)

        def write(tmp: Path) -> None:
            with open(tmp, "wb") as out:
                out.write(len(blob).to_bytes(8, "little") + blob)
                for array in arrays.values():
                    out.write(array.data)

        fsutil.atomic_write_with(path, write)

    @classmethod
    def load(cls, path: Path) -> tuple[TextTower, dict[str, str]]:
        """(tower, metadata) from a file save() wrote, its weights checked against their digest
        (about 50 ms for ViT-B's, most of it reading pages a query reads anyway): a damaged
        cache would give wrong vectors, or NaN scores. Raises OSError, or ValueError for a file
        that is not one or is damaged."""
        raw = np.memmap(path, dtype=np.uint8, mode="r")
        header, start = _header(raw[:8].tobytes(), lambda size: raw[8 : 8 + size].tobytes(), raw.size)
        metadata = header.pop("__metadata__", None)
        if not isinstance(metadata, dict):
            raise ValueError("not a text tower file")
        if xxhash.xxh3_64(memoryview(raw[start:])).hexdigest() != metadata.pop("digest", None):
            raise ValueError("text tower file damaged: its weights do not match their digest")
        arrays = {}
        for name, info in header.items():
            begin, end = (start + offset for offset in info["data_offsets"])
            if info["dtype"] != "F32" or end > raw.size or end - begin != 4 * math.prod(info["shape"]):
                raise ValueError(f"text tower file damaged at {name}")
            arrays[name] = raw[begin:end].view(np.float32).reshape(info["shape"])
        return cls(json.loads(metadata.pop("config")), arrays), metadata

    @staticmethod
    def metadata(path: Path) -> dict[str, str]:
        """The metadata save() was given, read without the weights. Raises OSError or ValueError."""
        with open(path, "rb") as file:
            header, _ = _header(file.read(8), file.read, os.fstat(file.fileno()).st_size)
        metadata = header.get("__metadata__")
        if not isinstance(metadata, dict):
            raise ValueError("not a text tower file")
        return {k: v for k, v in metadata.items() if k not in ("config", "digest")}

    def __call__(self, tokens: np.ndarray) -> np.ndarray:
        """(N, context) int token rows -> (N, dim) float32 features."""
        a = self.arrays
        tokens = np.asarray(tokens)
        tokens = tokens[:, : kept_length(tokens)]
        batch, length = tokens.shape
        x = (np.asarray(a["embedding"][tokens]) + a["positions"][:length]).reshape(batch * length, self.width)
        mask = np.triu(np.full((length, length), -np.inf, dtype=np.float32), 1)
        scale = np.float32(1 / math.sqrt(self.width // self.heads))
        for i in range(self.layers):
            q, k, v = self._linear(self._norm(x, f"{i}.ln_1"), f"{i}.attn_in").reshape(
                batch, length, 3, self.heads, -1).transpose(2, 0, 3, 1, 4)
            scores = q @ k.swapaxes(-1, -2) * scale + mask
            scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
            attended = (scores / scores.sum(axis=-1, keepdims=True)) @ v
            attended = attended.transpose(0, 2, 1, 3).reshape(batch * length, self.width)
            x = x + self._scaled(self._linear(attended, f"{i}.attn_out"), f"{i}.ls_1")
            hidden = self._linear(self._norm(x, f"{i}.ln_2"), f"{i}.mlp_in")
            hidden = hidden / (1 + np.exp(-1.702 * hidden)) if self.quick_gelu else _gelu(hidden)
            x = x + self._scaled(self._linear(hidden, f"{i}.mlp_out"), f"{i}.ls_2")
        pooled = self._norm(x, "ln_final").reshape(batch, length, self.width)[np.arange(batch), tokens.argmax(axis=1)]
        features = pooled @ a["projection"]
        return features + a["projection_bias"] if "projection_bias" in a else features

    def _linear(self, x: np.ndarray, name: str) -> np.ndarray:
        return x @ self.arrays[f"{name}.weight"].T + self.arrays[f"{name}.bias"]

    def _norm(self, x: np.ndarray, name: str) -> np.ndarray:
        centred = x - x.mean(axis=-1, keepdims=True)
        spread = np.sqrt((centred * centred).mean(axis=-1, keepdims=True) + np.float32(self.eps))
        return centred / spread * self.arrays[f"{name}.weight"] + self.arrays[f"{name}.bias"]

    def _scaled(self, x: np.ndarray, name: str) -> np.ndarray:
        gamma = self.arrays.get(name)
        return x if gamma is None else x * gamma


def _header(first: bytes, read: Callable[[int], bytes], file_size: int) -> tuple[dict[str, Any], int]:
    """A tower file's JSON header and where its weights start."""
    size = int.from_bytes(first, "little")
    if len(first) < 8 or size > file_size - 8:
        raise ValueError("not a text tower file")
    header = json.loads(read(size))
    if not isinstance(header, dict):
        raise ValueError("not a text tower file")
    return header, 8 + size


def _gelu(x: np.ndarray) -> np.ndarray:
    """torch's exact GELU, x * Phi(x), with erf to within 1.5e-7 (Abramowitz and Stegun 7.1.26):
    numpy has no erf of its own."""
    z = np.abs(x) * np.float32(1 / math.sqrt(2))
    t = 1 / (1 + np.float32(0.3275911) * z)
    poly = ((((np.float32(1.061405429) * t - np.float32(1.453152027)) * t + np.float32(1.421413741)) * t
             - np.float32(0.284496736)) * t + np.float32(0.254829592)) * t
    erf = (1 - poly * np.exp(-z * z)) * np.sign(x)
    return np.float32(0.5) * x * (1 + erf)


def _standard_blocks(model: torch.nn.Module) -> bool:
    """Whether the text blocks are laid out exactly as open_clip's default ones."""
    import torch

    transformer = getattr(model, "transformer", None)
    if transformer is None or not getattr(transformer, "batch_first", False) or not len(transformer.resblocks):
        return False
    for block in transformer.resblocks:
        attn, mlp = getattr(block, "attn", None), getattr(block, "mlp", None)
        if not isinstance(attn, torch.nn.MultiheadAttention) or attn.in_proj_weight is None:
            return False
        extra_norm = getattr(block, "ln_attn", torch.nn.Identity())
        if attn.in_proj_bias is None or not isinstance(extra_norm, torch.nn.Identity):
            return False
        if not isinstance(mlp, torch.nn.Sequential) or [n for n, _ in mlp.named_children()] != list(_MLP):
            return False
    return True
