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

import torch
from torch import nn

from . import validation as check
from .configs import AnyNetConfig, RegNetConfig
from .network import build

__all__ = ["SpeedResult", "time_models"]

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
