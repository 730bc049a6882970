"""Network descriptions: what a network *is*, separate from the PyTorch module that runs it.

An :class:`AnyNetConfig` is the AnyNet description of Section 3.1 of Radosavovic et al. (2020):
a stem, a body of stages (stage ``i`` has depth ``d_i``, width ``w_i``, bottleneck ratio ``b_i``
and group width ``g_i``) and a head. A :class:`RegNetConfig` is the six-number RegNet description
of Section 3.3 (``d, w0, wa, wm, b, g``) that expands into an AnyNet description through the
quantized linear rule (:func:`~regnet_lab.quantization.quantize_widths`) and the compatibility
rule (:func:`~regnet_lab.quantization.make_compatible`).

Both describe any number of stages (the paper's networks have four; Section 3.4 also tests five,
Appendix B three), any of the block types of Section 3.4 (:data:`BLOCK_TYPES`) and either
activation of Appendix B (:data:`ACTIVATIONS`). They are frozen dataclasses, so they can be
hashed, compared, stored in sets and written to JSON (``to_dict``, :func:`config_from_dict`).
This module needs no PyTorch; :func:`regnet_lab.build` turns a description into a module.
"""

from __future__ import annotations

import numpy as np

import dataclasses
import math
from dataclasses import dataclass, field
from functools import cached_property
from numbers import Integral, Real
from typing import Any, Optional, Union

from . import validation as check
from .quantization import QuantizedWidths, make_compatible, quantize_widths

__all__ = ["AnyNetConfig", "RegNetConfig", "Description", "config_from_dict", "BLOCK_TYPES",
           "ACTIVATIONS", "bottleneck_width", "se_width"]

#: The block types of the paper, by the letters of its Section 3.4 (Fig. 10) and Fig. 4.
#: V, R and X are pycls's ``vanilla_block``, ``res_basic_block`` and ``res_bottleneck_block``;
#: Y is the X block with Squeeze-and-Excitation (Section 4, "RegNetY"). The paper names VR
#: without spelling it out in the text available to this project, and pycls has no VR block;
#: regnet_lab reads it as "vanilla residual": the V block (both convolutions followed by
#: activations) with a residual connection and no activation after the addition. That reading
#: is this library's assumption.
BLOCK_TYPES: dict[str, str] = {
    "V": "vanilla: [3x3 conv, BN, act] x 2, no shortcut",
    "R": "residual basic: act(shortcut + [3x3 conv, BN, act, 3x3 conv, BN])",
    "VR": "vanilla residual: shortcut + [3x3 conv, BN, act] x 2",
    "X": "residual bottleneck with group conv: act(shortcut + [1x1, 3x3 group, 1x1 conv])",
    "Y": "the X block with Squeeze-and-Excitation after the 3x3 group conv",
}
_BOTTLENECK_BLOCKS = ("X", "Y")

#: Activations (Appendix B compares Swish with ReLU); "swish" is accepted for "silu".
ACTIVATIONS: tuple[str, ...] = ("relu", "silu")


def bottleneck_width(width: Any, bottleneck_ratio: Any) -> Any:
    """The inner width ``w_b = round(w / b)`` of an X/Y block (Section 3.1; ``b < 1`` widens).

    Elementwise on numpy arrays (an int for scalars), so the samplers' vectorised flops count
    and the scalar one use this one rule; rounding is half to even, as Python's ``round``.
    """
    if type(width) is int and type(bottleneck_ratio) in (int, float):
        return round(width / bottleneck_ratio)  # the same float64 division and rounding, unboxed
    w_b = np.round(np.asarray(width) / np.asarray(bottleneck_ratio, dtype=np.float64)).astype(np.int64)
    return int(w_b) if w_b.ndim == 0 else w_b


def se_width(w_in: int, se_ratio: float) -> int:
    """The SE hidden width ``round(se_ratio * w_in)``, of the block's *input* width (as pycls)."""
    return int(round(se_ratio * w_in))


def _is_int(x: object) -> bool:
    return type(x) is int or (isinstance(x, Integral) and not isinstance(x, bool))


def _positive_int(name: str, x: object) -> int:
    if not _is_int(x) or int(x) < 1:  # type: ignore[arg-type]
        raise ValueError(f"{name} must be a positive integer, got {x!r}")
    return int(x)  # type: ignore[arg-type]


def _int_tuple(name: str, values: object) -> tuple[int, ...]:
    if type(values) is tuple and all(type(v) is int and v >= 1 for v in values):
        return values  # already a tuple of positive ints (what the samplers pass)
    try:
        items = tuple(values)  # type: ignore[arg-type]
    except TypeError:
        raise ValueError(f"{name} must be a sequence of integers, got {values!r}") from None
    for v in items:
        if not _is_int(v) or int(v) < 1:
            raise ValueError(f"every entry of {name} must be a positive integer, got {items!r}")
    return tuple(int(v) for v in items)


def _float_tuple(name: str, values: object) -> tuple[float, ...]:
    if type(values) is tuple and all(type(v) is int and v >= 1 for v in values):
        return values  # positive ints stay ints, as below
    try:
        items = tuple(values)  # type: ignore[arg-type]
    except TypeError:
        raise ValueError(f"{name} must be a sequence of numbers, got {values!r}") from None
    for v in items:
        if isinstance(v, bool) or not isinstance(v, Real) or not math.isfinite(v) or v <= 0:
            raise ValueError(f"every entry of {name} must be a positive number, got {items!r}")
    return tuple(int(v) if float(v).is_integer() else float(v) for v in items)


def _se_ratio(se: object) -> float:
    if isinstance(se, bool) or not isinstance(se, Real) or not 0 <= se <= 1:
        raise ValueError(f"se_ratio must be in [0, 1] (0 for X blocks, 0.25 for Y), got {se!r}")
    return float(se)


def _block_type(block_type: object, se_ratio: float) -> str:
    """The canonical block type: upper case, and ``"Y"`` for an X block with SE."""
    key = block_type.strip().upper() if isinstance(block_type, str) else block_type
    if key not in BLOCK_TYPES:
        raise ValueError(f"block_type must be one of {', '.join(BLOCK_TYPES)}, got {block_type!r}")
    if key in _BOTTLENECK_BLOCKS:
        if key == "Y" and se_ratio == 0:
            raise ValueError("a Y block needs se_ratio > 0 (the paper's RegNetY uses 0.25)")
        return "Y" if se_ratio > 0 else "X"
    if se_ratio > 0:
        raise ValueError(f"se_ratio must be 0 for {key} blocks: Squeeze-and-Excitation sits "
                         "inside the bottleneck of the X block (that makes the Y block)")
    return key


def _activation(activation: object) -> str:
    key = activation.strip().lower() if isinstance(activation, str) else activation
    key = "silu" if key == "swish" else key
    if key not in ACTIVATIONS:
        raise ValueError(f"activation must be 'relu' or 'silu' (also called 'swish'), "
                         f"got {activation!r}")
    return key


def _keep_family(block_type: str, changes: dict[str, Any]) -> dict[str, Any]:
    """``changes`` for ``replace``: an X/Y description stays X/Y, and ``se_ratio`` decides which."""
    changes = dict(changes)
    default = "X" if block_type in _BOTTLENECK_BLOCKS else block_type
    changes.setdefault("block_type", default)
    return changes


@dataclass(frozen=True)
class AnyNetConfig:
    """An AnyNet network description (Section 3.1, Fig. 3 of the paper).

    Per-stage sequences (all the same length, one entry per stage; any number of stages):

    Attributes:
        depths: number of blocks ``d_i`` in each stage.
        widths: output channels ``w_i`` of each stage.
        bottleneck_ratios: ``b_i``; an X/Y block's inner width is ``round(w_i / b_i)``
            (``b_i < 1``: the inverted bottleneck of Section 4, Fig. 14). Leave it out for V, R
            and VR blocks, which have none (it reads as 1 then).
        group_widths: ``g_i``, channels per group of the 3x3 group convolution; the inner width
            must be a multiple of it (use :func:`~regnet_lab.quantization.make_compatible`).
            Leave it out for V, R and VR blocks (it reads as ``w_i``: one group).
        strides: stride of each stage's first block (default 2 everywhere, halving resolution).
        se_ratio: Squeeze-and-Excitation ratio; 0 gives X blocks, 0.25 the Y blocks of RegNetY.
        stem_width: output channels of the 3x3 stem convolution (32 in the paper).
        stem_stride: 2 for 224px ImageNet images, 1 for 28/32px images.
        in_channels: image channels (3 for RGB, 1 for Fashion-MNIST).
        num_classes: outputs of the fully connected head.
        block_type: one of :data:`BLOCK_TYPES` (``"X"``, or ``"Y"`` when ``se_ratio > 0``).
        activation: ``"relu"`` (the paper's default) or ``"silu"`` (Swish, Appendix B).
    """

    depths: tuple[int, ...]
    widths: tuple[int, ...]
    bottleneck_ratios: tuple[float, ...] = field(default=())
    group_widths: tuple[int, ...] = field(default=())
    strides: tuple[int, ...] = field(default=())
    se_ratio: float = 0.0
    stem_width: int = 32
    stem_stride: int = 2
    in_channels: int = 3
    num_classes: int = 1000
    block_type: str = "X"
    activation: str = "relu"

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "depths", _int_tuple("depths", self.depths))
        set_(self, "widths", _int_tuple("widths", self.widths))
        check.int_sequence(self.depths, "depths", 1, check.MAX_DEPTH, reason="blocks per stage")
        check.int_sequence(self.widths, "widths", 1, check.MAX_WIDTH, reason="channels")
        n = len(self.depths)
        if n == 0:
            raise ValueError("a network needs at least one stage: depths is empty")
        set_(self, "se_ratio", _se_ratio(self.se_ratio))
        set_(self, "block_type", _block_type(self.block_type, self.se_ratio))
        set_(self, "activation", _activation(self.activation))
        bs = _float_tuple("bottleneck_ratios", self.bottleneck_ratios)
        gs = _int_tuple("group_widths", self.group_widths)
        if not self.has_bottleneck:
            plain = ((1,) * len(self.widths), self.widths)
            if (bs, gs) not in [((), ()), plain]:
                raise ValueError(f"{self.block_type} blocks have no bottleneck and no group "
                                 "convolution: leave bottleneck_ratios and group_widths out")
            bs, gs = plain
        set_(self, "bottleneck_ratios", bs)
        set_(self, "group_widths", gs)
        strides = self.strides if len(check.int_sequence(self.strides, "strides", 1)) else (2,) * n
        set_(self, "strides", _int_tuple("strides", strides))
        for name in ("widths", "bottleneck_ratios", "group_widths", "strides"):
            if len(getattr(self, name)) != n:
                raise ValueError(
                    f"{name} has {len(getattr(self, name))} entries but depths has {n}: "
                    "give one value per stage"
                )
        set_(self, "stem_width", _positive_int("stem_width", self.stem_width))
        set_(self, "stem_stride", _positive_int("stem_stride", self.stem_stride))
        set_(self, "in_channels", _positive_int("in_channels", self.in_channels))
        set_(self, "num_classes", _positive_int("num_classes", self.num_classes))
        for i, (w, b, g) in enumerate(zip(self.widths, self.bottleneck_ratios, self.group_widths)):
            inner = bottleneck_width(w, b)
            if inner < 1:
                raise ValueError(f"stage {i + 1}: width {w} / bottleneck ratio {b} rounds to 0")
            if g > inner or inner % g != 0:
                raise ValueError(
                    f"stage {i + 1}: bottleneck width round({w}/{b}) = {inner} is not a multiple of "
                    f"group width {g}; fix the widths with regnet_lab.make_compatible(widths, "
                    "bottleneck_ratios, group_widths)"
                )
            if self.se_ratio > 0 and se_width(self.stage_inputs[i], self.se_ratio) < 1:
                raise ValueError(f"stage {i + 1}: se_ratio {self.se_ratio} gives an empty SE layer")

    @property
    def has_bottleneck(self) -> bool:
        """Whether the blocks are X/Y blocks (1x1, 3x3 group, 1x1 convolutions)."""
        return self.block_type in _BOTTLENECK_BLOCKS

    @property
    def stage_inputs(self) -> tuple[int, ...]:
        """The input width of each stage's first block (the stem width, then ``w_{i-1}``)."""
        return (self.stem_width,) + self.widths[:-1]

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
        return tuple(bottleneck_width(w, b) for w, b in zip(self.widths, self.bottleneck_ratios))

    @property
    def groups(self) -> tuple[int, ...]:
        """Number of groups of each stage's 3x3 convolution (inner width / group width)."""
        return tuple(wb // g for wb, g in zip(self.bottleneck_widths, self.group_widths))

    @property
    def block_widths(self) -> tuple[int, ...]:
        """The width of every block in order (the sequence the paper plots in Fig. 8)."""
        return tuple(w for w, d in zip(self.widths, self.depths) for _ in range(d))

    def replace(self, **changes: Any) -> "AnyNetConfig":
        """A copy with some fields changed (validated again).

        For V, R and VR blocks the (implied) bottleneck ratios and group widths follow the new
        widths unless given.
        """
        changes = _keep_family(self.block_type, changes)
        block = changes["block_type"]
        if (block.strip().upper() if isinstance(block, str) else block) not in _BOTTLENECK_BLOCKS:
            changes.setdefault("bottleneck_ratios", ())
            changes.setdefault("group_widths", ())
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
        group_width: ``g``, shared by all stages; required for X and Y blocks, ``None`` for
            V, R and VR blocks (which have no group convolution).
        bottleneck_ratio: ``b``, shared by all stages (RegNetX/Y use 1; ``b < 1`` with an
            integer ``1 / b`` is the inverted bottleneck of Fig. 14).
        se_ratio: 0 for RegNetX, 0.25 for RegNetY.
        stem_width, stem_stride, in_channels, num_classes: as in :class:`AnyNetConfig`.
        q: width quantum (8 in the paper).
        block_type, activation: as in :class:`AnyNetConfig` (Section 3.4 tests RegNets of
            V, R and VR blocks too).
    """

    depth: int
    w0: float
    wa: float
    wm: float
    group_width: Optional[int] = None
    bottleneck_ratio: float = 1.0
    se_ratio: float = 0.0
    stem_width: int = 32
    stem_stride: int = 2
    in_channels: int = 3
    num_classes: int = 1000
    q: int = 8
    block_type: str = "X"
    activation: str = "relu"

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "depth", check.positive_int(self.depth, "depth", check.MAX_DEPTH,
                                               "no network has more blocks"))
        set_(self, "q", check.positive_int(self.q, "q", check.MAX_WIDTH, "widths are multiples of q"))
        for name in ("w0", "wa", "wm", "bottleneck_ratio", "se_ratio"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, Real) or not math.isfinite(v):
                raise ValueError(f"{name} must be a finite number, got {v!r}")
        set_(self, "block_type", _block_type(self.block_type, _se_ratio(self.se_ratio)))
        set_(self, "activation", _activation(self.activation))
        if self.block_type in _BOTTLENECK_BLOCKS:
            if self.group_width is None:
                raise ValueError("group_width is required for X and Y blocks")
            set_(self, "group_width", _positive_int("group_width", self.group_width))
            if self.bottleneck_ratio <= 0:
                raise ValueError(f"bottleneck_ratio must be > 0, got {self.bottleneck_ratio!r}")
        elif self.group_width is not None or self.bottleneck_ratio != 1:
            raise ValueError(f"{self.block_type} blocks have no bottleneck and no group "
                             "convolution: leave group_width and bottleneck_ratio out")
        # Validates d, w0, wa, wm, q and b (ValueError names the parameter) and expands eagerly
        # so that a RegNetConfig that exists is always buildable.
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
    def g(self) -> Optional[int]:
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
        widths, bs, gws = qw.stage_widths, (), ()
        if self.group_width is not None:
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
            block_type=self.block_type,
            activation=self.activation,
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
        return dataclasses.replace(self, **_keep_family(self.block_type, changes))

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict; :func:`config_from_dict` turns it back into the same config."""
        d = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        d["type"] = "regnet"
        return d


#: A network description object. Functions that also take a zoo name (``"RegNetX-400MF"``)
#: accept ``Union[Description, str]`` and resolve it with :func:`regnet_lab.as_anynet`.
Description = Union[AnyNetConfig, RegNetConfig]


def config_from_dict(d: dict[str, Any]) -> Description:
    """Rebuild a description written by ``to_dict`` (e.g. from a sweep's JSON Lines file).

    Dicts written before a field existed (``block_type``, ``activation``) get its default.
    """
    if not isinstance(d, dict):
        raise check.ParameterTypeError(f"d must be a dict written by to_dict(), got "
                                       f"{type(d).__name__} {d!r:.60}")
    d = dict(d)
    kind = d.pop("type", "anynet")
    if kind == "regnet":
        return RegNetConfig(**d)
    if kind == "anynet":
        return AnyNetConfig(**d)
    raise ValueError(f"unknown description type {kind!r}: expected 'anynet' or 'regnet'")
