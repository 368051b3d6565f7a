"""Before the window opens: no display, or missing X11 libraries, is one line saying what to
do, not Qt's "Reinstalling the application may fix this problem"."""

from __future__ import annotations

import pytest

from photoclip.gui import app
from photoclip.gui.display_check import missing_libraries, why_no_window, xcb_plugin


def test_without_a_display_the_window_says_so_and_points_at_the_command_line() -> None:
    problem = why_no_window({}, "linux")
    assert problem is not None and "no display" in problem and "photoclip --help" in problem


@pytest.mark.parametrize("environ", [
    {"QT_QPA_PLATFORM": "offscreen"},
    {"QT_QPA_PLATFORM": "vnc"},
    {"WAYLAND_DISPLAY": "wayland-0"},
])
def test_a_chosen_platform_or_wayland_is_left_to_qt(environ: dict[str, str]) -> None:
    assert why_no_window(environ, "linux") is None


@pytest.mark.parametrize("platform", ["darwin", "win32"])
def test_other_systems_are_left_to_qt(platform: str) -> None:
    assert why_no_window({}, platform) is None


def test_missing_libraries_are_the_ones_the_loader_cannot_load() -> None:
    assert missing_libraries(["libc.so.6", "libphotoclip-nothing.so.9"]) == ["libphotoclip-nothing.so.9"]


def test_on_x11_missing_libraries_are_named_with_their_packages_exactly_when_qt_could_not_load() -> None:
    problem = why_no_window({"DISPLAY": ":0"}, "linux")
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
