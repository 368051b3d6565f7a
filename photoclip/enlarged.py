"""Whether a larger copy of a photo holds more of the picture than a smaller one, or is only the
smaller one enlarged: an export "to 2048 px on the long edge" of an old 2 MP camera's photo has
more pixels and no more detail, and the camera's file, with its date, is the one to keep
(dedup.keeper_order).

The larger copy is compared with the smaller one enlarged to its size (as programs enlarge:
bilinear, bicubic, Lanczos) and passed through the 5x5 filters that bring the two closest
(least squares): what that leaves is what the larger copy holds that no enlarging, sharpening
or shift of the smaller one makes. For copies enlarged 1.25 to 3 times (bicubic or Lanczos,
sharpened for output or not, saved again as a JPEG at 90) it is 0.4 to 3 grey levels, the
JPEG's own noise; a photo that really is larger leaves 2 to 20 for most (scikit-image's and
scikit-learn's sample photos at 90% to 33%), and a soft one (a blurred scan) as little as the
enlargements. So only what leaves less than a grey level and a half, a difference no one sees,
counts as enlarged: some enlargements are missed (saved at a low quality, by nearest
neighbour, or cropped too), and none that shows more is taken for one.
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

UNSEEN = 1.5  # grey levels (root mean square) that a larger copy holds beyond the smaller one: none a person sees
_OCTAVE = 2  # the larger copy is compared at most this many times the smaller one's size
_REACH = 2  # the filter's reach, in pixels either way: 5x5
_SAMPLES = 50_000  # pixels the filter is fitted on, and as many it is measured on
_ENLARGERS = (Image.Resampling.BILINEAR, Image.Resampling.BICUBIC, Image.Resampling.LANCZOS)  # as programs enlarge


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
        big = decode_photo(larger, min(small.width, small.height) * _OCTAVE)
    except ImageDecodeError as exc:
        log.debug("cannot compare %s with %s: %s", larger, smaller, exc)
        return False
    if big.width * big.height <= small.width * small.height or \
            abs(big.width / big.height - small.width / small.height) > 0.01 * small.width / small.height:
        return False
    added = detail_added(big.image.convert("L"), small.image.convert("L"))
    log.debug("%s holds %.2f grey levels more than %s", larger, added, smaller)
    return added < UNSEEN


def detail_added(big: Image.Image, small: Image.Image) -> float:
    """What `big` holds beyond `small` enlarged to its size (at most _OCTAVE times `small`) and
    filtered as closely to it as a 5x5 filter can: the root mean square of what is left, in grey
    levels, measured on pixels the filter was not fitted on."""
    width, height = small.size
    size = (min(big.width, width * _OCTAVE), min(big.height, height * _OCTAVE))
    if big.size != size:
        big = big.resize(size, Image.Resampling.BOX)
    target = np.asarray(big, dtype=np.float32)
    rows, cols = target.shape
    if rows <= 2 * _REACH or cols <= 2 * _REACH:
        return float("inf")
    picks = np.random.default_rng(0).integers(0, (rows - 2 * _REACH) * (cols - 2 * _REACH), 2 * _SAMPLES)
    ys, xs = picks // (cols - 2 * _REACH) + _REACH, picks % (cols - 2 * _REACH) + _REACH
    shifts = [(dy, dx) for dy in range(-_REACH, _REACH + 1) for dx in range(-_REACH, _REACH + 1)]
    columns = [np.ones(len(ys), np.float32)]
    for resampling in _ENLARGERS:
        enlarged = np.asarray(small.resize(size, resampling), dtype=np.float32)
        columns += [enlarged[ys + dy, xs + dx] for dy, dx in shifts]
    around = np.stack(columns, axis=1)
    wanted = target[ys, xs]
    fit, *_ = np.linalg.lstsq(around[:_SAMPLES], wanted[:_SAMPLES], rcond=None)
    left = wanted[_SAMPLES:] - around[_SAMPLES:] @ fit
    return float(np.sqrt(np.mean(left * left)))
