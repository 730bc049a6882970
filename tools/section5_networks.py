"""Write the network list of the Section 5 comparison at our scale (for `regnet_lab retrain`).

    .venv/bin/python tools/section5_networks.py [OUT]   (default: data/sweeps/cpu/section-5/networks.json)
    .venv/bin/python tools/section5_networks.py --experiment band-6-18MF [OUT]
        (a second flop regime: the same choices from the 6-18 MF populations;
         default OUT data/sweeps/cpu/section-5-6-18MF/networks.json)

Section 5 of the paper takes, per flop regime, the best of 25 random RegNet settings and
retrains it 5 times, and compares it with ResNe(X)t at matched flops and at matched activations
(Table 3) and with EfficientNet (Table 4). Here, from the committed `cpu` reference results:

- RegNetX-best25: the best of the first 25 models of the reference RegNetX_refined population
  (the sweep draws models in random order, so these are 25 random settings; the refined space
  has the depth window of Section 5's sampler, scaled to our regime);
- RegNetY-best25+SE: the same network with SE blocks (ratio 0.25). ASSUMPTION: the paper
  searches the Y space itself; the book has no RegNetY population yet;
- ResNet- and ResNeXt-style AnyNets (regnet_lab.baselines) with ResNet-50's depths (3, 4, 6, 3)
  and with those depths divided by 4 and rounded up (1, 1, 2, 1; our regime divides every size
  bound of the paper by 4), matched to RegNetX-best25's flops, and the 50-layer ones also to its
  activations;
- MobileNetV2 and EfficientNet-B0 (regnet_lab.torchvision_baselines) scaled to RegNetY's flops.
"""

from __future__ import annotations

import sys
from pathlib import Path

import regnet_lab as rl

SCALED_DEPTHS = (1, 1, 2, 1)


def main(argv: list[str]) -> int:
    experiment = None
    if argv[:1] == ["--experiment"]:
        if len(argv) < 2:
            print("section5_networks.py: --experiment needs a name, e.g. --experiment band-6-18MF",
                  file=sys.stderr)
            return 2
        experiment, argv = argv[1], argv[2:]
        if "RegNetX_refined" not in rl.experiment(experiment).spaces:
            print(f"section5_networks.py: experiment {experiment!r} has no RegNetX_refined "
                  "population to take the best of 25 from", file=sys.stderr)
            return 2
    folder = "section-5" if experiment is None else f"section-5-{experiment.removeprefix('band-')}"
    out = Path(argv[0] if argv else f"data/sweeps/cpu/{folder}/networks.json")
    ref = rl.load_reference("RegNetX_refined", experiment=experiment).head(25)
    best = ref.loc[ref["error"].idxmin()]
    regnetx = rl.as_anynet(best["description"])
    regnety = rl.as_anynet(regnetx, se_ratio=0.25)
    cx_x = rl.complexity(regnetx, resolution=28)
    cx_y = rl.complexity(regnety, resolution=28)
    nets = [rl.Network("RegNetX-best25", description=best["description"].to_dict(),
                       note=f"best of the first 25 reference RegNetX_refined models"
                            f"{'' if experiment is None else f' of experiment {experiment}'} ({best['id']}, "
                            f"error {best['error']:.2f}% in the reference sweep)"),
            rl.Network("RegNetY-best25+SE", description=regnety.to_dict(),
                       note="RegNetX-best25 with SE blocks (ratio 0.25): an assumption, the paper "
                            "searches the Y space")]
    for family in ("resnet", "resnext"):
        for depths, tag in ((rl.RESNET50_DEPTHS, "50"), (SCALED_DEPTHS, "scaled")):
            cfg = rl.match_complexity(family, cx_x.flops, "flops", depths, "fashion-mnist")
            nets.append(rl.Network(f"{family}{tag}-style@flops", description=cfg.to_dict(),
                                   note=f"depths {depths}, flops matched to RegNetX-best25"))
        cfg = rl.match_complexity(family, cx_x.acts, "acts", rl.RESNET50_DEPTHS, "fashion-mnist")
        nets.append(rl.Network(f"{family}50-style@acts", description=cfg.to_dict(),
                               note="ResNet-50 depths, activations matched to RegNetX-best25"))
    for name in rl.MOBILE_BASELINES:
        mult, _ = rl.match_mobile(name, cx_y.flops, "flops", "fashion-mnist")
        nets.append(rl.Network(f"{name}@flops", mobile={"network": name, "width_mult": mult},
                               note="width multiplier matched to RegNetY-best25+SE's flops"))
    unique, seen = [], set()
    for n in nets:  # two matches can land on the same network: keep the first name
        key = repr(n.description or n.mobile)
        if key not in seen:
            seen.add(key)
            unique.append(n)
    source = "" if experiment is None else f" of experiment {experiment}"
    rl.write_networks(unique, out, made_by="tools/section5_networks.py (regnet_lab "
                      f"{rl.__version__}) from the committed cpu reference results{source}")
    for n in unique:
        model, cx = n.build("fashion-mnist")
        print(f"{n.name}: {cx.flops / 1e6:.2f} MF, {cx.params / 1e6:.3f} M params, "
              f"{cx.acts / 1e3:.0f} k acts")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
