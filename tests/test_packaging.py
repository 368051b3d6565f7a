"""photoclip as pip installs it from a wheel: every module and all the shipped data (the tiny
model, vocabularies, places, icons) go with it, and it runs from the wheel alone."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.helpers import write_photo

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A wheel built from a copy of this checkout (a build writes build/ and egg-info where it runs)."""
    source = tmp_path_factory.mktemp("source")
    for name in ("photoclip", "resources"):
        shutil.copytree(REPO / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(REPO / name, source / name)
    built = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", str(source),
                    "-w", str(built)], check=True, capture_output=True)
    return next(built.glob("photoclip-*.whl"))


def test_the_wheel_carries_every_module_and_every_shipped_file(wheel: Path) -> None:
    carried = set(zipfile.ZipFile(wheel).namelist())
    modules = {path.relative_to(REPO).as_posix() for path in (REPO / "photoclip").rglob("*.py")}
    shipped = {"photoclip/" + path.relative_to(REPO).as_posix()
               for path in (REPO / "resources").rglob("*") if path.is_file()}

    assert modules - carried == set()
    assert shipped - carried == set()
    assert any(name.endswith(".dist-info/licenses/LICENSE") for name in carried)


def test_photoclip_installed_from_the_wheel_indexes_and_searches_with_its_shipped_model(
    wheel: Path, tmp_path: Path
) -> None:
    installed = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(installed),
                    str(wheel)], check=True, capture_output=True)
    for i in range(3):
        write_photo(tmp_path / "photos" / f"p{i}.jpg", seed=i)
    env = {**os.environ, "PYTHONPATH": str(installed)}

    def photoclip(*args: str) -> str:
        return subprocess.run([sys.executable, "-m", "photoclip", "--library", str(tmp_path / "library"),
                               "--model", "photoclip-tiny", *args],
                              cwd=tmp_path, env=env, check=True, capture_output=True, text=True).stdout

    where = subprocess.run([sys.executable, "-c", "import photoclip.config as c; print(c.resources_dir())"],
                           cwd=tmp_path, env=env, check=True, capture_output=True, text=True).stdout.strip()
    photoclip("index", str(tmp_path / "photos"))

    assert Path(where) == installed / "photoclip" / "resources"
    assert sorted(photoclip("search", "a photo", "-n", "3").split()) == sorted(
        str(tmp_path / "photos" / f"p{i}.jpg") for i in range(3))
