"""Watch latency: from a photo landing in a watched folder to search returning it.

    python bench/watch_latency.py [--photos N] [--background B] [--settle S] [--model-file PATH]

A library watches one folder that already holds B indexed photos; N new photos (small JPEGs,
distinct content) are copied in one at a time, and each is timed from the end of its copy to
the first moment a text search over the library returns its path. The worker runs with the
product's settings (a file must stay unchanged for `settle` seconds, 1.0 by default, before
it is indexed, so a photo still being copied is never read half-written). Model: the tiny CLIP
shipped with photoclip. Target: p50 <= 2 s. The last line is JSON: p50_s, p95_s, n, settle_s.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from photoclip.library import Library  # noqa: E402
from photoclip.worker import Worker  # noqa: E402


def write_photo(path: Path, seed: int) -> None:
    rng = np.random.default_rng(seed)
    blocks = rng.integers(0, 256, (6, 8, 3), dtype=np.uint8)
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(blocks).resize((640, 480), Image.BILINEAR).save(path, "JPEG", quality=90)


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(values), q))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=int, default=30, help="photos copied in, one at a time")
    parser.add_argument("--background", type=int, default=200, help="photos already in the library")
    parser.add_argument("--settle", type=float, default=1.0, help="the worker's settle interval (s)")
    parser.add_argument("--model-file", help="weights for photoclip-tiny (default: the shipped ones)")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="watch-latency-"))
    try:
        photos, camera = work / "photos", work / "camera"
        for i in range(args.background):
            write_photo(photos / f"old-{i:04d}.jpg", seed=i)
        for i in range(args.photos):
            write_photo(camera / f"new-{i:04d}.jpg", seed=100_000 + i)
        library = Library.open(work / "library", model="photoclip-tiny", model_file=args.model_file)
        library.add_root(photos)
        worker = Worker(library, settle_s=args.settle)
        worker.start()
        if not worker.wait_idle(600):
            raise SystemExit("the worker did not finish the background photos")
        library.search("warm up", limit=1)
        latencies = []
        for i in range(args.photos):
            target = photos.resolve() / f"new-{i:04d}.jpg"
            shutil.copyfile(camera / target.name, target)
            landed = time.monotonic()
            while not any(hit.path == target for hit in library.search("a photo", limit=100_000)):
                if time.monotonic() - landed > 60:
                    raise SystemExit(f"{target.name} never became searchable")
                time.sleep(0.01)
            latencies.append(time.monotonic() - landed)
            print(f"{target.name}: {latencies[-1]:.3f} s", flush=True)
            worker.wait_idle(30)
        worker.stop()
        library.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    p50, p95 = statistics.median(latencies), percentile(latencies, 95)
    print(f"landing -> searchable over {len(latencies)} photos (settle {args.settle:.1f} s, "
          f"{args.background} photos already indexed): p50 {p50:.2f} s, p95 {p95:.2f} s, "
          f"min {min(latencies):.2f} s, max {max(latencies):.2f} s")
    print(json.dumps({"p50_s": round(p50, 3), "p95_s": round(p95, 3), "n": len(latencies), "settle_s": args.settle}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
