"""The variant spaces of Figs. 7, 9, 10, 13 and 14 and Appendix B: rules, samplers, sizes."""

import itertools
import math
from dataclasses import replace

import numpy as np
import pytest

import regnet_lab as rl
from regnet_lab import design_spaces as ds
from regnet_lab.quantization import make_compatible, quantize_widths

FM = "fashion-mnist"
BAND = (2_000_000, 6_000_000)

# name: (width order, depth order) the samples must follow, checked pairwise below
ANYNET_VARIANTS = {
    "AnyNetX_C_equal_widths": ("equal", "any"),
    "AnyNetX_C_decreasing_widths": ("decreasing", "any"),
    "AnyNetX_D_equal_depths": ("increasing", "equal"),
    "AnyNetX_D_decreasing_depths": ("increasing", "decreasing"),
}
PAIR_OK = {"any": lambda a, b: True, "increasing": lambda a, b: a <= b,
           "equal": lambda a, b: a == b, "decreasing": lambda a, b: a >= b}


def _follows(values, order):
    return all(PAIR_OK[order](a, b) for a, b in zip(values, values[1:]))


def test_variants_are_named_apart_from_the_books_path():
    assert len(rl.design_space_names()) == 7
    assert set(rl.variant_space_names()).isdisjoint(rl.design_space_names())
    for name in rl.variant_space_names():
        assert rl.design_space(name.lower().replace("_", "-")).name == name
    with pytest.raises(ValueError, match="or a variant: AnyNetX_C_equal_widths"):
        rl.design_space("AnyNetX_F")


@pytest.mark.parametrize("name", ANYNET_VARIANTS)
def test_anynet_variant_samples_follow_their_orders(name):
    width_order, depth_order = ANYNET_VARIANTS[name]
    sp = rl.design_space(name)
    samples = sp.sample(300, seed=4, regime=FM, flops=BAND)
    for c in samples:
        assert _follows(c.widths, width_order) and _follows(c.depths, depth_order), c
        assert len(set(c.bottleneck_ratios)) == 1 and len(set(c.group_widths)) == 1
        assert sp.why_not(c, FM) is None
        assert BAND[0] <= rl.complexity(c, resolution=28).flops <= BAND[1]
    # the orders are not vacuous: strict steps occur where an order allows them
    strict_w = sum(len(set(c.widths)) > 1 for c in samples)
    strict_d = sum(len(set(c.depths)) > 1 for c in samples)
    assert (strict_w == 0) == (width_order == "equal")
    assert (strict_d == 0) == (depth_order == "equal")


def test_anynet_variant_rules_reject_the_other_orders():
    up = rl.AnyNetConfig((1, 2, 2, 3), (16, 32, 64, 128), (1,) * 4, (8,) * 4)
    down = rl.AnyNetConfig((3, 2, 2, 1), (128, 64, 32, 16), (1,) * 4, (8,) * 4)
    flat = rl.AnyNetConfig((2,) * 4, (64,) * 4, (1,) * 4, (8,) * 4)
    eq_w, dec_w = rl.design_space("AnyNetX_C_equal_widths"), rl.design_space("AnyNetX_C_decreasing_widths")
    eq_d, dec_d = rl.design_space("AnyNetX_D_equal_depths"), rl.design_space("AnyNetX_D_decreasing_depths")
    assert "not all equal" in eq_w.why_not(up) and eq_w.contains(flat)
    assert "widths (16, 32, 64, 128) increase" == dec_w.why_not(up) and dec_w.contains(down)
    assert dec_w.contains(flat)  # ties are allowed, as in D's w_{i+1} >= w_i
    assert "depths (1, 2, 2, 3) are not all equal" == eq_d.why_not(up)
    assert dec_d.why_not(down) == "widths (128, 64, 32, 16) decrease"  # D's width rule still holds
    assert dec_d.contains(rl.AnyNetConfig((3, 2, 2, 1), (16, 32, 64, 128), (1,) * 4, (8,) * 4))


def test_decreasing_draws_are_increasing_draws_read_backwards():
    """Exactly the conditional distribution: the same random numbers give the reversed rows."""
    up = ds._draw_in_order(np.random.default_rng(9), 8, 1024, 500, 4, "increasing", step=8)
    down = ds._draw_in_order(np.random.default_rng(9), 8, 1024, 500, 4, "decreasing", step=8)
    assert np.array_equal(down, up[:, ::-1])
    flat = ds._draw_in_order(np.random.default_rng(9), 1, 16, 500, 4, "equal")
    assert np.all(flat == flat[:, :1]) and len(np.unique(flat[:, 0])) > 8
    with pytest.raises(ValueError, match="width_order must be one of any, increasing, equal"):
        ds.AnyNetXSpace("x", True, True, "sideways", "any", ())


def _tiny():
    return replace(rl.regime(FM), name="tiny-variants", max_depth=3, max_width=32,
                   regnet_depth=(4, 9), regnet_w0=(8, 24), regnet_wa=(1.0, 24.0),
                   regnet_wm=(1.5, 2.1))


@pytest.mark.parametrize("name", ANYNET_VARIANTS)
def test_anynet_variant_sizes_by_brute_force(name):
    width_order, depth_order = ANYNET_VARIANTS[name]
    reg = _tiny()
    depths = range(1, reg.max_depth + 1)
    widths = range(8, reg.max_width + 1, 8)
    n_d = sum(_follows(s, depth_order) for s in itertools.product(depths, repeat=4))
    n_w = sum(_follows(s, width_order) for s in itertools.product(widths, repeat=4))
    sp = rl.design_space(name)
    assert sp.size(reg) == n_d * n_w * 3 * 6
    assert sp.paper_size() is None
    with pytest.raises(ValueError, match="Table 1 gives no size"):
        sp.paper_formula()
    assert "prints no size" in sp.size_explanation(reg)


def _stages_by_rule(d, w0, wa, wm, stages=4):
    """The paper's stage rule per block with the math module: exponents 0 .. stages-1, each
    present, with distinct widths."""
    exps = [round(math.log((w0 + wa * j) / w0) / math.log(wm)) for j in range(d)]
    widths = [round(w0 * wm ** k / 8) * 8 for k in sorted(set(exps))]
    return sorted(set(exps)) == list(range(stages)) and len(set(widths)) == stages


@pytest.mark.parametrize("name", ["RegNetX_6param_wm2", "RegNetX_6param_w0_eq_wa"])
def test_regnet_variant_sizes_by_brute_force(name):
    reg = _tiny()
    sp = rl.design_space(name)
    r = sp.ranges(reg)
    count = 0
    wms = [2.0] if name.endswith("wm2") else [k / 1000 for k in range(1500, 2101)]
    if name.endswith("w0_eq_wa"):  # a smaller wm grid keeps the brute force short
        reg = replace(reg, regnet_wm=(1.5, 1.8))
        r = sp.ranges(reg)
        wms = [k / 1000 for k in range(1500, 1801)]
    for d, w0, wm in itertools.product(range(r["d"][0], r["d"][1] + 1),
                                       range(r["w0"][0], r["w0"][1] + 1, 8), wms):
        was = [float(w0)] if name.endswith("w0_eq_wa") else [k / 10 for k in range(10, 241)]
        for wa in was:
            if not _stages_by_rule(d, w0, wa, wm):
                continue
            widths = quantize_widths(w0, wa, wm, d).stage_widths
            for b, g in itertools.product(r["b"], r["g"]):
                count += make_compatible(widths, [b] * 4, [g] * 4)[1] == (g,) * 4
    assert count > 0
    assert sp.size(reg) == count
    assert sp.paper_size() is None


def test_regnet_variant_samples_and_rules():
    wm2, w0wa = rl.design_space("RegNetX_6param_wm2"), rl.design_space("RegNetX_6param_w0_eq_wa")
    for c in wm2.sample(100, seed=2, regime=FM, flops=BAND):
        assert c.wm == 2.0 and wm2.why_not(c, FM) is None
        assert rl.design_space("RegNetX_6param").contains(c, FM)
    pairs = [(c.w0, c.wa) for c in w0wa.sample(100, seed=2, regime=FM, flops=BAND)]
    assert all(w0 == wa for w0, wa in pairs) and len(set(pairs)) > 3
    c = rl.RegNetConfig(depth=12, w0=24, wa=24.0, wm=2.5, group_width=8)
    assert w0wa.contains(c)
    assert wm2.why_not(c) == "wm = 2.5, the space fixes wm = 2"
    other = rl.RegNetConfig(depth=12, w0=24, wa=30.0, wm=2.5, group_width=8)
    assert "differs from w0 = 24" in w0wa.why_not(other)



# ------------------------------------------------------------- Sec. 3.4 (Fig. 10): stages, blocks

FIG10 = {"AnyNetX_A_stages_5": (5, "X"), "AnyNetX_E_stages_5": (5, "X"),
         "RegNetX_6param_stages_5": (5, "X"),
         "AnyNetX_A_block_R": (4, "R"), "AnyNetX_E_block_R": (4, "R"),
         "AnyNetX_A_block_V": (4, "V"), "AnyNetX_E_block_V": (4, "V"),
         "RegNetX_6param_block_R": (4, "R"), "RegNetX_6param_block_V": (4, "V")}


@pytest.mark.parametrize("name", FIG10)
def test_fig10_variant_samples(name):
    stages, block = FIG10[name]
    sp = rl.design_space(name)
    base = rl.design_space(name.rsplit("_", 2)[0])
    samples = sp.sample(20, seed=5, regime=FM, flops=BAND)
    for c in samples:
        a = c.to_anynet() if hasattr(c, "to_anynet") else c
        assert a.num_stages == stages and a.block_type == block
        assert BAND[0] <= rl.complexity(c, resolution=28).flops <= BAND[1]
        assert sp.why_not(c, FM) is None
        assert base.why_not(c, FM) is not None  # not a member of the X-block, 4-stage space
    if name.startswith("AnyNetX_E"):
        assert all(_follows(c.widths, "increasing") and _follows(c.depths, "increasing")
                   for c in samples)
    model = rl.build(samples[0])
    n_params = sum(p.numel() for p in model.parameters())
    assert n_params == rl.complexity(samples[0], resolution=28).params


def test_fig10_anynet_sizes():
    reg = _tiny()
    D, W = reg.max_depth, reg.max_width // 8
    assert rl.design_space("AnyNetX_A_stages_5").size(reg) == (D * W * 3 * 6) ** 5
    assert rl.design_space("AnyNetX_A_block_R").size(reg) == (D * W) ** 4
    assert rl.design_space("AnyNetX_E_block_V").size(reg) == math.comb(D + 3, 4) * math.comb(W + 3, 4)
    assert rl.design_space("AnyNetX_E_block_V").network_count(reg) == rl.design_space(
        "AnyNetX_E_block_V").size(reg)
    e5 = sum(_follows(s, "increasing") for s in itertools.product(range(1, D + 1), repeat=5))
    w5 = sum(_follows(s, "increasing") for s in itertools.product(range(8, 8 * W + 1, 8), repeat=5))
    assert rl.design_space("AnyNetX_E_stages_5").size(reg) == e5 * w5 * 3 * 6


def test_fig10_regnet_block_size_by_brute_force():
    reg = replace(_tiny(), regnet_wa=(1.0, 8.0), regnet_wm=(1.5, 1.55))
    sp = rl.design_space("RegNetX_6param_block_R")
    r = sp.ranges(reg)
    count = sum(_stages_by_rule(d, w0, wa_k / 10, wm_k / 1000)
                for d in range(r["d"][0], r["d"][1] + 1)
                for w0 in range(r["w0"][0], r["w0"][1] + 1, 8)
                for wa_k in range(10, 81) for wm_k in range(1500, 1551))
    assert count > 0 and sp.size(reg) == count
    with pytest.raises(ValueError, match="block_type must be one of V, R, VR, X"):
        ds.RegNetSpace("x", False, (), block_type="Z")


def test_five_stage_regnet_size_and_membership_by_the_rule():
    reg = replace(_tiny(), regnet_depth=(5, 12), regnet_w0=(8, 16), regnet_wa=(1.0, 8.0),
                  regnet_wm=(1.5, 1.56))
    sp = rl.design_space("RegNetX_6param_stages_5")
    r = sp.ranges(reg)
    count = 0
    for d, w0, wa_k, wm_k in itertools.product(range(r["d"][0], r["d"][1] + 1), (8, 16),
                                               range(10, 81), range(1500, 1561)):
        if not _stages_by_rule(d, w0, wa_k / 10, wm_k / 1000, 5):
            continue
        widths = quantize_widths(w0, wa_k / 10, wm_k / 1000, d).stage_widths
        for b, g in itertools.product(r["b"], r["g"]):
            count += make_compatible(widths, [b] * 5, [g] * 5)[1] == (g,) * 5
    assert count > 0 and sp.size(reg) == count
    c = sp.sample(1, seed=1, regime=FM, flops=BAND)[0]
    assert c.quantized.total_stages == 5 and c.quantized.stages_are_exponents
    assert sp.contains(c.to_anynet(), FM)
    assert "not 4" in rl.design_space("RegNetX_6param").why_not(c, FM)


# ------------------------------------- Sec. 4 (Figs. 13-14) and Appendix B: alternate designs

SEC4 = {  # name: (stages, block type, activation, b choices, g choices)
    "RegNetX_6param_inverted": (4, "X", "relu", (0.125, 0.25, 0.5, 1), (1, 2, 4, 8, 16, 32)),
    "RegNetX_6param_depthwise": (4, "X", "relu", (1, 2, 4), (1,)),
    "RegNetY_6param": (4, "Y", "relu", (1, 2, 4), (1, 2, 4, 8, 16, 32)),
    "RegNetX_6param_swish": (4, "X", "silu", (1, 2, 4), (1, 2, 4, 8, 16, 32)),
    "RegNetX_6param_fixed_depth": (4, "X", "relu", (1, 2, 4), (1, 2, 4, 8, 16, 32)),
    "RegNetX_6param_stages_3": (3, "X", "relu", (1, 2, 4), (1, 2, 4, 8, 16, 32)),
    "RegNetX_constrained_no_limits": (4, "X", "relu", (1,), (1, 2, 4, 8, 16, 32)),
}


def _tiny_sec4():
    # small grids (wa 1..8, wm 1.5..1.56 or 2..2.06) keep the brute force to seconds a space
    return replace(_tiny(), regnet_depth=(3, 9), regnet_wa=(1.0, 8.0), regnet_wm=(1.5, 1.56),
                   regnetx_wm=(2.0, 2.06), regnetx_depth=(4, 8), regnet_fixed_depth=6,
                   constrained_depth=(1, 7))


def _brute_force_size(sp, reg):
    r = sp.ranges(reg)
    count = 0
    for d, w0, wa_k, wm_k in itertools.product(
            range(r["d"][0], r["d"][1] + 1), range(r["w0"][0], r["w0"][1] + 1, 8),
            range(round(r["wa"][0] * 10), round(r["wa"][1] * 10) + 1),
            range(round(r["wm"][0] * 1000), round(r["wm"][1] * 1000) + 1)):
        if not _stages_by_rule(d, w0, wa_k / 10, wm_k / 1000, sp.stages):
            continue
        widths = quantize_widths(w0, wa_k / 10, wm_k / 1000, d).stage_widths
        for b, g in itertools.product(r["b"], r["g"]):
            count += make_compatible(widths, [b] * sp.stages, [g] * sp.stages)[1] == (g,) * sp.stages
    return count


# RegNetY_6param and RegNetX_6param_swish count as RegNetX_6param (test_sec4_sizes_that_must_agree)
@pytest.mark.parametrize("name", [n for n in SEC4 if n not in ("RegNetY_6param", "RegNetX_6param_swish")])
def test_sec4_variant_sizes_by_brute_force(name):
    reg = _tiny_sec4()
    sp = rl.design_space(name)
    stages, _, _, bs, gs = SEC4[name]
    r = sp.ranges(reg)
    assert (sp.stages, r["b"], r["g"]) == (stages, bs, gs)
    expected_d = {"RegNetX_6param_fixed_depth": (6, 6), "RegNetX_constrained_no_limits": (1, 7)}
    assert r["d"] == expected_d.get(name, (3, 9))
    assert r["wm"] == ((2.0, 2.06) if "constrained" in name else (1.5, 1.56))
    count = _brute_force_size(sp, reg)
    assert count > 0 and sp.size(reg) == count
    assert sp.paper_size() is None
    with pytest.raises(ValueError, match="Table 1 gives no size"):
        sp.paper_formula()


def test_sec4_sizes_that_must_agree():
    """SE and the activation do not change which tuples are networks of the space."""
    reg = _tiny_sec4()
    base = rl.design_space("RegNetX_6param").size(reg)
    assert rl.design_space("RegNetY_6param").size(reg) == base
    assert rl.design_space("RegNetX_6param_swish").size(reg) == base
    assert rl.design_space("RegNetX_6param_stages_5").paper_size() is None  # Table 1: 4 stages, X


@pytest.mark.parametrize("name", SEC4)
def test_sec4_variant_samples(name):
    stages, block, act, bs, gs = SEC4[name]
    sp = rl.design_space(name)
    base = rl.design_space("RegNetX_6param")
    samples = sp.sample(40, seed=6, regime=FM, flops=BAND)
    assert samples == sp.sample(40, seed=6, regime=FM, flops=BAND)
    assert samples[:10] == sp.sample(10, seed=6, regime=FM, flops=BAND)
    r = sp.ranges(FM)
    for c in samples:
        assert c.num_stages == stages and c.block_type == block and c.activation == act
        assert c.bottleneck_ratio in bs and c.group_width in gs
        assert r["d"][0] <= c.depth <= r["d"][1] and r["wm"][0] <= c.wm <= r["wm"][1]
        assert BAND[0] <= rl.complexity(c, resolution=28).flops <= BAND[1]  # the SE convs counted
        assert sp.why_not(c, FM) is None
    if name == "RegNetX_6param_fixed_depth":
        assert {c.depth for c in samples} == {6}
    if name == "RegNetX_constrained_no_limits":
        assert all(c.depth <= 10 and c.wm >= 2 and c.bottleneck_ratio == 1 for c in samples)
    if name == "RegNetX_6param_inverted":
        inverted = [c for c in samples if c.bottleneck_ratio < 1]
        assert inverted and all(base.why_not(c, FM) == f"b = {c.bottleneck_ratio:g} is not in (1, 2, 4)"
                                for c in inverted)
        assert {c.bottleneck_ratio for c in samples} == set(bs)
    if block == "Y" or act == "silu" or stages != 4:
        assert all(base.why_not(c, FM) is not None for c in samples)
    probe = min(samples, key=lambda c: c.bottleneck_ratio)  # an inverted one where there is one
    model = rl.build(probe)
    assert sum(p.numel() for p in model.parameters()) == rl.complexity(probe, resolution=28).params


def test_sec4_membership_and_messages():
    y, sw = rl.design_space("RegNetY_6param"), rl.design_space("RegNetX_6param_swish")
    x = rl.RegNetConfig(depth=12, w0=24, wa=24.0, wm=2.5, group_width=8)
    assert y.why_not(x) == "has X blocks; the space uses Y blocks"
    assert sw.why_not(x) == "uses relu activations; the space uses silu"
    yc = x.replace(se_ratio=0.25)
    assert y.contains(yc) and not rl.design_space("RegNetX_6param").contains(yc)
    assert y.why_not(x.replace(se_ratio=0.5)) == "has se_ratio 0.5; the space uses Y blocks with se_ratio 0.25"
    assert rl.design_space("RegNetX_6param").why_not(x.replace(activation="silu")) == (
        "uses silu activations; the space uses relu")
    assert rl.design_space("RegNetX_6param_depthwise").why_not(x) == "g = 8 is not in (1,)"
    assert rl.design_space("RegNetX_6param_fixed_depth").why_not(x) == "d = 12 is outside 20..20"
    assert rl.design_space("RegNetX_constrained_no_limits").why_not(x.replace(depth=41)) == (
        "d = 41 is outside 1..40")
    # an expanded (AnyNetConfig) inverted-bottleneck sample is found again on the grid
    inv = rl.design_space("RegNetX_6param_inverted")
    c = next(c for c in inv.sample(20, seed=1, regime=FM, flops=BAND) if c.bottleneck_ratio < 1)
    assert inv.contains(c.to_anynet(), FM)
    ys = y.sample(1, seed=2, regime=FM, flops=BAND)[0]
    assert y.contains(ys.to_anynet(), FM) and not sw.contains(ys.to_anynet(), FM)


def test_sec4_regnet_space_options_are_checked():
    with pytest.raises(ValueError, match="inverted bottleneck ratio b < 1 must be 1/m"):
        ds.RegNetSpace("x", False, (), bottleneck_ratios=(0.3, 1))
    with pytest.raises(ValueError, match="bottleneck_ratios must be a non-empty sequence"):
        ds.RegNetSpace("x", False, (), bottleneck_ratios=())
    with pytest.raises(ValueError, match="group_widths must be a non-empty sequence"):
        ds.RegNetSpace("x", False, (), group_widths=(0,))
    with pytest.raises(ValueError, match="se_ratio must be > 0 exactly for Y blocks"):
        ds.RegNetSpace("x", False, (), se_ratio=0.25)
    with pytest.raises(ValueError, match="se_ratio must be > 0 exactly for Y blocks"):
        ds.RegNetSpace("x", False, (), block_type="Y")
    with pytest.raises(ValueError, match="activation must be 'relu' or 'silu'"):
        ds.RegNetSpace("x", False, (), activation="gelu")
    with pytest.raises(ValueError, match="depth must be None, 'fixed' or 'constrained'"):
        ds.RegNetSpace("x", False, (), depth="20")
    for name in SEC4:  # the same validation errors as every space
        with pytest.raises(ValueError, match="n must be"):
            rl.design_space(name).sample(0)
        with pytest.raises(ValueError, match="flops band"):
            rl.design_space(name).sample(1, flops=(5, 1))
