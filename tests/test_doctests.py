"""The examples in the library's docstrings run and print what they claim.

Every module of the package that has examples is tested (a module without any is left out: its
doctest run could not fail).
"""

import doctest
import importlib
import pkgutil

import pytest

import regnet_lab

MODULES = ["regnet_lab"] + [f"regnet_lab.{m.name}" for m in pkgutil.iter_modules(regnet_lab.__path__)
                            if not m.name.startswith("_")]
WITH_EXAMPLES = [name for name in MODULES
                 if any(t.examples for t in doctest.DocTestFinder().find(importlib.import_module(name)))]


def test_the_core_modules_have_examples():
    assert {"regnet_lab", "regnet_lab.quantization", "regnet_lab.counting", "regnet_lab.budget",
            "regnet_lab.data", "regnet_lab.training", "regnet_lab.interop"} <= set(WITH_EXAMPLES)


@pytest.mark.parametrize("name", WITH_EXAMPLES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0 and result.attempted > 0
