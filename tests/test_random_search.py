"""rl.random_search_curve: the best error of k random models (Fig. 9, right; Section 3.3),
computed exactly from the order statistics, checked against hand computation and simulation."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest

import regnet_lab as rl


def _exact(errors, k):
    """The expected best of k draws with replacement, by enumerating every draw (tiny n, k)."""
    n = len(errors)
    total = Fraction(0)
    for draw in np.ndindex(*([n] * k)):
        total += Fraction(min(errors[i] for i in draw))
    return total / n ** k


def test_three_models_by_hand():
    # errors 1, 2, 3 and k = 2: P(best = 1) = 1 - (2/3)^2 = 5/9, P(best = 2) = (2/3)^2 - (1/3)^2
    # = 3/9, P(best = 3) = 1/9, so the expected best is (5 + 6 + 3) / 9 = 14/9.
    curve = rl.random_search_curve([3.0, 1.0, 2.0], ks=[2], quantiles=[0.5, 0.6, 0.9])
    assert curve.loc[2, "expected"] == pytest.approx(14 / 9, rel=1e-12)
    # P(best <= 1) = 5/9 ~ 0.556 >= 0.5 but < 0.6; P(best <= 2) = 8/9 ~ 0.889 < 0.9
    assert curve.loc[2, ["q50", "q60", "q90"]].tolist() == [1.0, 2.0, 3.0]
    for k in (1, 2, 3, 4):
        assert rl.random_search_curve([3, 1, 2], [k]).loc[k, "expected"] == pytest.approx(
            float(_exact([3, 1, 2], k)), rel=1e-12)


def test_ties_are_order_statistics():
    # two models share the lowest error: the best of k is 1 unless every draw is the 5
    curve = rl.random_search_curve([1.0, 1.0, 5.0], ks=[1, 2, 3], quantiles=[0.5, 0.95])
    for k in (1, 2, 3):
        p5 = (1 / 3) ** k
        assert curve.loc[k, "expected"] == pytest.approx(1 * (1 - p5) + 5 * p5, rel=1e-12)
        assert curve.loc[k, "q50"] == 1.0
    # P(best <= 1) = 1 - (1/3)^k = 2/3, 8/9, 26/27: only k = 3 reaches 0.95
    assert curve["q95"].tolist() == [5.0, 5.0, 1.0]


def test_k_one_is_the_mean_and_its_quantiles_are_the_population_quantiles():
    errors = np.random.default_rng(3).normal(20, 3, size=57)
    curve = rl.random_search_curve(errors, ks=[1], quantiles=[0.1, 0.25, 0.5, 0.9])
    assert curve.loc[1, "expected"] == pytest.approx(errors.mean(), rel=1e-12)
    for q in (0.1, 0.25, 0.5, 0.9):
        label = f"q{100 * q:g}"
        assert curve.loc[1, label] == np.quantile(errors, q, method="inverted_cdf")


def test_large_k_tends_to_the_minimum_and_the_curve_falls_with_k():
    errors = np.random.default_rng(4).gamma(4.0, 2.0, size=100) + 10
    ks = list(range(1, 201)) + [10_000, 10**12]
    curve = rl.random_search_curve(errors, ks=ks)
    for column in curve.columns:  # never rises with k, and never drops below the minimum
        assert (np.diff(curve[column].to_numpy()) <= 1e-12).all(), column
        assert (curve[column] >= errors.min()).all()
    assert (curve.loc[1:200, "expected"].diff().dropna() < 0).all()  # strictly, distinct errors
    assert curve.loc[10_000, "expected"] == pytest.approx(errors.min(), abs=1e-12)
    assert curve.loc[10**12].tolist() == [errors.min()] * 4
    # (n-1)/n)^k of the mass sits above the minimum: the gap shrinks at that rate
    gap = curve.loc[200, "expected"] - errors.min()
    assert 0 < gap <= (errors.max() - errors.min()) * (99 / 100) ** 200


@pytest.mark.parametrize("k", [1, 5, 32])
def test_against_a_monte_carlo_simulation(k):
    rng = np.random.default_rng(2020 + k)
    errors = np.round(rng.normal(16.0, 2.0, size=80), 2)
    draws = 200_000
    best = errors[rng.integers(0, errors.size, size=(draws, k))].min(axis=1)
    curve = rl.random_search_curve(errors, ks=[k], quantiles=[0.25, 0.5, 0.75])
    se = best.std(ddof=1) / math.sqrt(draws)
    assert abs(curve.loc[k, "expected"] - best.mean()) < 5 * se + 1e-12
    # quantiles: the exact q-quantile's distribution function must straddle q in the sample
    for q in (0.25, 0.5, 0.75):
        value = curve.loc[k, f"q{100 * q:g}"]
        below = np.mean(best < value)
        at_or_below = np.mean(best <= value)
        tol = 5 * math.sqrt(q * (1 - q) / draws)
        assert below <= q + tol and at_or_below >= q - tol, (q, below, at_or_below)


def test_frame_shape_index_and_columns():
    curve = rl.random_search_curve(pd.Series([4.0, 2.0, 3.0]), ks=np.array([8, 1, 2]),
                                   quantiles=(0.025, 0.5))
    assert list(curve.index) == [8, 1, 2] and curve.index.name == "k"
    assert list(curve.columns) == ["expected", "q2.5", "q50"]
    assert rl.random_search_curve([1.0], range(1, 4)).to_numpy().tolist() == [[1.0] * 4] * 3
    assert "random_search_curve" in rl.__all__


@pytest.mark.parametrize("kwargs, error, match", [
    ({"errors": []}, ValueError, "errors is empty"),
    ({"errors": [1.0, float("nan")]}, ValueError, "errors contains NaN"),
    ({"errors": [1.0, float("inf")]}, ValueError, "errors contains NaN or infinite"),
    ({"errors": [True, False]}, TypeError, "errors must hold numbers"),
    ({"errors": "1, 2"}, TypeError, "errors"),
    ({"errors": [[1.0, 2.0]]}, ValueError, "errors must be one-dimensional"),
    ({"ks": []}, ValueError, "ks must have at least 1"),
    ({"ks": [0]}, ValueError, r"ks\[0\] must be an integer >= 1"),
    ({"ks": [1, -3]}, ValueError, r"ks\[1\]"),
    ({"ks": [1.5]}, TypeError, r"ks\[0\] must be an integer"),
    ({"ks": [2.0]}, TypeError, r"ks\[0\] must be an integer"),
    ({"ks": [True]}, TypeError, r"ks\[0\] must be an integer"),
    ({"ks": 32}, TypeError, "ks must be a list or tuple"),
    ({"ks": [10**13]}, ValueError, "population's minimum"),
    ({"ks": [1, 2, 1]}, ValueError, r"ks repeats \[1\]; give each value once"),
    ({"quantiles": [0.0]}, ValueError, r"quantiles\[0\] must be > 0"),
    ({"quantiles": [1.5]}, ValueError, r"quantiles\[0\]"),
    ({"quantiles": [float("nan")]}, ValueError, r"quantiles\[0\] must be a finite number"),
    ({"quantiles": [True]}, TypeError, r"quantiles\[0\] must be a real number"),
    ({"quantiles": 0.5}, TypeError, "quantiles must be a list or tuple"),
    ({"quantiles": [0.5, 0.5]}, ValueError, r"quantiles repeats \[0.5\]"),
])
def test_bad_inputs_name_the_parameter(kwargs, error, match):
    args = {"errors": [3.0, 1.0, 2.0], "ks": [1, 2], **kwargs}
    with pytest.raises(error, match=match):
        rl.random_search_curve(**args)


def test_one_quantile_is_enough_and_none_is_allowed():
    curve = rl.random_search_curve([3.0, 1.0, 2.0], ks=[1], quantiles=[])
    assert list(curve.columns) == ["expected"]
    assert rl.random_search_curve([3.0, 1.0], [1], quantiles=[1.0]).loc[1, "q100"] == 3.0
