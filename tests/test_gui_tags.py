"""Tags in the app, on a real library, worker and tiny CLIP, offscreen: the sidebar lists them
with counts, a tag's photos fill the grid (and search stays among them), and the preview
shows a photo's tags, takes one off, and adds one."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QToolButton

from photoclip.gui.main_window import SEARCH_LIMIT
from photoclip.gui.sidebar import CountRole
from photoclip.library import Library
from photoclip.tagging import PhotoTag
from tests.gui_support import WAIT_MS, make_window, settled  # noqa: F401
from tests.helpers import scene_folder

SHAPES = ("circle", "star", "square", "triangle", "heart", "cross", "crescent")
VOCABULARY = "@prompt a {}\n@none a shape\n" + "\n".join(SHAPES) + "\n"


def shapes_library(open_library, tmp_path: Path, index: bool = True) -> Library:
    """A library that tags with the shapes the tiny model knows; 16 generated scenes indexed."""
    scene_folder(tmp_path / "photos", seed=0, red_circles=4, others=12)
    vocabulary = tmp_path / "shapes.txt"
    vocabulary.write_text(VOCABULARY, encoding="utf-8")
    library = open_library()
    library.set_vocabulary(vocabulary)
    if index:
        library.index([tmp_path / "photos"])
        assert len(library.tags()) >= 3, library.tags()
    return library


@pytest.fixture
def library(open_library, tmp_path: Path) -> Library:
    return shapes_library(open_library, tmp_path)


def sidebar_tags(window) -> list[tuple[str, int]]:
    return [(item.text(0), item.data(0, CountRole)) for item in window.sidebar.tag_items()]


def count_of(window, tag: str) -> int | None:
    item = window.sidebar.tag_item(tag)
    return None if item is None else item.data(0, CountRole)


def click_tag(qtbot, window, tag: str) -> None:
    tree = window.sidebar.tree
    qtbot.waitUntil(lambda: window.sidebar.tag_item(tag) is not None, timeout=WAIT_MS)
    item = window.sidebar.tag_item(tag)
    tree.scrollToItem(item)
    qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=tree.visualItemRect(item).center())
    qtbot.waitUntil(lambda: window.view.kind == "tag" and window.view.tag == tag and settled(window),
                    timeout=WAIT_MS)


def clear_button_shown(window) -> bool:
    action = window.search_field.findChild(QAction, "_q_qlineeditclearaction")
    return any(isinstance(w, QToolButton) and w.isVisible() for w in action.associatedObjects())


def open_preview_of(qtbot, window, photo_id) -> None:
    qtbot.waitUntil(lambda: window.model.row_of(photo_id) is not None and settled(window), timeout=WAIT_MS)
    window.open_preview(window.model.index(window.model.row_of(photo_id), 0))
    qtbot.waitUntil(lambda: window.preview.photo is not None and window.preview.photo_id == photo_id,
                    timeout=WAIT_MS)


def shown_tags(library: Library, photo_id) -> list[str]:
    return [t.name for t in library.photo_tags(photo_id) if t.source != "rejected"]


def test_tags_appear_in_the_sidebar_with_their_counts_once_indexing_has_tagged(
    qtbot, make_window, open_library, tmp_path
) -> None:
    library = shapes_library(open_library, tmp_path, index=False)
    window = make_window(library, worker=True)
    hint = window.sidebar._no_tags
    assert sidebar_tags(window) == [] and not hint.isHidden()
    assert hint.text(0) == "Tags appear after indexing" and hint.flags() == Qt.ItemFlag.NoItemFlags
    window.add_folder(tmp_path / "photos")
    qtbot.waitUntil(lambda: len(sidebar_tags(window)) >= 3, timeout=60_000)
    qtbot.waitUntil(lambda: sidebar_tags(window) == library.tags(), timeout=WAIT_MS)
    counts = [count for _, count in sidebar_tags(window)]
    assert counts == sorted(counts, reverse=True) and set(dict(sidebar_tags(window))) <= set(SHAPES)
    assert hint.isHidden()


def test_clicking_a_tag_shows_exactly_its_photos_with_the_tag_and_count_in_the_header(
    qtbot, make_window, library
) -> None:
    window = make_window(library)
    qtbot.waitUntil(lambda: sidebar_tags(window) == library.tags(), timeout=WAIT_MS)
    window.search_field.setText("a star")
    qtbot.waitUntil(lambda: window.view.kind == "search" and settled(window) and clear_button_shown(window),
                    timeout=WAIT_MS)
    tag, count = library.tags()[1]
    click_tag(qtbot, window, tag)
    assert window.search_field.text() == ""  # the search gave way, its clear button too (it fades out)
    qtbot.waitUntil(lambda: not clear_button_shown(window), timeout=3000)
    assert window.model.ids == library.tagged(tag) and len(window.model.ids) == count
    assert len(window.model.ids) < len(library.photos_by_date(0, 100))
    assert window.title_label.text() == tag
    assert window.subtitle_label.text() == f"{count} photos with this tag"
    assert window.sidebar.current_tag() == tag


def test_search_within_a_tag_ranks_only_its_photos_and_clearing_returns_to_them(
    qtbot, make_window, library
) -> None:
    window = make_window(library)
    click_tag(qtbot, window, "circle")
    tagged = library.tagged("circle")
    qtbot.keyClicks(window.search_field, "a red circle")
    qtbot.waitUntil(lambda: window.view.kind == "search" and window.view.text == "a red circle" and settled(window),
                    timeout=WAIT_MS)
    assert window.view.tag == "circle"
    assert window.model.ids == [h.photo_id for h in library.search("a red circle", SEARCH_LIMIT, tag="circle")]
    assert set(window.model.ids) == set(tagged)
    assert len(library.search("a red circle", SEARCH_LIMIT)) > len(tagged)  # unscoped, it would show others
    assert window.sidebar.current_tag() == "circle"
    assert window.subtitle_label.text().startswith(f"{len(tagged)} photos tagged “circle”")

    window.search_field.clear()
    qtbot.waitUntil(lambda: window.view.kind == "tag" and settled(window), timeout=WAIT_MS)
    assert window.model.ids == tagged and window.title_label.text() == "circle"


def test_the_preview_shows_a_photos_tags_and_removing_one_takes_it_off_for_good(
    qtbot, make_window, library
) -> None:
    tag = library.tags()[0][0]
    photo = library.tagged(tag)[0]
    library.add_tag([photo], "Favourites")
    rejected = next(s for s in SHAPES if s not in shown_tags(library, photo))
    library.remove_tag([photo], rejected)
    window = make_window(library, worker=True)
    click_tag(qtbot, window, tag)
    before = count_of(window, tag)
    open_preview_of(qtbot, window, photo)
    chips = window.preview.tags
    qtbot.waitUntil(lambda: chips.shown() == shown_tags(library, photo), timeout=WAIT_MS)
    assert "favourites" in chips.shown() and tag in chips.shown() and rejected not in chips.shown()
    assert chips.chips["favourites"].property("source") == "user"
    assert chips.chips[tag].property("source") == "auto"
    assert chips.chips[tag].name.toolTip().startswith("Given by photoclip (score 0.")

    qtbot.mouseClick(chips.chips[tag].remove, Qt.MouseButton.LeftButton)
    assert tag not in chips.shown()  # at once, before the worker has written it
    qtbot.waitUntil(lambda: PhotoTag(tag, "rejected", 1.0) in library.photo_tags(photo), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: count_of(window, tag) == before - 1, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: tag not in chips.chips and "favourites" in chips.chips, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: photo not in window.model.ids and settled(window), timeout=WAIT_MS)
    assert window.model.ids == library.tagged(tag)


def test_adding_a_tag_in_the_preview_tags_the_photo_and_the_sidebar_counts_it(
    qtbot, make_window, library
) -> None:
    window = make_window(library, worker=True)
    qtbot.waitUntil(lambda: sidebar_tags(window) == library.tags(), timeout=WAIT_MS)
    common = library.tags()[0][0]
    photo = next(pid for pid in library.photos_by_date(0, 100) if common not in shown_tags(library, pid))
    before = count_of(window, common)
    qtbot.waitUntil(lambda: settled(window), timeout=WAIT_MS)
    open_preview_of(qtbot, window, photo)
    field = window.preview.tags.field

    qtbot.keyClicks(field, "x" * 61)
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert window.preview.tags.error.isVisibleTo(window.preview) and field.text() == "x" * 61
    field.clear()

    qtbot.keyClicks(field, "  Lake   House ")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert field.text() == ""
    qtbot.waitUntil(lambda: PhotoTag("lake house", "user", 1.0) in library.photo_tags(photo), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: count_of(window, "lake house") == 1, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: "lake house" in window.preview.tags.chips, timeout=WAIT_MS)
    assert window.preview.tags.chips["lake house"].property("source") == "user"

    qtbot.keyClicks(field, common)
    qtbot.keyClick(field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: count_of(window, common) == before + 1, timeout=WAIT_MS)
    assert PhotoTag(common, "user", 1.0) in library.photo_tags(photo)
    assert sidebar_tags(window) == library.tags()


def test_clicking_a_tag_in_the_preview_shows_that_tags_photos(qtbot, make_window, library) -> None:
    window = make_window(library)
    tag = library.tags()[-1][0]
    photo = library.tagged(tag)[0]
    qtbot.waitUntil(lambda: settled(window) and window.model.rowCount() > 0, timeout=WAIT_MS)
    open_preview_of(qtbot, window, photo)
    qtbot.waitUntil(lambda: tag in window.preview.tags.chips, timeout=WAIT_MS)
    qtbot.mouseClick(window.preview.tags.chips[tag].name, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.view.kind == "tag" and settled(window), timeout=WAIT_MS)
    assert window.pages.currentWidget() is not window.preview
    assert window.model.ids == library.tagged(tag) and window.sidebar.current_tag() == tag


def test_a_read_only_window_shows_tags_but_cannot_change_them(qtbot, make_window, library, tmp_path) -> None:
    reader = Library.open(tmp_path / "library", model="photoclip-tiny", read_only=True)
    try:
        window = make_window(reader, worker=True)
        qtbot.waitUntil(lambda: sidebar_tags(window) == library.tags(), timeout=WAIT_MS)
        photo = library.tagged(library.tags()[0][0])[0]
        qtbot.waitUntil(lambda: settled(window) and window.model.rowCount() > 0, timeout=WAIT_MS)
        open_preview_of(qtbot, window, photo)
        chips = window.preview.tags
        qtbot.waitUntil(lambda: chips.shown() == shown_tags(library, photo), timeout=WAIT_MS)
        assert not chips.field.isVisibleTo(window.preview)
        assert not any(chip.remove.isVisibleTo(window.preview) for chip in chips.chips.values())
    finally:
        window.shutdown()
        reader.close()
