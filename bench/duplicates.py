"""Duplicate finding: how long grouping a large library takes, and whether it misses copies.

    python bench/duplicates.py [--photos N] [--runs R]

N synthetic photos (512-d unit vectors, clustered like real photo embeddings, whose cluster
mates are alike but never copies, each with a look: a 32 x 32 grey thumbnail of smooth random
shapes), with planted copies: 2% get a recompressed copy (vectors about 0.995 alike, the look
with noise), 0.5% an exact copy of their bytes, 1% an edited copy (vectors about 0.97 alike,
the look brightened: found at 0.97 because it looks the same, left apart by the default, which
asks for copies only) and 1% a burst shot (vectors about 0.96
alike, the subject moved in the look: the default similarity must leave it apart); then 0.5%
a damaged copy (a file cut short: vectors about 0.9 alike, the look's lower 3 rows black:
found because it looks the same over the rows it holds) and 0.5% a damaged burst shot (as
alike, but its subject moved too: left apart); last, one photo in 5,000 is a picture with 19
more copies (a card imported ten times, a chat's smaller copy received ten times: more copies
than a photo has nearest neighbours at first), which must make one group. Then 1.5% more are
added: black-and-white copies (vectors about 0.85 alike, the same look), as many mirrored
copies (vectors about 0.93 alike, the look flipped) and as many turned copies (a quarter either
way, or upside down: vectors about 0.85 alike, the look and colours turned, the shape too), which
only the looser "edits" similarity (0.97) is to find, and as many photos of another's layout in
other colours (a red shirt, then a blue one: vectors about 0.75 alike, the same look), which it
must leave apart.
`dedup.find_groups` runs over the real HNSW index with the looks, as the library calls it, R
times (median), at the default similarity and at 0.97 (edits_find_s). The baseline is the
obvious exact method: every pair compared by a chunked matrix product. Recall is the share of
the pairs the baseline finds at the default similarity that end up in one group;
edited_recall the share of edited copies grouped at 0.97, edited_at_default how many the
default groups (none should be), damaged_recall the share of damaged copies
grouped with their original, many_copies_split how many of the pictures with 19 copies are
split into more than one group, grey_recall, mirrored_recall and turned_recall the shares of
black-and-white, mirrored and turned copies grouped at 0.97, recoloured_at_default how many of them the default
groups (none should be), other_colours_grouped how many photos in other colours 0.97 groups
(none should be).
The last line is JSON: n_photos, groups, find_s, brute_force_s, speedup, pair_recall,
edited_recall, edited_at_default, bursts_grouped, damaged_recall, damaged_bursts_grouped, many_copies_split,
edits_find_s, grey_recall, mirrored_recall, turned_recall, recoloured_at_default, other_colours_grouped.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from photoclip import looks  # noqa: E402
from photoclip.catalog import Photo  # noqa: E402
from photoclip.dedup import DEFAULT_SIMILARITY, find_groups  # noqa: E402
from photoclip.ids import PhotoId, RootId  # noqa: E402
from photoclip.vectors import VectorIndex  # noqa: E402

DIM = 512
MANY = 19  # more copies of a picture with many
EDITS = 0.97  # the similarity that asks for edited copies too
RECOLOURED = 0.005  # black-and-white copies, as many mirrored, turned ones and other colours, added for each photo
TURNS = (1, 2, 3)  # turned copies are turned by these quarters (np.rot90), one after another
TINT = np.zeros((looks.COLOURS_SIDE, looks.COLOURS_SIDE, 3))  # colours of two hues, alike either way round:
TINT[:, 2:6, 0], TINT[:, [0, 1, 6, 7], 2] = 60, 60  # red in the middle, blue at the sides
OTHER_TINT = np.roll(TINT, 1, axis=2)  # green in the middle, red at the sides


def unit(x: np.ndarray) -> np.ndarray:
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


def library(n: int, seed: int = 0) -> tuple[np.ndarray, list[str], list[bytes], list[bytes], int,
                                           dict[str, Sequence[int]]]:
    """Vectors, content hashes, looks and colours of n photos, the last of them planted copies, edited
    copies, bursts, damaged copies, damaged bursts and pictures with many copies; also where
    each planted kind after the copies is ("many": the copies of the pictures with many, one of
    each picture after another; "many_originals": those pictures)."""
    rng = np.random.default_rng(seed)
    copies, exact, edited, bursts = int(0.02 * n), int(0.005 * n), int(0.01 * n), int(0.01 * n)
    damaged = damaged_bursts = int(0.005 * n)
    many = max(1, n // 5000)
    originals = n - copies - exact - edited - bursts - damaged - damaged_bursts - many * MANY
    centers = rng.standard_normal((max(1, originals // 10), DIM)).astype(np.float32)
    base = unit(centers[rng.integers(0, len(centers), originals)] + 0.7 * rng.standard_normal((originals, DIM)))
    planted = n - originals - many * MANY
    picks = rng.choice(originals, planted + many, replace=False)
    picks, many_picks = picks[:planted], picks[planted:]
    first_edited = copies + exact
    first_damaged = first_edited + edited + bursts
    near = unit(base[picks[:copies]] + 0.1 / np.sqrt(DIM) * rng.standard_normal((copies, DIM)))
    same = base[picks[copies:first_edited]]
    touched = unit(base[picks[first_edited:first_edited + edited]]
                   + 0.25 * rng.standard_normal((edited, DIM)) / np.sqrt(DIM))
    burst = unit(base[picks[first_edited + edited:first_damaged]]
                 + 0.3 * rng.standard_normal((bursts, DIM)) / np.sqrt(DIM))
    hurt = unit(base[picks[first_damaged:]]
                + 0.48 * rng.standard_normal((damaged + damaged_bursts, DIM)) / np.sqrt(DIM))
    sent = unit(base[many_picks] + 0.1 / np.sqrt(DIM) * rng.standard_normal((many, DIM)))
    crowds = np.concatenate([np.tile(base[many_picks], (MANY // 2, 1)), np.tile(sent, (MANY - MANY // 2, 1))])
    vectors = np.concatenate([base, near, same, touched, burst, hurt, crowds])
    hashes = [f"h{i}" for i in range(n)]
    for offset, original in enumerate(picks[copies:first_edited]):
        hashes[originals + copies + offset] = hashes[original]
    crowd_start = originals + planted
    for offset in range(many * MANY):
        kind, picture = divmod(offset, many)
        first_sent = crowd_start + (MANY // 2) * many + picture
        hashes[crowd_start + offset] = hashes[many_picks[picture]] if kind < MANY // 2 else hashes[first_sent]
    grids = [smooth_look(rng) for _ in range(originals)]
    for i, original in enumerate(picks):
        grid = grids[original]
        if i < copies:
            grid = grid + rng.normal(0, 4, grid.shape)
        elif i >= first_edited + edited:
            grid = grid.copy()
            if not first_damaged <= i < first_damaged + damaged:
                top, left = rng.integers(4, 20, 2)
                grid[top:top + 10, left:left + 10] = 255 - grid[top:top + 10, left:left + 10]  # the subject moved
            if i >= first_damaged:
                grid[-3:] = 0  # cut short
        elif i >= first_edited:
            grid = grid * 1.15 + 10 + rng.normal(0, 4, grid.shape)
        grids.append(grid)
    chat_looks = [grids[original] + rng.normal(0, 4, (32, 32)) for original in many_picks]
    grids += [grids[original] for original in many_picks] * (MANY // 2) + chat_looks * (MANY - MANY // 2)
    looks = [np.clip(g, 0, 255).astype(np.uint8).tobytes() for g in grids]
    start = originals + copies + exact
    kinds = {"edited": edited, "bursts": bursts, "damaged": damaged, "damaged_bursts": damaged_bursts}
    where = {}
    for kind, count in kinds.items():
        where[kind] = range(start, start + count)
        start += count
    where["many"], where["many_originals"] = range(crowd_start, n), many_picks.tolist()
    vectors, looks, colours = _recoloured(vectors, grids, hashes, looks, np.setdiff1d(np.arange(originals), picks),
                                          where)
    return vectors, hashes, looks, colours, originals, where


def _recoloured(vectors: np.ndarray, grids: list[np.ndarray], hashes: list[str], looks: list[bytes],
                untouched: np.ndarray, where: dict[str, Sequence[int]]) -> tuple[np.ndarray, list[bytes], list[bytes]]:
    """`vectors` and `looks` with black-and-white and mirrored copies of some untouched photos
    added at the end, and as many photos of their layout in other colours (a red shirt, then a
    blue one: vectors about 0.75 alike), then as many turned copies, by random generators of their
    own, so the library before them stays the same as before they were planted; and every photo's
    colours."""
    rng = np.random.default_rng(1)
    count = int(RECOLOURED * len(vectors))
    picks = rng.choice(untouched, 3 * count, replace=False)
    spreads = np.repeat([0.62, 0.4, 0.88], count)[:, None]  # vectors about 0.85, 0.93 and 0.75 alike
    added = unit(vectors[picks] + spreads * rng.standard_normal((3 * count, DIM)) / np.sqrt(DIM))
    start = len(vectors)
    where["grey"], where["mirrored"], where["other_colours"] = (range(start + k * count, start + (k + 1) * count)
                                                                 for k in range(3))
    colours = [tinted(grid, TINT) for grid in grids]
    for n, original in enumerate(picks):
        grid = grids[original][:, ::-1] if count <= n < 2 * count else grids[original]
        grid = grid + rng.normal(0, 2, grid.shape)
        looks.append(np.clip(grid, 0, 255).astype(np.uint8).tobytes())
        colours.append(tinted(grid, 0.0 if n < count else TINT if n < 2 * count else OTHER_TINT))
        hashes.append(f"h{start + n}")
    turner = np.random.default_rng(2)
    turned = turner.choice(np.setdiff1d(untouched, picks), count, replace=False)
    where["turned"] = range(start + 3 * count, start + 4 * count)
    for n, original in enumerate(turned):
        quarters = TURNS[n % len(TURNS)]
        grid = np.rot90(grids[original], quarters) + turner.normal(0, 2, (32, 32))
        looks.append(np.clip(grid, 0, 255).astype(np.uint8).tobytes())
        colours.append(tinted(grid, np.rot90(TINT, quarters)))
        hashes.append(f"h{start + 3 * count + n}")
    added = np.concatenate([added, unit(vectors[turned] + 0.62 * turner.standard_normal((count, DIM)) / np.sqrt(DIM))])
    return np.concatenate([vectors, added]), looks, colours


def tinted(grid: np.ndarray, tint: np.ndarray | float) -> bytes:
    """A photo's colours (looks.colours_of) from its look: its light and dark, coloured by `tint`
    (0: black and white)."""
    side = looks.COLOURS_SIDE
    grey = grid.reshape(side, grid.shape[0] // side, side, grid.shape[1] // side).mean(axis=(1, 3))
    return np.clip(np.repeat(grey[:, :, None], 3, axis=2) + tint, 0, 255).astype(np.uint8).tobytes()


def smooth_look(rng: np.random.Generator) -> np.ndarray:
    """A photo's look: a few smooth shapes of light and dark."""
    coarse = rng.integers(0, 256, (5, 5), dtype=np.uint8)
    return np.asarray(Image.fromarray(coarse).resize((32, 32), Image.Resampling.BICUBIC), dtype=np.float32)


def brute_force_pairs(vectors: np.ndarray, similarity: float, chunk: int = 2048) -> set[tuple[int, int]]:
    pairs = set()
    for start in range(0, len(vectors), chunk):
        block = vectors[start:start + chunk] @ vectors.T
        rows, cols = np.nonzero(block >= similarity)
        pairs.update((start + r, c) for r, c in zip(rows.tolist(), cols.tolist()) if start + r < c)
    return pairs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    vectors, hashes, looks, colours, originals, where = library(args.photos)
    total = len(vectors)
    cut = range(where["damaged"].start, where["damaged_bursts"].stop)
    sideways = {pid for n, pid in enumerate(where["turned"]) if TURNS[n % len(TURNS)] % 2}
    photos = {
        PhotoId(i): Photo(PhotoId(i), RootId(1), Path(f"/photos/{i}.jpg"), 2_000_000 - i, i, hashes[i],
                          *((3000, 4000) if i in sideways else (4000, 3000)), None, "jpeg", "indexed", None,
                          damage="the file ends early; the lower 9% of the image is missing" if i in cut else None)
        for i in range(total)
    }
    same_bytes: dict[str, list[PhotoId]] = {}
    for pid, digest in enumerate(hashes):
        same_bytes.setdefault(digest, []).append(PhotoId(pid))
    exact_groups = [ids for ids in same_bytes.values() if len(ids) > 1]

    started = time.perf_counter()
    index = VectorIndex(DIM, capacity=total)
    index.add(np.arange(total), vectors, num_threads=-1)
    print(f"{total:,} photos indexed in {time.perf_counter() - started:.1f} s (not counted)", flush=True)

    def grouped(similarity: float) -> tuple[list, float]:
        times, groups = [], []
        for run in range(args.runs):
            started = time.perf_counter()
            chunks = ((ids, vectors[ids])
                      for ids in np.array_split(np.arange(total), max(1, total // 20_000)))
            groups = find_groups(photos, exact_groups, index, chunks, similarity,
                                 photo_looks=lambda ids: {pid: looks[pid] for pid in ids},
                                 photo_colours=lambda ids: {pid: colours[pid] for pid in ids})
            times.append(time.perf_counter() - started)
            print(f"at {similarity}, run {run + 1}: {len(groups):,} groups in {times[-1]:.2f} s", flush=True)
        return groups, statistics.median(times)

    groups, find_s = grouped(DEFAULT_SIMILARITY)
    edit_groups, edits_find_s = grouped(EDITS)

    started = time.perf_counter()
    pairs = brute_force_pairs(vectors, DEFAULT_SIMILARITY)
    brute = time.perf_counter() - started
    group_of = {pid: n for n, g in enumerate(groups) for pid in g.members}
    found = sum(1 for a, b in pairs if a in group_of and group_of.get(a) == group_of.get(b))
    recall = found / len(pairs) if pairs else 1.0
    bursts_grouped = sum(1 for pid in where["bursts"] if pid in group_of)
    damaged_recall = sum(1 for pid in where["damaged"] if pid in group_of) / max(1, len(where["damaged"]))
    damaged_bursts_grouped = sum(1 for pid in where["damaged_bursts"] if pid in group_of)
    pictures = len(where["many_originals"])
    many_copies_split = sum(
        1 for picture, original in enumerate(where["many_originals"])
        if len({group_of.get(pid, -pid - 1) for pid in (original, *where["many"][picture::pictures])}) > 1
    )
    in_edit_group = {pid for g in edit_groups for pid in g.members}
    edited_recall = sum(1 for pid in where["edited"] if pid in in_edit_group) / max(1, len(where["edited"]))
    edited_at_default = sum(1 for pid in where["edited"] if pid in group_of)
    grey_recall = sum(1 for pid in where["grey"] if pid in in_edit_group) / max(1, len(where["grey"]))
    mirrored_recall = sum(1 for pid in where["mirrored"] if pid in in_edit_group) / max(1, len(where["mirrored"]))
    turned_recall = sum(1 for pid in where["turned"] if pid in in_edit_group) / max(1, len(where["turned"]))
    recoloured_at_default = sum(1 for kind in ("grey", "mirrored", "turned") for pid in where[kind] if pid in group_of)
    other_colours_grouped = sum(1 for pid in where["other_colours"] if pid in in_edit_group)
    print(f"baseline (every pair, exact): {len(pairs):,} pairs >= {DEFAULT_SIMILARITY} in {brute:.1f} s")
    print(f"find_groups: median {find_s:.2f} s, {brute / find_s:.1f}x faster, pair recall {recall:.4f}, "
          f"edited copies grouped: {edited_at_default}, burst shots grouped: {bursts_grouped}")
    print(f"damaged copies found {damaged_recall:.4f}, damaged burst shots grouped: {damaged_bursts_grouped} "
          f"of {len(where['damaged_bursts'])}")
    print(f"pictures with {MANY} copies split into several groups: {many_copies_split} of {pictures}")
    print(f"at {EDITS}: median {edits_find_s:.2f} s, edited copies found {edited_recall:.4f}, black-and-white "
          f"copies found {grey_recall:.4f}, mirrored copies found {mirrored_recall:.4f}, turned copies found "
          f"{turned_recall:.4f}; any grouped at the default: {recoloured_at_default}; photos of their "
          f"layout in other colours grouped: {other_colours_grouped} of {len(where['other_colours'])}")
    print(json.dumps({
        "n_photos": total, "groups": len(groups), "find_s": round(find_s, 3),
        "brute_force_s": round(brute, 2), "speedup": round(brute / find_s, 1), "pair_recall": round(recall, 4),
        "edited_recall": round(edited_recall, 4), "edited_at_default": edited_at_default,
        "bursts_grouped": bursts_grouped,
        "damaged_recall": round(damaged_recall, 4), "damaged_bursts_grouped": damaged_bursts_grouped,
        "many_copies_split": many_copies_split, "edits_find_s": round(edits_find_s, 3),
        "grey_recall": round(grey_recall, 4), "mirrored_recall": round(mirrored_recall, 4),
        "turned_recall": round(turned_recall, 4),
        "recoloured_at_default": recoloured_at_default, "other_colours_grouped": other_colours_grouped,
    }))


if __name__ == "__main__":
    main()
