"""The quantized linear width rule of RegNet and the group-width compatibility rule.

Section 3.3 of Radosavovic et al., "Designing Network Design Spaces" (CVPR 2020) turns six numbers
into the per-block widths of a network:

* eq. (2): a linear ramp of continuous widths ``u_j = w0 + wa * j`` for blocks ``0 <= j < d``;
* eq. (3): an exponent ``s_j`` with ``u_j = w0 * wm ** s_j``, rounded to the nearest integer;
* eq. (4): the quantized widths ``w_j = w0 * wm ** round(s_j)``, then rounded to a multiple of ``q``.

Blocks of equal width form a stage. :func:`quantize_widths` is exactly that rule, before any
adjustment for group convolutions; :func:`make_compatible` is the adjustment the paper's code
applies afterwards so that every bottleneck width is a multiple of its group width.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from numbers import Integral, Real
from typing import Sequence

import numpy as np

from . import validation as check

__all__ = ["QuantizedWidths", "quantize_widths", "make_compatible", "block_exponents", "exponent_widths",
           "first_block_of_exponent", "compatible_widths"]


@dataclass(frozen=True)
class QuantizedWidths:
    """The result of the quantized linear rule (eqs. 2-4).

    Attributes:
        continuous: the linear widths ``u_j`` (eq. 2), one float per block.
        exponents: the rounded exponents ``round(s_j)`` (eq. 3), one int per block.
        block_widths: the quantized widths ``w_j`` (eq. 4, multiples of ``q``), one per block.
        stage_widths: the distinct block widths in increasing order, one per stage.
        stage_depths: how many blocks each stage has; they sum to the depth ``d``.
    """

    continuous: tuple[float, ...]
    exponents: tuple[int, ...]
    block_widths: tuple[int, ...]
    stage_widths: tuple[int, ...]
    stage_depths: tuple[int, ...]

    @property
    def num_stages(self) -> int:
        """The number of stages, i.e. of distinct quantized widths."""
        return len(self.stage_widths)

    @property
    def total_stages(self) -> int:
        """``max_j round(s_j) + 1``: the stages a network has when stage ``i`` is the blocks of
        exponent ``i`` (Section 3.3).

        It equals :attr:`num_stages` exactly when the exponents run ``0, 1, ..., k`` without a gap
        and their widths are distinct; the paper keeps only such parameter tuples ("when only
        considering four stage networks, we ignore the parameter combinations that give rise to a
        different number of stages"; pycls's sweep checks ``num_stages == total_stages``).
        """
        return max(self.exponents) + 1

    @property
    def stages_are_exponents(self) -> bool:
        """Whether every stage is exactly the blocks of one exponent ``0..k`` (no exponent skipped,
        no two exponents merged by the rounding to ``q``): the paper's notion of a stage."""
        return self.num_stages == self.total_stages


def _check_finite(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, Real):
        raise ValueError(f"{name} must be a real number, got {value!r}")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return value


def _check_int(name: str, value: object, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (Integral, Real)):
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    if isinstance(value, Real) and not isinstance(value, Integral):
        if not math.isfinite(float(value)) or float(value) != int(value):
            raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    if int(value) < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


# ---------------------------------------------------------------- the rules, on arrays
# Each rule of the paper exists once, here, as a numpy function (a scalar is a 0-d array); the
# scalar API below, the samplers, the e_fit grid search and the size count all call these.


def block_exponents(w0: "np.ndarray | float", wa: "np.ndarray | float", wm: "np.ndarray | float",
                    j: "np.ndarray | int") -> np.ndarray:
    """Eqs. (2)-(3): ``round(s_j)`` for block ``j``, where ``w0 + wa * j = w0 * wm ** s_j``.

    Elementwise with numpy broadcasting; the floating-point operations are the paper's code's
    (pycls ``generate_regnet``), so rounding ties break identically. No argument checks (callers
    validate).
    """
    u = np.asarray(j) * wa + w0  # eq. (2)
    return np.round(np.log(u / w0) / np.log(wm))  # eq. (3), rounded


def exponent_widths(w0: "np.ndarray | float", wm: "np.ndarray | float", s: "np.ndarray | float",
                    q: int = 8) -> np.ndarray:
    """Eq. (4): ``w0 * wm ** s`` rounded to the nearest multiple of ``q`` (int64 array)."""
    return np.round(w0 * np.power(wm, s) / q).astype(np.int64) * q


def first_block_of_exponent(k: int, w0: "np.ndarray | float", wa: "np.ndarray | float",
                            wm: "np.ndarray | float", cap: int) -> np.ndarray:
    """The inverse of eq. (3): index of the first block whose rounded exponent is ``>= k``
    (capped at ``cap``), elementwise with broadcasting.

    Block ``j`` has exponent ``>= k`` when ``w0 + wa j >= w0 wm^(k - 1/2)``, i.e. from
    ``j = ceil(w0 (wm^(k - 1/2) - 1) / wa)`` on. Where that ratio lies within rounding error of
    an integer, :func:`block_exponents` itself decides, so the answer always agrees with the
    per-block rule.
    """
    w0, wa, wm = np.broadcast_arrays(*(np.asarray(x, dtype=np.float64) for x in (w0, wa, wm)))
    with np.errstate(divide="ignore"):
        r = w0 * (np.power(wm, k - 0.5) - 1.0) / wa
    r = np.minimum(r, cap)
    j = np.ceil(r)
    near = np.abs(r - np.round(r)) <= 1e-7 * np.maximum(1.0, r)
    if near.any():
        jr = np.round(r[near])
        at = block_exponents(w0[near], wa[near], wm[near], jr) >= k
        j[near] = np.where(at, jr, jr + 1)
    return np.minimum(j, cap).astype(np.int64)


def compatible_widths(widths: np.ndarray, bottleneck_ratios: np.ndarray, group_widths: np.ndarray
                      ) -> tuple[np.ndarray, np.ndarray]:
    """The compatibility rule (pycls's ``adjust_block_compatibility``) elementwise.

    The bottleneck of a stage is ``w / b`` channels and must be a multiple of its group width:
    ``g`` is clamped to the bottleneck width, the bottleneck is rounded to the nearest multiple
    of ``g`` (ties to even) but not below ``g``, and the width becomes ``bottleneck * b``. For
    an inverted bottleneck ``b = 1/m < 1`` (Section 4, Fig. 14) the bottleneck is rounded to a
    multiple of ``lcm(g, m)`` so that the width ``bottleneck / m`` stays an integer. Returns
    ``(widths, group_widths)`` as int64 arrays. No argument checks (:func:`make_compatible` is
    the checked form; ``b < 1`` must be ``1/m``).
    """
    w = np.asarray(widths)
    b = np.asarray(bottleneck_ratios, dtype=np.float64)
    g0 = np.asarray(group_widths)
    if not w.shape == b.shape == g0.shape:
        w, b, g0 = np.broadcast_arrays(w, b, g0)
    inv = b < 1
    any_inv = bool(inv.any())  # without inverted bottlenecks m = 1 and the lcm is g itself
    m = np.where(inv, np.round(1.0 / np.where(inv, b, 1.0)), 1).astype(np.int64) if any_inv else 1
    # b >= 1: bottleneck floor(w / b); b = 1/m: bottleneck w * m
    inner = np.floor(w * (1.0 / b)).astype(np.int64)
    if any_inv:
        inner = np.where(inv, w * m, inner)
    inner = np.maximum(1, inner)
    g = np.minimum(g0, inner).astype(np.int64)
    step = np.where(inv, np.lcm(g, m), g) if any_inv else g
    inner = np.maximum(step, np.round(inner / step).astype(np.int64) * step)
    width = (inner * b).astype(np.int64)
    if any_inv:
        width = np.where(inv, inner // m, width)
    return width.astype(np.int64), g


def quantize_widths(w0: float, wa: float, wm: float, depth: int, q: int = 8) -> QuantizedWidths:
    """Per-block and per-stage widths from the quantized linear rule (Section 3.3, eqs. 2-4).

    Args:
        w0: initial width ``w_0``; a positive multiple of ``q``.
        wa: slope ``w_a >= 0`` of the linear ramp ``u_j = w0 + wa * j`` (eq. 2).
        wm: width multiplier ``w_m > 1``; widths are ``w0 * wm ** round(s_j)`` (eqs. 3-4).
        depth: number of blocks ``d >= 1``.
        q: quantum; every width is rounded to a multiple of ``q`` (the paper uses 8).

    Returns:
        A :class:`QuantizedWidths` (no group-width adjustment applied; see
        :func:`make_compatible` for that).

    Raises:
        ValueError: a parameter breaks the rule above; the message names it.

    Example:
        >>> qw = quantize_widths(w0=24, wa=36.44, wm=2.49, depth=13)  # RegNetX-200MF
        >>> qw.stage_depths, qw.stage_widths
        ((1, 1, 4, 7), (24, 56, 152, 368))
    """
    q = check.positive_int(q, "q", check.MAX_WIDTH, "widths are multiples of q")
    depth = check.positive_int(depth, "depth", check.MAX_DEPTH, "no network has more blocks")
    w0 = check.finite(w0, "w0", maximum=check.MAX_WIDTH)
    wa = check.finite(wa, "wa", maximum=check.MAX_WIDTH)
    wm = check.finite(wm, "wm", maximum=check.MAX_WIDTH)
    if w0 <= 0 or w0 % q != 0:
        raise ValueError(f"w0 must be a positive multiple of q={q}, got {w0:g}")
    if wa < 0:
        raise ValueError(f"wa must be >= 0 (widths never shrink along the network), got {wa:g}")
    if wm <= 1:
        raise ValueError(f"wm must be > 1 (each stage is wm times wider than the last), got {wm:g}")
    # Same floating-point operations as the paper's code, so rounding ties break identically.
    j = np.arange(depth)
    u = j * wa + w0  # eq. (2)
    s = block_exponents(w0, wa, wm, j)  # eq. (3), rounded
    w = exponent_widths(w0, wm, s, q).tolist()  # eq. (4)
    # widths never decrease along the network (wa >= 0, wm > 1), so the stages are the runs of
    # equal widths, in order (what np.unique would return, without its sort)
    runs = [(width, len(list(blocks))) for width, blocks in itertools.groupby(w)]
    return QuantizedWidths(
        continuous=tuple(u.astype(np.float64).tolist()),
        exponents=tuple(int(x) for x in s.tolist()),
        block_widths=tuple(w),
        stage_widths=tuple(width for width, _ in runs),
        stage_depths=tuple(count for _, count in runs),
    )


def make_compatible(
    widths: Sequence[int], bottleneck_ratios: Sequence[float], group_widths: Sequence[int]
) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Adjust stage widths and group widths so that every group convolution is well formed.

    A stage of width ``w`` with bottleneck ratio ``b`` has a bottleneck of ``w / b`` channels,
    which must be a multiple of its group width ``g``. Following the paper's code (pycls):
    ``g`` is clamped to at most the bottleneck width, the bottleneck width is rounded to the
    nearest multiple of ``g`` (ties to even, as Python's ``round``) and never below ``g``, and the
    stage width becomes ``bottleneck * b``. An inverted bottleneck ``b < 1`` (Section 4, Fig. 14:
    ``1/8 <= b <= 1``) needs an integer ``m = 1 / b``, and the bottleneck is rounded to a multiple
    of ``lcm(g, m)`` instead, so that the width ``bottleneck / m`` stays an integer (pycls's
    ``adjust_block_compatibility``, whose ``bot_mul`` is ``1 / b``).

    Returns:
        ``(widths, group_widths)`` after the adjustment.

    Example:
        >>> make_compatible([24, 64, 152, 392], [1, 1, 1, 1], [16, 16, 16, 16])  # RegNetX-400MF
        ((32, 64, 160, 384), (16, 16, 16, 16))
        >>> make_compatible([20], [0.25], [24])  # inverted: 80 -> multiple of lcm(24, 4) = 72
        ((18,), (24,))
    """
    widths = check.int_sequence(widths, "widths", 1, check.MAX_WIDTH, reason="channels")
    bottleneck_ratios = check.number_sequence(bottleneck_ratios, "bottleneck_ratios", 0,
                                              check.MAX_WIDTH, open_low=True)
    group_widths = check.int_sequence(group_widths, "group_widths", 1, check.MAX_WIDTH,
                                      reason="channels")
    if not (len(widths) == len(bottleneck_ratios) == len(group_widths)):
        raise ValueError("widths, bottleneck_ratios and group_widths must have the same length")
    for b in bottleneck_ratios:
        if b < 1 and abs(1.0 / b - round(1.0 / b)) > 1e-9:
            raise ValueError(f"a bottleneck ratio below 1 must be 1/m for an integer m "
                             f"(1/2, 1/4, 1/8, ...), got {b}")
    if not widths:
        return (), ()
    out_w, out_g = compatible_widths(np.asarray(widths, dtype=np.int64),
                                     np.asarray(bottleneck_ratios, dtype=np.float64),
                                     np.asarray(group_widths, dtype=np.int64))
    return tuple(int(x) for x in out_w), tuple(int(x) for x in out_g)
