"""AnyNet as a PyTorch module, and :func:`build`, the one builder for every description.

The network is the paper's AnyNet (Section 3.1, Fig. 3): ``stem``, stages ``s1 ... sN`` (any
number; blocks of any type of :data:`~regnet_lab.configs.BLOCK_TYPES`), ``head``. Its
``state_dict`` keys follow the paper's code (pycls), e.g. ``s1.b1.f.a.weight`` (see
:mod:`regnet_lab.blocks`). Weights are initialised as in the paper's code: convolutions from a
normal distribution with std ``sqrt(2 / fan_out)`` where ``fan_out = k * k * out_channels``; BN
scale 1 and shift 0; the FC layer from a normal distribution with std 0.01 and zero bias. The
paper's code can optionally start the last BN scale of each residual branch at 0, so that every
block starts as the identity (off in its RegNet configurations; ``zero_init_final_bn=True`` here).
"""

from __future__ import annotations

import math
from typing import Any, Optional, Union

from torch import Tensor, nn

from .blocks import Head, Stage, Stem
from .configs import AnyNetConfig, Description
from .resolve import as_anynet

__all__ = ["AnyNet", "build", "init_weights"]


class AnyNet(nn.Module):
    """``stem``, stages ``s1 ... sN`` and ``head`` built from an
    :class:`~regnet_lab.configs.AnyNetConfig`.

    Attributes:
        config: the description the network was built from.
        torchvision_builder: the torchvision builder a converted model came from
            (:func:`~regnet_lab.interop.from_torchvision`; ``None`` otherwise).
        paper_name: the paper zoo model a converted model is named after or equal to.
        matches_paper: whether a converted model's architecture is that paper model's
            (``None`` for a model that was not converted).
    """

    torchvision_builder: Optional[str] = None
    paper_name: Optional[str] = None
    matches_paper: Optional[bool] = None

    def __init__(self, config: AnyNetConfig) -> None:
        if not isinstance(config, AnyNetConfig):
            raise TypeError(f"config must be an AnyNetConfig (use rl.build for a RegNetConfig or a "
                            f"zoo name), got {type(config).__name__}")
        super().__init__()
        self.config = config
        act = config.activation
        self.stem = Stem(config.in_channels, config.stem_width, config.stem_stride, act)
        w_in = config.stem_width
        for i, (d, w, s, b, g) in enumerate(zip(config.depths, config.widths, config.strides,
                                                config.bottleneck_ratios, config.group_widths)):
            stage = Stage(w_in, w, d, s, b, g, config.se_ratio, config.block_type, act)
            self.add_module(f"s{i + 1}", stage)
            w_in = w
        self.head = Head(w_in, config.num_classes)

    @property
    def stages(self) -> tuple[Stage, ...]:
        """The stages ``s1 ... sN`` in order."""
        return tuple(getattr(self, f"s{i + 1}") for i in range(self.config.num_stages))

    def forward(self, x: Tensor) -> Tensor:
        for module in self.children():
            x = module(x)
        return x


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


def build(description: Union[Description, str], *, zero_init_final_bn: bool = False,
          **overrides: Any) -> AnyNet:
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
