from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from PySide6.QtWidgets import QLabel

from photoclip.gui.app import make_app


def test_the_qt_binding_keeps_its_references_to_none(qtbot) -> None:
    """PySide6 6.12.0 dropped a reference to None on each call of a method returning nothing; on
    Python 3.11 the window then crashed ("deallocating None") after a while of use. pyproject.toml
    keeps that release out; this fails if a binding like it is installed."""
    make_app()
    label = QLabel()
    qtbot.addWidget(label)
    before = sys.getrefcount(None)
    for _ in range(2000):
        label.setText("a photo")
        label.resize(10, 10)
    assert sys.getrefcount(None) > before - 1000


def _first_start(library: Path, *flags: str) -> str:
    """What the app says on its terminal when it first starts with no way to get its model
    (stopped once it has said the model is unavailable)."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HF_ENDPOINT="http://127.0.0.1:9")
    app = subprocess.Popen([sys.executable, "-m", "photoclip.gui", "--library", str(library), "--no-watch", *flags],
                           stderr=subprocess.PIPE, text=True, env=env)
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(app.stderr), daemon=True)
    reader.start()
    deadline = time.monotonic() + 90
    while not any("model unavailable" in line for line in lines) and time.monotonic() < deadline:
        time.sleep(0.1)
    app.terminate()
    app.wait(30)
    reader.join(10)
    return "".join(lines)


@pytest.mark.parametrize("verbose", [False, True])
def test_at_first_start_the_model_is_asked_for_once_and_the_terminal_gets_only_warnings(
    tmp_path: Path, verbose: bool
) -> None:
    said = _first_start(tmp_path / "library", *(["-v"] if verbose else []))
    assert "model unavailable: cannot download model ViT-B-32-256:datacomp_s34b_b86k" in said
    assert "Traceback" not in said
    if verbose:
        assert said.count("INFO photoclip.download: downloading ") == 1
    else:
        assert " INFO " not in said and " DEBUG " not in said


def test_the_window_opens_where_and_as_big_as_it_was_left(qtbot, tmp_path: Path) -> None:
    """Size and place were forgotten at each start. A settings file of the test's own stands in for
    the user's, and a small window for the main one (the offscreen screen, 800×600, is narrower)."""
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QWidget

    from photoclip.gui.app import remember_window, restore_window

    make_app()
    first, second = QWidget(), QWidget()
    for window in (first, second):
        qtbot.addWidget(window)
        window.resize(300, 200)
        window.show()
    first.setGeometry(40, 30, 520, 410)
    remember_window(first, QSettings(str(tmp_path / "photoclip.conf"), QSettings.Format.IniFormat))
    restore_window(second, QSettings(str(tmp_path / "photoclip.conf"), QSettings.Format.IniFormat))
    assert second.geometry() == first.geometry()
