"""Where things live and what the user chose: paths (platformdirs), settings, env overrides."""

from __future__ import annotations

import dataclasses
import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

from photoclip.errors import LibraryError
from photoclip.fsutil import atomic_write_bytes

log = logging.getLogger(__name__)

APP_NAME = "photoclip"
DEFAULT_MODEL = "ViT-B-32-256:datacomp_s34b_b86k"
DEMO_MODEL = "photoclip-tiny"
"""Shipped with photoclip: knows only simple shapes and colours, but lets a machine that cannot
download the default model index and browse (dates, places, albums, duplicates) meanwhile."""
SETTINGS_FILE = "settings.json"


def default_library_dir() -> Path:
    """The per-user library, unless PHOTOCLIP_LIBRARY points elsewhere."""
    override = os.environ.get("PHOTOCLIP_LIBRARY")
    if override:
        return Path(override).expanduser()
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def model_cache_dir() -> Path:
    """Downloaded weights; shared by every library of this user."""
    override = os.environ.get("PHOTOCLIP_CACHE_DIR")
    if override:
        return Path(override).expanduser()
    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False)) / "models"


def resources_dir() -> Path:
    """Shipped data: inside the installed package, or the repository's resources/."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "resources", here.parent / "resources"):
        if candidate.is_dir():
            return candidate
    raise LibraryError("photoclip's resources folder is missing; reinstall photoclip")


@dataclass(frozen=True)
class Settings:
    """A library's choices, stored beside its catalog so a portable library carries them."""

    model: str = DEFAULT_MODEL
    model_file: str | None = None
    device: str = "auto"
    cpu_threads: int = 0
    exclude_patterns: tuple[str, ...] = field(default_factory=tuple)
    vocabulary: str | None = None  # a tag vocabulary file instead of the shipped one

    def with_env(self) -> Settings:
        """Environment variables win over the file, for one-off runs and tests."""
        changes: dict[str, object] = {}
        if os.environ.get("PHOTOCLIP_MODEL"):
            changes["model"] = os.environ["PHOTOCLIP_MODEL"]
        if os.environ.get("PHOTOCLIP_MODEL_FILE"):
            changes["model_file"] = os.environ["PHOTOCLIP_MODEL_FILE"]
        if os.environ.get("PHOTOCLIP_DEVICE"):
            changes["device"] = os.environ["PHOTOCLIP_DEVICE"]
        return dataclasses.replace(self, **changes) if changes else self


def load_settings(library_dir: Path) -> Settings:
    """Read settings; a missing file means defaults, a broken one is reported and replaced."""
    path = Path(library_dir) / SETTINGS_FILE
    if not path.exists():
        return Settings()
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        known = {f.name for f in dataclasses.fields(Settings)}
        values = {k: v for k, v in raw.items() if k in known}
        if "exclude_patterns" in values:
            values["exclude_patterns"] = tuple(values["exclude_patterns"])
        return Settings(**values)
    except (ValueError, TypeError, AttributeError) as exc:
        log.warning("ignoring unreadable settings file %s: %s", path, exc)
        return Settings()


def save_settings(library_dir: Path, settings: Settings) -> None:
    """Write settings atomically."""
    data = dataclasses.asdict(settings)
    data["exclude_patterns"] = list(settings.exclude_patterns)
    atomic_write_bytes(Path(library_dir) / SETTINGS_FILE, json.dumps(data, indent=2).encode())
