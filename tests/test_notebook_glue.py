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
