"""The results grid: a list model that holds PhotoIds only, a delegate that paints square
thumbnails, and an icon-mode view with an empty state.

No widget per photo: 100,000 rows cost a list of ints and a dict. Rows are keyed by
PhotoId (selection and scroll survive refreshes); the library view pages ids in from the
catalog as the view scrolls (`fetchMore`, off the GUI thread), a search more of its hits
(`MoreHits`), and row data (thumbnail, path, date) arrive lazily through the thumbnail
loader when a row is first painted.
"""

from __future__ import annotations

import dataclasses
import itertools
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import NamedTuple

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractListModel,
    QByteArray,
    QEvent,
    QItemSelection,
    QItemSelectionModel,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QPointF,
    QRect,
    QRectF,
    QSize,
    Qt,
    QTimer,
    Signal,
    SignalInstance,
)
from PySide6.QtGui import (
    QAccessible,
    QAccessibleEvent,
    QColor,
    QDrag,
    QFocusEvent,
    QFont,
    QFontMetrics,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPalette,
    QPen,
    QPixmap,
    QRegion,
    QWheelEvent,
)
from PySide6.QtWidgets import QAbstractItemView, QListView, QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from photoclip import humanize
from photoclip.catalog import Photo
from photoclip.gui import desktop, icons, theme
from photoclip.gui.gradual_zoom import GradualZoom
from photoclip.gui.keys import asks_for_menu
from photoclip.gui.ops import Ops
from photoclip.gui.thumbnails import ThumbnailLoader
from photoclip.ids import PhotoId, RootId
from photoclip.library import Library
from photoclip.search import SearchHit
from photoclip.when import span_words

log = logging.getLogger(__name__)

PAGE = 2000  # ids fetched per page in the library view
_ALL = 1 << 62  # a page of every id there is
PhotoIdRole = Qt.ItemDataRole.UserRole + 1
ScoreRole = Qt.ItemDataRole.UserRole + 2
PathRole = Qt.ItemDataRole.UserRole + 3
FailureRole = Qt.ItemDataRole.UserRole + 4
MarkRole = Qt.ItemDataRole.UserRole + 5  # ThumbnailLoader.mark: "broken", "missing" or None
PHOTO_IDS_MIME = "application/x-photoclip-photo-ids"  # a drag's photos came from this app's grid
DRAG_PICTURE = 96  # logical px: the photo shown under the mouse while photos are dragged out


def format_date(taken_at: str | None) -> str | None:
    """'12 July 2024, 14:05' from the catalog's ISO text; None when unknown. A time of exactly
    midnight is a day without one (a date from a file's name, "PANO_20230705"): '5 July 2023'."""
    if not taken_at:
        return None
    try:
        moment = datetime.fromisoformat(taken_at)
    except ValueError:
        return taken_at
    if moment.time() == datetime.min.time():
        return format_day(moment)
    return f"{format_day(moment)}, {moment:%H:%M}"


def date_line(photo: Photo) -> str | None:
    """When a photo was taken as its views say it: the days its folder names, with where they come
    from ("2015 · from its folder": not 1 January, the first of them), or its date (format_date);
    None when it has none."""
    if photo.taken_at and photo.taken_until:
        try:
            days = span_words(datetime.fromisoformat(photo.taken_at), datetime.fromisoformat(photo.taken_until))
        except ValueError:
            days = photo.taken_at
        return f"{days} · from its folder"
    return format_date(photo.taken_at)


def taken_line(photo: Photo) -> str:
    """date_line, or the file's date where the photo does not say."""
    file_day = format_day(datetime.fromtimestamp(photo.mtime_ns / 1e9))
    return date_line(photo) or f"unknown · file from {file_day}"


def format_day(moment: datetime) -> str:
    """'12 July 2024'."""
    return f"{moment.day} {moment:%B %Y}"


def match_label(score: float | None) -> str | None:
    """How well a photo matched a search or a photo, as the grid's tooltip and the preview say
    it ("0.312"); None where there is nothing worth saying: no score (a listing by date or by
    name), or one of zero or below, which says the photo is no more like what was asked than
    any other (the last photos of "similar to" a rare photo)."""
    if score is None or score <= 0:
        return None
    return f"{score:.3f}"


@dataclass(frozen=True)
class MoreHits:
    """How a search or "similar" shown as its best `asked` hits lists more when the grid is
    scrolled to its end: asked again for twice as many (no more than `most`, the library's
    photos), of which the grid appends those it does not show yet, as Immich scrolls on through
    every result. A page that comes back short was the last."""

    ask: Callable[[Library, int], Sequence[SearchHit]]
    asked: int
    most: int


class GridPosition(NamedTuple):
    """Where a photo is among the grid's: its row of `rows`, and whether the grid lists `more`
    as it scrolls to its end (a search's next hits, the library's next page)."""

    row: int
    rows: int
    more: bool


class PhotoGridModel(QAbstractListModel):
    """Ids in display order, plus the scores and paths of search hits."""

    page_loaded = Signal()  # a page of the library view arrived (tests, bench)
    loading_changed = Signal(bool)

    def __init__(self, ops: Ops, loader: ThumbnailLoader, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ops = ops
        self._loader = loader
        self._ids: list[PhotoId] = []
        self._rows: dict[PhotoId, int] = {}
        self._scores: dict[PhotoId, float] = {}
        self._paths: dict[PhotoId, Path] = {}
        self._learned_paths: dict[PhotoId, Path] = {}  # see learn_paths
        self._asked_paths: set[PhotoId] = set()
        self._root: RootId | None = None
        self._album: Path | None = None  # the album view: the photos directly in this folder
        self._tag: str | None = None  # the tag view: its photos, re-read when tags change
        self._more: MoreHits | None = None  # search hits: how to list more of them
        self._scored = True  # search hits: their scores shown (see show_hits)
        self._file_name: str | None = None
        self._paging = False  # the library view: more ids may be fetched as the view scrolls
        self._exhausted = True
        self._fetching = False
        self._token = 0  # bumped on every change of what is shown; stale pages are dropped
        loader.ready.connect(self._thumbnail_ready)

    # what is shown

    def show_library(self, root: RootId | None = None, album: Path | None = None) -> None:
        """All photos (or one folder's, or one album's), newest first, paged in from the catalog."""
        self._begin_feed(paging=True)
        self._root, self._album = root, album
        self._replace([], {}, {})
        self._fetch_page(0, PAGE, replace=True)

    def show_tagged(self, tag: str) -> None:
        """The photos carrying `tag` (the user's own first, then the surest), read in the background."""
        self._begin_feed(paging=False)
        self._tag = tag
        self._replace([], {}, {})
        self._fetch_tagged()

    def show_hits(self, hits: Sequence[SearchHit], scored: bool = True, file_name: str | None = None,
                  more: MoreHits | None = None) -> None:
        """Search or similarity results, best first (`scored`: with their match scores; a
        listing of a period or a place has none worth showing). With `file_name` (the query
        looked like one), the leading hits named so were listed for their name: their 1.0 is
        no similarity, so they show none. With `more`, `hits` are the best of more, listed as
        the view scrolls to its end (see MoreHits)."""
        self._begin_feed(paging=False)
        self._scored, self._file_name, self._more = scored, file_name, more
        self._exhausted = more is None or len(hits) < more.asked or more.asked >= more.most
        self._replace([h.photo_id for h in hits], self._hit_scores(hits), {h.photo_id: h.path for h in hits})

    def _hit_scores(self, hits: Sequence[SearchHit]) -> dict[PhotoId, float]:
        """The scores shown of `hits`, as show_hits says."""
        scores = {h.photo_id: h.score for h in hits} if self._scored else {}
        if self._file_name is not None:
            prefix = self._file_name.casefold()
            for hit in itertools.takewhile(lambda h: h.path.name.casefold().startswith(prefix), hits):
                scores.pop(hit.photo_id, None)
        return scores

    @property
    def more_hits(self) -> bool:
        """Whether the search hits shown are the best of more, which scrolling to the end lists."""
        return self._more is not None and not self._exhausted

    @property
    def lists_more(self) -> bool:
        """Whether scrolling to the end lists more photos (a page of them may be on its way)."""
        return (self._paging or self._more is not None) and not self._exhausted

    def position(self, row: int) -> GridPosition:
        return GridPosition(row, len(self._ids), self.lists_more)

    @property
    def hits_asked(self) -> int:
        """How many hits the search shown was last asked for (a page on its way counted): what
        asking it again (for photos indexed since) asks for, so the pages scrolled through stay."""
        return self._more.asked if self._more is not None else 0

    def drop_more(self) -> None:
        """Another search is coming: a page of the hits shown, on its way or asked later, is not wanted."""
        if self._more is not None:
            self._token += 1
            self._more, self._exhausted = None, True
            self._set_fetching(False)

    def refresh(self) -> None:
        """The catalog changed: re-read the library or tag view in place (scroll and selection kept)."""
        if self._tag is not None:
            self._token += 1  # a read already on its way may predate the change
            self._fetch_tagged()
        elif self._paging and not self._fetching:
            self._fetch_page(0, max(PAGE, len(self._ids)), replace=True)

    @property
    def tag(self) -> str | None:
        """The tag whose photos are shown, if that is what is shown."""
        return self._tag

    def remove_ids(self, removed: Sequence[PhotoId]) -> None:
        """Photos that left the library disappear from whatever is shown."""
        for pid in removed:
            self._learned_paths.pop(pid, None)
        gone = {pid for pid in removed if pid in self._rows}
        if gone:
            self._loader.forget(list(gone))
            self._replace([pid for pid in self._ids if pid not in gone], self._scores, self._paths)

    def cell(self, row: int) -> tuple[QPixmap | None, str | None]:
        """(thumbnail or None, ThumbnailLoader.mark) of `row`, for the view's painter (no Qt round trip)."""
        pid = self._ids[row]
        return self._loader.pixmap(pid), self._loader.mark(pid)

    @property
    def is_dated(self) -> bool:
        """Whether the rows are in date order (the library, a folder, an album)."""
        return self._paging

    def month_of(self, row: int) -> str | None:
        """'June 2021' for a row of a view ordered by date (the library, a folder, an album):
        when the photo was taken, else its file's date, as the view sorts it. None in other
        views, or while the row's facts have not arrived."""
        if not self._paging or not 0 <= row < len(self._ids):
            return None
        photo = self._loader.photo(self._ids[row])
        if photo is None:
            return None
        try:
            moment = datetime.fromisoformat(photo.taken_at) if photo.taken_at else None
        except ValueError:
            moment = None
        if moment is None:
            moment = datetime.fromtimestamp(photo.mtime_ns / 1e9)
        return f"{moment:%B %Y}"

    def photos_updated(self, photo_ids: Sequence[PhotoId]) -> None:
        """Repaint these rows (their thumbnail or facts may have changed)."""
        for pid in photo_ids:
            self._learned_paths.pop(pid, None)  # moved, perhaps
        rows = [self._rows[pid] for pid in photo_ids if pid in self._rows]
        if rows:
            self.dataChanged.emit(self.index(min(rows), 0), self.index(max(rows), 0))

    @property
    def is_loading(self) -> bool:
        return self._fetching

    @property
    def ids(self) -> list[PhotoId]:
        return list(self._ids)

    def photo_id(self, row: int) -> PhotoId | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def row_of(self, photo_id: PhotoId) -> int | None:
        return self._rows.get(photo_id)

    def path_of(self, photo_id: PhotoId) -> Path | None:
        """Where a photo shown is, once known (a hit's, or read with its thumbnail or the selection)."""
        return self._path(photo_id) if photo_id in self._rows else None

    def score(self, photo_id: PhotoId) -> float | None:
        return self._scores.get(photo_id)

    # Qt model

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._ids):
            return None
        pid = self._ids[index.row()]
        if role == Qt.ItemDataRole.DecorationRole:
            return self._loader.pixmap(pid)
        if role == PhotoIdRole:
            return int(pid)
        if role == ScoreRole:
            return self._scores.get(pid)
        if role == FailureRole:
            return self._loader.failure(pid)
        if role == MarkRole:
            return self._loader.mark(pid)
        if role == PathRole:
            return self._path(pid)
        if role == Qt.ItemDataRole.DisplayRole:
            path = self._path(pid)
            return humanize.shown(path.name) if path else None
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(pid)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            path = self._path(pid)
            return humanize.shown(path.name) if path else "photo"
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        flags = super().flags(index)
        return flags | Qt.ItemFlag.ItemIsDragEnabled if index.isValid() else flags

    def mimeTypes(self) -> list[str]:
        return ["text/uri-list"]

    def supportedDragActions(self) -> Qt.DropAction:
        """Copies only: a drop into a file manager never moves a photo out of its folder."""
        return Qt.DropAction.CopyAction

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData | None:
        """The files of these photos, for a drag out of the grid; None (no drag) while the place of
        one of them is still being read (see learn_paths)."""
        ids = [self._ids[index.row()] for index in indexes if 0 <= index.row() < len(self._ids)]
        paths = [self._path(pid) for pid in ids]
        if not paths or None in paths:
            return None
        data = desktop.files_data([path for path in paths if path is not None])
        data.setData(PHOTO_IDS_MIME, QByteArray(",".join(map(str, ids)).encode()))
        return data

    def learn_paths(self, ids: Sequence[PhotoId]) -> None:
        """Read in the background where these photos are (the selection): a drag needs them all at
        once, and only those of the photos painted so far have been read."""
        missing = [pid for pid in ids if self._path(pid) is None and pid not in self._asked_paths]
        if not missing:
            return
        self._asked_paths.update(missing)

        def arrived(photos: dict[PhotoId, Photo]) -> None:
            self._asked_paths.difference_update(missing)
            self._learned_paths.update((pid, photo.path) for pid, photo in photos.items())

        def failed(exc: BaseException) -> None:
            self._asked_paths.difference_update(missing)
            log.warning("could not read where %d photos are: %s", len(missing), exc)

        self._ops.query(lambda lib: lib.photos(missing), arrived, failed, parent=self)

    def canFetchMore(self, parent: QModelIndex | QPersistentModelIndex) -> bool:
        pages = self._paging or self._more is not None
        return not parent.isValid() and pages and not self._exhausted and not self._fetching

    def fetchMore(self, parent: QModelIndex | QPersistentModelIndex) -> None:
        if not self.canFetchMore(parent):
            return
        if self._more is not None:
            self._fetch_hits(min(2 * self._more.asked, self._more.most))
        else:
            self._fetch_page(len(self._ids), PAGE, replace=False)

    # internals

    def _path(self, pid: PhotoId) -> Path | None:
        path = self._paths.get(pid)
        if path is None:
            photo = self._loader.photo(pid)
            path = photo.path if photo is not None else self._learned_paths.get(pid)
        return path

    def _tooltip(self, pid: PhotoId) -> str:
        lines = []
        path = self._path(pid)
        if path is not None:
            lines.append(f"<b>{_escape(humanize.shown(path.name))}</b>")
        match = match_label(self._scores.get(pid))
        if match is not None:
            lines.append(f"Match: {match}")
        photo = self._loader.photo(pid)
        if photo is not None:
            date = date_line(photo)
            if date:
                lines.append(date)
            if photo.width and photo.height:
                lines.append(humanize.pixel_size(photo.width, photo.height))
        failure = self._loader.failure(pid)
        if failure:
            lines.append(f"<span style='color:#ffb4a0'>No preview: {_escape(failure)}</span>")
        if path is not None:
            lines.append(f"<span style='color:#c9ced6'>{_escape(humanize.shown(path.parent))}</span>")
        return "<br>".join(lines) or "Photo"

    def _begin_feed(self, paging: bool) -> None:
        self._token += 1
        self._tag = None
        self._more = None
        self._paging = paging
        self._exhausted = not paging
        self._set_fetching(False)

    def _set_fetching(self, fetching: bool) -> None:
        if fetching != self._fetching:
            self._fetching = fetching
            self.loading_changed.emit(fetching)

    def load_rest(self, then: Callable[[], None]) -> None:
        """Fetch every photo of the view not paged in yet (of a search, every hit there is), then
        call `then` (unless the view changed meanwhile): Ctrl+A selects them all, not the first
        pages only, and End goes to the last."""
        if self._exhausted:
            then()
        elif self._more is not None:
            self._fetch_hits(self._more.most, then)
        else:
            self._fetch_page(len(self._ids), _ALL, replace=False, then=then)

    def _fetch_page(self, offset: int, limit: int, replace: bool, then: Callable[[], None] | None = None) -> None:
        token, root, album = self._token, self._root, self._album
        self._set_fetching(True)

        def arrived(ids: list[PhotoId]) -> None:
            if token != self._token:
                return  # the user moved on to another view meanwhile
            self._exhausted = len(ids) < limit  # first: the end of loading says whether more follow
            self._set_fetching(False)
            if replace:
                self._replace(ids, {}, {})
            else:
                known = self._rows
                self._append([pid for pid in ids if pid not in known])
            self.page_loaded.emit()
            if then is not None:
                then()

        self._ops.query(lambda lib: lib.photos_by_date(offset, limit, root, album), arrived, self._page_failed(token),
                        parent=self)

    def _fetch_hits(self, limit: int, then: Callable[[], None] | None = None) -> None:
        """Ask the search shown again for `limit` hits and append those not shown, in their order:
        the rows shown stay as they are, and so do the selection and the scroll. One page at a
        time: one on its way is dropped for this one, which holds its hits."""
        assert self._more is not None
        self._token += 1
        token, more = self._token, dataclasses.replace(self._more, asked=limit)
        self._more = more
        self._set_fetching(True)

        def arrived(hits: Sequence[SearchHit]) -> None:
            if token != self._token:
                return  # another search, or another page, meanwhile
            self._exhausted = len(hits) < limit or limit >= more.most
            new = [hit for hit in hits if hit.photo_id not in self._rows]
            scores = self._hit_scores(hits)
            self._scores.update((hit.photo_id, scores[hit.photo_id]) for hit in new if hit.photo_id in scores)
            self._paths.update((hit.photo_id, hit.path) for hit in new)
            self._append([hit.photo_id for hit in new])
            self._set_fetching(False)
            self.page_loaded.emit()
            if then is not None:
                then()

        self._ops.query(lambda lib: more.ask(lib, limit), arrived, self._page_failed(token), parent=self)

    def _page_failed(self, token: int) -> Callable[[BaseException], None]:
        """What a page that could not be read does: says why, and, if the view is still the one it
        was for, asks for no more."""
        def failed(exc: BaseException) -> None:
            if token == self._token:
                self._set_fetching(False)
                self._exhausted = True
            self._ops.error.emit(exc)

        return failed

    def _fetch_tagged(self) -> None:
        token, tag = self._token, self._tag
        assert tag is not None
        self._set_fetching(True)

        def arrived(ids: list[PhotoId]) -> None:
            if token == self._token:
                self._set_fetching(False)
                self._replace(ids, {}, {})
                self.page_loaded.emit()

        def failed(exc: BaseException) -> None:
            if token == self._token:
                self._set_fetching(False)
            self._ops.error.emit(exc)

        self._ops.query(lambda lib: lib.tagged(tag), arrived, failed, parent=self)

    def _append(self, ids: list[PhotoId]) -> None:
        if not ids:
            return
        start = len(self._ids)
        self.beginInsertRows(QModelIndex(), start, start + len(ids) - 1)
        self._ids.extend(ids)
        for offset, pid in enumerate(ids):
            self._rows[pid] = start + offset
        self.endInsertRows()

    def _replace(self, ids: list[PhotoId], scores: dict[PhotoId, float], paths: dict[PhotoId, Path]) -> None:
        """Show `ids`, keeping persistent indexes (selection, current) on the same photos.

        New rows come at the end with row signals, then one layout change puts every photo in
        its place, those that go after the rest (their persistent indexes let go), and rows
        that go leave from the end: the view neither resets nor loses its place, and the
        photos that were at the end keep their selection.
        """
        self._scores, self._paths = dict(scores), dict(paths)
        old = self._ids
        if ids == old:
            return
        if not old or not ids:
            self.beginResetModel()
            self._ids = list(ids)
            self._rows = {pid: row for row, pid in enumerate(self._ids)}
            self.endResetModel()
            return
        if len(ids) > len(old):
            self._append_placeholder_rows(ids[len(old):])
        self.layoutAboutToBeChanged.emit()
        before = self._ids
        new_rows = {pid: row for row, pid in enumerate(ids)}
        going = [pid for pid in before if pid not in new_rows]
        moved_from, moved_to = [], []
        for index in self.persistentIndexList():
            target = new_rows.get(before[index.row()])
            moved_from.append(index)
            moved_to.append(self.index(target, 0) if target is not None else QModelIndex())
        self._ids = list(ids) + going
        self._rows = new_rows
        self.changePersistentIndexList(moved_from, moved_to)
        self.layoutChanged.emit()
        if going:
            self.beginRemoveRows(QModelIndex(), len(ids), len(self._ids) - 1)
            del self._ids[len(ids):]
            self.endRemoveRows()

    def _append_placeholder_rows(self, ids: list[PhotoId]) -> None:
        start = len(self._ids)
        self.beginInsertRows(QModelIndex(), start, start + len(ids) - 1)
        self._ids = self._ids + list(ids)
        self.endInsertRows()

    def _thumbnail_ready(self, photo_id: int) -> None:
        row = self._rows.get(PhotoId(photo_id))
        if row is not None:
            index = self.index(row, 0)
            self.dataChanged.emit(index, index, [Qt.ItemDataRole.DecorationRole])


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class CellPainter:
    """Paints one cell: a rounded square thumbnail, a placeholder, or a broken-file mark.

    Thumbnails arrive already rounded and at the cell's size, and placeholders are drawn
    once per size, so a cell is one blit (plus an outline when selected or hovered, and a
    check mark on each photo of a selection of several)."""

    PAD = 4
    RADIUS = 6.0
    BADGE = 22  # diameter of the check mark of a photo among several selected

    def __init__(self) -> None:
        self._placeholders: dict[tuple[int, bool, float], QPixmap] = {}
        self._selected_pen = QPen(QColor(theme.colours().accent), 3)
        # the keyboard's photo: a dark and a light ring together, seen on a photo of any colour
        self._focus_pens = (QPen(QColor("#ffffff"), 4), QPen(QColor(theme.colours().focus), 2, Qt.PenStyle.DashLine))
        self._focus_inner_pens = (QPen(QColor(0, 0, 0, 160), 3.5), QPen(QColor("#ffffff"), 1.5))
        # a faint edge on every thumbnail: a white photo (a receipt, a page) on the light theme's
        # background, or a black one on the dark theme's, looked like an empty cell
        self._edge_pen = QPen(QColor(255, 255, 255, 36) if theme.colours().dark else QColor(0, 0, 0, 36), 1)
        self._hover_fill = QColor(255, 255, 255, 40)
        self._hover_pen = QPen(QColor(0, 0, 0, 40), 1)
        self._badge_pen = QPen(QColor("#ffffff"), 2)
        self._badge_fill = QColor(theme.colours().accent)

    @classmethod
    def square(cls, cell: QRect) -> QRect:
        """The thumbnail's square inside a cell."""
        rect = cell.adjusted(cls.PAD, cls.PAD, -cls.PAD, -cls.PAD)
        side = min(rect.width(), rect.height())
        return QRect(rect.x() + (rect.width() - side) // 2, rect.y() + (rect.height() - side) // 2, side, side)

    def paint(self, painter: QPainter, cell: QRect, pixmap: QPixmap | None, failed: str | None,
              selected: bool, hover: bool, checked: bool = False, focused: bool = False) -> None:
        """`failed`: ThumbnailLoader.mark, for a cell without its thumbnail. `focused`: the photo the
        keyboard is at (arrows, Ctrl+Space, Enter act there), drawn so whether or not it is selected."""
        square = self.square(cell)
        scale = painter.deviceTransform().m11()
        if pixmap is not None and not pixmap.isNull():
            if pixmap.width() == round(square.width() * scale):
                painter.drawPixmap(self.snapped(painter, square.topLeft()), pixmap)
            else:  # made for cells of another size: shown stretched until the new one comes
                painter.drawPixmap(square, pixmap)
            painter.setPen(self._edge_pen)
            painter.drawRoundedRect(QRectF(square).adjusted(0.5, 0.5, -0.5, -0.5), self.RADIUS, self.RADIUS)
        else:
            placeholder = self._placeholder(square.width(), failed, scale)
            painter.drawPixmap(self.snapped(painter, square.topLeft()), placeholder)
        if selected or hover:
            outline = QRectF(square)
            path = QPainterPath()
            path.addRoundedRect(outline, self.RADIUS, self.RADIUS)
            if selected:
                painter.setPen(self._selected_pen)
                painter.drawRoundedRect(outline.adjusted(1.5, 1.5, -1.5, -1.5), self.RADIUS, self.RADIUS)
            else:
                painter.fillPath(path, self._hover_fill)
                painter.setPen(self._hover_pen)
                painter.drawPath(path)
        if focused and (checked or not selected):
            outline = QRectF(square).adjusted(4.5, 4.5, -4.5, -4.5) if selected else \
                QRectF(square).adjusted(2, 2, -2, -2)
            for pen in self._focus_inner_pens if selected else self._focus_pens:
                painter.setPen(pen)
                painter.drawRoundedRect(outline, self.RADIUS, self.RADIUS)
        if checked:
            badge = QRect(square.left() + 8, square.top() + 8, self.BADGE, self.BADGE)
            painter.setPen(self._badge_pen)
            painter.setBrush(self._badge_fill)
            painter.drawEllipse(badge)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            icons.icon("check", "#ffffff").paint(painter, badge.adjusted(4, 4, -4, -4))

    @staticmethod
    def snapped(painter: QPainter, point: QPoint) -> QPointF:
        """`point` moved to the nearest whole device pixel. A thumbnail drawn there at its own size is
        copied pixel for pixel; at 125 % a cell at x 166 starts at device pixel 207.5, and a 192 px
        thumbnail drawn into its 154 logical px (192.5 device px) square was resampled, and soft."""
        transform = painter.deviceTransform()
        device = transform.map(QPointF(point))
        inverse, _invertible = transform.inverted()
        return inverse.map(QPointF(round(device.x()), round(device.y())))

    def _placeholder(self, side: int, failed: str | None, ratio: float) -> QPixmap:
        key = (side, failed, ratio)
        pixmap = self._placeholders.get(key)
        if pixmap is None:
            pixmap = QPixmap(round(side * ratio), round(side * ratio))
            pixmap.setDevicePixelRatio(ratio)
            pixmap.fill(Qt.GlobalColor.transparent)
            painter = QPainter(pixmap)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            path = QPainterPath()
            path.addRoundedRect(QRectF(0, 0, side, side), self.RADIUS, self.RADIUS)
            painter.fillPath(path, QColor(theme.colours().placeholder))
            glyph = max(16, int(side * 0.22))
            colours = theme.colours()
            marks = {"broken": ("image-broken", colours.danger), "missing": ("folder-offline", colours.muted)}
            name, colour = marks.get(failed or "", ("image", colours.faint))
            icon = icons.icon(name, colour)
            icon.paint(painter, QRect((side - glyph) // 2, (side - glyph) // 2, glyph, glyph))
            painter.end()
            if len(self._placeholders) > 16:
                self._placeholders.clear()
            self._placeholders[key] = pixmap
        return pixmap


class PhotoDelegate(QStyledItemDelegate):
    """For the paths where Qt paints a single item itself (drag images, accessibility);
    the view paints its cells directly (see PhotoGridView.paintEvent)."""

    def __init__(self, cells: CellPainter, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._cells = cells
        self._cell = QSize(180, 180)

    def set_cell(self, size: QSize) -> None:
        self._cell = size

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        return self._cell

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> None:
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        self._cells.paint(painter, QRect(option.rect), index.data(Qt.ItemDataRole.DecorationRole),
                          index.data(MarkRole),
                          bool(option.state & QStyle.StateFlag.State_Selected),
                          bool(option.state & QStyle.StateFlag.State_MouseOver))
        painter.restore()


class PhotoGridView(QListView):
    """Icon-mode list with cells that fill the width, Enter/Space to open, and an empty state.

    Selection is extended, as in a file manager: click selects one photo, Ctrl-click adds or
    takes one, Shift-click (or Shift+arrows) a run, Ctrl+A all of them. A right click
    asks for the context menu (`customContextMenuRequested`), the Menu key or Shift+F10 for the
    photo the keyboard is at (`keyboard_menu_requested`); the window builds it."""

    open_requested = Signal(QModelIndex)
    keyboard_menu_requested = Signal(QPoint)  # where in the viewport: the photo the keyboard is at
    typed = Signal(str)  # letters typed while the grid has the focus: the start of a search
    viewport_moved = Signal()
    thumbnail_side_changed = Signal(int)  # logical px of a cell's square
    cell_target_changed = Signal(int)  # the size asked for (zoomed in or out), to remember it

    CELL_TARGETS = (96, 128, 176, 232, 304, 400)
    """The sizes a cell can be asked to have (Ctrl+wheel, Ctrl+plus and minus): from a year's photos
    at a glance to a few large ones; cells are stretched a little from these to fill the width."""
    DEFAULT_CELL = 176
    DATE_BADGE_MS = 1200  # how long the month stays up after the view last scrolled
    _BADGE_AREA = QSize(280, 56)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("PhotoGrid")
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setMovement(QListView.Movement.Static)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setUniformItemSizes(True)
        self.setLayoutMode(QListView.LayoutMode.SinglePass)  # no batches: the geometry is computed (see doItemsLayout)
        self.setSpacing(0)
        self.setWrapping(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)  # a steady width: no relayout jitter
        self.verticalScrollBar().rangeChanged.connect(self._show_handle_if_scrolling)
        self._show_handle_if_scrolling(0, 0)
        self.setMouseTracking(True)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setDragEnabled(False)
        self.setContentsMargins(0, 0, 0, 0)
        self.setViewportMargins(12, 8, 4, 8)
        self.verticalScrollBar().setSingleStep(40)
        self._cells = CellPainter()
        self._delegate = PhotoDelegate(self._cells, self)
        self.setItemDelegate(self._delegate)
        self._hover_row = -1
        self._pointer: QPoint | None = None  # where the mouse is over the viewport, as last seen
        self._band_origin: QPoint | None = None  # where a drag began, in content coordinates (scrolled along)
        self._band = QRect()  # the rubber band of a drag, as last painted (viewport coordinates)
        self._in_sight = (-1, -1)  # the first and last rows in sight when last scrolled (see resizeEvent)
        self._places: list[tuple[QPersistentModelIndex, int]] = []  # see _hold_place
        self._empty: tuple[str, str, str] = ("library", "", "")
        self._badge_text: str | None = None  # the month at the top while scrolling (date-ordered views)
        self._badge_until = 0.0
        self._scroll_value = 0
        self._badge_timer = QTimer(self)
        self._badge_timer.setSingleShot(True)
        self._badge_timer.timeout.connect(self._hide_date_badge)
        self._paths_timer = QTimer(self)  # once a selection settles, its photos' places are read
        self._paths_timer.setSingleShot(True)
        self._paths_timer.setInterval(50)
        self._paths_timer.timeout.connect(self._learn_selected_paths)
        self.doubleClicked.connect(self.open_requested)
        self.verticalScrollBar().valueChanged.connect(self._scrolled)
        self._cell_target = self.DEFAULT_CELL
        self._gradual = GradualZoom()
        self._zoomed_at: tuple[QPoint, int] | None = None  # where the mouse zoomed, and the photo kept there
        self._fit_cells()

    def _show_handle_if_scrolling(self, _minimum: int, maximum: int) -> None:
        """The scroll bar stays (its width must not come and go), but with nothing to scroll its
        handle is not drawn: a full-length handle beside an empty page looked like a stray bar."""
        bar = self.verticalScrollBar()
        idle = maximum <= 0
        if bar.property("idle") != idle:
            bar.setProperty("idle", idle)
            bar.style().unpolish(bar)
            bar.style().polish(bar)

    def date_badge(self) -> str | None:
        """The month shown over the top of the grid while it scrolls, if any."""
        return self._badge_text if self._badge_shown() else None

    def _badge_shown(self) -> bool:
        """While the user scrolls a view taller than the grid. A view that fits has nothing to
        scroll: its scroll bar moves only when what is shown changes (back to the top from a
        scrolled view), and there the month would sit on a photo for no reason."""
        return time.monotonic() < self._badge_until and self.verticalScrollBar().maximum() > 0

    def reset(self) -> None:
        """Another view: the month of the last one goes with it, and so does the hover of a photo
        that is gone (the mouse lights the photo under it once it moves)."""
        super().reset()
        self._hide_date_badge()
        self._pointer = None
        self._set_hover(-1)

    def setModel(self, model: QAbstractItemModel | None) -> None:
        """Rows that come, go or move are watched, to keep the photos in sight in place (see _hold_place)."""
        old = self.model()  # None too where the old one was deleted
        if old is not None:
            for about, done in self._place_signals(old):
                about.disconnect(self._hold_place)
                done.disconnect(self._keep_place)
        super().setModel(model)
        if model is not None:
            for about, done in self._place_signals(model):
                about.connect(self._hold_place)
                done.connect(self._keep_place)

    @staticmethod
    def _place_signals(model: QAbstractItemModel) -> list[tuple[SignalInstance, SignalInstance]]:
        return [(model.rowsAboutToBeInserted, model.rowsInserted), (model.rowsAboutToBeRemoved, model.rowsRemoved),
                (model.layoutAboutToBeChanged, model.layoutChanged)]

    def _hold_place(self) -> None:
        """Before photos come, go or move: note the photos in sight (the keyboard's first, if in
        sight) and where each is, so that photos added or removed above them (newest first while
        indexing, a refresh in another order, a deletion) do not push them away (see _keep_place).
        At the very top nothing is held: there the new photos arriving are what the user watches."""
        self._places = []
        model = self.model()
        if model is None or self.verticalOffset() == 0:
            return
        self._note_in_sight()
        first, last = self._in_sight
        if first < 0:
            return
        rows = list(range(first, last + 1))
        current = self.currentIndex().row()
        if current in rows:
            rows.insert(0, current)
        self._places = [(QPersistentModelIndex(model.index(row, 0, self.rootIndex())), self.cell_rect(row).top())
                        for row in rows]

    def _keep_place(self) -> None:
        """Scroll so the first held photo still there is where it was (see _hold_place)."""
        places, self._places = self._places, []
        for index, top in places:
            if self._ours(index):
                self.updateGeometries()  # the scroll range with the rows that came or went
                self.verticalScrollBar().setValue(self.verticalOffset() + self.cell_rect(index.row()).top() - top)
                break
        self._rehover()

    def _scrolled(self, value: int) -> None:
        self._note_in_sight()
        self._rehover()
        if self._band.isValid():
            self._update_band()
            self.viewport().update()  # the band's corner at the mouse stays put while the photos scroll
        self.viewport_moved.emit()
        if not getattr(self.model(), "is_dated", False) or self.verticalScrollBar().maximum() == 0:
            self._scroll_value = value
            return
        self._badge_until = time.monotonic() + self.DATE_BADGE_MS / 1000
        self._badge_timer.start(self.DATE_BADGE_MS)
        moved = self._scroll_value - value  # a scroll moves the pixels of the badge painted before
        self._scroll_value = value
        area = self._badge_area()
        self.viewport().update(area)
        self.viewport().update(area.translated(0, moved))

    def _hide_date_badge(self) -> None:
        self._badge_until = 0.0
        self._badge_text = None
        self.viewport().update(self._badge_area())

    def _badge_area(self) -> QRect:
        """Where the badge may be painted: the top right corner."""
        width = self.viewport().width()
        return QRect(max(0, width - self._BADGE_AREA.width()), 0, self._BADGE_AREA.width(), self._BADGE_AREA.height())

    def set_empty_state(self, icon_name: str, title: str, text: str) -> None:
        """What the grid says when it has no rows (no results, nothing indexed yet, ...)."""
        self._empty = (icon_name, title, text)
        self.viewport().update()

    def empty_state(self) -> tuple[str, str, str]:
        return self._empty

    def current_photo_id(self) -> PhotoId | None:
        index = self.currentIndex()
        return PhotoId(index.data(PhotoIdRole)) if index.isValid() else None

    def selected_photo_ids(self) -> list[PhotoId]:
        """The selected photos in grid order."""
        model = self.model()
        return [PhotoId(model.index(row, 0).data(PhotoIdRole)) for row in self._selected_rows()] if model else []

    def selected_count(self) -> int:
        return len(self._selected_rows())

    def _selected_rows(self) -> list[int]:
        """Read from the selection's ranges: selecting 100,000 photos makes no index per photo."""
        selection = self.selectionModel()
        if selection is None:
            return []
        return sorted({row for span in selection.selection() for row in range(span.top(), span.bottom() + 1)})

    def selectAll(self) -> None:
        """Every photo of the view, those not paged in yet too: Delete after Ctrl+A trashed only
        the first pages' photos."""
        model = self.model()
        if isinstance(model, PhotoGridModel):
            model.load_rest(lambda: QListView.selectAll(self))
        else:
            super().selectAll()

    def _learn_selected_paths(self) -> None:
        model = self.model()
        if isinstance(model, PhotoGridModel):
            model.learn_paths(self.selected_photo_ids())

    def select_only_current(self) -> None:
        """Let go of a multiple selection, keeping the photo with the focus selected."""
        index = self.currentIndex()
        if index.isValid():
            self.selectionModel().select(index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        else:
            self.clearSelection()

    def event(self, event: QEvent) -> bool:
        if asks_for_menu(event):
            index = self.currentIndex()
            self.scrollTo(index)
            self.keyboard_menu_requested.emit(self.visualRect(index).center() if index.isValid()
                                              else self.viewport().rect().center())
            event.accept()
            return True
        return super().event(event)

    def keyboard_menu_ids(self) -> list[PhotoId]:
        """What a menu opened from the keyboard acts on: the selection, or the photo the keyboard
        is at where Ctrl+arrows moved it off the selection (as in a file manager)."""
        index, selection = self.currentIndex(), self.selectionModel()
        if index.isValid() and selection is not None and not selection.isSelected(index):
            return [PhotoId(index.data(PhotoIdRole))]
        return self.selected_photo_ids()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        plain = not event.modifiers() & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.MetaModifier)
        model = self.model()
        if event.key() == Qt.Key.Key_End and isinstance(model, PhotoGridModel):
            extend = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
            model.load_rest(lambda: self._to_last(extend))
            event.accept()
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) or (event.key() == Qt.Key.Key_Space and plain):
            index = self.currentIndex()
            if not index.isValid() and self.model() is not None and self.model().rowCount() > 0:
                index = self.model().index(0, 0)
                self.setCurrentIndex(index)
            if index.isValid():
                self.open_requested.emit(index)
                event.accept()
                return
        super().keyPressEvent(event)

    def currentChanged(self, current: QModelIndex, previous: QModelIndex) -> None:
        """Screen readers hear the photo the keyboard moved to: QListView names it by the place
        its own layout gave it, which this grid, placing its cells itself, leaves empty."""
        super().currentChanged(current, previous)
        if QAccessible.isActive() and current.isValid() and self.hasFocus():
            event = QAccessibleEvent(self, QAccessible.Event.Focus)
            event.setChild(current.row())
            QAccessible.updateAccessibility(event)

    def focusInEvent(self, event: QFocusEvent) -> None:
        """Tabbed into with no photo current, the first one is selected: Qt would make it current
        unmarked, so nothing showed where the keyboard was and → went to the second photo."""
        tabbed = event.reason() in (Qt.FocusReason.TabFocusReason, Qt.FocusReason.BacktabFocusReason)
        model = self.model()
        if tabbed and not self.currentIndex().isValid() and model is not None and model.rowCount() > 0:
            self.setCurrentIndex(model.index(0, 0))
        super().focusInEvent(event)
        self.viewport().update()  # the photo the keyboard is at shows it

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self.viewport().update()

    def keyboardSearch(self, search: str) -> None:
        """Typing starts a search (the window's field) instead of jumping to a photo whose
        file name begins with the letters typed, which no one reads in a grid of pictures. A
        space starts none: Ctrl+Space marks the photo at the keyboard, as in any list."""
        if search.strip():
            self.typed.emit(search)

    def _to_last(self, extend: bool) -> None:
        """End: the last photo of the view, the oldest (every page loaded first), shown; with
        Shift, the selection reaches it."""
        model = self.model()
        if model is None or model.rowCount() == 0:
            return
        last = model.index(model.rowCount() - 1, 0)
        current = self.currentIndex()
        if extend and current.isValid():
            self.selectionModel().select(QItemSelection(current, last), QItemSelectionModel.SelectionFlag.Select)
            self.selectionModel().setCurrentIndex(last, QItemSelectionModel.SelectionFlag.NoUpdate)
        else:
            self.selectionModel().setCurrentIndex(last, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        self.scrollTo(last)

    def resizeEvent(self, event: QEvent) -> None:
        """The photos in sight stay in sight: the first one at the top, and the one the keyboard is
        at, if it was in sight (a window made narrower has more lines above them). What was in
        sight is as it was last scrolled: the viewport has its new size already."""
        first, last = self._in_sight
        current = self.currentIndex()
        super().resizeEvent(event)
        self._fit_cells()
        self.updateGeometries()  # the scroll range for the new width now, not after QListView's 100 ms
        if 0 <= first < self._count():
            self.verticalScrollBar().setValue((first // self._columns()) * self.gridSize().height())
        if current.isValid() and first <= current.row() <= last:
            self.scrollTo(current)
        self._note_in_sight()

    @property
    def cell_target(self) -> int:
        """The cell size asked for (one of CELL_TARGETS), before cells stretch to fill the width."""
        return self._cell_target

    def zoom(self, steps: int, anchor: QPoint | None = None) -> bool:
        """Larger cells (`steps` > 0) or smaller ones, by that many of CELL_TARGETS that change them
        (in a window of some width, two sizes make as many columns); False at either end. The photo
        at `anchor` (viewport coordinates: under the mouse) stays at its height."""
        chosen = self._stepped_target(steps)
        if chosen == self._cell_target:
            return False
        self.set_cell_target(chosen, anchor)
        return True

    def can_zoom(self, steps: int) -> bool:
        """Whether zoom(steps) would change the cells (the View menu greys what would not)."""
        return self._stepped_target(steps) != self._cell_target

    def _stepped_target(self, steps: int) -> int:
        """The cell target `steps` sizes that change the cells away (the one now at either end)."""
        sizes, chosen = self.CELL_TARGETS, self._cell_target
        side = self._side_for(chosen)
        for _ in range(abs(steps)):
            further = [size for size in (sizes if steps > 0 else sizes[::-1])
                       if (size > chosen if steps > 0 else size < chosen)]
            changing = next((size for size in further if self._side_for(size) != side), None)
            if changing is None:
                break
            chosen, side = changing, self._side_for(changing)
        return chosen

    def set_cell_target(self, target: int, anchor: QPoint | None = None) -> None:
        """Cells of about `target` px (the nearest of CELL_TARGETS: a size remembered by another
        version). What was in sight stays: the photo at `anchor` where it is; without one, the
        photo the keyboard is at, if in sight, else the first one in sight, at the top. From the
        keyboard, a grid at its top stays there, and the photo the keyboard is at stays whole in
        sight: kept at its centre's height, the first line of photos was cut off at the top."""
        target = min(self.CELL_TARGETS, key=lambda size: abs(size - target))
        if target == self._cell_target:
            return
        row, y = self._zoom_anchor(anchor)
        at_top = self.verticalOffset() == 0
        current = self.currentIndex()
        keep_whole = anchor is None and current.isValid() and row == current.row()
        height = max(1, self.gridSize().height())
        within = 0.0 if row < 0 else (y + self.verticalOffset() - (row // self._columns()) * height) / height
        self._cell_target = target
        self._fit_cells()
        self.updateGeometries()
        if anchor is None and at_top:
            self.verticalScrollBar().setValue(0)
        elif row >= 0:
            height = self.gridSize().height()
            self.verticalScrollBar().setValue(round((row // self._columns() + within) * height) - y)
        if keep_whole:
            self.scrollTo(current)
        self._note_in_sight()
        self.viewport().update()
        self.cell_target_changed.emit(target)

    def _zoom_anchor(self, anchor: QPoint | None) -> tuple[int, int]:
        """The row a zoom keeps in place, and the viewport's y it is kept at (-1: none). Zoomed
        again with the mouse where it was, the photo is the one it first zoomed on: the photo
        under it now may be another, as a line holds more or fewer photos at each size."""
        if anchor is not None:
            if self._zoomed_at is not None and self._zoomed_at[0] == anchor and self._zoomed_at[1] < self._count():
                return self._zoomed_at[1], anchor.y()
            index = self.indexAt(anchor)
            self._zoomed_at = (QPoint(anchor), index.row()) if index.isValid() else None
            if index.isValid():
                return index.row(), anchor.y()
        current, (first, last) = self.currentIndex(), self._in_sight
        if self._ours(current) and first <= current.row() <= last:
            rect = self.cell_rect(current.row())
            if self.viewport().rect().contains(rect.center()):
                return current.row(), rect.center().y()
        return (first, 0) if first >= 0 else (-1, 0)

    def _note_in_sight(self) -> None:
        """The first and last rows in sight now (whole or in part): what a resize keeps in sight."""
        grid, columns = self.gridSize(), self._columns()
        if self._count() == 0 or grid.height() <= 0:
            self._in_sight = (-1, -1)
            return
        top = self.verticalOffset()
        self._in_sight = ((top // grid.height()) * columns,
                          min(self._count(), ((top + self.viewport().height() - 1) // grid.height() + 1) * columns) - 1)

    def _side_for(self, target: int) -> int:
        """A cell's side for cells of about `target` px: as many columns as come nearest, stretched to
        fill the width, none smaller than the smallest size (no gap at the right of the last)."""
        width = max(1, self.viewport().width() - 1)
        columns = max(1, min(round(width / target), width // self.CELL_TARGETS[0]))
        return max(self.CELL_TARGETS[0], width // columns)

    def _fit_cells(self) -> None:
        """As many columns of about the cell target's px as fit, stretched to fill the width."""
        side = self._side_for(self._cell_target)
        cell = QSize(side, side)
        if cell != self.gridSize():
            self._delegate.set_cell(cell)
            self.setGridSize(cell)
            self.thumbnail_side_changed.emit(CellPainter.square(QRect(0, 0, side, side)).width())

    # The geometry of a uniform grid, computed. QListView lays every item out anew (in C++, on the
    # GUI thread) whenever rows come or go or are reordered: with 100,000 photos that is 140-260 ms
    # for each page of 2,000 ids paged in while scrolling, and for each refresh while indexing. Every
    # cell here is the same size, so where a row is, and which row is at a point, is arithmetic.

    def doItemsLayout(self) -> None:
        """No per-item layout: the scroll range, and a repaint (QAbstractItemView's own)."""
        QAbstractItemView.doItemsLayout(self)

    def updateGeometries(self) -> None:
        grid, viewport = self.gridSize(), self.viewport()
        bar = self.verticalScrollBar()
        count = self._count()
        bar.setPageStep(max(1, viewport.height()))
        if count == 0 or grid.height() <= 0:
            bar.setRange(0, 0)
        else:
            lines = -(-count // self._columns())
            bar.setRange(0, max(0, lines * grid.height() - viewport.height()))
        self.horizontalScrollBar().setRange(0, 0)
        QAbstractItemView.updateGeometries(self)
        self._note_in_sight()

    def horizontalOffset(self) -> int:
        return 0

    def verticalOffset(self) -> int:
        return self.verticalScrollBar().value()

    def visualRect(self, index: QModelIndex | QPersistentModelIndex) -> QRect:
        if not self._ours(index):
            return QRect()
        return self.cell_rect(index.row())

    def indexAt(self, point: QPoint) -> QModelIndex:
        grid, model = self.gridSize(), self.model()
        if model is None or grid.width() <= 0 or grid.height() <= 0 or point.x() < 0:
            return QModelIndex()
        column, y = point.x() // grid.width(), point.y() + self.verticalOffset()
        if column >= self._columns() or y < 0:
            return QModelIndex()
        row = (y // grid.height()) * self._columns() + column
        return model.index(row, 0, self.rootIndex()) if row < self._count() else QModelIndex()

    def scrollTo(self, index: QModelIndex | QPersistentModelIndex,
                 hint: QAbstractItemView.ScrollHint = QAbstractItemView.ScrollHint.EnsureVisible) -> None:
        self.executeDelayedItemsLayout()  # the scroll range of rows just added
        rect = self.visualRect(index)
        if not rect.isValid():
            return
        area, bar = self.viewport().rect(), self.verticalScrollBar()
        hints = QAbstractItemView.ScrollHint
        if hint == hints.PositionAtTop or (hint == hints.EnsureVisible and
                                           (rect.top() < area.top() or rect.height() > area.height())):
            bar.setValue(bar.value() + rect.top() - area.top())
        elif hint == hints.PositionAtBottom or (hint == hints.EnsureVisible and rect.bottom() > area.bottom()):
            bar.setValue(bar.value() + rect.bottom() - area.bottom())
        elif hint == hints.PositionAtCenter:
            bar.setValue(bar.value() + rect.center().y() - area.center().y())

    def moveCursor(self, action: QAbstractItemView.CursorAction, modifiers: Qt.KeyboardModifier) -> QModelIndex:
        """As QListView moves in its icon mode: left and right in reading order, up and down a
        line of cells (to the last photo from above a shorter last line), a page a screen's lines."""
        model, count = self.model(), self._count()
        if model is None or count == 0:
            return QModelIndex()
        current = self.currentIndex()
        if not self._ours(current):
            return model.index(0, 0, self.rootIndex())
        row, columns = current.row(), self._columns()
        page = max(1, self.viewport().height() // max(1, self.gridSize().height())) * columns  # whole lines
        actions = QAbstractItemView.CursorAction
        target = {
            actions.MoveLeft: row - 1, actions.MoveRight: row + 1,
            actions.MoveUp: row - columns, actions.MovePrevious: row - columns,
            actions.MoveDown: row + columns, actions.MoveNext: row + columns,
            actions.MovePageUp: row - page, actions.MovePageDown: row + page,
            actions.MoveHome: 0, actions.MoveEnd: count - 1,
        }.get(action, row)
        if action in (actions.MoveLeft, actions.MoveRight) and not 0 <= target < count:
            return current
        if action in (actions.MoveUp, actions.MovePrevious, actions.MovePageUp) and target < 0:
            target = row % columns if action == actions.MovePageUp and row >= columns else row
        if action in (actions.MoveDown, actions.MoveNext, actions.MovePageDown) and target >= count:
            last_line = (count - 1) // columns
            target = row if row // columns == last_line else min(count - 1, last_line * columns + row % columns)
        return model.index(max(0, min(count - 1, target)), 0, self.rootIndex())

    def setSelection(self, rect: QRect, command: QItemSelectionModel.SelectionFlag) -> None:
        """The cells `rect` (viewport coordinates, from the anchor's point to the current one)
        selects, as QListView selects them: a click's point the cell under it, Shift (a click or
        a key) the photos from one to the other in their order, a drag the block of cells between."""
        selection, model = self.selectionModel(), self.model()
        if selection is None or model is None:
            return
        chosen = QItemSelection()
        if rect.width() == 1 and rect.height() == 1:
            index = self.indexAt(rect.topLeft())
            if index.isValid():
                chosen.select(index, index)
        elif self.state() != QAbstractItemView.State.DragSelectingState:
            rows = sorted(self._row_near(point) for point in (rect.topLeft(), rect.bottomRight()))
            if rows[1] >= 0:
                root = self.rootIndex()
                chosen.select(model.index(max(0, rows[0]), 0, root), model.index(rows[1], 0, root))
        else:
            grid, columns, count = self.gridSize(), self._columns(), self._count()
            left, right = sorted((rect.left(), rect.right()))
            top, bottom = (y + self.verticalOffset() for y in sorted((rect.top(), rect.bottom())))
            if count and grid.width() > 0 and grid.height() > 0 and right >= 0 and bottom >= 0 \
                    and left < columns * grid.width():
                first_column, last_column = max(0, left // grid.width()), min(columns - 1, right // grid.width())
                first_line, last_line = max(0, top // grid.height()), bottom // grid.height()
                root = self.rootIndex()
                if first_column == 0 and last_column == columns - 1:
                    spans = [(first_line * columns, (last_line + 1) * columns - 1)]
                else:
                    spans = [(line * columns + first_column, line * columns + last_column)
                             for line in range(first_line, last_line + 1)]
                for start, end in spans:
                    end = min(end, count - 1)
                    if start <= end:
                        chosen.select(model.index(start, 0, root), model.index(end, 0, root))
        selection.select(chosen, command)

    def _row_near(self, point: QPoint) -> int:
        """The photo at `point`, or the last one for a point past it (below the last line); -1 for none."""
        index = self.indexAt(point)
        if index.isValid():
            return index.row()
        count = self._count()
        grid = self.gridSize()
        if count == 0 or grid.height() <= 0:
            return -1
        line = (point.y() + self.verticalOffset()) // grid.height()
        column = min(self._columns() - 1, max(0, point.x() // max(1, grid.width())))
        return max(0, min(count - 1, line * self._columns() + column))

    def visualRegionForSelection(self, selection: QItemSelection) -> QRegion:
        """The visible cells of `selection` (what a change of it repaints)."""
        region = QRegion()
        grid = self.gridSize()
        if grid.height() <= 0:
            return region
        columns, top = self._columns(), self.verticalOffset()
        first = (top // grid.height()) * columns
        last = ((top + self.viewport().height()) // grid.height() + 1) * columns - 1
        for span in selection:
            if span.parent() != self.rootIndex():
                continue
            for row in range(max(span.top(), first), min(span.bottom(), last) + 1):
                region += self.cell_rect(row)
        return region

    def _ours(self, index: QModelIndex | QPersistentModelIndex) -> bool:
        return (index.isValid() and index.model() is self.model() and index.parent() == self.rootIndex()
                and index.column() == 0 and index.row() < self._count())

    def _count(self) -> int:
        model = self.model()
        return model.rowCount(self.rootIndex()) if model is not None else 0

    def cell_rect(self, row: int) -> QRect:
        """Where cell `row` is in the viewport."""
        grid = self.gridSize()
        columns = self._columns()
        return QRect((row % columns) * grid.width() - self.horizontalOffset(),
                     (row // columns) * grid.height() - self.verticalOffset(), grid.width(), grid.height())

    def _columns(self) -> int:
        """How many cells a line holds: as many as fit the viewport's width (QListView's rule)."""
        return max(1, self.viewport().width() // max(1, self.gridSize().width()))

    def paintEvent(self, event: QPaintEvent) -> None:
        """Paint the visible cells in one Python call.

        QListView's own paint calls the delegate and the model once per cell from C++; each
        of those calls must take the GIL back from the worker's threads, which under load
        costs milliseconds apiece. Here the whole frame is one call."""
        model = self.model()
        count = model.rowCount() if model is not None else 0
        if count == 0:
            self._paint_empty_state()
            return
        grid = self.gridSize()
        columns = self._columns()
        area = event.rect()
        top = self.verticalOffset()
        first = max(0, (area.top() + top) // grid.height()) * columns
        last = min(count - 1, ((area.bottom() + top) // grid.height() + 1) * columns - 1)
        selection = self.selectionModel()
        root = self.rootIndex()
        spans = selection.selection() if selection is not None else []
        several = len(spans) > 1 or (len(spans) == 1 and spans[0].height() > 1)
        focused, current = self.hasFocus(), self.currentIndex().row()
        cell = getattr(model, "cell", None)
        painter = QPainter(self.viewport())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        for row in range(first, last + 1):
            rect = self.cell_rect(row)
            if not rect.intersects(area):
                continue
            if cell is not None:
                pixmap, failed = cell(row)
            else:
                index = model.index(row, 0)
                pixmap, failed = index.data(Qt.ItemDataRole.DecorationRole), index.data(MarkRole)
            selected = selection is not None and selection.isRowSelected(row, root)
            self._cells.paint(painter, rect, pixmap, failed, selected, row == self._hover_row, selected and several,
                              focused and row == current)
        if self._badge_shown():
            self._paint_date_badge(painter, (top // grid.height()) * columns)
        if self._band.isValid():
            highlight = self.palette().color(QPalette.ColorRole.Highlight)
            fill = QColor(highlight)
            fill.setAlpha(56)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)  # a crisp 1 px edge
            painter.setPen(QPen(highlight, 1))
            painter.setBrush(fill)
            painter.drawRect(self._band.adjusted(0, 0, -1, -1))
        painter.end()

    def _paint_date_badge(self, painter: QPainter, top_row: int) -> None:
        """The month of the photos at the top, in a pill at the top right (the last one known
        while their facts are on their way)."""
        month = self.model().month_of(top_row)
        if month is not None:
            self._badge_text = month
        if not self._badge_text:
            return
        font = QFont(self.font())
        font.setWeight(QFont.Weight.DemiBold)
        painter.setFont(font)
        metrics = painter.fontMetrics()
        area = self._badge_area()
        width = min(area.width() - 12, metrics.horizontalAdvance(self._badge_text) + 28)
        height = min(area.height() - 10, metrics.height() + 12)
        pill = QRect(area.right() - width - 11, 10, width, height)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(29, 35, 48, 210))
        painter.drawRoundedRect(QRectF(pill), height / 2, height / 2)
        painter.setPen(QColor("#ffffff"))
        painter.drawText(pill, Qt.AlignmentFlag.AlignCenter, self._badge_text)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        """A drag from a selected photo takes the selection out of the app (into a folder, a mail,
        a chat: copies), as in a file manager; from any other photo it draws a band to select."""
        self._band_origin = event.position().toPoint() + QPoint(0, self.verticalOffset())
        index, selection = self.indexAt(event.position().toPoint()), self.selectionModel()
        self.setDragEnabled(event.button() == Qt.MouseButton.LeftButton and index.isValid()
                            and not event.modifiers() and selection is not None and selection.isSelected(index))
        super().mousePressEvent(event)

    def startDrag(self, supportedActions: Qt.DropAction) -> None:
        """The files of the selection, shown by the photo the drag began at and how many go."""
        model = self.model()
        data = model.mimeData(self.selectedIndexes()) if model is not None else None
        if data is None:
            return
        drag = QDrag(self)
        drag.setMimeData(data)
        drag.setPixmap(self._drag_picture(self.selected_count()))
        drag.exec(Qt.DropAction.CopyAction, Qt.DropAction.CopyAction)

    def _drag_picture(self, count: int) -> QPixmap:
        ratio = self.devicePixelRatioF()
        side = round(DRAG_PICTURE * ratio)
        picture = QPixmap(side, side)
        picture.fill(Qt.GlobalColor.transparent)
        thumbnail = self.currentIndex().data(Qt.ItemDataRole.DecorationRole)
        painter = QPainter(picture)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if isinstance(thumbnail, QPixmap) and not thumbnail.isNull():
            scaled = thumbnail.scaled(side, side, Qt.AspectRatioMode.KeepAspectRatio,
                                      Qt.TransformationMode.SmoothTransformation)
            painter.drawPixmap((side - scaled.width()) // 2, (side - scaled.height()) // 2, scaled)
        else:
            painter.fillRect(picture.rect(), self.palette().color(QPalette.ColorRole.Mid))
        if count > 1:
            text = str(count)
            font = QFont(self.font())
            font.setBold(True)
            font.setPixelSize(round(13 * ratio))
            painter.setFont(font)
            width = max(QFontMetrics(font).horizontalAdvance(text) + round(12 * ratio), round(24 * ratio))
            pill = QRect(side - width, 0, width, round(24 * ratio))
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(self.palette().color(QPalette.ColorRole.Highlight))
            painter.drawRoundedRect(pill, pill.height() / 2, pill.height() / 2)
            painter.setPen(self.palette().color(QPalette.ColorRole.HighlightedText))
            painter.drawText(pill, Qt.AlignmentFlag.AlignCenter, text)
        painter.end()
        picture.setDevicePixelRatio(ratio)
        return picture

    def selectionChanged(self, selected: QItemSelection, deselected: QItemSelection) -> None:
        super().selectionChanged(selected, deselected)
        self._paths_timer.start()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        super().mouseMoveEvent(event)
        self._pointer = event.position().toPoint()
        self._zoomed_at = None
        self._rehover()
        self._update_band()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        super().mouseReleaseEvent(event)
        self._band_origin = None
        self._update_band()

    def wheelEvent(self, event: QWheelEvent) -> None:
        self._pointer = event.position().toPoint()
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            turned, at = event.angleDelta(), self._pointer
            self._gradual.zoom((turned.y() or turned.x()) / 120, lambda step: self.zoom(step, at))
            event.accept()
            return
        self._zoomed_at = None
        super().wheelEvent(event)

    def viewportEvent(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.NativeGesture and event.gestureType() == Qt.NativeGestureType.ZoomNativeGesture:
            at = event.position().toPoint()
            self._gradual.zoom(event.value() / 0.25, lambda step: self.zoom(step, at))
            event.accept()
            return True
        if event.type() == QEvent.Type.Leave:  # to the scroll bar too, where the view itself is not left
            self._pointer = None
            self._rehover()
        return super().viewportEvent(event)

    def _update_band(self) -> None:
        """The rubber band of a drag over the grid, from where it began (scrolled with the photos)
        to the mouse, as file managers draw it; none once the drag ends."""
        band = QRect()
        if self._band_origin is not None and self._pointer is not None \
                and self.state() == QAbstractItemView.State.DragSelectingState and self.isSelectionRectVisible():
            band = QRect(self._band_origin - QPoint(0, self.verticalOffset()), self._pointer).normalized()
        if band != self._band:
            self.viewport().update(self._band.united(band).adjusted(-1, -1, 1, 1))
            self._band = band

    def _rehover(self) -> None:
        """Light the photo under the mouse now: the photos may have moved under a still mouse
        (scrolled by the wheel or the keyboard, photos added or removed above it)."""
        index = self.indexAt(self._pointer) if self._pointer is not None else QModelIndex()
        self._set_hover(index.row() if index.isValid() else -1)

    def _set_hover(self, row: int) -> None:
        if row != self._hover_row:
            for old in (self._hover_row, row):
                if old >= 0:
                    self.viewport().update(self.cell_rect(old))
            self._hover_row = row

    def _paint_empty_state(self) -> None:
        """The icon, title and text of an empty view, in boxes as tall as their lines at the font
        they are drawn in (a large font or a long message was cut off), and higher up where needed."""
        icon_name, title, text = self._empty
        if not title:
            return
        painter = QPainter(self.viewport())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        area = self.viewport().rect()
        font = QFont(self.font())
        font.setPointSizeF(theme.point_size(font) * 1.35)
        font.setWeight(QFont.Weight.DemiBold)
        wrap = Qt.AlignmentFlag.AlignHCenter | Qt.TextFlag.TextWordWrap
        title_width = area.width() - 48
        title_height = max(32, QFontMetrics(font).boundingRect(QRect(0, 0, title_width, 10_000), wrap, title).height())
        text_width = min(area.width() - 48, max(460, self.fontMetrics().averageCharWidth() * 65))
        text_height = self.fontMetrics().boundingRect(QRect(0, 0, text_width, 10_000), wrap, text).height()
        top = max(0, min(area.height() // 2 - 90, (area.height() - 76 - title_height - text_height) // 2))
        icons.icon(icon_name, theme.colours().faint).paint(painter, QRect(area.width() // 2 - 28, top, 56, 56))
        painter.setFont(font)
        painter.setPen(QColor(theme.colours().text))
        title_rect = QRect(area.left() + 24, top + 70, title_width, title_height)
        painter.drawText(title_rect, wrap | Qt.AlignmentFlag.AlignVCenter, title)
        painter.setFont(self.font())
        painter.setPen(QColor(theme.colours().muted))
        painter.drawText(QRect((area.width() - text_width) // 2, title_rect.bottom() + 7, text_width, text_height),
                         wrap, text)
        painter.end()
