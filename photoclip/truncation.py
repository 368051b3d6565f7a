"""Pillow's switch for files cut short, shared safely by many decoding threads.

Pillow decides whether a file that ends early is an error or as much of a picture as its data
holds by one process-wide flag (`ImageFile.LOAD_TRUNCATED_IMAGES`). Indexing decodes on
several threads, and a photo that is cut short must be told apart from a whole one, so the
flag cannot simply be turned on. Ordinary decodes hold the switch together, strict; a decode
that wants what a cut file holds waits until they are done and holds it alone, lenient.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from PIL import ImageFile


class TruncationSwitch:
    """Shared while strict, held by one thread while lenient. Files cut short are rare, so a
    lenient decode waiting for the others (and they for it) costs nothing in practice; a
    waiting lenient decode goes before new strict ones, so it cannot wait forever."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._strict = 0
        self._waiting = 0
        self._lenient_owner: int | None = None
        self._mine = threading.local()  # how deep this thread holds it strict

    @contextmanager
    def strict(self) -> Iterator[None]:
        """Decode with files cut short failing. Within a hold of its own (strict or lenient) a
        thread just goes on, so nested decodes cannot wait for a lenient one that waits for them."""
        depth = getattr(self._mine, "depth", 0)
        if depth or self._lenient_owner == threading.get_ident():
            self._mine.depth = depth + 1
            try:
                yield
            finally:
                self._mine.depth = depth
            return
        with self._changed:
            self._changed.wait_for(lambda: self._lenient_owner is None and not self._waiting)
            self._strict += 1
        self._mine.depth = 1
        try:
            yield
        finally:
            self._mine.depth = 0
            with self._changed:
                self._strict -= 1
                self._changed.notify_all()

    @contextmanager
    def lenient(self) -> Iterator[None]:
        """Decode as much of a file cut short as its data holds, alone."""
        me = threading.get_ident()
        with self._changed:
            if self._lenient_owner == me or getattr(self._mine, "depth", 0):
                raise RuntimeError("this thread holds the truncation switch already")
            self._waiting += 1
            try:
                self._changed.wait_for(lambda: self._lenient_owner is None and not self._strict)
            finally:
                self._waiting -= 1
            self._lenient_owner = me
        before = ImageFile.LOAD_TRUNCATED_IMAGES
        ImageFile.LOAD_TRUNCATED_IMAGES = True
        try:
            yield
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = before
            with self._changed:
                self._lenient_owner = None
                self._changed.notify_all()


SWITCH = TruncationSwitch()
"""The one switch every decode in this process goes through."""
