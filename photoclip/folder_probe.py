"""Looking into a folder with a time limit. A share whose server went away (NFS, SMB, sshfs) can keep any
call on it waiting for minutes or for ever, and a status, a search or the worker's rounds must go on
meanwhile: each look runs on a thread of its own, and a folder whose look has not answered in time is
"silent" until that look ends. One look at a time per folder, so a hung share holds one thread, not one
a call."""

from __future__ import annotations

import enum
import os
import threading
import time
from collections.abc import Iterable
from pathlib import Path

ANSWER_SECONDS = 10.0  # longer than a USB disk asleep takes to spin up
_CANCEL_CHECK_S = 0.2


class Listing(enum.Enum):
    ENTRIES = "entries"
    EMPTY = "empty"
    UNREADABLE = "unreadable"  # OSError: not there, not allowed, a drive pulled out under its mount
    SILENT = "silent"  # no answer in ANSWER_SECONDS


class _Look:
    """One look into a folder, on a daemon thread: a process that ends does not wait for a hung one."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.started = time.monotonic()
        self.answered = threading.Event()
        self.listing = Listing.SILENT
        self.given_up = False
        threading.Thread(target=self._look, name="folder probe", daemon=True).start()

    def _look(self) -> None:
        try:
            with os.scandir(self.folder) as entries:
                self.listing = Listing.ENTRIES if next(entries, None) is not None else Listing.EMPTY
        except Exception:  # OSError mostly; a name the system cannot take (ValueError) is no folder either
            self.listing = Listing.UNREADABLE
        finally:
            with _lock:  # only looks not answered are kept: silent() goes through them all
                if _looks.get(self.folder) is self:
                    del _looks[self.folder]
            self.answered.set()


_looks: dict[Path, _Look] = {}
_lock = threading.Lock()


def listings(
    folders: Iterable[Path], wait: float | None = None, cancel: threading.Event | None = None,
) -> dict[Path, Listing]:
    """What a look into each folder finds, all looked into at once: however many are silent, the answer
    takes `wait` (ANSWER_SECONDS) at most, and no time for a folder whose look was already given up on.
    Once `cancel` is set, the looks not answered yet are said SILENT at once, but not given up on."""
    wait = ANSWER_SECONDS if wait is None else wait
    looks = [_look_into(folder) for folder in dict.fromkeys(folders)]
    found = {}
    for look in looks:
        while not look.answered.wait(max(0.0, min(look.started + wait - time.monotonic(), _CANCEL_CHECK_S))):
            if cancel is not None and cancel.is_set():
                break
            if time.monotonic() >= look.started + wait:
                look.given_up = True
                break
        found[look.folder] = look.listing if look.answered.is_set() else Listing.SILENT
    return found


def listing(folder: Path, wait: float | None = None, cancel: threading.Event | None = None) -> Listing:
    """What a look into one folder finds (listings)."""
    return listings([folder], wait, cancel)[folder]


def silent(path: Path) -> bool:
    """Whether `path` is, or lies in, a folder whose look was given up on and has not answered since:
    looking at it would hang the caller too."""
    with _lock:
        return any(look.given_up and (folder == path or folder in path.parents) for folder, look in _looks.items())


def answers(file: Path, wait: float | None = None) -> bool:
    """Whether the folder of `file` answers, before the file is read where no caller may wait for ever
    (a pool of thumbnail makers that a hung share would take all of)."""
    return not silent(file) and listing(file.parent, wait) is not Listing.SILENT


def _look_into(folder: Path) -> _Look:
    with _lock:
        look = _looks.get(folder)
        if look is None:
            look = _looks[folder] = _Look(folder)
        return look
