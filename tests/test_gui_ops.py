"""Background ops of the window: once the window closes, nothing more reads its library (which
is closed next; an op reading it then would read a closed database, or crash)."""

from __future__ import annotations

from pathlib import Path

from tests.gui_support import make_window  # noqa: F401
from tests.helpers import write_photo


def test_an_op_asked_after_the_window_closed_never_runs(qtbot, make_window, open_library, tmp_path: Path) -> None:
    write_photo(tmp_path / "photos" / "a.jpg", seed=1)
    library = open_library()
    library.index([tmp_path / "photos"])
    window = make_window(library)
    ran = []
    window.ops.query(lambda lib: ran.append("before") or lib.status(), lambda _status: None)
    window.shutdown()
    assert ran == ["before"]  # what was asked before it closed ran to its end

    window.ops.query(lambda lib: ran.append("after") or lib.status(), lambda _status: None)  # a late timer
    window.ops.change(lambda lib: ran.append("written"))
    qtbot.wait(200)
    window.ops.wait()
    assert ran == ["before"]
