"""Indexing progress for the status bar (done of total, speed, time left, pause/resume and
the failures), and the dialog that lists the files that could not be read.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QEvent, QModelIndex, QPersistentModelIndex, QRect, QSize, Qt, Signal
from PySide6.QtGui import (
    QFontMetrics,
    QGuiApplication,
    QHelpEvent,
    QPainter,
    QPaintEvent,
    QResizeEvent,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QStatusBar,
    QStyle,
    QStyledItemDelegate,
    QStyleOption,
    QStyleOptionViewItem,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from photoclip import humanize
from photoclip.gui import icons, theme
from photoclip.gui.wrapping import file_path
from photoclip.humanize import plural

log = logging.getLogger(__name__)

BAR_WIDTH = 150


def format_duration(seconds: float) -> str:
    """'40 s', '3 min', '1 h 20 min': how long, as a person says it."""
    seconds = max(0, round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min" if minutes else f"{hours} h"


class FittedLabel(QLabel):
    """A status line that says less where the window is narrow rather than being cut: given
    its wordings longest first ("Indexing 100 of 1,500 photos · 52 photos/s · about 28 s
    left", "Indexing 100 of 1,500 photos"), it shows the longest that fits, and the whole in
    its tooltip. Its text() is the whole; it needs no more width than its shortest wording."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self._wordings: tuple[str, ...] = (text,)

    def set_texts(self, *wordings: str) -> None:
        self._wordings = wordings or ("",)
        self.setText(self._wordings[0])
        self.updateGeometry()
        self._fit()

    def wordings(self) -> tuple[str, ...]:
        return self._wordings if self._wordings[0] == self.text() else (self.text(),)

    def shown(self) -> str:
        """The wording that fits its width now (cut with "…" where not even the shortest does)."""
        width = self.contentsRect().width()
        metrics = self.fontMetrics()
        wordings = self.wordings()
        if width <= 0:
            return wordings[0]
        for text in wordings:
            if metrics.horizontalAdvance(text) <= width:
                return text
        return metrics.elidedText(wordings[-1], Qt.TextElideMode.ElideRight, width)

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        margins = self.contentsMargins()
        shortest = min(self.fontMetrics().horizontalAdvance(text) for text in self.wordings())
        return QSize(min(hint.width(), shortest + margins.left() + margins.right()), hint.height())

    def _fit(self) -> None:
        self.setToolTip(self.text() if self.shown() != self.text() else "")

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        self.style().drawItemText(painter, self.contentsRect(), int(self.alignment()), self.palette(),
                                  self.isEnabled(), self.shown(), self.foregroundRole())
        painter.end()


class MessageBar(QStatusBar):
    """The window's status bar, whose one-off messages (showMessage) are cut with "…" where the
    room left of its permanent widgets is too narrow, and said whole in a tooltip over them: Qt
    cut them mid-word with no mark ("… the files are" in an 800-pixel window)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._permanent: list[QWidget] = []

    def addPermanentWidget(self, widget: QWidget, stretch: int = 0) -> None:
        super().addPermanentWidget(widget, stretch)
        self._permanent.append(widget)

    def message_rect(self) -> QRect:
        """Where Qt draws the message: from the start up to the first permanent widget shown."""
        left, right = 6, self.width() - 12
        shown = [widget for widget in self._permanent if widget.isVisible()]
        if shown and self.layoutDirection() == Qt.LayoutDirection.RightToLeft:
            left = max(left, *(widget.geometry().right() + 3 for widget in shown))
        elif shown:
            right = min(right, *(widget.x() - 2 for widget in shown))
        return QRect(left, 0, right - left, self.height())

    def shown_message(self) -> str:
        """The message as it is drawn: whole where it fits, else cut with "…"."""
        return self.fontMetrics().elidedText(self.currentMessage(), Qt.TextElideMode.ElideRight,
                                             max(0, self.message_rect().width()))

    def paintEvent(self, event: QPaintEvent) -> None:
        """QStatusBar's own painting (the panel; its items framed as the style draws them), with the
        message cut to fit."""
        if not self.currentMessage():
            super().paintEvent(event)
            return
        painter = QPainter(self)
        option = QStyleOption()
        option.initFrom(self)
        self.style().drawPrimitive(QStyle.PrimitiveElement.PE_PanelStatusBar, option, painter, self)
        for widget in self._permanent:
            if widget.isVisible():
                frame = QStyleOption()
                frame.rect, frame.palette, frame.state = (widget.geometry().adjusted(-2, -1, 2, 1), self.palette(),
                                                          QStyle.StateFlag.State_None)
                self.style().drawPrimitive(QStyle.PrimitiveElement.PE_FrameStatusBarItem, frame, painter, widget)
        painter.setPen(self.palette().windowText().color())
        painter.drawText(self.message_rect(), int(Qt.AlignmentFlag.AlignLeading | Qt.AlignmentFlag.AlignVCenter
                                                  | Qt.TextFlag.TextSingleLine), self.shown_message())
        painter.end()

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            rect = self.message_rect()
            if self.currentMessage() and rect.contains(event.pos()) and self.shown_message() != self.currentMessage():
                QToolTip.showText(event.globalPos(), self.currentMessage(), self, rect)
                return True
        return super().event(event)


class IndexStatus(QWidget):
    """Left side of the status bar: what indexing is doing right now."""

    pause_requested = Signal(bool)  # True: pause, False: resume
    failures_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 2, 8, 2)
        layout.setSpacing(10)
        self.bar = _ProgressBar()
        self.bar.setTextVisible(False)
        self.bar.setMinimumWidth(BAR_WIDTH // 3)  # shorter where the window is narrow
        self.bar.setMaximumWidth(BAR_WIDTH)
        self.label = FittedLabel("")
        self.pause_button = QToolButton()
        icons.keep_icon_size(self.pause_button, 14)
        self.pause_button.clicked.connect(self._toggle)
        self.failures_button = QToolButton()
        self.failures_button.setObjectName("LinkButton")
        self.failures_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.failures_button.setIcon(icons.icon("warning", theme.colours().danger))
        icons.keep_icon_size(self.failures_button, 14)
        self.failures_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.failures_button.setToolTip("Show the files that could not be read or are damaged")
        self.failures_button.clicked.connect(self.failures_requested)
        for widget in (self.bar, self.label, self.pause_button, self.failures_button):
            layout.addWidget(widget)
        layout.addStretch(1)
        self._paused = False
        self._running = False
        self.set_idle(None)

    @property
    def paused(self) -> bool:
        return self._paused

    @property
    def running(self) -> bool:
        return self._running

    def set_progress(self, done: int, total: int, failed: int, rate: float, eta_s: float | None,
                     paused: bool, damaged: int = 0, unreadable: int = 0, unread: int = 0) -> None:
        """A progress report from the worker; `failed`, `damaged` and `unreadable` count the
        whole library's, as when idle. `unread`: files of this run that could not be read, which
        the run's `done` and `total` count: they are no photos (the grid, its header and the
        count leave them out, the failures link counts them), so the line leaves them out too,
        or it said "of 61 photos" beside "60 photos" and "1 failed"."""
        if total <= 0 and not paused:
            self.set_idle(None)
            return
        done, total = max(0, done - unread), max(0, total - unread)
        self._running, self._paused = True, paused
        self.bar.setVisible(total > 0)
        self.bar.setRange(0, max(total, 1))
        self.bar.setValue(min(done, total))
        if paused:
            wordings = ([f"Paused · {done:,} of {plural(total, 'photo')} indexed", f"Paused · {done:,} of {total:,}"]
                        if total else ["Indexing paused"])
        else:
            head = f"Indexing {done:,} of {plural(total, 'photo')}"
            speed = ""
            if rate > 0:
                speed = f" · {rate:,.0f} photos/s" if rate >= 10 else f" · {rate:.1f} photos/s"
            left = ""
            if eta_s is not None and done < total:
                left = f" · about {format_duration(eta_s)} left" if eta_s >= 0.5 else " · almost done"
            # a narrow window drops the speed first, then the time left
            wordings = list(dict.fromkeys([head + speed + left, head + left, head, f"{done:,} of {total:,}"]))
        self.label.set_texts(*wordings)
        self.pause_button.show()
        self._show_pause_state()
        self._show_failures(failed, damaged, unreadable)

    def set_idle(self, indexed: int | None, failed: int = 0, damaged: int = 0, unreadable: int = 0,
                 found: int | None = None, left_out: str = "") -> None:
        """Nothing to do: say how many photos are searchable (None: say nothing yet), of how many
        `found` where some are not indexed yet (the grid and the count show those too), and how
        many files could not be read or are damaged, and how many folders could not be read.
        `left_out`: what the folders hold that photoclip does not index ("12 videos"), said where
        the bar is wide enough: a camera roll's videos are not missing, only not photos."""
        self._running, self._paused = False, False
        self.bar.hide()
        self.pause_button.hide()
        if indexed is None:
            wordings = [""]
        elif found is not None and found > indexed:
            wordings = [f"{indexed:,} of {plural(found, 'photo')} indexed", f"{indexed:,} of {found:,}"]
        else:
            wordings = [f"{plural(indexed, 'photo')} indexed"]
        self.label.set_texts(*[f"{wordings[0]}  ·  {left_out} not indexed"] * bool(left_out and wordings[0]),
                             *wordings)
        self._show_failures(failed, damaged, unreadable)

    def end_run(self) -> None:
        """The run is over: the bar and the pause button go; the last line and the failures link
        stay until the library's counts, read again, take their place (hiding them meanwhile
        flashed an empty status bar, the failures link gone, at the end of every run)."""
        self._running, self._paused = False, False
        self.bar.hide()
        self.pause_button.hide()

    def set_message(self, text: str) -> None:
        """A one-off line while nothing is being indexed (model loading, scanning)."""
        if not self._running:
            self.label.set_texts(text)

    def _show_failures(self, failed: int, damaged: int = 0, unreadable: int = 0) -> None:
        self.failures_button.setVisible(failed > 0 or damaged > 0 or unreadable > 0)
        self.failures_button.setText(" · ".join(
            [f"{failed:,} failed"] * (failed > 0) + [f"{damaged:,} damaged"] * (damaged > 0)
            + [f"{unreadable:,} unreadable"] * (unreadable > 0)))

    def _show_pause_state(self) -> None:
        if self._paused:
            self.pause_button.setIcon(icons.icon("play", theme.colours().accent))
            self.pause_button.setToolTip("Resume indexing")
        else:
            self.pause_button.setIcon(icons.icon("pause", theme.colours().muted))
            self.pause_button.setToolTip("Pause indexing (photoclip stops using the processor)")

    def _toggle(self) -> None:
        self._paused = not self._paused
        self._show_pause_state()
        self.pause_requested.emit(self._paused)


class _ProgressBar(QProgressBar):
    def sizeHint(self) -> QSize:
        return QSize(BAR_WIDTH, super().sizeHint().height())


CELL_PADDING = 16  # px of a table cell that are not its text's


def cut_path(path: str, metrics: QFontMetrics, width: int) -> str:
    """`path` in `width` pixels: whole where it fits, else cut inside, keeping the file's name
    (and the folders before it that fit in half the width) and as much of its start as the rest
    allows ("/home/anna/Pict…/Camera/IMG_1.jpg"): cut at its start, the folder it is in was gone."""
    if metrics.horizontalAdvance(path) <= width:
        return path
    head, sep, name = path.rpartition("/")
    tail = sep + name
    while head and metrics.horizontalAdvance(tail) <= width // 2:
        longer = "/" + head.rpartition("/")[2] + tail
        if metrics.horizontalAdvance(longer) > width // 2:
            break
        head, tail = head.rpartition("/")[0], longer
    room = width - metrics.horizontalAdvance(tail)
    start = metrics.elidedText(head, Qt.TextElideMode.ElideRight, room) if head else ""
    if not start or start == "…":
        return metrics.elidedText(path, Qt.TextElideMode.ElideMiddle, width)
    return start + tail if start.endswith("…") else start + "…" + tail


class _CutInside(QStyledItemDelegate):
    """A path too long for its column is cut inside (`cut_path`), not at an end; its parts in their
    order (wrapping.file_path: two Hebrew folders in a row swapped places)."""

    def initStyleOption(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> None:
        super().initStyleOption(option, index)
        if option.rect.width() > CELL_PADDING:
            option.text = cut_path(option.text, option.fontMetrics, option.rect.width() - CELL_PADDING)
        option.text = file_path(option.text)


class _CutAtTheEnd(QStyledItemDelegate):
    """A reason too long for its column keeps its start (its tooltip has it whole)."""

    def initStyleOption(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> None:
        super().initStyleOption(option, index)
        option.textElideMode = Qt.TextElideMode.ElideRight


def rarest_first(failures: Sequence[tuple[Path, str]]) -> list[tuple[Path, str]]:
    """Failures of the rarest kinds first, each kind's files together: one web page saved as a photo
    is no longer buried under a cloud drive's hundreds of empty placeholders. A kind is a reason
    but for what it says in brackets of each file ("truncated file (the lower 93% …)")."""
    kinds = [reason.split(" (", 1)[0] for _, reason in failures]
    counts = Counter(kinds)
    first = {kind: at for at, kind in reversed(list(enumerate(kinds)))}
    order = sorted(range(len(failures)), key=lambda at: (counts[kinds[at]], first[kinds[at]]))
    return [failures[at] for at in order]


class FailuresDialog(QDialog):
    """Every file that could not be indexed, with the reason, and every one indexed despite
    damage, so a person can fix, restore or ignore them."""

    def __init__(self, failures: Sequence[tuple[Path, str]], damaged: Sequence[tuple[Path, str]] = (),
                 parent: QWidget | None = None, unreadable: Sequence[tuple[Path, str]] = ()) -> None:
        super().__init__(parent)
        self.setWindowTitle("Photos that could not be read" if failures or unreadable else "Damaged photos")
        self.resize(860, 440)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 16, 18, 14)
        layout.setSpacing(10)
        said = []
        if failures:
            one = len(failures) == 1
            said.append(f"{plural(len(failures), 'file')} could not be read. {'It is' if one else 'They are'} "
                        f"skipped, not deleted; photoclip tries again when {'it' if one else 'a file'} changes.")
        if damaged:
            one = len(damaged) == 1
            said.append(f"{plural(len(damaged), 'file')} {'is' if one else 'are'} damaged but indexed as far as "
                        f"{'it goes' if one else 'they go'}; restore {'it' if one else 'them'} from a backup if "
                        "you have one.")
        if unreadable:
            it = "it" if len(unreadable) == 1 else "them"
            said.append(f"{plural(len(unreadable), 'folder or file', 'folders or files')} cannot be read: "
                        f"the photos in {it} are left out until photoclip can read {it}.")
        failures = rarest_first(failures)
        self.intro = intro = QLabel(" ".join(said))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        rows = [*((path, f"cannot be read: {reason}") for path, reason in unreadable), *failures,
                *((path, f"damaged: {damage}") for path, damage in damaged)]
        not_indexed = len(rows) - len(damaged)  # the rows before the damaged ones
        self.table = QTableWidget(len(rows), 2)
        self.table.setHorizontalHeaderLabels(["File", "Reason"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(False)
        self.table.setTabKeyNavigation(False)  # arrows go from file to file; Tab on to the buttons, not cell by cell
        self.table.setItemDelegateForColumn(0, _CutInside(self.table))
        self.table.setItemDelegateForColumn(1, _CutAtTheEnd(self.table))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)  # the reasons get what the paths leave
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft)
        colours = theme.colours()
        skipped, indexed = icons.icon("image-broken", colours.danger), icons.icon("warning", colours.warning_icon)
        for row, (path, reason) in enumerate(rows):
            name = QTableWidgetItem(humanize.shown(path))
            name.setToolTip(humanize.shown(path))
            why = QTableWidgetItem(skipped if row < not_indexed else indexed, reason)
            why.setToolTip(reason)
            self.table.setItem(row, 0, name)
            self.table.setItem(row, 1, why)
        layout.addWidget(self.table, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        copy = QPushButton("Copy list")
        copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(
            humanize.shown("\n".join(f"{path}\t{reason}" for path, reason in rows))))
        buttons.addButton(copy, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _fit_paths(self) -> None:
        """The paths get what the reasons leave, and at least two fifths of the table: a path cut at
        its start still shows the file and its folder, where a reason cut short no longer says
        what is wrong (the reasons, stretched, get the rest)."""
        width = self.table.viewport().width()
        path, reason = (self.table.sizeHintForColumn(column) + 16 for column in (0, 1))
        self.table.setColumnWidth(0, max(160, min(path, max(width - reason, width * 2 // 5))))

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._fit_paths()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_paths()
