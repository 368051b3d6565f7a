from __future__ import annotations

import os
import urllib.parse
from pathlib import Path

from PySide6.QtCore import QUrl

from photoclip.gui.desktop import file_url


def test_a_file_url_keeps_the_bytes_of_a_name_that_is_not_utf8(tmp_path: Path) -> None:
    odd = Path(os.fsdecode(bytes(tmp_path) + b"/caf\xe9 #1.jpg"))

    url = file_url(odd)

    assert url.isLocalFile()
    assert urllib.parse.unquote_to_bytes(url.toEncoded().data().decode()[len("file://"):]) == bytes(odd)


def test_a_file_url_of_an_ordinary_name_is_qts_own(tmp_path: Path) -> None:
    plain = tmp_path / "été #1.jpg"
    assert file_url(plain) == QUrl.fromLocalFile(str(plain))
    assert file_url(plain).toLocalFile() == str(plain)
