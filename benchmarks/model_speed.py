"""regnet_lab vs torchvision: the same RegNet, the same weights, timed side by side on CPU.

For each model the torchvision network is built with random weights and converted with
``regnet_lab.from_torchvision``, so both compute the same function (checked before timing). Then,
after a warm-up, the two are timed alternately (A B, then B A, ...) for several rounds, and the
medians are compared: forward in eval mode under ``torch.no_grad()``, and forward + backward in
train mode (sum of the logits as the loss, gradients cleared between steps). A ratio above 1 means
regnet_lab is slower.

    .venv/bin/python benchmarks/model_speed.py            # batch 16 at 224px, 16 rounds
    .venv/bin/python benchmarks/model_speed.py --quick    # batch 8 at 128px, 6 rounds
    .venv/bin/python benchmarks/model_speed.py --threads 2 --models regnet_y_800mf
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time
from dataclasses import dataclass
from typing import Callable

import torch
import torchvision
from torch import nn

import regnet_lab as rl


def forward_step(model: nn.Module, x: torch.Tensor) -> Callable[[], None]:
    """One eval-mode forward pass without autograd."""
    model.eval()

    def step() -> None:
        with torch.no_grad():
            model(x)

    return step


def train_step(model: nn.Module, x: torch.Tensor) -> Callable[[], None]:
    """One train-mode forward and backward pass (loss = sum of the outputs)."""
    model.train()

    def step() -> None:
        model.zero_grad(set_to_none=True)
        model(x).sum().backward()

    return step


@dataclass
class Timing:
    """Medians over the rounds: each model's step time, and the paired ratio b / a.

    ``ratio`` is the median over rounds of ``time_b / time_a`` with the two measured back to back,
    so a stretch of heavy load from other jobs slows both sides of a pair and cancels out.
    ``*_cpu`` use this process's CPU time, which leaves out the time spent waiting for a core.
    """

    a: float
    b: float
    ratio: float
    a_cpu: float
    b_cpu: float
    ratio_cpu: float


def interleaved(a: Callable[[], None], b: Callable[[], None], rounds: int, warmup: int) -> Timing:
    """Time ``a`` and ``b`` alternately (the order flips every round) after a warm-up."""
    for _ in range(warmup):
        a()
        b()
    wall: dict[str, list[float]] = {"a": [], "b": []}
    cpu: dict[str, list[float]] = {"a": [], "b": []}
    for r in range(rounds):
        order = [("a", a), ("b", b)] if r % 2 == 0 else [("b", b), ("a", a)]
        for key, fn in order:
            c0, t0 = time.process_time(), time.perf_counter()
            fn()
            wall[key].append(time.perf_counter() - t0)
            cpu[key].append(time.process_time() - c0)
    med = statistics.median
    return Timing(
        med(wall["a"]), med(wall["b"]), med(tb / ta for ta, tb in zip(wall["a"], wall["b"])),
        med(cpu["a"]), med(cpu["b"]), med(tb / ta for ta, tb in zip(cpu["a"], cpu["b"])),
    )


def check_same_outputs(tv: nn.Module, ours: nn.Module, x: torch.Tensor) -> float:
    """Max abs difference of the two models' eval-mode outputs."""
    tv.eval()
    ours.eval()
    with torch.no_grad():
        return (tv(x) - ours(x)).abs().max().item()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="batch 8 at 128px, 6 rounds")
    parser.add_argument("--models", nargs="+", default=["regnet_x_400mf", "regnet_y_400mf"],
                        help="torchvision builder names")
    parser.add_argument("--batch", type=int, default=None, help="batch size (default 16, quick 8)")
    parser.add_argument("--resolution", type=int, default=None, help="image side (default 224, quick 128)")
    parser.add_argument("--rounds", type=int, default=None, help="timed rounds (default 16, quick 6)")
    parser.add_argument("--threads", type=int, default=1,
                        help="torch intra-op threads (default 1: on a shared machine two threads wait on "
                             "each other for time slices and timings swing by 10x)")
    args = parser.parse_args()
    batch = args.batch or (8 if args.quick else 16)
    res = args.resolution or (128 if args.quick else 224)
    rounds = args.rounds or (6 if args.quick else 16)
    warmup = 1 if args.quick else 2
    torch.set_num_threads(args.threads)

    print(f"torch {torch.__version__}, torchvision {torchvision.__version__}, {platform.processor() or 'cpu'}, "
          f"{torch.get_num_threads()} threads; batch {batch} at {res}x{res}, {rounds} interleaved rounds "
          f"after {warmup} warm-up; medians, "
          "ratio = median of paired regnet_lab/torchvision ratios")
    header = (f"{'model':<16} {'pass':<9} {'torchvision ms':>15} {'regnet_lab ms':>14} {'ratio':>6}   "
              f"{'tv CPU ms':>10} {'ours CPU ms':>11} {'CPU ratio':>9}")
    print(header)
    print("-" * len(header))
    torch.manual_seed(0)
    worst = worst_cpu = 0.0
    for name in args.models:
        tv = torchvision.models.get_model(name)
        ours = rl.from_torchvision(tv)
        x = torch.randn(batch, 3, res, res)
        diff = check_same_outputs(tv, ours, x[:2])
        for label, make in (("forward", forward_step), ("fwd+bwd", train_step)):
            t = interleaved(make(tv, x), make(ours, x), rounds, warmup)
            worst, worst_cpu = max(worst, t.ratio), max(worst_cpu, t.ratio_cpu)
            print(f"{name:<16} {label:<9} {1e3 * t.a:>15.1f} {1e3 * t.b:>14.1f} {t.ratio:>6.3f}   "
                  f"{1e3 * t.a_cpu:>10.1f} {1e3 * t.b_cpu:>11.1f} {t.ratio_cpu:>9.3f}")
        print(f"{'':<16} (max abs output difference {diff:.1e})")
    verdict = lambda r: "ok" if r <= 1.05 else "SLOWER"  # noqa: E731
    print(f"worst ratio regnet_lab / torchvision (target <= 1.05): wall {worst:.3f} ({verdict(worst)}), "
          f"CPU {worst_cpu:.3f} ({verdict(worst_cpu)})")


if __name__ == "__main__":
    main()
