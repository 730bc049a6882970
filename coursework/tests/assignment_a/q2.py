from otter.test_files import test_case

OK_FORMAT = False

name = "q2"
points = 10

@test_case(points=4, hidden=False)
def test_q2_examples(stages_from_blocks):
    import regnet_lab as rl
    from coursework_checks import agree, unavailable

    blocks = [[8, 8, 16, 16, 16, 32], [24], list(rl.quantize_widths(24, 36.44, 2.49, 13).block_widths)]
    cases = [dict(block_widths=b) for b in blocks]
    want = [((8, 16, 32), (2, 3, 1)), ((24,), (1,)), ((24, 56, 152, 368), (1, 1, 4, 7))]
    with unavailable([rl.quantize_widths], "q2", "group the runs of equal widths yourself"):
        agree(stages_from_blocks, "stages_from_blocks", cases, want,
              normalize=lambda r: tuple(tuple(int(x) for x in part) for part in r))

