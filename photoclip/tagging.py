"""Zero-shot tags: a vocabulary of labels, each described to the model by a few prompts
(a prompt ensemble), scored against photo vectors; album tags from what an album's
photos share.

A photo gets the labels that win a softmax over the whole vocabulary plus a "none of
these" class, so a label must beat both its rivals and a plain description of any photo:
a photo of a receipt is not called "beach" because beach was the least bad label."""

from __future__ import annotations

import hashlib
import logging
import os
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from photoclip.config import resources_dir
from photoclip.errors import QueryError
from photoclip.fsutil import PHOTOS_LIBRARY_SUFFIX, atomic_write_with, expanded

log = logging.getLogger(__name__)

DEFAULT_VOCABULARY = "everyday.txt"
MIN_SCORE = 0.15  # a label's share of the softmax for it to be given
MAX_TAGS = 5  # per photo
MAX_SCALE = 100.0  # CLIP's logit scale is clamped there in training
ALBUM_MIN_PHOTOS = 3
ALBUM_SHARE = 1 / 3  # an album tag is carried by at least this share of the album's photos
ALBUM_TAGS = 5
MAX_TAG_LENGTH = 60
MAX_LABELS = 2000  # embedding a vocabulary's prompts costs about 25 ms each on a CPU, once per model


@dataclass(frozen=True)
class Label:
    name: str
    prompts: tuple[str, ...]


@dataclass(frozen=True)
class Vocabulary:
    """The labels auto-tagging may give, and how each is described to the model."""

    labels: tuple[Label, ...]
    none_prompts: tuple[str, ...] = ()
    source: str = ""
    own: int = 0  # the last this many labels are the user's own tags (score_photos)

    @property
    def digest(self) -> str:
        """Changes whenever any label or prompt does, or which are the user's (scored their own
        way): stored tags made with another are redone."""
        text = "\n".join([*(f"{lb.name}={'|'.join(lb.prompts)}" for lb in self.labels), *self.none_prompts,
                          *([f"@own {self.own}"] if self.own else [])])
        return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()

    def names(self) -> list[str]:
        return [label.name for label in self.labels]

    def with_labels(self, extra: Iterable[Label]) -> Vocabulary:
        """This vocabulary plus the user's own tags (which win over a label of the same name)."""
        extra = list(extra)
        own = {label.name for label in extra}
        labels = tuple(label for label in self.labels if label.name not in own) + tuple(extra)
        return Vocabulary(labels, self.none_prompts, self.source, len(extra))


_JOINERS = frozenset("\u200c\u200d\ufe0e\ufe0f")  # in Persian words and joined emoji: part of the name


def normalize_tag(name: str) -> str:
    """One spelling per tag, what it is known by: spelt_tag in lower case ("Lisbon" and "lisbon"
    are one tag, and "İstanbul" and "istanbul": the dot "İ" keeps in lower case goes). Raises
    QueryError when unusable."""
    return spelt_tag(name).lower().replace(_DOTTED_I, "i")


_DOTTED_I = "i\u0307"  # "İ".lower()


def spelt_tag(name: str) -> str:
    """A tag as it is shown, in the case it was written: trimmed, single spaces, composed Unicode
    (macOS decomposes "é"). Raises QueryError when unusable."""
    tag = unicodedata.normalize("NFC", " ".join(str(name).split()))
    if not tag:
        raise QueryError("a tag needs a name, e.g. \"lake house\"")
    if len(tag) > MAX_TAG_LENGTH:
        raise QueryError(f"a tag name can be at most {MAX_TAG_LENGTH} characters long (got {len(tag)})")
    if any(not ch.isprintable() and ch not in _JOINERS for ch in tag):
        raise QueryError(f"a tag name cannot hold control characters: {tag!r}")
    return tag


DEFAULT_TEMPLATE = "a photo of {}."  # CLIP's usual prompt
DEFAULT_NONE = ("a photo.",)  # what a photo that shows none of a plain list's labels is


def default_prompt(tag: str) -> str:
    """How a tag the user defines without describing it is described to the model."""
    return DEFAULT_TEMPLATE.format(tag)


def parse_vocabulary(text: str, source: str = "vocabulary") -> Vocabulary:
    """Read the vocabulary format (see resources/vocabularies/everyday.txt). A mistake is
    reported with its line, since a user may write one of these by hand.

    A label without prompts of its own, in a file without @prompt lines, is described as a
    tag defined without a prompt is: "a photo of {label}."; a file of nothing but labels, one
    a line (no @ lines, no prompts), also gets the plain "a photo." class a label must beat,
    as the shipped vocabulary has, so that a photo of none of them gets no tag rather than
    the least bad one."""
    templates: list[str] = []
    none_prompts: list[str] = []
    entries: list[tuple[str, tuple[str, ...]]] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        where = f"{source}, line {number}"
        if line.startswith("@"):
            directive, _, value = line.partition(" ")
            value = value.strip()
            if directive == "@prompt":
                if value.count("{}") != 1:
                    raise QueryError(f"{where}: a @prompt needs one {{}} where the tag goes, e.g. \"a photo of {{}}.\"")
                templates.append(value)
            elif directive == "@none":
                if value:
                    none_prompts.append(value)
            else:
                raise QueryError(f"{where}: unknown directive {directive}; use @prompt or @none")
            continue
        name, eq, prompts = line.partition("=")
        try:
            tag = normalize_tag(name)
        except QueryError as exc:
            raise QueryError(f"{where}: {exc}") from None
        own = tuple(p.strip() for p in prompts.split("|") if p.strip()) if eq else ()
        if eq and not own:
            raise QueryError(f"{where}: nothing after '=' for {tag}; write prompts like \"{tag} = a photo of {tag}\"")
        entries.append((tag, own))
    if not templates and not none_prompts and not any(own for _, own in entries):
        none_prompts = list(DEFAULT_NONE)  # a plain list of labels
    templates = templates or [DEFAULT_TEMPLATE]
    labels: dict[str, Label] = {}
    for tag, own in entries:
        labels[tag] = Label(tag, own or tuple(t.format(tag) for t in templates))
    if not labels:
        raise QueryError(f"{source} holds no tags; write one tag per line")
    if len(labels) > MAX_LABELS:
        raise QueryError(f"{source} holds {len(labels)} tags, more than the {MAX_LABELS} photoclip can use; "
                         "keep the ones you want to see")
    return Vocabulary(tuple(labels.values()), tuple(none_prompts), source)


def load_vocabulary(path: Path | str | None = None) -> Vocabulary:
    """The user's vocabulary file, or the one photoclip ships."""
    path = expanded(path) if path else resources_dir() / "vocabularies" / DEFAULT_VOCABULARY
    try:
        text = path.read_text(encoding="utf-8-sig")  # Notepad starts UTF-8 files with a BOM
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "it is not UTF-8 text"
        raise QueryError(f"cannot read the tag vocabulary {path}: {reason}; "
                         "give a UTF-8 text file with one tag per line") from None
    return parse_vocabulary(text, str(path))


@dataclass(frozen=True)
class LabelSpace:
    """A vocabulary embedded by one model: one unit vector per label (its prompts averaged,
    the usual CLIP prompt ensemble), the "none" class last when there is one."""

    names: tuple[str, ...]
    matrix: np.ndarray
    has_none: bool
    scale: float


def embed_vocabulary(
    vocabulary: Vocabulary, encode_texts: Callable[[list[str]], np.ndarray], scale: float
) -> LabelSpace:
    groups = [label.prompts for label in vocabulary.labels]
    if vocabulary.none_prompts:
        groups.append(vocabulary.none_prompts)
    flat = [prompt for group in groups for prompt in group]
    vectors = np.concatenate([encode_texts(flat[i:i + 256]) for i in range(0, len(flat), 256)])
    rows, start = [], 0
    for group in groups:
        mean = vectors[start:start + len(group)].mean(axis=0)
        rows.append(mean / max(float(np.linalg.norm(mean)), 1e-12))
        start += len(group)
    return LabelSpace(
        names=tuple(vocabulary.names()),
        matrix=np.stack(rows).astype(np.float32),
        has_none=bool(vocabulary.none_prompts),
        scale=min(float(scale), MAX_SCALE),
    )


def score_photos(
    space: LabelSpace, vectors: np.ndarray, min_score: float = MIN_SCORE, max_tags: int = MAX_TAGS, own: int = 0
) -> list[list[tuple[str, float]]]:
    """For each photo vector, its labels (name, softmax share), best first. The last `own`
    labels are tags the user defined: one is also given where it is the label nearest the
    photo and beats the "none" class (and the user's other tags), its share taken of those
    alone. A whole vocabulary of rivals, some of them its own words ("car" for "our red car"),
    would otherwise split its share below min_score, as with a model of a low logit scale (the
    demo model's: 25) every label's is; a tag the user asked for must not fade so."""
    if not len(vectors):
        return []
    similarities = np.asarray(vectors, dtype=np.float32) @ space.matrix.T
    shares = _softmax(space.scale * similarities)
    labels = len(space.names)
    own = min(own, labels) if space.has_none else 0
    if own:
        theirs = _softmax(space.scale * similarities[:, labels - own:])[:, :-1]
        nearest = similarities[:, :labels].argmax(axis=1)[:, None] == np.arange(labels - own, labels)
        shares[:, labels - own:labels] = np.where(nearest, np.maximum(theirs, shares[:, labels - own:labels]),
                                                  shares[:, labels - own:labels])
    shares = shares[:, :labels]
    take = min(max_tags, labels)
    best = np.argsort(-shares, axis=1)[:, :take]
    out = []
    for row, columns in enumerate(best):
        out.append([(space.names[c], round(float(shares[row, c]), 4)) for c in columns if shares[row, c] >= min_score])
    return out


def _softmax(logits: np.ndarray) -> np.ndarray:
    exp = np.exp(logits - logits.max(axis=1, keepdims=True))
    return exp / exp.sum(axis=1, keepdims=True)


@dataclass(frozen=True)
class PhotoTag:
    """A tag on one photo. source: 'auto' (score: its share of the softmax), 'user', or
    'rejected' (the user took it away; it stays away)."""

    name: str
    source: str
    score: float


@dataclass(frozen=True)
class Album:
    """A folder of photos and the tags most of it shares (share of its photos, best first)."""

    folder: Path
    photos: int
    tags: tuple[tuple[str, float], ...] = field(default_factory=tuple)


def album_tags(
    sizes: dict[str, int], tag_counts: Iterable[tuple[str, str, int]],
    min_photos: int = ALBUM_MIN_PHOTOS, share: float = ALBUM_SHARE, limit: int = ALBUM_TAGS,
) -> list[Album]:
    """Albums are the folders that hold photos directly. `sizes`: how many photos each folder
    holds; `tag_counts`: (folder, tag, how many of its photos carry it). Folders with fewer
    than `min_photos` are left out, as are those inside a macOS Photos library (outside_photos_library).
    A tag of one photo is no album's, however small the album."""
    counts: dict[str, Counter] = defaultdict(Counter)
    for folder, tag, count in tag_counts:
        counts[folder][tag] += count
    albums = []
    for folder, size in sizes.items():
        if size < min_photos or outside_photos_library(folder) != folder:
            continue
        shared = [(tag, round(n / size, 3)) for tag, n in counts[folder].most_common() if n / size >= share and n > 1]
        albums.append(Album(Path(folder), size, tuple(shared[:limit])))
    albums.sort(key=lambda album: str(album.folder))
    return albums


def outside_photos_library(folder: str) -> str:
    """`folder`, or the folder that holds the macOS Photos library it is in. Photos files its
    originals in buckets by their name's first character ("originals/0" … "originals/F"; by date
    in "Masters" before): no album the user made, nor is the library's own folder one."""
    parts = folder.split(os.sep)
    inside = next((i for i, part in enumerate(parts) if part.casefold().endswith(PHOTOS_LIBRARY_SUFFIX)), None)
    return folder if inside is None else os.sep.join(parts[:inside]) or os.sep


_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


def space_cache_name(model_id: str, vocabulary: Vocabulary) -> str:
    """A file name for a vocabulary embedded by a model: embedding prompts takes seconds on
    a CPU, so a library keeps it between runs."""
    model = hashlib.blake2b(model_id.encode(), digest_size=6).hexdigest()
    return f"labels-{_SAFE.sub('_', model_id)[:40]}-{model}-{vocabulary.digest}.npz"


def save_space(path: Path, space: LabelSpace) -> None:
    def write(tmp: Path) -> None:
        with open(tmp, "wb") as fh:
            np.savez(fh, names=np.array(space.names), matrix=space.matrix,
                     has_none=np.array(space.has_none), scale=np.array(space.scale))

    atomic_write_with(path, write)


def load_space(path: Path) -> LabelSpace | None:
    """A cached label space, or None when it is missing or unreadable (it is then made again)."""
    try:
        with np.load(path, allow_pickle=False) as data:
            return LabelSpace(tuple(str(n) for n in data["names"]), data["matrix"].astype(np.float32),
                              bool(data["has_none"]), float(data["scale"]))
    except (OSError, ValueError, KeyError) as exc:
        if not isinstance(exc, FileNotFoundError):
            log.warning("label cache %s is unreadable (%s); embedding the vocabulary again", path, exc)
        return None
