"""Walk a root and bring the catalog in line with what is on disk.

A root whose folder is missing (or is an empty mount point where photos used to be) is marked
offline and nothing of it is deleted. Files in folders that could not be read are left alone.
A file that vanished while a new one with the same bytes appeared was moved: it keeps its id.
"""

from __future__ import annotations

import fnmatch
import logging
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from photoclip.catalog import Catalog, FileState, Root
from photoclip.ids import PhotoId
from photoclip.imaging import IMAGE_SUFFIXES, file_hash, sniff_file

log = logging.getLogger(__name__)

SKIPPED_SUFFIXES = frozenset({
    ".mp4", ".mov", ".avi", ".mkv", ".m4v", ".3gp", ".mts", ".wmv", ".webm",
    ".txt", ".json", ".xml", ".xmp", ".aae", ".ini", ".db", ".thm", ".pdf", ".doc", ".docx",
    ".zip", ".rar", ".7z", ".gz", ".mp3", ".wav", ".m4a", ".aac", ".flac", ".html", ".htm",
    ".cr2", ".cr3", ".nef", ".arw", ".dng", ".orf", ".rw2", ".raf", ".psd", ".svg",
})


@dataclass(frozen=True)
class FileEntry:
    path: str
    size: int
    mtime_ns: int


@dataclass
class Walk:
    """What a walk saw: the photo candidates, and the folders it could not read."""

    files: list[FileEntry] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)
    entries_seen: int = 0


@dataclass(frozen=True)
class ScanResult:
    root: Root
    online: bool
    added: int = 0
    changed: int = 0
    moved: int = 0
    removed_vectors: tuple[PhotoId, ...] = ()
    removed: int = 0


def is_excluded(name: str, path: str, patterns: Sequence[str]) -> bool:
    return any(fnmatch.fnmatch(name, p) or fnmatch.fnmatch(path, p) for p in patterns)


def is_candidate(path: str) -> bool:
    """Photo by suffix, or by content when the suffix says nothing (e.g. 'IMG_0001')."""
    suffix = os.path.splitext(path)[1].lower()
    if suffix in IMAGE_SUFFIXES:
        return True
    if suffix in SKIPPED_SUFFIXES:
        return False
    return sniff_file(Path(path)) is not None


def walk(root: Path, exclude: Sequence[str] = ()) -> Walk:
    """Every candidate photo below `root`: hidden entries skipped, symlink loops not followed."""
    result = Walk()
    visited: set[tuple[int, int]] = set()
    stack = [str(root)]
    while stack:
        folder = stack.pop()
        try:
            st = os.stat(folder)
            key = (st.st_dev, st.st_ino)
            if key in visited:
                continue
            visited.add(key)
            with os.scandir(folder) as entries:
                listing = list(entries)
        except OSError as exc:
            log.warning("cannot read folder %s: %s", folder, exc)
            result.unreadable.append(folder)
            continue
        for entry in listing:
            result.entries_seen += 1
            if entry.name.startswith(".") or is_excluded(entry.name, entry.path, exclude):
                continue
            try:
                if entry.is_dir():
                    stack.append(entry.path)
                elif entry.is_file() and is_candidate(entry.path):
                    st = entry.stat()
                    result.files.append(FileEntry(entry.path, st.st_size, st.st_mtime_ns))
            except OSError as exc:
                log.warning("cannot read %s: %s", entry.path, exc)
    return result


def _under(path: str, folders: Sequence[str]) -> bool:
    return any(path == f or path.startswith(f.rstrip(os.sep) + os.sep) for f in folders)


def scan_root(catalog: Catalog, root: Root, exclude: Sequence[str] = ()) -> ScanResult:
    """Add new files as pending, mark changed ones, apply moves and real deletions."""
    known = catalog.file_states(root.id)
    if not root.path.is_dir():
        return _offline(catalog, root)
    seen = walk(root.path, exclude)
    if seen.entries_seen == 0 and known:
        log.warning("root %s is empty but had %d photos: treating it as an unmounted drive", root.path, len(known))
        return _offline(catalog, root)
    if not root.online:
        catalog.set_root_online(root.id, True)

    new: list[FileEntry] = []
    changed: list[tuple[PhotoId, int, int]] = []
    present: set[str] = set()
    for f in seen.files:
        present.add(f.path)
        state = known.get(f.path)
        if state is None:
            new.append(f)
        elif (state.size, state.mtime_ns) != (f.size, f.mtime_ns):
            changed.append((state.id, f.size, f.mtime_ns))
    gone = {
        path: state for path, state in known.items()
        if path not in present and not _under(path, seen.unreadable) and not os.path.exists(path)
    }
    new, moved = _apply_moves(catalog, root, new, gone)
    catalog.add_pending(root.id, ((f.path, f.size, f.mtime_ns) for f in new))
    catalog.mark_changed(changed)
    removed = catalog.delete_photos(state.id for state in gone.values())
    return ScanResult(
        root=root, online=True, added=len(new), changed=len(changed), moved=moved,
        removed_vectors=tuple(removed), removed=len(gone),
    )


def _offline(catalog: Catalog, root: Root) -> ScanResult:
    if root.online:
        catalog.set_root_online(root.id, False)
        log.info("root %s is offline; its photos stay in the library", root.path)
    return ScanResult(root=root, online=False)


def _apply_moves(
    catalog: Catalog, root: Root, new: list[FileEntry], gone: dict[str, FileState]
) -> tuple[list[FileEntry], int]:
    """Pair vanished photos with new files of the same size and bytes; pairs keep their id."""
    if not new or not gone:
        return new, 0
    by_size: dict[int, list[tuple[str, FileState]]] = {}
    for path, state in gone.items():
        by_size.setdefault(state.size, []).append((path, state))
    hashes = catalog.hashes([s.id for s in gone.values()])
    still_new = []
    moved = 0
    for f in new:
        candidates = by_size.get(f.size)
        match = None
        if candidates:
            try:
                digest = file_hash(Path(f.path))
            except OSError:
                digest = None
            for i, (path, state) in enumerate(candidates):
                if digest is not None and hashes.get(state.id) == digest:
                    match = candidates.pop(i)
                    break
        if match is None:
            still_new.append(f)
            continue
        old_path, state = match
        catalog.move_photo(state.id, root.id, f.path, f.size, f.mtime_ns)
        del gone[old_path]
        moved += 1
    return still_new, moved


def iter_roots_containing(roots: Sequence[Root], path: Path) -> Iterator[Root]:
    for root in roots:
        if path == root.path or root.path in path.parents:
            yield root
