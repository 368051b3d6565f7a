"""Where things live and what the user chose: paths (platformdirs), settings, env overrides."""

from __future__ import annotations

import dataclasses
import glob
import json
import logging
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

from photoclip.errors import LibraryError, ModelError
from photoclip.fsutil import atomic_write_bytes, expanded

log = logging.getLogger(__name__)

APP_NAME = "photoclip"
DEFAULT_MODEL = "ViT-B-32-256:datacomp_s34b_b86k"
DEMO_MODEL = "photoclip-tiny"
"""Shipped with photoclip: knows only simple shapes and colours, but lets a machine that cannot
download the default model index and browse (dates, places, albums, duplicates) meanwhile."""
SETTINGS_FILE = "settings.json"
DEVICE_NAMES = r"auto|cpu|mps|cuda(:\d+)?"  # any case
WEIGHT_SUFFIXES = (".safetensors", ".pt", ".pth", ".bin", ".ckpt")  # the names a weights file goes by


def default_library_dir() -> Path:
    """The per-user library, unless PHOTOCLIP_LIBRARY points elsewhere."""
    override = os.environ.get("PHOTOCLIP_LIBRARY")
    if override:
        return expanded(override)
    return user_library_dir()


def user_library_dir() -> Path:
    """Where the platform keeps this user's application data (~/.local/share/photoclip on Linux)."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def model_cache_dir() -> Path:
    """Downloaded weights; shared by every library of this user."""
    override = os.environ.get("PHOTOCLIP_CACHE_DIR")
    if override:
        return expanded(override)
    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False)) / "models"


def style_cache_dir() -> Path:
    """Files the app's style sheet points at (it cannot take images from memory); beside the
    models when PHOTOCLIP_CACHE_DIR moves them (a cache home that may not be written)."""
    override = os.environ.get("PHOTOCLIP_CACHE_DIR")
    if override:
        return expanded(override) / "style"
    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False)) / "style"


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
        """Environment variables win over the file, for one-off runs and tests; a device no machine
        has is named in the error, since nothing on the command line says where it came from."""
        changes: dict[str, object] = {}
        if os.environ.get("PHOTOCLIP_MODEL"):
            changes["model"] = os.environ["PHOTOCLIP_MODEL"]
        if os.environ.get("PHOTOCLIP_MODEL_FILE"):
            changes["model_file"] = os.environ["PHOTOCLIP_MODEL_FILE"]
        if os.environ.get("PHOTOCLIP_DEVICE"):
            changes["device"] = os.environ["PHOTOCLIP_DEVICE"]
            if not re.fullmatch(DEVICE_NAMES, os.environ["PHOTOCLIP_DEVICE"].strip().lower()):
                raise ModelError(f"PHOTOCLIP_DEVICE={os.environ['PHOTOCLIP_DEVICE']!r} is no device; set it to auto, "
                                 "cpu, cuda or mps, or unset it")
        return dataclasses.replace(self, **changes) if changes else self


_KINDS: dict[str, tuple[type, ...]] = {
    "model": (str,), "model_file": (str, type(None)), "device": (str,), "cpu_threads": (int,),
    "exclude_patterns": (list,), "vocabulary": (str, type(None)),
}


def load_settings(library_dir: Path, otherwise: Settings | None = None) -> Settings:
    """Read settings; a missing file means defaults. A damaged file, or a value of the wrong
    kind, is reported and falls back to the default, so the library still opens; a damaged file
    to `otherwise` where given (the model the library was used with)."""
    path = Path(library_dir) / SETTINGS_FILE
    if not path.exists():
        return Settings()
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raw = exc
    if not isinstance(raw, dict):
        fallback = otherwise or Settings()
        log.warning("the settings file %s is damaged (%s); using model %s and the default settings until they "
                    "are saved again", path, raw if isinstance(raw, Exception) else "not a JSON object", fallback.model)
        return fallback
    values: dict[str, object] = {}
    for name, kinds in _KINDS.items():
        if name not in raw:
            continue
        value = raw[name]
        fits = isinstance(value, kinds) and not isinstance(value, bool)
        if fits and name == "exclude_patterns":
            fits = all(isinstance(pattern, str) for pattern in value)
            value = tuple(dict.fromkeys(normal_pattern(pattern) for pattern in value)) if fits else value
        if fits and name == "device":
            fits = re.fullmatch(DEVICE_NAMES, value.strip().lower()) is not None
        if fits and name == "cpu_threads":
            fits = value >= 0
            cores = os.cpu_count() or 1
            if value > cores:  # more threads than cores only slows; a huge number cannot even start
                log.warning("the settings file %s asks for %d CPU threads; this machine has %d, so %d are used",
                            path, value, cores, cores)
                value = cores
        if fits:
            values[name] = value
        else:
            log.warning("the settings file %s holds %s = %r, which is not a valid value; using the default", path, name,
                        raw[name])
    return Settings(**values)


def save_settings(library_dir: Path, settings: Settings) -> None:
    """Write settings atomically. Keys this photoclip does not know (a newer one wrote them)
    are kept as they were."""
    path = Path(library_dir) / SETTINGS_FILE
    try:
        kept = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        kept = {}
    data = {key: value for key, value in kept.items() if key not in _KINDS} if isinstance(kept, dict) else {}
    data.update(dataclasses.asdict(settings))
    data["exclude_patterns"] = list(settings.exclude_patterns)
    atomic_write_bytes(path, json.dumps(data, indent=2).encode())


_ESCAPED = re.compile(r"\[([*?[])\]")


def folder_pattern(folder: str | Path) -> str:
    """The leave-out pattern of one folder: its path glob-escaped, so "[2019] Trip" is that
    folder and not a pattern."""
    return glob.escape(str(folder))


def shown_pattern(pattern: str) -> str:
    """How a leave-out pattern reads to a person: a folder's (folder_pattern) as its plain
    path; any other pattern as written."""
    plain = _ESCAPED.sub(r"\1", pattern)
    return plain if folder_pattern(plain) == pattern else pattern


def pattern_from_line(line: str) -> str:
    """The leave-out pattern for a line a person typed (normal_pattern): the path of a folder that
    exists is that folder (folder_pattern); anything else is a pattern."""
    line = normal_pattern(line)
    return folder_pattern(line) if os.path.isabs(line) and os.path.isdir(line) else line


def normal_pattern(pattern: str) -> str:
    """A leave-out pattern as the scan can match it: "~/code" in the home folder, and "Games/" or
    "/home/me/Games/" without the slash. A scan matches names and paths, which never end in a slash,
    so a pattern written that way left nothing out, and said nothing."""
    if pattern == "~" or pattern.startswith(("~/", "~" + os.sep)):
        pattern = os.path.expanduser(pattern)
    return pattern.rstrip("/\\") or pattern
