"""The building blocks of AnyNet as PyTorch modules (Section 3.1, Figs. 3-4; Section 3.4).

Layers are named as in the paper's code (pycls), so a ``state_dict`` reads like the paper's
figures: ``s2.b1.f.b`` is the 3x3 group convolution of the first block of stage 2.

* :class:`Stem`: ``conv`` (3x3, stride 2 for ImageNet, 1 for small images), ``bn``, ``af``.
* :class:`VBlock`, the vanilla block: ``a``, ``a_bn``, ``a_af``, ``b``, ``b_bn``, ``b_af``
  (two 3x3 convolutions, the first with the block's stride).
* :class:`RBlock`, the residual basic block of ResNet: ``af(shortcut + f(x))`` where ``f`` is
  ``a, a_bn, a_af, b, b_bn``.
* :class:`VRBlock`, the vanilla residual block: ``shortcut + f(x)`` where ``f`` is the whole
  vanilla block (see :data:`~regnet_lab.configs.BLOCK_TYPES` for this reading of "VR").
* :class:`XBlock`, the X block (ResNeXt's bottleneck with group convolution, Fig. 4):
  ``af(shortcut + f(x))`` with ``f`` = ``a`` (1x1 conv to ``round(w / b)``), ``a_bn``, ``a_af``,
  ``b`` (3x3 group conv with the stride), ``b_bn``, ``b_af``, [``se``], ``c`` (1x1 conv),
  ``c_bn``. With ``se_ratio > 0`` it is the Y block of RegNetY.
* The shortcut of R, VR and X blocks is the identity, or ``proj`` (1x1 conv with the stride)
  and ``proj_bn`` when the width or the resolution changes.
* :class:`SqueezeExcitation`: ``avg_pool``, ``fc1`` (1x1 conv with bias to
  ``round(se_ratio * w_in)`` channels), ``af``, ``fc2`` (back), ``gate`` (sigmoid), then
  channel-wise scaling (Hu et al., 2018).
* :class:`Stage`: blocks ``b1 ... bd``; :class:`Head`: ``avg_pool`` and ``fc``.

The activation is ReLU or SiLU (Swish, Appendix B) everywhere; the SE gate is a sigmoid.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Optional

import torch
from torch import Tensor, nn

from .configs import BLOCK_TYPES, _activation, bottleneck_width, se_width

__all__ = ["Stem", "SqueezeExcitation", "VBlock", "RBlock", "VRBlock", "XBlock", "Stage", "Head",
           "activation", "block_class"]


def activation(name: str = "relu") -> nn.Module:
    """The activation layer: ``"relu"`` (in place) or ``"silu"``/``"swish"``."""
    return nn.ReLU(inplace=True) if _activation(name) == "relu" else nn.SiLU()


def _conv(c_in: int, c_out: int, kernel: int, stride: int = 1, groups: int = 1,
          bias: bool = False) -> nn.Conv2d:
    return nn.Conv2d(c_in, c_out, kernel, stride=stride, padding=kernel // 2, groups=groups,
                     bias=bias)


class _Chain(nn.Module):
    """A module that applies its children in order (like pycls's transforms), with names."""

    def forward(self, x: Tensor) -> Tensor:
        for layer in self.children():
            x = layer(x)
        return x


class Stem(_Chain):
    """``conv`` (3x3), ``bn``, ``af``: the AnyNet stem (``stride`` 2 at 224px, 1 at 28/32px)."""

    def __init__(self, in_channels: int, width: int, stride: int = 2, act: str = "relu") -> None:
        super().__init__()
        self.conv = _conv(in_channels, width, 3, stride)
        self.bn = nn.BatchNorm2d(width)
        self.af = activation(act)


class SqueezeExcitation(nn.Module):
    """Squeeze-and-Excitation on ``channels`` channels through ``squeeze`` hidden channels."""

    def __init__(self, channels: int, squeeze: int, act: str = "relu") -> None:
        super().__init__()
        self.avg_pool = nn.AdaptiveAvgPool2d(1)
        self.fc1 = _conv(channels, squeeze, 1, bias=True)
        self.af = activation(act)
        self.fc2 = _conv(squeeze, channels, 1, bias=True)
        self.gate = nn.Sigmoid()

    def forward(self, x: Tensor) -> Tensor:
        return x * self.gate(self.fc2(self.af(self.fc1(self.avg_pool(x)))))


class _Residual(nn.Module):
    """A block ``shortcut(x) + f(x)``, then ``af`` if ``post_act``; ``proj``/``proj_bn`` as the
    shortcut when the shape changes (Section 3.1), the identity otherwise."""

    def __init__(self, w_in: int, w_out: int, stride: int, f: nn.Module,
                 act: Optional[str]) -> None:
        super().__init__()
        self.proj: Optional[nn.Module] = None
        self.proj_bn: Optional[nn.Module] = None
        if w_in != w_out or stride != 1:
            self.proj = _conv(w_in, w_out, 1, stride)
            self.proj_bn = nn.BatchNorm2d(w_out)
        self.f = f
        self.af = activation(act) if act is not None else None

    def forward(self, x: Tensor) -> Tensor:
        shortcut = x if self.proj is None else self.proj_bn(self.proj(x))
        out = shortcut + self.f(x)
        return out if self.af is None else self.af(out)


class _Basic(_Chain):
    """``a`` (3x3, stride), ``a_bn``, ``a_af``, ``b`` (3x3), ``b_bn`` [, ``b_af``]."""

    def __init__(self, w_in: int, w_out: int, stride: int, act: str, last_act: bool) -> None:
        super().__init__()
        self.a = _conv(w_in, w_out, 3, stride)
        self.a_bn = nn.BatchNorm2d(w_out)
        self.a_af = activation(act)
        self.b = _conv(w_out, w_out, 3)
        self.b_bn = nn.BatchNorm2d(w_out)
        if last_act:
            self.b_af = activation(act)


class VBlock(_Basic):
    """The vanilla block V: ``[3x3 conv, BN, act] x 2``, no shortcut (pycls ``vanilla_block``)."""

    def __init__(self, w_in: int, w_out: int, stride: int, act: str = "relu") -> None:
        super().__init__(w_in, w_out, stride, act, last_act=True)


class RBlock(_Residual):
    """The residual basic block R of ResNet: ``act(shortcut + [3x3, BN, act, 3x3, BN])``."""

    def __init__(self, w_in: int, w_out: int, stride: int, act: str = "relu") -> None:
        f = _Basic(w_in, w_out, stride, act, last_act=False)
        f.b_bn.final_bn = True  # type: ignore[assignment]  (zero-init target)
        super().__init__(w_in, w_out, stride, f, act)


class VRBlock(_Residual):
    """The vanilla residual block VR: ``shortcut + [3x3, BN, act, 3x3, BN, act]``."""

    def __init__(self, w_in: int, w_out: int, stride: int, act: str = "relu") -> None:
        f = VBlock(w_in, w_out, stride, act)
        f.b_bn.final_bn = True  # type: ignore[assignment]
        super().__init__(w_in, w_out, stride, f, None)


class _Bottleneck(_Chain):
    """``a, a_bn, a_af, b, b_bn, b_af, [se], c, c_bn``: the X/Y block's residual branch."""

    def __init__(self, w_in: int, w_out: int, stride: int, bottleneck_ratio: float,
                 group_width: int, se_ratio: float, act: str) -> None:
        super().__init__()
        w_b = bottleneck_width(w_out, bottleneck_ratio)
        if w_b % group_width != 0:
            raise ValueError(f"bottleneck width {w_b} is not a multiple of group width "
                             f"{group_width}; fix it with regnet_lab.make_compatible")
        self.a = _conv(w_in, w_b, 1)
        self.a_bn = nn.BatchNorm2d(w_b)
        self.a_af = activation(act)
        self.b = _conv(w_b, w_b, 3, stride, groups=w_b // group_width)
        self.b_bn = nn.BatchNorm2d(w_b)
        self.b_af = activation(act)
        if se_ratio > 0:
            self.se = SqueezeExcitation(w_b, se_width(w_in, se_ratio), act)
        self.c = _conv(w_b, w_out, 1)
        self.c_bn = nn.BatchNorm2d(w_out)
        self.c_bn.final_bn = True  # type: ignore[assignment]


class XBlock(_Residual):
    """The X block (Y block when ``se_ratio > 0``): a residual bottleneck with group conv.

    Args:
        w_in: input channels.
        w_out: output channels ``w_i``.
        stride: stride of the 3x3 conv and of the projection shortcut.
        bottleneck_ratio: ``b``; the inner width is ``round(w_out / b)`` (``b < 1`` widens).
        group_width: ``g``, channels per group; the inner width must be a multiple of it.
        se_ratio: SE hidden width is ``round(se_ratio * w_in)`` (0 disables SE).
        act: ``"relu"`` or ``"silu"``.
    """

    def __init__(self, w_in: int, w_out: int, stride: int, bottleneck_ratio: float,
                 group_width: int, se_ratio: float = 0.0, act: str = "relu") -> None:
        f = _Bottleneck(w_in, w_out, stride, bottleneck_ratio, group_width, se_ratio, act)
        super().__init__(w_in, w_out, stride, f, act)


_CLASSES = {"V": VBlock, "R": RBlock, "VR": VRBlock, "X": XBlock, "Y": XBlock}


def block_class(block_type: str) -> type:
    """The module class of a block type: V, R, VR, or X (also for Y, which is X with SE)."""
    key = block_type.strip().upper() if isinstance(block_type, str) else block_type
    if key not in _CLASSES:
        raise ValueError(f"block_type must be one of {', '.join(BLOCK_TYPES)}, got {block_type!r}")
    return _CLASSES[key]


class Stage(nn.Sequential):
    """``depth`` blocks ``b1 ... bd`` of one width; the first one has the stage's stride."""

    def __init__(self, w_in: int, w_out: int, depth: int, stride: int,
                 bottleneck_ratio: float = 1, group_width: Optional[int] = None,
                 se_ratio: float = 0.0, block_type: str = "X", act: str = "relu") -> None:
        cls = block_class(block_type)
        blocks = OrderedDict()
        for i in range(depth):
            w, s = (w_in, stride) if i == 0 else (w_out, 1)
            if cls is XBlock:
                if group_width is None:
                    raise ValueError("group_width is required for X and Y blocks")
                blocks[f"b{i + 1}"] = XBlock(w, w_out, s, bottleneck_ratio, group_width,
                                             se_ratio, act)
            else:
                blocks[f"b{i + 1}"] = cls(w, w_out, s, act)
        super().__init__(blocks)


class Head(nn.Module):
    """``avg_pool`` (global average pooling), then ``fc`` (with bias) to the classes."""

    def __init__(self, w_in: int, num_classes: int) -> None:
        super().__init__()
        self.avg_pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(w_in, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        return self.fc(torch.flatten(self.avg_pool(x), 1))
