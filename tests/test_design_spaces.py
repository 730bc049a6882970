"""Design spaces: samples obey their rules and build, seeds reproduce, sizes are exact."""

from __future__ import annotations

import itertools
import math
from dataclasses import replace

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import regnet_lab as rl
from regnet_lab import design_spaces as ds
from regnet_lab.quantization import make_compatible, quantize_widths

SPACES = rl.design_space_names()
ANYNET = [s for s in SPACES if s.startswith("AnyNetX")]
SMALL = ["fashion-mnist", "cifar-10"]
B_SET, G_SET = (1, 2, 4), (1, 2, 4, 8, 16, 32)


# ------------------------------------------------------------------ independent rule checks


def anynet_rules(name: str, c: rl.AnyNetConfig, reg: rl.Regime) -> None:
    """The rules of PAPER_FACTS.md, written out again independently of the library."""
    letter = name[-1]
    assert c.num_stages == 4 and c.strides == (2, 2, 2, 2) and c.se_ratio == 0
    assert all(1 <= d <= reg.max_depth for d in c.depths)
    assert all(8 <= w <= reg.max_width and w % 8 == 0 for w in c.widths)
    assert all(b in B_SET for b in c.bottleneck_ratios)
    assert all(g in G_SET for g in c.group_widths)
    # already compatible: the compatibility rule changes nothing
    assert make_compatible(c.widths, c.bottleneck_ratios, c.group_widths) == (c.widths, c.group_widths)
    if letter >= "B":
        assert len(set(c.bottleneck_ratios)) == 1
    if letter >= "C":
        assert len(set(c.group_widths)) == 1
    if letter >= "D":
        assert list(c.widths) == sorted(c.widths)
    if letter >= "E":
        assert list(c.depths) == sorted(c.depths)


def regnet_rules(name: str, c: rl.RegNetConfig, reg: rl.Regime) -> None:
    refined = name == "RegNetX_refined"
    dlo, dhi = reg.regnetx_depth if refined else reg.regnet_depth
    wmlo, wmhi = reg.regnetx_wm if refined else reg.regnet_wm
    assert dlo <= c.depth <= dhi
    assert reg.regnet_w0[0] <= c.w0 <= reg.regnet_w0[1] and c.w0 % 8 == 0
    assert reg.regnet_wa[0] <= c.wa <= reg.regnet_wa[1]
    assert wmlo <= c.wm <= wmhi
    assert c.b in ((1,) if refined else B_SET) and c.g in G_SET
    assert round(c.wa * 10) == pytest.approx(c.wa * 10) and round(c.wm * 1000) == pytest.approx(c.wm * 1000)
    qw = quantize_widths(c.w0, c.wa, c.wm, c.depth)
    assert qw.num_stages == 4 and qw.stage_depths == c.depths
    widths, gws = make_compatible(qw.stage_widths, (c.b,) * 4, (c.g,) * 4)
    assert widths == c.widths and gws == (c.g,) * 4  # shared g, not clamped
    assert c.se_ratio == 0


def check_sample(name: str, c, reg: rl.Regime, band=None) -> None:
    if name.startswith("AnyNetX"):
        assert isinstance(c, rl.AnyNetConfig)
        anynet_rules(name, c, reg)
    else:
        assert isinstance(c, rl.RegNetConfig)
        regnet_rules(name, c, reg)
    for k, v in reg.overrides().items():
        assert getattr(c, k) == v
    if band is not None:
        assert band[0] <= rl.complexity(c, resolution=reg.resolution).flops <= band[1]
    assert rl.design_space(name).contains(c, reg)


# ------------------------------------------------------------------ names and regimes


def test_names_and_lookup():
    assert SPACES == ["AnyNetX_A", "AnyNetX_B", "AnyNetX_C", "AnyNetX_D", "AnyNetX_E", "RegNetX_6param", "RegNetX_refined"]
    assert rl.design_space("anynetx-c").name == "AnyNetX_C"
    assert rl.design_space("REGNETX-REFINED").name == "RegNetX_refined"
    with pytest.raises(ValueError, match="AnyNetX_A, AnyNetX_B.*RegNetX"):
        rl.design_space("AnyNetX_F")


def test_regimes():
    assert set(rl.REGIMES) == {"paper", "fashion-mnist", "cifar-10"}
    p = rl.regime("paper")
    assert (p.resolution, p.in_channels, p.num_classes, p.stem_width, p.stem_stride) == (224, 3, 1000, 32, 2)
    assert (p.max_depth, p.max_width) == (16, 1024)
    f = rl.regime("Fashion_MNIST")
    assert (f.resolution, f.in_channels, f.num_classes, f.stem_stride) == (28, 1, 10, 1)
    c = rl.regime("CIFAR10")
    assert (c.resolution, c.in_channels, c.num_classes, c.stem_stride) == (32, 3, 10, 1)
    for r in rl.REGIMES.values():
        assert r.flops_band[0] < r.flops_band[1]
    with pytest.raises(ValueError, match="paper, fashion-mnist, cifar-10"):
        rl.regime("imagenet-22k")


# ------------------------------------------------------------------ samples obey the rules


@pytest.mark.parametrize("name", SPACES)
@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**32 - 1), reg=st.sampled_from(SMALL), banded=st.booleans())
def test_small_regime_samples_obey_rules_and_build(name, seed, reg, banded):
    reg = rl.regime(reg)
    band = reg.flops_band if banded else None
    samples = rl.design_space(name).sample(3, seed=seed, flops=band, regime=reg)
    assert len(samples) == 3
    for c in samples:
        check_sample(name, c, reg, band)
    # build the cheapest one and run it (building all would be slow without a band)
    c = min(samples, key=lambda s: rl.complexity(s, resolution=reg.resolution).flops)
    model = rl.build(c).eval()
    with torch.no_grad():
        out = model(torch.zeros(1, reg.in_channels, reg.resolution, reg.resolution))
    assert out.shape == (1, reg.num_classes)


@pytest.mark.parametrize("name", SPACES)
@settings(max_examples=4, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_paper_regime_samples_obey_rules(name, seed):
    reg = rl.regime("paper")
    for c in rl.design_space(name).sample(5, seed=seed, flops="default", regime="paper"):
        check_sample(name, c, reg, reg.flops_band)


@pytest.mark.parametrize("name", SPACES)
def test_many_samples_in_default_band(name):
    reg = rl.regime("fashion-mnist")
    samples = rl.design_space(name).sample(200, seed=1, flops=True, regime=reg)
    for c in samples:
        check_sample(name, c, reg, reg.flops_band)
    assert len({c for c in samples}) > 150  # not a handful of repeats


def test_paper_band_models_build():
    c = rl.design_space("RegNetX_refined").sample(1, seed=2, flops="default")[0]
    model = rl.build(c)
    assert sum(p.numel() for p in model.parameters()) == rl.complexity(c).params


# ------------------------------------------------------------------ reproducibility


@pytest.mark.parametrize("name", SPACES)
def test_same_seed_same_samples_and_prefix(name):
    sp = rl.design_space(name)
    a = sp.sample(20, seed=7, flops="default", regime="cifar-10")
    b = sp.sample(20, seed=7, flops="default", regime="cifar-10")
    assert a == b
    assert sp.sample(5, seed=7, flops="default", regime="cifar-10") == a[:5]
    assert sp.sample(20, seed=8, flops="default", regime="cifar-10") != a


def test_golden_samples():
    """Pinned values: a change here means samples differ from those other machines drew."""
    a = rl.design_space("AnyNetX_A").sample(1, seed=0, regime="fashion-mnist")[0]
    r = rl.design_space("RegNetX_6param").sample(1, seed=0, regime="fashion-mnist")[0]
    assert (a.depths, a.widths, a.bottleneck_ratios, a.group_widths) == GOLDEN_A
    assert (r.depth, r.w0, r.wa, r.wm, r.b, r.g) == GOLDEN_R


GOLDEN_A = ((3, 4, 2, 3), (8, 24, 24, 120), (2, 1, 4, 4), (4, 2, 1, 2))
GOLDEN_R = (11, 32, 17.9, 1.849, 4, 8)  # pycls-exact sampler and the stage rule (0.2)


def test_reciprocal_draws_are_exact_and_log_uniform():
    values, cdf = ds._reciprocal_cdf(1, 16)
    w = 1 / np.arange(1, 17)
    np.testing.assert_allclose(np.diff(np.concatenate([[0], cdf])), w / w.sum(), rtol=1e-12)
    x = ds._log_uniform_int(np.random.default_rng(0), 1, 16, 200_000)
    freq = np.bincount(x, minlength=17)[1:] / x.size
    np.testing.assert_allclose(freq, w / w.sum(), atol=0.004)


def test_ordered_draws_equal_conditioned_iid_draws():
    x = ds._ordered_log_uniform_int(np.random.default_rng(3), 1, 4, 300_000, 3)
    assert np.all(np.diff(x, axis=1) >= 0)
    seqs = [s for s in itertools.product(range(1, 5), repeat=3) if s[0] <= s[1] <= s[2]]
    p = np.array([1 / np.prod(s) for s in seqs])
    p /= p.sum()
    counts = {s: 0 for s in seqs}
    for row in map(tuple, x):
        counts[row] += 1
    freq = np.array([counts[s] for s in seqs]) / len(x)
    np.testing.assert_allclose(freq, p, atol=0.004)


# ------------------------------------------------------------------ vectorised shortcuts


def test_vectorised_flops_match_complexity():
    reg = rl.regime("cifar-10")
    for name in ANYNET:
        arrays, ok, fl = rl.design_space(name)._propose(np.random.default_rng(1), 300, reg)
        for i in np.flatnonzero(ok)[:40]:
            c = rl.design_space(name)._make(arrays, int(i), reg)
            assert rl.complexity(c, resolution=reg.resolution).flops == fl[i]


def test_vectorised_regnet_expansion_matches_quantize_widths():
    rng = np.random.default_rng(5)
    m = 3000
    d = rng.integers(1, 64, m)
    w0 = (rng.integers(1, 32, m) * 8).astype(float)
    wa = rng.integers(1, 2560, m) / 10
    wm = rng.integers(1500, 3001, m) / 1000
    dep, wid, nst, total = ds._expand_regnet(d, w0, wa, wm)
    for i in range(m):
        q = quantize_widths(w0[i], wa[i], wm[i], int(d[i]))
        assert (q.num_stages == 4) == (nst[i] == 4)
        four = q.num_stages == 4 and q.total_stages == 4
        assert four == (nst[i] == 4 and total[i] == 4)
        if nst[i] == 4:
            assert (tuple(dep[i]), tuple(wid[i])) == (q.stage_depths, q.stage_widths)


# ------------------------------------------------------------------ bands and bad arguments


def test_band_is_respected_and_unreachable_band_explained():
    reg = rl.regime("fashion-mnist")
    band = (3_000_000, 3_500_000)
    for c in rl.design_space("AnyNetX_C").sample(30, seed=0, flops=band, regime=reg):
        assert band[0] <= rl.complexity(c, resolution=28).flops <= band[1]
    with pytest.raises(ValueError, match="no model can have flops"):
        rl.design_space("AnyNetX_A").sample(3, flops=(10**13, 2 * 10**13))
    with pytest.raises(ValueError, match=r"found only 0 of 2 models .* MF"):
        rl.design_space("RegNetX_6param").sample(2, flops=(10**15, 2 * 10**15), max_proposals=50_000)


@pytest.mark.parametrize("kwargs,msg", [
    ({"n": 0}, "n must be"), ({"n": 2.5}, "n must be"), ({"n": True}, "n must be"),
    ({"n": 2, "seed": -1}, "seed"), ({"n": 2, "seed": 1.5}, "seed"),
    ({"n": 2, "regime": "mnist"}, "regime"),
    ({"n": 2, "flops": "big"}, "flops"), ({"n": 2, "flops": (1, 2, 3)}, "flops"),
    ({"n": 2, "flops": (5e6, 1e6)}, "low <= high"), ({"n": 2, "flops": (-1, 1e6)}, "low <= high"),
    ({"n": 2, "flops": (0.2, 0.4)}, "MF"), ({"n": 2, "flops": (float("nan"), 1e6)}, "finite"),
    ({"n": 2, "max_proposals": 0}, "max_proposals"),
])
def test_bad_arguments(kwargs, msg):
    with pytest.raises(ValueError, match=msg):
        rl.design_space("AnyNetX_B").sample(**kwargs)


# ------------------------------------------------------------------ sizes


def test_paper_regime_sizes_closed_forms():
    s = {n: rl.design_space(n).size() for n in SPACES}
    assert s["AnyNetX_A"] == (16 * 128 * 3 * 6) ** 4
    assert s["AnyNetX_B"] == (16 * 128 * 6) ** 4 * 3
    assert s["AnyNetX_C"] == (16 * 128) ** 4 * 18
    assert s["AnyNetX_D"] == 16 ** 4 * math.comb(131, 4) * 18
    assert s["AnyNetX_E"] == math.comb(19, 4) * math.comb(131, 4) * 18
    assert all(isinstance(v, int) for v in s.values())
    # the paper's printed figures: A-C agree to rounding; D, E exceed the 4! approximation
    for n in ("AnyNetX_A", "AnyNetX_B", "AnyNetX_C"):
        assert s[n] / rl.design_space(n).paper_size() == pytest.approx(1, abs=0.03)
    assert s["AnyNetX_D"] / 1.3e13 == pytest.approx(1.06, abs=0.02)
    assert s["AnyNetX_E"] / 5.5e11 == pytest.approx(1.49, abs=0.03)
    # RegNetX_6param: the grid count, the four-stage tuples in it, and Table 1's own estimate
    assert rl.design_space("RegNetX_6param").grid_size() == 63 * 31 * 2559 * 1501 * 3 * 6
    assert s["RegNetX_6param"] < rl.design_space("RegNetX_6param").grid_size()
    expr, value = rl.design_space("RegNetX_6param").paper_formula()
    assert value == 64 ** 4 * 6 * 3  # 3.0e8 as printed
    assert rl.design_space("RegNetX_refined").paper_size() is None
    assert "4!" in rl.design_space("AnyNetX_E").size_explanation()


def _tiny_regime() -> rl.Regime:
    return replace(rl.regime("fashion-mnist"), name="tiny", max_depth=3, max_width=32,
                   regnet_depth=(4, 6), regnet_w0=(8, 24), regnet_wa=(0.1, 0.4), regnet_wm=(1.5, 1.503),
                   regnetx_depth=(5, 6), regnetx_wm=(2.0, 2.002))


@pytest.mark.parametrize("name", ANYNET)
def test_sizes_by_brute_force(name):
    """Enumerate every raw (d, w) sequence and every (b, g) assignment of a shrunk space."""
    reg = _tiny_regime()
    letter = name[-1]
    per_stage = list(itertools.product(range(1, reg.max_depth + 1), range(8, reg.max_width + 1, 8)))
    dw = 0
    for seq in itertools.product(per_stage, repeat=4):
        ds_, ws = [x[0] for x in seq], [x[1] for x in seq]
        if letter >= "D" and ws != sorted(ws):
            continue
        if letter >= "E" and ds_ != sorted(ds_):
            continue
        dw += 1
    bs = [(b,) * 4 for b in B_SET] if letter >= "B" else list(itertools.product(B_SET, repeat=4))
    gs = [(g,) * 4 for g in G_SET] if letter >= "C" else list(itertools.product(G_SET, repeat=4))
    assert rl.design_space(name).size(reg) == dw * len(bs) * len(gs)


@pytest.mark.parametrize("name", ["AnyNetX_C", "AnyNetX_D", "AnyNetX_E"])
def test_network_count_by_brute_force(name):
    """Distinct networks = raw configurations that are already compatible and obey the rules."""
    reg = replace(_tiny_regime(), max_depth=2, max_width=24)
    sp = rl.design_space(name)
    count = 0
    for b, g in itertools.product(B_SET, G_SET):
        for seq in itertools.product(range(1, 3), repeat=4):
            for ws in itertools.product(range(8, 25, 8), repeat=4):
                try:
                    c = rl.AnyNetConfig(seq, ws, (b,) * 4, (g,) * 4)
                except ValueError:
                    continue
                count += sp.contains(c, reg)
    assert sp.network_count(reg) == count
    assert count < sp.size(reg)


def _four_stage_by_rule(d, w0, wa, wm):
    """The paper's rule written out per block with the math module: stage i = the blocks of
    rounded exponent i, and a four-stage RegNet has exponents 0, 1, 2, 3 with distinct widths."""
    exps = [round(math.log((w0 + wa * j) / w0) / math.log(wm)) for j in range(d)]
    widths = [round(w0 * wm ** k / 8) * 8 for k in sorted(set(exps))]
    return sorted(set(exps)) == [0, 1, 2, 3] and len(set(widths)) == 4


@pytest.mark.parametrize("refined", [False, True])
def test_regnet_size_by_brute_force(refined):
    reg = replace(_tiny_regime(), regnet_depth=(4, 9), regnet_w0=(8, 24), regnet_wa=(1.0, 24.0),
                  regnet_wm=(1.5, 1.52), regnetx_depth=(4, 7), regnetx_wm=(2.0, 2.02))
    name = "RegNetX_refined" if refined else "RegNetX_6param"
    r = rl.design_space(name).ranges(reg)
    count = 0
    for d, w0, wa_k, wm_k in itertools.product(
            range(r["d"][0], r["d"][1] + 1), range(r["w0"][0], r["w0"][1] + 1, 8),
            range(round(r["wa"][0] * 10), round(r["wa"][1] * 10) + 1),
            range(round(r["wm"][0] * 1000), round(r["wm"][1] * 1000) + 1)):
        wa, wm = wa_k / 10, wm_k / 1000
        if not _four_stage_by_rule(d, w0, wa, wm):
            continue
        widths = quantize_widths(w0, wa, wm, d).stage_widths
        for b, g in itertools.product(r["b"], r["g"]):
            count += make_compatible(widths, [b] * 4, [g] * 4)[1] == (g,) * 4
    assert count > 0
    assert rl.design_space(name).size(reg) == count


@pytest.mark.parametrize("regime", ["paper", "fashion-mnist"])
def test_stage_rule_against_independent_implementation(regime):
    """A few hundred random tuples: membership and the vectorised expansion follow the rule."""
    sp = rl.design_space("RegNetX_6param")
    r = sp.ranges(regime)
    rng = np.random.default_rng(11)
    agree = skipped = 0
    for _ in range(400):
        d = int(rng.integers(4, r["d"][1] + 1))
        w0 = int(rng.integers(1, r["w0"][1] // 8 + 1)) * 8
        wa = round(float(rng.uniform(1, r["wa"][1])), 1)
        wm = round(float(rng.uniform(1.5, 3.0)), 3)
        c = rl.RegNetConfig(depth=d, w0=w0, wa=wa, wm=wm, group_width=1, bottleneck_ratio=1,
                            **rl.regime(regime).overrides())
        expected = _four_stage_by_rule(d, w0, wa, wm)
        assert sp.contains(c, regime) == expected, (d, w0, wa, wm)
        *_, nst, total = ds._expand_regnet(np.array([d]), np.array([float(w0)]),
                                            np.array([wa]), np.array([wm]))
        assert (nst[0] == 4 and total[0] == 4) == expected
        agree += 1
        skipped += (not expected) and c.num_stages == 4
    assert agree == 400 and skipped > 0  # some tuples have 4 widths but skip an exponent


def test_skipped_exponent_is_not_a_four_stage_regnet():
    c = rl.RegNetConfig(depth=13, w0=64, wa=193.0, wm=2.336, group_width=8)
    assert c.num_stages == 4 and c.quantized.total_stages == 5
    assert not c.quantized.stages_are_exponents
    reason = rl.design_space("RegNetX_6param").why_not(c)
    assert "exponents" in reason and "5 stages" in reason
    # and no grid tuple of the space gives this network either
    assert rl.find_regnet_parameters(c.to_anynet(), "RegNetX_6param") is None


@pytest.mark.parametrize("name", ["RegNetX_6param", "RegNetX_refined"])
@pytest.mark.parametrize("regime", ["paper", "fashion-mnist"])
def test_samples_follow_the_stage_rule(name, regime):
    for c in rl.design_space(name).sample(200, seed=3, regime=regime):
        assert _four_stage_by_rule(c.depth, c.w0, c.wa, c.wm)


def _pycls_log_uniform(rng, low, high, q):
    """pycls/sweep/random.py's log_uniform, with the Generator's draws (test reference)."""
    from decimal import Decimal
    f = np.exp(-rng.uniform(-(np.log(high)), -(np.log(low - min(q, low / 2)))))
    return type(q)(Decimal(np.ceil(f / q)) * Decimal(str(q)))


@pytest.mark.parametrize("low,high,q", [(8, 248, 8), (0.1, 255.9, 0.1), (1.5, 3.0, 0.001),
                                        (2.0, 3.0, 0.001), (8, 64, 8), (0.1, 64.0, 0.1)])
def test_sampler_matches_pycls_draw_for_draw(low, high, q):
    rng = np.random.default_rng(7)
    ref = [float(_pycls_log_uniform(rng, low, high, float(q))) for _ in range(2000)]
    k = ds._grid_log_uniform(np.random.default_rng(7), float(low), float(high), float(q), 2000)
    ours = [float(x) * q if q >= 1 else float(x) / round(1 / q) for x in k]
    assert ours == ref
    assert min(ours) >= low and max(ours) <= high


def test_depth_is_uniform_like_pycls():
    x = ds._grid_uniform_int(np.random.default_rng(0), 1, 16, 160_000)
    counts = np.bincount(x, minlength=17)[1:]
    assert x.min() == 1 and x.max() == 16
    assert np.all(np.abs(counts / 10_000 - 1) < 0.05)


def test_old_space_names_warn_and_resolve():
    with pytest.warns(FutureWarning, match="RegNetX_6param"):
        assert rl.design_space("RegNet").name == "RegNetX_6param"
    with pytest.warns(FutureWarning, match="RegNetX_refined"):
        assert rl.design_space("RegNetX").name == "RegNetX_refined"


# ------------------------------------------------------------------ membership


def test_contains_zoo_models():
    E, R, X = (rl.design_space(n) for n in ("AnyNetX_E", "RegNetX_6param", "RegNetX_refined"))
    x400 = rl.zoo_config("RegNetX-400MF")
    assert E.contains(x400) and R.contains(x400) and X.contains(x400)
    x800 = rl.zoo_config("RegNetX-800MF")  # depths 1 3 7 5: the last stage is shallower
    assert R.contains(x800) and not E.contains(x800)
    assert "decrease" in E.why_not(x800)
    assert not R.contains(rl.zoo_config("RegNetX-600MF"))  # g = 24 is not in {1, ..., 32}
    assert not R.contains(rl.zoo_config("RegNetY-400MF"))  # SE blocks
    assert not R.contains(x400, "fashion-mnist")  # d = 22 > 16


def test_contains_stage_count_and_rules():
    three = rl.RegNetConfig(depth=6, w0=32, wa=20.0, wm=2.5, group_width=8)
    assert three.num_stages == 3
    for n in SPACES:
        assert not rl.design_space(n).contains(three)
    c = rl.AnyNetConfig((1, 2, 3, 4), (32, 64, 128, 256), (1, 1, 1, 1), (8, 8, 8, 8))
    assert all(rl.design_space(n).contains(c) for n in ANYNET)
    c2 = c.replace(widths=(64, 32, 128, 256))
    assert rl.design_space("AnyNetX_C").contains(c2) and not rl.design_space("AnyNetX_D").contains(c2)
    c3 = c.replace(bottleneck_ratios=(1, 2, 1, 1))
    assert rl.design_space("AnyNetX_A").contains(c3) and not rl.design_space("AnyNetX_B").contains(c3)
    assert not rl.design_space("AnyNetX_A").contains(c.replace(depths=(17, 1, 1, 1)))
    with pytest.raises(ValueError, match="AnyNetConfig or a RegNetConfig"):
        rl.design_space("AnyNetX_A").contains("RegNetX-400MF")


def test_anynet_description_in_regnet_space_by_search():
    r = rl.design_space("RegNetX_6param").sample(1, seed=4, flops="default", regime="fashion-mnist")[0]
    a = r.to_anynet()
    found = rl.find_regnet_parameters(a, "RegNetX_6param", "fashion-mnist")
    assert found is not None and found.to_anynet() == a
    assert rl.design_space("RegNetX_6param").contains(a, "fashion-mnist")
    bent = a.replace(widths=(a.widths[1], a.widths[0], a.widths[2], a.widths[3]))  # decreasing
    assert not rl.design_space("RegNetX_6param").contains(bent, "fashion-mnist")
