"""Every chapter has the book's shape: listed in the table of contents, a title and goals, a
summary, 3-5 exercises with solutions, an interactive control, and glued numbers that exist."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))
# The quick tour predates the chapter rules on controls (rl.explore): it has none.
NO_CONTROL_NEEDED = {"00_quick_tour.ipynb"}


def toc_files() -> list[str]:
    """The root page and every ``file:`` entry of _toc.yml, at any depth."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    found = [toc["root"]]

    def walk(node):
        if isinstance(node, dict):
            if "file" in node:
                found.append(node["file"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(toc)
    return found


def text(nb, kind: str) -> str:
    return "\n".join(c.source for c in nb.cells if c.cell_type == kind)


def bib_keys() -> set[str]:
    return set(re.findall(r"@\w+\{([^,]+),", (ROOT / "book" / "references.bib").read_text()))


def test_every_chapter_is_in_the_toc_and_every_toc_entry_exists():
    listed = toc_files()
    for path in CHAPTERS:
        assert f"chapters/{path.stem}" in listed, f"{path.name} is not listed in _toc.yml"
    for entry in listed:
        assert any((ROOT / f"{entry}{ext}").is_file() for ext in (".md", ".ipynb")), entry


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_chapter_shape(path):
    nb = nbformat.read(path, as_version=4)
    md = text(nb, "markdown")
    code = text(nb, "code")
    body = [c for c in nb.cells if c.get("id") not in ("colab-badge", "colab-setup")]
    assert body[0].cell_type == "markdown" and body[0].source.startswith("# "), "no title first"
    assert re.search(r"you will|you'll", body[0].source, re.I), "the opening says what you will learn"
    assert "## Summary" in md and "## Exercises" in md
    exercises = md.split("## Exercises", 1)[1]
    n_solutions = exercises.count(":::{dropdown}")
    assert 3 <= n_solutions <= 6, f"{n_solutions} solutions in dropdowns (want one per exercise, 3-5)"
    if path.name not in NO_CONTROL_NEEDED:
        assert "rl.explore(" in code, "no interactive control (rl.explore)"
    assert "myst_nb" not in code, "use rl.glue (works on Colab too), not myst_nb directly"
    assert "import regnet_lab as rl" in code


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_glued_names_are_defined_and_citations_exist(path):
    nb = nbformat.read(path, as_version=4)
    md = text(nb, "markdown")
    code = text(nb, "code")
    used = set(re.findall(r"\{glue:\w+\}`([A-Za-z0-9_\-]+)", md))
    defined = set(re.findall(r"glue\(\s*[\"']([A-Za-z0-9_\-]+)[\"']", code))
    defined |= set(re.findall(r"glue\(\s*f[\"']([A-Za-z0-9_\-]+)[\"']", code))  # literal f-strings
    dynamic = re.search(r"glue\(\s*(?:f[\"'][^\"']*\{|[a-z_]+\s*[,)])", code) is not None
    missing = used - defined
    assert not missing or dynamic, f"glued in the text but never computed: {sorted(missing)}"
    cited = set()
    for group in re.findall(r"\{cite:\w+\}`([^`]+)`", md):
        cited |= {k.strip() for k in group.split(",")}
    assert cited <= bib_keys(), f"unknown citation keys: {sorted(cited - bib_keys())}"
