"""regnet_lab.training: schedule, subsets, batch augmentation, determinism, divergence, bad input.

The trainer tests use tiny CIFAR-10-format files written to a temporary folder (found through
``REGNET_LAB_DATA``), so they run everywhere in a few seconds; one test uses the real
Fashion-MNIST when it is installed.
"""

from __future__ import annotations

import hashlib
import json
import pickle
from pathlib import Path

import numpy as np
import pytest
import torch
from torch import nn

import regnet_lab as rl
from regnet_lab import data
from regnet_lab.budget import BUDGETS
from regnet_lab.training import (GPUBatches, TrainResult, augment_batch, balanced_subset, evaluate,
                              lr_at, train)

TINY = rl.AnyNetConfig(depths=(1, 1), widths=(8, 16), bottleneck_ratios=(1, 1),
                       group_widths=(4, 8), stem_width=8)
# 2 epochs of 4 steps of 32 images, error on 60 test images
QUICK = BUDGETS["ci"].replace(train_subset=128, test_subset=60, batch_size=32, epochs=2,
                              warmup_epochs=0.5, eval_batch_size=64)


def write_cifar(folder: Path, n_train: int = 40, n_test: int = 60, seed: int = 0) -> dict:
    """Small, learnable files in the CIFAR-10 python format (class = brightest colour band)."""
    rng = np.random.default_rng(seed)
    target = folder / "cifar-10-batches-py"
    target.mkdir(parents=True, exist_ok=True)
    md5 = {}
    for name in [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]:
        n = n_test if name == "test_batch" else n_train
        labels = rng.integers(0, 10, n)
        images = rng.integers(0, 120, (n, 3, 32, 32), dtype=np.uint8)
        for i, y in enumerate(labels):
            images[i, y % 3, 3 * y: 3 * y + 3, :] = 255
        raw = pickle.dumps({b"data": images.reshape(n, -1), b"labels": labels.tolist()})
        (target / name).write_bytes(raw)
        md5[name] = hashlib.md5(raw).hexdigest()
    return md5


@pytest.fixture
def cifar(tmp_path, monkeypatch):
    md5 = write_cifar(tmp_path)
    monkeypatch.setattr(data, "_CIFAR_MD5", md5)
    monkeypatch.setenv(data.DATA_ENV_VAR, str(tmp_path))
    return tmp_path


# ---------------------------------------------------------------------------------------------
# schedule and subsets


def test_lr_schedule_warmup_then_cosine():
    total, warm, peak = 100, 10, 0.1
    lrs = [lr_at(s, total, peak, warm, 0.1) for s in range(total)]
    assert lrs[0] == pytest.approx(0.1 * peak)
    assert all(a < b for a, b in zip(lrs[:warm], lrs[1:warm + 1]))  # rises during warm-up
    assert all(a >= b for a, b in zip(lrs[warm:], lrs[warm + 1:]))  # then only decays
    assert max(lrs) <= peak and lrs[-1] < 0.001 * peak
    assert lr_at(50, 100, 0.1, 0) == pytest.approx(0.05)


def test_balanced_subset():
    labels = torch.arange(10).repeat_interleave(100)[torch.randperm(1000)]
    idx = balanced_subset(labels, 95)
    assert idx.shape == (95,) and len(set(idx.tolist())) == 95
    counts = torch.bincount(labels[idx], minlength=10)
    assert counts.max() - counts.min() <= 1
    assert torch.equal(idx, balanced_subset(labels, 95))  # fixed
    assert torch.equal(balanced_subset(labels, None), torch.arange(1000))


# ---------------------------------------------------------------------------------------------
# batch augmentation


def _windows(padded_img: torch.Tensor, h: int, w: int):
    hp, wp = padded_img.shape[1:]
    for oy in range(hp - h + 1):
        for ox in range(wp - w + 1):
            yield padded_img[:, oy:oy + h, ox:ox + w]


@pytest.mark.parametrize("flip", [False, True])
def test_augment_batch_takes_windows_of_the_padded_images(flip):
    g = torch.Generator().manual_seed(0)
    images = torch.randint(1, 256, (20, 3, 6, 5), dtype=torch.uint8)
    padded = torch.nn.functional.pad(images, (2, 2, 2, 2))
    index = torch.tensor([3, 3, 7, 0, 19, 11, 3, 5])
    out = augment_batch(padded, index, 6, 5, g, flip)
    assert out.shape == (8, 3, 6, 5) and out.dtype == torch.uint8
    mirrored = 0
    for k, i in enumerate(index.tolist()):
        windows = list(_windows(padded[i], 6, 5))
        plain = any(torch.equal(out[k], win) for win in windows)
        flipped = any(torch.equal(out[k], win.flip(-1)) for win in windows)
        assert plain or (flip and flipped)
        mirrored += not plain
    # values: only the image's own pixels or the zero padding
    assert set(out.unique().tolist()) <= set(images.unique().tolist()) | {0}
    if not flip:
        assert mirrored == 0


def test_augment_batch_varies_and_is_seeded():
    images = torch.randint(1, 256, (4, 1, 8, 8), dtype=torch.uint8)
    padded = torch.nn.functional.pad(images, (2, 2, 2, 2))
    index = torch.zeros(64, dtype=torch.long)  # the same image 64 times
    a = augment_batch(padded, index, 8, 8, torch.Generator().manual_seed(1), True)
    b = augment_batch(padded, index, 8, 8, torch.Generator().manual_seed(1), True)
    assert torch.equal(a, b)
    assert len({tuple(x.flatten().tolist()) for x in a}) > 10  # many different crops


def test_batches_are_normalised_and_channels_last():
    info = data.dataset_info("cifar-10")
    images = torch.full((10, 3, 32, 32), 128, dtype=torch.uint8)
    batches = GPUBatches(images, torch.zeros(10, dtype=torch.long), info.mean, info.std,
                         torch.device("cpu"), padding=4, flip=True)
    x, y = batches.train_batch(torch.arange(10), torch.Generator().manual_seed(0))
    assert x.dtype == torch.float32 and x.shape == (10, 3, 32, 32)
    assert x.is_contiguous(memory_format=torch.channels_last)
    expected = (128 / 255 - torch.tensor(info.mean)) / torch.tensor(info.std)
    inner = x[:, :, 4:28, 4:28]  # never padding, whatever the crop offset
    assert torch.allclose(inner.mean(dim=(0, 2, 3)), expected, atol=1e-5)
    zero = (0 - torch.tensor(info.mean)) / torch.tensor(info.std)
    assert torch.allclose(x.amin(dim=(0, 2, 3)), zero, atol=1e-5)  # some padding shows


# ---------------------------------------------------------------------------------------------
# training


def test_train_runs_and_reports(cifar):
    r = train(TINY, dataset="cifar-10", budget=QUICK, seed=0, device="cpu")
    assert isinstance(r, TrainResult) and r.status == "ok" and r.message == ""
    assert 0 <= r.best_error <= r.error <= 100
    assert r.curves["epoch"] == [1, 2] and len(r.curves["test_error"]) == 2
    assert r.curves["step"][-1] == 8 and len(r.curves["loss"]) == len(r.curves["lr"]) == 8
    assert r.images_per_second > 0 and r.seconds > 0 and r.device == "cpu"
    s = r.settings
    assert (s["train_images"], s["test_images"], s["batch_size"], s["steps"]) == (128, 60, 32, 8)
    assert s["hflip"] is True and s["nesterov"] is True and s["amp"] is None
    json.dumps(r.to_dict())  # JSON-ready for sweep files


def test_train_is_deterministic_on_cpu(cifar):
    a = train(TINY, dataset="cifar-10", budget=QUICK, seed=3, device="cpu")
    b = train(TINY, dataset="cifar-10", budget=QUICK, seed=3, device="cpu")
    c = train(TINY, dataset="cifar-10", budget=QUICK, seed=4, device="cpu")
    assert a.error == b.error and a.curves == b.curves
    assert a.curves["loss"] != c.curves["loss"]


def test_train_learns_something(cifar):
    budget = QUICK.replace(epochs=3, lr=0.1, train_subset=None, batch_size=20)
    r = train(TINY, dataset="cifar-10", budget=budget, seed=0, device="cpu")
    assert r.status == "ok" and r.curves["loss"][-1] < r.curves["loss"][0]


def test_divergence_is_a_status_not_an_exception(cifar):
    r = train(TINY, dataset="cifar-10", budget=QUICK.replace(lr=1e6), seed=0, device="cpu")
    assert r.status == "diverged" and "step" in r.message
    assert r.error == pytest.approx(90.0)  # chance level for 10 classes
    assert len(r.curves["step"]) < 8


class Broken(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(3 * 32 * 32, 10)

    def forward(self, x):
        raise RuntimeError("out of memory (simulated)")


def test_failure_is_a_status(cifar):
    r = train(Broken(), dataset="cifar-10", budget=QUICK, device="cpu")
    assert r.status == "failed" and "simulated" in r.message


def test_module_and_zoo_descriptions(cifar):
    model = nn.Sequential(nn.Flatten(), nn.Linear(3 * 32 * 32, 10))
    r = train(model, dataset="cifar-10", budget=QUICK, device="cpu")
    assert r.status == "ok" and r.settings["description"] == "Sequential"
    small = rl.RegNetConfig(depth=2, w0=8, wa=8, wm=2.0, group_width=8, stem_width=8)
    r = train(small, dataset="cifar-10", budget=QUICK.replace(epochs=1), device="cpu")
    assert r.status == "ok" and r.settings["description"]["type"] == "regnet"


def test_eval_every_skips_epochs(cifar):
    r = train(TINY, dataset="cifar-10", budget=QUICK.replace(epochs=3, eval_every=2),
              device="cpu")
    assert r.curves["test_error"][0] is None and r.curves["test_error"][1] is not None
    assert r.curves["test_error"][2] == r.error


def test_progress_bar(cifar, capsys):
    r = train(TINY, dataset="cifar-10", budget=QUICK.replace(epochs=1), device="cpu",
              progress=True)
    assert r.status == "ok"
    assert "train cifar-10" in capsys.readouterr().err


def test_threads_are_restored(cifar):
    before = torch.get_num_threads()
    r = train(TINY, dataset="cifar-10", budget=QUICK.replace(epochs=1), device="cpu", threads=1)
    assert r.settings["threads"] == 1 and torch.get_num_threads() == before


def test_evaluate_counts_errors():
    images = torch.zeros(30, 1, 4, 4, dtype=torch.uint8)
    labels = torch.tensor([0] * 20 + [1] * 10)
    batches = GPUBatches(images, labels, (0.5,), (0.5,), torch.device("cpu"))
    model = nn.Sequential(nn.Flatten(), nn.Linear(16, 2))
    nn.init.zeros_(model[1].weight)
    with torch.no_grad():
        model[1].bias.copy_(torch.tensor([1.0, 0.0]))  # always predicts class 0
    assert evaluate(model, batches, batch_size=7) == pytest.approx(100 * 10 / 30)


@pytest.mark.parametrize("kwargs, match", [
    ({"dataset": "mnist"}, "dataset"),
    ({"budget": "huge"}, "budget"),
    ({"budget": 3}, "budget"),
    ({"seed": -1}, "seed"),
    ({"seed": 1.5}, "seed"),
    ({"threads": 0}, "threads"),
    ({"device": "tpu"}, "device"),
    ({"description": 42}, None),
])
def test_bad_inputs_raise_valueerror(kwargs, match):
    with pytest.raises(ValueError, match=match):
        train(**{"description": TINY, "dataset": "cifar-10", "budget": QUICK, **kwargs})


@pytest.mark.skipif(data.locate_dataset("fashion-mnist", "test") is None,
                    reason="Fashion-MNIST not installed (apt package dataset-fashion-mnist)")
def test_fashion_mnist_ci_budget_learns():
    model = rl.AnyNetConfig(depths=(1, 1, 1), widths=(16, 32, 64), bottleneck_ratios=(1, 1, 1),
                            group_widths=(8, 8, 8), stem_width=16)
    r = train(model, budget="ci", seed=0, device="cpu", threads=1)
    assert r.status == "ok" and r.settings["train_images"] == BUDGETS["ci"].train_subset
    assert r.settings["hflip"] is False and r.settings["crop_padding"] == 2
    assert r.error < 85  # better than guessing (90%) after 32 steps
