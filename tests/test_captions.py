"""Captions: what people wrote about their photos, read from EXIF, IPTC, XMP and sidecars,
with what cameras fill in left out."""

from __future__ import annotations

import io
import random
import struct
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from photoclip import captions
from photoclip.catalog import Catalog, PhotoMetadata
from photoclip.ids import PhotoId
from photoclip.imaging import decode_photo
from photoclip.sidecars import xmp_document
from photoclip.xmp import others_sidecars
from tests.helpers import with_iptc, write_photo
from tests.test_keywords import with_iptc_block


@pytest.mark.parametrize("text", [
    "OLYMPUS DIGITAL CAMERA", "SONY DSC", "KODAK Digital Still Camera", "Exif_JPEG_PICTURE", "  ", "\0\0\0",
    "DCIM\\100MEDIA", "IMG_1234", "default", "SAMSUNG CAMERA PICTURES", "123", "Untitled", "LEICA DIGITAL CAMERA",
    "\xff\xfe\xfd caf\xe9",
])
def test_what_cameras_fill_in_is_no_caption(text: str) -> None:
    assert not captions.is_caption(text)


@pytest.mark.parametrize("text", ["Grandma's 80th birthday", "Lake house", "Sony Center, Berlin",
                                  "Canon in D at the wedding", "Été à Noël", "Бабушкин день рождения", "奶奶的生日"])
def test_what_people_write_is_a_caption(text: str) -> None:
    assert captions.is_caption(text)


def test_the_cameras_own_make_and_model_are_no_caption() -> None:
    assert not captions.is_caption("PowerShot A70", camera="Canon Canon PowerShot A70")
    assert captions.is_caption("Sunday at the lake", camera="Canon Canon PowerShot A70")


def _exif_jpeg(**tags: object) -> Image.Image:
    exif = Image.Exif()
    details = exif.get_ifd(0x8769)
    for tag, value in tags.items():
        number = int(tag.removeprefix("t"), 16)
        (details if number == 0x9286 else exif)[number] = value
    out = io.BytesIO()
    Image.new("RGB", (8, 8)).save(out, "JPEG", exif=exif)
    return Image.open(io.BytesIO(out.getvalue()))


def test_exif_descriptions_windows_titles_and_user_comments_are_read() -> None:
    im = _exif_jpeg(t010E="Grandma's 80th birthday", t010F="OLYMPUS", t0110="E-M10",
                    t9C9B="Lake trip".encode("utf-16-le") + b"\0\0",
                    t9C9C="Später am See".encode("utf-16-le") + b"\0\0",
                    t9286=b"UNICODE\0" + "First swim".encode("utf-16-le"))
    exif = im.getexif()

    assert captions.exif_texts(exif, exif.get_ifd(0x8769)) == [
        "Grandma's 80th birthday", "Lake trip", "Später am See", "First swim"]


def test_windows_titles_in_chinese_or_japanese_and_short_texts_are_read_as_written() -> None:
    """Telling UTF-16 by its zero bytes misread them: Japanese has none, and a text of two or
    three bytes always seemed to have enough."""
    im = _exif_jpeg(t9C9B="東京タワーの夜景".encode("utf-16-le") + b"\0\0", t9C9C="北京烤鸭".encode("utf-16-le"))
    exif = im.getexif()
    assert captions.exif_texts(exif, exif.get_ifd(0x8769)) == ["東京タワーの夜景", "北京烤鸭"]
    out = io.BytesIO()
    Image.new("RGB", (8, 8)).save(out, "JPEG")
    zoo = with_iptc(out.getvalue(), {(2, 105): b"Zoo"})
    assert captions.iptc_texts(Image.open(io.BytesIO(zoo))) == ["Zoo"]


def test_an_ascii_user_comment_and_camera_filler_in_every_field() -> None:
    im = _exif_jpeg(t010E="OLYMPUS DIGITAL CAMERA", t9286=b"ASCII\0\0\0" + b"Picnic by the river\0\0")
    exif = im.getexif()
    assert captions.exif_texts(exif, exif.get_ifd(0x8769)) == ["Picnic by the river"]
    blank = _exif_jpeg(t9286=b"\0" * 8 + b" " * 64)
    assert captions.exif_texts(blank.getexif(), blank.getexif().get_ifd(0x8769)) == []


NOT_CAPTIONS = [
    "Copyright 2019 John Smith. All rights reserved.", "(c) Jane Doe", "© 2021 ACME Photo", "All rights reserved",
    "Jane Doe, copyright 2004", "CC BY-SA 4.0 Jane Doe", "CREATOR: gd-jpeg v1.0 (using IJG JPEG v80), quality = 90",
    "Created with GIMP", "LEAD Technologies Inc. V1.01", "Optimized by JPEGmini 3.14.2.84235 0x0f3e2a",
    "File written by Adobe Photoshop® 4.0", "Intel(R) JPEG Library, version 1.51.12.44", "Lavc58.54.100",
    "Processed By eBay with ImageMagick, z1.1.0. ||B2", "Made with Snapseed", "Compressed by jpeg-recompress",
    "Handmade Software, Inc. Image Alchemy v1.11", "AppleMark", "Picasa", "Exif_JPEG_PICTURE", "Digital Camera",
    "SAMSUNG", "default", "Screenshot", "ASCII", "        ", "\0" * 16,
    "Photo: © Jane Doe", "Jane Doe ©", "Copyright Jane Doe", "Foto: Max Mustermann, Alle Rechte vorbehalten",
    "Tous droits réservés", "Todos los derechos reservados", "Tutti i diritti riservati",
    "Creative Commons Attribution-ShareAlike 4.0", "Licensed under CC BY 4.0", "CC0", "Public domain", "GIMP",
    "Adobe Photoshop CS6", "cmp3.10.3.2Lq3 0x756ffbf7", "CMP3.10.3.3Lq4 0x0cb2cd8a",
]
REAL_CAPTIONS = ["Grandma's 90th birthday in the garden", "Lisbon, tram 28", "Copy of the wedding invitation",
                 "Made with love in Lisbon", "Saved by the bell", "Plan (c) for the trip, 2019", "Almoço no Porto",
                 "Licence plate of my first car", "License exam day with Tom", "Creative Commons meetup in Berlin",
                 "Copyright office visit in Washington", "GIMP workshop at the library", "Photoshop basics class",
                 "Public domain day at the museum", "Σαντορίνη Santorini Санторини サントリーニ", "iPhoneで撮った東京タワー",
                 "Hawaiʻi, nº 5 beach"]


def _caption_of(path: Path) -> str | None:
    """The caption indexing gives the catalog for the photo at `path` (pipeline.py)."""
    return captions.joined(decode_photo(path, 8).captions)


@pytest.mark.parametrize("text", NOT_CAPTIONS + REAL_CAPTIONS)
def test_notices_stamps_and_placeholders_are_no_caption_in_exif_or_comments(tmp_path: Path, text: str) -> None:
    expected = text if text in REAL_CAPTIONS else None
    exif = Image.Exif()
    exif[0x010E] = text.encode()  # ImageDescription, as programs write it: UTF-8
    described = tmp_path / "described.jpg"
    Image.new("RGB", (8, 8)).save(described, exif=exif)
    exif = Image.Exif()
    exif.get_ifd(0x8769)[0x9286] = b"ASCII\0\0\0" + text.encode()  # UserComment
    commented = tmp_path / "commented.jpg"
    Image.new("RGB", (8, 8)).save(commented, exif=exif)
    unicode = tmp_path / "unicode.jpg"
    exif.get_ifd(0x8769)[0x9286] = b"UNICODE\0" + text.encode("utf-16-le")
    Image.new("RGB", (8, 8)).save(unicode, exif=exif)
    signed = tmp_path / "signed.jpg"
    Image.new("RGB", (8, 8)).save(signed, comment=text.encode())  # a JPEG COM segment

    assert [_caption_of(p) for p in (described, commented, unicode, signed)] == [expected] * 4


def test_binary_junk_in_a_user_comment_is_no_caption(tmp_path: Path) -> None:
    rng = random.Random("junk")
    for code in (b"\0" * 8, b"ASCII\0\0\0", b"UNICODE\0"):
        for _ in range(20):
            exif = Image.Exif()
            exif.get_ifd(0x8769)[0x9286] = code + rng.randbytes(128)
            junk = tmp_path / "junk.jpg"
            Image.new("RGB", (8, 8)).save(junk, exif=exif)
            assert _caption_of(junk) is None, code
    described = tmp_path / "described.jpg"
    exif = Image.Exif()
    exif[0x010E] = b"Oma\x92s Geburtstag, M\xfcnchen"  # cp1252, as Western Windows programs wrote it
    Image.new("RGB", (8, 8)).save(described, exif=exif)
    assert _caption_of(described) == "Oma’s Geburtstag, München"


@pytest.mark.parametrize("code", [b"\0" * 8, b"ASCII\0\0\0", b"UNICODE\0"])
def test_short_binary_junk_rarely_passes_for_a_caption(code: bytes) -> None:
    rng = random.Random("short junk")
    passed = 0
    for _ in range(200):
        im = _exif_jpeg(t9286=code + rng.randbytes(40))
        passed += bool(captions.exif_texts(im.getexif(), im.getexif().get_ifd(0x8769)))
    assert passed <= 3  # UTF-16 letters of many scripts passed at 2.5%


def _user_comment_jpeg(path: Path, comment: bytes, endian: str) -> Path:
    exif = Image.Exif()
    exif.endian = endian  # ">" writes "MM", as iPhones and Nikons do; "<" writes "II"
    exif.get_ifd(0x8769)[0x9286] = comment
    Image.new("RGB", (8, 8)).save(path, exif=exif)
    return path


@pytest.mark.parametrize("text", ["京都の紅葉と金閣寺", "长城上的日出", "Pique-nique près du lac", "서울의 밤"])
def test_a_unicode_user_comment_is_read_in_the_byte_order_of_its_exif(tmp_path: Path, text: str) -> None:
    big = _user_comment_jpeg(tmp_path / "mm.jpg", b"UNICODE\0" + text.encode("utf-16-be"), ">")
    little = _user_comment_jpeg(tmp_path / "ii.jpg", b"UNICODE\0" + text.encode("utf-16-le"), "<")
    assert Image.open(big).info["exif"][6:8] == b"MM"

    assert _caption_of(big) == _caption_of(little) == text


def test_a_unicode_user_comment_with_a_byte_order_mark_or_in_microsofts_order_is_read(tmp_path: Path) -> None:
    marked = _user_comment_jpeg(tmp_path / "bom.jpg", b"UNICODE\0" + "京都の紅葉".encode("utf-16"), "<")
    big_marked = _user_comment_jpeg(tmp_path / "bom-mm.jpg", b"UNICODE\0\xfe\xff" + "京都の紅葉".encode("utf-16-be"),
                                    "<")
    microsoft = _user_comment_jpeg(tmp_path / "ms.jpg", b"UNICODE\0" + "Lake trip".encode("utf-16-le"), ">")
    microsoft_cjk = _user_comment_jpeg(tmp_path / "ms-cjk.jpg", b"UNICODE\0" + "京都の紅葉".encode("utf-16-le"), ">")

    assert [_caption_of(p) for p in (marked, big_marked, microsoft, microsoft_cjk)] == [
        "京都の紅葉", "京都の紅葉", "Lake trip", "京都の紅葉"]


@pytest.mark.parametrize("text", ["Noël à Évian", "Fête à l'été", "Großmutter im Garten", "Grandma’s garden party",
                                  "Café «Über» – Zürich"])
def test_comments_and_descriptions_windows_wrote_in_cp1252_are_read(tmp_path: Path, text: str) -> None:
    commented = tmp_path / "commented.jpg"
    Image.new("RGB", (8, 8)).save(commented, comment=text.encode("cp1252"))
    exif = Image.Exif()
    exif[0x010E] = text.encode("cp1252")
    described = tmp_path / "described.jpg"
    Image.new("RGB", (8, 8)).save(described, exif=exif)

    assert _caption_of(commented) == _caption_of(described) == text


def test_no_control_character_reaches_a_caption(tmp_path: Path) -> None:
    commented = tmp_path / "commented.jpg"
    Image.new("RGB", (8, 8)).save(commented, comment="Lake\x01 house at Grandma’s".encode("cp1252"))

    assert _caption_of(commented) == "Lake house at Grandma’s"
    assert captions.joined(["Lake house\x92", "Day\x1f one"]) == "Lake house\nDay one"


def test_iptc_headline_title_and_caption_are_read_in_utf8_or_latin1() -> None:
    out = io.BytesIO()
    Image.new("RGB", (8, 8)).save(out, "JPEG")
    data = with_iptc(out.getvalue(), {(2, 105): "Summer".encode(), (2, 5): b"DSC_0001",
                                      (2, 120): "Oma im Garten, M\xfcnchen".encode("latin-1")})

    assert captions.iptc_texts(Image.open(io.BytesIO(data))) == ["Summer", "Oma im Garten, München"]
    junk = with_iptc(out.getvalue(), {(2, 120): b"\xff\xfe\xfd caf\xe9"})
    assert captions.iptc_texts(Image.open(io.BytesIO(junk))) == []
    assert captions.iptc_texts(Image.new("RGB", (2, 2))) == []


def test_iptc_keywords_are_read_past_an_extended_dataset_up_to_the_padding(tmp_path: Path) -> None:
    """A preview stored in IPTC (2:202) may be longer than two bytes can say; its length is then
    in the bytes that follow. Photoshop pads a block with zero bytes."""
    def block(preview: int) -> bytes:
        extended = b"\x1c\x02\xca\x80\x04" + struct.pack(">I", preview) + bytes(preview)
        return b"\x1c\x02\x19\x00\x04Opa\0" + extended + b"\x1c\x02\x19\x00\x04 Oma" + bytes(3)

    tiff = tmp_path / "scan.tif"
    Image.new("RGB", (8, 8)).save(tiff, "TIFF", tiffinfo={33723: block(70_000)})
    jpeg = with_iptc_block(write_photo(tmp_path / "photo.jpg", seed=1), block(300))  # an APP13 holds 64 KB
    for path in (tiff, jpeg):
        with Image.open(path) as im:
            assert captions.iptc_keywords(im) == ["Opa", "Oma"]
    assert captions.iptc_keywords(Image.new("RGB", (2, 2))) == []


def _with_comments(data: bytes, *comments: bytes) -> bytes:
    """A JPEG with COM segments right after its start marker, as IrfanView writes them."""
    segments = b"".join(b"\xff\xfe" + (len(c) + 2).to_bytes(2, "big") + c for c in comments)
    return data[:2] + segments + data[2:]


def test_jpeg_comments_are_captions_unless_a_program_signed_them() -> None:
    out = io.BytesIO()
    Image.new("RGB", (8, 8)).save(out, "JPEG")
    data = _with_comments(out.getvalue(), b"Oma im Garten, M\xfcnchen", "Первый снег".encode(),
                          b"CREATOR: gd-jpeg v1.0 (using IJG JPEG v62), quality = 90\n", b"Created with GIMP",
                          b"Optimized by JPEGmini 3.14.2.84235 0x11b4d1ed", b"AppleMark\n",
                          b"LEAD Technologies Inc. V1.01",
                          b"Intel(R) JPEG Library, version [1.51.12.44]", b"File written by Adobe Photoshop\xa8 4.0",
                          b"OLYMPUS DIGITAL CAMERA", b"\xff\xfe\xfd caf\xe9", "LGPLv3 Risto Saukonpää".encode(),
                          b"(c) 2004 Jane Doe", b"CC BY-SA 4.0 Jane Doe")

    assert captions.comment_texts(Image.open(io.BytesIO(data)), "jpeg") == ["Oma im Garten, München", "Первый снег"]
    assert captions.comment_texts(Image.open(io.BytesIO(out.getvalue())), "jpeg") == []


def test_a_file_stuffed_with_long_comments_gives_only_the_start_of_its_first_ones() -> None:
    out = io.BytesIO()
    Image.new("RGB", (8, 8)).save(out, "JPEG")
    data = _with_comments(out.getvalue(), *[("湖畔の夏休み" * 4000).encode()[:65532]] * 300)  # 3 bytes a letter

    texts = captions.comment_texts(Image.open(io.BytesIO(data)), "jpeg")
    assert len(texts) == 4 and all(len(t) <= 4 * captions.MAX_CAPTION_CHARS for t in texts)
    assert all(set(t) == set("湖畔の夏休み") for t in texts)  # cut between letters, not inside one


def test_a_pngs_text_is_not_read_as_a_caption() -> None:
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Title", "Adwaita Folder Icons")
    info.add_text("Description", "Lake house")
    out = io.BytesIO()
    Image.new("RGB", (8, 8)).save(out, "PNG", pnginfo=info)
    assert captions.comment_texts(Image.open(io.BytesIO(out.getvalue())), "png") == []


def test_a_gif_comment_is_a_caption() -> None:
    out = io.BytesIO()
    Image.new("P", (8, 8)).save(out, "GIF", comment=b"First day at school")
    assert captions.comment_texts(Image.open(io.BytesIO(out.getvalue())), "gif") == ["First day at school"]
    assert captions.comment_texts(Image.open(io.BytesIO(out.getvalue())), "webp") == []


def test_xmp_titles_and_descriptions_are_read_in_every_language() -> None:
    packet = """<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
      <rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"
          xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/" photoshop:Headline="Road trip">
        <dc:title><rdf:Alt><rdf:li xml:lang="x-default">Day one</rdf:li></rdf:Alt></dc:title>
        <dc:description><rdf:Alt><rdf:li xml:lang="x-default">Lunch in Porto</rdf:li>
          <rdf:li xml:lang="pt">Almoço no Porto</rdf:li></rdf:Alt></dc:description>
      </rdf:Description></rdf:RDF></x:xmpmeta>""".encode()

    assert captions.xmp_texts(packet) == ["Day one", "Lunch in Porto", "Almoço no Porto"]
    assert captions.xmp_texts(b"<x:xmpmeta broken") == [] and captions.xmp_texts(None) == []


def test_sidecars_photoclip_wrote_are_not_read(tmp_path: Path) -> None:
    photo = tmp_path / "a.jpg"
    photo.write_bytes(b"")
    (tmp_path / "a.jpg.xmp").write_bytes(xmp_document(["beach"]))
    (tmp_path / "a.xmp").write_bytes(
        b'<x:xmpmeta xmlns:x="adobe:ns:meta/" x:xmptk="digiKam"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-'
        b'syntax-ns#"><rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:description><rdf:Alt>'
        b'<rdf:li xml:lang="x-default">Tom learns to ride</rdf:li></rdf:Alt></dc:description></rdf:Description>'
        b"</rdf:RDF></x:xmpmeta>")

    assert captions.sidecar_texts(others_sidecars(photo)) == ["Tom learns to ride"]


def test_texts_are_joined_once_each_and_cut_to_a_length() -> None:
    assert captions.joined(["Lake  house", "lake house", "Day\none"]) == "Lake house\nDay one"
    assert captions.joined([]) is None
    assert len(captions.joined(["word " * 1000])) == captions.MAX_CAPTION_CHARS


def test_a_search_keeps_its_meaningful_words_for_captions() -> None:
    assert captions.search_words(["grandma's birthday at the lake", "photo of the Lake"]) == [
        "grandma", "birthday", "lake"]
    assert captions.search_words(["犬 a 東京"]) == ["犬", "東京"]  # one character can be a word


@pytest.fixture
def catalog(tmp_path: Path) -> Iterator[Catalog]:
    cat = Catalog(tmp_path / "catalog.sqlite")
    yield cat
    cat.close()


def test_a_search_finds_captions_by_their_words_with_sharp_s_and_accents(catalog: Catalog) -> None:
    root = catalog.add_root(Path("/c"))
    ids = []
    for i, text in enumerate(["Straße nach Düsseldorf", "Großmutter im Garten", "İstanbul'da akşam"]):
        catalog.add_pending(root.id, [(f"/c/{i}.jpg", 1, i)])
        ids.append(catalog.photo_by_path(f"/c/{i}.jpg").id)
        meta = PhotoMetadata(hash=f"h{i}", width=1, height=1, taken_at=None, format="jpeg", caption=text)
        catalog.store_batch("m", [(ids[i], meta, np.ones(4, np.float32))], [])

    def found(query: str) -> list[PhotoId]:
        return catalog.captioned(catalog.caption_words_known(captions.search_words([query])))

    assert captions.search_words(["Straße nach DÜSSELDORF"]) == ["straße", "nach", "düsseldorf"]
    assert catalog.caption_words_known(captions.search_words(["straße nach"])) == ["straße", "nach"]
    assert found("Straße") == found("duesseldorf straße") == found("düsseldorf") == [ids[0]]
    assert found("Großmutter") == found("GROSSMUTTER im Garten") == [ids[1]]  # by "im garten" alone
    assert found("istanbul") == found("İstanbul") == [ids[2]]


def _captioned(catalog: Catalog, texts: list[str]) -> list[PhotoId]:
    """Photos indexed with these captions, in their order."""
    root = catalog.add_root(Path("/c"))
    ids = []
    for i, text in enumerate(texts):
        catalog.add_pending(root.id, [(f"/c/{i}.jpg", 1, i)])
        ids.append(catalog.photo_by_path(f"/c/{i}.jpg").id)
        meta = PhotoMetadata(hash=f"h{i}", width=1, height=1, taken_at=None, format="jpeg", caption=text)
        catalog.store_batch("m", [(ids[i], meta, np.ones(4, np.float32))], [])
    return ids


def _found(catalog: Catalog, query: str) -> list[PhotoId]:
    """The photos whose captions a search's words find."""
    return sorted(catalog.captioned(catalog.caption_words_known(captions.search_words([query]))))


def test_a_search_typed_with_hebrew_or_arabic_vowel_marks_finds_captions_with_or_without_them(
    catalog: Catalog,
) -> None:
    """Typed with its marks, "שָׁלוֹם" was cut at each mark into one-letter pieces: an unrelated caption with
    "לו" came first, and "مُحَمَّد" found nothing."""
    ids = _captioned(catalog, ["שלום מהים", "נתתי לו מתנה", "مُحَمَّد في البيت", "محمد على الشاطئ"])

    def found(query: str) -> list[PhotoId]:
        return _found(catalog, query)

    assert captions.search_words(["שָׁלוֹם"]) == ["שלום"]
    assert found("שָׁלוֹם") == found("שלום") == [ids[0]]
    assert found("مُحَمَّد") == found("محمد") == [ids[2], ids[3]]


def test_a_search_finds_captions_in_persian_or_arabic_letters_and_any_scripts_digits_as_typed_either_way(
    catalog: Catalog,
) -> None:
    """A caption written on a Persian keyboard ("کتابخانه ملی") was not found by the same words typed on
    an Arabic one ("كتابخانه ملي"), nor one in Arabic by Persian's letters; nor "۲۰۱۹" by "2019"."""
    ids = _captioned(catalog, ["کتابخانه ملی تهران", "علي في البيت", "سفر ۲۰۱۹ به شیراز", "كعكة 2021"])

    def found(query: str) -> list[PhotoId]:
        return _found(catalog, query)

    assert captions.search_words(["کتابخانه ۲۰۱۹"]) == ["كتابخانه", "2019"]
    assert found("كتابخانه ملي") == found("کتابخانه ملی") == [ids[0]]
    assert found("علی") == found("علي") == [ids[1]] and found("على") == []  # "على" (on) is not Ali
    assert found("2019") == found("۲۰۱۹") == found("٢٠١٩") == [ids[2]] and found("۲۰۲۱ كعكة") == [ids[3]]


def test_a_caption_is_judged_by_the_part_that_is_kept() -> None:
    head = "Grandma's birthday at the lake house, with everyone there. " * 40
    text = head + "\x00\x01\xfe\xff" * 1_000_000  # and megabytes of bytes after it (a TIFF's description)
    assert captions.is_caption(text)
    assert captions.joined([text]) == " ".join(head.split())[:captions.MAX_CAPTION_CHARS]


def test_a_photo_whose_text_holds_half_of_a_pair_is_indexed_and_stored(open_library, tmp_path: Path) -> None:
    """Half of a pair (an emoji cut short) cannot be stored as UTF-8: in a Takeout JSON's
    description one failed the catalog's write of the whole batch. No decoding of EXIF, IPTC or a
    comment lets one through."""
    half = "Lake trip \ud83d"
    utf16, utf8 = half.encode("utf-16-le", "surrogatepass"), half.encode("utf-8", "surrogatepass")
    folder = tmp_path / "photos"
    for name, tag, value in (("xp", 0x9C9C, utf16 + b"\0\0"), ("comment", 0x9286, b"UNICODE\0" + utf16),
                             ("description", 0x010E, utf8)):
        photo = write_photo(folder / f"{name}.jpg", seed=tag)
        exif = Image.Exif()
        (exif.get_ifd(0x8769) if tag == 0x9286 else exif)[tag] = value
        with Image.open(photo) as im:
            im.load()
            im.save(photo, "JPEG", exif=exif)
    with Image.open(write_photo(folder / "com.jpg", seed=1)) as im:
        im.load()
        im.save(folder / "com.jpg", "JPEG", comment=utf8)
    (folder / "iptc.jpg").write_bytes(with_iptc(write_photo(tmp_path / "plain.jpg", seed=2).read_bytes(),
                                                {(2, 120): utf8}))
    library = open_library()

    library.index([folder])

    assert library.status().counts.indexed == 5
    for photo in sorted(folder.iterdir()):
        caption = library.caption(library.photo_at(photo).id) or ""
        assert caption == caption.encode("utf-8").decode("utf-8"), photo.name
