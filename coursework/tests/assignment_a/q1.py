from otter.test_files import test_case

OK_FORMAT = False

name = "q1"
points = 30

@test_case(points=10, hidden=False)
def test_q1_examples(quantized_block_widths):
    import numpy as np
    import regnet_lab as rl
    import regnet_lab.analysis as analysis
    from coursework_checks import agree, unavailable

    cases = [dict(w0=24, wa=36.44, wm=2.49, depth=13), dict(w0=48, wa=27.89, wm=2.09, depth=16)]
    rng = np.random.default_rng(17)
    cases += [dict(w0=8 * int(rng.integers(1, 32)), wa=int(rng.integers(1, 2560)) / 10,
                   wm=int(rng.integers(1500, 3001)) / 1000, depth=int(rng.integers(1, 30)))
              for _ in range(20)]
    want = [list(rl.quantize_widths(**c).block_widths) for c in cases]
    with unavailable([rl.quantize_widths, analysis.quantized_widths_grid], "q1",
                     "write eqs. 2-4 with numpy yourself"):
        agree(quantized_block_widths, "quantized_block_widths", cases, want,
              normalize=lambda r: [int(x) for x in r])

