"""torchvision interop: exact conversion of all 15 torchvision RegNets, and what differs from the paper.

Every builder except ``regnet_y_128gf`` is built once with real random weights and converted (the
whole file takes about 15 s on 2 cores). ``regnet_y_128gf`` (644.8M parameters, 2.6 GB) is never
allocated: torchvision builds it with its weights on the meta device (shapes without data) and
``from_torchvision`` converts that structure into a meta regnet_lab model, so the description
reading, the name mapping and both parameter counts are checked, with no numbers to copy.
"""

from __future__ import annotations

from typing import Callable

import pytest
import torch
import torchvision
from torch import nn
from torchvision.models.regnet import BlockParams, RegNet

import regnet_lab as rl
from regnet_lab.interop import _ParametersOnMeta  # torchvision builders without memory
from regnet_lab.interop import (
    compare_with_paper,
    from_torchvision,
    torchvision_builder_names,
    torchvision_config,
    torchvision_differences,
)

BUILDERS = list(torchvision_builder_names())
HEAVY = "regnet_y_128gf"  # never allocated
DIFFERENT = {  # PAPER_FACTS.md: torchvision's widths vs the paper's
    "regnet_x_400mf": ((32, 64, 160, 400), (32, 64, 160, 384)),
    "regnet_y_800mf": ((64, 144, 320, 784), (64, 128, 320, 768)),
    "regnet_y_8gf": ((224, 448, 896, 2016), (168, 448, 896, 2016)),
}
PARITY = ["regnet_x_400mf", "regnet_y_400mf", "regnet_y_800mf", "regnet_x_1_6gf"]
_CACHE_BELOW = 20_000_000  # keep small converted pairs for the parity tests; big ones are used once


def torchvision_params(name: str) -> int:
    """torchvision's own parameter count for a builder (from its weights' metadata)."""
    return list(torchvision.models.get_model_weights(name))[0].meta["num_params"]


def count(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


def randomize(model: nn.Module, seed: int) -> nn.Module:
    """Random BN statistics and affine terms and SE/FC biases, as a trained model would have."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.running_mean.copy_(torch.randn(m.num_features, generator=g) * 0.1)
                m.running_var.copy_(torch.rand(m.num_features, generator=g) + 0.5)
                m.weight.copy_(torch.randn(m.num_features, generator=g) * 0.2 + 1.0)
                m.bias.copy_(torch.randn(m.num_features, generator=g) * 0.1)
                m.num_batches_tracked.fill_(seed + 7)
            elif isinstance(m, (nn.Conv2d, nn.Linear)) and m.bias is not None:
                m.bias.copy_(torch.randn(m.bias.shape, generator=g) * 0.1)
    return model


@pytest.fixture(autouse=True, scope="module")
def one_thread():
    """One intra-op thread: on a shared 2-core machine, 2 threads wait on each other for
    scheduler time slices and tiny forwards take seconds; results do not depend on it."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="session")
def pair() -> Callable[[str, int], tuple[nn.Module, rl.AnyNet]]:
    """(torchvision model, converted model) for a builder and class count, each built once."""
    cache: dict[tuple[str, int], tuple[nn.Module, rl.AnyNet]] = {}

    def get(name: str, num_classes: int = 1000) -> tuple[nn.Module, rl.AnyNet]:
        key = (name, num_classes)
        if key in cache:
            return cache[key]
        torch.manual_seed(0)
        tv = randomize(torchvision.models.get_model(name, num_classes=num_classes), seed=1).eval()
        result = (tv, from_torchvision(tv))
        if count(tv) < _CACHE_BELOW:
            cache[key] = result
        return result

    return get


def max_diff(a: nn.Module, b: nn.Module, x: torch.Tensor) -> float:
    with torch.no_grad():
        return (a(x) - b(x)).abs().max().item()


# ---------------------------------------------------------------------------------------------
# names


def test_builder_names_are_torchvisions_regnets() -> None:
    tv_names = {n for n in torchvision.models.list_models(module=torchvision.models) if n.startswith("regnet")}
    assert set(BUILDERS) == tv_names and len(BUILDERS) == 15
    names = torchvision_builder_names()
    assert names["regnet_x_1_6gf"] == "RegNetX-1.6GF"
    assert names["regnet_y_8gf"] == "RegNetY-8.0GF"
    assert names["regnet_x_16gf"] == "RegNetX-16GF"
    assert names["regnet_y_128gf"] is None
    assert all(v in rl.zoo_names() for k, v in names.items() if k != HEAVY)


# ---------------------------------------------------------------------------------------------
# (a) parameters


@pytest.mark.parametrize("name", BUILDERS)
def test_params_equal_torchvision(name: str, pair) -> None:
    expected = torchvision_params(name)
    if name != HEAVY:
        tv, ours = pair(name)
        assert next(ours.parameters()).device.type == "cpu"
    else:
        with _ParametersOnMeta():
            tv = torchvision.models.get_model(name)
        ours = from_torchvision(tv)
        assert next(ours.parameters()).device.type == "meta"
    assert count(tv) == expected
    assert rl.complexity(ours.config).params == expected
    assert count(ours) == expected
    assert torchvision_config(name) == ours.config  # the builder's description agrees


# ---------------------------------------------------------------------------------------------
# (b) outputs


@pytest.mark.parametrize("num_classes", [1000, 10])
@pytest.mark.parametrize("name", PARITY)
def test_output_parity(name: str, num_classes: int, pair) -> None:
    tv, ours = pair(name, num_classes)
    assert ours.config.num_classes == num_classes and not ours.training
    x = torch.randn(2, 3, 64, 64, generator=torch.Generator().manual_seed(2))
    assert max_diff(tv, ours, x) <= 1e-5
    tv_state, our_state = tv.state_dict(), ours.state_dict()
    assert tv_state["stem.1.num_batches_tracked"] == our_state["stem.bn.num_batches_tracked"] == 8


def small_regnet(**kwargs) -> RegNet:
    """A tiny RegNetY (depths 1 1 2 2, widths 16 32 48 96) from torchvision's own classes."""
    params = BlockParams.from_init_params(depth=6, w_0=16, w_a=16.0, w_m=1.8, group_width=8, se_ratio=0.25)
    return RegNet(params, **kwargs)


def test_train_mode_and_gradients_agree() -> None:
    tv = randomize(small_regnet(), seed=3).train()
    ours = from_torchvision(tv)
    assert ours.training
    x = torch.randn(2, 3, 32, 32, generator=torch.Generator().manual_seed(4))
    ya, yb = tv(x), ours(x)
    assert (ya - yb).abs().max().item() <= 1e-5
    ya.square().sum().backward()
    yb.square().sum().backward()
    grad_tv = tv.trunk_output.block2[0].f.b[0].weight.grad
    grad_ours = ours.s2.b1.f.b.weight.grad
    assert torch.allclose(grad_tv, grad_ours, atol=1e-5, rtol=1e-4)
    # the running statistics moved the same way
    assert torch.allclose(tv.stem[1].running_mean, ours.stem.bn.running_mean, atol=1e-6)


def test_double_precision_conversion() -> None:
    tv = randomize(small_regnet(num_classes=3), seed=5).double().eval()
    ours = from_torchvision(tv)
    assert next(ours.parameters()).dtype == torch.float64
    x = torch.randn(1, 3, 48, 48, dtype=torch.float64)
    assert max_diff(tv, ours, x) <= 1e-12


def test_custom_regnet_se_ratio_and_bottleneck() -> None:
    """Any torchvision RegNet converts: other SE ratio, bottleneck multiplier, classes."""
    params = BlockParams.from_init_params(depth=5, w_0=16, w_a=12.0, w_m=2.0, group_width=8,
                                          bottleneck_multiplier=0.5, se_ratio=0.5)
    tv = randomize(RegNet(params, num_classes=7, stem_width=24), seed=6).eval()
    ours = from_torchvision(tv)
    cfg = ours.config
    assert cfg.se_ratio == 0.5 and cfg.bottleneck_ratios == (2,) * cfg.num_stages
    assert (cfg.stem_width, cfg.num_classes) == (24, 7)
    assert ours.torchvision_builder is None and not ours.matches_paper
    assert max_diff(tv, ours, torch.randn(2, 3, 32, 32)) <= 1e-5


# ---------------------------------------------------------------------------------------------
# (c) the paper


def test_three_builders_differ_from_the_paper() -> None:
    diffs = torchvision_differences()
    assert set(diffs) == set(DIFFERENT)
    for name, (tv_widths, paper_widths) in DIFFERENT.items():
        c = diffs[name]
        assert not c.matches_paper and c.builder == name
        assert c.widths == tv_widths
        assert c.paper_widths == paper_widths == rl.zoo_config(c.paper_name).widths
        assert c.config.depths == rl.zoo_config(c.paper_name).depths  # only the widths differ
        assert c.differences and all(d.startswith("widths") for d in c.differences)
        assert str(tv_widths) in str(c) and str(paper_widths) in str(c)


@pytest.mark.parametrize("name", [b for b in BUILDERS if b not in DIFFERENT and b != HEAVY])
def test_other_builders_are_the_paper_models(name: str) -> None:
    c = compare_with_paper(name)
    paper = rl.zoo_config(torchvision_builder_names()[name])
    assert c.matches_paper and c.differences == ()
    assert c.config.widths == paper.widths
    assert c.config == paper.to_anynet()


def test_regnet_y_128gf_has_no_paper_counterpart() -> None:
    c = compare_with_paper(HEAVY)
    assert c.paper_name is None and c.paper_config is None and not c.matches_paper


@pytest.mark.parametrize("name", ["regnet_x_400mf", "regnet_y_400mf", "regnet_y_800mf"])
def test_converted_model_says_whether_it_is_the_paper_model(name: str, pair) -> None:
    _, ours = pair(name, 10)
    assert ours.torchvision_builder == name
    assert ours.paper_name == torchvision_builder_names()[name]
    assert ours.matches_paper == (name not in DIFFERENT)
    assert ours.config.widths == torchvision_config(name).widths  # converted as is, no fix-up
    c = compare_with_paper(ours)
    assert c.builder == name and c.matches_paper == ours.matches_paper
    assert c.paper_config.num_classes == 10


# ---------------------------------------------------------------------------------------------
# (d) bad input


@pytest.mark.parametrize("bad", [
    nn.Linear(3, 4),
    nn.Sequential(),
    "regnet_x_400mf",
    None,
])
def test_non_regnet_raises(bad) -> None:
    with pytest.raises(ValueError):
        from_torchvision(bad)


def test_resnet_raises() -> None:
    with pytest.raises(ValueError, match="torchvision.models.RegNet"):
        from_torchvision(torchvision.models.resnet18())


def test_other_activation_or_norm_raises() -> None:
    with pytest.raises(ValueError, match="ReLU"):
        from_torchvision(small_regnet(activation=nn.SiLU))
    with pytest.raises(ValueError, match="eps"):
        from_torchvision(small_regnet(norm_layer=lambda c: nn.BatchNorm2d(c, eps=1e-3)))


def test_inconsistent_se_widths_raise() -> None:
    tv = small_regnet()
    se = tv.trunk_output.block1[0].f.se
    w_b = se.fc1.in_channels
    se.fc1, se.fc2 = nn.Conv2d(w_b, 3, 1), nn.Conv2d(3, w_b, 1)  # 3 != round(0.25 * 32) = 8
    with pytest.raises(ValueError, match="se_ratio"):
        from_torchvision(tv)


def test_unknown_builder_name_raises() -> None:
    with pytest.raises(ValueError, match="regnet_x_400mf"):
        compare_with_paper("regnet_z_1gf")
    with pytest.raises(ValueError):
        torchvision_config("resnet50")
