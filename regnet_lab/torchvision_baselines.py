"""torchvision's MobileNetV2 and EfficientNet-B0, adapted to the book's small images (Section 5).

Section 5 of the paper compares RegNet with mobile networks (Table 2, MobileNetV2 among them)
and with EfficientNet under the same training (Table 4: "at low flops, EfficientNet
outperforms the RegNetY", RegNetY is better at intermediate flops). To repeat such a comparison
on 28 px Fashion-MNIST images, this module builds torchvision's implementations of the two
networks (torchvision's code, untrained) with three changes, the same ones every AnyNet of the
book gets from its regime:

* the first convolution reads the regime's channels (1 for Fashion-MNIST) with the regime's
  stem stride (1 at 28 px, so that the network's total stride of 32 ends at a 1-2 pixel map
  instead of shrinking a 28 px image to nothing);
* the classifier has the regime's number of classes;
* a width multiplier scales every layer's channels, to match a flops target
  (:func:`match_mobile`): torchvision's ``width_mult`` for MobileNetV2, and the same multiplier
  on EfficientNet-B0's stage table (EfficientNet's "width coefficient"; the depth coefficient
  stays 1, i.e. B0's depths).

EfficientNet-B0's stage table (expansion, kernel, stride, input and output channels, layers) is
the EfficientNet paper's Table 1 (Tan and Le, 2019), which torchvision also implements; its
dropout (0.2) and stochastic depth (0.2) are torchvision's defaults for B0. Which multipliers
and resolutions the paper itself used for these networks is not in this project's notes on the
paper.

:func:`count_module` counts any module by the book's convention (that of
:mod:`regnet_lab.counting`: multiply-adds and bias additions of the convolutions and linear
layers, all parameters, the output elements of those layers), measured by running it once; for
an AnyNet it equals :func:`~regnet_lab.counting.complexity` exactly.
"""

from __future__ import annotations

from functools import partial
from typing import Union

import torch
from torch import nn
from torch.utils.flop_counter import FlopCounterMode
from torchvision.models import EfficientNet, mobilenet_v2
from torchvision.models.efficientnet import MBConvConfig

from . import validation as check
from .counting import Complexity
from .design_spaces import Regime, regime as _regime

__all__ = ["MOBILE_BASELINES", "mobile_baseline", "count_module", "match_mobile"]

#: The networks :func:`mobile_baseline` builds.
MOBILE_BASELINES = ("mobilenet_v2", "efficientnet_b0")

# EfficientNet-B0 (Tan and Le 2019, Table 1): expand ratio, kernel, stride, in, out, layers.
_B0_STAGES = ((1, 3, 1, 32, 16, 1), (6, 3, 2, 16, 24, 2), (6, 5, 2, 24, 40, 2),
              (6, 3, 2, 40, 80, 3), (6, 5, 1, 80, 112, 3), (6, 5, 2, 112, 192, 4),
              (6, 3, 1, 192, 320, 1))


def _regime_of(regime: Union[str, Regime]) -> Regime:
    return regime if isinstance(regime, Regime) else _regime(regime)


def _efficientnet_b0(width_mult: float, num_classes: int) -> nn.Module:
    config = partial(MBConvConfig, width_mult=width_mult, depth_mult=1.0)
    stages = [config(*row) for row in _B0_STAGES]
    return EfficientNet(stages, dropout=0.2, stochastic_depth_prob=0.2, num_classes=num_classes)


def _restem(model: nn.Module, in_channels: int, stride: int) -> None:
    """Replace the first convolution (``features[0][0]`` in both networks)."""
    old = model.features[0][0]
    model.features[0][0] = nn.Conv2d(in_channels, old.out_channels, old.kernel_size,
                                     stride=stride, padding=old.padding, bias=False)


def mobile_baseline(name: str, width_mult: float = 1.0,
                    regime: Union[str, Regime] = "fashion-mnist") -> nn.Module:
    """torchvision's MobileNetV2 or EfficientNet-B0 (untrained) for the regime's images.

    Args:
        name: ``"mobilenet_v2"`` or ``"efficientnet_b0"`` (:data:`MOBILE_BASELINES`).
        width_mult: multiplier of every layer's channels, in ``(0, 4]`` (1: the published
            network's widths).
        regime: a :class:`~regnet_lab.design_spaces.Regime` or its name; its input channels,
            stem stride and classes are used (``"paper"``: the published 224 px network).

    >>> net = mobile_baseline("mobilenet_v2", 0.5)
    >>> net(torch.zeros(2, 1, 28, 28)).shape
    torch.Size([2, 10])

    Raises:
        ValueError: an unknown name or regime, a multiplier outside ``(0, 4]``.
    """
    name = check.choice(name, "name", MOBILE_BASELINES, "network")
    width_mult = check.number(width_mult, "width_mult", 0, 4, open_low=True)
    reg = _regime_of(regime)
    if name == "mobilenet_v2":
        model = mobilenet_v2(weights=None, num_classes=reg.num_classes, width_mult=width_mult)
    else:
        model = _efficientnet_b0(width_mult, reg.num_classes)
    if (reg.in_channels, reg.stem_stride) != (3, 2):
        _restem(model, reg.in_channels, reg.stem_stride)
    return model


def count_module(module: nn.Module, resolution: int, in_channels: int = 3) -> Complexity:
    """flops, params and acts of ``module`` for one ``resolution`` x ``resolution`` image, by the
    book's convention (:mod:`regnet_lab.counting`).

    flops are the multiply-adds of the convolutions and linear layers plus one addition per
    output of a layer with a bias; params every parameter; acts the output elements of every
    convolution and linear layer.

    Runs the module once on zeros in eval mode (on its own device, without gradients); the
    flops come from :class:`torch.utils.flop_counter.FlopCounterMode` (which counts 2 flops
    per multiply-add). The module's training mode is restored.

    Raises:
        TypeError: ``module`` is not an ``nn.Module``.
        ValueError: a resolution or channel count that is not a positive integer.
    """
    if not isinstance(module, nn.Module):
        raise TypeError(f"module must be a torch.nn.Module, got {type(module).__name__}")
    res = check.positive_int(resolution, "resolution")
    ch = check.positive_int(in_channels, "in_channels")
    acts, bias_adds = [], []

    def hook(mod, _inp, out):
        acts.append(out.numel())
        if mod.bias is not None:  # FlopCounterMode counts the products, not the bias additions
            bias_adds.append(out.numel())

    handles = [m.register_forward_hook(hook) for m in module.modules()
               if isinstance(m, (nn.Conv2d, nn.Linear))]
    was_training = module.training
    param = next(module.parameters(), None)
    device = param.device if param is not None else torch.device("cpu")
    counter = FlopCounterMode(display=False)
    try:
        module.eval()
        with torch.no_grad(), counter:
            module(torch.zeros(1, ch, res, res, device=device))
    finally:
        for h in handles:
            h.remove()
        module.train(was_training)
    params = sum(p.numel() for p in module.parameters())
    flops = int(counter.get_total_flops()) // 2 + sum(bias_adds)
    return Complexity(flops=flops, params=int(params), acts=int(sum(acts)))


def match_mobile(name: str, target: float, metric: str = "flops",
                 regime: Union[str, Regime] = "fashion-mnist") -> tuple[float, nn.Module]:
    """The width multiplier (a multiple of 0.05 in ``[0.1, 2]``) whose network's ``metric`` is
    closest to ``target`` in ratio, and that network (Tables 2 and 4 compare at matched flops).

    Args:
        name: ``"mobilenet_v2"`` or ``"efficientnet_b0"``.
        target: flops (multiply-adds), params or acts to match, > 0.
        metric: ``"flops"``, ``"params"`` or ``"acts"``.
        regime: as for :func:`mobile_baseline`; counted at the regime's resolution.

    Raises:
        ValueError: an unknown name, metric or regime; a target that is not a positive number.
    """
    name = check.choice(name, "name", MOBILE_BASELINES, "network")
    metric = check.choice(metric, "metric", ("flops", "params", "acts"), "metric")
    target = check.number(target, "target", 0, open_low=True)
    reg = _regime_of(regime)
    best, best_gap = None, float("inf")
    for k in range(2, 41):
        mult = k / 20
        model = mobile_baseline(name, mult, reg)
        value = getattr(count_module(model, reg.resolution, reg.in_channels), metric)
        gap = abs(value / target - 1)
        if gap < best_gap:
            best, best_gap = (mult, model), gap
    assert best is not None
    return best
