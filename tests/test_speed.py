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
