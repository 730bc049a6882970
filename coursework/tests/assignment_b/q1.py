from otter.test_files import test_case

OK_FORMAT = False

name = "q1"
points = 10

@test_case(points=4, hidden=False)
def test_q1_examples(edf_by_hand):
    import numpy as np
    import regnet_lab as rl
    from coursework_checks import agree, unavailable

    cases = [dict(errors=[12.0, 14.5, 14.5, 20.0], grid=[10.0, 12.0, 14.5, 15.0, 25.0]),
             dict(errors=[3.0], grid=[2.0, 3.0, 4.0])]
    want = [rl.edf(c["errors"], grid=c["grid"])[1].tolist() for c in cases]
    with unavailable([rl.edf], "q1", "count the errors strictly below each grid value yourself"):
        agree(edf_by_hand, "edf_by_hand", cases, want,
              normalize=lambda r: [float(x) for x in np.asarray(r, dtype=float)],
              same=lambda a, b: len(a) == len(b) and np.allclose(a, b, rtol=0, atol=1e-12))

