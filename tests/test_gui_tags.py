"""Tags in the app, on a real library, worker and tiny CLIP, offscreen: the sidebar lists them
with counts, a tag's photos fill the grid (and search stays among them), and the preview
shows a photo's tags, takes one off, and adds one. The user's own tags: "New tag…" defines one
that auto-tagging gives to photos looking like a sentence, the sidebar marks it and can stop
it; the settings dialog chooses the vocabulary file (a broken one is refused there)."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QDialog, QInputDialog, QLineEdit, QToolButton, QWidget

from photoclip import config
from photoclip.gui import icons, settings_dialog, theme
from photoclip.gui.main_window import SEARCH_LIMIT, View
from photoclip.gui.sidebar import TAGS_SHOWN, CountRole, PromptRole, TagRole
from photoclip.gui.tags import NewTagDialog
from photoclip.library import Library
from photoclip.tagging import PhotoTag
from photoclip.tinyclip.scenes import random_scene, write_scenes
from tests.gui_support import WAIT_MS, answer_questions, make_window, settled, sidebar  # noqa: F401
from tests.helpers import scene_folder, shapes_vocabulary

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
    """(tag, count) of the sidebar's entries, each tag by its key, as the library lists them."""
    return [(item.data(0, TagRole), item.data(0, CountRole)) for item in window.sidebar.tag_items()]


def sidebar_names(window) -> list[str]:
    """The sidebar's tags as the user reads them."""
    return [item.text(0) for item in window.sidebar.tag_items()]


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


def test_esc_in_the_tag_field_clears_what_was_typed_before_it_leaves_the_preview(qtbot, make_window, library) -> None:
    window = make_window(library, worker=True)
    open_preview_of(qtbot, window, library.photos_by_date(0, 1)[0])
    field = window.preview.tags.field
    qtbot.mouseClick(field, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(field, "lake hou")
    qtbot.keyClick(field, Qt.Key.Key_Escape)
    assert field.text() == "" and window.pages.currentWidget() is window.preview
    qtbot.keyClick(field, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.pages.currentWidget() is not window.preview, timeout=WAIT_MS)


class _WindowsShown(QObject):
    """Every widget shown as a window of its own, however briefly."""

    def __init__(self) -> None:
        super().__init__()
        self.shown: list[str] = []

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Show and isinstance(watched, QWidget) and watched.isWindow():
            self.shown.append(watched.objectName() or type(watched).__name__)
        return False


def test_a_photos_tags_shown_in_the_preview_open_no_window_of_their_own(qtbot, make_window, library) -> None:
    """Each tag's × was shown before it was put in its tag: a window of its own for a moment,
    which took the keys from the app's (the arrows, Esc and Tab did nothing after)."""
    tag = library.tags()[0][0]
    photo = library.tagged(tag)[0]
    window = make_window(library, worker=True)
    windows = _WindowsShown()
    QApplication.instance().installEventFilter(windows)
    try:
        open_preview_of(qtbot, window, photo)
        qtbot.waitUntil(lambda: tag in window.preview.tags.shown(), timeout=WAIT_MS)
    finally:
        QApplication.instance().removeEventFilter(windows)

    assert windows.shown == []


def test_an_error_while_the_preview_is_shown_is_said_in_the_status_bar(qtbot, make_window, library) -> None:
    """The preview shows no error strip, to leave the photo its room: the error showed only back in the grid."""
    window = make_window(library, worker=True)
    open_preview_of(qtbot, window, library.photos_by_date(0, 1)[0])
    window.report_error("the photo could not be moved to the trash: permission denied")
    assert window.statusBar().currentMessage() == "The photo could not be moved to the trash: permission denied"
    assert not window.error_banner.isVisibleTo(window)


def chip_shown(window, tag: str) -> bool:
    """Whether the preview shows `tag`'s chip on screen (a new chip shows once Qt's event loop runs)."""
    chip = window.preview.tags.chips.get(tag)
    return chip is not None and chip.isVisible()


def shown_tags(library: Library, photo_id) -> list[str]:
    return [t.name for t in library.photo_tags(photo_id) if t.source != "rejected"]


def test_tags_appear_in_the_sidebar_with_their_counts_once_indexing_has_tagged(
    qtbot, make_window, open_library, tmp_path
) -> None:
    library = shapes_library(open_library, tmp_path, index=False)
    window = make_window(library, worker=True)
    hint = window.sidebar._no_tags
    assert sidebar_tags(window) == [] and not hint.isHidden()
    assert hint.text(0) == "No tags yet" and hint.flags() == Qt.ItemFlag.NoItemFlags
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
    assert window.search_everywhere.isVisible()

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


def test_keys_typed_in_the_preview_tag_field_do_not_step_to_another_photo(qtbot, make_window, library) -> None:
    window = make_window(library)
    qtbot.waitUntil(lambda: settled(window), timeout=WAIT_MS)
    photo = library.photos_by_date(0, 2)[1]
    open_preview_of(qtbot, window, photo)
    field = window.preview.tags.field
    qtbot.mouseClick(field, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(field, "be")
    for key in (Qt.Key.Key_Down, Qt.Key.Key_Up, Qt.Key.Key_PageDown, Qt.Key.Key_Right, Qt.Key.Key_End):
        qtbot.keyClick(field, key)
    field.setCursorPosition(0)
    qtbot.keyClick(field, Qt.Key.Key_Left)
    assert window.preview.photo_id == photo and field.text() == "be"
    assert window.pages.currentWidget() is window.preview


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
    qtbot.mouseClick(field, Qt.MouseButton.LeftButton)

    qtbot.keyClicks(field, "x" * 61)
    qtbot.keyClick(field, Qt.Key.Key_Return)  # Enter adds; it must not also take the preview away
    assert window.pages.currentWidget() is window.preview
    assert window.preview.tags.error.isVisible() and field.text() == "x" * 61
    field.clear()

    qtbot.keyClicks(field, "  Lake   House ")
    qtbot.keyClick(field, Qt.Key.Key_Enter)
    assert field.text() == "" and window.pages.currentWidget() is window.preview
    qtbot.waitUntil(lambda: PhotoTag("lake house", "user", 1.0) in library.photo_tags(photo), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: count_of(window, "lake house") == 1, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: chip_shown(window, "lake house"), timeout=WAIT_MS)
    assert window.preview.tags.chips["lake house"].property("source") == "user"
    assert window.preview.tags.chips["lake house"].name.text() == "Lake House"  # spelt as typed, spaces aside
    assert library.shown_tag("lake house") == "Lake House"
    assert window.pages.currentWidget() is window.preview

    qtbot.keyClicks(field, common)
    qtbot.keyClick(field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: count_of(window, common) == before + 1, timeout=WAIT_MS)
    assert PhotoTag(common, "user", 1.0) in library.photo_tags(photo)
    assert sidebar_tags(window) == library.tags()
    qtbot.waitUntil(lambda: chip_shown(window, common), timeout=WAIT_MS)
    assert window.pages.currentWidget() is window.preview


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


# ---------------------------------------------------------------- the user's own tags, the vocabulary


def heartless_library(open_library, tmp_path: Path) -> tuple[Library, dict]:
    """48 scenes indexed and tagged with the tiny model's shapes except hearts. Returns (library, scenes)."""
    scenes = scene_folder(tmp_path / "photos", seed=0, red_circles=8, others=40)
    library = open_library()
    library.set_vocabulary(shapes_vocabulary(tmp_path / "no-hearts.txt", without=("heart",)))
    library.index([tmp_path / "photos"])
    assert "heart" not in dict(library.tags()) and len(library.tags()) >= 3
    return library, scenes


def menu_action(window, tag: str, name: str) -> QAction | None:
    menu = window.sidebar.menu_for(window.sidebar.tag_item(tag))
    return menu.findChild(QAction, name)


def tag_icon_key(window, tag: str) -> int:
    return window.sidebar.tag_item(tag).icon(0).cacheKey()


def test_new_tag_asks_a_name_and_a_look_and_the_tag_goes_to_photos_that_look_like_it(
    qtbot, make_window, open_library, tmp_path
) -> None:
    library, scenes = heartless_library(open_library, tmp_path)
    window = make_window(library, worker=True)
    qtbot.waitUntil(lambda: sidebar_tags(window) == library.tags(), timeout=WAIT_MS)
    assert window.sidebar.new_tag_button.isVisible() and window.sidebar.new_tag_button.isEnabled()
    qtbot.mouseClick(window.sidebar.new_tag_button, Qt.MouseButton.LeftButton)
    dialog = window.findChild(NewTagDialog)
    assert dialog is not None and dialog.isVisible()
    assert dialog.prompt.placeholderText() == "a wooden cabin by a lake"

    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)  # no name
    assert dialog.isVisible() and dialog.error.isVisibleTo(dialog) and "needs a name" in dialog.error.text()
    qtbot.keyClicks(dialog.name, "x" * 61)
    assert not dialog.error.isVisibleTo(dialog)  # typing puts the complaint away
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and "at most 60 characters" in dialog.error.text()
    assert library.defined_tags() == []

    dialog.name.clear()
    qtbot.keyClicks(dialog.name, "  Heart ")
    assert dialog.hint.text() == "Left empty, photoclip looks for “a photo of heart.”"
    qtbot.keyClicks(dialog.prompt, "a heart")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    qtbot.waitUntil(lambda: window.worker.wait_idle(0.01) and library.tagged("heart")  # tagging done
                    and count_of(window, "heart") == len(library.tagged("heart")), timeout=WAIT_MS)
    assert library.defined_tags() == [("heart", "a heart")]
    hearts = library.tagged("heart")
    right = sum(scenes[library.photo(p).path].has(shape="heart") for p in hearts)
    base_rate = sum(s.has(shape="heart") for s in scenes.values()) / len(scenes)
    assert len(hearts) >= 3 and right / len(hearts) >= max(0.6, 3 * base_rate), (right, len(hearts), base_rate)
    item = window.sidebar.tag_item("heart")
    assert item.data(0, PromptRole) == "a heart"
    assert item.toolTip(0).startswith("Your tag: given to photos that look like ‘a heart’")
    assert tag_icon_key(window, "heart") == icons.icon("tag", theme.colours().accent).cacheKey()
    other = next(name for name, _ in library.tags() if name != "heart")
    assert tag_icon_key(window, other) != tag_icon_key(window, "heart")
    assert window.sidebar.tag_item(other).data(0, PromptRole) is None
    assert "tagged “Heart”" in window.statusBar().currentMessage()  # as typed, "  Heart "


def test_a_new_tag_that_no_photo_matches_says_so(qtbot, make_window, open_library, tmp_path) -> None:
    """Not silence, with the tag page saying only how to tag by hand."""
    window = make_window(open_library(tmp_path / "empty"), worker=True)
    window.define_tag("Lighthouse", "a lighthouse at dusk")
    qtbot.waitUntil(lambda: window.statusBar().currentMessage().startswith("No photo matches “Lighthouse”"),
                    timeout=WAIT_MS)


def test_stopping_a_defined_tag_from_its_menu_leaves_only_the_photos_tagged_by_hand(
    qtbot, make_window, open_library, tmp_path
) -> None:
    library, _ = heartless_library(open_library, tmp_path)
    library.define_tag("heart", "a heart")
    library.update_tags()
    mine = next(pid for pid in library.photos_by_date() if pid not in library.tagged("heart"))
    library.add_tag([mine], "heart")
    window = make_window(library, worker=True)
    qtbot.waitUntil(lambda: window.sidebar.defined_prompt("heart") == "a heart", timeout=WAIT_MS)
    assert count_of(window, "heart") == len(library.tagged("heart")) > 1
    other = next(name for name, _ in library.tags() if name != "heart")
    assert menu_action(window, other, "forget_tag") is None  # only the user's own tags can be stopped
    assert menu_action(window, other, "new_tag").isEnabled()

    stop = menu_action(window, "heart", "forget_tag")
    assert stop.text() == "Stop giving this tag automatically" and stop.isEnabled()
    stop.trigger()
    qtbot.waitUntil(lambda: library.defined_tags() == [], timeout=WAIT_MS)
    qtbot.waitUntil(lambda: count_of(window, "heart") == 1, timeout=WAIT_MS)
    assert library.tagged("heart") == [mine]
    assert window.sidebar.defined_prompt("heart") is None and menu_action(window, "heart", "forget_tag") is None
    assert tag_icon_key(window, "heart") == tag_icon_key(window, other)


def type_new_names(qtbot, monkeypatch, typed: str) -> list[tuple[str, str]]:
    """Answer each rename dialog by typing `typed` over its name; returns what each asked and
    the name it started from."""
    asked: list[tuple[str, str]] = []

    def type_in(dialog: QInputDialog) -> int:
        assert dialog.objectName() == "RenameTagDialog"
        asked.append((dialog.labelText(), dialog.textValue()))
        field = dialog.findChild(QLineEdit)
        field.selectAll()
        qtbot.keyClicks(field, typed)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(QInputDialog, "exec", type_in)
    return asked


def test_renaming_a_mistyped_tag_from_its_menu_renames_it_on_every_photo_and_its_page_follows(
    qtbot, make_window, library, monkeypatch
) -> None:
    mine = library.photos_by_date()[:3]
    library.add_tag(mine, "holidya")
    window = make_window(library, worker=True)
    click_tag(qtbot, window, "holidya")
    given_by_model = next(name for name, _ in library.tags() if name != "holidya")
    assert not menu_action(window, given_by_model, "rename_tag").isEnabled()  # the vocabulary's: not the user's
    assert not menu_action(window, given_by_model, "delete_tag").isEnabled()
    rename = menu_action(window, "holidya", "rename_tag")
    assert rename.text() == "Rename tag…" and rename.isEnabled()
    asked = type_new_names(qtbot, monkeypatch, " Holiday")
    rename.trigger()
    assert asked == [("Rename “holidya” to:", "holidya")]
    qtbot.waitUntil(lambda: window.statusBar().currentMessage() == "Renamed “holidya” to “Holiday” on 3 photos.",
                    timeout=WAIT_MS)
    assert set(library.tagged("holiday")) == set(mine)
    qtbot.waitUntil(lambda: count_of(window, "holiday") == 3 and window.sidebar.tag_item("holidya") is None,
                    timeout=WAIT_MS)
    assert window.view.kind == "tag" and window.view.tag == "holiday" and window.sidebar.current_tag() == "holiday"
    qtbot.waitUntil(lambda: window.sidebar.tag_item("holiday").text(0) == "Holiday", timeout=WAIT_MS)
    assert window.title_label.text() == "Holiday" and library.shown_tag("holiday") == "Holiday"
    qtbot.waitUntil(lambda: settled(window) and set(window.model.ids) == set(mine), timeout=WAIT_MS)

    window.rename_tag(given_by_model, "shape")  # the engine refuses, and says why where errors show
    qtbot.waitUntil(lambda: window.error_banner.isVisible(), timeout=WAIT_MS)
    assert "is a tag the vocabulary gives, not one you gave or defined" in window.error_banner.text.text()


def test_deleting_a_tag_of_one_photo_asks_in_the_singular(qtbot, make_window, library, monkeypatch) -> None:
    library.add_tag(library.photos_by_date()[:1], "Grandma Rose")
    window = make_window(library, worker=True)
    click_tag(qtbot, window, "grandma rose")
    asked = answer_questions(monkeypatch, False)
    menu_action(window, "grandma rose", "delete_tag").trigger()
    qtbot.waitUntil(lambda: len(asked) == 1, timeout=WAIT_MS)
    assert asked[0] == ("Take “Grandma Rose” off its photo?\n\nThe photo stays; only the tag goes.", "Delete tag")


def test_deleting_a_tag_asks_first_then_takes_it_off_its_photos_and_goes_back_to_the_library(
    qtbot, make_window, library, monkeypatch
) -> None:
    mine = library.photos_by_date()[:2]
    library.add_tag(mine, "holiday")
    window = make_window(library, worker=True)
    click_tag(qtbot, window, "holiday")
    asked = answer_questions(monkeypatch, False, True)
    delete = menu_action(window, "holiday", "delete_tag")
    assert delete.text() == "Delete tag…" and delete.isEnabled()
    delete.trigger()
    qtbot.waitUntil(lambda: len(asked) == 1, timeout=WAIT_MS)
    assert asked[0] == ("Take “holiday” off its 2 photos?\n\nThe photos stay; only the tag goes.", "Delete tag")
    qtbot.wait(200)
    assert set(library.tagged("holiday")) == set(mine)  # cancelled
    delete.trigger()
    qtbot.waitUntil(lambda: window.statusBar().currentMessage() == "Took “holiday” off 2 photos.", timeout=WAIT_MS)
    assert library.tagged("holiday") == []
    qtbot.waitUntil(lambda: window.sidebar.tag_item("holiday") is None, timeout=WAIT_MS)
    assert window.view.kind == "library" and window.sidebar.tree.currentItem() is window.sidebar.all_photos


def choose_in_settings(monkeypatch, window, act) -> None:
    """Open the settings dialog, let `act(dialog)` use it and say how it closed."""
    monkeypatch.setattr(settings_dialog.SettingsDialog, "exec", act)
    window.open_settings()


def test_a_vocabulary_file_chosen_in_settings_retags_the_library_and_the_sidebar_follows(
    qtbot, make_window, open_library, monkeypatch, tmp_path
) -> None:
    library = shapes_library(open_library, tmp_path)
    assert "heart" in dict(library.tags())
    window = make_window(library, worker=True)
    qtbot.waitUntil(lambda: sidebar_tags(window) == library.tags(), timeout=WAIT_MS)
    fewer = shapes_vocabulary(tmp_path / "fewer.txt", without=("heart",))
    monkeypatch.setattr(settings_dialog, "pick_vocabulary_file", lambda *args: str(fewer))

    def choose_file(dialog: settings_dialog.SettingsDialog) -> int:
        assert dialog.vocabulary_label.text() == "Vocabulary: shapes.txt"
        qtbot.mouseClick(dialog.choose_vocabulary, Qt.MouseButton.LeftButton)
        assert dialog.vocabulary_label.text() == "Vocabulary: fewer.txt"
        assert not dialog.vocabulary_error.isVisibleTo(dialog)
        return QDialog.DialogCode.Accepted

    choose_in_settings(monkeypatch, window, choose_file)
    qtbot.waitUntil(lambda: window.library is not library, timeout=WAIT_MS)  # reopened, like a model change
    assert window.library.settings.vocabulary == str(fewer.resolve())
    assert config.load_settings(library.directory).vocabulary == str(fewer.resolve())
    qtbot.waitUntil(lambda: sidebar_tags(window) and "heart" not in dict(sidebar_tags(window)), timeout=60_000)
    qtbot.waitUntil(lambda: sidebar_tags(window) == window.library.tags(), timeout=WAIT_MS)
    assert set(dict(sidebar_tags(window))) <= set(SHAPES) - {"heart"}
    shapes_tags = set(dict(sidebar_tags(window)))

    def use_photoclips(dialog: settings_dialog.SettingsDialog) -> int:
        assert dialog.default_vocabulary.isEnabled()
        qtbot.mouseClick(dialog.default_vocabulary, Qt.MouseButton.LeftButton)
        assert dialog.vocabulary_label.text() == "Vocabulary: photoclip's everyday labels"
        assert not dialog.default_vocabulary.isEnabled()  # it is photoclip's already
        return QDialog.DialogCode.Accepted

    reopened = window.library
    choose_in_settings(monkeypatch, window, use_photoclips)
    qtbot.waitUntil(lambda: window.library is not reopened, timeout=WAIT_MS)
    assert window.library.settings.vocabulary is None and config.load_settings(library.directory).vocabulary is None
    qtbot.waitUntil(lambda: set(dict(sidebar_tags(window))) != shapes_tags, timeout=60_000)
    qtbot.waitUntil(lambda: sidebar_tags(window) == window.library.tags(), timeout=WAIT_MS)


def test_a_broken_vocabulary_file_is_refused_in_settings_with_its_reason_and_nothing_changes(
    qtbot, make_window, open_library, monkeypatch, tmp_path
) -> None:
    library = shapes_library(open_library, tmp_path)
    before = config.load_settings(library.directory)
    window = make_window(library)
    broken = tmp_path / "broken.txt"
    broken.write_text("@prompt no placeholder\nstar\n", encoding="utf-8")
    monkeypatch.setattr(settings_dialog, "pick_vocabulary_file", lambda *args: str(broken))
    seen: list[str] = []

    def choose_broken(dialog: settings_dialog.SettingsDialog) -> int:
        assert not dialog.vocabulary_error.isVisibleTo(dialog)
        qtbot.mouseClick(dialog.choose_vocabulary, Qt.MouseButton.LeftButton)
        seen.append(dialog.vocabulary_error.text())
        assert dialog.vocabulary_error.isVisibleTo(dialog)
        assert dialog.vocabulary_label.text() == "Vocabulary: shapes.txt"
        assert dialog.settings() == before
        return QDialog.DialogCode.Accepted

    choose_in_settings(monkeypatch, window, choose_broken)
    assert seen == ["broken.txt, line 1: a @prompt needs one {} where the tag goes, e.g. \"a photo of {}.\""]
    assert window.library is library  # nothing changed, nothing reopened
    assert config.load_settings(library.directory) == before and library.settings.vocabulary == before.vocabulary

    (tmp_path / "shapes.txt").write_text("star = \n", encoding="utf-8")  # the file in use, broken since
    dialog = settings_dialog.SettingsDialog(config.load_settings(library.directory), window)
    assert dialog.vocabulary_error.isVisibleTo(dialog) and "shapes.txt, line 1" in dialog.vocabulary_error.text()
    dialog.deleteLater()


def test_a_read_only_window_cannot_define_or_stop_tags_nor_change_the_vocabulary(
    qtbot, make_window, open_library, monkeypatch, tmp_path
) -> None:
    library = shapes_library(open_library, tmp_path)
    library.define_tag("heart", "a heart")
    library.update_tags()
    reader = Library.open(tmp_path / "library", model="photoclip-tiny", read_only=True)
    try:
        window = make_window(reader, worker=True)
        qtbot.waitUntil(lambda: window.sidebar.defined_prompt("heart") == "a heart", timeout=WAIT_MS)
        assert not window.sidebar.new_tag_button.isEnabled()
        assert not menu_action(window, "heart", "forget_tag").isEnabled()
        assert not menu_action(window, "heart", "new_tag").isEnabled()
        window.new_tag()
        assert window.findChild(NewTagDialog) is None and "read-only" in window.error_banner.text.text()
        states: list[tuple[bool, bool]] = []

        def look(dialog: settings_dialog.SettingsDialog) -> int:
            states.append((dialog.choose_vocabulary.isEnabled(), dialog.default_vocabulary.isEnabled()))
            return QDialog.DialogCode.Rejected

        choose_in_settings(monkeypatch, window, look)
        assert states == [(False, False)]
        assert library.defined_tags() == [("heart", "a heart")]
    finally:
        window.shutdown()
        reader.close()


def test_a_long_tag_list_shows_the_most_used_tags_and_opens_to_all_of_them(qtbot, sidebar) -> None:
    tags = [(f"keyword {i:02d}", 100 - i) for i in range(40)]
    sidebar.set_tags(tags)

    def shown() -> list[str]:
        return [item.text(0) for item in sidebar.tag_items() if not item.isHidden()]

    def click_more() -> None:
        sidebar.tree.scrollToItem(sidebar.more_tags)
        rect = sidebar.tree.visualItemRect(sidebar.more_tags)
        qtbot.mouseClick(sidebar.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())

    assert shown() == [name for name, _ in tags[:TAGS_SHOWN]]
    assert not sidebar.more_tags.isHidden() and sidebar.more_tags.text(0) == "Show all 40 tags"
    click_more()
    assert shown() == [name for name, _ in tags] and sidebar.more_tags.text(0) == "Show fewer tags"
    click_more()
    assert len(shown()) == TAGS_SHOWN
    sidebar.select_tag("keyword 30")
    sidebar.set_tags(tags[:39])  # the list comes again, the selected tag stays in sight
    assert "keyword 30" in shown() and sidebar.current_tag() == "keyword 30"
    assert sidebar.more_tags.text(0) == "Show all 39 tags"
    sidebar.set_tags(tags[:3])
    assert len(shown()) == 3 and sidebar.more_tags.isHidden()


def test_renaming_onto_a_tag_there_is_takes_enter_in_the_suggestions_asks_to_merge_and_counts_right(
    qtbot, make_window, library, monkeypatch
) -> None:
    """Enter picked the suggestion and left the dialog open; the merge was not asked; the status said
    "on 5 photos" of the 1 photo that had the renamed tag."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    ids = library.photos_by_date()
    library.add_tag(ids[:4], "redball")
    library.add_tag(ids[4:5], "holiday trip")
    window = make_window(library, worker=True)
    qtbot.waitUntil(lambda: count_of(window, "redball") == 4 and count_of(window, "holiday trip") == 1,
                    timeout=WAIT_MS)
    asked = answer_questions(monkeypatch, False, True)
    seen: list[bool] = []

    def type_onto_redball() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QInputDialog):
            QTimer.singleShot(20, type_onto_redball)
            return
        field = dialog.findChild(QLineEdit)
        field.selectAll()
        qtbot.keyClicks(field, "redb")
        popup = field.completer().popup()
        seen.append(popup.isVisible())
        qtbot.keyClick(popup, Qt.Key.Key_Down)  # the suggestion
        qtbot.keyClick(popup, Qt.Key.Key_Return)  # where the key goes while the suggestions show
        if dialog.isVisible():  # Enter did not accept: fail, not wait forever
            seen.append("still open")
            dialog.reject()

    for _ in range(2):
        QTimer.singleShot(0, type_onto_redball)
        menu_action(window, "holiday trip", "rename_tag").trigger()  # returns once the dialog has closed
    assert seen == [True, True]
    question = ("“redball” is a tag already. Merge “holiday trip” into it?\n\n“holiday trip” is on 1 photo, "
                "“redball” on 4 photos. Merged, the photos tagged “holiday trip” are tagged “redball” instead, "
                "and the two can no longer be told apart.")
    assert asked == [(question, "Merge tags")] * 2
    qtbot.waitUntil(lambda: window.statusBar().currentMessage()
                    == "Merged “holiday trip” into “redball”: 1 photo retagged, 5 photos tagged “redball” now.",
                    timeout=WAIT_MS)
    assert set(library.tagged("redball")) == set(ids[:5]) and library.tagged("holiday trip") == []


def test_deleting_a_tag_says_what_goes_for_its_kind_and_does_just_that(
    qtbot, make_window, open_library, tmp_path, monkeypatch
) -> None:
    """It said a tag photoclip gives by itself stays, and then took a defined tag off every photo."""
    library, _ = heartless_library(open_library, tmp_path)
    library.define_tag("heart", "a heart")
    library.update_tags()
    by_hand = next(pid for pid in library.photos_by_date() if pid not in library.tagged("heart"))
    library.add_tag([by_hand], "heart")
    hearts = len(library.tagged("heart"))
    circles = set(library.tagged("circle"))
    mine = next(pid for pid in library.photos_by_date() if pid not in circles)
    library.add_tag([mine], "circle")  # a tag the vocabulary gives too, given by hand to one more photo
    window = make_window(library, worker=True)
    qtbot.waitUntil(lambda: window.sidebar.defined_prompt("heart") == "a heart"
                    and count_of(window, "circle") == len(circles) + 1, timeout=WAIT_MS)
    asked = answer_questions(monkeypatch, True)

    menu_action(window, "heart", "delete_tag").trigger()
    qtbot.waitUntil(lambda: len(asked) == 1, timeout=WAIT_MS)
    assert asked[0] == (f"Take “heart” off its {hearts} photos and stop giving it?\n\nphotoclip stops giving it to "
                        "photos that look like ‘a heart’, and it goes from every photo: those photoclip gave it to "
                        "and those you tagged by hand. The photos stay.", "Delete tag")
    qtbot.waitUntil(lambda: window.statusBar().currentMessage() == f"Took “heart” off {hearts} photos.",
                    timeout=WAIT_MS)
    assert library.tagged("heart") == [] and library.defined_tags() == []

    menu_action(window, "circle", "delete_tag").trigger()
    qtbot.waitUntil(lambda: len(asked) == 2, timeout=WAIT_MS)
    assert asked[1] == ("Take “circle” off the photos you gave it?\n\nThe photos stay. photoclip gives “circle” by "
                        "itself too, from its vocabulary: the photos it gave it to keep it.", "Delete tag")
    qtbot.waitUntil(lambda: window.statusBar().currentMessage() == "Took “circle” off 1 photo.", timeout=WAIT_MS)
    assert set(library.tagged("circle")) == circles


def test_enter_on_a_suggested_tag_in_the_preview_adds_it(qtbot, make_window, library) -> None:
    """Enter took the suggestion into the field only; a second Enter was needed to add it."""
    window = make_window(library, worker=True)
    qtbot.waitUntil(lambda: sidebar_tags(window) == library.tags(), timeout=WAIT_MS)
    tag = library.tags()[0][0]
    photo = next(pid for pid in library.photos_by_date(0, 100) if tag not in shown_tags(library, pid))
    open_preview_of(qtbot, window, photo)
    field = window.preview.tags.field
    qtbot.mouseClick(field, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(field, tag[:-1])
    popup = field.completer().popup()
    assert popup.isVisible()
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    assert not popup.isVisible() and field.text() == ""
    qtbot.waitUntil(lambda: PhotoTag(tag, "user", 1.0) in library.photo_tags(photo), timeout=WAIT_MS)
    assert window.pages.currentWidget() is window.preview


# ---------------------------------------------------------------- tags shown as the user wrote them


def chip_text(window, tag: str) -> str | None:
    chip = window.preview.tags.chips.get(tag)
    return None if chip is None else chip.name.text()


def test_a_tag_written_grandma_rose_is_shown_so_in_the_sidebar_header_and_preview_and_opens_its_photos(
    qtbot, make_window, library
) -> None:
    """The GUI showed the key, "grandma rose", everywhere the CLI showed "Grandma Rose"."""
    mine = library.photos_by_date()[:3]
    library.add_tag(mine, "Grandma Rose")
    window = make_window(library)
    qtbot.waitUntil(lambda: window.sidebar.tag_item("grandma rose") is not None, timeout=WAIT_MS)
    item = window.sidebar.tag_item("grandma rose")
    assert item.text(0) == "Grandma Rose" and item.toolTip(0) == "3 photos tagged “Grandma Rose”"
    assert "grandma rose" not in sidebar_names(window)

    click_tag(qtbot, window, "grandma rose")  # picked by its key, which the view keeps
    assert set(window.model.ids) == set(mine) == set(library.tagged("grandma rose"))
    assert window.title_label.text() == "Grandma Rose"
    assert window.search_field.placeholderText() == "Search the photos tagged “Grandma Rose”…"
    qtbot.keyClicks(window.search_field, "a red circle")
    qtbot.waitUntil(lambda: window.view.kind == "search" and settled(window), timeout=WAIT_MS)
    assert window.view.tag == "grandma rose"
    assert window.subtitle_label.text().startswith("3 photos tagged “Grandma Rose”")
    window.search_field.clear()
    qtbot.waitUntil(lambda: window.view.kind == "tag" and settled(window), timeout=WAIT_MS)

    open_preview_of(qtbot, window, mine[0])
    qtbot.waitUntil(lambda: chip_shown(window, "grandma rose"), timeout=WAIT_MS)
    chip = window.preview.tags.chips["grandma rose"]
    assert chip.name.text() == "Grandma Rose" and chip.remove.toolTip() == "Take “Grandma Rose” off this photo"
    assert "Grandma Rose" in window.preview.tags._names.stringList()  # what the add field completes
    assert "grandma rose" not in window.preview.tags._names.stringList()
    window.show_view(View("library"))  # a chip of a photo seen in all photos opens its tag too
    qtbot.waitUntil(lambda: window.view.kind == "library" and settled(window), timeout=WAIT_MS)
    window.open_preview(window.model.index(window.model.row_of(mine[0]), 0))
    qtbot.waitUntil(lambda: chip_shown(window, "grandma rose"), timeout=WAIT_MS)
    qtbot.mouseClick(window.preview.tags.chips["grandma rose"].name, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.view.kind == "tag" and settled(window), timeout=WAIT_MS)
    assert window.view.tag == "grandma rose" and set(window.model.ids) == set(mine)
    assert window.sidebar.current_tag() == "grandma rose" and window.title_label.text() == "Grandma Rose"


def test_typing_a_tag_in_another_case_in_the_preview_gives_the_same_tag_which_keeps_its_spelling(
    qtbot, make_window, library
) -> None:
    ids = library.photos_by_date()
    library.add_tag(ids[:2], "Grandma Rose")
    window = make_window(library, worker=True)
    qtbot.waitUntil(lambda: count_of(window, "grandma rose") == 2, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: settled(window), timeout=WAIT_MS)
    open_preview_of(qtbot, window, ids[2])
    field = window.preview.tags.field
    qtbot.mouseClick(field, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(field, "grandma rose")
    popup = field.completer().popup()
    assert popup.isVisible() and field.completer().currentCompletion() == "Grandma Rose"
    qtbot.keyClick(popup, Qt.Key.Key_Return)  # no suggestion picked: the text as typed
    qtbot.waitUntil(lambda: PhotoTag("grandma rose", "user", 1.0) in library.photo_tags(ids[2]), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: count_of(window, "grandma rose") == 3, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: chip_shown(window, "grandma rose"), timeout=WAIT_MS)
    assert chip_text(window, "grandma rose") == "Grandma Rose"  # the first spelling stays
    assert library.shown_tag("grandma rose") == "Grandma Rose"
    assert [name for name in sidebar_names(window) if name.lower() == "grandma rose"] == ["Grandma Rose"]
    assert [key for key, _ in sidebar_tags(window)].count("grandma rose") == 1


def test_renaming_a_tag_to_itself_in_another_case_from_its_menu_respells_it(
    qtbot, make_window, library, monkeypatch
) -> None:
    """The GUI sent the new name in lower case, so the engine refused it as the name the tag has."""
    mine = library.photos_by_date()[:3]
    library.add_tag(mine, "grandma rose")
    window = make_window(library, worker=True)
    click_tag(qtbot, window, "grandma rose")
    asked = type_new_names(qtbot, monkeypatch, "Grandma Rose")
    menu_action(window, "grandma rose", "rename_tag").trigger()
    assert asked == [("Rename “grandma rose” to:", "grandma rose")]
    qtbot.waitUntil(lambda: window.statusBar().currentMessage()
                    == "Renamed “grandma rose” to “Grandma Rose” on 3 photos.", timeout=WAIT_MS)
    assert library.shown_tag("grandma rose") == "Grandma Rose" and set(library.tagged("grandma rose")) == set(mine)
    qtbot.waitUntil(lambda: window.sidebar.tag_item("grandma rose").text(0) == "Grandma Rose", timeout=WAIT_MS)
    assert window.view.tag == "grandma rose" and window.title_label.text() == "Grandma Rose"
    assert window.sidebar.current_tag() == "grandma rose" and not window.error_banner.isVisible()

    asked.clear()
    menu_action(window, "grandma rose", "rename_tag").trigger()  # the dialog starts from the spelling
    assert asked == [("Rename “Grandma Rose” to:", "Grandma Rose")]
    qtbot.wait(300)
    assert not window.error_banner.isVisible() and library.shown_tag("grandma rose") == "Grandma Rose"  # as it was


def test_an_album_line_shows_its_tags_as_written(qtbot, make_window, open_library, tmp_path: Path) -> None:
    rng = random.Random(5)
    pictures = tmp_path / "Pictures"
    write_scenes(pictures / "Visit", [random_scene(rng) for _ in range(4)], size=192)
    write_scenes(pictures / "Other", [random_scene(rng) for _ in range(3)], size=192)
    library = open_library()
    library.index([pictures])
    visit = [pid for pid, p in library.photos(library.photos_by_date()).items() if p.path.parent.name == "Visit"]
    library.add_tag(visit, "Grandma Rose")
    assert "grandma rose" in dict(next(a for a in library.albums() if a.folder.name == "Visit").tags)
    window = make_window(library)
    qtbot.waitUntil(lambda: "Album tags: " in "".join(i.toolTip(0) for i in window.sidebar.album_items()),
                    timeout=WAIT_MS)
    item = next(i for i in window.sidebar.album_items() if i.text(0) == "Visit")
    qtbot.waitUntil(lambda: "Album tags: Grandma Rose" in item.toolTip(0), timeout=WAIT_MS)
    window.sidebar.tree.setCurrentItem(item)
    qtbot.waitUntil(lambda: window.view.kind == "album" and settled(window), timeout=WAIT_MS)
    assert "Album tags: Grandma Rose" in window.subtitle_label.text()


def test_merging_a_tag_onto_the_same_photos_says_it_merged(qtbot, make_window, library, monkeypatch) -> None:
    """Renamed onto a tag its photo had already, the status bar said "Renamed “a” to “b” on 1
    photo." after the user had agreed to a merge."""
    ids = library.photos_by_date()
    library.add_tag(ids[:1], "beach")
    library.add_tag(ids[:1], "seaside")
    window = make_window(library, worker=True)
    qtbot.waitUntil(lambda: count_of(window, "beach") == 1 and count_of(window, "seaside") == 1, timeout=WAIT_MS)
    answer_questions(monkeypatch, True)
    window.rename_tag("beach", "seaside")
    qtbot.waitUntil(lambda: window.statusBar().currentMessage()
                    == "Merged “beach” into “seaside”: 1 photo retagged, 1 photo tagged “seaside” now.",
                    timeout=WAIT_MS)


def test_the_new_tag_dialog_grows_to_show_its_whole_hint_at_a_large_font(qtbot) -> None:
    """At 16 points the hint about a tag of one's own (four lines) was cut: the dialog kept its size."""
    from PySide6.QtGui import QFont

    from photoclip.gui.app import make_app

    app = make_app()
    usual = QFont(app.font())
    font = QFont(usual)
    font.setPointSizeF(16)
    app.setFont(font)
    make_app()
    try:
        dialog = NewTagDialog({"grandma's red things": "a red circle drawn on paper by a child"}, None,
                              {"grandma's red things": "Grandma's red things"})
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        qtbot.keyClicks(dialog.name, "grandma's red things")
        QApplication.processEvents()
        hint = dialog.hint
        assert "already a tag of yours" in hint.text()
        assert hint.height() >= hint.heightForWidth(hint.width())
        assert hint.geometry().bottom() < dialog.buttons.geometry().top()
        dialog.name.setText("x" * 90)
        dialog.ok_button.click()
        QApplication.processEvents()
        assert dialog.error.isVisible() and dialog.error.height() >= dialog.error.heightForWidth(dialog.error.width())
        assert dialog.hint.geometry().bottom() < dialog.buttons.geometry().top()
    finally:
        app.setFont(usual)
        make_app()
