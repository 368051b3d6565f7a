"""Keywords other programs gave a photo (XMP dc:subject, in the file or a sidecar beside it)
become the user's tags; broken or hostile XMP means no keywords, never a failed photo."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image, PngImagePlugin

from photoclip.imaging import decode_photo
from photoclip.keywords import MAX_KEYWORDS, is_sidecar, keywords_in_xmp, photo_keywords, sidecar_owners
from photoclip.sidecars import xmp_document
from photoclip.xmp import others_sidecars
from tests.helpers import others_sidecar

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
    assert keywords_in_xmp(DIGIKAM) == ["lisbon", "tom & ann"]  # no hierarchy paths, no blank, nothing too long for a tag
    assert keywords_in_xmp(xmp_document(["Lake House", "kids"])) == ["lake house", "kids"]


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
    assert photo_keywords(None, others_sidecars(photo)) == ("lisbon", "tom & ann", "from lightroom")
    assert photo_keywords(xmp_document(["In The File", "lisbon"]), others_sidecars(photo)) == (
        "in the file", "lisbon", "tom & ann", "from lightroom")
    camera = tmp_path / "DSC_2.NEF"
    (tmp_path / "DSC_2.XMP").write_bytes(others_sidecar(["Spelt By A Camera"]))  # upper case, as some write it
    assert photo_keywords(None, others_sidecars(camera)) == ("spelt by a camera",)


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
    assert photo_keywords(None, others_sidecars(photo)) == ("beach", "grandma")


def test_a_sidecar_belongs_to_the_photo_it_names_or_to_every_photo_of_its_stem() -> None:
    photos_of_sidecar = sidecar_owners([Path("/p/IMG_1.jpg"), Path("/p/IMG_1.CR2"), Path("/p/IMG_12.jpg"),
                                        Path("/p/sub/IMG_1.jpg"), Path("/p/IMG_1.jpg.png"), Path("/p/party.2023.jpg")])
    assert photos_of_sidecar(Path("/p/IMG_1.jpg.xmp")) == [Path("/p/IMG_1.jpg")]
    assert photos_of_sidecar(Path("/p/party.2023.xmp")) == [Path("/p/party.2023.jpg")]  # a dot in its name
    assert photos_of_sidecar(Path("/p/IMG_1.XMP")) == [Path("/p/IMG_1.jpg"), Path("/p/IMG_1.CR2")]
    assert photos_of_sidecar(Path("/p/sub/IMG_1.xmp")) == [Path("/p/sub/IMG_1.jpg")]
    assert photos_of_sidecar(Path("/p/IMG_9.xmp")) == []
    assert is_sidecar("/p/IMG_1.XMP") and not is_sidecar("/p/IMG_1.jpg")
