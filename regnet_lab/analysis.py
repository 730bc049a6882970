"""Comparing populations of networks the way the paper does (Section 2 and 3 of Radosavovic et al.).

* :func:`edf`: the error empirical distribution function ``F(e) = (1/n) sum_i 1[e_i < e]``
  (Section 2.2, eq. 1), the paper's main tool to compare design spaces.
* :func:`bootstrap_good_range`: the empirical bootstrap of Section 3 (Figs. 6 and 9): draw 25% of
  the ``(value, error)`` pairs with replacement, keep the value of the lowest-error pair, repeat
  10^4 times and take the 95% interval; fully vectorised.
* :func:`compare_populations`: a two-sample Kolmogorov-Smirnov test (``scipy.stats.ks_2samp``)
  plus bootstrap intervals for the difference of the mean error and of the best-quartile error.
* :func:`fit_quantized_linear`: the fit of the quantized linear rule to a network's per-block
  widths (Section 3.3, Fig. 8) and its error ``e_fit``.
* :func:`results_frame` / :func:`good_range_frame`: one pandas row per model, and the good ranges
  of several columns at once.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from numbers import Integral, Real
from typing import Any, Iterable, Optional, Sequence, Union

import numpy as np

from .complexity import complexity
from .configs import AnyNetConfig, RegNetConfig

__all__ = [
    "edf",
    "population_quarter",
    "GoodRange",
    "bootstrap_good_range",
    "good_range_frame",
    "Comparison",
    "compare_populations",
    "WidthFit",
    "fit_quantized_linear",
    "quantized_widths_grid",
    "results_frame",
]

_MAX_ELEMENTS = 4_000_000  # bound on temporary array sizes in the vectorised loops


# ================================================================================== checks


def _as_1d(name: str, x: Any, allow_empty: bool = False) -> np.ndarray:
    try:
        a = np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a sequence of numbers") from None
    if a.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {a.shape}")
    if not allow_empty and a.size == 0:
        raise ValueError(f"{name} is empty")
    if not np.all(np.isfinite(a)):
        raise ValueError(f"{name} contains NaN or infinite values")
    return a


def _check_reps(reps: object) -> int:
    if isinstance(reps, bool) or not isinstance(reps, Integral) or int(reps) < 1:
        raise ValueError(f"reps must be a positive integer, got {reps!r}")
    return int(reps)


def _check_fraction(name: str, x: object, closed_right: bool) -> float:
    ok = not isinstance(x, bool) and isinstance(x, Real) and math.isfinite(float(x))
    if ok:
        x = float(x)  # type: ignore[arg-type]
        ok = 0 < x <= 1 if closed_right else 0 < x < 1
    if not ok:
        rng = "(0, 1]" if closed_right else "(0, 1)"
        raise ValueError(f"{name} must be a number in {rng}, got {x!r}")
    return float(x)  # type: ignore[arg-type]


def _check_seed(seed: object) -> int:
    if isinstance(seed, bool) or not isinstance(seed, Integral) or int(seed) < 0:
        raise ValueError(f"seed must be an integer >= 0, got {seed!r}")
    return int(seed)


# ================================================================================== EDF


def edf(errors: Sequence[float], grid: Optional[Sequence[float]] = None) -> tuple[np.ndarray, np.ndarray]:
    """The error EDF ``F(e) = (1/n) sum_i 1[e_i < e]`` (Section 2.2, eq. 1).

    ``F(e)`` is the fraction of models with error *strictly* below ``e``.

    Args:
        errors: the ``n`` model errors (any unit; the book uses top-1 error in %).
        grid: where to evaluate ``F``; by default the sorted distinct errors followed by one point
            just above the largest, so ``F`` runs from 0 to 1.

    Returns:
        ``(grid, F)`` as float arrays of the same length.

    >>> edf([3.0, 1.0, 2.0], grid=[1.0, 1.5, 3.5])[1].tolist()
    [0.0, 0.3333333333333333, 1.0]
    """
    e = np.sort(_as_1d("errors", errors))
    if grid is None:
        u = np.unique(e)
        x = np.append(u, np.nextafter(u[-1], np.inf))
    else:
        x = _as_1d("grid", grid, allow_empty=True)
    return x, np.searchsorted(e, x, side="left") / e.size


# ================================================================================== bootstrap


@dataclass(frozen=True, eq=False)
class GoodRange:
    """The empirical-bootstrap good range of one parameter (Section 3, Figs. 6 and 9).

    Attributes:
        lo, hi: the ``ci`` interval of the best model's value over the bootstrap repetitions.
        median: median of those values.
        best: the value of the lowest-error model of the whole population.
        ci, frac, reps: the settings used; ``subsample`` pairs were drawn per repetition.
        n: population size.
        samples: the ``reps`` best values (for histograms).
    """

    lo: float
    hi: float
    median: float
    best: float
    ci: float
    frac: float
    reps: int
    subsample: int
    n: int
    samples: np.ndarray = field(repr=False)

    def __contains__(self, value: float) -> bool:
        return self.lo <= value <= self.hi


def _bootstrap_best_indices(errors: np.ndarray, frac: float, reps: int, seed: int) -> tuple[np.ndarray, int]:
    """Index of the lowest-error pair in each of ``reps`` resamples of ``frac * n`` pairs."""
    n = errors.size
    m = max(1, int(round(frac * n)))
    rng = np.random.default_rng(seed)
    best = np.empty(reps, dtype=np.int64)
    step = max(1, _MAX_ELEMENTS // m)
    for start in range(0, reps, step):
        r = min(step, reps - start)
        idx = rng.integers(0, n, size=(r, m))
        pos = np.argmin(errors[idx], axis=1)
        best[start:start + r] = idx[np.arange(r), pos]
    return best, m


def bootstrap_good_range(values: Sequence[float], errors: Sequence[float], frac: float = 0.25,
                         reps: int = 10_000, ci: float = 0.95, seed: int = 0) -> GoodRange:
    """Where the good models' ``values`` lie: the paper's empirical bootstrap (Section 3).

    Each repetition draws ``round(frac * n)`` of the ``n`` ``(value, error)`` pairs with
    replacement and keeps the value of the pair with the lowest error; the ``ci`` interval of the
    ``reps`` kept values is the good range (the paper: 25%, 10^4 repetitions, 95%). All
    repetitions are drawn at once with numpy (n = 500, 10^4 repetitions take milliseconds).

    Raises:
        ValueError: mismatched or empty inputs, NaNs, ``frac`` not in (0, 1], ``reps < 1`` or
            ``ci`` not in (0, 1).
    """
    v = _as_1d("values", values)
    e = _as_1d("errors", errors)
    if v.size != e.size:
        raise ValueError(f"values and errors must have the same length, got {v.size} and {e.size}")
    frac = _check_fraction("frac", frac, closed_right=True)
    ci = _check_fraction("ci", ci, closed_right=False)
    reps = _check_reps(reps)
    best_idx, m = _bootstrap_best_indices(e, frac, reps, _check_seed(seed))
    vals = v[best_idx]
    alpha = (1 - ci) / 2
    lo, med, hi = np.quantile(vals, [alpha, 0.5, 1 - alpha])
    return GoodRange(float(lo), float(hi), float(med), float(v[np.argmin(e)]), ci, frac, reps, m,
                     v.size, vals)


def good_range_frame(frame: Any, columns: Optional[Sequence[str]] = None, error: str = "error",
                     frac: float = 0.25, reps: int = 10_000, ci: float = 0.95, seed: int = 0) -> Any:
    """Good ranges of several columns of a results frame, from one shared set of resamples.

    Returns a DataFrame indexed by column name with ``lo, hi, median, best`` (as
    :class:`GoodRange`). ``columns`` defaults to the numeric columns that vary, without
    ``error``. Rows with a missing error are dropped first.
    """
    import pandas as pd

    if error not in frame:
        raise ValueError(f"no {error!r} column in the frame")
    df = frame[frame[error].notna()]
    if columns is None:
        columns = [c for c in df.columns if c != error and pd.api.types.is_numeric_dtype(df[c])
                   and df[c].notna().all() and df[c].nunique() > 1]
    missing = [c for c in columns if c not in df]
    if missing:
        raise ValueError(f"no column(s) {missing} in the frame")
    e = _as_1d(error, df[error].to_numpy(dtype=float))
    frac = _check_fraction("frac", frac, closed_right=True)
    ci = _check_fraction("ci", ci, closed_right=False)
    best_idx, _ = _bootstrap_best_indices(e, frac, _check_reps(reps), _check_seed(seed))
    alpha = (1 - ci) / 2
    rows = {}
    for c in columns:
        v = df[c].to_numpy(dtype=float)
        lo, med, hi = np.quantile(v[best_idx], [alpha, 0.5, 1 - alpha])
        rows[c] = {"lo": float(lo), "hi": float(hi), "median": float(med), "best": float(v[np.argmin(e)])}
    return pd.DataFrame.from_dict(rows, orient="index", columns=["lo", "hi", "median", "best"])


# ================================================================================== comparing


@dataclass(frozen=True)
class Comparison:
    """Two populations of errors compared (:func:`compare_populations`); ``a`` minus ``b``.

    Attributes:
        n_a, n_b: sizes.
        ks_statistic, ks_pvalue: two-sample Kolmogorov-Smirnov test of equal distributions
            (``scipy.stats.ks_2samp``, two-sided).
        mean_diff, mean_diff_ci: ``mean(a) - mean(b)`` and its bootstrap ``ci`` interval.
        best_quartile_diff, best_quartile_ci: the same for the mean error of the best quarter
            of each population (the ``ceil(n / 4)`` lowest errors).
    """

    n_a: int
    n_b: int
    ks_statistic: float
    ks_pvalue: float
    mean_diff: float
    mean_diff_ci: tuple[float, float]
    best_quartile_diff: float
    best_quartile_ci: tuple[float, float]

    @property
    def mean_differs(self) -> bool:
        """Whether the interval for the mean difference excludes 0."""
        return not self.mean_diff_ci[0] <= 0 <= self.mean_diff_ci[1]

    @property
    def best_quartile_differs(self) -> bool:
        """Whether the interval for the best-quartile difference excludes 0."""
        return not self.best_quartile_ci[0] <= 0 <= self.best_quartile_ci[1]

    def describe(self, digits: int = 2) -> str:
        """One line with the numbers: sizes, KS p-value, mean difference and its interval.

        >>> c = Comparison(40, 40, 0.3, 0.012, 0.71, (0.12, 1.33), 0.4, (-0.1, 0.9))
        >>> c.describe()
        'n = 40 vs 40, KS p = 0.012, mean difference 0.71 [0.12, 1.33] points'
        """
        lo, hi = self.mean_diff_ci
        p = f"{self.ks_pvalue:.2g}" if self.ks_pvalue >= 0.001 else f"{self.ks_pvalue:.1e}"
        return (f"n = {self.n_a} vs {self.n_b}, KS p = {p}, mean difference "
                f"{self.mean_diff:.{digits}f} [{lo:.{digits}f}, {hi:.{digits}f}] points")

    def verdict(self, expect: str = "better", alpha: float = 0.05) -> str:
        """Does a paper's claim about these populations hold? One of four plain answers.

        Args:
            expect: the claim. ``"better"``: population ``b`` has lower errors than ``a`` (a
                restriction that helps, e.g. D over C); ``"same"``: the two are alike (a
                restriction that costs nothing, e.g. A to B).
            alpha: significance level of the KS test.

        Returns:
            ``"holds"``, ``"holds in the mean only"`` (b's mean is lower with an interval that
            excludes 0, but the KS test does not reject at ``alpha``), ``"not confirmed"`` (no
            significant difference, for a "better" claim; or a significant difference for a
            "same" claim that is not in either direction clearly) or ``"contradicted"`` (a
            significant difference the other way; for "same", a significant difference).

        Raises:
            ValueError: for an unknown ``expect`` or ``alpha`` outside (0, 1).
        """
        if expect not in ("better", "same"):
            raise ValueError(f"expect must be 'better' or 'same', got {expect!r}")
        if not 0 < alpha < 1:
            raise ValueError(f"alpha must be in (0, 1), got {alpha!r}")
        significant = self.ks_pvalue < alpha
        lower_b = self.mean_diff > 0
        if expect == "same":
            if not significant and not self.mean_differs:
                return "holds"
            if significant and self.mean_differs:
                return "contradicted"
            return "not confirmed"
        if significant and lower_b:
            return "holds"
        if significant and not lower_b:
            return "contradicted"
        if self.mean_differs and lower_b:
            return "holds in the mean only"
        if self.mean_differs and not lower_b:
            return "contradicted"
        return "not confirmed"


def _quarter_size(n: int) -> int:
    """How many models a population's best (or worst) quarter holds: ``ceil(n / 4)``, at least 1."""
    return max(1, math.ceil(n / 4))


def _best_quartile_mean(x: np.ndarray) -> np.ndarray:
    """Mean of the ``ceil(n/4)`` smallest entries of each row."""
    k = _quarter_size(x.shape[-1])
    return np.partition(x, k - 1, axis=-1)[..., :k].mean(axis=-1)


def population_quarter(frame: Any, which: str = "best", error: str = "error") -> Any:
    """The best or worst quarter of a population: its ``ceil(n / 4)`` models with the lowest (or
    highest) ``error``, sorted from best to worst. The same quarter as the best-quartile
    statistics of :func:`compare_populations`; chapters use it to look at what good and bad models
    of a design space have in common (the paper's Sections 3.2-3.3).

    Args:
        frame: a DataFrame with one row per model (e.g. from :func:`regnet_lab.load_reference`).
        which: ``"best"`` or ``"worst"``.
        error: the column to rank by.

    Raises:
        ValueError: an empty frame, a missing column, or ``which`` not ``"best"``/``"worst"``.
    """
    if which not in ("best", "worst"):
        raise ValueError(f"which must be 'best' or 'worst', got {which!r}")
    if error not in getattr(frame, "columns", ()):
        raise ValueError(f"frame has no column {error!r}")
    if len(frame) == 0:
        raise ValueError("frame must hold at least one model")
    ranked = frame.sort_values(error, kind="stable").reset_index(drop=True)
    k = _quarter_size(len(ranked))
    return ranked.head(k) if which == "best" else ranked.tail(k).reset_index(drop=True)


def _bootstrap_stats(x: np.ndarray, reps: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    n = x.size
    means = np.empty(reps)
    quart = np.empty(reps)
    step = max(1, _MAX_ELEMENTS // n)
    for start in range(0, reps, step):
        r = min(step, reps - start)
        s = x[rng.integers(0, n, size=(r, n))]
        means[start:start + r] = s.mean(axis=1)
        quart[start:start + r] = _best_quartile_mean(s)
    return means, quart


def compare_populations(errors_a: Sequence[float], errors_b: Sequence[float], reps: int = 10_000,
                        seed: int = 0, ci: float = 0.95) -> Comparison:
    """Compare two populations of errors: KS test and bootstrap intervals of differences.

    The KS test asks whether the two EDFs could come from one distribution. The bootstrap
    resamples each population with replacement (independently, ``reps`` times) and gives ``ci``
    percentile intervals for ``mean(a) - mean(b)`` and for the difference of the *best-quartile
    mean error* (mean of the lowest quarter of errors; the paper cares most about the good end of
    the EDF). An interval that excludes 0 says the difference is not a resampling accident.

    Raises:
        ValueError: fewer than 2 errors in a population, NaNs, ``reps < 1``, ``ci`` not in (0, 1).
    """
    from scipy import stats

    a = _as_1d("errors_a", errors_a)
    b = _as_1d("errors_b", errors_b)
    if a.size < 2 or b.size < 2:
        raise ValueError(f"each population needs at least 2 errors, got {a.size} and {b.size}")
    reps = _check_reps(reps)
    ci = _check_fraction("ci", ci, closed_right=False)
    ks = stats.ks_2samp(a, b)
    rng = np.random.default_rng(_check_seed(seed))
    ma, qa = _bootstrap_stats(a, reps, rng)
    mb, qb = _bootstrap_stats(b, reps, rng)
    alpha = (1 - ci) / 2
    dm = np.quantile(ma - mb, [alpha, 1 - alpha])
    dq = np.quantile(qa - qb, [alpha, 1 - alpha])
    return Comparison(
        n_a=int(a.size), n_b=int(b.size),
        ks_statistic=float(ks.statistic), ks_pvalue=float(ks.pvalue),
        mean_diff=float(a.mean() - b.mean()), mean_diff_ci=(float(dm[0]), float(dm[1])),
        best_quartile_diff=float(_best_quartile_mean(a) - _best_quartile_mean(b)),
        best_quartile_ci=(float(dq[0]), float(dq[1])),
    )


# ================================================================================== width fit


@dataclass(frozen=True)
class WidthFit:
    """The best quantized linear fit to a network's per-block widths (Section 3.3, Fig. 8).

    Attributes:
        w0, wa, wm: the fitted parameters of eqs. (2)-(4).
        e_fit: mean absolute log-ratio between fitted and observed block widths,
            ``(1/d) sum_j |ln(w_fit_j / w_j)|`` (0 when the rule reproduces every width).
        depth: number of blocks ``d``.
        block_widths: the observed widths; fit_widths: the fit's quantized widths.
        q: the width quantum.
    """

    w0: int
    wa: float
    wm: float
    e_fit: float
    depth: int
    block_widths: tuple[int, ...]
    fit_widths: tuple[int, ...]
    q: int = 8

    def regnet(self, group_width: int = 8, bottleneck_ratio: float = 1.0, **fields: Any) -> RegNetConfig:
        """The RegNet description with the fitted ``w0, wa, wm`` and ``d``."""
        return RegNetConfig(depth=self.depth, w0=self.w0, wa=self.wa, wm=self.wm,
                            group_width=group_width, bottleneck_ratio=bottleneck_ratio, q=self.q, **fields)


def quantized_widths_grid(w0: np.ndarray, wa: np.ndarray, wm: np.ndarray, depth: int, q: int = 8) -> np.ndarray:
    """Block widths of the quantized linear rule for many ``(w0, wa, wm)`` at once: ``(N, depth)``.

    Same arithmetic as :func:`~regnet_lab.quantization.quantize_widths`, elementwise.
    """
    w0 = np.asarray(w0, dtype=np.float64)[:, None]
    wa = np.asarray(wa, dtype=np.float64)[:, None]
    wm = np.asarray(wm, dtype=np.float64)[:, None]
    u = np.arange(depth)[None, :] * wa + w0  # eq. (2)
    s = np.round(np.log(u / w0) / np.log(wm))  # eq. (3)
    return np.round(w0 * np.power(wm, s) / q).astype(np.int64) * q  # eq. (4)


def _fit_errors(log_obs: np.ndarray, w0: np.ndarray, wa: np.ndarray, wm: np.ndarray, q: int) -> np.ndarray:
    d = log_obs.size
    out = np.empty(w0.size)
    step = max(1, _MAX_ELEMENTS // d)
    for s in range(0, w0.size, step):
        w = quantized_widths_grid(w0[s:s + step], wa[s:s + step], wm[s:s + step], d, q)
        out[s:s + step] = np.abs(np.log(w) - log_obs[None, :]).mean(axis=1)
    return out


def _mesh(*axes: np.ndarray) -> list[np.ndarray]:
    return [a.ravel() for a in np.meshgrid(*axes, indexing="ij")]


def fit_quantized_linear(block_widths: Sequence[int], q: int = 8, wm_range: tuple[float, float] = (1.5, 3.0),
                         wa_max: float = 256.0, w0_values: Optional[Sequence[int]] = None) -> WidthFit:
    """Fit the quantized linear rule (eqs. 2-4) to per-block widths by grid search; ``e_fit``.

    Section 3.3: "given a model, we compute the fit by setting ``d`` to the network depth and
    performing a grid search over ``w0``, ``wa`` and ``wm``" minimising the mean log-ratio of
    predicted to observed per-block widths. Here ``e_fit = (1/d) sum_j |ln(w_fit_j / w_j)|``
    (natural log, absolute value so that errors of opposite sign do not cancel).

    The search is coarse to fine: ``w0`` over the multiples of ``q`` within a factor 3 of the
    first block's width (or ``w0_values``), ``wm`` in steps of 0.05 and ``wa`` on a log grid
    (plus 0); then around the 8 best coarse candidates ``w0 +- q``, ``wm`` in steps of 0.001
    (+-0.05) and ``wa`` in steps of 0.1 (+-30%). For widths generated by the rule with ``wm`` on
    the 0.001 grid and ``wa`` on the 0.1 grid this finds an exact fit (``e_fit = 0``); other
    parameters that give the same widths are equally good, so ``wa`` and ``wm`` are identified
    only up to the interval that produces the same stages.

    Args:
        block_widths: width of every block, in order (``description.block_widths``).
        q: width quantum.
        wm_range: searched range of ``wm`` (RegNet's 1.5-3 by default).
        wa_max: largest ``wa`` searched.
        w0_values: explicit ``w0`` candidates (multiples of ``q``).

    Raises:
        ValueError: empty widths, non-positive widths, a bad range.
    """
    obs = _as_1d("block_widths", block_widths)
    if np.any(obs <= 0):
        raise ValueError("block widths must be positive")
    if isinstance(q, bool) or not isinstance(q, Integral) or q < 1:
        raise ValueError(f"q must be a positive integer, got {q!r}")
    lo_m, hi_m = (float(x) for x in wm_range)
    if not 1 < lo_m <= hi_m:
        raise ValueError(f"wm_range must satisfy 1 < low <= high, got {wm_range!r}")
    if not wa_max > 0:
        raise ValueError(f"wa_max must be > 0, got {wa_max!r}")
    d = obs.size
    log_obs = np.log(obs)
    if w0_values is None:
        first = obs[0]
        w0s = np.arange(q, max(q, int(first * 3)) + 1, q)
        w0s = w0s[w0s >= first / 3] if np.any(w0s >= first / 3) else w0s
    else:
        w0s = np.asarray(sorted({int(v) for v in w0_values}), dtype=np.int64)
        if w0s.size == 0 or np.any(w0s <= 0) or np.any(w0s % q):
            raise ValueError(f"w0_values must be positive multiples of q={q}")
    # Coarse grid.
    wms = np.unique(np.round(np.append(np.arange(lo_m, hi_m, 0.05), hi_m), 3))
    was = np.concatenate([[0.0], np.round(np.geomspace(0.5, wa_max, 48), 1)])
    W0, WA, WM = _mesh(w0s.astype(np.float64), was, wms)
    err = _fit_errors(log_obs, W0, WA, WM, q)
    order = np.argsort(err, kind="stable")[:8]
    cand_w0, cand_wa, cand_wm, cand_err = [W0[order]], [WA[order]], [WM[order]], [err[order]]
    # Fine grids around the best coarse candidates.
    for i in order:
        w0_f = np.array([x for x in (W0[i] - q, W0[i], W0[i] + q) if x >= q], dtype=np.float64)
        wm_f = np.round(np.arange(max(lo_m, WM[i] - 0.05), min(hi_m, WM[i] + 0.05) + 1e-9, 0.001), 3)
        lo_a, hi_a = WA[i] / 1.3, max(WA[i] * 1.3, 1.0)
        wa_f = np.round(np.arange(max(0.0, np.floor(lo_a * 10) / 10), min(wa_max, hi_a) + 1e-9, 0.1), 1)
        f0, fa, fm = _mesh(w0_f, wa_f, wm_f)
        e = _fit_errors(log_obs, f0, fa, fm, q)
        j = np.argsort(e, kind="stable")[:1]
        cand_w0.append(f0[j])
        cand_wa.append(fa[j])
        cand_wm.append(fm[j])
        cand_err.append(e[j])
    W0, WA, WM, E = (np.concatenate(x) for x in (cand_w0, cand_wa, cand_wm, cand_err))
    k = int(np.argmin(E))
    fit = quantized_widths_grid(W0[k:k + 1], WA[k:k + 1], WM[k:k + 1], d, q)[0]
    return WidthFit(w0=int(W0[k]), wa=float(WA[k]), wm=float(WM[k]), e_fit=float(E[k]), depth=d,
                    block_widths=tuple(int(x) for x in obs), fit_widths=tuple(int(x) for x in fit), q=q)


# ================================================================================== frames


def _infer_regime(c: AnyNetConfig):
    from .design_spaces import REGIMES

    for reg in REGIMES.values():
        if all(getattr(c, k) == v for k, v in reg.overrides().items()):
            return reg
    return None


def results_frame(descriptions: Iterable[Union[AnyNetConfig, RegNetConfig]],
                  errors: Optional[Sequence[float]] = None, *, space: Union[str, Sequence[str], None] = None,
                  regime: Any = None, resolution: Optional[int] = None, fit: bool = False,
                  **columns: Sequence[Any]) -> Any:
    """One pandas row per model: description, per-stage numbers, complexity, error.

    Columns: ``space`` (if given), ``num_stages``, ``depth`` (total blocks), ``d1..``, ``w1..``,
    ``b1..``, ``g1..`` (per stage), ``flops``, ``params``, ``acts`` (counted by
    :func:`~regnet_lab.complexity.complexity` at the regime's resolution), ``error`` (if given),
    the RegNet parameters ``d, w0, wa, wm, b, g`` (NaN for AnyNet descriptions), ``e_fit`` and
    the fitted ``fit_w0, fit_wa, fit_wm`` when ``fit=True`` (slow: ~0.1-0.5 s per model), any extra
    ``columns`` given as keyword sequences, and ``description`` (the object itself).

    The resolution is ``resolution``, else ``regime``'s, else that of the built-in regime whose
    stem/channels/classes the description carries, else 224.
    """
    import pandas as pd

    from .design_spaces import regime as get_regime

    descs = list(descriptions)
    n = len(descs)
    for d_ in descs:
        if not isinstance(d_, (AnyNetConfig, RegNetConfig)):
            raise ValueError(f"descriptions must be AnyNetConfig or RegNetConfig, got {type(d_).__name__}")
    if errors is not None:
        errors = list(errors)
        if len(errors) != n:
            raise ValueError(f"{len(errors)} errors for {n} descriptions")
    for k, v in columns.items():
        if len(v) != n:
            raise ValueError(f"column {k!r} has {len(v)} values for {n} descriptions")
    if isinstance(space, str) or space is None:
        spaces = [space] * n
    else:
        spaces = list(space)
        if len(spaces) != n:
            raise ValueError(f"{len(spaces)} space names for {n} descriptions")
    fixed_res = resolution
    if fixed_res is None and regime is not None:
        fixed_res = get_regime(regime).resolution
    rows = []
    for i, desc in enumerate(descs):
        a = desc.to_anynet() if isinstance(desc, RegNetConfig) else desc
        res = fixed_res
        if res is None:
            reg = _infer_regime(a)
            res = reg.resolution if reg is not None else 224
        row: dict[str, Any] = {}
        if space is not None:
            row["space"] = spaces[i]
        row["num_stages"] = a.num_stages
        row["depth"] = a.depth
        for j, (dd, w, b, g) in enumerate(zip(a.depths, a.widths, a.bottleneck_ratios, a.group_widths), 1):
            row.update({f"d{j}": dd, f"w{j}": w, f"b{j}": b, f"g{j}": g})
        cx = complexity(a, resolution=res)
        row.update({"flops": cx.flops, "params": cx.params, "acts": cx.acts})
        if errors is not None:
            row["error"] = float(errors[i]) if errors[i] is not None else float("nan")
        if isinstance(desc, RegNetConfig):
            row.update({"d": desc.depth, "w0": desc.w0, "wa": desc.wa, "wm": desc.wm, "b": desc.b, "g": desc.g})
        else:
            row.update({k: float("nan") for k in ("d", "w0", "wa", "wm", "b", "g")})
        if fit:
            f = fit_quantized_linear(a.block_widths)
            row.update({"e_fit": f.e_fit, "fit_w0": f.w0, "fit_wa": f.wa, "fit_wm": f.wm})
        for k, v in columns.items():
            row[k] = v[i]
        row["description"] = desc
        rows.append(row)
    return pd.DataFrame(rows)
