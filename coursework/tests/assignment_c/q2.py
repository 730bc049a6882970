from otter.test_files import test_case

OK_FORMAT = False

name = "q2"
points = 25

@test_case(points=10, hidden=False)
def test_q2_examples(x_block_cost):
    import regnet_lab as rl
    import regnet_lab.counting as counting
    from coursework_checks import agree, module_functions, unavailable

    def expected(w_in, w_out, stride, b, g, h):
        cfg = rl.AnyNetConfig(depths=(1,), widths=(w_out,), bottleneck_ratios=(b,),
                              group_widths=(g,), strides=(stride,), stem_width=w_in)
        cost = rl.summary(cfg, resolution=2 * h).rows[1].cost  # the stem halves 2h to h
        return cost.flops, cost.params, cost.acts

    cases = [dict(w_in=152, w_out=368, stride=2, b=1, g=8, h=14),  # RegNetX-200MF, stage 4
             dict(w_in=368, w_out=368, stride=1, b=1, g=8, h=7),
             dict(w_in=64, w_out=128, stride=2, b=2, g=16, h=28)]
    want = [expected(**c) for c in cases]
    with unavailable(module_functions(counting), "q2", "add up the block's layers yourself"):
        agree(x_block_cost, "x_block_cost", cases, want, normalize=lambda r: tuple(int(x) for x in r))

