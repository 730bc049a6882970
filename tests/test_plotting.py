"""Plots: every function draws on the given Axes in the book's style and returns it."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import regnet_lab as rl  # noqa: E402


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def test_plot_edfs_legend_and_curves():
    rng = np.random.default_rng(0)
    pops = {"A": rng.normal(40, 2, 50), "B": rng.normal(42, 2, 30)}
    fig, ax = plt.subplots()
    out = rl.plot_edfs(pops, ax=ax)
    assert out is ax
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels[0].startswith("[n=50, min=") and labels[0].endswith("] A") and "mean=" in labels[0]
    y = ax.lines[0].get_ydata()
    assert y[0] == 0 and y[-1] == 1 and np.all(np.diff(y) >= 0)
    assert ax.get_ylabel() == "cumulative prob."
    with pytest.raises(ValueError):
        rl.plot_edfs({})


def test_plot_error_vs_param_with_band():
    rng = np.random.default_rng(0)
    x = rng.uniform(1, 100, 200)
    err = 30 + (np.log(x) - 2) ** 2
    band = rl.bootstrap_good_range(x, err, reps=500)
    ax = rl.plot_error_vs_param(x, err, "w0", band=band)
    assert ax.get_xscale() == "log" and ax.get_xlabel() == "w0"
    assert "good range" in ax.get_title()


def test_plot_widths_and_rule():
    samples = rl.design_space("AnyNetX_E").sample(5, seed=0, regime="fashion-mnist")
    fit = rl.fit_quantized_linear(samples[0].block_widths)
    ax = rl.plot_widths(samples, fit=fit)
    assert len(ax.lines) == 6 and ax.get_yscale() == "log"
    ax2 = rl.plot_quantized_rule(rl.zoo_config("RegNetX-200MF"))
    assert "stages (1, 1, 4, 7)" in ax2.get_title()
    ax3 = rl.plot_quantized_rule(24, 36.44, 2.49, 13)
    assert len(ax3.lines) == 2
    with pytest.raises(ValueError):
        rl.plot_quantized_rule(24)


def test_style_is_scoped():
    before = matplotlib.rcParams["axes.grid"]
    with rl.use_style():
        assert matplotlib.rcParams["axes.grid"] is True
    assert matplotlib.rcParams["axes.grid"] == before
