"""Fetch model weights over HTTP into the user's cache, with progress and cancel, and an
image a search names by its URL.

A download lands in `<name>.part` and is renamed into place only when complete, so an
interrupted one never looks like a finished file.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import threading
import time
import urllib.error
import urllib.parse
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, Protocol

from photoclip.errors import DownloadCancelled, ModelUnavailableError
from photoclip.fsutil import fsync_dir
from photoclip.humanize import file_size

log = logging.getLogger(__name__)

DownloadProgress = Callable[[int, int | None], None]
"""Called with (bytes done, bytes total or None when the server does not say)."""


class CancelFlag(Protocol):
    """Asked between chunks whether to stop: a threading.Event, or any object that answers."""

    def is_set(self) -> bool: ...

CHUNK = 1 << 20
"""Most bytes read at once; a read returns what has arrived, so a slow link shows progress, and
honours a cancel, as its data trickles in, not a whole chunk later (at 80 KB/s, 13 s)."""
_PROGRESS_EVERY_S = 0.1  # progress said at most this often, and at each CHUNK done
_CANCEL_POLL_S = 0.1  # how soon a cancel cuts a download that waits for data


class NotOnServer(Exception):
    """The server answered but has no such file (try the next candidate)."""


def fetch_bytes(url: str, limit: int, timeout: float = 30.0) -> bytes:
    """The body at `url`, at most `limit` bytes; raise ModelUnavailableError (offline, refused,
    too big) with a reason a person can act on."""
    _refuse_offline()
    from urllib.request import Request, urlopen  # only here: it imports http.client and ssl, 40 ms of a start

    request = Request(url, headers={"User-Agent": "photoclip"})
    try:
        with urlopen(request, timeout=timeout) as response:
            body = response.read(limit + 1)
    except urllib.error.HTTPError as exc:
        raise ModelUnavailableError(f"the server answered HTTP {exc.code}") from exc
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise ModelUnavailableError(f"no connection ({reason})") from exc
    if len(body) > limit:
        raise ModelUnavailableError(f"it is larger than {limit // (1 << 20)} MB")
    return body


def offline_settings() -> tuple[str, ...]:
    """The environment settings that keep photoclip from downloading ("PHOTOCLIP_OFFLINE=1"):
    what a person must unset to download, where connecting to the internet would not help.
    "0", "false", "no" and "off" are no offline mode, as Hugging Face's tools read them."""
    return tuple(f"{name}={value}" for name in ("PHOTOCLIP_OFFLINE", "HF_HUB_OFFLINE")
                 if (value := os.environ.get(name, "")).strip().lower() not in ("", "0", "false", "no", "off"))


def _refuse_offline() -> None:
    """Raise ModelUnavailableError, naming the settings, where photoclip is told to stay offline."""
    if settings := offline_settings():
        raise ModelUnavailableError(f"offline mode is on ({' and '.join(settings)})", offline=settings)


def fetch(
    urls: Sequence[str],
    dest: Path,
    progress: DownloadProgress | None = None,
    cancel: CancelFlag | None = None,
    timeout: float = 30.0,
    flaw: Callable[[Path], str | None] | None = None,
) -> Path:
    """Download the first of `urls` the server has into `dest`; raise ModelUnavailableError.
    `flaw` says what is wrong with a downloaded file, if anything, before it is kept: a server
    that gives no length and closes early leaves a file that looks whole."""
    _refuse_offline()
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    missing = []
    for url in urls:
        try:
            return _fetch_one(url, dest, progress, cancel, timeout, flaw)
        except NotOnServer:
            missing.append(url)
    raise ModelUnavailableError(f"the server has none of: {', '.join(missing)}")


def _fetch_one(
    url: str,
    dest: Path,
    progress: DownloadProgress | None,
    cancel: CancelFlag | None,
    timeout: float,
    flaw: Callable[[Path], str | None] | None,
) -> Path:
    from urllib.request import Request, urlopen

    part = dest.with_name(dest.name + ".part")
    host = urllib.parse.urlsplit(url).netloc
    log.info("downloading %s", url)
    done = 0
    try:
        request = Request(url, headers={"User-Agent": "photoclip"})
        with urlopen(request, timeout=timeout) as response, open(part, "wb") as out, _cut_on(cancel, response):
            length = response.headers.get("Content-Length")
            total = int(length) if length and length.isdigit() else None
            said = 0
            said_at = -_PROGRESS_EVERY_S  # the first data is said at once
            if progress:
                progress(0, total)
            while not _cancelled(cancel) and (chunk := response.read1(CHUNK)):
                out.write(chunk)
                done += len(chunk)
                if progress and (done - said >= CHUNK or time.monotonic() - said_at >= _PROGRESS_EVERY_S):
                    progress(done, total)
                    said, said_at = done, time.monotonic()
            if _cancelled(cancel):
                raise DownloadCancelled("model download cancelled")
            if progress and done != said:
                progress(done, total)
            if total is not None and done != total:
                raise ModelUnavailableError(f"download of {url} stopped early ({done} of {total} bytes)")
            out.flush()
            os.fsync(out.fileno())
        wrong = flaw(part) if flaw is not None else None
        if wrong is not None:
            raise ModelUnavailableError(f"download of {url} is not whole ({wrong}); try again")
    except urllib.error.HTTPError as exc:
        part.unlink(missing_ok=True)
        if exc.code in (401, 403, 404):
            raise NotOnServer(url) from exc
        raise ModelUnavailableError(f"the server refused {url} (HTTP {exc.code})") from exc
    except (urllib.error.URLError, OSError) as exc:
        part.unlink(missing_ok=True)
        if _cancelled(cancel):  # the connection was cut to stop a read that waited
            raise DownloadCancelled("model download cancelled") from exc
        reason = getattr(exc, "reason", exc)
        if isinstance(reason, TimeoutError) and done:
            raise ModelUnavailableError(
                f"the download from {host} stalled: no data for {timeout:g} s after {file_size(done)}") from exc
        if isinstance(reason, (socket.gaierror, ConnectionError, TimeoutError)):
            log.info("cannot reach %s: %s", url, reason)
            raise ModelUnavailableError(f"no connection to {host}") from exc
        raise ModelUnavailableError(f"no connection ({reason})") from exc
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    os.replace(part, dest)
    fsync_dir(dest.parent)
    return dest


def _cancelled(cancel: CancelFlag | None) -> bool:
    return cancel is not None and cancel.is_set()


@contextlib.contextmanager
def _cut_on(cancel: CancelFlag | None, response: Any) -> Iterator[None]:
    """While a download runs, cut its connection as soon as `cancel` is set: a read waits until
    data comes or the timeout passes (30 s of a stalled server), and Cancel must not wait that long."""
    if cancel is None:
        yield
        return
    finished = threading.Event()

    def watch() -> None:
        while not finished.wait(_CANCEL_POLL_S):
            if cancel.is_set():
                with contextlib.suppress(OSError, ValueError):
                    connection = socket.fromfd(response.fileno(), socket.AF_INET, socket.SOCK_STREAM)
                    connection.shutdown(socket.SHUT_RDWR)  # the copy's descriptor goes; the connection is cut
                    connection.close()
                return

    watcher = threading.Thread(target=watch, name="download-cancel", daemon=True)
    watcher.start()
    try:
        yield
    finally:
        finished.set()
        watcher.join()
