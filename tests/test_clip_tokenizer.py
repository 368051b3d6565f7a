from __future__ import annotations

import pytest

from photoclip.clip_tokenizer import CLEANERS, ClipTokenizer
from photoclip.errors import ModelError

TEXTS = [
    "a red circle",
    "kids at the lake last summer",
    "kids at the lake last summer, " * 20,
    "Été à Noël, 奶奶的生日!",
    "party!; sunset!?? wow!!",
    "",
    "   \t\n ",
    "&amp;amp; <b>Fish &amp; Chips</b> &lt;3",
    "😀🎉 emoji 👨‍👩‍👧",
    "<start_of_text> hi <END_OF_TEXT>",
    "HELLO World 123 4567 3.14",
    "naïve café, l'été c'est déjà fini",
    "Ünïcödé ÀÉÎ ﬁsh ｆｕｌｌ ｗｉｄｔｈ",
    "the_dog's   ball\u00a0park — “quoted”",
    "Ð¿Ñ€Ð¸Ð²ÐµÑ‚ mojibake",
    "москва зимой, Αθήνα, שלום, مرحبا",
    "\x00\x07control\x1b[31m red",
]


@pytest.mark.parametrize("clean", sorted(CLEANERS))
def test_tokens_are_open_clips_own(clean: str) -> None:
    from open_clip.tokenizer import SimpleTokenizer

    for context_length in (77, 24):
        ours = ClipTokenizer(context_length, clean)(TEXTS)
        theirs = SimpleTokenizer(context_length=context_length, clean=clean)(TEXTS)
        assert ours.tolist() == theirs.tolist()


def test_a_long_text_is_cut_and_still_ends_with_the_end_token() -> None:
    tokenizer = ClipTokenizer(24)
    row = tokenizer(["kids at the lake last summer, " * 20])[0]
    assert row[0] == tokenizer.start_id and row[-1] == tokenizer.end_id and 0 not in row


def test_an_unknown_cleaning_is_named() -> None:
    with pytest.raises(ModelError, match="unknown tokenizer cleaning 'shout'; open_clip's are lower, whitespace"):
        ClipTokenizer(clean="shout")


def test_random_texts_of_every_script_tokenize_as_open_clips() -> None:
    import random

    from open_clip.tokenizer import SimpleTokenizer

    pieces = [*"abcXYZ019 !?;.,'-_&#\t\n", "&amp;", "&lt;", "'s", "'LL", "é", "ß", "İ", "ﬁ", "中文", "日本語", "한국어",
              "🎉", "👨‍👩‍👧", "\u0301", "\u200b", "\u00a0", "Ã©", "â€™", "ｆｕｌｌ", "٣", "Ⅻ", "\x1b[0m", "\ufeff", "\U0001d400"]
    rng = random.Random("tokens")
    texts = ["".join(rng.choices(pieces, k=rng.randint(0, 30))) for _ in range(400)]
    assert ClipTokenizer(77)(texts).tolist() == SimpleTokenizer(context_length=77)(texts).tolist()


def test_a_pasted_page_is_tokenized_only_as_far_as_the_model_reads() -> None:
    import random
    import string

    from open_clip.tokenizer import SimpleTokenizer

    rng = random.Random("page")
    page = " ".join("".join(rng.choices(string.ascii_lowercase, k=rng.randint(2, 9))) for _ in range(5000))
    tokenizer = ClipTokenizer(77)
    assert tokenizer([page]).tolist() == SimpleTokenizer(context_length=77)([page]).tolist()
    first = tokenizer.encode(page, limit=10)
    assert 10 <= len(first) < 20 and first == tokenizer.encode(page)[: len(first)]


def test_plain_ascii_tokenizes_as_open_clips_without_importing_ftfy() -> None:
    import random
    import string
    import subprocess
    import sys

    from open_clip.tokenizer import SimpleTokenizer

    rng = random.Random("ascii")
    texts = ["".join(rng.choices(string.printable, k=rng.randint(0, 40))) for _ in range(500)]
    assert ClipTokenizer(77)(texts).tolist() == SimpleTokenizer(context_length=77)(texts).tolist()
    code = ("import sys\nfrom photoclip.clip_tokenizer import ClipTokenizer\ntokenize = ClipTokenizer()\n"
            "tokenize(['kids at the lake, summer 2023!'])\nprint('ftfy' in sys.modules)\n"
            "tokenize(['Fish &amp; chips'])\nprint('ftfy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False", "True"]
