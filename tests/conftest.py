"""Shared fixtures: every test gets its own library folder, model cache and settings."""

from __future__ import annotations

import atexit
import contextlib
import faulthandler
import functools
import http.server
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# The system trash is found through XDG_DATA_HOME when send2trash is first imported: photos the
# tests move to the trash land in a trash of their own, never in the real user's. (pytest may
# import this file twice, as conftest and as tests.conftest: one folder for both.)
if "PHOTOCLIP_TESTS_DATA_HOME" not in os.environ:
    os.environ["PHOTOCLIP_TESTS_DATA_HOME"] = tempfile.mkdtemp(prefix="photoclip-tests-data-")
    atexit.register(shutil.rmtree, os.environ["PHOTOCLIP_TESTS_DATA_HOME"], True)
os.environ["XDG_DATA_HOME"] = os.environ["PHOTOCLIP_TESTS_DATA_HOME"]
os.environ["XDG_CACHE_HOME"] = os.path.join(os.environ["PHOTOCLIP_TESTS_DATA_HOME"], "cache")  # the style's files
os.environ["XDG_CONFIG_HOME"] = os.path.join(os.environ["PHOTOCLIP_TESTS_DATA_HOME"], "config")  # the app's QSettings

from photoclip import folder_probe, mounts  # noqa: E402
from photoclip.library import Library  # noqa: E402
from tests.helpers import write_photo  # noqa: E402

TINY_MODEL = "photoclip-tiny"
TRASH_FILES = Path(os.environ["XDG_DATA_HOME"]) / "Trash" / "files"
TRASH_INFO = Path(os.environ["XDG_DATA_HOME"]) / "Trash" / "info"


@pytest.fixture(autouse=True)
def isolated_environment(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads or writes the real user's library or model cache."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("PHOTOCLIP_LIBRARY", str(home / "library"))
    monkeypatch.setenv("PHOTOCLIP_CACHE_DIR", str(home / "cache"))
    monkeypatch.setenv("HF_HOME", str(home / "hf"))
    for name in ("PHOTOCLIP_MODEL", "PHOTOCLIP_MODEL_FILE", "PHOTOCLIP_DEVICE", "PHOTOCLIP_OFFLINE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(mounts, "FSTAB", home / "fstab")  # no folder a drive mounts at, but those mount_point names


@pytest.fixture
def mount_point() -> Callable[[Path], None]:
    """Name a folder where a drive mounts, as /etc/fstab does: emptied, it is an unplugged drive's
    stand-in (mounts.mount_place), not a folder whose photos went."""
    def name(folder: Path) -> None:
        with mounts.FSTAB.open("a", encoding="utf-8") as fstab:
            fstab.write(f"UUID=1234-ABCD {str(folder).replace(' ', chr(92) + '040')} exfat noauto,user 0 0\n")

    return name


@pytest.fixture
def memory_card(tmp_path: Path) -> Iterator[Path]:
    """A real exFAT drive, as a camera's card is formatted, mounted through FUSE: it opens a name in
    any case ("img_1.jpg" for "IMG_1.JPG") and gives each spelling its own inode number. Skipped
    where this computer cannot make one (it needs root, a loop device, exfatprogs and exfat-fuse)."""
    image, mounted = tmp_path / "card.img", tmp_path / "CARD"
    mounted.mkdir()
    with open(image, "wb") as f:
        f.truncate(32 << 20)
    tools = ["mkfs.exfat", "losetup", "mount.exfat-fuse"]
    if os.geteuid() != 0 or not all(shutil.which(tool) for tool in tools) or subprocess.run(
            ["mkfs.exfat", str(image)], capture_output=True).returncode:
        pytest.skip("making an exFAT drive needs root, exfatprogs and exfat-fuse")
    loop = subprocess.run(["losetup", "-f", "--show", str(image)], capture_output=True, text=True)
    if loop.returncode:
        pytest.skip(f"no loop device for an exFAT drive: {loop.stderr.strip()}")
    device = loop.stdout.strip()
    try:
        if subprocess.run(["mount.exfat-fuse", device, str(mounted)], capture_output=True).returncode:
            pytest.skip("cannot mount an exFAT drive through FUSE here")
        yield mounted
    finally:  # a test that failed, or pulled the card out, leaves no mount behind
        subprocess.run(["umount", "-l", str(mounted)], capture_output=True)
        subprocess.run(["losetup", "-d", device], capture_output=True)


class HangingShare:
    """A FUSE drive that can stop answering as a share whose server went away does: every look into it
    waits, for ever, until it answers again (its daemon stopped with SIGSTOP, then let go on)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        daemon = next((int(pid) for pid in os.listdir("/proc") if pid.isdigit() and _runs_mount_of(pid, folder)), None)
        if daemon is None:
            pytest.skip(f"no process serves the FUSE drive at {folder}")
        self._daemon = daemon
        self._stopped = False
        self.rescued = False

    def rescue(self) -> None:
        """A test still waiting on the share: every thread's stack is shown, and the share answers, so that
        the run goes on (and the drive can be unmounted) rather than hang."""
        if self._stopped:
            self.rescued = True
            faulthandler.dump_traceback(file=sys.__stderr__)
            os.kill(self._daemon, signal.SIGCONT)

    def hang(self) -> None:
        os.kill(self._daemon, signal.SIGSTOP)
        self._stopped = True

    def answer(self) -> None:
        """Answer again, and the looks given up on with it (folder_probe.silent), as they do soon after."""
        if self._stopped:
            os.kill(self._daemon, signal.SIGCONT)
            self._stopped = False
        deadline = time.monotonic() + 10
        while folder_probe.silent(self.folder) and time.monotonic() < deadline:
            time.sleep(0.01)


def _runs_mount_of(pid: str, folder: Path) -> bool:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return os.fsencode(folder) in f.read().split(b"\0")[1:]
    except OSError:
        return False


@pytest.fixture
def hanging_share(ntfs_drive: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> Iterator[HangingShare]:
    """A drive (ntfs_drive's) that hang() makes stop answering; a look into it is given up on after
    a second here (folder_probe.ANSWER_SECONDS), and it answers again before it is unmounted. A test
    still waiting on it after two minutes fails (HangingShare.rescue), rather than hang the run."""
    monkeypatch.setattr(folder_probe, "ANSWER_SECONDS", 1.0)
    share = HangingShare(ntfs_drive("ntfs-3g"))
    rescue = threading.Timer(120, share.rescue)
    rescue.daemon = True
    rescue.start()
    try:
        yield share
    finally:
        rescue.cancel()
        share.answer()
    if share.rescued:
        pytest.fail("the test waited two minutes on a share that did not answer")


@pytest.fixture
def ntfs_drive(tmp_path: Path) -> Iterator[Callable[..., Path]]:
    """A real NTFS drive, as a USB drive formatted on Windows is, on a loop device. Called with a FUSE
    mount command, it is mounted so (again) and its folder returned: "ntfs-3g" as Linux mounts one (type
    fuseblk), with "-o", "windows_names" refusing names Windows cannot open; "lowntfs-3g", "-o", "ignore_case"
    shows it as Windows does (one file for the names alike but for case). Skipped where this computer cannot
    make one (it needs root, a loop device, ntfs-3g and mkntfs)."""
    image, mounted = tmp_path / "drive.img", tmp_path / "DRIVE"
    mounted.mkdir()
    with open(image, "wb") as f:
        f.truncate(16 << 20)
    tools = ["mkntfs", "losetup", "ntfs-3g", "lowntfs-3g"]
    if os.geteuid() != 0 or not all(shutil.which(tool) for tool in tools) or subprocess.run(
            ["mkntfs", "-F", "-f", "-q", str(image)], capture_output=True).returncode:
        pytest.skip("making an NTFS drive needs root, ntfs-3g and mkntfs")
    loop = subprocess.run(["losetup", "-f", "--show", str(image)], capture_output=True, text=True)
    if loop.returncode:
        pytest.skip(f"no loop device for an NTFS drive: {loop.stderr.strip()}")
    device = loop.stdout.strip()

    def mount(*command: str) -> Path:
        subprocess.run(["umount", str(mounted)], capture_output=True)  # written through: FUSE from a device
        if subprocess.run([*command, device, str(mounted)], capture_output=True).returncode:
            pytest.skip(f"cannot mount an NTFS drive through FUSE here ({' '.join(command)})")
        return mounted

    try:
        yield mount
    finally:  # a test that failed leaves no mount behind
        subprocess.run(["umount", "-l", str(mounted)], capture_output=True)
        subprocess.run(["losetup", "-d", device], capture_output=True)


@pytest.fixture
def open_library(tmp_path: Path) -> Iterator[Callable[..., Library]]:
    """Open libraries on the project's tiny trained CLIP; all are closed after the test."""
    opened: list[Library] = []

    def factory(directory: Path | None = None, **kwargs: object) -> Library:
        kwargs.setdefault("model", TINY_MODEL)
        library = Library.open(directory or tmp_path / "library", **kwargs)
        opened.append(library)
        return library

    yield factory
    for library in opened:
        library.close()


@pytest.fixture
def photo_folder(tmp_path: Path) -> Path:
    """Six good photos in two folders, and one hidden file that must be skipped."""
    folder = tmp_path / "photos"
    for i in range(4):
        write_photo(folder / f"p{i}.jpg", seed=i)
    for i in range(4, 6):
        write_photo(folder / "trip" / f"p{i}.png", seed=i, fmt="PNG")
    write_photo(folder / ".hidden" / "secret.jpg", seed=99)
    return folder


class _QuietFiles(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


class _QuietServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client that hung up early (photoclip stops reading past its size limit)


@pytest.fixture
def web_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Path, str]]:
    """A real HTTP server on this machine serving a folder: (the folder, its base URL)."""
    folder = tmp_path / "web"
    folder.mkdir()
    monkeypatch.setenv("no_proxy", "127.0.0.1")
    server = _QuietServer(("127.0.0.1", 0), functools.partial(_QuietFiles, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield folder, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


class SlowHub(http.server.BaseHTTPRequestHandler):
    """A model hub on loopback that answers slowly: weights trickle in, or a 404 after a pause."""

    requests: list[str]
    missing: bool

    def do_GET(self) -> None:
        self.requests.append(self.path)
        if self.missing:
            time.sleep(0.5)
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Length", str(50 << 20))
        self.end_headers()
        with contextlib.suppress(OSError):
            for _ in range(600):
                self.wfile.write(bytes(4096))
                time.sleep(0.05)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def slow_hub(monkeypatch: pytest.MonkeyPatch) -> Iterator[type[SlowHub]]:
    hub = type("Hub", (SlowHub,), {"requests": [], "missing": False})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), hub)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{server.server_address[1]}")
    monkeypatch.setenv("no_proxy", "127.0.0.1")
    yield hub
    server.shutdown()
    server.server_close()
