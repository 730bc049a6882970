"""rl.glue stores values for the book through MyST-NB and is harmless where MyST-NB is missing."""

from __future__ import annotations

import builtins

import pytest

import regnet_lab as rl


def test_glue_uses_myst_nb(monkeypatch):
    stored = {}
    import myst_nb

    monkeypatch.setattr(myst_nb, "glue", lambda name, value, display=True: stored.update({name: (value, display)}))
    rl.glue("median_error", 15.2)
    assert stored == {"median_error": (15.2, False)}


def test_glue_without_myst_nb_does_nothing(monkeypatch):
    real_import = builtins.__import__

    def no_myst(name, *args, **kwargs):
        if name.startswith("myst_nb"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_myst)
    assert rl.glue("n", 3) is None


@pytest.mark.parametrize("bad", ["", "two words", "a.b", 3])
def test_bad_names_raise(bad):
    with pytest.raises(ValueError):
        rl.glue(bad, 1)


@pytest.mark.parametrize("x, digits, text", [
    (1.847e18, 2, "1.8 × 10¹⁸"), (1.3822e13, 3, "1.38 × 10¹³"), (3.0e8, 2, "3.0 × 10⁸"),
    (0.00012, 2, "1.2 × 10⁻⁴"), (9.96e5, 2, "1.0 × 10⁶"),
])
def test_scientific(x, digits, text):
    assert rl.scientific(x, digits=digits) == text


@pytest.mark.parametrize("x, digits", [(1.0, 0), (1.0, True), (float("nan"), 2), (float("inf"), 2),
                                       ("many", 2)])
def test_scientific_rejects_bad_input(x, digits):
    with pytest.raises(ValueError):
        rl.scientific(x, digits=digits)
