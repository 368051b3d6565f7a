"""The model's readiness in the window: download progress with Cancel, and the way out when
the model cannot be had (offline): a clear reason, "Use a model file…", and settings."""

from __future__ import annotations

import dataclasses
import json
import shutil
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSize
from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QPushButton

from photoclip import config, model
from photoclip.errors import DownloadCancelled
from photoclip.gui import main_window, settings_dialog
from photoclip.gui.modelstate import Phase
from tests.gui_support import MODEL_TIMEOUT_MS, WAIT_MS, make_window, red_circle_folder  # noqa: F401

UNAVAILABLE_MODEL = "ViT-B-32:laion2b_s34b_b79k"


@pytest.fixture
def offline_window(qtbot, make_window, open_library, monkeypatch):
    """A window whose library's model can be neither found nor downloaded."""
    monkeypatch.setenv("PHOTOCLIP_OFFLINE", "1")
    window = make_window(open_library(model=UNAVAILABLE_MODEL), wait_model=False)
    qtbot.waitUntil(lambda: window.model_state.phase is Phase.UNAVAILABLE, timeout=MODEL_TIMEOUT_MS)
    return window


def test_offline_the_window_explains_and_a_model_file_or_settings_fix_it(
    qtbot, offline_window, monkeypatch, tmp_path: Path
) -> None:
    window = offline_window
    library = window.library
    banner = window.model_banner
    assert banner.isVisible()
    assert "offline" in banner.text.text() and "Start photoclip without PHOTOCLIP_OFFLINE set" in banner.text.text()
    assert "internet" not in banner.text.text()  # connecting would not help while the setting is on
    assert UNAVAILABLE_MODEL in banner.text.text() and "browse your photos" in banner.text.text()
    assert "--model-file" not in banner.text.text()  # the command line's words stay in the command line
    assert banner.button_labels() == ["Use a model file…", "Demo model"]  # trying again cannot help while it is set
    window.report_error(window.model_state.cause)  # the worker meeting the same missing model
    assert window.error_banner.isHidden()

    weights = tmp_path / "copied-from-my-laptop.safetensors"
    weights.write_bytes(b"not really weights")
    monkeypatch.setattr(main_window, "pick_model_file", lambda *args: str(weights))
    banner.click("Use a model file…")
    qtbot.waitUntil(lambda: window.library is not library, timeout=WAIT_MS)  # reopened with the new settings
    saved = json.loads((library.directory / config.SETTINGS_FILE).read_text())
    assert saved["model_file"] == str(weights)
    qtbot.waitUntil(lambda: not window.model_state.busy, timeout=MODEL_TIMEOUT_MS)
    assert window.model_state.phase is Phase.FAILED  # those bytes are no model: said, not crashed

    def choose_tiny(dialog: settings_dialog.SettingsDialog) -> int:
        dialog.model.setCurrentText("photoclip-tiny")
        dialog.model_file.clear()
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(settings_dialog.SettingsDialog, "exec", choose_tiny)
    window.open_settings()
    qtbot.waitUntil(lambda: window.model_state.ready, timeout=MODEL_TIMEOUT_MS)
    assert not window.model_banner.isVisible()
    assert config.load_settings(library.directory) == dataclasses.replace(
        config.Settings(), model="photoclip-tiny", model_file=None)


def test_offline_the_demo_model_indexes_until_the_real_one_can_be_had(qtbot, offline_window) -> None:
    window = offline_window
    library = window.library
    assert "demo model" in window.model_banner.text.text()
    window.model_banner.click("Demo model")
    qtbot.waitUntil(lambda: window.model_state.ready, timeout=MODEL_TIMEOUT_MS)
    assert not window.model_banner.isVisible()
    assert window.library.model_spec.label == config.DEMO_MODEL
    assert config.load_settings(library.directory).model == config.DEMO_MODEL


def test_a_download_shows_its_progress_and_can_be_cancelled(qtbot, make_window, open_library) -> None:
    window = make_window(open_library())
    state = window.model_state
    state.phase = Phase.LOADING  # as if the weights were not on disk yet
    cancelled = []
    state.cancel = lambda: cancelled.append(True)  # the real one stops library.encoder's download
    state.download_progress(30_000_000, 120_000_000)
    banner = window.model_banner
    assert banner.isVisible()
    assert "30 MB of 120 MB" in banner.text.text()
    assert banner.progress.isVisible() and banner.progress.value() == 250
    banner.click("Cancel")
    assert cancelled == [True]


def test_cancel_stops_the_download_whichever_part_of_the_app_started_it(
    qtbot, make_window, open_library, slow_hub
) -> None:
    window = make_window(open_library(model="ViT-B-32-256:datacomp_s34b_b86k"), worker=True, wait_model=False)
    state = window.model_state
    qtbot.waitUntil(lambda: state.phase is Phase.DOWNLOADING and state.progress[0] > 0, timeout=MODEL_TIMEOUT_MS)
    window.model_banner.click("Cancel")
    window.report_error(DownloadCancelled("model download cancelled"))  # the worker may say so first
    qtbot.waitUntil(lambda: state.phase is Phase.CANCELLED, timeout=WAIT_MS)
    assert "cancelled" in window.model_banner.text.text()
    qtbot.wait(500)  # or afterwards
    assert window.error_banner.isHidden() and state.phase is Phase.CANCELLED
    assert len(slow_hub.requests) == 1


def test_after_a_model_change_the_header_says_search_uses_the_old_model_until_reindexed(
    qtbot, make_window, open_library, photo_folder: Path, tmp_path: Path
) -> None:
    from tests.helpers import index_then_change_model

    old_model, _, weights = index_then_change_model(open_library, photo_folder, tmp_path / "lib")

    window = make_window(open_library(tmp_path / "lib", model_file=weights))

    assert f"search uses {old_model.label} until every photo is indexed with photoclip-tiny (other.safetensors)" in window.count_label.text()
    window.library.embed(window.library.pending())
    window.refresh_status()
    qtbot.waitUntil(lambda: "search uses" not in window.count_label.text(), timeout=WAIT_MS)
    assert window.count_label.text() == "6 photos  ·  model photoclip-tiny (other.safetensors)"


@pytest.fixture
def hold_model_loads(monkeypatch) -> Iterator[Callable[[], threading.Event]]:
    """hold_model_loads() -> an event: from then on every whole-model load waits until it is set
    (at the latest when the test ends), as a first download of minutes would."""
    release = threading.Event()
    real_load = model.load_encoder

    def slow_load(*args, **kwargs):
        release.wait(60)
        return real_load(*args, **kwargs)

    def hold() -> threading.Event:
        monkeypatch.setattr(model, "load_encoder", slow_load)
        return release

    yield hold
    release.set()


def test_the_photos_and_the_status_show_while_the_model_is_still_loading(
    qtbot, make_window, open_library, photo_folder: Path, tmp_path: Path, hold_model_loads
) -> None:
    """A first download takes minutes: browsing must not wait for it."""
    indexed = open_library(tmp_path / "lib")
    indexed.index([photo_folder])
    indexed.close()
    release = hold_model_loads()
    window = make_window(open_library(tmp_path / "lib"), wait_model=False)  # waits for the status, as a user sees it
    qtbot.waitUntil(lambda: window.model.rowCount() == 6 and window.model_state.busy, timeout=WAIT_MS)
    before = window.status
    window.refresh_status()  # asked again while the model loads: must not wait for it
    qtbot.waitUntil(lambda: window.status is not before, timeout=WAIT_MS)
    assert window.status.counts.indexed == 6 and not window.model_state.ready
    release.set()
    qtbot.waitUntil(lambda: window.model_state.ready, timeout=MODEL_TIMEOUT_MS)


def test_search_answers_from_the_text_tower_while_the_rest_of_the_model_loads(
    qtbot, make_window, open_library, tmp_path: Path, hold_model_loads
) -> None:
    """Indexing needs the whole model, a search only its text side: the window must not say it
    is loading the search model once a search can answer."""
    weights = tmp_path / "tiny.safetensors"
    shutil.copy(model.resolve_model("photoclip-tiny").checkpoint, weights)
    indexed = open_library(tmp_path / "lib", model="photoclip-tiny", model_file=str(weights))
    red_circle_folder(tmp_path / "photos")
    indexed.index([tmp_path / "photos"])  # the whole model once: its text tower is cached
    indexed.close()
    release = hold_model_loads()
    window = make_window(open_library(tmp_path / "lib", model_file=str(weights)), wait_model=False)
    qtbot.waitUntil(lambda: window.model_state.searchable, timeout=MODEL_TIMEOUT_MS)
    assert window.model_state.busy and not window.model_state.ready
    assert window.index_status.label.text() == "20 photos indexed"
    qtbot.keyClicks(window.search_field, "a red circle")
    qtbot.waitUntil(lambda: window.view.kind == "search" and window.model.rowCount() == 20, timeout=WAIT_MS)
    assert not window.model_state.ready
    release.set()
    qtbot.waitUntil(lambda: window.model_state.ready, timeout=MODEL_TIMEOUT_MS)
    assert window.index_status.label.text() == "20 photos indexed"


def test_quitting_while_the_model_loads_hides_the_window_before_waiting_for_the_load(
    qtbot, make_window, open_library, tmp_path: Path, hold_model_loads
) -> None:
    """A model load cannot be cut short (seconds): the window must not stand there frozen."""
    release = hold_model_loads()
    window = make_window(open_library(tmp_path / "lib"), worker=True, wait_model=False)
    qtbot.waitUntil(lambda: window.model_state.busy, timeout=WAIT_MS)
    worker, visible_when_stopping = window.worker, []
    stop = worker.stop

    def stop_after_the_load(*args, **kwargs) -> None:
        visible_when_stopping.append(window.isVisible())
        release.set()
        stop(*args, **kwargs)

    worker.stop = stop_after_the_load
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=WAIT_MS)
    QTest.keySequence(window, QKeySequence("Ctrl+Q"))
    assert visible_when_stopping == [False] and window.isHidden() and window.worker is None


def test_the_model_banner_wraps_in_a_small_window_and_never_widens_it(qtbot, make_window, open_library) -> None:
    """At 800×560 it widened the window to 884 pixels, which stayed so after it went, and cut its
    own text: its three buttons beside it and a model name that cannot break held it wide."""
    from tests.gui_support import resized, show_model_unavailable

    window = resized(qtbot, make_window(open_library()), 800, 560)
    banner, message = show_model_unavailable(qtbot, window)
    assert window.size() == QSize(800, 560) and window.minimumSize().width() <= 800
    text = banner.text
    assert text.text() == message
    assert text.height() >= text.heightForWidth(text.width())
    assert banner.geometry().right() <= banner.parentWidget().width()
    for label in banner.button_labels():
        button = next(b for b in banner.findChildren(QPushButton) if b.text() == label)
        assert button.width() >= button.sizeHint().width() and banner.rect().contains(
            button.geometry().translated(button.parentWidget().mapTo(banner, button.parentWidget().rect().topLeft())))
    window.model_state._set(Phase.READY, "")
    qtbot.wait(100)
    assert window.size() == QSize(800, 560)
