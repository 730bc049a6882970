"""Analytic complexity of a description, without building it (the paper's flops/params/acts).

The counting convention is the one behind the paper's "400MF" and its Fig. 12/13 activations
(Section 3, "complexity"; Radosavovic et al. 2019 for activations), as in the paper's code:

* ``flops`` are multiply-adds. A ``k x k`` conv from ``c_in`` to ``c_out`` channels with ``g``
  groups and output ``h x w`` costs ``k*k*c_in*c_out*h*w // g`` (+ ``c_out*h*w`` with a bias);
  the FC head ``c_in*classes + classes``. SE convolutions are counted at 1x1 spatial size.
* ``params`` are conv/FC weights and biases plus ``2*C`` for every BatchNorm.
* ``acts`` are the output elements of every conv and of the FC layer.
* BN, ReLU, sigmoid, additions, pooling and the SE multiply cost nothing.
* A conv with padding ``k // 2`` and stride ``s`` turns ``h`` into ``(h - 1) // s + 1``.

Every block type of :data:`~regnet_lab.configs.BLOCK_TYPES` is counted layer by layer as
:mod:`regnet_lab.blocks` builds it (the tests compare with the built module's parameters, with
forward hooks and with PyTorch's flop counter); the activation (ReLU or SiLU) costs nothing.
Everything here is plain integer arithmetic on the description, without PyTorch, so counting a
whole population takes microseconds per model (see ``benchmarks/sampling_speed.py``).

The module is called ``counting`` so that its main function, ``regnet_lab.complexity``, does not
hide a module of the same name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterator, Union

from . import validation as check
from .configs import AnyNetConfig, Description, bottleneck_width, se_width
from .resolve import as_anynet

__all__ = ["Complexity", "complexity", "summary", "Summary", "StageSummary"]


@dataclass(frozen=True)
class Complexity:
    """Multiply-adds (``flops``), parameters and activations of a network."""

    flops: int = 0
    params: int = 0
    acts: int = 0

    def __add__(self, other: "Complexity") -> "Complexity":
        return Complexity(self.flops + other.flops, self.params + other.params, self.acts + other.acts)

    @property
    def mflops(self) -> float:
        """flops in millions (the paper's "MF")."""
        return self.flops / 1e6

    @property
    def mparams(self) -> float:
        """params in millions."""
        return self.params / 1e6

    @property
    def macts(self) -> float:
        """acts in millions."""
        return self.acts / 1e6


# Every function below is plain arithmetic that works elementwise on numpy integer arrays as well
# as on ints: the design-space samplers count whole batches of networks with the same functions
# (``regnet_lab.design_spaces``), so the counting convention exists once.


def _out_size(h: Any, stride: Any) -> Any:
    return (h - 1) // stride + 1


def _conv(c_in: Any, c_out: Any, k: int, h: Any, w: Any, groups: Any = 1, bias: bool = False) -> Complexity:
    """A conv whose *output* is ``h x w``."""
    weights = k * k * c_in * c_out // groups
    flops = weights * h * w + (c_out * h * w if bias else 0)
    return Complexity(flops, weights + (c_out if bias else 0), c_out * h * w)


def _bn(c: Any) -> Complexity:
    return Complexity(0, 2 * c, 0)


def _only(mask: Any, cx: Complexity) -> Complexity:
    """``cx`` where ``mask`` holds, else nothing (elementwise for arrays)."""
    return Complexity(cx.flops * mask, cx.params * mask, cx.acts * mask)


def block_cost(block_type: str, se_ratio: float, w_in: Any, w_out: Any, stride: Any, b: Any, g: Any,
               h: Any) -> tuple[Complexity, Any]:
    """One block of type ``block_type`` at input side ``h``; returns its cost and output side.

    The layers are those of :mod:`regnet_lab.blocks`: V is two 3x3 convs with BN; R and VR add
    a projection shortcut (1x1 conv with the stride, BN) when the shape changes; X is 1x1, 3x3
    group and 1x1 convs with BN and the same shortcut; Y adds SE's two 1x1 convs at 1x1.
    Widths, strides, ``b``, ``g`` and ``h`` may be numpy arrays (one network per element).
    """
    ho = _out_size(h, stride)
    if block_type in ("X", "Y"):
        w_b = bottleneck_width(w_out, b)
        cx = _conv(w_in, w_b, 1, h, h) + _bn(w_b)
        cx += _conv(w_b, w_b, 3, ho, ho, groups=w_b // g) + _bn(w_b)
        if se_ratio > 0:
            w_se = se_width(w_in, se_ratio)
            cx += _conv(w_b, w_se, 1, 1, 1, bias=True) + _conv(w_se, w_b, 1, 1, 1, bias=True)
        cx += _conv(w_b, w_out, 1, ho, ho) + _bn(w_out)
    else:
        cx = _conv(w_in, w_out, 3, ho, ho) + _bn(w_out) + _conv(w_out, w_out, 3, ho, ho) + _bn(w_out)
    if block_type != "V":
        cx += _only((w_in != w_out) | (stride != 1), _conv(w_in, w_out, 1, ho, ho) + _bn(w_out))
    return cx, ho


def stem_cost(in_channels: int, stem_width: int, stem_stride: int, resolution: int) -> tuple[Complexity, int]:
    """The stem (3x3 conv with stride, BN) at input side ``resolution``; cost and output side."""
    h = _out_size(resolution, stem_stride)
    return _conv(in_channels, stem_width, 3, h, h) + _bn(stem_width), h


def head_cost(w_in: Any, num_classes: int) -> Complexity:
    """The head: pooling (free) and an FC layer, counted as a 1x1 conv at 1x1 with a bias."""
    return _conv(w_in, num_classes, 1, 1, 1, bias=True)


@dataclass(frozen=True)
class StageSummary:
    """One row of :func:`summary`: a part of the network and its cost."""

    name: str
    depth: int
    width: int
    bottleneck_ratio: float | None
    group_width: int | None
    groups: int | None
    stride: int
    resolution: int
    cost: Complexity


@dataclass(frozen=True)
class Summary:
    """A per-stage table of a network: stem, stages, head, and the total.

    Prints as text, shows as an HTML table in a notebook, and ``to_frame()`` gives a pandas
    DataFrame.
    """

    rows: tuple[StageSummary, ...]
    resolution: int
    total: Complexity = field(default_factory=Complexity)

    def __iter__(self) -> Iterator[StageSummary]:
        return iter(self.rows)

    _COLUMNS = ("part", "depth", "width", "b", "g", "groups", "stride", "out res", "MF", "params (M)", "acts (M)")

    def _cells(self) -> list[list[str]]:
        def opt(x: Any) -> str:
            return "-" if x is None else (f"{x:g}" if isinstance(x, float) else str(x))

        lines = []
        for r in self.rows:
            lines.append([r.name, str(r.depth), str(r.width), opt(r.bottleneck_ratio), opt(r.group_width),
                          opt(r.groups), str(r.stride), f"{r.resolution}x{r.resolution}",
                          f"{r.cost.mflops:.2f}", f"{r.cost.mparams:.3f}", f"{r.cost.macts:.3f}"])
        t = self.total
        lines.append(["total", str(sum(r.depth for r in self.rows if r.name.startswith("stage"))),
                      "", "", "", "", "", "", f"{t.mflops:.2f}", f"{t.mparams:.3f}", f"{t.macts:.3f}"])
        return lines

    def __str__(self) -> str:
        cells = [list(self._COLUMNS)] + self._cells()
        widths = [max(len(row[i]) for row in cells) for i in range(len(self._COLUMNS))]
        fmt = lambda row: "  ".join(c.rjust(wd) if i else c.ljust(wd) for i, (c, wd) in enumerate(zip(row, widths)))
        rule = "-" * (sum(widths) + 2 * (len(widths) - 1))
        body = [fmt(r) for r in cells]
        return "\n".join([f"input {self.resolution}x{self.resolution}", body[0], rule, *body[1:-1], rule, body[-1]])

    __repr__ = __str__

    def _repr_html_(self) -> str:
        head = "".join(f"<th>{c}</th>" for c in self._COLUMNS)
        rows = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in self._cells())
        return (f"<table class='regnet-summary'><caption>input {self.resolution}x{self.resolution}</caption>"
                f"<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>")

    def to_frame(self) -> "Any":
        """The table as a pandas DataFrame (counts as integers)."""
        import pandas as pd

        return pd.DataFrame([
            {"part": r.name, "depth": r.depth, "width": r.width, "bottleneck_ratio": r.bottleneck_ratio,
             "group_width": r.group_width, "groups": r.groups, "stride": r.stride, "resolution": r.resolution,
             "flops": r.cost.flops, "params": r.cost.params, "acts": r.cost.acts}
            for r in self.rows
        ])


def _check_resolution(resolution: int) -> int:
    return check.positive_int(resolution, "resolution", _MAX_RESOLUTION,
                              "input side in pixels; larger inputs are not images this library counts")


_MAX_RESOLUTION = 100_000


def _rows(cfg: AnyNetConfig, resolution: int) -> list[StageSummary]:
    stem, h = stem_cost(cfg.in_channels, cfg.stem_width, cfg.stem_stride, resolution)
    rows = [StageSummary("stem", 1, cfg.stem_width, None, None, None, cfg.stem_stride, h, stem)]
    w_in = cfg.stem_width
    for i, (d, w, s, b, g) in enumerate(zip(cfg.depths, cfg.widths, cfg.strides,
                                            cfg.bottleneck_ratios, cfg.group_widths)):
        cost = Complexity()
        for j in range(d):
            cx, h = block_cost(cfg.block_type, cfg.se_ratio, w_in if j == 0 else w, w,
                               s if j == 0 else 1, b, g, h)
            cost += cx
        if cfg.has_bottleneck:
            rows.append(StageSummary(f"stage{i + 1}", d, w, b, g, bottleneck_width(w, b) // g, s,
                                     h, cost))
        else:
            rows.append(StageSummary(f"stage{i + 1}", d, w, None, None, None, s, h, cost))
        w_in = w
    head = head_cost(w_in, cfg.num_classes)
    rows.append(StageSummary("head", 1, cfg.num_classes, None, None, None, 1, 1, head))
    return rows


def complexity(description: Union[Description, str], resolution: int = 224, **overrides: Any) -> Complexity:
    """flops (multiply-adds), params and acts of a description, counted without building it.

    Args:
        description: an AnyNetConfig, a RegNetConfig or a zoo name.
        resolution: input image side in pixels (224 for the paper's ImageNet numbers).
        **overrides: description fields to replace first (e.g. ``num_classes=10``).

    Example:
        >>> complexity("RegNetX-200MF")
        Complexity(flops=199040872, params=2684792, acts=2164056)
    """
    cfg = as_anynet(description, **overrides)
    total = Complexity()
    for r in _rows(cfg, _check_resolution(resolution)):
        total += r.cost
    return total


def summary(description: Union[Description, str], resolution: int = 224, **overrides: Any) -> Summary:
    """A per-stage table (depth, width, groups, output resolution, flops, params, acts).

    Example:
        >>> print(summary("RegNetX-200MF"))  # doctest: +SKIP
    """
    cfg = as_anynet(description, **overrides)
    rows = _rows(cfg, _check_resolution(resolution))
    total = Complexity()
    for r in rows:
        total += r.cost
    return Summary(tuple(rows), resolution, total)
