"""The book build executes chapters with interactive controls without stalling.

Jupyter Book executes each chapter with nbclient. For a cell that shows an ``ipywidgets``
control, nbclient sends widget messages on the kernel's shell socket while it waits on the same
socket for the cell's reply, and with pyzmq's asyncio sockets that wait could miss its wake-up and
sleep until the cell timeout (600 s in ``_config.yml``), about one such cell in nine on the 2-core
machine. The book's Sphinx extension (``book/_ext/regnet_lab_book.py``, point 4) patches the wait;
this test runs a notebook of many ``interact`` cells through nbclient, as the build does, with the
extension's patch applied, and requires every cell to finish promptly. Without the patch it fails
in almost every run (30 cells, each stalling with probability ~0.1).
"""

from __future__ import annotations

import importlib.util
import time
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
N_CELLS = 30
CELL_TIMEOUT = 60  # seconds; a stalled cell waits this long, then finishes anyway
PROMPT = 8  # seconds: far above a normal cell here (~0.2 s), far below a stall

INTERACT_CELL = """\
import ipywidgets as widgets
import matplotlib.pyplot as plt

def show(x=1):
    fig, ax = plt.subplots(figsize=(3, 2))
    ax.plot(range(x + 2))
    plt.show()
    print("x =", x)

widgets.interact(show, x=widgets.IntSlider(value=1, min=0, max=9));
"""


def book_extension():
    spec = importlib.util.spec_from_file_location(
        "regnet_lab_book", ROOT / "book" / "_ext" / "regnet_lab_book.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_patch_is_idempotent_and_keeps_the_timeout():
    pytest.importorskip("jupyter_client")
    from jupyter_client.channels import AsyncZMQSocketChannel

    extension = book_extension()
    assert extension.patch_kernel_channel_polling()
    patched = AsyncZMQSocketChannel.get_msg
    assert extension.patch_kernel_channel_polling()
    assert AsyncZMQSocketChannel.get_msg is patched  # not wrapped twice
    assert patched.sliced_by_regnet_lab


def test_interactive_cells_never_wait_for_the_cell_timeout(tmp_path):
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipywidgets")
    assert book_extension().patch_kernel_channel_polling()

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(INTERACT_CELL) for _ in range(N_CELLS)]
    client = nbclient.NotebookClient(nb, timeout=CELL_TIMEOUT,
                                     resources={"metadata": {"path": str(tmp_path)}})
    durations = []
    with client.setup_kernel():
        for index, cell in enumerate(nb.cells):
            start = time.monotonic()
            client.execute_cell(cell, index)
            durations.append(time.monotonic() - start)
    slow = [(i, round(d, 1)) for i, d in enumerate(durations) if d > PROMPT]
    assert slow == [], f"cells that stalled (index, seconds): {slow}"
    # the interact output (figure and text) was captured in the widget state, as in the book
    assert client.widget_state, "no widget state recorded"
