"""The app's look, offscreen: the arrows of combo and spin boxes are drawn by the style sheet in
the theme's colours (Fusion left a sunken bevel, or nothing, under a bordered box)."""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QToolButton,
    QWidget,
)

from photoclip import config
from photoclip.gui import theme
from photoclip.gui.app import make_app
from photoclip.gui.statusbar import IndexStatus


def colours_at_right(widget: QWidget, width: int) -> list[QColor]:
    image = widget.grab().toImage()
    return [image.pixelColor(x, y) for x in range(image.width() - width, image.width()) for y in range(image.height())]


def near(colour: QColor, wanted: str, by: int = 40) -> bool:
    other = QColor(wanted)
    return all(abs(a - b) <= by for a, b in zip(colour.getRgb()[:3], other.getRgb()[:3], strict=True))


def darkest(colours: list[QColor]) -> int:
    return min(c.lightness() for c in colours)


def test_a_combo_box_arrow_is_a_muted_chevron_without_a_bevel(qtbot) -> None:
    make_app()
    box = QComboBox()
    box.addItems(["Copies of the same photo", "Very similar photos"])
    qtbot.addWidget(box)
    box.resize(260, 30)
    box.show()
    arrow = colours_at_right(box, 24)
    assert any(near(c, theme.colours().muted) for c in arrow)
    assert darkest(arrow) >= QColor(theme.colours().muted).lightness() - 20  # no dark bevel lines


def test_a_spin_box_has_both_arrows_and_greys_them_when_disabled(qtbot) -> None:
    make_app()
    boxes = []
    for enabled in (True, False):
        box = QSpinBox()
        box.setRange(0, 8)
        box.setValue(3)
        box.setEnabled(enabled)
        qtbot.addWidget(box)
        box.resize(160, 30)
        box.show()
        boxes.append(box)
    enabled_arrows, disabled_arrows = (colours_at_right(box, 20) for box in boxes)
    assert QColor(theme.colours().muted).lightness() - 20 <= darkest(enabled_arrows)  # no dark bevel lines
    assert darkest(enabled_arrows) < darkest(disabled_arrows) < QColor(theme.colours().surface).lightness() - 20


def test_a_cache_that_cannot_be_written_leaves_fusion_arrows_and_says_why(monkeypatch, tmp_path, caplog) -> None:
    blocked = tmp_path / "a file"
    blocked.write_text("", encoding="utf-8")
    monkeypatch.setattr(config, "style_cache_dir", lambda: blocked / "style")
    caplog.set_level(logging.WARNING, logger=theme.__name__)
    assert theme.arrow_rules() == ""
    assert "the style's arrows cannot be written" in caplog.text


def commonest(widget: QWidget) -> QColor:
    """The colour most of a widget is painted in (a button's background)."""
    image = widget.grab().toImage()
    counts: dict[int, int] = {}
    for x in range(image.width()):
        for y in range(image.height()):
            counts[image.pixel(x, y)] = counts.get(image.pixel(x, y), 0) + 1
    return QColor.fromRgb(max(counts, key=counts.__getitem__))


def test_a_disabled_primary_button_is_greyed_not_accent_blue(qtbot) -> None:
    """"Move to trash" with nothing left to move must not look like it can be clicked."""
    from PySide6.QtWidgets import QPushButton

    make_app()
    buttons = []
    for enabled in (True, False):
        button = QPushButton("Move to trash")
        button.setProperty("primary", True)
        button.setEnabled(enabled)
        qtbot.addWidget(button)
        button.resize(160, 34)
        button.show()
        buttons.append(button)
    active, disabled = (commonest(button) for button in buttons)
    assert near(active, theme.colours().accent, by=8)
    assert near(disabled, theme.colours().placeholder, by=8)  # the grey of the theme's empty places
    assert disabled.saturation() < 40


def test_the_highlighted_entry_of_a_drop_down_list_is_readable(qtbot) -> None:
    """The popup's current entry was drawn white on white (the Settings device list, the duplicates level)."""
    make_app()
    box = QComboBox()
    box.addItems(["Processor (CPU)", "NVIDIA GPU (CUDA)", "Apple GPU (Metal)"])
    qtbot.addWidget(box)
    box.resize(260, 30)
    box.show()
    box.showPopup()
    view = box.view()
    qtbot.waitUntil(view.isVisible)
    current = box.model().index(1, 0)
    view.setCurrentIndex(current)
    rect = view.visualRect(current)
    image = view.viewport().grab(rect).toImage()
    colours = [image.pixelColor(x, y) for x in range(image.width()) for y in range(image.height())]
    assert any(near(c, theme.colours().accent_text, by=30) for c in colours)  # the entry's text, in the accent
    assert any(near(c, theme.colours().accent_soft, by=8) for c in colours)  # on the soft accent
    box.hidePopup()


def test_dialog_buttons_carry_no_generic_icons(qtbot) -> None:
    """Qt's olive check and red cross on OK/Cancel clash with the app's own icons."""
    from PySide6.QtWidgets import QDialogButtonBox, QProxyStyle, QStyle

    class IconsOnButtons(QProxyStyle):
        """A desktop whose platform theme puts icons on dialog buttons (as the audit's did)."""

        def styleHint(self, hint, option=None, widget=None, returnData=None) -> int:  # noqa: N802 (Qt's name)
            if hint == QStyle.StyleHint.SH_DialogButtonBox_ButtonsHaveIcons:
                return 1
            return super().styleHint(hint, option, widget, returnData)

    make_app()
    buttons = QDialogButtonBox()
    qtbot.addWidget(buttons)
    style = IconsOnButtons("Fusion")
    style.setParent(buttons)  # goes with the box, never before it
    buttons.setStyle(style)
    buttons.setStandardButtons(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    assert all(button.icon().isNull() for button in buttons.buttons())


def accent_pixels(widget: QWidget) -> int:
    image = widget.grab().toImage()
    return sum(near(image.pixelColor(x, y), theme.colours().accent, by=30)
               for x in range(image.width()) for y in range(image.height()))


@pytest.mark.parametrize("make", [lambda: QPushButton("Copy list"), lambda: failures_button()])
def test_a_button_reached_with_tab_is_outlined_in_the_accent(qtbot, make) -> None:
    """The style sheet's borders left Fusion's focus frame out: Tab landed on a button unseen."""
    make_app()
    holder = QWidget()
    layout = QHBoxLayout(holder)
    field, button = QLineEdit(), make()
    layout.addWidget(field)
    layout.addWidget(button)
    qtbot.addWidget(holder)
    holder.show()
    holder.activateWindow()
    field.setFocus()
    qtbot.waitUntil(field.hasFocus)
    unfocused = accent_pixels(button)
    qtbot.keyClick(field, Qt.Key.Key_Tab)
    qtbot.waitUntil(button.hasFocus)
    assert accent_pixels(button) > unfocused + 2 * button.width()


def failures_button() -> QToolButton:
    status = IndexStatus()
    status.set_idle(40, failed=3)
    button = status.failures_button
    button.setParent(None)
    button.show()
    return button


def test_the_style_sheets_arrows_are_drawn_into_the_cache_photoclip_is_told_to_use(tmp_path, monkeypatch) -> None:
    cache = tmp_path / "cache"
    monkeypatch.setenv("PHOTOCLIP_CACHE_DIR", str(cache))
    sheet = theme.arrow_rules()
    drawn = sorted((cache / "style").glob("*.svg"))
    assert drawn and all(path.as_posix() in sheet for path in drawn)


@pytest.fixture
def dark_app():
    """The app in its dark colours, and back in the light ones the other tests expect after."""
    app = make_app(appearance="dark")
    yield app
    make_app()


def contrast(a: str, b: str) -> float:
    """WCAG's contrast ratio of two colours (1 to 21)."""
    def luminance(name: str) -> float:
        channels = [c / 255 for c in QColor(name).getRgb()[:3]]
        r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@pytest.mark.parametrize("colours", [theme.LIGHT, theme.DARK], ids=["light", "dark"])
def test_text_reads_well_on_every_background_in_both_appearances(colours: theme.Colours) -> None:
    for ground in (colours.window, colours.surface, colours.sidebar):
        assert contrast(colours.text, ground) >= 7
        assert contrast(colours.muted, ground) >= 4.5
    assert contrast(colours.offline, colours.sidebar) >= 4.5  # a folder "(not found)"
    assert contrast(colours.accent_text, colours.accent_soft) >= 4.5  # a selected entry, a tag chip
    assert contrast("#ffffff", colours.accent) >= 4.5  # a primary button's label
    assert contrast(colours.danger, colours.surface) >= 4.5
    assert contrast(colours.banner_text, colours.banner) >= 4.5
    assert contrast("#ffffff", colours.tooltip) >= 7


def over(colour: str, ground: str) -> str:
    """`colour` as seen on `ground`: a translucent "rgba(r, g, b, a)" blended, any other as it is."""
    if not colour.startswith("rgba"):
        return colour
    *rgb, alpha = (float(part) for part in colour[5:-1].split(","))
    below = QColor(ground).getRgb()[:3]
    return QColor(*(round(c * alpha + b * (1 - alpha)) for c, b in zip(rgb, below, strict=True))).name()


FOCUS_GROUNDS: dict[str, Callable[[theme.Colours], tuple[str, ...]]] = {
    # what each keyboard-focus mark is drawn on: the widget's own fills (hovered, pressed, selected) and around it
    "QMenuBar::item:selected": lambda c: (c.surface, c.accent_soft),
    "QMenu::item:selected": lambda c: (c.surface, c.accent_soft),
    "#SidebarTree::item:focus": lambda c: (c.sidebar, c.sidebar_hover, c.accent_soft),
    "#SearchField:focus": lambda c: (c.surface,),
    "QPushButton:focus": lambda c: (c.window, c.surface, c.banner, c.hover, c.pressed),
    'QPushButton[primary="true"]:focus': lambda c: (c.window, c.surface, c.accent, c.accent_deep),
    "QToolButton:focus": lambda c: (c.window, c.surface, c.sidebar, c.banner, c.accent_soft, c.hover, c.pressed,
                                    over(c.chip_remove_hover, c.accent_soft), over(c.chip_remove_hover, c.window)),
    "#PreviewBar QToolButton:focus": lambda c: (theme.DARK.window, over("rgba(255, 255, 255, 0.12)", theme.DARK.window),
                                                over("rgba(255, 255, 255, 0.2)", theme.DARK.window)),
    "#DupTile:focus": lambda c: (c.surface, c.accent_soft, c.discard),
    "QLineEdit:focus, QComboBox:focus, QSpinBox:focus, QPlainTextEdit:focus": lambda c: (c.window, c.surface),
    "QComboBox::item:selected": lambda c: (c.surface, c.accent_soft),
    "QTableWidget:focus": lambda c: (c.window, c.surface),
    "#CompareScroll:focus": lambda c: (c.window,),
}


def focus_marks(sheet: str) -> dict[str, str]:
    """The style sheet's rules that mark the keyboard's place (:focus, and a menu's or list's highlighted
    entry), by selector: the colour of the border each draws."""
    rules = re.findall(r"([^{}]+)\{([^{}]*)\}", re.sub(r"/\*.*?\*/", "", sheet, flags=re.DOTALL))
    return {" ".join(selector.split()): border[0] for selector, body in rules
            if re.search(r":focus|::item:selected", selector)
            and (border := re.findall(r"border: \d+px solid (#[0-9a-f]{6})", body))}


@pytest.mark.parametrize("colours", [theme.LIGHT, theme.DARK], ids=["light", "dark"])
def test_every_focus_mark_stands_out_3_to_1_from_what_it_is_drawn_on(colours: theme.Colours) -> None:
    """WCAG 2.2's non-text contrast: the dark appearance's rings, in the accent, were 2.4:1 on a selected
    sidebar entry and 2.8:1 on a hovered button; the preview's buttons were ringed in the accent on grey."""
    marks = focus_marks(theme.style_sheet(colours, 10.0))
    weak = [(selector, ground, round(contrast(ring, ground), 2)) for selector, ring in marks.items()
            for ground in FOCUS_GROUNDS.get(selector, lambda _c: ())(colours) if contrast(ring, ground) < 3]
    assert weak == []
    assert set(marks) == set(FOCUS_GROUNDS)  # a new mark says here what it is drawn on


@pytest.mark.parametrize(("appearance", "system", "dark"), [
    ("system", Qt.ColorScheme.Dark, True), ("system", Qt.ColorScheme.Light, False),
    ("system", Qt.ColorScheme.Unknown, False), ("light", Qt.ColorScheme.Dark, False),
    ("dark", Qt.ColorScheme.Light, True),
])
def test_the_appearance_follows_the_system_unless_the_user_chose_one(appearance, system, dark) -> None:
    assert theme.chosen(appearance, system).dark is dark


@pytest.mark.parametrize(("appearance", "window", "dark"), [
    ("system", "#2b2b2b", True), ("system", "#efefef", False), ("light", "#2b2b2b", False),
])
def test_a_system_that_names_no_scheme_is_read_by_its_window_colour(appearance, window, dark) -> None:
    """A dark desktop whose scheme Qt cannot read (Unknown) got the light look."""
    assert theme.chosen(appearance, Qt.ColorScheme.Unknown, QColor(window)).dark is dark
    assert theme.chosen(appearance, Qt.ColorScheme.Light, QColor(window)).dark is (appearance == "dark")


def test_the_app_started_on_a_dark_palette_with_no_scheme_is_dark(tmp_path) -> None:
    """What a dark desktop gives an app whose platform says no scheme: its palette, nothing else."""
    import subprocess
    import sys

    script = (
        "from PySide6.QtGui import QColor, QPalette\n"
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication([])\n"
        "palette = QPalette(app.palette())\n"
        "palette.setColor(QPalette.ColorRole.Window, QColor('#2b2b2b'))\n"
        "app.setPalette(palette)\n"
        "from photoclip.gui import theme\n"
        "from photoclip.gui.app import make_app\n"
        "make_app()\n"
        "print(app.styleHints().colorScheme().name, theme.colours().dark)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True,
                          env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert done.stdout.split() == ["Unknown", "True"]


def test_the_dark_appearance_paints_windows_buttons_and_icons_dark(qtbot, dark_app) -> None:
    from photoclip.gui import icons

    button = QPushButton(icons.icon("settings"), "Settings")
    qtbot.addWidget(button)
    button.resize(160, 34)
    button.show()
    assert theme.colours() is theme.DARK
    assert dark_app.palette().window().color().lightness() < 60
    assert near(commonest(button), theme.DARK.surface, by=8)
    drawn = icons.icon("settings").pixmap(24, 24).toImage()
    inked = [drawn.pixelColor(x, y) for x in range(24) for y in range(24) if drawn.pixelColor(x, y).alpha() > 200]
    assert inked and all(c.lightness() > 180 for c in inked)  # light strokes, seen on the dark surface


def test_an_unknown_saved_appearance_reads_as_the_systems(tmp_path) -> None:
    from PySide6.QtCore import QSettings

    stored = QSettings(str(tmp_path / "photoclip.conf"), QSettings.Format.IniFormat)
    assert theme.saved_appearance(stored) == "system"
    stored.setValue(theme.APPEARANCE_KEY, "dark")
    assert theme.saved_appearance(stored) == "dark"
    stored.setValue(theme.APPEARANCE_KEY, "solarized")
    assert theme.saved_appearance(stored) == "system"


def luminance(image: QImage) -> np.ndarray:
    """WCAG's relative luminance of each pixel."""
    image = image.convertToFormat(QImage.Format.Format_RGB32)
    rows = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine())
    channels = rows[:, :image.width() * 4].reshape(image.height(), image.width(), 4)[..., 2::-1] / 255
    linear = np.where(channels <= 0.03928, channels / 12.92, ((channels + 0.055) / 1.055) ** 2.4)
    return linear @ np.array([0.2126, 0.7152, 0.0722])


def marked(widget: QWidget) -> QWidget:
    """The control a focused widget is part of: an editable combo box's or a spin box's, for their field."""
    while (parent := widget.parentWidget()) is not None and parent.focusProxy() is widget:
        widget = parent
    return widget


def focus_marks_tabbed(qtbot, dialog: QWidget) -> list[tuple[str, int, int]]:
    """Tab once round `dialog`: each control reached, the pixels of it (and 2 px round it) that Tab changed
    by 3:1 or more (WCAG 2.2's focus appearance), and the least a ring round it has (half its perimeter)."""
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)
    first, reached = QApplication.focusWidget(), []
    while len(reached) < 40:
        before, was = luminance(dialog.grab().toImage()), QApplication.focusWidget()
        qtbot.keyClick(was, Qt.Key.Key_Tab)
        now = QApplication.focusWidget()
        assert now is not was, f"Tab stays in {type(was).__name__}"
        after = luminance(dialog.grab().toImage())
        control = marked(now)
        area = QRect(control.mapTo(dialog, QPoint()), control.size()).adjusted(-2, -2, 2, 2) & dialog.rect()
        ratio = (np.maximum(before, after) + 0.05) / (np.minimum(before, after) + 0.05)
        changed = ratio[area.top():area.bottom() + 1, area.left():area.right() + 1]
        name = f"{type(control).__name__} {getattr(control, 'text', lambda: '')() or control.objectName()}"
        reached.append((name, int((changed >= 3).sum()), control.width() + control.height()))
        if now is first:
            return reached
    raise AssertionError("Tab never came back to where it started")


class _Ops:
    """Ops that never answers: the compared pictures stay "Loading…"."""

    def query(self, *_args: object, **_kwargs: object) -> None:
        pass

    def forget_pictures(self, _key: object) -> None:
        pass


def compare_dialog() -> QWidget:
    from photoclip.catalog import Photo
    from photoclip.gui.compare import CompareDialog
    from photoclip.ids import PhotoId, RootId

    photos = [Photo(PhotoId(i), RootId(1), Path(f"/photos/copy {i}.jpg"), 2_000_000, 0, None, 4000, 3000, None,
                    "jpeg", "indexed", None) for i in range(1, 4)]
    dialog = CompareDialog(_Ops(), photos, {PhotoId(1)}, lambda _id: None, 3)  # type: ignore[arg-type]
    dialog.resize(700, 560)  # narrower than the photos: they scroll sideways
    return dialog


def failures_dialog() -> QWidget:
    from photoclip.gui.statusbar import FailuresDialog

    return FailuresDialog([(Path(f"/photos/{i}.jpg"), "not an image") for i in range(30)],
                          [(Path("/photos/cut.jpg"), "ends early")])


def new_tag_dialog() -> QWidget:
    from photoclip.gui.tags import NewTagDialog

    return NewTagDialog({"cabin": "a wooden cabin"})


def settings_dialog() -> QWidget:
    from photoclip.gui.settings_dialog import SettingsDialog

    return SettingsDialog(config.Settings(vocabulary="/photos/labels.txt"))


@pytest.fixture(params=["light", "dark"])
def appearance(request) -> Iterator[str]:
    make_app(appearance=request.param)
    yield request.param
    make_app()


@pytest.mark.parametrize("make", [settings_dialog, new_tag_dialog, failures_dialog, compare_dialog])
def test_tab_shows_where_it_is_in_every_dialog_3_to_1_in_both_appearances(qtbot, appearance, make) -> None:
    """The failures' table showed the keyboard there only by a faint frame round its current cell (1.6:1), and
    Tab then went from cell to cell, never on to Copy list past 30 files; the compared photos' scroll area
    (its arrows scroll it) showed nothing at all."""
    dialog = make()
    qtbot.addWidget(dialog)
    reached = focus_marks_tabbed(qtbot, dialog)
    assert len(reached) > 1
    assert [(name, strong, least) for name, strong, least in reached if strong < least] == []
