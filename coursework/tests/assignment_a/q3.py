from otter.test_files import test_case

OK_FORMAT = False

name = "q3"
points = 20

@test_case(points=8, hidden=False)
def test_q3_examples(compatible_widths):
    import regnet_lab as rl
    from coursework_checks import agree, unavailable

    cases = [dict(widths=[24, 64, 152, 392], bottleneck_ratio=1, group_width=16),
             dict(widths=[40, 80], bottleneck_ratio=1, group_width=16),
             dict(widths=[24, 56, 152, 368], bottleneck_ratio=1, group_width=8)]
    want = [rl.make_compatible(c["widths"], [1] * len(c["widths"]), [c["group_width"]] * len(c["widths"]))
            for c in cases]
    with unavailable([rl.make_compatible], "q3", "round to multiples of the group width yourself"):
        agree(compatible_widths, "compatible_widths", cases, want,
              normalize=lambda r: tuple(tuple(int(x) for x in part) for part in r))

