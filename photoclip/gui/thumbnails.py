"""Thumbnails made off the GUI thread (vimiv-qt's habits, minus its one mistake).

A request queues a QRunnable that reads the photo's row, makes (or finds) the cached
thumbnail with `imaging.ensure_thumbnail` (written atomically, keyed by content hash, so
it survives renames), decodes it already scaled into a square QImage and hands that to
the GUI thread, which alone turns it into a QPixmap. Queued requests are dropped when the
view scrolls (the visible rows ask again when painted); failures are remembered so a
broken file is not retried on every repaint.
"""

from __future__ import annotations

import logging
import os
from collections import OrderedDict
from pathlib import Path

from PySide6.QtCore import QObject, QRect, QRectF, QRunnable, QSize, Qt, QThreadPool, Signal
from PySide6.QtGui import QImage, QImageReader, QPainter, QPainterPath, QPixmap

from photoclip import folder_probe, imaging
from photoclip.catalog import Photo
from photoclip.errors import ImageDecodeError
from photoclip.ids import PhotoId
from photoclip.library import Library

log = logging.getLogger(__name__)

CACHE_BYTES = 160 << 20
"""Memory for the thumbnails kept ready to paint: a 2x screen's thumbnail is four times a 1x
one's (336 x 336 x 4 bytes: 450 kB), so it keeps a quarter as many, still several screens full."""
PHOTOS_KEPT = 6000  # photo rows kept for painting their cells (a few hundred bytes each)
NOT_THERE = "the file is not there (on a drive not connected, or moved since)"


class _Relay(QObject):
    loaded = Signal(int, QImage, object)  # photo id, square image, Photo
    failed = Signal(int, str, object)  # photo id, reason, Photo or None


class _ThumbnailTask(QRunnable):
    def __init__(self, photo_id: PhotoId, library: Library, side_px: int, radius: float, ratio: float,
                 relay: _Relay) -> None:
        super().__init__()
        self.photo_id = photo_id
        self._library = library
        self._side = side_px
        self._radius = radius
        self._ratio = ratio
        self._relay = relay

    def run(self) -> None:
        photo = None
        try:
            photo = self._library.photo(self.photo_id)
            if photo is None:
                raise LookupError("no longer in the library")
            image = load_square(thumbnail_file(self._library, photo, self._side), self._side,
                                self._radius * self._ratio)
            image.setDevicePixelRatio(self._ratio)  # the ratio it was made for, though the window's changed since
        except Exception as exc:  # a bad file is data: remembered, shown as broken
            log.debug("no thumbnail for photo %s: %s", self.photo_id, exc)
            gone = photo is not None and (folder_probe.silent(photo.path) or not os.path.lexists(photo.path))
            self._emit("failed", NOT_THERE if gone else str(exc) or type(exc).__name__, photo)
            return
        self._emit("loaded", image, photo)

    def _emit(self, signal: str, payload: object, photo: Photo | None) -> None:
        try:
            getattr(self._relay, signal).emit(int(self.photo_id), payload, photo)
        except RuntimeError:
            pass  # the loader is gone (window closed)


def thumbnail_file(library: Library, photo: Photo, side_px: int = imaging.THUMBNAIL_SIDE) -> Path:
    """The cached thumbnail of `photo` that shows it sharp at `side_px`, made now if needed
    (worker threads only). A large one needs the photo: on a drive unplugged, the usual one
    (made when it was indexed) stands in, as a little soft is better than a broken mark. The photo is
    read only when it must be, and not on a share that does not answer (folder_probe): that read would
    hold the thread for ever, and a few such took the whole pool."""
    side = imaging.LARGE_THUMBNAIL_SIDE if side_px > imaging.THUMBNAIL_SIDE else imaging.THUMBNAIL_SIDE
    sides = dict.fromkeys((side, imaging.THUMBNAIL_SIDE))
    made = [imaging.thumbnail_path(library.thumbnail_dir, photo.hash, s) for s in sides] if photo.hash else []
    if made and made[0].is_file():
        return made[0]
    if not folder_probe.answers(photo.path):
        if made and made[-1].is_file():
            return made[-1]
        raise OSError(f"{photo.path.parent} does not answer (a share whose server is away?)")
    digest = photo.hash or imaging.file_hash(photo.path)  # pending photos are not hashed yet
    if side != imaging.THUMBNAIL_SIDE:
        try:
            return imaging.ensure_thumbnail(photo.path, digest, library.thumbnail_dir, side)
        except (OSError, ImageDecodeError) as exc:
            log.debug("no large thumbnail of %s (%s): the usual one stands in", photo.path, exc)
    return imaging.ensure_thumbnail(photo.path, digest, library.thumbnail_dir, imaging.THUMBNAIL_SIDE)


def load_square(path: Path, side_px: int, radius_px: float = 0.0) -> QImage:
    """Decode `path` already scaled so its shorter side is `side_px`, centre-cropped square,
    with its corners rounded (transparent) when `radius_px` > 0, so painting it is one blit."""
    reader = QImageReader(str(path))
    reader.setAutoTransform(True)
    size = reader.size()
    if size.isValid() and size.width() > 0 and size.height() > 0:
        scale = side_px / min(size.width(), size.height())
        if scale < 1:
            reader.setScaledSize(QSize(max(1, round(size.width() * scale)), max(1, round(size.height() * scale))))
    image = reader.read()
    if image.isNull():
        raise OSError(f"cannot read thumbnail: {reader.errorString()}")
    if min(image.width(), image.height()) != side_px:
        image = image.scaled(side_px, side_px, Qt.AspectRatioMode.KeepAspectRatioByExpanding,
                             Qt.TransformationMode.SmoothTransformation)
    crop = QRect((image.width() - side_px) // 2, (image.height() - side_px) // 2, side_px, side_px)
    square = image.copy(crop)
    if radius_px <= 0:
        return square.convertToFormat(QImage.Format.Format_RGB32)
    rounded = QImage(side_px, side_px, QImage.Format.Format_ARGB32_Premultiplied)
    rounded.fill(Qt.GlobalColor.transparent)
    painter = QPainter(rounded)  # QPainter on a QImage is fine outside the GUI thread
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    path = QPainterPath()
    path.addRoundedRect(QRectF(0, 0, side_px, side_px), radius_px, radius_px)
    painter.setClipPath(path)
    painter.drawImage(0, 0, square)
    painter.end()
    return rounded


class ThumbnailLoader(QObject):
    """Square thumbnails by PhotoId for the grid: cached, requested lazily, made in the background."""

    ready = Signal(int)  # a photo's thumbnail (or its failure) is now known

    def __init__(self, library: Library, side: int, ratio: float = 1.0, parent: QObject | None = None,
                 threads: int = 2, radius: float = 0.0) -> None:
        super().__init__(parent)
        self._library = library
        self._ratio = ratio
        self._radius = radius
        self._side = side
        self._side_px = max(16, round(side * ratio))
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(threads)
        self._relay = _Relay(self)
        self._relay.loaded.connect(self._loaded)
        self._relay.failed.connect(self._failed_to_load)
        self._pixmaps: OrderedDict[PhotoId, QPixmap] = OrderedDict()
        self._photos: OrderedDict[PhotoId, Photo] = OrderedDict()
        self._failures: dict[PhotoId, str] = {}
        self._queued: set[PhotoId] = set()
        self._stale: set[PhotoId] = set()  # shown as they are, made again when next painted
        self._held = False

    def hold(self) -> None:
        """The library is being swapped: show what is cached, make nothing until set_library."""
        self.drop_queued()
        self._held = True

    def set_library(self, library: Library) -> None:
        """A reopened library: forget everything known about the old one."""
        self.drop_queued()
        self._held = False
        self._library = library
        self._pixmaps.clear()
        self._photos.clear()
        self._failures.clear()
        self._stale.clear()

    @property
    def cache_entries(self) -> int:
        """How many thumbnails of the present size CACHE_BYTES holds."""
        return max(1, CACHE_BYTES // (4 * self._side_px * self._side_px))

    @property
    def side(self) -> int:
        """Logical pixels of a thumbnail's side."""
        return self._side

    def set_side(self, side: int) -> None:
        """Cells changed size: make thumbnails at the new size, showing the old ones meanwhile."""
        self._resize(side, self._ratio)

    def set_ratio(self, ratio: float) -> None:
        """The window went to a screen of another scale: thumbnails made for its device pixels (the old
        ones stretched would be blurry), the same size on screen, showing the old ones meanwhile."""
        self._resize(self.side, ratio)

    @property
    def ratio(self) -> float:
        """The device pixels per logical pixel the thumbnails are made for."""
        return self._ratio

    def _resize(self, side: int, ratio: float) -> None:
        self._side = side
        side_px = max(16, round(side * ratio))
        if (side_px, ratio) != (self._side_px, self._ratio):
            self._side_px, self._ratio = side_px, ratio
            self.drop_queued()
            self._stale.update(self._pixmaps)

    def pixmap(self, photo_id: PhotoId) -> QPixmap | None:
        """The thumbnail if known; otherwise None, and one is requested (unless it failed)."""
        pixmap = self._pixmaps.get(photo_id)
        if pixmap is not None:
            self._pixmaps.move_to_end(photo_id)
            if photo_id in self._stale:  # stale until the new one comes: a request dropped is made again
                self._request(photo_id)
            return pixmap
        if photo_id not in self._failures:
            self._request(photo_id)
        return None

    def _request(self, photo_id: PhotoId) -> None:
        if photo_id not in self._queued and not self._held:
            self._queued.add(photo_id)
            self._pool.start(_ThumbnailTask(photo_id, self._library, self._side_px, self._radius, self._ratio,
                                            self._relay))

    def failure(self, photo_id: PhotoId) -> str | None:
        return self._failures.get(photo_id)

    def mark(self, photo_id: PhotoId) -> str | None:
        """What a cell without a thumbnail shows: "broken" (a file that cannot be read), "missing"
        (a file not there: on a drive unplugged, or moved since), or None (a thumbnail to come)."""
        failure = self._failures.get(photo_id)
        return None if failure is None else "missing" if failure == NOT_THERE else "broken"

    def photo(self, photo_id: PhotoId) -> Photo | None:
        """The catalog row seen when the thumbnail was made (for tooltips), if any."""
        return self._photos.get(photo_id)

    def forget(self, photo_ids: tuple[PhotoId, ...] | list[PhotoId]) -> None:
        """Photos that left the library: drop what is known of them."""
        for pid in photo_ids:
            self._pixmaps.pop(pid, None)
            self._photos.pop(pid, None)
            self._failures.pop(pid, None)
            self._stale.discard(pid)

    def refresh(self, photo_ids: tuple[PhotoId, ...] | list[PhotoId]) -> None:
        """Photos that were edited, moved or just indexed: keep showing what we have, and
        read them again (row and thumbnail) when next painted; failures get another try."""
        for pid in photo_ids:
            if pid in self._pixmaps:
                self._stale.add(pid)
            self._failures.pop(pid, None)

    def retry_missing(self) -> None:
        """A folder is back (a drive plugged in, a share answering): photos found not there get another
        try when next painted."""
        for pid in [pid for pid, failure in self._failures.items() if failure == NOT_THERE]:
            del self._failures[pid]

    def drop_queued(self) -> None:
        """The view moved: requests not started yet are no longer wanted."""
        self._pool.clear()
        self._queued.clear()

    def pending(self) -> int:
        """Requests not answered yet (queued or running)."""
        return max(len(self._queued), self._pool.activeThreadCount())

    def wait(self, msecs: int = 10_000) -> bool:
        return self._pool.waitForDone(msecs)

    def _loaded(self, photo_id: int, image: QImage, photo: Photo) -> None:
        pid = PhotoId(photo_id)
        self._queued.discard(pid)
        self._pixmaps[pid] = QPixmap.fromImage(image)  # its device pixel ratio with it
        self._stale.discard(pid)
        if image.width() != self._side_px or image.devicePixelRatio() != self._ratio:
            self._stale.add(pid)  # made before the cells changed size, or the window its screen
        self._remember(pid, photo)
        while len(self._pixmaps) > self.cache_entries:
            self._pixmaps.popitem(last=False)
        self.ready.emit(photo_id)

    def _failed_to_load(self, photo_id: int, reason: str, photo: Photo | None) -> None:
        pid = PhotoId(photo_id)
        self._queued.discard(pid)
        self._stale.discard(pid)  # the one shown stays: asked for again at each paint, it was remade in a busy loop
        self._failures[pid] = reason
        if photo is not None:
            self._remember(pid, photo)
        self.ready.emit(photo_id)

    def _remember(self, pid: PhotoId, photo: Photo) -> None:
        self._photos[pid] = photo
        self._photos.move_to_end(pid)
        while len(self._photos) > PHOTOS_KEPT:
            self._photos.popitem(last=False)
