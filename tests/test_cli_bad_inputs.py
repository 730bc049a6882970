"""Bad command lines: exit 2, one line on stderr, nothing written. The fixed cases run as one batch
in one fresh ``python`` (one torch import instead of one per case); generated option values run
in this process; two cases go through ``python -m regnet_lab`` itself."""

import json
import os
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from regnet_lab.cli import main

DRIVER = r"""
import contextlib, io, json, sys
from regnet_lab.cli import main
results = []
for argv in json.loads(sys.argv[1]):
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try:
            code = main(argv)
        except SystemExit as e:
            code = e.code
    results.append([code, err.getvalue()])
print(json.dumps(results))
"""


def _cases(tmp):
    out = str(tmp / "r.jsonl")
    base = ["sweep", "--space", "AnyNetX_A", "--n", "2", "--budget", "ci", "--out", out,
            "--no-progress"]

    def sw(*change):
        args = list(base)
        for flag, *values in change:
            if flag in args:
                i = args.index(flag)
                del args[i:i + 2]
            args += [flag, *values]
        return args

    (tmp / "notes.txt").write_text("my notes\n")
    (tmp / "list.jsonl").write_text("[1, 2, 3]\n")
    (tmp / "binary.jsonl").write_bytes(b"\x00\xff\xfe\x89binary")
    (tmp / "empty.jsonl").write_text("")
    (tmp / "a_folder").mkdir()
    (tmp / "a_file").write_text("x")
    os.mkfifo(tmp / "pipe.jsonl")
    return [
        ["sweep", "--n", "2", "--out", out], ["sweep", "--space", "AnyNetX_A", "--out", out],
        ["sweep", "--space", "AnyNetX_A", "--n", "2"], [], ["train"], sw(("--foo", "1")),
        sw(("--n", "abc")), (sw(("--n", "0")), "n must be"), sw(("--n", "-5")), sw(("--n", "1e3")),
        sw(("--n", str(10**20))), sw(("--n", "100001")),
        sw(("--seed", "-1")), sw(("--seed", "x")), sw(("--seed", str(2**40))),
        sw(("--threads", "0")), sw(("--threads", "-1")), sw(("--threads", "1.5")),
        sw(("--workers", "0")), sw(("--workers", "-2")), sw(("--workers", str(10**6))),
        sw(("--flops", "inf", "inf")), sw(("--flops", "nan", "nan")), sw(("--flops", "1")),
        sw(("--flops", "5", "1")), sw(("--flops", "-1", "5")), sw(("--flops", "1e300", "1e301")),
        (sw(("--space", "AnyNetX_Z")), "AnyNetX_A"), sw(("--space", "")),
        (sw(("--budget", "huge")), "budget"), (sw(("--dataset", "imagenet")), "dataset"),
        sw(("--executor", "tpu")), sw(("--executor", "slurm")), sw(("--partition", "gpu")),
        (sw(("--out", str(tmp / "a_folder"))), "is a folder"), sw(("--out", str(tmp / "pipe.jsonl"))),
        sw(("--out", "/dev/full")), sw(("--out", str(tmp / "notes.txt"))),
        sw(("--out", str(tmp / "list.jsonl"))), sw(("--out", str(tmp / "binary.jsonl"))),
        sw(("--out", str(tmp / "nowhere" / "x" / "\0bad"))),
        ["analyze"], ["analyze", str(tmp / "missing.jsonl")],
        ["analyze", str(tmp / "empty.jsonl")], ["analyze", str(tmp / "list.jsonl")],
        ["analyze", str(tmp / "binary.jsonl")], ["analyze", str(tmp / "notes.txt")],
        ["analyze", str(tmp / "pipe.jsonl")],
        ["analyze", str(tmp / "list.jsonl"), "--out", str(tmp / "a_file")],
    ]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes")
def test_bad_command_lines_exit_2_with_one_line_and_write_nothing(tmp_path):
    # a case is argv, or (argv, text the error line must contain)
    cases = [c if isinstance(c, tuple) else (c, "") for c in _cases(tmp_path)]
    before = sorted(p.name for p in tmp_path.rglob("*"))
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    # run in tmp_path, not the checkout: `python -c` imports the regnet_lab of its working
    # directory, and the installed package is the one under test
    run = subprocess.run([sys.executable, "-c", DRIVER, json.dumps([a for a, _ in cases])],
                         cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    results = json.loads(run.stdout.strip().splitlines()[-1])
    bad = [(argv, code, err) for (argv, text), (code, err) in zip(cases, results)
           if code != 2 or len(err.strip().splitlines()) != 1 or text not in err]
    assert not bad, "\n".join(f"{a}: exit {c}: {e!r}" for a, c, e in bad)
    assert sorted(p.name for p in tmp_path.rglob("*")) == before  # nothing created
    assert (tmp_path / "notes.txt").read_text() == "my notes\n"  # nothing erased
    print(f"{len(cases)} bad command lines: all exit 2 with one line")


def test_the_real_entry_point_exits_2_with_one_line(tmp_path):
    for args in (["sweep", "--space", "AnyNetX_A", "--n", "0", "--out", str(tmp_path / "r")],
                 ["analyze", str(tmp_path / "missing.jsonl")]):
        run = subprocess.run([sys.executable, "-m", "regnet_lab", *args], cwd=tmp_path,
                             capture_output=True, text=True, timeout=300)
        assert run.returncode == 2 and len(run.stderr.strip().splitlines()) == 1, run.stderr


BAD_VALUES = {
    "--n": st.integers(max_value=0) | st.integers(min_value=100_001) | st.sampled_from(
        ["x", "1.5", "", "nan", "1e3"]),
    "--seed": st.integers(max_value=-1) | st.integers(min_value=2**32) | st.sampled_from(
        ["x", "0.5", ""]),
    "--threads": st.integers(max_value=0) | st.integers(min_value=1025) | st.sampled_from(
        ["x", "1.5"]),
    "--workers": st.integers(max_value=0) | st.integers(min_value=1025) | st.sampled_from(
        ["x", "2.0"]),
    "--space": st.text(alphabet="qzjwk-_ ", min_size=1, max_size=10),
    "--budget": st.text(alphabet="qzjwk-_", min_size=1, max_size=10),
    "--dataset": st.text(alphabet="qzjwk-_", min_size=1, max_size=10),
    "--flops": st.tuples(st.sampled_from(["inf", "nan", "-1", "x", "1e300"]),
                         st.sampled_from(["inf", "nan", "-5", "1", "1e301"])),
}


@settings(max_examples=60, deadline=None, database=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_generated_bad_option_values_exit_2_with_one_line(tmp_path, capsys, data):
    option = data.draw(st.sampled_from(sorted(BAD_VALUES)), label="option")
    value = data.draw(BAD_VALUES[option], label="value")
    values = [str(v) for v in value] if isinstance(value, tuple) else [str(value)]
    out = tmp_path / "gen.jsonl"
    args = {"--space": ["AnyNetX_A"], "--n": ["2"], "--budget": ["ci"], "--out": [str(out)],
            "--workers": ["1"], option: values}
    argv = ["sweep", "--no-progress"] + [x for k, v in args.items() for x in (k, *v)]
    try:
        code = main(argv)
    except SystemExit as e:  # argparse's own errors
        code = e.code
    err = capsys.readouterr().err
    assert code == 2 and len(err.strip().splitlines()) == 1, (argv, err)
    assert not out.exists()
