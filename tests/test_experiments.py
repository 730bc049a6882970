"""The experiments beyond the reference populations: registry, result folders, claims on them."""

import json
import re
from pathlib import Path

import pytest

import regnet_lab as rl

ROOT = Path(__file__).resolve().parent.parent
SWEEPS = ROOT / "data" / "sweeps"


def test_every_experiment_names_real_spaces_and_a_band():
    for e in rl.experiments():
        assert e.spaces and all(rl.design_space(s).name == s for s in e.spaces)
        assert e.n >= 50  # the book's power analysis: an ordering needs about 50 models a space
        if e.flops is not None:
            assert 0 < e.flops[0] < e.flops[1]
    assert rl.experiment_names() == [e.name for e in rl.experiments()]


@pytest.mark.parametrize("exp", rl.experiments(), ids=lambda e: e.name)
def test_committed_results_were_made_by_the_experiments_command(exp):
    """Each committed population's manifest records exactly the command the registry gives, and
    its models are the space's samples in the experiment's band (resumable: a prefix of n)."""
    folder = SWEEPS / "cpu" / exp.name
    if not folder.is_dir():
        pytest.skip(f"{exp.name} has not been run yet")
    manifest = json.loads((folder / "manifest.json").read_text())
    files = sorted(p.name for p in folder.glob("*.jsonl"))
    assert files and set(files) <= {f"{s}.jsonl" for s in exp.spaces}
    for name in files:
        space = name[:-len(".jsonl")]
        # a population may be grown in steps (--n 10, 20, ... up to the experiment's n)
        recorded = manifest[name]["command"]
        steps = re.findall(r"--n (\d+) ", recorded)
        assert len(steps) == 1 and 0 < int(steps[0]) <= exp.n, recorded
        # --threads (torch threads per worker) changes how fast a model trains, not which
        recorded = re.sub(r" --threads \d+", "", recorded)
        assert recorded.replace(f"--n {steps[0]} ", f"--n {exp.n} ") == exp.command(space)
        lines = (folder / name).read_text().splitlines()
        records = [json.loads(x) for x in lines if '"index"' in x]
        assert 0 < len(records) <= exp.n
        lo, hi = exp.flops or rl.current_budget("cpu").flops_range or rl.regime("fashion-mnist").flops_band
        for r in records:
            assert r["space"] == space and lo <= r["complexity"]["flops"] <= hi


def test_load_reference_reads_an_experiment():
    exp = next(e for e in rl.experiments() if (SWEEPS / "cpu" / e.name).is_dir())
    space = exp.spaces[0]
    frame = rl.load_reference(space, experiment=exp.name)
    assert len(frame) > 0 and set(frame["space"]) == {space}
    assert rl.reference_manifest(experiment=exp.name)[f"{space}.jsonl"]["command"] == exp.command(space)


def test_experiment_inputs_are_checked():
    with pytest.raises(ValueError, match="unknown experiment 'nope'; valid: variants"):
        rl.load_reference(experiment="nope")
    with pytest.raises(ValueError, match="for the experiment 'variants': use one of RegNetX_6param_wm2"):
        rl.load_reference("AnyNetX_A", experiment="variants")
    with pytest.raises(ValueError, match="for the budget: use one of AnyNetX_A"):
        rl.load_reference("AnyNetX_C_equal_widths")
    with pytest.raises(ValueError, match="space must be one of this experiment's"):
        rl.experiment("variants").command("AnyNetX_A")
    with pytest.raises(TypeError, match="experiment must be"):
        rl.experiment(3)


def test_claims_on_experiments_take_each_space_from_where_it_was_trained():
    claim = next(c for c in rl.paper_claims() if c.id == "w_equal>D")
    assert claim.experiment_of("AnyNetX_C_equal_widths") == "variants"
    assert claim.experiment_of("AnyNetX_D") is None
    for c in rl.paper_claims():
        if c.experiment is not None:
            spaces = rl.experiment(c.experiment).spaces
            assert c.space_a in spaces or c.space_b in spaces, c.id


SEC4_EXPERIMENTS = {
    "alternate-designs": ("RegNetX_6param_inverted", "RegNetX_6param_depthwise", "RegNetY_6param"),
    "appendix-b": ("RegNetX_6param_fixed_depth", "RegNetX_6param_stages_3", "RegNetX_6param_swish"),
    "appendix-b-6-18MF": ("RegNetX_6param_stages_3",),
    "constrained": ("RegNetX_constrained_no_limits",),
}


@pytest.mark.parametrize("name", SEC4_EXPERIMENTS)
def test_section4_and_appendix_b_experiments(name):
    exp = rl.experiment(name)
    assert exp.spaces == SEC4_EXPERIMENTS[name] and exp.n == 50 and exp.recipe is None
    assert set(exp.spaces) <= set(rl.variant_space_names())
    assert exp.flops == ((6_000_000, 18_000_000) if name.endswith("6-18MF") else None)
    for space in exp.spaces:
        cmd = exp.command(space)
        assert f"--space {space} --n 50 " in cmd and f"data/sweeps/cpu/{name}/{space}.jsonl" in cmd
        # the band the sweep will use can be filled
        band = exp.flops or rl.regime("fashion-mnist").flops_band
        assert len(rl.design_space(space).sample(3, flops=band, regime="fashion-mnist")) == 3
