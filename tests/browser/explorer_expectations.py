"""What each chapter's explorer must show for its settings, computed here with regnet_lab,
independently of the chapter's code (used by ``check_book.py``).

``EXPECTED[(chapter, function name)]`` takes the explorer's current settings (the values of its
controls, as the page reports them) and returns the strings its output (printed text or the
figures' titles) must contain, or None when it has no rule for those settings (the check then
returns the explorer to its start settings and asks again).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

import regnet_lab as rl

FASHION = rl.regime("fashion-mnist")
RES = FASHION.resolution


@lru_cache(maxsize=None)
def ranked(space: str):
    frame = rl.load_reference(space)
    return frame.sort_values("error").reset_index(drop=True)


def block_costs(v):  # chapter 01: one X or Y block, w = 256, on a 14x14 map
    b, g = v["b"], min(v["g"], 256 // v["b"])
    se = 0.25 if v["block_type"] == "Y block" else 0.0
    cfg = rl.AnyNetConfig(depths=(1,), widths=(256,), bottleneck_ratios=(b,),
                          group_widths=(g,), strides=(1,), se_ratio=se, stem_width=256,
                          stem_stride=1, num_classes=10)
    row = rl.summary(cfg, resolution=14).to_frame().set_index("part").loc["stage1"]
    return [f"{row['flops'] / 1e6:.1f} MF, {int(row['params']):,} params"]


def subsample(v):  # chapter 02: the first n of a fixed random order of each population
    a, b = v["pair"].split(" vs ")
    out = []
    for space in (a, b):
        errors = rl.load_reference(space)["error"].to_numpy()
        order = np.random.default_rng(0).permutation(len(errors))
        out.append(f"{space} {errors[order[:v['n']]].mean():.2f}%")
    return out


def one_stage(v):  # chapter 03: stage `stage` of the chapter's cfg changed
    depths, widths = [1, 2, 4, 2], [32, 64, 160, 384]
    ratios, groups = [1, 1, 2, 2], [8, 16, 16, 32]
    i = v["stage"] - 1
    depths[i], widths[i], ratios[i], groups[i] = v["d"], v["w"], v["b"], v["g"]
    widths, groups = rl.make_compatible(widths, ratios, groups)
    return [f"widths {tuple(widths)}, group widths {tuple(groups)}"]


def band_of(label):
    return None if label == "no band" else FASHION.flops_band


def sample(v):  # chapter 04
    desc = rl.design_space("AnyNetX_A").sample(1, seed=v["seed"], flops=band_of(v["band_choice"]),
                                               regime=FASHION)[0]
    return [f"depths {desc.depths}, widths {desc.widths}"]


def shared_b(v):  # chapter 05
    original = rl.design_space("AnyNetX_A").sample(1, seed=v["seed"], flops=FASHION.flops_band,
                                                   regime=FASHION)[0]
    shared = rl.with_shared_block(original, bottleneck_ratio=v["b"])
    return [f"-> {rl.complexity(shared, resolution=RES).flops / 1e6:.2f} MF"]


def shared_g(v):  # chapter 06
    original = rl.design_space("AnyNetX_C").sample(1, seed=v["seed"], flops=FASHION.flops_band,
                                                   regime=FASHION)[0]
    changed = rl.with_shared_block(original, group_width=v["g"])
    return [f"-> {rl.complexity(changed, resolution=RES).flops / 1e6:.2f} MF"]


def window(v):  # chapter 07: a quarter of the ranked population from a percentile on
    frame = ranked(v["space"])
    n = len(frame)
    first = min(n - 1, int(round(v["start"] / 100 * n)))
    last = max(first + 1, int(round((v["start"] + 25) / 100 * n)))
    part = frame.iloc[first:last]
    return [f"errors {part['error'].min():.2f}-{part['error'].max():.2f}%"]


def fit(v):  # chapter 08
    desc = ranked("AnyNetX_E").iloc[v["rank"] - 1]["description"]
    f = rl.fit_quantized_linear(desc.block_widths)
    return [f"fit w0={f.w0}, wa={f.wa:g}, wm={f.wm:g}"]


def rule(v):  # chapter 09: the quantized linear rule, eqs. 2-4
    q = rl.quantize_widths(v["w0"], v["wa"], v["wm"], v["d"])
    return [f"depths {q.stage_depths}, widths {q.stage_widths}"]


def good_range(v):  # chapter 10
    frame = ranked(v["space"]).copy()
    frame["wa/w0"] = frame["wa"] / frame["w0"]
    band = rl.bootstrap_good_range(frame[v["parameter"]], frame["error"], frac=v["frac"])
    return [f"{v['parameter']}: good range [{band.lo:.3g}, {band.hi:.3g}]"]


def zoo(v):  # chapter 11: the stage table of a zoo model
    return [line for line in str(rl.summary(rl.zoo_config(v["name"]))).splitlines()
            if line.strip()][-1:]


def restriction(v):  # chapter 12: reference models that obey "b = 1"
    if v["restriction"] != "b = 1 (no bottleneck)":
        return None
    ref = rl.load_reference(v["baseline_name"])
    n_ok = sum(all(b == 1 for b in d.bottleneck_ratios) for d in ref["description"])
    return [f"so do {n_ok} of the {len(ref)} trained reference models"]


def best_of_k(v):  # chapter 13: the expected best error of k random reference models
    k = v["k"]
    out = []
    for space in rl.design_space_names():
        curve = rl.random_search_curve(ranked(space)["error"], ks=[k])
        out.append(f"{space}: expected best of {k} = {curve.loc[k, 'expected']:.2f}%")
    return out


def population_line(space, experiment, label):
    """What chapters 14 and 17 print for one population: size, mean error, median depth."""
    frame = rl.load_reference(space, experiment=experiment)
    depth = np.median([sum(c.depths) for c in frame["description"]])
    return (f"{label}: {len(frame)} models, mean error {frame['error'].mean():.2f}%, "
            f"median depth {depth:.0f}")


def band_ordering(v):  # chapter 14: the three spaces of Fig. 10 in one flops band
    experiment = None if v["band"] == "2-6 MF (reference)" else "band-6-18MF"
    return [population_line(space, experiment, space)
            for space in ("AnyNetX_A", "AnyNetX_E", "RegNetX_6param")]


BANDS_15 = {"0.7-2 MF": "band-0.7-2MF", "2-6 MF": None, "6-18 MF": "band-6-18MF"}


def band_range(v):  # chapter 15: the good range of one parameter in one flops band
    frame = rl.load_reference(["RegNetX_refined"], budget="cpu", experiment=BANDS_15[v["band"]])
    frame = frame.sort_values("error").reset_index(drop=True)
    band = rl.bootstrap_good_range(frame[v["parameter"]], frame["error"])
    return [f"{v['parameter']} in {v['band']}: good range [{band.lo:.3g}, {band.hi:.3g}]"]


def baseline_runs(v):  # chapter 16: one Section 5 baseline against its RegNet, five seeds each
    path = rl.reference_dir("cpu", [], None) / "section-5" / "runs.jsonl"
    runs = rl.load_retrain(path)
    spec = runs.loc[runs["name"] == v["name"], "network"].iloc[0]
    other = "RegNetY-best25+SE" if "mobile" in spec else "RegNetX-best25"
    out = []
    for name in (other, v["name"]):
        e = runs.loc[runs["name"] == name, "error"]
        out.append(f"{name}: mean error {e.mean():.2f}% over {len(e)} seeds")
    return out


# chapter 17: where each population of a comparison is kept (space, experiment)
GROUPS_17 = {
    "Fig. 13": [("RegNetX_6param", None, "RegNetX_6param"),
                ("RegNetX_constrained_no_limits", "constrained", "constrained, no limits")],
    "Fig. 14, blocks": [("RegNetX_6param", None, "RegNetX_6param"),
                        ("RegNetX_6param_inverted", "alternate-designs", "inverted bottleneck"),
                        ("RegNetX_6param_depthwise", "alternate-designs", "depthwise"),
                        ("RegNetY_6param", "alternate-designs", "RegNetY (SE)")],
    "Fig. 14, resolution": [("RegNetX_6param", "resolution-20", "20 px"),
                            ("RegNetX_6param", None, "RegNetX_6param"),
                            ("RegNetX_6param", "resolution-36", "36 px")],
    "App. B, 2-6 MF": [("RegNetX_6param", None, "RegNetX_6param"),
                       ("RegNetX_6param_fixed_depth", "appendix-b", "fixed depth"),
                       ("RegNetX_6param_stages_3", "appendix-b", "3 stages"),
                       ("RegNetX_6param_swish", "appendix-b", "Swish")],
    "App. B, 6-18 MF": [("RegNetX_6param", "band-6-18MF", "RegNetX_6param, 6-18 MF"),
                        ("RegNetX_6param_stages_3", "appendix-b-6-18MF", "3 stages, 6-18 MF")],
}


def comparison_group(v):  # chapter 17: one comparison of Figs. 13-14 or Appendix B
    return [population_line(*where) for where in GROUPS_17[v["comparison"]]]


EXPECTED = {
    ("01_resnet_to_xy_blocks", "explore"): block_costs,
    ("02_design_spaces", "show_subsample"): subsample,
    ("03_anynet", "explore"): one_stage,
    ("04_anynetx_a", "show_sample"): sample,
    ("05_anynetx_b", "show_shared_b"): shared_b,
    ("06_anynetx_c", "show_shared_g"): shared_g,
    ("07_anynetx_d", "show_window"): window,
    ("08_anynetx_e", "show_fit"): fit,
    ("09_regnet", "explore"): rule,
    ("10_regnet_trends", "show_range"): good_range,
    ("11_model_zoo_and_speed", "show_zoo_model"): zoo,
    ("12_design_your_own_space", "explore"): restriction,
    ("13_regnet_under_test", "show_best_of_k"): best_of_k,
    ("14_generalization", "show_band"): band_ordering,
    ("15_regimes_and_runtime", "show_band_range"): band_range,
    ("16_regnet_vs_standard_networks", "show_baseline"): baseline_runs,
    ("17_alternate_designs", "show_group"): comparison_group,
}
