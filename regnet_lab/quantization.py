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

import math
from dataclasses import dataclass
from numbers import Integral, Real
from typing import Sequence

import numpy as np

__all__ = ["QuantizedWidths", "quantize_widths", "make_compatible"]


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
    q = _check_int("q", q, 1)
    depth = _check_int("depth", depth, 1)
    w0 = _check_finite("w0", w0)
    wa = _check_finite("wa", wa)
    wm = _check_finite("wm", wm)
    if w0 <= 0 or w0 % q != 0:
        raise ValueError(f"w0 must be a positive multiple of q={q}, got {w0:g}")
    if wa < 0:
        raise ValueError(f"wa must be >= 0 (widths never shrink along the network), got {wa:g}")
    if wm <= 1:
        raise ValueError(f"wm must be > 1 (each stage is wm times wider than the last), got {wm:g}")
    # Same floating-point operations as the paper's code, so rounding ties break identically.
    u = np.arange(depth) * wa + w0  # eq. (2)
    s = np.round(np.log(u / w0) / np.log(wm))  # eq. (3), rounded
    w = w0 * np.power(wm, s)  # eq. (4)
    w = (np.round(w / q).astype(np.int64) * q).tolist()
    stage_widths, stage_depths = np.unique(np.asarray(w, dtype=np.int64), return_counts=True)
    return QuantizedWidths(
        continuous=tuple(float(x) for x in u),
        exponents=tuple(int(x) for x in s),
        block_widths=tuple(int(x) for x in w),
        stage_widths=tuple(int(x) for x in stage_widths),
        stage_depths=tuple(int(x) for x in stage_depths),
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
    if not (len(widths) == len(bottleneck_ratios) == len(group_widths)):
        raise ValueError("widths, bottleneck_ratios and group_widths must have the same length")
    out_w: list[int] = []
    out_g: list[int] = []
    for w, b, g in zip(widths, bottleneck_ratios, group_widths):
        if not (w > 0 and b > 0 and g > 0):
            raise ValueError(
                f"need width > 0, bottleneck ratio > 0 and group width > 0, got {w}, {b}, {g}"
            )
        if b >= 1:
            inner = int(max(1, w * (1.0 / b)))
            g = int(min(g, inner))
            inner = max(g, int(round(inner / g) * g))
            out_w.append(int(inner * b))
        else:
            m = round(1.0 / b)
            if abs(1.0 / b - m) > 1e-9:
                raise ValueError(f"a bottleneck ratio below 1 must be 1/m for an integer m "
                                 f"(1/2, 1/4, 1/8, ...), got {b}")
            inner = int(max(1, w * m))
            g = int(min(g, inner))
            step = math.lcm(g, m)
            inner = max(step, int(round(inner / step) * step))
            out_w.append(inner // m)
        out_g.append(g)
    return tuple(out_w), tuple(out_g)
