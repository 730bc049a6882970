"""Comparing populations of networks the way the paper does (Section 2 and 3 of Radosavovic et al.).

* :func:`edf`: the error empirical distribution function ``F(e) = (1/n) sum_i 1[e_i < e]``
  (Section 2.2, eq. 1), the paper's main tool to compare design spaces.
* :func:`bootstrap_good_range`: the empirical bootstrap of Section 3 (Figs. 6 and 9): draw 25% of
  the ``(value, error)`` pairs with replacement, keep the value of the lowest-error pair, repeat
  10^4 times and take the 95% interval; fully vectorised.
* :func:`compare_populations`: a two-sample Kolmogorov-Smirnov test (``scipy.stats.ks_2samp``)
  plus bootstrap intervals (``scipy.stats.bootstrap``) for the difference of the mean error and
  of the best-quartile error; :meth:`Comparison.verdict` turns them into the book's verdict on a
  claim, with an equivalence test (TOST, margin :data:`EQUIVALENCE_MARGIN`) for "no difference".
* :func:`fit_quantized_linear`: the fit of the quantized linear rule to a network's per-block
  widths (Section 3.3, Fig. 8) and its error ``e_fit``.
* :func:`results_frame` / :func:`good_range_frame`: one pandas row per model, and the good ranges
  of several columns at once.
* :func:`random_search_curve`: the expected best error of ``k`` random models, and its
  quantiles, exactly from a population's order statistics (Fig. 9, right; Section 3.3).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from numbers import Integral, Real
from typing import Any, Iterable, Optional, Sequence, Union

import numpy as np

from . import validation as check
from .counting import complexity
from .configs import AnyNetConfig, RegNetConfig
from .quantization import block_exponents, exponent_widths

__all__ = [
    "edf",
    "population_quarter",
    "GoodRange",
    "bootstrap_good_range",
    "good_range_frame",
    "GoodRangeCheck",
    "check_good_range",
    "TREND_WORDS",
    "trend_across_regimes",
    "Comparison",
    "compare_populations",
    "EQUIVALENCE_MARGIN",
    "verdict_words",
    "format_pvalue",
    "WidthFit",
    "fit_quantized_linear",
    "quantized_widths_grid",
    "results_frame",
    "random_search_curve",
]

_MAX_ELEMENTS = 4_000_000  # bound on temporary array sizes in the vectorised loops


# ================================================================================== checks


def _as_1d(name: str, x: Any, allow_empty: bool = False) -> np.ndarray:
    check.no_bools(x, name)
    try:
        a = np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError, OverflowError):
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
    return check.positive_int(reps, "reps", check.MAX_REPS, "all resamples are held in memory")


def _check_fraction(name: str, x: object, closed_right: bool) -> float:
    return check.fraction(x, name, open_high=not closed_right)


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

    if not hasattr(frame, "columns"):
        raise check.ParameterTypeError(f"frame must be a pandas DataFrame (e.g. from load_sweep), "
                                       f"got {type(frame).__name__}")
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


@dataclass(frozen=True)
class GoodRangeCheck:
    """What a good range says about a statement that names some values (Section 4's trends).

    Attributes:
        agrees: ``"yes"``, ``"no"`` or ``"not decisive"`` (rules in :func:`check_good_range`).
        reading: what the range itself says, in words (e.g. "smaller is better: ...").
        cover: the share of the sampled span the range covers (of the logs when ``log``).
        at_min, at_max: whether the range reaches the smallest / largest sampled value.
    """

    agrees: str
    reading: str
    cover: float
    at_min: bool
    at_max: bool


def check_good_range(values: Sequence[float], lo: float, hi: float, named_lo: float,
                     named_hi: Optional[float] = None, log: bool = False,
                     edge: float = 0.05) -> GoodRangeCheck:
    """Compare a good range ``[lo, hi]`` of a parameter with a statement naming values.

    The statement names one value (``named_hi`` None or equal: "the best models have about
    v") or an interval ``[named_lo, named_hi]`` ("the best models have values in it").

    * An interval statement agrees when the good range lies inside it, disagrees when the two
      do not overlap, and is otherwise not decisive.
    * A one-value statement disagrees when ``v`` is outside the range, and agrees only when the
      range is ``[v, v]``, or when it contains ``v``, covers at most half of the sampled span
      and reaches neither end of it. A range that starts at the smallest sampled value says
      "smaller is better", not "about v", even if ``v`` is that smallest value (the paper's
      best depth of about 20 lies inside its sampled ``d < 64``); it is not decisive.

    A range "reaches" an end when it is within ``edge`` of the sampled span from it.

    Args:
        values: the parameter's values in the population (the sampled span is their min-max).
        lo, hi: the good range (e.g. from :func:`bootstrap_good_range`).
        named_lo, named_hi: the values the statement names.
        log: measure spans on a log scale (parameters sampled log-uniformly); needs values > 0.
        edge: the share of the span within which a range reaches an end.

    Raises:
        ValueError: for empty or non-finite values, ``lo > hi``, ``named_lo > named_hi``,
            ``edge`` outside [0, 0.5), or non-positive numbers with ``log=True``.
    """
    v = _as_1d("values", values)
    if not np.all(np.isfinite(v)):
        raise ValueError("values must be finite numbers")
    named_hi = named_lo if named_hi is None else named_hi
    nums = {"lo": lo, "hi": hi, "named_lo": named_lo, "named_hi": named_hi}
    for name, x in nums.items():
        if not isinstance(x, (int, float, np.integer, np.floating)) or not math.isfinite(x):
            raise ValueError(f"{name} must be a finite number, got {x!r}")
    if lo > hi:
        raise ValueError(f"lo = {lo} is above hi = {hi}")
    if named_lo > named_hi:
        raise ValueError(f"named_lo = {named_lo} is above named_hi = {named_hi}")
    if not 0 <= edge < 0.5:
        raise ValueError(f"edge must be in [0, 0.5), got {edge}")
    if log and (v.min() <= 0 or lo <= 0):
        raise ValueError("log=True needs positive values and a positive range")
    f = np.log if log else (lambda x: x)
    vmin, vmax = float(v.min()), float(v.max())
    span = float(f(vmax) - f(vmin))
    cover = float((f(hi) - f(lo)) / span) if span > 0 else 1.0
    at_min = span == 0 or float(f(lo) - f(vmin)) <= edge * span
    at_max = span == 0 or float(f(vmax) - f(hi)) <= edge * span
    if at_min and at_max:
        reading = "no preference: the range spans the sampled values"
    elif at_min:
        reading = f"smaller is better: the range starts at the smallest sampled value, {vmin:.3g}"
    elif at_max:
        reading = f"larger is better: the range ends at the largest sampled value, {vmax:.3g}"
    else:
        reading = f"a middle range, {lo:.3g} to {hi:.3g}"
    if hi < named_lo or lo > named_hi:
        agrees = "no"
    elif named_lo != named_hi:
        agrees = "yes" if named_lo <= lo and hi <= named_hi else "not decisive"
    elif lo == hi == named_lo:
        agrees = "yes"
    elif not at_min and not at_max and cover <= 0.5:
        agrees = "yes"
    else:
        agrees = "not decisive"
    return GoodRangeCheck(agrees, reading, cover, bool(at_min), bool(at_max))


# ================================================================================== comparing


#: The words of :func:`trend_across_regimes`, strongest first.
TREND_WORDS = ("shown", "suggested (medians rise, intervals overlap)",
               "opposite (falls with flops)", "not shown")


def trend_across_regimes(ranges: Sequence[Any]) -> str:
    """Whether a parameter's good range grows with flops, read across flop regimes.

    Section 4 of the paper (Fig. 11) reads trends of the good RegNetX models across flop
    regimes: g, wa and w0 "increase with flops". The book reads one parameter's good ranges in
    several bands, ordered from the lowest band to the highest (rows of
    :func:`good_range_frame` or :class:`GoodRange` objects; anything with ``lo``, ``median`` and
    ``hi`` as keys or attributes), by this rule (one of :data:`TREND_WORDS`):

    * ``"shown"``: the medians rise from every band to the next, and the lowest band's interval
      ends below the start of the highest band's (``lo`` to ``hi`` do not overlap);
    * ``"suggested (medians rise, intervals overlap)"``: the medians rise, the intervals overlap;
    * ``"opposite (falls with flops)"``: the medians fall from every band to the next and the
      two end bands' intervals do not overlap;
    * ``"not shown"``: anything else (medians that go up and down, or fall with overlap).

    The paper reads its figures by eye; this rule is the book's.

    >>> trend_across_regimes([{"lo": 8, "median": 16, "hi": 24}, {"lo": 32, "median": 48, "hi": 64}])
    'shown'
    >>> trend_across_regimes([{"lo": 8, "median": 16, "hi": 40}, {"lo": 32, "median": 48, "hi": 64}])
    'suggested (medians rise, intervals overlap)'

    Raises:
        ValueError: fewer than two bands, a band whose ``lo``, ``median`` or ``hi`` is missing
            or not a finite number, or ``lo <= median <= hi`` broken.
    """
    if isinstance(ranges, (str, bytes)) or not hasattr(ranges, "__len__"):
        raise check.ParameterTypeError("ranges must be a sequence of good ranges (lowest flops "
                                       f"band first), got {type(ranges).__name__}")
    if len(ranges) < 2:
        raise ValueError(f"ranges needs at least two flop bands to show a trend, got {len(ranges)}")
    rows = []
    for i, r in enumerate(ranges):
        row = {}
        for key in ("lo", "median", "hi"):
            try:  # a row of good_range_frame or a dict; else a GoodRange's attribute
                x = r[key]
            except (KeyError, TypeError, IndexError):
                x = getattr(r, key, None)
            if x is None:
                raise ValueError(f"ranges[{i}] has no {key!r}: give rows of good_range_frame or "
                                 "GoodRange objects")
            if isinstance(x, bool) or not isinstance(x, Real) or not math.isfinite(x):
                raise ValueError(f"ranges[{i}][{key!r}] must be a finite number, got {x!r}")
            row[key] = float(x)
        if not row["lo"] <= row["median"] <= row["hi"]:
            raise ValueError(f"ranges[{i}] must have lo <= median <= hi, got {row}")
        rows.append(row)
    med = [r["median"] for r in rows]
    rising = all(b > a for a, b in zip(med, med[1:]))
    falling = all(b < a for a, b in zip(med, med[1:]))
    if rising:
        return TREND_WORDS[0] if rows[0]["hi"] < rows[-1]["lo"] else TREND_WORDS[1]
    if falling and rows[0]["lo"] > rows[-1]["hi"]:
        return TREND_WORDS[2]
    return TREND_WORDS[3]


#: The equivalence margin of the "no difference" claims, in points of top-1 error. Two
#: populations count as alike when the difference of their mean errors is shown to lie within
#: plus or minus this margin (``Comparison.verdict(expect="same")``, a TOST on the mean
#: difference).
#:
#: Derivation. The margin is the seed noise of one model under the book's ``cpu`` recipe, the
#: change of a single model's error when it is trained again with another seed. Measured in the
#: pilots that chose that recipe (``benchmarks/pilots/rC.jsonl``, 8 AnyNetX_A samples of the
#: sweep's own sampler in the 2-6 MF band, 22 runs, three models with 5 seeds and two with 2),
#: the pooled within-model standard deviation is 0.754 points (14 degrees of freedom), rounded
#: to 0.75. The between-model standard deviation of the same models is 1.77 points, so the
#: margin is about 0.4 of the spread of a population. Rationale: a shift of a whole
#: population's mean error smaller than what retraining one model changes cannot matter for
#: choosing a design space at this recipe, so "the restriction costs nothing" is read as "the
#: mean errors differ by less than one model's seed noise". The paper states no margin (it
#: calls the A, B and C EDFs "virtually identical" by eye, Section 3.2); this one is the
#: book's. It was measured for the ``cpu`` recipe only; the ``gpu`` recipe's seed noise has not
#: been measured. ``tests/test_analysis.py`` recomputes it from the pilot file.
EQUIVALENCE_MARGIN = 0.75

_VERDICTS = {
    "better": ("holds", "suggested by KS only", "suggested by the mean only", "not shown",
               "contradicted by the mean only", "contradicted by KS only", "contradicted"),
    "same": ("holds", "not shown either way", "contradicted"),
}


def verdict_words(expect: Optional[str] = None) -> list[str]:
    """Every verdict :meth:`Comparison.verdict` can return, from the strongest evidence for the
    claim to the strongest evidence against it.

    For ``"better"`` the words are symmetric around ``"not shown"``: each kind of evidence for
    the claim (both tests, KS only, the mean only) has its mirror against it.

    Args:
        expect: ``"better"`` or ``"same"`` for the words of that kind of claim only; ``None``
            (default) for all of them, each once.

    >>> verdict_words("better")  # doctest: +NORMALIZE_WHITESPACE
    ['holds', 'suggested by KS only', 'suggested by the mean only', 'not shown',
     'contradicted by the mean only', 'contradicted by KS only', 'contradicted']
    >>> verdict_words("same")
    ['holds', 'not shown either way', 'contradicted']

    Raises:
        ValueError: for another ``expect``.
    """
    if expect is None:
        return list(dict.fromkeys(_VERDICTS["better"] + _VERDICTS["same"]))
    if expect not in _VERDICTS:
        raise ValueError(f"expect must be 'better', 'same' or None, got {expect!r}")
    return list(_VERDICTS[expect])


def _check_margin(margin: object) -> float:
    ok = not isinstance(margin, bool) and isinstance(margin, Real) and math.isfinite(float(margin))
    if not ok or float(margin) <= 0:  # type: ignore[arg-type]
        raise ValueError(f"margin must be a positive number of error points, got {margin!r}")
    return float(margin)  # type: ignore[arg-type]


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
        mean_diff_se, mean_diff_df: Welch's standard error of ``mean_diff``,
            ``sqrt(s_a^2 / n_a + s_b^2 / n_b)``, and its Welch-Satterthwaite degrees of freedom;
            the TOST of :meth:`tost_pvalue` needs them (``None`` in a hand-made Comparison).
        equivalence_margin: the default margin of :meth:`tost_pvalue` and of
            ``verdict(expect="same")``, in error points (:data:`EQUIVALENCE_MARGIN`).
    """

    n_a: int
    n_b: int
    ks_statistic: float
    ks_pvalue: float
    mean_diff: float
    mean_diff_ci: tuple[float, float]
    best_quartile_diff: float
    best_quartile_ci: tuple[float, float]
    mean_diff_se: Optional[float] = None
    mean_diff_df: Optional[float] = None
    equivalence_margin: float = EQUIVALENCE_MARGIN

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
        return (f"n = {self.n_a} vs {self.n_b}, KS p = {format_pvalue(self.ks_pvalue)}, mean "
                f"difference {self.mean_diff:.{digits}f} [{lo:.{digits}f}, {hi:.{digits}f}] points")

    def tost_pvalue(self, margin: Optional[float] = None) -> float:
        """p-value of the equivalence test "``|mean(a) - mean(b)| < margin``" (TOST).

        Two one-sided Welch t-tests (Schuirmann's TOST) on the mean difference ``d`` with
        standard error ``se`` and ``df`` degrees of freedom: ``H0: d <= -margin`` is rejected
        for large ``(d + margin) / se`` and ``H0: d >= margin`` for small ``(d - margin) / se``;
        the p-value of equivalence is the larger of the two one-sided p-values. Below ``alpha``,
        the populations' means are shown to differ by less than ``margin``. (The same numbers
        as ``scipy.stats.ttest_ind(a -/+ margin, b, equal_var=False, alternative=...)``.)

        Args:
            margin: half-width of the equivalence region in error points; default
                ``equivalence_margin``.

        Raises:
            ValueError: a margin that is not a positive number, or a Comparison made without
                ``mean_diff_se`` / ``mean_diff_df`` (make it with :func:`compare_populations`).
        """
        from scipy import stats

        m = _check_margin(self.equivalence_margin if margin is None else margin)
        se, df = self.mean_diff_se, self.mean_diff_df
        if se is None or df is None:
            raise ValueError("this Comparison has no mean_diff_se / mean_diff_df, which the TOST "
                             "needs: make it with compare_populations, or pass both fields")
        if se == 0:  # no spread at all: the difference is exactly known
            return 0.0 if abs(self.mean_diff) < m else 1.0
        p_low = stats.t.sf((self.mean_diff + m) / se, df)  # H0: d <= -m
        p_high = stats.t.cdf((self.mean_diff - m) / se, df)  # H0: d >= +m
        return float(max(p_low, p_high))

    def verdict(self, expect: str = "better", alpha: float = 0.05,
                margin: Optional[float] = None) -> str:
        """Does a claim about these populations hold? This book's rule (the paper reads its
        EDFs by eye, Section 3.2; the tests and their thresholds are ours).

        ``expect="better"``: the claim that population ``b`` has lower errors than ``a`` (a
        restriction that helps, e.g. D over C, Fig. 7). With "KS" the KS test rejecting at
        ``alpha`` and "the interval" the bootstrap interval of ``mean(a) - mean(b)``:

        * ``"holds"``: KS rejects and the interval lies entirely above 0;
        * ``"suggested by KS only"``: KS rejects, b's mean is lower, the interval touches 0;
        * ``"suggested by the mean only"``: the interval lies above 0, KS does not reject;
        * ``"not shown"``: neither test finds a difference;
        * ``"contradicted by the mean only"``: the interval lies entirely below 0, KS does not
          reject (the mirror of "suggested by the mean only");
        * ``"contradicted by KS only"``: KS rejects, b's mean is higher, the interval touches 0
          (the mirror of "suggested by KS only");
        * ``"contradicted"``: KS rejects and the interval lies entirely below 0 (the mirror of
          "holds").

        ``expect="same"``: the claim that a and b are alike (a restriction that costs nothing,
        e.g. A to B, Fig. 5), an equivalence question:

        * ``"holds"``: the TOST of :meth:`tost_pvalue` rejects non-equivalence at ``alpha``
          (the mean difference is within ``+-margin``) and KS does not reject;
        * ``"contradicted"``: a difference is shown (KS rejects and the interval excludes 0,
          or the interval lies entirely outside ``+-margin``);
        * ``"not shown either way"``: everything else (too few models to decide).

        Args:
            expect: ``"better"`` or ``"same"``.
            alpha: significance level of the KS test and of each one-sided test of the TOST.
            margin: equivalence margin in error points for ``"same"``; default
                ``equivalence_margin`` (:data:`EQUIVALENCE_MARGIN`).

        Returns:
            one of :func:`verdict_words` ``(expect)``.

        Raises:
            ValueError: an unknown ``expect``, ``alpha`` outside (0, 1), a bad margin, or
                ``"same"`` on a Comparison without ``mean_diff_se`` (see :meth:`tost_pvalue`).
        """
        if expect not in _VERDICTS:
            raise ValueError(f"expect must be 'better' or 'same', got {expect!r}")
        ok = not isinstance(alpha, bool) and isinstance(alpha, Real) and 0 < alpha < 1
        if not ok:
            raise ValueError(f"alpha must be a number in (0, 1), got {alpha!r}")
        ks = self.ks_pvalue < alpha
        lo, hi = self.mean_diff_ci
        if expect == "same":
            m = _check_margin(self.equivalence_margin if margin is None else margin)
            if (ks and self.mean_differs) or lo > m or hi < -m:
                return "contradicted"
            if self.tost_pvalue(m) < alpha and not ks:
                return "holds"
            return "not shown either way"
        if margin is not None:
            raise ValueError("margin applies to expect='same' only")
        if ks and lo > 0:
            return "holds"
        if ks and hi < 0:
            return "contradicted"
        if ks and self.mean_diff > 0:
            return "suggested by KS only"
        if ks and self.mean_diff < 0:
            return "contradicted by KS only"
        if lo > 0:
            return "suggested by the mean only"
        if hi < 0:
            return "contradicted by the mean only"
        return "not shown"


def format_pvalue(p: float) -> str:
    """A p-value for prose: two significant digits, scientific notation below 0.001.

    >>> format_pvalue(0.01234), format_pvalue(4.53e-17)
    ('0.012', '4.5e-17')
    """
    return f"{p:.2g}" if p >= 0.001 else f"{p:.1e}"


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


def _mean_difference(x: np.ndarray, y: np.ndarray, axis: int = -1) -> np.ndarray:
    return np.mean(x, axis=axis) - np.mean(y, axis=axis)


def _best_quartile_difference(x: np.ndarray, y: np.ndarray, axis: int = -1) -> np.ndarray:
    return _best_quartile_mean(np.moveaxis(x, axis, -1)) - _best_quartile_mean(np.moveaxis(y, axis, -1))


def _bootstrap_interval(a: np.ndarray, b: np.ndarray, statistic: Any, reps: int, seed: int,
                        ci: float) -> tuple[float, float]:
    """Percentile interval of ``statistic(a, b)`` over ``reps`` independent resamples of ``a`` and
    ``b`` (``scipy.stats.bootstrap``, unpaired). The same ``seed`` gives the same resamples for
    every statistic, so the mean and best-quartile intervals come from one set of resamples."""
    import inspect
    import warnings

    from scipy import stats

    rng = np.random.default_rng(seed)
    key = "rng" if "rng" in inspect.signature(stats.bootstrap).parameters else "random_state"
    with warnings.catch_warnings():
        # with reps == 1 scipy's standard error (not used here) divides by zero degrees of freedom
        warnings.simplefilter("ignore", RuntimeWarning)
        res = stats.bootstrap((a, b), statistic, n_resamples=reps, vectorized=True, paired=False,
                              axis=-1, confidence_level=ci, method="percentile",
                              batch=max(1, _MAX_ELEMENTS // max(a.size, b.size)), **{key: rng})
    return float(res.confidence_interval.low), float(res.confidence_interval.high)


def compare_populations(errors_a: Sequence[float], errors_b: Sequence[float], reps: int = 10_000,
                        seed: int = 0, ci: float = 0.95) -> Comparison:
    """Compare two populations of errors: KS test, bootstrap intervals of differences, and what
    the equivalence test needs.

    The KS test asks whether the two EDFs could come from one distribution. The bootstrap
    (``scipy.stats.bootstrap``, percentile method, each population resampled with replacement
    independently, ``reps`` times) gives ``ci`` intervals for ``mean(a) - mean(b)`` and for the
    difference of the *best-quartile mean error* (mean of the lowest quarter of errors; the
    paper cares most about the good end of the EDF). An interval that excludes 0 says the
    difference is not a resampling accident. The percentile method (rather than scipy's default
    BCa) keeps the intervals of the book's first analyses and suits the best-quartile
    statistic, an average of order statistics whose jackknife acceleration BCa relies on is
    unstable. Welch's standard error and degrees of freedom of the mean difference are stored
    for :meth:`Comparison.tost_pvalue`.

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
    seed = _check_seed(seed)
    with warnings.catch_warnings():
        # For some sizes with ties scipy cannot compute the exact p-value, warns, and uses the
        # asymptotic one: the p-value returned is still valid, the warning only noise in a chapter.
        warnings.filterwarnings("ignore", message="ks_2samp: Exact calculation unsuccessful",
                                category=RuntimeWarning)
        ks = stats.ks_2samp(a, b)
    dm = _bootstrap_interval(a, b, _mean_difference, reps, seed, ci)
    dq = _bootstrap_interval(a, b, _best_quartile_difference, reps, seed, ci)
    va, vb = a.var(ddof=1) / a.size, b.var(ddof=1) / b.size
    se = math.sqrt(va + vb)
    df = (va + vb) ** 2 / (va ** 2 / (a.size - 1) + vb ** 2 / (b.size - 1)) if se > 0 else float(a.size + b.size - 2)
    return Comparison(
        n_a=int(a.size), n_b=int(b.size),
        ks_statistic=float(ks.statistic), ks_pvalue=float(ks.pvalue),
        mean_diff=float(a.mean() - b.mean()), mean_diff_ci=dm,
        best_quartile_diff=float(_best_quartile_mean(a) - _best_quartile_mean(b)),
        best_quartile_ci=dq, mean_diff_se=float(se), mean_diff_df=float(df),
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
    s = block_exponents(w0, wa, wm, np.arange(depth)[None, :])  # eqs. (2)-(3)
    return exponent_widths(w0, wm, s, q)  # eq. (4)


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
    check.int_sequence(block_widths, "block_widths", 1, check.MAX_WIDTH, min_length=1,
                       reason="channels")
    obs = _as_1d("block_widths", block_widths)
    if np.any(obs <= 0):
        raise ValueError("block widths must be positive")
    if isinstance(q, bool) or not isinstance(q, Integral) or q < 1:
        raise ValueError(f"q must be a positive integer, got {q!r}")
    lo_m, hi_m = check.number_sequence(wm_range, "wm_range (low, high)", length=2)
    wa_max = check.finite(wa_max, "wa_max", maximum=check.MAX_WIDTH)
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


def stage_columns(description: Union[AnyNetConfig, RegNetConfig]) -> dict[str, Any]:
    """The per-stage columns of one model: ``num_stages``, then ``d1, w1, b1, g1, d2, ...``.

    The one place a description becomes table columns; :func:`results_frame` and
    :func:`regnet_lab.load_sweep` both use it.
    """
    row: dict[str, Any] = {"num_stages": description.num_stages}
    for j, (dd, w, b, g) in enumerate(zip(description.depths, description.widths,
                                          description.bottleneck_ratios, description.group_widths), 1):
        row.update({f"d{j}": dd, f"w{j}": w, f"b{j}": b, f"g{j}": g})
    return row


def results_frame(descriptions: Iterable[Union[AnyNetConfig, RegNetConfig]],
                  errors: Optional[Sequence[float]] = None, *, space: Union[str, Sequence[str], None] = None,
                  regime: Any = None, resolution: Optional[int] = None, fit: bool = False,
                  **columns: Sequence[Any]) -> Any:
    """One pandas row per model: description, per-stage numbers, complexity, error.

    Columns: ``space`` (if given), ``num_stages``, ``depth`` (total blocks), ``d1..``, ``w1..``,
    ``b1..``, ``g1..`` (per stage), ``flops``, ``params``, ``acts`` (counted by
    :func:`~regnet_lab.complexity` at the regime's resolution), ``error`` (if given),
    the RegNet parameters ``d, w0, wa, wm, b, g`` (NaN for AnyNet descriptions), ``e_fit`` and
    the fitted ``fit_w0, fit_wa, fit_wm`` when ``fit=True`` (slow: ~0.1-0.5 s per model), any extra
    ``columns`` given as keyword sequences, and ``description`` (the object itself).

    The resolution is ``resolution``, else ``regime``'s, else that of the built-in regime whose
    stem/channels/classes the description carries, else 224.
    """
    import pandas as pd

    from .design_spaces import regime as get_regime

    if isinstance(descriptions, (str, bytes, dict)) or not isinstance(descriptions, Iterable):
        raise check.ParameterTypeError(f"descriptions must be a list of AnyNetConfig or "
                                       f"RegNetConfig, got {type(descriptions).__name__}")
    descs = list(descriptions)
    n = len(descs)
    for d_ in descs:
        if not isinstance(d_, (AnyNetConfig, RegNetConfig)):
            raise ValueError(f"descriptions must be AnyNetConfig or RegNetConfig, got {type(d_).__name__}")
    if errors is not None:
        if isinstance(errors, (str, bytes, dict)) or not isinstance(errors, Iterable):
            raise check.ParameterTypeError(f"errors must be a list of numbers (one per "
                                           f"description), got {type(errors).__name__}")
        check.no_bools(list(errors), "errors")
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
        row.update(stage_columns(a))
        row["depth"] = a.depth
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


# ================================================================================== random search


#: The largest ``k`` :func:`random_search_curve` accepts (a number of models drawn; far beyond
#: it the expected best is the population's minimum to every digit a float holds).
MAX_SEARCH_K = 10**12


def _quantile_label(q: float) -> str:
    return f"q{100 * q:g}"


def random_search_curve(errors: Sequence[float], ks: Sequence[int],
                        quantiles: Sequence[float] = (0.25, 0.5, 0.75)) -> Any:
    """The best error of ``k`` random models of a population, for each ``k`` in ``ks``.

    Fig. 9 (right) of the paper (Section 3.3) shows the "random search efficiency" of its
    design spaces, how good the best of ``k`` randomly drawn models is as ``k`` grows, and
    concludes that "searching over just ~32 random models is likely to yield good models". The
    curve is a property of a population's error EDF (Section 2.2, eq. 1): drawing ``k`` models
    of a trained population at random with replacement is drawing ``k`` times from its EDF.
    The paper's text does not say how it computed the curve; the exact computation from the
    order statistics below (no simulation) is this book's way. With the errors sorted,
    ``e_(1) <= ... <= e_(n)``, the lowest index ``I`` among ``k`` uniform draws has
    ``P(I > i) = ((n - i) / n)^k``, so

    * the expected best is ``sum_i e_(i) [((n - i + 1) / n)^k - ((n - i) / n)^k]``;
    * its ``q``-quantile is the smallest ``e_(i)`` with ``1 - ((n - i) / n)^k >= q`` (the
      inverse of the best error's distribution function, as ``np.quantile(...,
      method="inverted_cdf")`` defines it; ties are handled by the order statistics).

    ``k = 1`` gives the mean error of the population, and as ``k`` grows the curve falls to
    the population's minimum.

    Args:
        errors: the population's errors (at least one; NaN, infinity and booleans refused).
        ks: the numbers of models drawn, positive integers, each at most once, e.g.
            ``range(1, 101)``.
        quantiles: quantiles of the best error to report, each in (0, 1], each at most once.

    Returns:
        A DataFrame indexed by ``k`` (in the order of ``ks``) with the column ``expected`` and
        one column per quantile, named ``q25``, ``q50``, ``q75`` for the defaults (``q`` and the
        quantile in percent).

    Raises:
        TypeError: a parameter of the wrong type (e.g. ``ks=[1.5]`` or ``ks=True``).
        ValueError: empty or non-finite errors, ``k < 1``, a quantile outside (0, 1], or a
            value repeated in ``ks`` or ``quantiles``.

    >>> curve = random_search_curve([3.0, 1.0, 2.0], ks=[1, 2], quantiles=[0.5])
    >>> curve.round(4).to_dict()
    {'expected': {1: 2.0, 2: 1.5556}, 'q50': {1: 2.0, 2: 1.0}}
    """
    from collections import Counter

    import pandas as pd

    e = np.sort(_as_1d("errors", errors))
    ks = check.int_sequence(ks, "ks", minimum=1, maximum=MAX_SEARCH_K, min_length=1,
                            reason="a number of models drawn; for larger k use the "
                                   "population's minimum")
    qs = check.number_sequence(quantiles, "quantiles", minimum=0.0, maximum=1.0, open_low=True)
    for name, values in (("ks", ks), ("quantiles", qs)):
        repeated = sorted(v for v, count in Counter(values).items() if count > 1)
        if repeated:
            raise ValueError(f"{name} repeats {repeated}; give each value once")
    n = e.size
    above = (n - np.arange(n + 1)) / n  # above[i] = (n - i) / n, i = 0..n
    rows = []
    for k in ks:
        survival = above ** float(k)  # survival[i] = P(I > i)
        p_min = survival[:-1] - survival[1:]  # P(I = i), i = 1..n
        cdf = 1.0 - survival[1:]  # P(I <= i)
        # a tolerance of a few ulps keeps exact cases (q = 0.5, cdf = 1/2) on the right side
        at = np.minimum(np.searchsorted(cdf, np.asarray(qs) - 1e-12, side="left"), n - 1)
        row = {"expected": float(np.dot(e, p_min))}
        row.update({_quantile_label(q): float(e[i]) for q, i in zip(qs, at)})
        rows.append(row)
    columns = ["expected"] + [_quantile_label(q) for q in qs]
    return pd.DataFrame(rows, index=pd.Index(ks, name="k"), columns=columns)
