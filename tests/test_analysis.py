"""Analysis: EDF, bootstrap good ranges, population comparison, width fit, results frames."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import regnet_lab as rl
from regnet_lab.analysis import quantized_widths_grid


# ------------------------------------------------------------------ EDF


def test_edf_is_strict_and_runs_from_0_to_1():
    x, f = rl.edf([2.0, 1.0, 2.0, 4.0])
    assert x[:3].tolist() == [1.0, 2.0, 4.0] and x[3] > 4.0
    assert f.tolist() == [0.0, 0.25, 0.75, 1.0]  # F(e) = fraction with error < e
    _, g = rl.edf([1, 2, 3, 4], grid=[0, 2, 2.5, 10])
    assert g.tolist() == [0.0, 0.25, 0.5, 1.0]
    with pytest.raises(ValueError):
        rl.edf([])
    with pytest.raises(ValueError):
        rl.edf([1.0, float("nan")])


# ------------------------------------------------------------------ bootstrap


def _population(n=500, seed=0, best=3.0):
    rng = np.random.default_rng(seed)
    x = rng.uniform(0, 10, n)
    err = 30 + (x - best) ** 2 + rng.normal(0, 1.0, n)
    return x, err


def test_bootstrap_finds_known_good_range():
    x, err = _population(best=3.0)
    gr = rl.bootstrap_good_range(x, err)
    assert gr.lo <= 3.0 <= gr.hi and gr.hi - gr.lo < 3.0
    assert 3.0 in gr and 9.0 not in gr
    assert gr.subsample == 125 and gr.reps == 10_000 and gr.samples.shape == (10_000,)
    # reproducible, and a different seed moves it only a little
    again = rl.bootstrap_good_range(x, err)
    assert (again.lo, again.hi) == (gr.lo, gr.hi)
    other = rl.bootstrap_good_range(x, err, seed=1)
    assert abs(other.median - gr.median) < 1.0


def test_bootstrap_uninformative_parameter_has_wide_range():
    x, err = _population()
    noise = np.random.default_rng(9).uniform(0, 10, x.size)  # unrelated to error
    gr = rl.bootstrap_good_range(noise, err)
    assert gr.hi - gr.lo > 5.0


@pytest.mark.parametrize("kwargs,msg", [
    ({"frac": 0}, "frac"), ({"frac": 1.5}, "frac"), ({"frac": "a"}, "frac"),
    ({"reps": 0}, "reps"), ({"reps": 2.5}, "reps"), ({"ci": 1.0}, "ci"), ({"ci": 0}, "ci"),
    ({"seed": -3}, "seed"),
])
def test_bootstrap_bad_arguments(kwargs, msg):
    x, err = _population(50)
    with pytest.raises(ValueError, match=msg):
        rl.bootstrap_good_range(x, err, **kwargs)


def test_bootstrap_mismatched_inputs():
    with pytest.raises(ValueError, match="same length"):
        rl.bootstrap_good_range([1, 2, 3], [1, 2])
    with pytest.raises(ValueError, match="empty"):
        rl.bootstrap_good_range([], [])


def test_good_range_frame():
    import pandas as pd

    x, err = _population()
    df = pd.DataFrame({"x": x, "y": np.random.default_rng(2).normal(size=x.size), "error": err,
                       "const": 1.0})
    gr = rl.good_range_frame(df)
    assert list(gr.index) == ["x", "y"]
    assert gr.loc["x", "lo"] <= 3.0 <= gr.loc["x", "hi"]
    single = rl.bootstrap_good_range(df["x"], df["error"])
    assert gr.loc["x", "lo"] == pytest.approx(single.lo) and gr.loc["x", "hi"] == pytest.approx(single.hi)
    with pytest.raises(ValueError, match="column"):
        rl.good_range_frame(df, columns=["nope"])


# ------------------------------------------------------------------ comparing populations


def test_shifted_populations_are_detected():
    rng = np.random.default_rng(0)
    a = rng.normal(40, 2, 500)
    b = rng.normal(41, 2, 500)
    c = rl.compare_populations(a, b)
    assert c.ks_pvalue < 1e-6 and c.ks_statistic > 0.1
    assert c.mean_diff_ci[1] < 0 and c.mean_differs
    assert c.mean_diff_ci[0] < -1 < c.mean_diff_ci[1] + 0.5
    assert c.best_quartile_ci[1] < 0 and c.best_quartile_differs
    assert (c.n_a, c.n_b) == (500, 500)


def test_identical_populations_are_not_told_apart():
    # Same distribution: each test may cry wolf 5% of the time, so count over 30 draws.
    ks = mean = quart = 0
    for seed in range(30):
        rng = np.random.default_rng(seed)
        a, b = rng.normal(40, 2, 500), rng.normal(40, 2, 400)
        c = rl.compare_populations(a, b, reps=1000)
        ks += c.ks_pvalue < 0.05
        mean += c.mean_differs
        quart += c.best_quartile_differs
    assert ks <= 5 and mean <= 5 and quart <= 5
    assert rl.compare_populations(a, b, reps=1000) == c  # reproducible


def test_best_quartile_difference_alone():
    # same mean, but b has a better tail: only the best-quartile interval should see it
    rng = np.random.default_rng(2)
    a = rng.normal(40, 1, 1000)
    b = np.concatenate([rng.normal(38, 1, 250), rng.normal(40.67, 1, 750)])
    c = rl.compare_populations(a, b)
    assert c.best_quartile_ci[0] > 0


def test_compare_bad_arguments():
    with pytest.raises(ValueError, match="at least 2"):
        rl.compare_populations([1.0], [1.0, 2.0])
    with pytest.raises(ValueError, match="reps"):
        rl.compare_populations([1.0, 2.0], [1.0, 2.0], reps=0)


# ------------------------------------------------------------------ width fit


def test_fit_recovers_zoo_models_exactly_before_compatibility():
    for name in ("RegNetX-200MF", "RegNetX-400MF", "RegNetX-3.2GF"):
        c = rl.zoo_config(name)
        fit = rl.fit_quantized_linear(c.quantized.block_widths)
        assert fit.e_fit == 0 and fit.w0 == c.w0
        assert fit.fit_widths == c.quantized.block_widths
        assert fit.wm == pytest.approx(c.wm, abs=0.05)
        assert fit.regnet(group_width=c.g).depths == c.depths
    # after the compatibility rule the widths are slightly off the rule: small positive e_fit
    fit = rl.fit_quantized_linear(rl.zoo_config("RegNetX-400MF").block_widths)
    assert 0 < fit.e_fit < 0.05


@settings(max_examples=8, deadline=None)
@given(d=st.integers(4, 30), w0=st.integers(1, 12), wa=st.integers(50, 900), wm=st.integers(1600, 2900))
def test_fit_recovers_generated_regnets(d, w0, wa, wm):
    c = rl.RegNetConfig(depth=d, w0=8 * w0, wa=wa / 10, wm=wm / 1000, group_width=8)  # g=8, b=1: no rounding
    fit = rl.fit_quantized_linear(c.block_widths)
    assert fit.e_fit == pytest.approx(0, abs=1e-12)
    assert fit.w0 == c.w0 and fit.fit_widths == c.block_widths
    again = fit.regnet(group_width=8)
    assert (again.depths, again.widths) == (c.depths, c.widths)


def test_e_fit_definition():
    widths = [16, 16, 32, 64]
    fit = rl.fit_quantized_linear(widths)
    assert fit.e_fit == pytest.approx(np.mean(np.abs(np.log(np.array(fit.fit_widths) / widths))))
    bumpy = rl.fit_quantized_linear([64, 8, 512, 16, 256])
    assert bumpy.e_fit > 0.5


def test_quantized_widths_grid_matches_scalar_rule():
    w = quantized_widths_grid(np.array([24.0, 48.0]), np.array([36.44, 27.89]), np.array([2.49, 2.09]), 13)
    assert tuple(w[0]) == rl.quantize_widths(24, 36.44, 2.49, 13).block_widths
    assert tuple(w[1]) == rl.quantize_widths(48, 27.89, 2.09, 13).block_widths


def test_fit_bad_arguments():
    with pytest.raises(ValueError):
        rl.fit_quantized_linear([])
    with pytest.raises(ValueError, match=r"block_widths\[1\]"):
        rl.fit_quantized_linear([8, 0, 16])
    with pytest.raises(ValueError, match="wm_range"):
        rl.fit_quantized_linear([8, 16], wm_range=(0.5, 2))


# ------------------------------------------------------------------ results frames


def test_results_frame_columns_and_values():
    reg = rl.regime("fashion-mnist")
    a = rl.design_space("AnyNetX_E").sample(4, seed=0, flops="default", regime=reg)
    r = rl.design_space("RegNetX_6param").sample(3, seed=0, flops="default", regime=reg)
    errs = [30.0, 31.0, 32.0, 33.0, 29.0, 28.0, 27.0]
    df = rl.results_frame(a + r, errs, space=["AnyNetX_E"] * 4 + ["RegNetX_6param"] * 3, extra=list(range(7)))
    assert len(df) == 7
    for col in ("space", "num_stages", "depth", "d1", "d4", "w1", "w4", "b1", "g4", "flops", "params",
                "acts", "error", "d", "w0", "wa", "wm", "b", "g", "extra", "description"):
        assert col in df
    assert df["flops"].tolist() == [rl.complexity(c, resolution=28).flops for c in a + r]  # inferred 28px
    assert np.isnan(df.loc[0, "w0"]) and df.loc[4, "w0"] == r[0].w0
    assert df.loc[6, "description"] is r[2]
    assert (df["flops"] >= reg.flops_band[0]).all() and (df["flops"] <= reg.flops_band[1]).all()
    df224 = rl.results_frame(a, resolution=224)
    assert (df224["flops"] > df["flops"][:4].to_numpy()).all()
    with pytest.raises(ValueError, match="errors"):
        rl.results_frame(a, [1.0])
    with pytest.raises(ValueError, match="AnyNetConfig or RegNetConfig"):
        rl.results_frame(["RegNetX-400MF"])


def test_results_frame_with_fit():
    c = rl.zoo_config("RegNetX-200MF")
    df = rl.results_frame([c], [31.1], fit=True)
    assert df.loc[0, "flops"] == rl.complexity(c).flops  # zoo models: paper regime, 224px
    assert df.loc[0, "e_fit"] < 0.05 and df.loc[0, "fit_w0"] == 24


# --------------------------------------------------------------------- Comparison.verdict


def _cmp(p, diff, ci, se=None, df=None):
    return rl.Comparison(50, 50, 0.3, p, diff, ci, diff, ci, mean_diff_se=se, mean_diff_df=df)


# Each verdict word reached by a constructed case (KS p, mean difference a - b, its interval,
# and for "same" the standard error the TOST uses; df = 98 as for 50 vs 50 models).
VERDICT_CASES = [
    ("better", 0.01, 1.0, (0.5, 1.5), None, "holds"),
    ("better", 0.01, 0.3, (-0.1, 0.7), None, "suggested by KS only"),
    ("better", 0.20, 0.8, (0.1, 1.5), None, "suggested by the mean only"),
    ("better", 0.20, 0.3, (-0.2, 0.8), None, "not shown"),
    # the mirror images: the same evidence against the claim
    ("better", 0.01, -1.0, (-1.5, -0.5), None, "contradicted"),  # KS and interval below 0
    ("better", 0.01, -0.3, (-0.7, 0.1), None, "contradicted by KS only"),  # b's mean higher
    ("better", 0.20, -0.8, (-1.5, -0.1), None, "contradicted by the mean only"),
    ("better", 0.01, 0.0, (-0.4, 0.4), None, "not shown"),  # KS only, no mean difference
    # the d_decreasing>E numbers of chapter 8 (KS p 0.0098, -0.32 [-0.76, 0.12])
    ("better", 0.0098, -0.32, (-0.76, 0.12), None, "contradicted by KS only"),
    # the interval just touching 0 on either side is not "entirely" above or below it
    ("better", 0.01, 0.4, (0.0, 0.8), None, "suggested by KS only"),
    ("better", 0.01, -0.4, (-0.8, 0.0), None, "contradicted by KS only"),
    # "same": (d - m) / se = (0.1 - 0.75) / 0.2 = -3.25, TOST p ~ 8e-4
    ("same", 0.60, 0.1, (-0.3, 0.5), 0.2, "holds"),
    # a small but detectable difference, inside the margin, KS quiet: still equivalent
    ("same", 0.30, 0.2, (0.05, 0.35), 0.08, "holds"),
    # too few models: TOST p = P(t < (0.3 - 0.75) / 0.4) ~ 0.13
    ("same", 0.60, 0.3, (-0.5, 1.1), 0.4, "not shown either way"),
    # equivalent means but KS rejects (the shapes differ): not "holds", not shown to differ
    ("same", 0.01, 0.1, (-0.3, 0.5), 0.2, "not shown either way"),
    ("same", 0.01, 0.5, (0.2, 0.8), 0.15, "contradicted"),  # KS and interval excludes 0
    ("same", 0.20, 1.2, (0.8, 1.6), 0.2, "contradicted"),  # interval beyond +margin
    ("same", 0.20, -1.2, (-1.6, -0.8), 0.2, "contradicted"),  # interval beyond -margin
]


@pytest.mark.parametrize("expect, p, diff, ci, se, answer", VERDICT_CASES)
def test_verdict(expect, p, diff, ci, se, answer):
    assert _cmp(p, diff, ci, se, None if se is None else 98.0).verdict(expect) == answer


def test_every_verdict_word_is_reached():
    for expect in ("better", "same"):
        reached = {case[-1] for case in VERDICT_CASES if case[0] == expect}
        assert reached == set(rl.verdict_words(expect))
    assert set(rl.verdict_words()) == set(rl.verdict_words("better")) | set(rl.verdict_words("same"))
    assert len(rl.verdict_words()) == len(set(rl.verdict_words())) == 8
    # "better" runs from the strongest evidence for the claim to its mirror image against it
    better = rl.verdict_words("better")
    assert better[0] == "holds" and better[-1] == "contradicted" and better[3] == "not shown"
    mirror = {"holds": "contradicted", "suggested by KS only": "contradicted by KS only",
              "suggested by the mean only": "contradicted by the mean only"}
    for i, word in enumerate(better[:3]):
        assert better[-1 - i] == mirror[word]
    with pytest.raises(ValueError, match="expect"):
        rl.verdict_words("worse")


def test_better_verdict_is_symmetric_under_swapping_the_populations():
    # a against b and b against a: the same evidence, read for and against the claim
    words = rl.verdict_words("better")
    for _, p, diff, (lo, hi), _, _ in (c for c in VERDICT_CASES if c[0] == "better"):
        forward = _cmp(p, diff, (lo, hi)).verdict("better")
        backward = _cmp(p, -diff, (-hi, -lo)).verdict("better")
        assert words.index(forward) == len(words) - 1 - words.index(backward)


def test_tost_matches_two_shifted_welch_tests():
    from scipy import stats

    rng = np.random.default_rng(4)
    a, b = rng.normal(20, 1.8, 80), rng.normal(20.3, 1.2, 120)
    c = rl.compare_populations(a, b, reps=200)
    for m in (0.25, 0.75, 1.5):
        # H0: mean(a) - mean(b) >= m, and H0: mean(a) - mean(b) <= -m, each by Welch's t-test
        upper = stats.ttest_ind(a - m, b, equal_var=False, alternative="less").pvalue
        lower = stats.ttest_ind(a + m, b, equal_var=False, alternative="greater").pvalue
        assert c.tost_pvalue(m) == pytest.approx(max(upper, lower), rel=1e-9)
    assert c.tost_pvalue() == c.tost_pvalue(rl.EQUIVALENCE_MARGIN)
    assert c.tost_pvalue(0.25) > c.tost_pvalue(1.5)  # a wider margin is easier to show


def test_same_verdicts_on_real_populations_are_decided_by_tost():
    rng = np.random.default_rng(7)
    alike = rl.compare_populations(rng.normal(18, 1.8, 400), rng.normal(18, 1.8, 400), reps=2000)
    assert alike.tost_pvalue() < 0.05 and alike.verdict("same") == "holds"
    few = rl.compare_populations(rng.normal(18, 1.8, 12), rng.normal(18, 1.8, 12), reps=2000)
    assert few.tost_pvalue() > 0.05 and few.verdict("same") == "not shown either way"
    apart = rl.compare_populations(rng.normal(18, 1.8, 200), rng.normal(20, 1.8, 200), reps=2000)
    assert apart.verdict("same") == "contradicted" and apart.verdict("better") == "contradicted"
    assert apart.verdict("better", margin=None) == "contradicted"
    # a margin chosen by the caller: 3 points is wide enough for the dozen-model populations
    assert few.verdict("same", margin=3.0) == "holds"
    assert few.tost_pvalue(3.0) < few.tost_pvalue()


def test_equivalence_margin_is_the_measured_seed_noise():
    runs = rl.seed_noise_runs("cpu").to_dict("records")  # the shipped copy of the pilot runs
    by_model = {}
    for r in runs:
        if r["status"] == "ok":
            by_model.setdefault(r["model"], []).append(r["error"])
    squares = sum(((np.array(e) - np.mean(e)) ** 2).sum() for e in by_model.values())
    dof = sum(len(e) - 1 for e in by_model.values())
    pooled = float(np.sqrt(squares / dof))
    assert dof == 14 and pooled == pytest.approx(0.754, abs=0.001)
    assert rl.EQUIVALENCE_MARGIN == round(pooled, 2)


def test_mean_interval_agrees_with_the_normal_approximation():
    rng = np.random.default_rng(6)
    a, b = rng.normal(30, 2, 600), rng.normal(29.5, 1, 400)
    c = rl.compare_populations(a, b)
    lo, hi = c.mean_diff - 1.96 * c.mean_diff_se, c.mean_diff + 1.96 * c.mean_diff_se
    assert c.mean_diff_ci == pytest.approx((lo, hi), abs=0.03)
    assert c.mean_diff_se == pytest.approx(np.sqrt(a.var(ddof=1) / 600 + b.var(ddof=1) / 400))
    # same seed, same resamples: reproducible; another seed moves the ends by bootstrap noise
    assert rl.compare_populations(a, b).mean_diff_ci == c.mean_diff_ci
    other = rl.compare_populations(a, b, seed=1)
    assert other.mean_diff_ci != c.mean_diff_ci
    assert other.mean_diff_ci == pytest.approx(c.mean_diff_ci, abs=0.03)


def test_verdict_on_real_populations():
    rng = np.random.default_rng(0)
    worse, better = rng.normal(20, 1, 200), rng.normal(18, 1, 200)
    c = rl.compare_populations(worse, better)
    assert c.verdict("better") == "holds" and c.verdict("same") == "contradicted"
    assert "n = 200 vs 200" in c.describe()


@pytest.mark.parametrize("kwargs, msg", [
    ({"expect": "worse"}, "expect"), ({"alpha": 1.5}, "alpha"), ({"alpha": True}, "alpha"),
    ({"expect": "same", "margin": -1.0}, "margin"), ({"expect": "same", "margin": "1"}, "margin"),
    ({"expect": "better", "margin": 1.0}, "margin"),
])
def test_verdict_rejects_bad_arguments(kwargs, msg):
    c = _cmp(0.2, 0.1, (-0.3, 0.5), 0.2, 98.0)
    with pytest.raises(ValueError, match=msg):
        c.verdict(**kwargs)


def test_same_needs_the_standard_error():
    with pytest.raises(ValueError, match="compare_populations"):
        _cmp(0.6, 0.1, (-0.3, 0.5)).verdict("same")
    # "better" needs only the KS test and the interval
    assert _cmp(0.6, 0.1, (-0.3, 0.5)).verdict("better") == "not shown"
    # shown to differ without a TOST: decided before the standard error is needed
    assert _cmp(0.01, 1.0, (0.5, 1.5)).verdict("same") == "contradicted"


def test_population_quarter_matches_the_best_quartile_statistic():
    import pandas as pd

    errors = np.random.default_rng(3).uniform(10, 30, 41)
    frame = pd.DataFrame({"error": errors, "id": np.arange(41)})
    best, worst = rl.population_quarter(frame, "best"), rl.population_quarter(frame, "worst")
    assert len(best) == len(worst) == 11  # ceil(41 / 4)
    assert list(best["error"]) == sorted(errors)[:11] and list(worst["error"]) == sorted(errors)[-11:]
    other = frame.assign(error=frame["error"] + 1.0)
    c = rl.compare_populations(frame["error"], other["error"], reps=200, seed=0)
    assert c.best_quartile_diff == pytest.approx(
        rl.population_quarter(frame)["error"].mean() - rl.population_quarter(other)["error"].mean())
    assert len(rl.population_quarter(frame.head(2))) == 1


@pytest.mark.parametrize("kwargs", [{"which": "middle"}, {"error": "loss"}])
def test_population_quarter_rejects_bad_input(kwargs):
    import pandas as pd

    with pytest.raises(ValueError):
        rl.population_quarter(pd.DataFrame({"error": [1.0, 2.0]}), **kwargs)


# ------------------------------------------------------------------ trends across regimes


def _band(lo, med, hi):
    return {"lo": lo, "median": med, "hi": hi}


@pytest.mark.parametrize("bands, word", [
    ([_band(8, 16, 24), _band(20, 30, 40), _band(32, 48, 64)], "shown"),
    ([_band(8, 16, 40), _band(20, 30, 40), _band(32, 48, 64)],
     "suggested (medians rise, intervals overlap)"),
    ([_band(32, 48, 64), _band(8, 16, 24)], "opposite (falls with flops)"),
    ([_band(8, 16, 40), _band(6, 12, 30)], "not shown"),          # falls, intervals overlap
    ([_band(8, 16, 24), _band(4, 8, 12), _band(32, 48, 64)], "not shown"),  # down then up
    ([_band(8, 16, 24), _band(8, 16, 24)], "not shown"),          # flat
])
def test_trend_across_regimes_words(bands, word):
    assert rl.trend_across_regimes(bands) == word
    assert word in rl.TREND_WORDS


def test_trend_across_regimes_takes_good_range_rows_and_objects():
    rng = np.random.default_rng(0)
    values = rng.uniform(1, 10, 200)
    errors = values + rng.normal(0, 0.5, 200)       # small values are best
    import pandas as pd

    frame = pd.DataFrame({"v": values, "error": errors})
    row = rl.good_range_frame(frame, ["v"], reps=300).loc["v"]   # a pandas row (has .median())
    obj = rl.bootstrap_good_range(values, errors, reps=300)
    assert rl.trend_across_regimes([row, row]) == "not shown"
    assert rl.trend_across_regimes([obj, obj]) == "not shown"
    higher = {"lo": obj.hi + 1, "median": obj.hi + 2, "hi": obj.hi + 3}
    assert rl.trend_across_regimes([row, higher]) == "shown"


@pytest.mark.parametrize("bad, match", [
    ([], "at least two"), ([_band(1, 2, 3)], "at least two"),
    ([{"lo": 1, "median": 2}, _band(1, 2, 3)], r"ranges\[0\] has no 'hi'"),
    ([_band(3, 2, 4), _band(1, 2, 3)], "lo <= median <= hi"),
    ([_band(1, float("nan"), 3), _band(1, 2, 3)], "finite number"),
    ([_band(1, "2", 3), _band(1, 2, 3)], "finite number"),
])
def test_trend_across_regimes_rejects_bad_bands(bad, match):
    with pytest.raises(ValueError, match=match):
        rl.trend_across_regimes(bad)


def test_trend_across_regimes_needs_a_sequence():
    with pytest.raises(TypeError, match="ranges must be a sequence"):
        rl.trend_across_regimes("lo median hi")
