from otter.test_files import test_case

OK_FORMAT = False

name = "q1"
points = 10

@test_case(points=4, hidden=False)
def test_q1_examples(conv_cost):
    import regnet_lab as rl
    import regnet_lab.counting as counting
    from coursework_checks import agree, module_functions, unavailable

    cases = [dict(c_in=3, c_out=32, k=3, h=112), dict(c_in=32, c_out=24, k=1, h=112),
             dict(c_in=24, c_out=24, k=3, h=56, groups=3)]
    weights = [c["k"] ** 2 * c["c_in"] * c["c_out"] // c.get("groups", 1) for c in cases]
    want = [(w * c["h"] ** 2, w, c["c_out"] * c["h"] ** 2) for w, c in zip(weights, cases)]
    stem = rl.summary(rl.as_anynet("RegNetX-200MF")).rows[0].cost  # the library agrees
    assert (stem.flops, stem.params - 2 * 32, stem.acts) == want[0]
    with unavailable(module_functions(counting), "q1", "count the conv yourself"):
        agree(conv_cost, "conv_cost", cases, want, normalize=lambda r: tuple(int(x) for x in r))

