"""Test submissions of the coursework, as source code put into the student notebooks.

``tests/test_coursework.py`` makes submissions from the stored student notebooks
(``coursework/*.ipynb``) by replacing the body of one or more of their functions:

* ``DELEGATING``: every re-implementation question answered by calling the library function
  it asks the student to re-implement; the grader must give these questions no points,
  because the checks make those functions unavailable while they run;
* ``WRONG``: per question, one deliberately wrong function (the rest from the master
  solution), and the first input its feedback must name.

The master solutions themselves are not here: they are in ``coursework/instructor/``.
"""

from __future__ import annotations

DELEGATING = {
    "a": {
        "quantized_block_widths": """
def quantized_block_widths(w0, wa, wm, depth, q=8):
    return list(rl.quantize_widths(w0, wa, wm, depth, q=q).block_widths)
""",
        "compatible_widths": """
def compatible_widths(widths, bottleneck_ratio, group_width):
    n = len(widths)
    return rl.make_compatible(widths, [bottleneck_ratio] * n, [group_width] * n)
""",
        "regnet_stages": """
def regnet_stages(depth, w0, wa, wm, group_width, bottleneck_ratio=1):
    c = rl.RegNetConfig(depth=depth, w0=w0, wa=wa, wm=wm, group_width=group_width,
                        bottleneck_ratio=bottleneck_ratio)
    return c.depths, c.widths, c.group_widths
""",
    },
    "b": {
        "edf_by_hand": """
def edf_by_hand(errors, grid):
    return rl.edf(errors, grid=grid)[1]
""",
        "bootstrap_mean_diff": """
def bootstrap_mean_diff(errors_a, errors_b, reps=2000, seed=0):
    c = rl.compare_populations(errors_a, errors_b, reps=reps, seed=seed)
    return c.mean_diff, c.mean_diff_ci
""",
        "my_verdict": """
def my_verdict(comparison, expect="better", alpha=0.05, margin=None):
    return comparison.verdict(expect, alpha, margin)
""",
    },
    "c": {
        "conv_cost": """
def conv_cost(c_in, c_out, k, h, groups=1):
    import regnet_lab.counting as counting
    c = counting._conv(c_in, c_out, k, h, h, groups)
    return c.flops, c.params, c.acts
""",
        "x_block_cost": """
def x_block_cost(w_in, w_out, stride, b, g, h):
    cfg = rl.AnyNetConfig(depths=(1,), widths=(w_out,), bottleneck_ratios=(b,),
                          group_widths=(g,), strides=(stride,), stem_width=w_in)
    c = rl.summary(cfg, resolution=2 * h).rows[1].cost
    return c.flops, c.params, c.acts
""",
        "network_cost": """
def network_cost(cfg, resolution=224):
    c = rl.complexity(cfg, resolution=resolution)
    return c.flops, c.params, c.acts
""",
    },
}

# Questions the delegating submission must lose entirely (A's q2 has no library shortcut and
# keeps the master's solution there, so it keeps its points).
DELEGATED_QUESTIONS = {"a": ("q1", "q3", "q4"), "b": ("q1", "q2", "q3"), "c": ("q1", "q2", "q3")}

# question -> the questions whose functions it calls (a wrong answer there may fail it too)
USES = {"a": {"q4": ("q1", "q2", "q3")}, "b": {}, "c": {"q2": ("q1",), "q3": ("q1", "q2")}}

# assignment -> question -> (function name, wrong source, the first wrong input its feedback names)
WRONG = {
    "a": {
        "q1": ("quantized_block_widths", """
def quantized_block_widths(w0, wa, wm, depth, q=8):
    # truncates the exponent instead of rounding it
    s = np.floor(np.log((np.arange(depth) * wa + w0) / w0) / np.log(wm))
    return [int(x) for x in np.round(w0 * np.power(wm, s) / q).astype(np.int64) * q]
""", "quantized_block_widths(w0=24, wa=36.44, wm=2.49, depth=13)"),
        "q2": ("stages_from_blocks", """
def stages_from_blocks(block_widths):
    # finds the stage widths but gives every stage one block
    widths = tuple(sorted({int(w) for w in block_widths}))
    return widths, (1,) * len(widths)
""", "stages_from_blocks(block_widths=[8, 8, 16, 16, 16, 32])"),
        "q3": ("compatible_widths", """
def compatible_widths(widths, bottleneck_ratio, group_width):
    # rounds halves up (not to even): 392 -> 400
    out = [max(group_width, group_width * int(w / group_width + 0.5)) for w in widths]
    return tuple(out), (group_width,) * len(widths)
""", "compatible_widths(widths=[24, 64, 152, 392], bottleneck_ratio=1, group_width=16)"),
        "q4": ("regnet_stages", """
def regnet_stages(depth, w0, wa, wm, group_width, bottleneck_ratio=1):
    # forgets the compatibility rule
    widths, depths = stages_from_blocks(quantized_block_widths(w0, wa, wm, depth))
    return depths, widths, (group_width,) * len(widths)
""", "regnet_stages(depth=22, w0=24, wa=24.48, wm=2.54, group_width=16)"),
    },
    "b": {
        "q1": ("edf_by_hand", """
def edf_by_hand(errors, grid):
    # counts errors equal to e as below it
    e, g = np.asarray(errors, dtype=float), np.asarray(grid, dtype=float)
    return (e[None, :] <= g[:, None]).mean(axis=1)
""", "edf_by_hand(errors=[12.0, 14.5, 14.5, 20.0], grid=[10.0, 12.0, 14.5, 15.0, 25.0])"),
        "q2": ("bootstrap_mean_diff", """
def bootstrap_mean_diff(errors_a, errors_b, reps=2000, seed=0):
    # resamples without replacement: every resample has the same mean, the interval collapses
    a, b = np.asarray(errors_a, dtype=float), np.asarray(errors_b, dtype=float)
    rng = np.random.default_rng(seed)
    d = [rng.permutation(a).mean() - rng.permutation(b).mean() for _ in range(50)]
    return float(a.mean() - b.mean()), tuple(float(x) for x in np.quantile(d, [0.025, 0.975]))
""", "bootstrap_mean_diff(errors_a=["),
        "q3": ("my_verdict", """
def my_verdict(comparison, expect="better", alpha=0.05, margin=None):
    # the old rule: "same" holds whenever nothing is significant (no equivalence test)
    ks = comparison.ks_pvalue < alpha
    lo, hi = comparison.mean_diff_ci
    if expect == "same":
        return "holds" if not ks and lo <= 0 <= hi else "contradicted"
    if ks and lo > 0:
        return "holds"
    if ks and hi < 0:
        return "contradicted"
    if ks and comparison.mean_diff != 0:
        return "suggested by KS only" if comparison.mean_diff > 0 else "contradicted by KS only"
    if lo > 0:
        return "suggested by the mean only"
    return "contradicted by the mean only" if hi < 0 else "not shown"
""", "expect='same'"),
    },
    "c": {
        "q1": ("conv_cost", """
def conv_cost(c_in, c_out, k, h, groups=1):
    # forgets the groups
    weights = k * k * c_in * c_out
    return weights * h * h, weights, c_out * h * h
""", "conv_cost(c_in=24, c_out=24, k=3, h=56, groups=3)"),
        "q2": ("x_block_cost", """
def x_block_cost(w_in, w_out, stride, b, g, h):
    # forgets the projection shortcut
    w_b = int(round(w_out / b))
    h_out = (h - 1) // stride + 1
    layers = [conv_cost(w_in, w_b, 1, h), conv_cost(w_b, w_b, 3, h_out, groups=w_b // g),
              conv_cost(w_b, w_out, 1, h_out)]
    flops, params, acts = (sum(part) for part in zip(*layers))
    return flops, params + 2 * (2 * w_b + w_out), acts
""", "x_block_cost(w_in=152, w_out=368, stride=2, b=1, g=8, h=14)"),
        "q3": ("network_cost", """
def network_cost(cfg, resolution=224):
    # forgets the stem
    h = (resolution - 1) // cfg.stem_stride + 1
    flops = params = acts = 0
    w_in = cfg.stem_width
    for d, w, s, b, g in zip(cfg.depths, cfg.widths, cfg.strides, cfg.bottleneck_ratios,
                             cfg.group_widths):
        for j in range(d):
            f, p, a = x_block_cost(w_in, w, s if j == 0 else 1, b, g, h)
            flops, params, acts = flops + f, params + p, acts + a
            h = (h - 1) // (s if j == 0 else 1) + 1
            w_in = w
    n = cfg.num_classes
    return flops + w_in * n + n, params + w_in * n + n, acts + n
""", "network_cost(cfg=AnyNetConfig(depths=(1, 1, 4, 7)"),
    },
}
