from __future__ import annotations

import sys

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
