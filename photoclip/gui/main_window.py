"""The main window: search field, sidebar, results grid, preview, status bar.

It owns the worker of the library it shows (started here, stopped on close) and wires
the pieces together; each piece lives in its own module and only says what the user
asked for. Every library call goes through `Ops` (pool threads, results by signal) or the
worker, so the event loop never waits on the model, the index or the disk.
"""

from __future__ import annotations

import dataclasses
import logging
import time
import urllib.parse
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import (
    QEvent,
    QModelIndex,
    QObject,
    QPoint,
    QRect,
    QSettings,
    QSize,
    Qt,
    QTimer,
)
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QGuiApplication,
    QKeySequence,
    QResizeEvent,
    QShortcut,
)
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QMenuBar,
    QMessageBox,
    QStackedWidget,
    QStatusBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from photoclip import config, humanize, scan
from photoclip.catalog import Photo, Root
from photoclip.dedup import TrashResult
from photoclip.errors import PhotoclipError, QueryError
from photoclip.export import CopyReport
from photoclip.gui import desktop, gctune, icons, theme
from photoclip.gui.banner import Banner, BannerBox
from photoclip.gui.bridge import WorkerBridge
from photoclip.gui.duplicates import TILE_SIDE, DuplicatesPage
from photoclip.gui.grid import (
    PHOTO_IDS_MIME,
    CellPainter,
    MoreHits,
    PathRole,
    PhotoGridModel,
    PhotoGridView,
    PhotoIdRole,
    ScoreRole,
)
from photoclip.gui.library_swap import LibrarySwap
from photoclip.gui.modelstate import ModelState, Phase
from photoclip.gui.ops import Ops
from photoclip.gui.preview import PreviewPage
from photoclip.gui.settings_dialog import SettingsDialog, pick_model_file
from photoclip.gui.sidebar import WIDTH as SIDEBAR_WIDTH
from photoclip.gui.sidebar import CountRole, Sidebar, album_tags_line
from photoclip.gui.statusbar import FailuresDialog, FittedLabel, IndexStatus, MessageBar
from photoclip.gui.tags import NewTagDialog, ask_new_name, ask_tag_name
from photoclip.gui.thumbnails import ThumbnailLoader
from photoclip.gui.welcome import WelcomePanel
from photoclip.gui.wrapping import file_path, graphemes, left_to_right
from photoclip.humanize import plural
from photoclip.ids import PhotoId
from photoclip.imaging import IMAGE_SUFFIXES
from photoclip.library import Library, LibraryStatus, tagged_before_period
from photoclip.lock import LibraryLock
from photoclip.places import Place
from photoclip.search import QueryScope, SearchHit, bare_name, missing_image, no_photo_at, typed_folder
from photoclip.tagging import Album, normalize_tag, spelt_tag
from photoclip.when import Period
from photoclip.worker import (
    IndexProgress,
    PhotosChanged,
    RootsChanged,
    TagsChanged,
    Worker,
)

log = logging.getLogger(__name__)

SEARCH_PLACEHOLDER = "Describe a photo — “dog on the beach”, “red car in the snow”…"
SEARCH_DELAY_MS = 250
TAG_KEYS = "Ctrl+T"  # tag the photos selected in the grid
SEARCH_LIMIT = 400
LISTED_LIMIT = 1_000_000  # a search of only dates or places ("2019", "in australia") lists every photo of them
REFRESH_DELAY_MS = 1200  # the catalog changed: re-read the grid at most this often while indexing
RESULTS_REFRESH_S = 5.0  # while indexing: a search's results gain the photos indexed since, at most this often
SIDEBAR_REFRESH_S = 30.0  # while indexing: the albums and places listed gain those of the photos indexed since
TAKE_OVER_CHECK_MS = 2000  # while another photoclip writes the library: how often to look whether it has closed
THUMBNAIL_SIDE = 168  # logical px of a thumbnail until the grid says how big its cells are
MODEL_LOAD_AT_LATEST_MS = 3000
FULL_GC_HELD_AT_MOST_MS = 120_000  # no library opened, or a download going on: full collections come back
"""The model loads once the sidebar is filled, or after this long: importing torch holds
Python's lock for seconds, and the photos and albums should be on screen before that."""
SMALLEST_WINDOW = QSize(640, 520)  # at least: what the pages need at their narrowest is less (see resizeEvent)
PAGE_ROOM = 440  # the width the sidebar leaves the page where the window is narrow, before it narrows itself
ALBUMS_NAMED = 3  # a question that names the albums of a folder's subfolders names this many, then counts the rest
TITLE_QUERY_CHARACTERS = 120  # of a long search (a paragraph pasted), its title quotes this much; its field has all


def quoted_query(text: str) -> str:
    """A search's words as its page's title quotes them: a long one cut at a word, with "…", so
    a paragraph pasted leaves room for its results."""
    letters = graphemes(text)
    if len(letters) <= TITLE_QUERY_CHARACTERS:
        return f"“{text}”"
    cut = "".join(letters[:TITLE_QUERY_CHARACTERS])
    return f"“{cut.rsplit(' ', 1)[0] if ' ' in cut else cut}…”"


def period_line(period: Period) -> str:
    """What a search kept to, for its header: "Taken 1 Jun 2026 to 31 Aug 2026 (last summer)"."""
    if period.start >= period.end:
        return "No date is both " + " and ".join(f"“{words}”" for words in period.words.split(", "))
    return f"Taken {period.describe()} ({period.said})"


def place_line(place: Place) -> str:
    """"In Lisbon, Portugal"; "Not in Lisbon, Portugal" for a place a search leaves out ("beach not in lisbon");
    "In France but not Paris, France"."""
    return f"{'Not in' if place.left_out else 'In'} {place.shown}"


def scope_left_none(scope: QueryScope) -> tuple[str, str] | None:
    """The empty state of a search kept to dates or a place (every photo else is a candidate, so
    none found means none was taken then or there): its title and the way out."""
    period, place = scope.period, scope.place
    if period is not None and period.start >= period.end:
        return period_line(period), "Leave out one of the dates to search again."
    shown = f"{'not in' if place.left_out else 'in'} {place.shown}" if place is not None else ""
    named = [(shown, place.words)] if place is not None else []  # (as shown, as typed)
    if period is not None:
        named.append((period.said, period.words))
    if not named:
        return None
    typed = " and ".join(f"“{words}”" for _, words in named)
    return f"No photos taken {' '.join(shown for shown, _ in named)}", f"Leave out {typed} to search all your photos."


def listed(items: Sequence[str]) -> str:
    """"a, b and c"."""
    return " and ".join([", ".join(items[:-1]), items[-1]] if len(items) > 1 else items)


def photos_below(albums: Sequence[Album], folder: Path) -> int:
    """How many indexed photos `folder` and the folders in it hold, of every folder's album
    (Library.albums(min_photos=1): the sidebar's leave out those of a photo or two)."""
    return sum(album.photos for album in albums if album.folder == folder or folder in album.folder.parents)


def leave_out_detail(photos: int | None, albums: Sequence[str]) -> str:
    """What leaving a folder out does: how many photos go, naming the albums of its subfolders,
    which go with it (the folder's name alone does not say so), that the files stay, and how to
    bring it back. `photos`: None where they could not be counted."""
    named = [f"“{humanize.shown(name)}”" for name in albums[:ALBUMS_NAMED]]
    others = [plural(len(albums) - len(named), "other album")] if len(albums) > len(named) else []
    among = f", those of {listed(named + others)} among them," if named else ""
    one = photos == 1 and not named
    what = f"Its {plural(photos, 'photo')}" if photos else "Its photos"
    also = " or the folders in it" if named else ""
    return (f"{what}{among} {'stays where it is' if one else 'stay where they are'} on disk; photoclip forgets "
            f"{'it' if one else 'them'} and does not index this folder{also} again. Settings lists the folders "
            "left out; adding the folder again brings it back.")


class FolderTyped(QueryError):
    """The search was a folder's path, which would be searched for as words ("31 photos, best
    match first", all alike): the window says how to search in a folder instead, as the CLI does."""

    def __init__(self, folder: Path) -> None:
        super().__init__(f"{folder} is a folder")
        self.folder = folder


class NoneNamed(QueryError):
    """The search was an image file's name that no photo has and no file is: photos ranked by
    the words of a name are none of them the one meant."""

    def __init__(self, name: str) -> None:
        super().__init__(f"no photo is named {name}")
        self.name = name


def refuse_paths(query: str) -> None:
    """Refuse a query that is a folder's path (FolderTyped), as the CLI's search does."""
    folder = typed_folder(query)
    if folder is not None:
        raise FolderTyped(folder)


def refuse_missing_image(library: Library, query: str, scope: QueryScope | None, by_name: bool = True) -> None:
    """Refuse a query that names an image file that is not there, unless photos of that name were
    found (`scope`): a path, a photo that could not be indexed, a name no photo has (NoneNamed).
    A search that did not look for names (among a tag's photos: not `by_name`) says nothing of them."""
    missing = missing_image(query)
    if missing is None or (scope is not None and scope.file_name is not None):
        return
    if not bare_name(query, missing):
        raise no_photo_at(missing)
    if not by_name:
        return
    failed = library.failed_named(missing)
    if failed:
        path, reason = failed[0]
        raise QueryError(f"{path.name} is in the library but could not be indexed, so no search finds it: {reason}")
    raise NoneNamed(missing)


# a search or "similar" asked for so many hits, with the dates and place its words kept to
Asked = Callable[[Library, int], tuple[list[SearchHit], QueryScope | None]]
# what refresh_tags reads: (tag, count), (defined tag, prompt), the tags given by hand, key -> spelling
_TagsRead = tuple[list[tuple[str, int]], list[tuple[str, str]], set[str], dict[str, str]]


@dataclass(frozen=True)
class View:
    """What the grid shows: the library, one folder, one album, one tag's photos, a search
    (within a tag, folder or album when `tag`, `root` or `album` is set; kept to `period`
    when its words had dates), or photos like one photo."""

    kind: str  # "library" | "folder" | "album" | "tag" | "search" | "similar" | "duplicates"
    root: Root | None = None
    album: Album | None = None
    text: str = ""
    tag: str | None = None
    period: Period | None = None
    place: Place | None = None
    by_date: bool = False  # the search was only dates or a place: its photos newest first
    first_tagged: tuple[str, ...] = ()  # the user's tags the search named: their photos come first
    left_out_tagged: tuple[str, ...] = ()  # ... and those it named to leave out ("not kids")
    file_name: str | None = None  # the search looked like a file name: the photos named so come first
    caption_words: tuple[str, ...] = ()  # the photos whose captions hold these words come first
    first_in: tuple[str, ...] = ()  # the folders the search named ("lake tahoe"): their photos come first
    left_out_in: tuple[str, ...] = ()  # ... and those it named to leave out ("not lake tahoe")
    place_first: Place | None = None  # the search was a place's name ("paris"): the photos taken there come first
    similar_to: PhotoId | Path | str | tuple[PhotoId, ...] | None = None  # a photo (or several), a file, a URL

    @property
    def browsing(self) -> bool:
        return self.kind in ("library", "folder", "album", "tag")


def scope_name(view: View, albums: Mapping[str, str] | None = None) -> str | None:
    """The name of the folder or album a view keeps to, as its header titles it: an album as
    `albums` (the sidebar's names, by folder) names it, so two of the same name ("2023/Lake",
    "2024/Lake") are told apart there too."""
    if view.album is not None:
        return (albums or {}).get(str(view.album.folder)) or view.album.folder.name or str(view.album.folder)
    if view.root is not None:
        return view.root.path.name or str(view.root.path)
    return None


def ordered(rows: int, order: str) -> str:
    """How results are ordered, said only where there is an order to see."""
    return f", {order}" if rows > 1 else ""


def url_label(url: str) -> str:
    """How a header names an image on the web: its file name, else its site."""
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.unquote(parts.path.rstrip("/").rsplit("/", 1)[-1]) or parts.netloc or url


def search_placeholder(view: View, spellings: Mapping[str, str] | None = None,
                       albums: Mapping[str, str] | None = None) -> str:
    """The search field's hint, which says what typing there searches (a tag as `spellings`
    spells it: the view holds its key; an album as `albums` names it, see scope_name)."""
    if view.kind == "tag":
        tag = view.tag or ""
        return f"Search the photos tagged “{humanize.shown((spellings or {}).get(tag, tag))}”…"
    name = scope_name(view, albums)
    return f"Search “{humanize.shown(name)}”…" if name else SEARCH_PLACEHOLDER


def _standard_or(key: QKeySequence.StandardKey, fallback: str) -> list[QKeySequence]:
    """The platform's keys for `key`, or `fallback` where it has none (Linux desktops have no
    Preferences key; Windows no Quit key, closing with Alt+F4)."""
    return QKeySequence.keyBindings(key) or [QKeySequence(fallback)]


_LEAST_CHARS = 12


class _WrappedLine(QLabel):
    """A header's line (a long query, an album's folder): on one line where it fits, wrapped onto
    more where the window is narrow, instead of holding the window as wide as it is."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setWordWrap(True)

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        margins = self.contentsMargins()
        width = max((self.fontMetrics().horizontalAdvance(line) for line in self.text().splitlines()), default=0)
        return QSize(width + margins.left() + margins.right() + 2 * self.margin(), hint.height())

    def minimumSizeHint(self) -> QSize:
        """No wider than a few words: a word wider than the window (a file name pasted as the
        query, a long tag) runs past the edge instead of widening the window."""
        least = super().minimumSizeHint()
        return QSize(min(least.width(), self.fontMetrics().averageCharWidth() * _LEAST_CHARS), least.height())


class _Central(QWidget):
    """The window's content, never smaller than SMALLEST_WINDOW less the menu and status bars:
    its own smallest size, the pages' widths that are maximums (the sidebar, the preview's facts)
    at their least, is lower, and a window smaller still would show too little to be of use."""

    def __init__(self, status_bar: QStatusBar, menu_bar: QMenuBar) -> None:
        super().__init__()
        self._status_bar, self._menu_bar = status_bar, menu_bar
        status_bar.installEventFilter(self)

    def minimumSizeHint(self) -> QSize:
        bars = sum(bar.minimumSizeHint().height() for bar in (self._status_bar, self._menu_bar) if not bar.isHidden())
        return super().minimumSizeHint().expandedTo(SMALLEST_WINDOW - QSize(0, bars))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (watched is self._status_bar and isinstance(event, QResizeEvent)
                and event.size().height() != event.oldSize().height()):
            self.updateGeometry()  # taller while indexing (its pause button): the window is not
        return super().eventFilter(watched, event)


class _Pages(QStackedWidget):
    """The pages, as small as the one shown allows: a stack is as small as its largest page
    allows, and the preview's height, added to a model banner's over the grid, made the
    window taller than the screen's 560 pixels."""

    def __init__(self) -> None:
        super().__init__()
        self.currentChanged.connect(lambda _index: self.updateGeometry())

    def minimumSizeHint(self) -> QSize:
        page = self.currentWidget()
        if page is None:
            return super().minimumSizeHint()
        return page.minimumSizeHint().expandedTo(page.minimumSize())

    def sizeHint(self) -> QSize:
        """No taller than its least height, nor measured by its width (a page's header and its grid's
        hint at the width it has, which the window's layout kept as its least): the pages take the
        height left (their stretch), and in a low window they give way before the banners above
        them, which scroll only then. The grid kept more than it needed, and the banners scrolled."""
        return QSize(super().sizeHint().width(), self.minimumSizeHint().height())

    def hasHeightForWidth(self) -> bool:
        return False


class MainWindow(QMainWindow):
    def __init__(self, library: Library, watch: bool = True, start_worker: bool = True) -> None:
        super().__init__()
        self.setWindowTitle("photoclip")
        self.setWindowIcon(icons.app_icon())
        self.resize(1240, 800)
        self.setAcceptDrops(True)
        self.library = library
        self._watch = watch
        self._owned_libraries: list[Library] = []
        self.ops = Ops(library, self)
        self.ops.error.connect(self.report_error)
        ratio = self.devicePixelRatioF() or 1.0
        self.loader = ThumbnailLoader(library, THUMBNAIL_SIDE, ratio, self, radius=CellPainter.RADIUS)
        self.model = PhotoGridModel(self.ops, self.loader, self)
        self.duplicate_loader = ThumbnailLoader(library, TILE_SIDE, ratio, self, radius=6)
        self.model_state = ModelState(self.ops, self)
        self.model_state.changed.connect(self._model_state_changed)
        self.worker: Worker | None = None
        self.bridge: WorkerBridge | None = None
        self.status: LibraryStatus | None = None
        self.view = View("library")
        self._browse_view = View("library")
        self._search_seq = 0
        self._pending_seq = -1  # the search or similar query still running, if any
        self._shown_query: tuple[Asked, str] | None = None
        self._results_outdated = False  # photos were indexed since the results shown were found
        self._answered_at = 0.0  # time.monotonic() of the shown query's asking
        self._tags_read_at = 0.0  # time.monotonic() of the last refresh_tags
        self._known_tags: list[str] = []  # by key ("grandma rose"), as tags are known and compared
        self._defined_tags: dict[str, str] = {}  # the user's own tags: name -> what they look like
        self._tag_spellings: dict[str, str] = {}  # key -> as shown ("Grandma Rose"), read with the tags
        self._model_load_waiting = True  # at startup the model waits for the sidebar (MODEL_LOAD_AT_LATEST_MS)
        QTimer.singleShot(MODEL_LOAD_AT_LATEST_MS, self, self._load_model_once)
        self._defining: str | None = None  # a tag just defined, said in the status bar once it is listed
        self._search_before_similar: str | None = None  # Esc from photos like one of its results goes back to it
        self._failed_before_run = 0  # files that could not be read, before the indexing now running
        self._stepping_from: PhotoId | None = None  # the preview photo whose Next waits for a page (step_preview)
        self._run_failed = 0  # files the indexing now running could not read (its last report's)
        self._status_seq = 0  # the newest status read asked for: an older one arriving later is stale
        self._refresh_owed = False  # the catalog changed since the last re-read: once more when the timer ends
        self._trash_from_duplicates = False
        self._closing = False
        self._switch: LibrarySwap | None = None  # the library being reopened with new settings
        self._switch_next: tuple[config.Settings | None] | None = None  # settings chosen during that
        self._clearing_search = False
        self._folder_banner_for: Root | None = None  # the unreachable folder the folder banner is about

        gctune.hold_while_starting()  # no full collection while torch loads in the background
        QTimer.singleShot(FULL_GC_HELD_AT_MOST_MS, gctune.settle_after_startup)
        self._build()
        self.layout().activate()  # the smallest size the content allows holds from now: a restored size too
        self._search_timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._run_search)
        self._refresh_timer = QTimer(self, singleShot=True, interval=REFRESH_DELAY_MS)
        self._take_over_timer = QTimer(self, interval=TAKE_OVER_CHECK_MS)
        self._take_over_timer.timeout.connect(self._take_over_when_free)
        self._refresh_timer.timeout.connect(self._refresh_due)
        self._shortcuts()
        self._menus()
        self.search_field.setFocus()  # typing searches from the start: the first in the tab order is "Add folder…"

        self._start_session(start_worker)

    # ------------------------------------------------------------------ building

    def _build(self) -> None:
        self.setStatusBar(MessageBar())  # a message too long for a narrow window is cut with "…", not mid-word
        central = _Central(self.statusBar(), self.menuBar())
        outer = QHBoxLayout(central)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        self.sidebar = Sidebar()
        self.sidebar.library_selected.connect(lambda: self.show_view(View("library")))
        self.sidebar.duplicates_selected.connect(lambda: self.show_view(View("duplicates")))
        self.sidebar.folder_selected.connect(lambda root: self.show_view(View("folder", root=root)))
        self.sidebar.album_selected.connect(lambda album: self.show_view(View("album", album=album)))
        self.sidebar.tag_selected.connect(self.show_tag)
        self.sidebar.place_selected.connect(self.show_place)
        self.sidebar.add_folder_requested.connect(self.choose_folder)
        self.sidebar.remove_folder_requested.connect(self.remove_folder)
        self.sidebar.leave_out_requested.connect(self.leave_out)
        self.sidebar.show_folder_requested.connect(desktop.show_in_folder)
        self.sidebar.settings_requested.connect(self.open_settings)
        self.sidebar.new_tag_requested.connect(self.new_tag)
        self.sidebar.forget_tag_requested.connect(self.forget_tag)
        self.sidebar.rename_tag_requested.connect(self.ask_rename_tag)
        self.sidebar.delete_tag_requested.connect(self.ask_delete_tag)
        outer.addWidget(self.sidebar)

        column = QVBoxLayout()
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self._build_top_bar())
        banners = QVBoxLayout()
        banners.setContentsMargins(16, 0, 16, 0)
        banners.setSpacing(8)
        self.model_banner = Banner()
        self.error_banner = Banner()
        self.folder_banner = Banner()  # on the page of a folder that cannot be reached: why, and what to do
        for banner in (self.model_banner, self.error_banner, self.folder_banner):
            banner.dismissed.connect(self._update_banner_box)
            banners.addWidget(banner)
        self._banner_box = BannerBox(banners)
        column.addWidget(self._banner_box)

        self.pages = _Pages()
        self.welcome = WelcomePanel()
        self.welcome.add_folder_requested.connect(self.choose_folder)
        self.welcome.add_path_requested.connect(self.add_folder)
        self.pages.addWidget(self.welcome)
        self.pages.addWidget(self._build_browse_page())
        self.preview = PreviewPage(self.ops)
        self.preview.close_requested.connect(self.close_preview)
        self.preview.step_requested.connect(self.step_preview)
        self.preview.find_similar_requested.connect(lambda pid: self.find_similar(PhotoId(pid)))
        self.preview.tag_open_requested.connect(self.show_tag)
        self.preview.add_tag_requested.connect(lambda pid, tag: self.add_tag([PhotoId(pid)], tag))
        self.preview.remove_tag_requested.connect(lambda pid, tag: self.remove_tag([PhotoId(pid)], tag))
        self.preview.desktop_failed.connect(lambda text: self.statusBar().showMessage(text, 10000))
        self.preview.trash_requested.connect(lambda pid: self.trash_ids([PhotoId(pid)]))
        copy = QShortcut(QKeySequence.StandardKey.Copy, self.preview,
                         context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        copy.activated.connect(lambda: self.copy_photos([] if self.preview.photo_id is None
                                                        else [self.preview.photo_id]))
        self.pages.addWidget(self.preview)
        self.duplicates = DuplicatesPage(self.ops, self.duplicate_loader)
        self.duplicates.trash_requested.connect(self.trash_photos)
        self.duplicates.not_duplicates_requested.connect(self._not_duplicates)
        self.duplicates.maybe_duplicates_requested.connect(self._maybe_duplicates)
        self.duplicates.add_folder_requested.connect(self.choose_folder)
        self.pages.addWidget(self.duplicates)
        column.addWidget(self.pages, 1)
        outer.addLayout(column, 1)
        self.setCentralWidget(central)

        self.index_status = IndexStatus()
        self.index_status.pause_requested.connect(self._pause_requested)
        self.index_status.failures_requested.connect(self.show_failures)
        self.statusBar().addWidget(self.index_status, 1)
        # a one-off message hides the status bar's widgets but not its permanent ones
        self.statusBar().addPermanentWidget(self.index_status.failures_button)
        self.count_label = FittedLabel("")
        self.count_label.setContentsMargins(0, 0, 12, 0)
        self.statusBar().addPermanentWidget(self.count_label)
        self.statusBar().setSizeGripEnabled(False)
        self._update_banner_box()

    def _build_top_bar(self) -> QWidget:
        bar = QFrame()
        bar.setObjectName("TopBar")
        layout = QHBoxLayout(bar)
        layout.setContentsMargins(16, 10, 16, 10)
        self.search_field = QLineEdit()
        self.search_field.setObjectName("SearchField")
        self.search_field.setAccessibleName("Search photos")  # a screen reader does not read the placeholder
        self.search_field.setPlaceholderText(SEARCH_PLACEHOLDER)
        self.search_field.setClearButtonEnabled(True)
        self.search_field.addAction(icons.icon("search", theme.colours().muted),
                                    QLineEdit.ActionPosition.LeadingPosition)
        self.search_field.setMinimumHeight(38)
        self.search_field.textChanged.connect(self._search_text_changed)
        self.search_field.returnPressed.connect(self._search_return)
        self.search_field.installEventFilter(self)
        layout.addWidget(self.search_field, 1)
        return bar

    def _build_browse_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        header = QWidget()
        header_layout = QVBoxLayout(header)
        header_layout.setContentsMargins(20, 14, 20, 6)
        header_layout.setSpacing(2)
        self.title_label = _WrappedLine("All photos")
        self.title_label.setObjectName("ViewTitle")
        self.subtitle_label = _WrappedLine("")
        self.subtitle_label.setObjectName("ViewSubtitle")
        self.search_everywhere = QToolButton()
        self.search_everywhere.setObjectName("ScopeButton")
        self.search_everywhere.setText("Search all photos instead")
        self.search_everywhere.setCursor(Qt.CursorShape.PointingHandCursor)
        self.search_everywhere.clicked.connect(self.search_everywhere_instead)
        self.search_everywhere.hide()
        # the grid below does not jump when it shows; its width goes to a long line while hidden
        self.subtitle_label.setMinimumHeight(self.search_everywhere.sizeHint().height())
        subtitle_row = QHBoxLayout()
        subtitle_row.setContentsMargins(0, 0, 0, 0)
        subtitle_row.setSpacing(8)
        subtitle_row.addWidget(self.subtitle_label, 1)  # all the width there is: it wraps only where it must
        subtitle_row.addWidget(self.search_everywhere)
        header_layout.addWidget(self.title_label)
        header_layout.addLayout(subtitle_row)
        header.setObjectName("ViewHeader")
        header.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        layout.addWidget(header)
        self.grid = PhotoGridView()
        self.grid.setAccessibleName("Photos")
        self.grid.setModel(self.model)
        self.grid.open_requested.connect(self.open_preview)
        self.grid.typed.connect(self._type_into_search)
        self.grid.customContextMenuRequested.connect(self._grid_context_menu)
        self.grid.keyboard_menu_requested.connect(
            lambda pos: self._grid_context_menu(pos, self.grid.keyboard_menu_ids()))
        delete = QShortcut(QKeySequence.StandardKey.Delete, self.grid, context=Qt.ShortcutContext.WidgetShortcut)
        delete.activated.connect(lambda: self.trash_ids(self.grid.selected_photo_ids()))
        copy = QShortcut(QKeySequence.StandardKey.Copy, self.grid, context=Qt.ShortcutContext.WidgetShortcut)
        copy.activated.connect(lambda: self.copy_photos(self.grid.selected_photo_ids()))
        tag = QShortcut(QKeySequence(TAG_KEYS), self.grid, context=Qt.ShortcutContext.WidgetShortcut)
        tag.activated.connect(self._tag_selected)  # the menu's "Add tag…", for those without a mouse
        self.grid.selectionModel().selectionChanged.connect(lambda *_: self._update_header())
        self.grid.viewport_moved.connect(self.loader.drop_queued)
        self.grid.thumbnail_side_changed.connect(self.loader.set_side)
        self.loader.set_side(CellPainter.square(QRect(QPoint(), self.grid.gridSize())).width())
        self.model.modelReset.connect(self.loader.drop_queued)
        self.model.modelReset.connect(self._update_header)
        self.model.rowsInserted.connect(self._update_header)
        self.model.rowsRemoved.connect(self._update_header)
        self.model.layoutChanged.connect(self._update_header)
        self.model.loading_changed.connect(lambda _loading: self._update_header())
        for changed in (self.model.rowsInserted, self.model.rowsRemoved, self.model.layoutChanged,
                        self.model.loading_changed):
            changed.connect(self._sync_preview_position)
        self.model.page_loaded.connect(self._step_after_page)
        layout.addWidget(self.grid, 1)
        return page

    def _shortcuts(self) -> None:
        find = QShortcut(QKeySequence.StandardKey.Find, self)
        find.activated.connect(self.focus_search)
        escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        escape.activated.connect(self.escape)

    def _menus(self) -> None:
        """The menu bar: what the window's buttons and the photos' right-click menu do, found
        without the mouse's right button or the Menu key (Alt, or F10 on some desktops)."""
        file_menu = self.menuBar().addMenu("&File")
        add = file_menu.addAction(icons.icon("folder-add"), "Add folder…", self.choose_folder)
        add.setShortcut(QKeySequence.StandardKey.Open)
        settings = file_menu.addAction(icons.icon("settings"), "Settings…", self.open_settings)
        settings.setShortcuts(_standard_or(QKeySequence.StandardKey.Preferences, "Ctrl+,"))
        file_menu.addSeparator()
        quit_app = file_menu.addAction("Quit", self.close)
        quit_app.setShortcuts(_standard_or(QKeySequence.StandardKey.Quit, "Ctrl+Q"))
        self.library_menu = self.menuBar().addMenu("&Library")
        self.library_menu.aboutToShow.connect(self._fill_library_menu)
        self._fill_library_menu()
        self._view_menu()
        self.photo_menu = self.menuBar().addMenu("&Photo")
        self.photo_menu.aboutToShow.connect(self._fill_photo_menu)
        self._fill_photo_menu()

    # ------------------------------------------------------------------ session (library + worker)

    def _start_session(self, start_worker: bool) -> None:
        """Listen to a worker for this library (unless read-only) and get the model ready."""
        if start_worker and not self.library.read_only:
            self.worker = Worker(self.library, watch=self._watch)
            self.bridge = WorkerBridge(self.worker, self)
            self.bridge.progress.connect(self._on_progress)
            self.bridge.photos_changed.connect(self._on_photos_changed)
            self.bridge.roots_changed.connect(self._on_roots_changed)
            self.bridge.idle.connect(self._on_idle)
            self.bridge.error.connect(self.report_error)
            self.bridge.download.connect(lambda ev: self.model_state.download_progress(ev.done, ev.total))
            self.bridge.trashed.connect(self._trashed)
            self.bridge.tags_changed.connect(self._on_tags_changed)
            self.worker.start()
        if self.library.full_disk:
            self.error_banner.show_message(
                "The disk that holds this library is full, so it is open read-only: you can search and browse. "
                "Free some space there, then open the library again to index or change it.", kind="info")
        elif self.library.unwritable:
            self.error_banner.show_message(
                "This library's folder cannot be written (a read-only drive, or a copy without write permission), "
                "so it is open read-only: you can search and browse, but not index or change it.", kind="info")
        elif self.library.read_only:
            self.error_banner.show_message(
                "Another photoclip is using this library, so it is open read-only: you can search, "
                "and indexing and changes come back here as soon as the other one closes.", kind="info")
            self._take_over_timer.start()
        self._set_writable(not self.library.read_only)
        if not self._model_load_waiting:  # a library reopened with other settings: its model now
            self.model_state.load()
        self.ops.query(lambda lib: lib.roots_last_seen(), self._roots_last_seen, parent=self)
        self.refresh_status()
        self.refresh_tags()
        self.show_view(View("library"))

    def _roots_last_seen(self, roots: list[Root]) -> None:
        """The folders shown while the first status is read (seconds, when a share does not answer)."""
        if self.status is None:
            self.sidebar.set_roots(roots)

    def _take_over_when_free(self) -> None:
        """Once the other photoclip has closed (a command run in a terminal, often seconds
        long), become the library's writer: index, watch, tag."""
        lock = LibraryLock(self.library.directory)
        try:
            lock.acquire()
        except PhotoclipError:
            return
        lock.release()
        self._take_over_timer.stop()
        self._reopen(None)

    def _stop_session(self) -> None:
        self._take_over_timer.stop()
        if self.bridge is not None:
            self.bridge.detach()
            self.bridge.deleteLater()
            self.bridge = None
        if self.worker is not None:
            self.worker.stop()
            self.worker = None

    def _reopen(self, settings: config.Settings | None) -> None:
        """Save `settings` (if given) and reopen the library so the engine picks them up.

        Stopping the worker (its batch) and the old model's load can take seconds, so they
        and the reopening happen off the GUI thread; meanwhile the window shows what it has
        and what the user asks waits for the reopened library."""
        if self._closing:
            return
        if self._switch is not None:  # chosen while the last choice is being applied: next
            self._switch_next = (settings,)
            return
        self._search_timer.stop()
        self._stop_refreshes()
        worker = self.worker
        self.worker = None
        self._stop_session()
        self.model_state.cancel()
        self.ops.hold()
        for loader in (self.loader, self.duplicate_loader):
            loader.hold()
        self.index_status.set_message("Applying the new settings…")
        self._switch = LibrarySwap(self.library, settings, worker, (self.ops, self.loader, self.duplicate_loader), self)
        self._switch.done.connect(self._reopened)
        self._switch.start()

    def _reopened(self, switch: LibrarySwap) -> None:
        if switch is not self._switch or self._closing:
            return
        self._switch = None
        if switch.library is None:  # the old one is closed: nothing works until one opens
            self.index_status.set_message("The library is not open")
            self.report_error(switch.error or "the library could not be opened again",
                              actions=[("Try again", lambda: self._reopen(switch.settings))])
            if self._switch_next is not None:
                (settings,), self._switch_next = self._switch_next, None
                self._reopen(settings)
            return
        old = switch.old
        if old in self._owned_libraries:
            self._owned_libraries.remove(old)
        library = switch.library
        self._owned_libraries.append(library)
        self.library = library
        self.ops.resume(library)
        self.loader.set_library(library)
        self.duplicate_loader.set_library(library)
        self.model_state = ModelState(self.ops, self)
        self.model_state.changed.connect(self._model_state_changed)
        self.error_banner.hide()
        query = self.search_field.text() if self.view.kind == "search" else ""
        self._start_session(True)
        if query.strip():  # asked while the library was being reopened
            self.search_field.setText(query)
            self._search_return()
        if switch.error is not None:
            self.report_error(switch.error)
        if self._switch_next is not None:
            (settings,), self._switch_next = self._switch_next, None
            self._reopen(settings)

    def shutdown(self) -> None:
        """Stop the worker and wait for background reads (closing, and tests)."""
        if self._closing:
            return
        self._closing = True
        self._search_timer.stop()
        self._stop_refreshes()
        self.model_state.cancel()
        self._stop_session()
        if self._switch is not None:  # let it end, and close what it opened
            self._switch.finish()
            if self._switch.old in self._owned_libraries:
                self._owned_libraries.remove(self._switch.old)
            if self._switch.library is not None:
                self._owned_libraries.append(self._switch.library)
            self._switch = None
        for loader in (self.loader, self.duplicate_loader):
            loader.drop_queued()
            loader.wait()
        self.ops.close()
        for library in self._owned_libraries:
            library.close()
        self._owned_libraries.clear()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.hide()  # at once: stopping may wait seconds for a model that is still loading
        self.shutdown()
        super().closeEvent(event)

    # ------------------------------------------------------------------ views

    def show_view(self, view: View) -> None:
        """Show the library, a folder, a tag, or (through search/similar) results in the grid."""
        self.view = view
        if view.browsing or view.kind == "duplicates":
            self.grid.clearSelection()  # what was selected elsewhere is not acted on here
            self._browse_view = view if view.browsing else View("library")  # a search from duplicates: all
            self._search_seq += 1  # a search still running is no longer wanted
            self._clear_search_field()
            self.search_field.setPlaceholderText(self._search_hint())
        if view.browsing:
            if view.kind == "library":
                self.sidebar.select_library()
            if view.kind == "tag":
                assert view.tag is not None
                self.sidebar.select_tag(view.tag)
                self.model.show_tagged(view.tag)
            else:
                self.model.show_library(view.root.id if view.root else None, view.album.folder if view.album else None)
        if self.pages.currentWidget() is self.preview:
            self.close_preview()
        if view.kind == "duplicates":
            self.duplicates.refresh()
        self._update_page()
        self._update_header()

    def show_tag(self, tag: str) -> None:
        """The photos carrying `tag`; typing in the search field then searches among them."""
        self.show_view(View("tag", tag=tag))

    def show_place(self, country: str) -> None:
        """The photos taken in a country: a search for "in <country>", over the whole library."""
        self._browse_view = View("library")
        self.search_field.setText(f"in {country}")
        self._search_timer.stop()
        self._run_search()
        self.sidebar.select_place(country)

    def focus_search(self) -> None:
        if self.pages.currentWidget() is self.preview:
            self.close_preview()
        self.search_field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_field.selectAll()

    def _type_into_search(self, text: str) -> None:
        """Letters typed in the grid begin a new search, as if typed in the field."""
        self.focus_search()
        self.search_field.insert(text)

    def _search_hint(self) -> str:
        """What the search field says typing there searches, in the view browsed."""
        return search_placeholder(self._browse_view, self._tag_spellings, self.sidebar.album_titles)

    def escape(self) -> None:
        """Esc backs out one step: preview -> grid, photos like one found in a search -> that
        search, search or similar -> the library."""
        if self.pages.currentWidget() is self.preview:
            self.close_preview()
        elif self.grid.hasFocus() and self.grid.selected_count() > 1:
            self.grid.select_only_current()
        elif self.search_field.text():
            self.search_field.clear()
        elif self.view.kind == "similar" and self._search_before_similar:
            text, self._search_before_similar = self._search_before_similar, None
            self.search_field.setText(text)
            self._search_timer.stop()
            self._run_search()
        elif not self.view.browsing:
            self.show_view(self._browse_view)
        elif self.error_banner.isVisible():
            self.error_banner.hide()
            self._update_banner_box()

    def _update_page(self) -> None:
        if self.pages.currentWidget() is self.preview:
            return
        if self.view.kind == "duplicates":
            self.pages.setCurrentWidget(self.duplicates)
            return
        has_roots = bool(self.status.roots) if self.status is not None else True
        show_welcome = not has_roots and self.view.kind == "library" and self.model.rowCount() == 0
        self._show_page(self.welcome if show_welcome else self.pages.widget(1))

    def _show_page(self, page: QWidget) -> None:
        """Show the welcome or the grid page, taking the keyboard focus along when it was left at
        the other page's default: on the welcome page (nothing to search yet) Enter adds a
        folder; once there are photos, typing searches."""
        if page is self.pages.currentWidget():
            return
        focus = self.focusWidget()
        if page is self.welcome and focus is self.search_field and not self.search_field.text():
            self.welcome.add_button.setFocus()
        elif page is not self.welcome and (focus is None or self.welcome.isAncestorOf(focus)):
            self.search_field.setFocus()
        self.pages.setCurrentWidget(page)

    def _update_folder_banner(self) -> None:
        """On the page of a folder that cannot be reached (or a search in it), say why its photos
        show only as thumbnails (or, with none cached, a broken-file mark that looks like damage) and
        what to do: plug the drive in, or remove a folder deleted, moved or renamed. Said once per
        visit: dismissed, it stays hidden until the page is left."""
        root = self.view.root if self.view.kind in ("folder", "search") else None
        root = root if root is not None and not root.online else None
        if root == self._folder_banner_for:
            return
        self._folder_banner_for = root
        if root is None:
            self.folder_banner.hide()
        else:
            name = humanize.shown(root.path.name or str(root.path))
            if root.gone:
                writable = self.worker is not None  # read-only: the sidebar's "Remove" is disabled too
                remove = [("Remove from library…", lambda: self.remove_folder(root))] if writable else []
                self.folder_banner.show_message(
                    f"“{name}” is not found: it was deleted, moved or renamed. Its photos stay listed until you "
                    "remove it from the library or add the folder where it is now.", actions=remove)
            elif root.silent:
                self.folder_banner.show_message(
                    f"“{name}” does not answer (a share whose server is away?): its photos, tags and albums are kept, "
                    "and searches still find them; they show when it answers again.", kind="info")
            else:
                self.folder_banner.show_message(
                    f"“{name}” is not connected: its photos, tags and albums are kept, and searches still find them; "
                    "plug it in to see the photos.", kind="info")
        self._update_banner_box()

    def _update_header(self) -> None:
        self._update_folder_banner()
        if self.view.kind == "duplicates":
            return  # the duplicates page has a header of its own
        view, rows = self.view, self.model.rowCount()
        indexing = self.index_status.running
        if view.kind == "library":
            title = "All photos"
            subtitle = f"{plural(rows, 'photo')}{'+' if self.model.canFetchMore(QModelIndex()) else ''}, newest first"
            found = self._photos_found()
            if found is not None:  # the library's, as the count says, not the pages read so far
                subtitle = f"{plural(found, 'photo')}, newest first"
            left_out = self._left_out_said()
            empty = ("library", "Looking for photos…", "Photos appear here as they are found.") if indexing else (
                "library", "No photos in your folders", f"They hold {left_out}, which photoclip does not index: it "
                "indexes photos. Add a folder of photos with “Add folder…” in the sidebar.") if left_out and \
                self.status is not None and self.status.roots else (
                "library", "No photos yet",
                "Add a folder of photos with “Add folder…” in the sidebar, or drop a folder on this window.")
        elif view.kind == "folder":
            assert view.root is not None
            title = view.root.path.name or str(view.root.path)
            more = "+" if self.model.canFetchMore(QModelIndex()) else ""  # paged in: 2,000+ until scrolled
            count = [] if self.model.is_loading and rows == 0 else [f"{plural(rows, 'photo')}{more}"]
            gone = not view.root.online and view.root.gone
            state = ["not found" if gone else "offline"] if not view.root.online else []
            subtitle = "  ·  ".join(count + [file_path(humanize.shown(view.root.path))] + state)
            if gone:
                empty = ("folder-offline", "This folder is not found",
                         "It was deleted, moved or renamed. Remove it from the library (right-click it in the "
                         "sidebar), or add it where it is now: its photos keep their tags.")
            elif not view.root.online and view.root.silent:
                empty = ("folder-offline", "This folder does not answer",
                         "The share that holds it does not answer (its server is away?). Its photos stay in the "
                         "library meanwhile.")
            elif not view.root.online:
                empty = ("folder-offline", "This folder is offline",
                         "Connect the drive that holds it. Its photos stay in the library meanwhile.")
            elif indexing:
                empty = ("folder", "No photos in this folder yet", "Photos appear here as they are found.")
            else:
                empty = ("folder", "No photos found in this folder",
                         "photoclip looked through it and its subfolders and found no photos.")
        elif view.kind == "album":
            assert view.album is not None
            title = scope_name(view, self.sidebar.album_titles) or ""
            tags = album_tags_line(view.album, self._tag_spellings)
            subtitle = "  ·  ".join([plural(view.album.photos, "photo")] + ([f"Album tags: {tags}"] if tags else [])
                                    + [str(view.album.folder)])
            empty = ("folder", "No photos in this album now", "Its photos were moved or deleted.")
        elif view.kind == "tag":
            title = self.shown_tag(view.tag or "")
            subtitle = "" if self.model.is_loading and rows == 0 else f"{plural(rows, 'photo')} with this tag"
            empty = ("tag", f"No photos tagged “{humanize.shown(title)}”",
                     "Tag a photo in its preview, or pick another tag in the sidebar.")
        elif view.kind == "search":
            title = quoted_query(view.text)
            among = self._searched_among(view)
            if self.model.more_hits:  # the best of more, not all there are
                found = f"The {rows:,} best matches{among}"
            else:
                order = "newest first" if view.by_date else "best match first"
                found = f"{plural(rows, 'photo')}{among}{ordered(rows, order)}"
            subtitle = "Searching…" if self._search_pending() else found
            tagged = " and ".join(f"“{self.shown_tag(name)}”" for name in view.first_tagged)
            dated_tag = tagged_before_period(view.period, view.first_tagged)  # "2019", a tag: first, then the year's
            if view.first_tagged and not dated_tag:
                subtitle = f"Tagged {tagged} first  ·  {subtitle}"
            if view.left_out_tagged:
                names = " or ".join(f"“{self.shown_tag(name)}”" for name in view.left_out_tagged)
                subtitle = f"Not tagged {names}  ·  {subtitle}"
            if view.file_name:
                subtitle = f"Named “{view.file_name}…” first  ·  {subtitle}"
            if view.caption_words:
                subtitle = f"Captioned “{' '.join(view.caption_words)}” first  ·  {subtitle}"
            if view.first_in:
                subtitle = f"In {self._folder_names(view.first_in, 'or')} first  ·  {subtitle}"
            if view.place_first is not None:
                subtitle = f"Taken in {view.place_first.shown} first  ·  {subtitle}"
            if view.left_out_in:
                subtitle = f"Not in {self._folder_names(view.left_out_in, 'or')}  ·  {subtitle}"
            if view.place is not None:
                said = "" if view.by_date else f" ({view.place.words})"  # else the title says just that
                subtitle = f"{place_line(view.place)}{said}  ·  {subtitle}"
            if view.period is not None:
                line = period_line(view.period)
                line = f"Tagged {tagged} first, then {line[:1].lower()}{line[1:]}" if dated_tag else line
                subtitle = f"{line}  ·  {subtitle}"
            empty = self.grid.empty_state() if rows == 0 and not self._search_pending() else ("search", "", "")
        else:
            title = f"Similar to {view.text}"
            found = f"The {rows:,} most alike photos" if self.model.more_hits else \
                f"{plural(rows, 'photo')}{ordered(rows, 'most alike first')}"
            subtitle = "Looking…" if self._search_pending() else found
            empty = self.grid.empty_state() if rows == 0 and not self._search_pending() else ("similar", "", "")
        if self.model.is_loading and rows == 0 and view.browsing:
            empty = ("library", "", "")
        selected = self.grid.selected_count()
        if selected > 1:
            subtitle = f"{subtitle}  ·  {selected:,} selected"
        # left-aligned as the subtitle is, whatever the letters of a tag or a search (left_to_right)
        self.title_label.setText(left_to_right(humanize.shown(title)))
        self.subtitle_label.setText(left_to_right(humanize.shown(subtitle)))
        self.search_everywhere.setVisible(view.kind == "search" and bool(view.tag or scope_name(view)))
        self.grid.set_empty_state(*empty)

    def _searched_among(self, view: View) -> str:
        """What a search kept to, as its header says it: " tagged “kids”", " in “Lake”", or ""."""
        scope = scope_name(view, self.sidebar.album_titles)
        return f" tagged “{self.shown_tag(view.tag)}”" if view.tag else f" in “{scope}”" if scope else ""

    # ------------------------------------------------------------------ search and similar

    def _clear_search_field(self) -> None:
        """Empty the search field without it asking for a view (the caller shows one). Not
        blockSignals: the field hides its clear button through its own textChanged."""
        if self.search_field.text():
            self._clearing_search = True
            try:
                self.search_field.clear()
            finally:
                self._clearing_search = False

    def _search_text_changed(self, text: str) -> None:
        if self._clearing_search:
            return
        if text.strip():
            self._search_timer.start()
        else:
            self._search_timer.stop()
            self.show_view(self._browse_view)

    def _search_return(self) -> None:
        if self._search_timer.isActive():
            self._search_timer.stop()
            self._run_search()
        if self.model.rowCount() > 0:
            self.grid.setFocus()
            if not self.grid.currentIndex().isValid():
                self.grid.setCurrentIndex(self.model.index(0, 0))

    def _search_pending(self) -> bool:
        return self._pending_seq == self._search_seq

    def _run_search(self) -> None:
        text = self.search_field.text().strip()
        if not text:
            return
        browse = self._browse_view
        tag = browse.tag if browse.kind == "tag" else None
        root = browse.root if browse.kind == "folder" else None
        album = browse.album if browse.kind == "album" else None
        self.view = View("search", text=text, tag=tag, root=root, album=album)
        folder = root.path if root is not None else album.folder if album is not None else None
        if tag is None and folder is None:
            self.sidebar.clear_selection()
        if self.pages.currentWidget() in (self.welcome, self.duplicates):
            self.pages.setCurrentIndex(1)
        self._update_header()

        def ask(lib: Library, limit: int) -> tuple[list[SearchHit], QueryScope | None]:
            refuse_paths(text)
            found = lib.search_scoped(text, limit=limit, tag=tag, folder=folder, subfolders=album is None,
                                      listed=LISTED_LIMIT)
            refuse_missing_image(lib, text, found[1], by_name=tag is None)
            return found

        self._query(ask, "search")

    def search_everywhere_instead(self) -> None:
        """The same words over the whole library, not just the tag, folder or album shown."""
        self._browse_view = View("library")
        self.search_field.setPlaceholderText(SEARCH_PLACEHOLDER)
        self._run_search()

    def find_similar(self, target: PhotoId | Path | str | tuple[PhotoId, ...]) -> None:
        """Photos that look like a photo of the library (or like several together), or like
        any image file or image on the web (dropped from a file manager or a browser)."""
        if isinstance(target, tuple) and len(target) == 1:
            target = target[0]
        if isinstance(target, tuple):
            label: str | None = f"{len(target)} photos"
        else:
            label = target.name if isinstance(target, Path) else url_label(target) if isinstance(target, str) else None
        if label is None:
            row = self.model.row_of(target)
            path = self.model.index(row, 0).data(PathRole) if row is not None else None
            photo = self.preview.photo if self.preview.photo_id == target else None
            label = (photo.path.name if photo else None) or (path.name if path else None)
        if label is None:  # its row is not loaded yet: name it when the catalog answers
            self.ops.query(lambda lib: lib.photo(target), lambda photo: self._name_similar(target, photo), parent=self)
        if self.view.kind == "search":
            self._search_before_similar = self.view.text
        elif self.view.kind != "similar":
            self._search_before_similar = None
        self._clear_search_field()
        self._search_timer.stop()
        self.view = View("similar", text=label or "this photo", similar_to=target)
        self.sidebar.clear_selection()
        if self.pages.currentWidget() is self.preview:
            self.close_preview()
        self.pages.setCurrentIndex(1)
        self._update_header()
        self._query(lambda lib, limit: (lib.similar(target, limit=limit), None), "similar")

    def _name_similar(self, target: PhotoId | Path | str, photo: Photo | None) -> None:
        if photo is not None and self.view.kind == "similar" and self.view.similar_to == target:
            self.view = dataclasses.replace(self.view, text=photo.path.name)
            self._update_header()

    def _query(self, ask: Asked, what: str, again: bool = False) -> None:
        """Run a search off the GUI thread (with the dates and place its words kept to); only the newest
        one may fill the grid, and its first SEARCH_LIMIT hits are more as the grid scrolls to its end.
        `again`: the query shown, asked anew for photos indexed since, for as many as were scrolled
        through; its results come without "Searching…", and leave the selection and the scroll as they are."""
        self._search_seq += 1
        seq = self._search_seq
        limit = max(SEARCH_LIMIT, self.model.hits_asked) if again else SEARCH_LIMIT
        if not again:
            self._pending_seq = seq
            self.model.drop_more()  # a page of the results shown, arriving now, would join the wrong ones
        self._shown_query = (ask, what)
        self._results_outdated = False
        self._answered_at = time.monotonic()
        found = self._photos_found()
        more = MoreHits(lambda lib, n: ask(lib, n)[0], limit, found if found else LISTED_LIMIT)
        self.ops.query(lambda lib: ask(lib, limit), lambda hits: self._results(seq, hits, more, again),
                       lambda exc: self._results_failed(seq, exc, what, again), parent=self)

    def _query_again(self, running: bool = False) -> None:
        """Photos indexed since the search or "similar" shown was answered join its results: at
        once when the worker is done; while it indexes (`running`), no more often than
        RESULTS_REFRESH_S and only while the user is not among them (at the top, none selected)."""
        if not self._results_outdated or self.view.kind not in ("search", "similar") or self._shown_query is None:
            return
        if self._search_timer.isActive() or self._search_pending() or self.pages.currentWidget() is self.preview:
            return  # a newer query is coming, or the user steps through these results
        if running and (time.monotonic() - self._answered_at < RESULTS_REFRESH_S
                        or self.grid.selectionModel().hasSelection() or self.grid.verticalScrollBar().value() > 0):
            return
        self._query(*self._shown_query, again=True)

    def _results(self, seq: int, found: tuple[list[SearchHit], QueryScope | None], more: MoreHits,
                 again: bool = False) -> None:
        if seq != self._search_seq:
            return  # a newer query was typed meanwhile
        if again and self.model.rowCount():  # none shown: the whole of a first answer, its empty state too
            self._results_again(found, more)
            return
        hits, scope = found
        self._pending_seq = -1
        if scope is not None:
            self.view = dataclasses.replace(self.view, period=scope.period, place=scope.place,
                                            by_date=scope.only_scope, first_tagged=scope.tags,
                                            left_out_tagged=scope.left_out_tags,
                                            file_name=scope.file_name, caption_words=scope.caption_words,
                                            first_in=scope.albums, left_out_in=scope.left_out_albums,
                                            place_first=scope.place_first)
        self.grid.clearSelection()  # what was selected elsewhere is not acted on here; first, as it redraws the header
        self.grid.scrollToTop()  # new results start at the best; at the end of the last ones, they would ask for more
        if not hits:
            indexed = self.status.counts.indexed if self.status else 0
            if indexed == 0:
                self.grid.set_empty_state("search", "Nothing is indexed yet",
                                          "Search looks at photos once they are indexed; add a folder to begin.")
            else:
                said = scope_left_none(scope) if scope is not None else None
                self.grid.set_empty_state("search", *(said or ("No photos found",
                                                               "Try describing it with other words.")))
        self._show_hits(found, more)
        self.grid.selectionModel().clearCurrentIndex()  # not at a photo of before either
        self._update_header()

    def _results_again(self, found: tuple[list[SearchHit], QueryScope | None], more: MoreHits) -> None:
        """The shown query's results anew: the model keeps the selection and the current photo
        on the same photos, and the grid the photos in sight where they were."""
        self._show_hits(found, more)
        self._update_header()

    def _show_hits(self, found: tuple[list[SearchHit], QueryScope | None], more: MoreHits) -> None:
        """Results in the grid, more of them as it scrolls; a search of only dates or a place
        lists all its photos at once, newest first, without scores."""
        hits, scope = found
        listed = scope is not None and scope.only_scope
        self.model.show_hits(hits, scored=not listed, file_name=scope.file_name if scope is not None else None,
                             more=None if listed else more)

    def _results_failed(self, seq: int, exc: BaseException, kind: str, again: bool = False) -> None:
        if seq != self._search_seq:
            return
        if again:  # the results shown stay: they answered it a moment ago
            log.warning("%s asked again failed: %s", kind, exc)
            return
        self._pending_seq = -1
        self.model.show_hits([])
        if isinstance(exc, FolderTyped):
            self.grid.set_empty_state("folder", *self._folder_typed(exc.folder))
        elif isinstance(exc, NoneNamed):
            self.grid.set_empty_state("search", f"No photo{self._searched_among(self.view)} is named "
                                      f"“{humanize.shown(exc.name)}”",
                                      "Check the name, or put it in quotes to search for its words.")
        elif isinstance(exc, PhotoclipError):
            self.grid.set_empty_state("warning", "Search did not work" if kind == "search" else
                                      "Could not look for similar photos", str(exc))
        else:
            log.error("%s failed", kind, exc_info=exc)
            self.grid.set_empty_state("warning", "Something went wrong", f"{type(exc).__name__}: {exc}")
        self._update_header()

    def _folder_typed(self, folder: Path) -> tuple[str, str]:
        """The empty state of a search that was a folder's path: how to search in it here."""
        name = humanize.shown(folder.name or str(folder))
        roots = [root.path for root in self.status.roots] if self.status is not None else []
        album = self.sidebar.album_titles.get(str(folder))
        holder = next((root for root in roots if root in folder.parents), None)
        then = "in the sidebar, then type what to look for."
        if folder in roots:
            way = f"To search in it, pick “{name}” {then}"
        elif album is not None:
            way = f"To search in it, pick its album “{humanize.shown(album)}” {then}"
        elif (left_out := self._left_out_typed(folder, name)) is not None:
            return left_out
        elif holder is not None:
            held_in = humanize.shown(holder.name or str(holder))
            way = f"To search in it, pick “{held_in}”, the folder that holds it, {then}"
        else:
            way = ("It is not in the library: add it with “Add folder…”, then pick it in the sidebar "
                   "to search in it.")
        return f"“{name}” is a folder", way

    def _left_out_typed(self, folder: Path, name: str) -> tuple[str, str] | None:
        """The empty state of a search that was the path of a folder the library does not index
        (left out in Settings, or a hidden or program's folder the scan passes over): picking the
        folder that holds it would find none of its photos either. None for a folder indexed."""
        roots = self.status.roots if self.status is not None else ()
        why = scan.left_out(roots, folder, self.library.settings.exclude_patterns)
        if why is None:
            return None
        if why.pattern is None:
            return (f"photoclip does not index “{name}”", "It is a hidden folder or a program's (caches, app "
                    "data), which hold no photos of yours, so no search finds its pictures.")
        title = f"“{name}” is left out of the library"
        left = why.folder
        if left is None:
            return title, (f"The pattern “{config.shown_pattern(why.pattern)}” in Settings → Leave out matches it; "
                           "take it off to search its photos.")
        again = ("add it again" if left == folder
                 else f"add “{humanize.shown(left.name)}”, the folder left out that holds it,")
        return title, (f"No search finds its photos. To bring them back, {again} with “Add folder…”, or take it "
                       "off Settings → Leave out.")

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Down arrow in the search field moves into the results."""
        if watched is self.search_field and event.type() == QEvent.Type.KeyPress:
            if event.key() == Qt.Key.Key_Down and self.model.rowCount() > 0:
                self.grid.setFocus()
                if not self.grid.currentIndex().isValid():
                    self.grid.setCurrentIndex(self.model.index(0, 0))
                return True
        return super().eventFilter(watched, event)

    # ------------------------------------------------------------------ preview

    def open_preview(self, index: QModelIndex) -> None:
        if not index.isValid():
            return
        self.grid.setCurrentIndex(index)
        pid = PhotoId(index.data(PhotoIdRole))
        self.preview.show_photo(pid, index.data(ScoreRole), self.model.position(index.row()),
                                self.loader.pixmap(pid), index.data(PathRole))
        self.pages.setCurrentWidget(self.preview)
        self._update_banner_box()
        focus = self.focusWidget()
        if focus is None or not self.preview.isAncestorOf(focus):  # a button tabbed to (Next) keeps the focus
            self.preview.setFocus()

    def step_preview(self, delta: int) -> None:
        """Show the photo `delta` rows on. Past the last row of a grid that lists more, the next
        page is asked for and the step is taken when it arrives (see _step_after_page)."""
        row = self.grid.currentIndex().row() + delta
        if 0 <= row < self.model.rowCount():
            index = self.model.index(row, 0)
            self.grid.scrollTo(index)
            self.open_preview(index)
        elif row >= self.model.rowCount() and self.model.lists_more:
            self._stepping_from = self.preview.photo_id
            if self.model.canFetchMore(QModelIndex()):
                self.model.fetchMore(QModelIndex())

    def _step_after_page(self) -> None:
        """A page arrived: the step asked for past the last photo, if the preview still shows it, is taken."""
        stepping_from, self._stepping_from = self._stepping_from, None
        showing = self.pages.currentWidget() is self.preview
        if showing and stepping_from is not None and stepping_from == self.preview.photo_id:
            row = self.model.row_of(stepping_from)
            if row is not None and row + 1 < self.model.rowCount():
                self.step_preview(1)

    def _sync_preview_position(self) -> None:
        """The grid changed under the preview (photos found or gone): "3 of 12" follows."""
        if self.pages.currentWidget() is not self.preview or self.preview.photo_id is None:
            return
        row = self.model.row_of(self.preview.photo_id)
        if row is not None:
            self.preview.set_position(self.model.position(row))

    def _next_remaining(self, photo_id: PhotoId, gone: set[PhotoId]) -> PhotoId | None:
        """The photo the preview shows next when `photo_id` leaves with `gone`: the one after it
        in the grid, else the one before it; None when none is left."""
        ids, row = self.model.ids, self.model.row_of(photo_id)
        if row is None:
            return None
        after = [pid for pid in ids[row + 1:] if pid not in gone][:1]
        before = [pid for pid in reversed(ids[:row]) if pid not in gone][:1]
        return (after or before or [None])[0]

    def _preview_photo_gone(self, following: PhotoId | None) -> None:
        """The photo in the preview left the library (deleted, trashed): show `following`, or the
        grid when no photo is left, and say why the photo changed."""
        photo = self.preview.photo
        if photo is not None:
            self.statusBar().showMessage(f"“{humanize.shown(photo.path.name)}” is no longer in the library "
                                         "(deleted, or moved out of its folders).", 8000)
        row = self.model.row_of(following) if following is not None else None
        if row is None:
            self.close_preview()
        else:
            self.open_preview(self.model.index(row, 0))

    def close_preview(self) -> None:
        if self.pages.currentWidget() is not self.preview:
            return
        self.pages.setCurrentIndex(1)
        self._update_banner_box()
        self._update_page()
        self.grid.setFocus()
        if self.grid.currentIndex().isValid():
            self.grid.scrollTo(self.grid.currentIndex())
        self._query_again(running=self.index_status.running)

    # ------------------------------------------------------------------ folders

    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Add a folder of photos", str(Path.home()))
        if folder:
            self.add_folder(Path(folder))

    def add_folder(self, folder: Path) -> None:
        """Watch `folder` and index it in the background (progress shows in the status bar)."""
        if self.worker is None:
            self.report_error("This library is open read-only; folders cannot be added now.")
            return
        resolved = folder.resolve()
        roots = self.status.roots if self.status is not None else self.sidebar.shown_roots()  # as last seen
        known = any(root.path == resolved for root in roots)
        left_out = not {config.folder_pattern(p) for p in (resolved, *resolved.parents)}.isdisjoint(
            self.library.settings.exclude_patterns)  # added, it comes back (Library.add_root)
        holder = None if left_out else next((root for root in roots if root.path in resolved.parents), None)
        try:  # a folder inside one of the library's stands for that one: looked through again, not refused
            self.worker.add_root(folder, or_its_root=True)
        except PhotoclipError as exc:
            self.report_error(exc)
            return
        if known:  # added again: looked through for what changed, which is all it can mean
            self.statusBar().showMessage(f"“{humanize.shown(folder.name)}” is in the library already; "
                                         "looking for new or changed photos in it.", 8000)
        elif holder is not None:  # its photos are what the user wants to see: shown, as its album or its folder's
            entry = self.sidebar.entry_showing(resolved)
            if entry is not None:
                self.sidebar.open_entry(entry)
            inside = humanize.shown(holder.path.name or str(holder.path))
            shown = "" if entry is None else ": showing its photos" if self.view.kind == "album" else \
                f": showing “{inside}”"
            self.statusBar().showMessage(f"“{humanize.shown(folder.name)}” is in the library already (inside "
                                         f"“{inside}”){shown}.", 8000)
        self.index_status.set_message(f"Looking for photos in {folder.name}…")
        if self.pages.currentWidget() is self.welcome:  # the photos show as found; the Duplicates page stays
            self._show_page(self.pages.widget(1))
        self.refresh_status()

    def leave_out(self, folder: Path) -> None:
        """Index a folder of the library no more, nor the folders in it (their photos are forgotten,
        the files stay); Settings' "Leave out" lists it, and adding the folder again brings it back.
        Its photos are counted first, off the GUI thread, for the question to say how many go."""
        if self.worker is not None:
            self.ops.query(lambda lib: photos_below(lib.albums(min_photos=1), folder),
                           lambda photos: self._ask_leave_out(folder, photos),
                           lambda _exc: self._ask_leave_out(folder, None), parent=self)

    def _ask_leave_out(self, folder: Path, photos: int | None) -> None:
        name = humanize.shown(self.sidebar.album_titles.get(str(folder), folder.name))  # "2023/Lake", not "Lake"
        inner = [title for path, title in self.sidebar.album_titles.items() if folder in Path(path).parents]
        if self.worker is None or not self._confirmed("Leave out folder", f"Leave “{name}” out of the library?",
                                                      leave_out_detail(photos, inner), "Leave out"):
            return
        self.worker.remove_root(folder)
        if self.view.kind == "album" and self.view.album is not None and self.view.album.folder == folder:
            self.show_view(View("library"))
        forgotten = f"{plural(photos, 'photo')} forgotten; " if photos else ""
        self.statusBar().showMessage(f"Left “{name}” out of the library ({forgotten}the files are not touched). "
                                     "Adding the folder again with “Add folder…” brings it back.", 8000)

    def remove_folder(self, root: Root) -> None:
        """Forget a folder once confirmed. Its photos are counted first, for the message that
        says it is done: once removed, the catalog no longer knows how many it had."""
        if self.worker is not None and self._confirmed(
            "Remove folder", f"Remove “{humanize.shown(root.path.name)}” from the library?",
            "The photos stay where they are on disk; photoclip only forgets them.", "Remove",
        ):
            self.statusBar().showMessage(f"Removing “{humanize.shown(root.path.name)}” from the library…")
            self.ops.query(lambda lib: len(lib.photos_by_date(0, 1 << 62, root.id)),
                           lambda count: self._remove_root(root, count), lambda _exc: self._remove_root(root, None),
                           parent=self)

    def _remove_root(self, root: Root, photos: int | None) -> None:
        if self.worker is None:
            self.statusBar().clearMessage()
            return
        try:
            self.worker.remove_root(root.path)
        except PhotoclipError as exc:
            self.statusBar().clearMessage()
            self.report_error(exc)
            return
        forgotten = "its photos" if photos is None else f"its {plural(photos, 'photo')}" if photos else "no photos"
        self.statusBar().showMessage(f"Removed “{humanize.shown(root.path.name)}” from the library "
                                     f"({forgotten} forgotten; the files are not touched).", 8000)

    def _confirmed(self, title: str, question: str, detail: str, action: str) -> bool:
        """Ask first, with Cancel as the default and a button that says what it does."""
        return self._answer(title, question, detail, action) == action

    def _answer(self, title: str, question: str, detail: str, action: str, *others: str) -> str | None:
        """Ask first, with Cancel as the default: the label of the action chosen (`action`, or
        one of `others`), None for Cancel."""
        box = QMessageBox(QMessageBox.Icon.Question, title, f"{question}\n\n{detail}",
                          QMessageBox.StandardButton.Cancel | QMessageBox.StandardButton.Ok, self)
        box.button(QMessageBox.StandardButton.Ok).setText(action)
        buttons = {box.button(QMessageBox.StandardButton.Ok): action}
        buttons.update((box.addButton(other, QMessageBox.ButtonRole.AcceptRole), other) for other in others)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        answer = buttons.get(box.clickedButton())
        box.deleteLater()  # a child of the window: kept until the window goes, one more on each question
        return answer

    # ------------------------------------------------------------------ duplicates

    def trash_photos(self, photos: list[Photo], duplicates: bool = True) -> None:
        """Ask once, then let the worker move `photos` to the system trash (the duplicates
        page's unkept copies, or photos selected in the grid). When some of the duplicates are
        in groups the user has not seen yet (below "Show more"), they may move only those shown."""
        if self.worker is None or not photos:
            return
        size = humanize.file_size(sum(p.size for p in photos))
        one = len(photos) == 1
        kept = (f"; {self._kept_clause(photos)}, and takes the tags you gave {'this one' if one else 'these'}"
                if duplicates else "")
        name = humanize.shortened(humanize.shown(photos[0].path.name))
        what = f"“{name}”" if one else plural(len(photos), "photo")
        detail = (f"{'It goes' if one else 'They go'} to the system trash, where you can restore "
                  f"{'it' if one else 'them'}{kept}.")
        shown = self.duplicates.shown_to_trash() if duplicates else photos
        if len(shown) == len(photos):
            chosen = photos if self._confirmed("Move to trash", f"Move {what} ({size}) to the trash?", detail,
                                               "Move to trash") else []
        else:
            unseen = len(photos) - len(shown)
            detail += (f"\n\n{plural(unseen, 'photo')} of these {'is' if unseen == 1 else 'are'} in groups further "
                       "down that you have not looked at yet (Show more).")
            only = f"Move only the {len(shown):,} shown" if shown else None
            answer = self._answer("Move to trash", f"Move {what} ({size}) to the trash?", detail,
                                  f"Move all {len(photos):,}", *([only] if only else []))
            chosen = photos if answer == f"Move all {len(photos):,}" else shown if answer == only else []
        if chosen and self.worker is not None:
            self._trash_from_duplicates = duplicates
            if duplicates:
                self.worker.trash((p.id for p in chosen), self.duplicates.kept_for(), self.duplicates.as_shown())
            else:
                self.worker.trash(p.id for p in chosen)

    def _kept_clause(self, photos: list[Photo]) -> str:
        """What stays, of as many groups as the copies to trash come from: one copy kept in each."""
        ids = {photo.id for photo in photos}
        groups = len({kept for pid, kept in self.duplicates.kept_for().items() if pid in ids})
        return "the copy kept in each group stays where it is" if groups > 1 else "the copy kept stays where it is"

    def _trashed(self, result: TrashResult) -> None:
        if self._trash_from_duplicates:
            self.duplicates.trash_done(result)
        elif result.trashed:
            self.statusBar().showMessage(f"Moved {plural(len(result.trashed), 'photo')} "
                                         f"({humanize.file_size(result.freed_bytes)}) to the trash.", 8000)
        if result.failed:
            path, reason = result.failed[0]
            more = f" (and {plural(len(result.failed) - 1, 'other photo')})" if len(result.failed) > 1 else ""
            self.report_error(f"{path.name} stayed where it is{more}: {reason}")
        self.refresh_status()

    def _not_duplicates(self, ids: tuple[PhotoId, ...]) -> None:
        if self.worker is not None:
            self.worker.not_duplicates(ids)

    def _maybe_duplicates(self, ids: tuple[PhotoId, ...]) -> None:
        if self.worker is not None:
            self.worker.maybe_duplicates(ids)

    # ------------------------------------------------------------------ tags

    def _load_model_once(self) -> None:
        if self._model_load_waiting and not self._closing:
            self._model_load_waiting = False
            self.model_state.load()

    def shown_tag(self, tag: str) -> str:
        """A tag, known by its key ("grandma rose"), as the user wrote it ("Grandma Rose")."""
        return self._tag_spellings.get(tag, tag)

    def _folder_names(self, folders: tuple[str, ...], joint: str) -> str:
        """Folders a search named, as the sidebar's Albums name them ("2023/Lake"), quoted."""
        return f" {joint} ".join(f"“{self.sidebar.album_titles.get(f) or Path(f).name}”" for f in folders)

    def _known_tags_shown(self) -> list[str]:
        """The library's tags as the completers offer them: a name picked is the tag's spelling."""
        return [self.shown_tag(name) for name in self._known_tags]

    def refresh_tags(self, just_defined: str | None = None) -> None:
        """Re-read the library's tags and counts, which are the user's own and how they are
        spelt (sidebar, completion, the header of a tag's page); apart from them, the albums and
        the countries, which take longer. `just_defined`: a tag the user just defined, whose
        photos have been looked for."""
        self._tags_read_at = time.monotonic()

        def tags_arrived(result: _TagsRead) -> None:
            tags, defined, given, spellings = result
            self._defined_tags = dict(defined)
            respelt, self._tag_spellings = spellings != self._tag_spellings, dict(spellings)
            self.sidebar.set_tags(tags, self._defined_tags, given, self._tag_spellings)
            if self.view.kind == "tag" and self.view.tag is not None and self.sidebar.current_tag() != self.view.tag:
                self.sidebar.select_tag(self.view.tag)  # a renamed tag's page, shown before its entry was listed
            counts = dict(tags)
            self._known_tags = [name for name, _count in tags] + [n for n in self._defined_tags if n not in counts]
            self.preview.set_known_tags(self._known_tags_shown())
            if respelt:  # a tag's page or an album named its tags by the spelling they had
                self.search_field.setPlaceholderText(self._search_hint())
                self._update_header()
            if self._defining is not None and self._defining in counts:
                name, self._defining = self._defining, None
                item = self.sidebar.tag_item(name)
                if item is not None:
                    self.sidebar.tree.scrollToItem(item)
                self.statusBar().showMessage(f"{plural(counts[name], 'photo')} tagged “{self.shown_tag(name)}”.", 8000)
            elif self._defining is not None and just_defined is not None and just_defined not in counts:
                self._defining = None
                self.statusBar().showMessage(f"No photo matches “{self.shown_tag(just_defined)}” well enough to be "
                                             "tagged with it; describe it in other words, or tag photos with it "
                                             "yourself.", 15000)

        def albums_arrived(result: tuple[list[Album], list[tuple[str, int]]]) -> None:
            albums, countries = result
            self.sidebar.set_albums(albums)
            self.sidebar.set_places(countries)
            self._load_model_once()
            if self.view.kind == "album" and self.view.album is not None:
                fresh = next((a for a in albums if a.folder == self.view.album.folder), None)
                if fresh is not None and fresh != self.view.album:
                    self.view = self._browse_view = dataclasses.replace(self.view, album=fresh)
                    self._update_header()

        def read(lib: Library) -> _TagsRead:
            tags = lib.tags()
            return tags, lib.defined_tags(), lib.given_tags(name for name, _count in tags), lib.tag_spellings()

        self.ops.query(read, tags_arrived, parent=self)
        self.ops.query(lambda lib: (lib.albums(), lib.countries()), albums_arrived, parent=self)

    def new_tag(self) -> None:
        """Ask for a tag of the user's own and what it looks like; the worker then gives it to
        the photos that match (TagsChanged refreshes the sidebar)."""
        if self.worker is None:
            self.report_error("This library is open read-only; tags cannot be defined now.")
            return
        dialog = NewTagDialog(self._defined_tags, self, self._tag_spellings)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        dialog.chosen.connect(self.define_tag)
        dialog.open()

    def define_tag(self, tag: str, prompt: str = "") -> None:
        """Have auto-tagging give `tag` (as written: a new tag keeps its case) to photos that look
        like `prompt` ("" = its default)."""
        if self.worker is None:
            self.report_error("This library is open read-only; tags cannot be defined now.")
            return
        try:
            self._defining, written = normalize_tag(tag), spelt_tag(tag)
        except QueryError as exc:
            self.report_error(exc)
            return
        self.worker.define_tag(written, prompt or None)
        shown = self._tag_spellings.get(self._defining, written)  # a tag there is keeps its spelling
        self.statusBar().showMessage(f"Looking for photos to tag “{humanize.shown(shown)}”…", 8000)

    def forget_tag(self, tag: str) -> None:
        """Stop giving a tag of the user's own automatically (photos they tagged by hand keep it)."""
        if self.worker is None:
            self.report_error("This library is open read-only; tags cannot be changed now.")
            return
        self.worker.forget_tag(tag)
        self.statusBar().showMessage(f"“{self.shown_tag(tag)}” is no longer given automatically; "
                                     "photos you tagged yourself keep it.", 8000)

    def ask_rename_tag(self, tag: str) -> None:
        """Ask for a tag of the user's own's new name and rename it on every photo; a name that is
        a tag already merges the two, which is asked first. `tag` is the key; the dialog starts
        from its spelling, and the same name in another case respells it ("Grandma Rose")."""
        text = ask_new_name(self, self.shown_tag(tag), self._known_tags_shown())
        if text is None:
            return
        try:
            new, written = normalize_tag(text), spelt_tag(text)
        except QueryError as exc:
            self.report_error(exc)
            return
        if written == self.shown_tag(tag):  # OK on the name as it was: nothing to do
            return
        both_defined = tag in self._defined_tags and new in self._defined_tags  # the engine says why not
        old_shown, new_shown = self.shown_tag(tag), self.shown_tag(new)
        if new != tag and new in self._known_tags and not both_defined and not self._confirmed(
            "Merge tags", f"“{new_shown}” is a tag already. Merge “{old_shown}” into it?",
            f"“{old_shown}” is on {plural(self._tag_count(tag), 'photo')}, “{new_shown}” on "
            f"{plural(self._tag_count(new), 'photo')}. Merged, the photos tagged “{old_shown}” are tagged "
            f"“{new_shown}” instead, and the two can no longer be told apart.", "Merge tags",
        ):
            return
        self.rename_tag(tag, written)

    def _tag_count(self, tag: str) -> int:
        """How many photos the sidebar says carry `tag`."""
        item = self.sidebar.tag_item(tag)
        return int(item.data(0, CountRole)) if item is not None else 0

    def rename_tag(self, old: str, new: str) -> None:
        """Rename a tag of the user's own on every photo (the engine says why it will not);
        its page, if shown, follows the new name. The status bar counts the photos that had it
        (the engine counts those carrying the new name, which a merge makes more). `new` as
        written: its case is the tag's spelling from now on, and a case-only change respells it."""
        if self.worker is None:
            self.report_error("This library is open read-only; tags cannot be changed now.")
            return

        def rename(lib: Library) -> tuple[str, str, str, int, int, bool]:
            had, was = set(lib.tagged(old)), lib.shown_tag(old)
            merged = normalize_tag(new) != normalize_tag(old) and bool(lib.tagged(normalize_tag(new)))
            name, carrying = lib.rename_tag(old, new)
            if name == normalize_tag(old):  # only respelt: every photo that had it has it still
                return name, was, lib.shown_tag(name), carrying, carrying, False
            renamed = len(had - set(lib.tagged(old)))  # the vocabulary's stay
            return name, was, lib.shown_tag(name), renamed, carrying, merged

        def done(result: tuple[str, str, str, int, int, bool]) -> None:
            name, was, shown, renamed, carrying, merged = result
            was, shown = humanize.shown(was), humanize.shown(shown)
            if merged or carrying > renamed:  # a merge onto the same photos adds none, and is one still
                said = (f"Merged “{was}” into “{shown}”: {plural(renamed, 'photo')} retagged, "
                        f"{plural(carrying, 'photo')} tagged “{shown}” now.")
            else:
                said = f"Renamed “{was}” to “{shown}” on {plural(renamed, 'photo')}."
            self.statusBar().showMessage(said, 8000)
            self._tag_gone(normalize_tag(old), name)

        self.ops.change(rename, done, self.report_error, parent=self)

    def ask_delete_tag(self, tag: str) -> None:
        """Ask first, saying what goes for this kind of tag: one given by hand goes from the
        photos it was given to (where the vocabulary gives the same word, the photos it gave it
        to keep it); one the user defined is given no more and goes from every photo."""
        prompt = self._defined_tags.get(tag)

        def ask(found: tuple[int, bool, str]) -> None:
            count, in_vocabulary, shown = found
            its, stay = ("its photo", "The photo stays") if count == 1 else (f"its {plural(count, 'photo')}",
                                                                             "The photos stay")
            if prompt is not None:
                question = f"Take “{shown}” off {its} and stop giving it?"
                detail = (f"photoclip stops giving it to photos that look like ‘{prompt}’, and it goes from every "
                          f"photo: those photoclip gave it to and those you tagged by hand. {stay}.")
            elif in_vocabulary:
                question = f"Take “{shown}” off the photos you gave it?"
                detail = (f"The photos stay. photoclip gives “{shown}” by itself too, from its vocabulary: the "
                          "photos it gave it to keep it.")
            else:
                question = f"Take “{shown}” off {its}?"
                detail = f"{stay}; only the tag goes."
            if self._confirmed("Delete tag", question, detail, "Delete tag"):
                self.delete_tag(tag)

        def read(lib: Library) -> tuple[int, bool, str]:
            in_vocabulary = prompt is None and tag in lib.vocabulary().names()
            return dict(lib.tags()).get(tag, 0), in_vocabulary, humanize.shown(lib.shown_tag(tag))

        self.ops.query(read, ask, self.report_error, parent=self)

    def delete_tag(self, tag: str) -> None:
        """Take a tag of the user's own off every photo; its page, if shown, gives way to the library."""
        if self.worker is None:
            self.report_error("This library is open read-only; tags cannot be changed now.")
            return

        def delete(lib: Library) -> tuple[int, str]:
            shown = lib.shown_tag(tag)  # the spelling goes with the tag
            return lib.delete_tag(tag), shown

        def done(result: tuple[int, str]) -> None:
            count, shown = result
            self.statusBar().showMessage(f"Took “{humanize.shown(shown)}” off {plural(count, 'photo')}.", 8000)
            self._tag_gone(tag, None)

        self.ops.change(delete, done, self.report_error, parent=self)

    def _tag_gone(self, tag: str, renamed: str | None) -> None:
        """After a tag was renamed (to `renamed`) or deleted: the page of it, or a search among
        its photos, moves to the new name or back to the library; what else shows re-reads its tags."""
        if self.view.tag == tag:
            self.show_view(View("tag", tag=renamed) if renamed is not None else View("library"))
        elif self.view.kind == "tag":
            self.model.refresh()  # renamed onto the tag shown, its photos joined it
        self.refresh_tags()
        if self.preview.photo_id is not None:
            self.preview.refresh_tags()

    def add_tag(self, ids: list[PhotoId], tag: str) -> None:
        """Tag these photos by hand (the worker writes; TagsChanged then refreshes what shows)."""
        self._change_tags(ids, tag, add=True)

    def remove_tag(self, ids: list[PhotoId], tag: str) -> None:
        self._change_tags(ids, tag, add=False)

    def _change_tags(self, ids: list[PhotoId], tag: str, add: bool) -> None:
        if self.worker is None:
            self.report_error("This library is open read-only; tags cannot be changed now.")
        elif ids:
            (self.worker.add_tag if add else self.worker.remove_tag)(ids, tag)

    # ------------------------------------------------------------------ the selected photos

    def selection_menu(self, ids: list[PhotoId] | None = None) -> QMenu | None:
        """What can be done with the photos selected in the grid, or with `ids` (its context
        menu); None when there are none."""
        ids = self.grid.selected_photo_ids() if ids is None else ids
        if not ids:
            return None
        menu = QMenu(self)
        menu.setObjectName("PhotoMenu")
        self._add_photo_actions(menu, ids)
        return menu

    def _view_menu(self) -> None:
        """Larger or smaller photos in the grid (also Ctrl+wheel, or a touchpad's pinch, over it),
        as file managers and photo apps do: a year's photos at a glance, or a few seen well; in
        the preview, the photo zoomed in to see its pixels."""
        menu = self.menuBar().addMenu("&View")
        larger = menu.addAction("", lambda: self._zoom(1))
        larger.setShortcuts(list(dict.fromkeys([*QKeySequence.keyBindings(QKeySequence.StandardKey.ZoomIn),
                                                QKeySequence("Ctrl+=")])))  # + is shifted on most keyboards
        smaller = menu.addAction("", lambda: self._zoom(-1))
        smaller.setShortcuts(_standard_or(QKeySequence.StandardKey.ZoomOut, "Ctrl+-"))
        default = menu.addAction("", lambda: self._zoom(0))
        default.setShortcut(QKeySequence("Ctrl+0"))
        for action, name in ((larger, "larger"), (smaller, "smaller"), (default, "default_size")):
            action.setObjectName(name)
        self._zoom_actions = (larger, smaller, default)
        self.pages.currentChanged.connect(lambda _index: self._update_zoom_actions())
        self.grid.cell_target_changed.connect(lambda _target: self._update_zoom_actions())
        self.grid.thumbnail_side_changed.connect(lambda _side: self._update_zoom_actions())  # wider: more sizes
        self.preview.canvas.zoom_changed.connect(self._update_zoom_actions)
        self._update_zoom_actions()

    def _zoom(self, steps: int) -> None:
        """`steps` larger or smaller (0: back to the usual size), in the grid or the preview."""
        if self.pages.currentWidget() is self.preview:
            if steps:
                self.preview.canvas.zoom(steps)
            else:
                self.preview.canvas.fit()
        elif steps:
            self.grid.zoom(steps)
        else:
            self.grid.set_cell_target(self.grid.DEFAULT_CELL)

    def _update_zoom_actions(self) -> None:
        """Over the grid and the preview (the duplicates keep their sizes), and not past either end."""
        larger, smaller, default = self._zoom_actions
        page = self.pages.currentWidget()
        if page is self.preview:
            canvas = self.preview.canvas
            texts = ("Zoom in", "Zoom out", "Fit in window")
            enabled = (canvas.can_zoom(1), canvas.can_zoom(-1), canvas.scale is not None)
        else:
            on_grid = page is self.pages.widget(1)
            texts = ("Larger photos", "Smaller photos", "Default size")
            enabled = (on_grid and self.grid.can_zoom(1), on_grid and self.grid.can_zoom(-1),
                       on_grid and self.grid.cell_target != self.grid.DEFAULT_CELL)
        for action, text, on in zip(self._zoom_actions, texts, enabled):
            action.setText(text)
            action.setEnabled(on)

    def _fill_library_menu(self) -> None:
        """The menu bar's Library menu: where the sidebar goes first, and what its right-click menu does with
        the entry current in it (a folder, an album, a tag), greyed where it does not apply, for those who
        use the menu bar (a right-click menu is found only by those who think to right-click)."""
        menu = self.library_menu
        menu.clear()
        sidebar = self.sidebar
        menu.addAction(icons.icon("library"), "&All photos",
                       lambda: sidebar.open_entry(sidebar.all_photos)).setObjectName("all_photos")
        menu.addAction(icons.icon("duplicates"), "&Duplicates",
                       lambda: sidebar.open_entry(sidebar.duplicates)).setObjectName("duplicates")
        menu.addSeparator()
        sidebar.add_entry_actions(menu, sidebar.tree.currentItem(), every=True)
        menu.addSeparator()
        sidebar.add_new_tag(menu)

    def _fill_photo_menu(self) -> None:
        """The menu bar's Photo menu, the right-click menu's entries for those who use the menu
        bar: on the photo in the preview, or those selected in the grid; greyed while there are none."""
        if self.pages.currentWidget() is self.preview:
            ids = [] if self.preview.photo_id is None else [self.preview.photo_id]
        else:
            ids = self.grid.selected_photo_ids() if self.grid.isVisibleTo(self.pages) else []
        self.photo_menu.clear()
        self._add_photo_actions(self.photo_menu, ids)

    def _add_photo_actions(self, menu: QMenu, ids: list[PhotoId]) -> None:
        """What can be done with `ids`, all disabled when there are none. Changes are left out of
        reach (disabled) when the library is read-only. The shortcuts shown are the grid's own."""
        writable, one, tag = self.worker is not None, len(ids) == 1, self.view.tag

        def add(name: str, text: str, slot: Callable[[], None], enabled: bool, icon: str) -> QAction:
            action = menu.addAction(icons.icon(icon), text)
            action.setObjectName(name)
            action.setEnabled(enabled and bool(ids))
            action.triggered.connect(slot)
            return action

        tag_action = add("add_tag", "Add tag…", lambda: self.ask_tag_for(ids), writable, "tag")
        tag_action.setShortcut(QKeySequence(TAG_KEYS))  # what the grid's Ctrl+T does
        tag_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        if tag is not None:
            shown = humanize.shown(self.shown_tag(tag))
            add("remove_tag", f"Remove tag “{shown}”", lambda: self._untag_shown(ids, tag), writable, "minus")
        menu.addSeparator()
        add("find_similar", "Find photos like these" if len(ids) > 1 else "Find similar",
            lambda: self.find_similar(tuple(ids)), True, "similar")
        add("show_in_folder", "Show in folder", lambda: self.show_photo_in_folder(ids[0]), one, "folder-open")
        copy = add("copy", "Copy", lambda: self.copy_photos(ids), True, "copy")
        copy.setShortcut(QKeySequence(QKeySequence.StandardKey.Copy))  # what the grid's and the preview's Ctrl+C do
        copy.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        add("copy_to_folder", "Copy to folder…", lambda: self.choose_copy_folder(ids), True, "folder")
        menu.addSeparator()
        self._add_leave_out_folder(menu, ids)
        trash = add("trash", "Move to trash…", lambda: self.trash_ids(ids), writable, "trash")
        trash.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))  # what the grid's Delete key does
        trash.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)

    def _add_leave_out_folder(self, menu: QMenu, ids: list[PhotoId]) -> None:
        """"Leave out folder “Screenshots”…": the folder of these photos (all in one), indexed no
        more, as an album's "Leave out…" in the sidebar does, for any folder of the library, one of
        a photo or two, or a folder that holds others. None for photos right in one of the library's
        own folders (removing it is the sidebar's, not a photo's menu's), of several folders, or
        whose places are not read yet; disabled when the library is read-only."""
        folder = self._one_folder(ids)
        roots = self.status.roots if self.status is not None else ()
        if folder is None or not any(root.path in folder.parents for root in roots):
            return
        name = humanize.shortened(humanize.shown(folder.name))
        action = menu.addAction(icons.icon("minus"), f"Leave out folder “{name}”…")
        action.triggered.connect(lambda: self.leave_out(folder))
        action.setObjectName("leave_out_folder")
        action.setEnabled(self.worker is not None)

    def _one_folder(self, ids: list[PhotoId]) -> Path | None:
        """The folder all of `ids` are in, None where they are in several, or where one's place
        is not known yet."""
        folder = None
        for pid in ids:
            path = self.model.path_of(pid)
            if path is None and self.preview.photo_id == pid and self.preview.photo is not None:
                path = self.preview.photo.path
            if path is None or (folder is not None and path.parent != folder):
                return None
            folder = path.parent
        return folder

    def _grid_context_menu(self, pos: QPoint, ids: list[PhotoId] | None = None) -> None:
        menu = self.selection_menu(ids)
        if menu is not None:
            menu.exec(self.grid.viewport().mapToGlobal(pos))
            menu.deleteLater()

    def _tag_selected(self) -> None:
        ids = self.grid.selected_photo_ids()
        if ids and self.worker is not None:
            self.ask_tag_for(ids)

    def ask_tag_for(self, ids: list[PhotoId]) -> None:
        """Ask for a tag and give it to these photos; a name the engine refuses is said in the
        error strip."""
        text = ask_tag_name(self, len(ids), self._known_tags_shown())
        if text is None:
            return
        try:
            tag = spelt_tag(text)  # the rules of normalize_tag; the case kept for a new tag's spelling
        except QueryError as exc:
            self.report_error(exc)
            return
        self.add_tag(ids, tag)

    def _untag_shown(self, ids: list[PhotoId], tag: str) -> None:
        """Take `tag` off photos of its page, or of a search among its photos: they leave the
        grid at once (the tag page also re-reads itself when the worker has written)."""
        self.remove_tag(ids, tag)
        if self.worker is not None and self.view.kind == "search" and self.view.tag == tag:
            self.model.remove_ids(ids)

    def trash_ids(self, ids: list[PhotoId]) -> None:
        """Move these photos to the trash after the usual question (their sizes read first)."""
        if self.worker is None or not ids:
            return

        def arrived(photos: dict[PhotoId, Photo]) -> None:
            self.trash_photos([photos[pid] for pid in ids if pid in photos], duplicates=False)

        self.ops.query(lambda lib: lib.photos(ids), arrived, parent=self)

    def copy_photos(self, ids: list[PhotoId]) -> None:
        """Put these photos' files on the clipboard, as a file manager copies them: pasted into a
        folder, a mail or a chat, they are the photos."""
        if not ids:
            return

        def arrived(photos: dict[PhotoId, Photo]) -> None:
            paths = [photos[pid].path for pid in ids if pid in photos]
            if paths:
                QGuiApplication.clipboard().setMimeData(desktop.files_data(paths))
                self.statusBar().showMessage(f"Copied {plural(len(paths), 'photo')}: paste into a folder, "
                                             "a mail or a chat.", 8000)

        self.ops.query(lambda lib: lib.photos(ids), arrived, self.report_error, parent=self)

    def choose_copy_folder(self, ids: list[PhotoId]) -> None:
        folder = QFileDialog.getExistingDirectory(self, f"Copy {plural(len(ids), 'photo')} to a folder",
                                                  str(Path.home()))
        if folder:
            self.copy_to_folder(ids, Path(folder))

    def copy_to_folder(self, ids: list[PhotoId], folder: Path) -> None:
        """Copy these photos' files into `folder` in the background; the status bar says when
        they are there, the error strip which could not be copied."""
        self.statusBar().showMessage(f"Copying {plural(len(ids), 'photo')} to {folder}…")

        def arrived(report: CopyReport) -> None:
            there = f" ({len(report.already)} there already)" if report.already else ""
            self.statusBar().showMessage(f"Copied {plural(len(report.copied), 'photo')} to {folder}{there}.", 8000)
            if report.failed:
                path, reason = report.failed[0]
                more = f" and {plural(len(report.failed) - 1, 'other')}" if len(report.failed) > 1 else ""
                self.report_error(f"{path.name}{more} could not be copied to {folder}: {reason}")

        self.ops.query(lambda lib: lib.copy_to(ids, folder), arrived, self.report_error, parent=self)

    def show_photo_in_folder(self, photo_id: PhotoId) -> None:
        def arrived(photo: Photo | None) -> None:
            if photo is not None:
                desktop.show_in_folder(photo.path)

        self.ops.query(lambda lib: lib.photo(photo_id), arrived, parent=self)

    def _on_tags_changed(self, event: TagsChanged) -> None:
        self.refresh_tags(event.defined)
        if self.view.kind == "tag":
            self.model.refresh()
        if self.preview.photo_id is not None:
            self.preview.refresh_tags()

    # ------------------------------------------------------------------ drag and drop

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self._dropped_path(event) is not None:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        target = self._dropped_path(event)
        if target is None:
            event.ignore()
            return
        event.acceptProposedAction()
        if isinstance(target, Path) and target.is_dir():
            self.add_folder(target)
        else:
            self.find_similar(target)

    @staticmethod
    def _dropped_path(event: QDragEnterEvent | QDropEvent) -> Path | str | None:
        """A dropped image file or an image from a browser (its URL: find similar), or a folder
        (add it); None for anything else, and for photos dragged out of this window's grid."""
        if event.mimeData().hasFormat(PHOTO_IDS_MIME):
            return None
        for url in event.mimeData().urls():
            if url.isLocalFile():
                path = Path(url.toLocalFile())
                if path.is_dir() or path.suffix.lower() in IMAGE_SUFFIXES:
                    return path
            elif url.scheme() in ("http", "https"):
                return bytes(url.toEncoded().data()).decode("ascii")
        return None

    # ------------------------------------------------------------------ worker events

    def _on_progress(self, event: IndexProgress) -> None:
        """The failures button keeps counting the library's, this run's failures added (the
        status read before the run counts those before it). A run that starts takes the place
        of a passing message, which would hide its progress and its pause button for seconds."""
        was_running = self.index_status.running
        known = self.status
        if not was_running:
            self._failed_before_run = known.counts.failed if known is not None else 0
            self._run_failed = 0
            self.statusBar().clearMessage()
        if event.total <= 0 and not event.paused:  # resumed with nothing left: say what is indexed again
            self.index_status.end_run()
            self._refresh_now()
            return
        self.duplicates.set_indexing(True)
        newly_failed = event.failed > self._run_failed
        self._run_failed = event.failed
        self.index_status.set_progress(event.done, event.total, self._failed_now(), event.rate, event.eta_s,
                                       event.paused, len(known.damaged) if known is not None else 0,
                                       len(known.unreadable) if known is not None else 0, unread=event.failed)
        if not was_running or newly_failed:
            self._show_counts()
        if newly_failed:  # no photo after all: it leaves the grid and the counts now, as the failures link counts it
            self._refresh_soon()

    def _on_photos_changed(self, event: PhotosChanged) -> None:
        """Removed photos leave the grid now (the preview of one moves on to the next photo, or
        back to the grid when none is left); new and updated ones show at the next refresh."""
        if event.removed:
            shown = self.preview.photo_id if self.pages.currentWidget() is self.preview else None
            gone = set(event.removed)
            following = self._next_remaining(shown, gone) if shown in gone else None
            at = self.grid.current_photo_id()
            then = self._next_remaining(at, gone) if at in gone else None  # the keyboard stays where it was
            self.model.remove_ids(event.removed)
            self.duplicates.remove_ids(event.removed)
            row = self.model.row_of(then) if then is not None else None
            if row is not None:
                self.grid.setCurrentIndex(self.model.index(row, 0))
            if shown in gone:
                self._preview_photo_gone(following)
        if event.updated:
            self.loader.refresh(event.updated)
            self.model.photos_updated(event.updated)
        if event.added or event.updated:
            self.duplicates.mark_stale()
            self._results_outdated = True
        self._refresh_soon()

    def _on_roots_changed(self, event: RootsChanged) -> None:
        roots = tuple(event.roots)
        if self.status is not None:
            offline_before = {root.id for root in self.status.roots if not root.online}
            if any(root.online and root.id in offline_before for root in roots):
                for loader in (self.loader, self.duplicate_loader):
                    loader.retry_missing()
                self.grid.viewport().update()
            self.status = dataclasses.replace(self.status, roots=roots)
        self.sidebar.set_roots(roots)
        if self.view.kind == "folder" and self.view.root is not None:
            match = next((r for r in roots if r.id == self.view.root.id), None)
            if match is not None and match != self.view.root:
                self.view = self._browse_view = View("folder", root=match)
        self._update_page()
        self._update_header()

    def _on_idle(self) -> None:
        """The worker has nothing left to do: the status bar says what is indexed now."""
        if self.index_status.running:
            self.index_status.end_run()
        self.duplicates.set_indexing(False)
        self._refresh_now()
        self._query_again()
        self.refresh_tags()
        if self.pages.currentWidget() is self.duplicates:
            self.duplicates.reload_if_stale()

    def _refresh_soon(self) -> None:
        """The catalog changed: re-read the grid and the counts now if they were not re-read within
        REFRESH_DELAY_MS, else once that time is up. The first photos found show at once, and
        while indexing the grid, its header and the count follow the worker at that pace (a
        delay restarted on each event left them at 0 for the first second, then behind the
        status bar); one background read per interval, whatever the worker's pace."""
        if self._refresh_timer.isActive():
            self._refresh_owed = True
            return
        self._refresh_after_changes()
        self._refresh_timer.start()

    def _refresh_due(self) -> None:
        if self._refresh_owed:
            self._refresh_after_changes()
            self._refresh_timer.start()

    def _refresh_now(self) -> None:
        """Re-read at once (the worker is idle: its last changes are all in)."""
        self._stop_refreshes()
        self._refresh_after_changes()

    def _stop_refreshes(self) -> None:
        self._refresh_timer.stop()
        self._refresh_owed = False

    def _refresh_after_changes(self) -> None:
        self._refresh_owed = False
        if self.view.browsing:
            self.model.refresh()
        else:
            self._query_again(running=self.index_status.running)
        if self.index_status.running and time.monotonic() - self._tags_read_at >= SIDEBAR_REFRESH_S:
            self.refresh_tags()  # a long first run shows its places and albums as they come
        self.refresh_status()

    def _pause_requested(self, pause: bool) -> None:
        if self.worker is not None:
            (self.worker.pause if pause else self.worker.resume)()

    # ------------------------------------------------------------------ status, errors, model

    def refresh_status(self) -> None:
        """Re-read counts, folders and failures in the background. Reads run side by side: one
        asked for before another may arrive after it, so only the newest asked for is shown
        (an older one, read mid-run, said "50 photos indexed" after the run had ended)."""
        self._status_seq += 1
        seq = self._status_seq
        self.ops.query(lambda lib: lib.status(), lambda status: self._status_arrived(status, seq), parent=self)

    def _status_arrived(self, status: LibraryStatus, seq: int | None = None) -> None:
        if seq is not None and seq != self._status_seq:
            return  # a newer read is on its way
        first = self.status is None
        self.status = status
        self.sidebar.set_roots(status.roots)
        self._explain_no_tags(status)
        counts = status.counts
        self.duplicates.set_none_indexed(counts.indexed == 0)
        if not self.index_status.running:
            self._show_idle()
            if self.worker is not None and not self.worker.busy and counts.pending and not first:
                self.index_status.set_message(f"{plural(counts.pending, 'photo')} waiting to be indexed")
        self._update_page()
        self._show_counts()

    def _explain_no_tags(self, status: LibraryStatus) -> None:
        """With the demo model and the shipped vocabulary no photo gets an automatic tag: the sidebar
        and the preview say why under "No tags yet", which otherwise looked like tagging was broken."""
        demo = status.model == config.DEMO_MODEL and self.library.settings.vocabulary is None
        self.sidebar.set_tags_hint(
            "The demo model gives none" if demo else "",
            "The demo model knows only simple shapes and colours, so it gives no automatic tags. Pick a full "
            "model in Settings to have photos tagged; a tag of your own (+) that describes shapes and colours "
            "works with the demo model too." if demo else "")
        self.preview.set_tags_hint("The demo model gives no automatic tags; pick a full model in Settings."
                                   if demo else "")

    def _failed_now(self) -> int:
        """Files that could not be read, as the failures link counts them: while indexing, the
        library's before the run and the run's own (newer than the last status read)."""
        if self.index_status.running:
            return self._failed_before_run + self._run_failed
        return self.status.counts.failed if self.status is not None else 0

    def _photos_found(self) -> int | None:
        """The library's photos, indexed or not yet, as the grid lists them (files that could not
        be read are not photos): the one number "N photos" means everywhere in the window."""
        if self.status is None:
            return None
        return max(0, self.status.counts.total - self._failed_now())

    def _show_counts(self) -> None:
        """The count at the status bar's right and the grid's header, from the same numbers as
        the failures link."""
        status, found = self.status, self._photos_found()
        if status is not None and found is not None:
            model = f"model {status.model}"
            if status.searching_with:
                model = f"search uses {status.searching_with} until every photo is indexed with {status.model}"
            photos = plural(found, "photo")
            self.count_label.set_texts(f"{photos}  ·  {model}", f"{photos}  ·  model {status.model}", photos)
        self._update_header()

    def _show_idle(self) -> None:
        """Nothing being indexed: how many photos are searchable, of how many found."""
        status = self.status
        if status is None:
            return
        counts = status.counts
        self.index_status.set_idle(counts.indexed if counts.total or status.roots else None, counts.failed,
                                   len(status.damaged), len(status.unreadable), found=counts.total - counts.failed,
                                   left_out=self._left_out_said())

    def _left_out_said(self) -> str:
        """What the library's folders hold that photoclip does not index, in a few words ("12 videos
        and 3 images of other formats"); "" when nothing, or before the library's status is read."""
        if self.status is None:
            return ""
        videos, images = self.status.videos, sum(self.status.images_left_out.values())
        return " and ".join([plural(videos, "video")] * bool(videos)
                            + [plural(images, "image") + " of other formats"] * bool(images))

    def show_failures(self) -> None:
        self.ops.query(lambda lib: lib.status(), self._show_failures_of, parent=self)

    def _show_failures_of(self, status: LibraryStatus) -> None:
        dialog = FailuresDialog(status.failures, status.damaged, self, status.unreadable)
        dialog.exec()
        dialog.deleteLater()  # a child of the window: kept until the window goes, one more on each opening

    def report_error(self, error: BaseException | str,
                     actions: Sequence[tuple[str, Callable[[], object]]] = ()) -> None:
        """The one place errors are shown: a strip above the content, until dismissed (or,
        with `actions`, until one of them is taken). The preview has no strip, to leave the photo
        its room: there the status bar says it too, or it would show only after going back."""
        text = humanize.shown(error if isinstance(error, (str, PhotoclipError)) else f"{type(error).__name__}: {error}")
        if self.model_state.explains(text):
            return  # the worker tripping over the model the model banner already explains
        log.warning("shown to the user: %s", text)
        self.error_banner.show_message(text[:1].upper() + text[1:], kind="warning", actions=actions,
                                       closable=not actions)
        self._update_banner_box()
        if self._previewing():
            self.statusBar().showMessage(text[:1].upper() + text[1:], 15000)

    def _model_state_changed(self) -> None:
        state = self.model_state
        banner = self.model_banner
        if state.phase is Phase.DOWNLOADING:
            banner.show_message(state.message, kind="model", actions=[("Cancel", state.cancel)],
                                progress=state.progress, closable=False)
        elif state.phase is Phase.UNAVAILABLE:
            again = [] if state.offline else [("Try again", state.load)]  # a setting holds until photoclip starts again
            banner.show_message(
                state.message,
                actions=[("Use a model file…", self.use_model_file), ("Demo model", self.use_demo_model), *again],
                closable=False)
        elif state.phase is Phase.CANCELLED:
            banner.show_message(state.message, actions=[("Download again", state.load),
                                                        ("Use a model file…", self.use_model_file)])
        elif state.phase is Phase.FAILED:
            banner.show_message(state.message, actions=[("Use a model file…", self.use_model_file),
                                                        ("Settings…", self.open_settings), ("Try again", state.load)],
                                closable=False)
        else:
            banner.hide()
        if state.phase in (Phase.UNAVAILABLE, Phase.FAILED, Phase.CANCELLED) and state.explains(
                self.error_banner.text.text()):
            self.error_banner.hide()  # the worker said the same thing first
        if state.phase is Phase.LOADING and not state.searchable:
            self.index_status.set_message("Loading the search model…")
        if state.phase in (Phase.READY, Phase.UNAVAILABLE, Phase.FAILED, Phase.CANCELLED):
            gctune.settle_after_startup()  # loaded, or not to be: full collections come back
        if state.searchable and not self.index_status.running:
            self._show_idle()
        self._update_banner_box()

    def _previewing(self) -> bool:
        return hasattr(self, "pages") and self.pages.currentWidget() is self.preview  # pages: once built

    def _update_banner_box(self) -> None:
        banners = (self.model_banner, self.error_banner, self.folder_banner)
        visible = not self._previewing() and not all(banner.isHidden() for banner in banners)
        self._banner_box.setVisible(visible)
        self._banner_box.widget().layout().setContentsMargins(16, 12 if visible else 0, 16, 4 if visible else 0)

    def use_model_file(self) -> None:
        path = pick_model_file(self, self.library.settings.model_file or "")
        if path:
            settings = config.load_settings(self.library.directory)
            self._reopen(dataclasses.replace(settings, model_file=path))

    def use_demo_model(self) -> None:
        """Index with the shipped demo model until the real one can be had (Settings switches back)."""
        settings = config.load_settings(self.library.directory)
        self._reopen(dataclasses.replace(settings, model=config.DEMO_MODEL, model_file=None))

    def open_settings(self) -> None:
        current = config.load_settings(self.library.directory)
        if self._switch is not None:  # the latest choice, being applied or next
            chosen = self._switch_next[0] if self._switch_next is not None else self._switch.settings
            current = chosen if chosen is not None else current
        stored = QSettings()
        appearance = theme.saved_appearance(stored)
        dialog = SettingsDialog(current, self, writable=not self.library.read_only, appearance=appearance)
        accepted = dialog.exec()
        chosen, chosen_appearance = dialog.settings(), dialog.appearance()
        dialog.deleteLater()  # a child of the window (centred on it): freed once read, not when the window goes
        if accepted:
            if chosen_appearance != appearance:
                stored.setValue(theme.APPEARANCE_KEY, chosen_appearance)
                self.statusBar().showMessage("The new appearance shows when photoclip starts again.", 10000)
            if chosen != current:
                self._reopen(chosen)

    def _set_writable(self, writable: bool) -> None:
        self.sidebar.set_writable(writable)
        self.welcome.add_button.setEnabled(writable)
        self.welcome.pictures_button.setEnabled(writable)
        self.duplicates.set_writable(writable)
        self.preview.set_writable(writable)

    def sizeHint(self) -> QSize:
        return QSize(1240, 800)

    def event(self, event: QEvent) -> bool:
        """On a screen of another scale (placed there at start, moved there, or its scale changed),
        thumbnails are made again at its pixel ratio: those made for the window's first screen
        were stretched over twice their pixels on a 200 % one, and blurry."""
        if event.type() == QEvent.Type.DevicePixelRatioChange:
            self._follow_pixel_ratio()
        return super().event(event)

    def _follow_pixel_ratio(self) -> None:
        ratio = self.devicePixelRatioF() or 1.0
        if ratio == self.loader.ratio and ratio == self.duplicate_loader.ratio:
            return
        for loader in (self.loader, self.duplicate_loader):
            loader.set_ratio(ratio)
        self.grid.viewport().update()  # the cells in sight ask for theirs again as they are painted
        self.duplicates.refresh_thumbnails()

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Never smaller than the smallest size its content allows (the sidebar's buttons, the
        status bar, the preview's buttons whole), at least SMALLEST_WINDOW: a window manager
        keeps a window to it, but a display without one (a bare X server, a script resizing the
        window) does not, so the window asks for that size back."""
        super().resizeEvent(event)
        # The sidebar gives up its width first (to its buttons' width) in a narrow window, by
        # the window's width alone, so it stays as wide on every page.
        self.sidebar.setMaximumWidth(max(self.sidebar.minimumSizeHint().width(),
                                         min(SIDEBAR_WIDTH, self.width() - PAGE_ROOM)))
        size, smallest = self.size(), self.minimumSize()  # the size now: resize events may come merged
        if (size.width() < smallest.width() or size.height() < smallest.height()) and not (
                self.windowState() & (Qt.WindowState.WindowMaximized | Qt.WindowState.WindowFullScreen)):
            QTimer.singleShot(0, self, lambda: self.resize(self.size().expandedTo(self.minimumSize())))
