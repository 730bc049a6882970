"""Sweeps: resumable after SIGKILL, truncated lines, divergence, submitit, Ctrl-C (bad command
lines: tests/test_cli_bad_inputs.py)."""

import json
import os
import signal
import subprocess
import sys
import time

import pytest

import regnet_lab as rl
from regnet_lab.data import locate_dataset
from regnet_lab.sweep import plan_sweep, read_results, run_sweep, train_one

pytestmark = pytest.mark.skipif(
    locate_dataset("fashion-mnist", "train") is None,
    reason="Fashion-MNIST files not found (apt-get install dataset-fashion-mnist)")


def _cli(*args, cwd, **kw):
    """``python -m regnet_lab`` in ``cwd`` (a test's folder: in the checkout, ``-m`` would import
    the checkout's regnet_lab instead of the installed one)."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "OMP_NUM_THREADS": "1"}
    return subprocess.run([sys.executable, "-m", "regnet_lab", *args], capture_output=True, text=True,
                          env=env, cwd=cwd, timeout=300, **kw)


def _default_sigint():
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _ids(path):
    return [r["id"] for r in read_results(path)]


def test_sigkill_then_resume_gives_exactly_n_unique_results(tmp_path):
    out = tmp_path / "a.jsonl"
    args = [sys.executable, "-m", "regnet_lab", "sweep", "--space", "AnyNetX_A", "--n", "5", "--budget", "ci",
            "--seed", "3", "--out", str(out), "--workers", "1", "--threads", "1", "--no-progress"]
    proc = subprocess.Popen(args, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    deadline = time.time() + 240
    while time.time() < deadline and (not out.exists() or len(out.read_bytes().splitlines()) < 3):  # header + 2
        time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    killed_at = len(_ids(out))
    assert 2 <= killed_at < 5, "the sweep should have been killed mid-way"
    first = read_results(out)
    done = _cli(*args[3:], cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    ids = _ids(out)
    assert len(ids) == 5 == len(set(ids))
    assert read_results(out)[:killed_at] == first  # finished models kept untouched
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["a.jsonl"]["models"] == 5 and "--space AnyNetX_A" in manifest["a.jsonl"]["command"]
    # a rerun with nothing left to do (here a smaller n) leaves the manifest as it was
    before = (tmp_path / "manifest.json").read_text()
    assert _cli(*[a if a != "5" else "3" for a in args[3:]], cwd=tmp_path).returncode == 0
    assert len(_ids(out)) == 5
    assert (tmp_path / "manifest.json").read_text() == before


def test_truncated_last_line_is_reported_and_redone(tmp_path):
    out = tmp_path / "b.jsonl"
    plan = plan_sweep("AnyNetX_C", 3, budget="ci", seed=1)
    run_sweep(plan, out, progress=False)
    good = out.read_bytes().splitlines(keepends=True)
    # header, two records and half of the third: power loss mid-write
    out.write_bytes(b"".join(good[:3]) + good[3][: len(good[3]) // 2])
    assert len(read_results(out)) == 2
    result = _cli("sweep", "--space", "AnyNetX_C", "--n", "3", "--budget", "ci", "--seed", "1",
                  "--out", str(out), "--no-progress", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "incomplete" in result.stderr
    recs = read_results(out)
    assert [r["index"] for r in recs] == [0, 1, 2]
    assert recs[2]["error"] == json.loads(good[3])["error"]  # same seed, same result


def test_damaged_middle_line_is_an_error(tmp_path):
    out = tmp_path / "c.jsonl"
    header = {"regnet_lab_sweep": 2, "space": "AnyNetX_A", "seed": 0, "budget": "ci",
              "dataset": "fashion-mnist", "flops": None, "recipe": {}}
    out.write_text(json.dumps(header) + '\n{broken\n{"id": 2}\n')
    with pytest.raises(ValueError, match="line 2"):
        read_results(out)


def test_divergence_is_recorded_not_raised(tmp_path):
    desc = rl.design_space("AnyNetX_A").sample(1, seed=0, flops=None, regime="fashion-mnist")[0]
    budget = rl.current_budget("ci").replace(lr=1e5, weight_decay=0.0)
    record = train_one({"id": "x", "index": 0, "space": "AnyNetX_A", "seed": 0, "train_seed": 0,
                        "dataset": "fashion-mnist", "budget": "ci", "budget_settings": budget.to_dict(),
                        "description": desc.to_dict(), "threads": 1})
    assert record["status"] == "diverged"
    json.dumps(record, allow_nan=False)  # still strict JSON


def test_other_sweeps_file_is_refused(tmp_path):
    out = tmp_path / "d.jsonl"
    run_sweep(plan_sweep("AnyNetX_B", 1, budget="ci", seed=0), out, progress=False)
    with pytest.raises(ValueError, match="another sweep"):
        run_sweep(plan_sweep("AnyNetX_B", 1, budget="ci", seed=5), out, progress=False)


def test_submitit_local_executor(tmp_path):
    pytest.importorskip("submitit")
    out = tmp_path / "e.jsonl"
    recs = run_sweep(plan_sweep("RegNetX_6param", 2, budget="ci", seed=0), out, executor="submitit-local",
                     workers=1, threads=1, progress=False)
    assert sorted(r["index"] for r in recs) == [0, 1]
    assert all(r["status"] == "ok" and "d" in r["regnet"] for r in recs)


def test_two_local_workers_and_load_sweep(tmp_path):
    out = tmp_path / "f.jsonl"
    run_sweep(plan_sweep("AnyNetX_D", 3, budget="ci", seed=2), out, workers=2, threads=1, progress=False)
    df = rl.load_sweep([out])
    assert sorted(df["id"]) == [f"AnyNetX_D-s2-000{i}" for i in range(3)]
    assert {"error", "flops", "params", "d1", "w4", "g4", "description"} <= set(df.columns)
    assert (df["w1"] <= df["w2"]).all()  # D's rule survives the round trip
    from regnet_lab.cli import main

    assert main(["analyze", str(out), "--out", str(tmp_path / "report")]) == 0
    page = (tmp_path / "report" / "index.html").read_text()
    assert "Error EDFs" in page and "data:image/png;base64," in page
    assert (tmp_path / "report" / "edfs.png").stat().st_size > 1000
    assert main(["analyze", str(tmp_path / "missing.jsonl")]) == 2


def test_ctrl_c_with_two_workers_stops_promptly_and_resumes(tmp_path):
    out = tmp_path / "g.jsonl"
    args = [sys.executable, "-m", "regnet_lab", "sweep", "--space", "AnyNetX_E", "--n", "8", "--budget", "ci",
            "--seed", "4", "--out", str(out), "--workers", "2", "--threads", "1", "--no-progress"]
    # SIGINT back to its default in the child: a shell that runs the tests in the background
    # (`make test &`) ignores it, and Python then never raises KeyboardInterrupt.
    proc = subprocess.Popen(args, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            start_new_session=True, preexec_fn=_default_sigint)
    deadline = time.time() + 240
    while time.time() < deadline and (not out.exists() or len(out.read_bytes().splitlines()) < 2):
        time.sleep(0.2)  # the header and one finished model
    os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
    assert proc.wait(timeout=60) == 130
    assert "run the same command again" in proc.stderr.read()
    interrupted_at = len(_ids(out))
    assert 1 <= interrupted_at < 8
    runs = json.loads((tmp_path / "manifest.json").read_text())["g.jsonl"]["runs"]
    assert runs[-1]["completed"] is False and runs[-1]["models_after"] == interrupted_at
    assert _cli(*args[3:], cwd=tmp_path).returncode == 0
    ids = _ids(out)
    assert len(ids) == 8 == len(set(ids))
