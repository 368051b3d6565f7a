"""Typed errors the engine raises; the CLI and GUI turn them into one-line messages."""

from __future__ import annotations

from pathlib import Path


class PhotoclipError(Exception):
    """Base of every error photoclip means a person to read."""


class ImageDecodeError(PhotoclipError):
    """A file could not be read as a photo; the message is the reason shown to the user."""


class ModelError(PhotoclipError):
    """A model could not be found, downloaded or loaded."""


class ModelUnavailableError(ModelError):
    """Weights are not on disk and could not be downloaded (offline, or the server said no).

    The message is whole (for the CLI); `model` and `reason`, when set, let a window say it
    in its own words; `offline` are the settings that kept it from downloading ("PHOTOCLIP_OFFLINE=1")."""

    def __init__(self, message: str, model: str | None = None, reason: str | None = None,
                 offline: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.model = model
        self.reason = reason
        self.offline = offline

    @property
    def offline_names(self) -> str:
        """The names of the settings that kept it from downloading: "PHOTOCLIP_OFFLINE and HF_HUB_OFFLINE"."""
        return " and ".join(setting.split("=")[0] for setting in self.offline)


class DownloadCancelled(ModelError):
    """The user cancelled a model download."""


class LibraryError(PhotoclipError):
    """The library folder is unusable (missing, corrupt beyond repair, or a bad argument)."""


class LibraryFullError(LibraryError):
    """The disk that holds the library has no room for what photoclip must write."""

    def __init__(self, folder: Path, then: str = "try again") -> None:
        super().__init__(
            f"the disk that holds the library ({folder}) is full; free some space there and {then} (nothing is lost)")
        self.folder = folder


class LibraryLockedError(LibraryError):
    """Another photoclip process is writing this library."""


class CatalogOutdatedError(LibraryError):
    """The catalog is an older photoclip's, and this process may not update it: another holds the library."""


class LibraryNotWritableError(LibraryLockedError):
    """The library's folder cannot be written (a read-only drive or backup): it opens read-only."""


class QueryError(PhotoclipError):
    """A search query could not be understood."""
