"""AnyNet as a PyTorch module, and :func:`build`, the one builder for every description.

The network is the paper's AnyNet (Section 3.1, Fig. 3): stem, a body of stages of X (or Y)
blocks, head. Weights are initialised as in the paper's code (pycls): convolutions from a normal
distribution with std ``sqrt(2 / fan_out)`` where ``fan_out = k * k * out_channels``; BN scale 1
and shift 0; the FC layer from a normal distribution with std 0.01 and zero bias. The paper's
code can optionally start the last BN scale of each residual branch at 0, so that every block
starts as the identity (off in its RegNet configurations; ``zero_init_final_bn=True`` here).
"""

from __future__ import annotations

import math
from typing import Any

from torch import Tensor, nn

from .blocks import Head, Stage, Stem
from .configs import AnyNetConfig, Description, as_anynet

__all__ = ["AnyNet", "build", "init_weights"]


class AnyNet(nn.Module):
    """Stem, stages and head built from an :class:`~regnet_lab.configs.AnyNetConfig`.

    The description is kept as ``self.config``.
    """

    def __init__(self, config: AnyNetConfig) -> None:
        super().__init__()
        self.config = config
        self.stem = Stem(config.in_channels, config.stem_width, config.stem_stride)
        stages = []
        w_in = config.stem_width
        for d, w, s, b, g in zip(config.depths, config.widths, config.strides,
                                 config.bottleneck_ratios, config.group_widths):
            stages.append(Stage(w_in, w, d, s, b, g, config.se_ratio))
            w_in = w
        self.stages = nn.Sequential(*stages)
        self.head = Head(w_in, config.num_classes)

    def forward(self, x: Tensor) -> Tensor:
        return self.head(self.stages(self.stem(x)))


def init_weights(module: nn.Module, zero_init_final_bn: bool = False) -> None:
    """Initialise one module as the paper's code does (apply with ``model.apply``)."""
    if isinstance(module, nn.Conv2d):
        fan_out = module.kernel_size[0] * module.kernel_size[1] * module.out_channels
        nn.init.normal_(module.weight, mean=0.0, std=math.sqrt(2.0 / fan_out))
        if module.bias is not None:
            nn.init.zeros_(module.bias)
    elif isinstance(module, nn.BatchNorm2d):
        zero = zero_init_final_bn and getattr(module, "final_bn", False)
        nn.init.constant_(module.weight, 0.0 if zero else 1.0)
        nn.init.zeros_(module.bias)
    elif isinstance(module, nn.Linear):
        nn.init.normal_(module.weight, mean=0.0, std=0.01)
        nn.init.zeros_(module.bias)


def build(description: Description, *, zero_init_final_bn: bool = False, **overrides: Any) -> AnyNet:
    """Build the PyTorch network for a description.

    Args:
        description: an :class:`~regnet_lab.configs.AnyNetConfig`, a
            :class:`~regnet_lab.configs.RegNetConfig`, or a zoo name such as ``"RegNetY-400MF"``.
        zero_init_final_bn: start each residual branch's last BN scale at 0 (an option of the
            paper's code, off by default there and here).
        **overrides: fields to replace first, e.g. ``in_channels=1, num_classes=10,
            stem_stride=1`` for Fashion-MNIST.

    Example:
        >>> model = build("RegNetX-200MF", num_classes=10)
        >>> sum(p.numel() for p in model.parameters())
        2319482
    """
    model = AnyNet(as_anynet(description, **overrides))
    model.apply(lambda m: init_weights(m, zero_init_final_bn))
    return model
