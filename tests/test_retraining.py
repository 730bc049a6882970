"""Retraining a fixed list of networks with several seeds (regnet_lab.retraining, CLI `retrain`)."""

import json
import subprocess
import sys

import pytest

import regnet_lab as rl
from regnet_lab.retraining import Network, load_retrain, read_networks, retrain, write_networks

TINY = rl.current_budget("ci").replace(epochs=1, train_subset=256, test_subset=256,
                                       eval_every=1)


def _networks():
    small = rl.resnet_style("resnet", 8, depths=(1, 1), regime="fashion-mnist")
    return [Network("resnet-tiny", description=small.to_dict(), note="test"),
            Network("mnv2-tiny", mobile={"network": "mobilenet_v2", "width_mult": 0.1})]


def test_retrain_trains_each_pair_once_and_resumes(tmp_path):
    out = tmp_path / "runs.jsonl"
    nets = _networks()
    first = retrain(nets[:1], 2, out, budget=TINY)
    assert [r["id"] for r in first] == ["resnet-tiny@seed0", "resnet-tiny@seed1"]
    assert all(r["status"] == "ok" and 0 <= r["error"] <= 100 for r in first)
    assert first[0]["error"] != first[1]["error"] or first[0]["curves"] != first[1]["curves"]
    lines = out.read_text().splitlines()
    again = retrain(nets, 2, out, budget=TINY)  # adds only the mobile network's two runs
    assert len(out.read_text().splitlines()) == len(lines) + 2
    assert [r["id"] for r in again][:2] == [r["id"] for r in first]
    assert again[:2] == first
    frame = load_retrain(out)
    assert sorted(frame["name"].unique()) == ["mnv2-tiny", "resnet-tiny"]
    cx = rl.complexity(rl.config_from_dict(nets[0].description), resolution=28)
    assert frame.loc[frame["name"] == "resnet-tiny", "flops"].iloc[0] == cx.flops


def test_a_torn_last_line_is_cut_and_redone(tmp_path):
    out = tmp_path / "runs.jsonl"
    net = _networks()[:1]
    retrain(net, 1, out, budget=TINY)
    with open(out, "ab") as f:
        f.write(b'{"format": 1, "id": "resnet-tiny@se')
    records = retrain(net, 2, out, budget=TINY)
    assert [r["id"] for r in records] == ["resnet-tiny@seed0", "resnet-tiny@seed1"]
    assert all(json.loads(line) for line in out.read_text().splitlines())


def test_same_name_with_another_network_or_recipe_is_refused(tmp_path):
    out = tmp_path / "runs.jsonl"
    net = _networks()[0]
    retrain([net], 1, out, budget=TINY)
    other = Network(net.name, description=rl.resnet_style(
        "resnet", 16, depths=(1, 1), regime="fashion-mnist").to_dict())
    with pytest.raises(ValueError, match="another network"):
        retrain([other], 1, out, budget=TINY)
    with pytest.raises(ValueError, match="another budget_settings"):
        retrain([net], 1, out, budget=TINY.replace(lr=0.02))


def test_network_lists_round_trip_and_bad_ones_are_refused(tmp_path):
    path = write_networks(_networks(), tmp_path / "nets.json", made_by="a test")
    assert read_networks(path) == _networks()
    with pytest.raises(ValueError, match="unique"):
        write_networks(_networks() * 2, tmp_path / "x.json", made_by="a test")
    with pytest.raises(ValueError, match="made_by"):
        write_networks(_networks(), tmp_path / "x.json", made_by=" ")
    with pytest.raises(ValueError, match="exactly one"):
        Network("x")
    with pytest.raises(ValueError, match="name"):
        Network("a b", mobile={"network": "mobilenet_v2", "width_mult": 1.0})
    with pytest.raises(ValueError, match="mobile"):
        Network("x", mobile={"network": "mobilenet_v2"})
    with pytest.raises(ValueError, match="network"):
        Network("x", mobile={"network": "resnet50", "width_mult": 1.0})
    with pytest.raises(ValueError, match="width_mult"):
        Network("x", mobile={"network": "mobilenet_v2", "width_mult": 0})
    with pytest.raises((ValueError, TypeError)):
        Network("x", description={"type": "anynet", "depths": [0]})
    (tmp_path / "bad.json").write_text("[1, 2]")
    with pytest.raises(ValueError, match="network list"):
        read_networks(tmp_path / "bad.json")


def test_other_files_are_refused(tmp_path):
    out = tmp_path / "sweep.jsonl"
    out.write_text('{"regnet_lab_sweep": 2, "space": "AnyNetX_A"}\n{"id": "x"}\n')
    with pytest.raises(ValueError, match="not a record of"):
        retrain(_networks()[:1], 1, out, budget=TINY)
    with pytest.raises(ValueError, match="seeds"):
        retrain(_networks(), 0, tmp_path / "a.jsonl", budget=TINY)
    with pytest.raises(ValueError, match="empty"):
        retrain([], 1, tmp_path / "a.jsonl", budget=TINY)


def test_cli_retrain_records_its_run_and_bad_input_exits_2(tmp_path):
    nets = write_networks(_networks()[:1], tmp_path / "nets.json", made_by="a test")
    out = tmp_path / "runs" / "r.jsonl"
    cmd = [sys.executable, "-m", "regnet_lab", "retrain", "--networks", str(nets), "--seeds",
           "1", "--budget", "ci", "--out", str(out)]
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "1/1 runs" in done.stdout
    manifest = json.loads((out.parent / "manifest.json").read_text())
    assert manifest["r.jsonl"]["models"] == 1 and "retrain" in manifest["r.jsonl"]["command"]
    bad = subprocess.run(cmd[:6] + ["0"] + cmd[7:], capture_output=True, text=True, cwd=tmp_path)
    assert bad.returncode == 2 and "seeds" in bad.stderr and len(bad.stderr.splitlines()) == 1
    missing = subprocess.run(cmd[:4] + [str(tmp_path / "none.json")] + cmd[5:],
                             capture_output=True, text=True, cwd=tmp_path)
    assert missing.returncode == 2 and len(missing.stderr.splitlines()) == 1
