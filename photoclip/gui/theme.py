"""The look: Fusion with a light, calm palette and a small style sheet.

Colours live here once, so widgets that paint themselves (the grid delegate, the empty
states) use the same ones the style sheet does.
"""

from __future__ import annotations

import logging

from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication

log = logging.getLogger(__name__)

WINDOW = "#f6f7f9"
SURFACE = "#ffffff"
SIDEBAR = "#eef0f4"
BORDER = "#dfe3e8"
TEXT = "#1d2330"
MUTED = "#6b7280"
FAINT = "#9aa1ad"
ACCENT = "#3a6fe0"
ACCENT_DARK = "#2f5cc0"
ACCENT_SOFT = "#e3ebfc"
PLACEHOLDER = "#e6e9ee"
DANGER = "#c2410c"
OFFLINE = "#9aa1ad"

STYLE_SHEET = f"""
QMainWindow, QDialog {{ background: {WINDOW}; }}
QToolTip {{ background: {TEXT}; color: white; border: none; padding: 5px 8px; border-radius: 4px; }}
QMenu {{ background: {SURFACE}; border: 1px solid {BORDER}; border-radius: 8px; padding: 5px; }}
QMenu::item {{ padding: 6px 22px 6px 10px; border-radius: 5px; color: {TEXT}; }}
QMenu::item:selected {{ background: {ACCENT_SOFT}; color: {ACCENT_DARK}; }}
QMenu::item:disabled {{ color: {FAINT}; }}
QMenu::icon {{ padding-left: 8px; }}
QMenu::separator {{ height: 1px; background: {BORDER}; margin: 4px 6px; }}

#Sidebar {{ background: {SIDEBAR}; border: none; border-right: 1px solid {BORDER}; }}
#SidebarTree {{ background: transparent; border: none; outline: 0; font-size: 10pt; }}
#SidebarTree::item {{  /* a clear border, drawn in the accent on the entry with the keyboard focus */
    padding: 4px 3px; border: 1px solid transparent; border-radius: 6px; margin: 1px 6px; color: {TEXT};
}}
#SidebarTree::item:selected {{ background: {ACCENT_SOFT}; color: {ACCENT_DARK}; }}
#SidebarTree::item:hover:!selected {{ background: #e4e7ed; }}
#SidebarTree::item:focus {{ border: 1px solid {ACCENT}; }}
#SidebarTree::branch {{ background: transparent; border: none; image: none; }}
#AppTitle {{ font-size: 13pt; font-weight: 600; color: {TEXT}; }}

#TopBar {{ background: {SURFACE}; border-bottom: 1px solid {BORDER}; }}
#SearchField {{
    background: {WINDOW}; border: 1px solid {BORDER}; border-radius: 9px;
    padding: 7px 10px; font-size: 11pt; color: {TEXT};
    selection-background-color: {ACCENT};
}}
#SearchField:focus {{ border: 1px solid {ACCENT}; background: {SURFACE}; }}

#ViewTitle {{ font-size: 15pt; font-weight: 600; color: {TEXT}; }}
#ViewSubtitle {{ color: {MUTED}; }}
#PhotoGrid {{ background: {SURFACE}; border: none; }}

QPushButton {{
    background: {SURFACE}; border: 1px solid {BORDER}; border-radius: 7px;
    padding: 6px 14px; color: {TEXT};
}}
QPushButton:hover {{ background: #f0f2f5; }}
QPushButton:pressed {{ background: #e6e9ee; }}
QPushButton:disabled {{ color: {FAINT}; }}
QPushButton[primary="true"] {{ background: {ACCENT}; color: white; border: 1px solid {ACCENT_DARK}; font-weight: 600; }}
QPushButton[primary="true"]:hover {{ background: {ACCENT_DARK}; }}
QPushButton[primary="true"]:disabled {{ background: {PLACEHOLDER}; color: {FAINT}; border: 1px solid {BORDER}; }}
QPushButton#BigButton {{ padding: 12px 26px; font-size: 12pt; border-radius: 9px; }}
QPushButton:focus {{ border: 1px solid {ACCENT}; }}  /* the style sheet's borders hide Fusion's focus frame */
QPushButton[primary="true"]:focus {{ border: 2px solid {TEXT}; }}

QToolButton {{ border: none; border-radius: 6px; padding: 4px; color: {TEXT}; }}
QToolButton:hover {{ background: #e8ebf0; }}
QToolButton:pressed {{ background: #dde1e7; }}
QToolButton#LinkButton {{ color: {DANGER}; font-weight: 600; padding: 2px 6px; }}
QToolButton#ScopeButton {{ color: {ACCENT}; padding: 0px 4px; }}
QToolButton:focus {{ border: 1px solid {ACCENT}; }}

QStatusBar {{ background: {SURFACE}; border-top: 1px solid {BORDER}; color: {MUTED}; }}
QStatusBar::item {{ border: none; }}
QStatusBar QLabel {{ color: {MUTED}; }}
QProgressBar {{
    background: {PLACEHOLDER}; border: none; border-radius: 3px; max-height: 6px; min-height: 6px;
}}
QProgressBar::chunk {{ background: {ACCENT}; border-radius: 3px; }}

#Banner {{ background: #fff7e6; border: 1px solid #f3d9a4; border-radius: 10px; }}
#Banner QLabel {{ color: #7a4b00; }}
#WelcomeTitle {{ font-size: 20pt; font-weight: 600; color: {TEXT}; }}
#WelcomeText {{ font-size: 11pt; color: {MUTED}; }}
#Muted {{ color: {MUTED}; }}

#PreviewPage {{ background: #1b1e24; }}
#PreviewInfo {{ background: {SURFACE}; border-left: 1px solid {BORDER}; }}
#PreviewDetails {{ background: {SURFACE}; }}
#PreviewName {{ font-size: 13pt; font-weight: 600; color: {TEXT}; }}
#InfoKey {{ color: {MUTED}; }}
#InfoValue {{ color: {TEXT}; }}
#PreviewBar QToolButton {{ color: white; }}
#PreviewBar QToolButton:hover {{ background: rgba(255, 255, 255, 0.12); }}
#PreviewBar QLabel {{ color: #d5d9e0; }}

#TagChip {{ background: {ACCENT_SOFT}; border: 1px solid #c8d6f5; border-radius: 12px; }}
#TagChip[source="auto"] {{ background: {WINDOW}; border: 1px solid {BORDER}; }}
#TagChip QToolButton {{ border-radius: 9px; padding: 2px; }}
#TagChipName {{ color: {ACCENT_DARK}; font-weight: 600; padding: 2px 1px; }}
#TagChip[source="auto"] #TagChipName {{ color: {TEXT}; font-weight: normal; }}
#TagChipName:hover {{ background: transparent; text-decoration: underline; }}
#TagChipRemove:hover {{ background: rgba(0, 0, 0, 0.08); }}
#TagError, #DamageValue {{ color: {DANGER}; }}

#DupHeader {{ background: {SURFACE}; }}
#DupBody {{ background: {WINDOW}; }}
#DupGroup {{ background: {SURFACE}; border: 1px solid {BORDER}; border-radius: 10px; }}
#DupTile {{ border: 2px solid transparent; border-radius: 8px; }}
#DupTile[kept="true"] {{ border: 2px solid {ACCENT}; background: {ACCENT_SOFT}; }}
#DupTile[kept="false"] {{ background: #fbf3ee; }}
#DupTile:hover {{ border: 2px solid #c9ced6; }}
#DupTile:focus {{ border: 2px solid {TEXT}; }}  /* after :hover and [kept]: the keyboard's place wins */
#DupImage {{ background: {PLACEHOLDER}; border-radius: 6px; }}
#DupName {{ color: {TEXT}; font-weight: 600; }}
#DupState {{ color: {DANGER}; font-weight: 600; }}
#DupTile[kept="true"] #DupState {{ color: {ACCENT_DARK}; }}

QTableWidget {{ background: {SURFACE}; border: 1px solid {BORDER}; border-radius: 6px; gridline-color: {BORDER}; }}
QHeaderView::section {{ background: {WINDOW}; border: none; border-bottom: 1px solid {BORDER}; padding: 5px; color: {MUTED}; }}
QLineEdit, QComboBox, QSpinBox, QPlainTextEdit {{
    background: {SURFACE}; border: 1px solid {BORDER}; border-radius: 6px; padding: 4px 6px;
}}
QLineEdit:focus, QComboBox:focus, QSpinBox:focus, QPlainTextEdit:focus {{ border: 1px solid {ACCENT}; }}
QComboBox QAbstractItemView {{  /* the popup: without these its current item is white on white */
    background: {SURFACE}; border: 1px solid {BORDER}; outline: 0;
    selection-background-color: {ACCENT_SOFT}; selection-color: {ACCENT_DARK};
}}
QComboBox::item:selected {{ background: {ACCENT_SOFT}; color: {ACCENT_DARK}; border: none; }}
QDialogButtonBox {{ dialogbuttonbox-buttons-have-icons: 0; }}  /* Qt's generic check and cross clash with ours */
QScrollBar:vertical {{ background: transparent; width: 10px; margin: 2px; }}
QScrollBar::handle:vertical {{ background: #c9ced6; border-radius: 3px; min-height: 30px; }}
QScrollBar::handle:vertical:hover {{ background: #aeb4bf; }}
QScrollBar[idle="true"]::handle:vertical {{ background: transparent; }}
QScrollBar::add-line:vertical, QScrollBar::sub-line:vertical {{ height: 0; }}
QScrollBar::add-page:vertical, QScrollBar::sub-page:vertical {{ background: transparent; }}
"""


def palette() -> QPalette:
    """Fusion's palette roles in our colours (widgets not covered by the style sheet)."""
    pal = QPalette()
    roles = {
        QPalette.ColorRole.Window: WINDOW,
        QPalette.ColorRole.WindowText: TEXT,
        QPalette.ColorRole.Base: SURFACE,
        QPalette.ColorRole.AlternateBase: WINDOW,
        QPalette.ColorRole.Text: TEXT,
        QPalette.ColorRole.Button: SURFACE,
        QPalette.ColorRole.ButtonText: TEXT,
        QPalette.ColorRole.Highlight: ACCENT,
        QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.ToolTipBase: TEXT,
        QPalette.ColorRole.ToolTipText: "#ffffff",
        QPalette.ColorRole.PlaceholderText: FAINT,
        QPalette.ColorRole.Link: ACCENT,
        QPalette.ColorRole.Mid: BORDER,
        QPalette.ColorRole.Midlight: "#eceff3",
    }
    for role, colour in roles.items():
        pal.setColor(role, QColor(colour))
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.WindowText, QPalette.ColorRole.ButtonText):
        pal.setColor(QPalette.ColorGroup.Disabled, role, QColor(FAINT))
    return pal


def apply(app: QApplication) -> None:
    """Fusion, our palette and style sheet, and a readable default font size."""
    app.setStyle("Fusion")
    app.setPalette(palette())
    font = QFont(app.font())
    if font.pointSizeF() < 10:
        font.setPointSizeF(10)
    app.setFont(font)
    app.setStyleSheet(STYLE_SHEET + arrow_rules())


def arrow_rules() -> str:
    """Fusion draws a combo box's and a spin box's arrows on a sunken bevel (or not at all)
    once the style sheet gives the box a border, so the style sheet draws them too."""
    from photoclip.gui import icons

    try:
        down, up, down_off, up_off = (
            icons.tinted_file(name, colour).as_posix()
            for colour in (MUTED, FAINT) for name in ("chevron-down", "chevron-up")
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
