"""The examples in the core modules' docstrings run and print what they claim."""

import doctest
import importlib

import pytest

MODULES = ["regnet_lab", "regnet_lab.quantization", "regnet_lab.configs", "regnet_lab.zoo",
           "regnet_lab.resolve", "regnet_lab.network", "regnet_lab.counting"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
