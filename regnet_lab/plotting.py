"""The book's plots, in one style: error EDFs, error against a parameter with its good range,
per-block widths, and the quantized linear rule (the paper's Figs. 2, 6-9).

Every function draws on ``ax`` (a new figure when ``ax`` is None), applies :data:`STYLE` while
drawing, returns the Axes, and never calls ``plt.show()``. Wrap a whole figure in
:func:`use_style` to give titles, colorbars, etc. the same look.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Iterator, Mapping, Optional, Sequence, Union

import numpy as np

from .analysis import GoodRange, WidthFit, edf
from .configs import AnyNetConfig, RegNetConfig
from .quantization import quantize_widths

__all__ = ["STYLE", "COLORS", "use_style", "plot_edfs", "plot_error_vs_param", "plot_widths",
           "plot_quantized_rule"]

#: The colour cycle (colour-blind safe, Okabe-Ito order), used for populations in a fixed order.
COLORS: tuple[str, ...] = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9",
                           "#F0E442", "#000000")

#: matplotlib rc settings of every plot of the book.
STYLE: dict[str, Any] = {
    "axes.prop_cycle": None,  # filled below (needs cycler)
    "axes.grid": True,
    "grid.alpha": 0.3,
    "grid.linestyle": "-",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 11,
    "axes.labelsize": 10,
    "xtick.labelsize": 9,
    "ytick.labelsize": 9,
    "legend.fontsize": 8,
    "legend.frameon": False,
    "font.family": "sans-serif",
    "figure.figsize": (5.0, 3.6),
    "figure.dpi": 110,
    "savefig.bbox": "tight",
    "lines.linewidth": 1.6,
}


def _style() -> dict[str, Any]:
    from cycler import cycler

    s = dict(STYLE)
    s["axes.prop_cycle"] = cycler(color=list(COLORS))
    return s


@contextmanager
def use_style() -> Iterator[None]:
    """Context manager applying :data:`STYLE` (matplotlib ``rc_context``)."""
    import matplotlib as mpl

    with mpl.rc_context(_style()):
        yield


def _axes(ax: Any) -> Any:
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, ax = plt.subplots()
    return ax


def plot_edfs(populations: Mapping[str, Sequence[float]], ax: Any = None, xlabel: str = "error (%)",
              xlim: Optional[tuple[float, float]] = None) -> Any:
    """Error EDFs of several populations (the paper's Fig. 2 style).

    Each curve is ``F(e)``, the fraction of the population with error below ``e``; the legend
    gives ``[n=..., min=..., mean=...]`` and the name. A curve further left/up is a better
    population.
    """
    if not isinstance(populations, Mapping) or not populations:
        raise ValueError("populations must be a non-empty mapping {label: errors}")
    with use_style():
        ax = _axes(ax)
        for i, (label, errs) in enumerate(populations.items()):
            x, f = edf(errs)
            e = np.asarray(errs, dtype=float)
            # F jumps just after each error: draw it as a right-continuous step from 0 to 1.
            xs = np.concatenate([[x[0]], x[:-1]])
            ys = np.concatenate([[0.0], f[1:]])
            ax.step(xs, ys, where="post", color=COLORS[i % len(COLORS)],
                    label=f"[n={e.size}, min={e.min():.1f}, mean={e.mean():.1f}] {label}")
        ax.set_xlabel(xlabel)
        ax.set_ylabel("cumulative prob.")
        ax.set_ylim(0, 1)
        if xlim is not None:
            ax.set_xlim(*xlim)
        ax.legend(loc="lower right")
    return ax


def plot_error_vs_param(values: Sequence[float], errors: Sequence[float], name: str, ax: Any = None,
                        band: Optional[GoodRange] = None, logx: Optional[bool] = None,
                        ylabel: str = "error (%)") -> Any:
    """Error of every model against one parameter, with the bootstrap good range (Figs. 6, 9).

    ``band`` is a :class:`~regnet_lab.analysis.GoodRange` (from
    :func:`~regnet_lab.analysis.bootstrap_good_range`); it is shaded, with its median dashed.
    ``logx`` defaults to a log axis for positive values spanning more than 20x.
    """
    v = np.asarray(values, dtype=float)
    e = np.asarray(errors, dtype=float)
    if v.shape != e.shape or v.ndim != 1:
        raise ValueError("values and errors must be 1-D and of the same length")
    with use_style():
        ax = _axes(ax)
        ax.scatter(v, e, s=8, alpha=0.5, color=COLORS[0], linewidths=0)
        if band is not None:
            ax.axvspan(band.lo, band.hi, color=COLORS[1], alpha=0.15, lw=0)
            ax.axvline(band.median, color=COLORS[1], ls="--", lw=1)
        if logx is None:
            logx = bool(v.size and v.min() > 0 and v.max() / v.min() > 20)
        if logx:
            ax.set_xscale("log")
        ax.set_xlabel(name)
        ax.set_ylabel(ylabel)
        if band is not None:
            ax.set_title(f"{name}: good range [{band.lo:.3g}, {band.hi:.3g}]", fontsize=9)
    return ax


def _block_widths(d: Any) -> tuple[int, ...]:
    if isinstance(d, (AnyNetConfig, RegNetConfig)):
        return d.block_widths
    return tuple(int(x) for x in d)


def plot_widths(descriptions: Sequence[Any], ax: Any = None, fit: Union[WidthFit, Sequence[float], None] = None,
                log: bool = True, color: Optional[str] = None, label: Optional[str] = None) -> Any:
    """Per-block widths of several models against block index (the paper's Figs. 7 and 8).

    ``descriptions`` are AnyNet/RegNet descriptions or sequences of block widths; each is a grey
    step line. ``fit`` (a :class:`~regnet_lab.analysis.WidthFit` or a sequence of widths, e.g.
    a linear fit ``48 * (j + 1)``) is drawn in black on top. Widths are on a log2 axis by default.
    """
    if len(descriptions) == 0:
        raise ValueError("no descriptions to plot")
    with use_style():
        ax = _axes(ax)
        c = color or "0.55"
        for k, desc in enumerate(descriptions):
            w = _block_widths(desc)
            ax.step(np.arange(len(w) + 1), list(w) + [w[-1]], where="post", color=c, lw=1, alpha=0.7,
                    label=label if k == 0 else None)
        if fit is not None:
            fw = fit.fit_widths if isinstance(fit, WidthFit) else tuple(float(x) for x in fit)
            flabel = f"fit (e_fit={fit.e_fit:.3f})" if isinstance(fit, WidthFit) else "fit"
            ax.step(np.arange(len(fw) + 1), list(fw) + [fw[-1]], where="post", color="black", lw=2,
                    label=flabel)
        if log:
            ax.set_yscale("log", base=2)
        ax.set_xlabel("block index j")
        ax.set_ylabel("width")
        if fit is not None or label is not None:
            ax.legend(loc="upper left")
    return ax


def plot_quantized_rule(w0: Union[float, WidthFit, RegNetConfig], wa: Optional[float] = None,
                        wm: Optional[float] = None, depth: Optional[int] = None, *, q: int = 8,
                        observed: Optional[Sequence[int]] = None, ax: Any = None, log: bool = True) -> Any:
    """The quantized linear rule (Section 3.3, eqs. 2-4): continuous ``u_j``, quantized ``w_j``.

    Call with the four numbers, or with a :class:`~regnet_lab.analysis.WidthFit` (its observed
    widths are shown too) or a :class:`~regnet_lab.configs.RegNetConfig`. ``observed`` adds the
    widths of an actual network (e.g. after the compatibility rule) as dots.
    """
    if isinstance(w0, WidthFit):
        f = w0
        w0, wa, wm, depth, q = f.w0, f.wa, f.wm, f.depth, f.q
        observed = f.block_widths if observed is None else observed
    elif isinstance(w0, RegNetConfig):
        c = w0
        w0, wa, wm, depth, q = c.w0, c.wa, c.wm, c.depth, c.q
        observed = c.block_widths if observed is None else observed
    if wa is None or wm is None or depth is None:
        raise ValueError("give w0, wa, wm and depth, or a WidthFit / RegNetConfig")
    qw = quantize_widths(w0, wa, wm, depth, q)
    with use_style():
        ax = _axes(ax)
        j = np.arange(depth)
        ax.plot(j, qw.continuous, ls="--", color=COLORS[0], label=r"$u_j = w_0 + w_a j$ (eq. 2)")
        ax.step(np.arange(depth + 1), list(qw.block_widths) + [qw.block_widths[-1]], where="post",
                color=COLORS[1], label=r"$w_j = w_0 w_m^{\lfloor s_j \rceil}$, quantized (eq. 4)")
        if observed is not None:
            ax.plot(np.arange(len(observed)) + 0.5, observed, "o", ms=3, color="black", label="network")
        if log:
            ax.set_yscale("log", base=2)
        ax.set_xlabel("block index j")
        ax.set_ylabel("width")
        ax.set_title(f"d={depth}, w0={w0:g}, wa={wa:g}, wm={wm:g}; stages {qw.stage_depths}", fontsize=9)
        ax.legend(loc="lower right")
    return ax
