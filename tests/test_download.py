from __future__ import annotations

import functools
import http.server
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from photoclip.download import fetch
from photoclip.errors import DownloadCancelled, ModelUnavailableError


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A real HTTP server on loopback serving tmp_path/www."""
    root = tmp_path / "www"
    root.mkdir()
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    handler.log_message = lambda *a, **k: None  # type: ignore[attr-defined]
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", root
    httpd.shutdown()
    httpd.server_close()


def test_download_lands_whole_with_progress(server, tmp_path: Path) -> None:
    url, root = server
    payload = bytes(range(256)) * 12000
    (root / "w.bin").write_bytes(payload)
    seen: list[tuple[int, int | None]] = []
    dest = fetch([f"{url}/w.bin"], tmp_path / "cache" / "w.bin", progress=lambda d, t: seen.append((d, t)))
    assert dest.read_bytes() == payload
    assert seen[0] == (0, len(payload)) and seen[-1] == (len(payload), len(payload))
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert not list(dest.parent.glob("*.part"))


def test_a_file_missing_on_the_server_falls_back_to_the_next_url(server, tmp_path: Path) -> None:
    url, root = server
    (root / "second.bin").write_bytes(b"x" * 10)
    dest = fetch([f"{url}/first.bin", f"{url}/second.bin"], tmp_path / "out.bin")
    assert dest.read_bytes() == b"x" * 10


def test_missing_everywhere_says_so(server, tmp_path: Path) -> None:
    url, _ = server
    with pytest.raises(ModelUnavailableError, match="none of"):
        fetch([f"{url}/nope.bin"], tmp_path / "out.bin")


def test_cancel_leaves_no_file(server, tmp_path: Path) -> None:
    url, root = server
    (root / "big.bin").write_bytes(b"y" * (5 << 20))
    cancel = threading.Event()

    def progress(done: int, total: int | None) -> None:
        if done > 0:
            cancel.set()

    with pytest.raises(DownloadCancelled):
        fetch([f"{url}/big.bin"], tmp_path / "big.bin", progress=progress, cancel=cancel)
    assert not (tmp_path / "big.bin").exists()
    assert not list(tmp_path.glob("*.part"))


class _TrickleHandler(http.server.BaseHTTPRequestHandler):
    """Announces 50 MB, sends 8 KB, then holds the line until the test lets go: a slow link."""

    let_go: threading.Event
    held_out: threading.Event  # set once it stopped holding: let go, or after 10 s

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Length", str(50 << 20))
        self.end_headers()
        self.wfile.write(bytes(8192))
        self.wfile.flush()
        self.let_go.wait(10)
        self.held_out.set()

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def trickle() -> Iterator[tuple[str, threading.Event]]:
    let_go = threading.Event()
    handler = type("Trickle", (_TrickleHandler,), {"let_go": let_go, "held_out": threading.Event()})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/w.bin", handler.held_out
    let_go.set()
    httpd.shutdown()
    httpd.server_close()


def test_a_slow_link_shows_progress_and_cancels_as_data_trickles_in(trickle, tmp_path: Path) -> None:
    """Before, a read waited for a whole megabyte: on a slow link the bar sat at 0 and Cancel
    waited as long (13 s at 80 KB/s); here the server never sends that much."""
    cancel = threading.Event()
    seen: list[int] = []

    def progress(done: int, total: int | None) -> None:
        seen.append(done)
        if done > 0:
            cancel.set()

    with pytest.raises(DownloadCancelled):
        fetch([trickle[0]], tmp_path / "w.bin", progress=progress, cancel=cancel, timeout=5)
    assert 0 < seen[-1] <= 8192
    assert not list(tmp_path.iterdir())


def test_cancel_cuts_a_download_that_waits_for_data(trickle, tmp_path: Path) -> None:
    """A read waited for data until the timeout (30 s of a stalled server) before Cancel was seen,
    and the user was then told there was no connection."""
    cancel = threading.Event()
    started = threading.Event()

    def cancel_while_it_waits() -> None:
        started.wait(10)
        time.sleep(0.3)  # the download is in its next read, which no data will end
        cancel.set()

    threading.Thread(target=cancel_while_it_waits, daemon=True).start()
    with pytest.raises(DownloadCancelled):
        fetch([trickle[0]], tmp_path / "w.bin", progress=lambda done, _: done and started.set(), cancel=cancel,
              timeout=20)
    assert not trickle[1].is_set()  # cut while the server still held the line, not when it closed
    assert not list(tmp_path.iterdir())


def test_a_stalled_download_says_it_stalled_and_after_how_much(trickle, tmp_path: Path) -> None:
    with pytest.raises(ModelUnavailableError, match=r"stalled: no data for 0.5 s after [0-9.]+ (kB|bytes)$"):
        fetch([trickle[0]], tmp_path / "w.bin", timeout=0.5)
    assert not list(tmp_path.iterdir())


def test_no_network_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ModelUnavailableError, match="no connection"):
        fetch(["http://127.0.0.1:9/w.bin"], tmp_path / "w.bin", timeout=5)
    assert not (tmp_path / "w.bin").exists()


def test_offline_mode_never_touches_the_network(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PHOTOCLIP_OFFLINE", "1")
    with pytest.raises(ModelUnavailableError, match="offline mode"):
        fetch(["http://127.0.0.1:9/w.bin"], tmp_path / "w.bin")
