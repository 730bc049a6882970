"""The paper's good-range bootstrap: regnet_lab's batched draws vs one repetition at a time.

``rl.bootstrap_good_range`` (Section 3: 10^4 resamples of 25% of the models, keep the value of
the best model of each) draws all repetitions as one integer array and takes the minimum of each
row with numpy. The naive way is a Python loop of 10^4 small draws. Both use the same generator
and seed, so they keep the same models (checked before timing: the intervals must be equal);
then they are timed alternately (A B, then B A, ...) and the ratio of the medians is printed
(above 1: the loop is slower). This replaces the old unit test's absolute limit ("under 1 s").

    .venv/bin/python benchmarks/bootstrap_speed.py                  # n = 500, 10^4 reps, 7 rounds
    .venv/bin/python benchmarks/bootstrap_speed.py --n 100 --rounds 3
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

import regnet_lab as rl


def one_at_a_time(values: np.ndarray, errors: np.ndarray, frac: float, reps: int, ci: float,
                  seed: int) -> tuple[float, float]:
    """The same bootstrap, one resample per loop iteration."""
    rng = np.random.default_rng(seed)
    m = max(1, int(round(frac * errors.size)))
    kept = np.empty(reps)
    for k in range(reps):
        idx = rng.integers(0, errors.size, size=m)
        kept[k] = values[idx[np.argmin(errors[idx])]]
    alpha = (1 - ci) / 2
    lo, hi = np.quantile(kept, [alpha, 1 - alpha])
    return float(lo), float(hi)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=500, help="models in the population")
    parser.add_argument("--reps", type=int, default=10_000)
    parser.add_argument("--frac", type=float, default=0.25)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()

    rng = np.random.default_rng(0)
    values = rng.uniform(0, 10, args.n)
    errors = 30 + (values - 3) ** 2 + rng.normal(0, 1, args.n)
    batched = rl.bootstrap_good_range(values, errors, frac=args.frac, reps=args.reps)
    loop = one_at_a_time(values, errors, args.frac, args.reps, batched.ci, seed=0)
    same = (batched.lo, batched.hi) == loop
    print(f"good range: batched [{batched.lo:.3f}, {batched.hi:.3f}], loop [{loop[0]:.3f}, "
          f"{loop[1]:.3f}] ({'the same draws' if same else 'DIFFERENT draws'})")

    times: dict[str, list[float]] = {"batched": [], "loop": []}
    calls = {"batched": lambda: rl.bootstrap_good_range(values, errors, frac=args.frac,
                                                        reps=args.reps),
             "loop": lambda: one_at_a_time(values, errors, args.frac, args.reps, 0.95, 0)}
    for r in range(args.rounds):
        for name in (("batched", "loop") if r % 2 == 0 else ("loop", "batched")):
            t = time.perf_counter()
            calls[name]()
            times[name].append(time.perf_counter() - t)
    b, l = statistics.median(times["batched"]), statistics.median(times["loop"])
    print(f"n = {args.n}, {args.reps} resamples of {args.frac:.0%}, {args.rounds} rounds: "
          f"batched {1e3 * b:.1f} ms, loop {1e3 * l:.0f} ms, loop / batched = {l / b:.0f}")


if __name__ == "__main__":
    main()
