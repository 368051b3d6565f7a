"""CLIP's byte-pair tokenizer, as open_clip's SimpleTokenizer tokenizes, without torch.

open_clip's tokenizer module imports torch, 2-3 s that a text search from a fresh process
does not otherwise need (its text tower runs in numpy, see text_tower). The vocabulary is
open_clip's own file, found without importing open_clip.
"""

from __future__ import annotations

import functools
import gzip
import html
import importlib.util
import itertools
import string
from collections.abc import Callable
from pathlib import Path

import numpy as np
import regex

from photoclip.errors import ModelError

MERGES = 49152 - 256 - 2
START, END = "<start_of_text>", "<end_of_text>"
_WORDS = regex.compile(
    START + "|" + END + r"""|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+""", regex.IGNORECASE
)
_PUNCTUATION = str.maketrans("", "", string.punctuation)


def _basic(text: str) -> str:
    """open_clip's basic_clean. ftfy leaves printable ASCII without entities as it is, and takes
    80 ms to import: most queries never need it."""
    if not (text.isascii() and text.isprintable() and "&" not in text):
        import ftfy

        text = ftfy.fix_text(text)
    return html.unescape(html.unescape(text)).strip()


def _lower(text: str) -> str:
    return " ".join(_basic(text).split()).lower()


def _whitespace(text: str) -> str:
    return " ".join(_basic(text).split())


def _canonicalize(text: str) -> str:
    return " ".join(_basic(text).replace("_", " ").translate(_PUNCTUATION).lower().split())


CLEANERS: dict[str, Callable[[str], str]] = {"lower": _lower, "whitespace": _whitespace, "canonicalize": _canonicalize}
"""open_clip's `clean` options of its tokenizer (tokenizer_kwargs in a model's config)."""


@functools.cache
def _byte_symbols() -> dict[int, str]:
    """GPT-2's reversible map of bytes to printable characters (open_clip's bytes_to_unicode),
    in its order, which is the order of the vocabulary's first ids: printable bytes first."""
    printable = [*range(ord("!"), ord("~") + 1), *range(ord("¡"), ord("¬") + 1), *range(ord("®"), ord("ÿ") + 1)]
    symbols = {b: chr(b) for b in printable}
    for b in range(256):
        if b not in symbols:
            symbols[b] = chr(256 + len(symbols) - len(printable))
    return symbols


def vocabulary_file() -> Path:
    """open_clip's vocabulary of merges, from its installed package (not imported)."""
    package = importlib.util.find_spec("open_clip")
    locations = package.submodule_search_locations if package is not None else None
    if not locations:
        raise ModelError("open_clip is not installed; run `make setup` (or pip install open_clip_torch)")
    return Path(next(iter(locations))) / "bpe_simple_vocab_16e6.txt.gz"


@functools.cache
def _vocabulary(path: Path) -> tuple[dict[str, int], dict[str, int]]:
    """(token -> id, "first second" merge -> rank). Merges are kept as their lines: building
    open_clip's tuples of them took a fresh search 0.3 s."""
    with gzip.open(path, "rt", encoding="utf-8") as text:  # the merges used are its first fifth
        lines = [line.rstrip("\n") for line in itertools.islice(text, 1, MERGES + 1)]
    symbols = list(_byte_symbols().values())
    tokens = [*symbols, *(s + "</w>" for s in symbols), *(line.replace(" ", "") for line in lines), START, END]
    return {token: i for i, token in enumerate(tokens)}, {line: i for i, line in enumerate(lines)}


class ClipTokenizer:
    """Texts -> (N, context_length) int64 token ids: start, the text's tokens, end, then zeros;
    a text too long is cut and still ends with the end token."""

    def __init__(self, context_length: int = 77, clean: str = "lower") -> None:
        if clean not in CLEANERS:
            raise ModelError(f"unknown tokenizer cleaning {clean!r}; open_clip's are {', '.join(CLEANERS)}")
        self.context_length = context_length
        self.clean = clean
        self._ids, self._ranks = _vocabulary(vocabulary_file())
        self.start_id, self.end_id = self._ids[START], self._ids[END]
        self._clean = CLEANERS[clean]
        self._pieces: dict[str, list[int]] = {}

    def encode(self, text: str, limit: int | None = None) -> list[int]:
        """The token ids of `text`, without start and end; with `limit`, the words past the first
        `limit` tokens are left alone (a pasted page would take seconds of byte-pair merging)."""
        ids: list[int] = []
        symbols = _byte_symbols()
        for word in _WORDS.finditer(self._clean(text)):
            if limit is not None and len(ids) >= limit:
                break
            ids.extend(self._word_ids("".join(symbols[b] for b in word.group().encode("utf-8"))))
        return ids

    def __call__(self, texts: list[str]) -> np.ndarray:
        result = np.zeros((len(texts), self.context_length), dtype=np.int64)
        for row, text in zip(result, texts):
            ids = [self.start_id, *self.encode(text, self.context_length)][: self.context_length - 1] + [self.end_id]
            row[: len(ids)] = ids
        return result

    def _word_ids(self, word: str) -> list[int]:
        if word in (START, END):
            return [self._ids[word]]
        if word not in self._pieces:
            self._pieces[word] = [self._ids[piece] for piece in self._merged(word)]
        return self._pieces[word]

    def _merged(self, word: str) -> list[str]:
        """The word's pieces after applying the merges in rank order (open_clip's bpe)."""
        parts = [*word[:-1], word[-1] + "</w>"]
        while len(parts) > 1:
            ranked = [(self._ranks.get(f"{a} {b}"), i) for i, (a, b) in enumerate(zip(parts, parts[1:]))]
            best = min(((rank, i) for rank, i in ranked if rank is not None), default=None)
            if best is None:
                break
            first, second = parts[best[1]], parts[best[1] + 1]
            merged, i = [], 0
            while i < len(parts):
                if i + 1 < len(parts) and parts[i] == first and parts[i + 1] == second:
                    merged.append(first + second)
                    i += 2
                else:
                    merged.append(parts[i])
                    i += 1
            parts = merged
        return parts
