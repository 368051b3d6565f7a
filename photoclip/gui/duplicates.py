"""The Duplicates page: groups of copies of one photo, the copy kept in each marked, the others
moved to the system trash after one confirmation.

Clicking a photo switches it between kept and trashed; one photo of a group always stays, so
a group can never be emptied. Every photo the trash button moves is one the user can see and
keep: a group's photos wrap onto as many lines as the page's width needs (never a sideways
scroll that hides some), and the photos of a huge group not shown yet stay where they are.
The user's choices are remembered by photo, not by group: finding the groups again (another
similarity, photos added) never puts a photo they kept back in the trash.

From the keyboard, Tab reaches the photos, the arrow keys move among them (left and right in
reading order, up and down a line of photos, then to the group above or below) and Space
switches one. "Not duplicates" keeps the whole group and remembers it; "Compare" (or a
double-click on a photo) shows its photos large, side by side, with their facts. Groups are
shown a page at a time (each photo is a small widget here, unlike the grid); the choice of how
alike photos must be is the library's similarity, from copies only to burst shots.

The groups are found again when photos were added or changed since (the window calls
`reload_if_stale` when the worker goes idle), unless the user is mid-way: then a "Look
again" button offers it instead of the page changing under their hands.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Collection, Mapping, Sequence
from pathlib import Path

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QFontMetrics, QKeyEvent, QMouseEvent, QPixmap, QResizeEvent
from PySide6.QtWidgets import (
    QApplication,
    QBoxLayout,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from photoclip import humanize
from photoclip.catalog import Photo
from photoclip.dedup import DuplicateGroup, TrashResult, named_a_conflict_copy, why_kept, why_kept_too
from photoclip.gui import icons
from photoclip.gui.compare import CompareDialog, compared
from photoclip.gui.flow_layout import FlowLayout
from photoclip.gui.ops import Ops
from photoclip.gui.sidebar import album_names
from photoclip.gui.thumbnails import ThumbnailLoader
from photoclip.gui.wrapping import file_path, right_to_left
from photoclip.humanize import plural
from photoclip.ids import PhotoId

LEVELS = (
    ("Copies of the same photo", 0.99),
    ("Also near copies (edits, crops)", 0.97),
    ("Also similar shots (bursts)", 0.94),
)
PAGE = 40  # groups added at a time...
PAGE_TILES = 480  # ... or fewer once their photos reach this many: each photo is a widget
GROUP_TILES = 200  # photos of one group shown at a time; the rest stay where they are until shown
FIRST_TILES = 24  # photos of a group added at once; more (a big group's) a slice of GUI time at a time...
SLICE_S = 0.008  # ... this long, and then the window repaints and answers before more are added
TILE_SIDE = 132
TILE_LINE_CHARS = 18  # a tile's text is at least this many average characters wide (a large font widens it)
KEEP, TRASH = "✓ Keep", "Move to trash"
KEEP_FOR_ALBUM = "✓ Keep · album"  # a copy kept too by default: the only one in an album of the user's
KEEP_AS_VERSION = "✓ Keep · version"  # ... or a sync tool's conflict copy of other bytes: another version
SWITCH_KEYS = (Qt.Key.Key_Space, Qt.Key.Key_Return, Qt.Key.Key_Enter)
STEP_KEYS = (Qt.Key.Key_Left, Qt.Key.Key_Right, Qt.Key.Key_Up, Qt.Key.Key_Down)


def kept_of(members: Sequence[PhotoId], keeper: PhotoId, choices: Mapping[PhotoId, bool],
            kept_too: Collection[PhotoId] = ()) -> set[PhotoId]:
    """The photos of a group to keep: what the user chose for each, wherever they chose it (at
    another similarity, before the groups were found again), else the group's keeper and the
    copies kept too for their albums (DuplicateGroup.kept_too).
    One always stays: if the user sent every photo here to the trash elsewhere, the first they
    made no choice for stays, or else the keeper (keeping is the mistake that can be undone)."""
    kept = {pid for pid in members if choices.get(pid, pid == keeper or pid in kept_too)}
    if not kept:
        kept.add(next((pid for pid in members if pid not in choices), keeper))
    return kept


def _button(text: str) -> QPushButton:
    """A button that Enter presses as well as Space, as a keyboard user expects (outside a
    dialog, Qt's buttons take Space only)."""
    button = QPushButton(text)
    button.setAutoDefault(True)
    return button


def group_folders(folders: Sequence[Path]) -> list[str]:
    """A name for each copy's folder that says where it is among its group's: the way down from
    the folder they share ("Backup/2023", "WhatsApp Images", "Camera"), the folder's own name
    for the one they share, at most its last two folders when the way is longer. A backup's
    year folder named alone ("2023") hid that it is the backup."""
    try:
        shared = Path(os.path.commonpath(folders))
    except ValueError:  # other drives (Windows)
        return album_names(folders)
    names = []
    for folder in folders:
        parts = folder.relative_to(shared).parts or (folder.name or str(folder),)
        names.append("/".join(parts) if len(parts) <= 2 else "…/" + "/".join(parts[-2:]))
    return names


def trashable(group: DuplicateGroup) -> tuple[PhotoId, ...]:
    """The photos of a group "Move to trash" may move: those it shows (or will, on its page)."""
    return group.members[:GROUP_TILES]


def first_differences(names: Sequence[str]) -> list[int]:
    """Where each name of a group stops being the start of another's: the letters it shares with
    the name most like it. Sorted, the name most like each is beside it, so a group of thousands
    takes no longer than its sort."""
    order = sorted(range(len(names)), key=names.__getitem__)
    shared = [0] * len(names)
    for a, b in zip(order, order[1:]):
        common = len(os.path.commonprefix([names[a], names[b]]))
        shared[a], shared[b] = max(shared[a], common), max(shared[b], common)
    return shared


def _elided_from(text: str, at: int, metrics: QFontMetrics, width: int) -> str:
    """`text` cut to `width` with its letters from `at` on kept in view: its start cut ("…Mudgal -
    Copy.jpg"), or else its start and its middle, from the word of `at` on ("…(1) edi…final.jpg")."""
    if not 0 < at < len(text):  # the name's differing letters are not here (or it differs nowhere)
        return metrics.elidedText(text, Qt.TextElideMode.ElideMiddle, width)
    start_cut = metrics.elidedText(text, Qt.TextElideMode.ElideLeft, width)
    if len(text) - (len(start_cut) - 1) <= at:
        return start_cut
    word = max(text.rfind(mark, 0, at) for mark in " _-.") + 1
    start = word if at - word <= 6 else at
    ellipsis = "…" if start else ""
    rest = metrics.elidedText(text[start:], Qt.TextElideMode.ElideMiddle, width - metrics.horizontalAdvance(ellipsis))
    return ellipsis + rest


def two_lines(text: str, metrics: QFontMetrics, width: int, differs_at: int = 0) -> str:
    """`text` on a line if it fits, else on two: as much as fits on the first, the rest on the
    second, cut if it is still too long so that its letters from `differs_at` on stay in view (where
    the name differs from its group's others'). A file name has no spaces to wrap at, and cut in
    its middle on one line, "IMG_20190612_0001.jpg" and "IMG_20190613_0001.jpg" both read
    "IMG_20…01.jpg"; cut in the middle of its second line, "umang by Abhishek_Mudgal.jpg" and its
    "… - Copy.jpg" both read "Abhishe…" and lost the letters that tell them apart."""
    if metrics.horizontalAdvance(text) <= width:
        return text
    cut = len(text) - 1
    while cut > 1 and metrics.horizontalAdvance(text[:cut]) > width:
        cut -= 1
    word = max(text.rfind(mark, 0, cut) for mark in " _-.")  # after a word ("IMG_20190612_" / "0001.jpg")
    cut = word + 1 if word >= cut // 2 else cut
    # a line ending in a space: in right-to-left words the space took the place of the line's first letter
    return f"{text[:cut].rstrip(' ')}\n{_elided_from(text[cut:], differs_at - cut, metrics, width)}"


def in_folder(folder: str, metrics: QFontMetrics, width: int) -> str:
    """"in Holiday 2024 — Cô…"; a folder named with its parent keeps both ends ("in 2019 Su…/Trip"),
    its parts in their order whatever their letters (wrapping.file_path), and so does a Hebrew or
    Arabic one: cut at its end, its "…" was drawn beside its first letter."""
    middle = "/" in folder or right_to_left(folder)
    cut = Qt.TextElideMode.ElideMiddle if middle else Qt.TextElideMode.ElideRight
    elided = metrics.elidedText(f"in {folder}", cut, width)
    return f"in {file_path(elided[3:])}" if elided.startswith("in ") else file_path(elided)


def tile_text_width(font: QFont) -> int:
    """How wide a tile's lines of text are: the thumbnail's side, or wider where a large font would
    cut the verdict ("Move to tra") or "identical copy", or leave a name a few letters a line; and
    wide enough for a camera photo's pixels, "9,999 × 9,999 pixels", on one line."""
    bold = QFont(font)
    bold.setBold(True)
    verdict = max(QFontMetrics(bold).horizontalAdvance(text) for text in (KEEP, TRASH))
    metrics = QFontMetrics(font)
    return max(TILE_SIDE, verdict + 4, metrics.horizontalAdvance("identical copy") + 4,
               metrics.horizontalAdvance(humanize.pixel_size(9_999, 9_999)) + 4,
               metrics.averageCharWidth() * TILE_LINE_CHARS)


class _Tile(QFrame):
    """One photo of a group: its thumbnail, name, folder, size, and whether it is kept. `folder`
    names its folder among its group's ("Backup/2023", "Camera"; see group_folders); `differs_at`
    is where its name differs from the others' (first_differences), kept in view if it is cut."""

    clicked = Signal(int)
    stepped = Signal(int, int)  # PhotoId, the arrow key pressed on it
    compare_requested = Signal(int)  # PhotoId: double-clicked

    def __init__(self, photo: Photo, similarity: float | None, folder: str | None = None,
                 differs_at: int = 0) -> None:
        super().__init__()
        self.photo = photo
        self._folder = folder or humanize.shown(photo.path.parent.name or photo.path.parent)
        self.setObjectName("DupTile")
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        # the name on the tile may be cut short: a screen reader gets the whole path
        self.setAccessibleDescription(f"{humanize.shown(photo.path)}. Space keeps it or moves it to the trash")
        side = tile_text_width(self.font())
        self.setFixedWidth(side + 16)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.setSpacing(3)
        self.image = QLabel()
        self.image.setFixedSize(TILE_SIDE, TILE_SIDE)
        self.image.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.image.setObjectName("DupImage")
        layout.addWidget(self.image, 0, Qt.AlignmentFlag.AlignHCenter)
        self.name = name = QLabel(humanize.shown(photo.path.name))
        name.setObjectName("DupName")
        name.setToolTip(humanize.shown(photo.path))
        name.setAccessibleName(humanize.shown(photo.path.name))
        name.setAccessibleDescription(humanize.shown(photo.path))
        name.setFixedWidth(side)
        bold = QFont(name.font())
        bold.setBold(True)
        name.setText(file_path(two_lines(humanize.shown(photo.path.name), QFontMetrics(bold), side - 4, differs_at)))
        layout.addWidget(name)
        self.folder = QLabel(in_folder(self._folder, QFontMetrics(self.font()), side - 4))
        self.folder.setObjectName("Muted")
        self.folder.setFixedWidth(side)
        self.folder.setToolTip(humanize.shown(photo.path.parent))
        layout.addWidget(self.folder)
        # a fact a line on every tile, neither cut ("800×500 · 22.9 kB" on one line beside a tile whose
        # longer size put its bytes on the next read as two ways of saying it); a panorama's "pixels" under its numbers
        parts = [humanize.pixel_size(photo.width, photo.height)] if photo.width and photo.height else []
        parts.append(humanize.file_size(photo.size))
        metrics = QFontMetrics(self.font())
        self.detail = QLabel("\n".join(part if metrics.horizontalAdvance(part) <= side - 4
                                       else part.replace(" pixels", "\npixels") for part in parts))
        self.detail.setObjectName("Muted")
        self.detail.setFixedWidth(side)
        self.detail.setToolTip(" · ".join(parts))
        layout.addWidget(self.detail)
        self.alike: QLabel | None = None
        if similarity is not None:
            # another file with the same bytes; "same file" would read like a hard link
            self.alike = QLabel("identical copy" if similarity >= 1.0 else f"{humanize.similarity(similarity)} alike")
            self.alike.setObjectName("Muted")
            layout.addWidget(self.alike)
        if photo.damage:
            damage = QLabel("Damaged")
            damage.setObjectName("DamageValue")
            damage.setToolTip(photo.damage)
            layout.addWidget(damage)
        layout.addStretch(1)  # tiles of a line end level, whatever lines of text each has
        self.state = QLabel()
        self.state.setObjectName("DupState")
        layout.addWidget(self.state)
        self._tip = (f"{humanize.shown(photo.path)}\nClick to keep it or move it to the trash, "
                     "double-click to compare its group's photos large")
        self.why: str | None = None  # why photoclip keeps it ("photoclip keeps this one: …"), said after the tip
        self._version = named_a_conflict_copy(photo.path)  # kept too, it is another version, not an album's
        self.setToolTip(self._tip)

    def set_kept(self, kept: bool, kept_too: bool = False) -> None:
        """`kept_too`: kept by default besides the photo kept for its quality (DuplicateGroup.kept_too),
        as the only copy in an album or as a sync tool's conflict copy, another version; the page says which."""
        version = kept_too and self._version
        self.state.setText(((KEEP_AS_VERSION if version else KEEP_FOR_ALBUM) if kept_too else KEEP) if kept else TRASH)
        if self.why is not None:  # let go, it says so, not that it is kept
            let_go = f"{self.why.replace(' keeps ', ' would keep ', 1)}; you chose to move it to the trash"
            self.setToolTip(f"{self._tip}\n{self.why if kept else let_go}")
        self.setProperty("kept", kept)
        kept_as = "kept as another version" if version else "kept for its album" if kept_too else "kept"
        said = kept_as if kept else "to move to the trash"
        self.setAccessibleName(f"{humanize.shown(self.photo.path.name)} in {self._folder}, {said}")
        for widget in (self, self.state):
            widget.style().unpolish(widget)
            widget.style().polish(widget)

    def set_pixmap(self, pixmap: QPixmap) -> None:
        self.image.setPixmap(pixmap)

    @property
    def middle(self) -> int:
        """Where the tile's middle is across its group (the same place in every group)."""
        return self.x() + self.width() // 2

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit(int(self.photo.id))

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        """Its two presses (Qt 6 sends both before this) switched the photo and back: it stays as it was."""
        if event.button() == Qt.MouseButton.LeftButton:
            self.compare_requested.emit(int(self.photo.id))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in SWITCH_KEYS and not event.isAutoRepeat():
            self.clicked.emit(int(self.photo.id))
        elif event.key() in STEP_KEYS:
            self.stepped.emit(int(self.photo.id), event.key())
        else:
            super().keyPressEvent(event)


class GroupRow(QFrame):
    """A group: its photos, wrapped onto lines to fit the page, and "Not duplicates"."""

    changed = Signal(int, bool)  # PhotoId, whether the user keeps it now
    not_duplicates = Signal(object)  # tuple[PhotoId, ...]
    stepped_out = Signal(object, int, int)  # this row, -1 up or +1 down, the middle of the photo left
    focus_moved = Signal(object)  # the tile given the focus (to scroll to)
    compare_requested = Signal(object, object)  # this row, the PhotoId double-clicked (None: "Compare")

    def __init__(self, group: DuplicateGroup, photos: Mapping[PhotoId, Photo], choices: Mapping[PhotoId, bool],
                 thumbnail: Callable[[PhotoId], QPixmap | None] = lambda _pid: None,
                 tiles: int = GROUP_TILES) -> None:
        """`tiles`: how many of its photos to add now (at least one); `fill` adds the others
        to show (each photo is a few widgets: 200 of them hold the GUI thread 150 ms)."""
        super().__init__()
        self.setObjectName("DupGroup")
        self.members = list(group.members)
        self.photos = {pid: photos[pid] for pid in group.members}
        self._kept_too = frozenset(group.kept_too)
        self.kept = kept_of(group.members, group.keeper, choices, self._kept_too)
        self.tiles: dict[PhotoId, _Tile] = {}
        self._choices = choices
        self._similarities = dict(zip(group.others, group.similarities))
        self._folders = dict(zip(group.members, group_folders([self.photos[pid].path.parent for pid in group.members]),
                                 strict=True))
        names = [humanize.shown(self.photos[pid].path.name) for pid in group.members]
        self._differs_at = dict(zip(group.members, first_differences(names), strict=True))
        self._thumbnail = thumbnail
        self._showing = GROUP_TILES  # photos to show: more as the user asks
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 10, 10, 10)
        layout.setSpacing(8)
        column = QVBoxLayout()
        column.setSpacing(8)
        layout.addLayout(column, 1)
        self.flow = FlowLayout(spacing=8)
        column.addLayout(self.flow)
        self._add_tiles(max(1, min(tiles, self._showing)))  # before the buttons: Tab reaches the photos first
        self.more_line = QWidget()
        more = QHBoxLayout(self.more_line)
        more.setContentsMargins(0, 0, 0, 0)
        self.more = QLabel("")
        self.more.setObjectName("Muted")
        self.more.setWordWrap(True)
        more.addWidget(self.more, 1)
        self.more_button = _button("")
        self.more_button.clicked.connect(self.show_more)
        more.addWidget(self.more_button, 0, Qt.AlignmentFlag.AlignVCenter)
        column.addWidget(self.more_line)
        self.apart = apart = _button("Not duplicates")
        apart.setToolTip("Keep all of these and never group them again")
        apart.clicked.connect(lambda: self.not_duplicates.emit(tuple(self.members)))
        self.compare = _button("Compare")
        self.compare.setToolTip("See these photos large, side by side, with their sizes, dates and folders")
        self.compare.clicked.connect(lambda: self.compare_requested.emit(self, None))
        buttons = QVBoxLayout()
        buttons.setSpacing(8)
        buttons.addWidget(apart)
        buttons.addWidget(self.compare)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self._more_state()
        self._filler = QTimer(self)
        self._filler.setSingleShot(True)
        self._filler.timeout.connect(lambda: self._fill_on(time.perf_counter() + SLICE_S))

    @property
    def kept_because(self) -> str:
        """Why photoclip keeps the group's first photo, as its tooltip says it."""
        keeper, *others = (self.photos[pid] for pid in self.members)
        return f"photoclip keeps this one: {', '.join(why_kept(keeper, others))}"

    @property
    def unshown(self) -> list[PhotoId]:
        return [pid for pid in self.members if pid not in self.tiles]

    def show_more(self) -> None:
        """Add the next GROUP_TILES photos of a huge group (each tile is a widget): the first
        FIRST_TILES now, the others a slice of time at a time."""
        self._showing = len(self.tiles) + GROUP_TILES
        self._add_tiles(min(FIRST_TILES, GROUP_TILES))
        self._more_state()
        self._fill_on(time.perf_counter() + SLICE_S)

    @property
    def filling(self) -> bool:
        """Photos it is to show not added yet."""
        return len(self.tiles) < min(self._showing, len(self.members))

    def fill(self, until: float) -> bool:
        """Add photos still to show, a few at a time, until time.perf_counter() passes `until`;
        True once every one is."""
        added = False
        while self.filling and time.perf_counter() < until:
            self._add_tiles(min(8, self._showing - len(self.tiles)))
            added = True
        if added:
            self._more_state()
        return not self.filling

    def _fill_on(self, until: float) -> None:
        if not self.fill(until):
            self._filler.start(0)

    def _add_tiles(self, count: int) -> None:
        previous = next(reversed(self.tiles.values()), None)
        for pid in self.unshown[:max(count, 0)]:
            tile = _Tile(self.photos[pid], self._similarities.get(pid), self._folders[pid], self._differs_at[pid])
            if pid == self.members[0]:
                tile.why = self.kept_because
            elif pid in self._kept_too:
                tile.why = f"photoclip keeps this one too: {why_kept_too(self.photos[pid].path)}"
            tile.clicked.connect(lambda raw: self.toggle(PhotoId(raw)))
            tile.compare_requested.connect(lambda raw: self.compare_requested.emit(self, PhotoId(raw)))
            tile.stepped.connect(lambda raw, key: self._step(PhotoId(raw), key))
            self.tiles[pid] = tile
            self.flow.addWidget(tile)
            if previous is not None:
                QWidget.setTabOrder(previous, tile)  # after the photos before it, not the buttons
            previous = tile
            tile.set_kept(pid in self.kept, kept_too=pid in self._kept_too)
            pixmap = self._thumbnail(pid)
            if pixmap is not None:
                tile.set_pixmap(pixmap)

    def toggle(self, pid: PhotoId) -> None:
        """Keep or trash one photo; the last kept photo of a group stays kept."""
        if pid in self.kept:
            if len(self.kept) == 1:
                return
            self.kept.discard(pid)
        else:
            self.kept.add(pid)
        self._show_state()
        self.changed.emit(int(pid), pid in self.kept)

    def focus_tile(self, index: int) -> _Tile:
        """Give the keyboard focus to the `index`th photo, or the last one when there are fewer."""
        tiles = list(self.tiles.values())
        return self._focus(tiles[min(index, len(tiles) - 1)])

    def focus_near(self, middle: int, step: int) -> _Tile:
        """Coming down (`step` 1) or up (-1) from another group: the photo of the first or last
        line nearest below or above the photo the focus left (its `middle`)."""
        lines = self._lines()
        line = lines[0] if step > 0 else lines[-1]
        return self._focus(min(line, key=lambda tile: abs(tile.middle - middle)))

    def _focus(self, tile: _Tile) -> _Tile:
        tile.setFocus(Qt.FocusReason.OtherFocusReason)
        self.focus_moved.emit(tile)
        return tile

    def _lines(self) -> list[list[_Tile]]:
        """The tiles line by line as shown; one line until the layout has placed them."""
        lines = self.flow.lines()
        return lines if sum(map(len, lines)) == len(self.tiles) else [list(self.tiles.values())]

    def _step(self, pid: PhotoId, key: int) -> None:
        tiles = list(self.tiles.values())
        tile = self.tiles[pid]
        index = tiles.index(tile)
        if key == Qt.Key.Key_Left:
            self.focus_tile(max(index - 1, 0))
        elif key == Qt.Key.Key_Right:
            self.focus_tile(index + 1)
        else:
            step = -1 if key == Qt.Key.Key_Up else 1
            lines = self._lines()
            line = next(i for i, tiles in enumerate(lines) if tile in tiles)
            if 0 <= line + step < len(lines):
                self._focus(min(lines[line + step], key=lambda other: abs(other.middle - tile.middle)))
            else:
                self.stepped_out.emit(self, step, tile.middle)

    def to_trash(self) -> list[Photo]:
        """The photos shown and not kept: one not shown yet is never moved unseen."""
        return [tile.photo for pid, tile in self.tiles.items() if pid not in self.kept]

    def kept_for(self) -> dict[PhotoId, tuple[PhotoId, ...]]:
        """Each photo to trash -> the photos of its group kept in its stead."""
        kept = tuple(pid for pid in self.members if pid in self.kept)  # the best first
        return {photo.id: kept for photo in self.to_trash()}

    @property
    def size(self) -> int:
        return len(self.members)

    def drop(self, ids: set[PhotoId]) -> None:
        """Photos that left the library (trashed, deleted on disk) leave the row; photos not
        shown yet take their places."""
        for pid in ids & set(self.tiles):
            self.tiles.pop(pid).deleteLater()
        self.members = [pid for pid in self.members if pid not in ids]
        self.kept -= ids
        if self.members and not self.kept:
            self.kept = kept_of(self.members, self.members[0], self._choices, self._kept_too)
        self._add_tiles(self._showing - len(self.tiles))
        self._show_state()

    def _show_state(self) -> None:
        for pid, tile in self.tiles.items():
            tile.set_kept(pid in self.kept, kept_too=pid in self._kept_too)
        self._more_state()

    def _more_state(self) -> None:
        count = len(self.members) - max(len(self.tiles), min(self._showing, len(self.members)))
        self.more_line.setVisible(bool(count))
        self.more.setText("1 more photo of this group is not shown yet and stays where it is." if count == 1 else
                          f"{count:,} more photos of this group are not shown yet and stay where they are.")
        self.more_button.setText(f"Show {min(GROUP_TILES, count):,} more")


class _Header(QWidget):
    """The page's title and what it says on the left, its buttons on the right; below them where
    the window is narrow (snapped to half a small screen), and one under the other where they do
    not fit side by side either (a large font), so they never hold the window wide."""

    TITLE_ROOM = 260  # the least width the title and its line get beside the buttons

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.top = QBoxLayout(QBoxLayout.Direction.LeftToRight, self)
        self.top.setContentsMargins(20, 14, 20, 10)
        self.titles: QVBoxLayout
        self.title: QLabel
        self.controls: QBoxLayout

    def _shown_controls(self) -> list[QWidget]:
        items = (self.controls.itemAt(i) for i in range(self.controls.count()))
        return [item.widget() for item in items if item.widget() is not None and not item.widget().isHidden()]

    def _row_width(self) -> int:
        """The buttons' width side by side."""
        shown = self._shown_controls()
        return sum(w.sizeHint().width() for w in shown) + self.controls.spacing() * max(0, len(shown) - 1)

    def _beside_width(self) -> int:
        """The width the buttons can stay beside the title from."""
        margins = self.top.contentsMargins()
        room = max(self.TITLE_ROOM, self.title.sizeHint().width())
        return margins.left() + room + self.top.spacing() + self._row_width() + margins.right()

    def minimumSizeHint(self) -> QSize:
        """As narrow as the widest button under the title allows, whichever way they are laid out now."""
        margins = self.top.contentsMargins()
        widest = max((w.minimumSizeHint().expandedTo(w.minimumSize()).width() for w in self._shown_controls()),
                     default=0)
        width = max(self.titles.minimumSize().width(), widest)
        return QSize(margins.left() + width + margins.right(), super().minimumSizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        beside = self.width() >= self._beside_width()
        margins = self.top.contentsMargins()
        in_a_row = self.width() - margins.left() - margins.right() >= self._row_width()
        for layout, along in ((self.top, beside), (self.controls, in_a_row)):
            direction = QBoxLayout.Direction.LeftToRight if along else QBoxLayout.Direction.TopToBottom
            if direction != layout.direction():
                layout.setDirection(direction)
                if layout is self.top:
                    layout.setSpacing(-1 if along else 10)


class DuplicatesPage(QWidget):
    """Finds groups through Ops (off the GUI thread); the window carries out what is asked."""

    trash_requested = Signal(object)  # list[Photo]
    not_duplicates_requested = Signal(object)  # tuple[PhotoId, ...]
    maybe_duplicates_requested = Signal(object)  # tuple[PhotoId, ...]: "Not duplicates" undone
    add_folder_requested = Signal()  # the empty page's "Add folder…": the sidebar's action

    def __init__(self, ops: Ops, loader: ThumbnailLoader, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops = ops
        self.loader = loader
        self.loader.ready.connect(self._thumbnail_ready)
        self.rows: list[GroupRow] = []
        self._waiting: list[tuple[DuplicateGroup, dict[PhotoId, Photo]]] = []
        # The first `_to_build` groups waiting are on their way to the page, a slice of GUI time at a
        # time (a page of 40 groups is some 500 widgets: 300 ms at once); `_building` is the row whose
        # photos are being added.
        self._to_build = 0
        self._building: GroupRow | None = None
        self._doomed: list[GroupRow] = []  # rows of groups found before, hidden, deleted a few at a time
        self._waiting_counted: tuple[int, int] | None = None  # what the waiting groups trash: photos, bytes
        self._builder = QTimer(self)
        self._builder.setSingleShot(True)
        self._builder.timeout.connect(self._build)
        self._seq = 0
        self._shown_seq = 0  # the look whose groups are shown (or on their way to the page)
        self._loading = False
        self._writable = True
        self._note = ""
        self._stale = False  # photos were added or changed since the groups were found
        self._indexing = False  # photos are being indexed: the page looks again when they are
        self._none_indexed = False  # the library has no indexed photo: a folder is to be added first
        self._touched = False  # the user changed a choice: the page is theirs until they look again
        self._undone = False  # "Not duplicates" undone: its group is to come back, choices or none
        self._choices: dict[PhotoId, bool] = {}  # photo -> kept, as the user last switched it, in any group

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        header = _Header()
        header.setObjectName("DupHeader")
        header.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        top = header.top
        titles = QVBoxLayout()
        titles.setSpacing(2)
        title = QLabel("Duplicates")
        title.setObjectName("ViewTitle")
        self.subtitle = QLabel("")
        self.subtitle.setObjectName("ViewSubtitle")
        self.subtitle.setWordWrap(True)  # a long line would hold the whole window this wide
        titles.addWidget(title)
        titles.addWidget(self.subtitle)
        top.addLayout(titles, 1)
        controls = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        controls.setSpacing(top.spacing())
        top.addLayout(controls)
        header.titles, header.title, header.controls = titles, title, controls
        self.reload_button = _button("Look again")
        self.reload_button.setToolTip("Photos were added or changed since these groups were found")
        self.reload_button.clicked.connect(self.refresh)
        self.reload_button.hide()
        controls.addWidget(self.reload_button, 0, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.undo_button = _button("Undo")
        self.undo_button.setToolTip("Group the photos just marked as not duplicates again")
        self.undo_button.clicked.connect(self._undo_apart)
        self.undo_button.hide()
        self._kept_apart: tuple[PhotoId, ...] = ()  # the group "Not duplicates" took away last
        controls.addWidget(self.undo_button, 0, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.level = QComboBox()
        for label, similarity in LEVELS:
            self.level.addItem(label, similarity)
        self.level.setToolTip("How alike photos must be to count as copies")
        self.level.currentIndexChanged.connect(lambda _i: self.refresh())
        controls.addWidget(self.level, 0, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.trash_button = _button("Move to trash")
        self.trash_button.setProperty("primary", True)
        self.trash_button.setIcon(icons.icon("trash", "#ffffff"))
        icons.keep_icon_size(self.trash_button, 16)
        self.trash_button.clicked.connect(self._trash_clicked)
        controls.addWidget(self.trash_button, 0, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        controls.addStretch(1)  # under the title, where the window is narrow: from the left
        layout.addWidget(header)

        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes to the photos; keys they leave scroll
        body = QWidget()
        body.setObjectName("DupBody")
        self.list = QVBoxLayout(body)
        self.list.setContentsMargins(20, 12, 20, 20)
        self.list.setSpacing(10)
        self.empty = QLabel("")
        self.empty.setObjectName("WelcomeText")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.list.addWidget(self.empty)
        self.add_button = _button("Add folder…")
        self.add_button.setProperty("primary", True)
        self.add_button.clicked.connect(self.add_folder_requested)
        self.list.addWidget(self.add_button, 0, Qt.AlignmentFlag.AlignHCenter)
        self.more = _button("Show more")
        self.more.clicked.connect(self._show_page)
        self.list.addWidget(self.more, 0, Qt.AlignmentFlag.AlignHCenter)
        self.list.addStretch(1)
        self.scroll.setWidget(body)
        layout.addWidget(self.scroll, 1)
        self._update()

    @property
    def similarity(self) -> float:
        return float(self.level.currentData())

    @property
    def building(self) -> bool:
        """Groups are being looked for, or those found (or asked for by "Show more") are on
        their way to the page."""
        return self._loading or self._building is not None or bool(self._to_build)

    def set_writable(self, writable: bool) -> None:
        self._writable = writable
        self._update()

    def set_indexing(self, indexing: bool) -> None:
        """While photos are being indexed, a page without copies says the others are to come."""
        if indexing != self._indexing:
            self._indexing = indexing
            self._update()

    def set_none_indexed(self, none: bool) -> None:
        """With no photo indexed, an empty page says where to begin, not that there are no copies."""
        if none != self._none_indexed:
            self._none_indexed = none
            self._update()

    def mark_stale(self) -> None:
        """Photos were added or changed: the groups shown may be missing some."""
        self._stale = True

    def reload_if_stale(self) -> bool:
        """Find the groups again (same similarity) if photos changed since, unless the user is
        mid-way (a choice changed, a dialog open): then offer "Look again". True if reloading."""
        if not self._stale:
            return False
        if (self._touched and not self._undone) or QApplication.activeModalWidget() is not None:
            self.reload_button.show()
            return False
        self._look()
        return True

    def refresh(self) -> None:
        """Look for groups afresh (the page opened, another similarity, "Look again"): what the
        last clean-up moved is old news by then, so its note goes."""
        self._note = ""
        self._kept_apart = ()
        self.undo_button.hide()
        self._look()

    def _look(self) -> None:
        """Look for groups again (in the background); the newest answer wins. A reload because
        photos changed keeps the note: it may come right after the clean-up it reports."""
        self._stale = self._touched = self._undone = False
        self.reload_button.hide()
        self._seq += 1
        seq, similarity = self._seq, self.similarity
        self._loading = True
        self._update()

        def find(library):
            groups = library.duplicates(similarity)
            return groups, library.photos(pid for g in groups for pid in g.members)

        self.ops.query(find, lambda found: self._arrived(seq, *found), lambda exc: self._failed(seq, exc), parent=self)

    def remove_ids(self, ids: tuple[PhotoId, ...] | list[PhotoId]) -> None:
        """Photos that left the library leave their groups, and what the user chose for them goes."""
        gone = set(ids)
        for pid in gone:
            self._choices.pop(pid, None)
        self._remove(gone)

    def _remove(self, gone: set[PhotoId]) -> None:
        for row in list(self.rows):
            row.drop(gone)
            if row.size < 2:
                self.rows.remove(row)
                row.deleteLater()
                if row is self._building:
                    self._building = None
        building = self._left(self._waiting[:self._to_build], gone)
        waiting = self._left(self._waiting[self._to_build:], gone)
        self._waiting, self._to_build = building + waiting, len(building)
        self._waiting_counted = None
        self._update()

    @staticmethod
    def _left(groups: list[tuple[DuplicateGroup, dict[PhotoId, Photo]]],
              gone: set[PhotoId]) -> list[tuple[DuplicateGroup, dict[PhotoId, Photo]]]:
        left = ((group.without(gone, photos), photos) for group, photos in groups)
        return [(group, photos) for group, photos in left if group is not None]

    def trash_done(self, result: TrashResult) -> None:
        freed = humanize.file_size(result.freed_bytes)
        self._note = f"Moved {plural(len(result.trashed), 'photo')} ({freed}) to the trash."
        if result.failed:
            self._note += f" {plural(len(result.failed), 'photo')} stayed."
        self._update()

    def to_trash(self) -> list[Photo]:
        """What "Move to trash" moves: the unkept photos of every group, shown or on the pages
        not shown yet, as they will show: with the user's choices made in other groups."""
        chosen = self.shown_to_trash()
        chosen += [photos[pid] for group, photos in self._waiting for pid in self._unkept(group)]
        return chosen

    def shown_to_trash(self) -> list[Photo]:
        """The part of to_trash() in the groups shown so far."""
        return [photo for row in self.rows for photo in row.to_trash()]

    def kept_for(self) -> dict[PhotoId, tuple[PhotoId, ...]]:
        """Each photo "Move to trash" moves -> the photos kept in its stead."""
        kept = {pid: stead for row in self.rows for pid, stead in row.kept_for().items()}
        for group, _ in self._waiting:
            chosen = kept_of(group.members, group.keeper, self._choices, group.kept_too)
            stead = tuple(pid for pid in group.members if pid in chosen)  # the best first
            kept.update((pid, stead) for pid in self._unkept(group))
        return kept

    def as_shown(self) -> dict[PhotoId, Photo]:
        """Every photo of the groups as the page read it: a file changed since (and read again by
        the library meanwhile) is not the one the user chose to trash or to keep (Library.trash)."""
        shown = {pid: photo for row in self.rows for pid, photo in row.photos.items()}
        for _, photos in self._waiting:
            shown.update(photos)
        return shown

    def _waiting_to_trash(self) -> tuple[int, int]:
        """How many photos of the groups not on the page yet "Move to trash" moves, and their
        bytes: counted once, then kept up as the groups are built (counted anew on each slice of
        building, 3,000 groups took the GUI thread longer than the building itself)."""
        if self._waiting_counted is None:
            chosen = [photos[pid] for group, photos in self._waiting for pid in self._unkept(group)]
            self._waiting_counted = (len(chosen), sum(p.size for p in chosen))
        return self._waiting_counted

    def _uncount(self, group: DuplicateGroup, photos: Mapping[PhotoId, Photo]) -> None:
        """A group left the waiting ones for the page: what it trashes is counted there now."""
        if self._waiting_counted is not None:
            chosen = [photos[pid] for pid in self._unkept(group)]
            count, size = self._waiting_counted
            self._waiting_counted = (count - len(chosen), size - sum(p.size for p in chosen))

    def _unkept(self, group: DuplicateGroup) -> list[PhotoId]:
        kept = kept_of(group.members, group.keeper, self._choices, group.kept_too)
        return [pid for pid in trashable(group) if pid not in kept]

    def _arrived(self, seq: int, groups: list[DuplicateGroup], photos: dict[PhotoId, Photo]) -> None:
        if seq != self._seq:
            return
        for row in self.rows:
            row.hide()  # deleting a page's hundreds of widgets at once held the GUI thread 250 ms
        self._doomed += self.rows
        self.rows = []
        self._waiting = [(group, photos) for group in groups]
        self._waiting_counted = None
        self._to_build, self._building = 0, None
        self._shown_seq = seq
        self._show_page()  # loading ends once its groups are on the page

    def _failed(self, seq: int, exc: BaseException) -> None:
        if seq != self._seq:
            return
        self._loading = False
        self._note = f"Could not look for duplicates: {exc}"
        self._update()

    def _next_page(self) -> int:
        """How many waiting groups "Show more" adds: PAGE, or fewer once their photos come to
        PAGE_TILES (always one at least)."""
        tiles = 0
        unasked = self._waiting[self._to_build:]
        for count, (group, _) in enumerate(unasked[:PAGE]):
            tiles += min(len(group.members), GROUP_TILES)
            if count and tiles > PAGE_TILES:
                return count
        return min(PAGE, len(unasked))

    def _show_page(self) -> None:
        self._to_build += self._next_page()
        self._build()

    def _build(self) -> None:
        """Put the groups asked for on the page, for SLICE_S at a time (at least one group, its
        first FIRST_TILES photos): then the window repaints and answers, and a timer goes on."""
        until = time.perf_counter() + SLICE_S
        tiles = 0
        while self._doomed and tiles < PAGE_TILES // 16:
            row = self._doomed.pop()
            tiles += len(row.tiles)
            row.deleteLater()
        first = True
        while True:
            if self._building is not None and not self._building.fill(until):
                break
            self._building = None
            if not self._to_build or (not first and time.perf_counter() >= until):
                break
            first = False
            (group, photos), self._waiting = self._waiting[0], self._waiting[1:]
            self._uncount(group, photos)
            self._to_build -= 1
            row = GroupRow(group, photos, self._choices, self.loader.pixmap, tiles=FIRST_TILES)
            row.changed.connect(self._choice_changed)
            row.not_duplicates.connect(self._keep_apart)
            row.stepped_out.connect(self._row_left)
            row.focus_moved.connect(self.scroll.ensureWidgetVisible)
            row.compare_requested.connect(self.compare)
            self.list.insertWidget(self.list.indexOf(self.more), row)
            self.rows.append(row)
            self._building = row
        if self._building is not None or self._to_build or self._doomed:
            self._builder.start(0)
        if self._building is None and not self._to_build and self._shown_seq == self._seq:
            self._loading = False  # the groups found are on the page (those asked for)
        self._update()

    def compare(self, row: GroupRow, chosen: PhotoId | None = None) -> CompareDialog:
        """The photos of `row`'s group large, side by side (the one double-clicked among them).
        Modal: the groups are not found again under it (reload_if_stale)."""
        ids = compared(list(row.tiles), chosen)
        dialog = CompareDialog(self.ops, [row.photos[pid] for pid in ids], set(row.kept), self.loader.pixmap,
                               len(row.members), parent=self)
        dialog.open()
        return dialog

    def _choice_changed(self, raw: int, kept: bool) -> None:
        """Remembered by photo, so that the groups found next (another similarity, "Look
        again") show it as the user left it."""
        self._choices[PhotoId(raw)] = kept
        self._waiting_counted = None  # the choice holds in groups not shown yet too
        self._touched = True
        self._update()

    def _row_left(self, row: GroupRow, step: int, middle: int) -> None:
        """Up or down out of a group: to the nearest photo of the group above or below."""
        index = self.rows.index(row) + step
        if 0 <= index < len(self.rows):
            self.rows[index].focus_near(middle, step)

    def _keep_apart(self, ids: tuple[PhotoId, ...]) -> None:
        """The photos stay in the library, and so do the user's choices for them. The keyboard's
        focus, on the group that goes, moves to the first photo of the group in its place."""
        at = next((i for i, row in enumerate(self.rows) if not set(row.members).isdisjoint(ids)), None)
        self.not_duplicates_requested.emit(ids)
        self._kept_apart = ids
        self._note = f"Marked {plural(len(ids), 'photo')} as not duplicates."
        self.undo_button.show()
        self._remove(set(ids))
        if at is not None and self.rows:
            self.rows[min(at, len(self.rows) - 1)].focus_tile(0)
        elif at is not None:
            self.level.setFocus(Qt.FocusReason.OtherFocusReason)

    def _undo_apart(self) -> None:
        """Not duplicates undone: the photos may be grouped again, found again once the worker
        has forgotten the mark (it says so, then is idle): an Idle on its way from before would
        look again too soon, and the group would not come back."""
        ids, self._kept_apart = self._kept_apart, ()
        self.undo_button.hide()
        self._note = ""
        if ids:
            self._undone = True  # the groups are found again then, the choices made kept (_choices)
            self.maybe_duplicates_requested.emit(ids)
        self._update()

    def refresh_thumbnails(self) -> None:
        """The loader makes its thumbnails anew (the window is on a screen of another scale): each
        tile asks again, showing its old one until the new one comes."""
        for row in self.rows:
            for pid in row.tiles:
                self.loader.pixmap(pid)

    def _thumbnail_ready(self, raw: int) -> None:
        pid = PhotoId(raw)
        pixmap = self.loader.pixmap(pid)
        if pixmap is None:
            return
        for row in self.rows:
            if pid in row.tiles:
                row.tiles[pid].set_pixmap(pixmap)

    def _trash_clicked(self) -> None:
        chosen = self.to_trash()
        if chosen:
            self.trash_requested.emit(chosen)

    def _update(self) -> None:
        shown = self.shown_to_trash()
        waiting, waiting_size = self._waiting_to_trash()
        chosen = len(shown) + waiting
        groups = len(self.rows) + len(self._waiting)
        size = sum(p.size for p in shown) + waiting_size
        first_folder = self._none_indexed and not self._indexing  # nothing to look among: a folder to add first
        if self._loading and (self._shown_seq != self._seq or not self.rows):
            subtitle = "Looking for copies…"
        elif groups:
            subtitle = (f"{plural(groups, 'group')} · {plural(chosen, 'photo')} to move to the trash "
                        f"({humanize.file_size(size)}) · click a photo to keep it or not")
        elif first_folder:
            subtitle = "No photos indexed yet"  # not "No duplicates": there was nothing to look among
        else:
            subtitle = "No copies are left." if self._note else f"No duplicates{' yet' if self._indexing else ''}"
        if self._note:
            subtitle = f"{self._note} {subtitle}"
        self.subtitle.setText(subtitle)
        self.trash_button.setText(f"Move {chosen:,} to trash" if chosen else "Move to trash")
        self.trash_button.setEnabled(bool(chosen) and self._writable and not self._loading)
        unasked = len(self._waiting) - self._to_build
        self.more.setVisible(unasked > 0)
        self.more.setText(f"Show {self._next_page():,} more of {plural(unasked, 'group')}")
        empty = not self.rows and not self._loading
        self.empty.setVisible(empty)
        self.empty.setText("" if self._loading else
                           "No copies among the photos indexed so far. The others are being indexed; this page "
                           "looks again when they are." if self._indexing else
                           "Add a folder of photos, and the copies among them show here."
                           if first_folder else "No copies found among the indexed photos.")
        self.add_button.setVisible(empty and first_folder)
        self.add_button.setEnabled(self._writable)
