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

from . import validation as check
from .analysis import GoodRange, WidthFit, edf
from .configs import AnyNetConfig, RegNetConfig
from .quantization import quantize_widths

__all__ = ["STYLE", "COLORS", "use_style", "plot_edfs", "plot_error_vs_param", "plot_widths",
           "plot_quantized_rule", "label_points"]

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
                        ylabel: str = "error (%)", jitter: float = 0.0, seed: int = 0) -> Any:
    """Error of every model against one parameter, with the bootstrap good range (Figs. 6, 9).

    ``band`` is a :class:`~regnet_lab.analysis.GoodRange` (from
    :func:`~regnet_lab.analysis.bootstrap_good_range`); it is shaded, with its median dashed.
    ``logx`` defaults to a log axis for positive values spanning more than 20x.
    ``jitter`` spreads the points of a parameter with few values (b in {1, 2, 4}, g) so that
    equal values do not hide each other: each point is drawn at ``value * 2**u`` with ``u``
    uniform in ``[-jitter, jitter]`` (``seed`` fixes ``u``), an equal spread on a log axis; the
    good range and the data are unchanged. 0 (default) draws the values as they are.
    """
    check.no_bools(values, "values")
    check.no_bools(errors, "errors")
    try:
        v = np.asarray(values, dtype=float)
        e = np.asarray(errors, dtype=float)
    except (TypeError, ValueError, OverflowError):
        raise ValueError("values and errors must be lists of numbers") from None
    if v.shape != e.shape or v.ndim != 1:
        raise ValueError("values and errors must be 1-D and of the same length")
    if isinstance(jitter, bool) or not isinstance(jitter, (int, float)) or not 0 <= jitter < 1:
        raise ValueError(f"jitter must be a number in [0, 1) (a spread in powers of 2), "
                         f"got {jitter!r}")
    if jitter and np.any(v <= 0):
        raise ValueError("jitter needs positive values (it spreads them by factors of 2**u)")
    shown = v * 2.0 ** np.random.default_rng(seed).uniform(-jitter, jitter, v.size) if jitter else v
    with use_style():
        ax = _axes(ax)
        ax.scatter(shown, e, s=8, alpha=0.5, color=COLORS[0], linewidths=0)
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
    widths = check.number_sequence(d, "each of descriptions (a description or its block widths)",
                                   0, check.MAX_WIDTH, min_length=1, open_low=True)
    return tuple(int(x) for x in widths)


def plot_widths(descriptions: Sequence[Any], ax: Any = None, fit: Union[WidthFit, Sequence[float], None] = None,
                log: bool = True, color: Optional[str] = None, label: Optional[str] = None,
                errors: Optional[Sequence[float]] = None, error_range: Optional[tuple[float, float]] = None,
                cmap: str = "viridis", median: bool = False) -> Any:
    """Per-block widths of several models against block index (the paper's Figs. 7 and 8).

    ``descriptions`` are AnyNet/RegNet descriptions or sequences of block widths; each is a grey
    step line. ``fit`` (a :class:`~regnet_lab.analysis.WidthFit` or a sequence of widths, e.g.
    a linear fit ``48 * (j + 1)``) is drawn in black on top. Widths are on a log2 axis by default.

    ``errors`` (one per description) colours each line by its model's error instead, on the
    colormap ``cmap`` over ``error_range`` (default: the errors' own range; pass one range to
    several panels to compare them), with a colorbar; the lowest-error lines are drawn on top,
    so that many overlapping staircases (e.g. a quarter of a population) can still be told apart.
    Errors outside ``error_range`` take the end colours (the colorbar then shows an arrow).
    ``median=True`` adds the median profile in black: for each block index ``j``, the median
    width of block ``j`` over the models that have at least ``j + 1`` blocks.
    """
    if isinstance(descriptions, (str, bytes, dict)) or not hasattr(descriptions, "__len__"):
        raise check.ParameterTypeError(f"descriptions must be a list of descriptions or of block "
                                       f"widths, got {type(descriptions).__name__}")
    if len(descriptions) == 0:
        raise ValueError("no descriptions to plot")
    shades: list[Any] = [color or "0.55"] * len(descriptions)
    order = list(range(len(descriptions)))
    mappable = None
    if errors is not None:
        import matplotlib as mpl

        err = np.asarray(errors, dtype=float)
        if err.shape != (len(descriptions),) or not np.all(np.isfinite(err)):
            raise ValueError(f"errors must hold one finite number per description "
                             f"({len(descriptions)}), got shape {err.shape}")
        lo, hi = (float(err.min()), float(err.max())) if error_range is None else map(float, error_range)
        if not lo <= hi:
            raise ValueError(f"error_range must be (low, high) with low <= high, got {error_range!r}")
        norm = mpl.colors.Normalize(vmin=lo, vmax=hi if hi > lo else lo + 1e-9)
        colormap = mpl.colormaps[cmap]
        shades = [colormap(norm(x)) for x in err]
        order = list(np.argsort(-err, kind="stable"))  # worst first, best drawn last (on top)
        mappable = mpl.cm.ScalarMappable(norm=norm, cmap=colormap)
        extend = {(False, False): "neither", (True, False): "min", (False, True): "max",
                  (True, True): "both"}[(bool(err.min() < lo), bool(err.max() > hi))]
    with use_style():
        ax = _axes(ax)
        for k, i in enumerate(order):
            w = _block_widths(descriptions[i])
            ax.step(np.arange(len(w) + 1), list(w) + [w[-1]], where="post", color=shades[i], lw=1,
                    alpha=0.7 if errors is None else 0.9, label=label if k == 0 else None)
        if mappable is not None:
            ax.figure.colorbar(mappable, ax=ax, label="error (%)", pad=0.02, extend=extend)
        if median:
            rows = [_block_widths(d) for d in descriptions]
            mw = [float(np.median([r[j] for r in rows if len(r) > j]))
                  for j in range(max(len(r) for r in rows))]
            ax.step(np.arange(len(mw) + 1), mw + [mw[-1]], where="post", color="black", lw=2.2,
                    label="median width of block j")
            ax.legend(loc="upper left")
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


#: Offsets (points) tried in turn by :func:`label_points`: right, below right, left, ...
_LABEL_OFFSETS: tuple[tuple[int, int], ...] = ((5, 3), (5, -10), (-5, 3), (-5, -10), (5, 11),
                                               (5, -18), (-5, 11), (-5, -18), (0, 18), (0, -25))


def label_points(ax: Any, x: Sequence[float], y: Sequence[float], labels: Sequence[str],
                 fontsize: float = 8, marker_size: float = 7) -> list:
    """Write ``labels[i]`` next to the point ``(x[i], y[i])`` without labels overlapping.

    Each label tries a fixed list of offsets (right, below right, left, ...) in turn and takes
    the first whose box overlaps no label placed before it and no other point (a square of
    ``marker_size`` points around each), or, if every offset overlaps, the one that overlaps
    least. Set the axes' scales and limits first: placement uses the drawn positions.

    Returns:
        The annotations, in the order of ``labels``.

    Raises:
        ValueError: when ``x``, ``y`` and ``labels`` differ in length.
    """
    x, y, labels = list(x), list(y), [str(s) for s in labels]
    if not len(x) == len(y) == len(labels):
        raise ValueError(f"x, y and labels must have the same length, got {len(x)}, {len(y)} "
                         f"and {len(labels)}")
    from matplotlib.transforms import Bbox

    renderer = ax.figure.canvas.get_renderer()
    half = marker_size / 2 * ax.figure.dpi / 72  # half a marker, in pixels
    centres = ax.transData.transform(np.column_stack([x, y]).astype(float)) if x else []
    dots = [Bbox([[cx - half, cy - half], [cx + half, cy + half]]) for cx, cy in centres]
    placed: list = []
    annotations = []
    for k, (xi, yi, text) in enumerate(zip(x, y, labels)):
        obstacles = placed + dots[:k] + dots[k + 1:]
        best = None
        for dx, dy in _LABEL_OFFSETS:
            ann = ax.annotate(text, (xi, yi), xytext=(dx, dy), textcoords="offset points",
                              fontsize=fontsize, ha="left" if dx >= 0 else "right")
            box = ann.get_window_extent(renderer)
            overlap = sum(max(0.0, min(box.x1, b.x1) - max(box.x0, b.x0))
                          * max(0.0, min(box.y1, b.y1) - max(box.y0, b.y0)) for b in obstacles)
            if best is None or overlap < best[0]:
                if best is not None:
                    best[1].remove()
                best = (overlap, ann, box)
            else:
                ann.remove()
            if overlap == 0:
                break
        placed.append(best[2])
        annotations.append(best[1])
    return annotations
