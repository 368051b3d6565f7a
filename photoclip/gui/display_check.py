"""Before the window opens: is there a display, and can Qt reach it?

Without one, Qt stops the process with "Could not load the Qt platform plugin xcb ...
Reinstalling the application may fix this problem", which sends people the wrong way. On
Linux the cause is nearly always one of two: no graphical session (an SSH shell, a server),
or X11 client libraries the PySide6 wheel does not bundle. Both are told here in one line
that says what to do.
"""

from __future__ import annotations

import ctypes
import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

XCB_LIBRARIES: dict[str, str] = {  # what Qt's xcb platform plugin loads -> its Debian/Ubuntu package
    "libX11.so.6": "libx11-6",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libxcb.so.1": "libxcb1",
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
}


def why_no_window(environ: Mapping[str, str] | None = None, platform: str | None = None) -> str | None:
    """What stops the window from opening, in one line; None when nothing known does."""
    environ = os.environ if environ is None else environ
    platform = sys.platform if platform is None else platform
    if not platform.startswith("linux"):
        return None
    chosen = environ.get("QT_QPA_PLATFORM", "").split(":")[0].strip()
    if chosen and chosen not in ("xcb", "wayland"):
        return None  # offscreen, vnc, eglfs...: the user picked it on purpose
    on_wayland = bool(environ.get("WAYLAND_DISPLAY")) and chosen != "xcb"
    if not environ.get("DISPLAY") and not on_wayland:
        return ("there is no display to open the window on (neither DISPLAY nor WAYLAND_DISPLAY is set); "
                "start photoclip from a desktop session, or use the command line: photoclip --help")
    if on_wayland:
        return None
    missing = missing_libraries(list(XCB_LIBRARIES))
    if missing and missing_libraries([str(xcb_plugin())]):  # the plugin itself is the judge
        packages = " ".join(XCB_LIBRARIES.get(name, name) for name in missing)
        return (f"the window needs system libraries that are not installed ({', '.join(missing)}); "
                f"on Debian or Ubuntu: sudo apt install {packages}")
    return None


def xcb_plugin() -> Path:
    """The xcb platform plugin of the Qt that PySide6 brings."""
    from PySide6.QtCore import QLibraryInfo

    return Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath)) / "platforms" / "libqxcb.so"


def missing_libraries(names: Sequence[str]) -> list[str]:
    """The shared libraries among `names` the dynamic loader cannot load."""
    missing = []
    for name in names:
        try:
            ctypes.CDLL(name)
        except OSError:
            missing.append(name)
    return missing
