"""The one facade the CLI and the GUI use: open a library, add folders, index, search.

A library is a folder: catalog.sqlite (the truth), index/ (the HNSW cache of the vectors),
thumbnails/, settings.json and a lock file. One process writes a library at a time; others
may open it read-only (search while another process indexes).
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import logging
import os
import re
import shutil
import stat
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from photoclip import (
    captions,
    config,
    dedup,
    download,
    export,
    folder_probe,
    imaging,
    keywords,
    mounts,
    places,
    rawfile,
    scan,
    sidecars,
    tagging,
    takeout,
    xmp,
)
from photoclip.catalog import CATALOG_FILE, Catalog, Counts, FileState, Photo, Root
from photoclip.dedup import DuplicateGroup, TrashResult, best_first
from photoclip.errors import (
    CatalogOutdatedError,
    ImageDecodeError,
    LibraryError,
    LibraryFullError,
    LibraryLockedError,
    LibraryNotWritableError,
    ModelError,
    ModelUnavailableError,
    QueryError,
)
from photoclip.fsutil import as_cataloged, atomic_write_bytes, deleted, expanded, mtime_ns, on_disk
from photoclip.humanize import plural
from photoclip.ids import PhotoId, RootId
from photoclip.lock import LibraryLock
from photoclip.names import name_key
from photoclip.pipeline import (
    IndexReport,
    ProgressCallback,
    VectorSink,
    counted_after,
    run_pipeline,
    settle_unchanged,
    taken_facts,
)
from photoclip.places import Place
from photoclip.search import (
    QueryScope,
    QueryTerm,
    SearchHit,
    album_words,
    albums_by_words,
    combine,
    is_url,
    named_albums,
    parse_query,
    require_something_to_find,
    tag_candidates,
    take_period,
    take_place,
    take_tags,
)
from photoclip.sidecars import SidecarReport
from photoclip.tagging import Album, LabelSpace, PhotoTag, Vocabulary
from photoclip.vectors import VectorIndex, move_saved, saved_model_id
from photoclip.when import Period

if TYPE_CHECKING:
    from photoclip.download import DownloadProgress
    from photoclip.model import ClipEncoder, ModelSpec, TextEncoder

log = logging.getLogger(__name__)

INDEX_DIR = "index"
PREVIOUS_INDEX_DIR = "previous"  # inside INDEX_DIR: the old model's vectors during a model change
THUMBNAIL_DIR = "thumbnails"
THUMBNAIL_GRACE_S = 3600.0
TAGS_DIR = "tags"  # label vectors of the vocabulary, per model: a cache
REQUESTS_DIR = "requests"  # folders to add, photos to tag: what another photoclip asked the one holding the library
MAX_WEB_IMAGE_BYTES = 64 << 20
_ONE_WORD = re.compile(r"[\w.()-]+")
FILTERED_INDEX_FROM = 20_000
"""A search kept to this many photos or more (a folder, a year), a fifth of the library at
least, goes through the index with a filter; a smaller slice is scored exactly."""
_SHOWN_BY_A_PHOTO_OF_ITS_STEM = imaging.IMAGE_SUFFIXES | scan.VIDEO_SUFFIXES
"""A file name searched for with one of these suffixes, of no photo in the library, finds the photos of its
stem: a raw left out for its JPEG, a Live Photo's or a phone's video beside its photo (neither is indexed)."""
_SEARCH_MODEL_KEY = "search_model"
_TAGGED_WITH_KEY = "tagged_with"  # model id + vocabulary digest the stored auto tags come from
_TAGGED_UP_TO_KEY = "tagged_up_to"  # catalog generation they reflect


def _looks_like_a_file_name(query: str) -> bool:
    """One word holding a digit, as camera file names are (IMG_1234, DSC01234.JPG,
    PXL_20230101_123456789, P1010001), or a name ending in an image's or a video's suffix, spaces
    and all (grandma.jpg, "Screenshot 2024-03-01 at 10.10.00.png", "first steps.mov")."""
    if os.path.splitext(query)[1].lower() in _SHOWN_BY_A_PHOTO_OF_ITS_STEM:
        return "/" not in query and os.sep not in query
    return bool(_ONE_WORD.fullmatch(query)) and any(c.isdigit() for c in query)


def _may_be_a_name(query: str) -> bool:
    """Whether a query could be a photo's whole name: words, however many ("Family holiday at the
    dead sea 017" is a name people type whole; a description no photo is named by finds none, at
    the cost of one index probe), no folder, no operator (a weight, a "+ term", a "-word" left out)."""
    if "/" in query or os.sep in query or re.search(r"(^|\s)[+-]|\d:", query):
        return False
    return bool(name_key(query))


def _chosen(
    settings: config.Settings, model: str | None, model_file: str | None, device: str | None
) -> config.Settings:
    """`settings` with the model and device asked for, checked first: a choice that cannot work
    (a device this machine lacks, a file that holds no weights) must not be saved as the choice."""
    from photoclip.model import check_known, pick_device, resolve_model

    device = device.strip().lower() if device else device
    changes = {k: v for k, v in (("model", model), ("model_file", model_file), ("device", device)) if v}
    if model_file:  # kept in the settings: a path relative to today's folder would not be found tomorrow
        changes["model_file"] = str(as_cataloged(expanded(model_file)))
    if model and not model_file:
        changes["model_file"] = None
    if not changes:
        return settings
    chosen = dataclasses.replace(settings, **changes)
    if model or model_file:
        spec = resolve_model(chosen.model, chosen.model_file)
        if (chosen.model, chosen.model_file) != (settings.model, settings.model_file):
            check_known(spec)  # a name open_clip does not know would stay the library's model, failing
    if device:
        pick_device(device)
    return chosen


def check_model_choice(model: str, model_file: str | None) -> None:
    """Raise ModelError when `model` (with `model_file`) names no model: a misspelt name, a file
    that holds no weights. Cheap (nothing is loaded), for a settings form to say so at once."""
    from photoclip.model import resolve_model

    resolve_model(model, model_file)


def _model_untried(saved: config.Settings, chosen: config.Settings) -> bool:
    """Whether `chosen` asks for another model whose weights are not on this machine: it is
    saved as the library's model only once it has loaded, so one that cannot be downloaded
    (offline, a tag the hub lacks) never becomes the model that indexing then fails on."""
    from photoclip.model import cached_weights, resolve_model

    if (chosen.model, chosen.model_file) == (saved.model, saved.model_file):
        return False
    spec = resolve_model(chosen.model, chosen.model_file)
    return spec.checkpoint is None and cached_weights(spec) is None


def _with_env(settings: config.Settings) -> config.Settings:
    """`settings` with the environment's model and device; a model there that cannot work is
    named in the error, since nothing on the command line says where it came from."""
    from photoclip.model import resolve_model

    chosen = settings.with_env()
    if (chosen.model, chosen.model_file) != (settings.model, settings.model_file):
        try:
            resolve_model(chosen.model, chosen.model_file)
        except ModelError as exc:
            names = [f"PHOTOCLIP_{key.upper()}" for key in ("model", "model_file")
                     if getattr(chosen, key) != getattr(settings, key)]
            raise ModelError(f"{' and '.join(names)} (from the environment): {exc}") from exc
    return chosen


class _ModelCallers:
    """Who waits for the model to load: a cancel from any of them ends the one download that
    serves them all (the window's Cancel also stops a download the indexer started)."""

    def __init__(self) -> None:
        self._events: list[threading.Event] = []
        self._lock = threading.Lock()

    @contextlib.contextmanager
    def joined(self, cancel: threading.Event | None) -> Iterator[None]:
        if cancel is None:
            yield
            return
        with self._lock:
            self._events.append(cancel)
        try:
            yield
        finally:
            with self._lock:
                self._events.remove(cancel)

    def is_set(self) -> bool:
        with self._lock:
            return any(event.is_set() for event in self._events)


@dataclass(frozen=True)
class LibraryStatus:
    model: str
    counts: Counts
    roots: tuple[Root, ...]
    failures: tuple[tuple[Path, str], ...]
    damaged: tuple[tuple[Path, str], ...] = ()  # indexed all the same (Photo.damage)
    unreadable: tuple[tuple[Path, str], ...] = ()  # folders and files the last scan could not read, and why
    searching_with: str | None = None  # the old model, while the library is embedded with `model`
    untried: str | None = None  # a model asked for that is not `model` until it loads (its weights are not here)
    videos: int = 0  # video files the last scan of the folders saw: left out, as photoclip indexes photos only
    images_left_out: Mapping[str, int] = dataclasses.field(default_factory=dict)
    """Images of formats photoclip does not read (a Photoshop document, a TGA) the last scan saw, by suffix
    (".psd"), most first: left out too (scan.images_left_out)."""


@dataclass
class _PreviousModel:
    """The model search answers with while the library is embedded again with a new one."""

    spec: ModelSpec
    encoder: ClipEncoder | None = None
    text: TextEncoder | None = None  # its cached text tower, for text queries until it is loaded
    vectors: VectorIndex | None = None
    unavailable: bool = False  # cannot be loaded: search uses the new model, the change goes on


@dataclass(frozen=True)
class ScanSummary:
    added: int
    changed: int
    moved: int
    removed: int
    offline: tuple[Path, ...]
    left_out: int = 0  # of those removed, files still there (scan.ScanResult.left_out)
    keywords: int = 0  # tags new from sidecars written while photoclip was closed
    described: tuple[PhotoId, ...] = ()  # to read again for Takeout JSON that arrived meanwhile


class Library:
    """A photo library on disk. Use `Library.open(...)` and close it (or use `with`)."""

    def __init__(
        self, directory: Path, settings: config.Settings, read_only: bool, lock: LibraryLock | None,
        catalog: Catalog, unchanging: bool = False,
    ) -> None:
        self.directory = directory
        self.settings = settings
        self.read_only = read_only
        self.unwritable = unchanging  # read-only because its folder cannot be written, not for another photoclip
        self.full_disk = False  # read-only because its disk is full (Library.open)
        self._lock = lock
        self.catalog = catalog
        self._encoder: ClipEncoder | None = None
        self._vectors: VectorIndex | None = None
        self._vectors_dirty = False
        self._state_lock = threading.RLock()
        self._encoder_lock = threading.Lock()  # apart: a download of minutes must not hold up status
        self._model_callers = _ModelCallers()
        self._failed_loads = 0
        self._untried_model: tuple[str, str | None] | None = None  # saved as the library's once loaded (_model_untried)
        self._saved_model: tuple[str, str | None] | None = None  # the library's model while that one is untried
        self.model_not_chosen: str | None = None  # a model asked for that the library did not take (Library.open)
        self._load_failure: ModelError | None = None
        self._text_encoder: TextEncoder | None = None
        self._text_lock = threading.Lock()
        self._spec: ModelSpec | None = None
        self._previous: _PreviousModel | None = None
        self._previous_known = False
        self._label_space: tuple[str, LabelSpace] | None = None
        self._user_tag_keys: tuple[tuple[int, int], dict[str, list[str]]] | None = None  # name_key -> tags
        self._album_words: tuple[tuple[int, int], dict[tuple[str, ...], list[str]]] | None = None  # words -> folders
        self._place_name_set: tuple[tuple[int, int], set[str]] | None = None  # towns and countries of photos
        self._own_town_table: tuple[tuple[int, int], dict[str, list[Place]]] | None = None  # _own_towns

    @classmethod
    def open(
        cls,
        directory: Path | str | None = None,
        model: str | None = None,
        model_file: str | None = None,
        device: str | None = None,
        read_only: bool = False,
        allow_read_only_fallback: bool = False,
        choose_model: bool = True,
    ) -> Library:
        """Open (creating if needed) the library at `directory`, or the user's default one.

        Model choices given here are saved into the library's settings. Without `choose_model`
        (a command that only reads or tags), another model asked for is not: the library keeps
        its own, and `model_not_chosen` names the one asked for, so the caller can say so; a
        search must not have every photo embedded again with the next `index`."""
        directory = expanded(directory).absolute() if directory else config.default_library_dir()
        try:
            directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise LibraryError(f"cannot create library folder {directory}: {exc.strerror}") from exc
        lock, unchanging, held_elsewhere, full = None, False, False, False
        if not read_only:
            lock = LibraryLock(directory)
            try:
                lock.acquire()
            except LibraryLockedError as exc:
                if not allow_read_only_fallback:
                    raise
                unchanging = isinstance(exc, LibraryNotWritableError)
                lock, read_only, held_elsewhere = None, True, not unchanging
        catalog = None
        try:
            _refuse_an_emptied_catalog(directory)
            try:  # another program's is left alone
                catalog = Catalog(directory / CATALOG_FILE, unchanging=unchanging, may_migrate=not held_elsewhere)
            except LibraryFullError:
                if not allow_read_only_fallback or unchanging or lock is None:
                    raise
                log.warning("the disk that holds %s is full: opening the library read-only", directory)
                full = True  # a search needs no room: read as a read-only drive's, the lock kept so no one writes
                catalog = Catalog(directory / CATALOG_FILE, unchanging=True, may_migrate=False)
            except CatalogOutdatedError:
                raise LibraryError(
                    f"library {directory} is in use by an older photoclip (pid {LibraryLock(directory).holder()}), "
                    "which could not read it once this one updates it; stop that one (Ctrl-C where it runs, or close "
                    "the app), then run this again") from None
            saved = config.load_settings(directory, otherwise=_last_used(catalog))
            not_chosen = None
            if not choose_model and model and model != saved.model:
                _chosen(saved, model, model_file, None)  # one that cannot work is refused all the same
                not_chosen, model, model_file = model, None, None
            settings = _chosen(saved, model, model_file, device)
            untried = _model_untried(saved, settings)
            kept = settings
            if untried:
                kept = dataclasses.replace(settings, model=saved.model, model_file=saved.model_file)
            if kept != saved and not read_only:
                config.save_settings(directory, kept)
            library = cls(directory, _with_env(settings), read_only or full, lock, catalog, unchanging)
            library.full_disk = full
            library._untried_model = (settings.model, settings.model_file) if untried else None
            library._saved_model = (saved.model, saved.model_file) if untried else None
            library.model_not_chosen = not_chosen
            return library
        except BaseException:
            if catalog is not None:
                catalog.close()
            if lock is not None:
                lock.release()
            raise

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Save the vector index if it changed, then let go of the files. The index is a cache
        of the catalog, so one that cannot be saved (a full disk) is rebuilt on the next open."""
        with self._state_lock:
            try:
                if self._vectors_dirty and not self.read_only:
                    self._save_vectors_or_warn()
            finally:
                self.catalog.close()
                if self._lock is not None:
                    self._lock.release()
                    self._lock = None

    # model and vectors

    @property
    def model_spec(self) -> ModelSpec:
        if self._spec is None:
            from photoclip.model import resolve_model

            self._spec = resolve_model(self.settings.model, self.settings.model_file)
        return self._spec

    def encoder(self, progress: DownloadProgress | None = None, cancel: threading.Event | None = None) -> ClipEncoder:
        """The loaded model (downloaded first if needed); loaded once per library. Callers that
        ask while it loads share that one load: any of them can cancel its download, and its
        failure is theirs too, not a second download tried at once."""
        failed_loads = self._failed_loads
        with self._model_callers.joined(cancel), self._encoder_lock:
            if self._encoder is None:
                if self._failed_loads != failed_loads and self._load_failure is not None:
                    raise self._load_failure
                from photoclip.model import load_encoder

                try:
                    self._encoder = load_encoder(
                        self.model_spec, device=self.settings.device, threads=self.settings.cpu_threads,
                        progress=progress, cancel=self._model_callers,
                    )
                except ModelError as exc:
                    self._load_failure = exc
                    self._failed_loads += 1
                    raise
                if self._untried_model == (self.settings.model, self.settings.model_file):
                    self._remember_model()
                with self._text_lock:
                    self._text_encoder = None  # the model's own text side from now on: no second copy
            return self._encoder

    def _remember_model(self) -> None:
        self._untried_model = None
        if self.read_only:
            return
        try:
            config.save_settings(self.directory, dataclasses.replace(
                config.load_settings(self.directory), model=self.settings.model, model_file=self.settings.model_file))
        except OSError as exc:
            log.warning("cannot save %s as the library's model: %s", self.model_spec.label, exc)

    def text_encoder(self) -> TextEncoder:
        """What text queries and tagging need: the loaded model's text side or, until the model
        is loaded, its text tower alone from the cache (load_text_encoder), which answers a
        search seconds sooner; else the whole model is loaded."""
        if self._encoder is None:
            tower = self._text_tower()
            if tower is not None:
                return tower
        return self.encoder().text

    def asked_to_add(self) -> list[Path]:
        """The folders ask_to_add asked for, oldest first, each once: its request is gone after."""
        return [Path(request["add"]) for request in self._requests(("add",))]

    def asked_to_tag(self) -> list[TagRequest]:
        """The tags ask_to_tag asked to give or take, oldest first, each once."""
        return [TagRequest(str(request["tag"]), [Path(p) for p in request["paths"]], bool(request.get("untag")))
                for request in self._requests(("tag", "paths"))]

    def tag_as_asked(self) -> int:
        """Give (or take) the tags asked for while another photoclip held the library, in the order asked:
        by the one holding it, or by the next to write the library where that one stopped first (else a
        tag asked for then would come long after, over what the user did since). Returns how many requests."""
        asked = self.asked_to_tag()
        for request in asked:
            photos = [self.photo_at(path) for path in request.paths]
            ids = [photo.id for photo in photos if photo is not None]
            if ids:
                (self.remove_tag if request.untag else self.add_tag)(ids, request.tag)
                log.info("%s %s: %d photos, as asked while another photoclip held the library",
                         "took off" if request.untag else "tagged", request.tag, len(ids))
        return len(asked)

    def _requests(self, keys: tuple[str, ...]) -> list[dict]:
        """The requests (see REQUESTS_DIR) that hold `keys`, oldest first; their files are gone after, and
        those of requests no photoclip can read."""
        try:
            requests = sorted(p for p in (self.directory / REQUESTS_DIR).iterdir() if p.suffix == ".json")
        except OSError:
            return []
        found = []
        for request in requests:
            try:
                asked = json.loads(request.read_text(encoding="utf-8"))
                if not isinstance(asked, dict) or not any(key in asked for key in ("add", "tag")):
                    raise ValueError("neither a folder to add nor a tag")
            except (OSError, ValueError) as exc:
                log.warning("request %s cannot be read; left out: %s", request, exc)
                request.unlink(missing_ok=True)
                continue
            if all(key in asked for key in keys):
                found.append(asked)
                request.unlink(missing_ok=True)
        return found

    @property
    def model_loaded(self) -> bool:
        """Whether encoder() answers without loading (or downloading) the model."""
        return self._encoder is not None

    def prepare_search(self) -> bool:
        """Get text queries ready without the whole model where its text tower is cached, so a
        window can say search is ready while the rest still loads. False: only the whole model
        (encoder()) can answer them. It takes no state lock: the worker may hold that one through
        a first download of the model, which this caller must be free to join and cancel."""
        return self.model_loaded or self._text_tower() is not None

    def _text_tower(self) -> TextEncoder | None:
        with self._text_lock:
            if self._text_encoder is None and self._encoder is None:
                from photoclip.model import load_text_encoder

                self._text_encoder = load_text_encoder(self.model_spec)
            return self._text_encoder

    def _index_dir(self) -> Path:
        return self.directory / INDEX_DIR

    def _previous_index_dir(self) -> Path:
        return self.directory / INDEX_DIR / PREVIOUS_INDEX_DIR

    @property
    def thumbnail_dir(self) -> Path:
        """The library's thumbnail cache (disposable, keyed by content hash)."""
        return self.directory / THUMBNAIL_DIR

    def prune_thumbnails(self, min_age_s: float = THUMBNAIL_GRACE_S) -> tuple[int, int]:
        """Delete cached thumbnails of content no photo has any more (photos deleted or
        edited), so the cache does not grow for ever; returns (files, bytes) freed. Files newer
        than min_age_s stay: a photo being indexed has its thumbnail before its hash is stored."""
        self._require_writable()
        known = self.catalog.known_hashes()
        cutoff = time.time() - min_age_s
        files = freed = 0
        for file, content_hash in imaging.cached_thumbnails(self.thumbnail_dir):
            if content_hash in known:
                continue
            try:
                st = file.stat()
                if st.st_mtime >= cutoff:
                    continue
                file.unlink()
            except OSError as exc:
                log.debug("cannot prune %s: %s", file, exc)
                continue
            files, freed = files + 1, freed + st.st_size
        if files:
            log.info("removed %d thumbnails of photos no longer in the library (%d bytes)", files, freed)
        return files, freed

    def vectors(self) -> VectorIndex:
        """The vector index, reconciled with the catalog (caught up, or rebuilt) on first use.
        Before any photo has a vector, its size comes from the model, loaded (or downloaded)
        outside the state lock: minutes of download must not hold up saving, scanning or closing."""
        with self._state_lock:
            if self._vectors is not None:
                return self._vectors
            self._previous_model()  # after a model change, moves the old index aside first
            dim = self.catalog.vector_dim(self.model_spec.model_id)
        if dim is None:
            dim = self.encoder().dim
        with self._state_lock:
            if self._vectors is None:
                self._vectors = self._load_vectors(self._index_dir(), self.model_spec.model_id, dim)
                self._vectors_dirty = False
            return self._vectors

    def _load_vectors(self, directory: Path, model_id: str, dim: int) -> VectorIndex:
        """The index saved in `directory`, caught up with the catalog or rebuilt from it (and
        saved again when it had to change)."""
        generation = self.catalog.generation()
        loaded = VectorIndex.load(directory, dim, model_id)
        if loaded is not None and loaded[1] <= generation:
            index, saved_generation = loaded
            if saved_generation == generation and (self.read_only or not index.needs_compaction()):
                return index
            if saved_generation < generation:
                log.info("vector index is behind the catalog (%d < %d); catching up", saved_generation, generation)
                self._catch_up(index, model_id, saved_generation)
        else:
            log.info("building the vector index from the catalog")
            index = VectorIndex(dim, capacity=max(1024, len(self.catalog.embedding_ids(model_id))))
            for ids, matrix in self.catalog.embeddings(model_id, dim):
                index.add(ids, matrix, num_threads=os.cpu_count() or 1)
        if index.needs_compaction():
            index = self._rebuilt(model_id, dim)
        if not self.read_only:
            try:
                index.save(directory, generation, model_id)
            except OSError as exc:
                _warn_unsaved(exc)
        return index

    def compact_vectors(self) -> bool:
        """Rebuild the vector index once a quarter of it is photos gone since: hnswlib only marks
        them deleted, and they cost memory and every search's time for as long as the library
        runs. Searches go on with the old index meanwhile. True when it was rebuilt."""
        with self._state_lock:
            old = self._vectors
            if old is None or self.read_only or self._previous is not None or not old.needs_compaction():
                return False
            model_id, generation = self.model_spec.model_id, self.catalog.generation()
        log.info("rebuilding the vector index: a quarter of it is photos removed since it was built")
        rebuilt = self._rebuilt(model_id, old.dim)
        with self._state_lock:
            if self._vectors is not old:
                return False
            self._catch_up(rebuilt, model_id, generation)
            self._vectors, self._vectors_dirty = rebuilt, True
        return True

    def _catch_up(self, index: VectorIndex, model_id: str, generation: int) -> None:
        """`index`, made at catalog `generation`, given the vectors stored since and rid of the photos gone."""
        for ids, matrix in self.catalog.embeddings(model_id, index.dim, since_gen=generation):
            index.add(ids, matrix)
        index.remove(np.setdiff1d(index.ids(), self.catalog.embedding_ids(model_id)))

    def _rebuilt(self, model_id: str, dim: int) -> VectorIndex:
        index = VectorIndex(dim, capacity=max(1024, len(self.catalog.embedding_ids(model_id))))
        for ids, matrix in self.catalog.embeddings(model_id, dim):
            index.add(ids, matrix, num_threads=os.cpu_count() or 1)
        return index

    # a model change: search keeps the old model until the new one has embedded every photo

    def _previous_model(self) -> _PreviousModel | None:
        """The old model search answers with after a model change; None once the configured
        model has a vector for every photo (or when there is no old model to fall back on)."""
        with self._state_lock:
            if not self._previous_known:
                self._previous = self._find_previous_model()
                self._previous_known = True
                self._finish_model_change_if_done()
            return self._previous

    def _find_previous_model(self) -> _PreviousModel | None:
        target = self.model_spec
        spec = _spec_from_meta(self.catalog.meta(_SEARCH_MODEL_KEY))
        if spec is None or spec.model_id == target.model_id or not self.catalog.has_embeddings(spec.model_id):
            if not self.read_only:
                searched_by = _meta_for(self.settings, target)
                if self.catalog.meta(_SEARCH_MODEL_KEY) != searched_by:  # a search on a full disk writes nothing
                    self.catalog.set_meta(_SEARCH_MODEL_KEY, searched_by)
                shutil.rmtree(self._previous_index_dir(), ignore_errors=True)  # left by a crash
            return None
        if not self.read_only:
            self.catalog.prune_embeddings((spec.model_id, target.model_id))
            if saved_model_id(self._index_dir()) == spec.model_id:
                move_saved(self._index_dir(), self._previous_index_dir())
        log.info("model changed to %s; search uses %s until every photo has a vector from the new one",
                 target.label, spec.label)
        return _PreviousModel(spec)

    def _finish_model_change_if_done(self) -> None:
        with self._state_lock:
            if self._previous is None or self.read_only or self.catalog.has_pending(self.model_spec.model_id):
                return
            log.info("every photo has a vector from %s; search uses it now", self.model_spec.label)
            self.catalog.prune_embeddings((self.model_spec.model_id,))  # first: a crash here is redone
            shutil.rmtree(self._previous_index_dir(), ignore_errors=True)
            self.catalog.set_meta(_SEARCH_MODEL_KEY, _meta_for(self.settings, self.model_spec))
            self._previous = None

    def _search_model(self, text_only: bool = False) -> tuple[ClipEncoder | TextEncoder, VectorIndex]:
        """The encoder and vectors that answer queries now (see _previous_model); with
        `text_only`, an encoder that may know only texts."""
        with self._state_lock:
            previous = self._previous_model()
            answer = self._previous_answers(previous, text_only) if previous is not None else None
        if answer is not None:
            return answer
        # not under the state lock: a text query answered by the tower must not wait for this load
        return (self.text_encoder() if text_only else self.encoder()), self.vectors()

    def _previous_answers(
        self, previous: _PreviousModel, text_only: bool
    ) -> tuple[ClipEncoder | TextEncoder, VectorIndex] | None:
        """The previous model's encoder (for `text_only`, its cached text tower will do) and
        vectors; None when it cannot be loaded. Called under the state lock."""
        from photoclip.model import load_encoder, load_text_encoder

        if previous.unavailable:
            return None
        if text_only and previous.encoder is None and previous.text is None:
            previous.text = load_text_encoder(previous.spec)
        encoder: ClipEncoder | TextEncoder | None = previous.encoder or (previous.text if text_only else None)
        if encoder is None:
            try:
                encoder = previous.encoder = load_encoder(
                    previous.spec, device=self.settings.device, threads=self.settings.cpu_threads
                )
            except ModelError as exc:
                log.warning("cannot load the previous model %s (%s); searching with the new one",
                            previous.spec.label, exc)
                previous.unavailable = True
                return None
        if previous.vectors is None:
            previous.vectors = self._load_vectors(self._previous_index_dir(), encoder.model_id, encoder.dim)
        return encoder, previous.vectors

    def _save_vectors(self) -> None:
        if self._vectors is None:
            return
        self._vectors.save(self._index_dir(), self.catalog.generation(), self.model_spec.model_id)
        self._vectors_dirty = False

    def _answering(self) -> tuple[str, VectorIndex, Callable[[], ClipEncoder]]:
        """The model id and vectors that answer queries now, and how to get their encoder. What
        needs only stored vectors (duplicates, photos like a photo of the library) does not wait
        for a model to load; during a model change, _search_model decides."""
        if self._previous_model() is None:  # once None, it stays so: no lock held through vectors()
            return self.model_spec.model_id, self.vectors(), self.encoder
        encoder, vectors = self._search_model()
        return encoder.model_id, vectors, lambda: encoder

    def _save_vectors_or_warn(self) -> None:
        """Save the vector index, or say it was not: it is a cache of the catalog, caught up
        from it on the next open, so a full disk must not hide what went wrong before it."""
        try:
            self._save_vectors()
        except OSError as exc:
            self._vectors_dirty = False  # said once; the next open catches up
            _warn_unsaved(exc)

    def _require_writable(self) -> None:
        if self.full_disk:
            raise LibraryFullError(self.directory, "open the library again")
        if self.unwritable:
            raise LibraryNotWritableError(
                f"library {self.directory} is on a disk or in a folder that cannot be written; it can be searched, "
                "not changed"
            )
        if self.read_only:
            raise LibraryLockedError(
                f"library {self.directory} is open read-only because another photoclip is using it; "
                "close the other one first"
            )

    # roots

    def roots(self) -> list[Root]:
        """The library's folders, each offline one marked `silent` when it does not answer, or `gone`
        when it looks deleted rather than unplugged (a look at the file system: off the GUI thread)."""
        return _why_offline(self.catalog.roots())

    def roots_last_seen(self) -> list[Root]:
        """The library's folders as its last scan left them, with no look at the file system: a
        share that does not answer holds `roots` and `status` for seconds, and a window shows its
        folders at once."""
        return self.catalog.roots()

    def add_root(self, path: Path | str, or_its_root: bool = False) -> Root:
        """Watch a folder. A folder inside one already watched is refused, not duplicated;
        `or_its_root`: that folder of the library is the answer instead (`index` of a folder
        inside one looks at it again)."""
        self._require_writable()
        folder = expanded(path)
        try:
            is_folder = folder.is_dir()
        except OSError as exc:  # a card pulled out under its mount: "Transport endpoint is not connected"
            if not scan.drive_gone(exc):
                raise
            known = self.catalog.root_by_path(as_cataloged(folder))
            if known is not None:
                return known  # its scan finds it offline, and says so
            raise LibraryError(f"cannot open {folder} ({exc.strerror}); plug its drive in again") from None
        if not is_folder:
            if (broken := scan.broken_link(folder)) is not None:
                raise LibraryError(f"cannot open {folder}: it is {broken}")
            raise LibraryError(f"{folder} is not a folder; give the folder that holds your photos")
        folder = self._as_the_library_spells(on_disk(folder).resolve())
        for root in self.catalog.roots():
            if folder == root.path:
                return root
            if root.path in folder.parents:
                if self._include_again(folder) or or_its_root:
                    return root
                raise LibraryError(f"{folder} is already part of the library (inside {root.path})")
        inner = [root for root in self.catalog.roots() if folder in root.path.parents]
        for root in inner:
            if not scan.root_present(self.catalog, root) and self.catalog.file_states(root.id):
                raise LibraryError(
                    f"{root.path}, a folder of the library inside {folder}, is offline (an unplugged drive?): "
                    f"plug it in before adding {folder}, or its photos and their tags would be forgotten")
        self._include_again(folder)  # a folder left out inside a root since removed: added now, it is wanted
        root = self.catalog.add_root(folder)
        for adopted in inner:
            self.catalog.adopt_root(adopted.id, root.id)
        return root

    def remove_root(self, path: Path | str) -> int:
        """Stop watching a folder and forget its photos (the files are not touched). A folder
        inside one of the library's is left out from then on (`leave_out`). Returns how many
        photos were forgotten."""
        self._require_writable()
        folder = self.folder_named(path)
        root = self.catalog.root_by_path(folder)
        if root is None:
            if any(r.path in folder.parents for r in self.catalog.roots()):
                if not folder.is_dir() and not self.catalog.states_under(str(folder)):  # a typo, most likely
                    raise LibraryError(f"{path} is not a folder, and the library has no photos there; check the name")
                return self.leave_out(folder)
            raise LibraryError(f"{path} is not a folder of this library; `photoclip status` lists them")
        forgotten = len(self.catalog.file_states(root.id))
        removed = self.catalog.remove_root(root.id)
        self._drop_vectors(removed)
        return forgotten

    def folder_named(self, path: Path | str) -> Path:
        """A folder the user named, as the catalog spells it (_as_the_library_spells); as named, made
        absolute, on a share that does not answer (folder_probe): removing the folder of a share that
        is gone for good must not wait for it."""
        named = expanded(path)
        if folder_probe.listing(named) is folder_probe.Listing.SILENT:
            return Path(os.path.abspath(named))
        return self._as_the_library_spells(self.as_cataloged(on_disk(named)))

    def as_cataloged(self, named: Path) -> Path:
        """A file or folder the user named, as the catalog spells it: resolved (fsutil.as_cataloged), but
        where that lies in no folder of the library, as named (from the shell's folder, which a `cd`
        through a link keeps) if that does, or, for a photo, as the photo of that very file is listed: a
        folder linked into the library (Pictures/Phone to a drive) has its photos listed under the link."""
        resolved = as_cataloged(named)
        roots = [root.path for root in self.catalog.roots()]

        def inside(path: Path) -> bool:
            return any(path == root or root in path.parents for root in roots)

        if inside(resolved):
            return resolved
        absolute = Path(os.path.abspath(_from_the_shells_folder(named)))
        if inside(absolute):
            return absolute
        same_file = (photo.path for photo in self.catalog.photos(self.catalog.named(resolved.name, 50)).values()
                     if photo.path.name == resolved.name and os.path.realpath(photo.path) == str(resolved))
        return next(same_file, resolved)

    def _as_the_library_spells(self, folder: Path) -> Path:
        """`folder`, as its drive lists it (fsutil.on_disk), spelled as the library's folder that is it or
        holds it is: one added before folders were looked up as listed kept the case it was typed in
        ("card/dcim" for a memory card's DCIM), and its photos' paths have it. Taken as a folder of its own,
        "index card/DCIM" added the card's photos a second time, and a clean-up trashed them as copies.
        A folder that does not answer (folder_probe) is not looked up: the lookup would wait for it."""
        roots = self.catalog.roots()
        found = folder_probe.listings(root.path for root in roots)
        for root in roots:
            if found[root.path] is folder_probe.Listing.SILENT:
                continue
            listed = on_disk(root.path)
            if listed != root.path and (folder == listed or listed in folder.parents):
                return root.path / folder.relative_to(listed)
        return folder

    def leave_out(self, folder: Path) -> int:
        """Stop indexing a folder inside the library (screenshots, wallpapers, exports): it joins
        the settings' exclude patterns and its photos are forgotten (the files are not touched).
        Adding the folder again brings it back. Returns how many photos were forgotten."""
        self._require_writable()
        pattern = config.folder_pattern(folder)
        if pattern not in self.settings.exclude_patterns:
            self._save_exclude_patterns((*self.settings.exclude_patterns, pattern))
        gone = [state.id for state in self.catalog.states_under(str(folder)).values()]
        self._drop_vectors(self.catalog.delete_photos(gone))
        log.info("left out %s (%d photos)", folder, len(gone))
        return len(gone)

    def _include_again(self, folder: Path) -> bool:
        """Take `folder` (and any folder above it) off the patterns `leave_out` added; whether it was on."""
        left_out = {config.folder_pattern(p) for p in (folder, *folder.parents)}
        kept = tuple(p for p in self.settings.exclude_patterns if p not in left_out)
        if kept == self.settings.exclude_patterns:
            return False
        self._save_exclude_patterns(kept)
        return True

    def _save_exclude_patterns(self, patterns: tuple[str, ...]) -> None:
        self.settings = dataclasses.replace(self.settings, exclude_patterns=patterns)
        config.save_settings(self.directory, dataclasses.replace(
            config.load_settings(self.directory), exclude_patterns=patterns))

    def _drop_vectors(self, ids: list[PhotoId] | tuple[PhotoId, ...]) -> None:
        if not ids:
            return
        with self._state_lock:
            for vectors in (self._vectors, self._previous.vectors if self._previous else None):
                if vectors is not None:
                    vectors.remove(list(ids))
            self._vectors_dirty = True

    # indexing

    def scan(self, roots: list[Root] | None = None) -> ScanSummary:
        """Bring the catalog in line with the disk: new, changed, moved and deleted files."""
        self._require_writable()
        totals = dict(added=0, changed=0, moved=0, removed=0, left_out=0)
        offline = []
        sidecars: list[str] = []
        descriptions: list[str] = []
        roots = roots if roots is not None else self.catalog.roots()
        for result in scan.scan_roots(self.catalog, roots, self.settings.exclude_patterns):
            root = result.root
            if not result.online:
                offline.append(root.path)
                continue
            totals["added"] += result.added
            totals["changed"] += result.changed
            totals["moved"] += result.moved
            totals["removed"] += result.removed
            totals["left_out"] += result.left_out
            self._drop_vectors(result.removed_vectors)
            sidecars += result.sidecars
            descriptions += result.descriptions
        keywords = self.read_sidecars(sidecars) if sidecars else 0
        described = self.read_takeout_json(descriptions).changed if descriptions else ()
        self._read_dates_again()
        return ScanSummary(offline=tuple(offline), keywords=keywords, described=described, **totals)

    def _read_dates_again(self, batch: int = 500) -> None:
        """The photos whose dates may have changed though their files did not (after the upgrade
        to schema 25 or 26, or moved to another folder) are dated anew from their files' headers
        (imaging.dates_in_file; no pixel decoded), a batch at a time; a raw's, or an unreadable or
        missing file's, date stays."""
        done = 0
        while ids := self.catalog.dates_to_read_again(batch):
            photos, facts = self.catalog.photos(ids), self.catalog.file_facts(ids)
            dated = []
            for pid in ids:
                photo, own = photos.get(pid), facts.get(pid)
                found = imaging.dates_in_file(photo.path) if photo is not None and own is not None else None
                if found is not None:
                    own = dataclasses.replace(own, taken_at=found[0], modified_at=found[1])
                    taken = taken_facts(photo.path, own, takeout.takeout_facts(photo.path),
                                        xmp.others_sidecars(photo.path))
                    dated.append((pid, own, taken))
            self.catalog.set_dates_read_again(ids, dated)
            done += len(ids)
        if done:
            log.info("read the dates of %d photos again", done)

    def index(
        self,
        paths: list[Path | str] | None = None,
        progress: ProgressCallback | None = None,
        cancel: threading.Event | None = None,
        download_progress: DownloadProgress | None = None,
        workers: int | None = None,
    ) -> IndexReport:
        """Add `paths` as folders (if given), scan, and embed everything pending. A path inside
        a folder of the library has that folder scanned again."""
        self._require_writable()
        roots = list(dict.fromkeys(self.add_root(p, or_its_root=True) for p in paths)) if paths else None
        found = self.scan(roots)
        scanned = IndexReport(total=0, embedded=0, reused=0, failed=0, cancelled=False, seconds=0.0,
                              moved=found.moved, removed=found.removed, left_out=found.left_out, offline=found.offline,
                              keywords=found.keywords)
        spec = self.model_spec
        pending = self.catalog.pending(spec.model_id, [r.id for r in roots] if roots else None)
        if not pending:
            self.update_tags_or_warn()
            return scanned
        try:
            report = self.embed(pending, progress=progress, cancel=cancel, workers=workers,
                                download_progress=download_progress)
            if report.failed and not report.cancelled and self.raws_of_failed_partners(pending):
                more = self.catalog.pending(spec.model_id, [r.id for r in roots] if roots else None)
                report = report.and_then(self.embed(more, progress=progress, cancel=cancel, workers=workers))
            report = self._read_again_once_written(report, pending, progress, cancel, workers)
        finally:
            self._save_vectors_or_warn()
        self.update_tags_or_warn()
        return self._drives_gone_meanwhile(scanned, report, roots, pending)

    def _drives_gone_meanwhile(self, scanned: IndexReport, report: IndexReport, roots: list[Root] | None,
                               items: Sequence[tuple[PhotoId, Path]]) -> IndexReport:
        """The run's report, where folders went offline while it ran (a card unmounted or pulled out):
        their photos that failed as the drive went wait for it (scan.went_offline), no failures, and
        the folders are said to be offline."""
        gone = scan.went_offline(self.catalog, roots or self.catalog.roots())
        if not gone:
            return scanned.and_then(report)
        states = self.catalog.photo_states(str(path) for _, path in items)
        failed = min(report.failed, sum(state.status == "failed" for state in states.values()))
        offline = tuple(dict.fromkeys((*scanned.offline, *(root.path for root in gone))))
        return dataclasses.replace(scanned, offline=offline).and_then(dataclasses.replace(report, failed=failed))

    def _read_again_once_written(
        self, report: IndexReport, items: Sequence[tuple[PhotoId, Path]], progress: ProgressCallback | None,
        cancel: threading.Event | None, workers: int | None,
    ) -> IndexReport:
        """The run's report, once the photos whose files changed while they were read (a copy the scan found
        still being written, which failed as "truncated file") are read again as soon as their files stop
        changing: a run of `index` beside a copy from a card said good photos were broken. How they came out
        the first time counts no more. Only photos that failed or are damaged are looked at (one read whole
        was read when its copy was done), and those written to just now are waited for first: a copy may
        pause between two chunks."""
        run = items
        damaged = {str(path) for path, _ in self.catalog.damaged()}
        states = self.catalog.photo_states(str(path) for _, path in items) if report.failed else {}
        items = [(pid, path) for pid, path in items if str(path) in damaged
                 or (state := states.get(str(path))) is not None and state.status == "failed"]
        read_again = False
        for _ in range(_READ_AGAIN_ROUNDS):
            if report.cancelled:
                break
            waited = {str(path) for _, path in items if _written_within(path, _WRITTEN_AFTER_S)}
            _wait_until_written(sorted(waited), cancel)
            changed, _ = self.read_while_written(items)
            if not changed:
                break
            paths = [path for path, _ in changed]
            log.warning("%s changed while read (still being copied?): reading again once written",
                        plural(len(paths), "photo"))
            _wait_until_written([path for path in paths if path not in waited], cancel)
            self.scan_paths(paths)
            items = [(state.id, Path(path)) for path, state in self.catalog.photo_states(paths).items()
                     if state.status == "pending"]
            before = dataclasses.replace(report, total=report.total - len(changed), embedded=max(
                0, report.embedded - sum(state.status == "indexed" for _, state in changed)))
            report = before.and_then(self.embed(items, progress=progress, cancel=cancel, workers=workers))
            read_again = True
        if not read_again:
            return report
        photos = self.catalog.photos(pid for pid, _ in run).values()  # counted as embed counts them
        return dataclasses.replace(report, failed=sum(
            photo.status == "failed" and photo.failure != imaging.FILE_GONE for photo in photos))

    def read_while_written(
        self, items: Sequence[tuple[PhotoId, Path]],
    ) -> tuple[list[tuple[str, FileState]], dict[PhotoId, str]]:
        """Of these photos, those read (not pending) whose files changed while they were read (still being
        written, or saved again), with what the catalog knew of them as read; and those read whole, by id.
        Photos gone since, or in folders that do not answer (folder_probe), are in neither."""
        changed, whole = [], {}
        for path, state in self.catalog.photo_states(str(path) for _, path in items).items():
            if state.status == "pending" or folder_probe.silent(Path(path)):
                continue
            try:
                st = os.stat(path)
            except OSError:
                continue
            if (st.st_size, mtime_ns(st)) == (state.size, state.mtime_ns):
                whole[state.id] = path
            else:
                changed.append((path, state))
        return changed, whole

    def raws_of_failed_partners(self, items: Sequence[tuple[PhotoId, Path]]) -> scan.PathChanges | None:
        """A raw file beside a JPEG or HEIC of its name is left out for it; when that one turns
        out unreadable, the raw stands for the shot after all (pending). None when none does."""
        partners = [str(path) for _, path in items if rawfile.stands_for_raw(path.name)]
        failed = [path for path, state in self.catalog.photo_states(partners).items() if state.status == "failed"]
        raws = [raw for path in failed for raw in scan.raws_beside(path)]
        changes = self.scan_paths(raws) if raws else None
        return changes if changes is not None and changes.added else None

    def update_tags_or_warn(self) -> None:
        """Tagging after indexing, or before tags are listed: a broken vocabulary file or a model
        that cannot load now must not undo the indexing that went well, nor hide the tags
        already stored, so it is logged instead of raised."""
        try:
            self.update_tags()
        except (QueryError, ModelError) as exc:
            log.warning("photos were not tagged: %s", exc)

    def pending(self) -> list[tuple[PhotoId, Path]]:
        """Photos waiting for a vector from this library's model, on folders that are online."""
        return self.catalog.pending(self.model_spec.model_id)

    def embed(
        self,
        items: Sequence[tuple[PhotoId, Path]],
        progress: ProgressCallback | None = None,
        cancel: threading.Event | None = None,
        on_stored: Callable[[tuple[PhotoId, ...]], None] | None = None,
        workers: int | None = None,
        download_progress: DownloadProgress | None = None,
    ) -> IndexReport:
        """Embed these pending photos and store them; `on_stored` hears each committed batch.
        Those only touched since they were embedded keep their vectors, and when all of them
        were, the model is not even loaded (settle_unchanged).

        Photos of a folder found offline meanwhile (a watcher saw its drive go) whose reads failed as
        it went wait for it, pending, and are no failures (scan.wait_for_offline_drives).

        The vector index is not saved here (it is a cache of the catalog, rebuilt or caught up
        on open), so a background worker can embed small chunks cheaply and save when idle."""
        items, settled = self.settle_touched(items, progress, cancel, on_stored, workers)
        if not items:
            self._finish_model_change_if_done()
            return settled
        progress = counted_after(progress, settled.total)
        encoder = self.encoder(progress=download_progress, cancel=cancel)
        vectors: VectorSink = self.vectors()
        if on_stored is not None:
            vectors = _NotifyingSink(vectors, on_stored)
        try:
            report = run_pipeline(
                items, encoder, self.catalog, vectors, workers=workers, progress=progress, cancel=cancel,
                thumbnail_dir=self.thumbnail_dir,
            )
        finally:
            self._vectors_dirty = True
        if scan.wait_for_offline_drives(self.catalog, (str(path) for _, path in items)):
            photos = self.catalog.photos(pid for pid, _ in items).values()  # FILE_GONE is no failure (pipeline)
            report = dataclasses.replace(report, failed=sum(
                photo.status == "failed" and photo.failure != imaging.FILE_GONE for photo in photos))
        self._finish_model_change_if_done()
        return settled.and_then(report)

    def settle_touched(
        self,
        items: Sequence[tuple[PhotoId, Path]],
        progress: ProgressCallback | None = None,
        cancel: threading.Event | None = None,
        on_stored: Callable[[tuple[PhotoId, ...]], None] | None = None,
        workers: int | None = None,
    ) -> tuple[list[tuple[PhotoId, Path]], IndexReport]:
        """Those of these pending photos that only had their files touched are indexed again as
        they were, with no model (pipeline.settle_unchanged); returns the others, which need it."""
        self._require_writable()
        return settle_unchanged(items, self.catalog, self.model_spec.model_id, workers=workers, progress=progress,
                                cancel=cancel, on_settled=on_stored)

    def save_index(self) -> None:
        """Save the vector index now if it changed (a worker does so when idle and on stop)."""
        with self._state_lock:
            if self._vectors_dirty and not self.read_only:
                self._save_vectors()

    # watching: targeted updates for the paths a watcher's events name (one writer thread)

    def scan_paths(self, paths: Iterable[Path | str]) -> scan.PathChanges:
        """Bring just these files or folders in line with the disk, instead of whole roots."""
        self._require_writable()
        changes = scan.scan_paths(self.catalog, self.catalog.roots(), paths, self.settings.exclude_patterns)
        self._drop_vectors(changes.removed_vectors)
        self._read_dates_again()  # a photo copied into "Christmas 2003", its old file then deleted: moved
        return changes

    def note_unreadable(self, folder: Path | str, reasons: Mapping[str, str]) -> None:
        """What a walk of one folder of the library (one a watcher saw appear) could not read,
        and why, in place of what was listed at or below it: status names it, and the worker
        reads it once it opens."""
        self._require_writable()
        root = next(scan.iter_roots_containing(self.catalog.roots(), Path(folder)), None)
        if root is not None:
            self.catalog.set_unreadable_under(root.id, [str(folder)], reasons)

    def read_sidecars(self, sidecars: Iterable[Path | str]) -> int:
        """Keywords in XMP sidecars that another program just wrote (or deleted), or that were
        added to photoclip's own, become tags of their photos, and those taken away there go
        here too (those photoclip exported stay as they are here); their titles and descriptions
        become the photos' captions, and a date in them the date they were taken, which without
        one is what their files say again (pipeline.taken_facts; for a photo whose file's facts
        the catalog does not know, it stays). The photos are not indexed again. Returns how many
        tags came or went."""
        self._require_writable()
        tagged, own, described, dated = [], {}, [], []
        photos = self._photos_beside(sidecars, keywords.sidecar_owners)
        facts = self.catalog.file_facts(photos)
        for pid, (photo_path, _) in photos.items():
            packets = xmp.others_sidecars(photo_path)
            tagged.append((pid, keywords.photo_keywords(None, packets)))
            own[pid] = keywords.own_keywords(photo_path)
            described.append((pid, captions.joined(captions.sidecar_texts(packets))))
            if pid in facts:
                dated.append((pid, taken_facts(photo_path, facts[pid], takeout.takeout_facts(photo_path), packets)))
        if described:
            self.catalog.set_sidecar_captions(described)
        if dated:
            self.catalog.set_taken(dated)
        return self.catalog.set_sidecar_keywords(tagged, own) if tagged else 0

    def read_takeout_json(self, files: Iterable[Path | str]) -> scan.PathChanges:
        """Google Takeout JSON written (or changed, or deleted) after its photo was indexed, as
        when an archive is unpacked into a watched folder: the photos it describes are read
        again for its date, place and caption. Their vectors stay (their bytes did not change)."""
        self._require_writable()
        again = self._photos_beside(files, takeout.json_owners)
        self.catalog.mark_changed((s.id, s.size, s.mtime_ns) for _, s in again.values())
        return scan.PathChanges(changed=tuple(again))

    def described_by_sidecars(self, sidecars: Iterable[Path | str]) -> tuple[PhotoId, ...]:
        """The indexed photos these sidecars describe: what read_sidecars may give a date or a caption."""
        return tuple(self._photos_beside(sidecars, keywords.sidecar_owners))

    def _photos_beside(
        self, files: Iterable[Path | str], owners: Callable[[Iterable[Path]], Callable[[Path], list[Path]]]
    ) -> dict[PhotoId, tuple[Path, FileState]]:
        """The indexed photos that files written beside them (sidecars, Takeout JSON) describe,
        `owners` telling which: each folder's photos are read and looked up once."""
        found: dict[PhotoId, tuple[Path, FileState]] = {}
        folders: dict[Path, tuple[dict[str, FileState], Callable[[Path], list[Path]]]] = {}
        for file in map(Path, files):
            if file.parent not in folders:
                states = self.catalog.states_under(str(file.parent))
                folders[file.parent] = states, owners(map(Path, states))
            states, owners_of = folders[file.parent]
            for photo in owners_of(file):
                state = states[str(photo)]
                if state.status == "indexed":
                    found[state.id] = photo, state
        return found

    def move_path(self, src: Path | str, dest: Path | str) -> scan.PathChanges:
        """A file or folder was moved or renamed: its photos keep their ids and vectors."""
        self._require_writable()
        changes = scan.move_path(self.catalog, self.catalog.roots(), src, dest, self.settings.exclude_patterns)
        self._drop_vectors(changes.removed_vectors)
        self._read_dates_again()  # moved into "Christmas 1998", or out of it
        return changes

    # search

    def search(
        self, query: str, limit: int = 20, tag: str | None = None, folder: Path | str | None = None,
        subfolders: bool = True,
    ) -> list[SearchHit]:
        """Photos that best match `query` (text, image paths, `+`/`-` terms), best first. Date
        words in it ("last summer", "in 2019") keep only the photos of that period, place words
        ("in lisbon", "near munich") only the photos taken there, `tag` only the photos that
        carry it, and `folder` only the photos in it (and in its subfolders unless
        `subfolders` is false: an album); a query that is only a date or a place lists its
        photos, newest first."""
        return self.search_scoped(query, limit, tag, folder, subfolders)[0]

    def search_scoped(
        self, query: str, limit: int = 20, tag: str | Sequence[str] | None = None,
        folder: Path | str | Sequence[Path | str] | None = None, subfolders: bool = True, listed: int | None = None,
        all_copies: bool = False,
    ) -> tuple[list[SearchHit], QueryScope | None]:
        """search(), and the dates and place the query kept to ("last summer", "in lisbon"), so
        a face can say what it filtered; None when it kept to neither. Photos carrying a tag of
        the user's that the query names ("sarah at the beach") come first, ranked by the rest
        of its words: the model cannot know who Sarah is, the user's tags can. Else photos whose
        captions hold the query's words that captions use ("grandma" of "grandma at the lake")
        come first, ranked by the whole query. A query that looks like a file name ("IMG_1234",
        "DSC01234.JPG") lists the photos named so first; one with an image's or a video's suffix
        that no photo's name starts with ("DSC_2000.NEF", a raw left out for its JPEG;
        "IMG_1234.MOV", a Live Photo's video) the photos of its stem. So does a query of a few
        words that is a photo's whole name ("Lisbon tram", "scan 003"): typing all of a photo's
        name is a strong sign that photo is meant, as rclip's and Immich's file-name searches take
        it, while a name's start is none ("beach" does not put "beach party.jpg" first). `listed`:
        how many photos a query of only dates or places lists, where more than `limit` are wanted
        (a window shows every photo of 2019, not its best matches). Several tags keep to the
        photos that carry all of them, several folders to the photos in any of them. Files of the
        very same bytes (a backup, a copy in an album's folder) are one hit, the others its
        `copies`, unless `all_copies`: a result list of the same photo over and over hides the rest."""
        if limit <= 0:
            raise QueryError("the number of results must be at least 1")
        tags = [tag] if isinstance(tag, str) else list(tag or ())
        folders = [folder] if isinstance(folder, (str, Path)) else list(folder or ())
        inside = None
        if folders:
            lists = [self.catalog.indexed_in(str(self._library_folder(f)), subfolders) for f in folders]
            inside = lists[0] if len(lists) == 1 else self.newest_first([pid for ids in lists for pid in ids])
        for more in tags[1:]:
            carrying = set(self.tagged(more))
            inside = [pid for pid in (self.tagged(tags[0]) if inside is None else inside) if pid in carrying]
        first_tag = tags[0] if tags else None
        wanted = limit
        while True:
            hits, scope = self._search_scoped(query, wanted, first_tag, inside, listed)
            if all_copies:
                return hits, scope
            allowed = set(inside) if inside is not None else None
            if first_tag is not None:
                allowed = set(self.tagged(first_tag)) & allowed if allowed is not None else set(self.tagged(first_tag))
            by_file = scope is not None and (scope.period is not None or scope.place is not None)
            one_each = self._one_hit_per_picture(hits, allowed, by_file)
            if scope is not None and scope.only_scope and listed is not None:
                return one_each, scope  # all the photos of a date or place, as many as were listed
            if len(one_each) >= limit or len(hits) < wanted or wanted >= 8 * limit:
                return one_each[:limit], scope
            wanted *= 2

    def _one_hit_per_picture(
        self, hits: list[SearchHit], allowed: set[PhotoId] | None, by_file: bool = False,
    ) -> list[SearchHit]:
        """`hits` with the files of the same bytes as one, where the best ranked of them was: the
        file duplicates would keep (dedup.best_first) of those the search may list (`allowed`, or
        any) and can reach (one on a drive unplugged only if all are), whichever the search happened
        to meet first (their vectors are one); or the file a query named. Where the search kept to
        what a file says of itself (`by_file`: a date or a place, which one copy may hold and
        another not), or put some first for it (its album, its caption, its tag), only the files it
        found so are listed: not the camera's undated file for "2019", found as its copy in "Lisbon
        2019". Its `copies` are all the others."""
        photos = self.catalog.photos(h.photo_id for h in hits)
        files = self.catalog.files_of_bytes({p.hash for p in photos.values() if p.hash is not None})
        by_picture: dict[str, list[SearchHit]] = {}
        for hit in hits:
            photo = photos.get(hit.photo_id)
            key = photo.hash if photo is not None and photo.hash in files else None
            by_picture.setdefault(key or f"#{hit.photo_id}", []).append(hit)
        reached: dict[RootId, bool] = {}  # asked only of the folders copies lie in, once a search

        def reachable(root_id: RootId) -> bool:
            if root_id not in reached:
                root = next((r for r in self.catalog.roots() if r.id == root_id), None)
                reached[root_id] = root is not None and root.online and self.root_present(root)
            return reached[root_id]

        one_each = []
        for key, same in by_picture.items():  # in the order of each picture's best ranked file
            if key not in files:
                one_each.extend(same)
                continue
            if same[0].first_because == "name":
                kept = photos[same[0].photo_id]
            else:
                found = {h.photo_id for h in same if h.first_because == same[0].first_because}
                only_found = by_file or same[0].first_because is not None
                listable = [p for p in files[key] if (allowed is None or p.id in allowed)
                            and (not only_found or p.id in found)] or [photos[same[0].photo_id]]
                if len({p.root_id for p in listable}) > 1:
                    listable = [p for p in listable if reachable(p.root_id)] or listable
                kept = best_first(listable)[0]
            one_each.append(dataclasses.replace(
                same[0], photo_id=kept.id, path=kept.path,
                copies=tuple(sorted(p.path for p in files[key] if p.id != kept.id))))
        return one_each

    def _search_scoped(
        self, query: str, limit: int, tag: str | None, inside: list[PhotoId] | None, listed: int | None,
    ) -> tuple[list[SearchHit], QueryScope | None]:
        hits, scope = self._search_in(query, limit, tag, inside, listed)
        name, whole = query.strip(), False
        named: list[PhotoId] = []
        if tag is None and not (scope and scope.only_scope):
            if _looks_like_a_file_name(name):
                named = self.catalog.named(name, limit)
                stem, suffix = os.path.splitext(name)
                if not named and suffix.lower() in _SHOWN_BY_A_PHOTO_OF_ITS_STEM:  # DSC_1.NEF, shown by DSC_1.JPG
                    name = rawfile.shot_stem(name)  # PXL_1.RAW-02.ORIGINAL.dng, shown by PXL_1.RAW-01.COVER.jpg
                    whole = name == stem
                    named = self._named_whole(stem, limit) if whole else self.catalog.named(name + ".", limit)
            elif _may_be_a_name(name):
                whole = True
                named = self._named_whole(name, limit)
        if inside is not None:
            keep = set(inside)
            named = [pid for pid in named if pid in keep]
        if not named:
            return hits, scope
        photos = self.catalog.photos(named)
        first = [SearchHit(pid, photos[pid].path, 1.0, first_because="name") for pid in named if pid in photos]
        shown = {h.photo_id for h in first}
        hits = (first + [h for h in hits if h.photo_id not in shown])[:limit]
        return hits, dataclasses.replace(scope or QueryScope(None, None, only_scope=False), file_name=name,
                                         whole_name=whole)

    def _named_whole(self, stem: str, limit: int) -> list[PhotoId]:
        """Indexed photos whose whole name, less its suffix, is `stem` as name_key compares
        names ("lisbon tram" is "Lisbon tram.JPG", "selfie" is "😀 selfie.jpg")."""
        key = name_key(stem)
        return self.catalog.named_whole(key, limit) if key else []

    def failed_named(self, name: str) -> list[tuple[Path, str]]:
        """The photos named `name` (or, for a name with an image's suffix, of its stem: a raw
        and its JPEG) that could not be read, with why: a search by name cannot list them."""
        stem = os.path.splitext(name)[0] if os.path.splitext(name)[1].lower() in imaging.IMAGE_SUFFIXES else name
        keys = {name.casefold(), name_key(stem)}
        return [(path, reason) for path, reason in self.catalog.failures()
                if path.name.casefold() in keys or name_key(path.stem) in keys]

    def _search_in(
        self, query: str, limit: int, tag: str | None, inside: list[PhotoId] | None, listed: int | None = None
    ) -> tuple[list[SearchHit], QueryScope | None]:
        terms, period, place, among, dated_tags = self._scope(query)
        if inside is not None:
            keep = set(inside)
            among = inside if among is None else [pid for pid in among if pid in keep]
        if dated_tags and period is not None and period.but:  # "-2019": neither the photos tagged so nor 2019's
            tagged = {pid for ids in self._tagged_by_key(dated_tags) for pid in ids}
            kept = [pid for pid in (among or []) if pid not in tagged]
            return self._ranked(terms, kept, limit, tag), QueryScope(period, place, only_scope=not terms,
                                                                      left_out_tags=dated_tags)
        if dated_tags:
            scope = QueryScope(period, place, only_scope=not terms, tags=dated_tags)
            return self._tagged_then_dated(scope, terms, among, inside, limit, tag, listed), scope
        named = take_tags(terms, self._tags_named(terms))
        folders = self._folders_by_album_words()
        albums = named_albums(terms, folders, parse_query(query))
        untagged = named_albums(named.terms, folders).terms  # without the tags' words, nor the albums left out
        terms = untagged if named.left_out else albums.terms
        if named.left_out or albums.left_out:
            gone = {pid for ids in self._tagged_by_key(named.left_out) for pid in ids}
            gone.update(self.catalog.indexed_below(albums.left_out))
            indexed = self.catalog.taken_between(Period.any_time_but([]).spans) if among is None else among
            among = [pid for pid in indexed if pid not in gone]
        ranked = QueryScope(period, place, only_scope=False, left_out_tags=named.left_out,
                            left_out_albums=albums.left_out)
        held = {folder: self.catalog.indexed_below([folder]) for folder in albums.first}
        in_albums = set().union(*held.values())
        if named.tags:
            lists = self._tagged_by_key(named.tags)
            keys = [tuple(key.split()) for key in dict.fromkeys(name_key(name) for name in named.tags)]
            named_so = {folder: words for folder in held if (words := album_words(os.path.basename(folder))) in keys}
            alike = {folder: held[folder] for folder in named_so}
            tagged = set.intersection(*(  # "beach": the folder Beach's photos, as the photos tagged so
                set(ids).union(*(alike[folder] for folder, words in named_so.items() if words == key))
                for key, ids in zip(keys, lists)))
            elsewhere = set().union(*(ids for folder, ids in held.items() if folder not in alike))
            both = tagged & elsewhere  # "sarah at lake tahoe": the photos of her there
            if both or not _says_more([folder for folder in held if folder not in alike], named.tags):
                wanted = both or tagged
                first = [pid for pid in (among if among is not None else [*lists[0], *tagged]) if pid in wanted]
                rank_by = untagged if any(t.sign > 0 for t in untagged) else terms
                hits = self._first_then_rest(list(dict.fromkeys(first)), rank_by, among, limit, tag, "tag")
                shown = _shown_albums(held if both else alike, hits)
                return hits, dataclasses.replace(ranked, tags=named.tags, albums=shown)
        first = [pid for pid in (among if among is not None else in_albums) if pid in in_albums]
        if first:
            hits = self._first_then_rest(first, terms, among, limit, tag, "album")
            if shown := _shown_albums(held, hits):
                return hits, dataclasses.replace(ranked, albums=shown)
        if place is None and (alone := self._named_alone(terms)) is not None:
            within = set(alone[1])
            first = [pid for pid in (among if among is not None else alone[1]) if pid in within]
            if first:
                hits = self._first_then_rest(first, terms, among, limit, tag, "place")
                return hits, dataclasses.replace(ranked, place_first=alone[0])
        words = self.catalog.caption_words_known(captions.search_words(t.text for t in terms if t.text and t.sign > 0))
        described = self.catalog.captioned(words) if words else []
        if described:
            keep = set(described)
            first = [pid for pid in (among if among is not None else described) if pid in keep]
            if first:
                hits = self._first_then_rest(first, terms, among, limit, tag, "caption")
                return hits, dataclasses.replace(ranked, caption_words=tuple(words))
        scope = None if period is None and place is None and not named.left_out and not albums.left_out else \
            dataclasses.replace(ranked, only_scope=not terms)
        if scope is not None and scope.only_scope and listed is not None:
            limit = max(limit, listed)
        return self._ranked(terms, among, limit, tag), scope

    def _tagged_then_dated(
        self, scope: QueryScope, terms: list[QueryTerm], among: list[PhotoId] | None, inside: list[PhotoId] | None,
        limit: int, tag: str | None, listed: int | None,
    ) -> list[SearchHit]:
        """The photos of `scope`'s tags, named by a query that is a date too ("2019"), first
        wherever and whenever taken (the user said what they are), then the photos of the period
        (`among`) as the date alone lists them: not every photo, which hid the year's among the
        rest. The rest of the query's words ("beach" of a tag "beach 2019") rank both."""
        keep = set(inside) if inside is not None else None
        first = [pid for ids in self._tagged_by_key(scope.tags) for pid in ids if keep is None or pid in keep]
        if scope.only_scope and listed is not None:
            limit = max(limit, listed)
        return self._first_then_rest(first, terms, among, limit, tag, "tag")

    def _tags_named(self, terms: list[QueryTerm]) -> set[str]:
        """The user's own tags some run of the query's words names, compared by their words as
        name_key compares them: "smith john" names "smith, john", "hund" names "🐶 hund". The
        user's tags are read by their keys once, and again only after the catalog changed."""
        wanted = tag_candidates(terms)
        if not wanted:
            return set()
        by_key = self._user_tags_by_key()
        return {tag for key in wanted for tag in by_key.get(key, ())}

    def _user_tags_by_key(self) -> dict[str, list[str]]:
        """The user's own tags by their name_key, read again only after the catalog changed."""
        stamp = self.catalog.change_stamp()
        if self._user_tag_keys is None or self._user_tag_keys[0] != stamp:
            keys: dict[str, list[str]] = {}
            for tag in self.catalog.user_tag_names():
                keys.setdefault(name_key(tag), []).append(tag)
            self._user_tag_keys = (stamp, keys)
        return self._user_tag_keys[1]

    def _folders_by_album_words(self) -> dict[tuple[str, ...], list[str]]:
        """Every folder inside the library's folders (they themselves name nothing: all their photos
        are in them; nor do a Photos library's, tagging.outside_photos_library) by its
        search.album_words, read again only after the catalog changed."""
        stamp = self.catalog.change_stamp()
        if self._album_words is None or self._album_words[0] != stamp:
            roots = sorted((str(root.path) for root in self.catalog.roots()), key=len, reverse=True)
            folders: set[str] = set()
            for folder in map(tagging.outside_photos_library, self.catalog.folders()):
                root = next((r for r in roots if folder.startswith(r) and folder[len(r):len(r) + 1] == os.sep), None)
                while root is not None and len(folder) > len(root) and folder not in folders:
                    folders.add(folder)
                    folder = folder.rpartition(os.sep)[0]
            self._album_words = (stamp, albums_by_words(folders))
        return self._album_words[1]

    def _tagged_by_key(self, tags: Sequence[str]) -> list[list[PhotoId]]:
        """The photos of each tag named, tags of one key ("smith, john", "smith john": the query
        named both) together, as catalog.tagged orders them."""
        lists: dict[str, list[PhotoId]] = {}
        for name in tags:
            lists.setdefault(name_key(name), []).extend(self.catalog.tagged(name))
        return [list(dict.fromkeys(ids)) for ids in lists.values()]

    def _first_then_rest(
        self, first: list[PhotoId], rank_by: list[QueryTerm], among: list[PhotoId] | None, limit: int,
        tag: str | None, because: str,
    ) -> list[SearchHit]:
        """The photos `first` ranked by `rank_by` (marked first `because` of a tag or caption: their
        scores may be below those after them), then the others of `among` (None: all)."""
        hits = [dataclasses.replace(hit, first_because=because) for hit in self._ranked(rank_by, first, limit, tag)]
        if len(hits) < limit:
            shown = {h.photo_id for h in hits}
            hits += [h for h in self._ranked(rank_by, among, limit + len(shown), tag) if h.photo_id not in shown]
        return hits[:limit]

    def _ranked(
        self, terms: list[QueryTerm], among: list[PhotoId] | None, limit: int, tag: str | None
    ) -> list[SearchHit]:
        if tag is not None:
            tagged = self.catalog.tagged(tagging.normalize_tag(tag))
            keep = set(tagged)
            among = tagged if among is None else [pid for pid in among if pid in keep]
        if not terms:
            assert among is not None
            photos = self.catalog.photos(among[:limit])
            return [SearchHit(pid, photos[pid].path, 1.0) for pid in among[:limit] if pid in photos]
        encoder, vectors = self._search_model(text_only=all(term.text is not None for term in terms))
        vector = combine(terms, lambda term: self._embed_term(term, encoder))
        if among is not None and (len(among) < FILTERED_INDEX_FROM or 5 * len(among) < len(vectors)):
            return self._nearest_among(among, encoder, vector, limit)
        return self._nearest(vectors, vector, limit, exclude=(), keep=None if among is None else set(among))

    def _scope(
        self, query: str,
    ) -> tuple[list[QueryTerm], Period | None, Place | None, list[PhotoId] | None, tuple[str, ...]]:
        """A query's terms to rank by, the period and place its words keep to, the photos those
        leave (None: all), and the user's tags the whole query names where it is a date too ("2019",
        a keyword Lightroom users give by year; _tagged_then_dated; "-2019" leaves out both of
        them). A place where no photo of the
        library was taken is no filter: its words stay in the text, for the model (it may know the
        landmark); so do a name's other places ("victoria": Victoria, Canada, where the photos were
        taken, not Hong Kong)."""
        terms = parse_query(query)
        tag_keys = self._user_tags_by_key()
        require_something_to_find(terms, tag_keys)
        whole = name_key(terms[0].text) if len(terms) == 1 and terms[0].text is not None else ""
        named_whole = tuple(tag_keys.get(whole, ())) if whole else ()
        terms, period = take_period(terms)
        dated_tags = named_whole if period is not None else ()
        among: list[PhotoId] | None = None
        if period is not None:
            among = self.catalog.taken_between(period.spans)
            log.info("searching photos of %s (%s): %d", period.words, period.describe(), len(among))
        place = None
        if self.catalog.has_positions():
            located: dict[str, list[PhotoId]] = {}
            rest, place = take_place(terms, self._place_lookup(located))
            if place is not None:
                there = self._taken_there(place, located)
                terms, there_set = rest, set(there)
                if place.left_out:  # "not in france": the photos taken elsewhere, and those of no known place
                    indexed = self.catalog.taken_between(Period.any_time_but([]).spans) if among is None else among
                    among = [pid for pid in indexed if pid not in there_set]
                else:
                    among = there if among is None else [pid for pid in among if pid in there_set]
        return terms, period, place, among, dated_tags

    def _taken_there(self, place: Place, located: dict[str, list[PhotoId]]) -> list[PhotoId]:
        """The photos taken at a place a query named, as its lookup noted them in `located`."""
        there = located[place.label] if not place.parts else self.newest_first(
            [pid for part in place.parts for pid in located[part.label]])
        if place.but:  # "in france but not paris": not the photos taken there
            elsewhere = {pid for part in place.but for pid in located[part.label]}
            there = [pid for pid in there if pid not in elsewhere]
        log.info("photos taken %s (%s): %d", place.words, place.label, len(there))
        return there

    def _named_alone(self, terms: list[QueryTerm]) -> tuple[Place, list[PhotoId]] | None:
        """The place a query is the name of and nothing more ("paris", "lisbon 2019"), as "in
        paris" names it, and the photos taken there: a search may list them first. Only a town
        some photo is named by, or a country some photo was taken in, is looked up (the
        gazetteer is read in a second, not for every word searched)."""
        if len(terms) != 1 or terms[0].sign < 0 or not terms[0].text or not self.catalog.has_positions():
            return None
        text = terms[0].text.strip()
        if places.fold(text) not in self._place_names() or not places.may_be_named_alone(text):
            return None
        located: dict[str, list[PhotoId]] = {}
        rest, place = places.extract_place(f"in {text}", self._place_lookup(located))
        return None if place is None or rest else (place, self._taken_there(place, located))

    def _place_names(self) -> set[str]:
        """The towns the library's photos are named by and the countries they were taken in, as
        places.fold spells them, read again only after the catalog changed."""
        stamp = self.catalog.change_stamp()
        if self._place_name_set is None or self._place_name_set[0] != stamp:
            towns = self.catalog.towns()
            countries = places.country_names()
            names = {places.fold(town) for town, _ in towns} | {
                places.fold(countries[code]) for _, code in towns if code in countries}
            self._place_name_set = (stamp, names)
        return self._place_name_set[1]

    def _place_lookup(self, located: dict[str, list[PhotoId]]) -> Callable[[str], Place | None]:
        """A lookup of the places the library has photos of, which notes those photos in
        `located` by the place's label. Of the places a name stands for (the gazetteer's, small
        towns too, and the towns the photos are named by), the ones with photos are meant,
        together when several are ("in georgia": the country and the US state); one whose
        photos are all another's (a town of the region of its name) adds nothing and goes."""
        own_towns = self._own_towns()

        def lookup(words: str) -> Place | None:  # the gazetteer is read only once a query has a place word
            found: dict[str, tuple[Place, list[PhotoId]]] = {}
            for place in [*own_towns(words), *places.gazetteer().lookup_all(words)]:
                ids = self._located(place) + self._tagged_with_place(place)
                if ids:
                    first, known = found.get(place.label, (place, []))
                    found[place.label] = (first, list(dict.fromkeys(known + ids)))
            kept = _widest({label: ids for label, (_, ids) in found.items()})
            if not kept:
                return None
            place = dataclasses.replace(found[kept[0]][0], label=" or ".join(kept))
            ids = [pid for label in kept for pid in found[label][1]]
            located[place.label] = list(dict.fromkeys(ids)) if len(kept) == 1 else self.newest_first(ids)
            return place

        return lookup

    def newest_first(self, ids: list[PhotoId]) -> list[PhotoId]:
        """`ids` once each, newest first as the library lists photos (undated ones by their file's
        date): how a search's best matches are shown by date."""
        photos = self.catalog.photos(ids)

        def shown_at(pid: PhotoId) -> str:
            photo = photos[pid]
            return photo.taken_at or time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(photo.mtime_ns // 10**9))

        return sorted((pid for pid in dict.fromkeys(ids) if pid in photos), key=shown_at, reverse=True)

    def _tagged_with_place(self, place: Place) -> list[PhotoId]:
        """The photos without a GPS position the user tagged with the place's name ("Lisbon"
        on a scan): taken there too, for a search that keeps to it. A position says better where
        a photo was taken than a tag (a "paris" on a photo from Sydney names a person or a
        theme), and the model's tags, for a tag the user defined, are guesses from looks."""
        by_key = self._user_tags_by_key()
        keys = {name_key(place.label.split(",")[0]), name_key(place.town or "")} - {""}
        tags = [tag for key in keys for tag in by_key.get(key, ())]
        tagged = list(dict.fromkeys(pid for tag in tags for pid in self.catalog.tagged(tag, by_user=True)))
        photos = self.catalog.photos(tagged)
        return [pid for pid in tagged if pid in photos and photos[pid].lat is None]

    def _library_folder(self, folder: Path | str) -> Path:
        """`folder` as the catalog spells it, or a QueryError when no photo of the library can be in it."""
        path = self.folder_named(folder)
        answers = not folder_probe.silent(path)  # a folder on a share that does not answer is searched, not looked at
        if answers and os.path.lexists(path) and not os.path.isdir(path):
            raise QueryError(f"{folder} is a file, not a folder; give a folder of the library")
        if not any(path == root.path or root.path in path.parents or path in root.path.parents
                   for root in self.catalog.roots()):
            if answers and not os.path.lexists(path):
                raise QueryError(f"there is no folder {folder}; check the name (`photoclip status` lists the "
                                 "library's folders)")
            raise QueryError(f"{folder} is not a folder of the library; add it with `photoclip index {folder}`")
        return path

    def _own_towns(self) -> Callable[[str], list[Place]]:
        """A lookup of the towns this library's photos are named by, small ones too, however far
        from the town ("in zermatt" of a photo on the mountain), read from the catalog only when
        a query has a place word to look up. A town of another country than the photo's (named
        so before photos were named by their own country's towns) is left out: a search by
        distance finds those photos. A country or region after the name keeps to the towns in it
        ("in reading, uk")."""
        def lookup(words: str) -> list[Place]:
            gazetteer = places.gazetteer()
            stamp = self.catalog.change_stamp()
            if self._own_town_table is None or self._own_town_table[0] != stamp:  # a scan of every photo: kept
                table: dict[str, list[Place]] = {}
                for name, country in self.catalog.towns():
                    if (town := gazetteer.town(name, country)) is not None:
                        table.setdefault(places.fold(name), []).append(
                            Place("named", gazetteer.label(name, country), "", country, town.region, town=name))
                self._own_town_table = (stamp, table)
            table = self._own_town_table[1]
            if (found := table.get(places.folded_name(words))) is not None:
                return found
            qualified = gazetteer.qualified(words)
            return [] if qualified is None else [place for place in lookup(qualified[0])
                                                 if places.inside(place, qualified[1])]

        return lookup

    def _located(self, place: Place) -> list[PhotoId]:
        """The indexed photos taken at a place, newest first: a town's in its country only (Geneva's
        reach across the border into France is France)."""
        if place.kind == "named":
            return self.catalog.located_in_town(place.town or "", place.country)
        if place.kind == "town":
            return self.catalog.located_near(place.lat, place.lon, place.radius_km, place.country)
        return self.catalog.located_in(place.country, place.region)

    def countries(self) -> list[tuple[str, int]]:
        """(country name, photos taken there), most photos first: where the library was taken."""
        counts = self.catalog.country_counts()
        if not counts:
            return []
        names = places.country_names()
        return sorted(((names.get(code, code), count) for code, count in counts), key=lambda c: (-c[1], c[0]))

    def place_of(self, photo: Photo) -> str | None:
        """'Lisbon, Portugal': where a photo was taken, named by its town; None without GPS."""
        if photo.lat is None or photo.lon is None:
            return None
        return places.gazetteer().describe(photo.lat, photo.lon)

    def _nearest_among(
        self, among: list[PhotoId], encoder: ClipEncoder | TextEncoder, vector: np.ndarray, limit: int
    ) -> list[SearchHit]:
        """Exact ranking within a slice of the library (a tag, a period): scored directly."""
        ids, matrix = self.catalog.vectors_of(among, encoder.model_id, encoder.dim)
        if not len(ids):
            return []
        matrix /= np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-12)
        scores = matrix @ np.asarray(vector, dtype=np.float32)
        best = np.argsort(-scores)[:limit]
        photos = self.catalog.photos(PhotoId(int(ids[i])) for i in best)
        return [SearchHit(PhotoId(int(ids[i])), photos[PhotoId(int(ids[i]))].path, float(scores[i]))
                for i in best if PhotoId(int(ids[i])) in photos]

    def similar(
        self, target: Path | str | PhotoId | Sequence[Path | str | PhotoId], limit: int = 20, all_copies: bool = False,
    ) -> list[SearchHit]:
        """Photos that look like `target`: a photo of the library (by id or path), any image
        file, or an image's URL; or like several of them together ("more like these"). The
        photos of the library asked about are not among the answers, nor are files of their
        very bytes (a backup's copy is the same photo, not one like it). Files of the same bytes are one, as
        a search lists them, unless `all_copies`."""
        model_id, vectors, encoder = self._answering()
        targets = list(target) if isinstance(target, (list, tuple)) else [target]
        if not targets:
            raise QueryError("give at least one photo to find photos like it")
        found = [self._target_vector(t, model_id, encoder) for t in targets]
        total = np.sum([vector for vector, _, _ in found], axis=0)
        norm = float(np.linalg.norm(total))
        if norm < 1e-6:
            raise QueryError("these photos have nothing in common to look for")
        exclude = tuple(dict.fromkeys(pid for _, pid, _ in found if pid is not None))
        asked = {content for _, _, content in found if content is not None}
        wanted = limit
        while True:
            nearest = self._nearest(vectors, total / norm, wanted, exclude=exclude)
            hashes = self.catalog.hashes(hit.photo_id for hit in nearest) if asked else {}
            hits = [hit for hit in nearest if hashes.get(hit.photo_id) not in asked]
            one_each = hits if all_copies else self._one_hit_per_picture(hits, None)
            if len(one_each) >= limit or len(nearest) < wanted or wanted >= 8 * limit:
                return one_each[:limit]
            wanted *= 2

    def _target_vector(
        self, target: Path | str | PhotoId, model_id: str, encoder: Callable[[], ClipEncoder]
    ) -> tuple[np.ndarray, PhotoId | None, str | None]:
        """The vector of what `similar` was given, its photo id when it is a photo of the
        library (its stored vector; the encoder is asked for only when there is none), and then
        the hash of its bytes. An image from outside has none: its copy in the library is what
        "do I have this photo?" asks for."""
        if isinstance(target, int):
            photo = self.catalog.photo(PhotoId(target))
            if photo is None:
                raise QueryError(f"no photo with id {target} in this library")
        elif isinstance(target, str) and is_url(target):
            return self._embed_term(QueryTerm(1, url=target), encoder()), None, None
        else:
            path = on_disk(expanded(target))  # typed in another case on a card: the photo, not an image like it
            photo = self.catalog.photo_by_path(self.as_cataloged(path))
            if photo is None:
                try:
                    is_file = path.is_file()
                except OSError as exc:
                    raise QueryError(f"cannot read {path}: {(exc.strerror or str(exc)).lower()}") from exc
                if not is_file:
                    if _is_stream(path):
                        return self._embed_streamed(path, str(target), encoder()), None, None
                    if not os.path.lexists(path):
                        raise QueryError(f"there is no file {target}; give the path of a photo")
                    if path.is_dir():
                        raise QueryError(f"{target} is a folder; give the path of a photo")
                    if (broken := scan.broken_link(path)) is not None:
                        raise QueryError(f"cannot open {target}: it is {broken}")
                    raise QueryError(f"{path} is not an image file; give the path of a photo")
                return self._embed_term(QueryTerm(1, image=path), encoder()), None, None
        stored = self._stored_vector(photo.id, model_id)
        if stored is not None:
            return stored, photo.id, photo.hash
        if photo.status == "failed" and _unchanged_since_indexed(photo):  # its reason, without loading the model
            raise QueryError(f"cannot search with {photo.path}: {photo.failure}")
        return self._embed_image_file(photo.path, str(photo.path), encoder()), photo.id, photo.hash

    def _stored_vector(self, photo_id: PhotoId, model_id: str) -> np.ndarray | None:
        """A library photo's vector from the catalog, unit length; None before it is indexed."""
        stored = self.catalog.vector(photo_id, model_id)
        return None if stored is None else stored / np.linalg.norm(stored)

    def _embed_term(self, term: QueryTerm, encoder: ClipEncoder | TextEncoder) -> np.ndarray:
        if term.text is not None:
            return encoder.encode_text(term.text)
        if term.url is not None:
            return self._embed_web_image(term.url, encoder)
        assert term.image is not None
        known = self.catalog.photo_by_path(term.image.resolve())
        stored = None if known is None else self._stored_vector(known.id, encoder.model_id)
        return stored if stored is not None else self._embed_image_file(term.image, str(term.image), encoder)

    def _embed_web_image(self, url: str, encoder: ClipEncoder) -> np.ndarray:
        """An image a search names by its URL."""
        try:
            body = download.fetch_bytes(url, MAX_WEB_IMAGE_BYTES)
        except ModelUnavailableError as exc:
            raise QueryError(f"cannot fetch the image at {url}: {exc}") from None
        return self._embed_image_bytes(body, url, encoder)

    def _embed_streamed(self, path: Path, name: str, encoder: ClipEncoder) -> np.ndarray:
        """An image piped in (`similar /dev/stdin`, `<(curl …)`): decoding seeks, so it is read whole first.
        Opened without waiting for a writer, as opening a named pipe no program writes to waits for ever;
        then read for as long as one writes, so that one with no writer reads as empty at once."""
        try:
            with open(os.open(path, os.O_RDONLY | _NONBLOCKING), "rb") as stream:
                if _NONBLOCKING:
                    os.set_blocking(stream.fileno(), True)
                body = stream.read(MAX_WEB_IMAGE_BYTES + 1)
        except OSError as exc:
            raise QueryError(f"cannot read {name}: {(exc.strerror or str(exc)).lower()}") from exc
        if not body:
            raise QueryError(f"nothing to read from {name} (no program writes to it); give the path of a photo, or "
                             "pipe one in")
        if len(body) > MAX_WEB_IMAGE_BYTES:
            raise QueryError(f"{name} gives more than {MAX_WEB_IMAGE_BYTES >> 20} MB; give the path of a photo")
        return self._embed_image_bytes(body, name, encoder)

    def _embed_image_bytes(self, body: bytes, name: str, encoder: ClipEncoder) -> np.ndarray:
        """An image not in a file of its own (fetched, piped in), through a temporary file that is gone after."""
        with tempfile.TemporaryDirectory(prefix="photoclip-query-") as folder:
            path = Path(folder) / "image"
            path.write_bytes(body)
            return self._embed_image_file(path, name, encoder)

    @staticmethod
    def _embed_image_file(path: Path, name: str, encoder: ClipEncoder) -> np.ndarray:
        """The vector of an image a query names: its pixels only (none of the facts indexing reads)."""
        try:
            photo = imaging.decode_photo(path, encoder.decode_min_side, hash_algorithm="")
        except ImageDecodeError as exc:
            raise QueryError(f"cannot search with {name}: {exc}") from None
        return encoder.encode_images(imaging.prepare_for_model(photo.image, encoder.image_size, photo.icc)[None])[0]

    def _nearest(
        self, vectors: VectorIndex, vector: np.ndarray, limit: int, exclude: tuple[PhotoId, ...],
        keep: set[PhotoId] | None = None,
    ) -> list[SearchHit]:
        if limit <= 0:
            raise QueryError("the number of results must be at least 1")
        ids, scores = vectors.query(vector, limit + len(exclude), keep=keep)
        photos = self.catalog.photos(PhotoId(int(i)) for i in ids)
        hits = []
        for pid, score in zip(ids, scores):
            photo = photos.get(PhotoId(int(pid)))
            if photo is None or photo.id in exclude:
                continue
            hits.append(SearchHit(photo.id, photo.path, float(score)))
        return hits[:limit]

    # tags

    def vocabulary(self) -> Vocabulary:
        """The labels auto-tagging gives: the shipped (or the user's) vocabulary and the tags
        the user defined."""
        own = [tagging.Label(name, (prompt,)) for name, prompt in self.catalog.defined_tags()]
        return tagging.load_vocabulary(self.settings.vocabulary).with_labels(own)

    def set_vocabulary(self, path: Path | str | None) -> None:
        """Use a vocabulary file of the user's (None: the shipped one); auto tags are redone."""
        self._require_writable()
        if path is not None:
            path = expanded(path).resolve()
            tagging.load_vocabulary(path)
        self.settings = dataclasses.replace(self.settings, vocabulary=str(path) if path else None)
        config.save_settings(self.directory, dataclasses.replace(
            config.load_settings(self.directory), vocabulary=self.settings.vocabulary))

    def update_tags(self) -> int:
        """Give auto tags to the photos embedded since the last pass (a new model or vocabulary
        redoes them all). Costs nothing when nothing changed. Returns how many photos were tagged."""
        self._require_writable()
        model_id = self._search_model_id()
        if not self.catalog.has_embeddings(model_id):
            return 0
        vocabulary = self.vocabulary()
        key = f"{model_id}|{vocabulary.digest}"
        generation = self.catalog.generation()
        since = 0
        if self.catalog.meta(_TAGGED_WITH_KEY) == key:
            since = int(self.catalog.meta(_TAGGED_UP_TO_KEY) or 0)
            if since >= generation:
                return 0
            if not self.catalog.has_embeddings(model_id, since_gen=since):  # photos gone, none new: no model
                with self.catalog.transaction():
                    self.catalog.set_meta(_TAGGED_UP_TO_KEY, str(generation))
                return 0
        encoder, _ = self._search_model(text_only=True)
        space = self._space_for(encoder, vocabulary)
        self.catalog.drop_auto_tags(keep_model=None if since == 0 else encoder.model_id)
        tagged = 0
        for ids, matrix in self.catalog.embeddings(encoder.model_id, encoder.dim, since_gen=since):
            found = tagging.score_photos(space, matrix, own=vocabulary.own)
            pids = [PhotoId(int(i)) for i in ids]
            self.catalog.replace_auto_tags(pids, [(pid, name, share) for pid, tags in zip(pids, found)
                                                  for name, share in tags])
            tagged += len(pids)
        with self.catalog.transaction():
            self.catalog.set_meta(_TAGGED_WITH_KEY, key)
            self.catalog.set_meta(_TAGGED_UP_TO_KEY, str(generation))
        log.info("tagged %s with %s", plural(tagged, "photo"), plural(len(vocabulary.labels), "label"))
        return tagged

    def _search_model_id(self) -> str:
        previous = self._previous_model()
        if previous is not None and not previous.unavailable:
            return previous.spec.model_id
        return self.model_spec.model_id

    def _space_for(self, encoder: ClipEncoder | TextEncoder, vocabulary: Vocabulary) -> LabelSpace:
        name = tagging.space_cache_name(encoder.model_id, vocabulary)
        if self._label_space is not None and self._label_space[0] == name:
            return self._label_space[1]
        path = self.directory / TAGS_DIR / name
        space = tagging.load_space(path)
        if space is None or space.names != tuple(vocabulary.names()):
            space = tagging.embed_vocabulary(vocabulary, encoder.encode_texts, encoder.logit_scale)
            try:
                for old in path.parent.glob("labels-*.npz"):
                    old.unlink()
                tagging.save_space(path, space)
            except OSError as exc:
                log.warning("cannot keep the label cache in %s: %s", path.parent, exc.strerror)
        self._label_space = (name, space)
        return space

    def tags(self) -> list[tuple[str, int]]:
        """Every tag in the library with how many photos carry it, most common first."""
        return self.catalog.tag_counts()

    def tagged(self, tag: str, limit: int | None = None) -> list[PhotoId]:
        """Photos carrying `tag`: those the user tagged first, then the surest."""
        ids = self.catalog.tagged(tagging.normalize_tag(tag))
        return ids if limit is None else ids[:limit]

    def caption(self, photo_id: PhotoId) -> str | None:
        """What the photo's owner wrote about it, in its file or another program's sidecar."""
        return self.catalog.caption(photo_id)

    def tag_sources(self, tag: str) -> dict[PhotoId, tuple[str, float]]:
        """How each photo that carries `tag` got it: (source, score), as photo_tags says."""
        return self.catalog.tag_sources(tagging.normalize_tag(tag))

    def photo_tags(self, photo_id: PhotoId) -> list[PhotoTag]:
        return [PhotoTag(*row) for row in self.catalog.photo_tags(photo_id)]

    def tag_spellings(self) -> dict[str, str]:
        """How tags are shown where that is not as they are known (tags(), photo_tags()...):
        "grandma rose" -> "Grandma Rose", as the user or another program first wrote it."""
        return self.catalog.spellings()

    def shown_tag(self, tag: str) -> str:
        """One tag as it is shown (tag_spellings)."""
        name = tagging.normalize_tag(tag)
        return self.catalog.spellings().get(name, name)

    def _named_tag(self, tag: str, respell: bool = False) -> str:
        """The tag `tag` names, whose spelling it becomes when it is a new tag (or `respell`):
        "Grandma Rose" stays so, and typing "grandma rose" later finds it without changing it."""
        name = tagging.normalize_tag(tag)
        if respell or not self.catalog.has_tag(name):
            self.catalog.spell(name, tagging.spelt_tag(tag))
        return name

    def add_tag(self, ids: Iterable[PhotoId], tag: str) -> str:
        """Tag these photos (the user's word: auto-tagging never takes it away). Returns the tag
        as stored."""
        self._require_writable()
        name = self._named_tag(tag)
        self.catalog.set_user_tag(list(ids), name, "user")
        return name

    def remove_tag(self, ids: Iterable[PhotoId], tag: str) -> str:
        """Take a tag off these photos; auto-tagging does not give it back to them."""
        self._require_writable()
        name = tagging.normalize_tag(tag)
        self.catalog.set_user_tag(list(ids), name, "rejected")
        return name

    def define_tag(self, tag: str, prompt: str | None = None) -> str:
        """A tag of the user's own that auto-tagging gives from now on, described to the model
        by `prompt` (default "a photo of <tag>.")."""
        self._require_writable()
        name = self._named_tag(tag)
        text = " ".join((prompt or "").split()) or tagging.default_prompt(name)
        self.catalog.define_tag(name, text)
        return name

    def forget_tag(self, tag: str) -> None:
        """Stop giving a defined tag automatically; photos the user tagged by hand keep it."""
        self._require_writable()
        name = tagging.normalize_tag(tag)
        if not self.catalog.forget_tag(name):
            raise QueryError(f"{name} is not a tag you defined; `photoclip tags --defined` lists them")
        self.catalog.unspell_unused(name)
        self._tag_all_again()

    def _tag_all_again(self) -> None:
        """A defined tag's auto tags went with it: the others no longer come from one vocabulary
        as it stands, so the next update_tags gives them all again (else the tag defined anew,
        the same vocabulary again, found nothing to do and went to no photo)."""
        self.catalog.set_meta(_TAGGED_WITH_KEY, "")

    def defined_tags(self) -> list[tuple[str, str]]:
        """(tag, prompt) of the tags the user defined."""
        return self.catalog.defined_tags()

    def given_tags(self, names: Iterable[str]) -> set[str]:
        """Which of `names` the user gave some photo (by hand, or as keywords in another program):
        those can be renamed and deleted."""
        return self.catalog.user_tags_among(names)

    def rename_tag(self, old: str, new: str) -> tuple[str, int]:
        """Rename a tag the user gave or defined (a typo, "Holiday" for "vacation") on every
        photo at once. Returns the new name as stored and how many photos carry it. The
        vocabulary's tags are renamed by its file, and keywords in files stay as written."""
        self._require_writable()
        old_name, new_name = self._own_tag(old), tagging.normalize_tag(new)
        defined = dict(self.catalog.defined_tags())
        if old_name == new_name:
            if self.shown_tag(old_name) == tagging.spelt_tag(new):
                raise QueryError(f"the tag is called {tagging.spelt_tag(new)} already; give another name")
            self._named_tag(new, respell=True)  # "grandma rose" becomes "Grandma Rose"
            return new_name, len(self.catalog.tagged(new_name))
        if old_name in defined and new_name in defined:
            raise QueryError(f"{new_name} is a tag you defined already; forget one of them first")
        count = self.catalog.rename_user_tag(old_name, new_name)
        self._named_tag(new, respell=True)
        self.catalog.unspell_unused(old_name)
        return new_name, count

    def _own_tag(self, tag: str) -> str:
        """The tag `tag` names, one the user gave or defined; else a QueryError that says what
        it is instead: a tag the vocabulary gives, or none at all."""
        name = tagging.normalize_tag(tag)
        if name in dict(self.catalog.defined_tags()) or name in self.catalog.user_tags_among([name]):
            return name
        known = self.catalog.has_tag(name)
        shown = self.shown_tag(name) if known else tagging.spelt_tag(tag)
        shown = f'"{shown}"' if " " in shown else shown
        if known:
            raise QueryError(f"{shown} is a tag the vocabulary gives, not one you gave or defined; the vocabulary's "
                             "tags change with it (`photoclip tags --vocabulary FILE`)")
        raise QueryError(f"this library has no tag {shown}; `photoclip tags` lists the tags")

    def delete_tag(self, tag: str) -> int:
        """Take a tag the user gave or defined off every photo; returns how many lost it. Tags
        the vocabulary gives stay (a photo keeps "beach" if the model finds a beach)."""
        self._require_writable()
        name = self._own_tag(tag)
        defined = name in dict(self.catalog.defined_tags())
        lost = self.catalog.delete_user_tag(name)
        self.catalog.unspell_unused(name)
        if defined:
            self._tag_all_again()
        return lost

    def export_sidecars(self, folders: Iterable[Path | str] = (), mine_only: bool = False) -> SidecarReport:
        """Write each tagged photo's tags to an XMP sidecar beside it (all photos, or those under
        `folders`), for other photo programs; `mine_only`: only the tags the user gave. The
        catalog records what it wrote, so that reading the sidecars back takes none for the user's."""
        self._require_writable()
        folders = list(folders)
        under = [self.folder_named(f) for f in folders]
        for named, folder in zip(folders, under):
            if folder_probe.silent(folder):
                raise QueryError(f"{named} does not answer (a share whose server is away?): export its tags once it "
                                 "answers")
        for folder in under:
            if not folder.is_dir():
                raise QueryError(f"{folder} is not a folder; give a folder that holds photos of this library")
        report = SidecarReport()
        scope = [photo.path for photo in self.catalog.present_photos().values()
                 if not under or any(photo.path.is_relative_to(folder) for folder in under)]
        silent = self._on_silent_shares(scope)  # left out, as photos on a drive unplugged are, and counted
        scope = [path for path in scope if path not in silent]
        report.not_answering = len(silent)
        own = [sidecar for sidecar in map(sidecars.sidecar_path, scope) if sidecar.is_file()]
        if own:  # keywords added to photoclip's own sidecars since it wrote them: tags, not written over
            self.read_sidecars(own)
        exported = self.catalog.tags_of_present_photos(user_only=mine_only)
        spellings = self.catalog.spellings()
        unchanged: dict[Path, list[str]] = {}  # sidecars that hold these keywords already
        for path, tags in exported.items():
            if path in silent or (under and not any(path.is_relative_to(folder) for folder in under)):
                continue
            if path.exists():
                self._export_sidecar(path, tags, [spellings.get(tag, tag) for tag in tags], report, unchanged)
        self.catalog.note_exported_tags(unchanged)  # those a catalog from before schema 19 did not record
        for path in scope:
            if path not in exported:
                before = report.written + report.updated
                sidecars.empty_own_sidecar(path, report)
                if report.written + report.updated > before:
                    self.catalog.note_exported_tags({path: []})
        log.info("sidecars: %d written, %d updated, %d unchanged, %d kept, %d failed", report.written,
                 report.updated, report.unchanged, len(report.kept), len(report.failed))
        return report

    def _export_sidecar(
        self, path: Path, tags: list[str], shown: list[str], report: SidecarReport, unchanged: dict[Path, list[str]]
    ) -> None:
        """Write one photo's sidecar with its `tags` as `shown`, and record them as
        photoclip's at once: a watcher that reads the sidecar a moment later finds them recorded
        (catalog.note_exported_tags), and takes none of them for the user's keywords."""
        before = report.written + report.updated, report.unchanged
        sidecars.write_sidecar(path, shown, report)
        if report.written + report.updated > before[0]:
            self.catalog.note_exported_tags({path: tags})
        elif report.unchanged > before[1]:
            unchanged[path] = tags

    def albums(self, min_photos: int = tagging.ALBUM_MIN_PHOTOS) -> list[Album]:
        """Each folder of photos with the tags a third or more of its photos share."""
        return tagging.album_tags(self.catalog.folder_sizes(), self.catalog.folder_tag_counts(), min_photos=min_photos)

    # duplicates

    def duplicates(self, similarity: float = dedup.DEFAULT_SIMILARITY, exact_only: bool = False) -> list[DuplicateGroup]:
        """Groups of copies among the photos on connected folders, the one to keep first.
        `similarity` (LEAST_SIMILARITY to 1) is how alike two vectors must be; `exact_only`: same
        bytes only. Lower, a group would offer the only copy of one photo to the trash in favour
        of another photo of the same subject. Photos deleted or moved since they were indexed
        are left out, as search leaves them out (the groups are made again without them when a
        photo to keep is one). Groups whose copies are all kept (each in an album) come last. Photos
        on a share that does not answer are not compared, as those on a drive unplugged are not."""
        if not dedup.LEAST_SIMILARITY <= similarity <= 1.0:
            raise QueryError(f"similarity must be from {dedup.LEAST_SIMILARITY:g} to 1 (got {similarity:g}); "
                             "0.99 finds copies")
        same_bytes = list(self.catalog.same_bytes())
        present = self.catalog.present_photos()
        silent = self._on_silent_shares(photo.path for photo in present.values())  # not compared, as if unplugged
        present = {pid: photo for pid, photo in present.items() if photo.path not in silent} if silent else present
        photos = dedup.one_name_per_file(present, same_bytes)
        groups = self._groups(photos, same_bytes, similarity, exact_only)
        gone_files = self.deleted(photos[pid].path for group in groups for pid in group.members)
        gone = {pid for group in groups for pid in group.members if photos[pid].path in gone_files}
        if gone:
            log.info("left out %d photos deleted or moved since indexing", len(gone))
        if gone and not any(group.keeper in gone for group in groups):
            groups = [left for group in groups if (left := group.without(gone, photos)) is not None]
        elif gone:
            photos = {pid: photo for pid, photo in photos.items() if pid not in gone}
            groups = self._groups(photos, [[pid for pid in ids if pid not in gone] for ids in same_bytes],
                                  similarity, exact_only)
        return sorted(groups, key=lambda group: not group.to_trash)  # those all kept (albums) last

    def _groups(self, photos: dict[PhotoId, Photo], same_bytes: list[Sequence[PhotoId]], similarity: float,
                exact_only: bool) -> list[DuplicateGroup]:
        if exact_only:
            return dedup.find_groups(photos, same_bytes, similarity=1.0, distinct=self.catalog.distinct_pairs())
        model_id, vectors, _ = self._answering()
        embeddings = self.catalog.embeddings(model_id, vectors.dim)
        return dedup.find_groups(
            photos, same_bytes, vectors, embeddings, similarity, self.catalog.distinct_pairs(), self.catalog.looks,
            self.catalog.colours, weak_model=model_id.partition("/")[0] == config.DEMO_MODEL,
        )

    def not_duplicates(self, ids: Iterable[PhotoId]) -> None:
        """The user looked: these photos are different, so they are not grouped together again."""
        self._require_writable()
        self.catalog.mark_distinct(ids)

    def maybe_duplicates(self, ids: Iterable[PhotoId]) -> int:
        """not_duplicates undone: these photos may be grouped together again (a click by mistake
        is not for ever). Returns how many of their pairs had been marked."""
        self._require_writable()
        return self.catalog.unmark_distinct(ids)

    def trash(self, ids: Iterable[PhotoId], kept_for: Mapping[PhotoId, Sequence[PhotoId]] | None = None,
              shown: Mapping[PhotoId, Photo] | None = None) -> TrashResult:
        """Move these photos' files to the system trash (restorable) and forget them. A file that
        changed since it was indexed stays, and is reported, as does one the trash refuses.
        Copies of duplicates name the photos kept in their stead (`kept_for`, the best first): a
        copy stays unless that first one is still there, unchanged, and another file; the tags the user gave
        a copy that went go to them. `shown`: the photos as the user saw them when they chose (the
        app's Duplicates page, which keeps their choices while the library reads files again): a
        file changed since then stays, though the catalog has caught up with it."""
        self._require_writable()
        seen = shown or {}
        photos = {pid: seen.get(pid, photo) for pid, photo in self.catalog.photos(ids).items()}
        kept = None
        if kept_for is not None:
            known = {pid: seen.get(pid, photo) for pid, photo in
                     self.catalog.photos({pid for stead in kept_for.values() for pid in stead}).items()}
            kept = {pid: [known[k] for k in stead if k in known] for pid, stead in kept_for.items()}
        result = dedup.move_to_trash(photos.values(), kept)
        if kept:
            self.catalog.give_user_tags((pid, stead.id) for pid in result.trashed for stead in kept.get(pid, ()))
        self._drop_vectors(self.catalog.delete_photos(result.trashed))
        return result

    def copy_to(self, ids: Iterable[PhotoId], folder: Path | str) -> export.CopyReport:
        """Copy these photos' files into `folder`, in the order given (the originals stay where
        they are; the library does not change). Raises LibraryError when the folder cannot be
        made."""
        ids = list(ids)
        photos = self.catalog.photos(ids)
        folder = expanded(folder)
        try:
            return export.copy_photos((photos[i].path for i in ids if i in photos), folder)
        except OSError as exc:
            raise LibraryError(f"cannot make the folder {folder}: {exc.strerror or exc}") from exc

    # reading

    def photo(self, photo_id: PhotoId) -> Photo | None:
        return self.catalog.photo(photo_id)

    def photos(self, ids: Iterable[PhotoId]) -> dict[PhotoId, Photo]:
        return self.catalog.photos(ids)

    def copies_of(self, photo_id: PhotoId) -> list[Path]:
        """Where else the library has this photo's very bytes (a backup, an album's copy): a
        search lists them as one (SearchHit.copies), the preview says where the others are."""
        return self.catalog.copies_of(photo_id)

    def photo_at(self, path: Path | str) -> Photo | None:
        """The photo at `path` (as cataloged); of a camera raw left out for the JPEG/HEIC of its
        shot beside it (scan.shots_beside), that one: tagging the raw, or a photo like it, is
        tagging the shot, where "not a photo of this library; index its folder" led nowhere."""
        photo = self.catalog.photo_by_path(path)
        if photo is not None:
            return photo
        shots = sorted(scan.shots_beside(str(path)))
        return next((photo for shot in shots if (photo := self.catalog.photo_by_path(shot)) is not None), None)

    def photos_by_date(
        self, offset: int = 0, limit: int = 1000, root: RootId | None = None, album: Path | None = None
    ) -> list[PhotoId]:
        """Photo ids newest first; with `root`, only that folder's (for browsing one folder);
        with `album`, only the photos directly in that folder."""
        return self.catalog.photos_by_date(offset, limit, root, None if album is None else str(album))

    def status(self) -> LibraryStatus:
        """Counts, folders, failures, damaged files and the videos and images of other formats
        left out (as the last scan saw them); needs neither the model nor the index.
        Whether each folder is online is looked at now (the catalog says what the last scan
        found: a drive unplugged or plugged in since is not in it), and nothing is written.
        A model asked for that has not loaded yet (its weights are not on this machine) is
        `untried`: the library's model, and the counts, stay those of the one it has."""
        untried = None
        if self._saved_model is not None and self._untried_model == (self.settings.model, self.settings.model_file):
            from photoclip.model import resolve_model

            untried, spec = self.model_spec.label, resolve_model(*self._saved_model)
            before = _spec_from_meta(self.catalog.meta(_SEARCH_MODEL_KEY))  # a change under way before this one
            changing = before is not None and before.model_id != spec.model_id
            searching_with = before.label if changing and self.catalog.has_embeddings(before.model_id) else None
        else:
            try:
                spec = self.model_spec
                previous = self._previous_model()
                searching_with = previous.spec.label if previous and not previous.unavailable else None
            except ModelError:  # the model chosen cannot be named (a file with no weights): the one searched with
                spec, searching_with = _spec_from_meta(self.catalog.meta(_SEARCH_MODEL_KEY)), None
        roots = self.catalog.roots()
        online = scan.roots_online(self.catalog, roots)
        return LibraryStatus(
            model=spec.label if spec is not None else self.settings.model,
            counts=self.catalog.counts(spec.model_id if spec is not None else ""),
            roots=tuple(_why_offline([dataclasses.replace(root, online=online[root.id]) for root in roots])),
            failures=tuple(self.catalog.failures()),
            damaged=tuple(self.catalog.damaged()),
            unreadable=tuple(self.catalog.unreadable()),
            searching_with=searching_with,
            untried=untried,
            videos=scan.videos_seen(self.catalog, roots),
            images_left_out=scan.images_left_out(self.catalog, roots),
        )

    def deleted(self, paths: Iterable[Path]) -> set[Path]:
        """Which of these files of the library were deleted or moved since (fsutil.deleted); none on a
        share that does not answer (_on_silent_shares)."""
        paths = list(paths)
        silent = self._on_silent_shares(paths)
        return {path for path in paths if path not in silent and deleted(path)}

    def _on_silent_shares(self, paths: Iterable[Path]) -> set[Path]:
        """Which of these files lie in folders of the library that do not answer (folder_probe): the
        folders are looked into at once, rather than each file waited on for ever. None, at once, where
        all answer (20,000 paths matched to their folders took half a second)."""
        found = folder_probe.listings(root.path for root in self.catalog.roots())
        silent = tuple(str(folder) for folder, listing in found.items() if listing is folder_probe.Listing.SILENT)
        if not silent:
            return set()
        inside = tuple(folder.rstrip(os.sep) + os.sep for folder in silent)
        return {path for path in paths if str(path) in silent or str(path).startswith(inside)}

    def root_present(self, root: Root) -> bool:
        """Whether a folder of the library is online now, by the rule a scan goes by: its folder
        is there, answers, and is no empty stand-in (the mount point an unplugged drive leaves) for
        a folder that had photos."""
        return scan.roots_online(self.catalog, [root])[root.id]


def file_date(photo: Photo) -> str:
    """The date of a photo's file, in local time as date words read it for a photo without a date of its own
    (Catalog.taken_between): a script that finds `taken_at` empty can tell why "since christmas" found it."""
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(photo.mtime_ns // 10**9))


def tagged_before_period(period: Period | None, tags: Sequence[str]) -> bool:
    """Whether the photos of the tags a search named come first wherever they were taken, before
    the photos of its period: the whole query named a tag that is a date too ("2019";
    _tagged_then_dated). Only then does a tag hold the period's words, as a date's words leave
    the rest of a query before its tags are looked for ("beach 2019" names a tag "beach")."""
    return period is not None and any(set(name_key(period.words).split()) <= set(name_key(tag).split())
                                      for tag in tags)


_READ_AGAIN_ROUNDS = 3  # a file changed again while read again: at most so many more reads in one run
_WRITTEN_AFTER_S = 3.0  # a file that stays as it is this long is written (a watch waits as long: WRITING_SETTLES)
_WRITE_WAIT_S = 60.0  # longer than a photo takes to copy from any card; then it is read as it is


def _written_within(path: Path, seconds: float) -> bool:
    try:
        return abs(time.time() - os.stat(path).st_mtime) < seconds
    except OSError:
        return False


def _wait_until_written(paths: Sequence[str], cancel: threading.Event | None) -> None:
    """Until these files stay as they are for _WRITTEN_AFTER_S, _WRITE_WAIT_S at most, or `cancel`."""
    if not paths:
        return
    def looks() -> list[tuple[int, int] | None]:
        seen = []
        for path in paths:
            try:
                st = os.stat(path)
                seen.append((st.st_size, mtime_ns(st)))
            except OSError:
                seen.append(None)
        return seen

    deadline, last = time.monotonic() + _WRITE_WAIT_S, looks()
    stop = cancel or threading.Event()
    while time.monotonic() < deadline and not stop.wait(_WRITTEN_AFTER_S):
        now = looks()
        if now == last:
            return
        last = now


def _from_the_shells_folder(named: Path) -> Path:
    """A relative `named` from the shell's folder ($PWD) where that is this process's: the system's own
    (os.getcwd) is resolved, and gone is the link a `cd` went through."""
    shell = os.environ.get("PWD", "")
    try:
        if named.is_absolute() or not os.path.isabs(shell) or not os.path.samefile(shell, os.getcwd()):
            return named
    except OSError:
        return named
    return Path(shell) / named


def _why_offline(roots: Sequence[Root]) -> list[Root]:
    """`roots`, each offline one marked `silent` when its folder does not answer (folder_probe: the
    offline ones looked into at once) or `gone` when it looks deleted rather than unplugged; a silent
    one is not looked at again, as looks_deleted would wait for it."""
    found = folder_probe.listings(root.path for root in roots if not root.online)
    marked = []
    for root in roots:
        if not root.online and found[root.path] is folder_probe.Listing.SILENT:
            root = dataclasses.replace(root, silent=True)
        elif not root.online and mounts.looks_deleted(root.path):
            root = dataclasses.replace(root, gone=True)
        marked.append(root)
    return marked


def _widest(located: dict[str, list[PhotoId]]) -> list[str]:
    """The labels of the places whose photos no other place's hold all of (of places with the
    same photos, the first)."""
    sets = {label: set(ids) for label, ids in located.items()}
    labels = list(located)
    return [label for i, label in enumerate(labels)
            if not any(sets[label] < sets[other] or (sets[label] == sets[other] and j < i)
                       for j, other in enumerate(labels) if j != i)]


def _says_more(albums: Sequence[str], tags: Sequence[str]) -> bool:
    """Whether an album a query named holds in its name a tag it named, and more: "sarah's
    birthday" is the album "Sarah's Birthday", not all the photos tagged "sarah"."""
    named = [album_words(os.path.basename(album)) for album in albums]
    return any(len(words) > len(key) and set(key) <= set(words)
               for words in named for key in (name_key(tag).split() for tag in tags))


def _shown_albums(held: Mapping[str, set[PhotoId]], hits: Sequence[SearchHit]) -> tuple[str, ...]:
    """The folders (of `held`, their photos) some photo listed first is in: the others named
    ("paris 2018": "Paris", none of whose photos are of 2018) put nothing first."""
    first = {hit.photo_id for hit in hits if hit.first_because is not None}
    return tuple(folder for folder, ids in held.items() if ids & first)


def _last_used(catalog: Catalog) -> config.Settings | None:
    """Settings naming the model this library was last searched with, to fall back on when its
    settings file is damaged: the default model would have every photo embedded again."""
    choice = _choice_from_meta(catalog.meta(_SEARCH_MODEL_KEY))
    return choice[0] if choice else None


@dataclass(frozen=True)
class TagRequest:
    """A tag to give (or take off) the photos at `paths`, asked by `photoclip tag` while `watch` held the library."""

    tag: str
    paths: list[Path]
    untag: bool = False


def ask_to_tag(directory: Path | str, tag: str, paths: Iterable[Path], untag: bool = False) -> None:
    """Ask the photoclip that keeps the library at `directory` up to date to tag (or untag) the
    photos at `paths`, as ask_to_add asks it to add a folder."""
    request = {"tag": tag, "paths": [os.fsdecode(path) for path in paths], "untag": untag}
    atomic_write_bytes(Path(directory) / REQUESTS_DIR / f"{time.time_ns()}-{uuid.uuid4().hex[:8]}.json",
                       json.dumps(request).encode())


def ask_to_add(directory: Path | str, folders: Iterable[Path]) -> None:
    """Ask the photoclip that keeps the library at `directory` up to date (`photoclip watch`,
    which holds it all day) to add these folders: it takes them at its next look round
    (Library.asked_to_add), where another process cannot write the catalog."""
    requests = Path(directory) / REQUESTS_DIR
    for folder in folders:
        atomic_write_bytes(requests / f"{time.time_ns()}-{uuid.uuid4().hex[:8]}.json",
                           json.dumps({"add": str(folder)}).encode())


def _refuse_an_emptied_catalog(directory: Path) -> None:
    """A catalog of 0 bytes beside an index or thumbnails was a library's (a failed copy, a sync
    tool's conflict): opened, it would be a new and empty one, its folders and tags gone unsaid."""
    catalog = directory / CATALOG_FILE
    try:
        emptied = catalog.stat().st_size == 0
    except OSError:
        return
    if emptied and ((directory / INDEX_DIR).is_dir() or (directory / THUMBNAIL_DIR).is_dir()):
        raise LibraryError(f"{catalog} is empty, but this folder held a library; restore the catalog from a backup, "
                           "or move it away to start fresh")


def _warn_unsaved(exc: OSError) -> None:
    """The index is a cache of the catalog: one not saved (a full disk) is caught up on the next open."""
    log.warning("the search index was not saved (%s); it is rebuilt from the catalog on the next open",
                exc.strerror or exc)


def _meta_for(settings: config.Settings, spec: ModelSpec) -> str:
    """What the catalog keeps of the model search uses, to load it again after a change."""
    return json.dumps({"model": settings.model, "model_file": settings.model_file, "model_id": spec.model_id})


def _choice_from_meta(value: str | None) -> tuple[config.Settings, str] | None:
    """The model choice _meta_for kept, as settings, and the id of its weights; None without one."""
    try:
        stored = json.loads(value) if value else None
        if not stored:
            return None
        return config.Settings(model=str(stored["model"]), model_file=stored["model_file"]), str(stored["model_id"])
    except (ValueError, KeyError, TypeError) as exc:
        log.info("the model search used before is not recorded readably (%s)", exc)
        return None


def _spec_from_meta(value: str | None) -> ModelSpec | None:
    """The model _meta_for described, if it still resolves to the same weights."""
    from photoclip.model import resolve_model

    choice = _choice_from_meta(value)
    if choice is None:
        return None
    settings, model_id = choice
    try:
        spec = resolve_model(settings.model, settings.model_file)
    except ModelError as exc:
        log.info("the model search used before cannot be found again (%s)", exc)
        return None
    return spec if spec.model_id == model_id else None


_NONBLOCKING = getattr(os, "O_NONBLOCK", 0)


def _is_stream(path: Path) -> bool:
    """A pipe or a character device (standard input), which can be read once but not seeked."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return stat.S_ISFIFO(mode) or stat.S_ISCHR(mode)


def _unchanged_since_indexed(photo: Photo) -> bool:
    try:
        st = os.stat(photo.path)
    except OSError:
        return False
    return (st.st_size, mtime_ns(st)) == (photo.size, photo.mtime_ns)


class _NotifyingSink:
    """The vector index, telling a listener which photos each committed batch stored."""

    def __init__(self, vectors: VectorSink, on_stored: Callable[[tuple[PhotoId, ...]], None]) -> None:
        self._vectors = vectors
        self._on_stored = on_stored

    def add(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        self._vectors.add(ids, vectors)
        self._on_stored(tuple(PhotoId(int(i)) for i in ids))
