"""Small tools the AnyNetX chapters share (Section 3.2 of Radosavovic et al., Figs. 5-7).

* :func:`with_shared_block`: one network with a single bottleneck ratio and/or group width in
  every stage, made compatible again (what the restrictions of AnyNetX_B and AnyNetX_C ask of
  a network of the space before).
* :func:`stage_mflops`: the flops of each of a network's stages, in MF (where a network spends
  its flops, the chapters' bar charts).
"""

from __future__ import annotations

from typing import Any, Optional, Union

from .configs import AnyNetConfig, Description
from .counting import summary
from .quantization import make_compatible
from .resolve import as_anynet

__all__ = ["with_shared_block", "stage_mflops"]


def with_shared_block(description: Union[Description, str], bottleneck_ratio: Optional[float] = None,
                      group_width: Optional[int] = None) -> AnyNetConfig:
    """The same network with one bottleneck ratio and/or one group width in every stage.

    Section 3.2: AnyNetX_B shares one ``b`` across the stages (``b_i = b``) and AnyNetX_C also
    one ``g`` (``g_i = g``). This keeps the depths and the other block parameter, sets the given
    one(s) in every stage and applies the compatibility rule again
    (:func:`~regnet_lab.make_compatible`: ``g`` is clamped to the bottleneck width, which is
    rounded to a multiple of ``g``), so widths may move a little and a large ``g`` may be clamped
    in a narrow stage; the result is then not in AnyNetX_C (check with ``why_not``).

    Args:
        description: an AnyNetConfig, a RegNetConfig or a zoo name.
        bottleneck_ratio: the ``b`` for every stage; ``None`` keeps each stage's own.
        group_width: the ``g`` for every stage; ``None`` keeps each stage's own.

    Example:
        >>> net = AnyNetConfig(depths=(1, 1, 2, 2), widths=(8, 16, 64, 128),
        ...                    bottleneck_ratios=(1, 2, 4, 1), group_widths=(8, 8, 8, 8))
        >>> with_shared_block(net, bottleneck_ratio=2).group_widths  # 8 / 2 = 4: clamped
        (4, 8, 8, 8)

    Raises:
        ValueError: neither ``bottleneck_ratio`` nor ``group_width`` given, or a value the
            compatibility rule rejects (e.g. a non-positive ``b`` or ``g``).
    """
    if bottleneck_ratio is None and group_width is None:
        raise ValueError("give bottleneck_ratio and/or group_width: the value to share across "
                         "the stages")
    cfg = as_anynet(description)
    n = len(cfg.depths)
    ratios = cfg.bottleneck_ratios if bottleneck_ratio is None else (bottleneck_ratio,) * n
    groups = cfg.group_widths if group_width is None else (group_width,) * n
    widths, groups = make_compatible(cfg.widths, ratios, groups)
    return cfg.replace(widths=widths, bottleneck_ratios=tuple(ratios), group_widths=groups)


def stage_mflops(description: Union[Description, str], resolution: int = 224,
                 **overrides: Any) -> tuple[float, ...]:
    """Flops (multiply-adds, in MF) of each stage, from :func:`~regnet_lab.summary`.

    The stem and the head are left out; their flops are in ``summary(...).total``.

    Example:
        >>> [round(x, 1) for x in stage_mflops("RegNetX-200MF")]
        [19.3, 10.9, 48.6, 109.1]
    """
    return tuple(row.cost.mflops for row in summary(description, resolution, **overrides)
                 if row.name.startswith("stage"))
