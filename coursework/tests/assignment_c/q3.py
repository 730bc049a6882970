from otter.test_files import test_case

OK_FORMAT = False

name = "q3"
points = 15

@test_case(points=5, hidden=False)
def test_q3_examples(network_cost):
    import regnet_lab as rl
    import regnet_lab.counting as counting
    from coursework_checks import agree, module_functions, unavailable

    cases = [dict(cfg=rl.as_anynet("RegNetX-200MF"), resolution=224)]
    want = [rl.complexity(c["cfg"], resolution=c["resolution"]) for c in cases]
    want = [(w.flops, w.params, w.acts) for w in want]
    with unavailable(module_functions(counting), "q3", "use your q1 and q2 functions"):
        agree(network_cost, "network_cost", cases, want, normalize=lambda r: tuple(int(x) for x in r))

