from otter.test_files import test_case

OK_FORMAT = False

name = "q3"
points = 20

@test_case(points=8, hidden=False)
def test_q3_examples(my_verdict):
    import regnet_lab as rl
    from coursework_checks import agree, unavailable

    def comparison(p, diff, ci, se):
        return rl.Comparison(30, 30, 0.3, p, diff, ci, diff, ci, mean_diff_se=se, mean_diff_df=50.0)

    cases = [dict(comparison=comparison(p, d, ci, 0.2), expect=e)
             for p, d, ci in ((0.001, 1.0, (0.4, 1.6)), (0.5, 1.0, (0.4, 1.6)),
                              (0.001, 0.3, (-0.2, 0.8)), (0.5, 0.1, (-0.3, 0.5)),
                              (0.001, -1.0, (-1.6, -0.4)), (0.5, 0.05, (-0.3, 0.4)),
                              (0.001, -0.3, (-0.8, 0.2)), (0.5, -1.0, (-1.6, -0.4)))
             for e in ("better", "same")]
    want = [c["comparison"].verdict(c["expect"]) for c in cases]
    with unavailable([rl.Comparison.verdict], "q3", "apply the table yourself"):
        agree(my_verdict, "my_verdict", cases, want)

