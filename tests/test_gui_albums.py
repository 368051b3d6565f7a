"""Albums in the app, on a real library, worker and tiny CLIP, offscreen: the sidebar lists the
folders that hold photos (not the watched folders themselves) with their counts and album
tags, an album's photos fill the grid with its tags in the header, and sections fold."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QStyleOptionViewItem, QTreeWidgetItem

from photoclip import config
from photoclip.gui.main_window import SEARCH_PLACEHOLDER
from photoclip.gui.sidebar import SHOWN_OPEN, CountRole, PathRole, album_names, fold_arrow
from photoclip.library import Library
from photoclip.tagging import Album
from photoclip.tinyclip.scenes import random_scene, scene_with, write_scenes
from tests.gui_support import WAIT_MS, answer_questions, make_window, settled, sidebar  # noqa: F401

VOCABULARY = "@prompt a {}\n@none a shape\ncircle\nstar\nsquare\ntriangle\nheart\ncross\ncrescent\n"


@pytest.fixture
def library(open_library, tmp_path: Path) -> Library:
    """Pictures/ holds 3 loose photos, 2023/Lake 5 red circles, 2024/Lake 4 scenes, Misc 2."""
    rng = random.Random(3)
    pictures = tmp_path / "Pictures"
    write_scenes(pictures, [random_scene(rng) for _ in range(3)], size=192)
    write_scenes(pictures / "2023" / "Lake", [scene_with(rng, [("red", "circle")]) for _ in range(5)], size=192)
    write_scenes(pictures / "2024" / "Lake", [random_scene(rng) for _ in range(4)], size=192)
    write_scenes(pictures / "Misc", [random_scene(rng) for _ in range(2)], size=192)
    vocabulary = tmp_path / "shapes.txt"
    vocabulary.write_text(VOCABULARY, encoding="utf-8")
    library = open_library()
    library.set_vocabulary(vocabulary)
    library.index([pictures])
    return library


def click_item(qtbot, window, item) -> None:
    tree = window.sidebar.tree
    qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=tree.visualItemRect(item).center())


def open_album(qtbot, window, index: int):
    """Click the sidebar's album at `index` once albums are listed; wait until it shows."""
    qtbot.waitUntil(lambda: bool(window.sidebar.album_items()), timeout=WAIT_MS)
    item = window.sidebar.album_items()[index]
    click_item(qtbot, window, item)
    qtbot.waitUntil(lambda: window.view.kind == "album" and settled(window), timeout=WAIT_MS)
    return item


def album_rows(window) -> list[tuple[str, int]]:
    return [(item.text(0), item.data(0, CountRole)) for item in window.sidebar.album_items()]


def test_the_sidebar_lists_albums_below_the_folders_with_counts_and_tags(qtbot, make_window, library) -> None:
    window = make_window(library)
    qtbot.waitUntil(lambda: bool(window.sidebar.album_items()), timeout=WAIT_MS)
    assert album_rows(window) == [("2023/Lake", 5), ("2024/Lake", 4)]  # not Pictures itself, not Misc (2)
    lake = window.sidebar.album_items()[0]
    album = next(a for a in library.albums() if a.folder.parts[-2:] == ("2023", "Lake"))
    assert "circle" in dict(album.tags)
    tooltip = lake.toolTip(0)
    assert str(album.folder) in tooltip and "5 photos" in tooltip and "Album tags: " in tooltip and "circle" in tooltip
    assert window.sidebar.albums_section.isExpanded()


def test_an_album_shows_its_photos_and_its_tags(qtbot, make_window, library) -> None:
    window = make_window(library)
    item = open_album(qtbot, window, 0)
    qtbot.waitUntil(lambda: window.model.rowCount() == 5, timeout=WAIT_MS)
    folder = window.view.album.folder
    assert {p.path.parent for p in library.photos(window.model.ids).values()} == {folder}
    assert window.title_label.text() == "2023/Lake"  # as the sidebar names it: 2024/Lake is another
    assert window.subtitle_label.text().startswith("5 photos  ·  Album tags: ")
    assert "circle" in window.subtitle_label.text() and str(folder) in window.subtitle_label.text()
    menu = window.sidebar.menu_for(item)
    assert [a.objectName() for a in menu.actions() if a.objectName()] == ["show_folder", "leave_out"]


def test_searching_in_an_album_or_a_folder_keeps_to_it_until_asked_for_all_photos(
    qtbot, make_window, library, tmp_path: Path
) -> None:
    window = make_window(library)
    lake_2024 = open_album(qtbot, window, 1)
    album = window.view.album.folder
    assert window.search_field.placeholderText() == "Search “2024/Lake”…"

    qtbot.keyClicks(window.search_field, "a red circle")
    qtbot.waitUntil(lambda: window.view.kind == "search" and settled(window), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: window.search_everywhere.isVisible(), timeout=WAIT_MS)
    qtbot.wait(100)  # the layout takes in the link
    grid_top = window.grid.mapTo(window, window.grid.rect().topLeft()).y()
    window.search_everywhere.hide()
    qtbot.wait(100)
    assert window.grid.mapTo(window, window.grid.rect().topLeft()).y() == grid_top  # the link moves no grid
    window.search_everywhere.show()
    assert window.model.ids == [h.photo_id for h in library.search("a red circle", 200, folder=album,
                                                                    subfolders=False)]
    assert {p.path.parent for p in library.photos(window.model.ids).values()} == {album}
    assert window.subtitle_label.text().startswith("4 photos in “2024/Lake”, best match first")
    assert window.search_everywhere.isVisible() and window.sidebar.tree.currentItem() is lake_2024

    qtbot.mouseClick(window.search_everywhere, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.view.album is None and settled(window), timeout=WAIT_MS)
    assert window.model.ids == [h.photo_id for h in library.search("a red circle", 200)]
    assert len(window.model.ids) == 14 and not window.search_everywhere.isVisible()

    click_item(qtbot, window, window.sidebar.folder_items()[0])
    qtbot.waitUntil(lambda: window.view.kind == "folder" and settled(window), timeout=WAIT_MS)
    qtbot.keyClicks(window.search_field, "a red circle")
    qtbot.waitUntil(lambda: window.view.kind == "search" and settled(window), timeout=WAIT_MS)
    assert len(window.model.ids) == 14 and window.subtitle_label.text().startswith("14 photos in “Pictures”")


def test_an_album_left_out_of_the_library_goes_with_its_photos_and_settings_list_it(
    qtbot, make_window, library, monkeypatch
) -> None:
    window = make_window(library, worker=True)
    qtbot.waitUntil(lambda: len(window.sidebar.album_items()) == 2 and window.model.rowCount() == 14, timeout=WAIT_MS)
    item = open_album(qtbot, window, 0)
    folder = window.view.album.folder
    asked = answer_questions(monkeypatch, True)

    next(a for a in window.sidebar.menu_for(item).actions() if a.objectName() == "leave_out").trigger()
    qtbot.waitUntil(lambda: bool(asked), timeout=WAIT_MS)  # once its photos are counted
    assert asked[0][0].startswith("Leave “2023/Lake” out of the library?") and asked[0][1] == "Leave out"

    qtbot.waitUntil(lambda: window.view.kind == "library" and settled(window) and window.model.rowCount() == 9,
                    timeout=WAIT_MS)
    qtbot.waitUntil(lambda: [row[0] for row in album_rows(window)] == ["Lake"], timeout=WAIT_MS)
    assert all(p.path.parent != folder for p in library.photos(window.model.ids).values())
    assert config.load_settings(library.directory).exclude_patterns == (str(folder),)
    assert folder.is_dir() and len(list(folder.iterdir())) == 5  # the files are untouched


def test_an_album_and_photos_whose_names_are_not_utf8_open_and_show_a_stand_in_character(
    qtbot, make_window, open_library, tmp_path: Path
) -> None:
    import os

    rng = random.Random(5)
    odd = Path(os.fsdecode(bytes(tmp_path) + b"/Pictures/caf\xe9"))
    written = write_scenes(odd, [random_scene(rng) for _ in range(3)], size=192)
    photo = written[0][0].rename(Path(os.fsdecode(bytes(odd) + b"/\xff.jpg")))
    library = open_library()
    library.index([odd.parent])
    window = make_window(library)
    qtbot.waitUntil(lambda: bool(window.sidebar.album_items()), timeout=WAIT_MS)

    assert window.sidebar.album_items()[0].text(0) == "caf\ufffd"
    open_album(qtbot, window, 0)
    qtbot.waitUntil(lambda: window.model.rowCount() == 3, timeout=WAIT_MS)
    assert window.view.album.folder == odd and window.title_label.text() == "caf\ufffd"
    row = window.model.row_of(library.catalog.photo_by_path(photo).id)
    window.open_preview(window.model.index(row, 0))
    qtbot.waitUntil(lambda: window.preview.photo is not None, timeout=WAIT_MS)
    assert window.preview.name_label.text() == "\ufffd.jpg"


def test_a_sections_header_folds_it_and_many_albums_start_folded(qtbot, sidebar) -> None:
    albums = [Album(Path(f"/photos/{year}/Trip"), 3 + i) for i, year in enumerate(range(2010, 2011 + SHOWN_OPEN))]
    sidebar.set_albums(albums)
    section = sidebar.albums_section
    assert len(sidebar.album_items()) == SHOWN_OPEN + 1 and not section.isExpanded()
    tree = sidebar.tree
    qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=tree.visualItemRect(section).center())
    assert section.isExpanded() and tree.visualItemRect(sidebar.album_items()[0]).height() > 0
    sidebar.set_albums(albums[:2])  # a later refresh keeps what the user chose
    assert section.isExpanded()
    qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=tree.visualItemRect(section).center())
    assert not section.isExpanded()


def arrow_shows_open(sidebar, section: QTreeWidgetItem) -> bool:
    """Whether the header's arrow, as the tree paints it, says the section is open."""
    tree = sidebar.tree
    option = QStyleOptionViewItem()
    option.widget = tree
    tree.itemDelegate().initStyleOption(option, tree.indexFromItem(section))
    assert option.icon.cacheKey() in (fold_arrow(True).cacheKey(), fold_arrow(False).cacheKey())
    return option.icon.cacheKey() == fold_arrow(True).cacheKey()


def test_a_sections_arrow_follows_it_however_it_is_unfolded(qtbot, sidebar) -> None:
    albums = [Album(Path(f"/photos/{year}/Trip"), 3) for year in range(2010, 2011 + SHOWN_OPEN)]
    sidebar.set_albums(albums)
    section, tree = sidebar.albums_section, sidebar.tree
    assert not section.isExpanded() and not arrow_shows_open(sidebar, section)
    assert arrow_shows_open(sidebar, sidebar.all_photos.parent())

    tree.setFocus()
    tree.setCurrentItem(section)
    qtbot.keyClick(tree, Qt.Key.Key_Right)
    assert section.isExpanded() and arrow_shows_open(sidebar, section)
    qtbot.keyClick(tree, Qt.Key.Key_Left)
    assert not section.isExpanded() and not arrow_shows_open(sidebar, section)

    tree.setCurrentItem(sidebar.album_items()[-1])  # Qt unfolds a section to show its current entry
    assert section.isExpanded() and arrow_shows_open(sidebar, section)
    qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=tree.visualItemRect(section).center())
    assert not section.isExpanded() and not arrow_shows_open(sidebar, section)
    sidebar.select_album(albums[2].folder)  # the window highlighting an album, without signals
    assert section.isExpanded() and arrow_shows_open(sidebar, section)


def test_albums_are_listed_in_the_order_of_their_names(sidebar) -> None:
    """The library gives them by full path; the sidebar shows last folder names, read A to Z."""
    folders = ["2022/Spring", "2022/Winter", "2023 Summer Trip", "Album 10", "album 2", "Trips/2023/Lake",
               "Trips/2024/Lake", "zoo"]
    sidebar.set_albums([Album(Path("/p") / folder, 4) for folder in folders])
    assert [item.text(0) for item in sidebar.album_items()] == [
        "2023 Summer Trip", "2023/Lake", "2024/Lake", "album 2", "Album 10", "Spring", "Winter", "zoo"]
    assert [str(item.data(0, PathRole)) for item in sidebar.album_items()][:3] == [
        "/p/2023 Summer Trip", "/p/Trips/2023/Lake", "/p/Trips/2024/Lake"]


def test_album_names_grow_only_as_far_as_it_takes_to_tell_them_apart() -> None:
    folders = [Path("/p/2023/Day 1"), Path("/p/2024/Day 1"), Path("/p/2024/Beach"), Path("/q/x/Beach"), Path("/p/y/Beach")]
    assert album_names(folders) == ["2023/Day 1", "2024/Day 1", "2024/Beach", "x/Beach", "y/Beach"]
    assert album_names([Path("/a/Same"), Path("/b/a/Same")]) == ["/a/Same", "b/a/Same"]
    copies = [Path("/p/Pictures/Holidays"), Path("/p/Pictures/Backup"), Path("/p/Pictures/Backup")]  # two in Backup
    assert album_names(copies) == ["Holidays", "Backup", "Backup"]


def test_a_search_typed_on_the_duplicates_page_covers_all_photos_not_the_album_seen_before(
    qtbot, make_window, library
) -> None:
    window = make_window(library)
    open_album(qtbot, window, 0)
    window.sidebar.duplicates_selected.emit()
    assert window.pages.currentWidget() is window.duplicates
    assert window.search_field.placeholderText() == SEARCH_PLACEHOLDER

    qtbot.keyClicks(window.search_field, "a red circle")
    qtbot.waitUntil(lambda: window.view.kind == "search" and settled(window), timeout=WAIT_MS)
    assert window.view.album is None and len(window.model.ids) == 14
    window.search_field.clear()
    qtbot.waitUntil(lambda: window.view.kind == "library" and settled(window), timeout=WAIT_MS)
    assert window.model.rowCount() == 14 and window.sidebar.tree.currentItem() is window.sidebar.all_photos


def test_an_album_named_like_another_is_told_apart_wherever_the_window_names_it(
    qtbot, make_window, library, monkeypatch
) -> None:
    """2023/Lake and 2024/Lake: the sidebar told them apart, but the header, the search field's
    hint, a search's line and the question to leave one out all said "Lake"."""
    window = make_window(library)
    open_album(qtbot, window, 1)
    assert window.title_label.text() == "2024/Lake"
    assert window.search_field.placeholderText() == "Search “2024/Lake”…"
    qtbot.keyClicks(window.search_field, "a red circle")
    qtbot.waitUntil(lambda: window.view.kind == "search" and settled(window), timeout=WAIT_MS)
    assert " in “2024/Lake”" in window.subtitle_label.text()
