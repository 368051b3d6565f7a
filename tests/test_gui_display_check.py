"""Before the window opens: no display, or missing X11 libraries, is one line saying what to
do, not Qt's "Reinstalling the application may fix this problem"."""

from __future__ import annotations

import socket
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from photoclip.gui import app
from photoclip.gui.display_check import command_line, missing_libraries, why_no_window, xcb_plugin


@pytest.fixture
def x11_sockets(tmp_path: Path) -> Iterator[Path]:
    """A folder like /tmp/.X11-unix where display :5 answers (a listening socket X5)."""
    folder = tmp_path / "x11"
    folder.mkdir()
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as server:
        server.bind(str(folder / "X5"))
        server.listen()
        yield folder


def test_without_a_display_the_window_says_so_and_points_at_the_command_line() -> None:
    problem = why_no_window({}, "linux")
    assert problem is not None and "no display" in problem and "photoclip --help" in problem


@pytest.mark.parametrize("environ", [
    {"QT_QPA_PLATFORM": "offscreen"},
    {"QT_QPA_PLATFORM": "vnc"},
])
def test_a_chosen_platform_is_left_to_qt(environ: dict[str, str]) -> None:
    assert why_no_window(environ, "linux") is None


def test_a_wayland_compositor_answering_is_left_to_qt(tmp_path: Path) -> None:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as server:
        server.bind(str(tmp_path / "wayland-0"))
        server.listen()
        assert why_no_window({"WAYLAND_DISPLAY": "wayland-0", "XDG_RUNTIME_DIR": str(tmp_path)}, "linux") is None
        assert why_no_window({"WAYLAND_DISPLAY": str(tmp_path / "wayland-0")}, "linux") is None


@pytest.mark.parametrize("platform", ["darwin", "win32"])
def test_other_systems_are_left_to_qt(platform: str) -> None:
    assert why_no_window({}, platform) is None


def test_missing_libraries_are_the_ones_the_loader_cannot_load() -> None:
    assert missing_libraries(["libc.so.6", "libphotoclip-nothing.so.9"]) == ["libphotoclip-nothing.so.9"]


def test_on_x11_missing_libraries_are_named_with_their_packages_exactly_when_qt_could_not_load(x11_sockets) -> None:
    problem = why_no_window({"DISPLAY": ":5"}, "linux", x11_sockets)
    qt_can_load = not missing_libraries([str(xcb_plugin())])
    assert (problem is None) == qt_can_load
    if problem is not None:
        assert "sudo apt install" in problem and ".so." in problem


def test_the_app_stops_with_the_one_line_before_making_a_window(monkeypatch, capsys) -> None:
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(app.sys, "platform", "linux")
    assert app.main(["--library", "unused"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("photoclip: there is no display")


@pytest.mark.parametrize("environ", [
    {"DISPLAY": ":6"},
    {"DISPLAY": "unix:6.0"},
    {"WAYLAND_DISPLAY": "wayland-9", "XDG_RUNTIME_DIR": "/nonexistent"},
    {"WAYLAND_DISPLAY": "wayland-9"},
    {"WAYLAND_DISPLAY": "wayland-9", "XDG_RUNTIME_DIR": "/nonexistent", "DISPLAY": ":6"},
])
def test_a_display_named_but_not_answering_is_one_line_naming_it(environ: dict[str, str], x11_sockets) -> None:
    """A DISPLAY left from a session that ended (or SSH without X forwarding): Qt would abort
    with "Reinstalling the application may fix this problem"."""
    problem = why_no_window(environ, "linux", x11_sockets)
    assert problem is not None and problem.startswith("no display answers at ")
    assert all(f"{name}={environ[name]}" in problem for name in ("DISPLAY", "WAYLAND_DISPLAY") if name in environ)
    assert "\n" not in problem and f"{command_line()} --help" in problem


def test_a_display_answering_on_its_socket_or_its_tcp_port_is_let_through(x11_sockets) -> None:
    qt_can_load = not missing_libraries([str(xcb_plugin())])
    assert (why_no_window({"DISPLAY": "unix:5.0"}, "linux", x11_sockets) is None) == qt_can_load
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        assert (why_no_window({"DISPLAY": f"127.0.0.1:{port - 6000}"}, "linux", x11_sockets) is None) == qt_can_load
    problem = why_no_window({"DISPLAY": f"127.0.0.1:{port - 6000}"}, "linux", x11_sockets)
    assert problem is not None and problem.startswith("no display answers at DISPLAY=127.0.0.1:")


def test_the_command_line_named_is_one_the_user_can_run(monkeypatch) -> None:
    """`make run` leaves photoclip in .venv/bin, off the user's PATH: the advice names its path."""
    monkeypatch.setenv("PATH", "/nonexistent")
    named = command_line()
    assert named == str(Path(sys.executable).parent / "photoclip") and Path(named).exists()
