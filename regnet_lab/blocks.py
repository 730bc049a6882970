"""The building blocks of AnyNet: stem, X/Y block, head (Section 3.1, Fig. 4 of the paper).

* :class:`Stem`: 3x3 convolution (stride 2 for ImageNet, 1 for small images), BN, ReLU.
* :class:`XBlock`: the residual bottleneck block with group convolution (ResNeXt's block):
  1x1 conv -> BN -> ReLU -> 3x3 group conv (stride s) -> BN -> ReLU -> [SE] -> 1x1 conv -> BN,
  added to the shortcut (identity, or 1x1 conv with stride s + BN when the shape changes), ReLU.
  With ``se_ratio > 0`` it is the Y block of RegNetY.
* :class:`SqueezeExcitation`: global pooling, 1x1 conv (with bias) to ``round(se_ratio * w_in)``
  channels, ReLU, 1x1 conv back, sigmoid, channel-wise scaling (Hu et al., 2018).
* :class:`Head`: global average pooling and a fully connected layer.
"""

from __future__ import annotations

import torch
from torch import Tensor, nn

__all__ = ["Stem", "SqueezeExcitation", "XBlock", "Stage", "Head"]


def _conv_bn(c_in: int, c_out: int, kernel: int, stride: int = 1, groups: int = 1) -> list[nn.Module]:
    conv = nn.Conv2d(c_in, c_out, kernel, stride=stride, padding=kernel // 2, groups=groups, bias=False)
    return [conv, nn.BatchNorm2d(c_out)]


class Stem(nn.Sequential):
    """3x3 conv, BN, ReLU: the AnyNet stem (``stride`` 2 at 224px, 1 at 28/32px)."""

    def __init__(self, in_channels: int, width: int, stride: int = 2) -> None:
        super().__init__(*_conv_bn(in_channels, width, 3, stride), nn.ReLU(inplace=True))


class SqueezeExcitation(nn.Module):
    """Squeeze-and-Excitation on ``channels`` channels through ``squeeze`` hidden channels."""

    def __init__(self, channels: int, squeeze: int) -> None:
        super().__init__()
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.reduce = nn.Conv2d(channels, squeeze, 1, bias=True)
        self.relu = nn.ReLU(inplace=True)
        self.expand = nn.Conv2d(squeeze, channels, 1, bias=True)
        self.gate = nn.Sigmoid()

    def forward(self, x: Tensor) -> Tensor:
        s = self.gate(self.expand(self.relu(self.reduce(self.pool(x)))))
        return x * s


class XBlock(nn.Module):
    """The X block (Y block when ``se_ratio > 0``): a residual bottleneck with group conv.

    Args:
        w_in: input channels.
        w_out: output channels ``w_i``.
        stride: stride of the 3x3 conv and of the projection shortcut.
        bottleneck_ratio: ``b``; the inner width is ``round(w_out / b)``.
        group_width: ``g``, channels per group; the inner width must be a multiple of it.
        se_ratio: SE hidden width is ``round(se_ratio * w_in)`` (0 disables SE).
    """

    def __init__(
        self,
        w_in: int,
        w_out: int,
        stride: int,
        bottleneck_ratio: float,
        group_width: int,
        se_ratio: float = 0.0,
    ) -> None:
        super().__init__()
        w_b = int(round(w_out / bottleneck_ratio))
        if w_b % group_width != 0:
            raise ValueError(f"bottleneck width {w_b} is not a multiple of group width {group_width}")
        layers: list[nn.Module] = [*_conv_bn(w_in, w_b, 1), nn.ReLU(inplace=True)]
        layers += [*_conv_bn(w_b, w_b, 3, stride, groups=w_b // group_width), nn.ReLU(inplace=True)]
        if se_ratio > 0:
            layers.append(SqueezeExcitation(w_b, int(round(se_ratio * w_in))))
        layers += _conv_bn(w_b, w_out, 1)
        self.residual = nn.Sequential(*layers)
        self.residual[-1].final_bn = True  # type: ignore[union-attr]  (zero-init target)
        self.shortcut: nn.Module
        if w_in != w_out or stride != 1:
            self.shortcut = nn.Sequential(*_conv_bn(w_in, w_out, 1, stride))
        else:
            self.shortcut = nn.Identity()
        self.relu = nn.ReLU(inplace=True)

    def forward(self, x: Tensor) -> Tensor:
        return self.relu(self.shortcut(x) + self.residual(x))


class Stage(nn.Sequential):
    """``depth`` blocks of one width; the first one has the stage's stride."""

    def __init__(
        self,
        w_in: int,
        w_out: int,
        depth: int,
        stride: int,
        bottleneck_ratio: float,
        group_width: int,
        se_ratio: float = 0.0,
    ) -> None:
        blocks = [
            XBlock(w_in if i == 0 else w_out, w_out, stride if i == 0 else 1,
                   bottleneck_ratio, group_width, se_ratio)
            for i in range(depth)
        ]
        super().__init__(*blocks)


class Head(nn.Module):
    """Global average pooling, then a fully connected layer (with bias) to the classes."""

    def __init__(self, w_in: int, num_classes: int) -> None:
        super().__init__()
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(w_in, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        return self.fc(torch.flatten(self.pool(x), 1))
