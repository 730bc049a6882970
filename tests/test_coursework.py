"""The coursework starters (coursework/*.ipynb) run as stored, and their checks work both ways.

Each starter is executed cell by cell in this process (faster than a kernel per run):

* as stored, every check must report "not implemented yet" and nothing may crash;
* with the reference solutions of ``tests/coursework_solutions.py`` put in place of the TODO
  functions, every check must pass;
* with one deliberately wrong function, the check of that task must fail (and only that one).

Also: the starters are stored clean with the generated Colab cells, and ``book/coursework.md``
links them and lists every stable name of ``regnet_lab``.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import os
import tempfile
import warnings
from pathlib import Path
from types import SimpleNamespace

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import nbformat  # noqa: E402
import pytest  # noqa: E402

import coursework_solutions as solutions  # noqa: E402
import regnet_lab as rl  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
STARTERS = {
    "A": ROOT / "coursework" / "assignment_a_quantization.ipynb",
    "B": ROOT / "coursework" / "assignment_b_design_space_comparison.ipynb",
}
SOLUTIONS = {"A": solutions.ASSIGNMENT_A, "B": solutions.ASSIGNMENT_B}
WRONG = {"A": solutions.WRONG_A, "B": solutions.WRONG_B}
PAGE = ROOT / "book" / "coursework.md"

_spec = importlib.util.spec_from_file_location("sync_notebooks", ROOT / "tools" / "sync_notebooks.py")
sync_notebooks = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(sync_notebooks)
CONFIG = sync_notebooks.load_config(ROOT)


def run_starter(path: Path, replace: dict | None = None) -> tuple[dict, str]:
    """Execute the code cells of ``path``; after each cell, put ``replace``'s functions in place
    of the names it defined. Returns the notebook's ``results`` dict and everything it printed."""
    nb = nbformat.read(path, as_version=4)
    ns: dict = {"__name__": "__main__"}
    out = io.StringIO()
    cwd = os.getcwd()
    with tempfile.TemporaryDirectory() as tmp:
        os.chdir(tmp)  # a student's fresh folder; the starters must not need the repository's
        try:
            with contextlib.redirect_stdout(out), warnings.catch_warnings():
                warnings.simplefilter("ignore")  # e.g. Agg's "cannot show the figure"
                for cell in nb.cells:
                    if cell.cell_type != "code":
                        continue
                    exec(compile(cell.source, f"{path.name}[{cell.id}]", "exec"), ns)
                    for name, function in (replace or {}).items():
                        if name in ns:
                            ns[name] = function
        finally:
            os.chdir(cwd)
            plt.close("all")
    return ns["results"], out.getvalue()


@pytest.mark.parametrize("key", sorted(STARTERS))
def test_starter_is_clean_and_in_sync(key):
    assert sync_notebooks.problems(STARTERS[key], CONFIG, ROOT) == []


@pytest.mark.parametrize("key", sorted(STARTERS))
def test_starter_runs_as_stored_and_reports_not_implemented(key):
    results, printed = run_starter(STARTERS[key])
    assert set(results) == set(WRONG[key]), f"checks found: {sorted(results)}"
    assert all(state is None for state in results.values()), results
    assert printed.count("not implemented yet") >= len(results), printed
    assert "FAIL" not in printed, printed


@pytest.mark.parametrize("key", sorted(STARTERS))
def test_reference_solutions_pass_every_check(key):
    results, printed = run_starter(STARTERS[key], SOLUTIONS[key])
    assert set(results) == set(WRONG[key])
    assert all(state is True for state in results.values()), printed


@pytest.mark.parametrize("key, check", [(k, c) for k in sorted(WRONG) for c in sorted(WRONG[k])])
def test_each_check_catches_a_wrong_solution(key, check):
    name, wrong = WRONG[key][check]
    results, printed = run_starter(STARTERS[key], {**SOLUTIONS[key], name: wrong})
    assert results[check] is False, printed
    assert all(state is True for other, state in results.items() if other != check), printed
    assert f"[{check}] FAIL" in printed


_ext_spec = importlib.util.spec_from_file_location("regnet_lab_book", ROOT / "book" / "_ext" / "regnet_lab_book.py")
book_extension = importlib.util.module_from_spec(_ext_spec)
_ext_spec.loader.exec_module(book_extension)


def page_as_built() -> str:
    """book/coursework.md with its repository placeholders filled the way the book's Sphinx
    extension fills them (from the theme options Jupyter Book derives from _config.yml)."""
    url, branch = sync_notebooks.repository(CONFIG)
    config = SimpleNamespace(html_theme_options={
        "repository_url": CONFIG["repository"]["url"], "repository_branch": branch,
        "launch_buttons": {"colab_url": CONFIG["launch_buttons"]["colab_url"]}})
    source = [PAGE.read_text(encoding="utf-8")]
    book_extension.fill_repository_placeholders(SimpleNamespace(config=config), "book/coursework", source)
    return source[0]


def test_coursework_page_links_each_starter_on_colab_and_github():
    page = page_as_built()
    assert "@REPOSITORY_" not in page and "@COLAB_" not in page
    url, branch = sync_notebooks.repository(CONFIG)
    assert f"pip install \"regnet_lab @ git+{url}@<commit>\"" in page
    for path in STARTERS.values():
        rel = path.relative_to(ROOT).as_posix()
        assert sync_notebooks.colab_link(CONFIG, rel) in page, rel
        assert f"{url}/blob/{branch}/{rel}" in page, rel


def test_coursework_page_lists_every_stable_name():
    page = PAGE.read_text(encoding="utf-8")
    missing = [name for name in rl.__all__ if f"`{name}`" not in page]
    assert missing == [], f"book/coursework.md does not list {missing}"


def test_solutions_are_not_in_the_starters():
    for key, path in STARTERS.items():
        source = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells)
        for name in SOLUTIONS[key]:
            assert f"def {name}(" in source, f"{path.name} has no TODO function {name}"
        assert source.count("raise NotImplementedError") == len(SOLUTIONS[key])
