"""Descriptions, the zoo and the network builder (round trips through JSON, of every block type:
tests/test_anynet_blocks.py)."""

import pytest
import torch

import regnet_lab as rl

PAPER_STAGES = {  # PAPER_FACTS.md: stage depths and widths after compatibility
    "RegNetX-200MF": ((1, 1, 4, 7), (24, 56, 152, 368)),
    "RegNetX-400MF": ((1, 2, 7, 12), (32, 64, 160, 384)),
    "RegNetX-600MF": ((1, 3, 5, 7), (48, 96, 240, 528)),
    "RegNetX-800MF": ((1, 3, 7, 5), (64, 128, 288, 672)),
    "RegNetX-1.6GF": ((2, 4, 10, 2), (72, 168, 408, 912)),
    "RegNetX-3.2GF": ((2, 6, 15, 2), (96, 192, 432, 1008)),
    "RegNetX-4.0GF": ((2, 5, 14, 2), (80, 240, 560, 1360)),
    "RegNetX-6.4GF": ((2, 4, 10, 1), (168, 392, 784, 1624)),
    "RegNetX-8.0GF": ((2, 5, 15, 1), (80, 240, 720, 1920)),
    "RegNetX-12GF": ((2, 5, 11, 1), (224, 448, 896, 2240)),
    "RegNetX-16GF": ((2, 6, 13, 1), (256, 512, 896, 2048)),
    "RegNetX-32GF": ((2, 7, 13, 1), (336, 672, 1344, 2520)),
    "RegNetY-200MF": ((1, 1, 4, 7), (24, 56, 152, 368)),
    "RegNetY-400MF": ((1, 3, 6, 6), (48, 104, 208, 440)),
    "RegNetY-600MF": ((1, 3, 7, 4), (48, 112, 256, 608)),
    "RegNetY-800MF": ((1, 3, 8, 2), (64, 128, 320, 768)),
    "RegNetY-1.6GF": ((2, 6, 17, 2), (48, 120, 336, 888)),
    "RegNetY-3.2GF": ((2, 5, 13, 1), (72, 216, 576, 1512)),
    "RegNetY-4.0GF": ((2, 6, 12, 2), (128, 192, 512, 1088)),
    "RegNetY-6.4GF": ((2, 7, 14, 2), (144, 288, 576, 1296)),
    "RegNetY-8.0GF": ((2, 4, 10, 1), (168, 448, 896, 2016)),
    "RegNetY-12GF": ((2, 5, 11, 1), (224, 448, 896, 2240)),
    "RegNetY-16GF": ((2, 4, 11, 1), (224, 448, 1232, 3024)),
    "RegNetY-32GF": ((2, 5, 12, 1), (232, 696, 1392, 3712)),
}


@pytest.mark.parametrize("name", list(PAPER_STAGES))
def test_zoo_stages_match_the_paper(name):
    cfg = rl.zoo_config(name)
    assert (cfg.depths, cfg.widths) == PAPER_STAGES[name]
    assert cfg.se_ratio == (0.25 if "RegNetY" in name else 0.0)


def test_zoo_names_are_case_insensitive():
    assert rl.zoo_config("regnety-1.6gf") == rl.zoo_config("RegNetY-1.6GF")
    with pytest.raises(ValueError, match="RegNetX-200MF"):
        rl.zoo_config("RegNetZ-1GF")


def test_regnet_config_aliases_and_expansion():
    cfg = rl.zoo_config("RegNetX-400MF")
    assert (cfg.d, cfg.w0, cfg.wa, cfg.wm, cfg.b, cfg.g) == (22, 24, 24.48, 2.54, 1.0, 16)
    assert cfg.to_anynet().widths == cfg.widths
    assert len(cfg.block_widths) == 22


@pytest.mark.parametrize("kwargs,match", [
    (dict(depths=[], widths=[], bottleneck_ratios=[], group_widths=[]), "at least one stage"),
    (dict(depths=[1, 2], widths=[8], bottleneck_ratios=[1, 1], group_widths=[1, 1]), "widths has 1"),
    (dict(depths=[0], widths=[8], bottleneck_ratios=[1], group_widths=[1]), "depths"),
    (dict(depths=[1], widths=[8.5], bottleneck_ratios=[1], group_widths=[1]), "widths"),
    (dict(depths=[1], widths=[24], bottleneck_ratios=[1], group_widths=[16]), "make_compatible"),
    (dict(depths=[1], widths=[8], bottleneck_ratios=[0], group_widths=[1]), "bottleneck_ratios"),
    (dict(depths=[1], widths=[8], bottleneck_ratios=[1], group_widths=[1], se_ratio=2), "se_ratio"),
    (dict(depths=[1], widths=[8], bottleneck_ratios=[1], group_widths=[1], stem_stride=0), "stem_stride"),
    (dict(depths=[1], widths=[8], bottleneck_ratios=[1], group_widths=[1], num_classes=0), "num_classes"),
    (dict(depths=[1], widths=[8], bottleneck_ratios=[1], group_widths=[1], strides=[2, 2]), "strides"),
])
def test_bad_anynet_descriptions_raise(kwargs, match):
    with pytest.raises(ValueError, match=match):
        rl.AnyNetConfig(**kwargs)


@pytest.mark.parametrize("kwargs,match", [
    (dict(depth=0, w0=24, wa=10, wm=2, group_width=8), "depth"),
    (dict(depth=10, w0=20, wa=10, wm=2, group_width=8), "w0"),
    (dict(depth=10, w0=24, wa=-3, wm=2, group_width=8), "wa"),
    (dict(depth=10, w0=24, wa=10, wm=1.0, group_width=8), "wm"),
    (dict(depth=10, w0=24, wa=10, wm=2, group_width=0), "group_width"),
    (dict(depth=10, w0=24, wa=10, wm=2, group_width=8, bottleneck_ratio=0.3), "bottleneck ratio"),
    (dict(depth=10, w0=24, wa=10, wm=2, group_width=8, bottleneck_ratio=-1), "bottleneck_ratio"),
    (dict(depth=10, w0=24, wa=10, wm=2), "group_width"),
    (dict(depth=10, w0=24, wa=10, wm=2, group_width=8, block_type="V"), "group_width"),
    (dict(depth=10, w0=24, wa=10, wm=2, group_width=8, block_type="Z"), "block_type"),
    (dict(depth=10, w0=24, wa=10, wm=2, group_width=8, activation="tanh"), "activation"),
    (dict(depth=10, w0=24, wa=float("nan"), wm=2, group_width=8), "wa"),
])
def test_bad_regnet_descriptions_raise(kwargs, match):
    with pytest.raises(ValueError, match=match):
        rl.RegNetConfig(**kwargs)


def test_build_rejects_unknown_things():
    with pytest.raises(ValueError):
        rl.build(42)
    with pytest.raises(TypeError):
        rl.build("RegNetX-200MF", no_such_field=1)


@pytest.mark.parametrize("overrides,shape", [
    (dict(in_channels=1, num_classes=10, stem_stride=1), (2, 1, 28, 28)),
    (dict(num_classes=7, stem_stride=1), (2, 3, 32, 32)),
    ({}, (1, 3, 64, 64)),
])
def test_build_works_for_channels_classes_and_stem_stride(overrides, shape):
    model = rl.build("RegNetY-200MF", **overrides).eval()
    with torch.no_grad():
        out = model(torch.randn(*shape))
    assert out.shape == (shape[0], overrides.get("num_classes", 1000))
    assert torch.isfinite(out).all()


def test_build_any_number_of_stages_and_custom_strides():
    cfg = rl.AnyNetConfig(depths=[2, 1], widths=[16, 32], bottleneck_ratios=[2, 1], group_widths=[4, 8],
                          strides=[1, 2], stem_width=8, stem_stride=1, in_channels=1, num_classes=3)
    out = rl.build(cfg)(torch.randn(2, 1, 12, 12))
    assert out.shape == (2, 3)
    assert rl.summary(cfg, resolution=12).rows[1].resolution == 12


def test_initialisation_follows_the_paper_code():
    model = rl.build("RegNetX-200MF")
    block = model.s1.b1
    assert torch.all(block.f.c_bn.weight == 1)  # pycls default: no zero-init
    assert torch.all(block.f.a_bn.weight == 1) and torch.all(block.f.a_bn.bias == 0)
    fc = model.head.fc
    assert torch.all(fc.bias == 0) and abs(fc.weight.std().item() - 0.01) < 0.002
    conv = model.stem.conv
    fan_out = 9 * conv.out_channels
    assert abs(conv.weight.std().item() - (2 / fan_out) ** 0.5) < 0.2 * (2 / fan_out) ** 0.5
    zero = rl.build("RegNetX-200MF", zero_init_final_bn=True)
    assert torch.all(zero.s1.b1.f.c_bn.weight == 0)
    assert torch.all(zero.s1.b1.f.a_bn.weight == 1)


def test_model_keeps_its_description():
    cfg = rl.zoo_config("RegNetX-200MF").replace(num_classes=10)
    assert rl.build(cfg).config == cfg.to_anynet()
