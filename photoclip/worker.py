"""The background worker: keeps a library in line with its folders, by itself.

One thread owns every write (scans, moves, embedding), so the catalog and the vector index
have one writer, fed by a queue with priorities: what the user asked for, then what changed
on disk, then the backfill of photos still waiting for a vector. Embedding runs in chunks of
about a second, and a user's request interrupts the current chunk after its batch, so nothing
waits long behind a big backfill.

Watching: one watchdog observer per root (the native one, else polling), also over the folders the
root reaches through links to elsewhere (told by the links' paths). Observer threads only
record paths. A created or modified path is looked at once it has settled (size and mtime
unchanged for `settle_s`) and, where the observer tells (inotify), its writer closed it, so a
photo still being copied is never indexed half-written; moves are applied straight away by path,
so a moved file or a renamed folder keeps its ids and vectors, and a photo renamed to a backup's
name waits a few seconds for its new file, as an editor saves. A root whose folder vanished
(unplugged drive, renamed away, a card pulled out under its mount) is marked offline — none of its
photos leave the library — and polled until it returns; deletions are applied only while their root
is present.

Subscribers get frozen dataclass events through plain callbacks, called on the worker thread:
the CLI prints them, the GUI marshals them to its own thread. No Qt here, and no public method
blocks its caller on disk, model or index work.
"""

from __future__ import annotations

import dataclasses
import heapq
import itertools
import logging
import os
import stat
import sys
import threading
import time
import warnings
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import IntEnum
from pathlib import Path

from watchdog import events as watchdog_events
from watchdog.events import (
    DirAttribEvent,
    DirCreatedEvent,
    DirDeletedEvent,
    DirMovedEvent,
    FileAttribEvent,
    FileClosedEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver
from watchdog.observers.polling import PollingObserver

from photoclip import folder_probe, imaging, keywords, mounts, scan, takeout
from photoclip.catalog import Photo, Root
from photoclip.dedup import TrashResult
from photoclip.errors import LibraryFullError, LibraryLockedError, PhotoclipError
from photoclip.fsutil import mtime_ns
from photoclip.ids import PhotoId, RootId
from photoclip.library import Library
from photoclip.pipeline import Progress

log = logging.getLogger(__name__)

SAVE_EVERY_S = 120.0
"""During a long run, save the vector index this often (a crash costs only a catch-up)."""
PRUNE_THUMBNAILS_EVERY_S = 3600.0
"""A worker left running for weeks drops the thumbnails of photos deleted or edited this often
(when it is next idle), not only at its next start."""
POLLING_INTERVAL_S = 5.0
"""The fallback observer walks and stats the whole tree each time: not too often."""
NETWORK_POLLING_INTERVAL_S = 60.0
"""On a network share every stat is a round trip: a photo another machine adds there is found
within a minute."""
FULL_DISK_RETRY_S = 60.0
"""Indexing stopped by a full disk is tried again this often, so it goes on once there is room."""
STEP_RETRY_S = 0.5
STEP_RETRY_MAX_S = 60.0
"""A step that failed in a way nobody foresaw is tried again after STEP_RETRY_S, doubling up
to this: it is said once, and it does not spin a core writing the same error."""
REOPEN_CHECKS = 200
"""Unreadable folders and files checked at each poll for permissions that changed."""
WRITING_SETTLES = 3
"""A photo whose file was written within this many settle intervals may still be being written
(a slow copy, a download, writes a chunk every second or two, and may settle between two): it
waits till then before it is decoded, so a half-written file is never shown failed or damaged."""
BACKUP_SAVE_S = 10.0
"""An editor that saves through a backup renames the photo away ("x.jpg~", "x.jpg.bak") and writes
it anew, seconds later for a big image: a photo renamed to a name that is no photo's waits this long
for its new file, which is the same photo with its id and tags. Nothing there by then, it is gone
(only such photos wait: a deletion leaves search at once), and a file there later is another photo."""
OPEN_WRITE_MAX_S = 300.0
"""Where the observer hears a writer close a file (inotify), a file written to and not closed yet
waits for the close: a network or USB copy can stall for seconds mid-write. This long after its last
write at most, so a program that keeps a photo open does not keep it out of the library for ever."""
BACKGROUND_NICENESS = 10
"""The worker's thread and every thread it starts (decoding, the encoder's) run at least this
nice where a thread's priority can be set (Linux): the app's window and the user's other
programs come first, indexing takes the cycles they leave."""


# events


@dataclass(frozen=True)
class WorkerEvent:
    """Base of everything the worker tells its subscribers."""


@dataclass(frozen=True)
class IndexProgress(Progress, WorkerEvent):
    """Where indexing stands since the worker was last idle (a pipeline Progress, so whatever
    draws one draws the other), and whether the user paused it."""

    paused: bool


@dataclass(frozen=True)
class PhotosChanged(WorkerEvent):
    """Photos entered (`added`, maybe not searchable yet) or left (`removed`) the catalog;
    `updated` ones were moved, edited, or just became searchable (views refresh them)."""

    added: tuple[PhotoId, ...]
    removed: tuple[PhotoId, ...]
    updated: tuple[PhotoId, ...] = ()


@dataclass(frozen=True)
class RootsChanged(WorkerEvent):
    """The library's folders, with their online/offline state, after any change to them."""

    roots: tuple[Root, ...]


@dataclass(frozen=True)
class Idle(WorkerEvent):
    """Nothing left to do: the queue is drained and the vector index is saved."""


@dataclass(frozen=True)
class WorkerError(WorkerEvent):
    """Something the user should know, in one line; the worker goes on."""

    message: str


@dataclass(frozen=True)
class Trashed(WorkerEvent):
    """Photos the user asked to remove went to the system trash (or stayed, with a reason)."""

    result: TrashResult


@dataclass(frozen=True)
class TagsChanged(WorkerEvent):
    """Tags were given or taken: by auto-tagging after indexing, or by the user."""

    defined: str | None = None  # a tag the user just defined: the tags now say how many photos it found


@dataclass(frozen=True)
class ModelDownload(WorkerEvent):
    """The model's weights are downloading (bytes; total None when the server does not say)."""

    done: int
    total: int | None


Subscriber = Callable[[WorkerEvent], None]


class Priority(IntEnum):
    """Lower runs first."""

    USER = 0
    CHANGES = 1
    BACKFILL = 2


@dataclass(order=True)
class _Job:
    priority: Priority
    seq: int
    name: str = field(compare=False)
    run: Callable[[], None] = field(compare=False)
    at_stop: Callable[[], object] | None = field(default=None, compare=False)  # what of it to do if stopped first


# what the watchers saw, waiting to settle

FileStat = tuple[int, int, bool]  # size, mtime_ns, is a folder


def _stat(path: str) -> FileStat | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_size, mtime_ns(st), stat.S_ISDIR(st.st_mode)


def _changed_at(path: str) -> float | None:
    """When the file was last written to (or its date set: a sync client sets the server's), by the clock."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return max(st.st_mtime, st.st_ctime)


@dataclass
class _Settling:
    since: float  # when the path last changed (an event, or a different stat)
    stat: FileStat | None  # what it looked like then; None when missing
    back_by: float = 0.0  # missing before then: renamed away for a backup, maybe not written anew yet


class _Changes:
    """Paths named by watch events, until they settle; moves, in the order they happened.

    Not thread-safe by itself: the worker guards it with its lock."""

    def __init__(self, settle_s: float, hold_s: float) -> None:
        self.settle_s = settle_s
        self.hold_s = hold_s
        self.settling: dict[str, _Settling] = {}
        self.ready: dict[str, float] = {}
        self.moves: deque[tuple[str, str]] = deque()
        self.open: dict[str, float] = {}  # written to, not closed yet (inotify) -> last written
        self.closed: dict[str, float] = {}  # closed by their writer since last written to (inotify) -> when

    def __bool__(self) -> bool:
        return bool(self.settling or self.ready or self.moves)

    def touch(self, path: str, now: float, current: FileStat | None, back_by: float = 0.0) -> None:
        self.ready.pop(path, None)
        self.settling[path] = _Settling(now, current, back_by)

    def wrote(self, path: str, now: float, still_open: bool, closed: bool = False) -> None:
        """A writer wrote to `path` and has not closed it, or is done with it (`closed`, or
        deleted, moved)."""
        if still_open:
            self.open[path] = now
        else:
            self.open.pop(path, None)
        if closed and not still_open:
            self.closed[path] = now
        else:
            self.closed.pop(path, None)

    def due(self, now: float) -> list[tuple[str, _Settling]]:
        """Paths quiet for `settle_s`: to be stat-ed again (outside the lock)."""
        return [(p, s) for p, s in self.settling.items() if now - s.since >= self.settle_s]

    def settle(self, checked: list[tuple[str, _Settling, FileStat | None]], now: float) -> None:
        """Unchanged since the last look, and done with: ready. Else wait another `settle_s`."""
        for path, entry, current in checked:
            if self.settling.get(path) is not entry:
                continue  # touched again meanwhile
            if current == entry.stat and not self._unfinished(path, entry, now):
                del self.settling[path]
                self.open.pop(path, None)
                self.ready.setdefault(path, now)
            else:
                self.settling[path] = _Settling(now, current, entry.back_by)

    def _unfinished(self, path: str, entry: _Settling, now: float) -> bool:
        """Renamed away for a backup and not written anew yet, or still open for writing."""
        if entry.stat is None:
            return now < entry.back_by
        opened = self.open.get(path)
        return opened is not None and now - opened < OPEN_WRITE_MAX_S

    def take_ready(self, now: float) -> list[str]:
        """Ready paths, all at once, when nothing else is settling (so a move seen as a deletion
        here and a creation there pairs up) or when the oldest has waited `hold_s`."""
        if not self.ready or (self.settling and now - min(self.ready.values()) < self.hold_s):
            return []
        paths = list(self.ready)
        self.ready.clear()
        return paths

    def next_deadline(self) -> float | None:
        times = [s.since + self.settle_s for s in self.settling.values()]
        if self.ready:
            times.append(min(self.ready.values()) + self.hold_s)
        return min(times) if times else None


class _Handler(FileSystemEventHandler):
    """Runs on an observer thread: records paths, nothing else. `linked`: (real folder, path through a link to it)
    for a folder below the root reached through a link, whose photos the catalog keeps by the link's paths."""

    def __init__(self, worker: Worker, root: Path, hears_closes: bool, linked: tuple[str, str] | None = None) -> None:
        self._worker = worker
        self._root = str(root)
        self._hears_closes = hears_closes
        self._linked = linked

    def on_any_event(self, event: FileSystemEvent) -> None:
        if self._linked is not None:
            event = _through_link(event, *self._linked)
        self._worker._on_fs_event(self._root, event, self._hears_closes)


def _through_link(event: FileSystemEvent, real: str, link: str) -> FileSystemEvent:
    """The event with its paths inside `real` told as they are through `link`."""
    def shown(path: bytes | str) -> bytes | str:
        text = os.fsdecode(path)
        return link + text[len(real):] if text == real or text.startswith(real + os.sep) else path

    return dataclasses.replace(event, src_path=shown(event.src_path),
                               dest_path=shown(event.dest_path) if event.dest_path else event.dest_path)


_WATCHED_EVENTS = [
    FileCreatedEvent, DirCreatedEvent, FileModifiedEvent, FileClosedEvent,
    FileDeletedEvent, DirDeletedEvent, FileMovedEvent, DirMovedEvent,
    FileAttribEvent, DirAttribEvent,  # permissions given back: what could not be read is read
]


@dataclass
class _Plan:
    """Photos waiting for a vector, in the order they will be embedded."""

    queues: dict[Priority, deque[tuple[PhotoId, Path]]] = field(
        default_factory=lambda: {p: deque() for p in Priority}
    )

    def __len__(self) -> int:
        return sum(len(q) for q in self.queues.values())

    def take(self, count: int) -> list[tuple[PhotoId, Path]]:
        for queue in self.queues.values():
            if queue:
                return [queue.popleft() for _ in range(min(count, len(queue)))]
        return []

    def clear(self) -> None:
        for queue in self.queues.values():
            queue.clear()


@dataclass
class _RunStats:
    """Progress since the worker was last idle."""

    done: int = 0
    failed: int = 0
    active_s: float = 0.0
    failed_ids: set[PhotoId] = field(default_factory=set)  # those counted failed


class Worker:
    """Indexes and watches a library in a background thread. Start it, subscribe, stop it.

    `settle_s`: how long a file must stay unchanged before it is indexed; `poll_s`: how often
    the roots' folders are checked (offline ones coming back, online ones vanishing). Without
    `model_at_start`, the model is loaded once a photo is to be embedded, not at start: a
    `photoclip watch` with nothing to do holds a few hundred megabytes less (torch's own)."""

    def __init__(
        self, library: Library, watch: bool = True, *, settle_s: float = 1.0, poll_s: float = 3.0,
        model_at_start: bool = True,
    ) -> None:
        if library.read_only:
            raise LibraryLockedError(
                f"library {library.directory} is open read-only (another photoclip is using it); "
                "only the process that writes it can watch its folders"
            )
        self.library = library
        self.watch = watch
        self.poll_s = poll_s
        self._model_at_start = model_at_start
        self._writing_s = WRITING_SETTLES * settle_s
        self._cv = threading.Condition()
        self._subscribers: list[Subscriber] = []
        self._jobs: list[_Job] = []
        self._seq = itertools.count()
        self._changes = _Changes(settle_s, hold_s=max(2.0, 4 * settle_s))
        self._thread: threading.Thread | None = None
        self._interrupt = threading.Event()  # ends the current chunk after its batch
        self._abort = threading.Event()  # ends a model download (cancel, stop)
        # under self._cv
        self._starting = False
        self._stopping = False
        self._stopped = False
        self._running = False
        self._paused = False
        self._cancel_requested = False
        self._idle_announced = True
        self._plan_dirty = False
        self._plan_size = 0
        self._writing_size = 0  # len(self._writing)
        # worker thread only
        self._plan = _Plan()
        self._hot: dict[PhotoId, Priority] = {}
        self._user_roots: set[RootId] = set()
        self._held: set[PhotoId] = set()
        self._writing: dict[PhotoId, float] = {}  # photos whose files were just written -> when to try them
        self._unanswered: set[Path] = set()  # folders of photos left out of the plan: they do not answer
        self._blocked: str | None = None
        self._retry_at: float | None = None  # when embedding blocked by a full disk is tried again
        self._announced_pause = False
        self._observers: dict[RootId, tuple[Path, BaseObserver]] = {}
        self._linked: dict[RootId, set[str]] = {}  # the real folders each root's observer watches for its links
        self._next_poll = 0.0
        self._reopen_tried: set[Path] = set()  # unreadable paths that opened and were scanned again
        self._last_save = self._last_prune = time.monotonic()  # the start prunes thumbnails (_queue_startup)
        self._tagging_error: str | None = None
        self._chunk = 32
        self._stats = _RunStats()
        self._library_dir = str(library.directory.resolve())

    # public API (any thread; never blocks on disk, model or index work)

    def start(self) -> None:
        """Reconcile every root with the disk, then watch them and index what is pending."""
        warnings.filterwarnings(  # inotify's watch of a folder moved out and back in is taken over, as it should be
            "ignore", r"Callback with id .* already exists for watch", RuntimeWarning, r"watchdog\.")
        with self._cv:
            if self._thread is not None:
                return
            self._starting = True
            self._idle_announced = False
            self._thread = threading.Thread(target=self._main, name="photoclip-worker", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 30) -> None:
        """Finish the current batch, stop watching, save the index; joins the threads.

        The library stays open (its owner closes it)."""
        with self._cv:
            self._stopping = True
            self._interrupt.set()
            self._abort.set()
            self._cv.notify_all()
            thread = self._thread
        if thread is None or thread is threading.current_thread():
            return
        thread.join(timeout)
        if thread.is_alive():
            log.warning("the worker did not stop within %.0f s", timeout)

    def subscribe(self, callback: Subscriber) -> Callable[[], None]:
        """Call `callback(event)` for every event, on the worker thread; returns unsubscribe."""
        with self._cv:
            self._subscribers.append(callback)

        def unsubscribe() -> None:
            with self._cv:
                if callback in self._subscribers:
                    self._subscribers.remove(callback)

        return unsubscribe

    def add_root(self, path: Path | str, or_its_root: bool = False) -> None:
        """Add a folder, scan and index it before anything else; errors come back as WorkerError.
        `or_its_root`: a folder inside one of the library's stands for that one (Library.add_root)."""
        self._submit(f"add {path}", lambda: self._do_add_root(Path(path), or_its_root),
                     at_stop=lambda: self.library.add_root(Path(path), or_its_root))  # scanned at the next start

    def remove_root(self, path: Path | str) -> None:
        """Forget a folder and its photos (the files are not touched); a folder inside one of
        the library's is left out from then on."""
        self._submit(f"remove {path}", lambda: self._do_remove_root(Path(path)),
                     at_stop=lambda: self.library.remove_root(Path(path)))

    def trash(self, ids: Iterable[PhotoId], kept_for: Mapping[PhotoId, Sequence[PhotoId]] | None = None,
              shown: Mapping[PhotoId, Photo] | None = None) -> None:
        """Move these photos to the system trash, before anything else; a Trashed event says how it
        went. Copies of duplicates name the photos kept in their stead, and come with the photos as
        the user was shown them (Library.trash)."""
        chosen = tuple(ids)
        self._submit(f"trash {len(chosen)} photos", lambda: self._do_trash(chosen, kept_for, shown),
                     at_stop=lambda: self.library.trash(chosen, kept_for, shown))

    def not_duplicates(self, ids: Iterable[PhotoId]) -> None:
        """Remember that these photos are different, so they are not grouped as duplicates again."""
        chosen = tuple(ids)
        self._submit("not duplicates", lambda: self.library.not_duplicates(chosen),
                     at_stop=lambda: self.library.not_duplicates(chosen))

    def maybe_duplicates(self, ids: Iterable[PhotoId]) -> None:
        """not_duplicates undone: these photos may be grouped as duplicates again. Said as an update of
        them once done: a view of the groups looks again then, not on an Idle that came before."""
        chosen = tuple(ids)

        def forget() -> None:
            self.library.maybe_duplicates(chosen)
            self._emit(PhotosChanged((), (), chosen))

        self._submit("maybe duplicates", forget, at_stop=lambda: self.library.maybe_duplicates(chosen))

    def add_tag(self, ids: Iterable[PhotoId], tag: str) -> None:
        """Tag these photos by hand (a TagsChanged event follows)."""
        chosen = tuple(ids)
        self._submit_tags(f"tag {tag}", lambda: self.library.add_tag(chosen, tag))

    def remove_tag(self, ids: Iterable[PhotoId], tag: str) -> None:
        """Take a tag off these photos; auto-tagging does not give it back."""
        chosen = tuple(ids)
        self._submit_tags(f"untag {tag}", lambda: self.library.remove_tag(chosen, tag))

    def define_tag(self, tag: str, prompt: str | None = None) -> None:
        """A tag of the user's own, given to the photos that match `prompt` from now on."""
        self._submit_tags(f"define {tag}", lambda: self.library.define_tag(tag, prompt), defining=True)

    def forget_tag(self, tag: str) -> None:
        self._submit_tags(f"forget {tag}", lambda: self.library.forget_tag(tag))

    def reindex(self) -> None:
        """Rescan every folder and index whatever is pending (also what a cancel left)."""
        self._submit("reindex", self._do_reindex)

    def pause(self) -> None:
        """Stop embedding after the current batch; the catalog keeps up with the disk meanwhile."""
        with self._cv:
            self._paused = True
            self._interrupt.set()
            self._cv.notify_all()

    def resume(self) -> None:
        with self._cv:
            self._paused = False
            self._cv.notify_all()

    def cancel(self) -> None:
        """Stop the current job; photos it left pending wait for `reindex`, `add_root` or a restart."""
        with self._cv:
            if self._running or self._plan_size:
                self._cancel_requested = True
                self._interrupt.set()
                self._abort.set()
                self._cv.notify_all()

    @property
    def paused(self) -> bool:
        return self._paused

    @property
    def busy(self) -> bool:
        """Work is queued, settling or running (paused with photos pending counts as busy)."""
        with self._cv:
            return self._busy_locked()

    def wait_idle(self, timeout: float) -> bool:
        """Block until the worker has drained its queue and said Idle (tests, the CLI)."""
        with self._cv:
            return self._cv.wait_for(
                lambda: self._thread is None or self._stopped
                or (self._idle_announced and not self._busy_locked()),
                timeout,
            )

    # observer threads

    def _on_fs_event(self, root: str, event: FileSystemEvent, hears_closes: bool) -> None:
        """`hears_closes`: the observer says when a writer closes a file, so one written to
        waits for that (OPEN_WRITE_MAX_S)."""
        if event.is_directory and event.event_type == "modified":
            return
        src = os.fsdecode(event.src_path)
        if event.event_type == "moved":
            dest = os.fsdecode(event.dest_path)
            with self._cv:
                self._changes.moves.append((src, dest))
                self._changes.wrote(src, time.monotonic(), still_open=False)
                self._idle_announced = False
                self._cv.notify_all()
            return
        if event.event_type not in ("created", "modified", "closed", "deleted", "attrib"):
            return
        if _hidden_below(root, src) or _inside(src, self._library_dir):
            return
        if event.is_directory and event.event_type == "attrib":  # opened, maybe: a watch below it is due
            with self._cv:
                self._next_poll = 0.0
                self._cv.notify_all()
            return
        if hears_closes and event.event_type not in ("created", "attrib"):  # attrib: a chmod, no write
            with self._cv:
                self._changes.wrote(src, time.monotonic(), still_open=event.event_type == "modified",
                                    closed=event.event_type == "closed")
        self._touch(src)

    def _touch(self, path: str, back_by: float = 0.0) -> None:
        """Look at `path` once it settles; missing, it is gone only from `back_by` on."""
        current = _stat(path)
        with self._cv:
            self._changes.touch(path, time.monotonic(), current, back_by)
            self._idle_announced = False
            self._cv.notify_all()

    # the worker thread

    def _main(self) -> None:
        _yield_to_foreground()
        try:
            try:
                self._queue_startup()
            except Exception as exc:
                log.exception("worker start-up failed")
                self._emit(WorkerError(f"cannot start watching: {_one_line(exc)}"))
            failures, last_failure = 0, ""
            while True:
                with self._cv:
                    if self._stopping:
                        break
                    self._running = True
                try:
                    did = self._step()
                    failures = 0
                except Exception as exc:  # a bug or a broken disk: say so once, and try again, less and less often
                    failures, did = failures + 1, True
                    if not self._drive_gone(exc):
                        log.exception("worker step failed")
                        message = f"background work failed: {_one_line(exc)}"
                        if failures == 1 or message != last_failure:
                            self._emit(WorkerError(message))
                        last_failure = message
                with self._cv:
                    self._running = False
                    self._cv.notify_all()
                    if failures and not self._stopping:
                        self._cv.wait(min(STEP_RETRY_MAX_S, STEP_RETRY_S * 2 ** (failures - 1)))
                if not did:
                    self._rest()
        finally:
            self._shutdown()

    def _drive_gone(self, exc: Exception) -> bool:
        """`exc` is a look into a root whose drive was pulled out under its mount (scan.drive_gone): not a failure
        to show, the root goes offline at once, as a drive unmounted cleanly does."""
        if not isinstance(exc, OSError) or not scan.drive_gone(exc) or exc.filename is None:
            return False
        path = Path(os.fsdecode(exc.filename))
        root = next(scan.iter_roots_containing(self.library.roots(), path), None)
        if root is None or self.library.root_present(root):
            return False
        log.info("the drive of %s is gone: %s", root.path, exc)
        with self._cv:
            self._next_poll = 0.0
        return True

    def _queue_startup(self) -> None:
        """Watch first (nothing is missed), then reconcile the roots, then load the model."""
        self._sync_observers()
        self._submit("scan", lambda: self._reconcile(self.library.roots()), Priority.CHANGES)
        self._submit("roots", self._after_reconcile, Priority.CHANGES)
        if self._model_at_start:
            self._submit("model", self._load_model, Priority.CHANGES)
        self._submit("thumbnails", self.library.prune_thumbnails, Priority.BACKFILL)
        with self._cv:
            self._starting = False
            self._plan_dirty = True

    def _step(self) -> bool:
        """One unit of work, the most urgent first; False when there is nothing to do now."""
        self._apply_cancel()
        self._announce_pause()
        if self._apply_moves():
            return True
        if self._run_job(Priority.USER):
            return True
        if self._apply_settled():
            return True
        if self._run_job(Priority.BACKFILL):
            return True
        if self._poll_roots():
            return True
        return self._embed_chunk()

    def _rest(self) -> None:
        """Nothing to do: say Idle once (index saved first), then sleep until work or a deadline."""
        with self._cv:
            announce = not self._idle_announced and not self._busy_locked() and not self._stopping
        if announce:
            if self._stats.failed:  # failures of a drive pulled out as it was read: found gone before the run is said
                self._flip_roots()
            self._update_tags()
            self._save_index()
            self._prune_thumbnails_now_and_then()
            self._stats = _RunStats()
            self._emit(Idle())
            with self._cv:
                self._idle_announced = not self._busy_locked()
                self._cv.notify_all()
        with self._cv:
            if self._stopping or self._jobs or self._changes.moves or self._cancel_requested:
                return
            if self._paused != self._announced_pause:
                return
            if self._plan_size and not self._paused and self._blocked is None:
                return
            now = time.monotonic()
            deadlines = [self._next_poll] + ([self._retry_at] if self._retry_at is not None else [])
            settle = self._changes.next_deadline()
            if settle is not None:
                deadlines.append(settle)
            if self._writing and not self._paused and self._blocked is None:
                deadlines.append(min(self._writing.values()))
            self._cv.wait(max(0.01, min(deadlines) - now))

    def _shutdown(self) -> None:
        for root_id in list(self._observers):
            self._unwatch(root_id)
        self._finish_what_the_user_asked()
        self._save_index()
        with self._cv:
            self._stopped = True
            self._cv.notify_all()

    # queue

    def _submit(self, name: str, run: Callable[[], None], priority: Priority = Priority.USER,
                at_stop: Callable[[], object] | None = None) -> None:
        """Queue a job. `at_stop`: what of it is done even if the worker stops before it runs (a
        folder added, a tag given or photos trashed just before the app quit are kept), without
        the rest (the scan, the events: no one may be listening)."""
        with self._cv:
            heapq.heappush(self._jobs, _Job(priority, next(self._seq), name, run, at_stop))
            self._idle_announced = False
            if priority == Priority.USER:
                self._interrupt.set()
            self._cv.notify_all()

    def _submit_tags(self, name: str, change: Callable[[], object], defining: bool = False) -> None:
        """A change of tags, then auto-tags brought up to date (at stop: the change alone; the
        auto-tags at the next start's first rest)."""
        self._submit(name, lambda: self._do_tags(change, defining), at_stop=change)

    def _finish_what_the_user_asked(self) -> None:
        """The jobs still queued at stop, as much of them as they say (_Job.at_stop), in order."""
        with self._cv:
            jobs = sorted(self._jobs)
            self._jobs.clear()
        for job in jobs:
            if job.at_stop is None:
                continue
            try:
                job.at_stop()
                log.info("done before stopping: %s", job.name)
            except Exception:  # the others still count; the library stays as it was for this one
                log.exception("could not finish %s before stopping", job.name)

    def _run_job(self, up_to: Priority) -> bool:
        with self._cv:
            if not self._jobs or self._jobs[0].priority > up_to:
                return False
            job = heapq.heappop(self._jobs)
        log.debug("job %s", job.name)
        try:
            job.run()
        except PhotoclipError as exc:
            self._emit(WorkerError(str(exc)))
        return True

    def _busy_locked(self) -> bool:
        embedding = (self._plan_size > 0 or self._writing_size > 0) and self._blocked is None
        return bool(
            self._starting or self._running or self._jobs or self._changes or self._plan_dirty or embedding
        )

    def _apply_cancel(self) -> None:
        with self._cv:
            if not self._cancel_requested:
                return
            self._cancel_requested = False
            self._abort.clear()
        self._held = {pid for pid, _ in self.library.pending()}
        self._user_roots.clear()
        self._set_plan_dirty()
        log.info("cancelled; %d photos left pending", len(self._held))

    def _announce_pause(self) -> None:
        if self._paused == self._announced_pause:
            return
        self._announced_pause = self._paused
        self._emit(self._progress_event(None, paused=self._paused))

    # jobs

    def _do_add_root(self, path: Path, or_its_root: bool) -> None:
        root = self.library.add_root(path, or_its_root)
        self._user_roots.add(root.id)
        self._unhold()
        self._reconcile([root])
        self._after_reconcile()

    def _do_remove_root(self, path: Path) -> None:
        folder = self.library.folder_named(path)
        root = next((r for r in self.library.roots() if r.path == folder), None)
        states = self.library.catalog.file_states(root.id) if root else self.library.catalog.states_under(str(folder))
        ids = tuple(s.id for s in states.values())
        self.library.remove_root(path)
        self._sync_observers()
        self._set_plan_dirty()
        if ids:
            self._emit(PhotosChanged(added=(), removed=ids))
        self._emit(RootsChanged(tuple(self.library.roots())))

    def _do_trash(self, ids: tuple[PhotoId, ...], kept_for: Mapping[PhotoId, Sequence[PhotoId]] | None,
                  shown: Mapping[PhotoId, Photo] | None) -> None:
        result = self.library.trash(ids, kept_for, shown)
        if result.trashed:
            self._emit(PhotosChanged(added=(), removed=result.trashed))
        self._emit(Trashed(result))

    def _do_tags(self, change: Callable[[], object], defining: bool = False) -> None:
        changed = change()
        defined = changed if defining and isinstance(changed, str) else None
        if not self._update_tags(defined):
            self._emit(TagsChanged(defined))

    def _update_tags(self, defined: str | None = None) -> bool:
        """Auto tags for what was indexed; a vocabulary the user broke is reported once. True
        when TagsChanged (naming `defined`, a tag just defined) was sent."""
        if self.library.read_only:
            return False
        try:
            tagged = self.library.update_tags()
        except Exception as exc:  # never the end of the worker: tags are redone next time
            if not isinstance(exc, PhotoclipError):
                log.exception("tagging failed")
            message = f"photos were not tagged: {_one_line(exc)}"
            if message != self._tagging_error:
                self._tagging_error = message
                self._emit(WorkerError(message))
            return False
        self._tagging_error = None
        if tagged:
            self._emit(TagsChanged(defined))
        return bool(tagged)

    def _do_reindex(self) -> None:
        roots = self.library.roots()
        self._user_roots = {r.id for r in roots}
        self._unhold()
        self._reconcile(roots)
        self._after_reconcile()

    def _unhold(self) -> None:
        self._held.clear()
        self._blocked = None
        self._set_plan_dirty()

    def _reconcile(self, roots: list[Root]) -> None:
        """Full scans (start-up, reindex, a root coming back), of all these roots together, so
        that a photo moved from one to another while nobody watched keeps its id."""
        with self._cv:
            if self._stopping or self._cancel_requested:
                return
        before = self._ids_of(roots)
        summary = self.library.scan(roots)
        after = self._ids_of(roots)
        self._set_plan_dirty()
        if summary.keywords:
            self._emit(TagsChanged())
        if before != after:
            self._emit(PhotosChanged(added=tuple(sorted(after - before)), removed=tuple(sorted(before - after))))

    def _ids_of(self, roots: list[Root]) -> set[PhotoId]:
        return {s.id for root in roots for s in self.library.catalog.file_states(root.id).values()}

    def _after_reconcile(self) -> None:
        self._sync_observers()
        self._emit(RootsChanged(tuple(self.library.roots())))

    def _load_model(self) -> None:
        """Load the encoder and the vector index here, not on the first search of the GUI."""
        try:
            self.library.encoder(
                progress=lambda done, total: self._emit(ModelDownload(done, total)), cancel=self._abort
            )
            self.library.vectors()
        except PhotoclipError as exc:
            self._blocked = str(exc)
            self._emit(WorkerError(str(exc)))

    # watch events

    def _apply_moves(self) -> bool:
        with self._cv:
            moves = list(self._changes.moves)
            self._changes.moves.clear()
        if not moves:
            return False
        removed: list[PhotoId] = []
        moved: list[PhotoId] = []
        roots = self.library.roots()
        for src, dest in moves:
            changes = self.library.move_path(src, dest)
            removed += changes.removed
            moved += changes.moved
            root = next(scan.iter_roots_containing(roots, Path(dest)), None)
            if root is not None and not _hidden_below(str(root.path), dest):
                self._touch(dest)  # catches an edit made along with the move, or a file new to us
            if next(scan.iter_roots_containing(roots, Path(src)), None) is not None:
                self._touch(src, self._backup_window(src))  # written anew after a backup was made, or gone
        if moved:
            self._set_plan_dirty()  # a photo that failed because it moved while being indexed waits again
        if removed or moved:
            self._emit(PhotosChanged(added=(), removed=tuple(removed), updated=tuple(moved)))
        return True

    def _backup_window(self, src: str) -> float:
        """Until when a photo whose file was renamed away may be written anew (BACKUP_SAVE_S): one
        that stayed at `src` (renamed to a name that is no photo's, as a backup); 0 for others."""
        if src not in self.library.catalog.photo_states([src]):
            return 0.0
        return time.monotonic() + BACKUP_SAVE_S

    def _apply_settled(self) -> bool:
        now = time.monotonic()
        with self._cv:
            due = self._changes.due(now)
        checked = [(path, entry, _stat(path)) for path, entry in due]
        with self._cv:
            self._changes.settle(checked, now)
            ready = self._changes.take_ready(now)
        if not ready:
            return False
        root_paths = {str(r.path) for r in self.library.roots()}
        paths = []
        for path in ready:
            current = _stat(path)
            if current is not None and current[2] and path not in root_paths:
                self._expand(path)
            else:
                paths.append(path)
        try:
            self._take_in(paths)
        except LibraryFullError as exc:
            for path in paths:  # they settle again, and are taken in once there is room
                self._touch(path)
            self._stop_for_full_disk(exc)
        return True

    def _take_in(self, paths: list[str]) -> None:
        """Files that settled: sidecars and Takeout JSON are read for their photos, the rest
        scanned as photos."""
        sidecars = [p for p in paths if keywords.is_sidecar(p)]
        if sidecars:
            paths = [p for p in paths if not keywords.is_sidecar(p)]
            described = self.library.described_by_sidecars(sidecars)
            if self.library.read_sidecars(sidecars):
                self._emit(TagsChanged())
            if described:  # a date or a caption may have come or gone: views show them again
                self._emit(PhotosChanged(added=(), removed=(), updated=described))
        descriptions = [p for p in paths if takeout.is_json(p)]
        if descriptions:
            paths = [p for p in paths if not takeout.is_json(p)]
            self._report(self.library.read_takeout_json(descriptions))
        if paths:
            self._report(self.library.scan_paths(paths))

    def _stop_for_full_disk(self, exc: LibraryFullError) -> None:
        """Embedding waits FULL_DISK_RETRY_S, then tries again; the user hears of it once."""
        message = str(LibraryFullError(exc.folder, "indexing goes on by itself"))
        if self._blocked != message:
            self._emit(WorkerError(message))
        self._blocked = message
        self._retry_at = time.monotonic() + FULL_DISK_RETRY_S

    def _expand(self, folder: str) -> None:
        """A folder appeared: each photo in it settles on its own (it may still be copying)."""
        library = [r.path for r in self.library.roots()]
        seen = scan.walk(Path(folder), self.library.settings.exclude_patterns, library)
        self.library.note_unreadable(folder, seen.unreadable)
        for entry in seen.files:
            self._touch(entry.path)
        root = next(scan.iter_roots_containing(self.library.roots(), Path(folder)), None)
        if root is not None and root.id in self._observers:
            self._watch_links(root, Path(folder))

    def _report(self, changes: scan.PathChanges) -> None:
        fresh = changes.added + changes.changed
        for pid in fresh:
            self._hot[pid] = Priority.CHANGES
            self._held.discard(pid)
        if fresh:
            self._set_plan_dirty()
        if changes.added or changes.removed or changes.changed or changes.moved:
            self._emit(PhotosChanged(
                added=changes.added, removed=changes.removed, updated=changes.changed + changes.moved
            ))
        if changes.offline:
            self._sync_observers()
            self._emit(RootsChanged(tuple(self.library.roots())))

    # roots: online, offline, observers

    def _poll_roots(self) -> bool:
        """A root that vanished goes offline; an offline root that is back is reconciled; so is
        a root holding a folder the last scan could not open that opens now. Folders another
        photoclip asked for are added."""
        now = time.monotonic()
        if now < self._next_poll:
            return False
        self._next_poll = now + self.poll_s
        if any(not folder_probe.silent(folder) for folder in self._unanswered):
            self._set_plan_dirty()  # the photos of a folder that answers again are read
        asked = self.library.asked_to_add()  # `photoclip index FOLDER` while this one holds the library
        for folder in asked:
            self.add_root(folder, or_its_root=True)
        tagged = self._tag_as_asked()
        return bool(asked) or tagged or self._flip_roots() or self._reopen_folders()

    def _tag_as_asked(self) -> bool:
        """Tags `photoclip tag` and `untag` asked for while this one holds the library (ask_to_tag)."""
        asked = self.library.tag_as_asked()
        if asked:
            self._emit(TagsChanged())
        return bool(asked)

    def _reopen_folders(self) -> bool:
        """A folder (or file) that could not be read and can now (its permissions changed): its
        root is scanned again and watched anew, since no watch could be set below it. Each is
        tried once while it stays listed, should the scan still find it closed."""
        listed = [path for path, _ in self.library.catalog.unreadable()]
        self._reopen_tried &= set(listed)
        opened = [p for p in listed[:REOPEN_CHECKS] if p not in self._reopen_tried
                  and os.access(p, os.R_OK | (os.X_OK if os.path.isdir(p) else 0))]
        roots = [r for r in self.library.roots()
                 if r.online and any(r.path == p or r.path in p.parents for p in opened)]
        if not roots:
            return False
        log.info("%s can be read now: scanning it again", opened[0])
        self._reopen_tried.update(opened)
        self._reconcile(roots)
        for root in roots:
            self._unwatch(root.id)
        self._after_reconcile()
        return True

    def _flip_roots(self) -> bool:
        """Roots that vanished are only marked offline, not scanned: the folder of a card pulled out under
        its mount is still there, and every look inside fails (ENOTCONN, EIO). Roots back are scanned."""
        roots = self.library.roots()
        online = scan.roots_online(self.library.catalog, roots)
        flipped = [r for r in roots if r.online != online[r.id]]
        if not flipped:
            return False
        before = {r.id: r.online for r in roots}
        gone, back = [r.path for r in flipped if r.online], [r for r in flipped if not r.online]
        if gone:
            self.library.scan_paths(gone)  # those that failed as their drive went wait for it: no failures
            self._set_plan_dirty()  # its photos are not read while it is away
            self._waiting_not_failed()
        if back:
            self._reconcile(back)
        roots = self.library.roots()
        if any(before.get(r.id) != r.online for r in roots):
            for root in roots:
                if root.online and not before.get(root.id):
                    log.info("root %s is back online", root.path)
            self._sync_observers()
            self._emit(RootsChanged(tuple(roots)))
        return True

    def _waiting_not_failed(self) -> None:
        """Photos this run counted failed that wait for their drive now, found gone: neither failed
        nor done in its progress (the log said "indexed 0 photos, 200 failed")."""
        stats = self._stats
        photos = self.library.catalog.photos(list(stats.failed_ids)) if stats.failed_ids else {}
        waiting = {pid for pid in stats.failed_ids if pid in photos and photos[pid].status != "failed"}
        if waiting:
            stats.failed_ids -= waiting
            stats.failed, stats.done = max(0, stats.failed - len(waiting)), max(0, stats.done - len(waiting))
            self._emit(self._progress_event(None))

    def _sync_observers(self) -> None:
        """One observer per online root; none for offline or removed ones."""
        wanted = {r.id: r for r in self.library.roots() if r.online} if self.watch else {}
        for root_id, (path, _) in list(self._observers.items()):
            if root_id not in wanted or wanted[root_id].path != path:
                self._unwatch(root_id)
        unwatched = [root for root in wanted.values() if root.id not in self._observers]
        found = folder_probe.listings(root.path for root in unwatched)  # a share that hangs is not waited for
        for root in unwatched:
            if found[root.path] is not folder_probe.Listing.SILENT and os.path.isdir(root.path):
                observer = self._observe(root.path)
                if observer is not None:
                    self._observers[root.id] = (root.path, observer)
                    self._linked[root.id] = set()
                    self._watch_links(root, root.path)

    def _watch_links(self, root: Root, below: Path) -> None:
        """The folders below `below` that the root reaches through links to elsewhere are watched with it: its
        own watch does not go through links (a new photo there would wait for the next start)."""
        _, observer = self._observers[root.id]
        watched = self._linked[root.id]
        library, exclude = [r.path for r in self.library.roots()], self.library.settings.exclude_patterns
        for link, real in scan.linked_folders(root.path, below, exclude, library).items():
            if real in watched:
                continue
            try:
                handler = _Handler(self, root.path, _hears_closes(observer), linked=(real, link))
                observer.schedule(handler, real, recursive=True, event_filter=_WATCHED_EVENTS)
                watched.add(real)
            except Exception as exc:  # as in _observe: OSError, or RuntimeError from watchdog's threads
                log.warning("cannot watch %s (linked from %s): %s", real, link, exc)

    def _observe(self, path: Path) -> BaseObserver | None:
        """The platform's native observer; polling where it cannot start (e.g. inotify limits),
        and on a network share, where it would not hear what other machines change."""
        makers: list[Callable[[], BaseObserver]] = [Observer, lambda: PollingObserver(timeout=POLLING_INTERVAL_S)]
        if mounts.on_network_share(path):
            log.info("%s is on a network share: checking it for changes every %.0f s", path,
                     NETWORK_POLLING_INTERVAL_S)
            makers = [lambda: PollingObserver(timeout=NETWORK_POLLING_INTERVAL_S)]
        for make in makers:
            observer = make()
            try:
                handler = _Handler(self, path, _hears_closes(observer))
                observer.schedule(handler, str(path), recursive=True, event_filter=_WATCHED_EVENTS)
                observer.start()
                return observer
            except Exception as exc:  # watchdog raises OSError, or RuntimeError from its threads
                log.warning("cannot watch %s with %s: %s", path, type(observer).__name__, exc)
                _stop_observer(observer)
        self._emit(WorkerError(f"cannot watch {path} for changes; new photos there need a reindex"))
        return None

    def _unwatch(self, root_id: RootId) -> None:
        _, observer = self._observers.pop(root_id)
        self._linked.pop(root_id, None)
        _stop_observer(observer)

    # embedding

    def _set_plan_dirty(self) -> None:
        with self._cv:
            self._plan_dirty = True

    def _refresh_plan(self) -> None:
        """Pending photos in order: the user's folders, then fresh changes, then the rest."""
        roots = [r for r in self.library.roots() if r.id in self._user_roots]
        try:
            pending = self.library.pending()
        except PhotoclipError as exc:  # the model cannot even be named (a file that holds none): nothing to plan
            if self._blocked != str(exc):
                self._emit(WorkerError(str(exc)))
            self._blocked, pending = str(exc), []
        ids = {pid for pid, _ in pending}
        self._unanswered = {path.parent for _, path in pending if folder_probe.silent(path)}
        if self._unanswered:
            pending = [(pid, path) for pid, path in pending if path.parent not in self._unanswered]
        self._held &= ids
        self._hot = {pid: p for pid, p in self._hot.items() if pid in ids}
        now = time.monotonic()
        self._writing = {pid: at for pid, at in self._writing.items() if pid in ids and at > now}
        self._plan.clear()
        for pid, path in pending:
            if pid in self._held or pid in self._writing:
                continue
            if roots and any(r.path in path.parents for r in roots):
                priority = Priority.USER
            else:
                priority = self._hot.get(pid, Priority.BACKFILL)
            self._plan.queues[priority].append((pid, path))
        if not self._plan.queues[Priority.USER]:
            self._user_roots.clear()
        with self._cv:
            self._plan_dirty = False
            self._plan_size = len(self._plan)
            self._writing_size = len(self._writing)

    def _embed_chunk(self) -> bool:
        """Embed about a second's worth of photos; False when there is nothing to embed now."""
        with self._cv:
            dirty = self._plan_dirty
        if dirty:
            self._refresh_plan()
        if self._retry_at is not None and time.monotonic() >= self._retry_at:
            self._blocked = self._retry_at = None
        if self._writing and min(self._writing.values()) <= time.monotonic():
            self._refresh_plan()  # photos that waited for their files to be written are due
        if self._paused or self._blocked is not None:
            return False
        self._interrupt.clear()
        with self._cv:
            if self._paused or self._stopping or self._cancel_requested or (
                self._jobs and self._jobs[0].priority == Priority.USER
            ):
                return True
        items = self._wait_for_writers(self._plan.take(self._chunk))
        if not items:
            return bool(len(self._plan))
        if not self.library.model_loaded:
            items = self._settle_touched(items)
            if not items:
                return True
            self._load_model()
            if self._blocked is not None:
                self._set_plan_dirty()  # those taken wait with the rest
                return True
        remaining = len(self._plan) + len(self._writing)  # those waiting for their files count too
        started = time.monotonic()
        stats = self._stats

        def progress(p: Progress) -> None:  # the chunk's failures are said after it: some are read again
            elapsed = stats.active_s + time.monotonic() - started
            done = stats.done + p.done
            self._emit(self._progress_event(p.current, done=done, failed=stats.failed,
                                            total=stats.done + len(items) + remaining, elapsed=elapsed))

        def stored(ids: tuple[PhotoId, ...]) -> None:
            self._emit(PhotosChanged(added=(), removed=(), updated=ids))

        try:
            report = self.library.embed(items, progress=progress, cancel=self._interrupt, on_stored=stored)
        except LibraryFullError as exc:
            self._stop_for_full_disk(exc)
            self._set_plan_dirty()
            return True
        except PhotoclipError as exc:
            self._blocked = str(exc)
            self._emit(WorkerError(str(exc)))
            self._set_plan_dirty()
            return True
        except Exception as exc:
            log.exception("indexing failed")
            self._blocked = _one_line(exc)
            self._emit(WorkerError(f"indexing stopped: {_one_line(exc)}"))
            self._set_plan_dirty()
            return True
        seconds = time.monotonic() - started
        processed = report.embedded + report.reused + report.failed
        again, unfailed = self._written_while_read(items)
        stats.done += processed - again
        stats.failed += max(0, report.failed - unfailed)
        if report.failed:
            photos = self.library.catalog.photos([pid for pid, _ in items])
            stats.failed_ids.update(pid for pid, photo in photos.items() if photo.status == "failed")
        stats.active_s += seconds
        if processed and seconds > 0:
            self._chunk = max(8, min(512, int(processed / seconds)))  # about a second per chunk
        if report.cancelled or processed < len(items):
            self._set_plan_dirty()  # the rest is still pending in the catalog
        if report.failed:
            raws = self.library.raws_of_failed_partners(items)
            if raws is not None:
                self._report(raws)
        with self._cv:
            self._plan_size = len(self._plan) + len(items) - processed
        if report.failed:
            self._emit(self._progress_event(None))
        if report.keywords:  # keywords in the sidecars of photos only touched (Library.settle_touched)
            self._emit(TagsChanged())
        if time.monotonic() - self._last_save > SAVE_EVERY_S:
            self._update_tags()  # a long first run shows tags as it goes, not only at the end
            self._save_index()
        return True

    def _settle_touched(self, items: list[tuple[PhotoId, Path]]) -> list[tuple[PhotoId, Path]]:
        """Photos only touched since they were embedded (a backup put back) are settled before
        the model is loaded for the rest, so that none is loaded when they are all there is."""
        try:
            rest, settled = self.library.settle_touched(
                items, cancel=self._interrupt,
                on_stored=lambda ids: self._emit(PhotosChanged(added=(), removed=(), updated=ids)))
        except PhotoclipError as exc:
            log.warning("cannot check the files touched since indexing: %s", exc)
            return items
        self._stats.done += settled.reused
        self._stats.active_s += settled.seconds
        if settled.reused and settled.seconds > 0:
            self._chunk = max(8, min(512, int(settled.reused / settled.seconds)))
        with self._cv:
            self._plan_size = len(self._plan) + len(items) - settled.reused
        if settled.cancelled:
            self._set_plan_dirty()
        if settled.reused:
            self._emit(self._progress_event(None))
        if settled.keywords:
            self._emit(TagsChanged())
        return rest

    def _wait_for_writers(self, items: list[tuple[PhotoId, Path]]) -> list[tuple[PhotoId, Path]]:
        """Those of `items` whose files were not written just now, or whose writers closed them
        (inotify says so: a copy is searchable a settle interval after it ends) and that end as their
        format ends a file (a sync client closes a photo it writes in place between chunks); the others
        wait (see WRITING_SETTLES), so a copy still going on is not read half done. A file dated ahead
        of the clock by more than that (a camera's clock) is not being written. Those in folders that do
        not answer (folder_probe: a share gone away) wait for them, out of the plan, not looked at."""
        found = folder_probe.listings({path.parent for _, path in items}, cancel=self._interrupt)
        silent = {folder for folder, listing in found.items() if listing is folder_probe.Listing.SILENT}
        if silent:
            self._unanswered |= silent
            items = [(pid, path) for pid, path in items if path.parent not in silent]
        now, wall = time.monotonic(), time.time()
        with self._cv:  # a writer that closed the file is done with it: no need to wait (inotify)
            closed = {str(path) for _, path in items} & self._changes.closed.keys()
            self._changes.closed = {path: at for path, at in self._changes.closed.items()  # the others: age says
                                    if path not in closed and now - at < self._writing_s}
        ready = []
        for pid, path in items:
            if str(path) in closed and imaging.ends_as_a_whole_file(path):
                ready.append((pid, path))
                continue
            try:
                age = wall - path.stat().st_mtime
            except OSError:
                age = self._writing_s  # gone or unreadable: decoding says so
            if abs(age) < self._writing_s:
                self._writing[pid] = now + self._writing_s - age
            else:
                ready.append((pid, path))
        if len(ready) < len(items):
            with self._cv:
                self._writing_size = len(self._writing)
                self._plan_size = len(self._plan) + len(ready)
        return ready

    def _written_while_read(self, items: list[tuple[PhotoId, Path]]) -> tuple[int, int]:
        """Photos whose files changed while they were decoded (still being written) are pending
        again, at their new size and mtime, whatever came of reading them (failed, damaged):
        they are read once the file is done, and their watch events need not come first. So are
        those found failed or damaged that were written to just before (_read_too_soon).
        Returns how many are to be read again, and how many of them had failed."""
        changed, whole = self.library.read_while_written(items)
        again = [path for path, _ in changed]
        failed = sum(state.status == "failed" for _, state in changed)
        if again:
            log.debug("%s changed while they were read: reading them again once they are written", again)
            self._report(self.library.scan_paths(again))
        soon = self._read_too_soon(whole)
        return len(again) + len(soon), failed + sum(photo.status == "failed" for photo in soon)

    def _read_too_soon(self, read: Mapping[PhotoId, str]) -> list[Photo]:
        """Those of the photos `read` whole that failed, or are damaged, and whose files were written to within
        WRITING_SETTLES: a writer that closes the file after each chunk (a sync client writing in place, pausing a
        second or two between them) may not be done. They are pending again, read once their files have settled,
        and said to be failed or damaged only if they still are then. Returns them as they were read."""
        wall, now = time.time(), time.monotonic()
        ages = {pid: wall - changed for pid, path in read.items()
                if (changed := _changed_at(path)) is not None and abs(wall - changed) < self._writing_s}
        cut = [p for p in self.library.catalog.photos(ages).values() if p.status == "failed" or p.damage is not None]
        if not cut:
            return []
        for photo in cut:
            log.debug("%s may still be being written: reading it again once it settles", photo.path)
            self._writing[photo.id] = now + self._writing_s - ages[photo.id]
        self.library.catalog.mark_changed((p.id, p.size, p.mtime_ns) for p in cut)
        self._set_plan_dirty()
        self._emit(PhotosChanged(added=(), removed=(), updated=tuple(p.id for p in cut)))
        return cut

    def _progress_event(
        self, current: Path | None, *, paused: bool | None = None, done: int | None = None,
        failed: int | None = None, total: int | None = None, elapsed: float | None = None,
    ) -> IndexProgress:
        stats = self._stats
        done = stats.done if done is None else done
        total = stats.done + self._plan_size + self._writing_size if total is None else total
        elapsed = stats.active_s if elapsed is None else elapsed
        rate = done / elapsed if elapsed > 0 else 0.0
        eta = (total - done) / rate if rate > 0 else None
        return IndexProgress(
            done=done, total=max(total, done), failed=stats.failed if failed is None else failed,
            rate=rate, eta_s=eta, current=current, paused=self._paused if paused is None else paused,
        )

    def _prune_thumbnails_now_and_then(self) -> None:
        if time.monotonic() - self._last_prune < PRUNE_THUMBNAILS_EVERY_S:
            return
        self._last_prune = time.monotonic()
        try:
            self.library.prune_thumbnails()
        except (PhotoclipError, OSError) as exc:
            log.warning("cannot remove the thumbnails of photos gone: %s", exc)

    def _save_index(self) -> None:
        """The index is a cache of the catalog (rebuilt on open if it is behind), so a save that
        fails, on a full disk say, is reported and the worker goes on. One that has gathered many
        photos removed is rebuilt first (Library.compact_vectors)."""
        self._last_save = time.monotonic()
        try:
            self.library.compact_vectors()
            self.library.save_index()
        except Exception as exc:
            log.exception("saving the search index failed")
            self._emit(WorkerError(f"cannot save the search index: {_one_line(exc)}"))

    # events

    def _emit(self, event: WorkerEvent) -> None:
        with self._cv:
            subscribers = list(self._subscribers)
        for callback in subscribers:
            try:
                callback(event)
            except Exception:
                log.exception("a worker subscriber failed on %s", type(event).__name__)


def _hears_closes(observer: BaseObserver) -> bool:
    """Linux's inotify observer tells a writer's close (FileClosedEvent) and its writes from a
    change of permissions (FileAttribEvent): others and polling tell neither."""
    return type(observer).__name__ == "InotifyObserver" and hasattr(watchdog_events, "FileAttribEvent")


def _stop_observer(observer: BaseObserver) -> None:
    """Stop it, waiting 5 s at most: a polling observer of a share that stopped answering is held in its
    look, and watchdog's stop waits for that look with no end (it ends with the process)."""
    stopper = threading.Thread(target=_stop_and_join, args=(observer,), name="observer stop", daemon=True)
    stopper.start()
    stopper.join(timeout=5)


def _stop_and_join(observer: BaseObserver) -> None:
    try:
        observer.stop()
        if observer.is_alive():
            observer.join(timeout=5)
    except Exception as exc:
        log.debug("stopping an observer: %s", exc)


def _hidden_below(root: str, path: str) -> bool:
    """A hidden name below the root (walk skips those; so do we, before any disk work)."""
    rel = os.path.relpath(path, root)
    return rel != "." and any(part.startswith(".") for part in rel.split(os.sep))


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def _yield_to_foreground() -> None:
    """Lower the calling thread's priority; threads it starts later inherit it."""
    if not sys.platform.startswith("linux"):
        return
    me = threading.get_native_id()
    try:
        os.setpriority(os.PRIO_PROCESS, me, max(os.getpriority(os.PRIO_PROCESS, me), BACKGROUND_NICENESS))
    except OSError as exc:
        log.debug("the worker keeps its priority: %s", exc)


def _one_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0][:300] if lines else type(exc).__name__
