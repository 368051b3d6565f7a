"""The status bar's indexing line, offscreen: done of total, speed and time left as a person says
them, and never 'about 0 s left' while photos remain."""

from __future__ import annotations

import pytest

from photoclip.gui.app import make_app
from photoclip.gui.statusbar import IndexStatus


@pytest.mark.parametrize(("rate", "eta_s", "paused", "said"), [
    (52.4, 27.6, False, "Indexing 100 of 1,500 photos · 52 photos/s · about 28 s left"),
    (4.4, 318.0, False, "Indexing 100 of 1,500 photos · 4.4 photos/s · about 5 min left"),
    (0.3, 4_020.0, False, "Indexing 100 of 1,500 photos · 0.3 photos/s · about 1 h 7 min left"),
    (2_900.0, 0.3, False, "Indexing 100 of 1,500 photos · 2,900 photos/s · almost done"),
    (52.4, 27.6, True, "Paused · 100 of 1,500 photos indexed"),
])
def test_progress_reads_as_a_person_says_it(qtbot, rate: float, eta_s: float, paused: bool, said: str) -> None:
    make_app()
    status = IndexStatus()
    qtbot.addWidget(status)
    status.set_progress(100, 1_500, 0, rate, eta_s, paused)
    assert status.label.text() == said
