"""Opening the app on a big library: how soon the first photos, the tags and the albums show,
and how long the window ever stops answering meanwhile.

    python bench/gui_startup.py [--photos 100000] [--folders 2000] [--keywords 0] [--runs 3]

The library is synthetic (photos that exist only in the catalog, random vectors from the
shipped tiny model, EXIF dates, a third with GPS positions, auto tags; with --keywords, that
many tags given by hand, as imported keywords are, ten photos each) and is built once under
bench/.cache. Each run is a fresh process, as a user's start is: the window opens with the
worker off (its files are not on disk) while the model loads beside it, and a probe timer on
the GUI thread notes how late each 10 ms tick comes. The baseline, measured in the same run,
is the engine alone computing the albums and the countries the sidebar shows.
The model loads once the sidebar is filled (importing torch holds Python's lock for seconds).
Targets: first photos within 1 s, no stall over 2 s. The last line is JSON: n_photos,
n_albums, n_keywords, first_rows_s, tags_s, albums_s, search_ready_s (a search can answer: the model's cached
text tower is loaded), model_ready_s (the whole model, which indexing needs), albums_engine_s,
max_stall_ms, p99_ms.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from photoclip.catalog import PhotoMetadata  # noqa: E402
from photoclip.library import Library  # noqa: E402

CACHE = Path(__file__).resolve().parent / ".cache"
BATCH = 2000


def build(directory: Path, photos: int, folders: int, keywords: int = 0) -> None:
    """A library of `photos` in `folders` folders (year/month day), embedded and tagged, with
    `keywords` tags of the user's own."""
    rng = random.Random(1)
    library = Library.open(directory, model="photoclip-tiny")
    try:
        encoder = library.encoder()
        root = library.catalog.add_root(Path("/photos"))
        files = []
        for i in range(photos):
            n = i * folders // photos
            files.append((f"/photos/{2010 + n % 15}/{1 + n % 12:02d}-{n:05d} trip/IMG_{i:06d}.jpg",
                          3_000_000 + i, 1_500_000_000_000_000_000 + i * 10**9))
        library.catalog.add_pending(root.id, files)
        pending = library.catalog.pending(encoder.model_id)
        vectors = np.random.default_rng(0).standard_normal((len(pending), encoder.dim)).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        for start in range(0, len(pending), BATCH):
            batch = []
            for j in range(start, min(start + BATCH, len(pending))):
                located = j % 3 == 0
                meta = PhotoMetadata(
                    hash=f"{j:032x}", width=4000, height=3000, format="jpeg",
                    taken_at=f"{2010 + j % 15}-{1 + j % 12:02d}-{1 + j % 28:02d}T12:00:00",
                    location=(40 + rng.random(), -3 + rng.random()) if located else None,
                    country="ES" if located else None, town="Madrid" if located else None,
                )
                batch.append((pending[j][0], meta, vectors[j]))
            library.catalog.store_batch(encoder.model_id, batch, [])
        library.update_tags()
        ids = [photo_id for photo_id, *_ in pending]
        for k in range(keywords):
            library.add_tag(ids[k * 10 % len(ids):][:10], f"keyword {k:04d}")
    finally:
        library.close()


def one_run(directory: Path, seconds: float) -> dict[str, float]:
    """Open the window on the library and watch it (in this process, which must be fresh)."""
    from PySide6.QtCore import QEventLoop

    from bench.gui_probe import Probe

    started = time.perf_counter()
    from photoclip.gui.app import make_app

    app = make_app()
    from photoclip.gui.main_window import MainWindow

    window = MainWindow(Library.open(directory), watch=False, start_worker=False)
    window.resize(1280, 800)
    window.show()
    probe = Probe(10)
    probe.start()
    seen: dict[str, float] = {}
    checks = {
        "first_rows_s": lambda: window.model.rowCount() > 0,
        "tags_s": lambda: bool(window.sidebar.tag_items()),
        "albums_s": lambda: bool(window.sidebar.album_items()),
        "search_ready_s": lambda: window.model_state.searchable,
        "model_ready_s": lambda: window.model_state.ready,
    }
    end = time.perf_counter() + seconds
    while time.perf_counter() < end and len(seen) < len(checks):
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
        time.sleep(0.002)
        for name, check in checks.items():
            if name not in seen and check():
                seen[name] = time.perf_counter() - started
    window.shutdown()
    delays = sorted(probe.delays_ms)
    return {**{name: round(seen.get(name, float("inf")), 2) for name in checks},
            "max_stall_ms": round(delays[-1], 1), "p99_ms": round(delays[int(len(delays) * 0.99)], 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=int, default=100_000)
    parser.add_argument("--folders", type=int, default=2_000)
    parser.add_argument("--keywords", type=int, default=0, help="tags given by hand (imported keywords)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--one-run", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one_run:
        print(json.dumps(one_run(args.one_run, seconds=60)))
        return

    directory = CACHE / (f"library-{args.photos}-{args.folders}" + (f"-{args.keywords}kw" if args.keywords else ""))
    if not (directory / "built").exists():
        shutil.rmtree(directory, ignore_errors=True)
        started = time.perf_counter()
        build(directory, args.photos, args.folders, args.keywords)
        (directory / "built").touch()
        print(f"built a library of {args.photos:,} photos in {time.perf_counter() - started:.0f} s (not counted)")

    with Library.open(directory) as library:
        started = time.perf_counter()
        albums = library.albums()
        library.countries()
        engine_s = time.perf_counter() - started
    runs = []
    for run in range(args.runs):
        out = subprocess.run([sys.executable, __file__, "--one-run", str(directory)], capture_output=True,
                             text=True, check=True).stdout
        runs.append(json.loads(out.strip().splitlines()[-1]))
        print(f"run {run + 1}: " + ", ".join(f"{k} {v}" for k, v in runs[-1].items()), flush=True)
    median = {key: statistics.median(r[key] for r in runs) for key in runs[0]}
    print(f"median over {args.runs} starts with {args.photos:,} photos in {len(albums):,} albums: first photos "
          f"after {median['first_rows_s']} s (target <= 1 s), tags {median['tags_s']} s, albums "
          f"{median['albums_s']} s (the engine alone: {engine_s:.2f} s), longest stall {median['max_stall_ms']} ms "
          f"(target <= 2000 ms), p99 {median['p99_ms']} ms; search can answer after {median['search_ready_s']} s, the "
          f"whole model is loaded after {median['model_ready_s']} s")
    print(json.dumps({"n_photos": args.photos, "n_albums": len(albums), "n_keywords": args.keywords, **median,
                      "albums_engine_s": round(engine_s, 2)}))


if __name__ == "__main__":
    main()
