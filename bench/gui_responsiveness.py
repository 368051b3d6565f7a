"""GUI responsiveness while the worker indexes at full speed.

    python bench/gui_responsiveness.py [--photos N] [--interval-ms 10] [--model-file PATH]

Opens the real main window (offscreen) on a fresh library, adds a folder of generated
photos, and while the worker indexes them a probe QTimer on the GUI thread fires every
`interval` ms; how late each tick comes is the event loop's delay, the time a click or a
keystroke would wait. Meanwhile the grid scrolls every 100 ms (thumbnails load) and a
search is typed every 500 ms, as a user browsing during indexing would.
Target: p99 <= 50 ms. The last line is JSON: p50_ms, p99_ms, max_ms, ticks, photos, seconds.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtCore import QTimer  # noqa: E402

from bench.gui_probe import Probe  # noqa: E402
from photoclip.gui.app import make_app  # noqa: E402
from photoclip.library import Library  # noqa: E402
from photoclip.tinyclip.scenes import write_scene_folder  # noqa: E402

log = logging.getLogger("bench.gui_responsiveness")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=int, default=3000)
    parser.add_argument("--interval-ms", type=int, default=10)
    parser.add_argument("--model", default="photoclip-tiny")
    parser.add_argument("--model-file", help="weights to use instead of the model's own")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)

    app = make_app()
    from photoclip.gui.main_window import MainWindow

    with tempfile.TemporaryDirectory(prefix="photoclip-bench-gui-") as tmp:
        folder = Path(tmp) / "photos"
        write_scene_folder(folder, seed=11, count=args.photos, size=320)
        library = Library.open(Path(tmp) / "library", model=args.model, model_file=args.model_file)
        window = MainWindow(library, watch=False)
        window.resize(1280, 800)
        window.show()
        deadline = time.monotonic() + 180
        while not window.model_state.ready:
            if time.monotonic() > deadline:
                raise SystemExit(f"the model did not load: {window.model_state.message}")
            app.processEvents()
            time.sleep(0.01)

        probe = Probe(args.interval_ms)
        progress = []
        window.bridge.progress.connect(progress.append)
        window.bridge.idle.connect(lambda: app.quit() if progress and progress[-1].done >= args.photos else None)
        scroller = QTimer()
        scroller.timeout.connect(lambda: window.grid.verticalScrollBar().setValue(
            (window.grid.verticalScrollBar().value() + 240) % (window.grid.verticalScrollBar().maximum() + 1)))
        words = iter(["a red circle", "a blue square on grass", "yellow star at night", ""] * 1000)
        typist = QTimer()
        typist.timeout.connect(lambda: window.search_field.setText(next(words)))
        started = time.monotonic()
        probe.start()
        scroller.start(100)
        typist.start(500)
        window.add_folder(folder)
        QTimer.singleShot(600_000, app.quit)
        app.exec()
        seconds = time.monotonic() - started
        probe.stop()
        scroller.stop()
        typist.stop()
        window.shutdown()
        window.close()
        library.close()

    delays = probe.delays_ms
    done = progress[-1].done if progress else 0
    result = {
        "p50_ms": round(statistics.median(delays), 2),
        "p99_ms": round(percentile(delays, 99), 2),
        "max_ms": round(max(delays), 2),
        "ticks": len(delays),
        "photos": done,
        "seconds": round(seconds, 1),
        "photos_per_s": round(done / seconds, 1) if seconds else 0.0,
    }
    print(f"event-loop delay while indexing {done} photos in {seconds:.1f} s: "
          f"p50 {result['p50_ms']} ms, p99 {result['p99_ms']} ms, max {result['max_ms']} ms "
          f"over {len(delays)} ticks of {args.interval_ms} ms")
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
