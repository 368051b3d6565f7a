from __future__ import annotations

import os
import stat
import threading
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from photoclip.sidecars import SidecarReport, sidecar_path, write_sidecar, written_by_photoclip, xmp_document
from photoclip.xmp import others_sidecars

NS = {"rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "dc": "http://purl.org/dc/elements/1.1/"}


def keywords(path: Path) -> list[str]:
    root = ET.fromstring(path.read_bytes().split(b"?>", 1)[1].rsplit(b"<?xpacket", 1)[0])
    return [li.text for li in root.findall(".//dc:subject/rdf:Bag/rdf:li", NS)]


def test_a_sidecar_holds_the_tags_as_keywords_other_programs_read(tmp_path: Path) -> None:
    photo = tmp_path / "IMG_1.jpg"
    photo.write_bytes(b"jpeg bytes")
    report = SidecarReport()
    write_sidecar(photo, ["lake house", "fish & chips", "<odd>"], report)
    assert sidecar_path(photo) == tmp_path / "IMG_1.jpg.xmp" and report.written == 1
    assert keywords(sidecar_path(photo)) == ["lake house", "fish & chips", "<odd>"]
    assert photo.read_bytes() == b"jpeg bytes"


def test_its_own_sidecar_is_brought_up_to_date_and_another_programs_is_kept(tmp_path: Path) -> None:
    mine, theirs = tmp_path / "a.jpg", tmp_path / "b.jpg"
    theirs_xmp = sidecar_path(theirs)
    theirs_xmp.write_bytes(b'<x:xmpmeta xmlns:x="adobe:ns:meta/" x:xmptk="darktable"><edits/></x:xmpmeta>')
    report = SidecarReport()
    write_sidecar(mine, ["dog"], report)
    write_sidecar(mine, ["dog"], report)
    write_sidecar(mine, ["dog", "beach"], report)
    write_sidecar(theirs, ["dog"], report)
    assert (report.written, report.unchanged, report.updated, report.kept) == (1, 1, 1, [theirs_xmp])
    assert keywords(sidecar_path(mine)) == ["dog", "beach"] and b"darktable" in theirs_xmp.read_bytes()


def test_an_empty_sidecar_is_written_as_a_new_one(tmp_path: Path) -> None:
    photo = tmp_path / "IMG_1.jpg"
    photo.write_bytes(b"jpeg")
    sidecar_path(photo).write_bytes(b"")
    report = SidecarReport()
    write_sidecar(photo, ["beach"], report)
    assert (report.written, report.kept) == (1, [])
    assert sidecar_path(photo).read_bytes() == xmp_document(["beach"])


def test_a_sidecar_that_cannot_be_written_is_reported_not_raised(tmp_path: Path) -> None:
    sidecar_path(tmp_path / "a.jpg").mkdir()  # a folder where the sidecar would go
    report = SidecarReport()
    write_sidecar(tmp_path / "a.jpg", ["dog"], report)
    write_sidecar(tmp_path / "b.jpg", ["dog"], report)
    assert [path for path, _ in report.failed] == [tmp_path / "a.jpg.xmp"] and report.written == 1


def test_a_sidecar_is_photoclips_by_its_toolkit_alone(tmp_path: Path) -> None:
    mine = xmp_document(["x"])
    theirs = mine.replace(b'x:xmptk="photoclip ', b'x:xmptk="photoclipper ')
    quoted = mine.replace(b"<rdf:li>x</rdf:li>", b'<rdf:li>x:xmptk="photoclip 1.0"</rdf:li>').replace(
        b'x:xmptk="photoclip ', b'x:xmptk="Adobe XMP Core ', 1)
    assert written_by_photoclip(mine) and not written_by_photoclip(theirs) and not written_by_photoclip(quoted)


def test_the_document_is_an_xmp_packet() -> None:
    document = xmp_document(["x"])
    assert document.startswith(b'<?xpacket begin="\xef\xbb\xbf"') and document.rstrip().endswith(b'<?xpacket end="w"?>')


def test_a_sidecar_gets_the_usual_mode_and_keeps_the_one_it_had(tmp_path: Path) -> None:
    umask = os.umask(0o022)
    os.umask(umask)
    report = SidecarReport()
    write_sidecar(tmp_path / "a.jpg", ["dog"], report)
    assert stat.S_IMODE(sidecar_path(tmp_path / "a.jpg").stat().st_mode) == 0o666 & ~umask  # not 0600: others read it
    sidecar_path(tmp_path / "a.jpg").chmod(0o640)
    write_sidecar(tmp_path / "a.jpg", ["dog", "lake"], report)
    assert stat.S_IMODE(sidecar_path(tmp_path / "a.jpg").stat().st_mode) == 0o640 and report.updated == 1


def test_a_read_only_or_linked_sidecar_is_respected(tmp_path: Path) -> None:
    report = SidecarReport()
    write_sidecar(tmp_path / "locked.jpg", ["dog"], report)
    locked = sidecar_path(tmp_path / "locked.jpg")
    locked.chmod(0o444)
    write_sidecar(tmp_path / "locked.jpg", ["dog", "lake"], report)
    assert keywords(locked) == ["dog"] and report.failed == [(locked, "read-only; photoclip leaves it as it is")]

    elsewhere = tmp_path / "elsewhere" / "kept.xmp"
    elsewhere.parent.mkdir()
    elsewhere.write_bytes(xmp_document(["dog"]))
    linked = sidecar_path(tmp_path / "linked.jpg")
    linked.symlink_to(elsewhere)
    write_sidecar(tmp_path / "linked.jpg", ["dog", "lake"], report)
    assert linked.is_symlink() and keywords(elsewhere) == ["dog", "lake"]  # written where it lives

    sidecar_path(tmp_path / "dangling.jpg").symlink_to(tmp_path / "nowhere.xmp")
    write_sidecar(tmp_path / "dangling.jpg", ["dog"], report)
    assert not (tmp_path / "nowhere.xmp").exists() and sidecar_path(tmp_path / "dangling.jpg").is_symlink()
    assert report.failed[-1][1] == "a link to no sidecar; photoclip leaves it as it is"
    looped = sidecar_path(tmp_path / "looped.jpg")
    looped.symlink_to(looped)  # a link to itself
    write_sidecar(tmp_path / "looped.jpg", ["dog"], report)
    assert report.failed[-1] == (looped, "a link to no sidecar; photoclip leaves it as it is")


def test_a_fifo_named_like_a_sidecar_is_neither_read_nor_written(tmp_path: Path) -> None:
    photo = tmp_path / "IMG_1.jpg"
    os.mkfifo(sidecar_path(photo))
    report = SidecarReport()
    results: list[object] = []

    def touch_it() -> None:  # reading a FIFO blocks for ever: it must not be read
        results.append(others_sidecars(photo))
        write_sidecar(photo, ["dog"], report)

    worker = threading.Thread(target=touch_it, daemon=True)
    worker.start()
    worker.join(10)
    assert not worker.is_alive() and results == [[]]
    assert report.failed == [(sidecar_path(photo), "not a regular file; photoclip leaves it as it is")]


def test_a_sidecar_photoclip_wrote_that_someone_changed_since_is_kept(tmp_path: Path) -> None:
    report = SidecarReport()
    for name in ("rated.jpg", "older.jpg", "plain.jpg"):
        write_sidecar(tmp_path / name, ["dog", "fish & chips"], report)
    rated = sidecar_path(tmp_path / "rated.jpg")
    rated.write_bytes(rated.read_bytes().replace(b'rdf:about=""', b'rdf:about="" xmp:Rating="5"'))  # in darktable
    before = rated.read_bytes()
    older = sidecar_path(tmp_path / "older.jpg")
    older.write_bytes(xmp_document(["dog"], version="0.0.1"))  # an earlier photoclip's, as it left it

    for name in ("rated.jpg", "older.jpg", "plain.jpg"):
        write_sidecar(tmp_path / name, ["dog", "lake"], report)

    assert rated.read_bytes() == before and report.kept == [rated]  # the rating stays
    assert keywords(older) == ["dog", "lake"] and keywords(sidecar_path(tmp_path / "plain.jpg")) == ["dog", "lake"]


def test_no_sidecar_is_written_beside_another_programs_of_the_other_naming_or_case(tmp_path: Path) -> None:
    theirs = b'<x:xmpmeta xmlns:x="adobe:ns:meta/" x:xmptk="Adobe XMP Core"><edits/></x:xmpmeta>'
    lightroom, upper, shared = tmp_path / "LR_raw.xmp", tmp_path / "new_upper.jpg.XMP", tmp_path / "IMG_1.xmp"
    for sidecar in (lightroom, upper, shared, tmp_path / "IMG_2.jpg.xmp"):
        sidecar.write_bytes(theirs)
    report = SidecarReport()
    for name in ("LR_raw.nef", "new_upper.jpg", "IMG_1.jpg", "IMG_1.nef"):
        write_sidecar(tmp_path / name, ["dog"], report)

    assert report.kept == [lightroom, upper, shared] and report.written == 0  # the shared one listed once
    assert sorted(p.name for p in tmp_path.iterdir()) == ["IMG_1.xmp", "IMG_2.jpg.xmp", "LR_raw.xmp",
                                                         "new_upper.jpg.XMP"]
    assert all(p.read_bytes() == theirs for p in tmp_path.iterdir())

    write_sidecar(tmp_path / "IMG_2.jpg.png", ["dog"], report)  # IMG_2.jpg.xmp is IMG_2.jpg's, not this one's
    assert report.written == 1 and keywords(tmp_path / "IMG_2.jpg.png.xmp") == ["dog"]


def test_its_own_sidecar_is_still_updated_beside_another_programs_but_none_is_made_there(tmp_path: Path) -> None:
    theirs = b'<x:xmpmeta xmlns:x="adobe:ns:meta/" x:xmptk="Adobe XMP Core"/>'
    photo, mine = tmp_path / "IMG_3.nef", sidecar_path(tmp_path / "IMG_3.nef")
    report = SidecarReport()
    write_sidecar(photo, ["dog"], report)
    (tmp_path / "IMG_3.xmp").write_bytes(theirs)  # Lightroom's, since photoclip wrote its own
    (tmp_path / "IMG_5.xmp").write_bytes(theirs)
    (tmp_path / "IMG_4.nef.XMP").write_bytes(mine.read_bytes())  # photoclip's, copied: not another program's
    (tmp_path / "IMG_4.xmp").mkdir()  # a folder so named is no one's sidecar

    for name in ("IMG_3.nef", "IMG_4.nef", "IMG_5.nef"):
        write_sidecar(tmp_path / name, ["dog", "lake"], report)

    assert (report.written, report.updated, report.kept) == (2, 1, [tmp_path / "IMG_5.xmp"])
    assert keywords(mine) == ["dog", "lake"] and keywords(sidecar_path(tmp_path / "IMG_4.nef")) == ["dog", "lake"]
    assert not sidecar_path(tmp_path / "IMG_5.nef").exists()


def test_no_sidecar_is_written_beside_another_programs_named_as_the_photo_in_another_case(tmp_path: Path) -> None:
    (tmp_path / "Case").write_bytes(b"")
    if (tmp_path / "CASE").exists():
        pytest.skip("the file system ignores case: the usual names find these")
    theirs = b'<x:xmpmeta xmlns:x="adobe:ns:meta/" x:xmptk="Adobe XMP Core"><edits/></x:xmpmeta>'
    camera = tmp_path / "IMG_1.JPG.XMP"
    camera.write_bytes(theirs)
    (tmp_path / "img_2.jpg.xmp").write_bytes(theirs)  # img_2.jpg's, by its very name
    (tmp_path / "img_2.jpg").write_bytes(b"jpeg")
    report = SidecarReport()
    for name in ("IMG_1.jpg", "IMG_2.jpg"):
        write_sidecar(tmp_path / name, ["dog"], report)

    assert report.kept == [camera] and report.written == 1
    assert not sidecar_path(tmp_path / "IMG_1.jpg").exists()
    assert keywords(sidecar_path(tmp_path / "IMG_2.jpg")) == ["dog"]
