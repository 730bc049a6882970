"""Band-constrained sampling of two versions of regnet_lab, side by side in one run.

Times ``design_space(name).sample(500, seed, flops="default", regime=...)`` for every space
both versions know, alternating the versions (before, after, before, after, ...) in fresh
subprocesses so neither gets a warm cache the other lacks, and checks that both draw the same
samples (a hash of the fields both versions' descriptions have). Reports the minimum over the runs of each version.

    git -C . archive <commit> regnet_lab | tar x -C /tmp/before
    .venv/bin/python benchmarks/sampling_before_after.py --before /tmp/before [--rounds 3]

The version under test is the ``regnet_lab`` next to this file's parent folder.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys

AFTER = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

CHILD = r"""
import hashlib, json, sys, time, warnings
warnings.simplefilter("ignore")
import regnet_lab as rl
out = {}
FIELDS = ("depth", "w0", "wa", "wm", "group_width", "bottleneck_ratio", "depths", "widths",
          "bottleneck_ratios", "group_widths", "strides", "se_ratio")
for name in json.loads(sys.argv[1]):
    for regime in ("fashion-mnist", "paper"):
        sp = rl.design_space(name)
        sp.sample(20, seed=1, flops="default", regime=regime)  # warm-up: imports, caches
        t = time.perf_counter()
        s = sp.sample(500, seed=100, flops="default", regime=regime)
        dt = time.perf_counter() - t
        fields = [[getattr(x, f, None) for f in FIELDS] for x in s]
        digest = hashlib.sha256(repr(fields).encode()).hexdigest()[:16]
        out[f"{name}/{regime}"] = [dt, digest]
print(json.dumps(out))
"""


def run(root: str, names: list) -> dict:
    env = dict(os.environ, PYTHONPATH=root, OMP_NUM_THREADS="1")
    res = subprocess.run([sys.executable, "-c", CHILD, json.dumps(names)], cwd=root, env=env,
                         capture_output=True, text=True, check=True)
    return json.loads(res.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--before", required=True, help="folder holding the older regnet_lab package")
    ap.add_argument("--rounds", type=int, default=3, help="runs of each version (alternating)")
    ap.add_argument("--spaces", nargs="*", default=["AnyNetX_A", "AnyNetX_C", "AnyNetX_E",
                                                    "RegNetX_6param", "RegNetX_refined"])
    args = ap.parse_args()
    if args.rounds < 1:
        sys.exit("sampling_before_after.py: --rounds must be a positive integer, e.g. --rounds 3")
    runs = {"before": [], "after": []}
    for _ in range(args.rounds):
        runs["before"].append(run(os.path.abspath(args.before), args.spaces))
        runs["after"].append(run(AFTER, args.spaces))
    print(f"{'space/regime':32s} {'before':>10s} {'after':>10s} {'after/before':>13s}  same samples")
    for key in runs["after"][0]:
        b = min(r[key][0] for r in runs["before"]) * 1000
        a = min(r[key][0] for r in runs["after"]) * 1000
        same = runs["before"][0][key][1] == runs["after"][0][key][1]
        print(f"{key:32s} {b:8.1f}ms {a:8.1f}ms {a / b:13.2f}  {same}")
    print(f"load average at the end: {os.getloadavg()[0]:.2f} (min of {args.rounds} runs each)")


if __name__ == "__main__":
    main()
