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


def test_a_picture_asked_for_again_before_the_last_began_is_read_only_for_the_latest(qtbot, open_library) -> None:
    """Stepping through photos zoomed in read each of them whole, a second or two each, before the one
    shown; and those reads waited behind the model loading. A picture's ask drops the asks of its key not
    begun yet, on a thread of their own."""
    from threading import Event

    from photoclip.gui.app import make_app
    from photoclip.gui.ops import Ops
    from tests.gui_support import WAIT_MS

    make_app()
    ops = Ops(open_library())
    model_loading, reading = Event(), Event()
    ops.query(lambda _lib: model_loading.wait(WAIT_MS / 1000), lambda _done: None, long=True)
    read: list[str] = []
    ops.picture(lambda _lib: reading.wait(WAIT_MS / 1000) and "first", read.append, print, ops, key="preview")
    qtbot.wait(50)  # the first is being read
    for name in ("second", "third"):
        ops.picture(lambda _lib, name=name: name, read.append, print, ops, key="preview")
    ops.picture(lambda _lib: "another asker's", read.append, print, ops, key="compare")
    reading.set()
    qtbot.waitUntil(lambda: len(read) == 3, timeout=WAIT_MS)
    model_loading.set()
    ops.close()
    qtbot.wait(50)  # the results on their way are delivered while their receivers are alive
    assert read == ["first", "third", "another asker's"]
