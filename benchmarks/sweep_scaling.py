"""Sweep throughput: models per hour with 1 and with 2 local worker processes, side by side.

Runs the same planned sweep (same space, seed, budget and models) into two temporary files, once
with ``--workers 1`` (all cores for one process) and once with ``--workers 2`` (cores split between
two processes), alternating the order over rounds, and prints models/hour for each and the ratio.

    .venv/bin/python benchmarks/sweep_scaling.py [--space AnyNetX_A] [--n 6] [--budget ci] [--rounds 2]

Use ``--budget cpu --n 4`` for the reference-sweep recipe (slower: minutes per round).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from regnet_lab.sweep import plan_sweep, run_sweep  # noqa: E402


def models_per_hour(plan, workers: int, threads: int) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        records = run_sweep(plan, Path(tmp) / "s.jsonl", workers=workers, threads=threads, progress=False)
        seconds = time.perf_counter() - start
    assert len(records) == plan.n
    return plan.n / seconds * 3600


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--space", default="AnyNetX_A")
    p.add_argument("--n", type=int, default=6)
    p.add_argument("--budget", default="ci")
    p.add_argument("--rounds", type=int, default=2)
    args = p.parse_args()
    cores = os.cpu_count() or 1
    plan = plan_sweep(args.space, args.n, budget=args.budget, seed=0)
    configs = {1: cores, 2: max(1, cores // 2)}  # workers -> threads per worker
    results: dict[int, list[float]] = {1: [], 2: []}
    for r in range(args.rounds):
        order = [1, 2] if r % 2 == 0 else [2, 1]
        for workers in order:
            results[workers].append(models_per_hour(plan, workers, configs[workers]))
            print(f"round {r + 1}: {workers} worker(s) x {configs[workers]} thread(s): "
                  f"{results[workers][-1]:.0f} models/hour", flush=True)
    one, two = statistics.median(results[1]), statistics.median(results[2])
    print(f"{plan.space}, budget {plan.budget}, {plan.n} models, {cores} cores")
    print(f"models_per_hour_1_worker={one:.0f} models_per_hour_2_workers={two:.0f} ratio={two / one:.2f}")


if __name__ == "__main__":
    main()
