"""A photo's look: a 32 x 32 grey thumbnail that tells a copy from a photo the model merely
finds alike.

CLIP vectors say what a photo shows, not how it looks: two different night skies, or two
tiled patterns, can be 0.99 alike to a model, and a duplicate group puts one of them a click
from the trash. A copy (resized, re-compressed, brightened, trimmed at the edges) keeps the
layout of light and dark, so near-duplicates must look alike too. The look is made from the
image already decoded for the model (about 1 ms) and compared only for pairs the vectors
found, allowing for a trim of up to a tenth of each side. A copy made black and white,
mirrored or turned is the one kind the vectors may not find: twins() finds those by the looks,
and their colours (colours_of) tell them from photos of one layout in other colours.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field

import hnswlib
import numpy as np
from PIL import Image

from photoclip.colour import to_srgb

SIDE = 32
"""The stored look: SIDE x SIDE grey levels, one byte each."""
SAME = 0.97
"""Correlation of looks so close that the model's vectors may be a little less alike than for
a copy: an edited copy (colours, brightness, a trim) scores 0.98-1.0, and its vectors drop to
0.96-0.99; a burst shot whose subject moved mostly scores below 0.95."""
ALIKE = 0.85
"""Least correlation of two looks for the photos to be copies of one another. Copies score
0.95-1.0 (resized, JPEG quality 40, brightness +25%, trimmed edges; trimmed by a tenth of
each side 0.98, by a sixth about 0.9); most different photos that a model confused scored
below 0.6. The same subject on the same background, moved a little, can score 0.8-0.95: such
takes are told apart by the similarity asked for, not by their looks."""

TWIN = 0.985
"""Least correlation of looks for two photos of one shape to be the same picture whatever their
vectors say: a copy made black and white or sepia, mirrored or turned (compared so, TURNS), which
a model finds 0.3-0.9 alike. Copies score 0.99-1.0; of different photos, the most alike scored
0.96 (a wallpaper and its variant, a photo and its screenshot on a phone), but for photos of
one layout in other colours, which score 1.0 too: their colours tell them apart
(one_picture_in_colour)."""
TURNED_TWIN = 0.993
"""TWIN for a copy turned a quarter or upside down: its look is the photo's turned exactly, and
copies score 0.995-1.0; a subject that is alike turned (a clock at 12:30 and one at 6:30 upside
down, coins, a flower from above) scored up to 0.987."""

RESHAPED = 1.25
"""How far two copies' shapes (width / height) may differ: a trim of a tenth off two opposite
sides. A look is squeezed to a square, so photos of shapes further apart are compared over the
middle one would share as a centre crop of the other."""

_COMPARED = 16  # looks are compared at this size, after trimming up to CROP_TRIMS pixels a side
CROP_TRIMS = 3
"""Pixels a side a look may be trimmed by to look like another: a crop of up to a tenth a side."""
COPY_TRIMS = 0
"""Pixels a side a copy's look may be trimmed by: none, a copy keeps its photo's frame (copies
score 0.99-1.0 untrimmed; a crop of 3% a side 0.92-0.98, of a tenth 0.47-0.91)."""
_PREPARED_AT_ONCE = 256  # looks prepared in one stack: small enough to stay in the cache
_FLAT = 3.0  # grey levels of spread below which a look is flat (a blank page, a black frame)
_FLAT_SAME = 10.0  # two flat looks this close in brightness are the same
_HELD = 4  # rows of a look a damaged photo may lack at its top or bottom: an eighth, past the tenth a cut file may miss
_SKETCHES_ALIKE = 0.95  # of copies 0.97-1.0, of different photos up to 0.95
_SKETCH_NEIGHBOURS = 8  # a sketch's nearest looked at: copies of one picture meet through one another too
_SKETCH_LINKS, _SKETCH_SEARCH = 12, 40  # built fast, yet it finds 500 of 500 twins among 50,000 random sketches
COLOURS_SIDE = 8
"""The stored colours: COLOURS_SIDE x COLOURS_SIDE RGB, three bytes a cell."""
_CONVERTED_SIDE = 64  # colours are taken to sRGB at this size: 0.5 ms, within 1-2 levels of the whole image
_GREY = 6.0  # chroma (Cb, Cr) of a cell below which it is grey
_TONED_MOST = 32.0  # ... above which it is a colour of its own, not a tone (sepia: 20-28; a red shirt: about 90)
_ONE_HUE = 0.87  # cos 30 degrees: the coloured cells of a toned image share its hue this closely
_COPY_COLOURS_APART = 8.0  # levels a copy's cell strays from its photo's (median over the cells)
_SAME_COLOURS, _SAME_COLOURS_SHARE = 16.0, 0.3  # chroma apart in any cell of the same colours (or this share of it)
_FREQUENCIES = 8  # a sketch's lowest frequencies along each side, the first (the mean) dropped: 63
_SIGNS = (-1.0) ** np.arange(_FREQUENCIES)  # a frequency's sign along a side read the other way round
STRAIGHT, MIRRORED, TURNED_LEFT, UPSIDE_DOWN, TURNED_RIGHT, FLIPPED, TRANSPOSED, TRANSVERSED = TURNS = range(8)
"""How a copy may be turned from its photo: flipped left to right (a selfie camera's copy, an
edit), or turned a quarter either way or upside down (a sideways photo righted in a copy), or
both (the last three: a mirrored copy of a photo righted in another)."""
SEARCHED_TURNS = TURNS[:5]
"""The turns twins() searches for: a copy both mirrored and turned meets its photo through the
photo's other copies (the original of a mirrored copy and of a righted one)."""


def look_of(image: Image.Image) -> bytes:
    """The look of an upright image (any size and mode)."""
    return _shrunk(image, SIDE).convert("L").tobytes()


def _shrunk(image: Image.Image, side: int) -> Image.Image:
    """`image` as side x side cells, each the mean of its share of the image. Exactly: Pillow's
    reducing_gap first reduces by whole factors and leaves the last row and column part-filled,
    which at 768 x 606 and at half that cut the cells differently (a half-size copy was not a copy)."""
    return image.resize((side, side), Image.Resampling.BOX)


def likeness(a: bytes, b: bytes) -> float:
    """How alike two looks are, -1..1: their best correlation when either is trimmed at its
    edges (a crop, or a border added), so a copy cut a little differently still scores high."""
    return compare(prepare(a), prepare(b))


@dataclass(frozen=True)
class Prepared:
    """A look made ready for comparing: its trimmed views as zero-mean unit vectors. Worth
    keeping when one photo is compared with many."""

    views: np.ndarray  # (CROP_TRIMS + 1, _COMPARED ** 2)
    flat: bool
    mean: float
    grid: np.ndarray  # (SIDE, SIDE), the look itself
    middles: dict[tuple[int, bool], np.ndarray] = field(default_factory=dict, compare=False, repr=False)
    turns: list[Prepared] = field(default_factory=list, compare=False, repr=False)  # turned(), each of TURNS

    def middle(self, cut: int, across: bool) -> np.ndarray:
        """The look less `cut` pixels at two opposite sides (left and right when `across`), as a
        compared view: a photo is compared with many of other shapes, in a few cuts."""
        view = self.middles.get((cut, across))
        if view is None:
            part = self.grid[:, cut:SIDE - cut] if across else self.grid[cut:SIDE - cut, :]
            view = self.middles[(cut, across)] = _unit(_compared(part)[None])[0][0]
        return view


def prepare(look: bytes) -> Prepared:
    """A stored look, ready to be compared with many others."""
    return prepare_many([look])[0]


def prepare_many(stored: Sequence[bytes]) -> list[Prepared]:
    """prepare() of each of many looks: a duplicate search prepares tens of thousands, which a
    stack at a time takes a quarter of the time (each look's numbers the same as alone)."""
    return [prepared for start in range(0, len(stored), _PREPARED_AT_ONCE)
            for prepared in _prepare_stack(np.stack([_grid(look) for look in stored[start:start + _PREPARED_AT_ONCE]]))]


def _prepare_stack(grids: np.ndarray) -> list[Prepared]:
    """prepare() of a stack of looks' grids, (n, SIDE, SIDE)."""
    views, norms = _unit(np.stack(_trimmed(grids), axis=1).reshape(-1, _COMPARED ** 2))
    views, norms = views.reshape(len(grids), CROP_TRIMS + 1, -1), norms.reshape(len(grids), -1)
    pixels = grids.reshape(len(grids), -1)
    flat = (pixels.std(axis=1) < _FLAT) | (norms < 1e-6).any(axis=1)
    return [Prepared(view, is_flat, mean, grid)
            for view, is_flat, mean, grid in zip(views, flat.tolist(), pixels.mean(axis=1).tolist(), grids)]


def compare(a: Prepared, b: Prepared, trims: int = CROP_TRIMS) -> float:
    """likeness() of two prepared looks, either trimmed by at most `trims` pixels a side (of
    SIDE): COPY_TRIMS for a copy, which keeps its frame, to CROP_TRIMS for a crop."""
    if a.flat or b.flat:
        return 1.0 if a.flat and b.flat and abs(a.mean - b.mean) <= _FLAT_SAME else 0.0
    return float(max((b.views[:trims + 1] @ a.views[0]).max(), (a.views[:trims + 1] @ b.views[0]).max()))


def compare_shaped(a: Prepared, b: Prepared, shape_a: float, shape_b: float) -> float:
    """compare() of two photos of these shapes (width / height). Squeezed to squares, a tall oval
    and a wide one look alike, and a square crop of a 3:2 photo does not look like it: photos of
    shapes further apart than RESHAPED are compared as a centre crop of one another, either way."""
    gap = max(shape_a, shape_b) / min(shape_a, shape_b)
    if gap <= RESHAPED or a.flat or b.flat:
        return compare(a, b)
    wide, narrow = (a, b) if shape_a > shape_b else (b, a)
    cut = round(SIDE * (1 - 1 / gap) / 2)
    return float(max((narrow.views @ wide.middle(cut, True)).max(), (wide.views @ narrow.middle(cut, False)).max()))


def compare_held(a: Prepared, b: Prepared) -> float:
    """compare() over the rows both looks hold when either photo is damaged: a file cut short,
    or data garbled from some point on, loses a band at its bottom (a BMP: its top) that
    says nothing of what the photo was, and would make its intact copy look unlike it."""
    if a.flat or b.flat:
        return compare(a, b)
    best = compare(a, b)
    for rows in range(1, _HELD + 1):
        for held in (slice(0, SIDE - rows), slice(rows, SIDE)):
            views, _ = _unit(np.stack([_compared(a.grid[held]), _compared(b.grid[held])]))
            best = max(best, float(views[0] @ views[1]))
    return best


def _grid(look: bytes) -> np.ndarray:
    if len(look) != SIDE * SIDE:
        raise ValueError(f"a look has {SIDE * SIDE} bytes, not {len(look)}")
    return np.frombuffer(look, dtype=np.uint8).reshape(SIDE, SIDE)


def _trimmed(grids: np.ndarray) -> list[np.ndarray]:
    """The looks (n, SIDE, SIDE), then trimmed by 1..CROP_TRIMS pixels a side, each at the
    compared size: (n, _COMPARED ** 2) each."""
    return [_compared(grids[:, trim:SIDE - trim, trim:SIDE - trim]) for trim in range(CROP_TRIMS + 1)]


def _compared(part: np.ndarray) -> np.ndarray:
    """`part` (or each of a stack of parts) resized to _COMPARED x _COMPARED as Pillow's bilinear
    resize does it, as two small matrix products, flattened: a duplicate search prepares tens of
    thousands of looks."""
    rows, cols = _resampler(part.shape[-2]), _resampler(part.shape[-1])
    return (rows @ part.astype(np.float32) @ cols.T).reshape(*part.shape[:-2], -1)


@functools.cache
def _resampler(size: int) -> np.ndarray:
    """The (_COMPARED, size) matrix of Pillow's bilinear resize along one side, found by
    resizing each unit impulse."""
    impulses = np.eye(size, dtype=np.float32)
    return np.stack([
        np.asarray(Image.fromarray(impulse[None, :], mode="F").resize((_COMPARED, 1), Image.Resampling.BILINEAR))[0]
        for impulse in impulses
    ], axis=1)


def _unit(views: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Views made zero-mean and unit-length, and their lengths before."""
    views = views - views.mean(axis=1, keepdims=True)
    norms = np.linalg.norm(views, axis=1, keepdims=True)
    return views / np.maximum(norms, 1e-6), norms


def colours_of(image: Image.Image, icc: bytes | None = None) -> bytes:
    """The colours of an upright image as people see them (in sRGB, by its colour profile
    `icc`): a COLOURS_SIDE x COLOURS_SIDE RGB thumbnail, what tells a black-and-white copy (the
    same picture) from a photo of the same layout in other colours. A phone's Display P3
    original and its sRGB export hold other numbers for the same colours. Converted at
    _CONVERTED_SIDE: a profile's curves bent over the mean of a cell of many colours miss."""
    if icc:
        image = to_srgb(_shrunk(image, _CONVERTED_SIDE).convert("RGB"), icc)
    return _shrunk(image, COLOURS_SIDE).convert("RGB").tobytes()


def one_picture_in_colour(a: bytes, b: bytes, turn: int) -> bool:
    """Whether two photos whose looks are the same in grey (the second `turn`ed, TURNS) may be one
    picture by their colours (colours_of): either has none of its own (black and white, or toned
    one hue, as sepia), or they have the same colours, the same way round as their looks. A red
    shirt and a blue one photographed alike, or two flags of one layout, are not one picture."""
    first, second = _chroma(a), _chroma(b)
    if _toned(first) or _toned(second):
        return True
    second = _turned(second.reshape(COLOURS_SIDE, COLOURS_SIDE, 2), turn).reshape(-1, 2)
    apart = np.linalg.norm(first - second, axis=1).max()
    return bool(apart <= max(_SAME_COLOURS, _SAME_COLOURS_SHARE * np.linalg.norm(first, axis=1).max()))


def same_colours(a: bytes, b: bytes) -> bool:
    """Whether two photos' colours (colours_of) are a copy's: most cells as they were, give or
    take what resizing and compression change (a quarter-size copy at JPEG quality 60: about 7
    levels); a plain background of another shade, or brightened by a tenth, is further apart."""
    apart = np.abs(_cells(a) - _cells(b)).mean(axis=1)
    return bool(np.median(apart) <= _COPY_COLOURS_APART)


def _cells(colours: bytes) -> np.ndarray:
    return np.frombuffer(colours, dtype=np.uint8).reshape(-1, 3).astype(np.float32)


def _chroma(colours: bytes) -> np.ndarray:
    """Each cell's colour without its lightness: (Cb, Cr) of YCbCr, 0 for grey."""
    return _cells(colours) @ np.array([[-0.1687, 0.5], [-0.3313, -0.4187], [0.5, -0.0813]], dtype=np.float32)


def _toned(chroma: np.ndarray) -> bool:
    """Whether an image has no colours but one faint hue: black and white, sepia, a duotone."""
    strength = np.linalg.norm(chroma, axis=1)
    if strength.max() > _TONED_MOST:
        return False
    hued = chroma[strength > _GREY]
    if not len(hued):
        return True
    hue = hued.mean(axis=0)
    return bool((hued @ hue / np.linalg.norm(hued, axis=1) / max(float(np.linalg.norm(hue)), 1e-6)).min() >= _ONE_HUE)


def turned(look: Prepared, turn: int) -> Prepared:
    """The look of the photo turned (TURNS). A look is compared turned every way with a few
    others: its turns are prepared at once, in one stack, and kept."""
    if not look.turns:
        look.turns.extend(_prepare_stack(np.stack([_turned(look.grid, each) for each in TURNS])))
    return look.turns[turn]


def sideways(turn: int) -> bool:
    """Whether a photo `turn`ed is as wide as it was high."""
    return turn in (TURNED_LEFT, TURNED_RIGHT, TRANSPOSED, TRANSVERSED)


def _turned(grid: np.ndarray, turn: int) -> np.ndarray:
    """A look's grid (or colours' cells, rows by columns first) turned (TURNS)."""
    if turn in (MIRRORED, FLIPPED):
        return grid[:, ::-1] if turn == MIRRORED else grid[::-1]
    if turn in (TRANSPOSED, TRANSVERSED):
        return np.swapaxes(grid if turn == TRANSPOSED else grid[::-1, ::-1], 0, 1)
    return np.rot90(grid, {STRAIGHT: 0, TURNED_LEFT: 1, UPSIDE_DOWN: 2, TURNED_RIGHT: 3}[turn], axes=(0, 1))


def _turned_sketches(sketches: np.ndarray, turn: int) -> np.ndarray:
    """sketches() of the looks turned, from their sketches: read the other way round, a side's
    frequencies change sign by turns (_SIGNS); turned a quarter, its sides swap."""
    full = np.concatenate([np.zeros((len(sketches), 1), sketches.dtype), sketches], axis=1)
    full = full.reshape(-1, _FREQUENCIES, _FREQUENCIES)
    rows, cols = _SIGNS[:, None], _SIGNS[None, :]
    if sideways(turn):
        full = full.transpose(0, 2, 1)
    signs = {STRAIGHT: 1.0, MIRRORED: cols, UPSIDE_DOWN: rows * cols, FLIPPED: rows, TURNED_LEFT: rows,
             TURNED_RIGHT: cols, TRANSPOSED: 1.0, TRANSVERSED: rows * cols}[turn]
    full = full * signs
    return full.reshape(len(sketches), -1)[:, 1:].astype(sketches.dtype)


def sketches(looks: Sequence[bytes]) -> np.ndarray:
    """Each look's lowest frequencies (its cosine transform's first _FREQUENCIES along each
    side, the mean dropped), made unit length: the little of a look that twins() needs, kept
    for a whole library (126 bytes a photo). A flat look's is all zeros: it has no twins."""
    if not looks:
        return np.zeros((0, _FREQUENCIES ** 2 - 1), dtype=np.float16)
    grids = np.stack([_grid(look) for look in looks]).astype(np.float32)
    low = (_cosines() @ grids @ _cosines().T).reshape(len(grids), -1)[:, 1:]
    low[grids.reshape(len(grids), -1).std(axis=1) < _FLAT] = 0.0
    return (low / np.maximum(np.linalg.norm(low, axis=1, keepdims=True), 1e-6)).astype(np.float16)


def twins(sketches: np.ndarray) -> list[tuple[int, int]]:
    """Pairs of looks (their positions in `sketches`) that may be the same in grey: a
    black-and-white or recoloured copy, or a mirrored or turned one, which a model's vectors can
    find far apart. Each sketch, and it mirrored and turned (_turned_sketches), meet their
    nearest sketches in an HNSW graph of their own, as photos' vectors meet theirs; the pairs
    kept have sketches alike (_SKETCHES_ALIKE). To be confirmed with compare() of the looks
    turned()."""
    straight = sketches.astype(np.float32)
    shown = np.flatnonzero(np.linalg.norm(straight, axis=1) > 0.5)  # flat looks have no sketch
    if len(shown) < 2:
        return []
    graph = hnswlib.Index(space="ip", dim=straight.shape[1])
    graph.init_index(max_elements=len(shown), M=_SKETCH_LINKS, ef_construction=_SKETCH_SEARCH)
    graph.add_items(straight[shown], shown, num_threads=1)  # one thread: the same graph, the same groups each time
    k = min(_SKETCH_NEIGHBOURS, len(shown))
    queries = np.concatenate([_turned_sketches(straight[shown], turn) for turn in SEARCHED_TURNS])
    graph.set_ef(3 * k)
    try:
        labels, distances = graph.knn_query(queries, k=k, num_threads=-1)
    except RuntimeError:  # too few found for some sketch (a sparse graph): search wider
        graph.set_ef(len(shown))
        labels, distances = graph.knn_query(queries, k=k, num_threads=-1)
    rows, cols = np.nonzero(1.0 - distances >= _SKETCHES_ALIKE)
    first, second = shown[rows % len(shown)], labels[rows, cols].astype(np.int64)
    keep = first != second
    pairs = np.unique(np.minimum(first, second)[keep] * len(sketches) + np.maximum(first, second)[keep])
    return [(int(pair // len(sketches)), int(pair % len(sketches))) for pair in pairs]


@functools.cache
def _cosines() -> np.ndarray:
    """The (_FREQUENCIES, SIDE) rows of the cosine transform along one side."""
    return np.cos(np.pi * np.outer(np.arange(_FREQUENCIES), 2 * np.arange(SIDE) + 1) / (2 * SIDE)).astype(np.float32)
