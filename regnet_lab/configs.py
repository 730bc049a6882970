"""Network descriptions: what a network *is*, separate from the PyTorch module that runs it.

An :class:`AnyNetConfig` is the AnyNet description of Section 3.1 of Radosavovic et al. (2020):
a stem, a body of stages (stage ``i`` has depth ``d_i``, width ``w_i``, bottleneck ratio ``b_i``
and group width ``g_i``) and a head. A :class:`RegNetConfig` is the six-number RegNet description
of Section 3.3 (``d, w0, wa, wm, b, g``) that expands into an AnyNet description through the
quantized linear rule (:func:`~regnet_lab.quantization.quantize_widths`) and the compatibility
rule (:func:`~regnet_lab.quantization.make_compatible`).

Both are frozen dataclasses, so they can be hashed, compared, stored in sets and written to JSON
(:meth:`AnyNetConfig.to_dict`, :func:`config_from_dict`).
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from functools import cached_property
from numbers import Integral, Real
from typing import Any, Union

from .quantization import QuantizedWidths, make_compatible, quantize_widths

__all__ = ["AnyNetConfig", "RegNetConfig", "Description", "as_anynet", "config_from_dict"]


def _is_int(x: object) -> bool:
    return isinstance(x, Integral) and not isinstance(x, bool)


def _positive_int(name: str, x: object) -> int:
    if not _is_int(x) or int(x) < 1:  # type: ignore[arg-type]
        raise ValueError(f"{name} must be a positive integer, got {x!r}")
    return int(x)  # type: ignore[arg-type]


def _int_tuple(name: str, values: object) -> tuple[int, ...]:
    try:
        items = tuple(values)  # type: ignore[arg-type]
    except TypeError:
        raise ValueError(f"{name} must be a sequence of integers, got {values!r}") from None
    for v in items:
        if not _is_int(v) or int(v) < 1:
            raise ValueError(f"every entry of {name} must be a positive integer, got {items!r}")
    return tuple(int(v) for v in items)


def _float_tuple(name: str, values: object) -> tuple[float, ...]:
    try:
        items = tuple(values)  # type: ignore[arg-type]
    except TypeError:
        raise ValueError(f"{name} must be a sequence of numbers, got {values!r}") from None
    for v in items:
        if isinstance(v, bool) or not isinstance(v, Real) or not math.isfinite(v) or v <= 0:
            raise ValueError(f"every entry of {name} must be a positive number, got {items!r}")
    return tuple(int(v) if float(v).is_integer() else float(v) for v in items)


@dataclass(frozen=True)
class AnyNetConfig:
    """An AnyNet network description (Section 3.1, Fig. 3 of the paper).

    Per-stage sequences (all the same length, one entry per stage):

    Attributes:
        depths: number of blocks ``d_i`` in each stage.
        widths: output channels ``w_i`` of each stage.
        bottleneck_ratios: ``b_i``; a block's inner (bottleneck) width is ``round(w_i / b_i)``.
        group_widths: ``g_i``, channels per group of the 3x3 group convolution; the inner width
            must be a multiple of it (use :func:`~regnet_lab.quantization.make_compatible`).
        strides: stride of each stage's first block (default 2 everywhere, halving resolution).
        se_ratio: Squeeze-and-Excitation ratio; 0 gives X blocks, 0.25 the Y blocks of RegNetY.
        stem_width: output channels of the 3x3 stem convolution (32 in the paper).
        stem_stride: 2 for 224px ImageNet images, 1 for 28/32px images.
        in_channels: image channels (3 for RGB, 1 for Fashion-MNIST).
        num_classes: outputs of the fully connected head.
    """

    depths: tuple[int, ...]
    widths: tuple[int, ...]
    bottleneck_ratios: tuple[float, ...]
    group_widths: tuple[int, ...]
    strides: tuple[int, ...] = field(default=())
    se_ratio: float = 0.0
    stem_width: int = 32
    stem_stride: int = 2
    in_channels: int = 3
    num_classes: int = 1000

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "depths", _int_tuple("depths", self.depths))
        set_(self, "widths", _int_tuple("widths", self.widths))
        set_(self, "bottleneck_ratios", _float_tuple("bottleneck_ratios", self.bottleneck_ratios))
        set_(self, "group_widths", _int_tuple("group_widths", self.group_widths))
        n = len(self.depths)
        if n == 0:
            raise ValueError("a network needs at least one stage: depths is empty")
        strides = self.strides if len(tuple(self.strides)) else (2,) * n
        set_(self, "strides", _int_tuple("strides", strides))
        for name in ("widths", "bottleneck_ratios", "group_widths", "strides"):
            if len(getattr(self, name)) != n:
                raise ValueError(
                    f"{name} has {len(getattr(self, name))} entries but depths has {n}: "
                    "give one value per stage"
                )
        se = self.se_ratio
        if isinstance(se, bool) or not isinstance(se, Real) or not 0 <= se <= 1:
            raise ValueError(f"se_ratio must be in [0, 1] (0 for X blocks, 0.25 for Y), got {se!r}")
        set_(self, "se_ratio", float(se))
        set_(self, "stem_width", _positive_int("stem_width", self.stem_width))
        set_(self, "stem_stride", _positive_int("stem_stride", self.stem_stride))
        set_(self, "in_channels", _positive_int("in_channels", self.in_channels))
        set_(self, "num_classes", _positive_int("num_classes", self.num_classes))
        for i, (w, b, g) in enumerate(zip(self.widths, self.bottleneck_ratios, self.group_widths)):
            inner = int(round(w / b))
            if inner < 1:
                raise ValueError(f"stage {i + 1}: width {w} / bottleneck ratio {b} rounds to 0")
            if g > inner or inner % g != 0:
                raise ValueError(
                    f"stage {i + 1}: bottleneck width round({w}/{b}) = {inner} is not a multiple of "
                    f"group width {g}; fix the widths with regnet_lab.make_compatible(widths, "
                    "bottleneck_ratios, group_widths)"
                )
            if self.se_ratio > 0 and int(round(self.se_ratio * self._stage_input(i))) < 1:
                raise ValueError(f"stage {i + 1}: se_ratio {self.se_ratio} gives an empty SE layer")

    def _stage_input(self, i: int) -> int:
        return self.stem_width if i == 0 else self.widths[i - 1]

    @property
    def num_stages(self) -> int:
        """Number of stages."""
        return len(self.depths)

    @property
    def depth(self) -> int:
        """Total number of blocks, ``sum(depths)``."""
        return sum(self.depths)

    @property
    def bottleneck_widths(self) -> tuple[int, ...]:
        """Inner width ``round(w_i / b_i)`` of each stage's blocks."""
        return tuple(int(round(w / b)) for w, b in zip(self.widths, self.bottleneck_ratios))

    @property
    def groups(self) -> tuple[int, ...]:
        """Number of groups of each stage's 3x3 convolution (inner width / group width)."""
        return tuple(wb // g for wb, g in zip(self.bottleneck_widths, self.group_widths))

    @property
    def block_widths(self) -> tuple[int, ...]:
        """The width of every block in order (the sequence the paper plots in Fig. 8)."""
        return tuple(w for w, d in zip(self.widths, self.depths) for _ in range(d))

    def replace(self, **changes: Any) -> "AnyNetConfig":
        """A copy with some fields changed (validated again)."""
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict; :func:`config_from_dict` turns it back into the same config."""
        d = dataclasses.asdict(self)
        d["type"] = "anynet"
        return {k: list(v) if isinstance(v, tuple) else v for k, v in d.items()}


@dataclass(frozen=True)
class RegNetConfig:
    """A RegNet description: six numbers ``d, w0, wa, wm, b, g`` (Section 3.3).

    The per-stage widths and depths follow from :func:`~regnet_lab.quantization.quantize_widths`
    (eqs. 2-4), then :func:`~regnet_lab.quantization.make_compatible` adjusts them for the group
    width, as in the paper's code. The expanded description is :meth:`to_anynet`; for convenience
    its per-stage fields (``depths``, ``widths``, ...) are also readable here.

    Attributes:
        depth: number of blocks ``d``.
        w0: initial width (positive multiple of ``q``).
        wa: slope of the linear width ramp (>= 0).
        wm: width multiplier between stages (> 1).
        group_width: ``g``, shared by all stages.
        bottleneck_ratio: ``b``, shared by all stages (RegNetX/Y use 1).
        se_ratio: 0 for RegNetX, 0.25 for RegNetY.
        stem_width, stem_stride, in_channels, num_classes: as in :class:`AnyNetConfig`.
        q: width quantum (8 in the paper).
    """

    depth: int
    w0: float
    wa: float
    wm: float
    group_width: int
    bottleneck_ratio: float = 1.0
    se_ratio: float = 0.0
    stem_width: int = 32
    stem_stride: int = 2
    in_channels: int = 3
    num_classes: int = 1000
    q: int = 8

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        for name in ("w0", "wa", "wm", "bottleneck_ratio", "se_ratio"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, Real) or not math.isfinite(v):
                raise ValueError(f"{name} must be a finite number, got {v!r}")
        set_(self, "group_width", _positive_int("group_width", self.group_width))
        if self.bottleneck_ratio < 1:
            raise ValueError(f"bottleneck_ratio must be >= 1, got {self.bottleneck_ratio!r}")
        # Validates d, w0, wa, wm, q (ValueError names the parameter) and expands eagerly so that a
        # RegNetConfig that exists is always buildable.
        self.to_anynet()

    @property
    def d(self) -> int:
        """Alias of :attr:`depth` (the paper's ``d``)."""
        return self.depth

    @property
    def b(self) -> float:
        """Alias of :attr:`bottleneck_ratio` (the paper's ``b``)."""
        return self.bottleneck_ratio

    @property
    def g(self) -> int:
        """Alias of :attr:`group_width` (the paper's ``g``)."""
        return self.group_width

    @cached_property
    def quantized(self) -> QuantizedWidths:
        """The quantized linear rule's output (before the group-width adjustment)."""
        return quantize_widths(self.w0, self.wa, self.wm, self.depth, self.q)

    @cached_property
    def _anynet(self) -> AnyNetConfig:
        qw = self.quantized
        n = qw.num_stages
        bs = (self.bottleneck_ratio,) * n
        widths, gws = make_compatible(qw.stage_widths, bs, (self.group_width,) * n)
        return AnyNetConfig(
            depths=qw.stage_depths,
            widths=widths,
            bottleneck_ratios=bs,
            group_widths=gws,
            strides=(2,) * n,
            se_ratio=self.se_ratio,
            stem_width=self.stem_width,
            stem_stride=self.stem_stride,
            in_channels=self.in_channels,
            num_classes=self.num_classes,
        )

    def to_anynet(self) -> AnyNetConfig:
        """The AnyNet description this RegNet expands to."""
        return self._anynet

    # Per-stage views of the expanded description.
    depths = property(lambda self: self._anynet.depths, doc="Stage depths.")
    widths = property(lambda self: self._anynet.widths, doc="Stage widths (after compatibility).")
    bottleneck_ratios = property(lambda self: self._anynet.bottleneck_ratios, doc="Per stage b.")
    group_widths = property(lambda self: self._anynet.group_widths, doc="Per stage g (clamped).")
    strides = property(lambda self: self._anynet.strides, doc="Per stage stride.")
    num_stages = property(lambda self: self._anynet.num_stages, doc="Number of stages.")
    block_widths = property(lambda self: self._anynet.block_widths, doc="Width of every block.")

    def replace(self, **changes: Any) -> "RegNetConfig":
        """A copy with some fields changed (validated again)."""
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict; :func:`config_from_dict` turns it back into the same config."""
        d = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        d["type"] = "regnet"
        return d


Description = Union[AnyNetConfig, RegNetConfig, str]


def as_anynet(description: Description, **overrides: Any) -> AnyNetConfig:
    """Any description (AnyNet, RegNet or a zoo name) as an :class:`AnyNetConfig`.

    ``overrides`` replace fields first (e.g. ``num_classes=10, stem_stride=1``); for a RegNet they
    may be any RegNet field or any shared field (stem, classes, channels, se_ratio).
    """
    if isinstance(description, str):
        from .zoo import zoo_config

        description = zoo_config(description)
    if isinstance(description, RegNetConfig):
        if overrides:
            description = description.replace(**overrides)
        return description.to_anynet()
    if isinstance(description, AnyNetConfig):
        return description.replace(**overrides) if overrides else description
    raise ValueError(
        "expected an AnyNetConfig, a RegNetConfig or a zoo name such as 'RegNetX-400MF', "
        f"got {type(description).__name__}"
    )


def config_from_dict(d: dict[str, Any]) -> Union[AnyNetConfig, RegNetConfig]:
    """Rebuild a description written by ``to_dict`` (e.g. from a sweep's JSON Lines file)."""
    d = dict(d)
    kind = d.pop("type", "anynet")
    if kind == "regnet":
        return RegNetConfig(**d)
    if kind == "anynet":
        return AnyNetConfig(**d)
    raise ValueError(f"unknown description type {kind!r}: expected 'anynet' or 'regnet'")
