"""The look: Fusion with a calm palette, light or dark, and a small style sheet.

Colours live here once, so widgets that paint themselves (the grid delegate, the empty
states) use the same ones the style sheet does. The dark set follows the system's choice
unless the user picked one; it is chosen when the app starts (icons are tinted once).
"""

from __future__ import annotations

import dataclasses
import logging

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QProxyStyle, QStyle, QStyleOption, QWidget

log = logging.getLogger(__name__)

APPEARANCES = (("system", "Same as the system"), ("light", "Light"), ("dark", "Dark"))
APPEARANCE_KEY = "window/appearance"


@dataclasses.dataclass(frozen=True)
class Colours:
    dark: bool
    window: str
    surface: str
    sidebar: str
    border: str
    text: str
    muted: str  # secondary text, still readable (4.5:1 on every background): notes, counts, headings
    faint: str  # what is out of reach: disabled text, placeholders
    accent: str
    accent_text: str  # the accent as text on accent_soft
    accent_deep: str  # a primary button's edge, and its background under the mouse
    accent_soft: str
    placeholder: str
    danger: str
    offline: str
    hover: str
    pressed: str
    sidebar_hover: str
    midlight: str
    tooltip: str
    scroll_handle: str
    scroll_handle_hover: str
    chip_border: str
    chip_remove_hover: str
    discard: str  # a duplicates tile that goes to the trash
    tile_hover: str
    banner: str
    banner_border: str
    banner_text: str
    warning_icon: str
    focus: str  # the keyboard's place (focus rings, a menu's highlighted entry): 3:1 on every ground under it
    focus_on_accent: str  # a primary button's focus ring, between its accent fill and the window


LIGHT = Colours(
    dark=False, window="#f6f7f9", surface="#ffffff", sidebar="#eef0f4", border="#dfe3e8", text="#1d2330",
    muted="#646b78", faint="#9aa1ad", accent="#3a6fe0", accent_text="#2f5cc0", accent_deep="#2f5cc0",
    accent_soft="#e3ebfc", placeholder="#e6e9ee", danger="#c2410c", offline="#646b78", hover="#f0f2f5",
    pressed="#e6e9ee", sidebar_hover="#e4e7ed", midlight="#eceff3", tooltip="#1d2330", scroll_handle="#c9ced6",
    scroll_handle_hover="#aeb4bf", chip_border="#c8d6f5", chip_remove_hover="rgba(0, 0, 0, 0.08)",
    discard="#fbf3ee", tile_hover="#c9ced6", banner="#fff7e6", banner_border="#f3d9a4", banner_text="#7a4b00",
    warning_icon="#b45309", focus="#3a6fe0", focus_on_accent="#000000",
)
DARK = Colours(
    dark=True, window="#1b1e24", surface="#23272f", sidebar="#191c21", border="#363c48", text="#e4e7ec",
    muted="#9ca3af", faint="#6d7480", accent="#3a6fe0", accent_text="#a8c1fa", accent_deep="#325fc4",
    accent_soft="#2a3a5e", placeholder="#2f343e", danger="#f0895a", offline="#9ca3af", hover="#2c313a",
    pressed="#363c47", sidebar_hover="#262a32", midlight="#2a2e36", tooltip="#3b414d", scroll_handle="#4a515e",
    scroll_handle_hover="#5e6675", chip_border="#3d5286", chip_remove_hover="rgba(255, 255, 255, 0.12)",
    discard="#3a2b25", tile_hover="#4a515e", banner="#3a301c", banner_border="#6b5526", banner_text="#f3d9a4",
    warning_icon="#f0b45a", focus="#7aa2f7", focus_on_accent="#e4e7ec",
)
_active = LIGHT
_desktop_window: QColor | None = None  # the desktop's window colour, read before our palette replaces it


def colours() -> Colours:
    """The colours the app was started in."""
    return _active


def chosen(appearance: str, system: Qt.ColorScheme, window: QColor | None = None) -> Colours:
    """The colours for the user's choice ("system", "light" or "dark"); the system's scheme
    decides "system". Where it says nothing (an older desktop, a theme Qt cannot read), the
    desktop's window colour (`window`, from its palette) does: dark when it is dark, else light."""
    unknown = system == Qt.ColorScheme.Unknown
    dark_window = window is not None and window.lightness() < 128
    if appearance == "dark" or (appearance == "system" and (system == Qt.ColorScheme.Dark or unknown and dark_window)):
        return DARK
    return LIGHT


def saved_appearance(settings: QSettings) -> str:
    """The appearance the user chose in Settings ("system" until they choose, or when the
    stored value is not one photoclip knows)."""
    value = settings.value(APPEARANCE_KEY, "system")
    return value if value in dict(APPEARANCES) else "system"


REFERENCE_POINT_SIZE = 10.0  # the app font the style sheet's sizes were chosen at (apply's smallest)
_restyled: QApplication | None = None  # the app whose style sheet follows its font


def point_size(font: QFont) -> float:
    """The font's size in points, also where the desktop gives it in pixels (its pointSizeF is
    then -1): sizes made from -1 left a large desktop font for the defaults."""
    if font.pointSizeF() > 0:
        return font.pointSizeF()
    screen = QGuiApplication.primaryScreen()
    return font.pixelSize() * 72 / (screen.logicalDotsPerInchY() if screen is not None else 96.0)


def font_scale() -> float:
    """How many times REFERENCE_POINT_SIZE the app font is: sizes chosen at that font (the style
    sheet's, icons') are drawn this much larger."""
    base = point_size(QApplication.font())
    return base / REFERENCE_POINT_SIZE if base > 0 else 1.0


# the icon sizes Qt's others follow (a search field's icons, a menu's, an item view's)
_ICON_METRICS = frozenset({QStyle.PixelMetric.PM_SmallIconSize, QStyle.PixelMetric.PM_ButtonIconSize,
                           QStyle.PixelMetric.PM_ToolBarIconSize})


class _Style(QProxyStyle):
    """Fusion, its icons as many times larger as the app font is larger than REFERENCE_POINT_SIZE:
    at 16 points, menus', buttons' and the search field's icons stayed 16 pixels beside 21-pixel text."""

    def __init__(self) -> None:
        super().__init__("Fusion")

    def pixelMetric(self, metric: QStyle.PixelMetric, option: QStyleOption | None = None,
                    widget: QWidget | None = None) -> int:
        value = super().pixelMetric(metric, option, widget)
        return round(value * font_scale()) if metric in _ICON_METRICS else value


def style_sheet(c: Colours, base_point_size: float | None = None) -> str:
    """The style sheet in colours `c`. Its font sizes are proportions of the app font
    (`base_point_size`, the running app's when not given), so a larger system font enlarges
    headings with the text they head instead of leaving them smaller than it."""
    base = base_point_size or point_size(QApplication.font())
    scale = base / REFERENCE_POINT_SIZE if base > 0 else 1.0

    def pt(size: float) -> str:
        return f"{size * scale:.4g}pt"

    return f"""
QMainWindow, QDialog {{ background: {c.window}; }}
QToolTip {{ background: {c.tooltip}; color: white; border: none; padding: 5px 8px; border-radius: 4px; }}
QMenuBar {{ background: {c.surface}; color: {c.text}; }}
QMenuBar::item {{ padding: 4px 9px; border: 1px solid transparent; border-radius: 5px; }}
QMenuBar::item:selected {{ background: {c.accent_soft}; color: {c.accent_text}; border: 1px solid {c.focus}; }}
QMenu {{ background: {c.surface}; border: 1px solid {c.border}; border-radius: 8px; padding: 5px; }}
QMenu::item {{ padding: 5px 21px 5px 9px; border: 1px solid transparent; border-radius: 5px; color: {c.text}; }}
QMenu::item:selected {{ background: {c.accent_soft}; color: {c.accent_text}; border: 1px solid {c.focus}; }}
QMenu::item:disabled {{ color: {c.faint}; }}
QMenu::icon {{ padding-left: 8px; }}
QMenu::separator {{ height: 1px; background: {c.border}; margin: 4px 6px; }}

#Sidebar {{ background: {c.sidebar}; border: none; border-right: 1px solid {c.border}; }}
#SidebarTree {{ background: transparent; border: none; outline: 0; font-size: {pt(10)}; }}
#SidebarTree::item {{  /* a clear border, drawn on the entry with the keyboard focus */
    padding: 4px 3px; border: 1px solid transparent; border-radius: 6px; margin: 1px 6px; color: {c.text};
}}
#SidebarTree::item:selected {{ background: {c.accent_soft}; color: {c.accent_text}; }}
#SidebarTree::item:hover:!selected {{ background: {c.sidebar_hover}; }}
#SidebarTree::item:focus {{ border: 1px solid {c.focus}; }}
#SidebarTree::branch {{ background: transparent; border: none; image: none; }}
#AppTitle {{ font-size: {pt(13)}; font-weight: 600; color: {c.text}; }}

#TopBar {{ background: {c.surface}; border-bottom: 1px solid {c.border}; }}
#SearchField {{
    background: {c.window}; border: 1px solid {c.border}; border-radius: 9px;
    padding: 7px 10px; font-size: {pt(11)}; color: {c.text};
    selection-background-color: {c.accent};
}}
#SearchField:focus {{ border: 1px solid {c.focus}; background: {c.surface}; }}

#ViewHeader {{ background: {c.surface}; }}
#ViewTitle {{ font-size: {pt(15)}; font-weight: 600; color: {c.text}; }}
#ViewSubtitle {{ color: {c.muted}; }}
#PhotoGrid {{ background: {c.surface}; border: none; }}

QPushButton {{
    background: {c.surface}; border: 1px solid {c.border}; border-radius: 7px;
    padding: 6px 14px; color: {c.text};
}}
QPushButton:hover {{ background: {c.hover}; }}
QPushButton:pressed {{ background: {c.pressed}; }}
QPushButton:disabled {{ color: {c.faint}; }}
QPushButton[primary="true"] {{
    background: {c.accent}; color: white; border: 1px solid {c.accent_deep}; font-weight: 600;
}}
QPushButton[primary="true"]:hover {{ background: {c.accent_deep}; }}
QPushButton[primary="true"]:disabled {{ background: {c.placeholder}; color: {c.faint}; border: 1px solid {c.border}; }}
QPushButton#BigButton {{ padding: 12px 26px; font-size: {pt(12)}; border-radius: 9px; }}
QPushButton:focus {{ border: 1px solid {c.focus}; }}  /* the style sheet's borders hide Fusion's focus frame */
QPushButton[primary="true"]:focus {{ border: 2px solid {c.focus_on_accent}; }}

QToolButton {{ border: none; border-radius: 6px; padding: 4px; color: {c.text}; }}
QToolButton:hover {{ background: {c.hover}; }}
QToolButton:pressed {{ background: {c.pressed}; }}
QToolButton#LinkButton {{ color: {c.danger}; font-weight: 600; padding: 2px 6px; }}
QToolButton#ScopeButton {{ color: {c.accent}; padding: 0px 4px; }}
QToolButton:focus {{ border: 1px solid {c.focus}; }}

QStatusBar {{ background: {c.surface}; border-top: 1px solid {c.border}; color: {c.muted}; }}
QStatusBar::item {{ border: none; }}
QStatusBar QLabel {{ color: {c.muted}; }}
QProgressBar {{
    background: {c.placeholder}; border: none; border-radius: 3px; max-height: 6px; min-height: 6px;
}}
QProgressBar::chunk {{ background: {c.accent}; border-radius: 3px; }}

#Banner {{ background: {c.banner}; border: 1px solid {c.banner_border}; border-radius: 10px; }}
#Banner QLabel {{ color: {c.banner_text}; }}
#WelcomeContent {{ background: {c.window}; }}
#WelcomeTitle {{ font-size: {pt(20)}; font-weight: 600; color: {c.text}; }}
#WelcomeText {{ font-size: {pt(11)}; color: {c.muted}; }}
#Muted {{ color: {c.muted}; }}

#PreviewPage {{ background: {DARK.window}; }}  /* dark in both appearances */
#PreviewInfo {{ background: {c.surface}; border-left: 1px solid {c.border}; }}
#PreviewDetails {{ background: {c.surface}; }}
#PreviewName {{ font-size: {pt(13)}; font-weight: 600; color: {c.text}; }}
#InfoKey {{ color: {c.muted}; }}
#InfoValue {{ color: {c.text}; }}
#PreviewBar QToolButton {{ color: white; }}
#PreviewBar QToolButton:hover {{ background: rgba(255, 255, 255, 0.12); }}
#PreviewBar QToolButton:pressed {{ background: rgba(255, 255, 255, 0.2); }}
#PreviewBar QToolButton:focus {{ border: 1px solid {DARK.focus}; }}
#PreviewBar QLabel {{ color: #d5d9e0; }}

#TagChip {{ background: {c.accent_soft}; border: 1px solid {c.chip_border}; border-radius: 12px; }}
#TagChip[source="auto"] {{ background: {c.window}; border: 1px solid {c.border}; }}
#TagChip QToolButton {{ border-radius: 9px; padding: 2px; }}
#TagChipName {{ color: {c.accent_text}; font-weight: 600; padding: 2px 1px; }}
#TagChip[source="auto"] #TagChipName {{ color: {c.text}; font-weight: normal; }}
#TagChipName:hover {{ background: transparent; text-decoration: underline; }}
#TagChipRemove:hover {{ background: {c.chip_remove_hover}; }}
#TagError, #DamageValue {{ color: {c.danger}; }}

#DupHeader {{ background: {c.surface}; }}
#DupBody {{ background: {c.window}; }}
#DupGroup {{ background: {c.surface}; border: 1px solid {c.border}; border-radius: 10px; }}
#DupTile {{ border: 2px solid transparent; border-radius: 8px; }}
#DupTile[kept="true"] {{ border: 2px solid {c.accent}; background: {c.accent_soft}; }}
#DupTile[kept="false"] {{ background: {c.discard}; }}
#DupTile:hover {{ border: 2px solid {c.tile_hover}; }}
#DupTile:focus {{ border: 2px solid {c.text}; }}  /* after :hover and [kept]: the keyboard's place wins */
#CompareScroll {{ border: 1px solid transparent; border-radius: 6px; }}  /* arrows scroll it: Tab stops there */
#CompareScroll:focus {{ border: 1px solid {c.focus}; }}
#DupImage {{ background: {c.placeholder}; border-radius: 6px; }}
#DupName {{ color: {c.text}; font-weight: 600; }}
#DupState {{ color: {c.danger}; font-weight: 600; }}
#DupTile[kept="true"] #DupState {{ color: {c.accent_text}; }}

QTableWidget {{
    background: {c.surface}; border: 1px solid {c.border}; border-radius: 6px; gridline-color: {c.border};
}}
QTableWidget:focus {{ border: 1px solid {c.focus}; }}  /* Fusion marks only the current cell, faintly */
QHeaderView::section {{
    background: {c.window}; border: none; border-bottom: 1px solid {c.border}; padding: 5px; color: {c.muted};
}}
QLineEdit, QComboBox, QSpinBox, QPlainTextEdit {{
    background: {c.surface}; border: 1px solid {c.border}; border-radius: 6px; padding: 4px 6px;
}}
QLineEdit:focus, QComboBox:focus, QSpinBox:focus, QPlainTextEdit:focus {{ border: 1px solid {c.focus}; }}
QComboBox QAbstractItemView {{  /* the popup: without these its current item is white on white */
    background: {c.surface}; border: 1px solid {c.border}; outline: 0;
    selection-background-color: {c.accent_soft}; selection-color: {c.accent_text};
}}
QComboBox::item:selected {{ background: {c.accent_soft}; color: {c.accent_text}; border: 1px solid {c.focus}; }}
QDialogButtonBox {{ dialogbuttonbox-buttons-have-icons: 0; }}  /* Qt's generic check and cross clash with ours */
QScrollBar:vertical {{ background: transparent; width: 10px; margin: 2px; }}
QScrollBar::handle:vertical {{ background: {c.scroll_handle}; border-radius: 3px; min-height: 30px; }}
QScrollBar::handle:vertical:hover {{ background: {c.scroll_handle_hover}; }}
QScrollBar[idle="true"]::handle:vertical {{ background: transparent; }}
QScrollBar::add-line:vertical, QScrollBar::sub-line:vertical {{ height: 0; }}
QScrollBar::add-page:vertical, QScrollBar::sub-page:vertical {{ background: transparent; }}
"""


def palette(c: Colours) -> QPalette:
    """Fusion's palette roles in our colours (widgets not covered by the style sheet)."""
    pal = QPalette()
    roles = {
        QPalette.ColorRole.Window: c.window,
        QPalette.ColorRole.WindowText: c.text,
        QPalette.ColorRole.Base: c.surface,
        QPalette.ColorRole.AlternateBase: c.window,
        QPalette.ColorRole.Text: c.text,
        QPalette.ColorRole.Button: c.surface,
        QPalette.ColorRole.ButtonText: c.text,
        QPalette.ColorRole.Highlight: c.accent,
        QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.ToolTipBase: c.tooltip,
        QPalette.ColorRole.ToolTipText: "#ffffff",
        QPalette.ColorRole.PlaceholderText: c.faint,
        QPalette.ColorRole.Link: c.accent_text if c.dark else c.accent,
        QPalette.ColorRole.Mid: c.border,
        QPalette.ColorRole.Midlight: c.midlight,
    }
    if c.dark:  # Qt's defaults for these are a light theme's bevels
        roles |= {QPalette.ColorRole.Light: c.hover, QPalette.ColorRole.Dark: c.pressed,
                  QPalette.ColorRole.Shadow: "#000000", QPalette.ColorRole.BrightText: "#ffffff"}
    for role, colour in roles.items():
        pal.setColor(role, QColor(colour))
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.WindowText, QPalette.ColorRole.ButtonText):
        pal.setColor(QPalette.ColorGroup.Disabled, role, QColor(c.faint))
    return pal


def apply(app: QApplication, appearance: str = "system") -> None:
    """Fusion (its icons as large as the font makes them), our palette and style sheet in the colours
    `appearance` asks for, and a readable default font size. The desktop's font is set again only where it is smaller: a
    font the app sets no longer follows the desktop's. The style sheet's sizes follow the app
    font whenever it changes."""
    global _active, _desktop_window, _restyled
    if _desktop_window is None:
        _desktop_window = app.palette().window().color()
    _active = chosen(appearance, QGuiApplication.styleHints().colorScheme(), _desktop_window)
    style = _Style()
    style.setParent(app)  # the app's to delete, when the next style replaces it
    app.setStyle(style)
    app.setPalette(palette(_active))
    if point_size(app.font()) < REFERENCE_POINT_SIZE:
        font = QFont(app.font())
        font.setPointSizeF(REFERENCE_POINT_SIZE)
        app.setFont(font)
    if _restyled is not app:
        app.fontChanged.connect(lambda _font: _restyle(app))
        _restyled = app
    _restyle(app)


def _restyle(app: QApplication) -> None:
    """The style sheet in the active colours, its sizes made from the app font as it is now."""
    app.setStyleSheet(style_sheet(_active) + arrow_rules())


def arrow_rules() -> str:
    """Fusion draws a combo box's and a spin box's arrows on a sunken bevel (or not at all)
    once the style sheet gives the box a border, so the style sheet draws them too."""
    from photoclip.gui import icons

    try:
        down, up, down_off, up_off = (
            icons.tinted_file(name, colour).as_posix()
            for colour in (_active.muted, _active.faint) for name in ("chevron-down", "chevron-up")
        )
    except OSError as exc:
        log.warning("the style's arrows cannot be written (%s); boxes keep Fusion's", exc)
        return ""
    return f"""
QComboBox::drop-down {{ border: none; width: 24px; }}
QComboBox::down-arrow {{ image: url("{down}"); width: 12px; height: 12px; }}
QComboBox::down-arrow:disabled {{ image: url("{down_off}"); }}
QSpinBox {{ padding-right: 20px; }}
QSpinBox::up-button, QSpinBox::down-button {{ border: none; width: 20px; }}
QSpinBox::up-arrow {{ image: url("{up}"); width: 10px; height: 10px; }}
QSpinBox::down-arrow {{ image: url("{down}"); width: 10px; height: 10px; }}
QSpinBox::up-arrow:disabled, QSpinBox::up-arrow:off {{ image: url("{up_off}"); }}
QSpinBox::down-arrow:disabled, QSpinBox::down-arrow:off {{ image: url("{down_off}"); }}
"""
