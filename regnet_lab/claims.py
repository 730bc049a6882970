"""The paper's claims the book checks, their verdicts, and the figure-by-figure map of the paper.

Radosavovic et al. (CVPR 2020) argue by comparing populations of trained networks: each step
from AnyNetX_A to RegNetX (Sections 3.2-3.3, Figs. 5, 7 and 9) is justified by error EDFs that
stay alike or move to the left. This module is the one place where those claims are written
down, and the one way a chapter states their verdict:

* :func:`paper_claims`: the registry, one :class:`PaperClaim` per claim (its id, where the paper
  makes it, the two design spaces, what is expected, the chapter that checks it);
* :func:`check_claim`: the claim decided on the book's reference results
  (:func:`~regnet_lab.reference.load_reference`, the same data the chapters plot) by
  :func:`~regnet_lab.analysis.compare_populations` and
  :meth:`~regnet_lab.analysis.Comparison.verdict`, as a :class:`ClaimResult` with the verdict
  and one sentence with the numbers;
* :func:`paper_items` and :func:`paper_map_markdown`: one row per figure and table of the paper
  (what it shows, where the book shows its counterpart, at what scale, and the verdict from
  :func:`check_claim` or the reason there is none), rendered by the book's page
  ``book/paper_map.md`` when the book is built, so the map and the chapters cannot disagree.

The verdict words and rules are :meth:`~regnet_lab.analysis.Comparison.verdict`'s: KS test plus
a bootstrap interval for "better" claims, an equivalence test (TOST, margin
:data:`~regnet_lab.analysis.EQUIVALENCE_MARGIN`) for "no difference" claims. These tests are
this book's method; the paper reads its EDFs by eye.

>>> import regnet_lab as rl
>>> [c.id for c in rl.paper_claims()]
['A~B', 'B~C', 'C>D', 'D>E', 'E>6param', '6param>refined', 'A>E', 'w_equal>D', 'w_decreasing>D', 'd_equal>E', 'd_decreasing>E', '6param>wm2', '6param>w0=wa', 'A>E@band-6-18MF', 'E>6param@band-6-18MF', 'A>E@epochs-10', 'E>6param@epochs-10', 'A>E@block-R', 'E>6param@block-R', 'A>E@block-V', 'E>6param@block-V', 'A>E@stages-5', 'E>6param@stages-5', '6param>constrained', 'inverted>6param', 'depthwise>6param', '6param>Y', '20px>28px', '36px>28px', '6param~fixed_depth', '3stages>6param@6-18MF']
>>> rl.check_claim("C>D").verdict in rl.verdict_words("better")   # doctest: +SKIP
True
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Optional

from .analysis import Comparison, compare_populations, format_pvalue

__all__ = ["PaperClaim", "ClaimResult", "paper_claims", "check_claim", "PaperItem", "paper_items",
           "paper_map_markdown", "NOT_STATED"]

#: What the map says where the book's references (the project's notes on the paper and the
#: blog posts it started from) do not say what a figure or table of the paper shows.
NOT_STATED = "not stated in our references"


@dataclass(frozen=True)
class PaperClaim:
    """One claim of the paper (or of the book) about two design spaces.

    Attributes:
        id: the claim's fixed name, e.g. ``"C>D"`` (``check_claim("C>D")``).
        where: where it is made, e.g. ``"Fig. 7 / Sec. 3.2"``.
        quote: what the paper says; words in double quotes are the paper's own, the rest is a
            paraphrase.
        space_a, space_b: the design spaces compared; the comparison is ``a`` minus ``b``.
        expect: ``"better"`` (``space_b`` has lower errors than ``space_a``) or ``"same"``.
        chapter: the chapter that checks it (notebook name without ``.ipynb``, in ``chapters/``).
        experiment: where the populations are: ``None`` for the book's reference populations;
            else an experiment of :func:`~regnet_lab.experiments.experiments`, whose populations
            are used for the spaces it trains (the other space comes from the reference set).
        sides: where ``space_a``'s and ``space_b``'s populations are, each an experiment's name
            or ``None`` for the reference set, when ``experiment``'s rule cannot say: a space
            compared with itself in two settings (Fig. 14's input sides), or a base population
            that was itself trained in an experiment (Appendix B's 3 stages at 6-18 MF against
            ``band-6-18MF``'s RegNetX_6param).
    """

    id: str
    where: str
    quote: str
    space_a: str
    space_b: str
    expect: str
    chapter: str
    experiment: Optional[str] = None
    sides: Optional[tuple[Optional[str], Optional[str]]] = None

    def experiment_of(self, space: str) -> Optional[str]:
        """The experiment that holds ``space``'s population for this claim (None: the reference
        set)."""
        if self.sides is not None:
            if self.space_a == self.space_b:
                raise ValueError(f"claim {self.id!r} compares {space} with itself: use .sources")
            return self.sides[(self.space_a, self.space_b).index(space)]
        if self.experiment is None:
            return None
        from .experiments import experiment

        return self.experiment if space in experiment(self.experiment).spaces else None

    @property
    def sources(self) -> tuple[Optional[str], Optional[str]]:
        """Where ``space_a``'s and ``space_b``'s populations are (experiment names; None: the
        reference set)."""
        if self.sides is not None:
            return self.sides
        return self.experiment_of(self.space_a), self.experiment_of(self.space_b)

    @property
    def labels(self) -> tuple[str, str]:
        """The two populations' names, ``space_a``'s first; when the claim names its ``sides``,
        each space with where its population is kept."""
        if self.sides is None:
            return self.space_a, self.space_b
        return tuple(f"{s} ({f'experiment {e!r}' if e else 'reference set'})"
                     for s, e in zip((self.space_a, self.space_b), self.sides))

    @property
    def statement(self) -> str:
        """The claim in a few words, e.g. ``'AnyNetX_D better than AnyNetX_C'``."""
        a, b = self.labels
        if self.expect == "same":
            return f"{a} and {b} alike"
        return f"{b} better than {a}"


def _ordering_claims(experiment: str, setting: str,
                     suffix: str = "") -> tuple[PaperClaim, PaperClaim]:
    """Fig. 10's two halves of the ordering, ``A>E@<experiment>`` and ``E>6param@<experiment>``,
    on the experiment's versions of the three spaces (``AnyNetX_A<suffix>``, ...)."""
    quote = '"in all cases the ordering is consistent, RegNetX > AnyNetX_E > AnyNetX_A"'
    a, e, r = (f"{s}{suffix}" for s in ("AnyNetX_A", "AnyNetX_E", "RegNetX_6param"))
    return (PaperClaim(f"A>E@{experiment}", "Fig. 10 / Sec. 3.4",
                       f"{setting}, AnyNetX_E is better than AnyNetX_A: {quote}",
                       a, e, "better", "14_generalization", experiment),
            PaperClaim(f"E>6param@{experiment}", "Fig. 10 / Sec. 3.4",
                       f"{setting}, RegNetX (the six-parameter space) is better than AnyNetX_E: "
                       f"{quote}", e, r, "better", "14_generalization", experiment))



def _resolution_claim(side: int) -> PaperClaim:
    """Fig. 14's resolution test at input side ``side`` (experiment ``resolution-<side>``):
    RegNetX_6param at the data set's own 28 px better than at ``side``."""
    than = "a smaller" if side < 28 else "a larger"
    return PaperClaim(f"{side}px>28px", "Fig. 14 / Sec. 4",
                      "varying the input resolution hurts, the training resolution (224 px "
                      f"there, 28 px here) is best: RegNetX at the native side is better than at "
                      f"{than} one", "RegNetX_6param", "RegNetX_6param", "better",
                      "17_alternate_designs", f"resolution-{side}",
                      sides=(f"resolution-{side}", None))

_CLAIMS = (
    PaperClaim("A~B", "Fig. 5 / Sec. 3.2",
               'one bottleneck ratio b shared by all stages (AnyNetX_A to AnyNetX_B) leaves the '
               'error EDF "virtually identical"', "AnyNetX_A", "AnyNetX_B", "same", "05_anynetx_b"),
    PaperClaim("B~C", "Fig. 5 / Sec. 3.2",
               'one group width g shared by all stages (AnyNetX_B to AnyNetX_C) leaves the error '
               'EDF "virtually identical"', "AnyNetX_B", "AnyNetX_C", "same", "06_anynetx_c"),
    PaperClaim("C>D", "Fig. 7 / Sec. 3.2",
               "widths that never shrink (w_{i+1} >= w_i, AnyNetX_C to AnyNetX_D) improve the "
               "EDF clearly; constant or shrinking widths are much worse",
               "AnyNetX_C", "AnyNetX_D", "better", "07_anynetx_d"),
    PaperClaim("D>E", "Fig. 7 / Sec. 3.2",
               "depths that never shrink (d_{i+1} >= d_i, AnyNetX_D to AnyNetX_E) improve the "
               "EDF further; constant or shrinking depths are much worse",
               "AnyNetX_D", "AnyNetX_E", "better", "08_anynetx_e"),
    PaperClaim("E>6param", "Fig. 9 / Sec. 3.3",
               '"Models in RegNetX have better average error than AnyNetX while maintaining the '
               'best models" (RegNetX there is the six-parameter space, RegNetX_6param here)',
               "AnyNetX_E", "RegNetX_6param", "better", "09_regnet"),
    PaperClaim("6param>refined", "this book, not a figure of the paper",
               "no statement of the paper: the book's own refinement (b = 1, wm >= 2 and a depth "
               "window), after the trends of Sec. 4; the paper's refined space is "
               '"RegNetX constrained" (Sec. 4, Fig. 13), which differs',
               "RegNetX_6param", "RegNetX_refined", "better", "10_regnet_trends"),
    PaperClaim("A>E", "Sec. 3.2, the steps A to E together",
               "every refinement from AnyNetX_A to AnyNetX_E keeps or improves the EDF, so "
               "AnyNetX_E is better than AnyNetX_A; Sec. 3.4 finds the ordering "
               '"RegNetX > AnyNetX_E > AnyNetX_A" in all of its settings',
               "AnyNetX_A", "AnyNetX_E", "better", "02_design_spaces"),
    PaperClaim("w_equal>D", "Fig. 7 (left) / Sec. 3.2",
               "increasing widths (AnyNetX_D) are better than constant ones (w_{i+1} = w_i), "
               "which are much worse, per the paper's Fig. 7",
               "AnyNetX_C_equal_widths", "AnyNetX_D", "better", "07_anynetx_d", "variants"),
    PaperClaim("w_decreasing>D", "Fig. 7 (left) / Sec. 3.2",
               "increasing widths (AnyNetX_D) are better than decreasing ones (w_{i+1} <= w_i), "
               "which are much worse, per the paper's Fig. 7",
               "AnyNetX_C_decreasing_widths", "AnyNetX_D", "better", "07_anynetx_d", "variants"),
    PaperClaim("d_equal>E", "Fig. 7 (right) / Sec. 3.2",
               "increasing depths (AnyNetX_E) are better than constant ones (d_{i+1} = d_i), "
               "which are much worse, per the paper's Fig. 7",
               "AnyNetX_D_equal_depths", "AnyNetX_E", "better", "08_anynetx_e", "variants"),
    PaperClaim("d_decreasing>E", "Fig. 7 (right) / Sec. 3.2",
               "increasing depths (AnyNetX_E) are better than decreasing ones (d_{i+1} <= d_i), "
               "which are much worse, per the paper's Fig. 7",
               "AnyNetX_D_decreasing_depths", "AnyNetX_E", "better", "08_anynetx_e", "variants"),
    PaperClaim("6param>wm2", "Fig. 9 (middle) / Sec. 3.3",
               "restricting RegNetX to wm = 2 improves the EDF slightly (the paper does not "
               "impose it, to keep the models diverse)",
               "RegNetX_6param", "RegNetX_6param_wm2", "better", "13_regnet_under_test",
               "variants"),
    PaperClaim("6param>w0=wa", "Fig. 9 (middle) / Sec. 3.3",
               "restricting RegNetX to w0 = wa (u_j = wa (j + 1)) improves the EDF further (not "
               "imposed either, to keep the models diverse)",
               "RegNetX_6param", "RegNetX_6param_w0_eq_wa", "better", "13_regnet_under_test",
               "variants"),
    *_ordering_claims("band-6-18MF", "at higher flops"),
    *_ordering_claims("epochs-10", "with longer training (10 epochs instead of 4)"),
    *_ordering_claims("block-R", "with R blocks (residual basic)", "_block_R"),
    *_ordering_claims("block-V", "with V blocks (vanilla)", "_block_V"),
    *_ordering_claims("stages-5", "with 5-stage networks", "_stages_5"),
    PaperClaim("6param>constrained", "Fig. 13 / Sec. 4",
               '"RegNetX constrained" (b = 1, d <= 40, wm >= 2, plus limits on parameters and '
               "activations): our notes on the paper give its rules, not what Fig. 13 reports "
               "about it, so the book tests the direction its construction as a refinement "
               "implies, better than RegNetX; here without the limits, whose values our notes "
               "do not give either",
               "RegNetX_6param", "RegNetX_constrained_no_limits", "better",
               "17_alternate_designs", "constrained"),
    PaperClaim("inverted>6param", "Fig. 14 / Sec. 4",
               "the inverted bottleneck (1/8 <= b <= 1) degrades the EDF slightly: RegNetX with "
               "b >= 1 is better", "RegNetX_6param_inverted", "RegNetX_6param", "better",
               "17_alternate_designs", "alternate-designs"),
    PaperClaim("depthwise>6param", "Fig. 14 / Sec. 4",
               "depthwise convolution (g = 1) is worse still than the inverted bottleneck: "
               "RegNetX with its sampled group widths is better", "RegNetX_6param_depthwise",
               "RegNetX_6param", "better", "17_alternate_designs", "alternate-designs"),
    PaperClaim("6param>Y", "Fig. 14 / Sec. 4",
               "RegNetY (the X block with Squeeze-and-Excitation) improves the EDF over RegNetX",
               "RegNetX_6param", "RegNetY_6param", "better", "17_alternate_designs",
               "alternate-designs"),
    *(_resolution_claim(side) for side in (20, 36)),
    PaperClaim("6param~fixed_depth", "Appendix B",
               "a single fixed depth (d = 20 there, d = 6 here) does as well as a variable depth",
               "RegNetX_6param", "RegNetX_6param_fixed_depth", "same", "17_alternate_designs",
               "appendix-b"),
    PaperClaim("3stages>6param@6-18MF", "Appendix B",
               "3-stage networks are poor at high flops: at 6-18 MF, 4-stage RegNetX is better",
               "RegNetX_6param_stages_3", "RegNetX_6param", "better", "17_alternate_designs",
               "appendix-b-6-18MF", sides=("appendix-b-6-18MF", "band-6-18MF")),
)


def paper_claims() -> list[PaperClaim]:
    """Every claim the book checks, in the order the paper makes them (the book's own last).

    The ids are fixed (chapters call ``check_claim("<id>")``): ``A~B`` and ``B~C`` (Fig. 5,
    no difference), ``C>D`` and ``D>E`` (Fig. 7), ``E>6param`` (Fig. 9), ``6param>refined``
    (this book's refinement, chapter 10) and ``A>E`` (Section 3.2 as a whole, chapter 2); on
    the populations of the experiment ``variants``: Fig. 7's ``w_equal>D``, ``w_decreasing>D``
    (chapter 7), ``d_equal>E``, ``d_decreasing>E`` (chapter 8) and Fig. 9's ``6param>wm2``,
    ``6param>w0=wa`` (chapter 13); Section 3.4's ordering (Fig. 10) in another setting, named
    ``<claim>@<experiment>``: ``A>E@band-6-18MF``, ``E>6param@band-6-18MF``, and the same two
    with 10 epochs (``@epochs-10``), R blocks (``@block-R``) and V blocks (``@block-V``)
    (chapter 14).
    """
    return list(_CLAIMS)


def _claim(claim_id: object) -> PaperClaim:
    for c in _CLAIMS:
        if c.id == claim_id:
            return c
    raise ValueError(f"unknown claim {claim_id!r}: use one of {', '.join(c.id for c in _CLAIMS)}")


@dataclass(frozen=True)
class ClaimResult:
    """A claim decided on the book's reference results (:func:`check_claim`).

    Attributes:
        claim: the :class:`PaperClaim`.
        comparison: :func:`~regnet_lab.analysis.compare_populations` of ``space_a`` against
            ``space_b`` (errors in %, ``a`` minus ``b``).
        verdict: ``comparison.verdict(claim.expect)``, one of
            :func:`~regnet_lab.analysis.verdict_words`.
        sentence: one plain sentence with the numbers (sizes, KS p, mean difference and its
            interval, the TOST p-value for a "same" claim) and the verdict.
        scale: the data behind it: data set, budget and recipe, flops range, models per space.
        tost_pvalue: the TOST p-value of a "same" claim (``None`` for "better" claims).
        recipe: ``scale`` without the numbers of models.
    """

    claim: PaperClaim
    comparison: Comparison
    verdict: str
    sentence: str
    scale: str
    tost_pvalue: Optional[float] = None
    recipe: str = ""


@dataclass(frozen=True, eq=False)
class _Population:
    errors: object  # read-only float array of the models' errors (%)
    datasets: tuple[str, ...]
    flops: tuple[float, float]


@lru_cache(maxsize=32)
def _load_population(space: str, budget: str, experiment: Optional[str], stamp: tuple) -> _Population:
    """One space's reference errors; ``stamp`` (path, size, mtime) makes a changed file reload."""
    from .reference import load_reference

    frame = load_reference(space, budget=budget, experiment=experiment)
    errors = frame["error"].to_numpy(dtype=float).copy()
    errors.flags.writeable = False
    flops = frame["flops"].to_numpy(dtype=float)
    lo_hi = (float(flops.min()), float(flops.max())) if flops.size else (0.0, 0.0)
    return _Population(errors, tuple(sorted({str(d) for d in frame["dataset"]})), lo_hi)


def _populations(claim: PaperClaim, budget: str) -> list[_Population]:
    """Both spaces' reference results: first whether they exist, then whether they hold enough."""
    from .reference import reference_dir

    found = []
    for space, exp in zip((claim.space_a, claim.space_b), claim.sources):
        try:
            path = reference_dir(budget, [space], exp) / f"{space}.jsonl"
            st = path.stat()
        except FileNotFoundError as err:
            raise FileNotFoundError(f"claim {claim.id!r} ({claim.statement}) needs the "
                                    f"{budget!r} reference results of {space}, which are not "
                                    f"there: {err}") from err
        found.append(_load_population(space, budget, exp, (str(path), st.st_size, st.st_mtime_ns)))
    for space, pop in zip((claim.space_a, claim.space_b), found):
        if pop.errors.size < 2:
            raise ValueError(f"claim {claim.id!r} needs at least 2 trained models of {space} in "
                             f"the {budget!r} reference results, found {pop.errors.size}: wait "
                             "for the sweep")
    return found


def _scale(pops: list[_Population], budget: str) -> str:
    from .budget import BUDGETS
    from .data import DATASETS, dataset_info

    datasets = sorted({dataset_info(d).title if d in DATASETS else d for p in pops
                       for d in p.datasets})
    lo = min(p.flops[0] for p in pops) / 1e6
    hi = max(p.flops[1] for p in pops) / 1e6
    recipe = ""
    if budget in BUDGETS:
        b = BUDGETS[budget]
        images = f"{b.train_subset:,} images" if b.train_subset else "the whole training set"
        recipe = f" ({b.epochs} epochs on {images})"
    return f"{', '.join(datasets)}, {budget} budget{recipe}, {lo:.1f}-{hi:.1f} MF"


def check_claim(claim_id: str, budget: str = "cpu") -> ClaimResult:
    """Decide one claim of :func:`paper_claims` on the book's reference results.

    Loads both design spaces' trained populations with
    :func:`~regnet_lab.reference.load_reference` (models whose training finished), compares
    their errors with :func:`~regnet_lab.analysis.compare_populations` (default seed, so the
    numbers are the same in every chapter and in the figure map) and applies
    :meth:`~regnet_lab.analysis.Comparison.verdict` with the claim's ``expect``.

    Args:
        claim_id: an id of :func:`paper_claims`, e.g. ``"C>D"``.
        budget: which reference set (``"cpu"``; ``"gpu"`` where it has been made).

    Raises:
        ValueError: an unknown claim id or budget, or fewer than 2 trained models of a space.
        FileNotFoundError: a space's reference results are missing (the message names the
            claim and the space); the other claims still work.
    """
    claim = _claim(claim_id)
    pa, pb = _populations(claim, budget)
    c = compare_populations(pa.errors, pb.errors)
    verdict = c.verdict(claim.expect)
    lo, hi = c.mean_diff_ci
    tost = c.tost_pvalue() if claim.expect == "same" else None
    a_name, b_name = claim.labels
    if claim.sides is not None:
        where = f"{budget} results"
    else:
        where = (f"{budget} results of experiment '{claim.experiment}'" if claim.experiment
                 else f"{budget} reference results")
    sentence = (f"{a_name} against {b_name} ({where}, "
                f"n = {c.n_a} vs {c.n_b}): KS p = {format_pvalue(c.ks_pvalue)}, mean error "
                f"difference {claim.space_a} - {claim.space_b} = {c.mean_diff:.2f} points "
                f"(95% bootstrap interval {lo:.2f} to {hi:.2f})")
    if tost is not None:
        sentence += (f", TOST p = {format_pvalue(tost)} for a margin of "
                     f"+-{c.equivalence_margin:.2f} points")
    sentence += f"; the claim \"{claim.statement}\" ({claim.where}): {verdict}."
    recipe = _scale([pa, pb], budget)
    scale = f"{recipe}, n = {c.n_a} vs {c.n_b}"
    return ClaimResult(claim, c, verdict, sentence, scale, tost, recipe)


# ================================================================================== the map


@dataclass(frozen=True)
class PaperItem:
    """One figure or table of the paper, and what the book does with it (a row of the map).

    Attributes:
        item: e.g. ``"Fig. 7"``, ``"Table 1"``, ``"Appendix B"``.
        shows: what the paper shows there, in the book's words (:data:`NOT_STATED` where the
            book's references do not say).
        source: where that description comes from (the section of the paper, as recorded in
            the project's notes on the paper, or a seed blog post); empty for :data:`NOT_STATED`.
        chapters: the chapters that show the book's counterpart (notebook names).
        counterpart: what those chapters show.
        scale: the scale of the book's counterpart, for items without claims (for claims it is
            computed from the data by :func:`check_claim`).
        claims: ids of :func:`paper_claims` decided for this item.
        no_verdict: why the book has no verdict here (or none for part of the item).
    """

    item: str
    shows: str
    source: str = ""
    chapters: tuple[str, ...] = ()
    counterpart: str = ""
    scale: str = ""
    claims: tuple[str, ...] = ()
    no_verdict: str = ""


_SEC5 = ("compared in ch. 16 at our scale (the best of 25 random RegNetX_refined models, with and "
         "without SE, against ResNe(X)t-style AnyNets and MobileNetV2 / EfficientNet-B0 adapted "
         "to 28 px, matched in flops or activations, 5 seeds each): verdicts per pair there, "
         "from 5 seeds of one network each, not registry claims")
_NO_CLAIM = "a picture of the method, not a claim to test"

_ITEMS = (
    PaperItem("Fig. 1", NOT_STATED, no_verdict="-"),
    PaperItem("Fig. 2", NOT_STATED, no_verdict="-"),
    PaperItem("Fig. 3", NOT_STATED, no_verdict="-"),
    PaperItem("Fig. 4", NOT_STATED, no_verdict="-"),
    PaperItem("Fig. 5",
              "AnyNetX_B (one shared bottleneck ratio b) and AnyNetX_C (one shared group width "
              "g) against their predecessors: error EDFs virtually unchanged, 500 models per "
              "space trained 10 epochs on ImageNet at 360-400 MF; the good range of b says b <= "
              "2 is best (95% confidence), and g > 1 is best",
              "Sec. 3.1-3.2",
              ("05_anynetx_b", "06_anynetx_c"),
              "the A-B and B-C EDFs of the reference populations, the good ranges of b and g",
              claims=("A~B", "B~C"),
              no_verdict="the good ranges of b and g are shown in the chapters without a "
                         "registry verdict"),
    PaperItem("Fig. 6", NOT_STATED, no_verdict="-"),
    PaperItem("Fig. 7",
              "AnyNetX_D (w_{i+1} >= w_i) and AnyNetX_E (d_{i+1} >= d_i) clearly better than "
              "their predecessors; constant or decreasing widths and depths much worse",
              "Sec. 3.2", ("07_anynetx_d", "08_anynetx_e"),
              "the C-D and D-E EDFs, the widths and depths of good and bad models; the "
              "constant and decreasing variants as populations (experiment 'variants', 50 "
              "models each)",
              claims=("C>D", "D>E", "w_equal>D", "w_decreasing>D", "d_equal>E", "d_decreasing>E")),
    PaperItem("Fig. 8", NOT_STATED, no_verdict="-"),
    PaperItem("Fig. 9",
              "the EDF of RegNetX (the six-parameter space) against AnyNetX, better in average "
              "error while keeping the best models; middle: wm = 2 improves slightly, w0 = wa "
              "more, neither imposed (diversity); right: random search efficiency, "
              "\"searching over just ~32 random models is likely to yield good models\"",
              "Sec. 3.3", ("09_regnet", "13_regnet_under_test", "10_regnet_trends"),
              "the AnyNetX_E-RegNetX_6param EDFs (ch. 09); middle: RegNetX_6param with wm = 2 "
              "and with w0 = wa as populations (experiment 'variants', 50 models each, ch. 13); "
              "right: the expected best error of k random models of every reference population "
              "(ch. 13)",
              claims=("E>6param", "6param>wm2", "6param>w0=wa"),
              no_verdict="right panel: a curve to read, not a claim with a verdict"),
    PaperItem("Fig. 10",
              "design space generalization: RegNetX against AnyNetX_A and AnyNetX_E at higher "
              "flops, more epochs, 5 stages and other block types (V, R, VR, X); \"in all cases "
              "the ordering is consistent, RegNetX > AnyNetX_E > AnyNetX_A\"",
              "Sec. 3.4", ("14_generalization", "02_design_spaces", "09_regnet"),
              "the three spaces in a flops band three times higher (experiment band-6-18MF), "
              "trained 10 epochs instead of 4 (epochs-10: the same networks as the reference "
              "populations' first ones, compared pairwise), with 5-stage networks "
              "(stages-5), and with R and with V blocks in the reference band (block-R, "
              "block-V), 50 models per space planned; the base setting's ordering is claims "
              "A>E (row Sec. 3.2 below) and E>6param (row Fig. 9)",
              claims=("A>E@band-6-18MF", "E>6param@band-6-18MF", "A>E@epochs-10",
                      "E>6param@epochs-10", "A>E@stages-5", "E>6param@stages-5",
                      "A>E@block-R", "E>6param@block-R", "A>E@block-V", "E>6param@block-V"),
              no_verdict="VR blocks: not planned yet "
                         "(the paper names VR without defining it in the text available to this "
                         "project, so the library's VR block is an assumption, see "
                         "regnet_lab.configs)"),
    PaperItem("Fig. 11",
              "trends of good RegNetX models across flop regimes (100 models per space, 25 "
              "epochs, lr 0.1): best depth about 20 blocks, b = 1 best, wm about 2.5; g, wa and "
              "w0 grow with flops",
              "Sec. 4; our notes place Figs. 11-14 in Sec. 4 and name Figs. 12-14 for its "
              "other topics, so Fig. 11 holds the trends (inferred)",
              ("10_regnet_trends", "15_regimes_and_runtime"),
              "good ranges of the RegNet parameters and the paper's statements in one flops "
              "band (ch. 10); the good ranges of RegNetX_refined in three bands, 0.7-2, 2-6 and "
              "6-18 MF (experiments band-0.7-2MF and band-6-18MF beside the reference band), "
              "and per parameter whether the paper's trend shows (ch. 15)",
              scale="the cpu recipe; RegNetX_refined, 50 + 100 + 50 models in the three bands",
              no_verdict="trends are read from the good ranges' bootstrap intervals in ch. 15 "
                         "(shown, suggested, not shown), not registry claims; the paper's depth "
                         "of about 20 blocks cannot show here, the refined space samples 4-8"),
    PaperItem("Fig. 12",
              "complexity of the best models: activations grow with the square root of flops, "
              "parameters linearly; runtime (V100, 64 images) fits a linear plus a square-root "
              "term", "Sec. 4",
              ("15_regimes_and_runtime", "02_design_spaces", "11_model_zoo_and_speed"),
              "log-log slopes of activations and parameters against flops for the best models "
              "of three bands, with intervals; their runtime measured on this CPU and fitted "
              "with a linear plus a square-root term (rl.fit_runtime), against flops and "
              "against activations (ch. 15); the zoo's counts (ch. 02, 11)",
              scale="the best 10% of RegNetX_refined in three bands (28 px); timings on this "
                    "machine's CPU, 1 thread",
              no_verdict="slopes and fits are read with their intervals in ch. 15, not "
                         "registry claims; no GPU timings (no GPU was lent)"),
    PaperItem("Fig. 13",
              "\"RegNetX constrained\": b = 1, d <= 40, wm >= 2 and limits on parameters and "
              "activations (what the figure reports about it: " + NOT_STATED + ")",
              "Sec. 4", ("17_alternate_designs", "10_regnet_trends"),
              "the constrained space without its parameter and activation limits "
              "(RegNetX_constrained_no_limits: b = 1, d <= 10 at 28 px, wm >= 2; experiment "
              "'constrained', 50 models) against RegNetX_6param (ch. 17); the book's refined "
              "space RegNetX_refined, close to it (ch. 10, row this book below)",
              claims=("6param>constrained",),
              no_verdict="the limits on parameters and activations: not applied, their values "
                         "are not in our notes on the paper"),
    PaperItem("Fig. 14",
              "alternate designs: the inverted bottleneck (1/8 <= b <= 1) slightly worse, "
              "depthwise convolution (g = 1) worse still, resolutions other than 224 worse, "
              "RegNetY (X block + SE) better",
              "Sec. 4", ("17_alternate_designs", "11_model_zoo_and_speed"),
              "populations of RegNetX_6param with the inverted bottleneck, with depthwise "
              "convolution and with SE (RegNetY_6param; experiment 'alternate-designs'), and "
              "of RegNetX_6param on Fashion-MNIST resized to 20 and 36 px (experiments "
              "'resolution-20', 'resolution-36'; the 2-6 MF band counted at that side, sides "
              "of this book's choice), each against the reference RegNetX_6param, 50 models "
              "each (ch. 17); what SE costs in parameters and flops (ch. 11)",
              claims=("inverted>6param", "depthwise>6param", "6param>Y", "20px>28px",
                      "36px>28px")),
    PaperItem("Fig. 15",
              "with Fig. 16: the top RegNetX and RegNetY models of each flop regime (best of 25 "
              "random settings, retrained 5 times for 100 epochs) with their errors",
              "Sec. 5", ("11_model_zoo_and_speed",),
              "the 24 zoo models rebuilt from their parameters, counts checked against the "
              "published tables; errors as published by the pycls zoo (five differ from the "
              "paper's figures)",
              scale="ImageNet numbers as published; no training",
              no_verdict="no training at ImageNet scale here: the book checks the networks and "
                         "their counts, not the errors"),
    PaperItem("Fig. 16", "see Fig. 15 (the two figures together)", "Sec. 5",
              ("11_model_zoo_and_speed",), "as for Fig. 15",
              scale="ImageNet numbers as published; no training", no_verdict="as for Fig. 15"),
    PaperItem("Fig. 17",
              NOT_STATED + " (issue 18 pairs it with Table 3, the comparison with ResNe(X)t at "
              "matched flops and activations)", chapters=("16_regnet_vs_standard_networks",),
              no_verdict=_SEC5),
    PaperItem("Fig. 18", NOT_STATED, no_verdict="-"),
    PaperItem("Fig. 19", NOT_STATED, no_verdict="-"),
    PaperItem("Fig. 20", NOT_STATED, no_verdict="-"),
    PaperItem("Table 1",
              "the design spaces AnyNetX_A to RegNet, their restrictions and sizes (about "
              "1.8e18 down to 3.0e8; the RegNet size estimated by quantizing its continuous "
              "parameters, about 64^4 x 6 x 3)",
              "Sec. 3.2-3.3", ("02_design_spaces", "04_anynetx_a", "05_anynetx_b",
                               "06_anynetx_c", "07_anynetx_d", "08_anynetx_e", "09_regnet"),
              "every size counted exactly, next to the paper's figure and why they differ",
              scale="exact counts in the paper's regime (no training)",
              no_verdict="sizes are counted, not tested: each chapter compares the exact count "
                         "with Table 1"),
    PaperItem("Table 2",
              NOT_STATED + " (issue 18 describes it as the comparison with mobile networks, "
              "MobileNetV2 among them)", chapters=("16_regnet_vs_standard_networks",),
              no_verdict=_SEC5),
    PaperItem("Table 3",
              NOT_STATED + " (issue 18 describes it as the comparison with ResNet and ResNeXt "
              "at matched flops and activations)", chapters=("16_regnet_vs_standard_networks",),
              no_verdict=_SEC5),
    PaperItem("Table 4",
              "EfficientNet against RegNet under the same 100-epoch training: \"at low flops, "
              "EfficientNet outperforms the RegNetY\", RegNetY is better at intermediate flops; "
              "RegNetX-8.0GF is about 5x faster than EfficientNet-B5 (94 vs 504 ms for 64 "
              "images on a V100) with lower error",
              "Sec. 5", ("16_regnet_vs_standard_networks", "11_model_zoo_and_speed"),
              "the published timings and errors, and speed measured on the reader's machine; "
              "at our scale, RegNetY-like and MobileNetV2 / EfficientNet-B0 at matched flops",
              scale="published ImageNet numbers; timings on this machine",
              no_verdict="errors at our scale: " + _SEC5),
    PaperItem("Table 5", NOT_STATED, no_verdict="-"),
    PaperItem("Table 6", NOT_STATED, no_verdict="-"),
    PaperItem("Table 7", NOT_STATED, no_verdict="-"),
    PaperItem("Appendix A",
              "the speed comparison with EfficientNet, \"up to 5x faster on GPUs\" (which "
              "figures or tables it holds: " + NOT_STATED + ")", "Appendix A",
              ("11_model_zoo_and_speed",), "the published timings, and timings on this machine",
              scale="published numbers; timings on this machine",
              no_verdict="timings are measured, not tested against a claim"),
    PaperItem("Appendix B",
              "more ablations: a fixed depth d = 20 matches variable depth; 3-stage networks are "
              "poor at high flops; Swish against ReLU depends on the regime (which figures or "
              "tables it holds: " + NOT_STATED + ")", "Appendix B", ("17_alternate_designs",),
              "populations of RegNetX_6param with one fixed depth (d = 6 at 28 px, this book's "
              "choice), with 3 stages and with Swish (experiment 'appendix-b'), and with 3 "
              "stages at 6-18 MF (experiment 'appendix-b-6-18MF') against band-6-18MF's "
              "RegNetX_6param, 50 models each (ch. 17)",
              claims=("6param~fixed_depth", "3stages>6param@6-18MF"),
              no_verdict="3 stages at 2-6 MF and Swish: compared with their numbers in ch. 17, "
                         "without a verdict (our notes give no direction for them: 3 stages "
                         "are said to be poor at high flops only, Swish against ReLU to depend "
                         "on the regime)"),
    PaperItem("Sec. 3.2",
              "no figure: the refinements from AnyNetX_A to AnyNetX_E taken together make the "
              "population better at every step or keep it",
              "Sec. 3.2", ("02_design_spaces",), "the AnyNetX_A-AnyNetX_E EDFs",
              claims=("A>E",)),
    PaperItem("this book",
              "no statement of the paper: the book's own refinement RegNetX_refined against "
              "RegNetX_6param", "", ("10_regnet_trends",), "the two reference populations' EDFs",
              claims=("6param>refined",)),
)


def paper_items() -> list[PaperItem]:
    """The rows of the figure map: Figs. 1-20, Tables 1-7, the appendices, then the two claims
    that belong to no figure (Sec. 3.2 as a whole, and the book's own refinement). Descriptions
    come from the project's notes on the paper (section named) or say
    :data:`NOT_STATED`; nothing is guessed."""
    return list(_ITEMS)


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def _chapter_link(stem: str) -> str:
    return f"[ch. {stem.split('_')[0]}](../chapters/{stem}.ipynb)"


def _verdict_cell(result: ClaimResult) -> str:
    c = result.comparison
    nums = f"KS p = {format_pvalue(c.ks_pvalue)}"
    if result.tost_pvalue is not None:
        nums += f", TOST p = {format_pvalue(result.tost_pvalue)}"
    return f"{result.claim.id}: **{result.verdict}** ({nums})"


def paper_map_markdown(budget: str = "cpu") -> str:
    """The figure map as a Markdown table, the claims decided by :func:`check_claim` now.

    One row per :func:`paper_items` entry: the item, what the paper shows (and where that is
    recorded), the book's chapters (links relative to ``book/``), the scale (computed from the
    reference data for claims) and the verdict, or why the book has none. A claim whose
    reference results are missing gets a cell saying so instead of a verdict. After the table,
    the full sentence of every claim.

    Args:
        budget: the reference set the claims are decided on.

    Raises:
        ValueError: for an unknown budget.
    """
    from .reference import reference_budgets

    if budget not in reference_budgets():
        raise ValueError(f"unknown reference budget {budget!r}: use one of "
                         f"{', '.join(reference_budgets())}")
    results: dict[str, object] = {}
    for claim in _CLAIMS:
        try:
            results[claim.id] = check_claim(claim.id, budget)
        except (FileNotFoundError, ValueError) as err:
            results[claim.id] = err
    lines = ["| paper | what the paper shows | the book | scale | verdict at our scale |",
             "| --- | --- | --- | --- | --- |"]
    for it in _ITEMS:
        shows = it.shows + (f" ({it.source})" if it.source else "")
        book = " ".join(_chapter_link(ch) for ch in it.chapters)
        book = f"{book}: {it.counterpart}" if it.counterpart else (book or "-")
        scales, sizes, verdicts = [], [], []
        for cid in it.claims:
            r = results[cid]
            if isinstance(r, ClaimResult):
                if r.recipe not in scales:
                    scales.append(r.recipe)
                sizes.append(f"n = {r.comparison.n_a} vs {r.comparison.n_b} ({cid})")
                verdicts.append(_verdict_cell(r))
            else:
                verdicts.append(f"{cid}: no verdict yet ({r})")
        scales += sizes
        if it.scale:
            scales.append(it.scale)
        if it.no_verdict:
            verdicts.append(it.no_verdict)
        row = (it.item, shows, book, "; ".join(scales) or "-", "; ".join(verdicts) or "-")
        lines.append("| " + " | ".join(_cell(x) for x in row) + " |")
    lines += ["", "The claims in full:", ""]
    for claim in _CLAIMS:
        r = results[claim.id]
        text = r.sentence if isinstance(r, ClaimResult) else f"no verdict yet: {r}"
        lines.append(f"- **{claim.id}** ({claim.where}; {_chapter_link(claim.chapter)}): "
                     f"{_cell(claim.quote)}. {_cell(text)}")
    return "\n".join(lines) + "\n"
