"""Complexity counting: exact agreement with the paper's reference implementation and PyTorch."""

import math

import pytest
import torch
from hypothesis import given, settings, strategies as st
from torch.utils.flop_counter import FlopCounterMode

import regnet_lab as rl

# (flops, params, acts) of every zoo model as printed by the paper's reference implementation
# (pycls, dev/model_complexity.json, configs/dds_baselines/regnet{x,y}/*, 224px, 1000 classes).
PYCLS_COMPLEXITY = {
    "RegNetX-200MF": (199040872, 2684792, 2164056),
    "RegNetX-400MF": (397678568, 5157512, 3143272),
    "RegNetX-600MF": (600891112, 6196040, 3975096),
    "RegNetX-800MF": (799700712, 7259656, 5148744),
    "RegNetX-1.6GF": (1602850792, 9190136, 7933512),
    "RegNetX-3.2GF": (3176622952, 15296552, 11367432),
    "RegNetX-4.0GF": (3964499816, 22118248, 12201608),
    "RegNetX-6.4GF": (6460292264, 26209256, 16369744),
    "RegNetX-8.0GF": (7995133416, 39572648, 14059688),
    "RegNetX-12GF": (12086679016, 46106056, 21366568),
    "RegNetX-16GF": (15940756456, 54278536, 25515496),
    "RegNetX-32GF": (31735930792, 107811560, 36302160),
    "RegNetY-200MF": (199519076, 3162996, 2168052),
    "RegNetY-400MF": (401849056, 4344144, 3892496),
    "RegNetY-600MF": (601227608, 6055160, 4334296),
    "RegNetY-800MF": (797183328, 6263168, 5249888),
    "RegNetY-1.6GF": (1612087326, 11202430, 8044814),
    "RegNetY-3.2GF": (3176496162, 19436338, 11263418),
    "RegNetY-4.0GF": (3973301344, 20646656, 12287200),
    "RegNetY-6.4GF": (6355221876, 30583252, 16407188),
    "RegNetY-8.0GF": (7963074196, 39180068, 17968916),
    "RegNetY-12GF": (12092395504, 51822544, 21384496),
    "RegNetY-16GF": (15911534044, 83590140, 23041228),
    "RegNetY-32GF": (32279583362, 145046770, 30261570),
}

# The paper's table (PAPER_FACTS.md): params in millions, flops in MF, rounded as printed.
PAPER_TABLE = {
    "RegNetX-200MF": (2.7, 199), "RegNetX-400MF": (5.2, 398), "RegNetX-600MF": (6.2, 601),
    "RegNetX-800MF": (7.3, 800), "RegNetX-1.6GF": (9.2, 1603), "RegNetX-3.2GF": (15.3, 3177),
    "RegNetX-4.0GF": (22.1, 3964), "RegNetX-6.4GF": (26.2, 6460), "RegNetX-8.0GF": (39.6, 7995),
    "RegNetX-12GF": (46.1, 12087), "RegNetX-16GF": (54.3, 15941), "RegNetX-32GF": (107.8, 31736),
    "RegNetY-200MF": (3.2, 200), "RegNetY-400MF": (4.3, 402), "RegNetY-600MF": (6.1, 601),
    "RegNetY-800MF": (6.3, 797), "RegNetY-1.6GF": (11.2, 1612), "RegNetY-3.2GF": (19.4, 3176),
    "RegNetY-4.0GF": (20.6, 3973), "RegNetY-6.4GF": (30.6, 6355), "RegNetY-8.0GF": (39.2, 7963),
    "RegNetY-12GF": (51.8, 12092), "RegNetY-16GF": (83.6, 15912), "RegNetY-32GF": (145.0, 32280),
}


def test_zoo_has_the_24_paper_models():
    assert rl.zoo_names() == list(PYCLS_COMPLEXITY)


@pytest.mark.parametrize("name", list(PYCLS_COMPLEXITY))
def test_zoo_complexity_equals_reference_implementation_to_the_unit(name):
    flops, params, acts = PYCLS_COMPLEXITY[name]
    assert rl.complexity(name) == rl.Complexity(flops=flops, params=params, acts=acts)


@pytest.mark.parametrize("name", list(PAPER_TABLE))
def test_zoo_complexity_matches_paper_table_within_rounding(name):
    params_m, mf = PAPER_TABLE[name]
    c = rl.complexity(name)
    assert abs(c.params / 1e6 - params_m) <= 0.05 + 1e-9
    assert abs(c.flops / 1e6 - mf) <= 0.5 + 1e-9


def _random_anynet(draw_int, n_stages, se):
    depths, widths, bs, gs = [], [], [], []
    for _ in range(n_stages):
        b = draw_int([1, 2, 4])
        g = draw_int([1, 2, 4, 8, 16])
        w = 8 * draw_int(range(1, 17))
        widths.append(w), bs.append(b), gs.append(g), depths.append(draw_int(range(1, 3)))
    widths, gs = rl.make_compatible(widths, bs, gs)
    return rl.AnyNetConfig(depths, widths, bs, gs, se_ratio=se, stem_width=8 * draw_int(range(1, 5)),
                           stem_stride=draw_int([1, 2]), in_channels=draw_int([1, 3]),
                           num_classes=draw_int([2, 10, 100]))


@settings(max_examples=25, deadline=None)
@given(data=st.data(), n_stages=st.integers(1, 4), se=st.sampled_from([0.0, 0.25]))
def test_params_equal_built_module_for_any_description(data, n_stages, se):
    cfg = _random_anynet(lambda xs: data.draw(st.sampled_from(list(xs))), n_stages, se)
    model = rl.build(cfg)
    assert rl.complexity(cfg).params == sum(p.numel() for p in model.parameters())


def _hooked_counts(model, resolution, in_channels):
    """Independent count with forward hooks on the built module (convs and FC)."""
    flops = acts = 0

    def hook(module, inputs, output):
        nonlocal flops, acts
        if isinstance(module, torch.nn.Conv2d):
            k = module.kernel_size[0] * module.kernel_size[1]
            spatial = output.shape[2] * output.shape[3]
            flops += k * module.in_channels * module.out_channels * spatial // module.groups
            flops += module.out_channels * spatial if module.bias is not None else 0
        else:
            flops += module.in_features * module.out_features + module.out_features
        acts += output[0].numel()

    handles = [m.register_forward_hook(hook) for m in model.modules()
               if isinstance(m, (torch.nn.Conv2d, torch.nn.Linear))]
    with torch.no_grad():
        model.eval()(torch.zeros(1, in_channels, resolution, resolution))
    for h in handles:
        h.remove()
    return flops, acts


@pytest.mark.parametrize("name,resolution", [("RegNetX-200MF", 224), ("RegNetY-400MF", 224),
                                             ("RegNetY-800MF", 96), ("RegNetX-1.6GF", 64)])
def test_flops_and_acts_equal_hooked_count(name, resolution):
    model = rl.build(name)
    c = rl.complexity(name, resolution=resolution)
    assert (c.flops, c.acts) == _hooked_counts(model, resolution, 3)


@pytest.mark.parametrize("name,overrides,resolution", [
    ("RegNetX-200MF", {}, 224),
    ("RegNetY-400MF", {}, 224),
    ("RegNetX-400MF", dict(in_channels=1, num_classes=10, stem_stride=1), 28),
    ("RegNetY-600MF", dict(num_classes=10, stem_stride=1), 32),
])
def test_conv_and_fc_flops_agree_with_pytorch_flop_counter(name, overrides, resolution):
    """PyTorch counts 2 flops per multiply-add and ignores biases: remove our bias terms."""
    cfg = rl.as_anynet(name, **overrides)
    model = rl.build(cfg).eval()
    counter = FlopCounterMode(display=False)
    with counter, torch.no_grad():
        model(torch.zeros(1, cfg.in_channels, resolution, resolution))
    ours = rl.complexity(cfg, resolution=resolution)
    bias_flops = cfg.num_classes  # FC bias
    if cfg.se_ratio > 0:  # SE conv biases at 1x1
        for w_in, w, d, b in zip((cfg.stem_width,) + cfg.widths[:-1], cfg.widths, cfg.depths,
                                 cfg.bottleneck_ratios):
            for j in range(d):
                w_se = round(cfg.se_ratio * (w_in if j == 0 else w))
                bias_flops += w_se + round(w / b)
    assert counter.get_total_flops() == 2 * (ours.flops - bias_flops)


def test_summary_rows_add_up_and_print():
    s = rl.summary("RegNetY-400MF")
    assert [r.name for r in s] == ["stem", "stage1", "stage2", "stage3", "stage4", "head"]
    assert s.total == rl.complexity("RegNetY-400MF")
    assert [r.resolution for r in s][1:5] == [56, 28, 14, 7]
    assert [r.groups for r in s][1:5] == [6, 13, 26, 55]
    text = str(s)
    assert "stage4" in text and "401.85" in text
    assert "<table" in s._repr_html_()
    df = s.to_frame()
    assert int(df["flops"].sum()) == s.total.flops


def test_resolution_changes_flops_not_params():
    a, b = rl.complexity("RegNetX-200MF", 224), rl.complexity("RegNetX-200MF", 112)
    assert a.params == b.params and b.flops < a.flops


@pytest.mark.parametrize("bad", [0, -1, 2.5, "224", True])
def test_bad_resolution_raises(bad):
    with pytest.raises(ValueError, match="resolution"):
        rl.complexity("RegNetX-200MF", resolution=bad)


def test_millions_properties():
    c = rl.complexity("RegNetX-400MF")
    assert math.isclose(c.mflops, 397.678568) and math.isclose(c.mparams, 5.157512)
