"""Settings every test shares, so that the suite runs the same against an editable install
(``pip install -e .``, the Makefile's) and a non-editable one (``pip install .``, then pytest from
another folder: ``tools/test_installed.sh``).

The tests read the checkout through ``ROOT`` (this file's folder's parent), never through the
installed package's location or the working directory. The library finds the committed reference
results next to an editable install or above the working directory (``regnet_lab.reference``);
a wheel install has neither, so the tests name them with ``REGNET_LAB_REFERENCE`` (unless it is
set already). Subprocesses and notebook kernels inherit it. The tests of the search order itself
(``tests/test_reference.py``) unset it where they need to.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True, scope="session")
def reference_results_of_the_checkout():
    with pytest.MonkeyPatch.context() as mp:
        if not os.environ.get("REGNET_LAB_REFERENCE"):
            mp.setenv("REGNET_LAB_REFERENCE", str(ROOT / "data" / "sweeps"))
        yield
