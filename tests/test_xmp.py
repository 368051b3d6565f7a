"""xmp.py: packets parsed, and the sidecars beside a photo that other programs wrote."""

from __future__ import annotations

from pathlib import Path

import pytest

from photoclip import xmp
from tests.helpers import write_photo
from tests.test_scan import blocking_file, within  # noqa: F401 - a fixture

PACKET = (b'<x:xmpmeta xmlns:x="adobe:ns:meta/">'
          b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/></x:xmpmeta>')


def test_a_sidecar_whose_read_never_returns_is_passed_over(tmp_path: Path, blocking_file) -> None:
    photo = write_photo(tmp_path / "IMG_1.jpg", seed=1)
    blocking_file(tmp_path / "IMG_1.jpg.xmp")  # a FIFO, or a link to /proc/kmsg
    (tmp_path / "IMG_1.xmp").write_bytes(PACKET)  # Lightroom's naming, beside it

    assert within(10, xmp.others_sidecars, photo) == [PACKET]


def test_a_sidecar_too_big_to_be_one_or_a_folder_so_named_is_passed_over(tmp_path: Path) -> None:
    photo = write_photo(tmp_path / "IMG_1.jpg", seed=1)
    (tmp_path / "IMG_1.jpg.xmp").write_bytes(PACKET + b" " * xmp.MAX_XMP_BYTES)
    (tmp_path / "IMG_1.xmp").mkdir()

    assert xmp.others_sidecars(photo) == []


def test_a_packet_is_parsed_and_broken_xml_reads_as_nothing() -> None:
    assert xmp.parse(PACKET) is not None
    assert xmp.parse(b"<x:xmpmeta><rdf:RDF></x:xmpmeta>") is None
    assert xmp.parse(None) is None and xmp.parse(b"") is None


_SUBJECTS = ('<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"'
             ' xmlns:dc="http://purl.org/dc/elements/1.1/"><rdf:Description rdf:about=""><dc:subject><rdf:Bag>'
             '<rdf:li>Holiday</rdf:li><rdf:li>Café</rdf:li></rdf:Bag></dc:subject></rdf:Description></rdf:RDF>'
             '</x:xmpmeta>')


@pytest.mark.parametrize("packet", [
    ('<?xml version="1.0" encoding="ISO-8859-1"?>\n' + _SUBJECTS).encode("latin-1"),
    ('<?xml version="1.0" encoding="UTF-16"?>\n' + _SUBJECTS).encode("utf-16"),  # with its byte order mark
    ('<?xml version="1.0" encoding="UTF-8"?>\n' + _SUBJECTS).encode("cp1252"),  # called UTF-8, written in Windows'
    ('\ufeff<?xml version="1.0"?>\n' + _SUBJECTS).encode("utf-8"),
], ids=["latin-1", "utf-16", "cp1252", "utf-8"])
def test_a_packet_in_any_encoding_a_program_wrote_is_read_whole(packet: bytes) -> None:
    root = xmp.parse(packet)
    assert root is not None
    assert [li.text for li in root.iter("{http://www.w3.org/1999/02/22-rdf-syntax-ns#}li")] == ["Holiday", "Café"]


def test_sidecars_in_another_case_are_found_from_one_listing_of_a_settled_folder(tmp_path: Path) -> None:
    import os

    photos = [tmp_path / f"img_{i}.jpg" for i in range(3)]
    for photo in photos:
        photo.write_bytes(b"")
        (tmp_path / f"{photo.stem}.JPG.XMP").write_bytes(b"")
    settled = (os.stat(tmp_path).st_mtime_ns - 10 * 10**9) / 1e9
    os.utime(tmp_path, (settled, settled))  # as a folder of last week's photos
    found = [xmp.sidecars_beside(photo)[-1] for photo in photos]
    assert found == [tmp_path / f"img_{i}.JPG.XMP" for i in range(3)]
    listing = xmp._LISTED[tmp_path][1]
    owners = listing.owners()
    xmp.sidecars_beside(photos[0])
    assert xmp._LISTED[tmp_path][1] is listing and listing.owners() is owners  # the folder is not listed again


def test_a_pixels_cover_jpeg_reads_the_sidecar_darktable_wrote_for_its_raw(tmp_path: Path) -> None:
    """A Pixel's COVER JPEG stands for its raw (PXL_….RAW-02.ORIGINAL.dng), whose sidecar it never read."""
    cover = write_photo(tmp_path / "PXL_20230709_090000555.RAW-01.COVER.jpg", seed=1)
    (tmp_path / "PXL_20230709_090000555.RAW-02.ORIGINAL.dng").write_bytes(b"raw")
    (tmp_path / "PXL_20230709_090000555.RAW-02.ORIGINAL.dng.xmp").write_bytes(PACKET)
    other = write_photo(tmp_path / "PXL_20230709_090000556.RAW-01.MP.COVER.jpg", seed=2)
    (tmp_path / "PXL_20230709_090000557.RAW-02.ORIGINAL.dng.xmp").write_bytes(PACKET + b" ")  # of no raw here
    camera = write_photo(tmp_path / "DSC_2.JPG", seed=3)
    (tmp_path / "DSC_2.NEF").write_bytes(b"raw")
    (tmp_path / "DSC_2.NEF.xmp").write_bytes(PACKET + b"  ")

    assert xmp.others_sidecars(cover) == [PACKET]
    assert xmp.others_sidecars(other) == []
    assert xmp.others_sidecars(camera) == [PACKET + b"  "]


_DATE_NAMESPACES = {"exif": "http://ns.adobe.com/exif/1.0/", "photoshop": "http://ns.adobe.com/photoshop/1.0/",
                    "xmp": "http://ns.adobe.com/xap/1.0/"}


def dated_xmp(dates: dict[str, str], as_elements: bool = False) -> bytes:
    """An XMP packet (a sidecar's, or one embedded in a photo) with these date properties
    ({"photoshop:DateCreated": "1998-12-24"}): attributes of its rdf:Description as Lightroom and
    exiftool write them, or elements of their own as digiKam does."""
    spaces = " ".join(f'xmlns:{prefix}="{uri}"' for prefix, uri in _DATE_NAMESPACES.items())
    if as_elements:
        body = f'<rdf:Description rdf:about="" {spaces}>' + "".join(
            f"<{name}>{value}</{name}>" for name, value in dates.items()) + "</rdf:Description>"
    else:
        body = f'<rdf:Description rdf:about="" {spaces} ' + " ".join(
            f'{name}="{value}"' for name, value in dates.items()) + "/>"
    return (f'<x:xmpmeta xmlns:x="adobe:ns:meta/" x:xmptk="Adobe XMP Core 7.0">'
            f'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">{body}</rdf:RDF></x:xmpmeta>').encode()


@pytest.mark.parametrize("as_elements", [False, True], ids=["lightroom", "digikam"])
def test_the_dates_of_a_packet_are_read_surest_first_however_a_program_writes_them(as_elements: bool) -> None:
    packet = dated_xmp({"xmp:CreateDate": "2024-03-01T09:00:00", "xmp:ModifyDate": "2024-03-02T10:00:00",
                        "photoshop:DateCreated": "1998-12-24", "exif:DateTimeOriginal": " 1998-12-24T18:00 "},
                       as_elements)

    assert xmp.date_texts(xmp.parse(packet)) == ["1998-12-24T18:00", "1998-12-24", "2024-03-01T09:00:00"]
    assert xmp.date_texts(xmp.parse(PACKET)) == [] and xmp.date_texts(None) == []


def noted(keywords: list[bytes], caption: bytes, declaration: bytes = b"") -> bytes:
    """A packet with these keywords and this caption, as a program wrote it, odd characters and all."""
    items = b"".join(b"<rdf:li>%s</rdf:li>" % keyword for keyword in keywords)
    return (declaration + b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf'
            b'-syntax-ns#"><rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:subject>'
            b"<rdf:Bag>" + items + b'</rdf:Bag></dc:subject><dc:description><rdf:Alt><rdf:li xml:lang="x-default">'
            + caption + b"</rdf:li></rdf:Alt></dc:description></rdf:Description></rdf:RDF></x:xmpmeta>")


def test_characters_xml_forbids_are_dropped_and_the_rest_of_the_packet_read() -> None:
    raw = noted([b"Lisbon", b"a\x1bb", b"\x00", b"tab\there"], b"Sunset\x0b at the\x0c pier")
    referenced = noted([b"Lisbon", b"a&#x1b;b&#0000065;", b"&#0;&#xD800;&#99999999999;"], b"Sunset&#11; at&#xA;pier")
    utf7 = noted([b"Lisbon", b"Beach +2D3eAA-", b"+2D0-"], b"Sunset", b'<?xml version="1.0" encoding="UTF-7"?>')

    texts = [[li.text for li in xmp.parse(packet).iter(xmp.RDF_ITEM)] for packet in (raw, referenced, utf7)]

    assert texts == [["Lisbon", "ab", None, "tab\there", "Sunset at the pier"],
                     ["Lisbon", "abA", None, "Sunset at\npier"],
                     ["Lisbon", "Beach 😀", None, "Sunset"]]


def test_a_photo_whose_xmp_holds_a_control_character_is_indexed_with_its_keywords_and_caption(
    open_library, tmp_path: Path
) -> None:
    from PIL import Image

    folder = tmp_path / "photos"
    beside, inside, utf7 = (write_photo(folder / name, seed=i) for i, name in enumerate(("a.jpg", "b.jpg", "c.jpg")))
    (folder / "a.jpg.xmp").write_bytes(noted([b"Lisbon", b"a\x1bb"], b"Sunset\x0b at the pier"))
    with Image.open(inside) as im:
        im.load()
        im.save(inside, "JPEG", xmp=noted([b"Porto", b"\x00"], b"Bridge\x00 at night"))
    (folder / "c.jpg.xmp").write_bytes(noted([b"Faro", b"+2D0-"], b"Beach +2D3eAA-",
                                             b'<?xml version="1.0" encoding="UTF-7"?>'))
    library = open_library()

    library.index([folder])

    assert library.status().counts.indexed == 3
    found = {photo: ({t.name for t in library.photo_tags(library.photo_at(photo).id) if t.source == "user"},
                     library.caption(library.photo_at(photo).id)) for photo in (beside, inside, utf7)}
    assert found == {beside: ({"lisbon", "ab"}, "Sunset at the pier"), inside: ({"porto"}, "Bridge at night"),
                     utf7: ({"faro"}, "Beach 😀")}
