"""The design spaces of the paper: AnyNetX_A ... AnyNetX_E, RegNet and the refined RegNetX.

Section 3 of Radosavovic et al., "Designing Network Design Spaces" (CVPR 2020) starts from
AnyNetX_A, a design space of 4-stage networks of X blocks with free per-stage depth ``d_i``, width
``w_i``, bottleneck ratio ``b_i`` and group width ``g_i``, and narrows it down step by step
(Table 1 of the paper):

* AnyNetX_A: ``d_i <= 16``, ``w_i <= 1024`` (multiple of 8), ``b_i in {1, 2, 4}``,
  ``g_i in {1, 2, 4, 8, 16, 32}``; size (16*128*3*6)^4, about 1.8e18.
* AnyNetX_B: one shared ``b``; about 6.8e16.
* AnyNetX_C: one shared ``g``; about 3.2e14.
* AnyNetX_D: ``w_{i+1} >= w_i``; about 1.3e13.
* AnyNetX_E: ``d_{i+1} >= d_i``; about 5.5e11.
* ``RegNetX_6param``: the paper's "RegNetX" of Section 3.3: widths from the quantized linear rule
  (eqs. 2-4), six parameters ``d, w0, wa, wm, b, g``, four stages where stage ``i`` is the blocks
  of rounded exponent ``i``; about 3.0e8 in Table 1.

plus ``RegNetX_refined``, this library's refinement of it (``b = 1``, ``wm >= 2`` and a window of
depths, ``12 <= d <= 28`` at 224px). Those restrictions are the paper's, from later sections:
Section 4's "RegNetX constrained" has ``b = 1``, ``d <= 40``, ``wm >= 2`` and limits on
parameters and activations (not applied here), and Section 5 limits depth to ``12 <= d <= 28``.
(Before regnet_lab 0.2 these two spaces were called "RegNet" and "RegNetX"; the old names still
work, with a FutureWarning.) Besides these seven, :func:`variant_space_names` lists the spaces
the paper trains to justify a rule and then leaves (Fig. 7's constant and decreasing widths and
depths, Fig. 9's ``wm = 2`` and ``w0 = wa``, Fig. 10's 5 stages and R and V blocks, Fig. 14's
inverted bottleneck, depthwise convolution and RegNetY, Appendix B's fixed depth, 3 stages and
Swish, and Section 4's constrained space without its parameter and activation limits,
``RegNetX_constrained_no_limits``); the experiments of :mod:`regnet_lab.experiments` train them.
Where the paper leaves a detail of those open, :class:`RegNetSpace` says which reading this
library assumes. Each space here is a
:class:`DesignSpace` with

* :meth:`DesignSpace.sample`: ``n`` descriptions drawn from the space, reproducibly, optionally
  only inside a flops band (the paper compares spaces at matched compute, Section 3.1);
* :meth:`DesignSpace.size`: the exact number of configurations as a Python ``int``, next to
  :meth:`DesignSpace.paper_size` (the figure of Table 1) and :meth:`DesignSpace.size_explanation`;
* :meth:`DesignSpace.contains`: the membership test.

Regimes
-------
A :class:`Regime` fixes everything around the body: input resolution and channels, classes, the
stem, the bounds of the space and a default flops band. ``"paper"`` is the paper's ImageNet setting
(224px, stride-2 stem of 32 channels, ``d_i <= 16``, ``w_i <= 1024``, RegNet ``d < 64``,
``w0, wa < 256``). ``"fashion-mnist"`` (28x28x1) and ``"cifar-10"`` (32x32x3) are the small-image
regimes the book really trains: stride-1 stem of 16 channels and every bound divided by 4
(``d_i <= 4``, ``w_i <= 256``, RegNet ``d <= 16``, ``w0 <= 64``, ``wa <= 64``), so sampled models
train in seconds to a minute on two CPU cores. See :data:`REGIMES`.

Distributions (how a sample is drawn)
-------------------------------------
The paper (Section 3.1) samples AnyNetX's per-stage values log-uniformly; pycls's sweep code
(``pycls/sweep/samplers.py``, ``regnet_sampler``) samples RegNet's depth uniformly and ``w0``,
``wa``, ``wm`` and the group width log-uniformly on grids of step 8, 0.1, 0.001 and 8. Here:

* AnyNetX: every ``d_i`` log-uniform on ``1..max_depth``, every ``w_i`` log-uniform on the
  multiples of 8 in ``8..max_width``, ``b`` and ``g`` uniform on ``{1, 2, 4}`` and
  ``{1, 2, 4, 8, 16, 32}`` (which is log-uniform on those powers of two). "Log-uniform on a finite
  set" is the discrete reciprocal distribution, ``P(v) ~ 1/v``.
* RegNetX_6param / RegNetX_refined: ``d``, ``w0``, ``wa`` and ``wm`` exactly as pycls's
  ``regnet_sampler`` draws them: ``d`` uniform on its integer range; ``w0``, ``wa``, ``wm`` a
  *continuous* log-uniform value moved up onto the grid of 8, 0.1 or 0.001 (``ceil``), so a grid
  value ``v`` has probability ``log(v / (v - q))`` up to a constant (the lowest value a little
  less). Where we differ from pycls: ``b`` and ``g`` are uniform on the paper's sets
  ``{1, 2, 4}`` and ``{1, 2, 4, 8, 16, 32}`` ("b and g as in AnyNetX_E", Section 3.3), where
  pycls draws its bottleneck multiplier as a power of two and its group width from a
  power-of-two-or-multiple-of-8 distribution; we keep the paper's sets so that the RegNet
  populations differ from AnyNetX_E only in the width/depth rule.

The widths of AnyNetX_D and E, and the depths of E, are drawn directly as non-decreasing
sequences, with exactly the distribution of four i.i.d. draws conditioned on being in order
(sequential sampling from suffix sums, no rejection). A raw draw is then expanded and made
*compatible* (:func:`~regnet_lab.quantization.make_compatible` moves widths and clamps group
widths) and is **kept only if the resulting network obeys every rule of the space** (bounds,
shared ``b``/``g``, order, four stages) and, if a band is given, has its flops in the band;
otherwise it is redrawn.
So the samples follow the distribution above *conditioned on the rules* (and on the band).

Reproducibility: parameters are drawn with ``numpy.random.default_rng(seed)`` only (PCG64, whose
streams are platform independent); AnyNetX's through cumulative distributions built with IEEE
basic arithmetic (no ``log``, so bit-identical everywhere), RegNet's through pycls's ``exp``/``log``
formula (a platform whose ``log`` differed in the last bit could only move a draw lying exactly on
a grid boundary); proposals come in batches of a fixed
schedule and the ``k``-th accepted proposal is the ``k``-th sample. So the same seed gives the
same samples on any machine, and ``sample(10, seed=s)`` is the first ten of
``sample(500, seed=s)``. (The RegNet expansion itself uses ``log``, as the paper's code does; a
platform whose ``log`` differed in the last bit could only disagree on a parameter tuple lying
exactly on a rounding boundary.)

Speed: proposals are generated, made compatible, checked and counted (flops, the same integer
formula as :func:`~regnet_lab.counting.complexity`, which the tests compare) as numpy arrays, a
whole batch at a time; only accepted models become description objects, and each of those is
checked again with the scalar code (the dataclasses' validation, the space's rules, and for RegNet
that its own expansion gives the stages whose flops were counted), so the vectorised shortcuts
cannot let a wrong model through.
"""

from __future__ import annotations

import math
import re
import time
import warnings
from dataclasses import dataclass
from functools import lru_cache
from numbers import Integral, Real
from types import MappingProxyType
from typing import Any, Mapping, Optional, Sequence, Union

import numpy as np

from . import validation as check
from .configs import AnyNetConfig, Description, RegNetConfig, bottleneck_width
from .counting import block_cost, complexity, head_cost, stem_cost
from .quantization import (block_exponents, compatible_widths, exponent_widths,
                           first_block_of_exponent, make_compatible)

__all__ = [
    "Regime",
    "REGIMES",
    "regime",
    "regime_names",
    "DesignSpace",
    "AnyNetXSpace",
    "RegNetSpace",
    "SampleReport",
    "design_space",
    "design_space_names",
    "variant_space_names",
    "STAGE_ORDERS",
    "find_regnet_parameters",
    "BOTTLENECK_RATIOS",
    "GROUP_WIDTHS",
]

#: Bottleneck ratios ``b`` of AnyNetX_A (and of every later space).
BOTTLENECK_RATIOS: tuple[int, ...] = (1, 2, 4)
#: Group widths ``g`` of AnyNetX_A (and of every later space, RegNet included).
GROUP_WIDTHS: tuple[int, ...] = (1, 2, 4, 8, 16, 32)
#: Every stage width is a multiple of this (``w_i`` divisible by 8; RegNet's ``q = 8``).
WIDTH_QUANTUM = 8
#: Number of stages of every network of these spaces.
NUM_STAGES = 4
# Grids of the RegNet sampler (pycls's steps): w0 in multiples of 8, wa in tenths, wm in thousandths.
_WA_SCALE = 10
_WM_SCALE = 1000

Band = tuple[int, int]


# ================================================================================== regimes


@dataclass(frozen=True)
class Regime:
    """Input, stem, head, bounds and default flops band of a family of design spaces.

    The paper's bounds (Section 3.1/3.3) are for 224px ImageNet with a stride-2 stem. The
    small-image regimes (28px Fashion-MNIST, 32px CIFAR-10) scale them down as follows:

    * a stride-1 stem of 16 channels (a stride-2 stem would leave 1x1 maps in the last stage), so the stages see 28 -> 14 -> 7 -> 4 -> 2 pixels instead of
      112 -> 56 -> 28 -> 14 -> 7: about 16x fewer positions per layer;
    * every *size* bound divided by 4: stage depth ``d_i <= 4`` (16), stage width ``w_i <= 256``
      (1024), RegNet ``d <= 16`` (63), ``w0 <= 64`` and ``wa <= 64`` (256); RegNetX_refined's
      depth window ``12..28`` (Section 5's) becomes ``4..8`` (a quarter of it, ``3..7``, raised
      to 4 because four stages need four blocks). Conv flops grow with width squared times depth, so a model costs
      another ~10-60x less;
    * every *shape* rule kept: four stride-2 stages, the ``b`` and ``g`` sets,
      ``1.5 <= wm <= 3`` (RegNetX ``2 <= wm <= 3``), widths in multiples of 8.

    Measured on 2000 unconstrained samples per space (``benchmarks/README.md``), AnyNetX_A's
    median is 561 MF at 224px and 3.2 MF at 28px; the default bands are the paper's 360-400 MF
    (stated in Section 3.2) and, near the small regimes' medians, 2-6 MF at 28px and 2.5-8 MF at 32px, the
    same networks at 1.3x the pixels) and hold 1.5-3% (paper) and 12-46% (small regimes) of every
    space's unconstrained samples. Models in the small bands train at a few hundred images per
    second on one CPU core (measured 240-380 images/s, batch 128, forward + backward), i.e. a
    12,000-image epoch in well under a minute.

    Attributes:
        name: ``"paper"``, ``"fashion-mnist"`` or ``"cifar-10"``.
        resolution: input side in pixels (flops are counted at this size).
        in_channels, num_classes, stem_width, stem_stride: copied into every sample.
        max_depth: AnyNetX bound on every stage depth ``d_i`` (``1 <= d_i <= max_depth``).
        max_width: AnyNetX bound on every stage width (``8 <= w_i <= max_width``, multiples of 8).
        regnet_depth: inclusive range of RegNet's ``d`` (the paper: ``d < 64``).
        regnet_w0: inclusive range of ``w0`` (multiples of 8; the paper: ``w0 < 256``).
        regnet_wa: inclusive range of ``wa`` on the 0.1 grid (the paper: ``wa < 256``).
        regnet_wm: inclusive range of ``wm`` (the paper: ``1.5 <= wm <= 3``).
        regnetx_depth: RegNetX_refined's depth range (Section 5's ``12 <= d <= 28``).
        regnetx_wm: RegNetX_refined's ``wm`` range (``wm >= 2``, Section 4).
        flops_band: default band ``(low, high)`` in multiply-adds for ``sample(flops="default")``.
        note: where the numbers come from.
        regnet_fixed_depth: the one depth of ``RegNetX_6param_fixed_depth`` (Appendix B's
            ``d = 20`` at 224px). THIS LIBRARY'S ASSUMPTION for the small regimes: ``d = 6``, the
            centre of the refined depth window ``4..8`` as 20 is the centre of the paper's
            ``12..28``; the median depth of the best 25 of the 100 reference ``RegNetX_refined``
            models (Fashion-MNIST, 2-6 MF) is also 6 (the quarter rule alone would give 5).
        constrained_depth: the depth range of ``RegNetX_constrained_no_limits`` (Section 4's
            ``d <= 40``); divided by 4 like every size bound, ``d <= 10`` in the small regimes.
    """

    name: str
    resolution: int
    in_channels: int
    num_classes: int
    stem_width: int
    stem_stride: int
    max_depth: int
    max_width: int
    regnet_depth: tuple[int, int]
    regnet_w0: tuple[int, int]
    regnet_wa: tuple[float, float]
    regnet_wm: tuple[float, float]
    regnetx_depth: tuple[int, int]
    regnetx_wm: tuple[float, float]
    flops_band: tuple[int, int]
    note: str = ""
    regnet_fixed_depth: int = 20
    constrained_depth: tuple[int, int] = (1, 40)

    def overrides(self) -> dict[str, int]:
        """The description fields this regime fixes (stem, input channels, classes)."""
        return {"stem_width": self.stem_width, "stem_stride": self.stem_stride,
                "in_channels": self.in_channels, "num_classes": self.num_classes}

    def stage_resolutions(self) -> tuple[int, ...]:
        """Output side of the stem and of each of the four stride-2 stages."""
        h = (self.resolution - 1) // self.stem_stride + 1
        out = [h]
        for _ in range(NUM_STAGES):
            h = (h - 1) // 2 + 1
            out.append(h)
        return tuple(out)

    def band_mf(self) -> tuple[float, float]:
        """The default band in MF (millions of multiply-adds)."""
        return (self.flops_band[0] / 1e6, self.flops_band[1] / 1e6)


_PAPER = Regime(
    name="paper",
    resolution=224, in_channels=3, num_classes=1000, stem_width=32, stem_stride=2,
    max_depth=16, max_width=1024,
    regnet_depth=(1, 63), regnet_w0=(8, 248), regnet_wa=(0.1, 255.9), regnet_wm=(1.5, 3.0),
    regnetx_depth=(12, 28), regnetx_wm=(2.0, 3.0),
    flops_band=(360_000_000, 400_000_000),
    note=("ImageNet at 224px, the paper's bounds (Section 3.1: d_i <= 16, w_i <= 1024; Section 3.3: "
          "d < 64, w0, wa < 256, 1.5 <= wm <= 3) and its band, 360-400 MF (Section 3.2)."),
)

_SMALL_COMMON: dict[str, Any] = dict(
    stem_width=16, stem_stride=1, max_depth=4, max_width=256,
    regnet_depth=(1, 16), regnet_w0=(8, 64), regnet_wa=(0.1, 64.0), regnet_wm=(1.5, 3.0),
    regnetx_depth=(4, 8), regnetx_wm=(2.0, 3.0),
    regnet_fixed_depth=6, constrained_depth=(1, 10),
)

_FASHION = Regime(
    name="fashion-mnist", resolution=28, in_channels=1, num_classes=10,
    flops_band=(2_000_000, 6_000_000),
    note=("Fashion-MNIST 28x28x1, stride-1 stem of 16 channels, every size bound of the paper "
          "divided by 4. Default band 2-6 MF (chosen from measured flops distributions, see "
          "benchmarks/README.md)."),
    **_SMALL_COMMON,
)

_CIFAR = Regime(
    name="cifar-10", resolution=32, in_channels=3, num_classes=10,
    flops_band=(2_500_000, 8_000_000),
    note=("CIFAR-10 32x32x3, stride-1 stem of 16 channels, every size bound of the paper divided "
          "by 4. Default band 2.5-8 MF (chosen from measured flops distributions, see "
          "benchmarks/README.md)."),
    **_SMALL_COMMON,
)

#: The regimes by canonical name.
REGIMES: Mapping[str, Regime] = MappingProxyType({r.name: r for r in (_PAPER, _FASHION, _CIFAR)})

_REGIME_ALIASES = {"paper": "paper", "imagenet": "paper", "fashionmnist": "fashion-mnist",
                   "fmnist": "fashion-mnist", "cifar10": "cifar-10", "cifar": "cifar-10"}


def regime_names() -> list[str]:
    """The canonical regime names: ``paper``, ``fashion-mnist``, ``cifar-10``."""
    return list(REGIMES)


def regime(name: Union[str, Regime] = "paper") -> Regime:
    """The :class:`Regime` called ``name`` (case, ``-`` and ``_`` ignored; a Regime passes through).

    Raises:
        ValueError: unknown name (the message lists the valid ones).
    """
    if isinstance(name, Regime):
        return name
    if isinstance(name, str):
        key = re.sub(r"[^a-z0-9]", "", name.lower())
        if key in _REGIME_ALIASES:
            return REGIMES[_REGIME_ALIASES[key]]
    raise ValueError(f"unknown regime {name!r}; choose one of: {', '.join(REGIMES)}")


_lookup_regime = regime  # methods take a parameter called ``regime``, which hides the function


# ================================================================================== helpers


def _check_n(n: object) -> int:
    return check.positive_int(n, "n", 1_000_000, "the number of models; all are held in memory")


def _check_seed(seed: object) -> int:
    return check.seed(seed)


def _resolve_band(flops: object, reg: Regime) -> Optional[Band]:
    """``None``/``False`` -> no band; ``"default"``/``True`` -> the regime's; ``(lo, hi)`` checked."""
    if flops is None or flops is False:
        return None
    if flops is True or (isinstance(flops, str) and flops.lower() == "default"):
        return reg.flops_band
    if isinstance(flops, str):
        raise ValueError(f"flops must be None, 'default', True or (low, high), got {flops!r}")
    try:
        lo, hi = flops  # type: ignore[misc]
    except (TypeError, ValueError):
        raise ValueError(f"flops must be None, 'default' or a pair (low, high), got {flops!r}") from None
    for v in (lo, hi):
        if isinstance(v, bool) or not isinstance(v, Real) or not math.isfinite(float(v)):
            raise ValueError(f"flops band bounds must be finite numbers, got {flops!r}")
    if lo < 0 or hi < lo:
        raise ValueError(f"flops band must satisfy 0 <= low <= high (multiply-adds), got {flops!r}")
    if hi < 1000:
        raise ValueError(f"flops band {flops!r} looks like it is in MF/GF; give multiply-adds, "
                         f"e.g. ({int(lo * 1e6)}, {int(hi * 1e6)}) for {lo}-{hi} MF")
    return (int(math.ceil(lo)), int(math.floor(hi)))


@lru_cache(maxsize=None)
def _reciprocal_cdf(lo: int, hi: int, step: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Values ``lo, lo+step, ..., hi`` and the CDF of ``P(v) ~ 1/v`` over them.

    Built with IEEE division and sequential addition only, so it is bit-identical on every machine.
    """
    values = np.arange(lo, hi + 1, step, dtype=np.int64)
    weights = 1.0 / values.astype(np.float64)
    cdf = np.cumsum(weights)
    cdf = cdf / cdf[-1]
    values.setflags(write=False)
    cdf.setflags(write=False)
    return values, cdf


def _grid_log_uniform(rng: np.random.Generator, lo: float, hi: float, q: float, m: int) -> np.ndarray:
    """pycls's ``log_uniform(lo, hi, q)`` (``pycls/sweep/random.py``) for ``m`` draws, as grid
    indices ``k`` (the value is ``k * q``).

    pycls draws a continuous value ``f`` log-uniformly on ``(lo - q*, hi]`` with
    ``q* = min(q, lo / 2)`` and moves it up onto the grid, ``ceil(f / q) * q``. So grid value
    ``v > lo`` has probability ``log(v / (v - q)) / log(hi / (lo - q*))``, and ``lo`` itself
    ``log(lo / (lo - q*))`` over the same. The same floating-point operations are used here, so a
    given uniform draw lands on the same grid point as in pycls. (Indices are clipped to the grid,
    which only matters for a draw within rounding error of ``hi``.)
    """
    qs = min(q, lo / 2)
    f = np.exp(-rng.uniform(-np.log(hi), -np.log(lo - qs), m))
    k = np.ceil(f / q).astype(np.int64)
    return np.clip(k, int(round(lo / q)), int(round(hi / q)))


def _grid_uniform_int(rng: np.random.Generator, lo: int, hi: int, m: int) -> np.ndarray:
    """pycls's ``uniform(lo, hi, 1)``: ``floor`` of a uniform draw on ``[lo, hi + 1)``, i.e. every
    integer of ``lo..hi`` with probability ``1 / (hi - lo + 1)``."""
    return np.clip(np.floor(rng.uniform(lo, hi + 1, m)).astype(np.int64), lo, hi)


def _log_uniform_int(rng: np.random.Generator, lo: int, hi: int, size: Any, step: int = 1) -> np.ndarray:
    """Draws from the discrete log-uniform (reciprocal) distribution on ``lo..hi`` by ``step``."""
    values, cdf = _reciprocal_cdf(lo, hi, step)
    idx = np.searchsorted(cdf, rng.random(size), side="right")
    return values[np.minimum(idx, len(values) - 1)]


@lru_cache(maxsize=None)
def _ordered_tables(lo: int, hi: int, step: int, length: int) -> tuple[np.ndarray, list[np.ndarray]]:
    """Tables to draw non-decreasing sequences of i.i.d. reciprocal draws, exactly conditioned.

    With ``p`` the reciprocal weights and ``G_0 = 1``, ``G_k[i] = sum_{j >= i} p[j] G_{k-1}[j]`` is
    the mass of the non-decreasing continuations of length ``k`` from value ``i``. The ``t``-th
    element (``k = length - 1 - t`` left after it) is drawn from ``p[i] G_k[i]`` restricted to
    ``i >= previous``; the returned arrays are the prefix sums ``P_k`` of ``p * G_k``.
    """
    values, _ = _reciprocal_cdf(lo, hi, step)
    p = 1.0 / values.astype(np.float64)
    g = np.ones_like(p)
    prefix = []
    for _ in range(length):
        wts = p * g
        prefix.append(np.concatenate([[0.0], np.cumsum(wts)]))
        g = np.cumsum(wts[::-1])[::-1]
    return values, prefix


def _ordered_log_uniform_int(rng: np.random.Generator, lo: int, hi: int, m: int, length: int,
                             step: int = 1) -> np.ndarray:
    """``m`` non-decreasing sequences of ``length`` reciprocal draws on ``lo..hi`` by ``step``.

    The distribution is exactly that of i.i.d. draws conditioned on being non-decreasing (what
    rejection sampling would give), at no rejection cost.
    """
    values, prefix = _ordered_tables(lo, hi, step, length)
    k_vals = len(values)
    out = np.empty((m, length), dtype=np.int64)
    idx = np.zeros(m, dtype=np.int64)
    for t in range(length):
        P = prefix[length - 1 - t]
        base = P[idx]
        target = base + rng.random(m) * (P[-1] - base)
        i = np.searchsorted(P, target, side="right") - 1
        idx = np.clip(i, idx, k_vals - 1)
        out[:, t] = values[idx]
    return out


#: How per-stage depths or widths may follow each other in an AnyNetX space, one of ``"any"`` (A-C),
#: ``"increasing"`` (``v_{i+1} >= v_i``: widths in D, depths in E), and Fig. 7's alternatives
#: ``"equal"`` (``v_{i+1} = v_i``) and ``"decreasing"`` (``v_{i+1} <= v_i``).
STAGE_ORDERS = ("any", "increasing", "equal", "decreasing")


def _draw_in_order(rng: np.random.Generator, lo: int, hi: int, m: int, length: int, order: str,
                   step: int = 1) -> np.ndarray:
    """``m`` rows of ``length`` log-uniform (``P(v) ~ 1/v``) values on ``lo..hi`` by ``step`` that
    follow ``order`` (:data:`STAGE_ORDERS`).

    ``"increasing"`` and ``"decreasing"`` are i.i.d. draws conditioned on the order (exactly, see
    :func:`_ordered_log_uniform_int`; a non-increasing sequence is a non-decreasing one read
    backwards). ``"equal"`` draws one value per row and repeats it, the way AnyNetX_B and C draw
    one shared ``b`` and ``g`` (the paper does not say how Fig. 7's constant variants were sampled;
    conditioning i.i.d. draws on equality would weight each value by ``v^-4``).
    """
    if order == "any":
        return _log_uniform_int(rng, lo, hi, (m, length), step=step)
    if order == "equal":
        return np.repeat(_log_uniform_int(rng, lo, hi, (m, 1), step=step), length, axis=1)
    rows = _ordered_log_uniform_int(rng, lo, hi, m, length, step=step)
    return rows if order == "increasing" else rows[:, ::-1].copy()


def _in_order(v: np.ndarray, order: str) -> np.ndarray:
    """Which rows of ``v`` (shape ``(m, stages)``) follow ``order``."""
    if order == "any":
        return np.ones(v.shape[0], dtype=bool)
    diff = np.diff(v, axis=1)
    if order == "increasing":
        return np.all(diff >= 0, axis=1)
    if order == "equal":
        return np.all(diff == 0, axis=1)
    return np.all(diff <= 0, axis=1)


def _order_count(k: int, order: str, length: int = NUM_STAGES) -> int:
    """Number of sequences of ``length`` values out of ``k`` that follow ``order``: ``k^length``,
    ``C(k + length - 1, length)`` (multisets, for either monotone order) or ``k`` (all equal)."""
    if order == "any":
        return k ** length
    if order == "equal":
        return k
    return math.comb(k + length - 1, length)


def _anynet_flops(d: np.ndarray, w: np.ndarray, b: np.ndarray, g: np.ndarray, reg: Regime,
                  block_type: str = "X", se_ratio: float = 0.0) -> np.ndarray:
    """flops of many networks at once: :func:`regnet_lab.counting.complexity`'s own per-layer
    functions, applied to arrays (one network per row).

    Arrays are ``(m, stages)``: depths, compatible widths, bottleneck ratios and group widths.
    """
    stem, h = stem_cost(reg.in_channels, reg.stem_width, reg.stem_stride, reg.resolution)
    total = np.full(d.shape[0], stem.flops, dtype=np.int64)
    w_in = np.full(d.shape[0], reg.stem_width, dtype=np.int64)
    for i in range(d.shape[1]):
        wi = w[:, i]
        first, h_out = block_cost(block_type, 0.0, w_in, wi, 2, b[:, i], g[:, i], h)
        rest, _ = block_cost(block_type, 0.0, wi, wi, 1, b[:, i], g[:, i], h_out)
        total += first.flops + (d[:, i] - 1) * rest.flops
        if se_ratio > 0:  # Y blocks: SE's two 1x1 convs with bias, counted at 1x1 (as counting.py)
            w_b = bottleneck_width(wi, b[:, i])
            for w_blk, times in ((w_in, 1), (wi, d[:, i] - 1)):
                w_se = np.round(se_ratio * w_blk).astype(np.int64)  # se_width, half to even
                total += times * (2 * w_b * w_se + w_se + w_b)
        w_in, h = wi, h_out
    return total + head_cost(w_in, reg.num_classes).flops


def _flops_where(ok: np.ndarray, d: np.ndarray, w: np.ndarray, b: np.ndarray, g: np.ndarray,
                 reg: Regime, block_type: str = "X", se_ratio: float = 0.0) -> np.ndarray:
    """:func:`_anynet_flops` of the rows where ``ok`` holds, 0 elsewhere (rejected proposals
    are never counted: most RegNet proposals break the stage rule)."""
    fl = np.zeros(d.shape[0], dtype=np.int64)
    if ok.any():
        fl[ok] = _anynet_flops(d[ok], w[ok], b[ok], g[ok], reg, block_type, se_ratio)
    return fl


@dataclass(frozen=True)
class SampleReport:
    """What :meth:`DesignSpace.sample_report` did to draw its samples.

    Attributes:
        samples: the descriptions (as :meth:`DesignSpace.sample` returns them).
        proposals: raw draws generated.
        valid: draws that obeyed the space's rules after compatibility rounding.
        in_band: valid draws whose flops were in the band (``valid`` when there is no band).
        flops_seen: smallest and largest flops among the valid draws.
        band: the band used, or ``None``.
        seconds: wall-clock time.
    """

    samples: list
    proposals: int
    valid: int
    in_band: int
    flops_seen: tuple[int, int]
    band: Optional[Band]
    seconds: float

    @property
    def acceptance(self) -> float:
        """Fraction of proposals kept (valid and in the band)."""
        return self.in_band / self.proposals if self.proposals else 0.0


# ================================================================================== spaces


class DesignSpace:
    """A design space: a set of network descriptions with a sampling distribution.

    Subclasses: :class:`AnyNetXSpace` (AnyNetX_A-E) and :class:`RegNetSpace` (RegNet, RegNetX).
    Get one with :func:`design_space`.
    """

    name: str = ""
    rules: tuple[str, ...] = ()
    _batch_schedule: tuple[int, ...] = (4096, 8192, 16384, 32768, 65536)

    # ---------------------------------------------------------------- to implement
    def _propose(self, rng: np.random.Generator, m: int, reg: Regime) -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray]:
        """``m`` raw draws -> (arrays describing the compatible networks, valid mask, flops)."""
        raise NotImplementedError

    def _make(self, arrays: dict[str, np.ndarray], i: int, reg: Regime) -> Description:
        raise NotImplementedError

    def _check(self, desc: Description, reg: Regime) -> Optional[str]:
        """``None`` if ``desc`` is in the space under ``reg``'s bounds, else the broken rule."""
        raise NotImplementedError

    def _same_network(self, desc: Description, arrays: dict[str, np.ndarray], i: int) -> bool:
        """Whether ``desc`` has the stages (depths, widths, group widths) of row ``i``."""
        return (desc.depths == tuple(arrays["d"][i].tolist())
                and desc.widths == tuple(arrays["w"][i].tolist())
                and desc.group_widths == tuple(arrays["g"][i].tolist()))

    def size(self, regime: Union[str, Regime] = "paper") -> int:  # pragma: no cover - abstract
        """The exact number of configurations of the space under ``regime``'s bounds (an int)."""
        raise NotImplementedError

    def paper_size(self) -> Optional[float]:  # pragma: no cover - abstract
        """The size printed in the paper's Table 1 (``None`` where the paper gives none)."""
        raise NotImplementedError

    def size_explanation(self, regime: Union[str, Regime] = "paper") -> str:  # pragma: no cover
        """How :meth:`DesignSpace.size` is counted and why it differs from the paper's figure."""
        raise NotImplementedError

    # ---------------------------------------------------------------- sampling
    def sample(self, n: int, seed: int = 0, flops: Any = None, regime: Union[str, Regime] = "paper",
               *, max_proposals: Optional[int] = None) -> list:
        """Draw ``n`` descriptions from the space (reproducibly; see the module docstring).

        Args:
            n: number of models (>= 1).
            seed: seed of ``numpy.random.default_rng``; the same seed gives the same samples on
                any machine, and a smaller ``n`` gives a prefix of a larger one.
            flops: ``None`` (no band), ``"default"``/``True`` (the regime's band) or
                ``(low, high)`` in multiply-adds at the regime's resolution (``rl.complexity``'s
                convention): only models with ``low <= flops <= high`` are kept (Section 3.1:
                populations are compared at matched compute).
            regime: a :class:`Regime` or its name (``"paper"``, ``"fashion-mnist"``,
                ``"cifar-10"``); sets the bounds, the resolution flops are counted at, and the
                stem/channels/classes copied into every sample.
            max_proposals: give up (ValueError) after this many raw draws (default
                ``max(10**6, 2000 * n)``; about a second per 10**6 for AnyNetX, 2.5 for RegNet).

        Returns:
            ``n`` :class:`~regnet_lab.configs.AnyNetConfig` (AnyNetX spaces) or
            :class:`~regnet_lab.configs.RegNetConfig` (RegNet spaces); every one obeys the
            space's rules after compatibility rounding and builds with :func:`regnet_lab.build`.

        Raises:
            ValueError: bad ``n``, ``seed``, ``flops`` or ``regime``, or a band that cannot be
                filled within ``max_proposals`` draws (the message gives the flops range seen).
        """
        return self.sample_report(n, seed=seed, flops=flops, regime=regime,
                                  max_proposals=max_proposals).samples

    def sample_report(self, n: int, seed: int = 0, flops: Any = None,
                      regime: Union[str, Regime] = "paper", *,
                      max_proposals: Optional[int] = None) -> SampleReport:
        """Like :meth:`sample`, but also reports proposals, acceptance and flops seen."""
        t0 = time.perf_counter()
        n = _check_n(n)
        seed = _check_seed(seed)
        reg = _lookup_regime(regime)
        band = _resolve_band(flops, reg)
        if max_proposals is None:
            limit = max(1_000_000, 2_000 * n)
        elif isinstance(max_proposals, bool) or not isinstance(max_proposals, Integral) or max_proposals < 1:
            raise ValueError(f"max_proposals must be a positive integer, got {max_proposals!r}")
        else:
            limit = int(max_proposals)
        if band is not None:
            self._check_band_reachable(band, reg)
        rng = np.random.default_rng(seed)
        out: list = []
        proposals = valid = in_band = 0
        fmin, fmax = None, None
        batch_no = 0
        while len(out) < n:
            if proposals >= limit:
                seen = ("no valid model was drawn" if fmin is None else
                        f"the {valid} valid models drawn had {fmin / 1e6:.3f}-{fmax / 1e6:.3f} MF")
                where = ("" if band is None else
                         f" with flops in [{band[0] / 1e6:.3f}, {band[1] / 1e6:.3f}] MF")
                raise ValueError(
                    f"{self.name}: found only {len(out)} of {n} models{where} after {proposals} "
                    f"proposals ({seen}; regime {reg.name!r}); widen the band or pass a larger "
                    "max_proposals")
            m = self._batch_schedule[min(batch_no, len(self._batch_schedule) - 1)]
            batch_no += 1
            arrays, ok, fl = self._propose(rng, m, reg)
            proposals += m
            nvalid = int(ok.sum())
            valid += nvalid
            if nvalid:
                fv = fl[ok]
                lo_, hi_ = int(fv.min()), int(fv.max())
                fmin = lo_ if fmin is None else min(fmin, lo_)
                fmax = hi_ if fmax is None else max(fmax, hi_)
            keep = ok if band is None else ok & (fl >= band[0]) & (fl <= band[1])
            idx = np.flatnonzero(keep)
            in_band += len(idx)
            for i in idx:
                desc = self._make(arrays, int(i), reg)
                # The scalar code has the last word: the description object (validated by its
                # class) must obey the space's rules and be the network whose flops were counted.
                if self._check(desc, reg) is not None or not self._same_network(desc, arrays, int(i)):
                    continue
                out.append(desc)
                if len(out) == n:
                    break
        return SampleReport(out, proposals, valid, in_band, (fmin or 0, fmax or 0), band,
                            time.perf_counter() - t0)

    def _check_band_reachable(self, band: Band, reg: Regime) -> None:
        """Raise at once for a band outside the space's possible flops, when those are known."""
        bounds = self.flops_bounds(reg)
        if bounds is None:
            return
        lo, hi = bounds
        if band[1] < lo or (hi is not None and band[0] > hi):
            raise ValueError(
                f"{self.name}: no model can have flops in [{band[0] / 1e6:.3f}, {band[1] / 1e6:.3f}] MF "
                f"in regime {reg.name!r}: the space's models have "
                + (f"{lo / 1e6:.3f}-{hi / 1e6:.3f} MF" if hi is not None else f"at least {lo / 1e6:.3f} MF"))

    def flops_bounds(self, regime: Union[str, Regime] = "paper") -> Optional[tuple[int, Optional[int]]]:
        """Smallest and largest flops of the space's models (``None`` where not known)."""
        return None

    # ---------------------------------------------------------------- membership
    def contains(self, description: Any, regime: Union[str, Regime] = "paper") -> bool:
        """Whether ``description`` belongs to this space under ``regime``'s bounds.

        Only the body is tested (stages, blocks, bounds, shared/ordered parameters, X blocks);
        the stem, input channels and classes are not part of the design space.
        """
        return self.why_not(description, regime) is None

    def why_not(self, description: Any, regime: Union[str, Regime] = "paper") -> Optional[str]:
        """``None`` if ``description`` is in the space, else the first rule it breaks (a sentence)."""
        reg = _lookup_regime(regime)
        if not isinstance(description, (AnyNetConfig, RegNetConfig)):
            raise ValueError("contains() takes an AnyNetConfig or a RegNetConfig, got "
                             f"{type(description).__name__}")
        return self._check(description, reg)

    def __repr__(self) -> str:
        return f"<design space {self.name}: {'; '.join(self.rules)}>"

    def describe(self) -> str:
        """The space's rules, one per line."""
        return f"{self.name}\n" + "\n".join(f"  - {r}" for r in self.rules)


def _order_violation(values: tuple, order: str, what: str) -> Optional[str]:
    """Why the per-stage ``values`` break ``order`` (see :data:`STAGE_ORDERS`), or None."""
    if order == "any":
        return None
    pairs = zip(values, values[1:])
    if order == "increasing":
        broken = any(a > b for a, b in pairs)
    elif order == "equal":
        broken = any(a != b for a, b in pairs)
    else:
        broken = any(a < b for a, b in pairs)
    if not broken:
        return None
    return {"increasing": f"{what} {values} decrease", "equal": f"{what} {values} are not all equal",
            "decreasing": f"{what} {values} increase"}[order]


def _anynet_rule_violation(c: AnyNetConfig, reg: Regime, shared_b: bool, shared_g: bool,
                           width_order: str, depth_order: str, stages: int = NUM_STAGES,
                           block_type: str = "X") -> Optional[str]:
    if c.num_stages != stages:
        return f"has {c.num_stages} stages, the space has {stages}"
    if any(s != 2 for s in c.strides):
        return f"stage strides {c.strides} are not all 2"
    if c.se_ratio != 0:
        return f"uses SE (Y blocks); the space uses {block_type} blocks"
    if c.block_type != block_type:
        return f"has {c.block_type} blocks; the space uses {block_type} blocks"
    for i, (d, w, b, g) in enumerate(zip(c.depths, c.widths, c.bottleneck_ratios, c.group_widths), 1):
        if not 1 <= d <= reg.max_depth:
            return f"d{i} = {d} is outside 1..{reg.max_depth}"
        if not WIDTH_QUANTUM <= w <= reg.max_width or w % WIDTH_QUANTUM:
            return f"w{i} = {w} is not a multiple of {WIDTH_QUANTUM} in {WIDTH_QUANTUM}..{reg.max_width}"
        if b not in BOTTLENECK_RATIOS:
            return f"b{i} = {b} is not in {BOTTLENECK_RATIOS}"
        if g not in GROUP_WIDTHS:
            return f"g{i} = {g} is not in {GROUP_WIDTHS}"
    if shared_b and len(set(c.bottleneck_ratios)) > 1:
        return f"bottleneck ratios {c.bottleneck_ratios} are not shared"
    if shared_g and len(set(c.group_widths)) > 1:
        return f"group widths {c.group_widths} are not shared"
    return (_order_violation(c.widths, width_order, "widths")
            or _order_violation(c.depths, depth_order, "depths"))


# name: (figure printed in Table 1, the formula behind it, its value; "/" is an integer division)
_PAPER_ANYNET = {
    "AnyNetX_A": (1.8e18, "(16*128*3*6)^4", (16 * 128 * 3 * 6) ** 4),
    "AnyNetX_B": (6.8e16, "(16*128*6)^4 * 3", (16 * 128 * 6) ** 4 * 3),
    "AnyNetX_C": (3.2e14, "(16*128)^4 * 3 * 6", (16 * 128) ** 4 * 3 * 6),
    "AnyNetX_D": (1.3e13, "(16*128)^4 * 3 * 6 / 4!", (16 * 128) ** 4 * 3 * 6 // 24),
    "AnyNetX_E": (5.5e11, "(16*128)^4 * 3 * 6 / (4!)^2", (16 * 128) ** 4 * 3 * 6 // 24 ** 2),
}


class AnyNetXSpace(DesignSpace):
    """AnyNetX_A ... AnyNetX_E (Section 3.2 of the paper).

    Four stages of X blocks; stage ``i`` has depth ``d_i`` in ``1..max_depth``, width ``w_i`` a
    multiple of 8 in ``8..max_width``, bottleneck ratio ``b_i`` in ``{1, 2, 4}`` and group width
    ``g_i`` in ``{1, 2, 4, 8, 16, 32}`` (AnyNetX_A); B shares ``b``, C also shares ``g``, D also
    requires ``w_{i+1} >= w_i``, E also ``d_{i+1} >= d_i``.

    Sampling: ``d_i`` and ``w_i`` log-uniform (``P(v) ~ 1/v``) on their grids, ``b`` and ``g``
    uniform on their sets, each stage independently unless shared; then the compatibility rule,
    and rejection of draws whose *compatible* network breaks a rule (a clamped group width that
    leaves the set or breaks sharing, a width that leaves its bounds, an order broken by
    rounding) or, with a band, whose flops are outside it. The ordered quantities of D and E are
    drawn directly as non-decreasing sequences: C's distribution conditioned on the order.
    """

    def __init__(self, name: str, shared_b: bool, shared_g: bool, width_order: str,
                 depth_order: str, rules: Sequence[str], stages: int = NUM_STAGES,
                 block_type: str = "X") -> None:
        for what, order in (("width_order", width_order), ("depth_order", depth_order)):
            if order not in STAGE_ORDERS:
                raise ValueError(f"{what} must be one of {', '.join(STAGE_ORDERS)}, got {order!r}")
        if block_type not in ("V", "R", "VR", "X"):
            raise ValueError(f"block_type must be one of V, R, VR, X (Section 3.4), got {block_type!r}")
        #: stages per network (4; Section 3.4 also tests 5) and the block type (X; Section 3.4
        #: also tests V, R and VR, which have no bottleneck ratio or groups: b = g = 1)
        self.stages = check.positive_int(stages, "stages")
        self.block_type = block_type
        self.name = name
        self.shared_b = shared_b
        self.shared_g = shared_g
        self.width_order = width_order
        self.depth_order = depth_order
        self.rules = tuple(rules)

    @property
    def increasing_widths(self) -> bool:
        """``w_{i+1} >= w_i`` (AnyNetX_D and E)."""
        return self.width_order == "increasing"

    @property
    def increasing_depths(self) -> bool:
        """``d_{i+1} >= d_i`` (AnyNetX_E)."""
        return self.depth_order == "increasing"

    # ---------------------------------------------------------------- sampling
    def _propose(self, rng: np.random.Generator, m: int, reg: Regime):
        S = self.stages
        d = _draw_in_order(rng, 1, reg.max_depth, m, S, self.depth_order)
        w = _draw_in_order(rng, WIDTH_QUANTUM, reg.max_width, m, S, self.width_order, step=WIDTH_QUANTUM)
        if self.block_type not in _BOTTLENECK:  # V, R, VR: no b or g to draw (b = 1, one group)
            ones = np.ones((m, S), dtype=np.int64)
            ok = _in_order(w, self.width_order) & _in_order(d, self.depth_order)
            fl = _flops_where(ok, d, w, ones, w, reg, self.block_type)
            return {"d": d, "w": w, "b": ones, "g": w}, ok, fl
        bs = np.asarray(BOTTLENECK_RATIOS, dtype=np.int64)
        gs = np.asarray(GROUP_WIDTHS, dtype=np.int64)
        b = bs[rng.integers(0, len(bs), (m, 1) if self.shared_b else (m, S))]
        g = gs[rng.integers(0, len(gs), (m, 1) if self.shared_g else (m, S))]
        b = np.broadcast_to(b, (m, S))
        g = np.broadcast_to(g, (m, S))
        w2, g2 = compatible_widths(w, b, g)
        ok = np.all((w2 >= WIDTH_QUANTUM) & (w2 <= reg.max_width) & (w2 % WIDTH_QUANTUM == 0), axis=1)
        ok &= np.all(np.isin(g2, gs), axis=1)
        if self.shared_g:
            ok &= np.all(g2 == g2[:, :1], axis=1)
        ok &= _in_order(w2, self.width_order) & _in_order(d, self.depth_order)
        fl = _flops_where(ok, d, w2, b, g2, reg)
        return {"d": d, "w": w2, "b": b, "g": g2}, ok, fl

    def _make(self, arrays, i, reg):
        bottleneck = self.block_type in _BOTTLENECK
        return AnyNetConfig(
            depths=tuple(int(x) for x in arrays["d"][i]),
            widths=tuple(int(x) for x in arrays["w"][i]),
            bottleneck_ratios=tuple(int(x) for x in arrays["b"][i]) if bottleneck else (),
            group_widths=tuple(int(x) for x in arrays["g"][i]) if bottleneck else (),
            strides=(2,) * self.stages, block_type=self.block_type,
            **reg.overrides(),
        )

    def _check(self, desc, reg):
        c = desc.to_anynet() if isinstance(desc, RegNetConfig) else desc
        return _anynet_rule_violation(c, reg, self.shared_b, self.shared_g, self.width_order,
                                      self.depth_order, self.stages, self.block_type)

    def flops_bounds(self, regime: Union[str, Regime] = "paper") -> tuple[int, int]:
        """Exact smallest and largest flops: all stages ``(1, 8, b=4, g=1)`` and
        ``(max_depth, max_width, b=1, g=32)`` (flops grow with d, w, g and with 1/b)."""
        reg = _lookup_regime(regime)
        S, bt = self.stages, self.block_type
        small_bg = ((4,) * S, (1,) * S) if bt in _BOTTLENECK else ((), ())
        big_bg = ((1,) * S, (32,) * S) if bt in _BOTTLENECK else ((), ())
        small = AnyNetConfig((1,) * S, (8,) * S, *small_bg, strides=(2,) * S, block_type=bt,
                             **reg.overrides())
        big = AnyNetConfig((reg.max_depth,) * S, (reg.max_width,) * S, *big_bg, strides=(2,) * S,
                           block_type=bt, **reg.overrides())
        return (complexity(small, resolution=reg.resolution).flops,
                complexity(big, resolution=reg.resolution).flops)

    # ---------------------------------------------------------------- sizes
    def _factors(self, reg: Regime) -> tuple[int, int, int, int]:
        if self.block_type not in _BOTTLENECK:
            return reg.max_depth, reg.max_width // WIDTH_QUANTUM, 1, 1
        return reg.max_depth, reg.max_width // WIDTH_QUANTUM, len(BOTTLENECK_RATIOS), len(GROUP_WIDTHS)

    def size(self, regime: Union[str, Regime] = "paper") -> int:
        """Exact number of raw configurations ``(d_i, w_i, b_i, g_i)_{i=1..4}`` obeying the rules.

        "Distinct" means distinct tuples of the 16 per-stage numbers (with ``b``/``g`` counted once
        when shared), the way the paper counts Table 1. Ordered sequences are counted exactly: the
        number of non-decreasing sequences of length 4 over ``k`` values is ``C(k + 3, 4)``
        (multisets), not ``k^4 / 4!``. Compatibility rounding is not applied: some tuples round to
        the same network and some are rejected by the sampler (see :meth:`network_count`).
        """
        reg = _lookup_regime(regime)
        D, W, B, G = self._factors(reg)
        S = self.stages
        dpart = _order_count(D, self.depth_order, S)
        wpart = _order_count(W, self.width_order, S)
        bpart = B if self.shared_b else B ** S
        gpart = G if self.shared_g else G ** S
        return dpart * wpart * bpart * gpart

    def paper_size(self) -> Optional[float]:
        """The size printed in the paper's Table 1 (e.g. 1.8e18 for AnyNetX_A); ``None`` for the
        variant spaces of Fig. 7, which Table 1 does not list."""
        return _PAPER_ANYNET[self.name][0] if self.name in _PAPER_ANYNET else None

    def paper_formula(self) -> tuple[str, int]:
        """The paper's counting formula and its value (``//`` for the division by 4!).

        Raises:
            ValueError: for a variant space (Table 1 lists AnyNetX_A-E only).
        """
        if self.name not in _PAPER_ANYNET:
            raise ValueError(f"the paper's Table 1 gives no size for {self.name}; it lists "
                             f"{', '.join(_PAPER_ANYNET)}")
        _, expr, value = _PAPER_ANYNET[self.name]
        return expr, value

    def size_explanation(self, regime: Union[str, Regime] = "paper") -> str:
        """Why :meth:`size` and :meth:`paper_size` differ (or agree)."""
        reg = _lookup_regime(regime)
        D, W, B, G = self._factors(reg)
        exact = self.size(reg)
        lines = [f"{self.name} ({reg.name} regime: d_i <= {D}, {W} widths, {B} b, {G} g): "
                 f"exact size {exact} ~ {exact:.3g}."]
        if self.paper_size() is None:
            lines.append(f"The paper prints no size for this space (Table 1 lists "
                         f"{', '.join(_PAPER_ANYNET)}); widths {self.width_order}, depths "
                         f"{self.depth_order}: {_order_count(W, self.width_order)} width and "
                         f"{_order_count(D, self.depth_order)} depth sequences.")
            return " ".join(lines)
        expr, approx = self.paper_formula()
        if reg.name == "paper":
            lines.append(f"Paper (Table 1): ~{self.paper_size():.2g}, from {expr} = {approx:.4g}.")
        if self.increasing_widths or self.increasing_depths:
            parts = []
            if self.increasing_widths:
                parts.append(f"non-decreasing widths: C({W}+3, 4) = {math.comb(W + 3, 4)} "
                             f"vs {W}^4/4! = {W ** 4 / 24:.1f} (x{math.comb(W + 3, 4) / (W ** 4 / 24):.3f})")
            if self.increasing_depths:
                parts.append(f"non-decreasing depths: C({D}+3, 4) = {math.comb(D + 3, 4)} "
                             f"vs {D}^4/4! = {D ** 4 / 24:.1f} (x{math.comb(D + 3, 4) / (D ** 4 / 24):.3f})")
            lines.append("The paper divides k^4 by 4! for each ordered quantity, which approximates "
                         "the number of sequences of four *different* values, C(k, 4); the exact "
                         "number of non-decreasing sequences, ties included, is C(k+3, 4): "
                         + "; ".join(parts) + ".")
        else:
            lines.append("No ordering constraint: the paper's product formula is exact.")
        return " ".join(lines)

    def network_count(self, regime: Union[str, Regime] = "paper") -> int:
        """Exact number of distinct *networks*: configurations already compatible and obeying the
        rules, i.e. the fixed points of the compatibility rule (``g_i`` divides ``w_i / b_i``).

        Every sample is one of these. Counted per shared ``(b, g)`` (or per stage) with exact
        multiset counts for the ordered quantities.
        """
        reg = _lookup_regime(regime)
        D = reg.max_depth
        S = self.stages
        widths = range(WIDTH_QUANTUM, reg.max_width + 1, WIDTH_QUANTUM)

        def ok(w: int, b: int, g: int) -> bool:
            inner = w // b
            return w % b == 0 and g <= inner and inner % g == 0

        dpart = _order_count(D, self.depth_order, S)
        if self.block_type not in _BOTTLENECK:  # no b or g: every width is a network
            return dpart * _order_count(len(widths), self.width_order, S)
        if not self.shared_b or not self.shared_g:
            # Per stage (w, b, g) triples; b and/or g free per stage (A, B).
            if not self.shared_b:  # A: everything per stage
                per = sum(ok(w, b, g) for w in widths for b in BOTTLENECK_RATIOS for g in GROUP_WIDTHS)
                return dpart * per ** S
            total = 0  # B: shared b, g per stage
            for b in BOTTLENECK_RATIOS:
                per = sum(ok(w, b, g) for w in widths for g in GROUP_WIDTHS)
                total += per ** S
            return dpart * total
        total = 0
        for b in BOTTLENECK_RATIOS:
            for g in GROUP_WIDTHS:
                k = sum(ok(w, b, g) for w in widths)
                total += _order_count(k, self.width_order, S)
        return dpart * total


class RegNetSpace(DesignSpace):
    """The paper's six-parameter RegNetX (Section 3.3) and this library's refinement of it.

    A network is six numbers ``d, w0, wa, wm, b, g`` expanded by the quantized linear rule
    (eqs. 2-4, :func:`~regnet_lab.quantization.quantize_widths`) and the compatibility rule, as a
    :class:`~regnet_lab.configs.RegNetConfig`. Rules (paper regime):

    * ``RegNetX_6param``: ``1 <= d <= 63`` (``d < 64``), ``w0`` a multiple of 8 in ``8..248``
      (``w0 < 256``), ``0 < wa < 256``, ``1.5 <= wm <= 3``, ``b in {1, 2, 4}``,
      ``g in {1, 2, 4, 8, 16, 32}`` ("b and g as in AnyNetX_E"); exactly four stages *by the
      paper's rule*: stage ``i`` is the blocks whose rounded exponent (eq. 3) is ``i``, so the
      exponents must be ``0, 1, 2, 3``, each present, with four distinct widths ("when only
      considering four stage networks, we ignore the parameter combinations that give rise to a
      different number of stages"; pycls's sweep checks the same). A tuple whose exponents skip a
      value (e.g. ``0, 2, 2, 3, 3, 4``) is not in the space even if it has four distinct widths.
      And one group width shared by all stages *after* compatibility rounding (a group width
      clamped in a narrow stage breaks sharing, as in AnyNetX_C-E).
    * ``RegNetX_refined``: additionally ``b = 1``, ``wm >= 2`` (Section 4's "RegNetX
      constrained" has both) and ``12 <= d <= 28`` (Section 5's depth window). Section 4's limits
      on parameters and activations are not applied.

    Membership also checks the block type, the SE ratio and the activation (a SiLU network is
    not in the ReLU space; before the Appendix B variant existed, the activation was not tested).

    Small-image regimes use the ranges of :class:`Regime` (``d <= 16``, ``w0, wa <= 64``,
    refined ``4 <= d <= 8``).

    The variants of Section 4 and Appendix B are the six-parameter space with one option
    changed (the keyword arguments; left out, the space is exactly the one above, sample for
    sample). Details the paper, as recorded for this project, leaves open are THIS LIBRARY'S
    ASSUMPTIONS, marked (A):

    * ``RegNetX_6param_inverted`` (Fig. 14): ``b in {1/8, 1/4, 1/2, 1}``, the powers of two in the
      paper's ``1/8 <= b <= 1`` (A; the base set ``{1, 2, 4}`` is powers of two too).
    * ``RegNetX_6param_depthwise`` (Fig. 14): ``g = 1``, ``b`` still in ``{1, 2, 4}`` (A: the
      paper may have combined it with the inverted bottleneck).
    * ``RegNetY_6param`` (Fig. 14): Y blocks, the X block with SE of ratio 0.25 of the block's
      input width, the ratio of the zoo's RegNetY models.
    * ``RegNetX_6param_swish`` (Appendix B): SiLU (Swish) instead of ReLU everywhere.
    * ``RegNetX_6param_fixed_depth`` (Appendix B): one depth, ``Regime.regnet_fixed_depth``:
      the paper's ``d = 20`` at 224px, ``d = 6`` in the small regimes (A: 20 is the centre of
      Section 5's window ``12..28``, 6 of our refined window ``4..8``; the best quarter of the
      reference RegNetX_refined population has median depth 6; the plain quarter rule gives 5).
    * ``RegNetX_6param_stages_3`` (Appendix B): exactly 3 stages by the paper's rule (exponents
      0, 1, 2, each present), as ``RegNetX_6param_stages_5`` has 5.
    * ``RegNetX_constrained_no_limits`` (Section 4, Fig. 13): ``b = 1``, ``wm >= 2`` and
      ``d <= 40`` (``Regime.constrained_depth``: ``d <= 10`` in the small regimes, divided by 4
      like every size bound). The paper's limits on parameters and activations are left out (A):
      their values are not recorded for this project, so the space is named for what it lacks.
      It differs from ``RegNetX_refined`` only in its depths (``d <= 10`` against ``4..8``).

    Sampling: exactly pycls's ``regnet_sampler`` for ``d, w0, wa, wm`` (see the module
    docstring), ``b`` and ``g`` uniform on the paper's sets; draws that are not four-stage RegNets
    by the rule above, whose group width gets clamped, or (with a band) whose flops are outside
    the band are redrawn.

    Membership (:meth:`DesignSpace.contains`) of a RegNetConfig uses the continuous ranges
    (``wa = 24.48`` is fine); that of an AnyNetConfig asks whether some parameters *on the
    sampling grid* expand to exactly that network by the paper's rule (a vectorised search,
    about a second).
    """

    _batch_schedule = (2048, 4096, 8192, 16384)

    def __init__(self, name: str, refined: bool, rules: Sequence[str], wm: Optional[float] = None,
                 w0_equals_wa: bool = False, block_type: str = "X", stages: int = NUM_STAGES, *,
                 bottleneck_ratios: Optional[Sequence[float]] = None,
                 group_widths: Optional[Sequence[int]] = None, se_ratio: float = 0.0,
                 activation: str = "relu", depth: Optional[str] = None) -> None:
        if block_type not in ("V", "R", "VR", "X", "Y"):
            raise ValueError(f"block_type must be one of V, R, VR, X (Section 3.4) or Y (Section 4), "
                             f"got {block_type!r}")
        if isinstance(se_ratio, bool) or not isinstance(se_ratio, Real) or not 0 <= se_ratio < 1:
            raise ValueError(f"se_ratio must be a number in [0, 1), got {se_ratio!r}")
        if (block_type == "Y") != (se_ratio > 0):
            raise ValueError(f"se_ratio must be > 0 exactly for Y blocks (X + SE), got se_ratio "
                             f"{se_ratio!r} with block_type {block_type!r}")
        if activation not in ("relu", "silu"):
            raise ValueError(f"activation must be 'relu' or 'silu', got {activation!r}")
        if depth not in (None, "fixed", "constrained"):
            raise ValueError(f"depth must be None, 'fixed' or 'constrained', got {depth!r}")
        for what, vals in (("bottleneck_ratios", bottleneck_ratios), ("group_widths", group_widths)):
            if vals is not None and (not len(vals) or any(
                    isinstance(v, bool) or not isinstance(v, Real) or not v > 0 for v in vals)):
                raise ValueError(f"{what} must be a non-empty sequence of positive numbers, got {vals!r}")
        if bottleneck_ratios is not None and any(
                v < 1 and not float(1 / v).is_integer() for v in bottleneck_ratios):
            raise ValueError("an inverted bottleneck ratio b < 1 must be 1/m for an integer m, got "
                             f"{tuple(bottleneck_ratios)!r}")
        #: the b and g choices when they are not the paper's sets (Fig. 14's inverted bottleneck
        #: ``1/8 <= b <= 1`` and depthwise ``g = 1``); ``None`` keeps ``{1, 2, 4}`` (``b = 1`` when
        #: refined) and ``{1, 2, 4, 8, 16, 32}``
        self.bottleneck_choices = None if bottleneck_ratios is None else tuple(
            int(v) if float(v).is_integer() else float(v) for v in bottleneck_ratios)
        self.group_choices = None if group_widths is None else tuple(int(v) for v in group_widths)
        #: The SE ratio of the blocks, 0 for X blocks or RegNetY's 0.25 (Section 4, Fig. 14).
        self.se_ratio = float(se_ratio)
        #: The activation of every block, ``"relu"`` or ``"silu"`` (Swish, Appendix B).
        self.activation = activation
        #: Where the depth range comes from, ``None`` (the regime's ``regnet_depth``, or
        #: ``regnetx_depth`` when refined), ``"fixed"`` (one depth, the regime's
        #: ``regnet_fixed_depth``; Appendix B) or ``"constrained"`` (``constrained_depth``; Sec. 4)
        self.depth_rule = depth
        #: the block type (X; Section 3.4 also builds RegNets of V, R and VR blocks, which have
        #: no bottleneck ratio or group width)
        self.block_type = block_type
        #: stages per network by the paper's rule (exponents 0 .. stages - 1, each present):
        #: 4, or 5 for Section 3.4's 5-stage test
        self.stages = check.positive_int(stages, "stages")
        self.name = name
        self.refined = refined
        self.rules = tuple(rules)
        #: Fig. 9 (middle) restricts the six-parameter space in two ways, a fixed ``wm`` (the paper
        #: tries ``wm = 2``) and ``w0 = wa`` (then ``u_j = wa (j + 1)``); neither is imposed by
        #: the paper ("to maintain the diversity of models", Section 3.3).
        self.wm_fixed = wm
        self.w0_equals_wa = w0_equals_wa

    # ---------------------------------------------------------------- ranges
    def ranges(self, regime: Union[str, Regime] = "paper") -> dict[str, tuple]:
        """Inclusive ranges of ``d, w0, wa, wm`` and the ``b``, ``g`` choices under ``regime``."""
        reg = _lookup_regime(regime)
        wm = reg.regnetx_wm if self.refined else reg.regnet_wm
        if self.depth_rule == "fixed":
            depth = (reg.regnet_fixed_depth, reg.regnet_fixed_depth)
        elif self.depth_rule == "constrained":
            depth = tuple(reg.constrained_depth)
        else:
            depth = reg.regnetx_depth if self.refined else reg.regnet_depth
        b = (1,) if self.refined else BOTTLENECK_RATIOS
        return {
            "d": depth,
            "w0": reg.regnet_w0,
            "wa": reg.regnet_wa,
            "wm": wm if self.wm_fixed is None else (self.wm_fixed, self.wm_fixed),
            "b": b if self.bottleneck_choices is None else self.bottleneck_choices,
            "g": GROUP_WIDTHS if self.group_choices is None else self.group_choices,
        }

    def _grid(self, reg: Regime) -> dict[str, tuple[int, int]]:
        r = self.ranges(reg)
        return {
            "d": (int(r["d"][0]), int(r["d"][1])),
            "w0": (int(r["w0"][0]), int(r["w0"][1])),  # in units of 1, step 8
            "wa": (int(round(r["wa"][0] * _WA_SCALE)), int(round(r["wa"][1] * _WA_SCALE))),
            "wm": (int(round(r["wm"][0] * _WM_SCALE)), int(round(r["wm"][1] * _WM_SCALE))),
        }

    # ---------------------------------------------------------------- sampling
    def _propose(self, rng: np.random.Generator, m: int, reg: Regime):
        grid = self._grid(reg)
        r = self.ranges(reg)
        # pycls's regnet_sampler: d uniform, w0 / wa / wm log-uniform moved onto grids of 8, 0.1
        # and 0.001 (same draws, same arithmetic); b and g uniform on the paper's sets (below).
        d = _grid_uniform_int(rng, grid["d"][0], grid["d"][1], m)
        w0 = _grid_log_uniform(rng, float(r["w0"][0]), float(r["w0"][1]), float(WIDTH_QUANTUM), m)
        w0 = w0 * WIDTH_QUANTUM
        if self.w0_equals_wa:
            wa_k = (w0 * _WA_SCALE).astype(np.int64)
        else:
            wa_k = _grid_log_uniform(rng, float(r["wa"][0]), float(r["wa"][1]), 1 / _WA_SCALE, m)
        if self.wm_fixed is None:
            wm_k = _grid_log_uniform(rng, float(r["wm"][0]), float(r["wm"][1]), 1 / _WM_SCALE, m)
        else:
            wm_k = np.full(m, int(round(self.wm_fixed * _WM_SCALE)), dtype=np.int64)
        bs = np.asarray(r["b"], dtype=_b_dtype(r["b"]))
        gs = np.asarray(r["g"], dtype=np.int64)
        b = bs[rng.integers(0, len(bs), m)]
        g = gs[rng.integers(0, len(gs), m)]
        wa = wa_k / _WA_SCALE
        wm = wm_k / _WM_SCALE
        S = self.stages
        dep, wid, nst, total = _expand_regnet(d, w0.astype(np.float64), wa, wm, S)
        ok = (nst == S) & (total == S)
        b2 = np.broadcast_to(b[:, None], (m, S))
        g2 = np.broadcast_to(g[:, None], (m, S))
        wid = np.where(ok[:, None], wid, WIDTH_QUANTUM)  # placeholders for rejected rows
        if self.block_type in _BOTTLENECK:
            w2, gc = compatible_widths(wid, b2, g2)
            ok &= np.all(gc == g2, axis=1)
        else:  # V, R, VR: b = 1 and one group per conv (the draws of b and g are not used)
            w2, gc, b2 = wid, wid, np.ones_like(wid)
        fl = _flops_where(ok, dep, w2, b2, gc, reg, self.block_type, self.se_ratio)
        arrays = {"depth": d, "w0": w0, "wa_k": wa_k, "wm_k": wm_k, "b0": b, "g0": g,
                  "d": dep, "w": w2, "g": gc}
        return arrays, ok, fl

    def flops_bounds(self, regime: Union[str, Regime] = "paper") -> tuple[int, None]:
        """A lower bound (every network of four stages of widths >= 8 costs at least as much as
        four single blocks of width 8, ``b = 4``, ``g = 1``); no upper bound is computed."""
        reg = _lookup_regime(regime)
        S = self.stages
        bg = ((4,) * S, (1,) * S) if self.block_type in _BOTTLENECK else ((), ())
        small = AnyNetConfig((1,) * S, (8,) * S, *bg, strides=(2,) * S, block_type=self.block_type,
                             se_ratio=self.se_ratio, **reg.overrides())
        return complexity(small, resolution=reg.resolution).flops, None

    def _make(self, arrays, i, reg):
        b0 = arrays["b0"][i]
        b0 = int(b0) if float(b0).is_integer() else float(b0)  # 1/2, 1/4, 1/8: exact binary floats
        return RegNetConfig(
            depth=int(arrays["depth"][i]), w0=int(arrays["w0"][i]),
            wa=int(arrays["wa_k"][i]) / _WA_SCALE, wm=int(arrays["wm_k"][i]) / _WM_SCALE,
            group_width=int(arrays["g0"][i]) if self.block_type in _BOTTLENECK else None,
            bottleneck_ratio=b0 if self.block_type in _BOTTLENECK else 1,
            se_ratio=self.se_ratio, block_type=self.block_type, activation=self.activation,
            **reg.overrides(),
        )

    def _check(self, desc, reg):
        r = self.ranges(reg)
        if isinstance(desc, RegNetConfig):
            if not r["d"][0] <= desc.depth <= r["d"][1]:
                return f"d = {desc.depth} is outside {r['d'][0]}..{r['d'][1]}"
            if desc.q != WIDTH_QUANTUM:
                return f"q = {desc.q}, the space quantizes widths to multiples of {WIDTH_QUANTUM}"
            if not r["w0"][0] <= desc.w0 <= r["w0"][1] or desc.w0 % WIDTH_QUANTUM:
                return f"w0 = {desc.w0:g} is not a multiple of 8 in {r['w0'][0]}..{r['w0'][1]}"
            if not r["wa"][0] <= desc.wa <= r["wa"][1]:
                return f"wa = {desc.wa:g} is outside [{r['wa'][0]:g}, {r['wa'][1]:g}]"
            if self.wm_fixed is not None and desc.wm != self.wm_fixed:
                return f"wm = {desc.wm:g}, the space fixes wm = {self.wm_fixed:g}"
            if not r["wm"][0] <= desc.wm <= r["wm"][1]:
                return f"wm = {desc.wm:g} is outside [{r['wm'][0]:g}, {r['wm'][1]:g}]"
            if self.w0_equals_wa and desc.wa != desc.w0:
                return f"wa = {desc.wa:g} differs from w0 = {desc.w0:g}; the space has w0 = wa"
            if desc.block_type != self.block_type:
                return f"has {desc.block_type} blocks; the space uses {self.block_type} blocks"
            if self.block_type in _BOTTLENECK:  # V, R, VR blocks have no b or g
                if desc.bottleneck_ratio not in r["b"]:
                    return f"b = {desc.bottleneck_ratio:g} is not in {r['b']}"
                if desc.group_width not in r["g"]:
                    return f"g = {desc.group_width} is not in {r['g']}"
            if desc.se_ratio != self.se_ratio:
                return self._se_violation(desc.se_ratio)
            if desc.activation != self.activation:
                return f"uses {desc.activation} activations; the space uses {self.activation}"
            if desc.num_stages != self.stages:
                return f"expands to {desc.num_stages} stages, not {self.stages}"
            qw = desc.quantized
            if not qw.stages_are_exponents:
                return (f"its rounded exponents {sorted(set(qw.exponents))} give "
                        f"{qw.total_stages} stages by the paper's rule (stage i = the blocks of "
                        f"exponent i) but {qw.num_stages} distinct widths; Section 3.3 keeps only "
                        f"tuples where both are {self.stages}")
            if self.block_type in _BOTTLENECK and any(gw != desc.group_width for gw in desc.group_widths):
                return (f"group width {desc.group_width} is clamped to {desc.group_widths} by a narrow "
                        "stage, so it is not shared")
            return None
        c = desc
        if c.num_stages != self.stages:
            return f"has {c.num_stages} stages, not {self.stages}"
        if c.se_ratio != self.se_ratio:
            return self._se_violation(c.se_ratio)
        if c.activation != self.activation:
            return f"uses {c.activation} activations; the space uses {self.activation}"
        if any(s != 2 for s in c.strides):
            return f"stage strides {c.strides} are not all 2"
        if c.block_type != self.block_type:
            return f"has {c.block_type} blocks; the space uses {self.block_type} blocks"
        if self.block_type in _BOTTLENECK:
            if len(set(c.bottleneck_ratios)) > 1 or c.bottleneck_ratios[0] not in r["b"]:
                return f"bottleneck ratios {c.bottleneck_ratios} are not one shared b in {r['b']}"
            if len(set(c.group_widths)) > 1 or c.group_widths[0] not in r["g"]:
                return f"group widths {c.group_widths} are not one shared g in {r['g']}"
        if not r["d"][0] <= c.depth <= r["d"][1]:
            return f"total depth {c.depth} is outside {r['d'][0]}..{r['d'][1]}"
        if find_regnet_parameters(c, self, reg) is None:
            return "no RegNet parameters on the sampling grid expand to these depths and widths"
        return None

    def _se_violation(self, se_ratio: float) -> str:
        if self.se_ratio == 0:
            return "uses SE (Y blocks); the RegNet design space of Section 3 uses X blocks"
        return (f"has se_ratio {se_ratio:g}; the space uses Y blocks with se_ratio "
                f"{self.se_ratio:g}")

    # ---------------------------------------------------------------- sizes
    def grid_size(self, regime: Union[str, Regime] = "paper") -> int:
        """Number of parameter tuples ``(d, w0, wa, wm, b, g)`` on the sampling grid, before any
        rule: integer ``d``, ``w0`` in steps of 8, ``wa`` in steps of 0.1, ``wm`` in steps of
        0.001 (pycls's steps) and the ``b``/``g`` choices."""
        n = self._grid_counts(_lookup_regime(regime))
        return n["d"] * n["w0"] * n["wa"] * n["wm"] * n["b"] * n["g"]

    def _grid_counts(self, reg: Regime) -> dict[str, int]:
        grid = self._grid(reg)
        r = self.ranges(reg)
        return {"d": grid["d"][1] - grid["d"][0] + 1,
                "w0": (grid["w0"][1] - grid["w0"][0]) // WIDTH_QUANTUM + 1,
                "wa": 1 if self.w0_equals_wa else grid["wa"][1] - grid["wa"][0] + 1,
                "wm": grid["wm"][1] - grid["wm"][0] + 1,
                "b": len(r["b"]), "g": len(r["g"])}

    def size(self, regime: Union[str, Regime] = "paper") -> int:
        """Exact number of grid tuples ``(d, w0, wa, wm, b, g)`` that are in the space.

        A tuple of :meth:`grid_size`'s grid is in the space when it gives exactly four stages by
        the paper's rule (its rounded exponents are ``0, 1, 2, 3``, each present, with four
        distinct widths; Section 3.3) and its group width survives the compatibility rounding in
        every stage. Counted without enumerating the tuples: the stage widths depend on
        ``(w0, wm)`` only, and for fixed ``(w0, wm, wa)`` the valid depths are one interval
        (``d`` must reach the first block of exponent 3 and stop before the first of exponent
        4), so the count is a sum over ``(w0, wm, wa)`` (a few seconds at paper scale, cached).
        It is still an upper bound on distinct *networks*: different tuples can expand to the
        same stages.
        """
        return _regnet_size(self.name, _lookup_regime(regime))

    @property
    def _is_paper_6param(self) -> bool:
        return (not self.refined and self.wm_fixed is None and not self.w0_equals_wa
                and self.bottleneck_choices is None and self.group_choices is None
                and self.se_ratio == 0 and self.activation == "relu" and self.depth_rule is None
                and self.stages == NUM_STAGES and self.block_type == "X")

    def paper_size(self) -> Optional[float]:
        """The size in the paper's Table 1 (3.0e8 for the six-parameter space; none printed for
        the refined one or for Fig. 9's restrictions)."""
        return 3.0e8 if self._is_paper_6param else None

    def paper_formula(self) -> tuple[str, int]:
        """Table 1's own estimate: "by quantizing its continuous parameters", 64 values for each
        of ``d, w0, wa, wm``, times 6 values of ``g`` and 3 of ``b``: ``64**4 * 6 * 3``.

        Raises:
            ValueError: for a space Table 1 does not list.
        """
        if not self._is_paper_6param:
            raise ValueError(f"the paper's Table 1 gives no size for {self.name}; of the RegNet "
                             "spaces it lists the six-parameter one (RegNetX_6param)")
        return "64^4 * 6 * 3", 64 ** 4 * 6 * 3

    def size_explanation(self, regime: Union[str, Regime] = "paper") -> str:
        """How :meth:`size` is counted, next to the paper's figure and how the paper got it."""
        reg = _lookup_regime(regime)
        n = self._grid_counts(reg)
        size = self.size(reg)
        text = (f"{self.name} ({reg.name} regime): the sampling grid has {n['d']} depths x "
                f"{n['w0']} w0 (multiples of 8) x {n['wa']} wa (step 0.1) x {n['wm']} wm "
                f"(step 0.001) x {n['b']} b x {n['g']} g = {self.grid_size(reg):.3g} tuples; "
                f"{size} ~ {size:.3g} of them give exactly {self.stages} stages by the paper's rule "
                f"(exponents 0-{self.stages - 1}, each present) with the group width shared after "
                "compatibility rounding (different tuples can still give the same network).")
        if self.w0_equals_wa:
            text += " (wa is not free here: wa = w0.)"
        if self._is_paper_6param:
            expr, value = self.paper_formula()
            text += (f" Paper (Table 1): ~3.0e8, estimated \"by quantizing its continuous "
                     f"parameters\": {expr} = {value} ~ {value:.2g} (64 values each for d, w0, wa "
                     "and wm, 6 for g, 3 for b). Our count is larger because pycls's grids are "
                     "finer (wa in steps of 0.1, wm in steps of 0.001) than 64 values each.")
        else:
            text += " The paper prints no size for a refined space."
        return text


@lru_cache(maxsize=None)
def _regnet_size(name: str, reg: Regime) -> int:
    """:meth:`RegNetSpace.size` (cached: the count takes a few seconds at paper scale)."""
    sp = design_space(name)
    assert isinstance(sp, RegNetSpace)
    grid = sp._grid(reg)
    r = sp.ranges(reg)
    dlo, dhi = grid["d"]
    w0s = np.arange(grid["w0"][0], grid["w0"][1] + 1, WIDTH_QUANTUM, dtype=np.float64)
    wms = np.arange(grid["wm"][0], grid["wm"][1] + 1) / _WM_SCALE
    was = np.arange(grid["wa"][0], grid["wa"][1] + 1) / _WA_SCALE
    # Stage widths (eq. 4 at exponents 0..3) depend on (w0, wm) only: count the (b, g) pairs that
    # keep g in all four stages after compatibility rounding, where the four widths are distinct.
    W0, WM = np.meshgrid(w0s, wms, indexing="ij")
    W0, WM = W0.ravel(), WM.ravel()
    S = sp.stages
    k = np.arange(S, dtype=np.float64)
    widths = exponent_widths(W0[:, None], WM[:, None], k[None, :], WIDTH_QUANTUM)
    distinct = np.all(np.diff(widths, axis=1) > 0, axis=1)
    good_bg = np.zeros(len(W0), dtype=np.int64)
    for b in r["b"] if sp.block_type in _BOTTLENECK else ():
        for g in r["g"]:
            _, gc = compatible_widths(widths, np.full(widths.shape, b, dtype=_b_dtype((b,))),
                                      np.full_like(widths, g))
            good_bg += np.all(gc == g, axis=1)
    good_bg = good_bg * distinct if sp.block_type in _BOTTLENECK else distinct.astype(np.int64)
    total = 0
    cap = dhi + 1
    rows = np.flatnonzero(good_bg)
    step = max(1, 4_000_000 // len(was))
    for start in range(0, len(rows), step):
        sel = rows[start:start + step]
        wa = W0[sel, None] if sp.w0_equals_wa else was[None, :]
        j = [first_block_of_exponent(kk, W0[sel, None], wa, WM[sel, None], cap)
             for kk in range(1, S + 1)]
        # exponents 1 .. S-1 each start at their own block (none skipped), and d covers the first
        # block of exponent S-1 but none of exponent S (S = 4: j1 < j2 < j3, j3 < d <= j4)
        ok = np.ones(j[0].shape, dtype=bool)
        for a, b in zip(j[:S - 2], j[1:S - 1]):
            ok &= a < b
        nd = np.where(ok, np.maximum(np.minimum(dhi, j[S - 1]) - np.maximum(dlo, j[S - 2] + 1) + 1, 0), 0)
        total += int((nd.sum(axis=1) * good_bg[sel]).sum())
    return total


def _b_dtype(values: Sequence[float]) -> type:
    """int64 for the paper's integer bottleneck ratios, float64 once an inverted ``1/m`` is in."""
    return np.int64 if all(float(v).is_integer() for v in values) else np.float64


def _expand_regnet(d: np.ndarray, w0: np.ndarray, wa: np.ndarray, wm: np.ndarray,
                   stages: int = NUM_STAGES) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Vectorised quantized linear rule (eqs. 2-4, ``q = 8``) for many parameter tuples.

    Works per *exponent* rather than per block: block ``j`` gets exponent ``>= k`` exactly when
    ``u_j = w0 + wa j >= w0 wm^(k - 1/2)`` (eq. 3 rounded), so the first block of exponent ``k`` is
    ``j_k = ceil((w0 wm^(k - 1/2) - w0) / wa)``. An exponent is present when ``j_k < min(d,
    j_{k+1})``; its width is ``round(w0 wm^k / 8) * 8`` (eq. 4, same arithmetic as
    :func:`~regnet_lab.quantization.quantize_widths`), and runs of equal widths form the stages.
    This costs about 20 operations per row instead of ``d``; the thresholds come from
    :func:`~regnet_lab.quantization.first_block_of_exponent`, which settles near-ties with the
    per-block rule itself, and callers still re-check accepted rows with the scalar code.

    Returns ``(depths (m, 4), widths (m, 4), number of stages (m,), total stages (m,))``: the
    number of distinct widths and ``max round(s_j) + 1`` (the paper's stage count, see
    :attr:`~regnet_lab.quantization.QuantizedWidths.total_stages`). A row is a four-stage RegNet
    exactly when both are 4. Depth/width rows are only meaningful there, and for rows whose last
    exponent is below 3 both counts are only upper bounds (< 4).
    """
    m = d.shape[0]
    depths = np.zeros((m, stages), dtype=np.int64)
    widths = np.zeros((m, stages), dtype=np.int64)
    nst = np.zeros(m, dtype=np.int64)
    total = np.zeros(m, dtype=np.int64)
    # The last block's exponent bounds the number of stages (stages <= exponents present <= top + 1):
    # rows that cannot reach 4 stages are skipped, and rows are grouped by how many exponents they
    # need so that the few with many exponents do not widen every row's arrays.
    last = block_exponents(w0, wa, wm, d - 1).astype(np.int64)  # exponents grow with j
    need = last + 1
    hopeful = last >= stages - 1
    nst[~hopeful] = last[~hopeful] + 1
    total[~hopeful] = nst[~hopeful]
    for sel in (hopeful & (need <= 8), hopeful & (need > 8)):
        rows = np.flatnonzero(sel)
        if len(rows):
            dep, wid, ns, tot = _expand_rows(d[rows], w0[rows], wa[rows], wm[rows],
                                             int(need[rows].max()), stages)
            depths[rows], widths[rows], nst[rows], total[rows] = dep, wid, ns, tot
    return depths, widths, nst, total


def _expand_rows(d: np.ndarray, w0: np.ndarray, wa: np.ndarray, wm: np.ndarray,
                 kmax: int, stages: int = NUM_STAGES) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`_expand_regnet` for rows whose exponents are all ``<= kmax``."""
    m = d.shape[0]
    k = np.arange(kmax + 1, dtype=np.float64)  # exponents 0..kmax
    widths_k = exponent_widths(w0[:, None], wm[:, None], k[None, :], WIDTH_QUANTUM)  # eq. (4)
    dcol = d[:, None]
    # first block of each exponent k = 1..kmax; d means "never reached"
    first = np.stack([first_block_of_exponent(int(kk), w0, wa, wm, 1 << 40) for kk in k[1:]], axis=1)
    first = np.minimum(np.maximum(first, 0), dcol)
    starts = np.concatenate([np.zeros((m, 1), dtype=np.int64), first], axis=1)  # j_k, k = 0..kmax
    ends = np.concatenate([first, np.broadcast_to(dcol, (m, 1))], axis=1)  # j_{k+1}, capped at d
    ends = np.minimum(ends, dcol)
    blocks = np.maximum(ends - starts, 0)  # blocks with exponent exactly k
    present = blocks > 0
    masked = np.where(present, widths_k, 0)
    run_max = np.maximum.accumulate(masked, axis=1)
    new_stage = present.copy()
    new_stage[:, 1:] &= widths_k[:, 1:] > run_max[:, :-1]
    nst = new_stage.sum(axis=1)
    # highest exponent present + 1 (the paper's stage count)
    total = kmax + 1 - np.argmax(present[:, ::-1], axis=1)
    stage_id = np.cumsum(new_stage, axis=1) - 1
    depths = np.zeros((m, stages), dtype=np.int64)
    widths = np.zeros((m, stages), dtype=np.int64)
    for s_ in range(stages):
        in_s = present & (stage_id == s_)
        depths[:, s_] = np.where(in_s, blocks, 0).sum(axis=1)
        widths[:, s_] = np.where(in_s, widths_k, 0).max(axis=1)
    return depths, widths, nst, total


def find_regnet_parameters(description: AnyNetConfig, space: Union[str, "RegNetSpace"] = "RegNetX_6param",
                           regime: Union[str, Regime] = "paper") -> Optional[RegNetConfig]:
    """RegNet parameters on ``space``'s sampling grid that expand to exactly ``description``
    by the paper's rule (stage ``i`` = the blocks of rounded exponent ``i``, Section 3.3).

    Exact search: for each candidate ``w0`` (multiples of 8 whose compatible width is the first
    stage's width) every ``(wa, wm)`` grid pair is tested at the first and last block of every
    stage (the quantized widths are non-decreasing along the blocks, so that suffices), and hits
    are confirmed with :class:`~regnet_lab.configs.RegNetConfig`. Returns the first confirmed
    config (smallest ``wm``, then ``wa``), or ``None``.
    """
    if not isinstance(description, (AnyNetConfig, RegNetConfig)):
        raise check.ParameterTypeError(f"description must be an AnyNetConfig, got "
                                       f"{type(description).__name__} {description!r:.60}")
    sp = design_space(space) if isinstance(space, str) else space
    if not isinstance(sp, DesignSpace):
        raise check.ParameterTypeError(f"space must be a RegNet design-space name, got "
                                       f"{type(space).__name__} {space!r}")
    if not isinstance(sp, RegNetSpace):
        raise ValueError(f"{sp.name} is not a RegNet space")
    reg = _lookup_regime(regime)
    c = description
    S, bottleneck = sp.stages, sp.block_type in _BOTTLENECK
    if c.num_stages != S or c.block_type != sp.block_type:
        return None
    if bottleneck and (len(set(c.bottleneck_ratios)) > 1 or len(set(c.group_widths)) > 1):
        return None
    b, g = (c.bottleneck_ratios[0], c.group_widths[0]) if bottleneck else (1, None)
    d = c.depth
    grid = sp._grid(reg)
    r = sp.ranges(reg)
    if not grid["d"][0] <= d <= grid["d"][1] or (bottleneck and (b not in r["b"] or g not in r["g"])):
        return None
    starts = np.cumsum((0,) + c.depths[:-1])
    ends = starts + np.asarray(c.depths) - 1
    cols = np.stack([starts, ends], axis=1).ravel()  # 8 block indices
    wa_k = np.arange(grid["wa"][0], grid["wa"][1] + 1)
    wm_all = np.arange(grid["wm"][0], grid["wm"][1] + 1)
    target = np.asarray(c.widths)
    w0_cands = [w0 for w0 in range(grid["w0"][0], grid["w0"][1] + 1, WIDTH_QUANTUM)
                if (make_compatible([w0], [b], [g]) == ((c.widths[0],), (g,)) if bottleneck
                    else w0 == c.widths[0])]
    for w0 in w0_cands:
        for chunk in np.array_split(wm_all, max(1, len(wm_all) // 64)):
            wa = np.repeat(wa_k / _WA_SCALE, len(chunk))
            wm = np.tile(chunk / _WM_SCALE, len(wa_k))
            s = block_exponents(float(w0), wa[:, None], wm[:, None], cols[None, :])  # eqs. 2-3
            w = exponent_widths(float(w0), wm[:, None], s, WIDTH_QUANTUM)  # eq. 4
            w = w.reshape(-1, S, 2)
            # the paper's stage rule: stage i is exactly the blocks of exponent i
            ok = np.all(s.reshape(-1, S, 2) == np.arange(S)[None, :, None], axis=(1, 2))
            ok &= np.all(w[:, :, 0] == w[:, :, 1], axis=1)
            ok &= np.all(w[:, 1:, 0] > w[:, :-1, 1], axis=1)
            pre = w[:, :, 0]
            if bottleneck:
                wc, gc = compatible_widths(pre, np.full(pre.shape, b, dtype=_b_dtype((b,))),
                                           np.full_like(pre, g))
                ok &= np.all(wc == target[None, :], axis=1) & np.all(gc == g, axis=1)
            else:
                ok &= np.all(pre == target[None, :], axis=1)
            for i in np.flatnonzero(ok):
                cand = RegNetConfig(depth=d, w0=w0, wa=float(wa[i]), wm=float(wm[i]), group_width=g,
                                    bottleneck_ratio=b, block_type=sp.block_type,
                                    se_ratio=sp.se_ratio, activation=sp.activation)
                if (cand.depths == c.depths and cand.widths == c.widths
                        and cand.group_widths == c.group_widths and cand.quantized.stages_are_exponents):
                    return cand.replace(stem_width=c.stem_width, stem_stride=c.stem_stride,
                                        in_channels=c.in_channels, num_classes=c.num_classes)
    return None


# ================================================================================== registry

_BOTTLENECK = ("X", "Y")  # the block types with a bottleneck ratio b and group width g

_A_RULES = ("4 stages of X blocks", "d_i <= 16 (max_depth)", "w_i <= 1024 (max_width), multiple of 8",
            "b_i in {1, 2, 4}", "g_i in {1, 2, 4, 8, 16, 32}")

_SHARED = ("shared b", "shared g")
_6PARAM_RULES = ("widths from the quantized linear rule (eqs. 2-4, q = 8)", "d < 64",
                 "w0 < 256, multiple of 8", "0 < wa < 256", "1.5 <= wm <= 3", "b in {1, 2, 4}",
                 "g in {1, 2, 4, 8, 16, 32}",
                 "exactly 4 stages, stage i = the blocks of rounded exponent i",
                 "g shared after compatibility rounding")

_SPACES: dict[str, DesignSpace] = {
    "AnyNetX_A": AnyNetXSpace("AnyNetX_A", False, False, "any", "any", _A_RULES),
    "AnyNetX_B": AnyNetXSpace("AnyNetX_B", True, False, "any", "any", _A_RULES + ("shared b",)),
    "AnyNetX_C": AnyNetXSpace("AnyNetX_C", True, True, "any", "any", _A_RULES + _SHARED),
    "AnyNetX_D": AnyNetXSpace("AnyNetX_D", True, True, "increasing", "any",
                              _A_RULES + _SHARED + ("w_{i+1} >= w_i",)),
    "AnyNetX_E": AnyNetXSpace("AnyNetX_E", True, True, "increasing", "increasing",
                              _A_RULES + _SHARED + ("w_{i+1} >= w_i", "d_{i+1} >= d_i")),
    "RegNetX_6param": RegNetSpace("RegNetX_6param", False, _6PARAM_RULES),
    "RegNetX_refined": RegNetSpace("RegNetX_refined", True, (
        "widths from the quantized linear rule (eqs. 2-4, q = 8)", "12 <= d <= 28",
        "w0 < 256, multiple of 8", "0 < wa < 256", "2 <= wm <= 3", "b = 1", "g in {1, 2, 4, 8, 16, 32}",
        "exactly 4 stages, stage i = the blocks of rounded exponent i",
        "g shared after compatibility rounding")),
}
# Variants the paper trains to justify a rule it keeps or drops (issue 18's experiments); kept
# apart from the seven spaces above so that "every design space" still means the book's path.
_VARIANTS: dict[str, DesignSpace] = {
    # Fig. 7 (left): AnyNetX_C with constant or decreasing widths, against D's increasing ones.
    "AnyNetX_C_equal_widths": AnyNetXSpace("AnyNetX_C_equal_widths", True, True, "equal", "any",
                                           _A_RULES + _SHARED + ("w_{i+1} = w_i",)),
    "AnyNetX_C_decreasing_widths": AnyNetXSpace("AnyNetX_C_decreasing_widths", True, True,
                                                "decreasing", "any",
                                                _A_RULES + _SHARED + ("w_{i+1} <= w_i",)),
    # Fig. 7 (right): AnyNetX_D with constant or decreasing depths, against E's increasing ones.
    "AnyNetX_D_equal_depths": AnyNetXSpace("AnyNetX_D_equal_depths", True, True, "increasing",
                                           "equal", _A_RULES + _SHARED
                                           + ("w_{i+1} >= w_i", "d_{i+1} = d_i")),
    "AnyNetX_D_decreasing_depths": AnyNetXSpace("AnyNetX_D_decreasing_depths", True, True,
                                                "increasing", "decreasing", _A_RULES + _SHARED
                                                + ("w_{i+1} >= w_i", "d_{i+1} <= d_i")),
    # Fig. 9 (middle): the six-parameter space with wm = 2, and with w0 = wa.
    "RegNetX_6param_wm2": RegNetSpace("RegNetX_6param_wm2", False,
                                      _6PARAM_RULES + ("wm = 2",), wm=2.0),
    "RegNetX_6param_w0_eq_wa": RegNetSpace("RegNetX_6param_w0_eq_wa", False,
                                           _6PARAM_RULES + ("w0 = wa",), w0_equals_wa=True),
}
# Sec. 3.4 (Fig. 10): A, E and the six-parameter RegNetX with 5 stages and with other blocks.
for _base in ("AnyNetX_A", "AnyNetX_E"):
    _sp = _SPACES[_base]
    assert isinstance(_sp, AnyNetXSpace)
    _VARIANTS[f"{_base}_stages_5"] = AnyNetXSpace(
        f"{_base}_stages_5", _sp.shared_b, _sp.shared_g, _sp.width_order, _sp.depth_order,
        ("5 stages",) + _sp.rules[1:], stages=5)
    for _bt in ("R", "V"):
        _VARIANTS[f"{_base}_block_{_bt}"] = AnyNetXSpace(
            f"{_base}_block_{_bt}", _sp.shared_b, _sp.shared_g, _sp.width_order, _sp.depth_order,
            (f"4 stages of {_bt} blocks (no b or g)",)
            + tuple(r for r in _sp.rules[1:] if " b" not in r and " g" not in r
                    and not r.startswith(("b_", "g_"))), block_type=_bt)
_VARIANTS["RegNetX_6param_stages_5"] = RegNetSpace(
    "RegNetX_6param_stages_5", False,
    tuple(r.replace("exactly 4 stages", "exactly 5 stages") for r in _6PARAM_RULES), stages=5)
for _bt in ("R", "V"):
    _VARIANTS[f"RegNetX_6param_block_{_bt}"] = RegNetSpace(
        f"RegNetX_6param_block_{_bt}", False,
        tuple(r for r in _6PARAM_RULES if not r.startswith(("b ", "g "))) + (f"{_bt} blocks",),
        block_type=_bt)
# Sec. 4 (Fig. 14) alternate designs, Appendix B, and Sec. 4's constrained space (Fig. 13).
# THIS LIBRARY'S ASSUMPTIONS where the paper (as recorded for this project) leaves a detail open:
# the inverted bottleneck's b are the powers of two in [1/8, 1] (the base set {1, 2, 4} is
# powers of two too); the depthwise space keeps the base b set {1, 2, 4} (g = 1 only); RegNetY
# uses the zoo's se_ratio 0.25; the fixed depth is the regime's ``regnet_fixed_depth`` (20 at
# 224px, 6 in the small regimes); 3 stages follow the paper's stage rule (exponents 0, 1, 2); the
# constrained space leaves out the paper's limits on parameters and activations (see its rules).
_INVERTED_B = (0.125, 0.25, 0.5, 1)
_VARIANTS["RegNetX_6param_inverted"] = RegNetSpace(
    "RegNetX_6param_inverted", False,
    tuple("b in {1/8, 1/4, 1/2, 1} (inverted bottleneck, 1/8 <= b <= 1; powers of two: this "
          "library's assumption)" if r.startswith("b ") else r for r in _6PARAM_RULES),
    bottleneck_ratios=_INVERTED_B)
_VARIANTS["RegNetX_6param_depthwise"] = RegNetSpace(
    "RegNetX_6param_depthwise", False,
    tuple("g = 1 (depthwise 3x3 convolution)" if r.startswith("g ") else r for r in _6PARAM_RULES),
    group_widths=(1,))
_VARIANTS["RegNetY_6param"] = RegNetSpace(
    "RegNetY_6param", False,
    _6PARAM_RULES + ("Y blocks: X + Squeeze-and-Excitation, se_ratio 0.25 (the zoo's RegNetY)",),
    block_type="Y", se_ratio=0.25)
_VARIANTS["RegNetX_6param_swish"] = RegNetSpace(
    "RegNetX_6param_swish", False, _6PARAM_RULES + ("Swish (SiLU) activations instead of ReLU",),
    activation="silu")
_VARIANTS["RegNetX_6param_fixed_depth"] = RegNetSpace(
    "RegNetX_6param_fixed_depth", False,
    tuple("d = 20 at 224px (Appendix B); d = 6 in the small regimes (this library's assumption: "
          "the centre of the refined window 4..8, as 20 is of 12..28)" if r == "d < 64" else r
          for r in _6PARAM_RULES), depth="fixed")
_VARIANTS["RegNetX_6param_stages_3"] = RegNetSpace(
    "RegNetX_6param_stages_3", False,
    tuple(r.replace("exactly 4 stages", "exactly 3 stages") for r in _6PARAM_RULES), stages=3)
_VARIANTS["RegNetX_constrained_no_limits"] = RegNetSpace(
    "RegNetX_constrained_no_limits", True, (
        "widths from the quantized linear rule (eqs. 2-4, q = 8)",
        "d <= 40 at 224px, d <= 10 in the small regimes (divided by 4 like every size bound)",
        "w0 < 256, multiple of 8", "0 < wa < 256", "2 <= wm <= 3", "b = 1",
        "g in {1, 2, 4, 8, 16, 32}",
        "exactly 4 stages, stage i = the blocks of rounded exponent i",
        "g shared after compatibility rounding",
        "NOT applied: Sec. 4's limits on parameters and activations (the paper's values are not "
        "recorded for this project; this library's assumption is to leave them out, hence the name)"),
    depth="constrained")
_ALL_SPACES = {**_SPACES, **_VARIANTS}
# Names used before 0.2, accepted for one more release with a FutureWarning. "RegNet" was the
# paper's six-parameter RegNetX of Section 3.3, "RegNetX" this library's refinement of it.
_OLD_NAMES = {"regnet": "RegNetX_6param", "regnetx": "RegNetX_refined"}
_BY_KEY = {re.sub(r"[^a-z0-9]", "", k.lower()): k for k in _ALL_SPACES}


def design_space_names() -> list[str]:
    """``["AnyNetX_A", ..., "AnyNetX_E", "RegNetX_6param", "RegNetX_refined"]``: the book's path
    from AnyNet to RegNet (the variants of :func:`variant_space_names` are not in it)."""
    return list(_SPACES)


def variant_space_names() -> list[str]:
    """The variant spaces the paper trains to justify its rules: Fig. 7's constant and decreasing
    widths (of AnyNetX_C) and depths (of AnyNetX_D), Fig. 9's RegNetX with ``wm = 2`` or
    ``w0 = wa``, Fig. 10's AnyNetX_A, AnyNetX_E and RegNetX_6param with 5 stages or with R or
    V blocks, Fig. 14's alternate designs of RegNetX_6param (inverted bottleneck, depthwise
    convolution, RegNetY's SE), Appendix B's (Swish, one fixed depth, 3 stages), and Sec. 4's
    constrained space without its parameter and activation limits (Fig. 13).
    :func:`design_space` knows them by name."""
    return list(_VARIANTS)


def design_space(name: Union[str, DesignSpace]) -> DesignSpace:
    """The design space called ``name`` (case-insensitive; ``-``/``_`` ignored).

    >>> design_space("anynetx_e").name
    'AnyNetX_E'

    Raises:
        ValueError: unknown name; the message lists the valid names.
    """
    if isinstance(name, DesignSpace):
        return name
    if isinstance(name, str):
        key = re.sub(r"[^a-z0-9]", "", name.lower())
        if key in _BY_KEY:
            return _ALL_SPACES[_BY_KEY[key]]
        if key in _OLD_NAMES:
            new = _OLD_NAMES[key]
            warnings.warn(f"design space {name!r} is now called {new!r} (the old name works until "
                          "regnet_lab 0.3): 'RegNet' was the paper's six-parameter RegNetX of "
                          "Section 3.3, 'RegNetX' this library's refinement of it",
                          FutureWarning, stacklevel=2)
            return _SPACES[new]
    raise ValueError(f"unknown design space {name!r}; choose one of: {', '.join(_SPACES)} "
                     f"(or a variant: {', '.join(_VARIANTS)})")
