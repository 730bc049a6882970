"""Print the state of a reference set as Markdown: per-space counts and errors, and the paper's
comparisons (KS test, bootstrap interval, verdict), computed from the committed results.

    .venv/bin/python tools/reference_status.py [BUDGET]       (default: cpu)

Used to write data/sweeps/<budget>/README.md and the issue notes; nothing here is typed by hand.
"""

from __future__ import annotations

import sys

import regnet_lab as rl

# The paper's claims, in its order (Section 3 and 4): (a, b, expectation for b relative to a).
CLAIMS = [
    ("AnyNetX_A", "AnyNetX_B", "same"),
    ("AnyNetX_B", "AnyNetX_C", "same"),
    ("AnyNetX_C", "AnyNetX_D", "better"),
    ("AnyNetX_D", "AnyNetX_E", "better"),
    ("AnyNetX_E", "RegNet", "better"),  # better on average, the best models kept (Fig. 9)
    ("RegNet", "RegNetX", "better"),
]


def main(argv: list[str]) -> int:
    budget = argv[0] if argv else "cpu"
    frame = rl.load_reference(budget=budget, ok_only=False)
    print("| space | models | ok | min error (%) | median | max | median seconds |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for space in rl.design_space_names():
        f = frame[frame["space"] == space]
        ok = f[f["status"] == "ok"]
        print(f"| {space} | {len(f)} | {len(ok)} | {ok['error'].min():.2f} | {ok['error'].median():.2f} "
              f"| {ok['error'].max():.2f} | {ok['seconds'].median():.0f} |")
    print()
    print("| claim | expectation | n | KS p | mean difference a - b [95% CI] | best-quartile diff [95% CI] | verdict |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    ok = frame[frame["status"] == "ok"]
    for a, b, expect in CLAIMS:
        c = rl.compare_populations(ok[ok["space"] == a]["error"], ok[ok["space"] == b]["error"], seed=0)
        word = "b better than a" if expect == "better" else "a and b alike"
        print(f"| {a} vs {b} | {word} | {c.n_a} vs {c.n_b} | {c.ks_pvalue:.3g} | {c.mean_diff:.2f} "
              f"[{c.mean_diff_ci[0]:.2f}, {c.mean_diff_ci[1]:.2f}] | {c.best_quartile_diff:.2f} "
              f"[{c.best_quartile_ci[0]:.2f}, {c.best_quartile_ci[1]:.2f}] | {c.verdict(expect)} |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
