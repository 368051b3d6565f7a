"""Search as you type: debounced, off the GUI thread, stale answers dropped, scores on hover."""

from __future__ import annotations

import dataclasses
import os
import shutil
import threading
import time
from datetime import date, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QApplication

from photoclip import config
from photoclip.gui import main_window
from photoclip.gui.grid import PhotoIdRole, ScoreRole
from photoclip.gui.main_window import SEARCH_LIMIT, scope_left_none
from photoclip.gui.sidebar import CountRole
from photoclip.search import QueryScope
from photoclip.when import extract_period
from tests.gui_support import WAIT_MS, make_window, red_circle_folder, settled  # noqa: F401
from tests.helpers import located_photo, write_photo


@pytest.fixture
def indexed(open_library, tmp_path: Path):
    folder = tmp_path / "photos"
    scenes = red_circle_folder(folder)
    library = open_library()
    library.index([folder])
    return library, scenes


def wait_for_results(qtbot, window, text: str) -> None:
    qtbot.waitUntil(lambda: window.view.kind == "search" and window.view.text == text and settled(window),
                    timeout=WAIT_MS)


def test_typing_a_red_circle_shows_the_photos_with_a_red_circle_first(qtbot, make_window, indexed) -> None:
    library, scenes = indexed
    window = make_window(library)
    qtbot.keyClicks(window.search_field, "a red circle")
    wait_for_results(qtbot, window, "a red circle")
    by_id = {library.photo(pid).path: pid for pid in window.model.ids}
    red = {by_id[path] for path, scene in scenes.items() if scene.has("red", "circle")}
    top = window.model.ids[: len(red)]
    assert len(red & set(top)) >= len(red) - 1, [library.photo(p).path.name for p in top]
    assert window.model.ids[0] in red
    assert window.title_label.text() == "“a red circle”"


def test_a_query_of_one_long_word_does_not_widen_the_window(qtbot, make_window, indexed) -> None:
    library, _ = indexed
    window = make_window(library)
    window.resize(800, 520)
    word = "IMG_20190116_051500_small_copy_from_whatsapp_backup_of_the_old_laptop_" * 3
    window.search_field.setText(word)
    wait_for_results(qtbot, window, word)
    qtbot.wait(100)  # the layouts take in the title
    assert window.title_label.text() == f"“{word[:120]}…”" and window.width() == 800
    assert window.minimumSizeHint().width() <= 800


def test_a_pasted_paragraph_is_quoted_in_the_title_up_to_a_word_and_leaves_room_for_the_results(
    qtbot, make_window, indexed
) -> None:
    """1,400 characters pasted filled 60% of the page with the title, and cut it off mid-line in a small window."""
    library, _ = indexed
    window = make_window(library)
    window.resize(800, 560)
    paragraph = ("The little boat with the red sail drifted past the old harbour wall at dusk, " * 18).strip()
    window.search_field.setText(paragraph)
    wait_for_results(qtbot, window, paragraph)
    title = window.title_label.text()
    assert title.startswith("“The little boat with the red sail") and title.endswith(" the red sail drifted…”")
    assert len(title) <= 123 and window.search_field.text() == paragraph


def test_what_is_typed_at_start_goes_to_the_search_field(qtbot, make_window, indexed) -> None:
    """Not to the sidebar's "Add folder…" (first in the tab order), where Enter opened the picker."""
    library, _ = indexed
    window = make_window(library)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None, timeout=WAIT_MS)
    assert QApplication.focusWidget() is window.search_field
    qtbot.keyClicks(QApplication.focusWidget(), "a red circle")
    wait_for_results(qtbot, window, "a red circle")


def test_letters_typed_in_the_grid_start_a_new_search(qtbot, make_window, indexed) -> None:
    """Not a jump to a photo whose file name starts with them."""
    library, _ = indexed
    window = make_window(library)
    qtbot.keyClicks(window.search_field, "a blue square")
    wait_for_results(qtbot, window, "a blue square")
    window.activateWindow()
    window.grid.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.grid, timeout=WAIT_MS)
    qtbot.keyClick(window.grid, "r")
    assert QApplication.focusWidget() is window.search_field and window.search_field.text() == "r"
    qtbot.keyClicks(window.search_field, "ed circle")
    wait_for_results(qtbot, window, "red circle")


def test_esc_from_photos_like_a_search_result_goes_back_to_the_search(qtbot, make_window, indexed) -> None:
    library, _ = indexed
    window = make_window(library)
    qtbot.keyClicks(window.search_field, "a red circle")
    wait_for_results(qtbot, window, "a red circle")
    found = list(window.model.ids)
    window.find_similar(found[0])
    qtbot.waitUntil(lambda: window.view.kind == "similar" and settled(window), timeout=WAIT_MS)
    window.escape()
    wait_for_results(qtbot, window, "a red circle")
    assert window.search_field.text() == "a red circle" and window.model.ids == found
    window.escape()  # clears the field
    window.escape()
    qtbot.waitUntil(lambda: window.view.kind == "library", timeout=WAIT_MS)


def test_the_search_runs_once_after_typing_stops_and_never_on_the_gui_thread(qtbot, make_window, indexed) -> None:
    library, _ = indexed
    window = make_window(library)
    calls: list[tuple[str, bool]] = []
    real = library.search_scoped

    def spy(query: str, limit: int = 20, **scope):
        calls.append((query, threading.current_thread() is threading.main_thread()))
        return real(query, limit, **scope)

    library.search_scoped = spy  # type: ignore[method-assign]
    qtbot.keyClicks(window.search_field, "a blue square")
    wait_for_results(qtbot, window, "a blue square")
    assert calls == [("a blue square", False)]


def test_a_slow_older_search_never_replaces_a_newer_one(qtbot, make_window, indexed) -> None:
    library, _ = indexed
    window = make_window(library)
    real = library.search_scoped
    release = threading.Event()

    def slow_for_squares(query: str, limit: int = 20, **scope):
        if "square" in query:
            release.wait(10)  # answers only after the newer query has been shown
        return real(query, limit, **scope)

    library.search_scoped = slow_for_squares  # type: ignore[method-assign]
    window.search_field.setText("a blue square")
    window._search_return()  # Enter: search now
    window.search_field.setText("a red circle")
    window._search_return()
    wait_for_results(qtbot, window, "a red circle")
    expected = [h.photo_id for h in real("a red circle", SEARCH_LIMIT)[0]]
    release.set()
    time.sleep(0.2)
    qtbot.wait(200)  # the stale answer arrives now, and must be dropped
    assert window.model.ids == expected
    assert window.view.text == "a red circle"


def test_hovering_a_result_shows_its_match_score(qtbot, make_window, indexed) -> None:
    library, _ = indexed
    window = make_window(library)
    qtbot.keyClicks(window.search_field, "a red circle")
    wait_for_results(qtbot, window, "a red circle")
    best = library.search("a red circle", 1)[0]
    index = window.model.index(0, 0)
    assert index.data(PhotoIdRole) == best.photo_id
    tip = index.data(Qt.ItemDataRole.ToolTipRole)
    assert f"Match: {best.score:.3f}" in tip and best.path.name in tip


def test_an_empty_query_shows_the_library_by_date_and_esc_gets_there(qtbot, make_window, indexed) -> None:
    library, _ = indexed
    window = make_window(library)
    qtbot.waitUntil(lambda: window.model.rowCount() == 20, timeout=WAIT_MS)
    assert window.model.ids == library.photos_by_date(0, 100)
    qtbot.keyClicks(window.search_field, "a red circle")
    wait_for_results(qtbot, window, "a red circle")
    qtbot.keyClick(window.search_field, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.view.kind == "library" and settled(window), timeout=WAIT_MS)
    assert window.search_field.text() == ""
    assert window.model.ids == library.photos_by_date(0, 100)
    assert window.title_label.text() == "All photos"


def test_a_search_with_date_words_says_the_period_in_its_header(qtbot, make_window, open_library, tmp_path) -> None:
    folder = tmp_path / "photos"
    scenes = red_circle_folder(folder)
    in_2019 = sorted(path for path, scene in scenes.items() if scene.has("red", "circle"))[:3]
    for path in in_2019:  # no EXIF date in these: the file's date is when they were taken
        os.utime(path, (datetime(2019, 7, 1, 12).timestamp(),) * 2)
    library = open_library()
    library.index([folder])
    window = make_window(library)

    qtbot.keyClicks(window.search_field, "a red circle in 2019")
    wait_for_results(qtbot, window, "a red circle in 2019")
    assert {library.photo(pid).path for pid in window.model.ids} == {p.resolve() for p in in_2019}
    assert window.title_label.text() == "“a red circle in 2019”"
    assert window.subtitle_label.text() == "Taken 1 Jan 2019 to 31 Dec 2019 (in 2019)  ·  3 photos, best match first"

    window.search_field.setText("in 2019")  # nothing but dates: that year's photos, newest first
    wait_for_results(qtbot, window, "in 2019")
    assert window.subtitle_label.text() == "Taken 1 Jan 2019 to 31 Dec 2019 (in 2019)  ·  3 photos, newest first"

    window.search_field.setText("a red circle in 1990")  # no order to speak of among none
    wait_for_results(qtbot, window, "a red circle in 1990")
    assert window.subtitle_label.text() == "Taken 1 Jan 1990 to 31 Dec 1990 (in 1990)  ·  0 photos"
    assert window.grid.empty_state()[1:] == ("No photos taken in 1990",
                                             "Leave out “in 1990” to search all your photos.")
    window.search_field.setText("a red circle from 1990")  # as it reads after "taken", but left out as typed
    wait_for_results(qtbot, window, "a red circle from 1990")
    assert window.subtitle_label.text() == "Taken 1 Jan 1990 to 31 Dec 1990 (in 1990)  ·  0 photos"
    assert window.grid.empty_state()[1:] == ("No photos taken in 1990",
                                             "Leave out “from 1990” to search all your photos.")
    window.search_field.setText("a red circle in july")  # every July, not only this year's
    wait_for_results(qtbot, window, "a red circle in july")
    assert window.subtitle_label.text() == "Taken in July of any year (in july)  ·  3 photos, best match first"

    window.search_field.setText("a red circle")
    wait_for_results(qtbot, window, "a red circle")
    assert window.subtitle_label.text() == "20 photos, best match first"


def scrolled_to_the_end(qtbot, window) -> None:
    """The grid scrolled to its last photos, as the user does to see more."""
    bar = window.grid.verticalScrollBar()
    assert bar.maximum() > 0, "the first page must not fit the grid, or it asks for more by itself"
    bar.setValue(bar.maximum())


@pytest.fixture
def small_pages(qtbot, make_window, indexed, monkeypatch):
    """A window of 800 x 560 whose searches list their best 12 photos first (of 20: more than fit)."""
    monkeypatch.setattr(main_window, "SEARCH_LIMIT", 12)
    library, _ = indexed
    window = make_window(library)
    window.resize(800, 560)
    qtbot.waitUntil(lambda: window.size().height() == 560, timeout=WAIT_MS)
    return library, window


def test_results_cut_at_the_limit_say_they_are_the_best_of_more_and_scrolling_lists_the_rest(
    qtbot, small_pages
) -> None:
    """A search stopped at 400 photos ("The 400 best matches"), and scrolling to the end loaded no
    more: Immich's users scroll on through every result."""
    library, window = small_pages
    qtbot.keyClicks(window.search_field, "a red circle")
    wait_for_results(qtbot, window, "a red circle")
    assert window.model.rowCount() == 12 and window.subtitle_label.text() == "The 12 best matches"
    first = window.model.ids
    window.grid.setCurrentIndex(window.model.index(1, 0))
    window.grid.selectionModel().select(window.model.index(3, 0), QItemSelectionModel.SelectionFlag.Select)

    scrolled_to_the_end(qtbot, window)
    at = window.grid.verticalScrollBar().value()
    qtbot.waitUntil(lambda: window.model.rowCount() == 20 and settled(window), timeout=WAIT_MS)
    assert window.model.ids[:12] == first  # the rows shown stay where they were
    assert window.model.ids[12:] == [h.photo_id for h in library.search("a red circle", 20) if h.photo_id not in first]
    assert window.grid.verticalScrollBar().value() == at
    assert window.grid.selected_photo_ids() == [first[1], first[3]]
    assert window.subtitle_label.text() == "20 photos, best match first  ·  2 selected"

    window.find_similar(first[0])
    qtbot.waitUntil(lambda: window.view.kind == "similar" and settled(window), timeout=WAIT_MS)
    assert window.model.rowCount() == 12 and window.subtitle_label.text() == "The 12 most alike photos"
    scrolled_to_the_end(qtbot, window)
    qtbot.waitUntil(lambda: window.model.rowCount() == 19 and settled(window), timeout=WAIT_MS)  # all but itself
    assert window.subtitle_label.text() == "19 photos, most alike first"


def test_the_preview_counts_results_still_to_list_and_next_at_the_last_one_lists_them(qtbot, small_pages) -> None:
    """The preview said "12 of 12" with Next off at the 12th of a search that lists more as the
    grid scrolls: the user took it for the end of the results."""
    library, window = small_pages
    window.search_field.setText("a red circle")
    wait_for_results(qtbot, window, "a red circle")
    preview = window.preview
    window.open_preview(window.model.index(11, 0))
    assert preview.position_label.text() == "12 of 12+" and preview.next_button.isEnabled()

    preview.next_button.click()
    qtbot.waitUntil(lambda: preview.photo_id == window.model.photo_id(12), timeout=WAIT_MS)
    assert window.model.rowCount() == 20 and preview.position_label.text() == "13 of 20"
    assert preview.photo_id == [h.photo_id for h in library.search("a red circle", 20)][12]
    window.open_preview(window.model.index(19, 0))
    assert not preview.next_button.isEnabled()


def test_a_page_of_results_arriving_after_the_query_changed_is_dropped(qtbot, small_pages) -> None:
    library, window = small_pages
    real = library.search_scoped
    asked, release = threading.Event(), threading.Event()

    def slow_pages(query: str, limit: int = 20, **scope):
        if limit > 12 and "circle" in query:
            asked.set()
            release.wait(10)  # answers only after the query was changed
        return real(query, limit, **scope)

    library.search_scoped = slow_pages  # type: ignore[method-assign]
    window.search_field.setText("a red circle")
    wait_for_results(qtbot, window, "a red circle")
    scrolled_to_the_end(qtbot, window)
    qtbot.waitUntil(asked.is_set, timeout=WAIT_MS)
    window.search_field.setText("a blue square")
    window._search_return()
    wait_for_results(qtbot, window, "a blue square")
    expected = [h.photo_id for h in real("a blue square", 12)[0]]
    release.set()
    time.sleep(0.2)
    qtbot.wait(200)  # the late page arrives now, and must be dropped
    assert window.model.ids == expected
    assert window.subtitle_label.text() == "The 12 best matches"


def test_ctrl_a_on_results_cut_at_the_limit_selects_every_photo_the_search_lists(qtbot, small_pages) -> None:
    """Ctrl+A selects every photo of the view, those not listed yet too, as in the library view."""
    _library, window = small_pages
    qtbot.keyClicks(window.search_field, "a red circle")
    wait_for_results(qtbot, window, "a red circle")
    window.grid.setFocus()
    qtbot.keyClick(window.grid, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.grid.selected_count() == 20 and settled(window), timeout=WAIT_MS)
    assert window.subtitle_label.text() == "20 photos, best match first  ·  20 selected"


def test_a_folders_path_typed_says_how_to_search_in_it_instead_of_ranking_its_words(
    qtbot, make_window, indexed, tmp_path: Path
) -> None:
    """The path of a folder showed "31 photos, best match first", all of them alike."""
    window = make_window(indexed[0])
    folder = tmp_path / "photos"
    window.search_field.setText(str(folder))
    wait_for_results(qtbot, window, str(folder))
    assert window.model.rowCount() == 0
    way = "To search in it, pick “photos” in the sidebar, then type what to look for."
    assert window.grid.empty_state() == ("folder", "“photos” is a folder", way)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    window.search_field.setText(f"{elsewhere}{os.sep}")
    wait_for_results(qtbot, window, f"{elsewhere}{os.sep}")
    assert window.grid.empty_state()[1:] == ("“elsewhere” is a folder", "It is not in the library: add it with "
                                             "“Add folder…”, then pick it in the sidebar to search in it.")


def test_the_path_of_a_folder_the_library_leaves_out_says_so_and_how_to_bring_it_back(
    qtbot, make_window, open_library, tmp_path: Path
) -> None:
    """A folder left out said "To search in it, pick “photos”, the folder that holds it", where no
    search can find its photos."""
    photos = tmp_path / "photos"
    write_photo(photos / "p0.jpg", seed=0)
    for name in ("Screenshots/2024", "Exports", "AppData", ".thumbs", "Kept"):
        (photos / name).mkdir(parents=True)
    config.save_settings(tmp_path / "library", dataclasses.replace(config.Settings(), exclude_patterns=("*/Exports",)))
    library = open_library()
    library.index([photos])
    library.leave_out(photos / "Screenshots")
    window = make_window(library)

    def said(folder: Path) -> tuple[str, str]:
        window.search_field.setText(str(folder))
        wait_for_results(qtbot, window, str(folder))
        kind, title, way = window.grid.empty_state()
        assert kind == "folder" and window.model.rowCount() == 0
        return title, way

    bring_back = "with “Add folder…”, or take it off Settings → Leave out."
    assert said(photos / "Screenshots") == (
        "“Screenshots” is left out of the library", f"No search finds its photos. To bring them back, add it again "
        f"{bring_back}")
    assert said(photos / "Screenshots" / "2024") == (
        "“2024” is left out of the library", "No search finds its photos. To bring them back, add “Screenshots”, the "
        f"folder left out that holds it, {bring_back}")
    assert said(photos / "Exports") == ("“Exports” is left out of the library", "The pattern “*/Exports” in Settings "
                                        "→ Leave out matches it; take it off to search its photos.")
    for skipped in ("AppData", ".thumbs"):
        assert said(photos / skipped) == (f"photoclip does not index “{skipped}”", "It is a hidden folder or a "
                                          "program's (caches, app data), which hold no photos of yours, so no search "
                                          "finds its pictures.")
    assert said(photos / "Kept")[0] == "“Kept” is a folder"


def test_an_image_file_name_that_no_photo_has_says_so_instead_of_ranking_its_words(
    qtbot, make_window, indexed, tmp_path: Path
) -> None:
    window = make_window(indexed[0])
    window.search_field.setText("nope.jpg")
    wait_for_results(qtbot, window, "nope.jpg")
    assert window.model.rowCount() == 0
    assert window.grid.empty_state() == ("search", "No photo is named “nope.jpg”",
                                         "Check the name, or put it in quotes to search for its words.")

    window.search_field.setText("a red circle + nope.jpg")
    wait_for_results(qtbot, window, "a red circle + nope.jpg")
    assert window.grid.empty_state() == ("warning", "Search did not work", "no photo at nope.jpg: give an existing "
                                         "image file, or quote words that are not a file name")

    window.search_field.setText("'nope.jpg'")  # quoted: words
    wait_for_results(qtbot, window, "'nope.jpg'")
    assert window.model.rowCount() == 20


@pytest.mark.parametrize(("typed", "said"), [
    ("2019", "No photos taken in 2019"),
    ("from 2019", "No photos taken in 2019"),
    ("last summer", "No photos taken last summer"),
    ("2019-2021", "No photos taken in 2019-2021"),
    ("2019 to 2021", "No photos taken from 2019 to 2021"),
    ("christmas 2020", "No photos taken at christmas 2020"),
    ("july 2019", "No photos taken in july 2019"),
    ("24 dec 2020", "No photos taken on 24 dec 2020"),
    ("since 2020", "No photos taken since 2020"),
])
def test_dates_typed_bare_read_right_after_taken(typed: str, said: str) -> None:
    """"2019" alone said "No photos taken 2019": a bare year or month is taken in it, a holiday
    at it, a day on it, as when typed with "from"."""
    _rest, period = extract_period(typed, today=date(2026, 12, 5))
    way_out = f"Leave out “{typed}” to search all your photos."
    assert scope_left_none(QueryScope(period, None, only_scope=True)) == (said, way_out)


def test_a_bare_year_with_no_photos_says_none_were_taken_in_it(qtbot, make_window, indexed) -> None:
    window = make_window(indexed[0])
    qtbot.keyClicks(window.search_field, "1990")
    wait_for_results(qtbot, window, "1990")
    assert window.subtitle_label.text() == "Taken 1 Jan 1990 to 31 Dec 1990 (in 1990)  ·  0 photos"
    assert window.grid.empty_state()[1:] == ("No photos taken in 1990",
                                             "Leave out “1990” to search all your photos.")


def test_a_search_naming_the_users_tag_shows_its_photos_first_and_says_so(qtbot, make_window, indexed) -> None:
    library, scenes = indexed
    plain = sorted(path for path, scene in scenes.items() if not scene.has("red", "circle"))[:2]
    sarah = [library.photo_at(path).id for path in plain]
    library.add_tag(sarah, "Sarah")
    window = make_window(library)
    qtbot.keyClicks(window.search_field, "sarah with a red circle")
    wait_for_results(qtbot, window, "sarah with a red circle")
    assert set(window.model.ids[:2]) == set(sarah)
    assert window.subtitle_label.text() == "Tagged “Sarah” first  ·  20 photos, best match first"  # as given


def test_a_tag_named_like_a_year_shows_its_photos_first_then_the_years_and_says_so(
    qtbot, make_window, indexed
) -> None:
    """A keyword "1990" on a photo of today turned the date off, and the header did not say the year's came next."""
    library, scenes = indexed
    tagged = library.photo_at(sorted(scenes)[0]).id
    library.add_tag([tagged], "1990")
    window = make_window(library)
    qtbot.keyClicks(window.search_field, "1990")
    wait_for_results(qtbot, window, "1990")
    assert window.model.ids == [tagged]
    assert window.subtitle_label.text() == (
        "Tagged “1990” first, then taken 1 Jan 1990 to 31 Dec 1990 (in 1990)  ·  1 photo")


def test_a_search_that_says_not_the_users_tag_leaves_its_photos_out_and_says_so(qtbot, make_window, indexed) -> None:
    """"star not kids" showed the photos tagged kids first, with the header "Tagged “kids” first"."""
    library, scenes = indexed
    kids = [library.photo_at(path).id for path in sorted(scenes)[:2]]
    library.add_tag(kids, "Kids")
    window = make_window(library)
    qtbot.keyClicks(window.search_field, "a red circle not kids")
    wait_for_results(qtbot, window, "a red circle not kids")
    assert not set(window.model.ids) & set(kids) and window.model.rowCount() > 0
    assert window.subtitle_label.text().startswith("Not tagged “Kids”  ·  ")


def test_a_search_naming_an_album_shows_its_photos_first_and_one_left_out_not_at_all(
    qtbot, make_window, open_library, tmp_path: Path
) -> None:
    red_circle_folder(tmp_path / "photos" / "2019 Lake Tahoe", with_red_circle=2, without=4)
    red_circle_folder(tmp_path / "photos" / "Home", seed=8)
    library = open_library()
    library.index([tmp_path / "photos"])
    trip = set(library.catalog.indexed_in(str(tmp_path / "photos" / "2019 Lake Tahoe")))
    window = make_window(library)

    qtbot.keyClicks(window.search_field, "lake tahoe")
    wait_for_results(qtbot, window, "lake tahoe")
    assert set(window.model.ids[:6]) == trip
    assert window.subtitle_label.text() == "In “2019 Lake Tahoe” first  ·  26 photos, best match first"
    window.search_field.clear()
    qtbot.keyClicks(window.search_field, "a red circle not lake tahoe")
    wait_for_results(qtbot, window, "a red circle not lake tahoe")
    assert not set(window.model.ids) & trip and window.model.rowCount() == 20  # Home's
    assert window.subtitle_label.text().startswith("Not in “2019 Lake Tahoe”  ·  ")


def test_a_search_for_a_file_name_shows_that_photo_first_and_says_so(qtbot, make_window, indexed) -> None:
    library, scenes = indexed
    wanted = sorted(scenes)[7]
    window = make_window(library)

    qtbot.keyClicks(window.search_field, wanted.stem)
    wait_for_results(qtbot, window, wanted.stem)

    assert window.model.ids[0] == library.photo_at(wanted).id
    assert window.subtitle_label.text() == f"Named “{wanted.stem}…” first  ·  20 photos, best match first"


def test_a_photo_and_its_backup_are_one_result_and_the_preview_says_where_the_copy_is(
    qtbot, make_window, open_library, tmp_path
) -> None:
    folder = tmp_path / "photos"
    for i in range(3):
        write_photo(folder / f"p{i}.jpg", seed=i)
    backup = folder / "Backup" / "p0.jpg"
    backup.parent.mkdir()
    shutil.copy2(folder / "p0.jpg", backup)
    library = open_library()
    library.index([folder])
    window = make_window(library)
    window.search_field.setText("a photo")
    wait_for_results(qtbot, window, "a photo")
    shown = [library.photo(pid).path for pid in window.model.ids]
    assert sorted(path.name for path in shown) == ["p0.jpg", "p1.jpg", "p2.jpg"] and backup not in shown
    window.open_preview(window.model.index(shown.index(folder / "p0.jpg"), 0))
    qtbot.waitUntil(lambda: window.preview.photo is not None and window.preview._facts["Copies"].isVisible(),
                    timeout=WAIT_MS)
    assert window.preview._facts["Copies"].text() == "Backup/p0.jpg"
    assert window.preview._facts["Copies"].toolTip() == str(backup)
    window.preview.next_button.click()
    qtbot.waitUntil(lambda: window.preview.photo is not None and window.preview.photo.path.name != "p0.jpg",
                    timeout=WAIT_MS)
    assert not window.preview._facts["Copies"].isVisible()


def test_a_search_of_a_place_but_not_another_says_both(qtbot, make_window, open_library, tmp_path) -> None:
    folder = tmp_path / "photos"
    for i, (name, position) in enumerate([("lisbon", (38.72, -9.14)), ("porto", (41.15, -8.61))]):
        located_photo(folder / f"{name}.jpg", i, position, f"2021:0{i + 1}:01 10:00:00")
    library = open_library()
    library.index([folder])
    window = make_window(library)
    window.search_field.setText("in portugal but not lisbon")
    wait_for_results(qtbot, window, "in portugal but not lisbon")
    assert [library.photo(pid).path.name for pid in window.model.ids] == ["porto.jpg"]
    assert window.subtitle_label.text() == "In Portugal but not Lisbon, Portugal  ·  1 photo"
    window.search_field.setText("Portugal")
    wait_for_results(qtbot, window, "Portugal")
    assert window.subtitle_label.text() == "Taken in Portugal first  ·  2 photos, best match first"


def test_a_search_with_a_place_says_it_and_the_preview_names_the_town(qtbot, make_window, open_library, tmp_path) -> None:
    folder = tmp_path / "photos"
    for i, (name, position) in enumerate([("lisbon-a", (38.72, -9.14)), ("lisbon-b", (38.70, -9.20)),
                                          ("oslo", (59.91, 10.75)), ("home", None)]):
        located_photo(folder / f"{name}.jpg", i, position, f"2021:0{i + 1}:01 10:00:00")
    library = open_library()
    library.index([folder])
    window = make_window(library)

    qtbot.keyClicks(window.search_field, "a photo in lisbon")
    wait_for_results(qtbot, window, "a photo in lisbon")
    assert sorted(library.photo(pid).path.name for pid in window.model.ids) == ["lisbon-a.jpg", "lisbon-b.jpg"]
    assert window.subtitle_label.text() == "In Lisbon, Portugal (in lisbon)  ·  2 photos, best match first"
    window.search_field.setText("a photo not in lisbon")
    wait_for_results(qtbot, window, "a photo not in lisbon")
    assert sorted(library.photo(pid).path.name for pid in window.model.ids) == ["home.jpg", "oslo.jpg"]
    assert window.subtitle_label.text() == "Not in Lisbon, Portugal (not in lisbon)  ·  2 photos, best match first"
    window.search_field.setText("a photo in lisbon")
    wait_for_results(qtbot, window, "a photo in lisbon")

    window.open_preview(window.model.index(0, 0))
    qtbot.waitUntil(lambda: window.preview.photo is not None and window.preview._facts["Place"].isVisible(),
                    timeout=WAIT_MS)
    assert window.preview._facts["Place"].text() == "Lisbon, Portugal"
    window.close_preview()
    window.search_field.setText("in 2021")
    wait_for_results(qtbot, window, "in 2021")
    home = next(i for i, pid in enumerate(window.model.ids) if library.photo(pid).path.name == "home.jpg")
    window.open_preview(window.model.index(home, 0))
    qtbot.waitUntil(lambda: window.preview.photo is not None and window.preview.photo.path.name == "home.jpg",
                    timeout=WAIT_MS)
    assert not window.preview._facts["Place"].isVisible()  # no position: no place
    window.close_preview()

    window.search_field.setText("a photo in lisbon in 1990")
    wait_for_results(qtbot, window, "a photo in lisbon in 1990")
    assert window.grid.empty_state()[1:] == ("No photos taken in Lisbon, Portugal in 1990",
                                             "Leave out “in lisbon” and “in 1990” to search all your photos.")

    qtbot.waitUntil(lambda: bool(window.sidebar.place_items()), timeout=WAIT_MS)
    assert [(i.text(0), i.data(0, CountRole)) for i in window.sidebar.place_items()] == [("Portugal", 2), ("Norway", 1)]
    tree = window.sidebar.tree
    norway = window.sidebar.place_items()[1]
    qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=tree.visualItemRect(norway).center())
    wait_for_results(qtbot, window, "in Norway")
    assert [library.photo(pid).path.name for pid in window.model.ids] == ["oslo.jpg"]
    assert tree.currentItem() is norway and norway.isSelected()  # the place stays highlighted
    assert window.subtitle_label.text() == "In Norway  ·  1 photo"
    assert window.model.index(0, 0).data(ScoreRole) is None  # a listing, not a ranking: no match score


def test_photos_found_by_their_file_name_show_no_match_score(qtbot, make_window, indexed) -> None:
    """Their 1.0 says the name matched, not that the picture is like anything; the photos the
    model found after them keep their scores."""
    library, scenes = indexed
    wanted = sorted(scenes)[7]
    window = make_window(library)
    qtbot.keyClicks(window.search_field, wanted.stem.upper())  # names match in any case, as the engine's do
    wait_for_results(qtbot, window, wanted.stem.upper())

    named, found = window.model.index(0, 0), window.model.index(1, 0)
    assert named.data(PhotoIdRole) == library.photo_at(wanted).id
    assert named.data(ScoreRole) is None and "Match" not in named.data(Qt.ItemDataRole.ToolTipRole)
    assert 0 < found.data(ScoreRole) < 1 and "Match: " in found.data(Qt.ItemDataRole.ToolTipRole)
    window.open_preview(named)
    qtbot.waitUntil(lambda: window.preview.photo is not None, timeout=WAIT_MS)
    assert window.preview._facts["Match"].isHidden()


def test_down_and_enter_after_a_search_open_its_best_match_not_the_photo_opened_before(
    qtbot, make_window, indexed
) -> None:
    """The grid kept the photo opened before the search current, wherever the search put it:
    Enter opened "20 of 20", and Esc showed the grid scrolled down to it."""
    library, _ = indexed
    window = make_window(library)
    window.resize(window.minimumSize())  # a grid that scrolls
    qtbot.waitUntil(lambda: window.model.rowCount() == 20 and settled(window), timeout=WAIT_MS)
    worst = library.search_scoped("a red circle", limit=SEARCH_LIMIT)[0][-1].photo_id
    opened = window.model.index(window.model.row_of(worst), 0)
    window.grid.scrollTo(opened)
    rect = window.grid.visualRect(opened)
    qtbot.mouseClick(window.grid.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(window.grid.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.pages.currentWidget() is window.preview and window.preview.photo_id == worst
    window.escape()
    window.focus_search()  # what Ctrl+F does
    qtbot.keyClicks(window.search_field, "a red circle")
    wait_for_results(qtbot, window, "a red circle")
    assert window.model.ids[-1] == worst

    qtbot.keyClick(window.search_field, Qt.Key.Key_Down)
    assert window.grid.hasFocus() and window.grid.selected_photo_ids() == [window.model.ids[0]]
    qtbot.keyClick(window.grid, Qt.Key.Key_Return)
    assert window.preview.photo_id == window.model.ids[0]
    assert window.preview.position_label.text() == "1 of 20"
    window.escape()
    assert window.grid.verticalScrollBar().value() == 0


def test_photos_indexed_after_a_search_join_its_results_and_the_photo_selected_stays(
    qtbot, make_window, indexed, tmp_path: Path
) -> None:
    library, scenes = indexed
    window = make_window(library, worker=True, watch=True)
    qtbot.waitUntil(lambda: not window.worker.busy, timeout=WAIT_MS)
    qtbot.keyClicks(window.search_field, "a red circle")
    wait_for_results(qtbot, window, "a red circle")
    assert window.model.rowCount() == len(scenes)
    window.grid.setCurrentIndex(window.model.index(3, 0))
    window.grid.selectionModel().select(window.model.index(5, 0), QItemSelectionModel.SelectionFlag.Select)
    chosen = window.model.ids[3]
    selected = {window.model.ids[3], window.model.ids[5]}

    red_circle_folder(tmp_path / "photos" / "more", with_red_circle=3, without=7, seed=8)
    qtbot.waitUntil(lambda: window.model.rowCount() == len(scenes) + 10, timeout=WAIT_MS)
    assert window.view.kind == "search" and window.view.text == "a red circle"
    assert window.model.ids[window.grid.currentIndex().row()] == chosen
    assert {window.model.ids[i.row()] for i in window.grid.selectionModel().selectedIndexes()} == selected
    assert window.subtitle_label.text().startswith("30 photos")


def test_the_search_field_the_photos_and_the_icon_buttons_have_names_a_screen_reader_says(
    qtbot, make_window, indexed
) -> None:
    library, _ = indexed
    window = make_window(library)
    named = {w.accessibleName() for w in (window.search_field, window.grid, window.sidebar.tree,
                                          window.sidebar.settings_button)}
    assert named == {"Search photos", "Photos", "Library", "Settings"}
    window.open_preview(window.model.index(0, 0))
    bar = [window.preview.back_button, window.preview.prev_button, window.preview.next_button]
    assert [b.accessibleName() for b in bar] == ["Back to the photos", "Previous photo", "Next photo"]


def test_a_search_of_only_a_year_lists_every_photo_of_it_not_the_best_matches(
    qtbot, make_window, open_library, tmp_path, monkeypatch
) -> None:
    monkeypatch.setattr(main_window, "SEARCH_LIMIT", 3)
    folder = tmp_path / "photos"
    for i in range(6):
        located_photo(folder / f"p{i}.jpg", i, None, f"2019:0{i + 1}:01 10:00:00")
    located_photo(folder / "later.jpg", 9, None, "2021:01:01 10:00:00")
    library = open_library()
    library.index([folder])
    window = make_window(library)
    window.search_field.setText("2019")
    wait_for_results(qtbot, window, "2019")
    assert window.model.rowCount() == 6 and window.subtitle_label.text().endswith("6 photos, newest first")
    asked: list[int] = []
    real = library.search_scoped

    def spy(query: str, limit: int = 20, **scope):
        asked.append(limit)
        return real(query, limit, **scope)

    library.search_scoped = spy  # type: ignore[method-assign]
    window.search_field.setText("a photo from 2019")
    wait_for_results(qtbot, window, "a photo from 2019")
    qtbot.waitUntil(lambda: window.model.rowCount() == 6 and settled(window), timeout=WAIT_MS)  # the rest: pages
    assert asked[0] == 3  # ranked by the words: the best ones first
