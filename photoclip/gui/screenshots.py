"""Screenshots of the real app for the README and the docs: `make screenshots`.

Runs offscreen on a throw-away library of generated scenes with the shipped tiny model and
the real worker, and saves what a person would see: the first run (welcome), indexing in
progress, search results, the preview, a tag's photos with one photo's tags, and an album
with the tags its photos share. Nothing is
staged by hand: each picture is taken when the app itself reaches that state. (The tiny
model knows shapes, not everyday scenes, so the demo library tags with a vocabulary of
shapes instead of the shipped one.)
"""

from __future__ import annotations

import argparse
import logging
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEventLoop  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

log = logging.getLogger("photoclip.screenshots")

MODEL = "photoclip-tiny"
SIZE = (1280, 800)
DEMO_VOCABULARY = "@prompt a {}\n@none a shape\ncircle\nstar\nsquare\ntriangle\nheart\ncross\ncrescent\n"
DEMO_ALBUMS = {  # folder below Pictures: (colour, shape) of each of its photos, how many
    "2023/Lake weekend": (("red", "circle"), 36),
    "2024/Night sky": (("yellow", "star"), 28),
    "2025/Valentine's": (("purple", "heart"), 24),
}


def spin(app: QApplication, seconds: float) -> None:
    """Let the event loop run for `seconds` (results and thumbnails arrive meanwhile)."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
        time.sleep(0.01)


def wait_for(app: QApplication, condition: Callable[[], bool], timeout: float, what: str) -> None:
    end = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > end:
            raise TimeoutError(f"gave up waiting for {what} after {timeout:.0f} s")
        spin(app, 0.05)


def save(widget: QWidget, folder: Path, name: str, smallest: bool = False) -> Path:
    if smallest:  # what a window snapped to half a small screen shows
        widget.resize(widget.minimumSize())
        spin(QApplication.instance(), 0.3)
    path = folder / f"{name}.png"
    widget.grab().save(str(path))
    log.info("wrote %s", path)
    return path


def take(out: Path, photos: int, model_file: str | None, appearance: str = "light",
         smallest: bool = False) -> list[Path]:
    """The pictures, at SIZE, or (`smallest`) each at the window's smallest size on that page."""
    from photoclip.gui.app import make_app
    from photoclip.library import Library
    from photoclip.tinyclip.scenes import scene_with, write_scene_folder, write_scenes

    app = make_app(appearance=appearance)
    from photoclip.gui.main_window import MainWindow

    out.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory(prefix="photoclip-shots-") as tmp:
        folder = Path(tmp) / "Pictures"
        write_scene_folder(folder / "Holidays", seed=2024, count=photos, size=320)
        rng = random.Random(2025)
        for name, (thing, count) in DEMO_ALBUMS.items():
            write_scenes(folder / name, [scene_with(rng, [thing]) for _ in range(count)], size=320)
        library = Library.open(Path(tmp) / "library", model=MODEL, model_file=model_file)
        vocabulary = Path(tmp) / "shapes.txt"
        vocabulary.write_text(DEMO_VOCABULARY, encoding="utf-8")
        library.set_vocabulary(vocabulary)
        window = MainWindow(library, watch=False)
        try:
            window.resize(*SIZE)
            window.show()
            wait_for(app, lambda: window.status is not None and window.model_state.ready, 120, "the model")
            spin(app, 0.3)
            written.append(save(window, out, "welcome", smallest))

            progress: list[object] = []
            assert window.bridge is not None
            window.bridge.progress.connect(progress.append)
            window.add_folder(folder)
            wait_for(app, lambda: bool(progress) and progress[-1].done >= progress[-1].total * 0.2, 180,
                     "indexing to get going")
            wait_for(app, lambda: window.model.rowCount() > 0 and window.loader.pending() == 0, 30, "thumbnails")
            spin(app, 0.2)
            written.append(save(window, out, "indexing", smallest))

            assert window.worker is not None
            wait_for(app, lambda: not window.worker.busy and not window.index_status.running, 300, "indexing to end")
            window.search_field.setFocus()
            window.search_field.setText("a red circle")
            wait_for(app, lambda: window.view.kind == "search" and not window._search_pending()
                     and window.model.rowCount() > 0, 60, "search results")
            window.grid.setCurrentIndex(window.model.index(0, 0))
            wait_for(app, lambda: window.loader.pending() == 0, 30, "thumbnails")
            spin(app, 0.3)
            written.append(save(window, out, "search", smallest))

            window.open_preview(window.model.index(0, 0))
            wait_for(app, lambda: window.preview.photo is not None, 30, "the preview")
            spin(app, 0.3)
            written.append(save(window, out, "preview", smallest))

            wait_for(app, lambda: bool(window.sidebar.tag_items()), 60, "tags in the sidebar")
            window.sidebar.tree.setCurrentItem(window.sidebar.tag_items()[0])
            wait_for(app, lambda: window.view.kind == "tag" and window.model.rowCount() > 0
                     and not window.model.is_loading, 30, "the tag's photos")
            window.open_preview(window.model.index(0, 0))
            wait_for(app, lambda: window.preview.photo is not None and bool(window.preview.tags.chips), 30,
                     "the photo's tags")
            spin(app, 0.3)
            written.append(save(window, out, "tags", smallest))

            window.close_preview()
            album = next(item for item in window.sidebar.album_items() if "Lake" in item.text(0))
            window.sidebar.tree.setCurrentItem(album)
            wait_for(app, lambda: window.view.kind == "album" and window.model.rowCount() > 0
                     and not window.model.is_loading and window.loader.pending() == 0, 30, "the album's photos")
            spin(app, 0.3)
            written.append(save(window, out, "albums", smallest))
        finally:
            window.shutdown()
            window.close()
            library.close()
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", default="docs/screenshots", help="folder for the PNGs")
    parser.add_argument("--photos", type=int, default=1500, help="generated photos in the demo library")
    parser.add_argument("--model-file", help="weights to use instead of the shipped tiny model's")
    parser.add_argument("--appearance", choices=("light", "dark"), default="light", help="the app's colours")
    parser.add_argument("--smallest", action="store_true", help="each at the window's smallest size")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    for path in take(Path(args.out), args.photos, args.model_file, args.appearance, args.smallest):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
