"""How long the GUI thread is held when a page of photo ids arrives in a huge grid.

    python bench/gui_grid_paging.py [--rows 200000] [--page 2000] [--repeat 7]

The library view pages ids in as the user scrolls (and refreshes them while indexing). The
grid computes where its same-sized cells go (PhotoGridView); the baseline, measured in the
same run, is QListView laying the same rows out itself, with the same settings, as the grid
did before. Each figure is the median over `repeat` pages of appending `page` rows to a view
of `rows` and running the layout Qt would run on the next turn of the event loop.
Target: the grid under 16 ms (a frame). The last line is JSON: rows, page, grid_ms,
qlistview_ms, ratio.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, QSize  # noqa: E402
from PySide6.QtWidgets import QListView  # noqa: E402

from photoclip.gui.app import make_app  # noqa: E402
from photoclip.gui.grid import PhotoGridView  # noqa: E402


class Rows(QAbstractListModel):
    """Rows with nothing in them: what is timed is the view's layout, not the data."""

    def __init__(self, count: int) -> None:
        super().__init__()
        self.count = count

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else self.count

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> None:
        return None

    def append(self, rows: int) -> None:
        self.beginInsertRows(QModelIndex(), self.count, self.count + rows - 1)
        self.count += rows
        self.endInsertRows()


def plain_view() -> QListView:
    """QListView set up as the grid was before it placed its cells itself."""
    view = QListView()
    view.setViewMode(QListView.ViewMode.IconMode)
    view.setMovement(QListView.Movement.Static)
    view.setResizeMode(QListView.ResizeMode.Adjust)
    view.setUniformItemSizes(True)
    view.setLayoutMode(QListView.LayoutMode.SinglePass)
    view.setSpacing(0)
    view.setWrapping(True)
    view.setGridSize(QSize(160, 160))
    return view


def page_ms(view: QListView, rows: int, page: int, repeat: int) -> float:
    model = Rows(rows)
    view.setModel(model)
    view.resize(1200, 800)
    view.show()
    view.executeDelayedItemsLayout()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        model.append(page)
        view.executeDelayedItemsLayout()
        times.append((time.perf_counter() - started) * 1000)
    view.hide()
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--page", type=int, default=2_000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    make_app()
    grid_ms = page_ms(PhotoGridView(), args.rows, args.page, args.repeat)
    plain_ms = page_ms(plain_view(), args.rows, args.page, args.repeat)
    print(f"a page of {args.page:,} rows added to {args.rows:,}: grid {grid_ms:.1f} ms, "
          f"QListView's own layout {plain_ms:.1f} ms (median of {args.repeat})")
    print(json.dumps({"rows": args.rows, "page": args.page, "grid_ms": round(grid_ms, 2),
                      "qlistview_ms": round(plain_ms, 2), "ratio": round(plain_ms / max(grid_ms, 1e-6), 1)}))


if __name__ == "__main__":
    main()
