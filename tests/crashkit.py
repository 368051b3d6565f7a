"""Kill -9 rounds against a library being indexed: the harness of tests/test_crash.py and
bench/crash_rounds.py.

Each round changes the photo folder (new, edited, renamed, deleted photos; sometimes while the
indexer runs), lets a child process open the library and run the worker over it, and kills
the child with SIGKILL at a random moment. The library is then checked read-only, exactly as
the next start would find it: catalog integrity, vector index == catalog embeddings, search,
and no embedding that was committed before is lost. A last round runs to the end and checks
that every file is indexed exactly once, in the catalog and in the saved index.

Children are forked from a zygote process that has already imported torch and open_clip (it
never runs a model itself, so forking it is safe): a round costs the indexing, not the imports.

    python tests/crashkit.py serve     # the zygote; speaks JSON lines on stdin/stdout
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

TINY_MODEL = "photoclip-tiny"


# the child: one indexing run


def run_child(library_dir: str, photos: str) -> None:
    """What a killed process was doing: open, add the folder once, watch and index until idle."""
    from photoclip.library import Library
    from photoclip.worker import Worker

    library = Library.open(library_dir, model=TINY_MODEL)
    if not library.roots():
        library.add_root(photos)
    worker = Worker(library, settle_s=0.2, poll_s=1.0)
    worker.start()
    worker.wait_idle(120)
    worker.stop()
    library.close()


def serve() -> None:
    """The zygote: import the heavy modules once, then fork one child per request."""
    import open_clip  # noqa: F401
    import torch  # noqa: F401

    import photoclip.worker  # noqa: F401

    print("ready", flush=True)
    for line in sys.stdin:
        job = json.loads(line)
        pid = os.fork()
        if pid == 0:
            code = 0
            try:
                run_child(job["library"], job["photos"])
            except BaseException as exc:  # the parent reads the exit code, and the message on stderr
                print(f"child failed: {exc!r}", file=sys.stderr, flush=True)
                code = 1
            os._exit(code)
        print(json.dumps({"pid": pid}), flush=True)
        _, status = os.waitpid(pid, 0)
        print(json.dumps({"status": status}), flush=True)


class Zygote:
    """The parent's handle on the zygote process."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), "serve"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1,
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline().strip()
        if line != "ready":
            raise RuntimeError(f"crash zygote did not start: {line!r}")

    def run(self, library: Path, photos: Path, kill_after: float | None) -> tuple[int, float]:
        """Run one child; SIGKILL it after `kill_after` seconds (None: let it finish).
        Returns (wait status, seconds it ran)."""
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(json.dumps({"library": str(library), "photos": str(photos)}) + "\n")
        started = time.monotonic()
        pid = json.loads(self.process.stdout.readline())["pid"]
        if kill_after is not None:
            time.sleep(kill_after)
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        status = json.loads(self.process.stdout.readline())["status"]
        return status, time.monotonic() - started

    def close(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


# the photo folder, and what the parent knows of it


def write_photo(path: Path, seed: int) -> None:
    """A distinct small JPEG (tests/helpers.write_photo, without importing the tests package)."""
    from PIL import Image

    rng = np.random.default_rng(seed)
    blocks = rng.integers(0, 256, (4, 4, 3), dtype=np.uint8)
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(blocks).resize((160, 120), Image.NEAREST).save(path, "JPEG")


@dataclass
class Folder:
    """The photos on disk; every file's content is unique (a fresh seed each write)."""

    root: Path
    rng: random.Random
    next_seed: int = 1000
    files: set[Path] = field(default_factory=set)

    def add(self, count: int) -> None:
        for _ in range(count):
            sub = self.rng.choice(["", "a", "b", "a/deep"])
            path = self.root / sub / f"img-{self.next_seed}.jpg"
            write_photo(path, self.next_seed)
            self.next_seed += 1
            self.files.add(path)

    def mutate(self) -> None:
        """A mix of everything users do: new photos, an edit, a rename, a deletion, a folder move."""
        self.add(self.rng.randint(6, 16))
        pick = sorted(self.files)
        if len(pick) > 8:
            edited = self.rng.choice(pick)
            write_photo(edited, self.next_seed)
            self.next_seed += 1
            gone = self.rng.choice([p for p in pick if p != edited])
            gone.unlink()
            self.files.discard(gone)
            moved = self.rng.choice(sorted(self.files))
            target = moved.with_name(f"renamed-{self.next_seed}.jpg")
            self.next_seed += 1
            moved.rename(target)
            self.files.discard(moved)
            self.files.add(target)
        if self.rng.random() < 0.3:
            self.move_folder()

    def move_folder(self) -> None:
        names = ("a", "b", "c", "d", "e")
        present = [n for n in names if (self.root / n).is_dir()]
        free = [n for n in names if not (self.root / n).exists()]
        if not present or not free:
            return
        src, dest = self.root / self.rng.choice(present), self.root / self.rng.choice(free)
        shutil.move(str(src), str(dest))
        self.files = {dest / p.relative_to(src) if src in p.parents else p for p in self.files}


# checks


@dataclass
class Checker:
    """Opens the library read-only after each kill, the way the next start finds it."""

    library_dir: Path
    embedded: dict[int, str] = field(default_factory=dict)  # photo id -> content hash, as last seen
    state: str = ""  # what the kill left: "<indexed>/<in catalog>", for the log
    indexed: int = 0

    def after_kill(self, folder: Folder) -> list[str]:
        """What is wrong with the library right after a kill (empty: nothing)."""
        from photoclip.imaging import file_hash
        from photoclip.library import Library

        problems: list[str] = []
        if not (self.library_dir / "catalog.sqlite").exists():
            return problems  # killed before the library existed
        try:
            library = Library.open(self.library_dir, model=TINY_MODEL, read_only=True)
        except Exception as exc:
            return [f"cannot open: {exc!r}"]
        try:
            catalog = library.catalog
            if not catalog.integrity_ok():
                problems.append("catalog integrity check failed")
            model_id = library.model_spec.model_id
            stored = set(catalog.embedding_ids(model_id).tolist())
            vectors = library.vectors()
            ids = vectors.ids().tolist()
            if len(ids) != len(set(ids)) or len(vectors) != len(ids):
                problems.append("vector index holds duplicates")
            if set(ids) != stored:
                extra, missing = len(set(ids) - stored), len(stored - set(ids))
                problems.append(f"vector index != catalog ({extra} extra, {missing} missing)")
            library.search("a photo", limit=5)
            on_disk = {file_hash(p) for p in folder.files}
            lost = [pid for pid, digest in self.embedded.items() if digest in on_disk and pid not in stored]
            if lost:
                problems.append(f"{len(lost)} committed embeddings lost")
            hashes = catalog.hashes(stored)
            self.embedded = {pid: hashes[pid] for pid in stored if pid in hashes}
            counts = catalog.counts(model_id)
            self.indexed = counts.indexed
            self.state = f"{counts.indexed}/{counts.total} indexed, {len(folder.files)} files"
        except Exception as exc:
            problems.append(f"check failed: {exc!r}")
        finally:
            library.close()
        return problems

    def after_finish(self, folder: Folder) -> list[str]:
        """After a run to the end: every file indexed exactly once, and the saved index agrees."""
        from photoclip.library import INDEX_DIR, Library
        from photoclip.vectors import VectorIndex

        problems = self.after_kill(folder)
        library = Library.open(self.library_dir, model=TINY_MODEL, read_only=True)
        try:
            catalog = library.catalog
            model_id = library.model_spec.model_id
            paths = {p.path for p in catalog.photos(catalog.photos_by_date(limit=1_000_000)).values()}
            counts = catalog.counts(model_id)
            self.indexed = counts.indexed
            if paths != folder.files:
                extra, missing = len(paths - folder.files), len(folder.files - paths)
                problems.append(f"catalog != files ({extra} extra, {missing} missing)")
            if (counts.total, counts.indexed) != (len(folder.files), len(folder.files)):
                problems.append(f"not all indexed: {counts}")
            stored = catalog.embedding_ids(model_id)
            loaded = VectorIndex.load(self.library_dir / INDEX_DIR, library.encoder().dim, model_id)
            if loaded is None:
                problems.append("no saved vector index after a clean stop")
            else:
                index, generation = loaded
                if generation != catalog.generation():
                    problems.append("saved index is behind the catalog after a clean stop")
                saved = index.ids().tolist()
                if sorted(saved) != sorted(stored.tolist()):
                    problems.append("saved index ids != catalog embedding ids")
        finally:
            library.close()
        return problems


@dataclass(frozen=True)
class RoundsResult:
    rounds: int
    damaged: int
    problems: list[str]
    seconds: float


def run_rounds(
    workdir: Path, rounds: int, seed: int = 0, log: Callable[[str], None] = lambda _: None
) -> RoundsResult:
    """`rounds` kills at random moments, then a run to the end; counts the damaged rounds."""
    started = time.monotonic()
    rng = random.Random(seed)
    folder = Folder(workdir / "photos", rng)
    folder.add(24)
    library_dir = workdir / "library"
    checker = Checker(library_dir)
    zygote = Zygote()
    problems: list[str] = []
    damaged = 0
    try:
        # Two runs to the end time a child: its fixed cost (open, load the model, scan, save)
        # and its cost per photo. Each kill then falls anywhere in the run it interrupts, from
        # the open to the final save, however much work is left over from earlier kills.
        seconds = _finish(zygote, library_dir, folder)
        overhead = _finish(zygote, library_dir, folder)
        per_photo = max(0.001, (seconds - overhead) / len(folder.files))
        checker.after_kill(folder)
        for number in range(rounds):
            folder.mutate()
            before = checker.indexed
            kill_after = rng.uniform(0.0, 1.2 * (overhead + per_photo * (len(folder.files) - checker.indexed)))
            if rng.random() < 0.3:
                # change files while the child runs, so kills also land in watch-event work
                _run_with_changes(zygote, library_dir, folder, kill_after, rng)
            else:
                zygote.run(library_dir, folder.root, kill_after)
            found = checker.after_kill(folder)
            done = checker.indexed - before
            if done > 4 and kill_after > overhead:  # learn the real pace (the machine is shared)
                per_photo = (per_photo + (kill_after - overhead) / done) / 2
            log(f"round {number + 1}: killed after {kill_after:.2f}s ({checker.state}): {'; '.join(found) or 'ok'}")
            if found:
                damaged += 1
                problems += [f"round {number + 1}: {p}" for p in found]
        status, _ = zygote.run(library_dir, folder.root, None)
        if status != 0:
            problems.append(f"final run failed (status {status})")
        final = checker.after_finish(folder)
        log(f"final run: {'; '.join(final) or 'ok'}")
        if final:
            damaged += 1
            problems += [f"final: {p}" for p in final]
    finally:
        zygote.close()
    return RoundsResult(rounds=rounds, damaged=damaged, problems=problems, seconds=time.monotonic() - started)


def _finish(zygote: Zygote, library_dir: Path, folder: Folder) -> float:
    status, seconds = zygote.run(library_dir, folder.root, None)
    if status != 0:
        raise RuntimeError(f"an indexing run failed (status {status})")
    return seconds


def _run_with_changes(
    zygote: Zygote, library_dir: Path, folder: Folder, kill_after: float, rng: random.Random
) -> None:
    """Start the child, change files a little later, then kill it."""
    import threading

    def change() -> None:
        time.sleep(rng.uniform(0.0, kill_after))
        folder.add(2)
        folder.move_folder()

    thread = threading.Thread(target=change)
    thread.start()
    zygote.run(library_dir, folder.root, kill_after)
    thread.join()


if __name__ == "__main__" and sys.argv[1:] == ["serve"]:
    serve()
