"""Reference solutions of the coursework's TODO functions, and deliberately wrong ones.

Used by ``tests/test_coursework.py``, which runs each starter notebook in ``coursework/`` with
these functions put in place of the students' ``TODO`` functions: with the solutions every check
must pass, and with each wrong version its check must fail (so the checks can fail).

Instructors: this file is public in the book's repository. For graded work, keep your own
solutions and, if you like, your own extra checks elsewhere.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

import regnet_lab as rl

# ====================================================================== assignment A


def quantized_block_widths(w0, wa, wm, depth, q=8):
    u = w0 + wa * np.arange(depth)  # eq. (2)
    s = np.round(np.log(u / w0) / np.log(wm))  # eq. (3), rounded
    w = w0 * np.power(wm, s)  # eq. (4)
    return [int(x) for x in np.round(w / q).astype(np.int64) * q]


def stages_from_blocks(block_widths):
    widths, depths = [], []
    for w in block_widths:
        if widths and widths[-1] == w:
            depths[-1] += 1
        else:
            widths.append(int(w))
            depths.append(1)
    return tuple(widths), tuple(depths)


def regnet_stages(depth, w0, wa, wm, group_width, bottleneck_ratio=1):
    widths, depths = stages_from_blocks(quantized_block_widths(w0, wa, wm, depth))
    n = len(widths)
    widths, groups = rl.make_compatible(widths, [bottleneck_ratio] * n, [group_width] * n)
    return depths, widths, groups


def wrong_quantized_block_widths(w0, wa, wm, depth, q=8):
    """Truncates the exponent instead of rounding it."""
    u = w0 + wa * np.arange(depth)
    s = np.floor(np.log(u / w0) / np.log(wm))
    return [int(x) for x in np.round(w0 * np.power(wm, s) / q).astype(np.int64) * q]


def wrong_stages_from_blocks(block_widths):
    """Counts distinct widths but gives every stage one block."""
    widths = tuple(sorted({int(w) for w in block_widths}))
    return widths, (1,) * len(widths)


def wrong_regnet_stages(depth, w0, wa, wm, group_width, bottleneck_ratio=1):
    """Forgets the group-width adjustment."""
    widths, depths = stages_from_blocks(quantized_block_widths(w0, wa, wm, depth))
    return depths, widths, (group_width,) * len(widths)


ASSIGNMENT_A = {
    "quantized_block_widths": quantized_block_widths,
    "stages_from_blocks": stages_from_blocks,
    "regnet_stages": regnet_stages,
}
# check name -> the wrong version of one function that this check must catch
WRONG_A = {
    "task 1": ("quantized_block_widths", wrong_quantized_block_widths),
    "task 2": ("stages_from_blocks", wrong_stages_from_blocks),
    "task 3": ("regnet_stages", wrong_regnet_stages),
}

# ====================================================================== assignment B


def sweep_space(space, n, out_dir, budget="cpu", seed=0):
    plan = rl.plan_sweep(space, n, budget=budget, dataset="fashion-mnist", seed=seed)
    out = Path(out_dir) / f"{space}.jsonl"
    rl.run_sweep(plan, out, progress=False)
    frame = rl.load_sweep(out)
    ids = {plan.model_id(i) for i in range(n)}
    return frame[frame["id"].isin(ids)].reset_index(drop=True)


def edf_by_hand(errors, grid):
    e = np.asarray(errors, dtype=float)
    g = np.asarray(grid, dtype=float)
    return (e[None, :] < g[:, None]).mean(axis=1)


def bootstrap_mean_diff(errors_a, errors_b, reps=10_000, seed=0):
    a = np.asarray(errors_a, dtype=float)
    b = np.asarray(errors_b, dtype=float)
    rng = np.random.default_rng(seed)
    ma = a[rng.integers(0, a.size, (reps, a.size))].mean(axis=1)
    mb = b[rng.integers(0, b.size, (reps, b.size))].mean(axis=1)
    lo, hi = np.quantile(ma - mb, [0.025, 0.975])
    return float(a.mean() - b.mean()), (float(lo), float(hi))


def my_verdict(comparison, expect="better", alpha=0.05):
    significant = comparison.ks_pvalue < alpha
    lo, hi = comparison.mean_diff_ci
    excludes = not lo <= 0 <= hi
    if expect == "same":
        if not significant and not excludes:
            return "holds"
        if significant and excludes:
            return "contradicted"
        return "not confirmed"
    if expect != "better":
        raise ValueError(f"expect must be 'better' or 'same', got {expect!r}")
    b_lower = comparison.mean_diff > 0
    if significant:
        return "holds" if b_lower else "contradicted"
    if excludes:
        return "holds in the mean only" if b_lower else "contradicted"
    return "not confirmed"


def wrong_sweep_space(space, n, out_dir, budget="cpu", seed=0):
    """Returns the book's reference results instead of sweeping (all of them, any n)."""
    return rl.load_reference(space)


def wrong_edf_by_hand(errors, grid):
    """Counts errors equal to e as below it."""
    e = np.asarray(errors, dtype=float)
    g = np.asarray(grid, dtype=float)
    return (e[None, :] <= g[:, None]).mean(axis=1)


def wrong_bootstrap_mean_diff(errors_a, errors_b, reps=10_000, seed=0):
    """Resamples without replacement: every resample has the same mean, the interval collapses."""
    a = np.asarray(errors_a, dtype=float)
    b = np.asarray(errors_b, dtype=float)
    rng = np.random.default_rng(seed)
    diffs = [rng.permutation(a).mean() - rng.permutation(b).mean() for _ in range(200)]
    lo, hi = np.quantile(diffs, [0.025, 0.975])
    return float(a.mean() - b.mean()), (float(lo), float(hi))


def wrong_my_verdict(comparison, expect="better", alpha=0.05):
    """Looks only at the bootstrap interval and never at the KS test."""
    lo, hi = comparison.mean_diff_ci
    excludes = not lo <= 0 <= hi
    if expect == "same":
        return "contradicted" if excludes else "holds"
    if not excludes:
        return "not confirmed"
    return "holds" if comparison.mean_diff > 0 else "contradicted"


ASSIGNMENT_B = {
    "sweep_space": sweep_space,
    "edf_by_hand": edf_by_hand,
    "bootstrap_mean_diff": bootstrap_mean_diff,
    "my_verdict": my_verdict,
}
WRONG_B = {
    "task 1": ("sweep_space", wrong_sweep_space),
    "task 2": ("edf_by_hand", wrong_edf_by_hand),
    "task 3": ("bootstrap_mean_diff", wrong_bootstrap_mean_diff),
    "task 4": ("my_verdict", wrong_my_verdict),
}
