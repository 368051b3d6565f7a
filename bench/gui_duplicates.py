"""The Duplicates page of a library with thousands of groups: how long the window stops answering
while the groups are found and their pages are put on the page.

    python bench/gui_duplicates.py [--photos 20000] [--groups 3000] [--pages 10] [--runs 3]

The library is synthetic (photos that exist only in the catalog, as in gui_startup.py): its
first photos come in threes of the same bytes and vector, `groups` groups in all. Each run is a
fresh process: the window opens with the worker off, the Duplicates page is picked once the
sidebar is filled and the model loaded (importing torch holds Python's lock), and "Show more" is
pressed `pages` times, each once the page before is on the page; a probe timer on the GUI thread
notes how late each 10 ms tick comes meanwhile.
The last line is JSON: n_photos, n_groups, rows, shown_s (the first page on the page), max_ms,
p99_ms (medians over the runs).
"""

from __future__ import annotations

import argparse
import json
import os
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
COPIES = 3


def build(directory: Path, photos: int, groups: int) -> None:
    """`photos` photos in 400 folders, the first `groups` * COPIES of them copies in threes."""
    library = Library.open(directory, model="photoclip-tiny")
    try:
        encoder = library.encoder()
        root = library.catalog.add_root(Path("/photos"))
        library.catalog.add_pending(root.id, [(f"/photos/{i % 400:03d}/IMG_{i:06d}.jpg", 3_000_000 + i,
                                               1_500_000_000_000_000_000 + i * 10**9) for i in range(photos)])
        pending = library.catalog.pending(encoder.model_id)
        copied = groups * COPIES
        vectors = np.random.default_rng(0).standard_normal((len(pending), encoder.dim)).astype(np.float32)
        vectors[:copied] = np.repeat(vectors[:copied:COPIES], COPIES, axis=0)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        batch = []
        for j, (photo_id, _path) in enumerate(pending):
            digest = j // COPIES if j < copied else j
            meta = PhotoMetadata(hash=f"{digest:032x}", width=4000, height=3000, format="jpeg",
                                 taken_at=f"{2010 + j % 15}-{1 + j % 12:02d}-{1 + j % 28:02d}T12:00:00")
            batch.append((photo_id, meta, vectors[j]))
        library.catalog.store_batch(encoder.model_id, batch, [])
    finally:
        library.close()


def one_run(directory: Path, pages: int, seconds: float = 120) -> dict[str, float]:
    """Open the window, show its Duplicates page and page through it (in a fresh process)."""
    from PySide6.QtCore import QEventLoop

    from bench.gui_probe import Probe
    from photoclip.gui.app import make_app

    app = make_app()
    from photoclip.gui.main_window import MainWindow

    window = MainWindow(Library.open(directory), watch=False, start_worker=False)
    window.resize(1280, 800)
    window.show()
    page = window.duplicates

    def spin_until(done: object, limit: float) -> None:
        end = time.perf_counter() + limit
        while time.perf_counter() < end and not done():  # type: ignore[operator]
            app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
            time.sleep(0.002)

    spin_until(lambda: bool(window.sidebar.album_items()) and window.model_state.ready, seconds)
    probe = Probe(10)
    probe.start()
    started = time.perf_counter()
    window.sidebar.tree.setCurrentItem(window.sidebar.duplicates)
    spin_until(lambda: bool(page.rows) and not page.building, seconds)
    shown_s = time.perf_counter() - started
    for _ in range(pages):
        page.more.click()
        spin_until(lambda: not page.building, seconds)
    probe.stop()
    rows = len(page.rows)
    window.shutdown()
    delays = sorted(probe.delays_ms)
    return {"rows": rows, "shown_s": round(shown_s, 2), "max_ms": round(delays[-1], 1),
            "p99_ms": round(delays[int(len(delays) * 0.99)], 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=int, default=20_000)
    parser.add_argument("--groups", type=int, default=3_000)
    parser.add_argument("--pages", type=int, default=10, help='"Show more" pressed this many times')
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--one-run", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one_run:
        print(json.dumps(one_run(args.one_run, args.pages)))
        return

    directory = CACHE / f"duplicates-{args.photos}-{args.groups}"
    if not (directory / "built").exists():
        shutil.rmtree(directory, ignore_errors=True)
        build(directory, args.photos, args.groups)
        (directory / "built").touch()
    runs = []
    for run in range(args.runs):
        out = subprocess.run([sys.executable, __file__, "--one-run", str(directory), "--pages", str(args.pages)],
                             capture_output=True, text=True, check=True).stdout
        runs.append(json.loads(out.strip().splitlines()[-1]))
        print(f"run {run + 1}: " + ", ".join(f"{k} {v}" for k, v in runs[-1].items()), flush=True)
    median = {key: statistics.median(r[key] for r in runs) for key in runs[0]}
    print(f"median over {args.runs} runs, {args.groups:,} groups among {args.photos:,} photos: the first page after "
          f"{median['shown_s']} s, {median['rows']:g} groups on the page after {args.pages} more; event-loop delay "
          f"max {median['max_ms']} ms, p99 {median['p99_ms']} ms")
    print(json.dumps({"n_photos": args.photos, "n_groups": args.groups, **median}))


if __name__ == "__main__":
    main()
