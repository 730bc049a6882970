"""Section 5's baselines: ResNe(X)t-style AnyNets (baselines) and torchvision's mobile networks
adapted to small images (torchvision_baselines)."""

import math

import pytest
import torch
import torchvision

import regnet_lab as rl
from regnet_lab.baselines import RESNET50_DEPTHS, match_complexity, resnet_style
from regnet_lab.torchvision_baselines import (MOBILE_BASELINES, count_module, match_mobile,
                                              mobile_baseline)


def _params(module):
    return sum(p.numel() for p in module.parameters())


@pytest.mark.parametrize("family, builder", [("resnet", torchvision.models.resnet50),
                                             ("resnext", torchvision.models.resnext50_32x4d)])
def test_the_50_layer_bodies_are_torchvisions_parameter_for_parameter(family, builder):
    # With ResNet's 64-channel stem width, the AnyNet description of the body has exactly
    # torchvision's parameters, except the stem conv: 7x7 there, 3x3 here (3 * 64 weights each).
    cfg = rl.as_anynet(resnet_style(family, 256), stem_width=64)
    stem_difference = (7 * 7 - 3 * 3) * 3 * 64
    assert rl.complexity(cfg).params + stem_difference == _params(builder(weights=None))
    assert cfg.depths == RESNET50_DEPTHS


def test_resnext_keeps_a_fixed_number_of_groups():
    for w1 in (16, 24, 64, 256):
        cfg = resnet_style("resnext", w1, regime="fashion-mnist")
        inner = [w // 2 for w in cfg.widths]
        groups = {i // g for i, g in zip(inner, cfg.group_widths)}
        assert len(groups) == 1 and cfg.group_widths[0] == 4
    cfg = resnet_style("resnet", 32, depths=(1, 2), regime="fashion-mnist")
    assert cfg.group_widths == (8, 16) and cfg.widths == (32, 64)  # one group per stage
    assert (cfg.in_channels, cfg.stem_stride, cfg.num_classes) == (1, 1, 10)


@pytest.mark.parametrize("family", ["resnet", "resnext"])
@pytest.mark.parametrize("metric, target", [("flops", 4e6), ("acts", 1.2e5), ("params", 5e5)])
def test_match_complexity_picks_the_nearest_width(family, metric, target):
    cfg = match_complexity(family, target, metric=metric)
    gap = abs(getattr(rl.complexity(cfg, resolution=28), metric) / target - 1)
    for w1 in (cfg.widths[0] - 8, cfg.widths[0] + 8):
        if w1 >= (16 if family == "resnext" else 8):
            other = resnet_style(family, w1, regime="fashion-mnist")
            assert gap <= abs(getattr(rl.complexity(other, resolution=28), metric) / target - 1)


@pytest.mark.parametrize("call, match", [
    (lambda: resnet_style("vgg", 64), "family"),
    (lambda: resnet_style("resnet", 12), "multiple of 8"),
    (lambda: resnet_style("resnext", 8), "at least 16"),
    (lambda: resnet_style("resnet", True), "first_width"),
    (lambda: resnet_style("resnet", 64, depths=()), "depths"),
    (lambda: match_complexity("resnet", 0), "target"),
    (lambda: match_complexity("resnet", math.nan), "target"),
    (lambda: match_complexity("resnet", 4e6, metric="time"), "metric"),
    (lambda: mobile_baseline("mobilenet_v3", 1.0), "network"),
    (lambda: mobile_baseline("mobilenet_v2", 0), "width_mult"),
    (lambda: mobile_baseline("mobilenet_v2", 5), "width_mult"),
    (lambda: count_module(torch.nn.Conv2d(1, 1, 3), 0, 1), "resolution"),
    (lambda: match_mobile("efficientnet_b0", -1.0), "target"),
])
def test_bad_inputs_name_the_parameter(call, match):
    with pytest.raises((ValueError, TypeError), match=match):
        call()


def test_count_module_refuses_what_is_not_a_module():
    with pytest.raises(TypeError, match="module"):
        count_module("RegNetX-200MF", 224)


@pytest.mark.parametrize("description, resolution", [
    ("RegNetY-200MF", 224),  # SE layers and a 1000-class head
    (resnet_style("resnext", 24, regime="fashion-mnist"), 28),
])
def test_count_module_is_the_books_convention(description, resolution):
    cfg = rl.as_anynet(description)
    assert count_module(rl.build(cfg), resolution, cfg.in_channels) == rl.complexity(cfg, resolution)


@pytest.mark.parametrize("name, mflops, mparams", [
    # published: MobileNetV2 (Sandler et al. 2018) 300M multiply-adds, 3.4M params (3.50M in
    # torchvision's implementation, whose code this is);
    # EfficientNet-B0 (Tan and Le 2019) 0.39B FLOPs (multiply-adds), 5.3M params
    ("mobilenet_v2", 300, 3.5), ("efficientnet_b0", 390, 5.3)])
def test_the_published_networks_have_their_published_size(name, mflops, mparams):
    cx = count_module(mobile_baseline(name, 1.0, regime="paper"), 224)
    assert cx.mflops == pytest.approx(mflops, rel=0.02)
    assert cx.params / 1e6 == pytest.approx(mparams, rel=0.02)


@pytest.mark.parametrize("name", MOBILE_BASELINES)
def test_adapted_networks_read_28px_grey_images(name):
    net = mobile_baseline(name, 0.5)
    assert net.features[0][0].in_channels == 1 and net.features[0][0].stride == (1, 1)
    net.train()
    assert net(torch.zeros(2, 1, 28, 28)).shape == (2, 10)
    assert net.training  # count_module restores the mode
    count_module(net, 28, 1)
    assert net.training


def test_match_mobile_lands_near_the_target():
    mult, net = match_mobile("mobilenet_v2", 4e6)
    assert (mult * 20) == round(mult * 20)
    assert count_module(net, 28, 1).flops == pytest.approx(4e6, rel=0.15)
