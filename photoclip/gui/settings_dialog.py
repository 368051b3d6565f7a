"""The settings dialog: model, device, CPU threads, folders to leave out.

It edits a `config.Settings` value and gives a new one back; the window saves it and
reopens the library so the engine picks it up.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

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

from photoclip import config

MODEL_FILE_FILTER = "Model weights (*.safetensors *.bin *.pt *.pth);;All files (*)"
DEVICES = (("auto", "Automatic (GPU when there is one)"), ("cpu", "Processor (CPU)"),
           ("cuda", "NVIDIA GPU (CUDA)"), ("mps", "Apple GPU (Metal)"))


def pick_model_file(parent: QWidget | None, start: str = "") -> str | None:
    """Ask for a weights file; None when the user cancels."""
    path, _ = QFileDialog.getOpenFileName(parent, "Choose a model file", start or str(Path.home()), MODEL_FILE_FILTER)
    return path or None


class SettingsDialog(QDialog):
    def __init__(self, settings: config.Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.setMinimumWidth(560)
        self._original = settings
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 16)
        layout.setSpacing(14)
        form = QFormLayout()
        form.setHorizontalSpacing(14)
        form.setVerticalSpacing(10)

        self.model = QComboBox()
        self.model.setEditable(True)
        for name in dict.fromkeys((config.DEFAULT_MODEL, settings.model)):
            self.model.addItem(name)
        self.model.setCurrentText(settings.model)
        self.model.setToolTip("An open_clip model name with its pretrained tag, e.g. " + config.DEFAULT_MODEL)
        form.addRow("Model", self.model)

        file_row = QHBoxLayout()
        self.model_file = QLineEdit(settings.model_file or "")
        self.model_file.setPlaceholderText("Download automatically")
        browse = QPushButton("Choose…")
        browse.clicked.connect(self._browse)
        clear = QPushButton("Clear")
        clear.clicked.connect(self.model_file.clear)
        file_row.addWidget(self.model_file, 1)
        file_row.addWidget(browse)
        file_row.addWidget(clear)
        form.addRow("Model file", file_row)

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

        self.excluded = QPlainTextEdit("\n".join(settings.exclude_patterns))
        self.excluded.setPlaceholderText("One pattern per line, e.g.\n*/Screenshots/*\n*.tmp")
        self.excluded.setFixedHeight(96)
        form.addRow("Leave out", self.excluded)
        layout.addLayout(form)

        note = QLabel("Changing the model indexes the library again in the background; "
                      "search keeps working meanwhile.")
        note.setObjectName("Muted")
        note.setWordWrap(True)
        layout.addWidget(note)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Save).setProperty("primary", True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def settings(self) -> config.Settings:
        """The settings as edited (unchanged fields kept)."""
        patterns = tuple(line.strip() for line in self.excluded.toPlainText().splitlines() if line.strip())
        return dataclasses.replace(
            self._original,
            model=self.model.currentText().strip() or config.DEFAULT_MODEL,
            model_file=self.model_file.text().strip() or None,
            device=str(self.device.currentData()),
            cpu_threads=self.threads.value(),
            exclude_patterns=patterns,
        )

    def _browse(self) -> None:
        path = pick_model_file(self, self.model_file.text())
        if path:
            self.model_file.setText(path)
