"""Small builders shared by tests (fixtures live in conftest.py)."""

from __future__ import annotations

from pathlib import Path


def write_photo(path: Path, seed: int, size: tuple[int, int] = (160, 120), fmt: str = "JPEG") -> Path:
    """A distinct generated photo: coloured blocks from `seed`, so vectors differ between seeds."""
    import numpy as np
    from PIL import Image

    rng = np.random.default_rng(seed)
    blocks = rng.integers(0, 256, (4, 4, 3), dtype=np.uint8)
    image = Image.fromarray(blocks).resize(size, Image.NEAREST)
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, fmt)
    return path
