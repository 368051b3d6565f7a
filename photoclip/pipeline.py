"""Indexing pipeline: decode (thread pool) -> batch -> embed -> store, with bounded queues.

Decoding runs ahead of the encoder by a bounded window of futures, so memory stays flat and
the decode work hides behind inference. With `workers=0` every stage runs in the calling
thread (tests, debugging). A photo that fails to decode is stored as failed with its reason;
the run goes on. Each batch is committed in one transaction, then added to the vector index.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import queue
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Protocol, TypeVar

import numpy as np

from photoclip import captions, folder_probe, keywords, looks, places, xmp
from photoclip.catalog import Catalog, Described, FileFacts, PhotoMetadata, TakenFacts
from photoclip.errors import ImageDecodeError
from photoclip.ids import PhotoId
from photoclip.imaging import (
    DEFAULT_CONTENT_HASH,
    FILE_GONE,
    THUMBNAIL_SIDE,
    decode_photo,
    file_hash,
    prepare_for_model,
    save_thumbnail,
    xmp_taken_at,
)
from photoclip.takeout import TakeoutFacts, has_json, takeout_facts
from photoclip.when import date_in_name, date_of_folder

log = logging.getLogger(__name__)


class ImageEncoder(Protocol):
    model_id: str
    image_size: int
    cpu_threads: int | None  # None: not on the CPU

    @property
    def decode_min_side(self) -> int: ...

    def encode_images(self, batch: np.ndarray) -> np.ndarray: ...


class VectorSink(Protocol):
    def add(self, ids: np.ndarray, vectors: np.ndarray) -> None: ...


@dataclass(frozen=True)
class Progress:
    """Where an indexing run stands; `rate` is photos per second over the run so far."""

    done: int
    total: int
    failed: int
    rate: float
    eta_s: float | None
    current: Path | None


ProgressCallback = Callable[[Progress], None]

_Result = TypeVar("_Result")


@dataclass(frozen=True)
class IndexReport:
    total: int
    embedded: int
    reused: int
    failed: int
    cancelled: bool
    seconds: float
    moved: int = 0  # what the scan before it found: photos moved (ids kept), photos deleted,
    removed: int = 0
    left_out: int = 0  # (of those removed, files still there: the settings leave them out now),
    offline: tuple[Path, ...] = ()  # and folders that are not there (an unplugged drive), photos kept
    keywords: int = 0  # and tags that came or went with keywords other programs wrote in sidecars

    def and_then(self, more: IndexReport) -> IndexReport:
        """This run and the one after it, as one."""
        return dataclasses.replace(
            self, total=self.total + more.total, embedded=self.embedded + more.embedded,
            reused=self.reused + more.reused, failed=self.failed + more.failed, cancelled=more.cancelled,
            seconds=self.seconds + more.seconds, keywords=self.keywords + more.keywords,
        )


@dataclass(frozen=True)
class Decoded:
    photo_id: PhotoId
    path: Path
    meta: PhotoMetadata | None = None
    pixels: np.ndarray | None = None
    failure: str | None = None
    unanswered: bool = False  # its folder does not answer (folder_probe): it stays pending, no failure


DECODE_NICENESS = 19
"""Where a thread's priority can be set (Linux), decode threads run at the lowest while the
encoder runs on the CPU. Its threads sleep for moments at every step, waiting for one another;
decoding that defers to them fills those moments instead of taking cores from them, and when
the encoder waits for photos, decoding has the cores to itself anyway. With the encoder on a
GPU, decoding is the work that counts and keeps the caller's priority."""

SLOW_SECONDS = 2.0
"""A photo still being read after this long has its folder looked into (folder_probe): one that does
not answer (a share whose server went away) holds the thread reading it, but not the run."""


def default_workers() -> int:
    """One decode thread per core. On a CPU the encoder's threads share those cores, so the
    run costs the encoder's work plus the decoding whatever the split; what matters is that
    no core idles while the encoder waits for a batch, which fewer threads would allow."""
    return os.cpu_count() or 1


def decode_for_model(
    photo_id: PhotoId, path: Path, min_side: int, size: int, hash_algorithm: str = DEFAULT_CONTENT_HASH,
    thumbnail_dir: Path | None = None,
) -> Decoded:
    """One photo, ready for the encoder, or the reason it is not.

    With `thumbnail_dir`, photos in formats that cannot decode reduced (HEIC above all, at
    half a second a photo) also leave their thumbnail there, so browsing them later does not
    decode them again; a JPEG's thumbnail is cheap to make when it is first shown.

    A file that trips up a reader in a way nobody foresaw fails alone, with what went wrong:
    the run, and every photo after it, goes on."""
    try:
        return _decoded(photo_id, path, min_side, size, hash_algorithm, thumbnail_dir)
    except (MemoryError, KeyboardInterrupt):
        raise
    except Exception as exc:
        log.warning("unexpected failure reading %s", path, exc_info=True)
        return Decoded(photo_id, path, failure=f"cannot read it ({type(exc).__name__}: {exc})"[:300])


def _decoded(
    photo_id: PhotoId, path: Path, min_side: int, size: int, hash_algorithm: str, thumbnail_dir: Path | None,
) -> Decoded:
    try:
        photo = decode_photo(path, min_side, hash_algorithm)
        pixels = prepare_for_model(photo.image, size, photo.icc)
    except ImageDecodeError as exc:
        return Decoded(photo_id, path, failure=str(exc) or "unreadable image")
    if thumbnail_dir is not None and photo.format != "jpeg":
        try:
            save_thumbnail(photo, thumbnail_dir)
        except OSError as exc:  # a cache: the photo is indexed all the same
            log.debug("cannot cache the thumbnail of %s: %s", path, exc)
    own = FileFacts(photo.taken_at or None, photo.location or None,
                    captions.joined([*captions.xmp_texts(photo.xmp), *photo.captions]), photo.modified_at)
    beside = described_beside(path, own)
    taken = beside.taken
    assert taken is not None  # with `own` known, it is read
    meta = PhotoMetadata(
        hash=photo.content_hash, pixels_hash=photo.pixels_hash, width=photo.width, height=photo.height,
        taken_at=taken.taken_at, format=photo.format, location=taken.location, country=taken.country,
        region=taken.region, town=taken.town, taken_until=taken.taken_until,
        look=looks.look_of(photo.image), colours=looks.colours_of(photo.image, photo.icc),
        keywords=keywords.keywords_in_file(photo.xmp, photo.keywords), sidecar_keywords=beside.sidecar_keywords,
        own_sidecar_keywords=beside.own_sidecar_keywords, caption=taken.caption,
        sidecar_caption=beside.sidecar_caption, damage=photo.damage, file_facts=own, dated_beside=taken.dated_beside,
    )
    return Decoded(photo_id, path, meta=meta, pixels=pixels)


def described_beside(path: Path, own: FileFacts | None) -> Described:
    """What the files beside a photo say of it: another program's sidecars, photoclip's own, and
    its Takeout JSON, with what the photo's own file says where that is known (`own`). Read when
    the photo is decoded, and again, without decoding it, when only its file's date changed
    (settle_unchanged): a sidecar or JSON changed meanwhile is all there is that may be new."""
    sidecars = xmp.others_sidecars(path)
    return Described(
        sidecar_keywords=keywords.photo_keywords(None, sidecars), own_sidecar_keywords=keywords.own_keywords(path),
        sidecar_caption=captions.joined(captions.sidecar_texts(sidecars)),
        taken=None if own is None else taken_facts(path, own, takeout_facts(path), sidecars),
    )


def taken_facts(path: Path, own: FileFacts, takeout: TakeoutFacts | None, sidecars: Sequence[bytes] = ()) -> TakenFacts:
    """When, where and what: the photo's file says, else its Takeout JSON (Google keeps a date or
    place changed there in the JSON only); captions of both count. The date in a sidecar of another
    program's (`sidecars`, as xmp.others_sidecars reads them) comes first, that program's later word:
    Lightroom and digiKam correct a scan's date there, and exiftool and Immich read it so. With no
    date in any of them, the date in its name, then its folder's (_folder_or_modified)."""
    in_sidecar = next(filter(None, map(xmp_taken_at, sidecars)), None)
    taken_at, until = in_sidecar or own.taken_at or (takeout and takeout.taken_at) or date_in_name(path.name), None
    if taken_at is None:
        taken_at, until = _folder_or_modified(path, own.modified_at)
    location = own.location or (takeout and takeout.location) or None
    towns = places.gazetteer().locate(*location) if location else None
    return TakenFacts(
        taken_at, location, country=towns[0].country if towns else None,
        region=(towns[0].region or None) if towns else None, town=towns[1].name if towns else None,
        caption=captions.joined([*(own.caption.splitlines() if own.caption else ()),
                                 *([takeout.description] if takeout and takeout.description else [])]),
        dated_beside=in_sidecar is not None, taken_until=until,
    )


def _folder_or_modified(path: Path, modified_at: str | None) -> tuple[str | None, str | None]:
    """The days a photo's folder names (when.date_of_folder: "1998 Christmas"), as their first
    moment and their end, where its file's ModifyDate (`modified_at`), or else its file's own date,
    is later than those days: a scanner or a copy writes the day it made the file, years after
    the photo was taken. A file's date before or in those days says more (a backup's folder, a
    camera's file in "Summer 2019"). Else (`modified_at`, None)."""
    named = date_of_folder(str(path.parent))
    if named is None:
        return modified_at, None
    try:
        known = datetime.fromisoformat(modified_at) if modified_at else datetime.fromtimestamp(path.stat().st_mtime)
    except (ValueError, OSError, OverflowError):
        known = None
    if known is not None and known.replace(tzinfo=None) < named.end:
        return modified_at, None
    return named.start.isoformat(timespec="seconds"), named.end.isoformat(timespec="seconds")


class _Run:
    """Counters and the progress clock of one run. Its rate is taken from the first photos
    done on: the time before them (the model warming up, the first batch filling) says
    nothing of how long the rest will take, and made the first ETA of a short run minutes
    long for seconds of work."""

    def __init__(self, total: int, progress: ProgressCallback | None) -> None:
        self.total = total
        self.done = 0
        self.failed = 0
        self.embedded = 0
        self.reused = 0
        self.unanswered = 0
        self.started = time.monotonic()
        self._first: tuple[float, int] | None = None  # (when, how many) the first photos were done
        self._progress = progress

    def report(self, current: Path | None) -> None:
        if self._progress is None:
            return
        now = time.monotonic()
        if self._first is None and self.done:
            self._first = (now, self.done)
        since, before = self._first if self._first is not None else (now, 0)
        if self.done > before and now > since:
            rate = (self.done - before) / (now - since)
            eta = (self.total - self.done) / rate
        else:
            rate, eta = self.done / max(now - self.started, 1e-9), None
        self._progress(Progress(self.done, self.total, self.failed, rate, eta, current))


def run_pipeline(
    items: Sequence[tuple[PhotoId, Path]],
    encoder: ImageEncoder,
    catalog: Catalog,
    vectors: VectorSink,
    batch_size: int = 32,
    workers: int | None = None,
    progress: ProgressCallback | None = None,
    cancel: threading.Event | None = None,
    thumbnail_dir: Path | None = None,
) -> IndexReport:
    """Embed `items` and store them; stops after the current batch when `cancel` is set.

    `workers` is the number of decode threads (default_workers() when None), at DECODE_NICENESS
    with an encoder on the CPU; `thumbnail_dir` as for decode_for_model (photos are then decoded
    big enough for a sharp one). The first batch is a quarter of `batch_size`, so the encoder
    starts after a few photos are decoded instead of idling through a whole batch of them."""
    run = _Run(len(items), progress)
    run.report(None)
    size = encoder.image_size
    min_side = encoder.decode_min_side if thumbnail_dir is None else max(encoder.decode_min_side, THUMBNAIL_SIDE)
    batch: list[Decoded] = []
    reused: list[tuple[PhotoId, PhotoMetadata, np.ndarray]] = []
    failed: list[tuple[PhotoId, str]] = []
    cancelled = False

    def flush() -> None:
        embedded = []
        if batch:
            matrix = encoder.encode_images(np.stack([d.pixels for d in batch]))
            embedded = [(d.photo_id, d.meta, v) for d, v in zip(batch, matrix)]
        done = embedded + reused
        catalog.store_batch(encoder.model_id, done, failed)
        if done:
            vectors.add(
                np.fromiter((pid for pid, _, _ in done), dtype=np.int64, count=len(done)),
                np.stack([v for _, _, v in done]).astype(np.float32),
            )
        run.embedded += len(embedded)
        run.reused += len(reused)
        run.done += len(done) + len(failed)
        run.failed += sum(reason != FILE_GONE for _, reason in failed)  # gone meanwhile: nothing went wrong
        last = batch[-1].path if batch else None
        batch.clear()
        reused.clear()
        failed.clear()
        run.report(last)

    if workers is None:
        workers = default_workers()
    decode = partial(
        decode_for_model, min_side=min_side, size=size, hash_algorithm=catalog.hash_algorithm,
        thumbnail_dir=thumbnail_dir,
    )
    limit = max(1, batch_size // 4)
    defer = encoder.cpu_threads is not None
    unanswered = partial(Decoded, unanswered=True)
    for decoded in _decode_stream(items, decode, unanswered, workers, batch_size, cancel, defer):
        if decoded is None:
            cancelled = True
            break
        if decoded.unanswered:
            run.done += 1
            run.unanswered += 1
            continue
        if decoded.failure is not None:
            log.info("cannot index %s: %s", decoded.path, decoded.failure)
            failed.append((decoded.photo_id, decoded.failure))
        else:
            assert decoded.meta is not None
            known = catalog.vector_for_hash(decoded.meta.hash, encoder.model_id, decoded.meta.pixels_hash)
            if known is not None:
                reused.append((decoded.photo_id, decoded.meta, known))
            else:
                batch.append(decoded)
        if len(batch) >= limit or len(reused) + len(failed) >= batch_size:
            limit = batch_size if batch else limit
            flush()
    flush()
    if run.unanswered:
        log.warning("%d photos wait for their folders to answer", run.unanswered)
    return IndexReport(
        total=len(items), embedded=run.embedded, reused=run.reused, failed=run.failed,
        cancelled=cancelled, seconds=time.monotonic() - run.started,
    )


def settle_unchanged(
    items: Sequence[tuple[PhotoId, Path]],
    catalog: Catalog,
    model_id: str,
    workers: int | None = None,
    progress: ProgressCallback | None = None,
    cancel: threading.Event | None = None,
    on_settled: Callable[[tuple[PhotoId, ...]], None] | None = None,
    batch_size: int = 256,
) -> tuple[list[tuple[PhotoId, Path]], IndexReport]:
    """Photos whose files were touched but not changed (a backup put back, a sync tool, `touch`)
    hash as they did when embedded: they are indexed again as they were, read at the speed of
    the disk, with no decoding and no model to load. The sidecars and Takeout JSON beside them
    are read again (described_beside: their keywords, caption, date or place may be new, or gone
    with a sidecar deleted, and a photo waiting to be read again is not one Library.read_sidecars
    can give them to); only a photo with a JSON, or a sidecar that dates it, whose own file's
    facts the catalog does not know (read before it kept them) is left to decode. Returns the
    photos left for run_pipeline, in their order, and what was settled (as `reused`, with the tags
    its sidecars' keywords gave or took as `keywords`); `on_settled` hears each committed batch."""
    started = time.monotonic()
    known = catalog.hashes_with_vectors([pid for pid, _ in items], model_id)
    candidates = [(pid, path) for pid, path in items if pid in known]
    facts, noted = catalog.file_facts(known), catalog.noted_beside(known)
    run = _Run(len(items), progress if candidates else None)
    algorithm = catalog.hash_algorithm
    same: list[PhotoId] = []
    described: list[tuple[PhotoId, Described]] = []
    tags = 0

    def unchanged(photo_id: PhotoId, path: Path) -> Described | bool:
        """True for a photo as it was, with nothing beside it; what is beside it now; False to decode it."""
        try:
            if file_hash(path, algorithm) != known[photo_id]:
                return False
            with_json = has_json(path)
            if not with_json and not any(sidecar.is_file() for sidecar in xmp.sidecars_beside(path)):
                return True if photo_id not in noted else described_beside(path, facts.get(photo_id))
            if photo_id not in facts and (with_json or any(map(xmp_taken_at, xmp.others_sidecars(path)))):
                return False
            return described_beside(path, facts.get(photo_id))
        except OSError:
            return False  # the pipeline says what is wrong with it
        except (MemoryError, KeyboardInterrupt):
            raise
        except Exception:  # a sidecar that trips up a reader: the pipeline reports it, and goes on
            log.debug("reading what is beside %s again", path, exc_info=True)
            return False

    def commit(current: Path | None) -> None:
        nonlocal tags
        if same:
            tags += catalog.settle_unchanged(same, described)
            if on_settled is not None:
                on_settled(tuple(same))
            run.reused += len(same)
            run.done += len(same)
            same.clear()
            described.clear()
        run.report(current)

    settled: set[PhotoId] = set()
    cancelled = False
    workers = default_workers() if workers is None else workers
    hashed = _decode_stream(candidates, unchanged, lambda _pid, _path: False, workers, batch_size, cancel)
    for result, (photo_id, path) in zip(hashed, candidates):
        if result is None:
            cancelled = True
            break
        if result is False:
            continue
        same.append(photo_id)
        settled.add(photo_id)
        if isinstance(result, Described):
            described.append((photo_id, result))
        if len(same) >= batch_size:
            commit(path)
    commit(None)
    rest = [] if cancelled else [(pid, path) for pid, path in items if pid not in settled]
    return rest, IndexReport(total=len(items) - len(rest), embedded=0, reused=run.reused, failed=0,
                             cancelled=cancelled, seconds=time.monotonic() - started, keywords=tags)


def counted_after(progress: ProgressCallback | None, before: int) -> ProgressCallback | None:
    """`progress` for a run that goes on from `before` photos already done (settle_unchanged's)."""
    if progress is None or not before:
        return progress
    return lambda p: progress(dataclasses.replace(p, done=p.done + before, total=p.total + before))


def _decode_stream(
    items: Sequence[tuple[PhotoId, Path]],
    decode: Callable[[PhotoId, Path], _Result],
    unanswered: Callable[[PhotoId, Path], _Result],
    workers: int,
    batch_size: int,
    cancel: threading.Event | None,
    defer: bool = False,
) -> Iterator[_Result | None]:
    """`decode`'s results in input order, or `unanswered`'s for a photo whose folder does not answer;
    yields None once if cancelled. With `defer`, the decode threads run at DECODE_NICENESS."""
    if workers <= 0:
        for photo_id, path in items:
            if cancel is not None and cancel.is_set():
                yield None
                return
            yield decode(photo_id, path)
        return

    def read(photo_id: PhotoId, path: Path) -> _Result:
        return unanswered(photo_id, path) if folder_probe.silent(path) else decode(photo_id, path)

    window = 2 * batch_size + workers
    pending: deque[tuple[Future[_Result], PhotoId, Path]] = deque()
    source = iter(items)
    threads = _DecodeThreads(min(workers, len(items)), _defer_to_the_encoder if defer else None)
    silent: set[Path] = set()

    def ask_next() -> bool:
        for photo_id, path in source:
            pending.append((threads.submit(read, photo_id, path), photo_id, path))
            return True
        return False

    try:
        while len(pending) < window and ask_next():
            pass
        while pending:
            future, photo_id, path = pending.popleft()
            result = _answer(future, path, cancel)
            if result is _CANCELLED:
                yield None
                return
            if result is _SILENT:
                if path.parent not in silent:
                    log.warning("%s does not answer: its photos wait for it", path.parent)
                    silent.add(path.parent)
                threads.replace_one_held()
                result = unanswered(photo_id, path)
            ask_next()
            yield result
    finally:
        for future, _, _ in pending:
            future.cancel()
        threads.close()


_CANCELLED, _SILENT = object(), object()


def _answer(future: Future[_Result], path: Path, cancel: threading.Event | None) -> _Result | object:
    """The result of reading `path`; _CANCELLED as soon as `cancel` is set, _SILENT where its folder is
    known not to answer, or does not when it is read for long. Its folders up to "/" are looked into
    then: those of a share that went away are all silent at once (folder_probe.silent), each of its
    folders is not waited for in turn."""
    since = time.monotonic()
    while True:
        if cancel is not None and cancel.is_set():
            return _CANCELLED
        try:
            return future.result(timeout=0.2)
        except TimeoutError:
            pass
        if folder_probe.silent(path):
            return _SILENT
        if time.monotonic() - since >= SLOW_SECONDS:
            found = folder_probe.listings([path.parent, *path.parent.parents], cancel=cancel)
            if found[path.parent] is folder_probe.Listing.SILENT and not (cancel is not None and cancel.is_set()):
                return _SILENT
            since = time.monotonic()  # a big file on a slow disk: looked into again later


class _DecodeThreads:
    """The decode threads of one run. Daemon threads, which a process that ends does not wait for
    (ThreadPoolExecutor's are joined at exit: a read hung on a share held the app open), and one more
    for each held by a folder that does not answer, so that the rest of the run goes on as fast. A run
    cancelled returns while the photos being decoded are still read: their results are dropped."""

    def __init__(self, workers: int, initializer: Callable[[], None] | None) -> None:
        self._tasks: queue.SimpleQueue[tuple[Future, Callable, tuple] | None] = queue.SimpleQueue()
        self._initializer = initializer
        self._count = 0
        for _ in range(workers):
            self._start()

    def submit(self, run: Callable[..., _Result], *args: object) -> Future[_Result]:
        future: Future[_Result] = Future()
        self._tasks.put((future, run, args))
        return future

    def replace_one_held(self) -> None:
        self._start()

    def close(self) -> None:
        """Each thread ends once it is done with what it is reading (at once, unless held)."""
        for _ in range(self._count):
            self._tasks.put(None)

    def _start(self) -> None:
        self._count += 1
        threading.Thread(target=self._serve, name="decode", daemon=True).start()

    def _serve(self) -> None:
        if self._initializer is not None:
            self._initializer()
        while (task := self._tasks.get()) is not None:
            future, run, args = task
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(run(*args))
            except BaseException as exc:  # noqa: BLE001 - the caller's future raises it, as an executor's does
                future.set_exception(exc)


def _defer_to_the_encoder() -> None:
    if not sys.platform.startswith("linux"):
        return
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), DECODE_NICENESS)
    except OSError as exc:
        log.debug("decode threads keep their priority: %s", exc)
