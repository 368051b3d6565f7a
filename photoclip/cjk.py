"""Chinese, Japanese and Korean text made searchable word by word.

These scripts write no spaces between words, so a full-text index keeps a whole run as one
token, and "東京" would never find a caption that says "東京タワーの夜景". As search engines do
(Lucene's CJK analyzer), each run is indexed as its characters and each pair of neighbours; a
query word is then found as the phrase of its pairs, or as its one character.
"""

from __future__ import annotations

import re
import unicodedata

_RUN = re.compile(
    "[\u3040-\u30ff\u3100-\u312f\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff65-\uffdc"
    "\U00020000-\U0002fa1f]+"
)


def has_cjk(text: str) -> bool:
    return _RUN.search(text) is not None


def index_terms(text: str) -> str:
    """The characters and neighbour pairs of each CJK run of `text`, space separated ("" when
    it has none): what the index holds for it beside the text itself."""
    tokens: list[str] = []
    for run in _RUN.findall(unicodedata.normalize("NFKC", text)):
        tokens.extend(run)
        tokens.extend(run[i:i + 2] for i in range(len(run) - 1))
    return " ".join(tokens)


def query_parts(word: str) -> list[str]:
    """A query word as the parts the index finds it by: each CJK run as the space-separated
    phrase of its neighbour pairs (or its one character), the rest as it is."""
    parts = []
    for piece in re.split(f"({_RUN.pattern})", unicodedata.normalize("NFKC", word)):
        if not piece:
            continue
        if _RUN.fullmatch(piece):
            parts.append(piece if len(piece) == 1 else " ".join(piece[i:i + 2] for i in range(len(piece) - 1)))
        else:
            parts.append(piece)
    return parts
