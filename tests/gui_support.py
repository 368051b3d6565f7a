"""Shared pieces of the GUI tests: scene folders with known content, and a window factory
that shuts its window down (worker stopped, background reads finished) before the library
fixture closes the library.

Import the fixtures into a test module with `from tests.gui_support import make_window`.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from photoclip.gui.app import make_app
from photoclip.library import Library
from photoclip.tinyclip.scenes import Scene, random_scene, scene_with, write_scenes

MODEL_TIMEOUT_MS = 90_000  # the first window of a run loads torch and the tiny model
WAIT_MS = 20_000


def red_circle_folder(folder: Path, with_red_circle: int = 5, without: int = 15, seed: int = 7) -> dict[Path, Scene]:
    """Scenes of which exactly `with_red_circle` hold a red circle (among other shapes)."""
    rng = random.Random(seed)
    scenes = []
    others = ["blue square", "yellow star", "green triangle", "purple heart", "orange cross"]
    for i in range(with_red_circle):
        extra = tuple(others[i % len(others)].split())
        scenes.append(scene_with(rng, [("red", "circle"), extra] if i % 2 else [("red", "circle")]))
    while len(scenes) < with_red_circle + without:
        scene = random_scene(rng)
        if not scene.has("red", "circle") and not scene.has("red") and not scene.has(shape="circle"):
            scenes.append(scene)
    rng.shuffle(scenes)
    return dict(write_scenes(folder, scenes, size=192))


def broken_jpeg(path: Path) -> Path:
    """A file that looks like a JPEG but stops after its header."""
    path.write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 40)
    return path


@pytest.fixture
def make_window(qtbot, open_library) -> Iterator[Callable[..., object]]:
    """make_window(library, worker=False, watch=False) -> a shown MainWindow, shut down after the test."""
    make_app()
    from photoclip.gui.main_window import MainWindow

    windows: list[MainWindow] = []

    def factory(library: Library, worker: bool = False, watch: bool = False, wait_model: bool = True) -> MainWindow:
        window = MainWindow(library, watch=watch, start_worker=worker)
        qtbot.addWidget(window)
        window.resize(1100, 760)
        window.show()
        windows.append(window)
        qtbot.waitUntil(lambda: window.status is not None, timeout=WAIT_MS)
        if wait_model:
            qtbot.waitUntil(lambda: window.model_state.ready, timeout=MODEL_TIMEOUT_MS)
        return window

    yield factory
    for window in windows:
        window.shutdown()


def settled(window) -> bool:
    """No search running and no page of the library view on its way."""
    return not window._search_pending() and not window.model.is_loading


def resized(qtbot, window, width: int, height: int):
    """`window` once it is `width` x `height`."""
    from PySide6.QtCore import QSize

    window.resize(width, height)
    qtbot.waitUntil(lambda: window.size() == QSize(width, height), timeout=WAIT_MS)
    return window


def six_photos_in_a_small_window(qtbot, make_window, open_library, folder: Path):
    """A window of 800 x 560 on six indexed photos, settled."""
    red_circle_folder(folder, with_red_circle=2, without=4)
    library = open_library()
    library.index([folder])
    window = make_window(library)
    qtbot.waitUntil(lambda: window.model.rowCount() == 6 and settled(window), timeout=WAIT_MS)
    return resized(qtbot, window, 800, 560)


def show_model_unavailable(qtbot, window):
    """The banner that says the default model could not be downloaded (no network), once shown,
    and what it says."""
    from photoclip.errors import ModelUnavailableError
    from photoclip.gui.modelstate import Phase, unavailable_message

    cause = ModelUnavailableError("cannot download", model="ViT-B-32-256:datacomp_s34b_b86k",
                                  reason="the network is unreachable (no route to host huggingface.co)")
    message = unavailable_message(cause)
    window.model_state._set(Phase.UNAVAILABLE, message)
    qtbot.waitUntil(window.model_banner.isVisible, timeout=WAIT_MS)
    qtbot.wait(100)  # the layouts settle
    return window.model_banner, message


@pytest.fixture
def sidebar(qtbot):
    """A sidebar on its own, shown at its usual width, with nothing in it yet."""
    from photoclip.gui.sidebar import Sidebar

    make_app()
    widget = Sidebar()
    qtbot.addWidget(widget)
    widget.resize(236, 900)
    widget.show()
    return widget


def answer_questions(monkeypatch, *answers: bool) -> list[tuple[str, str]]:
    """Answer the window's questions in turn (True: its action, False: Cancel) without showing
    them; returns each question's text with its action button's label."""
    from PySide6.QtWidgets import QMessageBox

    asked: list[tuple[str, str]] = []

    def answer(box: QMessageBox) -> int:
        action = box.button(QMessageBox.StandardButton.Ok)
        asked.append((box.text(), action.text()))
        yes = answers[len(asked) - 1] if len(asked) <= len(answers) else answers[-1]
        (action if yes else box.button(QMessageBox.StandardButton.Cancel)).click()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", answer)
    return asked
