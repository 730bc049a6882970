"""Interoperability with torchvision's RegNets: convert them, and compare them with the paper.

torchvision ships 15 RegNet builders (``regnet_x_400mf`` ... ``regnet_y_128gf``). Their networks
are AnyNets (Section 3.1 of Radosavovic et al., 2020) with X or Y blocks, so each one has an exact
:class:`~regnet_lab.configs.AnyNetConfig`, and :func:`from_torchvision` turns a torchvision model
(random or pretrained weights, any number of classes) into a :func:`regnet_lab.build` model with
the same weights, BN statistics and outputs. Both networks have the same layers under other names,
so copying the weights is a table of key renames (:data:`TORCHVISION_RENAMES`, e.g.
``trunk_output.block2.block2-0.f.b.0.weight`` -> ``s2.b1.f.b.weight``).

The description is read from the module's layers (channel counts, strides, groups, SE widths), never
from a table of names. That matters because three builders are *not* the paper's models: torchvision
applies its group-width compatibility rule with a "make divisible" rounding (halves round up, never
below 90% of the value) instead of the paper code's rounding, so ``regnet_x_400mf``,
``regnet_y_800mf`` and ``regnet_y_8gf`` have other stage widths than RegNetX-400MF, RegNetY-800MF
and RegNetY-8.0GF of the paper's model zoo. :func:`from_torchvision` converts them exactly as
they are and says so (``model.matches_paper``); :func:`compare_with_paper` and
:func:`torchvision_differences` show the differences.

>>> import torchvision, regnet_lab as rl
>>> model = rl.from_torchvision(torchvision.models.regnet_x_400mf())
>>> model.paper_name, model.matches_paper, model.config.widths
('RegNetX-400MF', False, (32, 64, 160, 400))
>>> rl.zoo_config("RegNetX-400MF").widths
(32, 64, 160, 384)
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable, Optional, Union

import re

import torch
from torch import Tensor, nn
from torch.overrides import TorchFunctionMode

from .configs import AnyNetConfig
from .network import AnyNet, build
from .zoo import zoo_config, zoo_names

__all__ = [
    "from_torchvision",
    "torchvision_config",
    "torchvision_builder_names",
    "compare_with_paper",
    "torchvision_differences",
    "PaperComparison",
    "TORCHVISION_RENAMES",
    "torchvision_key",
]

# The builders of torchvision.models.regnet, in torchvision's order (X, then Y, by flops).
_BUILDERS: tuple[str, ...] = (
    "regnet_x_400mf", "regnet_x_800mf", "regnet_x_1_6gf", "regnet_x_3_2gf",
    "regnet_x_8gf", "regnet_x_16gf", "regnet_x_32gf",
    "regnet_y_400mf", "regnet_y_800mf", "regnet_y_1_6gf", "regnet_y_3_2gf",
    "regnet_y_8gf", "regnet_y_16gf", "regnet_y_32gf", "regnet_y_128gf",
)

# torchvision builds every BatchNorm with these settings; ours (PyTorch's defaults) are the same.
_BN_EPS = 1e-5
_BN_MOMENTUM = 0.1
_SE_RATIO = 0.25  # the paper's (and torchvision's) SE ratio, tried first


# --------------------------------------------------------------------------------------------
# Builder names and their paper counterparts
# --------------------------------------------------------------------------------------------


def _paper_name_of(builder: str) -> Optional[str]:
    """``regnet_x_1_6gf`` -> ``"RegNetX-1.6GF"``, ``regnet_y_8gf`` -> ``"RegNetY-8.0GF"``."""
    _, family, size = builder.split("_", 2)
    unit = size[-2:].upper()
    number = size[:-2].replace("_", ".")
    if unit == "GF" and "." not in number and int(number) < 10:
        number += ".0"  # the paper writes 4.0GF and 8.0GF, but 12GF, 16GF, 32GF
    name = f"RegNet{family.upper()}-{number}{unit}"
    return name if name in zoo_names() else None


def torchvision_builder_names() -> dict[str, Optional[str]]:
    """The 15 torchvision RegNet builders and the paper zoo model each one is named after.

    >>> torchvision_builder_names()["regnet_y_1_6gf"]
    'RegNetY-1.6GF'

    Values are names for :func:`regnet_lab.zoo_config` (``"RegNetX-1.6GF"``), or ``None`` for
    ``regnet_y_128gf``, which has no counterpart in the paper's zoo. Being named after a paper model
    does not mean being it: see :func:`torchvision_differences`.
    """
    return {b: _paper_name_of(b) for b in _BUILDERS}


# --------------------------------------------------------------------------------------------
# Reading a torchvision RegNet's layers
# --------------------------------------------------------------------------------------------


def _fail(where: str, what: str) -> ValueError:
    return ValueError(
        f"{where}: {what}. from_torchvision expects a torchvision.models.RegNet (stem, "
        "trunk_output of AnyStages of ResBottleneckBlocks, fc) with plain BatchNorm2d and ReLU"
    )


def _children(module: nn.Module) -> dict[str, nn.Module]:
    return dict(module.named_children())


def _expect_names(module: nn.Module, where: str, *allowed: list[str]) -> dict[str, nn.Module]:
    """The named children of ``module``, which must be one of the ``allowed`` name lists."""
    kids = _children(module)
    if list(kids) not in [list(a) for a in allowed]:
        raise _fail(where, f"has children {list(kids)}, expected one of {list(allowed)}")
    return kids


def _conv(module: nn.Module, where: str, kernel: int, bias: bool) -> nn.Conv2d:
    """Check a ``kernel x kernel`` conv with 'same' padding; return it."""
    if type(module) is not nn.Conv2d:
        raise _fail(where, f"expected a Conv2d, found {type(module).__name__}")
    ok = (
        module.kernel_size == (kernel, kernel)
        and module.padding == (kernel // 2, kernel // 2)
        and module.dilation == (1, 1)
        and module.padding_mode == "zeros"
        and module.stride[0] == module.stride[1]
        and (module.bias is not None) == bias
    )
    if not ok:
        raise _fail(where, f"unexpected convolution {module}")
    return module


def _bn(module: nn.Module, where: str, channels: int) -> None:
    if type(module) is not nn.BatchNorm2d:
        raise _fail(where, f"expected a BatchNorm2d, found {type(module).__name__}")
    ok = (
        module.num_features == channels
        and module.eps == _BN_EPS
        and module.momentum == _BN_MOMENTUM
        and module.affine
        and module.track_running_stats
    )
    if not ok:
        raise _fail(where, f"BatchNorm2d must have {channels} channels, eps={_BN_EPS}, "
                           f"momentum={_BN_MOMENTUM}, affine and running stats; found {module}")


def _is(module: nn.Module, kind: type, where: str) -> None:
    if type(module) is not kind:
        raise _fail(where, f"expected {kind.__name__}, found {type(module).__name__}")


@dataclass(frozen=True)
class _Block:
    """What one torchvision ResBottleneckBlock is, read from its layers."""

    name: str  # state-dict prefix, e.g. "trunk_output.block1.block1-0"
    w_in: int
    w_out: int
    w_b: int
    groups: int
    stride: int
    w_se: int  # 0 without SE
    has_proj: bool


def _read_block(block: nn.Module, name: str, w_in: int) -> _Block:
    kids = _expect_names(block, name, ["proj", "f", "activation"], ["f", "activation"])
    _is(kids["activation"], nn.ReLU, f"{name}.activation")
    f = _expect_names(kids["f"], f"{name}.f", ["a", "b", "c"], ["a", "b", "se", "c"])
    a = _expect_names(f["a"], f"{name}.f.a", ["0", "1", "2"])
    b = _expect_names(f["b"], f"{name}.f.b", ["0", "1", "2"])
    c = _expect_names(f["c"], f"{name}.f.c", ["0", "1"])

    conv_a = _conv(a["0"], f"{name}.f.a.0", 1, bias=False)
    if conv_a.in_channels != w_in or conv_a.stride != (1, 1) or conv_a.groups != 1:
        raise _fail(f"{name}.f.a.0", f"expected a stride-1 1x1 conv from {w_in} channels")
    w_b = conv_a.out_channels
    _bn(a["1"], f"{name}.f.a.1", w_b)
    _is(a["2"], nn.ReLU, f"{name}.f.a.2")

    conv_b = _conv(b["0"], f"{name}.f.b.0", 3, bias=False)
    if conv_b.in_channels != w_b or conv_b.out_channels != w_b:
        raise _fail(f"{name}.f.b.0", f"expected a {w_b} -> {w_b} group conv")
    stride = conv_b.stride[0]
    _bn(b["1"], f"{name}.f.b.1", w_b)
    _is(b["2"], nn.ReLU, f"{name}.f.b.2")

    w_se = 0
    if "se" in f:
        se = _expect_names(f["se"], f"{name}.f.se", ["avgpool", "fc1", "fc2", "activation", "scale_activation"])
        fc1 = _conv(se["fc1"], f"{name}.f.se.fc1", 1, bias=True)
        fc2 = _conv(se["fc2"], f"{name}.f.se.fc2", 1, bias=True)
        w_se = fc1.out_channels
        if (fc1.in_channels, fc2.in_channels, fc2.out_channels) != (w_b, w_se, w_b) or fc1.groups != 1 \
                or fc2.groups != 1:
            raise _fail(f"{name}.f.se", f"expected 1x1 convs {w_b} -> {w_se} -> {w_b}")
        _is(se["activation"], nn.ReLU, f"{name}.f.se.activation")
        _is(se["scale_activation"], nn.Sigmoid, f"{name}.f.se.scale_activation")
        pool = se["avgpool"]
        if type(pool) is not nn.AdaptiveAvgPool2d or pool.output_size not in (1, (1, 1)):
            raise _fail(f"{name}.f.se.avgpool", "expected AdaptiveAvgPool2d(1)")

    conv_c = _conv(c["0"], f"{name}.f.c.0", 1, bias=False)
    if conv_c.in_channels != w_b or conv_c.stride != (1, 1) or conv_c.groups != 1:
        raise _fail(f"{name}.f.c.0", f"expected a stride-1 1x1 conv from {w_b} channels")
    w_out = conv_c.out_channels
    _bn(c["1"], f"{name}.f.c.1", w_out)

    has_proj = "proj" in kids
    if has_proj != (w_in != w_out or stride != 1):
        raise _fail(name, "a projection shortcut must be present exactly when the shape changes")
    if has_proj:
        p = _expect_names(kids["proj"], f"{name}.proj", ["0", "1"])
        conv_p = _conv(p["0"], f"{name}.proj.0", 1, bias=False)
        if (conv_p.in_channels, conv_p.out_channels, conv_p.stride[0], conv_p.groups) != (w_in, w_out, stride, 1):
            raise _fail(f"{name}.proj.0", f"expected a 1x1 conv {w_in} -> {w_out} with stride {stride}")
        _bn(p["1"], f"{name}.proj.1", w_out)
    return _Block(name, w_in, w_out, w_b, conv_b.groups, stride, w_se, has_proj)


def _bottleneck_ratio(w_out: int, w_b: int, where: str) -> Union[int, float]:
    """The ratio ``b`` with ``round(w_out / b) == w_b`` (our convention; torchvision multiplies)."""
    b: Union[int, float] = w_out // w_b if w_out % w_b == 0 else w_out / w_b
    if int(round(w_out / b)) != w_b:
        raise ValueError(f"{where}: bottleneck width {w_b} of width {w_out} cannot be written as "
                         "round(width / b)")
    return b


def _se_ratio(blocks: list[_Block]) -> float:
    """One ratio ``r`` with ``round(r * w_in) == w_se`` for every block (0.25 tried first)."""
    if not any(blk.w_se for blk in blocks):
        return 0.0
    if not all(blk.w_se for blk in blocks):
        raise ValueError("some blocks have Squeeze-and-Excitation and some do not; an AnyNet uses "
                         "X blocks or Y blocks throughout")
    first = blocks[0]
    for r in (_SE_RATIO, first.w_se / first.w_in):
        if all(int(round(r * blk.w_in)) == blk.w_se for blk in blocks):
            return r
    found = sorted({(blk.w_in, blk.w_se) for blk in blocks})
    raise ValueError(f"no single se_ratio gives the SE widths round(se_ratio * w_in) of every block: "
                     f"(w_in, w_se) pairs {found}")


def _read(model: nn.Module) -> AnyNetConfig:
    """The AnyNet description of a torchvision RegNet, checked layer by layer."""
    if not isinstance(model, nn.Module):
        raise ValueError(f"from_torchvision expects a torchvision RegNet module, got {type(model).__name__}")
    kids = _children(model)
    if [k for k in kids if k != "avgpool"] != ["stem", "trunk_output", "fc"]:
        raise _fail(type(model).__name__, f"has children {list(kids)}, expected stem, trunk_output, "
                                          "avgpool, fc")
    pool = kids.get("avgpool")
    if pool is not None and (type(pool) is not nn.AdaptiveAvgPool2d or pool.output_size not in (1, (1, 1))):
        raise _fail("avgpool", "expected AdaptiveAvgPool2d(1)")

    stem = _expect_names(kids["stem"], "stem", ["0", "1", "2"])
    conv = _conv(stem["0"], "stem.0", 3, bias=False)
    if conv.groups != 1:
        raise _fail("stem.0", "expected a dense 3x3 conv")
    _bn(stem["1"], "stem.1", conv.out_channels)
    _is(stem["2"], nn.ReLU, "stem.2")

    stages: list[list[_Block]] = []
    w_in = conv.out_channels
    for s_name, stage in _children(kids["trunk_output"]).items():
        blocks = []
        for b_name, block in _children(stage).items():
            blk = _read_block(block, f"trunk_output.{s_name}.{b_name}", w_in)
            blocks.append(blk)
            w_in = blk.w_out
        if not blocks:
            raise _fail(f"trunk_output.{s_name}", "empty stage")
        first = blocks[0]
        for blk in blocks[1:]:
            if (blk.w_out, blk.w_b, blk.groups, blk.stride) != (first.w_out, first.w_b, first.groups, 1):
                raise ValueError(f"{blk.name}: all blocks of an AnyNet stage share width, bottleneck and "
                                 "groups, and only the first one has a stride; this one differs")
        stages.append(blocks)
    if not stages:
        raise _fail("trunk_output", "has no stages")

    fc = kids["fc"]
    if type(fc) is not nn.Linear or fc.bias is None or fc.in_features != w_in:
        raise _fail("fc", f"expected a Linear layer with bias from {w_in} features")

    firsts = [blocks[0] for blocks in stages]
    config = AnyNetConfig(
        depths=[len(blocks) for blocks in stages],
        widths=[b.w_out for b in firsts],
        bottleneck_ratios=[_bottleneck_ratio(b.w_out, b.w_b, b.name) for b in firsts],
        group_widths=[b.w_b // b.groups for b in firsts],
        strides=[b.stride for b in firsts],
        se_ratio=_se_ratio([blk for blocks in stages for blk in blocks]),
        stem_width=conv.out_channels,
        stem_stride=conv.stride[0],
        in_channels=conv.in_channels,
        num_classes=fc.out_features,
    )
    return config


# --------------------------------------------------------------------------------------------
# Builders' descriptions without allocating weights
# --------------------------------------------------------------------------------------------


class _ParametersOnMeta(TorchFunctionMode):
    """Allocate parameters and buffers (``torch.empty/zeros/ones``) on the meta device.

    ``torch.device("meta")`` alone would also move the small tensors torchvision's
    ``BlockParams`` computes widths with, and reading them back (``tolist``) fails on meta.
    """

    _FACTORIES = (torch.empty, torch.zeros, torch.ones)

    def __torch_function__(self, func: Callable, types: Any, args: tuple = (), kwargs: Any = None) -> Any:
        kwargs = dict(kwargs or {})
        if func in self._FACTORIES:
            kwargs["device"] = "meta"
        return func(*args, **kwargs)


def _check_builder(name: str) -> str:
    key = str(name).strip().lower()
    if key not in _BUILDERS:
        raise ValueError(f"unknown torchvision RegNet builder {name!r}; choose one of: {', '.join(_BUILDERS)}")
    return key


@lru_cache(maxsize=None)
def _builder_config(name: str) -> AnyNetConfig:
    import torchvision

    with _ParametersOnMeta():
        model = torchvision.models.get_model(name)
    return _read(model)


def torchvision_config(model_or_name: Union[nn.Module, str]) -> AnyNetConfig:
    """The :class:`~regnet_lab.configs.AnyNetConfig` of a torchvision RegNet, read from its layers.

    Args:
        model_or_name: a torchvision RegNet module, or a builder name such as ``"regnet_y_8gf"``
            (built with 1000 classes and its weights on the meta device: no memory is allocated,
            so even ``regnet_y_128gf`` takes a fraction of a second).

    Raises:
        ValueError: the module is not a RegNet that an AnyNetConfig describes exactly.
    """
    if isinstance(model_or_name, str):
        return _builder_config(_check_builder(model_or_name))
    return _read(model_or_name)


# --------------------------------------------------------------------------------------------
# Comparison with the paper's model zoo
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PaperComparison:
    """A torchvision RegNet's architecture next to the paper model it is named after.

    Attributes:
        builder: the torchvision builder (``None`` for a RegNet that is none of the 15).
        paper_name: the paper zoo model it corresponds to, or ``None``.
        config: the torchvision network's description (as converted by :func:`from_torchvision`).
        paper_config: the paper model's description with the same classes and input channels.
        matches_paper: ``True`` when the two describe the same network.
        differences: one line per differing field, e.g.
            ``"widths: torchvision (32, 64, 160, 400), paper (32, 64, 160, 384)"``.
    """

    builder: Optional[str]
    paper_name: Optional[str]
    config: AnyNetConfig
    paper_config: Optional[AnyNetConfig]
    matches_paper: bool
    differences: tuple[str, ...]

    @property
    def widths(self) -> tuple[int, ...]:
        """torchvision's stage widths."""
        return self.config.widths

    @property
    def paper_widths(self) -> Optional[tuple[int, ...]]:
        """The paper model's stage widths (``None`` without a counterpart)."""
        return None if self.paper_config is None else self.paper_config.widths

    def __str__(self) -> str:
        who = self.builder or "torchvision RegNet"
        if self.paper_config is None:
            return f"{who}: no paper zoo counterpart (widths {self.widths})"
        if self.matches_paper:
            return f"{who} = {self.paper_name} (widths {self.widths})"
        return f"{who} != {self.paper_name}: " + "; ".join(self.differences)


_COMPARED_FIELDS = ("depths", "widths", "bottleneck_ratios", "group_widths", "strides", "se_ratio",
                    "stem_width", "stem_stride")


def _compare(builder: Optional[str], paper_name: Optional[str], config: AnyNetConfig) -> PaperComparison:
    if paper_name is None:
        return PaperComparison(builder, None, config, None, False, ())
    paper = zoo_config(paper_name).to_anynet().replace(
        num_classes=config.num_classes, in_channels=config.in_channels)
    diffs = tuple(
        f"{f}: torchvision {getattr(config, f)}, paper {getattr(paper, f)}"
        for f in _COMPARED_FIELDS if getattr(config, f) != getattr(paper, f)
    )
    return PaperComparison(builder, paper_name, config, paper, not diffs, diffs)


def _architecture(config: AnyNetConfig) -> AnyNetConfig:
    """The description with classes and input channels set to the ImageNet defaults."""
    return config.replace(num_classes=1000, in_channels=3)


def _identify(config: AnyNetConfig) -> tuple[Optional[str], Optional[str]]:
    """(builder, paper name) of a converted description: the torchvision builder with the same
    architecture, else the paper model with the same architecture, else ``(None, None)``."""
    arch = _architecture(config)
    for b in _BUILDERS:
        if _builder_config(b) == arch:
            return b, _paper_name_of(b)
    for name in zoo_names():
        if zoo_config(name).to_anynet() == arch:
            return None, name
    return None, None


def compare_with_paper(model_or_name: Union[str, nn.Module, AnyNetConfig]) -> PaperComparison:
    """Compare a torchvision RegNet with the paper zoo model of the same name.

    Args:
        model_or_name: a builder name (``"regnet_x_400mf"``), a torchvision RegNet module, a model
            returned by :func:`from_torchvision`, or an :class:`~regnet_lab.configs.AnyNetConfig`.
            Modules and configs are matched to a builder by their architecture.

    >>> print(compare_with_paper("regnet_x_400mf"))
    regnet_x_400mf != RegNetX-400MF: widths: torchvision (32, 64, 160, 400), paper (32, 64, 160, 384)
    >>> print(compare_with_paper("regnet_x_1_6gf"))
    regnet_x_1_6gf = RegNetX-1.6GF (widths (72, 168, 408, 912))
    """
    if isinstance(model_or_name, str):
        builder = _check_builder(model_or_name)
        return _compare(builder, _paper_name_of(builder), _builder_config(builder))
    if isinstance(model_or_name, AnyNet):
        config = model_or_name.config
    elif isinstance(model_or_name, AnyNetConfig):
        config = model_or_name
    else:
        config = _read(model_or_name)
    builder, paper_name = _identify(config)
    return _compare(builder, paper_name, config)


def torchvision_differences() -> dict[str, PaperComparison]:
    """The torchvision builders that are named after a paper model but are not that model.

    With torchvision's rounding these are ``regnet_x_400mf``, ``regnet_y_800mf`` and
    ``regnet_y_8gf``; each :class:`PaperComparison` lists the differing fields. Computed from the
    builders (on the meta device), not from a table.
    """
    out = {}
    for builder, paper_name in torchvision_builder_names().items():
        if paper_name is not None:
            comparison = compare_with_paper(builder)
            if not comparison.matches_paper:
                out[builder] = comparison
    return out


# --------------------------------------------------------------------------------------------
# Conversion
# --------------------------------------------------------------------------------------------


#: The renames from torchvision's ``state_dict`` keys to regnet_lab's (which are pycls's), as
#: ``(pattern, replacement)`` pairs for ``re.sub``, applied in order to every key. This table
#: is the whole conversion of the weights.
TORCHVISION_RENAMES: tuple[tuple[str, Union[str, Callable[..., str]]], ...] = (
    (r"^stem\.0\.", "stem.conv."),
    (r"^stem\.1\.", "stem.bn."),
    (r"^trunk_output\.block(\d+)\.block\1-(\d+)\.",  # block{i}-{j}, j from 0 -> s{i}.b{j+1}
     lambda m: f"s{m[1]}.b{int(m[2]) + 1}."),
    (r"\.f\.([abc])\.0\.", r".f.\1."),  # conv of f.a / f.b / f.c
    (r"\.f\.([abc])\.1\.", r".f.\1_bn."),  # its batch norm
    (r"\.proj\.0\.", ".proj."),
    (r"\.proj\.1\.", ".proj_bn."),
    (r"^fc\.", "head.fc."),
)  # f.se.fc1 and f.se.fc2 keep their names


def torchvision_key(key: str) -> str:
    """The regnet_lab name of a torchvision RegNet ``state_dict`` key.

    >>> torchvision_key("trunk_output.block2.block2-0.f.b.0.weight")
    's2.b1.f.b.weight'
    """
    for pattern, replacement in TORCHVISION_RENAMES:
        key = re.sub(pattern, replacement, key)
    return key


def _convert_state(theirs: dict[str, Tensor], ours: dict[str, Tensor]) -> dict[str, Tensor]:
    """torchvision's state dict renamed to ours; every entry must be used, with the same shape."""
    out: dict[str, Tensor] = {}
    for key, value in theirs.items():
        mine = torchvision_key(key)
        if mine not in ours or ours[mine].shape != value.shape:
            raise ValueError(f"torchvision state entry {key!r} {tuple(value.shape)} has no "
                             f"counterpart {mine!r} of that shape in regnet_lab's AnyNet")
        out[mine] = value
    missing = sorted(set(ours) - set(out))
    if missing:
        raise ValueError(f"regnet_lab entries without a torchvision counterpart: {missing[:5]}")
    return out


def from_torchvision(model: nn.Module) -> AnyNet:
    """Convert a torchvision RegNet (any of the 15 builders, or any ``torchvision.models.RegNet``
    with BatchNorm and ReLU) into a :func:`regnet_lab.build` model with the same weights.

    The description is read from the module's layers: stem width, stride and input channels;
    per stage the depth, width, bottleneck width, groups and stride; the SE widths, checked to be
    ``round(se_ratio * w_in)`` for one ``se_ratio`` (the paper's Y block); the classes. Every
    parameter and BN buffer (running mean/var, ``num_batches_tracked``) is copied, so in eval mode
    both models compute the same function. The result lives on the same device with the same
    dtype and train/eval mode as ``model``; a model on the meta device (structure without data,
    e.g. to count a huge network's parameters) gives a meta model, checked but with nothing copied.

    The returned :class:`~regnet_lab.network.AnyNet` carries where it came from in the fields
    that class declares, so a builder that is not the paper's model cannot pass for it:

    * ``torchvision_builder``: e.g. ``"regnet_x_400mf"`` (``None`` for a non-stock RegNet);
    * ``paper_name``: the paper zoo model it is named after / equal to (``"RegNetX-400MF"``);
    * ``matches_paper``: whether its architecture is that paper model's. ``False`` for
      ``regnet_x_400mf``, ``regnet_y_800mf``, ``regnet_y_8gf`` (other widths; see
      :func:`compare_with_paper`) and for ``regnet_y_128gf`` (no paper counterpart).

    Raises:
        ValueError: ``model`` is not a RegNet of this layout, or uses other layers (norms,
            activations) or an SE width that no ``se_ratio`` reproduces.
    """
    config = _read(model)
    with torch.device("meta"):  # no memory and no initialisation: every tensor is replaced below
        ours = build(config)
    state = _convert_state(model.state_dict(), ours.state_dict())
    with torch.no_grad():
        copies = {k: v.detach().clone() for k, v in state.items()}  # same device and dtype
    ours.load_state_dict(copies, strict=True, assign=True)
    ours.train(model.training)

    builder, paper_name = _identify(config)
    comparison = _compare(builder, paper_name, config)
    ours.torchvision_builder = builder
    ours.paper_name = paper_name
    ours.matches_paper = comparison.matches_paper
    return ours
