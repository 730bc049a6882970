"""Print the state of a reference set as Markdown: per-space counts and errors, the paper's
comparisons (KS test, bootstrap interval, verdict), and the populations of the experiments
(regnet_lab.experiments), computed from the committed results.

    .venv/bin/python tools/reference_status.py [BUDGET]       (default: cpu)

Used to write data/sweeps/<budget>/README.md and the issue notes; nothing here is typed by hand.
"""

from __future__ import annotations

import sys

import regnet_lab as rl


def experiments_table(budget: str) -> None:
    """One row per population of every experiment of rl.experiments() found under the budget."""
    for e in rl.experiments():
        print(f"- `{e.name}` ({e.where}): {e.setting}; n = {e.n} per space")
    print()
    print("| experiment | space | models | ok | min error (%) | median | median seconds |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for e in rl.experiments():
        for space in e.spaces:
            try:
                f = rl.load_reference(space, budget=budget, ok_only=False, experiment=e.name)
            except FileNotFoundError:
                print(f"| {e.name} | {space} | not run yet | | | | |")
                continue
            ok = f[f["status"] == "ok"]
            print(f"| {e.name} | {space} | {len(f)} | {len(ok)} "
                  f"| {ok['error'].min():.2f} | {ok['error'].median():.2f} "
                  f"| {ok['seconds'].median():.0f} |")


def main(argv: list[str]) -> int:
    budget = argv[0] if argv else "cpu"
    frame = rl.load_reference(budget=budget, ok_only=False)
    print("| space | models | ok | min error (%) | median | max | median seconds |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for space in rl.design_space_names():
        f = frame[frame["space"] == space]
        ok = f[f["status"] == "ok"]
        if not len(ok):
            print(f"| {space} | {len(f)} | 0 | | | | |")
            continue
        print(f"| {space} | {len(f)} | {len(ok)} | {ok['error'].min():.2f} | {ok['error'].median():.2f} "
              f"| {ok['error'].max():.2f} | {ok['seconds'].median():.0f} |")
    print()
    # the claims of the book's registry (regnet_lab.claims), the same ones the chapters state
    print("| claim | where | n | KS p | mean difference a - b [95% CI] | best-quartile diff [95% CI] "
          "| TOST p | verdict |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for claim in rl.paper_claims():
        try:
            r = rl.check_claim(claim.id, budget=budget)
        except (FileNotFoundError, ValueError) as exc:
            print(f"| {claim.id} | {claim.where} | | | | | | not available: {exc} |")
            continue
        c = r.comparison
        tost = "" if r.tost_pvalue is None else rl.format_pvalue(r.tost_pvalue)
        a, b = claim.labels  # with where each population is, when a claim names its sides
        print(f"| {a} vs {b} ({claim.id}) | {claim.where} | {c.n_a} vs {c.n_b} "
              f"| {rl.format_pvalue(c.ks_pvalue)} | {c.mean_diff:.2f} [{c.mean_diff_ci[0]:.2f}, "
              f"{c.mean_diff_ci[1]:.2f}] | {c.best_quartile_diff:.2f} [{c.best_quartile_ci[0]:.2f}, "
              f"{c.best_quartile_ci[1]:.2f}] | {tost} | {r.verdict} |")
    print()
    experiments_table(budget)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
