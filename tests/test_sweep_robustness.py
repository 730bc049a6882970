"""Sweeps that go wrong: concurrent sweeps into one folder lose no manifest run, a damaged manifest
is kept, and a GPU failure is recorded and stops the sweep, which then goes on past that model."""

import json
import time
from multiprocessing import get_context

import sys

import pytest

from regnet_lab.sweep import SweepDeviceError, plan_sweep, read_results, record_run, run_sweep
from regnet_lab.training import TrainResult


def _record(args):
    folder, name, k = args
    record_run(f"{folder}/{name}.jsonl", f"python -m regnet_lab sweep --out {name}.jsonl", time.time(),
               k, k + 1, 1, 1, completed=False)


def test_concurrent_runs_are_all_recorded(tmp_path):
    jobs = [(str(tmp_path), f"space{s}", k) for k in range(25) for s in range(4)]
    with get_context("spawn").Pool(4) as pool:
        pool.map(_record, jobs, chunksize=1)
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert sorted(manifest) == [f"space{s}.jsonl" for s in range(4)]
    for entry in manifest.values():
        assert len(entry["runs"]) == 25
        assert sorted(r["models_before"] for r in entry["runs"]) == list(range(25))


def test_damaged_manifest_is_kept_aside(tmp_path, capsys):
    (tmp_path / "manifest.json").write_text('{"a.jsonl": {"runs": [')  # cut off mid-write
    record_run(tmp_path / "b.jsonl", "python -m regnet_lab sweep", time.time(), 0, 2, 1, 1, True)
    kept = list(tmp_path.glob("manifest.json.damaged-*"))
    assert len(kept) == 1 and kept[0].read_text() == '{"a.jsonl": {"runs": ['
    assert json.loads((tmp_path / "manifest.json").read_text())["b.jsonl"]["models"] == 2
    assert "not valid JSON" in capsys.readouterr().err


def test_gpu_failure_is_recorded_and_stops_the_sweep(tmp_path, monkeypatch):
    calls = []

    def fake_train(desc, dataset, budget, seed):  # the second model meets a broken GPU
        calls.append(seed)
        if len(calls) == 2:
            return TrainResult(error=90.0, best_error=90.0, curves={}, seconds=1.0, status="failed",
                               settings={}, device="cuda:0", images_per_second=0.0,
                               message="AcceleratorError: CUDA error: an illegal memory access "
                                       "was encountered")
        return TrainResult(error=20.0, best_error=20.0, curves={}, seconds=1.0, status="ok",
                           settings={}, device="cuda:0", images_per_second=1.0, message="")

    monkeypatch.setattr(sys.modules["regnet_lab.training"], "train", fake_train)
    out = tmp_path / "s.jsonl"
    plan = plan_sweep("AnyNetX_A", 4, budget="ci", dataset="fashion-mnist", seed=0)
    with pytest.raises(SweepDeviceError, match="run the same command again"):
        run_sweep(plan, out, progress=False)
    done = read_results(out)
    assert [(r["index"], r["status"], r.get("device_error")) for r in done] == [
        (0, "ok", None), (1, "failed", True)]
    assert "illegal memory access" in done[1]["failure"]
    records = run_sweep(plan, out, progress=False)  # fresh processes go on past the failed model
    assert [(r["index"], r["status"]) for r in records] == [
        (0, "ok"), (1, "failed"), (2, "ok"), (3, "ok")]
