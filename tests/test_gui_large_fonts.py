"""The app under a large system font (16 to 20 points, what people with low vision choose): headings
stay larger than the text they head, and no dialog, tile or panel cuts or overlaps its text (nor at
the usual font, where a long name did)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QStyle,
    QWidget,
)

from photoclip import config
from photoclip.catalog import Photo
from photoclip.gui import theme
from photoclip.gui.app import make_app
from photoclip.ids import PhotoId, RootId
from tests.gui_support import WAIT_MS, make_window  # noqa: F401
from tests.helpers import write_photo


@pytest.fixture
def app_font_of() -> Iterator[Callable[[float], None]]:
    """app_font_of(points): the app restyled at that font size; back at the usual one after."""
    app = make_app()
    usual = QFont(app.font())

    def restyle(points: float) -> None:
        font = QFont(usual)
        font.setPointSizeF(points)
        app.setFont(font)
        make_app()

    yield restyle
    app.setFont(usual)
    make_app()


def styled_font(qtbot, widget: QWidget, name: str) -> float:
    widget.setObjectName(name)
    qtbot.addWidget(widget)
    widget.ensurePolished()
    return widget.font().pointSizeF()


def area_in(widget: QWidget, window: QWidget) -> QRect:
    return QRect(widget.mapTo(window, widget.rect().topLeft()), widget.size())


def shown(window: QWidget, kind: type[QWidget]) -> list[QWidget]:
    return [w for w in window.findChildren(kind) if w.isVisibleTo(window)]


def cut_buttons(window: QWidget) -> list[str]:
    """The buttons narrower than their text and padding need."""
    return [b.text() for b in shown(window, QAbstractButton) if b.width() < b.sizeHint().width()]


def test_headings_and_the_search_field_grow_with_a_larger_system_font(qtbot, app_font_of) -> None:
    app_font_of(18)
    assert styled_font(qtbot, QLabel("Library"), "ViewTitle") == pytest.approx(27)
    assert styled_font(qtbot, QLabel("photoclip"), "AppTitle") > 18
    assert styled_font(qtbot, QLabel("Welcome"), "WelcomeTitle") > 18
    assert styled_font(qtbot, QLineEdit(), "SearchField") >= 18
    assert styled_font(qtbot, QPushButton("Add a folder"), "BigButton") >= 18


def test_the_style_sheets_sizes_are_unchanged_at_the_default_font(qtbot, app_font_of) -> None:
    app_font_of(theme.REFERENCE_POINT_SIZE)
    assert styled_font(qtbot, QLabel("Library"), "ViewTitle") == 15
    assert styled_font(qtbot, QLineEdit(), "SearchField") == 11
    assert "font-size: 10pt" in theme.style_sheet(theme.LIGHT, 10.0)


def test_a_desktop_font_given_in_pixels_is_kept_and_the_headings_follow_it(qtbot, app_font_of) -> None:
    """A desktop font sized in pixels (27 px: 20 points at 96 dpi) was replaced by 10 points."""
    app = QApplication.instance()
    font = QFont(app.font())
    font.setPixelSize(27)
    app.setFont(font)
    make_app()
    assert app.font().pixelSize() == 27
    points = theme.point_size(app.font())
    assert points > 18
    assert styled_font(qtbot, QLabel("Library"), "ViewTitle") == pytest.approx(1.5 * points, rel=0.01)


def test_headings_follow_a_font_made_larger_while_the_app_runs(qtbot, app_font_of) -> None:
    """The desktop's font set to 20 points with photoclip open: the text grew, the headings, the search
    field and the sidebar's section titles stayed at their 10-point sizes (smaller than the text they head)."""
    from photoclip.gui.sidebar import Sidebar

    app_font_of(theme.REFERENCE_POINT_SIZE)
    sidebar = Sidebar()
    qtbot.addWidget(sidebar)
    sidebar.show()
    font = QFont(QApplication.font())
    font.setPointSizeF(20)
    QApplication.setFont(font)  # what Qt does when the desktop's font changes; photoclip is not asked
    assert styled_font(qtbot, QLabel("Library"), "ViewTitle") == pytest.approx(30)
    assert styled_font(qtbot, QLineEdit(), "SearchField") == pytest.approx(22)
    assert sidebar.tree.topLevelItem(0).font(0).pointSizeF() == pytest.approx(16)


@pytest.mark.parametrize("points", [16, 20])
def test_the_settings_dialog_grows_to_its_rows_at_a_large_font(qtbot, app_font_of, points) -> None:
    from photoclip.gui.settings_dialog import SettingsDialog

    app_font_of(points)
    dialog = SettingsDialog(config.Settings())
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    QApplication.processEvents()

    assert cut_buttons(dialog) == []
    labels = [label for label in shown(dialog, QLabel) if not label.wordWrap()]
    assert [label.text() for label in labels if label.width() < label.sizeHint().width()] == []
    below = area_in(dialog.excluded, dialog)
    assert all(not area_in(w, dialog).intersects(below) for w in (dialog.vocabulary_label, dialog.choose_vocabulary))
    assert dialog.excluded.height() >= 5 * dialog.excluded.fontMetrics().lineSpacing()


def a_photo(path: str) -> Photo:
    return Photo(id=PhotoId(1), root_id=RootId(1), path=Path(path), size=37_600, mtime_ns=0, hash=None, width=320,
                 height=320, taken_at=None, format="JPEG", status="indexed", failure=None)


@pytest.mark.parametrize("points", [16, 20])
def test_a_duplicates_tile_widens_so_its_verdict_and_likeness_are_never_cut(qtbot, app_font_of, points) -> None:
    from photoclip.gui.duplicates import TILE_SIDE, _Tile

    app_font_of(points)
    tiles = []
    for kept in (True, False):
        tile = _Tile(a_photo("/photos/Backup/IMG_20190612_0001.jpg"), 1.0)
        qtbot.addWidget(tile)
        tile.set_kept(kept)
        tile.show()
        tiles.append(tile)
    QApplication.processEvents()

    labels = [label for tile in tiles for label in (tile.state, tile.alike) if label is not None]
    assert [label.text() for label in labels if label.width() < label.sizeHint().width()] == []
    for tile in tiles:
        assert all(tile.name.fontMetrics().horizontalAdvance(line) <= tile.name.width()
                   for line in tile.name.text().splitlines())
        assert tile.image.width() == TILE_SIDE  # the thumbnail keeps its size, in the middle of the wider tile


@pytest.mark.parametrize("points", [10, 16])
def test_the_compare_dialog_shows_a_long_name_and_path_whole(
    qtbot, app_font_of, open_library, tmp_path, points
) -> None:
    """A file name has no space to wrap at: it was cut at the column's edge, and the path under it
    was clipped top and bottom, even at the usual font."""
    from photoclip.gui.compare import COMPARE_SIDE, CompareDialog
    from photoclip.gui.ops import Ops

    app_font_of(points)
    path = tmp_path / "Backup of phone 2019 - a long folder name" / "IMG_20190612_0007_copy_with_a_rather_long_name.jpg"
    write_photo(path, seed=1)
    photo = a_photo(str(path))
    ops = Ops(open_library())
    dialog = CompareDialog(ops, [photo], {photo.id}, lambda _pid: None, total=1)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    [column] = dialog.columns
    qtbot.waitUntil(lambda: column.canvas.pixmap() is not None, timeout=WAIT_MS)

    name = column.findChild(QLabel, "DupName")
    for label in (name, *column.facts.values()):
        assert label.height() >= label.heightForWidth(label.width()), label.text()
        lines = label.fontMetrics().boundingRect(QRect(0, 0, label.width(), 10_000), Qt.TextFlag.TextWordWrap,
                                                 label.text())
        assert lines.width() <= label.width(), label.text()
    assert column.width() == COMPARE_SIDE
    assert name.accessibleName() == path.name
    assert column.facts["Path"].text().replace("\u200b", "") == column.facts["Path"].accessibleName() == str(path)


@pytest.mark.parametrize("points", [10, 16, 20])
def test_the_preview_panel_widens_with_the_font_so_its_buttons_and_keys_show_whole(
    qtbot, app_font_of, open_library, points
) -> None:
    from photoclip.gui.ops import Ops
    from photoclip.gui.preview import INFO_WIDTH, PreviewPage

    app_font_of(points)
    page = PreviewPage(Ops(open_library()))
    qtbot.addWidget(page)
    page.resize(1000, 700)
    page.show()
    qtbot.waitExposed(page)
    QApplication.processEvents()

    panel = page.info_scroll.parentWidget()
    buttons = (page.similar_button, page.open_button, page.folder_button)
    assert [b.text() for b in buttons if b.width() < b.sizeHint().width() or b.height() < b.sizeHint().height()] == []
    assert page.keys_hint.width() >= page.keys_hint.sizeHint().width()
    assert panel.width() == INFO_WIDTH if points == theme.REFERENCE_POINT_SIZE else panel.width() > INFO_WIDTH


def test_an_empty_views_message_shows_every_line_at_a_large_font(qtbot, app_font_of) -> None:
    """The message was drawn into a fixed 460×80 box: at 20 points its third line was cut off."""
    from photoclip.gui.grid import PhotoGridView
    from tests.test_gui_theme import contrast

    app_font_of(20)
    view = PhotoGridView()
    qtbot.addWidget(view)
    view.resize(900, 700)
    lines = ["No photos are indexed yet.", "Add a folder of photos to start,", "or plug in the drive",
             "that holds them,", "or wait for indexing to finish."]
    view.set_empty_state("library", "Nothing here yet", "\n".join(lines))
    view.show()
    qtbot.waitExposed(view)
    image = view.viewport().grab().toImage()
    surface = theme.colours().surface
    inked = [y for y in range(image.height())
             if any(contrast(image.pixelColor(x, y).name(), surface) >= 3 for x in range(0, image.width(), 2))]
    assert inked, "nothing drawn"
    needed = len(lines) * view.fontMetrics().lineSpacing()
    assert inked[-1] - inked[0] >= needed  # from the title's top to the last line's bottom
    assert inked[-1] < image.height() - 1


def icon_sides(sidebar, menu: QMenu, field: QLineEdit, banner) -> dict[str, int]:
    metric = QStyle.PixelMetric
    return {"sidebar's entries": sidebar.tree.iconSize().width(),
            "Tags' +": sidebar.new_tag_button.iconSize().width(),
            "settings button": sidebar.settings_button.iconSize().width(),
            "Add folder": sidebar.add_button.iconSize().width(),
            "menu": menu.style().pixelMetric(metric.PM_SmallIconSize, None, menu),
            "search field": field.style().pixelMetric(metric.PM_LineEditIconSize, None, field),
            "banner's close": banner._close.iconSize().width(),
            "banner's icon": banner._icon.pixmap().deviceIndependentSize().width()}


def test_icons_grow_with_a_font_made_larger_while_the_app_runs(qtbot, app_font_of) -> None:
    """At 16 points the sidebar's icons, the Tags "+" and the settings button's stayed their 10-point
    sizes (some 12 pixels drawn) beside 21-pixel text; so did the menus' and the search field's."""
    from photoclip.gui.banner import Banner
    from photoclip.gui.sidebar import Sidebar

    app_font_of(theme.REFERENCE_POINT_SIZE)
    sidebar, menu, field, banner = Sidebar(), QMenu(), QLineEdit(), Banner()
    for widget in (sidebar, menu, field, banner):
        qtbot.addWidget(widget)
    sidebar.show()
    banner.show_message("The model could not be loaded")
    usual = icon_sides(sidebar, menu, field, banner)
    font = QFont(QApplication.font())
    font.setPointSizeF(16)
    QApplication.setFont(font)  # what Qt does when the desktop's font changes
    large = icon_sides(sidebar, menu, field, banner)
    assert {name: side for name, side in large.items() if side < 1.5 * usual[name]} == {}
    button = sidebar.new_tag_button
    assert button.width() >= button.iconSize().width() and button.height() >= button.iconSize().height()
    assert sidebar.settings_button.width() > sidebar.settings_button.iconSize().width()


@pytest.mark.parametrize("points", [theme.REFERENCE_POINT_SIZE, 16])
def test_the_window_narrows_to_800_pixels_at_16_points_on_all_photos_and_duplicates(
    qtbot, app_font_of, make_window, open_library, tmp_path, points
) -> None:
    """At 16 points it could not be made narrower than 877 pixels on the Duplicates page: its level
    and its trash button side by side held it wide. At the usual font it stays 640 at the least."""
    from tests.test_gui_duplicates import indexed_copies, open_duplicates

    app_font_of(points)
    library, _ = indexed_copies(open_library, tmp_path)
    window = make_window(library)
    narrowest = 640 if points == theme.REFERENCE_POINT_SIZE else 800
    qtbot.waitUntil(lambda: window.model.rowCount() > 0, timeout=WAIT_MS)
    assert window.minimumSizeHint().width() <= narrowest
    open_duplicates(qtbot, window)
    qtbot.wait(300)  # the layouts take in the page's texts
    assert window.minimumSizeHint().width() <= narrowest
    assert window.minimumSize().width() >= 640

    window.resize(narrowest, 600)
    qtbot.waitUntil(lambda: window.width() == narrowest, timeout=WAIT_MS)
    page = window.duplicates
    header = page.trash_button.parentWidget()
    controls = (page.level, page.trash_button)

    def whole() -> bool:
        """Each at its width, inside the header, neither over the other."""
        return (all(c.width() >= c.sizeHint().width() and header.rect().contains(c.geometry()) for c in controls)
                and not page.level.geometry().intersects(page.trash_button.geometry()))

    qtbot.waitUntil(whole, timeout=WAIT_MS)


@pytest.mark.parametrize("points", [theme.REFERENCE_POINT_SIZE, 16])
def test_the_model_banner_keeps_its_buttons_and_message_whole_in_a_low_window(
    qtbot, app_font_of, make_window, open_library, tmp_path, points
) -> None:
    """At 16 points in 800×560 it needed more height than the window had: its layout squeezed its
    buttons to 20 pixels, cutting their text top and bottom, and cut its message after three lines.
    It scrolls now, each part at its whole height, the grid at its least; at the usual font the
    grid gives it all the height it needs and it does not scroll."""
    from tests.gui_support import show_model_unavailable, six_photos_in_a_small_window

    app_font_of(points)
    window = six_photos_in_a_small_window(qtbot, make_window, open_library, tmp_path / "photos")
    banner, _ = show_model_unavailable(qtbot, window)

    assert window.size() == QSize(800, 560)
    buttons = [b for b in banner.findChildren(QPushButton) if b.isVisibleTo(banner)]
    assert len(buttons) == 3
    assert [b.text() for b in buttons if b.height() < b.sizeHint().height()] == []
    assert all(banner.rect().contains(area_in(b, banner)) for b in buttons)
    text = banner.text
    assert text.height() >= text.heightForWidth(text.width())
    assert banner.rect().contains(area_in(text, banner))
    assert window.pages.height() >= window.pages.minimumSizeHint().height()
    if points == theme.REFERENCE_POINT_SIZE:
        assert window._banner_box.verticalScrollBar().maximum() == 0


def cut_facts(page) -> list[str]:
    """The facts and tags the facts' area shows in part: cut by its bottom edge or its right one."""
    viewport = page.info_scroll.viewport()
    seen = viewport.rect()
    cut = []
    for widget in (*shown(viewport, QLabel), *shown(viewport, QAbstractButton)):
        area = area_in(widget, viewport)
        if area.intersects(seen) and not seen.contains(area):
            cut.append(widget.text() or widget.accessibleName())
    return cut


def test_the_preview_fits_an_800_pixel_window_at_16_points_and_shows_its_facts_whole(
    qtbot, app_font_of, make_window, open_library, tmp_path
) -> None:
    """Opening a photo widened the window from 800 to 885 pixels, and it stayed so after: the
    sidebar, the bar's position and the facts panel's buttons on one line needed that. In the
    low window half of the Dimensions row showed above the add-a-tag field."""
    from tests.gui_support import six_photos_in_a_small_window

    app_font_of(16)
    window = six_photos_in_a_small_window(qtbot, make_window, open_library, tmp_path / "photos")

    window.open_preview(window.model.index(0, 0))
    page = window.preview
    qtbot.waitUntil(lambda: page.photo is not None and page._facts["Dimensions"].text() != "", timeout=WAIT_MS)
    qtbot.wait(200)  # the layouts take in the photo's facts
    assert window.minimumSizeHint().width() <= 800 and window.size() == QSize(800, 560)
    buttons = (page.similar_button, page.open_button, page.folder_button)
    assert [b.full_text for b in buttons
            if b.width() < b.sizeHint().width() or b.height() < b.sizeHint().height()] == []
    assert all(line.strip() in b.full_text for b in buttons for line in b.text().splitlines())
    assert cut_facts(page) == []
    panel = page.info_scroll.parentWidget()
    assert page.info_scroll.widget().width() <= page.info_scroll.viewport().width() <= panel.width()

    window.close_preview()
    qtbot.wait(200)
    assert window.minimumSizeHint().width() <= 800 and window.size() == QSize(800, 560)
