"""Leaving a photo's folder out of the library from the photo's menu, on a real library, worker
and tiny CLIP, offscreen: any folder inside the library's, not only the albums the sidebar lists."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from photoclip import config
from photoclip.gui.grid import PathRole
from photoclip.gui.main_window import leave_out_detail
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
    qtbot.waitUntil(lambda: bool(asked), timeout=WAIT_MS)  # once its photos are counted
    assert asked[0] == ("Leave “Screenshots” out of the library?\n\n" + leave_out_detail(2, []), "Leave out")
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


@pytest.fixture
def phone(open_library, tmp_path: Path) -> Library:
    """Pictures/ holds 3 loose photos; Pictures/Phone 1, and its subfolders Camera 3, Camera/Burst 3
    (two albums) and Screenshots 2 (too few for one)."""
    rng = random.Random(5)
    pictures = tmp_path / "Pictures"
    phone = pictures / "Phone"
    for folder, count in ((pictures, 3), (phone, 1), (phone / "Camera", 3), (phone / "Camera" / "Burst", 3),
                          (phone / "Screenshots", 2)):
        write_scenes(folder, [random_scene(rng) for _ in range(count)], size=192)
    library = open_library()
    library.index([pictures])
    return library


def test_leaving_out_a_folder_asks_saying_how_many_photos_go_and_which_albums_of_its_subfolders(
    qtbot, make_window, phone, tmp_path: Path, monkeypatch
) -> None:
    """"Leave “Phone” out of the library?" took its subfolders' 8 photos and albums with its one,
    without a word of them; once done, nothing said what had gone nor how to bring it back."""
    window = make_window(phone, worker=True)
    qtbot.waitUntil(lambda: window.model.rowCount() == 12 and len(window.sidebar.album_items()) == 2
                    and settled(window), timeout=WAIT_MS)
    [photo] = shown_in(qtbot, window, phone, tmp_path / "Pictures" / "Phone")
    asked = answer_questions(monkeypatch, True)

    [action] = [a for a in window.selection_menu([photo]).actions() if a.objectName() == "leave_out_folder"]
    action.trigger()
    qtbot.waitUntil(lambda: bool(asked), timeout=WAIT_MS)
    assert asked[0][0] == (
        "Leave “Phone” out of the library?\n\nIts 9 photos, those of “Burst” and “Camera” among them, stay where "
        "they are on disk; photoclip forgets them and does not index this folder or the folders in it again. "
        "Settings lists the folders left out; adding the folder again brings it back.")
    assert window.statusBar().currentMessage() == (
        "Left “Phone” out of the library (9 photos forgotten; the files are not touched). "
        "Adding the folder again with “Add folder…” brings it back.")
    qtbot.waitUntil(lambda: window.model.rowCount() == 3 and not window.sidebar.album_items() and settled(window),
                    timeout=WAIT_MS)


@pytest.mark.parametrize(("photos", "albums", "said"), [
    (1, [], "Its 1 photo stays where it is on disk; photoclip forgets it and does not index this folder again."),
    (None, ["Lake"], "Its photos, those of “Lake” among them, stay where they are on disk; photoclip forgets them "
                     "and does not index this folder or the folders in it again."),
    (50, ["A", "B", "C", "D", "E"], "Its 50 photos, those of “A”, “B”, “C” and 2 other albums among them, stay"),
])
def test_the_question_counts_the_photos_and_names_a_few_albums(photos: int | None, albums: list[str], said: str):
    assert leave_out_detail(photos, albums).startswith(said)
