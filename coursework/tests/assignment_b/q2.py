from otter.test_files import test_case

OK_FORMAT = False

name = "q2"
points = 15

@test_case(points=6, hidden=False)
def test_q2_examples(bootstrap_mean_diff):
    import numpy as np
    import regnet_lab as rl
    import regnet_lab.analysis as analysis
    from coursework_checks import call_text, unavailable

    rng = np.random.default_rng(11)
    cases = [(np.round(rng.normal(15, 1.5, 30), 2), np.round(rng.normal(14, 1.5, 30), 2))]
    for a, b in cases:
        lib = rl.compare_populations(a, b, reps=2000)
        with unavailable([rl.compare_populations, analysis._bootstrap_interval], "q2",
                         "resample with numpy yourself"):
            diff, (lo, hi) = bootstrap_mean_diff(a, b, reps=2000, seed=0)
        where = call_text("bootstrap_mean_diff", dict(errors_a=a.tolist(), errors_b=b.tolist()))
        assert abs(diff - lib.mean_diff) < 1e-9, (
            f"first wrong input: {where}\n    expected the difference {lib.mean_diff!r}, got {diff!r}")
        width = lib.mean_diff_ci[1] - lib.mean_diff_ci[0]
        tol = 0.15 * width + 0.02
        ok = abs(lo - lib.mean_diff_ci[0]) <= tol and abs(hi - lib.mean_diff_ci[1]) <= tol
        assert ok, (f"first wrong input: {where}\n    expected an interval near "
                    f"({lib.mean_diff_ci[0]:.3f}, {lib.mean_diff_ci[1]:.3f}) (within {tol:.3f}), "
                    f"got ({lo:.3f}, {hi:.3f})")

