"""File writes that never leave half a file, whatever the file's name."""

from __future__ import annotations

import os
import threading
import unicodedata
from pathlib import Path

import pytest

from photoclip.fsutil import atomic_write_bytes, on_disk, spelled_as_listed


@pytest.mark.parametrize("name", ["写" * 80 + ".jpg.xmp", "a" * 255, "ü" * 127 + "x"])
def test_a_file_whose_name_fills_the_limit_is_written_whole_and_alone(tmp_path: Path, name: str) -> None:
    """The temporary file beside it was named after it and 14 bytes longer: "File name too long"."""
    assert len(os.fsencode(name)) in (248, 255)
    atomic_write_bytes(tmp_path / name, b"<x:xmpmeta/>")
    atomic_write_bytes(tmp_path / name, b"<x:xmpmeta>again</x:xmpmeta>")
    assert os.listdir(tmp_path) == [name] and (tmp_path / name).read_bytes() == b"<x:xmpmeta>again</x:xmpmeta>"


def test_a_path_typed_composed_is_found_as_a_mac_wrote_it_decomposed(tmp_path: Path) -> None:
    decomposed = unicodedata.normalize("NFD", "Été à Genève")
    (tmp_path / decomposed / "Café").mkdir(parents=True)
    typed = tmp_path / "Été à Genève" / "Café"
    assert not typed.exists() and on_disk(typed) == tmp_path / decomposed / "Café"
    assert on_disk(tmp_path / "Été à Genève" / "nowhere") == tmp_path / "Été à Genève" / "nowhere"
    assert on_disk(tmp_path) == tmp_path


def test_a_path_typed_in_another_case_is_found_as_a_memory_card_lists_it(memory_card: Path) -> None:
    (memory_card / "DCIM" / "100CANON").mkdir(parents=True)
    (memory_card / "DCIM" / "100CANON" / "IMG_0005.JPG").write_bytes(b"x")
    typed = memory_card / "dcim" / "100canon" / "img_0005.jpg"
    assert typed.exists() and on_disk(typed) == memory_card / "DCIM" / "100CANON" / "IMG_0005.JPG"
    assert spelled_as_listed(memory_card / "DCIM" / "100CANON" / "IMG_0005.JPG")
    assert not spelled_as_listed(typed)


def test_a_path_through_a_folder_renamed_in_case_only_is_not_spelled_as_listed_below_the_folder_given(
    memory_card: Path,
) -> None:
    """Only the file's own name was checked: after "100canon" became "100CANON" each photo's old path still
    seemed there. Folders above the one given are not looked at (a library folder kept as typed)."""
    (memory_card / "DCIM" / "100CANON").mkdir(parents=True)
    (memory_card / "DCIM" / "100CANON" / "IMG_0005.JPG").write_bytes(b"x")
    old = memory_card / "DCIM" / "100canon" / "IMG_0005.JPG"
    assert spelled_as_listed(old) and not spelled_as_listed(old, memory_card)
    assert spelled_as_listed(memory_card / "DCIM" / "100CANON" / "IMG_0005.JPG", memory_card)
    assert spelled_as_listed(memory_card / "dcim" / "100CANON" / "IMG_0005.JPG", memory_card / "dcim")


def test_a_path_typed_in_another_case_stays_as_typed_where_case_matters(tmp_path: Path) -> None:
    """On Linux's own drives "img_1.jpg" is another file, not there: it is not taken for "IMG_1.JPG"."""
    (tmp_path / "IMG_1.JPG").write_bytes(b"x")
    assert on_disk(tmp_path / "img_1.jpg") == tmp_path / "img_1.jpg"
    assert on_disk(tmp_path / "IMG_1.JPG") == tmp_path / "IMG_1.JPG"
    assert spelled_as_listed(tmp_path / "IMG_1.JPG") and not spelled_as_listed(tmp_path / "img_1.jpg")


def test_a_path_there_where_no_name_answers_in_another_case_is_taken_as_typed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """on_disk listed every folder on the way of every path typed, on Linux's own drives too (`tag x *.jpg`
    in a folder of 20,000 files: seconds): a path there is taken as it is, as the system opens it."""
    (tmp_path / "Photos" / "2019").mkdir(parents=True)
    (tmp_path / "Photos" / "2019" / "IMG_1.JPG").write_bytes(b"x")
    (tmp_path / "latest").symlink_to(Path("Photos") / "2019")
    monkeypatch.chdir(tmp_path)
    assert on_disk(Path("latest/IMG_1.JPG")) == Path("latest/IMG_1.JPG")
    assert on_disk(tmp_path / "Photos" / "2019") == tmp_path / "Photos" / "2019"


def test_a_path_through_a_link_and_up_is_the_one_the_system_opens(tmp_path: Path) -> None:
    """on_disk took "link/.." by its text: with work/link -> ../data/photos, "work/link/../other" was work/other,
    another folder than data/other, which the system opens; the same where a name was typed composed."""
    decomposed = unicodedata.normalize("NFD", "Été")
    (tmp_path / "data" / "photos").mkdir(parents=True)
    for folder in ("data", "work"):
        (tmp_path / folder / "other" / decomposed).mkdir(parents=True)
        (tmp_path / folder / "other" / "x.jpg").write_text(folder)
    (tmp_path / "work" / "link").symlink_to(Path("..") / "data" / "photos")
    up = tmp_path / "work" / "link" / ".."

    assert on_disk(up / "other" / "x.jpg").read_text() == "data"
    assert on_disk(up / "other" / "Été") == tmp_path / "data" / "other" / decomposed


@pytest.mark.skipif(not os.path.isdir("/proc/self/task"), reason="Linux's /proc")
def test_a_name_no_other_case_answers_to_is_spelled_as_listed_without_listing_its_folder() -> None:
    """spelled_as_listed listed the folder at every call (trashing 2,000 copies from a folder of 20,000 files
    took twice as long): it lists it only where the name in another case answers too, as on a drive that
    ignores case. /proc shows it: it lists no thread of a process but its first, though each answers."""
    started, done = threading.Event(), threading.Event()
    ids: list[int] = []

    def thread() -> None:
        ids.append(threading.get_native_id())
        started.set()
        done.wait()

    worker = threading.Thread(target=thread)
    worker.start()
    try:
        started.wait()
        assert str(ids[0]) not in os.listdir("/proc") and os.path.isdir(f"/proc/{ids[0]}")
        assert spelled_as_listed(f"/proc/{ids[0]}")
    finally:
        done.set()
        worker.join()


def test_a_path_not_there_is_not_spelled_as_listed(tmp_path: Path) -> None:
    assert not spelled_as_listed(tmp_path / "IMG_1.JPG")
    assert not spelled_as_listed(tmp_path / "nowhere" / "IMG_1.JPG")


def test_a_tilde_of_no_user_stays_as_written_as_a_shell_leaves_it() -> None:
    """pathlib raised "Could not determine home directory" for "~5 kg cat", a search's words."""
    from photoclip.fsutil import expanded

    assert expanded("~5 kg cat") == Path("~5 kg cat")
    assert expanded("~/Pictures") == Path.home() / "Pictures"


def test_a_tilde_with_no_home_folder_known_is_an_error_not_a_folder_named_tilde(monkeypatch) -> None:
    """Taken as written, `--library ~/lib` made a folder "~" in the current one (where `rm -rf ~`
    would later clear it), when neither HOME nor the user database said where home is."""
    import pwd

    from photoclip.errors import PhotoclipError
    from photoclip.fsutil import expanded
    from photoclip.search import parse_query

    def no_user(uid: int) -> None:
        raise KeyError(uid)

    monkeypatch.delenv("HOME", raising=False)
    monkeypatch.setattr(pwd, "getpwuid", no_user)
    with pytest.raises(PhotoclipError, match=r"^cannot tell which folder ~ is in ~/lib .*set HOME"):
        expanded("~/lib")
    assert [term.text for term in parse_query("~ red")] == ["~ red"]  # words all the same
