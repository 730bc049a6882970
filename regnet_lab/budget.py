"""Compute budgets: the one place that decides how much compute a chapter or a sweep spends.

The paper compares design spaces with *populations* of models trained in a "low-compute,
low-epoch regime" (Section 3.1: about 400MF models, 10 epochs on ImageNet, n = 500 models per
design space). This book scales that regime down to what the reader's machine can do:

* ``"ci"``: seconds per chapter on a 2-core CPU. For tests and continuous integration only;
  the numbers it produces are not meaningful.
* ``"cpu"``: the default without a GPU. A few minutes per chapter, and the budget of the
  reference sweeps committed in ``data/sweeps/cpu/``, chosen from measurements (training cost
  and seed noise on a 2-core machine, see ``benchmarks/README.md``) so that errors of different
  models differ by clearly more than the noise of training one model twice.
* ``"gpu"``: the default when CUDA is available (Colab scale): the full training set and the
  paper's 10-epoch schedule.

Notebooks never read the environment variable themselves; they call :func:`current_budget`:

>>> import regnet_lab as rl
>>> rl.current_budget("ci").epochs
1
>>> rl.current_budget("cpu").describe()  # doctest: +ELLIPSIS
"budget 'cpu': ..."
"""

from __future__ import annotations

import dataclasses
import math
import os
from dataclasses import dataclass
from numbers import Integral, Real
from typing import Any, Optional

from . import validation as check

__all__ = ["Budget", "BUDGETS", "BUDGET_ENV_VAR", "current_budget", "budget_names"]

#: Environment variable that selects the budget (``ci``, ``cpu`` or ``gpu``).
BUDGET_ENV_VAR = "REGNET_LAB_BUDGET"


def _is_int(x: object) -> bool:
    return isinstance(x, Integral) and not isinstance(x, bool)


def _is_real(x: object) -> bool:
    return isinstance(x, Real) and not isinstance(x, bool) and math.isfinite(float(x))


@dataclass(frozen=True)
class Budget:
    """How much to train: the training recipe's size knobs and the size of sweeps.

    Attributes:
        name: ``"ci"``, ``"cpu"``, ``"gpu"`` or a name of your own.
        epochs: passes over the (sub)set of training images.
        train_subset: number of training images (a fixed, class-balanced subset, the same for
            every model and seed), or ``None`` for the whole training set.
        test_subset: number of test images the error is measured on (fixed, class-balanced),
            or ``None`` for the whole test set.
        batch_size: images per SGD step.
        lr: peak learning rate (reached after the warm-up), for ``batch_size``.
        weight_decay: L2 penalty on all weights.
        warmup_epochs: length of the linear warm-up (may be fractional); 0 for none.
        n_models: models per design space in a sweep.
        workers: suggested number of worker processes for a sweep on this kind of machine.
        threads_per_worker: suggested ``torch.set_num_threads`` per worker (``None``: leave
            torch's default).
        n_seeds: seeds per model when a chapter measures training noise.
        live_models: models per design space in a chapter's live mini-sweep (the reference
            sweeps, with ``n_models`` per space, are run once and committed instead).
        live_epochs, live_train_subset: the shorter recipe of those live runs (see :meth:`live`).
        momentum, nesterov: SGD momentum (Nesterov by default).
        warmup_factor: the warm-up starts at ``warmup_factor * lr``.
        label_smoothing: label smoothing of the cross-entropy loss.
        augment: random crops (and flips where they make sense, see :mod:`regnet_lab.data`).
        eval_batch_size: images per forward pass when measuring the test error.
        eval_every: measure the test error every this many epochs (always after the last);
            evaluation of 10,000 images costs about a third of an epoch on 10,000 images.
        flops_range: ``(low, high)`` multiply-adds at the dataset's resolution that sweeps in
            this budget sample models from (``None``: the regime's default band, 2-6 MF for
            Fashion-MNIST and 2.5-8 MF for CIFAR-10, see :mod:`regnet_lab.design_spaces`).
        note: why the budget looks the way it does (shown in chapters).
    """

    name: str
    epochs: int
    train_subset: Optional[int]
    test_subset: Optional[int]
    batch_size: int
    lr: float
    weight_decay: float
    warmup_epochs: float
    n_models: int
    workers: int = 1
    threads_per_worker: Optional[int] = None
    n_seeds: int = 5
    momentum: float = 0.9
    nesterov: bool = True
    warmup_factor: float = 0.1
    label_smoothing: float = 0.0
    augment: bool = True
    eval_batch_size: int = 500
    eval_every: int = 1
    flops_range: Optional[tuple[int, int]] = None
    note: str = ""
    live_models: int = 3
    live_epochs: Optional[int] = None
    live_train_subset: Optional[int] = None

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name:
            raise ValueError(f"name must be a non-empty string, got {self.name!r}")
        for field in ("epochs", "batch_size", "n_models", "workers", "n_seeds", "eval_batch_size",
                      "eval_every", "live_models"):
            v = getattr(self, field)
            if not _is_int(v) or v < 1:
                raise ValueError(f"{field} must be a positive integer, got {v!r}")
        for field in ("train_subset", "test_subset", "threads_per_worker", "live_epochs",
                      "live_train_subset"):
            v = getattr(self, field)
            if v is not None and (not _is_int(v) or v < 1):
                raise ValueError(f"{field} must be a positive integer or None, got {v!r}")
        if not _is_real(self.lr) or self.lr <= 0:
            raise ValueError(f"lr must be a positive number, got {self.lr!r}")
        for field in ("weight_decay", "warmup_epochs", "label_smoothing"):
            v = getattr(self, field)
            if not _is_real(v) or v < 0:
                raise ValueError(f"{field} must be a number >= 0, got {v!r}")
        if self.warmup_epochs > self.epochs:
            raise ValueError(f"warmup_epochs ({self.warmup_epochs}) must not exceed epochs "
                             f"({self.epochs})")
        if not _is_real(self.momentum) or not 0 <= self.momentum < 1:
            raise ValueError(f"momentum must be in [0, 1), got {self.momentum!r}")
        if not _is_real(self.warmup_factor) or not 0 < self.warmup_factor <= 1:
            raise ValueError(f"warmup_factor must be in (0, 1], got {self.warmup_factor!r}")
        if self.label_smoothing >= 1:
            raise ValueError(f"label_smoothing must be in [0, 1), got {self.label_smoothing!r}")
        for field in ("nesterov", "augment"):
            check.flag(getattr(self, field), field)
        for field in ("lr", "weight_decay", "warmup_epochs", "label_smoothing", "momentum",
                      "warmup_factor"):
            check.finite(getattr(self, field), field)
        if self.nesterov and self.momentum == 0:
            raise ValueError("nesterov=True needs momentum > 0")
        if self.flops_range is not None:
            lo_hi = tuple(self.flops_range)
            if len(lo_hi) != 2 or not all(_is_real(v) and v >= 0 for v in lo_hi) or lo_hi[0] > lo_hi[1]:
                raise ValueError(f"flops_range must be (low, high) with 0 <= low <= high, "
                                 f"got {self.flops_range!r}")
            object.__setattr__(self, "flops_range", (int(lo_hi[0]), int(lo_hi[1])))

    def replace(self, **changes: Any) -> "Budget":
        """A copy with some fields changed (validated again), e.g. ``b.replace(epochs=5)``."""
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict of all fields."""
        d = dataclasses.asdict(self)
        if d["flops_range"] is not None:
            d["flops_range"] = list(d["flops_range"])
        return d

    def live(self) -> "Budget":
        """The recipe of a chapter's live mini-sweep: this budget, shortened to ``live_epochs``
        on ``live_train_subset`` images where those are set, so a chapter can train
        ``live_models`` models per space in its time limit (a few minutes in ``cpu``)."""
        epochs = self.live_epochs or self.epochs
        return self.replace(epochs=epochs, train_subset=self.live_train_subset or self.train_subset,
                            warmup_epochs=min(self.warmup_epochs, epochs / 4),
                            eval_every=min(self.eval_every, epochs))

    def describe(self) -> str:
        """One sentence for a chapter: what this budget trains."""
        train = "all" if self.train_subset is None else f"{self.train_subset:,}"
        test = "all" if self.test_subset is None else f"{self.test_subset:,}"
        epochs = f"{self.epochs} epoch{'s' if self.epochs != 1 else ''}"
        return (f"budget '{self.name}': {epochs} on {train} training images, error on {test} "
                f"test images, batch {self.batch_size}, lr {self.lr:g}, weight decay "
                f"{self.weight_decay:g}, {self.n_models} models per design space")


_CI = Budget(
    name="ci",
    epochs=1,
    train_subset=1024,
    test_subset=500,
    batch_size=32,
    lr=0.05,
    weight_decay=5e-4,
    warmup_epochs=0.25,
    n_models=4,
    workers=1,
    threads_per_worker=None,
    n_seeds=2,
    eval_batch_size=500,
    flops_range=(500_000, 2_000_000),
    note="For tests only: a few seconds per small model on 2 CPU cores (32 SGD steps); the "
         "errors (around 50-60% for small models on Fashion-MNIST, chance level for deep ones "
         "such as the zoo's RegNetX-200MF) are not meaningful.",
)

# Chosen from pilot runs on the 2-core machine (benchmarks/README.md, "Choosing the cpu budget"):
# AnyNetX_A models in the Fashion-MNIST regime's 2-6 MF band cost 23-69 CPU-seconds each (mean
# 43 s, 1 thread), so 7 spaces x 100 models take about 4.2 hours with 2 workers; the seed noise
# (5 seeds) is 0.6 points for typical models, 1.1 for the least stable ones, against a spread of
# 16.0-21.3% (sd 1.8) between models. lr 0.05 gave 2-3 points worse errors and no less noise;
# 3 epochs had similar noise with 1.5 points higher errors.
_CPU = Budget(
    name="cpu",
    epochs=4,
    train_subset=10_000,
    test_subset=None,
    batch_size=128,
    lr=0.1,
    weight_decay=5e-4,
    warmup_epochs=0.5,
    n_models=100,
    workers=2,
    threads_per_worker=1,
    n_seeds=5,
    eval_batch_size=500,
    eval_every=4,
    flops_range=None,
    live_models=3,
    live_epochs=2,
    live_train_subset=5_000,
    note="The reference sweeps' budget: 4 epochs on a fixed 10,000-image subset, error on the "
         "full test set, about 45 CPU-seconds per 2-6 MF model. Seed noise (std over 5 seeds) "
         "0.6-1.1 points against a spread of about 5 points between models.",
)

_GPU = Budget(
    name="gpu",
    epochs=10,
    train_subset=None,
    test_subset=None,
    batch_size=256,
    lr=0.2,
    weight_decay=5e-4,
    warmup_epochs=1.0,
    n_models=100,
    workers=4,
    threads_per_worker=None,
    n_seeds=5,
    eval_batch_size=1000,
    eval_every=1,
    flops_range=None,
    live_models=20,
    live_epochs=2,
    note="Colab scale: the whole training set and the paper's 10-epoch schedule (Section 3.1); "
         "lr scaled linearly with the batch (0.1 per 128 images). The paper samples n = 500 "
         "models per space; pass --n 500 to a sweep for that.",
)

# Section 3.4 (Fig. 10) asks whether the ordering of the design spaces survives longer training;
# the paper does not say how much longer it trained there (PAPER_FACTS: "more epochs"). 10 epochs
# is 2.5x the cpu recipe, the factor issue 18 asks for; only the epochs (and when to evaluate)
# change, so a model's error under cpu-long is comparable with its error under cpu.
_CPU_LONG = _CPU.replace(
    name="cpu-long",
    epochs=10,
    eval_every=10,
    n_models=50,
    note="Longer training for Section 3.4's generalization test (Fig. 10): the cpu recipe for "
         "10 epochs instead of 4 (2.5x), about 110 CPU-seconds per 2-6 MF model.",
)

#: The built-in budgets by name.
BUDGETS: dict[str, Budget] = {b.name: b for b in (_CI, _CPU, _GPU, _CPU_LONG)}


def budget_names() -> list[str]:
    """The names :func:`current_budget` accepts."""
    return list(BUDGETS)


def current_budget(name: Optional[str] = None) -> Budget:
    """The budget to use now.

    Resolution: ``name`` when given; else the environment variable ``REGNET_LAB_BUDGET``; else
    ``"gpu"`` when ``torch.cuda.is_available()`` and ``"cpu"`` otherwise (also when PyTorch is
    not installed).

    Raises:
        ValueError: an unknown name (from the argument or the environment variable), listing
            the valid ones.
    """
    source = "name"
    if name is None:
        env = os.environ.get(BUDGET_ENV_VAR, "").strip()
        if env:
            name, source = env, f"environment variable {BUDGET_ENV_VAR}"
        else:
            try:
                import torch
            except ImportError:  # the torch-free core (counting, sampling, analysis) still runs
                return BUDGETS["cpu"]
            return BUDGETS["gpu" if torch.cuda.is_available() else "cpu"]
    if isinstance(name, Budget):
        return name
    if not isinstance(name, str):
        raise check.ParameterTypeError(f"budget name must be a string, one of "
                                       f"{', '.join(BUDGETS)}; got {type(name).__name__} {name!r}")
    key = name.strip().lower() if isinstance(name, str) else name
    if key not in BUDGETS:
        raise ValueError(f"unknown budget {name!r} (from the {source}); valid budgets: "
                         f"{', '.join(BUDGETS)}")
    return BUDGETS[key]
