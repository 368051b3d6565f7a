"""The engine must never import Qt, and cheap commands must not import torch."""

from __future__ import annotations

import json
import subprocess
import sys

ENGINE = [
    "photoclip.library", "photoclip.catalog", "photoclip.vectors", "photoclip.model", "photoclip.imaging",
    "photoclip.pipeline", "photoclip.scan", "photoclip.search", "photoclip.config", "photoclip.cli",
    "photoclip.dedup", "photoclip.humanize", "photoclip.worker", "photoclip.tagging", "photoclip.when",
    "photoclip.sidecars", "photoclip.clip_tokenizer", "photoclip.text_tower",
]


def loaded_after_import(modules: list[str]) -> set[str]:
    code = "import json, sys\n" + "".join(f"import {m}\n" for m in modules) + "print(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    return set(json.loads(out))


def test_the_engine_never_imports_qt() -> None:
    loaded = loaded_after_import(ENGINE)
    assert not {m for m in loaded if m.startswith(("PySide6", "shiboken6"))}


def test_importing_the_engine_does_not_load_torch() -> None:
    assert "torch" not in loaded_after_import(ENGINE)


def test_commands_start_without_the_network_modules() -> None:
    """urllib.request pulls in http.client, email and ssl: 40 ms of every command's start, needed
    only to download a model."""
    assert not {"urllib.request", "http.client", "ssl"} & loaded_after_import(["photoclip.cli", "photoclip.library"])
