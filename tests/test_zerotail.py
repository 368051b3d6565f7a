"""Files cut short and filled with zeros to their full size, told from whole files padded with
zeros past their own end: real files written by Pillow and pillow-heif."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from photoclip import zerotail

FORMATS = {"png": "PNG", "gif": "GIF", "webp": "WEBP", "heif": "HEIF"}


def encoded(fmt: str) -> bytes:
    noise = np.random.default_rng(1).integers(0, 256, (240, 320, 3), dtype=np.uint8)
    data = io.BytesIO()
    Image.fromarray(noise).save(data, FORMATS[fmt])
    return data.getvalue()


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_a_copy_cut_short_into_a_file_of_its_full_size_is_found_cut_where_the_zeros_begin(fmt: str) -> None:
    whole = encoded(fmt)
    kept = int(len(whole) * 0.7)
    found = zerotail.zero_filled(io.BytesIO(whole[:kept] + bytes(len(whole) - kept)), fmt)
    assert found is not None
    start, share = found
    assert kept - 8 <= start <= kept and 0.25 <= share <= 0.35


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_a_whole_file_padded_with_zeros_past_its_end_is_whole(fmt: str) -> None:
    whole = encoded(fmt)
    assert zerotail.zero_filled(io.BytesIO(whole + bytes(4096)), fmt) is None
    assert zerotail.zero_filled(io.BytesIO(whole), fmt) is None


def test_zeros_in_a_heif_padding_box_are_padding() -> None:
    whole = encoded("heif")
    padding = (8 + 4096).to_bytes(4, "big") + b"free" + bytes(4096)
    assert zerotail.zero_filled(io.BytesIO(whole + padding), "heif") is None


def test_formats_that_store_black_as_zeros_are_left_alone() -> None:
    dark = io.BytesIO()
    Image.new("RGB", (320, 240)).save(dark, "BMP")
    assert zerotail.zero_filled(io.BytesIO(dark.getvalue()), "bmp") is None


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_a_whole_file_needs_none_of_the_zeros_past_its_end_and_a_cut_one_all_of_its_bytes(fmt: str) -> None:
    whole = encoded(fmt)
    needed = zerotail.content_end(io.BytesIO(whole + bytes(1 << 20)), fmt)
    assert len(whole) <= needed <= len(whole) + zerotail.TAIL_MIN  # its data may end in zeros of its own
    assert zerotail.content_end(io.BytesIO(whole), fmt) == len(whole)
    cut = whole[:len(whole) // 2] + bytes(len(whole) - len(whole) // 2)
    assert zerotail.content_end(io.BytesIO(cut), fmt) == len(cut)


def test_a_heif_padding_box_full_of_zeros_is_not_needed() -> None:
    whole = encoded("heif")
    padding = (8 + (1 << 20)).to_bytes(4, "big") + b"free" + bytes(1 << 20)
    assert zerotail.content_end(io.BytesIO(whole + padding), "heif") == len(whole)
