"""ResNet- and ResNeXt-style networks as points of the AnyNetX design space (Section 5).

Section 5 of the paper compares its best RegNet models with standard networks, and notes of
ResNet and ResNeXt that "all of the models come from the exact same design space": a ResNet
body is an AnyNetX network whose X blocks have bottleneck ratio ``b = 4`` and a single group
(group width = bottleneck width), a ResNeXt body one with ``b = 2`` and a fixed number of groups
(ResNeXt-50 32x4d: 32 groups of 4 channels in the first stage). Both double their width from one
stage to the next, and the paper compares them with RegNet at matched flops and at matched
activations (Table 3).

This module writes those two families down as :class:`~regnet_lab.configs.AnyNetConfig`
descriptions at any scale, so that they can be counted, built and trained exactly like the
design spaces' samples:

* :func:`resnet_style`: one ResNet- or ResNeXt-style description from a first-stage width;
* :func:`match_complexity`: the description of a family whose flops (or activations) come
  closest to a target, e.g. the median of a reference population.

What is this library's choice, not the paper's: the stem (the regime's stem, e.g. a stride-1
3x3 stem of 16 channels at 28 px, for every network compared; ResNet's 7x7 stem and max
pooling are not part of the AnyNet body the paper's sentence is about); the stage depths
(ResNet-50's ``3, 4, 6, 3`` by default, deeper than the AnyNetX spaces sample at our scale);
and, for ResNeXt at small widths, keeping 4 channels per group in the first stage (as 32x4d)
with as many groups as that gives, constant across stages (ResNeXt's fixed cardinality).

>>> cfg = resnet_style("resnet", 64)
>>> cfg.widths, cfg.bottleneck_ratios, cfg.group_widths
((64, 128, 256, 512), (4, 4, 4, 4), (16, 32, 64, 128))
>>> resnet_style("resnext", 256).group_widths   # ResNeXt-50 32x4d's body
(4, 8, 16, 32)
>>> complexity(resnet_style("resnet", 256)).params  # ResNet-50 body with AnyNet's 3x3 stem
25538184
"""

from __future__ import annotations

from typing import Sequence, Union

from . import validation as check
from .configs import AnyNetConfig
from .counting import complexity
from .design_spaces import Regime, regime as _regime

__all__ = ["RESNET_FAMILIES", "RESNET50_DEPTHS", "resnet_style", "match_complexity"]

#: The two families of Section 5 and their bottleneck ratio ``b``.
RESNET_FAMILIES = {"resnet": 4, "resnext": 2}

#: Stage depths of ResNet-50 and ResNeXt-50 (the default depths of :func:`resnet_style`).
RESNET50_DEPTHS = (3, 4, 6, 3)

_GROUP_WIDTH_RESNEXT = 4  # channels per group in the first stage, as in ResNeXt-50 32x4d


def _family(family: object) -> str:
    if family not in RESNET_FAMILIES:
        raise ValueError(f"family must be one of {', '.join(RESNET_FAMILIES)}, got {family!r}")
    return str(family)


def _regime_of(regime: Union[str, Regime]) -> Regime:
    return regime if isinstance(regime, Regime) else _regime(regime)


def resnet_style(family: str, first_width: int, depths: Sequence[int] = RESNET50_DEPTHS,
                 regime: Union[str, Regime] = "paper") -> AnyNetConfig:
    """A ResNet- (``b = 4``, one group) or ResNeXt-style (``b = 2``, fixed groups) description.

    Stage ``i`` has width ``first_width * 2**i`` (the doubling of both families); the stem,
    input channels and classes are the regime's.

    Args:
        family: ``"resnet"`` or ``"resnext"`` (:data:`RESNET_FAMILIES`).
        first_width: output width of the first stage, a positive multiple of 8 (ResNet-50: 256).
        depths: blocks per stage (default ResNet-50's, :data:`RESNET50_DEPTHS`); the number of
            stages is ``len(depths)``.
        regime: a :class:`~regnet_lab.design_spaces.Regime` or its name (``"paper"`` for
            ImageNet at 224 px, ``"fashion-mnist"``, ...), for the stem and the head.

    Raises:
        ValueError: an unknown family, a width that is not a positive multiple of 8 (for
            ResNeXt also at least 16, so that the first bottleneck holds a 4-channel group),
            or bad depths.
    """
    family = _family(family)
    w1 = check.positive_int(first_width, "first_width")
    if w1 % 8:
        raise ValueError(f"first_width must be a multiple of 8, got {first_width!r}")
    if family == "resnext" and w1 < 16:
        raise ValueError(f"first_width must be at least 16 for ResNeXt (a bottleneck of "
                         f"{w1 // 2} channels cannot hold groups of {_GROUP_WIDTH_RESNEXT}), "
                         f"got {first_width!r}")
    reg = _regime_of(regime)
    depths = check.int_sequence(depths, "depths", 1, check.MAX_DEPTH, min_length=1,
                                reason="blocks per stage")
    b = RESNET_FAMILIES[family]
    widths = tuple(w1 * 2 ** i for i in range(len(depths)))
    if family == "resnet":
        groups = tuple(w // b for w in widths)  # one group: the whole bottleneck
    else:
        cardinality = (w1 // b) // _GROUP_WIDTH_RESNEXT
        groups = tuple((w // b) // cardinality for w in widths)
    return AnyNetConfig(depths=depths, widths=widths, bottleneck_ratios=(b,) * len(depths),
                        group_widths=groups, stem_width=reg.stem_width,
                        stem_stride=reg.stem_stride, in_channels=reg.in_channels,
                        num_classes=reg.num_classes)


def match_complexity(family: str, target: float, metric: str = "flops",
                     depths: Sequence[int] = RESNET50_DEPTHS,
                     regime: Union[str, Regime] = "fashion-mnist",
                     max_first_width: int = 512) -> AnyNetConfig:
    """The description of ``family`` whose ``metric`` is closest to ``target`` (Table 3 compares
    at matched flops and at matched activations).

    Tries every first-stage width that is a multiple of 8 up to ``max_first_width`` and keeps
    the one whose count (by :func:`~regnet_lab.counting.complexity` at the regime's resolution)
    is nearest to ``target`` in ratio.

    Args:
        family: ``"resnet"`` or ``"resnext"``.
        target: the flops (multiply-adds), parameters or activations to match, > 0.
        metric: ``"flops"``, ``"params"`` or ``"acts"``.
        depths, regime: as for :func:`resnet_style`.
        max_first_width: the largest first-stage width tried.

    >>> cfg = match_complexity("resnet", 4e6)           # 4 MF at 28 px, Fashion-MNIST
    >>> cfg.widths, complexity(cfg, resolution=28).flops
    ((32, 64, 128, 256), 4778506)

    Raises:
        ValueError: an unknown family or metric, a target that is not a positive finite number.
    """
    family = _family(family)
    if metric not in ("flops", "params", "acts"):
        raise ValueError(f"metric must be 'flops', 'params' or 'acts', got {metric!r}")
    target = check.number(target, "target", 0, open_low=True)
    top = check.positive_int(max_first_width, "max_first_width")
    reg = _regime_of(regime)
    best, best_gap = None, float("inf")
    for w1 in range(16 if family == "resnext" else 8, top + 1, 8):
        cfg = resnet_style(family, w1, depths, reg)
        value = getattr(complexity(cfg, resolution=reg.resolution), metric)
        gap = abs(value / target - 1)
        if gap < best_gap:
            best, best_gap = cfg, gap
    if best is None:
        raise ValueError(f"max_first_width must be at least 16 for ResNeXt, got {top}")
    return best
