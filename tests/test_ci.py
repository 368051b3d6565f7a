"""The two entry points a fresh checkout is driven by: the Makefile's setup and .ci/run."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

needs_make = pytest.mark.skipif(shutil.which("make") is None, reason="no make here")


def _set_up() -> bool:
    """.venv is set up and current, so `make test` runs pytest straight away (no install)."""
    return subprocess.run(["make", "-q", "setup"], cwd=REPO, capture_output=True).returncode == 0


@needs_make
def test_ci_says_so_and_fails_when_pytest_collects_no_tests(tmp_path: Path) -> None:
    if not _set_up():
        pytest.skip(".venv is not set up here: make would install it")
    done = subprocess.run([str(REPO / ".ci" / "run"), f"PYTEST_ARGS={tmp_path}"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines()[-1] == (
        "pytest collected no tests: check that tests/ is there and that PYTEST_ARGS names tests")


@needs_make
def test_ci_passes_on_pytests_own_verdict(tmp_path: Path) -> None:
    if not _set_up():
        pytest.skip(".venv is not set up here: make would install it")
    (tmp_path / "test_one.py").write_text("def test_sum():\n    assert sum([1, 2]) == 3\n")
    done = subprocess.run([str(REPO / ".ci" / "run"), f"PYTEST_ARGS=-p no:cacheprovider {tmp_path}"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 passed" in done.stdout


@needs_make
def test_setup_with_too_old_or_missing_python_says_which_to_use_and_leaves_no_venv(tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    done = subprocess.run(["make", "-C", str(REPO), "setup", f"VENV={venv}", "PYTHON=python2.7-absent"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    assert ("photoclip needs Python 3.11 or newer, and 'python2.7-absent' is missing or older:"
            " run make again with PYTHON=python3.12 (or the newer one you have)") in done.stderr
    assert not venv.exists()


@needs_make
def test_make_desktop_puts_the_app_in_the_menu_started_from_the_checkouts_venv(tmp_path: Path) -> None:
    """`make run` leaves photoclip-gui in .venv/bin, on no PATH: a menu entry running
    `photoclip-gui` would do nothing."""
    if not _set_up():
        pytest.skip(".venv is not set up here: make would install it")
    done = subprocess.run(["make", "-s", "-C", str(REPO), "desktop", f"APPLICATIONS={tmp_path / 'apps'}",
                           f"ICONS={tmp_path / 'icons'}"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    entry = (tmp_path / "apps" / "photoclip.desktop").read_text().splitlines()
    [command] = [line.removeprefix("Exec=").strip('"') for line in entry if line.startswith("Exec=")]
    assert Path(command) == REPO / ".venv" / "bin" / "photoclip-gui" and Path(command).is_file()
    assert "Icon=photoclip" in entry and (tmp_path / "icons" / "photoclip.svg").is_file()
