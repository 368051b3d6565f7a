"""FlowLayout on real Qt widgets, offscreen."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect
from PySide6.QtWidgets import QFrame, QScrollArea, QVBoxLayout, QWidget

from photoclip.gui.app import make_app
from photoclip.gui.flow_layout import FlowLayout


def box(width: int = 100, height: int = 50) -> QFrame:
    frame = QFrame()
    frame.setMinimumSize(width, height)
    frame.setMaximumWidth(width)
    return frame


@pytest.fixture
def flow(qtbot):
    """A shown widget laid out by a FlowLayout (spacing 8, no margins) holding seven 100x50 boxes."""
    make_app()
    holder = QWidget()
    qtbot.addWidget(holder)
    layout = FlowLayout(holder, spacing=8)
    layout.setContentsMargins(0, 0, 0, 0)
    for _ in range(7):
        layout.addWidget(box())
    holder.resize(330, 400)
    holder.show()
    qtbot.waitUntil(lambda: len(layout.lines()) == 3, timeout=5000)
    return holder, layout


def test_widgets_wrap_onto_as_many_lines_as_the_width_needs(qtbot, flow) -> None:
    holder, layout = flow
    assert [len(line) for line in layout.lines()] == [3, 3, 1]  # 3 x 100 + 2 x 8 fit in 330; 4 do not
    assert all(w.geometry().right() < 330 for line in layout.lines() for w in line)
    assert [line[0].y() for line in layout.lines()] == [0, 58, 116]
    assert layout.heightForWidth(330) == 166 and layout.heightForWidth(1000) == 50
    holder.resize(1000, 400)
    qtbot.waitUntil(lambda: len(layout.lines()) == 1, timeout=5000)


def test_a_line_is_as_tall_as_its_tallest_and_a_hidden_widget_takes_no_place(qtbot, flow) -> None:
    """Tiles with fewer lines of text end level with the others of their line."""
    holder, layout = flow
    first = layout.lines()[0]
    first[1].setMinimumHeight(80)
    qtbot.waitUntil(lambda: all(w.height() == 80 for w in layout.lines()[0]), timeout=5000)
    assert layout.lines()[1][0].y() == 88 and layout.lines()[1][0].height() == 50
    first[0].hide()
    qtbot.waitUntil(lambda: [len(line) for line in layout.lines()] == [3, 3], timeout=5000)
    assert first[0] not in layout.lines()[0]


def test_a_deleted_widget_leaves_the_layout(qtbot, flow) -> None:
    holder, layout = flow
    gone = layout.lines()[0][0]
    gone.deleteLater()
    qtbot.waitUntil(lambda: layout.count() == 6, timeout=5000)
    qtbot.waitUntil(lambda: [len(line) for line in layout.lines()] == [3, 3], timeout=5000)


def test_in_a_scroll_area_it_scrolls_down_and_never_sideways(qtbot) -> None:
    """The scroll area asks heightForWidth: the lines fit its width and it scrolls down to them."""
    make_app()
    scroll = QScrollArea()
    qtbot.addWidget(scroll)
    scroll.setWidgetResizable(True)
    body = QWidget()
    column = QVBoxLayout(body)
    layout = FlowLayout(spacing=8)
    column.addLayout(layout)
    for _ in range(40):
        layout.addWidget(box())
    scroll.setWidget(body)
    scroll.resize(400, 300)
    scroll.show()
    qtbot.waitUntil(lambda: scroll.verticalScrollBar().maximum() > 0, timeout=5000)
    assert scroll.horizontalScrollBar().maximum() == 0
    assert body.height() >= layout.heightForWidth(layout.geometry().width()) > 300
    assert layout.minimumSize().width() == 100  # the widest item, not all of them side by side


def test_the_items_are_placed_again_only_where_they_or_the_width_changed(qtbot, flow, monkeypatch) -> None:
    """A Duplicates page of hundreds of groups gave every tile its place anew, dozens of times,
    for each group shown below: each time its layout was handed another height."""
    holder, layout = flow
    placed = []
    real = FlowLayout._place
    monkeypatch.setattr(FlowLayout, "_place", lambda self, rect, move: placed.append(move) or real(self, rect, move))
    for height in (400, 420, 380):
        layout.setGeometry(QRect(0, 0, 330, height))
    assert placed == []
    layout.addWidget(box())
    qtbot.waitUntil(lambda: [len(line) for line in layout.lines()] == [3, 3, 2], timeout=5000)
    assert True in placed
    placed.clear()
    layout.setGeometry(QRect(0, 0, 440, 400))
    assert placed == [True] and [len(line) for line in layout.lines()] == [4, 4]
