"""Do ``rl.time_models``'s times follow the models' flops? A ladder of RegNets timed side by side.

Three RegNets from a tiny one to one about 50 times its flops (at 32x32, 10 classes) are timed
together by ``rl.time_models`` (every round times one step of every model, so a change in the
machine's load hits all of them alike); the table gives each model's flops and median time as
ratios to the smallest. Time is not proportional to flops (a small model's step is dominated by
fixed per-layer costs; memory traffic and grouped convolutions differ per model). The old unit
test asserted only that the largest model was slower than the tiniest; this prints by how much.

    .venv/bin/python benchmarks/cost_vs_time.py                       # forward, batch 4, 15 rounds
    .venv/bin/python benchmarks/cost_vs_time.py --mode train --threads 2
"""

from __future__ import annotations

import argparse

import torch

import regnet_lab as rl

LADDER = {
    "tiny": rl.RegNetConfig(depth=2, w0=8, wa=8.0, wm=2.0, group_width=8, stem_width=8),
    "medium": rl.RegNetConfig(depth=5, w0=24, wa=16.0, wm=2.0, group_width=8, stem_width=16),
    "big": rl.RegNetConfig(depth=8, w0=64, wa=32.0, wm=2.0, group_width=16, stem_width=32),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", choices=["forward", "train"], default="forward")
    parser.add_argument("--batch-size", type=int, default=4)
    parser.add_argument("--resolution", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--threads", type=int, default=1, help="torch intra-op threads")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)

    results = rl.time_models(LADDER, batch_size=args.batch_size, resolution=args.resolution,
                             num_classes=10, mode=args.mode, rounds=args.rounds, warmup=2,
                             device="cpu")
    flops = {n: rl.complexity(c, resolution=args.resolution, num_classes=10).flops
             for n, c in LADDER.items()}
    base = results[0]
    print(f"{args.mode}, batch {args.batch_size} at {args.resolution}px, {args.rounds} rounds, "
          f"{args.threads} thread(s)")
    print(f"{'model':8} {'MF':>8} {'ms':>9} {'spread':>7} {'flops ratio':>12} {'time ratio':>11}")
    for r in results:
        print(f"{r.name:8} {flops[r.name] / 1e6:8.2f} {1e3 * r.seconds:9.2f} {r.spread:7.2f} "
              f"{flops[r.name] / flops[base.name]:12.1f} {r.seconds / base.seconds:11.1f}")


if __name__ == "__main__":
    main()
