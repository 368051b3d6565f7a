"""The Duplicates page on a real library, worker and tiny CLIP, offscreen."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from urllib.parse import quote

import pytest
from PIL import Image
from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QApplication, QLabel, QPushButton

from photoclip.catalog import Photo
from photoclip.gui.duplicates import GroupRow
from photoclip.library import Library
from tests.conftest import TRASH_INFO
from tests.gui_support import WAIT_MS, answer_questions, make_window  # noqa: F401
from tests.helpers import copies_folder, write_photo


def indexed_copies(open_library, tmp_path: Path) -> tuple[Library, dict[Path, Path]]:
    _, copies = copies_folder(tmp_path / "photos")
    library = open_library()
    library.index([tmp_path / "photos"])
    return library, copies


def open_duplicates(qtbot, window) -> None:
    """Show the page once the worker has settled, so a reload on its Idle cannot swap the rows
    a test is looking at."""
    if window.worker is not None:
        assert window.worker.wait_idle(WAIT_MS / 1000)
        QCoreApplication.processEvents()
    window.sidebar.tree.setCurrentItem(window.sidebar.duplicates)
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.duplicates and bool(window.duplicates.rows)
                    and not window.duplicates._loading, timeout=WAIT_MS)  # every group found on the page


@pytest.fixture
def on_duplicates(qtbot, make_window, open_library, tmp_path):
    """The copies folder indexed and the window on its Duplicates page: (library, copies, window)."""
    library, copies = indexed_copies(open_library, tmp_path)
    window = make_window(library, worker=True)
    open_duplicates(qtbot, window)
    return library, copies, window


def test_the_page_shows_each_group_with_its_original_kept(qtbot, on_duplicates) -> None:
    library, copies, window = on_duplicates
    page = window.duplicates
    shown = {tile.photo.path: pid in row.kept for row in page.rows for pid, tile in row.tiles.items()}
    assert shown == {**{c.resolve(): False for c in copies}, **{o.resolve(): True for o in copies.values()}}
    assert page.trash_button.isEnabled() and page.trash_button.text() == "Move 3 to trash"
    assert not page.trash_button.icon().isNull()  # as the preview's "Move to trash…"
    assert page.subtitle.text().startswith("2 groups · 3 photos to move to the trash")
    folders = {tile.photo.path: tile.folder.text() for row in page.rows for tile in row.tiles.values()}
    assert folders == {path: f"in {path.parent.name}" for path in shown}  # which copy is where: backup/, sent/
    for row in page.rows:  # the photo kept says why: the copies were written after it, or made smaller
        kept, *copies_shown = row.tiles.values()
        assert kept.toolTip().endswith(row.kept_because) and row.kept_because.startswith("photoclip keeps this one: it")
        assert not any("keeps this one" in tile.toolTip() for tile in copies_shown)


def test_the_page_does_not_hold_the_window_wide(qtbot, make_window, open_library, tmp_path) -> None:
    library, _ = indexed_copies(open_library, tmp_path)
    window = make_window(library, worker=True)
    narrowest = window.minimumSizeHint().width()
    open_duplicates(qtbot, window)
    assert len(window.duplicates.subtitle.text()) > 80
    qtbot.wait(300)  # the layouts take in the page's texts
    assert window.minimumSizeHint().width() <= narrowest


def test_a_damaged_copy_is_marked_and_never_the_one_kept(qtbot, make_window, open_library, tmp_path) -> None:
    from tests.helpers import resized_copy, scene_folder

    first = sorted(scene_folder(tmp_path / "photos", seed=2))[0]
    cut = resized_copy(first, tmp_path / "photos" / "card" / first.name, scale=1.0, quality=99)
    assert cut.stat().st_size > first.stat().st_size  # left whole, it would be the one kept
    cut.write_bytes(cut.read_bytes()[:-2])
    library = open_library()
    library.index([tmp_path / "photos"])
    window = make_window(library, worker=True)
    open_duplicates(qtbot, window)
    [row] = [row for row in window.duplicates.rows if any(t.photo.path == cut.resolve() for t in row.tiles.values())]
    tiles = {tile.photo.path: (pid, tile) for pid, tile in row.tiles.items()}
    assert row.kept == {tiles[first.resolve()][0]}
    damaged = tiles[cut.resolve()][1].findChild(QLabel, "DamageValue")
    assert damaged is not None and damaged.text() == "Damaged"
    assert damaged.toolTip() == "the file ends early; the image looks whole"
    assert tiles[first.resolve()][1].findChild(QLabel, "DamageValue") is None


def test_clicking_switches_a_photo_but_one_always_stays(qtbot, on_duplicates) -> None:
    library, _, window = on_duplicates
    row = window.duplicates.rows[0]
    keeper, copy = list(row.tiles)[:2]
    qtbot.mouseClick(row.tiles[keeper], Qt.MouseButton.LeftButton)
    assert row.kept == {keeper}  # the only kept photo cannot be let go
    qtbot.mouseClick(row.tiles[copy], Qt.MouseButton.LeftButton)
    assert row.kept == {keeper, copy}
    qtbot.mouseClick(row.tiles[keeper], Qt.MouseButton.LeftButton)
    assert row.kept == {copy} and row.tiles[keeper].state.text() == "Move to trash"
    assert row.tiles[copy].state.text() == "✓ Keep"


def test_move_to_trash_asks_then_sends_the_copies_to_the_system_trash(qtbot, on_duplicates, monkeypatch) -> None:
    library, copies, window = on_duplicates
    asked = answer_questions(monkeypatch, False, True)
    window.duplicates.trash_button.click()
    assert asked[0][0].startswith("Move 3 photos") and all(c.exists() for c in copies)  # cancelled
    assert asked[0][1] == "Move to trash"
    window.duplicates.trash_button.click()
    qtbot.waitUntil(lambda: window.duplicates.subtitle.text().startswith("Moved 3 photos"), timeout=WAIT_MS)
    assert not any(c.exists() for c in copies) and all(o.exists() for o in copies.values())
    trashed = "".join(info.read_text() for info in TRASH_INFO.glob("*.trashinfo"))
    assert all(f"Path={quote(str(c.resolve()))}\n" in trashed for c in copies)
    assert window.duplicates.rows == [] and not window.duplicates.trash_button.isEnabled()
    assert library.duplicates() == []
    said = re.compile(r"Moved 3 photos \([\d.]+ kB\) to the trash\. No copies are left\.")  # sentences, one space
    qtbot.waitUntil(lambda: said.fullmatch(window.duplicates.subtitle.text()) is not None, timeout=WAIT_MS)


def test_copies_whose_kept_photo_was_deleted_meanwhile_stay_out_of_the_trash(qtbot, on_duplicates, monkeypatch) -> None:
    library, copies, window = on_duplicates
    row = next(r for r in window.duplicates.rows if len(r.tiles) == 3)  # an original, a smaller copy, a backup
    [kept] = row.kept
    window.worker.pause()  # the deletion is not seen before the click
    library.photo(kept).path.unlink()
    answer_questions(monkeypatch, True)
    window.duplicates.trash_button.click()
    qtbot.waitUntil(lambda: "stayed" in window.duplicates.subtitle.text(), timeout=WAIT_MS)
    assert window.duplicates.subtitle.text().startswith("Moved 1 photo")  # the other group's copy
    assert all(library.photo(pid).path.exists() for pid in row.tiles if pid != kept)


@pytest.mark.parametrize("changed", ["kept", "copy"])
def test_a_photo_changed_and_read_again_since_the_page_showed_it_stays_out_of_the_trash(
    qtbot, on_duplicates, monkeypatch, changed: str
) -> None:
    """While the user is mid-way the page keeps their choices; a file overwritten meanwhile and
    read again by the library passed the check against the catalog the reading had brought up to
    date: the copies of a kept photo that was now another picture went to the trash (none of the
    picture left), and a copy that was now another picture went too."""
    library, copies, window = on_duplicates
    page = window.duplicates
    row = next(r for r in page.rows if len(r.tiles) == 3)
    other = next(r for r in page.rows if r is not row)
    choice = list(other.tiles.values())[1]
    for _ in range(2):  # a choice changed and changed back: the page is the user's, it does not reload
        qtbot.mouseClick(choice, Qt.MouseButton.LeftButton)
    [kept] = row.kept
    target = kept if changed == "kept" else next(pid for pid in row.tiles if pid != kept)
    path = library.photo(target).path
    write_photo(path, seed=77, size=(200, 150))
    window.worker.reindex()
    qtbot.waitUntil(lambda: library.photo(target).size == path.stat().st_size and window.worker.wait_idle(0),
                    timeout=WAIT_MS)
    answer_questions(monkeypatch, True)
    page.trash_button.click()
    qtbot.waitUntil(lambda: "stayed" in page.subtitle.text(), timeout=WAIT_MS)
    assert path.exists()
    if changed == "kept":
        assert all(library.photo(pid).path.exists() for pid in row.tiles)


def test_an_album_keeps_its_photo_on_the_page_unless_the_user_lets_it_go(
    qtbot, make_window, open_library, tmp_path, monkeypatch
) -> None:
    """The page trashed a copy the user had filed in an album of theirs (the folder taken out of
    the album): it is kept too by default, says why, and goes only when clicked."""
    photos = tmp_path / "photos"
    camera = write_photo(photos / "iCloud Photos" / "IMG_1.jpg", seed=4)
    album, dump = photos / "Best of 2019" / "IMG_1.jpg", photos / "Google Photos" / "Photos from 2019" / "IMG_1.jpg"
    for copy in (album, dump):
        copy.parent.mkdir(parents=True)
        shutil.copy(camera, copy)
        os.utime(copy, ns=(camera.stat().st_mtime_ns + 10**10,) * 2)  # copied later: the camera's file is the oldest
    for seed in (5, 6):  # an album holds three photos or more, as the sidebar lists albums
        write_photo(album.parent / f"IMG_{seed}.jpg", seed=seed)
    library = open_library()
    library.index([photos])
    window = make_window(library, worker=True)
    open_duplicates(qtbot, window)
    page = window.duplicates
    [row] = page.rows
    ids = {tile.photo.path: pid for pid, tile in row.tiles.items()}
    assert row.kept == {ids[camera.resolve()], ids[album.resolve()]}
    assert row.tiles[ids[album.resolve()]].toolTip().endswith(
        "photoclip keeps this one too: it is in the album “Best of 2019”")
    row.toggle(ids[album.resolve()])  # let go: its tooltip no longer says it is kept
    assert row.tiles[ids[album.resolve()]].toolTip().endswith(
        "photoclip would keep this one too: it is in the album “Best of 2019”; you chose to move it to the trash")
    row.toggle(ids[album.resolve()])
    assert [row.tiles[ids[path.resolve()]].state.text() for path in (camera, album, dump)] == [
        "✓ Keep", "✓ Keep · album", "Move to trash"]
    assert page.trash_button.text() == "Move 1 to trash"
    answer_questions(monkeypatch, True)
    page.trash_button.click()
    qtbot.waitUntil(lambda: page.subtitle.text().startswith("Moved 1 photo"), timeout=WAIT_MS)
    assert camera.exists() and album.exists() and not dump.exists()


def test_a_sync_tools_conflict_copy_of_other_bytes_is_kept_as_a_version_on_the_page(
    qtbot, make_window, open_library, tmp_path
) -> None:
    """Its tile read "✓ Keep · album", and its accessible name "kept for its album", in no album."""
    photos = tmp_path / "Dropbox"
    camera = write_photo(photos / "IMG_1.jpg", seed=4)
    version = photos / "IMG_1 (Alice's conflicted copy 2021-07-04).jpg"
    Image.open(camera).save(version, quality=80)  # saved again on another computer: other bytes, the same look
    library = open_library()
    library.index([photos])
    window = make_window(library, worker=True)
    open_duplicates(qtbot, window)
    [row] = window.duplicates.rows
    tiles = {tile.photo.path.name: tile for tile in row.tiles.values()}
    assert row.kept == set(row.tiles)
    assert [tiles[name].state.text() for name in ("IMG_1.jpg", version.name)] == ["✓ Keep", "✓ Keep · version"]
    assert tiles[version.name].accessibleName().endswith(", kept as another version")


def test_not_duplicates_hides_the_group_for_good(qtbot, on_duplicates) -> None:
    library, _, window = on_duplicates
    row = window.duplicates.rows[0]
    members = set(row.tiles)
    [button] = [button for button in row.findChildren(QPushButton) if button.text() == "Not duplicates"]
    window.show()
    button.setFocus()
    qtbot.keyClick(button, Qt.Key.Key_Space)  # as a keyboard user does it: the focus goes on to the next group
    assert len(window.duplicates.rows) == 1
    qtbot.waitUntil(lambda: not members & {pid for g in library.duplicates() for pid in g.members}, timeout=WAIT_MS)
    next_row = window.duplicates.rows[0]
    assert QApplication.focusWidget() is list(next_row.tiles.values())[0]


def test_not_duplicates_can_be_undone_and_the_group_comes_back(qtbot, on_duplicates) -> None:
    library, _, window = on_duplicates
    page = window.duplicates
    members = set(page.rows[0].tiles)
    [button] = [b for b in page.rows[0].findChildren(QPushButton) if b.text() == "Not duplicates"]
    button.click()
    assert page.undo_button.isVisibleTo(page)
    assert page.subtitle.text().startswith(f"Marked {len(members)} photos as not duplicates.")
    qtbot.waitUntil(lambda: not members & {pid for g in library.duplicates() for pid in g.members}, timeout=WAIT_MS)
    page.undo_button.click()
    assert not page.undo_button.isVisibleTo(page)
    qtbot.waitUntil(lambda: any(set(row.tiles) == members for row in page.rows), timeout=WAIT_MS)


def test_not_duplicates_undone_after_a_choice_brings_the_group_back_with_the_choice(qtbot, on_duplicates) -> None:
    """With any photo clicked first, Undo showed "Look again" instead of the group, and a clean-up
    then went on without it."""
    library, _, window = on_duplicates
    page = window.duplicates
    row = page.rows[0]
    members, chosen = set(row.tiles), list(row.tiles)[1]
    row.toggle(chosen)  # kept now, by the user's choice
    [button] = [b for b in row.findChildren(QPushButton) if b.text() == "Not duplicates"]
    button.click()
    qtbot.waitUntil(lambda: not members & {pid for g in library.duplicates() for pid in g.members}, timeout=WAIT_MS)
    page.undo_button.click()
    qtbot.waitUntil(lambda: any(set(row.tiles) == members for row in page.rows), timeout=WAIT_MS)
    assert not page.reload_button.isVisibleTo(page)
    assert chosen in next(row for row in page.rows if set(row.tiles) == members).kept


def test_a_read_only_window_cannot_trash(qtbot, make_window, open_library, tmp_path) -> None:
    indexed_copies(open_library, tmp_path)
    reader = Library.open(tmp_path / "library", model="photoclip-tiny", read_only=True)
    try:
        window = make_window(reader, worker=True)
        open_duplicates(qtbot, window)
        assert not window.duplicates.trash_button.isEnabled()
    finally:
        window.shutdown()
        reader.close()


def big_group(folder: Path, copies: int = 15, name: str = "copy {:02d}.jpg") -> Path:
    """An original and `copies` byte copies of it, younger than it (so it is the one kept)."""
    original = write_photo(folder / "original.jpg", seed=1)
    for i in range(copies):
        copy = folder / name.format(i)
        shutil.copy(original, copy)
        os.utime(copy, ns=(2 * 10**18, 2 * 10**18))
    return original


def test_a_big_group_shows_every_photo_it_would_trash_and_each_can_be_kept(
    qtbot, make_window, open_library, tmp_path
) -> None:
    """A group of 16 showed 12 photos and "and 4 more copies, moved to the trash with the
    others": photos trashed that no one could see or keep."""
    original = big_group(tmp_path / "photos")
    library = open_library()
    library.index([tmp_path / "photos"])
    window = make_window(library, worker=True)
    open_duplicates(qtbot, window)
    page = window.duplicates
    [row] = page.rows
    assert len(row.tiles) == 16 and row.unshown == [] and not row.more_line.isVisibleTo(row)
    trashed = {photo.id for photo in page.to_trash()}
    assert len(trashed) == 15 and trashed <= set(row.tiles) and original.resolve() in shown_paths(page)
    assert original.resolve() not in {photo.path for photo in page.to_trash()}
    last = list(row.tiles)[-1]
    qtbot.mouseClick(row.tiles[last], Qt.MouseButton.LeftButton)
    assert last not in {photo.id for photo in page.to_trash()} and page.trash_button.text() == "Move 14 to trash"


def test_a_huge_group_shows_its_photos_in_parts_and_trashes_none_not_shown(
    qtbot, make_window, open_library, tmp_path, monkeypatch
) -> None:
    """Photos not shown yet (a group too big to show at once) stay where they are, and come
    into view as the user asks for them or as shown ones leave."""
    from photoclip.gui import duplicates

    monkeypatch.setattr(duplicates, "GROUP_TILES", 5)
    big_group(tmp_path / "photos")
    library = open_library()
    library.index([tmp_path / "photos"])
    window = make_window(library, worker=True)
    open_duplicates(qtbot, window)
    page = window.duplicates
    [row] = page.rows
    assert len(row.tiles) == 5 and len(row.unshown) == 11
    assert {photo.id for photo in page.to_trash()} == set(list(row.tiles)[1:]) == set(page.kept_for())
    assert page.trash_button.text() == "Move 4 to trash"
    qtbot.waitUntil(row.more_line.isVisible, timeout=WAIT_MS)
    assert row.more.text() == "11 more photos of this group are not shown yet and stay where they are."
    row.more_button.click()
    assert len(row.tiles) == 10 and len(page.to_trash()) == 9 and row.more_button.text() == "Show 5 more"
    page.remove_ids(list(row.tiles)[1:4])  # trashed: the next ones take their places
    assert len(row.tiles) == 10 and len(row.unshown) == 3 and len(page.to_trash()) == 9


def shown_paths(page) -> set[Path]:
    return {tile.photo.path for row in page.rows for tile in row.tiles.values()}


def test_a_copy_indexed_while_the_page_shows_joins_it_at_the_same_similarity(qtbot, on_duplicates, tmp_path) -> None:
    library, copies, window = on_duplicates
    page = window.duplicates
    page.level.setCurrentIndex(1)  # also near copies
    qtbot.waitUntil(lambda: not page._loading and bool(page.rows), timeout=WAIT_MS)
    before = shown_paths(page)
    groups = len(page.rows)
    third = sorted(p for p in (tmp_path / "photos").glob("scene_*.jpg") if p not in copies.values())[0]
    copy = tmp_path / "photos" / "backup" / f"again {third.name}"
    shutil.copy(third, copy)
    window.worker.reindex()
    qtbot.waitUntil(lambda: copy.resolve() in shown_paths(page), timeout=WAIT_MS)
    assert len(page.rows) == groups + 1 and shown_paths(page) == before | {copy.resolve(), third.resolve()}
    assert page.level.currentIndex() == 1 and page.similarity == 0.97
    assert window.pages.currentWidget() is page and not page.reload_button.isVisible()


def test_the_page_does_not_change_under_a_choice_being_made(qtbot, on_duplicates, tmp_path) -> None:
    library, copies, window = on_duplicates
    page = window.duplicates
    row = page.rows[0]
    copy_in_row = next(pid for pid in row.tiles if pid not in row.kept)
    qtbot.mouseClick(row.tiles[copy_in_row], Qt.MouseButton.LeftButton)  # keep this one too
    third = sorted(p for p in (tmp_path / "photos").glob("scene_*.jpg") if p not in copies.values())[0]
    copy = tmp_path / "photos" / "backup" / f"again {third.name}"
    shutil.copy(third, copy)
    window.worker.reindex()
    qtbot.waitUntil(lambda: page.reload_button.isVisible(), timeout=WAIT_MS)
    assert page.rows[0] is row and copy_in_row in row.kept  # the choice stays
    assert copy.resolve() not in shown_paths(page)
    page.reload_button.click()
    qtbot.waitUntil(lambda: copy.resolve() in shown_paths(page), timeout=WAIT_MS)
    assert not page.reload_button.isVisible()


def test_the_clean_up_note_stays_through_a_reload_but_is_gone_when_the_page_opens_again(
    qtbot, on_duplicates, monkeypatch
) -> None:
    library, copies, window = on_duplicates
    page = window.duplicates
    answer_questions(monkeypatch, True)
    page.trash_button.click()
    qtbot.waitUntil(lambda: page.subtitle.text().startswith("Moved 3 photos"), timeout=WAIT_MS)
    page.mark_stale()  # photos indexed meanwhile: the groups are found again at once
    assert page.reload_if_stale()
    qtbot.waitUntil(lambda: not page._loading, timeout=WAIT_MS)
    assert page.subtitle.text().startswith("Moved 3 photos")  # still right after the clean-up

    window.sidebar.tree.setCurrentItem(window.sidebar.all_photos)
    qtbot.waitUntil(lambda: window.pages.currentWidget() is not page, timeout=WAIT_MS)
    window.sidebar.tree.setCurrentItem(window.sidebar.duplicates)
    qtbot.waitUntil(lambda: window.pages.currentWidget() is page and not page._loading, timeout=WAIT_MS)
    assert page.subtitle.text() == "No duplicates"


@pytest.mark.parametrize(("bound", "value"), [("PAGE", 1), ("PAGE_TILES", 3)])
def test_a_page_stops_at_a_bounded_number_of_groups_or_photos_and_counts_the_rest_in_good_grammar(
    qtbot, make_window, open_library, tmp_path, monkeypatch, bound, value
) -> None:
    """The copies folder has a group of 3 and one of 2: a page of one group, or of 3 photos (each
    photo is a widget, so big groups make shorter pages), shows the first and offers the other;
    always one group at least."""
    from photoclip.gui import duplicates

    monkeypatch.setattr(duplicates, bound, value)
    library, _ = indexed_copies(open_library, tmp_path)
    window = make_window(library, worker=True)
    open_duplicates(qtbot, window)
    page = window.duplicates
    assert len(page.rows) == 1 and page.more.text() == "Show 1 more of 1 group"
    page.more.click()
    assert len(page.rows) == 2 and not page.more.isVisibleTo(page)


def test_a_tile_puts_its_bytes_under_its_pixels_and_names_a_byte_copy_an_identical_copy(
    qtbot, on_duplicates
) -> None:
    """"3000×2000 · 138.8" lost its unit at the tile's edge; "same file" read like a hard link."""
    import dataclasses

    from photoclip import humanize
    from photoclip.gui.duplicates import _Tile

    library, copies, window = on_duplicates
    [backup] = [copy for copy in copies if copy.parent.name == "backup"]
    tiles = [tile for row in window.duplicates.rows for tile in row.tiles.values()]
    [tile] = [tile for tile in tiles if tile.photo.path == backup.resolve()]
    assert tile.alike is not None and tile.alike.text() == "identical copy"

    big = dataclasses.replace(tile.photo, width=30000, height=20000, size=138_800_000)
    wide = _Tile(big, 1.0)
    qtbot.addWidget(wide)
    wide.show()
    text = wide.detail.text()
    assert text == "30,000 × 20,000\npixels\n138.8 MB"  # a panorama's pixels too wide for a line: none cut
    assert all(wide.detail.fontMetrics().horizontalAdvance(line) <= wide.detail.width() for line in text.splitlines())
    assert wide.detail.toolTip() == "30,000 × 20,000 pixels · 138.8 MB"
    photo = tile.photo
    assert tile.detail.text() == f"{photo.width:,} × {photo.height:,} pixels\n{humanize.file_size(photo.size)}"
    far = _Tile(dataclasses.replace(big, path=Path("/photos/Holiday 2024 — Côte d’Azur/pano.tif")), 1.0)
    qtbot.addWidget(far)
    assert far.folder.text().startswith("in Holiday 2024") and far.folder.text().endswith("…")  # its start says most


def test_the_keyboard_reaches_moves_among_and_switches_the_photos(qtbot, on_duplicates) -> None:
    """Tab from "Move to trash" lands on the first photo, arrows move left and right in a group
    and up and down between groups, Space and Enter switch a photo as a click does (the last kept
    one stays), and the photo with the focus is outlined and named with its state."""
    from PySide6.QtGui import QColor
    from PySide6.QtWidgets import QApplication

    from photoclip.gui import theme

    library, _, window = on_duplicates
    page = window.duplicates
    window.activateWindow()
    page.trash_button.setFocus()
    qtbot.keyClick(page.trash_button, Qt.Key.Key_Tab)
    top, below = page.rows[0], page.rows[1]
    keeper, copy = list(top.tiles)[:2]
    assert QApplication.focusWidget() is top.tiles[keeper]
    qtbot.keyClick(top.tiles[keeper], Qt.Key.Key_Space)
    assert top.kept == {keeper}  # the only kept photo cannot be let go
    name = top.tiles[keeper].photo.path
    assert top.tiles[keeper].accessibleName() == f"{name.name} in {name.parent.name}, kept"

    qtbot.keyClick(top.tiles[keeper], Qt.Key.Key_Right)
    assert QApplication.focusWidget() is top.tiles[copy]
    qtbot.keyClick(top.tiles[copy], Qt.Key.Key_Space)
    qtbot.keyClick(top.tiles[copy], Qt.Key.Key_Left)
    qtbot.keyClick(top.tiles[keeper], Qt.Key.Key_Return)
    assert top.kept == {copy} and page.trash_button.text() == f"Move {len(page.to_trash())} to trash"
    assert top.tiles[keeper].accessibleName().endswith(", to move to the trash")

    last = list(top.tiles.values())[-1]
    last.setFocus()
    qtbot.keyClick(last, Qt.Key.Key_Down)
    assert QApplication.focusWidget() is list(below.tiles.values())[min(len(top.tiles), len(below.tiles)) - 1]
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Up)
    assert QApplication.focusWidget() is list(top.tiles.values())[min(len(top.tiles), len(below.tiles)) - 1]

    focused = QApplication.focusWidget()
    qtbot.wait(50)  # the style takes in the focus
    edge = focused.grab().toImage()
    assert edge.pixelColor(1, edge.height() // 2) == QColor(theme.colours().text)
    other = next(tile for tile in top.tiles.values() if tile is not focused and tile.photo.id not in top.kept)
    assert other.grab().toImage().pixelColor(1, edge.height() // 2) != QColor(theme.colours().text)


@pytest.fixture
def with_a_big_group(qtbot, make_window, open_library, tmp_path):
    """The copies folder and a group of 16 with long names, on the Duplicates page: (window, its row)."""
    copies_folder(tmp_path / "photos")
    big_group(tmp_path / "photos" / "big", name="IMG_2024_a_long_afternoon_at_the_seaside {:02d}.jpg")
    library = open_library()
    library.index([tmp_path / "photos"])
    window = make_window(library, worker=True)
    open_duplicates(qtbot, window)
    big = max(window.duplicates.rows, key=lambda row: row.size)
    assert big.size == 16 and len(window.duplicates.rows) == 3
    return window, big


def lines_of(row) -> list[list[object]]:
    """A group's photos line by line as they are shown, left to right."""
    lines: dict[int, list[object]] = {}
    for tile in row.tiles.values():
        lines.setdefault(tile.y(), []).append(tile)
    return [sorted(lines[y], key=lambda tile: tile.x()) for y in sorted(lines)]


def page_width(qtbot, window, width: int) -> None:
    """Make the window as wide as gives its Duplicates page `width`, and let the layouts settle."""
    page = window.duplicates
    window.resize(window.width() + width - page.width(), 760)
    qtbot.waitUntil(lambda: abs(page.width() - width) <= 40, timeout=WAIT_MS)
    qtbot.wait(100)


@pytest.mark.parametrize("width", [700, 1600])
def test_a_wide_group_wraps_to_the_page_width_with_its_button_in_view(qtbot, with_a_big_group, width) -> None:
    """16 photos in one line held the page wider than the window: photos cut off at its edge and
    "Not duplicates" reached only by scrolling sideways."""
    from PySide6.QtCore import QPoint

    window, big = with_a_big_group
    page = window.duplicates
    page_width(qtbot, window, width)
    viewport = page.scroll.viewport()

    [apart] = [button for button in big.findChildren(QPushButton) if button.text() == "Not duplicates"]

    def fits() -> bool:
        rights = [w.mapTo(viewport, QPoint(w.width(), 0)).x() for w in [*big.tiles.values(), apart]]
        return page.scroll.horizontalScrollBar().maximum() == 0 and max(rights) <= viewport.width()

    qtbot.waitUntil(fits, timeout=WAIT_MS)
    lines = lines_of(big)
    assert sum(map(len, lines)) == 16 and len(lines) > 1 and apart.isVisible()
    assert all(len(line) == len(lines[0]) for line in lines[:-1])  # full lines, the rest on the last


def test_up_and_down_move_between_the_lines_of_a_wrapped_group_then_to_the_next(qtbot, with_a_big_group) -> None:
    """Up and Down keep to the photo above or below, line by line, before they leave the group;
    Left and Right go on in reading order from one line to the next; the page scrolls along."""
    from PySide6.QtWidgets import QApplication

    window, big = with_a_big_group
    page = window.duplicates
    page_width(qtbot, window, 700)
    qtbot.waitUntil(lambda: len(lines_of(big)) > 3, timeout=WAIT_MS)
    lines = lines_of(big)
    window.activateWindow()

    def press(key: Qt.Key) -> object:
        qtbot.keyClick(QApplication.focusWidget(), key)
        return QApplication.focusWidget()

    lines[0][1].setFocus()
    assert press(Qt.Key.Key_Down) is lines[1][1] and press(Qt.Key.Key_Up) is lines[0][1]
    lines[0][-1].setFocus()
    assert press(Qt.Key.Key_Right) is lines[1][0] and press(Qt.Key.Key_Left) is lines[0][-1]
    assert len(lines[-1]) < len(lines[-2])  # 16 photos: the last line is shorter
    lines[-2][-1].setFocus()
    assert press(Qt.Key.Key_Down) is lines[-1][-1]  # the nearest below
    assert not lines[-1][-1].visibleRegion().isEmpty()  # scrolled into view

    index = page.rows.index(big)
    lines[0][0].setFocus()
    if index > 0:  # up out of the group: the last line of the group above
        above = page.rows[index - 1]
        assert press(Qt.Key.Key_Up) is lines_of(above)[-1][0] and press(Qt.Key.Key_Down) is lines[0][0]
    lines[-1][0].setFocus()
    if index + 1 < len(page.rows):  # down out of it: the first line of the group below
        below = page.rows[index + 1]
        assert press(Qt.Key.Key_Down) is lines_of(below)[0][0] and press(Qt.Key.Key_Up) is lines[-1][0]


def test_a_photo_kept_stays_kept_when_the_groups_are_found_again(qtbot, on_duplicates) -> None:
    """Changing how alike photos must be (and back) found the groups again and put the photos
    the user had clicked to keep back in the trash, without a word."""
    library, copies, window = on_duplicates
    page = window.duplicates
    row = next(row for row in page.rows if len(row.tiles) == 3)
    [original] = row.kept
    copy = next(pid for pid in row.tiles if pid not in row.kept)
    qtbot.mouseClick(row.tiles[copy], Qt.MouseButton.LeftButton)  # keep this copy...
    qtbot.mouseClick(row.tiles[original], Qt.MouseButton.LeftButton)  # ... and trash the original instead
    for level in (2, 0):  # also similar shots, then copies only again
        page.level.setCurrentIndex(level)
        qtbot.waitUntil(lambda: not page._loading and bool(page.rows), timeout=WAIT_MS)
        [again] = [row for row in page.rows if copy in row.tiles]
        assert again.tiles[copy].state.text() == "✓ Keep" and again.tiles[original].state.text() == "Move to trash"
        assert copy not in {photo.id for photo in page.to_trash()} and copy not in page.kept_for()
        assert page.kept_for()[original] == tuple(sorted(again.kept))


def test_choices_hold_in_groups_on_pages_not_shown_yet(qtbot, on_duplicates, monkeypatch) -> None:
    """A group on a page not shown yet is trashed as it would show: with the user's choices."""
    from photoclip.gui import duplicates

    library, copies, window = on_duplicates
    page = window.duplicates
    kept = set()
    for row in page.rows:
        copy = next(pid for pid in row.tiles if pid not in row.kept)
        qtbot.mouseClick(row.tiles[copy], Qt.MouseButton.LeftButton)
        kept.add(copy)
    monkeypatch.setattr(duplicates, "PAGE", 1)
    page.level.setCurrentIndex(1)
    qtbot.waitUntil(lambda: not page._loading and bool(page.rows), timeout=WAIT_MS)
    assert page._waiting and kept & {pid for group, _ in page._waiting for pid in group.members}
    assert not kept & {photo.id for photo in page.to_trash()} and not kept & set(page.kept_for())
    assert page.trash_button.text() == f"Move {len(page.to_trash())} to trash"


def test_a_name_cut_short_on_its_tile_is_whole_in_its_tooltip_and_for_a_screen_reader(qtbot, tmp_path) -> None:
    from photoclip.catalog import Photo
    from photoclip.gui.app import make_app
    from photoclip.gui.duplicates import _Tile
    from photoclip.ids import PhotoId, RootId

    make_app()
    path = tmp_path / "Pictures" / "2024" / "IMG_0031_a_long_afternoon_at_the_seaside_overall.jpg"
    photo = Photo(PhotoId(1), RootId(1), path, 2_000_000, 0, None, 4000, 3000, None, "jpeg", "indexed", None)
    tile = _Tile(photo, 0.995)
    qtbot.addWidget(tile)
    tile.set_kept(False)
    name = tile.findChild(QLabel, "DupName")
    assert "…" in name.text() and name.text() != path.name
    assert tile.toolTip().startswith(f"{path}\n") and name.toolTip() == str(path)
    assert str(path) in tile.accessibleDescription() and name.accessibleDescription() == str(path)
    assert name.accessibleName() == path.name
    assert tile.accessibleName() == f"{path.name} in 2024, to move to the trash"


def test_copies_in_groups_not_yet_seen_are_named_in_the_question_and_may_stay(
    qtbot, make_window, open_library, tmp_path, monkeypatch
) -> None:
    from PySide6.QtWidgets import QMessageBox

    from photoclip.gui import duplicates

    monkeypatch.setattr(duplicates, "PAGE", 1)
    library, copies = indexed_copies(open_library, tmp_path)
    window = make_window(library, worker=True)
    open_duplicates(qtbot, window)
    page = window.duplicates
    shown = {tile.photo.path for row in page.rows for pid, tile in row.tiles.items() if pid not in row.kept}
    unseen = {c.resolve() for c in copies} - shown
    asked, answers = [], ["Cancel", f"Move only the {len(shown)} shown"]

    def answer(box: QMessageBox) -> int:
        asked.append((box.text(), [b.text() for b in box.buttons()]))
        [button] = [b for b in box.buttons() if b.text() == answers[len(asked) - 1]]
        button.click()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", answer)
    page.trash_button.click()
    assert asked[0][0].startswith("Move 3 photos") and all(c.exists() for c in copies)
    assert f"{len(unseen)} photo{'s' * (len(unseen) > 1)} of these" in asked[0][0] and "Show more" in asked[0][0]
    assert set(asked[0][1]) == {"Move all 3", f"Move only the {len(shown)} shown", "Cancel"}
    page.trash_button.click()
    qtbot.waitUntil(lambda: page.subtitle.text().startswith(f"Moved {len(shown)} photo"), timeout=WAIT_MS)
    assert not any(path.exists() for path in shown) and all(path.exists() for path in unseen)


def test_copies_in_folders_of_one_name_are_told_apart_by_their_parents(qtbot) -> None:
    """Copies in 2019/Trip and 2021/Trip both said "in Trip": which to keep was a guess."""
    from photoclip.catalog import Photo
    from photoclip.dedup import DuplicateGroup
    from photoclip.gui.app import make_app
    from photoclip.gui.duplicates import GroupRow
    from photoclip.ids import PhotoId, RootId

    make_app()
    folders = ["/p/2019/Trip", "/p/2021/Trip", "/p/sent", "/p/Summer holidays in the mountains of 2019/Trip",
               "/p/Summer holidays in the mountains of 2020/Trip"]
    photos = {PhotoId(i): Photo(PhotoId(i), RootId(1), Path(folder) / "IMG_0001.jpg", 2_000_000, 0, None, 4000, 3000,
                                None, "jpeg", "indexed", None) for i, folder in enumerate(folders, 1)}
    row = GroupRow(DuplicateGroup(PhotoId(1), tuple(photos)[1:], (0.995,) * 4, False), photos, {})
    qtbot.addWidget(row)
    named = [tile.folder.text() for tile in row.tiles.values()]
    assert named[:3] == ["in 2019/Trip", "in 2021/Trip", "in sent"]
    assert len(set(named)) == len(named) and all("…" in name and name.endswith("/Trip") for name in named[3:])
    assert [tile.folder.toolTip() for tile in row.tiles.values()] == folders
    assert row.tiles[PhotoId(1)].accessibleName() == "IMG_0001.jpg in 2019/Trip, kept"


def test_names_alike_but_in_their_middle_are_told_apart_on_two_lines(qtbot) -> None:
    """Cut in their middle on one line, IMG_20190612_0001.jpg and IMG_20190613_0001.jpg both read "IMG_20…01.jpg"."""
    from photoclip.catalog import Photo
    from photoclip.gui.app import make_app
    from photoclip.gui.duplicates import TILE_SIDE, _Tile
    from photoclip.ids import PhotoId, RootId

    make_app()
    names = []
    for i, day in enumerate(("0612", "0613"), 1):
        path = Path(f"/p/IMG_2019{day}_0001.jpg")
        tile = _Tile(Photo(PhotoId(i), RootId(1), path, 1, 0, None, 40, 30, None, "jpeg", "indexed", None), 0.99)
        qtbot.addWidget(tile)
        names.append(tile.name.text())
        assert tile.name.toolTip() == str(path)
        assert all(tile.name.fontMetrics().horizontalAdvance(line) <= TILE_SIDE for line in names[-1].splitlines())
    assert names[0] != names[1] and [name.replace("\n", "") for name in names] == [
        "IMG_20190612_0001.jpg", "IMG_20190613_0001.jpg"]


def a_group_of(names_and_sizes: list[tuple[str, int, int, int]]) -> tuple[list[Photo], GroupRow]:
    """A GroupRow of photos at /p/Trip/<name>, (name, width, height, bytes) each, the first kept."""
    from photoclip.dedup import DuplicateGroup
    from photoclip.gui.app import make_app
    from photoclip.gui.duplicates import GroupRow
    from photoclip.ids import PhotoId, RootId

    make_app()
    photos = [Photo(PhotoId(i), RootId(1), Path("/p/Trip") / name, size, 0, None, width, height, None, "jpeg",
                    "indexed", None) for i, (name, width, height, size) in enumerate(names_and_sizes, 1)]
    ids = tuple(photo.id for photo in photos)
    group = DuplicateGroup(ids[0], ids[1:], (0.995,) * (len(ids) - 1), False)
    return photos, GroupRow(group, {photo.id: photo for photo in photos}, {})


def test_every_tile_of_a_group_writes_its_pixels_as_the_preview_does_and_a_fact_a_line(qtbot) -> None:
    """"1600×900" stood on its own line above "69.2 kB" on one tile, "800×500 · 22.9 kB" shared a
    line on the next, and the preview and Compare wrote "1,600 × 900 pixels"."""
    from photoclip.gui.compare import facts

    photos, row = a_group_of([("rhythm.jpg", 1600, 1000, 116_200), ("rhythm small.jpg", 800, 500, 22_900),
                              ("rhythm scan.tif", 1200, 750, 4_100_000)])
    qtbot.addWidget(row)
    row.show()
    details = [tile.detail for tile in row.tiles.values()]
    assert [label.text() for label in details] == [
        "1,600 × 1,000 pixels\n116.2 kB", "800 × 500 pixels\n22.9 kB", "1,200 × 750 pixels\n4.1 MB"]
    assert [label.toolTip() for label in details] == [
        "1,600 × 1,000 pixels · 116.2 kB", "800 × 500 pixels · 22.9 kB", "1,200 × 750 pixels · 4.1 MB"]
    assert all(label.fontMetrics().horizontalAdvance(line) <= label.width()
               for label in details for line in label.text().splitlines())
    assert ("Dimensions", "1,600 × 1,000 pixels") in facts(photos[0], True)  # the Compare dialog's words


def shown_names(row) -> list[str]:
    return [tile.name.text() for tile in row.tiles.values()]


def test_names_of_a_group_cut_short_keep_the_letters_that_tell_them_apart(qtbot) -> None:
    """"umang by Abhishek_Mudgal.jpg" and "umang by Abhishek_Mudgal - Copy.jpg" were both cut in
    the middle of their second line, "Abhishe…gal.jpg" and "Abhishe…opy.jpg": "- Copy" was lost."""
    from photoclip.gui.duplicates import _Tile

    names = ["umang by Abhishek_Mudgal.jpg", "umang by Abhishek_Mudgal - Copy.jpg",
             "a long afternoon by the lake house with everyone (1) edited for the album.jpg",
             "a long afternoon by the lake house with everyone (2) edited for the album.jpg"]
    _, row = a_group_of([(name, 1600, 900, 69_200) for name in names])
    qtbot.addWidget(row)
    shown = shown_names(row)
    assert all("…" in text for text in shown)  # each too long for the tile: cut short
    assert shown[0].endswith("Mudgal.jpg") and shown[1].endswith("- Copy.jpg")  # not "…gal.jpg", "…opy.jpg"
    assert "(1)" in shown[2] and "(2)" in shown[3] and shown[2].endswith(".jpg")
    for tile, name in zip(row.tiles.values(), names, strict=True):
        assert all(tile.name.fontMetrics().horizontalAdvance(line) <= tile.name.width()
                   for line in tile.name.text().splitlines())
        assert tile.name.toolTip() == str(Path("/p/Trip") / name)  # the whole name, on hover
    same = "IMG_20190612_a_long_afternoon_at_the_seaside.jpg"
    photos, alike = a_group_of([(same, 1600, 900, 69_200), (same, 800, 450, 20_000)])
    qtbot.addWidget(alike)  # names that do not differ at all: cut in their middle as alone, both ends kept
    alone = _Tile(photos[0], None)
    qtbot.addWidget(alone)
    assert shown_names(alike) == [alone.name.text()] * 2
    assert alone.name.text().startswith("IMG_20190612_") and "…" in alone.name.text()


def test_where_names_differ_is_the_start_each_shares_with_the_name_most_like_it() -> None:
    from photoclip.gui.duplicates import first_differences

    assert first_differences(["b.jpg", "a - Copy.jpg", "a.jpg", "a (2).jpg"]) == [0, 2, 1, 2]
    assert first_differences(["same.jpg", "same.jpg"]) == [8, 8]


def test_a_groups_photos_are_compared_large_side_by_side_with_their_facts(qtbot, on_duplicates) -> None:
    """A tile's thumbnail is too small to tell a copy saved smaller from its original: "Compare",
    or a double-click on a photo, shows the group large, with each photo's size, dimensions, date
    and path; the double-click leaves the photo kept or not as it was."""
    from PySide6.QtWidgets import QApplication

    from photoclip import humanize
    from photoclip.gui.compare import COMPARE_SIDE, CompareDialog

    library, copies, window = on_duplicates
    page = window.duplicates
    row = next(row for row in page.rows if len(row.tiles) == 3)  # the original, its backup and its smaller copy
    tile = next(tile for pid, tile in row.tiles.items() if pid not in row.kept)
    qtbot.mouseDClick(tile, Qt.MouseButton.LeftButton)
    dialog = QApplication.activeModalWidget()
    assert isinstance(dialog, CompareDialog) and tile.photo.id not in row.kept  # as it was
    assert [column.photo for column in dialog.columns] == [t.photo for t in row.tiles.values()]
    for column in dialog.columns:
        photo = column.photo
        assert column.facts["Path"].toolTip() == column.facts["Path"].text().replace("\u200b", "") == str(photo.path)
        assert column.facts["Size"].text() == humanize.file_size(photo.size)
        assert column.facts["Dimensions"].text() == f"{photo.width:,} × {photo.height:,} pixels"
        assert column.facts["Taken"].text().startswith("unknown · file from ")
    big = max(dialog.columns, key=lambda column: column.photo.width)
    qtbot.waitUntil(lambda: big.canvas.pixmap().width() == min(big.photo.width, COMPARE_SIDE), timeout=WAIT_MS)
    page.mark_stale()
    assert not page.reload_if_stale() and page.reload_button.isVisibleTo(page)  # the groups stay under it
    dialog.close()
    qtbot.mouseClick(row.compare, Qt.MouseButton.LeftButton)
    assert isinstance(QApplication.activeModalWidget(), CompareDialog)
    QApplication.activeModalWidget().close()


def test_each_copy_is_named_by_its_folder_among_its_groups() -> None:
    """The way down from the folder the copies share: a backup's year folder alone ("2023")
    hid that it is the backup."""
    from photoclip.gui.duplicates import group_folders

    photos = Path("/home/ana/photos")
    assert group_folders([photos / "Camera", photos / "Backup" / "2023", photos / "WhatsApp Images"]) == [
        "Camera", "Backup/2023", "WhatsApp Images"]
    assert group_folders([photos, photos / "sent"]) == ["photos", "sent"]
    assert group_folders([photos / "2019", photos / "2019"]) == ["2019", "2019"]
    assert group_folders([photos / "a", Path("/media/usb/old/2019/Trip")]) == ["…/photos/a", "…/2019/Trip"]


def one_photo_on_duplicates(qtbot, make_window, open_library, folder: Path, worker: bool = False):
    """A library of one photo in `folder`, its window on the Duplicates page: no copies there."""
    write_photo(folder / "one.jpg", seed=1)
    library = open_library()
    library.index([folder])
    window = make_window(library, worker=worker)
    window.sidebar.tree.setCurrentItem(window.sidebar.duplicates)
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.duplicates and not window.duplicates._loading,
                    timeout=WAIT_MS)
    return window


def test_while_photos_are_indexed_a_page_without_copies_says_more_are_to_come(
    qtbot, make_window, open_library, tmp_path
) -> None:
    from photoclip.worker import IndexProgress

    window = one_photo_on_duplicates(qtbot, make_window, open_library, tmp_path / "photos")
    page = window.duplicates
    assert (page.subtitle.text(), page.empty.text()) == ("No duplicates", "No copies found among the indexed photos.")

    window._on_progress(IndexProgress(done=10, total=3000, failed=0, rate=30.0, eta_s=99.0, current=None,
                                      paused=False))
    assert page.subtitle.text() == "No duplicates yet" and "being indexed" in page.empty.text()
    window._on_idle()
    qtbot.waitUntil(lambda: page.subtitle.text() == "No duplicates", timeout=WAIT_MS)


def test_a_page_without_copies_in_a_library_without_photos_says_to_add_a_folder(
    qtbot, make_window, open_library, tmp_path
) -> None:
    window = one_photo_on_duplicates(qtbot, make_window, open_library, tmp_path / "photos", worker=True)
    page = window.duplicates
    assert page.empty.text() == "No copies found among the indexed photos."
    assert page.add_button.isHidden()
    window.worker.remove_root(tmp_path / "photos")
    qtbot.waitUntil(lambda: page.empty.text() == "Add a folder of photos, and the copies among them show here.",
                    timeout=WAIT_MS)
    assert page.subtitle.text() == "No photos indexed yet"  # not "No duplicates": there was nothing to look among
    assert page.add_button.isVisible() and page.add_button.isEnabled()


def test_the_add_folder_button_of_a_page_without_photos_adds_the_folder_chosen_and_the_page_stays(
    qtbot, make_window, open_library, tmp_path, monkeypatch
) -> None:
    from PySide6.QtWidgets import QFileDialog

    folder = tmp_path / "photos"
    write_photo(folder / "one.jpg", seed=1)
    asked: list[str] = []
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *args: asked.append(args[1]) or str(folder))
    window = make_window(open_library(), worker=True)
    window.sidebar.tree.setCurrentItem(window.sidebar.duplicates)
    page = window.duplicates
    qtbot.waitUntil(lambda: window.pages.currentWidget() is page and page.add_button.isVisible(), timeout=WAIT_MS)
    assert page.subtitle.text() == "No photos indexed yet"

    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    assert asked == ["Add a folder of photos"]  # the sidebar's "Add folder…" asks the same
    assert window.pages.currentWidget() is page  # not the grid, under a header of the page before
    qtbot.waitUntil(lambda: window.status is not None and window.status.counts.indexed == 1
                    and not window.worker.busy, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: page.subtitle.text() == "No duplicates" and page.add_button.isHidden(), timeout=WAIT_MS)
    assert window.pages.currentWidget() is page and window.view.kind == "duplicates"


def test_enter_presses_the_pages_buttons_as_space_does(qtbot, on_duplicates, monkeypatch) -> None:
    _, _, window = on_duplicates
    page = window.duplicates
    asked: list[int] = []
    page.trash_requested.connect(lambda chosen: asked.append(len(chosen)))
    answer_questions(monkeypatch, False)  # the window asks before moving anything: no
    window.show()
    page.trash_button.setFocus()
    qtbot.keyClick(page.trash_button, Qt.Key.Key_Return)
    assert asked == [len(page.to_trash())] and asked[0] > 0


def _page_given_its_groups(qtbot):
    """A Duplicates page shown, that reads nothing: its groups are given to it (_arrived), and no
    thumbnail is asked for."""
    from photoclip.gui.duplicates import DuplicatesPage
    from photoclip.gui.ops import Ops
    from photoclip.gui.thumbnails import ThumbnailLoader

    loader = ThumbnailLoader(None, side=132)  # type: ignore[arg-type]
    loader._request = lambda pid: None
    page = DuplicatesPage(Ops(None), loader)  # type: ignore[arg-type]
    qtbot.addWidget(page)
    page.resize(1200, 800)
    page.show()
    return page


def test_a_page_of_many_groups_comes_a_slice_at_a_time_and_the_page_before_goes_so_too(qtbot) -> None:
    """Forty groups of a dozen copies are some 3,000 widgets: made at once they held the GUI thread
    300-500 ms, and finding the groups again (another similarity) also deleted the page before at
    once: 800 ms (bench/gui_responsiveness.py). The groups go on the page, and the old ones go, a
    slice of time at a time; the page is whole, and its choices right, once loading ends."""
    from shiboken6 import isValid

    from photoclip.catalog import Photo
    from photoclip.dedup import DuplicateGroup
    from photoclip.gui.app import make_app
    from photoclip.ids import PhotoId, RootId

    make_app()
    photos = {PhotoId(i): Photo(PhotoId(i), RootId(1), Path(f"/p/{i // 12}/IMG_{i:04d}.jpg"), 2_000_000, 0, None,
                                4000, 3000, None, "jpeg", "indexed", None) for i in range(1, 1201)}
    ids = list(photos)
    groups = [DuplicateGroup(ids[i], tuple(ids[i + 1:i + 12]), (0.99,) * 11, False) for i in range(0, 1200, 12)]
    page = _page_given_its_groups(qtbot)
    qtbot.waitExposed(page)
    before: list = []
    for seq in (1, 2):  # found, and found again at another similarity
        page._seq, page._loading = seq, True
        page._arrived(seq, groups, photos)
        assert page._loading and len(page.rows) < 40  # the rest after the window has answered
        assert all(row.isHidden() for row in before)  # the page before is gone from sight at once...
        qtbot.waitUntil(lambda: not page._loading, timeout=WAIT_MS)
        qtbot.waitUntil(lambda: not any(isValid(row) for row in before), timeout=WAIT_MS)  # ...and deleted since
        assert len(page.rows) == 40 and all(len(row.tiles) == 12 for row in page.rows)
        assert len(page.to_trash()) == 100 * 11 and page.more.text() == "Show 40 more of 60 groups"
        before = list(page.rows)


def test_building_a_page_counts_the_groups_still_waiting_once_not_on_every_slice(qtbot, monkeypatch) -> None:
    """What "Move to trash" moves from the groups not on the page yet was counted again on every
    slice of building: with 3,000 groups that held the GUI thread longer than the building itself.
    It is counted once, kept up as groups are built, and counted again when a choice changes; the
    button and the subtitle say what to_trash() moves all along."""
    from photoclip import humanize
    from photoclip.catalog import Photo
    from photoclip.dedup import DuplicateGroup
    from photoclip.gui.app import make_app
    from photoclip.ids import PhotoId, RootId

    make_app()
    photos = {PhotoId(i): Photo(PhotoId(i), RootId(1), Path(f"/p/{i // 3}/IMG_{i:04d}.jpg"), 1_000_000 + i, 0, None,
                                4000, 3000, None, "jpeg", "indexed", None) for i in range(1, 6001)}
    ids = list(photos)
    groups = [DuplicateGroup(ids[i], tuple(ids[i + 1:i + 3]), (0.99,) * 2, False) for i in range(0, 6000, 3)]
    page = _page_given_its_groups(qtbot)
    counted: list[PhotoId] = []
    unkept = page._unkept
    monkeypatch.setattr(page, "_unkept", lambda group: counted.append(group.keeper) or unkept(group))

    def says_what_it_trashes() -> None:
        before = len(counted)
        chosen = page.to_trash()
        del counted[before:]  # the test's own count
        assert page.trash_button.text() == f"Move {len(chosen):,} to trash"
        size = humanize.file_size(sum(photo.size for photo in chosen))
        assert f"{len(chosen):,} photos to move to the trash ({size})" in page.subtitle.text()

    page._seq, page._loading = 1, True
    page._arrived(1, groups, photos)
    for _ in range(3):
        qtbot.waitUntil(lambda: not page.building, timeout=WAIT_MS)
        says_what_it_trashes()
        page.more.click()
        assert page.building  # the rest after the window has answered
    qtbot.waitUntil(lambda: not page.building, timeout=WAIT_MS)
    assert len(page.rows) == 160
    says_what_it_trashes()
    assert len(counted) < len(groups) + 2 * len(page.rows)  # once, and each group built once more
    page.rows[0].toggle(page.rows[0].members[1])  # kept now: in the groups waiting, too
    says_what_it_trashes()
    assert len(page.to_trash()) == 2 * len(groups) - 1


def test_trashing_copies_of_several_groups_says_a_copy_is_kept_in_each(qtbot, on_duplicates, monkeypatch) -> None:
    """The question said "the copy kept stays where it is" of the copies of two groups."""
    library, copies, window = on_duplicates
    asked = answer_questions(monkeypatch, False)
    window.duplicates.trash_button.click()
    assert len(window.duplicates.rows) == 2
    assert "; the copy kept in each group stays where it is, and takes the tags you gave these." in asked[0][0]
    assert all(c.exists() for c in copies)


def test_hebrew_and_arabic_names_on_tiles_keep_their_extension_at_the_end_and_wrap_without_a_space(qtbot) -> None:
    """A name wrapped after a space kept it at its first line's end: in right-to-left words that
    space pushed the line past the tile's edge, its first letter cut. "صورة.jpg" read "jpg.صورة"."""
    from photoclip.catalog import Photo
    from photoclip.gui.app import make_app
    from photoclip.gui.duplicates import TILE_SIDE, _Tile
    from photoclip.gui.wrapping import LEFT_TO_RIGHT_ISOLATE
    from photoclip.ids import PhotoId, RootId
    from tests.test_gui_wrapping import drawn_at

    make_app()
    names = ["חופשה משפחתית בים המלח ביולי 2017.jpg", "صورة.jpg"]
    lines_of = []
    for i, name in enumerate(names, 1):
        path = Path("/p/عطلة/حديقة") / name
        photo = Photo(PhotoId(i), RootId(1), path, 1, 0, None, 40, 30, None, "jpeg", "indexed", None)
        tile = _Tile(photo, 0.99, "عطلة/حديقة")
        qtbot.addWidget(tile)
        lines = tile.name.text().split("\n")
        lines_of.append(len(lines))
        assert all(LEFT_TO_RIGHT_ISOLATE in line[:2] and not line[2:-1].endswith(" ") for line in lines)
        assert all(tile.name.fontMetrics().horizontalAdvance(line) <= TILE_SIDE for line in lines)
        last = lines[-1]
        x = drawn_at(last, tile.name.font())
        assert max(x[:last.index(".")]) < x[last.index(".")]  # ".jpg" last, on the right
        folder = tile.folder.text()
        x = drawn_at(folder, tile.folder.font())
        slash = folder.index("/")
        arabic = [at for at, char in enumerate(folder) if "\u0600" <= char <= "\u06ff"]
        before, after = [x[at] for at in arabic if at < slash], [x[at] for at in arabic if at > slash]
        assert sum(before) / len(before) < x[slash] < sum(after) / len(after)  # "in عطلة/حديقة": in order
    assert lines_of == [2, 1]
