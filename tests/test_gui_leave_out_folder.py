"""Leaving a photo's folder out of the library from the photo's menu, on a real library, worker
and tiny CLIP, offscreen: any folder inside the library's, not only the albums the sidebar lists."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from photoclip import config
from photoclip.gui.grid import PathRole
from photoclip.ids import PhotoId
from photoclip.library import Library
from photoclip.tinyclip.scenes import random_scene, write_scenes
from tests.gui_support import WAIT_MS, answer_questions, make_window, settled  # noqa: F401


@pytest.fixture
def library(open_library, tmp_path: Path) -> Library:
    """Pictures/ holds 3 loose photos, Pictures/Screenshots 2 (too few for an album), Pictures/2023/Lake 3."""
    rng = random.Random(4)
    pictures = tmp_path / "Pictures"
    for folder, count in ((pictures, 3), (pictures / "Screenshots", 2), (pictures / "2023" / "Lake", 3)):
        write_scenes(folder, [random_scene(rng) for _ in range(count)], size=192)
    library = open_library()
    library.index([pictures])
    return library


def entries(menu) -> dict[str, tuple[str, bool]]:
    return {a.objectName(): (a.text(), a.isEnabled()) for a in menu.actions() if not a.isSeparator()}


def shown_in(qtbot, window, library: Library, folder: Path) -> list[PhotoId]:
    """The photos of the grid in `folder`, once the grid knows where they are."""
    ids = [pid for pid in window.model.ids if library.photo(pid).path.parent == folder]
    rows = [window.model.row_of(pid) for pid in ids]
    qtbot.waitUntil(lambda: all(window.model.index(row, 0).data(PathRole) is not None for row in rows),
                    timeout=WAIT_MS)
    return ids


def test_a_folder_of_two_photos_is_left_out_from_a_photos_menu_as_an_album_is(
    qtbot, make_window, library, tmp_path: Path, monkeypatch
) -> None:
    """Only an album (a folder of 3 photos or more) could be left out, from the sidebar: a folder of
    screenshots beside the photos stayed in the library."""
    window = make_window(library, worker=True)
    qtbot.waitUntil(lambda: window.model.rowCount() == 8 and settled(window), timeout=WAIT_MS)
    screenshots = tmp_path / "Pictures" / "Screenshots"
    shots = shown_in(qtbot, window, library, screenshots)
    assert len(shots) == 2
    assert entries(window.selection_menu(shots))["leave_out_folder"] == ("Leave out folder “Screenshots”…", True)
    asked = answer_questions(monkeypatch, True)

    [action] = [a for a in window.selection_menu(shots[:1]).actions() if a.objectName() == "leave_out_folder"]
    action.trigger()
    assert asked[0][0].startswith("Leave “Screenshots” out of the library?") and asked[0][1] == "Leave out"
    qtbot.waitUntil(lambda: window.model.rowCount() == 6 and settled(window), timeout=WAIT_MS)
    assert not set(shots) & set(window.model.ids)
    assert config.load_settings(library.directory).exclude_patterns == (str(screenshots),)
    assert len(list(screenshots.iterdir())) == 2  # the files are untouched


def test_the_folder_entry_names_the_photos_folder_or_is_not_offered(
    qtbot, make_window, library, tmp_path: Path
) -> None:
    """A photo right in the library's own folder offers nothing (removing that folder is the
    sidebar's), nor do photos of several folders; the menu bar's Photo menu names the preview's."""
    window = make_window(library, worker=True)
    qtbot.waitUntil(lambda: window.model.rowCount() == 8 and settled(window), timeout=WAIT_MS)
    pictures = tmp_path / "Pictures"
    loose = shown_in(qtbot, window, library, pictures)
    lake = shown_in(qtbot, window, library, pictures / "2023" / "Lake")
    assert "leave_out_folder" not in entries(window.selection_menu(loose[:1]))
    assert "leave_out_folder" not in entries(window.selection_menu([loose[0], lake[0]]))

    window.open_preview(window.model.index(window.model.row_of(lake[0]), 0))
    [menu] = [a.menu() for a in window.menuBar().actions() if a.text().replace("&", "") == "Photo"]
    menu.aboutToShow.emit()  # what opening it does
    assert entries(menu)["leave_out_folder"] == ("Leave out folder “Lake”…", True)
