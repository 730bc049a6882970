"""Fig. 14's resolution test (Section 4): training, counting and sampling at another input side.

Resized images, a tiny training run at 20 px, complexity and the flops band counted at the side
trained at, sweep files that say their side (and old files without it read as 28 px), the
``--resolution`` option, and the experiments ``resolution-20`` / ``resolution-36``.
"""

import json
import shutil
from pathlib import Path

import pytest
import torch

import regnet_lab as rl
from regnet_lab.budget import BUDGETS
from regnet_lab.cli import main
from regnet_lab.data import RESOLUTION_RANGE, load_dataset, locate_dataset, resize_images
from regnet_lab.sweep import (SweepPlan, SweepRecord, SweepTask, plan_sweep, read_records,
                              run_sweep, train_one)
from regnet_lab.training import train

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "data" / "sweeps" / "cpu"

needs_fashion = pytest.mark.skipif(
    locate_dataset("fashion-mnist", "train") is None,
    reason="Fashion-MNIST files not found (apt-get install dataset-fashion-mnist)")

TINY = rl.AnyNetConfig(depths=(1, 1), widths=(8, 16), bottleneck_ratios=(1, 1),
                       group_widths=(4, 8), stem_width=8)
# 1 epoch of 4 steps of 32 images, error on 60 test images
QUICK = BUDGETS["ci"].replace(train_subset=128, test_subset=60, batch_size=32, epochs=1,
                              warmup_epochs=0.25, eval_batch_size=64)


# ------------------------------------------------------------------------------ resized images

@needs_fashion
@pytest.mark.parametrize("side", [20, 36])
def test_resized_images_have_the_side_and_stay_uint8(side):
    images, labels = load_dataset("fashion-mnist", "test")
    small = resize_images(images[:300], side)
    assert small.shape == (300, 1, side, side) and small.dtype == torch.uint8
    # the same pictures: the mean brightness barely moves
    assert abs(small.float().mean() - images[:300].float().mean()) < 2.0
    assert torch.equal(resize_images(images[:5], 28), images[:5])  # its own side: unchanged


def test_resize_refuses_bad_input_naming_it():
    x = torch.zeros(2, 1, 28, 28, dtype=torch.uint8)
    lo, hi = RESOLUTION_RANGE
    for bad in (lo - 1, hi + 1, 0):
        with pytest.raises(ValueError, match="resolution"):
            resize_images(x, bad)
    for bad in (20.0, "20", True, None):
        with pytest.raises(TypeError, match="resolution"):
            resize_images(x, bad)
    with pytest.raises(TypeError, match="images"):
        resize_images(x.float(), 20)
    with pytest.raises(ValueError, match="images"):
        resize_images(x[0], 20)


# ------------------------------------------------------------------------------ training

@needs_fashion
def test_a_tiny_training_run_at_20_px():
    r = train(TINY, "fashion-mnist", budget=QUICK, seed=0, device="cpu", threads=1, resolution=20)
    assert r.status == "ok", r.message
    assert r.settings["resolution"] == 20 and r.settings["crop_padding"] == 1  # 2 px at 28 px
    assert r.settings["train_images"] == 128 and r.settings["test_images"] == 60


@pytest.mark.parametrize("bad", [7, 225, 2.5, "20", True])
def test_train_refuses_a_bad_resolution(bad):
    with pytest.raises(ValueError, match="resolution"):  # ParameterTypeError is a ValueError too
        train(TINY, "fashion-mnist", budget=QUICK, device="cpu", resolution=bad)


@needs_fashion
def test_train_one_counts_at_the_side_it_trains_at():
    plan = plan_sweep("RegNetX_6param", 1, budget="ci", resolution=20)
    desc = rl.design_space("RegNetX_6param").sample(1, seed=0, flops=plan.flops,
                                                    regime=plan.regime())[0]
    task = SweepTask(id="x", index=0, space=plan.space, seed=0, train_seed=0, dataset=plan.dataset,
                     budget="ci", budget_settings=QUICK.to_dict(), description=desc.to_dict(),
                     threads=1, flops=plan.flops, resolution=20)
    assert SweepTask.from_json(json.loads(json.dumps(task.to_json()))) == task
    record = train_one(task)
    assert record["status"] == "ok" and record["resolution"] == 20
    cx = rl.complexity(desc, resolution=20)
    assert record["complexity"] == {"flops": cx.flops, "params": cx.params, "acts": cx.acts}
    assert record["complexity"]["flops"] != rl.complexity(desc, resolution=28).flops
    assert record["train_settings"]["resolution"] == 20


# ------------------------------------------------------------------------------ sampling

@pytest.mark.parametrize("side", [20, 36])
def test_the_sampler_keeps_the_band_counted_at_the_side(side):
    plan = plan_sweep("RegNetX_6param", 30, budget="cpu", resolution=side)
    reg = plan.regime()
    native = rl.regime("fashion-mnist")
    assert reg.resolution == side and reg.flops_band == native.flops_band == plan.flops
    assert {k: v for k, v in vars(reg).items() if k != "resolution"} == \
        {k: v for k, v in vars(native).items() if k != "resolution"}
    lo, hi = plan.flops
    samples = rl.design_space("RegNetX_6param").sample(30, seed=0, flops=plan.flops, regime=reg)
    assert all(lo <= rl.complexity(d, resolution=side).flops <= hi for d in samples)
    at_28 = rl.design_space("RegNetX_6param").sample(30, seed=0, flops=plan.flops,
                                                     regime="fashion-mnist")
    assert samples != at_28  # another side, another population in the same band


def test_plans_and_their_keys():
    assert plan_sweep("AnyNetX_A", 2, budget="ci").resolution == 28
    assert plan_sweep("AnyNetX_A", 2, budget="ci", dataset="cifar-10").resolution == 32
    assert SweepPlan("AnyNetX_A", 2, 0, "ci", "fashion-mnist", None).resolution == 28
    a, b = plan_sweep("AnyNetX_A", 2, budget="ci"), plan_sweep("AnyNetX_A", 2, budget="ci",
                                                               resolution=20)
    assert a.key()["resolution"] == 28 and b.key()["resolution"] == 20 and a.key() != b.key()
    assert plan_sweep("AnyNetX_A", 2, budget="ci", resolution=28) == a
    assert a.regime() is rl.regime("fashion-mnist")
    for bad, kind in ((7, ValueError), (225, ValueError), (20.0, TypeError), ("20", TypeError),
                      (True, TypeError)):
        with pytest.raises(kind, match="resolution"):
            plan_sweep("AnyNetX_A", 2, budget="ci", resolution=bad)


# ------------------------------------------------------------------------------ results files

@needs_fashion
def test_a_20px_sweep_is_never_resumed_at_28px(tmp_path):
    out = tmp_path / "r20.jsonl"
    argv = ["sweep", "--space", "RegNetX_6param", "--n", "1", "--budget", "ci", "--out", str(out),
            "--workers", "1", "--threads", "1", "--no-progress", "--resolution", "20"]
    assert main(argv) == 0
    manifest = json.loads((tmp_path / "manifest.json").read_text())["r20.jsonl"]
    assert manifest["resolution"] == 20 and manifest["command"].endswith("--resolution 20")
    plan = plan_sweep("RegNetX_6param", 1, budget="ci", resolution=20)
    [rec] = read_records(out)
    rec = rec.to_json()
    header = json.loads(out.read_text().splitlines()[0])
    assert header["resolution"] == 20 and rec["resolution"] == 20
    cx = rl.complexity(rl.config_from_dict(rec["description"]), resolution=20)
    assert rec["complexity"]["flops"] == cx.flops and plan.flops[0] <= cx.flops <= plan.flops[1]
    before = out.read_bytes()
    assert run_sweep(plan, out, progress=False) == [rec]  # the same sweep: nothing to redo
    for side in (None, 28, 36):
        with pytest.raises(ValueError, match="resolution is 20 in its header"):
            run_sweep(plan_sweep("RegNetX_6param", 1, budget="ci", resolution=side), out,
                      progress=False)
    # without the header, the records themselves refuse
    out.write_bytes(before.split(b"\n", 1)[1])
    with pytest.raises(ValueError, match="resolution is 20 in record RegNetX_6param-s0-0000"):
        run_sweep(plan_sweep("RegNetX_6param", 1, budget="ci"), out, progress=False)
    frame = rl.load_sweep(out)
    assert list(frame["resolution"]) == [20]


@pytest.mark.parametrize("name, flops", [
    ("RegNetX_6param.jsonl", None),  # format 1: no header, no resolution
    ("band-6-18MF/RegNetX_6param.jsonl", (6_000_000, 18_000_000)),  # a header without it
])
def test_old_results_without_the_field_read_and_resume_as_28px(tmp_path, name, flops):
    source = REFERENCE / name
    if not source.is_file():
        pytest.skip(f"{name} is not in this checkout")
    records = read_records(source)
    assert records and all(r.resolution is None and r.input_resolution == 28 for r in records)
    assert set(rl.load_sweep(source)["resolution"]) == {28}
    copy = tmp_path / "old.jsonl"
    shutil.copy(source, copy)
    done = len(records)
    assert len(run_sweep(plan_sweep("RegNetX_6param", done, budget="cpu", flops=flops), copy,
                         progress=False)) == done  # accepted, nothing trained
    with pytest.raises(ValueError, match="resolution is 28 in (its header|record)"):
        run_sweep(plan_sweep("RegNetX_6param", done, budget="cpu", flops=flops, resolution=20),
                  copy, progress=False)
    assert copy.read_bytes() == source.read_bytes()


def test_a_record_with_a_bad_resolution_is_refused():
    source = REFERENCE / "RegNetX_6param.jsonl"
    if not source.is_file():
        pytest.skip("no reference file")
    record = json.loads(source.read_text().splitlines()[0])
    assert SweepRecord.from_json({**record, "resolution": 20}).input_resolution == 20
    for bad in (0, "20", True, 2.5):
        with pytest.raises(ValueError, match="'resolution' must be a positive integer"):
            SweepRecord.from_json({**record, "resolution": bad})


# ------------------------------------------------------------------------------ command line

@pytest.mark.parametrize("value", ["7", "225", "0", "-3", "abc", "2.5", ""])
def test_cli_refuses_a_bad_resolution_in_one_line(tmp_path, capsys, value):
    out = tmp_path / "r.jsonl"
    argv = ["sweep", "--space", "AnyNetX_A", "--n", "2", "--budget", "ci", "--out", str(out),
            "--no-progress", "--resolution", value]
    try:
        code = main(argv)
    except SystemExit as e:  # argparse's own errors (not an integer)
        code = e.code
    err = capsys.readouterr().err
    assert code == 2 and len(err.strip().splitlines()) == 1 and "resolution" in err, err
    assert not any(tmp_path.iterdir())  # nothing written


# ------------------------------------------------------------------------------ the experiments

@pytest.mark.parametrize("side", [20, 36])
def test_the_resolution_experiments(side):
    exp = rl.experiment(f"resolution-{side}")
    assert exp.where == "Fig. 14, Sec. 4" and "ASSUMPTION" in exp.setting
    assert exp.spaces == ("RegNetX_6param",) and exp.n == 50 and exp.recipe is None
    assert exp.resolution == side and exp.flops is None
    cmd = exp.command("RegNetX_6param")
    assert cmd.endswith(f" --resolution {side}")
    assert f"data/sweeps/cpu/resolution-{side}/RegNetX_6param.jsonl" in cmd
    assert "--resolution" not in rl.experiment("band-6-18MF").command("AnyNetX_A")
    # the command's plan: the reference band, counted at the side; it can be filled
    plan = plan_sweep("RegNetX_6param", exp.n, budget="cpu", resolution=exp.resolution)
    assert plan.flops == rl.regime("fashion-mnist").flops_band and plan.resolution == side
    assert len(rl.design_space("RegNetX_6param").sample(3, flops=plan.flops,
                                                        regime=plan.regime())) == 3
