"""Tests of the library tools the chapters use (added for chapters 09-12)."""

import pytest

import regnet_lab as rl


# ---- rl.label_points (chapter 11's speed figure) --------------------------------------------


def test_label_points_do_not_overlap_when_there_is_room():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    import regnet_lab as rl

    fig, ax = plt.subplots(figsize=(6, 4))
    x = [1.0, 1.02, 1.04, 3.0, 3.01]  # two clusters of points closer than a label
    y = [1.0, 1.01, 0.99, 2.0, 2.02]
    ax.plot(x, y, "o")
    ax.set_xlim(0, 5)
    ax.set_ylim(0, 3)
    anns = rl.label_points(ax, x, y, ["first", "second", "third", "fourth", "fifth"])
    renderer = fig.canvas.get_renderer()
    boxes = [a.get_window_extent(renderer) for a in anns]
    assert [a.get_text() for a in anns] == ["first", "second", "third", "fourth", "fifth"]
    assert len(ax.texts) == 5  # rejected candidates are removed
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert not a.overlaps(b)
    plt.close(fig)


def test_label_points_rejects_lengths_that_differ():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import pytest

    import regnet_lab as rl

    fig, ax = plt.subplots()
    with pytest.raises(ValueError, match="same length"):
        rl.label_points(ax, [1, 2], [1, 2], ["a"])
    plt.close(fig)


# ---- rl.with_shared_block, rl.stage_mflops (chapters 05 and 06) -----------------------------


def _mixed_net():
    import regnet_lab as rl

    return rl.AnyNetConfig(depths=(1, 1, 2, 2), widths=(8, 16, 64, 128),
                           bottleneck_ratios=(1, 2, 4, 1), group_widths=(8, 8, 8, 8))


def test_with_shared_block_sets_one_value_and_applies_the_compatibility_rule():
    import regnet_lab as rl

    net = _mixed_net()
    b2 = rl.with_shared_block(net, bottleneck_ratio=2)
    assert b2.bottleneck_ratios == (2, 2, 2, 2)
    assert b2.depths == net.depths
    # stage 1: inner width 8 / 2 = 4 < g = 8, so g is clamped to 4 (make_compatible)
    assert (b2.widths, b2.group_widths) == rl.make_compatible(net.widths, (2,) * 4, (8,) * 4)
    assert b2.group_widths == (4, 8, 8, 8)
    g16 = rl.with_shared_block(net, group_width=16)
    assert g16.bottleneck_ratios == net.bottleneck_ratios
    assert (g16.widths, g16.group_widths) == rl.make_compatible(net.widths,
                                                                net.bottleneck_ratios, (16,) * 4)
    both = rl.with_shared_block(net, bottleneck_ratio=1, group_width=2)
    assert both.bottleneck_ratios == (1,) * 4 and both.group_widths == (2,) * 4
    assert rl.design_space("AnyNetX_C").why_not(both, "paper") is None


def test_with_shared_block_needs_a_value():
    import pytest

    import regnet_lab as rl

    with pytest.raises(ValueError, match="bottleneck_ratio and/or group_width"):
        rl.with_shared_block(_mixed_net())
    with pytest.raises(ValueError):
        rl.with_shared_block(_mixed_net(), group_width=0)


def test_stage_mflops_are_the_summary_rows_of_the_stages():
    import regnet_lab as rl

    net = _mixed_net()
    stages = rl.stage_mflops(net, resolution=28)
    rows = rl.summary(net, resolution=28)
    assert len(stages) == 4
    other = sum(r.cost.mflops for r in rows if not r.name.startswith("stage"))
    assert abs(sum(stages) + other - rows.total.mflops) < 1e-9
    # a stage's flops grow when its bottleneck shrinks (b = 4 -> b = 1 in stage 3)
    assert rl.stage_mflops(rl.with_shared_block(net, bottleneck_ratio=1), 28)[2] > stages[2]


# ---- rl.plot_error_vs_param(jitter=...), rl.plot_widths(errors=...) (chapters 05-07) --------


def test_jitter_spreads_equal_values_by_at_most_the_factor_and_keeps_the_errors():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np
    import pytest

    import regnet_lab as rl

    values = np.repeat([1.0, 2.0, 4.0], 20)
    errors = np.linspace(10, 20, values.size)
    ax = rl.plot_error_vs_param(values, errors, "b", jitter=0.1, logx=True)
    shown = ax.collections[0].get_offsets()
    ratio = shown[:, 0] / values
    assert np.all(ratio >= 2 ** -0.1) and np.all(ratio <= 2 ** 0.1)
    assert len(np.unique(shown[:, 0])) == values.size  # no two points on top of each other
    assert np.allclose(shown[:, 1], errors)
    plain = rl.plot_error_vs_param(values, errors, "b").collections[0].get_offsets()
    assert np.allclose(plain[:, 0], values)
    with pytest.raises(ValueError, match="jitter"):
        rl.plot_error_vs_param(values, errors, "b", jitter=2)
    with pytest.raises(ValueError, match="positive"):
        rl.plot_error_vs_param(values - 1, errors, "b", jitter=0.1)
    plt.close("all")


def test_plot_widths_colours_lines_by_error_best_on_top():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np
    import pytest

    import regnet_lab as rl

    nets = [[8, 16, 32], [8, 8, 64], [16, 32, 32]]
    errors = [12.0, 18.0, 15.0]
    fig, ax = plt.subplots()
    rl.plot_widths(nets, ax=ax, errors=errors, cmap="viridis")
    lines = ax.get_lines()
    assert len(lines) == 3
    # drawn worst first, so the best model (error 12) is the last line, on top
    assert list(lines[-1].get_ydata()[:-1]) == nets[0]
    cmap = matplotlib.colormaps["viridis"]
    assert np.allclose(lines[-1].get_color(), cmap(0.0))
    assert np.allclose(lines[0].get_color(), cmap(1.0))
    assert len(fig.axes) == 2  # the colorbar
    with pytest.raises(ValueError, match="one finite number per description"):
        rl.plot_widths(nets, errors=[1.0, 2.0])
    with pytest.raises(ValueError, match="error_range"):
        rl.plot_widths(nets, errors=errors, error_range=(20, 10))
    plt.close("all")


# ---- rl.seed_noise_runs (chapter 02's seed-noise figure) ------------------------------------


def test_seed_noise_runs_are_the_shipped_pilot_file():
    import json
    from pathlib import Path

    import regnet_lab as rl

    runs = rl.seed_noise_runs("cpu")
    root = Path(__file__).resolve().parent.parent
    lines = [json.loads(l) for l in (root / "benchmarks" / "pilots" / "rC.jsonl").read_text().splitlines()
             if l.strip()]
    assert len(runs) == len(lines)  # the package's copy is the benchmark's file
    assert list(runs["error"]) == [l["error"] for l in lines]
    assert {"model", "seed", "error", "mflops", "status"} <= set(runs.columns)
    assert runs.groupby("model")["seed"].nunique().max() >= 2  # several seeds per model
    assert (runs["status"] == "ok").all()


def test_seed_noise_runs_work_outside_the_repository(tmp_path, monkeypatch):
    import regnet_lab as rl

    monkeypatch.chdir(tmp_path)  # no benchmarks/ above the working directory
    monkeypatch.delenv("REGNET_LAB_REFERENCE", raising=False)
    assert len(rl.seed_noise_runs()) > 0


def test_seed_noise_runs_refuse_a_budget_without_measurements():
    import pytest

    import regnet_lab as rl

    with pytest.raises(ValueError, match="budget 'gpu'.*cpu"):
        rl.seed_noise_runs("gpu")


def test_seed_noise_file_is_declared_as_package_data():
    import fnmatch
    from pathlib import Path

    import pytest

    tomllib = pytest.importorskip("tomllib")  # Python 3.11+

    root = Path(__file__).resolve().parent.parent
    config = tomllib.loads((root / "pyproject.toml").read_text())
    patterns = config["tool"]["setuptools"]["package-data"]["regnet_lab"]
    shipped = [p.relative_to(root / "regnet_lab").as_posix()
               for p in (root / "regnet_lab" / "pilots").glob("*.jsonl")]
    assert shipped and all(any(fnmatch.fnmatch(f, pat) for pat in patterns) for f in shipped)


# ---- rl.check_good_range (chapter 10's table of the paper's statements) -------------------


DEPTHS = list(range(5, 17))  # sampled span 5..16
WM = [1.5 + 0.01 * k for k in range(151)]  # 1.5 .. 3.0
B = [1, 2, 4, 1, 2, 4]
G = [1, 2, 4, 8, 16, 32]


@pytest.mark.parametrize("values, args, log, agrees", [
    (DEPTHS, (5, 9, 5), False, "not decisive"),  # one value at the population minimum
    (WM, (2.3, 2.7, 2.5), False, "yes"),  # one value inside a narrow middle range
    (WM, (1.6, 2.9, 2.5), False, "not decisive"),  # too wide
    (WM, (2.6, 2.9, 2.5), False, "no"),
    (B, (1, 1, 1), False, "yes"),  # an exact value
    (B, (1, 2, 1), False, "not decisive"),
    (G, (2, 32, 2, 32), True, "yes"),  # a named interval, on a log scale
    (G, (1, 8, 2, 32), True, "not decisive"),
    (G, (1, 1, 2, 32), True, "no"),
])
def test_check_good_range_agrees(values, args, log, agrees):
    assert rl.check_good_range(values, *args, log=log).agrees == agrees


def test_check_good_range_reading_and_cover():
    r = rl.check_good_range(DEPTHS, 5, 9, 5)
    assert r.at_min and not r.at_max
    assert r.reading.startswith("smaller is better")
    assert abs(r.cover - 4 / 11) < 1e-12
    assert rl.check_good_range(WM, 2.3, 2.7, 2.5).reading.startswith("a middle range")
    # on a log scale 4..8 of 1..32 is one fifth of the span
    assert abs(rl.check_good_range(G, 4, 8, 2, 32, log=True).cover - 0.2) < 1e-12


def test_check_good_range_rejects_bad_input():
    import pytest

    import regnet_lab as rl

    with pytest.raises(ValueError, match="lo = 3"):
        rl.check_good_range([1, 2, 3], 3, 2, 2)
    with pytest.raises(ValueError, match="named_lo"):
        rl.check_good_range([1, 2, 3], 1, 2, 3, 2)
    with pytest.raises(ValueError, match="log=True"):
        rl.check_good_range([0, 1, 2], 1, 2, 1, log=True)
    with pytest.raises(ValueError, match="edge"):
        rl.check_good_range([1, 2, 3], 1, 2, 2, edge=0.5)
    with pytest.raises(ValueError, match="finite"):
        rl.check_good_range([1, 2, float("nan")], 1, 2, 2)


def test_plot_widths_median_profile_and_clipped_error_range():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    import regnet_lab as rl

    nets = [[8, 16, 32], [8, 8, 64, 64], [16, 32, 32]]
    fig, ax = plt.subplots()
    rl.plot_widths(nets, ax=ax, errors=[12.0, 30.0, 15.0], error_range=(12.0, 20.0),
                   median=True)
    profile = ax.get_lines()[-1]
    # block 0: median(8, 8, 16) = 8; block 1: median(16, 8, 32) = 16; block 2: 32;
    # block 3: only the second model has it, 64 (the last value is repeated for the step)
    assert list(profile.get_ydata()) == [8, 16, 32, 64, 64]
    assert profile.get_label() == "median width of block j"
    assert fig.axes[1].get_label() == "<colorbar>"
    plt.close("all")


def test_label_points_keep_off_the_other_points():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.transforms import Bbox

    import regnet_lab as rl

    fig, ax = plt.subplots(figsize=(6, 4))
    x, y = [1.0, 1.3, 3.0], [1.0, 1.03, 2.0]  # the second point sits where the first's label would
    ax.plot(x, y, "o", ms=7)
    ax.set_xlim(0, 5)
    ax.set_ylim(0, 3)
    anns = rl.label_points(ax, x, y, ["a long first label", "b", "c"], marker_size=7)
    renderer = fig.canvas.get_renderer()
    half = 3.5 * fig.dpi / 72
    dots = [Bbox([[cx - half, cy - half], [cx + half, cy + half]])
            for cx, cy in ax.transData.transform(list(zip(x, y)))]
    for k, a in enumerate(anns):
        box = a.get_window_extent(renderer)
        assert not any(box.overlaps(d) for j, d in enumerate(dots) if j != k)
    plt.close(fig)
