"""rl.time_models: interleaved timing of several models, with clear errors for bad input. How the
times of models of different cost compare is measured, not asserted: benchmarks/cost_vs_time.py."""

from __future__ import annotations

import pytest
import torch

import regnet_lab as rl

TINY = rl.RegNetConfig(depth=2, w0=8, wa=8.0, wm=2.0, group_width=8, stem_width=8)


@pytest.mark.parametrize("mode", ["forward", "train"])
def test_times_every_model(mode):
    models = {"tiny": TINY, "module": torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(3 * 16 * 16, 10))}
    results = rl.time_models(models, batch_size=2, resolution=16, num_classes=10, rounds=3, warmup=1,
                             mode=mode, device="cpu")
    assert [r.name for r in results] == ["tiny", "module"]
    for r in results:
        assert r.seconds > 0 and r.images_per_second == pytest.approx(2 / r.seconds)
        assert r.mode == mode and r.rounds == 3 and r.device == "cpu" and r.spread >= 0
        assert set(r.to_dict()) >= {"name", "seconds", "images_per_second"}


@pytest.mark.parametrize("bad", [dict(models={}), dict(batch_size=0), dict(rounds=0), dict(warmup=-1),
                                 dict(mode="backward"), dict(models={"x": 3})])
def test_bad_input_raises_value_error(bad):
    kwargs = dict(models={"tiny": TINY}, batch_size=1, resolution=16, rounds=1, device="cpu")
    kwargs.update(bad)
    with pytest.raises(ValueError):
        rl.time_models(**kwargs)


def test_fit_runtime_recovers_a_linear_plus_sqrt_law():
    from regnet_lab.speed import fit_runtime

    x = [1e5, 4e5, 1e6, 3e6, 9e6, 2e7]
    t = [2e-9 * v + 3e-6 * v ** 0.5 + 1e-3 for v in x]
    fit = fit_runtime(x, t)
    assert fit.a == pytest.approx(2e-9, rel=1e-6) and fit.b == pytest.approx(3e-6, rel=1e-6)
    assert fit.c == pytest.approx(1e-3, rel=1e-6) and fit.r2 == pytest.approx(1.0)
    assert fit.n == 6 and fit.intercept
    assert fit.predict([4e5])[0] == pytest.approx(t[1])
    through_origin = fit_runtime(x, [2e-9 * v + 3e-6 * v ** 0.5 for v in x], intercept=False)
    assert through_origin.c == 0.0 and not through_origin.intercept
    assert through_origin.b == pytest.approx(3e-6, rel=1e-6)


def test_fit_runtime_r2_below_one_for_noisy_times():
    from regnet_lab.speed import fit_runtime

    fit = fit_runtime([1, 2, 3, 4, 5, 6], [1.0, 3.0, 2.0, 5.0, 3.0, 6.0])
    assert 0 < fit.r2 < 1


@pytest.mark.parametrize("bad", [dict(x=[1, 2, 3]), dict(seconds=[1, 2, 3, 4, 5]),
                                 dict(x=[1, 2, -3, 4]), dict(seconds=[1, 0, 2, 3]),
                                 dict(x=[2, 2, 2, 2]), dict(x=[1, 2, float("nan"), 4]),
                                 dict(x="1234"), dict(intercept=1), dict(seconds=[1, 2, 3, float("inf")])])
def test_fit_runtime_bad_input(bad):
    from regnet_lab.speed import fit_runtime

    kwargs = dict(x=[1, 2, 3, 4], seconds=[1.0, 2.0, 3.0, 4.0])
    kwargs.update(bad)
    with pytest.raises(ValueError):
        fit_runtime(**kwargs)
