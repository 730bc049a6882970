"""The committed reference results load through rl.load_reference, from every place it looks
(the same way whether regnet_lab is installed editable or not)."""

from __future__ import annotations

import http.server
import shutil
import threading
from pathlib import Path

import pytest

import regnet_lab as rl
from regnet_lab import reference

ROOT = Path(__file__).resolve().parent.parent
CPU = ROOT / "data" / "sweeps" / "cpu"


def test_loads_every_space():
    frame = rl.load_reference()  # from REGNET_LAB_REFERENCE (tests/conftest.py): the checkout's
    assert set(frame["space"]) == set(rl.design_space_names())
    assert (frame["status"] == "ok").all()
    assert frame["error"].between(0, 100).all()
    for space in rl.design_space_names():
        assert len(frame[frame["space"] == space]) == len(rl.read_results(CPU / f"{space}.jsonl"))


def test_one_space_and_manifest():
    frame = rl.load_reference("RegNetX_refined")
    assert set(frame["space"]) == {"RegNetX_refined"}
    assert {"d", "w0", "wa", "wm", "flops", "error"} <= set(frame.columns)
    manifest = rl.reference_manifest("cpu")
    assert "RegNetX_refined.jsonl" in manifest and "runs" in manifest["RegNetX_refined.jsonl"]


@pytest.mark.parametrize("bad", [dict(spaces="AnyNetX_Z"), dict(spaces=[]), dict(budget="tpu")])
def test_bad_arguments_raise_value_error(bad):
    with pytest.raises(ValueError):
        rl.load_reference(**bad)


def test_found_next_to_an_editable_install(tmp_path, monkeypatch):
    """Place 2 of the search: data/sweeps of the checkout the package is imported from."""
    monkeypatch.delenv(reference.REFERENCE_ENV, raising=False)
    monkeypatch.setattr(reference, "__file__", str(ROOT / "regnet_lab" / "reference.py"))
    monkeypatch.chdir(tmp_path)
    assert rl.reference_dir("cpu") == CPU


def test_found_above_the_working_directory(tmp_path, monkeypatch):
    """Place 3: a wheel install has no data/sweeps beside it; a chapter run in a clone finds the
    results in a parent of its working directory."""
    monkeypatch.delenv(reference.REFERENCE_ENV, raising=False)
    monkeypatch.setattr(reference, "__file__", str(tmp_path / "site" / "regnet_lab" / "reference.py"))
    monkeypatch.chdir(ROOT / "chapters")
    assert rl.reference_dir("cpu") == CPU
    monkeypatch.chdir(tmp_path)
    with pytest.raises(FileNotFoundError, match="REGNET_LAB_REFERENCE"):
        rl.reference_dir("cpu")


def test_environment_folder_wins(tmp_path, monkeypatch):
    (tmp_path / "cpu").mkdir()
    shutil.copy(CPU / "RegNetX_refined.jsonl", tmp_path / "cpu" / "RegNetX_refined.jsonl")
    lines = (CPU / "RegNetX_refined.jsonl").read_text().splitlines(keepends=True)[:3]
    (tmp_path / "cpu" / "RegNetX_refined.jsonl").write_text("".join(lines))
    monkeypatch.setenv(reference.REFERENCE_ENV, str(tmp_path))
    assert len(rl.load_reference("RegNetX_refined")) == 3


def test_missing_results_say_what_to_do(tmp_path, monkeypatch):
    monkeypatch.setenv(reference.REFERENCE_ENV, str(tmp_path))
    monkeypatch.setattr(reference, "_candidates", lambda: [tmp_path])
    with pytest.raises(FileNotFoundError, match="REGNET_LAB_REFERENCE"):
        rl.load_reference("RegNetX_refined")


@pytest.fixture
def served(tmp_path, monkeypatch):
    """A folder served over HTTP as REGNET_LAB_REFERENCE (as on Colab), with no local results
    and an empty cache; yields the folder to fill."""
    folder = tmp_path / "served"
    folder.mkdir()

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *a, **k):
            super().__init__(*a, directory=str(folder), **k)

        def log_message(self, *a):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setenv(reference.REFERENCE_ENV, f"http://127.0.0.1:{server.server_port}")
    monkeypatch.setattr(reference, "_candidates", lambda: [])
    monkeypatch.setattr(reference, "_CACHE", tmp_path / "cache")
    yield folder
    server.shutdown()


def test_downloads_from_a_url_into_the_cache(served, tmp_path):
    (served / "cpu").mkdir()
    shutil.copy(CPU / "RegNetX_refined.jsonl", served / "cpu" / "RegNetX_refined.jsonl")
    frame = rl.load_reference("RegNetX_refined")
    assert len(frame) == len(rl.read_results(CPU / "RegNetX_refined.jsonl"))
    assert (tmp_path / "cache" / "cpu" / "RegNetX_refined.jsonl").is_file()
    with pytest.raises(FileNotFoundError, match="could not fetch"):
        rl.load_reference("AnyNetX_A")


def test_retraining_set_found_and_downloaded(served, tmp_path):
    """Chapter 16 reads the Section 5 runs through retraining_reference_dir, also on Colab
    (REGNET_LAB_REFERENCE is a URL there and no checkout exists)."""
    local = CPU / "section-5"
    shutil.copytree(local, served / "cpu" / "section-5")
    folder = rl.retraining_reference_dir("section-5")
    assert folder == tmp_path / "cache" / "cpu" / "section-5"
    runs = rl.load_retrain(folder / "runs.jsonl")
    assert len(runs) == len(rl.load_retrain(local / "runs.jsonl")) > 0
    assert {n.name for n in rl.read_networks(folder / "networks.json")} == set(runs["name"])
    assert (folder / "manifest.json").is_file()


def test_retraining_set_found_in_the_checkout():
    assert rl.retraining_reference_dir("section-5") == CPU / "section-5"


@pytest.mark.parametrize("bad", [dict(name="section-6"), dict(name=5), dict(budget="tpu")])
def test_retraining_set_bad_arguments(bad):
    with pytest.raises(ValueError, match="section-5|cpu"):
        rl.retraining_reference_dir(**bad)
