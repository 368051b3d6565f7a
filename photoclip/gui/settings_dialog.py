"""The settings dialog: model, device, CPU threads, folders to leave out, the tag vocabulary,
and the app's appearance.

It edits a `config.Settings` value and gives a new one back; the window saves it and
reopens the library so the engine picks it up. The appearance is the user's, not the
library's: the window keeps it in the app's own settings. A vocabulary file is read when chosen: a
file the engine would refuse is said in the dialog (its one-line reason) and not taken.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from PySide6.QtCore import QEvent
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from photoclip import config, tagging
from photoclip.errors import ModelError, QueryError
from photoclip.fsutil import expanded
from photoclip.gui import theme
from photoclip.gui.tags import error_label
from photoclip.library import check_model_choice

MODEL_FILE_FILTER = f"Model weights ({' '.join('*' + suffix for suffix in config.WEIGHT_SUFFIXES)});;All files (*)"
VOCABULARY_FILE_FILTER = "Tag vocabularies (*.txt);;All files (*)"
DEVICES = (("auto", "Automatic (GPU when there is one)"), ("cpu", "Processor (CPU)"),
           ("cuda", "NVIDIA GPU (CUDA)"), ("mps", "Apple GPU (Metal)"))
FIELD_WIDTH_CHARS = 56  # the fields' least width, in the font's average characters (the dialog's width follows it)


def pick_model_file(parent: QWidget | None, start: str = "") -> str | None:
    """Ask for a weights file; None when the user cancels."""
    path, _ = QFileDialog.getOpenFileName(parent, "Choose a model file", start or str(Path.home()), MODEL_FILE_FILTER)
    return path or None


def pick_vocabulary_file(parent: QWidget | None, start: str = "") -> str | None:
    """Ask for a tag vocabulary file; None when the user cancels."""
    path, _ = QFileDialog.getOpenFileName(parent, "Choose a tag vocabulary", start or str(Path.home()),
                                          VOCABULARY_FILE_FILTER)
    return path or None


def vocabulary_problem(path: str | None) -> str | None:
    """Why the engine would refuse this vocabulary file (one line, the file named by its name
    rather than its whole path); None when it reads well or is photoclip's own."""
    if path is None:
        return None
    try:
        tagging.load_vocabulary(path)
    except QueryError as exc:
        name = Path(path).name
        text = str(exc).replace(str(expanded(path)), name)
        return text if text.startswith(name) else text[:1].upper() + text[1:]
    return None


def lines_high(edit: QPlainTextEdit, lines: int) -> int:
    """The height that shows `lines` lines of text in `edit` at its font, frame and padding included."""
    edit.ensurePolished()
    margins = edit.contentsMargins()
    chrome = margins.top() + margins.bottom() + 2 * round(edit.document().documentMargin())
    return lines * edit.fontMetrics().lineSpacing() + chrome


class SettingsDialog(QDialog):
    def __init__(self, settings: config.Settings, parent: QWidget | None = None, writable: bool = True,
                 appearance: str = "system") -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self._original = settings
        self._vocabulary = settings.vocabulary
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 16)
        layout.setSpacing(14)
        form = QFormLayout()
        form.setHorizontalSpacing(14)
        form.setVerticalSpacing(10)

        self.model = QComboBox()
        self.model.setEditable(True)
        for name in dict.fromkeys((config.DEFAULT_MODEL, settings.model, config.DEMO_MODEL)):
            self.model.addItem(name)
        self.model.setCurrentText(settings.model)
        self.model.setMinimumWidth(self.fontMetrics().averageCharWidth() * FIELD_WIDTH_CHARS)
        self.model.setToolTip("An open_clip model name with its pretrained tag, e.g. " + config.DEFAULT_MODEL)
        form.addRow("Model", self.model)

        file_row = QHBoxLayout()
        self.model_file = QLineEdit(settings.model_file or "")
        self.model.currentTextChanged.connect(self._show_where_weights_come_from)
        self._show_where_weights_come_from(settings.model)
        browse = QPushButton("Choose…")
        browse.clicked.connect(self._browse)
        clear = QPushButton("Clear")
        clear.clicked.connect(self.model_file.clear)
        file_row.addWidget(self.model_file, 1)
        file_row.addWidget(browse)
        file_row.addWidget(clear)
        form.addRow("Model file", file_row)
        self.model_error = error_label()
        form.addRow("", self.model_error)
        self.model.currentTextChanged.connect(self.model_error.hide)
        self.model_file.textChanged.connect(self.model_error.hide)

        self.device = QComboBox()
        for value, label in DEVICES:
            self.device.addItem(label, value)
        index = self.device.findData(settings.device)
        if index < 0:
            self.device.addItem(settings.device, settings.device)
            index = self.device.count() - 1
        self.device.setCurrentIndex(index)
        form.addRow("Run the model on", self.device)

        self.threads = QSpinBox()
        self.threads.setRange(0, 256)
        self.threads.setSpecialValueText("Automatic")
        self.threads.setValue(settings.cpu_threads)
        self.threads.setToolTip("How many processor threads the model may use on the CPU")
        form.addRow("CPU threads", self.threads)

        self._patterns = {config.shown_pattern(p): p for p in settings.exclude_patterns}
        self.excluded = QPlainTextEdit("\n".join(self._patterns))
        self.excluded.setTabChangesFocus(True)  # one pattern a line: Tab goes on to the next setting
        self.excluded.setPlaceholderText("One pattern per line, e.g.\n*/Screenshots/*\n*.tmp")
        self.excluded.setFixedHeight(lines_high(self.excluded, 5))
        form.addRow("Leave out", self.excluded)
        form.addRow("Tags", self._build_vocabulary_row(writable))

        self.appearance_box = QComboBox()
        for value, label in theme.APPEARANCES:
            self.appearance_box.addItem(label, value)
        self.appearance_box.setCurrentIndex(max(0, self.appearance_box.findData(appearance)))
        self.appearance_note = QLabel("Shown when photoclip starts again.")
        self.appearance_note.setObjectName("Muted")
        self.appearance_note.hide()
        self.appearance_box.currentIndexChanged.connect(
            lambda: self.appearance_note.setVisible(self.appearance() != appearance))
        appearance_row = QHBoxLayout()
        appearance_row.addWidget(self.appearance_box)
        appearance_row.addWidget(self.appearance_note, 1)
        form.addRow("Appearance", appearance_row)
        layout.addLayout(form)

        note = QLabel("Changing the model indexes the library again in the background, and another "
                      "vocabulary tags it again; search keeps working meanwhile.")
        note.setObjectName("Muted")
        note.setWordWrap(True)
        layout.addWidget(note)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Save).setProperty("primary", True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def accept(self) -> None:
        """Save only a model that can be named: a file that holds no weights (a download cut
        short) or a misspelt name is said here, under the field, not found by the worker later."""
        chosen = self.settings()
        try:
            check_model_choice(chosen.model, chosen.model_file)
        except ModelError as exc:
            self.model_error.setText(str(exc)[:1].upper() + str(exc)[1:])
            self.model_error.show()
            self.adjustSize()  # room for the line, not squeezed out of the rows below
            return
        super().accept()

    def event(self, event: QEvent) -> bool:
        handled = super().event(event)
        if event.type() == QEvent.Type.LayoutRequest:  # a line shown or hidden: the rows need another height
            self._fit_height()
        return handled

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_height()

    def _fit_height(self) -> None:
        """Never shorter than the rows at this width. Qt's minimum for a window leaves out that the
        note wraps onto more lines as the font grows, and a small screen then squeezed rows over each other."""
        self.setMinimumHeight(self.layout().totalHeightForWidth(self.width()))

    def settings(self) -> config.Settings:
        """The settings as edited (unchanged fields kept)."""
        lines = (line.strip() for line in self.excluded.toPlainText().splitlines())
        patterns = tuple(self._patterns.get(line) or config.pattern_from_line(line) for line in lines if line)
        return dataclasses.replace(
            self._original,
            model=self.model.currentText().strip() or config.DEFAULT_MODEL,
            model_file=self.model_file.text().strip() or None,
            device=str(self.device.currentData()),
            cpu_threads=self.threads.value(),
            exclude_patterns=patterns,
            vocabulary=self._vocabulary,
        )

    def appearance(self) -> str:
        """The appearance chosen: "system", "light" or "dark"."""
        return str(self.appearance_box.currentData())

    def _show_where_weights_come_from(self, model: str) -> None:
        shipped = model.strip() == config.DEMO_MODEL
        self.model_file.setPlaceholderText("Comes with photoclip" if shipped else "Download automatically")

    def _browse(self) -> None:
        path = pick_model_file(self, self.model_file.text())
        if path:
            self.model_file.setText(path)

    # the tag vocabulary

    def _build_vocabulary_row(self, writable: bool) -> QWidget:
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(6)
        row = QHBoxLayout()
        row.setSpacing(6)
        self.vocabulary_label = QLabel()
        self.vocabulary_label.setObjectName("VocabularyLabel")
        self.choose_vocabulary = QPushButton("Choose file…")
        self.choose_vocabulary.setToolTip("A text file of your own with the tags photoclip gives, one per line "
                                          "(the format of photoclip's everyday.txt)")
        self.choose_vocabulary.clicked.connect(self._choose_vocabulary)
        self.default_vocabulary = QPushButton("Use everyday labels")
        self.default_vocabulary.setToolTip("Tag with the everyday labels photoclip comes with")
        self.default_vocabulary.clicked.connect(lambda: self._set_vocabulary(None))
        row.addWidget(self.choose_vocabulary)
        row.addWidget(self.default_vocabulary)
        row.addStretch(1)
        column.addWidget(self.vocabulary_label)
        column.addLayout(row)
        self.vocabulary_error = error_label()
        column.addWidget(self.vocabulary_error)
        self._writable = writable
        self._show_vocabulary(vocabulary_problem(self._vocabulary))  # a file since broken says so
        return box

    def _choose_vocabulary(self) -> None:
        path = pick_vocabulary_file(self, self._vocabulary or "")
        if not path:
            return
        problem = vocabulary_problem(path)
        if problem is not None:
            self._show_vocabulary(problem)  # the choice stays as it was
            return
        self._set_vocabulary(str(expanded(path).resolve()))

    def _set_vocabulary(self, path: str | None) -> None:
        self._vocabulary = path
        self._show_vocabulary(None)

    def _show_vocabulary(self, problem: str | None) -> None:
        path = self._vocabulary
        name = Path(path).name if path else "photoclip's everyday labels"
        self.vocabulary_label.setText(f"Vocabulary: {name}")
        self.vocabulary_label.setToolTip(path or "The labels photoclip comes with")
        self.vocabulary_error.setText(problem or "")
        self.vocabulary_error.setVisible(bool(problem))
        self.choose_vocabulary.setEnabled(self._writable)
        self.default_vocabulary.setEnabled(self._writable and path is not None)
