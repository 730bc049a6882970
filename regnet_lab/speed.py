"""Measured speed: time networks side by side on the reader's own hardware.

The paper's point about flops (Section 5, and ShuffleNet v2's guidelines) is that they do not
predict run time well: memory traffic (activations), group convolutions and the number of
layers matter too. :func:`time_models` measures it. The models are timed *interleaved* (one
step of each, in an order that rotates every round, after a warm-up), and the median over the
rounds is reported, so a burst of load from other programs slows every model alike instead of
favouring whichever ran last.

>>> import regnet_lab as rl
>>> table = rl.time_models({"X-200MF": "RegNetX-200MF", "Y-200MF": "RegNetY-200MF"},
...                        batch_size=2, resolution=64, rounds=2)  # doctest: +SKIP
"""

from __future__ import annotations

import statistics
import time
from dataclasses import asdict, dataclass
from typing import Any, Mapping, Optional, Union

import numpy as np
import torch
from torch import nn

from . import validation as check
from .configs import AnyNetConfig, RegNetConfig
from .network import build

__all__ = ["SpeedResult", "time_models", "RuntimeFit", "fit_runtime"]

ModelLike = Union[nn.Module, AnyNetConfig, RegNetConfig, str]
MODES = ("forward", "train")


@dataclass(frozen=True)
class SpeedResult:
    """The measured speed of one model.

    Attributes:
        name: the key the model was given under.
        seconds: median time of one step (one batch), in seconds.
        images_per_second: ``batch_size / seconds``.
        batch_size, resolution, mode, device, rounds: how it was measured; ``mode`` is
            ``"forward"`` (eval mode, no autograd) or ``"train"`` (forward + backward).
        spread: (max - min) / median of the step times over the rounds, a rough noise level.
    """

    name: str
    seconds: float
    images_per_second: float
    batch_size: int
    resolution: int
    mode: str
    device: str
    rounds: int
    spread: float

    def to_dict(self) -> dict[str, Any]:
        """The fields as a plain dict (one row of a table)."""
        return asdict(self)


def _as_module(model: ModelLike, in_channels: int, num_classes: int) -> nn.Module:
    if isinstance(model, nn.Module):
        return model
    if isinstance(model, (str, AnyNetConfig, RegNetConfig)):
        return build(model, in_channels=in_channels, num_classes=num_classes)
    raise ValueError(f"cannot time {type(model).__name__}: give a torch.nn.Module, a description or a zoo name")


def _sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def time_models(models: Mapping[str, ModelLike], batch_size: int = 16, resolution: int = 224,
                in_channels: int = 3, num_classes: int = 1000, mode: str = "forward", rounds: int = 10,
                warmup: int = 2, device: Optional[Union[str, torch.device]] = None) -> list[SpeedResult]:
    """Time several models side by side on random input; return one :class:`SpeedResult` each.

    Args:
        models: name -> a ``torch.nn.Module``, a description or a zoo name (descriptions are
            built with ``in_channels`` and ``num_classes``).
        batch_size, resolution, in_channels: the shape of the random input batch.
        mode: ``"forward"`` (inference: eval mode under ``torch.no_grad``) or ``"train"``
            (forward and backward of the summed outputs, train mode).
        rounds: timed rounds; every round times one step of every model.
        warmup: untimed rounds first (allocations, kernel selection).
        device: ``"cpu"``, ``"cuda"``...; default CUDA when available, else CPU.

    Raises:
        ValueError: for an empty mapping, a non-positive size or count, or an unknown mode.
    """
    if not models:
        raise ValueError("models must name at least one model to time")
    for label, value, most in (("batch_size", batch_size, 65_536), ("resolution", resolution, 8192),
                               ("rounds", rounds, 100_000), ("in_channels", in_channels, 4096),
                               ("num_classes", num_classes, 1_000_000)):
        check.positive_int(value, label, most, "a larger input or count would exhaust memory or time")
    check.integer(warmup, "warmup", 0, 100_000, "untimed rounds")
    check.choice(mode, "mode", MODES)
    try:
        dev = torch.device(device) if device is not None else torch.device("cuda" if torch.cuda.is_available() else "cpu")
    except (RuntimeError, TypeError):
        raise ValueError(f"device must be None, 'cpu', 'cuda' or 'cuda:N', got {device!r}") from None

    if not isinstance(models, Mapping):
        raise check.ParameterTypeError(f"models must be a dict of name -> description or module, "
                                       f"got {type(models).__name__}")
    names = list(models)
    nets = {n: _as_module(models[n], in_channels, num_classes).to(dev) for n in names}
    x = torch.randn(batch_size, in_channels, resolution, resolution, device=dev)

    def step(net: nn.Module) -> None:
        if mode == "forward":
            with torch.no_grad():
                net(x)
        else:
            net.zero_grad(set_to_none=True)
            net(x).sum().backward()

    for net in nets.values():
        net.train(mode == "train")
    times: dict[str, list[float]] = {n: [] for n in names}
    for r in range(warmup + rounds):
        shift = r % len(names)
        for n in names[shift:] + names[:shift]:
            _sync(dev)
            t0 = time.perf_counter()
            step(nets[n])
            _sync(dev)
            if r >= warmup:
                times[n].append(time.perf_counter() - t0)
    results = []
    for n in names:
        med = statistics.median(times[n])
        results.append(SpeedResult(name=n, seconds=med, images_per_second=batch_size / med,
                                   batch_size=batch_size, resolution=resolution, mode=mode,
                                   device=str(dev), rounds=rounds,
                                   spread=(max(times[n]) - min(times[n])) / med))
    return results


@dataclass(frozen=True)
class RuntimeFit:
    """The fit ``t = a * x + b * sqrt(x) + c`` of :func:`fit_runtime`.

    Attributes:
        a: the coefficient of the linear term, in seconds per unit of ``x``.
        b: the coefficient of the square-root term, in seconds per square-root unit of ``x``.
        c: the intercept, in seconds (0 when the fit was made without one).
        r2: the coefficient of determination of the fit (1 is a perfect fit; with an intercept,
            0 is no better than the mean time).
        n: the number of (x, time) pairs fitted.
        intercept: whether ``c`` was fitted.
    """

    a: float
    b: float
    c: float
    r2: float
    n: int
    intercept: bool

    def predict(self, x: Any) -> np.ndarray:
        """The fitted times (seconds) at ``x`` (a number or an array of non-negative numbers)."""
        v = np.asarray(x, dtype=float)
        if np.any(~np.isfinite(v)) or np.any(v < 0):
            raise ValueError("x must hold finite, non-negative numbers")
        return self.a * v + self.b * np.sqrt(v) + self.c


def fit_runtime(x: Any, seconds: Any, intercept: bool = True) -> RuntimeFit:
    """Least-squares fit of measured times to ``t = a * x + b * sqrt(x) + c``.

    Section 4 of the paper (Fig. 12) fits the inference time of its best models (64 images on
    a V100) with a linear and a square-root term of their flops, and of their activations,
    and finds both fit well. The paper does not state whether its fit has an intercept. This
    function fits one by default (``intercept=True``): a measured step has a fixed cost (Python
    dispatch, one call per layer, memory set-up) that does not grow with the model, and forcing
    ``c = 0`` would push that cost into ``b``. With ``intercept=False`` the fit goes through the
    origin, and ``r2`` is then measured against zero rather than against the mean time.

    Args:
        x: one number per model (flops or activations), all non-negative.
        seconds: the measured time of each model (one batch), positive.
        intercept: fit ``c`` (True) or fix it to 0 (False).

    Returns:
        A :class:`RuntimeFit` with the coefficients and R^2.

    Raises:
        ValueError: mismatched lengths, fewer pairs than coefficients plus one, negative or
            non-finite ``x``, non-positive or non-finite ``seconds``, or ``x`` taking a single
            value.

    Example:
        >>> fit = fit_runtime([1, 4, 9, 16, 25], [0.8, 1.9, 3.4, 5.3, 7.6])
        >>> round(fit.a, 3), round(fit.b, 3), round(fit.c, 3), round(fit.r2, 4)
        (0.2, 0.5, 0.1, 1.0)
    """
    intercept = check.flag(intercept, "intercept")
    k = 3 if intercept else 2
    xs = np.array(check.number_sequence(x, "x", minimum=0.0, min_length=k + 1), dtype=float)
    ts = np.array(check.number_sequence(seconds, "seconds", minimum=0.0, open_low=True,
                                        min_length=k + 1), dtype=float)
    if xs.size != ts.size:
        raise ValueError(f"x and seconds must have the same length, got {xs.size} and {ts.size}")
    if np.ptp(xs) == 0:
        raise ValueError("x must take more than one value to fit a runtime law")
    columns = [xs, np.sqrt(xs)] + ([np.ones_like(xs)] if intercept else [])
    design = np.column_stack(columns)
    coef, *_ = np.linalg.lstsq(design, ts, rcond=None)
    fitted = design @ coef
    ss_res = float(np.sum((ts - fitted) ** 2))
    ss_tot = float(np.sum((ts - ts.mean()) ** 2) if intercept else np.sum(ts ** 2))
    r2 = 1.0 - ss_res / ss_tot if ss_tot > 0 else 1.0
    c = float(coef[2]) if intercept else 0.0
    return RuntimeFit(a=float(coef[0]), b=float(coef[1]), c=c, r2=r2, n=int(xs.size),
                      intercept=intercept)
