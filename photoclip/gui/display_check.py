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
import shutil
import socket
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


X11_SOCKETS = Path("/tmp/.X11-unix")
_X11_TCP_BASE = 6000
_CONNECT_S = 2.0


def why_no_window(
    environ: Mapping[str, str] | None = None, platform: str | None = None, x11_sockets: Path = X11_SOCKETS
) -> str | None:
    """What stops the window from opening, in one line; None when nothing known does. A display
    named but not answering (a desktop session that ended, SSH without X forwarding, a tmux
    that outlived the desktop) is told apart from none at all."""
    environ = os.environ if environ is None else environ
    platform = sys.platform if platform is None else platform
    if not platform.startswith("linux"):
        return None
    chosen = environ.get("QT_QPA_PLATFORM", "").split(":")[0].strip()
    if chosen and chosen not in ("xcb", "wayland"):
        return None  # offscreen, vnc, eglfs...: the user picked it on purpose
    wayland, x11 = environ.get("WAYLAND_DISPLAY", ""), environ.get("DISPLAY", "")
    on_wayland = bool(wayland) and chosen != "xcb"
    if not x11 and not on_wayland:
        return ("there is no display to open the window on (neither DISPLAY nor WAYLAND_DISPLAY is set); "
                f"start photoclip from a desktop session, or use the command line: {command_line()} --help")
    if on_wayland and _wayland_answers(wayland, environ.get("XDG_RUNTIME_DIR", "")):
        return None
    on_x11 = bool(x11) and chosen != "wayland"
    if not (on_x11 and _x11_answers(x11, x11_sockets)):
        tried = ([f"WAYLAND_DISPLAY={wayland}"] if on_wayland else []) + ([f"DISPLAY={x11}"] if on_x11 else [])
        if not tried:
            return None  # Wayland asked for by name, at the compositor's default socket
        return (f"no display answers at {' or '.join(tried)} (a desktop session that ended, or SSH without X "
                "forwarding); start photoclip from a desktop session, or use the command line: "
                f"{command_line()} --help")
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


def command_line() -> str:
    """How the user can run photoclip's command line from where they are: `photoclip` when it is
    on their PATH, else its path beside this Python (`make run` puts it in .venv/bin)."""
    if shutil.which("photoclip"):
        return "photoclip"
    beside = Path(sys.executable).parent / "photoclip"
    return str(beside) if beside.exists() else f"{sys.executable} -m photoclip"


def _wayland_answers(display: str, runtime_dir: str) -> bool:
    """Whether a Wayland compositor listens at WAYLAND_DISPLAY: a path, or a name in
    XDG_RUNTIME_DIR (without which a Wayland client finds none)."""
    if not display.startswith("/") and not runtime_dir:
        return False
    return _answers(socket.AF_UNIX, os.path.join(runtime_dir, display))


def _x11_answers(display: str, sockets: Path) -> bool:
    """Whether an X server listens at DISPLAY ("[host]:N[.screen]"): its local socket (in the
    file system, or Linux's abstract namespace) or TCP port 6000 + N; True for a form not known."""
    host, colon, rest = display.rpartition(":")
    number = rest.split(".")[0]
    if not colon or not number.isdigit() or host.startswith("/"):
        return True
    if host in ("", "unix"):
        path = str(sockets / f"X{number}")
        return _answers(socket.AF_UNIX, path) or _answers(socket.AF_UNIX, "\0" + path)
    return _answers(socket.AF_INET6 if ":" in host else socket.AF_INET, (host, _X11_TCP_BASE + int(number)))


def _answers(family: int, address: str | tuple[str, int]) -> bool:
    try:
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.settimeout(_CONNECT_S)
            probe.connect(address)
    except OSError:
        return False
    return True
