"""The quantized linear rule (eqs. 2-4) and the compatibility rule."""

import math

import pytest
from hypothesis import given, settings, strategies as st

import regnet_lab as rl


def test_regnetx_200mf_by_hand():
    qw = rl.quantize_widths(w0=24, wa=36.44, wm=2.49, depth=13)
    assert qw.stage_depths == (1, 1, 4, 7)
    assert qw.stage_widths == (24, 56, 152, 368)
    assert qw.num_stages == 4
    # u_1 = 24 + 36.44 = 60.44; s_1 = log(60.44/24)/log(2.49) = 1.0105 -> 1; w_1 = 24*2.49 = 59.76 -> 56
    assert math.isclose(qw.continuous[1], 60.44)
    assert qw.exponents[:3] == (0, 1, 2)
    assert qw.block_widths[:3] == (24, 56, 152)


def test_regnetx_400mf_before_and_after_compatibility():
    qw = rl.quantize_widths(24, 24.48, 2.54, 22)
    assert qw.stage_widths == (24, 64, 152, 392)  # before the group-width adjustment
    assert qw.stage_depths == (1, 2, 7, 12)
    widths, gws = rl.make_compatible(qw.stage_widths, [1] * 4, [16] * 4)
    assert widths == (32, 64, 160, 384) and gws == (16, 16, 16, 16)


def test_group_width_is_clamped_to_the_width():
    cfg = rl.zoo_config("RegNetX-8.0GF")  # g = 120 but stage 1 is 80 wide
    assert cfg.widths == (80, 240, 720, 1920)
    assert cfg.group_widths == (80, 120, 120, 120)


def test_rounding_ties_go_to_even():
    # inner width 24 with g = 16: 24/16 = 1.5 rounds to 2 (even) -> 32; 40/16 = 2.5 -> 2 -> 32
    assert rl.make_compatible([24, 40], [1, 1], [16, 16])[0] == (32, 32)


def test_wa_zero_gives_one_stage():
    qw = rl.quantize_widths(48, 0, 2.0, 5)
    assert qw.stage_widths == (48,) and qw.stage_depths == (5,)


@settings(max_examples=200, deadline=None)
@given(k=st.integers(1, 32), wa=st.floats(0, 256), wm=st.floats(1.01, 4),
       d=st.integers(1, 64), q=st.sampled_from([4, 8, 16]))
def test_invariants(k, wa, wm, d, q):
    w0 = k * q
    qw = rl.quantize_widths(w0, wa, wm, d, q=q)
    assert all(w % q == 0 for w in qw.block_widths)
    assert sum(qw.stage_depths) == d == len(qw.block_widths) == len(qw.continuous)
    assert list(qw.stage_widths) == sorted(set(qw.stage_widths))
    assert list(qw.block_widths) == sorted(qw.block_widths)  # widths never decrease
    assert qw.block_widths[0] == w0
    assert all(s >= 0 for s in qw.exponents)


@pytest.mark.parametrize("kwargs,match", [
    (dict(w0=0, wa=10, wm=2, depth=5), "w0"),
    (dict(w0=-8, wa=10, wm=2, depth=5), "w0"),
    (dict(w0=12, wa=10, wm=2, depth=5), "w0 must be a positive multiple of q=8"),
    (dict(w0=24, wa=-1, wm=2, depth=5), "wa"),
    (dict(w0=24, wa=10, wm=1, depth=5), "wm"),
    (dict(w0=24, wa=10, wm=0.5, depth=5), "wm"),
    (dict(w0=24, wa=10, wm=2, depth=0), "depth"),
    (dict(w0=24, wa=10, wm=2, depth=2.5), "depth"),
    (dict(w0=24, wa=float("nan"), wm=2, depth=5), "wa"),
    (dict(w0=24, wa=10, wm=float("inf"), depth=5), "wm"),
    (dict(w0=float("inf"), wa=10, wm=2, depth=5), "w0"),
    (dict(w0=24, wa=10, wm=2, depth=5, q=0), "q"),
])
def test_bad_parameters_raise_value_error_naming_them(kwargs, match):
    with pytest.raises(ValueError, match=match):
        rl.quantize_widths(**kwargs)


def test_make_compatible_bad_input():
    with pytest.raises(ValueError):
        rl.make_compatible([8, 16], [1], [1, 1])
    with pytest.raises(ValueError):
        rl.make_compatible([0], [1], [1])
