"""Band-constrained sampling and the bootstrap, timed, against the naive way (build and count).

For each design space and regime this draws 500 models in the regime's default flops band with
``design_space(name).sample(500, flops="default", regime=...)`` (vectorised proposals, analytic
flops) and records the wall-clock time, the proposals it needed and the acceptance rate.

Side by side, in the same run, it times what a naive sampler does for every candidate: build the
network in PyTorch (``rl.build``) and count its parameters. The naive cost of a sample is that
per-candidate time multiplied by the proposals needed (a naive sampler must look at every
proposal, and counting *flops* would need a forward pass with hooks on top, so this is a lower
bound); the per-model ratio is also reported for the accepted models alone.

Finally it times ``bootstrap_good_range`` on n = 500 pairs with 10^4 repetitions and
``compare_populations`` on two populations of 500.

    .venv/bin/python benchmarks/sampling_speed.py              # all spaces, paper + fashion-mnist
    .venv/bin/python benchmarks/sampling_speed.py --quick      # fewer repeats and naive builds
    .venv/bin/python benchmarks/sampling_speed.py --json out.json
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import time

import numpy as np
import torch

import regnet_lab as rl


def time_sampling(name: str, regime: str, n: int, repeats: int) -> dict:
    sp = rl.design_space(name)
    times, reports = [], []
    for r in range(repeats):
        t = time.perf_counter()
        rep = sp.sample_report(n, seed=100 + r, flops="default", regime=regime)
        times.append(time.perf_counter() - t)
        reports.append(rep)
    rep = reports[0]
    return {"seconds_median": statistics.median(times), "seconds_max": max(times),
            "proposals": rep.proposals, "valid": rep.valid, "acceptance": rep.acceptance,
            "samples": rep.samples}


def time_naive(descriptions: list, k: int) -> float:
    """Median seconds to build one model in PyTorch and count its parameters."""
    times = []
    for c in descriptions[:k]:
        t = time.perf_counter()
        model = rl.build(c)
        sum(p.numel() for p in model.parameters())
        times.append(time.perf_counter() - t)
        del model
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=500)
    ap.add_argument("--regimes", nargs="+", default=["paper", "fashion-mnist"])
    ap.add_argument("--spaces", nargs="+", default=rl.design_space_names())
    ap.add_argument("--quick", action="store_true", help="1 repeat, 5 naive builds per space")
    ap.add_argument("--json", help="also write the numbers to this file")
    args = ap.parse_args()
    repeats = 1 if args.quick else 3
    naive_k = 5 if args.quick else 15
    torch.set_num_threads(1)

    print(f"# {platform.platform()}, python {platform.python_version()}, numpy {np.__version__}, "
          f"torch {torch.__version__}, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}")
    rows = []
    header = (f"{'regime':14s} {'space':10s} {'band MF':>13s} {'sample s':>9s} {'proposals':>10s} "
              f"{'accept':>7s} {'naive/cand ms':>13s} {'naive est s':>11s} {'ratio':>8s} "
              f"{'naive 500 s':>11s} {'ratio':>6s}")
    print(header)
    for regime in args.regimes:
        reg = rl.regime(regime)
        for name in args.spaces:
            res = time_sampling(name, regime, args.n, repeats)
            # naive: build every *candidate* (unfiltered draws of the space) ...
            cands = rl.design_space(name).sample(naive_k, seed=7, regime=regime)
            per_cand = time_naive(cands, naive_k)
            naive_est = per_cand * res["proposals"]
            # ... and, as a floor, just the accepted models
            per_acc = time_naive(res["samples"], naive_k)
            naive_acc = per_acc * args.n
            row = {"regime": regime, "space": name, "band": list(reg.flops_band), "n": args.n,
                   "sample_seconds": res["seconds_median"], "proposals": res["proposals"],
                   "acceptance": res["acceptance"], "naive_per_candidate_s": per_cand,
                   "naive_estimate_s": naive_est, "ratio_vs_naive": naive_est / res["seconds_median"],
                   "naive_accepted_only_s": naive_acc,
                   "ratio_vs_accepted_only": naive_acc / res["seconds_median"]}
            rows.append(row)
            lo, hi = reg.band_mf()
            print(f"{regime:14s} {name:10s} {lo:6.1f}-{hi:<6.1f} {row['sample_seconds']:9.3f} "
                  f"{row['proposals']:10d} {row['acceptance']:7.4f} {1e3 * per_cand:13.1f} "
                  f"{naive_est:11.0f} {row['ratio_vs_naive']:8.0f} {naive_acc:11.1f} "
                  f"{row['ratio_vs_accepted_only']:6.0f}", flush=True)

    rng = np.random.default_rng(0)
    x, err = rng.uniform(0, 10, 500), rng.normal(40, 2, 500)
    rl.bootstrap_good_range(x, err, reps=100)
    boot = []
    for _ in range(5):
        t = time.perf_counter()
        rl.bootstrap_good_range(x, err, frac=0.25, reps=10_000)
        boot.append(time.perf_counter() - t)
    rl.compare_populations(err, err + 1, reps=100)
    comp = []
    for _ in range(3):
        t = time.perf_counter()
        rl.compare_populations(err, rng.normal(41, 2, 500), reps=10_000)
        comp.append(time.perf_counter() - t)
    print(f"bootstrap_good_range n=500 reps=10^4: median {1e3 * statistics.median(boot):.1f} ms "
          f"(max {1e3 * max(boot):.1f} ms)")
    print(f"compare_populations 500 vs 500 reps=10^4: median {1e3 * statistics.median(comp):.0f} ms")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"sampling": rows, "bootstrap_s": boot, "compare_s": comp}, f, indent=1)


if __name__ == "__main__":
    main()
