"""A photo's tags as small chips that wrap, each with a remove control, and a field to add one;
the question "which tag?" for several photos at once (the grid's "Add tag…"); and "New tag",
a tag of the user's own that auto-tagging gives to photos looking like a sentence of theirs.

The chips say what the user asked (show a tag, take it off, add one); the window has the
worker do it and the panel re-reads the tags when the worker says they changed. A removed
chip goes at once, before the worker confirms, so the click feels immediate.

A tag is known by its key ("grandma rose"), which the chips keep and say, and shown as the
user wrote it ("Grandma Rose", Library.tag_spellings). What is typed goes to the engine as
written (spelt_tag), so that a new tag keeps its spelling; the engine finds an existing tag
in any case and keeps the spelling it has.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from PySide6.QtCore import QEvent, QMargins, QObject, QPoint, QRect, QSize, QStringListModel, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLayout,
    QLayoutItem,
    QLineEdit,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from photoclip.errors import QueryError
from photoclip.gui import icons, theme
from photoclip.humanize import plural
from photoclip.humanize import shown as screen_text
from photoclip.tagging import PhotoTag, default_prompt, spelt_tag


class FlowLayout(QLayout):
    """Lays its items left to right and wraps them onto new lines (Qt's flow layout example)."""

    def __init__(self, parent: QWidget | None = None, spacing: int = 6) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._spacing = spacing
        self.setContentsMargins(0, 0, 0, 0)

    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._lay_out(QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._lay_out(rect, move=True)

    def sizeHint(self) -> QSize:
        return self.minimumSize()

    def minimumSize(self) -> QSize:
        size = QSize()
        for item in self._items:
            size = size.expandedTo(item.minimumSize())
        margins: QMargins = self.contentsMargins()
        return size + QSize(margins.left() + margins.right(), margins.top() + margins.bottom())

    def _lay_out(self, rect: QRect, move: bool) -> int:
        margins = self.contentsMargins()
        area = rect.adjusted(margins.left(), margins.top(), -margins.right(), -margins.bottom())
        x, y, line = area.x(), area.y(), 0
        for item in self._items:
            if item.widget() is not None and item.widget().isHidden():
                continue
            hint = item.sizeHint()
            width = min(hint.width(), area.width())
            if x > area.x() and x + width > area.right() + 1:
                x, y, line = area.x(), y + line + self._spacing, 0
            if move:
                item.setGeometry(QRect(QPoint(x, y), QSize(width, hint.height())))
            x += width + self._spacing
            line = max(line, hint.height())
        return y + line - rect.y() + margins.bottom()


class TagChip(QFrame):
    """One tag: its name as spelt (`shown`; click: show the photos that carry it) and a small ×.
    Its signals say the tag's key (tag.name)."""

    open_requested = Signal(str)
    remove_requested = Signal(str)

    def __init__(self, tag: PhotoTag, removable: bool, parent: QWidget | None = None, shown: str | None = None) -> None:
        super().__init__(parent)
        self.tag = tag
        name = screen_text(shown or tag.name)
        self.setObjectName("TagChip")
        self.setProperty("source", tag.source)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(9, 1, 3, 1)
        layout.setSpacing(0)
        self.name = QToolButton(self)
        self.name.setObjectName("TagChipName")
        self.name.setText(name)
        self.name.setCursor(Qt.CursorShape.PointingHandCursor)
        self.name.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # Tab reaches it; a click leaves the focus where it was
        self.name.setMaximumWidth(200)
        how = f"Given by photoclip (score {tag.score:.2f})" if tag.source == "auto" else "Added by you"
        self.name.setToolTip(f"{how}\nClick to see every photo tagged “{name}”")
        self.name.clicked.connect(lambda: self.open_requested.emit(self.tag.name))
        layout.addWidget(self.name)
        self.remove = QToolButton(self)  # a child from the first: shown alone, it would be a window
        self.remove.setObjectName("TagChipRemove")
        self.remove.setIcon(icons.icon("close", theme.colours().muted))
        icons.keep_icon_size(self.remove, 12)
        self.remove.setToolTip(f"Take “{name}” off this photo")
        self.remove.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.remove.setCursor(Qt.CursorShape.PointingHandCursor)
        self.remove.clicked.connect(lambda: self.remove_requested.emit(self.tag.name))
        self.remove.setVisible(removable)
        layout.addWidget(self.remove)
        if not removable:
            layout.setContentsMargins(9, 1, 9, 1)


OWN_KEYS = (Qt.Key.Key_Left, Qt.Key.Key_Right, Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown)


class _TagField(QLineEdit):
    """The "Add a tag…" field. Keys typed here stop here, Esc aside: QLineEdit lets the ones it
    has no use for go on to its parents, and the preview takes Enter for "back to the grid"
    (which hid the new chip, or the reason a tag was refused, the moment it appeared) and the
    arrows for the next photo (whose tag the text typed so far would then become), by its
    shortcuts too, which the field overrides for the arrows it moves its cursor with. Esc clears
    what was typed first, and only then goes back to the grid as it does elsewhere."""

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and (event.key() in OWN_KEYS
                                                             or event.key() == Qt.Key.Key_Escape and self.text()):
            event.accept()  # the key comes here instead of to the window's Esc or the preview's arrows
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and self.text():
            self.clear()
            event.accept()
            return
        super().keyPressEvent(event)
        if event.key() != Qt.Key.Key_Escape:
            event.accept()


class _EnterTakesTheName(QObject):
    """Enter while a completer lists names takes the name highlighted (else the text as typed)
    and does what Enter in the field does (rename, add the tag): the completer's list otherwise
    swallowed it, closing itself only, and the dialog stayed open for a second Enter."""

    def __init__(self, completer: QCompleter, field: QLineEdit, enter: Callable[[], None]) -> None:
        super().__init__(completer)
        self._completer, self._field, self._enter = completer, field, enter
        completer.popup().installEventFilter(self)  # after the completer's own filter: this one sees keys first

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            popup = self._completer.popup()
            index = popup.currentIndex()
            if index.isValid():
                self._field.setText(str(index.data(self._completer.completionRole())))
            popup.hide()
            self._enter()
            return True
        return super().eventFilter(watched, event)


class TagPanel(QWidget):
    """The tags of the photo shown (rejected ones left out) and "Add a tag". The field (and the
    line that says why a name was refused) is in `adder`, which the owner places: the preview
    pins it below its scrolled facts, where many tags or a large font hid it under the buttons."""

    open_requested = Signal(str)  # show the photos carrying this tag (its key)
    add_requested = Signal(str)  # the tag as typed (spelt_tag), already checked
    remove_requested = Signal(str)  # the tag's key
    chips_changed = Signal()  # new chips: the preview puts them back in its Tab order

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._writable = True
        self.chips: dict[str, TagChip] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        self._chips_box = QWidget()
        self._chips_box.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self._flow = FlowLayout(self._chips_box)
        layout.addWidget(self._chips_box)
        self.empty = QLabel("No tags yet")
        self.empty.setObjectName("Muted")
        layout.addWidget(self.empty)
        self.adder = QWidget()
        adding = QVBoxLayout(self.adder)
        adding.setContentsMargins(0, 0, 0, 0)
        adding.setSpacing(8)
        self.field = _TagField()
        self.field.setObjectName("TagField")
        self.field.setPlaceholderText("Add a tag…")
        self.field.addAction(icons.icon("plus", theme.colours().muted), QLineEdit.ActionPosition.LeadingPosition)
        self.field.setToolTip("Type a tag and press Enter")
        self.field.returnPressed.connect(self._add)
        self.field.textEdited.connect(lambda _text: self.error.hide())
        self._names = QStringListModel(self)
        completer = QCompleter(self._names, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.field.setCompleter(completer)
        _EnterTakesTheName(completer, self.field, self._add)
        adding.addWidget(self.field)
        self.error = error_label()
        adding.addWidget(self.error)
        self.clear()

    def clear(self, message: str = "") -> None:
        """No tags shown (another photo is on its way); `message` in their place."""
        self._set_chips([])
        self.empty.setText(message)
        self.empty.setVisible(bool(message))
        self.error.hide()

    def set_tags(self, tags: list[PhotoTag], spellings: Mapping[str, str] | None = None) -> None:
        """Chips for these tags (keys), shown as `spellings` (Library.tag_spellings) spells them."""
        self._set_chips([t for t in tags if t.source != "rejected"], spellings or {})
        self.empty.setText("No tags yet")
        self.empty.setVisible(not self.chips)

    def set_known_tags(self, names: list[str]) -> None:
        """What the add field offers to complete: the tags as shown ("Grandma Rose"), so that a
        name picked is written as the tag is spelt."""
        self._names.setStringList(names)

    def set_writable(self, writable: bool) -> None:
        self._writable = writable
        self.field.setVisible(writable)
        for chip in self.chips.values():
            chip.remove.setVisible(writable)

    def focus_order(self) -> list[QWidget]:
        """What Tab reaches here, in order: each chip's name and its ×, then the add field."""
        return [*(button for chip in self.chips.values() for button in (chip.name, chip.remove)), self.field]

    def shown(self) -> list[str]:
        return [name for name, chip in self.chips.items() if not chip.isHidden()]

    def _set_chips(self, tags: list[PhotoTag], spellings: Mapping[str, str] | None = None) -> None:
        for chip in self.chips.values():
            self._flow.removeWidget(chip)
            chip.hide()  # deleted later: gone from sight now
            chip.deleteLater()
        self.chips = {}
        for tag in tags:
            chip = TagChip(tag, self._writable, self._chips_box, (spellings or {}).get(tag.name))
            chip.open_requested.connect(self.open_requested)
            chip.remove_requested.connect(self._remove)
            self._flow.addWidget(chip)
            self.chips[tag.name] = chip
        self._chips_box.setVisible(bool(tags))
        self._flow.invalidate()
        self._chips_box.updateGeometry()
        self.chips_changed.emit()

    def _remove(self, name: str) -> None:
        chip = self.chips.get(name)
        if chip is not None:
            chip.hide()
            self._flow.invalidate()
        self.empty.setVisible(not self.shown())
        self.remove_requested.emit(name)

    def _add(self) -> None:
        text = self.field.text()
        if not text.strip():
            return
        try:
            name = spelt_tag(text)  # the rules of normalize_tag; the case kept for a new tag's spelling
        except QueryError as exc:
            self.error.setText(str(exc)[:1].upper() + str(exc)[1:])
            self.error.show()
            return
        self.field.clear()
        self.error.hide()
        self.add_requested.emit(name)


def ask_tag_name(parent: QWidget, count: int, known: list[str]) -> str | None:
    """Ask which tag to give `count` photos, completing the library's tags as they are typed.
    Returns the text as typed (the caller checks it) or None when the user cancelled."""
    return _ask_name(parent, "AddTagDialog", "Add tag", f"Tag {plural(count, 'photo')} with:", "Add tag", "", known)


def ask_new_name(parent: QWidget, tag: str, known: list[str]) -> str | None:
    """Ask what `tag` (as it is shown, e.g. "grandma rose") should be called instead, starting
    from that name (a typo is fixed in place, the case too: "Grandma Rose"); completing the
    library's tags (as shown), since renaming onto one merges the two (the caller asks about
    that). Returns the text as typed or None when the user cancelled."""
    return _ask_name(parent, "RenameTagDialog", "Rename tag", f"Rename “{screen_text(tag)}” to:", "Rename", tag,
                     [name for name in known if name.lower() != tag.lower()])


def _ask_name(parent: QWidget, name: str, title: str, label: str, ok: str, text: str, known: list[str]) -> str | None:
    dialog = QInputDialog(parent)
    dialog.setObjectName(name)
    dialog.setWindowTitle(title)
    dialog.setInputMode(QInputDialog.InputMode.TextInput)
    dialog.setLabelText(label)
    dialog.setOkButtonText(ok)
    dialog.setTextValue(text)
    field = dialog.findChild(QLineEdit)
    if field is not None:
        field.setPlaceholderText("e.g. lake house")
        completer = QCompleter(known, dialog)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        field.setCompleter(completer)
        _EnterTakesTheName(completer, field, dialog.accept)
    dialog.resize(360, dialog.sizeHint().height())
    accepted = dialog.exec() == QInputDialog.DialogCode.Accepted
    typed = dialog.textValue()
    dialog.deleteLater()
    return typed if accepted else None


class NewTagDialog(QDialog):
    """Asks for a tag of the user's own: its name and what it looks like (the sentence photos
    are matched against; empty = the engine's default). A name the engine refuses is said
    under the field and the dialog stays open; OK emits `chosen` with the name as written
    (spelt_tag: the engine keeps its case for a new tag) and the sentence ("" for the default).
    `defined`: the user's tags by key -> their sentence; `spellings` shows a key as written."""

    chosen = Signal(str, str)

    def __init__(self, defined: dict[str, str], parent: QWidget | None = None,
                 spellings: Mapping[str, str] | None = None) -> None:
        super().__init__(parent)
        self._defined = dict(defined)
        self._spellings = dict(spellings or {})
        self.setObjectName("NewTagDialog")
        self.setWindowTitle("New tag")
        self.setMinimumWidth(440)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 16)
        layout.setSpacing(6)
        intro = QLabel("photoclip gives this tag to the photos that look like what you describe: "
                       "those in the library now, and new ones as they are indexed.")
        intro.setObjectName("Muted")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addSpacing(8)

        layout.addWidget(QLabel("Name"))
        self.name = QLineEdit()
        self.name.setPlaceholderText("e.g. cabin")
        self.name.textEdited.connect(self._name_edited)
        layout.addWidget(self.name)
        self.error = error_label()
        layout.addWidget(self.error)
        layout.addSpacing(6)

        layout.addWidget(QLabel("What does it look like?"))
        self.prompt = QLineEdit()
        self.prompt.setPlaceholderText("a wooden cabin by a lake")
        self.prompt.setToolTip("A short sentence describing the photos, as you would search for them")
        layout.addWidget(self.prompt)
        self.hint = QLabel("")
        self.hint.setObjectName("Muted")
        self.hint.setWordWrap(True)
        layout.addWidget(self.hint)
        layout.addSpacing(10)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Create tag")
        self.ok_button.setProperty("primary", True)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self._name_edited("")

    def accept(self) -> None:
        try:
            name = spelt_tag(self.name.text())
        except QueryError as exc:
            self.error.setText(str(exc)[:1].upper() + str(exc)[1:])
            self.error.show()
            self._fit_height()
            self.name.setFocus()
            return
        self.chosen.emit(name, " ".join(self.prompt.text().split()))
        super().accept()

    def _name_edited(self, text: str) -> None:
        self.error.hide()
        name = " ".join(text.split()).lower()
        mine = self._defined.get(name)
        if mine is not None:
            shown = screen_text(self._spellings.get(name, name))
            self.hint.setText(f"“{shown}” is already a tag of yours, given to photos that look like ‘{mine}’; "
                              "what you write here takes its place.")
        elif name:
            self.hint.setText(f"Left empty, photoclip looks for “{default_prompt(name)}”")
        else:
            self.hint.setText("Left empty, photoclip looks for “a photo of” the tag's name.")
        self._fit_height()

    def _fit_height(self) -> None:
        """Taller where the hint or the error takes more lines at the dialog's width: a window
        keeps its size as its content grows, and cut them (at a large font most of all)."""
        layout = self.layout()
        layout.activate()
        needed = layout.totalHeightForWidth(self.width()) if layout.hasHeightForWidth() else -1
        needed = max(needed, layout.totalMinimumSize().height())
        if needed > self.height():
            self.resize(self.width(), needed)


def error_label() -> QLabel:
    """A hidden red line under a field, for a tag name the engine refused."""
    label = QLabel("")
    label.setObjectName("TagError")
    label.setWordWrap(True)
    label.hide()
    return label
