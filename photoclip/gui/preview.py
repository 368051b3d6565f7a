"""The large view of one photo: the picture, what is known about it (its tags among it), and
what to do next (find similar photos, open it, show it in its folder, tag it). Arrow keys
step through the grid; Delete asks to move the photo to the trash, as in the grid. Tab reaches
its buttons in reading order (the bar, the tags, the actions); the arrows step on from any of them.

The picture is decoded in the background at screen size (EXIF orientation applied, HEIC
included, through `imaging`); until it arrives the grid's thumbnail stands in.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QPointF, QSize, Qt, Signal
from PySide6.QtGui import (
    QContextMenuEvent,
    QFontMetrics,
    QHideEvent,
    QIcon,
    QImage,
    QKeyEvent,
    QKeySequence,
    QPixmap,
    QResizeEvent,
    QShortcut,
)
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSpacerItem,
    QStyle,
    QStyleOptionButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from photoclip import folder_probe, humanize
from photoclip.catalog import Photo
from photoclip.gui import desktop, icons
from photoclip.gui.grid import GridPosition, match_label, taken_line
from photoclip.gui.ops import Ops
from photoclip.gui.photo_canvas import PhotoCanvas, picture, pixmap_of, whole_picture
from photoclip.gui.tags import TagPanel
from photoclip.gui.wrapping import (
    ZERO_WIDTH_SPACE,
    as_written,
    file_path,
    graphemes,
    right_to_left,
)
from photoclip.ids import PhotoId
from photoclip.library import Library
from photoclip.tagging import PhotoTag

log = logging.getLogger(__name__)

MAX_PREVIEW_SIDE = 2560
INFO_WIDTH = 300  # the facts panel where the window has room
MIN_INFO_WIDTH = 260  # ... and in a narrow window: a date or a folder's last name still reads on a line or two
INFO_CHARS, MIN_INFO_CHARS = 40, 24  # the same in the font's average characters, where a large font needs more
INFO_SHARE = 0.4  # of the preview's width at most, down to its least: the photo keeps the larger part
VALUE_CHARS = 10  # a fact's value keeps at least this many average characters beside its name (a date's longest word)
FACT_SPACING = 12  # px between a fact's name and its value
BUTTON_HEIGHT = 36  # the actions' least height
MIN_INFO_LINES = 6  # the facts scrolled in a low window still show this many lines
FOCUS_MARGIN = 12  # px kept in sight around a tag the keyboard focuses in the scrolled facts
STEP_KEYS = {-1: (Qt.Key.Key_Left, Qt.Key.Key_Up, Qt.Key.Key_PageUp),
             1: (Qt.Key.Key_Right, Qt.Key.Key_Down, Qt.Key.Key_PageDown)}
MISSING = "The file is missing: it was moved, renamed or deleted, or its drive is not plugged in"


@dataclass(frozen=True)
class _Loaded:
    photo: Photo | None
    image: QImage | None
    failure: str | None
    photo_size: QSize = QSize()  # its whole size, upright, in its own pixels
    place: str | None = None  # where it was taken, named by its town
    caption: str | None = None  # what its owner wrote about it (captions.py)
    missing: bool = False  # its file is not there (moved, deleted, on an unplugged drive)
    copies: tuple[Path, ...] = ()  # the library's other files of its very bytes


def _load(library: Library, photo_id: PhotoId, side: int) -> _Loaded:
    """The photo's row and its picture at `side` (pool thread: QImage only, never QPixmap)."""
    photo = library.photo(photo_id)
    if photo is None:
        return _Loaded(None, None, "This photo is no longer in the library.")
    place, caption, copies = library.place_of(photo), library.caption(photo_id), tuple(library.copies_of(photo_id))
    try:
        image, size = picture(photo.path, side)
    except Exception as exc:  # the file moved, the drive is gone, the bytes are broken
        return _Loaded(photo, None, _offline(library, photo) or f"Cannot show this photo: {exc}", place=place,
                       caption=caption, missing=folder_probe.silent(photo.path) or not photo.path.exists(),
                       copies=copies)
    return _Loaded(photo, image, None, size, place, caption, copies=copies)


COPIES_NAMED = 3  # the copies the preview names; more are counted


def copies_line(copies: Sequence[Path]) -> str:
    """Where the library's other files of a photo's bytes are, a line each, by their folder and
    name (copies share their names; a whole path would not fit the panel), the most named and
    the rest counted."""
    lines = [humanize.shown(Path(path.parent.name, path.name)) for path in copies[:COPIES_NAMED]]
    if len(copies) > COPIES_NAMED:
        lines.append(f"and {len(copies) - COPIES_NAMED:,} more")
    return "\n".join(lines)


def _offline(library: Library, photo: Photo) -> str | None:
    """Why a photo on an unplugged drive cannot be shown, rather than "file not found": it is
    not lost, and says what brings it back."""
    root = next((r for r in library.roots() if r.id == photo.root_id), None)
    if root is None or root.online:
        return None
    if root.silent:
        return f"Its folder {root.path.name} does not answer (a share whose server is away?): it shows when it does."
    if photo.path.exists():
        return None
    if root.gone:
        return f"Its folder {root.path.name} is not found (deleted, moved or renamed?)."
    return f"Its folder {root.path.name} is offline (an unplugged drive?): plug it in to see this photo."


def elided_folder(folder: str, metrics: QFontMetrics, width: int) -> str:
    """`folder` in `width` pixels: whole if it fits, else "…" and as many of its last folders as
    fit ("…/2019/Summer beach"): the end of a path is what tells folders apart, its start (the
    same "/home/anna/Pictures" for every photo) says little. A last folder too long itself
    keeps its end ("…n Österreich"), a Hebrew or Arabic one its start and end after "…/": a "…"
    at its end would be drawn at the wrong end of it."""
    if metrics.horizontalAdvance(folder) <= width:
        return folder
    parts = [part for part in folder.split(os.sep) if part]
    for kept in range(len(parts) - 1, 0, -1):
        text = os.sep.join(["…", *parts[-kept:]])
        if metrics.horizontalAdvance(text) <= width:
            return text
    last = parts[-1] if parts else folder
    if right_to_left(last):  # its own start and end, after "…/": the whole path's start says little
        lead = f"…{os.sep}"
        return lead + metrics.elidedText(last, Qt.TextElideMode.ElideMiddle, width - metrics.horizontalAdvance(lead))
    return metrics.elidedText(folder, Qt.TextElideMode.ElideLeft, width)


class _Bar(QFrame):
    """The bar above the picture: Back, and the photo's position between ‹ and ›. Where the
    picture is narrow (a window snapped to half a small screen), Back shows its arrow alone;
    narrower still (16 points in an 800-pixel window), the position gives way to the arrows."""

    back_button: QToolButton
    position_label: QLabel
    _widths: tuple[int, int] | None = None  # Back's width with its text, and without

    def _back_widths(self) -> tuple[int, int]:
        if self._widths is None:
            button = self.back_button
            button.ensurePolished()
            style = button.toolButtonStyle()
            widths = []
            for each in (Qt.ToolButtonStyle.ToolButtonTextBesideIcon, Qt.ToolButtonStyle.ToolButtonIconOnly):
                button.setToolButtonStyle(each)
                widths.append(button.sizeHint().width())
            button.setToolButtonStyle(style)
            self._widths = (widths[0], widths[1])
            button.setMinimumWidth(widths[1])  # the bar's smallest width: Back without its text
        return self._widths

    def _position_width(self) -> int:
        return self.position_label.sizeHint().width() + self.layout().spacing()

    def minimumSizeHint(self) -> QSize:
        """Its width without the position, which gives way where the picture is narrower."""
        hint = super().minimumSizeHint()
        if self.layout() is None or self.position_label.isHidden():
            return hint
        return QSize(hint.width() - self._position_width(), hint.height())

    def fit_back(self) -> None:
        layout = self.layout()
        if layout is None:
            return
        with_text, _ = self._back_widths()
        position = self._position_width()
        natural = layout.sizeHint().width() + (position if self.position_label.isHidden() else 0)
        self.position_label.setVisible(self.width() >= self.minimumSizeHint().width() + position)
        # below the bar's natural width its layout shrinks Back along with the spacer that centres
        # the position, which would cut its word to "…k"
        room = self.width() >= natural - self.back_button.sizeHint().width() + with_text
        self.back_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon if room
                                            else Qt.ToolButtonStyle.ToolButtonIconOnly)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.fit_back()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._widths = None


class _WrapButton(QPushButton):
    """An action of the facts panel, on two lines where the panel is narrower than it on one: at
    16 points "Open with default app" on one line held the preview, and so the window, 85 pixels
    wider than an 800-pixel screen. `full_text` is its text on one line."""

    def __init__(self, icon: QIcon, text: str) -> None:
        super().__init__(icon, text)
        self.full_text = text
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)  # narrower than its hint: wraps

    def _size_for(self, text: str) -> QSize:
        """The size the button asks for with `text`, as QPushButton.sizeHint measures it."""
        option = QStyleOptionButton()
        self.initStyleOption(option)
        width, height = option.iconSize.width() + 4, option.iconSize.height()
        lines = self.fontMetrics().size(Qt.TextFlag.TextShowMnemonic, text)
        size = QSize(width + lines.width(), max(height, lines.height()))
        return self.style().sizeFromContents(QStyle.ContentsType.CT_PushButton, option, size, self)

    def _two_lines(self) -> str:
        """Its text broken at the space that leaves the longer line shortest."""
        words = self.full_text.strip().split(" ")
        lead = self.full_text[:len(self.full_text) - len(self.full_text.lstrip())]
        splits = [lead + " ".join(words[:i]) + "\n" + " ".join(words[i:]) for i in range(1, len(words))]
        return min(splits, key=lambda text: self._size_for(text).width(), default=self.full_text)

    def sizeHint(self) -> QSize:
        """At least BUTTON_HEIGHT tall, and as tall as its lines: its height is fixed to this, so a low
        window cuts neither a large font's text nor its second line."""
        return super().sizeHint().expandedTo(QSize(0, BUTTON_HEIGHT))

    def minimumSizeHint(self) -> QSize:
        return QSize(self._size_for(self._two_lines()).width(), self.sizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        fits = self.width() >= self._size_for(self.full_text).width()
        text = self.full_text if fits else self._two_lines()
        if text != self.text():
            self.setText(text)


class _InfoPanel(QFrame):
    """The preview's right-hand panel: INFO_WIDTH wide where the window has room, narrower (down
    to what its buttons need, and no less than MIN_INFO_WIDTH) in a narrow window, no more than
    INFO_SHARE of the preview, so the picture keeps the larger part (it was left 216 pixels of an
    800-pixel window). A large font widens both, in characters: a fixed width cut its buttons and
    values. The keys' hint gives way where the panel is too low for it and all the facts."""

    scroll: QScrollArea
    actions: QVBoxLayout
    keys_hint: QLabel

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Preferred)  # no wider than its hint

    def sizeHint(self) -> QSize:
        width = max(INFO_WIDTH, self.fontMetrics().averageCharWidth() * INFO_CHARS)
        page = self.parentWidget()
        if page is not None and page.width() > 0:
            width = min(width, round(page.width() * INFO_SHARE))
        return QSize(max(width, self.minimumSizeHint().width()), super().sizeHint().height())

    def minimumSizeHint(self) -> QSize:
        """Its height without the keys' hint, which gives way in a low panel: shown in a tall window
        and then lowered while the preview was hidden, it made the window taller than the screen."""
        hint = super().minimumSizeHint()
        least = max(MIN_INFO_WIDTH, self.fontMetrics().averageCharWidth() * MIN_INFO_CHARS)
        keys = getattr(self, "keys_hint", None)
        height = hint.height()
        if keys is not None and not keys.isHidden():
            height -= keys.sizeHint().height() + self.actions.spacing()
        return QSize(max(least, hint.width()), height)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.fit_keys_hint()

    def event(self, event: QEvent) -> bool:
        handled = super().event(event)
        if event.type() == QEvent.Type.LayoutRequest:
            self.fit_keys_hint()  # the facts or tags changed: the height they ask for too
        return handled

    def fit_keys_hint(self) -> None:
        """The hint shown only where the facts and tags get all the height they ask for beside it:
        in a low window it took their room, and cut the "Tags" heading in two."""
        hint = getattr(self, "keys_hint", None)
        if hint is None:
            return
        shown = not hint.isHidden()
        actions = self.actions.sizeHint().height()
        if not shown:
            actions += hint.sizeHint().height() + self.actions.spacing()
        room = self.scroll.sizeHint().height() + actions <= self.contentsRect().height()
        if room != shown:
            hint.setVisible(room)


class _Details(QWidget):
    """The facts and tags: as tall as their lines need at the width they have (heightForWidth),
    not as their smallest size says (each wrapped fact at its narrowest, on many lines), which
    the scroll area would keep them to, scrolling where all of them fit."""

    keys: list[QLabel]  # the facts' names, shown or not

    def minimumSizeHint(self) -> QSize:
        """At least the widest fact's name beside VALUE_CHARS of its value, for every photo and while
        one loads: narrower then, the panel gave its buttons a second line, and the window grew taller."""
        margins = self.layout().contentsMargins()
        for key in self.keys:
            key.ensurePolished()  # a hidden name has its style sheet's font once polished
        keys = max((key.sizeHint().width() for key in self.keys), default=0)
        values = self.fontMetrics().averageCharWidth() * VALUE_CHARS
        least = margins.left() + margins.right() + keys + FACT_SPACING + values
        return QSize(max(super().minimumSizeHint().width(), least), 0)


class _InfoScroll(QScrollArea):
    """As tall as its content needs at the width it has, where there is room (the actions follow
    right below); lower where the window is low, scrolling, down to a few lines."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.verticalScrollBar().valueChanged.connect(self._end_at_a_whole_line)

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        content = self.widget()
        if content is None:
            return hint
        width = self.contentsRect().width()  # as wide as that, it needs no scroll bar
        height = (content.heightForWidth(width) if content.hasHeightForWidth() and width > 0
                  else content.sizeHint().height())
        return QSize(hint.width(), height)

    def minimumSizeHint(self) -> QSize:
        """As wide as the facts at their narrowest, beside a scroll bar: narrower, the panel cut them
        at its right edge (a large font's key column and a date's longest word)."""
        content = self.widget()
        least = super().minimumSizeHint().width()
        if content is not None:
            scroll_bar = self.verticalScrollBar().sizeHint().width()
            least = content.minimumSizeHint().width() + scroll_bar + 2 * self.frameWidth()
        return QSize(least, self.fontMetrics().lineSpacing() * MIN_INFO_LINES)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self.updateGeometry()  # wrapped facts take more or fewer lines: the height it asks for follows
        self._fit_scroll_bar()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.widget() and event.type() == QEvent.Type.LayoutRequest:
            self.updateGeometry()  # facts or tags shown or hidden: the height it asks for follows
            self._fit_scroll_bar()
        return super().eventFilter(watched, event)

    def _fit_scroll_bar(self) -> None:
        """A scroll bar only where the content is taller than the area at its whole width. Qt
        measures the content at the width left beside a scroll bar once one shows: tags that
        wrap onto one more line there kept it shown, and the area a line short, for good."""
        content = self.widget()
        width, height = self.contentsRect().width(), self.contentsRect().height()
        if content is None or not content.hasHeightForWidth() or width <= 0:
            return
        fits = content.heightForWidth(width) <= height
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff if fits
                                        else Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self._end_at_a_whole_line()

    def _end_at_a_whole_line(self) -> None:
        """The scrolled facts end above the first fact or tag the area's bottom edge would cut: at
        16 points half of the Dimensions row showed, as if under the add-a-tag field below. One taller
        than the area cannot show whole, and is cut: a long caption was hidden whole."""
        content = self.widget()
        if content is None:
            return
        height = self.contentsRect().height()
        bottom = self.verticalScrollBar().value() + height
        cut = [widget.mapTo(content, widget.rect().topLeft()).y() for widget in content.findChildren(QWidget)
               if isinstance(widget, (QLabel, QAbstractButton)) and widget.isVisibleTo(content)
               and widget.height() <= height
               and widget.mapTo(content, widget.rect().topLeft()).y() < bottom
               < widget.mapTo(content, widget.rect().bottomLeft()).y()]
        edge = min(cut, default=bottom) - self.verticalScrollBar().value()
        margin = max(0, height - edge) if edge > 0 else 0
        if self.viewportMargins().bottom() != margin:
            self.setViewportMargins(0, 0, 0, margin)


def broken_to_fit(text: str, metrics: QFontMetrics, width: int) -> str:
    """`text` with a zero-width space between the characters of each word wider than `width`, where a
    wrapped label may then break it: QLabel wraps at spaces only, and a caption of one word of 1,000
    letters (a URL) held the window 8,263 pixels wide, even after the preview closed. Words that fit
    stay whole, to wrap at their spaces and paste as written."""
    return "".join(ZERO_WIDTH_SPACE.join(graphemes(part)) if metrics.horizontalAdvance(part) > width else part
                   for part in re.split(r"(\s+)", text))


class _CopiedAsWritten(QLabel):
    """A label whose selected text is copied as written, without the characters put in it to lay it
    out: the break points broken_to_fit adds, the marks that keep a Hebrew name in order (file_path)."""

    def event(self, event: QEvent) -> bool:
        """Ctrl+C with text selected copies that text, not the photo (the preview's Ctrl+C)."""
        if (event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent)
                and event.matches(QKeySequence.StandardKey.Copy) and self.hasSelectedText()):
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.matches(QKeySequence.StandardKey.Copy) and self.hasSelectedText():
            self._copy()
            return
        super().keyPressEvent(event)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        """Copy and Select all as a label's own menu has them, copying the text as written."""
        menu = QMenu(self)
        menu.addAction("Copy", self._copy).setEnabled(self.hasSelectedText())
        menu.addAction("Select all", lambda: self.setSelection(0, len(self.text())))
        menu.exec(event.globalPos())
        menu.deleteLater()

    def _copy(self) -> None:
        """The selected text as written (wrapping.as_written): a URL or a path pasted works."""
        QApplication.clipboard().setText(as_written(self.selectedText()))


class _WrappedLabel(_CopiedAsWritten):
    """A fact's value on as many lines as the panel's width needs, however long its words (see
    broken_to_fit); no narrower than VALUE_CHARS, which the facts keep for it (_Details)."""

    def __init__(self) -> None:
        super().__init__("")
        self._value = ""
        self.setWordWrap(True)

    def setText(self, text: str) -> None:  # noqa: N802 - Qt's name, for every fact alike
        self._value = text
        self._fit()

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        return QSize(min(hint.width(), self.fontMetrics().averageCharWidth() * VALUE_CHARS), hint.height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._fit()

    def _fit(self) -> None:
        width = self.contentsRect().width()
        text = broken_to_fit(self._value, self.fontMetrics(), width) if width > 0 else self._value
        if text != self.text():
            super().setText(text)


class _ElidedLabel(_CopiedAsWritten):
    """A file name or a folder on one line, cut with an ellipsis when it is too long for the
    panel (the whole in the tooltip): a name in its middle (its start and its end, the number and
    the extension, tell photos apart; a name without spaces cannot wrap), a folder at its start
    (its last folders tell it apart, see `elided_folder`). A folder wrapping over lines was cut
    to its first line where the window is low."""

    def __init__(self, parent: QWidget | None = None, folder: bool = False) -> None:
        super().__init__(parent)
        self._name = ""
        self._folder = folder
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

    def set_name(self, name: str) -> None:
        self._name = name
        self.setToolTip(name)
        self._elide()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._elide()

    def _elide(self) -> None:
        width = self.contentsRect().width()
        elided = (elided_folder(self._name, self.fontMetrics(), width) if self._folder
                  else self.fontMetrics().elidedText(self._name, Qt.TextElideMode.ElideMiddle, width))
        text = file_path(elided if width > 0 else self._name)  # "תמונה 1.jpg" ends in ".jpg"
        if text != self.text():
            self.setText(text)


class PreviewPage(QWidget):
    """One photo, large. Emits what the user asks; the window does it."""

    close_requested = Signal()
    step_requested = Signal(int)  # -1 previous, +1 next
    find_similar_requested = Signal(int)  # PhotoId
    tag_open_requested = Signal(str)  # show the photos carrying this tag (its key)
    add_tag_requested = Signal(int, str)  # PhotoId, tag as typed
    remove_tag_requested = Signal(int, str)  # PhotoId, tag's key
    desktop_failed = Signal(str)  # the desktop could not open the photo or its folder: what failed, in a line
    trash_requested = Signal(int)  # PhotoId: the Delete key, as on a photo selected in the grid

    def __init__(self, ops: Ops, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("PreviewPage")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._ops = ops
        self._photo_id: PhotoId | None = None
        self._tags_read = False  # the shown photo's tags are read: "No tags yet" is true
        self._photo: Photo | None = None
        self._token = 0
        self._tags_token = 0
        self._pixels_asked = -1  # the photo (by its token) whose whole pixels were asked for
        self._carried: tuple[float, QPointF] | None = None  # the zoom stepped with, until a photo shows it

        outer = QHBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        left = QVBoxLayout()
        left.setContentsMargins(0, 0, 0, 0)
        left.setSpacing(0)
        bar = self._build_bar()
        bar.fit_back()  # its smallest width, Back's arrow alone, holds before it is first shown
        left.addWidget(bar)
        self.canvas = PhotoCanvas()
        self.canvas.pixels_wanted.connect(self._load_pixels)
        left.addWidget(self.canvas, 1)
        outer.addLayout(left, 1)
        self._info = self._build_info()
        outer.addWidget(self._info)
        self._step_keys()
        self.tags.chips_changed.connect(self._order_tabs)
        self._order_tabs()
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._follow_focus)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self._info.updateGeometry()  # its width is a share of the page's

    # building

    def _step_keys(self) -> None:
        """The arrows step wherever the focus is in the page: a focused button would otherwise
        take them to move the focus along (the add-a-tag field keeps them, see tags._TagField)."""
        for step, keys in STEP_KEYS.items():
            for key in keys:
                shortcut = QShortcut(QKeySequence(key), self, context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
                shortcut.activated.connect(partial(self.step_requested.emit, step))

    def _order_tabs(self) -> None:
        """Tab in reading order: the bar, the tags and the add field, then the actions. Chips
        made for each photo join the window's focus chain at its end, so the order is set again."""
        chain = [self.back_button, self.prev_button, self.next_button, *self.tags.focus_order(),
                 self.similar_button, self.open_button, self.folder_button]
        for first, second in zip(chain, chain[1:]):
            QWidget.setTabOrder(first, second)

    def _follow_focus(self, _old: QWidget | None, new: QWidget | None) -> None:
        """Tab into the tags of a low window: the facts scroll to the focused chip or field,
        which was otherwise out of sight below them (the scroll area takes no focus itself)."""
        details = self.info_scroll.widget()
        if new is not None and details is not None and details.isAncestorOf(new):
            self.info_scroll.ensureWidgetVisible(new, 0, FOCUS_MARGIN)

    def _build_bar(self) -> QWidget:
        bar = _Bar()
        bar.setObjectName("PreviewBar")
        layout = QHBoxLayout(bar)
        layout.setContentsMargins(10, 8, 10, 8)
        self.back_button = self._bar_button("back", "Back to the photos (Esc)")
        self.back_button.setText("  Back")
        self.back_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.back_button.clicked.connect(self.close_requested)
        bar.back_button = self.back_button
        self.position_label = bar.position_label = QLabel("")
        self.prev_button = self._bar_button("chevron-left", "Previous photo (←)")
        self.prev_button.clicked.connect(lambda: self.step_requested.emit(-1))
        self.next_button = self._bar_button("chevron-right", "Next photo (→)")
        self.next_button.clicked.connect(lambda: self.step_requested.emit(1))
        layout.addWidget(self.back_button)
        layout.addStretch(1)
        layout.addWidget(self.prev_button)
        layout.addWidget(self.position_label)
        layout.addWidget(self.next_button)
        layout.addStretch(1)
        # as wide as Back, so the position is in the middle; narrower where the window is narrow
        layout.addSpacerItem(QSpacerItem(self.back_button.sizeHint().width(), 0, QSizePolicy.Policy.Preferred))
        return bar

    def _bar_button(self, icon_name: str, tip: str) -> QToolButton:
        button = QToolButton()
        button.setIcon(icons.icon(icon_name, "#e8ebf0"))
        icons.keep_icon_size(button, 20)
        button.setToolTip(tip)
        button.setAccessibleName(tip.split(" (")[0])  # an icon alone says nothing to a screen reader
        button.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # a click leaves the focus (and Space, Enter) where it was
        return button

    def _build_info(self) -> _InfoPanel:
        """The facts and tags, in a scroll area, and below them the actions: a low window has no
        room for all the facts and tags (a long date or caption wrapped onto more lines, many
        tags), and cutting them says less; the actions stay in sight."""
        panel = _InfoPanel()
        panel.setObjectName("PreviewInfo")
        details = _Details()
        details.setObjectName("PreviewDetails")
        details.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        layout = QVBoxLayout(details)
        layout.setContentsMargins(20, 22, 20, 2)  # and 6 more above the add-a-tag field and the actions
        layout.setSpacing(14)
        self.name_label = _ElidedLabel()
        self.name_label.setObjectName("PreviewName")
        self.name_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.name_label)

        facts = QGridLayout()
        facts.setHorizontalSpacing(FACT_SPACING)
        facts.setVerticalSpacing(8)
        self._facts: dict[str, QLabel] = {}
        self.folder_label = _ElidedLabel(folder=True)
        for row, key in enumerate(("Caption", "Damaged", "Folder", "Copies", "Size", "Dimensions", "Taken", "Place",
                                   "Match")):
            name = QLabel(key)
            name.setObjectName("InfoKey")
            value = self.folder_label if key == "Folder" else _WrappedLabel()
            value.setObjectName("InfoValue")
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            facts.addWidget(name, row, 0, Qt.AlignmentFlag.AlignTop)
            facts.addWidget(value, row, 1)
            self._facts[key] = value
            self._facts[key + ":key"] = name
        details.keys = [label for key, label in self._facts.items() if key.endswith(":key")]
        self._facts["Damaged"].setObjectName("DamageValue")
        facts.setColumnStretch(1, 1)
        layout.addLayout(facts)

        tags_title = QLabel("Tags")
        tags_title.setObjectName("InfoKey")
        layout.addWidget(tags_title)
        self.tags = TagPanel()
        self.tags.open_requested.connect(self.tag_open_requested)
        self.tags.add_requested.connect(self._add_tag)
        self.tags.remove_requested.connect(self._remove_tag)
        layout.addWidget(self.tags)
        self.tags_hint = QLabel("")  # why there are none (set_tags_hint)
        self.tags_hint.setObjectName("Muted")
        self.tags_hint.setWordWrap(True)
        self.tags_hint.hide()
        layout.addWidget(self.tags_hint)

        actions = QVBoxLayout()
        actions.setContentsMargins(20, 6, 20, 20)
        actions.setSpacing(14)
        actions.addWidget(self.tags.adder)  # below the scrolled tags: in sight however many there are
        self.similar_button = _WrapButton(icons.icon("similar", "#ffffff"), "  Find similar photos")
        self.similar_button.setProperty("primary", True)
        self.similar_button.clicked.connect(self._find_similar)
        self.open_button = _WrapButton(icons.icon("open-external"), "  Open with default app")
        self.open_button.clicked.connect(self._open)
        self.folder_button = _WrapButton(icons.icon("folder-open"), "  Show in folder")
        self.folder_button.clicked.connect(self._show_in_folder)
        for button in (self.similar_button, self.open_button, self.folder_button):
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            actions.addWidget(button)
        actions.addStretch(1)  # the actions follow the tags; the scroll area takes no more than they need
        self.keys_hint = QLabel("")
        self.keys_hint.setObjectName("Muted")
        self.keys_hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        actions.addWidget(self.keys_hint)
        self.set_writable(True)
        self.info_scroll = scroll = _InfoScroll()
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidgetResizable(True)
        scroll.setWidget(details)
        scroll.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)  # room left: below the actions
        panel.scroll, panel.actions, panel.keys_hint = scroll, actions, self.keys_hint
        outer = QVBoxLayout(panel)
        outer.setContentsMargins(1, 0, 0, 0)  # the panel's border on the left
        outer.setSpacing(0)
        outer.addWidget(scroll)
        outer.addLayout(actions)
        return panel

    # showing a photo

    @property
    def photo_id(self) -> PhotoId | None:
        return self._photo_id

    @property
    def photo(self) -> Photo | None:
        return self._photo

    def show_photo(self, photo_id: PhotoId, score: float | None, position: GridPosition,
                   placeholder: QPixmap | None, path: Path | None = None) -> None:
        """Show `photo_id` now with what is at hand, then the full picture and facts. Stepped to
        from a photo zoomed in, it is shown zoomed as that one was, at the same place: the shots
        of a burst are compared so, where the eyes are (also stepped past photos still loading,
        an arrow key held down)."""
        if not self.isVisible():
            self._carried = None
        elif self.canvas.scale is not None:
            self._carried = (self.canvas.scale, self.canvas.view()[1])
        zoomed = self._carried
        self._token += 1
        token = self._token
        self._photo_id, self._photo = photo_id, None
        self.set_position(position)
        self.name_label.set_name(humanize.shown(path.name) if path else "")
        self.folder_label.set_name(humanize.shown(path.parent) if path else "…")
        for key in ("Size", "Dimensions", "Taken"):
            self._facts[key].setText("…")
        match = match_label(score)  # as the grid's tooltip says it: none for a score that means nothing
        self._facts["Match"].setText(match or "")
        self._show_fact("Match", match is not None)
        self._show_fact("Place", False)
        self._show_fact("Copies", False)
        self._show_fact("Caption", False)
        self._show_fact("Damaged", False)
        self.canvas.set_pixmap(placeholder, "" if placeholder is not None else "Loading…")
        ratio = self.devicePixelRatioF() or 1.0
        side = min(MAX_PREVIEW_SIDE, round(max(self.canvas.width(), self.canvas.height(), 800) * ratio))

        def loaded(result: _Loaded) -> None:
            if token == self._token:
                self._show_loaded(result, ratio)
                if zoomed is not None:
                    self.canvas.show_at(*zoomed)
                self._carried = None

        self._ops.query(lambda lib: _load(lib, photo_id, side), loaded, parent=self)
        self.tags.clear()
        self._tags_read = False
        self._show_tags_hint()
        self.refresh_tags()

    def _load_pixels(self) -> None:
        """Zoomed in past the screen-sized picture: the photo's own pixels, once per photo shown
        (again after a failure: its drive may be back)."""
        token, photo = self._token, self._photo
        if photo is None or self._pixels_asked == token:
            return
        self._pixels_asked = token
        ratio = self.canvas.pixmap().devicePixelRatio() if self.canvas.pixmap() is not None else 1.0
        self.canvas.set_note("loading…")

        def loaded(result: tuple[QImage, QSize]) -> None:
            if token == self._token:
                self.canvas.sharpen(pixmap_of(result[0], ratio), result[1])

        def failed(exc: BaseException) -> None:
            if token == self._token:
                self._pixels_asked = -1
                self.canvas.set_note(str(exc))

        size = self.canvas.photo_size
        self._ops.picture(lambda _lib: whole_picture(photo.path, size), loaded, failed, self, key="preview")

    def hideEvent(self, event: QHideEvent) -> None:
        """Left (Esc, Back): the photo's whole pixels go, and a photo opened next shows fitted; not
        when the window is minimized (a spontaneous hide), which leaves it as it was."""
        super().hideEvent(event)
        if not event.spontaneous():
            self.canvas.drop_pixels()

    def set_position(self, position: GridPosition) -> None:
        """Where the photo shown is among the grid's: "3 of 12" ("400 of 400+" while the grid
        lists more as it scrolls), and whether there is a photo before it and after it. The grid
        changing under the preview (photos found or gone) says it again."""
        more = "+" if position.more else ""
        self.position_label.setText(f"{position.row + 1:,} of {position.rows:,}{more}")
        self.prev_button.setEnabled(position.row > 0)
        self.next_button.setEnabled(position.row + 1 < position.rows or position.more)
        self.back_button.parentWidget().fit_back()  # "1,234 of 5,678" may leave no room for "Back"

    def refresh_tags(self) -> None:
        """Re-read the shown photo's tags in the background (they changed, or it is new), with
        how they are spelt: read together, a tag just added is never shown by its key first."""
        photo_id = self._photo_id
        if photo_id is None:
            return
        self._tags_token += 1
        token = self._tags_token

        def arrived(result: tuple[list[PhotoTag], dict[str, str]]) -> None:
            if token == self._tags_token and photo_id == self._photo_id:
                self.tags.set_tags(*result)
                self._tags_read = True
                self._show_tags_hint()

        def failed(exc: BaseException) -> None:
            if token == self._tags_token:
                self.tags.clear(f"Cannot read the tags: {exc}")

        self._ops.query(lambda lib: (lib.photo_tags(photo_id), lib.tag_spellings()), arrived, failed, parent=self)

    def set_tags_hint(self, hint: str) -> None:
        """A line under "No tags yet" that says why a photo has none ("": no line), as the sidebar
        says it: with the demo model, which gives no automatic tags, no photo has any."""
        self.tags_hint.setText(hint)
        self._show_tags_hint()

    def _show_tags_hint(self) -> None:
        """Under "No tags yet" once the photo's tags are read and there are none."""
        self.tags_hint.setVisible(bool(self.tags_hint.text()) and self._tags_read and not self.tags.chips)

    def set_known_tags(self, names: list[str]) -> None:
        """The tags the add field completes, as shown ("Grandma Rose")."""
        self.tags.set_known_tags(names)

    def set_writable(self, writable: bool) -> None:
        self._writable = writable
        self.tags.set_writable(writable)
        # a line a key: one would not fit a narrow panel; Tab reaches the tags, then the buttons below them
        keys = "← →  previous / next\nCtrl+wheel  zoom\nTab  tags and buttons\nEsc  back"
        self.keys_hint.setText(f"{keys}\nDel  move to the trash" if writable else keys)

    def _show_loaded(self, result: _Loaded, ratio: float) -> None:
        photo = result.photo
        self._photo = photo
        if photo is not None:
            self.name_label.set_name(humanize.shown(photo.path.name))
            self.folder_label.set_name(humanize.shown(photo.path.parent))
            self._facts["Size"].setText(humanize.file_size(photo.size))
            self._facts["Dimensions"].setText(humanize.pixel_size(photo.width, photo.height)
                                              if photo.width and photo.height else "not read yet")
            self._facts["Taken"].setText(taken_line(photo))
            self._facts["Damaged"].setText(photo.damage or "")
        self._show_fact("Damaged", photo is not None and photo.damage is not None)
        self._facts["Place"].setText(result.place or "")
        self._show_fact("Place", result.place is not None)
        self._facts["Caption"].setText(humanize.shown(result.caption or ""))
        self._show_fact("Caption", result.caption is not None)
        self._facts["Copies"].setText(copies_line(result.copies))
        self._facts["Copies"].setToolTip("\n".join(humanize.shown(path) for path in result.copies))
        self._show_fact("Copies", bool(result.copies))
        self.similar_button.setEnabled(photo is not None)
        for button in (self.open_button, self.folder_button):
            button.setEnabled(photo is not None and not result.missing)
            button.setToolTip(MISSING if result.missing else "")
        if result.image is not None:
            pixmap = QPixmap.fromImage(result.image)
            pixmap.setDevicePixelRatio(ratio)
            self.canvas.set_pixmap(pixmap, photo_size=result.photo_size)
        elif result.failure:
            self.canvas.set_pixmap(None, result.failure)

    def _show_fact(self, key: str, shown: bool) -> None:
        self._facts[key].setVisible(shown)
        self._facts[key + ":key"].setVisible(shown)

    # actions

    def _add_tag(self, name: str) -> None:
        if self._photo_id is not None:
            self.add_tag_requested.emit(int(self._photo_id), name)

    def _remove_tag(self, name: str) -> None:
        if self._photo_id is not None:
            self.remove_tag_requested.emit(int(self._photo_id), name)

    def _find_similar(self) -> None:
        if self._photo_id is not None:
            self.find_similar_requested.emit(int(self._photo_id))

    def _open(self) -> None:
        photo = self._photo
        if photo is not None and not desktop.open_with_default_app(photo.path):
            self.desktop_failed.emit(f"No app could be started to open “{humanize.shown(photo.path.name)}”.")

    def _show_in_folder(self) -> None:
        photo = self._photo
        if photo is not None and not desktop.show_in_folder(photo.path):
            folder = humanize.shown(photo.path.parent)
            self.desktop_failed.emit(f"No file manager could be started to show “{folder}”.")

    def _focused_button(self) -> QAbstractButton | None:
        focus = QApplication.focusWidget()
        return focus if isinstance(focus, QAbstractButton) and self.isAncestorOf(focus) else None

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        button = self._focused_button()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and button is not None:
            button.click()  # Enter on a button tabbed to presses it (Qt leaves that to dialogs), not "back"
        elif event.matches(QKeySequence.StandardKey.Delete):
            if self._photo_id is not None and self._writable:  # the window asks first, as from the grid
                self.trash_requested.emit(int(self._photo_id))
        elif key in (Qt.Key.Key_Left, Qt.Key.Key_Up, Qt.Key.Key_PageUp):
            self.step_requested.emit(-1)
        elif key in (Qt.Key.Key_Right, Qt.Key.Key_Down, Qt.Key.Key_PageDown):
            self.step_requested.emit(1)
        elif key in (Qt.Key.Key_Escape, Qt.Key.Key_Space, Qt.Key.Key_Backspace, Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.close_requested.emit()
        else:
            super().keyPressEvent(event)
