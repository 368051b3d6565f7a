"""Keywords other programs gave a photo (XMP dc:subject, in the file or a sidecar beside it; IPTC
Keywords, as Picasa wrote them; Windows' XPKeywords) become the user's tags; broken or hostile
XMP, IPTC or EXIF means no keywords from it, never a failed photo."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest
from PIL import Image, PngImagePlugin

from photoclip.imaging import decode_photo
from photoclip.keywords import (
    MAX_KEYWORDS,
    is_sidecar,
    keywords_in_file,
    keywords_in_xmp,
    photo_keywords,
    sidecar_owners,
)
from photoclip.sidecars import xmp_document
from photoclip.xmp import others_sidecars
from tests.helpers import others_sidecar, write_photo

UTF8 = (1, 90, b"\x1b%G")  # IPTC 1:90, the coded character set: ESC % G is UTF-8

DIGIKAM = b"""<?xpacket begin="\xef\xbb\xbf" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/" x:xmptk="XMP Core 4.4.0-Exiv2">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:lr="http://ns.adobe.com/lightroom/1.0/" xmlns:digiKam="http://www.digikam.org/ns/1.0/">
   <dc:subject><rdf:Bag><rdf:li>Lisbon</rdf:li><rdf:li>Tom &amp; Ann</rdf:li><rdf:li>lisbon</rdf:li>
    <rdf:li>  </rdf:li><rdf:li>""" + b"x" * 300 + b"""</rdf:li></rdf:Bag></dc:subject>
   <lr:hierarchicalSubject><rdf:Bag><rdf:li>Places|Europe|Lisbon</rdf:li></rdf:Bag></lr:hierarchicalSubject>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""


def test_keywords_are_the_subjects_as_tag_names_once_each() -> None:
    # as first spelt; no hierarchy paths, no blank, nothing too long for a tag
    assert keywords_in_xmp(DIGIKAM) == ["Lisbon", "Tom & Ann"]
    assert keywords_in_xmp(xmp_document(["Lake  House", "kids"])) == ["Lake House", "kids"]


def test_a_photo_keeps_its_first_keywords_when_a_sidecar_holds_thousands() -> None:
    flood = xmp_document([f"keyword {i}" for i in range(5000)])
    assert keywords_in_xmp(flood) == [f"keyword {i}" for i in range(MAX_KEYWORDS)]
    both = photo_keywords(xmp_document(["lisbon"]), [flood])
    assert len(both) == MAX_KEYWORDS and both[:2] == ("lisbon", "keyword 0")


@pytest.mark.parametrize("packet", [
    None, b"", b"not xml at all", DIGIKAM[:300], b"<x:xmpmeta><rdf:RDF></x:xmpmeta>",
    b"<x:xmpmeta>" + b"a" * (5 * 1024 * 1024) + b"</x:xmpmeta>",
    b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
    b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">'
    b'<!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;"><!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">]>'
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    b'<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:subject><rdf:Bag><rdf:li>&f;&f;&f;'
    b'</rdf:li></rdf:Bag></dc:subject></rdf:Description></rdf:RDF></x:xmpmeta>',
])
def test_broken_huge_or_hostile_xmp_has_no_keywords(packet: bytes | None) -> None:
    assert keywords_in_xmp(packet) == []


def test_sidecars_of_either_naming_are_read(tmp_path: Path) -> None:
    photo = tmp_path / "IMG_1.CR2"
    photo.write_bytes(b"raw")
    assert others_sidecars(photo) == []
    (tmp_path / "IMG_1.xmp").write_bytes(others_sidecar(["From Lightroom"]))
    (tmp_path / "IMG_1.CR2.xmp").write_bytes(DIGIKAM)
    assert photo_keywords(None, others_sidecars(photo)) == ("Lisbon", "Tom & Ann", "From Lightroom")
    assert photo_keywords(xmp_document(["In The File", "lisbon"]), others_sidecars(photo)) == (
        "In The File", "lisbon", "Tom & Ann", "From Lightroom")  # the file's spelling first, once
    camera = tmp_path / "DSC_2.NEF"
    (tmp_path / "DSC_2.XMP").write_bytes(others_sidecar(["Spelt By A Camera"]))  # upper case, as some write it
    assert photo_keywords(None, others_sidecars(camera)) == ("Spelt By A Camera",)


def test_the_last_part_of_lightrooms_and_digikams_keyword_paths_is_a_keyword_and_darktables_notes_are_not() -> None:
    def bag(field: str, items: list[str]) -> str:
        return f"<{field}><rdf:Bag>" + "".join(f"<rdf:li>{i}</rdf:li>" for i in items) + f"</rdf:Bag></{field}>"

    packet = (
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:lr="http://ns.adobe.com/lightroom/1.0/"'
        ' xmlns:digiKam="http://www.digikam.org/ns/1.0/">'
        + bag("dc:subject", ["Beach"])
        + bag("lr:hierarchicalSubject", ["Places|Europe|Lisbon", "darktable|format|nef", "People|Grandma Rose"])
        + bag("digiKam:TagsList", ["Family/Grandma Rose", "Trips/Crete", "beach"])
        + "</rdf:Description></rdf:RDF></x:xmpmeta>").encode()
    assert keywords_in_xmp(packet) == ["Beach", "Lisbon", "Grandma Rose", "Crete"]


def test_a_jpeg_that_stands_for_a_raw_reads_the_sidecar_darktable_and_digikam_write_for_the_raw(
    tmp_path: Path
) -> None:
    photo = tmp_path / "DSC_2.JPG"
    photo.write_bytes(b"jpeg")
    (tmp_path / "DSC_2.NEF").write_bytes(b"raw")
    (tmp_path / "DSC_2.NEF.xmp").write_bytes(others_sidecar(["Kept In Darktable"]))
    assert photo_keywords(None, others_sidecars(photo)) == ("Kept In Darktable",)
    alone = tmp_path / "DSC_3.JPG"
    alone.write_bytes(b"jpeg")
    (tmp_path / "DSC_3.NEF.xmp").write_bytes(others_sidecar(["Of A Raw Not There"]))
    assert others_sidecars(alone) == []
    photos_of_sidecar = sidecar_owners([photo, alone])
    assert photos_of_sidecar(tmp_path / "DSC_2.NEF.xmp") == [photo]


def test_a_pixels_jpeg_reads_the_sidecar_written_for_its_raw(tmp_path: Path) -> None:
    """A Pixel's RAW+JPEG: PXL_<time>.RAW-01.COVER.jpg stands for PXL_<time>.RAW-02.ORIGINAL.dng."""
    cover = tmp_path / "PXL_20230709_090000555.RAW-01.MP.COVER.jpg"
    cover.write_bytes(b"jpeg")
    next_shot = tmp_path / "PXL_20230709_090000556.RAW-01.COVER.jpg"
    next_shot.write_bytes(b"jpeg")
    owners = sidecar_owners([cover, next_shot])
    assert owners(tmp_path / "PXL_20230709_090000555.RAW-02.ORIGINAL.dng.xmp") == [cover]
    assert owners(tmp_path / "PXL_20230709_090000557.RAW-02.ORIGINAL.dng.xmp") == []


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "TIFF"])
def test_the_packet_embedded_in_a_photo_is_read_with_it(tmp_path: Path, fmt: str) -> None:
    packet = xmp_document(["beach"])
    path = tmp_path / f"photo.{fmt.lower()}"
    image = Image.new("RGB", (64, 48), (10, 120, 200))
    if fmt == "PNG":
        info = PngImagePlugin.PngInfo()
        info.add_itxt("XML:com.adobe.xmp", packet.decode("utf-8"))
        image.save(path, fmt, pnginfo=info)
    elif fmt == "TIFF":
        image.save(path, fmt, tiffinfo={700: packet})
    else:
        image.save(path, fmt, xmp=packet)
    assert keywords_in_xmp(decode_photo(path, 32).xmp) == ["beach"]


def test_a_sidecar_photoclip_exported_is_not_read_back_as_the_users_keywords(tmp_path: Path) -> None:
    photo = tmp_path / "IMG_1.jpg"
    photo.write_bytes(b"jpeg")
    (tmp_path / "IMG_1.jpg.xmp").write_bytes(xmp_document(["beach", "dog"]))  # auto tags, exported
    assert others_sidecars(photo) == []
    (tmp_path / "IMG_1.jpg.xmp").write_bytes(others_sidecar(["beach", "Grandma"]))  # then edited in digiKam
    assert photo_keywords(None, others_sidecars(photo)) == ("beach", "Grandma")


def test_a_sidecar_belongs_to_the_photo_it_names_or_to_every_photo_of_its_stem() -> None:
    photos_of_sidecar = sidecar_owners([Path("/p/IMG_1.jpg"), Path("/p/IMG_1.CR2"), Path("/p/IMG_12.jpg"),
                                        Path("/p/sub/IMG_1.jpg"), Path("/p/IMG_1.jpg.png"), Path("/p/party.2023.jpg")])
    assert photos_of_sidecar(Path("/p/IMG_1.jpg.xmp")) == [Path("/p/IMG_1.jpg")]
    assert photos_of_sidecar(Path("/p/party.2023.xmp")) == [Path("/p/party.2023.jpg")]  # a dot in its name
    assert photos_of_sidecar(Path("/p/IMG_1.XMP")) == [Path("/p/IMG_1.jpg"), Path("/p/IMG_1.CR2")]
    assert photos_of_sidecar(Path("/p/sub/IMG_1.xmp")) == [Path("/p/sub/IMG_1.jpg")]
    assert photos_of_sidecar(Path("/p/IMG_9.xmp")) == []
    assert is_sidecar("/p/IMG_1.XMP") and not is_sidecar("/p/IMG_1.jpg")


def iim(*datasets: tuple[int, int, bytes]) -> bytes:
    """An IPTC-IIM block: per dataset the marker 0x1C, record, dataset, length and value."""
    return b"".join(b"\x1c" + bytes((record, number)) + struct.pack(">H", len(value)) + value
                    for record, number, value in datasets)


def keywords_of(*words: str) -> tuple[tuple[int, int, bytes], ...]:
    """IPTC Keywords (2:25), one dataset each, in UTF-8."""
    return tuple((2, 25, word.encode()) for word in words)


def with_iptc_block(path: Path, block: bytes) -> Path:
    """The JPEG at `path` with `block` as its IPTC (Photoshop's resource 0x0404 in an APP13
    segment right after SOI), as Picasa, Photoshop and exiftool write it."""
    resource = b"8BIM" + struct.pack(">H", 0x0404) + b"\0\0" + struct.pack(">I", len(block)) + block
    body = b"Photoshop 3.0\0" + resource + bytes(len(block) % 2)
    jpeg = path.read_bytes()
    path.write_bytes(jpeg[:2] + b"\xff\xed" + struct.pack(">H", len(body) + 2) + body + jpeg[2:])
    return path


def with_exif_keywords(path: Path, value: bytes) -> Path:
    """The JPEG at `path` with `value` as its EXIF XPKeywords, as Windows' file properties write it."""
    exif = Image.Exif()
    exif[0x9C9E] = value
    with Image.open(path) as im:
        im.load()
        im.save(path, "JPEG", exif=exif)
    return path


def test_iptc_keywords_are_read_once_or_repeated_in_utf8_or_latin1(tmp_path: Path) -> None:
    picasa = with_iptc_block(write_photo(tmp_path / "picasa.jpg", seed=1), iim(
        (1, 0, b"\x00\x04"), UTF8, (2, 0, b"\x00\x04"), *keywords_of("Grandma", "München", "  ", "grandma"),
        (2, 120, b"Summer at the lake")))
    photo = decode_photo(picasa, 32)
    assert photo.keywords == ("Grandma", "München", "grandma")  # as written: a blank one is none
    assert keywords_in_file(photo.xmp, photo.keywords) == ("Grandma", "München")
    once = with_iptc_block(write_photo(tmp_path / "latin1.jpg", seed=2), iim((2, 25, "Köln\0".encode("latin-1"))))
    assert keywords_in_file(None, decode_photo(once, 32).keywords) == ("Köln",)  # no 1:90: Latin-1 (cp1252)
    tiff = tmp_path / "scan.tif"
    block = iim(UTF8, *keywords_of("Zoë", "ab"))
    Image.new("RGB", (64, 48), (10, 120, 200)).save(tiff, "TIFF", tiffinfo={33723: block})
    assert decode_photo(tiff, 32).keywords == ("Zoë", "ab")


def test_windows_keywords_are_read_as_utf16_between_semicolons(tmp_path: Path) -> None:
    windows = with_exif_keywords(write_photo(tmp_path / "windows.jpg", seed=1),
                                 "Grandma; 東京;;大阪 ;".encode("utf-16-le") + b"\0\0")
    assert decode_photo(windows, 32).keywords == ("Grandma", "東京", "大阪")
    junk = with_exif_keywords(write_photo(tmp_path / "junk.jpg", seed=2), b"\x00\xd8a\x00")  # half a pair
    assert decode_photo(junk, 32).keywords == ()


def test_a_files_keywords_are_its_xmps_then_its_iptcs_then_windows_once_each_and_capped(tmp_path: Path) -> None:
    path = write_photo(tmp_path / "lightroom.jpg", seed=1)
    exif = Image.Exif()
    exif[0x9C9E] = "Lake;Windows Only".encode("utf-16-le") + b"\0\0"
    with Image.open(path) as im:
        im.load()
        im.save(path, "JPEG", exif=exif, xmp=xmp_document(["Lake", "Kids"]))
    with_iptc_block(path, iim(*keywords_of("Kids", "Picasa Only", "lake")))
    photo = decode_photo(path, 32)
    assert keywords_in_file(photo.xmp, photo.keywords) == ("Lake", "Kids", "Picasa Only", "Windows Only")
    flood = keywords_of(*(f"keyword {i}" for i in range(5000)))
    path = with_iptc_block(write_photo(tmp_path / "flood.jpg", seed=2), iim(*flood[:3000]))
    assert keywords_in_file(None, decode_photo(path, 32).keywords) == tuple(f"keyword {i}" for i in range(MAX_KEYWORDS))


@pytest.mark.parametrize("block", [
    iim(*keywords_of("Grandma"))[:-2],  # its length runs past the end of the block
    iim(*keywords_of("Grandma")) + b"\x1c\x02\x19\x00\x40cut short",
    iim(*keywords_of("Grandma")) + b"\x1c\x02",  # a dataset's header cut short
    b"\x1d" + iim(*keywords_of("Grandma"))[1:],  # no dataset marker
    iim(*keywords_of("Grandma")) + b"\x1c\x02\x19\x80\x10" + b"\xff" * 16,  # an extended length past all sense
])
def test_a_broken_iptc_block_gives_no_keywords_and_the_photo_is_still_read(tmp_path: Path, block: bytes) -> None:
    photo = decode_photo(with_iptc_block(write_photo(tmp_path / "broken.jpg", seed=1), block), 32)
    assert photo.keywords == () and (photo.width, photo.height) == (160, 120)


def test_keywords_picasa_and_windows_wrote_become_the_users_tags(open_library, tmp_path: Path) -> None:
    folder = tmp_path / "photos"
    picasa = with_iptc_block(write_photo(folder / "picasa.jpg", seed=1), iim(*keywords_of("Grandma", "Lake House")))
    windows = with_exif_keywords(write_photo(folder / "windows.jpg", seed=2),
                                 "Grandma;Birthday".encode("utf-16-le") + b"\0\0")
    tiff = folder / "scan.tif"
    Image.new("RGB", (64, 48), (10, 120, 200)).save(tiff, "TIFF", tiffinfo={33723: iim(UTF8, *keywords_of("Opa"))})
    broken = with_iptc_block(write_photo(folder / "broken.jpg", seed=3), iim(*keywords_of("Cut"))[:-1])
    library = open_library()
    library.index([folder])

    def users(path: Path) -> set[str]:
        return {t.name for t in library.photo_tags(library.photo_at(path).id) if t.source == "user"}

    assert users(picasa) == {"grandma", "lake house"}
    assert users(windows) == {"grandma", "birthday"}
    assert users(tiff) == {"opa"}
    assert library.photo_at(broken).status == "indexed" and users(broken) == set()
    assert sorted(library.tagged("grandma")) == sorted(library.photo_at(p).id for p in (picasa, windows))


def test_a_keyword_is_shown_as_the_other_program_spelt_it_unless_the_tag_was_there_first(
    open_library, tmp_path: Path
) -> None:
    folder = tmp_path / "photos"
    write_photo(folder / "mine.jpg", seed=1)
    library = open_library()
    library.index([folder])
    library.add_tag([library.photo_at(folder / "mine.jpg").id], "tokyo")
    for name, words in (("digikam.jpg", ["Lisbon", "TOKYO"]), ("later.jpg", ["LISBON"])):
        with Image.open(write_photo(folder / name, seed=len(name))) as im:
            im.load()
            im.save(folder / name, "JPEG", xmp=others_sidecar(words))
        library.index([folder])

    assert library.tag_spellings() == {"lisbon": "Lisbon"}  # "tokyo" was the user's first; LISBON came later
    assert len(library.tagged("lisbon")) == 2 and len(library.tagged("Tokyo")) == 2


def test_automatic_tags_exported_to_a_sidecar_another_program_edits_stay_automatic(
    open_library, tmp_path: Path
) -> None:
    from tests.helpers import scene_folder, shapes_vocabulary

    scenes = scene_folder(tmp_path / "photos", seed=0, red_circles=4, others=4)
    library = open_library()
    library.set_vocabulary(shapes_vocabulary(tmp_path / "shapes.txt"))
    library.index([tmp_path / "photos"])
    photo = next(p for p in scenes if any(t.source == "auto" for t in library.photo_tags(library.photo_at(p).id)))
    pid = library.photo_at(photo).id
    guessed = {t.name for t in library.photo_tags(pid) if t.source == "auto"}
    library.add_tag([pid], "Grandma")
    library.export_sidecars()
    sidecar = photo.parent / (photo.name + ".xmp")
    assert set(keywords_in_xmp(sidecar.read_bytes())) == guessed | {"Grandma"}
    sidecar.write_bytes(others_sidecar([*sorted(guessed), "Grandma", "Roses"]))  # digiKam added a keyword
    library.index([tmp_path / "photos"])

    sources = {t.name: t.source for t in library.photo_tags(pid)}
    assert sources == {**dict.fromkeys(guessed, "auto"), "grandma": "user", "roses": "user"}


def test_a_keyword_too_long_for_a_tag_is_logged_not_lost_unseen(caplog: pytest.LogCaptureFixture) -> None:
    sentence = "Grandma and Grandpa at the lake house the summer before they moved to Lisbon"
    with caplog.at_level("INFO", logger="photoclip.keywords"):
        assert keywords_in_xmp(others_sidecar(["Lake", sentence])) == ["Lake"]
    assert sentence in caplog.text


def _case_sensitive(folder: Path) -> bool:
    (folder / "Case").write_bytes(b"")
    return not (folder / "CASE").exists()


def test_sidecars_named_in_another_case_are_read_where_case_counts(tmp_path: Path) -> None:
    if not _case_sensitive(tmp_path):
        pytest.skip("the file system ignores case: the usual names find these")
    for name in ("IMG_1.jpg", "IMG_2.jpg", "IMG_3.jpg", "img_3.jpg", "DSC_4.NEF"):
        (tmp_path / name).write_bytes(b"photo")
    (tmp_path / "IMG_1.JPG.XMP").write_bytes(others_sidecar(["From The Camera"]))
    (tmp_path / "img_2.jpg.xmp").write_bytes(others_sidecar(["Renamed By Hand"]))
    (tmp_path / "img_3.jpg.xmp").write_bytes(others_sidecar(["Not Yours"]))  # img_3.jpg's by its very name
    (tmp_path / "dsc_4.xmp").write_bytes(others_sidecar(["Lightroom"]))

    assert photo_keywords(None, others_sidecars(tmp_path / "IMG_1.jpg")) == ("From The Camera",)
    assert photo_keywords(None, others_sidecars(tmp_path / "IMG_2.jpg")) == ("Renamed By Hand",)
    assert photo_keywords(None, others_sidecars(tmp_path / "IMG_3.jpg")) == ()
    assert photo_keywords(None, others_sidecars(tmp_path / "img_3.jpg")) == ("Not Yours",)
    assert photo_keywords(None, others_sidecars(tmp_path / "DSC_4.NEF")) == ("Lightroom",)
    owners = sidecar_owners([tmp_path / "IMG_1.jpg", tmp_path / "IMG_3.jpg", tmp_path / "img_3.jpg"])
    assert owners(tmp_path / "IMG_1.JPG.XMP") == [tmp_path / "IMG_1.jpg"]
    assert owners(tmp_path / "img_3.jpg.xmp") == [tmp_path / "img_3.jpg"]


def test_a_sidecar_in_another_case_written_while_watched_tags_its_photo(open_library, tmp_path: Path) -> None:
    folder = tmp_path / "photos"
    photo = write_photo(folder / "IMG_1.jpg", seed=1)
    if not _case_sensitive(tmp_path):
        pytest.skip("the file system ignores case: the usual names find these")
    library = open_library()
    library.index([folder])
    sidecar = folder / "IMG_1.JPG.XMP"
    sidecar.write_bytes(others_sidecar(["Grandma"]))

    assert library.read_sidecars([sidecar]) == 1
    assert [(t.name, t.source) for t in library.photo_tags(library.photo_at(photo).id)] == [("grandma", "user")]


def _one_photo_indexed(open_library, tmp_path: Path):
    """A library of one photo, photos/IMG_1.jpg: (the library, its folder, the photo's id)."""
    folder = tmp_path / "photos"
    photo = write_photo(folder / "IMG_1.jpg", seed=1)
    library = open_library()
    library.index([folder])
    return library, folder, library.photo_at(photo).id


def test_a_tag_deleted_or_renamed_after_export_does_not_come_back_from_the_sidecar_another_program_saved(
    open_library, tmp_path: Path
) -> None:
    library, folder, pid = _one_photo_indexed(open_library, tmp_path)
    for tag in ("Grandma", "lake", "tram"):
        library.add_tag([pid], tag)
    library.export_sidecars(mine_only=True)
    library.delete_tag("grandma")
    library.rename_tag("lake", "Lake House")
    library.remove_tag([pid], "tram")
    sidecar = folder / "IMG_1.jpg.xmp"
    exported = keywords_in_xmp(sidecar.read_bytes())
    assert exported == ["Grandma", "lake", "tram"]

    sidecar.write_bytes(others_sidecar([*exported, "Roses"]))  # digiKam added a keyword, and kept photoclip's
    library.read_sidecars([sidecar])

    assert {(t.name, t.source) for t in library.photo_tags(pid)} == {
        ("lake house", "user"), ("roses", "user"), ("tram", "rejected")}


def test_a_keyword_added_by_hand_to_photoclips_own_sidecar_becomes_a_tag_and_stays(
    open_library, tmp_path: Path
) -> None:
    library, folder, pid = _one_photo_indexed(open_library, tmp_path)
    library.add_tag([pid], "Grandma")
    library.catalog.replace_auto_tags([pid], [(pid, "beach", 0.7)])
    library.export_sidecars()
    sidecar = folder / "IMG_1.jpg.xmp"
    mine = sidecar.read_bytes()
    sidecar.write_bytes(mine.replace(b"    </rdf:Bag>", b"     <rdf:li>Roses</rdf:li>\n    </rdf:Bag>"))  # an editor

    assert library.read_sidecars([sidecar]) == 1
    tags = {(t.name, t.source) for t in library.photo_tags(pid)}
    assert tags == {("grandma", "user"), ("beach", "auto"), ("roses", "user")}
    photo = folder / "IMG_1.jpg"
    photo.write_bytes(photo.read_bytes() + b"\0")  # the photo changed: read again, sidecar and all
    library.index([folder])
    assert {(t.name, t.source) for t in library.photo_tags(pid) if t.source == "user"} == {
        ("grandma", "user"), ("roses", "user")}
    library.catalog.replace_auto_tags([pid], [(pid, "beach", 0.7)])  # as the model found it
    library.export_sidecars()
    assert set(keywords_in_xmp(sidecar.read_bytes())) == {"Grandma", "beach", "Roses"}
    assert library.read_sidecars([sidecar]) == 0


def test_a_keyword_added_by_hand_to_photoclips_own_sidecar_survives_the_next_export_without_an_index_between(
    open_library, tmp_path: Path
) -> None:
    library, folder, pid = _one_photo_indexed(open_library, tmp_path)
    library.add_tag([pid], "Mine")
    library.export_sidecars()
    sidecar = folder / "IMG_1.jpg.xmp"
    added = b"     <rdf:li>HandAdded</rdf:li>\n    </rdf:Bag>"  # in photoclip's own layout, by an editor
    sidecar.write_bytes(sidecar.read_bytes().replace(b"    </rdf:Bag>", added))
    library.add_tag([pid], "Second")

    report = library.export_sidecars()

    assert report.updated == 1 and set(keywords_in_xmp(sidecar.read_bytes())) == {"Mine", "Second", "HandAdded"}
    assert ("handadded", "user") in {(t.name, t.source) for t in library.photo_tags(pid)}


def test_photoclips_own_sidecar_copied_with_its_photo_gives_the_copy_none_of_its_keywords(
    open_library, tmp_path: Path
) -> None:
    """photoclip does not know what it wrote beside the copy: its guesses would become the user's tags."""
    import shutil

    photo = write_photo(tmp_path / "photos" / "IMG_1.jpg", seed=1)
    library = open_library()
    library.index([photo.parent])
    pid = library.photo_at(photo).id
    library.add_tag([pid], "Grandma")
    library.catalog.replace_auto_tags([pid], [(pid, "beach", 0.7)])
    library.export_sidecars()
    copies = tmp_path / "backup"
    shutil.copytree(photo.parent, copies)
    library.index([copies])

    assert [t for t in library.photo_tags(library.photo_at(copies / "IMG_1.jpg").id) if t.source == "user"] == []
