from __future__ import annotations

import json
from pathlib import Path

import pytest

from photoclip.config import DEFAULT_MODEL, Settings, default_library_dir, load_settings, save_settings


def test_settings_round_trip(tmp_path: Path) -> None:
    settings = Settings(model="photoclip-tiny", cpu_threads=2, exclude_patterns=("*.tmp", "Trash"))
    save_settings(tmp_path, settings)
    assert load_settings(tmp_path) == settings


def test_missing_or_broken_settings_fall_back_to_defaults(tmp_path: Path) -> None:
    assert load_settings(tmp_path).model == DEFAULT_MODEL
    (tmp_path / "settings.json").write_text("{broken")
    assert load_settings(tmp_path) == Settings()


def test_a_value_of_the_wrong_kind_falls_back_to_its_default_and_says_so(tmp_path: Path, caplog) -> None:
    import logging

    caplog.set_level(logging.WARNING, logger="photoclip.config")
    (tmp_path / "settings.json").write_text(json.dumps(
        {"model": 5, "device": "cpu", "cpu_threads": "many", "exclude_patterns": ["*.tmp", 3], "vocabulary": None}))
    assert load_settings(tmp_path) == Settings(device="cpu")
    warned = " ".join(r.getMessage() for r in caplog.records)
    assert "model = 5" in warned and "cpu_threads = 'many'" in warned and "exclude_patterns" in warned
    (tmp_path / "settings.json").write_text("[1, 2]")
    assert load_settings(tmp_path) == Settings()
    assert "damaged (not a JSON object)" in caplog.records[-1].getMessage()


def test_a_device_no_machine_has_falls_back_to_auto_and_says_so(tmp_path: Path, caplog) -> None:
    import logging

    caplog.set_level(logging.WARNING, logger="photoclip.config")
    (tmp_path / "settings.json").write_text(json.dumps({"device": "quantum"}))
    assert load_settings(tmp_path).device == "auto"
    assert "device = 'quantum', which is not a valid value" in caplog.text
    (tmp_path / "settings.json").write_text(json.dumps({"device": "CUDA:1"}))
    assert load_settings(tmp_path).device == "CUDA:1"  # a device name in any case is one


def test_more_cpu_threads_than_cores_are_as_many_as_there_are_cores(tmp_path: Path, caplog) -> None:
    import logging
    import os

    caplog.set_level(logging.WARNING, logger="photoclip.config")
    cores = os.cpu_count() or 1
    (tmp_path / "settings.json").write_text(json.dumps({"cpu_threads": 100_000}))
    assert load_settings(tmp_path).cpu_threads == cores
    assert f"asks for 100000 CPU threads; this machine has {cores}" in caplog.text
    (tmp_path / "settings.json").write_text(json.dumps({"cpu_threads": 1}))
    assert load_settings(tmp_path).cpu_threads == 1


def test_unknown_keys_from_a_newer_version_are_ignored_and_kept(tmp_path: Path) -> None:
    (tmp_path / "settings.json").write_text(json.dumps({"model": "photoclip-tiny", "future_option": {"a": 1}}))
    assert load_settings(tmp_path).model == "photoclip-tiny"
    save_settings(tmp_path, Settings(model="ViT-B-32-256:datacomp_s34b_b86k", device="cpu"))
    saved = json.loads((tmp_path / "settings.json").read_text())
    assert saved["future_option"] == {"a": 1} and saved["model"] == "ViT-B-32-256:datacomp_s34b_b86k"


def test_environment_overrides_win(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PHOTOCLIP_MODEL", "photoclip-tiny")
    monkeypatch.setenv("PHOTOCLIP_DEVICE", "cpu")
    settings = Settings().with_env()
    assert (settings.model, settings.device) == ("photoclip-tiny", "cpu")


def test_library_location_can_be_overridden(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PHOTOCLIP_LIBRARY", str(tmp_path / "lib"))
    assert default_library_dir() == tmp_path / "lib"
    monkeypatch.delenv("PHOTOCLIP_LIBRARY")
    assert "photoclip" in str(default_library_dir())


def test_a_folder_left_out_reads_as_its_plain_path_and_a_pattern_as_written(tmp_path: Path) -> None:
    import glob

    from photoclip.config import pattern_from_line, shown_pattern

    trip = tmp_path / "[2019] Trip?"
    trip.mkdir()
    assert shown_pattern(glob.escape(str(trip))) == str(trip)
    assert shown_pattern("*/Screenshots/*") == "*/Screenshots/*"
    assert shown_pattern("/photos/[ab]*") == "/photos/[ab]*"
    assert pattern_from_line(str(trip)) == glob.escape(str(trip))  # a folder, not a character class
    assert pattern_from_line(str(tmp_path / "gone [x]")) == str(tmp_path / "gone [x]")
    assert pattern_from_line("[ab]*.tmp") == "[ab]*.tmp"


def test_a_device_in_the_environment_that_no_machine_has_is_named(monkeypatch) -> None:
    from photoclip.errors import ModelError

    monkeypatch.setenv("PHOTOCLIP_DEVICE", "bogus")
    with pytest.raises(ModelError, match=r"^PHOTOCLIP_DEVICE='bogus' is no device; set it to auto, cpu, cuda or mps"):
        Settings().with_env()
    monkeypatch.setenv("PHOTOCLIP_DEVICE", "CPU")
    assert Settings().with_env().device == "CPU"


def test_leave_out_patterns_written_with_a_home_or_a_trailing_slash_are_read_as_meant(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """"~/code", "Games/" and a path ending in a slash left nothing out, and said nothing."""
    import glob

    from photoclip.config import pattern_from_line

    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / "code").mkdir()
    (tmp_path / "settings.json").write_text(json.dumps({"exclude_patterns": [
        "~/code", "Games/", f"{tmp_path}/Games/", "Games", "Saves\\", "Android", "*.png", "/"]}))
    assert load_settings(tmp_path).exclude_patterns == (
        str(tmp_path / "code"), "Games", str(tmp_path / "Games"), "Saves", "Android", "*.png", "/")
    assert pattern_from_line("~/code/") == glob.escape(str(tmp_path / "code"))
    assert pattern_from_line("Games/") == "Games"
    assert pattern_from_line("~user-nobody-has/x") == "~user-nobody-has/x"
