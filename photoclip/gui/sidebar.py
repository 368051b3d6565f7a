"""The sidebar: the whole library and its duplicates, the watched folders (offline ones greyed
with their own icon), the albums in them (each folder that holds photos, with the tags most
of its photos share), the library's tags with how many photos carry each, most common
first, and the countries its photos were taken in (a click searches for them). Tags the user defined (auto-tagging gives them to photos that look like a sentence of
theirs) have an accent-coloured icon and say so; the Tags header's "+" defines a new one.
A section's header folds it away and back; a long list of albums starts folded.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path

from PySide6.QtCore import QEvent, QModelIndex, QPersistentModelIndex, QPoint, QSize, Qt, Signal
from PySide6.QtGui import QAction, QBrush, QColor, QFocusEvent, QFont, QIcon, QKeyEvent, QPainter
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from photoclip import folder_probe, humanize
from photoclip.catalog import Root
from photoclip.gui import icons, theme
from photoclip.gui.keys import asks_for_menu
from photoclip.humanize import plural
from photoclip.ids import RootId
from photoclip.tagging import Album

log = logging.getLogger(__name__)

KindRole = Qt.ItemDataRole.UserRole + 1
PathRole = Qt.ItemDataRole.UserRole + 2
RootIdRole = Qt.ItemDataRole.UserRole + 3
OnlineRole = Qt.ItemDataRole.UserRole + 4
GoneRole = Qt.ItemDataRole.UserRole + 9  # an offline folder deleted, moved or renamed, not unplugged
SilentRole = Qt.ItemDataRole.UserRole + 10  # an offline folder that does not answer (a share whose server is away)
TagRole = Qt.ItemDataRole.UserRole + 5
CountRole = Qt.ItemDataRole.UserRole + 6  # painted right-aligned after the name (tags)
PromptRole = Qt.ItemDataRole.UserRole + 7  # a tag the user defined: what it looks like; None otherwise
OwnRole = Qt.ItemDataRole.UserRole + 8  # a tag the user gave some photo or defined: it can be renamed or deleted

SHOWN_OPEN = 8  # a longer list of albums or places starts folded, so what is below stays in sight
TAGS_SHOWN = 15  # the most used tags; "Show all N tags" lists the rest (imported keywords run to hundreds)


def defined_tag_tooltip(prompt: str, count: int, name: str) -> str:
    return f"Your tag: given to photos that look like ‘{prompt}’\n{plural(count, 'photo')} tagged “{name}”"


def fold_arrow(expanded: bool) -> QIcon:
    """The arrow of a section's header: pointing down while it is open, right while folded."""
    return icons.icon("chevron-down" if expanded else "chevron-right", theme.colours().muted)


def album_tags_line(album: Album, spellings: Mapping[str, str] | None = None) -> str:
    """What an album is tagged with, in words ("" when no tag is shared by enough of it). The
    album holds tags by key; `spellings` (Library.tag_spellings) shows them as the user wrote them."""
    spelt = spellings or {}
    return ", ".join(spelt.get(tag, tag) for tag, _share in album.tags)


def album_names(folders: Sequence[Path]) -> list[str]:
    """A short name for each album: its folder's name, with as many parent folders as it takes
    to tell apart two albums of the same name ("2023/Day 1", "2024/Day 1"); one folder listed
    twice (two copies in it) has one name."""
    distinct = list(dict.fromkeys(folders))
    depth = [1] * len(distinct)
    while True:
        names = [str(f) if d >= len(f.parts) else "/".join(f.parts[-d:]) for f, d in zip(distinct, depth, strict=True)]
        clashes = {n for n, count in Counter(names).items() if count > 1}
        grow = [i for i, n in enumerate(names) if n in clashes and depth[i] < len(distinct[i].parts)]
        if not grow:
            named = dict(zip(distinct, names, strict=True))
            return [named[folder] for folder in folders]
        for i in grow:
            depth[i] += 1


def reading_order(name: str) -> tuple[int | str, ...]:
    """A key that sorts names as people read them: case aside, numbers by value ("Album 2"
    before "Album 10"). Text and numbers alternate, so two keys compare like with like."""
    return tuple(int(part) if i % 2 else part for i, part in enumerate(re.split(r"(\d+)", name.casefold())))


def sorted_albums(albums: Sequence[Album]) -> list[tuple[Album, str]]:
    """Albums with their short names, in the order of those names: a list sorted by full path
    but showing last folder names only ("Spring" and "Winter" of 2022/ before "2023 Summer
    Trip") reads as no order at all."""
    named = zip(albums, album_names([a.folder for a in albums]), strict=True)
    return sorted(named, key=lambda pair: (reading_order(pair[1]), str(pair[0].folder)))


class _Tree(QTreeWidget):
    """Reached with Tab, not by a click (a click leaves the keyboard where it was, so typing
    still searches); arrows move through the entries, Enter or Space does what a click does."""

    delete_pressed = Signal()
    item_pressed = Signal(object)  # QTreeWidgetItem: Enter or Space on it

    def event(self, event: QEvent) -> bool:
        """The Menu key or Shift+F10: the menu of the entry the keyboard is at (Qt's own would be
        the entry under the mouse)."""
        if asks_for_menu(event):
            item = self.currentItem()
            self.customContextMenuRequested.emit(self.visualItemRect(item).center() if item is not None else QPoint())
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.delete_pressed.emit()
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space) and self.currentItem() is not None:
            self.item_pressed.emit(self.currentItem())
            return
        super().keyPressEvent(event)

    def focusInEvent(self, event: QFocusEvent) -> None:
        """With no entry current (search results belong to none) the focus lands on the first
        header, quietly: the view changes only when an arrow or Enter asks for it."""
        if self.currentItem() is None and self.topLevelItemCount():
            self.blockSignals(True)
            self.setCurrentItem(self.topLevelItem(0))
            self.blockSignals(False)
        super().focusInEvent(event)


class _CountDelegate(QStyledItemDelegate):
    """Entries with a count (tags) show it right-aligned and muted; the name is elided before it
    (in its middle, the tree's textElideMode).
    A section's header shows whether it is folded, read from the tree as it is painted: the
    keyboard (→, ←) and an entry becoming current (Qt unfolds its section) fold and unfold
    it too, not only a click on the header."""

    GAP = 8

    def initStyleOption(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> None:
        super().initStyleOption(option, index)
        tree = option.widget
        if index.data(KindRole) == "section" and isinstance(tree, QTreeWidget):
            option.icon = fold_arrow(tree.isExpanded(index))
            option.features |= QStyleOptionViewItem.ViewItemFeature.HasDecoration

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        count = index.data(CountRole)
        if count is None:
            super().paint(painter, option, index)
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        widget = opt.widget
        style = widget.style() if widget is not None else None
        if style is None:
            super().paint(painter, option, index)
            return
        number = f"{int(count):,}"
        text_rect = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, opt, widget)
        right = opt.rect.right() - 14  # the item's margin and padding in the style sheet
        opt.text = self.shown_name(opt, text_rect.left(), right)
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        painter.save()
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        painter.setPen(QColor(theme.colours().accent_text if selected else theme.colours().muted))
        painter.setFont(opt.font)
        painter.drawText(text_rect.adjusted(0, 0, right - text_rect.right(), 0),
                         Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, number)
        painter.restore()


    def shown_name(self, option: QStyleOptionViewItem, left: int, right: int) -> str:
        """The entry's name as drawn between `left` and its count, which ends at `right`."""
        number = option.fontMetrics.horizontalAdvance(f"{int(option.index.data(CountRole)):,}")
        room = max(0, right - number - self.GAP - left)
        return option.fontMetrics.elidedText(option.text, option.textElideMode, room)


WIDTH = 236  # where the window has room; entries' names too long for a narrower one are elided


class Sidebar(QFrame):
    """Navigation. Says what the user picked; the window decides what that shows."""

    library_selected = Signal()
    duplicates_selected = Signal()
    folder_selected = Signal(object)  # Root
    album_selected = Signal(object)  # Album
    tag_selected = Signal(str)
    place_selected = Signal(str)  # a country's name
    add_folder_requested = Signal()
    remove_folder_requested = Signal(object)  # Root
    show_folder_requested = Signal(object)  # Path (open in the file manager)
    leave_out_requested = Signal(object)  # Path of an album: index it no more
    settings_requested = Signal()
    new_tag_requested = Signal()
    forget_tag_requested = Signal(str)  # stop giving this defined tag automatically
    rename_tag_requested = Signal(str)  # a tag of the user's own
    delete_tag_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._shown_roots: tuple[Root, ...] | None = None
        self._shown_tags: tuple[object, ...] | None = None  # what set_tags last listed: the same again is no change
        self._spellings: dict[str, str] = {}  # tag key -> as the user wrote it, where that differs (tag_spellings)
        self._albums_spellings: dict[str, str] = {}  # the spellings the album entries were written with
        self._albums: dict[str, Album] = {}
        self.album_titles: dict[str, str] = {}  # folder -> its name here ("2023/Lake"), for the header
        self._all_albums: tuple[Album, ...] = ()
        self._shown_albums: tuple[Album, ...] | None = None
        self._shown_places: tuple[tuple[str, int], ...] | None = None
        self._writable = True
        self.setObjectName("Sidebar")
        self.setMaximumWidth(WIDTH)  # narrower, to its buttons' width, in a window snapped to half a laptop screen
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 14, 0, 12)
        layout.setSpacing(8)

        brand = QHBoxLayout()
        brand.setContentsMargins(16, 0, 16, 6)
        logo = icons.IconLabel(28, icons.app_icon())
        title = QLabel("photoclip")
        title.setObjectName("AppTitle")
        brand.addWidget(logo)
        brand.addWidget(title)
        brand.addStretch(1)
        layout.addLayout(brand)

        self.tree = _Tree()
        self.tree.setObjectName("SidebarTree")
        self.tree.setAccessibleName("Library")
        self.tree.setHeaderHidden(True)
        self.tree.setRootIsDecorated(False)
        self.tree.setIndentation(0)
        icons.keep_icon_size(self.tree, 18)
        self.tree.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._context_menu)
        self.tree.currentItemChanged.connect(self._current_changed)
        self.tree.itemClicked.connect(self._clicked)
        self.tree.delete_pressed.connect(self._remove_current)
        self.tree.item_pressed.connect(self._pressed)
        self.tree.setItemDelegate(_CountDelegate(self.tree))
        # a name too long keeps its end ("… 2019" tells albums apart), and a Hebrew or Arabic name
        # its "…" where it was cut: cut at its end, drawn left to right, the "…" was by its first letter
        self.tree.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        layout.addWidget(self.tree, 1)

        self._library_item = self._section("Library")
        self.all_photos = self._entry(self._library_item, "All photos", "library", "library")
        self.duplicates = self._entry(self._library_item, "Duplicates", "duplicates", "duplicates")
        self.duplicates.setToolTip(0, "Copies of the same photo, and moving the extra ones to the trash")
        self._folders_item = self._section("Folders")
        self._no_folders = self._entry(self._folders_item, "No folders yet", "folder", "placeholder")
        self._no_folders.setFlags(Qt.ItemFlag.NoItemFlags)
        self.albums_section = self._section("Albums")
        self.albums_section.setHidden(True)
        self._tags_item = self._section("Tags")
        self._no_tags = self._entry(self._tags_item, "No tags yet", "tag", "placeholder")
        self._no_tags.setFlags(Qt.ItemFlag.NoItemFlags)
        self._no_tags.setToolTip(0, "photoclip tags each photo it indexes with what it is sure it sees in it; "
                                    "you can also tag a photo yourself in its preview, or add a tag of your "
                                    "own with +")
        self.tags_hint = self._entry(self._tags_item, "", "info", "placeholder")  # why there are none (set_tags_hint)
        self.tags_hint.setFlags(Qt.ItemFlag.NoItemFlags)
        self.tags_hint.setIcon(0, icons.icon("info", theme.colours().muted))
        self.tags_hint.setForeground(0, QBrush(QColor(theme.colours().muted)))
        self.tags_hint.setHidden(True)
        self.new_tag_button = self._section_button(self._tags_item, "plus", "New tag… — a tag of your own, "
                                                   "given to the photos that look like what you describe")
        self.new_tag_button.setObjectName("NewTagButton")
        self.new_tag_button.clicked.connect(self.new_tag_requested)
        self.more_tags = self._entry(self._tags_item, "", "chevron-down", "more_tags")
        self.more_tags.setFlags(Qt.ItemFlag.ItemIsEnabled)
        self.more_tags.setForeground(0, QBrush(QColor(theme.colours().muted)))
        self.more_tags.setHidden(True)
        self._all_tags_shown = False
        self.places_section = self._section("Places")
        self.places_section.setHidden(True)
        self.tree.expandAll()
        self.tree.setCurrentItem(self.all_photos)

        buttons = QHBoxLayout()
        buttons.setContentsMargins(10, 0, 10, 0)
        buttons.setSpacing(6)
        self.add_button = QPushButton(icons.icon("folder-add"), "  Add folder…")
        self.add_button.setToolTip("Add a folder of photos to the library")
        self.add_button.clicked.connect(self.add_folder_requested)
        self.settings_button = QPushButton(icons.icon("settings"), "")
        self.settings_button.setToolTip("Settings")
        self.settings_button.setAccessibleName("Settings")
        icons.follow_font(self.settings_button, lambda button: button.setFixedWidth(button.iconSize().width() + 22))
        self.settings_button.clicked.connect(self.settings_requested)
        buttons.addWidget(self.add_button, 1)
        buttons.addWidget(self.settings_button)
        layout.addLayout(buttons)

    def sizeHint(self) -> QSize:
        return QSize(WIDTH, super().sizeHint().height())

    # content

    def set_roots(self, roots: tuple[Root, ...] | list[Root]) -> None:
        """Show these folders; the selection stays on the same folder when it is still there."""
        roots = tuple(roots)
        if roots == self._shown_roots:
            return  # status refreshes come often; rebuilding would drop a hover or a click in flight
        self._shown_roots = roots
        current = self.current_root()
        self.tree.blockSignals(True)
        try:
            for item in [self._folders_item.child(i) for i in range(self._folders_item.childCount())]:
                if item is not self._no_folders:
                    self._folders_item.removeChild(item)
            self._no_folders.setHidden(bool(roots))
            reselect = None
            for root in roots:
                item = self._folder_entry(root)
                if current is not None and root.id == current.id:
                    reselect = item
            if current is not None:
                self.tree.setCurrentItem(reselect or self.all_photos)
        finally:
            self.tree.blockSignals(False)
        if current is not None and reselect is None:
            self.library_selected.emit()
        self.set_albums(self._all_albums)

    def shown_roots(self) -> tuple[Root, ...]:
        """The folders listed: the library's as last seen before its first status is read."""
        return self._shown_roots or ()

    def set_albums(self, albums: Sequence[Album]) -> None:
        """Show these albums in the order of their names, but not the watched folders themselves
        (listed above); a selected album stays selected while it is there (when it is gone the
        selection goes, but the window keeps its view)."""
        self._all_albums = tuple(albums)
        roots = {str(root.path) for root in self._shown_roots or ()}
        shown = tuple(album for album in albums if str(album.folder) not in roots)
        if shown == self._shown_albums and self._spellings == self._albums_spellings:
            return
        first = self._shown_albums is None or not self._shown_albums
        self._shown_albums = shown
        self._albums_spellings = dict(self._spellings)
        self._albums = {str(album.folder): album for album in shown}
        current = self.current_album()
        self.tree.blockSignals(True)
        try:
            self.albums_section.takeChildren()
            self.albums_section.setHidden(not shown)
            named = sorted_albums(shown)
            self.album_titles = {str(album.folder): name for album, name in named}
            items = [self._album_entry(album, name) for album, name in named]
            self.albums_section.addChildren(items)  # one insertion: one by one, 2,000 albums held the window 100 ms
            if current is not None:
                item = next((i for i in items if i.data(0, PathRole) == current.folder), None)
                if item is not None:
                    self.tree.setCurrentItem(item)
            if first and shown:
                self.albums_section.setExpanded(len(shown) <= SHOWN_OPEN)
            if current is not None and self.current_album() is None:
                self.tree.setCurrentItem(None)
                self.tree.clearSelection()
        finally:
            self.tree.blockSignals(False)

    def set_places(self, countries: Sequence[tuple[str, int]]) -> None:
        """Show the countries photos were taken in, with how many (most first)."""
        shown = tuple((str(name), int(count)) for name, count in countries)
        if shown == self._shown_places:
            return
        first = not self._shown_places
        self._shown_places = shown
        self.tree.blockSignals(True)
        try:
            self.places_section.takeChildren()
            self.places_section.setHidden(not shown)
            items = []
            for name, count in shown:
                item = self._detached_entry(name, "place", "place")
                item.setData(0, CountRole, count)
                item.setToolTip(0, f"{plural(count, 'photo')} taken in {name}")
                items.append(item)
            self.places_section.addChildren(items)
            if first and shown:
                self.places_section.setExpanded(len(shown) <= SHOWN_OPEN)
        finally:
            self.tree.blockSignals(False)

    def place_items(self) -> list[QTreeWidgetItem]:
        return [self.places_section.child(i) for i in range(self.places_section.childCount())]

    def album_items(self) -> list[QTreeWidgetItem]:
        return [self.albums_section.child(i) for i in range(self.albums_section.childCount())]

    def current_album(self) -> Album | None:
        item = self.tree.currentItem()
        if item is None or item.data(0, KindRole) != "album":
            return None
        return self._albums.get(str(item.data(0, PathRole)))

    def select_album(self, folder: Path) -> None:
        """Highlight the album of `folder` without announcing it; none if it is not listed."""
        self.tree.blockSignals(True)
        item = next((i for i in self.album_items() if str(i.data(0, PathRole)) == str(folder)), None)
        self.tree.setCurrentItem(item)
        if item is None:
            self.tree.clearSelection()
        self.tree.blockSignals(False)

    def set_tags(self, tags: list[tuple[str, int]] | tuple[tuple[str, int], ...],
                 defined: dict[str, str] | None = None, given: Iterable[str] = (),
                 spellings: Mapping[str, str] | None = None) -> None:
        """Show these (tag, count) entries in this order, then any tag of `defined` (the user's
        own: name -> what it looks like) no photo carries yet; a selected tag stays selected
        while it is still there (when it is gone the selection goes, but the window keeps its view).
        `given`: the tags the user gave some photo; they and the defined ones can be renamed and deleted.
        Tags come by key ("grandma rose"), which the entries keep (TagRole) and say when picked;
        `spellings` (Library.tag_spellings) is how they are shown ("Grandma Rose"), album tags too."""
        tags = tuple((str(name), int(count)) for name, count in tags)
        defined = dict(defined or {})
        own = frozenset(given) | frozenset(defined)
        listed = {name for name, _count in tags}
        tags += tuple((name, 0) for name in sorted(defined) if name not in listed)
        spelt = dict(spellings or {})
        if spelt != self._spellings:
            self._spellings = spelt
            self.set_albums(self._all_albums)  # their tag lines are spelt so too
        if (tags, tuple(sorted(defined.items())), own, tuple(sorted(spelt.items()))) == self._shown_tags:
            return
        self._shown_tags = (tags, tuple(sorted(defined.items())), own, tuple(sorted(spelt.items())))
        current = self.current_tag()
        self.tree.blockSignals(True)
        try:
            self._tags_item.takeChildren()
            self._tags_item.addChildren([self._no_tags, self.tags_hint])
            self._no_tags.setHidden(bool(tags))
            self.tags_hint.setHidden(bool(tags) or not self.tags_hint.text(0))
            items = [self._tag_entry(name, count, defined.get(name), name in own) for name, count in tags]
            self._tags_item.addChildren([*items, self.more_tags])  # one by one, 500 tags held the window 1.6 s
            chosen = next((item for item in items if item.data(0, TagRole) == current), None)
            if chosen is not None:
                self.tree.setCurrentItem(chosen)
            self._show_tags(self._all_tags_shown)
            if current is not None and self.current_tag() != current:
                self.tree.setCurrentItem(None)
                self.tree.clearSelection()
        finally:
            self.tree.blockSignals(False)

    def set_tags_hint(self, hint: str, why: str = "") -> None:
        """A line under "No tags yet" that says why there are none (`why`: its tooltip), shown while
        there are none; "": no line. The demo model gives no automatic tags, and "No tags yet"
        forever looked like tagging was broken."""
        self.tags_hint.setText(0, hint)
        self.tags_hint.setToolTip(0, why)
        self.tags_hint.setHidden(not hint or self._no_tags.isHidden())

    def tag_items(self) -> list[QTreeWidgetItem]:
        """Every tag's entry, those "Show all" still hides included."""
        return [self._tags_item.child(i) for i in range(self._tags_item.childCount())
                if self._tags_item.child(i).data(0, KindRole) == "tag"]

    def _show_tags(self, all_of_them: bool) -> None:
        """The first TAGS_SHOWN tags, or all of them; the selected tag is never hidden."""
        self._all_tags_shown = all_of_them
        items = self.tag_items()
        current = self.tree.currentItem()
        for index, item in enumerate(items):
            item.setHidden(not all_of_them and index >= TAGS_SHOWN and item is not current)
        self.more_tags.setHidden(len(items) <= TAGS_SHOWN)
        self.more_tags.setText(0, "Show fewer tags" if all_of_them else f"Show all {len(items):,} tags")
        self.more_tags.setIcon(0, icons.icon("chevron-up" if all_of_them else "chevron-down", theme.colours().muted))

    def shown_tag(self, tag: str) -> str:
        """A tag (its key) as the sidebar shows it: as the user wrote it ("Grandma Rose")."""
        return self._spellings.get(tag, tag)

    def tag_item(self, tag: str) -> QTreeWidgetItem | None:
        return next((item for item in self.tag_items() if item.data(0, TagRole) == tag), None)

    def defined_prompt(self, tag: str) -> str | None:
        """What a tag the user defined looks like; None for other tags (and unlisted ones)."""
        item = self.tag_item(tag)
        return None if item is None else item.data(0, PromptRole)

    def set_writable(self, writable: bool) -> None:
        """Read-only: nothing that changes the library (folders, the user's tags) can be asked for."""
        self._writable = writable
        self.add_button.setEnabled(writable)
        self.new_tag_button.setEnabled(writable)

    def current_tag(self) -> str | None:
        item = self.tree.currentItem()
        if item is None or item.data(0, KindRole) != "tag":
            return None
        return str(item.data(0, TagRole))

    def select_tag(self, tag: str) -> None:
        """Highlight `tag` without announcing it (the window already shows it); none if it is not listed."""
        self.tree.blockSignals(True)
        item = self.tag_item(tag)
        if item is not None:
            item.setHidden(False)
        self.tree.setCurrentItem(item)
        if item is None:
            self.tree.clearSelection()
        self.tree.blockSignals(False)

    def folder_items(self) -> list[QTreeWidgetItem]:
        return [self._folders_item.child(i) for i in range(self._folders_item.childCount())
                if self._folders_item.child(i) is not self._no_folders]

    def entry_showing(self, folder: Path) -> QTreeWidgetItem | None:
        """The entry whose photos are those of `folder`, a folder inside one of the library's: its
        album where it is listed, else the library's folder that holds it (None: neither is listed).
        Adding such a folder shows them, instead of refusing it as a folder added twice."""
        album = next((item for item in self.album_items() if Path(item.data(0, PathRole)) == folder), None)
        if album is not None:
            return album
        return next((item for item in self.folder_items() if Path(item.data(0, PathRole)) in folder.parents), None)

    def current_root(self) -> Root | None:
        item = self.tree.currentItem()
        if item is None or item.data(0, KindRole) != "folder":
            return None
        return self._root_of(item)

    def select_place(self, country: str) -> None:
        """Highlight the place `country` without announcing it (the window searches for it)."""
        self.tree.blockSignals(True)
        item = next((i for i in self.place_items() if i.text(0) == country), None)
        self.tree.setCurrentItem(item)
        if item is None:
            self.tree.clearSelection()
        self.tree.blockSignals(False)

    def select_library(self) -> None:
        """Point the selection at "All photos" without announcing it (the window already knows)."""
        self.tree.blockSignals(True)
        self.tree.setCurrentItem(self.all_photos)
        self.tree.blockSignals(False)

    def open_entry(self, item: QTreeWidgetItem) -> None:
        """Make `item` the current entry and show its photos, as Enter on it does: shown again when it is
        current already (a photo's preview, say, gives way to them)."""
        self.tree.blockSignals(True)
        self.tree.setCurrentItem(item)
        self.tree.blockSignals(False)
        self._current_changed(item, None)

    def clear_selection(self) -> None:
        """No entry highlighted (search and similar results belong to none)."""
        self.tree.blockSignals(True)
        self.tree.setCurrentItem(None)
        self.tree.clearSelection()
        self.tree.blockSignals(False)

    # building

    def _section(self, title: str) -> QTreeWidgetItem:
        item = QTreeWidgetItem(self.tree, [title.upper()])
        item.setFlags(Qt.ItemFlag.ItemIsEnabled)
        item.setFont(0, self._section_font())
        item.setForeground(0, QBrush(QColor(theme.colours().muted)))
        item.setSizeHint(0, QSize(10, 30))
        item.setData(0, KindRole, "section")
        item.setToolTip(0, "Click to fold or unfold")
        return item

    def _section_font(self) -> QFont:
        font = QFont(self.font())
        font.setPointSizeF(theme.point_size(font) * 0.8)
        font.setWeight(QFont.Weight.DemiBold)
        font.setLetterSpacing(QFont.SpacingType.AbsoluteSpacing, 0.8)
        return font

    def changeEvent(self, event: QEvent) -> None:
        """The app's font changed (the desktop's, while photoclip runs): the headers, whose font
        is set on them, follow it."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            for item in (self.tree.topLevelItem(i) for i in range(self.tree.topLevelItemCount())):
                item.setFont(0, self._section_font())

    def _section_button(self, section: QTreeWidgetItem, icon_name: str, tip: str) -> QToolButton:
        """A small button at the right end of a section's header (its title stays painted beneath)."""
        holder = QWidget()
        holder.setAttribute(Qt.WidgetAttribute.WA_TranslucentBackground, True)
        row = QHBoxLayout(holder)
        row.setContentsMargins(0, 0, 2, 0)
        row.addStretch(1)
        button = QToolButton()
        button.setIcon(icons.icon(icon_name, theme.colours().muted))
        button.setStyleSheet("padding: 0px;")  # the header's row is only as tall as its text
        icons.follow_font(button, lambda shown: shown.setFixedSize(icons.scaled(22), icons.scaled(18)))
        button.setToolTip(tip)
        button.setCursor(Qt.CursorShape.PointingHandCursor)
        button.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # Tab goes on from the entries to it; a click leaves the focus
        button.setAccessibleName(tip.split(" — ")[0])
        row.addWidget(button, 0, Qt.AlignmentFlag.AlignVCenter)
        self.tree.setItemWidget(section, 0, holder)
        return button

    def _entry(self, parent: QTreeWidgetItem, text: str, icon_name: str, kind: str) -> QTreeWidgetItem:
        item = self._detached_entry(text, icon_name, kind)
        parent.addChild(item)
        return item

    @staticmethod
    def _detached_entry(text: str, icon_name: str, kind: str) -> QTreeWidgetItem:
        """An entry not in the tree yet: a long list is added with one addChildren, so the
        tree lays out once, not once an entry."""
        item = QTreeWidgetItem([humanize.shown(text)])
        item.setIcon(0, icons.icon(icon_name))
        item.setData(0, KindRole, kind)
        return item

    def _tag_entry(self, name: str, count: int, prompt: str | None, own: bool) -> QTreeWidgetItem:
        """A tag's entry; `prompt`: what a tag the user defined looks like."""
        shown = self.shown_tag(name)
        item = self._detached_entry(shown, "tag", "tag")
        item.setData(0, TagRole, name)
        item.setData(0, CountRole, count)
        item.setToolTip(0, f"{plural(count, 'photo')} tagged “{humanize.shown(shown)}”")
        item.setData(0, OwnRole, own)
        if prompt is not None:
            item.setData(0, PromptRole, prompt)
            item.setIcon(0, icons.icon("tag", theme.colours().accent))
            item.setToolTip(0, defined_tag_tooltip(prompt, count, humanize.shown(shown)))
        return item

    def _album_entry(self, album: Album, name: str) -> QTreeWidgetItem:
        item = self._detached_entry(name, "album", "album")
        item.setData(0, PathRole, album.folder)
        item.setData(0, CountRole, album.photos)
        tags = album_tags_line(album, self._spellings)
        item.setToolTip(0, f"{humanize.shown(album.folder)}\n{plural(album.photos, 'photo')}"
                           + (f"\nAlbum tags: {tags}" if tags else ""))
        return item

    def _folder_entry(self, root: Root) -> QTreeWidgetItem:
        name = root.path.name or str(root.path)
        item = self._entry(self._folders_item, name, "folder" if root.online else "folder-offline", "folder")
        item.setData(0, PathRole, root.path)
        item.setData(0, RootIdRole, int(root.id))
        item.setData(0, OnlineRole, root.online)
        item.setData(0, GoneRole, root.gone)
        item.setData(0, SilentRole, root.silent)
        if root.online:
            item.setToolTip(0, humanize.shown(root.path))
            return item
        state, why = ("not found", "Not found: the folder was deleted, moved or renamed. Remove it from the library, "
                      "or add it where it is now.") if root.gone else (
            "offline", "Offline: the folder does not answer (a share whose server is away?). Its photos stay in the "
                       "library and come back when it does.") if root.silent else (
            "offline", "Offline: the folder cannot be reached (unplugged drive?). Its photos stay in the library "
                       "and come back when it does.")
        item.setText(0, humanize.shown(f"{name} ({state})"))
        item.setForeground(0, QBrush(QColor(theme.colours().offline)))
        item.setIcon(0, icons.icon("folder-offline", theme.colours().offline))
        item.setToolTip(0, f"{humanize.shown(root.path)}\n{why}")
        return item

    def _at_hand(self, album: Path) -> bool:
        """Whether an album's folder can be shown: its folder of the library is online, and it is there.
        This is the GUI thread: a share found not to answer (folder_probe) is not looked at, as that
        would freeze the window."""
        return any(root.online and root.path in album.parents for root in self._shown_roots or ()) \
            and not folder_probe.silent(album) and album.is_dir()

    def _root_of(self, item: QTreeWidgetItem) -> Root:
        return Root(RootId(int(item.data(0, RootIdRole))), Path(item.data(0, PathRole)), bool(item.data(0, OnlineRole)),
                    bool(item.data(0, GoneRole)), bool(item.data(0, SilentRole)))

    # interaction

    def _clicked(self, item: QTreeWidgetItem, _column: int) -> None:
        if item.data(0, KindRole) == "section":
            item.setExpanded(not item.isExpanded())
        elif item is self.more_tags:
            self._show_tags(not self._all_tags_shown)

    def _pressed(self, item: QTreeWidgetItem) -> None:
        """Enter or Space: fold a section, show all tags, or show an entry's photos again (the
        arrows that made it current showed them already, as a click does)."""
        self._clicked(item, 0)
        if item.data(0, KindRole) not in ("section", "more_tags"):
            self._current_changed(item, None)

    def _current_changed(self, item: QTreeWidgetItem | None, _previous: QTreeWidgetItem | None) -> None:
        if item is None:
            return
        kind = item.data(0, KindRole)
        if kind == "library":
            self.library_selected.emit()
        elif kind == "duplicates":
            self.duplicates_selected.emit()
        elif kind == "folder":
            self.folder_selected.emit(self._root_of(item))
        elif kind == "album":
            album = self._albums.get(str(item.data(0, PathRole)))
            if album is not None:
                self.album_selected.emit(album)
        elif kind == "tag":
            self.tag_selected.emit(str(item.data(0, TagRole)))
        elif kind == "place":
            self.place_selected.emit(item.text(0))

    def _remove_current(self) -> None:
        root = self.current_root()
        if root is not None:
            self.remove_folder_requested.emit(root)

    def _context_menu(self, pos: QPoint) -> None:
        menu = self.menu_for(self.tree.itemAt(pos))
        menu.exec(self.tree.viewport().mapToGlobal(pos))
        menu.deleteLater()

    def menu_for(self, item: QTreeWidgetItem | None) -> QMenu:
        """The right-click menu of an entry (or of the empty space under them): a folder's
        actions and "Add folder…"; in the Tags section, a tag's actions and "New tag…"."""
        menu = QMenu(self)
        kind = item.data(0, KindRole) if item is not None else None
        if item is not None and (item is self._tags_item or item.parent() is self._tags_item):
            if kind == "tag":
                self.add_entry_actions(menu, item)
                menu.addSeparator()
            self.add_new_tag(menu)
            return menu
        self.add_entry_actions(menu, item)
        if kind == "album":
            return menu
        if kind == "folder":
            menu.addSeparator()
        self._add(menu, "add_folder", "folder-add", "Add folder…", self.add_folder_requested.emit, self._writable)
        return menu

    def add_entry_actions(self, menu: QMenu, item: QTreeWidgetItem | None, every: bool = False) -> None:
        """The actions of the entry `item` on `menu`: a folder's or an album's, or a tag's ("Rename tag…" and
        "Delete tag…" for the user's own only: the vocabulary's change with its file; "Stop giving this tag
        automatically" for one the user defined). With `every` (the menu bar's), those of every kind of entry,
        greyed where they do not apply to this one, so each stays where the user found it last. Changes are
        greyed when read-only. The right-click menu and the menu bar are both made here, so they never differ."""
        kind = item.data(0, KindRole) if item is not None else None

        def add(name: str, icon_name: str, text: str, slot: Callable[[], object], enabled: bool,
                applies: bool) -> QAction | None:
            if not (applies or every):
                return None
            return self._add(menu, name, icon_name, text, slot, applies and enabled)

        folder = Path(item.data(0, PathRole)) if kind in ("folder", "album") else None
        root = self._root_of(item) if kind == "folder" else None
        add("show_folder", "folder-open", "Show in file manager", lambda: self.show_folder_requested.emit(folder),
            root.online if root is not None else folder is not None and self._at_hand(folder), folder is not None)
        add("leave_out", "minus", "Leave out of the library…", lambda: self.leave_out_requested.emit(folder),
            self._writable, kind == "album")
        add("remove_folder", "minus", "Remove from library…", lambda: self.remove_folder_requested.emit(root),
            self._writable, root is not None)
        if every:
            menu.addSeparator()
        tag = str(item.data(0, TagRole)) if kind == "tag" else None
        own = tag is not None and bool(item.data(0, OwnRole))
        rename = add("rename_tag", "tag", "Rename tag…", lambda: self.rename_tag_requested.emit(tag),
                     self._writable and own, tag is not None)
        delete = add("delete_tag", "close", "Delete tag…", lambda: self.delete_tag_requested.emit(tag),
                     self._writable and own, tag is not None)
        if tag is not None and not own:
            menu.setToolTipsVisible(True)
            for action in (rename, delete):
                if action is not None:
                    action.setToolTip("photoclip gives this tag itself; the vocabulary in Settings chooses the "
                                      "tags it gives")
        add("forget_tag", "minus", "Stop giving this tag automatically", lambda: self.forget_tag_requested.emit(tag),
            self._writable, tag is not None and item.data(0, PromptRole) is not None)

    def add_new_tag(self, menu: QMenu) -> None:
        self._add(menu, "new_tag", "plus", "New tag…", self.new_tag_requested.emit, self._writable)

    def _add(self, menu: QMenu, name: str, icon_name: str, text: str, slot: Callable[[], object],
             enabled: bool) -> QAction:
        action = QAction(icons.icon(icon_name), text, menu)
        action.setObjectName(name)
        action.setEnabled(enabled)
        action.triggered.connect(lambda: slot())
        menu.addAction(action)
        return action
