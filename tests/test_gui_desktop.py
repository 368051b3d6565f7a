from __future__ import annotations

import os
import urllib.parse
from pathlib import Path

from PySide6.QtCore import QUrl

from photoclip.gui.desktop import file_url, files_data


def test_a_file_url_keeps_the_bytes_of_a_name_that_is_not_utf8(tmp_path: Path) -> None:
    odd = Path(os.fsdecode(bytes(tmp_path) + b"/caf\xe9 #1.jpg"))

    url = file_url(odd)

    assert url.isLocalFile()
    assert urllib.parse.unquote_to_bytes(url.toEncoded().data().decode()[len("file://"):]) == bytes(odd)


def test_a_file_url_of_an_ordinary_name_is_qts_own(tmp_path: Path) -> None:
    plain = tmp_path / "été #1.jpg"
    assert file_url(plain) == QUrl.fromLocalFile(str(plain))
    assert file_url(plain).toLocalFile() == str(plain)


def test_files_copied_out_keep_a_name_that_is_not_utf8_and_show_it_as_text(tmp_path: Path) -> None:
    """PySide6 crashed on the lone surrogates Python holds such a name's bytes by."""
    odd = Path(os.fsdecode(bytes(tmp_path) + b"/caf\xe9.jpg"))

    data = files_data([odd, tmp_path / "été.jpg"])

    assert [url.toEncoded().data() for url in data.urls()] == [file_url(odd).toEncoded().data(),
                                                               file_url(tmp_path / "été.jpg").toEncoded().data()]
    assert data.text() == f"{tmp_path}/caf\ufffd.jpg\n{tmp_path}/été.jpg"
    assert bytes(data.data("x-special/gnome-copied-files").data()).splitlines()[1:] == [
        url.toEncoded().data() for url in data.urls()]
