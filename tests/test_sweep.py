"""Sweeps: resumable after SIGKILL, truncated lines, divergence, CLI errors, submitit."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import regnet_lab as rl
from regnet_lab.sweep import plan_sweep, read_results, run_sweep, train_one

pytestmark = pytest.mark.skipif(
    not Path("/usr/share/datasets/fashion-mnist").exists() and not os.environ.get("REGNET_LAB_DATA"),
    reason="Fashion-MNIST files not found (apt-get install dataset-fashion-mnist)")

REPO = Path(__file__).resolve().parents[1]


def _cli(*args, **kw):
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "OMP_NUM_THREADS": "1"}
    return subprocess.run([sys.executable, "-m", "regnet_lab", *args], capture_output=True, text=True,
                          env=env, cwd=REPO, timeout=300, **kw)


def _default_sigint():
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _ids(path):
    return [r["id"] for r in read_results(path)]


def test_sigkill_then_resume_gives_exactly_n_unique_results(tmp_path):
    out = tmp_path / "a.jsonl"
    args = [sys.executable, "-m", "regnet_lab", "sweep", "--space", "AnyNetX_A", "--n", "5", "--budget", "ci",
            "--seed", "3", "--out", str(out), "--workers", "1", "--threads", "1", "--no-progress"]
    proc = subprocess.Popen(args, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    deadline = time.time() + 240
    while time.time() < deadline and (not out.exists() or len(out.read_bytes().splitlines()) < 3):  # header + 2
        time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    killed_at = len(_ids(out))
    assert 2 <= killed_at < 5, "the sweep should have been killed mid-way"
    first = read_results(out)
    done = _cli(*args[3:])
    assert done.returncode == 0, done.stderr
    ids = _ids(out)
    assert len(ids) == 5 == len(set(ids))
    assert read_results(out)[:killed_at] == first  # finished models kept untouched
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["a.jsonl"]["models"] == 5 and "--space AnyNetX_A" in manifest["a.jsonl"]["command"]
    # a rerun with nothing left to do (here a smaller n) leaves the manifest as it was
    before = (tmp_path / "manifest.json").read_text()
    assert _cli(*[a if a != "5" else "3" for a in args[3:]]).returncode == 0
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
                  "--out", str(out), "--no-progress")
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


@pytest.mark.parametrize("args,msg", [
    (["--space", "AnyNetX_Z", "--n", "2"], "AnyNetX_A"),
    (["--space", "AnyNetX_A", "--n", "0"], "n must be"),
    (["--space", "AnyNetX_A", "--n", "2", "--dataset", "imagenet"], "dataset"),
    (["--space", "AnyNetX_A", "--n", "2", "--budget", "huge"], "budget"),
])
def test_cli_bad_input_exits_2_with_one_line(tmp_path, args, msg):
    result = _cli("sweep", *args, "--out", str(tmp_path / "x.jsonl"))
    assert result.returncode == 2
    assert msg in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_cli_unwritable_output_exits_2(tmp_path):
    (tmp_path / "dir.jsonl").mkdir()
    result = _cli("sweep", "--space", "AnyNetX_A", "--n", "1", "--budget", "ci", "--out", str(tmp_path / "dir.jsonl"))
    assert result.returncode == 2 and "is a folder" in result.stderr
    missing = _cli("sweep", "--space", "AnyNetX_A", "--n", "1")
    assert missing.returncode == 2


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
    proc = subprocess.Popen(args, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
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
    assert _cli(*args[3:]).returncode == 0
    ids = _ids(out)
    assert len(ids) == 8 == len(set(ids))
