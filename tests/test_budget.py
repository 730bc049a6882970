"""regnet_lab.budget: the ci/cpu/gpu budgets and how the current one is chosen."""

from __future__ import annotations

import dataclasses
import json
import sys

import pytest
import torch

from regnet_lab import budget as B


@pytest.fixture(autouse=True)
def no_env(monkeypatch):
    monkeypatch.delenv(B.BUDGET_ENV_VAR, raising=False)


def test_three_budgets_exist():
    assert set(B.BUDGETS) == {"ci", "cpu", "gpu", "cpu-long"}
    assert B.budget_names() == ["ci", "cpu", "gpu", "cpu-long"]
    long, cpu = B.BUDGETS["cpu-long"], B.BUDGETS["cpu"]
    assert long.epochs == 10 == 2.5 * cpu.epochs  # Fig. 10's longer training, 2.5x
    assert long.replace(name="cpu", epochs=4, eval_every=4, n_models=100, note=cpu.note) == cpu
    for name, b in B.BUDGETS.items():
        assert b.name == name
        json.dumps(b.to_dict())
        assert b.describe().startswith(f"budget '{name}'")


def test_budgets_are_ordered_by_cost():
    ci, cpu, gpu = (B.BUDGETS[n] for n in ("ci", "cpu", "gpu"))

    def images(b):
        return b.epochs * (b.train_subset or 60000)

    assert images(ci) < images(cpu) < images(gpu)
    assert ci.n_models <= cpu.n_models <= gpu.n_models
    # ci: seconds on 2 CPU cores
    assert ci.epochs == 1 and ci.train_subset <= 2048 and ci.test_subset <= 1000


def test_explicit_name_wins(monkeypatch):
    monkeypatch.setenv(B.BUDGET_ENV_VAR, "gpu")
    assert B.current_budget("ci").name == "ci"
    assert B.current_budget(" CPU ").name == "cpu"


def test_env_var(monkeypatch):
    monkeypatch.setenv(B.BUDGET_ENV_VAR, "ci")
    assert B.current_budget() is B.BUDGETS["ci"]


@pytest.mark.parametrize("cuda, expected", [(True, "gpu"), (False, "cpu")])
def test_default_follows_cuda(monkeypatch, cuda, expected):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: cuda)
    assert B.current_budget().name == expected


def test_unknown_names_list_the_valid_ones(monkeypatch):
    with pytest.raises(ValueError, match="ci, cpu, gpu"):
        B.current_budget("huge")
    monkeypatch.setenv(B.BUDGET_ENV_VAR, "tpu")
    with pytest.raises(ValueError, match=B.BUDGET_ENV_VAR):
        B.current_budget()


def test_budget_passes_through():
    b = B.BUDGETS["ci"].replace(epochs=3)
    assert B.current_budget(b) is b


def test_frozen_and_replace():
    b = B.BUDGETS["cpu"]
    before = b.to_dict()
    with pytest.raises(dataclasses.FrozenInstanceError):
        b.epochs = 7  # type: ignore[misc]
    c = b.replace(epochs=17, train_subset=None)
    assert c.epochs == 17 and c.train_subset is None and c.name == "cpu"
    assert b.to_dict() == before


@pytest.mark.parametrize("field, value", [
    ("epochs", 0), ("epochs", -1), ("epochs", 1.5), ("batch_size", 0), ("n_models", 0),
    ("train_subset", 0), ("test_subset", -5), ("lr", 0.0), ("lr", float("nan")),
    ("weight_decay", -1e-4), ("warmup_epochs", 99), ("momentum", 1.0), ("workers", 0),
    ("eval_every", 0), ("label_smoothing", 1.0), ("flops_range", (5, 1)), ("name", ""),
    ("live_models", 0), ("live_epochs", 0), ("live_train_subset", -1),
])
def test_bad_values_raise_valueerror_naming_the_field(field, value):
    with pytest.raises(ValueError, match=field):
        B.BUDGETS["ci"].replace(**{field: value})


@pytest.mark.parametrize("name", ["ci", "cpu", "gpu"])
def test_live_recipe_is_no_bigger(name):
    b = B.BUDGETS[name]
    live = b.live()
    assert live.name == b.name and live.epochs <= b.epochs
    assert (live.train_subset or 10**9) <= (b.train_subset or 10**9)
    assert live.warmup_epochs <= live.epochs and live.eval_every <= live.epochs
    assert 1 <= b.live_models <= b.n_models


def test_default_is_cpu_without_torch(monkeypatch):
    monkeypatch.delenv("REGNET_LAB_BUDGET", raising=False)
    monkeypatch.setitem(sys.modules, "torch", None)  # "import torch" now raises ImportError
    assert B.current_budget().name == "cpu"
