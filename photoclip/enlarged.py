"""Whether a larger copy of a photo holds more of the picture than a smaller one, or is only the
smaller one enlarged: an export "to 2048 px on the long edge" of an old 2 MP camera's photo has
more pixels and no more detail, and the camera's file, with its date, is the one to keep
(dedup.keeper_order).

The test compares the larger copy with the smaller one enlarged to its size: what is left is the
detail the larger adds. Measured against the smaller copy's own finest detail (what it loses when
halved), an enlargement adds a fifth to a third of it (bicubic, Lanczos or bilinear, 1.25 to 3
times, saved again as a JPEG: the resampling's own ripples and the JPEG's noise); a photo that
really is larger adds from 0.43 of it upward, and near 1 for most (scikit-image's and
scikit-learn's sample photos, each at 80% to 25% against itself). A soft photo (a blurred
scan, a retina, the moon) is told apart less well, so a difference under a grey level is taken
as none a person would see either way.
"""

from __future__ import annotations

import functools
import logging
from pathlib import Path

import numpy as np
from PIL import Image

from photoclip.errors import ImageDecodeError
from photoclip.imaging import decode_photo

log = logging.getLogger(__name__)

NO_MORE_DETAIL = 0.4  # the detail a larger copy adds, against the smaller one's own finest: below it, none
UNSEEN = 1.0  # grey levels (root mean square): a difference no one sees
_OCTAVE = 2  # the larger copy is compared at most this many times the smaller one's size


def adds_no_detail(larger: Path, smaller: Path, larger_key: tuple[int, int] = (0, 0),
                   smaller_key: tuple[int, int] = (0, 0)) -> bool:
    """Whether `larger` shows nothing of the picture that `smaller` does not: it is `smaller`
    (or the photo `smaller` was made from at its size) enlarged. False when either cannot be
    read, or they do not have one shape. The keys (size, mtime_ns) key the cache."""
    return _adds_no_detail(Path(larger), Path(smaller), larger_key, smaller_key)


@functools.lru_cache(maxsize=1024)
def _adds_no_detail(larger: Path, smaller: Path, larger_key: tuple[int, int],
                    smaller_key: tuple[int, int]) -> bool:
    try:
        small = decode_photo(smaller, 0)
        if small.width * small.height == 0:
            return False
        side = min(small.width, small.height) * _OCTAVE
        big = decode_photo(larger, side)
    except ImageDecodeError as exc:
        log.debug("cannot compare %s with %s: %s", larger, smaller, exc)
        return False
    if big.width * big.height <= small.width * small.height or \
            abs(big.width / big.height - small.width / small.height) > 0.01 * small.width / small.height:
        return False
    added, finest = _detail(big.image.convert("L"), small.image.convert("L"))
    log.debug("%s adds %.2f grey levels to %s, whose finest detail is %.2f", larger, added, smaller, finest)
    return added < UNSEEN or added < NO_MORE_DETAIL * finest


def _detail(big: Image.Image, small: Image.Image) -> tuple[float, float]:
    """What `big` adds to `small` enlarged to its size (at most _OCTAVE times `small`), and what
    `small` loses when halved: each the root mean square of a difference, in grey levels."""
    width, height = small.size
    size = (min(big.width, width * _OCTAVE), min(big.height, height * _OCTAVE))
    if big.size != size:
        big = big.resize(size, Image.Resampling.BOX)
    added = _rms(big, small.resize(size, Image.Resampling.BICUBIC))
    halved = small.resize((max(1, width // 2), max(1, height // 2)), Image.Resampling.BOX)
    return added, _rms(small, halved.resize(small.size, Image.Resampling.BICUBIC))


def _rms(a: Image.Image, b: Image.Image) -> float:
    difference = np.asarray(a, dtype=np.float32) - np.asarray(b, dtype=np.float32)
    return float(np.sqrt(np.mean(difference * difference)))
