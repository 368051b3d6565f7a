"""The GUI talks to the library and the worker only: no SQLite, hnswlib or torch in gui/."""

from __future__ import annotations

import ast
from pathlib import Path

import photoclip.gui

FORBIDDEN = ("sqlite3", "hnswlib", "torch", "open_clip", "photoclip.vectors", "photoclip.model", "photoclip.pipeline")


def imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_gui_modules_never_import_the_storage_or_the_model_directly() -> None:
    folder = Path(photoclip.gui.__file__).parent
    offenders = {
        f"{path.name}: {name}"
        for path in folder.glob("*.py")
        for name in imported_modules(path)
        if any(name == f or name.startswith(f + ".") for f in FORBIDDEN)
    }
    assert not offenders
