"""A complete AnyNet: block types V, R, VR, X, Y, any number of stages, b < 1, SiLU, named layers.

Every block type is counted three ways that do not share code: by hand (the numbers below are
worked out from the layer lists in regnet_lab/blocks.py), from the built module (parameters,
forward hooks on convs and the FC layer) and by PyTorch's own flop counter.
"""

import json
import re

import pytest
import torch
from torch import nn
from torch.utils.flop_counter import FlopCounterMode

import regnet_lab as rl

BLOCKS = ["V", "R", "VR", "X", "Y"]


def one_block(block_type, **fields):
    """One stage, one block: 8 -> 16 channels, stride 2, on an 8x8 one-channel image."""
    base = dict(depths=(1,), widths=(16,), block_type=block_type, stem_width=8, stem_stride=1,
                in_channels=1, num_classes=10)
    if block_type in ("X", "Y"):
        base.update(bottleneck_ratios=(0.25,), group_widths=(16,))  # inverted: w_b = 64
    if block_type == "Y":
        base.update(se_ratio=0.25)  # w_se = round(0.25 * 8) = 2
    base.update(fields)
    return rl.AnyNetConfig(**base)


# Hand counts at 8x8 (stem and head included). Stem: 3x3 conv 1 -> 8 at 8x8: 576 weights x 64
# pixels = 4608 flops, 72 + 16 (BN) params, 512 acts. Head: 16 * 10 + 10 = 170 flops and params,
# 10 acts. The block works at 4x4 after its stride 2:
# * V: 3x3 8 -> 16 (1152 weights, 18432 flops, 256 acts) + BN 32, 3x3 16 -> 16 (2304 weights,
#   36864 flops, 256 acts) + BN 32.
# * R and VR: V's convolutions plus the projection 1x1 8 -> 16 (128 weights, 2048 flops,
#   256 acts) + BN 32.
# * X (b = 1/4, g = 16): 1x1 8 -> 64 at 8x8 (512 weights, 32768 flops, 4096 acts) + BN 128;
#   3x3 64 -> 64 in 4 groups (9216 weights, 147456 flops, 1024 acts) + BN 128; 1x1 64 -> 16
#   (1024 weights, 16384 flops, 256 acts) + BN 32; the projection as for R.
# * Y: X plus SE 64 -> 2 -> 64 at 1x1 with biases (130 + 192 flops and params, 2 + 64 acts).
STEM_HEAD = rl.Complexity(4608 + 170, 88 + 170, 512 + 10)
HAND = {
    "V": rl.Complexity(18432 + 36864, 1152 + 32 + 2304 + 32, 512),
    "R": rl.Complexity(18432 + 36864 + 2048, 1152 + 32 + 2304 + 32 + 160, 768),
    "VR": rl.Complexity(18432 + 36864 + 2048, 1152 + 32 + 2304 + 32 + 160, 768),
    "X": rl.Complexity(32768 + 147456 + 16384 + 2048, 640 + 9344 + 1056 + 160,
                       4096 + 1024 + 256 + 256),
}
HAND["Y"] = HAND["X"] + rl.Complexity(322, 322, 66)


@pytest.mark.parametrize("block_type", BLOCKS)
def test_complexity_equals_hand_count(block_type):
    assert rl.complexity(one_block(block_type), resolution=8) == STEM_HEAD + HAND[block_type]


def count_params(model):
    return sum(p.numel() for p in model.parameters())


def hooked(model, config, resolution):
    """flops (multiply-adds, biases included) and acts of every conv and the FC layer, from
    forward hooks on the built module."""
    flops = acts = 0

    def hook(module, inputs, output):
        nonlocal flops, acts
        pixels = output.shape[2] * output.shape[3] if output.dim() == 4 else 1
        weights = module.weight.numel()
        bias = module.bias.numel() if module.bias is not None else 0
        flops += (weights + bias) * pixels
        acts += output[0].numel()

    handles = [m.register_forward_hook(hook) for m in model.modules()
               if isinstance(m, (nn.Conv2d, nn.Linear))]
    with torch.no_grad():
        model.eval()(torch.zeros(1, config.in_channels, resolution, resolution))
    for h in handles:
        h.remove()
    return flops, acts


def pytorch_flops(model, config, resolution):
    """PyTorch's flop counter: 2 flops per multiply-add of convs and linear layers, no biases."""
    counter = FlopCounterMode(display=False)
    with counter, torch.no_grad():
        model.eval()(torch.zeros(1, config.in_channels, resolution, resolution))
    return counter.get_total_flops()


def bias_flops(model):
    """The bias terms our count includes: SE convs act at 1x1, the FC once."""
    return sum(m.bias.numel() for m in model.modules()
               if isinstance(m, (nn.Conv2d, nn.Linear)) and m.bias is not None)


def network(block_type, n_stages, activation="relu"):
    widths = (16, 24, 40, 64, 96, 128)[:n_stages]
    depths = (1, 2, 2, 1, 2, 1)[:n_stages]
    fields = dict(depths=depths, widths=widths, block_type=block_type, activation=activation,
                  stem_width=8, stem_stride=1, in_channels=3, num_classes=5)
    if block_type in ("X", "Y"):
        bs = (1, 0.5, 2, 0.25, 1, 0.125)[:n_stages]
        widths, gs = rl.make_compatible(widths, bs, (8,) * n_stages)
        fields.update(widths=widths, bottleneck_ratios=bs, group_widths=gs,
                      se_ratio=0.25 if block_type == "Y" else 0.0)
    return rl.AnyNetConfig(**fields)


@pytest.mark.parametrize("n_stages", [3, 4, 5])
@pytest.mark.parametrize("block_type", BLOCKS)
def test_counts_equal_the_built_module(block_type, n_stages):
    config = network(block_type, n_stages, activation="silu" if n_stages == 5 else "relu")
    model = rl.build(config)
    resolution = 32
    ours = rl.complexity(config, resolution=resolution)
    assert len(model.stages) == n_stages == config.num_stages
    assert ours.params == count_params(model)
    assert (ours.flops, ours.acts) == hooked(model, config, resolution)
    assert pytorch_flops(model, config, resolution) == 2 * (ours.flops - bias_flops(model))


def test_summary_rows_of_plain_blocks_have_no_bottleneck_columns():
    rows = rl.summary(network("R", 3), resolution=32).rows
    assert [r.name for r in rows] == ["stem", "stage1", "stage2", "stage3", "head"]
    assert all(r.bottleneck_ratio is None and r.groups is None for r in rows[1:-1])
    assert [r.resolution for r in rows[1:-1]] == [16, 8, 4]


def test_state_dict_reads_like_the_paper():
    model = rl.build(rl.zoo_config("RegNetY-200MF").replace(num_classes=10))
    keys = list(model.state_dict())
    for key in ["stem.conv.weight", "stem.bn.running_var", "s1.b1.proj.weight",
                "s1.b1.proj_bn.weight", "s1.b1.f.a.weight", "s1.b1.f.a_bn.bias",
                "s1.b1.f.b.weight", "s1.b1.f.se.fc1.bias", "s1.b1.f.se.fc2.weight",
                "s1.b1.f.c.weight", "s1.b1.f.c_bn.weight", "s4.b7.f.c.weight", "head.fc.bias"]:
        assert key in keys
    assert not [k for k in keys if re.search(r"(^|\.)\d+(\.|$)", k)]  # nothing named by index
    assert "s1.b2.proj.weight" not in keys  # identity shortcut after the first block


def test_activation_is_used_everywhere():
    model = rl.build(network("Y", 3, activation="swish"))
    kinds = {type(m) for m in model.modules()}
    assert nn.SiLU in kinds and nn.ReLU not in kinds and nn.Sigmoid in kinds
    assert model.config.activation == "silu"


def test_vanilla_block_has_no_shortcut_and_vr_no_final_activation():
    v = rl.blocks.VBlock(8, 8, 1)
    assert [n for n, _ in v.named_children()] == ["a", "a_bn", "a_af", "b", "b_bn", "b_af"]
    x = torch.randn(2, 8, 6, 6)
    vr = rl.blocks.VRBlock(8, 8, 1).eval()
    with torch.no_grad():  # VR adds the vanilla block to its input and stops there
        assert torch.allclose(vr(x), x + vr.f(x))
        assert (vr(x) < 0).any()
    r = rl.blocks.RBlock(8, 16, 2).eval()
    with torch.no_grad():
        assert (r(x) >= 0).all() and r(x).shape == (2, 16, 3, 3)


ROUND_TRIP = [("RegNetY-400MF", "Y", lambda: rl.zoo_config("RegNetY-400MF")),
              ("RegNetY-400MF as AnyNet", "Y", lambda: rl.zoo_config("RegNetY-400MF").to_anynet())]
ROUND_TRIP += [(f"{b} blocks, SiLU", b, lambda b=b: network(b, 4, activation="silu"))
               for b in BLOCKS]


@pytest.mark.parametrize("block_type, make", [case[1:] for case in ROUND_TRIP],
                         ids=[case[0] for case in ROUND_TRIP])
def test_descriptions_round_trip_through_json(block_type, make):
    cfg = make()
    again = rl.config_from_dict(json.loads(json.dumps(cfg.to_dict())))
    assert again == cfg and hash(again) == hash(cfg)
    assert type(again) is type(cfg) and again.block_type == block_type


def test_old_dicts_without_block_type_still_load():
    d = rl.zoo_config("RegNetY-400MF").to_anynet().to_dict()
    del d["block_type"], d["activation"]
    cfg = rl.config_from_dict(d)
    assert cfg.block_type == "Y" and cfg.activation == "relu"
    assert cfg == rl.zoo_config("RegNetY-400MF").to_anynet()


def test_x_with_se_is_y_and_back():
    x = rl.zoo_config("RegNetX-200MF").to_anynet()
    assert x.block_type == "X" and x.replace(se_ratio=0.25).block_type == "Y"
    assert rl.zoo_config("RegNetY-200MF").replace(se_ratio=0).block_type == "X"


def test_plain_blocks_follow_new_widths():
    cfg = network("V", 3)
    assert cfg.bottleneck_ratios == (1, 1, 1) and cfg.group_widths == cfg.widths
    wider = cfg.replace(widths=(32, 48, 80))
    assert wider.group_widths == (32, 48, 80)
    assert wider.replace(block_type="X").block_type == "X"


def test_regnet_of_other_blocks_and_inverted_bottleneck():
    v = rl.RegNetConfig(depth=8, w0=16, wa=8, wm=2, block_type="VR", stem_width=8)
    assert v.to_anynet().block_type == "VR" and v.widths == v.quantized.stage_widths
    inv = rl.RegNetConfig(depth=8, w0=16, wa=8, wm=2, group_width=8, bottleneck_ratio=0.25)
    assert all(wb == 4 * w for wb, w in zip(inv.to_anynet().bottleneck_widths, inv.widths))
    model = rl.build(inv, num_classes=3)
    assert rl.complexity(inv, num_classes=3).params == count_params(model)


@pytest.mark.parametrize("widths,b,g", [
    ((20, 44, 100), 0.25, 24), ((8, 16, 40), 0.5, 3), ((24, 56, 152), 0.125, 16),
    ((13, 30, 71), 1 / 3, 8),
])
def test_make_compatible_with_inverted_bottleneck(widths, b, g):
    """pycls's rule for b < 1: the bottleneck becomes a multiple of lcm(g, 1/b)."""
    n = len(widths)
    new_w, new_g = rl.make_compatible(widths, (b,) * n, (g,) * n)
    m = round(1 / b)
    for w0, w, gg in zip(widths, new_w, new_g):
        inner = w * m
        assert inner % gg == 0 and gg <= g
        assert abs(inner - w0 * m) <= max(gg, m) * m  # moved by at most one step
    rl.AnyNetConfig(depths=(1,) * n, widths=new_w, bottleneck_ratios=(b,) * n,
                    group_widths=new_g)  # valid


def test_make_compatible_hand_values():
    # 80 channels, step lcm(24, 4) = 24: 80 / 24 = 3.33 -> 72 -> width 18
    assert rl.make_compatible([20], [0.25], [24]) == ((18,), (24,))
    # 80 / 32 = 2.5 rounds half to even -> 64 -> width 16
    assert rl.make_compatible([20], [0.25], [32]) == ((16,), (32,))


@pytest.mark.parametrize("kwargs,match", [
    (dict(block_type="V", se_ratio=0.25), "se_ratio must be 0"),
    (dict(block_type="Y", se_ratio=0.0), "se_ratio > 0"),
    (dict(block_type="Q"), "block_type"),
    (dict(block_type="R", bottleneck_ratios=(2,), group_widths=(4,)), "leave bottleneck_ratios"),
    (dict(block_type="X", activation="gelu"), "activation"),
])
def test_bad_block_fields_raise(kwargs, match):
    fields = dict(depths=(1,), widths=(16,), bottleneck_ratios=(1,), group_widths=(8,))
    if kwargs.get("block_type") in ("V", "R", "VR"):
        fields.pop("bottleneck_ratios"), fields.pop("group_widths")
    fields.update(kwargs)
    with pytest.raises(ValueError, match=match):
        rl.AnyNetConfig(**fields)


def test_make_compatible_rejects_a_ratio_that_is_not_one_over_an_integer():
    with pytest.raises(ValueError, match="1/m"):
        rl.make_compatible([16], [0.3], [8])


def test_provenance_fields_are_declared_and_empty_for_built_models():
    model = rl.build("RegNetX-200MF", num_classes=10)
    assert (model.torchvision_builder, model.paper_name, model.matches_paper) == (None, None, None)
