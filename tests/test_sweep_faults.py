"""Fault scenarios of a sweep, as a careful user meets them: foreign files as --out, two runs on
one file, resumes that would mix experiments, hangs, damaged inputs, a full disk, a worker that
cannot start, SIGTERM. Each ends with nothing lost, nothing trained twice and one clear line.

Training is replaced by an instant fake (in this process, or through a ``sitecustomize`` in the
subprocesses), so these tests need no data set and run in seconds.
"""

import errno
import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from regnet_lab import sweep
from regnet_lab.cli import main
from regnet_lab.sweep import plan_sweep, read_results, run_sweep

#: The fake trainer: instant, deterministic, an error that depends on the seed.
FAKE = """
def _fake_train(desc, dataset, budget, seed):
    import time
    from regnet_lab.training import TrainResult
    time.sleep({delay})
    import os
    for _ in range(1200):  # a run held open until the test says so (at most a minute)
        if not {release!r} or os.path.exists({release!r}):
            break
        time.sleep(0.05)
    return TrainResult(error=50.0 + seed % 7, best_error=50.0 + seed % 7, curves={{}},
                       seconds=0.01, status="ok", settings={{}}, device="cpu",
                       images_per_second=1.0, message="")
"""


@pytest.fixture
def fake_train(monkeypatch):
    namespace: dict = {}
    exec(FAKE.format(delay=0, release=""), namespace)
    import regnet_lab.training

    monkeypatch.setattr(regnet_lab.training, "train", namespace["_fake_train"])


def _sweep_args(out, n=3, *extra):
    return ["sweep", "--space", "AnyNetX_A", "--n", str(n), "--budget", "ci", "--seed", "0",
            "--out", str(out), "--workers", "1", "--threads", "1", "--no-progress", *extra]


def _one_line_error(capsys, code, expected_code=2):
    err = capsys.readouterr().err
    assert code == expected_code, err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


def _site(tmp_path, delay=0.0, die_in_worker=False, release=""):
    """A folder with a sitecustomize that fakes training (and optionally kills spawn workers)."""
    site = tmp_path / "site"
    site.mkdir(exist_ok=True)
    body = "import sys\n"
    if die_in_worker:  # a worker that cannot start (a broken installation, out of memory)
        body += ("if 'spawn_main' in ' '.join(getattr(sys, 'orig_argv', sys.argv)):\n"
                 "    import os; os._exit(3)\n")
    body += textwrap.dedent(FAKE.format(delay=delay, release=release))
    body += ("import regnet_lab.training as _t\n"
             "_t.train = _fake_train\n")
    (site / "sitecustomize.py").write_text(body)
    return site


def _popen(site, *args, **kw):
    """``python -m regnet_lab`` with the fake's sitecustomize, run in ``site`` (in the checkout,
    ``-m`` would import the checkout's regnet_lab instead of the installed one)."""
    path = os.pathsep.join(p for p in (str(site), os.environ.get("PYTHONPATH")) if p)
    env = {**os.environ, "PYTHONPATH": path, "PYTHONUNBUFFERED": "1", "OMP_NUM_THREADS": "1"}
    return subprocess.Popen([sys.executable, "-m", "regnet_lab", *args], cwd=site, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)


# ----------------------------------------------------------------------- 1. foreign files

@pytest.mark.parametrize("content", [
    b"my notes, not results\n",                # a one-line text file (was: deleted, exit 0)
    b"my notes",                               # ... without a newline
    b"[1, 2, 3]\n", b"null\n", b"42\n",        # JSON that is not a record (was: a crash)
    b'{"a": 1}\n',                             # an object that is not a record (was: KeyError)
    b"\x89PNG\r\n\x1a\n\x00\x00binary\xff\xfe",  # a binary file
    "caf\u00e9 au lait\n".encode("latin-1"),   # not UTF-8
    b'{"id": "x", "index": 0}\n',              # a record without a description
])
def test_a_foreign_file_as_out_is_refused_and_left_alone(tmp_path, capsys, fake_train, content):
    out = tmp_path / "notes.txt"
    out.write_bytes(content)
    line = _one_line_error(capsys, main(_sweep_args(out)))
    assert str(out) in line and ("expected" in line or "not a results file" in line)
    assert out.read_bytes() == content
    assert not (tmp_path / "manifest.json").exists()


def test_a_torn_line_is_repaired_only_in_a_sweeps_file(tmp_path, capsys, fake_train):
    out = tmp_path / "r.jsonl"
    assert main(_sweep_args(out, 2)) == 0
    whole = out.read_bytes()
    out.write_bytes(whole[: len(whole) - 40])  # power loss in the second record
    assert main(_sweep_args(out, 2)) == 0
    assert "incomplete" in capsys.readouterr().err
    assert [r["index"] for r in read_results(out)] == [0, 1]
    # a header followed by a torn first record is a sweep's file too
    lines = out.read_bytes().splitlines(keepends=True)
    out.write_bytes(lines[0] + lines[1][:30])
    assert main(_sweep_args(out, 2)) == 0
    assert [r["index"] for r in read_results(out)] == [0, 1]


def test_a_damaged_middle_line_or_a_bad_record_is_one_line(tmp_path, capsys, fake_train):
    out = tmp_path / "r.jsonl"
    assert main(_sweep_args(out, 2)) == 0
    lines = out.read_bytes().splitlines(keepends=True)
    record = json.loads(lines[1])
    del record["description"]
    out.write_bytes(lines[0] + json.dumps(record).encode() + b"\n" + lines[2])
    capsys.readouterr()
    line = _one_line_error(capsys, main(_sweep_args(out, 2)))
    assert "line 2" in line and "'description'" in line
    line = _one_line_error(capsys, main(["analyze", str(out), "--out", str(tmp_path / "rep")]))
    assert "'description'" in line


@pytest.mark.parametrize("content", [b"", b"[1, 2, 3]\n"])
def test_analyze_of_an_empty_or_foreign_file_is_exit_2(tmp_path, capsys, content):
    f = tmp_path / "e.jsonl"
    f.write_bytes(content)
    line = _one_line_error(capsys, main(["analyze", str(f), "--out", str(tmp_path / "rep")]))
    assert str(f) in line


# ----------------------------------------------------------------------- 2. one writer per file

def test_a_second_run_on_a_locked_file_exits_2_naming_the_holder(tmp_path, capsys, fake_train):
    out = tmp_path / "r.jsonl"
    with sweep._exclusive(out, wait=False):
        line = _one_line_error(capsys, main(_sweep_args(out)))
    assert "being written by process" in line and str(os.getpid()) in line and "--wait" in line
    assert not out.exists()  # a refused run leaves no results file
    assert main(_sweep_args(out)) == 0  # the lock is free again
    assert len(read_results(out)) == 3


def test_wait_starts_after_the_other_run(tmp_path, capsys, fake_train):
    out = tmp_path / "r.jsonl"
    held = threading.Event()

    def other_run():  # holds the file for a second, in another thread
        with sweep._exclusive(out, wait=False):
            held.set()
            time.sleep(1.0)

    thread = threading.Thread(target=other_run)
    thread.start()
    held.wait(10)
    start = time.time()
    try:
        assert main(_sweep_args(out, 2, "--wait")) == 0
    finally:
        thread.join()
    assert time.time() - start >= 0.9
    assert len(read_results(out)) == 2


def test_two_concurrent_runs_train_every_model_once(tmp_path, capsys):
    out = tmp_path / "r.jsonl"
    release = tmp_path / "release"
    args = _sweep_args(out, 4)
    first = _popen(_site(tmp_path, release=str(release)), *args)
    try:
        deadline = time.time() + 120
        while time.time() < deadline and not sweep._owner_path(out).exists():
            time.sleep(0.05)
        line = _one_line_error(capsys, main(args))  # the same command again, meanwhile
        assert "being written by process" in line and str(first.pid) in line
    finally:
        release.touch()
    assert first.wait(120) == 0, first.stderr.read()
    ids = [r["id"] for r in read_results(out)]
    assert len(ids) == 4 == len(set(ids))


def test_duplicate_records_are_reported_and_counted_once(tmp_path, capsys, fake_train):
    out = tmp_path / "r.jsonl"
    assert main(_sweep_args(out, 2)) == 0
    lines = out.read_bytes().splitlines(keepends=True)
    out.write_bytes(b"".join(lines) + lines[1] + lines[2])  # what two unlocked runs wrote
    assert len(read_results(out)) == 2
    assert "2 duplicate record(s)" in capsys.readouterr().err
    assert len(sweep.load_sweep(out)) == 2
    assert main(_sweep_args(out, 2)) == 0
    assert "2/2 models" in capsys.readouterr().out


# ----------------------------------------------------------------------- 3. same experiment or nothing

def _old_format(out):
    """Rewrite ``out`` as the format-1 files of the reference sweeps: no header, no band."""
    kept = []
    for line in out.read_text().splitlines():
        record = json.loads(line)
        if "regnet_lab_sweep" in record:
            continue
        for key in ("flops_band", "threads"):
            record.pop(key, None)
        record["format"] = 1
        kept.append(json.dumps(record, separators=(",", ":")))
    out.write_text("\n".join(kept) + "\n")


def test_an_old_format_file_resumes_when_its_records_match(tmp_path, capsys, fake_train):
    out = tmp_path / "r.jsonl"
    assert main(_sweep_args(out, 2)) == 0
    _old_format(out)
    before = out.read_bytes()
    assert main(_sweep_args(out, 2)) == 0  # nothing to do: a no-op
    assert out.read_bytes() == before
    assert main(_sweep_args(out, 4)) == 0  # continues
    records = read_results(out)
    assert [r["index"] for r in records] == [0, 1, 2, 3]
    assert records[0]["format"] == 1 and records[2]["format"] == sweep.SWEEP_FORMAT
    assert out.read_bytes().startswith(before)  # the old records are untouched


@pytest.mark.parametrize("change,field", [
    (["--flops", "100000", "600000"], "flops"),
    (["--seed", "1"], "seed"),
])
def test_a_resume_with_another_band_or_seed_is_refused(tmp_path, capsys, fake_train, change, field):
    for old_format in (False, True):
        out = tmp_path / f"r{old_format}.jsonl"
        assert main(_sweep_args(out, 2)) == 0
        if old_format:
            _old_format(out)
        before = out.read_bytes()
        args = _sweep_args(out, 3)
        flag = change[0]
        if flag in args:
            i = args.index(flag)
            args[i:i + len(change)] = change
        else:
            args += change
        capsys.readouterr()
        line = _one_line_error(capsys, main(args))
        assert "holds another sweep" in line
        # the header (or, in an old file, the band's models) names the field
        assert field in line or (old_format and "description" in line and "--flops" in line)
        assert out.read_bytes() == before


def test_a_resume_with_another_recipe_is_refused(tmp_path, capsys, fake_train, monkeypatch):
    out = tmp_path / "r.jsonl"
    assert main(_sweep_args(out, 2)) == 0
    from regnet_lab import budget

    monkeypatch.setitem(budget.BUDGETS, "ci", budget.BUDGETS["ci"].replace(lr=0.2))
    line = _one_line_error(capsys, main(_sweep_args(out, 3)))
    assert "recipe (lr)" in line
    monkeypatch.undo()


# ----------------------------------------------------------------------- 4. no hangs

@pytest.mark.parametrize("args,expected", [
    (["--n", str(10**20)], "n must be an integer >= 1 and <= 100000"),
    (["--threads", "0", "--workers", "2"], "--threads must be"),
    (["--threads", "-1"], "--threads must be"),
    (["--workers", "0"], "--workers must be"),
    (["--flops", "inf", "inf"], "flops"),
    (["--flops", "nan", "nan"], "flops"),
    (["--flops", "5", "1"], "low <= high"),
    (["--partition", "gpu"], "--partition needs --executor slurm"),
    (["--executor", "slurm"], "executor slurm is not available"),
])
def test_bad_sweep_settings_are_one_line_and_leave_nothing(tmp_path, capsys, args, expected):
    out = tmp_path / "r.jsonl"
    base = _sweep_args(out, 3)
    for flag in ("--threads", "--workers", "--n"):
        if flag in args and flag in base:
            i = base.index(flag)
            del base[i:i + 2]
    start = time.time()
    line = _one_line_error(capsys, main(base + args))
    assert expected in line and time.time() - start < 30
    assert not out.exists() and not (tmp_path / "manifest.json").exists()
    assert not list(tmp_path.glob("*_submitit"))


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes")
def test_a_named_pipe_or_a_device_as_out_is_refused_at_once(tmp_path, capsys):
    fifo = tmp_path / "pipe.jsonl"
    os.mkfifo(fifo)
    for out in [fifo] + ([Path("/dev/full")] if Path("/dev/full").exists() else []):
        line = _one_line_error(capsys, main(_sweep_args(out)))
        assert "not a regular file" in line
    (tmp_path / "dir.jsonl").mkdir()
    assert "is a folder" in _one_line_error(capsys, main(_sweep_args(tmp_path / "dir.jsonl")))


def test_a_worker_that_cannot_start_ends_the_sweep_with_one_line(tmp_path):
    out = tmp_path / "r.jsonl"
    args = _sweep_args(out, 4)
    args[args.index("--workers") + 1] = "2"
    proc = _popen(_site(tmp_path, die_in_worker=True), *args)
    try:
        code = proc.wait(120)  # the old pool started the workers again forever
    finally:
        if proc.poll() is None:
            proc.kill()
    err = proc.stderr.read()
    assert code == 2 and "could not start" in err and len(err.strip().splitlines()) == 1, err


# ----------------------------------------------------------------------- 5./6. damage, disk full, signals

@pytest.mark.parametrize("manifest", ["[]", '{"r.jsonl": 5}', '{"r.jsonl": {"runs": 3}}'])
def test_a_manifest_of_the_wrong_shape_is_kept_aside_and_the_run_recorded(
        tmp_path, capsys, fake_train, manifest):
    (tmp_path / "manifest.json").write_text(manifest)
    out = tmp_path / "r.jsonl"
    assert main(_sweep_args(out, 2)) == 0
    kept = list(tmp_path.glob("manifest.json.damaged-*"))
    assert len(kept) == 1 and kept[0].read_text() == manifest
    entry = json.loads((tmp_path / "manifest.json").read_text())["r.jsonl"]
    assert entry["models"] == 2 and len(entry["runs"]) == 1


def test_disk_full_keeps_finished_results_and_says_what_to_do(tmp_path, capsys, fake_train,
                                                              monkeypatch):
    out = tmp_path / "r.jsonl"
    assert main(_sweep_args(out, 2)) == 0
    before = out.read_bytes()
    real_open = open
    calls = {"n": 0}

    class Full:
        def __init__(self, f):
            self.f = f

        def __enter__(self):
            return self

        def __exit__(self, *a):
            self.f.close()

        def tell(self):
            return self.f.tell()

        def truncate(self, size):
            self.f.truncate(size)

        def write(self, data):
            self.f.write(data[: len(data) // 2])  # part of the line reaches the disk
            raise OSError(errno.ENOSPC, "No space left on device")

    def full_open(path, mode="r", *a, **kw):
        if str(path) == str(out) and "a" in mode:
            calls["n"] += 1
            return Full(real_open(path, mode, *a, **kw))
        return real_open(path, mode, *a, **kw)

    monkeypatch.setattr("builtins.open", full_open)
    line = _one_line_error(capsys, main(_sweep_args(out, 3)))
    monkeypatch.undo()
    assert calls["n"] == 1
    assert str(out) in line and "no space left" in line and "run the same command again" in line
    assert out.read_bytes() == before  # no partial line left behind
    # the manifest: a failed write leaves no manifest.json.<pid>.tmp behind
    real_write_text = Path.write_text

    def full_write_text(self, *a, **kw):
        if self.name.endswith(".tmp"):
            real_write_text(self, "{", **kw)
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write_text(self, *a, **kw)

    monkeypatch.setattr(Path, "write_text", full_write_text)
    with pytest.raises(ValueError, match="no space left"):
        sweep.record_run(out, "cmd", time.time(), 0, 1, 1, 1, False)
    assert not list(tmp_path.glob("manifest.json.*.tmp"))


def test_sigterm_with_workers_is_one_line_and_resumable(tmp_path, capsys, fake_train):
    out = tmp_path / "r.jsonl"
    site = _site(tmp_path, delay=1.0)
    args = _sweep_args(out, 6)
    args[args.index("--workers") + 1] = "2"
    proc = _popen(site, *args, start_new_session=True)
    deadline = time.time() + 90
    while time.time() < deadline and (not out.exists() or len(out.read_text().splitlines()) < 2):
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGTERM)  # what a scheduler or `kill` does to the whole job
    code = proc.wait(60)
    err = proc.stderr.read()
    assert code == 143, err
    assert "leaked semaphore" not in err and len(err.strip().splitlines()) == 1, err
    done = len(read_results(out))
    assert 1 <= done < 6
    args[args.index("--workers") + 1] = "1"
    assert main(args) == 0  # the same sweep continues (here in this process)
    ids = [r["id"] for r in read_results(out)]
    assert len(ids) == 6 == len(set(ids))
